#!/usr/bin/python3
"""tendctl policy, silence, resume and maintenance on a real database file (TAP).

No service manager: these commands change the stored inventory (read back with
`tendctl export`) and the store's silences and marks (read with sqlite3). A refused
change must leave both exactly as they were.

Usage: test-tendctl-policy.py TENDCTL
"""
import datetime
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import time

from tendmon import Tendctl
from tendtap import check, finish

env = dict(os.environ)
tendctl = Tendctl(sys.argv[1], env)
WEB = "web.service"


def export():
    r = tendctl("export")
    assert r.returncode == 0, r.stderr
    return r.stdout


def controls():
    """The store's silences and marks: {unit: (until µs, reason, manual, why, since µs)}."""
    if not os.path.exists(env["TEND_DATABASE"]):
        return {}  # commands that only read make no database
    with sqlite3.connect(env["TEND_DATABASE"], timeout=10) as db:
        return {row[0]: row[1:] for row in db.execute(
            "SELECT unit, silenced_until_usec, silence_reason, manual, manual_reason, "
            "manual_since_usec FROM service_controls "
            "JOIN services ON services.id = service_id")}


def policies():
    return json.loads(export())["policies"]


def refused(name, args, exit_status, *expected, refusal="nothing was changed"):
    """A refused change: its exit status, a message with each of @expected, and the
    inventory and the controls as they were."""
    before = (export(), controls())
    r = tendctl(*args)
    check(f"{name}: exit {exit_status}", r.returncode == exit_status,
          (r.returncode, r.stdout, r.stderr))
    for text in expected:
        check(f"{name}: the message says {text!r}", text in r.stderr, r.stderr)
    check(f"{name}: says {refusal!r}", refusal in r.stderr, r.stderr)
    check(f"{name}: prints nothing on stdout", r.stdout == "", r.stdout)
    check(f"{name}: nothing changed", (export(), controls()) == before)


def usage_error(name, args):
    r = tendctl(*args)
    check(f"usage error, {name}: exit 2 with a pointer to --help",
          r.returncode == 2 and "--help" in r.stderr, (r.returncode, r.stderr))


def show_json(unit=WEB):
    r = tendctl("policy", "show", unit, "--json")
    return json.loads(r.stdout) if r.returncode == 0 else None


def audit_rows(*operations):
    rows = json.loads(tendctl("audit", "--json", "--limit", "1000").stdout)
    return [row for row in rows if row["operation"] in operations]


# ------------------------------------------------------------------------------------
# policy


