/* tend-monitor.c — runs checks on timers on the GLib main loop
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One timer for all checks, on the default main context: the checks' next runs wait in
 * a sequence ordered by when they are due, and a single GSource is ready at the first
 * of them. (A GSource per check made every iteration of the main loop walk all of them:
 * with 2,000 checks that was most of the monitor's CPU.) A check's first run comes after
 * a jitter drawn uniformly from [0, interval), so checks added together spread out (a
 * live kind such as the unit check runs at once: it must load what it listens to); each
 * next run is due one interval after the previous one started. A run has ended by then
 * (a check's timeout is below its interval), so the runs of one check never overlap, and
 * a check that times out still runs every interval: a failure turns hard within
 * failures-before-hard × interval + timeout. A check that is due while max-concurrent
 * runs are in flight waits in a FIFO and starts as soon as another run ends.
 *
 * Each verdict goes to the store (tend_store_add_result() only queues it), to the layer
 * of its service's TendHealth, and out as "check-completed"; "health-changed" follows
 * when the service's overall status changes, after "check-completed" of the run that
 * changed it. Times are realtime µs, the store's clock.
 *
 * A check that says it changed (TendCheck::changed: the unit check, told by systemd)
 * runs at once; if it is in flight, again as soon as that run ends, since the run may
 * have read the state from before the change.
 *
 * A service that turns critical opens an incident in the store, and closes it when it
 * is healthy again ("incident-opened", "incident-closed"). Each service's health is
 * saved for others to read: at once when a status changes, and every ten seconds when
 * only figures moved (a latency, a message).
 *
 * A run the monitor gives up (stop, remove) is cancelled and forgotten at once: it no
 * longer counts in n-running, and its verdict, should it still arrive, is dropped.
 */
#define G_LOG_DOMAIN "Tend-Monitor"

#include <json-glib/json-glib.h>

#include "tend-check.h"
#include "tend-health.h"
#include "tend-monitor.h"
#include "tend-service.h"
#include "tend-store.h"
#include "tend-util-private.h"

/* How often the health of services whose figures moved (a latency, a message) is saved;
 * a change of status is saved at once. */
#define HEALTH_SAVE_INTERVAL_MSEC 10000
/* How many services' health the periodic save writes per main-loop iteration. */
#define HEALTH_SAVE_CHUNK 32

typedef struct
{
  TendMonitor *monitor;        /* (unowned) (nullable) NULL once it left the monitor */
  TendCheck *check;            /* (owned) */
  TendCheckState *layer;       /* (owned) its layer in the service's health */
  gint64 service_id;
  gint64 check_id;
  GSequenceIter *timer;        /* (nullable) in the monitor's timers: the next run */
  gint64 due;                  /* monotonic µs of the next run, when scheduled */
  guint64 order;               /* ties between equal due times go first come, first served */
  gboolean waiting;            /* in the monitor's queue */
  GCancellable *cancellable;   /* (owned) (nullable) the run in flight */
  gboolean rerun;              /* changed while in flight: run again as it ends */
  gulong enabled_handler;
  gulong changed_handler;
} Entry;

typedef struct
{
  Entry *entry;                /* (owned) a reference */
  GCancellable *cancellable;   /* (owned) this run's */
  gint64 started;              /* monotonic µs */
} Run;

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

  gboolean dirty;              /* its health moved since it was last saved */
  gboolean urgent;             /* its status did: saved at once */
} ServiceHealth;

struct _TendMonitor
{
  GObject parent_instance;

  TendStore *store;            /* (owned) (nullable) */
  GPtrArray *entries;          /* (owned) Entry references, in the order added */
  GHashTable *by_check;        /* (owned) TendCheck* → Entry* (unowned) */
  GHashTable *healths;         /* (owned) gint64* → ServiceHealth* (owned) */
  GQueue waiting;              /* Entry* (unowned): due, waiting for a free slot */
  GSequence *timers;           /* (owned) Entry* (unowned) scheduled, the soonest first */
  GSource *timer_source;       /* (owned) ready when the first of the timers is due */
  guint64 n_scheduled;
  GRand *rand;                 /* (owned) the jitter */

  guint health_timer_id;       /* the next save of moved health */
  guint health_idle_id;        /* a save soon: a status changed */
  guint health_chunk_id;       /* the periodic save under way */

