/* tend-service-control.h — what a person asks of Tend about a service, for tendctl and
 * the window alike: watch, unwatch, silence, resume, recover now
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tend-duration.h"
#include "tend-health.h"
#include "tend-inventory.h"
#include "tend-store.h"
#include "tend-types.h"

G_BEGIN_DECLS

/* A silence lasts from a second to a year; its reason is at most this long. */
#define TEND_SERVICE_CONTROL_MIN_SILENCE_USEC TEND_USEC_PER_SEC
#define TEND_SERVICE_CONTROL_MAX_SILENCE_USEC (365 * TEND_USEC_PER_DAY)
#define TEND_SERVICE_CONTROL_MAX_REASON_CHARS 500

/* What "recover now" gives each step's checks to pass, at most. */
#define TEND_SERVICE_CONTROL_MAX_VERIFY_TIMEOUT TEND_USEC_PER_HOUR

/* The thresholds of watch's "resources" check, in percent of one CPU. */
#define TEND_SERVICE_CONTROL_WATCH_CPU_WARN_PERCENT     80.0
#define TEND_SERVICE_CONTROL_WATCH_CPU_CRITICAL_PERCENT 95.0

/**
 * TendServiceControlAction:
 * @TEND_SERVICE_CONTROL_WATCH: watch the unit with the checks `unit` and `resources`
 * @TEND_SERVICE_CONTROL_UNWATCH: remove the service, its checks and its policy
 * @TEND_SERVICE_CONTROL_SILENCE: no recovery, no notification until a time
 * @TEND_SERVICE_CONTROL_RESUME: end a silence and/or the "waiting for a person" mark
 * @TEND_SERVICE_CONTROL_RECOVER: the escalation ladder, now, verified by the checks
 */
typedef enum
{
  TEND_SERVICE_CONTROL_WATCH,
  TEND_SERVICE_CONTROL_UNWATCH,
  TEND_SERVICE_CONTROL_SILENCE,
  TEND_SERVICE_CONTROL_RESUME,
  TEND_SERVICE_CONTROL_RECOVER,
} TendServiceControlAction;

/**
 * TendServiceResumeFlags:
 * @TEND_SERVICE_RESUME_SILENCE: end the silence (one already over counts as none)
 * @TEND_SERVICE_RESUME_MANUAL: end "manual intervention required"
 * @TEND_SERVICE_RESUME_ALL: both; what 0 means too
 */
typedef enum
{
  TEND_SERVICE_RESUME_SILENCE = 1 << 0,
  TEND_SERVICE_RESUME_MANUAL  = 1 << 1,
  TEND_SERVICE_RESUME_ALL     = TEND_SERVICE_RESUME_SILENCE | TEND_SERVICE_RESUME_MANUAL,
} TendServiceResumeFlags;

/**
 * TendServiceControlOutcome:
 * @action: what was asked
 * @host_name: the inventory's name of the service's host ("local-user")
 * @host_spoken: how a sentence names it ("this computer")
 * @unit: the unit
 * @changed: whether the store changed; %FALSE: it was so already ("watched already",
 *   "nothing to resume")
 * @diff: (nullable): watch and unwatch: what changed in the inventory
 * @before: (nullable): silence and resume: what was set on the service before
 * @silenced_until_usec: silence: realtime µs when it ends
 * @engine_pid: the running engine (the lock owner) told to take the change in, 0 for none
 * @engine_warning: (nullable): why the running engine could not be told
 * @recovered: recover: whether the service is back
 * @attempts: (nullable) (element-type TendRecoveryAttempt): recover: the steps
 * @health: recover: the health its checks left it in (unknown without checks)
 * @n_checks: recover: how many checks verified it (0: the unit's state did)
 * @skipped: (nullable) (element-type utf8): recover: a sentence for each check that
 *   cannot run here and so did not verify it
 * @by_engine: recover: the running engine of this process verified it
 */
