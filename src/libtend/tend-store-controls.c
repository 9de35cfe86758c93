/* tend-store-controls.c — what is set on a service while Tend runs: silences and
 * "manual intervention required"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Not part of the inventory: an import neither exports nor changes them, and they are
 * forgotten with the service. A person silences a service; the engine marks one that
 * is caught in a restart loop as waiting for a person, who resumes it. Each setter
 * writes its own columns only, so neither undoes the other; a row that holds neither
 * a silence nor a mark is removed.
 */
#define G_LOG_DOMAIN "Tend"

#include "tend-error.h"
#include "tend-store-private.h"

/**
 * tend_service_controls_copy:
 * @controls: a #TendServiceControls
 *
 * Returns: (transfer full): a deep copy of @controls
 */
TendServiceControls *
tend_service_controls_copy (const TendServiceControls *controls)
{
  TendServiceControls *copy;

  g_return_val_if_fail (controls != NULL, NULL);

  copy = g_memdup2 (controls, sizeof *controls);
  copy->host = g_strdup (controls->host);
  copy->unit = g_strdup (controls->unit);
  copy->silence_reason = g_strdup (controls->silence_reason);
  copy->manual_reason = g_strdup (controls->manual_reason);
  return copy;
}

/**
 * tend_service_controls_free:
 * @controls: (nullable): a #TendServiceControls
 */
void
tend_service_controls_free (TendServiceControls *controls)
{
  if (controls == NULL)
    return;
  g_free (controls->host);
  g_free (controls->unit);
  g_free (controls->silence_reason);
  g_free (controls->manual_reason);
  g_free (controls);
}

/* ------------------------------------------------------------------------------------ */
/* Setting                                                                               */

/* One setter's change: @sql binds the service as ?1, @usec as ?2, @reason as ?3 and,
 * when it has a fourth parameter, @on as ?4. */
typedef struct
{
  const char *sql;
  const char *doing;
  gint64      service_id;
  gint64      usec;
  char       *reason;
  gboolean    on;
} SetControl;

static void
set_control_free (SetControl *set)
{
  g_free (set->reason);
  g_free (set);
}

static int
step_once (sqlite3_stmt *stmt)
{
  int rc = sqlite3_step (stmt);

  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

static void
set_control_job (TendStore *self,
                 GTask     *task)
{
  const SetControl *set = g_task_get_task_data (task);
  sqlite3_stmt *stmt;
  gboolean found = FALSE;
  int rc;

  if (!tend_store_check_open (self, task))
    return;

  rc = tend_store_exec (self, "BEGIN IMMEDIATE");
  if (rc == SQLITE_OK)
    {
      stmt = tend_store_prepare (self, set->sql);
      sqlite3_bind_int64 (stmt, 1, set->service_id);
      sqlite3_bind_int64 (stmt, 2, set->usec);
      tend_store_bind_text (stmt, 3, set->reason);
      if (sqlite3_bind_parameter_count (stmt) >= 4)
        sqlite3_bind_int (stmt, 4, set->on ? 1 : 0);
      rc = step_once (stmt);
      found = sqlite3_changes (tend_store_get_db (self)) > 0;
    }
  if (rc == SQLITE_OK && found)
    {
      stmt = tend_store_prepare (self, "DELETE FROM service_controls WHERE service_id = ?1 "
                                       "AND silenced_until_usec = 0 AND manual = 0");
      sqlite3_bind_int64 (stmt, 1, set->service_id);
      rc = step_once (stmt);
    }
  if (rc == SQLITE_OK)
    rc = tend_store_exec (self, found ? "COMMIT" : "ROLLBACK");

  if (rc != SQLITE_OK)
    {
      g_task_return_error (task, tend_store_error (self, rc, set->doing));
      tend_store_exec (self, "ROLLBACK");
    }
  else if (!found)
    g_task_return_new_error (task, TEND_ERROR, TEND_ERROR_NOT_FOUND,
                             "no service with id %" G_GINT64_FORMAT " in the inventory; it "
                             "may have been removed by an import", set->service_id);
  else
    g_task_return_boolean (task, TRUE);
}

static void
queue_set_control (TendStore           *self,
                   SetControl          *set,
                   gpointer             source_tag,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, set, (GDestroyNotify) set_control_free);
  tend_store_queue_job (self, set_control_job, task);
}

/**
 * tend_store_set_silence_async:
 * @service_id: the service
 * @until_usec: realtime µs until which it is silenced, or 0 to end a silence
 * @reason: (nullable): why, as the person said it; dropped when @until_usec is 0
 *
 * Silences a service until a time: its checks still run and are recorded, but it is
 * neither recovered nor notified about. Leaves a mark of manual intervention as it is.
 * Fails with %TEND_ERROR_NOT_FOUND when @service_id is not a service of the inventory.
 */
