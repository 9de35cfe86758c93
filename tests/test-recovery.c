/* test-recovery.c — the escalation ladder against a real systemd
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Units of tests/units in the sandbox, with Restart=no so that Tend is the one acting:
 * a killed one is restarted, a stopped one started, and one whose reload does not fix
 * it is reloaded, then restarted. A real store records each attempt.
 */
#include <signal.h>

#include <glib/gstdio.h>

#include "tend.h"

#define TEST_DEADLINE_MSEC 20000
#include "test-util.h"

#define SEC G_USEC_PER_SEC

typedef struct
{
  char *dir;
  TendHost *host;
  TendStore *store;
  TendMonitor *monitor;
  TendRecovery *recovery;
} Fixture;

static gint64
ensure_service (Fixture    *fixture,
                const char *unit)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  tend_store_ensure_service_async (fixture->store, "local-user", unit, NULL, store_result,
                                   &result);
  id = tend_store_ensure_service_finish (fixture->store, wait_for_result (&result), &error);
  g_assert_no_error (error);
  return id;
}

/* Adds a check to the monitor; failures count at once, one pass recovers. */
static void
add_check (Fixture   *fixture,
           gint64     service_id,
           gint64     check_id,
           TendCheck *check)
{
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (check);
  g_assert_true (tend_check_set_timing (check, 30 * SEC, 2 * SEC, &error));
  g_object_set (check, "failures-before-hard", 1, "successes-before-recovered", 1,
                "startup-grace", (gint64) 0, NULL);
  tend_monitor_add_check (fixture->monitor, service_id, check_id, check);
  g_object_unref (check);
}

static void
wait_for_status (Fixture          *fixture,
                 gint64            service_id,
                 TendHealthStatus  status)
{
  TendHealth *health = tend_monitor_get_health (fixture->monitor, service_id);
  gboolean passed = FALSE;
  guint id = g_timeout_add (TEST_DEADLINE_MSEC, set_flag_cb, &passed);

  while (tend_health_get_status (health) != status && !passed)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (tend_health_get_status (health), ==, status);
  if (!passed)
    g_source_remove (id);
}

static GPtrArray *
recover (Fixture    *fixture,
         const char *unit,
         gint64      service_id,
         gboolean   *recovered)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *attempts;

  tend_recovery_run_async (fixture->recovery, fixture->host, unit, service_id, 0, "test",
                           NULL, store_result, &result);
  attempts = tend_recovery_run_finish (fixture->recovery, wait_for_result (&result), recovered,
                                       &error);
  g_assert_no_error (error);
  g_assert_nonnull (attempts);
  return attempts;
}

static GPtrArray *
stored_attempts (Fixture *fixture,
                 gint64   service_id)
{
  g_autoptr(GAsyncResult) flushed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "tend.db", NULL);
  g_autofree char *sql = g_strdup_printf ("SELECT strategy, success FROM restart_attempts "
                                          "WHERE service_id = %" G_GINT64_FORMAT
                                          " ORDER BY id", service_id);
  GPtrArray *rows = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  const char *argv[] = { "/usr/bin/python3", "-c",
                         "import sqlite3, sys\n"
                         "for s, ok in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]):\n"
                         "    print(f'{s}:{ok}')\n", path, sql, NULL };

  tend_store_flush_async (fixture->store, NULL, store_result, &flushed);
  g_assert_true (tend_store_flush_finish (fixture->store, wait_for_result (&flushed), &error));
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                               NULL, NULL, &error));
  g_assert_no_error (error);
  lines = g_strsplit (g_strstrip (out), "\n", -1);
  for (guint i = 0; lines[i] != NULL && *lines[i] != '\0'; i++)
    g_ptr_array_add (rows, g_strdup (lines[i]));
  return rows;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GAsyncResult) connected = NULL;
  g_autoptr(GAsyncResult) opened = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  fixture->dir = g_dir_make_tmp ("tend-recovery-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->dir, "tend.db", NULL);
  fixture->store = tend_store_new (path);
  tend_store_open_async (fixture->store, NULL, store_result, &opened);
  g_assert_true (tend_store_open_finish (fixture->store, wait_for_result (&opened), &error));

  fixture->host = tend_host_new_local (TEND_HOST_SCOPE_USER);
  tend_host_connect_async (fixture->host, NULL, store_result, &connected);
  g_assert_true (tend_host_connect_finish (fixture->host, wait_for_result (&connected), &error));
  g_assert_no_error (error);

  fixture->monitor = tend_monitor_new (fixture->store);
  fixture->recovery = tend_recovery_new (fixture->monitor, fixture->store);
  tend_recovery_set_verify_timeout (fixture->recovery, 3 * SEC);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *db = g_build_filename (fixture->dir, "tend.db", NULL);

  tend_monitor_stop (fixture->monitor);
  g_clear_object (&fixture->recovery);
  g_clear_object (&fixture->monitor);
  g_clear_object (&fixture->host);
  tend_store_close (fixture->store);
  g_clear_object (&fixture->store);
  g_unlink (db);
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
}

