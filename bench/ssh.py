#!/usr/bin/python3
"""Benchmarks of issue 13: remote hosts over SSH, Tend (libssh) against OpenSSH.

Runs inside tests/sandbox/tend-sandbox (the local host; bench/ssh starts it). The remote
hosts are tests/tendremote.py's: OpenSSH's sshd on 127.0.0.1 in front of a second sandbox
systemd. Everything is reached the way a user reaches it: a `Host` alias in
$HOME/.ssh/config (the sandbox's HOME) and the host's key in $HOME/.ssh/known_hosts.

  latency   one remote host; per command, N times each, the two alternating in rounds:
            Tend's persistent session (tend_ssh_session_exec in build/bench/bench-ssh)
            against `ssh` multiplexed over a ControlMaster (one ssh process per command),
            and a new OpenSSH connection per command for reference (fewer rounds)
  list      the same host with 1,000 unit files and a target that loads them all (200
            running): Tend's backend list_units and host refresh against multiplexed
            `ssh HOST systemctl --user list-units --all`
  hosts     HOSTS sshd on HOSTS loopback ports (each its own host key), in front of one
            second sandbox: HOSTS TendHosts connected and refreshed at once from one main
            loop; RSS and threads; and HOSTS multiplexed-less `ssh` processes in parallel
  recover   kill -9 of a remote HTTP service (Restart=no) until it answers 200 again,
            with `tendctl monitor` watching it through an SSH port forward

Usage: ssh.py run BUILDDIR [--n N] [--rounds R] [--hosts H] [--host-runs K]
              [--recover K] [--only PART,...] [--json FILE]
       ssh.py sshds STATEDIR PORT...    (inside the remote sandbox: HOSTS sshd)
"""
import argparse
import http.client
import json
import os
import random
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(TOP, "tests"))

import tendremote  # noqa: E402
from tendremote import RemoteHost, RemoteUnavailable  # noqa: E402

ALIAS = "bench-remote"
N_UNITS = 1000
N_RUNNING = 200


def say(text):
    print(f"bench/ssh: {text}", file=sys.stderr, flush=True)


def pct(samples, p):
    s = sorted(samples)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def summary(samples):
    return {"n": len(samples), "median": statistics.median(samples), "p90": pct(samples, 90),
            "min": min(samples), "max": max(samples)}


# -- the remote sides -----------------------------------------------------------------

def write_units(d, http_port):
    """1,000 units and a target that loads all and starts 200 (as bench/run), and the
    HTTP service of the recovery benchmark (Restart=no: Tend recovers it)."""
    with open(os.path.join(d, "bench.target"), "w") as f:
        f.write("[Unit]\nDescription=Tend benchmark: 200 of 1000 units running\n")
        for i in range(1, N_UNITS + 1):
            if i <= N_RUNNING:
                f.write(f"Wants=bench-{i:04d}.service\n")
            f.write(f"After=bench-{i:04d}.service\n")
    for i in range(1, N_UNITS + 1):
        with open(os.path.join(d, f"bench-{i:04d}.service"), "w") as f:
            f.write(f"[Unit]\nDescription=Tend benchmark unit {i:04d}\n"
                    "[Service]\nExecStart=/bin/sleep infinity\n")
    with open(os.path.join(d, "bench-http.service"), "w") as f:
        f.write("[Unit]\nDescription=Tend benchmark: an HTTP server on the remote host\n"
                "StartLimitIntervalSec=0\n[Service]\nType=simple\n"
                f"ExecStart=/usr/bin/python3 -m http.server {http_port} --bind 127.0.0.1 "
                "--directory /\nRestart=no\n")


