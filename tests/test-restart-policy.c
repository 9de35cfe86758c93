/* test-restart-policy.c — the recovery decisions: kinds, window, cooldown, backoff,
 * breaker, restart loops, fed with explicit times
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Tend-Recovery"   /* the domain of the code under test */

#include <string.h>

#include <json-glib/json-glib.h>

#include "tend-check.h"
#include "tend-config.h"
#include "tend-health.h"
#include "tend-inventory.h"
#include "tend-restart-policy.h"

#define SEC TEND_USEC_PER_SEC
#define MINUTE TEND_USEC_PER_MIN
#define HOUR TEND_USEC_PER_HOUR

/* Any origin will do: the policy never reads a clock. */
#define T0 (1000 * HOUR)

#define CRITICAL TEND_HEALTH_CRITICAL
#define HEALTHY TEND_HEALTH_HEALTHY
#define ACTIVE TEND_RECOVERY_UNIT_ACTIVE

#define NOW TEND_RECOVERY_ACTION_RECOVER_NOW
#define WAIT TEND_RECOVERY_ACTION_WAIT_UNTIL
#define NONE TEND_RECOVERY_ACTION_NONE
#define MANUAL TEND_RECOVERY_ACTION_GIVE_UP_MANUAL

/* Asserts the decision at @now and returns it, for its reason. */
static TendRecoveryDecision *
expect (TendRestartPolicy  *policy,
        gint64              now,
        TendRecoveryAction  action,
        TendRecoveryCause   cause,
        gint64              at)
{
  TendRecoveryDecision *decision = tend_restart_policy_decide (policy, now);

  g_assert_nonnull (decision);
  g_assert_cmpstr (tend_recovery_action_to_string (decision->action), ==,
                   tend_recovery_action_to_string (action));
  g_assert_cmpstr (tend_recovery_cause_to_string (decision->cause), ==,
                   tend_recovery_cause_to_string (cause));
  g_assert_cmpint (decision->at_usec, ==, at);
  g_assert_nonnull (decision->reason);
  g_assert_null (strchr (decision->reason, '\n'));
  return decision;
}

static void
check (TendRestartPolicy  *policy,
       gint64              now,
       TendRecoveryAction  action,
       TendRecoveryCause   cause,
       gint64              at)
{
  tend_recovery_decision_free (expect (policy, now, action, cause, at));
}

static void
expect_reason (TendRestartPolicy  *policy,
               gint64              now,
               TendRecoveryAction  action,
               TendRecoveryCause   cause,
               gint64              at,
               const char         *reason)
{
  g_autoptr(TendRecoveryDecision) decision = expect (policy, now, action, cause, at);

  if (reason != NULL)
    g_assert_cmpstr (decision->reason, ==, reason);
}

/* One recovery from @start that ends @took later with @success. */
static void
recover (TendRestartPolicy *policy,
         gint64             start,
         gint64             took,
         gboolean           success)
{
  tend_restart_policy_recovery_started (policy, start);
  tend_restart_policy_recovery_finished (policy, success, start + took);
}

/* A policy whose only limit is the one a test looks at. */
static TendRestartPolicy *
unlimited (TendInventoryPolicyKind kind)
{
  TendRestartPolicy *policy = tend_restart_policy_new (kind);

  tend_restart_policy_set_window (policy, 100, MINUTE);
  tend_restart_policy_set_cooldown (policy, 0);
  tend_restart_policy_set_loop_detection (policy, 100, SEC);
  tend_restart_policy_set_backoff (policy, 10 * SEC, 2.0, 5 * MINUTE, 10 * MINUTE, 0.0);
  return policy;
}

/* ------------------------------------------------------------------------------------ */
/* Construction                                                                          */

static void
test_defaults (void)
{
  g_autoptr(TendRestartPolicy) policy = tend_restart_policy_new (TEND_INVENTORY_POLICY_ALWAYS);

  g_assert_cmpint (tend_restart_policy_get_kind (policy), ==, TEND_INVENTORY_POLICY_ALWAYS);
  g_assert_cmpuint (tend_restart_policy_get_max_recoveries (policy), ==, 3);
  g_assert_cmpint (tend_restart_policy_get_window (policy), ==, 15 * MINUTE);
  g_assert_cmpint (tend_restart_policy_get_cooldown (policy), ==, 5 * SEC);
  g_assert_cmpint (tend_restart_policy_get_backoff_initial (policy), ==, 10 * SEC);
  g_assert_cmpfloat (tend_restart_policy_get_backoff_multiplier (policy), ==, 2.0);
  g_assert_cmpint (tend_restart_policy_get_backoff_max (policy), ==, 5 * MINUTE);
  g_assert_cmpint (tend_restart_policy_get_backoff_reset_after (policy), ==, 10 * MINUTE);
  g_assert_cmpfloat (tend_restart_policy_get_jitter (policy), ==, 0.0);
  g_assert_cmpint (tend_restart_policy_get_breaker_timeout (policy), ==, MINUTE);
  g_assert_cmpuint (tend_restart_policy_get_breaker_threshold (policy), ==, 3);
  g_assert_cmpuint (tend_restart_policy_get_loop_threshold (policy), ==, 3);
  g_assert_cmpint (tend_restart_policy_get_loop_window (policy), ==, 5 * MINUTE);

  g_assert_false (tend_restart_policy_get_manual_intervention_required (policy));
  g_assert_false (tend_restart_policy_is_recovering (policy));
  g_assert_cmpint (tend_restart_policy_get_breaker_state (policy, T0), ==, TEND_BREAKER_CLOSED);
  g_assert_cmpuint (tend_restart_policy_count_recoveries (policy, T0), ==, 0);
  g_assert_cmpuint (tend_restart_policy_get_backoff_attempt (policy, T0), ==, 0);
  g_assert_cmpint (tend_restart_policy_get_next_delay (policy, T0), ==, 10 * SEC);
  /* Nothing observed yet: nothing to do. */
  expect_reason (policy, T0, NONE, TEND_RECOVERY_CAUSE_NOT_NEEDED, -1,
                 "nothing to recover: health unknown, unit unknown");
}

static void
set_config (TendConfig *config,
            const char *key,
            const char *value)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (tend_config_set_from_string (config, key, value, &error));
  g_assert_no_error (error);
}

