/* tend-engine.c — the monitor as a program runs it: the store's checks on their hosts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The engine is what `tendctl monitor` and the window run: it takes the data
 * directory's lock (one engine per database), opens the store, applies the stored
 * configuration, connects to the hosts of the inventory, builds a TendCheck for each
 * stored check and hands them to a TendMonitor, which runs them.
 *
 * A reload reads the configuration and the checks again and changes only what
 * changed: a check whose definition is the same keeps running with its history (its
 * layer, its soft and hard states); a changed one is replaced, a removed one stops.
 * A check that cannot be built (a stored definition this version rejects) is skipped
 * with a warning that names the check and the field, and the others run.
 *
 * What happens to the services is logged: health changes and incidents, at the
 * "message" level, which goes to stderr or, under systemd, to the journal. So is a host
 * that cannot be reached (its bus restarts: it reconnects by itself) and its return.
 *
 * Desktop notifications go out on a session bus connection of the engine's own
 * (tend-bus.c), which a restart of the bus does not turn into a SIGTERM: when it closes,
 * the desktop notifier is dropped and the engine dials again with the hosts' backoff.
 */
#define G_LOG_DOMAIN "Tend-Engine"

#include <errno.h>
#include <signal.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "tend-bus.h"
#include "tend-check-factory.h"
#include "tend-check.h"
#include "tend-config.h"
#include "tend-dbus-notifier.h"
#include "tend-engine.h"
#include "tend-engine-private.h"
#include "tend-error.h"
#include "tend-host.h"
#include "tend-inventory.h"
#include "tend-lock.h"
#include "tend-log-notifier.h"
#include "tend-monitor.h"
#include "tend-multi-notifier.h"
#include "tend-notifier.h"
#include "tend-service.h"
#include "tend-store.h"
#include "tend-supervisor.h"
#include "tend-webhook-notifier.h"

G_DEFINE_FINAL_TYPE (TendEngine, tend_engine, G_TYPE_OBJECT)

enum
{
  SIGNAL_RELOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void reload_pass (TendEngine *self);

/* The start's burst — the first run of every check with its read of the unit over
 * D-Bus, the store's first batches, each on its own thread — leaves freed memory inside
 * malloc's arenas (one per thread) that glibc keeps for later. Later runs at rest
 * allocate little, so it is handed back once, when the first runs are long over: about
 * 3 MB of `tendctl monitor`'s 20 MB and 15 MB of the window's, with 100 services. */
#define TRIM_AFTER_START_SEC 60

static void
watched_free (Watched *watched)
{
  g_free (watched->fingerprint);
  g_clear_object (&watched->check);
  g_free (watched);
}

/* ------------------------------------------------------------------------------------ */
/* Logging what happens                                                                  */

static char *
dup_name (TendEngine *self,
          gint64      service_id)
{
  char *name = tend_supervisor_dup_name (self->supervisor, service_id);

  return name != NULL ? name : g_strdup ("a service no longer watched");
}

static void
health_changed_cb (TendMonitor *monitor,
                   gint64       service_id,
                   guint        status,
                   TendEngine  *self)
{
  g_autofree char *name = dup_name (self, service_id);

  g_message ("%s is %s", name,
             tend_health_status_to_string ((TendHealthStatus) status));
}

static void
incident_opened_cb (TendMonitor *monitor,
                    gint64       service_id,
                    gint64       incident_id,
                    const char  *cause,
                    TendEngine  *self)
{
  g_autofree char *name = dup_name (self, service_id);

  g_message ("%s: incident %" G_GINT64_FORMAT " opened: %s", name,
             incident_id, cause);
}

static void
incident_closed_cb (TendMonitor *monitor,
                    gint64       service_id,
                    gint64       incident_id,
                    TendEngine  *self)
{
  g_autofree char *name = dup_name (self, service_id);

  g_message ("%s: incident %" G_GINT64_FORMAT " closed: healthy again",
             name, incident_id);
}

/* ------------------------------------------------------------------------------------ */
/* Controls that outlive the process                                                     */

static void
control_saved_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (GPOINTER_TO_INT (user_data))
    ok = tend_store_set_manual_finish (TEND_STORE (source), result, &error);
  else
    ok = tend_store_set_silence_finish (TEND_STORE (source), result, &error);
  if (!ok)
    g_warning ("%s", error->message);
}

static void
save_silence (TendEngine *self,
              gint64      service_id,
              gint64      until_usec,
              const char *reason)
{
  tend_store_set_silence_async (self->store, service_id, until_usec, reason, NULL,
                                control_saved_cb, GINT_TO_POINTER (FALSE));
}

