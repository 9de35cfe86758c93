#!/usr/bin/env python3
# check-po.py — every translation in po/LINGUAS is valid and complete (TAP)
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: check-po.py SRCDIR [XGETTEXT-ARG…]
#
# Makes the template afresh from po/POTFILES.in with xgettext into a temporary directory
# (the arguments of meson's 'glib' preset plus po/meson.build's po_xgettext_args, given
# on the command line), so that no committed or stale po/tend.pot is trusted; then, for
# each language of po/LINGUAS:
#   - `msgfmt --check --statistics` accepts LANG.po (formats, plural forms, header), and
#     it has no untranslated and no fuzzy message;
#   - `msgcmp LANG.po tend.pot` finds every message of the template in it, translated;
#   - placeholders and mnemonics: the same %-directives and one "_" where the English
#     has one (msgfmt --check does the c-format ones; this also covers the .ui strings).

import os
import re
import subprocess
import sys
import tempfile

# meson's i18n module, preset 'glib' (mesonbuild/modules/i18n.py, PRESET_ARGS)
GLIB_PRESET = [
    '--from-code=UTF-8', '--add-comments',
    '--keyword=_', '--keyword=N_', '--keyword=C_:1c,2', '--keyword=NC_:1c,2',
    '--keyword=g_dcgettext:2', '--keyword=g_dngettext:2,3', '--keyword=g_dpgettext2:2c,3',
    '--flag=N_:1:pass-c-format', '--flag=C_:2:pass-c-format', '--flag=NC_:2:pass-c-format',
    '--flag=g_dngettext:2:pass-c-format', '--flag=g_strdup_printf:1:c-format',
    '--flag=g_string_printf:2:c-format', '--flag=g_string_append_printf:2:c-format',
    '--flag=g_error_new:3:c-format', '--flag=g_set_error:4:c-format',
    '--flag=g_markup_printf_escaped:1:c-format', '--flag=g_log:3:c-format',
    '--flag=g_print:1:c-format', '--flag=g_printerr:1:c-format', '--flag=g_printf:1:c-format',
    '--flag=g_fprintf:2:c-format', '--flag=g_sprintf:2:c-format',
    '--flag=g_snprintf:3:c-format',
]

n_test = 0
n_failed = 0


def check(what, ok, detail=''):
    global n_test, n_failed
    n_test += 1
    print(f"{'ok' if ok else 'not ok'} {n_test} - {what}")
    if not ok:
        n_failed += 1
        for line in str(detail).rstrip().splitlines()[:80]:
            print(f'# {line}')
    return ok


def skip_all(why):
    print(f'1..0 # SKIP {why}')
    sys.exit(0)


def run(argv, **kw):
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, **kw)


def unquote(s):
    return bytes(s, 'utf-8').decode('unicode_escape').encode('latin-1').decode('utf-8')


