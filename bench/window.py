#!/usr/bin/python3
"""The window's start and idle figures (issue 12); run by bench/window, inside the
sandbox and under Xvfb.

    window.py BUILD ROUNDS WARMUP WINDOW

Start: `tend` with TEND_BENCH_FIRST_FRAME=1000 prints CLOCK_MONOTONIC (µs) at the first
frame painted with 1,000 services in its list, then quits; the time from just before
the exec is the figure. One warm-up run, then ROUNDS runs; every one is printed.

Idle: context switches (voluntary + involuntary) of every thread of the process, from
/proc/PID/task/*/status, read every second so that threads which start or end in the
window count too (a thread that lives less than a second between two reads is missed);
CPU from utime + stime in /proc/PID/stat (all threads, dead ones included); VmRSS at
the end.
"""
import os
import select
import signal
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests"))
from procmeter import measure  # noqa: E402

N_UNITS = 1000
N_WATCHED = 100

build, rounds, warmup, window = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), \
    int(sys.argv[4])
tend = os.path.join(build, "src", "tend", "tend")
tendctl = os.path.join(build, "src", "tendctl", "tendctl")
log = open(os.environ.get("BENCH_WINDOW_LOG",
                         os.path.join(os.environ["HOME"], "bench-window.log")), "w")


def say(*args):
    print("window.py:", *args, file=sys.stderr, flush=True)


def stop(proc, timeout=15):
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        say(f"pid {proc.pid} did not end in {timeout} s after SIGTERM: killed")
        proc.kill()
        proc.wait()


# ------------------------------------------------------------------------------------
# Set-up

subprocess.run(["systemctl", "--user", "start", "bench.target"], check=True)
loaded = subprocess.run(["systemctl", "--user", "list-units", "--all", "--no-legend",
                         "--plain", "--no-pager", "bench-*"], check=True,
                        capture_output=True, text=True).stdout.splitlines()
running = [l for l in loaded if " running " in l]
t = time.monotonic()
for i in range(1, N_WATCHED + 1):
    subprocess.run([tendctl, "watch", f"bench-{i:04d}.service"], check=True,
                   stdout=subprocess.DEVNULL)
checks = subprocess.run([tendctl, "check", "list"], check=True, capture_output=True,
                        text=True).stdout
say(f"{len(loaded)} bench units loaded, {len(running)} running; {N_WATCHED} watched in "
    f"{time.monotonic() - t:.1f} s")
print(f"Sandbox: {len(loaded)} bench units loaded ({len(running)} running), "
      f"{N_WATCHED} of the running ones watched with `tendctl watch` "
      f"({sum(1 for l in checks.splitlines() if 'bench-' in l)} lines in `tendctl check "
      f"list`).\n")

# ------------------------------------------------------------------------------------
# 1. Start to first frame

def start_once():
    env = dict(os.environ, TEND_BENCH_FIRST_FRAME=str(N_UNITS))
    t0 = time.monotonic_ns() // 1000
    proc = subprocess.Popen([tend], env=env, stdout=subprocess.PIPE, stderr=log, text=True)
    ready, _, _ = select.select([proc.stdout], [], [], 30)
    line = proc.stdout.readline() if ready else ""
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        say("tend did not quit after its first frame: killed")
        proc.kill()
        proc.wait()
    t_end = time.monotonic_ns() // 1000
    words = line.split()
    if len(words) != 3 or words[0] != "first-frame":
        sys.exit(f"window.py: tend printed no first frame ({line!r}); see "
                 f"{log.name} (TEND_SANDBOX_KEEP=1 keeps it)")
    return (int(words[1]) - t0) / 1000, int(words[2]), (t_end - t0) / 1000


say(f"start: 1 warm-up + {rounds} runs")
warm = start_once()
runs = [start_once() for _ in range(rounds)]
ms = [r[0] for r in runs]
print(f"Start to first frame with {N_UNITS} services in the list (ms), "
      f"warm-up run {warm[0]:.0f} (not counted), then {rounds} runs:\n")
print("| run | " + " | ".join(str(i + 1) for i in range(rounds)) + " | median |")
print("|---|" + "---:|" * (rounds + 1))
print("| first frame | " + " | ".join(f"{v:.0f}" for v in ms) +
      f" | **{statistics.median(ms):.0f}** |")
print("| exited | " + " | ".join(f"{r[2]:.0f}" for r in runs) + " | " +
      f"{statistics.median(r[2] for r in runs):.0f} |")
print(f"\nServices shown at the first frame: {sorted(set(r[1] for r in runs))}.\n")
sys.stdout.flush()

# ------------------------------------------------------------------------------------
# 2. Idle

def row(name, r):
    return (f"| {name} | {r['wakeups']:.1f} | {r['main']:.1f} | {r['threads']} "
            f"({r['threads_seen']}) | {r['cpu']:.2f} | {r['rss_mb']:.0f} |")


def detail(name, r):
    parts = ", ".join(f"{k} {v:.1f}" for k, v in r["by_name"].items() if v >= 0.05)
    return f"- {name}: {parts}"


def idle_case(argvs, what):
    """Starts ARGVS (3 s apart), measures them; a case whose process ended in the
    window (something else on the machine killed it) is run again, up to 3 times."""
    for attempt in range(3):
        say(f"idle: {what}, {warmup} s + {window} s")
        procs = []
        for argv in argvs:
            if procs:
                time.sleep(3)
            procs.append(subprocess.Popen(argv, stdout=log, stderr=log))
        res = measure([p.pid for p in procs], warmup, window)
        for p in reversed(procs):
            stop(p)
        if all(r is not None for r in res):
            return res
        say(f"idle: {what}: a process ended in the window "
            f"(status {[p.returncode for p in procs]}); again")
    sys.exit(f"window.py: {what}: a process kept ending in the window")


results = []
results.append(("`tendctl monitor` alone",
                idle_case([[tendctl, "monitor"]], "tendctl monitor alone")[0]))
results.append(("`tend`, the engine in its process",
                idle_case([[tend]], "tend, the engine in its process")[0]))
r_mon, r_app = idle_case([[tendctl, "monitor"], [tend]],
                         "tend while tendctl monitor runs the engine")
results.append(("`tend`, the engine in `tendctl monitor`", r_app))
results.append(("… and that `tendctl monitor`", r_mon))

print(f"Idle, {N_WATCHED} services watched, nothing changing: {warmup} s warm-up, then "
      f"{window} s measured.\n")
print("| process | wake-ups/s, all threads | main thread | threads (seen) | CPU % | "
      "RSS MB |")
print("|---|---:|---:|---:|---:|---:|")
for name, r in results:
    print(row(name, r))
print("\nWake-ups per second by thread name:\n")
for name, r in results:
    print(detail(name, r))
