/* tend-monitor.c — runs checks on timers on the GLib main loop
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One timer for all checks, on the default main context: the checks' next runs wait in
 * a sequence ordered by when they are due, and a single GSource wakes the loop for
 * them. (A GSource per check made every iteration of the main loop walk all of them:
 * with 2,000 checks that was most of the monitor's CPU.)
 *
 * Runs that fall due close together share one wake-up, and the checks of one interval
 * are put on few phases so that their runs fall due together. A check's first run comes
 * on one of its interval's phases, drawn at random: as few phases as let each hold at
 * most max-concurrent runs, at most interval / slack (phase p of P is due at the start +
 * p × interval / P, + k intervals), so up to max-concurrent checks of an interval all run
 * together, once per interval, and more spread out. A live kind such as the unit check
 * runs at once (it must load what it listens to), which is phase 0 at the start. Each
 * run has an exact due time on its check's grid (the next is due one interval after the
 * previous one was due, so lateness never adds up) and may start up to a slack late: a
 * tenth of its interval, at most 5 s (100 ms for a 1 s interval, 1 s for 10 s). The
 * timer wakes once every run due by the earliest due + slack of all scheduled runs is
 * due, and starts every run whose due time has come, earliest first, so the runs due
 * within a slack of the earliest share its wake-up. One dispatch starts runs
 * for at most DISPATCH_BUDGET_USEC, then lets the loop go on and continues in its next
 * iteration, without sleeping in between. A run has ended by its next due time (a
 * check's timeout is below its interval), so the runs of one check never overlap, and a
 * check that times out still runs every interval: a failure turns hard within
 * failures-before-hard × interval + timeout + slack. A check that is due while
 * max-concurrent runs are in flight waits in a FIFO and starts as soon as another run
 * ends. Each run's lateness (start − due) is counted: tend_monitor_get_lateness().
 *
 * Each verdict goes to the store (tend_store_add_result() only queues it: the writer
 * gets the batch once the runs in flight have ended, tend_store_push_batch()), to the
 * layer of its service's TendHealth, and out as "check-completed"; "health-changed"
 * follows when the service's overall status changes, after "check-completed" of the run
 * that changed it. Times are realtime µs, the store's clock.
 *
 * A check that says it changed (TendCheck::changed: the unit check, told by systemd)
 * runs at once; if it is in flight, again as soon as that run ends, since the run may
 * have read the state from before the change. Such a run, and tend_monitor_run_now(),
 * start a new grid: the next run is due one interval after it started.
 *
 * Incidents and the saves of each service's health for `tendctl health` are in
 * tend-monitor-health.c.
 *
 * Runs go through tend_check_start() (tend-check-run.c: the cheap path of the kinds that
 * have one, without a GTask per run). A run the monitor gives up (stop, remove) is
 * stopped and forgotten at once (tend_check_run_stop()): it no longer counts in
 * n-running, and its callback does not come.
 */
#define G_LOG_DOMAIN "Tend-Monitor"

#include "tend-marshal-private.h"
#include "tend-monitor-private.h"
#include "tend-service.h"
#include "tend-util-private.h"

/* The most a run may start after its due time: a tenth of its interval, at most 5 s. */
#define SLACK_MAX_USEC (5 * G_USEC_PER_SEC)
/* How long one dispatch of the timers may start runs before it lets the main loop go
 * on; it goes on in the next iteration. */
#define DISPATCH_BUDGET_USEC 2000
/* Descriptors the process keeps for itself beside its checks' runs (bus, store, log). */
#define FD_HEADROOM 256

G_DEFINE_FINAL_TYPE (TendMonitor, tend_monitor, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_STORE,
  PROP_MAX_CONCURRENT,
  PROP_RUNNING,
  PROP_N_RUNNING,
  PROP_N_WAITING,
  PROP_N_COMPLETED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

guint tend_monitor_signals[TEND_MONITOR_N_SIGNALS];

static void start_run (TendMonitor *self, Entry *entry);
static void unschedule (TendMonitor *self, Entry *entry);

/* ------------------------------------------------------------------------------------ */
/* Entries                                                                               */

static void
entry_clear (gpointer data)
{
  Entry *entry = data;

  g_assert (entry->monitor == NULL);
  g_assert (entry->timer == NULL);
  g_assert (entry->run == NULL);
  g_clear_object (&entry->layer);
  g_clear_object (&entry->check);
}

static Entry *
entry_ref (Entry *entry)
{
  return g_rc_box_acquire (entry);
}

static void
entry_unref (gpointer entry)
{
  g_rc_box_release_full (entry, entry_clear);
}

static void
notify_counts (TendMonitor *self,
               guint        old_running,
               guint        old_waiting)
{
  if (self->n_running != old_running)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_RUNNING]);
  if (self->waiting.length != old_waiting)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_WAITING]);
}

static void update_timer_source (TendMonitor *self);

/* Whether a run that waits for a slot can start. */
static gboolean
can_drain (TendMonitor *self)
{
  return self->n_running < self->max_concurrent && self->waiting.length > 0;
}

/* Starts the first run that waits for a slot. */
static void
start_waiting (TendMonitor *self)
{
  Entry *entry = g_queue_pop_head (&self->waiting);

  entry->waiting = FALSE;
  start_run (self, entry);
}

