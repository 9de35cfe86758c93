/* tend-service-set.h — a live set of services as a GListModel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tend-types.h"

G_BEGIN_DECLS

#define TEND_TYPE_SERVICE_SET (tend_service_set_get_type ())
G_DECLARE_FINAL_TYPE (TendServiceSet, tend_service_set, TEND, SERVICE_SET, GObject)

TendServiceSet *tend_service_set_new        (void);
gboolean        tend_service_set_add        (TendServiceSet *self,
                                             TendService    *service);
gboolean        tend_service_set_remove     (TendServiceSet *self,
                                             TendService    *service);
gboolean        tend_service_set_contains   (TendServiceSet *self,
                                             TendService    *service);

G_END_DECLS
