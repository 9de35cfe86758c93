/* tendctl-list.c — tendctl list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Connect, one refresh, one write, exit: this command is measured against
 * `systemctl list-units --all`, so it makes no other round trip.
 */
#define G_LOG_DOMAIN "Tendctl"

#include "tendctl.h"
#include "tendctl-output.h"

typedef struct
{
  TendctlRun *run;
  gboolean all;
  gboolean installed;
  gboolean json;
  char **states;            /* (owned) (nullable) what --state= asked for */
} ListData;

static gboolean
matches_states (ListData    *data,
                TendService *service)
{
  const char *load = tend_service_get_load_state (service);
  const char *active = tend_service_get_active_state (service);
  const char *sub = tend_service_get_sub_state (service);
  const char *file = data->installed ? tend_service_get_unit_file_state (service) : NULL;

  for (guint i = 0; data->states[i] != NULL; i++)
    {
      const char *state = data->states[i];

      if (g_strcmp0 (state, load) == 0 || g_strcmp0 (state, active) == 0 ||
          g_strcmp0 (state, sub) == 0 || g_strcmp0 (state, file) == 0)
        return TRUE;
    }
  return FALSE;
}

/* Without --all, as `systemctl list-units`: what is active, failed or has a job; with
 * --installed also every unit that has a unit file, loaded or not. --state= replaces
 * those rules with its own. */
static gboolean
is_shown (ListData    *data,
          TendService *service)
{
  if (data->states != NULL)
    return matches_states (data, service);
  if (data->all)
    return TRUE;
  if (data->installed && tend_service_get_unit_file_state (service) != NULL)
    return TRUE;
  return g_strcmp0 (tend_service_get_active_state (service), "inactive") != 0 ||
         tend_service_get_job_type (service) != NULL;
}

static const char *
or_dash (const char *text)
{
  return text != NULL && text[0] != '\0' ? text : "-";
}

static void
print_table (ListData   *data,
             GListModel *services)
{
  g_autoptr(TendctlTable) table = NULL;
  g_autoptr(GString) out = NULL;
  guint n = g_list_model_get_n_items (services);
  guint n_hidden = 0;
  guint n_shown;

  if (data->installed)
    table = tendctl_table_new (6, "UNIT", "LOAD", "ACTIVE", "SUB", "UNIT FILE", "DESCRIPTION");
  else
    table = tendctl_table_new (5, "UNIT", "LOAD", "ACTIVE", "SUB", "DESCRIPTION");

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TendService) service = g_list_model_get_item (services, i);
      gboolean failed;

      if (!is_shown (data, service))
        {
          n_hidden++;
          continue;
        }

      /* The host's list keeps the services, and their strings, alive. */
      failed = tend_service_is_failed (service);
      if (data->installed)
        tendctl_table_add_row (table, failed,
                               tend_service_get_name (service),
                               or_dash (tend_service_get_load_state (service)),
                               or_dash (tend_service_get_active_state (service)),
                               or_dash (tend_service_get_sub_state (service)),
                               or_dash (tend_service_get_unit_file_state (service)),
                               tend_service_get_description (service));
      else
        tendctl_table_add_row (table, failed,
                               tend_service_get_name (service),
                               or_dash (tend_service_get_load_state (service)),
                               or_dash (tend_service_get_active_state (service)),
                               or_dash (tend_service_get_sub_state (service)),
                               tend_service_get_description (service));
    }

  n_shown = tendctl_table_get_n_rows (table);
  /* About 100 bytes a row: one allocation for the whole table. */
  out = g_string_sized_new (128 + (gsize) n_shown * 112);
  tendctl_table_render (table, out, tendctl_use_color (stdout));

  g_string_append_printf (out, "\n%u %s listed.", n_shown, n_shown == 1 ? "unit" : "units");
  if (n_hidden > 0 && data->states == NULL && !data->all)
    g_string_append_printf (out, " Pass --all to see %s %u inactive %s too.",
                            n_hidden == 1 ? "the" : "the other", n_hidden,
                            n_hidden == 1 ? "unit" : "units");
  g_string_append_c (out, '\n');

  tendctl_write (stdout, out);
}

