/* test-store-crash.c — SIGKILL in the middle of heavy writes, twenty times
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each round starts tests/store-writer on the same database, lets it commit a random
 * number of batches, kills it with SIGKILL at a random moment after that (while it is
 * writing the next batches), and then checks with SQLite directly that the database
 * passes PRAGMA integrity_check and holds every result the writer reported committed.
 */
#include <signal.h>
#include <sqlite3.h>

#include <glib/gstdio.h>

#include "tend.h"

#define ROUNDS 20

static gint64
query_int (sqlite3    *db,
           const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static void
test_kill_during_writes (void)
{
  const char *writer_path = g_getenv ("TEND_STORE_WRITER");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tend-crash-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "tend.db", NULL);
  gint64 total_acked = 0;

  g_assert_nonnull (writer_path);

  for (int round = 0; round < ROUNDS; round++)
    {
      g_autoptr(GSubprocess) writer = NULL;
      g_autoptr(GDataInputStream) out = NULL;
      g_autofree char *first = g_strdup_printf ("%" G_GINT64_FORMAT, total_acked + 1);
      int acks_wanted = g_test_rand_int_range (1, 8);
      gint64 acked = total_acked;
      sqlite3 *db = NULL;
      sqlite3_stmt *stmt = NULL;
      g_autofree char *check = NULL;
      g_autofree char *count_sql = NULL;

      writer = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                 writer_path, path, first, NULL);
      g_assert_no_error (error);
      out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (writer));

      for (int i = 0; i < acks_wanted; i++)
        {
          g_autofree char *line = g_data_input_stream_read_line (out, NULL, NULL, &error);

          g_assert_no_error (error);
          g_assert_nonnull (line);
          g_assert_true (g_str_has_prefix (line, "committed "));
          acked = g_ascii_strtoll (line + strlen ("committed "), NULL, 10);
        }

      /* The fault: SIGKILL at a random point of the batches that follow. */
      g_usleep (g_test_rand_int_range (0, 30000));
      g_subprocess_send_signal (writer, SIGKILL);
      g_subprocess_wait (writer, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (g_subprocess_get_if_signaled (writer));

      g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==,
                       SQLITE_OK);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      check = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      sqlite3_finalize (stmt);
      g_assert_cmpstr (check, ==, "ok");

      count_sql = g_strdup_printf ("SELECT count(*) FROM check_results WHERE check_id <= %"
                                   G_GINT64_FORMAT, acked);
      g_assert_cmpint (query_int (db, count_sql), ==, acked);
      /* Results past the last acknowledged batch may or may not have made it; those
       * that did are whole batches, so the count is a multiple of the batch. */
      total_acked = query_int (db, "SELECT count(*) FROM check_results");
      g_assert_cmpint (total_acked, >=, acked);
      g_assert_cmpint (query_int (db, "SELECT max(check_id) FROM check_results"), ==, total_acked);
      sqlite3_close (db);

      g_test_message ("round %d: %" G_GINT64_FORMAT " acknowledged, %" G_GINT64_FORMAT
                      " stored", round + 1, acked, total_acked);
    }

  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *child = g_build_filename (dir, name, NULL);
        g_unlink (child);
      }
    g_rmdir (dir);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store/kill-during-writes", test_kill_during_writes);
  return g_test_run ();
}
