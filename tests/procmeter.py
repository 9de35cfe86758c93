"""What a process costs over a window, from /proc: shared by bench/window.py,
bench/idle.py and tests/test-tendctl-idle.py.

Wake-ups are the context switches (voluntary + involuntary) of every thread of the
process, from /proc/PID/task/*/status, read every second so that threads which start or
end in the window count too (a thread that lives less than a second between two reads
is missed); CPU is utime + stime of /proc/PID/stat (all threads, dead ones included);
RSS is VmRSS (and VmHWM, the peak) at the end.
"""
import os
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")


def read_status(path):
    fields = {}
    try:
        with open(path) as f:
            for line in f:
                key, _, value = line.partition(":")
                fields[key] = value.strip()
    except OSError:
        return None
    return fields


def proc_cpu(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def task_switches(pid):
    """{tid: (comm, voluntary + involuntary switches, involuntary)} of every thread now."""
    tasks = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return tasks
    for tid in tids:
        st = read_status(f"/proc/{pid}/task/{tid}/status")
        if st is None or "voluntary_ctxt_switches" not in st:
            continue
        tasks[int(tid)] = (st["Name"], int(st["voluntary_ctxt_switches"]) +
                           int(st["nonvoluntary_ctxt_switches"]),
                           int(st["nonvoluntary_ctxt_switches"]))
    return tasks


class Meter:
    """Samples one process every second over a window."""

    def __init__(self, pid):
        self.pid = pid
        self.first = task_switches(pid)     # baseline of the threads alive at the start
        self.last = dict(self.first)
        self.born = set()
        self.cpu0 = proc_cpu(pid)
        self.t0 = time.monotonic()

    def sample(self):
        for tid, counts in task_switches(self.pid).items():
            if tid not in self.first and tid not in self.born:
                self.born.add(tid)          # started in the window: from 0
            self.last[tid] = counts

    def result(self):
        self.sample()
        elapsed = time.monotonic() - self.t0
        per_thread = {}
        involuntary = 0
        for tid, (name, n, inv) in self.last.items():
            base = self.first[tid] if tid in self.first else (name, 0, 0)
            per_thread[tid] = (name, n - base[1])
            involuntary += inv - base[2]
        total = sum(n for _, n in per_thread.values())
        main = per_thread.get(self.pid, ("", 0))[1]
        # The main thread's voluntary switches: how often it went to sleep (a wake-up of
        # its own, not a preemption).
        if self.pid in self.last:
            base = self.first.get(self.pid, ("", 0, 0))
            main_voluntary = (self.last[self.pid][1] - self.last[self.pid][2]) - (base[1] - base[2])
        else:
            main_voluntary = 0
        by_name = {}
        for name, n in per_thread.values():
            by_name[name] = by_name.get(name, 0) + n
        st = read_status(f"/proc/{self.pid}/status")
        if st is None or "VmRSS" not in st:
            return None                     # it ended in the window
        return {
            "elapsed": elapsed,
            "wakeups": total / elapsed,
            "involuntary": involuntary / elapsed,
            "main": main / elapsed,
            "main_voluntary": main_voluntary / elapsed,
            "threads": len(task_switches(self.pid)),
            "threads_seen": len(self.last),
            "by_name": {k: v / elapsed for k, v in sorted(by_name.items(),
                                                         key=lambda kv: -kv[1])},
            "cpu": 100 * (proc_cpu(self.pid) - self.cpu0) / elapsed,
            "rss_mb": int(st["VmRSS"].split()[0]) / 1024,
            "hwm_mb": int(st["VmHWM"].split()[0]) / 1024,
        }


def measure(pids, warmup, window):
    """Sleeps @warmup s, then meters @pids for @window s; their results (None for one
    that ended in the window)."""
    time.sleep(warmup)
    meters = [Meter(pid) for pid in pids]
    end = time.monotonic() + window
    while time.monotonic() < end:
        time.sleep(min(1.0, max(0.0, end - time.monotonic())))
        for m in meters:
            m.sample()
    return [m.result() for m in meters]
