#!/usr/bin/python3
"""Automatic recovery by `tendctl monitor` against real units, and its notifications (TAP).

Runs inside tests/sandbox/tend-sandbox with the units of tests/units, all Restart=no so
that Tend is the one acting. python3-dbusmock's notification_daemon template stands in
for GNOME Shell on the sandbox's session bus; what it received is read back through its
org.freedesktop.DBus.Mock interface. Restart attempts are read from the database.

Waiting is always for a condition with a deadline, never a bare sleep.
Usage: test-tendctl-recover.py TENDCTL
"""
import json
import os
import signal
import sqlite3
import sys
import time

import tendmon
from tendmon import (HOST, Tendctl, answers_200, check_spec, free_port, main_pid, policy_spec,
                     wait_until)
from tendtap import check

HTTP = "tend-test-http.service"
CRASH = "tend-test-fails.service"          # fails at once on every start
BACKOFF = "tend-test-crashloop.service"    # fails 0.1 s after every start
DEP_A = "tend-test-depa.service"           # Requires=tend-test-depb.service
DEP_B = "tend-test-depb.service"
QUIET = "tend-test-sleeper.service"        # silenced
UNITS = [HTTP, CRASH, BACKOFF, DEP_A, DEP_B, QUIET]

env = dict(os.environ)
tendctl = Tendctl(sys.argv[1], env)


def inventory(http_port):
    unit_check = lambda unit: check_spec(unit, "unit", "unit", "30s", "5s", 1, {}, 2)
    checks = [unit_check(u) for u in (HTTP, CRASH, BACKOFF, DEP_B, QUIET)] + [
        check_spec(HTTP, "http", "http", "1s", "500ms", 2,
                   {"method": "GET", "url": f"http://127.0.0.1:{http_port}/",
                    "expect_status": [200], "body_contains": None, "verify_tls": True,
                    "latency_degraded": None}),
        # A is fine exactly when B runs.
        check_spec(DEP_A, "needs-b", "command", "1s", "900ms", 1,
                   {"argv": ["/bin/sh", "-c", f"systemctl --user is-active --quiet {DEP_B} "
                             "|| { echo B is down; exit 2; }"]}),
    ]
    quick = {"cooldown": "0s"}
    policies = [
        policy_spec(HTTP, "on-failure", **quick),
        policy_spec(CRASH, "on-failure", **quick),
        policy_spec(BACKOFF, "backoff", cooldown="0s", backoff_initial="1s",
                    backoff_multiplier=2.0, backoff_max="1min", max_recoveries=10,
                    loop_threshold=10),
        policy_spec(DEP_A, "on-failure", **quick),
        policy_spec(DEP_B, "on-failure", **quick),
        policy_spec(QUIET, "on-failure", **quick),
    ]
    return tendmon.inventory(UNITS, checks, policies, {"recovery.breaker-timeout": "1s"})


# ------------------------------------------------------------------------------------
# The database and the notification server


def attempts(unit):
    """Restart attempts of @unit that ended: (strategy, success, start µs, duration µs), in
    order (an attempt is written 'running' when it starts)."""
    with sqlite3.connect(env["TEND_DATABASE"], timeout=10) as db:
        return db.execute(
            "SELECT strategy, success, restart_attempts.time_usec, duration_usec "
            "FROM restart_attempts JOIN services ON services.id = service_id "
            "WHERE unit = ? AND restart_attempts.state = 'done' "
            "ORDER BY restart_attempts.id", (unit,)).fetchall()


def notifications():
    return tendmon.notifications(env)


def about(unit, calls):
    return [c for c in calls if c[1].startswith(unit)]


def one_notification(calls):
    """Whether @calls make one notification: a first Notify, then replacements of it."""
    if not calls or calls[0][0] != 0:
        return False
    return all(c[0] != 0 for c in calls[1:]) and len({c[0] for c in calls[1:]}) <= 1


# ------------------------------------------------------------------------------------
# Scenarios


