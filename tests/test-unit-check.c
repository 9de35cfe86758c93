/* test-unit-check.c — the unit and resources checks against a real systemd
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs inside tests/sandbox/tend-sandbox: a systemd user manager and journald in a
 * private mount namespace, with the units of tests/units installed. Every wait here
 * is for an event (a job's end, a property notification, a signal) with a deadline;
 * the deadline only turns a hang into a failure.
 */
#include <math.h>
#include <string.h>

#include "tend.h"

#define TEST_DEADLINE_MSEC 15000
#include "test-util.h"

typedef struct
{
  TendHost *host;
} Fixture;

/* ------------------------------------------------------------------------------------ */
/* Helpers                                                                               */

static TendCheckVerdict *
run_check (TendCheck *check)
{
  g_autoptr(GError) error = NULL;
  TendCheckVerdict *verdict = run_check_timed (check, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (verdict);
  g_test_message ("%s check %s: %s", tend_check_get_kind (check), tend_check_get_name (check),
                  verdict->message);
  return verdict;
}

static void
assert_verdict (const TendCheckVerdict *verdict,
                TendResultStatus        status,
                TendCheckFailure        failure,
                const char             *message)
{
  g_assert_cmpint (verdict->status, ==, status);
  g_assert_cmpstr (tend_check_failure_to_string (verdict->failure), ==,
                   tend_check_failure_to_string (failure));
  if (message != NULL)
    g_assert_cmpstr (verdict->message, ==, message);
}

/* Waits for @service's active-state to read @state, as notifications tell it. */
typedef struct
{
  TendService *service;
  const char *want;
} StateWait;

static gboolean
state_reached (gpointer data)
{
  StateWait *wait = data;

  return g_strcmp0 (tend_service_get_active_state (wait->service), wait->want) == 0;
}

static gboolean
wait_for_state (TendService *service,
                const char  *state)
{
  StateWait wait = { service, state };

  return wait_until (state_reached, &wait);
}

static TendCheck *
new_unit_check (Fixture    *fixture,
                const char *unit)
{
  g_autoptr(GError) error = NULL;
  TendCheck *check = tend_unit_check_new ("state", fixture->host, unit, &error);

  g_assert_no_error (error);
  g_assert_true (TEND_IS_UNIT_CHECK (check));
  g_assert_cmpstr (tend_check_get_kind (check), ==, "unit");
  return check;
}

static TendCheck *
new_resources_check (Fixture    *fixture,
                     const char *unit)
{
  g_autoptr(GError) error = NULL;
  TendCheck *check = tend_resources_check_new ("resources", fixture->host, unit, &error);

  g_assert_no_error (error);
  g_assert_true (TEND_IS_RESOURCES_CHECK (check));
  g_assert_cmpstr (tend_check_get_kind (check), ==, "resources");
  return check;
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
}

/* The same host over GDBus, whatever the build prefers: its calls to systemd pass the
 * bus daemon, where a monitor (BusWatch) sees them; sd-bus talks to the manager's
 * private socket, which nothing can watch. */
static void
fixture_set_up_gdbus (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TendDbusBackend) backend = tend_dbus_backend_new (G_BUS_TYPE_SESSION,
                                                              "this computer (user manager)");

  fixture->host = tend_host_new_for_backend ("local-user", "this computer (user manager)",
                                             TEND_HOST_KIND_LOCAL, TEND_HOST_SCOPE_USER,
                                             TEND_BACKEND (backend));
  tend_host_connect_async (fixture->host, NULL, store_result, &result);
  g_assert_true (tend_host_connect_finish (fixture->host, wait_for_result (&result), &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->host);
}

/* ------------------------------------------------------------------------------------ */
/* Unit check                                                                            */

static void
test_unit_bad_names (void)
{
  g_autoptr(TendHost) host = tend_host_new_local (TEND_HOST_SCOPE_USER);
  g_autoptr(GError) error = NULL;
  TendCheck *check;

  check = tend_unit_check_new ("state", host, "", &error);
  g_assert_null (check);
  g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==, "unit: must not be empty");
  g_clear_error (&error);

  check = tend_unit_check_new ("state", host, "no spaces.service", &error);
  g_assert_null (check);
  g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
  g_assert_true (g_str_has_prefix (error->message,
                                   "unit: \"no spaces.service\" is not a valid unit name: "));
  g_clear_error (&error);

  check = tend_unit_check_new ("state", host, "getty@.service", &error);
  g_assert_null (check);
  g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==,
                   "unit: \"getty@.service\" is a template; name one of its instances");
  g_clear_error (&error);

  check = tend_resources_check_new ("resources", host, "", &error);
  g_assert_null (check);
  g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==, "unit: must not be empty");
}

