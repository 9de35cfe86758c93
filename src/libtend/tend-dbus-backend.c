/* tend-dbus-backend.c — systemd on this computer, over D-Bus
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every call here is asynchronous. Operations that queue a job (start, stop, restart,
 * reload) finish when systemd announces the job's removal with JobRemoved, and report
 * the job's result; nothing waits on a timer. Live changes come from systemd's own
 * signals after Subscribe().
 *
 * While it watches, the backend also follows the manager's name on the bus: a manager
 * that leaves the bus (or is not on a bus that has just come back) is "disconnected",
 * although the bus is still there, and its return is "available", so a host reconnects
 * as soon as systemd is back rather than at its next try.
 */
#define G_LOG_DOMAIN "Tend-Dbus"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tend-backend.h"
#include "tend-bus.h"
#include "tend-dbus-backend.h"
#include "tend-dbus-private.h"
#include "tend-error.h"
#include "tend-journal.h"
#include "tend-service.h"
#include "tend-unit-name.h"

#define SYSTEMD_BUS_NAME   TEND_SYSTEMD_BUS_NAME
#define SYSTEMD_PATH       TEND_SYSTEMD_PATH
#define SYSTEMD_MANAGER    TEND_SYSTEMD_MANAGER
#define SYSTEMD_UNIT_PATH  TEND_SYSTEMD_UNIT_PATH
#define PROPERTIES_IFACE   TEND_PROPERTIES_IFACE
#define INTERACTIVE_TIMEOUT_MSEC TEND_INTERACTIVE_TIMEOUT_MSEC

struct _TendDbusBackend
{
  GObject parent_instance;

  GBusType bus_type;
  char *host_label;               /* (owned) */
  char *address;                  /* (owned) (nullable) */
  GDBusConnection *connection;    /* (owned) (nullable) */
  GError *lost;                   /* (owned) (nullable) why the last connection was dropped */
  guint signal_ids[6];
  gboolean subscribed;
  gulong closed_id;
  guint manager_watch_id;         /* the manager's name on the bus, while watching */
  gboolean manager_lost;          /* it left the bus (or was never on it) */

  GHashTable *jobs;               /* (owned) job path → (owned) GTask waiting for it */
  GHashTable *early_results;      /* (owned) job path → (owned) result, see on_job_removed */
  guint n_job_calls;              /* action calls whose reply has not come yet */

  TendUnitList *unit_files;       /* (owned) (nullable) cached ListUnitFiles */
  GPtrArray *unit_files_waiters;  /* (owned) (nullable) tasks waiting for ListUnitFiles */
};

static void tend_dbus_backend_iface_init (TendBackendInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TendDbusBackend, tend_dbus_backend, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (TEND_TYPE_BACKEND,
                                                      tend_dbus_backend_iface_init))

/* ------------------------------------------------------------------------------------ */
/* Errors                                                                                */

static const char *
action_verb (TendUnitAction action)
{
  return tend_unit_action_to_string (action);
}

static gboolean
remote_error_is (const char *remote,
                 const char *name)
{
  return remote != NULL && g_str_equal (remote, name);
}

static GError *
translate_error (TendDbusBackend *self,
                 const GError    *error,
                 const char      *unit,
                 const char      *verb)
{
  return tend_dbus_translate_error (self->host_label, self->address, error, unit, verb);
}

static gboolean
check_connected (TendDbusBackend  *self,
                 GError          **error)
{
  if (self->connection != NULL && !g_dbus_connection_is_closed (self->connection))
    return TRUE;

  /* Since a connection was lost, calls say why. */
  if (self->lost != NULL)
    g_propagate_error (error, g_error_copy (self->lost));
  else
    g_set_error (error, TEND_ERROR, TEND_ERROR_UNREACHABLE,
                 "not connected to %s", self->host_label);
  return FALSE;
}

/* ------------------------------------------------------------------------------------ */
/* Calls                                                                                 */

static GDBusCallFlags
call_flags (TendDbusBackend *self)
{
  /* systemd is never started by the bus: where it does not run, say so at once
   * rather than letting the bus try to spawn it. */
  GDBusCallFlags flags = G_DBUS_CALL_FLAGS_NO_AUTO_START;

  /* On the system bus polkit decides, and may want to ask the person at the desk. */
  if (self->bus_type == G_BUS_TYPE_SYSTEM)
    flags |= G_DBUS_CALL_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION;
  return flags;
}

static void
call_manager (TendDbusBackend     *self,
              const char          *method,
              GVariant            *parameters,
              const char          *reply_type,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  g_dbus_connection_call (self->connection, SYSTEMD_BUS_NAME, SYSTEMD_PATH, SYSTEMD_MANAGER,
                          method, parameters,
                          reply_type ? G_VARIANT_TYPE (reply_type) : NULL,
                          call_flags (self),
                          self->bus_type == G_BUS_TYPE_SYSTEM ? INTERACTIVE_TIMEOUT_MSEC : -1,
                          cancellable, callback, user_data);
}

