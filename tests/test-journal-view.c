/* test-journal-view.c — TendJournalView on a real unit's journal (sandbox and Xvfb)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs inside tests/sandbox/tend-sandbox (a systemd user manager and journald), which
 * runs xvfb-run, which runs this program: see tests/meson.build. The unit
 * tend-test-journal-view.service writes lines at three priorities, and one more on
 * SIGUSR1. The view shows them; with Follow on, a line written afterwards appears;
 * "errors only" leaves the info and warning lines out; the search narrows; Copy puts
 * the text on the clipboard; and no journalctl is left running once the view is hidden,
 * given another service or destroyed. Screenshots (light, dark, 360 px wide) go to
 * $TEND_SCREENSHOT_DIR (default: screenshots/ in the tests' build directory).
 */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <adwaita.h>

#include "tend-journal-line.h"
#include "tend-journal-view.h"

#define TEST_DEADLINE_MSEC 15000
#include "test-util.h"
#include "test-screenshot.h"

#define UNIT "tend-test-journal-view.service"

typedef struct
{
  TendHost *host;
  TendService *service;
  GtkWidget *window;
  TendJournalView *view;
} Fixture;

/* ------------------------------------------------------------------------------------ */
/* Helpers                                                                               */

/* How many journalctl processes this test started that still exist (zombies too) */
static guint
count_journalctl (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc", 0, NULL);
  pid_t self = getpid ();
  const char *name;
  guint n = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *stat = NULL;
      const char *close_paren;
      char state;
      int ppid;

      if (!g_ascii_isdigit (name[0]))
        continue;
      path = g_build_filename ("/proc", name, "stat", NULL);
      if (!g_file_get_contents (path, &stat, NULL, NULL))
        continue;
      /* "PID (COMM) STATE PPID ..." */
      close_paren = strrchr (stat, ')');
      if (close_paren == NULL || sscanf (close_paren + 1, " %c %d", &state, &ppid) != 2)
        continue;
      if (ppid == self && strstr (stat, "(journalctl)") != NULL)
        n++;
    }
  return n;
}

static gboolean
no_journalctl_now (gpointer data)
{
  return count_journalctl () == 0;
}

static gboolean
some_journalctl_now (gpointer data)
{
  return count_journalctl () > 0;
}

static gboolean
one_journalctl_now (gpointer data)
{
  return count_journalctl () == 1;
}

static gboolean
wake_up (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* wait_until() for a condition of /proc, which no event of the main loop announces:
 * the loop wakes every 10 ms to look again. */
static gboolean
wait_polling (gboolean (*condition) (gpointer))
{
  guint id = g_timeout_add (10, wake_up, NULL);
  gint64 start = g_get_monotonic_time ();
  gboolean holds = wait_until (condition, NULL);

  g_source_remove (id);
  g_test_message ("waited %" G_GINT64_FORMAT " ms for journalctl to %s",
                  (g_get_monotonic_time () - start) / 1000,
                  condition == no_journalctl_now ? "be gone" :
                  condition == one_journalctl_now ? "be one" : "start");
  return holds;
}

static gboolean
no_journalctl (void)
{
  return wait_polling (no_journalctl_now);
}

static gboolean
some_journalctl (void)
{
  return wait_polling (some_journalctl_now);
}

/* The shown line whose message is @message, or -1 */
static int
find_shown (TendJournalView *view,
            const char      *message)
{
  GListModel *shown = tend_journal_view_get_shown (view);

  for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr(TendJournalLine) line = g_list_model_get_item (shown, i);

      if (g_str_equal (tend_journal_line_get_message (line), message))
        return (int) i;
    }
  return -1;
}

typedef struct
{
  TendJournalView *view;
  const char *message;
} Wanted;

static gboolean
line_shown (gpointer data)
{
  Wanted *wanted = data;

  return find_shown (wanted->view, wanted->message) >= 0;
}

static void
wait_for_line (TendJournalView *view,
               const char      *message)
{
  Wanted wanted = { view, message };

  if (!wait_until (line_shown, &wanted))
    g_error ("the journal view did not show \"%s\" within %d ms", message, TEST_DEADLINE_MSEC);
}

static guint
n_shown (TendJournalView *view)
{
  return g_list_model_get_n_items (tend_journal_view_get_shown (view));
}

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_descendant (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
read_text_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  char **text = user_data;
  g_autoptr(GError) error = NULL;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (object), result, &error);
  g_assert_no_error (error);
}

static gboolean
text_arrived (gpointer data)
{
  return *(char **) data != NULL;
}

