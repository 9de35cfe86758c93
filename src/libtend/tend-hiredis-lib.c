/* tend-hiredis-lib.c — hiredis, loaded when the first Redis check runs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * See tend-lazy-lib.h for why.
 */
#define TEND_HIREDIS_LIB_NO_REDIRECT

#include "config.h"

#include "tend-hiredis-lib.h"
#include "tend-lazy-lib.h"

#define NAME(function) #function,
static const char * const names[] = { TEND_HIREDIS_LIB_FUNCTIONS (NAME) };
#undef NAME
static TendHiredisLib table;
static TendLazyLib lib = TEND_LAZY_LIB_INIT (TEND_LIBHIREDIS_SONAME, names, table);

G_STATIC_ASSERT (sizeof table == G_N_ELEMENTS (names) * sizeof (gpointer));

const TendHiredisLib *
tend_hiredis_lib (void)
{
  return tend_lazy_lib_get (&lib);
}