  double flap_start;           /* flap thresholds of every layer, percent */
  double flap_end;

  guint max_concurrent;
  guint n_running;
  guint64 n_completed;
  gboolean running;
};

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

enum
{
  SIGNAL_CHECK_COMPLETED,
  SIGNAL_HEALTH_CHANGED,
  SIGNAL_INCIDENT_OPENED,
  SIGNAL_INCIDENT_CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

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
  g_assert (entry->cancellable == NULL);
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
run_free (Run *run)
{
  entry_unref (run->entry);
  g_object_unref (run->cancellable);
  g_free (run);
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

/* Starts what waits, in order, while there are free slots. */
static void
drain_queue (TendMonitor *self)
{
  while (self->n_running < self->max_concurrent && self->waiting.length > 0)
    {
      Entry *entry = g_queue_pop_head (&self->waiting);

      entry->waiting = FALSE;
      start_run (self, entry);
    }
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

  if (entry->cancellable != NULL)
    {
      g_cancellable_cancel (entry->cancellable);
      g_clear_object (&entry->cancellable);
      g_assert (self->n_running > 0);
      self->n_running--;
    }
}

/* Runs @entry now, or queues it when max-concurrent runs are in flight; nothing when it
 * is in flight or queued already, or disabled. */
static gboolean
make_due (TendMonitor *self,
          Entry       *entry)
{
  guint old_running = self->n_running;
  guint old_waiting = self->waiting.length;

  if (entry->cancellable != NULL || entry->waiting || !tend_check_get_enabled (entry->check))
    return FALSE;

  unschedule (self, entry);

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

static gint
compare_due (gconstpointer a,
             gconstpointer b,
             gpointer      user_data)
{
  const Entry *ea = a;
  const Entry *eb = b;

  if (ea->due != eb->due)
    return ea->due < eb->due ? -1 : 1;
  return ea->order < eb->order ? -1 : ea->order > eb->order;
}

/* The timer source is ready when the first scheduled run is due. */
static void
update_timer_source (TendMonitor *self)
{
  GSequenceIter *first = g_sequence_get_begin_iter (self->timers);
  gint64 ready = -1;

  if (self->timer_source == NULL)
    return;
  if (!g_sequence_iter_is_end (first))
    ready = ((Entry *) g_sequence_get (first))->due;
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
  was_first = g_sequence_iter_is_begin (entry->timer);
  g_sequence_remove (entry->timer);
  entry->timer = NULL;
  if (was_first)
    update_timer_source (self);
}

/* Makes due, in order, every run whose time has come. */
static gboolean
timers_cb (gpointer user_data)
{
  TendMonitor *self = user_data;
  g_autoptr(TendMonitor) ref = g_object_ref (self);   /* a handler may drop the last one */
  gint64 now = g_get_monotonic_time ();

  for (;;)
    {
      GSequenceIter *first = g_sequence_get_begin_iter (self->timers);
      Entry *entry;

      if (g_sequence_iter_is_end (first))
        break;
      entry = g_sequence_get (first);
      if (entry->due > now)
        break;
      g_sequence_remove (first);
      entry->timer = NULL;
      g_assert (entry->monitor == self);
      make_due (self, entry);
    }
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

/* The next run of @entry in @delay_usec, if the monitor runs and the check is enabled. */
static void
schedule (TendMonitor *self,
          Entry       *entry,
          gint64       delay_usec)
{
  unschedule (self, entry);

  if (!self->running || !tend_check_get_enabled (entry->check))
    return;

  entry->due = g_get_monotonic_time () + MAX (delay_usec, 0);
  entry->order = self->n_scheduled++;
  entry->timer = g_sequence_insert_sorted (self->timers, entry, compare_due, NULL);
  if (g_sequence_iter_is_begin (entry->timer))
    update_timer_source (self);
}

/* The first run: after a jitter uniform in [0, interval); at once for a live check,
 * which from then on runs when it says it changed. */
static void
schedule_first (TendMonitor *self,
                Entry       *entry)
{
  gint64 interval = tend_check_get_interval (entry->check);
  gint64 jitter = 0;

  if (interval > 0 && !TEND_CHECK_GET_CLASS (entry->check)->live)
    jitter = (gint64) g_rand_double_range (self->rand, 0, (double) interval);
  /* Whole milliseconds, below the interval. */
  schedule (self, entry, jitter / 1000 * 1000);
}

/* ------------------------------------------------------------------------------------ */
/* Health                                                                                */

static void
service_health_free (gpointer data)
{
  ServiceHealth *sh = data;

  g_clear_signal_handler (&sh->handler, sh->health);
  g_clear_object (&sh->health);
  g_clear_pointer (&sh->entries, g_ptr_array_unref);
  g_free (sh);
}

static void mark_moved (TendMonitor *self, ServiceHealth *sh, gboolean status_changed);

/* Incidents */

/* What is wrong, for an incident's cause: each failing layer with its advice. */
static char *
describe_trouble (ServiceHealth *sh)
{
  g_autoptr(GString) cause = g_string_new (NULL);

  for (guint i = 0; i < sh->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (sh->entries, i);
      const TendCheckVerdict *verdict = tend_check_state_get_last_verdict (entry->layer);
      g_autofree char *target = NULL;
      g_autofree char *advice = NULL;

      if (tend_check_state_get_status (entry->layer) != TEND_RESULT_FAIL || verdict == NULL)
        continue;
      target = tend_check_dup_target (entry->check);
      advice = tend_health_recommend (verdict, tend_check_get_kind (entry->check), target, NULL,
                                      tend_check_get_timeout (entry->check));
      if (cause->len > 0)
        g_string_append (cause, "; ");
      g_string_append_printf (cause, "%s: %s", tend_check_get_name (entry->check),
                              advice != NULL ? advice
                              : verdict->message != NULL ? verdict->message : "failed");
    }
  return g_string_free (g_steal_pointer (&cause), FALSE);
}

static void
close_incident (TendMonitor   *self,
                ServiceHealth *sh)
{
  gint64 id = sh->incident_id;

  sh->in_incident = FALSE;
  if (sh->incident_opening)
    return;   /* incident_opened_cb() closes it */

  if (self->store != NULL && id > 0)
    tend_store_update_incident (self->store, id, NULL, NULL, NULL, g_get_real_time ());
  sh->incident_id = 0;
  g_debug ("monitor: service %" G_GINT64_FORMAT " recovered, incident %" G_GINT64_FORMAT
           " closed", sh->service_id, id);
  g_signal_emit (self, signals[SIGNAL_INCIDENT_CLOSED], 0, sh->service_id, id);
}

typedef struct
{
  TendMonitor *monitor;        /* (owned) */
  gint64 service_id;
  char *cause;                 /* (owned) */
} OpenIncident;

static void
open_incident_free (OpenIncident *open)
{
  g_object_unref (open->monitor);
  g_free (open->cause);
  g_free (open);
}

static void
incident_opened_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  OpenIncident *open = user_data;
  TendMonitor *self = open->monitor;
  g_autoptr(GError) error = NULL;
  ServiceHealth *sh;
  gint64 id;

  id = tend_store_open_incident_finish (TEND_STORE (source), result, &error);
  if (error != NULL)
    g_warning ("the incident of service %" G_GINT64_FORMAT " could not be stored: %s",
               open->service_id, error->message);

  sh = g_hash_table_lookup (self->healths, &open->service_id);
  if (sh == NULL || !sh->incident_opening)
    {
      /* The service left the monitor meanwhile: nothing follows its incident. */
      if (id > 0)
        tend_store_update_incident (TEND_STORE (source), id, NULL, NULL, NULL,
                                    g_get_real_time ());
      open_incident_free (open);
      return;
    }

  sh->incident_opening = FALSE;
  sh->incident_id = MAX (id, 0);
  g_signal_emit (self, signals[SIGNAL_INCIDENT_OPENED], 0, sh->service_id, sh->incident_id,
                 open->cause);
  if (!sh->in_incident)
    close_incident (self, sh);   /* recovered before the store answered */
  open_incident_free (open);
}

static void
open_incident (TendMonitor   *self,
               ServiceHealth *sh)
{
  g_autofree char *cause = NULL;
  OpenIncident *open;

  sh->in_incident = TRUE;
  if (sh->incident_opening)
    return;   /* the one being stored goes on */

  cause = describe_trouble (sh);
  g_debug ("monitor: service %" G_GINT64_FORMAT " is critical: %s", sh->service_id, cause);
  if (self->store == NULL)
    {
      g_signal_emit (self, signals[SIGNAL_INCIDENT_OPENED], 0, sh->service_id, (gint64) 0, cause);
      return;
    }

  sh->incident_opening = TRUE;
  open = g_new0 (OpenIncident, 1);
  open->monitor = g_object_ref (self);
  open->service_id = sh->service_id;
  open->cause = g_steal_pointer (&cause);
  tend_store_open_incident_async (self->store, sh->service_id, g_get_real_time (),
                                  tend_health_status_to_string (TEND_HEALTH_CRITICAL),
                                  open->cause, NULL, incident_opened_cb, open);
}

/* An incident opens when a service turns critical and closes when it is healthy again;
 * degraded or unknown in between, it goes on. */
static void
follow_incident (TendMonitor      *self,
                 ServiceHealth    *sh,
                 TendHealthStatus  status)
{
  if (status == TEND_HEALTH_CRITICAL && !sh->in_incident)
    open_incident (self, sh);
  else if (status == TEND_HEALTH_HEALTHY && sh->in_incident && !sh->incident_held)
    close_incident (self, sh);
}

static void
health_status_cb (TendHealth *health,
                  GParamSpec *pspec,
                  gpointer    user_data)
{
  ServiceHealth *sh = user_data;
  TendMonitor *self = sh->monitor;
  TendHealthStatus status = tend_health_get_status (health);

  if (status == sh->last)
    return;

  g_debug ("monitor: service %" G_GINT64_FORMAT " is now %s", sh->service_id,
           tend_health_status_to_string (status));
  sh->last = status;
  mark_moved (self, sh, TRUE);
  g_signal_emit (self, signals[SIGNAL_HEALTH_CHANGED], 0, sh->service_id, (guint) status);

  /* A handler may have removed the service's checks. */
  sh = g_hash_table_lookup (self->healths, &sh->service_id);
  if (sh != NULL && sh->health == health)
    follow_incident (self, sh, status);
}

static ServiceHealth *
ensure_health (TendMonitor *self,
               gint64       service_id)
{
  ServiceHealth *sh = g_hash_table_lookup (self->healths, &service_id);

  if (sh != NULL)
    return sh;

  sh = g_new0 (ServiceHealth, 1);
  sh->service_id = service_id;
  sh->monitor = self;
  sh->health = tend_health_new ();
  sh->entries = g_ptr_array_new ();
  sh->last = tend_health_get_status (sh->health);
  sh->handler = g_signal_connect (sh->health, "notify::status",
                                  G_CALLBACK (health_status_cb), sh);
  g_hash_table_insert (self->healths, &sh->service_id, sh);
  return sh;
}

/* Saving health */

static const char *
layer_state (TendCheckState *layer)
{
  if (tend_check_state_is_pending (layer))
    return "pending";
  return tend_check_state_is_hard (layer) ? "hard" : "soft";
}

static JsonNode *
layer_to_json (Entry *entry)
{
  TendCheckState *layer = entry->layer;
  const TendCheckVerdict *verdict = tend_check_state_get_last_verdict (layer);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *target = tend_check_dup_target (entry->check);
  g_autofree char *advice = NULL;

  if (verdict != NULL)
    advice = tend_health_recommend (verdict, tend_check_get_kind (entry->check), target, NULL,
                                    tend_check_get_timeout (entry->check));

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, tend_check_get_name (entry->check));
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, tend_check_get_kind (entry->check));
  json_builder_set_member_name (builder, "target");
  json_builder_add_string_value (builder, target);
  json_builder_set_member_name (builder, "enabled");
  json_builder_add_boolean_value (builder, tend_check_get_enabled (entry->check));
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder,
                                 tend_result_status_to_string (
                                   tend_check_state_get_status (layer)));
  json_builder_set_member_name (builder, "soft_status");
  json_builder_add_string_value (builder,
                                 tend_result_status_to_string (
                                   tend_check_state_get_soft_status (layer)));
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, layer_state (layer));
  json_builder_set_member_name (builder, "since_usec");
  json_builder_add_int_value (builder, tend_check_state_get_since (layer));
  json_builder_set_member_name (builder, "consecutive_failures");
  json_builder_add_int_value (builder, tend_check_state_get_consecutive_failures (layer));
  json_builder_set_member_name (builder, "failures_before_hard");
  json_builder_add_int_value (builder, tend_check_state_get_failures_before_hard (layer));
  json_builder_set_member_name (builder, "flapping");
  json_builder_add_boolean_value (builder, tend_check_state_is_flapping (layer));
  json_builder_set_member_name (builder, "flap_percent");
  json_builder_add_double_value (builder, tend_check_state_get_flap_percent (layer));
  json_builder_set_member_name (builder, "message");
  if (verdict != NULL && verdict->message != NULL)
    json_builder_add_string_value (builder, verdict->message);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "latency_usec");
  json_builder_add_int_value (builder, verdict != NULL ? verdict->latency_usec : -1);
  json_builder_set_member_name (builder, "recommendation");
  if (advice != NULL)
    json_builder_add_string_value (builder, advice);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* The service's layers, a JSON array of layer_to_json()'s objects. */
