/* test-store.c — TendStore on real SQLite files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE
#include <sched.h>
#include <sqlite3.h>
#include <sys/mount.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "tend.h"
#include "tend-store-private.h"
#include "test-sqlite.h"
#include "test-util.h"

#define MINUTE ((gint64) 60 * G_USEC_PER_SEC)
#define HOUR (60 * MINUTE)

typedef struct
{
  char *dir;
  char *path;
  TendStore *store;
} Fixture;

static gboolean
open_store (TendStore  *store,
            GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  tend_store_open_async (store, NULL, store_result, &result);
  return tend_store_open_finish (store, wait_for_result (&result), error);
}

static gboolean
flush_store (TendStore  *store,
             GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  tend_store_flush_async (store, NULL, store_result, &result);
  return tend_store_flush_finish (store, wait_for_result (&result), error);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("tend-store-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "sub", "tend.db", NULL);
  fixture->store = tend_store_new (fixture->path);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->store);
  remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
}

static void
add (TendStore        *store,
     gint64            check_id,
     gint64            time_usec,
     TendResultStatus  status,
     gint64            latency_usec,
     const char       *message)
{
  TendCheckResult result = { 1, check_id, time_usec, status, latency_usec, message };

  tend_store_add_result (store, &result);
}

/* ------------------------------------------------------------------------------------ */

static void
test_open_creates_schema (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *mode = NULL;

  g_assert_true (open_store (fixture->store, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (fixture->path, G_FILE_TEST_EXISTS));
  tend_store_close (fixture->store);

  g_assert_cmpint (query_int (fixture->path, "PRAGMA user_version"), ==, TEND_STORE_SCHEMA_VERSION);
  g_assert_cmpint (query_int (fixture->path, "PRAGMA application_id"), ==, 0x54656e64);
  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM sqlite_master WHERE "
                                             "name IN ('hosts', 'services', 'checks', 'policies', "
                                             "'check_results', 'rollups', 'incidents', "
                                             "'restart_attempts', 'audit', 'config')"), ==, 10);
  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM pragma_journal_mode "
                                             "WHERE journal_mode = 'wal'"), ==, 1);

  /* Opening again leaves it be. */
  g_clear_object (&fixture->store);
  fixture->store = tend_store_new (fixture->path);
  g_assert_true (open_store (fixture->store, &error));
  g_assert_no_error (error);
}

