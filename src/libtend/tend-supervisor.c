/* tend-supervisor.c — acting on health: recovery by policy, silences, dependencies
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The supervisor follows each watched service's health (from the monitor) and its
 * unit's state (from the host, live), feeds both to the service's TendRestartPolicy,
 * and does what the policy decides: a TendRecovery now, another look later, or — after
 * a restart loop — nothing more until a person resumes the service, with a diagnostic
 * snapshot in the incident (the last journal lines, the unit's properties, the last
 * check results).
 *
 * Before that, three things can hold it back:
 * - Quiet: the service is silenced until a time, or inside one of its maintenance
 *   windows. Its checks still run and are recorded; there is no recovery and no
 *   notification. Tend looks again when the quiet ends.
 * - Manual intervention required: nothing automatic until resumed.
 * - A dependency down: a service it depends on (systemd's Requires= and BindsTo=, and
 *   the dependencies declared in Tend) is critical, failed or being recovered. The
 *   dependency is recovered first; the dependent is looked at again when the dependency
 *   is healthy, and its own failure is not notified: the dependency's notification
 *   names it instead.
 *
 * Every automatic action is an audit row (the hosts record as "auto"), a restart
 * attempt (TendRecovery writes those) and an entry in the incident's actions.
 * Notifications go out as the "notification" signal, one per incident (the same id, so
 * a notifier replaces rather than stacks them); whoever owns the supervisor hands them
 * to a TendNotifier.
 */
#define G_LOG_DOMAIN "Tend-Recovery"

#include "config.h"

#include <glib/gi18n-lib.h>
#include "tend-json-lib.h"

#include "tend-check.h"
#include "tend-config.h"
#include "tend-duration.h"
#include "tend-error.h"
#include "tend-health.h"
#include "tend-host.h"
#include "tend-incident-snapshot.h"
#include "tend-journal.h"
#include "tend-monitor.h"
#include "tend-notifier.h"
#include "tend-recovery-status.h"
#include "tend-recovery.h"
#include "tend-restart-policy.h"
#include "tend-service.h"
#include "tend-store.h"
#include "tend-supervisor.h"

typedef struct
{
  TendSupervisor *supervisor;  /* (unowned) */
  gint64 service_id;
  TendHost *host;              /* (owned) */
  char *host_name;             /* (owned) */
  char *unit;                  /* (owned) */
  char *name;                  /* (owned) "unit on host" */
  TendRestartPolicy *policy;   /* (owned) */
  GStrv declared;              /* (owned) dependencies declared in Tend */
  GArray *maintenance;         /* (owned) TendMaintenanceWindow */

  TendService *service;        /* (owned) (nullable) the unit, once loaded */
  gboolean loading;            /* a load of it is under way */
  gulong host_handler;         /* the host's state: nothing is done while it is away */
  gulong access_handler;       /* the host's access level: what Tend may do there */
  gulong state_handler;
  gulong since_handler;
  GCancellable *cancellable;   /* (owned) loads and recoveries */

  gint64 silenced_until;       /* realtime µs, 0 when not */
  gboolean manual;
  char *manual_reason;         /* (owned) (nullable) */
  gboolean recovering;
  guint rechecking;            /* checks still to report since its dependency is back */
  guint timer_id;              /* the next look, as the policy or a quiet asked */

  /* The open incident, as the monitor told it. */
  gint64 incident_id;
  GPtrArray *early_actions;    /* (owned) (nullable) JsonObject: done before the store
                                * gave the incident its id */
  gboolean notified;           /* a notification of it is out */
  gboolean recovered;          /* the last one out says Tend recovered it */
  char *root_cause;            /* (owned) (nullable) the dependency it is put down to */
  TendCheckFailure last_failure;     /* why its last failing check failed */
  TendNotificationTrouble trouble;   /* what was wrong, as its notifications say it */
  TendRecoveryStep step;       /* the first step of the recovery under way or last run */

  TendRecoveryStatus *status;  /* (owned) (nullable) what is done next, as last saved */
} Supervised;

struct _TendSupervisor
{
  GObject parent_instance;

  TendMonitor *monitor;        /* (owned) */
  TendStore *store;            /* (owned) (nullable) */
  TendConfig *config;          /* (owned) */
  TendRecovery *recovery;      /* (owned) */
  GHashTable *services;        /* (owned) gint64* → (owned) Supervised */
  gulong handlers[4];
};

G_DEFINE_FINAL_TYPE (TendSupervisor, tend_supervisor, G_TYPE_OBJECT)

enum
{
  SIGNAL_NOTIFICATION,
  SIGNAL_WITHDRAW,
  SIGNAL_MANUAL_INTERVENTION,
  SIGNAL_RECOVERY_STATUS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void evaluate        (TendSupervisor *self, Supervised *svc);
static void dependency_back (TendSupervisor *self, Supervised *svc);

static void
supervised_free (Supervised *svc)
{
  g_cancellable_cancel (svc->cancellable);
  g_clear_object (&svc->cancellable);
  g_clear_signal_handler (&svc->host_handler, svc->host);
  g_clear_signal_handler (&svc->access_handler, svc->host);
  if (svc->service != NULL)
    {
      g_clear_signal_handler (&svc->state_handler, svc->service);
      g_clear_signal_handler (&svc->since_handler, svc->service);
    }
  g_clear_object (&svc->service);
  g_clear_handle_id (&svc->timer_id, g_source_remove);
  g_clear_object (&svc->host);
  g_clear_object (&svc->policy);
  g_free (svc->host_name);
  g_free (svc->unit);
  g_free (svc->name);
  g_strfreev (svc->declared);
  g_array_unref (svc->maintenance);
  g_free (svc->manual_reason);
  g_free (svc->root_cause);
  g_clear_pointer (&svc->early_actions, g_ptr_array_unref);
  tend_recovery_status_free (svc->status);
  g_free (svc);
}

static Supervised *
lookup (TendSupervisor *self,
        gint64          service_id)
{
  return g_hash_table_lookup (self->services, &service_id);
}

static gint64
now_usec (void)
{
  return g_get_real_time ();
}

static TendHealthStatus
health_of (TendSupervisor *self,
           Supervised     *svc)
{
  return tend_health_get_status (tend_monitor_get_health (self->monitor, svc->service_id));
}

static TendRecoveryUnitState
unit_state_of (Supervised *svc)
{
  if (svc->service == NULL)
    return TEND_RECOVERY_UNIT_UNKNOWN;
  return tend_recovery_unit_state_from_active_state (
    tend_service_get_active_state (svc->service));
}

/* ------------------------------------------------------------------------------------ */
/* Incidents and notifications                                                           */

/* A new action of the incident: {"time", "action", ...}; the caller adds its members,
 * then records it. */
static JsonObject *
action_new (const char *action)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *time = g_date_time_format_iso8601 (now);
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "time", time);
  json_object_set_string_member (object, "action", action);
  return object;
}

