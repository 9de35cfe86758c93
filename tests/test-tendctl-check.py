#!/usr/bin/python3
"""tendctl check add|list|remove and tendctl watch|unwatch on a real database file (TAP).

The stored inventory is read back with `tendctl export`; a refused change must leave it
byte for byte as it was.

Usage: test-tendctl-check.py TENDCTL check   the check commands (no service manager)
       test-tendctl-check.py TENDCTL watch   watch and unwatch: inside tests/sandbox/
                                             tend-sandbox with the units of tests/units
"""
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile

from tendtap import check, finish

TENDCTL, MODE = sys.argv[1], sys.argv[2]
env = dict(os.environ)
SLEEPER = "tend-test-sleeper.service"


def tendctl(*args):
    return subprocess.run([TENDCTL, *args], capture_output=True, text=True, timeout=60,
                          env=env)


def export():
    r = tendctl("export")
    assert r.returncode == 0, r.stderr
    return r.stdout


def stored_checks():
    return {(c["host"], c["unit"], c["name"]): c for c in json.loads(export())["checks"]}


def refused(name, args, exit_status, *expected, refusal="nothing was added"):
    """A refused change: its exit status, a message with each of @expected, and the
    inventory as it was."""
    before = export()
    r = tendctl(*args)
    check(f"{name}: exit {exit_status}", r.returncode == exit_status,
          (r.returncode, r.stdout, r.stderr))
    for text in expected:
        check(f"{name}: the message says {text!r}", text in r.stderr, r.stderr)
    check(f"{name}: says {refusal!r}", refusal in r.stderr, r.stderr)
    check(f"{name}: prints nothing on stdout", r.stdout == "", r.stdout)
    check(f"{name}: the inventory is unchanged", export() == before)


# ------------------------------------------------------------------------------------
# check add, list, remove


