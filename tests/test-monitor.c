/* test-monitor.c — the monitor engine against real sockets and a real store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * TCP checks at a 1 s interval against a GThreadedSocketService on 127.0.0.1 (one that
 * accepts, or one that answers "PONG" 300 ms after a request), a closed port (bound,
 * not listening: refused) that later listens, and a TendStore in a temporary directory.
 */
#define G_LOG_DOMAIN "Tend"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/resource.h>

#include "tend-check.h"
#include "tend-duration.h"
#include "tend-health.h"
#include "tend-monitor.h"
#include "tend-service.h"
#include "tend-store.h"
#include "tend-tcp-check.h"
#include "test-util.h"

#define MS TEND_USEC_PER_MSEC
#define SEC TEND_USEC_PER_SEC

#define INTERVAL (1 * SEC)
#define SLOW_ANSWER_MSEC 300
/* How late a timer may fire on a loaded machine, beyond what the monitor allows. */
#define LOAD_MARGIN (50 * MS)

typedef struct
{
  GSocketService *service;      /* accepts and closes */
  guint port;
  GSocketService *slow;         /* answers "PONG" 300 ms after a line */
  guint slow_port;
  GSocket *closed;              /* bound, not listening */
  guint closed_port;
  GSocketService *reopened;     /* listens on closed_port once a test asks */

  /* What the monitor said. */
  GArray *times;                /* gint64 monotonic µs of each check-completed */
  GArray *starts;               /* gint64 when each run started: its time less its latency */
  GArray *ids;                  /* gint64 check id of each */
  GArray *statuses;             /* TendResultStatus of each */
  GArray *latencies;            /* gint64 latency of each */
  GArray *health;               /* guint status of each health-changed */
  guint max_running;
  guint max_waiting;
  TendMonitor *monitor;
} Fixture;

/* ------------------------------------------------------------------------------------ */
/* Servers                                                                               */

static gboolean
on_run (GThreadedSocketService *service,
        GSocketConnection      *connection,
        GObject                *source_object,
        gpointer                user_data)
{
  GSocket *socket = g_socket_connection_get_socket (connection);
  gboolean slow = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (service), "slow"));

  if (slow)
    {
      char c;

      g_socket_set_timeout (socket, 10);
      while (g_socket_receive (socket, &c, 1, NULL, NULL) == 1 && c != '\n')
        ;
      g_usleep (SLOW_ANSWER_MSEC * MS);
      g_socket_send (socket, "PONG\r\n", 6, NULL, NULL);
    }
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  return TRUE;
}

static GSocketService *
new_server (gboolean  slow,
            guint    *port)
{
  GSocketService *service = test_server_new ();
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;

  g_socket_listener_add_address (G_SOCKET_LISTENER (service), address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error);
  g_assert_no_error (error);
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  g_object_set_data (G_OBJECT (service), "slow", GINT_TO_POINTER (slow));
  g_signal_connect (service, "run", G_CALLBACK (on_run), NULL);
  g_socket_service_start (service);
  return service;
}

static void
stop_server (GSocketService **service)
{
  if (*service == NULL)
    return;
  g_socket_service_stop (*service);
  g_socket_listener_close (G_SOCKET_LISTENER (*service));
  g_clear_object (service);
}

/* The closed port starts listening: the same socket, now with listen(). */
static void
open_closed_port (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  g_socket_set_listen_backlog (fixture->closed, 16);
  g_assert_true (g_socket_listen (fixture->closed, &error));
  g_assert_no_error (error);
  fixture->reopened = test_server_new ();
  g_object_set_data (G_OBJECT (fixture->reopened), "slow", GINT_TO_POINTER (FALSE));
  g_signal_connect (fixture->reopened, "run", G_CALLBACK (on_run), NULL);
  g_socket_listener_add_socket (G_SOCKET_LISTENER (fixture->reopened), fixture->closed,
                                NULL, &error);
  g_assert_no_error (error);
  g_socket_service_start (fixture->reopened);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;

  fixture->service = new_server (FALSE, &fixture->port);
  fixture->slow = new_server (TRUE, &fixture->slow_port);

  fixture->closed = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                  G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (fixture->closed, address, TRUE, &error));
  effective = g_socket_get_local_address (fixture->closed, &error);
  g_assert_no_error (error);
  fixture->closed_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));

  fixture->times = g_array_new (FALSE, FALSE, sizeof (gint64));
  fixture->starts = g_array_new (FALSE, FALSE, sizeof (gint64));
  fixture->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  fixture->statuses = g_array_new (FALSE, FALSE, sizeof (TendResultStatus));
  fixture->latencies = g_array_new (FALSE, FALSE, sizeof (gint64));
  fixture->health = g_array_new (FALSE, FALSE, sizeof (guint));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_object (&fixture->monitor);
  stop_server (&fixture->service);
  stop_server (&fixture->slow);
  stop_server (&fixture->reopened);
  g_socket_close (fixture->closed, NULL);
  g_clear_object (&fixture->closed);
  g_array_unref (fixture->times);
  g_array_unref (fixture->starts);
  g_array_unref (fixture->ids);
  g_array_unref (fixture->statuses);
  g_array_unref (fixture->latencies);
  g_array_unref (fixture->health);
}

/* ------------------------------------------------------------------------------------ */
/* Helpers                                                                               */

static TendCheck *
new_check (guint    port,
           gboolean slow)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TendCheck) check = tend_tcp_check_new ("tcp", "127.0.0.1", port, &error);

  g_assert_no_error (error);
  g_assert_true (tend_check_set_timing (check, INTERVAL, 900 * MS, &error));
  g_assert_no_error (error);
  if (slow)
    {
      g_autoptr(GBytes) send = g_bytes_new_static ("PING\r\n", 6);

      tend_tcp_check_set_send (TEND_TCP_CHECK (check), send);
      tend_tcp_check_set_expect (TEND_TCP_CHECK (check), "PONG");
    }
  return g_steal_pointer (&check);
}

