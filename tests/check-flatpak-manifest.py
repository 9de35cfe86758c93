#!/usr/bin/env python3
# check-flatpak-manifest.py — the Flatpak manifest's structure, pins and permissions
# against flatpak/README.md (suites 'data' and 'flatpak'; TAP).
#
#   check-flatpak-manifest.py SRCDIR
#       reads SRCDIR/flatpak/io.github.tendapp.Tend.json and SRCDIR/flatpak/README.md.
#   check-flatpak-manifest.py SRCDIR --download
#       flatpak-builder --download-only: every pinned tarball is fetched (from its URL or
#       a mirror) and its sha256 checked. Exits 77 when flatpak-builder is missing or no
#       source can be reached at all.
#
# The runtime cannot be downloaded where the tests run, so nothing is built.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tendtap import check, finish  # noqa: E402

MANIFEST = "flatpak/io.github.tendapp.Tend.json"
README = "flatpak/README.md"

# The list (issue 15, item 2), with what GTK needs beside Wayland and X11, and
# flatpak-spawn --host for journalctl and command checks.
EXPECTED_FINISH_ARGS = {
    "--share=network",
    "--socket=wayland",
    "--socket=fallback-x11",
    "--share=ipc",
    "--device=dri",
    "--socket=ssh-auth",
    "--talk-name=org.freedesktop.systemd1",
    "--system-talk-name=org.freedesktop.systemd1",
    "--filesystem=~/.ssh:ro",
    "--talk-name=org.freedesktop.Flatpak",
}
MIN_RUNTIME = 47
# module: (the pinned version's pattern in its URL, the Debian package it must match)
PINNED = {
    "libssh": (r"libssh[-_](\d+\.\d+\.\d+)(?:\.orig)?\.tar", "libssh-dev"),
    "hiredis": (r"(?:/v|hiredis_)(\d+\.\d+\.\d+)(?:\.orig)?\.tar", "libhiredis-dev"),
}
HEX64 = re.compile(r"[0-9a-f]{64}")
HEX40 = re.compile(r"[0-9a-f]{40}")
# A reason is a sentence: at least this many words after the argument
MIN_REASON_WORDS = 5


def no_duplicate_keys(pairs):
    keys = [k for k, _ in pairs]
    dupes = {k for k in keys if keys.count(k) > 1}
    if dupes:
        raise ValueError(f"duplicate keys: {sorted(dupes)}")
    return dict(pairs)


def read(srcdir, path):
    with open(os.path.join(srcdir, path), encoding="utf-8") as f:
        return f.read()


def application_id(srcdir):
    m = re.search(r"^application_id\s*=\s*'([^']+)'", read(srcdir, "meson.build"), re.M)
    return m.group(1) if m else None


def meson_options(srcdir):
    return set(re.findall(r"option\('([^']+)'", read(srcdir, "meson_options.txt")))


def documented_args(readme):
    """The bullets of the README's "## Permissions" section: {argument: reason}."""
    section = re.search(r"^## Permissions\n(.*?)(?=^## )", readme, re.M | re.S)
    if not section:
        return {}
    args = {}
    for m in re.finditer(r"^- `(--[^`]+)`:?\s*(.*)$", section.group(1), re.M):
        args.setdefault(m.group(1), m.group(2))
    return args


def debian_upstream_version(package):
    """The upstream part of the installed package's version, or None."""
    if shutil.which("dpkg-query") is None:
        return None
    r = subprocess.run(["dpkg-query", "-W", "-f=${Version}", package],
                       capture_output=True, text=True)
    if r.returncode != 0 or not r.stdout:
        return None
    version = r.stdout.split(":", 1)[-1]
    return version.rsplit("-", 1)[0]


