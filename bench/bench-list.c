/* bench-list.c — libtend's own cost of listing every loaded unit, in-process
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Connects once to the user manager, then times, over many rounds:
 *  - the backend's ListUnits (the call and its parse into dictionaries);
 *  - a host refresh into an empty model (the first fill of a window's list);
 *  - a host refresh into a full model (every later refresh: updates in place).
 * Prints the medians in milliseconds. Run inside the sandbox: see bench/run.
 */
#include "tend.h"

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median (GArray *samples)
{
  g_array_sort (samples, compare_doubles);
  return g_array_index (samples, double, samples->len / 2);
}

int
main (int   argc,
      char *argv[])
{
  guint rounds = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 200;
  g_autoptr(TendHost) host = tend_host_new_local (TEND_HOST_SCOPE_USER);
  g_autoptr(GArray) raw_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) list_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GArray) fill_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) update_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GAsyncResult) connected = NULL;
  g_autoptr(GError) error = NULL;
  guint n_units = 0;

  tend_host_connect_async (host, NULL, store_result, &connected);
  if (!tend_host_connect_finish (host, wait_for (&connected), &error))
    {
      g_printerr ("bench-list: %s\n", error->message);
      return 1;
    }

  /* The floor: the same D-Bus call with nothing done to its answer (a plain GDBus
   * connection, which a benchmark may open synchronously). */
  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < rounds; i++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(TendUnitList) units = NULL;
      g_autoptr(TendHost) fresh = NULL;
      gint64 t0;
      double ms;

      t0 = g_get_monotonic_time ();
      g_dbus_connection_call (bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                              "org.freedesktop.systemd1.Manager", "ListUnits", NULL, NULL,
                              G_DBUS_CALL_FLAGS_NONE, -1, NULL, store_result, &result);
      g_variant_unref (g_dbus_connection_call_finish (bus, wait_for (&result), &error));
      ms = (g_get_monotonic_time () - t0) / 1000.0;
      g_assert_no_error (error);
      g_array_append_val (raw_ms, ms);
      g_clear_object (&result);

      /* The backend alone: ListUnits and its parse. */
      t0 = g_get_monotonic_time ();
      tend_backend_list_units_async (tend_host_get_backend (host), TEND_LIST_LOADED, NULL,
                                     store_result, &result);
      units = tend_backend_list_units_finish (tend_host_get_backend (host), wait_for (&result),
                                              &error);
      ms = (g_get_monotonic_time () - t0) / 1000.0;
      g_assert_no_error (error);
      n_units = tend_unit_list_get_length (units);
      g_array_append_val (list_ms, ms);
      g_clear_object (&result);

      /* A host whose model is empty: the whole list is created. */
      fresh = tend_host_new_for_backend ("bench", "bench", TEND_HOST_KIND_LOCAL,
                                         TEND_HOST_SCOPE_USER, tend_host_get_backend (host));
      t0 = g_get_monotonic_time ();
      tend_host_refresh_async (fresh, TEND_LIST_LOADED, NULL, store_result, &result);
      g_assert_true (tend_host_refresh_finish (fresh, wait_for (&result), &error));
      ms = (g_get_monotonic_time () - t0) / 1000.0;
      g_array_append_val (fill_ms, ms);
      g_clear_object (&result);

      /* The same host again: every item is updated in place. */
      t0 = g_get_monotonic_time ();
      tend_host_refresh_async (fresh, TEND_LIST_LOADED, NULL, store_result, &result);
      g_assert_true (tend_host_refresh_finish (fresh, wait_for (&result), &error));
      ms = (g_get_monotonic_time () - t0) / 1000.0;
      g_array_append_val (update_ms, ms);
    }

  g_print ("units listed: %u, rounds: %u\n", n_units, rounds);
  g_print ("bare GDBus ListUnits call:  median %.2f ms\n", median (raw_ms));
  g_print ("backend ListUnits + parse: median %.2f ms\n", median (list_ms));
  g_print ("host refresh, empty model: median %.2f ms\n", median (fill_ms));
  g_print ("host refresh, full model:  median %.2f ms\n", median (update_ms));
  return 0;
}
