/* tend-event-row.h — an incident or a restart attempt in the service page's History
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <tend.h>

G_BEGIN_DECLS

#define TEND_TYPE_EVENT_ROW (tend_event_row_get_type ())
G_DECLARE_FINAL_TYPE (TendEventRow, tend_event_row, TEND, EVENT_ROW, AdwActionRow)

GtkWidget  *tend_event_row_new_for_incident (const TendIncident      *incident);
GtkWidget  *tend_event_row_new_for_attempt  (const TendStoredAttempt *attempt);
const char *tend_event_row_get_outcome      (TendEventRow            *self);
void        tend_event_row_set_outcome      (TendEventRow            *self,
                                             const char              *outcome);
const char *tend_event_row_get_icon_name    (TendEventRow            *self);
void        tend_event_row_set_icon_name    (TendEventRow            *self,
                                             const char              *icon_name);

G_END_DECLS
