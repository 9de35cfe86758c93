/* bench-overview.c — what the window's data layer costs the main loop with 2,000 services
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Inside the sandbox that bench/overview boots (2,000 units loaded, the first 1,000
 * running): a TendHost lists them, a store in a temporary directory watches all 2,000
 * (a unit check each) and holds a saved health for each, and a TendOverview without an
 * engine reads it, as the window does while `tendctl monitor` runs. Measured:
 *
 *  - a read of the store (refresh → updated), all healthy: its wall time, and the
 *    longest stretch the main loop was busy in one iteration (what a frame would wait);
 *  - the read after 1,000 services turned critical in the store: the same, and the
 *    attention list must hold 1,000;
 *  - 1,000 running units killed at once (one `systemctl kill`): the time until the host
 *    counts 1,000 failed and the attention list holds all 2,000, and the longest busy
 *    stretch meanwhile.
 *
 * Busy time excludes the time spent waiting in poll(). Prints a Markdown table.
 */
#include <time.h>

#include <glib/gstdio.h>

#include "tend.h"

#define N_UNITS   2000
#define N_RUNNING 1000

static GPollFunc real_poll;
static gint64 polled_usec;

static gint
timed_poll (GPollFD *fds,
            guint    n_fds,
            gint     timeout)
{
  gint64 t0 = g_get_monotonic_time ();
  gint ret = real_poll (fds, n_fds, timeout);

  polled_usec += g_get_monotonic_time () - t0;
  return ret;
}

typedef struct
{
  double wall_ms;
  double max_busy_ms;          /* wall time, less poll() */
  double max_cpu_ms;           /* the main thread's CPU time (the machine may be busy) */
} Run;

