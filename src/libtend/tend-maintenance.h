/* tend-maintenance.h — recurring maintenance windows: "Mon-Fri 02:00-04:00"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * TendMaintenanceWindow:
 * @days: a bit per weekday the window starts on, 1 << 0 for Monday … 1 << 6 for Sunday
 * @start_minute: when it starts, minutes after local midnight, 0..1439
 * @length_minutes: how long it lasts, 1..1440; a window may run past midnight
 *
 * A window that recurs every week, in local time. Checks still run and are recorded
 * during it; Tend neither recovers nor notifies.
 */
typedef struct
{
  guint8 days;
  guint16 start_minute;
  guint16 length_minutes;
} TendMaintenanceWindow;

#define TEND_MAINTENANCE_EVERY_DAY 0x7f

gboolean tend_maintenance_window_parse    (const char                  *text,
                                           TendMaintenanceWindow       *window,
                                           GError                     **error);
char    *tend_maintenance_window_format   (const TendMaintenanceWindow *window);
gboolean tend_maintenance_window_contains (const TendMaintenanceWindow *window,
                                           GDateTime                   *time);
gint64   tend_maintenance_window_end      (const TendMaintenanceWindow *window,
                                           GDateTime                   *time);

G_END_DECLS
