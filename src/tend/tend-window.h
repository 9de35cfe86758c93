/* tend-window.h — the main window: sidebar of hosts, service list, service page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <tend.h>

#include "tend-application.h"

G_BEGIN_DECLS

#define TEND_TYPE_WINDOW (tend_window_get_type ())
G_DECLARE_FINAL_TYPE (TendWindow, tend_window, TEND, WINDOW, AdwApplicationWindow)

TendWindow *tend_window_new          (TendApplication *application);
void        tend_window_show_service (TendWindow      *self,
                                      TendService     *service);
void        tend_window_show_host    (TendWindow      *self,
                                      TendHost        *host);
void        tend_window_add_toast    (TendWindow      *self,
                                      AdwToast        *toast);
void        tend_window_show_error   (TendWindow      *self,
                                      const char      *heading,
                                      const GError    *error);

GListModel   *tend_window_get_hosts    (TendWindow   *self);
void          tend_window_set_hosts    (TendWindow   *self,
                                        GListModel   *hosts);
TendOverview *tend_window_get_overview (TendWindow   *self);
void          tend_window_set_overview (TendWindow   *self,
                                        TendOverview *overview);
TendStore    *tend_window_get_store    (TendWindow   *self);
void          tend_window_set_store    (TendWindow   *self,
                                        TendStore    *store);
TendService  *tend_window_get_service  (TendWindow   *self);
gboolean      tend_window_get_folded   (TendWindow   *self);
const char   *tend_window_get_banner   (TendWindow   *self);

G_END_DECLS