class ManyRemotes(RemoteHost):
    """HOSTS sshd, each on its own loopback port with its own host key, in front of one
    second sandbox (tend-remote-sshd once per port, started by `ssh.py sshds`)."""

    def __init__(self, n, units=None):
        super().__init__(units=units)
        self.n = n
        self.ports = []
        self.fingerprints = []

    def _start(self, timeout):
        d = self.dir
        self.client_key = os.path.join(d, "client_ed25519_key")
        tendremote._keygen(self.client_key, "tend-bench-client")
        lines = []
        for i in range(self.n):
            sub = os.path.join(d, f"h{i:02d}")
            os.mkdir(sub)
            tendremote._keygen(os.path.join(sub, "host_ed25519_key"), f"tend-bench-h{i:02d}")
            with open(self.client_key + ".pub") as src, \
                    open(os.path.join(sub, "authorized_keys"), "w") as dst:
                dst.write(src.read())
            port = tendremote._free_port()
            self.ports.append(port)
            with open(os.path.join(sub, "host_ed25519_key.pub")) as f:
                kind, key = f.read().split()[:2]
            lines.append(f"[127.0.0.1]:{port} {kind} {key}\n")
        self.known_hosts = os.path.join(d, "known_hosts")
        with open(self.known_hosts, "w") as f:
            f.writelines(lines)
        self.port = self.ports[0]
        cmd = [tendremote.SANDBOX] + (["--units", self.units] if self.units else []) + \
            ["--", "/usr/bin/python3", os.path.abspath(__file__),
             "sshds", d] + \
            [str(p) for p in self.ports]
        self.log = open(os.path.join(d, "sandbox.log"), "w")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.log, text=True)
        self.sandbox_pid = self.proc.pid
        line = self._read_line(max(timeout, 120) + self.n)     # a busy machine
        if not line.startswith("ready "):
            rc = self._reap()
            raise RuntimeError(f"{self.n} sshd did not start (status {rc}): {self._why()}")
        self.sshd_pid = int(line.split()[1])
        return self


def sshds(statedir, ports):
    """Inside the remote sandbox: tend-remote-sshd once per port (state in STATEDIR/hNN);
    "ready PID..." once all listen; stops them all when stdin ends. Without the fixture's
    command recorder (TEND_REMOTE_RECORD=0): sshd runs each command itself, as on a real
    host."""
    procs = []
    env = dict(os.environ, TEND_REMOTE_RECORD="0")     # sshd runs commands itself
    for i, port in enumerate(ports):
        procs.append(subprocess.Popen([tendremote.SSHD_WRAPPER,
                                       os.path.join(statedir, f"h{i:02d}"), port],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                      env=env))
    pids = []
    for p in procs:
        line = p.stdout.readline().split()
        if line[:1] != ["ready"]:
            print(f"sshds: an sshd did not start: {line}", file=sys.stderr)
            for q in procs:
                q.stdin.close()
            return 99
        pids.append(line[1])
    print("ready " + " ".join(pids), flush=True)
    try:
        sys.stdin.read()
    except KeyboardInterrupt:
        pass
    for p in procs:
        p.stdin.close()
    for p in procs:
        p.wait()
    return 0


def ssh_config(entries, client_key, known_hosts):
    """$HOME/.ssh/config with one Host alias per (alias, port), and known_hosts, as a user
    has them (absolute paths: OpenSSH takes ~ from the password database, not $HOME)."""
    home = os.environ["HOME"]
    ssh_dir = os.path.join(home, ".ssh")
    os.makedirs(ssh_dir, mode=0o700, exist_ok=True)
    kh = os.path.join(ssh_dir, "known_hosts")
    with open(known_hosts) as src, open(kh, "a") as dst:
        dst.write(src.read())
    config = os.path.join(ssh_dir, "config")
    with open(config, "a") as f:
        for alias, port in entries:
            f.write(f"Host {alias}\n  HostName 127.0.0.1\n  Port {port}\n  User root\n"
                    f"  IdentityFile {client_key}\n  IdentitiesOnly yes\n"
                    f"  UserKnownHostsFile {kh}\n  GlobalKnownHostsFile /dev/null\n"
                    "  StrictHostKeyChecking yes\n  BatchMode yes\n")
    return config


