/* tend-application.h — the application: one instance, the engine, the hosts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <tend.h>

G_BEGIN_DECLS

#define TEND_TYPE_APPLICATION (tend_application_get_type ())
G_DECLARE_FINAL_TYPE (TendApplication, tend_application, TEND, APPLICATION, AdwApplication)

TendApplication *tend_application_new       (void);
GListModel      *tend_application_get_hosts (TendApplication *self);
TendStore       *tend_application_get_store (TendApplication *self);

G_END_DECLS
