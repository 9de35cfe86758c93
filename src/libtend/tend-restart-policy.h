/* tend-restart-policy.h — when to recover a service, and when to stop trying
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "tend-types.h"

G_BEGIN_DECLS

/**
 * TendBreakerState:
 * @TEND_BREAKER_CLOSED: recoveries may run
 * @TEND_BREAKER_OPEN: breaker-threshold recoveries in a row failed; none runs until the
 *   breaker timeout has passed
 * @TEND_BREAKER_HALF_OPEN: the timeout has passed: one trial recovery may run
 */
typedef enum
{
  TEND_BREAKER_CLOSED,
  TEND_BREAKER_OPEN,
  TEND_BREAKER_HALF_OPEN,
} TendBreakerState;

/**
 * TendRecoveryUnitState:
 * @TEND_RECOVERY_UNIT_UNKNOWN: not known (no backend answer yet, host unreachable)
 * @TEND_RECOVERY_UNIT_ACTIVE: up or on its way (active, activating, reloading, deactivating)
 * @TEND_RECOVERY_UNIT_INACTIVE: stopped cleanly
 * @TEND_RECOVERY_UNIT_FAILED: systemd says failed
 *
 * What systemd says of the unit, as far as recovery cares.
 */
typedef enum
{
  TEND_RECOVERY_UNIT_UNKNOWN,
  TEND_RECOVERY_UNIT_ACTIVE,
  TEND_RECOVERY_UNIT_INACTIVE,
  TEND_RECOVERY_UNIT_FAILED,
} TendRecoveryUnitState;

/**
 * TendRecoveryAction:
 * @TEND_RECOVERY_ACTION_NONE: nothing to do; ask again when something is observed
 * @TEND_RECOVERY_ACTION_RECOVER_NOW: start a recovery now
 * @TEND_RECOVERY_ACTION_WAIT_UNTIL: a recovery is wanted but not allowed yet; ask again at
 *   the decision's @at_usec
 * @TEND_RECOVERY_ACTION_GIVE_UP_MANUAL: a restart loop was seen: no automatic recovery
 *   until a person resumes it (tend_restart_policy_resume())
 */
typedef enum
{
  TEND_RECOVERY_ACTION_NONE,
  TEND_RECOVERY_ACTION_RECOVER_NOW,
  TEND_RECOVERY_ACTION_WAIT_UNTIL,
  TEND_RECOVERY_ACTION_GIVE_UP_MANUAL,
} TendRecoveryAction;

/**
 * TendRecoveryCause:
 * @TEND_RECOVERY_CAUSE_NOT_NEEDED: (none) nothing the policy acts on
 * @TEND_RECOVERY_CAUSE_POLICY_NEVER: (none) the policy is never
 * @TEND_RECOVERY_CAUSE_IN_PROGRESS: (none) a recovery is running
 * @TEND_RECOVERY_CAUSE_FAILED: (recover now) critical, or the unit failed
 * @TEND_RECOVERY_CAUSE_STOPPED: (recover now) the unit stopped and the policy is always
 * @TEND_RECOVERY_CAUSE_BREAKER_TRIAL: (recover now) the trial of a half-open breaker
 * @TEND_RECOVERY_CAUSE_BREAKER_OPEN: (wait) the breaker is open
 * @TEND_RECOVERY_CAUSE_WINDOW_LIMIT: (wait) max-recoveries within the window were started
 * @TEND_RECOVERY_CAUSE_COOLDOWN: (wait) the pause after the last recovery
 * @TEND_RECOVERY_CAUSE_BACKOFF: (wait) the backoff delay before the next attempt
 * @TEND_RECOVERY_CAUSE_RESTART_LOOP: (give up) a restart loop; manual intervention required
 *
 * Why a decision is what it is, for programs; its @reason says the same to people.
 */
