/* tend-unit-action.c — see tend-unit-action.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Tend"

#include "config.h"

#include "tend-unit-action.h"

void
tend_unit_action_run (GtkWidget  *source,
                      const char *action,
                      GPtrArray  *services)
{
  g_return_if_fail (GTK_IS_WIDGET (source));
  g_return_if_fail (action != NULL);
  g_return_if_fail (services != NULL);
}