/* The most actions kept while an incident waits for its id. */
#define MAX_EARLY_ACTIONS 100

/* Appends @action (taken) to the open incident's actions, as they are in the store now;
 * one done before the store gave the incident its id (a recovery starts as soon as the
 * service turns critical) waits for it. */
static void
record_action (TendSupervisor *self,
               Supervised     *svc,
               JsonObject     *action)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;

  if (self->store == NULL)
    {
      json_object_unref (action);
      return;
    }
  if (svc->incident_id <= 0)
    {
      if (svc->early_actions == NULL)
        svc->early_actions = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
      if (svc->early_actions->len < MAX_EARLY_ACTIONS)
        g_ptr_array_add (svc->early_actions, action);
      else
        json_object_unref (action);
      return;
    }
  json_node_take_object (node, action);
  text = json_to_string (node, FALSE);
  tend_store_update_incident (self->store, svc->incident_id, NULL, text, NULL, 0);
}

/* The incident has its id: what was done before goes into it, in order. */
static void
record_early_actions (TendSupervisor *self,
                      Supervised     *svc)
{
  g_autoptr(GPtrArray) early = NULL;

  if (svc->incident_id <= 0)
    return;   /* the store could not record the incident: they wait on */
  early = g_steal_pointer (&svc->early_actions);
  for (guint i = 0; early != NULL && i < early->len; i++)
    record_action (self, svc, json_object_ref (early->pdata[i]));
}

/* The services that depend on @svc (whose failures may be put down to it). */
static GPtrArray *dependents_of (TendSupervisor *self, Supervised *svc);

/* The host as a person calls it: "this computer", or its name in the inventory. */
static const char *
host_label_of (Supervised *svc)
{
  if (svc->host != NULL && tend_host_get_kind (svc->host) == TEND_HOST_KIND_LOCAL)
    return tend_host_get_spoken_name (svc->host);
  return svc->host_name;
}

/* What is wrong with @svc, in a notification's terms: the unit's state first, then why
 * its last failing check failed. */
static TendNotificationTrouble
trouble_of (Supervised *svc)
{
  switch (unit_state_of (svc))
    {
    case TEND_RECOVERY_UNIT_FAILED:
      return TEND_NOTIFICATION_TROUBLE_FAILED;
    case TEND_RECOVERY_UNIT_INACTIVE:
      return TEND_NOTIFICATION_TROUBLE_STOPPED;
    case TEND_RECOVERY_UNIT_UNKNOWN:
    case TEND_RECOVERY_UNIT_ACTIVE:
    default:
      break;
    }

  switch (svc->last_failure)
    {
    case TEND_CHECK_FAILURE_TIMEOUT:
    case TEND_CHECK_FAILURE_REFUSED:
    case TEND_CHECK_FAILURE_DNS:
    case TEND_CHECK_FAILURE_TLS:
    case TEND_CHECK_FAILURE_UNREACHABLE:
      return TEND_NOTIFICATION_TROUBLE_NOT_ANSWERING;
    case TEND_CHECK_FAILURE_PROTOCOL:
      return TEND_NOTIFICATION_TROUBLE_BAD_ANSWERS;
    case TEND_CHECK_FAILURE_THRESHOLD:
      return TEND_NOTIFICATION_TROUBLE_OVER_LIMIT;
    case TEND_CHECK_FAILURE_STATE:
      return TEND_NOTIFICATION_TROUBLE_FAILED;
    case TEND_CHECK_FAILURE_NONE:
    case TEND_CHECK_FAILURE_EXEC:
    case TEND_CHECK_FAILURE_OTHER:
    default:
      return TEND_NOTIFICATION_TROUBLE_UNHEALTHY;
    }
}

/* Sends @kind about @svc: @response is what Tend did (@step, @tries as
 * TendNotificationFacts has them); the trouble is the one @svc was last seen in. */
static void
notify (TendSupervisor           *self,
        Supervised               *svc,
        TendNotificationKind      kind,
        TendNotificationResponse  response,
        TendRecoveryStep          step,
        guint                     tries)
{
  TendNotificationFacts facts = {
    .trouble = svc->trouble,
    .response = response,
    .step = step,
    .tries = tries,
  };
  g_autoptr(TendNotification) notification = NULL;
  g_autoptr(GPtrArray) dependents = NULL;
  g_autoptr(GString) body = NULL;

  notification = tend_notification_new (kind, svc->host_name, host_label_of (svc), svc->unit,
                                        svc->incident_id, &facts, svc->root_cause);

  /* The root cause's notification names what is down because of it. */
  body = g_string_new (notification->body);
  dependents = dependents_of (self, svc);
  for (guint i = 0; i < dependents->len; i++)
    {
      Supervised *dependent = dependents->pdata[i];

      if (g_strcmp0 (dependent->root_cause, svc->unit) == 0)
        {
          g_string_append_c (body, '\n');
          /* Translators: a line of a notification about a unit that is down; %s is a unit
           * that depends on it and is down because of it */
          g_string_append_printf (body, _("Also down because of it: %s."), dependent->unit);
        }
    }
  g_free (notification->body);
  notification->body = g_string_free (g_steal_pointer (&body), FALSE);

  if (svc->incident_id > 0)
    {
      JsonObject *action = action_new ("notified");

      json_object_set_string_member (action, "kind", tend_notification_kind_to_string (kind));
      record_action (self, svc, action);
    }
  svc->notified = TRUE;
  svc->recovered = kind == TEND_NOTIFICATION_RECOVERED;
  g_signal_emit (self, signals[SIGNAL_NOTIFICATION], 0, notification);
}

/* ------------------------------------------------------------------------------------ */
/* Dependencies                                                                          */

static gboolean
strv_has (const char * const *strv,
          const char         *value)
{
  return strv != NULL && g_strv_contains (strv, value);
}

static gboolean
depends_on (Supervised *svc,
            Supervised *other)
{
  if (svc == other || !g_str_equal (svc->host_name, other->host_name))
    return FALSE;
  if (strv_has ((const char * const *) svc->declared, other->unit))
    return TRUE;
  return svc->service != NULL &&
         (strv_has (tend_service_get_requires (svc->service), other->unit) ||
          strv_has (tend_service_get_binds_to (svc->service), other->unit));
}

static GPtrArray *
dependents_of (TendSupervisor *self,
               Supervised     *svc)
{
  GPtrArray *dependents = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->services);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (depends_on (value, svc))
      g_ptr_array_add (dependents, value);
  return dependents;
}