/* Starts what waits, in order, while there are free slots: in the timer's next dispatch,
 * in the next iteration of the main loop, within its time budget (the runs that end in
 * one iteration would otherwise start as many in it). */
static void
drain_queue (TendMonitor *self)
{
  if (can_drain (self))
    update_timer_source (self);
}

/* Gives up what @entry has scheduled, queued or in flight. */
static void
entry_cancel (TendMonitor *self,
              Entry       *entry)
{
  unschedule (self, entry);
  entry->rerun = FALSE;

  if (entry->waiting)
    {
      g_queue_remove (&self->waiting, entry);
      entry->waiting = FALSE;
    }

  if (entry->run != NULL)
    {
      /* Its callback, which holds a reference to the entry, is not called any more. */
      tend_check_run_stop (g_steal_pointer (&entry->run));
      entry_unref (entry);
      g_assert (self->n_running > 0);
      self->n_running--;
    }
}

/* Runs @entry now, or queues it when max-concurrent runs are in flight; nothing when it
 * is in flight or queued already, or disabled. */
static gboolean
make_due (TendMonitor *self,
          Entry       *entry,
          gboolean     on_grid)
{
  guint old_running = self->n_running;
  guint old_waiting = self->waiting.length;

  if (entry->run != NULL || entry->waiting || !tend_check_get_enabled (entry->check))
    return FALSE;

  unschedule (self, entry);
  entry->on_grid = on_grid;

  if (self->n_running < self->max_concurrent && self->waiting.length == 0)
    {
      start_run (self, entry);
    }
  else
    {
      g_debug ("monitor: check '%s' waits for a free slot (%u running)",
               tend_check_get_name (entry->check), self->n_running);
      g_queue_push_tail (&self->waiting, entry);
      entry->waiting = TRUE;
    }

  notify_counts (self, old_running, old_waiting);
  return TRUE;
}

/* Earlier first; equal times first come, first served. */
static gint
compare_then_order (gint64       a,
                    gint64       b,
                    const Entry *ea,
                    const Entry *eb)
{
  if (a != b)
    return a < b ? -1 : 1;
  return ea->order < eb->order ? -1 : ea->order > eb->order;
}

static gint
compare_due (gconstpointer a,
             gconstpointer b,
             gpointer      user_data)
{
  const Entry *ea = a, *eb = b;

  return compare_then_order (ea->due, eb->due, ea, eb);
}

static gint
compare_deadline (gconstpointer a,
                  gconstpointer b,
                  gpointer      user_data)
{
  const Entry *ea = a, *eb = b;

  return compare_then_order (ea->due + ea->slack, eb->due + eb->slack, ea, eb);
}

/* How late a run of a check with @interval_usec may start: a tenth of its interval, at
 * most SLACK_MAX_USEC. */
static gint64
slack_for_interval (gint64 interval_usec)
{
  return CLAMP (interval_usec / 10, 0, SLACK_MAX_USEC);
}

/* The timer source is ready when the last run that the first deadline (due + slack)
 * gathers is due: it starts the same runs as a wake-up at the deadline would, as soon as
 * they are all due (runs on one phase are due at once: no wait for the slack). At once
 * when runs wait for a slot that is free. */
static void
update_timer_source (TendMonitor *self)
{
  GSequenceIter *first = g_sequence_get_begin_iter (self->deadlines);
  gint64 ready = -1;

  if (self->timer_source == NULL)
    return;
  self->first_deadline = G_MAXINT64;
  if (!g_sequence_iter_is_end (first))
    {
      Entry *entry = g_sequence_get (first);
      Entry key = { .due = entry->due + entry->slack, .order = G_MAXUINT64 };
      GSequenceIter *after = g_sequence_search (self->timers, &key, compare_due, NULL);

      self->first_deadline = key.due;
      ready = ((Entry *) g_sequence_get (g_sequence_iter_prev (after)))->due;
    }
  if (can_drain (self))
    ready = 0;
  if (g_source_get_ready_time (self->timer_source) != ready)
    g_source_set_ready_time (self->timer_source, ready);
}

static void
unschedule (TendMonitor *self,
            Entry       *entry)
{
  gboolean was_first;

  if (entry->timer == NULL)
    return;
  was_first = g_sequence_iter_is_begin (entry->deadline);
  g_sequence_remove (entry->timer);
  g_sequence_remove (entry->deadline);
  entry->timer = NULL;
  entry->deadline = NULL;
  if (was_first)
    update_timer_source (self);
}

/* Starts what waits for a slot, then, earliest first, every run whose due time has come;
 * for DISPATCH_BUDGET_USEC at most, then goes on in the next iteration of the main loop. */
