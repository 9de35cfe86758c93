/* bench-ssh.c — Tend's side of bench/ssh: its persistent SSH session, its backend's
 * list of remote units, and many hosts at once, timed in-process
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every host is a `Host` alias of the user's ~/.ssh/config (HostName, Port, User,
 * IdentityFile) whose key is in ~/.ssh/known_hosts, as a user has them: bench/ssh.py
 * writes both inside the sandbox's HOME.
 *
 *   bench-ssh serve ALIAS
 *     Connects one TendHost (a TendSshBackend, user scope) to ALIAS, prints "ready",
 *     then reads commands on stdin, one a line, and answers each with one line on
 *     stdout, the times in milliseconds separated by spaces:
 *       exec N ARG...   N times tend_ssh_session_exec (ARG...) on the host's session
 *                       (the command must exit 0)
 *       list N          N times the backend's list_units (the units and their states)
 *       refresh N       N times tend_host_refresh into the host's (full) model
 *       parse N         N times the backend's parse of the JSON list (the text read once
 *                       with the backend's own argv): the part of list that is not SSH's
 *       raw N ARG...    the floor: N times the same command on a plain libssh session
 *                       of this thread (connected at the first raw), blocking, with no
 *                       worker thread, no GTask and no main loop in between
 *       quit
 *     After list and refresh the line ends with "units=COUNT".
 *
 *   bench-ssh hosts ALIAS...
 *     One TendHost per ALIAS, all connected and then refreshed at once from this main
 *     loop (each host's refresh starts as its connect ends); then all refreshed again
 *     at once. Prints one JSON object: the wall times, each host's, the services seen,
 *     and this process's VmRSS, VmHWM and Threads from /proc/self/status.
 *
 *   bench-ssh parse FILE N
 *     N times the backend's parse of a saved `list-units --output=json` (FILE.json), or
 *     of the plain table (any other FILE), for perf.
 *
 *   bench-ssh sessions ALIAS...
 *     The same with bare TendSshSessions, each running `systemctl --user list-units --all
 *     --output=json` instead of a refresh: the part that is SSH's.
 */
#include "tend.h"

#include <libssh/libssh.h>
#include <stdio.h>
#include <string.h>

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
compare_doubles (const double *a,
                 const double *b)
{
  return (*a > *b) - (*a < *b);
}

static double
ms_since (gint64 t0)
{
  return (g_get_monotonic_time () - t0) / 1000.0;
}

static TendHost *
host_new (const char *alias)
{
  TendInventoryHost spec = {
    .name = (char *) alias,
    .kind = TEND_HOST_KIND_SSH,
    .address = (char *) alias,
    .port = 0,
    .user = NULL,
    .scope = TEND_HOST_SCOPE_USER,
    .sudo = TEND_INVENTORY_SUDO_NONE,
    .access = TEND_INVENTORY_ACCESS_ADMIN,
  };
  g_autoptr(TendSshBackend) backend = tend_ssh_backend_new (&spec);

  return tend_host_new_for_backend (alias, alias, TEND_HOST_KIND_SSH, TEND_HOST_SCOPE_USER,
                                    TEND_BACKEND (backend));
}

static void
die (const char *what,
     GError     *error)
{
  g_printerr ("bench-ssh: %s: %s\n", what, error ? error->message : "failed");
  exit (1);
}

/* -- serve ------------------------------------------------------------------------ */

static void
serve_exec (TendSshSession *session,
            guint           n,
            char          **argv,
            GString        *out)
{
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(TendSshResult) r = NULL;
      g_autoptr(GError) error = NULL;
      gint64 t0 = g_get_monotonic_time ();

      tend_ssh_session_exec_async (session, (const char * const *) argv, NULL, 0, NULL,
                                   store_result, &result);
      r = tend_ssh_session_exec_finish (session, wait_for (&result), &error);
      if (r == NULL)
        die ("exec", error);
      if (r->exit_status != 0)
        {
          g_printerr ("bench-ssh: exec: exit status %d: %.*s\n", r->exit_status,
                      (int) g_bytes_get_size (r->err),
                      (const char *) g_bytes_get_data (r->err, NULL));
          exit (1);
        }
      g_string_append_printf (out, "%s%.3f", i ? " " : "", ms_since (t0));
    }
}

