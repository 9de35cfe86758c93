/* bench-list-ui.c — the window's service list with 2,000 services, under a display
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Fills a GListStore with N TendService objects (2,000 unless said) the way a backend
 * does (tend_service_apply_properties), shows TendServiceList in a 1280×800 window,
 * keeps the frame clock ticking and, phase after phase, records every frame's times
 * from GdkFrameClock:
 *  - work: from the frame's before-paint to its after-paint (layout and drawing);
 *  - interval: from one frame's after-paint to the next (what a person sees; at 60 Hz
 *    a frame on time is 16.7 ms, a missed frame shows as about 33 ms);
 *  - busy: the longest time the main loop spent outside frames in a phase's own steps
 *    (a keystroke's filter pass, a filter change, 1,000 property changes).
 * Phases: typing a search (one key every 150 ms, then erasing it), changing filters,
 * scrolling the whole list, and 1,000 units changing state at once (sorted by State;
 * then with the Failed filter on), measured from the change to the end of the frame
 * that shows it. Prints the RSS at the end, and first the cost of the same filter passes
 * on the models alone (the list not yet in a window, so no rows), for comparison.
 *
 * Run: xvfb-run -a -s '-screen 0 1280x800x24' env GSK_RENDERER=cairo \
 *        build/bench/bench-list-ui [N]
 */
#include <adwaita.h>
#include <time.h>

#include "tend-service-list.h"
#include "tend-service-list-private.h"

typedef struct
{
  gint64 start;
  gint64 end;
} Frame;

static GArray *frames;          /* of Frame */
static gint64 frame_start;
static TendServiceList *list;
static GListStore *store;
static GtkWindow *window;

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
percentile (GArray *samples,
            double  p)
{
  if (samples->len == 0)
    return 0;
  g_array_sort (samples, compare_doubles);
  return g_array_index (samples, double, MIN (samples->len - 1, (guint) (p * samples->len)));
}

static void
on_before_paint (GdkFrameClock *clock)
{
  frame_start = g_get_monotonic_time ();
}

static void
on_after_paint (GdkFrameClock *clock)
{
  Frame frame = { frame_start, g_get_monotonic_time () };
  g_array_append_val (frames, frame);
}

static gboolean
keep_ticking (GtkWidget     *widget,
              GdkFrameClock *clock,
              gpointer       data)
{
  return G_SOURCE_CONTINUE;
}

static void
run_until (gint64 deadline)
{
  while (g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (200), TRUE);
}

/* Runs the main loop for @msec. */
static void
spin (guint msec)
{
  run_until (g_get_monotonic_time () + msec * 1000);
}

/* CPU time of this thread, in ms: what a step costs whatever else the machine runs. */
static double
cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static long
rss_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, "VmRSS:");
  return line != NULL ? strtol (line + strlen ("VmRSS:"), NULL, 10) : -1;
}

static void
print_rss (const char *when)
{
  g_autofree char *status = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return;
  lines = g_strsplit (status, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "VmRSS") || g_str_has_prefix (lines[i], "VmHWM"))
      g_print ("%s: %s\n", when, lines[i]);
}

static void
report (const char *phase,
        guint       first_frame,
        double      busy_ms)
{
  g_autoptr(GArray) work = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) interval = g_array_new (FALSE, FALSE, sizeof (double));
  guint late = 0;

  for (guint i = first_frame; i < frames->len; i++)
    {
      Frame *f = &g_array_index (frames, Frame, i);
      double w = (f->end - f->start) / 1000.0;

      g_array_append_val (work, w);
      if (i > first_frame)
        {
          double iv = (f->end - g_array_index (frames, Frame, i - 1).end) / 1000.0;
          g_array_append_val (interval, iv);
          if (iv > 20.0)
            late++;
        }
    }

  g_print ("%-28s frames %4u  work p95 %5.1f max %5.1f ms  interval p95 %5.1f max %5.1f ms"
           "  (>20 ms: %u)  busy max %5.1f ms  RSS %ld MB\n",
           phase, work->len, percentile (work, 0.95), percentile (work, 1.0),
           percentile (interval, 0.95), percentile (interval, 1.0), late, busy_ms,
           rss_kb () / 1024);
}

