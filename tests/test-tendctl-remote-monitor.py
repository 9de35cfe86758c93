#!/usr/bin/python3
"""`tendctl monitor` with a remote host over SSH: checks from where the service is,
recovery of a remote unit, and a host that goes away and comes back (TAP; issue 13).

Runs inside tests/sandbox/tend-sandbox (the local host, with tests/units) and starts the
remote host of tests/tendremote.py (sshd on 127.0.0.1 in front of a second sandbox
systemd with tests/remote-units). Tend finds the remote as a user has it set up:
$HOME/.ssh/config (Host, HostName, Port, User, IdentityFile) and $HOME/.ssh/known_hosts,
and the host is added with `tendctl host add`; its services and checks are imported.
python3-dbusmock's notification_daemon stands in for the desktop.

- An HTTP check of http://localhost:PORT/marker-file passes: the server runs on the
  REMOTE's 127.0.0.1 and answers only connections that come through sshd
  (tests/remote-http-forward-only.py); from here, directly, it answers 403, and the file
  is only in the remote's runtime directory. So the check went through the SSH forward.
- A command check runs on the remote: it tests for a file that only the remote's runtime
  directory (a tmpfs of its own mount namespace) has.
- kill -9 of the remote unit's main process (over ssh): an incident, the engine restarts
  the unit over SSH, and the restart attempt and the audit row name the remote host.
- sshd stopped: the remote's services are unknown (not critical), their recovery waits
  ("host-unreachable"), no restart is tried, a local service goes on being checked, and
  exactly one notification says the host is unreachable; sshd started again: the checks
  resume, the service is healthy, and one more notification (replacing the first) says
  the host is back.
- A monitor started while sshd is down: the local service is healthy at once (nothing
  waits for the remote), one notification says the host is unreachable, and the remote's
  service is checked when sshd comes.
- A remote service watched with nothing set (`tendctl watch --host`) gets the default
  checks and policy, as a local one does (when tendctl has --host).

Waiting is always for a condition with a deadline, never a bare sleep.
Usage: test-tendctl-remote-monitor.py TENDCTL [--tap]
"""
import json
import os
import shlex
import sqlite3
import subprocess
import time
import sys
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import tendmon  # noqa: E402
from tendmon import Tendctl, free_port, wait_until  # noqa: E402
from tendremote import RemoteHost, RemoteUnavailable  # noqa: E402
from tendtap import check  # noqa: E402

REMOTE = "web1"
LOCAL = tendmon.HOST
HTTP = "tend-remote-http.service"       # on the remote only (tests/remote-units)
SLEEPER = "tend-remote-test.service"    # on the remote only
PORTS = "tend-remote-echo.service"      # on the remote only; its TCP checks, policy never
REDIS = "tend-remote-redis.service"     # on the remote only, on its 127.0.0.1
LOCAL_UNIT = "tend-test-sleeper.service"
MARKER = "remote-marker-8f3a"

env = dict(os.environ)
tendctl = Tendctl(sys.argv[1], env)


# ------------------------------------------------------------------------------------
# The remote host as a user sets it up


def write_ssh_files(remote):
    """~/.ssh/config and ~/.ssh/known_hosts in the (sandbox's) home, as a user has them."""
    ssh_dir = os.path.join(env["HOME"], ".ssh")
    os.makedirs(ssh_dir, mode=0o700, exist_ok=True)
    with open(os.path.join(ssh_dir, "config"), "w") as f:
        f.write(f"Host {REMOTE} 127.0.0.1\n"
                f"  HostName 127.0.0.1\n"
                f"  Port {remote.port}\n"
                f"  User root\n"
                f"  IdentityFile {remote.client_key}\n"
                f"  IdentitiesOnly yes\n")
    with open(remote.known_hosts) as src, open(os.path.join(ssh_dir, "known_hosts"), "w") as f:
        f.write(src.read())


def remote_sh(remote, script):
    # ssh joins its arguments into one line for the remote shell: quote the script.
    return remote.ssh("/bin/sh", "-c", shlex.quote(script))


