/* tend-supervisor.h — acting on health: recovery by policy, silences, dependencies
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tend-maintenance.h"
#include "tend-types.h"

G_BEGIN_DECLS

#define TEND_TYPE_SUPERVISOR (tend_supervisor_get_type ())
G_DECLARE_FINAL_TYPE (TendSupervisor, tend_supervisor, TEND, SUPERVISOR, GObject)

TendSupervisor *tend_supervisor_new           (TendMonitor                 *monitor,
                                               TendStore                   *store,
                                               TendConfig                  *config);

void            tend_supervisor_watch         (TendSupervisor              *self,
                                               gint64                       service_id,
                                               TendHost                    *host,
                                               const char                  *host_name,
                                               const char                  *unit,
                                               const TendInventoryPolicy   *policy,
                                               const char * const          *depends_on,
                                               const TendMaintenanceWindow *maintenance,
                                               guint                        n_maintenance);
void            tend_supervisor_unwatch       (TendSupervisor              *self,
                                               gint64                       service_id);
char           *tend_supervisor_dup_name      (TendSupervisor              *self,
                                               gint64                       service_id);
gint64          tend_supervisor_find          (TendSupervisor              *self,
                                               const char                  *host_name,
                                               const char                  *unit);
TendHost       *tend_supervisor_get_host      (TendSupervisor              *self,
                                               gint64                       service_id);

void            tend_supervisor_set_silence   (TendSupervisor              *self,
                                               gint64                       service_id,
                                               gint64                       until_usec);
void            tend_supervisor_set_manual    (TendSupervisor              *self,
                                               gint64                       service_id,
                                               gboolean                     manual,
                                               const char                  *reason);
gboolean        tend_supervisor_is_quiet      (TendSupervisor              *self,
                                               gint64                       service_id,
                                               gint64                       now_usec,
                                               char                       **why);
TendRestartPolicy *tend_supervisor_get_policy (TendSupervisor              *self,
                                               gint64                       service_id);
const TendRecoveryStatus *
                tend_supervisor_get_recovery_status (TendSupervisor        *self,
                                                     gint64                 service_id);

G_END_DECLS
