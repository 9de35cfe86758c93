#!/usr/bin/python3
"""A restart loop, seen in the window and resumed from it (TAP): the real `tend` in the
sandbox, its engine in-process, with nothing configured but `tendctl watch`.

The unit fails 0.1 s after every start because a file it needs is missing. Watched with
the defaults (the unit check, on-failure; a loop is 3 recoveries within 5 min), Tend
restarts it three times, then stops. The service page then says, in libtend's words,
that Tend waits for a person, with a Resume button; the Health view has the unit check
failing and the default policy; the History view has the open incident and the three
failed restart attempts. The person mends the cause (writes the file) and presses
Resume: Tend restarts the unit, it runs, the page says Healthy and the card is gone.

Screenshots (build/tests/screenshots/): restart-loop (the page waiting for a person),
health-failing (its Health view), policy (the Recovery Policy group whole), incident
(its History view, the incident and the attempts), resumed (the page after Resume).

Usage: test-ui-loop.py TEND TENDCTL [--tap]     (inside tests/sandbox/tend-sandbox)
"""
import os
import re
import sys
import tempfile

import tendui
from tendui import wait_until
from tendtap import check as tap_check

UNIT = "tend-test-ui-loop.service"
LOOP_LINE = ("Waits for a person: restart loop: failed again after 3 recoveries within "
             "5min — manual intervention required")


def check(name, condition, detail=""):
    """tendtap's check, saying each point as it is reached (a TAP comment): the loop takes
    a while, and a timeout then shows where it was."""
    print(f"# {'ok' if condition else 'not ok'}: {name}", flush=True)
    tap_check(name, condition, detail)


def unit_text(needed):
    return f"""[Unit]
Description=Tend test: fails while its configuration file is missing
StartLimitIntervalSec=0

[Service]
Type=simple
ExecStart=/bin/sh -c 'sleep 0.1; test -e {needed} || {{ echo "{needed} is missing"; exit 1; }}; \\
exec sleep infinity'
Restart=no
"""


def page_texts(window):
    page = tendui.service_page(window)
    return tendui.texts(page) if page is not None else []


def page_says(window, words):
    return any(words in t for t in page_texts(window))


def list_item(window, title):
    """The page's row (list item) titled @title, on screen, or None."""
    for item in tendui.find_all(tendui.service_page(window), "list item"):
        if tendui.plain_name(tendui.name(item)) == title and tendui.on_screen(item):
            return item
    return None


def item_texts(item):
    return [tendui.text(a) for a in tendui.walk(item) if tendui.role(a) == "label"]


def titled(window, title):
    """A finder for the page's row titled @title, on screen or scrolled away."""
    def find():
        for item in tendui.find_all(tendui.service_page(window), "list item"):
            if tendui.plain_name(tendui.name(item)) == title:
                return item
        return None
    return find


