#!/usr/bin/python3
"""Idle cost of 100 watched services against Monit (issue 14); run by bench/idle, inside
the sandbox and under Xvfb.

    idle.py BUILD WINDOW WARMUP ROUNDS SIDES

The sandbox has idle-001 … idle-100.service (/bin/sleep infinity) and idle.target, which
wants them all. Tend watches each with `tendctl watch` (its default checks: "unit" and
"resources", every 30 s; nothing else configured); Monit gets a `check process` per
unit, by its pidfile, with `set daemon 30`. Then, ROUNDS times, each side of SIDES runs
alone for WARMUP s and is metered for WINDOW s (bench/procmeter.py). Prints Markdown.
"""
import os
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests"))
from procmeter import measure  # noqa: E402

N = 100
INTERVAL = 30

build = sys.argv[1]
window, warmup, rounds = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
sides = sys.argv[5].split(",")
tend = os.path.join(build, "src", "tend", "tend")
tendctl = os.path.join(build, "src", "tendctl", "tendctl")
floor = os.path.join(build, "bench", "bench-gtk-floor")
tmp = tempfile.mkdtemp(prefix="bench-idle-")
log = open(os.path.join(tmp, "sides.log"), "w")
strace_dir = os.environ.get("BENCH_IDLE_STRACE")

NAMES = {
    "monitor": "`tendctl monitor`",
    "window": "`tend` (the window, its engine in it)",
    "monit": "Monit",
    "floor": "empty libadwaita window (floor)",
    "elsewhere": "`tend` beside a `tendctl monitor` (reads the store)",
}


def say(*args):
    print("idle.py:", *args, file=sys.stderr, flush=True)


def stop(proc, timeout=30):
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        say(f"pid {proc.pid} did not end in {timeout} s after SIGTERM: killed")
        proc.kill()
        proc.wait()


def units():
    return [f"idle-{i:03d}.service" for i in range(1, N + 1)]


def main_pids():
    out = subprocess.run(["systemctl", "--user", "show", "-p", "MainPID", "--value"] + units(),
                         check=True, capture_output=True, text=True).stdout.split()
    return [int(p) for p in out]


def monit_argv():
    directory = os.path.join(tmp, "monit")
    os.makedirs(directory, exist_ok=True)
    body = [f"set daemon {INTERVAL}\n", f"set log {directory}/monit.log\n",
            f"set pidfile {directory}/monit.pid\n", f"set idfile {directory}/monit.id\n",
            f"set statefile {directory}/monit.state\n"]
    for unit, pid in zip(units(), main_pids()):
        name = unit.removesuffix(".service")
        with open(os.path.join(directory, name + ".pid"), "w") as f:
            f.write(f"{pid}\n")
        body.append(f"check process {name} with pidfile {directory}/{name}.pid\n")
    rc = os.path.join(directory, "monitrc")
    with open(rc, "w") as f:
        f.write("".join(body))
    os.chmod(rc, 0o600)     # Monit refuses a control file others can read
    return ["monit", "-I", "-c", rc]


def argv_of(side):
    return {"monitor": [tendctl, "monitor"], "window": [tend], "monit": monit_argv(),
            "floor": [floor], "elsewhere": [tend]}[side]


def strace(side, pid):
    out = os.path.join(strace_dir, f"{side}.strace")
    say(f"strace of {side} for 30 s into {out}")
    proc = subprocess.Popen(["strace", "-f", "-tt", "-o", out, "-p", str(pid)],
                            stderr=subprocess.DEVNULL)
    time.sleep(30)
    proc.send_signal(signal.SIGINT)
    proc.wait()


def run_side(side):
    """Runs one side alone, metered; again (up to 3 times) when it ended in the window.
    "elsewhere" meters the window while a `tendctl monitor` runs the engine beside it
    (started first, so the window finds the store taken and reads it)."""
    for attempt in range(3):
        say(f"{side}: {warmup} s + {window} s")
        beside = None
        if side == "elsewhere":
            beside = subprocess.Popen([tendctl, "monitor"], stdout=log, stderr=log)
            time.sleep(5)
        proc = subprocess.Popen(argv_of(side), stdout=log, stderr=log)
        result = measure([proc.pid], warmup, window)[0]
        if strace_dir and side in ("monitor", "window", "elsewhere") and result is not None:
            strace(side, proc.pid)
        stop(proc)
        if beside is not None:
            stop(beside)
        if result is not None:
            return result
        say(f"{side}: it ended in the window (status {proc.returncode}); again")
    sys.exit(f"idle.py: {side}: kept ending in the window; see {log.name}")


def main():
    subprocess.run(["systemctl", "--user", "start", "idle.target"], check=True)
    for unit in units():
        subprocess.run([tendctl, "watch", unit], check=True, stdout=subprocess.DEVNULL)
    checks = subprocess.run([tendctl, "check", "list"], check=True, capture_output=True,
                            text=True).stdout
    n_checks = sum(1 for line in checks.splitlines() if "idle-" in line)
    version = subprocess.run(["monit", "-V"], capture_output=True,
                             text=True).stdout.split("\n")[0].split()[-1]

    results = []
    for r in range(rounds):
        order = sides if r % 2 == 0 else list(reversed(sides))
        for side in order:
            results.append((r + 1, side, run_side(side)))

    print(f"{N} services watched (/bin/sleep infinity, running), {n_checks} checks in "
          f"`tendctl check list` (the defaults of `tendctl watch`, every {INTERVAL} s); Monit "
          f"{version}, a `check process` per unit by pidfile, `set daemon {INTERVAL}`. Each "
          f"side alone: {warmup} s warm-up, then {window} s measured; {rounds} round(s).\n")
    print("| round | side | wake-ups/s, all threads (involuntary) | main thread "
          "| threads (seen) | CPU % | RSS MB (peak) |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for r, side, x in results:
        print(f"| {r} | {NAMES[side]} | {x['wakeups']:.2f} ({x['involuntary']:.2f}) "
              f"| {x['main']:.2f} "
              f"| {x['threads']} ({x['threads_seen']}) | {x['cpu']:.3f} "
              f"| {x['rss_mb']:.1f} ({x['hwm_mb']:.1f}) |")
    print("\nWake-ups per second by thread name:\n")
    for r, side, x in results:
        parts = ", ".join(f"{k} {v:.2f}" for k, v in x["by_name"].items() if v >= 0.005)
        print(f"- round {r}, {NAMES[side]}: {parts or 'none'}")
    subprocess.run(["systemctl", "--user", "stop", "idle.target"] + units(), check=False)


main()
