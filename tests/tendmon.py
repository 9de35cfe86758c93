"""What the Python tests of the monitor share: tendctl, waiting, units, inventories.

    from tendmon import Tendctl, wait_until, main_pid, free_port
"""
import json
import os
import signal
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


def kill_main(unit, sig=signal.SIGKILL):
    """Sends @sig to @unit's main process; returns its pid, or 0 when the unit has none
    (os.kill of pid 0 would signal the test's own process group)."""
    pid = main_pid(unit)
    if pid > 0:
        os.kill(pid, sig)
    return pid


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


def sandboxed_with_notifications(run, tendctl, units, prefix):
    """As sandboxed(), with python3-dbusmock's notification server on the sandbox's bus
    while run(tmp) runs; skips the test when python3-dbusmock is missing."""
    try:
        import dbusmock  # noqa: F401
    except ImportError:
        print("1..0 # SKIP python3-dbusmock is not installed (Debian: python3-dbusmock)")
        return 0

    def with_server(tmp):
        mock = subprocess.Popen(["/usr/bin/python3", "-m", "dbusmock", "--template",
                                 "notification_daemon"], env=tendctl.env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            from tendtap import check
            check("the notification server is on the bus",
                  wait_until(lambda: notification_server_is_up(tendctl.env), 10))
            run(tmp)
        finally:
            mock.terminate()
            mock.wait()

    return sandboxed(with_server, tendctl, units, prefix)


def notifications(env):
    """What the notification server was asked: (replaces_id, summary, body, hints)."""
    import dbus
    bus = dbus.bus.BusConnection(env["DBUS_SESSION_BUS_ADDRESS"])
    mock = dbus.Interface(bus.get_object("org.freedesktop.Notifications",
                                         "/org/freedesktop/Notifications"),
                          "org.freedesktop.DBus.Mock")
    calls = []
    for _, args in mock.GetMethodCalls("Notify"):
        calls.append((int(args[1]), str(args[3]), str(args[4]), dict(args[6])))
    bus.close()
    return calls


def notification_server_is_up(env):
    import dbus
    bus = dbus.bus.BusConnection(env["DBUS_SESSION_BUS_ADDRESS"])
    try:
        return bool(bus.name_has_owner("org.freedesktop.Notifications"))
    finally:
        bus.close()


class Monitor:
    """A `tendctl monitor` in the background, its output appended to @log_path."""

    def __init__(self, tendctl, log_path):
        self.tendctl = tendctl
        self.log_path = log_path
        self.proc = None
        self.log = None

    def start(self, deadline_s=10):
        """Starts it; returns whether `tendctl health` says it runs within the deadline."""
        self.log = open(self.log_path, "a")
        self.proc = subprocess.Popen([self.tendctl.path, "monitor"], stdout=self.log,
                                     stderr=self.log, env=self.tendctl.env)
        return bool(wait_until(lambda: "Monitor: running" in self.tendctl("health").stdout,
                               deadline_s))

    def output(self):
        with open(self.log_path) as f:
            return f.read()

    def kill(self):
        """SIGKILL: what a crash leaves behind."""
        self.proc.kill()
        self.proc.wait()
        self.log.close()

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()

    def __enter__(self):
        if not self.start():
            raise RuntimeError("tendctl monitor does not start: " + self.output()[-2000:])
        return self

    def __exit__(self, *exc):
        self.stop()