/* The mark outlives the engine: resuming is a person's act (tendctl resume). */
static void
save_manual (TendEngine *self,
             gint64      service_id,
             const char *reason)
{
  tend_store_set_manual_async (self->store, service_id, TRUE, reason, g_get_real_time (), NULL,
                               control_saved_cb, GINT_TO_POINTER (TRUE));
}

/* ------------------------------------------------------------------------------------ */
/* Notifications                                                                         */

static void connect_desktop (TendEngine *self);
static void action_invoked_cb (TendNotifier *notifier, const char *id, const char *action,
                               GVariant *target, TendEngine *self);

static gboolean
desktop_retry_cb (gpointer user_data)
{
  TendEngine *self = user_data;

  self->desktop_retry_id = 0;
  connect_desktop (self);
  return G_SOURCE_REMOVE;
}

static void
drop_desktop (TendEngine *self)
{
  if (self->desktop == NULL)
    return;
  g_clear_signal_handler (&self->desktop_closed_id,
                          tend_dbus_notifier_get_connection (self->desktop));
  g_signal_handlers_disconnect_by_func (self->desktop, action_invoked_cb, self);
  tend_multi_notifier_remove (self->notifier, TEND_NOTIFIER (self->desktop));
  g_clear_object (&self->desktop);
}

/* The session bus went away (its daemon restarts): the log goes on alone meanwhile. */
static void
desktop_closed_cb (GDBusConnection *connection,
                   gboolean         remote_peer_vanished,
                   GError          *error,
                   TendEngine      *self)
{
  if (remote_peer_vanished || error == NULL)
    g_message ("desktop notifications paused: the session bus went away; reconnecting");
  else
    g_message ("desktop notifications paused: the session bus closed the connection (%s); "
               "reconnecting", error->message);
  drop_desktop (self);
  self->desktop_lost = TRUE;
  self->desktop_attempt = 0;
  self->desktop_retry_id = g_timeout_add (tend_reconnect_delay_msec (0), desktop_retry_cb, self);
}

static void
session_bus_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GError) error = NULL;
  TendEngine *self;

  bus = tend_bus_connect_finish (result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;   /* the engine is gone */

  self = user_data;
  /* The window sends the desktop's notifications itself. */
  if (self->app_desktop != NULL)
    return;
  if (bus == NULL)
    {
      /* Without a session bus (a server, a system service) the log is all there is; a
       * bus that was there and went is dialled again. */
      g_debug ("engine: no desktop notifications: %s", error->message);
      if (self->desktop_lost)
        {
          guint delay = tend_reconnect_delay_msec (++self->desktop_attempt);

          self->desktop_retry_id = g_timeout_add (delay, desktop_retry_cb, self);
        }
      return;
    }

  if (self->desktop_lost)
    g_message ("desktop notifications resumed: the session bus is back");
  self->desktop = tend_dbus_notifier_new (bus);
  /* A remote host found unreachable before the desktop was there (at once, as the
   * engine starts) is told to it now. */
  tend_engine_resend_host_notifications (self, TEND_NOTIFIER (self->desktop));
  self->desktop_closed_id = g_signal_connect (bus, "closed", G_CALLBACK (desktop_closed_cb),
                                              self);
  /* Its buttons are the engine's to carry out (a window's notifier carries out its own). */
  g_signal_connect (self->desktop, "action-invoked", G_CALLBACK (action_invoked_cb), self);
  tend_multi_notifier_add (self->notifier, TEND_NOTIFIER (self->desktop));
}

static void
connect_desktop (TendEngine *self)
{
  /* The callback touches the engine only when not cancelled: dispose cancels. */
  tend_bus_connect_async (G_BUS_TYPE_SESSION, "the desktop's notifications", self->cancellable,
                          session_bus_cb, self);
}

static void
restarted_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autofree char *unit = user_data;
  g_autofree char *outcome = NULL;
  g_autoptr(GError) error = NULL;

  outcome = tend_host_run_action_finish (TEND_HOST (source), result, &error);
  if (outcome == NULL)
    g_warning ("restart of %s, asked from a notification: %s", unit, error->message);
}

/* A button of a notification: Restart, Silence 1 h (Open is the window's). */
static void
action_invoked_cb (TendNotifier *notifier,
                   const char   *id,
                   const char   *action,
                   GVariant     *target,
                   TendEngine   *self)
{
  const char *host_name = NULL;
  const char *unit = NULL;
  gint64 service_id = 0;
  TendHost *host = NULL;

  if (tend_notification_parse_target (target, &host_name, &unit))
    service_id = tend_supervisor_find (self->supervisor, host_name, unit);
  if (service_id > 0)
    host = tend_supervisor_get_host (self->supervisor, service_id);
  if (host == NULL)
    return;

  if (g_str_equal (action, TEND_NOTIFICATION_ACTION_RESTART))
    {
      g_message ("%s on %s: restart asked from its notification", unit, host_name);
      /* A person pressed the button: the audit says so, not "auto". */
      tend_host_run_action_as_async (host, unit, TEND_UNIT_ACTION_RESTART,
                                     TEND_AUDIT_ORIGIN_GUI, NULL, restarted_cb,
                                     g_strdup (unit));
    }
  else if (g_str_equal (action, TEND_NOTIFICATION_ACTION_SILENCE_1H))
    {
      gint64 until = g_get_real_time () + (gint64) 3600 * G_USEC_PER_SEC;

      g_message ("%s: silenced for 1 h from its notification", unit);
      tend_supervisor_set_silence (self->supervisor, service_id, until);
      save_silence (self, service_id, until, "silenced for 1 h from its notification");
    }
}

