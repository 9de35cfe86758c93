/* tend-recovery.c — the escalation ladder that brings a service back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A recovery reads the unit afresh and takes the gentlest step that can help:
 *
 *   reload   the unit is active and can reload (its checks fail while it runs)
 *   start    the unit is inactive
 *   restart  the unit failed, cannot reload, or a softer step did not help
 *
 * After each step whose job succeeded, the service's checks run again at once (and
 * again, at growing short intervals, until they have their say); only a healthy
 * service counts as recovered, and only once it has stayed healthy for the settle time.
 * A moment of health (the unit is up, its port not yet open) is not a verdict: the checks
 * go on until the verify timeout. systemd saying the unit failed again is, at once.
 * A step that fails or does not bring the checks back within the verify timeout
 * escalates: reload and start to restart; after restart, the recovery ends unrecovered.
 * A service with no checks counts as recovered when its unit is active.
 *
 * Each step is one attempt: a row in the store's restart attempts, written when it
 * starts and completed when it ends, and an audit row through the host when the host
 * records operations (tend_host_set_audit()). Whether
 * to recover at all is not decided here: that is TendRestartPolicy's.
 */
#define G_LOG_DOMAIN "Tend-Recovery"

#include "tend-check.h"
#include "tend-error.h"
#include "tend-health.h"
#include "tend-host.h"
#include "tend-monitor.h"
#include "tend-recovery.h"
#include "tend-service.h"
#include "tend-store.h"

/* The checks run again this soon after a run that did not say healthy, doubling. */
#define FIRST_RETRY_MSEC 50
#define MAX_RETRY_MSEC 1000

struct _TendRecovery
{
  GObject parent_instance;

  TendMonitor *monitor;        /* (owned) */
  TendStore *store;            /* (owned) (nullable) */
  gint64 verify_timeout_usec;
  gint64 settle_usec;
};

G_DEFINE_FINAL_TYPE (TendRecovery, tend_recovery, G_TYPE_OBJECT)

typedef struct
{
  TendHost *host;              /* (owned) */
  char *unit;                  /* (owned) */
  gint64 service_id;
  gint64 incident_id;
  char *reason;                /* (owned) (nullable) */
  GPtrArray *attempts;         /* (owned) TendRecoveryAttempt */

  TendRecoveryStep step;
  gboolean action_failed;      /* the step's job itself failed */
  gint64 step_started;         /* monotonic µs */
  gint64 step_started_real;    /* realtime µs */

  /* Verifying a step: the monitor's word on the service. */
  gulong health_handler;
  gulong completed_handler;
  gulong cancelled_handler;
  guint deadline_id;
  guint retry_id;
  guint settle_id;             /* healthy: counts once it stays so */
  gint64 healthy_since;        /* monotonic µs */
  gboolean checking_unit;      /* reading the unit after a check said it is down */
  guint generation;            /* of the verification under way, one per step */
  guint retry_msec;
  GCancellable *cancellable;   /* (unowned) (nullable) the task's */
} Run;

/* The strategy's name in restart attempts, the audit and the incident. */
const char *
tend_recovery_step_to_string (TendRecoveryStep step)
{
  const char *nick = tend_enum_to_nick (TEND_TYPE_RECOVERY_STEP, step);

  g_return_val_if_fail (nick != NULL, NULL);
  return nick;
}

void
tend_recovery_attempt_free (TendRecoveryAttempt *attempt)
{
  if (attempt == NULL)
    return;
  g_free (attempt->error);
  g_free (attempt);
}

static void
run_free (Run *run)
{
  g_assert (run->health_handler == 0 && run->completed_handler == 0);
  g_assert (run->cancelled_handler == 0);
  g_assert (run->deadline_id == 0 && run->retry_id == 0 && run->settle_id == 0);
  g_clear_object (&run->host);
  g_free (run->unit);
  g_free (run->reason);
  g_ptr_array_unref (run->attempts);
  g_free (run);
}

static void do_step (GTask *task);

static TendUnitAction
step_action (TendRecoveryStep step)
{
  switch (step)
    {
    case TEND_RECOVERY_STEP_RELOAD: return TEND_UNIT_ACTION_RELOAD;
    case TEND_RECOVERY_STEP_START: return TEND_UNIT_ACTION_START;
    case TEND_RECOVERY_STEP_RESTART:
    default: return TEND_UNIT_ACTION_RESTART;
    }
}

