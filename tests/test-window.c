/* test-window.c — the main window's frame and the application around it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Under xvfb-run (suite 'ui'). The window is given this computer's two hosts, not
 * connected (the system bus is pointed at a socket that does not exist, so its row says
 * why); the application test runs TendApplication against a database of its own, with
 * the engine's lock held as `tendctl monitor` would hold it. With TEND_SCREENSHOT_DIR
 * set, writes the window as PNGs: full width, 360 px wide, and dark.
 */
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "tend-application.h"
#include "tend-sidebar-row.h"
#include "tend-window.h"

#define TEST_DEADLINE_MSEC 20000
#include "test-dialog.h"
#include "test-util.h"

/* ------------------------------------------------------------------------------------ */
/* Helpers                                                                               */

/* Each widget under @widget (itself first) of @type, in order */
static void
collect (GtkWidget *widget,
         GType      type,
         GPtrArray *found)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    g_ptr_array_add (found, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect (child, type, found);
}

static GPtrArray *
find_all (GtkWidget *widget,
          GType      type)
{
  GPtrArray *found = g_ptr_array_new ();

  collect (widget, type, found);
  return found;
}

/* Whether a label under @widget, shown (drawn), contains @text */
static gboolean
shows_label (GtkWidget  *widget,
             const char *text)
{
  g_autoptr(GPtrArray) labels = find_all (widget, GTK_TYPE_LABEL);

  for (guint i = 0; i < labels->len; i++)
    if (gtk_widget_is_drawable (labels->pdata[i]) &&
        strstr (gtk_label_get_text (labels->pdata[i]), text) != NULL)
      return TRUE;
  return FALSE;
}

static TendSidebarRow *
find_row (GtkWidget  *window,
          const char *title)
{
  g_autoptr(GPtrArray) rows = find_all (window, TEND_TYPE_SIDEBAR_ROW);

  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (tend_sidebar_row_get_title (rows->pdata[i]), title) == 0)
      return rows->pdata[i];
  return NULL;
}

/* This computer's two managers, not connected */
static GListModel *
make_hosts (void)
{
  GListStore *hosts = g_list_store_new (TEND_TYPE_HOST);
  g_autoptr(TendHost) user = tend_host_new_local (TEND_HOST_SCOPE_USER);
  g_autoptr(TendHost) system = tend_host_new_local (TEND_HOST_SCOPE_SYSTEM);

  g_list_store_append (hosts, user);
  g_list_store_append (hosts, system);
  return G_LIST_MODEL (hosts);
}

static TendWindow *
make_window (int width)
{
  g_autoptr(GListModel) hosts = make_hosts ();
  TendWindow *window = g_object_new (TEND_TYPE_WINDOW, "hosts", hosts, NULL);

  gtk_window_set_default_size (GTK_WINDOW (window), width, 640);
  gtk_window_present (GTK_WINDOW (window));
  spin (200);
  return window;
}

/* Writes @window as a PNG into $TEND_SCREENSHOT_DIR, when set */
static void
screenshot (GtkWidget  *window,
            const char *name)
{
  const char *dir = g_getenv ("TEND_SCREENSHOT_DIR");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autofree char *path = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  int width, height;

  if (dir == NULL)
    return;
  spin (400);
  width = gtk_widget_get_width (window);
  height = gtk_widget_get_height (window);
  paintable = gtk_widget_paintable_new (window);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (surface);
  if (node != NULL)
    gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  path = g_build_filename (dir, name, NULL);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  g_test_message ("screenshot: %s", path);
}

/* ------------------------------------------------------------------------------------ */
/* The window                                                                            */

static gboolean
row_has_status (gpointer data)
{
  return g_strcmp0 (tend_sidebar_row_get_status (data), "Unreachable, trying again") == 0;
}

