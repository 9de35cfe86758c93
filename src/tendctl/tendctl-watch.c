/* tendctl-watch.c — tendctl watch UNIT and tendctl unwatch UNIT
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * watch puts a unit under Tend's eye with two checks that need no options: "unit",
 * systemd's own state of it, and "resources", its CPU. The unit is looked up on the
 * service manager first: a unit that does not exist is refused. Watching again adds
 * what is missing and changes nothing else. unwatch removes the service with its checks
 * and its policy. The change, its audit row and telling the monitor are libtend's
 * (tend_service_control_run_async(), as the window does it); this file says what
 * happened.
 */
#define G_LOG_DOMAIN "Tendctl"

#include "tendctl.h"
#include "tendctl-edit.h"
#include "tendctl-output.h"

typedef struct
{
  TendctlEdit edit;
  TendServiceControlAction action;
  char *host;                 /* (owned) (nullable) --host */
} WatchData;

static void
print_changes (TendInventoryDiff *diff)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < tend_inventory_diff_get_n_changes (diff); i++)
    {
      /* Text from the database: it must not drive the terminal. */
      tendctl_append_sanitized (out, tend_inventory_diff_get_change (diff, i)->description,
                                NULL);
      g_string_append_c (out, '\n');
    }
  tendctl_write (stdout, out);
}

static void
watched_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  TendctlEdit *edit = user_data;
  g_autoptr(TendServiceControlOutcome) outcome = NULL;
  GError *error = NULL;

  outcome = tend_service_control_finish_outcome (result, &error);
  if (outcome == NULL)
    {
      tendctl_edit_done (edit, NULL, error);
      return;
    }

  if (outcome->changed)
    print_changes (outcome->diff);
  else
    {
      g_autoptr(GString) out = g_string_new (NULL);

      /* Translators: the first %s is a unit, the second a host */
      g_string_append_printf (out, _("%s on %s is watched already: nothing changed."),
                              edit->unit, edit->host);
      g_string_append_c (out, '\n');
      tendctl_write (stdout, out);
    }
  tendctl_edit_done (edit, outcome, NULL);
}

static void
watch_change (TendctlEdit *edit)
{
  WatchData *data = edit->user_data;
  TendServiceControlOptions options = { 0 };

  options.origin = TEND_AUDIT_ORIGIN_CLI;
  options.host_name = edit->host;
  tend_service_control_run_async (data->action, edit->run->store, edit->run->host, edit->unit,
                                  &options, edit->run->cancellable, watched_cb, edit);
}

/* ------------------------------------------------------------------------------------ */
/* Arguments                                                                             */

TendctlExit
tendctl_watch (TendctlGlobalOptions  *global,
               int                    argc,
               char                 **argv)
{
  WatchData data = { { NULL, }, };
  gboolean unwatch = g_str_equal (argv[0], "unwatch");
  const char *command = unwatch ? "unwatch" : "watch";
  g_auto(GStrv) rest = NULL;
  TendctlExit status;
  const GOptionEntry entries[] = {
    TENDCTL_HOST_ENTRY (&data.host),
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &rest, NULL, NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!tendctl_parse_options (command, "UNIT",
                              unwatch ? N_("Stop watching UNIT: remove it, its checks and its "
                                           "recovery policy from what Tend watches.")
                                      : N_("Watch UNIT with two checks: 'unit', systemd's state "
                                           "of it (a failure is critical at once), and "
                                           "'resources', its CPU (a warning above 80% of one "
                                           "CPU, critical above 95%). The unit must exist. "
                                           "Watching it again adds what is missing and changes "
                                           "nothing else."),
                              entries, global, &argc, &argv))
    return TENDCTL_EXIT_USAGE;
  if (rest == NULL || g_strv_length (rest) != 1)
    {
      tendctl_usage_error (command, _("%s needs one UNIT, such as nginx.service"), command);
      g_free (data.host);
      return TENDCTL_EXIT_USAGE;
    }

  data.action = unwatch ? TEND_SERVICE_CONTROL_UNWATCH : TEND_SERVICE_CONTROL_WATCH;
  data.edit.operation = command;
  data.edit.unit = rest[0];
  data.edit.host = data.host;
  data.edit.refused = _("nothing was changed");
  data.edit.change = watch_change;
  data.edit.user_data = &data;
  tendctl_validate_unit (data.edit.unit, &data.edit.refusal);

  status = tendctl_edit_run (&data.edit, global, unwatch ? 0 : TENDCTL_RUN_CONNECT);
  tendctl_edit_clear (&data.edit);
  g_free (data.host);
  return status;
}
