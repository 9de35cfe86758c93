/* test-service-control.c — watch, unwatch, silence, resume and recover now, against a
 * real systemd
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libtend's tend-service-control, called as the window calls it, on units of tests/units
 * in the sandbox and a real store: what it stores is read back from the store, what it
 * does to a unit from systemd, and what it records from the audit log and the restart
 * attempts. The engine it tells of a change is this process: it holds the lock, and
 * catches SIGHUP as the window does.
 */
#include <signal.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib/gstdio.h>

#include "tend.h"

#define TEST_DEADLINE_MSEC 30000
#include "test-util.h"

#define SLEEPER "tend-test-sleeper.service"
#define MISSING "tend-no-such.service"
#define ONESHOT "tend-test-oneshot-fails.service"

typedef struct
{
  char *dir;
  char *path;
  TendHost *host;
  TendStore *store;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GAsyncResult) connected = NULL;
  g_autoptr(GAsyncResult) opened = NULL;
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("tend-control-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "tend.db", NULL);
  fixture->store = tend_store_new (fixture->path);
  tend_store_open_async (fixture->store, NULL, store_result, &opened);
  g_assert_true (tend_store_open_finish (fixture->store, wait_for_result (&opened), &error));

  fixture->host = tend_host_new_local (TEND_HOST_SCOPE_USER);
  tend_host_connect_async (fixture->host, NULL, store_result, &connected);
  g_assert_true (tend_host_connect_finish (fixture->host, wait_for_result (&connected), &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_clear_object (&fixture->host);
  tend_store_close (fixture->store);
  g_clear_object (&fixture->store);
  dir = g_dir_open (fixture->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (fixture->dir, name, NULL);

      g_unlink (file);
    }
  g_rmdir (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->dir);
}

/* ------------------------------------------------------------------------------------ */
/* Waiting for libtend                                                                   */

static TendServiceControlOutcome *
control (Fixture                         *fixture,
         TendServiceControlAction         action,
         const char                      *unit,
         const TendServiceControlOptions *options,
         GError                         **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  tend_service_control_run_async (action, fixture->store, fixture->host, unit, options, NULL,
                                  store_result, &result);
  return tend_service_control_finish_outcome (wait_for_result (&result), error);
}

static TendServiceControlOutcome *
control_ok (Fixture                  *fixture,
            TendServiceControlAction  action,
            const char               *unit)
{
  g_autoptr(GError) error = NULL;
  TendServiceControlOutcome *outcome = control (fixture, action, unit, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (outcome);
  return outcome;
}

static TendInventory *
load_inventory (Fixture *fixture)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  TendInventory *inventory;

  tend_store_load_inventory_async (fixture->store, NULL, store_result, &result);
  inventory = tend_store_load_inventory_finish (fixture->store, wait_for_result (&result),
                                                &error);
  g_assert_no_error (error);
  return inventory;
}

static const TendInventoryCheck *
find_check (TendInventory *inventory,
            const char    *unit,
            const char    *name)
{
  GPtrArray *checks = tend_inventory_get_checks (inventory);

  for (guint i = 0; i < checks->len; i++)
    {
      const TendInventoryCheck *check = checks->pdata[i];

      if (g_str_equal (check->unit, unit) && g_str_equal (check->name, name))
        return check;
    }
  return NULL;
}

/* What is set on the service beside the inventory, or %NULL for nothing. */
static TendServiceControls *
query_controls (Fixture *fixture)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;

  tend_store_query_controls_async (fixture->store, -1, NULL, store_result, &result);
  rows = tend_store_query_controls_finish (fixture->store, wait_for_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, <=, 1);
  return rows->len > 0 ? tend_service_controls_copy (rows->pdata[0]) : NULL;
}

/* The audit log, oldest first, as "operation unit result|error-or-empty origin". */
static GPtrArray *
audit_lines (Fixture *fixture)
{
  g_autoptr(GAsyncResult) flushed = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);

  tend_store_flush_async (fixture->store, NULL, store_result, &flushed);
  g_assert_true (tend_store_flush_finish (fixture->store, wait_for_result (&flushed), &error));
  tend_store_query_audit_async (fixture->store, 0, 1000, NULL, store_result, &result);
  rows = tend_store_query_audit_finish (fixture->store, wait_for_result (&result), &error);
  g_assert_no_error (error);
  for (guint i = rows->len; i-- > 0;)
    {
      const TendAuditRecord *row = rows->pdata[i];

      g_ptr_array_add (lines, g_strdup_printf ("%s %s %s %s", row->operation, row->unit,
                                               row->result != NULL ? row->result
                                               : row->error != NULL ? "error" : "?",
                                               row->origin == TEND_AUDIT_ORIGIN_GUI ? "gui"
                                               : "other"));
    }
  return lines;
}