def remote_runtime_dir(remote):
    r = remote.ssh("/usr/bin/printenv", "XDG_RUNTIME_DIR")
    return r.stdout.strip()


class Sshd:
    """Stops and starts the remote's sshd with tendremote's kill_sshd() and
    restart_sshd(): the listener and every connection it serves go, as when a machine
    drops off the network, and come back on the same port."""

    def __init__(self, remote):
        self.remote = remote

    def stop(self):
        self.remote.kill_sshd()
        return wait_until(lambda: not port_open(self.remote.port), 10)

    def start(self):
        try:
            self.remote.restart_sshd()
        except RuntimeError:
            return False
        return port_open(self.remote.port)

    def close(self):
        pass


def port_open(port):
    import socket
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def direct_get(port, path):
    """GET http://127.0.0.1:@port@path from here, directly: (status, body)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
            return r.status, r.read().decode(errors="replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")
    except OSError as e:
        return None, str(e)


# ------------------------------------------------------------------------------------
# The inventory


def spec(host, unit, name, kind, interval, timeout, failures, params, successes=1):
    return {"host": host, "unit": unit, "name": name, "kind": kind, "interval": interval,
            "timeout": timeout, "failures_before_hard": failures,
            "successes_before_recovered": successes, "startup_grace": "0s",
            "enabled": True, "params": params}


def inventory(remote, http_port, closed_port, redis_port, runtime):
    policy = tendmon.policy_spec(HTTP, "on-failure", cooldown="0s")
    policy["host"] = REMOTE
    never = tendmon.policy_spec(PORTS, "never")
    never["host"] = REMOTE
    return {
        "format": "tend-inventory", "version": 1,
        "hosts": [{"name": LOCAL, "kind": "local", "address": None, "port": None,
                   "user": None, "scope": "user", "sudo": "none", "access": "admin"},
                  {"name": REMOTE, "kind": "ssh", "address": "127.0.0.1",
                   "port": remote.port, "user": "root", "scope": "user", "sudo": "none",
                   "access": "admin"}],
        "services": [{"host": REMOTE, "unit": HTTP, "display_name": None, "tags": []},
                     {"host": REMOTE, "unit": PORTS, "display_name": None, "tags": []},
                     {"host": LOCAL, "unit": LOCAL_UNIT, "display_name": None, "tags": []}],
        "checks": [
            spec(REMOTE, HTTP, "unit", "unit", "30s", "5s", 1, {}, 1),
            spec(REMOTE, HTTP, "http", "http", "1s", "900ms", 2,
                 {"method": "GET", "url": f"http://localhost:{http_port}/marker-file",
                  "expect_status": [200], "body_contains": MARKER, "verify_tls": True,
                  "latency_degraded": None}),
            # A command over SSH takes what the remote's shell takes to start.
            spec(REMOTE, HTTP, "on-remote", "command", "3s", "2500ms", 2,
                 {"argv": ["/usr/bin/test", "-e", f"{runtime}/tend-remote-only"]}),
            # TCP through the forward: the remote's open port, and one closed there.
            spec(REMOTE, PORTS, "tcp-open", "tcp", "1s", "900ms", 1,
                 {"host": "localhost", "port": http_port, "send": None, "expect": None}),
            spec(REMOTE, PORTS, "tcp-closed", "tcp", "1s", "900ms", 1,
                 {"host": "127.0.0.1", "port": closed_port, "send": None, "expect": None}),
            spec(REMOTE, PORTS, "redis", "redis", "1s", "900ms", 1,
                 {"host": "localhost", "port": redis_port, "password_env": None,
                  "max_memory_bytes": None, "critical_memory_bytes": None,
                  "max_clients": None, "critical_clients": None, "max_latency": None,
                  "critical_latency": None}),
            spec(LOCAL, LOCAL_UNIT, "unit", "unit", "30s", "5s", 1, {}, 1),
            spec(LOCAL, LOCAL_UNIT, "alive", "command", "1s", "900ms", 1,
                 {"argv": ["/bin/true"]}),
        ],
        "policies": [policy, never],
        "config": {},
    }


# ------------------------------------------------------------------------------------
# Reading back


def db():
    return sqlite3.connect(env["TEND_DATABASE"], timeout=10)


def attempts(unit):
    """Restart attempts of @unit that ended: (host, strategy, success)."""
    with db() as conn:
        return conn.execute(
            "SELECT hosts.name, strategy, success FROM restart_attempts "
            "JOIN services ON services.id = service_id "
            "JOIN hosts ON hosts.id = services.host_id "
            "WHERE unit = ? AND restart_attempts.state = 'done' "
            "ORDER BY restart_attempts.id", (unit,)).fetchall()


def remote_service(unit=HTTP):
    for s in (tendctl.health() or {}).get("services", []):
        if s["unit"] == unit and s.get("host") == REMOTE:
            return s
    return None


def layer_status(service, name):
    for entry in (service or {}).get("layers", []):
        if entry["name"] == name:
            return entry.get("status")
    return None


def results_count(unit, name):
    """How many results of check @name of @unit the store has counted (minute rollups,
    and the minutes still open)."""
    with db() as conn:
        row = conn.execute(
            "SELECT SUM(n_pass + n_warn + n_fail + n_unknown) FROM "
            "(SELECT check_id, n_pass, n_warn, n_fail, n_unknown FROM rollups "
            " WHERE resolution = 60 UNION ALL "
            " SELECT check_id, n_pass, n_warn, n_fail, n_unknown FROM rollups_open) AS counted "
            "JOIN checks ON checks.id = counted.check_id "
            "JOIN services ON services.id = checks.service_id "
            "WHERE unit = ? AND checks.name = ?", (unit, name)).fetchone()
    return row[0] or 0 if row else 0


def host_notifications():
    return [c for c in tendmon.notifications(env) if c[1].startswith(REMOTE + " is ")]


def unit_notifications(unit):
    return [c for c in tendmon.notifications(env) if c[1].startswith(unit)]


# ------------------------------------------------------------------------------------
# Scenarios


def all_pass(service, names=("unit", "http", "on-remote")):
    if service and all(layer_status(service, n) == "pass" for n in names):
        return service
    return None


def checks_from_the_remote(http_port):
    s = wait_until(lambda: all_pass(remote_service()), 30)
    check("the remote service is healthy: unit, http and command checks pass",
          s and all(layer_status(s, n) == "pass" for n in ("unit", "http", "on-remote")),
          remote_service())
    status, body = direct_get(http_port, "/marker-file")
    check("from here, directly, the remote's server refuses (403: not through sshd)",
          status == 403 and "not through sshd" in body, (status, body))
    ports = wait_until(lambda: (lambda x: x if layer_status(x, "tcp-open") == "pass"
                                and layer_status(x, "tcp-closed") == "fail"
                                and layer_status(x, "redis") == "pass" else None)(
        remote_service(PORTS)), 30)
    closed = [entry for entry in (ports or {}).get("layers", [])
              if entry["name"] == "tcp-closed"]
    check("TCP and Redis through the forward: the remote's open port and its Redis pass, a "
          "closed port is refused there",
          ports and closed and "refused" in (closed[0].get("message") or "")
          and REMOTE in closed[0].get("message", ""), remote_service(PORTS))
    r = tendctl("check", "list", "--json")
    check("the http check's target is the URL as written",
          f"http://localhost:{http_port}/marker-file" in r.stdout, r.stdout[-1500:])


def remote_recovery(remote):
    r = remote_sh(remote, f"kill -9 $(systemctl --user show -p MainPID --value {HTTP})")
    check("kill -9 of the remote unit's main process (over ssh)", r.returncode == 0, r.stderr)
    rows = wait_until(lambda: attempts(HTTP), 20)
    check("the engine restarted it: one restart attempt, host = the remote's name",
          rows and rows[0] == (REMOTE, "restart", 1), rows)
    back = wait_until(lambda: (lambda x: x if x and x["status"] == "healthy" else None)(
        remote_service()), 20)
    check("and it is healthy again, through the forward", back, remote_service())
    r = tendctl("incidents", "--host", REMOTE, HTTP, "--json")
    incidents = json.loads(r.stdout) if r.returncode == 0 else []
    check("an incident of the remote service, on the remote host",
          incidents and incidents[0].get("host") == REMOTE, r.stdout[:1500])
    r = tendctl("audit", "--json")
    audit = json.loads(r.stdout) if r.returncode == 0 else []
    rows = [a for a in audit if a.get("unit") == HTTP and a.get("operation") == "restart"]
    check("the audit log has the restart on the remote host, origin auto",
          rows and rows[-1].get("host") == REMOTE and rows[-1].get("origin") == "auto",
          rows or r.stdout[-1500:])
    calls = unit_notifications(HTTP)
    check("its notification names the remote host",
          calls and f"{HTTP} on {REMOTE}" in calls[0][1], calls)


def unreachable_and_back(remote, sshd):
    before_attempts = len(attempts(HTTP))
    before_unit_calls = len(unit_notifications(HTTP))
    local_before = results_count(LOCAL_UNIT, "alive")

    check("sshd stopped (its listener and its connections)", sshd.stop())
    s = wait_until(lambda: (lambda x: x if x and x["status"] == "unknown" else None)(
        remote_service()), 40)
    check("the remote service is unknown, not critical", s, remote_service())
    rec = (s or {}).get("recovery") or {}
    check("its recovery waits: host unreachable",
          rec.get("state") == "waiting" and rec.get("cause") == "host-unreachable", rec)
    r = tendctl("health")
    check("tendctl health says it waits for the host",
          f"waits for host {REMOTE} to be reachable again" in r.stdout, r.stdout[-2000:])
    calls = wait_until(host_notifications, 10)
    check("one notification: the host is unreachable",
          calls and len(calls) == 1 and calls[0][1] == f"{REMOTE} is unreachable"
          and calls[0][0] == 0, calls)
    # The checks go on every second for the local service while the remote is away.
    grew = wait_until(lambda: results_count(LOCAL_UNIT, "alive") > local_before, 10)
    check("the local service is still checked, and healthy",
          grew and tendctl.status_is(LOCAL_UNIT, "healthy"), tendctl.service_health(LOCAL_UNIT))
    # Three check intervals with the host away: nothing more is said nor done.
    quiet = not wait_until(lambda: len(attempts(HTTP)) > before_attempts
                           or len(host_notifications()) > 1
                           or len(unit_notifications(HTTP)) > before_unit_calls, 3)
    check("while it is away: no restart, no other notification", quiet,
          (attempts(HTTP), host_notifications(), unit_notifications(HTTP)[before_unit_calls:]))

    check("sshd started again", sshd.start())
    back = wait_until(lambda: (lambda x: x if x and x["status"] == "healthy" else None)(
        remote_service()), 60)
    check("the host is back: its checks resume and the service is healthy", back,
          remote_service())
    rec = (back or {}).get("recovery") or {}
    check("its recovery no longer waits for the host", rec.get("cause") != "host-unreachable",
          rec)
    calls = wait_until(lambda: (lambda c: c if len(c) >= 2 else None)(host_notifications()),
                       10) or host_notifications()
    check("one more notification, replacing the first: the host is reachable again",
          len(calls) == 2 and calls[1][1] == f"{REMOTE} is reachable again"
          and calls[1][0] != 0, calls)
    check("and no notification of the service itself for the outage",
          len(unit_notifications(HTTP)) == before_unit_calls,
          unit_notifications(HTTP)[before_unit_calls:])
    return back


def starts_with_host_down(tmp, sshd):
    """A monitor that starts while the remote is down: the local service is checked at
    once, nothing waits for the remote, and the remote's services come when it does."""
    check("sshd stopped before the monitor starts", sshd.stop())
    before = len(host_notifications())
    started = time.monotonic()
    with tendmon.Monitor(tendctl, os.path.join(tmp, "monitor2.log")):
        local = wait_until(lambda: tendctl.status_is(LOCAL_UNIT, "healthy"), 10)
        took = time.monotonic() - started
        check(f"the local service is healthy {took:.1f} s after the start (under 5 s): the "
              "remote host that is down delays nothing", local and took < 5,
              tendctl.service_health(LOCAL_UNIT))
        s = wait_until(lambda: (lambda x: x if x and x["status"] == "unknown" else None)(
            remote_service()), 20)
        check("the remote service is unknown", s, remote_service())
        calls = wait_until(lambda: host_notifications()[before:], 10)
        check("one notification: the host is unreachable",
              calls and len(calls) == 1 and calls[0][1] == f"{REMOTE} is unreachable", calls)
        check("sshd started", sshd.start())
        back = wait_until(lambda: all_pass(remote_service()), 60)
        check("the host comes: its service is checked and healthy", back, remote_service())