static void
test_raw_rows_say_something_new (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  gint64 t0 = g_get_real_time () - HOUR;  /* within every retention */

  g_assert_true (open_store (fixture->store, &error));

  add (fixture->store, 7, t0, TEND_RESULT_PASS, 1000, "200 OK");            /* first: kept */
  add (fixture->store, 7, t0 + 10, TEND_RESULT_PASS, 1200, "200 OK");       /* same: counted */
  add (fixture->store, 7, t0 + 20, TEND_RESULT_PASS, 900, "200 OK");        /* same: counted */
  add (fixture->store, 7, t0 + 30, TEND_RESULT_FAIL, -1, "refused");        /* change: kept */
  add (fixture->store, 7, t0 + 40, TEND_RESULT_FAIL, -1, "refused");        /* failure: kept */
  add (fixture->store, 7, t0 + 50, TEND_RESULT_PASS, 1100, "200 OK");       /* change: kept */
  g_assert_true (flush_store (fixture->store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (tend_store_get_n_committed (fixture->store), ==, 6);

  tend_store_query_history_async (fixture->store, 1, t0, t0 + HOUR, 100, NULL, store_result,
                                  &result);
  rows = tend_store_query_history_finish (fixture->store, wait_for_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 4);
  /* newest first */
  g_assert_cmpint (((TendStoredResult *) rows->pdata[0])->time_usec, ==, t0 + 50);
  g_assert_cmpint (((TendStoredResult *) rows->pdata[1])->status, ==, TEND_RESULT_FAIL);
  g_assert_cmpint (((TendStoredResult *) rows->pdata[1])->latency_usec, ==, -1);
  g_assert_cmpstr (((TendStoredResult *) rows->pdata[3])->message, ==, "200 OK");

  /* A store opened anew remembers what was said last: a repeat is not news. */
  g_clear_object (&fixture->store);
  fixture->store = tend_store_new (fixture->path);
  g_assert_true (open_store (fixture->store, &error));
  add (fixture->store, 7, t0 + 60, TEND_RESULT_PASS, 1000, "200 OK");
  g_assert_true (flush_store (fixture->store, &error));
  tend_store_close (fixture->store);
  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM check_results"), ==, 4);
  g_assert_cmpint (query_int (fixture->path, "SELECT n_pass FROM rollups WHERE resolution = 60 "
                                             "AND check_id = 7"), ==, 5);
}

static void
test_rollups_and_chart (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GArray) chart = NULL;
  gint64 now = g_get_real_time ();
  gint64 day = now - now % (24 * HOUR) - 24 * HOUR;  /* yesterday's midnight */
  TendChartBucket *b;

  g_assert_true (open_store (fixture->store, &error));

  /* Two checks of one service, over two 5-minute buckets. */
  add (fixture->store, 1, day + 1 * MINUTE, TEND_RESULT_PASS, 100, NULL);
  add (fixture->store, 2, day + 2 * MINUTE, TEND_RESULT_PASS, 300, NULL);
  add (fixture->store, 1, day + 4 * MINUTE, TEND_RESULT_FAIL, -1, "timeout");
  add (fixture->store, 1, day + 6 * MINUTE, TEND_RESULT_WARN, 500, "slow");
  g_assert_true (flush_store (fixture->store, &error));
  /* More for the same minute later: the rollup row grows, it is not replaced. */
  add (fixture->store, 2, day + 6 * MINUTE + 1, TEND_RESULT_PASS, 50, NULL);
  g_assert_true (flush_store (fixture->store, &error));

  tend_store_query_chart_async (fixture->store, 1, day, day + HOUR, 5 * MINUTE, NULL,
                                store_result, &result);
  chart = tend_store_query_chart_finish (fixture->store, wait_for_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (chart->len, ==, 2);

  b = &g_array_index (chart, TendChartBucket, 0);
  g_assert_cmpint (b->start_usec, ==, day);
  g_assert_cmpuint (b->n_pass, ==, 2);
  g_assert_cmpuint (b->n_fail, ==, 1);
  g_assert_cmpint (b->latency_min, ==, 100);
  g_assert_cmpint (b->latency_avg, ==, 200);
  g_assert_cmpint (b->latency_max, ==, 300);

  b = &g_array_index (chart, TendChartBucket, 1);
  g_assert_cmpint (b->start_usec, ==, day + 5 * MINUTE);
  g_assert_cmpuint (b->n_warn, ==, 1);
  g_assert_cmpuint (b->n_pass, ==, 1);
  g_assert_cmpint (b->latency_min, ==, 50);
  g_assert_cmpint (b->latency_max, ==, 500);
  g_clear_pointer (&chart, g_array_unref);
  g_clear_object (&result);

  /* A window that starts mid-minute is widened to the whole minute, and read from
   * minute rollups: the results at minutes 4 and 6 (three of them) are in it. */
  tend_store_query_chart_async (fixture->store, 1, day + 3 * MINUTE + 10 * G_USEC_PER_SEC,
                                day + HOUR, HOUR, NULL, store_result, &result);
  chart = tend_store_query_chart_finish (fixture->store, wait_for_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (chart->len, ==, 1);
  b = &g_array_index (chart, TendChartBucket, 0);
  g_assert_cmpint (b->start_usec, ==, day + 3 * MINUTE);
  g_assert_cmpuint (b->n_pass + b->n_warn + b->n_fail + b->n_unknown, ==, 3);
  g_clear_pointer (&chart, g_array_unref);
  g_clear_object (&result);

  /* A daily chart reads the day rollups: all five results in one bucket. */
  tend_store_query_chart_async (fixture->store, 1, day, day + 24 * HOUR, 24 * HOUR, NULL,
                                store_result, &result);
  chart = tend_store_query_chart_finish (fixture->store, wait_for_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (chart->len, ==, 1);
  b = &g_array_index (chart, TendChartBucket, 0);
  g_assert_cmpuint (b->n_pass + b->n_warn + b->n_fail + b->n_unknown, ==, 5);
}

static void
test_audit (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  TendAuditRecord ok = { 1000, "alice", TEND_AUDIT_ORIGIN_CLI, "local-user", "web.service",
                         "restart", NULL, "done", NULL, 1500 };
  TendAuditRecord refused = { 2000, "alice", TEND_AUDIT_ORIGIN_GUI, "local-system", "db.service",
                              "stop", "{\"force\":false}", NULL, "not allowed", 20 };
  const TendAuditRecord *row;

  g_assert_true (open_store (fixture->store, &error));
  tend_store_add_audit (fixture->store, &ok);
  tend_store_add_audit (fixture->store, &refused);

  /* No flush first: a query includes what waits. */
  tend_store_query_audit_async (fixture->store, 0, 10, NULL, store_result, &result);
  rows = tend_store_query_audit_finish (fixture->store, wait_for_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 2);
  row = rows->pdata[0];
  g_assert_cmpint (row->time_usec, ==, 2000);
  g_assert_cmpint (row->origin, ==, TEND_AUDIT_ORIGIN_GUI);
  g_assert_cmpstr (row->error, ==, "not allowed");
  g_assert_cmpstr (row->parameters, ==, "{\"force\":false}");
  g_assert_null (row->result);
  row = rows->pdata[1];
  g_assert_cmpstr (row->operation, ==, "restart");
  g_assert_cmpint (row->duration_usec, ==, 1500);
}

static void
test_ensure_service (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 ids[3];
  const char *units[3] = { "a.service", "b.service", "a.service" };

  g_assert_true (open_store (fixture->store, &error));
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GAsyncResult) result = NULL;

      tend_store_ensure_service_async (fixture->store, "local-user", units[i], NULL,
                                       store_result, &result);
      ids[i] = tend_store_ensure_service_finish (fixture->store, wait_for_result (&result), &error);
      g_assert_no_error (error);
    }
  g_assert_cmpint (ids[0], >, 0);
  g_assert_cmpint (ids[1], !=, ids[0]);
  g_assert_cmpint (ids[2], ==, ids[0]);
}

static void
test_retention (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  gint64 now = g_get_real_time ();
  gint64 day = 24 * HOUR;
  gint64 deleted;

  g_assert_true (open_store (fixture->store, &error));
  tend_store_set_retention (fixture->store, 0, 0, 0);

  /* Oldest first, as a monitor writes them; each a failure, so each a raw row. */
  add (fixture->store, 1, now - 40 * day, TEND_RESULT_FAIL, 10, "a");
  add (fixture->store, 1, now - 10 * day, TEND_RESULT_FAIL, 10, "b");
  add (fixture->store, 1, now - 2 * day, TEND_RESULT_FAIL, 10, "c");
  /* "d" is never in the same hour as "e" */
  add (fixture->store, 1, now - 3 * HOUR, TEND_RESULT_FAIL, 10, "d");
  add (fixture->store, 1, now - MINUTE, TEND_RESULT_FAIL, 10, "e");
  g_assert_true (flush_store (fixture->store, &error));

  /* Raw results for a day, minute rollups for 30 days, hour rollups for 35. */
  tend_store_set_retention (fixture->store, day, 30 * day, 35 * day);
  tend_store_prune_async (fixture->store, NULL, store_result, &result);
  deleted = tend_store_prune_finish (fixture->store, wait_for_result (&result), &error);
  g_assert_no_error (error);
  tend_store_close (fixture->store);

  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM check_results"), ==, 2);
  g_assert_cmpint (query_int (fixture->path, "SELECT min(time_usec) FROM check_results"), >,
                   now - day);
  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM rollups "
                                             "WHERE resolution = 60"), ==, 4);
  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM rollups "
                                             "WHERE resolution = 3600"), ==, 4);
  /* Day rollups stay. */
  g_assert_cmpint (query_int (fixture->path, "SELECT sum(n_fail) FROM rollups "
                                             "WHERE resolution = 86400"), ==, 5);
  g_assert_cmpint (deleted, ==, 3 + 1 + 1);
}

static void
test_config_values (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) values = NULL;
  const char *keys[] = { "checks.default-interval", "checks.default-interval", "retention.raw" };
  const char *texts[] = { "20s", "15s", "3d" };

  g_assert_true (open_store (fixture->store, &error));
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autoptr(GAsyncResult) result = NULL;

      tend_store_save_config_async (fixture->store, keys[i], texts[i], NULL, store_result,
                                    &result);
      g_assert_true (tend_store_save_config_finish (fixture->store, wait_for_result (&result),
                                                    &error));
      g_assert_no_error (error);
    }
  {
    g_autoptr(GAsyncResult) result = NULL;

    /* Back to the default: the stored value goes. */
    tend_store_save_config_async (fixture->store, "retention.raw", NULL, NULL, store_result,
                                  &result);
    g_assert_true (tend_store_save_config_finish (fixture->store, wait_for_result (&result),
                                                  &error));
  }
  {
    g_autoptr(GAsyncResult) result = NULL;

    tend_store_load_config_async (fixture->store, NULL, store_result, &result);
    values = tend_store_load_config_finish (fixture->store, wait_for_result (&result), &error);
    g_assert_no_error (error);
  }
  g_assert_cmpuint (g_hash_table_size (values), ==, 1);
  g_assert_cmpstr (g_hash_table_lookup (values, "checks.default-interval"), ==, "15s");
}