static void
test_from_config (void)
{
  g_autoptr(TendConfig) config = tend_config_new ();
  g_autoptr(TendRestartPolicy) policy = NULL;

  set_config (config, "recovery.default-policy", "backoff");
  set_config (config, "recovery.max-attempts", "7");
  set_config (config, "recovery.window", "20min");
  set_config (config, "recovery.cooldown", "45s");
  set_config (config, "recovery.backoff-initial", "3s");
  set_config (config, "recovery.backoff-multiplier", "1.5");
  set_config (config, "recovery.backoff-max", "2min");
  set_config (config, "recovery.backoff-reset-after", "30min");
  set_config (config, "recovery.backoff-jitter-percent", "20");
  set_config (config, "recovery.breaker-timeout", "90s");
  set_config (config, "recovery.breaker-threshold", "2");
  set_config (config, "recovery.loop-threshold", "4");
  set_config (config, "recovery.loop-window", "8min");

  policy = tend_restart_policy_new_from_config (config);
  g_assert_cmpint (tend_restart_policy_get_kind (policy), ==, TEND_INVENTORY_POLICY_BACKOFF);
  g_assert_cmpuint (tend_restart_policy_get_max_recoveries (policy), ==, 7);
  g_assert_cmpint (tend_restart_policy_get_window (policy), ==, 20 * MINUTE);
  g_assert_cmpint (tend_restart_policy_get_cooldown (policy), ==, 45 * SEC);
  g_assert_cmpint (tend_restart_policy_get_backoff_initial (policy), ==, 3 * SEC);
  g_assert_cmpfloat (tend_restart_policy_get_backoff_multiplier (policy), ==, 1.5);
  g_assert_cmpint (tend_restart_policy_get_backoff_max (policy), ==, 2 * MINUTE);
  g_assert_cmpint (tend_restart_policy_get_backoff_reset_after (policy), ==, 30 * MINUTE);
  g_assert_cmpfloat_with_epsilon (tend_restart_policy_get_jitter (policy), 0.2, 1e-12);
  g_assert_cmpint (tend_restart_policy_get_breaker_timeout (policy), ==, 90 * SEC);
  g_assert_cmpuint (tend_restart_policy_get_breaker_threshold (policy), ==, 2);
  g_assert_cmpuint (tend_restart_policy_get_loop_threshold (policy), ==, 4);
  g_assert_cmpint (tend_restart_policy_get_loop_window (policy), ==, 8 * MINUTE);

  /* The same, all at once, as an inventory's policy holds them. */
  {
    const TendInventoryPolicy *settings = tend_restart_policy_get_settings (policy);

    g_assert_null (settings->host);
    g_assert_null (settings->unit);
    g_assert_cmpint (settings->kind, ==, TEND_INVENTORY_POLICY_BACKOFF);
    g_assert_cmpint (settings->max_recoveries, ==, 7);
    g_assert_cmpint (settings->window_usec, ==, 20 * MINUTE);
    g_assert_cmpint (settings->cooldown_usec, ==, 45 * SEC);
    g_assert_cmpint (settings->backoff_initial_usec, ==, 3 * SEC);
    g_assert_cmpfloat (settings->backoff_multiplier, ==, 1.5);
    g_assert_cmpint (settings->backoff_max_usec, ==, 2 * MINUTE);
    g_assert_cmpint (settings->reset_after_usec, ==, 30 * MINUTE);
    g_assert_cmpfloat_with_epsilon (settings->jitter, 0.2, 1e-12);
    g_assert_cmpint (settings->loop_threshold, ==, 4);
    g_assert_cmpint (settings->loop_window_usec, ==, 8 * MINUTE);
  }

  /* Every kind the configuration accepts. */
  for (int kind = TEND_INVENTORY_POLICY_NEVER; kind <= TEND_INVENTORY_POLICY_BACKOFF; kind++)
    {
      g_autoptr(TendRestartPolicy) other = NULL;

      set_config (config, "recovery.default-policy", tend_inventory_policy_kind_to_string (kind));
      other = tend_restart_policy_new_from_config (config);
      g_assert_cmpint (tend_restart_policy_get_kind (other), ==, kind);
    }
}

static void
test_from_inventory (void)
{
  g_autoptr(TendInventoryPolicy) item = NULL;
  g_autoptr(TendConfig) config = tend_config_new ();
  g_autoptr(TendRestartPolicy) policy = NULL;
  g_autoptr(TendRestartPolicy) without_config = NULL;

  item = tend_inventory_policy_new ("web1", "nginx.service", TEND_INVENTORY_POLICY_ALWAYS);
  item->max_recoveries = 5;
  item->window_usec = 30 * MINUTE;
  item->cooldown_usec = 2 * MINUTE;
  item->backoff_initial_usec = 4 * SEC;
  item->backoff_multiplier = 3.0;
  item->backoff_max_usec = 10 * MINUTE;
  item->reset_after_usec = 20 * MINUTE;
  item->jitter = 0.25;
  item->loop_threshold = 6;
  item->loop_window_usec = 12 * MINUTE;
  /* The inventory's policy wins over the configuration, except for what it lacks. */
  set_config (config, "recovery.max-attempts", "9");
  set_config (config, "recovery.breaker-timeout", "7min");
  set_config (config, "recovery.breaker-threshold", "4");

  policy = tend_restart_policy_new_from_inventory (item, config);
  g_assert_cmpint (tend_restart_policy_get_kind (policy), ==, TEND_INVENTORY_POLICY_ALWAYS);
  g_assert_cmpuint (tend_restart_policy_get_max_recoveries (policy), ==, 5);
  g_assert_cmpint (tend_restart_policy_get_window (policy), ==, 30 * MINUTE);
  g_assert_cmpint (tend_restart_policy_get_cooldown (policy), ==, 2 * MINUTE);
  g_assert_cmpint (tend_restart_policy_get_backoff_initial (policy), ==, 4 * SEC);
  g_assert_cmpfloat (tend_restart_policy_get_backoff_multiplier (policy), ==, 3.0);
  g_assert_cmpint (tend_restart_policy_get_backoff_max (policy), ==, 10 * MINUTE);
  g_assert_cmpint (tend_restart_policy_get_backoff_reset_after (policy), ==, 20 * MINUTE);
  g_assert_cmpfloat (tend_restart_policy_get_jitter (policy), ==, 0.25);
  g_assert_cmpint (tend_restart_policy_get_breaker_timeout (policy), ==, 7 * MINUTE);
  g_assert_cmpuint (tend_restart_policy_get_breaker_threshold (policy), ==, 4);
  g_assert_cmpuint (tend_restart_policy_get_loop_threshold (policy), ==, 6);
  g_assert_cmpint (tend_restart_policy_get_loop_window (policy), ==, 12 * MINUTE);

  without_config = tend_restart_policy_new_from_inventory (item, NULL);
  g_assert_cmpuint (tend_restart_policy_get_max_recoveries (without_config), ==, 5);
  g_assert_cmpint (tend_restart_policy_get_breaker_timeout (without_config), ==, MINUTE);
  g_assert_cmpuint (tend_restart_policy_get_breaker_threshold (without_config), ==, 3);
}

