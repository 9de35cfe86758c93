#!/usr/bin/env python3
# check-install.py — `meson install` into a DESTDIR, then the installed files (suite
# 'install', TAP).
#
#   check-install.py MESON BUILDDIR APP-ID USER-UNIT-DIR COMPLETIONS-DIR
#
# Asserts the exact list of installed files (a share/locale/LANG/LC_MESSAGES/tend.mo for
# each language of po/LINGUAS), then runs each validator on the installed copy:
# desktop-file-validate, appstreamcli validate --no-net (or appstream-util
# validate-relax), glib-compile-schemas --strict, systemd-analyze verify --user, groff
# and man on the manual pages, bash -n on the completion. tendctl.1 must name every
# command and subcommand of the installed `tendctl --help`, and every option of each.
# A missing validator is a skipped test point that names its Debian package.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import configparser
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tendinstall import Install  # noqa: E402
from tendtap import check, finish  # noqa: E402

C_ENV = dict(os.environ, LC_ALL="C", LANGUAGE="")


def skip(name, why):
    check(f"{name} # SKIP {why}", True)


def run(argv, **kwargs):
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, **kwargs)


def read_keyfile(path):
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str
    with open(path, encoding="utf-8") as f:
        parser.read_file(f)
    return parser


def expected_files(inst, app_id, unit_dir, completions_dir):
    datadir = inst.dir("datadir")
    mandir = inst.dir("mandir")
    files = {
        os.path.join(inst.dir("bindir"), "tendctl"),
        os.path.join(unit_dir, "tend-monitor.service"),
        os.path.join(completions_dir, "tendctl"),
        os.path.join(mandir, "man1", "tendctl.1"),
    }
    if inst.options.get("gui", True):
        files |= {
            os.path.join(inst.dir("bindir"), "tend"),
            os.path.join(datadir, "applications", f"{app_id}.desktop"),
            os.path.join(datadir, "metainfo", f"{app_id}.metainfo.xml"),
            os.path.join(datadir, "glib-2.0", "schemas", f"{app_id}.gschema.xml"),
            os.path.join(datadir, "icons", "hicolor", "scalable", "apps", f"{app_id}.svg"),
            os.path.join(datadir, "icons", "hicolor", "symbolic", "apps",
                         f"{app_id}-symbolic.svg"),
            os.path.join(datadir, "dbus-1", "services", f"{app_id}.service"),
            os.path.join(mandir, "man1", "tend.1"),
        }
    return files


def check_file_list(inst, app_id, unit_dir, completions_dir):
    expected = expected_files(inst, app_id, unit_dir, completions_dir)
    installed = inst.files()
    linguas = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "po", "LINGUAS")
    with open(linguas, encoding="utf-8") as f:
        languages = [w for line in f for w in line.split("#", 1)[0].split()]
    expected |= {os.path.join(inst.dir("localedir"), lang, "LC_MESSAGES", "tend.mo")
                 for lang in languages}
    missing = sorted(expected - installed)
    extra = sorted(installed - expected)
    check(f"every file is installed (translations: {', '.join(languages) or 'none'})",
          not missing, missing)
    check("nothing else is installed", not extra, extra)
    # Under DESTDIR, gnome.post_install compiles no schema and updates no cache: those
    # belong to the target system (a package's trigger, or a plain `meson install`).
    check("no gschemas.compiled or icon cache under DESTDIR",
          not any(p.endswith(("gschemas.compiled", "icon-theme.cache")) for p in installed),
          sorted(installed))
    for path in sorted(expected):
        if "/bin/" in path:
            check(f"{path} is executable", os.access(inst.staged(path), os.X_OK))


def check_desktop(inst, app_id):
    desktop = inst.path("datadir", "applications", f"{app_id}.desktop")
    tool = shutil.which("desktop-file-validate")
    if tool is None:
        skip("desktop-file-validate", "desktop-file-validate not found "
             "(Debian package desktop-file-utils)")
    else:
        r = run([tool, desktop])
        check("desktop-file-validate: the installed desktop file",
              r.returncode == 0 and not r.stdout.strip(), r.stdout + r.stderr)

    service = read_keyfile(inst.path("datadir", "dbus-1", "services", f"{app_id}.service"))
    exec_line = service["D-BUS Service"].get("Exec", "")
    check("the D-Bus service starts the installed tend",
          exec_line == os.path.join(inst.dir("bindir"), "tend") + " --gapplication-service",
          exec_line)
    check("the desktop file is D-Bus activatable",
          read_keyfile(desktop)["Desktop Entry"].get("DBusActivatable") == "true")


