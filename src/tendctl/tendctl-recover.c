/* tendctl-recover.c — tendctl recover UNIT: the escalation ladder, now
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the monitor does when a service's policy says so, asked for by a person and run
 * in tendctl itself, by libtend's "recover now" (tend_service_control_run_async(), as
 * the window does it): TendRecovery takes the gentlest step that can help (reload,
 * start, restart) and escalates to a restart when a step does not bring the service
 * back. Each step is verified by the service's own checks, built from the store's
 * inventory and run in a private TendMonitor that stores no results; a service without
 * checks counts as recovered when its unit is active after the step. The attempts go to
 * the store's restart attempts; the host records each step in the audit log
 * (TENDCTL_RUN_AUDIT). Whether a policy would allow it is not asked: a person decided.
 * This file reads the options and says what happened.
 */
#define G_LOG_DOMAIN "Tendctl"

#include "tendctl.h"
#include "tendctl-output.h"

/* How long the checks may take to pass after each step, by default and at most. */
#define DEFAULT_VERIFY_TIMEOUT TEND_RECOVERY_DEFAULT_VERIFY_TIMEOUT
#define MAX_VERIFY_TIMEOUT TEND_SERVICE_CONTROL_MAX_VERIFY_TIMEOUT

typedef struct
{
  TendctlRun *run;
  const char *unit;              /* (unowned) from argv */
  gboolean json;
  gint64 verify_timeout_usec;
  TendServiceControlOutcome *outcome;  /* (unowned) (nullable) what libtend did */
} RecoverData;

/* ------------------------------------------------------------------------------------ */
/* The outcome                                                                           */

/* "healthy", or for a service without checks what systemd says of the unit */
static const char *
health_word (RecoverData *data,
             gboolean     recovered)
{
  if (data->outcome->n_checks == 0)
    return recovered ? "active" : NULL;
  return tend_health_status_to_string (data->outcome->health);
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
  tendctl_json_add_number (builder, "checks", TRUE, data->outcome->n_checks);
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

/* The last line of tendctl recover: whether @unit on @host came back, and its health
 * (health_word()). */
static void
append_verdict (GString    *out,
                const char *unit,
                const char *host,
                guint       n_checks,
                gboolean    recovered,
                const char *health)
{
  gboolean no_checks = n_checks == 0;

  if (recovered && !no_checks && g_strcmp0 (health, "unknown") == 0)
    /* Translators: the first %s is a unit, the second a host */
    g_string_append_printf (out, _("%s on %s is recovered: its checks had no verdict."), unit,
                            host);
  else if (recovered && no_checks)
    /* Translators: the first %s is a unit, the second a host, the third its state
     * ("active", kept as systemd says it) */
    g_string_append_printf (out, _("%s on %s is recovered: %s (it has no checks: the unit's "
                                   "state is the verdict)."), unit, host, health);
  else if (recovered)
    /* Translators: the first %s is a unit, the second a host, the third its health
     * ("healthy", "degraded", kept as typed) */
    g_string_append_printf (out, _("%s on %s is recovered: %s."), unit, host, health);
  else if (!no_checks && g_strcmp0 (health, "unknown") == 0)
    /* Translators: the first %s is a unit, the second a host */
    g_string_append_printf (out, _("%s on %s was not recovered: its checks had no verdict."),
                            unit, host);
  else if (no_checks)
    /* Translators: the first %s is a unit, the second a host */
    g_string_append_printf (out, _("%s on %s was not recovered (it has no checks: the unit's "
                                   "state is the verdict)."), unit, host);
  else
    /* Translators: the first %s is a unit, the second a host, the third its health
     * ("critical", kept as typed) */
    g_string_append_printf (out, _("%s on %s was not recovered: %s."), unit, host, health);
}

static void
print_text (RecoverData *data,
            GPtrArray   *attempts,
            gboolean     recovered)
{
  g_autoptr(TendctlTable) table = tendctl_table_new (4, N_("STEP"), N_("RESULT"), N_("DURATION"),
                                                     N_("ERROR"));
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

  g_string_append_c (out, '\n');
  if (color)
    g_string_append (out, recovered ? TENDCTL_COLOR_GREEN : TENDCTL_COLOR_RED);
  append_verdict (out, data->unit, tend_host_get_id (data->run->host),
                  data->outcome->n_checks, recovered, health);
  if (color)
    g_string_append (out, TENDCTL_COLOR_RESET);
  g_string_append_c (out, '\n');
  if (!recovered)
    {
      /* Translators: %s is a unit; "tendctl logs %s" is a command to type */
      g_string_append_printf (out, _("Its log may say why: tendctl logs %s"), data->unit);
      g_string_append_c (out, '\n');
    }
  tendctl_write (stdout, out);
}

static void
recovered_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  RecoverData *data = user_data;
  g_autoptr(TendServiceControlOutcome) outcome = NULL;
  g_autoptr(GError) error = NULL;

  outcome = tend_service_control_finish_outcome (result, &error);
  if (outcome == NULL)
    {
      if (g_error_matches (error, TEND_ERROR, TEND_ERROR_NOT_WATCHED))
        tendctl_print_error (_("Tend does not watch %s on %s, so it has nothing to verify a "
                               "recovery with ('tendctl watch %s' watches it; 'tendctl restart %s' "
                               "restarts it)"), data->unit, tend_host_get_id (data->run->host),
                             data->unit, data->unit);
      else
        tendctl_print_error ("%s", error->message);
      tendctl_run_quit (data->run, tendctl_exit_for_error (error));
      return;
    }

  data->outcome = outcome;
  if (data->json)
    print_json (data, outcome->attempts, outcome->recovered);
  else
    print_text (data, outcome->attempts, outcome->recovered);
  data->outcome = NULL;
  tendctl_run_quit (data->run, outcome->recovered ? TENDCTL_EXIT_OK : TENDCTL_EXIT_FAILED);
}

