/* tend-service-page.h — one service: state, health, actions, details, history, journal
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <tend.h>

G_BEGIN_DECLS

#define TEND_TYPE_SERVICE_PAGE (tend_service_page_get_type ())
G_DECLARE_FINAL_TYPE (TendServicePage, tend_service_page, TEND, SERVICE_PAGE, GtkWidget)

GtkWidget   *tend_service_page_new         (void);
TendService *tend_service_page_get_service (TendServicePage *self);
void         tend_service_page_set_service (TendServicePage *self,
                                            TendService     *service);
TendStore   *tend_service_page_get_store   (TendServicePage *self);
void         tend_service_page_set_store   (TendServicePage *self,
                                            TendStore       *store);

G_END_DECLS
