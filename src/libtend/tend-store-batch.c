/* tend-store-batch.c — a batch of results and audit records, written on the store's
 * thread in one transaction
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A raw row is written for a result that says something new: not a pass, or a pass
 * after something else, or a pass whose message differs from the check's last stored
 * one in more than its figures ("HTTP 200 in 3 ms" and "in 4 ms" say the same). A pass
 * that differs in its figures alone is stored again once PASS_REPEAT_USEC passed since
 * the last stored row, so the history keeps a sample of them.
 *
 * Every result counts in its check's minute, hour and day rollups, which keep its
 * latency. While its minute is under way it counts in one small row of rollups_open
 * (a check and minute), one upsert a check a batch; the batch that finds the minute
 * ended adds the row to the three rollups and deletes it. Each result is thus counted
 * in exactly one of the two tables at every commit, and readers add both. Nothing
 * waits in memory past its batch: a crash loses only the batch in flight, as before.
 *
 * The statements stay prepared for the connection's life, reset and bound again for
 * each row: preparing them for every batch was 38 % of the writer's instructions.
 */
#define G_LOG_DOMAIN "Tend-Store"

#include "tend-store-private.h"

/* A pass that differs from the last stored result of its check in its figures alone
 * is stored again after this long (see tend_store_add_result()). */
#define PASS_REPEAT_USEC (5 * 60 * USEC_PER_SEC)

typedef struct
{
  int status;
  char *message;               /* (owned) (nullable) */
  gint64 time_usec;            /* when it was stored */
} LastResult;

/* Added to the writer's clock, by tests only: set before the batch is queued (the
 * store's queue orders it before the batch's read). */
static gint64 clock_shift_usec;

void
tend_store_shift_clock_for_tests (gint64 usec)
{
  clock_shift_usec = usec;
}

enum
{
  WRITE_INSERT_RESULT,
  WRITE_UPSERT_LAST,
  WRITE_UPSERT_OPEN,
  WRITE_UPSERT_ENDED,
  WRITE_CLOSE_ADD,
  WRITE_CLOSE_DELETE,
  WRITE_OPEN_SINCE,
  WRITE_INSERT_AUDIT,
  N_WRITES
};

struct _TendStoreWriter
{
  sqlite3_stmt *writes[N_WRITES];  /* (owned) (nullable) prepared at the first batch */
  GHashTable *last_by_check;       /* GINT_TO_POINTER (check id) → (owned) LastResult */
  gint64 open_since;               /* the oldest minute in rollups_open: G_MAXINT64 for
                                    * none, G_MININT64 when not known */
};

static void
last_result_free (LastResult *last)
{
  g_free (last->message);
  g_free (last);
}

TendStoreWriter *
tend_store_writer_new (void)
{
  TendStoreWriter *writer = g_new0 (TendStoreWriter, 1);

  writer->last_by_check = g_hash_table_new_full (NULL, NULL, NULL,
                                                 (GDestroyNotify) last_result_free);
  writer->open_since = G_MININT64;
  return writer;
}

void
tend_store_writer_free (TendStoreWriter *writer)
{
  tend_store_writer_finalize (writer);
  g_hash_table_unref (writer->last_by_check);
  g_free (writer);
}

/* When the database opens: each check's last stored result. */
void
tend_store_writer_load (TendStoreWriter *writer,
                        sqlite3         *db)
{
  sqlite3_stmt *stmt = NULL;

  writer->open_since = G_MININT64;  /* to be looked at by the first batch */
  if (sqlite3_prepare_v2 (db, "SELECT check_id, status, message, time_usec FROM check_last", -1,
                          &stmt, NULL) != SQLITE_OK)
    return;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      LastResult *last = g_new0 (LastResult, 1);

      last->status = sqlite3_column_int (stmt, 1);
      last->message = tend_store_column_dup_text (stmt, 2);
      last->time_usec = sqlite3_column_int64 (stmt, 3);
      g_hash_table_insert (writer->last_by_check, GINT_TO_POINTER (sqlite3_column_int64 (stmt, 0)),
                           last);
    }
  sqlite3_finalize (stmt);
}

/* A check's results in one bucket of a batch: a minute under way (@resolution 0, for
 * rollups_open), or a minute, hour or day rollup (@resolution in seconds) of a minute
 * that had ended. A batch of history spanning minutes thus writes each hour's and
 * day's row once. */
