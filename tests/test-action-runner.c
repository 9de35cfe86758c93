/* test-action-runner.c — the window's actions against a real systemd
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Suite 'ui', inside tests/sandbox/tend-sandbox (a systemd user manager of its own) and
 * under xvfb-run: tend_action_runner_run() asks, restarts a unit for real and says so in
 * a toast; a unit systemd does not know ends in a dialog with libtend's message.
 */
#include <string.h>

#include "tend-action-runner.h"
#include "tend-application.h"
#include "tend-window.h"
#include "test-util.h"

#define SLEEPER "tend-test-sleeper.service"
#define MISSING "tend-test-not-there.service"

static TendHost *host;

static gboolean
has_label (GtkWidget  *widget,
           const char *text)
{
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), text) != NULL)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_label (child, text))
      return TRUE;
  return FALSE;
}

/* The message dialog among the toplevels whose heading starts with @heading, if any */
static AdwMessageDialog *
find_dialog (const char *heading)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) &&
          g_str_has_prefix (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (window)),
                            heading))
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

static gboolean
confirmation_shown (gpointer data)
{
  return find_dialog ("Restart") != NULL;
}

static gboolean
error_shown (gpointer data)
{
  return find_dialog ("Could not") != NULL;
}

static gboolean
toast_says_restarted (gpointer data)
{
  return has_label (data, "Restarted " SLEEPER);
}

static void
test_restart_for_real (void)
{
  g_autoptr(TendService) service = NULL;
  g_autoptr(GPtrArray) services = g_ptr_array_new ();
  GtkWindow *window = g_object_new (TEND_TYPE_WINDOW, NULL);
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;
  AdwMessageDialog *dialog;
  guint pid_before;

  tend_host_run_action_async (host, SLEEPER, TEND_UNIT_ACTION_START, NULL, store_result,
                              &result);
  g_free (tend_host_run_action_finish (host, wait_for_result (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  service = load_service (host, SLEEPER);
  pid_before = tend_service_get_main_pid (service);
  g_assert_cmpuint (pid_before, >, 0);

  gtk_window_present (window);
  g_ptr_array_add (services, service);
  tend_action_runner_run (GTK_WIDGET (window), TEND_UNIT_ACTION_RESTART, services);
  g_assert_true (wait_until_full (confirmation_shown, NULL, 5000));
  dialog = find_dialog ("Restart");
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Restart " SLEEPER "?");
  adw_message_dialog_response (dialog, "confirm");

  g_assert_true (wait_until_full (toast_says_restarted, window, 30000));
  g_clear_object (&service);
  service = load_service (host, SLEEPER);
  g_assert_cmpuint (tend_service_get_main_pid (service), >, 0);
  g_assert_cmpuint (tend_service_get_main_pid (service), !=, pid_before);
  g_assert_null (find_dialog ("Could not"));
  gtk_window_destroy (window);
}

static void
test_error_dialog (void)
{
  g_autoptr(TendService) service = tend_service_new (MISSING);
  g_autoptr(GPtrArray) services = g_ptr_array_new ();
  GtkWindow *window = g_object_new (TEND_TYPE_WINDOW, NULL);
  AdwMessageDialog *dialog;

  tend_service_set_host (service, host);
  gtk_window_present (window);
  g_ptr_array_add (services, service);
  tend_action_runner_run (GTK_WIDGET (window), TEND_UNIT_ACTION_START, services);

  g_assert_true (wait_until_full (error_shown, NULL, 30000));
  dialog = find_dialog ("Could not");
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Could not start " MISSING);
  /* libtend's message, which names the unit */
  g_test_message ("error: %s", adw_message_dialog_get_body (dialog));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), MISSING));
  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (window);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  if (g_getenv ("TEND_SANDBOX") == NULL)
    {
      g_printerr ("skipped: needs tests/sandbox/tend-sandbox (a systemd user manager of its "
                  "own); meson test action-runner runs it there\n");
      return 77;
    }

  host = tend_host_new_local (TEND_HOST_SCOPE_USER);
  tend_host_connect_async (host, NULL, store_result, &result);
  if (!tend_host_connect_finish (host, wait_for_result (&result), &error))
    g_error ("the sandbox's manager: %s", error->message);
  g_clear_object (&result);

  g_test_add_func ("/action-runner/restart-for-real", test_restart_for_real);
  g_test_add_func ("/action-runner/error-dialog", test_error_dialog);
  status = g_test_run ();
  g_clear_object (&host);
  return status;
}
