#!/usr/bin/env python3
# test-monitor-unit.py — the installed tend-monitor.service run by a real systemd user
# manager (suite 'install', inside tend-sandbox, TAP).
#
#   test-monitor-unit.py MESON BUILDDIR USER-UNIT-DIR COMPLETIONS-DIR --tap
#
# Installs into a DESTDIR and gives the sandbox's manager the installed unit, its
# ExecStart pointed at DESTDIR's tendctl (the prefix is not this machine's /usr), the
# database in TEND_DATABASE through the manager's environment. Then: enable and start
# it; `tendctl health` names its main pid; a second engine is refused (exit 9); reload
# is SIGHUP; killed, it is restarted (Restart=on-failure); stopped, it ends cleanly;
# started while another engine runs (as the window's would), it stops at once with
# status 9, is neither failed nor restarted, and says who monitors.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tendinstall import Install  # noqa: E402
from tendmon import Tendctl, wait_until  # noqa: E402
from tendtap import check, finish  # noqa: E402

UNIT = "tend-monitor.service"
WATCHED = "tend-test-sleeper.service"


def systemctl(*args):
    return subprocess.run(["systemctl", "--user", *args], capture_output=True, text=True,
                          timeout=60)


def show(prop):
    return systemctl("show", "-p", prop, "--value", UNIT).stdout.strip()


def journal():
    return subprocess.run(["journalctl", "-u", UNIT, "--no-pager", "-o", "cat"],
                          capture_output=True, text=True, timeout=60).stdout


def monitor_pid(tendctl):
    return ((tendctl.health() or {}).get("monitor") or {}).get("pid")


