#!/usr/bin/python3
"""Benchmark of issue 9: recovery under the default configuration.

Runs inside tests/sandbox/tend-sandbox (see bench/recover-defaults, which starts it). As
a new user sets Tend up — `tendctl watch` and `tendctl check add … --kind http`, no
configuration key, no policy — it measures:

  first kill   kill -9 of tend-test-http.service's main process, at rest, to the first
               200 again
  second kill  kill -9 again 2 s after that 200, to the first 200 again
  crash loop   tend-test-crashloop.service (fails 0.1 s after every start), started
               once: from its first failure to "manual intervention required" in the
               database, and how many recovery starts it got

Each round runs on a fresh `tendctl monitor` (a restart loop is three recoveries within
5 min, so two rounds on one monitor would mark the service: that is the product working,
not the figure asked for). The crash-loop unit is resumed between rounds.

Usage: recover-defaults.py BUILDDIR ROUNDS [LOOP-ROUNDS]
"""
import os
import signal
import sqlite3
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests"))
sys.path.insert(0, HERE)

from tendmon import Monitor, Tendctl, free_port, main_pid, wait_until  # noqa: E402

HTTP = "tend-test-http.service"
LOOP = "tend-test-crashloop.service"

env = dict(os.environ)
build = os.path.abspath(sys.argv[1])
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 10
loop_rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
tendctl = Tendctl(os.path.join(build, "src", "tendctl", "tendctl"), env)
tmp = tempfile.mkdtemp(prefix="tend-bench-recover-defaults-")
env["TEND_DATABASE"] = os.path.join(tmp, "tend.db")
port = free_port()


def say(text):
    print(text, file=sys.stderr, flush=True)


def answers_200():
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=0.2)
    try:
        conn.request("GET", "/")
        return conn.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        conn.close()


def kill_to_200(give_up_s=30):
    """kill -9 of the main process; ms until the first 200 of a new process, or None."""
    pid = main_pid(HTTP)
    fd = os.pidfd_open(pid)
    t0 = time.monotonic()
    os.kill(pid, signal.SIGKILL)
    import select
    select.select([fd], [], [], 5)
    os.close(fd)
    while time.monotonic() - t0 < give_up_s:
        if answers_200():
            return (time.monotonic() - t0) * 1000.0
        time.sleep(0.005)
    return None


def query(sql, *args):
    with sqlite3.connect(env["TEND_DATABASE"], timeout=10) as db:
        return db.execute(sql, args).fetchall()


def done_attempts(unit):
    return query("SELECT success FROM restart_attempts JOIN services ON services.id = "
                 "service_id WHERE unit = ? AND restart_attempts.state = 'done'", unit)


def manual(unit):
    return query("SELECT manual_since_usec FROM service_controls JOIN services ON "
                 "services.id = service_id WHERE unit = ? AND manual = 1", unit)


def stats(values):
    ok = sorted(v for v in values if v is not None)
    if not ok:
        return "| 0 | — | — | — | — |"
    p90 = ok[min(len(ok) - 1, max(0, int(round(0.9 * len(ok))) - 1))]
    missed = len(values) - len(ok)
    n = f"{len(ok)}" + (f" ({missed} never)" if missed else "")
    return (f"| {n} | {statistics.median(ok):.0f} ms | {p90:.0f} ms | {ok[0]:.0f} ms "
            f"| {ok[-1]:.0f} ms |")


def main():
    if not os.environ.get("TEND_SANDBOX"):
        sys.exit("recover-defaults: needs the systemd sandbox: run bench/recover-defaults")
    with open(os.path.join(env["HOME"], ".config", "tend-test-ports.env"), "w") as f:
        f.write(f"TEND_TEST_HTTP_PORT={port}\n")
    tendctl("start", HTTP)
    for args in (("watch", HTTP), ("check", "add", HTTP, "web", "--kind", "http", "--url",
                                   f"http://127.0.0.1:{port}/"), ("watch", LOOP)):
        r = tendctl(*args)
        if r.returncode != 0:
            sys.exit(f"recover-defaults: tendctl {' '.join(args)}: {r.stderr}")

    first, second = [], []
    for i in range(rounds):
        with Monitor(tendctl, os.path.join(tmp, "monitor.log")):
            n = len(done_attempts(HTTP))
            if not wait_until(lambda: tendctl.status_is(HTTP, "healthy") and answers_200(), 30):
                sys.exit(f"recover-defaults: not healthy: {tendctl.service_health(HTTP)}")
            time.sleep(0.5)
            first.append(kill_to_200())
            back = time.monotonic()
            while time.monotonic() - back < 2.0:
                time.sleep(0.005)
            second.append(kill_to_200())
            # At rest: both recoveries on record, healthy.
            wait_until(lambda: len(done_attempts(HTTP)) >= n + 2
                       and tendctl.status_is(HTTP, "healthy"), 30)
        say(f"round {i + 1}/{rounds}: first {first[-1] and round(first[-1])} ms, "
            f"second {second[-1] and round(second[-1])} ms")

    loops = []
    for i in range(loop_rounds):
        tendctl("resume", LOOP)
        with Monitor(tendctl, os.path.join(tmp, "monitor.log")):
            n = len(done_attempts(LOOP))
            tendctl("start", LOOP)
            # Its first failure: 0.1 s after its start job ended.
            t0 = time.time()
            marked = wait_until(lambda: manual(LOOP), 180, 0.02)
            took = (marked[0][0] / 1e6 - (t0 + 0.1)) if marked else None
            starts = len(done_attempts(LOOP)) - n
            loops.append((took, starts))
            tendctl("stop", LOOP)
        say(f"crash loop {i + 1}/{loop_rounds}: {took and round(took, 1)} s, {starts} starts")

    print(f"Default configuration (nothing set but watch and an HTTP check); {rounds} rounds, "
          f"each on a fresh monitor; from kill -9 to the first 200, polled every 5 ms\n")
    print("| case | rounds | median | p90 | min | max |")
    print("|---|---:|---:|---:|---:|---:|")
    print(f"| first kill, at rest {stats(first)}")
    print(f"| second kill, 2 s after the first came back {stats(second)}")
    print(f"\nCrash on every start ({LOOP}, 0.1 s after each start), {loop_rounds} rounds:\n")
    print("| round | first failure → manual intervention required | recovery starts |")
    print("|---:|---:|---:|")
    for i, (took, starts) in enumerate(loops):
        print(f"| {i + 1} | {'—' if took is None else f'{took:.1f} s'} | {starts} |")
    tendctl("stop", HTTP)


main()
