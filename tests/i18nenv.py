"""A German environment for the translation tests, without root and without installing.

    from i18nenv import german_env
    env, how = german_env(builddir, tmpdir)   # env is None (and how says why) if it cannot

glibc ignores LANGUAGE while the locale is "C" or "POSIX", and setlocale() falls back to
"C" when LANG names a locale that is not generated (Debian 12 generates none by
default). So the locale de_DE.UTF-8 is compiled with localedef into @tmpdir and found
through LOCPATH — no root, nothing written outside the test's directory; it needs the
locale sources of Debian's `locales` package (/usr/share/i18n/locales/de_DE). Without
them, C.UTF-8 is used: glibc 2.36 honours LANGUAGE there, as it is not "C".

The catalogue is the build tree's (meson builds po/de/LC_MESSAGES/tend.mo there), read
through TEND_LOCALEDIR, which tend and tendctl use in place of the installed locale
directory when it is set.
"""
import os
import shutil
import subprocess


def catalogue(builddir):
    """The build tree's po directory (for TEND_LOCALEDIR), or None if de's .mo is not
    built."""
    po = os.path.join(builddir, "po")
    mo = os.path.join(po, "de", "LC_MESSAGES", "tend.mo")
    return po if os.path.exists(mo) else None


def german_env(builddir, tmpdir, base=None):
    """The environment to run tend or tendctl in German: (env, how), or (None, why)."""
    po = catalogue(builddir)
    if po is None:
        return None, f"{builddir}/po/de/LC_MESSAGES/tend.mo is not built (ninja -C build)"
    env = dict(base if base is not None else os.environ)
    for var in ("LC_ALL", "LC_MESSAGES", "LANGUAGE", "LANG", "LOCPATH"):
        env.pop(var, None)
    env["TEND_LOCALEDIR"] = po
    env["LANGUAGE"] = "de"

    sources = "/usr/share/i18n/locales/de_DE"
    localedef = shutil.which("localedef")
    if localedef and os.path.exists(sources):
        locpath = os.path.join(tmpdir, "locale")
        os.makedirs(locpath, exist_ok=True)
        r = subprocess.run([localedef, "-i", "de_DE", "-f", "UTF-8",
                            os.path.join(locpath, "de_DE.UTF-8")],
                           capture_output=True, text=True, timeout=120)
        # localedef exits 1 for warnings, having written the locale
        if os.path.exists(os.path.join(locpath, "de_DE.UTF-8", "LC_CTYPE")):
            env["LOCPATH"] = locpath
            env["LANG"] = "de_DE.UTF-8"
            return env, "de_DE.UTF-8 compiled by localedef, through LOCPATH"
        how = f"localedef failed ({r.stderr.strip()[:200]}); "
    else:
        how = "no locale sources (Debian: locales); "
    env["LANG"] = "C.UTF-8"
    return env, how + "C.UTF-8 with LANGUAGE=de"