typedef struct
{
  gint64 service_id;
  gint64 check_id;
  int resolution;
  gint64 bucket_usec;
  gint64 n[4];
  gint64 latency_n;
  gint64 latency_sum;
  gint64 latency_min;
  gint64 latency_max;
} Rollup;

static guint
rollup_hash (gconstpointer key)
{
  const Rollup *r = key;

  return g_int64_hash (&r->check_id) ^ g_int64_hash (&r->bucket_usec) ^ (guint) r->resolution;
}

static gboolean
rollup_equal (gconstpointer a,
              gconstpointer b)
{
  const Rollup *x = a, *y = b;

  return x->check_id == y->check_id && x->bucket_usec == y->bucket_usec &&
         x->resolution == y->resolution && x->service_id == y->service_id;
}

static void
add_to_rollup (GHashTable            *rollups,
               const TendCheckResult *result,
               int                    resolution,
               gint64                 bucket_usec)
{
  Rollup key = {
    .service_id = result->service_id,
    .check_id = result->check_id,
    .resolution = resolution,
    .bucket_usec = bucket_usec,
  };
  Rollup *rollup = g_hash_table_lookup (rollups, &key);

  if (rollup == NULL)
    {
      rollup = g_memdup2 (&key, sizeof key);
      rollup->latency_min = G_MAXINT64;
      rollup->latency_max = G_MININT64;
      g_hash_table_add (rollups, rollup);
    }
  rollup->n[CLAMP ((int) result->status, 0, 3)]++;
  if (result->latency_usec >= 0)
    {
      rollup->latency_n++;
      rollup->latency_sum += result->latency_usec;
      rollup->latency_min = MIN (rollup->latency_min, result->latency_usec);
      rollup->latency_max = MAX (rollup->latency_max, result->latency_usec);
    }
}

/* Not inlined: its calls in a profile are the results written (docs/benchmarks.md). */
static G_GNUC_NO_INLINE void
add_to_rollups (GHashTable            *rollups,
                const TendCheckResult *result,
                gint64                 cutoff)
{
  static const int resolutions[] = { 60, 3600, 86400 };  /* seconds */
  gint64 minute = result->time_usec - result->time_usec % (60 * USEC_PER_SEC);

  if (minute >= cutoff)
    {
      add_to_rollup (rollups, result, 0, minute);
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (resolutions); i++)
    add_to_rollup (rollups, result, resolutions[i],
                   minute - minute % (resolutions[i] * USEC_PER_SEC));
}

/* Whether @a and @b are the same text but for their figures: runs of digits, with a
 * '.' or ',' between digits ("3", "12.5", "1,000"). */
static gboolean
same_but_figures (const char *a,
                  const char *b)
{
  if (a == NULL || b == NULL)
    return a == b;

  for (;;)
    {
      gboolean figure_a = g_ascii_isdigit (*a), figure_b = g_ascii_isdigit (*b);

      if (figure_a != figure_b)
        return FALSE;
      if (!figure_a)
        {
          if (*a != *b)
            return FALSE;
          if (*a == '\0')
            return TRUE;
          a++, b++;
          continue;
        }
      while (g_ascii_isdigit (*a) || ((*a == '.' || *a == ',') && g_ascii_isdigit (a[1])))
        a++;
      while (g_ascii_isdigit (*b) || ((*b == '.' || *b == ',') && g_ascii_isdigit (b[1])))
        b++;
    }
}

/* What a result changes of its check's last stored result, decided before the commit
 * and applied after it, so a batch that fails to commit changes nothing. */
typedef struct
{
  gint64 check_id;
  int status;
  const char *message;   /* points into the batch */
  gint64 time_usec;
} LastChange;

static gboolean
is_news (TendStore             *self,
         GHashTable            *seen_in_batch,
         const TendCheckResult *result)
{
  LastChange *earlier = g_hash_table_lookup (seen_in_batch, &result->check_id);
  int status;
  const char *message;
  gint64 time_usec;

  if (result->status != TEND_RESULT_PASS)
    return TRUE;

  if (earlier != NULL)
    {
      status = earlier->status;
      message = earlier->message;
      time_usec = earlier->time_usec;
    }
  else
    {
      LastResult *last = g_hash_table_lookup (tend_store_get_writer (self)->last_by_check,
                                              GINT_TO_POINTER (result->check_id));
      if (last == NULL)
        return TRUE;
      status = last->status;
      message = last->message;
      time_usec = last->time_usec;
    }

  if (status != (int) result->status)
    return TRUE;
  if (g_strcmp0 (message, result->message) == 0)
    return FALSE;
  /* Its figures alone moved: a sample every PASS_REPEAT_USEC (a clock set back counts
   * as time gone by). */
  return !same_but_figures (message, result->message) ||
         result->time_usec - time_usec >= PASS_REPEAT_USEC || result->time_usec < time_usec;
}