def test_add(tmp):
    r = tendctl("check", "list")
    check("list of an empty inventory exits 0 and says 0 checks",
          r.returncode == 0 and "0 checks listed" in r.stdout, (r.returncode, r.stdout))

    # Defaults come from the configuration.
    tendctl("config", "set", "checks.default-interval", "45s")
    tendctl("config", "set", "checks.failures-before-hard", "4")
    r = tendctl("check", "add", "web.service", "health", "--kind", "http",
                "--url", "http://localhost:8080/health")
    check("add http exits 0", r.returncode == 0, r.stderr)
    check("add says what it added, host and service included",
          r.stdout.splitlines() == ["+ host local-user (local)",
                                    "+ service local-user/web.service",
                                    "+ check local-user/web.service/health (http, every 45s)"],
          r.stdout)
    inventory = json.loads(export())
    check("the local host is local-user: local, the user's manager",
          inventory["hosts"] == [{"name": "local-user", "kind": "local", "address": None,
                                  "port": None, "user": None, "scope": "user",
                                  "sudo": "none", "access": "admin"}], inventory["hosts"])
    check("the service is stored", [(s["host"], s["unit"]) for s in inventory["services"]]
          == [("local-user", "web.service")], inventory["services"])
    health = stored_checks()[("local-user", "web.service", "health")]
    check("omitted timing comes from the configuration",
          (health["interval"], health["timeout"], health["failures_before_hard"],
           health["successes_before_recovered"], health["startup_grace"], health["enabled"])
          == ("45s", "10s", 4, 2, "10s", True), health)
    check("http defaults: GET, 200, TLS verified, checks.http-latency-degraded",
          health["params"] == {"method": "GET", "url": "http://localhost:8080/health",
                               "expect_status": [200], "body_contains": None,
                               "verify_tls": True, "latency_degraded": "1s"}, health)

    # Every option of every kind lands where it belongs.
    r = tendctl("check", "add", "web.service", "api", "--kind", "http", "--url",
                "https://example.com/api", "--method", "post", "--expect-status",
                "200,301-303", "--body-contains", "ok", "--no-verify-tls",
                "--latency-degraded", "250ms", "--interval", "10s", "--timeout", "2s")
    check("add http with every option exits 0", r.returncode == 0, r.stderr)
    r = tendctl("check", "add", "web.service", "port", "--kind", "tcp", "--address", "::1",
                "--port", "8080", "--send", "PING\r\n", "--expect", "PONG", "--interval",
                "1min", "--timeout", "5s", "--failures-before-hard", "5", "--successes", "3",
                "--startup-grace", "0s", "--disabled")
    check("add tcp exits 0", r.returncode == 0, r.stderr)
    r = tendctl("check", "add", "cache.service", "redis", "--kind", "redis", "--port", "6380",
                "--password-env", "REDIS_PASSWORD", "--max-memory", "512M",
                "--max-clients", "100", "--max-latency", "50ms", "--critical-memory", "1G",
                "--critical-latency", "200ms")
    check("add redis exits 0", r.returncode == 0, r.stderr)
    r = tendctl("check", "add", "web.service", "script", "--kind", "command", "--",
                "/bin/true", "-w", "10%", "two words")
    check("add command (argv after --, options included) exits 0", r.returncode == 0, r.stderr)
    r = tendctl("check", "add", "web.service", "res", "--kind", "resources", "--cpu-warn",
                "150%", "--cpu-critical", "190.5", "--memory-warn", "1.5G",
                "--memory-critical", "2GiB", "--tasks-critical", "64")
    check("add resources exits 0", r.returncode == 0, r.stderr)
    r = tendctl("check", "add", "web.service", "state", "--kind", "unit")
    check("add unit exits 0", r.returncode == 0, r.stderr)

    checks = stored_checks()
    api = checks[("local-user", "web.service", "api")]
    check("http options stored",
          api["params"] == {"method": "POST", "url": "https://example.com/api",
                            "expect_status": [200, 301, 302, 303], "body_contains": "ok",
                            "verify_tls": False, "latency_degraded": "250ms"}
          and (api["interval"], api["timeout"]) == ("10s", "2s"), api)
    port = checks[("local-user", "web.service", "port")]
    check("tcp options and every timing option stored",
          port["params"] == {"host": "::1", "port": 8080, "send": "PING\r\n", "expect": "PONG"}
          and (port["interval"], port["timeout"], port["failures_before_hard"],
               port["successes_before_recovered"], port["startup_grace"], port["enabled"])
          == ("1min", "5s", 5, 3, "0s", False), port)
    redis = checks[("local-user", "cache.service", "redis")]
    check("redis options stored, address defaulted, no password stored",
          redis["params"] == {"host": "127.0.0.1", "port": 6380,
                              "password_env": "REDIS_PASSWORD",
                              "max_memory_bytes": 512 * 1024 ** 2,
                              "critical_memory_bytes": 1024 ** 3, "max_clients": 100,
                              "critical_clients": None, "max_latency": "50ms",
                              "critical_latency": "200ms"}, redis)
    script = checks[("local-user", "web.service", "script")]
    check("command argv stored as given",
          script["params"] == {"argv": ["/bin/true", "-w", "10%", "two words"]}, script)
    res = checks[("local-user", "web.service", "res")]
    check("resources thresholds stored (sizes in bytes, CPU in percent)",
          res["params"] == {"memory_warn_bytes": 1536 * 1024 ** 2,
                            "memory_critical_bytes": 2 * 1024 ** 3,
                            "cpu_warn_percent": 150.0, "cpu_critical_percent": 190.5,
                            "tasks_warn": None, "tasks_critical": 64}, res)

    # With --system, this computer's host is the system manager's.
    r = tendctl("--system", "check", "add", "nginx.service", "state", "--kind", "unit")
    check("--system add exits 0 without a bus", r.returncode == 0, r.stderr)
    hosts = {h["name"]: h for h in json.loads(export())["hosts"]}
    check("--system adds the host local-system, the system's manager",
          hosts.get("local-system", {}).get("scope") == "system", hosts)


