/* tend-overview.c — what the monitor says of every service, brought to the services
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window lists the TendServices of its own TendHosts; the monitor's word about them
 * (watched, health, the worst check's message, what recovery does next) comes from the
 * engine, which may run in this process or in another (`tendctl monitor`). The overview
 * carries that word to each service with tend_service_set_watch_info(), so a list can
 * show, sort and filter it as any other property:
 *
 * - Which services are watched: those with checks in the store's inventory
 *   (tend_store_load_checks_async()), on a host of the inventory that one of the added
 *   TendHosts is (tend_host_is_named()). Read when a host is added, when the engine
 *   reloads, and with every read of the store below.
 * - With an engine in this process: the monitor's health-changed and check-completed
 *   signals, and the supervisor's recovery-status-changed, each for one service, set
 *   that service's word at once.
 * - Without one: the store's health and recovery status (tend_store_query_health_async(),
 *   saved by the other process's engine) are read when the store's file has changed: a
 *   GFileMonitor on its write-ahead log (inotify; GLib polls where there is none), 2.5 s
 *   after the first write of a batch, once, so nothing wakes while the other engine
 *   writes nothing; a row that did not change since the last read is
 *   not parsed again. (A timer that read every 2 s woke this process's main loop and
 *   the store's thread about 3 times a second at rest, docs/benchmarks.md, "Idle".)
 *
 * Services that join a host's list later get their word as they join. The list of
 * services that need attention (failed, or degraded or critical) follows each host's
 * TendHost::attention-changed: the host owns that judgement and counts it (n-failed,
 * n-unhealthy); the overview only gathers the hosts' into one live TendServiceSet.
 */
#define G_LOG_DOMAIN "Tend-Monitor"

#include "tend-json-lib.h"

#include "tend-overview.h"

#include "tend-enums.h"
#include "tend-engine.h"
#include "tend-health.h"
#include "tend-host.h"
#include "tend-inventory.h"
#include "tend-monitor.h"
#include "tend-recovery-status.h"
#include "tend-service-set.h"
#include "tend-service.h"
#include "tend-store.h"
#include "tend-supervisor.h"
#include "tend-util.h"

/* One watched service, as the store names it, and the monitor's last word on it. */
typedef struct
{
  gint64 service_id;
  char *host_name;             /* (owned) the store's name of its host */
  char *unit;                  /* (owned) */
  TendHost *host;              /* (unowned) (nullable) the added host it is on */

  TendHealthStatus health;
  char *message;               /* (owned) (nullable) the worst check's message */
  TendRecoveryStatus *recovery; /* (owned) (nullable) */

  /* The stored row it was last read from (without an engine): unchanged, not parsed. */
  char *row_status;            /* (owned) (nullable) */
  char *row_layers;            /* (owned) (nullable) */
  char *row_recovery;          /* (owned) (nullable) */
} Watch;

typedef struct
{
  TendHost *host;              /* (owned) */
  GHashTable *watches;         /* (owned) unit → (unowned) Watch of this host */
  gulong items_changed_id;
  gulong attention_id;
} HostEntry;

typedef struct _Read Read;     /* a read of the store under way, below */

struct _TendOverview
{
  GObject parent_instance;

  TendStore *store;            /* (owned) */
  TendEngine *engine;          /* (owned) (nullable) */
  gulong engine_handlers[4];   /* reloaded; health-changed, check-completed; recovery */

  GPtrArray *hosts;            /* (owned) HostEntry */
  GHashTable *by_id;           /* (owned) gint64* service id → (owned) Watch */
  TendServiceSet *attention;   /* (owned) */

  GFileMonitor *wal_monitor;   /* (owned) (nullable) without an engine: the store's WAL */
  guint read_soon_id;          /* a read after a change of the WAL, or one that failed */
  guint read_serial;           /* bumped by a change of engine: older reads are dropped */
  gboolean reading;            /* a read is under way */
  gboolean read_again;         /* asked for while one was under way */
  Read *applying;             /* (owned) (nullable) a read given to services in chunks */
  guint apply_id;              /* the next chunk */
  char *last_error;            /* (owned) (nullable) the last read's failure, said once */
};

G_DEFINE_FINAL_TYPE (TendOverview, tend_overview, G_TYPE_OBJECT)

