/* tendctl-status.c — tendctl status UNIT…
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One connect and one load per unit, all issued at once; no list of units is read.
 * The blocks are printed in the order the units were named, once all have answered.
 */
#define G_LOG_DOMAIN "Tendctl"

#include "tendctl.h"
#include "tendctl-output.h"

/* The width of the longest label, "Required by". */
#define LABEL_WIDTH 11

typedef struct _StatusData StatusData;

typedef struct
{
  StatusData *owner;         /* (unowned) */
  const char *name;          /* (unowned) from argv */
  TendService *service;      /* (owned) (nullable) */
  GError *error;             /* (owned) (nullable) */
} StatusItem;

struct _StatusData
{
  TendctlRun *run;
  gboolean json;
  GArray *items;             /* (owned) of StatusItem */
  guint n_pending;
};

static void
status_item_clear (StatusItem *item)
{
  g_clear_object (&item->service);
  g_clear_error (&item->error);
}

/* ------------------------------------------------------------------------------------ */
/* Text                                                                                  */

static void
append_field (GString    *out,
              const char *label,
              const char *value)
{
  g_string_append_printf (out, "%*s: ", LABEL_WIDTH, label);
  tendctl_append_sanitized (out, value, NULL);
  g_string_append_c (out, '\n');
}

static gboolean
is_set (const char *text)
{
  return text != NULL && text[0] != '\0';
}

static void
append_loaded (GString     *out,
               TendService *service)
{
  const char *path = tend_service_get_fragment_path (service);
  const char *file_state = tend_service_get_unit_file_state (service);
  g_autoptr(GString) value = g_string_new (tend_service_get_load_state (service));

  if (value->len == 0)
    g_string_append (value, "-");
  if (is_set (path) || is_set (file_state))
    {
      g_string_append (value, " (");
      if (is_set (path))
        g_string_append (value, path);
      if (is_set (path) && is_set (file_state))
        g_string_append (value, "; ");
      if (is_set (file_state))
        g_string_append (value, file_state);
      g_string_append_c (value, ')');
    }
  append_field (out, "Loaded", value->str);
}

static void
append_active (GString     *out,
               TendService *service,
               gint64       now)
{
  const char *active = tend_service_get_active_state (service);
  const char *sub = tend_service_get_sub_state (service);
  gint64 since = tend_service_get_active_since (service);
  g_autoptr(GString) value = g_string_new (is_set (active) ? active : "-");

  if (is_set (sub))
    g_string_append_printf (value, " (%s)", sub);

  /* ActiveEnterTimestamp says when the unit last became active: only "since" while
   * it still is. */
  if (since > 0 && tend_service_is_active (service))
    {
      g_autofree char *when = tendctl_format_timestamp (since);
      g_autofree char *relative = tendctl_format_relative (since, now);

      g_string_append_printf (value, " since %s (%s)", when, relative);
    }
  append_field (out, "Active", value->str);
}

static void
append_memory (GString     *out,
               TendService *service)
{
  guint64 memory = tend_service_get_memory (service);
  g_autofree char *size = NULL;
  g_autofree char *value = NULL;

  if (memory == TEND_UNSET)
    return;

  size = tend_size_format (memory);
  switch (tend_service_get_memory_source (service))
    {
    case TEND_MEMORY_SOURCE_CGROUP:
      value = g_strdup_printf ("%s (cgroup)", size);
      break;
    case TEND_MEMORY_SOURCE_PROCESS_RSS:
      value = g_strdup_printf ("%s (process RSS: systemd reports no MemoryCurrent here)", size);
      break;
    case TEND_MEMORY_SOURCE_NONE:
    default:
      return;
    }
  append_field (out, "Memory", value);
}

static void
append_units (GString            *out,
              const char         *label,
              const char * const *units)
{
  g_autofree char *joined = NULL;

  if (units == NULL || units[0] == NULL)
    return;
  joined = g_strjoinv (" ", (char **) units);
  append_field (out, label, joined);
}

