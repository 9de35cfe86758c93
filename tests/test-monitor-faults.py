#!/usr/bin/python3
"""The monitor under faults (TAP), inside tests/sandbox/tend-sandbox: kill -9 at random
moments, and a full disk (a small tmpfs in the sandbox's own mount namespace).

- 20 rounds: a running `tendctl monitor` with watched units is killed with SIGKILL at a
  random moment (during its start included); after each, `PRAGMA integrity_check` is ok
  and no row count went down.
- A full disk under a running monitor: edits made meanwhile fail, and their audit
  records (failed and refused included) are kept; the monitor logs the trouble once;
  `tendctl health` says its figures are stale and why; SIGTERM keeps what waits aside
  (exit 0); once there is room, the next start writes it all: every audit record is
  there, and no result is lost.

The figures are printed as TAP comments; they go into docs/reliability.md.
Usage: test-monitor-faults.py TENDCTL
"""
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

from tendmon import Tendctl, check_spec, inventory, sandboxed, wait_until
from tendtap import check

tendctl = Tendctl(sys.argv[1], dict(os.environ))
SLEEPER = "tend-test-sleeper.service"
FAILS = "tend-test-fails.service"
KILLS = 20
COUNTED = ("check_results", "check_last", "rollups", "incidents", "audit", "health")


def checks_for(units):
    """Checks that make rows every second: a command that warns (every result is a raw
    row), and the unit's state."""
    checks = []
    for unit in units:
        checks.append(check_spec(unit, "warns", "command", "1s", "500ms", 1,
                                 {"argv": ["/bin/sh", "-c", "echo busy; exit 1"]}))
        checks.append(check_spec(unit, "unit", "unit", "1s", "500ms", 1, {}))
    return checks


def counts(path):
    with sqlite3.connect(path, timeout=10) as db:
        figures = {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                   for table in COUNTED}
        # The day rollups and the minutes still open (a result is in one of the two).
        figures["results counted"] = db.execute(
            "SELECT coalesce(sum(n_pass + n_warn + n_fail + n_unknown), 0) FROM "
            "(SELECT n_pass, n_warn, n_fail, n_unknown FROM rollups WHERE resolution = 86400 "
            " UNION ALL SELECT n_pass, n_warn, n_fail, n_unknown FROM rollups_open)").fetchone()[0]
        integrity = db.execute("PRAGMA integrity_check").fetchall()
    db.close()
    return figures, integrity


