#!/usr/bin/python3
"""tendctl host add|list|show|set|remove|sudoers and --host NAME, against a real remote
host (tests/tendremote.py: OpenSSH's sshd on loopback in front of a second sandbox
systemd with tests/remote-units), as a user has it: ~/.ssh/config with a Host alias and
the client key as IdentityFile, and ~/.ssh/known_hosts, both under the sandbox's $HOME.

Usage: test-tendctl-host.py TENDCTL [--tap]   (in tend-sandbox; skips where sshd cannot run)
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tendremote import RemoteHost, RemoteUnavailable, _keygen, fingerprint  # noqa: E402
from tendtap import check, finish  # noqa: E402

TENDCTL = sys.argv[1]
TAP = "--tap" in sys.argv
REMOTE_UNIT = "tend-remote-test.service"
LOCAL_UNIT = "tend-test-sleeper.service"     # tests/units: only on this computer

env = dict(os.environ)
env.pop("SSH_AUTH_SOCK", None)               # keys from ~/.ssh/config only
HOME = env["HOME"]
SSH_DIR = os.path.join(HOME, ".ssh")
KNOWN_HOSTS = os.path.join(SSH_DIR, "known_hosts")
CONFIG = os.path.join(SSH_DIR, "config")


def skip(reason):
    if TAP:
        print(f"1..0 # SKIP {reason}")
        sys.exit(0)
    print(f"skipped: {reason}", file=sys.stderr)
    sys.exit(77)


def tendctl(*args, timeout=90):
    return subprocess.run([TENDCTL, *args], capture_output=True, text=True, timeout=timeout,
                          env=env, stdin=subprocess.DEVNULL)


def hosts():
    r = tendctl("host", "list", "--json")
    if r.returncode != 0:
        return None
    return {h["name"]: h for h in json.loads(r.stdout)}


def audit():
    r = tendctl("audit", "--json")
    return json.loads(r.stdout) if r.returncode == 0 else []


def last_audit(operation, host):
    rows = [a for a in audit() if a.get("operation") == operation and a.get("host") == host]
    return max(rows, key=lambda a: a.get("time_usec") or 0) if rows else None


def write_config(identity):
    with open(CONFIG, "w") as f:
        f.write(f"Host tend-remote 127.0.0.1\n"
                f"  HostName 127.0.0.1\n"
                f"  User root\n"
                f"  IdentityFile {identity}\n"
                f"  IdentitiesOnly yes\n")


def known_hosts_text():
    try:
        with open(KNOWN_HOSTS) as f:
            return f.read()
    except FileNotFoundError:
        return ""


def remote_active(remote):
    r = remote.ssh("systemctl", "--user", "is-active", REMOTE_UNIT)
    return r.stdout.strip()


def units_of(r):
    try:
        return {u["name"] for u in json.loads(r.stdout)}
    except (ValueError, KeyError, TypeError):
        return None


# ------------------------------------------------------------------------------------


def test_bad_input(port):
    # Refused by libtend (the name's rule): the database is made, and the refusal recorded.
    r = tendctl("host", "add", "web 1", f"ssh://127.0.0.1:{port}")
    check("bad input, bad name: exit 2, names the field", r.returncode == 2
          and "name" in r.stderr and "web 1" in r.stderr, (r.returncode, r.stderr))
    before = hosts()
    check("host list of a new inventory: no hosts", before == {}, before)
    r = tendctl("host", "list")
    check("host list says 0 hosts", r.returncode == 0 and "0 hosts listed" in r.stdout,
          (r.returncode, r.stdout, r.stderr))
    cases = [
        ("no address", ["r", "ssh://"], ["address"]),
        ("not ssh://", ["r", "http://127.0.0.1"], ["ssh://"]),
        ("a path", ["r", f"ssh://127.0.0.1:{port}/x"], ["/x"]),
        ("port 0", ["r", "ssh://root@127.0.0.1:0"], ["port", "1..65535"]),
        ("port 70000", ["r", "ssh://root@127.0.0.1:70000"], ["port", "70000", "1..65535"]),
        ("port not a number", ["r", "ssh://root@127.0.0.1:ssh"], ["port", "ssh"]),
        ("empty port", ["r", "ssh://root@127.0.0.1:"], ["port"]),
        ("empty user", ["r", f"ssh://@127.0.0.1:{port}"], ["user"]),
        ("user with spaces", ["r", f"ssh://ro ot@127.0.0.1:{port}"], ["user", "ro ot"]),
        ("bad access", ["r", f"ssh://127.0.0.1:{port}", "--access", "god"],
         ["--access", "viewer, operator or admin"]),
        ("bad scope", ["r", f"ssh://127.0.0.1:{port}", "--scope", "both"], ["--scope"]),
        ("IPv6 without brackets", ["r", "ssh://fe80::1:22"], ["address", "brackets"]),
        ("this computer's name", ["local-user", f"ssh://127.0.0.1:{port}"],
         ["name", "local-user", "this computer"]),
    ]
    for name, args, expected in cases:
        r = tendctl("host", "add", *args)
        check(f"bad input, {name}: exit 2", r.returncode == 2, (r.returncode, r.stdout, r.stderr))
        for text in expected:
            check(f"bad input, {name}: names {text!r}", text in r.stderr, r.stderr)
        check(f"bad input, {name}: says nothing was added", "Nothing was added" in r.stderr,
              r.stderr)
    check("bad input: no host stored", hosts() == before, hosts())
    row = last_audit("host-add", "web 1")
    check("bad input: a refused host add is in the audit log with its reason",
          row is not None and row.get("result") is None and "name" in (row.get("error") or ""),
          row)


def test_fingerprint(remote):
    port, fp = remote.port, remote.fingerprint
    url = f"ssh://root@127.0.0.1:{port}"
    add = ["host", "add", "r", url, "--scope", "user", "--access", "operator"]

    r = tendctl(*add)
    check("unknown key: exit 7", r.returncode == 7, (r.returncode, r.stdout, r.stderr))
    check("unknown key: prints the server's fingerprint exactly", fp in r.stderr, (fp, r.stderr))
    again = (f"tendctl host add r {url} --scope user --access operator "
             f"--accept-fingerprint {fp}")
    check("unknown key: prints the exact command to confirm it", again in r.stderr,
          (again, r.stderr))
    check("unknown key: nothing stored", hosts() == {}, hosts())
    check("unknown key: known_hosts unchanged", fp not in known_hosts_text()
          and f"[127.0.0.1]:{port}" not in known_hosts_text(), known_hosts_text())
    row = last_audit("host-add", "r")
    check("unknown key: audited, refused, with the fingerprint",
          row is not None and row.get("result") is None and fp in json.dumps(row), row)

    wrong = "SHA256:" + "A" * 43
    r = tendctl(*add, "--accept-fingerprint", wrong)
    check("wrong fingerprint: refused with exit 7", r.returncode == 7,
          (r.returncode, r.stdout, r.stderr))
    check("wrong fingerprint: says the key's real fingerprint", fp in r.stderr, r.stderr)
    check("wrong fingerprint: nothing stored", hosts() == {}, hosts())
    check("wrong fingerprint: known_hosts unchanged",
          f"[127.0.0.1]:{port}" not in known_hosts_text(), known_hosts_text())

    r = tendctl(*add, "--accept-fingerprint", "MD5:aa:bb")
    check("a fingerprint that is not SHA256: exit 2", r.returncode == 2, (r.returncode, r.stderr))

    r = tendctl(*add, "--accept-fingerprint", fp)
    check("right fingerprint: exit 0", r.returncode == 0, (r.returncode, r.stdout, r.stderr))
    check("right fingerprint: says what was added",
          f"+ host r (ssh root@127.0.0.1:{port}; scope user, access operator, sudo none)"
          in r.stdout, r.stdout)
    h = hosts() or {}
    check("right fingerprint: stored as given",
          h.get("r", {}) == {"name": "r", "kind": "ssh", "address": "127.0.0.1", "port": port,
                             "user": "root", "scope": "user", "access": "operator",
                             "sudo": "none"}, h)
    with open(remote.host_key_pub) as f:
        key = f.read().split()[1]
    check("right fingerprint: the key is in ~/.ssh/known_hosts now",
          any(line.startswith(f"[127.0.0.1]:{port}") and key in line
              for line in known_hosts_text().splitlines()), known_hosts_text())
    row = last_audit("host-add", "r")
    check("host add is audited as done", row is not None and row.get("result") == "done", row)

    r = tendctl(*add)
    check("name taken: exit 2", r.returncode == 2, (r.returncode, r.stderr))
    check("name taken: says so", "name" in r.stderr and "already" in r.stderr, r.stderr)


def test_services(remote):
    # A unit nothing references is loaded once started: start it first (and one of this
    # computer's, so that the lists can be told apart).
    r = tendctl("start", LOCAL_UNIT)
    check("a unit of this computer starts here", r.returncode == 0, (r.returncode, r.stderr))
    r = tendctl("--host", "r", "start", REMOTE_UNIT)
    check("--host r start: exit 0", r.returncode == 0, (r.returncode, r.stdout, r.stderr))
    check("--host r start: the unit runs on the remote", remote_active(remote) == "active",
          remote_active(remote))
    r = tendctl("--host", "r", "list", "--all", "--json")
    remote_units = units_of(r)
    check("--host r list: exit 0 with JSON", r.returncode == 0 and remote_units is not None,
          (r.returncode, r.stderr, r.stdout[:500]))
    check("--host r list shows the remote-only unit", remote_units and REMOTE_UNIT in remote_units,
          sorted(remote_units or []))
    check("--host r list does not show this computer's units",
          remote_units is not None and LOCAL_UNIT not in remote_units, sorted(remote_units or []))
    r = tendctl("list", "--all", "--json")
    local_units = units_of(r)
    check("tendctl list (this computer) does not show the remote unit",
          local_units is not None and REMOTE_UNIT not in local_units, r.stderr)
    check("tendctl list (this computer) shows this computer's unit",
          local_units is not None and LOCAL_UNIT in local_units, r.stderr)
    r = tendctl("list", "--all", "--host", "r")
    check("--host after the command works too", r.returncode == 0 and REMOTE_UNIT in r.stdout,
          (r.returncode, r.stderr))

    r = tendctl("--host", "r", "watch", REMOTE_UNIT)
    check("--host r watch: exit 0", r.returncode == 0, (r.returncode, r.stdout, r.stderr))
    exported = json.loads(tendctl("export").stdout)
    check("--host r watch: the service and its checks are r's in the inventory",
          {"host": "r", "unit": REMOTE_UNIT} in [{"host": x["host"], "unit": x["unit"]}
                                                for x in exported["services"]]
          and {("r", "unit"), ("r", "resources")} <= {(c["host"], c["name"])
                                                     for c in exported["checks"]},
          exported)
    check("--host r watch: r stays an SSH host",
          [h["kind"] for h in exported["hosts"] if h["name"] == "r"] == ["ssh"], exported["hosts"])
    r = tendctl("--host", "r", "watch", "tend-no-such-unit.service")
    check("--host r watch of a unit the remote lacks: exit 3", r.returncode == 3,
          (r.returncode, r.stderr))
    r = tendctl("--host", "r", "unwatch", REMOTE_UNIT)
    check("--host r unwatch: exit 0, gone", r.returncode == 0 and REMOTE_UNIT not in
          tendctl("export").stdout, (r.returncode, r.stderr))

    r = tendctl("--host", "r", "status", REMOTE_UNIT, "--json")
    try:
        status = json.loads(r.stdout)
        status = status[0] if isinstance(status, list) else status
    except ValueError:
        status = {}
    check("--host r status: active", r.returncode == 0 and "active" in json.dumps(status),
          (r.returncode, r.stderr, r.stdout[:500]))

    r = tendctl("--host", "r", "stop", REMOTE_UNIT)
    check("operator host refuses stop: exit 6", r.returncode == 6,
          (r.returncode, r.stdout, r.stderr))
    check("operator host refuses stop: says why and what to do",
          "r is an operator host in Tend: Stop needs admin access" in r.stderr
          and "tendctl host set r --access admin" in r.stderr, r.stderr)
    check("operator host refuses stop: the unit still runs", remote_active(remote) == "active",
          remote_active(remote))
    row = last_audit("stop", "r")
    check("operator host refuses stop: the audit row says refused",
          row is not None and row.get("result") is None and row.get("unit") == REMOTE_UNIT
          and "operator" in (row.get("error") or ""), row)

    r = tendctl("--host", "r", "restart", REMOTE_UNIT)
    check("operator host allows restart", r.returncode == 0, (r.returncode, r.stderr))
    row = last_audit("restart", "r")
    check("restart on r is audited as done", row is not None and row.get("result") == "done",
          row)

    r = tendctl("--host", "r", "logs", REMOTE_UNIT, "-n", "20")
    check("--host r logs: exit 0 with the remote unit's journal",
          r.returncode == 0 and r.stdout.strip() != "", (r.returncode, r.stdout, r.stderr))
    check("--host r logs: the journal says it started", "Started" in r.stdout
          or "Tend test" in r.stdout, r.stdout)

    r = tendctl("host", "set", "r", "--access", "admin")
    check("host set --access admin: exit 0", r.returncode == 0, (r.returncode, r.stderr))
    check("host set: says what changed", "r" in r.stdout and "admin" in r.stdout, r.stdout)
    row = last_audit("host-set", "r")
    check("host set is audited", row is not None and row.get("result") == "done", row)
    r = tendctl("host", "set", "r", "--access", "admin")
    check("host set to what it is: exit 0, nothing changed",
          r.returncode == 0 and "nothing changed" in r.stdout, (r.returncode, r.stdout))
    r = tendctl("host", "set", "nope", "--access", "admin")
    check("host set of an unknown host: exit 3", r.returncode == 3, (r.returncode, r.stderr))
    r = tendctl("--host", "r", "stop", REMOTE_UNIT)
    check("admin host: stop works", r.returncode == 0, (r.returncode, r.stderr))
    check("admin host: the unit stopped on the remote", remote_active(remote) == "inactive",
          remote_active(remote))

    tendctl("host", "set", "r", "--access", "viewer")
    r = tendctl("--host", "r", "start", REMOTE_UNIT)
    check("viewer host refuses start: exit 6", r.returncode == 6, (r.returncode, r.stderr))
    check("viewer host: says nothing can be changed there",
          "r is a viewer host in Tend: nothing can be changed there" in r.stderr, r.stderr)
    check("viewer host: the unit did not start", remote_active(remote) == "inactive",
          remote_active(remote))
    r = tendctl("--host", "r", "stop", REMOTE_UNIT)
    check("viewer host refuses stop: exit 6", r.returncode == 6, (r.returncode, r.stderr))
    row = last_audit("stop", "r")
    check("viewer host: the refused stop is audited",
          row is not None and row.get("result") is None and "viewer" in (row.get("error") or ""),
          row)
    r = tendctl("--host", "r", "status", REMOTE_UNIT)
    check("viewer host: reading works", r.returncode == 0 and REMOTE_UNIT in r.stdout,
          (r.returncode, r.stderr))
    tendctl("host", "set", "r", "--access", "operator")

    r = tendctl("host", "show", "r")
    check("host show: exit 0, connected, with the key's fingerprint",
          r.returncode == 0 and "connected" in r.stdout and remote.fingerprint in r.stdout,
          (r.returncode, r.stdout, r.stderr))
    r = tendctl("host", "show", "r", "--json")
    try:
        shown = json.loads(r.stdout)
    except ValueError:
        shown = {}
    check("host show --json: state connected, units counted",
          shown.get("state") == "connected" and (shown.get("units") or 0) > 0, shown)

    r = tendctl("host", "sudoers", "r")
    check("host sudoers: exit 0, lines for root with systemctl",
          r.returncode == 0 and "root" in r.stdout and "systemctl" in r.stdout,
          (r.returncode, r.stdout, r.stderr))

    r = tendctl("--host", "r", "history", REMOTE_UNIT)
    check("--host r history: the records of r's unit (none yet), named so",
          r.returncode == 3 and "on r" in r.stderr, (r.returncode, r.stderr))
    r = tendctl("--host", "r", "health")
    check("--host r health: exit 0", r.returncode == 0, (r.returncode, r.stderr))

    r = tendctl("--host", "nope", "list")
    check("unknown --host: exit 3", r.returncode == 3, (r.returncode, r.stderr))
    check("unknown --host: names it and lists the hosts", "nope" in r.stderr and "r" in r.stderr
          and "host list" in r.stderr, r.stderr)
    r = tendctl("--host", "r", "export")
    check("--host on a command about the whole of Tend: exit 2", r.returncode == 2,
          (r.returncode, r.stderr))


def test_changed_key(remote):
    port = remote.port
    saved = known_hosts_text()
    other = os.path.join(HOME, "other_host_key")
    _keygen(other, "other")
    other_fp = fingerprint(other + ".pub")
    with open(other + ".pub") as f:
        kind, key = f.read().split()[:2]
    with open(KNOWN_HOSTS, "w") as f:
        f.write(f"[127.0.0.1]:{port} {kind} {key}\n")

    r = tendctl("--host", "r", "list")
    check("changed host key: --host r list refused, exit 7", r.returncode == 7,
          (r.returncode, r.stdout, r.stderr))
    check("changed host key: both fingerprints said",
          remote.fingerprint in r.stderr and other_fp in r.stderr, r.stderr)
    r = tendctl("--host", "r", "start", REMOTE_UNIT)
    check("changed host key: start refused, nothing ran", r.returncode == 7
          and remote_active(remote) == "inactive", (r.returncode, r.stderr))
    r = tendctl("host", "show", "r", "--json")
    try:
        shown = json.loads(r.stdout)
    except ValueError:
        shown = {}
    check("changed host key: host show says host-key-changed",
          r.returncode == 7 and shown.get("state") == "host-key-changed", (r.returncode, shown))
    r = tendctl("host", "add", "r2", f"ssh://root@127.0.0.1:{port}", "--accept-fingerprint",
                remote.fingerprint)
    check("changed host key: --accept-fingerprint does not override it (exit 7)",
          r.returncode == 7 and other_fp in r.stderr and remote.fingerprint in r.stderr,
          (r.returncode, r.stderr))
    check("changed host key: says how to remove the old key", "ssh-keygen -R" in r.stderr,
          r.stderr)
    check("changed host key: r2 not stored", "r2" not in (hosts() or {}), hosts())
    check("changed host key: known_hosts keeps the old key",
          key in known_hosts_text(), known_hosts_text())
    with open(KNOWN_HOSTS, "w") as f:
        f.write(saved)


def test_wrong_client_key(remote):
    wrong = os.path.join(HOME, "wrong_client_key")
    _keygen(wrong, "wrong")
    write_config(wrong)
    r = tendctl("--host", "r", "list")
    check("wrong client key: exit 8", r.returncode == 8, (r.returncode, r.stdout, r.stderr))
    check("wrong client key: a clear message naming the host",
          "127.0.0.1" in r.stderr and ("key" in r.stderr or "authenticat" in r.stderr), r.stderr)
    write_config(remote.client_key)
    r = tendctl("--host", "r", "list")
    check("the right client key again: works", r.returncode == 0, (r.returncode, r.stderr))


def test_defaults(remote):
    port = remote.port
    r = tendctl("host", "add", "d", f"ssh://root@127.0.0.1:{port}")
    check("defaults: host add with an address only (known key): exit 0", r.returncode == 0,
          (r.returncode, r.stdout, r.stderr))
    d = (hosts() or {}).get("d", {})
    check("defaults: the inventory's for ssh: scope system, access viewer, sudo none",
          d.get("scope") == "system" and d.get("access") == "viewer" and d.get("sudo") == "none"
          and d.get("port") == port and d.get("user") == "root", d)
    r = tendctl("--host", "d", "stop", REMOTE_UNIT)
    check("defaults: a new host is a viewer: stop refused, exit 6", r.returncode == 6,
          (r.returncode, r.stderr))

    r = tendctl("host", "add", "alias", f"ssh://tend-remote:{port}", "--scope", "user")
    check("the ~/.ssh/config alias (HostName, User, IdentityFile from it): exit 0",
          r.returncode == 0, (r.returncode, r.stdout, r.stderr))
    a = (hosts() or {}).get("alias", {})
    check("alias: stored as typed, the user left to ssh's config",
          a.get("address") == "tend-remote" and a.get("user") is None, a)
    r = tendctl("--host", "alias", "status", REMOTE_UNIT)
    check("--host alias status reaches the remote through the config",
          r.returncode == 0 and REMOTE_UNIT in r.stdout, (r.returncode, r.stderr))


def test_remove():
    r = tendctl("host", "remove", "r")
    check("host remove r: exit 0", r.returncode == 0, (r.returncode, r.stdout, r.stderr))
    check("host remove r: gone from the list", "r" not in (hosts() or {}), hosts())
    row = last_audit("host-remove", "r")
    check("host remove is audited", row is not None and row.get("result") == "done", row)
    r = tendctl("host", "remove", "r")
    check("host remove of a host that is not there: exit 3", r.returncode == 3,
          (r.returncode, r.stderr))
    r = tendctl("watch", LOCAL_UNIT)
    check("watch a local unit (makes this computer's host)", r.returncode == 0,
          (r.returncode, r.stderr))
    r = tendctl("host", "remove", "local-user")
    check("this computer's host cannot be removed: exit 2", r.returncode == 2
          and "cannot be removed" in r.stderr, (r.returncode, r.stderr))
    r = tendctl("--host", "local-user", "list")
    check("--host local-user is this computer", r.returncode == 0, (r.returncode, r.stderr))


if os.environ.get("TEND_SANDBOX") != "1":
    skip("not in tend-sandbox (run through meson, or tests/sandbox/tend-sandbox)")

units = os.path.join(os.path.dirname(os.path.abspath(__file__)), "remote-units")
try:
    remote = RemoteHost(units=units).start()
except RemoteUnavailable as e:
    skip(str(e))

with remote:
    os.makedirs(SSH_DIR, mode=0o700, exist_ok=True)
    write_config(remote.client_key)
    test_bad_input(remote.port)
    test_fingerprint(remote)
    if (hosts() or {}).get("r"):
        test_services(remote)
        test_changed_key(remote)
        test_wrong_client_key(remote)
        test_defaults(remote)
        test_remove()
    else:
        check("host r was added, so the rest can run", False, hosts())

sys.exit(finish())