static void
append_block (GString     *out,
              TendService *service,
              gboolean     color,
              gint64       now)
{
  const char *description = tend_service_get_description (service);
  const char *bullet_color = NULL;

  if (color && tend_service_is_failed (service))
    bullet_color = TENDCTL_COLOR_RED;
  else if (color && tend_service_is_active (service))
    bullet_color = TENDCTL_COLOR_GREEN;

  if (bullet_color != NULL)
    g_string_append_printf (out, "%s●%s ", bullet_color, TENDCTL_COLOR_RESET);
  else
    g_string_append (out, "● ");
  g_string_append (out, tend_service_get_name (service));
  if (is_set (description))
    {
      g_string_append (out, " – ");
      tendctl_append_sanitized (out, description, NULL);
    }
  g_string_append_c (out, '\n');

  append_loaded (out, service);
  append_active (out, service, now);

  if (tend_service_get_job_type (service) != NULL)
    append_field (out, "Job", tend_service_get_job_type (service));

  if (tend_service_get_main_pid (service) != 0)
    {
      g_autofree char *pid = g_strdup_printf ("%u", tend_service_get_main_pid (service));
      append_field (out, "Main PID", pid);
    }

  if (tend_service_get_tasks (service) != TEND_UNSET)
    {
      g_autofree char *tasks = g_strdup_printf ("%" G_GUINT64_FORMAT,
                                                tend_service_get_tasks (service));
      append_field (out, "Tasks", tasks);
    }

  append_memory (out, service);

  if (tend_service_get_cpu_usage_nsec (service) != TEND_UNSET)
    {
      g_autofree char *cpu = tendctl_format_nsec (tend_service_get_cpu_usage_nsec (service));
      append_field (out, "CPU", cpu);
    }

  if (tend_service_get_n_restarts (service) > 0)
    {
      g_autofree char *restarts = g_strdup_printf ("%u", tend_service_get_n_restarts (service));
      append_field (out, "Restarts", restarts);
    }

  append_units (out, "Requires", tend_service_get_requires (service));
  append_units (out, "Required by", tend_service_get_required_by (service));
}

static void
print_text (StatusData *data)
{
  g_autoptr(GString) out = g_string_new (NULL);
  gboolean color = tendctl_use_color (stdout);
  gint64 now = g_get_real_time ();
  gboolean first = TRUE;

  for (guint i = 0; i < data->items->len; i++)
    {
      StatusItem *item = &g_array_index (data->items, StatusItem, i);

      if (item->error != NULL)
        {
          /* In order: what came before goes out first. */
          tendctl_write (stdout, out);
          g_string_truncate (out, 0);
          tendctl_print_error ("%s", item->error->message);
          continue;
        }

      if (!first)
        g_string_append_c (out, '\n');
      first = FALSE;
      append_block (out, item->service, color, now);
    }

  tendctl_write (stdout, out);
}

/* ------------------------------------------------------------------------------------ */
/* JSON                                                                                  */

static void
build_service_json (JsonBuilder *builder,
                    TendService *service)
{
  TendMemorySource source = tend_service_get_memory_source (service);
  guint64 memory = tend_service_get_memory (service);
  guint64 tasks = tend_service_get_tasks (service);
  guint64 cpu = tend_service_get_cpu_usage_nsec (service);
  gint64 since = tend_service_get_active_since (service);
  guint main_pid = tend_service_get_main_pid (service);

  tendctl_json_add_unit_states (builder, service);
  tend_json_add_string (builder, "unit_file_state",
                        is_set (tend_service_get_unit_file_state (service))
                        ? tend_service_get_unit_file_state (service) : NULL);
  tend_json_add_string (builder, "fragment_path",
                        is_set (tend_service_get_fragment_path (service))
                        ? tend_service_get_fragment_path (service) : NULL);
  tend_json_add_string (builder, "job_type", tend_service_get_job_type (service));
  tendctl_json_add_number (builder, "main_pid", main_pid != 0, main_pid);
  tendctl_json_add_number (builder, "tasks", tasks != TEND_UNSET, (gint64) tasks);
  tendctl_json_add_number (builder, "memory_bytes",
                           memory != TEND_UNSET && source != TEND_MEMORY_SOURCE_NONE,
                           (gint64) memory);
  tend_json_add_string (builder, "memory_source",
                        memory != TEND_UNSET && source != TEND_MEMORY_SOURCE_NONE
                        ? tend_memory_source_to_string (source) : NULL);
  tendctl_json_add_number (builder, "cpu_usage_nsec", cpu != TEND_UNSET, (gint64) cpu);
  tendctl_json_add_number (builder, "active_since_usec", since > 0, since);
  tendctl_json_add_number (builder, "n_restarts", TRUE, tend_service_get_n_restarts (service));
  json_builder_set_member_name (builder, "can_reload");
  json_builder_add_boolean_value (builder, tend_service_get_can_reload (service));
  tendctl_json_add_strv (builder, "requires", tend_service_get_requires (service));
  tendctl_json_add_strv (builder, "required_by", tend_service_get_required_by (service));
}

