/* tend-lazy-lib.c — a shared library opened when it is first needed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Tend"

#include <gmodule.h>

#include "tend-error.h"
#include "tend-lazy-lib.h"

/**
 * tend_lazy_lib_open:
 * @soname: the library, e.g. "libssh.so.4"
 * @names: the functions to look up
 * @table: (out caller-allocates): where their addresses go, in the order of @names
 *
 * Opens @soname for good (it is never closed) and looks up every function of @names.
 *
 * Returns: whether all were found; else @error says what is missing
 */
gboolean
tend_lazy_lib_open (const char         *soname,
                    const char * const *names,
                    gpointer           *table,
                    guint               n_names,
                    GError            **error)
{
  GModule *module = g_module_open (soname, G_MODULE_BIND_LOCAL);

  if (module == NULL)
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_FAILED,
                   "cannot load the library %s: %s (is it installed?)", soname,
                   g_module_error ());
      return FALSE;
    }

  for (guint i = 0; i < n_names; i++)
    if (!g_module_symbol (module, names[i], &table[i]) || table[i] == NULL)
      {
        g_set_error (error, TEND_ERROR, TEND_ERROR_FAILED,
                     "the library %s has no %s: it is older than Tend needs", soname, names[i]);
        g_module_close (module);
        return FALSE;
      }

  g_module_make_resident (module);
  g_debug ("loaded %s", soname);
  return TRUE;
}
