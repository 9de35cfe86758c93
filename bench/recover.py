#!/usr/bin/python3
"""Benchmark of issue 5: how long a killed (or hung) HTTP service is down.

Runs inside tests/sandbox/tend-sandbox (see bench/recover, which starts it). The unit is
tests/units/tend-test-http.service (python3 -m http.server, Restart=no). One run
measures, one after the other on the same unit:

  tend        `tendctl monitor` with a unit check (1 s, hard at 1 failure) and an HTTP
              check (1 s, timeout 500 ms, hard at 3), policy on-failure: kill -9
  systemd-100 no Tend; a drop-in Restart=always RestartSec=100ms: kill -9
  systemd-0   the same with RestartSec=0: kill -9
  monit       no Tend; Restart=no; monit -I with `set daemon 1`, `check process
              matching`, `if does not exist then exec "systemctl --user start …"`: kill -9
  tend-stop   Tend again: SIGSTOP (only the HTTP check can see it)

Each round: wait until the service answers 200 and is at rest (for Tend: its recovery
is recorded and the service is healthy again), kill the main process, wait until the
process is gone (pidfd), then ask http://127.0.0.1:PORT/ every 5 ms until it answers
200. The figure is from the kill to that 200.

Usage: recover.py BUILDDIR ROUNDS [STOP-ROUNDS]
"""
import http.client
import os
import random
import re
import select
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests"))

import tendmon  # noqa: E402
from tendmon import Tendctl, check_spec, free_port, policy_spec, wait_until  # noqa: E402

UNIT = "tend-test-http.service"
POLL_S = 0.005
REST_S = 0.5               # every mode: this long at rest after the conditions, then kill
# plus a random 0..1 s, so that the kill falls anywhere in a 1 s cycle (Monit's, the
# HTTP check's) rather than always at the same point of it.

# The Tend set-up, written into the table's notes.
UNIT_CHECK = dict(interval="1s", timeout="500ms", failures=1, grace="0s")
HTTP_CHECK = dict(interval="1s", timeout="500ms", failures=3, grace="5s")

env = dict(os.environ)
build = os.path.abspath(sys.argv[1])
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 20
stop_rounds = int(sys.argv[3]) if len(sys.argv) > 3 else rounds
tendctl = Tendctl(os.path.join(build, "src", "tendctl", "tendctl"), env)
tmp = tempfile.mkdtemp(prefix="tend-bench-recover-")
env["TEND_DATABASE"] = os.path.join(tmp, "tend.db")
port = free_port()


def say(text):
    print(text, file=sys.stderr, flush=True)


def systemctl(*args):
    return subprocess.run(["systemctl", "--user", *args], capture_output=True, text=True,
                          env=env, timeout=30)


def answers_200(timeout):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", "/")
        return conn.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        conn.close()


def active_pid():
    """The unit's main pid when it is active and answers, else 0."""
    r = systemctl("show", "-p", "ActiveState", "-p", "MainPID", UNIT)
    props = dict(line.split("=", 1) for line in r.stdout.split())
    if props.get("ActiveState") != "active":
        return 0
    return int(props.get("MainPID", 0))


def hit(pid, sig, give_up_s=30):
    """Sends @sig to @pid; returns (kill time monotonic, realtime, ms until 200 or None)."""
    fd = os.pidfd_open(pid)
    try:
        t0 = time.monotonic()
        wall = time.time()
        os.kill(pid, sig)
        if sig == signal.SIGKILL:
            # Until the process is gone its listening socket may still take connections.
            select.select([fd], [], [], 5)
    finally:
        os.close(fd)
    # A stopped server's listen queue fills up, after which a connect hangs: a short
    # timeout bounds how late the first answer of the new process can be seen.
    timeout = 0.2 if sig == signal.SIGKILL else 0.05
    end = t0 + give_up_s
    while time.monotonic() < end:
        if answers_200(timeout):
            return t0, wall, (time.monotonic() - t0) * 1000.0
        time.sleep(POLL_S)
    return t0, wall, None


def stats(values):
    ok = sorted(v for v in values if v is not None)
    if not ok:
        return None
    p90 = ok[min(len(ok) - 1, max(0, int(round(0.9 * len(ok))) - 1))]
    return {"n": len(ok), "missed": len(values) - len(ok), "median": statistics.median(ok),
            "p90": p90, "min": ok[0], "max": ok[-1]}


# ------------------------------------------------------------------------------------
# Tend


