/* bench-detect.c — detection latency of the engine (issue 4), with Monit's beside it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: bench-detect [--stamps FILE] UNIT PORT ROUNDS
 *
 * Runs inside the sandbox (a real systemd user manager). UNIT serves HTTP on
 * 127.0.0.1:PORT. A TendMonitor, with a TendStore on a temporary file, watches it as
 * one service with two checks, as `tendctl watch` sets them up:
 *
 *  - "unit": a unit check, failures-before-hard 1; it runs when systemd's
 *    PropertiesChanged says the unit moved (interval 10 s otherwise)
 *  - "http": GET http://127.0.0.1:PORT/ every 1 s, timeout 500 ms, failures-before-hard
 *    3 (the default)
 *
 * Each round is two trials, each after a pause drawn uniformly from [1 s, 2 s) so that
 * the signal falls anywhere in the HTTP check's cycle:
 *
 *  - kill: SIGKILL to the unit's MainPID; the time from kill() to "health-changed" with
 *    critical. The unit is then started again.
 *  - stop: SIGSTOP to MainPID (alive, not answering); the time to critical, then
 *    SIGCONT.
 *
 * Both signals are sent by this process, timed on CLOCK_MONOTONIC around kill(). Before
 * each trial both checks' hard status is pass again.
 *
 * With --stamps, Monit watches the same unit in the same run and its alert actions
 * append "TAG NANOSECONDS" lines (CLOCK_REALTIME, `date +%s%N`) to FILE: "gone" and
 * "back" for the process, "httpfail" and "httpok" for its HTTP test. Monit's latency is
 * the stamp minus the realtime of kill(); before each trial Monit has seen the process
 * back and the HTTP test pass again.
 *
 * Prints one JSON object: the latencies in µs of each trial, per side and kind.
 */
#define G_LOG_DOMAIN "Tend"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>

#include "tend.h"

#define DEADLINE_USEC (60 * G_USEC_PER_SEC)

typedef struct
{
  TendHealth *health;
  GAsyncResult *result;         /* (owned) (nullable) of the operation waited for */
  gint64 critical_at;           /* monotonic µs of the last health-changed → critical */

  const char *stamps_path;      /* (nullable) Monit's */
  gsize stamps_read;            /* bytes of it parsed so far */
  gint64 monit_gone;            /* realtime µs of the latest stamp of each tag, -1 */
  gint64 monit_back;
  gint64 monit_httpfail;
  gint64 monit_httpok;
} Bench;

static void
on_health_changed (TendMonitor *monitor,
                   gint64       service_id,
                   guint        status,
                   Bench       *bench)
{
  if (status == TEND_HEALTH_CRITICAL)
    bench->critical_at = g_get_monotonic_time ();
}

/* Reads what Monit appended since the last call. */
static void
read_stamps (Bench *bench)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  gsize len;

  if (bench->stamps_path == NULL ||
      !g_file_get_contents (bench->stamps_path, &text, &len, NULL) || len <= bench->stamps_read)
    return;

  /* Only whole lines: Monit's action may be writing this very moment. */
  {
    char *end = g_strrstr_len (text + bench->stamps_read, len - bench->stamps_read, "\n");

    if (end == NULL)
      return;
    *end = '\0';
    lines = g_strsplit (text + bench->stamps_read, "\n", -1);
    bench->stamps_read = (gsize) (end - text) + 1;
  }

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char tag[16];
      gint64 nsec;

      if (sscanf (lines[i], "%15s %" G_GINT64_FORMAT, tag, &nsec) != 2)
        continue;
      if (g_str_equal (tag, "gone"))
        bench->monit_gone = nsec / 1000;
      else if (g_str_equal (tag, "back"))
        bench->monit_back = nsec / 1000;
      else if (g_str_equal (tag, "httpfail"))
        bench->monit_httpfail = nsec / 1000;
      else if (g_str_equal (tag, "httpok"))
        bench->monit_httpok = nsec / 1000;
    }
}

static gboolean
tick_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterates the main loop until @done holds; dies at the deadline. */
static void
wait_for (gboolean  (*done) (Bench *),
          Bench      *bench,
          const char *what)
{
  gint64 deadline = g_get_monotonic_time () + DEADLINE_USEC;
  guint tick = g_timeout_add (5, tick_cb, NULL);   /* to read Monit's stamps */

  while (!done (bench))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("no %s within %d s", what, (int) (DEADLINE_USEC / G_USEC_PER_SEC));
      g_main_context_iteration (NULL, TRUE);
      read_stamps (bench);
    }
  g_source_remove (tick);
}