static gboolean
has_line (GPtrArray  *lines,
          const char *line)
{
  for (guint i = 0; i < lines->len; i++)
    if (g_str_equal (lines->pdata[i], line))
      return TRUE;
  return FALSE;
}

/* ------------------------------------------------------------------------------------ */
/* Tests                                                                                 */

/* A real unit: stored with its two checks, read back; again: nothing changes. */
static void
test_watch (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(TendServiceControlOutcome) outcome = NULL;
  g_autoptr(TendServiceControlOutcome) again = NULL;
  g_autoptr(TendInventory) inventory = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  g_autofree char *diff = NULL;
  g_autofree char *said = NULL;
  GPtrArray *services;
  const TendInventoryCheck *unit, *resources;

  outcome = control_ok (fixture, TEND_SERVICE_CONTROL_WATCH, SLEEPER);
  g_assert_true (outcome->changed);
  g_assert_cmpstr (outcome->host_name, ==, "local-user");
  diff = tend_inventory_diff_to_string (outcome->diff);
  g_assert_cmpuint (tend_inventory_diff_get_n_changes (outcome->diff), ==, 4);
  g_assert_nonnull (strstr (diff, "+ service local-user/" SLEEPER));
  /* Nobody else holds the lock: there was no engine to tell. */
  g_assert_cmpint (outcome->engine_pid, ==, 0);

  inventory = load_inventory (fixture);
  services = tend_inventory_get_services (inventory);
  g_assert_cmpuint (services->len, ==, 1);
  g_assert_cmpstr (((TendInventoryService *) services->pdata[0])->unit, ==, SLEEPER);
  g_assert_cmpuint (tend_inventory_get_checks (inventory)->len, ==, 2);
  unit = find_check (inventory, SLEEPER, "unit");
  resources = find_check (inventory, SLEEPER, "resources");
  g_assert_nonnull (unit);
  g_assert_nonnull (resources);
  g_assert_cmpint (unit->kind, ==, TEND_INVENTORY_CHECK_UNIT);
  g_assert_cmpint (unit->failures_before_hard, ==, 1);
  g_assert_cmpint (resources->kind, ==, TEND_INVENTORY_CHECK_RESOURCES);
  g_assert_cmpfloat (resources->params.resources.cpu_warn_percent, ==, 80.0);

  again = control_ok (fixture, TEND_SERVICE_CONTROL_WATCH, SLEEPER);
  g_assert_false (again->changed);
  g_assert_true (tend_inventory_diff_is_empty (again->diff));

  /* What a toast says. */
  said = tend_service_control_outcome_describe (outcome, g_get_real_time ());
  g_assert_cmpstr (said, ==, "Tend watches " SLEEPER " on this computer now.");
  g_free (said);
  said = tend_service_control_outcome_describe (again, g_get_real_time ());
  g_assert_cmpstr (said, ==, "Tend watches " SLEEPER " on this computer already.");

  audit = audit_lines (fixture);
  g_assert_true (has_line (audit, "watch " SLEEPER " done gui"));
  g_assert_true (has_line (audit, "watch " SLEEPER " unchanged gui"));
}

/* With nothing configured, watch gives exactly the checks a new user gets
 * (docs/tendctl.md, "watch"; docs/configuration.md's defaults). */