def attempts():
    try:
        with sqlite3.connect(env["TEND_DATABASE"], timeout=10) as db:
            return db.execute(
                "SELECT strategy, success, restart_attempts.time_usec, duration_usec, error "
                "FROM restart_attempts JOIN services ON services.id = service_id "
                "WHERE unit = ? ORDER BY restart_attempts.id", (UNIT,)).fetchall()
    except sqlite3.Error:
        return []


def tend_inventory():
    checks = [
        check_spec(UNIT, "unit", "unit", UNIT_CHECK["interval"], UNIT_CHECK["timeout"],
                   UNIT_CHECK["failures"], {}, 1),
        check_spec(UNIT, "http", "http", HTTP_CHECK["interval"], HTTP_CHECK["timeout"],
                   HTTP_CHECK["failures"],
                   {"method": "GET", "url": f"http://127.0.0.1:{port}/",
                    "expect_status": [200], "body_contains": None, "verify_tls": True,
                    "latency_degraded": None}),
    ]
    checks[0]["startup_grace"] = UNIT_CHECK["grace"]
    checks[1]["startup_grace"] = HTTP_CHECK["grace"]
    policy = policy_spec(UNIT, "on-failure", cooldown="0s", max_recoveries=100,
                         window="1min", loop_threshold=100, loop_window="1min")
    return tendmon.inventory([UNIT], checks, [policy], {"recovery.breaker-timeout": "1s"})


def tend_at_rest(n_attempts):
    rows = attempts()
    return (len(rows) >= n_attempts and all(r[1] == 1 for r in rows)
            and tendctl.status_is(UNIT, "healthy") and active_pid() and answers_200(0.2))


def started_usec():
    r = systemctl("show", "-p", "ActiveEnterTimestampMonotonic", "--value", UNIT)
    return int(r.stdout.strip() or 0)


def monotonic_usec():
    return int(time.clock_gettime(time.CLOCK_MONOTONIC) * 1e6)


def run_tend(monitor_log):
    """Kill rounds, then stop rounds, against one `tendctl monitor --verbose`."""
    r = tendctl.import_inventory(os.path.join(tmp, "inventory.json"), tend_inventory())
    if r.returncode != 0:
        sys.exit(f"recover: the inventory does not import: {r.stderr}")
    log = open(monitor_log, "w")
    monitor = subprocess.Popen([tendctl.path, "monitor", "--verbose"], stdout=log,
                               stderr=log, env=env)
    kills, stops, rows = [], [], []
    try:
        if not wait_until(lambda: tend_at_rest(0), 20):
            sys.exit(f"recover: the service is not healthy under Tend: "
                     f"{tendctl.service_health(UNIT)}")
        for i in range(rounds):
            time.sleep(REST_S + random.random())
            pid = active_pid()
            t0, wall, ms = hit(pid, signal.SIGKILL)
            kills.append(ms)
            rows.append(("kill", i, wall, ms))
            say(f"tend kill {i + 1}/{rounds}: {ms and round(ms, 1)} ms")
            if not wait_until(lambda: tend_at_rest(i + 1), 30, 0.02):
                sys.exit(f"recover: Tend did not recover round {i + 1}: {attempts()[-1:]} "
                         f"{tendctl.service_health(UNIT)}")
        for i in range(stop_rounds):
            # Outside the HTTP check's start-up grace, or its failures do not count.
            grace_end = started_usec() + 5_000_000 + 200_000
            wait_until(lambda: monotonic_usec() > grace_end, 30, 0.05)
            time.sleep(REST_S + random.random())
            n = len(attempts())
            pid = active_pid()
            t0, wall, ms = hit(pid, signal.SIGSTOP)
            stops.append(ms)
            rows.append(("stop", i, wall, ms))
            say(f"tend stop {i + 1}/{stop_rounds}: {ms and round(ms, 1)} ms")
            if not wait_until(lambda: tend_at_rest(n + 1), 30, 0.02):
                sys.exit(f"recover: Tend did not recover stop round {i + 1}: "
                         f"{attempts()[-1:]} {tendctl.service_health(UNIT)}")
    finally:
        monitor.send_signal(signal.SIGTERM)
        try:
            monitor.wait(timeout=15)
        except subprocess.TimeoutExpired:
            monitor.kill()
            monitor.wait()
        log.close()
    return kills, stops, rows, attempts()


# ------------------------------------------------------------------------------------
# systemd's own Restart=


def set_dropin(text):
    d = os.path.join(env["TEND_SANDBOX_UNIT_DIR"], UNIT + ".d")
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, "bench.conf")
    if text is None:
        if os.path.exists(path):
            os.unlink(path)
    else:
        with open(path, "w") as f:
            f.write(text)
    systemctl("daemon-reload")


