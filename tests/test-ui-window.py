#!/usr/bin/python3
"""The window, end to end (TAP): the real `tend` starts in the sandbox under Xvfb, its
window "Tend" appears on the accessibility bus, a screenshot of it is written, and no
button in it lacks an accessible name.

Usage: test-ui-window.py TEND TENDCTL [--tap]     (inside tests/sandbox/tend-sandbox)
"""
import os
import sys

import tendui
from tendtap import check


def run():
    with tendui.Session(sys.argv[1]) as ui:
        window = ui.wait_for_window("Tend")
        check("the window 'Tend' appears on the accessibility bus", window is not None,
              ui.log_tail())
        if window is None:
            return
        check("the window is showing", "showing" in tendui.states(window),
              tendui.describe(window))
        path = ui.screenshot("window")
        size = tendui.png_size(path) if path else None
        check("a screenshot of the screen is written", size == (ui.width, ui.height),
              f"{path}: {size}")
        path = ui.window_screenshot("window-only", "Tend")
        check("a screenshot of the window alone is written",
              path is not None and os.path.getsize(path) > 1000, path)
        bad = tendui.unnamed_buttons(ui.app)
        check("every button has an accessible name", not bad, "\n".join(bad))
        check("tend is still running", ui.tend.poll() is None, ui.log_tail())

        # The walker itself: a window with one icon-only button named only by its
        # tooltip, on the same desktop.
        probe = ["/usr/bin/python3", os.path.join(os.path.dirname(__file__), "ui-probe.py")]
        ui.start_tend(probe, label="probe")
        window = ui.wait_for_window("Probe")
        bad = tendui.unnamed_buttons(ui.app) if window else ["no window"]
        check("the walker finds the one button with only a tooltip", len(bad) == 1,
              "\n".join(bad) + "\n" + (tendui.describe(window) if window else ui.log_tail()))


sys.exit(tendui.tap_main(run))