static char *
read_clipboard (GtkWidget *widget)
{
  char *text = NULL;

  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (widget), NULL, read_text_cb, &text);
  g_assert_true (wait_until (text_arrived, &text));
  return text;
}

static void
screenshot (Fixture    *fixture,
            const char *name)
{
  g_autofree char *full_name = g_strconcat ("journal-view-", name, NULL);
  cairo_surface_t *surface;

  spin (50);
  surface = render_widget (fixture->window);
  save_png (surface, full_name);
  cairo_surface_destroy (surface);
}

static gboolean
view_mapped (gpointer data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (data));
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *box;

  fixture->host = tend_host_new_local (TEND_HOST_SCOPE_USER);
  tend_host_connect_async (fixture->host, NULL, store_result, &result);
  g_assert_true (tend_host_connect_finish (fixture->host, wait_for_result (&result), &error));
  g_assert_no_error (error);

  run_action (fixture->host, UNIT, TEND_UNIT_ACTION_RESTART);
  fixture->service = load_service (fixture->host, UNIT);
  g_assert_nonnull (fixture->service);

  fixture->window = gtk_window_new ();
  gtk_window_set_title (GTK_WINDOW (fixture->window), "Journal");
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 800, 420);
  fixture->view = TEND_JOURNAL_VIEW (tend_journal_view_new ());
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  g_object_set (fixture->view, "margin-start", 12, "margin-end", 12, "margin-top", 12,
                "margin-bottom", 12, "vexpand", TRUE, NULL);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (fixture->view));
  gtk_window_set_child (GTK_WINDOW (fixture->window), box);
  gtk_window_present (GTK_WINDOW (fixture->window));
  g_assert_true (wait_until (view_mapped, fixture->view));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_DEFAULT);
  if (fixture->window != NULL)
    gtk_window_destroy (GTK_WINDOW (fixture->window));
  /* no journalctl outlives its view */
  g_assert_true (no_journalctl ());
  g_clear_object (&fixture->service);
  g_clear_object (&fixture->host);
}

/* ------------------------------------------------------------------------------------ */
/* Tests                                                                                 */

static void
test_follow_filter_search_copy (Fixture       *fixture,
                                gconstpointer  data)
{
  TendJournalView *view = fixture->view;
  GtkColumnView *column_view;
  g_autofree char *all = NULL;
  g_autofree char *one = NULL;
  guint pid;

  g_assert_true (tend_journal_view_get_follow (view));
  tend_journal_view_set_service (view, fixture->service);
  g_assert_true (tend_journal_view_get_reading (view));

  /* the last lines, all priorities */
  wait_for_line (view, "tend-jv info two");
  g_assert_cmpint (find_shown (view, "tend-jv info one"), >=, 0);
  g_assert_cmpint (find_shown (view, "tend-jv warning"), >=, 0);
  g_assert_cmpint (find_shown (view, "tend-jv error"), >=, 0);
  g_assert_cmpint (find_shown (view, "tend-jv late error"), <, 0);
  g_assert_cmpuint (count_journalctl (), ==, 1);

  /* following: a line the unit writes now */
  pid = tend_service_get_main_pid (fixture->service);
  g_assert_cmpuint (pid, >, 0);
  g_assert_cmpint (kill ((pid_t) pid, SIGUSR1), ==, 0);
  wait_for_line (view, "tend-jv late error");
  screenshot (fixture, "follow");

  /* search narrows, whatever the case */
  tend_journal_view_set_search_text (view, "WARNING");
  g_assert_cmpuint (n_shown (view), ==, 1);
  g_assert_cmpint (find_shown (view, "tend-jv warning"), ==, 0);
  tend_journal_view_set_search_text (view, "tend-jv info");
  g_assert_cmpuint (n_shown (view), ==, 2);
  screenshot (fixture, "search");
  tend_journal_view_set_search_text (view, "no such line anywhere");
  g_assert_cmpuint (n_shown (view), ==, 0);
  tend_journal_view_set_search_text (view, "tend-jv");
  g_assert_cmpuint (n_shown (view), ==, 5);

  /* Copy with nothing selected: every line shown, as journalctl shows them */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "journal.copy", NULL));
  all = read_clipboard (GTK_WIDGET (view));
  g_test_message ("copied:\n%s", all);
  g_assert_nonnull (strstr (all, "]: tend-jv info one\n"));
  g_assert_nonnull (strstr (all, "]: tend-jv warning\n"));
  g_assert_nonnull (strstr (all, "]: tend-jv late error\n"));
  {
    g_auto(GStrv) lines = g_strsplit (all, "\n", -1);

    /* five lines and the empty string after the last newline */
    g_assert_cmpuint (g_strv_length (lines), ==, 6);
  }

  /* Copy with one line selected: that line */
  column_view = GTK_COLUMN_VIEW (find_descendant (GTK_WIDGET (view), GTK_TYPE_COLUMN_VIEW));
  g_assert_nonnull (column_view);
  gtk_selection_model_select_item (gtk_column_view_get_model (column_view),
                                   (guint) find_shown (view, "tend-jv warning"), TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "journal.copy", NULL));
  one = read_clipboard (GTK_WIDGET (view));
  g_assert_true (g_str_has_suffix (one, "]: tend-jv warning\n"));
  /* one line only: its newline is the last character */
  g_assert_true (strchr (one, '\n') == one + strlen (one) - 1);
  tend_journal_view_set_search_text (view, "");

  /* errors only: read again at that priority; the info and warning lines go */
  tend_journal_view_set_max_priority (view, 3);
  wait_for_line (view, "tend-jv late error");
  wait_for_line (view, "tend-jv error");
  g_assert_cmpint (find_shown (view, "tend-jv info one"), <, 0);
  g_assert_cmpint (find_shown (view, "tend-jv info two"), <, 0);
  g_assert_cmpint (find_shown (view, "tend-jv warning"), <, 0);
  for (guint i = 0; i < n_shown (view); i++)
    {
      g_autoptr(TendJournalLine) line = g_list_model_get_item (tend_journal_view_get_shown (view),
                                                               i);

      g_assert_cmpint (tend_journal_line_get_priority (line), <=, 3);
    }
  /* one journalctl: the one before was ended */
  g_assert_true (wait_polling (one_journalctl_now));
  tend_journal_view_set_max_priority (view, -1);
  wait_for_line (view, "tend-jv info one");

  /* Follow off: the lines stay, journalctl ends */
  tend_journal_view_set_follow (view, FALSE);
  g_assert_false (tend_journal_view_get_reading (view));
  g_assert_true (no_journalctl ());
  g_assert_cmpint (find_shown (view, "tend-jv info one"), >=, 0);
  tend_journal_view_set_follow (view, TRUE);
  g_assert_true (tend_journal_view_get_reading (view));
  wait_for_line (view, "tend-jv info one");

  /* the dark style, and a narrow window */
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_FORCE_DARK);
  screenshot (fixture, "dark");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_DEFAULT);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 360, 420);
  spin (200);
  screenshot (fixture, "narrow");
}