static void
note_counts (Fixture *fixture)
{
  fixture->max_running = MAX (fixture->max_running, tend_monitor_get_n_running (fixture->monitor));
  fixture->max_waiting = MAX (fixture->max_waiting, tend_monitor_get_n_waiting (fixture->monitor));
}

static void
on_check_completed (TendMonitor            *monitor,
                    gint64                  service_id,
                    gint64                  check_id,
                    const TendCheckVerdict *verdict,
                    Fixture                *fixture)
{
  gint64 now = g_get_monotonic_time ();

  gint64 start = now - MAX (verdict->latency_usec, 0);

  g_array_append_val (fixture->times, now);
  g_array_append_val (fixture->starts, start);
  g_array_append_val (fixture->ids, check_id);
  g_array_append_val (fixture->statuses, verdict->status);
  g_array_append_val (fixture->latencies, verdict->latency_usec);
  note_counts (fixture);
}

static void
on_health_changed (TendMonitor *monitor,
                   gint64       service_id,
                   guint        status,
                   Fixture     *fixture)
{
  g_assert_cmpuint (status, ==, tend_health_get_status (tend_monitor_get_health (monitor,
                                                                                 service_id)));
  g_array_append_val (fixture->health, status);
}

static gboolean
probe_cb (gpointer user_data)
{
  note_counts (user_data);
  return G_SOURCE_CONTINUE;
}

static TendMonitor *
new_monitor (Fixture   *fixture,
             TendStore *store)
{
  fixture->monitor = tend_monitor_new (store);
  tend_monitor_set_seed (fixture->monitor, 4242);
  g_signal_connect (fixture->monitor, "check-completed", G_CALLBACK (on_check_completed), fixture);
  g_signal_connect (fixture->monitor, "health-changed", G_CALLBACK (on_health_changed), fixture);
  return fixture->monitor;
}

typedef struct
{
  const guint *counter;
  guint n;
} CountWait;

static gboolean
count_reached (gpointer data)
{
  const CountWait *wait = data;

  return *wait->counter >= wait->n;
}

/* Runs the main loop until *@counter reaches @n or @timeout_usec pass; the counter. */
static guint
wait_for_count (const guint *counter,
                guint        n,
                gint64       timeout_usec)
{
  CountWait wait = { counter, n };

  wait_until_full (count_reached, &wait, (guint) (timeout_usec / MS));
  return *counter;
}

/* ------------------------------------------------------------------------------------ */
/* Tests                                                                                 */

/* One check runs every interval, measured from the start of the previous run. */
static void
test_interval (Fixture       *fixture,
               gconstpointer  user_data)
{
  TendMonitor *monitor = new_monitor (fixture, NULL);
  g_autoptr(TendCheck) check = new_check (fixture->port, FALSE);
  gint64 started;

  g_assert_true (tend_monitor_add_check (monitor, 1, 10, check));
  g_assert_false (tend_monitor_add_check (monitor, 1, 10, check));
  g_assert_cmpuint (tend_monitor_get_max_concurrent (monitor), ==, 50);

  started = g_get_monotonic_time ();
  tend_monitor_start (monitor);
  g_assert_true (tend_monitor_is_running (monitor));
  g_assert_cmpuint (wait_for_count (&fixture->times->len, 3, 3500 * MS), >=, 3);

  /* The first within its jitter, the next ones an interval apart. */
  /* Upper bounds are loose: timers fire late on a loaded machine, never early. */
  g_assert_cmpint (g_array_index (fixture->times, gint64, 0) - started, <, INTERVAL + 500 * MS);
  for (guint i = 1; i < fixture->times->len; i++)
    {
      gint64 gap = g_array_index (fixture->starts, gint64, i) -
                   g_array_index (fixture->starts, gint64, i - 1);

      g_assert_cmpint (gap, >=, INTERVAL - 5 * MS);
      g_assert_cmpint (gap, <, INTERVAL + 1000 * MS);
      g_assert_cmpint (g_array_index (fixture->statuses, TendResultStatus, i), ==,
                       TEND_RESULT_PASS);
    }
  g_assert_cmpuint (fixture->max_running, <=, 1);
  g_assert_cmpuint (tend_monitor_get_n_completed (monitor), ==, fixture->times->len);

  /* A pass is a hard pass at once: healthy, announced once. */
  g_assert_cmpint (tend_health_get_status (tend_monitor_get_health (monitor, 1)), ==,
                   TEND_HEALTH_HEALTHY);
  g_assert_cmpuint (fixture->health->len, ==, 1);
  g_assert_cmpuint (g_array_index (fixture->health, guint, 0), ==, TEND_HEALTH_HEALTHY);

  /* Removed: its layer goes, and it runs no more. */
  g_assert_true (tend_monitor_remove_check (monitor, check));
  g_assert_false (tend_monitor_remove_check (monitor, check));
  g_assert_cmpuint (g_list_model_get_n_items (
                      tend_health_get_layers (tend_monitor_get_health (monitor, 1))), ==, 0);
  g_assert_cmpuint (fixture->health->len, ==, 2);
  g_assert_cmpuint (g_array_index (fixture->health, guint, 1), ==, TEND_HEALTH_UNKNOWN);
  {
    guint before = fixture->times->len;

    spin (1500);
    g_assert_cmpuint (fixture->times->len, ==, before);
  }
}

/* A run that takes 300 ms does not push the next one back: runs start an interval
 * apart, so a check that times out still fails every interval. */
static void
test_interval_slow (Fixture       *fixture,
                    gconstpointer  user_data)
{
  TendMonitor *monitor = new_monitor (fixture, NULL);
  g_autoptr(TendCheck) check = new_check (fixture->slow_port, TRUE);

  tend_monitor_add_check (monitor, 1, 1, check);
  tend_monitor_start (monitor);
  g_assert_cmpuint (wait_for_count (&fixture->times->len, 3, 4 * SEC), ==, 3);
  tend_monitor_stop (monitor);

  for (guint i = 1; i < fixture->times->len; i++)
    {
      gint64 gap = g_array_index (fixture->starts, gint64, i) -
                   g_array_index (fixture->starts, gint64, i - 1);

      g_assert_cmpint (g_array_index (fixture->statuses, TendResultStatus, i), ==,
                       TEND_RESULT_PASS);
      g_assert_cmpint (gap, >=, INTERVAL - 5 * MS);
      /* One interval after the previous end would be 1,300 ms. */
      g_assert_cmpint (gap, <, INTERVAL + SLOW_ANSWER_MSEC * MS / 2);
    }
}

