/* tendctl-recover.c — tendctl recover UNIT: the escalation ladder, now
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the monitor does when a service's policy says so, asked for by a person and run
 * in tendctl itself: TendRecovery takes the gentlest step that can help (reload, start,
 * restart) and escalates to a restart when a step does not bring the service back. Each
 * step is verified by the service's own checks, built from the store's inventory and
 * run in a private TendMonitor that stores no results; a service without checks counts
 * as recovered when its unit is active after the step. The attempts go to the store's
 * restart attempts; the host records each step in the audit log (TENDCTL_RUN_AUDIT).
 * Whether a policy would allow it is not asked: a person decided.
 */
#define G_LOG_DOMAIN "Tendctl"

#include "tendctl.h"
#include "tendctl-output.h"

/* How long the checks may take to pass after each step, by default and at most. */
#define DEFAULT_VERIFY_TIMEOUT TEND_RECOVERY_DEFAULT_VERIFY_TIMEOUT
#define MAX_VERIFY_TIMEOUT TEND_USEC_PER_HOUR

typedef struct
{
  TendctlRun *run;
  const char *unit;              /* (unowned) from argv */
  gboolean json;
  gint64 verify_timeout_usec;
  gint64 service_id;
  TendMonitor *monitor;          /* (owned) (nullable) */
  TendRecovery *recovery;        /* (owned) (nullable) */
  guint n_checks;
} RecoverData;

static void
recover_data_clear (RecoverData *data)
{
  if (data->monitor != NULL)
    tend_monitor_stop (data->monitor);
  g_clear_object (&data->recovery);
  g_clear_object (&data->monitor);
}

/* ------------------------------------------------------------------------------------ */
/* The outcome                                                                           */

/* "healthy", or for a service without checks what systemd says of the unit */
static const char *
health_word (RecoverData *data,
             gboolean     recovered)
{
  if (data->n_checks == 0)
    return recovered ? "active" : NULL;
  return tend_health_status_to_string (
    tend_health_get_status (tend_monitor_get_health (data->monitor, data->service_id)));
}

static void
print_json (RecoverData *data,
            GPtrArray   *attempts,
            gboolean     recovered)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  tend_json_add_string (builder, "host", tend_host_get_id (data->run->host));
  tend_json_add_string (builder, "unit", data->unit);
  json_builder_set_member_name (builder, "recovered");
  json_builder_add_boolean_value (builder, recovered);
  tend_json_add_string (builder, "health", health_word (data, recovered));
  tendctl_json_add_number (builder, "checks", TRUE, data->n_checks);
  json_builder_set_member_name (builder, "steps");
  json_builder_begin_array (builder);
  for (guint i = 0; i < attempts->len; i++)
    {
      const TendRecoveryAttempt *attempt = attempts->pdata[i];

      json_builder_begin_object (builder);
      tend_json_add_string (builder, "step", tend_recovery_step_to_string (attempt->step));
      json_builder_set_member_name (builder, "success");
      json_builder_add_boolean_value (builder, attempt->success);
      tendctl_json_add_time (builder, "time", attempt->time_usec, TRUE);
      tendctl_json_add_number (builder, "duration_usec", TRUE, attempt->duration_usec);
      tend_json_add_string (builder, "error", attempt->error);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  tendctl_print_json (root, TRUE);
}