static void
manual_intervention_cb (TendSupervisor *supervisor,
                        gint64          service_id,
                        const char     *reason,
                        TendEngine     *self)
{
  save_manual (self, service_id, reason);
}

/* ------------------------------------------------------------------------------------ */
/* Configuration                                                                         */

/* The webhook follows notifications.webhook-url: none when it is empty. */
static void
apply_webhook (TendEngine *self,
               const char *url)
{
  g_autoptr(GError) error = NULL;

  if (url != NULL && *url == '\0')
    url = NULL;
  if (g_strcmp0 (url, self->webhook_url) == 0)
    return;

  if (self->webhook != NULL)
    tend_multi_notifier_remove (self->notifier, self->webhook);
  g_clear_object (&self->webhook);
  g_clear_pointer (&self->webhook_url, g_free);
  if (url == NULL)
    return;

  self->webhook = (TendNotifier *) tend_webhook_notifier_new (url, &error);
  if (self->webhook == NULL)
    {
      g_warning ("notifications.webhook-url: %s", error->message);
      return;
    }
  self->webhook_url = g_strdup (url);
  tend_multi_notifier_add (self->notifier, self->webhook);
}

static void
apply_config (TendEngine *self)
{
  TendConfig *config = self->config;

  tend_monitor_set_max_concurrent (self->monitor,
                                   (guint) tend_config_get_int (config, "checks.max-concurrent"));
  tend_monitor_set_flap_thresholds (self->monitor,
                                    tend_config_get_double (config, "checks.flap-start-percent"),
                                    tend_config_get_double (config, "checks.flap-end-percent"));
  tend_store_set_batch_interval (self->store,
                                 (guint) (tend_config_get_duration (config,
                                                                    "store.batch-interval")
                                          / 1000));
  tend_store_set_queue_limit (self->store,
                              (guint) tend_config_get_int (config, "store.queue-limit"));
  apply_webhook (self, tend_config_get_string (config, "notifications.webhook-url"));
  tend_store_set_retention (self->store,
                            tend_config_get_duration (config, "retention.raw"),
                            tend_config_get_duration (config, "retention.minute-rollups"),
                            tend_config_get_duration (config, "retention.hourly-rollups"));
}

/* ------------------------------------------------------------------------------------ */
/* Reloading: configuration, hosts, checks                                               */


static void
reload_free (Reload *reload)
{
  g_ptr_array_unref (reload->tasks);
  g_clear_pointer (&reload->inventory, tend_inventory_unref);
  g_free (reload);
}

/* Ends the pass under way: each reload it answers returns @error or success. */
static void
reload_finish_all (TendEngine *self,
                   GError     *error)   /* (transfer full) (nullable) */
{
  Reload *reload = g_steal_pointer (&self->reloading);
  gboolean reloaded = error == NULL;

  for (guint i = 0; i < reload->tasks->len; i++)
    {
      GTask *task = reload->tasks->pdata[i];

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_boolean (task, TRUE);
    }
  g_clear_error (&error);
  reload_free (reload);

  /* Reloads asked for meanwhile may have missed a change: one more pass. */
  if (self->reload_waiters->len > 0 && self->reloading == NULL)
    reload_pass (self);
  if (reloaded)
    g_signal_emit (self, signals[SIGNAL_RELOADED], 0);
}

/* The check's definition, and the host object it runs on: a host made anew (its entry
 * changed: another address, user, access) makes its checks anew. */
static char *
fingerprint (const TendInventoryCheck *spec,
             TendHost                 *host)
{
  g_autofree char *params = tend_inventory_check_params_to_json (spec);

  return g_strdup_printf ("%d %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %d %d %"
                          G_GINT64_FORMAT " %d %s %p",
                          spec->kind, spec->interval_usec, spec->timeout_usec,
                          spec->failures_before_hard, spec->successes_before_recovered,
                          spec->startup_grace_usec, spec->enabled, params, (void *) host);
}

static void
unwatch (TendEngine *self,
         Watched    *watched)
{
  tend_monitor_remove_check (self->monitor, watched->check);
  g_hash_table_remove (self->watched, &watched->check_id);
}

