/* tend-service-list-private.h — what the widget tests and the benchmark reach into
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tend-service-list.h"

G_BEGIN_DECLS

typedef void (*TendServiceListRunner) (GtkWidget      *source,
                                       TendUnitAction  action,
                                       GPtrArray      *services);

/* Replaces tend_action_runner_run() for the bulk actions (NULL restores it). */
void            _tend_service_list_set_runner      (TendServiceList       *self,
                                                    TendServiceListRunner  runner);
GtkSearchEntry *_tend_service_list_get_search_entry (TendServiceList      *self);
GtkColumnView  *_tend_service_list_get_column_view (TendServiceList       *self);
/* The name of the page shown: "list", "empty" or "no-match". */
const char     *_tend_service_list_get_page        (TendServiceList       *self);
/* Whether the narrow layout (Health, Name and State only) is in force. */
gboolean        _tend_service_list_get_narrow      (TendServiceList       *self);

G_END_DECLS