static void
test_sidebar_rows (void)
{
  TendWindow *window = make_window (1000);
  GListModel *hosts = tend_window_get_hosts (window);
  g_autoptr(TendHost) system = g_list_model_get_item (hosts, 1);
  TendSidebarRow *attention = find_row (GTK_WIDGET (window), "Needs Attention");
  TendSidebarRow *all_hosts = find_row (GTK_WIDGET (window), "All Hosts");
  TendSidebarRow *user_row = find_row (GTK_WIDGET (window), "Your Services");
  TendSidebarRow *system_row = find_row (GTK_WIDGET (window), "System Services");
  g_autoptr(GPtrArray) rows = find_all (GTK_WIDGET (window), TEND_TYPE_SIDEBAR_ROW);

  /* "Needs attention", "All hosts", then this computer's user and system managers; no
   * remote host yet, and a way to add one */
  g_assert_cmpuint (rows->len, ==, 4);
  g_assert_true (rows->pdata[0] == attention);
  g_assert_true (rows->pdata[1] == all_hosts);
  g_assert_true (rows->pdata[2] == user_row);
  g_assert_true (rows->pdata[3] == system_row);
  g_assert_true (shows_label (GTK_WIDGET (window), "This Computer"));
  g_assert_true (shows_label (GTK_WIDGET (window), "Remote Hosts"));
  g_assert_true (shows_label (GTK_WIDGET (window), "None yet"));
  g_assert_true (tend_sidebar_row_get_host (user_row) == g_list_model_get_item (hosts, 0));
  g_object_unref (tend_sidebar_row_get_host (user_row));
  g_assert_true (tend_sidebar_row_get_services (user_row) ==
                 tend_host_get_services (tend_sidebar_row_get_host (user_row)));

  /* The user's services are chosen at first */
  g_assert_true (gtk_list_box_row_is_selected (GTK_LIST_BOX_ROW (user_row)));
  g_assert_false (gtk_list_box_row_is_selected (GTK_LIST_BOX_ROW (attention)));

  /* Not connected yet: the rows say so, in words */
  g_assert_cmpstr (tend_sidebar_row_get_status (system_row), ==, "Connecting…");
  g_assert_true (shows_label (GTK_WIDGET (system_row), "Connecting…"));

  /* A host whose bus is missing says so, and the window stands; chosen, its row
   * brings the host's own sentence, which says what to check */
  tend_host_connect_async (system, NULL, NULL, NULL);
  g_assert_true (wait_until (row_has_status, system_row));
  g_assert_true (shows_label (GTK_WIDGET (system_row), "Unreachable, trying again"));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (GTK_WIDGET (system_row)),
                            "this computer (system manager) is unreachable"));
  g_assert_false (shows_label (GTK_WIDGET (window), "Is dbus running?"));
  gtk_widget_activate (GTK_WIDGET (system_row));
  spin (400);
  g_assert_true (shows_label (GTK_WIDGET (window), "Is dbus running?"));
  screenshot (GTK_WIDGET (window), "window-host-unreachable.png");

  /* No failed or unhealthy service: no count shows */
  g_assert_cmpuint (tend_sidebar_row_get_n_failed (user_row), ==, 0);
  g_assert_false (shows_label (GTK_WIDGET (user_row), "failed"));

  /* Choosing "Needs attention" leaves one row chosen across both lists */
  gtk_widget_activate (GTK_WIDGET (attention));
  spin (50);
  g_assert_true (gtk_list_box_row_is_selected (GTK_LIST_BOX_ROW (attention)));
  g_assert_false (gtk_list_box_row_is_selected (GTK_LIST_BOX_ROW (user_row)));

  screenshot (GTK_WIDGET (window), "window-full.png");
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_banner (void)
{
  TendWindow *window = make_window (1000);

  /* Monitoring here: no banner */
  g_object_set (window, "engine-state", TEND_ENGINE_STATE_RUNNING, NULL);
  g_assert_null (tend_window_get_banner (window));
  spin (300);
  g_assert_false (shows_label (GTK_WIDGET (window), "another Tend process"));

  /* tendctl monitor holds the lock: the banner says so, with its pid */
  g_object_set (window, "engine-state", TEND_ENGINE_STATE_ELSEWHERE, "engine-owner", 4242,
                NULL);
  g_assert_nonnull (tend_window_get_banner (window));
  g_assert_nonnull (strstr (tend_window_get_banner (window), "another Tend process (pid 4242)"));
  spin (400);
  g_assert_true (shows_label (GTK_WIDGET (window), "(pid 4242); what you see is its live state"));
  screenshot (GTK_WIDGET (window), "window-banner.png");

  /* It could not start: the banner gives libtend's reason */
  g_object_set (window, "engine-state", TEND_ENGINE_STATE_FAILED,
                "engine-message", "the database is damaged", NULL);
  g_assert_nonnull (strstr (tend_window_get_banner (window), "the database is damaged"));

  /* Back to running here: the banner goes */
  g_object_set (window, "engine-state", TEND_ENGINE_STATE_RUNNING, NULL);
  g_assert_null (tend_window_get_banner (window));
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
is_folded (gpointer data)
{
  return tend_window_get_folded (data);
}

static gboolean
is_unfolded (gpointer data)
{
  return !tend_window_get_folded (data);
}

static GtkWidget *
visible_leaflet_child (TendWindow *window)
{
  g_autoptr(GPtrArray) leaflets = find_all (GTK_WIDGET (window), ADW_TYPE_LEAFLET);

  return adw_leaflet_get_visible_child (leaflets->pdata[0]);
}

/* The headless engine as a user unit: the banner names the unit (in the sandbox only,
 * where a unit of the test's own manager can be started). */
static void
test_banner_unit (void)
{
  const char *start[] = { "systemd-run", "--user", "--quiet", "--unit=tend-test-banner.service",
                          "/bin/sleep", "300", NULL };
  const char *show[] = { "systemctl", "--user", "show", "-p", "MainPID", "--value",
                         "tend-test-banner.service", NULL };
  const char *stop[] = { "systemctl", "--user", "stop", "tend-test-banner.service", NULL };
  g_autofree char *pid_text = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;
  TendWindow *window;
  int status = -1;
  int pid;

  if (g_getenv ("TEND_SANDBOX") == NULL)
    {
      g_test_skip ("needs a user manager of its own: runs in window-sandbox");
      return;
    }
  g_spawn_sync (NULL, (char **) start, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_spawn_sync (NULL, (char **) show, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &pid_text, NULL,
                &status, &error);
  g_assert_no_error (error);
  pid = atoi (pid_text);
  g_assert_cmpint (pid, >, 0);

  window = make_window (1000);
  g_object_set (window, "engine-state", TEND_ENGINE_STATE_ELSEWHERE, "engine-owner", pid,
                NULL);
  expected = g_strdup_printf ("another Tend process, tend-test-banner.service (pid %d)", pid);
  g_assert_nonnull (strstr (tend_window_get_banner (window), expected));
  spin (300);
  g_assert_true (shows_label (GTK_WIDGET (window), expected));

  gtk_window_destroy (GTK_WINDOW (window));
  g_spawn_sync (NULL, (char **) stop, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                NULL, NULL);
}

static void
test_narrow (void)
{
  TendWindow *window = make_window (360);
  TendSidebarRow *system_row = find_row (GTK_WIDGET (window), "System Services");
  g_autoptr(TendService) service = tend_service_new ("web.service");

  /* 360 px: one pane at a time, the sidebar first */
  g_assert_true (wait_until (is_folded, window));
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, 400);
  g_assert_true (gtk_widget_is_ancestor (GTK_WIDGET (system_row),
                                         visible_leaflet_child (window)));
  screenshot (GTK_WIDGET (window), "window-narrow-sidebar.png");

  /* A row chosen: its services slide in, with a way back */
  gtk_widget_activate (GTK_WIDGET (system_row));
  spin (400);
  g_assert_false (gtk_widget_is_ancestor (GTK_WIDGET (system_row),
                                          visible_leaflet_child (window)));
  g_assert_true (shows_label (GTK_WIDGET (window), "System Services"));
  screenshot (GTK_WIDGET (window), "window-narrow-list.png");

  /* A service's page, then back to the list, then back to the sidebar */
  tend_window_show_service (window, service);
  spin (400);
  g_assert_true (tend_window_get_service (window) == service);
  g_assert_true (shows_label (GTK_WIDGET (window), "web.service"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.go-back", NULL));
  spin (50);
  g_assert_null (tend_window_get_service (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.go-back", NULL));
  spin (400);
  g_assert_true (gtk_widget_is_ancestor (GTK_WIDGET (system_row),
                                         visible_leaflet_child (window)));

  /* Wide enough for the sidebar and 360 px of content: both panes; narrower, one */
  gtk_window_set_default_size (GTK_WINDOW (window), 700, 640);
  g_assert_true (wait_until (is_unfolded, window));
  gtk_window_set_default_size (GTK_WINDOW (window), 560, 640);
  g_assert_true (wait_until (is_folded, window));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_show_service (void)
{
  TendWindow *window = make_window (1000);
  g_autoptr(TendService) service = tend_service_new ("backup.service");

  g_assert_null (tend_window_get_service (window));
  tend_window_show_service (window, service);
  spin (300);
  g_assert_true (tend_window_get_service (window) == service);
  g_assert_true (shows_label (GTK_WIDGET (window), "backup.service"));
  g_assert_false (tend_window_get_folded (window));

  /* Going back shows the list again */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.go-back", NULL));
  spin (50);
  g_assert_null (tend_window_get_service (window));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_toast_and_error (void)
{
  TendWindow *window = make_window (1000);
  g_autoptr(GError) error = g_error_new (TEND_ERROR, TEND_ERROR_FAILED,
                                         "unit 'web.service' is not loaded on host 'web1'");
  AdwMessageDialog *dialog;

  tend_window_add_toast (window, adw_toast_new ("web.service restarted"));
  spin (400);
  g_assert_true (shows_label (GTK_WIDGET (window), "web.service restarted"));
  screenshot (GTK_WIDGET (window), "window-toast.png");

  tend_window_show_error (window, "Could not restart web.service", error);
  spin (200);
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==,
                   "Could not restart web.service");
  g_assert_cmpstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), ==,
                   error->message);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (window));
  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_dark (void)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  TendWindow *window;

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  window = make_window (1000);
  g_object_set (window, "engine-state", TEND_ENGINE_STATE_ELSEWHERE, "engine-owner", 4242,
                NULL);
  g_assert_true (adw_style_manager_get_dark (style));
  screenshot (GTK_WIDGET (window), "window-dark.png");
  gtk_window_destroy (GTK_WINDOW (window));
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
}

/* ------------------------------------------------------------------------------------ */
/* The application                                                                       */

typedef struct
{
  TendApplication *app;
  TendEngineState state;
} StateWait;

static gboolean
state_is (gpointer data)
{
  StateWait *wait = data;

  return tend_application_get_engine_state (wait->app) == wait->state;
}

static gboolean
overview_is_there (gpointer data)
{
  return tend_application_get_overview (data) != NULL;
}

typedef struct
{
  char *path;                 /* (owned) the database */
  TendLock *lock;             /* (owned) (nullable) the other monitor's, as it were */
  gboolean kept;              /* it ran on with no window */
} AppTest;

/* Its last window closed a while ago: "run in background" kept it. Quit: the engine
 * stops and lets the lock go. */
static gboolean
app_script_end (gpointer user_data)
{
  TendApplication *app = TEND_APPLICATION (g_application_get_default ());
  AppTest *test = user_data;

  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (app)));
  g_assert_cmpint (tend_lock_get_owner (test->path), ==, getpid ());
  test->kept = TRUE;
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  return G_SOURCE_REMOVE;
}

static gboolean
service_has_details (gpointer data)
{
  return tend_service_get_details_loaded (data);
}

static gboolean
host_has_services (gpointer data)
{
  return tend_host_get_connected (data) &&
         g_list_model_get_n_items (tend_host_get_services (data)) > 0;
}

/* Runs inside g_application_run(), once the application has started and activated. */
static gboolean
app_script (gpointer user_data)
{
  TendApplication *app = TEND_APPLICATION (g_application_get_default ());
  AppTest *test = user_data;
  GtkWindow *window;
  StateWait wait = { app, TEND_ENGINE_STATE_ELSEWHERE };
  TendHost *user;
  g_auto(GStrv) refresh = NULL;
  g_auto(GStrv) search = NULL;
  g_auto(GStrv) quit = NULL;
  GtkWidget *shortcuts;

  /* The application monitors nothing itself, and says who does */
  g_assert_true (wait_until (state_is, &wait));
  g_assert_cmpint (tend_application_get_engine_owner (app), ==, getpid ());
  g_assert_null (tend_application_get_engine (app));
  g_assert_cmpuint (g_list_model_get_n_items (tend_application_get_hosts (app)), ==, 2);
  g_assert_nonnull (tend_application_lookup_host (app, "local-system"));
  g_assert_true (tend_application_lookup_host (app, "") ==
                 tend_application_lookup_host (app, "local-user"));

  /* It reads the store that monitor writes */
  g_assert_true (wait_until (overview_is_there, app));
  g_assert_nonnull (tend_application_get_store (app));

  /* Its window (the activation opened it) follows: the banner with the pid, the rows of
   * the hosts, the store for its pages */
  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_assert_true (TEND_IS_WINDOW (window));
  spin (200);
  g_assert_nonnull (tend_window_get_banner (TEND_WINDOW (window)));
  g_assert_nonnull (strstr (tend_window_get_banner (TEND_WINDOW (window)), "pid"));
  g_assert_nonnull (find_row (GTK_WIDGET (window), "Your Services"));
  g_assert_nonnull (find_row (GTK_WIDGET (window), "System Services"));
  g_assert_true (tend_window_get_store (TEND_WINDOW (window)) ==
                 tend_application_get_store (app));
  g_assert_true (tend_window_get_overview (TEND_WINDOW (window)) ==
                 tend_application_get_overview (app));
  /* With a user manager (in the sandbox), its units fill the list, and its row has
   * nothing to say of its connection */
  user = tend_application_lookup_host (app, "local-user");
  if (g_getenv ("TEND_SANDBOX") != NULL)
    {
      g_assert_true (wait_until (host_has_services, user));
      g_assert_null (tend_sidebar_row_get_status (find_row (GTK_WIDGET (window),
                                                            "Your Services")));
      g_assert_nonnull (tend_host_lookup_service (user, "dbus.service"));
      /* A row on screen has its unit's figures (start time, memory…), which systemd's
       * list of units does not carry: the row asked the host for them. */
      {
        TendService *dbus = tend_host_lookup_service (user, "dbus.service");

        g_assert_true (wait_until (service_has_details, dbus));
        g_assert_cmpint (tend_service_get_active_since (dbus), >, 0);
      }
    }
  else
    {
      g_test_message ("no systemd user manager here (suite 'sandbox' runs one): the user's "
                      "services are not looked at");
    }
  screenshot (GTK_WIDGET (window), "application-elsewhere.png");

  /* The keys, and the window that lists them (gtk/help-overlay.ui, Ctrl+?) */
  refresh = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.refresh");
  search = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.search");
  quit = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.quit");
  g_assert_true (g_strv_contains ((const char * const *) refresh, "F5"));
  g_assert_true (g_strv_contains ((const char * const *) refresh, "<Control>r"));
  g_assert_true (g_strv_contains ((const char * const *) search, "<Control>f"));
  g_assert_true (g_strv_contains ((const char * const *) quit, "<Control>q"));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (window), "show-help-overlay"));
  g_action_group_activate_action (G_ACTION_GROUP (window), "show-help-overlay", NULL);
  spin (300);
  shortcuts = GTK_WIDGET (gtk_application_window_get_help_overlay (
                            GTK_APPLICATION_WINDOW (window)));
  g_assert_true (GTK_IS_SHORTCUTS_WINDOW (shortcuts));
  g_assert_true (gtk_widget_get_visible (shortcuts));
  screenshot (shortcuts, "shortcuts.png");
  gtk_widget_set_visible (shortcuts, FALSE);

  /* The monitor ends: this process takes the watch over, and the banner goes */
  g_clear_pointer (&test->lock, tend_lock_release);
  wait.state = TEND_ENGINE_STATE_RUNNING;
  g_assert_true (wait_until (state_is, &wait));
  g_assert_nonnull (tend_application_get_engine (app));
  g_assert_true (tend_application_get_store (app) ==
                 tend_engine_get_store (tend_application_get_engine (app)));
  g_assert_null (tend_window_get_banner (TEND_WINDOW (window)));
  g_assert_cmpint (tend_lock_get_owner (test->path), ==, getpid ());

  /* A notification's buttons act on the host they name: this one's bus is missing, so
   * each ends in libtend's message, in a dialog over the window */
  g_action_group_activate_action (G_ACTION_GROUP (app), "restart-unit",
                                  g_variant_new ("(ss)", "local-system", "web.service"));
  g_assert_true (wait_until (dialog_shown, NULL));
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (find_message_dialog ())),
                   ==, "Could not restart web.service");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (
                              find_message_dialog ())), "system manager"));
  gtk_window_destroy (GTK_WINDOW (find_message_dialog ()));
  g_action_group_activate_action (G_ACTION_GROUP (app), "open-unit",
                                  g_variant_new ("(ss)", "local-system", "web.service"));
  g_assert_true (wait_until (dialog_shown, NULL));
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (find_message_dialog ())),
                   ==, "Could not open web.service");
  gtk_window_destroy (GTK_WINDOW (find_message_dialog ()));

  /* The window closes; with "run in background" on (the schema's default), the
   * application and its monitoring go on */
  g_assert_nonnull (tend_application_get_settings (app));
  g_assert_true (g_settings_get_boolean (tend_application_get_settings (app),
                                         "run-in-background"));
  gtk_window_close (window);
  g_timeout_add (500, app_script_end, test);
  return G_SOURCE_REMOVE;
}

