/* tend-demo.c — see tend-demo.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window is only a view of the demo: the services, their checks and policy are
 * libtend's TendDemoServices (what `tendctl demo` shows in a terminal), and the engine
 * the application already runs watches them once it has reloaded. The state of a
 * running demo hangs on the application as object data.
 */
#define G_LOG_DOMAIN "Tend"

#include "config.h"

#include <signal.h>

#include <glib/gi18n.h>
#include <glib-unix.h>

#include "tend-demo.h"
#include "tend-window.h"

#define DEMO_KEY "tend-demo"

/* How long the application's shutdown waits for systemd to stop the demo's services. */
#define STOP_TIMEOUT_MSEC 5000

typedef struct
{
  TendDemoServices *services;  /* (owned) */
  TendHost *host;              /* (owned) the user's manager, for the demo alone */
  TendEngine *engine;          /* (owned) */
  GCancellable *cancellable;   /* (owned) */
  guint signal_ids[2];         /* SIGINT, SIGTERM: quit, so that the services go */
  gboolean started;            /* start was asked of systemd: stop at the end */
} Demo;

static void
demo_free (Demo *demo)
{
  g_cancellable_cancel (demo->cancellable);
  g_clear_object (&demo->cancellable);
  for (guint i = 0; i < G_N_ELEMENTS (demo->signal_ids); i++)
    g_clear_handle_id (&demo->signal_ids[i], g_source_remove);
  g_clear_object (&demo->services);
  g_clear_object (&demo->host);
  g_clear_object (&demo->engine);
  g_free (demo);
}

/**
 * tend_demo_dup_database_path:
 *
 * Returns: (transfer full) (nullable): the database the application opens, and runs its
 *   engine on, under --demo instead of the person's own (an earlier demo's is removed);
 *   %NULL when another demo runs on it (said in a warning)
 */
char *
tend_demo_dup_database_path (void)
{
  g_autoptr(GError) error = NULL;
  char *path = tend_demo_services_prepare_database (&error);

  if (path == NULL)
    g_warning ("%s", error->message);
  return path;
}

static void
show_error (TendApplication *self,
            const GError    *error)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  g_warning ("the demo could not start: %s", error->message);
  if (TEND_IS_WINDOW (window))
    tend_window_show_error (TEND_WINDOW (window), _("The Demo Could Not Start"), error);
}

static void
reloaded_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(TendApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  GtkWindow *window;

  if (!tend_engine_reload_finish (TEND_ENGINE (object), result, &error))
    {
      show_error (self, error);
      return;
    }
  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (TEND_IS_WINDOW (window))
    tend_window_add_toast (TEND_WINDOW (window),
                           adw_toast_new (_("Demo: three services are watched; one crashes "
                                            "about every 45 seconds")));
}

static void
services_started_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(TendApplication) self = user_data;
  Demo *demo = g_object_get_data (G_OBJECT (self), DEMO_KEY);
  g_autoptr(GError) error = NULL;

  if (!tend_demo_services_start_finish (TEND_DEMO_SERVICES (object), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error);
      return;
    }
  if (demo == NULL)
    return;
  /* The engine reads the checks and the policy just imported. */
  tend_engine_reload_async (demo->engine, demo->cancellable, reloaded_cb, g_object_ref (self));
}

static void
host_connected_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(TendApplication) self = user_data;
  Demo *demo = g_object_get_data (G_OBJECT (self), DEMO_KEY);
  g_autoptr(GError) error = NULL;

  if (!tend_host_connect_finish (TEND_HOST (object), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error);
      return;
    }
  if (demo == NULL)
    return;
  demo->started = TRUE;
  tend_demo_services_start_async (demo->services, demo->host,
                                  tend_engine_get_store_path (demo->engine), demo->cancellable,
                                  services_started_cb, g_object_ref (self));
}

static gboolean
quit_cb (gpointer user_data)
{
  g_application_quit (G_APPLICATION (user_data));
  return G_SOURCE_CONTINUE;
}

/**
 * tend_application_start_demo:
 * @engine: the application's engine, started on tend_demo_dup_database_path()
 *
 * Starts the demo: its three services as transient units of the user's manager, their
 * checks and policy in @engine's database, and reloads @engine. A failure is shown in
 * the window.
 */
