/* bench-monitor.c — the engine's cost, as the product runs it (issue 4)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: bench-monitor [OPTION...] HTTP_BASE TCP_BASE N
 *
 * A TendMonitor with a TendStore on a temporary SQLite file and N services, each with
 * an HTTP check of http://127.0.0.1:HTTP_BASE+i/ and a TCP check of 127.0.0.1:TCP_BASE+i,
 * every --interval seconds (timeout --timeout), the defaults of the checks otherwise
 * (bench-servers answers them); --kinds http or tcp keeps one of the two. After
 * --warmup seconds it measures for --window seconds, then prints one JSON object and
 * exits:
 *
 *  - cpu_sec: user + system CPU of the whole process (every thread: the store's writer,
 *    GLib's workers), from getrusage(); cpu_share: that over the window, 1.0 = one core
 *  - rss_kib, hwm_kib: VmRSS at the end of the window and VmHWM (the peak since start)
 *  - probe_max_late_usec: the longest lateness of a probe timer every --probe-ms ms on
 *    the default main context (GLib wakes a timer up to 1 ms late by itself: rounding
 *    to its poll timeout)
 *  - busy_max_usec: the longest stretch the main loop spent outside poll(), measured
 *    around every poll: no stall can hide between two probe ticks from this one
 *  - busy_cpu_max_usec: the same stretch in the main thread's CPU time: the loop's own
 *    work, without the time the thread waited for a core on a busy machine
 *  - threads: CPU seconds of each thread in the window, by thread name ("main" for the
 *    main thread), from /proc/self/task (10 ms ticks)
 *  - wakeups: voluntary context switches of each thread in the window, by thread name:
 *    each is a time the thread went to sleep, so about its wake-ups
 *  - iterations: of the main loop in the window (polls)
 *  - lateness: tend_monitor_get_lateness() over the window: runs started on schedule,
 *    how late at most and at the 99th percentile, how many more than an interval late,
 *    and the timer's dispatches (continued: out of its 2 ms, went on at once)
 *  - store_batches: write jobs the store's thread ran in the window
 *  - completed, not_passed: runs that ended in the window, and those whose verdict was
 *    not a pass (each is a bug of the set-up; the driver reports it)
 *
 * With N = 0 it measures the probe alone: the floor. --probe-ms 0 runs no probe (the
 * probe's own wake-ups, 100 a second, cost about 0.3-0.6 % of a core here).
 *
 * Under `valgrind --tool=callgrind --collect-atstart=no` it collects the window only (of
 * the main thread: callgrind toggles collection per thread), so the instructions per
 * check can be compared without the noise of a shared machine.
 */
#define G_LOG_DOMAIN "Tend"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "tend.h"

#if __has_include (<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#else
#define CALLGRIND_TOGGLE_COLLECT
#endif

static int interval_sec = 10;
static double timeout_sec = 5;
static int warmup_sec = 20;
static int window_sec = 60;
static int probe_msec = 10;
static char *kinds = NULL;
static int max_concurrent = 0;

static gboolean measuring;
static gint64 probe_max_late;
static guint64 probe_ticks;
static gint64 busy_max;
static gint64 busy_since = -1;
static gint64 busy_cpu_max;
static gint64 busy_cpu_since = -1;
static guint64 n_completed;
static guint64 n_not_passed;
static GPollFunc default_poll;
static guint64 n_polls;

