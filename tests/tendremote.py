"""A real remote host on loopback for the SSH tests (DESIGN.md §4, issue 13).

OpenSSH's sshd on 127.0.0.1 at a free port, in front of a second sandbox systemd (its
own tend-sandbox: mount namespace, user manager, journald and units), with an ed25519
host key and an authorized client key generated here. Needs root, like the sandbox.

    from tendremote import RemoteHost, RemoteUnavailable
    try:
        remote = RemoteHost(units="tests/remote-units").start()
    except RemoteUnavailable as e:
        print(f"1..0 # SKIP {e}"); sys.exit(0)
    with remote:
        remote.port, remote.fingerprint          # 2222x, "SHA256:..."
        remote.known_hosts, remote.client_key    # files for ssh -o UserKnownHostsFile, -i
        remote.ssh("systemctl", "--user", "list-units", "--all", "--output=json")
    # leaving the block stops sshd and the remote sandbox and removes the keys

remote.ssh_args() is the ssh command line (argv) without the remote command;
remote.env() the same facts as TEND_REMOTE_* variables. Run as a script
(`python3 tests/tendremote.py [--units DIR]`) it prints them as shell assignments
and keeps the host up until stdin reaches EOF (or Ctrl-D / Ctrl-C).

`python3 tests/tendremote.py [--units DIR] -- COMMAND ARGS...` runs COMMAND with the
TEND_REMOTE_* variables in its environment while the host is up, and exits with its
status (77 when the host cannot run here): the C tests of the SSH backend run so.
"""
import os
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SANDBOX = os.path.join(HERE, "sandbox", "tend-sandbox")
SSHD_WRAPPER = os.path.join(HERE, "sandbox", "tend-remote-sshd")
SSHD = "/usr/sbin/sshd"


class RemoteUnavailable(Exception):
    """The remote host cannot run here (no root, no sshd, no sandbox): skip, say why."""


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _keygen(path, comment):
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment,
                    "-f", path], check=True, capture_output=True, timeout=30)


def fingerprint(pubkey_path):
    """The SHA256:... fingerprint of a public key file, as ssh shows it."""
    r = subprocess.run(["ssh-keygen", "-l", "-E", "sha256", "-f", pubkey_path],
                       check=True, capture_output=True, text=True, timeout=30)
    return r.stdout.split()[1]


