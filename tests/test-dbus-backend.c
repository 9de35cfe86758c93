/* test-dbus-backend.c — TendHost and this computer's backend against a real systemd
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One suite for both backends of this computer's managers: tests/meson.build runs it
 * twice, with TEND_BACKEND unset (TendSdbusBackend, where Tend is built with libsystemd)
 * and with TEND_BACKEND=gdbus (TendDbusBackend).
 *
 * Runs inside tests/sandbox/tend-sandbox: a systemd user manager and journald in a
 * private mount namespace, with the units of tests/units installed. Every wait here
 * is for an event (a job's end, a property notification, a journal line) with a
 * deadline; the deadline only turns a hang into a failure.
 */
#define _GNU_SOURCE  /* unshare() */

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>

#include <glib/gstdio.h>

#include "tend.h"

#define TEST_DEADLINE_MSEC 15000
#include "test-util.h"

typedef struct
{
  TendHost *host;
} Fixture;

/* ------------------------------------------------------------------------------------ */
/* Helpers                                                                               */

static void
refresh (TendHost      *host,
         TendListFlags  flags)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  tend_host_refresh_async (host, flags, NULL, store_result, &result);
  g_assert_true (tend_host_refresh_finish (host, wait_for_result (&result), &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  fixture->host = tend_host_new_local (TEND_HOST_SCOPE_USER);
  tend_host_connect_async (fixture->host, NULL, store_result, &result);
  g_assert_true (tend_host_connect_finish (fixture->host, wait_for_result (&result), &error));
  g_assert_no_error (error);
  g_assert_true (tend_host_get_connected (fixture->host));
  refresh (fixture->host, TEND_LIST_LOADED);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->host);
}

/* Records every active-state a service passes through, as notifications tell it. */
typedef struct
{
  TendService *service;
  GPtrArray *states;
  const char *want;
} StateLog;

static void
on_active_state (TendService *service,
                 GParamSpec  *pspec,
                 StateLog    *log)
{
  g_ptr_array_add (log->states, g_strdup (tend_service_get_active_state (service)));
}

static void
state_log_init (StateLog    *log,
                TendService *service)
{
  log->service = service;
  log->states = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (service, "notify::active-state", G_CALLBACK (on_active_state), log);
}

static void
state_log_clear (StateLog *log)
{
  g_signal_handlers_disconnect_by_data (log->service, log);
  g_clear_pointer (&log->states, g_ptr_array_unref);
}

static gboolean
state_seen (gpointer data)
{
  StateLog *log = data;

  for (guint i = 0; i < log->states->len; i++)
    if (g_str_equal (log->states->pdata[i], log->want))
      return TRUE;
  return FALSE;
}

static gboolean
wait_for_state (StateLog   *log,
                const char *state)
{
  log->want = state;
  return wait_until (state_seen, log);
}

/* ------------------------------------------------------------------------------------ */
/* Tests                                                                                 */

static void
test_list (Fixture       *fixture,
           gconstpointer  data)
{
  GListModel *services = tend_host_get_services (fixture->host);
  guint n = g_list_model_get_n_items (services);
  g_autoptr(TendService) first = NULL;
  TendService *target;

  /* A user manager always has default.target and its slices loaded. */
  g_assert_cmpuint (n, >, 5);
  target = tend_host_lookup_service (fixture->host, "default.target");
  g_assert_nonnull (target);
  g_assert_cmpstr (tend_service_get_load_state (target), ==, "loaded");
  g_assert_cmpstr (tend_service_get_active_state (target), ==, "active");

  /* Sorted by name. */
  first = g_list_model_get_item (services, 0);
  for (guint i = 1; i < n; i++)
    {
      g_autoptr(TendService) next = g_list_model_get_item (services, i);

      g_assert_cmpint (strcmp (tend_service_get_name (first), tend_service_get_name (next)), <, 0);
      g_set_object (&first, next);
    }

  /* Installed unit files that are not loaded come with TEND_LIST_UNIT_FILES. */
  g_assert_null (tend_host_lookup_service (fixture->host, "tend-test-installable.service"));
  refresh (fixture->host, TEND_LIST_UNIT_FILES);
  target = tend_host_lookup_service (fixture->host, "tend-test-installable.service");
  g_assert_nonnull (target);
  g_assert_cmpstr (tend_service_get_unit_file_state (target), ==, "disabled");
  g_assert_cmpuint (g_list_model_get_n_items (services), >, n);
}

typedef struct
{
  guint n_changes;
  guint largest_removal;
} ModelLog;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  ModelLog   *log)
{
  log->n_changes++;
  log->largest_removal = MAX (log->largest_removal, removed);
}

