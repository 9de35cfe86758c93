/* tend-sqlite-lib.c — SQLite, loaded when the first store opens
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * See tend-lazy-lib.h for why.
 */
#define TEND_SQLITE_LIB_NO_REDIRECT

#include "config.h"

#include "tend-lazy-lib.h"
#include "tend-sqlite-lib.h"

#define NAME(function) #function,
static const char * const names[] = { TEND_SQLITE_LIB_FUNCTIONS (NAME) };
#undef NAME
static TendSqliteLib table;
static TendLazyLib lib = TEND_LAZY_LIB_INIT (TEND_LIBSQLITE_SONAME, names, table);

G_STATIC_ASSERT (sizeof table == G_N_ELEMENTS (names) * sizeof (gpointer));

gboolean
tend_sqlite_lib_load (GError **error)
{
  return tend_lazy_lib_load (&lib, error);
}

const TendSqliteLib *
tend_sqlite_lib (void)
{
  return tend_lazy_lib_get (&lib);
}
