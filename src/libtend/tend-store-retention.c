/* tend-store-retention.c — deleting what is past its retention, a batch at a time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs on the store's thread, once a minute and on tend_store_prune_async(). Each call
 * deletes at most RETENTION_BATCH rows per kind, so writers never wait long.
 */
#define G_LOG_DOMAIN "Tend-Store"

#include "tend-store-private.h"

#define RETENTION_BATCH 5000       /* rows per delete: short transactions */

/* Minute and hour rollups, which retention thins; day rollups are kept. */
static const int rollup_resolutions[] = { 60, 3600 };

/* The smallest id whose row is not older than @cutoff_usec, assuming ids grow with
 * time; 0 when the table is empty. */
static gint64
first_id_not_before (TendStore *self,
                     gint64     cutoff_usec)
{
  sqlite3_stmt *bounds = tend_store_prepare (self, "SELECT min(id), max(id) FROM check_results");
  sqlite3_stmt *at = tend_store_prepare (self,
                      "SELECT id, time_usec FROM check_results WHERE id >= ? ORDER BY id "
                      "LIMIT 1");
  gint64 low = 0, high = 0;

  if (bounds != NULL && at != NULL && sqlite3_step (bounds) == SQLITE_ROW &&
      sqlite3_column_type (bounds, 0) != SQLITE_NULL)
    {
      low = sqlite3_column_int64 (bounds, 0);
      high = sqlite3_column_int64 (bounds, 1) + 1;

      /* Invariant: rows before @low are old; the row at @high (or the end) is young. */
      while (low < high)
        {
          gint64 middle = low + (high - low) / 2;
          gint64 id = -1, time_usec = 0;

          sqlite3_bind_int64 (at, 1, middle);
          if (sqlite3_step (at) == SQLITE_ROW)
            {
              id = sqlite3_column_int64 (at, 0);
              time_usec = sqlite3_column_int64 (at, 1);
            }
          sqlite3_reset (at);

          if (id < 0 || time_usec >= cutoff_usec)
            high = middle;
          else
            low = id + 1;
        }
    }
  sqlite3_finalize (bounds);
  sqlite3_finalize (at);
  return low;
}

/**
 * tend_store_run_retention:
 * @limits: how long raw results, minute and hour rollups are kept (0: forever)
 *
 * Deletes one batch of each kind that is past its retention.
 *
 * Returns: how many rows went
 */
int
tend_store_run_retention (TendStore    *self,
                          const gint64 *limits)
{
  sqlite3 *db = tend_store_get_db (self);
  gint64 now = g_get_real_time ();
  int deleted = 0;

  /* Raw results, by age. Rows arrive in time order, near enough, so the first row young
   * enough to keep is found by halving the id range (no index on time to maintain on
   * every insert), and what comes before it goes, a batch at a time. */
  if (limits[0] > 0)
    {
      gint64 cutoff_id = first_id_not_before (self, now - limits[0]);
      sqlite3_stmt *stmt = tend_store_prepare (self,
                          "DELETE FROM check_results WHERE id IN (SELECT id FROM check_results "
                          "WHERE id < ? ORDER BY id LIMIT ?)");
      if (stmt != NULL && cutoff_id > 0)
        {
          sqlite3_bind_int64 (stmt, 1, cutoff_id);
          sqlite3_bind_int (stmt, 2, RETENTION_BATCH);
          if (sqlite3_step (stmt) == SQLITE_DONE)
            deleted += sqlite3_changes (db);
        }
      sqlite3_finalize (stmt);
    }

  /* Minute and hour rollups; day rollups are kept. */
  for (int i = 1; i <= 2; i++)
    {
      sqlite3_stmt *stmt;

      if (limits[i] <= 0)
        continue;
      stmt = tend_store_prepare (self,
                          "DELETE FROM rollups WHERE (service_id, resolution, bucket_usec, "
                          "check_id) IN (SELECT service_id, resolution, bucket_usec, check_id "
                          "FROM rollups WHERE resolution = ? AND bucket_usec < ? LIMIT ?)");
      if (stmt == NULL)
        continue;
      sqlite3_bind_int (stmt, 1, rollup_resolutions[i - 1]);
      sqlite3_bind_int64 (stmt, 2, now - limits[i]);
      sqlite3_bind_int (stmt, 3, RETENTION_BATCH);
      if (sqlite3_step (stmt) == SQLITE_DONE)
        deleted += sqlite3_changes (db);
      sqlite3_finalize (stmt);
    }

  return deleted;
}