def check_metainfo(inst, app_id):
    metainfo = inst.path("datadir", "metainfo", f"{app_id}.metainfo.xml")
    if shutil.which("appstreamcli"):
        r = run(["appstreamcli", "validate", "--no-net", "--explain", metainfo])
        check("appstreamcli validate --no-net: the installed metainfo", r.returncode == 0,
              r.stdout + r.stderr)
    elif shutil.which("appstream-util"):
        r = run(["appstream-util", "validate-relax", "--nonet", metainfo])
        check("appstream-util validate-relax: the installed metainfo", r.returncode == 0,
              r.stdout + r.stderr)
    else:
        skip("metainfo validation", "neither appstreamcli nor appstream-util found "
             "(Debian package appstream or appstream-util)")


def check_schema(inst):
    schemas = inst.path("datadir", "glib-2.0", "schemas")
    tool = shutil.which("glib-compile-schemas")
    if tool is None:
        skip("glib-compile-schemas", "glib-compile-schemas not found "
             "(Debian package libglib2.0-bin)")
        return
    with tempfile.TemporaryDirectory() as target:
        r = run([tool, "--strict", "--targetdir", target, schemas])
        check("glib-compile-schemas --strict: the installed schema directory",
              r.returncode == 0 and os.path.exists(os.path.join(target, "gschemas.compiled")),
              r.stdout + r.stderr)


def check_unit(inst, unit_dir):
    installed = inst.staged(os.path.join(unit_dir, "tend-monitor.service"))
    tendctl = os.path.join(inst.dir("bindir"), "tendctl")
    unit = read_keyfile(installed)
    service = unit["Service"] if unit.has_section("Service") else {}
    check("the unit runs the installed tendctl monitor",
          service.get("ExecStart") == f"{tendctl} monitor", service.get("ExecStart"))
    check("the unit restarts on failure", service.get("Restart") == "on-failure")
    check("status 9 (another engine runs) is a clean stop, never restarted",
          "9" in service.get("SuccessExitStatus", "").split() and
          "9" in service.get("RestartPreventExitStatus", "").split(), dict(service))
    check("the unit is wanted by default.target",
          unit.has_section("Install") and unit["Install"].get("WantedBy") == "default.target")

    tool = shutil.which("systemd-analyze")
    if tool is None:
        skip("systemd-analyze verify", "systemd-analyze not found (Debian package systemd)")
        return
    # verify looks for ExecStart's program and for `man tendctl`: point both at DESTDIR.
    with tempfile.TemporaryDirectory() as tmp:
        copy = os.path.join(tmp, "tend-monitor.service")
        with open(installed, encoding="utf-8") as f:
            text = f.read()
        with open(copy, "w", encoding="utf-8") as f:
            f.write(text.replace(f"={tendctl} ", f"={inst.staged(tendctl)} "))
        runtime = os.path.join(tmp, "runtime")
        os.mkdir(runtime, 0o700)
        env = dict(os.environ, XDG_RUNTIME_DIR=runtime,
                   MANPATH=inst.path("mandir"), SYSTEMD_LOG_COLOR="0")
        r = run([tool, "verify", "--user", copy], env=env)
        # verify exits 0 on values it ignores (Restart=bogus): any word from it is a fault
        check("systemd-analyze verify --user: the installed unit, without a word",
              r.returncode == 0 and not (r.stdout + r.stderr).strip(), r.stdout + r.stderr)


def check_man_pages(inst):
    pages = [inst.path("mandir", "man1", "tendctl.1")]
    if inst.options.get("gui", True):
        pages.append(inst.path("mandir", "man1", "tend.1"))
    groff = shutil.which("groff")
    man = shutil.which("man")
    for page in pages:
        name = os.path.basename(page)
        text = open(page, encoding="utf-8").read()
        check(f"{name}: the version is filled in", "@VERSION@" not in text)
        if groff is None:
            skip(f"{name}: groff -ww", "groff not found (Debian package groff-base)")
        else:
            r = run([groff, "-ww", "-z", "-man", page], env=C_ENV)
            check(f"{name}: groff -ww -z -man says nothing", r.returncode == 0 and
                  not r.stderr.strip(), r.stderr)
        if man is None:
            skip(f"{name}: man --warnings", "man not found (Debian package man-db)")
        else:
            r = run([man, "--warnings", "-l", page], env=dict(C_ENV, MANWIDTH="80",
                                                              MAN_KEEP_FORMATTING=""))
            check(f"{name}: man --warnings -l says nothing", r.returncode == 0 and
                  not r.stderr.strip(), r.stderr)


def rendered(page):
    """The page as text, hyphens plain (groff may write U+2010/U+2212 for them)."""
    r = run(["man", "-l", page], env=dict(C_ENV, MANWIDTH="200", MAN_KEEP_FORMATTING=""))
    text = re.sub(r".\x08", "", r.stdout)
    return text.replace("\u2010", "-").replace("\u2212", "-")


def help_words(tendctl, *args):
    """The commands (or subcommands) of tendctl's --help: two spaces, then a word."""
    out = run([tendctl, *args, "--help"], env=C_ENV).stdout
    out = out.split("\nHelp Options:")[0]
    out = re.sub(r"^Usage:\n(.+\n)*", "", out)
    words = []
    for line in out.splitlines():
        m = re.match(r"^  ([a-z][a-z-]*)( |$)", line)
        if m and m.group(1) not in words:
            words.append(m.group(1))
    return words