enum
{
  SIGNAL_UPDATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Watches given their word in one iteration of the main loop, at most. */
#define APPLY_CHUNK 200

static void start_read (TendOverview *self);

/* ------------------------------------------------------------------------------------ */
/* Watches                                                                               */

static void
watch_free (Watch *watch)
{
  g_free (watch->host_name);
  g_free (watch->unit);
  g_free (watch->message);
  g_clear_pointer (&watch->recovery, tend_recovery_status_free);
  g_free (watch->row_status);
  g_free (watch->row_layers);
  g_free (watch->row_recovery);
  g_free (watch);
}

static void
host_entry_free (HostEntry *entry)
{
  g_clear_signal_handler (&entry->items_changed_id, tend_host_get_services (entry->host));
  g_clear_signal_handler (&entry->attention_id, entry->host);
  g_hash_table_unref (entry->watches);
  g_object_unref (entry->host);
  g_free (entry);
}

static HostEntry *
find_entry (TendOverview *self,
            TendHost     *host)
{
  for (guint i = 0; i < self->hosts->len; i++)
    {
      HostEntry *entry = self->hosts->pdata[i];

      if (entry->host == host)
        return entry;
    }
  return NULL;
}

/* Gives @watch's word to its service, when its host lists it. */
static void
apply_watch (Watch *watch)
{
  TendService *service;

  if (watch->host == NULL)
    return;
  service = tend_host_lookup_service (watch->host, watch->unit);
  if (service != NULL)
    tend_service_set_watch_info (service, TRUE, watch->health, watch->message,
                                 watch->recovery);
}

static void
set_watch (Watch                    *watch,
           TendHealthStatus          health,
           const char               *message,
           const TendRecoveryStatus *recovery)
{
  watch->health = health;
  if (g_strcmp0 (watch->message, message) != 0)
    {
      g_free (watch->message);
      watch->message = g_strdup (message);
    }
  if (recovery == NULL || watch->recovery == NULL ||
      !tend_recovery_status_same (recovery, watch->recovery))
    {
      g_clear_pointer (&watch->recovery, tend_recovery_status_free);
      if (recovery != NULL)
        watch->recovery = tend_recovery_status_copy (recovery);
    }
  apply_watch (watch);
}

/* The worst check decides whose message the service shows: hard status first, the
 * latest result's next; the first of equals. */
static int
status_rank (TendResultStatus status)
{
  switch (status)
    {
    case TEND_RESULT_FAIL: return 3;
    case TEND_RESULT_WARN: return 2;
    case TEND_RESULT_UNKNOWN: return 1;
    case TEND_RESULT_PASS:
    default:
      return 0;
    }
}

static int
layer_rank (TendResultStatus hard,
            TendResultStatus soft)
{
  return status_rank (hard) * 4 + status_rank (soft);
}

/* ------------------------------------------------------------------------------------ */
/* An engine in this process                                                             */

static TendSupervisor *
engine_supervisor (TendOverview *self)
{
  return tend_engine_get_supervisor (self->engine);
}

/* Reads @watch's word from the engine: its monitor's health, its supervisor's plan. */
static void
update_from_engine (TendOverview *self,
                    Watch        *watch)
{
  TendHealth *health = tend_monitor_peek_health (tend_engine_get_monitor (self->engine),
                                                 watch->service_id);
  const char *message = NULL;
  int worst = -1;

  if (health != NULL)
    {
      GListModel *layers = tend_health_get_layers (health);
      guint n = g_list_model_get_n_items (layers);

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(TendCheckState) layer = g_list_model_get_item (layers, i);
          int rank = layer_rank (tend_check_state_get_status (layer),
                                 tend_check_state_get_soft_status (layer));

          if (rank > worst)
            {
              worst = rank;
              message = tend_check_state_get_message (layer);
            }
        }
    }
  set_watch (watch, health != NULL ? tend_health_get_status (health) : TEND_HEALTH_UNKNOWN,
             message,
             tend_supervisor_get_recovery_status (engine_supervisor (self), watch->service_id));
}

static void
engine_service_cb (TendOverview *self,
                   gint64        service_id)
{
  Watch *watch = g_hash_table_lookup (self->by_id, &service_id);

  /* Not known yet: the read that the engine's reload started brings it. */
  if (watch != NULL)
    update_from_engine (self, watch);
}

static void
health_changed_cb (TendMonitor  *monitor,
                   gint64        service_id,
                   guint         status,
                   TendOverview *self)
{
  engine_service_cb (self, service_id);
}

static void
check_completed_cb (TendMonitor      *monitor,
                    gint64            service_id,
                    gint64            check_id,
                    TendCheckVerdict *verdict,
                    TendOverview     *self)
{
  engine_service_cb (self, service_id);
}

