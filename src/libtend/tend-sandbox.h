/* tend-sandbox.h — running inside a Flatpak sandbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What runs a command on the host from inside the sandbox (flatpak-xdg-utils) */
#define TEND_FLATPAK_SPAWN "flatpak-spawn"

gboolean   tend_sandbox_is_flatpak  (void);
char     **tend_sandbox_host_argv   (const char * const *argv,
                                     const char * const *environment);

G_END_DECLS