static void
test_enums (void)
{
  static const struct { const char *active_state; TendRecoveryUnitState unit; } cases[] = {
    { "active", TEND_RECOVERY_UNIT_ACTIVE },
    { "activating", TEND_RECOVERY_UNIT_ACTIVE },
    { "reloading", TEND_RECOVERY_UNIT_ACTIVE },
    { "deactivating", TEND_RECOVERY_UNIT_ACTIVE },
    { "refreshing", TEND_RECOVERY_UNIT_ACTIVE },
    { "inactive", TEND_RECOVERY_UNIT_INACTIVE },
    { "failed", TEND_RECOVERY_UNIT_FAILED },
    { "maintenance", TEND_RECOVERY_UNIT_UNKNOWN },
    { "", TEND_RECOVERY_UNIT_UNKNOWN },
    { NULL, TEND_RECOVERY_UNIT_UNKNOWN },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpint (tend_recovery_unit_state_from_active_state (cases[i].active_state), ==,
                     cases[i].unit);

  g_assert_cmpstr (tend_breaker_state_to_string (TEND_BREAKER_HALF_OPEN), ==, "half-open");
  g_assert_cmpstr (tend_recovery_unit_state_to_string (TEND_RECOVERY_UNIT_INACTIVE), ==,
                   "inactive");
  g_assert_cmpstr (tend_recovery_action_to_string (MANUAL), ==, "give-up-manual");
  g_assert_cmpstr (tend_recovery_cause_to_string (TEND_RECOVERY_CAUSE_WINDOW_LIMIT), ==,
                   "window-limit");
  g_assert_true (G_TYPE_IS_ENUM (TEND_TYPE_BREAKER_STATE));
  g_assert_true (G_TYPE_IS_ENUM (TEND_TYPE_RECOVERY_ACTION));
  g_assert_true (G_TYPE_IS_ENUM (TEND_TYPE_RECOVERY_CAUSE));
  g_assert_true (G_TYPE_IS_ENUM (TEND_TYPE_RECOVERY_UNIT_STATE));
  g_assert_true (G_TYPE_IS_BOXED (TEND_TYPE_RECOVERY_DECISION));
}

/* ------------------------------------------------------------------------------------ */
/* Kinds                                                                                 */

typedef struct
{
  TendHealthStatus health;
  TendRecoveryUnitState unit;
  /* What each kind does: '-' nothing, 'F' recover (failed), 'S' recover (stopped),
   * 'B' wait for the backoff delay, 'N' nothing because the policy is never. */
  char never;
  char on_failure;
  char always;
  char backoff;
} KindCase;

static const KindCase kind_cases[] = {
  { HEALTHY, ACTIVE, 'N', '-', '-', '-' },
  { TEND_HEALTH_DEGRADED, ACTIVE, 'N', '-', '-', '-' },
  { TEND_HEALTH_UNKNOWN, ACTIVE, 'N', '-', '-', '-' },
  { TEND_HEALTH_UNKNOWN, TEND_RECOVERY_UNIT_UNKNOWN, 'N', '-', '-', '-' },
  { CRITICAL, ACTIVE, 'N', 'F', 'F', 'B' },
  { CRITICAL, TEND_RECOVERY_UNIT_UNKNOWN, 'N', 'F', 'F', 'B' },
  { HEALTHY, TEND_RECOVERY_UNIT_FAILED, 'N', 'F', 'F', 'B' },
  { TEND_HEALTH_UNKNOWN, TEND_RECOVERY_UNIT_FAILED, 'N', 'F', 'F', 'B' },
  { CRITICAL, TEND_RECOVERY_UNIT_FAILED, 'N', 'F', 'F', 'B' },
  /* Stopped cleanly: its checks fail because it is stopped; only always brings it back. */
  { CRITICAL, TEND_RECOVERY_UNIT_INACTIVE, 'N', '-', 'S', '-' },
  { TEND_HEALTH_UNKNOWN, TEND_RECOVERY_UNIT_INACTIVE, 'N', '-', 'S', '-' },
  { HEALTHY, TEND_RECOVERY_UNIT_INACTIVE, 'N', '-', 'S', '-' },
};

static void
test_kinds (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (kind_cases); i++)
    {
      const KindCase *c = &kind_cases[i];
      const char expected[] = { c->never, c->on_failure, c->always, c->backoff };

      for (int kind = TEND_INVENTORY_POLICY_NEVER; kind <= TEND_INVENTORY_POLICY_BACKOFF; kind++)
        {
          g_autoptr(TendRestartPolicy) policy = unlimited (kind);

          g_test_message ("case %u, %s", i, tend_inventory_policy_kind_to_string (kind));
          tend_restart_policy_observe (policy, c->health, c->unit, T0);
          switch (expected[kind])
            {
            case 'N':
              expect_reason (policy, T0 + SEC, NONE, TEND_RECOVERY_CAUSE_POLICY_NEVER, -1,
                             "policy never: Tend does not recover this service");
              break;
            case '-':
              check (policy, T0 + SEC, NONE, TEND_RECOVERY_CAUSE_NOT_NEEDED, -1);
              break;
            case 'F':
              check (policy, T0 + SEC, NOW, TEND_RECOVERY_CAUSE_FAILED, T0 + SEC);
              break;
            case 'S':
              expect_reason (policy, T0 + SEC, NOW, TEND_RECOVERY_CAUSE_STOPPED, T0 + SEC,
                             "unit stopped: policy always brings it back");
              break;
            case 'B':
              check (policy, T0 + SEC, WAIT, TEND_RECOVERY_CAUSE_BACKOFF,
                              T0 + 10 * SEC);
              break;
            default:
              g_assert_not_reached ();
            }
        }
    }
}

static void
test_reasons (void)
{
  g_autoptr(TendRestartPolicy) policy = unlimited (TEND_INVENTORY_POLICY_ON_FAILURE);

  tend_restart_policy_observe (policy, CRITICAL, TEND_RECOVERY_UNIT_INACTIVE, T0);
  expect_reason (policy, T0, NONE, TEND_RECOVERY_CAUSE_NOT_NEEDED, -1,
                 "unit stopped cleanly: policy on-failure leaves it stopped");
  tend_restart_policy_observe (policy, TEND_HEALTH_DEGRADED, ACTIVE, T0);
  expect_reason (policy, T0, NONE, TEND_RECOVERY_CAUSE_NOT_NEEDED, -1,
                 "nothing to recover: health degraded, unit active");
  tend_restart_policy_observe (policy, CRITICAL, ACTIVE, T0);
  expect_reason (policy, T0, NOW, TEND_RECOVERY_CAUSE_FAILED, T0, "health critical: recover");
  tend_restart_policy_observe (policy, CRITICAL, TEND_RECOVERY_UNIT_FAILED, T0);
  expect_reason (policy, T0, NOW, TEND_RECOVERY_CAUSE_FAILED, T0, "unit failed: recover");

  /* While a recovery runs there is nothing to decide. */
  tend_restart_policy_recovery_started (policy, T0);
  g_assert_true (tend_restart_policy_is_recovering (policy));
  expect_reason (policy, T0 + 12 * SEC, NONE, TEND_RECOVERY_CAUSE_IN_PROGRESS, -1,
                 "a recovery is running (started 12s ago)");
  tend_restart_policy_recovery_finished (policy, TRUE, T0 + 12 * SEC);
  g_assert_false (tend_restart_policy_is_recovering (policy));
}

static TendCheckVerdict *
verdict (TendResultStatus status)
{
  return tend_check_verdict_new (status, status == TEND_RESULT_PASS ? TEND_CHECK_FAILURE_NONE
                                                                    : TEND_CHECK_FAILURE_OTHER,
                                 1000, "%s", tend_result_status_to_string (status));
}

/* The policy sees what TendHealth makes of the results: hard states only. */
static void
test_hard_state_only (void)
{
  g_autoptr(TendRestartPolicy) policy = unlimited (TEND_INVENTORY_POLICY_ON_FAILURE);
  g_autoptr(TendHealth) health = tend_health_new ();
  g_autoptr(TendCheckState) layer = tend_check_state_new ("http");
  gint64 t = T0;

  tend_check_state_set_thresholds (layer, 3, 2);
  tend_health_add_layer (health, layer);

  for (guint i = 0; i < 6; i++, t += 30 * SEC)
    {
      g_autoptr(TendCheckVerdict) v = verdict (i == 0 ? TEND_RESULT_PASS : TEND_RESULT_FAIL);
      g_autoptr(TendRecoveryDecision) decision = NULL;

      tend_health_add (health, "http", v, t);
      tend_restart_policy_observe (policy, tend_health_get_status (health), ACTIVE, t);
      decision = tend_restart_policy_decide (policy, t);
      /* A pass, then failures 1 and 2 are soft: nothing. The 3rd is hard: recover. */
      g_assert_cmpint (decision->action, ==, i < 3 ? NONE : NOW);
    }
}

/* ------------------------------------------------------------------------------------ */
/* Window and cooldown                                                                   */

