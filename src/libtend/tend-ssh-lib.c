/* tend-ssh-lib.c — libssh, loaded when the first SSH host connects
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * See tend-lazy-lib.h for why.
 */
#define G_LOG_DOMAIN "Tend"
#define TEND_SSH_LIB_NO_REDIRECT

#include "config.h"

#include "tend-lazy-lib.h"
#include "tend-ssh-lib.h"

static TendSshLib table;

static gpointer
load_once (gpointer data)
{
  static const char * const names[] = {
#define NAME(function) #function,
    TEND_SSH_LIB_FUNCTIONS (NAME)
#undef NAME
  };
  GError **error = data;

  G_STATIC_ASSERT (sizeof table == G_N_ELEMENTS (names) * sizeof (gpointer));
  if (!tend_lazy_lib_open (TEND_LIBSSH_SONAME, names, (gpointer *) &table, G_N_ELEMENTS (names),
                           error))
    return NULL;
  return &table;
}

/**
 * tend_ssh_lib_load:
 *
 * Opens the library, once per process; thread-safe. A failure is told to every caller.
 *
 * Returns: whether its functions can be called
 */
gboolean
tend_ssh_lib_load (GError **error)
{
  static GOnce once = G_ONCE_INIT;
  static GError *load_error;

  if (g_once (&once, load_once, &load_error) != NULL)
    return TRUE;
  g_propagate_error (error, g_error_copy (load_error));
  return FALSE;
}

/**
 * tend_ssh_lib:
 *
 * Returns: the library's functions, loaded on first use (a missing library aborts, as
 *   it would have at start-up had it been linked)
 */
const TendSshLib *
tend_ssh_lib (void)
{
  g_autoptr(GError) error = NULL;

  if (G_UNLIKELY (!tend_ssh_lib_load (&error)))
    g_error ("%s", error->message);
  return &table;
}