/* ------------------------------------------------------------------------------------ */
/* Signals from systemd                                                                  */

static void
fail_pending_jobs (TendDbusBackend *self,
                   const GError    *error)
{
  g_autoptr(GHashTable) jobs = g_steal_pointer (&self->jobs);
  GHashTableIter iter;
  gpointer task;

  self->jobs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  g_hash_table_iter_init (&iter, jobs);
  while (g_hash_table_iter_next (&iter, NULL, &task))
    g_task_return_error (task, g_error_copy (error));
}

static void
complete_job (GTask      *task,
              const char *result)
{
  const char *unit = g_object_get_data (G_OBJECT (task), "unit");
  TendUnitAction action = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (task), "action"));
  TendDbusBackend *self = g_task_get_source_object (task);
  GError *error = tend_dbus_job_error (self->host_label, unit, action, result);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_strdup (result), g_free);
}

static void
on_job_removed (GDBusConnection *connection,
                const char      *sender,
                const char      *path,
                const char      *interface,
                const char      *signal,
                GVariant        *parameters,
                gpointer         user_data)
{
  TendDbusBackend *self = user_data;
  const char *job;
  const char *unit;
  const char *result;
  gpointer key;
  gpointer task;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(uoss)")))
    return;
  g_variant_get (parameters, "(u&o&s&s)", NULL, &job, &unit, &result);

  if (g_hash_table_steal_extended (self->jobs, job, &key, &task))
    {
      complete_job (task, result);
      g_object_unref (task);
      g_free (key);
    }
  else if (self->n_job_calls > 0)
    {
      /* A reply carrying this job's path may still be on its way: keep the result
       * until it arrives. Only while calls are in flight, so nothing piles up. */
      g_hash_table_insert (self->early_results, g_strdup (job), g_strdup (result));
    }
}

