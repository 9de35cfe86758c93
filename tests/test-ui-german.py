#!/usr/bin/python3
"""The window in German, end to end (TAP): the real `tend` in the sandbox under Xvfb,
run under LANGUAGE=de with the build tree's catalogue (tests/i18nenv.py), shows German
labels — the sidebar, the search button's name, a watched service's health — and no
English ones; at 360 px wide its German texts are read back too. Screenshots:
window-de, service-de, service-de-narrow, health-de-narrow, list-de-narrow
(build/tests/screenshots/).

Usage: test-ui-german.py TEND TENDCTL [--tap]     (inside tests/sandbox/tend-sandbox)
"""
import os
import sys
import tempfile

import tendmon
import tendui
from i18nenv import german_env
from tendtap import check
from tendui import wait_until

SLEEPER = "tend-test-sleeper.service"
# the accessible names of the list's search entry and button, in po/de.po
SEARCH_DE = ("Dienste durchsuchen", "Dienste durchsuchen")


def label_on_screen(window, says):
    for a in tendui.walk(window):
        if tendui.role(a) == "label" and tendui.text(a) == says and tendui.on_screen(a):
            return a
    return None


def page_says(window, words):
    """Whether a label of the service page on screen has @words in it."""
    return any(words in t for t in tendui.texts(tendui.service_page(window)))


def open_in_german(ui, window, unit):
    """Searches for @unit through the German search and double-clicks its name; returns
    the service page's heading, or None. (tendui.open_service() reads the list by its
    English column titles.)"""
    tendui.search_services(ui, window, unit, SEARCH_DE)
    for _ in range(3):
        cell = wait_until(lambda: label_on_screen(window, unit), 15, 0.1)
        if cell is None:
            return None
        x, y, w, h = ui.extents(cell)
        ui.xdotool("mousemove", "--sync", str(x + w // 2), str(y + h // 2))
        ui.xdotool("click", "--repeat", "2", "--delay", "80", "1")
        heading = wait_until(lambda: tendui.service_heading(window, unit), 8, 0.1)
        if heading is not None:
            return heading
    return None


def run():
    build = os.path.dirname(os.environ.get("TEND_TEST_BUILDDIR", "build/tests"))
    tmp = tempfile.mkdtemp(prefix="tend-ui-de-")
    env, how = german_env(build, tmp)
    if env is None:
        raise tendui.SkipTest(how)
    print(f"# German: {how}", flush=True)
    german = {k: env[k] for k in ("LANG", "LANGUAGE", "TEND_LOCALEDIR") if k in env}
    german.update(LC_ALL="", LC_MESSAGES="", LOCPATH=env.get("LOCPATH", ""))

    tendui.systemctl("start", SLEEPER)
    with tendui.Session(sys.argv[1], env=german, autostart=False) as ui:
        tendctl = ui.tendctl(sys.argv[2])
        inventory = tendmon.inventory(
            [SLEEPER], [tendmon.check_spec(SLEEPER, "unit", "unit", "2s", "1s", 1, {}, 1)],
            [tendmon.policy_spec(SLEEPER, "on-failure")])
        r = tendctl.import_inventory(f"{ui.tmp}/inventory.json", inventory)
        check("the sleeper is watched", r.returncode == 0, r.stderr + r.stdout)
        ui.start_tend()

        window = ui.wait_for_window("Tend")
        check("the window appears", window is not None, ui.log_tail())
        if window is None:
            return
        this = wait_until(lambda: label_on_screen(window, "Dieser Rechner"), 20)
        check("the sidebar says 'Dieser Rechner' (This Computer)", this,
              tendui.texts(window)[:40])
        check("… and not 'This Computer'", label_on_screen(window, "This Computer") is None)
        search = ui.wait_find(window, "push button", SEARCH_DE[1])
        check("the search button is named 'Dienste durchsuchen'", search,
              tendui.describe(window)[:3000])
        healthy = wait_until(lambda: label_on_screen(window, "In Ordnung"), 30)
        check("the list says 'In Ordnung' (Healthy) of the watched sleeper", healthy,
              tendui.texts(window)[:60])
        ui.area_screenshot("window-de")

        check("the sleeper's page opens (searched in German)",
              open_in_german(ui, window, SLEEPER), tendui.texts(window)[:40])
        healthy = wait_until(lambda: page_says(window, "In Ordnung"), 30)
        check("its page says 'In Ordnung' (Healthy)", healthy,
              tendui.texts(tendui.service_page(window))[:40])
        check("… under the German view names",
              ui.wait_find(window, "page tab", "Übersicht") is not None and
              ui.wait_find(window, "page tab", "Verlauf") is not None,
              tendui.describe(window)[:3000])
        ui.area_screenshot("service-de")

        narrow = wait_until(lambda: ui.resize(360, 720, "Tend") and
                            (ui.window_geometry() or (0, 0, 9999, 0))[2] <= 360, 20, 0.5)
        check("the German window can be 360 px wide", narrow, ui.window_geometry())
        still = wait_until(lambda: page_says(window, "In Ordnung"), 10)
        check("at 360 px the page still shows its German texts", still,
              tendui.texts(tendui.service_page(window))[:40])
        ui.area_screenshot("service-de-narrow")
        # The Health view: the longest German words (Wiederherstellungsrichtlinie).
        tab = ui.wait_find(window, "page tab", "Zustand")
        if tab is not None:
            ui.click(tab)
        policy = wait_until(lambda: page_says(window, "Wiederherstellungsrichtlinie"), 10)
        check("narrow: the Health view says 'Wiederherstellungsrichtlinie'", policy,
              tendui.texts(tendui.service_page(window))[:60])
        ui.area_screenshot("health-de-narrow")
        tab = ui.wait_find(window, "page tab", "Übersicht")
        if tab is not None:
            ui.click(tab)
        back = ui.wait_find(window, "push button", "Zurück")
        check("narrow: the page has a 'Zurück' (Back) button", back)
        if back is not None:
            ui.click(back)
            wait_until(lambda: tendui.service_page(window) is None or
                       not tendui.on_screen(tendui.service_page(window)), 10)
        ui.area_screenshot("list-de-narrow")
        check("tend is still running", ui.tend.poll() is None, ui.log_tail())


sys.exit(tendui.tap_main(run))
