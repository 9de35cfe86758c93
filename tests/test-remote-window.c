/* test-remote-window.c — the window's remote hosts: the Add Host dialog's fields, the
 * sidebar row of a host that cannot be reached, its state page, "All Hosts"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Under xvfb-run (suite 'ui'). A remote host here is a real TendHost made from an
 * inventory entry (tend_host_new_for_inventory), whose SSH session tries a loopback
 * port nobody listens on: it is refused at once, so the host is unreachable, as a person
 * would see it. The dialog's Add runs the real tend_host_control_add_async() against a
 * database of the test's own. Writes PNGs (test-screenshot.h): the sidebar with a remote
 * host and its state page, the dialog with its messages, full width, 360 px and dark.
 */
#include <string.h>

#include <glib/gstdio.h>

#include "tend-add-host-dialog-private.h"
#include "tend-host-page.h"
#include "tend-service-list.h"
#include "tend-sidebar-row.h"
#include "tend-window.h"

#define TEST_DEADLINE_MSEC 20000
#include "test-util.h"
#include "test-screenshot.h"

/* A loopback port with nothing behind it: bound, then closed */
static int
closed_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  int port;

  g_assert_true (g_socket_bind (socket, address, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, NULL);
  return port;
}

static TendStore *
open_store (char **dir)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  TendStore *store;

  *dir = g_dir_make_tmp ("tend-remote-window-XXXXXX", NULL);
  path = g_build_filename (*dir, "tend.db", NULL);
  store = tend_store_new (path);
  tend_store_open_async (store, NULL, store_result, &result);
  g_assert_true (tend_store_open_finish (store, wait_for_result (&result), &error));
  g_assert_no_error (error);
  return store;
}

static void
close_store (TendStore *store,
             char      *dir)
{
  g_autofree char *command = g_strdup_printf ("rm -rf %s", dir);

  tend_store_close (store);
  g_object_unref (store);
  g_assert_cmpint (system (command), ==, 0);
  g_free (dir);
}

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

static gpointer
find_first (GtkWidget *widget,
            GType      type)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  collect (widget, type, found);
  return found->len > 0 ? found->pdata[0] : NULL;
}

static TendSidebarRow *
find_row (GtkWidget  *window,
          const char *title)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  collect (window, TEND_TYPE_SIDEBAR_ROW, rows);
  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (tend_sidebar_row_get_title (rows->pdata[i]), title) == 0)
      return rows->pdata[i];
  return NULL;
}

static gboolean
shows_label (GtkWidget  *widget,
             const char *text)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  collect (widget, GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    if (gtk_widget_is_drawable (labels->pdata[i]) &&
        strstr (gtk_label_get_text (labels->pdata[i]), text) != NULL)
      return TRUE;
  return FALSE;
}

static void
shoot (GtkWidget  *widget,
       const char *name)
{
  cairo_surface_t *surface;

  spin (300);
  surface = render_widget (widget);
  save_png (surface, name);
  cairo_surface_destroy (surface);
}

/* ------------------------------------------------------------------------------------ */
/* The Add Host dialog                                                                   */

