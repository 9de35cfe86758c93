/* tendctl-controls.c — tendctl silence UNIT and tendctl resume UNIT
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a person sets on a watched service while Tend runs, beside its inventory: a
 * silence (no recovery, no notification, until a time) and the end of a mark of manual
 * intervention, which the monitor sets when it stops recovering a service caught in a
 * restart loop. Both are the store's TendServiceControls. The run is tendctl-edit.c's
 * (it refuses and records a bad command line); the change, its audit row and telling
 * the monitor are libtend's (tend_service_control_run_async(), as the window does it):
 * this file reads the options and says what happened.
 */
#define G_LOG_DOMAIN "Tendctl"

#include "tendctl.h"
#include "tendctl-edit.h"
#include "tendctl-output.h"

/* The longest silence, and reason. */
#define MAX_SILENCE_USEC TEND_SERVICE_CONTROL_MAX_SILENCE_USEC
#define MAX_REASON_CHARS TEND_SERVICE_CONTROL_MAX_REASON_CHARS

typedef enum
{
  CONTROL_SILENCE,
  CONTROL_UNSILENCE,
  CONTROL_RESUME,
} ControlKind;

typedef struct
{
  TendctlEdit edit;
  ControlKind kind;
  char *host_text;                /* (owned) (nullable) --host */
  char *for_text;                 /* (owned) (nullable) --for */
  char *until_text;               /* (owned) (nullable) --until */
  char *reason;                   /* (owned) (nullable) --reason */
  gboolean clear;
  gint64 until_usec;              /* the silence's end, realtime µs */
} ControlData;

static void
control_data_clear (ControlData *data)
{
  tendctl_edit_clear (&data->edit);
  g_free (data->host_text);
  g_free (data->for_text);
  g_free (data->until_text);
  g_free (data->reason);
}

/* ------------------------------------------------------------------------------------ */
/* The change                                                                            */

static void
say (GString *text)
{
  g_string_append_c (text, '\n');
  tendctl_write (stdout, text);
}

/* "2026-11-21 10:00:00 (in 58min): the reason" */
static char *
dup_when (gint64      time_usec,
          gint64      now_usec,
          const char *reason)
{
  GString *when = g_string_new (NULL);

  tendctl_append_when (when, time_usec, now_usec, reason);
  return g_string_free (when, FALSE);
}

static void
changed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  ControlData *data = user_data;
  TendctlEdit *edit = &data->edit;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(TendServiceControlOutcome) outcome = NULL;
  g_autofree char *when = NULL;
  gint64 now = g_get_real_time ();
  GError *error = NULL;

  outcome = tend_service_control_finish_outcome (result, &error);
  if (outcome == NULL)
    {
      tendctl_edit_done (edit, NULL, error);
      return;
    }

  /* Nothing to do is said too (libtend recorded it as unchanged). */
  switch (data->kind)
    {
    case CONTROL_SILENCE:
      when = dup_when (data->until_usec, now, data->reason);
      /* Translators: the first %s is a unit, the second a host, the third a time with
       * how far it is and the reason ("2026-11-21 10:00:00 (in 58min): a deploy") */
      g_string_append_printf (text, _("%s on %s is silenced until %s.\nTend neither recovers it "
                                      "nor notifies about it until then; its checks still "
                                      "run."), edit->unit, edit->host, when);
      break;
    case CONTROL_UNSILENCE:
      if (!outcome->changed)
        /* Translators: the first %s is a unit, the second a host */
        g_string_append_printf (text, _("%s on %s is not silenced: nothing to clear."),
                                edit->unit, edit->host);
      else
        /* Translators: the first %s is a unit, the second a host */
        g_string_append_printf (text, _("%s on %s is no longer silenced."), edit->unit,
                                edit->host);
      break;
    case CONTROL_RESUME:
    default:
      if (!outcome->changed)
        {
          /* Translators: the first %s is a unit, the second a host; "manual intervention
           * required" is what tendctl policy show says of such a service */
          g_string_append_printf (text, _("%s on %s does not wait for a person (it is not "
                                          "marked \"manual intervention required\"): nothing "
                                          "to resume."), edit->unit, edit->host);
          break;
        }
      when = dup_when (outcome->before->manual_since_usec, now, outcome->before->manual_reason);
      /* Translators: the first %s is a unit, the second a host, the third a time with how
       * long ago it was and the reason */
      g_string_append_printf (text, _("%s on %s resumed: Tend recovers it again by its policy.\n"
                                      "It had waited for a person since %s."), edit->unit,
                              edit->host, when);
      break;
    }
  say (text);
  tendctl_edit_done (edit, outcome, NULL);
}