def test_refusals(tmp):
    not_executable = os.path.join(tmp, "not-executable.sh")
    with open(not_executable, "w") as f:
        f.write("#!/bin/sh\nexit 0\n")
    os.chmod(not_executable, stat.S_IRUSR | stat.S_IWUSR)

    add = ("check", "add", "web.service", "new")
    http = add + ("--kind", "http", "--url", "http://localhost/")
    tcp = add + ("--kind", "tcp", "--address", "localhost")
    refused("interval under 1s", http + ("--interval", "500ms"), 2, "--interval", "1s..1d")
    refused("timeout not below the interval", http + ("--interval", "5s", "--timeout", "5s"),
            2, "--timeout", "below the interval")
    refused("the default timeout not below the interval", http + ("--interval", "5s"), 2,
            "--timeout", "checks.default-timeout")
    refused("port 0", tcp + ("--port", "0"), 2, "--port", "1..65535")
    refused("port 70000", tcp + ("--port", "70000"), 2, "--port", "1..65535")
    refused("port not a number", tcp + ("--port", "http"), 2, "--port", "whole number")
    refused("tcp without a port", tcp, 2, "--port")
    refused("invalid URL", add + ("--kind", "http", "--url", "ftp://example.com/"), 2,
            "--url", "http or https")
    refused("URL with a password", add + ("--kind", "http", "--url", "http://a:b@x/"), 2,
            "--url")
    refused("unknown kind", add + ("--kind", "smtp"), 2, "--kind", "smtp", "resources")
    refused("command not absolute", add + ("--kind", "command", "--", "true"), 2,
            "argv[0]", "absolute path")
    refused("command not executable", add + ("--kind", "command", "--", not_executable), 2,
            "argv[0]", "not executable")
    refused("command missing", add + ("--kind", "command", "--", "/nonexistent/check"), 2,
            "argv[0]", "does not exist")
    refused("command check without a command", add + ("--kind", "command"), 2, '"--"')
    refused("a command for another kind", http + ("--", "/bin/true"), 2, "command checks")
    refused("an option of another kind", tcp + ("--port", "1", "--url", "http://x/"), 2,
            "--url", "http checks")
    refused("bad status codes", http + ("--expect-status", "200,3xx"), 2, "--expect-status")
    refused("status code out of range", http + ("--expect-status", "700"), 2,
            "--expect-status", "100..599")
    refused("warning not below critical",
            add + ("--kind", "resources", "--cpu-warn", "90", "--cpu-critical", "80"), 2,
            "--cpu-warn", "--cpu-critical")
    refused("bad size", add + ("--kind", "resources", "--memory-warn", "lots"), 2,
            "--memory-warn", "not a size")
    refused("latency not below the timeout", http + ("--latency-degraded", "20s"), 2,
            "--latency-degraded", "below the timeout")
    refused("failures out of range", http + ("--failures-before-hard", "0"), 2,
            "--failures-before-hard", "1..100")
    refused("bad duration", http + ("--interval", "often"), 2, "--interval", "not a duration")
    refused("bad check name", ("check", "add", "web.service", "a b", "--kind", "unit"), 2,
            "NAME", "A-Z")
    refused("bad unit name", ("check", "add", "../x", "n", "--kind", "unit"), 2,
            "not a valid unit name")
    refused("template unit", ("check", "add", "getty@.service", "n", "--kind", "unit"), 2,
            "template")
    refused("unknown host", add + ("--kind", "unit", "--host", "web1"), 3, "--host", "web1")
    refused("existing name without --replace",
            ("check", "add", "web.service", "health", "--kind", "unit"), 2,
            "health", "--replace")

    # Usage errors: said with a pointer to --help.
    for name, args in (("no --kind", ("check", "add", "web.service", "x")),
                       ("no NAME", ("check", "add", "web.service", "--kind", "unit")),
                       ("no subcommand", ("check",)),
                       ("unknown subcommand", ("check", "edit")),
                       ("unknown option", ("check", "add", "a.service", "b", "--kind", "unit",
                                           "--colour", "red"))):
        r = tendctl(*args)
        check(f"usage error, {name}: exit 2 with a pointer to --help",
              r.returncode == 2 and "--help" in r.stderr, (r.returncode, r.stderr))
    r = tendctl("check", "add", "--help")
    check("check add --help exits 0 and names the kinds",
          r.returncode == 0 and "resources" in r.stdout and "--expect-status" in r.stdout,
          r.stdout[:300])


