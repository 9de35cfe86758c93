/* test-history-chart.c — TendHistoryChart drawn for real (GSK's cairo renderer, Xvfb)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The chart is put in a window and drawn to an image through GtkWidgetPaintable, as
 * the window would draw it: a failure's segment of the state band must look different
 * from a passed one (not only in hue: it is hatched), a gap is left empty, the words
 * (summary, tooltip) name the failures, and 30 days of buckets are drawn in well under
 * the budget of a frame. PNGs of each case, light and dark, go to $TEND_SCREENSHOT_DIR
 * (default: screenshots/ in the build directory of the tests).
 */
#include <adwaita.h>

#include "tend-history-chart.h"

#define TEST_DEADLINE_MSEC 10000
#include "test-util.h"
#include "test-screenshot.h"

#define WIDTH 720
#define HEIGHT 220
#define MARGIN 12

/* 2026-12-05 00:00 UTC, a Saturday */
#define DAY_START G_GINT64_CONSTANT (1796428800000000)
#define QUARTER (15 * TEND_USEC_PER_MIN)

typedef struct
{
  GtkWidget *window;
  TendHistoryChart *chart;
} Fixture;

static gboolean
chart_allocated (gpointer data)
{
  Fixture *fixture = data;

  return gtk_widget_get_mapped (GTK_WIDGET (fixture->chart)) &&
         gtk_widget_get_width (GTK_WIDGET (fixture->chart)) > 0;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->window = gtk_window_new ();
  fixture->chart = TEND_HISTORY_CHART (tend_history_chart_new ());
  g_object_set (fixture->chart,
                "margin-start", MARGIN, "margin-end", MARGIN,
                "margin-top", MARGIN, "margin-bottom", MARGIN,
                NULL);
  gtk_window_set_child (GTK_WINDOW (fixture->window), GTK_WIDGET (fixture->chart));
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), WIDTH, HEIGHT);
  gtk_window_present (GTK_WINDOW (fixture->window));
  g_assert_true (wait_until (chart_allocated, fixture));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_DEFAULT);
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  spin_pending ();
}

static TendChartBucket
make_bucket (gint64  start_usec,
             guint64 n_pass,
             guint64 n_fail,
             gint64  latency_ms)
{
  TendChartBucket bucket = {
    .start_usec = start_usec,
    .n_pass = n_pass,
    .n_fail = n_fail,
    .latency_min = latency_ms * 700,
    .latency_avg = latency_ms * 1000,
    .latency_max = latency_ms * 1400,
  };

  return bucket;
}

/* A day in quarters of an hour: failures from 10:00 to 10:30, nothing from 15:00 to
 * 16:30, and the rest passing with a latency that goes up and down. */
static GArray *
make_day (void)
{
  GArray *buckets = g_array_new (FALSE, TRUE, sizeof (TendChartBucket));

  for (guint i = 0; i < 96; i++)
    {
      TendChartBucket bucket;

      if (i >= 60 && i < 66)
        continue;
      bucket = make_bucket (DAY_START + i * QUARTER, 15, 0, 12 + (i * 7) % 23);
      if (i == 40 || i == 41)
        {
          bucket.n_pass = 10;
          bucket.n_fail = 5;
        }
      g_array_append_val (buckets, bucket);
    }
  return buckets;
}

static cairo_surface_t *
render (Fixture *fixture)
{
  return render_widget (fixture->window);
}

typedef struct
{
  guint8 r, g, b;
} Pixel;

/* The pixel at @x, @y of the chart's own coordinates */
static Pixel
pixel_at (Fixture         *fixture,
          cairo_surface_t *surface,
          double           x,
          double           y)
{
  double wx, wy;
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  guint32 argb;

  g_assert_true (gtk_widget_translate_coordinates (GTK_WIDGET (fixture->chart),
                                                   fixture->window, x, y, &wx, &wy));
  g_assert_cmpint ((int) wx, <, cairo_image_surface_get_width (surface));
  g_assert_cmpint ((int) wy, <, cairo_image_surface_get_height (surface));
  argb = *(const guint32 *) (gconstpointer) (data + (int) wy * stride + (int) wx * 4);
  return (Pixel) { (argb >> 16) & 0xff, (argb >> 8) & 0xff, argb & 0xff };
}

static double
time_x (Fixture *fixture,
        gint64   usec,
        gint64   since,
        gint64   until)
{
  int width = gtk_widget_get_width (GTK_WIDGET (fixture->chart));

  return (double) (usec - since) / (double) (until - since) * width;
}

static int
distance (Pixel a,
          Pixel b)
{
  return ABS (a.r - b.r) + ABS (a.g - b.g) + ABS (a.b - b.b);
}

/* The state band's middle row, found in a column of passed buckets: the lowest run of
 * pixels, above the time labels, where green leads. */