static void
recovery_status_changed_cb (TendSupervisor *supervisor,
                            gint64          service_id,
                            TendOverview   *self)
{
  engine_service_cb (self, service_id);
}

static void
engine_reloaded_cb (TendEngine   *engine,
                    TendOverview *self)
{
  start_read (self);
}

/* ------------------------------------------------------------------------------------ */
/* The store, without an engine in this process                                          */

/* The worst layer's message, from the layers a TendHealthRecord keeps. */
static char *
worst_message_of_json (const char *layers_json)
{
  g_autoptr(JsonNode) root = NULL;
  JsonArray *layers;
  const char *message = NULL;
  int worst = -1;

  if (layers_json == NULL || (root = json_from_string (layers_json, NULL)) == NULL ||
      !JSON_NODE_HOLDS_ARRAY (root))
    return NULL;
  layers = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (layers); i++)
    {
      JsonNode *node = json_array_get_element (layers, i);
      JsonObject *layer;
      int hard = TEND_RESULT_UNKNOWN, soft = TEND_RESULT_UNKNOWN;
      int rank;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      layer = json_node_get_object (node);
      tend_enum_from_nick (TEND_TYPE_RESULT_STATUS,
                           json_object_get_string_member_with_default (layer, "status", ""),
                           &hard);
      tend_enum_from_nick (TEND_TYPE_RESULT_STATUS,
                           json_object_get_string_member_with_default (layer, "soft_status",
                                                                       ""),
                           &soft);
      rank = layer_rank (hard, soft);
      if (rank > worst)
        {
          worst = rank;
          message = json_object_get_string_member_with_default (layer, "message", NULL);
        }
    }
  return g_strdup (message);
}

/* Gives @watch what the store says, parsing only what changed since the last read. */
static void
update_from_row (Watch                  *watch,
                 const TendHealthRecord *row)   /* (nullable): no health saved */
{
  gboolean changed = FALSE;
  int health = TEND_HEALTH_UNKNOWN;
  g_autofree char *message = NULL;
  g_autoptr(TendRecoveryStatus) recovery = NULL;

  changed |= tend_str_set (&watch->row_status, row != NULL ? row->status : NULL);
  changed |= tend_str_set (&watch->row_layers, row != NULL ? row->layers : NULL);
  changed |= tend_str_set (&watch->row_recovery, row != NULL ? row->recovery : NULL);
  if (!changed)
    {
      apply_watch (watch);
      return;
    }

  if (row != NULL && !tend_enum_from_nick (TEND_TYPE_HEALTH_STATUS, row->status, &health))
    health = TEND_HEALTH_UNKNOWN;
  if (row != NULL)
    message = worst_message_of_json (row->layers);
  if (row != NULL && row->recovery != NULL)
    {
      g_autoptr(GError) error = NULL;

      recovery = tend_recovery_status_new_from_json (row->recovery, &error);
      if (recovery == NULL)
        g_debug ("overview: the recovery status of %s on %s: %s", watch->unit,
                 watch->host_name, error->message);
    }
  set_watch (watch, (TendHealthStatus) health, message, recovery);
}

static gboolean
read_soon_cb (gpointer user_data)
{
  TendOverview *self = user_data;

  self->read_soon_id = 0;
  start_read (self);
  return G_SOURCE_REMOVE;
}

/* One read @msec from now, unless one is due already. */
static void
read_soon (TendOverview *self,
           guint         msec)
{
  if (self->read_soon_id == 0)
    self->read_soon_id = g_timeout_add (msec, read_soon_cb, self);
}

static void
wal_changed_cb (GFileMonitor      *monitor,
                GFile             *file,
                GFile             *other_file,
                GFileMonitorEvent  event,
                gpointer           user_data)
{
  TendOverview *self = user_data;

  /* Written (or made, or gone as the last connection closed): the engine's word may
   * have moved. GLib tells of the first write of a batch at once and, while writes go
   * on, of one more every rate limit (2 s): one read half a second past that covers
   * the batch (reading at each CHANGED read twice per batch; waiting for GLib's
   * CHANGES_DONE_HINT, 2 s after the last, never read while an engine wrote every
   * second). A read under way is followed by another. */
  if (event == G_FILE_MONITOR_EVENT_CHANGED || event == G_FILE_MONITOR_EVENT_CREATED ||
      event == G_FILE_MONITOR_EVENT_DELETED)
    read_soon (self, TEND_OVERVIEW_POLL_INTERVAL_SEC * 1000 + 500);
}