def main(argv):
    args = [a for a in argv if a != "--tap"]
    if len(args) != 4:
        print("usage: test-monitor-unit.py MESON BUILDDIR USER-UNIT-DIR COMPLETIONS-DIR --tap",
              file=sys.stderr)
        return 2
    meson, builddir, unit_dir, _completions_dir = args
    unit_home = os.environ.get("TEND_SANDBOX_UNIT_DIR")
    if not unit_home:
        print("1..0 # SKIP not inside tend-sandbox (TEND_SANDBOX_UNIT_DIR is not set)")
        return 0

    inst = Install(meson, builddir)
    tmp = tempfile.mkdtemp(prefix="tend-monitor-unit-")
    other = None
    try:
        check("meson install --destdir succeeds", inst.ok, inst.result.stderr[-2000:])
        if not inst.ok:
            return finish()
        tendctl_path = os.path.join(inst.dir("bindir"), "tendctl")
        staged = inst.path("bindir", "tendctl")
        database = os.path.join(tmp, "tend.db")
        tendctl = Tendctl(staged, dict(os.environ, TEND_DATABASE=database))

        with open(inst.staged(os.path.join(unit_dir, UNIT)), encoding="utf-8") as f:
            text = f.read()
        check("the installed unit runs the installed tendctl",
              f"ExecStart={tendctl_path} monitor\n" in text, text)
        with open(os.path.join(unit_home, UNIT), "w", encoding="utf-8") as f:
            f.write(text.replace(f"ExecStart={tendctl_path} ", f"ExecStart={staged} "))
        # The unit's process gets the manager's environment: the database, and the
        # sanitizers' options where the tests run under them.
        sanitizers = [f"{k}={os.environ[k]}" for k in ("ASAN_OPTIONS", "LSAN_OPTIONS",
                                                       "UBSAN_OPTIONS") if k in os.environ]
        systemctl("set-environment", f"TEND_DATABASE={database}", *sanitizers)
        systemctl("daemon-reload")

        r = tendctl("check", "add", WATCHED, "alive", "--kind", "unit")
        check("a check to run", r.returncode == 0, r.stderr)
        systemctl("start", WATCHED)

        r = systemctl("enable", UNIT)
        check("the unit enables (WantedBy=default.target)", r.returncode == 0 and
              os.path.islink(os.path.join(unit_home, "default.target.wants", UNIT)),
              r.stderr)
        r = systemctl("start", UNIT)
        check("the unit starts", r.returncode == 0, r.stderr)
        pid = wait_until(lambda: show("MainPID") != "0" and
                         monitor_pid(tendctl) == int(show("MainPID")) and
                         monitor_pid(tendctl), 20)
        check("tendctl health names the unit's main process as the monitor",
              pid and pid == int(show("MainPID")), (pid, show("MainPID"), tendctl.health()))
        h = tendctl.health() or {}
        check("tendctl health --json names the unit the monitor runs in",
              (h.get("monitor") or {}).get("unit") == UNIT, h.get("monitor"))
        r = tendctl("health")
        check("tendctl health says it: Monitor: running (pid N, tend-monitor.service)",
              f"Monitor: running (pid {pid}, {UNIT})" in r.stdout, r.stdout)
        alive = wait_until(lambda: ((tendctl.layer(WATCHED, "alive") or {}).get("status")
                                    == "pass"), 30)
        check("the unit's engine runs the check", alive, tendctl.health())

        r = tendctl("monitor", timeout=30)
        check("a second engine is refused with status 9, naming the unit's process",
              r.returncode == 9 and f"already running (pid {pid})" in r.stderr,
              (r.returncode, r.stderr))

        r = systemctl("reload", UNIT)
        check("systemctl reload sends SIGHUP: the engine rereads its checks",
              r.returncode == 0 and wait_until(
                  lambda: "reloading the configuration and the checks" in journal(), 20),
              (r.stderr, journal()[-2000:]))

        os.kill(pid, signal.SIGKILL)
        # RestartSec=10: the manager starts it again after ten seconds.
        restarted = wait_until(lambda: show("NRestarts") == "1" and
                               show("ActiveState") == "active" and
                               monitor_pid(tendctl) == int(show("MainPID")), 30, 0.2)
        check("killed, the unit is restarted (Restart=on-failure)", restarted,
              (show("NRestarts"), show("ActiveState"), show("MainPID")))

        r = systemctl("stop", UNIT)
        check("stopped, it ends cleanly: inactive, result success",
              r.returncode == 0 and show("ActiveState") == "inactive" and
              show("Result") == "success", (r.stderr, show("ActiveState"), show("Result")))
        check("and nothing holds the lock any more", wait_until(
            lambda: (tendctl.health() or {}).get("monitor", {}).get("running") is False, 10),
            tendctl.health())

        # Another engine first, as the window's would be: the unit must not run beside it.
        log = open(os.path.join(tmp, "other.log"), "w")
        other = subprocess.Popen([staged, "monitor"], stdout=log, stderr=log,
                                 env=tendctl.env)
        check("the other engine holds the lock",
              wait_until(lambda: monitor_pid(tendctl) == other.pid, 20), tendctl.health())
        r = systemctl("start", UNIT)
        ended = wait_until(lambda: show("ActiveState") in ("inactive", "failed") and
                           show("ExecMainStatus") == "9", 20)
        check("started beside another engine, the unit exits with status 9", ended,
              (r.stderr, show("ActiveState"), show("ExecMainStatus")))
        # (NRestarts counts the automatic restarts since the last start by hand)
        check("which is a clean stop: inactive, not failed, no restart scheduled",
              show("ActiveState") == "inactive" and show("SubState") == "dead" and
              show("Result") == "success" and show("NRestarts") == "0",
              (show("ActiveState"), show("SubState"), show("Result"), show("NRestarts")))
        check("its journal says who monitors",
              f"already running (pid {other.pid})" in journal(), journal()[-2000:])
        check("the other engine goes on", other.poll() is None and
              monitor_pid(tendctl) == other.pid)
        h = tendctl.health() or {}
        check("health names no unit for an engine outside any service",
              (h.get("monitor") or {}).get("unit") is None, h.get("monitor"))
    finally:
        if other is not None and other.poll() is None:
            other.terminate()
            other.wait(timeout=30)
        systemctl("stop", UNIT, WATCHED)
        inst.cleanup()
        subprocess.run(["rm", "-rf", tmp])
    return finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
