#!/usr/bin/python3
"""Tend's engine against Monit (issue 4); run by bench/monitor.

    monitor.py cost BUILD ROUNDS WARMUP WINDOW N [KINDS]   engine cost; prints JSON
    monitor.py detect BUILD ROUNDS                  detection latency, inside the sandbox
    monitor.py table COST_JSON DETECT_JSON          the Markdown table

cost: bench-servers answers N HTTP and N TCP ports on 127.0.0.1. Then, ROUNDS times,
Tend (bench-monitor) and Monit (`monit -I`, `set daemon` at the same interval) each run
the same 2 N checks alone for WARMUP + WINDOW seconds; CPU (utime + stime), RSS and the
checks done (connections the servers accepted) are taken over the WINDOW. KINDS "http"
or "tcp" runs the N checks of that kind alone on both sides; "apart" runs, in each round,
both sides with the HTTP checks alone, then both with the TCP checks alone. The servers'
connection counts, read every 0.1 s, also show Monit's cycles: it checks one service
after another, then sleeps the interval.

detect: a unit serving HTTP with python3 -m http.server, watched by Tend (bench-detect)
and by Monit (`set daemon 1`) at once; bench-detect sends the signals and reads Monit's
stamps.
"""
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")
INTERVAL = 10          # s, both sides
# bench-monitor's lateness probe: a timer on the engine's loop. At 10 ms (issue 4) it
# woke the loop 100 times a second and cost 0.3-0.6 % of a core by itself, 25-37 us of
# each check's figure: the harness, not Tend. Once a second it costs next to nothing; the
# loop's longest stretch is measured around every poll() anyway.
PROBE_MS = 1000
TIMEOUT = 5            # s, both sides (Monit's default)