static double
find_band_y (Fixture         *fixture,
             cairo_surface_t *surface,
             double           x)
{
  int height = gtk_widget_get_height (GTK_WIDGET (fixture->chart));
  int bottom = -1;
  int top = -1;

  for (int y = height - 1; y >= 0; y--)
    {
      Pixel p = pixel_at (fixture, surface, x, y);
      gboolean green = p.g > p.r + 40 && p.g > p.b + 20;

      if (green && bottom < 0)
        bottom = y;
      else if (!green && bottom >= 0)
        {
          top = y + 1;
          break;
        }
    }
  g_assert_cmpint (bottom, >=, 0);
  g_assert_cmpint (bottom - top, >=, 6);
  return (top + bottom) / 2.0;
}

/* ------------------------------------------------------------------------------------ */

static void
test_day (Fixture       *fixture,
          gconstpointer  data)
{
  g_autoptr(GArray) buckets = make_day ();
  gint64 until = DAY_START + TEND_USEC_PER_DAY;
  cairo_surface_t *surface;
  const char *summary;
  double pass_x = time_x (fixture, DAY_START + 20 * QUARTER + QUARTER / 2, DAY_START, until);
  double fail_x = time_x (fixture, DAY_START + 41 * QUARTER, DAY_START, until);
  double gap_x = time_x (fixture, DAY_START + 63 * QUARTER, DAY_START, until);
  g_autofree char *tooltip = NULL;
  g_autofree char *gap_tooltip = NULL;
  double band_y;
  Pixel pass, fail, gap;
  int stripes = 0;

  tend_history_chart_set_buckets (fixture->chart, buckets, DAY_START, until);

  /* the words: latency, the failures and when, uptime */
  summary = tend_history_chart_get_summary (fixture->chart);
  g_test_message ("summary: %s", summary);
  g_assert_nonnull (strstr (summary, "10 failures between "));
  g_assert_nonnull (strstr (summary, "uptime 99.2 %"));
  g_assert_nonnull (strstr (summary, "Latency 8.4 ms to "));

  tooltip = tend_history_chart_dup_tooltip_at (fixture->chart, fail_x);
  g_test_message ("tooltip over a failure: %s", tooltip);
  g_assert_nonnull (strstr (tooltip, "10 passed, 5 failed"));
  g_assert_nonnull (strstr (tooltip, "Latency "));
  gap_tooltip = tend_history_chart_dup_tooltip_at (fixture->chart, gap_x);
  g_assert_nonnull (strstr (gap_tooltip, "No results"));

  surface = render (fixture);
  save_png (surface, "history-chart-day-light");

  band_y = find_band_y (fixture, surface, pass_x);
  pass = pixel_at (fixture, surface, pass_x, band_y);
  gap = pixel_at (fixture, surface, gap_x, band_y);

  /* the failure's segment: red, and hatched (two different shades along the row) */
  for (double x = fail_x - QUARTER * 0.0; x < fail_x + 6; x++)
    {
      Pixel p = pixel_at (fixture, surface, x, band_y);
      Pixel next = pixel_at (fixture, surface, x + 1, band_y);

      if (distance (p, next) > 40)
        stripes++;
    }
  fail = pixel_at (fixture, surface, fail_x, band_y);
  g_test_message ("band at y %.0f: pass #%02x%02x%02x, fail #%02x%02x%02x, gap #%02x%02x%02x",
                  band_y, pass.r, pass.g, pass.b, fail.r, fail.g, fail.b, gap.r, gap.g, gap.b);
  g_assert_cmpint (distance (pass, fail), >, 100);
  g_assert_cmpint (fail.r, >, fail.g + 40);
  g_assert_cmpint (stripes, >=, 2);
  /* a gap is left empty: only the band's faint track, close to the window's background */
  g_assert_cmpint (distance (gap, pixel_at (fixture, surface, gap_x, 2)), <, 60);
  g_assert_cmpint (distance (gap, pass), >, 100);
  g_assert_cmpint (distance (gap, fail), >, 100);
  cairo_surface_destroy (surface);

  /* the dark style: the same, with the dark colours */
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_FORCE_DARK);
  surface = render (fixture);
  save_png (surface, "history-chart-day-dark");
  {
    Pixel dark_pass = pixel_at (fixture, surface, pass_x, band_y);
    Pixel dark_fail = pixel_at (fixture, surface, fail_x, band_y);
    Pixel background = pixel_at (fixture, surface, gap_x, 2);

    g_assert_cmpint (background.r + background.g + background.b, <, 3 * 100);
    g_assert_cmpint (distance (dark_pass, dark_fail), >, 100);
    /* the band is a fill: libadwaita's green for fills (#26a269 in the dark style), not
     * its pastel green for text on a dark background (#8ff0a4) */
    g_test_message ("dark band: pass #%02x%02x%02x", dark_pass.r, dark_pass.g, dark_pass.b);
    g_assert_cmpint (dark_pass.r + dark_pass.g + dark_pass.b, <, 400);
  }
  cairo_surface_destroy (surface);

  /* 360 px wide: fewer time labels, none on another */
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 360, HEIGHT);
  spin (100);
  surface = render (fixture);
  save_png (surface, "history-chart-day-narrow");
  cairo_surface_destroy (surface);
}

