/* tend-service-control.c — see tend-service-control.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a person asks of Tend about one service, done once for the window and tendctl:
 *
 * - watch: the unit is looked up on the host's manager first (a unit that is not there,
 *   or not loaded, is refused); then, in one transaction of the store
 *   (tend_store_edit_inventory_async()), the service is added with the checks "unit"
 *   (systemd's state; hard at the first failure) and "resources" (CPU 80 % / 95 %),
 *   whichever it lacks, with the configuration's timing — what a new user gets.
 * - unwatch: the service, its checks and its policy leave the inventory, in one
 *   transaction.
 * - silence and resume: what is set on the service beside the inventory, in one
 *   transaction (tend_store_edit_controls_async()).
 * - recover: TendRecovery's ladder, now, each step verified by the service's checks —
 *   in a private monitor that stores no results, or in the engine of this process when
 *   it is given and watches the service.
 *
 * Each leaves one audit row (refusals included, with their error); a stored change is
 * announced to the running engine, whichever process holds it
 * (tend_engine_notify_owner()). Errors are meant for a dialog: they name the unit and
 * the host as people call it ("this computer"), never a command line.
 */
#define G_LOG_DOMAIN "Tend-Control"

#include "config.h"

#include <glib/gi18n-lib.h>
#include "tend-json-lib.h"

#include "tend-check-factory.h"
#include "tend-check.h"
#include "tend-config.h"
#include "tend-engine.h"
#include "tend-error.h"
#include "tend-host.h"
#include "tend-monitor.h"
#include "tend-recovery-status.h"
#include "tend-recovery.h"
#include "tend-service-control.h"
#include "tend-service.h"
#include "tend-supervisor.h"
#include "tend-unit-name.h"
#include "tend-util.h"

typedef struct
{
  TendServiceControlAction action;
  TendStore *store;                /* (owned) */
  TendHost *host;                  /* (owned) */
  char *host_name;                 /* (owned) the inventory's name of the host */
  char *spoken;                    /* (owned) how a sentence names the host */
  char *unit;                      /* (owned) */
  TendAuditOrigin origin;
  char *audit_parameters;          /* (owned) (nullable) */
  gint64 until_usec;
  char *reason;                    /* (owned) (nullable) silence */
  TendServiceResumeFlags resume;
  gint64 verify_timeout_usec;
  char *recovery_reason;           /* (owned) */
  TendEngine *engine;              /* (owned) (nullable) */
  TendServiceRecoveringFunc recovering;
  gpointer recovering_data;

  gint64 started_real;
  gint64 started_monotonic;
  TendServiceControlOutcome *outcome;  /* (owned) */

  /* recover */
  gint64 service_id;
  TendMonitor *monitor;            /* (owned) (nullable) */
  gboolean own_monitor;
  TendRecovery *recovery;          /* (owned) (nullable) */
} Request;

static void
request_free (Request *request)
{
  if (request->monitor != NULL && request->own_monitor)
    tend_monitor_stop (request->monitor);
  g_clear_object (&request->recovery);
  g_clear_object (&request->monitor);
  g_clear_object (&request->engine);
  g_clear_object (&request->store);
  g_clear_object (&request->host);
  g_free (request->host_name);
  g_free (request->spoken);
  g_free (request->unit);
  g_free (request->audit_parameters);
  g_free (request->reason);
  g_free (request->recovery_reason);
  g_clear_pointer (&request->outcome, tend_service_control_outcome_free);
  g_free (request);
}

/**
 * tend_service_control_outcome_free:
 */
void
tend_service_control_outcome_free (TendServiceControlOutcome *outcome)
{
  if (outcome == NULL)
    return;
  g_free (outcome->host_name);
  g_free (outcome->host_spoken);
  g_free (outcome->unit);
  g_clear_pointer (&outcome->diff, tend_inventory_diff_free);
  g_clear_pointer (&outcome->before, tend_service_controls_free);
  g_free (outcome->engine_warning);
  g_clear_pointer (&outcome->attempts, g_ptr_array_unref);
  g_clear_pointer (&outcome->skipped, g_ptr_array_unref);
  g_free (outcome);
}

/* "web.service was not recovered: systemd could not start it. …" */
static char *
describe_refused_step (const char       *unit,
                       TendRecoveryStep  step)
{
  switch (step)
    {
    case TEND_RECOVERY_STEP_RELOAD:
      return g_strdup_printf (_("%s was not recovered: systemd could not reload it. Its log "
                                "may say why."), unit);
    case TEND_RECOVERY_STEP_START:
      return g_strdup_printf (_("%s was not recovered: systemd could not start it. Its log "
                                "may say why."), unit);
    case TEND_RECOVERY_STEP_RESTART:
    default:
      return g_strdup_printf (_("%s was not recovered: systemd could not restart it. Its log "
                                "may say why."), unit);
    }
}