static char *
layers_to_json (ServiceHealth *sh)
{
  g_autoptr(JsonArray) layers = json_array_sized_new (sh->entries->len);
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; i < sh->entries->len; i++)
    json_array_add_element (layers, layer_to_json (g_ptr_array_index (sh->entries, i)));
  json_node_set_array (root, layers);
  return json_to_string (root, FALSE);
}

static TendHealthRecord *
health_record (ServiceHealth *sh,
               gint64         now)
{
  TendHealthRecord *record = g_new0 (TendHealthRecord, 1);

  record->service_id = sh->service_id;
  record->time_usec = now;
  record->status = g_strdup (tend_health_status_to_string (tend_health_get_status (sh->health)));
  record->layers = layers_to_json (sh);
  return record;
}

/* Saves the health of at most @max services that moved since their last save (only
 * those whose status changed, with @urgent_only).
 *
 * Returns: whether more wait */
static gboolean
save_moved (TendMonitor *self,
            gboolean     urgent_only,
            guint        max)
{
  g_autoptr(GPtrArray) records = NULL;
  gint64 now = g_get_real_time ();
  gboolean more = FALSE;
  GHashTableIter iter;
  gpointer value;

  if (self->store == NULL)
    return FALSE;

  records = g_ptr_array_new_with_free_func ((GDestroyNotify) tend_health_record_free);
  g_hash_table_iter_init (&iter, self->healths);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      ServiceHealth *sh = value;

      if (!sh->dirty || (urgent_only && !sh->urgent))
        continue;
      if (records->len == max)
        {
          more = TRUE;
          break;
        }
      sh->dirty = FALSE;
      sh->urgent = FALSE;
      g_ptr_array_add (records, health_record (sh, now));
    }
  if (records->len > 0)
    tend_store_save_health (self->store, records);
  return more;
}