static void
app_activated_cb (GApplication *app,
                  AppTest      *test)
{
  g_idle_add (app_script, test);
}

static void
test_application_engine (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tend-window-XXXXXX", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TendApplication) app = NULL;
  AppTest test = { NULL, };
  char *argv[] = { (char *) "tend", NULL };

  test.path = g_build_filename (dir, "tend.db", NULL);
  g_setenv ("TEND_DATABASE", test.path, TRUE);

  /* tendctl monitor runs (here: this process holds the lock, as it would) */
  test.lock = tend_lock_acquire (test.path, &error);
  g_assert_no_error (error);

  app = tend_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", G_CALLBACK (app_activated_cb), &test);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 1, argv), ==, 0);

  g_assert_true (test.kept);
  g_assert_cmpint (tend_lock_get_owner (test.path), ==, 0);
  g_unsetenv ("TEND_DATABASE");
  g_free (test.path);
}

int
main (int   argc,
      char *argv[])
{
  /* The build tree's compiled schema, as tend-dev gives the application */
  if (g_getenv ("TEND_TEST_BUILDDIR") != NULL)
    {
      g_autofree char *schemas = g_build_filename (g_getenv ("TEND_TEST_BUILDDIR"), "..", "data",
                                                   NULL);

      g_setenv ("GSETTINGS_SCHEMA_DIR", schemas, TRUE);
    }

  /* The system bus is not there: its host is unreachable, and says so. */
  g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/tend-test-system-bus", TRUE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  {
    /* What AdwApplication loads by itself from its resource base path */
    g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

    gtk_css_provider_load_from_resource (css, "/io/github/tendapp/Tend/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                GTK_STYLE_PROVIDER (css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }

  g_test_add_func ("/window/sidebar-rows", test_sidebar_rows);
  g_test_add_func ("/window/banner", test_banner);
  g_test_add_func ("/window/banner-unit", test_banner_unit);
  g_test_add_func ("/window/narrow", test_narrow);
  g_test_add_func ("/window/show-service", test_show_service);
  g_test_add_func ("/window/toast-and-error", test_toast_and_error);
  g_test_add_func ("/window/dark", test_dark);
  g_test_add_func ("/application/engine-elsewhere-then-here", test_application_engine);

  return g_test_run ();
}