def start_monitor(env):
    return subprocess.Popen([tendctl.path, "monitor"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


# ------------------------------------------------------------------------------------
# kill -9


def test_kills(tmp):
    path = tendctl.env["TEND_DATABASE"]
    r = tendctl("start", SLEEPER)
    check("the sleeper starts", r.returncode == 0, r.stderr)
    r = tendctl.import_inventory(os.path.join(tmp, "kills.json"),
                                 inventory([SLEEPER, FAILS], checks_for([SLEEPER, FAILS]), []))
    check("the inventory is imported", r.returncode == 0, r.stderr)

    rng = random.Random(int(os.environ.get("TEND_TEST_SEED", "10")))
    before, _ = counts(path)
    survived = 0
    lowered = []
    grew = 0
    for round_ in range(KILLS):
        monitor = start_monitor(tendctl.env)
        # A random moment: during the start (opening, migrating, loading) or a few
        # batches in.
        time.sleep(rng.uniform(0.02, 1.2))
        monitor.send_signal(signal.SIGKILL)
        monitor.communicate(timeout=30)
        after, integrity = counts(path)
        down = {t: (before[t], after[t]) for t in before
                if t != "health" and after[t] < before[t]}
        if integrity == [("ok",)] and not down:
            survived += 1
        else:
            lowered.append((round_, integrity[:3], down))
        grew += after["results counted"] > before["results counted"]
        before = after
    print(f"# kill -9: {survived} of {KILLS} kills of a running monitor left an intact "
          f"database (integrity_check ok) and no row count lower; results grew in {grew} "
          f"rounds; {before['check_results']} raw results, "
          f"{before['results counted']} counted")
    check(f"{KILLS} kill -9 of the monitor: integrity_check ok and no row count lower "
          "after each", survived == KILLS, lowered[:3])
    check("the monitor wrote results between kills (the test can fail)", grew >= KILLS // 4,
          grew)

    monitor = start_monitor(tendctl.env)
    ok = wait_until(lambda: counts(path)[0]["results counted"] > before["results counted"], 20)
    monitor.send_signal(signal.SIGTERM)
    out, err = monitor.communicate(timeout=30)
    check("after the kills a monitor starts, writes and stops cleanly (exit 0)",
          ok and monitor.returncode == 0, (monitor.returncode, err[-2000:]))


# ------------------------------------------------------------------------------------
# a full disk


def audit_rows(path):
    with sqlite3.connect(path, timeout=10) as db:
        rows = db.execute("SELECT operation, unit, parameters, result, error FROM audit "
                          "WHERE origin = 'cli'").fetchall()
    db.close()
    return rows


def fill(folder):
    """Fills the tmpfs: a file that grows until there is no room left."""
    # Unbuffered: a buffer left over when the disk fills would fail again at close.
    with open(os.path.join(folder, "filler"), "wb", buffering=0) as f:
        try:
            while True:
                f.write(b"\0" * 65536)
        except OSError:
            pass
        try:
            os.fsync(f.fileno())
        except OSError:
            pass


def test_full_disk(tmp):
    folder = os.path.join(tmp, "small")
    os.mkdir(folder)
    if os.getuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs",
                                           folder]).returncode != 0:
        check("# SKIP a full disk needs root to mount a small tmpfs", True)
        return
    env = dict(tendctl.env, TEND_DATABASE=os.path.join(folder, "tend.db"))
    path = env["TEND_DATABASE"]
    full = Tendctl(tendctl.path, env)
    try:
        r = full.import_inventory(os.path.join(tmp, "full.json"),
                                  inventory([SLEEPER, FAILS], checks_for([SLEEPER, FAILS]), []))
        check("full disk: the inventory is imported", r.returncode == 0, r.stderr)
        monitor = start_monitor(env)
        check("full disk: the monitor writes results",
              wait_until(lambda: counts(path)[0]["check_results"] > 4, 20))

        fill(folder)
        full_since = time.monotonic()
        # Edits while the disk is full: each fails, and is audited.
        edits = [("config", "set", f"checks.max-concurrent", str(10 + i)) for i in range(4)]
        edits.append(("config", "set", "checks.max-concurrent", "many"))  # refused
        # (A full disk is not always full for SQLite: a WAL that starts over after a
        # checkpoint reuses its space, and a small change may fit. Each edit either
        # fails and says where its audit record is kept, or is written.)
        failed_edits = 0
        answers = []
        for args in edits:
            r = full(*args)
            failed_edits += r.returncode != 0
            answers.append((r.returncode, r.stderr))
        check("full disk: each edit that fails says where its audit record is kept",
              all(code == 0 or "kept in" in err for code, err in answers), answers)
        check("full disk: the refused edit is refused", answers[-1][0] != 0, answers[-1])
        for _ in range(2):
            r = full("restart", SLEEPER)
            check("full disk: a restart works (its audit record kept aside, or written)",
                  r.returncode == 0, (r.returncode, r.stderr))

        stale = wait_until(lambda: (full.health() or {}).get("monitor", {}).get("stale"), 10)
        health = full.health() or {}
        reason = health.get("monitor", {}).get("stale_reason") or ""
        check("full disk: tendctl health says the figures are stale, and why (full)",
              stale and "full" in reason, health.get("monitor"))
        r = full("health")
        check("full disk: tendctl health's table says so too",
              "stale" in r.stdout and "cannot write" in r.stdout, r.stdout[:500])

        # Some seconds of failed batches (10 a second) are one log line, not dozens.
        time.sleep(2)
        monitor.send_signal(signal.SIGTERM)
        out, err = monitor.communicate(timeout=30)
        # (Before the stop's own report: each batch, health save and incident failed.)
        warnings = [line for line in err.splitlines()
                    if "WARNING" in line and "full" in line and "kept in" not in line]
        print(f"# full disk: {len(warnings)} warning lines about the full disk from the "
              f"monitor in the {time.monotonic() - full_since:.1f} s it could not write "
              f"(a batch is tried every 100 ms)")
        check("full disk: the repeating write error is logged once, not at every try",
              1 <= len(warnings) <= 3, warnings)
        check("full disk: SIGTERM keeps what waits aside and exits 0",
              monitor.returncode == 0 and "could not be written" in err and "kept in" in err,
              (monitor.returncode, err[-1500:]))
        spilled = [line for line in err.splitlines() if "kept in" in line]

        # Room again: the next start writes everything kept aside.
        os.unlink(os.path.join(folder, "filler"))
        before, _ = counts(path)
        runtime = os.path.join(os.environ.get("XDG_RUNTIME_DIR", "/nonexistent"), "tend")

        def spill_files():
            return [f for d, _, files in os.walk(runtime) for f in files if "spill-" in f]

        check("full disk: what waited is in spill files", spill_files(), spilled)
        monitor = start_monitor(env)
        imported = wait_until(lambda: not spill_files() and
                              counts(path)[0]["results counted"] > before["results counted"], 20)
        monitor.send_signal(signal.SIGTERM)
        out, err = monitor.communicate(timeout=30)
        after, integrity = counts(path)
        check("full disk: the next start writes what was kept aside, and removes its files",
              imported and "that were kept aside" in err, (spill_files(), err[-1500:]))
        rows = audit_rows(path)
        config_rows = [r for r in rows if r[0] == "config-set"]
        restart_rows = [r for r in rows if r[0] == "restart" and r[1] == SLEEPER]
        print(f"# full disk: {failed_edits} of {len(edits)} edits failed on the full disk; "
              f"{len(config_rows)} of {len(edits)} audit records of edits kept, "
              f"{len(restart_rows)} of 2 of restarts; "
              f"{after['results counted'] - before['results counted']} results written after "
              f"the disk had room again")
        check("full disk: every audit record of the edits is there, failed and refused ones "
              "with their error",
              len(config_rows) == len(edits) and
              sum(1 for r in config_rows if r[4]) == failed_edits, config_rows)
        check("full disk: both restarts are audited as done",
              len(restart_rows) == 2 and all(r[3] == "done" for r in restart_rows), rows)
        check("full disk: the results that waited at SIGTERM are written",
              after["results counted"] > before["results counted"] and
              integrity == [("ok",)], (before, after, spilled))
        check("full disk: health is no longer stale once the monitor is gone",
              not (full.health() or {}).get("monitor", {}).get("stale"), full.health())
    finally:
        subprocess.run(["umount", "-l", folder])