static void
test_incidents (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) opened = NULL;
  g_autoptr(GAsyncResult) queried = NULL;
  g_autoptr(GAsyncResult) looked_up = NULL;
  g_autoptr(GPtrArray) incidents = NULL;
  TendRestartAttempt attempt = { 1, 0, 2000, "unit failed", "restart", TRUE, 350000, NULL };
  TendIncident *incident;
  gint64 id;

  g_assert_true (open_store (fixture->store, &error));
  tend_store_open_incident_async (fixture->store, 1, 1000, "critical", "unit failed", NULL,
                                  store_result, &opened);
  id = tend_store_open_incident_finish (fixture->store, wait_for_result (&opened), &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);

  attempt.incident_id = id;
  tend_store_add_restart_attempt (fixture->store, &attempt);
  tend_store_update_incident (fixture->store, id, NULL, "{\"action\":\"restart\"}", NULL, 0);
  /* Actions are appended to what the incident holds. */
  tend_store_update_incident (fixture->store, id, NULL, "{\"action\":\"notified\"}", NULL, 3000);

  tend_store_query_incidents_async (fixture->store, 1, 10, NULL, store_result, &queried);
  incidents = tend_store_query_incidents_finish (fixture->store, wait_for_result (&queried),
                                                 &error);
  g_assert_no_error (error);
  g_assert_cmpuint (incidents->len, ==, 1);
  incident = incidents->pdata[0];
  g_assert_cmpint (incident->id, ==, id);
  g_assert_cmpstr (incident->worst_severity, ==, "critical");
  g_assert_cmpstr (incident->actions, ==, "[{\"action\":\"restart\"},{\"action\":\"notified\"}]");
  g_assert_cmpint (incident->closed_usec, ==, 3000);

  /* A service nobody watches has no records: not found, and not added. */
  tend_store_lookup_service_async (fixture->store, "local-user", "nope.service", NULL,
                                   store_result, &looked_up);
  g_assert_cmpint (tend_store_lookup_service_finish (fixture->store, wait_for_result (&looked_up),
                                                     &error), ==, -1);
  g_assert_error (error, TEND_ERROR, TEND_ERROR_NOT_FOUND);

  tend_store_close (fixture->store);
  g_assert_cmpint (query_int (fixture->path, "SELECT duration_usec FROM restart_attempts "
                                             "WHERE success = 1"), ==, 350000);
  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM services"), ==, 0);
}

/* An attempt is on record from its start; one a stopped monitor left running is closed
 * as interrupted, and its incident says so. */
static void
test_attempt_interrupted (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) opened = NULL;
  TendRestartAttempt done = { 1, 0, 2000, "unit failed", "restart", TRUE, 350000, NULL };
  TendRestartAttempt cut = { 1, 0, 5000, "unit failed", "restart", FALSE, 0, NULL };
  gint64 id;

  g_assert_true (open_store (fixture->store, &error));
  tend_store_open_incident_async (fixture->store, 1, 1000, "critical", "unit failed", NULL,
                                  store_result, &opened);
  id = tend_store_open_incident_finish (fixture->store, wait_for_result (&opened), &error);
  g_assert_no_error (error);

  /* One begun and completed; one begun only, its incident not yet known to it. */
  tend_store_begin_restart_attempt (fixture->store, &done);
  done.incident_id = id;
  tend_store_add_restart_attempt (fixture->store, &done);
  tend_store_begin_restart_attempt (fixture->store, &cut);
  g_assert_true (flush_store (fixture->store, &error));
  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM restart_attempts"), ==, 2);
  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM restart_attempts "
                                             "WHERE state = 'running'"), ==, 1);
  g_assert_cmpint (query_int (fixture->path, "SELECT incident_id FROM restart_attempts "
                                             "WHERE state = 'done' AND duration_usec = 350000"),
                   ==, id);

  /* Read back newest first, the one under way included; and from a time on */
  {
    g_autoptr(GAsyncResult) queried = NULL;
    g_autoptr(GPtrArray) attempts = NULL;
    const TendStoredAttempt *row;

    tend_store_query_restart_attempts_async (fixture->store, 1, 0, 10, NULL, store_result,
                                             &queried);
    attempts = tend_store_query_restart_attempts_finish (fixture->store,
                                                         wait_for_result (&queried), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (attempts->len, ==, 2);
    row = attempts->pdata[0];
    g_assert_cmpint (row->time_usec, ==, 5000);
    g_assert_cmpstr (row->state, ==, "running");
    g_assert_false (row->success);
    row = attempts->pdata[1];
    g_assert_cmpint (row->time_usec, ==, 2000);
    g_assert_cmpstr (row->state, ==, "done");
    g_assert_true (row->success);
    g_assert_cmpint (row->incident_id, ==, id);
    g_assert_cmpint (row->duration_usec, ==, 350000);
    g_assert_cmpstr (row->strategy, ==, "restart");
    g_assert_cmpstr (row->reason, ==, "unit failed");
    g_clear_object (&queried);
    g_clear_pointer (&attempts, g_ptr_array_unref);

    tend_store_query_restart_attempts_async (fixture->store, 1, 3000, 10, NULL, store_result,
                                             &queried);
    attempts = tend_store_query_restart_attempts_finish (fixture->store,
                                                         wait_for_result (&queried), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (attempts->len, ==, 1);
    g_clear_object (&queried);
    g_clear_pointer (&attempts, g_ptr_array_unref);

    tend_store_query_restart_attempts_async (fixture->store, 2, 0, 10, NULL, store_result,
                                             &queried);
    attempts = tend_store_query_restart_attempts_finish (fixture->store,
                                                         wait_for_result (&queried), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (attempts->len, ==, 0);
  }

  tend_store_close_interrupted_attempts (fixture->store);
  tend_store_close (fixture->store);
  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM restart_attempts "
                                             "WHERE state = 'running'"), ==, 0);
  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM restart_attempts "
                                             "WHERE state = 'interrupted' AND time_usec = 5000 "
                                             "AND error LIKE 'interrupted: %'"), ==, 1);
  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM incidents, "
                                             "json_each (incidents.actions) AS a WHERE "
                                             "json_extract (a.value, '$.action') = "
                                             "'interrupted'"), ==, 1);
}

/* The uptime of a chart: passes over all results, none when there are none */
static void
test_chart_uptime (void)
{
  g_autoptr(GArray) buckets = g_array_new (FALSE, TRUE, sizeof (TendChartBucket));
  TendChartBucket first = { 0, 3, 1, 0, 0, -1, -1, -1 };
  TendChartBucket second = { 60000000, 4, 0, 1, 1, -1, -1, -1 };

  g_assert_cmpfloat (tend_chart_uptime (buckets), ==, -1);
  g_array_append_val (buckets, first);
  g_assert_cmpfloat_with_epsilon (tend_chart_uptime (buckets), 75.0, 1e-9);
  g_array_append_val (buckets, second);
  g_assert_cmpfloat_with_epsilon (tend_chart_uptime (buckets), 70.0, 1e-9);
}