static gint64
thread_cpu_usec (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* Iterates until @condition holds; the longest iteration, less its time in poll(). */
static Run
run_until (gboolean (*condition) (gpointer),
           gpointer   data)
{
  Run run = { 0, 0, 0 };
  gint64 start = g_get_monotonic_time ();

  while (!condition (data))
    {
      gint64 t0 = g_get_monotonic_time ();
      gint64 cpu0 = thread_cpu_usec ();
      gint64 polled = polled_usec;
      double busy;

      g_main_context_iteration (NULL, TRUE);
      busy = ((g_get_monotonic_time () - t0) - (polled_usec - polled)) / 1000.0;
      run.max_busy_ms = MAX (run.max_busy_ms, busy);
      run.max_cpu_ms = MAX (run.max_cpu_ms, (thread_cpu_usec () - cpu0) / 1000.0);
      if (g_get_monotonic_time () - start > 120 * G_USEC_PER_SEC)
        g_error ("bench-overview: gave up waiting after 120 s");
    }
  run.wall_ms = (g_get_monotonic_time () - start) / 1000.0;
  return run;
}

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
result_arrived (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static GAsyncResult *
wait_for (GAsyncResult **result)
{
  run_until (result_arrived, result);
  return *result;
}

static char *
unit_name (guint i)
{
  return g_strdup_printf ("bench-%04u.service", i + 1);
}

/* Every unit watched with a unit check, in one import. Returns their service ids. */
static GPtrArray *
watch_all (TendStore *store)
{
  g_autoptr(TendInventory) inventory = tend_inventory_new ();
  g_autoptr(TendInventoryDiff) diff = NULL;
  g_autoptr(GAsyncResult) replaced = NULL;
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(GError) error = NULL;
  TendInventoryHost *host = tend_inventory_host_new ("local-user", TEND_HOST_KIND_LOCAL);

  host->scope = TEND_HOST_SCOPE_USER;
  tend_inventory_add_host (inventory, host);
  for (guint i = 0; i < N_UNITS; i++)
    {
      g_autofree char *unit = unit_name (i);

      tend_inventory_add_service (inventory, tend_inventory_service_new ("local-user", unit));
      tend_inventory_add_check (inventory, tend_inventory_check_new ("local-user", unit, "unit",
                                                                     TEND_INVENTORY_CHECK_UNIT));
    }
  tend_store_replace_inventory_async (store, inventory, TEND_STORE_EDIT_NONE, NULL,
                                      store_result, &replaced);
  diff = tend_store_replace_inventory_finish (store, wait_for (&replaced), &error);
  g_assert_no_error (error);
  tend_store_load_checks_async (store, NULL, store_result, &loaded);
  return tend_store_load_checks_finish (store, wait_for (&loaded), &error);
}

/* Saves a health for each of @checks: critical for the units from @first_critical on. */
static void
save_health (TendStore *store,
             GPtrArray *checks,
             guint      first_critical)
{
  g_autoptr(GPtrArray) records =
    g_ptr_array_new_with_free_func ((GDestroyNotify) tend_health_record_free);
  g_autoptr(GAsyncResult) flushed = NULL;

  for (guint i = 0; i < checks->len; i++)
    {
      const TendStoredCheck *check = checks->pdata[i];
      guint n = (guint) g_ascii_strtoull (check->spec->unit + strlen ("bench-"), NULL, 10) - 1;
      gboolean critical = n >= first_critical;
      g_autofree char *layers =
        g_strdup_printf ("[{\"name\":\"unit\",\"kind\":\"unit\",\"status\":\"%s\","
                         "\"soft_status\":\"%s\",\"message\":\"%s\"}]",
                         critical ? "fail" : "pass", critical ? "fail" : "pass",
                         critical ? "failed (signal)" : "active (running)");
      TendHealthRecord record = {
        .service_id = check->service_id,
        .time_usec = g_get_real_time (),
        .status = (char *) (critical ? "critical" : "healthy"),
        .layers = layers,
      };

      g_ptr_array_add (records, tend_health_record_copy (&record));
    }
  tend_store_save_health (store, records);
  tend_store_flush_async (store, NULL, store_result, &flushed);
  g_assert_true (tend_store_flush_finish (store, wait_for (&flushed), NULL));
}

typedef struct
{
  TendOverview *overview;
  TendHost *host;
  guint n_updates;
  guint want_updates;
  guint want_attention;
  guint want_failed;
} Bench;

static void
updated_cb (TendOverview *overview,
            Bench        *bench)
{
  bench->n_updates++;
}

static gboolean
updated (gpointer data)
{
  Bench *bench = data;

  return bench->n_updates >= bench->want_updates;
}

static gboolean
counted (gpointer data)
{
  Bench *bench = data;

  return tend_host_get_n_failed (bench->host) >= bench->want_failed &&
         g_list_model_get_n_items (tend_overview_get_attention (bench->overview)) >=
           bench->want_attention;
}

static Run
timed_read (Bench *bench)
{
  bench->want_updates = bench->n_updates + 1;
  tend_overview_refresh (bench->overview);
  return run_until (updated, bench);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bench-overview-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "tend.db", NULL);
  g_autoptr(TendStore) store = tend_store_new (path);
  g_autoptr(TendHost) host = tend_host_new_local (TEND_HOST_SCOPE_USER);
  g_autoptr(TendOverview) overview = NULL;
  g_autoptr(GPtrArray) checks = NULL;
  g_autoptr(GAsyncResult) opened = NULL;
  g_autoptr(GAsyncResult) connected = NULL;
  g_autoptr(GAsyncResult) refreshed = NULL;
  g_autoptr(GPtrArray) argv_kill = g_ptr_array_new_with_free_func (g_free);
  GArray *healthy_ms = g_array_new (FALSE, FALSE, sizeof (double));
  Bench bench = { 0 };
  Run first, healthy = { 0, 0, 0 }, critical, killed;
  guint rounds = 10;

  real_poll = g_main_context_get_poll_func (NULL);
  g_main_context_set_poll_func (NULL, timed_poll);

  tend_store_open_async (store, NULL, store_result, &opened);
  g_assert_true (tend_store_open_finish (store, wait_for (&opened), &error));
  tend_host_connect_async (host, NULL, store_result, &connected);
  g_assert_true (tend_host_connect_finish (host, wait_for (&connected), &error));
  tend_host_refresh_async (host, TEND_LIST_LOADED, NULL, store_result, &refreshed);
  g_assert_true (tend_host_refresh_finish (host, wait_for (&refreshed), &error));
  g_assert_no_error (error);

  checks = watch_all (store);
  g_assert_cmpuint (checks->len, ==, N_UNITS);
  save_health (store, checks, N_UNITS);

  overview = tend_overview_new (store);
  bench.overview = overview;
  bench.host = host;
  g_signal_connect (overview, "updated", G_CALLBACK (updated_cb), &bench);
  bench.want_updates = 1;
  tend_overview_add_host (overview, host);
  first = run_until (updated, &bench);
  g_assert_cmpuint (tend_overview_get_n_watched (overview), ==, N_UNITS);

  for (guint i = 0; i < rounds; i++)
    {
      Run run = timed_read (&bench);

      g_array_append_val (healthy_ms, run.wall_ms);
      healthy.max_busy_ms = MAX (healthy.max_busy_ms, run.max_busy_ms);
      healthy.max_cpu_ms = MAX (healthy.max_cpu_ms, run.max_cpu_ms);
    }

  /* 1,000 not running turn critical in the store. */
  save_health (store, checks, N_RUNNING);
  critical = timed_read (&bench);
  g_assert_cmpuint (g_list_model_get_n_items (tend_overview_get_attention (overview)), ==,
                    N_UNITS - N_RUNNING);

  /* The 1,000 running are killed at once. */
  g_ptr_array_add (argv_kill, g_strdup ("systemctl"));
  g_ptr_array_add (argv_kill, g_strdup ("--user"));
  g_ptr_array_add (argv_kill, g_strdup ("kill"));
  g_ptr_array_add (argv_kill, g_strdup ("--signal=KILL"));
  for (guint i = 0; i < N_RUNNING; i++)
    g_ptr_array_add (argv_kill, unit_name (i));
  g_ptr_array_add (argv_kill, NULL);
  bench.want_failed = N_RUNNING;
  bench.want_attention = N_UNITS;
  g_assert_true (g_spawn_async (NULL, (char **) argv_kill->pdata, NULL, G_SPAWN_SEARCH_PATH,
                                NULL, NULL, NULL, &error));
  killed = run_until (counted, &bench);

  {
    double sum = 0, mean_ms;

    for (guint i = 0; i < healthy_ms->len; i++)
      sum += g_array_index (healthy_ms, double, i);
    mean_ms = sum / healthy_ms->len;
    g_print ("| %u units watched, %u running, no engine in the process | wall | longest "
             "main-loop iteration: busy | and its CPU |\n|---|---|---|---|\n",
             N_UNITS, N_RUNNING);
    g_print ("| first read (inventory, checks, health), services get their word | %.1f ms "
             "| %.1f ms | %.1f ms |\n", first.wall_ms, first.max_busy_ms, first.max_cpu_ms);
    g_print ("| a read, nothing changed (mean of %u) | %.1f ms | %.1f ms | %.1f ms |\n", rounds,
             mean_ms, healthy.max_busy_ms, healthy.max_cpu_ms);
    g_print ("| a read after %u turned critical: all in the attention list | %.1f ms | %.1f ms "
             "| %.1f ms |\n", N_UNITS - N_RUNNING, critical.wall_ms, critical.max_busy_ms,
             critical.max_cpu_ms);
    g_print ("| %u running units killed at once: host counts %u failed, attention holds %u | "
             "%.1f ms | %.1f ms | %.1f ms |\n", N_RUNNING, N_RUNNING, N_UNITS, killed.wall_ms,
             killed.max_busy_ms, killed.max_cpu_ms);
  }

  g_array_unref (healthy_ms);
  g_clear_object (&overview);
  tend_store_close (store);
  g_unlink (path);
  g_rmdir (dir);
  return 0;
}
