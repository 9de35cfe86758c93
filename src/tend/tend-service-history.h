/* tend-service-history.h — a service's history: uptime, chart, incidents, restart attempts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <tend.h>

G_BEGIN_DECLS

#define TEND_TYPE_SERVICE_HISTORY (tend_service_history_get_type ())
G_DECLARE_FINAL_TYPE (TendServiceHistory, tend_service_history, TEND, SERVICE_HISTORY, GtkWidget)

GtkWidget  *tend_service_history_new             (void);
TendStore  *tend_service_history_get_store       (TendServiceHistory *self);
gint64      tend_service_history_get_service_id  (TendServiceHistory *self);
void        tend_service_history_set_service     (TendServiceHistory *self,
                                                  TendStore          *store,
                                                  gint64              service_id,
                                                  const char         *explanation);
const char *tend_service_history_get_range       (TendServiceHistory *self);
void        tend_service_history_set_range       (TendServiceHistory *self,
                                                  const char         *range);
double      tend_service_history_get_uptime      (TendServiceHistory *self);
void        tend_service_history_refresh         (TendServiceHistory *self);

G_END_DECLS