static void
on_properties_changed (GDBusConnection *connection,
                       const char      *sender,
                       const char      *path,
                       const char      *interface,
                       const char      *signal,
                       GVariant        *parameters,
                       gpointer         user_data)
{
  TendDbusBackend *self = user_data;
  g_autoptr(GVariant) changed = NULL;
  g_autofree char *name = NULL;
  const char *iface;

  if (!g_str_has_prefix (path, SYSTEMD_UNIT_PATH) ||
      !g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(sa{sv}as)")))
    return;

  g_variant_get (parameters, "(&s@a{sv}as)", &iface, &changed, NULL);
  if (!g_str_has_prefix (iface, "org.freedesktop.systemd1.") || g_variant_n_children (changed) == 0)
    return;

  name = tend_unit_name_from_object_path (path);
  if (name == NULL)
    return;

  g_signal_emit_by_name (self, "unit-changed", name, changed);
}

static void
on_unit_new_or_removed (GDBusConnection *connection,
                        const char      *sender,
                        const char      *path,
                        const char      *interface,
                        const char      *signal,
                        GVariant        *parameters,
                        gpointer         user_data)
{
  TendDbusBackend *self = user_data;
  const char *name;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(so)")))
    return;
  g_variant_get (parameters, "(&s&o)", &name, NULL);

  g_signal_emit_by_name (self, g_str_equal (signal, "UnitNew") ? "unit-new" : "unit-removed", name);
}

static void
on_unit_files_changed (GDBusConnection *connection,
                       const char      *sender,
                       const char      *path,
                       const char      *interface,
                       const char      *signal,
                       GVariant        *parameters,
                       gpointer         user_data)
{
  TendDbusBackend *self = user_data;

  /* Reloading(true) starts a daemon-reload, Reloading(false) ends it: only the end
   * matters, and it may have changed any unit file. */
  if (g_str_equal (signal, "Reloading") &&
      g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(b)")))
    {
      gboolean active;

      g_variant_get (parameters, "(b)", &active);
      if (active)
        return;
    }

  g_clear_pointer (&self->unit_files, tend_unit_list_unref);
  g_signal_emit_by_name (self, "unit-files-changed");
}

static void unsubscribe_signals (TendDbusBackend *self);
static void forget_connection (TendDbusBackend *self);

/* The connection closed: it is dropped, every job waiting on it fails with @why, and
 * the host hears of it. The next connect dials anew. */
static void
drop_connection (TendDbusBackend *self,
                 const GError    *why)
{
  g_autoptr(GDBusConnection) connection = NULL;

  forget_connection (self);
  g_clear_error (&self->lost);
  self->lost = g_error_copy (why);
  connection = g_steal_pointer (&self->connection);
  if (connection != NULL && !g_dbus_connection_is_closed (connection))
    g_dbus_connection_close (connection, NULL, NULL, NULL);
  g_clear_pointer (&self->unit_files, tend_unit_list_unref);
  fail_pending_jobs (self, why);
  g_signal_emit_by_name (self, "disconnected", why);
}

static void
on_connection_closed (GDBusConnection *connection,
                      gboolean         remote_peer_vanished,
                      GError          *error,
                      gpointer         user_data)
{
  TendDbusBackend *self = user_data;
  g_autoptr(GError) lost = NULL;

  /* GIO's own words ("Underlying GIOStream returned 0 bytes …") say nothing to a
   * person when the bus simply went away. */
  if (remote_peer_vanished || error == NULL)
    lost = g_error_new (TEND_ERROR, TEND_ERROR_UNREACHABLE,
                        "lost the connection to %s: the bus at '%s' went away (its daemon "
                        "stopped or restarted)", self->host_label,
                        self->address ? self->address : "?");
  else
    lost = g_error_new (TEND_ERROR, TEND_ERROR_UNREACHABLE,
                        "lost the connection to %s: the bus at '%s' closed it (%s)",
                        self->host_label, self->address ? self->address : "?", error->message);
  drop_connection (self, lost);
}

static void subscribed_cb (GObject *object, GAsyncResult *result, gpointer user_data);

/* The manager left the bus, or is not on it: the bus is there, but nothing answers for
 * the host. Its subscriptions go (they will be made again), the jobs fail, and the
 * host hears of it; the connection stays, to see the manager come back. */
static void
manager_vanished (GDBusConnection *connection,
                  const char      *name,
                  gpointer         user_data)
{
  TendDbusBackend *self = user_data;
  g_autoptr(GError) why = NULL;

  if (self->manager_lost || connection != self->connection)
    return;
  self->manager_lost = TRUE;
  why = g_error_new (TEND_ERROR, TEND_ERROR_UNREACHABLE,
                     _("no systemd manager answers on the bus at '%s' for %s: is systemd "
                       "running there?"), self->address ? self->address : "?", self->host_label);
  g_debug ("%s", why->message);
  unsubscribe_signals (self);
  g_clear_pointer (&self->unit_files, tend_unit_list_unref);
  g_clear_error (&self->lost);
  self->lost = g_error_copy (why);
  fail_pending_jobs (self, why);
  g_signal_emit_by_name (self, "disconnected", why);
}

static void
manager_appeared (GDBusConnection *connection,
                  const char      *name,
                  const char      *owner,
                  gpointer         user_data)
{
  TendDbusBackend *self = user_data;

  if (!self->manager_lost || connection != self->connection)
    return;
  g_debug ("the manager of %s is on the bus again (%s)", self->host_label, owner);
  self->manager_lost = FALSE;
  g_clear_error (&self->lost);
  g_signal_emit_by_name (self, "available");
}

/* Asks the bus for systemd's signals and systemd to send them. Nothing waits for the
 * answers: the bus handles one connection's messages in order, so a call made after
 * this one is matched and subscribed before systemd can answer it with a signal. */
static void
ensure_subscribed (TendDbusBackend *self)
{
  static const struct {
    const char *interface;
    const char *member;
    GDBusSignalCallback callback;
  } subscriptions[] = {
    { SYSTEMD_MANAGER, "JobRemoved", on_job_removed },
    { SYSTEMD_MANAGER, "UnitNew", on_unit_new_or_removed },
    { SYSTEMD_MANAGER, "UnitRemoved", on_unit_new_or_removed },
    { SYSTEMD_MANAGER, "UnitFilesChanged", on_unit_files_changed },
    { SYSTEMD_MANAGER, "Reloading", on_unit_files_changed },
    { PROPERTIES_IFACE, "PropertiesChanged", on_properties_changed },
  };

  G_STATIC_ASSERT (G_N_ELEMENTS (subscriptions) == G_N_ELEMENTS (self->signal_ids));

  if (self->subscribed)
    return;
  self->subscribed = TRUE;

  if (self->manager_watch_id == 0)
    self->manager_watch_id =
      g_bus_watch_name_on_connection (self->connection, SYSTEMD_BUS_NAME,
                                      G_BUS_NAME_WATCHER_FLAGS_NONE, manager_appeared,
                                      manager_vanished, self, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (subscriptions); i++)
    {
      gboolean is_manager = g_str_equal (subscriptions[i].interface, SYSTEMD_MANAGER);

      self->signal_ids[i] =
        g_dbus_connection_signal_subscribe (self->connection, SYSTEMD_BUS_NAME,
                                            subscriptions[i].interface,
                                            subscriptions[i].member,
                                            is_manager ? SYSTEMD_PATH : NULL,
                                            NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                            subscriptions[i].callback, self, NULL);
    }

  g_dbus_connection_call (self->connection, SYSTEMD_BUS_NAME, SYSTEMD_PATH, SYSTEMD_MANAGER,
                          "Subscribe", NULL, NULL, G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, NULL,
                          subscribed_cb, g_object_ref (self));
}

static void
unsubscribe_signals (TendDbusBackend *self)
{
  if (self->connection == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (self->signal_ids); i++)
    if (self->signal_ids[i] != 0)
      {
        g_dbus_connection_signal_unsubscribe (self->connection, self->signal_ids[i]);
        self->signal_ids[i] = 0;
      }
  self->subscribed = FALSE;
}

/* Lets go of everything tied to the connection: its subscriptions, the watch of the
 * manager's name, its closed handler. */
static void
forget_connection (TendDbusBackend *self)
{
  unsubscribe_signals (self);
  g_clear_handle_id (&self->manager_watch_id, g_bus_unwatch_name);
  self->manager_lost = FALSE;
  if (self->connection != NULL)
    g_clear_signal_handler (&self->closed_id, self->connection);
}

/* ------------------------------------------------------------------------------------ */
/* Connect                                                                               */

static void
subscribed_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(TendDbusBackend) self = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *remote = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (reply != NULL)
    return;

  /* A second Subscribe from the same connection is refused; that is fine. */
  remote = g_dbus_error_get_remote_error (error);
  if (remote_error_is (remote, "org.freedesktop.systemd1.AlreadySubscribed"))
    return;

  /* The calls that follow fail with their own errors. A manager missing from the bus (a
   * bus that has just come back, before systemd is on it again) is told by the watch of
   * its name (manager_vanished), which also tells when it comes. */
  g_debug ("subscribing to %s failed: %s", self->host_label, error->message);
}

static void
connection_ready_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TendDbusBackend *self = g_task_get_source_object (task);
  g_autoptr(GDBusConnection) connection = NULL;
  g_autofree char *address = NULL;
  GError *error = NULL;

  connection = tend_bus_connect_finish (result, &address, &error);
  if (connection == NULL)
    {
      if (self->connection == NULL && address != NULL)
        {
          g_free (self->address);
          self->address = g_steal_pointer (&address);
        }
      g_task_return_error (task, error);
      return;
    }

  /* Two connects at once: the first connection to come is kept. */
  if (self->connection == NULL)
    {
      g_free (self->address);
      self->address = g_steal_pointer (&address);
      self->connection = g_steal_pointer (&connection);
      g_clear_error (&self->lost);
      self->closed_id = g_signal_connect (self->connection, "closed",
                                          G_CALLBACK (on_connection_closed), self);
    }
  g_task_return_boolean (task, TRUE);
}

