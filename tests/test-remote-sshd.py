#!/usr/bin/python3
"""The remote-host fixture (tendremote.py): real sshd on loopback in front of a second
sandbox systemd, reached with the real ssh client. Runs inside tend-sandbox (the local
host); a unit that exists only on the remote is seen over SSH and not here, a wrong host
key is refused, and nothing is left running afterwards.

Usage: test-remote-sshd.py [--tap]   (in tend-sandbox; exit 77 / TAP skip where it cannot run)
"""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tendremote import RemoteHost, RemoteUnavailable, _keygen  # noqa: E402
from tendtap import check, finish  # noqa: E402

UNIT = "tend-remote-test.service"
TAP = "--tap" in sys.argv


def skip(reason):
    if TAP:
        print(f"1..0 # SKIP {reason}")
        sys.exit(0)
    print(f"skipped: {reason}", file=sys.stderr)
    sys.exit(77)


def names(json_text):
    try:
        return {u["unit"] for u in json.loads(json_text)}
    except (ValueError, KeyError, TypeError):
        return None


def port_open(port):
    import socket
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


if os.environ.get("TEND_SANDBOX") != "1":
    skip("not in tend-sandbox (run through meson, or tests/sandbox/tend-sandbox)")

units = os.path.join(os.path.dirname(os.path.abspath(__file__)), "remote-units")
try:
    remote = RemoteHost(units=units).start()
except RemoteUnavailable as e:
    skip(str(e))

with remote:
    port, sshd_pid, d = remote.port, remote.sshd_pid, remote.dir
    check("fingerprint is SHA256:...", remote.fingerprint.startswith("SHA256:"),
          remote.fingerprint)
    with open(remote.known_hosts) as f:
        check("known_hosts names [127.0.0.1]:PORT",
              f.read().startswith(f"[127.0.0.1]:{port} ssh-ed25519 "), remote.known_hosts)

    r = remote.ssh("systemctl", "--user", "start", UNIT)
    check("ssh: systemctl --user start the remote unit", r.returncode == 0,
          (r.returncode, r.stderr))

    r = remote.ssh("systemctl", "--user", "list-units", "--all", "--output=json")
    remote_units = names(r.stdout)
    check("ssh: list-units --all --output=json exits 0 with JSON",
          r.returncode == 0 and remote_units is not None, (r.returncode, r.stderr, r.stdout[:300]))
    check("the remote unit is listed over SSH", remote_units and UNIT in remote_units,
          sorted(remote_units or []))

    r = remote.ssh("systemctl", "--user", "show", UNIT)
    props = dict(line.split("=", 1) for line in r.stdout.splitlines() if "=" in line)
    check("ssh: systemctl --user show: loaded and active",
          r.returncode == 0 and props.get("LoadState") == "loaded"
          and props.get("ActiveState") == "active", (r.returncode, r.stderr, props.get("LoadState"),
                                                     props.get("ActiveState")))

    local = subprocess.run(["systemctl", "--user", "list-units", "--all", "--output=json"],
                           capture_output=True, text=True, timeout=30)
    local_units = names(local.stdout)
    check("the local manager answers", local.returncode == 0 and local_units is not None,
          local.stderr)
    check("the remote unit is not in the local manager",
          local_units is not None and UNIT not in local_units, sorted(local_units or []))
    local_show = subprocess.run(["systemctl", "--user", "show", "-P", "LoadState", UNIT],
                                capture_output=True, text=True, timeout=30)
    check("the local manager cannot load the remote unit",
          local_show.stdout.strip() == "not-found", local_show.stdout)

    # Another host key under the same name: ssh must refuse the connection.
    _keygen(os.path.join(d, "other_key"), "other")
    with open(os.path.join(d, "other_key.pub")) as f:
        kind, key = f.read().split()[:2]
    wrong = os.path.join(d, "wrong_known_hosts")
    with open(wrong, "w") as f:
        f.write(f"[127.0.0.1]:{port} {kind} {key}\n")
    r = remote.ssh("true", known_hosts=wrong)
    check("a changed host key is refused by ssh",
          r.returncode == 255 and "Host key verification failed" in r.stderr,
          (r.returncode, r.stderr[-500:]))
    empty = os.path.join(d, "empty_known_hosts")
    open(empty, "w").close()
    r = remote.ssh("true", known_hosts=empty)
    check("an unknown host key is refused by ssh (StrictHostKeyChecking=yes)",
          r.returncode == 255 and "Host key verification failed" in r.stderr,
          (r.returncode, r.stderr[-500:]))
    r = subprocess.run(remote.ssh_args()[:-1] + ["-o", "IdentityFile=/dev/null",
                                                 "nobody-here@127.0.0.1", "true"],
                       capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    check("an unknown user is refused", r.returncode == 255, (r.returncode, r.stderr[-300:]))

    # kill_sshd() as a crash, restart_sshd() brings it back on the same port.
    remote.kill_sshd()
    r = remote.ssh("true")
    check("after kill_sshd() ssh cannot connect", r.returncode == 255, (r.returncode, r.stderr))
    new_pid = remote.restart_sshd()
    check("restart_sshd() starts another sshd", new_pid != sshd_pid and alive(new_pid),
          (new_pid, sshd_pid))
    r = remote.ssh("systemctl", "--user", "is-active", UNIT)
    check("after restart_sshd() the remote manager answers over ssh again",
          r.returncode == 0 and r.stdout.strip() == "active", (r.returncode, r.stdout, r.stderr))

check("the remote sandbox shut down cleanly", remote.exit_status == 0, remote.exit_status)
cgroups = [os.path.join(root, name) for root in ("/sys/fs/cgroup/unified", "/sys/fs/cgroup/systemd",
                                                 "/sys/fs/cgroup")
           for name in (f"tend-sandbox-{remote.sandbox_pid}.slice",
                        f"tend-sandbox-{remote.sandbox_pid}-command.scope")]
check("the remote sandbox's cgroups are removed",
      not any(os.path.exists(c) for c in cgroups), [c for c in cgroups if os.path.exists(c)])
for _ in range(50):
    if not alive(sshd_pid) and not port_open(port):
        break
    time.sleep(0.1)
check("sshd is gone", not alive(sshd_pid) and not alive(new_pid), (sshd_pid, new_pid))
check("nothing listens on the port any more", not port_open(port), port)
check("the fixture's directory is removed", not os.path.exists(d), d)
left = subprocess.run(["pgrep", "-f", f"tend-remote-sshd {d}"], capture_output=True, text=True)
check("no process of the fixture is left", left.stdout.strip() == "", left.stdout)
sys.exit(finish())
