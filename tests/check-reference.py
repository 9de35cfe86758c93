#!/usr/bin/env python3
# check-reference.py — the docs that libtend's tables say (suite 'docs').
#
#   check-reference.py GEN-REFERENCE TENDCTL DOCS-DIR
#
# 1. DOCS-DIR/reference.md is what GEN-REFERENCE prints from libtend's field tables, byte
#    for byte; else the diff, and how to regenerate it.
# 2. Every tendctl option the reference names is an option of its command, as
#    `TENDCTL COMMAND --help` lists it.
# 3. DOCS-DIR/configuration.md has each setting's row as the configuration's schema makes
#    it (GEN-REFERENCE --config-rows), once.
# 4. What a new user gets (fresh XDG folders, no setting set) from `tendctl check add`
#    and `tendctl policy set`, read back with `tendctl export`, is the default the
#    reference gives: the setting's value where tendctl takes one, else the file's. And
#    a file with only the required keys, imported and exported, has the file's defaults.
#
# Exits 0 when all hold, 1 with what does not.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import difflib
import json
import os
import re
import subprocess
import sys
import tempfile

REGENERATE = "run `ninja -C build update-reference` and commit docs/reference.md"


def run(args, env=None):
    result = subprocess.run(args, capture_output=True, text=True, env=env, timeout=30)
    if result.returncode != 0:
        sys.exit(f"{' '.join(args)} exited {result.returncode}: {result.stderr.strip()}")
    return result.stdout


def check_generated(gen, docs):
    expected = run([gen])
    path = os.path.join(docs, "reference.md")
    with open(path, encoding="utf-8") as f:
        actual = f.read()
    if actual == expected:
        return []
    diff = difflib.unified_diff(actual.splitlines(True), expected.splitlines(True),
                                "docs/reference.md", "generated from libtend's tables")
    return ["docs/reference.md is out of date with libtend's tables; " + REGENERATE + ":\n" +
            "".join(diff)]


def check_options(gen, tendctl):
    problems = []
    helps = {}
    with tempfile.TemporaryDirectory() as home:
        # --help opens nothing, but in case: never the user's own files
        env = dict(os.environ, HOME=home, XDG_DATA_HOME=home, XDG_CONFIG_HOME=home,
                   XDG_STATE_HOME=home, LANGUAGE="C", LC_ALL="C.UTF-8")
        for line in run([gen, "--options"]).splitlines():
            command, option = line.split("\t")
            if command not in helps:
                helps[command] = run([tendctl] + command.split() + ["--help-all"], env)
            if not re.search(r"^\s+(-\w, )?" + re.escape(option) + r"([= ]|$)", helps[command],
                             re.MULTILINE):
                problems.append(f"docs/reference.md names {option} of `tendctl {command}`, "
                                f"which its --help does not list")
    return problems


def check_configuration(gen, docs):
    problems = []
    with open(os.path.join(docs, "configuration.md"), encoding="utf-8") as f:
        lines = f.read().splitlines()
    for row in run([gen, "--config-rows"]).splitlines():
        key = row.split("|")[1].strip()
        found = [line for line in lines if line.startswith(f"| {key} |")]
        if found != [row]:
            problems.append(f"docs/configuration.md: the row of {key} should be, as the "
                            f"schema (src/libtend/tend-config-schema.c) has it:\n  {row}\n"
                            f"it is:\n  " + ("\n  ".join(found) if found else "(missing)"))
    return problems


def reference_defaults(docs, section):
    """{field: default cell} of the table under the heading SECTION of reference.md"""
    with open(os.path.join(docs, "reference.md"), encoding="utf-8") as f:
        text = f.read()
    part = text.split("\n" + section + "\n", 1)[1].split("\n#", 1)[0]
    rows = {}
    for line in part.splitlines():
        cells = [c.strip() for c in line.split(" | ")]
        if line.startswith("| `") and len(cells) == 6:
            rows[cells[0][3:-1]] = cells[3]
    return rows


def expected_value(cell, tendctl=True, kind="local"):
    """The default a cell gives: with TENDCTL, the setting's value where `tendctl` takes
    one, else the file's; for a host of KIND; None where it says nothing to compare."""
    m = re.search(r"\(`tendctl`: `[^`]+`, `([^`]*)`\)$", cell)
    if m and tendctl:
        return m.group(1)
    cell = re.sub(r" \(`tendctl`: .*\)$", "", cell)
    m = re.search(r"`([^`]*)` for `" + (kind or "local") + "`", cell)
    if m:
        return m.group(1)
    if cell == "none":
        return "none"
    m = re.fullmatch(r"`([^`]*)`", cell)
    return m.group(1) if m else None