typedef enum
{
  TEND_RECOVERY_CAUSE_NOT_NEEDED,
  TEND_RECOVERY_CAUSE_POLICY_NEVER,
  TEND_RECOVERY_CAUSE_IN_PROGRESS,
  TEND_RECOVERY_CAUSE_FAILED,
  TEND_RECOVERY_CAUSE_STOPPED,
  TEND_RECOVERY_CAUSE_BREAKER_TRIAL,
  TEND_RECOVERY_CAUSE_BREAKER_OPEN,
  TEND_RECOVERY_CAUSE_WINDOW_LIMIT,
  TEND_RECOVERY_CAUSE_COOLDOWN,
  TEND_RECOVERY_CAUSE_BACKOFF,
  TEND_RECOVERY_CAUSE_RESTART_LOOP,
} TendRecoveryCause;

/* The nicks of the types (TEND_TYPE_BREAKER_STATE …, generated in tend-enums.h) */
const char *tend_breaker_state_to_string       (TendBreakerState      state);
const char *tend_recovery_unit_state_to_string (TendRecoveryUnitState state);
const char *tend_recovery_action_to_string     (TendRecoveryAction    action);
const char *tend_recovery_cause_to_string      (TendRecoveryCause     cause);

TendRecoveryUnitState tend_recovery_unit_state_from_active_state (const char *active_state);

/**
 * TendRecoveryDecision:
 * @action: what to do
 * @cause: why, for programs
 * @at_usec: when: now for RECOVER_NOW, the time to ask again for WAIT_UNTIL, -1 for NONE
 *   and GIVE_UP_MANUAL (ask again when something is observed, or after a resume)
 * @reason: why, one line for the audit log and the window: "cooldown: 42s left",
 *   "3 recoveries in 15min: limit reached, next in 4min 12s"
 */
struct _TendRecoveryDecision
{
  TendRecoveryAction  action;
  TendRecoveryCause   cause;
  gint64              at_usec;
  char               *reason;
};

#define TEND_TYPE_RECOVERY_DECISION (tend_recovery_decision_get_type ())
GType                 tend_recovery_decision_get_type (void) G_GNUC_CONST;
TendRecoveryDecision *tend_recovery_decision_copy     (const TendRecoveryDecision *decision);
void                  tend_recovery_decision_free     (TendRecoveryDecision       *decision);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TendRecoveryDecision, tend_recovery_decision_free)

