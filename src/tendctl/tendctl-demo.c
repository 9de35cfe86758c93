/* tendctl-demo.c — tendctl demo: Tend's demo in the terminal
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What `tend --demo` shows in the window, for a machine without a display: the demo's
 * three services (tend-demo-services.c) started in the user's manager, the monitor
 * engine on the demo's own database in the foreground (its log on stderr, as
 * `tendctl monitor`), and every few seconds a table of the services on stdout: state,
 * health, and what Tend is doing about them. Ctrl+C or SIGTERM ends it: the engine
 * stops, the services are stopped (being transient units, they go away).
 */
#define G_LOG_DOMAIN "Tendctl"

#include "config.h"

#include <signal.h>
#include <unistd.h>

#include <glib-unix.h>

#include "tendctl.h"
#include "tendctl-output.h"

#define N_DEMO_UNITS 3

typedef struct
{
  TendHost *host;              /* (owned) */
  TendDemoServices *demo;      /* (owned) */
  TendEngine *engine;          /* (owned) (nullable) once the services run */
  char *database;              /* (owned) */
  GMainLoop *loop;             /* (owned) */
  guint every_s;               /* seconds between two tables */
  guint view_id;
  gboolean stopping;
  gboolean started;            /* the services were started: stop them at the end */
  TendctlExit status;

  /* One table being gathered */
  gboolean gathering;
  guint pending;
  TendService *services[N_DEMO_UNITS];  /* (owned) (nullable) */
  GPtrArray *health;           /* (owned) (nullable) TendHealthRecord */
} DemoData;

static void
demo_quit (DemoData *data)
{
  g_main_loop_quit (data->loop);
}

/* ------------------------------------------------------------------------------------ */
/* The table                                                                             */

static const TendHealthRecord *
find_health (DemoData   *data,
             const char *unit)
{
  for (guint i = 0; data->health != NULL && i < data->health->len; i++)
    {
      const TendHealthRecord *record = data->health->pdata[i];

      if (g_strcmp0 (record->unit, unit) == 0)
        return record;
    }
  return NULL;
}

static void
print_table (DemoData *data)
{
  const char * const *units = tend_demo_services_get_units (data->demo);
  g_autoptr(TendctlTable) table = tendctl_table_new (4, N_("SERVICE"), N_("STATE"), N_("HEALTH"),
                                                     N_("WHAT TEND DOES"));
  g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *clock = g_date_time_format (now, "%H:%M:%S");
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; units[i] != NULL; i++)
    {
      const TendHealthRecord *record = find_health (data, units[i]);
      const char *health = record != NULL ? record->status : _("not checked yet");
      char *state;
      char *doing = NULL;

      if (data->services[i] != NULL)
        state = g_strdup_printf ("%s (%s)", tend_service_get_active_state (data->services[i]),
                                 tend_service_get_sub_state (data->services[i]));
      else
        state = g_strdup (_("not loaded"));
      if (record != NULL && record->recovery != NULL)
        {
          g_autoptr(TendRecoveryStatus) status =
            tend_recovery_status_new_from_json (record->recovery, NULL);

          if (status != NULL && !(status->state == TEND_RECOVERY_STATE_IDLE &&
                                  g_strcmp0 (health, "healthy") == 0))
            doing = tend_recovery_status_describe (status, g_get_real_time ());
        }
      if (doing == NULL)
        doing = g_strdup (g_strcmp0 (health, "healthy") == 0 ? _("watching") : "");
      g_ptr_array_add (keep, state);
      g_ptr_array_add (keep, doing);
      tendctl_table_add_row (table, g_strcmp0 (health, "critical") == 0, units[i], state,
                             health, doing);
    }
  g_string_append_printf (out, "\n%s\n", clock);
  tendctl_table_render (table, out, tendctl_use_color (stdout));
  tendctl_write (stdout, out);
}

static void
table_step_done (DemoData *data)
{
  if (--data->pending > 0)
    return;
  if (!data->stopping)
    print_table (data);
  for (guint i = 0; i < N_DEMO_UNITS; i++)
    g_clear_object (&data->services[i]);
  g_clear_pointer (&data->health, g_ptr_array_unref);
  data->gathering = FALSE;
}

typedef struct
{
  DemoData *data;
  guint index;
} ServiceCall;

