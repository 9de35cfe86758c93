/* test-util.h — waiting on the main loop in tests: for an _async call's result, for a
 * condition, for some time,
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * and for what libtend does asynchronously: a check's run, a host's action, a service.
 *
 * A test file may define TEST_DEADLINE_MSEC before it includes this header: how long
 * wait_until() and wait_for_result() wait before the test fails (60 s unless said).
 */
#pragma once

#include <gio/gio.h>

#include "tend.h"

#ifndef TEST_DEADLINE_MSEC
#define TEST_DEADLINE_MSEC 60000
#endif

/* A GAsyncReadyCallback: keeps the result in the GAsyncResult * that @user_data points
 * to, for wait_for_result(). */
static inline void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* A GSourceFunc: sets the gboolean that @user_data points to, once. */
static inline gboolean
set_flag_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* A condition for wait_until(): whether the gboolean that @data points to is set. */
static inline gboolean
flag_is_set (gpointer data)
{
  return *(gboolean *) data;
}

/* Iterates the default main context until @condition holds or @timeout_msec pass.
 * Returns: whether @condition holds. */
static inline gboolean
wait_until_full (gboolean (*condition) (gpointer),
                 gpointer   data,
                 guint      timeout_msec)
{
  gboolean passed = FALSE;
  guint id = g_timeout_add (timeout_msec, set_flag_cb, &passed);

  while (!condition (data) && !passed)
    g_main_context_iteration (NULL, TRUE);

  if (!passed)
    g_source_remove (id);
  return condition (data);
}

/* wait_until_full() for TEST_DEADLINE_MSEC. */
static inline gboolean
wait_until (gboolean (*condition) (gpointer),
            gpointer   data)
{
  return wait_until_full (condition, data, TEST_DEADLINE_MSEC);
}

static inline gboolean
result_arrived (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

/* Waits for the result store_result() keeps in *@result; the test fails when none comes
 * within TEST_DEADLINE_MSEC. */
static inline GAsyncResult *
wait_for_result (GAsyncResult **result)
{
  g_assert_true (wait_until (result_arrived, result));
  return *result;
}

/* Runs the main loop for @msec. */
static inline void
spin (guint msec)
{
  gboolean done = FALSE;

  g_timeout_add (msec, set_flag_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* Runs what the main loop has ready, without waiting. */
static inline void
spin_pending (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* A test's server: a GThreadedSocketService with no limit on its threads. Given a limit,
 * GLib stops the service when that many connections are open and starts it again from
 * the worker thread whose connection ends; there, g_socket_listener_accept_async()
 * attaches its sources to the default main context before it sets its task's data
 * (GLib 2.74), and the test's thread, iterating that context, can dispatch one in
 * between: accept_ready() reads the task's NULL data and crashes. */
static inline GSocketService *
test_server_new (void)
{
  return g_threaded_socket_service_new (-1);
}

/* ------------------------------------------------------------------------------------ */
/* libtend's operations, waited for                                                      */

/* Runs @check once and waits for the verdict; @took_usec (nullable) gets how long the run
 * took. */
static inline TendCheckVerdict *
run_check_timed (TendCheck     *check,
                 GCancellable  *cancellable,
                 gint64        *took_usec,
                 GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  gint64 started = g_get_monotonic_time ();

  tend_check_run_async (check, cancellable, store_result, &result);
  wait_for_result (&result);
  if (took_usec != NULL)
    *took_usec = g_get_monotonic_time () - started;
  return tend_check_run_finish (check, result, error);
}

/* Runs @action on @unit of @host and waits for the outcome, or %NULL with @error. */
static inline char *
wait_for_action (TendHost        *host,
                 const char      *unit,
                 TendUnitAction   action,
                 GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  tend_host_run_action_async (host, unit, action, NULL, store_result, &result);
  return tend_host_run_action_finish (host, wait_for_result (&result), error);
}

/* wait_for_action(), which must succeed. */
static inline void
run_action (TendHost       *host,
            const char     *unit,
            TendUnitAction  action)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *outcome = wait_for_action (host, unit, action, &error);

  g_assert_no_error (error);
  g_assert_nonnull (outcome);
}

/* Loads @unit of @host and waits for the service, or %NULL with @error. */
static inline TendService *
wait_for_service (TendHost    *host,
                  const char  *unit,
                  GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  tend_host_load_service_async (host, unit, NULL, store_result, &result);
  return tend_host_load_service_finish (host, wait_for_result (&result), error);
}

/* wait_for_service(), which must succeed. */
static inline TendService *
load_service (TendHost   *host,
              const char *unit)
{
  g_autoptr(GError) error = NULL;
  TendService *service = wait_for_service (host, unit, &error);

  g_assert_no_error (error);
  return service;
}

/* The absolute path of tests/checks/@name, the scripts that command checks run. */
static inline char *
check_script (const char *name)
{
  const char *srcdir = g_getenv ("TEND_TEST_SRCDIR");
  g_autofree char *path = NULL;

  if (srcdir == NULL)
    srcdir = g_test_get_dir (G_TEST_DIST);
  path = g_build_filename (srcdir, "checks", name, NULL);
  return g_canonicalize_filename (path, NULL);
}
