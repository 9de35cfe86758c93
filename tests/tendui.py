"""The window end to end: the real `tend` under Xvfb, driven through its accessibility tree.

    from tendui import Session, skip_reason
    with Session(tend_path) as ui:
        window = ui.wait_for_window("Tend")
        ui.click(ui.wait_find(window, role="push button", name="Restart"))
        ui.screenshot("service-page")

A Session runs inside tests/sandbox/tend-sandbox (whose session bus carries the sandbox's
systemd user manager) and starts, each process its own and ended by its own pid:
  - Xvfb on a free display (-displayfd), 1280x800 unless told otherwise;
  - at-spi-bus-launcher, the accessibility bus, whose address (org.a11y.Bus.GetAddress)
    both tend and this process get as AT_SPI_BUS_ADDRESS;
  - python3-dbusmock's notification server (template notification_daemon), unless
    notifications=False; what it received is read with notifications();
  - the real `tend`, with GTK_A11Y=atspi, GSK_RENDERER=cairo, GDK_BACKEND=x11, settings
    in memory, XDG data/config/state/cache directories and TEND_DATABASE in a temporary
    directory; its output goes to tend.log there (shown by log_tail() on failure).

Nodes are pyatspi Accessibles. Roles are given by their AT-SPI names ("push button",
"toggle button", "label", "frame", "dialog", "text", "table cell" ...), as
`acc.getRoleName()` says them. Waiting is always for a condition with a deadline.

Screenshots go to $TEND_TEST_BUILDDIR/screenshots/NAME.png (build/tests/screenshots/);
tests/update-screenshots copies the chosen ones to docs/screenshots/.
"""
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

# Roles whose nodes a person presses: each must have an accessible name.
BUTTON_ROLES = ("push button", "toggle button", "check box", "radio button", "menu item",
                "toggle button", "link")
CLICK_ACTIONS = ("click", "activate", "press", "toggle", "jump")


class SkipTest(Exception):
    """The test cannot run here; the message says why."""


def skip_reason():
    """Why a window test cannot run here, or None."""
    if not os.environ.get("TEND_SANDBOX"):
        return "needs the systemd sandbox: run through tests/sandbox/tend-sandbox"
    for tool in ("Xvfb", "xdotool", "import"):
        if shutil.which(tool) is None:
            pkg = {"Xvfb": "xvfb", "xdotool": "xdotool", "import": "imagemagick"}[tool]
            return f"'{tool}' not found (Debian: {pkg})"
    if not os.access("/usr/libexec/at-spi-bus-launcher", os.X_OK):
        return "/usr/libexec/at-spi-bus-launcher not found (Debian: at-spi2-core)"
    try:
        import gi
        gi.require_version("Atspi", "2.0")
        import pyatspi  # noqa: F401
    except (ImportError, ValueError) as e:
        return f"pyatspi cannot be imported ({e}; Debian: python3-pyatspi, run /usr/bin/python3)"
    try:
        import dbusmock  # noqa: F401
    except ImportError:
        return "python3-dbusmock is not installed (Debian: python3-dbusmock)"
    return None


def tap_main(run):
    """Runs run() and prints TAP: a plan of 0 with SKIP when the test cannot run here
    (meson counts a non-zero TAP exit as an error), the points of tendtap otherwise."""
    from tendtap import finish
    reason = skip_reason()
    if reason:
        print(f"1..0 # SKIP {reason}")
        return 0
    try:
        run()
    except SkipTest as e:
        print(f"1..0 # SKIP {e}")
        return 0
    except Exception:
        import traceback
        from tendtap import check
        check("the test ran to its end", False, traceback.format_exc())
    return finish()


def wait_until(condition, deadline_s, step_s=0.05):
    """Polls condition() until it returns something true or the deadline passes; returns
    its last value."""
    end = time.monotonic() + deadline_s
    while True:
        try:
            value = condition()
        except Exception:   # a node that went away while we looked (GLib.Error ...)
            value = None
        if value or time.monotonic() > end:
            return value
        time.sleep(step_s)


def screenshot_dir():
    build = os.environ.get("TEND_TEST_BUILDDIR") or tempfile.gettempdir()
    path = os.path.join(build, "screenshots")
    os.makedirs(path, exist_ok=True)
    return path


# ------------------------------------------------------------------------------------
# Reading the tree


def role(acc):
    try:
        return acc.getRoleName()
    except Exception:
        return ""


