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

/* The columns, for tend_service_list_sort_by(). */
typedef enum
{
  TEND_SERVICE_COLUMN_HEALTH,
  TEND_SERVICE_COLUMN_NAME,
  TEND_SERVICE_COLUMN_DESCRIPTION,
  TEND_SERVICE_COLUMN_STATE,
  TEND_SERVICE_COLUMN_MEMORY,
  TEND_SERVICE_COLUMN_CPU,
  TEND_SERVICE_COLUMN_UPTIME,
  TEND_SERVICE_COLUMN_RESTARTS,
} TendServiceColumn;

GtkWidget         *tend_service_list_new           (void);
GListModel        *tend_service_list_get_model     (TendServiceList   *self);
void               tend_service_list_set_model     (TendServiceList   *self,
                                                    GListModel        *services);
void               tend_service_list_focus_search  (TendServiceList   *self);
GtkSelectionModel *tend_service_list_get_selection (TendServiceList   *self);
GPtrArray         *tend_service_list_dup_selected  (TendServiceList   *self);
void               tend_service_list_sort_by       (TendServiceList   *self,
                                                    TendServiceColumn  column,
                                                    GtkSortType        direction);
void               tend_service_list_clear_filters (TendServiceList   *self);

G_END_DECLS