/* Runs the first runs of @n checks (and a disabled one, which does not run) with
 * @max_concurrent; their offsets from the start into @offsets, indexed by check id.
 * Returns: the wake-ups (dispatches) they took */
static guint64
first_runs (Fixture *fixture,
            guint    max_concurrent,
            guint    n,
            gint64  *offsets)
{
  TendMonitor *monitor = new_monitor (fixture, NULL);
  g_autoptr(TendCheck) disabled = new_check (fixture->port, FALSE);
  TendMonitorLateness lateness;
  gint64 started;

  g_object_set (monitor, "max-concurrent", max_concurrent, NULL);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TendCheck) check = new_check (fixture->port, FALSE);

      tend_monitor_add_check (monitor, 1, i, check);
    }
  g_object_set (disabled, "enabled", FALSE, NULL);
  tend_monitor_add_check (monitor, 1, 99, disabled);
  g_assert_false (tend_monitor_run_now (monitor, disabled));

  started = g_get_monotonic_time ();
  tend_monitor_start (monitor);
  g_assert_cmpuint (wait_for_count (&fixture->times->len, n, 1500 * MS), ==, n);
  tend_monitor_get_lateness (monitor, &lateness);
  tend_monitor_stop (monitor);

  for (guint i = 0; i < n; i++)
    {
      gint64 id = g_array_index (fixture->ids, gint64, i);

      g_assert_cmpint (id, <, (gint64) n);
      offsets[id] = g_array_index (fixture->times, gint64, i) - started;
      g_assert_cmpint (offsets[id], <, INTERVAL);
    }
  /* Each run at most a slack late. */
  g_assert_cmpuint (lateness.n_runs, ==, n);
  g_assert_cmpint (lateness.max_usec, <=, INTERVAL / 10 + LOAD_MARGIN);
  g_clear_object (&fixture->monitor);
  g_array_set_size (fixture->times, 0);
  g_array_set_size (fixture->starts, 0);
  g_array_set_size (fixture->ids, 0);
  g_array_set_size (fixture->statuses, 0);
  g_array_set_size (fixture->latencies, 0);
  return lateness.n_dispatches;
}

static gint64
spread_of (const gint64 *offsets,
           guint         n)
{
  gint64 min = offsets[0], max = offsets[0];

  for (guint i = 1; i < n; i++)
    {
      min = MIN (min, offsets[i]);
      max = MAX (max, offsets[i]);
    }
  g_test_message ("first runs between %" G_GINT64_FORMAT " and %" G_GINT64_FORMAT " ms",
                  min / MS, max / MS);
  return max - min;
}

/* With no configuration key set (max-concurrent 50), checks of one interval run
 * together: their first runs at the start, in one wake-up, and every interval after in
 * one (fewer wake-ups for an idle computer). More checks of an interval than
 * max-concurrent are spread over phases: here 7 checks (one disabled, which does not
 * run) with max-concurrent 2, over four phases a quarter of the interval apart. */
static void
test_jitter (Fixture       *fixture,
             gconstpointer  user_data)
{
  gint64 offsets[6];
  guint n = G_N_ELEMENTS (offsets);
  guint64 dispatches;

  dispatches = first_runs (fixture, TEND_MONITOR_DEFAULT_MAX_CONCURRENT, n, offsets);
  g_test_message ("%u checks, max-concurrent %u: %u wake-ups", n,
                  TEND_MONITOR_DEFAULT_MAX_CONCURRENT, (guint) dispatches);
  g_assert_cmpuint (dispatches, ==, 1);
  g_assert_cmpint (spread_of (offsets, n), <, LOAD_MARGIN);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (offsets[i], <, INTERVAL / 10 + LOAD_MARGIN);

  dispatches = first_runs (fixture, 2, n, offsets);
  g_test_message ("%u checks, max-concurrent 2: %u wake-ups", n, (guint) dispatches);
  g_assert_cmpuint (dispatches, >=, 2);
  g_assert_cmpint (spread_of (offsets, n), >, INTERVAL / 4 - LOAD_MARGIN);
}

/* 20 checks due at once against an answer that takes 300 ms: never more than 5 run. */
static void
test_concurrency (Fixture       *fixture,
                  gconstpointer  user_data)
{
  TendMonitor *monitor = new_monitor (fixture, NULL);
  g_autoptr(GPtrArray) checks = g_ptr_array_new_with_free_func (g_object_unref);
  guint probe;

  g_object_set (monitor, "max-concurrent", 5, NULL);
  for (guint i = 0; i < 20; i++)
    {
      TendCheck *check = new_check (fixture->slow_port, TRUE);

      g_ptr_array_add (checks, check);
      tend_monitor_add_check (monitor, 1, i, check);
    }

  probe = g_timeout_add (5, probe_cb, fixture);
  tend_monitor_start (monitor);
  for (guint i = 0; i < checks->len; i++)
    g_assert_true (tend_monitor_run_now (monitor, g_ptr_array_index (checks, i)));
  g_assert_cmpuint (tend_monitor_get_n_running (monitor), ==, 5);
  g_assert_cmpuint (tend_monitor_get_n_waiting (monitor), ==, 15);
  /* Due already: no second run of the same check. */
  g_assert_false (tend_monitor_run_now (monitor, g_ptr_array_index (checks, 0)));
  g_assert_false (tend_monitor_run_now (monitor, g_ptr_array_index (checks, 19)));

  g_assert_cmpuint (wait_for_count (&fixture->times->len, 20, 5 * SEC), ==, 20);
  g_source_remove (probe);

  g_assert_cmpuint (fixture->max_running, ==, 5);
  g_assert_cmpuint (fixture->max_waiting, <=, 15);
  /* FIFO: the first five due were the first five to run. */
  for (guint i = 0; i < 5; i++)
    g_assert_cmpint (g_array_index (fixture->ids, gint64, i), <, 5);
  for (guint i = 0; i < 20; i++)
    g_assert_cmpint (g_array_index (fixture->statuses, TendResultStatus, i), ==,
                     TEND_RESULT_PASS);
  /* Four rounds of 300 ms, not one. */
  g_assert_cmpint (g_array_index (fixture->times, gint64, 19) -
                   g_array_index (fixture->times, gint64, 0), >=, 3 * (SLOW_ANSWER_MSEC - 20) * MS);

  /* Raising the cap starts what waits at once. */
  tend_monitor_stop (monitor);
  g_object_set (monitor, "max-concurrent", 2, NULL);
  for (guint i = 0; i < 4; i++)
    tend_monitor_run_now (monitor, g_ptr_array_index (checks, i));
  g_assert_cmpuint (tend_monitor_get_n_running (monitor), ==, 2);
  g_assert_cmpuint (tend_monitor_get_n_waiting (monitor), ==, 2);
  tend_monitor_set_max_concurrent (monitor, 10);
  g_assert_cmpuint (tend_monitor_get_n_running (monitor), ==, 4);
  g_assert_cmpuint (tend_monitor_get_n_waiting (monitor), ==, 0);
  tend_monitor_stop (monitor);
}