/* A watch on the store's write-ahead log while there is no engine and something to
 * show; none otherwise. */
static void
update_poll (TendOverview *self)
{
  gboolean wanted = self->engine == NULL && self->hosts->len > 0;

  if (wanted && self->wal_monitor == NULL)
    {
      g_autofree char *path = g_strconcat (tend_store_get_path (self->store), "-wal", NULL);
      g_autoptr(GFile) wal = g_file_new_for_path (path);
      g_autoptr(GError) error = NULL;

      self->wal_monitor = g_file_monitor_file (wal, G_FILE_MONITOR_NONE, NULL, &error);
      if (self->wal_monitor == NULL)
        {
          g_warning ("cannot follow %s: %s; the monitor's word is read only on demand",
                     path, error->message);
          return;
        }
      g_file_monitor_set_rate_limit (self->wal_monitor, TEND_OVERVIEW_POLL_INTERVAL_SEC * 1000);
      g_signal_connect (self->wal_monitor, "changed", G_CALLBACK (wal_changed_cb), self);
    }
  else if (!wanted && self->wal_monitor != NULL)
    {
      g_file_monitor_cancel (self->wal_monitor);
      g_signal_handlers_disconnect_by_data (self->wal_monitor, self);
      g_clear_object (&self->wal_monitor);
    }
}

/* ------------------------------------------------------------------------------------ */
/* Reading which services are watched (and, without an engine, their health)             */

struct _Read
{
  GWeakRef overview;
  guint serial;
  gboolean with_health;        /* no engine: the store has the health too */
  GPtrArray *hosts;            /* (owned) (nullable) TendInventoryHost: the inventory's */
  GPtrArray *checks;           /* (owned) (nullable) TendStoredCheck */
  GPtrArray *health;           /* (owned) (nullable) TendHealthRecord */
  GHashTable *rows;            /* (owned) (nullable) gint64* service id → its row */
  GPtrArray *pending;          /* (owned) (nullable) Watch (unowned): yet to be given */
  guint next;                  /* the next of pending */
};

static void
read_free (Read *read)
{
  g_weak_ref_clear (&read->overview);
  g_clear_pointer (&read->hosts, g_ptr_array_unref);
  g_clear_pointer (&read->checks, g_ptr_array_unref);
  g_clear_pointer (&read->rows, g_hash_table_unref);
  g_clear_pointer (&read->health, g_ptr_array_unref);
  g_clear_pointer (&read->pending, g_ptr_array_unref);
  g_free (read);
}

/* Drops the application of a read under way (the source changed, or the overview goes). */
static void
cancel_apply (TendOverview *self)
{
  g_clear_handle_id (&self->apply_id, g_source_remove);
  g_clear_pointer (&self->applying, read_free);
}

/* Returns the overview @read is for, or %NULL when it is gone or the read is stale. */
static TendOverview *
read_owner (Read *read)
{
  TendOverview *self = g_weak_ref_get (&read->overview);

  if (self != NULL && self->read_serial != read->serial)
    g_clear_object (&self);
  return self;
}

static void
read_done (TendOverview *self,
           Read         *read,
           const GError *error)
{
  self->reading = FALSE;
  read_free (read);

  if (error != NULL)
    {
      /* With an engine (whose store may not be open yet) its reload reads again. */
      if (self->engine != NULL)
        g_debug ("overview: which services are watched could not be read: %s",
                 error->message);
      else if (g_strcmp0 (self->last_error, error->message) != 0)
        g_warning ("the health of the watched services could not be read: %s",
                   error->message);
      g_free (self->last_error);
      self->last_error = g_strdup (error->message);
      /* Without an engine, tried again after a while (the store may open soon), and
       * at the next change of its file. */
      if (self->engine == NULL)
        read_soon (self, TEND_OVERVIEW_POLL_INTERVAL_SEC * 1000);
    }
  else
    {
      g_clear_pointer (&self->last_error, g_free);
    }

  if (self->read_again)
    {
      self->read_again = FALSE;
      start_read (self);
    }
}

static HostEntry *
entry_named (TendOverview            *self,
             const char              *name,
             const TendInventoryHost *spec)
{
  /* The store's own name for a host first: a host of the inventory may share it. */
  for (guint i = 0; spec == NULL && i < self->hosts->len; i++)
    {
      HostEntry *entry = self->hosts->pdata[i];

      if (tend_host_is_named (entry->host, name, NULL))
        return entry;
    }
  for (guint i = 0; i < self->hosts->len; i++)
    {
      HostEntry *entry = self->hosts->pdata[i];

      if (tend_host_is_named (entry->host, name, spec))
        return entry;
    }
  return NULL;
}