static void
tend_dbus_backend_watch (TendBackend *backend)
{
  TendDbusBackend *self = TEND_DBUS_BACKEND (backend);

  g_return_if_fail (self->connection != NULL);
  ensure_subscribed (self);
}

static void
tend_dbus_backend_connect_async (TendBackend         *backend,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  TendDbusBackend *self = TEND_DBUS_BACKEND (backend);
  g_autoptr(GTask) task = NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tend_dbus_backend_connect_async);

  if (self->connection != NULL && !g_dbus_connection_is_closed (self->connection))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (self->connection != NULL)
    {
      g_autoptr(GError) lost = g_error_new (TEND_ERROR, TEND_ERROR_UNREACHABLE,
                                            "lost the connection to %s: the bus at '%s' "
                                            "closed it", self->host_label, self->address);

      /* Closed, and its closed signal is still on its way: that news is old now. */
      forget_connection (self);
      g_clear_object (&self->connection);
      fail_pending_jobs (self, lost);
    }

  /* A connection that closed (the bus or the manager went away) was dropped: dial anew
   * (tend-bus.c: a private connection, which does not end the process when the bus
   * closes it); a host follows changes again with tend_backend_watch(). */
  tend_bus_connect_async (self->bus_type, self->host_label, cancellable, connection_ready_cb,
                          g_steal_pointer (&task));
}

static gboolean
tend_dbus_backend_connect_finish (TendBackend   *backend,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------------------------ */
/* List                                                                                  */

typedef struct
{
  TendListFlags flags;
  TendUnitList *units;       /* (owned) (nullable) from ListUnits */
} ListData;

static void
list_data_free (ListData *data)
{
  g_clear_pointer (&data->units, tend_unit_list_unref);
  g_free (data);
}

static void
finish_list (GTask *task)
{
  TendDbusBackend *self = g_task_get_source_object (task);
  ListData *data = g_task_get_task_data (task);

  if (data->flags & TEND_LIST_UNIT_FILES)
    g_task_return_pointer (task, tend_unit_list_merge_unit_files (data->units, self->unit_files),
                           (GDestroyNotify) tend_unit_list_unref);
  else
    g_task_return_pointer (task, tend_unit_list_ref (data->units),
                           (GDestroyNotify) tend_unit_list_unref);
}

static void
list_unit_files_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(TendDbusBackend) self = user_data;
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->unit_files_waiters);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (reply != NULL)
    {
      g_autoptr(GVariant) files = g_variant_get_child_value (reply, 0);
      gsize n = g_variant_n_children (files);

      g_clear_pointer (&self->unit_files, tend_unit_list_unref);
      self->unit_files = tend_unit_list_new (n);
      for (gsize i = 0; i < n; i++)
        {
          const char *path, *state;
          g_autofree char *name = NULL;
          TendUnitInfo info = { 0 };

          g_variant_get_child (files, i, "(&s&s)", &path, &state);
          name = g_path_get_basename (path);
          info.name = name;
          info.active_state = "inactive";
          info.sub_state = "dead";
          info.unit_file_state = state;
          info.fragment_path = path;
          tend_unit_list_add (self->unit_files, &info);
        }
    }

  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = waiters->pdata[i];

      if (error != NULL)
        g_task_return_error (task, translate_error (self, error, NULL, "list unit files"));
      else
        finish_list (task);
    }
}