/* Stop cancels what runs; nothing runs after it; start again runs again. */
static void
test_stop (Fixture       *fixture,
           gconstpointer  user_data)
{
  TendMonitor *monitor = new_monitor (fixture, NULL);
  g_autoptr(GPtrArray) checks = g_ptr_array_new_with_free_func (g_object_unref);
  gint64 before;

  g_object_set (monitor, "max-concurrent", 3, NULL);
  for (guint i = 0; i < 5; i++)
    {
      TendCheck *check = new_check (fixture->slow_port, TRUE);

      g_ptr_array_add (checks, check);
      tend_monitor_add_check (monitor, 1, i, check);
    }
  tend_monitor_start (monitor);
  for (guint i = 0; i < checks->len; i++)
    tend_monitor_run_now (monitor, g_ptr_array_index (checks, i));
  spin (100);
  g_assert_cmpuint (tend_monitor_get_n_running (monitor), ==, 3);
  g_assert_cmpuint (tend_monitor_get_n_waiting (monitor), ==, 2);

  before = g_get_monotonic_time ();
  tend_monitor_stop (monitor);
  g_assert_cmpint (g_get_monotonic_time () - before, <, 100 * MS);
  g_assert_false (tend_monitor_is_running (monitor));
  g_assert_cmpuint (tend_monitor_get_n_running (monitor), ==, 0);
  g_assert_cmpuint (tend_monitor_get_n_waiting (monitor), ==, 0);

  /* Past the slow answers and the next interval: not one verdict. */
  spin (INTERVAL / MS + 500);
  g_assert_cmpuint (fixture->times->len, ==, 0);
  g_assert_cmpuint (tend_monitor_get_n_completed (monitor), ==, 0);

  tend_monitor_start (monitor);
  g_assert_cmpuint (wait_for_count (&fixture->times->len, 5, 2 * SEC), ==, 5);
  tend_monitor_stop (monitor);

  /* Disposed with runs in flight: they are cancelled, nothing is left behind. */
  tend_monitor_start (monitor);
  for (guint i = 0; i < checks->len; i++)
    tend_monitor_run_now (monitor, g_ptr_array_index (checks, i));
  g_clear_object (&fixture->monitor);
  spin (500);
  g_assert_cmpuint (fixture->times->len, ==, 5);
}

/* Disabled, it does not run; enabled again, it runs after a jitter. */
static void
test_enabled (Fixture       *fixture,
              gconstpointer  user_data)
{
  TendMonitor *monitor = new_monitor (fixture, NULL);
  g_autoptr(TendCheck) check = new_check (fixture->port, FALSE);

  tend_monitor_add_check (monitor, 1, 1, check);
  tend_monitor_start (monitor);
  g_object_set (check, "enabled", FALSE, NULL);
  g_assert_false (tend_monitor_run_now (monitor, check));
  spin (INTERVAL / MS + 200);
  g_assert_cmpuint (fixture->times->len, ==, 0);

  g_object_set (check, "enabled", TRUE, NULL);
  g_assert_cmpuint (wait_for_count (&fixture->times->len, 1, INTERVAL + 200 * MS), ==, 1);

  /* run_now in place of the next scheduled run: one run, then one interval. */
  g_assert_true (tend_monitor_run_now (monitor, check));
  g_assert_false (tend_monitor_run_now (monitor, check));
  g_assert_cmpuint (wait_for_count (&fixture->times->len, 2, 500 * MS), ==, 2);
  spin (INTERVAL / MS - 100);
  g_assert_cmpuint (fixture->times->len, ==, 2);
  g_assert_cmpuint (wait_for_count (&fixture->times->len, 3, 400 * MS), ==, 3);
  tend_monitor_stop (monitor);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/* Results of a failing check reach the store, one raw row each. */
static void
test_store (Fixture       *fixture,
            gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tend-monitor-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "tend.db", NULL);
  g_autoptr(TendStore) store = tend_store_new (path);
  g_autoptr(TendCheck) check = new_check (fixture->closed_port, FALSE);
  g_autoptr(GAsyncResult) opened = NULL;
  g_autoptr(GAsyncResult) flushed = NULL;
  g_autoptr(GAsyncResult) queried = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *port = g_strdup_printf ("%u", fixture->closed_port);
  TendMonitor *monitor;
  gint64 started = g_get_real_time ();

  g_assert_no_error (error);
  tend_store_open_async (store, NULL, store_result, &opened);
  g_assert_true (tend_store_open_finish (store, wait_for_result (&opened), &error));
  g_assert_no_error (error);

  monitor = new_monitor (fixture, store);
  g_assert_true (tend_monitor_get_store (monitor) == store);
  tend_monitor_add_check (monitor, 7, 3, check);
  tend_monitor_start (monitor);
  g_assert_cmpuint (wait_for_count (&fixture->times->len, 2, 2500 * MS), ==, 2);
  tend_monitor_stop (monitor);

  tend_store_flush_async (store, NULL, store_result, &flushed);
  g_assert_true (tend_store_flush_finish (store, wait_for_result (&flushed), &error));
  g_assert_no_error (error);

  tend_store_query_history_async (store, 7, 0, G_MAXINT64, 100, NULL, store_result, &queried);
  rows = tend_store_query_history_finish (store, wait_for_result (&queried), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 2);
  for (guint i = 0; i < rows->len; i++)
    {
      TendStoredResult *row = g_ptr_array_index (rows, i);

      g_assert_cmpint (row->service_id, ==, 7);
      g_assert_cmpint (row->check_id, ==, 3);
      g_assert_cmpint (row->status, ==, TEND_RESULT_FAIL);
      g_assert_cmpint (row->time_usec, >=, started);
      g_assert_cmpint (row->time_usec, <=, g_get_real_time ());
      g_assert_nonnull (row->message);
      g_assert_nonnull (strstr (row->message, "refused"));
      g_assert_nonnull (strstr (row->message, port));
    }

  g_clear_object (&fixture->monitor);
  tend_store_close (store);
  remove_tree (dir);
}