static void
test_window_limit (void)
{
  g_autoptr(TendRestartPolicy) policy = unlimited (TEND_INVENTORY_POLICY_ON_FAILURE);

  tend_restart_policy_set_window (policy, 3, 15 * MINUTE);
  tend_restart_policy_observe (policy, CRITICAL, ACTIVE, T0);

  /* Three recoveries, a minute apart; the service stays critical. */
  for (guint i = 0; i < 3; i++)
    {
      check (policy, T0 + i * MINUTE, NOW, TEND_RECOVERY_CAUSE_FAILED, T0 + i * MINUTE);
      recover (policy, T0 + i * MINUTE, 5 * SEC, TRUE);
      g_assert_cmpuint (tend_restart_policy_count_recoveries (policy, T0 + i * MINUTE + 5 * SEC),
                        ==, i + 1);
    }

  /* The limit: wait until the first start leaves the window, at T0 + 15 min. */
  expect_reason (policy, T0 + 3 * MINUTE, WAIT, TEND_RECOVERY_CAUSE_WINDOW_LIMIT, T0 + 15 * MINUTE,
                 "3 recoveries in 15min: limit reached, next in 12min");
  expect_reason (policy, T0 + 15 * MINUTE - 1, WAIT, TEND_RECOVERY_CAUSE_WINDOW_LIMIT,
                 T0 + 15 * MINUTE, "3 recoveries in 15min: limit reached, next in 1us");
  g_assert_cmpuint (tend_restart_policy_count_recoveries (policy, T0 + 15 * MINUTE - 1), ==, 3);
  g_assert_cmpuint (tend_restart_policy_count_recoveries (policy, T0 + 15 * MINUTE), ==, 2);
  g_assert_false (tend_restart_policy_get_manual_intervention_required (policy));
  check (policy, T0 + 15 * MINUTE, NOW, TEND_RECOVERY_CAUSE_FAILED, T0 + 15 * MINUTE);

  /* A fourth at T0 + 15 min; the next waits for the second start, at T0 + 1 min. */
  recover (policy, T0 + 15 * MINUTE, 5 * SEC, TRUE);
  check (policy, T0 + 15 * MINUTE + 5 * SEC, WAIT, TEND_RECOVERY_CAUSE_WINDOW_LIMIT,
                  T0 + 16 * MINUTE);
  check (policy, T0 + 16 * MINUTE, NOW, TEND_RECOVERY_CAUSE_FAILED, T0 + 16 * MINUTE);

  /* Healthy: nothing to wait for, whatever the window says. */
  recover (policy, T0 + 16 * MINUTE, 5 * SEC, TRUE);
  tend_restart_policy_observe (policy, HEALTHY, ACTIVE, T0 + 17 * MINUTE);
  check (policy, T0 + 17 * MINUTE, NONE, TEND_RECOVERY_CAUSE_NOT_NEEDED, -1);
}

static void
test_cooldown (void)
{
  g_autoptr(TendRestartPolicy) policy = unlimited (TEND_INVENTORY_POLICY_ALWAYS);

  tend_restart_policy_set_cooldown (policy, MINUTE);
  tend_restart_policy_observe (policy, HEALTHY, TEND_RECOVERY_UNIT_FAILED, T0);
  check (policy, T0, NOW, TEND_RECOVERY_CAUSE_FAILED, T0);

  /* The cooldown counts from the end of the recovery, not from its start. */
  recover (policy, T0, 5 * SEC, TRUE);
  expect_reason (policy, T0 + 5 * SEC, WAIT, TEND_RECOVERY_CAUSE_COOLDOWN, T0 + 65 * SEC,
                 "cooldown: 1min left");
  expect_reason (policy, T0 + 23 * SEC, WAIT, TEND_RECOVERY_CAUSE_COOLDOWN, T0 + 65 * SEC,
                 "cooldown: 42s left");
  /* Part of a second left reads as a whole one. */
  expect_reason (policy, T0 + 23 * SEC + 1, WAIT, TEND_RECOVERY_CAUSE_COOLDOWN,
                 T0 + 65 * SEC, "cooldown: 42s left");
  expect_reason (policy, T0 + 65 * SEC - 1, WAIT, TEND_RECOVERY_CAUSE_COOLDOWN,
                 T0 + 65 * SEC, "cooldown: 1us left");
  check (policy, T0 + 65 * SEC, NOW, TEND_RECOVERY_CAUSE_FAILED, T0 + 65 * SEC);

  /* Asking changes nothing. */
  check (policy, T0 + 65 * SEC, NOW, TEND_RECOVERY_CAUSE_FAILED, T0 + 65 * SEC);
}

/* Several waits: the latest one is the decision. */
static void
test_latest_wait_wins (void)
{
  g_autoptr(TendRestartPolicy) policy = unlimited (TEND_INVENTORY_POLICY_ON_FAILURE);

  tend_restart_policy_set_window (policy, 1, 2 * MINUTE);
  tend_restart_policy_set_cooldown (policy, 3 * MINUTE);
  tend_restart_policy_set_breaker_timeout (policy, 5 * MINUTE);
  tend_restart_policy_set_breaker_threshold (policy, 1);
  tend_restart_policy_observe (policy, CRITICAL, ACTIVE, T0);

  recover (policy, T0, 10 * SEC, FALSE);
  /* window until T0 + 2 min, cooldown until T0 + 3 min 10 s, breaker until 5 min 10 s */
  expect_reason (policy, T0 + 10 * SEC, WAIT, TEND_RECOVERY_CAUSE_BREAKER_OPEN,
                 T0 + 5 * MINUTE + 10 * SEC,
                 "circuit breaker open after 1 failed recovery in a row: a trial in 5min");

  tend_restart_policy_set_cooldown (policy, 10 * MINUTE);
  check (policy, T0 + 10 * SEC, WAIT, TEND_RECOVERY_CAUSE_COOLDOWN,
                  T0 + 10 * MINUTE + 10 * SEC);

  tend_restart_policy_set_cooldown (policy, 0);
  tend_restart_policy_set_window (policy, 1, HOUR);
  check (policy, T0 + 10 * SEC, WAIT, TEND_RECOVERY_CAUSE_WINDOW_LIMIT, T0 + HOUR);
}

/* Two waits that end together: the first of breaker, window, cooldown, backoff names it. */
static void
test_tied_waits (void)
{
  g_autoptr(TendRestartPolicy) policy = unlimited (TEND_INVENTORY_POLICY_BACKOFF);

  tend_restart_policy_set_window (policy, 1, 2 * MINUTE);
  tend_restart_policy_set_cooldown (policy, 2 * MINUTE - 10 * SEC);
  tend_restart_policy_set_backoff (policy, 2 * MINUTE - 10 * SEC, 1.0, 5 * MINUTE,
                                   10 * MINUTE, 0.0);
  tend_restart_policy_observe (policy, CRITICAL, ACTIVE, T0);
  recover (policy, T0, 10 * SEC, TRUE);
  /* window, cooldown and backoff all end at T0 + 2 min */
  check (policy, T0 + 10 * SEC, WAIT, TEND_RECOVERY_CAUSE_WINDOW_LIMIT, T0 + 2 * MINUTE);
  tend_restart_policy_set_window (policy, 2, 2 * MINUTE);
  check (policy, T0 + 10 * SEC, WAIT, TEND_RECOVERY_CAUSE_COOLDOWN, T0 + 2 * MINUTE);
  tend_restart_policy_set_cooldown (policy, 0);
  check (policy, T0 + 10 * SEC, WAIT, TEND_RECOVERY_CAUSE_BACKOFF, T0 + 2 * MINUTE);
}

/* ------------------------------------------------------------------------------------ */
/* Backoff                                                                               */

static const gint64 backoff_sequence[] = {
  10 * SEC, 20 * SEC, 40 * SEC, 80 * SEC, 160 * SEC, 5 * MINUTE, 5 * MINUTE, 5 * MINUTE,
};

/* Runs the sequence: the service fails, stays critical after each recovery, and each
 * delay before an attempt is checked against @low..@high times the expected one. Returns
 * how many delays were above the expected one. */