/* An upsert's update of counts: @excluded's are added to the row's. */
#define ADD_COUNTS \
  "n_pass = n_pass + excluded.n_pass, n_warn = n_warn + excluded.n_warn, " \
  "n_fail = n_fail + excluded.n_fail, n_unknown = n_unknown + excluded.n_unknown, " \
  "latency_n = latency_n + excluded.latency_n, " \
  "latency_sum = latency_sum + excluded.latency_sum, " \
  "latency_min = coalesce (min (latency_min, excluded.latency_min), latency_min, " \
  "                        excluded.latency_min), " \
  "latency_max = coalesce (max (latency_max, excluded.latency_max), latency_max, " \
  "                        excluded.latency_max)"

static const char *const write_sql[N_WRITES] = {
  [WRITE_INSERT_RESULT] =
    "INSERT INTO check_results (service_id, check_id, time_usec, status, latency_usec, "
    "message) VALUES (?, ?, ?, ?, ?, ?)",
  [WRITE_UPSERT_LAST] =
    "INSERT INTO check_last (check_id, status, message, time_usec) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (check_id) DO UPDATE SET status = excluded.status, message = "
    "excluded.message, time_usec = excluded.time_usec",
  [WRITE_UPSERT_OPEN] =
    "INSERT INTO rollups_open (service_id, minute_usec, check_id, n_pass, n_warn, n_fail, "
    "n_unknown, latency_n, latency_sum, latency_min, latency_max) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (service_id, minute_usec, check_id) DO UPDATE SET " ADD_COUNTS,
  /* A minute, hour or day rollup (?12) of a minute that has ended. */
  [WRITE_UPSERT_ENDED] =
    "INSERT INTO rollups (service_id, resolution, bucket_usec, check_id, n_pass, n_warn, "
    "n_fail, n_unknown, latency_n, latency_sum, latency_min, latency_max) "
    "VALUES (?1, ?12, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) "
    "ON CONFLICT (service_id, resolution, bucket_usec, check_id) DO UPDATE SET " ADD_COUNTS,
  /* Each open minute before ?1 into its minute's, hour's and day's rollups. (The WHERE
   * is needed: without it SQLite would take ON CONFLICT for a join's ON.) */
  [WRITE_CLOSE_ADD] =
    "INSERT INTO rollups (service_id, resolution, bucket_usec, check_id, n_pass, n_warn, "
    "n_fail, n_unknown, latency_n, latency_sum, latency_min, latency_max) "
    "SELECT service_id, level.resolution, "
    "minute_usec - minute_usec % (level.resolution * 1000000), check_id, n_pass, n_warn, "
    "n_fail, n_unknown, latency_n, latency_sum, latency_min, latency_max "
    "FROM rollups_open, (SELECT 60 AS resolution UNION ALL SELECT 3600 UNION ALL "
    "SELECT 86400) AS level WHERE minute_usec < ?1 "
    "ON CONFLICT (service_id, resolution, bucket_usec, check_id) DO UPDATE SET " ADD_COUNTS,
  [WRITE_CLOSE_DELETE] = "DELETE FROM rollups_open WHERE minute_usec < ?1",
  [WRITE_OPEN_SINCE] = "SELECT min (minute_usec) FROM rollups_open",
  [WRITE_INSERT_AUDIT] =
    "INSERT INTO audit (time_usec, unix_user, origin, host, unit, operation, parameters, "
    "result, error, duration_usec) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
};

/* The batch's statements, prepared once per connection (preparing them for every batch
 * was 38 % of the writer's instructions). */
static gboolean
prepare_writes (TendStore *self)
{
  TendStoreWriter *writer = tend_store_get_writer (self);

  for (guint i = 0; i < N_WRITES; i++)
    {
      if (writer->writes[i] == NULL)
        writer->writes[i] = tend_store_prepare (self, write_sql[i]);
      if (writer->writes[i] == NULL)
        return FALSE;
    }
  return TRUE;
}

/* Before the connection closes. */
void
tend_store_writer_finalize (TendStoreWriter *writer)
{
  for (guint i = 0; i < N_WRITES; i++)
    g_clear_pointer (&writer->writes[i], sqlite3_finalize);
}

