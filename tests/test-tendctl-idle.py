#!/usr/bin/python3
"""tendctl monitor at rest lets the CPU sleep (issue 14): a sandbox test (TAP).

Runs inside tests/sandbox/tend-sandbox. N services (/bin/sleep infinity) run; each is
watched with `tendctl watch` and nothing else is configured (the "unit" and "resources"
checks a new user gets, every 30 s). Once `tendctl monitor` has run every check (each
service healthy, both layers with a result), its context switches — every thread's,
voluntary and involuntary, from /proc/PID/task/*/status (tests/procmeter.py) — are
counted over one whole interval and a second, in which every check runs once more.
Asserted, with margin, against what the engine costs at rest:

- all threads together at most 0.7 wake-ups a second (measured: 0.32 for 30 services;
  0.55 before the checks of an interval shared phases, 4–5 with a D-Bus read per check
  run, about 3 with a wake-up per run);
- the main thread at most 0.5 a second (measured 0.19; the sd-bus backend does its I/O
  there, and a read of the unit per run made it 1.5), and it goes to sleep at most 0.2
  times a second (its voluntary switches: one per shared wake-up; measured 0.06–0.1,
  the 60 checks on 2 phases of the interval; with the first runs spread by a jitter over
  the interval, every run due within a slack sharing a wake-up, about 0.3);
- the store's writer ("tend-store") at most 0.4 a second (measured 0.13: once per batch,
  the results of a phase; past a checkpoint of the WAL, writes over the old log's
  blocks cost it 3 to 14 switches a batch, docs/benchmarks.md);
- the GDBus worker ("gdbus") at most 0.3: no check run reads a unit over D-Bus at rest
  (a unit check judges the state systemd's signals keep; a resources check reads the
  control group's files);
- no worker of GLib's pool ("pool-*") woke: no /proc read handed to a thread;
- its RSS under 25 MB at the end (measured: 10–16 MB).

The window is a fixed length because the figure is a rate; every wait before it is for
a condition with a deadline.
Usage: test-tendctl-idle.py TENDCTL
"""
import os
import subprocess
import sys
import tempfile

from procmeter import measure, task_switches
from tendmon import Monitor, Tendctl, sandboxed, wait_until
from tendtap import check

TENDCTL = sys.argv[1]
N = 30
INTERVAL = 30
MAX_WAKEUPS = 0.7
MAX_MAIN = 0.5
MAX_MAIN_SLEEPS = 0.2
MAX_WRITER = 0.4
MAX_GDBUS = 0.3
MAX_POOL = 0.1
MAX_RSS_MB = 25

env = dict(os.environ)
tendctl = Tendctl(TENDCTL, env)
UNITS = [f"tend-test-idle-{i:02d}.service" for i in range(1, N + 1)]


def write_units():
    unit_dir = os.environ["TEND_SANDBOX_UNIT_DIR"]
    for unit in UNITS:
        with open(os.path.join(unit_dir, unit), "w") as f:
            f.write("[Unit]\nDescription=Tend test: an idle service\n\n[Service]\n"
                    "ExecStart=/bin/sleep infinity\n")
    subprocess.run(["systemctl", "--user", "daemon-reload"], check=True)
    subprocess.run(["systemctl", "--user", "start", *UNITS], check=True)


def all_checked():
    """Every service healthy, with a result for both of its checks."""
    services = {s["unit"]: s for s in (tendctl.health() or {}).get("services", [])}
    for unit in UNITS:
        s = services.get(unit)
        if s is None or s["status"] != "healthy":
            return False
        layers = {entry["name"]: entry for entry in s.get("layers", [])}
        if not all(name in layers and layers[name].get("status") == "pass"
                   for name in ("unit", "resources")):
            return False
    return True


def pool_threads(pid):
    return [t[0] for t in task_switches(pid).values() if t[0].startswith("pool-")]


def run(tmp):
    write_units()
    for unit in UNITS:
        r = tendctl("watch", unit)
        check(f"tendctl watch {unit}", r.returncode == 0, r.stderr)
    with Monitor(tendctl, os.path.join(tmp, "monitor.log")) as monitor:
        ready = wait_until(all_checked, 60, 0.5)
        check(f"all {N} services healthy, both checks run", ready,
              [s for s in (tendctl.health() or {}).get("services", [])
               if s["unit"] in UNITS and s["status"] != "healthy"][:3])
        # The workers that served the first runs (their D-Bus reads' /proc sums) end 15 s
        # after their last job: the window starts once they are gone.
        check("the first runs' pool workers ended",
              wait_until(lambda: not pool_threads(monitor.proc.pid), 40, 0.5),
              pool_threads(monitor.proc.pid))
        figures = measure([monitor.proc.pid], 0, INTERVAL + 1)[0]
        check("tendctl monitor ran through the window", figures is not None, monitor.output())
        if figures is None:
            return
        by_name = figures["by_name"]
        pool = sum(v for k, v in by_name.items() if k.startswith("pool-"))
        detail = (f"{figures['wakeups']:.2f} wake-ups/s ({figures['involuntary']:.2f} "
                  f"involuntary), the main thread to sleep {figures['main_voluntary']:.2f}/s, "
                  f"by thread "
                  f"{ {k: round(v, 2) for k, v in by_name.items()} }, CPU "
                  f"{figures['cpu']:.3f} %, RSS {figures['rss_mb']:.1f} MB")
        print(f"# {N} services at rest: {detail}", flush=True)
        check(f"at most {MAX_WAKEUPS} wake-ups/s, all threads", figures["wakeups"] <= MAX_WAKEUPS,
              detail)
        check(f"the main thread at most {MAX_MAIN}/s (sd-bus reads there)",
              figures["main"] <= MAX_MAIN, detail)
        check(f"the main thread went to sleep at most {MAX_MAIN_SLEEPS}/s: the runs of an "
              f"interval share wake-ups", figures["main_voluntary"] <= MAX_MAIN_SLEEPS, detail)
        check(f"the store's writer at most {MAX_WRITER}/s: once per batch",
              by_name.get("tend-store", 0) <= MAX_WRITER, detail)
        check(f"the GDBus worker at most {MAX_GDBUS}/s: no D-Bus read per run",
              by_name.get("gdbus", 0) <= MAX_GDBUS, detail)
        check("no pool thread woke", pool <= MAX_POOL, detail)
        if sanitized(tendctl.path):
            print("# RSS not judged: this tendctl is built with AddressSanitizer, whose "
                  "shadow memory is most of its RSS", flush=True)
        else:
            check(f"RSS under {MAX_RSS_MB} MB", figures["rss_mb"] < MAX_RSS_MB, detail)


def sanitized(program):
    """Whether @program is built with AddressSanitizer."""
    with open(program, "rb") as f:
        return b"__asan_init" in f.read()


sys.exit(sandboxed(run, tendctl, UNITS, prefix="tend-test-idle-"))
