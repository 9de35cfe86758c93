/* tend-store-health.c — each service's health as the monitor last saw it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The monitor owns health; it saves what it sees here so that others (tendctl health,
 * a window opened later) can read it while the monitor runs. A saved health is a
 * snapshot: a save that fails is logged and the next one replaces it.
 */
#define G_LOG_DOMAIN "Tend-Store"

#include "tend-error.h"
#include "tend-store-private.h"

TendHealthRecord *
tend_health_record_copy (const TendHealthRecord *record)
{
  TendHealthRecord *copy;

  g_return_val_if_fail (record != NULL, NULL);

  copy = g_new0 (TendHealthRecord, 1);
  copy->service_id = record->service_id;
  copy->host = g_strdup (record->host);
  copy->unit = g_strdup (record->unit);
  copy->time_usec = record->time_usec;
  copy->status = g_strdup (record->status);
  copy->layers = g_strdup (record->layers);
  copy->recovery = g_strdup (record->recovery);
  return copy;
}

void
tend_health_record_free (TendHealthRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->host);
  g_free (record->unit);
  g_free (record->status);
  g_free (record->layers);
  g_free (record->recovery);
  g_free (record);
}

static void
save_health_job (TendStore *self,
                 GTask     *task)
{
  GPtrArray *records = g_task_get_task_data (task);
  sqlite3_stmt *stmt;
  int rc;

  if (tend_store_get_db (self) == NULL)
    return;

  rc = tend_store_exec (self, "BEGIN IMMEDIATE");
  stmt = tend_store_prepare (self, "INSERT INTO health (service_id, time_usec, status, layers) "
                                   "VALUES (?, ?, ?, ?) ON CONFLICT (service_id) DO UPDATE SET "
                                   "time_usec = excluded.time_usec, status = excluded.status, "
                                   "layers = excluded.layers");
  for (guint i = 0; i < records->len && rc == SQLITE_OK && stmt != NULL; i++)
    {
      const TendHealthRecord *record = records->pdata[i];

      sqlite3_bind_int64 (stmt, 1, record->service_id);
      sqlite3_bind_int64 (stmt, 2, record->time_usec);
      tend_store_bind_text (stmt, 3, record->status);
      tend_store_bind_text (stmt, 4, record->layers != NULL ? record->layers : "[]");
      rc = sqlite3_step (stmt);
      rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);

  if (rc == SQLITE_OK)
    rc = tend_store_exec (self, "COMMIT");
  if (rc != SQLITE_OK)
    {
      g_autoptr(GError) error = tend_store_error (self, rc, "save the services' health to");

      tend_store_report_write_error (self, error->message, NULL);
      tend_store_exec (self, "ROLLBACK");
    }
}

/**
 * tend_store_save_health:
 * @records: (element-type TendHealthRecord): a record per service that changed
 *
 * Queues the records, to be written in one transaction, each replacing its service's
 * previous one. Nothing waits for it; a failure is logged.
 */
void
tend_store_save_health (TendStore *self,
                        GPtrArray *records)
{
  g_return_if_fail (TEND_IS_STORE (self));
  g_return_if_fail (records != NULL);

  tend_store_queue_task (self, save_health_job, tend_store_save_health, g_ptr_array_ref (records),
                         (GDestroyNotify) g_ptr_array_unref, NULL, NULL, NULL);
}

static void
clear_health_job (TendStore *self,
                  GTask     *task)
{
  int rc;

  if (tend_store_get_db (self) == NULL)
    return;
  rc = tend_store_exec (self, "DELETE FROM health; DELETE FROM recovery_status");
  if (rc != SQLITE_OK)
    {
      g_autoptr(GError) error = tend_store_error (self, rc, "clear the services' health in");

      tend_store_report_write_error (self, error->message, NULL);
    }
}

/**
 * tend_store_clear_health:
 *
 * Queues forgetting every saved health and recovery status: a monitor starting knows
 * nothing yet.
 */
void
tend_store_clear_health (TendStore *self)
{
  g_return_if_fail (TEND_IS_STORE (self));

  tend_store_queue_task (self, clear_health_job, tend_store_clear_health, NULL, NULL,
                         NULL, NULL, NULL);
}

typedef struct
{
  gint64 service_id;
  gint64 time_usec;
  char *status;                /* (owned) (nullable) */
} StatusData;

static void
status_data_free (StatusData *data)
{
  g_free (data->status);
  g_free (data);
}