/* Records the step's attempt, then escalates or ends. */
static void
step_done (GTask      *task,
           gboolean    success,
           const char *error)
{
  TendRecovery *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  TendRecoveryAttempt *attempt = g_new0 (TendRecoveryAttempt, 1);

  attempt->step = run->step;
  attempt->success = success;
  attempt->action_failed = run->action_failed;
  run->action_failed = FALSE;
  attempt->time_usec = run->step_started_real;
  attempt->duration_usec = g_get_monotonic_time () - run->step_started;
  attempt->error = g_strdup (error);
  g_ptr_array_add (run->attempts, attempt);
  /* The incident may have been given its id since the step started. */
  if (run->incident_id <= 0 && run->service_id > 0)
    run->incident_id = tend_monitor_get_incident (self->monitor, run->service_id);

  g_debug ("recovery of %s: %s %s in %" G_GINT64_FORMAT " ms%s%s", run->unit,
           tend_recovery_step_to_string (run->step), success ? "worked" : "did not help",
           attempt->duration_usec / 1000, error != NULL ? ": " : "", error ? error : "");

  if (self->store != NULL && run->service_id > 0)
    {
      TendRestartAttempt row = {
        .service_id = run->service_id,
        .incident_id = run->incident_id,
        .time_usec = attempt->time_usec,
        .reason = run->reason,
        .strategy = tend_recovery_step_to_string (run->step),
        .success = success,
        .duration_usec = attempt->duration_usec,
        .error = error,
      };

      /* Completes the row its start wrote. */
      tend_store_add_restart_attempt (self->store, &row);
    }

  if (success || run->step == TEND_RECOVERY_STEP_RESTART ||
      g_task_return_error_if_cancelled (task))
    {
      if (!g_task_had_error (task))
        g_task_return_boolean (task, success);
      g_object_unref (task);
      return;
    }

  /* Escalate: what the softer step could not do, a restart may. */
  run->step = TEND_RECOVERY_STEP_RESTART;
  do_step (task);
}

/* Verifying */

static void
stop_verifying (TendRecovery *self,
                Run          *run)
{
  g_clear_signal_handler (&run->health_handler, self->monitor);
  g_clear_signal_handler (&run->completed_handler, self->monitor);
  if (run->cancelled_handler != 0)
    g_signal_handler_disconnect (run->cancellable, run->cancelled_handler);
  run->cancelled_handler = 0;
  g_clear_handle_id (&run->deadline_id, g_source_remove);
  g_clear_handle_id (&run->retry_id, g_source_remove);
  g_clear_handle_id (&run->settle_id, g_source_remove);
}

static char *describe_failing (TendRecovery *self, Run *run);

static gboolean
settled_cb (gpointer user_data)
{
  GTask *task = user_data;
  TendRecovery *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);

  run->settle_id = 0;
  stop_verifying (self, run);
  step_done (task, TRUE, NULL);
  return G_SOURCE_REMOVE;
}

static void
begin_settling (TendRecovery *self,
                Run          *run,
                GTask        *task)
{
  run->healthy_since = g_get_monotonic_time ();
  run->settle_id = g_timeout_add ((guint) (self->settle_usec / 1000), settled_cb, task);
}

static void
on_health_changed (TendMonitor *monitor,
                   gint64       service_id,
                   guint        status,
                   GTask       *task)
{
  TendRecovery *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);

  if (service_id != run->service_id)
    return;

  if (status == TEND_HEALTH_HEALTHY)
    {
      if (run->settle_id == 0)
        begin_settling (self, run, task);
      return;
    }

  /* Healthy for a moment only: not recovered yet. A service may look healthy while its
   * unit is up and be refused a moment later while it opens its port, so this is not a
   * verdict: the checks go on until the deadline (a unit that fails again ends it at
   * once, see refailed_cb()). */
  if (run->settle_id != 0)
    {
      g_debug ("recovery of %s: healthy for only %" G_GINT64_FORMAT " ms, then %s",
               run->unit, (g_get_monotonic_time () - run->healthy_since) / 1000,
               tend_health_status_to_string ((TendHealthStatus) status));
      g_clear_handle_id (&run->settle_id, g_source_remove);
      if (run->deadline_id == 0)
        {
          g_autofree char *failing = describe_failing (self, run);
          g_autofree char *error = g_strdup_printf ("not healthy at the deadline: %s",
                                                    failing);

          stop_verifying (self, run);
          step_done (task, FALSE, error);
        }
    }
}

