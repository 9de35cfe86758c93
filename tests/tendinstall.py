"""What the install tests share: `meson install` into a fresh DESTDIR, and where things go.

    from tendinstall import Install
    inst = Install(meson, builddir)        # installs into a temporary DESTDIR
    inst.path("bindir", "tendctl")         # DESTDIR + prefix + bindir + tendctl
"""
import json
import os
import shutil
import subprocess
import tempfile


class Install:
    """One `meson install --destdir` of the build directory, removed by cleanup()."""

    def __init__(self, meson, builddir):
        self.builddir = builddir
        self.destdir = tempfile.mkdtemp(prefix="tend-destdir-")
        with open(os.path.join(builddir, "meson-info", "intro-buildoptions.json"),
                  encoding="utf-8") as f:
            self.options = {o["name"]: o["value"] for o in json.load(f)}
        self.prefix = self.options["prefix"]
        env = dict(os.environ)
        env.pop("DESTDIR", None)
        self.result = subprocess.run(
            [meson, "install", "-C", builddir, "--no-rebuild", "--destdir", self.destdir],
            capture_output=True, text=True, env=env, timeout=300)

    @property
    def ok(self):
        return self.result.returncode == 0

    def dir(self, option):
        """The directory of a meson option (bindir, datadir, mandir …) under the prefix."""
        return os.path.join(self.prefix, self.options[option])

    def path(self, option, *parts):
        """Where a file lands in DESTDIR: DESTDIR/prefix/<option's dir>/parts…"""
        return self.staged(os.path.join(self.dir(option), *parts))

    def staged(self, absolute):
        """An absolute installed path, as it is in DESTDIR."""
        return os.path.join(self.destdir, absolute.lstrip("/"))

    def files(self):
        """Every file installed, as absolute paths on the target system."""
        out = set()
        for root, _, names in os.walk(self.destdir):
            for name in names:
                out.add("/" + os.path.relpath(os.path.join(root, name), self.destdir))
        return out

    def cleanup(self):
        shutil.rmtree(self.destdir, ignore_errors=True)
