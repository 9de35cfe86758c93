/* tend-monitor-private.h — what tend-monitor.c and tend-monitor-health.c share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tend-check.h"
#include "tend-check-private.h"
#include "tend-health.h"
#include "tend-monitor.h"
#include "tend-store.h"

G_BEGIN_DECLS

/* Lateness histogram: four buckets per power of two (each within 19 %). */
#define TEND_MONITOR_LATENESS_BUCKETS (64 * 4)

typedef struct
{
  TendMonitor *monitor;        /* (unowned) (nullable) NULL once it left the monitor */
  TendCheck *check;            /* (owned) */
  TendCheckState *layer;       /* (owned) its layer in the service's health */
  gint64 service_id;
  gint64 check_id;
  GSequenceIter *timer;        /* (nullable) in the monitor's timers: the next run */
  GSequenceIter *deadline;     /* (nullable) the same run in the monitor's deadlines */
  gint64 due;                  /* monotonic µs of the next run (or of the one in flight) */
  gint64 slack;                /* how late the next run may start, µs */
  gboolean on_grid;            /* the run made due comes from the timers: @due is its grid
                                * time, and its lateness counts */
  guint64 order;               /* ties between equal due times go first come, first served */
  gint64 counted_interval;     /* the interval it counts under in the monitor's phases */
  gboolean waiting;            /* in the monitor's queue */
  TendCheckRun *run;           /* (nullable) the run in flight */
  gboolean rerun;              /* changed while in flight: run again as it ends */
  guint shown;                 /* what `tendctl health` shows of its layer, as last saved */
  gulong enabled_handler;
  gulong changed_handler;
} Entry;

typedef struct
{
  gint64 service_id;
  TendMonitor *monitor;        /* (unowned) */
  TendHealth *health;          /* (owned) */
  TendHealthStatus last;       /* the status last announced */
  gulong handler;
  GPtrArray *entries;          /* (owned) Entry* (unowned): its checks, in the order added */

  /* Its incident: from the first critical status to the next healthy one. */
  gboolean in_incident;
  gint64 incident_id;          /* 0 until the store gave one (or with no store) */
  gboolean incident_opening;   /* the store has not answered yet */
  gboolean incident_held;      /* kept open while healthy (a recovery is not done) */

  gboolean dirty;              /* what `tendctl health` shows moved since it was saved */
} ServiceHealth;

struct _TendMonitor
{
  GObject parent_instance;

  TendStore *store;            /* (owned) (nullable) */
  GPtrArray *entries;          /* (owned) Entry references, in the order added */
  GHashTable *by_check;        /* (owned) TendCheck* → Entry* (unowned) */
  GHashTable *healths;         /* (owned) gint64* → ServiceHealth* (owned) */
  GQueue waiting;              /* Entry* (unowned): due, waiting for a free slot */
  GSequence *timers;           /* (owned) Entry* (unowned) scheduled, the soonest due first */
  GSequence *deadlines;        /* (owned) the same, the soonest due + slack first */
  GSource *timer_source;       /* (owned) ready at the first deadline */
  guint64 n_scheduled;
  GRand *rand;                 /* (owned) the jitter */
  GHashTable *per_interval;    /* (owned) gint64* interval → its number of checks */
  gint64 origin;               /* monotonic µs of the first start: where the phases count from */
  gint64 first_deadline;       /* the timer source's: the earliest due + slack; G_MAXINT64 */

  guint health_chunk_id;       /* the save of moved health under way */

  double flap_start;           /* flap thresholds of every layer, percent */
  double flap_end;

  guint max_concurrent;
  guint n_running;
  guint64 n_completed;
  gboolean running;

  /* Lateness of the runs started on their schedule: start − due. */
  guint64 late_n;
  gint64 late_max;
  gint64 late_sum;
  guint64 late_beyond_interval;
  guint64 n_dispatches;
  guint64 n_continued;
  gint64 max_dispatch;
  guint64 late_hist[TEND_MONITOR_LATENESS_BUCKETS];
};

enum
{
  TEND_MONITOR_SIGNAL_CHECK_COMPLETED,
  TEND_MONITOR_SIGNAL_HEALTH_CHANGED,
  TEND_MONITOR_SIGNAL_INCIDENT_OPENED,
  TEND_MONITOR_SIGNAL_INCIDENT_CLOSED,
  TEND_MONITOR_N_SIGNALS
};

extern guint tend_monitor_signals[TEND_MONITOR_N_SIGNALS];

/* tend-monitor-health.c */
ServiceHealth *tend_monitor_ensure_health     (TendMonitor   *self,
                                               gint64         service_id);
void           tend_monitor_service_health_free (gpointer     data);
void           tend_monitor_layer_changed     (TendMonitor   *self,
                                               ServiceHealth *sh,
                                               Entry         *entry);
void           tend_monitor_save_moved        (TendMonitor   *self,
                                               guint          max);
void           tend_monitor_mark_moved        (TendMonitor   *self,
                                               ServiceHealth *sh);
guint          tend_monitor_layer_shown       (Entry         *entry);

G_END_DECLS