static const TendInventoryService *
find_service (TendInventory *inventory,
              const char    *host,
              const char    *unit)
{
  GPtrArray *services = tend_inventory_get_services (inventory);

  for (guint i = 0; i < services->len; i++)
    {
      const TendInventoryService *service = services->pdata[i];

      if (g_str_equal (service->host, host) && g_str_equal (service->unit, unit))
        return service;
    }
  return NULL;
}

/* The maintenance windows of @service, parsed (the inventory holds them valid). */
static GArray *
maintenance_of (const TendInventoryService *service)
{
  GArray *windows = g_array_new (FALSE, FALSE, sizeof (TendMaintenanceWindow));

  for (guint i = 0; service != NULL && service->maintenance != NULL &&
                    service->maintenance[i] != NULL; i++)
    {
      TendMaintenanceWindow window;
      g_autoptr(GError) error = NULL;

      if (tend_maintenance_window_parse (service->maintenance[i], &window, &error))
        g_array_append_val (windows, window);
      else
        g_warning ("%s", error->message);
    }
  return windows;
}

/* Hands the services that have checks to the supervisor, with their policies. */
static void
supervise (TendEngine *self,
           GPtrArray  *checks)
{
  TendInventory *inventory = self->reloading->inventory;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  GHashTableIter iter;
  gpointer key;

  for (guint i = 0; i < checks->len; i++)
    {
      const TendStoredCheck *stored = checks->pdata[i];
      const TendInventoryCheck *spec = stored->spec;
      TendHost *host = g_hash_table_lookup (self->hosts, spec->host);
      const TendInventoryService *service;
      g_autoptr(GArray) windows = NULL;

      if (host == NULL || g_hash_table_contains (seen, &stored->service_id))
        continue;
      g_hash_table_add (seen, g_memdup2 (&stored->service_id, sizeof (gint64)));
      service = find_service (inventory, spec->host, spec->unit);
      windows = maintenance_of (service);
      tend_supervisor_watch (self->supervisor, stored->service_id, host, spec->host, spec->unit,
                             tend_inventory_find_policy (inventory, spec->host, spec->unit),
                             service != NULL ? (const char * const *) service->depends_on
                                             : NULL,
                             (const TendMaintenanceWindow *) windows->data, windows->len);
    }

  g_hash_table_iter_init (&iter, self->supervised);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (seen, key))
      tend_supervisor_unwatch (self->supervisor, *(gint64 *) key);
  g_hash_table_remove_all (self->supervised);
  g_hash_table_iter_init (&iter, seen);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_hash_table_add (self->supervised, g_memdup2 (key, sizeof (gint64)));
}

/* Makes the monitor run what @checks says, changing only what changed. */
static void
reconcile (TendEngine *self,
           GPtrArray  *checks)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GPtrArray) gone = g_ptr_array_new ();
  guint n_added = 0, n_replaced = 0, n_skipped = 0;
  GHashTableIter iter;
  gpointer value;

  for (guint i = 0; i < checks->len; i++)
    {
      const TendStoredCheck *stored = checks->pdata[i];
      const TendInventoryCheck *spec = stored->spec;
      TendHost *host = g_hash_table_lookup (self->hosts, spec->host);
      g_autofree char *print = fingerprint (spec, host);
      g_autoptr(GError) error = NULL;
      g_autoptr(TendCheck) check = NULL;
      Watched *watched = g_hash_table_lookup (self->watched, &stored->check_id);

      g_hash_table_add (seen, (gpointer) &stored->check_id);

      if (watched != NULL && g_str_equal (watched->fingerprint, print))
        continue;

      if (host == NULL)
        g_set_error (&error, TEND_ERROR, TEND_ERROR_NOT_FOUND,
                     "host '%s' is not in the inventory", spec->host);
      else
        check = tend_check_new_from_inventory (spec, host, &error);
      if (check == NULL)
        {
          g_warning ("not running check '%s' of %s on %s: %s", spec->name, spec->unit,
                     spec->host, error->message);
          n_skipped++;
          if (watched != NULL)
            unwatch (self, watched);
          continue;
        }

      if (watched != NULL)
        {
          unwatch (self, watched);
          n_replaced++;
        }
      else
        {
          n_added++;
        }

      watched = g_new0 (Watched, 1);
      watched->check_id = stored->check_id;
      watched->service_id = stored->service_id;
      watched->fingerprint = g_steal_pointer (&print);
      watched->check = g_steal_pointer (&check);
      watched->host = host;
      g_hash_table_insert (self->watched, &watched->check_id, watched);
      tend_monitor_add_check (self->monitor, watched->service_id, watched->check_id,
                              watched->check);
    }

  g_hash_table_iter_init (&iter, self->watched);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Watched *watched = value;

      if (!g_hash_table_contains (seen, &watched->check_id))
        g_ptr_array_add (gone, watched);
    }
  for (guint i = 0; i < gone->len; i++)
    unwatch (self, gone->pdata[i]);

  supervise (self, checks);

  g_message ("watching %u checks (%u new, %u changed, %u removed, %u not runnable)",
             g_hash_table_size (self->watched), n_added, n_replaced, gone->len, n_skipped);
}