def test_policy():
    r = tendctl("policy", "show", WEB)
    check("show of a unit Tend does not watch exits 3 and says so",
          r.returncode == 3 and "Tend does not watch web.service on local-user" in r.stderr,
          (r.returncode, r.stderr))
    refused("set on a unit Tend does not watch", ("policy", "set", WEB, "--kind", "always"), 3,
            "Tend does not watch web.service on local-user", "tendctl watch web.service")

    tendctl("check", "add", WEB, "state", "--kind", "unit")
    tendctl("config", "set", "recovery.max-attempts", "4")
    tendctl("config", "set", "recovery.backoff-jitter-percent", "10")

    r = tendctl("policy", "show", WEB)
    lines = r.stdout.splitlines()
    check("show without a policy of its own: the default, from the configuration",
          r.returncode == 0 and lines[:2] == [
              "web.service on local-user",
              "Policy: on-failure (default: the recovery.* configuration)"], r.stdout)
    check("show: each setting under its option's name, the configuration's values",
          "  max-recoveries       4" in lines and "  window               15min" in lines
          and "  jitter               0.1" in lines
          and "  breaker-threshold    3 (recovery.breaker-threshold)" in lines
          and "  breaker-timeout      1min (recovery.breaker-timeout)" in lines, r.stdout)
    check("show: not silenced, no manual intervention, no monitor",
          lines[-3:] == ["Silenced: no", "Manual intervention required: no",
                         "Monitor: not running; Tend acts on this once it runs "
                         "(tendctl monitor)"], r.stdout)
    shown = show_json()
    check("show --json: the default policy with its values",
          shown is not None and shown["policy"]["source"] == "default"
          and shown["policy"]["kind"] == "on-failure"
          and shown["policy"]["max_recoveries"] == 4
          and shown["policy"]["window_usec"] == 15 * 60 * 1_000_000
          and shown["policy"]["jitter"] == 0.1
          and shown["policy"]["breaker_threshold"] == 3
          and shown["policy"]["breaker_timeout"] == "1min"
          and shown["recovery"] is None
          and shown["silenced"] is False and shown["manual_intervention_required"] is False
          and shown["monitor"] == {"running": False, "pid": None}, shown)

    r = tendctl("policy", "set", WEB, "--kind", "backoff", "--max-recoveries", "5",
                "--window", "30min", "--jitter", "0.25", "--backoff-max", "10min")
    check("set exits 0 and says what it added",
          r.returncode == 0 and r.stdout == "+ policy local-user/web.service (backoff)\n",
          (r.returncode, r.stdout, r.stderr))
    check("set stores the options given, and the configuration's values for the others",
          policies() == [{"host": "local-user", "unit": WEB, "kind": "backoff",
                          "max_recoveries": 5, "window": "30min", "cooldown": "5s",
                          "backoff_initial": "10s", "backoff_multiplier": 2.0,
                          "backoff_max": "10min", "reset_after": "10min", "jitter": 0.25,
                          "loop_threshold": 3, "loop_window": "5min"}], policies())
    shown = show_json()
    check("show --json: the service's own policy",
          shown is not None and shown["policy"]["source"] == "service"
          and shown["policy"]["kind"] == "backoff" and shown["policy"]["max_recoveries"] == 5
          and shown["policy"]["backoff_max"] == "10min", shown)
    r = tendctl("policy", "show", WEB)
    check("show: the service's own", "Policy: backoff (the service's own)" in r.stdout, r.stdout)

    before = export()
    r = tendctl("policy", "set", WEB, "--kind", "backoff", "--max-recoveries", "5",
                "--window", "30min", "--jitter", "0.25", "--backoff-max", "10min")
    check("setting the same policy changes nothing, and says so",
          r.returncode == 0 and r.stdout == "web.service on local-user has this policy "
          "already: nothing changed.\n" and export() == before, (r.returncode, r.stdout))

    r = tendctl("policy", "set", WEB, "--kind", "always", "--cooldown", "0s")
    check("set replaces the policy whole: what is left out is the configuration's again",
          r.returncode == 0 and r.stdout == "~ policy local-user/web.service: kind backoff → "
          "always, max_recoveries 5 → 4, window 30min → 15min, cooldown 5s → 0s, "
          "backoff_max 10min → 5min, jitter 0.25 → 0.1\n", (r.returncode, r.stdout, r.stderr))

    s = ("policy", "set", WEB, "--kind", "backoff")
    refused("max-recoveries 0", s + ("--max-recoveries", "0"), 2,
            "--max-recoveries: 0 is outside 1..100")
    refused("window under a minute", s + ("--window", "30s"), 2,
            "--window: 30s is outside 1min..1d")
    refused("cooldown over an hour", s + ("--cooldown", "2h"), 2,
            "--cooldown: 2h is outside 0s..1h")
    refused("jitter over 1", s + ("--jitter", "2"), 2, "--jitter: 2.0 is outside 0.0..1.0")
    refused("multiplier under 1", s + ("--backoff-multiplier", "0.5"), 2,
            "--backoff-multiplier: 0.5 is outside 1.0..10.0")
    refused("loop threshold 1", s + ("--loop-threshold", "1"), 2,
            "--loop-threshold: 1 is outside 2..100")
    refused("several problems at once, each said",
            s + ("--max-recoveries", "101", "--loop-window", "2d"), 2,
            "--max-recoveries: 101 is outside 1..100", "--loop-window: 2d is outside 1min..1d")
    refused("backoff-max below backoff-initial, given",
            s + ("--backoff-initial", "1min", "--backoff-max", "30s"), 2,
            "--backoff-max: 30s must be at least --backoff-initial (1min)")
    refused("the default backoff-max below a backoff-initial given",
            s + ("--backoff-initial", "10min"), 2,
            "--backoff-max: 5min must be at least --backoff-initial (10min); that is the "
            "default (recovery.backoff-max): give --backoff-max")
    refused("unknown kind", ("policy", "set", WEB, "--kind", "sometimes"), 2,
            '--kind: there is no kind of policy "sometimes"; use never, on-failure, always or '
            'backoff')
    refused("not a duration", s + ("--window", "often"), 2, '--window: "often" is not a duration')
    refused("not a whole number", s + ("--max-recoveries", "many"), 2,
            '--max-recoveries: "many" is not a whole number')
    refused("not a number", s + ("--backoff-multiplier", "x"), 2,
            '--backoff-multiplier: "x" is not a number')
    refused("bad unit name", ("policy", "set", "../x", "--kind", "never"), 2,
            "not a valid unit name")
    usage_error("policy set without --kind", ("policy", "set", WEB))
    usage_error("policy set without UNIT", ("policy", "set", "--kind", "never"))
    usage_error("policy without a subcommand", ("policy",))
    usage_error("policy with an unknown subcommand", ("policy", "edit", WEB))
    usage_error("policy show without UNIT", ("policy", "show"))

    r = tendctl("policy", "reset", WEB)
    check("reset exits 0 and says what it removed",
          r.returncode == 0 and r.stdout == "- policy local-user/web.service\n",
          (r.returncode, r.stdout, r.stderr))
    check("reset: the default applies again",
          policies() == [] and show_json()["policy"]["source"] == "default", policies())
    r = tendctl("policy", "reset", WEB)
    check("reset without a policy of its own exits 0 and changes nothing",
          r.returncode == 0 and "has no policy of its own" in r.stdout
          and "nothing changed" in r.stdout, (r.returncode, r.stdout))
    refused("reset of a unit Tend does not watch", ("policy", "reset", "other.service"), 3,
            "Tend does not watch other.service")

    rows = audit_rows("policy-set", "policy-reset")
    check("policy set and reset are audited from the command line, refusals included",
          sorted({(row["operation"], row["result"]) for row in rows}, key=str) == sorted(
              {("policy-set", "done"), ("policy-set", "unchanged"), ("policy-set", None),
               ("policy-reset", "done"), ("policy-reset", "unchanged"),
               ("policy-reset", None)}, key=str)
          and all(row["origin"] == "cli" for row in rows), rows[:4])
    first = [row for row in rows if row["operation"] == "policy-set"
             and row["result"] == "done"][-1]
    check("a policy set row has the options as given",
          first["unit"] == WEB and {k: v for k, v in first["parameters"].items()
                                    if k != "changed"} == {
              "kind": "backoff", "max_recoveries": "5", "window": "30min",
              "backoff_max": "10min", "jitter": "0.25"}, first)
    check("a policy set row says what it changed",
          len(first["parameters"]["changed"]) == 1
          and first["parameters"]["changed"][0][2:].startswith(f"policy local-user/{WEB}"),
          first)
    check("a refused policy set row has its error",
          any(row["result"] is None and "--window: 30s is outside" in (row["error"] or "")
              for row in rows), rows)


