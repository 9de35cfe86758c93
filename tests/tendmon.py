"""What the Python tests of the monitor share: tendctl, waiting, units, inventories.

    from tendmon import Tendctl, wait_until, main_pid, free_port
"""
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request

from tendtap import finish

HOST = "local-user"


class Tendctl:
    """Runs one tendctl binary with one environment (TEND_DATABASE, the sandbox's bus)."""

    def __init__(self, path, env):
        self.path = path
        self.env = env

    def __call__(self, *args, timeout=60):
        return subprocess.run([self.path, *args], capture_output=True, text=True,
                              timeout=timeout, env=self.env)

    def health(self):
        r = self("health", "--json")
        try:
            return json.loads(r.stdout)
        except ValueError:
            return None

    def service_health(self, unit):
        for s in (self.health() or {}).get("services", []):
            if s["unit"] == unit:
                return s
        return None

    def layer(self, unit, name):
        for entry in (self.service_health(unit) or {}).get("layers", []):
            if entry["name"] == name:
                return entry
        return None

    def status_is(self, unit, status):
        s = self.service_health(unit)
        return s if s and s["status"] == status else None

    def import_inventory(self, path, data):
        with open(path, "w") as f:
            json.dump(data, f)
        return self("import", path)


def answers_200(port):
    """Whether an HTTP server on 127.0.0.1:@port answers / with 200."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=0.5) as r:
            return r.status == 200
    except OSError:
        return False


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main_pid(unit):
    r = subprocess.run(["systemctl", "--user", "show", "-p", "MainPID", "--value", unit],
                       capture_output=True, text=True, timeout=30)
    return int(r.stdout.strip() or 0)


def wait_until(condition, deadline_s, step_s=0.05):
    """Polls condition() until it returns something true or the deadline passes."""
    end = time.monotonic() + deadline_s
    while True:
        value = condition()
        if value or time.monotonic() > end:
            return value
        time.sleep(step_s)


def check_spec(unit, name, kind, interval, timeout, failures, params, successes=1):
    return {"host": HOST, "unit": unit, "name": name, "kind": kind, "interval": interval,
            "timeout": timeout, "failures_before_hard": failures,
            "successes_before_recovered": successes, "startup_grace": "0s",
            "enabled": True, "params": params}


def policy_spec(unit, kind, **overrides):
    policy = {"host": HOST, "unit": unit, "kind": kind, "max_recoveries": 3,
              "window": "15min", "cooldown": "1min", "backoff_initial": "10s",
              "backoff_multiplier": 2.0, "backoff_max": "5min", "reset_after": "10min",
              "jitter": 0.0, "loop_threshold": 3, "loop_window": "5min"}
    policy.update(overrides)
    return policy


def inventory(units, checks, policies, config=None):
    return {
        "format": "tend-inventory", "version": 1,
        "hosts": [{"name": HOST, "kind": "local", "address": None, "port": None,
                   "user": None, "scope": "user", "sudo": "none", "access": "admin"}],
        "services": [{"host": HOST, "unit": u, "display_name": None, "tags": []}
                     for u in units],
        "checks": checks, "policies": policies, "config": config or {},
    }


def sandboxed(run, tendctl, units, prefix):
    """Runs run(tmp) inside tests/sandbox/tend-sandbox with a database of its own in tmp
    (TEND_DATABASE of tendctl's environment), then stops @units; returns the exit status
    of the TAP test, or skips it outside the sandbox."""
    if not os.environ.get("TEND_SANDBOX"):
        print("1..0 # SKIP needs the systemd sandbox: run through tests/sandbox/tend-sandbox")
        return 0

    tmp = tempfile.mkdtemp(prefix=prefix)
    tendctl.env["TEND_DATABASE"] = os.path.join(tmp, "tend.db")
    try:
        run(tmp)
    finally:
        for unit in units:
            tendctl("stop", unit)
        shutil.rmtree(tmp, ignore_errors=True)
    return finish()