/* Silences and manual marks, as people (tendctl silence, resume) and Tend left them. */
static void
controls_loaded_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  TendEngine *self = user_data;
  g_autoptr(GPtrArray) controls = NULL;
  g_autoptr(GHashTable) marked = g_hash_table_new (g_int64_hash, g_int64_equal);
  GError *error = NULL;
  GHashTableIter iter;
  gpointer key;

  controls = tend_store_query_controls_finish (TEND_STORE (source), result, &error);
  if (controls == NULL)
    {
      reload_finish_all (self, error);
      return;
    }

  for (guint i = 0; i < controls->len; i++)
    {
      const TendServiceControls *row = controls->pdata[i];

      g_hash_table_add (marked, (gpointer) &row->service_id);
      tend_supervisor_set_silence (self->supervisor, row->service_id, row->silenced_until_usec);
      tend_supervisor_set_manual (self->supervisor, row->service_id, row->manual,
                                  row->manual_reason);
    }
  /* No row: neither silenced nor marked (a resume deletes the row). */
  g_hash_table_iter_init (&iter, self->supervised);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (marked, key))
      {
        tend_supervisor_set_silence (self->supervisor, *(gint64 *) key, 0);
        tend_supervisor_set_manual (self->supervisor, *(gint64 *) key, FALSE, NULL);
      }
  reload_finish_all (self, NULL);
}

static void
checks_loaded_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  TendEngine *self = user_data;
  g_autoptr(GPtrArray) checks = NULL;
  GError *error = NULL;

  checks = tend_store_load_checks_finish (TEND_STORE (source), result, &error);
  if (checks == NULL)
    {
      reload_finish_all (self, error);
      return;
    }
  reconcile (self, checks);
  tend_store_query_controls_async (self->store, -1, NULL, controls_loaded_cb, self);
}

void
tend_engine_load_checks (TendEngine *self)
{
  tend_store_load_checks_async (self->store, NULL, checks_loaded_cb, self);
}

static void
inventory_loaded_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  TendEngine *self = user_data;
  Reload *reload = self->reloading;
  GError *error = NULL;

  reload->inventory = tend_store_load_inventory_finish (TEND_STORE (source), result, &error);
  if (reload->inventory == NULL)
    {
      reload_finish_all (self, error);
      return;
    }
  tend_engine_ensure_hosts (self, reload->inventory);
}

static void
config_loaded_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  TendEngine *self = user_data;
  g_autoptr(GHashTable) values = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) invalid = NULL;

  values = tend_store_load_config_finish (TEND_STORE (source), result, &error);
  if (values == NULL)
    {
      reload_finish_all (self, g_steal_pointer (&error));
      return;
    }

  /* Stored values this version rejects fall back to their defaults, and are named. */
  if (!tend_config_load (self->config, values, &error))
    g_warning ("%s", error->message);
  invalid = tend_config_dup_invalid_keys (self->config);
  for (guint i = 0; invalid != NULL && invalid[i] != NULL; i++)
    g_warning ("configuration: '%s' is invalid and its default applies", invalid[i]);
  apply_config (self);

  tend_store_load_inventory_async (self->store, NULL, inventory_loaded_cb, self);
}

/* One pass answers every reload waiting. */
static void
reload_pass (TendEngine *self)
{
  g_assert (self->reloading == NULL);

  self->reloading = g_new0 (Reload, 1);
  self->reloading->tasks = g_steal_pointer (&self->reload_waiters);
  self->reload_waiters = g_ptr_array_new_with_free_func (g_object_unref);

  tend_store_load_config_async (self->store, NULL, config_loaded_cb, self);
}

static void
reload (TendEngine *self,
        GTask      *task)   /* (transfer full) */
{
  g_ptr_array_add (self->reload_waiters, task);
  if (self->reloading == NULL)
    reload_pass (self);
}

/* ------------------------------------------------------------------------------------ */
/* GObject                                                                               */