def as_text(value):
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return json.dumps(value)
    return str(value)


def compare(docs, items, tendctl):
    problems = []
    for section, item, kind, *given in items:
        for field, cell in reference_defaults(docs, section).items():
            expected = expected_value(cell, tendctl, kind)
            if expected is None or field in (given[0] if given else {}):
                continue
            got = as_text(item.get(field))
            if got != expected:
                who = "a new user's" if tendctl else "a file's"
                problems.append(f"docs/reference.md ({section[3:].strip()}): {who} "
                                f"{field} is {got}, not {expected} ({cell})")
    return problems


# Every kind of item, with only its required keys
MINIMAL_FILE = {
    "format": "tend-inventory", "version": 1,
    "hosts": [{"name": "here", "kind": "local"},
              {"name": "there", "kind": "ssh", "address": "192.0.2.1"}],
    "services": [{"host": "here", "unit": "web.service"}],
    "checks": [{"host": "here", "unit": "web.service", "name": "http", "kind": "http",
                "params": {"url": "http://127.0.0.1:8080/"}},
               {"host": "here", "unit": "web.service", "name": "redis", "kind": "redis"},
               {"host": "here", "unit": "web.service", "name": "res", "kind": "resources"},
               {"host": "here", "unit": "web.service", "name": "tcp", "kind": "tcp",
                "params": {"host": "127.0.0.1", "port": 80}}],
    "policies": [{"host": "here", "unit": "web.service"}],
}


def check_file_defaults(tendctl, env, home, docs):
    """A key left out of an imported file means the reference's default"""
    path = os.path.join(home, "minimal.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(MINIMAL_FILE, f)
    run([tendctl, "import", path], env)
    inventory = json.loads(run([tendctl, "export"], env))
    hosts = {h["name"]: h for h in inventory["hosts"]}
    checks = {c["name"]: c for c in inventory["checks"]}
    items = [("## Hosts", hosts["here"], "local"),
             ("## Hosts", hosts["there"], "ssh", MINIMAL_FILE["hosts"][1]),
             ("## Services", inventory["services"][0], None),
             ("## Checks", checks["http"], None),
             ("### http checks", checks["http"]["params"], None),
             ("### tcp checks", checks["tcp"]["params"], None),
             ("### redis checks", checks["redis"]["params"], None),
             ("### resources checks", checks["res"]["params"], None),
             ("## Policies", inventory["policies"][0], None)]
    return compare(docs, items, tendctl=False)


def check_new_user(tendctl, docs):
    """What tendctl gives a new user is what the reference says: with no setting set, a
    local host, an http check and a policy added with nothing but what they need; and
    then what an imported file's keys left out mean."""
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, HOME=home, XDG_DATA_HOME=home + "/data",
                   XDG_CONFIG_HOME=home + "/config", XDG_STATE_HOME=home + "/state",
                   XDG_CACHE_HOME=home + "/cache", LANGUAGE="C", LC_ALL="C.UTF-8")
        run([tendctl, "check", "add", "web.service", "http", "--kind", "http",
             "--url", "http://127.0.0.1:8080/"], env)
        run([tendctl, "policy", "set", "web.service", "--kind", "on-failure"], env)
        inventory = json.loads(run([tendctl, "export"], env))
        items = [("## Hosts", inventory["hosts"][0], "local"),
                 ("## Checks", inventory["checks"][0], None),
                 ("### http checks", inventory["checks"][0]["params"], None),
                 ("## Policies", inventory["policies"][0], None)]
        problems = compare(docs, items, tendctl=True)
        problems += check_file_defaults(tendctl, env, home, docs)
    return problems


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: check-reference.py GEN-REFERENCE TENDCTL DOCS-DIR")
    gen, tendctl, docs = sys.argv[1:]
    problems = (check_generated(gen, docs) + check_options(gen, tendctl) +
                check_configuration(gen, docs) + check_new_user(tendctl, docs))
    for problem in problems:
        print(problem)
    if not problems:
        print("docs/reference.md and docs/configuration.md agree with libtend")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