static gboolean
timers_cb (gpointer user_data)
{
  TendMonitor *self = user_data;
  g_autoptr(TendMonitor) ref = g_object_ref (self);   /* a handler may drop the last one */
  gint64 now = g_get_monotonic_time ();
  gint64 started = now;
  gboolean more = FALSE;

  self->n_dispatches++;
  for (;;)
    {
      GSequenceIter *first = g_sequence_get_begin_iter (self->timers);
      Entry *entry;

      if (can_drain (self))
        {
          guint old_waiting = self->waiting.length;

          if (now - started >= DISPATCH_BUDGET_USEC)
            {
              more = TRUE;
              break;
            }
          start_waiting (self);
          notify_counts (self, self->n_running - 1, old_waiting);
          now = g_get_monotonic_time ();
          continue;
        }
      if (g_sequence_iter_is_end (first))
        break;
      entry = g_sequence_get (first);
      if (entry->due > now)
        break;
      if (now - started >= DISPATCH_BUDGET_USEC)
        {
          more = TRUE;
          break;
        }
      g_sequence_remove (first);
      g_sequence_remove (entry->deadline);
      entry->timer = NULL;
      entry->deadline = NULL;
      g_assert (entry->monitor == self);
      make_due (self, entry, TRUE);
      now = g_get_monotonic_time ();
    }

  self->max_dispatch = MAX (self->max_dispatch, now - started);
  if (more)
    {
      self->n_continued++;
      g_source_set_ready_time (self->timer_source, 0);
    }
  else
    update_timer_source (self);
  return G_SOURCE_CONTINUE;
}

static gboolean
timer_source_dispatch (GSource     *source,
                       GSourceFunc  callback,
                       gpointer     user_data)
{
  return callback (user_data);
}

static GSourceFuncs timer_source_funcs = {
  .dispatch = timer_source_dispatch,
};

/* The next run of @entry, due at @due (monotonic µs), if the monitor runs and the
 * check is enabled. */
static void
schedule_at (TendMonitor *self,
             Entry       *entry,
             gint64       due)
{
  unschedule (self, entry);

  if (!self->running || !tend_check_get_enabled (entry->check))
    return;

  entry->due = due;
  entry->slack = slack_for_interval (tend_check_get_interval (entry->check));
  entry->order = self->n_scheduled++;
  entry->timer = g_sequence_insert_sorted (self->timers, entry, compare_due, NULL);
  entry->deadline = g_sequence_insert_sorted (self->deadlines, entry, compare_deadline, NULL);
  /* The first deadline moved, or the wake-up for it gathers this run too. */
  if (g_sequence_iter_is_begin (entry->deadline) || entry->due <= self->first_deadline)
    update_timer_source (self);
}

/* After a run of @entry: the next is due one interval after this one was due. A run
 * that started so late that this has passed (it waited for a slot) runs at once, on the
 * last grid time that has come. */
static void
schedule_next (TendMonitor *self,
               Entry       *entry)
{
  gint64 interval = tend_check_get_interval (entry->check);
  gint64 now = g_get_monotonic_time ();
  gint64 next = entry->due + MAX (interval, 1);

  if (next < now && interval > 0)
    next += (now - next) / interval * interval;
  schedule_at (self, entry, next);
}

/* How many phases the runs of the checks with @interval are spread over: as few as let
 * each phase hold at most max-concurrent runs (so none waits for a slot), at most
 * interval / slack. One for up to max-concurrent checks of an interval: they all run
 * together, one wake-up per interval for all of them. */
static gint64
phases_for_interval (TendMonitor *self,
                     gint64       interval)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (self->per_interval, &interval));
  gint64 slack = slack_for_interval (interval);
  gint64 most = slack > 0 ? MAX (interval / slack, 1) : 1;
  gint64 wanted = ((gint64) n + self->max_concurrent - 1) / MAX (self->max_concurrent, 1);

  return CLAMP (wanted, 1, most);
}

/* Counts @entry under its check's interval now (@add), or takes it out again. */
static void
count_interval (TendMonitor *self,
                Entry       *entry,
                gboolean     add)
{
  gint64 *key = &entry->counted_interval;
  guint n;

  if (add)
    entry->counted_interval = tend_check_get_interval (entry->check);
  n = GPOINTER_TO_UINT (g_hash_table_lookup (self->per_interval, key));
  if (add)
    g_hash_table_replace (self->per_interval, g_memdup2 (key, sizeof *key),
                          GUINT_TO_POINTER (n + 1));
  else if (n > 1)
    g_hash_table_replace (self->per_interval, g_memdup2 (key, sizeof *key),
                          GUINT_TO_POINTER (n - 1));
  else
    g_hash_table_remove (self->per_interval, key);
}

/* The first run: on one of its interval's phases, drawn at random — phase p of P is due
 * at origin + p × interval / P + k × interval, the first such time that is not more than
 * a slack past (so the checks of one phase share the wake-ups of all their runs, their
 * first included); at once for a live check, which from then on runs when it says it
 * changed. */
static void
schedule_first (TendMonitor *self,
                Entry       *entry)
{
  gint64 interval = tend_check_get_interval (entry->check);
  gint64 now = g_get_monotonic_time ();
  gint64 due = now;

  if (interval > 0 && !TEND_CHECK_GET_CLASS (entry->check)->live)
    {
      gint64 phases = phases_for_interval (self, interval);
      gint64 since = now - slack_for_interval (interval);

      gint64 phase = g_rand_int_range (self->rand, 0, (gint32) phases);

      due = self->origin + phase * (interval / phases);
      if (due < since)
        due += (since - due + interval - 1) / interval * interval;
    }
  schedule_at (self, entry, due);
}

/* Lateness */