void
tend_application_start_demo (TendApplication *self,
                             TendEngine      *engine)
{
  Demo *demo;

  g_return_if_fail (TEND_IS_APPLICATION (self));
  g_return_if_fail (TEND_IS_ENGINE (engine));
  g_return_if_fail (g_object_get_data (G_OBJECT (self), DEMO_KEY) == NULL);

  demo = g_new0 (Demo, 1);
  demo->services = tend_demo_services_new (0, 0);
  demo->host = tend_host_new_local (TEND_HOST_SCOPE_USER);
  demo->engine = g_object_ref (engine);
  demo->cancellable = g_cancellable_new ();
  g_object_set_data_full (G_OBJECT (self), DEMO_KEY, demo, (GDestroyNotify) demo_free);
  /* Ctrl+C in the terminal that started the demo (./tend-dev run) ends it as closing the
   * window does: through the shutdown, which removes the services. */
  demo->signal_ids[0] = g_unix_signal_add (SIGINT, quit_cb, self);
  demo->signal_ids[1] = g_unix_signal_add (SIGTERM, quit_cb, self);

  tend_host_connect_async (demo->host, demo->cancellable, host_connected_cb,
                           g_object_ref (self));
}

/* Shared by tend_application_stop_demo() and the stop's callback; whichever is last
 * frees it (the callback, when the wait timed out). */
typedef struct
{
  TendDemoServices *services;  /* (owned) */
  TendHost *host;              /* (owned) */
  gboolean done;
  gboolean abandoned;
} StopWait;

static void
stop_wait_free (StopWait *wait)
{
  g_clear_object (&wait->services);
  g_clear_object (&wait->host);
  g_free (wait);
}

static void
services_stopped_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  StopWait *wait = user_data;

  tend_demo_services_stop_finish (TEND_DEMO_SERVICES (object), result, NULL);
  if (wait->abandoned)
    stop_wait_free (wait);
  else
    wait->done = TRUE;
}

/* The engine first, so that it does not take the services' going for a failure. */
static void
engine_stopped_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  StopWait *wait = user_data;
  g_autoptr(GError) error = NULL;

  if (!tend_engine_stop_finish (TEND_ENGINE (object), result, &error))
    g_warning ("stopping the demo's monitor: %s", error->message);
  tend_demo_services_stop_async (wait->services, wait->host, NULL, services_stopped_cb, wait);
}

static gboolean
stop_timeout_cb (gpointer user_data)
{
  gboolean *done = user_data;

  *done = TRUE;
  return G_SOURCE_REMOVE;
}

/**
 * tend_application_stop_demo:
 *
 * Ends the demo, from the application's shutdown: stops the engine (a later stop of it
 * does nothing), then the demo's services (they go away), and lets go of the demo. The
 * main loop has stopped by then, so this runs the main context itself until systemd has
 * answered, for at most 5 s.
 */
void
tend_application_stop_demo (TendApplication *self)
{
  Demo *demo;
  gboolean timed_out = FALSE;
  guint timeout_id;

  g_return_if_fail (TEND_IS_APPLICATION (self));

  demo = g_object_get_data (G_OBJECT (self), DEMO_KEY);
  if (demo == NULL)
    return;
  g_cancellable_cancel (demo->cancellable);
  if (demo->started && tend_host_get_connected (demo->host))
    {
      StopWait *wait = g_new0 (StopWait, 1);

      wait->services = g_object_ref (demo->services);
      wait->host = g_object_ref (demo->host);
      tend_engine_stop_async (demo->engine, NULL, engine_stopped_cb, wait);
      timeout_id = g_timeout_add (STOP_TIMEOUT_MSEC, stop_timeout_cb, &timed_out);
      while (!wait->done && !timed_out)
        g_main_context_iteration (NULL, TRUE);
      if (wait->done)
        {
          g_source_remove (timeout_id);
          stop_wait_free (wait);
        }
      else
        {
          wait->abandoned = TRUE;
          g_warning ("the demo's services did not stop within %d s", STOP_TIMEOUT_MSEC / 1000);
        }
    }
  g_object_set_data (G_OBJECT (self), DEMO_KEY, NULL);
}