/* Gives the services a chunk of @read's watches at a time, each chunk one iteration of
 * the main loop, after its redraws: a thousand services whose health changed at once do
 * not hold up a frame. */
static gboolean
apply_chunk_cb (gpointer user_data)
{
  TendOverview *self = user_data;
  Read *read = self->applying;
  guint end = MIN (read->next + APPLY_CHUNK, read->pending->len);

  /* The checks were needed until apply_read(); freed here, not in its iteration. */
  g_clear_pointer (&read->checks, g_ptr_array_unref);
  for (; read->next < end; read->next++)
    {
      Watch *watch = read->pending->pdata[read->next];

      if (self->engine != NULL)
        update_from_engine (self, watch);
      else if (read->rows != NULL)
        update_from_row (watch, g_hash_table_lookup (read->rows, &watch->service_id));
      else
        apply_watch (watch);
    }
  if (read->next < read->pending->len)
    return G_SOURCE_CONTINUE;

  self->apply_id = 0;
  self->applying = NULL;
  g_signal_emit (self, signals[SIGNAL_UPDATED], 0);
  read_done (self, read, NULL);
  return G_SOURCE_REMOVE;
}

/* Makes the watched services those of @read's checks, and gives each its word: the
 * store's row (@health, without an engine) or the engine's. A service no longer watched
 * is told so at once; the others in chunks (apply_chunk_cb()), then read_done(). */
static void
apply_read (TendOverview *self,
            Read         *read,
            GPtrArray    *health)   /* (transfer full) (nullable) TendHealthRecord */
{
  g_autoptr(GHashTable) specs = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTable *old = self->by_id;
  GPtrArray *hosts = read->hosts;
  GHashTableIter iter;
  gpointer value;

  for (guint i = 0; i < hosts->len; i++)
    {
      const TendInventoryHost *spec = hosts->pdata[i];

      g_hash_table_insert (specs, spec->name, (gpointer) spec);
    }

  self->by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                       (GDestroyNotify) watch_free);
  for (guint i = 0; i < self->hosts->len; i++)
    g_hash_table_remove_all (((HostEntry *) self->hosts->pdata[i])->watches);

  for (guint i = 0; i < read->checks->len; i++)
    {
      const TendStoredCheck *stored = read->checks->pdata[i];
      const char *host_name = stored->spec->host;
      const char *unit = stored->spec->unit;
      HostEntry *entry;
      Watch *watch;

      if (g_hash_table_contains (self->by_id, &stored->service_id))
        continue;
      watch = NULL;
      if (g_hash_table_steal_extended (old, &stored->service_id, NULL, (gpointer *) &watch) &&
          (!g_str_equal (watch->host_name, host_name) || !g_str_equal (watch->unit, unit)))
        {
          /* The id names another service now: the old one is told, below. */
          g_hash_table_insert (old, &watch->service_id, watch);
          watch = NULL;
        }
      if (watch == NULL)
        {
          watch = g_new0 (Watch, 1);
          watch->service_id = stored->service_id;
          watch->host_name = g_strdup (host_name);
          watch->unit = g_strdup (unit);
          watch->health = TEND_HEALTH_UNKNOWN;
        }
      entry = entry_named (self, host_name, g_hash_table_lookup (specs, host_name));
      watch->host = entry != NULL ? entry->host : NULL;
      g_hash_table_insert (self->by_id, &watch->service_id, watch);
      /* Two store hosts may be one TendHost (a local host of the inventory under another
       * name): the first watch of a unit is the one shown. */
      if (entry != NULL && !g_hash_table_contains (entry->watches, unit))
        g_hash_table_insert (entry->watches, watch->unit, watch);
    }

  /* No longer watched: said so, unless watched under another id now. */
  g_hash_table_iter_init (&iter, old);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Watch *watch = value;
      HostEntry *entry = watch->host != NULL ? find_entry (self, watch->host) : NULL;
      TendService *service;

      if (entry == NULL || g_hash_table_contains (entry->watches, watch->unit))
        continue;
      service = tend_host_lookup_service (entry->host, watch->unit);
      if (service != NULL)
        tend_service_set_watch_info (service, FALSE, TEND_HEALTH_UNKNOWN, NULL, NULL);
    }
  g_hash_table_unref (old);

  read->health = health;
  if (health != NULL)
    {
      read->rows = g_hash_table_new (g_int64_hash, g_int64_equal);
      for (guint i = 0; i < health->len; i++)
        {
          TendHealthRecord *row = health->pdata[i];

          g_hash_table_insert (read->rows, &row->service_id, row);
        }
    }

  /* Until the last chunk, no other read starts (reading stays set), so no watch goes. */
  read->pending = g_ptr_array_sized_new (g_hash_table_size (self->by_id));
  g_hash_table_iter_init (&iter, self->by_id);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (read->pending, value);
  g_assert (self->applying == NULL);
  self->applying = read;
  self->apply_id = g_idle_add (apply_chunk_cb, self);
  g_source_set_name_by_id (self->apply_id, "[tend] overview apply");
}

