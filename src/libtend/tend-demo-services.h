/* tend-demo-services.h — the three services of Tend's demo: units, checks and policy
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tend-host.h"
#include "tend-inventory.h"

G_BEGIN_DECLS

/* The demo's units, in the order they are shown. */
#define TEND_DEMO_WEB_UNIT     "tend-demo-web.service"
#define TEND_DEMO_REDIS_UNIT   "tend-demo-redis.service"
#define TEND_DEMO_CRASHER_UNIT "tend-demo-crasher.service"

/* How long the crasher runs before it exits with status 1. */
#define TEND_DEMO_CRASHER_RUN_SECONDS 40

#define TEND_TYPE_DEMO_SERVICES (tend_demo_services_get_type ())
G_DECLARE_FINAL_TYPE (TendDemoServices, tend_demo_services, TEND, DEMO_SERVICES, GObject)

char             *tend_demo_services_default_database (void);
char             *tend_demo_services_prepare_database (GError            **error);

TendDemoServices *tend_demo_services_new            (guint16              web_port,
                                                     guint16              redis_port);
guint16           tend_demo_services_get_web_port   (TendDemoServices    *self);
guint16           tend_demo_services_get_redis_port (TendDemoServices    *self);
const char * const *
                  tend_demo_services_get_units      (TendDemoServices    *self);
const char       *tend_demo_services_get_description (TendDemoServices   *self,
                                                      const char         *unit);
char            **tend_demo_services_dup_argv       (TendDemoServices    *self,
                                                     const char          *unit);
char             *tend_demo_services_dup_inventory_json (TendDemoServices *self);

void              tend_demo_services_start_async    (TendDemoServices    *self,
                                                     TendHost            *host,
                                                     const char          *database,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean          tend_demo_services_start_finish   (TendDemoServices    *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);
void              tend_demo_services_stop_async     (TendDemoServices    *self,
                                                     TendHost            *host,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean          tend_demo_services_stop_finish    (TendDemoServices    *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

G_END_DECLS