static guint
lateness_bucket (gint64 usec)
{
  guint64 v = (guint64) MAX (usec, 0);
  guint msb;

  if (v < 4)
    return (guint) v;
  msb = g_bit_storage (v) - 1;
  return MIN (msb * 4 + ((v >> (msb - 2)) & 3), TEND_MONITOR_LATENESS_BUCKETS - 1);
}

/* The largest lateness bucket @bucket holds. */
static gint64
lateness_bucket_top (guint bucket)
{
  guint msb = bucket / 4;

  if (bucket < 4)
    return bucket;
  return (gint64) (((guint64) (4 + bucket % 4 + 1) << (msb - 2)) - 1);
}

static void
count_lateness (TendMonitor *self,
                Entry       *entry,
                gint64       started)
{
  gint64 late = MAX (started - entry->due, 0);

  self->late_n++;
  self->late_sum += late;
  self->late_max = MAX (self->late_max, late);
  if (late > tend_check_get_interval (entry->check))
    self->late_beyond_interval++;
  self->late_hist[lateness_bucket (late)]++;
}

/* ------------------------------------------------------------------------------------ */
/* Runs                                                                                  */

static void
record_verdict (TendMonitor            *self,
                Entry                  *entry,
                const TendCheckVerdict *verdict)
{
  gint64 now = g_get_real_time ();
  g_autoptr(TendHealth) health = NULL;
  ServiceHealth *sh;

  if (self->store != NULL)
    {
      TendCheckResult result = {
        .service_id = entry->service_id,
        .check_id = entry->check_id,
        .time_usec = now,
        .status = verdict->status,
        .latency_usec = verdict->latency_usec,
        .message = verdict->message,
      };

      tend_store_add_result (self->store, &result);
    }

  /* A reference: a handler may drop the monitor's. */
  sh = tend_monitor_ensure_health (self, entry->service_id);
  health = g_object_ref (sh->health);

  /* health-changed after check-completed: the health's notify waits for the thaw. */
  g_object_freeze_notify (G_OBJECT (health));
  tend_check_state_add (entry->layer, verdict, now);
  tend_monitor_layer_changed (self, sh, entry);

  self->n_completed++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_COMPLETED]);
  g_signal_emit (self, tend_monitor_signals[TEND_MONITOR_SIGNAL_CHECK_COMPLETED], 0,
                 entry->service_id, entry->check_id, verdict);

  g_object_thaw_notify (G_OBJECT (health));
}

/* The end of a run: @user_data is its entry, a reference. Not called for a run the
 * monitor gave up (stop, remove, dispose: tend_check_run_stop()). */
static void
run_cb (TendCheckRun     *run,
        TendCheckVerdict *verdict,
        gpointer          user_data)
{
  Entry *entry = user_data;
  g_autoptr(TendMonitor) self = g_object_ref (entry->monitor);
  g_autoptr(TendCheckVerdict) owned = verdict;
  guint old_running, old_waiting;

  g_assert (entry->run == run);
  old_running = self->n_running;
  old_waiting = self->waiting.length;

  entry->run = NULL;
  self->n_running--;

  drain_queue (self);
  notify_counts (self, old_running, old_waiting);

  record_verdict (self, entry, verdict);

  /* A handler may have stopped the monitor or removed the check. */
  if (entry->monitor == self && entry->run == NULL && !entry->waiting)
    {
      if (entry->rerun && self->running)
        {
          entry->rerun = FALSE;
          make_due (self, entry, FALSE);
        }
      else
        schedule_next (self, entry);
    }

  /* The runs of this wake-up have ended: their results go to the writer as one job. */
  if (self->n_running == 0 && self->waiting.length == 0 && self->store != NULL)
    tend_store_push_batch (self->store);

  entry_unref (entry);
}

static void
start_run (TendMonitor *self,
           Entry       *entry)
{
  gint64 started = g_get_monotonic_time ();

  g_assert (entry->run == NULL);
  g_assert (!entry->waiting);

  self->n_running++;
  if (entry->on_grid)
    count_lateness (self, entry, started);
  else
    entry->due = started;   /* a new grid */

  TEND_DEBUG_HOT ("monitor: running check '%s' of service %" G_GINT64_FORMAT,
                  tend_check_get_name (entry->check), entry->service_id);
  entry->run = tend_check_start (entry->check, run_cb, entry_ref (entry));
}

static void
enabled_cb (TendCheck  *check,
            GParamSpec *pspec,
            gpointer    user_data)
{
  Entry *entry = user_data;
  TendMonitor *self = entry->monitor;
  guint old_waiting = self->waiting.length;

  tend_monitor_layer_changed (self, tend_monitor_ensure_health (self, entry->service_id), entry);
  if (tend_check_get_enabled (check))
    {
      if (entry->timer == NULL && entry->run == NULL && !entry->waiting)
        schedule_first (self, entry);
      return;
    }

  /* Disabled: no next run; one in flight ends normally. */
  unschedule (self, entry);
  if (entry->waiting)
    {
      g_queue_remove (&self->waiting, entry);
      entry->waiting = FALSE;
    }
  notify_counts (self, self->n_running, old_waiting);
}

/* Runs @entry as soon as it can: now, or again once its run in flight ends (that run
 * may have seen the state from before). */