static char *
checksum_of (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
}

static void
test_newer_schema_refused (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  sqlite3 *db = NULL;

  g_assert_true (open_store (fixture->store, &error));
  tend_store_close (fixture->store);
  g_clear_object (&fixture->store);

  /* As a newer Tend would leave it. */
  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA journal_mode = DELETE; PRAGMA user_version = 99",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  before = checksum_of (fixture->path);

  fixture->store = tend_store_new (fixture->path);
  g_assert_false (open_store (fixture->store, &error));
  g_assert_error (error, TEND_ERROR, TEND_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (error->message, "newer Tend (schema 99"));
  g_assert_nonnull (strstr (error->message, "left as it is"));
  tend_store_close (fixture->store);

  after = checksum_of (fixture->path);
  g_assert_cmpstr (before, ==, after);
}

static void
test_corrupt_file_refused (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = g_path_get_dirname (fixture->path);
  g_autofree char *after = NULL;
  char garbage[8192];

  for (guint i = 0; i < sizeof garbage; i++)
    garbage[i] = (char) (i * 7 + 3);
  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_assert_true (g_file_set_contents (fixture->path, garbage, sizeof garbage, NULL));

  g_assert_false (open_store (fixture->store, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, fixture->path));
  g_assert_nonnull (strstr (error->message, "left as it is"));
  tend_store_close (fixture->store);

  /* Kept, byte for byte. */
  {
    g_autofree char *contents = NULL;
    gsize length;

    g_assert_true (g_file_get_contents (fixture->path, &contents, &length, NULL));
    g_assert_cmpmem (contents, length, garbage, sizeof garbage);
  }
}

static void
test_foreign_database_refused (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = g_path_get_dirname (fixture->path);
  sqlite3 *db = NULL;

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE recipes (name TEXT)", NULL, NULL, NULL), ==,
                   SQLITE_OK);
  sqlite3_close (db);

  g_assert_false (open_store (fixture->store, &error));
  g_assert_nonnull (strstr (error->message, "not Tend's"));
  tend_store_close (fixture->store);
  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM sqlite_master"), ==, 1);
}

static void
test_queue_limit_counts_drops (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  /* Recent: retention, which may run as soon as the store opens, keeps them. */
  gint64 now = g_get_real_time ();

  /* Before the store opens, results wait; past the limit the oldest go, counted. */
  tend_store_set_queue_limit (fixture->store, 10);
  for (int i = 0; i < 25; i++)
    add (fixture->store, i, now + i, TEND_RESULT_FAIL, -1, "x");
  g_assert_cmpuint (tend_store_get_n_waiting (fixture->store), ==, 10);
  g_assert_cmpuint (tend_store_get_n_dropped (fixture->store), ==, 15);

  g_assert_true (open_store (fixture->store, &error));
  g_assert_true (flush_store (fixture->store, &error));
  tend_store_close (fixture->store);
  /* The newest ten were kept. */
  g_assert_cmpint (query_int (fixture->path, "SELECT min(check_id) FROM check_results"), ==, 15);
  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM check_results"), ==, 10);
}

/* A database of schema 2 (as the Tend before left it, in WAL mode) opened by six stores
 * at once, each with its own connection and thread: all open it, one migrates it, and
 * the copy made before is of schema 2, with no other copy left. */
