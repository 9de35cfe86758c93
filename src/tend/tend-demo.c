/* tend-demo.c — the demo services a newcomer sees (tend --demo, or no user session)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * (Stub: the demo's own helper fills it in.)
 */
#define G_LOG_DOMAIN "Tend-Demo"

#include "config.h"

#include "tend-demo.h"

/**
 * tend_application_start_demo:
 * @self: the application
 *
 * The hook for the demo. Called once from the application's startup, before this
 * computer's hosts are made and connected and before the engine starts, whatever the
 * options: it looks at #TendApplication:demo (`tend --demo`) and decides for itself.
 */
void
tend_application_start_demo (TendApplication *self)
{
  g_return_if_fail (TEND_IS_APPLICATION (self));

  if (tend_application_get_demo (self))
    g_debug ("demo asked for; nothing to show yet");
}