static void
test_unit_active (Fixture       *fixture,
                  gconstpointer  data)
{
  const char *unit = "tend-test-sleeper.service";
  g_autoptr(TendCheck) check = new_unit_check (fixture, unit);
  g_autoptr(TendCheckVerdict) verdict = NULL;
  TendService *service;

  g_assert_null (tend_unit_check_get_service (TEND_UNIT_CHECK (check)));
  g_assert_cmpstr (tend_unit_check_get_unit (TEND_UNIT_CHECK (check)), ==, unit);
  run_action (fixture->host, unit, TEND_UNIT_ACTION_START);

  verdict = run_check (check);
  assert_verdict (verdict, TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE, "active (running)");
  g_assert_cmpint (verdict->latency_usec, >=, 0);

  /* The service watched is the host's own. */
  service = tend_unit_check_get_service (TEND_UNIT_CHECK (check));
  g_assert_nonnull (service);
  g_assert_true (service == tend_host_lookup_service (fixture->host, unit));

  run_action (fixture->host, unit, TEND_UNIT_ACTION_STOP);
}

static void
test_unit_failed (Fixture       *fixture,
                  gconstpointer  data)
{
  const char *unit = "tend-test-fails.service";
  g_autoptr(TendCheck) check = new_unit_check (fixture, unit);
  g_autoptr(TendService) service = load_service (fixture->host, unit);
  g_autoptr(TendCheckVerdict) verdict = NULL;

  run_action (fixture->host, unit, TEND_UNIT_ACTION_START);
  g_assert_true (wait_for_state (service, "failed"));

  verdict = run_check (check);
  assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_STATE, "failed (exit-code)");

  run_action (fixture->host, unit, TEND_UNIT_ACTION_RESET_FAILED);
}

static void
test_unit_inactive (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(TendCheck) check = new_unit_check (fixture, "tend-test-reloadable.service");
  g_autoptr(TendCheckVerdict) verdict = run_check (check);

  assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_STATE, "inactive (dead)");
}

static void
test_unit_not_found (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(TendCheck) check = new_unit_check (fixture, "tend-test-no-such-unit.service");
  g_autoptr(TendCheckVerdict) verdict = run_check (check);

  assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_STATE, "not-found");
}

