#!/usr/bin/python3
"""Tend's demo as a newcomer gets it from `./tend-dev run` without a session (TAP).

Runs inside tests/sandbox/tend-sandbox, as `./tend-dev run` does on a machine with no
systemd user session, and starts the demo the way it does there when there is no
display: `tendctl --user demo`, with DISPLAY and WAYLAND_DISPLAY unset. (With a display
`tend --demo` starts the very same services, checks and policy, libtend's
TendDemoServices, for the window's engine.) Then, with tendctl and no window:

- the terminal demo says what it shows and prints a table of the three services;
- the three demo units run: a web server that answers HTTP, a Redis server that
  answers PING, and the crasher;
- they are watched with the promised checks (unit on each, HTTP on the web server,
  Redis on Redis) and the demo's backoff policy;
- with the demo's real timing (no shortened configuration), the crasher fails about
  40 s after it started, turns critical, and the engine recovers it automatically
  within two minutes, without taking it for a restart loop;
- the desktop was told (python3-dbusmock's notification server): that it failed, and
  that Tend brought it back;
- Ctrl+C ends the demo: the units go away and no http.server or redis-server is left.

Waiting is always for a condition with a deadline, never a bare sleep.
Usage: test-demo.py TENDCTL
"""
import json
import os
import signal
import socket
import subprocess
import sys
import time

import tendmon
from tendmon import Tendctl, answers_200, main_pid, wait_until
from tendtap import check

WEB = "tend-demo-web.service"
REDIS = "tend-demo-redis.service"
CRASHER = "tend-demo-crasher.service"
UNITS = [WEB, REDIS, CRASHER]

# What the demo promises (src/libtend/tend-demo-services.c).
CRASHER_RUNS_S = 40          # then it exits with status 1
PROMISE_S = 120              # red, recovered and notified within two minutes

env = dict(os.environ)
for name in ("DISPLAY", "WAYLAND_DISPLAY"):
    env.pop(name, None)
tendctl = Tendctl(sys.argv[1], env)


def systemctl(*args):
    return subprocess.run(["systemctl", "--user", *args], capture_output=True, text=True,
                          timeout=30, env=env)


def load_state(unit):
    return systemctl("show", "-p", "LoadState", "--value", unit).stdout.strip()


def active(unit):
    return systemctl("is-active", unit).stdout.strip() == "active"