/* A string field of a tuple; the string lives as long as @tuple's container. */
static const char *
string_field (GVariant *tuple,
              gsize     index)
{
  g_autoptr(GVariant) field = g_variant_get_child_value (tuple, index);

  return g_variant_get_string (field, NULL);
}

static void
list_units_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TendDbusBackend *self = g_task_get_source_object (task);
  ListData *data = g_task_get_task_data (task);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) units = NULL;
  g_autoptr(GError) error = NULL;
  gsize n;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, translate_error (self, error, NULL, "list units"));
      return;
    }

  /* a(ssssssouso): name, description, load, active, sub, following, path, job id,
   * job type, job path. The strings stay in the reply, which the list holds: a
   * thousand units are read without a copy. */
  units = g_variant_get_child_value (reply, 0);
  n = g_variant_n_children (units);
  data->units = tend_unit_list_new (n);
  tend_unit_list_hold (data->units, g_variant_ref (reply), (GDestroyNotify) g_variant_unref);
  for (gsize i = 0; i < n; i++)
    {
      g_autoptr(GVariant) unit = g_variant_get_child_value (units, i);
      TendUnitInfo info = { 0 };

      info.name = string_field (unit, 0);
      info.description = string_field (unit, 1);
      info.load_state = string_field (unit, 2);
      info.active_state = string_field (unit, 3);
      info.sub_state = string_field (unit, 4);
      info.job_type = string_field (unit, 8);
      tend_unit_list_add_borrowed (data->units, &info);
    }

  if (!(data->flags & TEND_LIST_UNIT_FILES) || self->unit_files != NULL)
    {
      finish_list (task);
      return;
    }

  /* ListUnitFiles reads every unit file on disk: one call at a time, shared by all
   * who ask while it runs, and cached until UnitFilesChanged. */
  if (self->unit_files_waiters == NULL)
    {
      self->unit_files_waiters = g_ptr_array_new_with_free_func (g_object_unref);
      call_manager (self, "ListUnitFiles", NULL, "(a(ss))", NULL,
                    list_unit_files_cb, g_object_ref (self));
    }
  g_ptr_array_add (self->unit_files_waiters, g_steal_pointer (&task));
}

static void
tend_dbus_backend_list_units_async (TendBackend         *backend,
                                    TendListFlags        flags,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  TendDbusBackend *self = TEND_DBUS_BACKEND (backend);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  ListData *data;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tend_dbus_backend_list_units_async);
  data = g_new0 (ListData, 1);
  data->flags = flags;
  g_task_set_task_data (task, data, (GDestroyNotify) list_data_free);

  if (!check_connected (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  call_manager (self, "ListUnits", NULL, "(a(ssssssouso))", cancellable,
                list_units_cb, g_steal_pointer (&task));
}

static TendUnitList *
tend_dbus_backend_list_units_finish (TendBackend   *backend,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------------------ */
/* One unit's details                                                                    */

/* A unit's details are one GetAll, then, only where needed and side by side: the
 * resident size of its processes (systemd has no MemoryCurrent) and the type of its
 * queued job (GetAll names the job, not its type). The task returns when both are in. */
typedef struct
{
  char *name;                 /* (owned) */
  char *path;                 /* (owned) (nullable) */
  GVariant *properties;       /* (owned) (nullable) */
  GVariantDict extra;         /* what Tend adds: X-Tend-MemoryRSS, X-Tend-JobType */
  guint n_pending;
} UnitData;

static void
unit_data_free (UnitData *data)
{
  g_free (data->name);
  g_free (data->path);
  g_clear_pointer (&data->properties, g_variant_unref);
  g_variant_dict_clear (&data->extra);
  g_free (data);
}

/* One follow-up of @task is done: return the unit when it was the last. Takes @task. */
static void
unit_step_done (GTask *task)
{
  UnitData *data = g_task_get_task_data (task);
  g_autoptr(GVariant) extra = NULL;
  GVariantDict merged;
  GVariantIter iter;
  const char *key;
  GVariant *value;

  g_assert (data->n_pending > 0);
  if (--data->n_pending > 0)
    {
      g_object_unref (task);
      return;
    }

  extra = g_variant_ref_sink (g_variant_dict_end (&data->extra));
  g_variant_dict_init (&merged, data->properties);
  g_variant_iter_init (&iter, extra);
  while (g_variant_iter_loop (&iter, "{&sv}", &key, &value))
    g_variant_dict_insert_value (&merged, key, value);
  g_task_return_pointer (task, g_variant_ref_sink (g_variant_dict_end (&merged)),
                         (GDestroyNotify) g_variant_unref);
  g_object_unref (task);
}

static void
get_unit_processes_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariantIter) iter = NULL;
  g_autoptr(GArray) pids = NULL;
  UnitData *data = g_task_get_task_data (task);
  guint32 pid;

  /* No answer (the unit stopped meanwhile) or no processes (an exited oneshot): no
   * resident size to speak of. */
  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, NULL);
  if (reply == NULL)
    {
      unit_step_done (task);
      return;
    }

  pids = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_variant_get (reply, "(a(sus))", &iter);
  while (g_variant_iter_next (iter, "(&su&s)", NULL, &pid, NULL))
    g_array_append_val (pids, pid);
  if (pids->len > 0)
    g_variant_dict_insert (&data->extra, TEND_PROPERTY_MEMORY_RSS, "t",
                           tend_dbus_sum_rss ((const guint32 *) pids->data, pids->len));
  unit_step_done (task);
}

