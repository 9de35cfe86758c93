#!/usr/bin/python3
"""Tend's database under faults, through tendctl (TAP): commands started together on an
empty data directory, damaged and foreign files, a folder for a file, a read-only folder.

Each damaged file is checked byte for byte (SHA-256) after every command that tried it.
The figures (rounds, files left untouched) are printed as TAP comments; they go into
docs/reliability.md.
Usage: test-store-faults.py TENDCTL
"""
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

from tendtap import check, finish

TENDCTL = sys.argv[1]
env = dict(os.environ)
PAGE = 4096
ROUNDS = 20


def tendctl(*args, database=None, timeout=60):
    run_env = dict(env)
    if database is not None:
        run_env["TEND_DATABASE"] = database
    return subprocess.run([TENDCTL, *args], capture_output=True, text=True, timeout=timeout,
                          env=run_env)


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


# ------------------------------------------------------------------------------------
# commands started together on an empty data directory


def started_together(commands, tmp):
    """Starts @commands at once on a new data directory; returns the failures."""
    database = os.path.join(tmp, f"round-{len(os.listdir(tmp))}", "tend.db")
    run_env = dict(env, TEND_DATABASE=database)
    procs = [subprocess.Popen([TENDCTL, *args], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=run_env)
             for args in commands]
    failures = []
    for args, proc in zip(commands, procs):
        out, err = proc.communicate(timeout=60)
        if proc.returncode != 0:
            failures.append((args, proc.returncode, err.strip()))
    # Every change of every writer is there.
    if not failures:
        values = dict(sqlite3.connect(database).execute("SELECT key, value FROM config"))
        for args in commands:
            if args[:2] == ("config", "set") and values.get(args[2]) != args[3]:
                failures.append((args, "lost", values))
    return failures


def test_concurrent_open(tmp):
    two = [("config", "set", "checks.default-interval", "20s"),
           ("config", "set", "checks.max-concurrent", "7")]
    six = two + [("config", "set", "store.queue-limit", "5000"),
                 ("config", "get", "checks.default-interval"), ("export",), ("audit",)]
    for commands in (two, six):
        failed = []
        for _ in range(ROUNDS):
            failed += started_together(commands, tmp)
        ok = ROUNDS - len(failed)
        print(f"# concurrent open: {ok} of {ROUNDS} rounds of {len(commands)} commands "
              f"started together on an empty data directory succeeded")
        check(f"{ROUNDS} rounds of {len(commands)} commands started together on a new "
              f"database: all exit 0, every change kept", not failed, failed[:3])


# ------------------------------------------------------------------------------------
# damaged and foreign files


def make_tend_database(path):
    """A Tend database of a few dozen pages, closed (its WAL folded in)."""
    r = tendctl("config", "set", "checks.default-interval", "20s", database=path)
    assert r.returncode == 0, r.stderr
    with sqlite3.connect(path) as db:
        db.executemany("INSERT INTO audit (time_usec, unix_user, origin, operation, "
                       "parameters) VALUES (?, 'root', 'cli', 'start', ?)",
                       [(i, "x" * 200) for i in range(1000)])
    db.close()
    r = tendctl("config", "set", "checks.max-concurrent", "7", database=path)
    assert r.returncode == 0, r.stderr
    assert not os.path.exists(path + "-wal"), "the WAL is folded in when the last one closes"


