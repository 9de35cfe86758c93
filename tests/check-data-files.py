#!/usr/bin/env python3
# check-data-files.py — checks of data/ that no Debian validator makes (suite 'data').
#
#   check-data-files.py svg FILE [--symbolic]
#       FILE is a well-formed SVG icon that gdk-pixbuf recognises; --symbolic: 16×16,
#       filled shapes only, in the one colour #2e3436.
#   check-data-files.py dbus-service SERVICE DESKTOP APP-ID
#       the D-Bus service file activates APP-ID with --gapplication-service, and the
#       desktop file is named after APP-ID and says DBusActivatable=true.
#   check-data-files.py installed BUILDDIR DATADIR APP-ID
#       meson installs every data file to its standard place under DATADIR.
#   check-data-files.py skip REASON
#       a validator is missing: say so and exit 77 (meson's "skipped").
#
# Exits 0 when the file passes, 1 with one line per problem otherwise.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import configparser
import json
import os
import sys
import xml.etree.ElementTree as ET

SVG_NS = "{http://www.w3.org/2000/svg}"
SYMBOLIC_COLOUR = "#2e3436"
# gdk-pixbuf (and so GTK) tells an SVG file by "<svg" within its first 256 bytes.
SNIFF_BYTES = 256
# GTK recolours a symbolic icon by forcing the fill of these elements.
FILLED_ELEMENTS = {"path", "rect", "circle", "ellipse", "polygon"}
# Elements a symbolic icon does not need and GTK would not recolour.
UNWANTED_ELEMENTS = {"text", "image", "use", "linearGradient", "radialGradient", "pattern"}


def local_name(tag):
    return tag[len(SVG_NS):] if tag.startswith(SVG_NS) else tag


def paint(element, prop):
    """The value of fill or stroke on ELEMENT, from its attribute or style."""
    for decl in element.get("style", "").split(";"):
        name, _, value = decl.partition(":")
        if name.strip() == prop:
            return value.strip().lower()
    value = element.get(prop)
    return value.strip().lower() if value is not None else None


def check_svg(path, symbolic):
    problems = []
    with open(path, "rb") as f:
        raw = f.read()
    if b"<svg" not in raw[:SNIFF_BYTES]:
        problems.append(f"<svg> does not start within the first {SNIFF_BYTES} bytes, "
                        "so gdk-pixbuf does not recognise the file as SVG")
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as e:
        return [f"not well-formed XML: {e}"]
    if root.tag != SVG_NS + "svg":
        return [f"the root element is {root.tag}, not an SVG <svg>"]

    view_box = root.get("viewBox", "").replace(",", " ").split()
    if len(view_box) != 4:
        problems.append("no viewBox of four numbers")
    elif float(view_box[2]) != float(view_box[3]):
        problems.append(f"viewBox {' '.join(view_box)} is not square")

    if symbolic:
        if not path.endswith("-symbolic.svg"):
            problems.append("a symbolic icon's name ends in -symbolic.svg")
        for attr in ("width", "height"):
            if root.get(attr) != "16":
                problems.append(f"{attr} is {root.get(attr)!r}, not 16")
        if view_box and [float(v) for v in view_box] != [0, 0, 16, 16]:
            problems.append(f"viewBox is {' '.join(view_box)}, not 0 0 16 16")
        for element in root.iter():
            name = local_name(element.tag)
            if name in UNWANTED_ELEMENTS:
                problems.append(f"<{name}> in a symbolic icon: GTK recolours plain shapes only")
            stroke = paint(element, "stroke")
            if stroke not in (None, "none"):
                problems.append(f"<{name}> has stroke {stroke}: GTK fills a symbolic icon's "
                                "shapes and leaves strokes alone; draw with fills")
            fill = paint(element, "fill")
            if name in FILLED_ELEMENTS and fill != SYMBOLIC_COLOUR:
                problems.append(f"<{name}> has fill {fill}, not {SYMBOLIC_COLOUR}")
            elif fill not in (None, SYMBOLIC_COLOUR):
                problems.append(f"<{name}> has fill {fill}, not {SYMBOLIC_COLOUR}")
    else:
        shapes = [e for e in root.iter() if local_name(e.tag) in FILLED_ELEMENTS]
        if not shapes:
            problems.append("no shapes")
    return problems


def read_keyfile(path):
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive
    with open(path, encoding="utf-8") as f:
        parser.read_file(f)
    return parser


def check_dbus_service(service_path, desktop_path, app_id):
    problems = []
    if os.path.basename(service_path) != app_id + ".service":
        problems.append(f"{service_path} is not named {app_id}.service")
    if os.path.basename(desktop_path) != app_id + ".desktop":
        problems.append(f"{desktop_path} is not named {app_id}.desktop")

    service = read_keyfile(service_path)
    if not service.has_section("D-BUS Service"):
        return problems + [f"{service_path} has no [D-BUS Service] group"]
    group = service["D-BUS Service"]
    if group.get("Name") != app_id:
        problems.append(f"Name is {group.get('Name')!r}, not {app_id!r}")
    argv = group.get("Exec", "").split()
    if not argv or not os.path.isabs(argv[0]):
        problems.append(f"Exec {group.get('Exec')!r} does not start with an absolute path")
    elif os.path.basename(argv[0]) != "tend" or argv[1:] != ["--gapplication-service"]:
        problems.append(f"Exec {group.get('Exec')!r} is not .../tend --gapplication-service")

    desktop = read_keyfile(desktop_path)
    entry = desktop["Desktop Entry"] if desktop.has_section("Desktop Entry") else {}
    if entry.get("DBusActivatable") != "true":
        problems.append(f"{desktop_path} does not say DBusActivatable=true")
    if entry.get("Icon") != app_id:
        problems.append(f"{desktop_path} has Icon={entry.get('Icon')}, not {app_id}")
    return problems


def check_installed(builddir, datadir, app_id):
    with open(os.path.join(builddir, "meson-info", "intro-installed.json"),
              encoding="utf-8") as f:
        installed = set(os.path.normpath(p) for p in json.load(f).values())
    expected = [
        f"applications/{app_id}.desktop",
        f"metainfo/{app_id}.metainfo.xml",
        f"glib-2.0/schemas/{app_id}.gschema.xml",
        f"icons/hicolor/scalable/apps/{app_id}.svg",
        f"icons/hicolor/symbolic/apps/{app_id}-symbolic.svg",
        f"dbus-1/services/{app_id}.service",
    ]
    return [f"{os.path.join(datadir, rel)} is not installed"
            for rel in expected if os.path.normpath(os.path.join(datadir, rel)) not in installed]


def main(argv):
    if len(argv) >= 2 and argv[0] == "skip":
        print(f"# SKIP {' '.join(argv[1:])}")
        return 77
    if len(argv) in (2, 3) and argv[0] == "svg" and argv[2:] in ([], ["--symbolic"]):
        what, problems = argv[1], check_svg(argv[1], argv[2:] == ["--symbolic"])
    elif len(argv) == 4 and argv[0] == "dbus-service":
        what, problems = argv[1], check_dbus_service(*argv[1:])
    elif len(argv) == 4 and argv[0] == "installed":
        what, problems = "the install", check_installed(*argv[1:])
    else:
        print("usage: check-data-files.py svg FILE [--symbolic] | dbus-service SERVICE DESKTOP "
              "APP-ID | installed BUILDDIR DATADIR APP-ID | skip REASON", file=sys.stderr)
        return 2
    for problem in problems:
        print(f"{what}: {problem}")
    if not problems:
        print(f"{what}: ok")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
