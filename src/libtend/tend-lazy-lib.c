/* tend-lazy-lib.c — a shared library opened when it is first needed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Tend"

#include <gmodule.h>

#include "tend-error.h"
#include "tend-lazy-lib.h"

/* Opens @soname for good (it is never closed) and looks up every function of @names. */
static gboolean
open_library (const char         *soname,
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

static gpointer
load_once (gpointer data)
{
  TendLazyLib *lib = data;

  if (!open_library (lib->soname, lib->names, lib->table, lib->n_names, &lib->error))
    return NULL;
  return lib->table;
}

/**
 * tend_lazy_lib_load:
 *
 * Opens @lib, once per process; thread-safe. A failure is told to every caller.
 *
 * Returns: whether its functions can be called
 */
gboolean
tend_lazy_lib_load (TendLazyLib  *lib,
                    GError      **error)
{
  if (g_once (&lib->once, load_once, lib) != NULL)
    return TRUE;
  g_propagate_error (error, g_error_copy (lib->error));
  return FALSE;
}

/**
 * tend_lazy_lib_get:
 *
 * Returns: @lib's table of functions, loaded on first use (a missing library aborts, as
 *   it would have at start-up had it been linked)
 */
gpointer
tend_lazy_lib_get (TendLazyLib *lib)
{
  g_autoptr(GError) error = NULL;

  if (G_UNLIKELY (!tend_lazy_lib_load (lib, &error)))
    g_error ("%s", error->message);
  return lib->table;
}