def redis_pong(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def demo_processes(web_port, redis_port):
    """Processes of the demo's servers still on this machine (pgrep -f on their ports)."""
    found = []
    for pattern in (f"http.server {web_port}", f"redis-server.*--port {redis_port}"):
        r = subprocess.run(["pgrep", "-af", pattern], capture_output=True, text=True)
        found += [line for line in r.stdout.splitlines() if "pgrep" not in line]
    return found


class Demo:
    """`tendctl --user demo` in the background, its stdout and stderr in files."""

    def __init__(self, tmp):
        self.out_path = os.path.join(tmp, "demo.out")
        self.err_path = os.path.join(tmp, "demo.err")
        self.out = open(self.out_path, "w")
        self.err = open(self.err_path, "w")
        self.proc = subprocess.Popen([tendctl.path, "--user", "demo", "--every", "2"],
                                     stdout=self.out, stderr=self.err, env=env,
                                     stdin=subprocess.DEVNULL)
        self.started = time.monotonic()

    def stdout(self):
        with open(self.out_path) as f:
            return f.read()

    def stderr(self):
        with open(self.err_path) as f:
            return f.read()

    def stop(self, sig=signal.SIGINT):
        """Ctrl+C; returns its exit status (None if it had to be killed)."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                return None
        self.out.close()
        self.err.close()
        return self.proc.returncode


def inventory():
    r = tendctl("export")
    return json.loads(r.stdout) if r.returncode == 0 else {}


def ports_of(inv):
    web = redis = None
    for c in inv.get("checks", []):
        if c["unit"] == WEB and c["kind"] == "http":
            web = int(c["params"]["url"].rsplit(":", 1)[1].strip("/"))
        if c["unit"] == REDIS and c["kind"] == "redis":
            redis = c["params"]["port"]
    return web, redis


def check_inventory(inv):
    checks = {(c["unit"], c["name"]): c for c in inv.get("checks", [])}
    kinds = sorted((u, c["kind"]) for (u, _), c in checks.items())
    check("watched with the promised checks: unit on each, HTTP on the web server, Redis "
          "PING on Redis",
          kinds == sorted([(WEB, "unit"), (WEB, "http"), (REDIS, "unit"), (REDIS, "redis"),
                           (CRASHER, "unit")]), kinds)
    services = sorted(s["unit"] for s in inv.get("services", []))
    check("the three demo services, and nothing else, are in the demo's inventory",
          services == sorted(UNITS), services)
    policies = {p["unit"]: p for p in inv.get("policies", [])}
    crasher = policies.get(CRASHER, {})
    check("each has the demo's backoff policy",
          sorted(policies) == sorted(UNITS)
          and all(p["kind"] == "backoff" for p in policies.values()), policies)
    check("the crasher's policy: backoff 5s..10s, a loop is 3 recoveries within 1 min",
          crasher.get("backoff_initial") == "5s" and crasher.get("backoff_max") == "10s"
          and crasher.get("loop_threshold") == 3 and crasher.get("loop_window") == "1min",
          crasher)


def crasher_recovered(first_pid):
    """The crasher runs again under another process, and is healthy."""
    pid = main_pid(CRASHER)
    return (pid not in (0, first_pid) and active(CRASHER)
            and tendctl.status_is(CRASHER, "healthy"))


def run(tmp):
    # The demo's database, as `tendctl demo` takes it; tendctl reads it through
    # TEND_DATABASE (set by tendmon.sandboxed for this test's temporary directory).
    env["TEND_DEMO_DATABASE"] = env["TEND_DATABASE"]
    demo = Demo(tmp)
    web_port = redis_port = None
    try:
        printed = wait_until(lambda: all(u in demo.stdout() for u in UNITS)
                             and "SERVICE" in demo.stdout(), 30, 0.1)
        check("without a display, the terminal demo starts and prints the demo's services",
              printed and "Ctrl+C ends the demo" in demo.stdout(),
              demo.stdout()[-2000:] + demo.stderr()[-2000:])
        running = wait_until(lambda: all(active(u) for u in UNITS), 20)
        check("the three demo units run", running,
              {u: systemctl("is-active", u).stdout.strip() for u in UNITS})

        inv = inventory()
        web_port, redis_port = ports_of(inv)
        check_inventory(inv)
        check("the web server answers HTTP",
              web_port and wait_until(lambda: answers_200(web_port), 15), web_port)
        check("the Redis server answers PING",
              redis_port and wait_until(lambda: redis_pong(redis_port), 15), redis_port)
        healthy = wait_until(lambda: all(tendctl.status_is(u, "healthy") for u in UNITS), 20)
        check("the monitor finds all three healthy", healthy, tendctl.health())

        first_pid = main_pid(CRASHER)
        left = PROMISE_S - (time.monotonic() - demo.started)
        red = wait_until(lambda: tendctl.status_is(CRASHER, "critical"), left, 0.2)
        red_at = time.monotonic() - demo.started
        check(f"the crasher fails and turns critical on its own ({red_at:.0f} s after the "
              f"demo started; it runs {CRASHER_RUNS_S} s)",
              red and red_at >= CRASHER_RUNS_S - 5, tendctl.service_health(CRASHER))
        left = PROMISE_S - (time.monotonic() - demo.started)
        back = wait_until(lambda: crasher_recovered(first_pid), max(left, 1), 0.2)
        back_at = time.monotonic() - demo.started
        check(f"the engine recovers it automatically within two minutes ({back_at:.0f} s)",
              back and back_at < PROMISE_S,
              (tendctl.service_health(CRASHER), demo.stderr()[-3000:]))
        r = tendctl("policy", "show", CRASHER)
        check("and does not take it for a restart loop",
              r.returncode == 0 and "Manual intervention required: no" in r.stdout
              and (tendctl.service_health(CRASHER) or {}).get("recovery", {}).get("state")
              != "manual", r.stdout)

        def incidents():
            r = tendctl("incidents", CRASHER, "--json")
            return json.loads(r.stdout) if r.returncode == 0 else []

        closed = wait_until(lambda: [i for i in incidents() if i.get("closed")], 15)
        check("its incident is closed once it has held", closed, incidents())

        def told():
            calls = [c for c in tendmon.notifications(env) if c[1].startswith(CRASHER)]
            bodies = " ".join(c[1] + " " + c[2] for c in calls)
            return calls if "failed" in bodies and "restarted it" in bodies else None

        calls = wait_until(told, 10)
        check("the desktop was told it failed, and that Tend restarted it", calls,
              tendmon.notifications(env))
        table = demo.stdout()
        check("the terminal's table showed it critical, then healthy again",
              "critical" in table and table.rindex("healthy") > table.index("critical"),
              table[-3000:])
    finally:
        status = demo.stop()
        check("Ctrl+C ends the demo (exit status 0)", status == 0,
              (status, demo.stderr()[-2000:]))
        gone = wait_until(lambda: all(load_state(u) == "not-found" for u in UNITS), 15)
        check("the demo's units are gone", gone, {u: load_state(u) for u in UNITS})
        if web_port and redis_port:
            left = wait_until(lambda: not demo_processes(web_port, redis_port), 10)
            check("no http.server or redis-server of the demo is left", left,
                  demo_processes(web_port, redis_port))


def main():
    return tendmon.sandboxed_with_notifications(run, tendctl, [], "tend-test-demo-")


sys.exit(main())
