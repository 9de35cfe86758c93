/* tendctl-control.c — tendctl start|stop|restart|reload|enable|disable|reset-failed UNIT…
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Several units make one bulk operation: every name is checked before anything is
 * sent (one bad name refuses the whole bulk), then all requests go out at once and
 * each unit gets a result line, in the order the units were named, as soon as it and
 * those before it have finished.
 */
#define G_LOG_DOMAIN "Tendctl"

#include "tendctl.h"
#include "tendctl-output.h"

typedef struct _ControlData ControlData;

typedef struct
{
  ControlData *owner;         /* (unowned) */
  const char *name;           /* (unowned) from argv */
  char *outcome;              /* (owned) (nullable) systemd's result: "done", "skipped" */
  GError *error;              /* (owned) (nullable) */
  gboolean finished;
} ControlItem;

struct _ControlData
{
  TendctlRun *run;
  TendUnitAction action;
  gboolean json;
  GArray *items;              /* (owned) of ControlItem */
  guint n_pending;
  guint n_printed;            /* result lines printed so far (text output) */
};

static void
control_item_clear (ControlItem *item)
{
  g_clear_pointer (&item->outcome, g_free);
  g_clear_error (&item->error);
}

/* "started", as in "✓ started foo.service". */
static const char *
action_past_tense (TendUnitAction action)
{
  switch (action)
    {
    case TEND_UNIT_ACTION_START: return "started";
    case TEND_UNIT_ACTION_STOP: return "stopped";
    case TEND_UNIT_ACTION_RESTART: return "restarted";
    case TEND_UNIT_ACTION_RELOAD: return "reloaded";
    case TEND_UNIT_ACTION_ENABLE: return "enabled";
    case TEND_UNIT_ACTION_DISABLE: return "disabled";
    case TEND_UNIT_ACTION_RESET_FAILED: return "reset the failed state of";
    default: return tend_unit_action_to_string (action);
    }
}

static void
print_ready_lines (ControlData *data)
{
  gboolean color_out = tendctl_use_color (stdout);
  gboolean color_err = tendctl_use_color (stderr);

  while (data->n_printed < data->items->len)
    {
      ControlItem *item = &g_array_index (data->items, ControlItem, data->n_printed);
      g_autoptr(GString) line = g_string_new (NULL);

      if (!item->finished)
        break;
      data->n_printed++;

      if (item->error == NULL)
        {
          g_string_append_printf (line, "%s✓%s %s %s",
                                  color_out ? TENDCTL_COLOR_GREEN : "",
                                  color_out ? TENDCTL_COLOR_RESET : "",
                                  action_past_tense (data->action), item->name);
          /* "skipped": systemd had nothing to do, as for a reload of a stopped unit. */
          if (g_strcmp0 (item->outcome, "done") != 0)
            g_string_append_printf (line, " (%s)", item->outcome);
          g_string_append_c (line, '\n');
          tendctl_write (stdout, line);
        }
      else
        {
          g_string_append_printf (line, "%s✗%s %s: %s\n",
                                  color_err ? TENDCTL_COLOR_RED : "",
                                  color_err ? TENDCTL_COLOR_RESET : "",
                                  item->name, item->error->message);
          /* libtend's message says the log may say why; here, how to read it. */
          if (g_error_matches (item->error, TEND_ERROR, TEND_ERROR_JOB_FAILED)
              || g_error_matches (item->error, TEND_ERROR, TEND_ERROR_TIMED_OUT))
            {
              g_string_append (line, "  ");
              /* Translators: %s is a unit; "tendctl logs %s" is a command to type */
              g_string_append_printf (line, _("its log: tendctl logs %s"), item->name);
              g_string_append_c (line, '\n');
            }
          fflush (stdout);
          tendctl_write (stderr, line);
        }
    }
}

static void
print_json (ControlData *data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) root = NULL;
  const char *operation = tend_unit_action_to_string (data->action);

  json_builder_begin_array (builder);
  for (guint i = 0; i < data->items->len; i++)
    {
      ControlItem *item = &g_array_index (data->items, ControlItem, i);

      json_builder_begin_object (builder);
      tend_json_add_string (builder, "unit", item->name);
      tend_json_add_string (builder, "operation", operation);
      tend_json_add_string (builder, "result", item->error ? "error" : item->outcome);
      tend_json_add_string (builder, "error", item->error ? item->error->message : NULL);
      tend_json_add_string (builder, "error_code", tendctl_error_code (item->error));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  root = json_builder_get_root (builder);
  tendctl_print_json (root, TRUE);
}