static int
step_done (sqlite3_stmt *stmt)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* The batch's counts: those of the minute under way (or of one to come) into
 * rollups_open, one small row a check and minute; those of a minute that had ended (a
 * result written late, or history fed at once) into its rollups at once. The two
 * statements bind the same parameters. */
static int
write_counts (TendStoreWriter *writer,
              GHashTable      *rollups)
{
  GHashTableIter iter;
  gpointer key;
  int rc = SQLITE_OK;

  g_hash_table_iter_init (&iter, rollups);
  while (rc == SQLITE_OK && g_hash_table_iter_next (&iter, &key, NULL))
    {
      const Rollup *r = key;
      sqlite3_stmt *upsert = writer->writes[r->resolution == 0 ? WRITE_UPSERT_OPEN
                                                               : WRITE_UPSERT_ENDED];

      sqlite3_bind_int64 (upsert, 1, r->service_id);
      sqlite3_bind_int64 (upsert, 2, r->bucket_usec);
      sqlite3_bind_int64 (upsert, 3, r->check_id);
      for (int s = 0; s < 4; s++)
        sqlite3_bind_int64 (upsert, 4 + s, r->n[s]);
      sqlite3_bind_int64 (upsert, 8, r->latency_n);
      sqlite3_bind_int64 (upsert, 9, r->latency_sum);
      if (r->latency_n > 0)
        {
          sqlite3_bind_int64 (upsert, 10, r->latency_min);
          sqlite3_bind_int64 (upsert, 11, r->latency_max);
        }
      else
        {
          sqlite3_bind_null (upsert, 10);
          sqlite3_bind_null (upsert, 11);
        }
      if (r->resolution != 0)
        sqlite3_bind_int (upsert, 12, r->resolution);
      rc = step_done (upsert);
      if (r->resolution == 0)
        writer->open_since = MIN (writer->open_since, r->bucket_usec);
    }
  return rc;
}

/* The open minutes that ended before @cutoff go into the minute's, the hour's and
 * the day's rollups, and out of rollups_open, in the batch's transaction: a reader
 * (which adds both tables) sees each result counted once, before and after. */
static int
close_minutes (TendStoreWriter *writer,
               gint64           cutoff)
{
  sqlite3_stmt *since = writer->writes[WRITE_OPEN_SINCE];
  int rc;

  if (writer->open_since >= cutoff)
    return SQLITE_OK;

  sqlite3_bind_int64 (writer->writes[WRITE_CLOSE_ADD], 1, cutoff);
  rc = step_done (writer->writes[WRITE_CLOSE_ADD]);
  if (rc != SQLITE_OK)
    return rc;
  sqlite3_bind_int64 (writer->writes[WRITE_CLOSE_DELETE], 1, cutoff);
  rc = step_done (writer->writes[WRITE_CLOSE_DELETE]);
  if (rc != SQLITE_OK)
    return rc;

  rc = sqlite3_step (since);
  if (rc == SQLITE_ROW)
    {
      writer->open_since = tend_store_column_int64 (since, 0, G_MAXINT64);
      rc = SQLITE_OK;
    }
  sqlite3_reset (since);
  return rc;
}

/* Writes @results (TendCheckResult) and @audit in one transaction; @changes
 * (tend_store_changes_new() for as many results) gets what tend_store_apply_changes()
 * applies once it committed.
 *
 * Returns: an SQLite code; @detail the message on failure */