/* The change, by libtend: one transaction of the store, which also finds the service. */
static void
control_change (TendctlEdit *edit)
{
  ControlData *data = edit->user_data;
  TendServiceControlOptions options = { 0 };
  TendServiceControlAction action = TEND_SERVICE_CONTROL_RESUME;

  options.origin = TEND_AUDIT_ORIGIN_CLI;
  options.host_name = edit->host;
  options.audit_parameters = edit->parameters;
  switch (data->kind)
    {
    case CONTROL_SILENCE:
      action = TEND_SERVICE_CONTROL_SILENCE;
      options.silence_until_usec = data->until_usec;
      options.silence_reason = data->reason;
      break;
    case CONTROL_UNSILENCE:
      options.resume = TEND_SERVICE_RESUME_SILENCE;
      break;
    case CONTROL_RESUME:
    default:
      options.resume = TEND_SERVICE_RESUME_MANUAL;
      break;
    }
  tend_service_control_run_async (action, edit->run->store, edit->run->host, edit->unit,
                                  &options, edit->run->cancellable, changed_cb, data);
}

/* ------------------------------------------------------------------------------------ */
/* Arguments                                                                             */

/* When the silence ends, from --for or --until. */
static gboolean
parse_silence (ControlData  *data,
               GError      **error)
{
  gint64 now = g_get_real_time ();
  gint64 length;

  if (data->reason != NULL && g_utf8_strlen (data->reason, -1) > MAX_REASON_CHARS)
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   "--reason: %ld characters is too long; at most %d",
                   g_utf8_strlen (data->reason, -1), MAX_REASON_CHARS);
      return FALSE;
    }

  if (data->for_text != NULL)
    {
      if (!tend_duration_parse (data->for_text, &length, error))
        {
          g_prefix_error (error, "--for: ");
          return FALSE;
        }
      if (length < TEND_USEC_PER_SEC || length > MAX_SILENCE_USEC)
        {
          g_autofree char *shown = tend_duration_format (length);

          g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                       "--for: %s is outside 1s..365d", shown);
          return FALSE;
        }
      data->until_usec = now + length;
      return TRUE;
    }

  if (tend_duration_parse (data->until_text, &length, NULL))
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   "--until: '%s' is a duration, not a time; for a silence that long give "
                   "--for %s", data->until_text, data->until_text);
      return FALSE;
    }
  if (!tendctl_parse_time (data->until_text, FALSE, now, &data->until_usec, error))
    {
      g_prefix_error (error, "--until: ");
      return FALSE;
    }
  if (data->until_usec <= now || data->until_usec - now > MAX_SILENCE_USEC)
    {
      g_autofree char *until = tendctl_format_timestamp (data->until_usec);
      g_autofree char *then = tendctl_format_timestamp (now);

      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   "--until: %s is %s; a silence ends between now (%s) and 365d from now",
                   until, data->until_usec <= now ? "in the past" : "too far ahead", then);
      return FALSE;
    }
  return TRUE;
}