def run_systemd(restart_sec):
    set_dropin(f"[Service]\nRestart=always\nRestartSec={restart_sec}\n")
    systemctl("restart", UNIT)
    times = []
    for i in range(rounds):
        if not wait_until(lambda: active_pid() and answers_200(0.2), 20, 0.02):
            sys.exit("recover: the service does not come back under systemd")
        # As long at rest as under Tend, whose recovery settles for 1 s.
        time.sleep(REST_S + 1.0 + random.random())
        _, _, ms = hit(active_pid(), signal.SIGKILL)
        times.append(ms)
        say(f"systemd RestartSec={restart_sec} kill {i + 1}/{rounds}: {ms and round(ms, 1)} ms")
    wait_until(lambda: active_pid() and answers_200(0.2), 20, 0.02)
    set_dropin(None)
    return times


# ------------------------------------------------------------------------------------
# Monit


def run_monit():
    if not shutil.which("monit"):
        say("recover: monit is not installed (apt-get install monit): skipped")
        return None
    d = os.path.join(tmp, "monit")
    os.makedirs(d)
    start = (f"/usr/bin/env DBUS_SESSION_BUS_ADDRESS={env['DBUS_SESSION_BUS_ADDRESS']} "
             f"XDG_RUNTIME_DIR={env['XDG_RUNTIME_DIR']} /bin/systemctl --user start {UNIT}")
    conf = os.path.join(d, "monitrc")
    with open(conf, "w") as f:
        f.write(f"""set daemon 1
set logfile {d}/monit.log
set pidfile {d}/monit.pid
set idfile {d}/monit.id
set statefile {d}/monit.state
check process http matching "http.server {port}"
  if does not exist then exec "{start}"
""")
    os.chmod(conf, 0o600)
    times = []
    monit = subprocess.Popen(["monit", "-I", "-c", conf], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, env=env)
    try:
        if not wait_until(lambda: active_pid() and answers_200(0.2), 20, 0.02):
            sys.exit("recover: the service does not answer before monit's rounds")
        for i in range(rounds):
            time.sleep(REST_S + 1.0 + random.random())
            _, _, ms = hit(active_pid(), signal.SIGKILL)
            times.append(ms)
            say(f"monit kill {i + 1}/{rounds}: {ms and round(ms, 1)} ms")
            if not wait_until(lambda: active_pid() and answers_200(0.2), 20, 0.02):
                with open(os.path.join(d, "monit.log")) as log:
                    sys.exit("recover: monit did not bring it back:\n" + log.read()[-2000:])
    finally:
        monit.terminate()
        try:
            monit.wait(timeout=15)
        except subprocess.TimeoutExpired:
            monit.kill()
            monit.wait()
    return times


# ------------------------------------------------------------------------------------
# Where Tend's time goes, from its debug log (wall clock, ms)

LOG_TIME = re.compile(r"^(?:\(tendctl:\d+\): )?Tend-(?:DEBUG|Message|INFO): "
                      r"(\d\d):(\d\d):(\d\d)\.(\d\d\d): (.*)$")


def log_events(path, base_day):
    events = []
    with open(path, errors="replace") as f:
        for line in f:
            m = LOG_TIME.match(line.rstrip("\n"))
            if not m:
                continue
            h, mi, s, ms, text = m.groups()
            t = base_day + int(h) * 3600 + int(mi) * 60 + int(s) + int(ms) / 1000.0
            events.append((t, text))
    return events


MARKS = [
    ("signal", re.compile(r"unit check \S+: \S+ went from active to (failed|inactive)")),
    ("critical", re.compile(r"monitor: service \d+ is now critical")),
    ("recovery start", re.compile(r"recovery of \S+: restart")),
    ("job done", re.compile(r"job for restart \S+: done")),
]


def breakdown(rows, events, kind):
    """Per round of @kind: ms from the kill to each mark, and to 200."""
    out = []
    for what, i, wall, ms in rows:
        if what != kind or ms is None:
            continue
        marks = {}
        for name, pattern in MARKS:
            if name == "signal" and kind == "stop":
                continue
            for t, text in events:
                # The log has ms resolution; allow for rounding.
                if t >= wall - 0.002 and t <= wall + ms / 1000.0 + 5 and pattern.search(text):
                    marks[name] = max(0.0, (t - wall) * 1000.0)
                    break
        marks["200"] = ms
        out.append(marks)
    return out


def local_midnight(t):
    d = datetime.fromtimestamp(t)
    return datetime(d.year, d.month, d.day).timestamp()


# ------------------------------------------------------------------------------------


