#!/usr/bin/env python3
# test-completion.py — tendctl's bash completion as installed, in real bash (suite
# 'install', inside tend-sandbox, TAP).
#
#   test-completion.py MESON BUILDDIR USER-UNIT-DIR COMPLETIONS-DIR --tap
#
# Installs into a DESTDIR, puts its bin on PATH, sources bash-completion and the
# installed completion, and calls _tendctl with COMP_WORDS/COMP_CWORD as bash would:
# commands, subcommands, options, option values, units of the sandbox's manager, and
# check and host names of a fresh inventory (tests/inventory/full.json imported, and a
# check added on a sandbox unit).
#
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tendinstall import Install  # noqa: E402
from tendtap import check, finish  # noqa: E402

BASH_COMPLETION = "/usr/share/bash-completion/bash_completion"
SOURCE = os.path.dirname(os.path.abspath(__file__))
UNIT = "tend-test-sleeper.service"


def complete(env, script, *words):
    """COMPREPLY of _tendctl for the command line @words (the last one is being typed)."""
    program = f"""
source {BASH_COMPLETION}
source {script}
COMP_WORDS=("$@")
COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
COMP_LINE="${{COMP_WORDS[*]}}"
COMP_POINT=${{#COMP_LINE}}
COMPREPLY=()
_tendctl tendctl "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\\n' "${{COMPREPLY[@]}}"
"""
    r = subprocess.run(["bash", "-c", program, "bash", "tendctl", *words],
                       capture_output=True, text=True, env=env, timeout=60)
    return set(line for line in r.stdout.splitlines() if line), r.stderr


def main(argv):
    args = [a for a in argv if a != "--tap"]
    if len(args) != 4:
        print("usage: test-completion.py MESON BUILDDIR USER-UNIT-DIR COMPLETIONS-DIR --tap",
              file=sys.stderr)
        return 2
    meson, builddir, _unit_dir, completions_dir = args
    if not os.path.exists(BASH_COMPLETION):
        print(f"1..0 # SKIP {BASH_COMPLETION} not found (Debian package bash-completion)")
        return 0

    inst = Install(meson, builddir)
    tmp = tempfile.mkdtemp(prefix="tend-completion-")
    try:
        check("meson install --destdir succeeds", inst.ok, inst.result.stderr[-2000:])
        if not inst.ok:
            return finish()
        script = inst.staged(os.path.join(completions_dir, "tendctl"))
        tendctl = inst.path("bindir", "tendctl")
        env = dict(os.environ, PATH=os.path.dirname(tendctl) + ":" + os.environ["PATH"],
                   TEND_DATABASE=os.path.join(tmp, "tend.db"))

        # A fresh inventory: hosts and checks of full.json, and a check on a sandbox unit.
        full_path = os.path.join(SOURCE, "inventory", "full.json")
        full = json.load(open(full_path, encoding="utf-8"))
        r = subprocess.run([tendctl, "import", full_path], capture_output=True, text=True,
                           env=env, timeout=60)
        check("tendctl import full.json", r.returncode == 0, r.stderr)
        r = subprocess.run([tendctl, "check", "add", UNIT, "alive", "--kind", "unit"],
                           capture_output=True, text=True, env=env, timeout=60)
        check("tendctl check add on a sandbox unit", r.returncode == 0, r.stderr)
        r = subprocess.run(["systemctl", "--user", "start", UNIT], capture_output=True,
                           text=True, timeout=60)
        check(f"{UNIT} started", r.returncode == 0, r.stderr)

        def case(name, words, expected, exact=True):
            got, err = complete(env, script, *words)
            ok = got == set(expected) if exact else set(expected) <= got
            check(f"{name}: {' '.join(words)!r}", ok and not err.strip(),
                  (sorted(got), sorted(expected), err))

        commands = ["list", "status", "start", "stop", "restart", "reload", "enable",
                    "disable", "reset-failed", "logs", "config", "history", "incidents",
                    "audit", "export", "import", "check", "watch", "unwatch", "health",
                    "monitor", "demo", "policy", "silence", "recover", "resume",
                    "maintenance", "host"]
        case("every command", [""], commands)
        case("commands by prefix", ["re"], ["restart", "reload", "reset-failed", "recover",
                                            "resume"])
        case("global options", ["--"], ["--user", "--system", "--host", "--help",
                                        "--version"])
        case("subcommands of check", ["check", ""], ["add", "list", "remove"])
        case("subcommands of host", ["host", ""], ["add", "list", "show", "set", "remove",
                                                   "sudoers"])
        case("options of list", ["list", "--"], ["--all", "--state", "--installed",
                                                 "--json", "--names", "--help"])
        case("options of logs by prefix", ["logs", UNIT, "--f"], ["--follow"])
        case("options of a subcommand", ["check", "add", UNIT, "x", "--tasks-"],
             ["--tasks-warn", "--tasks-critical"])
        case("values of --kind in check add", ["check", "add", UNIT, "x", "--kind", ""],
             ["unit", "http", "tcp", "redis", "command", "resources"])
        case("values of --kind in policy set", ["policy", "set", UNIT, "--kind", ""],
             ["never", "on-failure", "always", "backoff"])
        case("a running unit of the sandbox's manager", ["restart", "tend-test-sl"], [UNIT])
        case("an installed unit file for start", ["start", "tend-test-inst"],
             ["tend-test-installable.service"])
        case("the unit after --user", ["--user", "status", "tend-test-sl"], [UNIT])
        case("a check name of a unit", ["check", "remove", UNIT, ""], ["alive"])
        names = sorted(c["name"] for c in full["checks"] if c["unit"] == "nginx.service")
        case("check names of an imported unit", ["check", "remove", "nginx.service", ""],
             names)
        hosts = sorted({h["name"] for h in full["hosts"]} | {"local-user"})
        case("host names after --host", ["--host", ""], hosts)
        case("host names by prefix", ["host", "show", "w"],
             [h for h in hosts if h.startswith("w")])
        case("no unit is offered after check remove UNIT NAME",
             ["check", "remove", UNIT, "alive", ""], [])
    finally:
        subprocess.run(["systemctl", "--user", "stop", UNIT], capture_output=True,
                       timeout=60)
        inst.cleanup()
        subprocess.run(["rm", "-rf", tmp])
    return finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
