/* tend-health.c — the health of a service: one state per check, an overall verdict
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure decision logic: verdicts go in with the time they arrived, states come out. No
 * timer, no I/O, no clock read here, so every rule is tested with explicit times.
 *
 * TendCheckState is a final GObject rather than a plain struct: the monitor, the
 * service's TendHealth and a window's list of layers share one instance by reference
 * (one owner of the fact, no copies that drift), TendHealth keeps its layers in a
 * GListModel a GtkColumnView can show, and read-only properties notify exactly when a
 * value changes, so a view binds to them and TendHealth follows its layers without
 * being told. TendResultStatus has no GType of its own (it lives in tend-store.h), so
 * the two status properties are guint holding a TendResultStatus.
 */
#define G_LOG_DOMAIN "Tend-Monitor"

#include <string.h>

#include "tend-check.h"
#include "tend-health.h"

#define FLAP_WINDOW TEND_CHECK_STATE_FLAP_WINDOW
#define FLAP_CHANGES (FLAP_WINDOW - 1)

/* Change i of the FLAP_CHANGES possible ones (0 the oldest) weighs
 * 0.8 + 0.4 × i / (FLAP_CHANGES - 1), that is (4 (C-1) + 2 i) / (5 (C-1)) with
 * C = FLAP_CHANGES. The weights are summed as integers in units of 1 / (5 (C-1)) and
 * divided once, so a sequence that changes every time scores exactly 100. */
#define FLAP_WEIGHT_UNITS(i) (4 * (FLAP_CHANGES - 1) + 2 * (i))
#define FLAP_WEIGHT_DENOMINATOR (5 * (FLAP_CHANGES - 1))

G_STATIC_ASSERT (FLAP_WINDOW >= 3);

/* ------------------------------------------------------------------------------------ */
/* TendCheckState                                                                        */

struct _TendCheckState
{
  GObject parent_instance;

  char *name;                       /* (owned) */

  /* Settings. */
  guint failures_before_hard;
  guint successes_before_recovered;
  gint64 startup_grace_usec;
  gint64 started_usec;              /* -1: not known, no grace */
  double flap_start_percent;
  double flap_end_percent;

  /* What the results added up to. */
  TendResultStatus hard_status;
  TendResultStatus soft_status;
  gboolean pending;                 /* no hard status yet */
  gint64 since_usec;                /* the hard status's, -1 while pending */
  gint64 soft_since_usec;           /* the soft status's, -1 before the first result */
  guint consecutive_failures;       /* counted ones: not a pass, outside the grace */
  guint consecutive_successes;
  guint n_results;
  TendCheckVerdict *last_verdict;   /* (owned) (nullable) */

  /* Flap detection: the latest statuses, oldest first. */
  guint8 history[FLAP_WINDOW];
  guint n_history;
  double flap_percent;
  gboolean flapping;
};

G_DEFINE_FINAL_TYPE (TendCheckState, tend_check_state, G_TYPE_OBJECT)

enum {
  STATE_PROP_0,
  STATE_PROP_NAME,
  STATE_PROP_STATUS,
  STATE_PROP_SOFT_STATUS,
  STATE_PROP_HARD,
  STATE_PROP_PENDING,
  STATE_PROP_FLAPPING,
  STATE_PROP_FLAP_PERCENT,
  STATE_PROP_SINCE,
  STATE_PROP_MESSAGE,
  STATE_N_PROPS
};

static GParamSpec *state_properties[STATE_N_PROPS];

static gboolean
state_is_hard (TendCheckState *self)
{
  return !self->pending && self->n_results > 0 && self->soft_status == self->hard_status;
}

static void
tend_check_state_finalize (GObject *object)
{
  TendCheckState *self = TEND_CHECK_STATE (object);

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->last_verdict, tend_check_verdict_free);

  G_OBJECT_CLASS (tend_check_state_parent_class)->finalize (object);
}