static void
test_watch_defaults (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(TendServiceControlOutcome) outcome = NULL;
  g_autoptr(TendInventory) inventory = NULL;
  g_autoptr(TendConfig) config = tend_config_new ();
  const TendInventoryCheck *unit, *resources;
  const TendInventoryHost *host;

  outcome = control_ok (fixture, TEND_SERVICE_CONTROL_WATCH, SLEEPER);
  inventory = load_inventory (fixture);

  g_assert_cmpuint (tend_inventory_get_hosts (inventory)->len, ==, 1);
  host = tend_inventory_get_hosts (inventory)->pdata[0];
  g_assert_cmpstr (host->name, ==, "local-user");
  g_assert_cmpint (host->kind, ==, TEND_HOST_KIND_LOCAL);
  g_assert_cmpint (host->scope, ==, TEND_HOST_SCOPE_USER);
  g_assert_cmpint (host->access, ==, TEND_INVENTORY_ACCESS_ADMIN);
  g_assert_cmpuint (tend_inventory_get_policies (inventory)->len, ==, 0);
  g_assert_cmpuint (tend_inventory_get_checks (inventory)->len, ==, 2);

  unit = find_check (inventory, SLEEPER, "unit");
  resources = find_check (inventory, SLEEPER, "resources");
  g_assert_nonnull (unit);
  g_assert_nonnull (resources);

  /* The timing a new user's configuration gives: every 30 s, 10 s to answer. */
  for (const TendInventoryCheck *check = unit; check != NULL;
       check = check == unit ? resources : NULL)
    {
      g_assert_true (check->enabled);
      g_assert_cmpint (check->interval_usec, ==, 30 * G_USEC_PER_SEC);
      g_assert_cmpint (check->timeout_usec, ==, 10 * G_USEC_PER_SEC);
      g_assert_cmpint (check->interval_usec, ==,
                       tend_config_get_duration (config, "checks.default-interval"));
      g_assert_cmpint (check->successes_before_recovered, ==,
                       tend_config_get_int (config, "checks.successes-before-recovered"));
      g_assert_cmpint (check->startup_grace_usec, ==,
                       tend_config_get_duration (config, "checks.startup-grace"));
    }
  /* systemd's word that the unit failed is hard at once; CPU after 3 runs. */
  g_assert_cmpint (unit->failures_before_hard, ==, 1);
  g_assert_cmpint (resources->failures_before_hard, ==, 3);
  g_assert_cmpfloat (resources->params.resources.cpu_warn_percent, ==, 80.0);
  g_assert_cmpfloat (resources->params.resources.cpu_critical_percent, ==, 95.0);
  /* No memory or task thresholds. */
  g_assert_cmpint (resources->params.resources.memory_warn_bytes, ==, TEND_INVENTORY_UNSET);
  g_assert_cmpint (resources->params.resources.memory_critical_bytes, ==, TEND_INVENTORY_UNSET);
  g_assert_cmpint (resources->params.resources.tasks_warn, ==, TEND_INVENTORY_UNSET);
  g_assert_cmpint (resources->params.resources.tasks_critical, ==, TEND_INVENTORY_UNSET);
}

/* A unit that does not exist: refused, said in plain words, nothing stored. */
static void
test_watch_missing (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(TendServiceControlOutcome) outcome = NULL;
  g_autoptr(TendInventory) inventory = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(GError) error = NULL;

  outcome = control (fixture, TEND_SERVICE_CONTROL_WATCH, MISSING, NULL, &error);
  g_assert_null (outcome);
  g_assert_error (error, TEND_ERROR, TEND_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, MISSING));
  g_assert_nonnull (strstr (error->message, "this computer"));
  g_assert_null (strstr (error->message, "tendctl"));

  inventory = load_inventory (fixture);
  g_assert_cmpuint (tend_inventory_get_services (inventory)->len, ==, 0);
  g_assert_cmpuint (tend_inventory_get_checks (inventory)->len, ==, 0);
  audit = audit_lines (fixture);
  g_assert_true (has_line (audit, "watch " MISSING " error gui"));

  /* A template, or a name systemd refuses: nothing is sent. */
  g_clear_error (&error);
  g_assert_null (control (fixture, TEND_SERVICE_CONTROL_WATCH, "getty@.service", NULL, &error));
  g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
}

