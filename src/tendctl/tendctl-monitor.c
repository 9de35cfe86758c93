/* tendctl-monitor.c — tendctl monitor (the engine in the foreground) and tendctl health
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Tendctl"

#include "config.h"

#include <signal.h>
#include <unistd.h>

#include <glib-unix.h>

#include "tendctl.h"
#include "tendctl-output.h"

/* ------------------------------------------------------------------------------------ */
/* monitor                                                                               */

typedef struct
{
  TendEngine *engine;          /* (owned) */
  GMainLoop *loop;             /* (owned) */
  TendctlExit status;
  gboolean stopping;
} MonitorData;

static void
stopped_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  MonitorData *data = user_data;
  g_autoptr(GError) error = NULL;

  if (!tend_engine_stop_finish (TEND_ENGINE (source), result, &error))
    {
      tendctl_print_error ("%s", error->message);
      data->status = TENDCTL_EXIT_FAILED;
    }
  else
    {
      g_autofree char *spill = tend_store_dup_spill_file (tend_engine_get_store (data->engine),
                                                          NULL, NULL);

      if (spill != NULL)
        g_message ("stopped; what could not be written waits in %s", spill);
      else
        g_message ("stopped; every result is written");
    }
  g_main_loop_quit (data->loop);
}

static gboolean
stop_cb (gpointer user_data)
{
  MonitorData *data = user_data;

  if (!data->stopping)
    {
      data->stopping = TRUE;
      g_message ("stopping: writing what waits");
      tend_engine_stop_async (data->engine, NULL, stopped_cb, data);
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
reload_cb (gpointer user_data)
{
  MonitorData *data = user_data;

  if (!data->stopping)
    {
      g_message ("reloading the configuration and the checks");
      tend_engine_reload (data->engine, NULL);
    }
  return G_SOURCE_CONTINUE;
}

static void
started_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  MonitorData *data = user_data;
  g_autoptr(GError) error = NULL;

  if (!tend_engine_start_finish (TEND_ENGINE (source), result, &error))
    {
      tendctl_print_error ("%s", error->message);
      /* Its own status, so that tend-monitor.service can tell "the window monitors
       * already" from a failure (SuccessExitStatus=, RestartPreventExitStatus=). */
      data->status = g_error_matches (error, TEND_ERROR, TEND_ERROR_BUSY)
                     ? TENDCTL_EXIT_ENGINE_BUSY : tendctl_exit_for_error (error);
      g_main_loop_quit (data->loop);
      return;
    }

  g_message ("monitoring %s with %u checks (pid %d); SIGHUP reloads, SIGTERM or Ctrl+C stops",
             tend_engine_get_store_path (data->engine),
             tend_engine_get_n_checks (data->engine), (int) getpid ());
}

TendctlExit
tendctl_monitor (TendctlGlobalOptions  *global,
                 int                    argc,
                 char                 **argv)
{
  MonitorData data = { NULL, };
  g_autofree char *path = tendctl_store_path ();
  gboolean verbose = FALSE;
  guint sources[3];
  const GOptionEntry entries[] = {
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose,
      N_("Log every check run, not only changes of health and incidents"), NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!tendctl_parse_options ("monitor", "",
                              N_("Run the checks of the inventory in the foreground until "
                                 "stopped, storing their results and the services' incidents.\n"
                                 "Changes of health and incidents are logged to stderr (to the "
                                 "journal under systemd). SIGHUP reloads the checks and the "
                                 "configuration; SIGTERM and SIGINT stop after writing every "
                                 "result.\nOne monitor runs per data directory."),
                              entries, global, &argc, &argv))
    return TENDCTL_EXIT_USAGE;
  if (argc > 1)
    {
      tendctl_usage_error ("monitor", _("monitor takes no arguments, but was given '%s'"),
                           argv[1]);
      return TENDCTL_EXIT_USAGE;
    }
  if (global->host != NULL)
    {
      tendctl_usage_error ("monitor", _("the monitor runs the checks of every host: --host "
                             "cannot be used with it"));
      return TENDCTL_EXIT_USAGE;
    }
  if (verbose)
    g_log_set_debug_enabled (TRUE);

  data.engine = tend_engine_new (path);
  data.loop = g_main_loop_new (NULL, FALSE);
  data.status = TENDCTL_EXIT_OK;

  sources[0] = g_unix_signal_add (SIGTERM, stop_cb, &data);
  sources[1] = g_unix_signal_add (SIGINT, stop_cb, &data);
  sources[2] = g_unix_signal_add (SIGHUP, reload_cb, &data);

  tend_engine_start_async (data.engine, NULL, started_cb, &data);
  g_main_loop_run (data.loop);

  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    g_source_remove (sources[i]);
  g_clear_object (&data.engine);
  g_clear_pointer (&data.loop, g_main_loop_unref);
  return data.status;
}

/* ------------------------------------------------------------------------------------ */
/* health                                                                                */

typedef struct
{
  TendctlRun *run;
  const char *unit;            /* (nullable) one unit, or all */
  gboolean json;
} HealthData;

static const char *
layer_string (JsonObject *layer,
              const char *member)
{
  JsonNode *node = json_object_get_member (layer, member);

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gint64
layer_int (JsonObject *layer,
           const char *member)
{
  JsonNode *node = json_object_get_member (layer, member);

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE)
    return -1;
  return json_node_get_int (node);
}

/* "hard", "soft 1/3", "pending", with " flapping 45%" */
static char *
describe_state (JsonObject *layer)
{
  const char *state = layer_string (layer, "state");
  g_autoptr(GString) text = g_string_new (state != NULL ? state : "?");

  if (g_strcmp0 (state, "soft") == 0 && layer_int (layer, "consecutive_failures") > 0)
    g_string_append_printf (text, " %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
                            layer_int (layer, "consecutive_failures"),
                            layer_int (layer, "failures_before_hard"));
  if (json_object_get_boolean_member_with_default (layer, "flapping", FALSE))
    g_string_append_printf (text, ", flapping %.0f%%",
                            json_object_get_double_member_with_default (layer,
                                                                        "flap_percent", 0));
  if (!json_object_get_boolean_member_with_default (layer, "enabled", TRUE))
    g_string_append (text, ", disabled");
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
render_service (GString                *out,
                const TendHealthRecord *record,
                JsonArray              *layers,
                gboolean                color)
{
  g_autoptr(TendctlTable) table = tendctl_table_new (5, N_("CHECK"), N_("KIND"), N_("STATUS"),
                                                     /* TRANSLATORS: soft or hard */
                                                     C_("check state", "STATE"),
                                                     N_("MESSAGE"));
  g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) advice = g_string_new (NULL);
  g_autofree char *when = tendctl_format_timestamp (record->time_usec);
  gboolean bad = g_strcmp0 (record->status, "critical") == 0;

  if (color)
    g_string_append (out, bad ? TENDCTL_COLOR_RED : TENDCTL_COLOR_BOLD);
  /* Translators: tendctl health: a unit, a host, its health as typed ("critical"), and
   * when it was checked */
  g_string_append_printf (out, _("%s on %s: %s (as of %s)"), record->unit, record->host,
                          record->status, when);
  if (color)
    g_string_append (out, TENDCTL_COLOR_RESET);
  g_string_append_c (out, '\n');
  tendctl_append_recovery (out, record->recovery, record->status);

  for (guint i = 0; layers != NULL && i < json_array_get_length (layers); i++)
    {
      JsonObject *layer = json_array_get_object_element (layers, i);
      const char *status = layer_string (layer, "status");
      const char *soft = layer_string (layer, "soft_status");
      const char *recommendation = layer_string (layer, "recommendation");
      char *state = describe_state (layer);
      char *shown = g_strcmp0 (status, soft) == 0 || soft == NULL
                    /* Translators: a check's hard status, then its soft one, as typed
                     * ("fail (now pass)") */
                    ? g_strdup (status) : g_strdup_printf (_("%s (now %s)"), status, soft);

      g_ptr_array_add (keep, state);
      g_ptr_array_add (keep, shown);
      tendctl_table_add_row (table, g_strcmp0 (status, "fail") == 0,
                             layer_string (layer, "name"), layer_string (layer, "kind"), shown,
                             state, layer_string (layer, "message"));
      if (recommendation != NULL)
        g_string_append_printf (advice, "  %s: %s\n", layer_string (layer, "name"),
                                recommendation);
    }

  if (tendctl_table_get_n_rows (table) == 0)
    {
      g_string_append (out, "  ");
      g_string_append (out, _("no checks"));
      g_string_append_c (out, '\n');
    }
  else
    tendctl_table_render (table, out, color);
  if (advice->len > 0)
    {
      g_string_append (out, _("Advice:"));
      g_string_append_c (out, '\n');
      g_string_append (out, advice->str);
    }
}

static void
print_health (HealthData *data,
              GPtrArray  *records,
              GPid        owner)
{
  g_autofree char *path = tendctl_store_path ();
  gint64 since_usec = 0;
  g_autofree char *trouble = tend_store_dup_trouble (path, owner, &since_usec);
  g_autofree char *since = NULL;
  /* the service it runs in, such as tend-monitor.service */
  g_autofree char *unit = tend_lock_get_owner_unit (owner);
  g_autofree char *who = unit != NULL ? g_strdup_printf ("pid %d, %s", (int) owner, unit)
                                      : g_strdup_printf ("pid %d", (int) owner);

  if (trouble != NULL)
    since = tend_time_format_iso8601 (since_usec);

  if (data->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "monitor");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "running");
      json_builder_add_boolean_value (builder, owner != 0);
      tendctl_json_add_number (builder, "pid", owner > 0, owner);
      tend_json_add_string (builder, "unit", unit);
      json_builder_set_member_name (builder, "stale");
      json_builder_add_boolean_value (builder, trouble != NULL);
      tend_json_add_string (builder, "stale_reason", trouble);
      tend_json_add_string (builder, "stale_since", since);
      json_builder_end_object (builder);
      json_builder_set_member_name (builder, "services");
      json_builder_begin_array (builder);
      for (guint i = 0; i < records->len; i++)
        {
          const TendHealthRecord *record = records->pdata[i];
          g_autoptr(JsonNode) layers = json_from_string (record->layers, NULL);
          g_autofree char *when = tend_time_format_iso8601 (record->time_usec);

          json_builder_begin_object (builder);
          tend_json_add_string (builder, "host", record->host);
          tend_json_add_string (builder, "unit", record->unit);
          tend_json_add_string (builder, "status", record->status);
          tend_json_add_string (builder, "time", when);
          json_builder_set_member_name (builder, "layers");
          if (layers != NULL)
            json_builder_add_value (builder, g_steal_pointer (&layers));
          else
            json_builder_add_null_value (builder);
          tendctl_json_add_recovery (builder, record->recovery);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      tendctl_print_json (root, TRUE);
      return;
    }

  {
    g_autoptr(GString) out = g_string_new (NULL);
    gboolean color = tendctl_use_color (stdout);

    if (owner > 0 && trouble != NULL)
      {
        g_autofree char *when = tendctl_format_timestamp (since_usec);

        g_string_append_printf (out, _("Monitor: running (%s), but it cannot write to the "
                                  "database since %s: %s\nThe figures below are stale: they "
                                  "are what it could save last.\n"), who, when, trouble);
      }
    else if (owner > 0)
      g_string_append_printf (out, _("Monitor: running (%s)\n"), who);
    else if (owner < 0)
      g_string_append (out, _("Monitor: starting\n"));
    else
      g_string_append (out, _("Monitor: not running; what follows is what it last saw "
                              "(start it with: tendctl monitor)\n"));

    if (records->len == 0 && data->unit != NULL)
      g_string_append_printf (out, _("No health is known of %s.\n"), data->unit);
    else if (records->len == 0)
      g_string_append (out, _("No health is known.\n"));
    for (guint i = 0; i < records->len; i++)
      {
        const TendHealthRecord *record = records->pdata[i];
        g_autoptr(JsonNode) layers = json_from_string (record->layers, NULL);

        g_string_append_c (out, '\n');
        render_service (out, record, layers != NULL && JSON_NODE_HOLDS_ARRAY (layers)
                                     ? json_node_get_array (layers) : NULL, color);
      }
    tendctl_write (stdout, out);
  }
}