def check_sources(module):
    name = module.get("name")
    for i, source in enumerate(module.get("sources", [])):
        what = f"{name} source {i} ({source.get('type')})"
        kind = source.get("type")
        if kind in ("archive", "file"):
            url = source.get("url", "")
            check(f"{what}: https url", url.startswith("https://"), url)
            check(f"{what}: sha256 of 64 hex digits",
                  HEX64.fullmatch(source.get("sha256", "")) is not None,
                  source.get("sha256"))
            mirrors = source.get("mirror-urls", [])
            check(f"{what}: mirrors are https",
                  all(m.startswith("https://") for m in mirrors), mirrors)
            check(f"{what}: no md5/sha1 instead of sha256",
                  not any(k in source for k in ("md5", "sha1")), source)
        elif kind == "git":
            check(f"{what}: pinned to a commit",
                  HEX40.fullmatch(source.get("commit", "")) is not None, source)
        elif kind == "dir":
            check(f"{what}: only Tend's own tree", name == "tend" and
                  source.get("path") == "..", source)
        else:
            check(f"{what}: a known source type", False, source)


def check_pin(module):
    name = module["name"]
    pattern, package = PINNED[name]
    urls = [s.get("url", "") for s in module.get("sources", [])]
    urls += [m for s in module.get("sources", []) for m in s.get("mirror-urls", [])]
    versions = set()
    for url in urls:
        m = re.search(pattern, url)
        versions.add(m.group(1) if m else None)
    check(f"{name}: one version in every URL and mirror", len(versions) == 1 and
          None not in versions, urls)
    tested = debian_upstream_version(package)
    if tested is None:
        check(f"{name}: the version of {package} # SKIP {package} is not installed", True)
    else:
        check(f"{name}: pinned at {package}'s version {tested}", versions == {tested},
              versions)


def check_manifest(srcdir):
    try:
        manifest = json.loads(read(srcdir, MANIFEST), object_pairs_hook=no_duplicate_keys)
    except (OSError, ValueError) as e:
        check("the manifest is valid JSON", False, str(e))
        return
    check("the manifest is valid JSON", isinstance(manifest, dict))

    app_id = application_id(srcdir)
    check("id is meson.build's application_id", manifest.get("id") == app_id,
          (manifest.get("id"), app_id))
    check("data/ is named after the id",
          os.path.exists(os.path.join(srcdir, "data", f"{app_id}.desktop.in")), app_id)
    check("runtime is org.gnome.Platform", manifest.get("runtime") == "org.gnome.Platform",
          manifest.get("runtime"))
    version = str(manifest.get("runtime-version", ""))
    check(f"runtime-version is {MIN_RUNTIME} or newer",
          version.isdigit() and int(version) >= MIN_RUNTIME, version)
    check("sdk is org.gnome.Sdk", manifest.get("sdk") == "org.gnome.Sdk", manifest.get("sdk"))
    check("command is tend", manifest.get("command") == "tend", manifest.get("command"))

    modules = manifest.get("modules", [])
    names = [m.get("name") for m in modules if isinstance(m, dict)]
    check("modules: libssh, hiredis, then tend last",
          sorted(names[:-1]) == ["hiredis", "libssh"] and names[-1:] == ["tend"], names)
    for module in modules:
        if not isinstance(module, dict):
            check("every module is inline (no separate files)", False, module)
            continue
        check_sources(module)
        if module.get("name") in PINNED:
            check_pin(module)

    by_name = {m.get("name"): m for m in modules if isinstance(m, dict)}
    hiredis = by_name.get("hiredis", {})
    check("hiredis: plain make with PREFIX", hiredis.get("buildsystem") == "simple" and
          any("PREFIX=" in c for c in hiredis.get("build-commands", [])) and
          any("install" in c for c in hiredis.get("build-commands", [])), hiredis)
    libssh = by_name.get("libssh", {})
    check("libssh: cmake", libssh.get("buildsystem") in ("cmake", "cmake-ninja"),
          libssh.get("buildsystem"))
    # libssh 0.10 builds ssh_send_keepalive(), which Tend loads, from server.c
    check("libssh: keeps its server part (ssh_send_keepalive)",
          "-DWITH_SERVER=OFF" not in libssh.get("config-opts", []), libssh.get("config-opts"))
    tend = by_name.get("tend", {})
    check("tend: meson", tend.get("buildsystem") == "meson", tend.get("buildsystem"))
    options = meson_options(srcdir)
    used = [re.match(r"-D([^=]+)=", o) for o in tend.get("config-opts", [])]
    check("tend: every -D option is in meson_options.txt",
          all(m is None or m.group(1) in options for m in used), tend.get("config-opts"))
    check("tend: built without the tests", "-Dtests=false" in tend.get("config-opts", []),
          tend.get("config-opts"))

    args = manifest.get("finish-args", [])
    check("finish-args: no duplicates", len(args) == len(set(args)), args)
    check("finish-args: exactly the documented set", set(args) == EXPECTED_FINISH_ARGS,
          (sorted(set(args) - EXPECTED_FINISH_ARGS), sorted(EXPECTED_FINISH_ARGS - set(args))))

    readme = read(srcdir, README)
    documented = documented_args(readme)
    check("README: a Permissions list", documented, "no '## Permissions' bullets")
    for arg in args:
        reason = documented.get(arg, "")
        check(f"README explains {arg}", len(reason.split()) >= MIN_REASON_WORDS,
              reason or "not in flatpak/README.md's Permissions list")
    check("README explains no permission the manifest lacks",
          set(documented) <= set(args), sorted(set(documented) - set(args)))
    for module in modules:
        for source in module.get("sources", []) if isinstance(module, dict) else []:
            if "sha256" in source:
                check(f"README names {module['name']}'s sha256", source["sha256"] in readme,
                      source["sha256"])
    check("README says how to recompute a sha256", "sha256sum" in readme)

    builder = shutil.which("flatpak-builder")
    if builder is None:
        check("flatpak-builder reads the manifest # SKIP flatpak-builder is not installed",
              True)
    else:
        # flatpak-builder leaves a .flatpak-builder/ in its working directory
        with tempfile.TemporaryDirectory(prefix="tend-flatpak-") as tmp:
            r = subprocess.run([builder, "--show-manifest",
                                os.path.abspath(os.path.join(srcdir, MANIFEST))],
                               capture_output=True, text=True, cwd=tmp)
        shown = None
        if r.returncode == 0:
            try:
                shown = json.loads(r.stdout)
            except ValueError:
                pass
        check("flatpak-builder reads the manifest", shown is not None and
              shown.get("id") == manifest.get("id"), r.stderr)


