#!/usr/bin/python3
"""tendctl export/import against a real database file: round trips, dry runs, and bad
files that must leave the database exactly as it was (TAP).

Usage: test-tendctl-import.py TENDCTL FIXTURES-DIR
"""
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time

from tendtap import check, finish

TENDCTL, FIXTURES = sys.argv[1], sys.argv[2]


def tendctl(*args):
    return subprocess.run([TENDCTL, *args], capture_output=True, text=True, timeout=60,
                          env=ENV)


def inventory_digest(path):
    """A digest of every inventory row, so 'unchanged' means unchanged."""
    db = sqlite3.connect(path)
    h = hashlib.sha256()
    for table in ("hosts", "services", "checks", "policies", "config"):
        for row in db.execute(f"SELECT * FROM {table} ORDER BY 1, 2"):
            h.update(repr(row).encode())
    db.close()
    return h.hexdigest()


tmp = tempfile.mkdtemp(prefix="tend-import-")
DB = os.path.join(tmp, "tend.db")
ENV = dict(os.environ, TEND_DATABASE=DB)
full = os.path.join(FIXTURES, "full.json")
changed = os.path.join(FIXTURES, "changed.json")

# A first import, then export: the same document back.
r = tendctl("import", full)
check("import of the full fixture exits 0", r.returncode == 0, r.stderr)
r = tendctl("export")
exported = r.stdout
check("export exits 0", r.returncode == 0, r.stderr)
check("export is the format", json.loads(exported)["format"] == "tend-inventory", exported[:200])
again = os.path.join(tmp, "again.json")
with open(again, "w") as f:
    f.write(exported)
r = tendctl("import", again)
check("re-importing the export changes nothing", "nothing to change" in r.stdout, r.stdout)
r = tendctl("export", os.path.join(tmp, "file.json"))
with open(os.path.join(tmp, "file.json")) as f:
    check("export FILE writes the same document", f.read() == exported)

# A dry run prints the changes and makes none.
before = inventory_digest(DB)
r = tendctl("import", changed, "--dry-run")
check("dry run exits 0", r.returncode == 0, r.stderr)
check("dry run lists a removed host", "- host v6" in r.stdout, r.stdout)
check("dry run says nothing was made", "none made" in r.stdout, r.stdout)
check("dry run leaves the database as it was", inventory_digest(DB) == before)

# Bad files: a clear error naming the place and the rule, exit 2, database unchanged.
bad = {
    "malformed JSON": ('{"format": "tend-inventory", "version": 1, "hosts": [', "line"),
    "wrong type": ('{"format": "tend-inventory", "version": 1, "hosts": '
                   '[{"name": "a", "kind": "local", "port": "22"}]}', "$.hosts[0].port"),
    "unknown key": ('{"format": "tend-inventory", "version": 1, "hosts": '
                    '[{"name": "a", "kind": "ssh", "adress": "x"}]}', "did you mean"),
    "duplicate hosts": ('{"format": "tend-inventory", "version": 1, "hosts": '
                        '[{"name": "a", "kind": "local"}, {"name": "a", "kind": "local"}]}',
                        "$.hosts[1].name"),
    "a secret": ('{"format": "tend-inventory", "version": 1, "hosts": '
                 '[{"name": "a", "kind": "ssh", "address": "x", "password": "hunter2"}]}',
                 "unknown key"),
    "bad configuration": ('{"format": "tend-inventory", "version": 1, '
                          '"config": {"checks.default-interval": "0.5s"}}', "$.config"),
    "deep nesting": ('{"format": "tend-inventory", "version": 1, "hosts": '
                     + "[" * 100000 + "]" * 100000 + "}", "deep"),
    "newer version": ('{"format": "tend-inventory", "version": 2}', "version"),
}
for name, (text, expected) in bad.items():
    path = os.path.join(tmp, "bad.json")
    with open(path, "w") as f:
        f.write(text)
    r = tendctl("import", path)
    check(f"{name}: exit 2", r.returncode == 2, (r.returncode, r.stderr[:300]))
    check(f"{name}: the error says where and why ({expected!r})", expected in r.stderr,
          r.stderr[:500])
    check(f"{name}: nothing imported", "nothing was imported" in r.stderr, r.stderr[:300])
    check(f"{name}: the database is unchanged", inventory_digest(DB) == before)

# A 50 MB file: refused at once, unread.
big = os.path.join(tmp, "big.json")
with open(big, "wb") as f:
    f.write(b'{"format": "tend-inventory", "version": 1, "config": {"a.b": "')
    f.write(b"x" * (50 * 1024 * 1024))
    f.write(b'"}}')
t0 = time.monotonic()
r = tendctl("import", big)
elapsed = time.monotonic() - t0
check("50 MB file: exit 2", r.returncode == 2, r.returncode)
check("50 MB file: says the size and the limit", "at most" in r.stderr, r.stderr)
check("50 MB file: refused within a second", elapsed < 1.0, elapsed)
check("50 MB file: the database is unchanged", inventory_digest(DB) == before)

# The refusals are in the audit log.
r = tendctl("audit", "--json")
rows = json.loads(r.stdout)
imports = [row for row in rows if row["operation"] == "import"]
check("every import is audited, refused ones included", len(imports) >= 2 + len(bad) + 1,
      len(imports))
check("a refused import's row has its error",
      any(row["error"] and "nothing" not in row["error"] and row["result"] is None
          for row in imports), imports[:3])

# And the real change, at last.
r = tendctl("import", changed)
check("import of the changed fixture exits 0", r.returncode == 0, r.stderr)
check("the database changed", inventory_digest(DB) != before)

sys.exit(finish())
