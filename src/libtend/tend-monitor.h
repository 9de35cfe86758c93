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

/**
 * TendMonitorLateness:
 * @n_runs: runs started on their schedule
 * @max_usec: the latest start after the due time
 * @p99_usec: 99 % of the runs started at most this late (within 19 %)
 * @mean_usec: the mean lateness
 * @n_late_beyond_interval: runs that started more than their interval late
 * @n_dispatches: how often the monitor's timer started runs (wake-ups and continuations)
 * @n_continued: dispatches that went on in the next main-loop iteration, out of time
 * @max_dispatch_usec: the longest time one dispatch spent starting runs
 *
 * See tend_monitor_get_lateness().
 */
typedef struct
{
  guint64 n_runs;
  gint64 max_usec;
  gint64 p99_usec;
  gint64 mean_usec;
  guint64 n_late_beyond_interval;
  guint64 n_dispatches;
  guint64 n_continued;
  gint64 max_dispatch_usec;
} TendMonitorLateness;

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

gint64       tend_monitor_get_slack          (TendMonitor *self,
                                              TendCheck   *check);
void         tend_monitor_get_lateness       (TendMonitor         *self,
                                              TendMonitorLateness *out);
void         tend_monitor_reset_lateness     (TendMonitor *self);

G_END_DECLS