def download(srcdir):
    builder = shutil.which("flatpak-builder")
    if builder is None:
        print("1..0 # SKIP flatpak-builder is not installed (the Debian package "
              "flatpak-builder)")
        return 77
    with tempfile.TemporaryDirectory(prefix="tend-flatpak-") as tmp:
        r = subprocess.run([builder, "--download-only", "--state-dir=" + tmp + "/state",
                            tmp + "/build", os.path.abspath(os.path.join(srcdir, MANIFEST))],
                           capture_output=True, text=True, cwd=tmp)
        downloads = os.path.join(tmp, "state", "downloads")
        fetched = set(os.listdir(downloads)) if os.path.isdir(downloads) else set()
    log = r.stdout + r.stderr
    wrong = [line for line in log.splitlines() if "Wrong sha256" in line]
    manifest = json.loads(read(srcdir, MANIFEST))
    pins = {s["sha256"] for m in manifest["modules"] for s in m.get("sources", [])
            if "sha256" in s}
    if not fetched and not wrong:
        print(f"1..0 # SKIP no pinned source could be downloaded here: {log[-500:]!r}")
        return 77
    check("no download has another sha256", not wrong, wrong)
    for pin in sorted(pins):
        check(f"fetched and checked: {pin}", pin in fetched, log[-2000:])
    check("flatpak-builder --download-only succeeds", r.returncode == 0, log[-2000:])
    return finish()


def main():
    srcdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..")
    if "--download" in sys.argv[2:]:
        return download(srcdir)
    check_manifest(srcdir)
    return finish()


if __name__ == "__main__":
    sys.exit(main())