/* "15:02" today, "2026-12-07 15:02" another day */
static char *
format_end (gint64 realtime_usec,
            gint64 now_usec)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (realtime_usec / G_USEC_PER_SEC);
  g_autoptr(GDateTime) now = g_date_time_new_from_unix_local (now_usec / G_USEC_PER_SEC);

  if (time == NULL || now == NULL)
    return g_strdup ("?");
  if (g_date_time_get_year (time) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (time) == g_date_time_get_day_of_year (now))
    return g_date_time_format (time, "%H:%M");
  return g_date_time_format (time, "%Y-%m-%d %H:%M");
}

/**
 * tend_service_control_outcome_describe:
 * @now_usec: realtime µs now, for the end of a silence
 *
 * One sentence for a person, as a toast says it: "Tend watches web.service on this
 * computer now.", "web.service is silenced until 15:02.", "web.service is recovered.",
 * "web.service was not recovered: …".
 *
 * Returns: (transfer full): the sentence
 */
char *
tend_service_control_outcome_describe (const TendServiceControlOutcome *outcome,
                                       gint64                           now_usec)
{
  g_return_val_if_fail (outcome != NULL, NULL);

  switch (outcome->action)
    {
    case TEND_SERVICE_CONTROL_WATCH:
      if (!outcome->changed)
        return g_strdup_printf (_("Tend watches %s on %s already."), outcome->unit,
                                outcome->host_spoken);
      return g_strdup_printf (_("Tend watches %s on %s now."), outcome->unit,
                              outcome->host_spoken);
    case TEND_SERVICE_CONTROL_UNWATCH:
      return g_strdup_printf (_("Tend no longer watches %s on %s."), outcome->unit,
                              outcome->host_spoken);
    case TEND_SERVICE_CONTROL_SILENCE:
      {
        g_autofree char *end = format_end (outcome->silenced_until_usec, now_usec);

        return g_strdup_printf (_("%s is silenced until %s."), outcome->unit, end);
      }
    case TEND_SERVICE_CONTROL_RESUME:
      if (!outcome->changed)
        return g_strdup_printf (_("%s was neither silenced nor waiting for a person."),
                                outcome->unit);
      return g_strdup_printf (_("Tend recovers %s by its policy again."), outcome->unit);
    case TEND_SERVICE_CONTROL_RECOVER:
    default:
      if (outcome->recovered)
        return g_strdup_printf (_("%s is recovered."), outcome->unit);
      /* The steps' own errors are systemd's and the checks' words: the outcome has them.
       * Here, what a person needs to know. */
      if (outcome->attempts != NULL && outcome->attempts->len > 0)
        {
          const TendRecoveryAttempt *last = outcome->attempts->pdata[outcome->attempts->len - 1];

          if (last->action_failed)
            return describe_refused_step (outcome->unit, last->step);
          if (outcome->n_checks == 0)
            return g_strdup_printf (_("%s was not recovered: it did not stay active. Its log "
                                      "may say why."), outcome->unit);
        }
      return g_strdup_printf (_("%s was not recovered: its checks still fail. Its log may say "
                                "why."), outcome->unit);
    }
}

/* ------------------------------------------------------------------------------------ */
/* The end: the audit log, the engine, the answer                                        */

static const char *
operation_name (Request *request)
{
  switch (request->action)
    {
    case TEND_SERVICE_CONTROL_WATCH: return "watch";
    case TEND_SERVICE_CONTROL_UNWATCH: return "unwatch";
    case TEND_SERVICE_CONTROL_SILENCE: return "silence";
    case TEND_SERVICE_CONTROL_RESUME:
      return request->resume == TEND_SERVICE_RESUME_SILENCE ? "silence-clear" : "resume";
    case TEND_SERVICE_CONTROL_RECOVER:
    default: return "recover";
    }
}