/* Hidden, given another service, or destroyed: the follow's journalctl ends each time */
static void
test_no_leaked_journalctl (Fixture       *fixture,
                           gconstpointer  data)
{
  TendJournalView *view = fixture->view;

  tend_journal_view_set_service (view, fixture->service);
  wait_for_line (view, "tend-jv info two");
  g_assert_cmpuint (count_journalctl (), ==, 1);

  /* unmapped: no read */
  gtk_widget_set_visible (fixture->window, FALSE);
  g_assert_false (tend_journal_view_get_reading (view));
  g_assert_true (no_journalctl ());

  /* mapped again: reads again */
  gtk_widget_set_visible (fixture->window, TRUE);
  g_assert_true (wait_until (view_mapped, view));
  g_assert_true (tend_journal_view_get_reading (view));
  g_assert_true (some_journalctl ());
  wait_for_line (view, "tend-jv info two");

  /* no service */
  tend_journal_view_set_service (view, NULL);
  g_assert_false (tend_journal_view_get_reading (view));
  g_assert_cmpuint (n_shown (view), ==, 0);
  g_assert_true (no_journalctl ());

  /* destroyed while following: the tear-down checks that its journalctl is gone */
  tend_journal_view_set_service (view, fixture->service);
  g_assert_true (some_journalctl ());
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  fixture->window = NULL;
  g_assert_true (no_journalctl ());
}

static guint
count_shown (TendJournalView *view,
             const char      *message)
{
  GListModel *shown = tend_journal_view_get_shown (view);
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr(TendJournalLine) line = g_list_model_get_item (shown, i);

      n += g_str_equal (tend_journal_line_get_message (line), message);
    }
  return n;
}

typedef struct
{
  TendJournalView *view;
  const char *message;
  guint n;
} Count;

static gboolean
count_reached (gpointer data)
{
  Count *count = data;

  return count_shown (count->view, count->message) >= count->n;
}

/* Has the unit write @n_lines lines of @message (SIGUSR1: one "tend-jv late error",
 * SIGUSR2: twenty "tend-jv burst") and waits for the view to show them */
