/* tend-demo.h — `tend --demo`: the demo's three services in the window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What TendApplication does with --demo:
 *
 * 1. before it opens its store and its engine, it takes the demo's database instead of
 *    the person's: tend_demo_dup_database_path();
 * 2. once its engine has started on that database: tend_application_start_demo();
 * 3. in its shutdown, before its engine stops: tend_application_stop_demo().
 *
 * (Stubs here; the demo's own helper fills them in.)
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