/* The request's parameters, and what it changed: "changed": ["+ check …"] */
static char *
audit_parameters (Request *request)
{
  TendServiceControlOutcome *outcome = request->outcome;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;

  if (request->audit_parameters != NULL &&
      json_parser_load_from_data (parser, request->audit_parameters, -1, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    root = json_node_copy (json_parser_get_root (parser));
  else
    {
      root = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (root, json_object_new ());
    }
  object = json_node_get_object (root);

  if (request->audit_parameters == NULL && request->action == TEND_SERVICE_CONTROL_SILENCE &&
      request->until_usec > request->started_real)
    {
      g_autofree char *length = tend_duration_format (request->until_usec
                                                      - request->started_real);

      json_object_set_string_member (object, "for", length);
      if (request->reason != NULL)
        json_object_set_string_member (object, "reason", request->reason);
    }
  if (outcome->diff != NULL && outcome->changed)
    {
      JsonArray *changed = json_array_new ();

      for (guint i = 0; i < tend_inventory_diff_get_n_changes (outcome->diff); i++)
        json_array_add_string_element (changed,
                                       tend_inventory_diff_get_change (outcome->diff, i)
                                         ->description);
      json_object_set_array_member (object, "changed", changed);
    }
  if (outcome->attempts != NULL)
    {
      JsonArray *steps = json_array_new ();

      for (guint i = 0; i < outcome->attempts->len; i++)
        {
          const TendRecoveryAttempt *attempt = outcome->attempts->pdata[i];

          json_array_add_string_element (steps, tend_recovery_step_to_string (attempt->step));
        }
      json_object_set_array_member (object, "steps", steps);
    }
  if (json_object_get_size (object) == 0)
    return NULL;
  return json_to_string (root, FALSE);
}

static void
record_audit (Request      *request,
              const char   *result,
              const GError *error)
{
  TendAuditRecord record = { 0 };
  g_autofree char *parameters = audit_parameters (request);

  record.time_usec = request->started_real;
  record.unix_user = g_get_user_name ();
  record.origin = request->origin;
  record.host = request->host_name;
  record.unit = request->unit;
  record.operation = operation_name (request);
  record.parameters = parameters;
  record.result = result;
  record.error = error != NULL ? error->message : NULL;
  /* A refusal changed nothing: it has no duration, as in the other rows. */
  if (error == NULL)
    record.duration_usec = g_get_monotonic_time () - request->started_monotonic;
  tend_store_add_audit (request->store, &record);
}

/* Refused, or failed: recorded, and said. */
static void
fail (GTask  *task,
      GError *error)
{
  Request *request = g_task_get_task_data (task);

  record_audit (request, NULL, error);
  g_task_return_error (task, error);
  g_object_unref (task);
}

/* Done: recorded, the running engine told of a stored change, and answered. */
static void
succeed (GTask      *task,
         const char *result)
{
  Request *request = g_task_get_task_data (task);
  TendServiceControlOutcome *outcome = request->outcome;

  record_audit (request, result, NULL);
  if (outcome->changed && request->action != TEND_SERVICE_CONTROL_RECOVER)
    {
      g_autoptr(GError) error = NULL;

      outcome->engine_pid = tend_engine_notify_owner (tend_store_get_path (request->store),
                                                      &error);
      if (error != NULL)
        outcome->engine_warning = g_strdup (error->message);
    }
  g_task_return_pointer (task, g_steal_pointer (&request->outcome),
                         (GDestroyNotify) tend_service_control_outcome_free);
  g_object_unref (task);
}

static GError *
not_watched_error (Request *request)
{
  return g_error_new (TEND_ERROR, TEND_ERROR_NOT_WATCHED, _("Tend does not watch %s on %s."),
                      request->unit, request->spoken);
}

/* A store's "not in the inventory" said in plain words, with its own code. */
static GError *
plain_store_error (Request *request,
                   GError  *error)
{
  if (!g_error_matches (error, TEND_ERROR, TEND_ERROR_NOT_FOUND))
    return error;
  g_error_free (error);
  return not_watched_error (request);
}

/* ------------------------------------------------------------------------------------ */
/* The inventory (on the store's thread, in the transaction)                             */

static TendInventoryHost *
find_host (TendInventory *inventory,
           const char    *name)
{
  GPtrArray *hosts = tend_inventory_get_hosts (inventory);

  for (guint i = 0; i < hosts->len; i++)
    if (g_str_equal (((TendInventoryHost *) hosts->pdata[i])->name, name))
      return hosts->pdata[i];
  return NULL;
}

/* What services, checks and policies begin with: the service they belong to. */
typedef struct
{
  char *host;
  char *unit;
} ServiceRef;

G_STATIC_ASSERT (G_STRUCT_OFFSET (TendInventoryService, host) == G_STRUCT_OFFSET (ServiceRef, host));
G_STATIC_ASSERT (G_STRUCT_OFFSET (TendInventoryService, unit) == G_STRUCT_OFFSET (ServiceRef, unit));
G_STATIC_ASSERT (G_STRUCT_OFFSET (TendInventoryCheck, host) == G_STRUCT_OFFSET (ServiceRef, host));
G_STATIC_ASSERT (G_STRUCT_OFFSET (TendInventoryCheck, unit) == G_STRUCT_OFFSET (ServiceRef, unit));
G_STATIC_ASSERT (G_STRUCT_OFFSET (TendInventoryPolicy, host) == G_STRUCT_OFFSET (ServiceRef, host));
G_STATIC_ASSERT (G_STRUCT_OFFSET (TendInventoryPolicy, unit) == G_STRUCT_OFFSET (ServiceRef, unit));

static gboolean
is_of (gconstpointer  item,
       Request       *request)
{
  const ServiceRef *ref = item;

  return g_str_equal (ref->host, request->host_name) && g_str_equal (ref->unit, request->unit);
}

/* Removes the items of the request's service; returns how many there were. */
static guint
remove_items_of (GPtrArray *items,
                 Request   *request)
{
  guint n = 0;

  for (guint i = items->len; i-- > 0;)
    if (is_of (items->pdata[i], request))
      {
        g_ptr_array_remove_index (items, i);
        n++;
      }
  return n;
}

static gboolean
has_check (TendInventory *inventory,
           Request       *request,
           const char    *name)
{
  GPtrArray *checks = tend_inventory_get_checks (inventory);

  for (guint i = 0; i < checks->len; i++)
    if (is_of (checks->pdata[i], request) &&
        g_str_equal (((TendInventoryCheck *) checks->pdata[i])->name, name))
      return TRUE;
  return FALSE;
}

/**
 * tend_service_control_set_check_defaults:
 *
 * Gives @check the configuration's defaults: checks.default-interval,
 * checks.default-timeout, checks.failures-before-hard, checks.successes-before-recovered
 * and checks.startup-grace.
 */
void
tend_service_control_set_check_defaults (TendInventoryCheck *check,
                                         TendConfig         *config)
{
  check->interval_usec = tend_config_get_duration (config, "checks.default-interval");
  check->timeout_usec = tend_config_get_duration (config, "checks.default-timeout");
  check->failures_before_hard = tend_config_get_int (config, "checks.failures-before-hard");
  check->successes_before_recovered =
    tend_config_get_int (config, "checks.successes-before-recovered");
  check->startup_grace_usec = tend_config_get_duration (config, "checks.startup-grace");
}

static gboolean
watch_edit (TendInventory  *inventory,
            gpointer        user_data,
            GError        **error)
{
  Request *request = user_data;
  TendInventoryHost *host = find_host (inventory, request->host_name);
  TendHostScope scope = tend_host_get_scope (request->host);
  g_autoptr(TendConfig) config = tend_config_new ();
  GPtrArray *services = tend_inventory_get_services (inventory);
  gboolean found = FALSE;
  gboolean same_ssh_host;

  tend_config_load (config, tend_inventory_get_config (inventory), NULL);

  /* The unit was looked up on this host's manager: the service must be of that one. */
  if (host == NULL && !g_str_equal (request->host_name, tend_host_get_id (request->host)))
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_NOT_FOUND,
                   _("Tend knows no host called %s."), request->host_name);
      return FALSE;
    }
  /* An SSH host's services are those of its own TendHost (tend_host_new_for_inventory()). */
  same_ssh_host = host != NULL && host->kind == TEND_HOST_KIND_SSH &&
                  tend_host_get_kind (request->host) == TEND_HOST_KIND_SSH &&
                  g_str_equal (host->name, tend_host_get_id (request->host));
  if (host != NULL && !same_ssh_host &&
      (host->kind != TEND_HOST_KIND_LOCAL || host->scope != scope))
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   _("%s is not %s, where %s was looked up: its checks have to be added "
                     "one by one."), request->host_name, request->spoken, request->unit);
      return FALSE;
    }
  if (host == NULL)
    {
      host = tend_inventory_host_new (request->host_name, TEND_HOST_KIND_LOCAL);
      host->scope = scope;
      host->access = TEND_INVENTORY_ACCESS_ADMIN;
      tend_inventory_add_host (inventory, host);
    }

  for (guint i = 0; i < services->len && !found; i++)
    found = is_of (services->pdata[i], request);
  if (!found)
    tend_inventory_add_service (inventory, tend_inventory_service_new (request->host_name,
                                                                       request->unit));

  /* systemd's own word that the unit failed needs no confirmation: a unit killed with
   * SIGKILL is critical at once. */
  if (!has_check (inventory, request, "unit"))
    {
      TendInventoryCheck *check = tend_inventory_check_new (request->host_name, request->unit,
                                                            "unit", TEND_INVENTORY_CHECK_UNIT);

      tend_service_control_set_check_defaults (check, config);
      check->failures_before_hard = 1;
      tend_inventory_add_check (inventory, check);
    }
  if (!has_check (inventory, request, "resources"))
    {
      TendInventoryCheck *check = tend_inventory_check_new (request->host_name, request->unit,
                                                            "resources",
                                                            TEND_INVENTORY_CHECK_RESOURCES);

      tend_service_control_set_check_defaults (check, config);
      check->params.resources.cpu_warn_percent = TEND_SERVICE_CONTROL_WATCH_CPU_WARN_PERCENT;
      check->params.resources.cpu_critical_percent =
        TEND_SERVICE_CONTROL_WATCH_CPU_CRITICAL_PERCENT;
      tend_inventory_add_check (inventory, check);
    }
  return TRUE;
}