static gboolean
is_down (TendSupervisor *self,
         Supervised     *svc)
{
  TendRecoveryUnitState unit = unit_state_of (svc);

  return svc->recovering || unit == TEND_RECOVERY_UNIT_FAILED ||
         health_of (self, svc) == TEND_HEALTH_CRITICAL;
}

/* A dependency of @svc that is down (its own root cause first), or %NULL. */
static Supervised *
down_dependency (TendSupervisor *self,
                 Supervised     *svc,
                 guint           depth)
{
  GHashTableIter iter;
  gpointer value;

  if (depth > 8)
    return NULL;   /* a cycle of declared dependencies */

  g_hash_table_iter_init (&iter, self->services);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Supervised *other = value;
      Supervised *deeper;

      if (!depends_on (svc, other) || !is_down (self, other))
        continue;
      deeper = down_dependency (self, other, depth + 1);
      return deeper != NULL ? deeper : other;
    }
  return NULL;
}

/* ------------------------------------------------------------------------------------ */
/* Quiet: silenced, or in maintenance                                                    */

/**
 * tend_supervisor_is_quiet:
 * @why: (out) (optional): "silenced until …" or "in maintenance (Mon-Fri 02:00-04:00)"
 *
 * Returns: whether the service is silenced or in a maintenance window at @now_usec
 */
gboolean
tend_supervisor_is_quiet (TendSupervisor  *self,
                          gint64           service_id,
                          gint64           now,
                          char           **why)
{
  Supervised *svc;
  g_autoptr(GDateTime) time = NULL;

  g_return_val_if_fail (TEND_IS_SUPERVISOR (self), FALSE);

  svc = lookup (self, service_id);
  if (svc == NULL)
    return FALSE;

  if (svc->silenced_until > now)
    {
      if (why != NULL)
        {
          g_autofree char *until = tend_time_format_iso8601 (svc->silenced_until);
          *why = g_strdup_printf ("silenced until %s", until);
        }
      return TRUE;
    }

  time = g_date_time_new_from_unix_utc (now / G_USEC_PER_SEC);
  for (guint i = 0; i < svc->maintenance->len; i++)
    {
      const TendMaintenanceWindow *window = &g_array_index (svc->maintenance,
                                                            TendMaintenanceWindow, i);

      if (tend_maintenance_window_contains (window, time))
        {
          if (why != NULL)
            {
              g_autofree char *text = tend_maintenance_window_format (window);
              *why = g_strdup_printf ("in maintenance (%s)", text);
            }
          return TRUE;
        }
    }
  return FALSE;
}

/* When the quiet of @svc ends: the later of its silence and its current window. */
static gint64
quiet_end (Supervised *svc,
           gint64      now)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (now / G_USEC_PER_SEC);
  gint64 end = svc->silenced_until > now ? svc->silenced_until : now;

  for (guint i = 0; i < svc->maintenance->len; i++)
    end = MAX (end, tend_maintenance_window_end (&g_array_index (svc->maintenance,
                                                                 TendMaintenanceWindow, i),
                                                 time));
  return end;
}

/* ------------------------------------------------------------------------------------ */
/* Acting                                                                                */

static gboolean
timer_cb (gpointer user_data)
{
  Supervised *svc = user_data;

  svc->timer_id = 0;
  evaluate (svc->supervisor, svc);
  return G_SOURCE_REMOVE;
}

static void
look_again_at (Supervised *svc,
               gint64      at_usec)
{
  gint64 delay = MAX (at_usec - now_usec (), 0);

  g_clear_handle_id (&svc->timer_id, g_source_remove);
  svc->timer_id = g_timeout_add ((guint) MIN ((delay + 999) / 1000, G_MAXUINT), timer_cb, svc);
}

typedef struct
{
  TendSupervisor *supervisor;  /* (owned) */
  gint64 service_id;
} Pending;

static void
pending_free (Pending *pending)
{
  g_object_unref (pending->supervisor);
  g_free (pending);
}

static Pending *
pending_new (TendSupervisor *self,
             Supervised     *svc)
{
  Pending *pending = g_new0 (Pending, 1);

  pending->supervisor = g_object_ref (self);
  pending->service_id = svc->service_id;
  return pending;
}

static void
recovered_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Pending *pending = user_data;
  TendSupervisor *self = pending->supervisor;
  g_autoptr(GPtrArray) attempts = NULL;
  g_autoptr(GError) error = NULL;
  gboolean recovered = FALSE;
  Supervised *svc;
  g_autoptr(GString) detail = g_string_new (NULL);
  const TendRecoveryAttempt *last = NULL;
  TendNotificationResponse response;

  attempts = tend_recovery_run_finish (TEND_RECOVERY (source), result, &recovered, &error);
  svc = lookup (self, pending->service_id);
  if (svc == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      pending_free (pending);
      return;
    }

  svc->recovering = FALSE;
  tend_restart_policy_recovery_finished (svc->policy, recovered, now_usec ());

  for (guint i = 0; attempts != NULL && i < attempts->len; i++)
    {
      const TendRecoveryAttempt *attempt = attempts->pdata[i];
      JsonObject *action = action_new (tend_recovery_step_to_string (attempt->step));

      json_object_set_string_member (action, "origin", "auto");
      json_object_set_boolean_member (action, "success", attempt->success);
      json_object_set_int_member (action, "duration_ms", attempt->duration_usec / 1000);
      if (attempt->error != NULL)
        json_object_set_string_member (action, "error", attempt->error);
      g_string_append_printf (detail, "%s%s: %s", detail->len > 0 ? "; " : "",
                              tend_recovery_step_to_string (attempt->step),
                              attempt->success ? "done" : attempt->error);
      record_action (self, svc, action);
      last = attempt;
    }
  if (error != NULL)
    {
      JsonObject *action = action_new ("recover");

      json_object_set_boolean_member (action, "success", FALSE);
      json_object_set_string_member (action, "error", error->message);
      g_string_append (detail, error->message);
      record_action (self, svc, action);
    }

  /* The log keeps the technical detail; the notification says it in plain words. */
  if (recovered)
    g_message ("%s recovered: %s", svc->name, detail->str);
  else
    g_warning ("%s not recovered: %s", svc->name, detail->str);
  /* The host went away under it (an SSH host lost): that says nothing of the service,
   * and the host's own notification says what there is to say; it waits for the host. */
  if (!recovered && !tend_host_get_connected (svc->host))
    {
      g_message ("%s: %s went away during its recovery; it waits for the host", svc->name,
                 svc->host_name);
      tend_monitor_hold_incident (self->monitor, svc->service_id, FALSE);
      evaluate (self, svc);
      pending_free (pending);
      return;
    }
  if (recovered)
    response = TEND_NOTIFICATION_RESPONSE_RECOVERED;
  else if (error != NULL || (last != NULL && last->action_failed))
    response = TEND_NOTIFICATION_RESPONSE_STEP_FAILED;
  else
    response = TEND_NOTIFICATION_RESPONSE_FAILED_AGAIN;
  notify (self, svc, recovered ? TEND_NOTIFICATION_RECOVERED : TEND_NOTIFICATION_RECOVERY_FAILED,
          response, last != NULL ? last->step : TEND_RECOVERY_STEP_RESTART, 0);
  /* Its verdict is in: a healthy service's incident closes now. */
  tend_monitor_hold_incident (self->monitor, svc->service_id, FALSE);

  evaluate (self, svc);
  /* Those that waited for it may go now. */
  if (recovered)
    dependency_back (self, svc);
  pending_free (pending);
}

