#!/usr/bin/python3
"""Recovery as a new user gets it: nothing configured but `tendctl watch` and an HTTP check
(TAP).

Runs inside tests/sandbox/tend-sandbox with the units of tests/units, all Restart=no so
that Tend is the one acting. No configuration key and no policy is set: every figure
asserted here is what the defaults give (docs/configuration.md, "How the recovery keys
work together"):

- a service killed once serves again within 1 s;
- killed again 2 s after it came back, it serves again within 10 s;
- killed again while its recovery is still verifying it, it is recovered again, and
  `tendctl health` says when in the meantime;
- a unit that fails on every start gets at most 3 recovery starts, then "manual
  intervention required" — one notification, a snapshot in its incident — within 2 min
  of its first failure;
- a monitor killed in the middle of a recovery leaves the attempt on record, and the
  next one closes it as interrupted.

(A unit that fails once every 10 minutes is recovered every time and never marked: that
takes hours of real time, so test-restart-policy's /restart-policy/defaults-together
asserts it on the policy the monitor uses, with an explicit clock.)

Waiting is always for a condition with a deadline, never a bare sleep.
Usage: test-tendctl-recover-defaults.py TENDCTL
"""
import json
import os
import signal
import sqlite3
import sys
import time

import tendmon
from tendmon import Tendctl, answers_200, free_port, main_pid, wait_until
from tendtap import check

HTTP = "tend-test-http.service"
HTTP2 = "tend-test-http2.service"
LOOP = "tend-test-crashloop.service"       # fails 0.1 s after every start
SLOW = "tend-test-slow.service"            # 2 s in "activating" at each start
UNITS = [HTTP, HTTP2, LOOP, SLOW]

env = dict(os.environ)
tendctl = Tendctl(sys.argv[1], env)


def db():
    return sqlite3.connect(env["TEND_DATABASE"], timeout=10)


def attempts(unit, state="done"):
    """Restart attempts of @unit in @state: (strategy, success, error), in order."""
    with db() as conn:
        return conn.execute(
            "SELECT strategy, success, error FROM restart_attempts "
            "JOIN services ON services.id = service_id "
            "WHERE unit = ? AND restart_attempts.state = ? ORDER BY restart_attempts.id",
            (unit, state)).fetchall()


def incident_actions(unit):
    r = tendctl("incidents", unit, "--json")
    incidents = json.loads(r.stdout) if r.returncode == 0 else []
    return incidents[0].get("actions", []) if incidents else []


def recovery(unit):
    """The monitor's word on what it does next about @unit, from `tendctl health --json`."""
    return (tendctl.service_health(unit) or {}).get("recovery")


def notifications():
    return tendmon.notifications(env)


def press_button(server_id, action):
    """The notification server says a person pressed @action on notification @server_id."""
    import dbus
    bus = dbus.bus.BusConnection(env["DBUS_SESSION_BUS_ADDRESS"])
    mock = dbus.Interface(bus.get_object("org.freedesktop.Notifications",
                                         "/org/freedesktop/Notifications"),
                          "org.freedesktop.DBus.Mock")
    mock.EmitSignal("org.freedesktop.Notifications", "ActionInvoked", "us",
                    [dbus.UInt32(server_id), action])
    bus.close()


def audit():
    r = tendctl("audit", "--json")
    return json.loads(r.stdout) if r.returncode == 0 else []


def kill_and_time(unit, port, deadline):
    """Kills @unit's main process; returns the seconds until it serves again, or None."""
    pid = main_pid(unit)
    if pid <= 0:
        return None   # not running: nothing to kill
    start = time.monotonic()
    os.kill(pid, signal.SIGKILL)
    back = wait_until(lambda: main_pid(unit) not in (0, pid) and answers_200(port), deadline,
                      0.01)
    return time.monotonic() - start if back else None


def start(monitor):
    ok = monitor.start()
    check("the monitor runs", ok, monitor.output()[-2000:])


# ------------------------------------------------------------------------------------
# Scenarios