static gboolean
retry_cb (gpointer user_data)
{
  GTask *task = user_data;
  TendRecovery *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);

  run->retry_id = 0;
  tend_monitor_run_service_now (self->monitor, run->service_id);
  return G_SOURCE_REMOVE;
}

/* A check said the unit is down: if systemd says it failed again since the step, the
 * step did not help, and there is no point waiting for the checks. */
static void
refailed_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  TendRecovery *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  guint generation = GPOINTER_TO_UINT (g_object_steal_data (G_OBJECT (task), "generation"));
  g_autoptr(TendService) service = NULL;
  g_autofree char *error = NULL;

  service = tend_host_load_service_finish (TEND_HOST (source), result, NULL);
  run->checking_unit = FALSE;
  if (generation != run->generation || run->deadline_id == 0 || service == NULL ||
      !tend_service_is_failed (service))
    {
      g_object_unref (task);
      return;   /* decided meanwhile, or not failed: the checks go on deciding */
    }

  error = g_strdup_printf ("the unit failed again (%s)", tend_service_get_sub_state (service));
  stop_verifying (self, run);
  step_done (task, FALSE, error);
  g_object_unref (task);
}

/* A check of the service ran and it is not healthy yet: ask again soon. */
static void
on_check_completed (TendMonitor            *monitor,
                    gint64                  service_id,
                    gint64                  check_id,
                    const TendCheckVerdict *verdict,
                    GTask                  *task)
{
  Run *run = g_task_get_task_data (task);

  if (service_id != run->service_id)
    return;

  if (verdict->failure == TEND_CHECK_FAILURE_STATE && !run->checking_unit)
    {
      run->checking_unit = TRUE;
      g_object_set_data (G_OBJECT (task), "generation", GUINT_TO_POINTER (run->generation));
      tend_host_load_service_async (run->host, run->unit, NULL, refailed_cb,
                                    g_object_ref (task));
    }

  if (run->retry_id != 0 || run->settle_id != 0)
    return;
  run->retry_id = g_timeout_add (run->retry_msec, retry_cb, task);
  run->retry_msec = MIN (run->retry_msec * 2, MAX_RETRY_MSEC);
}

/* What the failing checks say, for the attempt's error. */
static char *
describe_failing (TendRecovery *self,
                  Run          *run)
{
  TendHealth *health = tend_monitor_get_health (self->monitor, run->service_id);
  GListModel *layers = tend_health_get_layers (health);
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (layers); i++)
    {
      g_autoptr(TendCheckState) layer = g_list_model_get_item (layers, i);
      const char *message = tend_check_state_get_message (layer);

      if (tend_check_state_get_status (layer) == TEND_RESULT_PASS)
        continue;
      g_string_append_printf (text, "%s%s: %s", text->len > 0 ? "; " : "",
                              tend_check_state_get_name (layer),
                              message != NULL ? message : "no verdict");
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
on_cancelled (GCancellable *cancellable,
              GTask        *task)
{
  TendRecovery *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);

  stop_verifying (self, run);
  step_done (task, FALSE, "cancelled");
}

static gboolean
deadline_cb (gpointer user_data)
{
  GTask *task = user_data;
  TendRecovery *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autofree char *failing = describe_failing (self, run);
  g_autofree char *error = NULL;

  run->deadline_id = 0;
  if (run->settle_id != 0)
    return G_SOURCE_REMOVE;   /* healthy: whether it stays so decides */
  stop_verifying (self, run);
  error = g_strdup_printf ("the checks did not pass within %" G_GINT64_FORMAT " s%s%s",
                           self->verify_timeout_usec / G_USEC_PER_SEC,
                           *failing != '\0' ? ": " : "", failing);
  step_done (task, FALSE, error);
  return G_SOURCE_REMOVE;
}

