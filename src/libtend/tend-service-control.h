/* tend-service-control.h — what a person asks of Tend about a service, for tendctl and
 * the window alike: watch, unwatch, silence, resume, recover now
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tend-types.h"

G_BEGIN_DECLS

void     tend_service_control_watch_async     (TendStore           *store,
                                               TendHost            *host,
                                               const char          *unit,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
void     tend_service_control_unwatch_async   (TendStore           *store,
                                               TendHost            *host,
                                               const char          *unit,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
void     tend_service_control_silence_async   (TendStore           *store,
                                               TendHost            *host,
                                               const char          *unit,
                                               gint64               duration_usec,
                                               const char          *reason,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
void     tend_service_control_resume_async    (TendStore           *store,
                                               TendHost            *host,
                                               const char          *unit,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
void     tend_service_control_recover_async   (TendStore           *store,
                                               TendHost            *host,
                                               const char          *unit,
                                               TendAuditOrigin      origin,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean tend_service_control_finish          (GAsyncResult        *result,
                                               GError             **error);

G_END_DECLS