static TendService *
make_service (guint i)
{
  static const char *suffixes[] = { "service", "service", "service", "socket", "timer",
                                    "target", "mount", "path" };
  g_autofree char *name = g_strdup_printf ("unit-%04u.%s", i, suffixes[i % 8]);
  g_autofree char *description = g_strdup_printf ("Benchmark unit number %u", i);
  TendService *service = tend_service_new (name);
  g_autoptr(GVariant) props = NULL;
  GVariantDict dict;

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "Description", "s", description);
  g_variant_dict_insert (&dict, "LoadState", "s", "loaded");
  g_variant_dict_insert (&dict, "ActiveState", "s", i % 10 == 0 ? "inactive" : "active");
  g_variant_dict_insert (&dict, "SubState", "s", i % 10 == 0 ? "dead" : "running");
  g_variant_dict_insert (&dict, "MemoryCurrent", "t",
                         i % 3 == 0 ? G_MAXUINT64 : (guint64) (i * 7919 % 500) << 20);
  g_variant_dict_insert (&dict, "CPUUsageNSec", "t", (guint64) i * 123456789);
  g_variant_dict_insert (&dict, "ActiveEnterTimestamp", "t",
                         (guint64) (g_get_real_time () - (gint64) i * 60 * G_USEC_PER_SEC));
  g_variant_dict_insert (&dict, "NRestarts", "u", i % 7);
  props = g_variant_ref_sink (g_variant_dict_end (&dict));
  tend_service_apply_properties (service, props);
  tend_service_set_watch_info (service, i % 2 == 0, (TendHealthStatus) (i % 4), NULL, NULL);
  return service;
}

static void
set_states (guint       n,
            const char *active,
            const char *sub)
{
  g_autoptr(GVariant) props = NULL;

  props = g_variant_ref_sink (g_variant_new_parsed ("{'ActiveState': <%s>, 'SubState': <%s>}",
                                                    active, sub));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TendService) service = g_list_model_get_item (G_LIST_MODEL (store), i * 2);
      tend_service_apply_properties (service, props);
    }
}

static gboolean
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* From the change to the end of the first frame after the list's own pass (which runs
 * at G_PRIORITY_HIGH_IDLE, before GTK draws). Returns ms; *busy_ms is the change's own
 * time on the main loop, *pass_ms the list's pass after it (filter or sort, and the
 * column view taking the new rows). */
static double
time_change (guint       n,
             const char *active,
             const char *sub,
             double     *busy_ms,
             double     *pass_ms,
             double     *pass_cpu_ms)
{
  double c0;
  gboolean passed = FALSE;
  gint64 t0;
  guint before;

  spin (100);
  t0 = g_get_monotonic_time ();
  set_states (n, active, sub);
  *busy_ms = (g_get_monotonic_time () - t0) / 1000.0;
  c0 = cpu_ms ();
  g_idle_add_full (G_PRIORITY_HIGH_IDLE + 1, set_flag, &passed, NULL);
  while (!passed)
    g_main_context_iteration (NULL, TRUE);
  *pass_ms = (g_get_monotonic_time () - t0) / 1000.0 - *busy_ms;
  *pass_cpu_ms = cpu_ms () - c0;
  before = frames->len;
  while (frames->len == before)
    g_main_context_iteration (NULL, TRUE);
  return (g_array_index (frames, Frame, frames->len - 1).end - t0) / 1000.0;
}

static double search_busy;
static double search_cpu;
static double search_cpu0;

/* An emission hook runs before the list's own handler. */
static gboolean
on_search_changed_before (GSignalInvocationHint *hint,
                          guint                  n_values,
                          const GValue          *values,
                          gpointer               t0)
{
  *(gint64 *) t0 = g_get_monotonic_time ();
  search_cpu0 = cpu_ms ();
  return TRUE;
}

static void
on_search_changed_after (GtkSearchEntry *entry,
                         gint64         *t0)
{
  search_busy = MAX (search_busy, (g_get_monotonic_time () - *t0) / 1000.0);
  search_cpu = MAX (search_cpu, cpu_ms () - search_cpu0);
}

