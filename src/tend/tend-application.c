/* tend-application.c — see tend-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Tend"

#include "config.h"

#include <glib/gi18n.h>

#include "tend-app-notifier.h"
#include "tend-application.h"
#include "tend-demo.h"
#include "tend-window.h"

struct _TendApplication
{
  AdwApplication parent_instance;

  GListStore *hosts;          /* (owned) TendHost */
  TendStore *store;           /* (owned) (nullable) */
  TendAppNotifier *notifier;  /* (owned) (nullable) */
  gboolean demo;              /* --demo: the demo's services, in the demo's database */
  TendEngine *engine;         /* (owned) (nullable) */
};

G_DEFINE_FINAL_TYPE (TendApplication, tend_application, ADW_TYPE_APPLICATION)

static void
tend_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (tend_window_new (TEND_APPLICATION (app)));
  gtk_window_present (window);
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static gint
tend_application_handle_local_options (GApplication *app,
                                       GVariantDict *options)
{
  TendApplication *self = TEND_APPLICATION (app);

  if (g_variant_dict_contains (options, "demo"))
    self->demo = TRUE;
  return -1;
}

static void
engine_started_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(TendApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!tend_engine_start_finish (TEND_ENGINE (object), result, &error))
    {
      g_warning ("the monitor could not start: %s", error->message);
      return;
    }
  if (self->demo)
    tend_application_start_demo (self, self->engine);
}

static void
tend_application_startup (GApplication *app)
{
  TendApplication *self = TEND_APPLICATION (app);
  static const char *quit_accels[] = { "<Control>q", NULL };
  g_autoptr(GSimpleAction) quit = g_simple_action_new ("quit", NULL);

  G_APPLICATION_CLASS (tend_application_parent_class)->startup (app);

  g_signal_connect (quit, "activate", G_CALLBACK (quit_activated), app);
  g_action_map_add_action (G_ACTION_MAP (app), G_ACTION (quit));
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);

  /* Notifications and their buttons (app.restart-unit, app.open-unit, app.silence-unit). */
  self->notifier = tend_app_notifier_new (app);

  /* --demo: the engine runs in-process on the demo's database, not the person's.
   * (Stand-in until the application runs its own engine: then only the path is chosen
   * here, and tend_application_start_demo() is called once that engine has started.) */
  if (self->demo)
    {
      g_autofree char *path = tend_demo_dup_database_path ();

      if (path != NULL)
        {
          self->engine = tend_engine_new (path);
          tend_engine_start_async (self->engine, NULL, engine_started_cb, g_object_ref (self));
        }
    }
}

static void
tend_application_shutdown (GApplication *app)
{
  TendApplication *self = TEND_APPLICATION (app);

  tend_application_stop_demo (self);

  G_APPLICATION_CLASS (tend_application_parent_class)->shutdown (app);
}

static void
tend_application_dispose (GObject *object)
{
  TendApplication *self = TEND_APPLICATION (object);

  g_clear_object (&self->notifier);
  g_clear_object (&self->engine);
  g_clear_object (&self->store);
  g_clear_object (&self->hosts);

  G_OBJECT_CLASS (tend_application_parent_class)->dispose (object);
}

static void
tend_application_class_init (TendApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = tend_application_dispose;
  app_class->activate = tend_application_activate;
  app_class->startup = tend_application_startup;
  app_class->shutdown = tend_application_shutdown;
  app_class->handle_local_options = tend_application_handle_local_options;
}

static void
tend_application_init (TendApplication *self)
{
  self->hosts = g_list_store_new (TEND_TYPE_HOST);

  g_application_add_main_option (G_APPLICATION (self), "demo", 0, G_OPTION_FLAG_NONE,
                                 G_OPTION_ARG_NONE,
                                 _("Show the demo: three services that Tend watches and "
                                   "recovers, in your own service manager"), NULL);
}

TendApplication *
tend_application_new (void)
{
  return g_object_new (TEND_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/io/github/tendapp/Tend",
                       NULL);
}

/**
 * tend_application_get_hosts:
 *
 * Returns: (transfer none): the hosts, #TendHost items: this computer's user and system
 *   managers
 */
GListModel *
tend_application_get_hosts (TendApplication *self)
{
  g_return_val_if_fail (TEND_IS_APPLICATION (self), NULL);
  return G_LIST_MODEL (self->hosts);
}

/**
 * tend_application_get_store:
 *
 * Returns: (transfer none) (nullable): the database, once it is open
 */
TendStore *
tend_application_get_store (TendApplication *self)
{
  g_return_val_if_fail (TEND_IS_APPLICATION (self), NULL);
  return self->store;
}
