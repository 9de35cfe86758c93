/* tend-overview.h — what the monitor says of every service, brought to the services
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tend-types.h"

G_BEGIN_DECLS

#define TEND_TYPE_OVERVIEW (tend_overview_get_type ())
G_DECLARE_FINAL_TYPE (TendOverview, tend_overview, TEND, OVERVIEW, GObject)

TendOverview *tend_overview_new            (TendStore    *store);
TendStore    *tend_overview_get_store      (TendOverview *self);
void          tend_overview_set_engine     (TendOverview *self,
                                            TendEngine   *engine);
void          tend_overview_add_host       (TendOverview *self,
                                            TendHost     *host);
GListModel   *tend_overview_get_attention  (TendOverview *self);
void          tend_overview_refresh        (TendOverview *self);

G_END_DECLS
