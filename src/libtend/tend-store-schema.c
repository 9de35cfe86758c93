/* tend-store-schema.c — the database's schema, as ordered forward migrations
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Migration N takes a database from schema N-1 to N. Those a database needs run in one
 * exclusive transaction, each followed by the PRAGMA user_version that records it (see
 * tend-store-open.c). Never edit a migration that has shipped: add the next one.
 */
#include "tend-store-private.h"

static const char * const migrations[] = {
  /* 1: the first schema */
  "CREATE TABLE hosts ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL UNIQUE,"
  "  kind TEXT NOT NULL DEFAULT 'local' CHECK (kind IN ('local', 'ssh')),"
  "  address TEXT,"
  "  port INTEGER CHECK (port IS NULL OR port BETWEEN 1 AND 65535),"
  "  user_name TEXT,"
  "  scope TEXT NOT NULL DEFAULT 'user' CHECK (scope IN ('system', 'user')),"
  "  sudo TEXT NOT NULL DEFAULT 'none' CHECK (sudo IN ('none', 'sudo', 'sudo-nopasswd')),"
  "  access TEXT NOT NULL DEFAULT 'admin' CHECK (access IN ('viewer', 'operator', 'admin'))"
  ");"
  "CREATE TABLE services ("
  "  id INTEGER PRIMARY KEY,"
  "  host_id INTEGER NOT NULL REFERENCES hosts (id) ON DELETE CASCADE,"
  "  unit TEXT NOT NULL,"
  "  display_name TEXT,"
  "  tags TEXT NOT NULL DEFAULT '[]',"
  "  UNIQUE (host_id, unit)"
  ");"
  "CREATE TABLE checks ("
  "  id INTEGER PRIMARY KEY,"
  "  service_id INTEGER NOT NULL REFERENCES services (id) ON DELETE CASCADE,"
  "  name TEXT NOT NULL,"
  "  kind TEXT NOT NULL,"
  "  params TEXT NOT NULL DEFAULT '{}',"
  "  interval_usec INTEGER NOT NULL,"
  "  timeout_usec INTEGER NOT NULL,"
  "  failures_before_hard INTEGER NOT NULL DEFAULT 3,"
  "  successes_before_recovered INTEGER NOT NULL DEFAULT 2,"
  "  startup_grace_usec INTEGER NOT NULL DEFAULT 0,"
  "  enabled INTEGER NOT NULL DEFAULT 1,"
  "  UNIQUE (service_id, name)"
  ");"
  "CREATE TABLE policies ("
  "  service_id INTEGER PRIMARY KEY REFERENCES services (id) ON DELETE CASCADE,"
  "  kind TEXT NOT NULL,"
  "  max_recoveries INTEGER,"
  "  window_usec INTEGER,"
  "  cooldown_usec INTEGER,"
  "  backoff_initial_usec INTEGER,"
  "  backoff_multiplier REAL,"
  "  backoff_max_usec INTEGER,"
  "  reset_after_usec INTEGER,"
  "  jitter REAL,"
  "  loop_threshold INTEGER,"
  "  loop_window_usec INTEGER"
  ");"
  /* Raw results: those that said something new (see TendCheckResult). No foreign keys:
   * history outlives the inventory rows it names, and retention deletes it in batches. */
  "CREATE TABLE check_results ("
  "  id INTEGER PRIMARY KEY,"
  "  service_id INTEGER NOT NULL,"
  "  check_id INTEGER NOT NULL,"
  "  time_usec INTEGER NOT NULL,"
  "  status INTEGER NOT NULL,"
  "  latency_usec INTEGER,"
  "  message TEXT"
  ");"
  "CREATE INDEX check_results_by_service ON check_results (service_id, time_usec);"
  /* Each check's latest stored result, so a restart knows what "new" means. */
  "CREATE TABLE check_last ("
  "  check_id INTEGER PRIMARY KEY,"
  "  status INTEGER NOT NULL,"
  "  message TEXT,"
  "  time_usec INTEGER NOT NULL"
  ");"
  /* Counts per minute (60), hour (3600) and day (86400), kept as results arrive. */
  "CREATE TABLE rollups ("
  "  service_id INTEGER NOT NULL,"
  "  resolution INTEGER NOT NULL,"
  "  bucket_usec INTEGER NOT NULL,"
  "  check_id INTEGER NOT NULL,"
  "  n_pass INTEGER NOT NULL DEFAULT 0,"
  "  n_warn INTEGER NOT NULL DEFAULT 0,"
  "  n_fail INTEGER NOT NULL DEFAULT 0,"
  "  n_unknown INTEGER NOT NULL DEFAULT 0,"
  "  latency_n INTEGER NOT NULL DEFAULT 0,"
  "  latency_sum INTEGER NOT NULL DEFAULT 0,"
  "  latency_min INTEGER,"
  "  latency_max INTEGER,"
  "  PRIMARY KEY (service_id, resolution, bucket_usec, check_id)"
  ") WITHOUT ROWID;"
  "CREATE TABLE incidents ("
  "  id INTEGER PRIMARY KEY,"
  "  service_id INTEGER NOT NULL,"
  "  opened_usec INTEGER NOT NULL,"
  "  closed_usec INTEGER,"
  "  worst_severity TEXT NOT NULL,"
  "  cause TEXT,"
  "  actions TEXT NOT NULL DEFAULT '[]',"
  "  snapshot TEXT"
  ");"
  "CREATE INDEX incidents_by_service ON incidents (service_id, opened_usec);"
  "CREATE TABLE restart_attempts ("
  "  id INTEGER PRIMARY KEY,"
  "  service_id INTEGER NOT NULL,"
  "  incident_id INTEGER REFERENCES incidents (id) ON DELETE SET NULL,"
  "  time_usec INTEGER NOT NULL,"
  "  reason TEXT,"
  "  strategy TEXT NOT NULL,"
  "  success INTEGER NOT NULL,"
  "  duration_usec INTEGER,"
  "  error TEXT"
  ");"
  "CREATE INDEX restart_attempts_by_service ON restart_attempts (service_id, time_usec);"
  "CREATE TABLE audit ("
  "  id INTEGER PRIMARY KEY,"
  "  time_usec INTEGER NOT NULL,"
  "  unix_user TEXT NOT NULL,"
  "  origin TEXT NOT NULL CHECK (origin IN ('gui', 'cli', 'auto')),"
  "  host TEXT,"
  "  unit TEXT,"
  "  operation TEXT NOT NULL,"
  "  parameters TEXT,"
  "  result TEXT,"
  "  error TEXT,"
  "  duration_usec INTEGER"
  ");"
  "CREATE INDEX audit_by_time ON audit (time_usec);"
  "CREATE TABLE config ("
  "  key TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL"
  ");",

  /* 2: each service's health as the monitor last saw it, for those who ask while it
   * runs (tendctl health). Its layers are a JSON array (see TendHealthRecord). */
  "CREATE TABLE health ("
  "  service_id INTEGER PRIMARY KEY,"
  "  time_usec INTEGER NOT NULL,"
  "  status TEXT NOT NULL,"
  "  layers TEXT NOT NULL DEFAULT '[]'"
  ");",

  /* 3: each service's dependencies and maintenance windows, JSON arrays of text as its
   * tags are (see TendInventoryService). And what is set on a service while Tend runs,
   * which is no part of the inventory and never exported: a silence until a time, and
   * the engine's "manual intervention required" until a person resumes it (see
   * TendServiceControls). */
  "ALTER TABLE services ADD COLUMN depends_on TEXT NOT NULL DEFAULT '[]';"
  "ALTER TABLE services ADD COLUMN maintenance TEXT NOT NULL DEFAULT '[]';"
  "CREATE TABLE service_controls ("
  "  service_id INTEGER PRIMARY KEY,"
  "  silenced_until_usec INTEGER NOT NULL DEFAULT 0,"
  "  silence_reason TEXT,"
  "  manual INTEGER NOT NULL DEFAULT 0,"
  "  manual_reason TEXT,"
  "  manual_since_usec INTEGER NOT NULL DEFAULT 0"
  ");",

  /* 4: a restart attempt is written when it starts ('running') and completed when it
   * ends ('done'); one a stopped monitor left running is closed as 'interrupted' by the
   * next. And what the engine will do next about each service in trouble (a JSON
   * object, see TendRecoveryStatus), for those who ask while it runs. */
  "ALTER TABLE restart_attempts ADD COLUMN state TEXT NOT NULL DEFAULT 'done' "
  "  CHECK (state IN ('running', 'done', 'interrupted'));"
  "CREATE TABLE recovery_status ("
  "  service_id INTEGER PRIMARY KEY,"
  "  time_usec INTEGER NOT NULL,"
  "  status TEXT NOT NULL"
  ");",

  /* 5: the counts of minutes still open, a row a check and minute: a result adds to one
   * small row here instead of three in rollups. Once its minute has ended, the writer
   * adds the row to the minute's, the hour's and the day's rollups and deletes it, in
   * one transaction; readers add both tables (see tend-store-batch.c). */
  "CREATE TABLE rollups_open ("
  "  service_id INTEGER NOT NULL,"
  "  minute_usec INTEGER NOT NULL,"
  "  check_id INTEGER NOT NULL,"
  "  n_pass INTEGER NOT NULL DEFAULT 0,"
  "  n_warn INTEGER NOT NULL DEFAULT 0,"
  "  n_fail INTEGER NOT NULL DEFAULT 0,"
  "  n_unknown INTEGER NOT NULL DEFAULT 0,"
  "  latency_n INTEGER NOT NULL DEFAULT 0,"
  "  latency_sum INTEGER NOT NULL DEFAULT 0,"
  "  latency_min INTEGER,"
  "  latency_max INTEGER,"
  "  PRIMARY KEY (service_id, minute_usec, check_id)"
  ") WITHOUT ROWID;",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == TEND_STORE_SCHEMA_VERSION);

const char *
tend_store_migration (int version)
{
  g_return_val_if_fail (version >= 1 && version <= TEND_STORE_SCHEMA_VERSION, NULL);
  return migrations[version - 1];
}