static void
service_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autofree ServiceCall *call = user_data;

  /* A unit that is not there (the crasher between a crash and its recovery is still
   * there, failed; a unit someone stopped is gone) shows as "not loaded". */
  call->data->services[call->index] = tend_host_load_service_finish (TEND_HOST (object),
                                                                     result, NULL);
  table_step_done (call->data);
}

static void
health_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  DemoData *data = user_data;

  data->health = tend_store_query_health_finish (TEND_STORE (object), result, NULL);
  table_step_done (data);
}

static gboolean
view_cb (gpointer user_data)
{
  DemoData *data = user_data;
  const char * const *units = tend_demo_services_get_units (data->demo);

  if (data->gathering || data->stopping)
    return G_SOURCE_CONTINUE;
  data->gathering = TRUE;
  data->pending = N_DEMO_UNITS + 1;
  for (guint i = 0; i < N_DEMO_UNITS; i++)
    {
      ServiceCall *call = g_new0 (ServiceCall, 1);

      call->data = data;
      call->index = i;
      tend_host_load_service_async (data->host, units[i], NULL, service_loaded_cb, call);
    }
  tend_store_query_health_async (tend_engine_get_store (data->engine), -1, NULL, health_cb,
                                 data);
  return G_SOURCE_CONTINUE;
}

/* ------------------------------------------------------------------------------------ */
/* Start and stop                                                                        */

static void
services_stopped_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  DemoData *data = user_data;

  tend_demo_services_stop_finish (TEND_DEMO_SERVICES (object), result, NULL);
  g_message ("the demo's services are stopped and gone; the demo ends");
  demo_quit (data);
}

static void
stop_services (DemoData *data)
{
  if (!data->started)
    {
      demo_quit (data);
      return;
    }
  tend_demo_services_stop_async (data->demo, data->host, NULL, services_stopped_cb, data);
}

static void
engine_stopped_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  DemoData *data = user_data;
  g_autoptr(GError) error = NULL;

  if (!tend_engine_stop_finish (TEND_ENGINE (object), result, &error))
    g_warning ("stopping the monitor: %s", error->message);
  stop_services (data);
}

static gboolean
stop_cb (gpointer user_data)
{
  DemoData *data = user_data;

  if (data->stopping)
    return G_SOURCE_CONTINUE;
  data->stopping = TRUE;
  g_clear_handle_id (&data->view_id, g_source_remove);
  g_message ("ending the demo: stopping the monitor and the demo's services");
  if (data->engine != NULL)
    tend_engine_stop_async (data->engine, NULL, engine_stopped_cb, data);
  else
    stop_services (data);
  return G_SOURCE_CONTINUE;
}

static void
print_intro (DemoData *data)
{
  g_autoptr(GString) out = g_string_new (NULL);

  /* Translators: tendctl demo's first lines; the %-27s are units, the %u ports, the two
   * last %s the path of the demo's database */
  g_string_append_printf (out,
                          _("Tend's demo: three services in your own service manager, watched "
                            "by Tend\n"
                            "  %-27s a web server on http://127.0.0.1:%u/ (checks: unit, http)\n"
                            "  %-27s a Redis server on 127.0.0.1:%u (checks: unit, redis ping)\n"
                            "  %-27s crashes about every 45 s (check: unit)\n"
                            "Policy: backoff, 5 s then 10 s. Within two minutes the crasher "
                            "turns critical, Tend restarts it and tells the desktop.\n"
                            "What Tend does is logged below; its records are in %s\n"
                            "(look: TEND_DATABASE=%s tendctl health). Ctrl+C ends the demo "
                            "and removes the services.\n"),
                          TEND_DEMO_WEB_UNIT, tend_demo_services_get_web_port (data->demo),
                          TEND_DEMO_REDIS_UNIT, tend_demo_services_get_redis_port (data->demo),
                          TEND_DEMO_CRASHER_UNIT, data->database, data->database);
  tendctl_write (stdout, out);
}

static void
engine_started_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  DemoData *data = user_data;
  g_autoptr(GError) error = NULL;

  if (!tend_engine_start_finish (TEND_ENGINE (object), result, &error))
    {
      tendctl_print_error ("%s", error->message);
      data->status = tendctl_exit_for_error (error);
      g_clear_object (&data->engine);
      stop_cb (data);
      return;
    }
  if (data->stopping)
    return;
  print_intro (data);
  view_cb (data);
  data->view_id = g_timeout_add_seconds (data->every_s, view_cb, data);
}

