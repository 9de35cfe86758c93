/* bench-list.c — libtend's own cost of listing every loaded unit, in-process
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For each backend of this computer's managers (GDBus, and sd-bus where Tend is built
 * with libsystemd), connects once to the user manager, then times, over many rounds:
 *  - the floor: the bare ListUnits call of the library, its answer unread;
 *  - the backend's ListUnits (the call and its parse into a TendUnitList);
 *  - a host refresh into an empty model (the first fill of a window's list);
 *  - a host refresh into a full model (every later refresh: updates in place).
 * Rounds alternate between the backends. Prints the medians in milliseconds, and the
 * CPU time of the whole run. Run inside the sandbox: see bench/run.
 */
#include "config.h"

#include <sys/resource.h>

#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-bus.h>

#include "tend-sdbus-backend.h"
#endif
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

typedef struct
{
  const char *name;
  TendHost *host;       /* (owned) */
  GArray *raw_ms, *list_ms, *fill_ms, *update_ms;
  guint n_units;
} Subject;

static double
elapsed_ms (gint64 t0)
{
  return (g_get_monotonic_time () - t0) / 1000.0;
}

/* The backend's list, and a host's refresh into an empty and a full model. */
static void
time_backend (Subject *subject)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TendUnitList) units = NULL;
  g_autoptr(TendHost) fresh = NULL;
  g_autoptr(GError) error = NULL;
  TendBackend *backend = tend_host_get_backend (subject->host);
  gint64 t0;
  double ms;

  t0 = g_get_monotonic_time ();
  tend_backend_list_units_async (backend, TEND_LIST_LOADED, NULL, store_result, &result);
  units = tend_backend_list_units_finish (backend, wait_for (&result), &error);
  ms = elapsed_ms (t0);
  g_assert_no_error (error);
  subject->n_units = tend_unit_list_get_length (units);
  g_array_append_val (subject->list_ms, ms);
  g_clear_object (&result);

  fresh = tend_host_new_for_backend ("bench", "bench", TEND_HOST_KIND_LOCAL,
                                     TEND_HOST_SCOPE_USER, backend);
  t0 = g_get_monotonic_time ();
  tend_host_refresh_async (fresh, TEND_LIST_LOADED, NULL, store_result, &result);
  g_assert_true (tend_host_refresh_finish (fresh, wait_for (&result), &error));
  ms = elapsed_ms (t0);
  g_array_append_val (subject->fill_ms, ms);
  g_clear_object (&result);

  t0 = g_get_monotonic_time ();
  tend_host_refresh_async (fresh, TEND_LIST_LOADED, NULL, store_result, &result);
  g_assert_true (tend_host_refresh_finish (fresh, wait_for (&result), &error));
  ms = elapsed_ms (t0);
  g_array_append_val (subject->update_ms, ms);
}

static TendHost *
connected_host (TendBackend *backend)
{
  g_autoptr(TendHost) host = tend_host_new_for_backend ("bench-local", "bench",
                                                         TEND_HOST_KIND_LOCAL,
                                                         TEND_HOST_SCOPE_USER, backend);
  g_autoptr(GAsyncResult) connected = NULL;
  g_autoptr(GError) error = NULL;

  tend_host_set_follow_changes (host, FALSE);
  tend_host_connect_async (host, NULL, store_result, &connected);
  if (!tend_host_connect_finish (host, wait_for (&connected), &error))
    g_error ("bench-list: %s", error->message);
  return g_steal_pointer (&host);
}

static void
subject_init (Subject     *subject,
              const char  *name,
              TendBackend *backend)
{
  subject->name = name;
  subject->host = connected_host (backend);
  subject->raw_ms = g_array_new (FALSE, FALSE, sizeof (double));
  subject->list_ms = g_array_new (FALSE, FALSE, sizeof (double));
  subject->fill_ms = g_array_new (FALSE, FALSE, sizeof (double));
  subject->update_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_object_unref (backend);
}

static void
subject_print (Subject *subject)
{
  g_print ("%s: units listed: %u\n", subject->name, subject->n_units);
  g_print ("  bare ListUnits call:       median %.2f ms\n", median (subject->raw_ms));
  g_print ("  backend ListUnits + parse: median %.2f ms\n", median (subject->list_ms));
  g_print ("  host refresh, empty model: median %.2f ms\n", median (subject->fill_ms));
  g_print ("  host refresh, full model:  median %.2f ms\n", median (subject->update_ms));
}

int
main (int   argc,
      char *argv[])
{
  guint rounds = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 200;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GError) error = NULL;
  Subject subjects[2] = { { 0 } };
  guint n_subjects = 0;
  struct rusage usage;
#ifdef HAVE_LIBSYSTEMD
  sd_bus *direct = NULL;
  g_autofree char *address = g_strdup_printf ("unix:path=%s/systemd/private",
                                              g_getenv ("XDG_RUNTIME_DIR"));

  /* The sd-bus floor: the call systemctl makes, on the manager's private socket. */
  g_assert_cmpint (sd_bus_new (&direct), >=, 0);
  g_assert_cmpint (sd_bus_set_address (direct, address), >=, 0);
  g_assert_cmpint (sd_bus_start (direct), >=, 0);
#endif

  /* The GDBus floor: a plain connection to the bus (a benchmark may open it
   * synchronously). */
  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);

  subject_init (&subjects[n_subjects++], "GDBus (TendDbusBackend)",
                TEND_BACKEND (tend_dbus_backend_new (G_BUS_TYPE_SESSION, "bench")));
#ifdef HAVE_LIBSYSTEMD
  subject_init (&subjects[n_subjects++], "sd-bus (TendSdbusBackend)",
                TEND_BACKEND (tend_sdbus_backend_new (G_BUS_TYPE_SESSION, "bench")));
#endif

  for (guint i = 0; i < rounds; i++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      gint64 t0;
      double ms;

      t0 = g_get_monotonic_time ();
      g_dbus_connection_call (bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                              "org.freedesktop.systemd1.Manager", "ListUnits", NULL, NULL,
                              G_DBUS_CALL_FLAGS_NONE, -1, NULL, store_result, &result);
      g_variant_unref (g_dbus_connection_call_finish (bus, wait_for (&result), &error));
      ms = elapsed_ms (t0);
      g_assert_no_error (error);
      g_array_append_val (subjects[0].raw_ms, ms);
      time_backend (&subjects[0]);

#ifdef HAVE_LIBSYSTEMD
      {
        sd_bus_message *reply = NULL;

        t0 = g_get_monotonic_time ();
        g_assert_cmpint (sd_bus_call_method (direct, "org.freedesktop.systemd1",
                                             "/org/freedesktop/systemd1",
                                             "org.freedesktop.systemd1.Manager", "ListUnits",
                                             NULL, &reply, NULL), >=, 0);
        sd_bus_message_unref (reply);
        ms = elapsed_ms (t0);
        g_array_append_val (subjects[1].raw_ms, ms);
        time_backend (&subjects[1]);
      }
#endif
    }

  g_print ("rounds: %u, alternating\n", rounds);
  for (guint i = 0; i < n_subjects; i++)
    {
      subject_print (&subjects[i]);
      g_clear_object (&subjects[i].host);
    }
  getrusage (RUSAGE_SELF, &usage);
  g_print ("CPU time of the whole run: %.2f s user, %.2f s system\n",
           usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6,
           usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6);
#ifdef HAVE_LIBSYSTEMD
  sd_bus_close_unref (direct);
#endif
  return 0;
}