static void
get_job_type_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  UnitData *data = g_task_get_task_data (task);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) type = NULL;

  /* No answer: the job finished meanwhile. */
  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, NULL);
  if (reply != NULL)
    {
      g_variant_get (reply, "(v)", &type);
      if (g_variant_is_of_type (type, G_VARIANT_TYPE_STRING))
        g_variant_dict_insert_value (&data->extra, TEND_PROPERTY_JOB_TYPE, type);
    }
  unit_step_done (task);
}

static void
get_all_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  TendDbusBackend *self = g_task_get_source_object (task);
  UnitData *data = g_task_get_task_data (task);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  const char *load_state = NULL;
  const char *job_path = NULL;
  const char *active = NULL;
  guint64 memory = TEND_UNSET;
  guint32 job_id = 0;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, translate_error (self, error, data->name, "read"));
      g_object_unref (task);
      return;
    }

  data->properties = g_variant_get_child_value (reply, 0);
  g_variant_lookup (data->properties, "LoadState", "&s", &load_state);
  if (g_strcmp0 (load_state, "not-found") == 0)
    {
      g_task_return_new_error (task, TEND_ERROR, TEND_ERROR_NOT_FOUND,
                               "there is no unit '%s' on %s", data->name, self->host_label);
      g_object_unref (task);
      return;
    }

  /* One count for this function, one per follow-up it starts. */
  data->n_pending = 1;

  g_variant_lookup (data->properties, "MemoryCurrent", "t", &memory);
  g_variant_lookup (data->properties, "ActiveState", "&s", &active);
  if (tend_dbus_needs_rss (memory, active))
    {
      data->n_pending++;
      call_manager (self, "GetUnitProcesses", g_variant_new ("(s)", data->name), "(a(sus))",
                    cancellable, get_unit_processes_cb, g_object_ref (task));
    }

  if (g_variant_lookup (data->properties, "Job", "(u&o)", &job_id, &job_path) && job_id != 0)
    {
      data->n_pending++;
      g_dbus_connection_call (self->connection, SYSTEMD_BUS_NAME, job_path, PROPERTIES_IFACE,
                              "Get", g_variant_new ("(ss)", "org.freedesktop.systemd1.Job",
                                                    "JobType"),
                              G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NO_AUTO_START, -1,
                              cancellable, get_job_type_cb, g_object_ref (task));
    }

  unit_step_done (task);
}

static void
tend_dbus_backend_get_unit_async (TendBackend         *backend,
                                  const char          *name,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  TendDbusBackend *self = TEND_DBUS_BACKEND (backend);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  UnitData *data;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tend_dbus_backend_get_unit_async);
  data = g_new0 (UnitData, 1);
  data->name = g_strdup (name);
  g_variant_dict_init (&data->extra, NULL);
  g_task_set_task_data (task, data, (GDestroyNotify) unit_data_free);

  if (!check_connected (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* One round trip, as systemctl show makes: the unit's object path follows from its
   * name, and systemd loads a unit whose object is asked for (so a unit that is on disk
   * but not loaded has details too; one that does not exist reads as "not-found").
   * An empty interface name asks for the properties of every interface of the unit:
   * org.freedesktop.systemd1.Unit and its type's (Service, Socket, Timer...). */
  data->path = tend_unit_name_to_object_path (name);
  g_dbus_connection_call (self->connection, SYSTEMD_BUS_NAME, data->path, PROPERTIES_IFACE,
                          "GetAll", g_variant_new ("(s)", ""), G_VARIANT_TYPE ("(a{sv})"),
                          G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, cancellable,
                          get_all_cb, g_steal_pointer (&task));
}

static GVariant *
tend_dbus_backend_get_unit_finish (TendBackend   *backend,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------------------ */
/* Actions                                                                               */

static void
job_call_done (TendDbusBackend *self)
{
  g_assert (self->n_job_calls > 0);
  if (--self->n_job_calls == 0)
    g_hash_table_remove_all (self->early_results);
}

static void
job_queued_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TendDbusBackend *self = g_task_get_source_object (task);
  TendUnitAction action = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (task), "action"));
  const char *unit = g_object_get_data (G_OBJECT (task), "unit");
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  const char *job;
  const char *early;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (reply == NULL)
    {
      job_call_done (self);
      g_task_return_error (task, translate_error (self, error, unit, action_verb (action)));
      return;
    }

  g_variant_get (reply, "(&o)", &job);
  early = g_hash_table_lookup (self->early_results, job);
  if (early != NULL)
    complete_job (task, early);
  else
    g_hash_table_insert (self->jobs, g_strdup (job), g_steal_pointer (&task));
  job_call_done (self);
}

