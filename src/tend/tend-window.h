/* tend-window.h — the main window: sidebar of hosts, service list, service page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <tend.h>

G_BEGIN_DECLS

#define TEND_TYPE_WINDOW (tend_window_get_type ())
G_DECLARE_FINAL_TYPE (TendWindow, tend_window, TEND, WINDOW, AdwApplicationWindow)

TendWindow *tend_window_new          (TendApplication *application);
void        tend_window_show_service (TendWindow      *self,
                                      TendService     *service);
void        tend_window_add_toast    (TendWindow      *self,
                                      AdwToast        *toast);
void        tend_window_show_error   (TendWindow      *self,
                                      const char      *heading,
                                      const GError    *error);

G_END_DECLS
