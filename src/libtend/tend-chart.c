/* tend-chart.c — see tend-chart.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Tend-Store"

#include "tend-chart.h"

#include "tend-duration.h"

/**
 * tend_chart_summary_init:
 * @summary: a #TendChartSummary to fill
 *
 * Sets @summary to the sum of no buckets: no results, no latency, no failure.
 */
void
tend_chart_summary_init (TendChartSummary *summary)
{
  g_return_if_fail (summary != NULL);

  *summary = (TendChartSummary) {
    .latency_min = -1,
    .latency_max = -1,
    .first_fail_usec = -1,
    .last_fail_usec = -1,
  };
}

/**
 * tend_chart_summary_add:
 * @summary: a #TendChartSummary, initialised with tend_chart_summary_init()
 * @buckets: (element-type TendChartBucket): buckets, oldest first, as
 *   tend_store_query_chart_finish() gives them
 *
 * Adds the counts of @buckets to @summary and widens its latency range.
 */
void
tend_chart_summary_add (TendChartSummary *summary,
                        GArray           *buckets)
{
  g_return_if_fail (summary != NULL);
  g_return_if_fail (buckets != NULL);
  g_return_if_fail (g_array_get_element_size (buckets) == sizeof (TendChartBucket));

  for (guint i = 0; i < buckets->len; i++)
    {
      const TendChartBucket *bucket = &g_array_index (buckets, TendChartBucket, i);

      summary->n_pass += bucket->n_pass;
      summary->n_warn += bucket->n_warn;
      summary->n_fail += bucket->n_fail;
      summary->n_unknown += bucket->n_unknown;

      if (bucket->latency_min >= 0)
        summary->latency_min = summary->latency_min < 0
                               ? bucket->latency_min
                               : MIN (summary->latency_min, bucket->latency_min);
      if (bucket->latency_max >= 0)
        summary->latency_max = MAX (summary->latency_max, bucket->latency_max);

      if (bucket->n_fail > 0)
        {
          if (summary->first_fail_usec < 0 || bucket->start_usec < summary->first_fail_usec)
            summary->first_fail_usec = bucket->start_usec;
          summary->last_fail_usec = MAX (summary->last_fail_usec, bucket->start_usec);
        }
    }
}

/**
 * tend_chart_summary_get_total:
 *
 * Returns: how many results @summary counts, whatever their status
 */
guint64
tend_chart_summary_get_total (const TendChartSummary *summary)
{
  g_return_val_if_fail (summary != NULL, 0);

  return summary->n_pass + summary->n_warn + summary->n_fail + summary->n_unknown;
}

/**
 * tend_chart_summary_get_uptime:
 *
 * Uptime is the share of results that passed, as `tendctl history` has always said it.
 *
 * Returns: the uptime in percent (0 to 100), or -1 when @summary counts no result
 */
double
tend_chart_summary_get_uptime (const TendChartSummary *summary)
{
  guint64 total;

  g_return_val_if_fail (summary != NULL, -1);

  total = tend_chart_summary_get_total (summary);
  if (total == 0)
    return -1;
  return 100.0 * (double) summary->n_pass / (double) total;
}

/**
 * tend_chart_bucket_get_total:
 *
 * Returns: how many results @bucket counts, whatever their status
 */
guint64
tend_chart_bucket_get_total (const TendChartBucket *bucket)
{
  g_return_val_if_fail (bucket != NULL, 0);

  return bucket->n_pass + bucket->n_warn + bucket->n_fail + bucket->n_unknown;
}

/**
 * tend_chart_uptime:
 * @buckets: (element-type TendChartBucket): buckets
 *
 * Returns: the share of passed results in @buckets in percent, or -1 when there is none
 */
double
tend_chart_uptime (GArray *buckets)
{
  TendChartSummary summary;

  g_return_val_if_fail (buckets != NULL, -1);

  tend_chart_summary_init (&summary);
  tend_chart_summary_add (&summary, buckets);
  return tend_chart_summary_get_uptime (&summary);
}

/**
 * tend_latency_format:
 * @usec: a latency in microseconds
 *
 * A latency for a person to read: "850 µs", "4.2 ms", "38 ms", "1.25 s", "12.5 s",
 * and past a minute as tend_duration_format() says it ("2min 5s"). The decimal mark is
 * the locale's.
 *
 * Returns: (transfer full): the text; "–" for a negative @usec (no latency)
 */
char *
tend_latency_format (gint64 usec)
{
  if (usec < 0)
    return g_strdup ("–");
  if (usec < TEND_USEC_PER_MSEC)
    return g_strdup_printf ("%" G_GINT64_FORMAT " µs", usec);
  if (usec < 10 * TEND_USEC_PER_MSEC)
    return g_strdup_printf ("%.1f ms", (double) usec / TEND_USEC_PER_MSEC);
  if (usec < TEND_USEC_PER_SEC)
    return g_strdup_printf ("%" G_GINT64_FORMAT " ms",
                            (usec + TEND_USEC_PER_MSEC / 2) / TEND_USEC_PER_MSEC);
  if (usec < 10 * TEND_USEC_PER_SEC)
    return g_strdup_printf ("%.2f s", (double) usec / TEND_USEC_PER_SEC);
  if (usec < TEND_USEC_PER_MIN)
    return g_strdup_printf ("%.1f s", (double) usec / TEND_USEC_PER_SEC);
  return tend_duration_format (usec - usec % TEND_USEC_PER_SEC);
}
