#!/usr/bin/python3
"""Remote hosts in the window, end to end (TAP): the real `tend` in the sandbox, a real
remote host (tests/tendremote.py: sshd on loopback in front of a second sandbox systemd
with tests/remote-units), reached as a user has it: ~/.ssh/config with the client key as
IdentityFile, ~/.ssh/known_hosts, under the sandbox's $HOME.

1. `tendctl host add remote1 … --access viewer --accept-fingerprint FP` while the window
   is open: the host joins the sidebar by itself, "Online"; chosen, it lists its
   remote-only unit; on that unit's page Stop is insensitive in the accessibility tree
   (no STATE_SENSITIVE) and its description says why (the viewer access level).
2. "All Hosts" lists both hosts' services, with a Host column naming remote1.
3. The Add Host dialog: a field with a bad value says so beside it; Add for a host whose
   known_hosts key is wrong brings the changed-key alert (both fingerprints, no way to
   connect anyway); with the wrong key removed, Add brings the fingerprint confirmation
   showing the server's SHA256 fingerprint, and "Trust and Add" adds the host.
   `tendctl host set remote2 --scope user` then makes the window make it again.
4. remote2's key changes under it: after a restart its row says "Key changed", its page
   both fingerprints and no way to connect; the old key removed, "Key not trusted", and
   "Trust This Key…" (confirmed) brings it back Online, listing its services.
Screenshots: remote-host, remote-service-viewer, all-hosts, add-host-dialog,
host-key-changed, fingerprint-confirmation, host-page-key-changed, host-page-key-unknown,
remote-sidebar-narrow.

Usage: test-ui-remote.py TEND TENDCTL [--tap]     (inside tests/sandbox/tend-sandbox)
"""
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import tendui  # noqa: E402
from tendui import wait_until  # noqa: E402
from tendtap import check  # noqa: E402
from tendremote import RemoteHost, RemoteUnavailable, _keygen, fingerprint  # noqa: E402

TEND, TENDCTL = sys.argv[1], sys.argv[2]
REMOTE_UNIT = "tend-remote-test.service"    # tests/remote-units: only on the remote
HOME = os.environ.get("HOME", "/tmp")
SSH_DIR = os.path.join(HOME, ".ssh")
KNOWN_HOSTS = os.path.join(SSH_DIR, "known_hosts")


def write_ssh_config(remote):
    os.makedirs(SSH_DIR, mode=0o700, exist_ok=True)
    with open(os.path.join(SSH_DIR, "config"), "w") as f:
        f.write("Host 127.0.0.1 localhost\n"
                "  User root\n"
                f"  IdentityFile {remote.client_key}\n"
                "  IdentitiesOnly yes\n")
    open(KNOWN_HOSTS, "a").close()


def labels_on_screen(root):
    return [tendui.text(a) for a in tendui.walk(root)
            if tendui.role(a) == "label" and tendui.on_screen(a)]


def label(root, has):
    for a in tendui.walk(root):
        if tendui.role(a) == "label" and has in tendui.text(a) and tendui.on_screen(a):
            return a
    return None


def sidebar_row(window, title):
    """The sidebar's row whose title is @title: its label on screen."""
    for a in tendui.walk(window):
        if tendui.role(a) == "label" and tendui.text(a) == title and tendui.on_screen(a):
            return a
    return None


def row_words(window, title):
    """What the sidebar row of @title says ("remote1", "Online", "2 failed")."""
    for lst in tendui.walk(window):
        if tendui.role(lst) != "list" or tendui.name(lst) not in ("Remote Hosts",
                                                                   "This Computer"):
            continue
        for item in tendui.children(lst):
            words = [tendui.text(a) for a in tendui.walk(item) if tendui.role(a) == "label"]
            if title in words:
                return words
    return []


def entry_of(dialog, title):
    """The dialog's AdwEntryRow titled @title: a text node named so."""
    for a in tendui.walk(dialog):
        if tendui.role(a) in ("text", "entry") and tendui.name(a) == title:
            return a
    return None


def set_entry(ui, dialog, title, value):
    """Types @value into the field, as a person does: click, select all, type."""
    entry = entry_of(dialog, title)
    if entry is None:
        return False
    ui.focus_window("Add Host")
    ui.pointer_click(entry)
    ui.key("ctrl+a", "BackSpace")
    return ui.type_text(value) if value else True


