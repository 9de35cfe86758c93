/* tend-chart.h — what a history chart says in words: counts, uptime, latency range
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by `tendctl history` (its summary line and --json) and the window's history
 * chart (its accessible description), so both give the same figures.
 */
#pragma once

#include <glib.h>

#include "tend-store.h"

G_BEGIN_DECLS

/**
 * TendChartSummary:
 * @n_pass: results that passed
 * @n_warn: results that warned
 * @n_fail: results that failed
 * @n_unknown: results whose status was unknown
 * @latency_min: the lowest latency in µs over the buckets, -1 when none had one
 * @latency_max: the highest latency in µs over the buckets, -1 when none had one
 * @first_fail_usec: the start of the first bucket with a failure, -1 when none
 * @last_fail_usec: the start of the last bucket with a failure, -1 when none
 *
 * The sum of a run of #TendChartBucket. Start with tend_chart_summary_init(), add one
 * or more arrays of buckets (tendctl reads a window piece by piece) with
 * tend_chart_summary_add().
 */
typedef struct
{
  guint64 n_pass;
  guint64 n_warn;
  guint64 n_fail;
  guint64 n_unknown;
  gint64  latency_min;
  gint64  latency_max;
  gint64  first_fail_usec;
  gint64  last_fail_usec;
} TendChartSummary;

void     tend_chart_summary_init       (TendChartSummary       *summary);
void     tend_chart_summary_add        (TendChartSummary       *summary,
                                        GArray                 *buckets);
guint64  tend_chart_summary_get_total  (const TendChartSummary *summary);
double   tend_chart_summary_get_uptime (const TendChartSummary *summary);

guint64  tend_chart_bucket_get_total   (const TendChartBucket  *bucket);
double   tend_chart_uptime             (GArray                 *buckets);

char    *tend_latency_format           (gint64                  usec);

G_END_DECLS