def read_po(path):
    """Each message of @path: (msgctxt, msgid, msgid_plural, [msgstr…], flags), without
    the header and obsolete ones."""
    entries = []
    cur = None
    key = None
    flags = set()

    def flush():
        nonlocal cur
        if cur is not None and cur['msgid'] != '':
            entries.append(cur)
        cur = None

    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\n')
            if line.startswith('#~'):
                continue
            if line.startswith('#,'):
                flush()
                flags = {x.strip() for x in line[2:].split(',')}
                continue
            if line.startswith('#') or not line.strip():
                if not line.strip():
                    flush()
                continue
            m = re.match(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+"(.*)"$', line)
            if m:
                key, value = m.group(1), unquote(m.group(2))
                if key in ('msgctxt', 'msgid') and cur is not None and \
                        (key == 'msgctxt' or 'msgctxt' not in cur or 'msgid' in cur):
                    flush()
                if cur is None:
                    cur = {'flags': flags, 'msgstr': {}}
                    flags = set()
                if key.startswith('msgstr'):
                    cur['msgstr'][key] = value
                else:
                    cur[key] = value
            elif line.startswith('"') and cur is not None:
                value = unquote(line[1:-1])
                if key.startswith('msgstr'):
                    cur['msgstr'][key] += value
                else:
                    cur[key] += value
    flush()
    return entries


FORMAT = re.compile(r'%(?:\d+\$)?[-+ #0\']*(?:\d+|\*)?(?:\.\d+|\.\*)?(?:hh|h|ll|l|L|z|j|t)?'
                    r'[diouxXeEfFgGcsp%]')


def directives(s):
    # positional ones (%1$s) count by their position's conversion
    found = []
    for m in FORMAT.finditer(s):
        d = m.group(0)
        if d == '%%':
            continue
        found.append(re.sub(r"^%\d+\$", "%", d).replace("'", ''))
    return sorted(found)


def underscores(s):
    """The mnemonic marks of a short label ("_Restart", "Alle Dienste an_zeigen"): its
    underscores; None for longer text, where "_" is part of names (ssh_host_*_key)."""
    return s.count('_') if len(s) <= 60 else None


def main():
    top = sys.argv[1]
    extra = sys.argv[2:]
    for tool in ('xgettext', 'msgfmt', 'msgcmp'):
        if run(['sh', '-c', f'command -v {tool}']).returncode != 0:
            skip_all(f"'{tool}' not found (Debian: gettext)")

    with open(os.path.join(top, 'po', 'LINGUAS'), encoding='utf-8') as f:
        linguas = [w for line in f for w in line.split('#')[0].split()]

    tmp = tempfile.TemporaryDirectory(prefix='tend-po-')
    pot = os.path.join(tmp.name, 'tend.pot')
    r = run(['xgettext', '--package-name=tend', '-D', top, '-f',
             os.path.join(top, 'po', 'POTFILES.in'), '-o', pot] + GLIB_PRESET + extra)
    if not check('xgettext makes the template from po/POTFILES.in',
                 r.returncode == 0 and os.path.exists(pot), r.stderr):
        print(f'1..{n_test}')
        return 1
    template = read_po(pot)
    check(f'the template has messages ({len(template)})', len(template) > 100)
    check('po/LINGUAS names at least one language', len(linguas) > 0, linguas)

    for lang in linguas:
        po = os.path.join(top, 'po', f'{lang}.po')
        if not check(f'po/{lang}.po exists', os.path.exists(po)):
            continue
        r = run(['msgfmt', '--check', '--statistics', '-o', os.devnull, po],
                env=dict(os.environ, LC_ALL='C', LANGUAGE=''))
        stats = r.stderr.strip()
        check(f'msgfmt --check accepts po/{lang}.po', r.returncode == 0, stats)
        m = re.search(r'(\d+) translated message', stats)
        untranslated = re.search(r'(\d+) untranslated', stats)
        fuzzy = re.search(r'(\d+) fuzzy', stats)
        check(f'po/{lang}.po: no fuzzy and no untranslated message ({stats})',
              m is not None and untranslated is None and fuzzy is None, stats)

        r = run(['msgcmp', po, pot], env=dict(os.environ, LC_ALL='C', LANGUAGE=''))
        check(f'po/{lang}.po translates every message of the current template',
              r.returncode == 0, r.stderr)

        bad = []
        for e in read_po(po):
            if 'fuzzy' in e['flags']:
                continue
            sources = [e['msgid']] + ([e['msgid_plural']] if 'msgid_plural' in e else [])
            for key, text in e['msgstr'].items():
                if not text:
                    continue
                source = sources[-1] if key != 'msgstr[0]' and len(sources) > 1 else sources[0]
                if 'c-format' in e['flags']:
                    want = directives(source)
                    got = directives(text)
                    # a singular may leave out its number ("one service"); others may not
                    if want != got and not (key == 'msgstr[0]' and
                                            set(got) <= set(want) and
                                            len(sources) > 1):
                        bad.append(f'{source!r}: placeholders {want} but {text!r} has {got}')
                if underscores(source) is not None and underscores(source) != text.count('_'):
                    bad.append(f'{source!r}: mnemonic differs in {text!r}')
        check(f'po/{lang}.po keeps placeholders and mnemonics', not bad, '\n'.join(bad))

    print(f'1..{n_test}')
    return 1 if n_failed else 0


if __name__ == '__main__':
    sys.exit(main())