def part_one(ui, remote, ctl):
    window = ui.wait_for_window("Tend")
    check("the window appears", window is not None, ui.log_tail())
    if window is None:
        return None
    check("no remote host yet: the sidebar says so",
          wait_until(lambda: label(window, "None yet"), 15), labels_on_screen(window))

    r = ctl("host", "add", "remote1", f"ssh://root@127.0.0.1:{remote.port}", "--scope", "user",
            "--access", "viewer", "--accept-fingerprint", remote.fingerprint, timeout=90)
    check("tendctl host add remote1 --access viewer", r.returncode == 0, (r.stdout, r.stderr))

    row = wait_until(lambda: sidebar_row(window, "remote1"), 30)
    check("the host added by tendctl joins the sidebar by itself", row,
          labels_on_screen(window))
    if row is None:
        return window
    online = wait_until(lambda: "Online" in row_words(window, "remote1"), 30)
    check("its row says 'Online', in a word", online, row_words(window, "remote1"))
    ui.click(row)
    listed = tendui.wait_for_list(ui, window, REMOTE_UNIT, deadline_s=30)
    check("chosen, it lists its remote-only unit", tendui.service_row(window, REMOTE_UNIT),
          f"by itself: {listed}; {labels_on_screen(window)[:40]}")
    ui.window_screenshot("remote-host", "Tend")

    heading = tendui.open_service(ui, window, REMOTE_UNIT)
    check("its page opens", heading, labels_on_screen(window)[:40])
    page = tendui.service_page(window)
    # An insensitive button is neither "showing" nor "sensitive" in GTK 4.8's tree
    stop = wait_until(lambda: tendui.find(page, "push button", "Stop"), 15) \
        if page is not None else None
    check("the page has a Stop button", stop is not None,
          tendui.describe(page) if page is not None else "no page")
    if stop is not None:
        sensitive = "sensitive" in tendui.states(stop)
        check("Stop is insensitive in the accessibility tree (no STATE_SENSITIVE)",
              not sensitive, tendui.states(stop))
        description = stop.description or ""
        check("Stop's accessible description says why (the viewer access level)",
              "viewer" in description, repr(description))
        restart = tendui.find(page, "push button", "Restart")
        check("so is Restart, on a viewer host", restart is not None and
              "sensitive" not in tendui.states(restart),
              tendui.states(restart) if restart else None)
    check("the page says so in words too", label(page, "viewer") if page else None,
          labels_on_screen(page)[:30] if page else None)
    ui.window_screenshot("remote-service-viewer", "Tend")
    # and libtend refuses it whatever the window shows
    r = ctl("--host", "remote1", "stop", REMOTE_UNIT)
    check("tendctl --host remote1 stop is refused (viewer)", r.returncode != 0,
          (r.returncode, r.stdout, r.stderr))
    return window


def part_two(ui, window):
    ui.key("alt+Left")
    row = wait_until(lambda: sidebar_row(window, "All Hosts"), 10)
    check("the sidebar has 'All Hosts'", row, labels_on_screen(window)[:30])
    if row is None:
        return
    ui.click(row)
    shown = tendui.wait_for_list(ui, window, REMOTE_UNIT, deadline_s=20)
    check("All Hosts lists the remote unit", tendui.service_row(window, REMOTE_UNIT),
          f"by itself: {shown}")
    rows = tendui.service_rows(window)
    remote_row = next((r for r in rows if r.get("name") == REMOTE_UNIT), None)
    check("…with a Host column that names remote1",
          remote_row is not None and remote_row.get("host") == "remote1", remote_row)
    tendui.search_services(ui, window, "")
    local = wait_until(lambda: any(r.get("host") == "Your services"
                                   for r in tendui.service_rows(window)), 15)
    check("…and this computer's services beside them", local,
          [r.get("host") for r in tendui.service_rows(window)][:20])
    # The picture: a unit both managers have, once per host, the remote one selected (its
    # row highlighted, the bar's buttons insensitive: remote1 is a viewer host).
    tendui.search_services(ui, window, "dbus")
    both = wait_until(lambda: {"remote1", "Your services"} <=
                      {r.get("host") for r in tendui.service_rows(window)}, 15)
    if both:
        row = next(r for r in tendui.service_rows(window) if r.get("host") == "remote1")
        ui.pointer_click(row["cell"])
        wait_until(lambda: any(r.get("host") == "remote1"
                               and "selected" in tendui.states(r["node"])
                               for r in tendui.service_rows(window)), 5)
    else:
        tendui.search_services(ui, window, "")
    ui.window_screenshot("all-hosts", "Tend")