static void
test_start_stop_restart (Fixture       *fixture,
                         gconstpointer  data)
{
  const char *unit = "tend-test-sleeper.service";
  g_autoptr(TendService) service = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *outcome = NULL;
  ModelLog model_log = { 0 };
  StateLog log;
  guint first_pid;
  guint n_items;

  service = wait_for_service (fixture->host, unit, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tend_service_get_active_state (service), ==, "inactive");
  g_assert_cmpstr (tend_service_get_description (service), ==, "Tend test: sleeps until stopped");
  g_assert_true (tend_service_get_details_loaded (service));
  g_assert_true (g_str_has_suffix (tend_service_get_fragment_path (service),
                                   "/tend-test-sleeper.service"));
  n_items = g_list_model_get_n_items (tend_host_get_services (fixture->host));
  g_signal_connect (tend_host_get_services (fixture->host), "items-changed",
                    G_CALLBACK (on_items_changed), &model_log);

  state_log_init (&log, service);

  /* start: the job ends "done" and the list's item says so through its signals. */
  outcome = wait_for_action (fixture->host, unit, TEND_UNIT_ACTION_START, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (outcome, ==, "done");
  g_assert_true (wait_for_state (&log, "active"));
  g_assert_true (tend_service_is_active (service));
  g_assert_true (tend_host_lookup_service (fixture->host, unit) == service);
  first_pid = tend_service_get_main_pid (service);
  g_assert_cmpuint (first_pid, >, 1);
  g_assert_cmpint (kill ((pid_t) first_pid, 0), ==, 0);

  /* restart: a new process, seen through MainPID's change signal. */
  g_clear_pointer (&outcome, g_free);
  outcome = wait_for_action (fixture->host, unit, TEND_UNIT_ACTION_RESTART, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (outcome, ==, "done");
  g_assert_true (tend_service_is_active (service));
  g_assert_cmpuint (tend_service_get_main_pid (service), >, 1);
  g_assert_cmpuint (tend_service_get_main_pid (service), !=, first_pid);

  /* stop */
  g_ptr_array_set_size (log.states, 0);
  g_clear_pointer (&outcome, g_free);
  outcome = wait_for_action (fixture->host, unit, TEND_UNIT_ACTION_STOP, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (outcome, ==, "done");
  g_assert_true (wait_for_state (&log, "inactive"));
  g_assert_cmpuint (tend_service_get_main_pid (service), ==, 0);

  /* The list changed item by item, never wholesale. */
  g_assert_cmpuint (model_log.largest_removal, <=, 1);
  g_assert_cmpuint (g_list_model_get_n_items (tend_host_get_services (fixture->host)), >=,
                    n_items - 1);

  state_log_clear (&log);
  g_signal_handlers_disconnect_by_data (tend_host_get_services (fixture->host), &model_log);
}

static void
test_failed_and_reset (Fixture       *fixture,
                       gconstpointer  data)
{
  const char *unit = "tend-test-fails.service";
  g_autoptr(TendService) service = NULL;
  g_autoptr(TendService) reloaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *outcome = NULL;
  StateLog log;

  service = wait_for_service (fixture->host, unit, &error);
  g_assert_no_error (error);
  state_log_init (&log, service);

  /* A simple service is started once its process runs; it fails right after. */
  outcome = wait_for_action (fixture->host, unit, TEND_UNIT_ACTION_START, &error);
  g_assert_no_error (error);
  g_assert_true (wait_for_state (&log, "failed"));
  g_assert_true (tend_service_is_failed (service));
  g_assert_cmpstr (tend_service_get_sub_state (service), ==, "failed");

  g_clear_pointer (&outcome, g_free);
  outcome = wait_for_action (fixture->host, unit, TEND_UNIT_ACTION_RESET_FAILED, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (outcome, ==, "done");

  reloaded = wait_for_service (fixture->host, unit, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tend_service_get_active_state (reloaded), ==, "inactive");
  g_assert_false (tend_service_is_failed (reloaded));

  state_log_clear (&log);
}

static void
test_oneshot_failure_is_job_failure (Fixture       *fixture,
                                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *outcome = NULL;

  /* A oneshot's start job waits for its process: the job itself fails. */
  outcome = wait_for_action (fixture->host, "tend-test-oneshot-fails.service",
                             TEND_UNIT_ACTION_START, &error);
  g_assert_null (outcome);
  g_assert_error (error, TEND_ERROR, TEND_ERROR_JOB_FAILED);
  g_assert_nonnull (strstr (error->message, "tend-test-oneshot-fails.service"));
  g_assert_nonnull (strstr (error->message, "failed to start"));
}

typedef struct
{
  GPtrArray *messages;
  gboolean finished;
} JournalLog;

static void
on_entry (TendJournalReader *reader,
          TendJournalEntry  *entry,
          JournalLog        *log)
{
  g_ptr_array_add (log->messages, g_strdup (entry->message));
}

static void
on_finished (TendJournalReader *reader,
             const GError      *error,
             JournalLog        *log)
{
  log->finished = TRUE;
}

static gboolean
has_three_lines (gpointer data)
{
  JournalLog *log = data;
  guint found = 0;

  for (guint i = 0; i < log->messages->len; i++)
    if (g_str_has_prefix (log->messages->pdata[i], "tend-logger line "))
      found++;
  return found == 3;
}

static gboolean
journal_finished (gpointer data)
{
  return ((JournalLog *) data)->finished;
}

static void
test_job_timeout (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *outcome = NULL;
  gint64 started = g_get_monotonic_time ();

  /* The job's own timeout (JobTimeoutSec=1) ends it long before ExecStartPre would. */
  outcome = wait_for_action (fixture->host, "tend-test-job-timeout.service", TEND_UNIT_ACTION_START,
                             &error);
  g_assert_null (outcome);
  g_assert_error (error, TEND_ERROR, TEND_ERROR_TIMED_OUT);
  g_assert_nonnull (strstr (error->message, "tend-test-job-timeout.service"));
  g_assert_nonnull (strstr (error->message, "in time"));
  g_assert_cmpint (g_get_monotonic_time () - started, <, 10 * G_USEC_PER_SEC);
}

static void
test_journal (Fixture       *fixture,
              gconstpointer  data)
{
  const char *unit = "tend-test-logger.service";
  TendJournalQuery query = { .n_entries = 100, .max_priority = -1, .follow = TRUE };
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(TendJournalReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *outcome = NULL;
  JournalLog log = { g_ptr_array_new_with_free_func (g_free), FALSE };

  outcome = wait_for_action (fixture->host, unit, TEND_UNIT_ACTION_START, &error);
  g_assert_no_error (error);

  /* Follow the journal until the unit's three lines have arrived: journald writes
   * them asynchronously, so following is how to wait for them without guessing. */
  reader = tend_host_open_journal (fixture->host, unit, &query, cancellable, &error);
  g_assert_no_error (error);
  g_signal_connect (reader, "entry", G_CALLBACK (on_entry), &log);
  g_signal_connect (reader, "finished", G_CALLBACK (on_finished), &log);
  tend_journal_reader_start (reader, cancellable);

  if (!wait_until (has_three_lines, &log))
    {
      for (guint i = 0; i < log.messages->len; i++)
        g_test_message ("seen: %s", (char *) log.messages->pdata[i]);
      g_test_message ("journal finished: %d", log.finished);
      g_assert_true (has_three_lines (&log));
    }

  g_cancellable_cancel (cancellable);
  g_assert_true (wait_until (journal_finished, &log));

  /* A priority filter: the line written to stderr is logged at priority 3 (err) by
   * SyslogLevelPrefix's "<3>" prefix; only it passes -p err. */
  {
    TendJournalQuery errors_only = { .n_entries = 100, .max_priority = 3, .follow = FALSE };
    g_autoptr(TendJournalReader) err_reader = NULL;
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GPtrArray) entries = NULL;

    err_reader = tend_host_open_journal (fixture->host, unit, &errors_only, NULL, &error);
    g_assert_no_error (error);
    tend_journal_reader_read_all_async (err_reader, NULL, store_result, &result);
    entries = tend_journal_reader_read_all_finish (err_reader, wait_for_result (&result), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (entries->len, ==, 1);
    g_assert_cmpstr (((TendJournalEntry *) entries->pdata[0])->message, ==,
                     "tend-logger line 3 (error)");
    g_assert_cmpint (((TendJournalEntry *) entries->pdata[0])->priority, ==, 3);
  }

  g_ptr_array_unref (log.messages);
}

static void
test_not_found (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TendService) service = NULL;
  g_autofree char *outcome = NULL;

  service = wait_for_service (fixture->host, "tend-no-such-unit.service", &error);
  g_assert_null (service);
  g_assert_error (error, TEND_ERROR, TEND_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "tend-no-such-unit.service"));
  g_clear_error (&error);

  outcome = wait_for_action (fixture->host, "tend-no-such-unit.service", TEND_UNIT_ACTION_START,
                             &error);
  g_assert_null (outcome);
  g_assert_error (error, TEND_ERROR, TEND_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "tend-no-such-unit.service"));
}

static void
test_invalid_name (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *outcome = NULL;

  outcome = wait_for_action (fixture->host, "../etc/passwd", TEND_UNIT_ACTION_START, &error);
  g_assert_null (outcome);
  g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  outcome = wait_for_action (fixture->host, "-rf.service", TEND_UNIT_ACTION_STOP, &error);
  g_assert_null (outcome);
  g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
}

typedef struct
{
  StateLog log;
  gboolean saw_activating_before_done;
  GAsyncResult *result;
} SlowStart;

static void
test_slow_start (Fixture       *fixture,
                 gconstpointer  data)
{
  const char *unit = "tend-test-slow.service";
  g_autoptr(TendService) service = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *outcome = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  gint64 started;
  StateLog log;

  service = wait_for_service (fixture->host, unit, &error);
  g_assert_no_error (error);
  state_log_init (&log, service);

  started = g_get_monotonic_time ();
  tend_host_run_action_async (fixture->host, unit, TEND_UNIT_ACTION_START, NULL,
                              store_result, &result);

  /* activating is reported while ExecStartPre sleeps, before the job is done */
  g_assert_true (wait_for_state (&log, "activating"));
  g_assert_null (result);

  /* Its details name the queued job. */
  {
    g_autoptr(TendService) details = wait_for_service (fixture->host, unit, &error);

    g_assert_no_error (error);
    g_assert_true (details == service);
    g_assert_cmpstr (tend_service_get_job_type (service), ==, "start");
  }

  outcome = tend_host_run_action_finish (fixture->host, wait_for_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (outcome, ==, "done");
  g_assert_cmpint (g_get_monotonic_time () - started, >=, 1 * G_USEC_PER_SEC);
  g_assert_true (wait_for_state (&log, "active"));

  state_log_clear (&log);
  g_free (wait_for_action (fixture->host, unit, TEND_UNIT_ACTION_STOP, NULL));
}

static void
test_reload (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *outcome = NULL;

  g_free (wait_for_action (fixture->host, "tend-test-reloadable.service", TEND_UNIT_ACTION_START,
                           &error));
  g_assert_no_error (error);
  outcome = wait_for_action (fixture->host, "tend-test-reloadable.service", TEND_UNIT_ACTION_RELOAD,
                             &error);
  g_assert_no_error (error);
  g_assert_cmpstr (outcome, ==, "done");
  g_clear_pointer (&outcome, g_free);

  /* The sleeper has no ExecReload=: systemd refuses, and says so. */
  g_free (wait_for_action (fixture->host, "tend-test-sleeper.service", TEND_UNIT_ACTION_START,
                           &error));
  g_assert_no_error (error);
  outcome = wait_for_action (fixture->host, "tend-test-sleeper.service", TEND_UNIT_ACTION_RELOAD,
                             &error);
  g_assert_null (outcome);
  g_assert_error (error, TEND_ERROR, TEND_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (error->message, "tend-test-sleeper.service"));

  g_free (wait_for_action (fixture->host, "tend-test-sleeper.service", TEND_UNIT_ACTION_STOP,
                           NULL));
  g_free (wait_for_action (fixture->host, "tend-test-reloadable.service", TEND_UNIT_ACTION_STOP,
                           NULL));
}

static void
test_enable_disable (Fixture       *fixture,
                     gconstpointer  data)
{
  const char *unit = "tend-test-installable.service";
  g_autoptr(GError) error = NULL;
  g_autofree char *outcome = NULL;
  g_autoptr(TendService) service = NULL;

  outcome = wait_for_action (fixture->host, unit, TEND_UNIT_ACTION_ENABLE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (outcome, ==, "done");
  service = wait_for_service (fixture->host, unit, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tend_service_get_unit_file_state (service), ==, "enabled");

  g_clear_pointer (&outcome, g_free);
  outcome = wait_for_action (fixture->host, unit, TEND_UNIT_ACTION_DISABLE, &error);
  g_assert_no_error (error);
  g_clear_object (&service);
  service = wait_for_service (fixture->host, unit, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tend_service_get_unit_file_state (service), ==, "disabled");

  /* A unit without [Install] cannot be enabled, and the error says why. */
  g_clear_pointer (&outcome, g_free);
  outcome = wait_for_action (fixture->host, "tend-test-sleeper.service", TEND_UNIT_ACTION_ENABLE,
                             &error);
  g_assert_null (outcome);
  g_assert_error (error, TEND_ERROR, TEND_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (error->message, "[Install]"));
}

static gboolean
strv_has (const char * const *strv,
          const char         *value)
{
  return strv != NULL && g_strv_contains (strv, value);
}

/* What a Stop, Restart or Disable affects: the units that want it (WantedBy=, from an
 * enabled [Install] section) and those bound to it (BoundBy=, from their BindsTo=). */
static void
test_dependents (Fixture       *fixture,
                 gconstpointer  data)
{
  const char *installable = "tend-test-installable.service";
  const char *unit_dir = g_getenv ("TEND_SANDBOX_UNIT_DIR");
  g_autofree char *bound_path = NULL;
  g_autoptr(TendService) service = NULL;
  g_autoptr(TendService) bound = NULL;
  g_autoptr(GError) error = NULL;
  const char *reload[] = { "systemctl", "--user", "daemon-reload", NULL };
  int status;

  g_assert_nonnull (unit_dir);
  g_free (wait_for_action (fixture->host, installable, TEND_UNIT_ACTION_ENABLE, &error));
  g_assert_no_error (error);
  service = wait_for_service (fixture->host, installable, &error);
  g_assert_no_error (error);
  g_assert_true (strv_has (tend_service_get_wanted_by (service), "default.target"));
  g_assert_null (tend_service_get_bound_by (service));

  g_free (wait_for_action (fixture->host, installable, TEND_UNIT_ACTION_DISABLE, &error));
  g_assert_no_error (error);
  g_clear_object (&service);
  service = wait_for_service (fixture->host, installable, &error);
  g_assert_no_error (error);
  g_assert_false (strv_has (tend_service_get_wanted_by (service), "default.target"));

  /* A unit bound to the sleeper, loaded: the sleeper says so. */
  bound_path = g_build_filename (unit_dir, "tend-test-bound.service", NULL);
  g_file_set_contents (bound_path,
                       "[Unit]\nDescription=Tend test: bound to the sleeper\n"
                       "BindsTo=tend-test-sleeper.service\n"
                       "[Service]\nExecStart=/bin/sleep infinity\n", -1, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_sync (NULL, (char **) reload, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  /* Started, as only a unit something references stays loaded (and it pulls in the
   * sleeper). */
  g_free (wait_for_action (fixture->host, "tend-test-bound.service", TEND_UNIT_ACTION_START,
                           &error));
  g_assert_no_error (error);
  bound = wait_for_service (fixture->host, "tend-test-bound.service", &error);
  g_assert_no_error (error);
  g_assert_true (strv_has (tend_service_get_binds_to (bound), "tend-test-sleeper.service"));
  g_clear_object (&service);
  service = wait_for_service (fixture->host, "tend-test-sleeper.service", &error);
  g_assert_no_error (error);
  g_assert_true (strv_has (tend_service_get_bound_by (service), "tend-test-bound.service"));
  g_assert_false (strv_has (tend_service_get_wanted_by (service), "tend-test-bound.service"));
  g_free (wait_for_action (fixture->host, "tend-test-bound.service", TEND_UNIT_ACTION_STOP,
                           NULL));
  g_free (wait_for_action (fixture->host, "tend-test-sleeper.service", TEND_UNIT_ACTION_STOP,
                           NULL));
  g_unlink (bound_path);
}

static void
test_memory_fallback (Fixture       *fixture,
                      gconstpointer  data)
{
  const char *unit = "tend-test-sleeper.service";
  g_autoptr(TendService) service = NULL;
  g_autoptr(GError) error = NULL;

  g_free (wait_for_action (fixture->host, unit, TEND_UNIT_ACTION_START, &error));
  g_assert_no_error (error);
  service = wait_for_service (fixture->host, unit, &error);
  g_assert_no_error (error);

  /* Either systemd reports the cgroup's figure, or the processes' RSS stands in;
   * a running sleep has a resident size of at least a few pages either way. */
  g_assert_cmpint (tend_service_get_memory_source (service), !=, TEND_MEMORY_SOURCE_NONE);
  g_assert_cmpuint (tend_service_get_memory (service), >, 4096);
  g_assert_cmpuint (tend_service_get_memory (service), <, 1024 * 1024 * 1024);
  /* Task and CPU figures need controllers a user manager on cgroup v1 does not get:
   * either unset, or true. */
  if (tend_service_get_tasks (service) != TEND_UNSET)
    g_assert_cmpuint (tend_service_get_tasks (service), ==, 1);
  g_assert_cmpuint (tend_service_get_main_pid (service), >, 1);
  g_assert_cmpint (tend_service_get_active_since (service), >, 0);

  g_free (wait_for_action (fixture->host, unit, TEND_UNIT_ACTION_STOP, NULL));
}

/* The backend tend_host_new_local() chose: "TendSdbusBackend" or "TendDbusBackend". */
static const char *
backend_name (TendHost *host)
{
  return G_OBJECT_TYPE_NAME (tend_host_get_backend (host));
}

static gboolean
is_sdbus (void)
{
  g_autoptr(TendHost) host = tend_host_new_local (TEND_HOST_SCOPE_USER);

  return g_str_equal (backend_name (host), "TendSdbusBackend");
}

/* The sd-bus backend reaches the user manager on its private socket, in XDG_RUNTIME_DIR,
 * with no bus at all: the tests of a bus that is missing or without systemd point
 * XDG_RUNTIME_DIR elsewhere, so that it goes through the bus as the GDBus backend
 * does. Returns the value to restore. */
static char *
hide_private_socket (void)
{
  char *saved = g_strdup (g_getenv ("XDG_RUNTIME_DIR"));

  g_setenv ("XDG_RUNTIME_DIR", "/nonexistent/tend-test-runtime-dir", TRUE);
  return saved;
}

static void
restore_env (const char *name,
             const char *saved)
{
  if (saved != NULL)
    g_setenv (name, saved, TRUE);
  else
    g_unsetenv (name);
}

/* The backend is the one asked for, and this user's default is sd-bus where built in. */
static void
test_backend_choice (void)
{
  g_autoptr(TendHost) host = tend_host_new_local (TEND_HOST_SCOPE_USER);
  const char *wanted = g_getenv ("TEND_TEST_EXPECT_BACKEND");

  g_test_message ("backend: %s", backend_name (host));
  if (wanted != NULL)
    g_assert_cmpstr (backend_name (host), ==, wanted);
}

/* The sd-bus backend, as systemctl does, speaks to the user manager on its private
 * socket: with no session bus at all it lists, starts and stops, and follows changes. */
static void
test_private_socket (void)
{
  g_autoptr(TendHost) host = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TendService) service = NULL;
  g_autofree char *saved = g_strdup (g_getenv ("DBUS_SESSION_BUS_ADDRESS"));
  StateLog log;

  if (!is_sdbus ())
    {
      g_test_skip ("the GDBus backend always goes through the bus");
      return;
    }

  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/tend-test-bus", TRUE);
  host = tend_host_new_local (TEND_HOST_SCOPE_USER);
  tend_host_connect_async (host, NULL, store_result, &result);
  g_assert_true (tend_host_connect_finish (host, wait_for_result (&result), &error));
  g_assert_no_error (error);
  refresh (host, TEND_LIST_LOADED);
  g_assert_nonnull (tend_host_lookup_service (host, "default.target"));

  service = wait_for_service (host, "tend-test-sleeper.service", &error);
  g_assert_no_error (error);
  state_log_init (&log, service);
  g_free (wait_for_action (host, "tend-test-sleeper.service", TEND_UNIT_ACTION_START, &error));
  g_assert_no_error (error);
  g_assert_true (wait_for_state (&log, "active"));
  g_free (wait_for_action (host, "tend-test-sleeper.service", TEND_UNIT_ACTION_STOP, &error));
  g_assert_no_error (error);
  g_assert_true (wait_for_state (&log, "inactive"));
  state_log_clear (&log);

  restore_env ("DBUS_SESSION_BUS_ADDRESS", saved);
}

static void
test_no_bus (void)
{
  g_autofree char *saved_runtime_dir = hide_private_socket ();
  g_autoptr(TendHost) host = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = g_strdup (g_getenv ("DBUS_SESSION_BUS_ADDRESS"));

  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/tend-test-bus", TRUE);
  host = tend_host_new_local (TEND_HOST_SCOPE_USER);
  tend_host_connect_async (host, NULL, store_result, &result);
  g_assert_false (tend_host_connect_finish (host, wait_for_result (&result), &error));
  g_assert_error (error, TEND_ERROR, TEND_ERROR_UNREACHABLE);
  g_assert_nonnull (strstr (error->message, "unix:path=/nonexistent/tend-test-bus"));
  g_assert_nonnull (strstr (error->message, "DBUS_SESSION_BUS_ADDRESS"));

  restore_env ("DBUS_SESSION_BUS_ADDRESS", saved);
  restore_env ("XDG_RUNTIME_DIR", saved_runtime_dir);
}

/* Starts a session bus of the test's own (no systemd on it) and points
 * DBUS_SESSION_BUS_ADDRESS at it; returns NULL (the test skipped) without dbus-daemon. */
static GSubprocess *
start_private_bus (char **address)
{
  g_autoptr(GSubprocess) daemon = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;

  daemon = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, "dbus-daemon", "--session",
                             "--nofork", "--print-address=1", NULL);
  if (daemon == NULL)
    {
      g_test_skip_printf ("cannot start dbus-daemon: %s", error->message);
      return NULL;
    }
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (daemon));
  /* A test may block on its own fixture: the daemon prints its address at once. */
  *address = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (*address);
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", *address, TRUE);
  return g_steal_pointer (&daemon);
}

/* A session bus on which no systemd runs: the first call says so, as unreachable. */
static void
test_bus_without_systemd (void)
{
  g_autofree char *saved_runtime_dir = hide_private_socket ();
  g_autoptr(GSubprocess) daemon = NULL;
  g_autoptr(TendHost) host = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  g_autofree char *saved = g_strdup (g_getenv ("DBUS_SESSION_BUS_ADDRESS"));

  daemon = start_private_bus (&address);
  if (daemon == NULL)
    return;

  host = tend_host_new_local (TEND_HOST_SCOPE_USER);
  tend_host_connect_async (host, NULL, store_result, &result);
  g_assert_true (tend_host_connect_finish (host, wait_for_result (&result), &error));
  g_clear_object (&result);

  tend_host_refresh_async (host, TEND_LIST_LOADED, NULL, store_result, &result);
  g_assert_false (tend_host_refresh_finish (host, wait_for_result (&result), &error));
  g_assert_error (error, TEND_ERROR, TEND_ERROR_UNREACHABLE);
  g_assert_nonnull (strstr (error->message, address));

  g_subprocess_force_exit (daemon);
  g_assert_true (g_subprocess_wait (daemon, NULL, NULL));
  restore_env ("DBUS_SESSION_BUS_ADDRESS", saved);
  restore_env ("XDG_RUNTIME_DIR", saved_runtime_dir);
}

typedef struct
{
  TendHost *host;
  TendHostState state;
  const char *words;           /* in its message */
} StateWanted;

static gboolean
host_state_is (gpointer data)
{
  StateWanted *wanted = data;
  const char *message = tend_host_get_state_message (wanted->host);

  return tend_host_get_state (wanted->host) == wanted->state &&
         (wanted->words == NULL || (message != NULL && strstr (message, wanted->words)));
}

/* A host that follows changes, on a bus where no manager answers, then on a bus that
 * went away: "reconnecting" with a message that says why, and it keeps trying. */
static void
test_host_reconnecting (void)
{
  g_autofree char *saved_runtime_dir = hide_private_socket ();
  g_autoptr(GSubprocess) daemon = NULL;
  g_autoptr(TendHost) host = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  g_autofree char *saved = g_strdup (g_getenv ("DBUS_SESSION_BUS_ADDRESS"));
  StateWanted wanted = { NULL, };

  daemon = start_private_bus (&address);
  if (daemon == NULL)
    return;

  host = tend_host_new_local (TEND_HOST_SCOPE_USER);
  g_assert_cmpint (tend_host_get_state (host), ==, TEND_HOST_STATE_DISCONNECTED);
  tend_host_connect_async (host, NULL, store_result, &result);
  g_assert_cmpint (tend_host_get_state (host), ==, TEND_HOST_STATE_CONNECTING);
  g_assert_true (tend_host_connect_finish (host, wait_for_result (&result), &error));
  g_assert_true (tend_host_get_connected (host));

  /* No manager on the bus (the backend watches its name): such a connection would never
   * hear of a change. */
  wanted.host = host;
  wanted.state = TEND_HOST_STATE_RECONNECTING;
  wanted.words = "is unreachable, reconnecting: no systemd manager answers on the bus";
  g_assert_true (wait_until (host_state_is, &wanted));
  g_assert_false (tend_host_get_connected (host));
  g_assert_nonnull (strstr (tend_host_get_state_message (host), address));

  /* The bus goes: a try cannot dial it, and says so; the host goes on trying. */
  g_subprocess_force_exit (daemon);
  g_assert_true (g_subprocess_wait (daemon, NULL, NULL));
  wanted.words = "does not answer";
  g_assert_true (wait_until (host_state_is, &wanted));
  g_assert_nonnull (strstr (tend_host_get_state_message (host), "dbus.socket"));

  /* A host that does not follow changes stops trying. */
  tend_host_set_follow_changes (host, FALSE);
  g_assert_cmpint (tend_host_get_state (host), ==, TEND_HOST_STATE_DISCONNECTED);

  restore_env ("DBUS_SESSION_BUS_ADDRESS", saved);
  restore_env ("XDG_RUNTIME_DIR", saved_runtime_dir);
}

static void
on_host_state (TendHost   *host,
               GParamSpec *pspec,
               GArray     *states)
{
  TendHostState state = tend_host_get_state (host);

  g_array_append_val (states, state);
}

static gboolean
reconnected (gpointer data)
{
  GArray *states = data;
  gboolean lost = FALSE;

  for (guint i = 0; i < states->len; i++)
    if (g_array_index (states, TendHostState, i) == TEND_HOST_STATE_RECONNECTING)
      lost = TRUE;
  return lost && g_array_index (states, TendHostState, states->len - 1) ==
                 TEND_HOST_STATE_CONNECTED;
}

/* systemd re-executes itself (daemon-reexec): it leaves the bus and joins it again while
 * the bus stays. The host is reconnecting meanwhile, is back as soon as the manager is,
 * and follows changes again. */
static void
test_manager_reexec (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GArray) states = g_array_new (FALSE, FALSE, sizeof (TendHostState));
  g_autoptr(GSubprocess) systemctl = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TendService) service = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *outcome = NULL;
  StateLog log;

  g_signal_connect (fixture->host, "notify::state", G_CALLBACK (on_host_state), states);
  systemctl = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, "systemctl", "--user",
                                "daemon-reexec", NULL);
  g_assert_no_error (error);
  g_subprocess_wait_check_async (systemctl, NULL, store_result, &result);
  g_assert_true (g_subprocess_wait_check_finish (systemctl, wait_for_result (&result), &error));
  g_assert_no_error (error);

  g_assert_true (wait_until (reconnected, states));
  g_signal_handlers_disconnect_by_data (fixture->host, states);

  /* Changes come again: a start is seen from systemd's signals. */
  service = wait_for_service (fixture->host, "tend-test-sleeper.service", &error);
  g_assert_no_error (error);
  state_log_init (&log, service);
  outcome = wait_for_action (fixture->host, "tend-test-sleeper.service", TEND_UNIT_ACTION_START,
                             &error);
  g_assert_no_error (error);
  g_assert_true (wait_for_state (&log, "active"));
  g_clear_pointer (&outcome, g_free);
  outcome = wait_for_action (fixture->host, "tend-test-sleeper.service", TEND_UNIT_ACTION_STOP,
                             &error);
  g_assert_no_error (error);
  g_assert_true (wait_for_state (&log, "inactive"));
  state_log_clear (&log);
}