/* Silence for an hour, with a reason; resume ends it and the mark of a restart loop. */
static void
test_silence_resume (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(TendServiceControlOutcome) watched = NULL;
  g_autoptr(TendServiceControlOutcome) nothing = NULL;
  g_autoptr(TendServiceControls) silenced = NULL;
  g_autoptr(TendServiceControls) resumed = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) marked = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(GError) error = NULL;
  gint64 before = g_get_real_time ();

  watched = control_ok (fixture, TEND_SERVICE_CONTROL_WATCH, SLEEPER);

  tend_service_control_silence_async (fixture->store, fixture->host, SLEEPER,
                                      TEND_USEC_PER_HOUR, "deploy of v2", NULL, store_result,
                                      &result);
  g_assert_true (tend_service_control_finish (wait_for_result (&result), &error));
  g_assert_no_error (error);
  silenced = query_controls (fixture);
  g_assert_nonnull (silenced);
  g_assert_cmpint (silenced->silenced_until_usec, >=, before + TEND_USEC_PER_HOUR);
  g_assert_cmpint (silenced->silenced_until_usec, <=, g_get_real_time () + TEND_USEC_PER_HOUR);
  g_assert_cmpstr (silenced->silence_reason, ==, "deploy of v2");

  /* The engine marked it "waiting for a person" after a restart loop. */
  tend_store_set_manual_async (fixture->store, silenced->service_id, TRUE, "restart loop",
                               g_get_real_time (), NULL, store_result, &marked);
  g_assert_true (tend_store_set_manual_finish (fixture->store, wait_for_result (&marked),
                                               &error));

  g_clear_object (&result);
  tend_service_control_resume_async (fixture->store, fixture->host, SLEEPER, NULL, store_result,
                                     &result);
  {
    g_autoptr(TendServiceControlOutcome) outcome =
      tend_service_control_finish_outcome (wait_for_result (&result), &error);

    g_assert_no_error (error);
    g_assert_true (outcome->changed);
    g_assert_nonnull (outcome->before);
    g_assert_true (outcome->before->manual);
    g_assert_cmpstr (outcome->before->silence_reason, ==, "deploy of v2");
  }
  resumed = query_controls (fixture);
  g_assert_true (resumed == NULL ||
                 (resumed->silenced_until_usec == 0 && !resumed->manual &&
                  resumed->silence_reason == NULL && resumed->manual_reason == NULL));

  nothing = control_ok (fixture, TEND_SERVICE_CONTROL_RESUME, SLEEPER);
  g_assert_false (nothing->changed);

  /* Out of range, and of a service Tend does not watch: refused, said plainly. */
  g_clear_object (&result);
  tend_service_control_silence_async (fixture->store, fixture->host, SLEEPER, 0, NULL, NULL,
                                      store_result, &result);
  g_assert_false (tend_service_control_finish (wait_for_result (&result), &error));
  g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_clear_object (&result);
  tend_service_control_silence_async (fixture->store, fixture->host, "other.service",
                                      TEND_USEC_PER_MIN, NULL, NULL, store_result, &result);
  g_assert_false (tend_service_control_finish (wait_for_result (&result), &error));
  g_assert_error (error, TEND_ERROR, TEND_ERROR_NOT_WATCHED);
  g_assert_cmpstr (error->message, ==, "Tend does not watch other.service on this computer.");

  audit = audit_lines (fixture);
  g_assert_true (has_line (audit, "silence " SLEEPER " done gui"));
  g_assert_true (has_line (audit, "resume " SLEEPER " done gui"));
  g_assert_true (has_line (audit, "resume " SLEEPER " unchanged gui"));
  g_assert_true (has_line (audit, "silence other.service error gui"));
}