/* ------------------------------------------------------------------------------------ */
/* The ladder                                                                            */

/* Before the first step: which checks verify it. */
static void
recovering_cb (const TendServiceControlOutcome *outcome,
               gpointer                         user_data)
{
  RecoverData *data = user_data;
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *timeout = tend_duration_format (data->verify_timeout_usec);

  for (guint i = 0; outcome->skipped != NULL && i < outcome->skipped->len; i++)
    tendctl_print_error (_("warning: %s"), (const char *) outcome->skipped->pdata[i]);
  if (data->json)
    return;

  if (outcome->n_checks > 0)
    /* Translators: tendctl recover's first line; the first %s is a unit, the second a
     * host, %u how many checks it has, the last %s a duration ("30 s"); "reload", "start"
     * and "restart" are the steps */
    g_string_append_printf (out, ngettext ("Recovering %s on %s: reload, start or restart, "
                                           "each step verified by its %u check (up to %s)…",
                                           "Recovering %s on %s: reload, start or restart, "
                                           "each step verified by its %u checks (up to %s)…",
                                           outcome->n_checks),
                            data->unit, tend_host_get_id (data->run->host), outcome->n_checks,
                            timeout);
  else
    /* Translators: tendctl recover's first line for a unit without checks; the first %s
     * is a unit, the second a host */
    g_string_append_printf (out, _("Recovering %s on %s: reload, start or restart, each step "
                                   "verified by the unit's state…"),
                            data->unit, tend_host_get_id (data->run->host));
  g_string_append_c (out, '\n');
  tendctl_write (stdout, out);
}

static void
recover_ready (TendctlRun *run,
               gpointer    user_data)
{
  RecoverData *data = user_data;
  TendServiceControlOptions options = { 0 };

  data->run = run;
  options.origin = TEND_AUDIT_ORIGIN_CLI;
  options.verify_timeout_usec = data->verify_timeout_usec;
  options.recovery_reason = "tendctl recover";
  options.recovering = recovering_cb;
  options.recovering_data = data;
  tend_service_control_run_async (TEND_SERVICE_CONTROL_RECOVER, run->store, run->host,
                                  data->unit, &options, run->cancellable, recovered_cb, data);
}

/* ------------------------------------------------------------------------------------ */
/* Arguments                                                                             */

#define RECOVER_SUMMARY \
  N_("Recover the service UNIT now, as Tend does when its policy says so: reload it if it " \
     "runs and can reload, start it if it is stopped, restart it if it failed; a step that " \
     "does not bring it back is followed by a restart. Each step is verified by the " \
     "service's checks (without checks: the unit must be active). Exits 0 if the service " \
     "is recovered, 1 if not.")

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
      N_("How long the checks have to pass after each step, 1s..1h (default: 30s)"), "DURATION" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &data.json, N_("Print a JSON object"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &rest, NULL, NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!tendctl_parse_options ("recover", "UNIT", RECOVER_SUMMARY, entries, global, &argc,
                              &argv))
    return TENDCTL_EXIT_USAGE;
  if (rest == NULL || g_strv_length (rest) != 1)
    {
      tendctl_usage_error ("recover", _("recover needs one UNIT, such as nginx.service"));
      return TENDCTL_EXIT_USAGE;
    }
  if (!tendctl_check_units ((const char * const *) rest, FALSE))
    return TENDCTL_EXIT_USAGE;

  data.verify_timeout_usec = DEFAULT_VERIFY_TIMEOUT;
  if (timeout != NULL && !tend_duration_parse (timeout, &data.verify_timeout_usec, &error))
    {
      tendctl_usage_error ("recover", _("--timeout: %s"), error->message);
      return TENDCTL_EXIT_USAGE;
    }
  if (data.verify_timeout_usec < TEND_USEC_PER_SEC ||
      data.verify_timeout_usec > MAX_VERIFY_TIMEOUT)
    {
      tendctl_usage_error ("recover", _("--timeout: %s is outside 1s..1h"), timeout);
      return TENDCTL_EXIT_USAGE;
    }

  data.unit = rest[0];
  status = tendctl_run (global,
                        TENDCTL_RUN_CONNECT | TENDCTL_RUN_STORE | TENDCTL_RUN_AUDIT,
                        recover_ready, &data);
  return status;
}