static TendHost *transient_host;

/* The unit named @data is not loaded on transient_host (any more). */
static gboolean
transient_gone (gpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TendService) service = wait_for_service (transient_host, data, &error);

  return service == NULL && g_error_matches (error, TEND_ERROR, TEND_ERROR_NOT_FOUND);
}

/* A transient unit (the demo's kind): it runs with its argv and Description, a second
 * one of the same name is refused with a message naming it, a failed one stays loaded
 * (so that Tend can start it again), and a stopped one goes away. */
static void
test_transient (Fixture       *fixture,
                gconstpointer  data)
{
  const char *unit = "tend-test-transient.service";
  const char * const argv[] = { "/bin/sh", "-c", "echo transient; sleep 30; exit 1", NULL };
  const char * const fails[] = { "/bin/false", NULL };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TendService) service = NULL;
  g_autoptr(TendService) failed = NULL;
  StateLog log;

  tend_host_start_transient_async (fixture->host, unit, "A transient test unit", argv, NULL,
                                   store_result, &result);
  g_assert_true (tend_host_start_transient_finish (fixture->host, wait_for_result (&result),
                                                   &error));
  g_assert_no_error (error);
  service = load_service (fixture->host, unit);
  g_assert_cmpstr (tend_service_get_active_state (service), ==, "active");
  g_assert_cmpstr (tend_service_get_description (service), ==, "A transient test unit");

  g_clear_object (&result);
  tend_host_start_transient_async (fixture->host, unit, NULL, argv, NULL, store_result, &result);
  g_assert_false (tend_host_start_transient_finish (fixture->host, wait_for_result (&result),
                                                    &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, unit));
  g_clear_error (&error);

  run_action (fixture->host, unit, TEND_UNIT_ACTION_STOP);
  transient_host = fixture->host;
  g_assert_true (wait_until (transient_gone, (gpointer) unit));

  /* Failed, it stays: Tend's recovery starts it again. */
  g_clear_object (&result);
  tend_host_start_transient_async (fixture->host, "tend-test-transient-fails.service", NULL,
                                   fails, NULL, store_result, &result);
  g_assert_true (tend_host_start_transient_finish (fixture->host, wait_for_result (&result),
                                                   &error));
  g_assert_no_error (error);
  failed = load_service (fixture->host, "tend-test-transient-fails.service");
  state_log_init (&log, failed);
  tend_host_set_follow_changes (fixture->host, TRUE);
  g_assert_true (g_str_equal (tend_service_get_active_state (failed), "failed") ||
                 wait_for_state (&log, "failed"));
  state_log_clear (&log);
  run_action (fixture->host, "tend-test-transient-fails.service", TEND_UNIT_ACTION_RESET_FAILED);

  /* A name systemd would refuse never leaves the process. */
  g_clear_object (&result);
  tend_host_start_transient_async (fixture->host, "-bad", NULL, argv, NULL, store_result,
                                   &result);
  g_assert_false (tend_host_start_transient_finish (fixture->host, wait_for_result (&result),
                                                    &error));
  g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
}