static void
print_json (StatusData *data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; i < data->items->len; i++)
    {
      StatusItem *item = &g_array_index (data->items, StatusItem, i);

      json_builder_begin_object (builder);
      if (item->service != NULL)
        build_service_json (builder, item->service);
      else
        tend_json_add_string (builder, "name", item->name);
      tend_json_add_string (builder, "error", item->error ? item->error->message : NULL);
      tend_json_add_string (builder, "error_code", tendctl_error_code (item->error));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  root = json_builder_get_root (builder);
  tendctl_print_json (root, TRUE);
}

/* ------------------------------------------------------------------------------------ */
/* Loading                                                                               */

static void
load_service_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  StatusItem *item = user_data;
  StatusData *data = item->owner;
  TendctlExit status = TENDCTL_EXIT_OK;

  item->service = tend_host_load_service_finish (TEND_HOST (object), result, &item->error);

  g_assert (data->n_pending > 0);
  if (--data->n_pending > 0)
    return;

  if (data->json)
    print_json (data);
  else
    print_text (data);

  for (guint i = 0; i < data->items->len; i++)
    status = tendctl_exit_worst (status, tendctl_exit_for_error (
                                   g_array_index (data->items, StatusItem, i).error));
  tendctl_run_quit (data->run, status);
}

static void
status_ready (TendctlRun *run,
              gpointer    user_data)
{
  StatusData *data = user_data;

  data->run = run;
  data->n_pending = data->items->len;
  for (guint i = 0; i < data->items->len; i++)
    {
      StatusItem *item = &g_array_index (data->items, StatusItem, i);

      tend_host_load_service_async (run->host, item->name, run->cancellable,
                                    load_service_cb, item);
    }
}

TendctlExit
tendctl_status (TendctlGlobalOptions  *global,
                int                    argc,
                char                 **argv)
{
  StatusData data = { NULL, };
  g_auto(GStrv) units = NULL;
  TendctlExit status;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &data.json,
      N_("Print a JSON array with one object per unit"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &units, NULL, NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!tendctl_parse_options ("status", "UNIT…",
                              N_("Show the state, resources and dependencies of units."),
                              entries, global, &argc, &argv))
    return TENDCTL_EXIT_USAGE;

  if (units == NULL || units[0] == NULL)
    {
      tendctl_usage_error ("status", _("status needs at least one UNIT, such as nginx.service"));
      return TENDCTL_EXIT_USAGE;
    }

  /* Every name first: a typo stops the command before anything is sent. */
  if (!tendctl_check_units ((const char * const *) units, FALSE))
    return TENDCTL_EXIT_USAGE;

  data.items = g_array_sized_new (FALSE, TRUE, sizeof (StatusItem), g_strv_length (units));
  g_array_set_clear_func (data.items, (GDestroyNotify) status_item_clear);
  for (guint i = 0; units[i] != NULL; i++)
    {
      StatusItem item = { &data, units[i], NULL, NULL };
      g_array_append_val (data.items, item);
    }

  status = tendctl_run (global, TENDCTL_RUN_CONNECT | TENDCTL_RUN_EXIT_AT_ONCE,
                        status_ready, &data);
  g_array_unref (data.items);
  return status;
}