static guint
run_backoff (TendRestartPolicy *policy,
             double             low,
             double             high)
{
  gint64 t = T0;
  guint above = 0;

  tend_restart_policy_observe (policy, CRITICAL, ACTIVE, t);
  for (guint n = 0; n < G_N_ELEMENTS (backoff_sequence); n++)
    {
      g_autoptr(TendRecoveryDecision) decision = tend_restart_policy_decide (policy, t);
      gint64 delay;

      g_assert_cmpint (decision->action, ==, WAIT);
      g_assert_cmpint (decision->cause, ==, TEND_RECOVERY_CAUSE_BACKOFF);
      g_assert_cmpuint (tend_restart_policy_get_backoff_attempt (policy, t), ==, n);
      delay = decision->at_usec - t;
      g_assert_cmpint (delay, ==, tend_restart_policy_get_next_delay (policy, t));
      g_assert_cmpfloat (delay, >=, low * backoff_sequence[n]);
      g_assert_cmpfloat (delay, <=, high * backoff_sequence[n]);
      if (delay > backoff_sequence[n])
        above++;

      /* Not a moment sooner; then at once. */
      check (policy, decision->at_usec - 1, WAIT, TEND_RECOVERY_CAUSE_BACKOFF,
                      decision->at_usec);
      check (policy, decision->at_usec, NOW, TEND_RECOVERY_CAUSE_FAILED,
                      decision->at_usec);
      recover (policy, decision->at_usec, 2 * SEC, TRUE);
      t = decision->at_usec + 2 * SEC;
    }
  return above;
}

static void
test_backoff_exact (void)
{
  g_autoptr(TendRestartPolicy) policy = unlimited (TEND_INVENTORY_POLICY_BACKOFF);

  g_assert_cmpuint (run_backoff (policy, 1.0, 1.0), ==, 0);
}

static void
test_backoff_jitter (void)
{
  guint above = 0;

  for (guint32 seed = 1; seed <= 200; seed++)
    {
      g_autoptr(TendRestartPolicy) policy = unlimited (TEND_INVENTORY_POLICY_BACKOFF);

      tend_restart_policy_set_backoff (policy, 10 * SEC, 2.0, 5 * MINUTE, 10 * MINUTE, 0.1);
      tend_restart_policy_set_seed (policy, seed);
      /* Within ±10 % of the policy: the jitter only adds, below 10 %. */
      above += run_backoff (policy, 0.9, 1.1);
    }
  /* The jitter does spread them. */
  g_assert_cmpuint (above, >, 200 * G_N_ELEMENTS (backoff_sequence) / 2);
}

static void
test_backoff_seed_repeats (void)
{
  g_autoptr(TendRestartPolicy) a = unlimited (TEND_INVENTORY_POLICY_BACKOFF);
  g_autoptr(TendRestartPolicy) b = unlimited (TEND_INVENTORY_POLICY_BACKOFF);

  tend_restart_policy_set_backoff (a, 10 * SEC, 2.0, 5 * MINUTE, 10 * MINUTE, 0.5);
  tend_restart_policy_set_backoff (b, 10 * SEC, 2.0, 5 * MINUTE, 10 * MINUTE, 0.5);
  tend_restart_policy_set_seed (a, 42);
  tend_restart_policy_set_seed (b, 42);
  for (guint n = 0; n < 5; n++)
    {
      gint64 t = T0 + n * MINUTE;

      g_assert_cmpint (tend_restart_policy_get_next_delay (a, t), ==,
                       tend_restart_policy_get_next_delay (b, t));
      recover (a, t, SEC, TRUE);
      recover (b, t, SEC, TRUE);
    }
}

static void
test_backoff_reason (void)
{
  g_autoptr(TendRestartPolicy) policy = unlimited (TEND_INVENTORY_POLICY_BACKOFF);

  tend_restart_policy_observe (policy, CRITICAL, ACTIVE, T0);
  expect_reason (policy, T0 + 4 * SEC, WAIT, TEND_RECOVERY_CAUSE_BACKOFF, T0 + 10 * SEC,
                 "backoff: attempt 1 waits 10s, 6s left");
  recover (policy, T0 + 10 * SEC, SEC, TRUE);
  expect_reason (policy, T0 + 11 * SEC, WAIT, TEND_RECOVERY_CAUSE_BACKOFF, T0 + 31 * SEC,
                 "backoff: attempt 2 waits 20s, 20s left");
}

/* The delay counts from the later of the failure and the end of the last recovery. */
static void
test_backoff_reference (void)
{
  g_autoptr(TendRestartPolicy) policy = unlimited (TEND_INVENTORY_POLICY_BACKOFF);

  tend_restart_policy_observe (policy, CRITICAL, ACTIVE, T0);
  recover (policy, T0 + 10 * SEC, SEC, TRUE);
  tend_restart_policy_observe (policy, HEALTHY, ACTIVE, T0 + MINUTE);
  /* Failing again long after: 20 s from when it was seen. */
  tend_restart_policy_observe (policy, CRITICAL, ACTIVE, T0 + 5 * MINUTE);
  check (policy, T0 + 5 * MINUTE, WAIT, TEND_RECOVERY_CAUSE_BACKOFF,
                  T0 + 5 * MINUTE + 20 * SEC);
  /* Another observation of the same failure does not move it. */
  tend_restart_policy_observe (policy, CRITICAL, TEND_RECOVERY_UNIT_FAILED, T0 + 5 * MINUTE + SEC);
  check (policy, T0 + 5 * MINUTE + SEC, WAIT, TEND_RECOVERY_CAUSE_BACKOFF,
                  T0 + 5 * MINUTE + 20 * SEC);
}

/* Brings a backoff policy to attempt 3 (delay 80 s): recoveries ending at T0 + 1..3 min. */
static TendRestartPolicy *
backoff_at_attempt_3 (void)
{
  TendRestartPolicy *policy = unlimited (TEND_INVENTORY_POLICY_BACKOFF);

  tend_restart_policy_observe (policy, CRITICAL, ACTIVE, T0);
  for (guint i = 1; i <= 3; i++)
    recover (policy, T0 + i * MINUTE - SEC, SEC, TRUE);
  g_assert_cmpuint (tend_restart_policy_get_backoff_attempt (policy, T0 + 3 * MINUTE), ==, 3);
  g_assert_cmpint (tend_restart_policy_get_next_delay (policy, T0 + 3 * MINUTE), ==, 80 * SEC);
  return policy;
}

static void
test_backoff_reset (void)
{
  g_autoptr(TendRestartPolicy) policy = backoff_at_attempt_3 ();
  gint64 healthy = T0 + 4 * MINUTE;

  /* Healthy for 10 min resets it: seen by the readers while it lasts ... */
  tend_restart_policy_observe (policy, HEALTHY, ACTIVE, healthy);
  g_assert_cmpuint (tend_restart_policy_get_backoff_attempt (policy, healthy + 10 * MINUTE - 1),
                    ==, 3);
  g_assert_cmpuint (tend_restart_policy_get_backoff_attempt (policy, healthy + 10 * MINUTE),
                    ==, 0);
  g_assert_cmpint (tend_restart_policy_get_next_delay (policy, healthy + 10 * MINUTE), ==,
                   10 * SEC);

  /* ... and kept when it fails again. */
  tend_restart_policy_observe (policy, CRITICAL, ACTIVE, healthy + 20 * MINUTE);
  g_assert_cmpuint (tend_restart_policy_get_backoff_attempt (policy, healthy + 20 * MINUTE),
                    ==, 0);
  check (policy, healthy + 20 * MINUTE, WAIT, TEND_RECOVERY_CAUSE_BACKOFF,
                  healthy + 20 * MINUTE + 10 * SEC);
}

static void
test_backoff_no_reset (void)
{
  g_autoptr(TendRestartPolicy) policy = backoff_at_attempt_3 ();
  g_autoptr(TendRestartPolicy) interrupted = backoff_at_attempt_3 ();
  gint64 healthy = T0 + 4 * MINUTE;

  /* Healthy for a little less than 10 min: attempt 3 still. */
  tend_restart_policy_observe (policy, HEALTHY, ACTIVE, healthy);
  tend_restart_policy_observe (policy, CRITICAL, ACTIVE, healthy + 10 * MINUTE - 1);
  check (policy, healthy + 10 * MINUTE - 1, WAIT, TEND_RECOVERY_CAUSE_BACKOFF,
                  healthy + 10 * MINUTE - 1 + 80 * SEC);

  /* Degraded in between breaks the healthy period: 6 + 5 min are not 10 in a row. */
  tend_restart_policy_observe (interrupted, HEALTHY, ACTIVE, healthy);
  tend_restart_policy_observe (interrupted, TEND_HEALTH_DEGRADED, ACTIVE, healthy + 6 * MINUTE);
  tend_restart_policy_observe (interrupted, HEALTHY, ACTIVE, healthy + 7 * MINUTE);
  tend_restart_policy_observe (interrupted, CRITICAL, ACTIVE, healthy + 12 * MINUTE);
  g_assert_cmpuint (tend_restart_policy_get_backoff_attempt (interrupted, healthy + 12 * MINUTE),
                    ==, 3);
}