/* Critical once after failures-before-hard refusals, healthy once after it listens. */
static void
test_health (Fixture       *fixture,
             gconstpointer  user_data)
{
  TendMonitor *monitor = new_monitor (fixture, NULL);
  g_autoptr(TendCheck) check = new_check (fixture->closed_port, FALSE);
  guint n_failed;
  TendHealth *health;

  g_object_set (check, "failures-before-hard", 2, "successes-before-recovered", 2, NULL);
  tend_monitor_add_check (monitor, 5, 1, check);
  health = tend_monitor_get_health (monitor, 5);
  g_assert_nonnull (tend_health_get_layer (health, "tcp"));
  g_assert_cmpint (tend_health_get_status (health), ==, TEND_HEALTH_UNKNOWN);

  tend_monitor_start (monitor);
  g_assert_cmpuint (wait_for_count (&fixture->health->len, 1, 3500 * MS), ==, 1);
  g_assert_cmpuint (g_array_index (fixture->health, guint, 0), ==, TEND_HEALTH_CRITICAL);
  g_assert_cmpint (tend_health_get_status (health), ==, TEND_HEALTH_CRITICAL);
  /* On the second failure, announced after that run's check-completed. */
  g_assert_cmpuint (fixture->times->len, ==, 2);
  for (guint i = 0; i < fixture->statuses->len; i++)
    g_assert_cmpint (g_array_index (fixture->statuses, TendResultStatus, i), ==,
                     TEND_RESULT_FAIL);

  /* A third failure changes nothing overall: no second signal. */
  g_assert_cmpuint (wait_for_count (&fixture->times->len, 3, 1500 * MS), ==, 3);
  g_assert_cmpuint (fixture->health->len, ==, 1);

  open_closed_port (fixture);
  n_failed = fixture->times->len;
  g_assert_cmpuint (wait_for_count (&fixture->health->len, 2, 3500 * MS), ==, 2);
  g_assert_cmpuint (g_array_index (fixture->health, guint, 1), ==, TEND_HEALTH_HEALTHY);
  g_assert_cmpuint (fixture->times->len, ==, n_failed + 2);
  g_assert_cmpint (g_array_index (fixture->statuses, TendResultStatus, n_failed), ==,
                   TEND_RESULT_PASS);
  g_assert_cmpint (tend_health_get_status (health), ==, TEND_HEALTH_HEALTHY);

  /* Healthy stays healthy: no more signals. */
  g_assert_cmpuint (wait_for_count (&fixture->times->len, n_failed + 3, 1500 * MS), ==,
                    n_failed + 3);
  g_assert_cmpuint (fixture->health->len, ==, 2);
  tend_monitor_stop (monitor);
}

typedef struct
{
  gint64 service_id;
  guint n_opened;
  guint n_closed;
  gint64 opened_id;
  gint64 closed_id;
  char *cause;
} Incidents;

static void
on_incident_opened (TendMonitor *monitor,
                    gint64       service_id,
                    gint64       incident_id,
                    const char  *cause,
                    Incidents   *incidents)
{
  g_assert_cmpint (service_id, ==, incidents->service_id);
  incidents->n_opened++;
  incidents->opened_id = incident_id;
  g_free (incidents->cause);
  incidents->cause = g_strdup (cause);
}

static void
on_incident_closed (TendMonitor *monitor,
                    gint64       service_id,
                    gint64       incident_id,
                    Incidents   *incidents)
{
  g_assert_cmpint (service_id, ==, incidents->service_id);
  incidents->n_closed++;
  incidents->closed_id = incident_id;
}

static TendHealthRecord *
saved_health (TendStore *store)
{
  g_autoptr(GAsyncResult) flushed = NULL;
  g_autoptr(GAsyncResult) queried = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;

  /* Jobs run in order: the flush comes after the saves queued before it. */
  tend_store_flush_async (store, NULL, store_result, &flushed);
  g_assert_true (tend_store_flush_finish (store, wait_for_result (&flushed), &error));
  tend_store_query_health_async (store, -1, NULL, store_result, &queried);
  records = tend_store_query_health_finish (store, wait_for_result (&queried), &error);
  g_assert_no_error (error);
  return records->len > 0 ? tend_health_record_copy (records->pdata[0]) : NULL;
}

/* Critical opens an incident in the store, with the failing check's advice as its
 * cause; healthy closes it. The health saved for others follows each status. */