class RemoteHost:
    def __init__(self, units=None, user="root"):
        self.units = units
        self.user = user
        self.dir = None
        self.port = None
        self.proc = None
        self.sshd_pid = None
        self.wrapper_pid = None     # tend-remote-sshd: SIGUSR1 starts sshd again
        self.fingerprint = None
        self.known_hosts = None
        self.client_key = None
        self.host_key_pub = None
        self.sandbox_pid = None     # the remote tend-sandbox (its cgroups carry this pid)
        self.exit_status = None     # the remote tend-sandbox's, once stopped

    # -- start and stop -----------------------------------------------------------
    def start(self, timeout=30):
        if os.geteuid() != 0:
            raise RemoteUnavailable(f"needs root to run sshd and the sandbox (uid {os.geteuid()})")
        for tool in ("ssh", "ssh-keygen"):
            if not shutil.which(tool):
                raise RemoteUnavailable(f"'{tool}' not found (install openssh-client)")
        if not os.access(SSHD, os.X_OK):
            raise RemoteUnavailable(f"{SSHD} not found (install openssh-server)")
        self.dir = tempfile.mkdtemp(prefix="tend-remote.")
        try:
            self._start(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self, timeout):
        d = self.dir
        _keygen(os.path.join(d, "host_ed25519_key"), "tend-remote-host")
        self.client_key = os.path.join(d, "client_ed25519_key")
        _keygen(self.client_key, "tend-remote-client")
        shutil.copy(self.client_key + ".pub", os.path.join(d, "authorized_keys"))
        self.host_key_pub = os.path.join(d, "host_ed25519_key.pub")
        self.fingerprint = fingerprint(self.host_key_pub)

        for attempt in range(3):    # the port may be taken between picking and binding
            self.port = _free_port()
            cmd = [SANDBOX] + (["--units", self.units] if self.units else []) + \
                  ["--", SSHD_WRAPPER, d, str(self.port)]
            self.log = open(os.path.join(d, "sandbox.log"), "w")
            self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=self.log, text=True)
            self.sandbox_pid = self.proc.pid
            line = self._read_line(timeout)
            if line.startswith("ready "):
                self.sshd_pid = int(line.split()[1])
                with open(f"/proc/{self.sshd_pid}/stat") as f:
                    stat = f.read()
                self.wrapper_pid = int(stat[stat.rindex(")") + 2:].split()[1])
                break
            rc = self._reap()
            if rc == 77:
                raise RemoteUnavailable("the remote sandbox cannot start: " + self._why())
            if "Address already in use" not in self._file("sshd.log") or attempt == 2:
                raise RuntimeError(f"the remote host did not start (status {rc}): {self._why()}")
        with open(self.host_key_pub) as f:
            kind, key = f.read().split()[:2]
        self.known_hosts = os.path.join(d, "known_hosts")
        with open(self.known_hosts, "w") as f:
            f.write(f"[127.0.0.1]:{self.port} {kind} {key}\n")
        return self

    def _read_line(self, timeout):
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        if not sel.select(timeout):
            return ""
        return self.proc.stdout.readline().strip()

    def _file(self, name):
        try:
            with open(os.path.join(self.dir, name)) as f:
                return f.read()
        except OSError:
            return ""

    def _why(self):
        text = (self._file("sandbox.log") + self._file("sshd.log")).strip()
        return text[-1500:] or "no output"

    def _reap(self, timeout=30):
        """Closes the wrapper's stdin (it stops sshd, the sandbox shuts down); waits."""
        if self.proc is None:
            return None
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.terminate()     # tend-sandbox kills everything in its cgroups
            try:
                rc = self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                rc = self.proc.wait()
        self.proc.stdout.close()
        self.log.close()
        self.proc = None
        self.exit_status = rc
        return rc

    def stop(self):
        """Stops sshd and the remote sandbox, removes the keys. Safe to call twice."""
        rc = self._reap() if self.proc else self.exit_status
        if self.dir and os.environ.get("TEND_REMOTE_KEEP") != "1":
            shutil.rmtree(self.dir, ignore_errors=True)
        elif self.dir:
            print(f"tendremote: kept {self.dir}", file=sys.stderr)
        self.dir = None
        return rc

    def __enter__(self):
        return self if self.proc else self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- using it -----------------------------------------------------------------
    def ssh_args(self, known_hosts=None):
        return ["ssh", "-F", "/dev/null", "-p", str(self.port), "-i", self.client_key,
                "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
                "-o", f"UserKnownHostsFile={known_hosts or self.known_hosts}",
                "-o", "GlobalKnownHostsFile=/dev/null",
                "-o", "StrictHostKeyChecking=yes", "-o", "ConnectTimeout=10",
                f"{self.user}@127.0.0.1"]

    def ssh(self, *command, known_hosts=None, timeout=60):
        return subprocess.run(self.ssh_args(known_hosts) + ["--", *command],
                              capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)

    def sshd_pids(self):
        """The running sshd listener and every process under it (its sessions' sshd
        processes and their commands): what restart_sshd() and kill_sshd() act on."""
        listener = self._current_sshd_pid()
        children = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as f:
                    stat = f.read()
            except OSError:
                continue
            ppid = int(stat[stat.rindex(")") + 2:].split()[1])
            children.setdefault(ppid, []).append(int(entry))
        pids, todo = [], [listener]
        while todo:
            pid = todo.pop()
            pids.append(pid)
            todo.extend(children.get(pid, []))
        return pids

    def _current_sshd_pid(self):
        try:
            with open(os.path.join(self.dir, "sshd.pid")) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return self.sshd_pid

    def kill_sshd(self, sig=signal.SIGKILL):
        """Kills sshd as a crash would: the listener and every session's processes (killing
        the listener alone leaves the sessions' own sshd processes running)."""
        for pid in self.sshd_pids():
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass

    def restart_sshd(self, timeout=10):
        """Starts sshd again on the same port (after kill_sshd(), or to restart it): SIGUSR1
        to tend-remote-sshd, the listener's parent. Returns once the port answers."""
        old = self._current_sshd_pid()
        os.kill(self.wrapper_pid, signal.SIGUSR1)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._current_sshd_pid() != old:
                try:
                    with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                        return self._current_sshd_pid()
                except OSError:
                    pass
            time.sleep(0.05)
        raise RuntimeError(f"sshd did not come back on port {self.port} within {timeout} s")

    def env(self):
        return {"TEND_REMOTE_PORT": str(self.port), "TEND_REMOTE_USER": self.user,
                "TEND_REMOTE_FINGERPRINT": self.fingerprint,
                "TEND_REMOTE_KNOWN_HOSTS": self.known_hosts,
                "TEND_REMOTE_CLIENT_KEY": self.client_key,
                "TEND_REMOTE_SSHD_PID": str(self.sshd_pid),
                "TEND_REMOTE_SSHD_WRAPPER_PID": str(self.wrapper_pid),
                "TEND_REMOTE_DIR": self.dir}


def main():
    import argparse
    import shlex
    ap = argparse.ArgumentParser(description="Run a remote host on loopback until stdin ends.")
    ap.add_argument("--units", help="unit files for the remote sandbox")
    ap.add_argument("command", nargs=argparse.REMAINDER,
                    help="-- COMMAND ARGS...: run it with TEND_REMOTE_* set, then stop")
    args = ap.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    try:
        remote = RemoteHost(units=args.units).start()
    except RemoteUnavailable as e:
        print(f"tendremote: skipped: {e}", file=sys.stderr)
        if command and "--tap" in command:
            print(f"1..0 # SKIP {e}", flush=True)
            return 0
        return 77
    if command:
        with remote:
            return subprocess.run(command, env={**os.environ, **remote.env()}).returncode
    with remote:
        for k, v in remote.env().items():
            print(f"{k}={shlex.quote(v)}")
        print(f"# ssh: {shlex.join(remote.ssh_args())}", flush=True)
        try:
            sys.stdin.read()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