# ------------------------------------------------------------------------------------
# silence and resume


def test_silence():
    start = time.time()
    r = tendctl("silence", WEB, "--for", "1h", "--reason", "deploy of v2")
    check("silence --for exits 0 and says until when",
          r.returncode == 0 and r.stdout.startswith("web.service on local-user is silenced "
                                                    "until ")
          and "(in 59min" in r.stdout and ": deploy of v2." in r.stdout
          and "its checks still run" in r.stdout, (r.returncode, r.stdout, r.stderr))
    row = controls().get(WEB)
    check("silence --for: stored, an hour from now, with the reason",
          row is not None and abs(row[0] / 1e6 - (start + 3600)) < 10
          and row[1] == "deploy of v2" and row[2] == 0, row)
    shown = show_json()
    check("policy show --json: silenced, until when and why",
          shown["silenced"] is True and shown["silenced_until_usec"] == row[0]
          and shown["silence_reason"] == "deploy of v2"
          and shown["silenced_until"].endswith("Z"), shown)
    r = tendctl("policy", "show", WEB)
    check("policy show: silenced until when, and why",
          any(line.startswith("Silenced: until ") and line.endswith(": deploy of v2")
              for line in r.stdout.splitlines()), r.stdout)

    until = datetime.datetime.now().replace(second=0, microsecond=0) + \
        datetime.timedelta(hours=2)
    r = tendctl("silence", WEB, "--until", until.strftime("%Y-%m-%d %H:%M"))
    check("silence --until (local time) exits 0",
          r.returncode == 0 and "is silenced until" in r.stdout, (r.returncode, r.stderr))
    row = controls().get(WEB)
    check("silence --until: stored to the second, the reason gone",
          row is not None and row[0] == int(until.timestamp()) * 1_000_000 and row[1] is None,
          row)

    s = ("silence", WEB)
    refused("a silence of 0s", s + ("--for", "0s"), 2, "--for: 0s is outside 1s..365d")
    refused("a negative silence", s + ("--for=-5s",), 2, "--for:", "negative")
    refused("a silence over a year", s + ("--for", "400d"), 2,
            "--for: 400d is outside 1s..365d")
    refused("a silence until a past time", s + ("--until", "2020-01-01"), 2,
            "--until: ", "is in the past")
    refused("a silence until a duration", s + ("--until", "1h"), 2,
            "--until: '1h' is a duration, not a time; for a silence that long give --for 1h")
    refused("a silence until what is not a time", s + ("--until", "tomorrow"), 2,
            "--until: 'tomorrow' is not a time in ISO 8601")
    refused("a silence of a unit Tend does not watch", ("silence", "other.service", "--for",
                                                          "1h"), 3,
            "Tend does not watch other.service on local-user")
    refused("a silence of a bad unit name", ("silence", "a/b.service", "--for", "1h"), 2,
            "not a valid unit name")
    usage_error("silence without --for, --until or --clear", s)
    usage_error("silence with --for and --until", s + ("--for", "1h", "--until", "2030-01-01"))
    usage_error("silence --clear with --reason", s + ("--clear", "--reason", "x"))
    usage_error("silence without UNIT", ("silence", "--for", "1h"))

    r = tendctl("silence", WEB, "--clear")
    check("silence --clear exits 0 and says so",
          r.returncode == 0 and r.stdout == "web.service on local-user is no longer silenced.\n",
          (r.returncode, r.stdout, r.stderr))
    check("silence --clear: nothing is left in the store", WEB not in controls(), controls())
    r = tendctl("silence", WEB, "--clear")
    check("silence --clear of a unit not silenced: exit 0, nothing to clear",
          r.returncode == 0 and r.stdout == "web.service on local-user is not silenced: "
          "nothing to clear.\n", (r.returncode, r.stdout))


