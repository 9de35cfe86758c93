#!/usr/bin/python3
"""tendctl monitor and tendctl health against real services (TAP).

Runs inside tests/sandbox/tend-sandbox with the units of tests/units: python3's HTTP
server and redis-server run as systemd units on ports chosen here, a unit exits at
once, another sleeps, and a port is closed. The inventory is imported with tendctl;
`tendctl monitor` runs it; what it finds is read with `tendctl health --json`,
`tendctl incidents --json` and `tendctl history --json`.

Waiting is always for a condition with a deadline, never a bare sleep.
Usage: test-tendctl-monitor.py TENDCTL
"""
import json
import os
import signal
import shutil
import subprocess
import sys
import tempfile
import time

import tendmon
from tendmon import (HOST, Tendctl, check_spec, free_port, main_pid, policy_spec,
                     wait_until)
from tendtap import check, finish

TENDCTL = sys.argv[1]
env = dict(os.environ)

HTTP = "tend-test-http.service"
REDIS = "tend-test-redis.service"
SLEEPER = "tend-test-sleeper.service"
FAILS = "tend-test-fails.service"
CLOSED = "tend-test-installable.service"   # stands for a service whose port is closed
WATCHED = "tend-test-reloadable.service"   # watched with tendctl watch while it runs


tendctl = Tendctl(TENDCTL, env)
health = tendctl.health
service_health = tendctl.service_health
layer = tendctl.layer
status_is = tendctl.status_is


def never(unit):
    return policy_spec(unit, "never")


def inventory(http_port, redis_port, closed_port, with_closed=True):
    units = [HTTP, REDIS, SLEEPER, FAILS] + ([CLOSED] if with_closed else [])
    checks = [
        check_spec(HTTP, "unit", "unit", "30s", "5s", 1, {}),
        check_spec(HTTP, "http", "http", "1s", "500ms", 2,
                   {"method": "GET", "url": f"http://127.0.0.1:{http_port}/",
                    "expect_status": [200], "body_contains": None, "verify_tls": True,
                    "latency_degraded": None}),
        check_spec(REDIS, "redis", "redis", "1s", "500ms", 2,
                   {"host": "127.0.0.1", "port": redis_port, "password_env": None,
                    "max_memory_bytes": None, "max_clients": None, "max_latency": None}),
        # A long interval: only systemd's signal can make it see a kill in time.
        check_spec(SLEEPER, "unit", "unit", "1min", "5s", 1, {}),
        check_spec(FAILS, "unit", "unit", "1s", "500ms", 1, {}),
    ]
    if with_closed:
        checks.append(check_spec(CLOSED, "port", "tcp", "1s", "500ms", 1,
                                 {"host": "127.0.0.1", "port": closed_port, "send": None,
                                  "expect": None}))
    # This test is about seeing: Tend recovers nothing here (see test-tendctl-recover).
    return tendmon.inventory(units, checks, [never(u) for u in units])


def import_inventory(tmp, data):
    return tendctl.import_inventory(os.path.join(tmp, "inventory.json"), data)


def run(tmp):
    http_port, redis_port, closed_port = free_port(), free_port(), free_port()
    with open(os.path.join(env["HOME"], ".config", "tend-test-ports.env"), "w") as f:
        f.write(f"TEND_TEST_HTTP_PORT={http_port}\nTEND_TEST_REDIS_PORT={redis_port}\n")
    for unit in (HTTP, REDIS, SLEEPER, WATCHED):
        r = tendctl("start", unit)
        check(f"{unit} starts", r.returncode == 0, r.stderr)
    tendctl("start", FAILS)

    r = import_inventory(tmp, inventory(http_port, redis_port, closed_port))
    check("the inventory imports", r.returncode == 0, r.stderr)

    r = tendctl("health")
    check("health before any monitor: says it is not running and knows nothing",
          r.returncode == 0 and "not running" in r.stdout and "No health is known" in r.stdout,
          r.stdout + r.stderr)

    log_path = os.path.join(tmp, "monitor.log")
    log = open(log_path, "w")
    monitor = subprocess.Popen([TENDCTL, "monitor"], stdout=log, stderr=log, env=env)
    try:
        run_with_monitor(monitor, log_path, http_port, redis_port, closed_port, tmp)
    finally:
        if monitor.poll() is None:
            monitor.kill()
            monitor.wait()
        log.close()