static void
test_unit_activating (Fixture       *fixture,
                      gconstpointer  data)
{
  const char *unit = "tend-test-slow.service";
  g_autoptr(TendCheck) check = new_unit_check (fixture, unit);
  g_autoptr(TendService) service = load_service (fixture->host, unit);
  g_autoptr(TendCheckVerdict) verdict = NULL;
  g_autoptr(TendCheckVerdict) later = NULL;
  g_autoptr(GAsyncResult) start = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *outcome = NULL;

  /* The start job takes 2 s (ExecStartPre=sleep 2): check while it runs. */
  tend_host_run_action_async (fixture->host, unit, TEND_UNIT_ACTION_START, NULL,
                              store_result, &start);
  g_assert_true (wait_for_state (service, "activating"));

  verdict = run_check (check);
  assert_verdict (verdict, TEND_RESULT_UNKNOWN, TEND_CHECK_FAILURE_NONE,
                  "activating (start-pre)");

  outcome = tend_host_run_action_finish (fixture->host, wait_for_result (&start), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (outcome, ==, "done");
  later = run_check (check);
  assert_verdict (later, TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE, "active (running)");

  run_action (fixture->host, unit, TEND_UNIT_ACTION_STOP);
}

static void
count_changed (TendUnitCheck *check,
               guint         *n_changed)
{
  (*n_changed)++;
}

static gboolean
changed_seen (gpointer data)
{
  return *(guint *) data > 0;
}

static void
test_unit_changed_signal (Fixture       *fixture,
                          gconstpointer  data)
{
  const char *unit = "tend-test-sleeper.service";
  g_autoptr(TendCheck) check = new_unit_check (fixture, unit);
  g_autoptr(TendCheckVerdict) verdict = NULL;
  g_autoptr(TendCheckVerdict) after = NULL;
  g_autoptr(GAsyncResult) stop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *outcome = NULL;
  guint n_changed = 0;

  run_action (fixture->host, unit, TEND_UNIT_ACTION_START);
  verdict = run_check (check);
  assert_verdict (verdict, TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE, "active (running)");
  g_signal_connect (check, "changed", G_CALLBACK (count_changed), &n_changed);
  g_assert_cmpuint (n_changed, ==, 0);

  /* Stopped by someone else: the check hears of it from systemd, without a run. */
  tend_host_run_action_async (fixture->host, unit, TEND_UNIT_ACTION_STOP, NULL,
                              store_result, &stop);
  g_assert_true (wait_until (changed_seen, &n_changed));
  g_assert_cmpstr (tend_service_get_active_state (
                     tend_unit_check_get_service (TEND_UNIT_CHECK (check))), !=, "active");

  outcome = tend_host_run_action_finish (fixture->host, wait_for_result (&stop), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (outcome, ==, "done");

  after = run_check (check);
  assert_verdict (after, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_STATE, "inactive (dead)");
  g_signal_handlers_disconnect_by_data (check, &n_changed);
}

/* ------------------------------------------------------------------------------------ */
/* Resources check                                                                       */

static void
test_resources_memory_critical (Fixture       *fixture,
                                gconstpointer  data)
{
  const char *unit = "tend-test-sleeper.service";
  g_autoptr(TendCheck) check = new_resources_check (fixture, unit);
  g_autoptr(TendCheckVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TendService) service = NULL;
  const char *source;
  g_autofree char *expected = NULL;
  g_autofree char *critical_shown = NULL;

  g_assert_true (tend_resources_check_set_memory_thresholds (TEND_RESOURCES_CHECK (check),
                                                             0, 1024, &error));
  g_assert_no_error (error);
  run_action (fixture->host, unit, TEND_UNIT_ACTION_START);

  verdict = run_check (check);
  assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_THRESHOLD, NULL);

  service = load_service (fixture->host, unit);
  source = tend_service_get_memory_source (service) == TEND_MEMORY_SOURCE_CGROUP
           ? "cgroup" : "process RSS";
  /* On cgroup v1 systemd has no MemoryCurrent: the figure is the processes' RSS. */
  g_assert_cmpint (tend_service_get_memory_source (service), !=, TEND_MEMORY_SOURCE_NONE);
  g_assert_true (g_str_has_prefix (verdict->message, "memory "));
  critical_shown = g_format_size (1024);
  expected = g_strdup_printf ("(%s) above critical %s, ", source, critical_shown);
  g_assert_nonnull (strstr (verdict->message, expected));
  /* The first run has no CPU figure to compare with, or systemd has none at all. */
  g_assert_true (strstr (verdict->message, "CPU measured from the next run") != NULL ||
                 strstr (verdict->message, "CPU unknown") != NULL);

  run_action (fixture->host, unit, TEND_UNIT_ACTION_STOP);
}

static void
test_resources_generous (Fixture       *fixture,
                         gconstpointer  data)
{
  const char *unit = "tend-test-sleeper.service";
  g_autoptr(TendCheck) check = new_resources_check (fixture, unit);
  TendResourcesCheck *resources = TEND_RESOURCES_CHECK (check);
  g_autoptr(TendCheckVerdict) first = NULL;
  g_autoptr(TendCheckVerdict) second = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (tend_resources_check_set_memory_thresholds (resources, 512 * 1024 * 1024,
                                                             1024 * 1024 * 1024, &error));
  g_assert_true (tend_resources_check_set_cpu_thresholds (resources, 80, 95, &error));
  g_assert_true (tend_resources_check_set_tasks_thresholds (resources, 100, 1000, &error));
  g_assert_no_error (error);
  run_action (fixture->host, unit, TEND_UNIT_ACTION_START);

  first = run_check (check);
  assert_verdict (first, TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE, NULL);
  g_assert_true (g_str_has_prefix (first->message, "memory "));
  g_assert_null (strstr (first->message, "above"));

  /* The second run has a CPU figure where systemd reports CPU time at all. */
  second = run_check (check);
  assert_verdict (second, TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE, NULL);
  g_assert_true (strstr (second->message, ", CPU unknown, ") != NULL ||
                 (strstr (second->message, ", CPU ") != NULL &&
                  strstr (second->message, "%, ") != NULL));
  g_assert_null (strstr (second->message, "next run"));

  run_action (fixture->host, unit, TEND_UNIT_ACTION_STOP);
}

static void
test_resources_not_running (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(TendCheck) check = new_resources_check (fixture, "tend-test-reloadable.service");
  g_autoptr(TendCheckVerdict) verdict = run_check (check);

  assert_verdict (verdict, TEND_RESULT_UNKNOWN, TEND_CHECK_FAILURE_NONE,
                  "not running (inactive): no figures");
}

static void
test_resources_bad_thresholds (void)
{
  g_autoptr(TendHost) host = tend_host_new_local (TEND_HOST_SCOPE_USER);
  g_autoptr(GError) error = NULL;
  g_autoptr(TendCheck) check = tend_resources_check_new ("resources", host,
                                                         "tend-test-sleeper.service", &error);
  TendResourcesCheck *resources = TEND_RESOURCES_CHECK (check);
  guint64 warn, critical;
  double cpu_warn, cpu_critical;

  g_assert_no_error (error);
  g_assert_true (tend_resources_check_set_memory_thresholds (resources, 100, 200, &error));
  g_assert_true (tend_resources_check_set_cpu_thresholds (resources, 50, 90, &error));
  g_assert_true (tend_resources_check_set_tasks_thresholds (resources, 10, 20, &error));
  g_assert_no_error (error);

  g_assert_false (tend_resources_check_set_memory_thresholds (resources, 2000, 1000, &error));
  g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==,
                   "memory-warn: 2000 bytes must be below memory-critical (1000 bytes)");
  g_clear_error (&error);

  g_assert_false (tend_resources_check_set_memory_thresholds (resources, 1000, 1000, &error));
  g_assert_cmpstr (error->message, ==,
                   "memory-warn: 1000 bytes must be below memory-critical (1000 bytes)");
  g_clear_error (&error);

  g_assert_false (tend_resources_check_set_cpu_thresholds (resources, 90, 80, &error));
  g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==, "cpu-warn: 90% must be below cpu-critical (80%)");
  g_clear_error (&error);

  g_assert_false (tend_resources_check_set_cpu_thresholds (resources, -5, 80, &error));
  g_assert_cmpstr (error->message, ==, "cpu-warn: -5 is not a percentage above 0 (0 for none)");
  g_clear_error (&error);

  g_assert_false (tend_resources_check_set_cpu_thresholds (resources, 50, NAN, &error));
  g_assert_cmpstr (error->message, ==,
                   "cpu-critical: nan is not a percentage above 0 (0 for none)");
  g_clear_error (&error);

  g_assert_false (tend_resources_check_set_tasks_thresholds (resources, 50, 20, &error));
  g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==, "tasks-warn: 50 must be below tasks-critical (20)");
  g_clear_error (&error);

  /* Refused thresholds change nothing. */
  tend_resources_check_get_memory_thresholds (resources, &warn, &critical);
  g_assert_cmpuint (warn, ==, 100);
  g_assert_cmpuint (critical, ==, 200);
  tend_resources_check_get_cpu_thresholds (resources, &cpu_warn, &cpu_critical);
  g_assert_cmpfloat (cpu_warn, ==, 50);
  g_assert_cmpfloat (cpu_critical, ==, 90);
  tend_resources_check_get_tasks_thresholds (resources, &warn, &critical);
  g_assert_cmpuint (warn, ==, 10);
  g_assert_cmpuint (critical, ==, 20);

  /* 0 is no threshold, on either side. */
  g_assert_true (tend_resources_check_set_memory_thresholds (resources, 5000, 0, &error));
  g_assert_true (tend_resources_check_set_cpu_thresholds (resources, 0, 0, &error));
  g_assert_no_error (error);
}

