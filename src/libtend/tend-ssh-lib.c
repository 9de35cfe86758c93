/* tend-ssh-lib.c — libssh, loaded when the first SSH host connects
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * See tend-ssh-lib.h for why.
 */
#define G_LOG_DOMAIN "Tend-Ssh"
#define TEND_SSH_LIB_NO_REDIRECT

#include "config.h"

#include <gmodule.h>

#include "tend-error.h"
#include "tend-ssh-lib.h"

static TendSshLib table;
static GError *load_error;

static gpointer
load_once (gpointer data)
{
  GModule *module;

  module = g_module_open (TEND_LIBSSH_SONAME, G_MODULE_BIND_LOCAL);
  if (module == NULL)
    {
      load_error = g_error_new (TEND_ERROR, TEND_ERROR_FAILED,
                                "cannot load the SSH library %s: %s (is libssh installed?)",
                                TEND_LIBSSH_SONAME, g_module_error ());
      return NULL;
    }

#define TEND_SSH_LIB_LOOKUP(name) \
  if (load_error == NULL && !g_module_symbol (module, #name, (gpointer *) &table.name)) \
    load_error = g_error_new (TEND_ERROR, TEND_ERROR_FAILED, \
                              "the SSH library %s has no %s: it is older than Tend needs", \
                              TEND_LIBSSH_SONAME, #name);
  TEND_SSH_LIB_FUNCTIONS (TEND_SSH_LIB_LOOKUP)
#undef TEND_SSH_LIB_LOOKUP

  if (load_error != NULL)
    {
      g_module_close (module);
      return NULL;
    }
  g_module_make_resident (module);
  g_debug ("loaded %s", TEND_LIBSSH_SONAME);
  return &table;
}

/**
 * tend_ssh_lib_load:
 *
 * Opens libssh, once per process; thread-safe.
 *
 * Returns: whether libssh's functions can be called
 */
gboolean
tend_ssh_lib_load (GError **error)
{
  static GOnce once = G_ONCE_INIT;

  if (g_once (&once, load_once, NULL) != NULL)
    return TRUE;
  g_propagate_error (error, g_error_copy (load_error));
  return FALSE;
}

/**
 * tend_ssh_lib:
 *
 * Returns: libssh's functions; loads them if tend_ssh_lib_load() was not called (and
 *   aborts where they cannot be: a session connects through tend_ssh_lib_load() first)
 */
const TendSshLib *
tend_ssh_lib (void)
{
  g_autoptr(GError) error = NULL;

  if (G_UNLIKELY (!tend_ssh_lib_load (&error)))
    g_error ("%s", error->message);
  return &table;
}
