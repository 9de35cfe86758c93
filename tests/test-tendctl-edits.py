#!/usr/bin/python3
"""Concurrent edits on a real database file: tendctl processes started together (TAP).

Each edit is one transaction of the store, made to the inventory as it is at that
moment, so no edit undoes another. Rounds of two and of six `check add` of different
checks on one unit, and rounds of six different edits at once (check add and remove,
policy, maintenance, configuration, silence): every change must be kept, and every
audit record must say what was done. Two removals of one check at once: one is done,
the other refused as no longer applying. The figures are printed as TAP comments, for
docs/reliability.md.

Usage: test-tendctl-edits.py TENDCTL
"""
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

from tendtap import check, finish

TENDCTL = sys.argv[1]
ROUNDS = 20
UNIT = "web.service"
HOST = "local-user"

tmp = tempfile.mkdtemp(prefix="tend-edits-")
DB = os.path.join(tmp, "tend.db")
ENV = dict(os.environ, TEND_DATABASE=DB)


def tendctl(*args):
    return subprocess.run([TENDCTL, *args], capture_output=True, text=True, timeout=60,
                          env=ENV)


def together(commands):
    """Starts every command at once, then waits for all (each within 60 s)."""
    procs = [subprocess.Popen([TENDCTL, *args], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=ENV)
             for args in commands]
    results = []
    for p in procs:
        out, err = p.communicate(timeout=60)
        results.append((p.returncode, out, err))
    return results


def export():
    r = tendctl("export")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def check_names():
    return {c["name"] for c in export()["checks"] if c["unit"] == UNIT}


def audit_rows():
    r = tendctl("audit", "--json", "--limit", "100000")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def silenced_until():
    with sqlite3.connect(DB, timeout=10) as db:
        row = db.execute("SELECT silenced_until_usec FROM service_controls "
                         "JOIN services ON services.id = service_id WHERE unit = ?",
                         (UNIT,)).fetchone()
    return row[0] if row else 0


def add_command(name):
    return ("check", "add", UNIT, name, "--kind", "tcp", "--address", "127.0.0.1",
            "--port", "8080")


# The database and the service exist before the rounds: opening a new database
# concurrently is another matter (docs/reliability.md).
r = tendctl(*add_command("first"))
check("the first check add exits 0", r.returncode == 0, r.stderr)


def added_rounds(width):
    """ROUNDS rounds of @width check adds at once; returns (edits, lost, failed, seconds)."""
    lost = failed = 0
    t0 = time.monotonic()
    for round_ in range(ROUNDS):
        names = [f"w{width}-r{round_}-c{i}" for i in range(width)]
        results = together([add_command(name) for name in names])
        failed += sum(1 for code, _, _ in results if code != 0)
        lost += len(set(names) - check_names())
        if any(code != 0 for code, _, _ in results):
            check(f"{width} at once, round {round_}: every add exits 0", False, results)
    return width * ROUNDS, lost, failed, time.monotonic() - t0


def audited_adds():
    """{check name: [changed lists of its done check-add rows]}"""
    rows = {}
    for row in audit_rows():
        if row["operation"] == "check-add" and row["result"] == "done":
            rows.setdefault(row["parameters"]["name"], []).append(
                row["parameters"].get("changed"))
    return rows


figures = {}
for width in (2, 6):
    edits, lost, failed, seconds = added_rounds(width)
    figures[width] = (edits, lost, failed, seconds)
    check(f"{ROUNDS} rounds of {width} check adds at once: every change kept",
          lost == 0 and failed == 0, (edits, lost, failed))

# Every add is one audit row, done, naming the check it added and nothing else.
audited = audited_adds()
mismatched = 0
for width in (2, 6):
    for round_ in range(ROUNDS):
        for i in range(width):
            name = f"w{width}-r{round_}-c{i}"
            expected = [f"+ check {HOST}/{UNIT}/{name} (tcp, every 30s)"]
            if audited.get(name) != [expected]:
                mismatched += 1
check("every check add has one audit row, done, that names its check", mismatched == 0,
      mismatched)

