/* tend-monitor.h — runs checks on timers on the GLib main loop
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tend-types.h"

G_BEGIN_DECLS

/* How many checks run at once unless told otherwise. */
#define TEND_MONITOR_DEFAULT_MAX_CONCURRENT 50

#define TEND_TYPE_MONITOR (tend_monitor_get_type ())
G_DECLARE_FINAL_TYPE (TendMonitor, tend_monitor, TEND, MONITOR, GObject)

TendMonitor *tend_monitor_new                (TendStore   *store);
TendStore   *tend_monitor_get_store          (TendMonitor *self);

void         tend_monitor_set_seed           (TendMonitor *self,
                                              guint32      seed);
void         tend_monitor_set_flap_thresholds (TendMonitor *self,
                                               double       start_percent,
                                               double       end_percent);
guint        tend_monitor_get_max_concurrent (TendMonitor *self);
void         tend_monitor_set_max_concurrent (TendMonitor *self,
                                              guint        max_concurrent);

gboolean     tend_monitor_add_check          (TendMonitor *self,
                                              gint64       service_id,
                                              gint64       check_id,
                                              TendCheck   *check);
gboolean     tend_monitor_remove_check       (TendMonitor *self,
                                              TendCheck   *check);

void         tend_monitor_start              (TendMonitor *self);
void         tend_monitor_stop               (TendMonitor *self);
gboolean     tend_monitor_is_running         (TendMonitor *self);
gboolean     tend_monitor_run_now            (TendMonitor *self,
                                              TendCheck   *check);
guint        tend_monitor_run_service_now    (TendMonitor *self,
                                              gint64       service_id);

TendHealth  *tend_monitor_get_health         (TendMonitor *self,
                                              gint64       service_id);
TendHealth  *tend_monitor_peek_health        (TendMonitor *self,
                                              gint64       service_id);
void         tend_monitor_adopt_incident     (TendMonitor *self,
                                              gint64       service_id,
                                              gint64       incident_id);
gint64       tend_monitor_get_incident       (TendMonitor *self,
                                              gint64       service_id);
void         tend_monitor_hold_incident      (TendMonitor *self,
                                              gint64       service_id,
                                              gboolean     hold);
char        *tend_monitor_dup_layers_json    (TendMonitor *self,
                                              gint64       service_id);

guint        tend_monitor_get_n_running      (TendMonitor *self);
guint        tend_monitor_get_n_waiting      (TendMonitor *self);
guint64      tend_monitor_get_n_completed    (TendMonitor *self);

G_END_DECLS
