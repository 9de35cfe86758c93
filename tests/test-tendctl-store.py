#!/usr/bin/python3
"""tendctl and Tend's database: audit, config, history and incidents (TAP).

Runs inside tests/sandbox/tend-sandbox with the units of tests/units, on a database of
its own (TEND_DATABASE). History and incidents are written into that database with
Python's sqlite3 module, as the monitor would have written them (the schema is
src/libtend/tend-store-schema.c); everything else goes through tendctl.
Usage: test-tendctl-store.py TENDCTL
"""
import csv
import io
import json
import os
import pwd
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone

from tendtap import check, finish

TENDCTL = sys.argv[1]
env = dict(os.environ)

USEC = 1_000_000
MINUTE = 60 * USEC
HOUR = 60 * MINUTE
DAY = 24 * HOUR
PASS, WARN, FAIL, UNKNOWN = range(4)
STATUS = {PASS: "pass", WARN: "warn", FAIL: "fail", UNKNOWN: "unknown"}
WATCHED = "tend-test-watched.service"
OTHER = "tend-test-other.service"


def tendctl(*args):
    return subprocess.run([TENDCTL, *args], capture_output=True, text=True, timeout=60,
                          env=env)


def db():
    return sqlite3.connect(env["TEND_DATABASE"], timeout=10)


def stored_config():
    with db() as conn:
        return dict(conn.execute("SELECT key, value FROM config"))


def json_or_none(text):
    try:
        return json.loads(text)
    except ValueError:
        return None


# ------------------------------------------------------------------------------------
# audit of unit operations