int
tend_store_write_batch (TendStore  *self,
                        GArray     *results,
                        GPtrArray  *audit,
                        GArray     *changes,
                        char      **detail)
{
  TendStoreWriter *writer = tend_store_get_writer (self);
  g_autoptr(GHashTable) rollups = g_hash_table_new_full (rollup_hash, rollup_equal, g_free, NULL);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  gint64 now = g_get_real_time () + clock_shift_usec;
  gint64 cutoff = now - now % (60 * USEC_PER_SEC);  /* the minute under way */
  sqlite3_stmt *insert_result = NULL, *upsert_last = NULL, *insert_audit = NULL;
  GHashTableIter iter;
  gpointer key;
  int rc;

  rc = tend_store_exec (self, "BEGIN IMMEDIATE");
  if (rc != SQLITE_OK)
    {
      *detail = g_strdup (sqlite3_errmsg (tend_store_get_db (self)));
      return rc;
    }

  if (!prepare_writes (self))
    {
      rc = SQLITE_ERROR;
      goto out;
    }
  insert_result = writer->writes[WRITE_INSERT_RESULT];
  upsert_last = writer->writes[WRITE_UPSERT_LAST];
  insert_audit = writer->writes[WRITE_INSERT_AUDIT];

  for (guint i = 0; i < results->len && rc == SQLITE_OK; i++)
    {
      const TendCheckResult *r = &g_array_index (results, TendCheckResult, i);

      add_to_rollups (rollups, r, cutoff);
      if (!is_news (self, seen, r))
        continue;

      {
        LastChange change = { r->check_id, r->status, r->message, r->time_usec };

        g_array_append_val (changes, change);
        g_hash_table_insert (seen, &g_array_index (changes, LastChange, changes->len - 1).check_id,
                             &g_array_index (changes, LastChange, changes->len - 1));
      }

      sqlite3_bind_int64 (insert_result, 1, r->service_id);
      sqlite3_bind_int64 (insert_result, 2, r->check_id);
      sqlite3_bind_int64 (insert_result, 3, r->time_usec);
      sqlite3_bind_int (insert_result, 4, r->status);
      if (r->latency_usec >= 0)
        sqlite3_bind_int64 (insert_result, 5, r->latency_usec);
      else
        sqlite3_bind_null (insert_result, 5);
      tend_store_bind_text (insert_result, 6, r->message);
      rc = step_done (insert_result);
    }

  /* Each check's last word in this batch. */
  g_hash_table_iter_init (&iter, seen);
  while (rc == SQLITE_OK && g_hash_table_iter_next (&iter, NULL, &key))
    {
      const LastChange *change = key;

      sqlite3_bind_int64 (upsert_last, 1, change->check_id);
      sqlite3_bind_int (upsert_last, 2, change->status);
      tend_store_bind_text (upsert_last, 3, change->message);
      sqlite3_bind_int64 (upsert_last, 4, change->time_usec);
      rc = step_done (upsert_last);
    }

  if (rc == SQLITE_OK)
    rc = write_counts (writer, rollups);
  if (rc == SQLITE_OK)
    rc = close_minutes (writer, cutoff);

  for (guint i = 0; i < audit->len && rc == SQLITE_OK; i++)
    {
      const TendAuditRecord *a = audit->pdata[i];

      sqlite3_bind_int64 (insert_audit, 1, a->time_usec);
      tend_store_bind_text (insert_audit, 2, a->unix_user ? a->unix_user : g_get_user_name ());
      sqlite3_bind_text (insert_audit, 3, tend_audit_origin_to_string (a->origin), -1,
                         SQLITE_STATIC);
      tend_store_bind_text (insert_audit, 4, a->host);
      tend_store_bind_text (insert_audit, 5, a->unit);
      tend_store_bind_text (insert_audit, 6, a->operation);
      tend_store_bind_text (insert_audit, 7, a->parameters);
      tend_store_bind_text (insert_audit, 8, a->result);
      tend_store_bind_text (insert_audit, 9, a->error);
      sqlite3_bind_int64 (insert_audit, 10, a->duration_usec);
      rc = step_done (insert_audit);
    }

out:
  /* Kept prepared for the next batch; the texts bound point into this one. */
  for (guint i = 0; i < N_WRITES; i++)
    if (writer->writes[i] != NULL)
      sqlite3_clear_bindings (writer->writes[i]);

  if (rc == SQLITE_OK)
    rc = tend_store_exec (self, "COMMIT");
  if (rc != SQLITE_OK)
    {
      writer->open_since = G_MININT64;  /* rolled back: look again at the next batch */
      /* Keep the original error: ROLLBACK's own would hide it. */
      *detail = g_strdup (sqlite3_errmsg (tend_store_get_db (self)));
      tend_store_exec (self, "ROLLBACK");
    }
  return rc;
}

/* After a commit: each check's last stored result, as the batch left it. */
void
tend_store_apply_changes (TendStore *self,
                          GArray    *changes)
{
  TendStoreWriter *writer = tend_store_get_writer (self);

  for (guint i = 0; i < changes->len; i++)
    {
      const LastChange *change = &g_array_index (changes, LastChange, i);
      LastResult *last = g_new0 (LastResult, 1);

      last->status = change->status;
      last->message = g_strdup (change->message);
      last->time_usec = change->time_usec;
      g_hash_table_insert (writer->last_by_check, GINT_TO_POINTER (change->check_id), last);
    }
}

GArray *
tend_store_changes_new (guint n_results)
{
  /* Sized for every result: the batch keeps pointers into it, so it must never grow. */
  return g_array_sized_new (FALSE, FALSE, sizeof (LastChange), n_results);
}