def watch_with_defaults():
    r = tendctl("watch", "--help")
    if "--host" not in r.stdout:
        check("# SKIP watch --host: tendctl has no --host yet", True)
        return
    r = tendctl("start", "--host", REMOTE, SLEEPER)
    r = tendctl("watch", "--host", REMOTE, SLEEPER)
    check("tendctl watch --host web1 a remote unit, nothing set", r.returncode == 0,
          (r.stdout, r.stderr))
    r = tendctl("check", "list", "--json")
    checks = json.loads(r.stdout) if r.returncode == 0 else []
    mine = sorted(c["name"] for c in checks if c.get("unit") == SLEEPER
                  and c.get("host") == REMOTE)
    check("it gets the default checks, unit and resources, as a local one does",
          mine == ["resources", "unit"], checks)
    s = wait_until(lambda: (lambda x: x if x and x["status"] == "healthy" else None)(
        remote_service(SLEEPER)), 30)
    check("and is healthy under them", s, remote_service(SLEEPER))
    resources = [entry for entry in (s or {}).get("layers", []) if entry["name"] == "resources"]
    check("its memory is systemd's figure there, never this computer's /proc (no process "
          "RSS for a remote unit)",
          resources and "process RSS" not in (resources[0].get("message") or ""), resources)
    r = tendctl("policy", "show", "--host", REMOTE, SLEEPER)
    check("and the default policy (on-failure)", r.returncode == 0 and "on-failure" in r.stdout,
          (r.stdout, r.stderr))