/* Says (and saves) what is done next about @svc, when that changed. */
static void
set_status (TendSupervisor    *self,
            Supervised        *svc,
            TendRecoveryState  state,
            const char        *cause,
            const char        *reason,
            gint64             until_usec)
{
  gint64 now = now_usec ();
  g_autoptr(TendRecoveryStatus) status = tend_recovery_status_new (state, cause, reason, now,
                                                                   until_usec);
  g_autofree char *json = NULL;

  if (tend_recovery_status_same (status, svc->status))
    return;
  if (svc->status != NULL && svc->status->state == state)
    status->since_usec = svc->status->since_usec;
  tend_recovery_status_free (svc->status);
  svc->status = g_steal_pointer (&status);
  g_debug ("supervisor: %s: %s (%s)", svc->name, tend_recovery_state_to_string (state),
           reason != NULL ? reason : "");
  if (self->store != NULL)
    {
      json = tend_recovery_status_to_json (svc->status);
      tend_store_save_recovery_status (self->store, svc->service_id, now, json);
    }
  g_signal_emit (self, signals[SIGNAL_RECOVERY_STATUS_CHANGED], 0, svc->service_id);
}

/* The status of a wait the policy decided, in words that do not count down. */
static void
set_waiting_status (TendSupervisor             *self,
                    Supervised                 *svc,
                    const TendRecoveryDecision *decision,
                    gint64                      now)
{
  const char *cause = tend_recovery_cause_to_string (decision->cause);
  g_autofree char *reason = NULL;

  switch (decision->cause)
    {
    case TEND_RECOVERY_CAUSE_BREAKER_OPEN:
      {
        guint failed = tend_restart_policy_get_failed_in_a_row (svc->policy);

        reason = g_strdup_printf ("%u failed %s in a row", failed,
                                  failed == 1 ? "recovery" : "recoveries");
        set_status (self, svc, TEND_RECOVERY_STATE_WAITING, cause, reason,
                    decision->at_usec);
        return;
      }
    case TEND_RECOVERY_CAUSE_WINDOW_LIMIT:
      {
        g_autofree char *window = tend_duration_format (
          tend_restart_policy_get_window (svc->policy));

        reason = g_strdup_printf ("%u recoveries within %s: the limit",
                                  tend_restart_policy_count_recoveries (svc->policy, now),
                                  window);
        break;
      }
    case TEND_RECOVERY_CAUSE_BACKOFF:
      reason = g_strdup_printf ("backoff before attempt %u",
                                tend_restart_policy_get_backoff_attempt (svc->policy, now) + 1);
      break;
    case TEND_RECOVERY_CAUSE_COOLDOWN:
    default:
      reason = g_strdup ("cooldown after the last recovery");
      break;
    }
  set_status (self, svc, TEND_RECOVERY_STATE_SCHEDULED, cause, reason, decision->at_usec);
}

static void
start_recovery (TendSupervisor             *self,
                Supervised                 *svc,
                const TendRecoveryDecision *decision)
{
  JsonObject *action;

  g_message ("%s: recovering (%s)", svc->name, decision->reason);
  set_status (self, svc, TEND_RECOVERY_STATE_RECOVERING,
              tend_recovery_cause_to_string (decision->cause), decision->reason, 0);
  action = action_new ("recovery-started");
  json_object_set_string_member (action, "origin", "auto");
  json_object_set_string_member (action, "reason", decision->reason);
  record_action (self, svc, action);
  svc->recovering = TRUE;
  svc->trouble = trouble_of (svc);
  svc->step = svc->service != NULL ? tend_recovery_first_step (svc->service)
                                   : TEND_RECOVERY_STEP_RESTART;
  tend_monitor_hold_incident (self->monitor, svc->service_id, TRUE);
  tend_restart_policy_recovery_started (svc->policy, now_usec ());
  tend_recovery_run_async (self->recovery, svc->host, svc->unit, svc->service_id,
                           svc->incident_id, decision->reason, svc->cancellable,
                           recovered_cb, pending_new (self, svc));
}

/* The manual-intervention snapshot in the incident: journal, unit, checks, policy. */
static void
take_snapshot (TendSupervisor *self,
               Supervised     *svc,
               const char     *reason)
{
  g_autofree char *layers = tend_monitor_dup_layers_json (self->monitor, svc->service_id);
  g_autofree char *policy = tend_restart_policy_dup_state_json (svc->policy, now_usec ());

  if (self->store == NULL || svc->incident_id <= 0)
    return;
  tend_incident_snapshot_save (self->store, svc->incident_id, svc->host, svc->unit,
                               svc->service, reason, layers, policy, svc->cancellable);
}

static void
give_up (TendSupervisor             *self,
         Supervised                 *svc,
         const TendRecoveryDecision *decision)
{
  JsonObject *action;

  if (svc->manual)
    return;
  g_warning ("%s: %s", svc->name, decision->reason);
  svc->manual = TRUE;
  g_free (svc->manual_reason);
  svc->manual_reason = g_strdup (decision->reason);
  set_status (self, svc, TEND_RECOVERY_STATE_MANUAL, "restart-loop", decision->reason, 0);

  action = action_new ("manual-intervention-required");
  json_object_set_string_member (action, "reason", decision->reason);
  record_action (self, svc, action);
  take_snapshot (self, svc, decision->reason);
  notify (self, svc, TEND_NOTIFICATION_MANUAL_INTERVENTION, TEND_NOTIFICATION_RESPONSE_GAVE_UP,
          TEND_RECOVERY_STEP_RESTART,
          tend_restart_policy_count_loop_recoveries (svc->policy, now_usec ()));
  g_signal_emit (self, signals[SIGNAL_MANUAL_INTERVENTION], 0, svc->service_id,
                 decision->reason);
}