/* ------------------------------------------------------------------------------------ */
/* At rest: runs that ask nothing of systemd                                             */

/* Counts the reads of a unit (GetAll, GetUnitProcesses) that anyone sends systemd, as a
 * bus monitor (org.freedesktop.DBus.Monitoring) sees them. */
typedef struct
{
  GDBusConnection *connection;
  gint n_reads;                 /* (atomic) */
  gint n_markers;               /* (atomic) */
} BusWatch;

#define MARKER_PATH "/org/freedesktop/systemd1"

static GDBusMessage *
bus_watch_filter (GDBusConnection *connection,
                  GDBusMessage    *message,
                  gboolean         incoming,
                  gpointer         user_data)
{
  BusWatch *watch = user_data;
  const char *member;

  if (!incoming || g_dbus_message_get_message_type (message) != G_DBUS_MESSAGE_TYPE_METHOD_CALL)
    return message;

  /* A copy of someone else's call: a monitor must not answer it, so GDBus never sees it. */
  member = g_dbus_message_get_member (message);
  if (g_strcmp0 (member, "GetAll") == 0 || g_strcmp0 (member, "GetUnitProcesses") == 0)
    g_atomic_int_inc (&watch->n_reads);
  else if (g_strcmp0 (member, "Ping") == 0)
    g_atomic_int_inc (&watch->n_markers);
  g_object_unref (message);
  return NULL;
}