static void
run_action_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  ControlItem *item = user_data;
  ControlData *data = item->owner;
  TendctlExit status = TENDCTL_EXIT_OK;

  item->outcome = tend_host_run_action_finish (TEND_HOST (object), result, &item->error);
  if (item->outcome == NULL && item->error == NULL)
    item->outcome = g_strdup ("done");
  item->finished = TRUE;

  if (!data->json)
    print_ready_lines (data);

  g_assert (data->n_pending > 0);
  if (--data->n_pending > 0)
    return;

  if (data->json)
    print_json (data);

  for (guint i = 0; i < data->items->len; i++)
    status = tendctl_exit_worst (status, tendctl_exit_for_error (
                                   g_array_index (data->items, ControlItem, i).error));
  tendctl_run_quit (data->run, status);
}

static void
control_ready (TendctlRun *run,
               gpointer    user_data)
{
  ControlData *data = user_data;

  data->run = run;
  data->n_pending = data->items->len;
  for (guint i = 0; i < data->items->len; i++)
    {
      ControlItem *item = &g_array_index (data->items, ControlItem, i);

      tend_host_run_action_async (run->host, item->name, data->action, run->cancellable,
                                  run_action_cb, item);
    }
}

static gboolean
allows_templates (TendUnitAction action)
{
  return action == TEND_UNIT_ACTION_ENABLE || action == TEND_UNIT_ACTION_DISABLE;
}

/* The whole bulk was refused for a bad name: record one refusal per unit. */
static void
record_refusal (TendctlRun *run,
                gpointer    user_data)
{
  ControlData *data = user_data;

  for (guint i = 0; run->store != NULL && i < data->items->len; i++)
    {
      const ControlItem *item = &g_array_index (data->items, ControlItem, i);
      g_autofree char *problem = tendctl_check_unit (item->name,
                                                     allows_templates (data->action));
      g_autofree char *error = NULL;
      TendAuditRecord record = { 0 };

      error = problem != NULL
              ? g_strdup_printf ("refused, not sent: %s", problem)
              : g_strdup ("not sent: another unit name in the same command was refused");
      record.time_usec = g_get_real_time ();
      record.unix_user = g_get_user_name ();
      record.origin = TEND_AUDIT_ORIGIN_CLI;
      record.host = tend_host_get_id (run->host);
      record.unit = item->name;
      record.operation = tend_unit_action_to_string (data->action);
      record.error = error;
      tend_store_add_audit (run->store, &record);
    }
  tendctl_run_quit (run, TENDCTL_EXIT_USAGE);
}

static const char *
summary_for (TendUnitAction action)
{
  switch (action)
    {
    case TEND_UNIT_ACTION_START:
      return N_("Start units, all at once, and wait until systemd has finished their jobs.");
    case TEND_UNIT_ACTION_STOP:
      return N_("Stop units, all at once, and wait until systemd has finished their jobs.");
    case TEND_UNIT_ACTION_RESTART:
      return N_("Restart units, all at once, and wait until systemd has finished their jobs.");
    case TEND_UNIT_ACTION_RELOAD:
      return N_("Reload the configuration of units, all at once (the units must support it).");
    case TEND_UNIT_ACTION_ENABLE:
      return N_("Enable unit files (as their [Install] section says) and reload the manager.");
    case TEND_UNIT_ACTION_DISABLE:
      return N_("Disable unit files and reload the manager.");
    case TEND_UNIT_ACTION_RESET_FAILED:
      return N_("Clear the failed state of units (and their restart counters).");
    default:
      return NULL;
    }
}

TendctlExit
tendctl_control (TendctlGlobalOptions  *global,
                 int                    argc,
                 char                 **argv)
{
  ControlData data = { NULL, };
  const char *command = argv[0];
  g_auto(GStrv) units = NULL;
  TendctlExit status;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &data.json,
      N_("Print a JSON array with one result per unit"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &units, NULL, NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!tend_unit_action_from_string (command, &data.action))
    g_assert_not_reached ();

  if (!tendctl_parse_options (command, "UNIT…", summary_for (data.action), entries, global,
                              &argc, &argv))
    return TENDCTL_EXIT_USAGE;

  if (units == NULL || units[0] == NULL)
    {
      tendctl_usage_error (command, _("%s needs at least one UNIT, such as nginx.service"),
                           command);
      return TENDCTL_EXIT_USAGE;
    }

  data.items = g_array_sized_new (FALSE, TRUE, sizeof (ControlItem), g_strv_length (units));
  g_array_set_clear_func (data.items, (GDestroyNotify) control_item_clear);
  for (guint i = 0; units[i] != NULL; i++)
    {
      ControlItem item = { &data, units[i], NULL, NULL, FALSE };
      g_array_append_val (data.items, item);
    }

  /* Every name first: one bad name refuses the whole bulk, before anything is sent;
   * the refusal is recorded in the audit log all the same. */
  if (!tendctl_check_units ((const char * const *) units, allows_templates (data.action)))
    status = tendctl_run (global, TENDCTL_RUN_AUDIT,
                          record_refusal, &data);
  else
    status = tendctl_run (global,
                          TENDCTL_RUN_CONNECT | TENDCTL_RUN_AUDIT, control_ready, &data);
  g_array_unref (data.items);
  return status;
}
