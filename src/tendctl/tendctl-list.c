/* tendctl-list.c — tendctl list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Connect, one ListUnits, one write, exit: this command is measured against
 * `systemctl list-units --all`, so it makes no other round trip. It prints the backend's
 * TendUnitList as it comes, sorted by name as a host's list is: a one-shot listing has no
 * use for a model of a thousand TendServices (issue 14, docs/benchmarks.md).
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
  gboolean names;           /* --names: one a line */
  char **states;            /* (owned) (nullable) what --state= asked for */
} ListData;

/* The queued job's type, %NULL for none (as TendService:job-type). */
static const char *
job_type_of (const TendUnitInfo *unit)
{
  return unit->job_type != NULL && unit->job_type[0] != '\0' ? unit->job_type : NULL;
}

static gboolean
matches_states (ListData           *data,
                const TendUnitInfo *unit)
{
  const char *load = unit->load_state;
  const char *active = unit->active_state;
  const char *sub = unit->sub_state;
  const char *file = data->installed ? unit->unit_file_state : NULL;

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
is_shown (ListData           *data,
          const TendUnitInfo *unit)
{
  if (data->states != NULL)
    return matches_states (data, unit);
  if (data->all)
    return TRUE;
  if (data->installed && unit->unit_file_state != NULL)
    return TRUE;
  return g_strcmp0 (unit->active_state, "inactive") != 0 || job_type_of (unit) != NULL;
}

static const char *
or_dash (const char *text)
{
  return text != NULL && text[0] != '\0' ? text : "-";
}

static void
print_table (ListData  *data,
             GPtrArray *units)
{
  g_autoptr(TendctlTable) table = NULL;
  g_autoptr(GString) out = NULL;
  guint n_hidden = 0;
  guint n_shown;

  if (data->installed)
    table = tendctl_table_new (6, N_("UNIT"), N_("LOAD"), N_("ACTIVE"), N_("SUB"), N_("UNIT FILE"),
                               N_("DESCRIPTION"));
  else
    table = tendctl_table_new (5, N_("UNIT"), N_("LOAD"), N_("ACTIVE"), N_("SUB"),
                               N_("DESCRIPTION"));

  for (guint i = 0; i < units->len; i++)
    {
      const TendUnitInfo *unit = units->pdata[i];
      gboolean failed;

      if (!is_shown (data, unit))
        {
          n_hidden++;
          continue;
        }

      /* The list keeps its strings alive until the table is written. */
      failed = g_strcmp0 (unit->active_state, "failed") == 0;
      if (data->installed)
        tendctl_table_add_row (table, failed, unit->name, or_dash (unit->load_state),
                               or_dash (unit->active_state), or_dash (unit->sub_state),
                               or_dash (unit->unit_file_state), unit->description);
      else
        tendctl_table_add_row (table, failed, unit->name, or_dash (unit->load_state),
                               or_dash (unit->active_state), or_dash (unit->sub_state),
                               unit->description);
    }

  n_shown = tendctl_table_get_n_rows (table);
  /* About 100 bytes a row: one allocation for the whole table. */
  out = g_string_sized_new (128 + (gsize) n_shown * 112);
  tendctl_table_render (table, out, tendctl_use_color (stdout));

  g_string_append_c (out, '\n');
  g_string_append_printf (out, ngettext ("%u unit listed.", "%u units listed.", n_shown),
                          n_shown);
  if (n_hidden > 0 && data->states == NULL && !data->all)
    g_string_append_printf (out, ngettext (" Pass --all to see the %u inactive unit too.",
                                           " Pass --all to see the other %u inactive units too.",
                                           n_hidden), n_hidden);
  g_string_append_c (out, '\n');

  tendctl_write (stdout, out);
}

static void
print_json (ListData  *data,
            GPtrArray *units)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; i < units->len; i++)
    {
      const TendUnitInfo *unit = units->pdata[i];

      if (!is_shown (data, unit))
        continue;

      /* The members of tendctl_json_add_unit_states(), from the list's line */
      json_builder_begin_object (builder);
      tend_json_add_string (builder, "name", unit->name);
      tend_json_add_string (builder, "description", unit->description);
      tend_json_add_string (builder, "load_state", unit->load_state);
      tend_json_add_string (builder, "active_state", unit->active_state);
      tend_json_add_string (builder, "sub_state", unit->sub_state);
      tend_json_add_string (builder, "unit_file_state", unit->unit_file_state);
      tend_json_add_string (builder, "job_type", job_type_of (unit));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  root = json_builder_get_root (builder);
  tendctl_print_json (root, TRUE);
}

