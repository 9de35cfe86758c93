/* tend-lazy-lib.h — a shared library opened when it is first needed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every library a process links is loaded and bound before main(): Debian links most with
 * BIND_NOW, so each costs every tendctl command, whether it uses it or not (bench/run,
 * docs/benchmarks.md, issue 14). libssh (with OpenSSL's libcrypto) and libsoup (with
 * Kerberos, nghttp2, brotli, libpsl…) are needed only for SSH hosts and HTTP checks and
 * webhooks: tend-ssh-lib.h and tend-soup-lib.h open them with GModule on first use and
 * call them through a table of their functions, filled here; SQLite (tend-sqlite-lib.h),
 * hiredis (tend-hiredis-lib.h, Redis checks only) and json-glib (tend-json-lib.h) the same
 * way.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One library: filled in by its file (tend-ssh-lib.c, tend-soup-lib.c), loaded once. */
typedef struct
{
  const char *soname;
  const char * const *names;   /* of its functions */
  guint n_names;
  gpointer *table;             /* where their addresses go, in the order of @names */
  GOnce once;
  GError *error;               /* why it could not be loaded */
} TendLazyLib;

#define TEND_LAZY_LIB_INIT(soname, names, table) \
  { soname, names, G_N_ELEMENTS (names), (gpointer *) &table, G_ONCE_INIT, NULL }

/* The body of a library's file (tend-ssh-lib.c …): its names and table, and
 * `const Type *prefix (void)`, which returns the table (loading the library if needed),
 * and `gboolean prefix_load (GError **)`, which says why it could not be loaded. */
#define TEND_LAZY_LIB_NAME_OF(function) #function,
#define TEND_LAZY_LIB_DEFINE(Type, prefix, soname, FUNCTIONS) \
  static const char * const names[] = { FUNCTIONS (TEND_LAZY_LIB_NAME_OF) }; \
  static Type table; \
  static TendLazyLib lib = TEND_LAZY_LIB_INIT (soname, names, table); \
  G_STATIC_ASSERT (sizeof table == G_N_ELEMENTS (names) * sizeof (gpointer)); \
  gboolean \
  prefix##_load (GError **error) \
  { \
    return tend_lazy_lib_load (&lib, error); \
  } \
  const Type * \
  prefix (void) \
  { \
    return tend_lazy_lib_get (&lib); \
  }

gboolean tend_lazy_lib_load (TendLazyLib  *lib,
                             GError      **error);
gpointer tend_lazy_lib_get  (TendLazyLib  *lib);

G_END_DECLS
