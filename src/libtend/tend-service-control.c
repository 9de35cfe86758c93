/* tend-service-control.c — see tend-service-control.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * (Stub: the contract the window is built against; the real one follows.)
 */
#define G_LOG_DOMAIN "Tend-Recovery"

#include "tend-service-control.h"

#include "tend-error.h"

static void
not_yet (GAsyncReadyCallback callback,
         gpointer            user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, callback, user_data);

  g_task_return_new_error (task, TEND_ERROR, TEND_ERROR_NOT_SUPPORTED, "not yet");
}

void
tend_service_control_watch_async (TendStore *store, TendHost *host, const char *unit,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  not_yet (callback, user_data);
}

void
tend_service_control_unwatch_async (TendStore *store, TendHost *host, const char *unit,
                                    GCancellable *cancellable, GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  not_yet (callback, user_data);
}

void
tend_service_control_silence_async (TendStore *store, TendHost *host, const char *unit,
                                    gint64 duration_usec, const char *reason,
                                    GCancellable *cancellable, GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  not_yet (callback, user_data);
}

void
tend_service_control_resume_async (TendStore *store, TendHost *host, const char *unit,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  not_yet (callback, user_data);
}

void
tend_service_control_recover_async (TendStore *store, TendHost *host, const char *unit,
                                    TendAuditOrigin origin, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data)
{
  not_yet (callback, user_data);
}

gboolean
tend_service_control_finish (GAsyncResult  *result,
                             GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
