/* tend-demo.h — `tend --demo`: the demo's three services in the window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What TendApplication does with --demo (the demo's services, checks and policy are
 * libtend's TendDemoServices):
 *
 * 1. before it opens its store and its engine, it takes the demo's database instead of
 *    the person's: tend_demo_dup_database_path();
 * 2. once its engine has started on that database: tend_application_start_demo() starts
 *    the services as transient units in the user's own manager, imports their checks
 *    and backoff policy and reloads the engine;
 * 3. in its shutdown: tend_application_stop_demo() stops the services, which, being
 *    transient, go away.
 */
#pragma once

#include <tend.h>

#include "tend-application.h"

G_BEGIN_DECLS

char *tend_demo_dup_database_path (void);
void  tend_application_start_demo (TendApplication *self,
                                   TendEngine      *engine);
void  tend_application_stop_demo  (TendApplication *self);

G_END_DECLS
