#!/usr/bin/python3
"""One validator for every way into the inventory, on a real database file (TAP).

`tendctl import` and `tendctl check add` must refuse the same command checks with the
same message (the monitor would skip them), a `depends_on` cycle is refused naming it,
and the smaller slips of issue 10 stay fixed: a status list with an empty item, an
import refused for its configuration only, a negative number for `config set`, and a
huge number in an export. Every refusal leaves the database as it was.

Usage: test-tendctl-validate.py TENDCTL
"""
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile

from tendtap import check, finish

TENDCTL = sys.argv[1]
tmp = tempfile.mkdtemp(prefix="tend-validate-")
DB = os.path.join(tmp, "tend.db")
# Criticals are fatal: a GLib-CRITICAL is a crash, not a line before the error.
ENV = dict(os.environ, TEND_DATABASE=DB, G_DEBUG="fatal-criticals")
HOST = "local-user"


def tendctl(*args):
    return subprocess.run([TENDCTL, *args], capture_output=True, text=True, timeout=60,
                          env=ENV)


def digest():
    with sqlite3.connect(DB, timeout=10) as db:
        h = hashlib.sha256()
        for table in ("hosts", "services", "checks", "policies", "config", "service_controls"):
            for row in db.execute(f"SELECT * FROM {table} ORDER BY 1, 2"):
                h.update(repr(row).encode())
    return h.hexdigest()


def write(name, document):
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        json.dump(document, f)
    return path


def inventory(services=(), checks=(), config=None):
    document = {"format": "tend-inventory", "version": 1,
                "hosts": [{"name": HOST, "kind": "local", "scope": "user", "access": "admin"}],
                "services": [{"host": HOST, "unit": unit, **fields}
                             for unit, fields in services],
                "checks": list(checks)}
    if config is not None:
        document["config"] = config
    return document


def messages(stderr):
    """The problems said, without "tendctl: " and without the closing line"""
    return [line[len("tendctl: "):] for line in stderr.splitlines()
            if line.startswith("tendctl: ") and not line.startswith("tendctl: nothing was")]


r = tendctl("check", "add", "web.service", "state", "--kind", "unit")
check("a first check add exits 0", r.returncode == 0, r.stderr)

# ------------------------------------------------------------------------------------
# The same command checks refused by import and by check add, with the same message

bad_programs = {
    "not executable": "/etc/passwd",
    "missing": os.path.join(tmp, "no-such-program"),
    "a directory": "/usr/bin",
    "a whole command line": "/usr/bin/test -e /run/x",
}
for name, program in bad_programs.items():
    before = digest()
    r = tendctl("check", "add", "web.service", "bad", "--kind", "command", "--", program)
    added = messages(r.stderr)
    check(f"{name}: check add exits 2", r.returncode == 2, (r.returncode, r.stderr))
    check(f"{name}: check add names argv[0]",
          len(added) == 1 and added[0].startswith("argv[0]: "), r.stderr)
    if " " in program:
        check(f"{name}: says it looks like a whole command line",
              "looks like a whole command line" in r.stderr, r.stderr)
    path = write("bad.json", inventory(
        services=[("web.service", {})],
        checks=[{"host": HOST, "unit": "web.service", "name": "bad", "kind": "command",
                 "params": {"argv": [program]}}]))
    r = tendctl("import", path)
    imported = messages(r.stderr)
    check(f"{name}: import exits 2", r.returncode == 2, (r.returncode, r.stderr))
    check(f"{name}: import says the same, at the check's place in the file",
          len(added) == 1 and imported == ["$.checks[0].params." + added[0]],
          (added, imported))
    check(f"{name}: nothing imported", "nothing was imported" in r.stderr, r.stderr)
    check(f"{name}: the database is as it was", digest() == before)

# A command that is there to run is taken both ways.
r = tendctl("check", "add", "web.service", "good", "--kind", "command", "--", "/usr/bin/test",
            "-e", "/")
check("a good command check is added", r.returncode == 0, r.stderr)
exported = json.loads(tendctl("export").stdout)
path = write("good.json", exported)
r = tendctl("import", path)
check("its export imports unchanged", r.returncode == 0 and "nothing to change" in r.stdout,
      (r.stdout, r.stderr))

# ------------------------------------------------------------------------------------
# depends_on cycles, refused when written, named