def name(acc):
    try:
        return acc.name or ""
    except Exception:
        return ""


def text(acc):
    """What a label or an entry shows: its Text, or its name."""
    try:
        t = acc.queryText()
        return t.getText(0, t.characterCount)
    except Exception:
        return name(acc)


def states(acc):
    import pyatspi
    try:
        s = acc.getState()
        return {pyatspi.stateToString(x) for x in s.getStates()}
    except Exception:
        return set()


def show_tab(ui, window, tab_name):
    """Clicks the service page's view switcher tab @tab_name and waits until it is
    selected; returns the tab, or None when there is none."""
    tab = ui.wait_find(window, "page tab", tab_name)
    if tab is not None:
        ui.click(tab)
        wait_until(lambda: "selected" in states(tab), 5)
    return tab


def children(acc):
    try:
        n = acc.childCount
    except Exception:
        return []
    out = []
    for i in range(n):
        try:
            c = acc.getChildAtIndex(i)
        except Exception:
            c = None
        if c is not None:
            out.append(c)
    return out


def walk(acc, depth=0, max_depth=60):
    """Every node under @acc, @acc first (depth first)."""
    yield acc
    if depth >= max_depth:
        return
    for c in children(acc):
        yield from walk(c, depth + 1, max_depth)


def plain_name(s):
    """The name a person sees. GTK 4.8 names a button whose label has a mnemonic by its
    label property followed by its label's text: "_Restart Restart" (and "Stop Stop"
    when an accessible label is set as well); this gives "Restart"."""
    half = len(s) // 2
    if len(s) % 2 == 1 and s[half] == " " and s[:half].replace("_", "") == s[half + 1:]:
        return s[half + 1:]
    for i, c in enumerate(s):
        if c == " " and s[:i].replace("_", "") == s[i + 1:]:
            return s[i + 1:]
    return s


def doubled_names(root):
    """Buttons whose name GTK 4.8 doubles ("_Restart Restart"), each as role and name."""
    return [f"{role(a)} {name(a)!r}" for a in walk(root)
            if role(a) in BUTTON_ROLES and plain_name(name(a)) != name(a)]


def matches(acc, role_name=None, name_is=None, name_has=None, showing=False):
    if role_name is not None:
        r = role(acc)
        if (r not in role_name) if isinstance(role_name, (tuple, list)) else r != role_name:
            return False
    if name_is is not None and plain_name(name(acc)) != name_is:
        return False
    if name_has is not None and name_has.lower() not in name(acc).lower():
        return False
    if showing and not on_screen(acc):
        return False
    return True


def toplevel(acc):
    """The window (frame, dialog) the node is in."""
    top = acc
    for _ in range(200):
        try:
            parent = top.parent
        except Exception:
            return top
        if parent is None or role(parent) in ("application", "desktop frame"):
            return top
        top = parent
    return top


def same(a, b):
    try:
        return a == b or (a.get_process_id() == b.get_process_id() and a.path == b.path)
    except Exception:
        return False