static void
run_soon (TendMonitor *self,
          Entry       *entry)
{
  if (entry->run != NULL)
    entry->rerun = TRUE;
  else
    make_due (self, entry, FALSE);
}

static void
changed_cb (TendCheck *check,
            gpointer   user_data)
{
  Entry *entry = user_data;

  if (!entry->monitor->running)
    return;
  g_debug ("monitor: check '%s' says it changed", tend_check_get_name (check));
  run_soon (entry->monitor, entry);
}

/* Takes @entry out of the monitor. The caller drops the monitor's reference. */
static void
entry_detach (TendMonitor *self,
              Entry       *entry)
{
  entry_cancel (self, entry);
  g_clear_signal_handler (&entry->enabled_handler, entry->check);
  g_clear_signal_handler (&entry->changed_handler, entry->check);
  entry->monitor = NULL;
}

/* ------------------------------------------------------------------------------------ */
/* GObject                                                                               */

static void
tend_monitor_dispose (GObject *object)
{
  TendMonitor *self = TEND_MONITOR (object);

  self->running = FALSE;
  g_clear_handle_id (&self->health_chunk_id, g_source_remove);
  for (guint i = 0; i < self->entries->len; i++)
    entry_detach (self, g_ptr_array_index (self->entries, i));
  g_hash_table_remove_all (self->by_check);
  g_ptr_array_set_size (self->entries, 0);
  g_hash_table_remove_all (self->healths);
  g_clear_object (&self->store);
  if (self->timer_source != NULL)
    {
      g_source_destroy (self->timer_source);
      g_clear_pointer (&self->timer_source, g_source_unref);
    }

  G_OBJECT_CLASS (tend_monitor_parent_class)->dispose (object);
}

static void
tend_monitor_finalize (GObject *object)
{
  TendMonitor *self = TEND_MONITOR (object);

  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_clear_pointer (&self->by_check, g_hash_table_unref);
  g_clear_pointer (&self->healths, g_hash_table_unref);
  g_clear_pointer (&self->timers, g_sequence_free);
  g_clear_pointer (&self->deadlines, g_sequence_free);
  g_clear_pointer (&self->rand, g_rand_free);
  g_clear_pointer (&self->per_interval, g_hash_table_unref);

  G_OBJECT_CLASS (tend_monitor_parent_class)->finalize (object);
}

