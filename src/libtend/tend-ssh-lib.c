/* tend-ssh-lib.c — libssh, loaded when the first SSH host connects
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * See tend-lazy-lib.h for why.
 */
#define TEND_SSH_LIB_NO_REDIRECT

#include "config.h"

#include "tend-lazy-lib.h"
#include "tend-ssh-lib.h"

#define NAME(function) #function,
static const char * const names[] = { TEND_SSH_LIB_FUNCTIONS (NAME) };
#undef NAME
static TendSshLib table;
static TendLazyLib lib = TEND_LAZY_LIB_INIT (TEND_LIBSSH_SONAME, names, table);

G_STATIC_ASSERT (sizeof table == G_N_ELEMENTS (names) * sizeof (gpointer));

gboolean
tend_ssh_lib_load (GError **error)
{
  return tend_lazy_lib_load (&lib, error);
}

const TendSshLib *
tend_ssh_lib (void)
{
  return tend_lazy_lib_get (&lib);
}