static void
test_add_host_fields (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tend-remote-window-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "tend.db", NULL);
  g_autoptr(TendStore) store = tend_store_new (path);
  TendAddHostDialog *dialog = tend_add_host_dialog_new (NULL, store);

  gtk_window_present (GTK_WINDOW (dialog));
  spin (200);

  /* Nothing typed yet: no field complains */
  g_assert_null (_tend_add_host_dialog_get_problem (dialog, "address"));
  g_assert_null (_tend_add_host_dialog_get_problem (dialog, "name"));
  g_assert_null (_tend_add_host_dialog_get_problem (dialog, "port"));

  /* The name follows the address, its first label */
  _tend_add_host_dialog_set_text (dialog, "address", "web1.example.com");
  g_assert_cmpstr (_tend_add_host_dialog_get_text (dialog, "name"), ==, "web1");
  g_assert_null (_tend_add_host_dialog_get_problem (dialog, "address"));

  /* Each field says beside it what is wrong, in the inventory's words */
  _tend_add_host_dialog_set_text (dialog, "address", "web 1!");
  g_assert_nonnull (strstr (_tend_add_host_dialog_get_problem (dialog, "address"),
                            "neither a host name nor an IP address"));
  _tend_add_host_dialog_set_text (dialog, "port", "70000");
  g_assert_cmpstr (_tend_add_host_dialog_get_problem (dialog, "port"), ==,
                   "\"70000\" is not a number from 1 to 65535");
  _tend_add_host_dialog_set_text (dialog, "user", "-oProxyCommand=x");
  g_assert_nonnull (strstr (_tend_add_host_dialog_get_problem (dialog, "user"),
                            "user names are 1 to 32 of"));
  _tend_add_host_dialog_set_text (dialog, "name", "my host");
  g_assert_nonnull (strstr (_tend_add_host_dialog_get_problem (dialog, "name"),
                            "names are 1 to 64 of"));
  g_assert_true (shows_label (GTK_WIDGET (dialog), "is not a number from 1 to 65535"));
  shoot (GTK_WIDGET (dialog), "add-host-problems");

  /* Add with problems adds nothing: no connection is tried */
  gtk_widget_activate_action (GTK_WIDGET (dialog), "add-host.add", NULL);
  g_assert_false (_tend_add_host_dialog_get_busy (dialog));

  /* Mended, each problem goes; an empty address is one */
  _tend_add_host_dialog_set_text (dialog, "address", "");
  g_assert_nonnull (strstr (_tend_add_host_dialog_get_problem (dialog, "address"),
                            "name or IP address"));
  _tend_add_host_dialog_set_text (dialog, "address", "10.0.0.5");
  _tend_add_host_dialog_set_text (dialog, "port", "2222");
  _tend_add_host_dialog_set_text (dialog, "user", "deploy");
  _tend_add_host_dialog_set_text (dialog, "name", "web1");
  g_assert_null (_tend_add_host_dialog_get_problem (dialog, "address"));
  g_assert_null (_tend_add_host_dialog_get_problem (dialog, "port"));
  g_assert_null (_tend_add_host_dialog_get_problem (dialog, "user"));
  g_assert_null (_tend_add_host_dialog_get_problem (dialog, "name"));
  g_assert_false (shows_label (GTK_WIDGET (dialog), "is not a number"));
  shoot (GTK_WIDGET (dialog), "add-host");

  gtk_window_set_default_size (GTK_WINDOW (dialog), 360, 640);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_FORCE_DARK);
  shoot (GTK_WIDGET (dialog), "add-host-narrow-dark");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_DEFAULT);

  gtk_window_destroy (GTK_WINDOW (dialog));
  g_rmdir (dir);
}

static gboolean
not_busy_with_problem (gpointer data)
{
  return !_tend_add_host_dialog_get_busy (data) &&
         _tend_add_host_dialog_get_general_problem (data) != NULL;
}

/* A host nobody answers for is not added, and the dialog says why and stays */
static void
test_add_host_refused (void)
{
  char *dir = NULL;
  TendStore *store = open_store (&dir);
  TendAddHostDialog *dialog = tend_add_host_dialog_new (NULL, store);
  g_autofree char *port = g_strdup_printf ("%d", closed_port ());
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TendInventory) inventory = NULL;

  gtk_window_present (GTK_WINDOW (dialog));
  _tend_add_host_dialog_set_text (dialog, "address", "127.0.0.1");
  _tend_add_host_dialog_set_text (dialog, "name", "nobody");
  _tend_add_host_dialog_set_text (dialog, "port", port);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "add-host.add", NULL);
  g_assert_true (wait_until (not_busy_with_problem, dialog));
  g_test_message ("the dialog says: %s", _tend_add_host_dialog_get_general_problem (dialog));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  shoot (GTK_WIDGET (dialog), "add-host-refused");

  /* Nothing was stored */
  tend_store_load_inventory_async (store, NULL, store_result, &result);
  inventory = tend_store_load_inventory_finish (store, wait_for_result (&result), NULL);
  g_assert_nonnull (inventory);
  for (guint i = 0; i < tend_inventory_get_hosts (inventory)->len; i++)
    g_assert_cmpstr (((TendInventoryHost *) tend_inventory_get_hosts (inventory)->pdata[i])->name,
                     !=, "nobody");

  gtk_window_destroy (GTK_WINDOW (dialog));
  close_store (store, dir);
}

/* ------------------------------------------------------------------------------------ */
/* The sidebar and the host's page                                                       */

static gboolean
row_says_unreachable (gpointer data)
{
  return g_strcmp0 (tend_sidebar_row_get_state_word (data), "Unreachable") == 0;
}