def viewer_hands_off(remote, monitor):
    """A viewer host, as `tendctl host add` makes one by default: Tend looks, and when a
    service there fails it tries nothing (no refused restart after refused restart) and
    says that a person must act; given operator access, it recovers at once."""
    before = len(attempts(HTTP))
    reloads = monitor.output().count("watching ")
    r = tendctl("host", "set", REMOTE, "--access", "viewer")
    check("tendctl host set web1 --access viewer", r.returncode == 0, (r.stdout, r.stderr))
    check("the monitor takes it in",
          wait_until(lambda: monitor.output().count("watching ") > reloads, 20),
          monitor.output()[-1500:])
    r = remote_sh(remote, f"kill -9 $(systemctl --user show -p MainPID --value {HTTP})")
    check("kill -9 of the remote unit on the viewer host", r.returncode == 0, r.stderr)
    s = wait_until(lambda: (lambda x: x if x and (x.get("recovery") or {}).get("cause")
                            == "access" else None)(remote_service()), 30)
    rec = (s or {}).get("recovery") or {}
    check("its recovery waits for a person: the host's access level, said why",
          rec.get("state") == "manual" and "viewer" in (rec.get("reason") or ""), remote_service())
    check("nothing was tried on the viewer host", len(attempts(HTTP)) == before, attempts(HTTP))
    r = tendctl("audit", "--json")
    refused = [a for a in (json.loads(r.stdout) if r.returncode == 0 else [])
               if a.get("unit") == HTTP and a.get("origin") == "auto" and a.get("error")]
    check("and nothing refused in the audit log either", refused == [], refused)
    calls = wait_until(lambda: [c for c in unit_notifications(HTTP)
                                if "does not bring it back" in c[2]], 20)
    check("its notification says Tend does not bring it back", calls,
          unit_notifications(HTTP))

    r = tendctl("host", "set", REMOTE, "--access", "operator")
    check("tendctl host set web1 --access operator", r.returncode == 0, (r.stdout, r.stderr))
    rows = wait_until(lambda: (lambda a: a if len(a) > before else None)(attempts(HTTP)), 30)
    check("with operator access Tend recovers it at once (a restart, on the remote)",
          rows and rows[-1] == (REMOTE, "restart", 1), rows)


