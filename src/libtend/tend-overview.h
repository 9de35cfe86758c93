/* tend-overview.h — what the monitor says of every service, brought to the services
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tend-types.h"

G_BEGIN_DECLS

/* Without an engine in this process (another holds the engine's lock, such as
 * `tendctl monitor`), the overview reads the store for which services are watched and
 * their health when the store's file has changed, this many seconds (and a half) after
 * the first write of a batch. The engine saves a change of a service's status at once,
 * so what the window shows is at most about this much older than the engine's word. A
 * read that failed is tried again after this many seconds. */
#define TEND_OVERVIEW_POLL_INTERVAL_SEC 2

#define TEND_TYPE_OVERVIEW (tend_overview_get_type ())
G_DECLARE_FINAL_TYPE (TendOverview, tend_overview, TEND, OVERVIEW, GObject)

TendOverview *tend_overview_new            (TendStore    *store);
TendStore    *tend_overview_get_store      (TendOverview *self);
void          tend_overview_set_engine     (TendOverview *self,
                                            TendEngine   *engine);
void          tend_overview_add_host       (TendOverview *self,
                                            TendHost     *host);
void          tend_overview_remove_host    (TendOverview *self,
                                            TendHost     *host);
GListModel   *tend_overview_get_attention  (TendOverview *self);
void          tend_overview_refresh        (TendOverview *self);
TendEngine   *tend_overview_get_engine     (TendOverview *self);
guint         tend_overview_get_n_watched  (TendOverview *self);

G_END_DECLS
