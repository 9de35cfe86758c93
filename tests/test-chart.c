/* test-chart.c — what a history chart says in words (tend-chart.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <locale.h>

#include "tend.h"

static TendChartBucket
bucket (gint64  start_usec,
        guint64 n_pass,
        guint64 n_warn,
        guint64 n_fail,
        gint64  latency_min)
{
  TendChartBucket b = {
    .start_usec = start_usec,
    .n_pass = n_pass,
    .n_warn = n_warn,
    .n_fail = n_fail,
    .latency_min = latency_min,
    .latency_avg = latency_min < 0 ? -1 : latency_min * 2,
    .latency_max = latency_min < 0 ? -1 : latency_min * 3,
  };

  return b;
}

static void
test_summary (void)
{
  g_autoptr(GArray) morning = g_array_new (FALSE, TRUE, sizeof (TendChartBucket));
  g_autoptr(GArray) evening = g_array_new (FALSE, TRUE, sizeof (TendChartBucket));
  TendChartBucket b;
  TendChartSummary summary;

  tend_chart_summary_init (&summary);
  g_assert_cmpuint (tend_chart_summary_get_total (&summary), ==, 0);
  g_assert_cmpfloat (tend_chart_summary_get_uptime (&summary), ==, -1);
  g_assert_cmpint (summary.latency_min, ==, -1);
  g_assert_cmpint (summary.first_fail_usec, ==, -1);

  b = bucket (1000, 10, 0, 0, 5000);
  g_array_append_val (morning, b);
  b = bucket (2000, 5, 1, 4, -1);  /* no latency: leaves the range alone */
  g_array_append_val (morning, b);
  b = bucket (9000, 20, 0, 0, 2000);
  g_array_append_val (evening, b);
  b = bucket (7000, 0, 0, 1, 8000);
  g_array_append_val (evening, b);

  /* two arrays added up, as tendctl history reads a window piece by piece */
  tend_chart_summary_add (&summary, morning);
  tend_chart_summary_add (&summary, evening);
  g_assert_cmpuint (summary.n_pass, ==, 35);
  g_assert_cmpuint (summary.n_warn, ==, 1);
  g_assert_cmpuint (summary.n_fail, ==, 5);
  g_assert_cmpuint (tend_chart_summary_get_total (&summary), ==, 41);
  g_assert_cmpfloat_with_epsilon (tend_chart_summary_get_uptime (&summary),
                                  100.0 * 35 / 41, 1e-9);
  g_assert_cmpint (summary.latency_min, ==, 2000);
  g_assert_cmpint (summary.latency_max, ==, 24000);
  g_assert_cmpint (summary.first_fail_usec, ==, 2000);
  g_assert_cmpint (summary.last_fail_usec, ==, 7000);

  g_assert_cmpfloat_with_epsilon (tend_chart_uptime (morning), 100.0 * 15 / 20, 1e-9);
  g_array_set_size (morning, 0);
  g_assert_cmpfloat (tend_chart_uptime (morning), ==, -1);
}

static void
test_latency_format (void)
{
  static const struct
  {
    gint64 usec;
    const char *text;
  } cases[] = {
    { -1, "–" },
    { 0, "0 µs" },
    { 850, "850 µs" },
    { 4200, "4.2 ms" },
    { 38400, "38 ms" },
    { 999499, "999 ms" },
    { 1250000, "1.25 s" },
    { 12500000, "12.5 s" },
    { 125 * G_USEC_PER_SEC + 300000, "2min 5s" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = tend_latency_format (cases[i].usec);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/chart/summary", test_summary);
  g_test_add_func ("/chart/latency-format", test_latency_format);

  return g_test_run ();
}
