/* tend-backend.c — how Tend talks to one host's service manager
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Tend-Hosts"

#include "tend-backend.h"
#include "tend-error.h"
#include "tend-unit-name.h"

G_DEFINE_INTERFACE (TendBackend, tend_backend, G_TYPE_OBJECT)

static void
tend_backend_default_init (TendBackendInterface *iface)
{
  g_signal_new ("unit-changed", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST,
                0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_VARIANT);
  g_signal_new ("unit-new", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST,
                0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  g_signal_new ("unit-removed", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST,
                0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  g_signal_new ("unit-files-changed", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST,
                0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  g_signal_new ("disconnected", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST,
                0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
  g_signal_new ("available", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST,
                0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

/* Unit names are checked here, once, for every backend: nothing with a bad name leaves
 * the process. The async wrappers report the error through the same callback path. */
static gboolean
report_if_invalid (TendBackend         *self,
                   const char          *name,
                   gpointer             source_tag,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  GError *error = NULL;

  if (tend_unit_name_validate (name, &error))
    return FALSE;

  g_task_report_error (self, callback, user_data, source_tag, error);
  return TRUE;
}

void
tend_backend_connect_async (TendBackend         *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (TEND_IS_BACKEND (self));
  TEND_BACKEND_GET_IFACE (self)->connect_async (self, cancellable, callback, user_data);
}

gboolean
tend_backend_connect_finish (TendBackend   *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (TEND_IS_BACKEND (self), FALSE);
  return TEND_BACKEND_GET_IFACE (self)->connect_finish (self, result, error);
}

/**
 * tend_backend_watch:
 *
 * Starts the change signals (unit-changed, unit-new, unit-removed, unit-files-changed).
 * Calling it again does nothing.
 */
void
tend_backend_watch (TendBackend *self)
{
  g_return_if_fail (TEND_IS_BACKEND (self));
  TEND_BACKEND_GET_IFACE (self)->watch (self);
}

void
tend_backend_list_units_async (TendBackend         *self,
                               TendListFlags        flags,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (TEND_IS_BACKEND (self));
  TEND_BACKEND_GET_IFACE (self)->list_units_async (self, flags, cancellable, callback, user_data);
}

/**
 * tend_backend_list_units_finish:
 *
 * Returns: (transfer full): the units
 */
TendUnitList *
tend_backend_list_units_finish (TendBackend   *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (TEND_IS_BACKEND (self), NULL);
  return TEND_BACKEND_GET_IFACE (self)->list_units_finish (self, result, error);
}

void
tend_backend_get_unit_async (TendBackend         *self,
                             const char          *name,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (TEND_IS_BACKEND (self));
  g_return_if_fail (name != NULL);

  if (report_if_invalid (self, name, tend_backend_get_unit_async, callback, user_data))
    return;
  TEND_BACKEND_GET_IFACE (self)->get_unit_async (self, name, cancellable, callback, user_data);
}

/**
 * tend_backend_get_unit_finish:
 *
 * Returns: (transfer full): the unit's properties as `a{sv}`
 */
GVariant *
tend_backend_get_unit_finish (TendBackend   *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (TEND_IS_BACKEND (self), NULL);

  if (g_async_result_is_tagged (result, tend_backend_get_unit_async))
    return g_task_propagate_pointer (G_TASK (result), error);
  return TEND_BACKEND_GET_IFACE (self)->get_unit_finish (self, result, error);
}

void
tend_backend_run_action_async (TendBackend         *self,
                               const char          *name,
                               TendUnitAction       action,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (TEND_IS_BACKEND (self));
  g_return_if_fail (name != NULL);

  if (report_if_invalid (self, name, tend_backend_run_action_async, callback, user_data))
    return;
  TEND_BACKEND_GET_IFACE (self)->run_action_async (self, name, action, cancellable,
                                                   callback, user_data);
}

/**
 * tend_backend_run_action_finish:
 *
 * Returns: (transfer full): systemd's result for the operation ("done" on success)
 */
char *
tend_backend_run_action_finish (TendBackend   *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (TEND_IS_BACKEND (self), NULL);

  if (g_async_result_is_tagged (result, tend_backend_run_action_async))
    return g_task_propagate_pointer (G_TASK (result), error);
  return TEND_BACKEND_GET_IFACE (self)->run_action_finish (self, result, error);
}

/**
 * tend_backend_open_journal:
 *
 * Starts reading the journal of @name. The reader is not started: call
 * tend_journal_reader_start() or tend_journal_reader_read_all_async() on it.
 * Cancelling @cancellable ends the read (and a follow) and releases what the backend
 * opened for it.
 *
 * Returns: (transfer full): a reader, or %NULL with @error set
 */
TendJournalReader *
tend_backend_open_journal (TendBackend             *self,
                           const char              *name,
                           const TendJournalQuery  *query,
                           GCancellable            *cancellable,
                           GError                 **error)
{
  g_return_val_if_fail (TEND_IS_BACKEND (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (query != NULL, NULL);

  if (!tend_unit_name_validate (name, error))
    return NULL;
  return TEND_BACKEND_GET_IFACE (self)->open_journal (self, name, query, cancellable, error);
}

/**
 * tend_backend_start_transient_async:
 * @name: the unit to make, such as `tend-demo-web.service`; it must not exist yet
 * @description: (nullable): its Description=
 * @argv: the command it runs (ExecStart=), argv[0] an absolute path
 *
 * Starts a transient service: a unit that exists while it runs (and while it stays
 * failed) and goes away when it stops, as `systemd-run --user` makes. It runs with
 * systemd's defaults (Type=simple, Restart=no). Finishes when systemd's start job is done.
 */
void
tend_backend_start_transient_async (TendBackend         *self,
                                    const char          *name,
                                    const char          *description,
                                    const char * const  *argv,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  TendBackendInterface *iface;

  g_return_if_fail (TEND_IS_BACKEND (self));
  g_return_if_fail (name != NULL);
  g_return_if_fail (argv != NULL && argv[0] != NULL);

  if (report_if_invalid (self, name, tend_backend_start_transient_async, callback, user_data))
    return;
  iface = TEND_BACKEND_GET_IFACE (self);
  if (iface->start_transient_async == NULL)
    {
      g_task_report_new_error (self, callback, user_data, tend_backend_start_transient_async,
                               TEND_ERROR, TEND_ERROR_NOT_SUPPORTED,
                               "this host cannot start a transient unit ('%s')", name);
      return;
    }
  iface->start_transient_async (self, name, description, argv, cancellable, callback,
                                user_data);
}

gboolean
tend_backend_start_transient_finish (TendBackend   *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (TEND_IS_BACKEND (self), FALSE);

  if (g_async_result_is_tagged (result, tend_backend_start_transient_async))
    return g_task_propagate_boolean (G_TASK (result), error);
  return TEND_BACKEND_GET_IFACE (self)->start_transient_finish (self, result, error);
}