static void
tend_engine_dispose (GObject *object)
{
  TendEngine *self = TEND_ENGINE (object);

  if (self->monitor != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->monitor, self);
      tend_monitor_stop (self->monitor);
    }
  g_hash_table_remove_all (self->watched);
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->desktop_retry_id, g_source_remove);
  g_clear_handle_id (&self->trim_id, g_source_remove);
  if (self->notifier != NULL)
    drop_desktop (self);
  g_clear_object (&self->supervisor);
  g_clear_object (&self->webhook);
  g_clear_object (&self->app_desktop);
  g_clear_object (&self->notifier);
  g_clear_object (&self->monitor);
  g_hash_table_remove_all (self->hosts);
  g_clear_object (&self->store);
  g_clear_object (&self->config);
  g_clear_pointer (&self->lock, tend_lock_release);

  G_OBJECT_CLASS (tend_engine_parent_class)->dispose (object);
}

static void
tend_engine_finalize (GObject *object)
{
  TendEngine *self = TEND_ENGINE (object);

  g_assert (self->reloading == NULL);
  g_ptr_array_unref (self->reload_waiters);
  g_hash_table_unref (self->watched);
  g_hash_table_unref (self->hosts);
  g_hash_table_unref (self->host_specs);
  g_hash_table_unref (self->supervised);
  g_free (self->store_path);
  g_free (self->webhook_url);
  g_object_unref (self->cancellable);

  G_OBJECT_CLASS (tend_engine_parent_class)->finalize (object);
}