static void
test_empty (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GArray) buckets = g_array_new (FALSE, TRUE, sizeof (TendChartBucket));
  cairo_surface_t *surface;

  tend_history_chart_set_buckets (fixture->chart, buckets, DAY_START,
                                  DAY_START + TEND_USEC_PER_HOUR);
  g_assert_cmpstr (tend_history_chart_get_summary (fixture->chart), ==,
                   "No results in this period");
  surface = render (fixture);
  save_png (surface, "history-chart-empty");
  cairo_surface_destroy (surface);

  /* NULL is empty, too */
  tend_history_chart_set_buckets (fixture->chart, NULL, DAY_START,
                                  DAY_START + TEND_USEC_PER_HOUR);
  g_assert_cmpstr (tend_history_chart_get_summary (fixture->chart), ==,
                   "No results in this period");
}

static void
test_single (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GArray) buckets = g_array_new (FALSE, TRUE, sizeof (TendChartBucket));
  TendChartBucket bucket = make_bucket (DAY_START + 30 * TEND_USEC_PER_MIN, 4, 0, 20);
  cairo_surface_t *surface;
  g_autofree char *tooltip = NULL;
  const char *summary;

  g_array_append_val (buckets, bucket);
  tend_history_chart_set_buckets (fixture->chart, buckets, DAY_START,
                                  DAY_START + TEND_USEC_PER_HOUR);
  summary = tend_history_chart_get_summary (fixture->chart);
  g_test_message ("summary: %s", summary);
  g_assert_nonnull (strstr (summary, "no failures"));
  g_assert_nonnull (strstr (summary, "uptime 100.0 %"));
  tooltip = tend_history_chart_dup_tooltip_at (fixture->chart,
                                               gtk_widget_get_width (GTK_WIDGET (fixture->chart))
                                               / 2.0 + 1);
  g_assert_nonnull (strstr (tooltip, "4 passed"));
  surface = render (fixture);
  save_png (surface, "history-chart-single");
  cairo_surface_destroy (surface);
}

/* 30 days by the hour, one timeout of 30 s in it */
static void
test_month (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GArray) buckets = g_array_new (FALSE, TRUE, sizeof (TendChartBucket));
  gint64 since = DAY_START - 29 * TEND_USEC_PER_DAY;
  gint64 until = DAY_START + TEND_USEC_PER_DAY;
  gint64 first_usec = G_MAXINT64;
  gint64 cached_usec = G_MAXINT64;
  cairo_surface_t *surface;

  for (guint i = 0; i < 720; i++)
    {
      TendChartBucket bucket = make_bucket (since + i * TEND_USEC_PER_HOUR, 60,
                                            i % 97 == 5 ? 3 : 0, 30 + (i * 13) % 40);

      if (i == 300)
        bucket.latency_max = 30 * TEND_USEC_PER_SEC;
      g_array_append_val (buckets, bucket);
    }

  /* the snapshot vfunc alone, best of 5: first with the geometry to compute, then cached */
  for (guint round = 0; round < 5; round++)
    {
      GtkSnapshot *snapshot;
      gint64 start;

      tend_history_chart_set_buckets (fixture->chart, buckets, since, until);
      for (guint pass = 0; pass < 2; pass++)
        {
          snapshot = gtk_snapshot_new ();
          start = g_get_monotonic_time ();
          GTK_WIDGET_GET_CLASS (fixture->chart)->snapshot (GTK_WIDGET (fixture->chart), snapshot);
          if (pass == 0)
            first_usec = MIN (first_usec, g_get_monotonic_time () - start);
          else
            cached_usec = MIN (cached_usec, g_get_monotonic_time () - start);
          gsk_render_node_unref (gtk_snapshot_free_to_node (snapshot));
        }
    }
  g_test_message ("snapshot of 720 buckets: %" G_GINT64_FORMAT " µs with the geometry, %"
                  G_GINT64_FORMAT " µs cached", first_usec, cached_usec);
  g_assert_cmpint (first_usec, <, 5000);
  g_assert_cmpint (cached_usec, <, 1000);

  g_assert_nonnull (strstr (tend_history_chart_get_summary (fixture->chart), "to 30.0 s"));
  surface = render (fixture);
  save_png (surface, "history-chart-month");
  cairo_surface_destroy (surface);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  g_setenv ("TZ", "UTC", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(name, func) \
  g_test_add ("/history-chart/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("day-with-failures-and-gaps", test_day);
  ADD ("empty", test_empty);
  ADD ("single-bucket", test_single);
  ADD ("month-720-buckets", test_month);
#undef ADD

  return g_test_run ();
}