def test_audit_of_a_damaged_database(tmp):
    """A restart with a database that cannot be opened still happens, and its audit
    record waits aside until there is a database to write it to."""
    folder = os.path.join(tmp, "damaged")
    os.mkdir(folder)
    path = os.path.join(folder, "tend.db")
    with open(path, "wb") as f:
        f.write(b"S")
    env = dict(tendctl.env, TEND_DATABASE=path)
    other = Tendctl(tendctl.path, env)
    r = other("restart", SLEEPER)
    check("a damaged database: a restart still works, and says its audit record is kept",
          r.returncode == 0 and "kept in" in r.stderr and path in r.stderr,
          (r.returncode, r.stderr))
    with open(path, "rb") as f:
        check("a damaged database: the file is left as it was", f.read() == b"S")
    os.rename(path, path + ".broken")
    r = other("config", "set", "checks.max-concurrent", "9")
    check("a new database in its place gets the restart's audit record",
          r.returncode == 0 and
          [row[0] for row in audit_rows(path)] == ["restart", "config-set"],
          (r.stderr, audit_rows(path)))


def main():
    def run(tmp):
        test_kills(tmp)
        test_full_disk(tmp)
        test_audit_of_a_damaged_database(tmp)
    return sandboxed(run, tendctl, [SLEEPER], "tend-test-faults-")


sys.exit(main())