static void
print_json (ListData   *data,
            GListModel *services)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) root = NULL;
  guint n = g_list_model_get_n_items (services);

  json_builder_begin_array (builder);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TendService) service = g_list_model_get_item (services, i);

      if (!is_shown (data, service))
        continue;

      json_builder_begin_object (builder);
      tendctl_json_add_unit_states (builder, service);
      tend_json_add_string (builder, "unit_file_state",
                            tend_service_get_unit_file_state (service));
      tend_json_add_string (builder, "job_type", tend_service_get_job_type (service));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  root = json_builder_get_root (builder);
  tendctl_print_json (root, TRUE);
}

static void
refresh_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  ListData *data = user_data;
  g_autoptr(GError) error = NULL;
  GListModel *services;

  if (!tend_host_refresh_finish (TEND_HOST (object), result, &error))
    {
      tendctl_print_error ("%s", error->message);
      tendctl_run_quit (data->run, tendctl_exit_for_error (error));
      return;
    }

  services = tend_host_get_services (data->run->host);
  if (data->json)
    print_json (data, services);
  else
    print_table (data, services);
  tendctl_run_quit (data->run, TENDCTL_EXIT_OK);
}

static void
list_ready (TendctlRun *run,
            gpointer    user_data)
{
  ListData *data = user_data;

  data->run = run;
  tend_host_refresh_async (run->host,
                           data->installed ? TEND_LIST_UNIT_FILES : TEND_LIST_LOADED,
                           run->cancellable, refresh_cb, data);
}

/* "active,failed" → { "active", "failed" }; %FALSE on an empty element. */
static gboolean
parse_states (const char   *text,
              char       ***out_states)
{
  g_auto(GStrv) states = g_strsplit (text, ",", -1);

  if (states[0] == NULL)
    return FALSE;
  for (guint i = 0; states[i] != NULL; i++)
    {
      g_strstrip (states[i]);
      if (states[i][0] == '\0')
        return FALSE;
    }
  *out_states = g_steal_pointer (&states);
  return TRUE;
}

TendctlExit
tendctl_list (TendctlGlobalOptions  *global,
              int                    argc,
              char                 **argv)
{
  ListData data = { NULL, };
  g_autofree char *state = NULL;
  g_auto(GStrv) rest = NULL;
  TendctlExit status;
  const GOptionEntry entries[] = {
    { "all", 'a', 0, G_OPTION_ARG_NONE, &data.all,
      "Show every loaded unit, inactive ones too", NULL },
    { "state", 0, 0, G_OPTION_ARG_STRING, &state,
      "Show only units in one of these load, active or sub states (or unit-file states "
      "with --installed), such as failed or running,exited", "STATE,…" },
    { "installed", 0, 0, G_OPTION_ARG_NONE, &data.installed,
      "Also show installed unit files that are not loaded, and a UNIT FILE column", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &data.json,
      "Print a JSON array of units instead of a table", NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &rest, NULL, NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!tendctl_parse_options ("list", "", "List units: by default those that are active, "
                              "failed or have a job queued, like 'systemctl list-units'.",
                              entries, global, &argc, &argv))
    return TENDCTL_EXIT_USAGE;

  if (rest != NULL && rest[0] != NULL)
    {
      tendctl_usage_error ("list", "list takes no arguments, but was given '%s' (filter with "
                           "--state=, or see one unit with 'tendctl status UNIT')", rest[0]);
      return TENDCTL_EXIT_USAGE;
    }

  if (state != NULL && !parse_states (state, &data.states))
    {
      tendctl_usage_error ("list", "--state: '%s' is not a comma-separated list of states, "
                           "such as 'failed' or 'running,exited'", state);
      return TENDCTL_EXIT_USAGE;
    }

  status = tendctl_run (global, TENDCTL_RUN_CONNECT,
                        list_ready, &data);
  g_strfreev (data.states);
  return status;
}