/* The restart attempts of the store, as "strategy:success:reason". */
static GPtrArray *
stored_attempts (Fixture *fixture)
{
  g_autoptr(GAsyncResult) flushed = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *rows = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  const char *argv[] = { "/usr/bin/python3", "-c",
                         "import sqlite3, sys\n"
                         "for s, ok, r in sqlite3.connect(sys.argv[1]).execute("
                         "'SELECT strategy, success, reason FROM restart_attempts ORDER BY id'):\n"
                         "    print(f'{s}:{ok}:{r}')\n", fixture->path, NULL };

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

/* Recover now of a stopped unit: started, verified by its checks, the attempt stored. */
static void
test_recover (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(TendServiceControlOutcome) watched = NULL;
  g_autoptr(TendServiceControlOutcome) outcome = NULL;
  g_autoptr(TendService) service = NULL;
  g_autoptr(GPtrArray) attempts = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const TendRecoveryAttempt *attempt;
  g_autofree char *said = NULL;

  watched = control_ok (fixture, TEND_SERVICE_CONTROL_WATCH, SLEEPER);
  run_action (fixture->host, SLEEPER, TEND_UNIT_ACTION_STOP);
  service = load_service (fixture->host, SLEEPER);
  g_assert_cmpstr (tend_service_get_active_state (service), ==, "inactive");

  outcome = control_ok (fixture, TEND_SERVICE_CONTROL_RECOVER, SLEEPER);
  g_assert_true (outcome->recovered);
  g_assert_false (outcome->by_engine);
  g_assert_cmpuint (outcome->n_checks, ==, 2);
  g_assert_cmpint (outcome->health, ==, TEND_HEALTH_HEALTHY);
  g_assert_cmpuint (outcome->attempts->len, ==, 1);
  attempt = outcome->attempts->pdata[0];
  g_assert_cmpint (attempt->step, ==, TEND_RECOVERY_STEP_START);
  g_assert_true (attempt->success);

  g_clear_object (&service);
  service = load_service (fixture->host, SLEEPER);
  g_assert_cmpstr (tend_service_get_active_state (service), ==, "active");
  attempts = stored_attempts (fixture);
  g_assert_cmpuint (attempts->len, ==, 1);
  g_assert_cmpstr (attempts->pdata[0], ==, "start:1:recover now");
  audit = audit_lines (fixture);
  g_assert_true (has_line (audit, "recover " SLEEPER " recovered gui"));
  said = tend_service_control_outcome_describe (outcome, g_get_real_time ());
  g_assert_cmpstr (said, ==, SLEEPER " is recovered.");

  /* Tend does not watch it: nothing to verify a recovery with. */
  tend_service_control_recover_async (fixture->store, fixture->host, "tend-test-slow.service",
                                      TEND_AUDIT_ORIGIN_GUI, NULL, store_result, &result);
  g_assert_false (tend_service_control_finish (wait_for_result (&result), &error));
  g_assert_error (error, TEND_ERROR, TEND_ERROR_NOT_WATCHED);
  g_assert_nonnull (strstr (error->message, "this computer"));
  run_action (fixture->host, SLEEPER, TEND_UNIT_ACTION_STOP);
}

/* A unit whose start fails: not recovered — an outcome with its steps, and for
 * tend_service_control_finish() an error a dialog can show. */
static void
test_recover_fails (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(TendServiceControlOutcome) watched = NULL;
  g_autoptr(TendServiceControlOutcome) outcome = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) attempts = NULL;
  g_autoptr(GError) error = NULL;

  watched = control_ok (fixture, TEND_SERVICE_CONTROL_WATCH, ONESHOT);
  outcome = control_ok (fixture, TEND_SERVICE_CONTROL_RECOVER, ONESHOT);
  g_assert_false (outcome->recovered);
  g_assert_cmpuint (outcome->attempts->len, ==, 2);
  g_assert_cmpint (((TendRecoveryAttempt *) outcome->attempts->pdata[0])->step, ==,
                   TEND_RECOVERY_STEP_START);
  g_assert_cmpint (((TendRecoveryAttempt *) outcome->attempts->pdata[1])->step, ==,
                   TEND_RECOVERY_STEP_RESTART);
  attempts = stored_attempts (fixture);
  g_assert_cmpuint (attempts->len, ==, 2);

  tend_service_control_recover_async (fixture->store, fixture->host, ONESHOT,
                                      TEND_AUDIT_ORIGIN_GUI, NULL, store_result, &result);
  g_assert_false (tend_service_control_finish (wait_for_result (&result), &error));
  g_assert_error (error, TEND_ERROR, TEND_ERROR_FAILED);
  g_assert_cmpstr (error->message, ==, ONESHOT " was not recovered: systemd could not restart "
                   "it. Its log may say why.");
}

