#!/usr/bin/python3
"""The journal on the service page, end to end (TAP): the real `tend` in the sandbox.

A unit of the test's own writes a line to the journal when it gets SIGUSR1 (the line is
a fresh token it reads from a file). Its page's Journal view shows what it wrote at
start, and, while it follows, the line the unit has just written.

Usage: test-ui-journal.py TEND TENDCTL [--tap]     (inside tests/sandbox/tend-sandbox)
"""
import os
import sys
import uuid

import tendui
from tendui import wait_until
from tendtap import check

UNIT = "tend-test-ui-talker.service"
SAY = os.path.join(os.environ.get("HOME", "/tmp"), "tend-ui-say")
SCRIPT = os.path.join(os.environ.get("HOME", "/tmp"), "tend-ui-talker.sh")
# The shell itself writes the line (read and echo are built in): journald learns a
# line's unit from the writer, and a `cat` that has already exited may leave it with
# none (see tend-test-logger.service).
SCRIPT_TEXT = f"""trap 'read -r line < {SAY}; echo "$line"' USR1
echo "talker ready"
while :; do sleep 1 & wait $!; done
"""
UNIT_TEXT = f"""[Unit]
Description=Tend test: says a line when it gets SIGUSR1
StartLimitIntervalSec=0

[Service]
Type=simple
ExecStart=/bin/sh {SCRIPT}
"""


def journal_lines(window):
    table = tendui.find(window, "tree table", "Journal", showing=True)
    if table is None:
        return []
    return [tendui.text(a) for a in tendui.walk(table)
            if tendui.role(a) == "label" and tendui.on_screen(a)]


def run():
    with open(SCRIPT, "w") as f:
        f.write(SCRIPT_TEXT)
    check("the test's unit is loaded", tendui.add_unit(UNIT, UNIT_TEXT))
    r = tendui.systemctl("start", UNIT)
    check(f"{UNIT} starts", r.returncode == 0, r.stderr)
    with tendui.Session(sys.argv[1]) as ui:
        window = ui.wait_for_window("Tend")
        tendui.wait_for_list(ui, window, UNIT)
        check("its page opens", tendui.open_service(ui, window, UNIT),
              tendui.texts(window)[:40])
        tab = ui.wait_find(window, "page tab", "Journal")
        check("the page has a Journal view", tab)
        if tab is None:
            return
        ui.click(tab)
        shown = wait_until(lambda: any("talker ready" in t for t in journal_lines(window)), 15)
        check("the journal shows what the unit wrote at start", shown,
              journal_lines(window)[-20:] or tendui.texts(window)[-40:])

        follow = ui.wait_find(window, "toggle button", "Follow") or \
            ui.wait_find(window, "push button", "Follow")
        check("the journal has a Follow button", follow)
        if follow is not None and "checked" not in tendui.states(follow) and \
                "pressed" not in tendui.states(follow):
            ui.click(follow)
        check("Follow is on", follow is not None and wait_until(
            lambda: {"checked", "pressed"} & tendui.states(follow), 5),
            tendui.states(follow) if follow else None)

        token = f"tend-ui line {uuid.uuid4().hex[:12]}"
        with open(SAY, "w") as f:
            f.write(token + "\n")
        r = tendui.systemctl("kill", "--kill-whom=main", "-s", "USR1", UNIT)
        check("the unit is told to write a line", r.returncode == 0, r.stderr)
        check("journalctl has the line", wait_until(lambda: token in tendui.journal(UNIT), 10))
        check("the journal view shows the line the unit just wrote",
              wait_until(lambda: any(token in t for t in journal_lines(window)), 15),
              journal_lines(window)[-20:])
        ui.window_screenshot("journal-follow", "Tend")
    tendui.systemctl("stop", UNIT)


sys.exit(tendui.tap_main(run))