static void
test_concurrent_migration (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tend-migrate-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "tend.db", NULL);
  g_autofree char *copy = g_strconcat (path, ".before-schema-3", NULL);
  g_autofree char *stamp = g_strdup_printf ("PRAGMA application_id = %d; PRAGMA user_version = 2",
                                            TEND_STORE_APPLICATION_ID);
  TendStore *stores[6];
  GAsyncResult *results[G_N_ELEMENTS (stores)] = { NULL, };
  g_autoptr(GDir) listing = NULL;
  const char *name;
  sqlite3 *db = NULL;
  guint n_files = 0;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, tend_store_migration (1), NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, tend_store_migration (2), NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, stamp, NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "INSERT INTO config VALUES ('checks.max-concurrent', '9')",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  for (guint i = 0; i < G_N_ELEMENTS (stores); i++)
    {
      stores[i] = tend_store_new (path);
      tend_store_open_async (stores[i], NULL, store_result, &results[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (stores); i++)
    {
      tend_store_open_finish (stores[i], wait_for_result (&results[i]), &error);
      g_assert_no_error (error);
      g_clear_object (&results[i]);
      tend_store_close (stores[i]);
      g_clear_object (&stores[i]);
    }

  g_assert_cmpint (query_int (path, "PRAGMA user_version"), ==, TEND_STORE_SCHEMA_VERSION);
  g_assert_cmpint (query_int (path, "SELECT count(*) FROM config"), ==, 1);
  g_assert_cmpint (query_int (copy, "PRAGMA user_version"), ==, 2);
  g_assert_cmpint (query_int (copy, "SELECT count(*) FROM config"), ==, 1);

  listing = g_dir_open (dir, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *file = g_build_filename (dir, name, NULL);

      g_test_message ("left: %s", name);
      g_assert_true (g_str_equal (name, "tend.db") || g_str_equal (name, "tend.db.before-schema-3")
                     || g_str_has_suffix (name, "-wal") || g_str_has_suffix (name, "-shm"));
      g_unlink (file);
      n_files++;
    }
  g_assert_cmpuint (n_files, >=, 2);
  g_rmdir (dir);
}

/* A full disk, then a read-only one: the store says why, keeps what waits, drops only
 * past its limit and counts it, and writes again once it can. Needs root for a small
 * tmpfs in a mount namespace of its own. */
static void
test_full_and_read_only_disk (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *last_error = NULL;
  g_autoptr(TendStore) store = NULL;
  char message[2048];
  /* Recent: retention would delete older raw rows, and free room on the full disk. */
  gint64 now = g_get_real_time ();
  int i;

  if (getuid () != 0 || unshare (CLONE_NEWNS) != 0 ||
      mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
    {
      g_test_skip ("needs root to mount a small tmpfs in a private mount namespace");
      return;
    }

  /* The store warns when it cannot write: expected here, so not fatal. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);

  dir = g_dir_make_tmp ("tend-full-XXXXXX", &error);
  g_assert_no_error (error);
  g_assert_cmpint (mount ("tmpfs", dir, "tmpfs", 0, "size=400k"), ==, 0);
  path = g_build_filename (dir, "tend.db", NULL);

  store = tend_store_new (path);
  g_assert_true (open_store (store, &error));
  g_assert_no_error (error);
  tend_store_set_queue_limit (store, 2000);

  memset (message, 'm', sizeof message - 1);
  message[sizeof message - 1] = '\0';

  /* Fill the disk: every result is a failure, so every one is a raw row. */
  for (i = 0; i < 1000; i++)
    {
      add (store, i, now + i, TEND_RESULT_FAIL, -1, message);
      if (i % 50 == 49 && !flush_store (store, &error))
        break;
    }
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "disk is full"));
  g_assert_cmpuint (tend_store_get_n_waiting (store), >, 0);
  last_error = tend_store_dup_last_error (store);
  g_assert_nonnull (strstr (last_error, "waiting"));
  g_clear_error (&error);

  /* Monitoring goes on: adding never blocks, and past the limit drops are counted.
   * (A full disk is not always full for SQLite: once a checkpoint lets the WAL start
   * over, a batch may fit in the space the WAL already has. Every result is then
   * waiting, written or dropped, and counted.) */
  {
    guint64 waiting = tend_store_get_n_waiting (store);
    guint64 committed = tend_store_get_n_committed (store);
    guint64 dropped = tend_store_get_n_dropped (store);

    for (int j = 0; j < 3000; j++)
      add (store, 100000 + j, now + 5000 + j, TEND_RESULT_FAIL, -1, "more");
    g_assert_cmpuint (tend_store_get_n_waiting (store), <=, 2000);
    /* The writer may hold a batch it took (neither waiting nor written) while the counts
     * are read: the sum holds once it has put the batch back or written it. */
    {
      gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
      guint64 sum;

      for (;;)
        {
          sum = tend_store_get_n_waiting (store) +
                (tend_store_get_n_committed (store) - committed) +
                (tend_store_get_n_dropped (store) - dropped);
          if (sum == waiting + 3000 || g_get_monotonic_time () > deadline)
            break;
          g_usleep (1000);
        }
      g_assert_cmpuint (sum, ==, waiting + 3000);
    }
    if (tend_store_get_n_committed (store) == committed)
      g_assert_cmpuint (tend_store_get_n_dropped (store), ==, dropped + waiting + 1000);
  }

  /* Audit records wait, counted, and are never dropped, however many. */
  for (int j = 0; j < 2500; j++)
    {
      g_autofree char *unit = g_strdup_printf ("while-full-%d.service", j);
      TendAuditRecord record = { .time_usec = j + 1, .origin = TEND_AUDIT_ORIGIN_CLI,
                                 .unit = unit, .operation = "start", .result = "done" };

      tend_store_add_audit (store, &record);
    }
  if (!flush_store (store, &error))
    {
      /* The failure counted those not written as waiting: all of them, or fewer when
       * a batch fit after the WAL started over (see above); none is dropped (below). */
      const char *waiting = strstr (error->message, " audit records waiting");
      const char *figure = waiting;

      g_assert_nonnull (waiting);
      while (figure > error->message && g_ascii_isdigit (figure[-1]))
        figure--;
      g_assert_cmpint (g_ascii_strtoll (figure, NULL, 10), >, 0);
      g_assert_cmpint (g_ascii_strtoll (figure, NULL, 10), <=, 2500);
      g_clear_error (&error);
    }
  else
    {
      g_test_message ("the full disk took the audit records (the WAL started over)");
      g_assert_cmpuint (tend_store_get_n_waiting_audit (store), ==, 0);
    }

  /* Room again: what waited is written. */
  g_assert_cmpint (mount (NULL, dir, NULL, MS_REMOUNT, "size=64m"), ==, 0);
  g_assert_true (flush_store (store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (tend_store_get_n_waiting (store), ==, 0);
  g_assert_cmpuint (tend_store_get_n_waiting_audit (store), ==, 0);
  g_clear_pointer (&last_error, g_free);
  last_error = tend_store_dup_last_error (store);
  g_assert_null (last_error);

  tend_store_close (store);
  g_clear_object (&store);
  g_assert_cmpint (query_int (path, "SELECT count(*) FROM audit WHERE unit LIKE 'while-full-%'"),
                   ==, 2500);

  /* Read-only: the same database where it cannot be written (a read-only mount) is
   * refused with the reason; results added meanwhile wait, nothing is lost. */
  g_assert_cmpint (mount (dir, dir, NULL, MS_BIND, NULL), ==, 0);
  g_assert_cmpint (mount (NULL, dir, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL), ==, 0);
  store = tend_store_new (path);
  add (store, 424242, now + 99999, TEND_RESULT_FAIL, -1, "while read-only");
  g_assert_false (open_store (store, &error));
  g_assert_nonnull (error);
  g_test_message ("read-only: %s", error->message);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_cmpuint (tend_store_get_n_waiting (store), ==, 1);
  g_assert_cmpuint (tend_store_get_n_dropped (store), ==, 0);
  g_clear_error (&error);

  /* Closing keeps what waits aside (in the runtime folder), nothing lost... */
  {
    g_autofree char *spill = NULL;
    guint n_results = 0, n_audit = 0;

    tend_store_close (store);
    spill = tend_store_dup_spill_file (store, &n_results, &n_audit);
    g_assert_nonnull (spill);
    g_assert_true (g_file_test (spill, G_FILE_TEST_IS_REGULAR));
    g_assert_cmpuint (n_results, ==, 1);
    g_assert_cmpuint (n_audit, ==, 0);
    g_assert_cmpuint (tend_store_get_n_lost_at_close (store), ==, 0);
    g_clear_object (&store);
    umount2 (dir, MNT_DETACH);  /* the read-only bind */

    /* ... and the next store to open it for writing writes it, and removes the file. */
    store = tend_store_new (path);
    g_assert_true (open_store (store, &error));
    g_assert_cmpuint (tend_store_get_n_imported (store), ==, 1);
    tend_store_close (store);
    g_clear_object (&store);
    g_assert_false (g_file_test (spill, G_FILE_TEST_EXISTS));
    g_assert_cmpint (query_int (path, "SELECT count(*) FROM check_results WHERE message = "
                                      "'while read-only'"), ==, 1);
  }

  umount2 (dir, MNT_DETACH);
  g_rmdir (dir);
}

/* wait_until() for a condition that another thread makes true, without waking this
 * one: the loop looks again every 5 ms. */
static gboolean
wake_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static gboolean
wait_polled (gboolean (*condition) (gpointer),
             gpointer   data)
{
  guint id = g_timeout_add (5, wake_cb, NULL);
  gboolean ok = wait_until (condition, data);

  g_source_remove (id);
  return ok;
}

/* The voluntary context switches of the store's thread ("tend-store"): each is a time
 * it went to sleep, that is, a wake-up it had before. */
static guint64
writer_switches (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *comm_path = g_strdup_printf ("/proc/self/task/%s/comm", name);
      g_autofree char *status_path = g_strdup_printf ("/proc/self/task/%s/status", name);
      g_autofree char *comm = NULL;
      g_autofree char *status = NULL;
      const char *line;

      if (!g_file_get_contents (comm_path, &comm, NULL, NULL) ||
          !g_str_has_prefix (comm, "tend-store") ||
          !g_file_get_contents (status_path, &status, NULL, NULL))
        continue;
      line = strstr (status, "voluntary_ctxt_switches:");
      g_assert_nonnull (line);
      return g_ascii_strtoull (line + strlen ("voluntary_ctxt_switches:"), NULL, 10);
    }
  g_assert_not_reached ();
}

typedef struct
{
  TendStore *store;
  guint64 n;
} CommittedWait;

static gboolean
committed_at_least (gpointer data)
{
  CommittedWait *wait = data;

  return tend_store_get_n_committed (wait->store) >= wait->n;
}

static gboolean
batches_at_least (gpointer data)
{
  CommittedWait *wait = data;

  return tend_store_get_n_batches (wait->store) >= wait->n;
}

/* With the default batch interval: a writer with nothing to do does not wake up at all;
 * results added one by one do not wake it either, but go to it as one job: at
 * tend_store_push_batch(), or 100 ms after the first of them; an audit record goes at
 * once. Statements stay prepared from one batch to the next. */
static void
test_writer_wakeups (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  CommittedWait wait = { fixture->store, 0 };
  TendAuditRecord record = { .time_usec = g_get_real_time (), .origin = TEND_AUDIT_ORIGIN_CLI,
                             .operation = "restart", .unit = "web.service", .result = "done" };
  guint64 switches, batches;
  gint64 added;

  g_assert_true (open_store (fixture->store, &error));
  g_assert_no_error (error);
  spin (50);

  /* Idle: no wake-up in 600 ms (it used to wake every 100 ms). */
  switches = writer_switches ();
  spin (600);
  g_assert_cmpuint (writer_switches (), ==, switches);

  /* 50 results, one by one: not a wake-up each. */
  batches = tend_store_get_n_batches (fixture->store);
  added = g_get_monotonic_time ();
  for (int i = 0; i < 50; i++)
    add (fixture->store, 1 + i, g_get_real_time (), TEND_RESULT_FAIL, 1000, "refused");
  g_assert_cmpuint (writer_switches (), ==, switches);
  g_assert_cmpuint (tend_store_get_n_batches (fixture->store), ==, batches);
  /* One job, 100 ms after the first, from the main loop's timer. */
  wait.n = 50;
  g_assert_true (wait_polled (committed_at_least, &wait));
  g_assert_cmpint (g_get_monotonic_time () - added, >=, 100 * 1000);
  g_assert_cmpuint (tend_store_get_n_batches (fixture->store), ==, batches + 1);

  /* Pushed: written at once, one job for all. */
  for (int i = 0; i < 50; i++)
    add (fixture->store, 100 + i, g_get_real_time (), TEND_RESULT_FAIL, 1000, "refused");
  added = g_get_monotonic_time ();
  tend_store_push_batch (fixture->store);
  tend_store_push_batch (fixture->store);   /* queued already: nothing more */
  wait.n = 100;
  g_assert_true (wait_polled (committed_at_least, &wait));
  g_assert_cmpuint (tend_store_get_n_batches (fixture->store), ==, batches + 2);

  /* An audit record is written at once, with no timer. */
  tend_store_add_audit (fixture->store, &record);
  wait.n = batches + 3;
  g_assert_true (wait_polled (batches_at_least, &wait));
  g_assert_cmpuint (tend_store_get_n_waiting_audit (fixture->store), ==, 0);

  /* And idle again afterwards: the 100 ms timer of the pushed batch is gone. */
  spin (50);
  switches = writer_switches ();
  spin (400);
  g_assert_cmpuint (writer_switches (), ==, switches);

  tend_store_close (fixture->store);
  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM check_results"), ==, 100);
  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM audit"), ==, 1);
}

/* What waits when the store closes is written, not lost: no push, no timer needed. */
static void
test_close_flushes (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (open_store (fixture->store, &error));
  for (int i = 0; i < 30; i++)
    add (fixture->store, 1 + i, g_get_real_time (), TEND_RESULT_FAIL, 1000, "refused");
  tend_store_close (fixture->store);
  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM check_results"), ==, 30);
  g_assert_cmpuint (tend_store_get_n_lost_at_close (fixture->store), ==, 0);
}

/* The sum of a service's chart over [@since, @until) in buckets of @bucket. */
static TendChartBucket
chart_sum (TendStore *store,
           gint64     since,
           gint64     until,
           gint64     bucket)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GArray) chart = NULL;
  TendChartBucket sum = { 0, 0, 0, 0, 0, G_MAXINT64, 0, -1 };
  guint64 latency_sum = 0, latency_n = 0;

  tend_store_query_chart_async (store, 1, since, until, bucket, NULL, store_result, &result);
  chart = tend_store_query_chart_finish (store, wait_for_result (&result), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < chart->len; i++)
    {
      const TendChartBucket *b = &g_array_index (chart, TendChartBucket, i);

      sum.n_pass += b->n_pass;
      sum.n_warn += b->n_warn;
      sum.n_fail += b->n_fail;
      sum.n_unknown += b->n_unknown;
      if (b->latency_min >= 0)
        sum.latency_min = MIN (sum.latency_min, b->latency_min);
      sum.latency_max = MAX (sum.latency_max, b->latency_max);
      /* Exact when every result had a latency, as here. */
      latency_sum += (guint64) b->latency_avg * (b->n_pass + b->n_warn);
      latency_n += b->n_pass + b->n_warn;
    }
  sum.latency_avg = latency_n > 0 ? (gint64) (latency_sum / latency_n) : -1;
  return sum;
}