/* A step of @read ended, with its answer when @ok. Returns the overview to go on with,
 * or %NULL when the read ends here: the overview is gone or asks for no more, or the
 * store failed (said by read_done()). */
static TendOverview *
read_step (Read         *read,
           gboolean      ok,
           const GError *error)
{
  TendOverview *self = read_owner (read);

  if (self == NULL)
    {
      read_free (read);
      return NULL;
    }
  if (!ok)
    {
      read_done (self, read, error);
      g_object_unref (self);
      return NULL;
    }
  return self;
}

static void
health_read_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Read *read = user_data;
  g_autoptr(TendOverview) self = NULL;
  g_autoptr(GPtrArray) health = NULL;
  g_autoptr(GError) error = NULL;

  health = tend_store_query_health_finish (TEND_STORE (source), result, &error);
  if ((self = read_step (read, health != NULL, error)) == NULL)
    return;
  apply_read (self, read, g_steal_pointer (&health));
}

static void
checks_read_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Read *read = user_data;
  g_autoptr(TendOverview) self = NULL;
  g_autoptr(GError) error = NULL;

  read->checks = tend_store_load_checks_finish (TEND_STORE (source), result, &error);
  if ((self = read_step (read, read->checks != NULL, error)) == NULL)
    return;
  if (read->with_health)
    {
      tend_store_query_health_async (self->store, -1, NULL, health_read_cb, read);
      return;
    }
  apply_read (self, read, NULL);
}

static void
inventory_read_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Read *read = user_data;
  g_autoptr(TendOverview) self = NULL;
  g_autoptr(TendInventory) inventory = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *hosts;

  inventory = tend_store_load_inventory_finish (TEND_STORE (source), result, &error);
  if ((self = read_step (read, inventory != NULL, error)) == NULL)
    return;
  /* Only its hosts are wanted: the rest goes now, in this iteration of the main loop. */
  hosts = tend_inventory_get_hosts (inventory);
  read->hosts = g_ptr_array_new_full (hosts->len, (GDestroyNotify) tend_inventory_host_free);
  for (guint i = 0; i < hosts->len; i++)
    g_ptr_array_add (read->hosts, tend_inventory_host_copy (hosts->pdata[i]));
  tend_store_load_checks_async (self->store, NULL, checks_read_cb, read);
}

/* Reads the inventory's hosts, the checks (and the health without an engine): three
 * queries on the store's thread, whatever the number of services. One at a time. */
static void
start_read (TendOverview *self)
{
  Read *read;

  if (self->hosts->len == 0)
    return;
  if (self->reading)
    {
      self->read_again = TRUE;
      return;
    }

  self->reading = TRUE;
  read = g_new0 (Read, 1);
  g_weak_ref_init (&read->overview, self);
  read->serial = self->read_serial;
  read->with_health = self->engine == NULL;
  tend_store_load_inventory_async (self->store, NULL, inventory_read_cb, read);
}

/* ------------------------------------------------------------------------------------ */
/* Hosts: services that join their lists, services that need attention                   */

static void
services_changed_cb (GListModel *services,
                     guint       position,
                     guint       removed,
                     guint       added,
                     HostEntry  *entry)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(TendService) service = g_list_model_get_item (services, i);
      Watch *watch = g_hash_table_lookup (entry->watches, tend_service_get_name (service));

      if (watch != NULL)
        tend_service_set_watch_info (service, TRUE, watch->health, watch->message,
                                     watch->recovery);
      else
        tend_service_set_watch_info (service, FALSE, TEND_HEALTH_UNKNOWN, NULL, NULL);
    }
}

