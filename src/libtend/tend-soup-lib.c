/* tend-soup-lib.c — libsoup, loaded when the first HTTP check or webhook is made
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * See tend-lazy-lib.h for why.
 */
#define TEND_SOUP_LIB_NO_REDIRECT

#include "config.h"

#include "tend-lazy-lib.h"
#include "tend-soup-lib.h"

#define NAME(function) #function,
static const char * const names[] = { TEND_SOUP_LIB_FUNCTIONS (NAME) };
#undef NAME
static TendSoupLib table;
static TendLazyLib lib = TEND_LAZY_LIB_INIT (TEND_LIBSOUP_SONAME, names, table);

G_STATIC_ASSERT (sizeof table == G_N_ELEMENTS (names) * sizeof (gpointer));

gboolean
tend_soup_lib_load (GError **error)
{
  return tend_lazy_lib_load (&lib, error);
}

const TendSoupLib *
tend_soup_lib (void)
{
  return tend_lazy_lib_get (&lib);
}