static void
serve_list (TendHost *host,
            guint     n,
            gboolean  refresh,
            GString  *out)
{
  TendBackend *backend = tend_host_get_backend (host);
  guint n_units = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      gint64 t0 = g_get_monotonic_time ();

      if (refresh)
        {
          tend_host_refresh_async (host, TEND_LIST_LOADED, NULL, store_result, &result);
          if (!tend_host_refresh_finish (host, wait_for (&result), &error))
            die ("refresh", error);
          n_units = g_list_model_get_n_items (tend_host_get_services (host));
        }
      else
        {
          g_autoptr(TendUnitList) units = NULL;

          tend_backend_list_units_async (backend, TEND_LIST_LOADED, NULL, store_result,
                                         &result);
          units = tend_backend_list_units_finish (backend, wait_for (&result), &error);
          if (units == NULL)
            die ("list_units", error);
          n_units = tend_unit_list_get_length (units);
        }
      g_string_append_printf (out, "%s%.3f", i ? " " : "", ms_since (t0));
    }
  g_string_append_printf (out, " units=%u", n_units);
}

static void
serve_parse (TendSshSession *session,
             guint           n,
             GString        *out)
{
  TendSshCommandContext ctx = { .scope = TEND_HOST_SCOPE_USER };
  g_auto(GStrv) argv = tend_ssh_command_list_units (&ctx, TRUE);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TendSshResult) r = NULL;
  g_autoptr(GError) error = NULL;
  const char *text;
  gsize length;
  guint n_units = 0;

  tend_ssh_session_exec_async (session, (const char * const *) argv, NULL, 0, NULL,
                               store_result, &result);
  r = tend_ssh_session_exec_finish (session, wait_for (&result), &error);
  if (r == NULL)
    die ("exec", error);
  text = g_bytes_get_data (r->out, &length);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TendUnitList) units = NULL;
      gint64 t0 = g_get_monotonic_time ();

      units = tend_ssh_parse_list_units_json (text, length, &error);
      if (units == NULL)
        die ("parse", error);
      n_units = tend_unit_list_get_length (units);
      g_string_append_printf (out, "%s%.3f", i ? " " : "", ms_since (t0));
    }
  g_string_append_printf (out, " units=%u bytes=%" G_GSIZE_FORMAT, n_units, length);
}

static ssh_session raw_session;

static ssh_session
raw_connect (const char *alias)
{
  g_autofree char *ssh_dir = g_build_filename (g_get_home_dir (), ".ssh", NULL);
  g_autofree char *config = g_build_filename (ssh_dir, "config", NULL);
  g_autofree char *known = g_build_filename (ssh_dir, "known_hosts", NULL);
  ssh_session s = ssh_new ();
  /* TCP_NODELAY, as OpenSSH has it; BENCH_SSH_RAW_NAGLE=1 leaves Nagle on (libssh's
   * default) to show what it costs. */
  int nodelay = g_strcmp0 (g_getenv ("BENCH_SSH_RAW_NAGLE"), "1") != 0;

  ssh_options_set (s, SSH_OPTIONS_HOST, alias);
  ssh_options_set (s, SSH_OPTIONS_NODELAY, &nodelay);
  ssh_options_set (s, SSH_OPTIONS_SSH_DIR, ssh_dir);
  ssh_options_set (s, SSH_OPTIONS_KNOWNHOSTS, known);
  if (ssh_options_parse_config (s, config) != SSH_OK || ssh_connect (s) != SSH_OK ||
      ssh_session_is_known_server (s) != SSH_KNOWN_HOSTS_OK ||
      ssh_userauth_publickey_auto (s, NULL, NULL) != SSH_AUTH_SUCCESS)
    {
      g_printerr ("bench-ssh: raw libssh session: %s\n", ssh_get_error (s));
      exit (1);
    }
  return s;
}