def part_three(ui, window, remote):
    # A wrong key for [localhost]:PORT: the changed-key alert
    wrong = os.path.join(ui.tmp, "wrong_key")
    _keygen(wrong, "wrong")
    with open(wrong + ".pub") as f:
        kind, key = f.read().split()[:2]
    with open(KNOWN_HOSTS, "a") as f:
        f.write(f"[localhost]:{remote.port} {kind} {key}\n")
    wrong_fp = fingerprint(wrong + ".pub")

    ui.click(ui.wait_find(window, "push button", "Add Host…"))
    dialog = wait_until(lambda: ui.window("Add Host"), 15)
    check("'Add Host…' opens the Add Host dialog", dialog,
          [tendui.name(w) for w in ui.windows()])
    if dialog is None:
        return
    set_entry(ui, dialog, "Address", "localhost")
    set_entry(ui, dialog, "Port (optional)", "99999")
    said = wait_until(lambda: label(dialog, "is not a number from 1 to 65535"), 10)
    check("a bad port says so beside the field", said, tendui.describe(dialog))
    ui.window_screenshot("add-host-dialog", "Add Host")
    set_entry(ui, dialog, "Port (optional)", str(remote.port))
    check("mended, the message goes",
          wait_until(lambda: not label(dialog, "is not a number"), 10))
    set_entry(ui, dialog, "Name in Tend", "remote2")
    ui.click(ui.wait_find(dialog, "push button", "Add"))
    alert = wait_until(lambda: tendui.dialog(ui, "Host Key Changed"), 60)
    check("a changed key brings the 'Host Key Changed' alert", alert,
          [tendui.describe(w) for w in ui.windows()][-2:])
    if alert is not None:
        words = " ".join(labels_on_screen(alert))
        check("…with the old and the new fingerprint",
              wrong_fp in words and remote.fingerprint in words, words)
        check("…and how to fix known_hosts (ssh-keygen -R)", "ssh-keygen -R" in words, words)
        # (AdwMessageDialog 1.2 holds its buttons twice: a row and a column of them)
        buttons = {tendui.plain_name(tendui.name(b)) for b in tendui.walk(alert)
                   if tendui.role(b) == "push button"}
        check("…and no way to connect anyway: Close only", buttons == {"Close"}, buttons)
        ui.window_screenshot("host-key-changed", None)
        ui.click(tendui.find(alert, "push button", "Close"))
        wait_until(lambda: tendui.dialog(ui, "Host Key Changed") is None, 10)

    # The person removes the old key, as the alert says, and adds again
    subprocess.run(["ssh-keygen", "-R", f"[localhost]:{remote.port}", "-f", KNOWN_HOSTS],
                   capture_output=True, timeout=30)
    ui.click(ui.wait_find(dialog, "push button", "Add"))
    confirm = wait_until(lambda: tendui.dialog(ui, "Trust This Host"), 60)
    check("an unknown key asks first: 'Trust This Host’s Key?'", confirm,
          [tendui.describe(w) for w in ui.windows()][-2:])
    if confirm is None:
        return
    words = " ".join(labels_on_screen(confirm))
    check("…showing the server's SHA256 fingerprint", remote.fingerprint in words, words)
    ui.window_screenshot("fingerprint-confirmation", None)
    ui.click(ui.wait_find(confirm, "push button", "Trust and Add"))
    row = wait_until(lambda: sidebar_row(window, "remote2"), 60)
    check("'Trust and Add' adds the host: it joins the sidebar", row, labels_on_screen(window))
    with open(KNOWN_HOSTS) as f:
        check("…and its key is in known_hosts", f"[localhost]:{remote.port}" in f.read())
    r = ui.tendctl(TENDCTL)("host", "list", "--json")
    try:
        stored = {h["name"]: h for h in json.loads(r.stdout)}.get("remote2") or {}
    except (ValueError, KeyError, TypeError):
        stored = {}
    check("…as the dialog said: localhost, its port, operator access (the default)",
          stored.get("address") == "localhost" and stored.get("port") == remote.port
          and stored.get("access") == "operator", r.stdout)
    # The remote sandbox has no system bus: its units are its user manager's. Changed
    # with tendctl, the window makes the host again (a changed connection).
    r = ui.tendctl(TENDCTL)("host", "set", "remote2", "--scope", "user")
    check("tendctl host set remote2 --scope user", r.returncode == 0, (r.stdout, r.stderr))
    online = wait_until(lambda: "Online" in row_words(window, "remote2"), 60)
    check("the window follows: remote2, made again for its user manager, is Online",
          online, row_words(window, "remote2"))


def replace_known_key(port, pubkey_path):
    subprocess.run(["ssh-keygen", "-R", f"[localhost]:{port}", "-f", KNOWN_HOSTS],
                   capture_output=True, timeout=30)
    if pubkey_path is None:
        return
    with open(pubkey_path) as f:
        kind, key = f.read().split()[:2]
    with open(KNOWN_HOSTS, "a") as f:
        f.write(f"[localhost]:{port} {kind} {key}\n")