static void
test_reconnect_delays (void)
{
  static const guint expected[] = { 500, 1000, 2000, 4000, 8000, 16000, 30000, 30000 };

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpuint (tend_reconnect_delay_msec (i), ==, expected[i]);
  g_assert_cmpuint (tend_reconnect_delay_msec (G_MAXUINT), ==, 30000);
}

/* Runs the test again in a process of its own, while tend-test-sleeper.service runs. */
static void
run_with_sleeper_in_subprocess (void)
{
  g_autoptr(TendHost) starter = tend_host_new_local (TEND_HOST_SCOPE_USER);
  g_autoptr(GAsyncResult) result = NULL;

  tend_host_connect_async (starter, NULL, store_result, &result);
  g_assert_true (tend_host_connect_finish (starter, wait_for_result (&result), NULL));
  run_action (starter, "tend-test-sleeper.service", TEND_UNIT_ACTION_START);

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  run_action (starter, "tend-test-sleeper.service", TEND_UNIT_ACTION_STOP);
  g_test_trap_assert_passed ();
}

/* The threads of this process: the entries of /proc/self/task. */
static guint
count_threads (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  for (const char *id; (id = g_dir_read_name (dir)) != NULL; n++)
    {
      g_autofree char *path = g_strdup_printf ("/proc/self/task/%s/comm", id);
      g_autofree char *name = NULL;

      if (g_file_get_contents (path, &name, NULL, NULL))
        g_test_message ("thread %s: %s", id, g_strstrip (name));
    }
  return n;
}

