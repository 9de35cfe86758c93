/* bench-store.c — TendStore's figures of issue 3
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: bench-store DIR [SERVICES] [RESULTS]
 *
 * 1. Throughput: RESULTS results (default 2,000,000) from SERVICES services (default
 *    1,000, one check each, a result every 10 s of simulated time) through
 *    tend_store_add_result() until all are committed, rollups included. Two mixes:
 *    "every result new" (each one a failure with its own message, so each is a raw row
 *    as well as a count) and "typical" (passes that repeat, one failure per service
 *    every 1,000 results).
 * 2. Chart: with the first database (10,000,000 raw results across 1,000 services when
 *    run with the defaults of bench/run-store), a 24 h chart in 5-minute buckets for
 *    one service, 200 times; median and the slowest.
 * 3. Growth: one simulated day at a 10 s interval for every service, typical mix, on a
 *    fresh database; its size after a checkpoint, per service.
 */
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "tend.h"

#define USEC ((gint64) G_USEC_PER_SEC)

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

static void
flush_or_die (TendStore *store)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  tend_store_flush_async (store, NULL, store_result, &result);
  if (!tend_store_flush_finish (store, wait_for (&result), &error))
    g_error ("flush: %s", error->message);
}

static TendStore *
open_or_die (const char *path)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  TendStore *store = tend_store_new (path);

  tend_store_open_async (store, NULL, store_result, &result);
  if (!tend_store_open_finish (store, wait_for (&result), &error))
    g_error ("open: %s", error->message);
  tend_store_set_queue_limit (store, G_MAXUINT);
  /* Keep everything the benchmark writes: retention is not what is measured. */
  tend_store_set_retention (store, 0, 0, 0);
  return store;
}

/* Feeds @n results for @n_services services starting at @start (µs), @step apart per
 * service; returns the seconds until all were committed. */
static double
feed (TendStore *store,
      guint      n_services,
      guint64    n,
      gint64     start,
      gint64     step,
      gboolean   every_new)
{
  gint64 t0 = g_get_monotonic_time ();
  char message[64];

  for (guint64 i = 0; i < n; i++)
    {
      guint service = (guint) (i % n_services);
      guint64 round = i / n_services;
      TendCheckResult result = {
        .service_id = service + 1,
        .check_id = service + 1,
        .time_usec = start + (gint64) round * step + service * 1000,
        .latency_usec = 500 + (gint64) (i % 700),
      };

      if (every_new)
        {
          g_snprintf (message, sizeof message, "connection refused (%" G_GUINT64_FORMAT ")", i);
          result.status = TEND_RESULT_FAIL;
          result.message = message;
        }
      else if (round % 1000 == 999)
        {
          result.status = TEND_RESULT_FAIL;
          result.message = "connection refused";
        }
      else
        {
          result.status = TEND_RESULT_PASS;
          result.message = "200 OK";
        }
      tend_store_add_result (store, &result);

      /* Let the writer keep up rather than queue millions: a monitor adds results as
       * they come, not all at once. */
      if (i % 20000 == 19999)
        while (tend_store_get_n_waiting (store) > 200000)
          g_usleep (1000);
    }
  flush_or_die (store);
  return (g_get_monotonic_time () - t0) / 1e6;
}

static gint64
file_size (const char *path)
{
  GStatBuf info;

  return g_stat (path, &info) == 0 ? info.st_size : 0;
}

static gint64
checkpointed_size (const char *path)
{
  sqlite3 *db = NULL;
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);

  sqlite3_open (path, &db);
  sqlite3_exec (db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
  sqlite3_close (db);
  return file_size (path) + file_size (wal);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

int
main (int   argc,
      char *argv[])
{
  const char *dir = argc > 1 ? argv[1] : g_get_tmp_dir ();
  guint n_services = argc > 2 ? (guint) g_ascii_strtoull (argv[2], NULL, 10) : 1000;
  guint64 n_results = argc > 3 ? g_ascii_strtoull (argv[3], NULL, 10) : 2000000;
  g_autofree char *path_new = g_build_filename (dir, "bench-every-new.db", NULL);
  g_autofree char *path_typical = g_build_filename (dir, "bench-typical.db", NULL);
  g_autofree char *path_day = g_build_filename (dir, "bench-day.db", NULL);
  gint64 now = g_get_real_time ();
  gint64 step = 10 * USEC;
  gint64 history = (gint64) (n_results / n_services) * step;
  gint64 start = now - history;
  g_autoptr(GArray) chart_ms = g_array_new (FALSE, FALSE, sizeof (double));
  TendStore *store;
  double seconds;
  guint64 n_buckets = 0;
  gint64 size;

  g_unlink (path_new);
  g_unlink (path_typical);
  g_unlink (path_day);

  /* 1. Throughput */
  store = open_or_die (path_new);
  seconds = feed (store, n_services, n_results, start, step, TRUE);
  g_print ("throughput, every result new: %" G_GUINT64_FORMAT " results in %.2f s = %.0f "
           "results/s (each a raw row and a count in 3 rollups)\n",
           n_results, seconds, n_results / seconds);

  /* 2. Chart, on that database */
  for (int i = 0; i < 200; i++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GArray) buckets = NULL;
      g_autoptr(GError) error = NULL;
      gint64 service = 1 + g_random_int_range (0, (int) n_services);
      gint64 t0 = g_get_monotonic_time ();
      double ms;

      tend_store_query_chart_async (store, service, now - 24 * 3600 * USEC, now, 300 * USEC,
                                    NULL, store_result, &result);
      buckets = tend_store_query_chart_finish (store, wait_for (&result), &error);
      ms = (g_get_monotonic_time () - t0) / 1000.0;
      if (buckets == NULL)
        g_error ("chart: %s", error->message);
      n_buckets = buckets->len;
      g_array_append_val (chart_ms, ms);
    }
  g_array_sort (chart_ms, compare_doubles);
  g_print ("chart, 24 h in 5-minute buckets, one service of %u, database of %" G_GUINT64_FORMAT
           " raw results (%.0f MB): median %.3f ms, slowest %.3f ms of 200 (%" G_GUINT64_FORMAT
           " buckets)\n", n_services, n_results, checkpointed_size (path_new) / 1e6,
           g_array_index (chart_ms, double, 100), g_array_index (chart_ms, double, 199), n_buckets);
  tend_store_close (store);
  g_object_unref (store);

  store = open_or_die (path_typical);
  seconds = feed (store, n_services, n_results, start, step, FALSE);
  g_print ("throughput, typical (repeating passes, 1 failure in 1000): %" G_GUINT64_FORMAT
           " results in %.2f s = %.0f results/s\n", n_results, seconds, n_results / seconds);
  tend_store_close (store);
  g_object_unref (store);

  /* 3. Growth: one day of every service at a 10 s interval. */
  store = open_or_die (path_day);
  seconds = feed (store, n_services, (guint64) n_services * 8640, now - 86400 * USEC, step, FALSE);
  tend_store_close (store);
  g_object_unref (store);
  size = checkpointed_size (path_day);
  g_print ("growth, one day at a 10 s interval, typical mix, %u services: %.1f MB, %.3f MB "
           "per service per day\n", n_services, size / 1e6, size / 1e6 / n_services);

  g_unlink (path_new);
  g_unlink (path_typical);
  g_unlink (path_day);
  return 0;
}