class OpenSsh:
    def __init__(self, config):
        self.config = config
        self.control = os.path.join(os.environ["HOME"], ".ssh", "cm-%C")

    def argv(self, alias, command, mux=True):
        opts = ["-o", "ControlMaster=auto", "-o", f"ControlPath={self.control}",
                "-o", "ControlPersist=60"] if mux else ["-o", "ControlMaster=no",
                                                       "-o", "ControlPath=none"]
        return ["ssh", "-F", self.config, *opts, alias, "--", *command]

    def run(self, alias, command, mux=True):
        """One ssh process; its wall time in ms (it must exit 0)."""
        t0 = time.perf_counter()
        r = subprocess.run(self.argv(alias, command, mux), stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        ms = (time.perf_counter() - t0) * 1000
        if r.returncode != 0:
            raise RuntimeError(f"ssh {shlex.join(command)}: status {r.returncode}: "
                               f"{r.stderr.decode(errors='replace')[-500:]}")
        return ms, r.stdout

    def stop_master(self, alias):
        subprocess.run(["ssh", "-F", self.config, "-o", f"ControlPath={self.control}",
                        "-O", "exit", alias], capture_output=True)


class BenchSsh:
    """build/bench/bench-ssh serve ALIAS: Tend's side, one persistent process."""

    def __init__(self, build, alias):
        self.proc = subprocess.Popen([os.path.join(build, "bench", "bench-ssh"), "serve",
                                      alias], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True)
        line = self.proc.stdout.readline().strip()
        if not line.startswith("ready"):
            raise RuntimeError(f"bench-ssh serve did not connect (status {self.proc.wait()})")
        # exec needs Tend's session, list and refresh its backend; raw needs neither
        self.ok = line == "ready" or line.startswith("ready without the backend")
        self.backend = line == "ready"
        if line != "ready":
            say(f"not all of Tend is there: {line}; measuring what is")

    def ask(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline().split()
        if not answer:
            raise RuntimeError(f"bench-ssh: no answer to {line!r} (status {self.proc.wait()})")
        extra = {k: int(v) for k, v in (w.split("=") for w in answer if "=" in w)}
        return [float(w) for w in answer if "=" not in w], extra

    def close(self):
        self.proc.stdin.write("quit\n")
        self.proc.stdin.close()
        self.proc.wait(30)


# -- the parts ------------------------------------------------------------------------

def part_latency(tend, ossh, n, rounds, new_n):
    """Per-command latency, Tend, the libssh floor and OpenSSH multiplexed alternating in
    ROUNDS rounds, and a few new OpenSSH connections in each round."""
    commands = {"true": ["true"],
                "show": ["systemctl", "--user", "show", "-p", "ActiveState",
                         "bench-0001.service"]}
    out = {}
    per = max(1, n // rounds)
    new_per = max(1, new_n // rounds)
    for name, cmd in commands.items():
        line = " ".join(cmd)
        if tend.ok:                                    # warm-up, every side
            tend.ask(f"exec 5 {line}")
        tend.ask(f"raw 5 {line}")
        for _ in range(5):
            ossh.run(ALIAS, cmd)
        t, f, m, c = [], [], [], []
        for _ in range(rounds):
            if tend.ok:
                t += tend.ask(f"exec {per} {line}")[0]
            f += tend.ask(f"raw {per} {line}")[0]
            m += [ossh.run(ALIAS, cmd)[0] for _ in range(per)]
            c += [ossh.run(ALIAS, cmd, mux=False)[0] for _ in range(new_per)]
        out[name] = {"command": shlex.join(cmd), "tend": summary(t) if t else None,
                     "libssh": summary(f), "openssh_mux": summary(m),
                     "openssh_new": summary(c),
                     "samples": {"tend": t, "libssh": f, "openssh_mux": m, "openssh_new": c}}
        say(f"latency {name}: Tend {t and statistics.median(t) or 0:.2f} ms, libssh floor "
            f"{statistics.median(f):.2f} ms, OpenSSH multiplexed {statistics.median(m):.2f} "
            f"ms, new connection {statistics.median(c):.2f} ms (medians)")
    return out


def part_list(tend, ossh, rounds):
    """1,000 remote units: Tend's list_units and refresh against ssh systemctl list-units."""
    plain = ["systemctl", "--user", "list-units", "--all", "--no-pager"]
    # exactly what the backend runs (tend_ssh_command_list_units (ctx, TRUE))
    as_json = ["systemctl", "--user", "list-units", "--all", "--no-legend", "--no-pager",
               "--plain", "--full", "--output=json"]
    if tend.backend:
        tend.ask("list 3")
        tend.ask("refresh 3")
    for _ in range(3):
        ossh.run(ALIAS, plain)
    samples = {k: [] for k in ("tend_list", "tend_refresh", "tend_exec_json", "libssh_json",
                               "openssh_mux", "openssh_mux_json", "tend_parse")}
    units = lines = 0
    for _ in range(rounds):
        if tend.backend:
            t, extra = tend.ask("list 1")
            samples["tend_list"] += t
            units = extra.get("units", 0)
            samples["tend_refresh"] += tend.ask("refresh 1")[0]
            samples["tend_parse"] += tend.ask("parse 1")[0]
        if tend.ok:
            samples["tend_exec_json"] += tend.ask(f"exec 1 {' '.join(as_json)}")[0]
        samples["libssh_json"] += tend.ask(f"raw 1 {' '.join(as_json)}")[0]
        ms, stdout = ossh.run(ALIAS, plain)
        samples["openssh_mux"].append(ms)
        lines = sum(1 for ln in stdout.decode().splitlines()
                    if ln.split(".")[-1].split()[:1] and "loaded" in ln)
        samples["openssh_mux_json"].append(ossh.run(ALIAS, as_json)[0])
    out = {"units": units, "openssh_lines": lines, "samples": samples}
    out.update({k: summary(v) if v else None for k, v in samples.items()})
    say(f"list: Tend {units} units, systemctl {lines} lines; medians: " +
        ", ".join(f"{k} {statistics.median(v):.2f} ms" for k, v in samples.items() if v))
    return out


def part_hosts(build, n_hosts, runs):
    """HOSTS sshd; Tend connects and refreshes them all at once; OpenSSH for reference."""
    say(f"hosts: starting {n_hosts} sshd in one remote sandbox")
    out = {"hosts": n_hosts, "tend": [], "tend_sessions": [], "openssh_parallel": []}
    t0 = time.monotonic()
    with ManyRemotes(n_hosts) as many:
        out["sshd_start_s"] = time.monotonic() - t0
        aliases = [f"bench-h{i:02d}" for i in range(n_hosts)]
        config = ssh_config(zip(aliases, many.ports), many.client_key, many.known_hosts)
        exe = os.path.join(build, "bench", "bench-ssh")
        ossh = OpenSsh(config)
        for run in range(runs):
            for mode in ("hosts", "sessions"):
                r = subprocess.run([exe, mode, *aliases], capture_output=True, text=True,
                                   timeout=300)
                try:
                    result = json.loads(r.stdout)
                except ValueError:
                    result = {"error": f"status {r.returncode}: {r.stderr[-800:]}"}
                out["tend" if mode == "hosts" else "tend_sessions"].append(result)
                if "error" in result:
                    say(f"hosts run {run + 1}, Tend {mode}: {result['error']}")
                    continue
                errors = [e["error"] for e in result["each"] if "error" in e]
                say(f"hosts run {run + 1}: Tend ({mode}) connected and refreshed {n_hosts} "
                    f"hosts in {result['connect_refresh_ms']:.0f} ms ({result['failed']} "
                    f"failed), again {result['refresh_again_ms']:.0f} ms, RSS "
                    f"{result.get('VmRSS', 0) / 1024:.1f} MB, {result.get('Threads')} "
                    "threads" + (f"; first error: {errors[0]}" if errors else ""))
            # OpenSSH: one ssh per host, all at once, each a new connection.
            cmd = ["systemctl", "--user", "list-units", "--all", "--no-pager"]
            t1 = time.perf_counter()
            procs = [subprocess.Popen(ossh.argv(a, cmd, mux=False), stdin=subprocess.DEVNULL,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                     for a in aliases]
            failed = sum(1 for p in procs if p.wait() != 0)
            ms = (time.perf_counter() - t1) * 1000
            out["openssh_parallel"].append({"ms": ms, "failed": failed})
            say(f"hosts run {run + 1}: {n_hosts} new OpenSSH connections in parallel "
                f"{ms:.0f} ms ({failed} failed)")
    return out


def answers_200(port, timeout=0.5):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", "/")
        return conn.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        conn.close()


def part_recover(build, remote, ossh, http_port, rounds):
    """kill -9 of the remote HTTP service; tendctl monitor recovers it over SSH."""
    sys.path.insert(0, os.path.join(TOP, "tests"))
    from tendmon import Tendctl, policy_spec, check_spec, wait_until
    env = dict(os.environ)
    tmp = tempfile.mkdtemp(prefix="tend-bench-ssh-")
    env["TEND_DATABASE"] = os.path.join(tmp, "tend.db")
    tendctl = Tendctl(os.path.join(build, "src", "tendctl", "tendctl"), env)
    unit = "bench-http.service"
    host = ALIAS
    # The set-up of bench/recover (issue 5), on the remote host.
    unit_check = dict(check_spec(unit, "unit", "unit", "1s", "500ms", 1, {}), host=host)
    http_check = dict(check_spec(unit, "http", "http", "1s", "500ms", 3,
                                 {"method": "GET", "url": f"http://127.0.0.1:{http_port}/",
                                  "expect_status": [200], "body_contains": None,
                                  "verify_tls": True, "latency_degraded": None}),
                      host=host, startup_grace="5s")
    policy = dict(policy_spec(unit, "on-failure", cooldown="0s", max_recoveries=100,
                              window="1min", loop_threshold=100, loop_window="1min"),
                  host=host)
    # The host as `tendctl host add bench-remote ssh://bench-remote:PORT --scope user`
    # makes it: its key is already in ~/.ssh/known_hosts. (The port is given: an
    # inventory host without one reads as port 22, not ~/.ssh/config's Port.)
    inv = {"format": "tend-inventory", "version": 1,
           "hosts": [{"name": "local-user", "kind": "local", "address": None, "port": None,
                      "user": None, "scope": "user", "sudo": "none", "access": "admin"},
                     {"name": host, "kind": "ssh", "address": ALIAS, "port": remote.port,
                      "user": None, "scope": "user", "sudo": "none", "access": "admin"}],
           "services": [{"host": host, "unit": unit, "display_name": None, "tags": []}],
           "checks": [unit_check, http_check], "policies": [policy],
           "config": {"recovery.breaker-timeout": "1s"}}
    path = os.path.join(tmp, "inventory.json")
    r = tendctl.import_inventory(path, inv)
    if r.returncode != 0:
        raise RuntimeError(f"tendctl import: {r.stderr.strip()}")
    remote.ssh("systemctl", "--user", "start", unit)
    # The first 200 is looked for through an SSH forward of our own (OpenSSH's master).
    fwd = tendremote._free_port()
    subprocess.run(["ssh", "-F", ossh.config, "-o", f"ControlPath={ossh.control}", "-O",
                    "forward", "-L", f"{fwd}:127.0.0.1:{http_port}", ALIAS],
                   check=True, capture_output=True)
    log = open(os.path.join(tmp, "monitor.log"), "w")
    monitor = subprocess.Popen([tendctl.path, "monitor"], env=env, stdout=log, stderr=log)
    runs, parts = [], []

    def attempts():
        import sqlite3
        try:
            with sqlite3.connect(env["TEND_DATABASE"], timeout=10) as db:
                return db.execute(
                    "SELECT success, restart_attempts.time_usec, duration_usec FROM "
                    "restart_attempts JOIN services ON services.id = service_id WHERE unit = ? "
                    "ORDER BY restart_attempts.id", (unit,)).fetchall()
        except sqlite3.Error:
            return []

    def at_rest(n=0):
        h = tendctl.service_health(unit)
        rows = attempts()
        return (len(rows) >= n and all(r[0] == 1 for r in rows) and h
                and h.get("status") == "healthy" and answers_200(fwd, timeout=0.2))

    try:
        if not wait_until(at_rest, 30):
            raise RuntimeError("the remote HTTP service is not healthy under Tend: "
                               f"{tendctl.service_health(unit)}")
        for i in range(rounds):
            time.sleep(0.5 + random.random())   # anywhere in the checks' 1 s cycle
            pid = int(remote.ssh("systemctl", "--user", "show", "-p", "MainPID", "--value",
                                 unit).stdout.strip() or 0)
            if pid <= 0:
                raise RuntimeError("the remote HTTP service has no main process")
            wall0 = time.time()
            t0 = time.monotonic()
            os.kill(pid, signal.SIGKILL)    # one kernel: the remote sandbox's pid is ours
            while True:
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.001)
            while not answers_200(fwd, timeout=0.2):
                time.sleep(0.005)
                if time.monotonic() - t0 > 60:
                    raise RuntimeError(f"round {i + 1}: no 200 within 60 s")
            ms = (time.monotonic() - t0) * 1000
            runs.append(ms)
            if not wait_until(lambda: at_rest(i + 1), 30, 0.02):
                raise RuntimeError(f"round {i + 1}: not healthy again under Tend: "
                                   f"{attempts()[-1:]} {tendctl.service_health(unit)}")
            # The attempt's duration includes its wait for the service to settle, after
            # the 200: only its start splits the figure.
            _, start_usec, duration_usec = attempts()[i]
            detect = start_usec / 1000 - wall0 * 1000
            parts.append({"detect_ms": detect, "after_ms": ms - detect,
                          "attempt_ms": (duration_usec or 0) / 1000})
            say(f"recover round {i + 1}: {ms:.0f} ms from kill -9 to 200 (to the recovery's "
                f"start {detect:.0f} ms)")
    finally:
        monitor.send_signal(signal.SIGTERM)
        try:
            monitor.wait(15)
        except subprocess.TimeoutExpired:
            monitor.kill()
            monitor.wait()
        log.close()
    history = tendctl("history", "--host", host, unit) if runs else None
    return {"runs": runs, "parts": parts, "summary": summary(runs) if runs else None,
            "history": history.stdout[-3000:] if history else ""}


# -- the report -----------------------------------------------------------------------

def f_ms(x):
    return f"{x:.2f}" if x < 100 else f"{x:.0f}"


def rows(r, keys, base):
    """Table rows "| label | n | median | p90 | / base |" for the keys of @r measured."""
    out = []
    for key, label in keys:
        x = r.get(key)
        if x is None:
            out.append(f"| {label} | — | not measured | | |")
            continue
        out.append(f"| {label} | {x['n']} | {f_ms(x['median'])} | {f_ms(x['p90'])} | "
                   f"{x['median'] / base:.2f} |")
    return out


def table(res):
    lines = []
    for name, r in res.get("latency", {}).items():
        lines += [f"| `{r['command']}`, ms per command | n | median | p90 | "
                  "/ OpenSSH multiplexed |", "|---|---:|---:|---:|---:|"]
        lines += rows(r, (("tend", "Tend: `tend_ssh_session_exec` on its session"),
                          ("libssh", "libssh alone, one thread, blocking (the floor)"),
                          ("openssh_mux", "OpenSSH multiplexed (ControlMaster), one `ssh` "
                                          "process per command"),
                          ("openssh_new", "OpenSSH, a new connection per command")),
                      r["openssh_mux"]["median"])
        lines.append("")
    if "list" in res:
        r = res["list"]
        lines += [f"| listing the remote units (Tend: {r['units']} units; systemctl: "
                  f"{r['openssh_lines']} lines), ms | n | median | p90 | "
                  "/ OpenSSH multiplexed |", "|---|---:|---:|---:|---:|"]
        lines += rows(r, (("tend_list", "Tend: the backend's `list_units`"),
                          ("tend_refresh", "Tend: host refresh (its model full)"),
                          ("tend_exec_json", "Tend: the session's exec of the backend's "
                                             "command, `systemctl --user list-units --all "
                                             "--no-legend --no-pager --plain --full "
                                             "--output=json`"),
                          ("tend_parse", "Tend: the backend's parse of that JSON alone, "
                                         "in-process"),
                          ("libssh_json", "libssh alone: the same command (the floor)"),
                          ("openssh_mux", "OpenSSH multiplexed: `ssh HOST systemctl --user "
                                          "list-units --all --no-pager`"),
                          ("openssh_mux_json", "OpenSSH multiplexed: the backend's "
                                               "command (`--output=json`)")),
                      r["openssh_mux"]["median"])
        lines.append("")
    if "hosts" in res:
        r = res["hosts"]
        lines += [f"| {r['hosts']} hosts at once, run | connected + listed, wall ms | slowest "
                  "connect ms | all listed again ms | services | failed | VmRSS MB | "
                  "VmHWM MB | threads |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for key, label in (("tend", "Tend: TendHosts (connect, refresh)"),
                           ("tend_sessions", "Tend: bare TendSshSessions (connect, exec "
                                             "list-units --output=json)")):
            for i, t in enumerate(r[key]):
                if "error" in t:
                    lines.append(f"| {label}, {i + 1} | not measured: "
                                 f"{t['error'][:120]} | | | | | | | |")
                    continue
                slow = max(e["connected_ms"] for e in t["each"])
                lines.append(f"| {label}, {i + 1} | {t['connect_refresh_ms']:.0f} | "
                             f"{slow:.0f} | {t['refresh_again_ms']:.0f} | {t['services']} | "
                             f"{t['failed']} | {t.get('VmRSS', 0) / 1024:.1f} | "
                             f"{t.get('VmHWM', 0) / 1024:.1f} | {t.get('Threads')} |")
        for i, o in enumerate(r["openssh_parallel"]):
            lines.append(f"| OpenSSH: {r['hosts']} `ssh` processes at once, new connections, "
                         f"`list-units --all`, {i + 1} | {o['ms']:.0f} | | | | {o['failed']} "
                         "| | | |")
        lines.append("")
    if res.get("recover"):
        r = res["recover"]
        lines += ["| kill -9 to 200 through the forward, ms | " +
                  " | ".join(str(i + 1) for i in range(len(r["runs"]))) + " | median |",
                  "|---|" + "---:|" * (len(r["runs"]) + 1),
                  "| remote `bench-http.service`, `tendctl monitor` | " +
                  " | ".join(f"{x:.0f}" for x in r["runs"]) +
                  f" | **{r['summary']['median']:.0f}** |"]
        for key, label in (("detect_ms", "… of which: the kill to the recovery's start "
                                          "(`restart_attempts.time_usec`)"),
                           ("after_ms", "… from the recovery's start (a `systemctl --user "
                                        "restart` over SSH) to the first 200")):
            xs = [p[key] for p in r["parts"]]
            lines.append(f"| {label} | " + " | ".join(f"{x:.0f}" for x in xs) +
                         f" | {statistics.median(xs):.0f} |")
        lines.append("")
    return "\n".join(lines)


def run(args):
    build = os.path.abspath(args.build)
    parts = set(args.only.split(",")) if args.only else {"latency", "list", "hosts",
                                                          "recover"}
    res = {"parts": sorted(parts)}
    http_port = tendremote._free_port()
    units = tempfile.mkdtemp(prefix="tend-bench-ssh-units-")
    write_units(units, http_port)
    if parts & {"latency", "list", "recover"}:
        say(f"starting the remote host ({N_UNITS} unit files)")
        with ManyRemotes(1, units=units) as remote:
            config = ssh_config([(ALIAS, remote.port)], remote.client_key, remote.known_hosts)
            r = remote.ssh("systemctl", "--user", "start", "bench.target")
            if r.returncode != 0:
                raise RuntimeError(f"bench.target: {r.stderr}")
            ossh = OpenSsh(config)
            ossh.run(ALIAS, ["true"])        # the master
            if parts & {"latency", "list"}:
                tend = BenchSsh(build, ALIAS)
                try:
                    if "latency" in parts:
                        res["latency"] = part_latency(tend, ossh, args.n, args.rounds,
                                                      args.new)
                    if "list" in parts:
                        res["list"] = part_list(tend, ossh, args.list_rounds)
                finally:
                    tend.close()
            if "recover" in parts and args.recover > 0:
                try:
                    res["recover"] = part_recover(build, remote, ossh, http_port, args.recover)
                except RuntimeError as e:
                    say(f"recover: not measured: {e}")
                    res["recover_error"] = str(e)
            ossh.stop_master(ALIAS)
    if "hosts" in parts:
        res["hosts"] = part_hosts(build, args.hosts, args.host_runs)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(res, f, indent=1)
    print(table(res))
    return 0


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "sshds":
        return sshds(sys.argv[2], sys.argv[3:])
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["run"])
    ap.add_argument("build")
    ap.add_argument("--n", type=int, default=200, help="commands per side (latency)")
    ap.add_argument("--rounds", type=int, default=10, help="alternations (latency)")
    ap.add_argument("--new", type=int, default=20, help="new OpenSSH connections (latency)")
    ap.add_argument("--list-rounds", type=int, default=30)
    ap.add_argument("--hosts", type=int, default=50)
    ap.add_argument("--host-runs", type=int, default=3)
    ap.add_argument("--recover", type=int, default=5)
    ap.add_argument("--only", help="latency,list,hosts,recover")
    ap.add_argument("--json", help="write every sample here")
    args = ap.parse_args()
    try:
        return run(args)
    except RemoteUnavailable as e:
        say(f"skipped: {e}")
        return 77


if __name__ == "__main__":
    sys.exit(main())
