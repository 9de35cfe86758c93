#!/usr/bin/python3
"""tendctl in German (TAP): `tendctl --help`, a command's --help, a usage error and
`import`'s human output (a dry run, an unchanged import), run
under LANGUAGE=de with the build tree's catalogue, say what po/de.po says; in C they say
the English; what scripts read (--version) is the same in both.

Usage: test-i18n-tendctl.py TENDCTL BUILDDIR [--tap]
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from i18nenv import german_env  # noqa: E402
from tendtap import check, finish  # noqa: E402


def run(tendctl, env, *args):
    return subprocess.run([tendctl] + list(args), capture_output=True, text=True,
                          timeout=60, env=env)


def main():
    tendctl, builddir = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory(prefix="tend-i18n-") as tmp:
        de, how = german_env(builddir, tmp)
        if de is None:
            print(f"1..0 # SKIP {how}")
            return 0
        print(f"# German: {how}")
        # No bus; a database of the test's own (import writes it).
        de["TEND_DATABASE"] = os.path.join(tmp, "tend.db")
        c = {k: v for k, v in os.environ.items()
             if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LOCPATH")}
        c.update(LANG="C", TEND_LOCALEDIR=de["TEND_LOCALEDIR"],
                 TEND_DATABASE=de["TEND_DATABASE"])

        r = run(tendctl, de, "--help")
        check("tendctl --help exits 0 in German", r.returncode == 0, r.stderr)
        check("tendctl --help says its summary in German",
              "Systemd-Dienste betreuen: das Befehlszeilen-Gegenstück von Tend." in r.stdout,
              r.stdout[:1500])
        check("… and the list of commands and the exit statuses",
              "Befehle:\n" in r.stdout and "Exit-Status:\n" in r.stdout and
              "Die Konfiguration von Units neu laden" in r.stdout, r.stdout)
        check("… and its options (GOptionEntry, through the translation domain)",
              "Mit der Dienstverwaltung des Systems sprechen" in r.stdout, r.stdout)
        check("… and no English summary is left",
              "Look after systemd services" not in r.stdout and "Commands:" not in r.stdout,
              r.stdout[:1500])

        r = run(tendctl, c, "--help")
        check("in C, tendctl --help is English",
              "Look after systemd services: the command-line twin of Tend." in r.stdout and
              "Betreuen" not in r.stdout and "Befehle:" not in r.stdout, r.stdout[:1500])

        r = run(tendctl, de, "list", "--help")
        check("tendctl list --help: the summary and an option in German",
              r.returncode == 0 and "Units auflisten: standardmäßig" in r.stdout and
              "Jede geladene Unit zeigen, auch inaktive" in r.stdout and
              "Die globalen Optionen zeigen" in r.stdout, r.stdout + r.stderr)

        r = run(tendctl, de, "frobnicate")
        check("a usage error in German, exit status 2",
              r.returncode == 2 and "Unbekannter Befehl »frobnicate«" in r.stderr and
              "»tendctl --help« zeigt die Liste der Befehle." in r.stderr,
              f"{r.returncode}: {r.stderr}")

        r = run(tendctl, de, "logs")
        check("a command's usage error in German",
              r.returncode == 2 and "logs benötigt eine UNIT, etwa nginx.service" in r.stderr,
              f"{r.returncode}: {r.stderr}")

        # import: what a person reads of a dry run, then of a file that changes nothing
        # (a database of its own in the test's directory; no bus needed)
        fixture = os.path.join(os.path.dirname(os.path.abspath(__file__)), "inventory",
                               "minimal.json")
        r = run(tendctl, de, "import", "--dry-run", fixture)
        check("import --dry-run ends in German, the changes counted (ngettext)",
              r.returncode == 0 and "keine vorgenommen." in r.stdout and
              "Probelauf: " in r.stdout and "Dry run" not in r.stdout,
              f"{r.returncode}: {r.stdout}{r.stderr}")
        r = run(tendctl, c, "import", "--dry-run", fixture)
        check("… and in C, in English", r.returncode == 0 and "Dry run: " in r.stdout and
              "none made." in r.stdout, f"{r.returncode}: {r.stdout}{r.stderr}")
        imported = run(tendctl, de, "import", fixture)
        r = run(tendctl, de, "import", fixture)
        check("importing it twice: the second says in German that it matches",
              imported.returncode == 0 and r.returncode == 0 and
              f"{fixture} entspricht dem Bestand: nichts zu ändern." in r.stdout,
              f"{imported.stdout}{imported.stderr}{r.stdout}{r.stderr}")

        r = run(tendctl, de, "policy", "set", "--help")
        check("policy set --help: the options' descriptions from the table, in German",
              r.returncode == 0 and
              "Höchstens N Wiederherstellungen innerhalb des Zeitfensters" in r.stdout and
              "At most N recoveries" not in r.stdout, r.stdout + r.stderr)

        de_version = run(tendctl, de, "--version")
        c_version = run(tendctl, c, "--version")
        check("--version is the same in German and in C",
              de_version.stdout == c_version.stdout and
              de_version.stdout.startswith("tendctl "), de_version.stdout)
    return finish()


sys.exit(main())