cycles = {
    "a → b → a": ([("a.service", {"depends_on": ["b.service"]}),
                   ("b.service", {"depends_on": ["a.service"]})],
                  "$.services[0].depends_on: a cycle a.service → b.service → a.service"),
    "a → b → c → a": ([("a.service", {"depends_on": ["b.service"]}),
                       ("b.service", {"depends_on": ["c.service"]}),
                       ("c.service", {"depends_on": ["a.service"]})],
                      "$.services[0].depends_on: a cycle a.service → b.service → c.service → "
                      "a.service"),
    "a → a": ([("a.service", {"depends_on": ["a.service"]})],
              "$.services[0].depends_on[0]: \"a.service\" is the service itself: a cycle "
              "a.service → a.service"),
}
for name, (services, expected) in cycles.items():
    before = digest()
    r = tendctl("import", write("cycle.json", inventory(services=services)))
    check(f"cycle {name}: import exits 2", r.returncode == 2, (r.returncode, r.stderr))
    check(f"cycle {name}: the message names the cycle",
          any(line.startswith(expected) for line in messages(r.stderr)), r.stderr)
    check(f"cycle {name}: the database is as it was", digest() == before)

r = tendctl("import", write("chain.json", inventory(services=[
    ("a.service", {"depends_on": ["b.service", "c.service"]}),
    ("b.service", {"depends_on": ["c.service"]}), ("c.service", {})])))
check("dependencies that end (a diamond) import", r.returncode == 0, r.stderr)

# ------------------------------------------------------------------------------------
# Slips

for codes in ("200,", ",200", "200,,300"):
    before = digest()
    r = tendctl("check", "add", "web.service", "h", "--kind", "http", "--url",
                "http://127.0.0.1/", "--expect-status", codes)
    check(f"--expect-status {codes!r}: exit 2, no crash", r.returncode == 2,
          (r.returncode, r.stderr))
    check(f"--expect-status {codes!r}: a clear error, no GLib-CRITICAL",
          "CRITICAL" not in r.stderr and messages(r.stderr) == [
              f"--expect-status: \"{codes}\" has an empty item; give status codes and ranges "
              "separated by commas, such as 200,301-399"], r.stderr)
    check(f"--expect-status {codes!r}: the database is as it was", digest() == before)

before = digest()
r = tendctl("import", write("config.json", inventory(config={"checks.intervall": "1min"})))
check("an import refused for an unknown config key only exits 2",
      r.returncode == 2, (r.returncode, r.stderr))
r = tendctl("import", write("problems.json", {
    "format": "tend-inventory", "version": 1,
    "hosts": [{"name": "a", "kind": "ssh"}],
    "config": {"checks.intervall": "1min", "checks.default-interval": "0.5s"}}))
said = messages(r.stderr)
check("an import with problems in two sections says all of them",
      r.returncode == 2 and any(line.startswith("$.hosts[0]") for line in said)
      and "$.config: checks.default-interval: \"0.5s\" is below the minimum of 1s" in said
      and any(line.startswith("$.config: no setting 'checks.intervall'") for line in said),
      said)
check("the refused imports changed nothing", digest() == before)

before = digest()
r = tendctl("config", "set", "checks.flap-start-percent", "-1")
check("config set KEY -1: exit 2", r.returncode == 2, (r.returncode, r.stderr))
check("config set KEY -1: a range error naming the key",
      messages(r.stderr)[0].startswith("checks.flap-start-percent: \"-1\" is below the minimum"),
      r.stderr)
check("config set KEY -1: the database is as it was", digest() == before)
r = tendctl("config", "set", "checks.default-interval", "-5s")
check("config set KEY -5s: the duration's own error, naming the key",
      r.returncode == 2 and messages(r.stderr)[0].startswith("checks.default-interval: "),
      r.stderr)

# 1e308 is exported in the documented form (a point, here in the mantissa), and the
# export imports unchanged.
r = tendctl("import", write("huge.json", inventory(
    services=[("web.service", {})],
    checks=[{"host": HOST, "unit": "web.service", "name": "res", "kind": "resources",
             "params": {"cpu_warn_percent": 2.5e-7, "cpu_critical_percent": 1e308}}])))
check("an import of 1e308 exits 0", r.returncode == 0, r.stderr)
text = tendctl("export").stdout
check("1e308 is exported as 1.0e+308, 2.5e-7 as 2.5e-07",
      '"cpu_critical_percent": 1.0e+308,' in text and '"cpu_warn_percent": 2.5e-07,' in text,
      [line for line in text.splitlines() if "cpu_" in line])
numbers = re.findall(r'"(?:cpu_warn_percent|cpu_critical_percent|backoff_multiplier|jitter)": '
                     r'([^,\n]+)', text)
check("every decimal number of the export has a point",
      numbers and all(re.fullmatch(r"-?\d+\.\d+(e[+-]\d+)?", n) for n in numbers), numbers)
r = tendctl("import", write("again.json", json.loads(text)))
check("the export imports unchanged", r.returncode == 0 and "nothing to change" in r.stdout,
      (r.stdout, r.stderr))

shutil.rmtree(tmp, ignore_errors=True)
sys.exit(finish())
