/* tend-restart-policy.c — when to recover a service, and when to stop trying
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure decision logic: what happened goes in with its time, a decision comes out. No
 * timer, no I/O, no clock read here, so every rule is tested with explicit times. The
 * rules are written in tend-restart-policy.h.
 */
#define G_LOG_DOMAIN "Tend-Recovery"

#include <string.h>

#include "tend-config.h"
#include "tend-duration.h"
#include "tend-inventory.h"
#include "tend-restart-policy.h"
#include "tend-util-private.h"

/* ------------------------------------------------------------------------------------ */
/* Enums                                                                                 */

/**
 * tend_breaker_state_to_string:
 *
 * Returns: "closed", "open" or "half-open"
 */
const char *
tend_breaker_state_to_string (TendBreakerState state)
{
  return tend_enum_to_nick (TEND_TYPE_BREAKER_STATE, state);
}

/**
 * tend_recovery_unit_state_to_string:
 *
 * Returns: "unknown", "active", "inactive" or "failed"
 */
const char *
tend_recovery_unit_state_to_string (TendRecoveryUnitState state)
{
  return tend_enum_to_nick (TEND_TYPE_RECOVERY_UNIT_STATE, state);
}

/**
 * tend_recovery_action_to_string:
 *
 * Returns: "none", "recover-now", "wait-until" or "give-up-manual"
 */
const char *
tend_recovery_action_to_string (TendRecoveryAction action)
{
  return tend_enum_to_nick (TEND_TYPE_RECOVERY_ACTION, action);
}

/**
 * tend_recovery_cause_to_string:
 *
 * Returns: the cause's nick: "cooldown", "window-limit", "restart-loop" …
 */
const char *
tend_recovery_cause_to_string (TendRecoveryCause cause)
{
  return tend_enum_to_nick (TEND_TYPE_RECOVERY_CAUSE, cause);
}

/**
 * tend_recovery_unit_state_from_active_state:
 * @active_state: (nullable): systemd's ActiveState of the unit
 *
 * "failed" is failed, "inactive" inactive; "active", "activating", "reloading",
 * "deactivating" and "refreshing" are active (up, or systemd is busy with it, its own
 * auto-restart included); anything else, or %NULL, is unknown.
 *
 * Returns: what recovery makes of it
 */
TendRecoveryUnitState
tend_recovery_unit_state_from_active_state (const char *active_state)
{
  static const char * const active[] = {
    "active", "activating", "reloading", "deactivating", "refreshing", NULL
  };

  if (active_state == NULL)
    return TEND_RECOVERY_UNIT_UNKNOWN;
  if (strcmp (active_state, "failed") == 0)
    return TEND_RECOVERY_UNIT_FAILED;
  if (strcmp (active_state, "inactive") == 0)
    return TEND_RECOVERY_UNIT_INACTIVE;
  if (g_strv_contains (active, active_state))
    return TEND_RECOVERY_UNIT_ACTIVE;
  return TEND_RECOVERY_UNIT_UNKNOWN;
}

/* ------------------------------------------------------------------------------------ */
/* TendRecoveryDecision                                                                  */

G_DEFINE_BOXED_TYPE (TendRecoveryDecision, tend_recovery_decision,
                     tend_recovery_decision_copy, tend_recovery_decision_free)

/**
 * tend_recovery_decision_copy:
 *
 * Returns: (transfer full): a deep copy of @decision
 */
TendRecoveryDecision *
tend_recovery_decision_copy (const TendRecoveryDecision *decision)
{
  TendRecoveryDecision *copy;

  g_return_val_if_fail (decision != NULL, NULL);

  copy = g_memdup2 (decision, sizeof *decision);
  copy->reason = g_strdup (decision->reason);
  return copy;
}

/**
 * tend_recovery_decision_free:
 * @decision: (nullable): a decision
 */
void
tend_recovery_decision_free (TendRecoveryDecision *decision)
{
  if (decision == NULL)
    return;

  g_free (decision->reason);
  g_free (decision);
}

G_GNUC_PRINTF (4, 5)
static TendRecoveryDecision *
decision_new (TendRecoveryAction  action,
              TendRecoveryCause   cause,
              gint64              at_usec,
              const char         *format,
              ...)
{
  TendRecoveryDecision *decision = g_new0 (TendRecoveryDecision, 1);
  va_list args;

  decision->action = action;
  decision->cause = cause;
  decision->at_usec = at_usec;
  va_start (args, format);
  decision->reason = g_strdup_vprintf (format, args);
  va_end (args);
  return decision;
}

/* ------------------------------------------------------------------------------------ */
/* TendRestartPolicy                                                                     */

struct _TendRestartPolicy
{
  GObject parent_instance;

  /* Settings: those of the inventory's policies (host and unit unused, NULL), and the
   * breaker's timeout, which the configuration sets for all services. */
  TendInventoryPolicy settings;
  guint breaker_threshold;
  gint64 breaker_timeout_usec;

  GRand *rand;                      /* (owned) */
  double jitter_share;              /* in [0, 1), drawn once per attempt */

  /* What was observed. */
  TendHealthStatus health;
  TendRecoveryUnitState unit;
  gint64 latest_usec;               /* the latest time an input was given, -1 before */
  gint64 failure_since_usec;        /* failed (as on-failure sees it) since, or -1 */
  gint64 down_since_usec;           /* failed or stopped (as always sees it) since, or -1 */
  gint64 healthy_since_usec;        /* healthy since, or -1 */

  /* Recoveries. */
  GArray *starts;                   /* (owned) (element-type gint64): recent starts, oldest
                                     * first, none older than both windows */
  gboolean recovering;
  gint64 recovery_started_usec;     /* -1 when none ran */
  gint64 last_finished_usec;        /* -1 when none finished (or since a resume) */
  int last_success;                 /* -1 none, else a gboolean */
  guint failed_in_a_row;
  guint attempt;                    /* backoff attempts since the last reset */