/* ------------------------------------------------------------------------------------ */
/* Circuit breaker                                                                       */

static void
test_breaker (void)
{
  g_autoptr(TendRestartPolicy) policy = unlimited (TEND_INVENTORY_POLICY_ON_FAILURE);
  gint64 t = T0;

  tend_restart_policy_set_breaker_timeout (policy, 5 * MINUTE);
  tend_restart_policy_observe (policy, CRITICAL, ACTIVE, t);

  /* Closed: failed recoveries below the threshold (3) lead to the next at once (this
   * policy has no cooldown). */
  for (guint i = 0; i < 2; i++)
    {
      check (policy, t, NOW, TEND_RECOVERY_CAUSE_FAILED, t);
      recover (policy, t, 10 * SEC, FALSE);
      t += 10 * SEC;
      g_assert_cmpint (tend_restart_policy_get_breaker_state (policy, t), ==,
                       TEND_BREAKER_CLOSED);
      g_assert_cmpuint (tend_restart_policy_get_failed_in_a_row (policy), ==, i + 1);
    }

  /* The third in a row opens it. */
  check (policy, t, NOW, TEND_RECOVERY_CAUSE_FAILED, t);
  recover (policy, t, 10 * SEC, FALSE);
  t += 10 * SEC;
  g_assert_cmpint (tend_restart_policy_get_breaker_state (policy, t), ==, TEND_BREAKER_OPEN);
  expect_reason (policy, t + 48 * SEC, WAIT, TEND_RECOVERY_CAUSE_BREAKER_OPEN, t + 5 * MINUTE,
                 "circuit breaker open after 3 failed recoveries in a row: a trial in 4min 12s");
  g_assert_cmpint (tend_restart_policy_get_breaker_state (policy, t + 5 * MINUTE - 1), ==,
                   TEND_BREAKER_OPEN);

  /* Half-open after the timeout: one trial. */
  t += 5 * MINUTE;
  g_assert_cmpint (tend_restart_policy_get_breaker_state (policy, t), ==,
                   TEND_BREAKER_HALF_OPEN);
  expect_reason (policy, t, NOW, TEND_RECOVERY_CAUSE_BREAKER_TRIAL, t,
                 "circuit breaker half-open: one trial recovery");
  tend_restart_policy_recovery_started (policy, t);
  g_assert_cmpint (tend_restart_policy_get_breaker_state (policy, t + SEC), ==,
                   TEND_BREAKER_HALF_OPEN);
  check (policy, t + SEC, NONE, TEND_RECOVERY_CAUSE_IN_PROGRESS, -1);

  /* The trial fails: open again at once, for a whole timeout from now. */
  tend_restart_policy_recovery_finished (policy, FALSE, t + 20 * SEC);
  t += 20 * SEC;
  g_assert_cmpint (tend_restart_policy_get_breaker_state (policy, t), ==, TEND_BREAKER_OPEN);
  check (policy, t, WAIT, TEND_RECOVERY_CAUSE_BREAKER_OPEN, t + 5 * MINUTE);

  /* The next trial works: closed, the count cleared. */
  t += 5 * MINUTE;
  check (policy, t, NOW, TEND_RECOVERY_CAUSE_BREAKER_TRIAL, t);
  recover (policy, t, 10 * SEC, TRUE);
  t += 10 * SEC;
  g_assert_cmpint (tend_restart_policy_get_breaker_state (policy, t), ==, TEND_BREAKER_CLOSED);
  g_assert_cmpuint (tend_restart_policy_get_failed_in_a_row (policy), ==, 0);
  /* Still critical: recover as usual. */
  check (policy, t, NOW, TEND_RECOVERY_CAUSE_FAILED, t);

  /* One failure after a success opens nothing. */
  recover (policy, t, SEC, FALSE);
  g_assert_cmpint (tend_restart_policy_get_breaker_state (policy, t + SEC), ==,
                   TEND_BREAKER_CLOSED);
  check (policy, t + SEC, NOW, TEND_RECOVERY_CAUSE_FAILED, t + SEC);
}

/* With the threshold at 1, a service that heals by itself leaves an open breaker open. */
static void
test_breaker_heals_by_itself (void)
{
  g_autoptr(TendRestartPolicy) policy = unlimited (TEND_INVENTORY_POLICY_ON_FAILURE);
  gint64 t = T0;

  tend_restart_policy_set_breaker_timeout (policy, 5 * MINUTE);
  tend_restart_policy_set_breaker_threshold (policy, 1);
  tend_restart_policy_observe (policy, CRITICAL, ACTIVE, t);
  recover (policy, t, SEC, FALSE);
  tend_restart_policy_observe (policy, HEALTHY, ACTIVE, t + 2 * SEC);
  g_assert_cmpint (tend_restart_policy_get_breaker_state (policy, t + 2 * SEC), ==,
                   TEND_BREAKER_OPEN);
  check (policy, t + 2 * SEC, NONE, TEND_RECOVERY_CAUSE_NOT_NEEDED, -1);
  tend_restart_policy_observe (policy, CRITICAL, ACTIVE, t + MINUTE);
  check (policy, t + MINUTE, WAIT, TEND_RECOVERY_CAUSE_BREAKER_OPEN, t + SEC + 5 * MINUTE);
}

/* Failures far apart are not in a row: reset-after of health clears the count. */
static void
test_breaker_count_resets (void)
{
  g_autoptr(TendRestartPolicy) policy = unlimited (TEND_INVENTORY_POLICY_ON_FAILURE);
  gint64 t = T0;

  for (guint i = 0; i < 6; i++)
    {
      tend_restart_policy_observe (policy, CRITICAL, ACTIVE, t);
      check (policy, t, NOW, TEND_RECOVERY_CAUSE_FAILED, t);
      recover (policy, t, SEC, FALSE);
      /* It came back on its own, and stays so past reset-after (10 min). */
      tend_restart_policy_observe (policy, HEALTHY, ACTIVE, t + MINUTE);
      t += 20 * MINUTE;
      tend_restart_policy_observe (policy, HEALTHY, ACTIVE, t);
      g_assert_cmpuint (tend_restart_policy_get_failed_in_a_row (policy), ==, 0);
      g_assert_cmpint (tend_restart_policy_get_breaker_state (policy, t), ==,
                       TEND_BREAKER_CLOSED);
    }
}

/* ------------------------------------------------------------------------------------ */
/* Restart loops                                                                         */

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           gpointer    user_data)
{
  guint *count = user_data;

  (*count)++;
}