/* Whether the access level of @svc's host lets Tend recover it (an operator may start,
 * restart and reload; a viewer host is looked at only); else FALSE and @reason says so. */
static gboolean
may_recover (Supervised  *svc,
             char       **reason)
{
  return svc->host == NULL || tend_host_allows_action (svc->host, TEND_UNIT_ACTION_RESTART,
                                                       reason);
}

/* Looks at @svc and does what is due. */
static void
evaluate (TendSupervisor *self,
          Supervised     *svc)
{
  g_autoptr(TendRecoveryDecision) decision = NULL;
  g_autofree char *why = NULL;
  gint64 now = now_usec ();
  Supervised *root;

  /* An incident a previous engine left open is this one's too. */
  if (svc->incident_id <= 0)
    {
      svc->incident_id = tend_monitor_get_incident (self->monitor, svc->service_id);
      if (svc->incident_id > 0)
        record_early_actions (self, svc);
    }

  if (svc->recovering || svc->rechecking > 0)
    return;   /* decided again when it is over */
  if (svc->manual)
    {
      set_status (self, svc, TEND_RECOVERY_STATE_MANUAL, "restart-loop", svc->manual_reason, 0);
      return;
    }

  /* A host that cannot be reached (its bus restarts) says nothing of the unit: nothing
   * is done for it meanwhile, and it is looked at again when the host is back. */
  if (!tend_host_get_connected (svc->host))
    {
      g_autofree char *reason = g_strdup_printf ("waits for host %s to be reachable again",
                                                 svc->host_name);

      set_status (self, svc, TEND_RECOVERY_STATE_WAITING, "host-unreachable", reason, 0);
      return;
    }

  if (tend_supervisor_is_quiet (self, svc->service_id, now, &why))
    {
      gint64 end = quiet_end (svc, now);

      set_status (self, svc, TEND_RECOVERY_STATE_WAITING,
                  svc->silenced_until > now ? "silenced" : "maintenance", why, end);
      look_again_at (svc, end);
      return;
    }

  root = down_dependency (self, svc, 0);
  if (root != NULL && health_of (self, svc) != TEND_HEALTH_HEALTHY)
    {
      g_autofree char *reason = g_strdup_printf ("waits for %s, which it depends on",
                                                 root->unit);

      g_debug ("supervisor: %s %s", svc->name, reason);
      set_status (self, svc, TEND_RECOVERY_STATE_WAITING, "dependency", reason, 0);
      return;   /* looked at again when the dependency is healthy */
    }
  if (root != NULL)
    return;   /* healthy: nothing to do, nor to wait for */

  decision = tend_restart_policy_decide (svc->policy, now);
  switch (decision->action)
    {
    case TEND_RECOVERY_ACTION_RECOVER_NOW:
      if (!may_recover (svc, &why))
        {
          /* Nothing is tried (and refused, and audited) again and again: a person acts,
           * or gives the host more access. */
          set_status (self, svc, TEND_RECOVERY_STATE_MANUAL, "access", why, 0);
          break;
        }
      start_recovery (self, svc, decision);
      break;
    case TEND_RECOVERY_ACTION_WAIT_UNTIL:
      g_debug ("supervisor: %s: %s", svc->name, decision->reason);
      set_waiting_status (self, svc, decision, now);
      look_again_at (svc, decision->at_usec);
      break;
    case TEND_RECOVERY_ACTION_GIVE_UP_MANUAL:
      give_up (self, svc, decision);
      break;
    case TEND_RECOVERY_ACTION_NONE:
    default:
      set_status (self, svc, TEND_RECOVERY_STATE_IDLE,
                  tend_recovery_cause_to_string (decision->cause), decision->reason, 0);
      break;
    }
}

static void
observe (TendSupervisor *self,
         Supervised     *svc)
{
  tend_restart_policy_observe (svc->policy, health_of (self, svc), unit_state_of (svc),
                               now_usec ());
}

/* ------------------------------------------------------------------------------------ */
/* What the monitor and the host say                                                     */

/* @svc is back: its dependents' checks run again, and they are looked at once those
 * have reported (what failed because of it may well be fine now). */
static void
dependency_back (TendSupervisor *self,
                 Supervised     *svc)
{
  g_autoptr(GPtrArray) dependents = dependents_of (self, svc);

  for (guint i = 0; i < dependents->len; i++)
    {
      Supervised *dependent = dependents->pdata[i];

      if (health_of (self, dependent) == TEND_HEALTH_HEALTHY)
        continue;
      dependent->rechecking = tend_monitor_run_service_now (self->monitor,
                                                            dependent->service_id);
      if (dependent->rechecking == 0)
        evaluate (self, dependent);
    }
}

static void
check_completed_cb (TendMonitor            *monitor,
                    gint64                  service_id,
                    gint64                  check_id,
                    const TendCheckVerdict *verdict,
                    TendSupervisor         *self)
{
  Supervised *svc = lookup (self, service_id);

  if (svc == NULL)
    return;
  /* Why it fails, for its notifications' words. */
  if (verdict->status == TEND_RESULT_FAIL)
    svc->last_failure = verdict->failure;
  if (svc->rechecking == 0)
    return;
  if (--svc->rechecking == 0)
    evaluate (self, svc);
}

static void
health_changed_cb (TendMonitor    *monitor,
                   gint64          service_id,
                   guint           status,
                   TendSupervisor *self)
{
  Supervised *svc = lookup (self, service_id);

  if (svc == NULL)
    return;

  observe (self, svc);
  if (status == TEND_HEALTH_DEGRADED && !svc->recovering &&
      !tend_supervisor_is_quiet (self, service_id, now_usec (), NULL))
    notify (self, svc, TEND_NOTIFICATION_DEGRADED, TEND_NOTIFICATION_RESPONSE_NONE,
            TEND_RECOVERY_STEP_RESTART, 0);
  evaluate (self, svc);

  if (status == TEND_HEALTH_HEALTHY)
    dependency_back (self, svc);
}

/* The failure's notification: what is wrong, and what Tend does about it — the recovery
 * under way, or what the policy would decide now (asking it changes nothing). */