def part_four(ui, remote):
    """remote2's key changes under it (known_hosts says another): after a restart its row
    says 'Key changed' and its page shows both fingerprints, with no way to connect; with
    the old key removed it says 'Key not trusted', and 'Trust This Key…' brings it back."""
    wrong = os.path.join(ui.tmp, "wrong_key")
    replace_known_key(remote.port, wrong + ".pub")
    wrong_fp = fingerprint(wrong + ".pub")
    ui.start_tend()
    window = ui.wait_for_window("Tend")
    said = wait_until(lambda: "Key changed" in row_words(window, "remote2"), 60)
    check("a changed key: remote2's row says 'Key changed'", said, row_words(window, "remote2"))
    ui.click(sidebar_row(window, "remote2"))
    page = wait_until(lambda: label(window, "Host Key Changed"), 15)
    check("its page says 'Host Key Changed'", page, labels_on_screen(window))
    words = " ".join(labels_on_screen(window))
    check("…with the key known_hosts has and the one the host shows",
          wrong_fp in words and remote.fingerprint in words, words)
    buttons = {tendui.plain_name(tendui.name(b)) for b in tendui.walk(window)
               if tendui.role(b) == "push button" and tendui.on_screen(b)}
    check("…and no button to connect anyway", not buttons & {"Trust This Key…", "Try Again"},
          buttons)
    told = wait_until(lambda: [n for n in ui.notifications()
                               if n[1] == "remote2's host key has changed"], 30)
    check("the notification says the key changed (not just 'unreachable')", told,
          [n[1] for n in ui.notifications()])
    # The toast that repeats the notification about remote2 goes by itself (libadwaita's
    # 5 s); the picture is of the page, whose two keys it would cover.
    wait_until(lambda: not tendui.toast(window, "host key has changed"), 15, 0.2)
    ui.window_screenshot("host-page-key-changed", "Tend")

    replace_known_key(remote.port, None)
    said = wait_until(lambda: "Key not trusted" in row_words(window, "remote2"), 90)
    check("the old key removed: 'Key not trusted'", said, row_words(window, "remote2"))
    trust = wait_until(lambda: tendui.find(window, "push button", "Trust This Key…",
                                           showing=True), 15)
    check("its page offers 'Trust This Key…'", trust, labels_on_screen(window))
    ui.window_screenshot("host-page-key-unknown", "Tend")
    if trust is None:
        return
    ui.click(trust)
    confirm = wait_until(lambda: tendui.dialog(ui, "Trust This Host"), 15)
    check("…which asks first, with the fingerprint",
          confirm is not None and remote.fingerprint in " ".join(labels_on_screen(confirm)))
    if confirm is None:
        return
    ui.click(ui.wait_find(confirm, "push button", "Trust and Connect"))
    online = wait_until(lambda: "Online" in row_words(window, "remote2"), 60)
    check("trusted, remote2 is Online again", online, row_words(window, "remote2"))
    tendui.wait_for_list(ui, window, REMOTE_UNIT, deadline_s=30)
    check("…and lists its services, its remote-only unit among them",
          tendui.service_row(window, REMOTE_UNIT), labels_on_screen(window)[:30])

    ui.resize(360, 640, "Tend")
    ui.key("alt+Left")
    wait_until(lambda: sidebar_row(window, "remote2"), 10)
    time.sleep(1)           # the leaflet's slide to the sidebar
    ui.window_screenshot("remote-sidebar-narrow", "Tend")


def run():
    if os.environ.get("TEND_SANDBOX") != "1":
        raise tendui.SkipTest("not in tend-sandbox")
    try:
        remote = RemoteHost(units=os.path.join(HERE, "remote-units")).start()
    except RemoteUnavailable as e:
        raise tendui.SkipTest(str(e))
    with remote:
        write_ssh_config(remote)
        r = None
        for _ in range(3):      # the remote manager may still be starting on a busy machine
            try:
                r = remote.ssh("systemctl", "--user", "start", REMOTE_UNIT, timeout=30)
                break
            except subprocess.TimeoutExpired:
                continue
        check(f"{REMOTE_UNIT} runs on the remote", r is not None and r.returncode == 0,
              r.stderr if r is not None else "ssh timed out three times")
        with tendui.Session(TEND, env={"SSH_AUTH_SOCK": ""}) as ui:
            ctl = ui.tendctl(TENDCTL)
            ctl.env.pop("SSH_AUTH_SOCK", None)
            window = part_one(ui, remote, ctl)
            if window is not None:
                part_two(ui, window)
                part_three(ui, window, remote)
                part_four(ui, remote)


sys.exit(tendui.tap_main(run))