static GPtrArray *
history_of (TendStore *store,
            gint64     since,
            gint64     until)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  GPtrArray *rows;

  tend_store_query_history_async (store, 1, since, until, 1000, NULL, store_result, &result);
  rows = tend_store_query_history_finish (store, wait_for_result (&result), &error);
  g_assert_no_error (error);
  return rows;
}

/* The default configuration, a check whose passes say their latency ("HTTP 200 in 3 ms")
 * every 10 s: a raw row at each change and one every 5 minutes of passes, and every
 * figure of the summary (counts, uptime, latencies) exactly right. */
static void
test_passes_by_figures (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  gint64 now = g_get_real_time ();
  gint64 t0 = now - now % HOUR - 2 * HOUR;  /* an hour that has ended */
  static const guint kept[] = { 81, 51, 50, 30, 0 };  /* newest first */
  TendChartBucket sum;
  gint64 latency_total = 0;

  g_assert_true (open_store (fixture->store, &error));
  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *message = g_strdup_printf ("HTTP 200 in %u ms", 1 + i % 7);

      if (i == 50)
        add (fixture->store, 7, t0 + i * 10 * G_USEC_PER_SEC, TEND_RESULT_FAIL, -1,
             "connection refused");
      else
        {
          add (fixture->store, 7, t0 + i * 10 * G_USEC_PER_SEC, TEND_RESULT_PASS,
               (1 + i % 7) * 1000, message);
          latency_total += (1 + i % 7) * 1000;
        }
      if (i % 20 == 19)
        g_assert_true (flush_store (fixture->store, &error));
    }
  g_assert_true (flush_store (fixture->store, &error));

  /* The history: the first pass, one 5 minutes later, the failure, the pass after it,
   * and one 5 minutes after that. */
  rows = history_of (fixture->store, t0, t0 + HOUR);
  g_assert_cmpuint (rows->len, ==, G_N_ELEMENTS (kept));
  for (guint i = 0; i < rows->len; i++)
    {
      const TendStoredResult *row = rows->pdata[i];
      g_autofree char *message = g_strdup_printf ("HTTP 200 in %u ms", 1 + kept[i] % 7);

      g_assert_cmpint (row->time_usec, ==, t0 + kept[i] * 10 * G_USEC_PER_SEC);
      if (kept[i] == 50)
        {
          g_assert_cmpint (row->status, ==, TEND_RESULT_FAIL);
          g_assert_cmpstr (row->message, ==, "connection refused");
        }
      else
        {
          g_assert_cmpint (row->status, ==, TEND_RESULT_PASS);
          g_assert_cmpstr (row->message, ==, message);
          g_assert_cmpint (row->latency_usec, ==, (1 + kept[i] % 7) * 1000);
        }
    }

  /* Every result counted, by hour (hour rollups) and by minute: 99 passes and one
   * failure, uptime 99 %, latencies from 1 to 7 ms. */
  for (guint by = 0; by < 2; by++)
    {
      sum = chart_sum (fixture->store, t0, t0 + HOUR, by == 0 ? HOUR : MINUTE);
      g_assert_cmpuint (sum.n_pass, ==, 99);
      g_assert_cmpuint (sum.n_fail, ==, 1);
      g_assert_cmpuint (sum.n_warn + sum.n_unknown, ==, 0);
      g_assert_cmpint (sum.latency_min, ==, 1000);
      g_assert_cmpint (sum.latency_max, ==, 7000);
    }
  g_assert_cmpint (chart_sum (fixture->store, t0, t0 + HOUR, HOUR).latency_avg, ==,
                   latency_total / 99);

  /* A store opened anew goes on from the last stored row: a pass 1 minute after the
   * last kept one whose figures alone moved is no row; one of another text is. */
  g_clear_pointer (&rows, g_ptr_array_unref);
  g_clear_object (&fixture->store);
  fixture->store = tend_store_new (fixture->path);
  g_assert_true (open_store (fixture->store, &error));
  add (fixture->store, 7, t0 + 870 * G_USEC_PER_SEC, TEND_RESULT_PASS, 2500, "HTTP 200 in 2.5 ms");
  add (fixture->store, 7, t0 + 880 * G_USEC_PER_SEC, TEND_RESULT_PASS, 2000,
       "HTTP 200 in 2 ms after 1 redirect");
  g_assert_true (flush_store (fixture->store, &error));
  rows = history_of (fixture->store, t0, t0 + HOUR);
  g_assert_cmpuint (rows->len, ==, G_N_ELEMENTS (kept) + 1);
  g_assert_cmpstr (((TendStoredResult *) rows->pdata[0])->message, ==,
                   "HTTP 200 in 2 ms after 1 redirect");
  g_assert_cmpuint (chart_sum (fixture->store, t0, t0 + HOUR, HOUR).n_pass, ==, 101);
}

