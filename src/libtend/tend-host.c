/* tend-host.c — a place where services live, and the live list of them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A TendHost owns the GListStore of its TendServices and keeps it current from its
 * backend's signals: a property change updates one item in place, a unit appearing or
 * going away adds or removes one item. The list is never rebuilt wholesale, so views
 * bound to it keep their selection and scroll position.
 *
 * A host that follows changes also comes back. When its connection is lost (the bus
 * daemon restarted, the manager left the bus) or its first connect fails, its state is
 * "reconnecting", with a message that says why; it tries again after 0.5 s, then twice
 * as long each time up to 30 s (tend_reconnect_delay_msec()), and at once when the
 * backend says the manager is available again. A try connects, subscribes to the
 * manager's signals again and reads the list of units afresh, so every service object
 * carries on from where the manager is now; only then is the host connected.
 */
#define G_LOG_DOMAIN "Tend-Hosts"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tend-host.h"
#include "tend-host-private.h"
#include "tend-backend.h"
#include "tend-bus.h"
#include "tend-dbus-backend.h"
#ifdef HAVE_LIBSYSTEMD
#include "tend-sdbus-backend.h"
#endif
#include "tend-error.h"
#include "tend-result-private.h"
#include "tend-inventory.h"
#include "tend-service.h"
#include "tend-store.h"

/* Units appear and go in bursts (a daemon-reload, a target starting): one ListUnits
 * after the burst is cheaper than one call per unit. */
#define RESYNC_DELAY_MSEC 50


G_DEFINE_FINAL_TYPE (TendHost, tend_host, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_DISPLAY_NAME,
  PROP_ADDRESS,
  PROP_KIND,
  PROP_ACCESS,
  PROP_SCOPE,
  PROP_BACKEND,
  PROP_CONNECTED,
  PROP_STATE,
  PROP_STATE_MESSAGE,
  PROP_FOLLOW_CHANGES,
  PROP_SERVICES,
  PROP_N_FAILED,
  PROP_N_UNHEALTHY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_ATTENTION_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ------------------------------------------------------------------------------------ */
/* Counting: failed and unhealthy services                                               */

/* What a listed service counts toward, kept on the service (services live on one host),
 * so that a change is told from the last count without a lookup. */
#define COUNTED_FAILED    (1u << 0)
#define COUNTED_UNHEALTHY (1u << 1)

static GQuark counted_quark;

static guint
counted_now (TendService *service)
{
  return (tend_service_is_failed (service) ? COUNTED_FAILED : 0) |
         (tend_service_is_unhealthy (service) ? COUNTED_UNHEALTHY : 0);
}

static void
count_delta (TendHost *self,
             guint    *count,
             gboolean  add,
             guint     prop_id)
{
  if (add)
    (*count)++;
  else
    (*count)--;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

/* Moves @service's counts to @counted; O(1), and notifies only what changed. */
static void
recount (TendHost    *self,
         TendService *service,
         guint        counted)
{
  guint old = GPOINTER_TO_UINT (g_object_get_qdata (G_OBJECT (service), counted_quark));
  guint changed = old ^ counted;

  if (changed == 0)
    return;
  g_object_set_qdata (G_OBJECT (service), counted_quark, GUINT_TO_POINTER (counted));
  g_object_freeze_notify (G_OBJECT (self));
  if (changed & COUNTED_FAILED)
    count_delta (self, &self->n_failed, counted & COUNTED_FAILED, PROP_N_FAILED);
  if (changed & COUNTED_UNHEALTHY)
    count_delta (self, &self->n_unhealthy, counted & COUNTED_UNHEALTHY, PROP_N_UNHEALTHY);
  g_object_thaw_notify (G_OBJECT (self));
  if ((old != 0) != (counted != 0))
    g_signal_emit (self, signals[SIGNAL_ATTENTION_CHANGED], 0, service, counted != 0);
}

/**
 * tend_host_service_counted_changed: (skip)
 *
 * @service's active state or health changed (TendService tells its host itself): if it
 * is in the list, it counts anew.
 */
void
tend_host_service_counted_changed (TendHost    *self,
                                   TendService *service)
{
  if (self->by_name != NULL &&
      g_hash_table_lookup (self->by_name, tend_service_get_name (service)) == service)
    recount (self, service, counted_now (service));
}

/* @service entered the list: it counts, and its changes are followed (through
 * tend_host_service_counted_changed()). */
static void
track_service (TendHost    *self,
               TendService *service)
{
  recount (self, service, counted_now (service));
}

/* @service left the list: it no longer counts. */
static void
untrack_service (TendHost    *self,
                 TendService *service)
{
  recount (self, service, 0);
}

/* ------------------------------------------------------------------------------------ */
/* The model                                                                             */

static int
compare_services (gconstpointer a,
                  gconstpointer b,
                  gpointer      user_data)
{
  return strcmp (tend_service_get_name ((TendService *) a),
                 tend_service_get_name ((TendService *) b));
}

static int
compare_service_ptrs (gconstpointer a,
                      gconstpointer b)
{
  return compare_services (*(TendService **) a, *(TendService **) b, NULL);
}

static void
on_detached_finalized (gpointer  data,
                       GObject  *where_the_object_was)
{
  TendHost *self = data;
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->detached);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (value == (gpointer) where_the_object_was)
      {
        g_hash_table_iter_remove (&iter);
        break;
      }
}

static void
add_service (TendHost    *self,
             TendService *service)
{
  g_hash_table_insert (self->by_name, (gpointer) tend_service_get_name (service), service);
  g_list_store_insert_sorted (self->services, service, compare_services, NULL);
  track_service (self, service);
}

/* Takes @service out of the list. A unit that systemd unloads (an inactive unit nothing
 * references is collected) may come back: whoever still holds its TendService keeps
 * getting updates, because the same object is put back when the unit returns. */
static void
detach_service (TendHost    *self,
                TendService *service,
                guint        position)
{
  const char *name = tend_service_get_name (service);

  g_hash_table_remove (self->by_name, name);
  g_hash_table_insert (self->detached, g_strdup (name), service);
  g_object_weak_ref (G_OBJECT (service), on_detached_finalized, self);
  g_list_store_remove (self->services, position);
  untrack_service (self, service);
}

static void
remove_service (TendHost    *self,
                TendService *service)
{
  g_autoptr(TendService) hold = g_object_ref (service);
  guint position;

  if (g_list_store_find (self->services, service, &position))
    detach_service (self, service, position);
}

/* Returns the one TendService for @name: the listed one, a detached one that is still
 * alive, or a new one. Only a new one is returned unlisted (with @is_new set). */
static TendService *
find_service (TendHost   *self,
              const char *name,
              gboolean   *is_new)
{
  TendService *service = g_hash_table_lookup (self->by_name, name);

  *is_new = FALSE;
  if (service != NULL)
    return g_object_ref (service);

  service = g_hash_table_lookup (self->detached, name);
  if (service != NULL)
    {
      g_object_ref (service);
      g_object_weak_unref (G_OBJECT (service), on_detached_finalized, self);
      g_hash_table_remove (self->detached, name);
      add_service (self, service);
      return service;
    }

  *is_new = TRUE;
  service = tend_service_new (name);
  tend_service_set_host (service, self);
  return service;
}

/* Brings the model to @units: updates services in place, adds the new ones and
 * removes those that are gone, each as its own change. */
static void
merge_units (TendHost     *self,
             TendUnitList *units)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func (g_object_unref);
  guint n_units = tend_unit_list_get_length (units);
  guint n;

  for (guint i = 0; i < n_units; i++)
    {
      const TendUnitInfo *unit = tend_unit_list_get (units, i);
      g_autoptr(TendService) found = NULL;
      gboolean is_new;

      g_hash_table_add (seen, (gpointer) unit->name);
      found = find_service (self, unit->name, &is_new);
      tend_service_apply_unit_info (found, unit);
      if (is_new)
        g_ptr_array_add (added, g_steal_pointer (&found));
    }

  /* Removals, from the end so positions stay valid. */
  n = g_list_model_get_n_items (G_LIST_MODEL (self->services));
  for (guint i = n; i > 0; i--)
    {
      g_autoptr(TendService) service = g_list_model_get_item (G_LIST_MODEL (self->services), i - 1);
      const char *name = tend_service_get_name (service);

      if (!g_hash_table_contains (seen, name))
        detach_service (self, service, i - 1);
    }

  if (added->len == 0)
    return;

  if (g_list_model_get_n_items (G_LIST_MODEL (self->services)) == 0)
    {
      /* The first fill: one change for the whole list. */
      g_ptr_array_sort (added, compare_service_ptrs);
      for (guint i = 0; i < added->len; i++)
        g_hash_table_insert (self->by_name,
                             (gpointer) tend_service_get_name (added->pdata[i]), added->pdata[i]);
      g_list_store_splice (self->services, 0, 0, added->pdata, added->len);
      for (guint i = 0; i < added->len; i++)
        track_service (self, added->pdata[i]);
      return;
    }

  for (guint i = 0; i < added->len; i++)
    add_service (self, added->pdata[i]);
}