static void
simple_action_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TendDbusBackend *self = g_task_get_source_object (task);
  TendUnitAction action = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (task), "action"));
  const char *unit = g_object_get_data (G_OBJECT (task), "unit");
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (reply == NULL)
    g_task_return_error (task, translate_error (self, error, unit, action_verb (action)));
  else
    g_task_return_pointer (task, g_strdup ("done"), g_free);
}

static void
unit_files_changed_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  TendDbusBackend *self = g_task_get_source_object (task);
  TendUnitAction action = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (task), "action"));
  const char *unit = g_object_get_data (G_OBJECT (task), "unit");
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, translate_error (self, error, unit, action_verb (action)));
      return;
    }

  if (action == TEND_UNIT_ACTION_ENABLE)
    {
      gboolean carries_install_info = TRUE;

      g_variant_get_child (reply, 0, "b", &carries_install_info);
      if (!carries_install_info)
        {
          g_task_return_new_error (task, TEND_ERROR, TEND_ERROR_NOT_SUPPORTED,
                                   "'%s' on %s has no [Install] section, so there is nothing "
                                   "to enable; start it instead, or add WantedBy= to it",
                                   unit, self->host_label);
          return;
        }
    }

  /* As systemctl does: reload the manager so the new links take effect. */
  call_manager (self, "Reload", NULL, NULL, cancellable,
                simple_action_cb, g_steal_pointer (&task));
}

