#!/usr/bin/python3
"""A unit killed from outside, seen in the window and recovered by it (TAP): the real
`tend` in the sandbox, running the monitor engine in-process.

The unit is watched (a unit check every 2 s, the backoff policy with a first delay of
3 s: with on-failure, the recovery starts the moment systemd says the unit failed, and
the row is Critical for a few milliseconds only). `systemctl --user kill -s KILL` kills it; the
list's row turns Critical; tend restarts it and the row is Healthy again with a new
main process; python3-dbusmock's notification server received exactly one notification
about it (a first Notify, then replacements of it), in a person's words.

Usage: test-ui-recovery.py TEND TENDCTL [--tap]     (inside tests/sandbox/tend-sandbox)
"""
import sys

import tendmon
import tendui
from tendui import wait_until
from tendtap import check

UNIT = "tend-test-ui-watched.service"
UNIT_TEXT = """[Unit]
Description=Tend test: watched by the window
StartLimitIntervalSec=0

[Service]
Type=simple
ExecStart=/bin/sleep infinity
Restart=no
"""


def main_pid():
    return int(tendui.unit_property(UNIT, "MainPID") or 0)


def one_notification(calls):
    """Whether @calls make one notification: a first Notify, then replacements of it."""
    if not calls or calls[0][0] != 0:
        return False
    return all(c[0] != 0 for c in calls[1:]) and len({c[0] for c in calls[1:]}) <= 1


def row_says(window, column, word):
    row = tendui.service_row(window, UNIT)
    return row if row and word.lower() in row.get(column, "").lower() else None


def run():
    check("the test's unit is loaded", tendui.add_unit(UNIT, UNIT_TEXT))
    with tendui.Session(sys.argv[1], autostart=False) as ui:
        tendctl = ui.tendctl(sys.argv[2])
        inventory = tendmon.inventory(
            [UNIT],
            [tendmon.check_spec(UNIT, "unit", "unit", "2s", "1s", 1, {}, 1)],
            [tendmon.policy_spec(UNIT, "backoff", cooldown="0s", backoff_initial="3s")])
        r = tendctl.import_inventory(f"{ui.tmp}/inventory.json", inventory)
        check("the unit is watched (tendctl import)", r.returncode == 0, r.stderr + r.stdout)
        r = tendui.systemctl("start", UNIT)
        check(f"{UNIT} starts", r.returncode == 0, r.stderr)

        ui.start_tend()
        window = ui.wait_for_window("Tend")
        tendui.wait_for_list(ui, window, UNIT)
        healthy = wait_until(lambda: row_says(window, "health", "Healthy"), 20)
        check("its row says Healthy", healthy, tendui.service_row(window, UNIT))
        pid0 = main_pid()
        before = len(ui.notifications())

        r = tendui.systemctl("kill", "-s", "KILL", UNIT)
        check("killed from outside (systemctl --user kill -s KILL)", r.returncode == 0,
              r.stderr)
        critical = wait_until(lambda: row_says(window, "health", "Critical"), 10, 0.02)
        check("its row turns Critical", critical, tendui.service_row(window, UNIT))
        if critical:
            ui.window_screenshot("list-critical", "Tend")
        back = wait_until(lambda: main_pid() not in (0, pid0)
                          and row_says(window, "health", "Healthy")
                          and row_says(window, "state", "running"), 30)
        check("tend recovers it: Healthy and running again, a new main process", back,
              (tendui.service_row(window, UNIT), main_pid(), pid0))

        calls = wait_until(lambda: [c for c in ui.notifications()[before:]
                                    if c[1].startswith(UNIT) and "recovered" in c[1]], 20)
        # Nothing more may come after the last word on it: a bounded look for another.
        wait_until(lambda: len(ui.notifications()) > before + len(calls or []) + 1, 3)
        about = [c for c in ui.notifications()[before:] if c[1].startswith(UNIT)]
        check("exactly one notification about it (a Notify, then its replacements)",
              one_notification(about), about)
        check("it says the unit recovered on this computer and what Tend did",
              about and about[-1][1] == f"{UNIT} on this computer recovered"
              and "Tend restarted it" in about[-1][2], about)
        check("no command line in it", about and not any("tendctl" in c[2] for c in about),
              about)
        check("no other notification", len(ui.notifications()) - before == len(about),
              ui.notifications()[before:])
    tendui.systemctl("stop", UNIT)


sys.exit(tendui.tap_main(run))
