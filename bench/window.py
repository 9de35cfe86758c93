#!/usr/bin/python3
"""The window's figures (issue 12); run by bench/window, inside the sandbox.

    window.py first-frame BUILD UNITS [ROUNDS]      start to first frame
    window.py idle BUILD UNITS [WINDOW] [WARMUP]    at rest: tend against tendctl monitor

Both run under Xvfb with the accessibility bus up (tests/tendui.py's Session), as on a
desktop, with GSK_RENDERER=cairo.
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
import tendui  # noqa: E402

CLK_TCK = os.sysconf("SC_CLK_TCK")


def start_target():
    r = subprocess.run(["systemctl", "--user", "start", "bench.target"], capture_output=True,
                       text=True, timeout=120)
    if r.returncode != 0:
        sys.exit("window.py: systemctl --user start bench.target: " + r.stderr)


def loaded_units():
    r = subprocess.run(["systemctl", "--user", "list-units", "--all", "--no-legend",
                        "--plain"], capture_output=True, text=True, timeout=60)
    return len(r.stdout.splitlines())


def first_frame(build, units, rounds=10):
    start_target()
    tend = os.path.join(build, "src", "tend", "tend")
    print(f"window.py: {loaded_units()} units loaded; {rounds} rounds after a warm-up",
          file=sys.stderr)
    runs = []
    with tendui.Session(tend, notifications=False) as ui:
        ui.stop_tend()   # the session's own start is not measured
        for i in range(rounds + 1):
            env = ui.tend_env()
            env["TEND_BENCH_FIRST_FRAME"] = str(units)
            t0 = time.monotonic_ns() // 1000
            p = subprocess.Popen([tend], env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL, text=True)
            first = filled = count = None
            try:
                out, _ = p.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                out, _ = p.communicate()
            for line in out.splitlines():
                w = line.split()
                if w[:2] == ["tend-bench:", "first-frame"]:
                    first = (int(w[2]) - t0) / 1000
                elif w[:2] == ["tend-bench:", "filled-frame"]:
                    filled, count = (int(w[2]) - t0) / 1000, int(w[3])
            if i > 0:
                runs.append({"first_ms": first, "filled_ms": filled, "services": count})
            print(f"window.py: round {i}{' (warm-up)' if i == 0 else ''}: first frame "
                  f"{first} ms, filled {filled} ms ({count} services)", file=sys.stderr)
    firsts = [r["first_ms"] for r in runs if r["first_ms"] is not None]
    filled = [r["filled_ms"] for r in runs if r["filled_ms"] is not None]
    print("| round | exec to first frame | exec to first frame with the services |")
    print("|---:|---:|---:|")
    for i, r in enumerate(runs, 1):
        f = f"{r['first_ms']:.0f} ms" if r["first_ms"] is not None else "none"
        g = (f"{r['filled_ms']:.0f} ms ({r['services']})" if r["filled_ms"] is not None
             else "none")
        print(f"| {i} | {f} | {g} |")
    med = lambda xs: f"{statistics.median(xs):.0f} ms" if xs else "n/a"   # noqa: E731
    print(f"| **median** | **{med(firsts)}** | **{med(filled)}** |")


# ------------------------------------------------------------------------------------
# At rest


def threads_switches(pid):
    """Context switches of every thread of @pid so far (voluntary, involuntary)."""
    vol = invol = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/status") as f:
                for line in f:
                    if line.startswith("voluntary_ctxt_switches:"):
                        vol += int(line.split()[1])
                    elif line.startswith("nonvoluntary_ctxt_switches:"):
                        invol += int(line.split()[1])
        except OSError:
            pass   # a thread that ended; its switches go with it (see the docs)
    return vol, invol


def proc_cpu(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def proc_kib(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return -1


def measure(pid, window):
    v0, i0 = threads_switches(pid)
    c0 = proc_cpu(pid)
    t0 = time.monotonic()
    time.sleep(window)   # the measurement itself: nothing to wait for
    elapsed = time.monotonic() - t0
    v1, i1 = threads_switches(pid)
    c1 = proc_cpu(pid)
    return {"seconds": elapsed, "voluntary_per_s": (v1 - v0) / elapsed,
            "involuntary_per_s": (i1 - i0) / elapsed, "cpu_percent": 100 * (c1 - c0) / elapsed,
            "threads": len(os.listdir(f"/proc/{pid}/task")), "rss_kib": proc_kib(pid, "VmRSS")}


def inventory(units):
    host = "local-user"
    return {
        "format": "tend-inventory", "version": 1,
        "hosts": [{"name": host, "kind": "local", "address": None, "port": None,
                   "user": None, "scope": "user", "sudo": "none", "access": "admin"}],
        "services": [{"host": host, "unit": u, "display_name": None, "tags": []}
                     for u in units],
        "checks": [{"host": host, "unit": u, "name": "unit", "kind": "unit",
                    "interval": "10s", "timeout": "5s", "failures_before_hard": 1,
                    "successes_before_recovered": 1, "startup_grace": "0s", "enabled": True,
                    "params": {}} for u in units],
        "policies": [], "config": {},
    }


def idle(build, units, window=60, warmup=10):
    start_target()
    tend = os.path.join(build, "src", "tend", "tend")
    tendctl = os.path.join(build, "src", "tendctl", "tendctl")
    names = [f"bench-{i:03d}.service" for i in range(1, units + 1)]
    tmp = tempfile.mkdtemp(prefix="tend-bench-idle-")
    db = os.path.join(tmp, "tend.db")
    env = dict(os.environ, TEND_DATABASE=db)
    inv = os.path.join(tmp, "inventory.json")
    with open(inv, "w") as f:
        json.dump(inventory(names), f)
    r = subprocess.run([tendctl, "import", inv], capture_output=True, text=True, env=env)
    if r.returncode != 0:
        sys.exit("window.py: tendctl import: " + r.stderr + r.stdout)

    results = {}
    print(f"window.py: tendctl monitor, {warmup} s + {window} s", file=sys.stderr)
    mon = subprocess.Popen([tendctl, "monitor"], env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    time.sleep(warmup)   # the monitor settles: its first round of checks is not at rest
    results["tendctl monitor"] = measure(mon.pid, window)
    mon.terminate()
    mon.wait()

    print(f"window.py: tend, {warmup} s + {window} s", file=sys.stderr)
    with tendui.Session(tend, notifications=True, env={"TEND_DATABASE": db}) as ui:
        ui.wait_for_window("Tend")
        time.sleep(warmup)
        results["tend (window open)"] = measure(ui.tend.pid, window)
        engine = [line for line in ui.log_tail(n=20000).splitlines() if "watching" in line]
        print("window.py: tend's engine: " + (engine[-1] if engine else "no 'watching' line: "
                                              "is the engine in this process?"),
              file=sys.stderr)

    print(f"{units} watched services, a unit check every 10 s each; {window} s measured "
          f"after {warmup} s")
    print()
    print("| process | context switches/s (voluntary) | involuntary/s | CPU | threads | RSS |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, m in results.items():
        print(f"| {label} | {m['voluntary_per_s']:.1f} | {m['involuntary_per_s']:.1f} | "
              f"{m['cpu_percent']:.2f} % | {m['threads']} | {m['rss_kib'] / 1024:.0f} MiB |")


def main():
    mode, build, units = sys.argv[1], sys.argv[2], int(sys.argv[3])
    rest = [int(x) for x in sys.argv[4:]]
    if mode == "first-frame":
        first_frame(build, units, *rest)
    elif mode == "idle":
        idle(build, units, *rest)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