static void
test_incident (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tend-monitor-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "tend.db", NULL);
  g_autoptr(TendStore) store = tend_store_new (path);
  g_autoptr(TendCheck) check = new_check (fixture->closed_port, FALSE);
  g_autoptr(GAsyncResult) opened = NULL;
  g_autoptr(GAsyncResult) ensured = NULL;
  g_autoptr(GAsyncResult) queried = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(TendHealthRecord) critical = NULL;
  g_autoptr(TendHealthRecord) healthy = NULL;
  g_autofree char *refused = g_strdup_printf ("connection refused on 127.0.0.1:%u",
                                              fixture->closed_port);
  Incidents incidents = { 0, };
  const TendIncident *row;
  TendMonitor *monitor;

  g_assert_no_error (error);
  tend_store_open_async (store, NULL, store_result, &opened);
  g_assert_true (tend_store_open_finish (store, wait_for_result (&opened), &error));
  g_assert_no_error (error);

  tend_store_ensure_service_async (store, "local-user", "web.service", NULL, store_result,
                                   &ensured);
  incidents.service_id = tend_store_ensure_service_finish (store, wait_for_result (&ensured),
                                                           &error);
  g_assert_no_error (error);

  monitor = new_monitor (fixture, store);
  g_signal_connect (monitor, "incident-opened", G_CALLBACK (on_incident_opened), &incidents);
  g_signal_connect (monitor, "incident-closed", G_CALLBACK (on_incident_closed), &incidents);
  g_object_set (check, "failures-before-hard", 1, "successes-before-recovered", 1, NULL);
  tend_monitor_add_check (monitor, incidents.service_id, 4, check);
  tend_monitor_start (monitor);

  g_assert_cmpuint (wait_for_count (&incidents.n_opened, 1, 2500 * MS), ==, 1);
  g_assert_cmpint (incidents.opened_id, >, 0);
  g_assert_cmpint (tend_monitor_get_incident (monitor, incidents.service_id), ==,
                   incidents.opened_id);
  critical = saved_health (store);
  g_assert_nonnull (critical);
  g_assert_cmpint (critical->service_id, ==, incidents.service_id);
  g_assert_cmpstr (critical->unit, ==, "web.service");
  g_assert_cmpstr (critical->status, ==, "critical");
  g_assert_nonnull (strstr (critical->layers, "\"name\":\"tcp\""));
  g_assert_nonnull (strstr (critical->layers, "\"status\":\"fail\""));
  g_assert_nonnull (strstr (critical->layers, "\"state\":\"hard\""));
  g_assert_nonnull (strstr (critical->layers, refused));
  g_assert_nonnull (strstr (incidents.cause, "tcp: "));
  g_assert_nonnull (strstr (incidents.cause, refused));
  g_assert_nonnull (strstr (incidents.cause, "not listening"));

  /* Still failing: the same incident goes on. */
  g_assert_cmpuint (wait_for_count (&fixture->times->len, 2, 1500 * MS), ==, 2);
  g_assert_cmpuint (incidents.n_opened, ==, 1);

  open_closed_port (fixture);
  g_assert_cmpuint (wait_for_count (&incidents.n_closed, 1, 2500 * MS), ==, 1);
  g_assert_cmpint (incidents.closed_id, ==, incidents.opened_id);
  g_assert_cmpint (tend_monitor_get_incident (monitor, incidents.service_id), ==, 0);
  tend_monitor_stop (monitor);
  healthy = saved_health (store);
  g_assert_nonnull (healthy);
  g_assert_cmpstr (healthy->status, ==, "healthy");
  g_assert_nonnull (strstr (healthy->layers, "\"status\":\"pass\""));

  tend_store_query_incidents_async (store, incidents.service_id, 10, NULL, store_result, &queried);
  rows = tend_store_query_incidents_finish (store, wait_for_result (&queried), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 1);
  row = rows->pdata[0];
  g_assert_cmpint (row->id, ==, incidents.opened_id);
  g_assert_cmpstr (row->worst_severity, ==, "critical");
  g_assert_cmpstr (row->cause, ==, incidents.cause);
  g_assert_cmpint (row->closed_usec, >, row->opened_usec);

  g_clear_object (&fixture->monitor);
  tend_store_close (store);
  remove_tree (dir);
  g_free (incidents.cause);
}

static TendStore *
open_temp_store (char **dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GAsyncResult) opened = NULL;
  TendStore *store;

  *dir = g_dir_make_tmp ("tend-monitor-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (*dir, "tend.db", NULL);
  store = tend_store_new (path);
  tend_store_open_async (store, NULL, store_result, &opened);
  g_assert_true (tend_store_open_finish (store, wait_for_result (&opened), &error));
  g_assert_no_error (error);
  return store;
}

/* wait_until() for a condition that another thread makes true, without waking this
 * one: the loop looks again every 5 ms. */
static gboolean
wake_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static gboolean
wait_polled (gboolean (*condition) (gpointer),
             gpointer   data)
{
  guint id = g_timeout_add (5, wake_cb, NULL);
  gboolean ok = wait_until (condition, data);

  g_source_remove (id);
  return ok;
}

typedef struct
{
  TendStore *store;
  guint64 n;
} CommitWait;

static gboolean
committed (gpointer data)
{
  CommitWait *wait = data;

  return tend_store_get_n_committed (wait->store) >= wait->n;
}

/* With no configuration key set: a check's slack is a tenth of its interval, at most
 * 5 s, so 3 s for the default interval of 30 s. Runs due within it share one wake-up,
 * start at most a slack late, and reach the store's writer as one job. */