def fmt(v):
    return "—" if v is None else f"{v:.0f} ms" if v >= 10 else f"{v:.1f} ms"


def main():
    if not os.environ.get("TEND_SANDBOX"):
        sys.exit("recover: needs the systemd sandbox: run bench/recover")
    with open(os.path.join(env["HOME"], ".config", "tend-test-ports.env"), "w") as f:
        f.write(f"TEND_TEST_HTTP_PORT={port}\nTEND_TEST_REDIS_PORT={free_port()}\n")
    r = tendctl("start", UNIT)
    if r.returncode != 0:
        sys.exit(f"recover: {UNIT} does not start: {r.stderr}")

    monitor_log = os.path.join(tmp, "monitor.log")
    began = time.time()
    tend_kills, tend_stops, tend_rows, tend_attempts = run_tend(monitor_log)
    sd100 = run_systemd("100ms")
    sd0 = run_systemd("0")
    monit = run_monit()

    results = [
        ("Tend, on-failure policy (kill -9)", tend_kills),
        ("systemd Restart=always, RestartSec=100ms (kill -9)", sd100),
        ("systemd Restart=always, RestartSec=0 (kill -9)", sd0),
    ]
    if monit is not None:
        results.append(("Monit 5.33, `set daemon 1` (kill -9)", monit))
    results.append(("Tend, hung process (SIGSTOP), found by the HTTP check", tend_stops))

    print(f"{rounds} rounds each ({stop_rounds} for SIGSTOP); from the signal to the first "
          f"200, polled every {POLL_S * 1000:.0f} ms\n")
    print("| case | rounds | median | p90 | min | max |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, values in results:
        s = stats(values)
        if s is None:
            print(f"| {name} | 0 | — | — | — | — |")
            continue
        n = f"{s['n']}" + (f" ({s['missed']} never)" if s["missed"] else "")
        print(f"| {name} | {n} | {fmt(s['median'])} | {fmt(s['p90'])} | {fmt(s['min'])} "
              f"| {fmt(s['max'])} |")

    # Where the time goes under Tend.
    events = log_events(monitor_log, local_midnight(began))
    print("\nTend, kill -9: from the kill to each step (from `tendctl monitor --verbose`, "
          "ms resolution)\n")
    print("| step | median | p90 | max |")
    print("|---|---:|---:|---:|")
    kb = breakdown(tend_rows, events, "kill")
    for name in [m[0] for m in MARKS] + ["200"]:
        s = stats([b.get(name) for b in kb])
        if s:
            print(f"| {name} | {fmt(s['median'])} | {fmt(s['p90'])} | {fmt(s['max'])} |")

    sb = breakdown(tend_rows, events, "stop")
    print("\nTend, SIGSTOP: from the stop to each step\n")
    print("| step | median | p90 | min | max |")
    print("|---|---:|---:|---:|---:|")
    for name in ["critical", "recovery start", "job done", "200"]:
        s = stats([b.get(name) for b in sb])
        if s:
            print(f"| {name} | {fmt(s['median'])} | {fmt(s['p90'])} | {fmt(s['min'])} "
                  f"| {fmt(s['max'])} |")
    restart = stats([b["200"] - b["recovery start"] for b in sb
                     if "recovery start" in b])
    if restart:
        bound = HTTP_CHECK["failures"] * 1000 + 500
        print(f"\nSIGSTOP bound: failures-before-hard × interval + timeout + restart = "
              f"{HTTP_CHECK['failures']} × 1000 + 500 + restart (recovery start → 200: "
              f"median {fmt(restart['median'])}, max {fmt(restart['max'])}) = "
              f"{fmt(bound + restart['median'])} (with the median restart), "
              f"{fmt(bound + restart['max'])} (with the slowest)")
        within = sum(1 for b in sb if "recovery start" in b
                     and b["200"] <= bound + (b["200"] - b["recovery start"]))
        print(f"Rounds within the bound with their own restart (stop → recovery start ≤ "
              f"{bound} ms): {within} of {len(sb)}")
    durations = [a[3] / 1000.0 for a in tend_attempts]
    print(f"\nTend's restart attempts: {len(tend_attempts)}, "
          f"{sum(1 for a in tend_attempts if a[1] == 1)} successful; recorded duration "
          f"(restart job + verification + 1 s settle) median "
          f"{fmt(statistics.median(durations)) if durations else '—'}")
    if os.environ.get("TEND_BENCH_KEEP_LOG"):
        shutil.copy(monitor_log, os.environ["TEND_BENCH_KEEP_LOG"])
    tendctl("stop", UNIT)
    shutil.rmtree(tmp, ignore_errors=True)


main()
