#!/usr/bin/python3
"""A lost bus: the session bus daemon stopped and started under `tendctl monitor` (TAP).

Runs inside tests/sandbox/tend-sandbox, whose session bus is the user manager's own
dbus.socket and dbus.service. The monitor watches a unit (a unit check, with an
on-failure policy) and an HTTP check on a server in this process, whose answer the test
chooses. Then:

1. the bus is stopped (`systemctl --user stop dbus.socket dbus.service`: systemctl
   reaches the manager on its private socket). The monitor must go on running (GDBus's
   shared connections would have raised SIGTERM in it), log the host as unreachable,
   reconnecting, and `tendctl health` must show it in the unit check's layer. The HTTP
   check goes on: it sees the server fail and pass again, and Tend restarts nothing,
   although the service turned critical. A one-shot `tendctl status` fails with exit 5
   and a message, and is not killed either.
2. the bus is started again at the same address (`systemctl --user start dbus.socket`;
   the monitor's next try activates dbus.service, and the user manager joins the new
   bus by itself once dbus.service runs). The monitor must reconnect, see the unit's
   state again, and recover the unit when it is killed after that.

With the sd-bus backend (TEND_BACKEND unset, where Tend is built with libsystemd) the
user manager is reached on its private socket, which a bus restart does not touch: the
monitor here is pointed at the bus (XDG_RUNTIME_DIR elsewhere, so that there is no
private socket to find), and a one-shot `tendctl status` on the private socket must
answer while the bus is away. tests/meson.build runs this test with both backends.

Waiting is always for a condition with a deadline, never a bare sleep.
Usage: test-tendctl-bus-restart.py TENDCTL
"""
import http.server
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time

import tendmon
from tendmon import Tendctl, check_spec, free_port, main_pid, policy_spec, wait_until
from tendtap import check

UNIT = "tend-test-sleeper.service"

env = dict(os.environ)
SDBUS = env.get("TEND_BACKEND") != "gdbus"
direct_env = dict(env)
if SDBUS:
    env["XDG_RUNTIME_DIR"] = "/nonexistent/tend-test-runtime-dir"
tendctl = Tendctl(sys.argv[1], env)


