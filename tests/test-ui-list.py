#!/usr/bin/python3
"""The service list narrows, end to end (TAP): the real `tend` in the sandbox.

Search: typing part of a name leaves only the services that match, and the count says
"N of M services". The "Failed" filter (the Filters menu): only failed services stay,
among them the unit that just failed, and none that runs. Show All Services brings
every one back.

Usage: test-ui-list.py TEND TENDCTL [--tap]     (inside tests/sandbox/tend-sandbox)
"""
import sys

import tendui
from tendui import wait_until
from tendtap import check

RUNNING = ["tend-test-sleeper.service", "tend-test-logger.service"]
FAILED = "tend-test-fails.service"       # exits with status 3 at once


def run():
    r = tendui.systemctl("start", *RUNNING)
    check("the running units start", r.returncode == 0, r.stderr)
    tendui.systemctl("start", FAILED)
    check(f"{FAILED} has failed",
          wait_until(lambda: tendui.unit_property(FAILED, "ActiveState") == "failed", 10))
    with tendui.Session(sys.argv[1]) as ui:
        window = ui.wait_for_window("Tend")
        tendui.wait_for_list(ui, window)
        total = wait_until(lambda: tendui.service_count(window), 10)
        check("the count says how many services there are", total and total > 5,
              tendui.service_counts(window))
        ui.window_screenshot("list-start", "Tend")

        # Search.
        tendui.search_services(ui, window, "tend-test")
        narrowed = wait_until(lambda: (tendui.service_counts(window) or (0, 0))[0] < total
                              and tendui.service_counts(window), 10)
        check("a search narrows the count ('N of M services')",
              narrowed and narrowed[1] == total and 3 <= narrowed[0] < total,
              tendui.service_counts(window))
        rows = wait_until(lambda: tendui.service_rows(window), 5) or []
        names = [row["name"] for row in rows]
        check("every row shown matches the search",
              rows and all("tend-test" in (row["name"] + row.get("description", "")).lower()
                           for row in rows), names)
        check("the running and the failed units are among them",
              all(u in names for u in RUNNING + [FAILED]), names)
        ui.window_screenshot("list-search", "Tend")
        tendui.search_services(ui, window, "")
        check("an empty search shows every service again",
              wait_until(lambda: tendui.service_count(window) == total, 10),
              tendui.service_counts(window))

        # The "Failed" filter, from the Filters menu.
        ui.click(ui.wait_find(window, "push button", "Filters"))
        item = wait_until(lambda: tendui.find(ui.app, ("check menu item", "menu item",
                                                        "radio menu item"), "Failed",
                                              showing=True), 10)
        check("the Filters menu offers 'Failed'", item,
              [tendui.describe(w) for w in ui.windows()][-1:])
        if item is None:
            return
        ui.click(item)
        only_failed = wait_until(lambda: (tendui.service_count(window) or total) < total
                                 and tendui.service_rows(window), 10) or []
        states = {row["name"]: row.get("state", "") for row in only_failed}
        check("the filter leaves the failed unit", FAILED in states, states)
        check("every row shown is failed",
              states and all("failed" in s for s in states.values()), states)
        check("no running unit is shown", not any(u in states for u in RUNNING), states)
        ui.key("Escape")
        ui.window_screenshot("list-failed", "Tend")

        # Show everything again.
        ui.click(ui.wait_find(window, "push button", "Filters"))
        clear = wait_until(lambda: tendui.find(ui.app, ("menu item", "check menu item"),
                                               "Clear Filters", showing=True), 10)
        if clear is not None:
            ui.click(clear)
        check("Clear Filters shows every service again",
              wait_until(lambda: tendui.service_count(window) == total, 10),
              tendui.service_counts(window))
    tendui.systemctl("stop", *RUNNING)
    tendui.systemctl("reset-failed", FAILED)


sys.exit(tendui.tap_main(run))