/**
 * TendRestartPolicy:
 *
 * Whether and when to recover one service. Pure decision logic: it is told what
 * happened and when (tend_restart_policy_observe(), _recovery_started(),
 * _recovery_finished(), _resume()) and answers what to do and when
 * (tend_restart_policy_decide()). It keeps no timer, does no I/O and never reads a
 * clock: every call takes `now_usec`, on whatever clock the caller uses (monotonic or
 * realtime) but one clock throughout, never going backwards.
 *
 * A final GObject rather than a plain struct: the recovery engine and the window share
 * one policy per service by reference (one owner of the fact), and the window binds to
 * #TendRestartPolicy:manual-intervention-required to show the service as stopped by
 * Tend, with a Resume button. What time alone changes (an open breaker turning
 * half-open, a backoff reset after a healthy period) has no property: decide() and the
 * readers work it out from their `now_usec` (the next input records it). decide() changes
 * nothing; asking twice gives the same answer.
 *
 * The rules:
 *
 * - Hard state only. The policy acts on what tend_restart_policy_observe() was last
 *   given: the service's overall #TendHealthStatus, which #TendHealth computes from hard
 *   states, and systemd's state of the unit. A single failed probe never reaches it.
 * - Kinds. never: no recovery, ever. on-failure: recover when the health is critical or
 *   the unit failed; not when degraded or unknown, and not when the unit stopped cleanly
 *   (inactive), even when its checks are critical because it is stopped: a stop is a
 *   person's decision (as systemd's Restart=on-failure). always: as on-failure, and also
 *   bring back a unit that is inactive. backoff: as on-failure, with a growing delay
 *   before each attempt (below). The caller should not report a stop a person asked for
 *   as inactive to an always policy.
 * - Window limit. At most max-recoveries recoveries start within any window: a start at
 *   s counts until s + window (exclusive). With the limit reached the decision is to
 *   wait until the oldest counted start leaves the window, not to give up.
 * - Cooldown. No recovery starts within cooldown after the last one finished, so the
 *   checks can see the service healthy again; it should cover that time.
 * - Backoff. Attempt n (n = 0, 1, … since the last reset) waits
 *   d(n) = min (initial × multiplier^n, max), plus jitter × d(n) × r with r drawn in
 *   [0, 1) once per attempt (so a delay lies in [d(n), d(n) × (1 + jitter)), also at the
 *   cap, which keeps capped retries spread). It counts from the later of the end of the
 *   last recovery and the moment the failure was first observed. Attempt numbers go back
 *   to 0 after reset-after of continuous health: observed healthy (and the unit neither
 *   failed nor inactive) from one observation until a later one at least reset-after
 *   later, or until now while it lasts. Only the backoff resets; the window and the loop
 *   count slide.
 * - Several waits at once (breaker, window, cooldown, backoff): the decision waits for
 *   the latest of them and names it.
 * - Circuit breaker. It opens after breaker-threshold recoveries in a row did not bring
 *   the service back (recovery_finished() with success %FALSE: the action itself failed,
 *   or the caller judged the service not back); a failed recovery below that count
 *   leads to the next attempt by the other waits (cooldown, backoff). Open, it holds
 *   every recovery for breaker-timeout; then it is half-open: one trial recovery may run
 *   (still subject to the window, cooldown and backoff); its success closes the breaker
 *   and clears the count, its failure opens it again for another breaker-timeout. A
 *   service that heals by itself leaves the breaker as it is; reset-after of health
 *   clears the count of a closed one.
 * - Restart loop. When the service is in trouble again — a failure observed, or a
 *   recovery that did not bring it back — and loop-threshold or more recoveries already
 *   started within loop-window (counted as for the window limit), auto-recovery stops
 *   for the service: it is marked "manual intervention required" and every decision is
 *   GIVE_UP_MANUAL, whether the service is healthy again or not, until
 *   tend_restart_policy_resume(). So a service that fails on every start gets
 *   loop-threshold recoveries, and one whose last recovery holds is never marked.
 * - Resume (a person, like `systemctl reset-failed`): clears manual intervention, closes
 *   the breaker, forgets past starts, the cooldown and the backoff attempts. A recovery
 *   still running keeps running.
 * - Order of a decision: manual intervention, never, a recovery running, nothing to
 *   recover, then the waits, then recover now.
 *
 * Recoveries a person starts by hand are not reported to the policy. A time earlier
 * than one already given, a start while a recovery runs and a finish without one are
 * programming errors (critical warnings; the call does nothing).
 */
#define TEND_TYPE_RESTART_POLICY (tend_restart_policy_get_type ())
G_DECLARE_FINAL_TYPE (TendRestartPolicy, tend_restart_policy, TEND, RESTART_POLICY, GObject)

TendRestartPolicy    *tend_restart_policy_new                 (TendInventoryPolicyKind    kind);
TendRestartPolicy    *tend_restart_policy_new_from_config     (TendConfig                *config);
TendRestartPolicy    *tend_restart_policy_new_from_inventory  (const TendInventoryPolicy *policy,
                                                               TendConfig                *config);

/* Settings (the constructors set them all; the setters are for tests and tools) */
void     tend_restart_policy_set_kind                (TendRestartPolicy       *self,
                                                      TendInventoryPolicyKind  kind);
void     tend_restart_policy_set_window              (TendRestartPolicy       *self,
                                                      guint                    max_recoveries,
                                                      gint64                   window_usec);
void     tend_restart_policy_set_cooldown            (TendRestartPolicy       *self,
                                                      gint64                   cooldown_usec);