static gboolean
unwatch_edit (TendInventory  *inventory,
              gpointer        user_data,
              GError        **error)
{
  Request *request = user_data;

  if (remove_items_of (tend_inventory_get_services (inventory), request) == 0)
    {
      g_propagate_error (error, not_watched_error (request));
      return FALSE;
    }
  remove_items_of (tend_inventory_get_checks (inventory), request);
  remove_items_of (tend_inventory_get_policies (inventory), request);
  return TRUE;
}

static void
edited_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  Request *request = g_task_get_task_data (task);
  TendInventoryDiff *diff;
  GError *error = NULL;

  diff = tend_store_edit_inventory_finish (TEND_STORE (object), result, &error);
  if (diff == NULL)
    {
      fail (task, error);
      return;
    }
  request->outcome->diff = diff;
  request->outcome->changed = !tend_inventory_diff_is_empty (diff);
  succeed (task, request->outcome->changed ? "done" : "unchanged");
}

static void
edit_inventory (GTask                 *task,
                TendInventoryEditFunc  func)
{
  Request *request = g_task_get_task_data (task);

  tend_store_edit_inventory_async (request->store, func, request, TEND_STORE_EDIT_NONE,
                                   g_task_get_cancellable (task), edited_cb, task);
}

/* A unit that is not loaded (masked, with errors) is not there for Tend. */
static gboolean
check_loaded (Request      *request,
              TendService  *service,
              GError      **error)
{
  const char *load_state = tend_service_get_load_state (service);

  if (g_strcmp0 (load_state, "loaded") == 0)
    return TRUE;
  if (load_state == NULL || g_str_equal (load_state, "not-found"))
    g_set_error (error, TEND_ERROR, TEND_ERROR_NOT_FOUND, _("There is no unit %s on %s."),
                 request->unit, request->spoken);
  else
    g_set_error (error, TEND_ERROR, TEND_ERROR_NOT_FOUND,
                 _("systemd does not load %s on %s: its unit is %s."), request->unit,
                 request->spoken, load_state);
  return FALSE;
}

