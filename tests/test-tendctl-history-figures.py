#!/usr/bin/python3
"""tendctl history after many passes whose message says their latency (TAP, issue 14).

Runs inside tests/sandbox/tend-sandbox with the units of tests/units, nothing configured.
`tendctl monitor` runs a TCP check every second against a listening socket of this test,
which counts the connections it accepts; the socket closes for a while (the check fails:
connection refused) and opens again. Then `tendctl history --json` must show what a user
expects: the first pass, every failure, the pass after them, and not the passes between
whose message moved only in its figures ("connected to … in 0.1 ms"); and a summary that
counts every result exactly: as many passes as connections accepted, the uptime from
those counts.

Waiting is always for a condition with a deadline, never a bare sleep.
Usage: test-tendctl-history-figures.py TENDCTL
"""
import json
import os
import signal
import socket
import subprocess
import sys
import threading

import tendmon
from tendmon import Tendctl, check_spec, free_port, policy_spec, wait_until
from tendtap import check

TENDCTL = sys.argv[1]
env = dict(os.environ)
UNIT = "tend-test-sleeper.service"

tendctl = Tendctl(TENDCTL, env)


class Listener:
    """A socket on 127.0.0.1:@port that accepts and closes, counting, while open."""

    def __init__(self, port):
        self.port = port
        self.accepted = 0
        self.sock = None
        self.thread = None

    def open(self):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", self.port))
        self.sock.listen(16)
        self.thread = threading.Thread(target=self._serve, args=(self.sock,), daemon=True)
        self.thread.start()

    def _serve(self, sock):
        while True:
            try:
                conn, _ = sock.accept()
            except OSError:
                return
            self.accepted += 1
            conn.close()

    def close(self):
        # shutdown() ends the accept() under way; close() alone would not.
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
        self.thread.join(5)


def just_ran(listener):
    """Waits for the next connection the check makes."""
    n = listener.accepted
    wait_until(lambda: listener.accepted > n, 5, 0.005)


def history():
    r = tendctl("history", UNIT, "--json")
    try:
        return json.loads(r.stdout) if r.returncode == 0 else None
    except ValueError:
        return None


def statuses():
    """The stored results' statuses, oldest first."""
    h = history()
    return [row["status"] for row in reversed(h["results"])] if h else []


def run(tmp):
    port = free_port()
    listener = Listener(port)
    listener.open()
    tendctl("start", UNIT)
    data = tendmon.inventory(
        [UNIT],
        [check_spec(UNIT, "port", "tcp", "1s", "500ms", 1,
                    {"host": "127.0.0.1", "port": port, "send": None, "expect": None})],
        [policy_spec(UNIT, "never")])
    r = tendctl.import_inventory(os.path.join(tmp, "inventory.json"), data)
    check("the inventory imports", r.returncode == 0, r.stderr)

    log = open(os.path.join(tmp, "monitor.log"), "w")
    monitor = subprocess.Popen([TENDCTL, "monitor"], stdout=log, stderr=log, env=env)
    try:
        check("the check passes, again and again",
              wait_until(lambda: listener.accepted >= 8, 30), listener.accepted)
        # Right after a run: none is between its connect and the accept when it closes.
        just_ran(listener)
        listener.close()
        check("closed: the check fails",
              wait_until(lambda: statuses().count("fail") >= 2, 30), statuses())
        before = listener.accepted
        listener.open()
        check("open again: the check passes again",
              wait_until(lambda: listener.accepted >= before + 5
                         and statuses()[-1:] == ["pass"], 30), statuses())
        # Stopped right after a run, once the store counted it (the next is a second
        # away): no run is cut short.
        just_ran(listener)
        check("the store counted the last pass",
              wait_until(lambda: (history() or {}).get("summary", {}).get("n_pass")
                         == listener.accepted, 5), listener.accepted)
    finally:
        monitor.send_signal(signal.SIGTERM)
        try:
            monitor.wait(30)
        except subprocess.TimeoutExpired:
            monitor.kill()
            monitor.wait()
        log.close()
        listener.close()

    h = history()
    check("tendctl history --json answers", h is not None)
    if h is None:
        return
    rows = list(reversed(h["results"]))
    kinds = [row["status"] for row in rows]
    n_fail = kinds.count("fail")
    check("stored: the first pass, every failure, the pass after them; no pass between",
          len(rows) >= 4 and kinds == ["pass"] + ["fail"] * n_fail + ["pass"], kinds)
    check("the stored passes say their latency (their figures moved meanwhile)",
          all(row["message"].startswith(f"connected to 127.0.0.1:{port} in ")
              for row in rows if row["status"] == "pass"), [row["message"] for row in rows])
    summary = h["summary"]
    check("the summary counts a pass for every connection accepted",
          summary["n_pass"] == listener.accepted, (summary, listener.accepted))
    check("the summary counts every failure (each one stored)",
          summary["n_fail"] == n_fail and summary["n_results"] == listener.accepted + n_fail,
          summary)
    uptime = 100.0 * listener.accepted / (listener.accepted + n_fail)
    check("the uptime is passes out of all results",
          summary["uptime_percent"] is not None
          and abs(summary["uptime_percent"] - uptime) < 1e-6, (summary["uptime_percent"], uptime))
    check("the latencies are a range of the passes'",
          0 < (summary["latency_min_usec"] or 0) <= (summary["latency_max_usec"] or 0), summary)


sys.exit(tendmon.sandboxed(run, tendctl, [UNIT], "tend-test-history-figures-"))
