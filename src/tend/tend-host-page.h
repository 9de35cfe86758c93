/* tend-host-page.h — a remote host that is not connected: what is wrong, what to do
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <tend.h>

G_BEGIN_DECLS

#define TEND_TYPE_HOST_PAGE (tend_host_page_get_type ())
G_DECLARE_FINAL_TYPE (TendHostPage, tend_host_page, TEND, HOST_PAGE, GtkWidget)

void        tend_host_page_set_host  (TendHostPage *self,
                                      TendHost     *host,
                                      const char   *address,
                                      int           port);
TendHost   *tend_host_page_get_host  (TendHostPage *self);
const char *tend_host_page_get_title (TendHostPage *self);

G_END_DECLS