def killed_once_then_again(port):
    check("the HTTP server is healthy", wait_until(lambda: tendctl.status_is(HTTP, "healthy"),
                                                   15), tendctl.service_health(HTTP))
    took = kill_and_time(HTTP, port, 10)
    check(f"killed once: it serves again within 1 s ({took} s)",
          took is not None and took < 1.0, took)
    # "came back": 200 again; 2 s later, killed again (the start-up grace of its probes
    # runs; systemd's verdict is not held back by it).
    came_back = time.monotonic()
    wait_until(lambda: time.monotonic() - came_back >= 2.0, 3, 0.01)
    took = kill_and_time(HTTP, port, 15)
    check(f"killed again 2 s after it came back: it serves again within 10 s ({took} s)",
          took is not None and took < 10.0, took)
    rows = wait_until(lambda: attempts(HTTP) if len(attempts(HTTP)) >= 2 else None, 10)
    check("two restarts, each successful", rows == [("restart", 1, None)] * 2, attempts(HTTP))


def killed_while_verified(port):
    check("the second HTTP server is healthy",
          wait_until(lambda: tendctl.status_is(HTTP2, "healthy"), 15),
          tendctl.service_health(HTTP2))
    took = kill_and_time(HTTP2, port, 10)
    check("killed: it serves again", took is not None, took)
    # Tend holds it healthy for 1 s (the settle) before it calls it recovered: killed
    # within that, its recovery ends as "failed again".
    check("killed again at once", tendmon.kill_main(HTTP2) > 0)
    seen = wait_until(lambda: (recovery(HTTP2) or {}).get("state") == "scheduled"
                      and recovery(HTTP2), 10, 0.02)
    check("killed during the settle: tendctl health says when the next attempt is",
          seen and seen.get("until") and seen.get("cause") == "cooldown"
          and seen["text"].startswith("next attempt in"), seen)
    r = tendctl("health", HTTP2)
    check("and says it in words", "Recovery: next attempt in" in r.stdout
          or "Recovery: recovering" in r.stdout, r.stdout)
    back = wait_until(lambda: answers_200(port) and len(attempts(HTTP2)) >= 2, 15)
    rows = attempts(HTTP2)
    check("then it is recovered again: the breaker does not open on one failure",
          back and rows[-1][:2] == ("restart", 1)
          and any(r[1] == 0 and "failed again" in (r[2] or "") for r in rows), rows)
    calls = [c for c in notifications() if c[1].startswith(HTTP2)]
    check("the desktop was told in plain words that the restart did not hold",
          any(c[1] == f"{HTTP2} on this computer is still down"
              and "Tend could not bring it back:" in c[2]
              and "again right after a restart" in c[2] for c in calls), calls)
    healthy = wait_until(lambda: tendctl.status_is(HTTP2, "healthy"), 10)
    check("and healthy", healthy, tendctl.service_health(HTTP2))
    state = wait_until(lambda: (recovery(HTTP2) or {}).get("state") == "idle", 10)
    check("its recovery status is idle again", state, recovery(HTTP2))


def crash_loop_stops():
    before = len(notifications())
    first = time.monotonic()
    tendctl("start", LOOP)
    manual = wait_until(lambda: [c for c in notifications()[before:]
                                 if "keeps failing" in c[1]], 120)
    took = time.monotonic() - first
    rows = attempts(LOOP)
    check(f"fails on every start: 'keeps failing' within 2 min ({took:.1f} s)",
          manual and took < 120
          and "Tend stopped restarting it after" in manual[-1][2]
          and "needs you to look" in manual[-1][2], notifications()[before:])
    check("after at most 3 recovery starts", 1 <= len(rows) <= 3
          and all(r[1] == 0 for r in rows), rows)
    # Watched while it was stopped, it was notified as failed when the monitor started:
    # the same notification goes on.
    calls = [c for c in notifications() if c[1].startswith(LOOP)]
    check("one notification, replaced as it evolved",
          calls and calls[0][0] == 0 and all(c[0] != 0 for c in calls[1:])
          and len({c[0] for c in calls[1:]}) <= 1, calls)

    def snapshot():
        r = tendctl("incidents", LOOP, "--json")
        incidents = json.loads(r.stdout) if r.returncode == 0 else []
        return incidents[0].get("snapshot") if incidents else None

    shot = wait_until(snapshot, 10) or {}
    check("its incident holds the snapshot", "restart loop" in shot.get("reason", "")
          and shot.get("unit", {}).get("active_state") == "failed", shot)
    status = wait_until(lambda: (recovery(LOOP) or {}).get("state") == "manual"
                        and recovery(LOOP), 10)
    check("tendctl health --json: it waits for a person", status, recovery(LOOP))
    r = tendctl("health", LOOP)
    check("tendctl health says so", "Recovery: waits for a person: restart loop" in r.stdout,
          r.stdout)
    r = tendctl("policy", "show", LOOP)
    check("and so does tendctl policy show",
          "Recovery: waits for a person" in r.stdout
          and "Manual intervention required: yes" in r.stdout, r.stdout)
    more = wait_until(lambda: len(attempts(LOOP)) > len(rows), 6)
    check("no attempt after it (past a cooldown)", not more, attempts(LOOP))

    # A person presses Restart on that notification: the engine restarts the unit on the
    # host the notification names, and the audit says a person did it.
    press_button(calls[-1][0], "restart")
    audited = wait_until(lambda: [a for a in audit() if a.get("unit") == LOOP
                                  and a.get("operation") == "restart"
                                  and a.get("origin") == "gui"], 10)
    check("Restart pressed in its notification: restarted, audited as a person's (gui)",
          audited and audited[0].get("host") == tendmon.HOST, audit()[-5:])
    tendctl("stop", LOOP)