def test_replace_and_remove():
    args = ("check", "add", "web.service", "health", "--kind", "http", "--url",
            "http://localhost:8080/health")
    r = tendctl(*args, "--replace", "--interval", "20s")
    check("--replace exits 0 and says what changed",
          r.returncode == 0
          and r.stdout.strip() == "~ check local-user/web.service/health: interval 45s → 20s",
          (r.returncode, r.stdout, r.stderr))
    before = export()
    r = tendctl(*args, "--replace", "--interval", "20s")
    check("replacing with the same check changes nothing, and says so",
          r.returncode == 0 and "nothing changed" in r.stdout and export() == before,
          (r.returncode, r.stdout))

    r = tendctl("check", "list")
    lines = r.stdout.splitlines()
    check("list: header first",
          lines and lines[0].split() == ["HOST", "UNIT", "NAME", "KIND", "INTERVAL", "TIMEOUT",
                                         "ENABLED", "TARGET"], r.stdout)
    check("list: one row per check and a count", "8 checks listed." in r.stdout, r.stdout)
    check("list: the tcp target is [::1]:8080, disabled",
          any(line.split()[2:4] == ["port", "tcp"] and line.split()[6:] == ["no", "[::1]:8080"]
              for line in lines), r.stdout)
    check("list: the command is its argv, quoted where needed",
          any(line.endswith("/bin/true -w 10% 'two words'") for line in lines), r.stdout)
    check("list: the method before a URL that is not GET",
          any(line.endswith("POST https://example.com/api") for line in lines), r.stdout)
    check("list: resources thresholds",
          any(line.endswith("cpu 150%/190.5%, memory 1.5G/2.0G, tasks -/64") for line in lines),
          r.stdout)

    r = tendctl("check", "list", "cache.service", "--json")
    rows = json.loads(r.stdout) if r.returncode == 0 else None
    check("list UNIT --json: that unit's checks only, with their params",
          rows is not None and [(c["unit"], c["name"], c["target"]) for c in rows]
          == [("cache.service", "redis", "127.0.0.1:6380")]
          and rows[0]["interval_usec"] == 45_000_000 and rows[0]["params"]["port"] == 6380,
          rows)
    r = tendctl("check", "list", "nothing.service")
    check("list of a unit Tend does not watch exits 3", r.returncode == 3, r.returncode)

    refused("remove a check that is not there",
            ("check", "remove", "web.service", "nope"), 3, "nope", "check list",
            refusal="nothing was removed")
    r = tendctl("check", "remove", "web.service", "api")
    check("remove exits 0 and says what it removed",
          r.returncode == 0 and r.stdout.strip() == "- check local-user/web.service/api",
          (r.returncode, r.stdout, r.stderr))
    inventory = json.loads(export())
    check("the check is gone, the others and the service stay",
          ("local-user", "web.service", "api") not in stored_checks()
          and ("local-user", "web.service", "health") in stored_checks()
          and any(s["unit"] == "web.service" for s in inventory["services"]), inventory)


def test_audit():
    rows = json.loads(tendctl("audit", "--json", "--limit", "1000").stdout)
    adds = [row for row in rows if row["operation"] == "check-add"]
    done = [row for row in adds if row["result"] == "done"]
    check("every check add is audited, from the command line",
          len(done) >= 9 and all(row["origin"] == "cli" for row in adds), adds[:3])
    first = done[-1]
    check("a check add row: host, unit, name and kind",
          first["host"] == "local-user" and first["unit"] == "web.service"
          and first["parameters"] == {
              "name": "health", "kind": "http",
              "changed": ["+ host local-user (local)", "+ service local-user/web.service",
                          "+ check local-user/web.service/health (http, every 45s)"]}, first)
    check("refused adds are audited with their error",
          any(row["result"] is None and "--port" in (row["error"] or "") for row in adds), adds)
    check("an unchanged replace is audited as unchanged",
          any(row["result"] == "unchanged" and row["parameters"].get("replace") for row in adds),
          adds)
    removes = [row for row in rows if row["operation"] == "check-remove"]
    check("removals are audited, the refused one included",
          sorted(str(row["result"]) for row in removes) == ["None", "done"], removes)


# ------------------------------------------------------------------------------------
# watch and unwatch


