/* tend-incident-snapshot.h — what an incident keeps when Tend gives up on a service
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tend-types.h"

G_BEGIN_DECLS

/* The journal lines kept in a manual-intervention snapshot. */
#define TEND_INCIDENT_SNAPSHOT_JOURNAL_LINES 50

char *tend_incident_snapshot_to_json (const char   *reason,
                                      TendService  *service,
                                      const char   *layers_json,
                                      const char   *policy_json,
                                      GPtrArray    *journal,
                                      const char   *journal_error);
void  tend_incident_snapshot_save    (TendStore    *store,
                                      gint64        incident_id,
                                      TendHost     *host,
                                      const char   *unit,
                                      TendService  *service,
                                      const char   *reason,
                                      const char   *layers_json,
                                      const char   *policy_json,
                                      GCancellable *cancellable);

G_END_DECLS