def interrupted(monitor):
    check("the slow unit runs", wait_until(lambda: tendctl.status_is(SLOW, "healthy"), 15),
          tendctl.service_health(SLOW))
    check("the slow unit's process is killed", tendmon.kill_main(SLOW) > 0)
    # Its restart takes 2 s (ExecStartPre=sleep 2): the monitor dies in the middle.
    running = wait_until(lambda: attempts(SLOW, "running"), 10, 0.02)
    check("a recovery starts: its attempt is on record while it runs", running,
          attempts(SLOW, "running"))
    monitor.kill()
    check("the monitor killed (SIGKILL) in the middle leaves the attempt 'running'",
          attempts(SLOW, "running") == running, attempts(SLOW, "running"))
    check("and its incident says the recovery started",
          any(a.get("action") == "recovery-started" for a in incident_actions(SLOW)),
          incident_actions(SLOW))
    start(monitor)
    closed = wait_until(lambda: attempts(SLOW, "interrupted"), 10)
    check("the next monitor closes it as interrupted",
          closed and not attempts(SLOW, "running") and "interrupted" in (closed[0][2] or ""),
          (closed, attempts(SLOW, "running")))
    check("and its incident says so",
          any(a.get("action") == "interrupted" for a in incident_actions(SLOW)),
          incident_actions(SLOW))


def run(tmp):
    http_port, http2_port = free_port(), free_port()
    with open(os.path.join(env["HOME"], ".config", "tend-test-ports.env"), "w") as f:
        f.write(f"TEND_TEST_HTTP_PORT={http_port}\nTEND_TEST_HTTP2_PORT={http2_port}\n")
    for unit in (HTTP, HTTP2, SLOW):
        r = tendctl("start", unit)
        check(f"{unit} starts", r.returncode == 0, r.stderr)

    # As a new user would: watch, and an HTTP check; nothing else.
    for unit, port in ((HTTP, http_port), (HTTP2, http2_port)):
        r = tendctl("watch", unit)
        check(f"watch {unit}", r.returncode == 0, r.stderr)
        r = tendctl("check", "add", unit, "web", "--kind", "http",
                    "--url", f"http://127.0.0.1:{port}/")
        check(f"check add {unit} web --kind http", r.returncode == 0, r.stderr)
    for unit in (LOOP, SLOW):
        r = tendctl("watch", unit)
        check(f"watch {unit}", r.returncode == 0, r.stderr)
    r = tendctl("config", "list", "--json")
    check("no configuration key is set", r.returncode == 0
          and all(k["is_default"] and k["stored"] is None for k in json.loads(r.stdout or "[]")),
          r.stdout[:2000])

    monitor = tendmon.Monitor(tendctl, os.path.join(tmp, "monitor.log"))
    try:
        start(monitor)
        killed_once_then_again(http_port)
        killed_while_verified(http2_port)
        crash_loop_stops()
        interrupted(monitor)
    finally:
        monitor.stop()
    calls = notifications()
    check("no notification names a tendctl command or an internal host id",
          calls and not [c for c in calls if any(w in c[1] + c[2]
                                                 for w in ("tendctl", tendmon.HOST, "local-"))],
          calls)


def main():
    return tendmon.sandboxed_with_notifications(run, tendctl, UNITS,
                                                "tend-test-recover-defaults-")


sys.exit(main())
