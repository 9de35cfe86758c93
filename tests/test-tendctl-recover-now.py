#!/usr/bin/python3
"""`tendctl recover UNIT`: the escalation ladder run by hand against real units (TAP).

Runs inside tests/sandbox/tend-sandbox with the units of tests/units (all Restart=no:
what brings a unit back is tendctl). No monitor runs: tendctl builds the service's
checks from the database and runs them itself. Restart attempts are read from the
database with sqlite3.

Usage: test-tendctl-recover-now.py TENDCTL
"""
import json
import os
import signal
import sqlite3
import subprocess
import sys

import tendmon
from tendmon import HOST, Tendctl, answers_200, check_spec, free_port, main_pid
from tendtap import check

HTTP = "tend-test-http.service"              # python3 -m http.server
SLEEPER = "tend-test-sleeper.service"        # runs until stopped
ESCALATE = "tend-test-escalate.service"      # a reload does not make it healthy, a restart does
FAILS = "tend-test-fails.service"            # exits 3 at once on every start
ONESHOT = "tend-test-oneshot-fails.service"  # its start job fails
NO_CHECKS = "tend-test-depb.service"         # watched without checks
UNITS = [HTTP, SLEEPER, ESCALATE, FAILS, ONESHOT, NO_CHECKS]

env = dict(os.environ)
tendctl = Tendctl(sys.argv[1], env)


def inventory(http_port):
    unit_check = lambda unit: check_spec(unit, "unit", "unit", "30s", "5s", 1, {})
    marker = os.path.join(env["HOME"], "tend-test-escalate.ok")
    checks = [unit_check(u) for u in (HTTP, SLEEPER, ESCALATE, FAILS, ONESHOT)] + [
        check_spec(HTTP, "http", "http", "1s", "500ms", 2,
                   {"method": "GET", "url": f"http://127.0.0.1:{http_port}/",
                    "expect_status": [200], "body_contains": None, "verify_tls": True,
                    "latency_degraded": None}),
        check_spec(ESCALATE, "marker", "command", "1s", "900ms", 1,
                   {"argv": ["/bin/sh", "-c", f"test -e {marker} || {{ echo no marker; "
                             "exit 2; }"]}),
    ]
    return tendmon.inventory(UNITS, checks, [])


def attempts(unit):
    """Restart attempts of @unit: (strategy, success, reason, error), in order."""
    with sqlite3.connect(env["TEND_DATABASE"], timeout=10) as db:
        return db.execute(
            "SELECT strategy, success, reason, error FROM restart_attempts "
            "JOIN services ON services.id = service_id WHERE unit = ? "
            "ORDER BY restart_attempts.id", (unit,)).fetchall()


def steps(stdout):
    """The rows of recover's table: [(step, result)]."""
    lines = stdout.splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.split()[:2] == ["STEP", "RESULT"])
    except StopIteration:
        return None
    rows = []
    for line in lines[start + 1:]:
        if not line.strip():
            break
        rows.append(tuple(line.split()[:2]))
    return rows


def active_state(unit):
    return subprocess.run(["systemctl", "--user", "is-active", unit], capture_output=True,
                          text=True, timeout=30).stdout.strip()


# ------------------------------------------------------------------------------------
# Scenarios


def killed_http_comes_back(http_port):
    pid = main_pid(HTTP)
    os.kill(pid, signal.SIGKILL)
    failed = tendmon.wait_until(lambda: active_state(HTTP) == "failed", 10)
    check("the killed HTTP server's unit failed", failed, active_state(HTTP))

    r = tendctl("recover", HTTP)
    check("recover of the killed server exits 0", r.returncode == 0,
          (r.returncode, r.stdout, r.stderr))
    check("it says what it does and with which checks",
          r.stdout.startswith(f"Recovering {HTTP} on {HOST}: reload, start or restart, each "
                              "step verified by its 2 checks (up to 30s)…\n"), r.stdout)
    check("one step: restart (the unit failed), ok", steps(r.stdout) == [("restart", "ok")],
          r.stdout)
    check("it says the service is recovered and healthy",
          f"{HTTP} on {HOST} is recovered: healthy." in r.stdout, r.stdout)
    check("the server answers again, with another process",
          answers_200(http_port) and main_pid(HTTP) not in (0, pid), main_pid(HTTP))
    check("the restart attempt is stored, a success, why: tendctl recover",
          attempts(HTTP) == [("restart", 1, "tendctl recover", None)], attempts(HTTP))


def stopped_unit_is_started():
    tendctl("stop", SLEEPER)
    r = tendctl("recover", SLEEPER, "--json")
    result = json.loads(r.stdout) if r.returncode == 0 else None
    check("recover --json of a stopped unit exits 0", result is not None,
          (r.returncode, r.stdout, r.stderr))
    check("--json: the service, recovered, healthy, its checks",
          result is not None and (result["host"], result["unit"], result["recovered"],
                                  result["health"], result["checks"])
          == (HOST, SLEEPER, True, "healthy", 1), result)
    step = result["steps"][0] if result and len(result["steps"]) == 1 else {}
    check("--json: one step, start, its time and duration",
          step.get("step") == "start" and step.get("success") is True
          and step.get("error") is None and step.get("time", "").endswith("Z")
          and step.get("duration_usec", 0) > 0, result)
    check("the unit runs again", active_state(SLEEPER) == "active", active_state(SLEEPER))