def test_resume():
    r = tendctl("resume", WEB)
    check("resume of a service that does not wait for a person: exit 0, nothing to resume",
          r.returncode == 0 and r.stdout.startswith("web.service on local-user does not wait "
                                                    "for a person")
          and r.stdout.endswith("nothing to resume.\n"), (r.returncode, r.stdout, r.stderr))

    # The monitor's mark after a restart loop, and a person's silence beside it.
    tendctl("silence", WEB, "--for", "2h")
    with sqlite3.connect(env["TEND_DATABASE"], timeout=10) as db:
        db.execute("UPDATE service_controls SET manual = 1, manual_reason = 'restart loop: 3 "
                   "recoveries in 5min', manual_since_usec = ?",
                   (int((time.time() - 600) * 1e6),))
    shown = show_json()
    check("policy show --json: manual intervention required, why and since when",
          shown["manual_intervention_required"] is True
          and shown["manual_reason"] == "restart loop: 3 recoveries in 5min"
          and shown["manual_since"] is not None, shown)
    r = tendctl("policy", "show", WEB)
    check("policy show: manual intervention required, and how to resume",
          "Manual intervention required: yes, since " in r.stdout
          and "(10min ago): restart loop: 3 recoveries in 5min" in r.stdout
          and "tendctl resume web.service" in r.stdout, r.stdout)

    r = tendctl("resume", WEB)
    check("resume exits 0 and says what it ended",
          r.returncode == 0 and r.stdout.startswith("web.service on local-user resumed: Tend "
                                                    "recovers it again by its policy.\n")
          and "restart loop: 3 recoveries in 5min." in r.stdout,
          (r.returncode, r.stdout, r.stderr))
    row = controls().get(WEB)
    check("resume clears the mark and leaves the silence",
          row is not None and row[2] == 0 and row[3] is None and row[0] > 0, row)
    refused("resume of a unit Tend does not watch", ("resume", "other.service"), 3,
            "Tend does not watch other.service")
    usage_error("resume without UNIT", ("resume",))
    tendctl("silence", WEB, "--clear")

    rows = audit_rows("silence", "silence-clear", "resume")
    ops = {(row["operation"], row["result"]) for row in rows}
    check("silence, silence --clear and resume are audited, refusals included",
          {("silence", "done"), ("silence", None), ("silence-clear", "done"),
           ("silence-clear", "unchanged"), ("resume", "done"), ("resume", "unchanged"),
           ("resume", None)} <= ops, ops)
    first = [row for row in rows if row["operation"] == "silence"][-1]
    check("a silence row has its duration and reason",
          first["parameters"] == {"for": "1h", "reason": "deploy of v2"}
          and first["host"] == "local-user" and first["unit"] == WEB, first)


