/* tend-sdbus-actions.c — TendSdbusBackend's operations that queue a systemd job
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * start, stop, restart and reload (and a transient unit's start) finish when systemd
 * announces the job's removal with JobRemoved, with the job's result mapped as
 * TendDbusBackend maps it (tend-dbus-shared.c); enable and disable change unit files and
 * reload the manager, as systemctl does; reset-failed is one call.
 */
#define G_LOG_DOMAIN "Tend-Dbus"

#include "config.h"

#include "tend-dbus-private.h"
#include "tend-error.h"
#include "tend-sdbus-backend-private.h"

/* ------------------------------------------------------------------------------------ */
/* Jobs                                                                                  */

void
tend_sdbus_fail_pending_jobs (TendSdbusBackend *self,
                              const GError     *error)
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
  TendSdbusBackend *self = g_task_get_source_object (task);
  GError *error = tend_dbus_job_error (self->host_label,
                                       g_object_get_data (G_OBJECT (task), "unit"),
                                       GPOINTER_TO_INT (g_object_get_data (G_OBJECT (task),
                                                                           "action")),
                                       result);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_strdup (result), g_free);
}

int
tend_sdbus_on_job_removed (sd_bus_message *message,
                           void           *user_data,
                           sd_bus_error   *ret_error)
{
  TendSdbusBackend *self = user_data;
  const char *job, *unit, *result;
  guint32 id;
  gpointer key;
  gpointer task;

  if (sd_bus_message_read (message, "uoss", &id, &job, &unit, &result) < 0)
    return 0;

  if (g_hash_table_steal_extended (self->jobs, job, &key, &task))
    {
      complete_job (task, result);
      g_object_unref (task);
      g_free (key);
    }
  else if (self->n_job_calls > 0)
    {
      /* The reply that names this job may still be on its way (see TendDbusBackend). */
      g_hash_table_insert (self->early_results, g_strdup (job), g_strdup (result));
    }
  return 0;
}

/* ------------------------------------------------------------------------------------ */
/* Actions                                                                               */

void
tend_sdbus_job_call_done (TendSdbusBackend *self)
{
  g_assert (self->n_job_calls > 0);
  if (--self->n_job_calls == 0)
    g_hash_table_remove_all (self->early_results);
}

static const char *
task_unit (GTask *task)
{
  return g_object_get_data (G_OBJECT (task), "unit");
}

static const char *
task_verb (GTask *task)
{
  return tend_unit_action_to_string (GPOINTER_TO_INT (g_object_get_data (G_OBJECT (task),
                                                                         "action")));
}

/* The error of the reply to @task's call, or %NULL. */
static GError *
action_error (GTask          *task,
              sd_bus_message *reply)
{
  return tend_sdbus_reply_error (g_task_get_source_object (task), reply, task_unit (task),
                                 task_verb (task));
}

static int
job_queued_cb (sd_bus_message *reply,
               void           *user_data,
               sd_bus_error   *ret_error)
{
  g_autoptr(GTask) task = user_data;
  TendSdbusBackend *self = g_task_get_source_object (task);
  GError *error = action_error (task, reply);
  const char *job = NULL;
  const char *early;

  if (error == NULL && sd_bus_message_read_basic (reply, SD_BUS_TYPE_OBJECT_PATH, &job) <= 0)
    error = g_error_new (TEND_ERROR, TEND_ERROR_FAILED, "could not %s '%s' on %s: no job",
                         task_verb (task), task_unit (task), self->host_label);
  if (error != NULL)
    {
      tend_sdbus_job_call_done (self);
      g_task_return_error (task, error);
      return 0;
    }

  early = g_hash_table_lookup (self->early_results, job);
  if (early != NULL)
    complete_job (task, early);
  else
    g_hash_table_insert (self->jobs, g_strdup (job), g_steal_pointer (&task));
  tend_sdbus_job_call_done (self);
  return 0;
}

static int
simple_action_cb (sd_bus_message *reply,
                  void           *user_data,
                  sd_bus_error   *ret_error)
{
  g_autoptr(GTask) task = user_data;
  GError *error = action_error (task, reply);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_strdup ("done"), g_free);
  return 0;
}

static int
unit_files_changed_cb (sd_bus_message *reply,
                       void           *user_data,
                       sd_bus_error   *ret_error)
{
  g_autoptr(GTask) task = user_data;
  TendSdbusBackend *self = g_task_get_source_object (task);
  GError *error = action_error (task, reply);
  int carries_install_info = TRUE;

  if (error != NULL)
    {
      g_task_return_error (task, error);
      return 0;
    }

  if (g_str_equal (task_verb (task), tend_unit_action_to_string (TEND_UNIT_ACTION_ENABLE)) &&
      sd_bus_message_read_basic (reply, SD_BUS_TYPE_BOOLEAN, &carries_install_info) > 0 &&
      !carries_install_info)
    {
      g_task_return_new_error (task, TEND_ERROR, TEND_ERROR_NOT_SUPPORTED,
                               "'%s' on %s has no [Install] section, so there is nothing to "
                               "enable; start it instead, or add WantedBy= to it",
                               task_unit (task), self->host_label);
      return 0;
    }

  /* As systemctl does: reload the manager so the new links take effect. */
  tend_sdbus_call_manager (self, "Reload", simple_action_cb, g_steal_pointer (&task), NULL);
  return 0;
}