  TendBreakerState breaker;         /* as stored: OPEN stays OPEN after its timeout */
  gint64 breaker_opened_usec;

  gboolean manual;
  char *manual_reason;              /* (owned) (nullable) */
};

G_DEFINE_FINAL_TYPE (TendRestartPolicy, tend_restart_policy, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_MANUAL_INTERVENTION_REQUIRED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
tend_restart_policy_finalize (GObject *object)
{
  TendRestartPolicy *self = TEND_RESTART_POLICY (object);

  g_clear_pointer (&self->rand, g_rand_free);
  g_clear_pointer (&self->starts, g_array_unref);
  g_clear_pointer (&self->manual_reason, g_free);

  G_OBJECT_CLASS (tend_restart_policy_parent_class)->finalize (object);
}

static void
tend_restart_policy_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  TendRestartPolicy *self = TEND_RESTART_POLICY (object);

  switch (prop_id)
    {
    case PROP_MANUAL_INTERVENTION_REQUIRED:
      g_value_set_boolean (value, self->manual);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_restart_policy_class_init (TendRestartPolicyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tend_restart_policy_finalize;
  object_class->get_property = tend_restart_policy_get_property;

  /**
   * TendRestartPolicy:manual-intervention-required:
   *
   * Whether a restart loop stopped automatic recovery until a person resumes it.
   */
  properties[PROP_MANUAL_INTERVENTION_REQUIRED] =
    g_param_spec_boolean ("manual-intervention-required", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS |
                          G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tend_restart_policy_init (TendRestartPolicy *self)
{
  self->rand = g_rand_new_with_seed (g_random_int ());
  self->jitter_share = g_rand_double (self->rand);
  self->health = TEND_HEALTH_UNKNOWN;
  self->unit = TEND_RECOVERY_UNIT_UNKNOWN;
  self->latest_usec = -1;
  self->failure_since_usec = -1;
  self->down_since_usec = -1;
  self->healthy_since_usec = -1;
  self->starts = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->recovery_started_usec = -1;
  self->last_finished_usec = -1;
  self->last_success = -1;
  self->breaker = TEND_BREAKER_CLOSED;
  self->breaker_opened_usec = -1;
}

static TendInventoryPolicyKind
kind_from_string (const char *text)
{
  int kind;

  /* The configuration accepts only the type's nicks. */
  if (!tend_enum_from_nick (TEND_TYPE_INVENTORY_POLICY_KIND, text, &kind))
    g_assert_not_reached ();
  return kind;
}

/**
 * tend_restart_policy_new_from_config:
 * @config: the configuration, for its recovery.* keys
 *
 * The policy of a service without one of its own: recovery.default-policy, with the
 * limits, backoff, breaker and loop detection of the other recovery.* keys.
 *
 * Returns: (transfer full): a new policy
 */
TendRestartPolicy *
tend_restart_policy_new_from_config (TendConfig *config)
{
  TendInventoryPolicy *settings;
  TendRestartPolicy *self;

  g_return_val_if_fail (TEND_IS_CONFIG (config), NULL);

  self = g_object_new (TEND_TYPE_RESTART_POLICY, NULL);
  settings = &self->settings;
  settings->kind = kind_from_string (tend_config_get_string (config, "recovery.default-policy"));
  settings->max_recoveries = tend_config_get_int (config, "recovery.max-attempts");
  settings->window_usec = tend_config_get_duration (config, "recovery.window");
  settings->cooldown_usec = tend_config_get_duration (config, "recovery.cooldown");
  settings->backoff_initial_usec = tend_config_get_duration (config, "recovery.backoff-initial");
  settings->backoff_multiplier = tend_config_get_double (config, "recovery.backoff-multiplier");
  settings->backoff_max_usec = tend_config_get_duration (config, "recovery.backoff-max");
  settings->reset_after_usec = tend_config_get_duration (config, "recovery.backoff-reset-after");
  settings->jitter = tend_config_get_double (config, "recovery.backoff-jitter-percent") / 100.0;
  settings->loop_threshold = tend_config_get_int (config, "recovery.loop-threshold");
  settings->loop_window_usec = tend_config_get_duration (config, "recovery.loop-window");
  self->breaker_threshold = tend_config_get_int (config, "recovery.breaker-threshold");
  self->breaker_timeout_usec = tend_config_get_duration (config, "recovery.breaker-timeout");
  return self;
}

/**
 * tend_restart_policy_new:
 * @kind: the kind of policy
 *
 * Returns: (transfer full): a policy of @kind with the defaults of the recovery.* keys
 */
TendRestartPolicy *
tend_restart_policy_new (TendInventoryPolicyKind kind)
{
  g_autoptr(TendConfig) defaults = tend_config_new ();
  TendRestartPolicy *self;

  g_return_val_if_fail (kind <= TEND_INVENTORY_POLICY_BACKOFF, NULL);

  self = tend_restart_policy_new_from_config (defaults);
  self->settings.kind = kind;
  return self;
}

/**
 * tend_restart_policy_new_from_inventory:
 * @policy: a service's own policy, as the inventory holds it (tend_inventory_validate())
 * @config: (nullable): the configuration, for what the inventory does not say per
 *   service (recovery.breaker-timeout); %NULL for its default
 *
 * Returns: (transfer full): a new policy with @policy's settings
 */
TendRestartPolicy *
tend_restart_policy_new_from_inventory (const TendInventoryPolicy *policy,
                                        TendConfig                *config)
{
  g_autoptr(TendConfig) defaults = NULL;
  TendRestartPolicy *self;

  g_return_val_if_fail (policy != NULL, NULL);
  g_return_val_if_fail (config == NULL || TEND_IS_CONFIG (config), NULL);

  if (config == NULL)
    config = defaults = tend_config_new ();

  self = tend_restart_policy_new_from_config (config);
  self->settings = *policy;
  self->settings.host = NULL;
  self->settings.unit = NULL;
  return self;
}

/* ------------------------------------------------------------------------------------ */
/* Settings                                                                              */

/**
 * tend_restart_policy_get_settings:
 *
 * All the settings at once, as a policy of the inventory holds them: what
 * tend_restart_policy_new_from_config() made of the recovery.* keys, say, for a person
 * to see or to start a policy of a service's own from. The breaker timeout is not among
 * them (see tend_restart_policy_get_breaker_timeout()).
 *
 * Returns: (transfer none): the settings; their host and unit are %NULL
 */
const TendInventoryPolicy *
tend_restart_policy_get_settings (TendRestartPolicy *self)
{
  g_return_val_if_fail (TEND_IS_RESTART_POLICY (self), NULL);

  return &self->settings;
}


void
tend_restart_policy_set_kind (TendRestartPolicy       *self,
                              TendInventoryPolicyKind  kind)
{
  g_return_if_fail (TEND_IS_RESTART_POLICY (self));
  g_return_if_fail (kind <= TEND_INVENTORY_POLICY_BACKOFF);

  self->settings.kind = kind;
}

TendInventoryPolicyKind
tend_restart_policy_get_kind (TendRestartPolicy *self)
{
  g_return_val_if_fail (TEND_IS_RESTART_POLICY (self), TEND_INVENTORY_POLICY_NEVER);

  return self->settings.kind;
}

/**
 * tend_restart_policy_set_window:
 * @max_recoveries: at most this many recoveries start ...
 * @window_usec: ... within any period this long
 */
void
tend_restart_policy_set_window (TendRestartPolicy *self,
                                guint              max_recoveries,
                                gint64             window_usec)
{
  g_return_if_fail (TEND_IS_RESTART_POLICY (self));
  g_return_if_fail (max_recoveries >= 1 && max_recoveries <= G_MAXINT);
  g_return_if_fail (window_usec > 0);

  self->settings.max_recoveries = max_recoveries;
  self->settings.window_usec = window_usec;
}

guint
tend_restart_policy_get_max_recoveries (TendRestartPolicy *self)
{
  g_return_val_if_fail (TEND_IS_RESTART_POLICY (self), 0);

  return self->settings.max_recoveries;
}

gint64
tend_restart_policy_get_window (TendRestartPolicy *self)
{
  g_return_val_if_fail (TEND_IS_RESTART_POLICY (self), 0);

  return self->settings.window_usec;
}

void
tend_restart_policy_set_cooldown (TendRestartPolicy *self,
                                  gint64             cooldown_usec)
{
  g_return_if_fail (TEND_IS_RESTART_POLICY (self));
  g_return_if_fail (cooldown_usec >= 0);

  self->settings.cooldown_usec = cooldown_usec;
}

gint64
tend_restart_policy_get_cooldown (TendRestartPolicy *self)
{
  g_return_val_if_fail (TEND_IS_RESTART_POLICY (self), 0);

  return self->settings.cooldown_usec;
}

/**
 * tend_restart_policy_set_backoff:
 * @initial_usec: the delay before the first attempt, above 0
 * @multiplier: each delay is the previous one times this, 1.0 or more
 * @max_usec: the longest delay (before jitter), not below @initial_usec
 * @reset_after_usec: this long healthy makes the next attempt the first again, above 0
 * @jitter: 0..1: each delay grows by a random share of it below this
 *
 * Used by backoff policies only.
 */
void
tend_restart_policy_set_backoff (TendRestartPolicy *self,
                                 gint64             initial_usec,
                                 double             multiplier,
                                 gint64             max_usec,
                                 gint64             reset_after_usec,
                                 double             jitter)
{
  g_return_if_fail (TEND_IS_RESTART_POLICY (self));
  g_return_if_fail (initial_usec > 0);
  g_return_if_fail (multiplier >= 1.0);
  g_return_if_fail (max_usec >= initial_usec);
  g_return_if_fail (reset_after_usec > 0);
  g_return_if_fail (jitter >= 0.0 && jitter <= 1.0);

  self->settings.backoff_initial_usec = initial_usec;
  self->settings.backoff_multiplier = multiplier;
  self->settings.backoff_max_usec = max_usec;
  self->settings.reset_after_usec = reset_after_usec;
  self->settings.jitter = jitter;
}

gint64
tend_restart_policy_get_backoff_initial (TendRestartPolicy *self)
{
  g_return_val_if_fail (TEND_IS_RESTART_POLICY (self), 0);

  return self->settings.backoff_initial_usec;
}

double
tend_restart_policy_get_backoff_multiplier (TendRestartPolicy *self)
{
  g_return_val_if_fail (TEND_IS_RESTART_POLICY (self), 0.0);

  return self->settings.backoff_multiplier;
}

gint64
tend_restart_policy_get_backoff_max (TendRestartPolicy *self)
{
  g_return_val_if_fail (TEND_IS_RESTART_POLICY (self), 0);

  return self->settings.backoff_max_usec;
}

gint64
tend_restart_policy_get_backoff_reset_after (TendRestartPolicy *self)
{
  g_return_val_if_fail (TEND_IS_RESTART_POLICY (self), 0);

  return self->settings.reset_after_usec;
}

double
tend_restart_policy_get_jitter (TendRestartPolicy *self)
{
  g_return_val_if_fail (TEND_IS_RESTART_POLICY (self), 0.0);

  return self->settings.jitter;
}

void
tend_restart_policy_set_breaker_timeout (TendRestartPolicy *self,
                                         gint64             timeout_usec)
{
  g_return_if_fail (TEND_IS_RESTART_POLICY (self));
  g_return_if_fail (timeout_usec > 0);

  self->breaker_timeout_usec = timeout_usec;
}

gint64
tend_restart_policy_get_breaker_timeout (TendRestartPolicy *self)
{
  g_return_val_if_fail (TEND_IS_RESTART_POLICY (self), 0);

  return self->breaker_timeout_usec;
}

/**
 * tend_restart_policy_set_breaker_threshold:
 * @threshold: failed recoveries in a row that open the circuit breaker, at least 1
 */
void
tend_restart_policy_set_breaker_threshold (TendRestartPolicy *self,
                                           guint              threshold)
{
  g_return_if_fail (TEND_IS_RESTART_POLICY (self));
  g_return_if_fail (threshold >= 1 && threshold <= G_MAXINT);

  self->breaker_threshold = threshold;
}

guint
tend_restart_policy_get_breaker_threshold (TendRestartPolicy *self)
{
  g_return_val_if_fail (TEND_IS_RESTART_POLICY (self), 0);

  return self->breaker_threshold;
}

/**
 * tend_restart_policy_get_failed_in_a_row:
 *
 * Returns: how many recoveries in a row did not bring the service back (a success, or
 *   reset-after of health, sets it to 0)
 */
guint
tend_restart_policy_get_failed_in_a_row (TendRestartPolicy *self)
{
  g_return_val_if_fail (TEND_IS_RESTART_POLICY (self), 0);

  return self->failed_in_a_row;
}

/**
 * tend_restart_policy_set_loop_detection:
 * @threshold: this many recoveries started ...
 * @window_usec: ... within this long are a restart loop
 */
void
tend_restart_policy_set_loop_detection (TendRestartPolicy *self,
                                        guint              threshold,
                                        gint64             window_usec)
{
  g_return_if_fail (TEND_IS_RESTART_POLICY (self));
  g_return_if_fail (threshold >= 1 && threshold <= G_MAXINT);
  g_return_if_fail (window_usec > 0);

  self->settings.loop_threshold = threshold;
  self->settings.loop_window_usec = window_usec;
}

guint
tend_restart_policy_get_loop_threshold (TendRestartPolicy *self)
{
  g_return_val_if_fail (TEND_IS_RESTART_POLICY (self), 0);

  return self->settings.loop_threshold;
}

gint64
tend_restart_policy_get_loop_window (TendRestartPolicy *self)
{
  g_return_val_if_fail (TEND_IS_RESTART_POLICY (self), 0);

  return self->settings.loop_window_usec;
}

/**
 * tend_restart_policy_set_seed:
 * @seed: the seed of the jitter's random numbers
 *
 * Makes the jitter repeatable; without it the seed comes from g_random_int(). Draws the
 * next attempt's share again.
 */
void
tend_restart_policy_set_seed (TendRestartPolicy *self,
                              guint32            seed)
{
  g_return_if_fail (TEND_IS_RESTART_POLICY (self));

  g_rand_set_seed (self->rand, seed);
  self->jitter_share = g_rand_double (self->rand);
}

/* ------------------------------------------------------------------------------------ */
/* Time, windows and delays                                                              */

/* Whether @now_usec may be given: times never go back. */
static gboolean
time_ok (TendRestartPolicy *self,
         gint64             now_usec)
{
  return now_usec >= 0 && now_usec >= self->latest_usec;
}

/* The recent starts within @window_usec of @now_usec: how many, and the index of the
 * oldest of them. A start at s counts while now < s + window. */
static guint
count_starts (TendRestartPolicy *self,
              gint64             window_usec,
              gint64             now_usec,
              guint             *first)
{
  guint i = 0;

  while (i < self->starts->len && g_array_index (self->starts, gint64, i) <= now_usec - window_usec)
    i++;
  if (first != NULL)
    *first = i;
  return self->starts->len - i;
}

/* How long a start is remembered: as long as a window counts it. */
static gint64
keep_usec (TendRestartPolicy *self)
{
  return MAX (self->settings.window_usec, self->settings.loop_window_usec);
}

/* When @limit starts within @window_usec are reached at @now_usec: when enough of them
 * have left the window for one more to start; -1 when the limit is not reached. */
static gint64
limit_ends (TendRestartPolicy *self,
            guint              limit,
            gint64             window_usec,
            gint64             now_usec)
{
  guint first;
  guint n = count_starts (self, window_usec, now_usec, &first);

  if (n < limit)
    return -1;
  return g_array_index (self->starts, gint64, first + n - limit) + window_usec;
}

static gboolean
healthy_long_enough (TendRestartPolicy *self,
                     gint64             now_usec)
{
  return self->healthy_since_usec >= 0 &&
         now_usec - self->healthy_since_usec >= self->settings.reset_after_usec;
}

static guint
attempt_at (TendRestartPolicy *self,
            gint64             now_usec)
{
  return healthy_long_enough (self, now_usec) ? 0 : self->attempt;
}

/* The backoff delay before attempt @attempt, without jitter. */
static gint64
base_delay (TendRestartPolicy *self,
            guint              attempt)
{
  double delay = (double) self->settings.backoff_initial_usec;

  /* Stops at the cap, so a long run of attempts costs nothing and cannot overflow. */
  for (guint i = 0; i < attempt && delay < (double) self->settings.backoff_max_usec &&
                    self->settings.backoff_multiplier > 1.0; i++)
    delay *= self->settings.backoff_multiplier;
  if (delay >= (double) self->settings.backoff_max_usec)
    return self->settings.backoff_max_usec;
  return (gint64) delay;
}

static gint64
delay_at (TendRestartPolicy *self,
          gint64             now_usec)
{
  gint64 base = base_delay (self, attempt_at (self, now_usec));

  return base + (gint64) (self->settings.jitter * self->jitter_share * (double) base);
}

static TendBreakerState
breaker_at (TendRestartPolicy *self,
            gint64             now_usec)
{
  if (self->breaker == TEND_BREAKER_OPEN &&
      now_usec >= self->breaker_opened_usec + self->breaker_timeout_usec)
    return TEND_BREAKER_HALF_OPEN;
  return self->breaker;
}

/* Whether the service is in a state the policy acts on, and since when (or -1). */
static gint64
trouble_since (TendRestartPolicy *self)
{
  switch (self->settings.kind)
    {
    case TEND_INVENTORY_POLICY_NEVER:
      return -1;
    case TEND_INVENTORY_POLICY_ALWAYS:
      return self->down_since_usec;
    case TEND_INVENTORY_POLICY_ON_FAILURE:
    case TEND_INVENTORY_POLICY_BACKOFF:
    default:
      return self->failure_since_usec;
    }
}

/* What time alone changed, made permanent before an input changes the state. */
static void
settle (TendRestartPolicy *self,
        gint64             now_usec)
{
  self->breaker = breaker_at (self, now_usec);
  if (healthy_long_enough (self, now_usec))
    {
      self->attempt = 0;
      /* Failures that far apart are not "in a row"; an open breaker keeps its count
       * until its trial says how the service is. */
      if (self->breaker == TEND_BREAKER_CLOSED)
        self->failed_in_a_row = 0;
    }
  self->latest_usec = now_usec;
}

static void
set_manual (TendRestartPolicy *self,
            gboolean           manual,
            char              *reason)
{
  g_free (self->manual_reason);
  self->manual_reason = reason;
  if (self->manual == manual)
    return;
  self->manual = manual;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MANUAL_INTERVENTION_REQUIRED]);
}

/* A duration still to run, as people read it: whole seconds (rounded up) from 1 s on. */
static char *
format_left (gint64 usec)
{
  if (usec >= TEND_USEC_PER_SEC)
    usec = (usec + TEND_USEC_PER_SEC - 1) / TEND_USEC_PER_SEC * TEND_USEC_PER_SEC;
  return tend_duration_format (MAX (usec, 0));
}

/* A restart loop: the service is in trouble again, and loop-threshold recoveries
 * already started within loop-window did not keep it out of it. */
static void
detect_loop (TendRestartPolicy *self,
             gboolean           in_trouble,
             gint64             now_usec)
{
  guint n;
  g_autofree char *window = NULL;

  if (self->manual || self->recovering || !in_trouble)
    return;
  n = count_starts (self, self->settings.loop_window_usec, now_usec, NULL);
  if (n < (guint) self->settings.loop_threshold)
    return;
  window = tend_duration_format (self->settings.loop_window_usec);
  set_manual (self, TRUE,
              g_strdup_printf ("restart loop: failed again after %u recoveries within %s — "
                               "manual intervention required", n, window));
}

/* ------------------------------------------------------------------------------------ */
/* What happened                                                                         */

static gint64
since (gboolean now_true,
       gint64   since_usec,
       gint64   now_usec)
{
  if (!now_true)
    return -1;
  return since_usec >= 0 ? since_usec : now_usec;
}

/**
 * tend_restart_policy_observe:
 * @health: the service's overall health, from hard states (tend_health_get_status())
 * @unit: systemd's state of the unit
 * @now_usec: when
 *
 * Tells the policy how the service is. Call it when either changes; calling it again
 * with the same values changes nothing but may end a healthy period's wait.
 */
void
tend_restart_policy_observe (TendRestartPolicy     *self,
                             TendHealthStatus       health,
                             TendRecoveryUnitState  unit,
                             gint64                 now_usec)
{
  gboolean failed;
  gboolean down;
  gboolean healthy;

  g_return_if_fail (TEND_IS_RESTART_POLICY (self));
  g_return_if_fail (health <= TEND_HEALTH_UNKNOWN);
  g_return_if_fail (unit <= TEND_RECOVERY_UNIT_FAILED);
  g_return_if_fail (time_ok (self, now_usec));

  settle (self, now_usec);

  failed = unit == TEND_RECOVERY_UNIT_FAILED ||
           (health == TEND_HEALTH_CRITICAL && unit != TEND_RECOVERY_UNIT_INACTIVE);
  down = failed || unit == TEND_RECOVERY_UNIT_INACTIVE;
  healthy = health == TEND_HEALTH_HEALTHY && !down;

  self->health = health;
  self->unit = unit;
  self->failure_since_usec = since (failed, self->failure_since_usec, now_usec);
  self->down_since_usec = since (down, self->down_since_usec, now_usec);
  self->healthy_since_usec = since (healthy, self->healthy_since_usec, now_usec);
  detect_loop (self, trouble_since (self) >= 0, now_usec);
}

/**
 * tend_restart_policy_recovery_started:
 * @now_usec: when
 *
 * Tells the policy that a recovery it asked for has started. It counts toward the
 * window and the loop, uses up a backoff attempt and is the trial of a half-open
 * breaker.
 */
void
tend_restart_policy_recovery_started (TendRestartPolicy *self,
                                      gint64             now_usec)
{
  guint first;

  g_return_if_fail (TEND_IS_RESTART_POLICY (self));
  g_return_if_fail (!self->recovering);
  g_return_if_fail (time_ok (self, now_usec));

  settle (self, now_usec);

  /* Forget starts that neither window counts any more. */
  count_starts (self, keep_usec (self), now_usec, &first);
  g_array_remove_range (self->starts, 0, first);
  g_array_append_val (self->starts, now_usec);

  self->recovering = TRUE;
  self->recovery_started_usec = now_usec;
  self->attempt++;
  self->jitter_share = g_rand_double (self->rand);
}

/**
 * tend_restart_policy_recovery_finished:
 * @success: whether the recovery worked; %FALSE counts toward the circuit breaker
 * @now_usec: when
 *
 * Tells the policy that the recovery that started has ended. The cooldown starts. A
 * failure may open the breaker, or reveal a restart loop
 * (#TendRestartPolicy:manual-intervention-required).
 */
void
tend_restart_policy_recovery_finished (TendRestartPolicy *self,
                                       gboolean           success,
                                       gint64             now_usec)
{
  g_return_if_fail (TEND_IS_RESTART_POLICY (self));
  g_return_if_fail (self->recovering);
  g_return_if_fail (time_ok (self, now_usec));

  settle (self, now_usec);

  self->recovering = FALSE;
  self->last_finished_usec = now_usec;
  self->last_success = !!success;
  if (success)
    {
      self->failed_in_a_row = 0;
      self->breaker = TEND_BREAKER_CLOSED;
    }
  else
    {
      self->failed_in_a_row++;
      /* Its trial failed, or one failure too many in a row: open for a timeout. */
      if (self->failed_in_a_row >= self->breaker_threshold)
        {
          self->breaker = TEND_BREAKER_OPEN;
          self->breaker_opened_usec = now_usec;
        }
      detect_loop (self, TRUE, now_usec);
    }
}

/**
 * tend_restart_policy_resume:
 * @now_usec: when
 *
 * A person's go-ahead after a restart loop or an open breaker (like
 * `systemctl reset-failed`): manual intervention is cleared, the breaker closes, and
 * past starts, the cooldown and backoff attempts are forgotten. What was observed stays.
 */
void
tend_restart_policy_resume (TendRestartPolicy *self,
                            gint64             now_usec)
{
  g_return_if_fail (TEND_IS_RESTART_POLICY (self));
  g_return_if_fail (time_ok (self, now_usec));

  settle (self, now_usec);

  g_array_set_size (self->starts, 0);
  self->last_finished_usec = -1;
  self->failed_in_a_row = 0;
  self->attempt = 0;
  self->breaker = TEND_BREAKER_CLOSED;
  self->breaker_opened_usec = -1;
  set_manual (self, FALSE, NULL);
}

/* ------------------------------------------------------------------------------------ */
/* What to do                                                                            */

typedef struct
{
  TendRecoveryCause cause;
  gint64 until_usec;
  char *reason;
} Wait;

/* Keeps the latest wait; on a tie, the one offered first. Takes @reason. */
static void
offer_wait (Wait              *wait,
            TendRecoveryCause  cause,
            gint64             until_usec,
            char              *reason)
{
  if (until_usec <= wait->until_usec)
    {
      g_free (reason);
      return;
    }
  g_free (wait->reason);
  wait->cause = cause;
  wait->until_usec = until_usec;
  wait->reason = reason;
}

static void
find_waits (TendRestartPolicy *self,
            gint64             trouble_usec,
            gint64             now_usec,
            Wait              *wait)
{
  gint64 until;

  if (breaker_at (self, now_usec) == TEND_BREAKER_OPEN)
    {
      g_autofree char *left = NULL;

      until = self->breaker_opened_usec + self->breaker_timeout_usec;
      left = format_left (until - now_usec);
      offer_wait (wait, TEND_RECOVERY_CAUSE_BREAKER_OPEN, until,
                  g_strdup_printf ("circuit breaker open after %u failed %s in a row: "
                                   "a trial in %s", self->failed_in_a_row,
                                   self->failed_in_a_row == 1 ? "recovery" : "recoveries",
                                   left));
    }

  until = limit_ends (self, self->settings.max_recoveries, self->settings.window_usec, now_usec);
  if (until > now_usec)
    {
      g_autofree char *window = tend_duration_format (self->settings.window_usec);
      g_autofree char *left = format_left (until - now_usec);

      offer_wait (wait, TEND_RECOVERY_CAUSE_WINDOW_LIMIT, until,
                  g_strdup_printf ("%u recoveries in %s: limit reached, next in %s",
                                   count_starts (self, self->settings.window_usec, now_usec, NULL),
                                   window, left));
    }

  until = self->last_finished_usec + self->settings.cooldown_usec;
  if (self->last_finished_usec >= 0 && until > now_usec)
    {
      g_autofree char *left = format_left (until - now_usec);

      offer_wait (wait, TEND_RECOVERY_CAUSE_COOLDOWN, until,
                  g_strdup_printf ("cooldown: %s left", left));
    }

  if (self->settings.kind == TEND_INVENTORY_POLICY_BACKOFF)
    {
      gint64 delay = delay_at (self, now_usec);

      until = MAX (trouble_usec, self->last_finished_usec) + delay;
      if (until > now_usec)
        {
          g_autofree char *wait_text = tend_duration_format (delay);
          g_autofree char *left = format_left (until - now_usec);

          offer_wait (wait, TEND_RECOVERY_CAUSE_BACKOFF, until,
                      g_strdup_printf ("backoff: attempt %u waits %s, %s left",
                                       attempt_at (self, now_usec) + 1, wait_text, left));
        }
    }
}

/**
 * tend_restart_policy_decide:
 * @now_usec: when
 *
 * What to do now, from what the policy was told (see the rules at #TendRestartPolicy).
 * It changes nothing: asking twice gives the same answer.
 *
 * Returns: (transfer full): the decision
 */
TendRecoveryDecision *
tend_restart_policy_decide (TendRestartPolicy *self,
                            gint64             now_usec)
{
  Wait wait = { TEND_RECOVERY_CAUSE_NOT_NEEDED, G_MININT64, NULL };
  gint64 trouble_usec;

  g_return_val_if_fail (TEND_IS_RESTART_POLICY (self), NULL);
  g_return_val_if_fail (time_ok (self, now_usec), NULL);

  if (self->manual)
    return decision_new (TEND_RECOVERY_ACTION_GIVE_UP_MANUAL, TEND_RECOVERY_CAUSE_RESTART_LOOP,
                         -1, "%s", self->manual_reason);

  if (self->settings.kind == TEND_INVENTORY_POLICY_NEVER)
    return decision_new (TEND_RECOVERY_ACTION_NONE, TEND_RECOVERY_CAUSE_POLICY_NEVER, -1,
                         "policy never: Tend does not recover this service");

  if (self->recovering)
    {
      g_autofree char *ago = tend_duration_format (now_usec - self->recovery_started_usec);

      return decision_new (TEND_RECOVERY_ACTION_NONE, TEND_RECOVERY_CAUSE_IN_PROGRESS, -1,
                           "a recovery is running (started %s ago)", ago);
    }

  trouble_usec = trouble_since (self);
  if (trouble_usec < 0)
    {
      if (self->unit == TEND_RECOVERY_UNIT_INACTIVE)
        return decision_new (TEND_RECOVERY_ACTION_NONE, TEND_RECOVERY_CAUSE_NOT_NEEDED, -1,
                             "unit stopped cleanly: policy %s leaves it stopped",
                             tend_inventory_policy_kind_to_string (self->settings.kind));
      return decision_new (TEND_RECOVERY_ACTION_NONE, TEND_RECOVERY_CAUSE_NOT_NEEDED, -1,
                           "nothing to recover: health %s, unit %s",
                           tend_health_status_to_string (self->health),
                           tend_recovery_unit_state_to_string (self->unit));
    }

  find_waits (self, trouble_usec, now_usec, &wait);
  if (wait.reason != NULL)
    {
      g_autofree char *reason = wait.reason;

      return decision_new (TEND_RECOVERY_ACTION_WAIT_UNTIL, wait.cause, wait.until_usec, "%s",
                           reason);
    }

  if (breaker_at (self, now_usec) == TEND_BREAKER_HALF_OPEN)
    return decision_new (TEND_RECOVERY_ACTION_RECOVER_NOW, TEND_RECOVERY_CAUSE_BREAKER_TRIAL,
                         now_usec, "circuit breaker half-open: one trial recovery");
  if (self->unit == TEND_RECOVERY_UNIT_FAILED)
    return decision_new (TEND_RECOVERY_ACTION_RECOVER_NOW, TEND_RECOVERY_CAUSE_FAILED,
                         now_usec, "unit failed: recover");
  if (self->unit == TEND_RECOVERY_UNIT_INACTIVE)
    return decision_new (TEND_RECOVERY_ACTION_RECOVER_NOW, TEND_RECOVERY_CAUSE_STOPPED,
                         now_usec, "unit stopped: policy always brings it back");
  return decision_new (TEND_RECOVERY_ACTION_RECOVER_NOW, TEND_RECOVERY_CAUSE_FAILED,
                       now_usec, "health critical: recover");
}

/* ------------------------------------------------------------------------------------ */
/* The state                                                                             */

gboolean
tend_restart_policy_get_manual_intervention_required (TendRestartPolicy *self)
{
  g_return_val_if_fail (TEND_IS_RESTART_POLICY (self), FALSE);

  return self->manual;
}

/**
 * tend_restart_policy_is_recovering:
 *
 * Returns: whether a recovery started and has not finished
 */
gboolean
tend_restart_policy_is_recovering (TendRestartPolicy *self)
{
  g_return_val_if_fail (TEND_IS_RESTART_POLICY (self), FALSE);

  return self->recovering;
}

/**
 * tend_restart_policy_get_breaker_state:
 * @now_usec: when
 *
 * Returns: the circuit breaker's state at @now_usec: an open one is half-open once its
 *   timeout has passed
 */
TendBreakerState
tend_restart_policy_get_breaker_state (TendRestartPolicy *self,
                                       gint64             now_usec)
{
  g_return_val_if_fail (TEND_IS_RESTART_POLICY (self), TEND_BREAKER_CLOSED);
  g_return_val_if_fail (time_ok (self, now_usec), TEND_BREAKER_CLOSED);

  return breaker_at (self, now_usec);
}

/**
 * tend_restart_policy_count_recoveries:
 * @now_usec: when
 *
 * Returns: how many recoveries started within the window that ends at @now_usec
 */
guint
tend_restart_policy_count_recoveries (TendRestartPolicy *self,
                                      gint64             now_usec)
{
  g_return_val_if_fail (TEND_IS_RESTART_POLICY (self), 0);
  g_return_val_if_fail (time_ok (self, now_usec), 0);

  return count_starts (self, self->settings.window_usec, now_usec, NULL);
}

/**
 * tend_restart_policy_count_loop_recoveries:
 * @now_usec: when
 *
 * Returns: how many recoveries started within the loop window that ends at @now_usec:
 *   the count a restart loop is judged by (the tries made before Tend gave up)
 */
guint
tend_restart_policy_count_loop_recoveries (TendRestartPolicy *self,
                                           gint64             now_usec)
{
  g_return_val_if_fail (TEND_IS_RESTART_POLICY (self), 0);
  g_return_val_if_fail (time_ok (self, now_usec), 0);

  return count_starts (self, self->settings.loop_window_usec, now_usec, NULL);
}

/**
 * tend_restart_policy_get_backoff_attempt:
 * @now_usec: when
 *
 * Returns: the backoff attempt the next recovery would be, from 0 (the first since a
 *   reset)
 */
guint
tend_restart_policy_get_backoff_attempt (TendRestartPolicy *self,
                                         gint64             now_usec)
{
  g_return_val_if_fail (TEND_IS_RESTART_POLICY (self), 0);
  g_return_val_if_fail (time_ok (self, now_usec), 0);

  return attempt_at (self, now_usec);
}

/**
 * tend_restart_policy_get_next_delay:
 * @now_usec: when
 *
 * Returns: the backoff delay before the next attempt, jitter included (a backoff policy
 *   waits it; the other kinds do not)
 */
gint64
tend_restart_policy_get_next_delay (TendRestartPolicy *self,
                                    gint64             now_usec)
{
  g_return_val_if_fail (TEND_IS_RESTART_POLICY (self), 0);
  g_return_val_if_fail (time_ok (self, now_usec), 0);

  return delay_at (self, now_usec);
}

static void
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
add_settings (TendRestartPolicy *self,
              JsonBuilder       *builder)
{
  json_builder_set_member_name (builder, "settings");
  json_builder_begin_object (builder);
  tend_json_add_string (builder, "kind",
                        tend_inventory_policy_kind_to_string (self->settings.kind));
  add_int (builder, "max_recoveries", self->settings.max_recoveries);
  add_int (builder, "window_usec", self->settings.window_usec);
  add_int (builder, "cooldown_usec", self->settings.cooldown_usec);
  add_int (builder, "backoff_initial_usec", self->settings.backoff_initial_usec);
  json_builder_set_member_name (builder, "backoff_multiplier");
  json_builder_add_double_value (builder, self->settings.backoff_multiplier);
  add_int (builder, "backoff_max_usec", self->settings.backoff_max_usec);
  add_int (builder, "reset_after_usec", self->settings.reset_after_usec);
  json_builder_set_member_name (builder, "jitter");
  json_builder_add_double_value (builder, self->settings.jitter);
  add_int (builder, "breaker_threshold", self->breaker_threshold);
  add_int (builder, "breaker_timeout_usec", self->breaker_timeout_usec);
  add_int (builder, "loop_threshold", self->settings.loop_threshold);
  add_int (builder, "loop_window_usec", self->settings.loop_window_usec);
  json_builder_end_object (builder);
}

/**
 * tend_restart_policy_dup_state_json:
 * @now_usec: when
 *
 * The settings, the state at @now_usec and the decision, as one JSON object for an
 * incident's snapshot and `tendctl policy show`. Times are on the caller's clock, -1 for
 * never.
 *
 * Returns: (transfer full): the JSON text
 */
char *
tend_restart_policy_dup_state_json (TendRestartPolicy *self,
                                    gint64             now_usec)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(TendRecoveryDecision) decision = NULL;
  guint first;
  guint n;

  g_return_val_if_fail (TEND_IS_RESTART_POLICY (self), NULL);
  g_return_val_if_fail (time_ok (self, now_usec), NULL);

  decision = tend_restart_policy_decide (self, now_usec);
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  add_settings (self, builder);
  add_int (builder, "now_usec", now_usec);
  tend_json_add_string (builder, "health", tend_health_status_to_string (self->health));
  tend_json_add_string (builder, "unit", tend_recovery_unit_state_to_string (self->unit));
  add_int (builder, "failing_since_usec", trouble_since (self));
  add_int (builder, "healthy_since_usec", self->healthy_since_usec);
  json_builder_set_member_name (builder, "manual_intervention_required");
  json_builder_add_boolean_value (builder, self->manual);
  tend_json_add_string (builder, "manual_reason", self->manual_reason);
  tend_json_add_string (builder, "breaker",
                        tend_breaker_state_to_string (breaker_at (self, now_usec)));
  add_int (builder, "breaker_opened_usec", self->breaker_opened_usec);
  json_builder_set_member_name (builder, "recovering");
  json_builder_add_boolean_value (builder, self->recovering);
  add_int (builder, "recovery_started_usec", self->recovery_started_usec);
  add_int (builder, "last_finished_usec", self->last_finished_usec);
  json_builder_set_member_name (builder, "last_success");
  if (self->last_success < 0)
    json_builder_add_null_value (builder);
  else
    json_builder_add_boolean_value (builder, self->last_success);
  add_int (builder, "failed_in_a_row", self->failed_in_a_row);
  add_int (builder, "recoveries_in_window",
           count_starts (self, self->settings.window_usec, now_usec, NULL));
  json_builder_set_member_name (builder, "recent_starts_usec");
  json_builder_begin_array (builder);
  n = count_starts (self, keep_usec (self), now_usec, &first);
  for (guint i = first; i < first + n; i++)
    json_builder_add_int_value (builder, g_array_index (self->starts, gint64, i));
  json_builder_end_array (builder);
  add_int (builder, "backoff_attempt", attempt_at (self, now_usec));
  add_int (builder, "next_delay_usec", delay_at (self, now_usec));
  json_builder_set_member_name (builder, "decision");
  json_builder_begin_object (builder);
  tend_json_add_string (builder, "action", tend_recovery_action_to_string (decision->action));
  tend_json_add_string (builder, "cause", tend_recovery_cause_to_string (decision->cause));
  add_int (builder, "at_usec", decision->at_usec);
  tend_json_add_string (builder, "reason", decision->reason);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  generator = json_generator_new ();
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

/**
 * tend_restart_policy_equal_settings:
 *
 * Returns: whether @a and @b are set alike (kind, limits, backoff, breaker, loop
 *   detection), whatever their state
 */
gboolean
tend_restart_policy_equal_settings (TendRestartPolicy *a,
                                    TendRestartPolicy *b)
{
  const TendInventoryPolicy *x, *y;

  g_return_val_if_fail (TEND_IS_RESTART_POLICY (a), FALSE);
  g_return_val_if_fail (TEND_IS_RESTART_POLICY (b), FALSE);

  x = &a->settings;
  y = &b->settings;
  return x->kind == y->kind && x->max_recoveries == y->max_recoveries &&
         x->window_usec == y->window_usec && x->cooldown_usec == y->cooldown_usec &&
         x->backoff_initial_usec == y->backoff_initial_usec &&
         x->backoff_multiplier == y->backoff_multiplier &&
         x->backoff_max_usec == y->backoff_max_usec &&
         x->reset_after_usec == y->reset_after_usec && x->jitter == y->jitter &&
         x->loop_threshold == y->loop_threshold && x->loop_window_usec == y->loop_window_usec &&
         a->breaker_threshold == b->breaker_threshold &&
         a->breaker_timeout_usec == b->breaker_timeout_usec;
}