/* Unwatch: the service, its checks, its policy and its silence go. */
static void
test_unwatch (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(TendServiceControlOutcome) watched = NULL;
  g_autoptr(TendServiceControlOutcome) outcome = NULL;
  g_autoptr(TendInventory) inventory = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) replaced = NULL;
  g_autoptr(TendInventoryDiff) diff = NULL;
  g_autoptr(TendServiceControls) controls = NULL;
  g_autoptr(GError) error = NULL;

  watched = control_ok (fixture, TEND_SERVICE_CONTROL_WATCH, SLEEPER);
  /* A policy of its own, and a silence. */
  inventory = load_inventory (fixture);
  tend_inventory_add_policy (inventory, tend_inventory_policy_new ("local-user", SLEEPER,
                                                                   TEND_INVENTORY_POLICY_BACKOFF));
  tend_store_replace_inventory_async (fixture->store, inventory, TEND_STORE_EDIT_NONE, NULL,
                                      store_result, &replaced);
  diff = tend_store_replace_inventory_finish (fixture->store, wait_for_result (&replaced),
                                              &error);
  g_assert_no_error (error);
  tend_service_control_silence_async (fixture->store, fixture->host, SLEEPER,
                                      TEND_USEC_PER_MIN, NULL, NULL, store_result, &result);
  g_assert_true (tend_service_control_finish (wait_for_result (&result), &error));

  outcome = control_ok (fixture, TEND_SERVICE_CONTROL_UNWATCH, SLEEPER);
  g_assert_true (outcome->changed);
  /* - service, - 2 checks, - policy (the host stays) */
  g_assert_cmpuint (tend_inventory_diff_get_n_changes (outcome->diff), ==, 4);

  g_clear_pointer (&inventory, tend_inventory_unref);
  inventory = load_inventory (fixture);
  g_assert_cmpuint (tend_inventory_get_services (inventory)->len, ==, 0);
  g_assert_cmpuint (tend_inventory_get_checks (inventory)->len, ==, 0);
  g_assert_cmpuint (tend_inventory_get_policies (inventory)->len, ==, 0);
  controls = query_controls (fixture);
  g_assert_null (controls);

  g_assert_null (control (fixture, TEND_SERVICE_CONTROL_UNWATCH, SLEEPER, NULL, &error));
  g_assert_error (error, TEND_ERROR, TEND_ERROR_NOT_WATCHED);
}

static gboolean
count_cb (gpointer user_data)
{
  (*(guint *) user_data)++;
  return G_SOURCE_CONTINUE;
}

/* The engine that holds the lock is told, even when it is this process (the window's):
 * SIGHUP, which its handler turns into a reload. */
static void
test_engine_told (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(TendServiceControlOutcome) outcome = NULL;
  g_autoptr(TendLock) lock = NULL;
  g_autoptr(GError) error = NULL;
  guint hups = 0;
  guint source;

  g_assert_cmpint (tend_engine_notify_owner (fixture->path, &error), ==, 0);
  g_assert_no_error (error);

  lock = tend_lock_acquire (fixture->path, &error);
  g_assert_no_error (error);
  source = g_unix_signal_add (SIGHUP, count_cb, &hups);

  outcome = control_ok (fixture, TEND_SERVICE_CONTROL_WATCH, SLEEPER);
  g_assert_cmpint (outcome->engine_pid, ==, getpid ());
  g_assert_null (outcome->engine_warning);
  g_assert_true (wait_until (flag_is_set, &hups));

  g_source_remove (source);
}

/* The engine of this process, as the window runs it: SIGHUP reloads it. */
typedef struct
{
  TendEngine *engine;
  guint reloads;
} EngineData;

static void
reloaded_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  EngineData *data = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (tend_engine_reload_finish (TEND_ENGINE (source), result, &error));
  data->reloads++;
}

static gboolean
hup_cb (gpointer user_data)
{
  EngineData *data = user_data;

  tend_engine_reload_async (data->engine, NULL, reloaded_cb, data);
  return G_SOURCE_CONTINUE;
}