static void
tend_engine_class_init (TendEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tend_engine_dispose;
  object_class->finalize = tend_engine_finalize;

  /**
   * TendEngine::reloaded:
   *
   * A pass read the configuration, the hosts and the checks from the store again and
   * runs them (the first as the engine starts): which services are watched may have
   * changed. TendOverview reads them again.
   */
  signals[SIGNAL_RELOADED] =
    g_signal_new ("reloaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
tend_engine_init (TendEngine *self)
{
  self->hosts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->host_specs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->watched = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                         (GDestroyNotify) watched_free);
  self->reload_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->supervised = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->cancellable = g_cancellable_new ();
}

/* ------------------------------------------------------------------------------------ */
/* Public                                                                                */

/**
 * tend_engine_new:
 * @store_path: the database whose inventory it watches
 *
 * Returns: (transfer full): an engine, not started
 */
TendEngine *
tend_engine_new (const char *store_path)
{
  TendEngine *self;

  g_return_val_if_fail (store_path != NULL, NULL);

  self = g_object_new (TEND_TYPE_ENGINE, NULL);
  self->store_path = g_strdup (store_path);
  self->store = tend_store_new (store_path);
  self->config = tend_config_new ();
  self->monitor = tend_monitor_new (self->store);
  g_signal_connect (self->monitor, "health-changed", G_CALLBACK (health_changed_cb), self);
  g_signal_connect (self->monitor, "incident-opened", G_CALLBACK (incident_opened_cb), self);
  g_signal_connect (self->monitor, "incident-closed", G_CALLBACK (incident_closed_cb), self);
  self->supervisor = tend_supervisor_new (self->monitor, self->store, self->config);

  self->notifier = tend_multi_notifier_new (self->config);
  {
    g_autoptr(TendLogNotifier) log = tend_log_notifier_new ();

    tend_multi_notifier_add_unfiltered (self->notifier, TEND_NOTIFIER (log));
  }
  g_signal_connect_object (self->supervisor, "notification", G_CALLBACK (tend_notifier_send),
                           self->notifier, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->supervisor, "withdraw", G_CALLBACK (tend_notifier_withdraw),
                           self->notifier, G_CONNECT_SWAPPED);
  g_signal_connect (self->supervisor, "manual-intervention",
                    G_CALLBACK (manual_intervention_cb), self);
  connect_desktop (self);
  return self;
}

/**
 * tend_engine_set_desktop_notifier:
 * @self: an engine
 * @notifier: where the desktop's notifications go: the window's own (GNotification)
 *
 * Sends the desktop's notifications (filtered by the notifications.* configuration, as
 * the session bus's are) through @notifier instead of a session bus connection of the
 * engine's own, which is closed. The engine does not act on @notifier's buttons: its
 * owner carries them out (the window restarts, opens and silences itself). Call it
 * before tend_engine_start_async().
 */
void
tend_engine_set_desktop_notifier (TendEngine   *self,
                                  TendNotifier *notifier)
{
  g_return_if_fail (TEND_IS_ENGINE (self));
  g_return_if_fail (TEND_IS_NOTIFIER (notifier));

  if (self->app_desktop != NULL)
    tend_multi_notifier_remove (self->notifier, self->app_desktop);
  g_set_object (&self->app_desktop, notifier);
  g_clear_handle_id (&self->desktop_retry_id, g_source_remove);
  drop_desktop (self);
  self->desktop_lost = FALSE;
  tend_multi_notifier_add (self->notifier, notifier);
}

const char *
tend_engine_get_store_path (TendEngine *self)
{
  g_return_val_if_fail (TEND_IS_ENGINE (self), NULL);
  return self->store_path;
}

/**
 * tend_engine_get_store:
 *
 * Returns: (transfer none): the store, open once the engine started
 */
TendStore *
tend_engine_get_store (TendEngine *self)
{
  g_return_val_if_fail (TEND_IS_ENGINE (self), NULL);
  return self->store;
}

/**
 * tend_engine_get_monitor:
 *
 * Returns: (transfer none): the monitor that runs the checks
 */
TendMonitor *
tend_engine_get_monitor (TendEngine *self)
{
  g_return_val_if_fail (TEND_IS_ENGINE (self), NULL);
  return self->monitor;
}

/**
 * tend_engine_get_config:
 *
 * Returns: (transfer none): the configuration as last loaded from the store
 */
TendConfig *
tend_engine_get_config (TendEngine *self)
{
  g_return_val_if_fail (TEND_IS_ENGINE (self), NULL);
  return self->config;
}

/**
 * tend_engine_get_supervisor:
 *
 * Returns: (transfer none): what recovers the services and says what happened to them
 */
TendSupervisor *
tend_engine_get_supervisor (TendEngine *self)
{
  g_return_val_if_fail (TEND_IS_ENGINE (self), NULL);
  return self->supervisor;
}

/**
 * tend_engine_lookup_host:
 * @name: a host's name in the inventory
 *
 * The engine's own TendHost for an inventory host, connected (or reconnecting) since
 * the engine started: a window that runs the engine can show it rather than open a
 * second SSH session to the same host.
 *
 * Returns: (transfer none) (nullable): the host, or %NULL when the inventory has none
 *   of that name (or the engine has not read it yet)
 */
TendHost *
tend_engine_lookup_host (TendEngine *self,
                         const char *name)
{
  g_return_val_if_fail (TEND_IS_ENGINE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  return g_hash_table_lookup (self->hosts, name);
}

/**
 * tend_engine_notify_owner:
 * @store_path: the database whose checks, policies or silences were changed
 *
 * Asks the engine running on @store_path, if one does, to take the change in: it
 * rereads them on SIGHUP. The lock file next to the database names its process, which
 * may be this very one (the window's engine: its SIGHUP handler reloads it). Without a
 * running engine it does nothing: one that starts reads the database as it is.
 *
 * Returns: the process told, or 0 when there is none (or one is only starting, and
 *   reads the change anyway); -1 with @error when it could not be told
 */
GPid
tend_engine_notify_owner (const char  *store_path,
                          GError     **error)
{
  /* -1: one is starting, and reads the checks as they are now. */
  GPid pid;

  g_return_val_if_fail (store_path != NULL, -1);

  pid = tend_lock_get_owner (store_path);
  if (pid <= 0)
    return 0;

  if (kill (pid, SIGHUP) != 0)
    {
      int saved = errno;

      /* Gone since it was asked for: the next one reads the database when it starts. */
      if (saved == ESRCH)
        return 0;
      g_set_error (error, TEND_ERROR, TEND_ERROR_FAILED,
                   "the monitor (pid %d) could not be told to reload its checks: %s; they "
                   "change when it restarts", (int) pid, g_strerror (saved));
      return -1;
    }
  g_debug ("told the engine (pid %d) to reload", (int) pid);
  return pid;
}

/* How many checks the monitor runs. */
guint
tend_engine_get_n_checks (TendEngine *self)
{
  g_return_val_if_fail (TEND_IS_ENGINE (self), 0);
  return g_hash_table_size (self->watched);
}

#ifdef __GLIBC__
static gboolean
trim_cb (gpointer user_data)
{
  TendEngine *self = user_data;

  self->trim_id = 0;
  malloc_trim (0);
  return G_SOURCE_REMOVE;
}
#endif

static void
first_reload_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TendEngine *self = TEND_ENGINE (source);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_clear_pointer (&self->lock, tend_lock_release);
      g_task_return_error (task, error);
      return;
    }

  self->started = TRUE;
  tend_monitor_start (self->monitor);
#ifdef __GLIBC__
  self->trim_id = g_timeout_add_seconds (TRIM_AFTER_START_SEC, trim_cb, self);
  g_source_set_name_by_id (self->trim_id, "[tend] trim after start");
#endif
  g_task_return_boolean (task, TRUE);
}

static void
open_incidents_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  TendEngine *self = g_task_get_source_object (task);
  g_autoptr(GPtrArray) incidents = NULL;
  g_autoptr(GError) error = NULL;

  /* Incidents a previous engine left open go on, or close when the service is healthy. */
  incidents = tend_store_query_incidents_finish (TEND_STORE (source), result, &error);
  if (incidents == NULL)
    g_warning ("%s", error->message);
  for (guint i = 0; incidents != NULL && i < incidents->len; i++)
    {
      const TendIncident *incident = incidents->pdata[i];

      if (incident->closed_usec == 0)
        tend_monitor_adopt_incident (self->monitor, incident->service_id, incident->id);
    }

  reload (self, g_task_new (self, NULL, first_reload_cb, task));
}

