/* tend-service-list.h — the services of a host (or of all hosts) in a column view
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <tend.h>

G_BEGIN_DECLS

#define TEND_TYPE_SERVICE_LIST (tend_service_list_get_type ())
G_DECLARE_FINAL_TYPE (TendServiceList, tend_service_list, TEND, SERVICE_LIST, GtkWidget)

GtkWidget  *tend_service_list_new          (void);
GListModel *tend_service_list_get_model    (TendServiceList *self);
void        tend_service_list_set_model    (TendServiceList *self,
                                            GListModel      *services);
void        tend_service_list_focus_search (TendServiceList *self);

G_END_DECLS
