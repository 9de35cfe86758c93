/* tend-uptime-cell.h — how long a service has been active, in the service list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <tend.h>

G_BEGIN_DECLS

#define TEND_TYPE_UPTIME_CELL (tend_uptime_cell_get_type ())
G_DECLARE_FINAL_TYPE (TendUptimeCell, tend_uptime_cell, TEND, UPTIME_CELL, GtkWidget)

TendService *tend_uptime_cell_get_service (TendUptimeCell *self);
void         tend_uptime_cell_set_service (TendUptimeCell *self,
                                           TendService    *service);

/* The text the cell shows for a unit active since @active_since (µs since the epoch,
 * 0 when not active) at @now. */
char        *tend_uptime_cell_format      (gint64          active_since,
                                           gint64          now);

G_END_DECLS