static void
watch_loaded_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr(TendService) service = NULL;
  GError *error = NULL;

  service = tend_host_load_service_finish (TEND_HOST (object), result, &error);
  if (service == NULL || !check_loaded (request, service, &error))
    {
      fail (task, error);
      return;
    }
  edit_inventory (task, watch_edit);
}

/* ------------------------------------------------------------------------------------ */
/* Silence and resume                                                                    */

/* On the store's thread, in the transaction: the change, to what is set on the service
 * at this moment; nothing to do leaves @controls as they are. */
static gboolean
change_controls (TendServiceControls  *controls,
                 gpointer              user_data,
                 GError              **error)
{
  Request *request = user_data;

  if (request->action == TEND_SERVICE_CONTROL_SILENCE)
    {
      controls->silenced_until_usec = request->until_usec;
      g_free (controls->silence_reason);
      controls->silence_reason = g_strdup (request->reason);
      return TRUE;
    }

  if ((request->resume & TEND_SERVICE_RESUME_SILENCE) &&
      controls->silenced_until_usec > g_get_real_time ())
    {
      controls->silenced_until_usec = 0;
      g_clear_pointer (&controls->silence_reason, g_free);
    }
  if (request->resume & TEND_SERVICE_RESUME_MANUAL)
    {
      controls->manual = FALSE;
      controls->manual_since_usec = 0;
      g_clear_pointer (&controls->manual_reason, g_free);
    }
  return TRUE;
}

static void
controls_changed_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  Request *request = g_task_get_task_data (task);
  GError *error = NULL;
  gboolean changed = FALSE;

  request->outcome->before = tend_store_edit_controls_finish (TEND_STORE (object), result,
                                                              &changed, &error);
  if (request->outcome->before == NULL)
    {
      fail (task, plain_store_error (request, error));
      return;
    }
  request->outcome->changed = changed;
  succeed (task, changed ? "done" : "unchanged");
}

static gboolean
check_silence (Request  *request,
               GError  **error)
{
  gint64 length = request->until_usec - request->started_real;

  if (request->reason != NULL &&
      g_utf8_strlen (request->reason, -1) > TEND_SERVICE_CONTROL_MAX_REASON_CHARS)
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   _("The reason for silencing %s is too long: at most %d characters."),
                   request->unit, TEND_SERVICE_CONTROL_MAX_REASON_CHARS);
      return FALSE;
    }
  /* It ends in the future, within a year (and a second's slack: a caller that worked
   * "365 days from now" out a moment ago). */
  if (length <= 0 || length > TEND_SERVICE_CONTROL_MAX_SILENCE_USEC + TEND_USEC_PER_SEC)
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   _("A silence of %s lasts from a second to 365 days."), request->unit);
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------------------ */
/* Recover now                                                                           */

static void
recovered_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  Request *request = g_task_get_task_data (task);
  TendServiceControlOutcome *outcome = request->outcome;
  GError *error = NULL;

  outcome->attempts = tend_recovery_run_finish (TEND_RECOVERY (object), result,
                                                &outcome->recovered, &error);
  if (outcome->attempts == NULL)
    {
      fail (task, error);
      return;
    }
  if (outcome->n_checks > 0)
    outcome->health = tend_health_get_status (tend_monitor_get_health (request->monitor,
                                                                       request->service_id));
  outcome->changed = outcome->attempts->len > 0;
  succeed (task, outcome->recovered ? "recovered" : "not recovered");
}