def reload_escalates_to_restart():
    marker = os.path.join(env["HOME"], "tend-test-escalate.ok")
    tendctl("start", ESCALATE)
    check("the escalation unit made its marker", os.path.exists(marker))
    os.unlink(marker)

    r = tendctl("recover", ESCALATE, "--timeout", "2s")
    check("recover of a unit a reload cannot fix exits 0", r.returncode == 0,
          (r.returncode, r.stdout, r.stderr))
    check("the ladder: reload failed, then restart ok",
          steps(r.stdout) == [("reload", "failed"), ("restart", "ok")], r.stdout)
    check("the failed reload says why: the checks within the timeout, the failing one",
          "the checks did not pass within 2 s: marker: no marker" in r.stdout, r.stdout)
    check("both attempts are stored",
          [(a[0], a[1]) for a in attempts(ESCALATE)] == [("reload", 0), ("restart", 1)],
          attempts(ESCALATE))


def failing_unit_is_not_recovered():
    r = tendctl("recover", ONESHOT)
    check("recover of a unit whose start fails exits 1", r.returncode == 1,
          (r.returncode, r.stdout, r.stderr))
    check("the ladder: start failed, then restart failed",
          steps(r.stdout) == [("start", "failed"), ("restart", "failed")], r.stdout)
    check("each step says why, and the end says it was not recovered",
          r.stdout.count(f"'{ONESHOT}' failed to") == 2
          and f"{ONESHOT} on {HOST} was not recovered" in r.stdout
          and f"tendctl logs {ONESHOT}" in r.stdout, r.stdout)

    tendctl("start", FAILS)
    tendmon.wait_until(lambda: active_state(FAILS) == "failed", 10)
    r = tendctl("recover", FAILS, "--timeout", "10s")
    check("recover of a unit that dies at once exits 1", r.returncode == 1,
          (r.returncode, r.stdout, r.stderr))
    check("restart, which did not help: the unit failed again",
          steps(r.stdout) == [("restart", "failed")]
          and "the unit failed again" in r.stdout, r.stdout)
    check("the failed attempts are stored with their errors",
          [(a[0], a[1]) for a in attempts(ONESHOT)] == [("start", 0), ("restart", 0)]
          and attempts(FAILS)[0][3] is not None, (attempts(ONESHOT), attempts(FAILS)))


def no_checks_unit_state():
    tendctl("stop", NO_CHECKS)
    r = tendctl("recover", NO_CHECKS)
    check("recover of a service without checks: started, exit 0",
          r.returncode == 0 and steps(r.stdout) == [("start", "ok")]
          and f"{NO_CHECKS} on {HOST} is recovered: active (it has no checks" in r.stdout,
          (r.returncode, r.stdout, r.stderr))
    check("and it runs", active_state(NO_CHECKS) == "active", active_state(NO_CHECKS))


def refusals():
    r = tendctl("recover", "tend-test-installable.service")
    check("recover of a unit Tend does not watch: exit 3, what to do instead",
          r.returncode == 3 and "Tend does not watch tend-test-installable.service" in r.stderr
          and "tendctl restart tend-test-installable.service" in r.stderr
          and r.stdout == "", (r.returncode, r.stdout, r.stderr))
    r = tendctl("recover", "a/b.service")
    check("recover of a bad unit name: exit 2", r.returncode == 2, (r.returncode, r.stderr))
    for args in (("recover",), ("recover", SLEEPER, "--timeout", "0s"),
                 ("recover", SLEEPER, "--timeout", "soon"), ("recover", SLEEPER, HTTP)):
        r = tendctl(*args)
        check(f"usage error {args[1:]}: exit 2 with a pointer to --help",
              r.returncode == 2 and "--help" in r.stderr, (r.returncode, r.stderr))


def audit():
    rows = json.loads(tendctl("audit", "--json", "--limit", "1000").stdout)
    ops = [(row["unit"], row["operation"], row["result"] is not None) for row in rows
           if row["origin"] == "cli"]
    check("each step is in the audit log, from the command line, failures included",
          (HTTP, "restart", True) in ops and (ESCALATE, "reload", True) in ops
          and (ESCALATE, "restart", True) in ops and (ONESHOT, "start", False) in ops
          and (ONESHOT, "restart", False) in ops, ops)


def run(tmp):
    http_port = free_port()
    with open(os.path.join(env["HOME"], ".config", "tend-test-ports.env"), "w") as f:
        f.write(f"TEND_TEST_HTTP_PORT={http_port}\nTEND_TEST_REDIS_PORT={free_port()}\n")
    r = tendctl.import_inventory(os.path.join(tmp, "inventory.json"), inventory(http_port))
    check("the inventory imports", r.returncode == 0, r.stderr)
    r = tendctl("start", HTTP, SLEEPER, NO_CHECKS)
    check("the units start", r.returncode == 0, r.stderr)
    check("the HTTP server answers", tendmon.wait_until(lambda: answers_200(http_port), 10))

    killed_http_comes_back(http_port)
    stopped_unit_is_started()
    reload_escalates_to_restart()
    failing_unit_is_not_recovered()
    no_checks_unit_state()
    refusals()
    audit()


sys.exit(tendmon.sandboxed(run, tendctl, UNITS, "tend-test-recover-now-"))
