/* main.c — the Tend application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Tend"

#include "config.h"

#include <locale.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#include "tend-app-notifier.h"

static GSettings *
tend_settings_new_if_installed (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  /* Run from the build tree without GSETTINGS_SCHEMA_DIR, the schema is not
   * there: the window then simply opens at its default size. */
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE);
  if (schema == NULL)
    {
      g_debug ("schema %s is not installed; window size will not be kept", APPLICATION_ID);
      return NULL;
    }

  return g_settings_new_full (schema, NULL, NULL);
}

static GtkWidget *
tend_main_window_new (AdwApplication *app)
{
  GtkWidget *window;
  GtkWidget *box;
  GtkWidget *header;
  GtkWidget *status;
  GSettings *settings;

  window = adw_application_window_new (GTK_APPLICATION (app));
  gtk_window_set_title (GTK_WINDOW (window), _("Tend"));
  gtk_window_set_default_size (GTK_WINDOW (window), 960, 640);

  settings = tend_settings_new_if_installed ();
  if (settings != NULL)
    {
      g_settings_bind (settings, "window-width", window, "default-width", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (settings, "window-height", window, "default-height",
                       G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (settings, "window-maximized", window, "maximized", G_SETTINGS_BIND_DEFAULT);
      /* The window keeps the settings object for as long as it lives. */
      g_object_set_data_full (G_OBJECT (window), "tend-settings", settings, g_object_unref);
    }

  status = adw_status_page_new ();
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (status), "system-run-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (status), _("Tend"));
  adw_status_page_set_description (ADW_STATUS_PAGE (status),
                                   _("The window that lists your services is on its way. "
                                     "Until then, use tendctl in a terminal."));
  gtk_widget_set_vexpand (status, TRUE);

  header = adw_header_bar_new ();
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), status);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);

  return window;
}

static void
tend_activate (GApplication *app,
               gpointer      user_data)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (tend_main_window_new (ADW_APPLICATION (app)));

  gtk_window_present (window);
}

/* A button of a notification: app.open-unit brings the window; restarting and silencing
 * wait for the engine to run in the window, and are logged until then. */
static void
tend_notification_action_cb (TendNotifier *notifier,
                             const char   *id,
                             const char   *action,
                             GVariant     *target,
                             gpointer      user_data)
{
  const char *host = "";
  const char *unit = "?";

  tend_notification_parse_target (target, &host, &unit);

  g_message ("notification %s: %s %s", id, action, unit);
  if (g_str_equal (action, TEND_NOTIFICATION_ACTION_OPEN))
    g_application_activate (G_APPLICATION (user_data));
}

static void
tend_quit_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AdwApplication) app = NULL;
  g_autoptr(GSimpleAction) quit = NULL;
  g_autoptr(TendAppNotifier) notifier = NULL;
  static const char *quit_accels[] = { "<Control>q", NULL };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_("Tend"));

  app = adw_application_new (APPLICATION_ID, G_APPLICATION_DEFAULT_FLAGS);

  quit = g_simple_action_new ("quit", NULL);
  g_signal_connect (quit, "activate", G_CALLBACK (tend_quit_activated), app);
  g_action_map_add_action (G_ACTION_MAP (app), G_ACTION (quit));
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);

  g_signal_connect (app, "activate", G_CALLBACK (tend_activate), NULL);

  /* Notifications and their buttons (app.restart-unit, app.open-unit,
   * app.silence-unit), registered before the application runs, so a button pressed
   * while Tend is not running starts it and is carried out. */
  notifier = tend_app_notifier_new (G_APPLICATION (app));
  g_signal_connect (notifier, "action-invoked", G_CALLBACK (tend_notification_action_cb), app);

  return g_application_run (G_APPLICATION (app), argc, argv);
}