def damage_page(path):
    make_tend_database(path)
    size = os.path.getsize(path)
    with open(path, "r+b") as f:
        f.seek((size // PAGE // 2) * PAGE)
        f.write(b"\xa5" * PAGE)


def truncate(path):
    make_tend_database(path)
    os.truncate(path, os.path.getsize(path) // 2 + 100)


def one_byte(path):
    with open(path, "wb") as f:
        f.write(b"S")


def garbage(path):
    with open(path, "wb") as f:
        f.write(bytes((i * 7 + 3) % 256 for i in range(3 * PAGE)))


def header_only(path):
    """The 16 bytes that start an SQLite file, and nothing else."""
    with open(path, "wb") as f:
        f.write(b"SQLite format 3\0")


def other_program(path):
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE recipes (name TEXT, minutes INTEGER)")
        db.execute("INSERT INTO recipes VALUES ('soup', 40)")
    db.close()


def no_tables(path):
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE t (x)")
        db.execute("DROP TABLE t")
    db.execute("VACUUM")
    db.close()
    assert os.path.getsize(path) > 0


def newer_tend(path):
    make_tend_database(path)
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 99")
    db.close()


DAMAGE = [
    ("a Tend database with a page overwritten", damage_page, "damaged"),
    ("a Tend database cut in half", truncate, "damaged"),
    ("a 1-byte file", one_byte, "not an SQLite database"),
    ("garbage", garbage, "not an SQLite database"),
    ("an SQLite header and nothing more", header_only, "not an SQLite database"),
    ("another program's SQLite database", other_program, "not Tend's"),
    ("an SQLite database with no tables", no_tables, "no tables"),
    ("a database of a newer Tend", newer_tend, "newer Tend"),
]

# What is tried on each: writers, the monitor, and commands that only read.
ATTEMPTS = [
    ("config set", ("config", "set", "checks.default-interval", "30s")),
    ("import", ("import", "INVENTORY")),
    ("monitor", ("monitor",)),
    ("export", ("export",)),
    ("audit", ("audit",)),
]
READERS = ("export", "audit")


def test_damaged_files(tmp):
    inventory = os.path.join(tmp, "inventory.json")
    with open(inventory, "w") as f:
        f.write('{"format": "tend-inventory", "version": 1, "hosts": [], "services": [], '
                '"checks": [], "policies": [], "config": {}}')
    untouched = 0
    for name, make, says in DAMAGE:
        folder = tempfile.mkdtemp(dir=tmp)
        path = os.path.join(folder, "tend.db")
        make(path)
        before = sha256(path)
        kept = True
        for what, args in ATTEMPTS:
            args = [inventory if a == "INVENTORY" else a for a in args]
            r = tendctl(*args, database=path, timeout=30)
            if says == "damaged" and what in READERS and r.returncode == 0:
                # Reading what is still readable is how a person gets it out: the quick
                # check is for opening to write.
                check(f"{name}: {what} reads what is readable", True)
            else:
                check(f"{name}: {what} is refused (exit 1)", r.returncode == 1,
                      (r.returncode, r.stderr))
                check(f"{name}: {what} names the file and says {says!r}",
                      path in r.stderr and says in r.stderr, r.stderr)
                if says in ("damaged", "not an SQLite database"):
                    check(f"{name}: {what} says how to recover", "To recover" in r.stderr,
                          r.stderr)
            same = sha256(path) == before
            kept = kept and same
            check(f"{name}: after {what} the file is byte for byte as it was", same)
        # (A reader that could read leaves SQLite's WAL files, as any reader does.)
        check(f"{name}: no new file was made in its place, no copy beside it",
              set(os.listdir(folder)) <= {"tend.db", "monitor.lock", "tend.db-wal",
                                          "tend.db-shm"}, os.listdir(folder))
        untouched += kept
    print(f"# damaged or foreign files left byte for byte: {untouched} of {len(DAMAGE)} "
          f"kinds, each tried with {len(ATTEMPTS)} commands")

    # The copy made before the last migration is named when there is one.
    folder = tempfile.mkdtemp(dir=tmp)
    path = os.path.join(folder, "tend.db")
    damage_page(path)
    shutil.copy(path, path + ".before-schema-3")
    r = tendctl("config", "set", "checks.default-interval", "30s", database=path)
    check("a damaged file: the copy before its last migration is named",
          path + ".before-schema-3" in r.stderr, r.stderr)


def test_new_files(tmp):
    for name, make in (("a missing file", None),
                       ("a zero-length file", lambda p: open(p, "wb").close())):
        folder = tempfile.mkdtemp(dir=tmp)
        path = os.path.join(folder, "tend.db")
        if make:
            make(path)
        r = tendctl("config", "set", "checks.default-interval", "30s", database=path)
        check(f"{name} becomes a new database, and the user is told",
              r.returncode == 0 and "made a new one" in r.stderr and path in r.stderr,
              (r.returncode, r.stderr))
        r = tendctl("config", "set", "checks.default-interval", "40s", database=path)
        check(f"{name}: the next command is not told again",
              r.returncode == 0 and "made a new one" not in r.stderr, r.stderr)

    folder = tempfile.mkdtemp(dir=tmp)
    path = os.path.join(folder, "tend.db")
    r = tendctl("export", database=path)
    check("a command that only reads makes no database",
          r.returncode == 0 and not os.path.exists(path), (r.returncode, r.stderr))


# ------------------------------------------------------------------------------------
# a folder for a file; a read-only folder


def test_folder_as_file(tmp):
    folder = tempfile.mkdtemp(dir=tmp)
    for what, args in (("monitor", ("monitor",)),
                       ("config set", ("config", "set", "checks.default-interval", "30s")),
                       ("export", ("export",))):
        r = tendctl(*args, database=folder, timeout=30)
        check(f"TEND_DATABASE a folder: {what} exits 1 (not 4, permission denied)",
              r.returncode == 1, (r.returncode, r.stderr))
        check(f"TEND_DATABASE a folder: {what} says it is a folder",
              f"{folder} is a folder, not a database file" in r.stderr, r.stderr)


def in_read_only_folder(folder, script):
    """Runs @script (sh) with @folder read-only: a read-only bind mount in a mount
    namespace of its own as root (root writes through permissions), mode 0555 otherwise."""
    if os.getuid() == 0:
        return subprocess.run(
            ["unshare", "-m", "--propagation", "private", "sh", "-c",
             f'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" "$1" && {script}',
             "sh", folder], capture_output=True, text=True, timeout=60, env=env)
    os.chmod(folder, 0o555)
    try:
        return subprocess.run(["sh", "-c", script], capture_output=True, text=True,
                              timeout=60, env=env)
    finally:
        os.chmod(folder, 0o755)


def test_read_only_folder(tmp):
    folder = tempfile.mkdtemp(dir=tmp)
    path = os.path.join(folder, "tend.db")
    make_tend_database(path)
    before = sha256(path)
    env["TEND_DATABASE"] = path
    try:
        probe = in_read_only_folder(folder, f'touch "{folder}/probe"')
        if probe.returncode == 0:
            check("# SKIP the folder could not be made read-only here", True)
            return
        for what, args in (("export", "export"), ("audit", "audit --json"),
                           ("config get", "config get checks.default-interval"),
                           ("config list", "config list"), ("history", "history x.service"),
                           ("check list", "check list")):
            r = in_read_only_folder(folder, f"{TENDCTL} {args}")
            expected = 3 if what == "history" else 0
            check(f"read-only folder: {what} works (exit {expected})",
                  r.returncode == expected, (r.returncode, r.stderr))
        r = in_read_only_folder(folder, f"{TENDCTL} audit --json --limit 5000")
        check("read-only folder: audit shows the stored rows",
              r.stdout.count('"operation" : "start"') == 1000, r.stdout[:300])
        r = in_read_only_folder(folder, f"{TENDCTL} config set checks.default-interval 1m")
        check("read-only folder: a change is refused, saying the folder is read-only",
              r.returncode != 0 and "read-only" in r.stderr and path in r.stderr,
              (r.returncode, r.stderr))
        check("read-only folder: the file is as it was", sha256(path) == before)
    finally:
        del env["TEND_DATABASE"]


def main():
    tmp = tempfile.mkdtemp(prefix="tend-test-faults-")
    # Whatever tendctl keeps aside (spill files) stays in the test's own folder.
    env["XDG_RUNTIME_DIR"] = os.path.join(tmp, "run")
    os.mkdir(env["XDG_RUNTIME_DIR"], 0o700)
    try:
        test_concurrent_open(tmp)
        test_damaged_files(tmp)
        test_new_files(tmp)
        test_folder_as_file(tmp)
        test_read_only_folder(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return finish()


sys.exit(main())