static void
save_recovery_status_job (TendStore *self,
                          GTask     *task)
{
  StatusData *data = g_task_get_task_data (task);
  sqlite3_stmt *stmt;
  int rc;

  if (tend_store_get_db (self) == NULL)
    return;

  if (data->status == NULL)
    stmt = tend_store_prepare (self, "DELETE FROM recovery_status WHERE service_id = ?1");
  else
    stmt = tend_store_prepare (self, "INSERT INTO recovery_status (service_id, time_usec, "
                                     "status) VALUES (?1, ?2, ?3) ON CONFLICT (service_id) "
                                     "DO UPDATE SET time_usec = excluded.time_usec, "
                                     "status = excluded.status");
  if (stmt == NULL)
    return;
  sqlite3_bind_int64 (stmt, 1, data->service_id);
  if (data->status != NULL)
    {
      sqlite3_bind_int64 (stmt, 2, data->time_usec);
      tend_store_bind_text (stmt, 3, data->status);
    }
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      g_autoptr(GError) error = tend_store_error (self, rc,
                                                  "save what recovery will do next to");

      tend_store_report_write_error (self, error->message, NULL);
    }
}

/**
 * tend_store_save_recovery_status:
 * @time_usec: realtime µs of the status
 * @status_json: (nullable): what the engine will do about the service, a JSON object
 *   (tend_recovery_status_to_json()); %NULL forgets it
 *
 * Queues the service's recovery status, replacing the previous one; tend_store_query_
 * health_async() reads it back with the health. Nothing waits for it; a failure is
 * logged.
 */
void
tend_store_save_recovery_status (TendStore  *self,
                                 gint64      service_id,
                                 gint64      time_usec,
                                 const char *status_json)
{
  StatusData *data;

  g_return_if_fail (TEND_IS_STORE (self));

  data = g_new0 (StatusData, 1);
  data->service_id = service_id;
  data->time_usec = time_usec;
  data->status = g_strdup (status_json);
  tend_store_queue_task (self, save_recovery_status_job, tend_store_save_recovery_status, data,
                         (GDestroyNotify) status_data_free, NULL, NULL, NULL);
}

static void
query_health_job (TendStore *self,
                  GTask     *task)
{
  g_autoptr(GPtrArray) rows =
    g_ptr_array_new_with_free_func ((GDestroyNotify) tend_health_record_free);
  sqlite3_stmt *stmt;
  int rc;

  if (!tend_store_check_open (self, task))
    return;

  stmt = tend_store_prepare (self, "SELECT health.service_id, hosts.name, unit, "
                                   "health.time_usec, health.status, layers, "
                                   "recovery_status.status FROM health "
                                   "JOIN services ON services.id = health.service_id "
                                   "JOIN hosts ON hosts.id = services.host_id "
                                   "LEFT JOIN recovery_status "
                                   "ON recovery_status.service_id = health.service_id "
                                   "WHERE ?1 < 0 OR health.service_id = ?1 "
                                   "ORDER BY hosts.name, unit");
  sqlite3_bind_int64 (stmt, 1, tend_store_task_service_id (task));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TendHealthRecord *row = g_new0 (TendHealthRecord, 1);

      row->service_id = sqlite3_column_int64 (stmt, 0);
      row->host = tend_store_column_dup_text (stmt, 1);
      row->unit = tend_store_column_dup_text (stmt, 2);
      row->time_usec = sqlite3_column_int64 (stmt, 3);
      row->status = tend_store_column_dup_text (stmt, 4);
      row->layers = tend_store_column_dup_text (stmt, 5);
      row->recovery = tend_store_column_dup_text (stmt, 6);
      g_ptr_array_add (rows, row);
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    g_task_return_error (task, tend_store_error (self, rc, "read the services' health from"));
  else
    g_task_return_pointer (task, g_steal_pointer (&rows), (GDestroyNotify) g_ptr_array_unref);
}

/**
 * tend_store_query_health_async:
 * @service_id: the service, or -1 for every service of the inventory
 *
 * Reads the health the monitor saved, by host and unit.
 */
void
tend_store_query_health_async (TendStore           *self,
                               gint64               service_id,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (TEND_IS_STORE (self));

  tend_store_queue_service_query (self, service_id, query_health_job,
                                  tend_store_query_health_async, cancellable, callback,
                                  user_data);
}

/**
 * tend_store_query_health_finish:
 *
 * Returns: (transfer container) (element-type TendHealthRecord): by host and unit
 */
GPtrArray *
tend_store_query_health_finish (TendStore     *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
