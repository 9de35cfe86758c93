/* tend-demo.c — see tend-demo.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * (Stubs: the hooks TendApplication calls; the demo's own helper fills them in.)
 */
#define G_LOG_DOMAIN "Tend"

#include "config.h"

#include "tend-demo.h"

/**
 * tend_demo_dup_database_path:
 *
 * Returns: (transfer full) (nullable): the database the application opens, and runs its
 *   engine on, under --demo instead of the person's own; %NULL for the person's own
 */
char *
tend_demo_dup_database_path (void)
{
  return NULL;
}

/**
 * tend_application_start_demo:
 * @engine: the application's engine, started on tend_demo_dup_database_path()
 *
 * Starts the demo's services for @engine to watch.
 */
void
tend_application_start_demo (TendApplication *self,
                             TendEngine      *engine)
{
  g_return_if_fail (TEND_IS_APPLICATION (self));
  g_return_if_fail (TEND_IS_ENGINE (engine));
}

/**
 * tend_application_stop_demo:
 *
 * Ends the demo, from the application's shutdown.
 */
void
tend_application_stop_demo (TendApplication *self)
{
  g_return_if_fail (TEND_IS_APPLICATION (self));
}
