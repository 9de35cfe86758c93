#!/usr/bin/python3
"""tendctl against a real systemd: output, --json and exit codes (TAP).

Runs inside tests/sandbox/tend-sandbox with the units of tests/units.
Usage: test-tendctl.py TENDCTL
"""
import json
import os
import subprocess
import sys
import threading

from tendtap import check, finish

TENDCTL = sys.argv[1]


def tendctl(*args, env=None):
    return subprocess.run([TENDCTL, *args], capture_output=True, text=True, timeout=60,
                          env=env)


def main():
    if not os.environ.get("TEND_SANDBOX"):
        print("1..0 # SKIP needs the systemd sandbox: run through tests/sandbox/tend-sandbox")
        return 0

    # list: a table with a count line; --json parses and holds the units
    r = tendctl("list", "--all")
    check("list exits 0", r.returncode == 0, r.stderr)
    check("list prints a header", r.stdout.startswith("UNIT "), r.stdout[:200])
    check("list counts its units", "units listed" in r.stdout, r.stdout[-200:])
    r = tendctl("list", "--all", "--json")
    units = json.loads(r.stdout)
    names = {u["name"] for u in units}
    check("list --json has default.target", "default.target" in names, sorted(names)[:5])

    # bulk start: one result per unit; the worst exit code wins (3: not found)
    r = tendctl("start", "tend-test-sleeper.service", "tend-no-such.service", "--json")
    outcome = {o["unit"]: o for o in json.loads(r.stdout)}
    check("bulk start exits 3 (not found)", r.returncode == 3, r.returncode)
    check("bulk start started the sleeper",
          outcome["tend-test-sleeper.service"]["result"] == "done", outcome)
    check("bulk start reports the missing unit",
          outcome["tend-no-such.service"]["error"] is not None, outcome)

    # status: the running unit, its main PID and memory with its source
    r = tendctl("status", "tend-test-sleeper.service", "--json")
    status = json.loads(r.stdout)[0]
    check("status exits 0", r.returncode == 0, r.stderr)
    check("status says active", status["active_state"] == "active", status)
    check("status has a main PID", status["main_pid"] > 1, status)
    check("status names the memory source",
          status["memory_source"] in ("cgroup", "process-rss"), status)

    # json-glib is opened when JSON is first read or written (issue 14): status and list
    # without --json never load it; the dynamic linker names every library it loads
    env = dict(os.environ, LD_DEBUG="files")
    for args in (("status", "tend-test-sleeper.service"), ("list", "--all")):
        r = tendctl(*args, env=env)
        check(f"{args[0]} exits 0 (LD_DEBUG)", r.returncode == 0, r.stderr[-300:])
        check(f"{args[0]} without --json loads no json-glib", "libjson-glib" not in r.stderr,
              [line for line in r.stderr.splitlines() if "json" in line][:3])
        # it ends as soon as its output is written, without taking the host and the
        # libraries apart: no library's fini function runs (issue 14)
        check(f"{args[0]} ends at once", "calling fini" not in r.stderr,
              [line for line in r.stderr.splitlines() if "calling fini" in line][:3])
        check(f"{args[0]} wrote its whole output before it ended",
              "units listed" in r.stdout if args[0] == "list" else
              "tend-test-sleeper.service" in r.stdout and "Main PID" in r.stdout,
              r.stdout[-300:])
    r = tendctl("status", "tend-test-sleeper.service", "--json", env=env)
    check("status --json loads json-glib when it writes", "file=libjson-glib" in r.stderr,
          r.stderr[-300:])
    # a command that is not a plain read ends the usual way
    r = tendctl("logs", "-n", "1", "tend-test-sleeper.service", env=env)
    check("logs ends the usual way (fini functions run)", "calling fini" in r.stderr,
          r.stderr[-300:])

    # a job that fails: exit 1, and the message names the unit
    r = tendctl("start", "tend-test-oneshot-fails.service")
    check("failing job exits 1", r.returncode == 1, r.returncode)
    check("failing job names the unit", "tend-test-oneshot-fails.service" in r.stderr, r.stderr)

    # invalid names: exit 2, nothing sent
    r = tendctl("stop", "tend-test-sleeper.service", "../x")
    check("invalid name exits 2", r.returncode == 2, r.returncode)
    check("invalid name: nothing sent", "nothing was sent" in r.stderr, r.stderr)
    r = tendctl("status", "tend-test-sleeper.service", "--json")
    check("the valid unit of a refused bulk was not stopped",
          json.loads(r.stdout)[0]["active_state"] == "active", r.stdout)

    # usage: exit 2
    r = tendctl("logs", "-n", "0", "tend-test-sleeper.service")
    check("bad -n exits 2 and names the option", r.returncode == 2 and "-n" in r.stderr, r.stderr)
    r = tendctl("frobnicate")
    check("unknown command exits 2", r.returncode == 2, r.returncode)

    # logs: the logger's lines, in JSON Lines. journald stores them a moment after the
    # unit writes them, so follow until the error line arrives (or the deadline).
    tendctl("start", "tend-test-logger.service")
    follower = subprocess.Popen([TENDCTL, "logs", "tend-test-logger.service", "--json",
                                 "-p", "err", "--follow"], stdout=subprocess.PIPE, text=True)
    timer = threading.Timer(15, follower.terminate)
    timer.start()
    lines = []
    for line in follower.stdout:
        lines.append(json.loads(line))
        if lines[-1]["message"] == "tend-logger line 3 (error)":
            break
    follower.terminate()
    timer.cancel()
    check("logs --follow ends cleanly on SIGTERM", follower.wait(timeout=15) == 0,
          follower.returncode)
    check("logs -p err finds the error line",
          any(e["message"] == "tend-logger line 3 (error)" for e in lines), lines)
    check("logs -p err finds only errors", all(e["priority"] <= 3 for e in lines), lines)
    r = tendctl("logs", "tend-test-logger.service", "-n", "2")
    check("logs -n 2 prints two lines", len(r.stdout.splitlines()) == 2, r.stdout)
    tendctl("stop", "tend-test-logger.service")

    # not found: exit 3
    r = tendctl("status", "tend-no-such.service")
    check("status of a missing unit exits 3", r.returncode == 3, r.returncode)

    # unreachable: exit 5, naming what to set
    env = dict(os.environ)
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    env["XDG_RUNTIME_DIR"] = "/nonexistent"
    r = tendctl("list", env=env)
    check("no bus exits 5", r.returncode == 5, r.returncode)
    check("no bus says what to set", "DBUS_SESSION_BUS_ADDRESS" in r.stderr, r.stderr)

    tendctl("stop", "tend-test-sleeper.service")

    return finish()


sys.exit(main())