/* Killed: failed, so the hard step at once; healthy again. */
static void
test_killed_is_restarted (Fixture       *fixture,
                          gconstpointer  data)
{
  const char *unit = "tend-test-sleeper.service";
  gint64 id = ensure_service (fixture, unit);
  g_autoptr(TendService) service = NULL;
  g_autoptr(GPtrArray) attempts = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  const TendRecoveryAttempt *attempt;
  gboolean recovered = FALSE;
  guint old_pid;

  run_action (fixture->host, unit, TEND_UNIT_ACTION_START);
  add_check (fixture, id, 1, tend_unit_check_new ("unit", fixture->host, unit, NULL));
  tend_monitor_start (fixture->monitor);
  wait_for_status (fixture, id, TEND_HEALTH_HEALTHY);

  service = load_service (fixture->host, unit);
  old_pid = tend_service_get_main_pid (service);
  g_assert_cmpuint (old_pid, >, 0);
  g_assert_cmpint (kill ((pid_t) old_pid, SIGKILL), ==, 0);
  wait_for_status (fixture, id, TEND_HEALTH_CRITICAL);

  attempts = recover (fixture, unit, id, &recovered);
  g_assert_true (recovered);
  g_assert_cmpuint (attempts->len, ==, 1);
  attempt = attempts->pdata[0];
  g_assert_cmpint (attempt->step, ==, TEND_RECOVERY_STEP_RESTART);
  g_assert_true (attempt->success);
  g_assert_null (attempt->error);
  g_assert_cmpint (attempt->duration_usec, >, 0);
  g_assert_cmpint (tend_health_get_status (tend_monitor_get_health (fixture->monitor, id)), ==,
                   TEND_HEALTH_HEALTHY);
  g_assert_cmpuint (tend_service_get_main_pid (service), !=, old_pid);

  rows = stored_attempts (fixture, id);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpstr (rows->pdata[0], ==, "restart:1");
  run_action (fixture->host, unit, TEND_UNIT_ACTION_STOP);
}

/* Stopped: the standard step, a start. */
static void
test_stopped_is_started (Fixture       *fixture,
                         gconstpointer  data)
{
  const char *unit = "tend-test-sleeper.service";
  gint64 id = ensure_service (fixture, unit);
  g_autoptr(GPtrArray) attempts = NULL;
  gboolean recovered = FALSE;

  run_action (fixture->host, unit, TEND_UNIT_ACTION_STOP);
  add_check (fixture, id, 1, tend_unit_check_new ("unit", fixture->host, unit, NULL));
  tend_monitor_start (fixture->monitor);
  wait_for_status (fixture, id, TEND_HEALTH_CRITICAL);

  attempts = recover (fixture, unit, id, &recovered);
  g_assert_true (recovered);
  g_assert_cmpuint (attempts->len, ==, 1);
  g_assert_cmpint (((TendRecoveryAttempt *) attempts->pdata[0])->step, ==,
                   TEND_RECOVERY_STEP_START);
  run_action (fixture->host, unit, TEND_UNIT_ACTION_STOP);
}