static void
tend_sdbus_backend_run_action_async (TendBackend         *backend,
                                     const char          *name,
                                     TendUnitAction       action,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  TendSdbusBackend *self = TEND_SDBUS_BACKEND (backend);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  const char *method = NULL;

  task = tend_dbus_action_task_new (self, tend_sdbus_backend_run_action_async, name, action,
                                    cancellable, callback, user_data);

  if (!tend_sdbus_check_connected (self, &error))
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
          tend_sdbus_call_manager (self, "ResetFailedUnit", simple_action_cb,
                                   g_steal_pointer (&task), "s", name);
          return;

        case TEND_UNIT_ACTION_ENABLE:
          tend_sdbus_call_manager (self, "EnableUnitFiles", unit_files_changed_cb,
                                   g_steal_pointer (&task), "asbb", 1, name, FALSE, FALSE);
          return;

        case TEND_UNIT_ACTION_DISABLE:
          tend_sdbus_call_manager (self, "DisableUnitFiles", unit_files_changed_cb,
                                   g_steal_pointer (&task), "asb", 1, name, FALSE);
          return;

        default:
          g_task_return_new_error (task, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                                   "unknown operation %d", action);
          return;
        }
    }

  tend_sdbus_ensure_subscribed (self);  /* for JobRemoved */
  self->n_job_calls++;
  g_object_set_data (G_OBJECT (task), "job-call", GINT_TO_POINTER (TRUE));
  tend_sdbus_call_manager (self, method, job_queued_cb, g_steal_pointer (&task), "ss", name,
                           "replace");
}

static char *
tend_sdbus_backend_run_action_finish (TendBackend   *backend,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------------------ */
/* Transient units                                                                       */

/* StartTransientUnit's arguments: the name, "fail", the properties (Description, and
 * ExecStart= as a(sasb): the path, the whole argv, whether a failure is ignored), no
 * auxiliary units. */
static int
append_transient (sd_bus_message     *call,
                  const char         *name,
                  const char         *description,
                  const char * const *argv)
{
  int r = sd_bus_message_append (call, "ss", name, "fail");

  if (r >= 0)
    r = sd_bus_message_open_container (call, SD_BUS_TYPE_ARRAY, "(sv)");
  if (r >= 0 && description != NULL)
    r = sd_bus_message_append (call, "(sv)", "Description", "s", description);
  if (r >= 0)
    r = sd_bus_message_open_container (call, SD_BUS_TYPE_STRUCT, "sv");
  if (r >= 0)
    r = sd_bus_message_append (call, "s", "ExecStart");
  if (r >= 0)
    r = sd_bus_message_open_container (call, SD_BUS_TYPE_VARIANT, "a(sasb)");
  if (r >= 0)
    r = sd_bus_message_open_container (call, SD_BUS_TYPE_ARRAY, "(sasb)");
  if (r >= 0)
    r = sd_bus_message_open_container (call, SD_BUS_TYPE_STRUCT, "sasb");
  if (r >= 0)
    r = sd_bus_message_append (call, "s", argv[0]);
  if (r >= 0)
    r = sd_bus_message_append_strv (call, (char **) argv);
  if (r >= 0)
    r = sd_bus_message_append (call, "b", FALSE);
  for (guint i = 0; i < 4 && r >= 0; i++)  /* (sasb), a(sasb), v, (sv) */
    r = sd_bus_message_close_container (call);
  if (r >= 0)
    r = sd_bus_message_close_container (call);  /* a(sv) */
  if (r >= 0)
    r = sd_bus_message_append (call, "a(sa(sv))", 0);
  return r;
}

static void
tend_sdbus_backend_start_transient_async (TendBackend         *backend,
                                          const char          *name,
                                          const char          *description,
                                          const char * const  *argv,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  TendSdbusBackend *self = TEND_SDBUS_BACKEND (backend);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  sd_bus_message *call;

  task = tend_dbus_action_task_new (self, tend_sdbus_backend_start_transient_async, name,
                                    TEND_UNIT_ACTION_START, cancellable, callback, user_data);

  if (!tend_sdbus_check_connected (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  call = tend_sdbus_new_call (self, TEND_SYSTEMD_PATH, TEND_SYSTEMD_MANAGER,
                              "StartTransientUnit", &error);
  if (call == NULL || append_transient (call, name, description, argv) < 0)
    {
      sd_bus_message_unref (call);
      g_task_return_new_error (task, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                               "cannot start '%s' on %s: its command does not make a call",
                               name, self->host_label);
      return;
    }

  tend_sdbus_ensure_subscribed (self);  /* for JobRemoved */
  self->n_job_calls++;
  g_object_set_data (G_OBJECT (task), "job-call", GINT_TO_POINTER (TRUE));
  tend_sdbus_send_call (self, call, job_queued_cb, g_steal_pointer (&task), name, "start");
}

static gboolean
tend_sdbus_backend_start_transient_finish (TendBackend   *backend,
                                           GAsyncResult  *result,
                                           GError       **error)
{
  g_autofree char *done = g_task_propagate_pointer (G_TASK (result), error);

  return done != NULL;
}

/* The operations of TendBackendInterface that are in this file. */
void
tend_sdbus_actions_iface_init (TendBackendInterface *iface)
{
  iface->run_action_async = tend_sdbus_backend_run_action_async;
  iface->run_action_finish = tend_sdbus_backend_run_action_finish;
  iface->start_transient_async = tend_sdbus_backend_start_transient_async;
  iface->start_transient_finish = tend_sdbus_backend_start_transient_finish;
}