static void
test_shared_wakeup (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(TendStore) store = open_temp_store (&dir);
  g_autoptr(TendCheck) fresh = tend_tcp_check_new ("tcp", "127.0.0.1", fixture->port, &error);
  g_autoptr(GPtrArray) checks = g_ptr_array_new_with_free_func (g_object_unref);
  TendMonitor *monitor = new_monitor (fixture, store);
  TendMonitorLateness lateness;
  CommitWait wait = { store, 0 };
  guint64 batches;
  const guint n = 5;

  g_assert_no_error (error);
  g_assert_cmpint (tend_check_get_interval (fresh), ==, 30 * SEC);
  g_assert_cmpint (tend_monitor_get_slack (monitor, fresh), ==, 3 * SEC);
  g_assert_true (tend_check_set_timing (fresh, 10 * SEC, 5 * SEC, &error));
  g_assert_cmpint (tend_monitor_get_slack (monitor, fresh), ==, 1 * SEC);
  g_assert_true (tend_check_set_timing (fresh, 600 * SEC, 5 * SEC, &error));
  g_assert_cmpint (tend_monitor_get_slack (monitor, fresh), ==, 5 * SEC);
  g_assert_true (tend_check_set_timing (fresh, 1 * SEC, 500 * MS, &error));
  g_assert_cmpint (tend_monitor_get_slack (monitor, fresh), ==, 100 * MS);

  tend_monitor_get_lateness (monitor, &lateness);
  g_assert_cmpuint (lateness.n_runs, ==, 0);
  g_assert_cmpuint (lateness.n_dispatches, ==, 0);

  /* Run at once together: their next runs are due within microseconds of each other. */
  for (guint i = 0; i < n; i++)
    {
      TendCheck *check = new_check (fixture->port, FALSE);

      g_ptr_array_add (checks, check);
      tend_monitor_add_check (monitor, 1, i, check);
    }
  tend_monitor_start (monitor);
  for (guint i = 0; i < n; i++)
    g_assert_true (tend_monitor_run_now (monitor, checks->pdata[i]));
  batches = tend_store_get_n_batches (store);

  g_assert_cmpuint (wait_for_count (&fixture->times->len, 2 * n, 3 * SEC), ==, 2 * n);
  tend_monitor_get_lateness (monitor, &lateness);
  tend_monitor_stop (monitor);

  /* Only the scheduled runs count: the second ones, all in one wake-up. */
  g_test_message ("%u runs in %u dispatches, at most %" G_GINT64_FORMAT " µs late",
                  (guint) lateness.n_runs, (guint) lateness.n_dispatches, lateness.max_usec);
  g_assert_cmpuint (lateness.n_runs, ==, n);
  g_assert_cmpuint (lateness.n_dispatches, ==, 1);
  g_assert_cmpuint (lateness.n_continued, ==, 0);
  g_assert_cmpint (lateness.max_usec, <=, 100 * MS + LOAD_MARGIN);
  g_assert_cmpint (lateness.p99_usec, <=, lateness.max_usec);
  g_assert_cmpint (lateness.p99_usec, >=, lateness.max_usec * 80 / 100);
  g_assert_cmpuint (lateness.n_late_beyond_interval, ==, 0);
  for (guint i = 0; i < 2 * n; i++)
    g_assert_cmpint (g_array_index (fixture->statuses, TendResultStatus, i), ==,
                     TEND_RESULT_PASS);

  /* Each group of runs went to the writer as one job, when its last run ended. */
  wait.n = 2 * n;
  g_assert_true (wait_polled (committed, &wait));
  g_assert_cmpuint (tend_store_get_n_batches (store) - batches, ==, 2);

  tend_monitor_reset_lateness (monitor);
  tend_monitor_get_lateness (monitor, &lateness);
  g_assert_cmpuint (lateness.n_runs, ==, 0);
  g_assert_cmpint (lateness.max_usec, ==, 0);

  g_clear_object (&fixture->monitor);
  tend_store_close (store);
  remove_tree (dir);
}

/* 20 checks every second for 2.5 s: each run at most a slack late (none waits for a
 * slot), and wake-ups at least a slack apart, fewer than the runs. */
static void
test_lateness (Fixture       *fixture,
               gconstpointer  user_data)
{
  TendMonitor *monitor = new_monitor (fixture, NULL);
  TendMonitorLateness lateness;
  gint64 started, elapsed;
  const guint n = 20;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TendCheck) check = new_check (fixture->port, FALSE);

      tend_monitor_add_check (monitor, 1, i, check);
    }
  started = g_get_monotonic_time ();
  tend_monitor_start (monitor);
  g_assert_cmpuint (wait_for_count (&fixture->times->len, 2 * n + n / 2, 4 * SEC), >=,
                    2 * n + n / 2);
  tend_monitor_get_lateness (monitor, &lateness);
  elapsed = g_get_monotonic_time () - started;
  tend_monitor_stop (monitor);

  g_test_message ("%u runs in %u dispatches over %" G_GINT64_FORMAT " ms, at most %"
                  G_GINT64_FORMAT " µs late (p99 %" G_GINT64_FORMAT ")",
                  (guint) lateness.n_runs, (guint) lateness.n_dispatches, elapsed / MS,
                  lateness.max_usec, lateness.p99_usec);
  g_assert_cmpuint (fixture->max_waiting, ==, 0);
  g_assert_cmpuint (lateness.n_runs, >=, 2 * n + n / 2);
  g_assert_cmpint (lateness.max_usec, <=, INTERVAL / 10 + LOAD_MARGIN);
  g_assert_cmpuint (lateness.n_late_beyond_interval, ==, 0);
  g_assert_cmpuint (lateness.n_dispatches, <, lateness.n_runs);
  g_assert_cmpuint (lateness.n_dispatches, <=, elapsed / (INTERVAL / 10) + 1);
}

/* Many runs due at once: one dispatch starts them for about 2 ms, then lets the main
 * loop go on and continues in its next iteration, without a sleep in between. */
static void
test_dispatch_budget (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(GPtrArray) checks = g_ptr_array_new_with_free_func (g_object_unref);
  TendMonitor *monitor = new_monitor (fixture, NULL);
  TendMonitorLateness lateness;
  const guint n = 400;

  g_object_set (monitor, "max-concurrent", 1000, NULL);
  for (guint i = 0; i < n; i++)
    {
      TendCheck *check = new_check (fixture->closed_port, FALSE);

      g_ptr_array_add (checks, check);
      tend_monitor_add_check (monitor, i, i, check);
    }
  tend_monitor_start (monitor);
  for (guint i = 0; i < n; i++)
    tend_monitor_run_now (monitor, checks->pdata[i]);
  g_assert_cmpuint (wait_for_count (&fixture->times->len, 2 * n, 4 * SEC), ==, 2 * n);
  tend_monitor_get_lateness (monitor, &lateness);
  tend_monitor_stop (monitor);

  g_test_message ("%u runs in %u dispatches (%u continued), the longest %" G_GINT64_FORMAT
                  " µs, at most %" G_GINT64_FORMAT " µs late", (guint) lateness.n_runs,
                  (guint) lateness.n_dispatches, (guint) lateness.n_continued,
                  lateness.max_dispatch_usec, lateness.max_usec);
  g_assert_cmpuint (lateness.n_runs, ==, n);
  g_assert_cmpuint (lateness.n_continued, >=, 1);
  g_assert_cmpuint (lateness.n_dispatches, ==, lateness.n_continued + 1);
  g_assert_cmpint (lateness.max_dispatch_usec, <, 5 * MS + LOAD_MARGIN);
  g_assert_cmpint (lateness.max_usec, <=, INTERVAL / 10 + LOAD_MARGIN);
}