static void
write_lines (Fixture    *fixture,
             int         signal_number,
             const char *message,
             guint       n_lines)
{
  Count count = { fixture->view, message, count_shown (fixture->view, message) + n_lines };

  g_assert_cmpint (kill ((pid_t) tend_service_get_main_pid (fixture->service), signal_number),
                   ==, 0);
  g_assert_true (wait_until (count_reached, &count));
  /* a frame: the list is laid out and scrolled */
  spin (50);
}

/* How many labels saying @text are shown inside @viewport (the list recycles its rows:
 * what counts is where they are now) */
static guint
count_visible_labels (GtkWidget  *widget,
                      GtkWidget  *viewport,
                      const char *text)
{
  guint n = 0;

  if (!gtk_widget_get_mapped (widget) || !gtk_widget_get_child_visible (widget))
    return 0;

  if (GTK_IS_LABEL (widget) && g_str_equal (gtk_label_get_label (GTK_LABEL (widget)), text))
    {
      double x, y;
      int height = gtk_widget_get_height (widget);

      g_assert_true (gtk_widget_translate_coordinates (widget, viewport, 0, 0, &x, &y));
      return y >= 0 && y + height <= gtk_widget_get_height (viewport);
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += count_visible_labels (child, viewport, text);
  return n;
}

static gboolean
at_end (GtkAdjustment *adjustment)
{
  return gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment) >=
         gtk_adjustment_get_upper (adjustment) - 8;
}

/* While following, the view keeps to the newest line, unless the person scrolled up */
static void
test_keeps_to_the_end (Fixture       *fixture,
                       gconstpointer  data)
{
  TendJournalView *view = fixture->view;
  GtkScrolledWindow *scrolled;
  GtkAdjustment *adjustment;

  tend_journal_view_set_service (view, fixture->service);
  wait_for_line (view, "tend-jv info two");
  scrolled = GTK_SCROLLED_WINDOW (gtk_widget_get_ancestor (find_descendant (GTK_WIDGET (view),
                                                                            GTK_TYPE_COLUMN_VIEW),
                                                           GTK_TYPE_SCROLLED_WINDOW));
  adjustment = gtk_scrolled_window_get_vadjustment (scrolled);

  /* more lines than fit: the newest stays in sight */
  write_lines (fixture, SIGUSR2, "tend-jv burst 20", 1);
  g_assert_cmpfloat (gtk_adjustment_get_upper (adjustment), >,
                     gtk_adjustment_get_page_size (adjustment) + 100);
  g_test_message ("after the burst: value %.0f, page %.0f, upper %.0f, %u lines",
                  gtk_adjustment_get_value (adjustment), gtk_adjustment_get_page_size (adjustment),
                  gtk_adjustment_get_upper (adjustment), n_shown (view));
  g_assert_true (at_end (adjustment));
  g_assert_cmpuint (count_visible_labels (GTK_WIDGET (scrolled), GTK_WIDGET (scrolled),
                                          "tend-jv burst 20"), ==, 1);
  g_assert_cmpuint (count_visible_labels (GTK_WIDGET (scrolled), GTK_WIDGET (scrolled),
                                          "tend-jv burst 1"), ==, 0);
  screenshot (fixture, "end");

  /* scrolled up: a new line does not pull the view down */
  gtk_adjustment_set_value (adjustment, 0);
  write_lines (fixture, SIGUSR1, "tend-jv late error", 1);
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, 0);
  g_assert_cmpuint (count_visible_labels (GTK_WIDGET (scrolled), GTK_WIDGET (scrolled),
                                          "tend-jv burst 20"), ==, 0);

  /* back at the end: it keeps to it again */
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) -
                                        gtk_adjustment_get_page_size (adjustment));
  write_lines (fixture, SIGUSR1, "tend-jv late error", 1);
  g_assert_true (at_end (adjustment));
  g_assert_cmpuint (count_visible_labels (GTK_WIDGET (scrolled), GTK_WIDGET (scrolled),
                                          "tend-jv burst 20"), ==, 1);
  g_assert_cmpuint (count_visible_labels (GTK_WIDGET (scrolled), GTK_WIDGET (scrolled),
                                          "tend-jv late error"), >=, 1);
}

int
main (int   argc,
      char *argv[])
{
  if (g_getenv ("TEND_SANDBOX") == NULL)
    {
      g_print ("1..0 # SKIP needs the systemd sandbox: run through tests/sandbox/tend-sandbox\n");
      return 0;
    }

  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(name, func) \
  g_test_add ("/journal-view/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("follow-filter-search-copy", test_follow_filter_search_copy);
  ADD ("no-leaked-journalctl", test_no_leaked_journalctl);
  ADD ("keeps-to-the-end", test_keeps_to_the_end);
#undef ADD

  return g_test_run ();
}