static void
test_loop (void)
{
  g_autoptr(TendRestartPolicy) policy = unlimited (TEND_INVENTORY_POLICY_ON_FAILURE);
  guint notified = 0;
  gboolean manual = FALSE;

  tend_restart_policy_set_loop_detection (policy, 3, 5 * MINUTE);
  tend_restart_policy_set_cooldown (policy, MINUTE);
  g_signal_connect (policy, "notify::manual-intervention-required", G_CALLBACK (on_notify),
                    &notified);
  tend_restart_policy_observe (policy, CRITICAL, ACTIVE, T0);

  /* Three recoveries within 5 min (at 0, 70 s and 140 s), each holding for a while. */
  recover (policy, T0, 10 * SEC, TRUE);
  tend_restart_policy_observe (policy, HEALTHY, ACTIVE, T0 + 11 * SEC);
  tend_restart_policy_observe (policy, CRITICAL, ACTIVE, T0 + 70 * SEC);
  recover (policy, T0 + 70 * SEC, 10 * SEC, TRUE);
  tend_restart_policy_observe (policy, HEALTHY, ACTIVE, T0 + 81 * SEC);
  tend_restart_policy_observe (policy, CRITICAL, ACTIVE, T0 + 140 * SEC);
  check (policy, T0 + 140 * SEC, NOW, TEND_RECOVERY_CAUSE_FAILED, T0 + 140 * SEC);
  recover (policy, T0 + 140 * SEC, 10 * SEC, TRUE);
  tend_restart_policy_observe (policy, HEALTHY, ACTIVE, T0 + 151 * SEC);

  /* The third held: no loop, however many starts the window has. */
  g_assert_false (tend_restart_policy_get_manual_intervention_required (policy));
  check (policy, T0 + 151 * SEC, NONE, TEND_RECOVERY_CAUSE_NOT_NEEDED, -1);
  g_assert_cmpuint (notified, ==, 0);

  /* Trouble again while the three are within 5 min: a loop. */
  tend_restart_policy_observe (policy, CRITICAL, TEND_RECOVERY_UNIT_FAILED, T0 + 4 * MINUTE);
  g_assert_true (tend_restart_policy_get_manual_intervention_required (policy));
  g_object_get (policy, "manual-intervention-required", &manual, NULL);
  g_assert_true (manual);
  g_assert_cmpuint (notified, ==, 1);
  expect_reason (policy, T0 + 4 * MINUTE, MANUAL, TEND_RECOVERY_CAUSE_RESTART_LOOP, -1,
                 "restart loop: failed again after 3 recoveries within 5min — manual "
                 "intervention required");

  /* Neither health nor time clears it. */
  tend_restart_policy_observe (policy, HEALTHY, ACTIVE, T0 + 5 * MINUTE);
  check (policy, T0 + 5 * MINUTE, MANUAL, TEND_RECOVERY_CAUSE_RESTART_LOOP, -1);
  tend_restart_policy_observe (policy, CRITICAL, TEND_RECOVERY_UNIT_FAILED, T0 + 2 * HOUR);
  check (policy, T0 + 2 * HOUR, MANUAL, TEND_RECOVERY_CAUSE_RESTART_LOOP, -1);
  g_assert_cmpuint (notified, ==, 1);

  /* A person resumes: recover at once, the past forgotten (no cooldown, no count). */
  tend_restart_policy_resume (policy, T0 + 2 * HOUR + SEC);
  g_assert_false (tend_restart_policy_get_manual_intervention_required (policy));
  g_assert_cmpuint (notified, ==, 2);
  g_assert_cmpuint (tend_restart_policy_count_recoveries (policy, T0 + 2 * HOUR + SEC), ==, 0);
  check (policy, T0 + 2 * HOUR + SEC, NOW, TEND_RECOVERY_CAUSE_FAILED,
                  T0 + 2 * HOUR + SEC);
}

/* A unit that fails on every start: its third failed recovery ends it. */
static void
test_loop_on_failed_recovery (void)
{
  g_autoptr(TendRestartPolicy) policy = unlimited (TEND_INVENTORY_POLICY_ON_FAILURE);
  gint64 t = T0;

  tend_restart_policy_set_loop_detection (policy, 3, 5 * MINUTE);
  tend_restart_policy_observe (policy, CRITICAL, TEND_RECOVERY_UNIT_FAILED, t);
  for (guint i = 0; i < 2; i++)
    {
      check (policy, t, NOW, TEND_RECOVERY_CAUSE_FAILED, t);
      recover (policy, t, SEC, FALSE);
      t += SEC;
      g_assert_false (tend_restart_policy_get_manual_intervention_required (policy));
    }
  check (policy, t, NOW, TEND_RECOVERY_CAUSE_FAILED, t);
  recover (policy, t, SEC, FALSE);
  g_assert_true (tend_restart_policy_get_manual_intervention_required (policy));
  check (policy, t + SEC, MANUAL, TEND_RECOVERY_CAUSE_RESTART_LOOP, -1);
}

static void
test_no_loop_when_spread (void)
{
  g_autoptr(TendRestartPolicy) policy = unlimited (TEND_INVENTORY_POLICY_ON_FAILURE);

  tend_restart_policy_set_loop_detection (policy, 3, 5 * MINUTE);
  tend_restart_policy_set_breaker_threshold (policy, 100);

  /* Failures 2.5 min apart: a start 5 min before another no longer counts, so no 5 min
   * hold three of them before a failure. */
  for (guint i = 0; i < 7; i++)
    {
      tend_restart_policy_observe (policy, CRITICAL, ACTIVE, T0 + i * 150 * SEC);
      recover (policy, T0 + i * 150 * SEC, SEC, FALSE);
    }
  g_assert_false (tend_restart_policy_get_manual_intervention_required (policy));

  /* One a microsecond sooner makes three within 5 min. */
  tend_restart_policy_observe (policy, CRITICAL, ACTIVE, T0 + 7 * 150 * SEC - 2);
  recover (policy, T0 + 7 * 150 * SEC - 2, 1, FALSE);
  g_assert_true (tend_restart_policy_get_manual_intervention_required (policy));
}

/* The defaults together, as a new user gets them (docs/configuration.md). */
static void
test_defaults_together (void)
{
  g_autoptr(TendConfig) config = tend_config_new ();
  g_autoptr(TendRestartPolicy) loop = tend_restart_policy_new_from_config (config);
  g_autoptr(TendRestartPolicy) rare = tend_restart_policy_new_from_config (config);
  g_autoptr(TendRestartPolicy) twice = tend_restart_policy_new_from_config (config);
  gint64 t = T0;
  guint starts = 0;

  /* Fails 0.3 s after every start: at most 3 starts, then manual intervention, well
   * within 2 min. */
  tend_restart_policy_observe (loop, CRITICAL, TEND_RECOVERY_UNIT_FAILED, t);
  while (!tend_restart_policy_get_manual_intervention_required (loop))
    {
      g_autoptr(TendRecoveryDecision) decision = tend_restart_policy_decide (loop, t);

      g_assert_cmpint (t - T0, <, 2 * MINUTE);
      if (decision->action == WAIT)
        {
          g_assert_cmpint (decision->cause, ==, TEND_RECOVERY_CAUSE_COOLDOWN);
          t = decision->at_usec;
          continue;
        }
      g_assert_cmpint (decision->action, ==, NOW);
      starts++;
      recover (loop, t, 300 * 1000, FALSE);
      t += 300 * 1000;
    }
  g_assert_cmpuint (starts, ==, 3);
  g_assert_cmpint (t - T0, <, 20 * SEC);

  /* Fails once every 10 minutes for a day: recovered every time, never marked. */
  t = T0;
  for (guint i = 0; i < 144; i++)
    {
      g_autoptr(TendRecoveryDecision) decision = NULL;

      tend_restart_policy_observe (rare, CRITICAL, TEND_RECOVERY_UNIT_FAILED, t);
      decision = tend_restart_policy_decide (rare, t);
      g_assert_cmpint (decision->action, ==, NOW);
      recover (rare, t, SEC, TRUE);
      tend_restart_policy_observe (rare, HEALTHY, ACTIVE, t + 2 * SEC);
      t += 10 * MINUTE;
    }
  g_assert_false (tend_restart_policy_get_manual_intervention_required (rare));

  /* Killed, back in 1 s; killed again 2 s after: the next attempt within 10 s. */
  t = T0;
  tend_restart_policy_observe (twice, CRITICAL, TEND_RECOVERY_UNIT_FAILED, t);
  check (twice, t, NOW, TEND_RECOVERY_CAUSE_FAILED, t);
  recover (twice, t, SEC, TRUE);
  tend_restart_policy_observe (twice, HEALTHY, ACTIVE, t + SEC);
  tend_restart_policy_observe (twice, CRITICAL, TEND_RECOVERY_UNIT_FAILED, t + 3 * SEC);
  {
    g_autoptr(TendRecoveryDecision) decision = tend_restart_policy_decide (twice, t + 3 * SEC);

    g_assert_cmpint (decision->action, ==, WAIT);
    g_assert_cmpint (decision->at_usec - (t + 3 * SEC), <, 9 * SEC);
  }
}

