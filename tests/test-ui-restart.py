#!/usr/bin/python3
"""Restart a service from the window, end to end (TAP): the real `tend` in the sandbox.

1. With the pointer: search the list for the unit, open its page, press Restart, read
   the confirmation, press its Restart; the page shows the new main process and a toast
   says it was restarted — and systemd agrees.
2. By keyboard alone (xdotool keys, no pointer): Ctrl+F, type, arrows and Enter to open
   the page, Tab to Restart, Enter, Tab to the dialog's Restart, Enter; the same result.

Usage: test-ui-restart.py TEND TENDCTL [--tap]     (inside tests/sandbox/tend-sandbox)
"""
import sys

import tendui
from tendui import wait_until
from tendtap import check

UNIT = "tend-test-sleeper.service"


def main_pid():
    return int(tendui.unit_property(UNIT, "MainPID") or 0)


def restarted(ui, window, pid0, how):
    """The checks shared by both flows, after the dialog's Restart."""
    pid1 = wait_until(lambda: main_pid() not in (0, pid0) and main_pid(), 15)
    check(f"{how}: systemd restarted the unit (main process {pid0} → {pid1})", pid1)
    shown = wait_until(lambda: str(pid1) in (tendui.detail(window, "Main Process") or ""), 15)
    check(f"{how}: the page shows the new main process {pid1}", shown,
          tendui.detail(window, "Main Process"))
    said = wait_until(lambda: tendui.toast(window, f"Restarted {UNIT}"), 10)
    check(f"{how}: a toast says 'Restarted {UNIT}'", said,
          tendui.texts(window)[-40:])
    check(f"{how}: the dialog is gone", wait_until(lambda: tendui.dialog(ui) is None, 10))


def by_pointer(ui):
    window = ui.wait_for_window("Tend")
    check("the window appears", window is not None, ui.log_tail())
    filled = tendui.wait_for_list(ui, window, UNIT)
    check("the list fills with the user manager's units by itself", filled,
          f"count: {tendui.service_count(window)}")
    heading = tendui.open_service(ui, window, UNIT)
    check("a double click on the row opens the service page", heading,
          tendui.texts(window)[:60])
    pid0 = main_pid()
    check("the page shows the main process", wait_until(
        lambda: str(pid0) in (tendui.detail(window, "Main Process") or ""), 10),
        tendui.detail(window, "Main Process"))
    page = tendui.service_page(window)
    button = ui.wait_find(page, "push button", "Restart")
    check("the page has a Restart button", button is not None, tendui.describe(page))
    ui.click(button)
    dlg = wait_until(lambda: tendui.dialog(ui, f"Restart {UNIT}?"), 10)
    check(f"a dialog asks 'Restart {UNIT}?'", dlg,
          [tendui.describe(w) for w in ui.windows()])
    if dlg is None:
        return
    ui.window_screenshot("confirmation-pointer", None)
    check("the restart waits for the answer", main_pid() == pid0)
    ui.click(ui.wait_find(dlg, "push button", "Restart"))
    restarted(ui, window, pid0, "pointer")


def by_keyboard(ui):
    ui.start_tend()
    window = ui.wait_for_window("Tend")
    tendui.wait_for_list(ui, window, keyboard=True)
    ui.focus_window("Tend")
    ui.key("ctrl+f")
    entry = wait_until(lambda: (lambda f: f if f and tendui.role(f) == "entry" else None)(
        ui.focused()), 10)
    check("keyboard: Ctrl+F puts the focus in the list's search", entry,
          tendui.describe(ui.focused()) if ui.focused() else "no focus")
    ui.key("ctrl+a")
    ui.type_text(UNIT)
    check("keyboard: the search finds the unit",
          wait_until(lambda: tendui.service_row(window, UNIT), 10))
    # Down from the search into the list, then Enter on the row.
    ui.key("Down")
    ui.key("Return")
    heading = wait_until(lambda: tendui.service_heading(window, UNIT), 5)
    if not heading:
        # The focus may be on the list but not on the row yet: Down again, Enter.
        ui.key("Down")
        ui.key("Return")
        heading = wait_until(lambda: tendui.service_heading(window, UNIT), 10)
    check("keyboard: Down and Enter open the service page", heading,
          tendui.describe(ui.focused()) if ui.focused() else "no focus")
    pid0 = main_pid()
    button = ui.tab_to("push button", "Restart")
    check("keyboard: Tab reaches the page's Restart", button,
          tendui.describe(ui.focused()) if ui.focused() else "no focus")
    if button is None:
        return
    ui.key("Return")
    dlg = wait_until(lambda: tendui.dialog(ui, f"Restart {UNIT}?"), 10)
    check("keyboard: Enter on Restart asks first", dlg)
    if dlg is None:
        return
    confirm = ui.tab_to("push button", "Restart", max_presses=6)
    check("keyboard: Tab reaches the dialog's Restart", confirm,
          tendui.describe(dlg))
    if confirm is None:
        return
    ui.key("Return")
    restarted(ui, window, pid0, "keyboard")


def run():
    r = tendui.systemctl("start", UNIT)
    check(f"{UNIT} starts", r.returncode == 0, r.stderr)
    with tendui.Session(sys.argv[1]) as ui:
        by_pointer(ui)
        by_keyboard(ui)
    tendui.systemctl("stop", UNIT)


sys.exit(tendui.tap_main(run))
