/* tend-host-control.c — adding and removing the hosts Tend looks after
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SKELETON: the contract of tend-host-control.h; the helper "hosts" writes it.
 */
#include "config.h"

#include "tend-host-control.h"

#include "tend-error.h"

void
tend_host_control_add_async (TendStore *store, const TendInventoryHost *spec,
                             const char *accept_fingerprint, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, tend_host_control_add_async);
  g_task_return_new_error (task, TEND_ERROR, TEND_ERROR_NOT_SUPPORTED, "not written yet");
  g_object_unref (task);
}

gboolean
tend_host_control_add_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

const char *
tend_host_control_add_get_fingerprint (GAsyncResult *result)
{
  return NULL;
}

void
tend_host_control_remove_async (TendStore *store, const char *name, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, tend_host_control_remove_async);
  g_task_return_new_error (task, TEND_ERROR, TEND_ERROR_NOT_SUPPORTED, "not written yet");
  g_object_unref (task);
}

gboolean
tend_host_control_remove_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
