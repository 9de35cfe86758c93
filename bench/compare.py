#!/usr/bin/python3
"""Times tendctl against systemctl inside the sandbox; run by bench/run."""
import os
import statistics
import subprocess
import sys
import time

build, rounds = sys.argv[1], int(sys.argv[2])
in_process_only = len(sys.argv) > 3 and sys.argv[3] == "--in-process-only"
instructions = len(sys.argv) > 3 and sys.argv[3] == "--instructions"
# --status-builds=DIR,DIR,...: the status case only, for several builds (the steps of a
# change) and systemctl, all alternating in each round, with each build's instructions
status_builds = (sys.argv[3].split("=", 1)[1].split(",")
                 if len(sys.argv) > 3 and sys.argv[3].startswith("--status-builds=") else None)
tendctl = os.path.join(build, "src", "tendctl", "tendctl")
bench_list = os.path.join(build, "bench", "bench-list")

subprocess.run(["systemctl", "--user", "start", "bench.target"], check=True)
loaded = subprocess.run(["systemctl", "--user", "list-units", "--all", "--no-legend",
                         "--plain", "--no-pager"], check=True, capture_output=True, text=True)
running = subprocess.run(["systemctl", "--user", "list-units", "--state=running",
                          "--no-legend", "--plain", "--no-pager", "bench-*"],
                         check=True, capture_output=True, text=True)
n_loaded = len(loaded.stdout.splitlines())
n_running = len(running.stdout.splitlines())

units = [f"bench-{i:04d}.service" for i in range(1, 101)]


def run_once(argvs):
    """Runs each argv in turn; returns the wall time of the whole batch and the CPU time
    (user + system, from wait4) of its processes, both in ms."""
    cpu = 0.0
    t0 = time.perf_counter()
    for argv in argvs:
        child = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            raise subprocess.CalledProcessError(child.returncode, argv)
        cpu += (usage.ru_utime + usage.ru_stime) * 1000
    return (time.perf_counter() - t0) * 1000, cpu


cases = [
    ("list all loaded units (1 process)",
     [[tendctl, "--user", "list", "--all"]],
     [["systemctl", "--user", "list-units", "--all", "--no-pager"]]),
    ("status of 100 units (100 processes)",
     [[tendctl, "--user", "status", u] for u in units],
     [["systemctl", "--user", "show", u] for u in units]),
]

def count_instructions(argv, env=None):
    """Instructions of one process, from callgrind (repeatable, unlike times)."""
    r = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"] + argv,
                       capture_output=True, text=True, env=env, check=True)
    for line in r.stderr.splitlines():
        if "Collected" in line:
            return int(line.split()[-1])
    raise RuntimeError(f"no count from callgrind for {argv}")


if instructions:
    gdbus = dict(os.environ, TEND_BACKEND="gdbus")
    rows = [("--version", [tendctl, "--version"], ["systemctl", "--version"]),
            ("list of every loaded unit", [tendctl, "--user", "list", "--all"],
             ["systemctl", "--user", "list-units", "--all", "--no-pager"]),
            ("status of one running unit", [tendctl, "--user", "status", units[0]],
             ["systemctl", "--user", "show", units[0]])]
    print(f"Sandbox: {n_loaded} units loaded; instructions of one process each (callgrind).\n")
    print("| command | tendctl | tendctl (TEND_BACKEND=gdbus) | systemctl |")
    print("|---|---:|---:|---:|")
    for name, ours, theirs in rows:
        print(f"| {name} | {count_instructions(ours) / 1e6:.2f} M "
              f"| {count_instructions(ours, gdbus) / 1e6:.2f} M "
              f"| {count_instructions(theirs) / 1e6:.2f} M |")
    sys.exit(0)

if status_builds:
    show = [["systemctl", "--user", "show", u] for u in units]
    sides = [(d, [[os.path.join(d, "src", "tendctl", "tendctl"), "--user", "status", u]
                  for u in units]) for d in status_builds] + [("systemctl show", show)]
    print(f"Sandbox: {n_loaded} units loaded; status of 100 units (100 processes) per side, "
          f"{rounds} rounds, sides alternating, after one warm-up round.\n")
    print(f"Load average at the start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    for _, argvs in sides:
        run_once(argvs)
    times = {name: ([], []) for name, _ in sides}
    for _ in range(rounds):
        for name, argvs in sides:
            wall, cpu = run_once(argvs)
            times[name][0].append(wall)
            times[name][1].append(cpu)
    base_cpu = statistics.median(times["systemctl show"][1])
    print("| build | wall median (ms) | CPU median (ms) | CPU / systemctl show "
          "| instructions of one status |")
    print("|---|---:|---:|---:|---:|")
    for name, argvs in sides:
        count = count_instructions(argvs[0])
        cpu = statistics.median(times[name][1])
        print(f"| {name} | {statistics.median(times[name][0]):.1f} | {cpu:.1f} "
              f"| {cpu / base_cpu:.2f} | {count / 1e6:.2f} M |")
    print(f"\nLoad average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    sys.exit(0)

print(f"Sandbox: {n_loaded} units loaded, {n_running} bench units running; "
      f"{rounds} rounds each, alternating, after one warm-up round.\n")
print(f"Load average at the start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
print("| case | tendctl median (ms) | systemctl median (ms) | tendctl / systemctl "
      "| tendctl CPU median (ms) | systemctl CPU median (ms) | CPU tendctl / systemctl |")
print("|---|---:|---:|---:|---:|---:|---:|")
for name, ours, theirs in ([] if in_process_only else cases):
    run_once(ours), run_once(theirs)  # warm-up
    a, b, ca, cb = [], [], [], []
    for _ in range(rounds):
        wall, cpu = run_once(ours)
        a.append(wall)
        ca.append(cpu)
        wall, cpu = run_once(theirs)
        b.append(wall)
        cb.append(cpu)
    ma, mb = statistics.median(a), statistics.median(b)
    mca, mcb = statistics.median(ca), statistics.median(cb)
    print(f"| {name} | {ma:.1f} | {mb:.1f} | {ma / mb:.2f} "
          f"| {mca:.1f} | {mcb:.1f} | {mca / mcb:.2f} |")
print(f"\nLoad average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

print()
out = subprocess.run([bench_list, "200"], check=True, capture_output=True, text=True)
print("In-process, libtend (bench/bench-list, 200 rounds):\n")
for line in out.stdout.splitlines():
    print(f"    {line}")