static void
attention_changed_cb (TendHost     *host,
                      TendService  *service,
                      gboolean      needs_attention,
                      TendOverview *self)
{
  if (needs_attention)
    tend_service_set_add (self->attention, service);
  else
    tend_service_set_remove (self->attention, service);
}

/* ------------------------------------------------------------------------------------ */
/* GObject                                                                               */

static void
disconnect_engine (TendOverview *self)
{
  if (self->engine == NULL)
    return;
  g_clear_signal_handler (&self->engine_handlers[0], self->engine);
  g_clear_signal_handler (&self->engine_handlers[1], tend_engine_get_monitor (self->engine));
  g_clear_signal_handler (&self->engine_handlers[2], tend_engine_get_monitor (self->engine));
  g_clear_signal_handler (&self->engine_handlers[3], engine_supervisor (self));
  g_clear_object (&self->engine);
}

static void
tend_overview_dispose (GObject *object)
{
  TendOverview *self = TEND_OVERVIEW (object);

  self->read_serial++;
  cancel_apply (self);
  g_clear_handle_id (&self->read_soon_id, g_source_remove);
  if (self->wal_monitor != NULL)
    {
      g_file_monitor_cancel (self->wal_monitor);
      g_signal_handlers_disconnect_by_data (self->wal_monitor, self);
      g_clear_object (&self->wal_monitor);
    }
  disconnect_engine (self);
  if (self->hosts != NULL)
    g_ptr_array_set_size (self->hosts, 0);
  if (self->by_id != NULL)
    g_hash_table_remove_all (self->by_id);
  g_clear_object (&self->store);
  g_clear_object (&self->attention);
  G_OBJECT_CLASS (tend_overview_parent_class)->dispose (object);
}

static void
tend_overview_finalize (GObject *object)
{
  TendOverview *self = TEND_OVERVIEW (object);

  g_ptr_array_unref (self->hosts);
  g_hash_table_unref (self->by_id);
  g_free (self->last_error);
  G_OBJECT_CLASS (tend_overview_parent_class)->finalize (object);
}

static void
tend_overview_class_init (TendOverviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tend_overview_dispose;
  object_class->finalize = tend_overview_finalize;

  /**
   * TendOverview::updated:
   *
   * A read of the store was applied: which services are watched (and, without an
   * engine, their health) is as the store says now. Between reads, an engine's signals
   * update single services without it.
   */
  signals[SIGNAL_UPDATED] =
    g_signal_new ("updated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
tend_overview_init (TendOverview *self)
{
  self->attention = tend_service_set_new ();
  self->hosts = g_ptr_array_new_with_free_func ((GDestroyNotify) host_entry_free);
  self->by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                       (GDestroyNotify) watch_free);
}

/* ------------------------------------------------------------------------------------ */
/* Public                                                                                */

/**
 * tend_overview_new:
 * @store: the database the monitor (this process's or another's) keeps health in; open,
 *   or opened by its owner soon (a read that fails is tried again)
 *
 * Returns: (transfer full): a new overview, with no hosts yet; until
 *   tend_overview_set_engine() says otherwise, it reads the store
 */
TendOverview *
tend_overview_new (TendStore *store)
{
  TendOverview *self;

  g_return_val_if_fail (TEND_IS_STORE (store), NULL);
  self = g_object_new (TEND_TYPE_OVERVIEW, NULL);
  self->store = g_object_ref (store);
  return self;
}

TendStore *
tend_overview_get_store (TendOverview *self)
{
  g_return_val_if_fail (TEND_IS_OVERVIEW (self), NULL);
  return self->store;
}

/**
 * tend_overview_get_engine:
 *
 * Returns: (transfer none) (nullable): the engine whose signals are followed, or %NULL
 *   when the store is read as it changes
 */
TendEngine *
tend_overview_get_engine (TendOverview *self)
{
  g_return_val_if_fail (TEND_IS_OVERVIEW (self), NULL);
  return self->engine;
}

/**
 * tend_overview_set_engine:
 * @self: a #TendOverview
 * @engine: (nullable): the engine running in this process, whose signals are followed
 *   at once; %NULL when another process runs it and the store is read instead
 */
void
tend_overview_set_engine (TendOverview *self,
                          TendEngine   *engine)
{
  TendMonitor *monitor;

  g_return_if_fail (TEND_IS_OVERVIEW (self));
  g_return_if_fail (engine == NULL || TEND_IS_ENGINE (engine));

  if (engine == self->engine)
    return;
  disconnect_engine (self);
  /* A read under way asked for the other source: its answer is dropped. */
  cancel_apply (self);
  self->read_serial++;
  self->reading = FALSE;
  self->read_again = FALSE;

  if (engine != NULL)
    {
      self->engine = g_object_ref (engine);
      monitor = tend_engine_get_monitor (engine);
      self->engine_handlers[0] =
        g_signal_connect (engine, "reloaded", G_CALLBACK (engine_reloaded_cb), self);
      self->engine_handlers[1] =
        g_signal_connect (monitor, "health-changed", G_CALLBACK (health_changed_cb), self);
      self->engine_handlers[2] =
        g_signal_connect (monitor, "check-completed", G_CALLBACK (check_completed_cb), self);
      self->engine_handlers[3] =
        g_signal_connect (engine_supervisor (self), "recovery-status-changed",
                          G_CALLBACK (recovery_status_changed_cb), self);
    }
  update_poll (self);
  start_read (self);
}

/**
 * tend_overview_add_host:
 * @self: a #TendOverview
 * @host: a host whose services get the monitor's word (tend_service_set_watch_info()),
 *   those listed now and those that join its list later
 */
void
tend_overview_add_host (TendOverview *self,
                        TendHost     *host)
{
  HostEntry *entry;
  GListModel *services;
  guint n;

  g_return_if_fail (TEND_IS_OVERVIEW (self));
  g_return_if_fail (TEND_IS_HOST (host));

  if (find_entry (self, host) != NULL)
    return;

  entry = g_new0 (HostEntry, 1);
  entry->host = g_object_ref (host);
  entry->watches = g_hash_table_new (g_str_hash, g_str_equal);
  g_ptr_array_add (self->hosts, entry);

  services = tend_host_get_services (host);
  entry->items_changed_id = g_signal_connect (services, "items-changed",
                                              G_CALLBACK (services_changed_cb), entry);
  entry->attention_id = g_signal_connect (host, "attention-changed",
                                          G_CALLBACK (attention_changed_cb), self);
  n = g_list_model_get_n_items (services);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TendService) service = g_list_model_get_item (services, i);

      if (tend_service_needs_attention (service))
        tend_service_set_add (self->attention, service);
    }

  update_poll (self);
  start_read (self);
}