static void
serve_raw (const char *alias,
           guint       n,
           char      **argv,
           GString    *out)
{
  g_autofree char *command = tend_ssh_quote_argv ((const char * const *) argv);

  if (raw_session == NULL)
    raw_session = raw_connect (alias);
  for (guint i = 0; i < n; i++)
    {
      gint64 t0 = g_get_monotonic_time ();
      ssh_channel channel = ssh_channel_new (raw_session);
      char buf[65536];
      int status;

      if (ssh_channel_open_session (channel) != SSH_OK ||
          ssh_channel_request_exec (channel, command) != SSH_OK)
        {
          g_printerr ("bench-ssh: raw exec: %s\n", ssh_get_error (raw_session));
          exit (1);
        }
      ssh_channel_send_eof (channel);
      while (!ssh_channel_is_eof (channel))
        {
          if (ssh_channel_read (channel, buf, sizeof buf, 0) < 0 ||
              ssh_channel_read_nonblocking (channel, buf, sizeof buf, 1) < 0)
            break;
        }
      status = ssh_channel_get_exit_status (channel);
      ssh_channel_close (channel);
      ssh_channel_free (channel);
      if (status != 0)
        {
          g_printerr ("bench-ssh: raw exec: exit status %d\n", status);
          exit (1);
        }
      g_string_append_printf (out, "%s%.3f", i ? " " : "", ms_since (t0));
    }
}

static int
serve (const char *alias)
{
  g_autoptr(TendHost) host = host_new (alias);
  g_autoptr(GAsyncResult) connected = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TendSshSession) own_session = NULL;
  TendSshSession *session = NULL;
  gboolean backend = FALSE;
  char line[4096];

  tend_host_connect_async (host, NULL, store_result, &connected);
  if (!tend_host_connect_finish (host, wait_for (&connected), &error))
    {
      /* No backend (yet): a session of Tend's own for exec, else only raw (the floor). */
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) session_error = NULL;

      own_session = tend_ssh_session_new (alias, 0, NULL);
      tend_ssh_session_connect_async (own_session, NULL, store_result, &result);
      if (tend_ssh_session_connect_finish (own_session, wait_for (&result), &session_error))
        {
          session = own_session;
          g_print ("ready without the backend: %s\n", error->message);
        }
      else
        g_print ("ready without Tend: %s; %s\n", error->message, session_error->message);
      fflush (stdout);
    }
  else
    {
      session = tend_ssh_backend_get_session (TEND_SSH_BACKEND (tend_host_get_backend (host)));
      backend = TRUE;
      g_print ("ready\n");
    }
  fflush (stdout);

  while (fgets (line, sizeof line, stdin) != NULL)
    {
      g_auto(GStrv) words = NULL;
      g_autoptr(GString) out = g_string_new (NULL);
      guint n;

      g_strchomp (line);
      words = g_strsplit (line, " ", -1);
      if (g_strv_length (words) == 0 || g_str_equal (words[0], "quit"))
        break;
      n = words[1] ? (guint) g_ascii_strtoull (words[1], NULL, 10) : 1;
      if ((session == NULL && !g_str_equal (words[0], "raw")) ||
          (!backend && (g_str_equal (words[0], "list") || g_str_equal (words[0], "refresh"))))
        die (words[0], error);
      if (g_str_equal (words[0], "exec") && words[1] && words[2])
        serve_exec (session, n, words + 2, out);
      else if (g_str_equal (words[0], "list"))
        serve_list (host, n, FALSE, out);
      else if (g_str_equal (words[0], "refresh"))
        serve_list (host, n, TRUE, out);
      else if (g_str_equal (words[0], "parse"))
        serve_parse (session, n, out);
      else if (g_str_equal (words[0], "raw") && words[1] && words[2])
        serve_raw (alias, n, words + 2, out);
      else
        {
          g_printerr ("bench-ssh: unknown command: %s\n", line);
          return 2;
        }
      g_print ("%s\n", out->str);
      fflush (stdout);
    }
  return 0;
}