static void
notify_failed (TendSupervisor *self,
               Supervised     *svc)
{
  g_autoptr(TendRecoveryDecision) decision = NULL;
  TendNotificationResponse response = TEND_NOTIFICATION_RESPONSE_NONE;
  TendRecoveryStep step = svc->step;

  if (!svc->recovering)
    {
      svc->trouble = trouble_of (svc);
      step = svc->service != NULL ? tend_recovery_first_step (svc->service)
                                  : TEND_RECOVERY_STEP_RESTART;
    }

  if (svc->recovering)
    response = TEND_NOTIFICATION_RESPONSE_RECOVERING;
  else if (svc->manual || !may_recover (svc, NULL))
    response = TEND_NOTIFICATION_RESPONSE_HANDS_OFF;
  else if (svc->host == NULL || tend_host_get_connected (svc->host))
    {
      decision = tend_restart_policy_decide (svc->policy, now_usec ());
      switch (decision->action)
        {
        case TEND_RECOVERY_ACTION_RECOVER_NOW:
          response = TEND_NOTIFICATION_RESPONSE_RECOVERING;
          break;
        case TEND_RECOVERY_ACTION_WAIT_UNTIL:
          response = TEND_NOTIFICATION_RESPONSE_WAITING;
          break;
        case TEND_RECOVERY_ACTION_GIVE_UP_MANUAL:
          response = TEND_NOTIFICATION_RESPONSE_HANDS_OFF;
          break;
        case TEND_RECOVERY_ACTION_NONE:
        default:
          response = decision->cause == TEND_RECOVERY_CAUSE_IN_PROGRESS
                     ? TEND_NOTIFICATION_RESPONSE_RECOVERING
                     : TEND_NOTIFICATION_RESPONSE_HANDS_OFF;
          break;
        }
    }

  notify (self, svc, TEND_NOTIFICATION_FAILED, response, step, 0);
}

static void
incident_opened_cb (TendMonitor    *monitor,
                    gint64          service_id,
                    gint64          incident_id,
                    const char     *cause,
                    TendSupervisor *self)
{
  Supervised *svc = lookup (self, service_id);
  g_autofree char *why = NULL;
  g_autoptr(GPtrArray) dependents = NULL;
  Supervised *root;

  if (svc == NULL)
    return;

  svc->incident_id = incident_id;
  g_clear_pointer (&svc->root_cause, g_free);
  record_early_actions (self, svc);
  svc->notified = FALSE;

  if (tend_supervisor_is_quiet (self, service_id, now_usec (), &why))
    {
      JsonObject *action = action_new ("not-notified");

      json_object_set_string_member (action, "reason", why);
      record_action (self, svc, action);
      return;
    }

  root = down_dependency (self, svc, 0);
  if (root != NULL)
    {
      JsonObject *action = action_new ("not-notified");
      g_autofree char *reason = g_strdup_printf ("%s, which it depends on, is down",
                                                 root->unit);

      svc->root_cause = g_strdup (root->unit);
      json_object_set_string_member (action, "reason", reason);
      json_object_set_string_member (action, "root_cause", root->unit);
      record_action (self, svc, action);
      return;
    }

  /* This one may be the root cause of dependents already notified: theirs go. */
  dependents = dependents_of (self, svc);
  for (guint i = 0; i < dependents->len; i++)
    {
      Supervised *dependent = dependents->pdata[i];

      if (dependent->incident_id <= 0 || dependent->root_cause != NULL)
        continue;
      dependent->root_cause = g_strdup (svc->unit);
      if (dependent->notified)
        {
          g_autofree char *id = tend_notification_dup_id (dependent->host_name, dependent->unit,
                                                          dependent->incident_id);

          dependent->notified = FALSE;
          g_signal_emit (self, signals[SIGNAL_WITHDRAW], 0, id);
        }
    }

  notify_failed (self, svc);
}

static void
incident_closed_cb (TendMonitor    *monitor,
                    gint64          service_id,
                    gint64          incident_id,
                    TendSupervisor *self)
{
  Supervised *svc = lookup (self, service_id);

  if (svc == NULL)
    return;

  /* Healthy on its own: the notification that is out says so (a recovery says it, when
   * it is done: healthy for a moment during one is not its end). */
  if (svc->notified && !svc->recovered && !svc->recovering)
    notify (self, svc, TEND_NOTIFICATION_RECOVERED, TEND_NOTIFICATION_RESPONSE_BY_ITSELF,
            TEND_RECOVERY_STEP_RESTART, 0);

  svc->incident_id = 0;
  svc->notified = FALSE;
  svc->last_failure = TEND_CHECK_FAILURE_NONE;
  g_clear_pointer (&svc->root_cause, g_free);
  g_clear_pointer (&svc->early_actions, g_ptr_array_unref);
}

/* The unit's state is an input of the policy; Tend acts on the hard state of the checks
 * (the unit check sees a death within milliseconds, from the same signal), so that every
 * recovery belongs to an incident. Only a service critical already is looked at again:
 * a stopped unit that now failed is what on-failure recovers. */
static void
unit_changed_cb (TendService *service,
                 GParamSpec  *pspec,
                 Supervised  *svc)
{
  TendSupervisor *self = svc->supervisor;

  observe (self, svc);
  if (health_of (self, svc) == TEND_HEALTH_CRITICAL)
    evaluate (self, svc);
}

/* The unit (re)started: failures within the start-up grace after it do not count. */
static void
apply_start (TendSupervisor *self,
             Supervised     *svc)
{
  gint64 since = tend_service_get_active_since (svc->service);

  tend_health_set_started (tend_monitor_get_health (self->monitor, svc->service_id),
                           since > 0 ? since : -1);
}

static void
active_since_cb (TendService *service,
                 GParamSpec  *pspec,
                 Supervised  *svc)
{
  apply_start (svc->supervisor, svc);
}

static void
service_loaded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Pending *pending = user_data;
  TendSupervisor *self = pending->supervisor;
  g_autoptr(TendService) service = NULL;
  g_autoptr(GError) error = NULL;
  Supervised *svc;

  service = tend_host_load_service_finish (TEND_HOST (source), result, &error);
  svc = lookup (self, pending->service_id);
  pending_free (pending);
  if (svc == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  svc->loading = FALSE;
  if (svc->service != NULL)
    return;
  if (service == NULL)
    {
      /* Its checks say what is wrong; recovery goes by health alone. */
      g_debug ("supervisor: %s could not be read: %s", svc->name, error->message);
      return;
    }

  svc->service = g_steal_pointer (&service);
  svc->state_handler = g_signal_connect (svc->service, "notify::active-state",
                                         G_CALLBACK (unit_changed_cb), svc);
  svc->since_handler = g_signal_connect (svc->service, "notify::active-since",
                                         G_CALLBACK (active_since_cb), svc);
  apply_start (self, svc);
  observe (self, svc);
  evaluate (self, svc);
}

static void
load_service (TendSupervisor *self,
              Supervised     *svc)
{
  if (svc->loading)
    return;
  svc->loading = TRUE;
  tend_host_load_service_async (svc->host, svc->unit, svc->cancellable, service_loaded_cb,
                                pending_new (self, svc));
}