/* The periodic save, a few services an iteration: a thousand services' JSON at once
 * would hold the main loop for tens of milliseconds. */
static gboolean
save_chunk_cb (gpointer user_data)
{
  TendMonitor *self = user_data;

  if (save_moved (self, FALSE, HEALTH_SAVE_CHUNK))
    return G_SOURCE_CONTINUE;
  self->health_chunk_id = 0;
  return G_SOURCE_REMOVE;
}

static gboolean
save_timer_cb (gpointer user_data)
{
  TendMonitor *self = user_data;

  if (self->health_chunk_id == 0)
    self->health_chunk_id = g_idle_add (save_chunk_cb, self);
  return G_SOURCE_CONTINUE;
}

static gboolean
save_idle_cb (gpointer user_data)
{
  TendMonitor *self = user_data;

  self->health_idle_id = 0;
  save_moved (self, TRUE, G_MAXUINT);
  return G_SOURCE_REMOVE;
}

/* @sh's health moved; a change of status is saved at once, figures with the next tick. */
static void
mark_moved (TendMonitor   *self,
            ServiceHealth *sh,
            gboolean       status_changed)
{
  sh->dirty = TRUE;
  if (!status_changed)
    return;
  sh->urgent = TRUE;
  if (self->store != NULL && self->health_idle_id == 0)
    self->health_idle_id = g_idle_add (save_idle_cb, self);
}