static gboolean
layers_pass (Bench *bench)
{
  g_autoptr(GListModel) layers = NULL;
  guint n;

  layers = g_object_ref (tend_health_get_layers (bench->health));
  n = g_list_model_get_n_items (layers);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TendCheckState) layer = g_list_model_get_item (layers, i);

      if (tend_check_state_get_status (layer) != TEND_RESULT_PASS)
        return FALSE;
    }
  return n > 0;
}

static gboolean
is_critical (Bench *bench)
{
  return bench->critical_at >= 0;
}

static gboolean
monit_saw_gone (Bench *bench)
{
  return bench->stamps_path == NULL || bench->monit_gone >= 0;
}

static gboolean
monit_saw_httpfail (Bench *bench)
{
  return bench->stamps_path == NULL || bench->monit_httpfail >= 0;
}

/* Monit's view is clean: the process back after its last "gone", the HTTP test passing
 * after its last failure. */
static gboolean
monit_clean (Bench *bench)
{
  return bench->stamps_path == NULL ||
         ((bench->monit_gone < 0 || bench->monit_back > bench->monit_gone) &&
          (bench->monit_httpfail < 0 || bench->monit_httpok > bench->monit_httpfail));
}

static gboolean
settled (Bench *bench)
{
  return layers_pass (bench) && monit_clean (bench);
}

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
result_arrived (Bench *bench)
{
  return bench->result != NULL;
}

static void
start_unit (Bench      *bench,
            TendHost   *host,
            const char *unit)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *outcome = NULL;

  g_clear_object (&bench->result);
  tend_host_run_action_async (host, unit, TEND_UNIT_ACTION_START, NULL, store_result,
                              &bench->result);
  wait_for (result_arrived, bench, "the unit's start");
  outcome = tend_host_run_action_finish (host, bench->result, &error);
  if (outcome == NULL)
    g_error ("start %s: %s", unit, error->message);
  g_clear_object (&bench->result);
}

static GPid
main_pid (const char *unit)
{
  const char *argv[] = { "systemctl", "--user", "show", "-P", "MainPID", unit, NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  gint64 pid;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL,
                     NULL, &error))
    g_error ("systemctl: %s", error->message);
  pid = g_ascii_strtoll (out, NULL, 10);
  if (pid <= 0)
    g_error ("%s has no main process", unit);
  return (GPid) pid;
}

/* A pause of [1 s, 2 s), the main loop running. */
static void
pause_randomly (Bench *bench)
{
  gint64 until = g_get_monotonic_time () + g_random_int_range (1000, 2000) * 1000;

  while (g_get_monotonic_time () < until)
    {
      guint id = g_timeout_add (MAX ((until - g_get_monotonic_time ()) / 1000, 1), tick_cb,
                                NULL);

      g_main_context_iteration (NULL, TRUE);
      g_source_remove (id);
      read_stamps (bench);
    }
}