/* The host is back: the unit is read (if it could not be before) or looked at again. */
static void
host_state_cb (TendHost   *host,
               GParamSpec *pspec,
               Supervised *svc)
{
  TendSupervisor *self = svc->supervisor;

  /* Gone: nothing is done for it meanwhile, and its status says so at once. */
  if (!tend_host_get_connected (host))
    {
      if (svc->service != NULL && tend_host_get_state (host) != TEND_HOST_STATE_CONNECTING)
        evaluate (self, svc);
      return;
    }
  if (svc->service == NULL)
    {
      load_service (self, svc);
      return;
    }
  observe (self, svc);
  evaluate (self, svc);
}

/* The host's access level changed (tendctl host set, an import): a service that waited
 * for a person because Tend could not act there is looked at again. */
static void
host_access_cb (TendHost   *host,
                GParamSpec *pspec,
                Supervised *svc)
{
  if (svc->service != NULL && tend_host_get_connected (host))
    evaluate (svc->supervisor, svc);
}

static void
follow_host (Supervised *svc)
{
  svc->host_handler = g_signal_connect (svc->host, "notify::state",
                                        G_CALLBACK (host_state_cb), svc);
  svc->access_handler = g_signal_connect (svc->host, "notify::access",
                                          G_CALLBACK (host_access_cb), svc);
}

/* ------------------------------------------------------------------------------------ */
/* GObject                                                                               */

static void
tend_supervisor_dispose (GObject *object)
{
  TendSupervisor *self = TEND_SUPERVISOR (object);

  if (self->monitor != NULL)
    for (guint i = 0; i < G_N_ELEMENTS (self->handlers); i++)
      g_clear_signal_handler (&self->handlers[i], self->monitor);
  if (self->services != NULL)
    g_hash_table_remove_all (self->services);
  g_clear_object (&self->recovery);
  g_clear_object (&self->monitor);
  g_clear_object (&self->store);
  g_clear_object (&self->config);

  G_OBJECT_CLASS (tend_supervisor_parent_class)->dispose (object);
}

static void
tend_supervisor_finalize (GObject *object)
{
  TendSupervisor *self = TEND_SUPERVISOR (object);

  g_hash_table_unref (self->services);

  G_OBJECT_CLASS (tend_supervisor_parent_class)->finalize (object);
}