static void
tend_check_state_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  TendCheckState *self = TEND_CHECK_STATE (object);

  switch (prop_id)
    {
    case STATE_PROP_NAME: g_value_set_string (value, self->name); break;
    case STATE_PROP_STATUS: g_value_set_uint (value, self->hard_status); break;
    case STATE_PROP_SOFT_STATUS: g_value_set_uint (value, self->soft_status); break;
    case STATE_PROP_HARD: g_value_set_boolean (value, state_is_hard (self)); break;
    case STATE_PROP_PENDING: g_value_set_boolean (value, self->pending); break;
    case STATE_PROP_FLAPPING: g_value_set_boolean (value, self->flapping); break;
    case STATE_PROP_FLAP_PERCENT: g_value_set_double (value, self->flap_percent); break;
    case STATE_PROP_SINCE: g_value_set_int64 (value, self->since_usec); break;
    case STATE_PROP_MESSAGE:
      g_value_set_string (value, tend_check_state_get_message (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_check_state_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  TendCheckState *self = TEND_CHECK_STATE (object);

  switch (prop_id)
    {
    case STATE_PROP_NAME:
      g_assert (self->name == NULL);
      self->name = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_check_state_class_init (TendCheckStateClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = tend_check_state_finalize;
  object_class->get_property = tend_check_state_get_property;
  object_class->set_property = tend_check_state_set_property;

  state_properties[STATE_PROP_NAME] =
    g_param_spec_string ("name", NULL, "The check's name, unique for its service", NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  state_properties[STATE_PROP_STATUS] =
    g_param_spec_uint ("status", NULL, "The hard status, a TendResultStatus",
                       TEND_RESULT_PASS, TEND_RESULT_UNKNOWN, TEND_RESULT_UNKNOWN, ro);
  state_properties[STATE_PROP_SOFT_STATUS] =
    g_param_spec_uint ("soft-status", NULL, "The latest result's status, a TendResultStatus",
                       TEND_RESULT_PASS, TEND_RESULT_UNKNOWN, TEND_RESULT_UNKNOWN, ro);
  state_properties[STATE_PROP_HARD] =
    g_param_spec_boolean ("hard", NULL, "Whether the latest result is the hard status",
                          FALSE, ro);
  state_properties[STATE_PROP_PENDING] =
    g_param_spec_boolean ("pending", NULL, "Whether there is no hard status yet", TRUE, ro);
  state_properties[STATE_PROP_FLAPPING] = g_param_spec_boolean ("flapping", NULL, NULL, FALSE, ro);
  state_properties[STATE_PROP_FLAP_PERCENT] =
    g_param_spec_double ("flap-percent", NULL, "Weighted state changes of the latest results",
                         0.0, 100.0, 0.0, ro);
  state_properties[STATE_PROP_SINCE] =
    g_param_spec_int64 ("since", NULL, "µs the hard status began, -1 while pending",
                        -1, G_MAXINT64, -1, ro);
  state_properties[STATE_PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, "The latest result's message", NULL, ro);

  g_object_class_install_properties (object_class, STATE_N_PROPS, state_properties);
}

static void
tend_check_state_init (TendCheckState *self)
{
  self->failures_before_hard = TEND_CHECK_STATE_DEFAULT_FAILURES_BEFORE_HARD;
  self->successes_before_recovered = TEND_CHECK_STATE_DEFAULT_SUCCESSES_BEFORE_RECOVERED;
  self->startup_grace_usec = TEND_CHECK_STATE_DEFAULT_STARTUP_GRACE;
  self->started_usec = -1;
  self->flap_start_percent = TEND_CHECK_STATE_DEFAULT_FLAP_START_PERCENT;
  self->flap_end_percent = TEND_CHECK_STATE_DEFAULT_FLAP_END_PERCENT;
  self->hard_status = TEND_RESULT_UNKNOWN;
  self->soft_status = TEND_RESULT_UNKNOWN;
  self->pending = TRUE;
  self->since_usec = -1;
  self->soft_since_usec = -1;
}

/**
 * tend_check_state_new:
 * @name: the check's name
 *
 * Returns: (transfer full): a pending state with the default thresholds and grace
 */
TendCheckState *
tend_check_state_new (const char *name)
{
  g_return_val_if_fail (name != NULL && *name != '\0', NULL);

  return g_object_new (TEND_TYPE_CHECK_STATE, "name", name, NULL);
}

/**
 * tend_check_state_new_for_check:
 * @check: the check whose results it will be fed
 *
 * Returns: (transfer full): a pending state with @check's name, failures before hard,
 *   successes before recovered and start-up grace (none for a check of systemd's own
 *   verdict, see tend_check_get_effective_grace())
 */
TendCheckState *
tend_check_state_new_for_check (TendCheck *check)
{
  TendCheckState *self;

  g_return_val_if_fail (TEND_IS_CHECK (check), NULL);

  self = tend_check_state_new (tend_check_get_name (check));
  tend_check_state_set_thresholds (self,
                                   tend_check_get_failures_before_hard (check),
                                   tend_check_get_successes_before_recovered (check));
  tend_check_state_set_startup_grace (self, tend_check_get_effective_grace (check));
  return self;
}

const char *
tend_check_state_get_name (TendCheckState *self)
{
  g_return_val_if_fail (TEND_IS_CHECK_STATE (self), NULL);
  return self->name;
}

/**
 * tend_check_state_set_thresholds:
 * @failures_before_hard: results in a row that are not a pass before the hard status
 *   follows them, at least 1
 * @successes_before_recovered: passes in a row before a hard status that is not a pass
 *   turns back to pass, at least 1
 *
 * Applies from the next result on; the counts so far stay.
 */
void
tend_check_state_set_thresholds (TendCheckState *self,
                                 guint           failures_before_hard,
                                 guint           successes_before_recovered)
{
  g_return_if_fail (TEND_IS_CHECK_STATE (self));
  g_return_if_fail (failures_before_hard >= 1);
  g_return_if_fail (successes_before_recovered >= 1);

  self->failures_before_hard = failures_before_hard;
  self->successes_before_recovered = successes_before_recovered;
}

guint
tend_check_state_get_failures_before_hard (TendCheckState *self)
{
  g_return_val_if_fail (TEND_IS_CHECK_STATE (self), 0);
  return self->failures_before_hard;
}

guint
tend_check_state_get_successes_before_recovered (TendCheckState *self)
{
  g_return_val_if_fail (TEND_IS_CHECK_STATE (self), 0);
  return self->successes_before_recovered;
}

/**
 * tend_check_state_set_startup_grace:
 * @grace_usec: how long after the service started a result that is not a pass does not
 *   count, 0 for no grace
 */
void
tend_check_state_set_startup_grace (TendCheckState *self,
                                    gint64          grace_usec)
{
  g_return_if_fail (TEND_IS_CHECK_STATE (self));
  g_return_if_fail (grace_usec >= 0);

  self->startup_grace_usec = grace_usec;
}

gint64
tend_check_state_get_startup_grace (TendCheckState *self)
{
  g_return_val_if_fail (TEND_IS_CHECK_STATE (self), 0);
  return self->startup_grace_usec;
}

/**
 * tend_check_state_set_flap_thresholds:
 * @start_percent: flapping starts when the flap percent is above this
 * @end_percent: flapping ends when the flap percent is below this, at most @start_percent
 *
 * Both within 0..100. A layer already flapping is judged by the new thresholds at its
 * next result.
 */
void
tend_check_state_set_flap_thresholds (TendCheckState *self,
                                      double          start_percent,
                                      double          end_percent)
{
  g_return_if_fail (TEND_IS_CHECK_STATE (self));
  g_return_if_fail (start_percent >= 0.0 && start_percent <= 100.0);
  g_return_if_fail (end_percent >= 0.0 && end_percent <= start_percent);

  self->flap_start_percent = start_percent;
  self->flap_end_percent = end_percent;
}

/**
 * tend_check_state_set_started:
 * @started_usec: when the service (last) started, on the clock of the results; -1 when
 *   not known, which means no grace
 *
 * Results that are not a pass and arrive before @started_usec + the start-up grace do
 * not count toward hard. Call it again at each start of the service.
 */
void
tend_check_state_set_started (TendCheckState *self,
                              gint64          started_usec)
{
  g_return_if_fail (TEND_IS_CHECK_STATE (self));
  g_return_if_fail (started_usec >= -1);

  self->started_usec = started_usec;
}

gint64
tend_check_state_get_started (TendCheckState *self)
{
  g_return_val_if_fail (TEND_IS_CHECK_STATE (self), -1);
  return self->started_usec;
}

static gboolean
in_grace (TendCheckState *self,
          gint64          now_usec)
{
  return self->started_usec >= 0
         && now_usec >= self->started_usec
         && now_usec - self->started_usec < self->startup_grace_usec;
}

static double
flap_percent (const guint8 *history,
              guint         n_history)
{
  guint units = 0;

  g_assert (n_history <= FLAP_WINDOW);

  /* Aligned on the newest change: a short history has no changes among its oldest. */
  for (guint i = 1; i < n_history; i++)
    if (history[i] != history[i - 1])
      units += FLAP_WEIGHT_UNITS (FLAP_WINDOW - n_history + i - 1);

  return 100.0 * units / (FLAP_WEIGHT_DENOMINATOR * FLAP_CHANGES);
}

static void
set_hard (TendCheckState   *self,
          TendResultStatus  status,
          gint64            now_usec)
{
  if (!self->pending && self->hard_status == status)
    return;

  self->hard_status = status;
  self->pending = FALSE;
  self->since_usec = now_usec;
}

/**
 * tend_check_state_add:
 * @verdict: one result of the check
 * @now_usec: when it arrived
 *
 * Counts one result; see #TendCheckState for the rules.
 *
 * Returns: whether the visible state changed: the hard status, or whether the layer
 *   flaps. A soft failure or a recovery that is not yet complete returns %FALSE.
 */
gboolean
tend_check_state_add (TendCheckState         *self,
                      const TendCheckVerdict *verdict,
                      gint64                  now_usec)
{
  TendResultStatus old_hard_status;
  TendResultStatus old_soft_status;
  gboolean old_hard;
  gboolean old_pending;
  gboolean old_flapping;
  double old_flap_percent;
  gint64 old_since;
  g_autoptr(TendCheckVerdict) old_verdict = NULL;
  TendResultStatus status;

  g_return_val_if_fail (TEND_IS_CHECK_STATE (self), FALSE);
  g_return_val_if_fail (verdict != NULL, FALSE);
  g_return_val_if_fail ((guint) verdict->status <= TEND_RESULT_UNKNOWN, FALSE);
  g_return_val_if_fail (now_usec >= 0, FALSE);

  old_hard_status = self->hard_status;
  old_soft_status = self->soft_status;
  old_hard = state_is_hard (self);
  old_pending = self->pending;
  old_flapping = self->flapping;
  old_flap_percent = self->flap_percent;
  old_since = self->since_usec;
  status = verdict->status;

  /* The result itself. */
  if (self->n_results == 0 || status != self->soft_status)
    self->soft_since_usec = now_usec;
  self->soft_status = status;
  self->n_results = self->n_results < G_MAXUINT ? self->n_results + 1 : G_MAXUINT;
  old_verdict = g_steal_pointer (&self->last_verdict);
  self->last_verdict = tend_check_verdict_copy (verdict);

  /* Soft and hard. */
  if (status == TEND_RESULT_PASS)
    {
      self->consecutive_failures = 0;
      if (self->consecutive_successes < G_MAXUINT)
        self->consecutive_successes++;

      if (self->pending || self->hard_status == TEND_RESULT_PASS
          || self->consecutive_successes >= self->successes_before_recovered)
        set_hard (self, TEND_RESULT_PASS, now_usec);
    }
  else if (status == TEND_RESULT_UNKNOWN && verdict->failure == TEND_CHECK_FAILURE_UNREACHABLE)
    {
      /* The host is away (its bus, its SSH connection): nothing is known of the service,
       * at once, and nothing of it is the service's failure — failures before it do not
       * add up with failures after it. */
      self->consecutive_successes = 0;
      self->consecutive_failures = 0;
      /* As a layer that has just started: when the host is back, the first pass is
       * healthy at once and failures count from there. */
      self->hard_status = TEND_RESULT_UNKNOWN;
      self->pending = TRUE;
      self->since_usec = -1;
    }
  else
    {
      self->consecutive_successes = 0;
      if (!in_grace (self, now_usec))
        {
          if (self->consecutive_failures < G_MAXUINT)
            self->consecutive_failures++;

          /* A hard failure goes on, whatever its status now; a new one waits its turn. */
          if ((!self->pending && self->hard_status != TEND_RESULT_PASS)
              || self->consecutive_failures >= self->failures_before_hard)
            set_hard (self, status, now_usec);
        }
      else
        g_debug ("check '%s': %s within the start-up grace, not counted",
                 self->name, tend_result_status_to_string (status));
    }

  /* Flapping. */
  if (self->n_history == FLAP_WINDOW)
    {
      memmove (self->history, self->history + 1, FLAP_WINDOW - 1);
      self->n_history--;
    }
  self->history[self->n_history++] = (guint8) status;
  self->flap_percent = flap_percent (self->history, self->n_history);
  if (!self->flapping && self->flap_percent > self->flap_start_percent)
    self->flapping = TRUE;
  else if (self->flapping && self->flap_percent < self->flap_end_percent)
    self->flapping = FALSE;

  /* Tell: the properties that changed, frozen together only when there are several
   * (most runs change the message alone, and freezing costs more than the notify). */
  {
    GParamSpec *changed[8];
    guint n = 0;

    if (old_hard_status != self->hard_status)
      changed[n++] = state_properties[STATE_PROP_STATUS];
    if (old_soft_status != self->soft_status)
      changed[n++] = state_properties[STATE_PROP_SOFT_STATUS];
    if (old_hard != state_is_hard (self))
      changed[n++] = state_properties[STATE_PROP_HARD];
    if (old_pending != self->pending)
      changed[n++] = state_properties[STATE_PROP_PENDING];
    if (old_flapping != self->flapping)
      changed[n++] = state_properties[STATE_PROP_FLAPPING];
    if (old_flap_percent != self->flap_percent)
      changed[n++] = state_properties[STATE_PROP_FLAP_PERCENT];
    if (old_since != self->since_usec)
      changed[n++] = state_properties[STATE_PROP_SINCE];
    if (old_verdict == NULL || g_strcmp0 (old_verdict->message, verdict->message) != 0)
      changed[n++] = state_properties[STATE_PROP_MESSAGE];

    if (n > 1)
      g_object_freeze_notify (G_OBJECT (self));
    for (guint i = 0; i < n; i++)
      g_object_notify_by_pspec (G_OBJECT (self), changed[i]);
    if (n > 1)
      g_object_thaw_notify (G_OBJECT (self));
  }

  return old_hard_status != self->hard_status || old_flapping != self->flapping;
}

/**
 * tend_check_state_get_status:
 *
 * Returns: the hard status, the one the layer shows; unknown while pending
 */
TendResultStatus
tend_check_state_get_status (TendCheckState *self)
{
  g_return_val_if_fail (TEND_IS_CHECK_STATE (self), TEND_RESULT_UNKNOWN);
  return self->hard_status;
}

/**
 * tend_check_state_get_soft_status:
 *
 * Returns: the latest result's status; unknown before the first result
 */
TendResultStatus
tend_check_state_get_soft_status (TendCheckState *self)
{
  g_return_val_if_fail (TEND_IS_CHECK_STATE (self), TEND_RESULT_UNKNOWN);
  return self->soft_status;
}

/**
 * tend_check_state_is_hard:
 *
 * Returns: whether the latest result is the hard status (the state type is hard);
 *   %FALSE while a failure is soft, a recovery is not complete, the layer is pending,
 *   or a result within the start-up grace differs from the hard status
 */
gboolean
tend_check_state_is_hard (TendCheckState *self)
{
  g_return_val_if_fail (TEND_IS_CHECK_STATE (self), FALSE);
  return state_is_hard (self);
}

/**
 * tend_check_state_is_pending:
 *
 * Returns: whether the layer has no hard status yet
 */
gboolean
tend_check_state_is_pending (TendCheckState *self)
{
  g_return_val_if_fail (TEND_IS_CHECK_STATE (self), TRUE);
  return self->pending;
}

gboolean
tend_check_state_is_flapping (TendCheckState *self)
{
  g_return_val_if_fail (TEND_IS_CHECK_STATE (self), FALSE);
  return self->flapping;
}

/**
 * tend_check_state_get_flap_percent:
 *
 * Returns: the weighted share of status changes among the latest results, 0..100
 */
double
tend_check_state_get_flap_percent (TendCheckState *self)
{
  g_return_val_if_fail (TEND_IS_CHECK_STATE (self), 0.0);
  return self->flap_percent;
}

/**
 * tend_check_state_get_consecutive_failures:
 *
 * Returns: results in a row that are not a pass and count toward hard (those within
 *   the start-up grace do not)
 */
guint
tend_check_state_get_consecutive_failures (TendCheckState *self)
{
  g_return_val_if_fail (TEND_IS_CHECK_STATE (self), 0);
  return self->consecutive_failures;
}

/**
 * tend_check_state_get_consecutive_successes:
 *
 * Returns: passes in a row
 */
guint
tend_check_state_get_consecutive_successes (TendCheckState *self)
{
  g_return_val_if_fail (TEND_IS_CHECK_STATE (self), 0);
  return self->consecutive_successes;
}

guint
tend_check_state_get_n_results (TendCheckState *self)
{
  g_return_val_if_fail (TEND_IS_CHECK_STATE (self), 0);
  return self->n_results;
}

/**
 * tend_check_state_get_since:
 *
 * Returns: when the hard status began (the result that made it), -1 while pending
 */
gint64
tend_check_state_get_since (TendCheckState *self)
{
  g_return_val_if_fail (TEND_IS_CHECK_STATE (self), -1);
  return self->since_usec;
}

/**
 * tend_check_state_get_soft_since:
 *
 * Returns: when the results began to have the latest result's status (the first of
 *   the run), -1 before the first result
 */
gint64
tend_check_state_get_soft_since (TendCheckState *self)
{
  g_return_val_if_fail (TEND_IS_CHECK_STATE (self), -1);
  return self->soft_since_usec;
}

/**
 * tend_check_state_get_last_verdict:
 *
 * Returns: (transfer none) (nullable): the latest result, %NULL before the first
 */
const TendCheckVerdict *
tend_check_state_get_last_verdict (TendCheckState *self)
{
  g_return_val_if_fail (TEND_IS_CHECK_STATE (self), NULL);
  return self->last_verdict;
}

/**
 * tend_check_state_get_message:
 *
 * Returns: (nullable): the latest result's message
 */
const char *
tend_check_state_get_message (TendCheckState *self)
{
  g_return_val_if_fail (TEND_IS_CHECK_STATE (self), NULL);
  return self->last_verdict != NULL ? self->last_verdict->message : NULL;
}

/* ------------------------------------------------------------------------------------ */
/* TendHealth                                                                            */

struct _TendHealth
{
  GObject parent_instance;

  GListStore *layers;               /* (owned) TendCheckState, sorted by name */
  gint64 started_usec;              /* -1: not known */
  TendHealthStatus status;
};

G_DEFINE_FINAL_TYPE (TendHealth, tend_health, G_TYPE_OBJECT)

enum {
  HEALTH_PROP_0,
  HEALTH_PROP_STATUS,
  HEALTH_PROP_LAYERS,
  HEALTH_N_PROPS
};

static GParamSpec *health_properties[HEALTH_N_PROPS];

static TendHealthStatus
compute_status (GListModel *layers)
{
  guint n = g_list_model_get_n_items (layers);
  gboolean degraded = FALSE;
  gboolean known = FALSE;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TendCheckState) layer = g_list_model_get_item (layers, i);

      switch (layer->hard_status)
        {
        case TEND_RESULT_FAIL:
          return TEND_HEALTH_CRITICAL;
        case TEND_RESULT_WARN:
          degraded = TRUE;
          known = TRUE;
          break;
        case TEND_RESULT_PASS:
          known = TRUE;
          break;
        case TEND_RESULT_UNKNOWN:
        default:
          break;
        }
      if (layer->flapping)
        degraded = TRUE;
    }

  if (degraded)
    return TEND_HEALTH_DEGRADED;
  if (!known)
    return TEND_HEALTH_UNKNOWN;
  return TEND_HEALTH_HEALTHY;
}

static void
update_status (TendHealth *self)
{
  TendHealthStatus status = compute_status (G_LIST_MODEL (self->layers));

  if (status == self->status)
    return;

  g_debug ("health: %s → %s", tend_health_status_to_string (self->status),
           tend_health_status_to_string (status));
  self->status = status;
  g_object_notify_by_pspec (G_OBJECT (self), health_properties[HEALTH_PROP_STATUS]);
}

static void
layer_changed_cb (TendCheckState *layer,
                  GParamSpec     *pspec,
                  TendHealth     *self)
{
  update_status (self);
}

static gboolean
find_layer (TendHealth *self,
            const char *name,
            guint      *position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->layers));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TendCheckState) layer = g_list_model_get_item (G_LIST_MODEL (self->layers), i);

      if (g_strcmp0 (layer->name, name) == 0)
        {
          *position = i;
          return TRUE;
        }
    }
  return FALSE;
}