static void
tend_monitor_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  TendMonitor *self = TEND_MONITOR (object);

  switch (prop_id)
    {
    case PROP_STORE: g_value_set_object (value, self->store); break;
    case PROP_MAX_CONCURRENT: g_value_set_uint (value, self->max_concurrent); break;
    case PROP_RUNNING: g_value_set_boolean (value, self->running); break;
    case PROP_N_RUNNING: g_value_set_uint (value, self->n_running); break;
    case PROP_N_WAITING: g_value_set_uint (value, self->waiting.length); break;
    case PROP_N_COMPLETED: g_value_set_uint64 (value, self->n_completed); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_monitor_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  TendMonitor *self = TEND_MONITOR (object);

  switch (prop_id)
    {
    case PROP_STORE: self->store = g_value_dup_object (value); break;
    case PROP_MAX_CONCURRENT:
      tend_monitor_set_max_concurrent (self, g_value_get_uint (value));
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_monitor_class_init (TendMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = tend_monitor_dispose;
  object_class->finalize = tend_monitor_finalize;
  object_class->get_property = tend_monitor_get_property;
  object_class->set_property = tend_monitor_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, "Where results go, or none", TEND_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_CONCURRENT] =
    g_param_spec_uint ("max-concurrent", NULL, "How many checks run at once, at most",
                       1, G_MAXINT, TEND_MONITOR_DEFAULT_MAX_CONCURRENT,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS |
                       G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, "Whether the timers run", FALSE, ro);
  properties[PROP_N_RUNNING] =
    g_param_spec_uint ("n-running", NULL, "Runs in flight", 0, G_MAXUINT, 0, ro);
  properties[PROP_N_WAITING] =
    g_param_spec_uint ("n-waiting", NULL, "Runs due, waiting for a free slot",
                       0, G_MAXUINT, 0, ro);
  properties[PROP_N_COMPLETED] =
    g_param_spec_uint64 ("n-completed", NULL, "Runs that ended with a verdict",
                         0, G_MAXUINT64, 0, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TendMonitor::check-completed:
   * @service_id: the check's service
   * @check_id: the check
   * @verdict: what the run found
   */
  tend_monitor_signals[TEND_MONITOR_SIGNAL_CHECK_COMPLETED] =
    g_signal_new ("check-completed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, tend_marshal_VOID__INT64_INT64_BOXED, G_TYPE_NONE, 3,
                  G_TYPE_INT64, G_TYPE_INT64,
                  TEND_TYPE_CHECK_VERDICT | G_SIGNAL_TYPE_STATIC_SCOPE);
  g_signal_set_va_marshaller (tend_monitor_signals[TEND_MONITOR_SIGNAL_CHECK_COMPLETED],
                              G_TYPE_FROM_CLASS (klass), tend_marshal_VOID__INT64_INT64_BOXEDv);

  /**
   * TendMonitor::health-changed:
   * @service_id: the service
   * @status: its new overall status, a #TendHealthStatus
   *
   * Emitted only when the status differs from the one last announced.
   */
  tend_monitor_signals[TEND_MONITOR_SIGNAL_HEALTH_CHANGED] =
    g_signal_new ("health-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_UINT);

  /**
   * TendMonitor::incident-opened:
   * @service_id: the service
   * @incident_id: the incident in the store, 0 when there is no store or it failed
   * @cause: what is wrong: each failing check with its advice
   *
   * The service turned critical. With a store, emitted once the incident is stored.
   */
  tend_monitor_signals[TEND_MONITOR_SIGNAL_INCIDENT_OPENED] =
    g_signal_new ("incident-opened", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_INT64, G_TYPE_INT64,
                  G_TYPE_STRING);

  /**
   * TendMonitor::incident-closed:
   * @service_id: the service
   * @incident_id: the incident, as incident-opened gave it
   *
   * The service is healthy again after it was critical.
   */
  tend_monitor_signals[TEND_MONITOR_SIGNAL_INCIDENT_CLOSED] =
    g_signal_new ("incident-closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_INT64);
}

static void
tend_monitor_init (TendMonitor *self)
{
  self->entries = g_ptr_array_new_with_free_func (entry_unref);
  self->by_check = g_hash_table_new (NULL, NULL);
  self->healths = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                         tend_monitor_service_health_free);
  g_queue_init (&self->waiting);
  self->timers = g_sequence_new (NULL);
  self->deadlines = g_sequence_new (NULL);
  self->timer_source = g_source_new (&timer_source_funcs, sizeof (GSource));
  g_source_set_static_name (self->timer_source, "[tend] monitor timers");
  g_source_set_callback (self->timer_source, timers_cb, self, NULL);
  g_source_attach (self->timer_source, NULL);
  self->rand = g_rand_new ();
  self->per_interval = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->first_deadline = G_MAXINT64;
  self->max_concurrent = TEND_MONITOR_DEFAULT_MAX_CONCURRENT;
  self->flap_start = TEND_CHECK_STATE_DEFAULT_FLAP_START_PERCENT;
  self->flap_end = TEND_CHECK_STATE_DEFAULT_FLAP_END_PERCENT;
}

/* ------------------------------------------------------------------------------------ */
/* Public                                                                                */

/**
 * tend_monitor_new:
 * @store: (nullable): where results go; opened by the caller
 *
 * Returns: (transfer full): a stopped monitor with no checks
 */
TendMonitor *
tend_monitor_new (TendStore *store)
{
  g_return_val_if_fail (store == NULL || TEND_IS_STORE (store), NULL);
  return g_object_new (TEND_TYPE_MONITOR, "store", store, NULL);
}

/**
 * tend_monitor_get_store:
 *
 * Returns: (transfer none) (nullable): the store results go to
 */
TendStore *
tend_monitor_get_store (TendMonitor *self)
{
  g_return_val_if_fail (TEND_IS_MONITOR (self), NULL);
  return self->store;
}

/**
 * tend_monitor_set_seed:
 *
 * Seeds the jitter of first runs, so a test gets the same spread every time.
 */
void
tend_monitor_set_seed (TendMonitor *self,
                       guint32      seed)
{
  g_return_if_fail (TEND_IS_MONITOR (self));
  g_rand_set_seed (self->rand, seed);
}

guint
tend_monitor_get_max_concurrent (TendMonitor *self)
{
  g_return_val_if_fail (TEND_IS_MONITOR (self), 0);
  return self->max_concurrent;
}

/**
 * tend_monitor_set_max_concurrent:
 * @max_concurrent: at least 1
 *
 * Raising it starts waiting runs at once; lowering it lets the runs in flight end.
 */
void
tend_monitor_set_max_concurrent (TendMonitor *self,
                                 guint        max_concurrent)
{
  guint old_running, old_waiting;

  g_return_if_fail (TEND_IS_MONITOR (self));
  g_return_if_fail (max_concurrent >= 1);

  if (self->max_concurrent == max_concurrent)
    return;

  /* A run in flight holds a descriptor: room for all of them beside the process's own. */
  if (!tend_ensure_fd_limit ((guint64) max_concurrent + FD_HEADROOM))
    g_warning ("monitor: %u checks may run at once, but the limit of open descriptors is "
               "lower: runs beyond it fail with \"Too many open files\"", max_concurrent);

  old_running = self->n_running;
  old_waiting = self->waiting.length;
  self->max_concurrent = max_concurrent;
  /* What waits starts at once: one at a time, as a user raises the cap. */
  while (can_drain (self))
    start_waiting (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_CONCURRENT]);
  notify_counts (self, old_running, old_waiting);
}

/**
 * tend_monitor_add_check:
 * @service_id: the service it checks, from the store's inventory
 * @check_id: the check, from the store's inventory
 * @check: the check; its name names its layer in the service's health
 *
 * Adds @check; if the monitor runs, its first run comes after a jitter.
 *
 * Returns: %FALSE if @check was added already
 */
gboolean
tend_monitor_add_check (TendMonitor *self,
                        gint64       service_id,
                        gint64       check_id,
                        TendCheck   *check)
{
  ServiceHealth *sh;
  Entry *entry;

  g_return_val_if_fail (TEND_IS_MONITOR (self), FALSE);
  g_return_val_if_fail (TEND_IS_CHECK (check), FALSE);

  if (g_hash_table_contains (self->by_check, check))
    return FALSE;

  entry = g_rc_box_new0 (Entry);
  entry->monitor = self;
  entry->check = g_object_ref (check);
  entry->service_id = service_id;
  entry->check_id = check_id;
  entry->layer = tend_check_state_new_for_check (check);
  tend_check_state_set_flap_thresholds (entry->layer, self->flap_start, self->flap_end);
  entry->enabled_handler = g_signal_connect (check, "notify::enabled",
                                             G_CALLBACK (enabled_cb), entry);
  entry->changed_handler = g_signal_connect (check, "changed", G_CALLBACK (changed_cb), entry);
  g_ptr_array_add (self->entries, entry);
  g_hash_table_insert (self->by_check, check, entry);
  count_interval (self, entry, TRUE);

  sh = tend_monitor_ensure_health (self, service_id);
  tend_health_add_layer (sh->health, entry->layer);
  g_ptr_array_add (sh->entries, entry);
  entry->shown = tend_monitor_layer_shown (entry);
  tend_monitor_mark_moved (self, sh);

  if (self->running)
    schedule_first (self, entry);
  return TRUE;
}

/**
 * tend_monitor_remove_check:
 *
 * Removes @check, cancelling its run in flight; its layer leaves the service's health.
 *
 * Returns: whether @check was there
 */
gboolean
tend_monitor_remove_check (TendMonitor *self,
                           TendCheck   *check)
{
  guint old_running, old_waiting;
  ServiceHealth *sh;
  Entry *entry;

  g_return_val_if_fail (TEND_IS_MONITOR (self), FALSE);
  g_return_val_if_fail (TEND_IS_CHECK (check), FALSE);

  entry = g_hash_table_lookup (self->by_check, check);
  if (entry == NULL)
    return FALSE;

  old_running = self->n_running;
  old_waiting = self->waiting.length;
  entry_detach (self, entry);
  g_hash_table_remove (self->by_check, check);
  count_interval (self, entry, FALSE);

  sh = g_hash_table_lookup (self->healths, &entry->service_id);
  if (sh != NULL)
    {
      g_ptr_array_remove (sh->entries, entry);
      tend_monitor_mark_moved (self, sh);
      if (tend_health_get_layer (sh->health, tend_check_state_get_name (entry->layer)) ==
          entry->layer)
        tend_health_remove_layer (sh->health, tend_check_state_get_name (entry->layer));
    }

  g_ptr_array_remove (self->entries, entry);   /* drops the monitor's reference */

  drain_queue (self);
  notify_counts (self, old_running, old_waiting);
  return TRUE;
}

/**
 * tend_monitor_start:
 *
 * Starts the timers: each enabled check runs first after a jitter in [0, interval).
 */
void
tend_monitor_start (TendMonitor *self)
{
  g_return_if_fail (TEND_IS_MONITOR (self));

  if (self->running)
    return;

  self->running = TRUE;
  if (self->origin == 0)
    self->origin = g_get_monotonic_time ();
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      if (entry->timer == NULL && entry->run == NULL && !entry->waiting)
        schedule_first (self, entry);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

/**
 * tend_monitor_stop:
 *
 * Removes every timer, empties the queue and cancels the runs in flight; their
 * verdicts, should they still arrive, are dropped.
 */
void
tend_monitor_stop (TendMonitor *self)
{
  guint old_running, old_waiting;

  g_return_if_fail (TEND_IS_MONITOR (self));

  old_running = self->n_running;
  old_waiting = self->waiting.length;
  for (guint i = 0; i < self->entries->len; i++)
    entry_cancel (self, g_ptr_array_index (self->entries, i));
  g_assert (self->n_running == 0);
  g_assert (self->waiting.length == 0);

  /* What moved is saved now: the last word before the monitor stops. */
  tend_monitor_save_moved (self, G_MAXUINT);

  if (self->running)
    {
      self->running = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
    }
  notify_counts (self, old_running, old_waiting);
}

gboolean
tend_monitor_is_running (TendMonitor *self)
{
  g_return_val_if_fail (TEND_IS_MONITOR (self), FALSE);
  return self->running;
}

/**
 * tend_monitor_run_now:
 *
 * Runs @check at once (or as soon as a slot is free), in place of its next scheduled
 * run, which then comes one interval after this one started. Nothing happens when it is
 * in flight or waiting already, or disabled.
 *
 * Returns: whether a run was started or queued
 */
gboolean
tend_monitor_run_now (TendMonitor *self,
                      TendCheck   *check)
{
  Entry *entry;

  g_return_val_if_fail (TEND_IS_MONITOR (self), FALSE);
  g_return_val_if_fail (TEND_IS_CHECK (check), FALSE);

  entry = g_hash_table_lookup (self->by_check, check);
  g_return_val_if_fail (entry != NULL, FALSE);

  return make_due (self, entry, FALSE);
}

/**
 * tend_monitor_get_health:
 * @service_id: a service
 *
 * Returns: (transfer none): the service's health, created on demand (unknown, with no
 *   layers, until a check of the service is added)
 */
TendHealth *
tend_monitor_get_health (TendMonitor *self,
                         gint64       service_id)
{
  g_return_val_if_fail (TEND_IS_MONITOR (self), NULL);
  return tend_monitor_ensure_health (self, service_id)->health;
}

/**
 * tend_monitor_peek_health:
 *
 * Returns: (transfer none) (nullable): the health of a service the monitor knows, or
 *   %NULL: unlike tend_monitor_get_health(), it makes none
 */
TendHealth *
tend_monitor_peek_health (TendMonitor *self,
                          gint64       service_id)
{
  ServiceHealth *sh;

  g_return_val_if_fail (TEND_IS_MONITOR (self), NULL);
  sh = g_hash_table_lookup (self->healths, &service_id);
  return sh != NULL ? sh->health : NULL;
}

guint
tend_monitor_get_n_running (TendMonitor *self)
{
  g_return_val_if_fail (TEND_IS_MONITOR (self), 0);
  return self->n_running;
}

guint
tend_monitor_get_n_waiting (TendMonitor *self)
{
  g_return_val_if_fail (TEND_IS_MONITOR (self), 0);
  return self->waiting.length;
}

guint64
tend_monitor_get_n_completed (TendMonitor *self)
{
  g_return_val_if_fail (TEND_IS_MONITOR (self), 0);
  return self->n_completed;
}

/**
 * tend_monitor_set_flap_thresholds:
 * @start_percent: flapping starts above this
 * @end_percent: and ends below this, at most @start_percent
 *
 * Sets the flap thresholds of every layer, those of checks added later included.
 */
void
tend_monitor_set_flap_thresholds (TendMonitor *self,
                                  double       start_percent,
                                  double       end_percent)
{
  g_return_if_fail (TEND_IS_MONITOR (self));
  g_return_if_fail (end_percent <= start_percent);

  self->flap_start = start_percent;
  self->flap_end = end_percent;
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      tend_check_state_set_flap_thresholds (entry->layer, start_percent, end_percent);
    }
}

/**
 * tend_monitor_run_service_now:
 * @service_id: a service
 *
 * Runs every enabled check of the service as soon as it can: now, or once its run in
 * flight ends. A recovery does this to see whether what it did brought the service back.
 *
 * Returns: how many checks the service has
 */
guint
tend_monitor_run_service_now (TendMonitor *self,
                              gint64       service_id)
{
  ServiceHealth *sh;

  g_return_val_if_fail (TEND_IS_MONITOR (self), 0);

  sh = g_hash_table_lookup (self->healths, &service_id);
  if (sh == NULL || !self->running)
    return sh != NULL ? sh->entries->len : 0;
  for (guint i = 0; i < sh->entries->len; i++)
    run_soon (self, g_ptr_array_index (sh->entries, i));
  return sh->entries->len;
}


/**
 * tend_monitor_get_slack:
 *
 * Returns: how late, in µs, a run of @check may start after its due time: a tenth of
 *   its interval, at most 5 s. Runs due within that share a wake-up.
 */
gint64
tend_monitor_get_slack (TendMonitor *self,
                        TendCheck   *check)
{
  g_return_val_if_fail (TEND_IS_MONITOR (self), 0);
  g_return_val_if_fail (TEND_IS_CHECK (check), 0);

  return slack_for_interval (tend_check_get_interval (check));
}

/**
 * tend_monitor_get_lateness:
 * @out: (out caller-allocates): the figures
 *
 * How late the runs started on their schedule were (start − due time), since the
 * monitor was made or tend_monitor_reset_lateness(). Runs started by
 * tend_monitor_run_now() or because a check said it changed are not counted; a run that
 * waited for a free slot is, with its wait.
 */
void
tend_monitor_get_lateness (TendMonitor         *self,
                           TendMonitorLateness *out)
{
  guint64 below = 0;

  g_return_if_fail (TEND_IS_MONITOR (self));
  g_return_if_fail (out != NULL);

  memset (out, 0, sizeof *out);
  out->n_runs = self->late_n;
  out->max_usec = self->late_max;
  out->mean_usec = self->late_n > 0 ? self->late_sum / (gint64) self->late_n : 0;
  out->n_late_beyond_interval = self->late_beyond_interval;
  out->n_dispatches = self->n_dispatches;
  out->n_continued = self->n_continued;
  out->max_dispatch_usec = self->max_dispatch;
  for (guint i = 0; i < TEND_MONITOR_LATENESS_BUCKETS && self->late_n > 0; i++)
    {
      below += self->late_hist[i];
      if (below * 100 >= self->late_n * 99)
        {
          out->p99_usec = MIN (lateness_bucket_top (i), self->late_max);
          break;
        }
    }
}

/**
 * tend_monitor_reset_lateness:
 *
 * Starts tend_monitor_get_lateness()'s figures again from nothing.
 */
void
tend_monitor_reset_lateness (TendMonitor *self)
{
  g_return_if_fail (TEND_IS_MONITOR (self));

  self->late_n = 0;
  self->late_max = 0;
  self->late_sum = 0;
  self->late_beyond_interval = 0;
  self->n_dispatches = 0;
  self->n_continued = 0;
  self->max_dispatch = 0;
  memset (self->late_hist, 0, sizeof self->late_hist);
}