static void
tend_dbus_backend_run_action_async (TendBackend         *backend,
                                    const char          *name,
                                    TendUnitAction       action,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  TendDbusBackend *self = TEND_DBUS_BACKEND (backend);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  const char *files[] = { name, NULL };
  const char *method = NULL;

  task = tend_dbus_action_task_new (self, tend_dbus_backend_run_action_async, name, action,
                                    cancellable, callback, user_data);

  if (!check_connected (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  method = tend_dbus_job_method (action);
  if (method == NULL)
    {
      switch (action)
        {
        case TEND_UNIT_ACTION_RESET_FAILED:
          call_manager (self, "ResetFailedUnit", g_variant_new ("(s)", name), NULL, cancellable,
                        simple_action_cb, g_steal_pointer (&task));
          return;

        case TEND_UNIT_ACTION_ENABLE:
          call_manager (self, "EnableUnitFiles", g_variant_new ("(^asbb)", files, FALSE, FALSE),
                        "(ba(sss))", cancellable, unit_files_changed_cb, g_steal_pointer (&task));
          return;

        case TEND_UNIT_ACTION_DISABLE:
          call_manager (self, "DisableUnitFiles", g_variant_new ("(^asb)", files, FALSE),
                        "(a(sss))", cancellable, unit_files_changed_cb, g_steal_pointer (&task));
          return;

        default:
          g_task_return_new_error (task, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                                   "unknown operation %d", action);
          return;
        }
    }

  ensure_subscribed (self);  /* for JobRemoved */
  self->n_job_calls++;
  call_manager (self, method, g_variant_new ("(ss)", name, "replace"), "(o)", cancellable,
                job_queued_cb, g_steal_pointer (&task));
}

static char *
tend_dbus_backend_run_action_finish (TendBackend   *backend,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------------------ */
/* Transient units                                                                       */

static void
tend_dbus_backend_start_transient_async (TendBackend         *backend,
                                         const char          *name,
                                         const char          *description,
                                         const char * const  *argv,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  TendDbusBackend *self = TEND_DBUS_BACKEND (backend);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  GVariantBuilder properties;
  GVariantBuilder exec;

  task = tend_dbus_action_task_new (self, tend_dbus_backend_start_transient_async, name,
                                    TEND_UNIT_ACTION_START, cancellable, callback, user_data);

  if (!check_connected (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* ExecStart= is a(sasb): the path, the whole argv (argv[0] included), and whether a
   * failure is ignored. */
  g_variant_builder_init (&exec, G_VARIANT_TYPE ("a(sasb)"));
  g_variant_builder_add (&exec, "(s^asb)", argv[0], argv, FALSE);
  g_variant_builder_init (&properties, G_VARIANT_TYPE ("a(sv)"));
  if (description != NULL)
    g_variant_builder_add (&properties, "(sv)", "Description", g_variant_new_string (description));
  g_variant_builder_add (&properties, "(sv)", "ExecStart", g_variant_builder_end (&exec));

  ensure_subscribed (self);  /* for JobRemoved */
  self->n_job_calls++;
  call_manager (self, "StartTransientUnit",
                g_variant_new ("(ssa(sv)@a(sa(sv)))", name, "fail", &properties,
                               g_variant_new_array (G_VARIANT_TYPE ("(sa(sv))"), NULL, 0)),
                "(o)",
                cancellable, job_queued_cb, g_steal_pointer (&task));
}

static gboolean
tend_dbus_backend_start_transient_finish (TendBackend   *backend,
                                          GAsyncResult  *result,
                                          GError       **error)
{
  g_autofree char *done = g_task_propagate_pointer (G_TASK (result), error);

  return done != NULL;
}

/* ------------------------------------------------------------------------------------ */
/* Journal                                                                               */

static TendJournalReader *
tend_dbus_backend_open_journal (TendBackend             *backend,
                                const char              *name,
                                const TendJournalQuery  *query,
                                GCancellable            *cancellable,
                                GError                 **error)
{
  return tend_dbus_open_journal (TEND_DBUS_BACKEND (backend)->host_label, name, query,
                                 cancellable, error);
}

/* ------------------------------------------------------------------------------------ */
/* GObject                                                                               */

static void
tend_dbus_backend_dispose (GObject *object)
{
  TendDbusBackend *self = (TendDbusBackend *) object;

  forget_connection (self);
  if (self->jobs != NULL && g_hash_table_size (self->jobs) > 0)
    {
      g_autoptr(GError) error = g_error_new (TEND_ERROR, TEND_ERROR_CANCELLED,
                                             "the connection to %s was closed",
                                             self->host_label);
      fail_pending_jobs (self, error);
    }
  g_clear_object (&self->connection);
  g_clear_pointer (&self->unit_files, tend_unit_list_unref);

  G_OBJECT_CLASS (tend_dbus_backend_parent_class)->dispose (object);
}

static void
tend_dbus_backend_finalize (GObject *object)
{
  TendDbusBackend *self = (TendDbusBackend *) object;

  g_clear_pointer (&self->jobs, g_hash_table_unref);
  g_clear_pointer (&self->early_results, g_hash_table_unref);
  g_clear_pointer (&self->host_label, g_free);
  g_clear_pointer (&self->address, g_free);
  g_clear_error (&self->lost);

  G_OBJECT_CLASS (tend_dbus_backend_parent_class)->finalize (object);
}

static void
tend_dbus_backend_class_init (TendDbusBackendClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tend_dbus_backend_dispose;
  object_class->finalize = tend_dbus_backend_finalize;
}

static void
tend_dbus_backend_iface_init (TendBackendInterface *iface)
{
  iface->connect_async = tend_dbus_backend_connect_async;
  iface->connect_finish = tend_dbus_backend_connect_finish;
  iface->watch = tend_dbus_backend_watch;
  iface->list_units_async = tend_dbus_backend_list_units_async;
  iface->list_units_finish = tend_dbus_backend_list_units_finish;
  iface->get_unit_async = tend_dbus_backend_get_unit_async;
  iface->get_unit_finish = tend_dbus_backend_get_unit_finish;
  iface->run_action_async = tend_dbus_backend_run_action_async;
  iface->run_action_finish = tend_dbus_backend_run_action_finish;
  iface->open_journal = tend_dbus_backend_open_journal;
  iface->start_transient_async = tend_dbus_backend_start_transient_async;
  iface->start_transient_finish = tend_dbus_backend_start_transient_finish;
}

static void
tend_dbus_backend_init (TendDbusBackend *self)
{
  self->jobs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->early_results = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/**
 * tend_dbus_backend_new:
 * @bus_type: %G_BUS_TYPE_SYSTEM for the system manager, %G_BUS_TYPE_SESSION for the
 *   user's own manager
 * @host_label: how errors name the host, e.g. "the user manager on this computer"
 */
TendDbusBackend *
tend_dbus_backend_new (GBusType    bus_type,
                       const char *host_label)
{
  TendDbusBackend *self;

  g_return_val_if_fail (bus_type == G_BUS_TYPE_SYSTEM || bus_type == G_BUS_TYPE_SESSION, NULL);
  g_return_val_if_fail (host_label != NULL, NULL);

  self = g_object_new (TEND_TYPE_DBUS_BACKEND, NULL);
  self->bus_type = bus_type;
  self->host_label = g_strdup (host_label);
  return self;
}

GBusType
tend_dbus_backend_get_bus_type (TendDbusBackend *self)
{
  g_return_val_if_fail (TEND_IS_DBUS_BACKEND (self), G_BUS_TYPE_NONE);
  return self->bus_type;
}

/**
 * tend_dbus_backend_get_address:
 *
 * Returns: (nullable): the bus address dialled by the last connect
 */
const char *
tend_dbus_backend_get_address (TendDbusBackend *self)
{
  g_return_val_if_fail (TEND_IS_DBUS_BACKEND (self), NULL);
  return self->address;
}
