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

TEND_LAZY_LIB_DEFINE (TendSqliteLib, tend_sqlite_lib, TEND_LIBSQLITE_SONAME,
                      TEND_SQLITE_LIB_FUNCTIONS)