def proc_cpu(pid):
    """utime + stime of a process, all threads, in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def proc_kib(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return -1


class Servers:
    """bench-servers, with its connection counters on demand."""

    def __init__(self, build, n):
        exe = os.path.join(build, "bench", "bench-servers")
        # Other benchmarks may hold some of these ports: the first free block wins. Below
        # 32768, where the kernel takes the ports of outgoing connections.
        for http_base in range(10000, 32768 - 2 * n, 2 * n + 1000):
            tcp_base = http_base + n
            proc = subprocess.Popen([exe, str(http_base), str(tcp_base), str(n)],
                                    stdout=subprocess.PIPE, text=True)
            if proc.stdout.readline().strip() == "ready":
                self.proc, self.http_base, self.tcp_base = proc, http_base, tcp_base
                return
            proc.wait()
        sys.exit("monitor.py: no free ports for bench-servers in 10000-32767")

    def counts(self):
        self.proc.send_signal(signal.SIGUSR1)
        words = self.proc.stdout.readline().split()
        return int(words[1]), int(words[3])

    def cpu(self):
        return proc_cpu(self.proc.pid)

    def close(self):
        self.proc.terminate()
        self.proc.wait()


def watch_window(servers, pid, window):
    """Samples the servers' counters every 0.1 s for WINDOW seconds; returns the
    figures of PID (CPU, checks, cycles) over the window."""
    cpu0, srv0 = proc_cpu(pid), servers.cpu()
    h0, t0c = servers.counts()
    start = time.monotonic()
    samples = [(0.0, h0 + t0c)]
    while time.monotonic() - start < window:
        time.sleep(0.1)
        h, t = servers.counts()
        samples.append((time.monotonic() - start, h + t))
    elapsed = time.monotonic() - start
    cpu1, srv1 = proc_cpu(pid), servers.cpu()
    h1, t1c = servers.counts()

    # Bursts of connections: a sample that saw some after one that saw none starts one.
    bursts, current = [], None
    for (ta, ca), (tb, cb) in zip(samples, samples[1:]):
        if cb > ca and current is None:
            current = [ta, tb]
        elif cb > ca:
            current[1] = tb
        elif current is not None:
            bursts.append(current)
            current = None
    return {
        "window_sec": elapsed,
        "cpu_sec": cpu1 - cpu0,
        "cpu_share": (cpu1 - cpu0) / elapsed,
        "servers_cpu_share": (srv1 - srv0) / elapsed,
        "http_done": h1 - h0,
        "tcp_done": t1c - t0c,
        "bursts": bursts,   # complete ones only: [start, end] in s from the window's start
        "rss_kib": proc_kib(pid, "VmRSS"),
        "hwm_kib": proc_kib(pid, "VmHWM"),
    }


def run_tend(build, servers, n, warmup, window, kind="both"):
    exe = os.path.join(build, "bench", "bench-monitor")
    kinds = [] if kind == "both" else ["--kinds", kind]
    proc = subprocess.Popen([exe, *kinds, "--warmup", str(warmup), "--window", str(window),
                             "--interval", str(INTERVAL), "--timeout", str(TIMEOUT),
                             "--probe-ms", str(PROBE_MS), str(servers.http_base), str(servers.tcp_base), str(n)],
                            stdout=subprocess.PIPE, text=True)
    time.sleep(warmup)
    outside = watch_window(servers, proc.pid, window - 0.5)
    own = json.loads(proc.communicate()[0])
    if proc.returncode != 0:
        sys.exit(f"monitor.py: bench-monitor exited with {proc.returncode}")
    return {"outside": outside, "own": own}


def write_monitrc(directory, body, daemon):
    path = os.path.join(directory, "monitrc")
    with open(path, "w") as f:
        f.write(f"set daemon {daemon}\n"
                f"set log {directory}/monit.log\n"
                f"set pidfile {directory}/monit.pid\n"
                f"set idfile {directory}/monit.id\n"
                f"set statefile {directory}/monit.state\n")
        f.write(body)
    os.chmod(path, 0o600)   # Monit refuses a control file others can read
    return path


def start_monit(directory, rc):
    log = open(os.path.join(directory, "monit.out"), "w")
    proc = subprocess.Popen(["monit", "-I", "-c", rc], stdout=log, stderr=subprocess.STDOUT)
    log.close()
    return proc


def stop_monit(proc):
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def run_monit(servers, n, warmup, window, kind="both"):
    body = []
    for i in range(n):
        body.append(f"check host svc{i:04d} with address 127.0.0.1\n")
        if kind in ("both", "http"):
            body.append(f"  if failed port {servers.http_base + i} protocol http"
                        f" with timeout {TIMEOUT} seconds then alert\n")
        if kind in ("both", "tcp"):
            body.append(f"  if failed port {servers.tcp_base + i}"
                        f" with timeout {TIMEOUT} seconds then alert\n")
    with tempfile.TemporaryDirectory(prefix="bench-monit-") as directory:
        rc = write_monitrc(directory, "".join(body), INTERVAL)
        proc = start_monit(directory, rc)
        time.sleep(warmup)
        if proc.poll() is not None:
            with open(os.path.join(directory, "monit.out")) as f:
                sys.exit(f"monitor.py: monit exited: {f.read()}")
        figures = watch_window(servers, proc.pid, window)
        stop_monit(proc)
        with open(os.path.join(directory, "monit.log")) as f:
            figures["alerts"] = sum(1 for line in f if "failed" in line.lower())
    return figures


def cost(build, rounds, warmup, window, n, kinds="both"):
    servers = Servers(build, n)
    try:
        floor = run_tend(build, servers, 0, 5, min(window, 30))
        runs = []
        for r in range(rounds):
            for kind in (("http", "tcp") if kinds == "apart" else (kinds,)):
                print(f"monitor.py: round {r + 1} of {rounds}: Tend ({kind})", file=sys.stderr)
                tend = run_tend(build, servers, n, warmup, window, kind)
                print(f"monitor.py: round {r + 1} of {rounds}: Monit ({kind})", file=sys.stderr)
                monit = run_monit(servers, n, warmup, window, kind)
                runs.append({"round": r + 1, "kind": kind, "tend": tend, "monit": monit})
        libs = {}
        for kind, base in (("http", servers.http_base), ("tcp", servers.tcp_base)):
            out = subprocess.run([os.path.join(build, "bench", "bench-floor"), kind,
                                  str(base), str(n), "3000"],
                                 check=True, capture_output=True, text=True)
            libs[kind] = json.loads(out.stdout)
    finally:
        servers.close()
    version = "Monit " + subprocess.run(["monit", "-V"], capture_output=True,
                                         text=True).stdout.split("\n")[0].split()[-1]
    json.dump({"n": n, "kinds": kinds, "interval": INTERVAL, "timeout": TIMEOUT, "warmup": warmup,
               "window": window, "monit_version": version, "floor": floor, "libs": libs,
               "runs": runs},
              sys.stdout)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def detect(build, rounds):
    unit = "bench-web.service"
    port = free_port()
    unit_dir = os.environ["TEND_SANDBOX_UNIT_DIR"]
    with open(os.path.join(unit_dir, unit), "w") as f:
        f.write("[Unit]\nDescription=Tend benchmark: an HTTP server to kill and stop\n"
                "StartLimitIntervalSec=0\n\n[Service]\n"
                f"ExecStart=/usr/bin/python3 -m http.server {port} --bind 127.0.0.1"
                " --directory %h\nRestart=no\n")
    subprocess.run(["systemctl", "--user", "daemon-reload"], check=True)
    subprocess.run(["systemctl", "--user", "start", unit], check=True)

    with tempfile.TemporaryDirectory(prefix="bench-monit-") as directory:
        stamps = os.path.join(directory, "stamps")
        stamp = os.path.join(directory, "stamp")
        with open(stamp, "w") as f:
            f.write(f'#!/bin/sh\necho "$1 $(date +%s%N)" >> {stamps}\n')
        os.chmod(stamp, 0o755)
        open(stamps, "w").close()
        rc = write_monitrc(directory,
                           f'check process web matching "http.server {port}"\n'
                           f'  if does not exist then exec "{stamp} gone"\n'
                           f'    else if succeeded then exec "{stamp} back"\n'
                           f"check host webhttp with address 127.0.0.1\n"
                           f"  if failed port {port} protocol http with timeout 1 seconds"
                           f' for 3 cycles then exec "{stamp} httpfail"\n'
                           f'    else if succeeded then exec "{stamp} httpok"\n', 1)
        proc = start_monit(directory, rc)
        time.sleep(3)   # Monit's first cycles
        try:
            out = subprocess.run([os.path.join(build, "bench", "bench-detect"),
                                  "--stamps", stamps, unit, str(port), str(rounds)],
                                 check=True, stdout=subprocess.PIPE, text=True).stdout
        finally:
            stop_monit(proc)
    subprocess.run(["systemctl", "--user", "stop", unit], check=False)
    result = json.loads(out)
    result["monit_daemon"] = 1
    json.dump(result, sys.stdout)


def ms(usec):
    return usec / 1000


def fmt_ms(values):
    """median and slowest of a list of µs, in ms or s."""
    med, top = statistics.median(values), max(values)
    if top >= 1e6:
        return f"{med / 1e6:.2f} s / {top / 1e6:.2f} s"
    return f"{ms(med):.1f} ms / {ms(top):.1f} ms"


def table(cost_path, detect_path):
    with open(cost_path) as f:
        c = json.load(f)
    d = None
    if detect_path != "-":
        with open(detect_path) as f:
            d = json.load(f)
    n, interval = c["n"], c["interval"]
    kinds = c.get("kinds", "both")
    floor = c["floor"]["own"]
    what = {"both": f"{n:,} HTTP + {n:,} TCP checks", "http": f"{n:,} HTTP checks",
            "tcp": f"{n:,} TCP checks",
            "apart": f"{n:,} HTTP checks, then {n:,} TCP checks,"}[kinds]
    print(f"{what} every {interval} s (timeout {c['timeout']} s) against "
          f"bench-servers on 127.0.0.1; {c['warmup']} s warm-up, {c['window']} s measured; "
          f"{c['monit_version']}.\n")
    print("| round | side | CPU of one core | CPU per check | RSS (peak) | checks done "
          "| longest probe lateness | longest loop stretch | Monit cycle |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for i, run in enumerate(c["runs"], 1):
        if run.get("kind", "both") != "both":
            i = f"{run['round']} {run['kind'].upper()}"
        t, m = run["tend"], run["monit"]
        own, out = t["own"], t["outside"]
        done = out["http_done"] + out["tcp_done"]
        print(f"| {i} | Tend | {100 * own['cpu_share']:.2f} % "
              f"| {1e6 * own['cpu_sec'] / max(own['completed'], 1):.0f} µs "
              f"| {own['rss_kib'] / 1024:.1f} MiB ({own['hwm_kib'] / 1024:.1f}) "
              f"| {own['completed']:,} ({done:,}) "
              f"| {ms(own['probe_max_late_usec']):.1f} ms "
              f"| {ms(own['busy_max_usec']):.1f} ms "
              f"({ms(own.get('busy_cpu_max_usec', -1000)):.1f} ms CPU) | — |")
        mdone = m["http_done"] + m["tcp_done"]
        lengths = [b[1] - b[0] for b in m["bursts"]]
        starts = [b[0] for b in m["bursts"]]
        periods = [b - a for a, b in zip(starts, starts[1:])]
        cycle = (f"{statistics.median(lengths):.1f} s busy" if lengths else "?")
        if periods:
            cycle += f", every {statistics.median(periods):.1f} s"
        print(f"| {i} | Monit | {100 * m['cpu_share']:.2f} % "
              f"| {1e6 * m['cpu_sec'] / max(mdone, 1):.0f} µs "
              f"| {m['rss_kib'] / 1024:.1f} MiB ({m['hwm_kib'] / 1024:.1f}) "
              f"| {mdone:,} | — | — | {cycle} |")
    print(f"\nFloor (bench-monitor with no checks, its probe alone): "
          f"{100 * floor['cpu_share']:.2f} % CPU, {floor['rss_kib'] / 1024:.1f} MiB, "
          f"probe lateness up to {ms(floor['probe_max_late_usec']):.1f} ms, "
          f"loop stretch up to {ms(floor['busy_max_usec']):.2f} ms.")
    threads = [r["tend"]["own"]["threads"] for r in c["runs"]]
    main = [t.get("main", 0) / c["window"] for t in threads]
    store = [t.get("tend-store", 0) / c["window"] for t in threads]
    print(f"Tend by thread: main loop {100 * min(main):.2f}–{100 * max(main):.2f} %, "
          f"store writer {100 * min(store):.2f}–{100 * max(store):.2f} % of a core.")
    for run in c["runs"]:
        own = run["tend"]["own"]
        done = max(own["completed"], 1)
        label = (f"round {run['round']} ({run['kind'].upper()})"
                 if run.get("kind", "both") != "both" else f"round {c['runs'].index(run) + 1}")
        print(f"Tend {label} per check: main thread "
              f"{1e6 * own['threads'].get('main', 0) / done:.0f} µs, store writer "
              f"{1e6 * own['threads'].get('tend-store', 0) / done:.0f} µs (10 ms ticks).")
    for i, run in enumerate(c["runs"], 1):
        own = run["tend"]["own"]
        late = own.get("lateness", {})
        wake = own.get("wakeups", {})
        done = max(own["completed"], 1)
        if run.get("kind", "both") != "both":
            i = f"{run['round']} ({run['kind'].upper()})"
        print(f"Tend round {i}: {own['iterations'] / done:.2f} main-loop iterations per check; "
              f"main thread {wake.get('main', 0) / c['window']:.1f} wake-ups/s, store writer "
              f"{wake.get('tend-store', 0) / c['window']:.1f}/s, "
              f"{own.get('store_batches', 0) / c['window']:.1f} write jobs/s; runs late by "
              f"{ms(late.get('p99_usec', 0)):.0f} ms at p99, {ms(late.get('max_usec', 0)):.0f} ms "
              f"at most, {late.get('beyond_interval', 0)} beyond their interval, "
              f"{late.get('dispatches', 0) / c['window']:.1f} timer dispatches/s.")
    libs = c["libs"]
    lib_share = (libs["http"]["cpu_usec_per_request"] + libs["tcp"]["cpu_usec_per_request"]) \
        * n / interval / 1e6
    print(f"The libraries alone (bench-floor, one request after another, nothing of Tend): "
          f"{libs['http']['cpu_usec_per_request']:.0f} µs of CPU per libsoup GET, "
          f"{libs['tcp']['cpu_usec_per_request']:.0f} µs per GSocketClient connect: "
          f"{100 * lib_share:.2f} % of a core for these checks.")
    srv = [r["tend"]["outside"]["servers_cpu_share"] for r in c["runs"]] + \
          [r["monit"]["servers_cpu_share"] for r in c["runs"]]
    print(f"bench-servers, not counted above: {100 * min(srv):.2f}–{100 * max(srv):.2f} % "
          f"CPU. Checks not passed: Tend "
          f"{sum(r['tend']['own']['not_passed'] for r in c['runs'])}, Monit alerts "
          f"{sum(r['monit']['alerts'] for r in c['runs'])}.\n")

    if d is None:
        return
    k = len(d["tend_kill_usec"])
    print(f"Detection, {k} trials each (median / slowest); Tend's HTTP check every 1 s, "
          f"timeout 500 ms, 3 failures before hard; Monit `set daemon "
          f"{d['monit_daemon']}`, HTTP timeout 1 s, `for 3 cycles`:\n")
    print("| event | Tend | Monit |")
    print("|---|---:|---:|")
    print(f"| kill -9 of the main process → critical / alert | {fmt_ms(d['tend_kill_usec'])} "
          f"| {fmt_ms(d['monit_kill_usec'])} |")
    print(f"| SIGSTOP (alive, not answering) → critical / alert | "
          f"{fmt_ms(d['tend_stop_usec'])} | {fmt_ms(d['monit_stop_usec'])} |")


def main():
    mode = sys.argv[1]
    if mode == "cost":
        cost(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]),
             sys.argv[7] if len(sys.argv) > 7 else "both")
    elif mode == "detect":
        detect(sys.argv[2], int(sys.argv[3]))
    elif mode == "table":
        table(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