/* -- hosts ------------------------------------------------------------------------ */

typedef struct
{
  TendHost       *host;
  TendSshSession *session;    /* sessions mode: no host, no backend */
  gint64          start;
  double    connected_ms;
  double    refreshed_ms;
  double    again_ms;
  char     *error;
} HostRun;

static guint pending;

static void
host_refreshed (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  HostRun *run = user_data;
  g_autoptr(GError) error = NULL;

  if (!tend_host_refresh_finish (run->host, result, &error) && run->error == NULL)
    run->error = g_strdup (error->message);
  if (run->refreshed_ms == 0)
    run->refreshed_ms = ms_since (run->start);
  else
    run->again_ms = ms_since (run->start);
  pending--;
}

static void
host_connected (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  HostRun *run = user_data;
  g_autoptr(GError) error = NULL;

  run->connected_ms = ms_since (run->start);
  if (!tend_host_connect_finish (run->host, result, &error))
    {
      run->error = g_strdup (error->message);
      run->refreshed_ms = -1;
      pending--;
      return;
    }
  tend_host_refresh_async (run->host, TEND_LIST_LOADED, NULL, host_refreshed, run);
}

static const char * const list_argv[] = {
  "systemctl", "--user", "list-units", "--all", "--no-pager", "--output=json", NULL
};

static void
session_listed (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  HostRun *run = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TendSshResult) r = tend_ssh_session_exec_finish (run->session, result, &error);

  if (r == NULL && run->error == NULL)
    run->error = g_strdup (error->message);
  if (run->refreshed_ms == 0)
    run->refreshed_ms = ms_since (run->start);
  else
    run->again_ms = ms_since (run->start);
  pending--;
}

static void
session_connected (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  HostRun *run = user_data;
  g_autoptr(GError) error = NULL;

  run->connected_ms = ms_since (run->start);
  if (!tend_ssh_session_connect_finish (run->session, result, &error))
    {
      run->error = g_strdup (error->message);
      run->refreshed_ms = -1;
      pending--;
      return;
    }
  tend_ssh_session_exec_async (run->session, list_argv, NULL, 0, NULL, session_listed, run);
}

static void
proc_status (GString *json)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents ("/proc/self/status", &text, NULL, NULL))
    return;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      static const char * const keys[] = { "VmRSS", "VmHWM", "Threads" };

      for (guint k = 0; k < G_N_ELEMENTS (keys); k++)
        {
          gsize len = strlen (keys[k]);

          if (strncmp (lines[i], keys[k], len) == 0 && lines[i][len] == ':')
            g_string_append_printf (json, ", \"%s\": %" G_GUINT64_FORMAT, keys[k],
                                    g_ascii_strtoull (lines[i] + len + 1, NULL, 10));
        }
    }
}

/* @sessions: bare TendSshSessions that connect and run the list command (no backend,
 * no host, no parse), the part of the hosts' time that is SSH's. */