static void
health_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  HealthData *data = user_data;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = tendctl_store_path ();

  records = tend_store_query_health_finish (TEND_STORE (object), result, &error);
  if (records == NULL)
    {
      tendctl_print_error ("%s", error->message);
      tendctl_run_quit (data->run, TENDCTL_EXIT_FAILED);
      return;
    }
  print_health (data, records, tend_lock_get_owner (path));
  tendctl_run_quit (data->run, TENDCTL_EXIT_OK);
}

static void
query_health (TendctlRun *run,
              gint64      service_id,
              gpointer    user_data)
{
  tend_store_query_health_async (run->store, service_id, run->cancellable, health_cb,
                                 user_data);
}

static void
health_ready (TendctlRun *run,
              gpointer    user_data)
{
  HealthData *data = user_data;

  data->run = run;
  tendctl_with_service (run, data->unit, query_health, data);
}

TendctlExit
tendctl_health (TendctlGlobalOptions  *global,
                int                    argc,
                char                 **argv)
{
  HealthData data = { NULL, };
  g_auto(GStrv) units = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &data.json,
      N_("Print a JSON object: the monitor, and each service with its layers"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &units, NULL, NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!tendctl_parse_options ("health", "[UNIT]",
                              N_("Show the health of watched services as the monitor sees it: "
                                 "overall, and each check as a layer with its status, soft or "
                                 "hard state, flapping, message and advice."), entries, global,
                              &argc, &argv))
    return TENDCTL_EXIT_USAGE;
  if (!tendctl_optional_unit ("health", units, &data.unit))
    return TENDCTL_EXIT_USAGE;

  return tendctl_run (global, TENDCTL_RUN_READ_ONLY,
                      health_ready, &data);
}