def run(tmp):
    try:
        remote = RemoteHost(units=os.path.join(HERE, "remote-units")).start()
    except RemoteUnavailable as e:
        check(f"# SKIP the remote host cannot run here: {e}", True)
        return
    with remote:
        sshd = Sshd(remote)
        try:
            with_remote(tmp, remote, sshd)
        finally:
            sshd.close()


def with_remote(tmp, remote, sshd):
    write_ssh_files(remote)
    runtime = remote_runtime_dir(remote)
    check("the remote's runtime directory", runtime.startswith("/run/user/"), runtime)
    http_port, redis_port = free_port(), free_port()
    r = remote_sh(remote, f"mkdir -p {runtime}/www && echo {MARKER} > {runtime}/www/marker-file"
                          f" && touch {runtime}/tend-remote-only"
                          f" && printf 'TEND_REMOTE_HTTP_SERVER=%s\\nTEND_REMOTE_HTTP_PORT=%s\\n"
                          f"TEND_REMOTE_REDIS_PORT=%s\\n'"
                          f" {HERE}/remote-http-forward-only.py {http_port} {redis_port}"
                          f" > {runtime}/tend-remote-http.env"
                          f" && systemctl --user start {HTTP} {REDIS}")
    check("the remote's HTTP server starts there (on its 127.0.0.1)", r.returncode == 0,
          (r.stdout, r.stderr))
    check("it listens", wait_until(lambda: port_open(http_port), 10))
    check("the files the remote checks look for are not here",
          not os.path.exists(f"{runtime}/tend-remote-only")
          and not os.path.exists(f"{runtime}/www/marker-file"))
    r = tendctl("start", LOCAL_UNIT)
    check(f"{LOCAL_UNIT} starts here", r.returncode == 0, r.stderr)

    # The host as a user adds it (~/.ssh/config and known_hosts already say how), then
    # the services, checks and policies with it in one import of the whole inventory.
    r = tendctl("host", "add", REMOTE, f"ssh://root@127.0.0.1:{remote.port}", "--scope", "user",
                "--access", "admin")
    check("tendctl host add web1 ssh://root@127.0.0.1:PORT", r.returncode == 0,
          (r.stdout, r.stderr))
    r = tendctl("export")
    exported = json.loads(r.stdout) if r.returncode == 0 else {"hosts": []}
    added = [h for h in exported["hosts"] if h["name"] == REMOTE]
    check("it is in the inventory as an ssh host", added and added[0]["kind"] == "ssh"
          and added[0]["port"] == remote.port, exported)
    wanted = inventory(remote, http_port, free_port(), redis_port, runtime)
    wanted["hosts"] = [h for h in wanted["hosts"] if h["name"] != REMOTE] + added
    r = tendctl.import_inventory(os.path.join(tmp, "inventory.json"), wanted)
    check("its services, checks and policies import", r.returncode == 0, (r.stdout, r.stderr))

    log_path = os.path.join(tmp, "monitor.log")
    with tendmon.Monitor(tendctl, log_path) as monitor:
        checks_from_the_remote(http_port)
        remote_recovery(remote)
        unreachable_and_back(remote, sshd)
        watch_with_defaults()
        viewer_hands_off(remote, monitor)
    text = monitor.output()
    check("the monitor's log says the host went and came back",
          f"{REMOTE} is reachable again" in text, text[-3000:])
    if os.environ.get("TEND_TEST_KEEP_LOG"):
        import shutil
        shutil.copy(log_path, os.environ["TEND_TEST_KEEP_LOG"])
    starts_with_host_down(tmp, sshd)
    try:
        remote.ssh("systemctl", "--user", "stop", HTTP, SLEEPER, REDIS, timeout=20)
    except subprocess.TimeoutExpired:
        pass


def main():
    return tendmon.sandboxed_with_notifications(run, tendctl, [LOCAL_UNIT],
                                                "tend-test-remote-monitor-")


sys.exit(main())
