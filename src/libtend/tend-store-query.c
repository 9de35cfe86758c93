/* tend-store-query.c — reading what the store holds, and finding services in it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every function here runs its SQL on the store's thread, as a job in its queue.
 */
#define G_LOG_DOMAIN "Tend-Store"

#include "tend-error.h"
#include "tend-store-private.h"

static TendAuditOrigin
audit_origin_from_string (const char *text)
{
  int origin;

  if (!tend_enum_from_nick (TEND_TYPE_AUDIT_ORIGIN, text, &origin))
    return TEND_AUDIT_ORIGIN_AUTO;
  return origin;
}

/* ------------------------------------------------------------------------------------ */
/* Inventory                                                                             */

typedef struct
{
  char *host;
  char *unit;
} ServiceRef;

/* The id of @ref's service in *@id, -1 when there is none; returns SQLite's code. */
static int
select_service_id (TendStore        *self,
                   const ServiceRef *ref,
                   gint64           *id)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = tend_store_prepare (self, "SELECT services.id FROM services JOIN hosts ON "
                                   "hosts.id = host_id WHERE hosts.name = ? AND unit = ?");
  sqlite3_bind_text (stmt, 1, ref->host, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, ref->unit, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  *id = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : -1;
  sqlite3_finalize (stmt);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static void
lookup_service_job (TendStore *self,
                    GTask     *task)
{
  ServiceRef *ref = g_task_get_task_data (task);
  gint64 id;
  int rc;

  if (!tend_store_check_open (self, task))
    return;

  rc = select_service_id (self, ref, &id);
  if (rc != SQLITE_OK)
    g_task_return_error (task, tend_store_error (self, rc, "look up the service in"));
  else if (id < 0)
    g_task_return_new_error (task, TEND_ERROR, TEND_ERROR_NOT_FOUND,
                             "Tend keeps no history of '%s' on %s: it is not watched",
                             ref->unit, ref->host);
  else
    g_task_return_int (task, id);
}

static void
service_ref_free (ServiceRef *ref)
{
  g_free (ref->host);
  g_free (ref->unit);
  g_free (ref);
}

static void
ensure_service_job (TendStore *self,
                    GTask     *task)
{
  ServiceRef *ref = g_task_get_task_data (task);
  sqlite3_stmt *stmt = NULL;
  gint64 id = -1;
  int rc;

  if (!tend_store_check_open (self, task))
    return;

  rc = tend_store_exec (self, "BEGIN IMMEDIATE");
  if (rc == SQLITE_OK)
    {
      /* A host first named by its id: tend_host_new_local()'s are "local-user" and
       * "local-system", whose scope the name tells. */
      stmt = tend_store_prepare (self, "INSERT INTO hosts (name, scope) VALUES (?1, "
                                       "CASE ?1 WHEN 'local-system' THEN 'system' "
                                       "ELSE 'user' END) ON CONFLICT (name) DO NOTHING");
      sqlite3_bind_text (stmt, 1, ref->host, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt) == SQLITE_DONE ? SQLITE_OK
                                              : sqlite3_errcode (tend_store_get_db (self));
      sqlite3_finalize (stmt);
    }
  if (rc == SQLITE_OK)
    {
      stmt = tend_store_prepare (self, "INSERT INTO services (host_id, unit) SELECT id, ? "
                                       "FROM hosts WHERE name = ? "
                                       "ON CONFLICT (host_id, unit) DO NOTHING");
      sqlite3_bind_text (stmt, 1, ref->unit, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, ref->host, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt) == SQLITE_DONE ? SQLITE_OK
                                              : sqlite3_errcode (tend_store_get_db (self));
      sqlite3_finalize (stmt);
    }
  if (rc == SQLITE_OK)
    rc = select_service_id (self, ref, &id);
  if (rc == SQLITE_OK)
    rc = tend_store_exec (self, "COMMIT");

  if (rc != SQLITE_OK || id < 0)
    {
      g_task_return_error (task, tend_store_error (self, rc, "record the service in"));
      tend_store_exec (self, "ROLLBACK");
      return;
    }
  g_task_return_int (task, id);
}

/* Queues @job with the service @unit on @host as its task's data. */
static void
queue_service_ref (TendStore           *self,
                   const char          *host,
                   const char          *unit,
                   TendStoreJobFunc     job,
                   gpointer             source_tag,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  ServiceRef *ref = g_new0 (ServiceRef, 1);

  ref->host = g_strdup (host);
  ref->unit = g_strdup (unit);
  tend_store_queue_task (self, job, source_tag, ref, (GDestroyNotify) service_ref_free,
                         cancellable, callback, user_data);
}

/**
 * tend_store_ensure_service_async:
 *
 * Finds the id of the service @unit on the host named @host, adding both to the
 * inventory if they are not there yet.
 */
void
tend_store_ensure_service_async (TendStore           *self,
                                 const char          *host,
                                 const char          *unit,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (TEND_IS_STORE (self));
  g_return_if_fail (host != NULL && unit != NULL);

  queue_service_ref (self, host, unit, ensure_service_job, tend_store_ensure_service_async,
                     cancellable, callback, user_data);
}

/**
 * tend_store_lookup_service_async:
 *
 * Like tend_store_ensure_service_async(), but fails with %TEND_ERROR_NOT_FOUND rather
 * than add the service.
 */
void
tend_store_lookup_service_async (TendStore           *self,
                                 const char          *host,
                                 const char          *unit,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (TEND_IS_STORE (self));
  g_return_if_fail (host != NULL && unit != NULL);

  queue_service_ref (self, host, unit, lookup_service_job, tend_store_lookup_service_async,
                     cancellable, callback, user_data);
}

gint64
tend_store_lookup_service_finish (TendStore     *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  return g_task_propagate_int (G_TASK (result), error);
}

gint64
tend_store_ensure_service_finish (TendStore     *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  return g_task_propagate_int (G_TASK (result), error);
}

/* ------------------------------------------------------------------------------------ */
/* Reading                                                                               */

typedef struct
{
  gint64 service_id;
  gint64 since_usec;
  gint64 until_usec;
  gint64 bucket_usec;
  guint limit;
} Query;

static void
history_job (TendStore *self,
             GTask     *task)
{
  const Query *q = g_task_get_task_data (task);
  g_autoptr(GPtrArray) rows =
    g_ptr_array_new_with_free_func ((GDestroyNotify) tend_stored_result_free);
  sqlite3_stmt *stmt;
  int rc;

  if (!tend_store_check_open (self, task))
    return;

  stmt = tend_store_prepare (self,
                             "SELECT id, service_id, check_id, time_usec, status, latency_usec, "
                             "message FROM check_results WHERE service_id = ? "
                             "AND time_usec >= ? AND time_usec < ? "
                             "ORDER BY time_usec DESC LIMIT ?");
  sqlite3_bind_int64 (stmt, 1, q->service_id);
  sqlite3_bind_int64 (stmt, 2, q->since_usec);
  sqlite3_bind_int64 (stmt, 3, q->until_usec);
  sqlite3_bind_int (stmt, 4, q->limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TendStoredResult *row = g_new0 (TendStoredResult, 1);

      row->id = sqlite3_column_int64 (stmt, 0);
      row->service_id = sqlite3_column_int64 (stmt, 1);
      row->check_id = sqlite3_column_int64 (stmt, 2);
      row->time_usec = sqlite3_column_int64 (stmt, 3);
      row->status = sqlite3_column_int (stmt, 4);
      row->latency_usec = tend_store_column_int64 (stmt, 5, -1);
      row->message = tend_store_column_dup_text (stmt, 6);
      g_ptr_array_add (rows, row);
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    g_task_return_error (task, tend_store_error (self, rc, "read history from"));
  else
    g_task_return_pointer (task, g_steal_pointer (&rows), (GDestroyNotify) g_ptr_array_unref);
}

/**
 * tend_store_query_history_async:
 *
 * The stored raw results of a service between @since_usec and @until_usec, newest
 * first, at most @limit.
 */
void
tend_store_query_history_async (TendStore           *self,
                                gint64               service_id,
                                gint64               since_usec,
                                gint64               until_usec,
                                guint                limit,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  Query q = { service_id, since_usec, until_usec, 0, limit };

  g_return_if_fail (TEND_IS_STORE (self));
  tend_store_queue_task (self, history_job, tend_store_query_history_async,
                         g_memdup2 (&q, sizeof q), g_free, cancellable, callback, user_data);
}

/**
 * tend_store_query_history_finish:
 *
 * Returns: (transfer container) (element-type TendStoredResult): the results
 */
GPtrArray *
tend_store_query_history_finish (TendStore     *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
chart_job (TendStore *self,
           GTask     *task)
{
  const Query *q = g_task_get_task_data (task);
  static const int coarser[] = { 86400, 3600 };
  g_autoptr(GArray) buckets = g_array_new (FALSE, TRUE, sizeof (TendChartBucket));
  gint64 since, until;
  int resolution;
  sqlite3_stmt *stmt;
  int rc;

  if (!tend_store_check_open (self, task))
    return;

  /* Rollups are whole minutes, hours and days: the window is widened to whole minutes,
   * and the coarsest resolution is used whose rollups fit the bucket and both ends of
   * the window exactly. A 30-day chart by day from midnight reads day rows; a chart
   * from an odd minute reads minute rows; nothing reads raw results. */
  since = q->since_usec - q->since_usec % (60 * USEC_PER_SEC);
  until = q->until_usec + (60 * USEC_PER_SEC - q->until_usec % (60 * USEC_PER_SEC)) %
          (60 * USEC_PER_SEC);
  resolution = 60;
  for (guint i = 0; i < G_N_ELEMENTS (coarser); i++)
    {
      gint64 width = coarser[i] * USEC_PER_SEC;

      if (q->bucket_usec % width == 0 && since % width == 0 && until % width == 0)
        {
          resolution = coarser[i];
          break;
        }
    }

  /* The minutes still open (rollups_open) are not in the rollups yet: each falls in the
   * bucket its minute does, whatever the resolution read. */
  stmt = tend_store_prepare (self,
    "SELECT ?3 + ((bucket_usec - ?3) / ?5) * ?5 AS start, sum (n_pass), sum (n_warn), "
    "sum (n_fail), sum (n_unknown), min (latency_min), sum (latency_sum), sum (latency_n), "
    "max (latency_max) FROM ("
    "SELECT bucket_usec, n_pass, n_warn, n_fail, n_unknown, latency_min, latency_sum, "
    "latency_n, latency_max FROM rollups WHERE service_id = ?1 AND resolution = ?2 "
    "AND bucket_usec >= ?3 AND bucket_usec < ?4 UNION ALL "
    "SELECT minute_usec, n_pass, n_warn, n_fail, n_unknown, latency_min, latency_sum, "
    "latency_n, latency_max FROM rollups_open WHERE service_id = ?1 "
    "AND minute_usec >= ?3 AND minute_usec < ?4) GROUP BY start ORDER BY start");
  sqlite3_bind_int64 (stmt, 1, q->service_id);
  sqlite3_bind_int (stmt, 2, resolution);
  sqlite3_bind_int64 (stmt, 3, since);
  sqlite3_bind_int64 (stmt, 4, until);
  sqlite3_bind_int64 (stmt, 5, q->bucket_usec);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TendChartBucket bucket;
      gint64 latency_n = sqlite3_column_int64 (stmt, 7);

      bucket.start_usec = sqlite3_column_int64 (stmt, 0);
      bucket.n_pass = sqlite3_column_int64 (stmt, 1);
      bucket.n_warn = sqlite3_column_int64 (stmt, 2);
      bucket.n_fail = sqlite3_column_int64 (stmt, 3);
      bucket.n_unknown = sqlite3_column_int64 (stmt, 4);
      bucket.latency_min = tend_store_column_int64 (stmt, 5, -1);
      bucket.latency_avg = latency_n > 0 ? sqlite3_column_int64 (stmt, 6) / latency_n : -1;
      bucket.latency_max = tend_store_column_int64 (stmt, 8, -1);
      g_array_append_val (buckets, bucket);
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    g_task_return_error (task, tend_store_error (self, rc, "read the chart from"));
  else
    g_task_return_pointer (task, g_steal_pointer (&buckets), (GDestroyNotify) g_array_unref);
}

/**
 * tend_store_query_chart_async:
 * @bucket_usec: the width of a bucket, at least a minute
 *
 * A service's results between @since_usec and @until_usec in buckets, from the
 * rollups (never the raw rows), so its cost does not grow with the history kept.
 * The window is widened to whole minutes (@since_usec down, @until_usec up); buckets
 * start at the widened @since_usec. Buckets without results are left out.
 */
void
tend_store_query_chart_async (TendStore           *self,
                              gint64               service_id,
                              gint64               since_usec,
                              gint64               until_usec,
                              gint64               bucket_usec,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  Query q = { service_id, since_usec, until_usec, bucket_usec, 0 };

  g_return_if_fail (TEND_IS_STORE (self));
  g_return_if_fail (bucket_usec >= 60 * USEC_PER_SEC);

  tend_store_queue_task (self, chart_job, tend_store_query_chart_async, g_memdup2 (&q, sizeof q),
                         g_free, cancellable, callback, user_data);
}

/**
 * tend_store_query_chart_finish:
 *
 * Returns: (transfer full) (element-type TendChartBucket): the buckets, oldest first
 */
GArray *
tend_store_query_chart_finish (TendStore     *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
audit_job (TendStore *self,
           GTask     *task)
{
  const Query *q = g_task_get_task_data (task);
  g_autoptr(GPtrArray) rows =
    g_ptr_array_new_with_free_func ((GDestroyNotify) tend_audit_record_free);
  sqlite3_stmt *stmt;
  int rc;

  if (!tend_store_check_open (self, task))
    return;

  /* What waits to be written is part of the answer. */
  tend_store_flush_waiting (self);

  stmt = tend_store_prepare (self,
                             "SELECT time_usec, unix_user, origin, host, unit, operation, "
                             "parameters, result, error, duration_usec FROM audit "
                             "WHERE time_usec >= ? ORDER BY time_usec DESC, id DESC LIMIT ?");
  sqlite3_bind_int64 (stmt, 1, q->since_usec);
  sqlite3_bind_int (stmt, 2, q->limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TendAuditRecord *row = g_new0 (TendAuditRecord, 1);

      row->time_usec = sqlite3_column_int64 (stmt, 0);
      row->unix_user = tend_store_column_dup_text (stmt, 1);
      row->origin = audit_origin_from_string ((const char *) sqlite3_column_text (stmt, 2));
      row->host = tend_store_column_dup_text (stmt, 3);
      row->unit = tend_store_column_dup_text (stmt, 4);
      row->operation = tend_store_column_dup_text (stmt, 5);
      row->parameters = tend_store_column_dup_text (stmt, 6);
      row->result = tend_store_column_dup_text (stmt, 7);
      row->error = tend_store_column_dup_text (stmt, 8);
      row->duration_usec = sqlite3_column_int64 (stmt, 9);
      g_ptr_array_add (rows, row);
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    g_task_return_error (task, tend_store_error (self, rc, "read the audit log from"));
  else
    g_task_return_pointer (task, g_steal_pointer (&rows), (GDestroyNotify) g_ptr_array_unref);
}

void
tend_store_query_audit_async (TendStore           *self,
                              gint64               since_usec,
                              guint                limit,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  Query q = { 0, since_usec, G_MAXINT64, 0, limit };

  g_return_if_fail (TEND_IS_STORE (self));
  tend_store_queue_task (self, audit_job, tend_store_query_audit_async, g_memdup2 (&q, sizeof q),
                         g_free, cancellable, callback, user_data);
}

/**
 * tend_store_query_audit_finish:
 *
 * Returns: (transfer container) (element-type TendAuditRecord): newest first
 */
GPtrArray *
tend_store_query_audit_finish (TendStore     *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