def scroll_to(ui, window, find, tries=40, wheel="5", room=0):
    """Turns the mouse wheel over the page (down, or up with @wheel "4") until the row
    find() gives lies whole within the page, with @room pixels above it (for its group's
    title), as a person scrolls; returns the row, or None."""
    px, py, pw, ph = ui.extents(tendui.service_page(window))
    # What scrolls lies below the view switcher (its tabs); the page's heading stays.
    tabs = [ui.extents(t) for t in tendui.find_all(window, "page tab", showing=True)]
    top = max([y + h for (x, y, w, h) in tabs] + [py])
    ph -= top - py
    py = top
    ui.xdotool("mousemove", "--sync", str(px + pw // 2), str(py + ph * 3 // 4))
    for _ in range(tries):
        item = find()
        if item is None:
            return None
        x, y, w, h = ui.extents(item)
        if y >= py + room and y + h <= py + ph:
            return item
        ui.xdotool("click", wheel)
        wait_until(lambda: ui.extents(item)[1] != y, 1, 0.02)
    return None


def loop_and_resume(ui, tendctl, needed):
    r = tendctl("watch", UNIT)
    check("watched with the defaults (tendctl watch)", r.returncode == 0, r.stderr + r.stdout)
    ui.start_tend()
    window = ui.wait_for_window("Tend")
    check("the window appears", window is not None, ui.log_tail())
    before = len(ui.notifications())
    # Started first: systemd forgets an inactive unit nothing refers to, and the list
    # shows what systemd has loaded. A failed unit stays loaded.
    r = tendui.systemctl("start", UNIT)
    check(f"{UNIT} is started (it fails 0.1 s later)", r.returncode == 0, r.stderr)
    tendui.wait_for_list(ui, window, UNIT)
    check("its page opens", tendui.open_service(ui, window, UNIT), tendui.texts(window)[:40])
    waits = wait_until(lambda: page_says(window, "Waits for a person"), 150, 0.2)
    check("within 150 s the page says Tend waits for a person, in those words",
          waits and page_says(window, LOOP_LINE), page_texts(window))
    resume = ui.wait_find(tendui.service_page(window), "push button", "Resume")
    check("a Resume button beside it", resume is not None, page_texts(window))
    check("its tooltip says what it does",
          resume is not None and "Let Tend recover this service again"
          in tendui.name(resume) + " " + (resume.description or ""),
          resume and (tendui.name(resume), resume.description))
    calls = [c for c in ui.notifications()[before:] if c[1].startswith(UNIT)]
    check("one notification says it keeps failing and needs a person",
          calls and calls[-1][1] == f"{UNIT} on this computer keeps failing"
          and "needs you to look" in calls[-1][2], calls)
    check("its row in the list is Critical", "Critical" in
          (tendui.service_row(window, UNIT) or {}).get("health", "Critical"))
    # The toast repeating the notification goes by itself; the picture is of the page.
    wait_until(lambda: not tendui.toast(window, "keeps failing"), 15, 0.2)
    ui.area_screenshot("restart-loop")

    check("the page's Health view opens", tendui.show_tab(ui, window, "Health"))
    unit_row = wait_until(lambda: list_item(window, "unit"), 10)
    words = item_texts(unit_row) if unit_row is not None else []
    check("Health: the unit check is failing", any(w == "Failing" for w in words), words)
    kind = list_item(window, "Recovery")
    check("Health: the default policy, on-failure",
          kind is not None and "When it fails or turns critical\nThe default policy, from "
          "Tend’s configuration" in item_texts(kind),
          kind and item_texts(kind))
    ui.area_screenshot("health-failing")
    check("Health, scrolled with the wheel: the policy's last row in view",
          scroll_to(ui, window, titled(window, "Circuit Breaker")))
    loop_row = list_item(window, "Restart Loop")
    check("Health, scrolled: the restart loop rule as the defaults have it",
          loop_row is not None and "3 recoveries in 5min are a loop: Tend stops and waits "
          "for a person" in item_texts(loop_row), loop_row and item_texts(loop_row))
    ui.area_screenshot("policy")

    check("the page's History view opens", tendui.show_tab(ui, window, "History"))
    incident = wait_until(lambda: [i for i in tendui.find_all(tendui.service_page(window),
                                                            "list item")
                                   if "Open" in item_texts(i)], 10)
    words = " ".join(item_texts(incident[0])) if incident else ""
    check("History: an open incident, since it began, critical",
          re.search(r"Since \d\d:\d\d:\d\d · worst: critical", words), words)
    failed = [i for i in tendui.find_all(tendui.service_page(window), "list item")
              if any(t.startswith("Recovery: restart") for t in item_texts(i))
              and "Failed" in item_texts(i)]
    check("History: three failed restart attempts", len(failed) == 3,
          [item_texts(i) for i in failed])
    spans = [t for i in failed for t in item_texts(i) if ", for " in t]
    check("each says when and how long, to the millisecond (\"12:38:44, for 123ms\")",
          len(spans) == 3 and all(re.fullmatch(r"\d\d:\d\d:\d\d, for \d+ms(\n.*)?", t, re.S)
                                  for t in spans), spans)
    # The whole story in one picture: down to the last attempt, then up to the incident.
    if failed and incident:
        scroll_to(ui, window, lambda: failed[-1])
        scroll_to(ui, window, lambda: incident[0], wheel="4", room=60)
    ui.area_screenshot("incident")

    # What the notification asks: mend the cause, then let Tend go on.
    with open(needed, "w") as f:
        f.write("mended\n")
    tendui.show_tab(ui, window, "Overview")
    resume = ui.wait_find(tendui.service_page(window), "push button", "Resume")
    ui.click(resume)
    healthy = wait_until(lambda: page_says(window, "Healthy")
                         and tendui.unit_property(UNIT, "ActiveState") == "active"
                         and not page_says(window, "Waits for a person"), 30, 0.2)
    check("Resume: Tend restarts it, it runs, the page says Healthy, the card is gone",
          healthy, (page_texts(window)[:12], tendui.unit_property(UNIT, "ActiveState")))
    check("Resume is gone as well",
          ui.wait_find(tendui.service_page(window), "push button", "Resume",
                       deadline_s=1) is None)
    r = tendctl("health", UNIT)
    check("tendctl health agrees", "Recovery: waits for a person" not in r.stdout
          and "healthy" in r.stdout.lower(), r.stdout)
    wait_until(lambda: not tendui.toast(window, "recovered"), 15, 0.2)
    ui.area_screenshot("resumed")


def run():
    needed = os.path.join(tempfile.mkdtemp(prefix="tend-ui-loop-"), "config")
    check("the test's unit is loaded", tendui.add_unit(UNIT, unit_text(needed)))
    with tendui.Session(sys.argv[1], autostart=False) as ui:
        loop_and_resume(ui, ui.tendctl(sys.argv[2]), needed)
    tendui.systemctl("stop", UNIT)


sys.exit(tendui.tap_main(run))