static gboolean
reloaded (gpointer user_data)
{
  return ((EngineData *) user_data)->reloads > 0;
}

static gboolean
engine_healthy (gpointer user_data)
{
  TendEngine *engine = user_data;
  gint64 id = tend_supervisor_find (tend_engine_get_supervisor (engine), "local-user", SLEEPER);

  return id > 0 && tend_health_get_status (tend_monitor_get_health (
    tend_engine_get_monitor (engine), id)) == TEND_HEALTH_HEALTHY;
}

/* Recover now with the engine of this process: its own monitor verifies it. */
static void
test_recover_with_engine (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(TendServiceControlOutcome) watched = NULL;
  g_autoptr(TendServiceControlOutcome) outcome = NULL;
  g_autoptr(TendService) service = NULL;
  g_autoptr(GAsyncResult) started = NULL;
  g_autoptr(GAsyncResult) recovered = NULL;
  g_autoptr(GAsyncResult) stopped = NULL;
  g_autoptr(GError) error = NULL;
  EngineData engine_data = { NULL, 0 };
  guint source;

  /* The engine says what happens to its services in warnings (its log notifier), as
   * `tendctl monitor` prints them: they are not the test's failures. */
  GLogLevelFlags fatal = g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);

  run_action (fixture->host, SLEEPER, TEND_UNIT_ACTION_START);
  engine_data.engine = tend_engine_new (fixture->path);
  source = g_unix_signal_add (SIGHUP, hup_cb, &engine_data);
  tend_engine_start_async (engine_data.engine, NULL, store_result, &started);
  g_assert_true (tend_engine_start_finish (engine_data.engine, wait_for_result (&started),
                                           &error));
  g_assert_no_error (error);

  /* Watched from the window: the engine (this process) is told, and reloads. */
  watched = control_ok (fixture, TEND_SERVICE_CONTROL_WATCH, SLEEPER);
  g_assert_cmpint (watched->engine_pid, ==, getpid ());
  g_assert_true (wait_until (reloaded, &engine_data));
  g_assert_true (wait_until (engine_healthy, engine_data.engine));

  /* Stopped by a person: Tend leaves it so, until a person asks it to recover it. */
  run_action (fixture->host, SLEEPER, TEND_UNIT_ACTION_STOP);
  tend_service_control_recover_with_engine_async (engine_data.engine, fixture->host, SLEEPER,
                                                  TEND_AUDIT_ORIGIN_GUI, NULL, store_result,
                                                  &recovered);
  outcome = tend_service_control_finish_outcome (wait_for_result (&recovered), &error);
  g_assert_no_error (error);
  g_assert_true (outcome->by_engine);
  g_assert_true (outcome->recovered);
  g_assert_cmpuint (outcome->n_checks, ==, 2);
  g_assert_cmpint (outcome->health, ==, TEND_HEALTH_HEALTHY);
  g_assert_cmpuint (outcome->attempts->len, ==, 1);
  g_assert_cmpint (((TendRecoveryAttempt *) outcome->attempts->pdata[0])->step, ==,
                   TEND_RECOVERY_STEP_START);
  service = load_service (fixture->host, SLEEPER);
  g_assert_cmpstr (tend_service_get_active_state (service), ==, "active");

  tend_engine_stop_async (engine_data.engine, NULL, store_result, &stopped);
  g_assert_true (tend_engine_stop_finish (engine_data.engine, wait_for_result (&stopped),
                                          &error));
  g_source_remove (source);
  g_clear_object (&engine_data.engine);
  run_action (fixture->host, SLEEPER, TEND_UNIT_ACTION_STOP);
  g_log_set_always_fatal (fatal);
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
  g_test_add ("/service-control/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("watch", test_watch);
  ADD ("watch-defaults", test_watch_defaults);
  ADD ("watch-missing", test_watch_missing);
  ADD ("silence-resume", test_silence_resume);
  ADD ("recover", test_recover);
  ADD ("recover-fails", test_recover_fails);
  ADD ("unwatch", test_unwatch);
  ADD ("engine-told", test_engine_told);
  ADD ("recover-with-engine", test_recover_with_engine);
#undef ADD

  return g_test_run ();
}