static gint64
thread_cpu_usec (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* Every iteration of the main loop ends in poll(): what lies between two polls is
 * what the loop did — prepare, check and dispatch of whatever was ready. */
static gint
timed_poll (GPollFD *fds,
            guint    nfds,
            gint     timeout)
{
  gint64 now = g_get_monotonic_time ();
  gint64 cpu = thread_cpu_usec ();
  gint ret;

  if (measuring && busy_since >= 0)
    busy_max = MAX (busy_max, now - busy_since);
  if (measuring && busy_cpu_since >= 0)
    busy_cpu_max = MAX (busy_cpu_max, cpu - busy_cpu_since);
  if (measuring)
    n_polls++;
  ret = default_poll (fds, nfds, timeout);
  busy_since = g_get_monotonic_time ();
  busy_cpu_since = thread_cpu_usec ();
  return ret;
}

static gboolean
probe_cb (gpointer user_data)
{
  gint64 due = g_source_get_ready_time (g_main_current_source ());
  gint64 late = g_get_monotonic_time () - due;

  if (measuring)
    {
      probe_max_late = MAX (probe_max_late, late);
      probe_ticks++;
    }
  return G_SOURCE_CONTINUE;
}

static void
on_check_completed (TendMonitor            *monitor,
                    gint64                  service_id,
                    gint64                  check_id,
                    const TendCheckVerdict *verdict,
                    gpointer                user_data)
{
  if (!measuring)
    return;
  n_completed++;
  if (verdict->status != TEND_RESULT_PASS)
    {
      if (n_not_passed < 5)
        g_printerr ("bench-monitor: check %" G_GINT64_FORMAT ": %s\n", check_id,
                    verdict->message);
      n_not_passed++;
    }
}

static gint64
cpu_usec (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return (gint64) usage.ru_utime.tv_sec * G_USEC_PER_SEC + usage.ru_utime.tv_usec +
         (gint64) usage.ru_stime.tv_sec * G_USEC_PER_SEC + usage.ru_stime.tv_usec;
}

/* A "VmRSS:   1234 kB" line of /proc/self/status, in KiB. */
static gint64
status_kib (const char *field)
{
  g_autofree char *text = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &text, NULL, NULL))
    return -1;
  line = strstr (text, field);
  if (line == NULL)
    return -1;
  return g_ascii_strtoll (line + strlen (field) + 1, NULL, 10);
}

/* A "voluntary_ctxt_switches:  12" line of a thread's status. */
static double
thread_switches (const char *tid)
{
  g_autofree char *path = g_strdup_printf ("/proc/self/task/%s/status", tid);
  g_autofree char *text = NULL;
  const char *line;

  if (!g_file_get_contents (path, &text, NULL, NULL) ||
      (line = strstr (text, "\nvoluntary_ctxt_switches:")) == NULL)
    return 0;
  return (double) g_ascii_strtoll (line + strlen ("\nvoluntary_ctxt_switches:"), NULL, 10);
}

/* CPU seconds (or, with @switches, voluntary context switches) of each thread by name,
 * summed over threads of the same name. */
static GHashTable *
thread_cpu (gboolean switches)
{
  GHashTable *cpu = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  long ticks = sysconf (_SC_CLK_TCK);
  g_autofree char *main_tid = g_strdup_printf ("%d", (int) getpid ());
  const char *tid;

  while (dir != NULL && (tid = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_strdup_printf ("/proc/self/task/%s/stat", tid);
      g_autofree char *stat = NULL;
      g_auto(GStrv) fields = NULL;
      const char *open, *close;
      g_autofree char *name = NULL;
      double *sec;

      if (!g_file_get_contents (path, &stat, NULL, NULL))
        continue;
      open = strchr (stat, '(');
      close = strrchr (stat, ')');
      if (open == NULL || close == NULL)
        continue;
      if (g_str_equal (tid, main_tid))
        name = g_strdup ("main");
      else
        name = g_strndup (open + 1, close - open - 1);
      fields = g_strsplit (close + 2, " ", 0);
      if (g_strv_length (fields) < 13)
        continue;
      sec = g_hash_table_lookup (cpu, name);
      if (sec == NULL)
        {
          sec = g_new0 (double, 1);
          g_hash_table_insert (cpu, g_strdup (name), sec);
        }
      if (switches)
        *sec += thread_switches (tid);
      else
        *sec += (double) (g_ascii_strtoll (fields[11], NULL, 10) +
                          g_ascii_strtoll (fields[12], NULL, 10)) / ticks;
    }
  return cpu;
}

static char *
thread_cpu_json (GHashTable *before,
                 GHashTable *after)
{
  GString *out = g_string_new ("{");
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, after);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      double *was = g_hash_table_lookup (before, key);

      g_string_append_printf (out, "%s\"%s\": %.2f", out->len > 1 ? ", " : "", (char *) key,
                              *(double *) value - (was != NULL ? *was : 0));
    }
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static TendCheck *
new_check_or_die (gboolean http,
                  guint    port)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TendCheck) check = NULL;

  if (http)
    {
      g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/", port);

      check = TEND_CHECK (tend_http_check_new ("http", url, &error));
    }
  else
    {
      check = tend_tcp_check_new ("tcp", "127.0.0.1", port, &error);
    }
  if (check == NULL ||
      !tend_check_set_timing (check, interval_sec * G_USEC_PER_SEC,
                              (gint64) (timeout_sec * G_USEC_PER_SEC), &error))
    g_error ("check: %s", error->message);
  return g_steal_pointer (&check);
}

