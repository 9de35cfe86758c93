#!/usr/bin/python3
"""10,000 checks (issue 14); run by bench/scale.

    scale.py BUILD N WARMUP WINDOW ROUNDS

bench-servers answers N HTTP and N TCP ports on 127.0.0.1 (it raises its own
RLIMIT_NOFILE for them). Then, ROUNDS times, bench-monitor runs N services, each with
an HTTP and a TCP check every 10 s (timeout 5 s, the defaults otherwise, so
checks.max-concurrent is its default of 50), WARMUP seconds and then WINDOW seconds
measured. While it runs, this script samples every 0.2 s its open descriptors
(/proc/PID/fd) and its VmRSS. Prints one JSON object per round, then a Markdown table.

What each column means:
  checks done     runs that ended in the window (bench-monitor's count); expected is
                  2 N x WINDOW / 10
  lateness        how late runs started after their due time, the monitor's own
                  statistic (tend_monitor_get_lateness(), in bench-monitor's JSON): the
                  longest, the 99th percentile, and the runs more than an interval late.
                  The monitor may start a run up to a slack (1 s for 10 s) after its due
                  time, to share wake-ups.
  gaps            seen from outside, by bench-servers: the time between two connections
                  to the same port (two runs of one check) less the interval: the
                  longest and the 99th percentile (to the ms); and the gaps of two
                  intervals or more, a run more than an interval late or none at all
  CPU             user + system of the whole process over the window (getrusage)
  RSS             VmRSS at the end of the window, and VmHWM, the peak since start
  fds             the most descriptors open at once, of RLIMIT_NOFILE's soft limit
"""
import json
import os
import resource
import signal
import subprocess
import sys
import threading
import time

INTERVAL = 10


def proc_kib(pid, field):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return -1


def start_servers(build, n):
    exe = os.path.join(build, "bench", "bench-servers")
    # 2 N ports below the kernel's ephemeral range (32768 and up), where nothing else
    # binds; then above it, in case.
    for http_base in list(range(3000, 32768 - 2 * n, 1000)) + list(range(33000, 63000, 2000)):
        tcp_base = http_base + n
        if tcp_base + n > 65535:
            break
        proc = subprocess.Popen([exe, str(http_base), str(tcp_base), str(n), str(INTERVAL)],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        if proc.stdout.readline().strip() == "ready":
            return proc, http_base, tcp_base
        proc.wait()
    sys.exit(f"scale.py: no {2 * n} free ports for bench-servers")


def sample(pid, stop, out):
    """Most open descriptors and highest VmRSS of PID until STOP is set."""
    while not stop.is_set():
        try:
            out["fds"] = max(out.get("fds", 0), len(os.listdir(f"/proc/{pid}/fd")))
            out["rss_sampled_kib"] = max(out.get("rss_sampled_kib", 0), proc_kib(pid, "VmRSS"))
        except OSError:
            pass
        stop.wait(0.2)


def gaps(servers):
    """bench-servers' gaps since the last call: count, p50, p99, max (µs), late."""
    servers.send_signal(signal.SIGUSR2)
    words = servers.stdout.readline().split()
    assert words[0] == "gaps", words
    return [int(w) for w in words[1:]]


def run_round(build, n, warmup, window, servers, http_base, tcp_base):
    exe = os.path.join(build, "bench", "bench-monitor")
    cmd = [exe, "--interval", str(INTERVAL), "--timeout", "5", "--warmup", str(warmup),
           "--window", str(window), str(http_base), str(tcp_base), str(n)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stop = threading.Event()
    sampled = {}
    sampler = threading.Thread(target=sample, args=(proc.pid, stop, sampled))
    sampler.start()
    limit = resource.prlimit(proc.pid, resource.RLIMIT_NOFILE)
    time.sleep(warmup)
    gaps(servers)   # from here: the window
    out, err = proc.communicate()
    count, p50, p99, gap_max, late = gaps(servers)
    stop.set()
    sampler.join()
    if proc.returncode != 0:
        sys.exit(f"scale.py: bench-monitor failed ({proc.returncode}): {err.strip()}")
    result = json.loads(out)
    result.update(sampled)
    result["nofile_soft"] = limit[0]
    result["gaps"] = count
    result["gap_over_max_usec"] = gap_max - INTERVAL * 1000000
    result["gap_over_p99_usec"] = p99 - INTERVAL * 1000000
    result["gap_over_p50_usec"] = p50 - INTERVAL * 1000000
    result["gaps_beyond_interval"] = late
    result["expected"] = 2 * n * window // INTERVAL
    result["load"] = " ".join(open("/proc/loadavg").read().split()[:3])
    if err.strip():
        result["stderr"] = err.strip().splitlines()[:5]
    return result


def ms(usec):
    return "—" if usec is None else f"{usec / 1000:.1f} ms"


def table(results):
    print("| round | checks done (expected) | not passed | lateness max, p99 | runs > "
          "interval late | gap − interval max, p99 | gaps ≥ 2 intervals | CPU of one core | "
          "CPU per check | RSS (peak) | fds (soft limit) | load |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for i, r in enumerate(results, 1):
        cpu_per_check = r["cpu_sec"] * 1e6 / max(r["completed"], 1)
        mon = r.get("lateness", {})
        print(f"| {i} | {r['completed']:,} ({r['expected']:,}) | {r['not_passed']} | "
              f"{ms(mon.get('max_usec'))}, {ms(mon.get('p99_usec'))} | "
              f"{mon.get('beyond_interval', '—')} | "
              f"{ms(r['gap_over_max_usec'])}, {ms(r['gap_over_p99_usec'])} | "
              f"{r['gaps_beyond_interval']} | {r['cpu_share'] * 100:.2f} % | "
              f"{cpu_per_check:.0f} µs | {r['rss_kib'] / 1024:.1f} MiB "
              f"({r['hwm_kib'] / 1024:.1f}) | {r.get('fds', '?')} ({r['nofile_soft']}) | "
              f"{r['load']} |")


def main():
    build, n, warmup, window, rounds = (sys.argv[1], int(sys.argv[2]), int(sys.argv[3]),
                                        int(sys.argv[4]), int(sys.argv[5]))
    servers, http_base, tcp_base = start_servers(build, n)
    results = []
    try:
        for i in range(rounds):
            print(f"scale.py: round {i + 1} of {rounds}: {2 * n} checks, {warmup} s + "
                  f"{window} s", file=sys.stderr)
            results.append(run_round(build, n, warmup, window, servers, http_base,
                                     tcp_base))
            print(json.dumps(results[-1]))
    finally:
        servers.terminate()
        servers.wait()
    print()
    table(results)


if __name__ == "__main__":
    main()
