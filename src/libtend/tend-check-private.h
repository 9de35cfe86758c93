/* tend-check-private.h — what check kinds share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tend-check.h"

G_BEGIN_DECLS

char     *tend_check_validate_host (const char  *host,
                                    GError     **error);
gboolean  tend_check_validate_port (guint        port,
                                    GError     **error);
gboolean  tend_check_validate_unit (const char  *unit,
                                    GError     **error);

TendCheck *tend_check_new_for_address (GType        type,
                                       const char  *name,
                                       const char  *host,
                                       guint        port,
                                       GError     **error);

void      tend_check_changed       (TendCheck   *self);

/* Checks of a service on an SSH host (tend-check.c): not run while it is away; loopback
 * addresses reached through its SSH port forward. */
void      tend_check_set_remote_host   (TendCheck   *self,
                                        TendHost    *host);
TendHost *tend_check_get_remote_host   (TendCheck   *self);
gboolean  tend_check_host_is_loopback  (const char  *host);
gboolean  tend_check_resolve_address   (TendCheck   *self,
                                        const char  *host,
                                        guint        port,
                                        char       **connect_host,
                                        guint       *connect_port,
                                        GError     **error);
char     *tend_check_format_address (const char *host,
                                     guint       port);

/* Called with the service a probe read and its task (transfer full), which it finishes
 * with a verdict. */
typedef void (*TendCheckServiceLoaded) (TendCheck   *self,
                                        TendService *service,
                                        GTask       *task);

void      tend_check_probe_service_async (TendCheck              *self,
                                          TendHost               *host,
                                          const char             *unit,
                                          gpointer                source_tag,
                                          TendCheckServiceLoaded  loaded,
                                          TendResultStatus        not_found_status,
                                          const char             *not_found_message,
                                          GCancellable           *cancellable,
                                          GAsyncReadyCallback     callback,
                                          gpointer                user_data);

/* A run of a check on the cheap path (tend-check-run.c): no GTask, GCancellable or
 * GSource of its own; its timeout waits in a queue of the runs with the same timeout. */
/* Called once with the run's verdict (transfer full), in a later dispatch of the main
 * loop than tend_check_start(), never after tend_check_run_stop(). The run is gone after
 * it. A %NULL verdict: tend_check_run_abort() ended it. */
typedef void (*TendCheckRunDone) (TendCheckRun     *run,
                                  TendCheckVerdict *verdict,
                                  gpointer          user_data);

TendCheckRun *tend_check_start          (TendCheck        *self,
                                         TendCheckRunDone  done,
                                         gpointer          user_data);
void          tend_check_run_stop       (TendCheckRun     *run);
void          tend_check_run_abort      (TendCheckRun     *run);

/* For kinds, in start_run and after. */
TendCheck    *tend_check_run_get_check  (TendCheckRun     *run);
gint64        tend_check_run_get_started (TendCheckRun    *run);
gpointer      tend_check_run_get_data   (TendCheckRun     *run);
void          tend_check_run_set_data   (TendCheckRun     *run,
                                         gpointer          data);
void          tend_check_run_return     (TendCheckRun     *run,
                                         TendCheckVerdict *verdict);

/* tend-check.c, for tend-check-run.c */
void      tend_check_run_async_slow (TendCheck           *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
gboolean  tend_check_run_quick_async (TendCheck           *self,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
TendCheckVerdict *tend_check_timeout_verdict (TendCheck *self);
TendCheckVerdict *tend_check_verdict_new_take (TendResultStatus  status,
                                               TendCheckFailure  failure,
                                               gint64            latency_usec,
                                               char             *message);

G_END_DECLS