/* ------------------------------------------------------------------------------------ */
/* Backend signals                                                                       */

static void resync_cb (GObject *object, GAsyncResult *result, gpointer user_data);

static gboolean
resync_timeout (gpointer user_data)
{
  TendHost *self = user_data;

  self->resync_source = 0;
  tend_host_refresh_async (self, self->list_flags, self->cancellable, resync_cb, NULL);
  return G_SOURCE_REMOVE;
}

static void
resync_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!tend_host_refresh_finish (TEND_HOST (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("refreshing %s failed: %s", tend_host_get_display_name (TEND_HOST (object)),
             error->message);
}

static void
schedule_resync (TendHost *self)
{
  if (self->resync_source == 0 && self->state == TEND_HOST_STATE_CONNECTED)
    self->resync_source = g_timeout_add (RESYNC_DELAY_MSEC, resync_timeout, self);
}

static void
on_unit_changed (TendBackend *backend,
                 const char  *name,
                 GVariant    *changed,
                 TendHost    *self)
{
  TendService *service = g_hash_table_lookup (self->by_name, name);

  if (service == NULL && g_hash_table_contains (self->detached, name))
    {
      gboolean is_new;

      /* The unit is back: put its service back in the list; the resync that its
       * UnitNew scheduled fills in the rest. */
      service = find_service (self, name, &is_new);
      g_object_unref (service);
    }

  if (service != NULL)
    tend_service_apply_properties (service, changed);
  else
    schedule_resync (self);
}

static void
on_unit_new (TendBackend *backend,
             const char  *name,
             TendHost    *self)
{
  if (!g_hash_table_contains (self->by_name, name))
    schedule_resync (self);
}

static void
on_unit_removed (TendBackend *backend,
                 const char  *name,
                 TendHost    *self)
{
  TendService *service = g_hash_table_lookup (self->by_name, name);

  /* A unit file that is installed stays in a list that shows unit files. */
  if (service != NULL && !(self->list_flags & TEND_LIST_UNIT_FILES))
    remove_service (self, service);
  else if (service != NULL)
    schedule_resync (self);
}

static void
on_unit_files_changed (TendBackend *backend,
                       TendHost    *self)
{
  schedule_resync (self);
}

/* ------------------------------------------------------------------------------------ */
/* Connection state and reconnecting                                                     */

static void
set_state (TendHost      *self,
           TendHostState  state,
           const char    *message)
{
  gboolean was_connected = self->state == TEND_HOST_STATE_CONNECTED;

  if (state == TEND_HOST_STATE_CONNECTED)
    g_clear_error (&self->unreachable);

  g_object_freeze_notify (G_OBJECT (self));
  if (g_strcmp0 (self->state_message, message) != 0)
    {
      g_free (self->state_message);
      self->state_message = g_strdup (message);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE_MESSAGE]);
    }
  if (self->state != state)
    {
      g_debug ("%s: %s → %s", self->display_name, tend_host_state_to_string (self->state),
               tend_host_state_to_string (state));
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  if (was_connected != (state == TEND_HOST_STATE_CONNECTED))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTED]);
  g_object_thaw_notify (G_OBJECT (self));
}

