/* tend-engine.h — the monitor as a program runs it: the store's checks on their hosts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tend-types.h"

G_BEGIN_DECLS

#define TEND_TYPE_ENGINE (tend_engine_get_type ())
G_DECLARE_FINAL_TYPE (TendEngine, tend_engine, TEND, ENGINE, GObject)

TendEngine  *tend_engine_new            (const char          *store_path);
void         tend_engine_set_desktop_notifier (TendEngine    *self,
                                               TendNotifier  *notifier);
const char  *tend_engine_get_store_path (TendEngine          *self);
TendStore   *tend_engine_get_store      (TendEngine          *self);
TendMonitor *tend_engine_get_monitor    (TendEngine          *self);
TendConfig  *tend_engine_get_config     (TendEngine          *self);
TendSupervisor *tend_engine_get_supervisor (TendEngine       *self);
TendHost       *tend_engine_lookup_host    (TendEngine       *self,
                                            const char       *name);
guint        tend_engine_get_n_checks   (TendEngine          *self);

GPid         tend_engine_notify_owner   (const char          *store_path,
                                         GError             **error);

void         tend_engine_start_async    (TendEngine          *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean     tend_engine_start_finish   (TendEngine          *self,
                                         GAsyncResult        *result,
                                         GError             **error);
void         tend_engine_reload_async   (TendEngine          *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean     tend_engine_reload_finish  (TendEngine          *self,
                                         GAsyncResult        *result,
                                         GError             **error);
void         tend_engine_reload         (TendEngine          *self,
                                         GCancellable        *cancellable);
void         tend_engine_stop_async     (TendEngine          *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean     tend_engine_stop_finish    (TendEngine          *self,
                                         GAsyncResult        *result,
                                         GError             **error);

G_END_DECLS