/**
 * tend_overview_remove_host:
 * @self: a #TendOverview
 * @host: a host added before (a host that left the inventory)
 *
 * Forgets @host: its services leave the attention list and get no more word.
 */
void
tend_overview_remove_host (TendOverview *self,
                           TendHost     *host)
{
  HostEntry *entry;
  GListModel *services;
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (TEND_IS_OVERVIEW (self));
  g_return_if_fail (TEND_IS_HOST (host));

  entry = find_entry (self, host);
  if (entry == NULL)
    return;

  services = tend_host_get_services (host);
  for (guint i = 0; i < g_list_model_get_n_items (services); i++)
    {
      g_autoptr(TendService) service = g_list_model_get_item (services, i);

      tend_service_set_remove (self->attention, service);
    }
  g_hash_table_iter_init (&iter, self->by_id);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((Watch *) value)->host == host)
      ((Watch *) value)->host = NULL;
  g_ptr_array_remove (self->hosts, entry);
  update_poll (self);
}

/**
 * tend_overview_get_attention:
 * @self: a #TendOverview
 *
 * One list, kept as the services change (never made afresh): each change adds or removes
 * one item, in O(log n).
 *
 * Returns: (transfer none): the services of every added host that are failed or whose
 *   health is degraded or critical (tend_service_needs_attention()), in the order of
 *   their names; a #TendServiceSet
 */
GListModel *
tend_overview_get_attention (TendOverview *self)
{
  g_return_val_if_fail (TEND_IS_OVERVIEW (self), NULL);
  return G_LIST_MODEL (self->attention);
}

/**
 * tend_overview_get_n_watched:
 *
 * Returns: how many services of the store's inventory have checks, as last read
 */
guint
tend_overview_get_n_watched (TendOverview *self)
{
  g_return_val_if_fail (TEND_IS_OVERVIEW (self), 0);
  return g_hash_table_size (self->by_id);
}

/**
 * tend_overview_refresh:
 * @self: a #TendOverview
 *
 * Reads the store again now (a person pressed Refresh): which services are watched,
 * and without an engine their health.
 */
void
tend_overview_refresh (TendOverview *self)
{
  g_return_if_fail (TEND_IS_OVERVIEW (self));
  start_read (self);
}