/* Unreachable because of @error: a host that follows changes says it reconnects. */
static void
set_unreachable (TendHost     *self,
                 const GError *error)
{
  g_autofree char *message = NULL;

  if (error != self->unreachable)
    {
      g_clear_error (&self->unreachable);
      self->unreachable = g_error_copy (error);
    }
  /* An SSH host that refuses Tend says why in a sentence that names the host (and the
   * fingerprints): a person has to act, whether or not the host tries again. */
  if (error->domain == TEND_ERROR && error->code == TEND_ERROR_AUTH_FAILED)
    set_state (self, TEND_HOST_STATE_AUTH_FAILED, error->message);
  else if (error->domain == TEND_ERROR && error->code == TEND_ERROR_HOST_KEY_UNKNOWN)
    set_state (self, TEND_HOST_STATE_HOST_KEY_UNKNOWN, error->message);
  else if (error->domain == TEND_ERROR && error->code == TEND_ERROR_HOST_KEY_CHANGED)
    set_state (self, TEND_HOST_STATE_HOST_KEY_CHANGED, error->message);
  else if (!self->follow_changes)
    set_state (self, TEND_HOST_STATE_DISCONNECTED, error->message);
  else
    {
      message = g_strdup_printf (_("%s is unreachable, reconnecting: %s"), self->display_name,
                                 error->message);
      set_state (self, TEND_HOST_STATE_RECONNECTING, message);
    }
}

static void reconnect_connected_cb (GObject *object, GAsyncResult *result, gpointer user_data);
static void reconnect_refreshed_cb (GObject *object, GAsyncResult *result, gpointer user_data);

static gboolean
reconnect_timeout (gpointer user_data)
{
  TendHost *self = user_data;

  self->reconnect_source = 0;
  self->reconnecting = TRUE;
  self->n_losses_at_try = self->n_losses;
  g_debug ("%s: reconnecting, try %u", self->display_name, self->reconnect_attempt + 1);
  /* The callbacks touch the host only when not cancelled: dispose cancels. */
  tend_backend_connect_async (self->backend, self->cancellable, reconnect_connected_cb, self);
  return G_SOURCE_REMOVE;
}

static void
schedule_reconnect (TendHost *self)
{
  guint delay;

  if (!self->follow_changes || self->reconnecting || self->reconnect_source != 0)
    return;
  delay = self->available_again ? 0 : tend_reconnect_delay_msec (self->reconnect_attempt);
  self->available_again = FALSE;
  g_debug ("%s: next try to reconnect in %u ms", self->display_name, delay);
  self->reconnect_source = g_timeout_add (delay, reconnect_timeout, self);
}

static void
reconnect_failed (TendHost     *self,
                  const GError *error)
{
  self->reconnecting = FALSE;
  if (self->reconnect_attempt < G_MAXUINT)
    self->reconnect_attempt++;
  if (error != NULL)
    set_unreachable (self, error);
  schedule_reconnect (self);
}