/* What of a layer, when it changes, is saved at once. */
static guint
layer_signature (TendCheckState *layer)
{
  return (guint) tend_check_state_get_status (layer) |
         (guint) tend_check_state_get_soft_status (layer) << 2 |
         (guint) tend_check_state_is_hard (layer) << 4 |
         (guint) tend_check_state_is_pending (layer) << 5 |
         (guint) tend_check_state_is_flapping (layer) << 6;
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
  guint signature;

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
  sh = ensure_health (self, entry->service_id);
  health = g_object_ref (sh->health);

  /* health-changed after check-completed: the health's notify waits for the thaw. */
  g_object_freeze_notify (G_OBJECT (health));
  signature = layer_signature (entry->layer);
  tend_check_state_add (entry->layer, verdict, now);
  mark_moved (self, sh, signature != layer_signature (entry->layer));

  self->n_completed++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_COMPLETED]);
  g_signal_emit (self, signals[SIGNAL_CHECK_COMPLETED], 0,
                 entry->service_id, entry->check_id, verdict);

  g_object_thaw_notify (G_OBJECT (health));
}

static void
run_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  Run *run = user_data;
  Entry *entry = run->entry;
  g_autoptr(TendMonitor) self = NULL;
  g_autoptr(TendCheckVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;
  guint old_running, old_waiting;

  verdict = tend_check_run_finish (TEND_CHECK (source), result, &error);

  /* Given up (stop, remove, dispose): forgotten already, the verdict is dropped. */
  if (entry->monitor == NULL || entry->cancellable != run->cancellable ||
      g_cancellable_is_cancelled (run->cancellable))
    {
      run_free (run);
      return;
    }

  self = g_object_ref (entry->monitor);
  old_running = self->n_running;
  old_waiting = self->waiting.length;

  g_clear_object (&entry->cancellable);
  self->n_running--;

  if (verdict == NULL)
    verdict = tend_check_verdict_new (TEND_RESULT_UNKNOWN, TEND_CHECK_FAILURE_OTHER, -1,
                                      "the check could not run: %s", error->message);

  drain_queue (self);
  notify_counts (self, old_running, old_waiting);

  record_verdict (self, entry, verdict);

  /* A handler may have stopped the monitor or removed the check. */
  if (entry->monitor == self && entry->cancellable == NULL && !entry->waiting)
    {
      if (entry->rerun && self->running)
        {
          entry->rerun = FALSE;
          make_due (self, entry);
        }
      else
        schedule (self, entry,
                  tend_check_get_interval (entry->check) -
                  (g_get_monotonic_time () - run->started));
    }

  run_free (run);
}