static BusWatch *
bus_watch_new (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  const char *rules[] = { "type='method_call',destination='org.freedesktop.systemd1'", NULL };
  BusWatch *watch = g_new0 (BusWatch, 1);

  watch->connection =
    g_dbus_connection_new_for_address_sync (g_getenv ("DBUS_SESSION_BUS_ADDRESS"),
                                            G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                            G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                            NULL, NULL, &error);
  g_assert_no_error (error);
  g_dbus_connection_add_filter (watch->connection, bus_watch_filter, watch, NULL);
  reply = g_dbus_connection_call_sync (watch->connection, "org.freedesktop.DBus",
                                       "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus.Monitoring", "BecomeMonitor",
                                       g_variant_new ("(^asu)", rules, 0), NULL,
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  return watch;
}

static gboolean
marker_seen (gpointer data)
{
  BusWatch *watch = data;

  return g_atomic_int_get (&watch->n_markers) > 0;
}

/* The reads seen so far: everything sent before this call has reached the monitor once
 * a Ping sent after it has (the bus daemon hands a monitor its copies in order). */
static guint
bus_watch_reads (BusWatch *watch)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  g_atomic_int_set (&watch->n_markers, 0);
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.systemd1", MARKER_PATH,
                                       "org.freedesktop.DBus.Peer", "Ping", NULL, NULL,
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (wait_until (marker_seen, watch));
  return (guint) g_atomic_int_get (&watch->n_reads);
}

static void
bus_watch_free (BusWatch *watch)
{
  g_dbus_connection_close_sync (watch->connection, NULL, NULL);
  g_object_unref (watch->connection);
  g_free (watch);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BusWatch, bus_watch_free)