/* What `tendctl status` does on this computer, in a process of its own: connect and read
 * units (one running, with processes; one not loaded). On the sd-bus backend it starts no
 * thread: no GTask is made (whose type starts GLib's worker thread), and the results
 * keep GTask's promises: never called back inside the _async call, and cancelled means
 * G_IO_ERROR_CANCELLED. */
static void
test_status_without_thread (void)
{
  g_autoptr(TendHost) host = NULL;
  g_autoptr(GAsyncResult) connected = NULL;
  g_autoptr(GAsyncResult) running = NULL;
  g_autoptr(GAsyncResult) missing = NULL;
  g_autoptr(GAsyncResult) cancelled = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(TendService) service = NULL;
  g_autoptr(GError) error = NULL;

  if (!is_sdbus ())
    {
      g_test_skip ("the GDBus backend runs GDBus's own worker thread");
      return;
    }
  if (!g_test_subprocess ())
    {
      /* A start is an action, whose task would spoil the count: it runs out here. */
      run_with_sleeper_in_subprocess ();
      return;
    }

  host = tend_host_new_local (TEND_HOST_SCOPE_USER);
  tend_host_set_follow_changes (host, FALSE);
  tend_host_connect_async (host, NULL, store_result, &connected);
  g_assert_null (connected);
  g_assert_true (tend_host_connect_finish (host, wait_for_result (&connected), &error));
  g_assert_no_error (error);

  tend_host_load_service_async (host, "tend-test-sleeper.service", NULL, store_result, &running);
  tend_host_load_service_async (host, "tend-test-no-such.service", NULL, store_result, &missing);
  tend_host_load_service_async (host, "default.target", cancellable, store_result, &cancelled);
  g_cancellable_cancel (cancellable);
  g_assert_null (running);

  service = tend_host_load_service_finish (host, wait_for_result (&running), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tend_service_get_active_state (service), ==, "active");
  g_assert_cmpuint (tend_service_get_main_pid (service), >, 1);
  g_assert_cmpuint (tend_service_get_memory (service), >, 0);
  g_assert_cmpuint (tend_service_get_memory (service), !=, TEND_UNSET);
  g_assert_null (tend_host_load_service_finish (host, wait_for_result (&missing), &error));
  g_assert_error (error, TEND_ERROR, TEND_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (tend_host_load_service_finish (host, wait_for_result (&cancelled), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* Not g_type_class_peek (G_TYPE_TASK): GTask's type itself starts the thread. */
  g_assert_cmpuint (count_threads (), ==, 1);
}

/* Where the unit's control group cannot be read (here: an empty cgroupfs, in a mount
 * namespace of the test's own), the sd-bus backend asks systemd for the unit's processes
 * instead, and the memory figure stays. */
static void
test_memory_without_cgroupfs (void)
{
  g_autoptr(TendHost) host = NULL;
  g_autoptr(TendService) service = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  if (!g_test_subprocess ())
    {
      run_with_sleeper_in_subprocess ();
      return;
    }
  if (unshare (CLONE_NEWNS) != 0 ||
      mount ("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
      mount ("tmpfs", "/sys/fs/cgroup", "tmpfs", 0, NULL) != 0)
    {
      g_autofree char *why = g_strdup_printf ("cannot hide /sys/fs/cgroup: %s (needs root)",
                                              g_strerror (errno));

      g_test_skip (why);
      return;
    }
  g_assert_false (g_file_test ("/sys/fs/cgroup/unified", G_FILE_TEST_EXISTS));

  host = tend_host_new_local (TEND_HOST_SCOPE_USER);
  tend_host_connect_async (host, NULL, store_result, &result);
  g_assert_true (tend_host_connect_finish (host, wait_for_result (&result), NULL));
  service = load_service (host, "tend-test-sleeper.service");
  g_assert_cmpint (tend_service_get_memory_source (service), !=, TEND_MEMORY_SOURCE_NONE);
  g_assert_cmpuint (tend_service_get_memory (service), >, 4096);
  g_assert_cmpuint (tend_service_get_memory (service), <, 1024 * 1024 * 1024);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("TEND_SANDBOX") == NULL)
    {
      g_print ("1..0 # SKIP needs the systemd sandbox: run through tests/sandbox/tend-sandbox\n");
      return 0;  /* TAP says "skipped"; meson reads exit 77 of a TAP test as an error */
    }

#define ADD(path, func) \
  g_test_add ("/dbus-backend/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("list", test_list);
  ADD ("start-stop-restart", test_start_stop_restart);
  ADD ("failed-and-reset", test_failed_and_reset);
  ADD ("oneshot-failure", test_oneshot_failure_is_job_failure);
  ADD ("job-timeout", test_job_timeout);
  ADD ("journal", test_journal);
  ADD ("not-found", test_not_found);
  ADD ("invalid-name", test_invalid_name);
  ADD ("slow-start", test_slow_start);
  ADD ("reload", test_reload);
  ADD ("enable-disable", test_enable_disable);
  ADD ("dependents", test_dependents);
  ADD ("memory", test_memory_fallback);
  ADD ("manager-reexec", test_manager_reexec);
  ADD ("transient", test_transient);
#undef ADD
  g_test_add_func ("/dbus-backend/backend-choice", test_backend_choice);
  g_test_add_func ("/dbus-backend/private-socket", test_private_socket);
  g_test_add_func ("/dbus-backend/no-bus", test_no_bus);
  g_test_add_func ("/dbus-backend/bus-without-systemd", test_bus_without_systemd);
  g_test_add_func ("/dbus-backend/host-reconnecting", test_host_reconnecting);
  g_test_add_func ("/dbus-backend/reconnect-delays", test_reconnect_delays);
  g_test_add_func ("/dbus-backend/status-without-thread", test_status_without_thread);
  g_test_add_func ("/dbus-backend/memory-without-cgroupfs", test_memory_without_cgroupfs);

  return g_test_run ();
}
