/* tend-store-records.c — configuration values, incidents and restart attempts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Small records written one at a time, each as a job on the store's thread. Writes
 * that nobody waits for (an incident's update, a restart attempt) are queued like the
 * others and fail loudly in the log; those a person waits for have a _finish.
 */
#define G_LOG_DOMAIN "Tend-Store"

#include "tend-error.h"
#include "tend-store-private.h"

static int
step_done (TendStore    *self,
           sqlite3_stmt *stmt)
{
  int rc = sqlite3_step (stmt);

  return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

/* ------------------------------------------------------------------------------------ */
/* Configuration                                                                         */

static void
load_config_job (TendStore *self,
                 GTask     *task)
{
  g_autoptr(GHashTable) values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  sqlite3_stmt *stmt;
  int rc;

  if (!tend_store_check_open (self, task))
    return;

  stmt = tend_store_prepare (self, "SELECT key, value FROM config");
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_hash_table_insert (values, tend_store_column_dup_text (stmt, 0),
                         tend_store_column_dup_text (stmt, 1));
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    g_task_return_error (task, tend_store_error (self, rc, "read the configuration from"));
  else
    g_task_return_pointer (task, g_steal_pointer (&values), (GDestroyNotify) g_hash_table_unref);
}

/**
 * tend_store_load_config_async:
 *
 * Reads the stored configuration values (key → text), for tend_config_load().
 */
void
tend_store_load_config_async (TendStore           *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (TEND_IS_STORE (self));

  tend_store_queue_task (self, load_config_job, tend_store_load_config_async, NULL, NULL,
                         cancellable, callback, user_data);
}

/**
 * tend_store_load_config_finish:
 *
 * Returns: (transfer container) (element-type utf8 utf8): the stored values
 */
GHashTable *
tend_store_load_config_finish (TendStore     *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
save_config_job (TendStore *self,
                 GTask     *task)
{
  const char * const *pair = g_task_get_task_data (task);
  sqlite3_stmt *stmt;
  int rc;

  if (!tend_store_check_open (self, task))
    return;

  if (pair[1] != NULL)
    stmt = tend_store_prepare (self, "INSERT INTO config (key, value) VALUES (?1, ?2) "
                                     "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  else
    stmt = tend_store_prepare (self, "DELETE FROM config WHERE key = ?1");
  sqlite3_bind_text (stmt, 1, pair[0], -1, SQLITE_STATIC);
  if (pair[1] != NULL)
    sqlite3_bind_text (stmt, 2, pair[1], -1, SQLITE_STATIC);
  rc = step_done (self, stmt);
  sqlite3_finalize (stmt);

  if (rc != SQLITE_OK)
    g_task_return_error (task, tend_store_error (self, rc, "save the setting to"));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * tend_store_save_config_async:
 * @value: (nullable): the value as text; %NULL removes it (back to the default)
 *
 * Stores one configuration value. Validating it is TendConfig's work.
 */
void
tend_store_save_config_async (TendStore           *self,
                              const char          *key,
                              const char          *value,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  char **pair;

  g_return_if_fail (TEND_IS_STORE (self));
  g_return_if_fail (key != NULL);

  pair = g_new0 (char *, 3);
  pair[0] = g_strdup (key);
  pair[1] = g_strdup (value);
  tend_store_queue_task (self, save_config_job, tend_store_save_config_async, pair,
                         (GDestroyNotify) g_strfreev, cancellable, callback, user_data);
}

gboolean
tend_store_save_config_finish (TendStore     *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------------------------ */
/* Incidents and restart attempts                                                        */

void
tend_incident_free (TendIncident *incident)
{
  if (incident == NULL)
    return;
  g_free (incident->host);
  g_free (incident->unit);
  g_free (incident->worst_severity);
  g_free (incident->cause);
  g_free (incident->actions);
  g_free (incident->snapshot);
  g_free (incident);
}

static void
open_incident_job (TendStore *self,
                   GTask     *task)
{
  TendIncident *incident = g_task_get_task_data (task);
  sqlite3_stmt *stmt;
  int rc;

  if (!tend_store_check_open (self, task))
    return;

  stmt = tend_store_prepare (self, "INSERT INTO incidents (service_id, opened_usec, "
                                   "worst_severity, cause) VALUES (?, ?, ?, ?)");
  sqlite3_bind_int64 (stmt, 1, incident->service_id);
  sqlite3_bind_int64 (stmt, 2, incident->opened_usec);
  sqlite3_bind_text (stmt, 3, incident->worst_severity, -1, SQLITE_STATIC);
  tend_store_bind_text (stmt, 4, incident->cause);
  rc = step_done (self, stmt);
  sqlite3_finalize (stmt);

  if (rc != SQLITE_OK)
    g_task_return_error (task, tend_store_error (self, rc, "record the incident in"));
  else
    g_task_return_int (task, sqlite3_last_insert_rowid (tend_store_get_db (self)));
}

/**
 * tend_store_open_incident_async:
 * @severity: the worst severity so far, such as "critical"
 * @cause: (nullable): what went wrong, in a line
 *
 * Opens an incident for a service; finishes with its id.
 */
void
tend_store_open_incident_async (TendStore           *self,
                                gint64               service_id,
                                gint64               opened_usec,
                                const char          *severity,
                                const char          *cause,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  TendIncident *incident;

  g_return_if_fail (TEND_IS_STORE (self));
  g_return_if_fail (severity != NULL);

  incident = g_new0 (TendIncident, 1);
  incident->service_id = service_id;
  incident->opened_usec = opened_usec;
  incident->worst_severity = g_strdup (severity);
  incident->cause = g_strdup (cause);
  tend_store_queue_task (self, open_incident_job, tend_store_open_incident_async, incident,
                         (GDestroyNotify) tend_incident_free, cancellable, callback, user_data);
}

gint64
tend_store_open_incident_finish (TendStore     *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  return g_task_propagate_int (G_TASK (result), error);
}

static void
write_or_warn (TendStore  *self,
               int         rc,
               const char *doing)
{
  if (rc != SQLITE_OK)
    {
      g_autoptr(GError) error = tend_store_error (self, rc, doing);

      tend_store_report_write_error (self, error->message, NULL);
    }
}

static void
update_incident_job (TendStore *self,
                     GTask     *task)
{
  TendIncident *incident = g_task_get_task_data (task);
  sqlite3_stmt *stmt;

  if (tend_store_get_db (self) == NULL)
    return;

  /* An action is appended to the actions as they are now: whoever else wrote one in
   * the meantime keeps it. */
  stmt = tend_store_prepare (self, "UPDATE incidents SET "
                                   "worst_severity = coalesce (?2, worst_severity), "
                                   "actions = CASE WHEN ?3 IS NULL THEN actions "
                                   "ELSE json_insert (actions, '$[#]', json (?3)) END, "
                                   "snapshot = coalesce (?4, snapshot), "
                                   "closed_usec = coalesce (?5, closed_usec) WHERE id = ?1");
  sqlite3_bind_int64 (stmt, 1, incident->id);
  tend_store_bind_text (stmt, 2, incident->worst_severity);
  tend_store_bind_text (stmt, 3, incident->actions);
  tend_store_bind_text (stmt, 4, incident->snapshot);
  if (incident->closed_usec > 0)
    sqlite3_bind_int64 (stmt, 5, incident->closed_usec);
  else
    sqlite3_bind_null (stmt, 5);
  write_or_warn (self, step_done (self, stmt), "update an incident in");
  sqlite3_finalize (stmt);
}

/**
 * tend_store_update_incident:
 * @worst_severity: (nullable): the new worst severity, or %NULL to keep it
 * @action_json: (nullable): one more thing done in it, a JSON object appended to its
 *   actions, or %NULL
 * @snapshot_json: (nullable): a diagnostic snapshot, or %NULL to keep it
 * @closed_usec: when it ended, or 0 while it goes on
 *
 * Queues an update of an incident. Nothing waits for it; a failure is logged.
 */
void
tend_store_update_incident (TendStore  *self,
                            gint64      incident_id,
                            const char *worst_severity,
                            const char *action_json,
                            const char *snapshot_json,
                            gint64      closed_usec)
{
  TendIncident *incident;

  g_return_if_fail (TEND_IS_STORE (self));

  incident = g_new0 (TendIncident, 1);
  incident->id = incident_id;
  incident->worst_severity = g_strdup (worst_severity);
  incident->actions = g_strdup (action_json);
  incident->snapshot = g_strdup (snapshot_json);
  incident->closed_usec = closed_usec;
  tend_store_queue_task (self, update_incident_job, tend_store_update_incident, incident,
                         (GDestroyNotify) tend_incident_free, NULL, NULL, NULL);
}

typedef struct
{
  TendRestartAttempt attempt;   /* strings owned */
} AttemptData;

static void
attempt_data_free (AttemptData *data)
{
  g_free ((char *) data->attempt.reason);
  g_free ((char *) data->attempt.strategy);
  g_free ((char *) data->attempt.error);
  g_free (data);
}

/* Binds an attempt's service, incident, time, reason, strategy, success, duration and
 * error as ?1 … ?8. */
static void
bind_attempt (sqlite3_stmt             *stmt,
              const TendRestartAttempt *a)
{
  sqlite3_bind_int64 (stmt, 1, a->service_id);
  if (a->incident_id > 0)
    sqlite3_bind_int64 (stmt, 2, a->incident_id);
  else
    sqlite3_bind_null (stmt, 2);
  sqlite3_bind_int64 (stmt, 3, a->time_usec);
  tend_store_bind_text (stmt, 4, a->reason);
  sqlite3_bind_text (stmt, 5, a->strategy, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 6, a->success ? 1 : 0);
  sqlite3_bind_int64 (stmt, 7, a->duration_usec);
  tend_store_bind_text (stmt, 8, a->error);
}

static void
begin_attempt_job (TendStore *self,
                   GTask     *task)
{
  const TendRestartAttempt *a = &((AttemptData *) g_task_get_task_data (task))->attempt;
  sqlite3_stmt *stmt;

  if (tend_store_get_db (self) == NULL)
    return;

  stmt = tend_store_prepare (self, "INSERT INTO restart_attempts (service_id, incident_id, "
                                   "time_usec, reason, strategy, success, state) "
                                   "VALUES (?1, ?2, ?3, ?4, ?5, 0, 'running')");
  bind_attempt (stmt, a);
  write_or_warn (self, step_done (self, stmt), "record the start of a restart attempt in");
  sqlite3_finalize (stmt);
}

static void
restart_attempt_job (TendStore *self,
                     GTask     *task)
{
  const TendRestartAttempt *a = &((AttemptData *) g_task_get_task_data (task))->attempt;
  sqlite3_stmt *stmt;
  int rc;

  if (tend_store_get_db (self) == NULL)
    return;

  /* Its start is there (the queue keeps the order): complete it; or write it whole. */
  stmt = tend_store_prepare (self, "UPDATE restart_attempts SET incident_id = ?2, reason = ?4, "
                                   "success = ?6, duration_usec = ?7, error = ?8, "
                                   "state = 'done' WHERE service_id = ?1 AND time_usec = ?3 "
                                   "AND strategy = ?5 AND state = 'running'");
  bind_attempt (stmt, a);
  rc = step_done (self, stmt);
  sqlite3_finalize (stmt);
  if (rc == SQLITE_OK && sqlite3_changes (tend_store_get_db (self)) == 0)
    {
      stmt = tend_store_prepare (self, "INSERT INTO restart_attempts (service_id, incident_id, "
                                       "time_usec, reason, strategy, success, duration_usec, "
                                       "error) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
      bind_attempt (stmt, a);
      rc = step_done (self, stmt);
      sqlite3_finalize (stmt);
    }
  write_or_warn (self, rc, "record a restart attempt in");
}

static void
queue_attempt (TendStore                *self,
               const TendRestartAttempt *attempt,
               TendStoreJobFunc          job,
               gpointer                  source_tag)
{
  AttemptData *data;

  data = g_new0 (AttemptData, 1);
  data->attempt = *attempt;
  data->attempt.reason = g_strdup (attempt->reason);
  data->attempt.strategy = g_strdup (attempt->strategy);
  data->attempt.error = g_strdup (attempt->error);
  tend_store_queue_task (self, job, source_tag, data, (GDestroyNotify) attempt_data_free, NULL,
                         NULL, NULL);
}

/**
 * tend_store_begin_restart_attempt:
 *
 * Queues the record of a restart attempt that starts: 'running' until
 * tend_store_add_restart_attempt() completes it, or the next monitor closes it as
 * interrupted (tend_store_close_interrupted_attempts()). Nothing waits for it; a failure
 * is logged.
 */
void
tend_store_begin_restart_attempt (TendStore                *self,
                                  const TendRestartAttempt *attempt)
{
  g_return_if_fail (TEND_IS_STORE (self));
  g_return_if_fail (attempt != NULL && attempt->strategy != NULL);

  queue_attempt (self, attempt, begin_attempt_job, tend_store_begin_restart_attempt);
}

/**
 * tend_store_add_restart_attempt:
 *
 * Queues a restart attempt's record: the completion of the one begun with the same
 * service, time and strategy, or a whole new one. Nothing waits for it; a failure is
 * logged.
 */
void
tend_store_add_restart_attempt (TendStore                *self,
                                const TendRestartAttempt *attempt)
{
  g_return_if_fail (TEND_IS_STORE (self));
  g_return_if_fail (attempt != NULL && attempt->strategy != NULL);

  queue_attempt (self, attempt, restart_attempt_job, tend_store_add_restart_attempt);
}

#define INTERRUPTED "interrupted: the monitor stopped before this attempt ended"

static void
close_interrupted_job (TendStore *self,
                       GTask     *task)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *time = g_date_time_format_iso8601 (now);
  sqlite3_stmt *stmt;
  int rc;

  if (tend_store_get_db (self) == NULL)
    return;

  rc = tend_store_exec (self, "BEGIN IMMEDIATE");
  /* Their incidents say so too, after what they already hold. */
  stmt = tend_store_prepare (self, "UPDATE incidents SET actions = json_insert (actions, "
                                   "'$[#]', json_object ('time', ?1, 'action', 'interrupted', "
                                   "'origin', 'auto', 'strategy', a.strategy, "
                                   "'error', '" INTERRUPTED "')) "
                                   "FROM (SELECT coalesce (incident_id, (SELECT max (id) "
                                   "FROM incidents i WHERE i.service_id = r.service_id "
                                   "AND i.closed_usec IS NULL)) AS incident, strategy "
                                   "FROM restart_attempts r WHERE state = 'running') AS a "
                                   "WHERE incidents.id = a.incident");
  if (rc == SQLITE_OK && stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, time, -1, SQLITE_STATIC);
      rc = step_done (self, stmt);
    }
  sqlite3_finalize (stmt);
  if (rc == SQLITE_OK)
    rc = tend_store_exec (self, "UPDATE restart_attempts SET state = 'interrupted', "
                                "error = coalesce (error, '" INTERRUPTED "') "
                                "WHERE state = 'running'");
  if (rc == SQLITE_OK)
    rc = tend_store_exec (self, "COMMIT");
  if (rc != SQLITE_OK)
    {
      write_or_warn (self, rc, "close the restart attempts a stopped monitor left in");
      tend_store_exec (self, "ROLLBACK");
    }
}

/**
 * tend_store_close_interrupted_attempts:
 *
 * Queues closing every restart attempt still 'running', which a monitor that stopped in
 * the middle left: each becomes 'interrupted', and its incident gets an "interrupted"
 * action. For a monitor that starts, before it acts.
 */
void
tend_store_close_interrupted_attempts (TendStore *self)
{
  g_return_if_fail (TEND_IS_STORE (self));

  tend_store_queue_task (self, close_interrupted_job, tend_store_close_interrupted_attempts, NULL,
                         NULL, NULL, NULL, NULL);
}

static void
query_incidents_job (TendStore *self,
                     GTask     *task)
{
  const gint64 *args = g_task_get_task_data (task);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) tend_incident_free);
  sqlite3_stmt *stmt;
  int rc;

  if (!tend_store_check_open (self, task))
    return;

  stmt = tend_store_prepare (self, "SELECT incidents.id, service_id, opened_usec, closed_usec, "
                                   "worst_severity, cause, actions, snapshot, hosts.name, unit "
                                   "FROM incidents LEFT JOIN services ON services.id = service_id "
                                   "LEFT JOIN hosts ON hosts.id = services.host_id "
                                   "WHERE ?1 < 0 OR service_id = ?1 "
                                   "ORDER BY opened_usec DESC, incidents.id DESC LIMIT ?2");
  sqlite3_bind_int64 (stmt, 1, args[0]);
  sqlite3_bind_int64 (stmt, 2, args[1]);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TendIncident *row = g_new0 (TendIncident, 1);

      row->id = sqlite3_column_int64 (stmt, 0);
      row->service_id = sqlite3_column_int64 (stmt, 1);
      row->opened_usec = sqlite3_column_int64 (stmt, 2);
      row->closed_usec = tend_store_column_int64 (stmt, 3, 0);
      row->worst_severity = tend_store_column_dup_text (stmt, 4);
      row->cause = tend_store_column_dup_text (stmt, 5);
      row->actions = tend_store_column_dup_text (stmt, 6);
      row->snapshot = tend_store_column_dup_text (stmt, 7);
      row->host = tend_store_column_dup_text (stmt, 8);
      row->unit = tend_store_column_dup_text (stmt, 9);
      g_ptr_array_add (rows, row);
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    g_task_return_error (task, tend_store_error (self, rc, "read incidents from"));
  else
    g_task_return_pointer (task, g_steal_pointer (&rows), (GDestroyNotify) g_ptr_array_unref);
}

/**
 * tend_store_query_incidents_async:
 * @service_id: the service, or -1 for every service
 *
 * Incidents, newest first, at most @limit.
 */
void
tend_store_query_incidents_async (TendStore           *self,
                                  gint64               service_id,
                                  guint                limit,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  gint64 *args;

  g_return_if_fail (TEND_IS_STORE (self));

  args = g_new (gint64, 2);
  args[0] = service_id;
  args[1] = limit;
  tend_store_queue_task (self, query_incidents_job, tend_store_query_incidents_async, args, g_free,
                         cancellable, callback, user_data);
}

/**
 * tend_store_query_incidents_finish:
 *
 * Returns: (transfer container) (element-type TendIncident): newest first
 */
GPtrArray *
tend_store_query_incidents_finish (TendStore     *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
tend_stored_attempt_free (TendStoredAttempt *attempt)
{
  if (attempt == NULL)
    return;
  g_free (attempt->reason);
  g_free (attempt->strategy);
  g_free (attempt->error);
  g_free (attempt->state);
  g_free (attempt);
}

static void
query_attempts_job (TendStore *self,
                    GTask     *task)
{
  const gint64 *args = g_task_get_task_data (task);
  g_autoptr(GPtrArray) rows =
    g_ptr_array_new_with_free_func ((GDestroyNotify) tend_stored_attempt_free);
  sqlite3_stmt *stmt;
  int rc;

  if (!tend_store_check_open (self, task))
    return;

  stmt = tend_store_prepare (self, "SELECT id, service_id, incident_id, time_usec, reason, "
                                   "strategy, success, duration_usec, error, state "
                                   "FROM restart_attempts "
                                   "WHERE (?1 < 0 OR service_id = ?1) AND time_usec >= ?2 "
                                   "ORDER BY time_usec DESC, id DESC LIMIT ?3");
  sqlite3_bind_int64 (stmt, 1, args[0]);
  sqlite3_bind_int64 (stmt, 2, args[1]);
  sqlite3_bind_int64 (stmt, 3, args[2]);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TendStoredAttempt *row = g_new0 (TendStoredAttempt, 1);

      row->id = sqlite3_column_int64 (stmt, 0);
      row->service_id = sqlite3_column_int64 (stmt, 1);
      row->incident_id = tend_store_column_int64 (stmt, 2, 0);
      row->time_usec = sqlite3_column_int64 (stmt, 3);
      row->reason = tend_store_column_dup_text (stmt, 4);
      row->strategy = tend_store_column_dup_text (stmt, 5);
      row->success = sqlite3_column_int (stmt, 6) != 0;
      row->duration_usec = tend_store_column_int64 (stmt, 7, 0);
      row->error = tend_store_column_dup_text (stmt, 8);
      row->state = tend_store_column_dup_text (stmt, 9);
      g_ptr_array_add (rows, row);
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    g_task_return_error (task, tend_store_error (self, rc, "read restart attempts from"));
  else
    g_task_return_pointer (task, g_steal_pointer (&rows), (GDestroyNotify) g_ptr_array_unref);
}

/**
 * tend_store_query_restart_attempts_async:
 * @service_id: the service, or -1 for every service
 * @since_usec: realtime µs: the attempts started at or after it
 *
 * Restart attempts, newest first, at most @limit; those under way included.
 */
void
tend_store_query_restart_attempts_async (TendStore           *self,
                                         gint64               service_id,
                                         gint64               since_usec,
                                         guint                limit,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  gint64 *args;

  g_return_if_fail (TEND_IS_STORE (self));

  args = g_new (gint64, 3);
  args[0] = service_id;
  args[1] = since_usec;
  args[2] = limit;
  tend_store_queue_task (self, query_attempts_job, tend_store_query_restart_attempts_async, args,
                         g_free, cancellable, callback, user_data);
}

/**
 * tend_store_query_restart_attempts_finish:
 *
 * Returns: (transfer container) (element-type TendStoredAttempt): newest first
 */
GPtrArray *
tend_store_query_restart_attempts_finish (TendStore     *self,
                                          GAsyncResult  *result,
                                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