def killed_http_comes_back(http_port):
    check("the HTTP server answers", wait_until(lambda: answers_200(http_port), 10))
    check("and is healthy", wait_until(lambda: tendctl.status_is(HTTP, "healthy"), 10),
          tendctl.service_health(HTTP))
    pid = main_pid(HTTP)
    start = time.monotonic()
    os.kill(pid, signal.SIGKILL)
    back = wait_until(lambda: main_pid(HTTP) not in (0, pid) and answers_200(http_port), 10,
                      0.02)
    took = time.monotonic() - start
    # The policy: on-failure, no cooldown, first attempt: at once. The restart and the
    # server's own start take the rest.
    check(f"killed with SIGKILL, Tend brings it back (200 again in {took:.2f} s, "
          "under 3 s)", back and took < 3, took)
    rows = wait_until(lambda: attempts(HTTP), 10)
    check("one restart attempt, successful", [(r[0], r[1]) for r in rows] == [("restart", 1)],
          rows)
    calls = about(HTTP, notifications())
    # In a person's words: the host as "this computer", what happened, what Tend did.
    check("its notification: failed, then recovered, replacing it",
          one_notification(calls)
          and calls[0][1] in (f"{HTTP} on this computer failed",
                              f"{HTTP} on this computer stopped answering")
          and calls[0][2] == "Tend is restarting it."
          and calls[-1][1] == f"{HTTP} on this computer recovered"
          and "Tend restarted it and it" in calls[-1][2], calls)
    check("the failure is urgent", calls and calls[0][3].get("urgency") == 2, calls)
    r = tendctl("audit", "--json")
    check("the audit log has the restart, origin auto",
          '"operation" : "restart"' in r.stdout and '"origin" : "auto"' in r.stdout,
          r.stdout[-1500:])


def crash_loop_stops(monitor_log):
    # Started once by hand; then it fails, and Tend tries.
    tendctl("start", CRASH)
    manual = wait_until(lambda: [c for c in about(CRASH, notifications())
                                 if "keeps failing" in c[1]], 30)
    rows = attempts(CRASH)
    check("a unit that crashes on every start: exactly 3 attempts (loop threshold 3), "
          "each failed", [(r[0], r[1]) for r in rows] == [("restart", 0)] * 3, rows)
    calls = about(CRASH, notifications())
    check("then 'keeps failing': Tend stopped after 3 tries and needs a person",
          manual and "Tend stopped restarting it after 3 tries and needs you to look"
          in manual[-1][2], calls)
    check("as one notification, replaced as it evolved", one_notification(calls), calls)
    # No more attempts after giving up (two breaker timeouts later, still 3).
    more = wait_until(lambda: len(attempts(CRASH)) > 3, 2.5)
    check("and no attempt after it", not more, attempts(CRASH))
    def snapshot():
        r = tendctl("incidents", CRASH, "--json")
        incidents = json.loads(r.stdout) if r.returncode == 0 else []
        return incidents[0].get("snapshot") if incidents else None

    shot = wait_until(snapshot, 10) or {}
    check("its incident holds a snapshot: the journal's last lines, the unit, the checks",
          any("about to fail" in (e.get("message") or "") for e in shot.get("journal", []))
          and len(shot.get("journal", [])) <= 50
          and shot.get("unit", {}).get("active_state") == "failed"
          and [c["name"] for c in shot.get("checks", [])] == ["unit"]
          and "restart loop" in shot.get("reason", ""), shot)


def backoff_delays():
    tendctl("start", BACKOFF)
    rows = wait_until(lambda: attempts(BACKOFF) if len(attempts(BACKOFF)) >= 3 else None, 30)
    rows = rows or attempts(BACKOFF)
    gaps = [(rows[i + 1][2] - (rows[i][2] + rows[i][3])) / 1e6 for i in range(len(rows) - 1)]
    expected = [2.0, 4.0]
    check(f"backoff: the delays between attempts are {gaps[:2]} s, 2 s and 4 s ±10%",
          len(gaps) >= 2 and all(abs(g - e) <= 0.1 * e for g, e in zip(gaps, expected)),
          (gaps, rows))
    tendctl("stop", BACKOFF)