static gboolean
quit_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
run_for (int seconds)
{
  gboolean done = FALSE;

  g_timeout_add_seconds_full (G_PRIORITY_HIGH, seconds, quit_cb, &done, NULL);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  GOptionEntry entries[] = {
    { "interval", 0, 0, G_OPTION_ARG_INT, &interval_sec, "Seconds between runs (10)", "S" },
    { "timeout", 0, 0, G_OPTION_ARG_DOUBLE, &timeout_sec, "Seconds a run may take (5)", "S" },
    { "warmup", 0, 0, G_OPTION_ARG_INT, &warmup_sec, "Seconds before measuring (20)", "S" },
    { "window", 0, 0, G_OPTION_ARG_INT, &window_sec, "Seconds measured (60)", "S" },
    { "probe-ms", 0, 0, G_OPTION_ARG_INT, &probe_msec, "Probe timer period (10)", "MS" },
    { "kinds", 0, 0, G_OPTION_ARG_STRING, &kinds, "http, tcp or http,tcp (both)", "K" },
    { "max-concurrent", 0, 0, G_OPTION_ARG_INT, &max_concurrent,
      "Runs in flight at most (the monitor's default)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("HTTP_BASE TCP_BASE N");
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TendStore) store = NULL;
  g_autoptr(TendMonitor) monitor = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GHashTable) threads0 = NULL;
  g_autoptr(GHashTable) threads1 = NULL;
  g_autoptr(GHashTable) switches0 = NULL;
  g_autoptr(GHashTable) switches1 = NULL;
  g_autofree char *threads = NULL;
  g_autofree char *switches = NULL;
  TendMonitorLateness late;
  guint64 batches0, batches1;
  guint http_base, tcp_base, n, n_checks = 0;
  gboolean with_http = TRUE, with_tcp = TRUE;
  gint64 cpu0, cpu1, t0, t1;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 4)
    {
      g_printerr ("%s\n", error ? error->message : "usage: bench-monitor HTTP_BASE TCP_BASE N");
      return 1;
    }
  http_base = (guint) g_ascii_strtoull (argv[1], NULL, 10);
  tcp_base = (guint) g_ascii_strtoull (argv[2], NULL, 10);
  n = (guint) g_ascii_strtoull (argv[3], NULL, 10);
  if (kinds != NULL)
    {
      with_http = strstr (kinds, "http") != NULL;
      with_tcp = strstr (kinds, "tcp") != NULL;
    }

  default_poll = g_main_context_get_poll_func (NULL);
  g_main_context_set_poll_func (NULL, timed_poll);

  dir = g_dir_make_tmp ("bench-monitor-XXXXXX", &error);
  if (dir == NULL)
    g_error ("%s", error->message);
  path = g_build_filename (dir, "tend.db", NULL);
  store = tend_store_new (path);
  tend_store_open_async (store, NULL, store_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  if (!tend_store_open_finish (store, result, &error))
    g_error ("store: %s", error->message);

  monitor = tend_monitor_new (store);
  if (max_concurrent > 0)
    tend_monitor_set_max_concurrent (monitor, (guint) max_concurrent);
  g_signal_connect (monitor, "check-completed", G_CALLBACK (on_check_completed), NULL);
  for (guint i = 0; i < n; i++)
    {
      if (with_http)
        {
          g_autoptr(TendCheck) http = new_check_or_die (TRUE, http_base + i);

          tend_monitor_add_check (monitor, i + 1, 2 * i + 1, http);
          n_checks++;
        }
      if (with_tcp)
        {
          g_autoptr(TendCheck) tcp = new_check_or_die (FALSE, tcp_base + i);

          tend_monitor_add_check (monitor, i + 1, 2 * i + 2, tcp);
          n_checks++;
        }
    }
  if (probe_msec > 0)
    g_timeout_add (probe_msec, probe_cb, NULL);
  tend_monitor_start (monitor);

  run_for (warmup_sec);

  measuring = TRUE;
  busy_since = -1;
  busy_cpu_since = -1;
  CALLGRIND_TOGGLE_COLLECT;
  threads0 = thread_cpu (FALSE);
  switches0 = thread_cpu (TRUE);
  batches0 = tend_store_get_n_batches (store);
  tend_monitor_reset_lateness (monitor);
  t0 = g_get_monotonic_time ();
  cpu0 = cpu_usec ();
  run_for (window_sec);
  cpu1 = cpu_usec ();
  t1 = g_get_monotonic_time ();
  tend_monitor_get_lateness (monitor, &late);
  batches1 = tend_store_get_n_batches (store);
  threads1 = thread_cpu (FALSE);
  switches1 = thread_cpu (TRUE);
  CALLGRIND_TOGGLE_COLLECT;
  measuring = FALSE;
  threads = thread_cpu_json (threads0, threads1);
  switches = thread_cpu_json (switches0, switches1);

  g_print ("{\"checks\": %u, \"interval_sec\": %d, \"window_sec\": %.3f, "
           "\"cpu_sec\": %.4f, \"cpu_share\": %.6f, \"rss_kib\": %" G_GINT64_FORMAT ", "
           "\"hwm_kib\": %" G_GINT64_FORMAT ", \"probe_msec\": %d, \"probe_ticks\": %"
           G_GUINT64_FORMAT ", \"probe_max_late_usec\": %" G_GINT64_FORMAT ", "
           "\"busy_max_usec\": %" G_GINT64_FORMAT ", \"busy_cpu_max_usec\": %" G_GINT64_FORMAT
           ", \"iterations\": %" G_GUINT64_FORMAT ", "
           "\"completed\": %" G_GUINT64_FORMAT ", "
           "\"not_passed\": %" G_GUINT64_FORMAT ", \"store_committed\": %" G_GUINT64_FORMAT
           ", \"store_dropped\": %" G_GUINT64_FORMAT ", \"store_batches\": %" G_GUINT64_FORMAT
           ", \"threads\": %s, \"wakeups\": %s, \"lateness\": {\"runs\": %" G_GUINT64_FORMAT
           ", \"max_usec\": %" G_GINT64_FORMAT ", \"p99_usec\": %" G_GINT64_FORMAT
           ", \"mean_usec\": %" G_GINT64_FORMAT ", \"beyond_interval\": %" G_GUINT64_FORMAT
           ", \"dispatches\": %" G_GUINT64_FORMAT ", \"continued\": %" G_GUINT64_FORMAT
           ", \"max_dispatch_usec\": %" G_GINT64_FORMAT "}}\n",
           n_checks, interval_sec, (t1 - t0) / 1e6, (cpu1 - cpu0) / 1e6,
           (double) (cpu1 - cpu0) / (double) (t1 - t0),
           status_kib ("VmRSS:"), status_kib ("VmHWM:"), probe_msec, probe_ticks,
           probe_max_late, busy_max, busy_cpu_max, n_polls, n_completed, n_not_passed,
           tend_store_get_n_committed (store), tend_store_get_n_dropped (store),
           batches1 - batches0, threads, switches, late.n_runs, late.max_usec, late.p99_usec,
           late.mean_usec, late.n_late_beyond_interval, late.n_dispatches, late.n_continued,
           late.max_dispatch_usec);

  tend_monitor_stop (monitor);
  g_clear_object (&monitor);
  tend_store_close (store);
  g_unlink (path);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);

    g_unlink (wal);
    g_unlink (shm);
  }
  g_rmdir (dir);
  return 0;
}
