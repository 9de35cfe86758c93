/* tend-service-health.h — a service's checks and the recovery policy in force
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <tend.h>

G_BEGIN_DECLS

#define TEND_TYPE_SERVICE_HEALTH (tend_service_health_get_type ())
G_DECLARE_FINAL_TYPE (TendServiceHealth, tend_service_health, TEND, SERVICE_HEALTH, GtkWidget)

GtkWidget   *tend_service_health_new            (void);
TendService *tend_service_health_get_service    (TendServiceHealth *self);
gint64       tend_service_health_get_service_id (TendServiceHealth *self);
void         tend_service_health_set_service    (TendServiceHealth *self,
                                                 TendStore         *store,
                                                 TendService       *service,
                                                 gint64             service_id,
                                                 const char        *explanation);
void         tend_service_health_refresh        (TendServiceHealth *self);

G_END_DECLS