def help_options(tendctl, *args):
    out = run([tendctl, *args, "--help"], env=C_ENV).stdout
    section = out.split("Application Options:\n", 1)[1] if "Application Options:" in out else ""
    section = section.split("\n\n", 1)[0]
    return re.findall(r"^\s+(?:-[a-zA-Z], )?(--[a-z][a-z-]*)", section, re.M)


def check_tendctl_page(inst):
    if shutil.which("man") is None:
        skip("tendctl.1 names every command and option", "man not found (Debian package man-db)")
        return
    tendctl = inst.path("bindir", "tendctl")
    text = rendered(inst.path("mandir", "man1", "tendctl.1"))
    commands = help_words(tendctl)
    check("tendctl --help lists commands", len(commands) > 20, commands)
    # Each command (and subcommand) is a tag of its own in COMMANDS: a line indented by
    # seven, the command's words first.
    body = text.split("\nCOMMANDS\n", 1)[-1].split("\nTHE USER UNIT\n", 1)[0]
    tags = set()
    for line in body.splitlines():
        m = re.match(r"^ {7}([a-z][a-z-]*(?: [a-z][a-z-]*)?)", line)
        if m:
            tags.add(m.group(1))
            tags.add(m.group(1).split()[0])
    missing, options_missing = [], []
    for command in commands:
        subcommands = help_words(tendctl, command)
        if command in ("check", "config", "policy", "maintenance", "host") and subcommands:
            names = [(f"{command} {s}", [command, s]) for s in subcommands]
        else:
            names = [(command, [command])]
        for name, argv in names:
            if name not in tags:
                missing.append(name)
            for option in help_options(tendctl, *argv):
                if option not in text:
                    options_missing.append(f"{name} {option}")
    check("tendctl.1 has an entry for every command and subcommand of tendctl --help",
          not missing, missing)
    check("tendctl.1 names every option of every command", not options_missing,
          options_missing)
    for option in help_options(tendctl):
        check(f"tendctl.1 names the global option {option}", option in text)
    statuses = re.findall(r"^  (\d)  ", run([tendctl, "--help"], env=C_ENV).stdout, re.M)
    exit_section = text.split("\nEXIT STATUS\n", 1)[-1].split("\nENVIRONMENT\n", 1)[0]
    check("tendctl.1 explains every exit status of tendctl --help",
          statuses and all(re.search(rf"^ {{7}}{s}\b", exit_section, re.M) for s in statuses),
          (statuses, exit_section))


def check_tend_page(inst):
    if not inst.options.get("gui", True):
        return
    if shutil.which("man") is None:
        skip("tend.1 names every option of tend --help", "man not found (Debian package man-db)")
        return
    text = rendered(inst.path("mandir", "man1", "tend.1"))
    env = {k: v for k, v in C_ENV.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    out = run([inst.path("bindir", "tend"), "--help"], env=env).stdout
    section = out.split("Application Options:\n", 1)[-1].split("\n\n", 1)[0]
    options = re.findall(r"^\s+(?:-[a-zA-Z], )?(--[a-z][a-z-]*)", section, re.M)
    check("tend --help has options", len(options) >= 2, out)
    missing = [o for o in options if o not in text]
    check("tend.1 names every option of tend --help", not missing, missing)


def check_completion(completions_dir, inst):
    path = inst.staged(os.path.join(completions_dir, "tendctl"))
    r = run(["bash", "-n", path])
    check("the completion is valid bash", r.returncode == 0, r.stderr)


def main(argv):
    if len(argv) != 5:
        print("usage: check-install.py MESON BUILDDIR APP-ID USER-UNIT-DIR COMPLETIONS-DIR",
              file=sys.stderr)
        return 2
    meson, builddir, app_id, unit_dir, completions_dir = argv
    inst = Install(meson, builddir)
    try:
        check("meson install --destdir succeeds", inst.ok, inst.result.stdout[-2000:] +
              inst.result.stderr[-2000:])
        if not inst.ok:
            return finish()
        steps = [(check_file_list, inst, app_id, unit_dir, completions_dir)]
        if inst.options.get("gui", True):
            steps += [(check_desktop, inst, app_id), (check_metainfo, inst, app_id),
                      (check_schema, inst)]
        steps += [(check_unit, inst, unit_dir), (check_man_pages, inst),
                  (check_tendctl_page, inst), (check_tend_page, inst),
                  (check_completion, completions_dir, inst)]
        for step, *args in steps:
            try:
                step(*args)
            except OSError as e:  # a file that is not there: a failure, not a crash
                check(f"{step.__name__}: its files are there", False, str(e))
    finally:
        inst.cleanup()
    return finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