static void
test_resume_closes_breaker (void)
{
  g_autoptr(TendRestartPolicy) policy = unlimited (TEND_INVENTORY_POLICY_BACKOFF);

  tend_restart_policy_set_cooldown (policy, MINUTE);
  tend_restart_policy_set_breaker_threshold (policy, 1);
  tend_restart_policy_observe (policy, CRITICAL, ACTIVE, T0);
  recover (policy, T0 + 10 * SEC, 5 * SEC, FALSE);
  g_assert_cmpint (tend_restart_policy_get_breaker_state (policy, T0 + MINUTE), ==,
                   TEND_BREAKER_OPEN);

  tend_restart_policy_resume (policy, T0 + MINUTE);
  g_assert_cmpint (tend_restart_policy_get_breaker_state (policy, T0 + MINUTE), ==,
                   TEND_BREAKER_CLOSED);
  g_assert_cmpuint (tend_restart_policy_get_backoff_attempt (policy, T0 + MINUTE), ==, 0);
  /* No cooldown left; the backoff's first delay has passed since the failure was seen. */
  check (policy, T0 + MINUTE, NOW, TEND_RECOVERY_CAUSE_FAILED, T0 + MINUTE);
}

/* ------------------------------------------------------------------------------------ */
/* The state as JSON, and misuse                                                         */

static void
test_state_json (void)
{
  g_autoptr(TendRestartPolicy) policy = unlimited (TEND_INVENTORY_POLICY_ON_FAILURE);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  JsonObject *root;
  JsonObject *decision;
  JsonArray *starts;

  tend_restart_policy_set_window (policy, 2, 15 * MINUTE);
  tend_restart_policy_set_breaker_threshold (policy, 1);
  tend_restart_policy_observe (policy, CRITICAL, TEND_RECOVERY_UNIT_FAILED, T0);
  recover (policy, T0, SEC, TRUE);
  recover (policy, T0 + MINUTE, SEC, FALSE);

  json = tend_restart_policy_dup_state_json (policy, T0 + 2 * MINUTE);
  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));

  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (root,
                                                                                 "settings"),
                                                  "kind"), ==, "on-failure");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (root, "settings"),
                                               "window_usec"), ==, 15 * MINUTE);
  g_assert_cmpstr (json_object_get_string_member (root, "health"), ==, "critical");
  g_assert_cmpstr (json_object_get_string_member (root, "unit"), ==, "failed");
  g_assert_cmpint (json_object_get_int_member (root, "failing_since_usec"), ==, T0);
  g_assert_cmpstr (json_object_get_string_member (root, "breaker"), ==, "open");
  g_assert_cmpint (json_object_get_int_member (root, "breaker_opened_usec"), ==, T0 + MINUTE + SEC);
  g_assert_false (json_object_get_boolean_member (root, "manual_intervention_required"));
  g_assert_true (json_object_get_null_member (root, "manual_reason"));
  g_assert_false (json_object_get_boolean_member (root, "recovering"));
  g_assert_false (json_object_get_boolean_member (root, "last_success"));
  g_assert_cmpint (json_object_get_int_member (root, "failed_in_a_row"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (root, "recoveries_in_window"), ==, 2);
  starts = json_object_get_array_member (root, "recent_starts_usec");
  g_assert_cmpuint (json_array_get_length (starts), ==, 2);
  g_assert_cmpint (json_array_get_int_element (starts, 1), ==, T0 + MINUTE);
  g_assert_cmpint (json_object_get_int_member (root, "backoff_attempt"), ==, 2);

  decision = json_object_get_object_member (root, "decision");
  g_assert_cmpstr (json_object_get_string_member (decision, "action"), ==, "wait-until");
  g_assert_cmpstr (json_object_get_string_member (decision, "cause"), ==, "window-limit");
  g_assert_cmpint (json_object_get_int_member (decision, "at_usec"), ==, T0 + 15 * MINUTE);
  g_assert_cmpstr (json_object_get_string_member (decision, "reason"), ==,
                   "2 recoveries in 15min: limit reached, next in 13min");
}

static void
test_misuse (void)
{
  g_autoptr(TendRestartPolicy) policy = unlimited (TEND_INVENTORY_POLICY_ON_FAILURE);

  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*self->recovering*");
  tend_restart_policy_recovery_finished (policy, TRUE, T0);
  g_test_assert_expected_messages ();

  tend_restart_policy_recovery_started (policy, T0);
  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*!self->recovering*");
  tend_restart_policy_recovery_started (policy, T0 + SEC);
  g_test_assert_expected_messages ();

  /* Time never goes back. */
  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*time_ok*");
  tend_restart_policy_observe (policy, HEALTHY, ACTIVE, T0 - 1);
  g_test_assert_expected_messages ();
  g_assert_true (tend_restart_policy_is_recovering (policy));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/restart-policy/defaults", test_defaults);
  g_test_add_func ("/restart-policy/from-config", test_from_config);
  g_test_add_func ("/restart-policy/from-inventory", test_from_inventory);
  g_test_add_func ("/restart-policy/enums", test_enums);
  g_test_add_func ("/restart-policy/kinds", test_kinds);
  g_test_add_func ("/restart-policy/reasons", test_reasons);
  g_test_add_func ("/restart-policy/hard-state-only", test_hard_state_only);
  g_test_add_func ("/restart-policy/window-limit", test_window_limit);
  g_test_add_func ("/restart-policy/cooldown", test_cooldown);
  g_test_add_func ("/restart-policy/latest-wait-wins", test_latest_wait_wins);
  g_test_add_func ("/restart-policy/tied-waits", test_tied_waits);
  g_test_add_func ("/restart-policy/backoff/exact", test_backoff_exact);
  g_test_add_func ("/restart-policy/backoff/jitter", test_backoff_jitter);
  g_test_add_func ("/restart-policy/backoff/seed", test_backoff_seed_repeats);
  g_test_add_func ("/restart-policy/backoff/reason", test_backoff_reason);
  g_test_add_func ("/restart-policy/backoff/reference", test_backoff_reference);
  g_test_add_func ("/restart-policy/backoff/reset", test_backoff_reset);
  g_test_add_func ("/restart-policy/backoff/no-reset", test_backoff_no_reset);
  g_test_add_func ("/restart-policy/breaker", test_breaker);
  g_test_add_func ("/restart-policy/breaker/heals-by-itself", test_breaker_heals_by_itself);
  g_test_add_func ("/restart-policy/breaker/count-resets", test_breaker_count_resets);
  g_test_add_func ("/restart-policy/loop", test_loop);
  g_test_add_func ("/restart-policy/loop/failed-recovery", test_loop_on_failed_recovery);
  g_test_add_func ("/restart-policy/defaults-together", test_defaults_together);
  g_test_add_func ("/restart-policy/loop/spread", test_no_loop_when_spread);
  g_test_add_func ("/restart-policy/resume-closes-breaker", test_resume_closes_breaker);
  g_test_add_func ("/restart-policy/state-json", test_state_json);
  g_test_add_func ("/restart-policy/misuse", test_misuse);

  return g_test_run ();
}
