#!/usr/bin/python3
"""The documentation's links lead somewhere (suite 'docs', TAP).

For README.md and every docs/*.md: each relative link and image — [text](path),
![alt](path), <img src="path"> — names a file or folder that exists in the source tree,
and each #anchor, in the same page or another Markdown page, names one of that page's
headings (GitHub's slugs: lower case, punctuation dropped, spaces as hyphens, a repeated
heading -1, -2…). Links to other sites (http:, https:, mailto:) are not followed: there
is no network here. Text inside code spans and fenced code blocks is not a link.

Usage: check-docs.py SOURCE_ROOT [FILE.md…]    (by default README.md and docs/*.md)
"""
import glob
import os
import re
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tendtap import check, finish  # noqa: E402

FENCE = re.compile(r"^\s*(```|~~~)")
INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")
# [text](target) and ![alt](target); the target may be <…> or end at a space ("title")
LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+\"[^\"]*\")?\s*\)")
# [text]: target (reference definitions)
REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*(\S+)")
IMG = re.compile(r"<img\s[^>]*src=\"([^\"]+)\"", re.IGNORECASE)
HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")


def prose_lines(text):
    """(line number, line) of the lines outside fenced code blocks, code spans blanked."""
    fenced = None
    for number, line in enumerate(text.split("\n"), 1):
        m = FENCE.match(line)
        if m:
            if fenced is None:
                fenced = m.group(1)
            elif m.group(1) == fenced:
                fenced = None
            continue
        if fenced is None:
            yield number, INLINE_CODE.sub(lambda c: " " * len(c.group(0)), line)


def slug(heading):
    """GitHub's anchor for a heading's text."""
    text = re.sub(r"`([^`]*)`", r"\1", heading)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)   # a link: its text
    text = re.sub(r"<[^>]+>", "", text)                        # inline HTML
    text = text.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)                       # \w keeps letters, digits, _
    return text.replace(" ", "-")


def anchors(path, cache={}):
    if path not in cache:
        seen = {}
        found = set()
        with open(path, encoding="utf-8") as f:
            for _, line in prose_lines(f.read()):
                m = HEADING.match(line)
                if not m:
                    continue
                base = slug(m.group(2))
                n = seen.get(base, 0)
                seen[base] = n + 1
                found.add(base if n == 0 else f"{base}-{n}")
        cache[path] = found
    return cache[path]


def targets(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    for number, line in prose_lines(text):
        for m in LINK.finditer(line):
            yield number, m.group(1).strip("<>")
        m = REFERENCE.match(line)
        if m:
            yield number, m.group(1)
        for m in IMG.finditer(line):
            yield number, m.group(1)


def problems_of(root, path):
    problems = []
    links = 0
    for number, target in targets(path):
        where = f"{os.path.relpath(path, root)}:{number}: {target}"
        scheme = urllib.parse.urlsplit(target).scheme
        if scheme:
            continue                          # http:, https:, mailto: — not followed here
        links += 1
        file_part, _, anchor = target.partition("#")
        file_part = urllib.parse.unquote(file_part)
        if file_part:
            if file_part.startswith("/"):
                problems.append(f"{where}: an absolute path; link relative to the page")
                continue
            dest = os.path.normpath(os.path.join(os.path.dirname(path), file_part))
            if os.path.relpath(dest, root).split(os.sep)[0] == "..":
                problems.append(f"{where}: leads out of the source tree")
                continue
            if not os.path.exists(dest):
                problems.append(f"{where}: no such file")
                continue
        else:
            dest = path
        if anchor and dest.endswith(".md") and os.path.isfile(dest):
            if urllib.parse.unquote(anchor) not in anchors(dest):
                problems.append(f"{where}: no heading of {os.path.relpath(dest, root)} "
                                f"has the anchor #{anchor}")
    return links, problems


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    root = os.path.abspath(sys.argv[1])
    pages = [os.path.abspath(p) for p in sys.argv[2:]] or \
        [os.path.join(root, "README.md")] + sorted(glob.glob(os.path.join(root, "docs", "*.md")))
    check("there are pages to check", pages, root)
    for page in pages:
        if not os.path.isfile(page):
            check(f"{os.path.relpath(page, root)} exists", False, page)
            continue
        links, problems = problems_of(root, page)
        check(f"{os.path.relpath(page, root)}: {links} relative links and images lead to "
              "a file and heading that exist", not problems, "\n".join(problems))
    return finish()


if __name__ == "__main__":
    sys.exit(main())
