/* tend-recovery.h — the escalation ladder that brings a service back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tend-types.h"

G_BEGIN_DECLS

/* How long the checks have, after a step, to say the service is healthy again. */
#define TEND_RECOVERY_DEFAULT_VERIFY_TIMEOUT (30 * G_USEC_PER_SEC)

/* How long it must then stay healthy: a unit that dies at once did not recover. */
#define TEND_RECOVERY_DEFAULT_SETTLE_TIME (1 * G_USEC_PER_SEC)

/**
 * TendRecoveryStep:
 * @TEND_RECOVERY_STEP_RELOAD: soft: the unit runs and can reload, its checks fail
 * @TEND_RECOVERY_STEP_START: standard: the unit is not running
 * @TEND_RECOVERY_STEP_RESTART: hard: the unit failed, or a softer step did not help
 */
typedef enum
{
  TEND_RECOVERY_STEP_RELOAD,
  TEND_RECOVERY_STEP_START,
  TEND_RECOVERY_STEP_RESTART,
} TendRecoveryStep;

const char       *tend_recovery_step_to_string (TendRecoveryStep  step);
TendRecoveryStep  tend_recovery_first_step     (TendService      *service);

/**
 * TendRecoveryAttempt:
 * @step: what was done
 * @success: the job succeeded and the checks then said healthy
 * @action_failed: the step itself failed (systemd refused it, or its job did not
 *   complete); otherwise, when not a success, the unit ran but did not come back healthy
 * @time_usec: realtime µs when it began
 * @duration_usec: from the job's start to the verdict
 * @error: (nullable): why it did not bring the service back
 */
typedef struct
{
  TendRecoveryStep step;
  gboolean success;
  gboolean action_failed;
  gint64 time_usec;
  gint64 duration_usec;
  char *error;
} TendRecoveryAttempt;

void tend_recovery_attempt_free (TendRecoveryAttempt *attempt);

#define TEND_TYPE_RECOVERY (tend_recovery_get_type ())
G_DECLARE_FINAL_TYPE (TendRecovery, tend_recovery, TEND, RECOVERY, GObject)

TendRecovery *tend_recovery_new                (TendMonitor         *monitor,
                                                TendStore           *store);
void          tend_recovery_set_verify_timeout (TendRecovery        *self,
                                                gint64               timeout_usec);
gint64        tend_recovery_get_verify_timeout (TendRecovery        *self);
void          tend_recovery_set_settle_time    (TendRecovery        *self,
                                                gint64               settle_usec);

void          tend_recovery_run_async          (TendRecovery        *self,
                                                TendHost            *host,
                                                const char          *unit,
                                                gint64               service_id,
                                                gint64               incident_id,
                                                const char          *reason,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
GPtrArray    *tend_recovery_run_finish         (TendRecovery        *self,
                                                GAsyncResult        *result,
                                                gboolean            *recovered,
                                                GError             **error);

G_END_DECLS