/* The health saved for `tendctl health` is written when what it shows changes: a
 * latency (and the figure in the message) that moves every run writes nothing; a
 * change of status does. */
static void
test_health_saves (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autofree char *dir = NULL;
  g_autoptr(TendStore) store = open_temp_store (&dir);
  g_autoptr(TendCheck) check = new_check (fixture->port, FALSE);
  g_autoptr(TendHealthRecord) first = NULL;
  g_autoptr(TendHealthRecord) later = NULL;
  g_autoptr(TendHealthRecord) failed = NULL;
  g_autoptr(GHashTable) latencies = g_hash_table_new (g_int64_hash, g_int64_equal);
  TendMonitor *monitor = new_monitor (fixture, store);
  g_autoptr(GAsyncResult) ensured = NULL;
  g_autoptr(GError) error = NULL;
  gint64 service_id;

  tend_store_ensure_service_async (store, "local-user", "web.service", NULL, store_result,
                                   &ensured);
  service_id = tend_store_ensure_service_finish (store, wait_for_result (&ensured), &error);
  g_assert_no_error (error);
  g_object_set (check, "failures-before-hard", 1, NULL);
  tend_monitor_add_check (monitor, service_id, 1, check);
  tend_monitor_start (monitor);
  g_assert_cmpuint (wait_for_count (&fixture->times->len, 1, 2 * SEC), ==, 1);
  spin_pending ();   /* the save goes in an idle of the same wake-up */
  first = saved_health (store);
  g_assert_nonnull (first);
  g_assert_cmpstr (first->status, ==, "healthy");

  g_assert_cmpuint (wait_for_count (&fixture->times->len, 3, 3 * SEC), ==, 3);
  spin_pending ();
  later = saved_health (store);
  for (guint i = 0; i < fixture->latencies->len; i++)
    {
      g_assert_cmpint (g_array_index (fixture->statuses, TendResultStatus, i), ==,
                       TEND_RESULT_PASS);
      g_hash_table_add (latencies, &g_array_index (fixture->latencies, gint64, i));
    }
  g_assert_cmpuint (g_hash_table_size (latencies), >, 1);   /* the latency moved */
  g_assert_cmpint (later->time_usec, ==, first->time_usec);  /* and nothing was written */
  g_assert_cmpstr (later->layers, ==, first->layers);

  /* Refused from now on: critical, written. */
  stop_server (&fixture->service);
  g_assert_cmpuint (wait_for_count (&fixture->health->len, 2, 3 * SEC), ==, 2);
  spin_pending ();
  failed = saved_health (store);
  tend_monitor_stop (monitor);
  g_assert_cmpstr (failed->status, ==, "critical");
  g_assert_cmpint (failed->time_usec, >, first->time_usec);
  g_assert_nonnull (strstr (failed->layers, "refused"));

  g_clear_object (&fixture->monitor);
  tend_store_close (store);
  remove_tree (dir);
}

/* A cap on runs in flight above the soft limit of open descriptors raises the limit; the
 * default cap leaves it alone. */
static void
test_fd_limit (void)
{
  g_autoptr(TendMonitor) monitor = tend_monitor_new (NULL);
  struct rlimit saved, limit;

  g_assert_no_errno (getrlimit (RLIMIT_NOFILE, &saved));
  if (saved.rlim_max != RLIM_INFINITY && saved.rlim_max < 4096)
    {
      g_test_skip ("the hard limit of open descriptors is below 4,096 here");
      return;
    }

  limit = saved;
  limit.rlim_cur = 1024;       /* what Debian gives a desktop session */
  g_assert_no_errno (setrlimit (RLIMIT_NOFILE, &limit));

  /* No key set: the default cap (50) fits. */
  g_assert_cmpuint (tend_monitor_get_max_concurrent (monitor), ==, 50);
  tend_monitor_set_max_concurrent (monitor, 60);
  g_assert_no_errno (getrlimit (RLIMIT_NOFILE, &limit));
  g_assert_cmpuint (limit.rlim_cur, ==, 1024);

  /* 3,000 at once need 3,000 descriptors and the process's own. */
  tend_monitor_set_max_concurrent (monitor, 3000);
  g_assert_no_errno (getrlimit (RLIMIT_NOFILE, &limit));
  g_assert_cmpuint (limit.rlim_cur, >=, 3000);
  g_assert_cmpuint (limit.rlim_max, ==, saved.rlim_max);

  /* Lowering the cap never lowers the limit. */
  tend_monitor_set_max_concurrent (monitor, 10);
  g_assert_no_errno (getrlimit (RLIMIT_NOFILE, &limit));
  g_assert_cmpuint (limit.rlim_cur, >=, 3000);

  g_assert_no_errno (setrlimit (RLIMIT_NOFILE, &saved));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/monitor/interval", test_interval);
  ADD ("/monitor/interval-slow", test_interval_slow);
  ADD ("/monitor/jitter", test_jitter);
  ADD ("/monitor/enabled", test_enabled);
  ADD ("/monitor/concurrency", test_concurrency);
  ADD ("/monitor/stop", test_stop);
  ADD ("/monitor/store", test_store);
  ADD ("/monitor/health", test_health);
  ADD ("/monitor/incident", test_incident);
  ADD ("/monitor/shared-wakeup", test_shared_wakeup);
  ADD ("/monitor/lateness", test_lateness);
  ADD ("/monitor/dispatch-budget", test_dispatch_budget);
  ADD ("/monitor/health-saves", test_health_saves);
  g_test_add_func ("/monitor/fd-limit", test_fd_limit);

  return g_test_run ();
}