def test_watch():
    r = tendctl("watch", SLEEPER)
    check("watch exits 0", r.returncode == 0, r.stderr)
    check("watch says what it added",
          r.stdout.splitlines()[-2:] == [f"+ check local-user/{SLEEPER}/resources "
                                         "(resources, every 30s)",
                                         f"+ check local-user/{SLEEPER}/unit (unit, every 30s)"],
          r.stdout)
    checks = stored_checks()
    unit = checks.get(("local-user", SLEEPER, "unit"))
    resources = checks.get(("local-user", SLEEPER, "resources"))
    check("watch adds a unit check that is hard at the first failure",
          unit is not None and unit["kind"] == "unit" and unit["failures_before_hard"] == 1
          and unit["enabled"], unit)
    check("watch adds a resources check: CPU 80% warning, 95% critical, nothing else",
          resources is not None and resources["params"] == {
              "memory_warn_bytes": None, "memory_critical_bytes": None,
              "cpu_warn_percent": 80.0, "cpu_critical_percent": 95.0,
              "tasks_warn": None, "tasks_critical": None}, resources)
    check("watch's other timing is the configuration's",
          resources is not None and (resources["interval"], resources["timeout"],
                                     resources["failures_before_hard"]) == ("30s", "10s", 3),
          resources)

    before = export()
    r = tendctl("watch", SLEEPER)
    check("watching again exits 0, says so and changes nothing",
          r.returncode == 0 and "watched already" in r.stdout and export() == before,
          (r.returncode, r.stdout, r.stderr))

    refused("watch of a unit that does not exist", ("watch", "tend-no-such.service"), 3,
            "tend-no-such.service", refusal="nothing was changed")
    refused("watch of a bad unit name", ("watch", "no/such.service"), 2,
            "not a valid unit name", refusal="nothing was changed")
    refused("watch of a template", ("watch", "getty@.service"), 2, "template",
            refusal="nothing was changed")

    # A check of its own stays; a missing one comes back.
    tendctl("check", "add", SLEEPER, "resources", "--kind", "resources", "--cpu-warn", "50",
            "--replace")
    tendctl("check", "remove", SLEEPER, "unit")
    r = tendctl("watch", SLEEPER)
    checks = stored_checks()
    check("watch adds back only what is missing",
          r.returncode == 0 and r.stdout.strip() == f"+ check local-user/{SLEEPER}/unit "
          "(unit, every 30s)", (r.returncode, r.stdout, r.stderr))
    check("watch leaves a check of its own as it is",
          checks[("local-user", SLEEPER, "resources")]["params"]["cpu_warn_percent"] == 50.0,
          checks)


def test_unwatch(tmp):
    # A policy, through an import of what is there plus one, goes with the service.
    inventory = json.loads(export())
    inventory["policies"] = [{"host": "local-user", "unit": SLEEPER, "kind": "backoff"}]
    path = os.path.join(tmp, "with-policy.json")
    with open(path, "w") as f:
        json.dump(inventory, f)
    r = tendctl("import", path)
    check("import of a policy for the watched unit exits 0", r.returncode == 0, r.stderr)

    r = tendctl("unwatch", SLEEPER)
    check("unwatch exits 0 and says what it removed",
          r.returncode == 0 and sorted(r.stdout.splitlines()) == sorted([
              f"- service local-user/{SLEEPER}", f"- check local-user/{SLEEPER}/resources",
              f"- check local-user/{SLEEPER}/unit", f"- policy local-user/{SLEEPER}"]),
          (r.returncode, r.stdout, r.stderr))
    inventory = json.loads(export())
    check("the service, its checks and its policy are gone",
          inventory["services"] == [] and inventory["checks"] == []
          and inventory["policies"] == [], inventory)
    refused("unwatch of a unit that is not watched", ("unwatch", SLEEPER), 3, "does not watch",
            refusal="nothing was changed")

    rows = json.loads(tendctl("audit", "--json").stdout)
    ops = [(row["operation"], row["unit"], row["result"]) for row in rows
           if row["operation"] in ("watch", "unwatch")]
    check("watch and unwatch are audited, refusals included",
          ("watch", SLEEPER, "done") in ops and ("watch", SLEEPER, "unchanged") in ops
          and ("unwatch", SLEEPER, "done") in ops and ("unwatch", SLEEPER, None) in ops
          and ("watch", "tend-no-such.service", None) in ops, ops)


def main():
    if MODE == "watch" and not os.environ.get("TEND_SANDBOX"):
        print("1..0 # SKIP needs the systemd sandbox: run through tests/sandbox/tend-sandbox")
        return 0

    tmp = tempfile.mkdtemp(prefix="tend-test-check-")
    env["TEND_DATABASE"] = os.path.join(tmp, "tend.db")
    try:
        if MODE == "check":
            test_add(tmp)
            test_refusals(tmp)
            test_replace_and_remove()
            test_audit()
        else:
            test_watch()
            test_unwatch(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return finish()


sys.exit(main())