static int
compare_layers (gconstpointer a,
                gconstpointer b,
                gpointer      user_data)
{
  return g_strcmp0 (TEND_CHECK_STATE ((gpointer) a)->name, TEND_CHECK_STATE ((gpointer) b)->name);
}

static void
disconnect_layer (TendHealth *self,
                  guint       position)
{
  g_autoptr(TendCheckState) layer = g_list_model_get_item (G_LIST_MODEL (self->layers), position);

  g_signal_handlers_disconnect_by_func (layer, layer_changed_cb, self);
}

static void
tend_health_dispose (GObject *object)
{
  TendHealth *self = TEND_HEALTH (object);

  if (self->layers != NULL)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (self->layers));

      for (guint i = 0; i < n; i++)
        disconnect_layer (self, i);
      g_list_store_remove_all (self->layers);
    }

  G_OBJECT_CLASS (tend_health_parent_class)->dispose (object);
}

static void
tend_health_finalize (GObject *object)
{
  TendHealth *self = TEND_HEALTH (object);

  g_clear_object (&self->layers);

  G_OBJECT_CLASS (tend_health_parent_class)->finalize (object);
}

static void
tend_health_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  TendHealth *self = TEND_HEALTH (object);

  switch (prop_id)
    {
    case HEALTH_PROP_STATUS: g_value_set_enum (value, self->status); break;
    case HEALTH_PROP_LAYERS: g_value_set_object (value, self->layers); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_health_class_init (TendHealthClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = tend_health_dispose;
  object_class->finalize = tend_health_finalize;
  object_class->get_property = tend_health_get_property;

  health_properties[HEALTH_PROP_STATUS] =
    g_param_spec_enum ("status", NULL, "The overall health", TEND_TYPE_HEALTH_STATUS,
                       TEND_HEALTH_UNKNOWN, ro);
  health_properties[HEALTH_PROP_LAYERS] =
    g_param_spec_object ("layers", NULL, "The checks' states, sorted by name",
                         G_TYPE_LIST_MODEL, ro);

  g_object_class_install_properties (object_class, HEALTH_N_PROPS, health_properties);
}

static void
tend_health_init (TendHealth *self)
{
  self->layers = g_list_store_new (TEND_TYPE_CHECK_STATE);
  self->started_usec = -1;
  self->status = TEND_HEALTH_UNKNOWN;
}

/**
 * tend_health_new:
 *
 * Returns: (transfer full): a health with no layers, unknown
 */
TendHealth *
tend_health_new (void)
{
  return g_object_new (TEND_TYPE_HEALTH, NULL);
}

/**
 * tend_health_add_layer:
 * @layer: a check's state
 *
 * Adds @layer, in place of a layer of the same name if there is one. If the service's
 * start time is known (tend_health_set_started()), @layer is given it.
 */
void
tend_health_add_layer (TendHealth     *self,
                       TendCheckState *layer)
{
  guint position;

  g_return_if_fail (TEND_IS_HEALTH (self));
  g_return_if_fail (TEND_IS_CHECK_STATE (layer));

  if (find_layer (self, layer->name, &position))
    {
      g_autoptr(TendCheckState) old = g_list_model_get_item (G_LIST_MODEL (self->layers), position);

      if (old == layer)
        return;
      disconnect_layer (self, position);
      g_list_store_remove (self->layers, position);
    }

  if (self->started_usec >= 0)
    tend_check_state_set_started (layer, self->started_usec);
  g_signal_connect (layer, "notify::status", G_CALLBACK (layer_changed_cb), self);
  g_signal_connect (layer, "notify::flapping", G_CALLBACK (layer_changed_cb), self);
  g_list_store_insert_sorted (self->layers, layer, compare_layers, NULL);
  update_status (self);
}

/**
 * tend_health_remove_layer:
 * @name: a check's name
 *
 * Returns: whether there was a layer of that name
 */
gboolean
tend_health_remove_layer (TendHealth *self,
                          const char *name)
{
  guint position;

  g_return_val_if_fail (TEND_IS_HEALTH (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (!find_layer (self, name, &position))
    return FALSE;

  disconnect_layer (self, position);
  g_list_store_remove (self->layers, position);
  update_status (self);
  return TRUE;
}

/**
 * tend_health_get_layer:
 * @name: a check's name
 *
 * Returns: (transfer none) (nullable): its layer
 */
TendCheckState *
tend_health_get_layer (TendHealth *self,
                       const char *name)
{
  TendCheckState *layer;
  guint position;

  g_return_val_if_fail (TEND_IS_HEALTH (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (!find_layer (self, name, &position))
    return NULL;

  /* The store keeps a reference as long as the layer is in it. */
  layer = g_list_model_get_item (G_LIST_MODEL (self->layers), position);
  g_object_unref (layer);
  return layer;
}

/**
 * tend_health_get_layers:
 *
 * Returns: (transfer none): the layers, #TendCheckState sorted by name
 */
GListModel *
tend_health_get_layers (TendHealth *self)
{
  g_return_val_if_fail (TEND_IS_HEALTH (self), NULL);
  return G_LIST_MODEL (self->layers);
}

/**
 * tend_health_set_started:
 * @started_usec: when the service (last) started, -1 when not known
 *
 * Gives every layer, and every layer added later, the start of its grace.
 */
void
tend_health_set_started (TendHealth *self,
                         gint64      started_usec)
{
  guint n;

  g_return_if_fail (TEND_IS_HEALTH (self));
  g_return_if_fail (started_usec >= -1);

  self->started_usec = started_usec;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->layers));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TendCheckState) layer = g_list_model_get_item (G_LIST_MODEL (self->layers), i);

      tend_check_state_set_started (layer, started_usec);
    }
}

/**
 * tend_health_add:
 * @name: the check's name, a layer of this health
 * @verdict: one result of the check
 * @now_usec: when it arrived
 *
 * tend_check_state_add() on the layer of @name.
 *
 * Returns: whether the layer's visible state changed (its hard status or whether it
 *   flaps); the overall status follows, and notifies "status" when it changes
 */
gboolean
tend_health_add (TendHealth             *self,
                 const char             *name,
                 const TendCheckVerdict *verdict,
                 gint64                  now_usec)
{
  TendCheckState *layer;

  g_return_val_if_fail (TEND_IS_HEALTH (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (verdict != NULL, FALSE);

  layer = tend_health_get_layer (self, name);
  g_return_val_if_fail (layer != NULL, FALSE);

  return tend_check_state_add (layer, verdict, now_usec);
}

/**
 * tend_health_get_status:
 *
 * Returns: critical if a layer's hard status is fail; else degraded if one's is warn or
 *   one flaps; else unknown if there are no layers or all are unknown; else healthy
 */
TendHealthStatus
tend_health_get_status (TendHealth *self)
{
  g_return_val_if_fail (TEND_IS_HEALTH (self), TEND_HEALTH_UNKNOWN);
  return self->status;
}

/* ------------------------------------------------------------------------------------ */
/* Recommendations                                                                       */

/* The first line of @text, NULL when there is none. */
static char *
first_line (const char *text)
{
  const char *end;

  if (text == NULL)
    return NULL;
  end = strpbrk (text, "\r\n");
  if (end == text || *text == '\0')
    return NULL;
  return end != NULL ? g_strndup (text, end - text) : g_strdup (text);
}

/* An HTTP check's message starts "HTTP 503"; the code, or 0. */
static guint
http_status_code (const char *message)
{
  if (message == NULL || !g_str_has_prefix (message, "HTTP "))
    return 0;
  message += strlen ("HTTP ");
  if (!g_ascii_isdigit (message[0]) || !g_ascii_isdigit (message[1])
      || !g_ascii_isdigit (message[2]) || g_ascii_isdigit (message[3]))
    return 0;
  return (message[0] - '0') * 100 + (message[1] - '0') * 10 + (message[2] - '0');
}

static char *
see_log (const char *unit)
{
  return unit != NULL ? g_strdup_printf ("see the log of %s", unit)
                      : g_strdup ("see its log");
}

static char *
recommend_protocol (const TendCheckVerdict *verdict,
                    const char             *kind,
                    const char             *target,
                    const char             *unit)
{
  if (g_strcmp0 (kind, "http") == 0)
    {
      guint code = http_status_code (verdict->message);

      if (code >= 500 && code <= 599)
        {
          g_autofree char *log = see_log (unit);

          return g_strdup_printf ("HTTP %u from %s — the service answered with an error; %s",
                                  code, target, log);
        }
      if (code >= 400 && code <= 499)
        return g_strdup_printf ("HTTP %u from %s — check the URL, or add the status to "
                                "expect_status", code, target);
      if (code >= 300 && code <= 399)
        return g_strdup_printf ("HTTP %u from %s — point the check at the final URL, or add "
                                "the status to expect_status", code, target);
      if (verdict->message != NULL && strstr (verdict->message, "has headers larger than"))
        {
          g_autofree char *log = see_log (unit);

          return g_strdup_printf ("%s answers with more headers than a client reads — check "
                                  "what the service or a proxy in front of it adds; %s",
                                  target, log);
        }
      return g_strdup_printf ("%s answered, but not as the check expects — check "
                              "expect_status and body_contains", target);
    }
  if (g_strcmp0 (kind, "tcp") == 0)
    return g_strdup_printf ("%s answered, but not as the check expects — check send and "
                            "expect", target);
  if (g_strcmp0 (kind, "redis") == 0)
    return g_strdup_printf ("%s answered, but not as a Redis server should — check the port "
                            "and the password", target);
  return g_strdup_printf ("%s answered, but not as the check expects", target);
}

static char *
recommend_state (const TendCheckVerdict *verdict,
                 const char             *unit)
{
  const char *message = verdict->message != NULL ? verdict->message : "";

  /* The unit check's message carries systemd's words for the states. */
  if (strstr (message, "not-found") != NULL || strstr (message, "not found") != NULL
      || strstr (message, "not loaded") != NULL)
    return g_strdup_printf ("%s is not loaded — check the unit name", unit);
  if (strstr (message, "inactive") != NULL)
    return g_strdup_printf ("%s is not running — start it", unit);
  return g_strdup_printf ("%s failed — see its log, then restart it", unit);
}

/**
 * tend_health_recommend:
 * @verdict: a check's result
 * @check_kind: (nullable): the check's kind: "unit", "http", "tcp", "redis", "command",
 *   "resources"
 * @target: what the check looks at, as a person would name it: "127.0.0.1:8080", a
 *   URL, a unit's name, a command's path
 * @unit: (nullable): the service's unit, for the tendctl commands the advice names
 * @timeout_usec: the check's timeout, for the advice on a timeout; 0 or less when not
 *   known
 *
 * A short advice, one line, for the common failures: the failure named, an em dash,
 * what to do ("connection refused on 127.0.0.1:8080 — the service is not listening;
 * see its log (tendctl logs web.service)"). An HTTP check's message is expected to begin
 * "HTTP NNN" when it got an answer; a unit check's to carry systemd's state words
 * ("failed", "inactive", "not-found").
 *
 * Returns: (transfer full) (nullable): the advice, %NULL for a pass or where there is
 *   nothing useful to say
 */
char *
tend_health_recommend (const TendCheckVerdict *verdict,
                       const char             *check_kind,
                       const char             *target,
                       const char             *unit,
                       gint64                  timeout_usec)
{
  g_return_val_if_fail (verdict != NULL, NULL);
  g_return_val_if_fail (target != NULL, NULL);

  if (verdict->status == TEND_RESULT_PASS)
    return NULL;

  switch (verdict->failure)
    {
    case TEND_CHECK_FAILURE_REFUSED:
      {
        g_autofree char *log = see_log (unit);

        return g_strdup_printf ("connection refused on %s — the service is not listening; %s",
                                target, log);
      }

    case TEND_CHECK_FAILURE_TIMEOUT:
      {
        g_autofree char *within = NULL;
        g_autofree char *duration = NULL;

        if (timeout_usec > 0)
          {
            duration = tend_duration_format (timeout_usec);
            within = g_strdup_printf ("within %s", duration);
          }
        else
          within = g_strdup ("in time");

        if (g_strcmp0 (check_kind, "command") == 0)
          return g_strdup_printf ("%s did not finish %s — it may be hung", target, within);
        return g_strdup_printf ("%s did not answer %s — it may be hung or overloaded",
                                target, within);
      }

    case TEND_CHECK_FAILURE_DNS:
      return g_strdup_printf ("the name in %s does not resolve — check the host name", target);

    case TEND_CHECK_FAILURE_TLS:
      return g_strdup_printf ("the certificate of %s was refused — check it, or set "
                              "verify_tls false for a self-signed one", target);

    case TEND_CHECK_FAILURE_UNREACHABLE:
      /* The unit and resources checks: the host's service manager, not the service. */
      if (g_strcmp0 (check_kind, "unit") == 0 || g_strcmp0 (check_kind, "resources") == 0)
        return g_strdup_printf ("the service manager of %s cannot be reached, so its state is "
                                "not known; Tend reconnects by itself — check that the bus "
                                "runs (the message says which)", target);
      return g_strdup_printf ("%s cannot be reached — check the network and that the host "
                              "is up", target);

    case TEND_CHECK_FAILURE_PROTOCOL:
      return recommend_protocol (verdict, check_kind, target, unit);

    case TEND_CHECK_FAILURE_THRESHOLD:
      {
        g_autofree char *line = first_line (verdict->message);

        if (line != NULL)
          return g_strdup_printf ("%s is past its threshold: %s", target, line);
        return g_strdup_printf ("%s is past its threshold", target);
      }

    case TEND_CHECK_FAILURE_STATE:
      return recommend_state (verdict, unit != NULL ? unit : target);

    case TEND_CHECK_FAILURE_EXEC:
      return g_strdup_printf ("could not run %s — check the path and permissions", target);

    case TEND_CHECK_FAILURE_NONE:
    case TEND_CHECK_FAILURE_OTHER:
    default:
      return NULL;
    }
}