static char *
audit_parameters (const ControlData *data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  if (data->for_text != NULL)
    tend_json_add_string (builder, "for", data->for_text);
  if (data->until_text != NULL)
    tend_json_add_string (builder, "until", data->until_text);
  if (data->reason != NULL)
    tend_json_add_string (builder, "reason", data->reason);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static TendctlExit
run_control (ControlData          *data,
             TendctlGlobalOptions *global,
             const char           *unit)
{
  data->edit.unit = unit;
  data->edit.host = data->host_text;
  data->edit.refused = _("nothing was changed");
  data->edit.change = control_change;
  data->edit.user_data = data;
  if (tendctl_validate_unit (unit, &data->edit.refusal) && data->kind == CONTROL_SILENCE)
    parse_silence (data, &data->edit.refusal);
  return tendctl_edit_run (&data->edit, global, 0);
}

#define SILENCE_SUMMARY \
  N_("Silence the service UNIT for a while: Tend neither recovers it nor notifies about it; " \
     "its checks still run and are recorded. Silencing it again sets another end. A TIME is " \
     "in ISO 8601, local time unless it gives a zone: 2026-11-21T10:00, 2026-11-21 10:00:00, " \
     "2026-11-21T09:00:00Z.")

TendctlExit
tendctl_silence (TendctlGlobalOptions  *global,
                 int                    argc,
                 char                 **argv)
{
  ControlData data = { { NULL, }, };
  g_auto(GStrv) rest = NULL;
  TendctlExit status = TENDCTL_EXIT_USAGE;
  const GOptionEntry entries[] = {
    { "for", 0, 0, G_OPTION_ARG_STRING, &data.for_text,
      N_("For this long, 1s..365d: 30min, 1h, 2d"), "DURATION" },
    { "until", 0, 0, G_OPTION_ARG_STRING, &data.until_text,
      N_("Until this time, within 365 days"), "TIME" },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &data.reason, N_("Why, for the others to read"),
      "TEXT" },
    { "clear", 0, 0, G_OPTION_ARG_NONE, &data.clear, N_("End the silence now"), NULL },
    TENDCTL_HOST_ENTRY (&data.host_text),
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &rest, NULL, NULL },
    G_OPTION_ENTRY_NULL
  };
  guint n_given;

  if (!tendctl_parse_options ("silence", "UNIT --for DURATION | --until TIME | --clear",
                              SILENCE_SUMMARY, entries, global, &argc, &argv))
    goto out;

  n_given = (data.for_text != NULL) + (data.until_text != NULL) + (data.clear != FALSE);
  if (rest == NULL || g_strv_length (rest) != 1)
    tendctl_usage_error ("silence", _("silence needs one UNIT, such as 'tendctl silence "
                           "nginx.service --for 1h'"));
  else if (n_given != 1)
    tendctl_usage_error ("silence", _("silence needs one of --for DURATION, --until TIME and "
                           "--clear"));
  else if (data.clear && data.reason != NULL)
    tendctl_usage_error ("silence", _("--reason is for a silence, not for --clear"));
  else
    {
      data.kind = data.clear ? CONTROL_UNSILENCE : CONTROL_SILENCE;
      data.edit.operation = data.clear ? "silence-clear" : "silence";
      data.edit.parameters = data.clear ? NULL : audit_parameters (&data);
      status = run_control (&data, global, rest[0]);
    }

out:
  control_data_clear (&data);
  return status;
}

TendctlExit
tendctl_resume (TendctlGlobalOptions  *global,
                int                    argc,
                char                 **argv)
{
  ControlData data = { { NULL, }, };
  g_auto(GStrv) rest = NULL;
  TendctlExit status = TENDCTL_EXIT_USAGE;
  const GOptionEntry entries[] = {
    TENDCTL_HOST_ENTRY (&data.host_text),
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &rest, NULL, NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!tendctl_parse_options ("resume", "UNIT",
                              N_("Resume the service UNIT that waits for a person (\"manual "
                                 "intervention required\": Tend stopped recovering it in a "
                                 "restart loop): Tend recovers it again by its policy."),
                              entries, global, &argc, &argv))
    goto out;
  if (rest == NULL || g_strv_length (rest) != 1)
    {
      tendctl_usage_error ("resume", _("resume needs one UNIT, such as nginx.service"));
      goto out;
    }

  data.kind = CONTROL_RESUME;
  data.edit.operation = "resume";
  status = run_control (&data, global, rest[0]);

out:
  control_data_clear (&data);
  return status;
}