static void
start_run (TendMonitor *self,
           Entry       *entry)
{
  Run *run;

  g_assert (entry->cancellable == NULL);
  g_assert (!entry->waiting);

  entry->cancellable = g_cancellable_new ();
  self->n_running++;

  run = g_new0 (Run, 1);
  run->entry = entry_ref (entry);
  run->cancellable = g_object_ref (entry->cancellable);
  run->started = g_get_monotonic_time ();

  TEND_DEBUG_HOT ("monitor: running check '%s' of service %" G_GINT64_FORMAT,
                  tend_check_get_name (entry->check), entry->service_id);
  tend_check_run_async (entry->check, run->cancellable, run_cb, run);
}

static void
enabled_cb (TendCheck  *check,
            GParamSpec *pspec,
            gpointer    user_data)
{
  Entry *entry = user_data;
  TendMonitor *self = entry->monitor;
  guint old_waiting = self->waiting.length;

  if (tend_check_get_enabled (check))
    {
      if (entry->timer == NULL && entry->cancellable == NULL && !entry->waiting)
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
  if (entry->cancellable != NULL)
    entry->rerun = TRUE;
  else
    make_due (self, entry);
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
  g_clear_handle_id (&self->health_timer_id, g_source_remove);
  g_clear_handle_id (&self->health_idle_id, g_source_remove);
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
  g_clear_pointer (&self->rand, g_rand_free);

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
  signals[SIGNAL_CHECK_COMPLETED] =
    g_signal_new ("check-completed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_INT64, G_TYPE_INT64,
                  TEND_TYPE_CHECK_VERDICT | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * TendMonitor::health-changed:
   * @service_id: the service
   * @status: its new overall status, a #TendHealthStatus
   *
   * Emitted only when the status differs from the one last announced.
   */
  signals[SIGNAL_HEALTH_CHANGED] =
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
  signals[SIGNAL_INCIDENT_OPENED] =
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
  signals[SIGNAL_INCIDENT_CLOSED] =
    g_signal_new ("incident-closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_INT64);
}

static void
tend_monitor_init (TendMonitor *self)
{
  self->entries = g_ptr_array_new_with_free_func (entry_unref);
  self->by_check = g_hash_table_new (NULL, NULL);
  self->healths = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, service_health_free);
  g_queue_init (&self->waiting);
  self->timers = g_sequence_new (NULL);
  self->timer_source = g_source_new (&timer_source_funcs, sizeof (GSource));
  g_source_set_static_name (self->timer_source, "[tend] monitor timers");
  g_source_set_callback (self->timer_source, timers_cb, self, NULL);
  g_source_attach (self->timer_source, NULL);
  self->rand = g_rand_new ();
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

  old_running = self->n_running;
  old_waiting = self->waiting.length;
  self->max_concurrent = max_concurrent;
  drain_queue (self);
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

  sh = ensure_health (self, service_id);
  tend_health_add_layer (sh->health, entry->layer);
  g_ptr_array_add (sh->entries, entry);
  mark_moved (self, sh, TRUE);

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

  sh = g_hash_table_lookup (self->healths, &entry->service_id);
  if (sh != NULL)
    {
      g_ptr_array_remove (sh->entries, entry);
      mark_moved (self, sh, TRUE);
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
  if (self->store != NULL)
    self->health_timer_id = g_timeout_add (HEALTH_SAVE_INTERVAL_MSEC, save_timer_cb, self);
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      if (entry->timer == NULL && entry->cancellable == NULL && !entry->waiting)
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
  g_clear_handle_id (&self->health_timer_id, g_source_remove);
  g_clear_handle_id (&self->health_idle_id, g_source_remove);
  g_clear_handle_id (&self->health_chunk_id, g_source_remove);
  save_moved (self, FALSE, G_MAXUINT);

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

  return make_due (self, entry);
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
  return ensure_health (self, service_id)->health;
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
 * tend_monitor_adopt_incident:
 * @service_id: a service
 * @incident_id: its incident that is still open in the store
 *
 * Takes over an incident a previous monitor left open: it closes when the service is
 * next healthy, and goes on (rather than a new one opening) if it is critical.
 */
void
tend_monitor_adopt_incident (TendMonitor *self,
                             gint64       service_id,
                             gint64       incident_id)
{
  ServiceHealth *sh;

  g_return_if_fail (TEND_IS_MONITOR (self));
  g_return_if_fail (incident_id > 0);

  sh = ensure_health (self, service_id);
  if (sh->in_incident)
    return;
  sh->in_incident = TRUE;
  sh->incident_id = incident_id;
}

/**
 * tend_monitor_get_incident:
 * @service_id: a service
 *
 * Returns: the id of the service's open incident, 0 when it has none (or while the
 *   store has not given its id yet)
 */
gint64
tend_monitor_get_incident (TendMonitor *self,
                           gint64       service_id)
{
  ServiceHealth *sh;

  g_return_val_if_fail (TEND_IS_MONITOR (self), 0);

  sh = g_hash_table_lookup (self->healths, &service_id);
  return sh != NULL && sh->in_incident ? sh->incident_id : 0;
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
 * tend_monitor_dup_layers_json:
 * @service_id: a service
 *
 * Returns: (transfer full): the service's layers as JSON, as saved for `tendctl health`:
 *   an array with an object per check (name, kind, target, status, state, message …)
 */
char *
tend_monitor_dup_layers_json (TendMonitor *self,
                              gint64       service_id)
{
  g_return_val_if_fail (TEND_IS_MONITOR (self), NULL);
  return layers_to_json (ensure_health (self, service_id));
}

/**
 * tend_monitor_hold_incident:
 * @service_id: a service
 * @hold: %TRUE to keep its incident open while it is healthy; %FALSE to let it close,
 *   at once if the service is healthy now
 *
 * A recovery holds the incident it works on: a service healthy for a moment while it
 * starts is not the incident's end; the recovery's verdict is.
 */
void
tend_monitor_hold_incident (TendMonitor *self,
                            gint64       service_id,
                            gboolean     hold)
{
  ServiceHealth *sh;

  g_return_if_fail (TEND_IS_MONITOR (self));

  sh = ensure_health (self, service_id);
  sh->incident_held = hold;
  if (!hold && sh->in_incident &&
      tend_health_get_status (sh->health) == TEND_HEALTH_HEALTHY)
    close_incident (self, sh);
}