static int
hosts (int      n,
       char   **aliases,
       gboolean sessions)
{
  g_autofree HostRun *runs = g_new0 (HostRun, n);
  g_autoptr(GString) json = g_string_new ("{");
  gint64 t0;
  double all_ms, again_ms;
  guint n_services = 0, n_failed = 0;

  for (int i = 0; i < n; i++)
    {
      if (sessions)
        runs[i].session = tend_ssh_session_new (aliases[i], 0, NULL);
      else
        runs[i].host = host_new (aliases[i]);
    }

  /* Connect and refresh, every host at once. */
  t0 = g_get_monotonic_time ();
  pending = n;
  for (int i = 0; i < n; i++)
    {
      runs[i].start = t0;
      if (sessions)
        tend_ssh_session_connect_async (runs[i].session, NULL, session_connected, &runs[i]);
      else
        tend_host_connect_async (runs[i].host, NULL, host_connected, &runs[i]);
    }
  while (pending > 0)
    g_main_context_iteration (NULL, TRUE);
  all_ms = ms_since (t0);

  /* Every host connected: refresh all again at once (a later round). */
  t0 = g_get_monotonic_time ();
  for (int i = 0; i < n; i++)
    {
      if (runs[i].error)
        continue;
      runs[i].start = t0;
      pending++;
      if (sessions)
        tend_ssh_session_exec_async (runs[i].session, list_argv, NULL, 0, NULL,
                                     session_listed, &runs[i]);
      else
        tend_host_refresh_async (runs[i].host, TEND_LIST_LOADED, NULL, host_refreshed,
                                 &runs[i]);
    }
  while (pending > 0)
    g_main_context_iteration (NULL, TRUE);
  again_ms = ms_since (t0);

  g_string_append_printf (json, "\"hosts\": %d, \"sessions_only\": %s, "
                          "\"connect_refresh_ms\": %.3f, \"refresh_again_ms\": %.3f", n,
                          sessions ? "true" : "false", all_ms, again_ms);
  proc_status (json);
  g_string_append (json, ", \"each\": [");
  for (int i = 0; i < n; i++)
    {
      guint n_items = sessions ? 0
                               : g_list_model_get_n_items (tend_host_get_services (runs[i].host));

      n_services += n_items;
      if (runs[i].error)
        n_failed++;
      g_string_append_printf (json, "%s{\"host\": \"%s\", \"connected_ms\": %.3f, "
                              "\"refreshed_ms\": %.3f, \"again_ms\": %.3f, \"services\": %u",
                              i ? ", " : "", aliases[i], runs[i].connected_ms,
                              runs[i].refreshed_ms, runs[i].again_ms, n_items);
      if (runs[i].error)
        {
          g_autofree char *escaped = g_strescape (runs[i].error, NULL);

          g_string_append_printf (json, ", \"error\": \"%s\"", escaped);
        }
      g_string_append (json, "}");
    }
  g_string_append_printf (json, "], \"services\": %u, \"failed\": %u}", n_services, n_failed);
  g_print ("%s\n", json->str);

  for (int i = 0; i < n; i++)
    {
      g_clear_object (&runs[i].host);
      if (runs[i].session)
        tend_ssh_session_close (runs[i].session);
      g_clear_object (&runs[i].session);
      g_free (runs[i].error);
    }
  return n_failed ? 1 : 0;
}

/* bench-ssh parse FILE N: the JSON parse alone, on a saved list (for perf) */
static int
parse_file (const char *path,
            guint       n)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
  gsize length;

  if (!g_file_get_contents (path, &text, &length, &error))
    die (path, error);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TendUnitList) units = NULL;
      gint64 t0 = g_get_monotonic_time ();
      double x;

      if (g_str_has_suffix (path, ".json"))
        units = tend_ssh_parse_list_units_json (text, length, &error);
      else
        units = tend_ssh_parse_list_units_plain (text, length, &error);
      if (units == NULL)
        die ("parse", error);
      x = ms_since (t0);
      g_array_append_val (ms, x);
    }
  g_array_sort (ms, (GCompareFunc) compare_doubles);
  g_print ("%u parses of %" G_GSIZE_FORMAT " bytes: median %.3f ms\n", n, length,
           g_array_index (ms, double, n / 2));
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 4 && g_str_equal (argv[1], "parse"))
    return parse_file (argv[2], (guint) g_ascii_strtoull (argv[3], NULL, 10));
  if (argc == 3 && g_str_equal (argv[1], "serve"))
    return serve (argv[2]);
  if (argc >= 3 && g_str_equal (argv[1], "hosts"))
    return hosts (argc - 2, argv + 2, FALSE);
  if (argc >= 3 && g_str_equal (argv[1], "sessions"))
    return hosts (argc - 2, argv + 2, TRUE);
  g_printerr ("usage: bench-ssh serve ALIAS | bench-ssh hosts|sessions ALIAS... | "
              "bench-ssh parse FILE N\n");
  return 2;
}