def run_with_monitor(monitor, log_path, http_port, redis_port, closed_port, tmp):
    # Exactly one engine per data directory.
    ready = wait_until(lambda: (health() or {}).get("monitor", {}).get("pid"), 10)
    check("health names the running monitor's pid", ready == monitor.pid, ready)
    r = tendctl("monitor", timeout=20)
    check("a second monitor exits 9 (another engine runs) saying who runs",
          r.returncode == 9 and f"already running (pid {monitor.pid})" in r.stderr,
          (r.returncode, r.stderr))

    # Each verdict, with its message.
    def layer_passes(unit, name):
        entry = layer(unit, name)
        return entry if entry and entry["status"] == "pass" else None

    http = wait_until(lambda: layer_passes(HTTP, "http") and status_is(HTTP, "healthy"), 10)
    check("the HTTP server is healthy", http, service_health(HTTP))
    entry = layer(HTTP, "http") or {}
    check("its http layer passes with the status and the time taken",
          entry.get("status") == "pass" and entry.get("message", "").startswith("HTTP 200 in"),
          entry)
    entry = layer(HTTP, "unit") or {}
    check("its unit layer passes: active (running)",
          entry.get("status") == "pass" and entry.get("message") == "active (running)", entry)

    check("redis is healthy",
          wait_until(lambda: layer_passes(REDIS, "redis") and status_is(REDIS, "healthy"), 10),
          service_health(REDIS))
    entry = layer(REDIS, "redis") or {}
    check("its layer passes with PONG", entry.get("status") == "pass", entry)

    fails = wait_until(lambda: status_is(FAILS, "critical"), 10)
    entry = layer(FAILS, "unit") or {}
    check("the unit that exits is critical: failed (exit-code)",
          fails and entry.get("message") == "failed (exit-code)" and entry.get("state") == "hard",
          entry)

    closed = wait_until(lambda: status_is(CLOSED, "critical"), 10)
    entry = layer(CLOSED, "port") or {}
    check("the closed port is critical: connection refused",
          closed and entry.get("message") == f"connection refused on 127.0.0.1:{closed_port}",
          entry)
    check("with advice: the service is not listening",
          "not listening" in (entry.get("recommendation") or ""), entry)

    check("the sleeper is healthy", wait_until(lambda: status_is(SLEEPER, "healthy"), 10),
          service_health(SLEEPER))

    # kill -9: systemd's signal, not the 1 min timer, makes it critical.
    pid = main_pid(SLEEPER)
    start = time.monotonic()
    os.kill(pid, signal.SIGKILL)
    seen = wait_until(lambda: status_is(SLEEPER, "critical"), 20, 0.02)
    took = time.monotonic() - start
    check(f"a killed unit is critical within one interval (took {took:.2f} s of 60 s)",
          seen and took < 5, (took, service_health(SLEEPER)))
    entry = layer(SLEEPER, "unit") or {}
    check("its message says it was a signal", entry.get("message") == "failed (signal)", entry)

    r = tendctl("incidents", SLEEPER, "--json")
    incidents = json.loads(r.stdout) if r.returncode == 0 else []
    check("an incident is open for it, its cause naming the unit check",
          len(incidents) == 1 and incidents[0].get("closed") is None
          and "unit:" in (incidents[0].get("cause") or ""), (r.stdout, r.stderr))

    r = tendctl("health", SLEEPER)
    check("health UNIT prints the service, the layer and its hard state",
          r.returncode == 0 and "critical" in r.stdout and "hard" in r.stdout
          and "failed (signal)" in r.stdout, r.stdout + r.stderr)

    r = tendctl("start", SLEEPER)
    healthy = wait_until(lambda: status_is(SLEEPER, "healthy"), 10)
    check("started again, it is healthy", r.returncode == 0 and healthy, service_health(SLEEPER))
    r = tendctl("incidents", SLEEPER, "--json")
    incidents = json.loads(r.stdout) if r.returncode == 0 else []
    check("and its incident is closed",
          len(incidents) == 1 and incidents[0].get("closed") is not None, r.stdout)

    # A real redis-server killed mid-test.
    start = time.monotonic()
    os.kill(main_pid(REDIS), signal.SIGKILL)
    seen = wait_until(lambda: status_is(REDIS, "critical"), 20)
    took = time.monotonic() - start
    entry = layer(REDIS, "redis") or {}
    check(f"redis killed: critical (took {took:.2f} s)", seen, service_health(REDIS))
    check("its layer says connection refused",
          entry.get("message") == f"connection refused on 127.0.0.1:{redis_port}", entry)

    # Alive but not answering: only the HTTP check can tell, by its timeout.
    pid = main_pid(HTTP)
    start = time.monotonic()
    os.kill(pid, signal.SIGSTOP)
    try:
        seen = wait_until(lambda: status_is(HTTP, "critical"), 20)
        took = time.monotonic() - start
        entry = layer(HTTP, "http") or {}
        # failures before hard × interval + timeout (each next run is due an interval
        # after the previous one started), and slack for a loaded machine.
        bound = 2 * 1.0 + 0.5 + 2.5
        check(f"a stopped HTTP server is critical within {bound:.1f} s (took {took:.2f} s)",
              seen and took < bound, (took, service_health(HTTP)))
        check("its http layer says no answer within the timeout",
              "no answer within 500ms" in (entry.get("message") or ""), entry)
        check("its unit layer still passes: the process is alive",
              (layer(HTTP, "unit") or {}).get("status") == "pass", layer(HTTP, "unit"))
    finally:
        os.kill(pid, signal.SIGCONT)
    check("continued, it is healthy again", wait_until(lambda: status_is(HTTP, "healthy"), 10),
          service_health(HTTP))

    # A changed inventory: tendctl tells the monitor (SIGHUP), which picks it up.
    r = import_inventory(tmp, inventory(http_port, redis_port, closed_port, with_closed=False))
    check("a changed inventory imports and tells the monitor",
          r.returncode == 0
          and f"the monitor (pid {monitor.pid}) takes the change in now" in r.stderr,
          (r.returncode, r.stderr))
    gone = wait_until(lambda: (health() or {}).get("services") is not None
                      and service_health(CLOSED) is None, 10)
    check("after the reload the removed service is no longer watched", gone, health())
    check("and the others still are", service_health(HTTP) is not None, health())
    entry = layer(HTTP, "http") or {}
    check("an unchanged check keeps its history across the reload",
          entry.get("consecutive_failures") == 0 and entry.get("status") == "pass"
          and entry.get("state") == "hard", entry)

    # tendctl watch while the monitor runs: the new service is checked at once.
    r = tendctl("watch", WATCHED)
    check("watch tells the monitor", r.returncode == 0
          and f"the monitor (pid {monitor.pid}) takes the change in now" in r.stderr,
          (r.returncode, r.stdout, r.stderr))
    watched = wait_until(lambda: status_is(WATCHED, "healthy"), 10)
    names = sorted(e["name"] for e in (watched or {}).get("layers", []))
    check("the watched unit is healthy, with its unit and resources layers",
          watched and names == ["resources", "unit"], service_health(WATCHED))

    # SIGTERM: stops cleanly, everything written.
    monitor.send_signal(signal.SIGTERM)
    try:
        code = monitor.wait(timeout=15)
    except subprocess.TimeoutExpired:
        code = None
    with open(log_path) as f:
        text = f.read()
    check("SIGTERM stops it with exit 0", code == 0, (code, text[-2000:]))
    check("its log tells health changes and incidents",
          f"{SLEEPER} on {HOST} is critical" in text and "incident" in text
          and "stopped; every result is written" in text, text[-3000:])
    r = tendctl("health")
    check("health afterwards says the monitor is not running",
          "not running" in r.stdout and HTTP in r.stdout, r.stdout)
    r = tendctl("history", SLEEPER, "--json")
    stored = json.loads(r.stdout) if r.returncode == 0 else {}
    check("the results are in the history", len(stored.get("results", [])) >= 2,
          (r.stdout[:500], r.stderr))


def main():
    if not os.environ.get("TEND_SANDBOX"):
        print("1..0 # SKIP needs the systemd sandbox: run through tests/sandbox/tend-sandbox")
        return 0
    if not shutil.which("redis-server"):
        print("1..0 # SKIP redis-server is not installed (Debian package redis-server)")
        return 0

    tmp = tempfile.mkdtemp(prefix="tend-test-monitor-")
    env["TEND_DATABASE"] = os.path.join(tmp, "tend.db")
    try:
        run(tmp)
    finally:
        for unit in (HTTP, REDIS, SLEEPER, WATCHED):
            tendctl("stop", unit)
        shutil.rmtree(tmp, ignore_errors=True)

    return finish()


sys.exit(main())