static void
store_opened_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  TendEngine *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!tend_store_open_finish (TEND_STORE (source), result, &error))
    {
      g_clear_pointer (&self->lock, tend_lock_release);
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  if (tend_store_get_created (self->store))
    g_message ("there was no database; made a new one: %s", self->store_path);

  /* Nothing is known of the services' health until their checks run; a recovery a
   * previous engine left in the middle is over. */
  tend_store_clear_health (self->store);
  tend_store_close_interrupted_attempts (self->store);
  tend_store_query_incidents_async (self->store, -1, 10000, NULL, open_incidents_cb, task);
}

/**
 * tend_engine_start_async:
 *
 * Takes the data directory's lock, opens the store, applies its configuration, builds
 * the checks and starts the monitor. Fails with %TEND_ERROR_BUSY ("a monitor is
 * already running (pid N) …") when another engine runs on the same data directory.
 */
void
tend_engine_start_async (TendEngine          *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (TEND_IS_ENGINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tend_engine_start_async);

  if (self->started || self->lock != NULL)
    {
      g_task_return_new_error (task, TEND_ERROR, TEND_ERROR_FAILED, "the engine runs already");
      return;
    }

  self->lock = tend_lock_acquire (self->store_path, &error);
  if (self->lock == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  tend_store_open_async (self->store, cancellable, store_opened_cb, g_steal_pointer (&task));
}

gboolean
tend_engine_start_finish (TendEngine    *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * tend_engine_reload_async:
 *
 * Reads the configuration and the checks again and applies what changed. Reloads
 * asked for while one is under way are answered by one more pass after it.
 */
void
tend_engine_reload_async (TendEngine          *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (TEND_IS_ENGINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tend_engine_reload_async);
  if (!self->started)
    {
      g_task_return_new_error (task, TEND_ERROR, TEND_ERROR_FAILED, "the engine is not running");
      g_object_unref (task);
      return;
    }
  reload (self, task);
}

gboolean
tend_engine_reload_finish (TendEngine    *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
reload_logged_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!tend_engine_reload_finish (TEND_ENGINE (source), result, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("the reload failed; the checks run as before: %s", error->message);
}

/**
 * tend_engine_reload:
 * @self: a #TendEngine
 * @cancellable: (nullable): a #GCancellable
 *
 * tend_engine_reload_async() for whoever only has to ask (on SIGHUP: tendctl monitor,
 * the window): a reload that fails leaves the checks as they were, and says so in the
 * log.
 */
void
tend_engine_reload (TendEngine   *self,
                    GCancellable *cancellable)
{
  g_return_if_fail (TEND_IS_ENGINE (self));
  tend_engine_reload_async (self, cancellable, reload_logged_cb, NULL);
}

static void
flushed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TendEngine *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *spill = NULL;
  guint64 lost, dropped;
  guint n_results = 0, n_audit = 0;

  tend_store_flush_finish (TEND_STORE (source), result, &error);

  /* What could not be written is kept aside as the store closes, or counted as lost. */
  tend_store_close (self->store);
  g_clear_pointer (&self->lock, tend_lock_release);

  spill = tend_store_dup_spill_file (self->store, &n_results, &n_audit);
  lost = tend_store_get_n_lost_at_close (self->store);
  dropped = tend_store_get_n_dropped (self->store);
  if (lost > 0 || dropped > 0)
    {
      g_task_return_new_error (task, TEND_ERROR, TEND_ERROR_FAILED,
                               "%" G_GUINT64_FORMAT " results or audit records could not be "
                               "written and were lost, and %" G_GUINT64_FORMAT " results were "
                               "dropped before for lack of room (store.queue-limit)%s%s",
                               lost, dropped, error != NULL ? ": " : "",
                               error != NULL ? error->message : "");
      return;
    }
  if (spill != NULL)
    g_warning ("%u results and %u audit records could not be written (%s); they are kept in "
               "%s, and written when Tend next opens the database", n_results, n_audit,
               error != NULL ? error->message : "the database could not be opened", spill);
  g_task_return_boolean (task, TRUE);
}

/**
 * tend_engine_stop_async:
 *
 * Stops the checks, saves the services' health, writes every result that waits,
 * closes the store and releases the lock.
 */
void
tend_engine_stop_async (TendEngine          *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (TEND_IS_ENGINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tend_engine_stop_async);
  if (!self->started)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  self->started = FALSE;
  tend_monitor_stop (self->monitor);
  tend_store_flush_async (self->store, NULL, flushed_cb, task);
}

gboolean
tend_engine_stop_finish (TendEngine    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