void
tend_store_set_silence_async (TendStore           *self,
                              gint64               service_id,
                              gint64               until_usec,
                              const char          *reason,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  SetControl *set;

  g_return_if_fail (TEND_IS_STORE (self));
  g_return_if_fail (until_usec >= 0);

  set = g_new0 (SetControl, 1);
  set->sql = "INSERT INTO service_controls (service_id, silenced_until_usec, silence_reason) "
             "SELECT id, ?2, ?3 FROM services WHERE id = ?1 "
             "ON CONFLICT (service_id) DO UPDATE SET "
             "silenced_until_usec = excluded.silenced_until_usec, "
             "silence_reason = excluded.silence_reason";
  set->doing = "save the silence to";
  set->service_id = service_id;
  set->usec = until_usec;
  set->reason = until_usec > 0 ? g_strdup (reason) : NULL;
  queue_set_control (self, set, tend_store_set_silence_async, cancellable, callback,
                     user_data);
}

gboolean
tend_store_set_silence_finish (TendStore     *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * tend_store_set_manual_async:
 * @service_id: the service
 * @manual: whether it waits for a person ("manual intervention required"); %FALSE
 *   when a person resumes it
 * @reason: (nullable): why, such as the restart loop seen; dropped when @manual is %FALSE
 * @since_usec: realtime µs since when; ignored (0) when @manual is %FALSE
 *
 * Marks a service as waiting for a person, or resumes it. Leaves a silence as it is.
 * Fails with %TEND_ERROR_NOT_FOUND when @service_id is not a service of the inventory.
 */
void
tend_store_set_manual_async (TendStore           *self,
                             gint64               service_id,
                             gboolean             manual,
                             const char          *reason,
                             gint64               since_usec,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  SetControl *set;

  g_return_if_fail (TEND_IS_STORE (self));
  g_return_if_fail (since_usec >= 0);

  set = g_new0 (SetControl, 1);
  set->sql = "INSERT INTO service_controls (service_id, manual, manual_reason, "
             "manual_since_usec) SELECT id, ?4, ?3, ?2 FROM services WHERE id = ?1 "
             "ON CONFLICT (service_id) DO UPDATE SET manual = excluded.manual, "
             "manual_reason = excluded.manual_reason, "
             "manual_since_usec = excluded.manual_since_usec";
  set->doing = "save the mark of manual intervention to";
  set->service_id = service_id;
  set->on = manual;
  set->usec = manual ? since_usec : 0;
  set->reason = manual ? g_strdup (reason) : NULL;
  queue_set_control (self, set, tend_store_set_manual_async, cancellable, callback,
                     user_data);
}

gboolean
tend_store_set_manual_finish (TendStore     *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------------------------ */
/* Reading                                                                               */

static void
query_controls_job (TendStore *self,
                    GTask     *task)
{
  g_autoptr(GPtrArray) rows =
    g_ptr_array_new_with_free_func ((GDestroyNotify) tend_service_controls_free);
  sqlite3_stmt *stmt;
  int rc;

  if (!tend_store_check_open (self, task))
    return;

  stmt = tend_store_prepare (self, "SELECT service_id, hosts.name, unit, silenced_until_usec, "
                                   "silence_reason, manual, manual_reason, manual_since_usec "
                                   "FROM service_controls "
                                   "JOIN services ON services.id = service_id "
                                   "JOIN hosts ON hosts.id = services.host_id "
                                   "WHERE ?1 < 0 OR service_id = ?1 ORDER BY hosts.name, unit");
  sqlite3_bind_int64 (stmt, 1, tend_store_task_service_id (task));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TendServiceControls *row = g_new0 (TendServiceControls, 1);

      row->service_id = sqlite3_column_int64 (stmt, 0);
      row->host = tend_store_column_dup_text (stmt, 1);
      row->unit = tend_store_column_dup_text (stmt, 2);
      row->silenced_until_usec = sqlite3_column_int64 (stmt, 3);
      row->silence_reason = tend_store_column_dup_text (stmt, 4);
      row->manual = sqlite3_column_int (stmt, 5) != 0;
      row->manual_reason = tend_store_column_dup_text (stmt, 6);
      row->manual_since_usec = sqlite3_column_int64 (stmt, 7);
      g_ptr_array_add (rows, row);
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    g_task_return_error (task, tend_store_error (self, rc, "read silences and marks from"));
  else
    g_task_return_pointer (task, g_steal_pointer (&rows), (GDestroyNotify) g_ptr_array_unref);
}

/**
 * tend_store_query_controls_async:
 * @service_id: the service, or -1 for every service of the inventory
 *
 * Reads the silences and marks of manual intervention, by host and unit: a row per
 * service that has either (a silence whose time has passed included; the caller
 * compares it with the clock).
 */
void
tend_store_query_controls_async (TendStore           *self,
                                 gint64               service_id,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (TEND_IS_STORE (self));

  tend_store_queue_service_query (self, service_id, query_controls_job,
                                  tend_store_query_controls_async, cancellable, callback,
                                  user_data);
}

/**
 * tend_store_query_controls_finish:
 *
 * Returns: (transfer container) (element-type TendServiceControls): by host and unit;
 *   services that left the inventory are not listed
 */
GPtrArray *
tend_store_query_controls_finish (TendStore     *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