void     tend_restart_policy_set_backoff             (TendRestartPolicy       *self,
                                                      gint64                   initial_usec,
                                                      double                   multiplier,
                                                      gint64                   max_usec,
                                                      gint64                   reset_after_usec,
                                                      double                   jitter);
void     tend_restart_policy_set_breaker_timeout     (TendRestartPolicy       *self,
                                                      gint64                   timeout_usec);
void     tend_restart_policy_set_breaker_threshold   (TendRestartPolicy       *self,
                                                      guint                    threshold);
void     tend_restart_policy_set_loop_detection      (TendRestartPolicy       *self,
                                                      guint                    threshold,
                                                      gint64                   window_usec);
void     tend_restart_policy_set_seed                (TendRestartPolicy       *self,
                                                      guint32                  seed);

const TendInventoryPolicy *tend_restart_policy_get_settings (TendRestartPolicy *self);
gboolean tend_restart_policy_equal_settings          (TendRestartPolicy *a,
                                                      TendRestartPolicy *b);
TendInventoryPolicyKind tend_restart_policy_get_kind (TendRestartPolicy *self);
guint    tend_restart_policy_get_max_recoveries      (TendRestartPolicy *self);
gint64   tend_restart_policy_get_window              (TendRestartPolicy *self);
gint64   tend_restart_policy_get_cooldown            (TendRestartPolicy *self);
gint64   tend_restart_policy_get_backoff_initial     (TendRestartPolicy *self);
double   tend_restart_policy_get_backoff_multiplier  (TendRestartPolicy *self);
gint64   tend_restart_policy_get_backoff_max         (TendRestartPolicy *self);
gint64   tend_restart_policy_get_backoff_reset_after (TendRestartPolicy *self);
double   tend_restart_policy_get_jitter              (TendRestartPolicy *self);
gint64   tend_restart_policy_get_breaker_timeout     (TendRestartPolicy *self);
guint    tend_restart_policy_get_breaker_threshold   (TendRestartPolicy *self);
guint    tend_restart_policy_get_failed_in_a_row     (TendRestartPolicy *self);
guint    tend_restart_policy_get_loop_threshold      (TendRestartPolicy *self);
gint64   tend_restart_policy_get_loop_window         (TendRestartPolicy *self);

/* What happened */
void                  tend_restart_policy_observe             (TendRestartPolicy     *self,
                                                               TendHealthStatus       health,
                                                               TendRecoveryUnitState  unit,
                                                               gint64                 now_usec);
void                  tend_restart_policy_recovery_started    (TendRestartPolicy     *self,
                                                               gint64                 now_usec);
void                  tend_restart_policy_recovery_finished   (TendRestartPolicy     *self,
                                                               gboolean               success,
                                                               gint64                 now_usec);
void                  tend_restart_policy_resume              (TendRestartPolicy     *self,
                                                               gint64                 now_usec);

/* What to do */
TendRecoveryDecision *tend_restart_policy_decide              (TendRestartPolicy     *self,
                                                               gint64                 now_usec);

/* The state */
gboolean              tend_restart_policy_get_manual_intervention_required
                                                              (TendRestartPolicy     *self);
gboolean              tend_restart_policy_is_recovering       (TendRestartPolicy     *self);
TendBreakerState      tend_restart_policy_get_breaker_state   (TendRestartPolicy     *self,
                                                               gint64                 now_usec);
guint                 tend_restart_policy_count_recoveries    (TendRestartPolicy     *self,
                                                               gint64                 now_usec);
guint                 tend_restart_policy_count_loop_recoveries
                                                              (TendRestartPolicy     *self,
                                                               gint64                 now_usec);
guint                 tend_restart_policy_get_backoff_attempt (TendRestartPolicy     *self,
                                                               gint64                 now_usec);
gint64                tend_restart_policy_get_next_delay      (TendRestartPolicy     *self,
                                                               gint64                 now_usec);
char                 *tend_restart_policy_dup_state_json      (TendRestartPolicy     *self,
                                                               gint64                 now_usec);

G_END_DECLS
