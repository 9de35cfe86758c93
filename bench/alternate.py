#!/usr/bin/python3
"""One status process per side and round, sides alternating; run by bench/alternate."""
import os
import statistics
import subprocess
import sys
import time

rounds, builds = int(sys.argv[1]), sys.argv[2:]
unit = "bench-0001.service"
sides = [("systemctl show", ["systemctl", "--user", "show", unit])]
sides += [(build, [os.path.join(build, "src", "tendctl", "tendctl"), "--user", "status", unit])
          for build in builds]
subprocess.run(["systemctl", "--user", "start", unit], check=True)

cpu = {name: [] for name, _ in sides}
wall = {name: [] for name, _ in sides}
for i in range(rounds + 3):
    for name, argv in sides:
        t0 = time.perf_counter()
        child = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = (time.perf_counter() - t0) * 1000
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"{argv} failed")
        if i >= 3:
            cpu[name].append((usage.ru_utime + usage.ru_stime) * 1000)
            wall[name].append(elapsed)

print(f"{rounds} rounds; load average at the end: {os.getloadavg()[0]:.2f}")
base = statistics.median(cpu["systemctl show"])
for name, _ in sides:
    median = statistics.median(cpu[name])
    print(f"{name}: CPU median {median:.3f} ms ({median / base:.3f} of systemctl show), "
          f"wall median {statistics.median(wall[name]):.3f} ms")