static void
append_usec (GString *out,
             GArray  *values)
{
  g_string_append_c (out, '[');
  for (guint i = 0; i < values->len; i++)
    g_string_append_printf (out, "%s%" G_GINT64_FORMAT, i ? ", " : "",
                            g_array_index (values, gint64, i));
  g_string_append_c (out, ']');
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *stamps = NULL;
  GOptionEntry entries[] = {
    { "stamps", 0, 0, G_OPTION_ARG_FILENAME, &stamps, "Monit's stamps file", "FILE" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("UNIT PORT ROUNDS");
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TendHost) host = NULL;
  g_autoptr(TendStore) store = NULL;
  g_autoptr(TendMonitor) monitor = NULL;
  g_autoptr(TendCheck) unit_check = NULL;
  g_autoptr(TendHttpCheck) http_check = NULL;
  g_autoptr(GArray) tend_kill = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) tend_stop = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) monit_kill = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) monit_stop = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *url = NULL;
  Bench bench = { .critical_at = -1, .monit_gone = -1, .monit_back = -1,
                  .monit_httpfail = -1, .monit_httpok = -1 };
  const char *unit;
  guint rounds;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 4)
    {
      g_printerr ("%s\n", error ? error->message : "usage: bench-detect UNIT PORT ROUNDS");
      return 1;
    }
  unit = argv[1];
  url = g_strdup_printf ("http://127.0.0.1:%s/", argv[2]);
  rounds = (guint) g_ascii_strtoull (argv[3], NULL, 10);
  bench.stamps_path = stamps;

  host = tend_host_new_local (TEND_HOST_SCOPE_USER);
  tend_host_connect_async (host, NULL, store_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  if (!tend_host_connect_finish (host, result, &error))
    g_error ("connect: %s", error->message);
  g_clear_object (&result);

  dir = g_dir_make_tmp ("bench-detect-XXXXXX", &error);
  if (dir == NULL)
    g_error ("%s", error->message);
  path = g_build_filename (dir, "tend.db", NULL);
  store = tend_store_new (path);
  tend_store_open_async (store, NULL, store_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  if (!tend_store_open_finish (store, result, &error))
    g_error ("store: %s", error->message);
  g_clear_object (&result);

  unit_check = tend_unit_check_new ("unit", host, unit, &error);
  if (unit_check == NULL ||
      !tend_check_set_timing (unit_check, 10 * G_USEC_PER_SEC, 5 * G_USEC_PER_SEC, &error))
    g_error ("unit check: %s", error->message);
  g_object_set (unit_check, "failures-before-hard", 1, NULL);

  http_check = tend_http_check_new ("http", url, &error);
  if (http_check == NULL ||
      !tend_check_set_timing (TEND_CHECK (http_check), G_USEC_PER_SEC, 500 * 1000, &error))
    g_error ("http check: %s", error->message);

  monitor = tend_monitor_new (store);
  tend_monitor_add_check (monitor, 1, 1, unit_check);
  tend_monitor_add_check (monitor, 1, 2, TEND_CHECK (http_check));
  bench.health = tend_monitor_get_health (monitor, 1);
  g_signal_connect (monitor, "health-changed", G_CALLBACK (on_health_changed), &bench);
  tend_monitor_start (monitor);
  wait_for (settled, &bench, "healthy start");

  for (guint round = 0; round < rounds; round++)
    {
      gint64 t0, t0_real, late;
      GPid pid;

      /* kill -9: the unit fails; systemd says so at once. */
      pid = main_pid (unit);
      pause_randomly (&bench);
      bench.critical_at = -1;
      bench.monit_gone = -1;
      t0_real = g_get_real_time ();
      t0 = g_get_monotonic_time ();
      if (kill (pid, SIGKILL) != 0)
        g_error ("kill %d: %s", pid, g_strerror (errno));
      wait_for (is_critical, &bench, "critical after SIGKILL");
      late = bench.critical_at - t0;
      g_array_append_val (tend_kill, late);
      wait_for (monit_saw_gone, &bench, "Monit's 'gone'");
      if (stamps != NULL)
        {
          late = bench.monit_gone - t0_real;
          g_array_append_val (monit_kill, late);
        }
      start_unit (&bench, host, unit);
      wait_for (settled, &bench, "recovery after SIGKILL");

      /* SIGSTOP: alive, not answering; only the HTTP check can tell. */
      pid = main_pid (unit);
      pause_randomly (&bench);
      bench.critical_at = -1;
      bench.monit_httpfail = -1;
      t0_real = g_get_real_time ();
      t0 = g_get_monotonic_time ();
      if (kill (pid, SIGSTOP) != 0)
        g_error ("kill %d: %s", pid, g_strerror (errno));
      wait_for (is_critical, &bench, "critical after SIGSTOP");
      late = bench.critical_at - t0;
      g_array_append_val (tend_stop, late);
      wait_for (monit_saw_httpfail, &bench, "Monit's 'httpfail'");
      if (stamps != NULL)
        {
          late = bench.monit_httpfail - t0_real;
          g_array_append_val (monit_stop, late);
        }
      kill (pid, SIGCONT);
      wait_for (settled, &bench, "recovery after SIGCONT");

      g_printerr ("bench-detect: round %u of %u: tend kill %.1f ms, stop %.0f ms%s\n",
                  round + 1, rounds,
                  g_array_index (tend_kill, gint64, round) / 1000.0,
                  g_array_index (tend_stop, gint64, round) / 1000.0,
                  stamps != NULL ? "" : " (no Monit)");
    }

  g_string_append (out, "{\"tend_kill_usec\": ");
  append_usec (out, tend_kill);
  g_string_append (out, ", \"tend_stop_usec\": ");
  append_usec (out, tend_stop);
  g_string_append (out, ", \"monit_kill_usec\": ");
  append_usec (out, monit_kill);
  g_string_append (out, ", \"monit_stop_usec\": ");
  append_usec (out, monit_stop);
  g_string_append (out, "}\n");
  g_print ("%s", out->str);

  tend_monitor_stop (monitor);
  g_clear_object (&monitor);
  tend_store_close (store);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);

    g_unlink (path);
    g_unlink (wal);
    g_unlink (shm);
    g_rmdir (dir);
  }
  return 0;
}