# ------------------------------------------------------------------------------------
# maintenance


def maintenance_of(unit=WEB):
    return next(s["maintenance"] for s in json.loads(export())["services"] if s["unit"] == unit)


def test_maintenance():
    r = tendctl("maintenance", "list", WEB)
    check("list of a service without windows: exit 0, none",
          r.returncode == 0 and r.stdout.startswith("0 maintenance windows listed"),
          (r.returncode, r.stdout))

    # "Mon-Fri" "02:00-04:00" unquoted is one window; each is stored as Tend writes it.
    r = tendctl("maintenance", "add", WEB, "Mon-Fri", "02:00-04:00", "sat,sun  00:00-06:00")
    check("add exits 0 and says what changed",
          r.returncode == 0 and r.stdout == "~ service local-user/web.service: maintenance [] "
          "→ [\"Mon-Fri 02:00-04:00\", \"Sat,Sun 00:00-06:00\"]\n",
          (r.returncode, r.stdout, r.stderr))
    check("the windows are stored in Tend's form",
          maintenance_of() == ["Mon-Fri 02:00-04:00", "Sat,Sun 00:00-06:00"], maintenance_of())
    before = export()
    r = tendctl("maintenance", "add", WEB, "mon-fri 02:00-04:00")
    check("adding a window it has changes nothing, and says so",
          r.returncode == 0 and "has this maintenance window already: nothing changed" in
          r.stdout and export() == before, (r.returncode, r.stdout))

    r = tendctl("maintenance", "list")
    lines = r.stdout.splitlines()
    check("list: a row per window under HOST UNIT WINDOW NOW",
          r.returncode == 0 and lines[0].split() == ["HOST", "UNIT", "WINDOW", "NOW"]
          and [line.split()[:4] for line in lines[1:3]] == [
              ["local-user", WEB, "Mon-Fri", "02:00-04:00"],
              ["local-user", WEB, "Sat,Sun", "00:00-06:00"]]
          and "2 maintenance windows listed (local time)." in r.stdout, r.stdout)
    r = tendctl("maintenance", "list", WEB, "--json")
    rows = json.loads(r.stdout) if r.returncode == 0 else None
    check("list UNIT --json: the windows, and whether each lasts now",
          rows is not None and [(w["host"], w["unit"], w["window"]) for w in rows] == [
              ("local-user", WEB, "Mon-Fri 02:00-04:00"),
              ("local-user", WEB, "Sat,Sun 00:00-06:00")]
          and all(isinstance(w["active"], bool) for w in rows), rows)
    r = tendctl("maintenance", "list", "other.service")
    check("list of a unit Tend does not watch exits 3", r.returncode == 3, r.returncode)

    m = ("maintenance", "add", WEB)
    refused("a window with a bad day", m + ("Mon-Fry 02:00-04:00",), 2,
            "maintenance window 'Mon-Fry 02:00-04:00': 'Mon-Fry' is not a day or a range of "
            "days (Mon, Mon-Fri)")
    refused("a window with a bad time", m + ("Mon 25:00-04:00",), 2,
            "maintenance window 'Mon 25:00-04:00': '25:00-04:00' is not a time range "
            "HH:MM-HH:MM (00:00 to 23:59)")
    refused("an empty window", m + ("Tue 03:00-03:00",), 2, "'03:00-03:00' is empty")
    refused("a window of one word", m + ("daily",), 2,
            "maintenance window 'daily': it must be DAYS HH:MM-HH:MM")
    refused("a good window and a bad one: neither is added",
            m + ("Sun 01:00-02:00", "Sun 1:00-2:00"), 2, "'1:00-2:00' is not a time range")
    refused("too many windows", m + tuple(f"Mon 00:{i:02}-00:{i + 1:02}"
                                          for i in range(0, 30, 2)), 2,
            "WINDOW: the list of maintenance windows has 17 elements; at most 16 are allowed")
    refused("a window of a unit Tend does not watch",
            ("maintenance", "add", "other.service", "daily 01:00-02:00"), 3,
            "Tend does not watch other.service")
    refused("removing a window it does not have",
            ("maintenance", "remove", WEB, "Tue 01:00-02:00"), 3,
            "web.service on local-user has no maintenance window 'Tue 01:00-02:00'",
            "tendctl maintenance list web.service")
    usage_error("maintenance add without a window", ("maintenance", "add", WEB))
    usage_error("maintenance without a subcommand", ("maintenance",))

    r = tendctl("maintenance", "remove", WEB, "sat,sun 00:00-06:00")
    check("remove exits 0 and says what changed",
          r.returncode == 0 and r.stdout == "~ service local-user/web.service: maintenance "
          "[\"Mon-Fri 02:00-04:00\", \"Sat,Sun 00:00-06:00\"] → [\"Mon-Fri 02:00-04:00\"]\n",
          (r.returncode, r.stdout, r.stderr))

    rows = audit_rows("maintenance-add", "maintenance-remove")
    ops = {(row["operation"], row["result"]) for row in rows}
    check("maintenance add and remove are audited, refusals included",
          {("maintenance-add", "done"), ("maintenance-add", "unchanged"),
           ("maintenance-add", None), ("maintenance-remove", "done"),
           ("maintenance-remove", None)} <= ops, ops)
    first = [row for row in rows if row["operation"] == "maintenance-add"][-1]
    check("a maintenance add row has the windows as stored",
          first["parameters"]["windows"] == ["Mon-Fri 02:00-04:00", "Sat,Sun 00:00-06:00"]
          and first["parameters"]["changed"][0].startswith(f"~ service local-user/{WEB}: "
                                                           "maintenance"), first)


def main():
    tmp = tempfile.mkdtemp(prefix="tend-test-policy-")
    env["TEND_DATABASE"] = os.path.join(tmp, "tend.db")
    try:
        test_policy()
        test_silence()
        test_resume()
        test_maintenance()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return finish()


sys.exit(main())
