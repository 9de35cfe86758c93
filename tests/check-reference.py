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
#
# Exits 0 when all hold, 1 with what does not.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import difflib
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


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: check-reference.py GEN-REFERENCE TENDCTL DOCS-DIR")
    gen, tendctl, docs = sys.argv[1:]
    problems = (check_generated(gen, docs) + check_options(gen, tendctl) +
                check_configuration(gen, docs))
    for problem in problems:
        print(problem)
    if not problems:
        print("docs/reference.md and docs/configuration.md agree with libtend")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
