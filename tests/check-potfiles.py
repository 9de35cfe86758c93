#!/usr/bin/env python3
# check-potfiles.py — po/POTFILES.in names every file with translatable strings
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: check-potfiles.py SRCDIR
#
# Scans the sources (src/**/*.c and *.h), the UI templates (resources/**/*.ui) and the
# data files that carry text for a person (data/*.in, data/*.gschema.xml) for strings
# marked for translation, and fails naming each such file missing from po/POTFILES.in,
# each entry of POTFILES.in that no longer exists, and each entry listed twice. A file
# that is listed but has nothing to translate is only reported (xgettext does not mind).
# It does not read the template (po/tend.pot): the sources are the truth.

import pathlib
import re
import sys

# _("…"), N_("…"), C_("ctx", "…"), NC_(…), ngettext ("…", …), and the calls that name
# a domain when it is ours (GETTEXT_PACKAGE): g_dngettext, g_dcgettext, g_dpgettext2. A
# lookup in another library's domain (g_dgettext ("libsoup-3.0", …)) is not ours.
C_MARKS = re.compile(r'(?<![A-Za-z0-9_])(?:(?:_|N_|C_|NC_|ngettext)\s*\(\s*"|'
                     r'(?:g_dngettext|g_dcgettext|g_dpgettext2|dngettext)\s*\(\s*'
                     r'GETTEXT_PACKAGE\s*,)')
UI_MARKS = re.compile(r'translatable\s*=\s*"(?:yes|true|1)"')
# desktop entry keys that are translated; AppStream and GSettings elements that are
DESKTOP_MARKS = re.compile(r'^(?:Name|GenericName|Comment|Keywords|X-GNOME-FullName)=',
                           re.M)
XML_MARKS = re.compile(r'<(?:name|summary|description|p|li|caption|developer_name|'
                       r'developer)[\s>]')


def strip_c_comments(text):
    # Comments may mention _() in prose; string literals stay.
    return re.sub(r'/\*.*?\*/|//[^\n]*', ' ', text, flags=re.S)


def has_translatable(path):
    text = path.read_text(encoding='utf-8', errors='replace')
    name = path.name
    if name.endswith(('.c', '.h')):
        return C_MARKS.search(strip_c_comments(text)) is not None
    if name.endswith('.ui'):
        return UI_MARKS.search(text) is not None
    if name.endswith('.desktop.in'):
        return DESKTOP_MARKS.search(text) is not None
    if name.endswith(('.metainfo.xml.in', '.appdata.xml.in', '.gschema.xml')):
        return XML_MARKS.search(text) is not None
    return False


def candidates(top):
    for pattern in ('src/**/*.c', 'src/**/*.h', 'resources/**/*.ui', 'data/*.in',
                    'data/*.gschema.xml'):
        yield from top.glob(pattern)


def main():
    top = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else '.').resolve()
    potfiles = top / 'po' / 'POTFILES.in'
    listed = []
    for line in potfiles.read_text(encoding='utf-8').splitlines():
        line = line.strip()
        if line and not line.startswith('#'):
            listed.append(line)

    problems = []
    seen = set()
    for entry in listed:
        if entry in seen:
            problems.append(f'po/POTFILES.in: {entry} is listed twice')
        seen.add(entry)
        if not (top / entry).is_file():
            problems.append(f'po/POTFILES.in: {entry} does not exist (remove it)')
        elif not has_translatable(top / entry):
            print(f'# note: {entry} is listed but has no translatable strings')

    wanted = sorted({str(p.relative_to(top)) for p in candidates(top) if has_translatable(p)})
    for path in wanted:
        if path not in seen:
            problems.append(f'{path}: has translatable strings but is missing from '
                            'po/POTFILES.in')

    print(f'# {len(wanted)} files with translatable strings, {len(listed)} entries in '
          'po/POTFILES.in')
    if problems:
        for problem in problems:
            print(problem)
        return 1
    print('po/POTFILES.in is complete')
    return 0


if __name__ == '__main__':
    sys.exit(main())