typedef struct
{
  TendServiceControlAction  action;
  char                     *host_name;
  char                     *host_spoken;
  char                     *unit;
  gboolean                  changed;
  TendInventoryDiff        *diff;
  TendServiceControls      *before;
  gint64                    silenced_until_usec;
  GPid                      engine_pid;
  char                     *engine_warning;
  gboolean                  recovered;
  GPtrArray                *attempts;
  TendHealthStatus          health;
  guint                     n_checks;
  GPtrArray                *skipped;
  gboolean                  by_engine;
} TendServiceControlOutcome;

void  tend_service_control_outcome_free     (TendServiceControlOutcome       *outcome);
char *tend_service_control_outcome_describe (const TendServiceControlOutcome *outcome,
                                             gint64                           now_usec);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TendServiceControlOutcome, tend_service_control_outcome_free)

/* Called once "recover now" knows its checks, before the first step: @outcome has
 * n_checks and skipped. */
typedef void (*TendServiceRecoveringFunc) (const TendServiceControlOutcome *outcome,
                                           gpointer                         user_data);

/**
 * TendServiceControlOptions:
 * @origin: who asks, for the audit log (0: a person in the window)
 * @host_name: (nullable): the inventory's name of the service's host, when it is not
 *   the host's id (a host of the inventory that is not connected here); watch accepts
 *   only this computer's host of the host's scope
 * @audit_parameters: (nullable): a JSON object for the audit row, instead of the one
 *   made from the options (tendctl records its options as typed)
 * @silence_until_usec: silence: realtime µs when it ends, within a year from now
 * @silence_reason: (nullable): silence: why, for the others
 * @resume: resume: what to end (0: both)
 * @verify_timeout_usec: recover: how long each step's checks have (0: 30 s)
 * @recovery_reason: (nullable): recover: the restart attempts' reason (default
 *   "recover now")
 * @engine: (nullable): recover: the engine running in this process; when it watches
 *   the service, its own monitor verifies the recovery (the results are stored as
 *   always and its supervisor sees them); otherwise a private monitor does
 * @recovering: (nullable): recover: told before the first step
 */
typedef struct
{
  TendAuditOrigin            origin;
  const char                *host_name;
  const char                *audit_parameters;
  gint64                     silence_until_usec;
  const char                *silence_reason;
  TendServiceResumeFlags     resume;
  gint64                     verify_timeout_usec;
  const char                *recovery_reason;
  TendEngine                *engine;
  TendServiceRecoveringFunc  recovering;
  gpointer                   recovering_data;
} TendServiceControlOptions;

void     tend_service_control_watch_async     (TendStore           *store,
                                               TendHost            *host,
                                               const char          *unit,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
void     tend_service_control_unwatch_async   (TendStore           *store,
                                               TendHost            *host,
                                               const char          *unit,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
void     tend_service_control_silence_async   (TendStore           *store,
                                               TendHost            *host,
                                               const char          *unit,
                                               gint64               duration_usec,
                                               const char          *reason,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
void     tend_service_control_resume_async    (TendStore           *store,
                                               TendHost            *host,
                                               const char          *unit,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
void     tend_service_control_recover_async   (TendStore           *store,
                                               TendHost            *host,
                                               const char          *unit,
                                               TendAuditOrigin      origin,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
void     tend_service_control_recover_with_engine_async
                                              (TendEngine          *engine,
                                               TendHost            *host,
                                               const char          *unit,
                                               TendAuditOrigin      origin,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean tend_service_control_finish          (GAsyncResult        *result,
                                               GError             **error);

void     tend_service_control_set_check_defaults (TendInventoryCheck *check,
                                                  TendConfig         *config);

void     tend_service_control_run_async       (TendServiceControlAction          action,
                                               TendStore                        *store,
                                               TendHost                         *host,
                                               const char                       *unit,
                                               const TendServiceControlOptions  *options,
                                               GCancellable                     *cancellable,
                                               GAsyncReadyCallback               callback,
                                               gpointer                          user_data);
TendServiceControlOutcome *
         tend_service_control_finish_outcome  (GAsyncResult        *result,
                                               GError             **error);

G_END_DECLS