def test_audit():
    r = tendctl("start", "tend-test-sleeper.service")
    check("start of the sleeper exits 0", r.returncode == 0, r.stderr)
    r = tendctl("stop", "tend-test-sleeper.service")
    check("stop of the sleeper exits 0", r.returncode == 0, r.stderr)
    r = tendctl("start", "tend-test-oneshot-fails.service")
    check("failing start exits 1", r.returncode == 1, r.returncode)
    r = tendctl("start", "../x", "tend-test-sleeper.service")
    check("refused bulk start exits 2", r.returncode == 2, r.returncode)
    r = tendctl("status", "tend-test-sleeper.service", "--json")
    check("the refused bulk started nothing",
          json.loads(r.stdout)[0]["active_state"] == "inactive", r.stdout)

    r = tendctl("audit", "--json")
    rows = json_or_none(r.stdout)
    check("audit --json exits 0 and parses", r.returncode == 0 and isinstance(rows, list),
          (r.returncode, r.stderr, r.stdout[:500]))
    rows = rows or []
    check("audit has one row per unit operation, refusals included (5)", len(rows) == 5, rows)
    if len(rows) != 5:
        return
    # Newest first: the two refusals (in the reverse order of the names), the failed
    # start, the stop, the start.
    refused_sleeper, refused_x, failed, stopped, started = rows
    check("every row comes from the command line, on the user's host",
          all(row["origin"] == "cli" and row["host"] == "local-user" for row in rows), rows)
    check("every row names the calling user",
          all(row["user"] == pwd.getpwuid(os.getuid()).pw_name for row in rows), rows)
    check("times are newest first",
          [row["time_usec"] for row in rows] ==
          sorted((row["time_usec"] for row in rows), reverse=True), rows)
    check("start row: operation start, result done, no error",
          started["unit"] == "tend-test-sleeper.service" and started["operation"] == "start"
          and started["result"] == "done" and started["error"] is None, started)
    check("stop row: operation stop, result done",
          stopped["unit"] == "tend-test-sleeper.service" and stopped["operation"] == "stop"
          and stopped["result"] == "done" and stopped["error"] is None, stopped)
    check("start row has a duration", started["duration_usec"] > 0, started)
    check("failed start row: the unit, an error naming it, no result",
          failed["unit"] == "tend-test-oneshot-fails.service" and failed["operation"] == "start"
          and failed["result"] is None
          and "tend-test-oneshot-fails.service" in (failed["error"] or ""), failed)
    check("refusal row for the bad name: refused, not sent",
          refused_x["unit"] == "../x" and refused_x["operation"] == "start"
          and (refused_x["error"] or "").startswith("refused, not sent"), refused_x)
    check("refusal row for the good name of the refused bulk: not sent",
          refused_sleeper["unit"] == "tend-test-sleeper.service"
          and refused_sleeper["operation"] == "start" and refused_sleeper["result"] is None
          and "not sent" in (refused_sleeper["error"] or ""), refused_sleeper)
    check("time is ISO 8601 UTC of time_usec",
          started["time"] == datetime.fromtimestamp(started["time_usec"] // USEC, timezone.utc)
          .strftime("%Y-%m-%dT%H:%M:%S") + ".%06dZ" % (started["time_usec"] % USEC), started)

    r = tendctl("audit")
    lines = r.stdout.splitlines()
    check("audit table: header, then one line per row",
          r.returncode == 0 and lines[0].split()[:3] == ["TIME", "USER", "ORIGIN"]
          and len(lines) == 6, r.stdout)
    check("audit table shows the error of the failed start",
          any("tend-test-oneshot-fails.service" in line and "error:" in line for line in lines),
          r.stdout)

    r = tendctl("audit", "--json", "--limit", "2")
    check("audit --limit 2 gives the newest two",
          [row["unit"] for row in json.loads(r.stdout)] == ["tend-test-sleeper.service", "../x"],
          r.stdout)
    future = datetime.fromtimestamp(time.time() + 3600).strftime("%Y-%m-%dT%H:%M:%S")
    r = tendctl("audit", "--json", "--since", future)
    check("audit --since a time to come gives nothing", json_or_none(r.stdout) == [], r.stdout)
    r = tendctl("audit", "--json", "--since", "1h")
    check("audit --since 1h gives all five", len(json_or_none(r.stdout) or []) == 5, r.stdout)
    r = tendctl("audit", "--since", "yesterday-ish")
    check("audit --since nonsense exits 2 naming the option",
          r.returncode == 2 and "--since" in r.stderr, r.stderr)


# ------------------------------------------------------------------------------------
# config


def test_config():
    r = tendctl("config", "get", "checks.default-interval")
    check("config get gives the default 30s", r.returncode == 0 and r.stdout == "30s\n",
          (r.stdout, r.stderr))

    r = tendctl("config", "set", "checks.default-interval", "20s")
    check("config set exits 0 and prints KEY = VALUE",
          r.returncode == 0 and r.stdout == "checks.default-interval = 20s\n", (r.stdout, r.stderr))
    r = tendctl("config", "get", "checks.default-interval")
    check("config get in a new process gives 20s", r.stdout == "20s\n", r.stdout)
    check("the value is stored as 20s", stored_config().get("checks.default-interval") == "20s",
          stored_config())

    r = tendctl("config", "set", "checks.default-interval", "90")
    check("config set writes the value back as Tend writes it",
          r.stdout == "checks.default-interval = 1min 30s\n", r.stdout)
    tendctl("config", "set", "checks.default-interval", "20s")

    r = tendctl("config", "set", "checks.default-interval", "0.5s")
    check("a value below the minimum exits 2", r.returncode == 2, r.returncode)
    check("the message names key, value and range",
          "checks.default-interval" in r.stderr and '"0.5s"' in r.stderr and "1s..1d" in r.stderr,
          r.stderr)
    check("the refused value changed nothing",
          tendctl("config", "get", "checks.default-interval").stdout == "20s\n"
          and stored_config().get("checks.default-interval") == "20s", stored_config())

    r = tendctl("config", "set", "checks.default-timeout", "25s")
    check("a value that breaks a rule between keys exits 2 and names the other key",
          r.returncode == 2 and "checks.default-interval" in r.stderr, r.stderr)

    r = tendctl("config", "set", "checks.intervall", "5s")
    check("an unknown key exits 3", r.returncode == 3, r.returncode)
    check("an unknown key gets a suggestion",
          "did you mean 'checks.default-interval'" in r.stderr, r.stderr)
    r = tendctl("config", "get", "checks.intervall")
    check("config get of an unknown key exits 3 with the suggestion",
          r.returncode == 3 and "did you mean" in r.stderr, r.stderr)

    r = tendctl("config", "list", "--json")
    keys = {k["key"]: k for k in json_or_none(r.stdout) or []}
    interval = keys.get("checks.default-interval", {})
    check("config list --json has every key with its schema",
          r.returncode == 0 and len(keys) >= 20 and interval.get("type") == "duration"
          and interval.get("range") == "1s..1d" and interval.get("default") == "30s"
          and interval.get("category") == "checks" and interval.get("description"), interval)
    check("config list --json shows the stored value, not default",
          interval.get("value") == "20s" and interval.get("is_default") is False
          and interval.get("stored") == "20s", interval)
    policy = keys.get("recovery.default-policy", {})
    check("config list --json lists the choices of an enum key",
          policy.get("choices") == ["never", "on-failure", "always", "backoff"], policy)

    r = tendctl("config", "list")
    lines = r.stdout.splitlines()
    row = next((line for line in lines if line.startswith("checks.default-interval ")), "")
    check("config list table: the changed value is marked *",
          lines and lines[0].split()[:3] == ["KEY", "VALUE", "DEFAULT"]
          and row.split()[:4] == ["checks.default-interval", "20s", "*", "30s"], row)
    check("config list table: categories apart, by blank lines",
          "" in lines[1:] and lines[lines.index("", 1) + 1].startswith("notifications."),
          r.stdout)

    # A stored value that no longer validates: shown, warned about, never dropped.
    with db() as conn:
        conn.execute("INSERT OR REPLACE INTO config (key, value) VALUES "
                     "('checks.default-timeout', '0.01s')")
    r = tendctl("config", "list", "--json")
    timeout = {k["key"]: k for k in json.loads(r.stdout)}["checks.default-timeout"]
    check("an invalid stored value is listed as such",
          timeout["stored_invalid"] is True and timeout["stored"] == "0.01s"
          and timeout["value"] == "10s", timeout)
    check("... with a warning that names it and what to do",
          "checks.default-timeout" in r.stderr and "0.01s" in r.stderr and "reset" in r.stderr,
          r.stderr)
    r = tendctl("config", "get", "checks.default-timeout")
    check("config get of it gives the default in use, and warns",
          r.stdout == "10s\n" and "warning" in r.stderr, (r.stdout, r.stderr))
    check("the invalid stored value is kept",
          stored_config().get("checks.default-timeout") == "0.01s", stored_config())
    r = tendctl("config", "set", "checks.default-timeout", "10s")
    check("setting it to the default stores the valid value over the invalid one",
          r.returncode == 0 and stored_config().get("checks.default-timeout") == "10s",
          (r.stderr, stored_config()))

    r = tendctl("config", "reset", "checks.default-timeout")
    check("config reset KEY forgets the stored value",
          r.returncode == 0 and "checks.default-timeout" not in stored_config(), stored_config())
    r = tendctl("config", "reset")
    check("config reset (every key) exits 0 and names the key it reset",
          r.returncode == 0 and "checks.default-interval = 30s (default)" in r.stdout, r.stdout)
    check("config reset restores the default",
          tendctl("config", "get", "checks.default-interval").stdout == "30s\n"
          and stored_config() == {}, stored_config())
    r = tendctl("config", "reset", "checks.nope")
    check("config reset of an unknown key exits 3", r.returncode == 3, r.returncode)
    r = tendctl("config", "set", "checks.default-interval")
    check("config set without a value exits 2", r.returncode == 2, r.returncode)

    # Every change, and every refusal, is in the audit log.
    rows = [row for row in json.loads(tendctl("audit", "--json", "-n", "1000").stdout)
            if row["operation"].startswith("config-")]
    sets = [row for row in rows if row["operation"] == "config-set"]
    check("config changes are in the audit log, for no unit",
          rows and all(row["unit"] is None and row["origin"] == "cli" for row in rows), rows)
    check("a config-set row has its key and value",
          any(row["parameters"] == {"key": "checks.default-interval", "value": "20s"}
              and row["result"] == "done" and row["error"] is None for row in sets), sets)
    check("a refused config-set row has the error",
          any(row["parameters"]["value"] == "0.5s" and row["result"] is None
              and "1s..1d" in row["error"] for row in sets), sets)
    check("an unknown key's config-set row is recorded too",
          any(row["parameters"]["key"] == "checks.intervall" and row["error"] for row in sets),
          sets)
    resets = [row for row in rows if row["operation"] == "config-reset"]
    check("the reset of every key names the keys it reset",
          any(row["parameters"]["key"] is None
              and row["parameters"].get("keys") == ["checks.default-interval"]
              for row in resets), resets)


# ------------------------------------------------------------------------------------
# history and incidents, from rows written as the monitor writes them


def floor(t, width):
    return t - t % width


def write_results(conn, service_id, check_id, every):
    """Raw rows and minute, hour and day rollups, as TendStore keeps them."""
    rollups = {}
    for t, status, latency, message, raw in every:
        if raw:
            conn.execute("INSERT INTO check_results (service_id, check_id, time_usec, "
                         "status, latency_usec, message) VALUES (?, ?, ?, ?, ?, ?)",
                         (service_id, check_id, t, status, latency, message))
        for resolution in (60, 3600, 86400):
            key = (resolution, floor(t, resolution * USEC))
            r = rollups.setdefault(key, [0, 0, 0, 0, 0, 0, None, None])
            r[status] += 1
            if latency is not None:
                r[4] += 1
                r[5] += latency
                r[6] = latency if r[6] is None else min(r[6], latency)
                r[7] = latency if r[7] is None else max(r[7], latency)
    for (resolution, bucket), r in rollups.items():
        conn.execute("INSERT INTO rollups (service_id, resolution, bucket_usec, check_id, "
                     "n_pass, n_warn, n_fail, n_unknown, latency_n, latency_sum, "
                     "latency_min, latency_max) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     (service_id, resolution, bucket, check_id, *r))


def write_history(now):
    """Raw results and rollups for WATCHED; returns every result (raw or not)."""
    # (µs ago, status, latency µs or None, message, stored as a raw row)
    results_ago = [
        (10 * MINUTE + 7 * USEC, FAIL, None, 'connection refused, "port 80"\nretrying', True),
        (1 * HOUR + 3 * USEC, PASS, 1200, "ok", True),
        (5 * HOUR + 11 * USEC, WARN, 950_000, "slow: 950ms", True),
        (23 * HOUR + 5 * USEC, FAIL, 3000, "HTTP 503", True),
        (25 * HOUR + 17 * USEC, PASS, 800, "ok", True),
        (50 * HOUR + 1 * USEC, PASS, 700, "ok again", True),
        (71 * HOUR + 30 * USEC, FAIL, 4000, "HTTP 500", True),
        (80 * HOUR, PASS, 900, "old", True),
    ]
    # A healthy check repeating itself: counted in the rollups, not stored one by one.
    results_ago += [(2 * HOUR + i * 10 * USEC, PASS, 1000 + i, "ok", False) for i in range(20)]
    results_ago += [(49 * HOUR + i * 10 * USEC, PASS, 1000, "ok", False) for i in range(30)]

    every = [(now - ago, status, latency, message, raw)
             for ago, status, latency, message, raw in results_ago]

    with db() as conn:
        conn.execute("INSERT OR IGNORE INTO hosts (name) VALUES ('local-user')")
        host_id = conn.execute("SELECT id FROM hosts WHERE name = 'local-user'").fetchone()[0]
        for unit in (WATCHED, OTHER):
            conn.execute("INSERT INTO services (host_id, unit) VALUES (?, ?)", (host_id, unit))
        service_id = conn.execute("SELECT id FROM services WHERE unit = ?",
                                  (WATCHED,)).fetchone()[0]
        other_id = conn.execute("SELECT id FROM services WHERE unit = ?",
                                (OTHER,)).fetchone()[0]
        check_id = 7

        write_results(conn, service_id, check_id, every)

        # Incidents: one closed an hour after it opened, one still open; and one of
        # another service.
        conn.execute("INSERT INTO incidents (service_id, opened_usec, closed_usec, "
                     "worst_severity, cause, actions) VALUES (?, ?, ?, ?, ?, ?)",
                     (service_id, now - 5 * HOUR, now - 4 * HOUR, "critical",
                      "unit failed: exit status 3", '["restart (done)", "notified"]'))
        conn.execute("INSERT INTO incidents (service_id, opened_usec, closed_usec, "
                     "worst_severity, cause, actions) VALUES (?, ?, NULL, ?, ?, ?)",
                     (service_id, now - 10 * MINUTE, "warning", "check http failed", "[]"))
        conn.execute("INSERT INTO incidents (service_id, opened_usec, closed_usec, "
                     "worst_severity, cause, actions) VALUES (?, ?, ?, ?, ?, ?)",
                     (other_id, now - 2 * HOUR, now - 1 * HOUR, "critical", "other", "[]"))
    return every, service_id, other_id


def expected_summary(every, since, until):
    """What the rollups hold for [since, until) widened to whole minutes."""
    start = floor(since, MINUTE)
    end = until if until % MINUTE == 0 else floor(until, MINUTE) + MINUTE
    counts = [0, 0, 0, 0]
    for t, status, _, _, _ in every:
        if start <= t < end:
            counts[status] += 1
    return counts


def summary_counts(summary):
    return [summary["n_pass"], summary["n_warn"], summary["n_fail"], summary["n_unknown"]]


def test_history():
    r = tendctl("history", "tend-test-sleeper.service")
    check("history of a unit nobody watched exits 3", r.returncode == 3, r.returncode)
    check("... with the store's message", "keeps no history" in r.stderr, r.stderr)

    now = time.time_ns() // 1000
    every, service_id, other_id = write_history(now)

    r = tendctl("history", WATCHED, "--json")
    data = json_or_none(r.stdout)
    check("history --json exits 0 and parses", r.returncode == 0 and isinstance(data, dict),
          (r.returncode, r.stderr, r.stdout[:300]))
    if not isinstance(data, dict):
        return
    rows = data["results"]
    raw_24h = sorted((e for e in every if e[4] and e[0] >= now - DAY), key=lambda e: -e[0])
    check("history --json: the stored results of the last 24h, newest first",
          [row["time_usec"] for row in rows] == [e[0] for e in raw_24h], rows)
    check("history --json: status, latency and message as stored",
          [(row["status"], row["latency_usec"], row["message"]) for row in rows] ==
          [(STATUS[e[1]], e[2], e[3]) for e in raw_24h], rows)
    check("history --json: the check and the host", rows and rows[0]["check_id"] == 7
          and data["host"] == "local-user" and data["unit"] == WATCHED, data)
    summary = data["summary"]
    expected = expected_summary(every, data["since_usec"], data["until_usec"])
    check("history summary counts every result of the window from the rollups",
          summary_counts(summary) == expected, (summary, expected))
    check("history summary: 20 passes that are not raw rows are counted",
          summary["n_pass"] == 21 and summary["n_results"] == 24, summary)
    check("history summary: uptime is pass / all",
          abs(summary["uptime_percent"] - 100.0 * 21 / 24) < 1e-9, summary)
    check("history summary: latency range from the rollups",
          summary["latency_min_usec"] == 1000 and summary["latency_max_usec"] == 950_000, summary)
    check("history summary window is the period widened to whole minutes",
          summary["since_usec"] % MINUTE == 0 and summary["until_usec"] % MINUTE == 0
          and summary["since_usec"] <= data["since_usec"] < summary["since_usec"] + MINUTE,
          summary)

    # Three days: the window starts mid-day, so whole days, hours and minutes add up.
    r = tendctl("history", WATCHED, "--json", "--since", "3d")
    data = json.loads(r.stdout)
    raw_3d = [e for e in every if e[4] and e[0] >= now - 3 * DAY]
    check("history --since 3d includes the older results",
          len(data["results"]) == len(raw_3d) == 7, data["results"])
    expected = expected_summary(every, data["since_usec"], data["until_usec"])
    check("history --since 3d: the summary adds days, hours and minutes exactly",
          summary_counts(data["summary"]) == expected and sum(expected) == 57,
          (data["summary"], expected))

    r = tendctl("history", WATCHED, "--json", "--since", "3d", "--until", "24h")
    data = json.loads(r.stdout)
    check("history --until 24h leaves out the last day",
          [row["message"] for row in data["results"]] == ["ok", "ok again", "HTTP 500"],
          data["results"])
    expected = expected_summary(every, data["since_usec"], data["until_usec"])
    check("history --until: the summary too", summary_counts(data["summary"]) == expected
          and sum(expected) == 33, (data["summary"], expected))

    # A period that starts and ends inside an hour and a day, with results just outside
    # it in the same minute's neighbourhood, hour and day: only rollups that lie inside
    # the period (widened to whole minutes) may count.
    today = floor(now, DAY)
    since = today - 3 * DAY + 12 * HOUR + 30 * MINUTE + 17 * USEC
    until = today - DAY + 5 * HOUR + 45 * MINUTE + 30 * USEC
    around = [
        (since - 30 * USEC, FAIL, False),       # the minute before: out
        (since - 17 * USEC, WARN, True),        # the same minute as --since: in
        (since + 10 * MINUTE, PASS, True),
        (since + 3 * HOUR, PASS, True),
        (since - 90 * MINUTE, FAIL, False),     # the same day, another hour: out
        (since + 18 * HOUR, PASS, True),        # in the whole day between
        (until - 2 * HOUR, PASS, True),
        (until + 20 * USEC, UNKNOWN, True),     # the same minute as --until: in
        (until + 40 * USEC, FAIL, False),       # the minute after: out
        (until + 3 * HOUR, FAIL, False),        # the same day, later: out
    ]
    with db() as conn:
        write_results(conn, other_id, 9, [(t, status, 1000, "ok", False)
                                          for t, status, _ in around])

    def iso(t):
        return datetime.fromtimestamp(t // USEC, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    r = tendctl("history", OTHER, "--json", "--since", iso(since), "--until", iso(until))
    data = json_or_none(r.stdout) or {"summary": {}, "results": None}
    inside = [0, 0, 0, 0]
    for t, status, counted in around:
        inside[status] += counted
    check("history: a period inside hours and days counts exactly the results in it",
          data["results"] == [] and data["summary"].get("since_usec") == floor(since, MINUTE)
          and summary_counts(data["summary"]) == inside == [4, 1, 0, 1], (r.stderr, data))
    r = tendctl("history", OTHER, "--since", iso(since), "--until", iso(until))
    check("history text without stored results says so, and still sums up",
          r.stdout.startswith("-- No stored results in this period --\n")
          and "6 results (4 pass, 1 warn, 0 fail, 1 unknown), uptime 66.67%" in r.stdout,
          r.stdout)

    six_hours_ago = datetime.fromtimestamp((now - 6 * HOUR) / USEC).strftime("%Y-%m-%dT%H:%M:%S")
    r = tendctl("history", WATCHED, "--json", "--since", six_hours_ago)
    data = json_or_none(r.stdout) or {"results": []}
    check("history --since an ISO 8601 local time filters",
          [row["message"] for row in data["results"]] ==
          ['connection refused, "port 80"\nretrying', "ok", "slow: 950ms"], (r.stderr, data))

    r = tendctl("history", WATCHED, "--json", "--limit", "2")
    check("history --limit 2 gives the newest two",
          [row["status"] for row in json.loads(r.stdout)["results"]] == ["fail", "pass"],
          r.stdout)

    r = subprocess.run([TENDCTL, "history", WATCHED, "--csv", "--since", "3d"],
                       capture_output=True, timeout=60, env=env)
    text = r.stdout.decode()
    parsed = list(csv.reader(io.StringIO(text, newline="")))
    check("history --csv: a header line",
          parsed and parsed[0] == ["time", "time_usec", "status", "latency_usec", "check_id",
                                   "message"], parsed[:1])
    check("history --csv: one record per result, newest first",
          [int(row[1]) for row in parsed[1:]] ==
          sorted((e[0] for e in raw_3d), reverse=True), parsed)
    check("history --csv: a message with a comma, quotes and a newline reads back",
          len(parsed) > 1 and parsed[1][5] == 'connection refused, "port 80"\nretrying'
          and parsed[1][2] == "fail" and parsed[1][3] == "", parsed[1:2])
    check("history --csv: records end with CRLF",
          text.count("\r\n") == len(raw_3d) + 1 and text.endswith("\r\n"), text[-20:])

    r = tendctl("history", WATCHED)
    lines = r.stdout.splitlines()
    check("history text: a table, newest first, then the summary with the uptime",
          r.returncode == 0 and lines[0].split() == ["TIME", "STATUS", "LATENCY", "CHECK",
                                                    "MESSAGE"]
          and " fail " in lines[1] and "uptime 87.50%" in lines[-1], r.stdout)

    r = tendctl("history", "--system", WATCHED)
    check("history --system looks on the system host: no records there (exit 3)",
          r.returncode == 3 and "local-system" in r.stderr, r.stderr)
    r = tendctl("history", WATCHED, "--since", "soon")
    check("history --since nonsense exits 2", r.returncode == 2 and "--since" in r.stderr,
          r.stderr)
    r = tendctl("history", WATCHED, "--json", "--csv")
    check("history --json --csv exits 2", r.returncode == 2, r.returncode)
    r = tendctl("history", "../x")
    check("history of a bad unit name exits 2", r.returncode == 2, r.returncode)
    r = tendctl("history")
    check("history without a unit exits 2", r.returncode == 2, r.returncode)

    # incidents
    r = tendctl("incidents", WATCHED, "--json")
    incidents = json_or_none(r.stdout) or []
    check("incidents UNIT --json: the unit's two, newest first",
          r.returncode == 0 and [i["cause"] for i in incidents] ==
          ["check http failed", "unit failed: exit status 3"], incidents)
    if len(incidents) == 2:
        current, closed = incidents
        check("the open incident: open, not closed, lasting so far",
              current["open"] is True and current["closed"] is None
              and current["closed_usec"] is None and current["worst_severity"] == "warning"
              and current["duration_usec"] >= 10 * MINUTE, current)
        check("the closed incident: closed an hour after it opened",
              closed["open"] is False and closed["duration_usec"] == HOUR
              and closed["closed_usec"] == now - 4 * HOUR
              and closed["worst_severity"] == "critical", closed)
        check("the actions are the stored JSON array",
              closed["actions"] == ["restart (done)", "notified"] and current["actions"] == [],
              incidents)
    r = tendctl("incidents", "--json")
    every_incident = json_or_none(r.stdout) or []
    check("incidents --json: every service's, newest first",
          [i["service_id"] for i in every_incident] == [service_id, other_id, service_id],
          every_incident)
    r = tendctl("incidents", WATCHED)
    lines = r.stdout.splitlines()
    check("incidents text: the open one says open, the closed one its duration",
          lines and lines[0].split()[:2] == ["OPENED", "CLOSED"]
          and " open " in lines[1] and "1h" in lines[2]
          and "restart (done), notified" in lines[2], r.stdout)
    r = tendctl("incidents", "--limit", "1", "--json")
    check("incidents --limit 1 gives the newest", len(json.loads(r.stdout)) == 1, r.stdout)
    r = tendctl("incidents", "tend-test-sleeper.service")
    check("incidents of a unit nobody watched exits 3", r.returncode == 3, r.returncode)


def main():
    if not os.environ.get("TEND_SANDBOX"):
        print("1..0 # SKIP needs the systemd sandbox: run through tests/sandbox/tend-sandbox")
        return 0

    tmp = tempfile.mkdtemp(prefix="tend-test-store-")
    env["TEND_DATABASE"] = os.path.join(tmp, "tend.db")
    try:
        test_audit()
        test_config()
        test_history()
    finally:
        tendctl("stop", "tend-test-sleeper.service")
        shutil.rmtree(tmp, ignore_errors=True)

    return finish()


sys.exit(main())