# Six different edits at once, of one service and the configuration.
mixed_lost = 0
mixed_failed = 0
mixed_t0 = time.monotonic()
for round_ in range(ROUNDS):
    gone = f"gone-{round_}"
    r = tendctl(*add_command(gone))
    assert r.returncode == 0, r.stderr
    kinds = ("always", "on-failure")
    # A window is added in one round and removed in the next: at most 16 are allowed.
    window = f"Mon {round_ // 2:02d}:00-{round_ // 2:02d}:30"
    maintenance = "add" if round_ % 2 == 0 else "remove"
    interval = f"{31 + round_}s"
    results = together([
        add_command(f"mixed-{round_}"),
        ("check", "remove", UNIT, gone),
        ("policy", "set", UNIT, "--kind", kinds[round_ % 2]),
        ("maintenance", maintenance, UNIT, window),
        ("config", "set", "checks.default-interval", interval),
        ("silence", UNIT, "--for", f"{round_ + 1}h"),
    ])
    mixed_failed += sum(1 for code, _, _ in results if code != 0)
    inventory = export()
    names = {c["name"] for c in inventory["checks"] if c["unit"] == UNIT}
    service = [s for s in inventory["services"] if s["unit"] == UNIT][0]
    policy = [p for p in inventory["policies"] if p["unit"] == UNIT]
    kept = [
        f"mixed-{round_}" in names,
        gone not in names,
        policy and policy[0]["kind"] == kinds[round_ % 2],
        (window in service["maintenance"]) == (maintenance == "add"),
        inventory["config"].get("checks.default-interval") == interval,
        silenced_until() > (time.time() + (round_ + 0.5) * 3600) * 1e6,
    ]
    mixed_lost += kept.count(False)
    if not all(kept) or any(code != 0 for code, _, _ in results):
        check(f"mixed round {round_}: every edit done and kept", False, (kept, results))
mixed_seconds = time.monotonic() - mixed_t0
check(f"{ROUNDS} rounds of six different edits at once: every change kept",
      mixed_lost == 0 and mixed_failed == 0, (mixed_lost, mixed_failed))

# Each mixed edit's audit row says it was done, and what it changed.
rows = audit_rows()
by_op = {}
for row in rows:
    if row["result"] == "done":
        by_op.setdefault(row["operation"], []).append(row)
check("each mixed round's edits are audited as done",
      all(len(by_op.get(op, [])) >= ROUNDS for op in
          ("check-remove", "policy-set", "config-set", "silence"))
      and len(by_op.get("maintenance-add", [])) == len(by_op.get("maintenance-remove", []))
      == ROUNDS // 2,
      {op: len(v) for op, v in by_op.items()})
removes = {row["parameters"]["name"]: row["parameters"].get("changed")
           for row in by_op.get("check-remove", [])}
check("each check remove row names the check it removed",
      all(removes.get(f"gone-{r}") == [f"- check {HOST}/{UNIT}/gone-{r}"]
          for r in range(ROUNDS)), removes)
maintenance = [row["parameters"].get("changed") for row in
               by_op.get("maintenance-add", []) + by_op.get("maintenance-remove", [])]
check("each maintenance add and remove row says what it changed",
      all(c and len(c) == 1 and c[0].startswith(f"~ service {HOST}/{UNIT}: maintenance")
          for c in maintenance), maintenance[:3])

# Two removals of one check at once: one done, the other refused, as no longer applying.
refused_right = 0
for round_ in range(ROUNDS):
    name = f"twice-{round_}"
    assert tendctl(*add_command(name)).returncode == 0
    results = together([("check", "remove", UNIT, name)] * 2)
    codes = sorted(code for code, _, _ in results)
    errors = [err for code, _, err in results if code != 0]
    if (codes == [0, 3] and "has no check named" in errors[0]
            and "nothing was removed" in errors[0]):
        refused_right += 1
    else:
        check(f"two removals at once, round {round_}: one done, one refused", False, results)
check(f"{ROUNDS} rounds of two removals of one check: one done, the other refused with "
      "a message (exit 3)", refused_right == ROUNDS, refused_right)
twice = [row for row in audit_rows() if row["operation"] == "check-remove"
         and row["parameters"]["name"].startswith("twice-")]
check("the refused removal is audited with its error, the done one with its change",
      sum(1 for row in twice if row["result"] == "done") == ROUNDS
      and sum(1 for row in twice if row["result"] is None
              and "has no check named" in (row["error"] or "")) == ROUNDS,
      [(row["result"], row["error"]) for row in twice][:4])

for width in (2, 6):
    edits, lost, failed, seconds = figures[width]
    print(f"# {ROUNDS} rounds of {width} concurrent check adds: {edits} edits, {lost} lost, "
          f"{failed} failed, {seconds:.1f} s")
print(f"# {ROUNDS} rounds of 6 mixed concurrent edits: {6 * ROUNDS} edits, {mixed_lost} lost, "
      f"{mixed_failed} failed, {mixed_seconds:.1f} s")
print(f"# {ROUNDS} rounds of 2 concurrent removals of one check: {refused_right} with one done "
      "and one refused")

shutil.rmtree(tmp, ignore_errors=True)
sys.exit(finish())