static void
start_recovery (GTask *task)
{
  Request *request = g_task_get_task_data (task);

  request->recovery = tend_recovery_new (request->monitor, request->store);
  tend_recovery_set_verify_timeout (request->recovery, request->verify_timeout_usec);
  if (request->recovering != NULL)
    request->recovering (request->outcome, request->recovering_data);
  tend_recovery_run_async (request->recovery, request->host, request->unit,
                           request->service_id, 0, request->recovery_reason,
                           g_task_get_cancellable (task), recovered_cb, task);
}

static void
checks_loaded_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr(GPtrArray) checks = NULL;
  GError *error = NULL;

  checks = tend_store_load_checks_finish (TEND_STORE (object), result, &error);
  if (checks == NULL)
    {
      fail (task, error);
      return;
    }

  /* Results of a private monitor are not stored: the engine's are the record. */
  request->monitor = tend_monitor_new (NULL);
  request->own_monitor = TRUE;
  for (guint i = 0; i < checks->len; i++)
    {
      const TendStoredCheck *stored = checks->pdata[i];
      g_autoptr(TendCheck) check = NULL;
      g_autoptr(GError) check_error = NULL;

      if (stored->service_id != request->service_id)
        continue;
      check = tend_check_new_from_inventory (stored->spec, request->host, &check_error);
      if (check == NULL)
        {
          if (request->outcome->skipped == NULL)
            request->outcome->skipped = g_ptr_array_new_with_free_func (g_free);
          g_ptr_array_add (request->outcome->skipped,
                           g_strdup_printf (_("The check %s cannot run here, and does not "
                                              "verify the recovery: %s"), stored->spec->name,
                                            check_error->message));
          continue;
        }
      tend_monitor_add_check (request->monitor, stored->service_id, stored->check_id, check);
      request->outcome->n_checks++;
    }
  tend_monitor_start (request->monitor);
  start_recovery (task);
}

/* How many checks the engine's monitor runs on the service. */
static guint
count_checks (TendMonitor *monitor,
              gint64       service_id)
{
  TendHealth *health = tend_monitor_get_health (monitor, service_id);

  return health != NULL ? g_list_model_get_n_items (tend_health_get_layers (health)) : 0;
}

/* The unit is there: its checks, from the engine or from the store. */
static void
recover_verified_unit (GTask *task)
{
  Request *request = g_task_get_task_data (task);

  if (request->engine != NULL)
    {
      TendSupervisor *supervisor = tend_engine_get_supervisor (request->engine);
      gint64 id = supervisor != NULL ? tend_supervisor_find (supervisor, request->host_name,
                                                             request->unit) : 0;

      if (id > 0)
        {
          const TendRecoveryStatus *status = tend_supervisor_get_recovery_status (supervisor, id);

          if (status != NULL && status->state == TEND_RECOVERY_STATE_RECOVERING)
            {
              fail (task, g_error_new (TEND_ERROR, TEND_ERROR_BUSY,
                                       _("Tend is recovering %s on %s already."),
                                       request->unit, request->spoken));
              return;
            }
          request->service_id = id;
          request->monitor = g_object_ref (tend_engine_get_monitor (request->engine));
          request->outcome->n_checks = count_checks (request->monitor, id);
          request->outcome->by_engine = TRUE;
          start_recovery (task);
          return;
        }
    }
  tend_store_load_checks_async (request->store, g_task_get_cancellable (task),
                                checks_loaded_cb, task);
}

static void
recover_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr(TendService) service = NULL;
  GError *error = NULL;

  /* A unit that is not there cannot be brought back: say so rather than fail each step. */
  service = tend_host_load_service_finish (TEND_HOST (object), result, &error);
  if (service == NULL || !check_loaded (request, service, &error))
    {
      fail (task, error);
      return;
    }
  recover_verified_unit (task);
}

static void
looked_up_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  Request *request = g_task_get_task_data (task);
  GError *error = NULL;

  request->service_id = tend_store_lookup_service_finish (TEND_STORE (object), result, &error);
  if (g_error_matches (error, TEND_ERROR, TEND_ERROR_NOT_FOUND))
    {
      g_clear_error (&error);
      fail (task, g_error_new (TEND_ERROR, TEND_ERROR_NOT_WATCHED,
                               _("Tend does not watch %s on %s, so it has no checks to tell "
                                 "whether a recovery worked. Restart it instead, or watch it "
                                 "first."), request->unit, request->spoken));
      return;
    }
  if (error != NULL)
    {
      fail (task, error);
      return;
    }
  tend_host_load_service_async (request->host, request->unit, g_task_get_cancellable (task),
                                recover_loaded_cb, task);
}

/* ------------------------------------------------------------------------------------ */
/* The entry points                                                                      */

static gboolean
check_unit (Request  *request,
            GError  **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!tend_unit_name_validate (request->unit, &local_error))
    {
      g_set_error_literal (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT, local_error->message);
      return FALSE;
    }
  if (tend_unit_name_is_template (request->unit))
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   _("%s is a template, not a unit: name one of its instances."),
                   request->unit);
      return FALSE;
    }
  return TRUE;
}

