/* tend-sidebar-row.h — a row of the window's sidebar: a host, or the services needing
 * attention, with counts of failed and unhealthy services
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <tend.h>

G_BEGIN_DECLS

#define TEND_TYPE_SIDEBAR_ROW (tend_sidebar_row_get_type ())
G_DECLARE_FINAL_TYPE (TendSidebarRow, tend_sidebar_row, TEND, SIDEBAR_ROW, GtkListBoxRow)

GtkWidget  *tend_sidebar_row_new_for_host  (TendHost       *host);
const char *tend_sidebar_row_get_title     (TendSidebarRow *self);
void        tend_sidebar_row_set_title     (TendSidebarRow *self,
                                            const char     *title);
TendHost   *tend_sidebar_row_get_host      (TendSidebarRow *self);
GListModel *tend_sidebar_row_get_services  (TendSidebarRow *self);
void        tend_sidebar_row_set_services  (TendSidebarRow *self,
                                            GListModel     *services);
guint       tend_sidebar_row_get_n_failed  (TendSidebarRow *self);
guint       tend_sidebar_row_get_n_unhealthy (TendSidebarRow *self);
const char *tend_sidebar_row_get_status    (TendSidebarRow *self);
const char *tend_sidebar_row_get_state_word (TendSidebarRow *self);

G_END_DECLS