static void
unit_state_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(TendService) service = NULL;
  g_autoptr(GError) error = NULL;

  service = tend_host_load_service_finish (TEND_HOST (source), result, &error);
  if (service == NULL)
    step_done (task, FALSE, error->message);
  else if (!tend_service_is_active (service))
    {
      g_autofree char *why = g_strdup_printf ("the unit is %s after the job",
                                              tend_service_get_active_state (service));
      step_done (task, FALSE, why);
    }
  else
    step_done (task, TRUE, NULL);
}

static void
verify (GTask *task)
{
  TendRecovery *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  TendHealth *health;

  if (run->service_id <= 0 || tend_monitor_run_service_now (self->monitor, run->service_id) == 0)
    {
      /* No checks to ask: the unit's own state is the verdict. */
      tend_host_load_service_async (run->host, run->unit, g_task_get_cancellable (task),
                                    unit_state_cb, task);
      return;
    }

  health = tend_monitor_get_health (self->monitor, run->service_id);
  run->generation++;
  run->retry_msec = FIRST_RETRY_MSEC;
  run->health_handler = g_signal_connect (self->monitor, "health-changed",
                                          G_CALLBACK (on_health_changed), task);
  run->completed_handler = g_signal_connect (self->monitor, "check-completed",
                                             G_CALLBACK (on_check_completed), task);
  run->deadline_id = g_timeout_add ((guint) (self->verify_timeout_usec / 1000), deadline_cb,
                                    task);
  if (run->cancellable != NULL)
    run->cancelled_handler = g_signal_connect (run->cancellable, "cancelled",
                                               G_CALLBACK (on_cancelled), task);

  /* Healthy already (the checks ran while the job did): it only has to stay so. */
  if (tend_health_get_status (health) == TEND_HEALTH_HEALTHY)
    begin_settling (self, run, task);
}

/* Steps */

static void
action_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  g_autofree char *job_result = NULL;
  g_autoptr(GError) error = NULL;

  job_result = tend_host_run_action_finish (TEND_HOST (source), result, &error);
  if (error != NULL)
    {
      Run *run = g_task_get_task_data (task);

      run->action_failed = TRUE;
      step_done (task, FALSE, error->message);
      return;
    }
  verify (task);
}

static void
do_step (GTask *task)
{
  TendRecovery *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);

  run->step_started = g_get_monotonic_time ();
  run->step_started_real = g_get_real_time ();
  /* On record from its start: a monitor stopped in the middle leaves it 'running', and
   * the next one closes it as interrupted. */
  if (self->store != NULL && run->service_id > 0)
    {
      TendRestartAttempt row = {
        .service_id = run->service_id,
        .incident_id = run->incident_id,
        .time_usec = run->step_started_real,
        .reason = run->reason,
        .strategy = tend_recovery_step_to_string (run->step),
      };

      tend_store_begin_restart_attempt (self->store, &row);
    }
  g_debug ("recovery of %s: %s (%s)", run->unit, tend_recovery_step_to_string (run->step),
           run->reason != NULL ? run->reason : "asked for");
  tend_host_run_action_async (run->host, run->unit, step_action (run->step),
                              g_task_get_cancellable (task), action_cb, task);
}

/**
 * tend_recovery_first_step:
 * @service: the unit as it is now
 *
 * The step a recovery begins with: a restart for a failed unit, a reload for a running
 * one that can reload (a restart otherwise), a start for one that does not run.
 *
 * Returns: the first step
 */