/**
 * tend_service_control_run_async:
 * @action: what to do
 * @store: an open store: the inventory, the audit log, the restart attempts
 * @host: the service's host; watch and recover look the unit up on it (connected)
 * @unit: the unit
 * @options: (nullable): who asks and how; %NULL for a person in the window, with the
 *   defaults
 *
 * Does @action about @unit on @host, recorded in the audit log (refusals included), and
 * tells the running engine of a stored change. Finish with
 * tend_service_control_finish_outcome(), or tend_service_control_finish().
 */
void
tend_service_control_run_async (TendServiceControlAction          action,
                                TendStore                        *store,
                                TendHost                         *host,
                                const char                       *unit,
                                const TendServiceControlOptions  *options,
                                GCancellable                     *cancellable,
                                GAsyncReadyCallback               callback,
                                gpointer                          user_data)
{
  static const TendServiceControlOptions defaults = { 0 };
  GTask *task;
  Request *request;
  GError *error = NULL;

  g_return_if_fail (TEND_IS_STORE (store));
  g_return_if_fail (TEND_IS_HOST (host));
  g_return_if_fail (unit != NULL);
  g_return_if_fail (options == NULL || options->engine == NULL || TEND_IS_ENGINE (options->engine));

  if (options == NULL)
    options = &defaults;

  request = g_new0 (Request, 1);
  request->action = action;
  request->store = g_object_ref (store);
  request->host = g_object_ref (host);
  request->unit = g_strdup (unit);
  request->origin = options->origin;
  if (options->host_name != NULL && !g_str_equal (options->host_name, tend_host_get_id (host)))
    {
      request->host_name = g_strdup (options->host_name);
      request->spoken = g_strdup (options->host_name);
    }
  else
    {
      request->host_name = g_strdup (tend_host_get_id (host));
      request->spoken = g_strdup (tend_host_get_spoken_name (host));
    }
  request->audit_parameters = g_strdup (options->audit_parameters);
  request->until_usec = options->silence_until_usec;
  request->reason = g_strdup (options->silence_reason);
  request->resume = options->resume != 0 ? options->resume : TEND_SERVICE_RESUME_ALL;
  request->verify_timeout_usec = options->verify_timeout_usec > 0
                                 ? options->verify_timeout_usec
                                 : TEND_RECOVERY_DEFAULT_VERIFY_TIMEOUT;
  request->recovery_reason = g_strdup (options->recovery_reason != NULL
                                       ? options->recovery_reason : "recover now");
  g_set_object (&request->engine, options->engine);
  request->recovering = options->recovering;
  request->recovering_data = options->recovering_data;
  request->started_real = g_get_real_time ();
  request->started_monotonic = g_get_monotonic_time ();
  request->outcome = g_new0 (TendServiceControlOutcome, 1);
  request->outcome->action = action;
  request->outcome->host_name = g_strdup (request->host_name);
  request->outcome->host_spoken = g_strdup (request->spoken);
  request->outcome->unit = g_strdup (unit);
  request->outcome->silenced_until_usec = request->until_usec;
  request->outcome->health = TEND_HEALTH_UNKNOWN;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tend_service_control_run_async);
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);

  if (!check_unit (request, &error) ||
      (action == TEND_SERVICE_CONTROL_SILENCE && !check_silence (request, &error)) ||
      (action == TEND_SERVICE_CONTROL_RECOVER &&
       request->verify_timeout_usec > TEND_SERVICE_CONTROL_MAX_VERIFY_TIMEOUT &&
       (error = g_error_new (TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                             _("A recovery's checks may take an hour at most."))) != NULL))
    {
      fail (task, error);
      return;
    }

  switch (action)
    {
    case TEND_SERVICE_CONTROL_WATCH:
      tend_host_load_service_async (host, unit, cancellable, watch_loaded_cb, task);
      break;
    case TEND_SERVICE_CONTROL_UNWATCH:
      edit_inventory (task, unwatch_edit);
      break;
    case TEND_SERVICE_CONTROL_SILENCE:
    case TEND_SERVICE_CONTROL_RESUME:
      tend_store_edit_controls_async (store, request->host_name, unit, change_controls, request,
                                      cancellable, controls_changed_cb, task);
      break;
    case TEND_SERVICE_CONTROL_RECOVER:
    default:
      tend_store_lookup_service_async (store, request->host_name, unit, cancellable,
                                       looked_up_cb, task);
      break;
    }
}

/**
 * tend_service_control_finish_outcome:
 *
 * Finishes any of the functions of this file. "Recover now" that did not bring the
 * service back is an outcome (with @recovered %FALSE), not an error.
 *
 * Returns: (transfer full): what was done, or %NULL with @error: why nothing was
 */