static void
tend_supervisor_class_init (TendSupervisorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tend_supervisor_dispose;
  object_class->finalize = tend_supervisor_finalize;

  /**
   * TendSupervisor::notification:
   * @notification: what a person should hear of; its id is the same for every
   *   notification of one incident, so a notifier replaces rather than stacks them
   *
   * Silenced services, services in maintenance and failures put down to a dependency
   * send none; the dependency's notification names them.
   */
  signals[SIGNAL_NOTIFICATION] =
    g_signal_new ("notification", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, TEND_TYPE_NOTIFICATION);

  /**
   * TendSupervisor::withdraw:
   * @id: the id of a notification that should go
   *
   * It turned out to be about a consequence: its root cause's notification names it.
   */
  signals[SIGNAL_WITHDRAW] =
    g_signal_new ("withdraw", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * TendSupervisor::manual-intervention:
   * @service_id: the service
   * @reason: why Tend stopped
   *
   * A restart loop: no automatic recovery until tend_supervisor_set_manual() clears it.
   * The owner stores the mark so that it outlives the process.
   */
  signals[SIGNAL_MANUAL_INTERVENTION] =
    g_signal_new ("manual-intervention", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_STRING);

  /**
   * TendSupervisor::recovery-status-changed:
   * @service_id: the service
   *
   * What Tend does next about it changed (tend_supervisor_get_recovery_status()); the
   * same is saved in the store for other processes.
   */
  signals[SIGNAL_RECOVERY_STATUS_CHANGED] =
    g_signal_new ("recovery-status-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
tend_supervisor_init (TendSupervisor *self)
{
  self->services = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                          (GDestroyNotify) supervised_free);
}

/* ------------------------------------------------------------------------------------ */
/* Public                                                                                */

/**
 * tend_supervisor_new:
 * @monitor: the monitor that runs the services' checks
 * @store: (nullable): where incidents and attempts are recorded
 * @config: the configuration: the default policy
 */
TendSupervisor *
tend_supervisor_new (TendMonitor *monitor,
                     TendStore   *store,
                     TendConfig  *config)
{
  TendSupervisor *self;

  g_return_val_if_fail (TEND_IS_MONITOR (monitor), NULL);
  g_return_val_if_fail (store == NULL || TEND_IS_STORE (store), NULL);
  g_return_val_if_fail (TEND_IS_CONFIG (config), NULL);

  self = g_object_new (TEND_TYPE_SUPERVISOR, NULL);
  self->monitor = g_object_ref (monitor);
  self->store = store != NULL ? g_object_ref (store) : NULL;
  self->config = g_object_ref (config);
  self->recovery = tend_recovery_new (monitor, store);
  self->handlers[0] = g_signal_connect (monitor, "health-changed",
                                        G_CALLBACK (health_changed_cb), self);
  self->handlers[1] = g_signal_connect (monitor, "incident-opened",
                                        G_CALLBACK (incident_opened_cb), self);
  self->handlers[2] = g_signal_connect (monitor, "incident-closed",
                                        G_CALLBACK (incident_closed_cb), self);
  self->handlers[3] = g_signal_connect (monitor, "check-completed",
                                        G_CALLBACK (check_completed_cb), self);
  return self;
}

static TendRestartPolicy *
make_policy (TendSupervisor            *self,
             const TendInventoryPolicy *policy)
{
  if (policy != NULL)
    return tend_restart_policy_new_from_inventory (policy, self->config);
  return tend_restart_policy_new_from_config (self->config);
}

/**
 * tend_supervisor_watch:
 * @host: where the unit is, connected
 * @host_name: the host's name in the inventory
 * @policy: (nullable): the service's own policy; %NULL for the configuration's default
 * @depends_on: (nullable) (array zero-terminated=1): units on the same host it needs,
 *   besides systemd's Requires= and BindsTo=
 * @maintenance: (array length=n_maintenance) (nullable): its maintenance windows
 *
 * Starts (or, for a service watched already, updates) supervising a service. An
 * update keeps the policy's history when the policy is the same.
 */
void
tend_supervisor_watch (TendSupervisor              *self,
                       gint64                       service_id,
                       TendHost                    *host,
                       const char                  *host_name,
                       const char                  *unit,
                       const TendInventoryPolicy   *policy,
                       const char * const          *depends_on,
                       const TendMaintenanceWindow *maintenance,
                       guint                        n_maintenance)
{
  g_autoptr(TendRestartPolicy) fresh = NULL;
  Supervised *svc;

  g_return_if_fail (TEND_IS_SUPERVISOR (self));
  g_return_if_fail (TEND_IS_HOST (host));
  g_return_if_fail (host_name != NULL && unit != NULL);

  svc = lookup (self, service_id);
  if (svc == NULL)
    {
      svc = g_new0 (Supervised, 1);
      svc->supervisor = self;
      svc->service_id = service_id;
      svc->host = g_object_ref (host);
      svc->host_name = g_strdup (host_name);
      svc->unit = g_strdup (unit);
      svc->name = g_strdup_printf ("%s on %s", unit, host_name);
      svc->cancellable = g_cancellable_new ();
      svc->maintenance = g_array_new (FALSE, FALSE, sizeof (TendMaintenanceWindow));
      svc->policy = make_policy (self, policy);
      g_hash_table_insert (self->services, &svc->service_id, svc);
      follow_host (svc);
      load_service (self, svc);
    }
  else
    {
      /* The host's entry changed (another address or user): the engine made a new
       * TendHost, and the unit is read there. */
      if (svc->host != host)
        {
          g_clear_signal_handler (&svc->host_handler, svc->host);
          g_clear_signal_handler (&svc->access_handler, svc->host);
          g_set_object (&svc->host, host);
          follow_host (svc);
          if (svc->service != NULL)
            {
              g_clear_signal_handler (&svc->state_handler, svc->service);
              g_clear_signal_handler (&svc->since_handler, svc->service);
            }
          g_clear_object (&svc->service);
          load_service (self, svc);
        }
      /* The same policy keeps its count of recoveries, its breaker and its backoff. */
      fresh = make_policy (self, policy);
      if (!tend_restart_policy_equal_settings (fresh, svc->policy))
        g_set_object (&svc->policy, fresh);
    }

  g_strfreev (svc->declared);
  svc->declared = g_strdupv ((char **) depends_on);
  g_array_set_size (svc->maintenance, 0);
  if (n_maintenance > 0)
    g_array_append_vals (svc->maintenance, maintenance, n_maintenance);
}

void
tend_supervisor_unwatch (TendSupervisor *self,
                         gint64          service_id)
{
  Supervised *svc;

  g_return_if_fail (TEND_IS_SUPERVISOR (self));

  svc = lookup (self, service_id);
  if (svc != NULL && svc->recovering)
    tend_monitor_hold_incident (self->monitor, service_id, FALSE);
  g_hash_table_remove (self->services, &service_id);
}

/**
 * tend_supervisor_dup_name:
 *
 * Returns: (transfer full) (nullable): "unit on host"
 */
char *
tend_supervisor_dup_name (TendSupervisor *self,
                          gint64          service_id)
{
  Supervised *svc;

  g_return_val_if_fail (TEND_IS_SUPERVISOR (self), NULL);
  svc = lookup (self, service_id);
  return svc != NULL ? g_strdup (svc->name) : NULL;
}

/**
 * tend_supervisor_get_policy:
 *
 * Returns: (transfer none) (nullable): the service's policy, with its state
 */
TendRestartPolicy *
tend_supervisor_get_policy (TendSupervisor *self,
                            gint64          service_id)
{
  Supervised *svc;

  g_return_val_if_fail (TEND_IS_SUPERVISOR (self), NULL);
  svc = lookup (self, service_id);
  return svc != NULL ? svc->policy : NULL;
}

/**
 * tend_supervisor_set_silence:
 * @until_usec: realtime µs until which the service is silenced; 0 or past: not silenced
 */
void
tend_supervisor_set_silence (TendSupervisor *self,
                             gint64          service_id,
                             gint64          until_usec)
{
  Supervised *svc;

  g_return_if_fail (TEND_IS_SUPERVISOR (self));

  svc = lookup (self, service_id);
  if (svc == NULL || svc->silenced_until == until_usec)
    return;
  svc->silenced_until = until_usec;
  evaluate (self, svc);
}

/**
 * tend_supervisor_set_manual:
 * @manual: whether a person must act first; %FALSE resumes automatic recovery, as
 *   tend_restart_policy_resume() does
 * @reason: (nullable): why, when @manual
 */
void
tend_supervisor_set_manual (TendSupervisor *self,
                            gint64          service_id,
                            gboolean        manual,
                            const char     *reason)
{
  Supervised *svc;

  g_return_if_fail (TEND_IS_SUPERVISOR (self));

  svc = lookup (self, service_id);
  if (svc == NULL || svc->manual == !!manual)
    return;

  svc->manual = !!manual;
  g_free (svc->manual_reason);
  svc->manual_reason = g_strdup (reason);
  if (manual)
    set_status (self, svc, TEND_RECOVERY_STATE_MANUAL, "restart-loop", reason, 0);
  else
    {
      g_message ("%s: resumed; automatic recovery is back", svc->name);
      tend_restart_policy_resume (svc->policy, now_usec ());
      observe (self, svc);
      evaluate (self, svc);
    }
}

/**
 * tend_supervisor_find:
 * @host_name: the host's name in the inventory
 * @unit: a unit
 *
 * Returns: the service watched that is @unit on @host_name, or 0
 */
gint64
tend_supervisor_find (TendSupervisor *self,
                      const char     *host_name,
                      const char     *unit)
{
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (TEND_IS_SUPERVISOR (self), 0);
  g_return_val_if_fail (host_name != NULL && unit != NULL, 0);

  g_hash_table_iter_init (&iter, self->services);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Supervised *svc = value;

      if (g_str_equal (svc->unit, unit) && g_str_equal (svc->host_name, host_name))
        return svc->service_id;
    }
  return 0;
}

/**
 * tend_supervisor_get_recovery_status:
 *
 * Returns: (transfer none) (nullable): what Tend does next about a service watched: a
 *   recovery running, the next attempt at a time, a stated reason to wait, or a person;
 *   %NULL before it was first looked at
 */
const TendRecoveryStatus *
tend_supervisor_get_recovery_status (TendSupervisor *self,
                                     gint64          service_id)
{
  Supervised *svc;

  g_return_val_if_fail (TEND_IS_SUPERVISOR (self), NULL);
  svc = lookup (self, service_id);
  return svc != NULL ? svc->status : NULL;
}

/**
 * tend_supervisor_get_host:
 *
 * Returns: (transfer none) (nullable): the host of a service watched
 */
TendHost *
tend_supervisor_get_host (TendSupervisor *self,
                          gint64          service_id)
{
  Supervised *svc;

  g_return_val_if_fail (TEND_IS_SUPERVISOR (self), NULL);
  svc = lookup (self, service_id);
  return svc != NULL ? svc->host : NULL;
}