static void
print_text (RecoverData *data,
            GPtrArray   *attempts,
            gboolean     recovered)
{
  g_autoptr(TendctlTable) table = tendctl_table_new (4, "STEP", "RESULT", "DURATION", "ERROR");
  g_autoptr(GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) out = g_string_new (NULL);
  gboolean color = tendctl_use_color (stdout);
  const char *health = health_word (data, recovered);

  for (guint i = 0; i < attempts->len; i++)
    {
      const TendRecoveryAttempt *attempt = attempts->pdata[i];
      char *duration = tendctl_format_nsec ((guint64) attempt->duration_usec * 1000);
      GString *error = g_string_new (NULL);

      /* From the service manager and the checks: it must not drive the terminal. */
      tendctl_append_sanitized (error, attempt->error != NULL ? attempt->error : "-", NULL);
      g_ptr_array_add (strings, duration);
      g_ptr_array_add (strings, g_string_free (error, FALSE));
      tendctl_table_add_row (table, !attempt->success,
                             tend_recovery_step_to_string (attempt->step),
                             attempt->success ? "ok" : "failed", duration,
                             g_ptr_array_index (strings, strings->len - 1));
    }
  tendctl_table_render (table, out, color);

  g_string_append_printf (out, "\n%s%s on %s %s", color ? (recovered ? TENDCTL_COLOR_GREEN
                                                                     : TENDCTL_COLOR_RED) : "",
                          data->unit, tend_host_get_id (data->run->host),
                          recovered ? "is recovered" : "was not recovered");
  if (g_strcmp0 (health, "unknown") == 0)
    g_string_append (out, ": its checks had no verdict");
  else if (health != NULL)
    g_string_append_printf (out, ": %s", health);
  if (color)
    g_string_append (out, TENDCTL_COLOR_RESET);
  g_string_append (out, data->n_checks == 0 ? " (it has no checks: the unit's state is the "
                                              "verdict).\n" : ".\n");
  if (!recovered)
    g_string_append_printf (out, "Its log may say why: tendctl logs %s\n", data->unit);
  tendctl_write (stdout, out);
}

static void
recovered_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  RecoverData *data = user_data;
  g_autoptr(GPtrArray) attempts = NULL;
  g_autoptr(GError) error = NULL;
  gboolean recovered = FALSE;

  attempts = tend_recovery_run_finish (TEND_RECOVERY (object), result, &recovered, &error);
  if (attempts == NULL)
    {
      tendctl_print_error ("%s", error->message);
      tendctl_run_quit (data->run, tendctl_exit_for_error (error));
      return;
    }

  if (data->json)
    print_json (data, attempts, recovered);
  else
    print_text (data, attempts, recovered);
  tendctl_run_quit (data->run, recovered ? TENDCTL_EXIT_OK : TENDCTL_EXIT_FAILED);
}

/* ------------------------------------------------------------------------------------ */
/* The ladder                                                                            */

static void
start_recovery (RecoverData *data)
{
  TendctlRun *run = data->run;

  tend_monitor_start (data->monitor);
  data->recovery = tend_recovery_new (data->monitor, run->store);
  tend_recovery_set_verify_timeout (data->recovery, data->verify_timeout_usec);

  if (!data->json)
    {
      g_autoptr(GString) out = g_string_new (NULL);
      g_autofree char *timeout = tend_duration_format (data->verify_timeout_usec);

      g_string_append_printf (out, "Recovering %s on %s: reload, start or restart, ",
                              data->unit, tend_host_get_id (run->host));
      if (data->n_checks > 0)
        g_string_append_printf (out, "each step verified by its %u check%s (up to %s)…\n",
                                data->n_checks, data->n_checks == 1 ? "" : "s", timeout);
      else
        g_string_append (out, "each step verified by the unit's state…\n");
      tendctl_write (stdout, out);
    }

  tend_recovery_run_async (data->recovery, run->host, data->unit, data->service_id, 0,
                           "tendctl recover", run->cancellable, recovered_cb, data);
}

static void
checks_loaded_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  RecoverData *data = user_data;
  g_autoptr(GPtrArray) checks = NULL;
  g_autoptr(GError) error = NULL;

  checks = tend_store_load_checks_finish (TEND_STORE (object), result, &error);
  if (checks == NULL)
    {
      tendctl_print_error ("%s", error->message);
      tendctl_run_quit (data->run, TENDCTL_EXIT_FAILED);
      return;
    }

  data->monitor = tend_monitor_new (NULL);
  for (guint i = 0; i < checks->len; i++)
    {
      const TendStoredCheck *stored = checks->pdata[i];
      g_autoptr(TendCheck) check = NULL;
      g_autoptr(GError) check_error = NULL;

      if (stored->service_id != data->service_id)
        continue;
      check = tend_check_new_from_inventory (stored->spec, data->run->host, &check_error);
      if (check == NULL)
        {
          tendctl_print_error ("warning: the check '%s' cannot run here, and does not verify "
                               "the recovery: %s", stored->spec->name, check_error->message);
          continue;
        }
      tend_monitor_add_check (data->monitor, stored->service_id, stored->check_id, check);
      data->n_checks++;
    }
  start_recovery (data);
}