TendServiceControlOutcome *
tend_service_control_finish_outcome (GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tend_service_control_run_async,
                        NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * tend_service_control_finish:
 *
 * Finishes any of the functions of this file; a recovery that did not bring the service
 * back is an error here (%TEND_ERROR_FAILED, with why the last step did not help).
 *
 * Returns: whether it was done (or so already)
 */
gboolean
tend_service_control_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_autoptr(TendServiceControlOutcome) outcome = tend_service_control_finish_outcome (result,
                                                                                     error);
  g_autofree char *message = NULL;

  if (outcome == NULL)
    return FALSE;
  if (outcome->action != TEND_SERVICE_CONTROL_RECOVER || outcome->recovered)
    return TRUE;

  message = tend_service_control_outcome_describe (outcome, g_get_real_time ());
  g_set_error_literal (error, TEND_ERROR, TEND_ERROR_FAILED, message);
  return FALSE;
}

/**
 * tend_service_control_watch_async:
 *
 * Watches @unit on @host (connected) with the checks a new user gets: "unit" and
 * "resources", whichever it lacks. A unit that does not exist, or is not loaded, is
 * refused (%TEND_ERROR_NOT_FOUND) and nothing is stored.
 */
void
tend_service_control_watch_async (TendStore           *store,
                                  TendHost            *host,
                                  const char          *unit,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  tend_service_control_run_async (TEND_SERVICE_CONTROL_WATCH, store, host, unit, NULL,
                                  cancellable, callback, user_data);
}

/**
 * tend_service_control_unwatch_async:
 *
 * Removes the service, its checks and its policy from what Tend watches
 * (%TEND_ERROR_NOT_WATCHED when it is not watched). Its history stays.
 */
void
tend_service_control_unwatch_async (TendStore           *store,
                                    TendHost            *host,
                                    const char          *unit,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  tend_service_control_run_async (TEND_SERVICE_CONTROL_UNWATCH, store, host, unit, NULL,
                                  cancellable, callback, user_data);
}

/**
 * tend_service_control_silence_async:
 * @duration_usec: how long, a second to 365 days
 * @reason: (nullable): why, for the others (at most 500 characters)
 *
 * Silences the watched service: no recovery, no notification until then; its checks
 * still run.
 */
void
tend_service_control_silence_async (TendStore           *store,
                                    TendHost            *host,
                                    const char          *unit,
                                    gint64               duration_usec,
                                    const char          *reason,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  TendServiceControlOptions options = { 0 };

  /* Out of range: a silence that ends now, which is refused. */
  if (duration_usec >= TEND_SERVICE_CONTROL_MIN_SILENCE_USEC &&
      duration_usec <= TEND_SERVICE_CONTROL_MAX_SILENCE_USEC)
    options.silence_until_usec = g_get_real_time () + duration_usec;
  options.silence_reason = reason;
  tend_service_control_run_async (TEND_SERVICE_CONTROL_SILENCE, store, host, unit, &options,
                                  cancellable, callback, user_data);
}

/**
 * tend_service_control_resume_async:
 *
 * Ends the service's silence and its "waiting for a person" mark: Tend recovers it again
 * by its policy, from a clean slate.
 */
void
tend_service_control_resume_async (TendStore           *store,
                                   TendHost            *host,
                                   const char          *unit,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  tend_service_control_run_async (TEND_SERVICE_CONTROL_RESUME, store, host, unit, NULL,
                                  cancellable, callback, user_data);
}

/**
 * tend_service_control_recover_async:
 * @origin: who asks, for the audit log
 *
 * "Recover now": the escalation ladder (reload, start or restart; a step that does not
 * help is followed by a restart), each step verified by the service's checks in a
 * private monitor (without checks: the unit must be active). Each step is a restart
 * attempt in @store and an operation in the audit log of @host when it records them.
 * The service must be watched (%TEND_ERROR_NOT_WATCHED) and its unit loaded.
 */
void
tend_service_control_recover_async (TendStore           *store,
                                    TendHost            *host,
                                    const char          *unit,
                                    TendAuditOrigin      origin,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  TendServiceControlOptions options = { 0 };

  options.origin = origin;
  tend_service_control_run_async (TEND_SERVICE_CONTROL_RECOVER, store, host, unit, &options,
                                  cancellable, callback, user_data);
}

/**
 * tend_service_control_recover_with_engine_async:
 * @engine: the engine running in this process (it holds the lock)
 *
 * As tend_service_control_recover_async(), on @engine's store, verified by @engine's own
 * monitor when it watches the service: its checks are running already, their results
 * are stored as always, and a recovery its supervisor has under way is not doubled
 * (%TEND_ERROR_BUSY).
 */
void
tend_service_control_recover_with_engine_async (TendEngine          *engine,
                                                TendHost            *host,
                                                const char          *unit,
                                                TendAuditOrigin      origin,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data)
{
  TendServiceControlOptions options = { 0 };

  g_return_if_fail (TEND_IS_ENGINE (engine));

  options.origin = origin;
  options.engine = engine;
  tend_service_control_run_async (TEND_SERVICE_CONTROL_RECOVER, tend_engine_get_store (engine),
                                  host, unit, &options, cancellable, callback, user_data);
}