static void
services_started_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  DemoData *data = user_data;
  g_autoptr(GError) error = NULL;

  data->started = TRUE;
  if (!tend_demo_services_start_finish (TEND_DEMO_SERVICES (object), result, &error))
    {
      tendctl_print_error (_("could not start the demo: %s"), error->message);
      data->status = tendctl_exit_for_error (error);
      stop_cb (data);
      return;
    }
  if (data->stopping)
    {
      stop_services (data);
      return;
    }
  data->engine = tend_engine_new (data->database);
  tend_engine_start_async (data->engine, NULL, engine_started_cb, data);
}

static void
connected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  DemoData *data = user_data;
  g_autoptr(GError) error = NULL;

  if (!tend_host_connect_finish (TEND_HOST (object), result, &error))
    {
      tendctl_print_error ("%s", error->message);
      data->status = tendctl_exit_for_error (error);
      demo_quit (data);
      return;
    }
  if (data->stopping)
    {
      demo_quit (data);
      return;
    }
  tend_demo_services_start_async (data->demo, data->host, data->database, NULL,
                                  services_started_cb, data);
}

TendctlExit
tendctl_demo (TendctlGlobalOptions  *global,
              int                    argc,
              char                 **argv)
{
  DemoData data = { NULL, };
  g_autoptr(GError) error = NULL;
  gint every_s = 10;
  guint sources[2];
  const GOptionEntry entries[] = {
    { "every", 0, 0, G_OPTION_ARG_INT, &every_s,
      N_("Seconds between two tables of the services (default 10)"), "SECONDS" },
    G_OPTION_ENTRY_NULL
  };

  if (!tendctl_parse_options ("demo", "",
                              N_("Show Tend's demo in the terminal: a web server, a Redis server "
                                 "and a service that crashes about every 45 s, started as "
                                 "transient units in your own service manager, watched with "
                                 "checks and a backoff policy by a monitor in the foreground, on "
                                 "a database of the demo's own ($TEND_DEMO_DATABASE, or "
                                 "tend-demo/tend.db in $XDG_RUNTIME_DIR). A table of the services "
                                 "is printed every few seconds. Ctrl+C or SIGTERM ends the demo "
                                 "and removes the services."), entries, global, &argc, &argv))
    return TENDCTL_EXIT_USAGE;
  if (argc > 1)
    {
      tendctl_usage_error ("demo", _("demo takes no arguments, but was given '%s'"), argv[1]);
      return TENDCTL_EXIT_USAGE;
    }
  if (global->host != NULL)
    {
      tendctl_usage_error ("demo", _("the demo runs on this computer: --host cannot be used "
                             "with it"));
      return TENDCTL_EXIT_USAGE;
    }
  if (tendctl_global_options_get_scope (global) != TEND_HOST_SCOPE_USER)
    {
      tendctl_usage_error ("demo", _("the demo runs in your own service manager: --system "
                             "cannot be used with it"));
      return TENDCTL_EXIT_USAGE;
    }
  if (every_s < 1 || every_s > 3600)
    {
      tendctl_usage_error ("demo", _("--every: %d is outside 1..3600"), every_s);
      return TENDCTL_EXIT_USAGE;
    }

  data.database = tend_demo_services_prepare_database (&error);
  if (data.database == NULL)
    {
      tendctl_print_error ("%s", error->message);
      return TENDCTL_EXIT_FAILED;
    }
  data.every_s = every_s;
  data.status = TENDCTL_EXIT_OK;
  data.loop = g_main_loop_new (NULL, FALSE);
  data.demo = tend_demo_services_new (0, 0);
  data.host = tend_host_new_local (TEND_HOST_SCOPE_USER);

  sources[0] = g_unix_signal_add (SIGTERM, stop_cb, &data);
  sources[1] = g_unix_signal_add (SIGINT, stop_cb, &data);

  tend_host_connect_async (data.host, NULL, connected_cb, &data);
  g_main_loop_run (data.loop);

  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    g_source_remove (sources[i]);
  g_clear_handle_id (&data.view_id, g_source_remove);
  g_clear_object (&data.engine);
  g_clear_object (&data.demo);
  g_clear_object (&data.host);
  g_clear_pointer (&data.loop, g_main_loop_unref);
  g_free (data.database);
  return data.status;
}