/* --names: one a line, nothing else, for `tendctl list --all --names` in completion */
static void
print_names (ListData  *data,
             GPtrArray *units)
{
  g_autoptr(GString) out = g_string_sized_new (64 + (gsize) units->len * 32);

  for (guint i = 0; i < units->len; i++)
    {
      const TendUnitInfo *unit = units->pdata[i];

      if (is_shown (data, unit))
        g_string_append_printf (out, "%s\n", unit->name);
    }
  tendctl_write (stdout, out);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  const TendUnitInfo *x = *(const TendUnitInfo * const *) a;
  const TendUnitInfo *y = *(const TendUnitInfo * const *) b;

  return strcmp (x->name, y->name);
}

static void
listed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  ListData *data = user_data;
  g_autoptr(TendUnitList) list = NULL;
  g_autoptr(GPtrArray) units = NULL;
  g_autoptr(GError) error = NULL;
  guint n;

  list = tend_backend_list_units_finish (TEND_BACKEND (object), result, &error);
  if (list == NULL)
    {
      tendctl_print_error ("%s", error->message);
      tendctl_run_quit (data->run, tendctl_exit_for_error (error));
      return;
    }

  /* By name, as a host's list (and systemctl's) */
  n = tend_unit_list_get_length (list);
  units = g_ptr_array_sized_new (n);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (units, (gpointer) tend_unit_list_get (list, i));
  g_ptr_array_sort (units, compare_names);

  if (data->json)
    print_json (data, units);
  else if (data->names)
    print_names (data, units);
  else
    print_table (data, units);
  tendctl_run_quit (data->run, TENDCTL_EXIT_OK);
}

static void
list_ready (TendctlRun *run,
            gpointer    user_data)
{
  ListData *data = user_data;

  data->run = run;
  tend_backend_list_units_async (tend_host_get_backend (run->host),
                                 data->installed ? TEND_LIST_UNIT_FILES : TEND_LIST_LOADED,
                                 run->cancellable, listed_cb, data);
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
      N_("Show every loaded unit, inactive ones too"), NULL },
    { "state", 0, 0, G_OPTION_ARG_STRING, &state,
      N_("Show only units in one of these load, active or sub states (or unit-file states "
         "with --installed), such as failed or running,exited"), "STATE,…" },
    { "installed", 0, 0, G_OPTION_ARG_NONE, &data.installed,
      N_("Also show installed unit files that are not loaded, and a UNIT FILE column"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &data.json,
      N_("Print a JSON array of units instead of a table"), NULL },
    { "names", 0, 0, G_OPTION_ARG_NONE, &data.names,
      N_("Print only the units' names, one a line (for scripts and shell completion)"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &rest, NULL, NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!tendctl_parse_options ("list", "", N_("List units: by default those that are active, "
                                 "failed or have a job queued, like 'systemctl list-units'."),
                              entries, global, &argc, &argv))
    return TENDCTL_EXIT_USAGE;

  if (rest != NULL && rest[0] != NULL)
    {
      tendctl_usage_error ("list", _("list takes no arguments, but was given '%s' (filter with "
                             "--state=, or see one unit with 'tendctl status UNIT')"), rest[0]);
      return TENDCTL_EXIT_USAGE;
    }

  if (state != NULL && !parse_states (state, &data.states))
    {
      tendctl_usage_error ("list", _("--state: '%s' is not a comma-separated list of states, "
                             "such as 'failed' or 'running,exited'"), state);
      return TENDCTL_EXIT_USAGE;
    }

  status = tendctl_run (global, TENDCTL_RUN_CONNECT | TENDCTL_RUN_EXIT_AT_ONCE,
                        list_ready, &data);
  g_strfreev (data.states);
  return status;
}