/* A unit that is not there cannot be brought back: say so rather than fail each step. */
static void
service_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  RecoverData *data = user_data;
  g_autoptr(TendService) service = NULL;
  g_autoptr(GError) error = NULL;

  service = tend_host_load_service_finish (TEND_HOST (object), result, &error);
  if (service == NULL || !tendctl_check_loaded (data->run->host, service, &error))
    {
      tendctl_print_error ("%s", error->message);
      tendctl_run_quit (data->run, tendctl_exit_for_error (error));
      return;
    }
  tend_store_load_checks_async (data->run->store, data->run->cancellable, checks_loaded_cb,
                                data);
}

static void
looked_up_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  RecoverData *data = user_data;
  g_autoptr(GError) error = NULL;

  data->service_id = tend_store_lookup_service_finish (TEND_STORE (object), result, &error);
  if (g_error_matches (error, TEND_ERROR, TEND_ERROR_NOT_FOUND))
    {
      tendctl_print_error ("Tend does not watch %s on %s, so it has nothing to verify a "
                           "recovery with ('tendctl watch %s' watches it; 'tendctl restart %s' "
                           "restarts it)", data->unit, tend_host_get_id (data->run->host),
                           data->unit, data->unit);
      tendctl_run_quit (data->run, TENDCTL_EXIT_NOT_FOUND);
      return;
    }
  if (error != NULL)
    {
      tendctl_print_error ("%s", error->message);
      tendctl_run_quit (data->run, TENDCTL_EXIT_FAILED);
      return;
    }
  tend_host_load_service_async (data->run->host, data->unit, data->run->cancellable,
                                service_loaded_cb, data);
}

static void
recover_ready (TendctlRun *run,
               gpointer    user_data)
{
  RecoverData *data = user_data;

  data->run = run;
  tend_store_lookup_service_async (run->store, tend_host_get_id (run->host), data->unit,
                                   run->cancellable, looked_up_cb, data);
}

/* ------------------------------------------------------------------------------------ */
/* Arguments                                                                             */

#define RECOVER_SUMMARY \
  "Recover the service UNIT now, as Tend does when its policy says so: reload it if it " \
  "runs and can reload, start it if it is stopped, restart it if it failed; a step that " \
  "does not bring it back is followed by a restart. Each step is verified by the " \
  "service's checks (without checks: the unit must be active). Exits 0 if the service " \
  "is recovered, 1 if not."

TendctlExit
tendctl_recover (TendctlGlobalOptions  *global,
                 int                    argc,
                 char                 **argv)
{
  RecoverData data = { NULL, };
  g_autofree char *timeout = NULL;
  g_auto(GStrv) rest = NULL;
  g_autoptr(GError) error = NULL;
  TendctlExit status;
  const GOptionEntry entries[] = {
    { "timeout", 0, 0, G_OPTION_ARG_STRING, &timeout,
      "How long the checks have to pass after each step, 1s..1h (default: 30s)", "DURATION" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &data.json, "Print a JSON object", NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &rest, NULL, NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!tendctl_parse_options ("recover", "UNIT", RECOVER_SUMMARY, entries, global, &argc,
                              &argv))
    return TENDCTL_EXIT_USAGE;
  if (rest == NULL || g_strv_length (rest) != 1)
    {
      tendctl_usage_error ("recover", "recover needs one UNIT, such as nginx.service");
      return TENDCTL_EXIT_USAGE;
    }
  if (!tendctl_check_units ((const char * const *) rest, FALSE))
    return TENDCTL_EXIT_USAGE;

  data.verify_timeout_usec = DEFAULT_VERIFY_TIMEOUT;
  if (timeout != NULL && !tend_duration_parse (timeout, &data.verify_timeout_usec, &error))
    {
      tendctl_usage_error ("recover", "--timeout: %s", error->message);
      return TENDCTL_EXIT_USAGE;
    }
  if (data.verify_timeout_usec < TEND_USEC_PER_SEC ||
      data.verify_timeout_usec > MAX_VERIFY_TIMEOUT)
    {
      tendctl_usage_error ("recover", "--timeout: %s is outside 1s..1h", timeout);
      return TENDCTL_EXIT_USAGE;
    }

  data.unit = rest[0];
  status = tendctl_run (tendctl_global_options_get_scope (global),
                        TENDCTL_RUN_CONNECT | TENDCTL_RUN_STORE | TENDCTL_RUN_AUDIT,
                        recover_ready, &data);
  recover_data_clear (&data);
  return status;
}