static void
test_remote_row (void)
{
  g_autoptr(GListStore) hosts = g_list_store_new (TEND_TYPE_HOST);
  g_autoptr(TendHost) user = tend_host_new_local (TEND_HOST_SCOPE_USER);
  g_autoptr(TendInventoryHost) spec = tend_inventory_host_new ("web1", TEND_HOST_KIND_SSH);
  g_autoptr(TendHost) remote = NULL;
  TendWindow *window;
  TendSidebarRow *row, *user_row, *all_hosts;
  TendHostPage *page;

  g_free (spec->address);
  spec->address = g_strdup ("127.0.0.1");
  spec->port = closed_port ();
  spec->access = TEND_INVENTORY_ACCESS_VIEWER;
  remote = tend_host_new_for_inventory (spec);
  g_list_store_append (hosts, user);
  g_list_store_append (hosts, remote);

  window = g_object_new (TEND_TYPE_WINDOW, "hosts", hosts, NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 640);
  gtk_window_present (GTK_WINDOW (window));
  spin (200);

  /* Under "Remote Hosts", with its state as a word beside an icon */
  row = find_row (GTK_WIDGET (window), "web1");
  user_row = find_row (GTK_WIDGET (window), "Your Services");
  all_hosts = find_row (GTK_WIDGET (window), "All Hosts");
  g_assert_nonnull (row);
  g_assert_nonnull (all_hosts);
  g_assert_true (tend_sidebar_row_get_host (row) == remote);
  g_assert_true (shows_label (GTK_WIDGET (window), "Remote Hosts"));
  g_assert_false (shows_label (GTK_WIDGET (window), "None yet"));
  g_assert_cmpstr (tend_sidebar_row_get_state_word (row), ==, "Connecting…");
  g_assert_null (tend_sidebar_row_get_state_word (user_row));

  /* Refused at once: "Unreachable", and the host's own sentence as the row's tooltip */
  tend_host_connect_async (remote, NULL, NULL, NULL);
  g_assert_true (wait_until (row_says_unreachable, row));
  g_assert_true (shows_label (GTK_WIDGET (row), "Unreachable"));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (GTK_WIDGET (row)), ==,
                   tend_host_get_state_message (remote));
  g_test_message ("web1: %s", tend_host_get_state_message (remote));

  /* Chosen, it shows its state page, not an empty list: what is wrong, what to do */
  gtk_widget_activate (GTK_WIDGET (row));
  spin (300);
  page = find_first (GTK_WIDGET (window), TEND_TYPE_HOST_PAGE);
  g_assert_nonnull (page);
  g_assert_true (gtk_widget_is_drawable (GTK_WIDGET (page)));
  g_assert_cmpstr (tend_host_page_get_title (page), ==, "Host Unreachable");
  g_assert_true (shows_label (GTK_WIDGET (page), "127.0.0.1"));
  shoot (GTK_WIDGET (window), "remote-host-unreachable");

  /* "All Hosts": one list across the hosts, with a Host column */
  gtk_widget_activate (GTK_WIDGET (all_hosts));
  spin (300);
  {
    TendServiceList *list = find_first (GTK_WIDGET (window), TEND_TYPE_SERVICE_LIST);
    gboolean show_host = FALSE;

    g_object_get (list, "show-host", &show_host, NULL);
    g_assert_true (show_host);
    g_assert_true (gtk_widget_is_drawable (GTK_WIDGET (list)));
  }
  g_assert_false (gtk_widget_is_drawable (GTK_WIDGET (page)));

  /* 360 px and dark */
  gtk_widget_activate (GTK_WIDGET (row));
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 640);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_FORCE_DARK);
  spin (400);
  shoot (GTK_WIDGET (window), "remote-host-narrow-dark");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_DEFAULT);

  /* The host leaves (tendctl host remove): its row goes, another row is chosen */
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 640);
  g_list_store_remove (hosts, 1);
  spin (400);
  g_assert_null (find_row (GTK_WIDGET (window), "web1"));
  g_assert_true (shows_label (GTK_WIDGET (window), "None yet"));
  g_assert_true (gtk_list_box_row_is_selected (GTK_LIST_BOX_ROW (user_row)));

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  /* The session reads $HOME/.ssh: the test's own, empty */
  {
    g_autofree char *home = g_dir_make_tmp ("tend-remote-window-home-XXXXXX", NULL);

    g_setenv ("HOME", home, TRUE);
  }
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/add-host/fields", test_add_host_fields);
  g_test_add_func ("/add-host/refused", test_add_host_refused);
  g_test_add_func ("/sidebar/remote-row", test_remote_row);
  return g_test_run ();
}