int
main (int   argc,
      char *argv[])
{
  guint n = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 2000;
  static const char *typed = "unit-12";
  GtkSearchEntry *entry;
  GtkAdjustment *vadjustment;
  GtkWidget *scrolled;
  GdkFrameClock *clock;
  gint64 search_t0 = 0;
  gint64 t0;
  double busy, pass, pass_cpu, max_busy, shown_ms;
  guint first;

  gtk_init ();
  adw_init ();
  print_rss ("after gtk_init");
  frames = g_array_new (FALSE, FALSE, sizeof (Frame));

  t0 = g_get_monotonic_time ();
  store = g_list_store_new (TEND_TYPE_SERVICE);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TendService) service = make_service (i);
      g_list_store_append (store, service);
    }
  g_print ("%u services made in %.1f ms\n", n, (g_get_monotonic_time () - t0) / 1000.0);

  print_rss ("with the services");
  list = TEND_SERVICE_LIST (tend_service_list_new ());
  tend_service_list_set_model (list, G_LIST_MODEL (store));
  /* The models alone: the same filter steps before the list has a window (no rows). */
  {
    static const char *props[] = { "show-failed", "show-watched", "show-unhealthy" };
    double longest = 0;

    for (guint round = 0; round < 2; round++)
      for (guint i = 0; i < G_N_ELEMENTS (props); i++)
        {
          double c0 = cpu_ms ();

          g_object_set (list, props[i], round == 0, NULL);
          longest = MAX (longest, cpu_ms () - c0);
        }
    g_print ("filter passes without rows (models only): longest %.2f ms of CPU\n", longest);
  }

  window = GTK_WINDOW (adw_window_new ());
  gtk_window_set_default_size (window, 1280, 800);
  adw_window_set_content (ADW_WINDOW (window), GTK_WIDGET (list));
  t0 = g_get_monotonic_time ();
  gtk_window_present (window);
  while (!gtk_widget_get_mapped (GTK_WIDGET (list)))
    g_main_context_iteration (NULL, TRUE);

  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  g_signal_connect (clock, "before-paint", G_CALLBACK (on_before_paint), NULL);
  g_signal_connect_after (clock, "after-paint", G_CALLBACK (on_after_paint), NULL);
  while (frames->len == 0)
    g_main_context_iteration (NULL, TRUE);
  g_print ("first frame %.1f ms after present\n",
           (g_array_index (frames, Frame, 0).end - t0) / 1000.0);
  print_rss ("after the first frame");
  gtk_widget_add_tick_callback (GTK_WIDGET (list), keep_ticking, NULL, NULL);
  spin (1000);

  /* Idle, for reference */
  first = frames->len;
  spin (2000);
  report ("idle (ticking)", first, 0);

  /* Typing a search, then erasing it */
  entry = _tend_service_list_get_search_entry (list);
  g_signal_add_emission_hook (g_signal_lookup ("search-changed", GTK_TYPE_SEARCH_ENTRY), 0,
                              on_search_changed_before, &search_t0, NULL);
  g_signal_connect_after (entry, "search-changed", G_CALLBACK (on_search_changed_after),
                          &search_t0);
  tend_service_list_focus_search (list);
  first = frames->len;
  for (guint len = 1; len <= strlen (typed); len++)
    {
      g_autofree char *text = g_strndup (typed, len);
      gtk_editable_set_text (GTK_EDITABLE (entry), text);
      spin (150);
    }
  spin (300);
  g_print ("search \"%s\": %u rows shown\n", typed,
           g_list_model_get_n_items (G_LIST_MODEL (tend_service_list_get_selection (list))));
  for (guint len = strlen (typed); len-- > 0;)
    {
      g_autofree char *text = g_strndup (typed, len);
      gtk_editable_set_text (GTK_EDITABLE (entry), text);
      spin (150);
    }
  spin (300);
  report ("typing a search", first, search_busy);
  g_print ("  longest keystroke pass: %.1f ms of CPU\n", search_cpu);

  /* Filters, through the actions the menu uses */
  first = frames->len;
  max_busy = 0;
  {
    static const char *steps[][2] = {
      { "list.show-failed", NULL }, { "list.show-failed", NULL },
      { "list.show-watched", NULL }, { "list.unit-type", "timer" },
      { "list.show-watched", NULL }, { "list.unit-type", "service" },
      { "list.unit-type", "" }, { "list.show-unhealthy", NULL },
      { "list.show-unhealthy", NULL },
    };

    for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
      {
        double c0 = cpu_ms ();

        t0 = g_get_monotonic_time ();
        if (steps[i][1] != NULL)
          gtk_widget_activate_action (GTK_WIDGET (list), steps[i][0], "s", steps[i][1]);
        else
          gtk_widget_activate_action (GTK_WIDGET (list), steps[i][0], NULL);
        busy = (g_get_monotonic_time () - t0) / 1000.0;
        max_busy = MAX (max_busy, busy);
        g_print ("  %s %s: %.1f ms (CPU %.1f ms), %u rows\n", steps[i][0],
                 steps[i][1] ? steps[i][1] : "", busy, cpu_ms () - c0,
                 g_list_model_get_n_items (G_LIST_MODEL (tend_service_list_get_selection (list))));
        spin (300);
      }
  }
  report ("changing filters", first, max_busy);

  /* Scrolling the whole list, 120 px a frame, and back to the top */
  scrolled = gtk_widget_get_parent (GTK_WIDGET (_tend_service_list_get_column_view (list)));
  vadjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  first = frames->len;
  while (gtk_adjustment_get_value (vadjustment)
         < gtk_adjustment_get_upper (vadjustment) - gtk_adjustment_get_page_size (vadjustment))
    {
      guint before = frames->len;
      gtk_adjustment_set_value (vadjustment, gtk_adjustment_get_value (vadjustment) + 120);
      while (frames->len == before)
        g_main_context_iteration (NULL, TRUE);
    }
  gtk_adjustment_set_value (vadjustment, 0);
  spin (300);
  report ("scrolling 2,000 rows", first, 0);

  /* 1,000 units change state at once: sorted by State, so they move */
  tend_service_list_sort_by (list, TEND_SERVICE_COLUMN_STATE, GTK_SORT_ASCENDING);
  spin (300);
  first = frames->len;
  shown_ms = time_change (n / 2, "failed", "failed", &busy, &pass, &pass_cpu);
  spin (300);
  report ("1,000 fail (sorted by State)", first, busy);
  g_print ("  pass %.1f ms (CPU %.1f ms), shown %.1f ms after the change\n",
           pass, pass_cpu, shown_ms);
  first = frames->len;
  shown_ms = time_change (n / 2, "active", "running", &busy, &pass, &pass_cpu);
  spin (300);
  report ("1,000 recover (sorted)", first, busy);
  g_print ("  pass %.1f ms (CPU %.1f ms), shown %.1f ms after the change\n",
           pass, pass_cpu, shown_ms);

  /* …and with the Failed filter on, so they enter and leave the list */
  g_object_set (list, "show-failed", TRUE, NULL);
  spin (300);
  first = frames->len;
  shown_ms = time_change (n / 2, "failed", "failed", &busy, &pass, &pass_cpu);
  spin (300);
  report ("1,000 fail (Failed filter)", first, busy);
  g_print ("  pass %.1f ms (CPU %.1f ms), shown %.1f ms after the change; %u rows shown\n",
           pass, pass_cpu, shown_ms,
           g_list_model_get_n_items (G_LIST_MODEL (tend_service_list_get_selection (list))));
  first = frames->len;
  shown_ms = time_change (n / 2, "active", "running", &busy, &pass, &pass_cpu);
  spin (300);
  report ("1,000 recover (Failed filter)", first, busy);
  g_print ("  pass %.1f ms (CPU %.1f ms), shown %.1f ms after the change; %u rows shown\n",
           pass, pass_cpu, shown_ms,
           g_list_model_get_n_items (G_LIST_MODEL (tend_service_list_get_selection (list))));

  print_rss ("at the end");
  gtk_window_destroy (window);
  g_object_unref (store);
  g_array_unref (frames);
  return 0;
}