TendRecoveryStep
tend_recovery_first_step (TendService *service)
{
  g_return_val_if_fail (TEND_IS_SERVICE (service), TEND_RECOVERY_STEP_RESTART);

  if (tend_service_is_failed (service))
    return TEND_RECOVERY_STEP_RESTART;
  if (tend_service_is_active (service))
    return tend_service_get_can_reload (service) ? TEND_RECOVERY_STEP_RELOAD
                                                 : TEND_RECOVERY_STEP_RESTART;
  /* inactive, or on its way (activating, deactivating): a start joins or follows. */
  return TEND_RECOVERY_STEP_START;
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  Run *run = g_task_get_task_data (task);
  g_autoptr(TendService) service = NULL;
  GError *error = NULL;

  service = tend_host_load_service_finish (TEND_HOST (source), result, &error);
  if (service == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  run->step = tend_recovery_first_step (service);
  do_step (task);
}

/* GObject */

static void
tend_recovery_dispose (GObject *object)
{
  TendRecovery *self = TEND_RECOVERY (object);

  g_clear_object (&self->monitor);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (tend_recovery_parent_class)->dispose (object);
}

static void
tend_recovery_class_init (TendRecoveryClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = tend_recovery_dispose;
}

static void
tend_recovery_init (TendRecovery *self)
{
  self->verify_timeout_usec = TEND_RECOVERY_DEFAULT_VERIFY_TIMEOUT;
  self->settle_usec = TEND_RECOVERY_DEFAULT_SETTLE_TIME;
}

/**
 * tend_recovery_new:
 * @monitor: the monitor that runs the services' checks
 * @store: (nullable): where attempts are recorded
 */
TendRecovery *
tend_recovery_new (TendMonitor *monitor,
                   TendStore   *store)
{
  TendRecovery *self;

  g_return_val_if_fail (TEND_IS_MONITOR (monitor), NULL);
  g_return_val_if_fail (store == NULL || TEND_IS_STORE (store), NULL);

  self = g_object_new (TEND_TYPE_RECOVERY, NULL);
  self->monitor = g_object_ref (monitor);
  self->store = store != NULL ? g_object_ref (store) : NULL;
  return self;
}

void
tend_recovery_set_verify_timeout (TendRecovery *self,
                                  gint64        timeout_usec)
{
  g_return_if_fail (TEND_IS_RECOVERY (self));
  g_return_if_fail (timeout_usec >= 1000);
  self->verify_timeout_usec = timeout_usec;
}

gint64
tend_recovery_get_verify_timeout (TendRecovery *self)
{
  g_return_val_if_fail (TEND_IS_RECOVERY (self), 0);
  return self->verify_timeout_usec;
}

/**
 * tend_recovery_set_settle_time:
 * @settle_usec: how long a service must stay healthy after a step to count as recovered
 */
void
tend_recovery_set_settle_time (TendRecovery *self,
                               gint64        settle_usec)
{
  g_return_if_fail (TEND_IS_RECOVERY (self));
  g_return_if_fail (settle_usec >= 0);
  self->settle_usec = settle_usec;
}

/**
 * tend_recovery_run_async:
 * @host: where the unit is, connected
 * @unit: the unit
 * @service_id: its service in the store and the monitor, or 0 when it has none
 * @incident_id: the incident the attempts belong to, or 0
 * @reason: (nullable): why, for the attempts' records ("unit failed (signal)")
 *
 * Climbs the ladder until the service is healthy or a restart did not help.
 */
void
tend_recovery_run_async (TendRecovery        *self,
                         TendHost            *host,
                         const char          *unit,
                         gint64               service_id,
                         gint64               incident_id,
                         const char          *reason,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task;
  Run *run;

  g_return_if_fail (TEND_IS_RECOVERY (self));
  g_return_if_fail (TEND_IS_HOST (host));
  g_return_if_fail (unit != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tend_recovery_run_async);
  run = g_new0 (Run, 1);
  run->host = g_object_ref (host);
  run->unit = g_strdup (unit);
  run->service_id = service_id;
  run->incident_id = incident_id;
  run->reason = g_strdup (reason);
  run->cancellable = cancellable;
  run->attempts = g_ptr_array_new_with_free_func ((GDestroyNotify) tend_recovery_attempt_free);
  g_task_set_task_data (task, run, (GDestroyNotify) run_free);

  tend_host_load_service_async (host, unit, cancellable, loaded_cb, task);
}

/**
 * tend_recovery_run_finish:
 * @recovered: (out) (optional): whether the service is healthy again
 *
 * Returns: (transfer container) (element-type TendRecoveryAttempt) (nullable): the steps
 *   taken, in order; %NULL with @error when the unit could not even be read
 */
GPtrArray *
tend_recovery_run_finish (TendRecovery  *self,
                          GAsyncResult  *result,
                          gboolean      *recovered,
                          GError       **error)
{
  Run *run;
  gboolean ok;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  run = g_task_get_task_data (G_TASK (result));
  ok = g_task_propagate_boolean (G_TASK (result), error);
  if (recovered != NULL)
    *recovered = ok;
  if (g_task_had_error (G_TASK (result)))
    return NULL;
  return g_ptr_array_ref (run->attempts);
}