/* Active, its check fails, and a reload does not fix it: soft, then hard. */
static void
test_escalation (Fixture       *fixture,
                 gconstpointer  data)
{
  const char *unit = "tend-test-escalate.service";
  g_autofree char *marker = g_build_filename (g_get_home_dir (), "tend-test-escalate.ok", NULL);
  /* Exit 2, critical, without the file (test(1)'s 1 would read as a warning). */
  const char *argv[] = { "/bin/sh", "-c", "test -e \"$0\" || { echo missing; exit 2; }",
                         marker, NULL };
  gint64 id = ensure_service (fixture, unit);
  g_autoptr(GPtrArray) attempts = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  const TendRecoveryAttempt *soft, *hard;
  gboolean recovered = FALSE;

  run_action (fixture->host, unit, TEND_UNIT_ACTION_START);
  g_assert_true (g_file_test (marker, G_FILE_TEST_EXISTS));
  add_check (fixture, id, 1, tend_unit_check_new ("unit", fixture->host, unit, NULL));
  add_check (fixture, id, 2, tend_command_check_new ("ready", argv, NULL));
  tend_monitor_start (fixture->monitor);
  wait_for_status (fixture, id, TEND_HEALTH_HEALTHY);

  g_assert_cmpint (g_unlink (marker), ==, 0);
  tend_monitor_run_service_now (fixture->monitor, id);
  wait_for_status (fixture, id, TEND_HEALTH_CRITICAL);

  attempts = recover (fixture, unit, id, &recovered);
  g_assert_true (recovered);
  g_assert_cmpuint (attempts->len, ==, 2);
  soft = attempts->pdata[0];
  hard = attempts->pdata[1];
  g_assert_cmpint (soft->step, ==, TEND_RECOVERY_STEP_RELOAD);
  g_assert_false (soft->success);
  g_assert_nonnull (strstr (soft->error, "the checks did not pass within 3 s"));
  g_assert_nonnull (strstr (soft->error, "ready: "));
  g_assert_cmpint (hard->step, ==, TEND_RECOVERY_STEP_RESTART);
  g_assert_true (hard->success);
  g_assert_true (g_file_test (marker, G_FILE_TEST_EXISTS));

  rows = stored_attempts (fixture, id);
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpstr (rows->pdata[0], ==, "reload:0");
  g_assert_cmpstr (rows->pdata[1], ==, "restart:1");
  run_action (fixture->host, unit, TEND_UNIT_ACTION_STOP);
}

/* A unit that fails on every start: the ladder ends unrecovered after the restart. */
static void
test_unrecoverable (Fixture       *fixture,
                    gconstpointer  data)
{
  const char *unit = "tend-test-fails.service";
  gint64 id = ensure_service (fixture, unit);
  g_autoptr(GPtrArray) attempts = NULL;
  gboolean recovered = TRUE;
  const TendRecoveryAttempt *attempt;

  add_check (fixture, id, 1, tend_unit_check_new ("unit", fixture->host, unit, NULL));
  tend_monitor_start (fixture->monitor);
  run_action (fixture->host, unit, TEND_UNIT_ACTION_START);
  wait_for_status (fixture, id, TEND_HEALTH_CRITICAL);

  /* systemd's word that it failed again ends the step; the checks need not time out. */
  tend_recovery_set_verify_timeout (fixture->recovery, 20 * SEC);
  attempts = recover (fixture, unit, id, &recovered);
  g_assert_false (recovered);
  g_assert_cmpuint (attempts->len, ==, 1);
  attempt = attempts->pdata[0];
  g_assert_cmpint (attempt->step, ==, TEND_RECOVERY_STEP_RESTART);
  g_assert_false (attempt->success);
  g_assert_nonnull (attempt->error);
  g_assert_true (g_str_has_prefix (attempt->error, "the unit failed again") ||
                 g_str_has_prefix (attempt->error, "healthy for only"));
  g_assert_cmpint (attempt->duration_usec, <, 5 * SEC);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("TEND_SANDBOX") == NULL)
    {
      g_print ("1..0 # SKIP needs the systemd sandbox: run through tests/sandbox/tend-sandbox\n");
      return 0;
    }

#define ADD(path, func) \
  g_test_add ("/recovery/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("killed-is-restarted", test_killed_is_restarted);
  ADD ("stopped-is-started", test_stopped_is_started);
  ADD ("escalation", test_escalation);
  ADD ("unrecoverable", test_unrecoverable);
#undef ADD

  return g_test_run ();
}