class Server(http.server.ThreadingHTTPServer):
    """Answers every GET with self.status, and counts the requests."""
    status = 200
    hits = 0


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (the name http.server calls)
        self.server.hits += 1
        self.send_response(self.server.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def inventory(port):
    checks = [
        check_spec(UNIT, "unit", "unit", "30s", "5s", 1, {}),
        check_spec(UNIT, "http", "http", "1s", "500ms", 1,
                   {"method": "GET", "url": f"http://127.0.0.1:{port}/",
                    "expect_status": [200], "body_contains": None, "verify_tls": True,
                    "latency_degraded": None}),
    ]
    return tendmon.inventory([UNIT], checks, [policy_spec(UNIT, "on-failure", cooldown="0s")])


def attempts():
    """Restart attempts that ended (one is written 'running' when it starts)."""
    with sqlite3.connect(env["TEND_DATABASE"], timeout=10) as db:
        return db.execute(
            "SELECT strategy, success FROM restart_attempts JOIN services "
            "ON services.id = service_id WHERE unit = ? AND restart_attempts.state = 'done' "
            "ORDER BY restart_attempts.id",
            (UNIT,)).fetchall()


def bus_answers():
    r = subprocess.run(["busctl", "--user", "--timeout=2", "call", "org.freedesktop.systemd1",
                        "/org/freedesktop/systemd1", "org.freedesktop.DBus.Peer", "Ping"],
                       capture_output=True, text=True, timeout=30)
    return r.returncode == 0


def systemctl(*args):
    return subprocess.run(["systemctl", "--user", *args], capture_output=True, text=True,
                          timeout=30)


def log_text(path):
    with open(path) as f:
        return f.read()


def layer_says(name, word):
    entry = tendctl.layer(UNIT, name)
    return entry if entry and word in (entry.get("message") or "") else None


def lost_bus(monitor, log_path, server):
    r = systemctl("stop", "dbus.socket", "dbus.service")
    check("the session bus is stopped", r.returncode == 0 and not bus_answers(), r.stderr)
    lost_at = time.monotonic()

    said = wait_until(lambda: "is unreachable, reconnecting" in log_text(log_path), 10)
    check("the monitor logs the host as unreachable, reconnecting", said,
          log_text(log_path)[-2000:])
    entry = wait_until(lambda: layer_says("unit", "unreachable, reconnecting"), 10)
    check("tendctl health shows it: the unit check is unknown, 'unreachable, reconnecting'",
          entry and entry.get("soft_status") == "unknown", tendctl.service_health(UNIT))
    check("and the monitor is still running (no SIGTERM from the bus)",
          monitor.poll() is None and "stopping" not in log_text(log_path),
          (monitor.poll(), log_text(log_path)[-2000:]))

    r = tendctl("status", UNIT)
    check("a one-shot tendctl status fails with exit 5 (unreachable), not killed by SIGTERM",
          r.returncode == 5, (r.returncode, r.stderr))
    check("and says which bus and what to check",
          "unix:path=" in r.stderr and "dbus.socket" in r.stderr, r.stderr)
    if SDBUS:
        r = subprocess.run([tendctl.path, "status", UNIT], capture_output=True, text=True,
                           timeout=30, env=dict(direct_env, TEND_DATABASE=env["TEND_DATABASE"]))
        check("sd-bus: tendctl status on the manager's private socket answers without the bus",
              r.returncode == 0 and "active (running)" in r.stdout, (r.returncode, r.stderr))

    # The HTTP check needs no bus: it sees the server fail, then pass again.
    hits = server.hits
    server.status = 503
    failing = wait_until(lambda: tendctl.status_is(UNIT, "critical"), 10)
    check("the HTTP check goes on without the bus: it sees the 503, the service is critical",
          failing and layer_says("http", "503"), tendctl.service_health(UNIT))
    # Tend acts within a few hundred ms on a critical service (test-tendctl-recover):
    # two seconds of nothing while the host is away.
    acted = wait_until(lambda: attempts() or ": recovering (" in log_text(log_path), 2)
    check("Tend starts no recovery while the bus is gone", not acted,
          (attempts(), log_text(log_path)[-2000:]))
    server.status = 200
    back = wait_until(lambda: tendctl.layer(UNIT, "http")
                      and tendctl.layer(UNIT, "http").get("soft_status") == "pass", 10)
    check("and sees it pass again", back, tendctl.service_health(UNIT))
    check(f"the HTTP server was asked {server.hits - hits} times while the bus was away",
          server.hits - hits >= 3, server.hits - hits)
    check("the monitor is still running, the bus still away",
          monitor.poll() is None and not bus_answers(), monitor.poll())
    return lost_at


def bus_back(monitor, log_path, lost_at):
    r = systemctl("start", "dbus.socket")
    started_at = time.monotonic()
    check("the session bus is started again at the same address", r.returncode == 0, r.stderr)
    # Its tries come 0.5, 1, 2, 4 … s apart (at most 30 s): the bus was away for a few
    # seconds, so the next try is due within 8 s.
    back = wait_until(lambda: "is reachable again" in log_text(log_path), 40)
    now = time.monotonic()
    check(f"the monitor reconnects by itself ({now - started_at:.1f} s after the bus came "
          f"back, {now - lost_at:.1f} s after it went)", back, log_text(log_path)[-2000:])
    check("the user manager is on the new bus", wait_until(bus_answers, 10))
    check("desktop notifications are back on a new connection of the monitor's",
          wait_until(lambda: "desktop notifications resumed" in log_text(log_path), 30),
          log_text(log_path)[-2000:])
    entry = wait_until(lambda: layer_says("unit", "active (running)"), 10)
    check("tendctl health: the unit check sees the unit's state again",
          entry and entry.get("soft_status") == "pass", tendctl.service_health(UNIT))
    check("the service is healthy", wait_until(lambda: tendctl.status_is(UNIT, "healthy"), 10),
          tendctl.service_health(UNIT))

    # The signals are followed again: a kill is seen and the unit recovered.
    pid = main_pid(UNIT)
    os.kill(pid, signal.SIGKILL)
    recovered = wait_until(lambda: main_pid(UNIT) not in (0, pid) and attempts(), 15)
    check("a unit killed after the reconnect is restarted by Tend", recovered
          and [tuple(a) for a in attempts()] == [("restart", 1)], (attempts(), main_pid(UNIT)))
    check("and is healthy again", wait_until(lambda: tendctl.status_is(UNIT, "healthy"), 10),
          tendctl.service_health(UNIT))


def run(tmp):
    server = Server(("127.0.0.1", free_port()), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    r = tendctl("start", UNIT)
    check(f"{UNIT} starts", r.returncode == 0, r.stderr)
    r = tendctl.import_inventory(os.path.join(tmp, "inventory.json"),
                                 inventory(server.server_address[1]))
    check("the inventory imports", r.returncode == 0, r.stderr)

    log_path = os.path.join(tmp, "monitor.log")
    with open(log_path, "w") as log:
        monitor = subprocess.Popen([tendctl.path, "monitor"], stdout=log, stderr=log, env=env)
    try:
        check("the service is healthy under the monitor",
              wait_until(lambda: tendctl.status_is(UNIT, "healthy"), 15),
              (tendctl.service_health(UNIT), log_text(log_path)[-2000:]))
        lost_at = lost_bus(monitor, log_path, server)
        bus_back(monitor, log_path, lost_at)
    finally:
        # Whatever happened, the sandbox gets its bus back.
        systemctl("start", "dbus.socket")
        monitor.send_signal(signal.SIGTERM)
        try:
            code = monitor.wait(timeout=15)
        except subprocess.TimeoutExpired:
            monitor.kill()
            code = monitor.wait()
        server.shutdown()
        server.server_close()
    check("SIGTERM stops the monitor with exit 0", code == 0, (code, log_text(log_path)[-2000:]))


sys.exit(tendmon.sandboxed(run, tendctl, [UNIT], "tend-test-bus-restart-"))
