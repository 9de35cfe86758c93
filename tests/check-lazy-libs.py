#!/usr/bin/python3
"""tendctl and tend do not link libssh, libsoup, SQLite, hiredis or json-glib at start-up,
nor export their symbols (TAP).

libtend opens them when first used (src/libtend/tend-lazy-lib.h): every function of
theirs that libtend calls must be in TEND_SSH_LIB_FUNCTIONS (tend-ssh-lib.h),
TEND_SOUP_LIB_FUNCTIONS (tend-soup-lib.h), TEND_SQLITE_LIB_FUNCTIONS
(tend-sqlite-lib.h), TEND_HIREDIS_LIB_FUNCTIONS (tend-hiredis-lib.h) or
TEND_JSON_LIB_FUNCTIONS (tend-json-lib.h). One that is not links the library into every
process again, which costs each tendctl command millions of instructions before main()
(docs/benchmarks.md, issue 14). This test names the functions to add.
Usage: check-lazy-libs.py READELF NM LIBTEND_A BINARY...
"""
import subprocess
import sys

readelf, nm, libtend, binaries = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
LAZY = {"libssh.so": ("ssh_", "tend-ssh-lib.h"), "libsoup-3.0.so": ("soup_", "tend-soup-lib.h"),
        "libsqlite3.so": ("sqlite3_", "tend-sqlite-lib.h"),
        "libhiredis.so": ("redis", "tend-hiredis-lib.h"),
        "libjson-glib-1.0.so": ("json_", "tend-json-lib.h")}

undefined = subprocess.run([nm, "-u", libtend], capture_output=True, text=True,
                           check=True).stdout.split()
n = 0
failed = False


def name_of(path):
    return path.rsplit('/', 1)[-1]



for binary in binaries:
    dynamic = subprocess.run([readelf, "-d", binary], capture_output=True, text=True,
                             check=True).stdout
    for soname, (prefix, header) in LAZY.items():
        n += 1
        linked = f"[{soname}" in dynamic
        if linked:
            failed = True
            names = sorted({s for s in undefined if s.startswith(prefix) or
                            s.startswith("_" + prefix.upper())})
            print(f"not ok {n} {binary.rsplit('/', 1)[-1]} does not link {soname}")
            print(f"# libtend calls these directly: add them to {header}: {' '.join(names)}")
        else:
            print(f"ok {n} {binary.rsplit('/', 1)[-1]} does not link {soname}")
    # libc first among the program's libraries: most symbols every library binds at
    # start-up are libc's, looked up along that list (src/tendctl/meson.build)
    if name_of(binary) == "tendctl":
        n += 1
        needed = [line.split("[", 1)[1].rstrip("]") for line in dynamic.splitlines()
                  if "(NEEDED)" in line]
        # a sanitizer's runtime must come before every other library (-Db_sanitize)
        sanitizers = ("libasan.so", "libubsan.so", "liblsan.so", "libtsan.so")
        needed = [lib for lib in needed if not lib.startswith(sanitizers)]
        if needed[:1] == ["libc.so.6"]:
            print(f"ok {n} tendctl links libc.so.6 first")
        else:
            failed = True
            print(f"not ok {n} tendctl links libc.so.6 first (its libraries: {needed})")
    # --export-dynamic (which gmodule-2.0's and libsoup's pkg-config files add) would put
    # the program's ~1,000 symbols before every library's symbol lookup at start-up.
    n += 1
    exported = subprocess.run([nm, "-D", "--defined-only", binary], capture_output=True,
                              text=True, check=True).stdout.splitlines()
    name = binary.rsplit('/', 1)[-1]
    if len(exported) > 20:
        failed = True
        print(f"not ok {n} {name} exports no symbols of its own (it exports {len(exported)}: "
              "linked with --export-dynamic; use gmodule-no-export-2.0 and libsoup's headers "
              "only)")
    else:
        print(f"ok {n} {name} exports no symbols of its own ({len(exported)})")
print(f"1..{n}")
sys.exit(1 if failed else 0)