def dependency_first():
    before = len(notifications())
    check("B and A run", wait_until(lambda: tendctl.status_is(DEP_A, "healthy")
                                    and tendctl.status_is(DEP_B, "healthy"), 10),
          (tendctl.service_health(DEP_A), tendctl.service_health(DEP_B)))
    os.kill(main_pid(DEP_B), signal.SIGKILL)
    back = wait_until(lambda: attempts(DEP_B) and tendctl.status_is(DEP_B, "healthy")
                      and tendctl.status_is(DEP_A, "healthy"), 20)
    check("B killed: B is recovered and A is healthy again", back,
          (tendctl.service_health(DEP_A), tendctl.service_health(DEP_B)))
    check("B was restarted", [(r[0], r[1]) for r in attempts(DEP_B)] == [("restart", 1)],
          attempts(DEP_B))
    check("A was not touched by Tend", attempts(DEP_A) == [], attempts(DEP_A))
    r = tendctl("incidents", DEP_A, "--json")
    incidents = json.loads(r.stdout) if r.returncode == 0 else []
    check("A did fail meanwhile, and was not notified: B is the root cause",
          incidents and any(a.get("action") == "not-notified" and a.get("root_cause") == DEP_B
                            for a in incidents[0].get("actions", [])), incidents)
    calls = notifications()[before:]
    check("one notification, about B, the root cause",
          one_notification(calls) and all(c[1].startswith(DEP_B) for c in calls), calls)


def silenced():
    r = tendctl("silence", QUIET, "--for", "1h", "--reason", "the test says so")
    check("silence exits 0", r.returncode == 0, (r.stdout, r.stderr))
    check("the silenced unit is healthy", wait_until(lambda: tendctl.status_is(QUIET, "healthy"),
                                                     10), tendctl.service_health(QUIET))
    before = len(notifications())
    os.kill(main_pid(QUIET), signal.SIGKILL)
    check("killed, it is critical", wait_until(lambda: tendctl.status_is(QUIET, "critical"), 10),
          tendctl.service_health(QUIET))
    # Tend acts within a few hundred ms on a failure (see above): three seconds of nothing.
    acted = wait_until(lambda: attempts(QUIET), 3)
    check("silenced: no recovery", not acted, attempts(QUIET))
    check("and no notification", about(QUIET, notifications()[before:]) == [],
          notifications()[before:])
    r = tendctl("history", QUIET, "--json")
    results = json.loads(r.stdout).get("results", []) if r.returncode == 0 else []
    check("its results are still recorded", any(x.get("status") == "fail" for x in results),
          r.stdout[:1000])
    r = tendctl("incidents", QUIET, "--json")
    incidents = json.loads(r.stdout) if r.returncode == 0 else []
    check("its incident says why nobody was told",
          incidents and any(a.get("action") == "not-notified"
                            and "silenced until" in a.get("reason", "")
                            for a in incidents[0].get("actions", [])), incidents)

    r = tendctl("silence", QUIET, "--clear")
    check("silence --clear exits 0", r.returncode == 0, (r.stdout, r.stderr))
    back = wait_until(lambda: attempts(QUIET) and tendctl.status_is(QUIET, "healthy"), 10)
    check("no longer silenced, Tend recovers it", back, attempts(QUIET))


def run(tmp):
    http_port = free_port()
    with open(os.path.join(env["HOME"], ".config", "tend-test-ports.env"), "w") as f:
        f.write(f"TEND_TEST_HTTP_PORT={http_port}\nTEND_TEST_REDIS_PORT={free_port()}\n")
    for unit in (HTTP, DEP_B, DEP_A, QUIET):
        r = tendctl("start", unit)
        check(f"{unit} starts", r.returncode == 0, r.stderr)

    r = tendctl.import_inventory(os.path.join(tmp, "inventory.json"), inventory(http_port))
    check("the inventory imports", r.returncode == 0, r.stderr)

    log_path = os.path.join(tmp, "monitor.log")
    with tendmon.Monitor(tendctl, log_path):
        killed_http_comes_back(http_port)
        dependency_first()
        silenced()
        crash_loop_stops(log_path)
        backoff_delays()
    with open(log_path) as f:
        text = f.read()
    # The log notifier has the notifications' words; the supervisor's own lines keep the
    # technical detail (the step, the policy's reason).
    check("the log tells the recoveries and the manual intervention",
          f"{HTTP} on this computer recovered" in text
          and f"{CRASH} on this computer keeps failing" in text
          and "manual intervention required" in text, text[-3000:])
    calls = notifications()
    check("no notification names a tendctl command or an internal host id",
          calls and not [c for c in calls if any(w in c[1] + c[2]
                                                 for w in ("tendctl", HOST, "local-"))],
          calls)


def main():
    return tendmon.sandboxed_with_notifications(run, tendctl, UNITS, "tend-test-recover-")


sys.exit(main())
