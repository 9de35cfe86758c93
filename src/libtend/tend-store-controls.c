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
#define G_LOG_DOMAIN "Tend-Store"

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
  tend_store_queue_task (self, set_control_job, source_tag, set, (GDestroyNotify) set_control_free,
                         cancellable, callback, user_data);
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

/* ------------------------------------------------------------------------------------ */
/* Changing, in one transaction                                                          */

typedef struct
{
  char                 *host;
  char                 *unit;
  TendControlsEditFunc  func;
  gpointer              func_data;
  gboolean              changed;     /* set by the job */
} EditControls;

static void
edit_controls_free (EditControls *edit)
{
  g_free (edit->host);
  g_free (edit->unit);
  g_free (edit);
}

static gboolean
controls_equal (const TendServiceControls *a,
                const TendServiceControls *b)
{
  return a->silenced_until_usec == b->silenced_until_usec &&
         g_strcmp0 (a->silence_reason, b->silence_reason) == 0 &&
         !a->manual == !b->manual && g_strcmp0 (a->manual_reason, b->manual_reason) == 0 &&
         a->manual_since_usec == b->manual_since_usec;
}

/* Reads the service's controls into @controls, whose service_id is set; a service with
 * none has the zeroes it came with. */
static int
read_controls (TendStore           *self,
               TendServiceControls *controls)
{
  sqlite3_stmt *stmt = tend_store_prepare (self, "SELECT silenced_until_usec, silence_reason, "
                                                 "manual, manual_reason, manual_since_usec "
                                                 "FROM service_controls WHERE service_id = ?1");
  int rc;

  sqlite3_bind_int64 (stmt, 1, controls->service_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      controls->silenced_until_usec = sqlite3_column_int64 (stmt, 0);
      controls->silence_reason = tend_store_column_dup_text (stmt, 1);
      controls->manual = sqlite3_column_int (stmt, 2) != 0;
      controls->manual_reason = tend_store_column_dup_text (stmt, 3);
      controls->manual_since_usec = sqlite3_column_int64 (stmt, 4);
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Writes @controls over the stored row; a row with neither a silence nor a mark goes. */
static int
write_controls (TendStore                 *self,
                const TendServiceControls *controls)
{
  sqlite3_stmt *stmt;

  if (controls->silenced_until_usec == 0 && !controls->manual)
    {
      stmt = tend_store_prepare (self, "DELETE FROM service_controls WHERE service_id = ?1");
      sqlite3_bind_int64 (stmt, 1, controls->service_id);
      return step_once (stmt);
    }

  stmt = tend_store_prepare (self, "INSERT OR REPLACE INTO service_controls (service_id, "
                                   "silenced_until_usec, silence_reason, manual, "
                                   "manual_reason, manual_since_usec) "
                                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  sqlite3_bind_int64 (stmt, 1, controls->service_id);
  sqlite3_bind_int64 (stmt, 2, controls->silenced_until_usec);
  tend_store_bind_text (stmt, 3, controls->silenced_until_usec > 0 ? controls->silence_reason
                                                                   : NULL);
  sqlite3_bind_int (stmt, 4, controls->manual ? 1 : 0);
  tend_store_bind_text (stmt, 5, controls->manual ? controls->manual_reason : NULL);
  sqlite3_bind_int64 (stmt, 6, controls->manual ? controls->manual_since_usec : 0);
  return step_once (stmt);
}

static void
edit_controls_job (TendStore *self,
                   GTask     *task)
{
  EditControls *edit = g_task_get_task_data (task);
  g_autoptr(TendServiceControls) controls = g_new0 (TendServiceControls, 1);
  g_autoptr(TendServiceControls) before = NULL;
  GError *error = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (!tend_store_check_open (self, task))
    return;

  controls->host = g_strdup (edit->host);
  controls->unit = g_strdup (edit->unit);
  rc = tend_store_exec (self, "BEGIN IMMEDIATE");
  if (rc == SQLITE_OK)
    {
      stmt = tend_store_prepare (self, "SELECT services.id FROM services JOIN hosts "
                                       "ON hosts.id = host_id WHERE hosts.name = ?1 "
                                       "AND unit = ?2");
      sqlite3_bind_text (stmt, 1, edit->host, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, edit->unit, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      controls->service_id = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : -1;
      sqlite3_finalize (stmt);
      rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
    }
  if (rc == SQLITE_OK && controls->service_id < 0)
    {
      error = g_error_new (TEND_ERROR, TEND_ERROR_NOT_FOUND, "Tend does not watch %s on %s",
                           edit->unit, edit->host);
      goto refused;
    }
  if (rc == SQLITE_OK)
    rc = read_controls (self, controls);
  if (rc != SQLITE_OK)
    goto failed;

  before = tend_service_controls_copy (controls);
  if (!edit->func (controls, edit->func_data, &error))
    goto refused;

  edit->changed = !controls_equal (before, controls);
  if (edit->changed)
    {
      controls->service_id = before->service_id;
      rc = write_controls (self, controls);
    }
  if (rc == SQLITE_OK)
    rc = tend_store_exec (self, edit->changed ? "COMMIT" : "ROLLBACK");
  if (rc != SQLITE_OK)
    goto failed;

  g_task_return_pointer (task, g_steal_pointer (&before),
                         (GDestroyNotify) tend_service_controls_free);
  return;

failed:
  error = tend_store_error (self, rc, "save the silence or mark to");
refused:
  tend_store_exec (self, "ROLLBACK");
  g_task_return_error (task, error);
}

/**
 * TendControlsEditFunc:
 * @controls: the service's controls as they are stored at this moment (zeroes when it
 *   has none), to change in place; its host, unit and id are not to be changed
 * @user_data: what was given with it
 * @error: why the change does not apply
 *
 * Makes one change to what is set on a service. It runs on the store's thread, inside
 * the write transaction: it must only read and change @controls and its own data.
 *
 * Returns: %FALSE with @error set to refuse the change
 */

/**
 * tend_store_edit_controls_async:
 * @host: the service's host
 * @unit: the service's unit
 * @func: the change; called once, on the store's thread
 * @func_data: its data, which must live until @callback
 *
 * Changes the silence or the mark of manual intervention of the service @unit on @host
 * in one transaction: the service is looked up, its controls are read with the write
 * lock held, @func changes them, and they are written if they changed. Fails with
 * %TEND_ERROR_NOT_FOUND when the service is not in the inventory (at that moment).
 */
void
tend_store_edit_controls_async (TendStore            *self,
                                const char           *host,
                                const char           *unit,
                                TendControlsEditFunc  func,
                                gpointer              func_data,
                                GCancellable         *cancellable,
                                GAsyncReadyCallback   callback,
                                gpointer              user_data)
{
  EditControls *edit;

  g_return_if_fail (TEND_IS_STORE (self));
  g_return_if_fail (host != NULL && unit != NULL);
  g_return_if_fail (func != NULL);

  edit = g_new0 (EditControls, 1);
  edit->host = g_strdup (host);
  edit->unit = g_strdup (unit);
  edit->func = func;
  edit->func_data = func_data;
  tend_store_queue_task (self, edit_controls_job, tend_store_edit_controls_async, edit,
                         (GDestroyNotify) edit_controls_free, cancellable, callback, user_data);
}

/**
 * tend_store_edit_controls_finish:
 * @changed: (out) (optional): whether the change was stored (%FALSE: it found its work
 *   done already)
 *
 * Returns: (transfer full): the service's controls as they were before the change, or
 *   %NULL with @error set
 */
TendServiceControls *
tend_store_edit_controls_finish (TendStore     *self,
                                 GAsyncResult  *result,
                                 gboolean      *changed,
                                 GError       **error)
{
  TendServiceControls *before;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  before = g_task_propagate_pointer (G_TASK (result), error);
  if (changed != NULL)
    *changed = before != NULL && ((EditControls *) g_task_get_task_data (G_TASK (result)))->changed;
  return before;
}