/* Results of the minute under way are counted in rollups_open until it ends; minutes
 * that have ended are in the rollups at once; a chart of any resolution, in this store
 * and in one opened after it closed, counts each result once. */
static void
test_open_minutes (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time ();
  gint64 day, minute;
  TendChartBucket sum;

  /* Well inside a minute: which minute is under way must not change meanwhile. */
  if (now % MINUTE > 45 * G_USEC_PER_SEC)
    {
      g_usleep (MINUTE - now % MINUTE + 1000);
      now = g_get_real_time ();
    }
  day = now - now % (24 * HOUR);
  minute = now - now % MINUTE;

  g_assert_true (open_store (fixture->store, &error));
  /* Two minutes that have ended, of one hour, and the next minutes, still to come. */
  add (fixture->store, 7, minute - 3 * MINUTE, TEND_RESULT_PASS, 100, "ok");
  add (fixture->store, 7, minute - 2 * MINUTE, TEND_RESULT_PASS, 300, "ok");
  add (fixture->store, 7, minute + 2 * MINUTE, TEND_RESULT_WARN, 500, "slow");
  add (fixture->store, 8, minute + 2 * MINUTE + 1, TEND_RESULT_PASS, 200, "ok");
  g_assert_true (flush_store (fixture->store, &error));
  /* One more for a minute that has ended (and is in the rollups): it adds to it. */
  add (fixture->store, 7, minute - 2 * MINUTE + 5, TEND_RESULT_FAIL, -1, "refused");
  g_assert_true (flush_store (fixture->store, &error));

  /* Open, then ended: the row moves from rollups_open into the rollups in the next
   * batch (the writer's clock 3 minutes on), counted once all along. */
  add (fixture->store, 9, now, TEND_RESULT_PASS, 400, "ok");
  add (fixture->store, 9, minute + MINUTE + 7, TEND_RESULT_PASS, 400, "ok");
  g_assert_true (flush_store (fixture->store, &error));
  g_assert_cmpuint (chart_sum (fixture->store, day - 24 * HOUR, day + 48 * HOUR, HOUR).n_pass,
                    ==, 5);
  tend_store_shift_clock_for_tests (3 * MINUTE);
  add (fixture->store, 9, minute + 3 * MINUTE, TEND_RESULT_PASS, 400, "ok");
  g_assert_true (flush_store (fixture->store, &error));
  tend_store_shift_clock_for_tests (0);
  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM rollups_open"), ==, 1);
  g_assert_cmpint (query_int (fixture->path, "SELECT sum(n_pass) FROM rollups WHERE "
                                             "resolution = 60 AND check_id IN (8, 9)"), ==, 3);
  /* Two open minutes of one check into one hour's row, by one statement. */
  g_assert_cmpint (query_int (fixture->path, "SELECT sum(n_pass) FROM rollups "
                                             "WHERE resolution = 3600 AND check_id = 9"), ==, 2);
  g_assert_cmpint (query_int (fixture->path, "SELECT sum(n_pass) FROM rollups "
                                             "WHERE resolution = 86400 AND check_id = 9"), ==, 2);

  for (guint pass = 0; pass < 2; pass++)
    {
      /* By day (day rollups), by hour, by minute: the same figures. */
      static const gint64 widths[] = { 24 * HOUR, HOUR, MINUTE };

      for (guint i = 0; i < G_N_ELEMENTS (widths); i++)
        {
          sum = chart_sum (fixture->store, day - 24 * HOUR, day + 48 * HOUR, widths[i]);
          g_assert_cmpuint (sum.n_pass, ==, 6);
          g_assert_cmpuint (sum.n_warn, ==, 1);
          g_assert_cmpuint (sum.n_fail, ==, 1);
          g_assert_cmpint (sum.latency_min, ==, 100);
          g_assert_cmpint (sum.latency_max, ==, 500);
        }

      /* Closed without moving what is open: the next store (or tendctl) reads it. */
      tend_store_close (fixture->store);
      g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM rollups_open"), ==, 1);
      g_assert_cmpint (query_int (fixture->path, "SELECT sum(n_pass + n_warn + n_fail) "
                                                 "FROM rollups WHERE resolution = 86400"), ==, 7);
      g_clear_object (&fixture->store);
      fixture->store = tend_store_new (fixture->path);
      g_assert_true (open_store (fixture->store, &error));
    }
}