static void
systemctl (const char *verb,
           const char *unit)
{
  g_autofree char *command = g_strdup_printf ("systemctl --user %s %s", verb, unit);
  g_autoptr(GError) error = NULL;
  int status = -1;

  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

/* The sleeper as the host lists it is active, or it is not listed (then a run reads it). */
static gboolean
listed_active_or_gone (gpointer data)
{
  Fixture *fixture = data;
  TendService *service = tend_host_lookup_service (fixture->host, "tend-test-sleeper.service");

  return service == NULL || (g_strcmp0 (tend_service_get_active_state (service), "active") == 0 &&
                             tend_service_get_main_pid (service) != 0);
}

/* A local host keeps the unit's state from systemd's signals: after the first run, the
 * unit and resources checks of a running unit ask systemd nothing (the resources check
 * reads the control group's files), with the same verdicts and figures; a change made
 * by someone else shows in the next runs; a restart (a new main process) costs the
 * resources check one read, then none again. */
static void
test_at_rest_no_reads (Fixture       *fixture,
                       gconstpointer  data)
{
  const char *unit = "tend-test-sleeper.service";
  g_autoptr(TendCheck) state = new_unit_check (fixture, unit);
  g_autoptr(TendCheck) resources = new_resources_check (fixture, unit);
  g_autoptr(TendCheckVerdict) first = NULL;
  g_autoptr(BusWatch) watch = NULL;
  g_autoptr(TendService) reread = NULL;
  TendService *service;
  guint64 memory;
  guint n;

  run_action (fixture->host, unit, TEND_UNIT_ACTION_START);
  first = run_check (state);
  assert_verdict (first, TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE, "active (running)");
  g_clear_pointer (&first, tend_check_verdict_free);
  first = run_check (resources);
  assert_verdict (first, TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE, NULL);
  g_assert_true (g_str_has_prefix (first->message, "memory "));

  watch = bus_watch_new ();
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(TendCheckVerdict) a = run_check (state);
      g_autoptr(TendCheckVerdict) b = run_check (resources);

      assert_verdict (a, TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE, "active (running)");
      assert_verdict (b, TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE, NULL);
      /* The memory part of the message is the D-Bus read's. */
      g_assert_true (g_str_has_prefix (b->message, "memory "));
      g_assert_cmpstr (strchr (b->message, ','), !=, NULL);
      g_assert_true (strncmp (b->message, first->message,
                              (gsize) (strchr (first->message, ',') - first->message)) == 0);
    }
  g_assert_cmpuint (bus_watch_reads (watch), ==, 0);

  /* The figure read from the control group is the one systemd and /proc give. */
  service = tend_host_lookup_service (fixture->host, unit);
  g_assert_nonnull (service);
  memory = tend_service_get_memory (service);
  g_assert_cmpuint (memory, !=, TEND_UNSET);
  reread = load_service (fixture->host, unit);
  g_assert_cmpuint (tend_service_get_memory (reread), ==, memory);
  g_clear_object (&reread);

  /* Stopped by someone else: both checks say so at their next run. */
  systemctl ("stop", unit);
  {
    g_autoptr(TendCheckVerdict) a = NULL;
    g_autoptr(TendCheckVerdict) b = NULL;
    StateWait wait = { service, "inactive" };

    /* The service may leave the host's list (systemd unloads an unused unit): then the
     * checks read it again, which is right too. */
    g_assert_true (wait_until (state_reached, &wait) ||
                   tend_host_lookup_service (fixture->host, unit) != service);
    a = run_check (state);
    b = run_check (resources);
    assert_verdict (a, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_STATE, "inactive (dead)");
    assert_verdict (b, TEND_RESULT_UNKNOWN, TEND_CHECK_FAILURE_NONE,
                    "not running (inactive): no figures");
  }

  /* Started again: a new main process, read once over D-Bus, then not again. The
   * host hears of the start from systemd's signal, a moment after systemctl returns. */
  systemctl ("start", unit);
  g_assert_true (wait_until (listed_active_or_gone, fixture));
  {
    g_autoptr(TendCheckVerdict) a = NULL;
    g_autoptr(TendCheckVerdict) b = NULL;
    g_autoptr(TendCheckVerdict) c = NULL;
    StateWait wait = { service, "active" };

    /* As for the stop: systemd's signals are on their way (on sd-bus's private socket
     * they are already in the socket, not yet dispatched), or the unit left the list. */
    g_assert_true (wait_until (state_reached, &wait) ||
                   tend_host_lookup_service (fixture->host, unit) != service);
    a = run_check (state);
    assert_verdict (a, TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE, "active (running)");
    b = run_check (resources);
    assert_verdict (b, TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE, NULL);
    g_assert_true (g_str_has_prefix (b->message, "memory "));
    n = bus_watch_reads (watch);
    g_assert_cmpuint (n, >=, 1);
    c = run_check (resources);
    g_clear_pointer (&a, tend_check_verdict_free);
    a = run_check (state);
    assert_verdict (a, TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE, "active (running)");
    assert_verdict (c, TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE, NULL);
    g_assert_cmpuint (bus_watch_reads (watch), ==, n);
  }

  run_action (fixture->host, unit, TEND_UNIT_ACTION_STOP);
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

  /* /unit-check/at-rest-no-reads counts the reads of a unit with a monitor on the
   * session bus: the sd-bus backend would reach the manager on its private socket,
   * which no bus monitor sees. Without XDG_RUNTIME_DIR it goes through the bus. */
  g_setenv ("XDG_RUNTIME_DIR", "/nonexistent/tend-test-runtime-dir", TRUE);

#define ADD(path, func) \
  g_test_add ("/unit-check/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  g_test_add_func ("/unit-check/bad-names", test_unit_bad_names);
  ADD ("active", test_unit_active);
  ADD ("failed", test_unit_failed);
  ADD ("inactive", test_unit_inactive);
  ADD ("not-found", test_unit_not_found);
  ADD ("activating", test_unit_activating);
  ADD ("changed-signal", test_unit_changed_signal);
  ADD ("resources/memory-critical", test_resources_memory_critical);
  ADD ("resources/generous", test_resources_generous);
  ADD ("resources/not-running", test_resources_not_running);
  g_test_add ("/unit-check/at-rest-no-reads", Fixture, NULL, fixture_set_up_gdbus,
              test_at_rest_no_reads, fixture_tear_down);
  g_test_add_func ("/unit-check/resources/bad-thresholds", test_resources_bad_thresholds);
#undef ADD

  return g_test_run ();
}