def on_screen(acc):
    """Whether the node is drawn. GTK 4.8 keeps hidden stack pages and unrevealed
    children in the tree with the states of visible ones, and a page once shown keeps
    its size when hidden: the node must have a size, and what its window has at the
    node's centre must be the node or inside it."""
    import pyatspi
    try:
        box = acc.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
    except Exception:
        return False
    if box.width <= 0 or box.height <= 0:
        return False
    try:
        hit = toplevel(acc).queryComponent().getAccessibleAtPoint(
            box.x + box.width // 2, box.y + box.height // 2, pyatspi.WINDOW_COORDS)
    except Exception:
        hit = None
    if hit is None:
        # No answer, as for a button whose centre is its icon (GTK picks the image,
        # which is not in the tree): the size is all there is to go by.
        return True
    for _ in range(100):
        if hit is None:
            return False
        if same(hit, acc):
            return True
        try:
            hit = hit.parent
        except Exception:
            return False
    return False


def find_all(root, role=None, name=None, name_has=None, showing=False):
    return [a for a in walk(root) if matches(a, role, name, name_has, showing)]


def find(root, role=None, name=None, name_has=None, showing=False):
    for a in walk(root):
        if matches(a, role, name, name_has, showing):
            return a
    return None


def texts(root, role_name=("label", "text", "table cell"), showing=True):
    """What the nodes of @role_name under @root say, in tree order (what is drawn only,
    unless showing=False)."""
    return [text(a) for a in walk(root) if matches(a, role_name, showing=showing)]


def describe(acc, depth=0, max_depth=40):
    """The tree under @acc as indented text: role, name, states of note."""
    lines = []
    for_states = ("showing", "focused", "selected", "checked", "sensitive")

    def rec(a, d):
        s = states(a)
        flags = ",".join(x for x in for_states if x in s)
        lines.append(f"{'  ' * d}[{role(a)}] {name(a)!r} {flags}")
        if d < max_depth:
            for c in children(a):
                rec(c, d + 1)
    rec(acc, depth)
    return "\n".join(lines)


def made_up_name(s):
    """Whether @s is no name at all: empty, or what GTK 4.8 says when a widget has none —
    the type name of the widget or of its child ("GtkImage" for an icon-only button)."""
    s = s.strip()
    return not s or bool(re.fullmatch(r"(Gtk|Adw|Gdk|Tend)[A-Z][A-Za-z0-9]*", s))


def unnamed_buttons(root):
    """Buttons (push, toggle, check, radio, menu item, link) with no accessible name of
    their own: what a screen reader would read as just "button" (or as "GtkImage").
    Each as its role, its made-up name and its path from @root."""
    bad = []

    def rec(a, path, exempt):
        r = role(a)
        if r in BUTTON_ROLES and made_up_name(name(a)) and not exempt:
            bad.append(f"{r} {name(a)!r} at {' > '.join(path)}")
        # Buttons that the toolkit builds inside its own widgets, which no template can
        # reach: GtkDropDown's toggle button (GTK 4.8 leaves it unnamed inside the combo
        # box that carries the name), and AdwToast's close button (libadwaita 1.2 gives
        # it only a tooltip). toolkit_unnamed_buttons() lists them.
        exempt = exempt or (r == "combo box" and not made_up_name(name(a))) or \
            (r == "filler" and name(a) == "AdwToastWidget")
        for c in children(a):
            rec(c, path + [f"{role(c)} {name(c)!r}"], exempt)
    rec(root, [f"{role(root)} {name(root)!r}"], False)
    return bad


def toolkit_unnamed_buttons(root):
    """The unnamed buttons unnamed_buttons() lets go because GTK or libadwaita build
    them (a drop-down's button, a toast's close button)."""
    everything = []

    def rec(a, path):
        if role(a) in BUTTON_ROLES and made_up_name(name(a)):
            everything.append(f"{role(a)} {name(a)!r} at {' > '.join(path)}")
        for c in children(a):
            rec(c, path + [f"{role(c)} {name(c)!r}"])
    rec(root, [f"{role(root)} {name(root)!r}"])
    own = set(unnamed_buttons(root))
    return [b for b in everything if b not in own]


def end_process(p):
    """SIGTERM to a process we started, SIGKILL if it is still there after 10 s."""
    if p.poll() is not None:
        return
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


# ------------------------------------------------------------------------------------
# The session


class Session:
    """Xvfb, the accessibility bus, a notification server and `tend`, for one test."""

    def __init__(self, tend_path, width=1280, height=800, notifications=True, env=None,
                 args=(), prefix="tend-ui-", autostart=True):
        self.tend_path = tend_path
        self.width = width
        self.height = height
        self.want_notifications = notifications
        self.extra_env = dict(env or {})
        self.args = list(args)
        self.autostart = autostart
        self.tmp = tempfile.mkdtemp(prefix=prefix)
        # tend's database; tendctl(), given this session, uses the same one.
        self.database = os.path.join(self.tmp, "tend.db")
        self.procs = []          # (name, Popen) we started, ended in reverse order
        self.env = dict(os.environ)
        self.tend = None
        self.tend_label = "tend"
        self.app = None
        self.display = None

    # -- starting ------------------------------------------------------------------

    def __enter__(self):
        try:
            self._start_x()
            self._start_a11y_bus()
            if self.want_notifications:
                self._start_notifications()
            if self.autostart:
                self.start_tend()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc):
        self.close()

    def _spawn(self, label, argv, env=None, **kw):
        log = open(os.path.join(self.tmp, f"{label}.log"), "ab")
        # Each in a session of its own: nothing it signals to its process group (as
        # some daemons do when they end) reaches the test or tend-sandbox.
        p = subprocess.Popen(argv, env=env or self.env, stdin=subprocess.DEVNULL,
                             stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                             **kw)
        log.close()
        self.procs.append((label, p))
        return p

    def _start_x(self):
        r, w = os.pipe()
        xvfb = self._spawn("xvfb", ["Xvfb", "-displayfd", str(w), "-screen", "0",
                                    f"{self.width}x{self.height}x24", "-nolisten", "tcp",
                                    "-noreset", "+extension", "XTEST"], pass_fds=(w,))
        os.close(w)
        number = b""
        end = time.monotonic() + 15
        while not number.endswith(b"\n") and time.monotonic() < end:
            chunk = os.read(r, 16)
            if not chunk:
                break
            number += chunk
        os.close(r)
        if not number.strip():
            raise SkipTest("Xvfb did not start: " + self.log_tail("xvfb"))
        self.display = ":" + number.decode().strip()
        self.env["DISPLAY"] = self.display
        os.environ["DISPLAY"] = self.display
        del xvfb

    def _start_a11y_bus(self):
        self._spawn("at-spi-bus-launcher",
                    ["/usr/libexec/at-spi-bus-launcher", "--launch-immediately"])

        def owned():
            # NameHasOwner does not start anything; asking org.a11y.Bus itself before
            # our launcher holds the name would have D-Bus start a second one.
            r = subprocess.run(["gdbus", "call", "--session", "--dest", "org.freedesktop.DBus",
                                "--object-path", "/org/freedesktop/DBus",
                                "--method", "org.freedesktop.DBus.NameHasOwner",
                                "org.a11y.Bus"],
                               capture_output=True, text=True, timeout=5, env=self.env)
            return "true" in r.stdout
        if not wait_until(owned, 15, 0.05):
            raise SkipTest("at-spi-bus-launcher did not take org.a11y.Bus: "
                           + self.log_tail("at-spi-bus-launcher"))

        def address():
            r = subprocess.run(["gdbus", "call", "--session", "--dest", "org.a11y.Bus",
                                "--object-path", "/org/a11y/bus",
                                "--method", "org.a11y.Bus.GetAddress"],
                               capture_output=True, text=True, timeout=5, env=self.env)
            if r.returncode != 0:
                return None
            # ('unix:path=/tmp/...,guid=...',)
            out = r.stdout.strip()
            return out[2:out.rindex("'")] if out.startswith("('") else None
        addr = wait_until(address, 15, 0.1)
        if not addr:
            raise SkipTest("the accessibility bus did not start (at-spi-bus-launcher): "
                           + self.log_tail("at-spi-bus-launcher"))
        self.env["AT_SPI_BUS_ADDRESS"] = addr
        # pyatspi (libatspi) reads these when it first connects, on import.
        os.environ["AT_SPI_BUS_ADDRESS"] = addr

    def _start_notifications(self):
        import tendmon
        self._spawn("dbusmock", ["/usr/bin/python3", "-m", "dbusmock", "--template",
                                 "notification_daemon"])
        if not wait_until(lambda: tendmon.notification_server_is_up(self.env), 10):
            raise RuntimeError("the notification server (dbusmock) did not start: "
                               + self.log_tail("dbusmock"))

    def tend_env(self):
        env = dict(self.env)
        for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
            path = os.path.join(self.tmp, var.lower())
            os.makedirs(path, exist_ok=True)
            env[var] = path
        # What GNOME's settings daemon would tell GTK on a desktop: the title bar's
        # buttons, and Cantarell where it is installed (Debian: fonts-cantarell).
        gtk_dir = os.path.join(env["XDG_CONFIG_HOME"], "gtk-4.0")
        os.makedirs(gtk_dir, exist_ok=True)
        with open(os.path.join(gtk_dir, "settings.ini"), "w") as f:
            f.write("[Settings]\ngtk-decoration-layout=appmenu:close\n")
            if any(os.path.exists(os.path.join(d, "opentype", "cantarell"))
                   for d in ("/usr/share/fonts", "/usr/local/share/fonts")):
                f.write("gtk-font-name=Cantarell 11\n")
        build = os.environ.get("TEND_TEST_BUILDDIR")
        if build:
            env["GSETTINGS_SCHEMA_DIR"] = os.path.join(os.path.dirname(build), "data")
        env.update({
            "TEND_DATABASE": self.database,
            "GTK_A11Y": "atspi",
            "GSK_RENDERER": "cairo",
            "GDK_BACKEND": "x11",
            "GSETTINGS_BACKEND": "memory",
            "LANG": env.get("LANG", "C.UTF-8") or "C.UTF-8",
            "GTK_THEME": "",
        })
        env.pop("GTK_THEME")
        env.pop("NO_AT_BRIDGE", None)
        env.update(self.extra_env)
        return env

    def start_tend(self, argv=None, env=None, label="tend"):
        """Starts tend — or @argv in its place — with tend's environment plus @env, after
        ending the one started before (one desktop, one accessibility bus per test: start
        a second app here rather than a second Session). The app's output goes to
        LABEL.log."""
        self.stop_tend()
        if argv is None:
            argv = (list(self.tend_path) if isinstance(self.tend_path, (list, tuple))
                    else [self.tend_path]) + self.args
        run_env = self.tend_env()
        run_env.update(env or {})
        self.tend = self._spawn(label, argv, env=run_env)
        self.tend_label = label
        self.app = None
        return self.tend

    def stop_tend(self):
        """Ends the app started last (SIGTERM, then SIGKILL after 10 s)."""
        if self.tend is None:
            return
        p = self.tend
        end_process(p)
        self.procs = [(lbl, q) for lbl, q in self.procs if q is not p]
        self.tend = None
        self.app = None

    def close(self):
        for label, p in reversed(self.procs):
            end_process(p)
        self.procs = []
        if os.environ.get("TEND_UI_KEEP"):
            print(f"# kept {self.tmp}")
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def log_tail(self, label=None, n=3000):
        label = label or self.tend_label
        try:
            with open(os.path.join(self.tmp, f"{label}.log"), errors="replace") as f:
                return f.read()[-n:]
        except OSError:
            return "(no log)"

    # -- the accessibility tree ------------------------------------------------------

    def application(self):
        """tend's node on the desktop, once it is there."""
        import pyatspi
        desktop = pyatspi.Registry.getDesktop(0)
        for app in children(desktop):
            try:
                pid = app.get_process_id()
            except Exception:
                pid = None
            if pid == self.tend.pid:
                return app
        return None

    def wait_for_app(self, deadline_s=30):
        app = wait_until(self.application, deadline_s, 0.1)
        if app is None:
            raise AssertionError("tend did not appear on the accessibility bus within "
                                 f"{deadline_s} s; its log:\n" + self.log_tail())
        self.app = app
        return app

    def windows(self):
        """tend's toplevels: frames and dialogs."""
        app = self.app or self.wait_for_app()
        return children(app)

    def window(self, title=None, role_name=("frame", "dialog", "alert", "window")):
        for w in self.windows():
            if matches(w, role_name, title):
                return w
        return None

    def wait_for_window(self, title=None, role_name=("frame", "dialog", "alert", "window"),
                        deadline_s=30):
        self.wait_for_app(deadline_s)
        return wait_until(lambda: self.window(title, role_name), deadline_s, 0.1)

    def wait_find(self, root, role=None, name=None, name_has=None, showing=True,
                  deadline_s=15):
        """The first node under @root that matches and is on screen (unless
        showing=False), waited for."""
        return wait_until(lambda: find(root, role, name, name_has, showing), deadline_s, 0.1)

    # -- acting ----------------------------------------------------------------------

    def click(self, acc):
        """Does the node's click action (a button's "click", a row's "activate" ...);
        falls back to a pointer click at its centre. Returns whether it acted."""
        try:
            action = acc.queryAction()
            for i in range(action.nActions):
                if action.getName(i) in CLICK_ACTIONS:
                    return bool(action.doAction(i))
        except NotImplementedError:
            pass
        except Exception:
            pass
        return self.pointer_click(acc)

    def extents(self, acc):
        """(x, y, width, height) of the node on the screen: GTK 4.8 gives them relative to
        its toplevel's surface, which the X server places."""
        import pyatspi
        comp = acc.queryComponent()
        box = comp.getExtents(pyatspi.DESKTOP_COORDS)
        ox, oy = self.toplevel_origin(acc)
        return (box.x + ox, box.y + oy, box.width, box.height)

    def toplevel_origin(self, acc):
        """Where the node's toplevel's content starts on the screen: the X window's
        position plus the surface's margin (GTK's client-side border), which is the X
        window's size less the toplevel's own extents, split evenly."""
        import pyatspi
        top = toplevel(acc)
        wid = self.xwindow(name(top))
        if wid is None:
            return (0, 0)
        r = self.xdotool("getwindowgeometry", "--shell", wid)
        geo = dict(line.split("=", 1) for line in r.stdout.split() if "=" in line)
        box = top.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
        mx = max(0, (int(geo.get("WIDTH", box.width)) - box.width) // 2)
        my = max(0, (int(geo.get("HEIGHT", box.height)) - box.height) // 2)
        return (int(geo.get("X", 0)) + mx, int(geo.get("Y", 0)) + my)

    def pointer_click(self, acc, button=1):
        x, y, w, h = self.extents(acc)
        if w <= 0 or h <= 0:
            return False
        self.xdotool("mousemove", "--sync", str(x + w // 2), str(y + h // 2))
        self.xdotool("click", str(button))
        return True

    def xdotool(self, *args):
        return subprocess.run(["xdotool", *args], capture_output=True, text=True, timeout=20,
                              env=self.env)

    def xwindow(self, title=None):
        """The X window id of tend's toplevel called @title (tend's first if None)."""
        args = ["search", "--onlyvisible"]
        args += ["--name", f"^{title}$"] if title else ["--pid", str(self.tend.pid)]
        r = self.xdotool(*args)
        ids = r.stdout.split()
        if not ids:
            return None
        # Without a title, the newest: a dialog rather than the window below it.
        return ids[0] if title else ids[-1]

    def focus_window(self, title=None):
        """Gives the keyboard to tend's window (there is no window manager to do it)."""
        wid = wait_until(lambda: self.xwindow(title), 10, 0.1)
        if wid is None:
            return False
        self.xdotool("windowfocus", "--sync", wid)
        return True

    def key(self, *keys):
        """Presses keys on the focused window, as xdotool names them: "Tab", "ctrl+f",
        "Return", "Down"."""
        r = self.xdotool("key", "--delay", "40", *keys)
        return r.returncode == 0

    def type_text(self, s):
        r = self.xdotool("type", "--delay", "40", s)
        return r.returncode == 0

    def resize(self, width, height, title=None):
        wid = self.xwindow(title)
        if wid is None:
            return False
        return self.xdotool("windowsize", "--sync", wid, str(width), str(height)).returncode == 0

    def tab_to(self, role_name=None, name_is=None, name_has=None, key="Tab", max_presses=60):
        """Presses @key until the focus is on a node that matches; returns it, or None
        after @max_presses. What a keyboard user does to reach a control."""
        for _ in range(max_presses):
            node = wait_until(self.focused, 2, 0.05)
            if node is not None and matches(node, role_name, name_is, name_has):
                return node
            self.key(key)
        node = wait_until(self.focused, 2, 0.05)
        return node if node is not None and matches(node, role_name, name_is, name_has) else None

    def focused(self):
        """The node that has the keyboard focus in tend, or None."""
        for w in self.windows():
            for a in walk(w):
                if "focused" in states(a):
                    return a
        return None

    # -- looking -----------------------------------------------------------------------

    def screenshot(self, label):
        """The whole screen as $TEND_TEST_BUILDDIR/screenshots/@label.png; returns its
        path, or None when it could not be written."""
        path = os.path.join(screenshot_dir(), f"{label}.png")
        r = subprocess.run(["import", "-display", self.display, "-window", "root", path],
                           capture_output=True, text=True, timeout=30, env=self.env)
        if r.returncode != 0 or not os.path.exists(path):
            return None
        return path

    def window_screenshot(self, label, title=None):
        """Only tend's window called @title, cropped from the screen."""
        wid = self.xwindow(title)
        if wid is None:
            return self.screenshot(label)
        path = os.path.join(screenshot_dir(), f"{label}.png")
        r = subprocess.run(["import", "-display", self.display, "-window", wid, path],
                           capture_output=True, text=True, timeout=30, env=self.env)
        return path if r.returncode == 0 and os.path.exists(path) else None

    def window_geometry(self, title="Tend"):
        """(x, y, width, height) of tend's X window called @title, or None."""
        wid = self.xwindow(title)
        if wid is None:
            return None
        r = self.xdotool("getwindowgeometry", "--shell", wid)
        geo = dict(line.split("=", 1) for line in r.stdout.split() if "=" in line)
        return tuple(int(geo[k]) for k in ("X", "Y", "WIDTH", "HEIGHT"))

    def center_over(self, wid, title="Tend"):
        """Moves X window @wid to the middle of tend's window @title, where a desktop puts
        a dialog (there is no window manager here to do it)."""
        main = self.window_geometry(title)
        r = self.xdotool("getwindowgeometry", "--shell", wid)
        geo = dict(line.split("=", 1) for line in r.stdout.split() if "=" in line)
        if main is None or "WIDTH" not in geo:
            return False
        x = main[0] + (main[2] - int(geo["WIDTH"])) // 2
        y = main[1] + (main[3] - int(geo["HEIGHT"])) // 3
        return self.xdotool("windowmove", "--sync", wid, str(max(0, x)),
                            str(max(0, y))).returncode == 0

    def area_screenshot(self, label, title="Tend"):
        """The screen where tend's window @title is, with whatever lies on it (a dialog),
        as $TEND_TEST_BUILDDIR/screenshots/@label.png."""
        geo = self.window_geometry(title)
        if geo is None:
            return self.screenshot(label)
        x, y, w, h = geo
        path = os.path.join(screenshot_dir(), f"{label}.png")
        r = subprocess.run(["import", "-display", self.display, "-window", "root",
                            "-crop", f"{w}x{h}+{x}+{y}", "+repage", path],
                           capture_output=True, text=True, timeout=30, env=self.env)
        return path if r.returncode == 0 and os.path.exists(path) else None

    def notifications(self):
        """What the notification server was asked: (replaces_id, summary, body, hints)."""
        import tendmon
        return tendmon.notifications(self.env)

    def tendctl(self, path):
        """A tendmon.Tendctl on tend's database and the sandbox's bus."""
        import tendmon
        return tendmon.Tendctl(path, dict(self.env, TEND_DATABASE=self.database))


# ------------------------------------------------------------------------------------
# The sandbox's systemd


def systemctl(*args, timeout=60):
    return subprocess.run(["systemctl", "--user", *args], capture_output=True, text=True,
                          timeout=timeout)


def add_unit(unit, text):
    """Writes @unit into the sandbox's user unit directory and reloads systemd."""
    with open(os.path.join(os.environ["TEND_SANDBOX_UNIT_DIR"], unit), "w") as f:
        f.write(text)
    return systemctl("daemon-reload").returncode == 0


def unit_property(unit, prop):
    return systemctl("show", "-P", prop, unit).stdout.strip()


def png_size(path):
    """(width, height) of a PNG, from its IHDR."""
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return (int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big"))


# ------------------------------------------------------------------------------------
# Tend's views: what the flows need to know of the window, in one place.

# The list's column titles, and the keys service_rows() gives their cells.
LIST_COLUMNS = {"Health": "health", "Name": "name", "Host": "host",
                "Description": "description",
                "State": "state", "Memory": "memory", "CPU Time": "cpu", "Uptime": "uptime",
                "Restarts": "restarts"}


def _left(acc):
    """Where the node starts on the screen, from the left (0 when it cannot be told)."""
    try:
        import pyatspi
        return acc.queryComponent().getExtents(pyatspi.WINDOW_COORDS).x
    except Exception:
        return 0


def service_rows(window):
    """The rows of the service list on screen, each a dict of what its cells say, by
    column ("health", "name", "state" ...: LIST_COLUMNS; the columns the list hides, as it
    does when narrow, are missing), with the row's node as "node" and its name cell's
    label as "cell"."""
    table = find(window, "tree table", "Services", showing=True)
    if table is None:
        return []
    rows = []
    titles = []
    for row in walk(table):
        if role(row) != "table row":
            continue
        # In the order on screen: GTK 4.8 puts the cells of a column shown again (the
        # Host column) last among a row's children, whatever its place.
        cells = sorted((c for c in children(row) if role(c) == "table cell"), key=_left)
        if not cells:
            # The column titles: the columns shown, in order.
            titles = [LIST_COLUMNS.get(text(a), text(a))
                      for a in sorted((a for a in walk(row) if role(a) == "label"), key=_left)]
            continue
        if not on_screen(row):
            continue
        words = {}
        for column, cell in zip(titles, cells):
            labels = [a for a in walk(cell) if role(a) == "label"]
            words[column] = " ".join(text(a) for a in labels)
            if column == "name":
                words["cell"] = labels[0] if labels else cell
        words["node"] = row
        words.setdefault("cell", cells[0])
        words.setdefault("name", "")
        rows.append(words)
    return rows


def service_row(window, unit):
    for row in service_rows(window):
        if row["name"] == unit:
            return row
    return None


def search_services(ui, window, query, names=("Search services", "Search Services")):
    """Opens the list's search with its button and types @query into it, as a person
    does with the pointer; returns the search entry. @names: the entry's and the
    button's accessible names (another language's in a translated window)."""
    entry = find(window, "entry", names[0], showing=True)
    if entry is None:
        ui.click(ui.wait_find(window, "push button", names[1]))
        entry = ui.wait_find(window, "entry", names[0])
    ui.focus_window("Tend")
    ui.pointer_click(entry)
    ui.key("ctrl+a", "BackSpace")
    if query:
        ui.type_text(query)
    return entry


def open_service(ui, window, unit):
    """Searches for @unit and double-clicks its row; returns the service page's heading
    (a label saying @unit outside the list), or None."""
    search_services(ui, window, unit)
    # A person double-clicks again when the first one was lost: under load the list may
    # still be filtering what was typed when the clicks come, and the two clicks then
    # land on two row widgets (seen once in CI). Three tries, each with a fresh row.
    for attempt in range(3):
        row = wait_until(lambda: service_row(window, unit), 15, 0.1)
        if row is None:
            return None
        x, y, w, h = ui.extents(row["cell"])
        ui.xdotool("mousemove", "--sync", str(x + w // 2), str(y + h // 2))
        ui.xdotool("click", "--repeat", "2", "--delay", "80", "1")
        heading = wait_until(lambda: service_heading(window, unit), 8, 0.1)
        if heading is not None:
            if attempt > 0:
                print(f"# open_service: {unit} opened at the double-click #{attempt + 1}",
                      flush=True)
            return heading
    return None


def service_heading(window, unit):
    """The service page's title label saying @unit, when the page is on screen."""
    page = find(window, "filler", "TendServicePage")
    if page is None:
        return None
    for a in walk(page):
        if role(a) == "label" and text(a) == unit and on_screen(a):
            return a
    return None


def service_page(window):
    return find(window, "filler", "TendServicePage")


def detail(window, title):
    """What the service page's Details row @title ("Main Process", "Active Since" ...)
    says, or None while the page is not on screen."""
    page = service_page(window)
    if page is None:
        return None
    for item in walk(page):
        if role(item) == "list item" and plain_name(name(item)) == title and on_screen(item):
            values = [text(a) for a in walk(item) if role(a) == "label" and text(a) != title]
            return " ".join(v for v in values if not made_up_name(v))
    return None


def toast(window, has):
    """A toast (or any label on screen) saying something with @has in it."""
    for a in walk(window):
        if role(a) == "label" and has.lower() in text(a).lower() and on_screen(a):
            return a
    return None


def dialog(ui, heading_has=None):
    """tend's message dialog on screen, optionally the one whose heading says @heading_has."""
    for w in ui.windows():
        if role(w) not in ("dialog", "alert", "frame") or name(w) == "Tend":
            continue
        if heading_has is None or any(heading_has in text(a) for a in walk(w)
                                      if role(a) == "label"):
            return w
    return None


def service_counts(window):
    """What the list's count label says: (shown, of all) from "12 of 30 services", or
    (30, 30) from "30 services"; None when there is no such label on screen."""
    for a in walk(window):
        if role(a) == "label" and on_screen(a):
            m = re.fullmatch(r"(\d+)(?: of (\d+))? services?", text(a))
            if m:
                return (int(m.group(1)), int(m.group(2) or m.group(1)))
    return None


def service_count(window):
    """How many services the list shows, by its count label, or None."""
    counts = service_counts(window)
    return counts[0] if counts else None


def wait_for_list(ui, window, unit=None, deadline_s=20, keyboard=False):
    """Waits until the list holds @unit (searching for it with the pointer), or any
    service when @unit is None; returns whether it filled by itself. If it did not,
    presses Refresh as a person would (F5 when @keyboard), and waits again."""
    def there():
        if unit is None:
            return (service_count(window) or 0) > 0
        return service_row(window, unit)
    if unit is not None:
        search_services(ui, window, unit)
    if wait_until(there, deadline_s, 0.1):
        return True
    if keyboard:
        ui.focus_window("Tend")
        ui.key("F5")
    else:
        ui.click(ui.wait_find(window, "push button", "Refresh"))
    wait_until(there, deadline_s, 0.1)
    return False


def journal(unit):
    """The unit's journal as journalctl prints it (the sandbox's journal)."""
    r = subprocess.run(["journalctl", "--no-pager", "-q", "-o", "cat", "-u", unit],
                       capture_output=True, text=True, timeout=30)
    return r.stdout