static void
reconnect_connected_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  TendHost *self;

  if (!tend_backend_connect_finish (TEND_BACKEND (object), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = user_data;
  if (error != NULL)
    {
      reconnect_failed (self, error);
      return;
    }

  /* The manager's signals again, then the units as they are now: a unit that changed
   * meanwhile notifies, and whoever watches it (a unit check) hears of it. */
  if (self->follow_changes)
    tend_backend_watch (self->backend);
  tend_host_refresh_async (self, self->list_flags, self->cancellable, reconnect_refreshed_cb,
                           NULL);
}

static void
reconnect_refreshed_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  TendHost *self = TEND_HOST (object);
  g_autoptr(GError) error = NULL;

  if (!tend_host_refresh_finish (self, result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        reconnect_failed (self, error);
      return;
    }

  /* Lost again while the try was under way (the manager was not on the bus yet): the
   * loss set the message. */
  if (self->n_losses != self->n_losses_at_try)
    {
      reconnect_failed (self, NULL);
      return;
    }

  g_debug ("%s: connected again after %u failed tries", self->display_name,
           self->reconnect_attempt);
  self->reconnecting = FALSE;
  self->reconnect_attempt = 0;
  self->available_again = FALSE;
  set_state (self, TEND_HOST_STATE_CONNECTED, NULL);
}

/* The manager is back on the bus: no need to wait for the next try. */
static void
on_available (TendBackend *backend,
              TendHost    *self)
{
  if (!tend_host_state_is_retrying (self->state))
    return;
  g_debug ("%s: its manager is back, trying at once", self->display_name);
  self->available_again = TRUE;
  if (self->reconnect_source != 0)
    {
      g_clear_handle_id (&self->reconnect_source, g_source_remove);
      schedule_reconnect (self);
    }
}

static void
on_disconnected (TendBackend  *backend,
                 const GError *error,
                 TendHost     *self)
{
  g_debug ("%s disconnected: %s", self->display_name, error ? error->message : "");
  g_clear_handle_id (&self->resync_source, g_source_remove);
  self->n_losses++;

  /* A connect under way says how it went; a try under way fails, and says this. */
  if (self->state == TEND_HOST_STATE_CONNECTING)
    return;
  if (error != NULL)
    set_unreachable (self, error);
  else
    {
      g_autoptr(GError) lost = g_error_new (TEND_ERROR, TEND_ERROR_UNREACHABLE,
                                            "lost the connection to %s", self->display_name);

      set_unreachable (self, lost);
    }
  schedule_reconnect (self);
}

/* ------------------------------------------------------------------------------------ */
/* Operations                                                                            */

static void
connect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(TendResult) task = user_data;
  TendHost *self = tend_result_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (!tend_backend_connect_finish (TEND_BACKEND (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_state (self, TEND_HOST_STATE_DISCONNECTED, NULL);
      else
        {
          /* A host that follows changes keeps trying: it may be a bus that restarts. */
          set_unreachable (self, error);
          schedule_reconnect (self);
        }
      tend_result_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (self->follow_changes)
    tend_backend_watch (self->backend);
  self->reconnect_attempt = 0;
  set_state (self, TEND_HOST_STATE_CONNECTED, NULL);
  tend_result_return_boolean (task, TRUE);
}

/**
 * tend_host_connect_async:
 *
 * Connects to the host's service manager and starts listening to its changes. The
 * service list stays empty until the first tend_host_refresh_async().
 */
void
tend_host_connect_async (TendHost            *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  TendResult *task;

  g_return_if_fail (TEND_IS_HOST (self));

  /* Not a GTask: see tend-result.c */
  task = tend_result_new (self, tend_host_connect_async, cancellable, callback, user_data);
  if (self->state == TEND_HOST_STATE_DISCONNECTED)
    set_state (self, TEND_HOST_STATE_CONNECTING, NULL);
  tend_backend_connect_async (self->backend, cancellable, connect_cb, task);
}

gboolean
tend_host_connect_finish (TendHost      *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (tend_result_is_valid (result, self, tend_host_connect_async), FALSE);
  return tend_result_propagate_boolean (result, error);
}

static void
refresh_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TendHost *self = g_task_get_source_object (task);
  g_autoptr(TendUnitList) units = NULL;
  GError *error = NULL;

  units = tend_backend_list_units_finish (TEND_BACKEND (object), result, &error);
  if (units == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  self->list_flags = GPOINTER_TO_UINT (g_task_get_task_data (task));
  merge_units (self, units);
  g_task_return_boolean (task, TRUE);
}

/**
 * tend_host_refresh_async:
 * @flags: %TEND_LIST_UNIT_FILES to include installed unit files that are not loaded
 *
 * Reads the list of units and brings tend_host_get_services() up to date. Later
 * changes arrive by themselves; call this again only to change @flags.
 */
void
tend_host_refresh_async (TendHost            *self,
                         TendListFlags        flags,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (TEND_IS_HOST (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tend_host_refresh_async);
  g_task_set_task_data (task, GUINT_TO_POINTER (flags), NULL);
  tend_backend_list_units_async (self->backend, flags, cancellable, refresh_cb, task);
}

gboolean
tend_host_refresh_finish (TendHost      *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
load_service_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(TendResult) task = user_data;
  TendHost *self = tend_result_get_source_object (task);
  const char *name = tend_result_get_data (task);
  g_autoptr(GVariant) unit = NULL;
  TendService *service;
  gboolean is_new;
  GError *error = NULL;

  unit = tend_backend_get_unit_finish (TEND_BACKEND (object), result, &error);
  if (unit == NULL)
    {
      tend_result_return_error (task, error);
      return;
    }

  service = find_service (self, name, &is_new);
  tend_service_apply_properties (service, unit);
  if (is_new)
    add_service (self, service);
  tend_result_return_pointer (task, service, g_object_unref);
}

/**
 * tend_host_load_service_async:
 *
 * Reads every property of the unit @name (requirements, memory, CPU time, ...), which
 * the list does not carry, and returns the service from the host's list, updated.
 * Unit names are checked against systemd's grammar first.
 */
void
tend_host_load_service_async (TendHost            *self,
                              const char          *name,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  TendResult *task;

  g_return_if_fail (TEND_IS_HOST (self));
  g_return_if_fail (name != NULL);

  task = tend_result_new (self, tend_host_load_service_async, cancellable, callback, user_data);
  tend_result_set_data (task, g_strdup (name), g_free);
  tend_backend_get_unit_async (self->backend, name, cancellable, load_service_cb, task);
}

/**
 * tend_host_load_service_finish:
 *
 * Returns: (transfer full): the service
 */
TendService *
tend_host_load_service_finish (TendHost      *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (tend_result_is_valid (result, self, tend_host_load_service_async), NULL);
  return tend_result_propagate_pointer (result, error);
}

typedef struct
{
  char *unit;
  TendUnitAction action;
  TendAuditOrigin origin;
  gint64 started_real;
  gint64 started_monotonic;
} ActionData;

static void
action_data_free (ActionData *data)
{
  g_free (data->unit);
  g_free (data);
}

/* Every operation, done, failed or refused, leaves an audit record when the host has
 * a store to write it to. */
static void
audit_action (TendHost         *self,
              const ActionData *data,
              const char       *outcome,
              const GError     *error)
{
  TendAuditRecord record = { 0 };

  if (self->audit_store == NULL)
    return;

  record.time_usec = data->started_real;
  record.unix_user = g_get_user_name ();
  record.origin = data->origin;
  record.host = self->id;
  record.unit = data->unit;
  record.operation = tend_unit_action_to_string (data->action);
  record.result = outcome;
  record.error = error != NULL ? error->message : NULL;
  record.duration_usec = g_get_monotonic_time () - data->started_monotonic;
  tend_store_add_audit (self->audit_store, &record);
}

static void
run_action_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TendHost *self = g_task_get_source_object (task);
  GError *error = NULL;
  char *outcome;

  outcome = tend_backend_run_action_finish (TEND_BACKEND (object), result, &error);
  audit_action (self, g_task_get_task_data (task), outcome, error);
  if (outcome == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, outcome, g_free);
}

/**
 * tend_host_run_action_async:
 *
 * Starts, stops, restarts, reloads, enables, disables or resets @name. Finishes when
 * systemd has finished the job, with its result. Audited with the host's origin
 * (tend_host_set_audit()). An action the host's access level does not allow
 * (tend_host_allows_action()) is refused with %TEND_ERROR_ACCESS_DENIED before anything
 * is sent, and the refusal is audited too.
 */
void
tend_host_run_action_async (TendHost            *self,
                            const char          *name,
                            TendUnitAction       action,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (TEND_IS_HOST (self));

  tend_host_run_action_as_async (self, name, action, self->audit_origin, cancellable,
                                 callback, user_data);
}

/**
 * tend_host_run_action_as_async:
 * @origin: who asked, for the audit: a person's button in a notification of the engine
 *   (whose host records as "auto") is the window's
 *
 * As tend_host_run_action_async(), audited with @origin; finish it with
 * tend_host_run_action_finish().
 */
void
tend_host_run_action_as_async (TendHost            *self,
                               const char          *name,
                               TendUnitAction       action,
                               TendAuditOrigin      origin,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autofree char *refusal = NULL;
  GTask *task;
  ActionData *data;

  g_return_if_fail (TEND_IS_HOST (self));
  g_return_if_fail (name != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tend_host_run_action_async);
  data = g_new0 (ActionData, 1);
  data->unit = g_strdup (name);
  data->action = action;
  data->origin = origin;
  data->started_real = g_get_real_time ();
  data->started_monotonic = g_get_monotonic_time ();
  g_task_set_task_data (task, data, (GDestroyNotify) action_data_free);

  /* The host's access level first: a refusal sends nothing, and is recorded. */
  if (!tend_host_allows_action (self, action, &refusal))
    {
      GError *error = g_error_new (TEND_ERROR, TEND_ERROR_ACCESS_DENIED,
                                   /* Translators: "web1 is an operator host in Tend: Stop
                                    * needs admin access." and the command that changes it */
                                   _("%s Change it with 'tendctl host set %s --access %s'."),
                                   refusal, self->id,
                                   tend_inventory_access_to_string (
                                     tend_host_access_needed (action)));

      audit_action (self, data, NULL, error);
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  tend_backend_run_action_async (self->backend, name, action, cancellable, run_action_cb, task);
}

/**
 * tend_host_run_action_finish:
 *
 * Returns: (transfer full): systemd's result, "done" on success
 */
char *
tend_host_run_action_finish (TendHost      *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
start_transient_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (tend_backend_start_transient_finish (TEND_BACKEND (object), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * tend_host_start_transient_async:
 * @name: the unit to make, such as `tend-demo-web.service`
 * @description: (nullable): its Description=
 * @argv: the command it runs, argv[0] an absolute path
 *
 * Starts a transient service on the host's manager (see
 * tend_backend_start_transient_async()): it goes away when it stops.
 */
void
tend_host_start_transient_async (TendHost            *self,
                                 const char          *name,
                                 const char          *description,
                                 const char * const  *argv,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (TEND_IS_HOST (self));
  g_return_if_fail (name != NULL);
  g_return_if_fail (argv != NULL && argv[0] != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tend_host_start_transient_async);
  tend_backend_start_transient_async (self->backend, name, description, argv, cancellable,
                                      start_transient_cb, task);
}

gboolean
tend_host_start_transient_finish (TendHost      *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * tend_host_open_journal:
 *
 * See tend_backend_open_journal().
 *
 * Returns: (transfer full): a reader that has not started yet
 */
TendJournalReader *
tend_host_open_journal (TendHost                *self,
                        const char              *name,
                        const TendJournalQuery  *query,
                        GCancellable            *cancellable,
                        GError                 **error)
{
  g_return_val_if_fail (TEND_IS_HOST (self), NULL);
  return tend_backend_open_journal (self->backend, name, query, cancellable, error);
}

/* ------------------------------------------------------------------------------------ */
/* GObject                                                                               */

static void
tend_host_constructed (GObject *object)
{
  TendHost *self = (TendHost *) object;

  G_OBJECT_CLASS (tend_host_parent_class)->constructed (object);

  g_assert (self->backend != NULL);
  g_signal_connect_object (self->backend, "unit-changed", G_CALLBACK (on_unit_changed), self, 0);
  g_signal_connect_object (self->backend, "unit-new", G_CALLBACK (on_unit_new), self, 0);
  g_signal_connect_object (self->backend, "unit-removed", G_CALLBACK (on_unit_removed), self, 0);
  g_signal_connect_object (self->backend, "unit-files-changed",
                           G_CALLBACK (on_unit_files_changed), self, 0);
  g_signal_connect_object (self->backend, "disconnected", G_CALLBACK (on_disconnected), self, 0);
  g_signal_connect_object (self->backend, "available", G_CALLBACK (on_available), self, 0);
}

static void
tend_host_dispose (GObject *object)
{
  TendHost *self = (TendHost *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->resync_source, g_source_remove);
  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  g_clear_object (&self->audit_store);
  g_clear_object (&self->backend);
  if (self->detached != NULL)
    {
      GHashTableIter iter;
      gpointer service;

      g_hash_table_iter_init (&iter, self->detached);
      while (g_hash_table_iter_next (&iter, NULL, &service))
        g_object_weak_unref (service, on_detached_finalized, self);
      g_hash_table_remove_all (self->detached);
    }
  if (self->by_name != NULL)
    {
      GHashTableIter iter;
      gpointer service;

      g_hash_table_iter_init (&iter, self->by_name);
      while (g_hash_table_iter_next (&iter, NULL, &service))
        untrack_service (self, service);
      g_hash_table_remove_all (self->by_name);
    }
  if (self->services != NULL)
    g_list_store_remove_all (self->services);

  G_OBJECT_CLASS (tend_host_parent_class)->dispose (object);
}

static void
tend_host_finalize (GObject *object)
{
  TendHost *self = (TendHost *) object;

  g_clear_object (&self->services);
  g_clear_pointer (&self->by_name, g_hash_table_unref);
  g_clear_pointer (&self->detached, g_hash_table_unref);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->display_name, g_free);
  g_clear_pointer (&self->address, g_free);
  g_clear_pointer (&self->state_message, g_free);
  g_clear_error (&self->unreachable);

  G_OBJECT_CLASS (tend_host_parent_class)->finalize (object);
}

static void
tend_host_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  TendHost *self = TEND_HOST (object);

  switch (prop_id)
    {
    case PROP_ID: g_value_set_string (value, self->id); break;
    case PROP_DISPLAY_NAME: g_value_set_string (value, self->display_name); break;
    case PROP_ADDRESS: g_value_set_string (value, self->address); break;
    case PROP_KIND: g_value_set_enum (value, self->kind); break;
    case PROP_ACCESS: g_value_set_enum (value, self->access); break;
    case PROP_SCOPE: g_value_set_enum (value, self->scope); break;
    case PROP_BACKEND: g_value_set_object (value, self->backend); break;
    case PROP_CONNECTED:
      g_value_set_boolean (value, self->state == TEND_HOST_STATE_CONNECTED);
      break;
    case PROP_STATE: g_value_set_enum (value, self->state); break;
    case PROP_STATE_MESSAGE: g_value_set_string (value, self->state_message); break;
    case PROP_FOLLOW_CHANGES: g_value_set_boolean (value, self->follow_changes); break;
    case PROP_SERVICES: g_value_set_object (value, self->services); break;
    case PROP_N_FAILED: g_value_set_uint (value, self->n_failed); break;
    case PROP_N_UNHEALTHY: g_value_set_uint (value, self->n_unhealthy); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_host_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  TendHost *self = TEND_HOST (object);

  switch (prop_id)
    {
    case PROP_ID: self->id = g_value_dup_string (value); break;
    case PROP_DISPLAY_NAME: self->display_name = g_value_dup_string (value); break;
    case PROP_ADDRESS: self->address = g_value_dup_string (value); break;
    case PROP_KIND: self->kind = g_value_get_enum (value); break;
    case PROP_ACCESS: tend_host_set_access (self, g_value_get_enum (value)); break;
    case PROP_SCOPE: self->scope = g_value_get_enum (value); break;
    case PROP_BACKEND: self->backend = g_value_dup_object (value); break;
    case PROP_FOLLOW_CHANGES:
      tend_host_set_follow_changes (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_host_class_init (TendHostClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags construct = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                                G_PARAM_STATIC_STRINGS;

  object_class->constructed = tend_host_constructed;
  object_class->dispose = tend_host_dispose;
  object_class->finalize = tend_host_finalize;
  object_class->get_property = tend_host_get_property;
  object_class->set_property = tend_host_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, "A stable identifier, such as local-user", NULL, construct);
  properties[PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, "How the host is named to people", NULL,
                         construct);
  properties[PROP_ADDRESS] =
    g_param_spec_string ("address", NULL,
                         "Where an SSH host is reached, as a person reads it: "
                         "root@10.0.0.5:22; NULL for this computer", NULL, construct);
  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL, TEND_TYPE_HOST_KIND, TEND_HOST_KIND_LOCAL, construct);
  properties[PROP_ACCESS] =
    g_param_spec_enum ("access", NULL,
                       "What a person may do on the host through Tend: look, operate units, "
                       "or administer (tend_host_allows_action())",
                       TEND_TYPE_INVENTORY_ACCESS, TEND_INVENTORY_ACCESS_ADMIN,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SCOPE] =
    g_param_spec_enum ("scope", NULL, "Which service manager: the system's or a user's",
                       TEND_TYPE_HOST_SCOPE, TEND_HOST_SCOPE_SYSTEM, construct);
  properties[PROP_BACKEND] =
    g_param_spec_object ("backend", NULL, NULL, TEND_TYPE_BACKEND, construct);
  properties[PROP_CONNECTED] =
    g_param_spec_boolean ("connected", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL,
                       "Whether the service manager answers, and whether the host tries again",
                       TEND_TYPE_HOST_STATE, TEND_HOST_STATE_DISCONNECTED,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_STATE_MESSAGE] =
    g_param_spec_string ("state-message", NULL,
                         "Why the host is not connected, and what to do, as a person reads it",
                         NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_FOLLOW_CHANGES] =
    g_param_spec_boolean ("follow-changes", NULL,
                          "Whether the service list follows the host's changes as they happen; "
                          "a one-shot reader (a command line listing) turns it off before "
                          "connecting and saves the subscription",
                          TRUE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SERVICES] =
    g_param_spec_object ("services", NULL, "The host's units, sorted by name",
                         G_TYPE_LIST_MODEL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_FAILED] =
    g_param_spec_uint ("n-failed", NULL, "How many of its services failed", 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_N_UNHEALTHY] =
    g_param_spec_uint ("n-unhealthy", NULL,
                       "How many of its services Tend's checks find degraded or critical",
                       0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TendHost::attention-changed:
   * @service: a service of its list
   * @needs_attention: whether it now needs attention
   *
   * A service of the list started or stopped needing attention
   * (tend_service_needs_attention(): its unit failed, or its health is degraded or
   * critical), or one that needs it entered or left the list. What #TendHost:n-failed
   * and #TendHost:n-unhealthy count changed with it; TendOverview's attention list
   * follows it.
   */
  signals[SIGNAL_ATTENTION_CHANGED] =
    g_signal_new ("attention-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, TEND_TYPE_SERVICE, G_TYPE_BOOLEAN);

  counted_quark = g_quark_from_static_string ("tend-host-counted");
}

static void
tend_host_init (TendHost *self)
{
  self->services = g_list_store_new (TEND_TYPE_SERVICE);
  self->by_name = g_hash_table_new (g_str_hash, g_str_equal);
  self->detached = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->cancellable = g_cancellable_new ();
  self->follow_changes = TRUE;
  self->access = TEND_INVENTORY_ACCESS_ADMIN;
}

/**
 * tend_host_new_local:
 * @scope: the system's manager (system bus) or the user's own (session bus)
 */
TendHost *
tend_host_new_local (TendHostScope scope)
{
  const char *label = scope == TEND_HOST_SCOPE_SYSTEM ? _("this computer (system manager)")
                                                      : _("this computer (user manager)");
  GBusType bus_type = scope == TEND_HOST_SCOPE_SYSTEM ? G_BUS_TYPE_SYSTEM : G_BUS_TYPE_SESSION;
  g_autoptr(TendBackend) backend = NULL;

  /* sd-bus where Tend was built with libsystemd (the library systemctl uses: about
   * twice as fast at listing, docs/benchmarks.md), GDBus otherwise, or when
   * TEND_BACKEND=gdbus asks for it (tests and benchmarks run both). */
#ifdef HAVE_LIBSYSTEMD
  if (g_strcmp0 (g_getenv ("TEND_BACKEND"), "gdbus") != 0)
    backend = TEND_BACKEND (tend_sdbus_backend_new (bus_type, label));
#endif
  if (backend == NULL)
    backend = TEND_BACKEND (tend_dbus_backend_new (bus_type, label));
  return tend_host_new_for_backend (scope == TEND_HOST_SCOPE_SYSTEM ? "local-system" : "local-user",
                                    label, TEND_HOST_KIND_LOCAL, scope, backend);
}

TendHost *
tend_host_new_for_backend (const char    *id,
                           const char    *display_name,
                           TendHostKind   kind,
                           TendHostScope  scope,
                           TendBackend   *backend)
{
  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (display_name != NULL, NULL);
  g_return_val_if_fail (TEND_IS_BACKEND (backend), NULL);

  return g_object_new (TEND_TYPE_HOST,
                       "id", id,
                       "display-name", display_name,
                       "kind", kind,
                       "scope", scope,
                       "backend", backend,
                       NULL);
}

const char *
tend_host_get_id (TendHost *self)
{
  g_return_val_if_fail (TEND_IS_HOST (self), NULL);
  return self->id;
}

/**
 * tend_host_get_spoken_name:
 *
 * How a person calls the host in a sentence, as a notification names it: "this
 * computer" for the user's own manager, "this computer (system)" for the system's (the
 * display names of tend_host_new_local(), said shorter), the display name for any
 * other host.
 */
const char *
tend_host_get_spoken_name (TendHost *self)
{
  g_return_val_if_fail (TEND_IS_HOST (self), NULL);

  if (self->kind != TEND_HOST_KIND_LOCAL)
    return self->display_name;
  return self->scope == TEND_HOST_SCOPE_SYSTEM ? _("this computer (system)") : _("this computer");
}

const char *
tend_host_get_display_name (TendHost *self)
{
  g_return_val_if_fail (TEND_IS_HOST (self), NULL);
  return self->display_name;
}

TendHostKind
tend_host_get_kind (TendHost *self)
{
  g_return_val_if_fail (TEND_IS_HOST (self), TEND_HOST_KIND_LOCAL);
  return self->kind;
}

TendHostScope
tend_host_get_scope (TendHost *self)
{
  g_return_val_if_fail (TEND_IS_HOST (self), TEND_HOST_SCOPE_SYSTEM);
  return self->scope;
}

TendBackend *
tend_host_get_backend (TendHost *self)
{
  g_return_val_if_fail (TEND_IS_HOST (self), NULL);
  return self->backend;
}

/**
 * tend_host_set_audit:
 * @store: (nullable): where to record operations; %NULL to stop recording
 * @origin: who acts through this host: the window, the command line, or Tend itself
 *
 * From now on every operation through tend_host_run_action_async() — done, failed or
 * refused — is recorded in @store's audit log.
 */
void
tend_host_set_audit (TendHost        *self,
                     TendStore       *store,
                     TendAuditOrigin  origin)
{
  g_return_if_fail (TEND_IS_HOST (self));
  g_return_if_fail (store == NULL || TEND_IS_STORE (store));

  g_set_object (&self->audit_store, store);
  self->audit_origin = origin;
}

gboolean
tend_host_get_follow_changes (TendHost *self)
{
  g_return_val_if_fail (TEND_IS_HOST (self), FALSE);
  return self->follow_changes;
}

void
tend_host_set_follow_changes (TendHost *self,
                              gboolean  follow_changes)
{
  g_return_if_fail (TEND_IS_HOST (self));

  follow_changes = !!follow_changes;
  if (self->follow_changes == follow_changes)
    return;
  self->follow_changes = follow_changes;
  if (follow_changes && self->state == TEND_HOST_STATE_CONNECTED)
    tend_backend_watch (self->backend);
  else if (follow_changes && (self->state == TEND_HOST_STATE_DISCONNECTED ||
                              tend_host_state_is_retrying (self->state)) &&
           self->unreachable != NULL && self->reconnect_source == 0 && !self->reconnecting)
    {
      /* It was lost: from now on it tries again. */
      set_unreachable (self, self->unreachable);
      schedule_reconnect (self);
    }
  else if (!follow_changes && tend_host_state_is_retrying (self->state) &&
           !self->reconnecting)
    {
      g_clear_handle_id (&self->reconnect_source, g_source_remove);
      set_unreachable (self, self->unreachable);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOLLOW_CHANGES]);
}

gboolean
tend_host_get_connected (TendHost *self)
{
  g_return_val_if_fail (TEND_IS_HOST (self), FALSE);
  return self->state == TEND_HOST_STATE_CONNECTED;
}

/**
 * tend_host_get_state:
 *
 * Returns: whether the service manager answers; %TEND_HOST_STATE_RECONNECTING while a
 *   host that follows changes cannot reach it and tries again
 */
TendHostState
tend_host_get_state (TendHost *self)
{
  g_return_val_if_fail (TEND_IS_HOST (self), TEND_HOST_STATE_DISCONNECTED);
  return self->state;
}

/**
 * tend_host_get_state_message:
 *
 * Returns: (nullable): why the host is not connected, naming the host, the address
 *   tried and what to check ("this computer (user manager) is unreachable,
 *   reconnecting: …"); %NULL while connected
 */
const char *
tend_host_get_state_message (TendHost *self)
{
  g_return_val_if_fail (TEND_IS_HOST (self), NULL);
  return self->state_message;
}

/**
 * tend_host_get_services:
 *
 * Returns: (transfer none): a #GListModel of #TendService, sorted by name and updated
 *   in place as the host changes
 */
GListModel *
tend_host_get_services (TendHost *self)
{
  g_return_val_if_fail (TEND_IS_HOST (self), NULL);
  return G_LIST_MODEL (self->services);
}

/**
 * tend_host_lookup_service:
 *
 * Returns: (transfer none) (nullable): the service named @name in the list
 */
TendService *
tend_host_lookup_service (TendHost   *self,
                          const char *name)
{
  g_return_val_if_fail (TEND_IS_HOST (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  return g_hash_table_lookup (self->by_name, name);
}

/**
 * tend_host_is_named:
 * @self: a #TendHost
 * @name: a host's name in Tend's store or inventory
 * @spec: (nullable): the inventory's host of that name, when it has one
 *
 * Whether @name means this host. The store names hosts as the inventory does; a service
 * that tendctl watched without an inventory host has its host named by the TendHost's
 * id ("local-user", "local-system"). A local host of the inventory, whatever its name,
 * is this computer's manager of its scope: the engine connects to that one.
 *
 * Returns: whether the services the store lists under @name are this host's
 */
gboolean
tend_host_is_named (TendHost                *self,
                    const char              *name,
                    const TendInventoryHost *spec)
{
  g_return_val_if_fail (TEND_IS_HOST (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (spec != NULL && spec->kind == TEND_HOST_KIND_LOCAL)
    return self->kind == TEND_HOST_KIND_LOCAL && self->scope == spec->scope;
  return g_str_equal (self->id, name);
}

/**
 * tend_host_get_n_failed:
 *
 * Returns: how many services of its list are failed, counted as they change
 */
guint
tend_host_get_n_failed (TendHost *self)
{
  g_return_val_if_fail (TEND_IS_HOST (self), 0);
  return self->n_failed;
}

/**
 * tend_host_get_n_unhealthy:
 *
 * Returns: how many services of its list the monitor finds degraded or critical (their
 *   #TendService:health, which TendOverview brings), counted as they change
 */
guint
tend_host_get_n_unhealthy (TendHost *self)
{
  g_return_val_if_fail (TEND_IS_HOST (self), 0);
  return self->n_unhealthy;
}