/* A database of schema 4 keeps all its rows through the migration to 5, with a copy of
 * it made first; its rollups and the results counted after add up. */
static void
test_migration_keeps_rows (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = g_path_get_dirname (fixture->path);
  g_autofree char *copy = g_strconcat (fixture->path, ".before-schema-5", NULL);
  g_autofree char *stamp = g_strdup_printf ("PRAGMA application_id = %d; PRAGMA user_version = 4",
                                            TEND_STORE_APPLICATION_ID);
  gint64 now = g_get_real_time ();
  gint64 hour = now - now % HOUR - 3 * HOUR;
  g_autofree char *rows_sql = g_strdup_printf (
    "INSERT INTO check_results (service_id, check_id, time_usec, status, latency_usec, message) "
    "VALUES (1, 7, %1$" G_GINT64_FORMAT ", 0, 900, 'HTTP 200 in 0.9 ms'), "
    "(1, 7, %1$" G_GINT64_FORMAT " + 60000000, 2, NULL, 'refused'), "
    "(1, 7, %1$" G_GINT64_FORMAT " + 120000000, 0, 1100, 'HTTP 200 in 1.1 ms');"
    "INSERT INTO check_last VALUES (7, 0, 'HTTP 200 in 1.1 ms', "
    "%1$" G_GINT64_FORMAT " + 120000000);"
    "INSERT INTO rollups VALUES (1, 60, %1$" G_GINT64_FORMAT ", 7, 1, 0, 0, 0, 1, 900, 900, 900), "
    "(1, 60, %1$" G_GINT64_FORMAT " + 60000000, 7, 0, 0, 1, 0, 0, 0, NULL, NULL), "
    "(1, 60, %1$" G_GINT64_FORMAT " + 120000000, 7, 5, 0, 0, 0, 5, 5500, 1000, 1200), "
    "(1, 3600, %1$" G_GINT64_FORMAT ", 7, 6, 0, 1, 0, 6, 6400, 900, 1200), "
    "(1, 86400, %2$" G_GINT64_FORMAT ", 7, 6, 0, 1, 0, 6, 6400, 900, 1200);",
    hour, hour - hour % (24 * HOUR));
  sqlite3 *db = NULL;
  TendChartBucket sum;

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  for (int version = 1; version <= 4; version++)
    g_assert_cmpint (sqlite3_exec (db, tend_store_migration (version), NULL, NULL, NULL), ==,
                     SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, stamp, NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, rows_sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  g_assert_true (open_store (fixture->store, &error));
  g_assert_no_error (error);
  /* The check's last stored result is known: a pass whose figures alone moved is no
   * row, and counts. */
  add (fixture->store, 7, hour + 3 * MINUTE, TEND_RESULT_PASS, 1300, "HTTP 200 in 1.3 ms");
  g_assert_true (flush_store (fixture->store, &error));
  sum = chart_sum (fixture->store, hour, hour + HOUR, HOUR);
  g_assert_cmpuint (sum.n_pass, ==, 7);
  g_assert_cmpuint (sum.n_fail, ==, 1);
  g_assert_cmpint (sum.latency_min, ==, 900);
  g_assert_cmpint (sum.latency_max, ==, 1300);
  tend_store_close (fixture->store);

  g_assert_cmpint (query_int (fixture->path, "PRAGMA user_version"), ==, 5);
  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM check_results"), ==, 3);
  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM check_last"), ==, 1);
  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM rollups"), ==, 6);
  g_assert_cmpint (query_int (fixture->path, "SELECT sum(n_pass) FROM rollups "
                                             "WHERE resolution = 86400"), ==, 7);
  g_assert_cmpint (query_int (copy, "PRAGMA user_version"), ==, 4);
  g_assert_cmpint (query_int (copy, "SELECT count(*) FROM rollups"), ==, 5);
  g_assert_cmpint (query_int (copy, "SELECT count(*) FROM check_results"), ==, 3);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  /* Spill files go to the runtime folder: one of the test's own. */
  {
    g_autofree char *runtime = g_dir_make_tmp ("tend-store-run-XXXXXX", NULL);

    g_setenv ("XDG_RUNTIME_DIR", runtime, TRUE);
  }

#define ADD(path, func) \
  g_test_add ("/store/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("open-creates-schema", test_open_creates_schema);
  ADD ("raw-rows-say-something-new", test_raw_rows_say_something_new);
  ADD ("rollups-and-chart", test_rollups_and_chart);
  ADD ("passes-by-figures", test_passes_by_figures);
  ADD ("open-minutes", test_open_minutes);
  ADD ("migration-keeps-rows", test_migration_keeps_rows);
  ADD ("audit", test_audit);
  ADD ("retention", test_retention);
  ADD ("config-values", test_config_values);
  ADD ("incidents", test_incidents);
  ADD ("attempt-interrupted", test_attempt_interrupted);
  ADD ("ensure-service", test_ensure_service);
  ADD ("newer-schema-refused", test_newer_schema_refused);
  ADD ("corrupt-file-refused", test_corrupt_file_refused);
  ADD ("foreign-database-refused", test_foreign_database_refused);
  ADD ("queue-limit-counts-drops", test_queue_limit_counts_drops);
  ADD ("writer-wakeups", test_writer_wakeups);
  ADD ("close-flushes", test_close_flushes);
#undef ADD
  g_test_add_func ("/store/chart-uptime", test_chart_uptime);
  g_test_add_func ("/store/concurrent-migration", test_concurrent_migration);
  g_test_add_func ("/store/full-and-read-only-disk", test_full_and_read_only_disk);

  return g_test_run ();
}
