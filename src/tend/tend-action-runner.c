/* tend-action-runner.c — see tend-action-runner.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Tend"

#include "config.h"

#include "tend-action-runner.h"

void
tend_action_runner_run (GtkWidget      *source,
                        TendUnitAction  action,
                        GPtrArray      *services)
{
  g_return_if_fail (GTK_IS_WIDGET (source));
  g_return_if_fail (services != NULL);
}
