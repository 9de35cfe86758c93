/* test-redis-check.c — the redis check against a real redis-server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each test starts its own `redis-server --port FREE --save '' --appendonly no` (and
 * what else it needs: a password, a client limit, a renamed command) and waits until
 * it answers. Servers are killed with SIGKILL to see refusals, stopped with SIGSTOP to
 * see the check's timeout. Where redis-server is not installed, the tests that need it
 * are skipped and say why.
 *
 * After each test the check is dropped and the main context run until the check is
 * finalized: a probe holds the check until its hiredis context, its sources and its
 * task are freed, so this is where a leak or a late callback would show (run the suite
 * in the AddressSanitizer build too).
 */
#define G_LOG_DOMAIN "Tend"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include <glib/gstdio.h>

#include "tend-error.h"
#include "tend-redis-check.h"
#include "test-util.h"

#define PASSWORD_ENV "TEND_TEST_REDIS_PASSWORD"
#define PASSWORD "correct horse battery"    /* a space: AUTH must send it as one argument */
#define WRONG_PASSWORD "wrong-pw-8d1f"

/* ------------------------------------------------------------------------------------ */
/* Servers                                                                               */

typedef struct
{
  GSubprocess *process;
  char *dir;
  guint16 port;
} Server;

/* Binds @family's loopback address at @port (0 for any); returns the port, or 0. */
static guint16
bind_loopback (GSocketFamily family,
               guint16       port)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (family);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  g_autoptr(GSocketAddress) bound = NULL;

  socket = g_socket_new (family, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  if (socket == NULL || !g_socket_bind (socket, address, FALSE, NULL))
    return 0;
  bound = g_socket_get_local_address (socket, NULL);
  return bound != NULL ? g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)) : 0;
}

/* A port free on 127.0.0.1, and on ::1 too where there is IPv6 (the host-name test
 * connects to "localhost", which may try ::1 first). */
static guint16
free_port (void)
{
  gboolean ipv6 = bind_loopback (G_SOCKET_FAMILY_IPV6, 0) != 0;

  for (guint i = 0; i < 100; i++)
    {
      guint16 port = bind_loopback (G_SOCKET_FAMILY_IPV4, 0);

      g_assert_cmpuint (port, !=, 0);
      if (!ipv6 || bind_loopback (G_SOCKET_FAMILY_IPV6, port) == port)
        return port;
    }
  g_error ("no port is free on both 127.0.0.1 and ::1");
}

/* A connection to 127.0.0.1:@port, or NULL. */
static GSocketConnection *
connect_to (guint16 port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();

  g_socket_client_set_timeout (client, 2);
  return g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, NULL);
}

/* The process id of the Redis server that answers INFO on @port (after AUTH with
 * @password, when there is one), or 0 while none answers. Another test program's server
 * may have taken the port first: the process id tells whose server answers. */
static GPid
answering_pid (guint16      port,
               const char  *password)
{
  g_autoptr(GSocketConnection) connection = connect_to (port);
  g_autoptr(GDataInputStream) input = NULL;
  g_autoptr(GString) request = g_string_new (NULL);
  g_autofree char *line = NULL;
  g_autofree char *body = NULL;
  const char *found;
  guint64 length;
  gsize got;

  if (connection == NULL)
    return 0;

  if (password != NULL)
    g_string_append_printf (request, "*2\r\n$4\r\nAUTH\r\n$%" G_GSIZE_FORMAT "\r\n%s\r\n",
                            strlen (password), password);
  g_string_append (request, "*2\r\n$4\r\nINFO\r\n$6\r\nserver\r\n");
  if (!g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                                  request->str, request->len, NULL, NULL, NULL))
    return 0;

  input = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  g_data_input_stream_set_newline_type (input, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
  if (password != NULL)
    {
      line = g_data_input_stream_read_line (input, NULL, NULL, NULL);
      if (g_strcmp0 (line, "+OK") != 0)
        return 0;
      g_clear_pointer (&line, g_free);
    }

  /* "$LENGTH", then the text and CR LF; an error ("-LOADING ...") is not an answer yet */
  line = g_data_input_stream_read_line (input, NULL, NULL, NULL);
  if (line == NULL || line[0] != '$' ||
      !g_ascii_string_to_unsigned (line + 1, 10, 1, 1 << 20, &length, NULL))
    return 0;
  body = g_malloc0 (length + 3);
  if (!g_input_stream_read_all (G_INPUT_STREAM (input), body, length + 2, &got, NULL, NULL) ||
      got != length + 2)
    return 0;
  found = strstr (body, "process_id:");
  return found != NULL ? (GPid) g_ascii_strtoll (found + strlen ("process_id:"), NULL, 10) : 0;
}

/* The server dies with the test, even when an assertion aborts it while the server is
 * stopped. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* Kills the server with SIGKILL and waits until it is gone. */
static void
server_kill (Server *server)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_send_signal (server->process, SIGKILL);
  g_subprocess_wait (server->process, NULL, &error);
  g_assert_no_error (error);
}

/* Starts redis-server with @extra arguments on a free port and waits, up to 10 s, until
 * it answers INFO there with its own process id. FALSE, with the test skipped, when
 * redis-server is not installed. */
static gboolean
server_start (Server             *server,
              const char * const *extra)
{
  g_autofree char *program = g_find_program_in_path ("redis-server");
  g_autoptr(GError) error = NULL;
  const char *password = NULL;

  memset (server, 0, sizeof *server);
  if (program == NULL)
    {
      g_test_skip ("redis-server is not installed (Debian: apt install redis-server; "
                   "./tend-dev installs it)");
      return FALSE;
    }

  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    if (g_str_equal (extra[i], "--requirepass"))
      password = extra[i + 1];

  server->dir = g_dir_make_tmp ("tend-redis-XXXXXX", &error);
  g_assert_no_error (error);

  /* A free port may be taken by another program before the server binds it: then the
   * server exits, or another server answers there, and it starts again on another. */
  for (guint attempt = 1; ; attempt++)
    {
      g_autoptr(GSubprocessLauncher) launcher = NULL;
      g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
      GPid pid;
      GPid answering = 0;
      gint64 deadline;

      server->port = free_port ();
      g_ptr_array_add (argv, g_strdup (program));
      g_ptr_array_add (argv, g_strdup ("--port"));
      g_ptr_array_add (argv, g_strdup_printf ("%u", server->port));
      g_ptr_array_add (argv, g_strdup ("--bind"));
      g_ptr_array_add (argv, g_strdup ("127.0.0.1"));
      g_ptr_array_add (argv, g_strdup ("--save"));
      g_ptr_array_add (argv, g_strdup (""));
      g_ptr_array_add (argv, g_strdup ("--appendonly"));
      g_ptr_array_add (argv, g_strdup ("no"));
      g_ptr_array_add (argv, g_strdup ("--dir"));
      g_ptr_array_add (argv, g_strdup (server->dir));
      for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
        g_ptr_array_add (argv, g_strdup (extra[i]));
      g_ptr_array_add (argv, NULL);

      /* Its log goes to stdout, which is the test's TAP stream: keep it out. */
      launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
      g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
      server->process = g_subprocess_launcher_spawnv (launcher,
                                                      (const char * const *) argv->pdata,
                                                      &error);
      g_assert_no_error (error);
      pid = (GPid) g_ascii_strtoll (g_subprocess_get_identifier (server->process), NULL, 10);

      /* Bounded: until it answers, exits, or 10 s have passed. */
      deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
      while ((answering = answering_pid (server->port, password)) == 0 &&
             g_subprocess_get_identifier (server->process) != NULL &&
             g_get_monotonic_time () < deadline)
        g_usleep (10 * 1000);

      if (answering == pid)
        break;
      if (answering == 0 && g_subprocess_get_identifier (server->process) != NULL)
        g_error ("redis-server on port %u did not answer within 10 s", server->port);
      if (attempt == 5)
        g_error ("redis-server could not start on a free port in 5 attempts");
      server_kill (server);
      g_clear_object (&server->process);
    }
  return TRUE;
}

/* Whether every thread of process @pid is stopped ("T" in /proc/PID/task/TID/stat). */
static gboolean
all_threads_stopped (const char *pid)
{
  g_autofree char *tasks = g_build_filename ("/proc", pid, "task", NULL);
  g_autoptr(GDir) dir = g_dir_open (tasks, 0, NULL);
  const char *tid;

  if (dir == NULL)
    return FALSE;
  while ((tid = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (tasks, tid, "stat", NULL);
      g_autofree char *stat = NULL;
      const char *end;

      if (!g_file_get_contents (path, &stat, NULL, NULL))
        return FALSE;
      /* "TID (COMM) STATE ...": COMM may hold spaces and parentheses */
      end = strrchr (stat, ')');
      if (end == NULL || end[1] != ' ' || end[2] != 'T')
        return FALSE;
    }
  return TRUE;
}

static void
server_signal (Server *server,
               int     signal_number)
{
  g_subprocess_send_signal (server->process, signal_number);
  if (signal_number == SIGSTOP)
    {
      /* A signal is delivered, not obeyed, when kill() returns: wait until the server
       * has really stopped, so that it cannot answer one more command. */
      const char *pid = g_subprocess_get_identifier (server->process);
      gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

      g_assert_nonnull (pid);
      while (!all_threads_stopped (pid))
        {
          g_assert_cmpint (g_get_monotonic_time (), <, deadline);
          g_usleep (1000);
        }
    }
}

static void
server_stop (Server *server)
{
  if (server->process != NULL)
    {
      if (g_subprocess_get_identifier (server->process) != NULL)
        server_kill (server);
      g_clear_object (&server->process);
    }
  if (server->dir != NULL)
    {
      g_rmdir (server->dir);
      g_clear_pointer (&server->dir, g_free);
    }
}

/* ------------------------------------------------------------------------------------ */
/* Running checks                                                                        */

static TendCheck *
new_check (guint16 port)
{
  g_autoptr(GError) error = NULL;
  TendCheck *check = tend_redis_check_new ("redis", "127.0.0.1", port, &error);

  g_assert_no_error (error);
  g_assert_true (tend_check_set_timing (check, 10 * G_USEC_PER_SEC, 5 * G_USEC_PER_SEC, &error));
  g_assert_no_error (error);
  return check;
}

static TendCheckVerdict *
run_for_verdict (TendCheck *check)
{
  g_autoptr(GError) error = NULL;
  TendCheckVerdict *verdict = run_check_timed (check, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (verdict);
  return verdict;
}

/* Drops the check and runs the main context until the probes still under way have
 * freed everything they hold (they hold the check until then). */
static void
drop_check (TendCheck *check)
{
  gpointer weak = check;
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  g_object_add_weak_pointer (G_OBJECT (check), &weak);
  g_object_unref (check);
  while (weak != NULL && g_get_monotonic_time () < deadline)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
  g_assert_null (weak);
}

#define assert_verdict(verdict, expected_status, expected_failure)                              \
  G_STMT_START                                                                                  \
  {                                                                                             \
    g_assert_cmpint ((verdict)->status, ==, (expected_status));                                 \
    g_assert_cmpstr (tend_check_failure_to_string ((verdict)->failure), ==,                     \
                     tend_check_failure_to_string (expected_failure));                          \
  }                                                                                             \
  G_STMT_END

static void
assert_matches (const char *message,
                const char *pattern)
{
  if (!g_regex_match_simple (pattern, message, 0, 0))
    g_error ("message \"%s\" does not match /%s/", message, pattern);
}

/* The message as it reads for @port (in place of PORT). */
static char *
for_port (const char *text,
          guint16     port)
{
  g_autoptr(GString) string = g_string_new (text);
  g_autofree char *number = g_strdup_printf ("%u", port);

  g_string_replace (string, "PORT", number, 0);
  return g_string_free (g_steal_pointer (&string), FALSE);
}

#define assert_message(verdict, text, port)                                                      \
  G_STMT_START                                                                                  \
  {                                                                                             \
    g_autofree char *expected_ = for_port ((text), (port));                                     \
    g_assert_cmpstr ((verdict)->message, ==, expected_);                                        \
  }                                                                                             \
  G_STMT_END

/* What a passing run says, as a pattern: "PONG in 0.2 ms, 1.1 MB used, 1 client" */
#define LATENCY_RE "([0-9]+ us|[0-9]+\\.[0-9] ms|[0-9]+ ms|[0-9]+\\.[0-9] s)"
#define SIZE_RE "([0-9]+ bytes|[0-9]+\\.[0-9] (kB|MB|GB))"
#define SUMMARY_RE(clients) "PONG in " LATENCY_RE ", " SIZE_RE " used, " clients

/* ------------------------------------------------------------------------------------ */
/* Construction and settings (no server)                                                 */

static void
test_new_bad_input (void)
{
  static const struct {
    const char *host;
    guint port;
    const char *message;
  } cases[] = {
    { "127.0.0.1", 0, "port: 0 is outside 1..65535" },
    { "127.0.0.1", 65536, "port: 65536 is outside 1..65535" },
    { "127.0.0.1", 70000, "port: 70000 is outside 1..65535" },
    { "127.0.0.1", G_MAXUINT, "port: 4294967295 is outside 1..65535" },
    { "", 6379, "host: must not be empty" },
    { NULL, 6379, "host: must not be empty" },
    { "redis host", 6379, "host: \"redis host\" is not a host name or an IP address" },
    { "[127.0.0.1]", 6379, "host: \"[127.0.0.1]\" is not a host name or an IP address" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TendCheck) check = tend_redis_check_new ("redis", cases[i].host, cases[i].port,
                                                         &error);

      g_assert_null (check);
      g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

static void
test_new_defaults (void)
{
  static const struct {
    const char *host;
    guint port;
    const char *connected_host;
  } cases[] = {
    { "127.0.0.1", 1, "127.0.0.1" },
    { "redis.example.org", 65535, "redis.example.org" },
    { "::1", 6379, "::1" },
    { "[::1]", 6379, "::1" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TendCheck) check = tend_redis_check_new ("cache", cases[i].host, cases[i].port,
                                                         &error);
      TendRedisCheck *redis = TEND_REDIS_CHECK (check);
      gint64 warn = 0;
      gint64 critical = 0;

      g_assert_no_error (error);
      g_assert_cmpstr (tend_check_get_kind (check), ==, "redis");
      g_assert_cmpstr (tend_check_get_name (check), ==, "cache");
      g_assert_cmpstr (tend_redis_check_get_host (redis), ==, cases[i].connected_host);
      g_assert_cmpuint (tend_redis_check_get_port (redis), ==, cases[i].port);
      g_assert_null (tend_redis_check_get_password_env (redis));
      tend_redis_check_get_memory_limits (redis, &warn, &critical);
      g_assert_cmpint (warn, ==, TEND_REDIS_CHECK_NO_LIMIT);
      g_assert_cmpint (critical, ==, TEND_REDIS_CHECK_NO_LIMIT);
      tend_redis_check_get_clients_limits (redis, &warn, &critical);
      g_assert_cmpint (warn, ==, TEND_REDIS_CHECK_NO_LIMIT);
      g_assert_cmpint (critical, ==, TEND_REDIS_CHECK_NO_LIMIT);
      tend_redis_check_get_latency_limits (redis, &warn, &critical);
      g_assert_cmpint (warn, ==, TEND_REDIS_CHECK_NO_LIMIT);
      g_assert_cmpint (critical, ==, TEND_REDIS_CHECK_NO_LIMIT);
    }
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  (*(guint *) user_data)++;
}

static void
test_settings_bad_input (void)
{
  static const char rule[] = "it holds the NAME of the environment variable that holds the "
                             "password, never the password itself: 1 to 128 of A-Z, 0-9 and "
                             "\"_\", not starting with a digit";
  static const struct {
    const char *variable;
    const char *reason;
  } env_cases[] = {
    { "", "\"\" is empty" },
    { "REDIS PASSWORD", "\"REDIS PASSWORD\" contains \" \"" },
    { "redis_password", "\"redis_password\" contains \"r\"" },
    { "PASS=hunter2", "\"PASS=hunter2\" contains \"=\"" },
    { "1PASSWORD", "\"1PASSWORD\" starts with a digit" },
  };
  static const struct {
    int figure;
    gint64 warn;
    gint64 critical;
    const char *message;
  } limit_cases[] = {
    { 0, -5, TEND_REDIS_CHECK_NO_LIMIT,
      "memory-warn: -5 is negative; give 0 or more, or -1 for no limit" },
    { 0, 2000, 1000, "memory-warn: 2000 must be below memory-critical (1000)" },
    { 0, 1000, 1000, "memory-warn: 1000 must be below memory-critical (1000)" },
    { 1, TEND_REDIS_CHECK_NO_LIMIT, -2,
      "clients-critical: -2 is negative; give 0 or more, or -1 for no limit" },
    { 1, 10, 3, "clients-warn: 10 must be below clients-critical (3)" },
    { 2, G_MININT64, 1000, "latency-warn: -9223372036854775808 is negative; give 0 or more, "
      "or -1 for no limit" },
    { 2, 5000, 5000, "latency-warn: 5000 must be below latency-critical (5000)" },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(TendCheck) check = tend_redis_check_new ("redis", "127.0.0.1", 6379, &error);
  TendRedisCheck *redis = TEND_REDIS_CHECK (check);
  g_autofree char *too_long = g_strnfill (129, 'P');
  g_autofree char *too_long_message = NULL;
  guint notified = 0;

  g_assert_no_error (error);
  g_signal_connect (check, "notify", G_CALLBACK (count_notify), &notified);

  g_assert_true (tend_redis_check_set_password_env (redis, "REDIS_PASSWORD_1", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (notified, ==, 1);
  g_assert_true (tend_redis_check_set_password_env (redis, "REDIS_PASSWORD_1", &error));
  g_assert_cmpuint (notified, ==, 1);

  for (guint i = 0; i < G_N_ELEMENTS (env_cases); i++)
    {
      g_autofree char *expected = g_strdup_printf ("password-env: %s; %s", env_cases[i].reason,
                                                   rule);

      g_assert_false (tend_redis_check_set_password_env (redis, env_cases[i].variable, &error));
      g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
      g_assert_cmpstr (error->message, ==, expected);
      g_clear_error (&error);
      /* Nothing changed */
      g_assert_cmpstr (tend_redis_check_get_password_env (redis), ==, "REDIS_PASSWORD_1");
    }

  g_assert_false (tend_redis_check_set_password_env (redis, too_long, &error));
  too_long_message = g_strdup_printf ("password-env: \"%.80s…\" is 129 characters long; %s",
                                      too_long, rule);
  g_assert_cmpstr (error->message, ==, too_long_message);
  g_clear_error (&error);
  g_assert_cmpuint (notified, ==, 1);

  g_assert_true (tend_redis_check_set_password_env (redis, NULL, &error));
  g_assert_null (tend_redis_check_get_password_env (redis));
  g_assert_cmpuint (notified, ==, 2);

  /* Limits: valid ones first, then each refusal leaves them as they were. */
  g_assert_true (tend_redis_check_set_memory_limits (redis, 100, 200, &error));
  g_assert_true (tend_redis_check_set_clients_limits (redis, 0, TEND_REDIS_CHECK_NO_LIMIT,
                                                      &error));
  g_assert_true (tend_redis_check_set_latency_limits (redis, TEND_REDIS_CHECK_NO_LIMIT, 0,
                                                      &error));
  g_assert_no_error (error);
  g_assert_cmpuint (notified, ==, 2 + 2 + 1 + 1);
  g_assert_true (tend_redis_check_set_memory_limits (redis, 100, 200, &error));
  g_assert_cmpuint (notified, ==, 6);

  for (guint i = 0; i < G_N_ELEMENTS (limit_cases); i++)
    {
      gint64 warn = 0;
      gint64 critical = 0;
      gboolean ok;

      switch (limit_cases[i].figure)
        {
        case 0:
          ok = tend_redis_check_set_memory_limits (redis, limit_cases[i].warn,
                                                   limit_cases[i].critical, &error);
          break;
        case 1:
          ok = tend_redis_check_set_clients_limits (redis, limit_cases[i].warn,
                                                    limit_cases[i].critical, &error);
          break;
        default:
          ok = tend_redis_check_set_latency_limits (redis, limit_cases[i].warn,
                                                    limit_cases[i].critical, &error);
          break;
        }
      g_assert_false (ok);
      g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
      g_assert_cmpstr (error->message, ==, limit_cases[i].message);
      g_clear_error (&error);

      tend_redis_check_get_memory_limits (redis, &warn, &critical);
      g_assert_cmpint (warn, ==, 100);
      g_assert_cmpint (critical, ==, 200);
      tend_redis_check_get_clients_limits (redis, &warn, &critical);
      g_assert_cmpint (warn, ==, 0);
      g_assert_cmpint (critical, ==, TEND_REDIS_CHECK_NO_LIMIT);
      tend_redis_check_get_latency_limits (redis, &warn, &critical);
      g_assert_cmpint (warn, ==, TEND_REDIS_CHECK_NO_LIMIT);
      g_assert_cmpint (critical, ==, 0);
    }
  g_assert_cmpuint (notified, ==, 6);
}

/* ------------------------------------------------------------------------------------ */
/* Against a server                                                                      */

static void
test_pass (void)
{
  Server server;
  TendCheck *check;

  if (!server_start (&server, NULL))
    return;
  check = new_check (server.port);

  /* Twice: a check runs again and again. */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(TendCheckVerdict) verdict = run_for_verdict (check);

      assert_verdict (verdict, TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE);
      assert_matches (verdict->message, "^" SUMMARY_RE ("1 client") "$");
      g_assert_cmpint (verdict->latency_usec, >=, 0);
      g_assert_cmpint (verdict->latency_usec, <, 5 * G_USEC_PER_SEC);
    }

  drop_check (check);
  server_stop (&server);
}

/* "localhost" is resolved first; where it has ::1 too, the server (on 127.0.0.1 only)
 * refuses that address and the next one is tried. */
static void
test_host_name (void)
{
  g_autoptr(TendCheckVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;
  Server server;
  TendCheck *check;

  if (!server_start (&server, NULL))
    return;
  check = tend_redis_check_new ("redis", "localhost", server.port, &error);
  g_assert_no_error (error);

  verdict = run_for_verdict (check);
  assert_verdict (verdict, TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE);
  assert_matches (verdict->message, "^" SUMMARY_RE ("1 client") "$");

  drop_check (check);
  server_stop (&server);
}

static void
test_password (void)
{
  static const char * const args[] = { "--requirepass", PASSWORD, NULL };
  g_autoptr(GError) error = NULL;
  Server server;
  TendCheck *check;
  TendCheckVerdict *verdict;

  if (!server_start (&server, args))
    return;
  check = new_check (server.port);

  /* No password configured: the server says NOAUTH */
  verdict = run_for_verdict (check);
  assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_PROTOCOL);
  assert_message (verdict, "127.0.0.1:PORT wants a password (\"NOAUTH Authentication "
                  "required.\"); name the environment variable that holds it in the check's "
                  "password-env", server.port);
  g_assert_cmpint (verdict->latency_usec, >=, 0);
  tend_check_verdict_free (verdict);

  g_assert_true (tend_redis_check_set_password_env (TEND_REDIS_CHECK (check), PASSWORD_ENV,
                                                    &error));
  g_assert_no_error (error);

  /* The right password */
  g_setenv (PASSWORD_ENV, PASSWORD, TRUE);
  verdict = run_for_verdict (check);
  assert_verdict (verdict, TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE);
  assert_matches (verdict->message, "^" SUMMARY_RE ("1 client") "$");
  tend_check_verdict_free (verdict);

  /* A wrong one: the message names the variable, never a password */
  g_setenv (PASSWORD_ENV, WRONG_PASSWORD, TRUE);
  verdict = run_for_verdict (check);
  assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_PROTOCOL);
  assert_message (verdict, "127.0.0.1:PORT refused the password (\"WRONGPASS invalid "
                  "username-password pair or user is disabled.\"); check the password in the "
                  "environment variable " PASSWORD_ENV, server.port);
  g_assert_null (strstr (verdict->message, WRONG_PASSWORD));
  g_assert_null (strstr (verdict->message, PASSWORD));
  tend_check_verdict_free (verdict);

  /* Not set, then empty: the check cannot run, and says which variable */
  g_unsetenv (PASSWORD_ENV);
  verdict = run_for_verdict (check);
  assert_verdict (verdict, TEND_RESULT_UNKNOWN, TEND_CHECK_FAILURE_OTHER);
  assert_message (verdict, "password-env: the environment variable " PASSWORD_ENV " is not "
                  "set; it must hold the password of the Redis server on 127.0.0.1:PORT",
                  server.port);
  g_assert_cmpint (verdict->latency_usec, ==, -1);
  tend_check_verdict_free (verdict);

  g_setenv (PASSWORD_ENV, "", TRUE);
  verdict = run_for_verdict (check);
  assert_verdict (verdict, TEND_RESULT_UNKNOWN, TEND_CHECK_FAILURE_OTHER);
  assert_message (verdict, "password-env: the environment variable " PASSWORD_ENV " is "
                  "empty; it must hold the password of the Redis server on 127.0.0.1:PORT",
                  server.port);
  tend_check_verdict_free (verdict);

  g_unsetenv (PASSWORD_ENV);
  drop_check (check);
  server_stop (&server);
}

/* A password sent to a server that has none: AUTH fails, and the message says so. */
static void
test_password_not_wanted (void)
{
  g_autoptr(TendCheckVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;
  Server server;
  TendCheck *check;

  if (!server_start (&server, NULL))
    return;
  check = new_check (server.port);
  g_assert_true (tend_redis_check_set_password_env (TEND_REDIS_CHECK (check), PASSWORD_ENV,
                                                    &error));
  g_setenv (PASSWORD_ENV, PASSWORD, TRUE);

  verdict = run_for_verdict (check);
  assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_PROTOCOL);
  assert_message (verdict, "127.0.0.1:PORT refused the password (\"ERR AUTH <password> called "
                  "without any password configured for the default user.…\"); check the "
                  "password in the environment variable " PASSWORD_ENV, server.port);
  g_assert_null (strstr (verdict->message, PASSWORD));

  g_unsetenv (PASSWORD_ENV);
  drop_check (check);
  server_stop (&server);
}

static void
test_threshold_clients (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketConnection) other = NULL;
  Server server;
  TendCheck *check;
  TendRedisCheck *redis;
  TendCheckVerdict *verdict;

  if (!server_start (&server, NULL))
    return;
  check = new_check (server.port);
  redis = TEND_REDIS_CHECK (check);

  /* The check's own connection is a client: 1 is above a limit of 0 */
  g_assert_true (tend_redis_check_set_clients_limits (redis, TEND_REDIS_CHECK_NO_LIMIT, 0,
                                                      &error));
  verdict = run_for_verdict (check);
  assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_THRESHOLD);
  assert_matches (verdict->message, "^connected clients: 1, above the critical limit of 0 \\("
                  SUMMARY_RE ("1 client") "\\)$");
  g_assert_cmpint (verdict->latency_usec, >=, 0);
  tend_check_verdict_free (verdict);

  /* A warning level alone */
  g_assert_true (tend_redis_check_set_clients_limits (redis, 0, TEND_REDIS_CHECK_NO_LIMIT,
                                                      &error));
  verdict = run_for_verdict (check);
  assert_verdict (verdict, TEND_RESULT_WARN, TEND_CHECK_FAILURE_THRESHOLD);
  assert_matches (verdict->message, "^connected clients: 1, above the warning limit of 0 \\("
                  SUMMARY_RE ("1 client") "\\)$");
  tend_check_verdict_free (verdict);

  /* At the limit is not above it */
  g_assert_true (tend_redis_check_set_clients_limits (redis, 1, 2, &error));
  verdict = run_for_verdict (check);
  assert_verdict (verdict, TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE);
  assert_matches (verdict->message, "^" SUMMARY_RE ("1 client") "$");
  tend_check_verdict_free (verdict);

  /* Another client connected: 2, above the warning level of 1, not the critical 2 */
  other = connect_to (server.port);
  g_assert_nonnull (other);
  verdict = run_for_verdict (check);
  assert_verdict (verdict, TEND_RESULT_WARN, TEND_CHECK_FAILURE_THRESHOLD);
  assert_matches (verdict->message, "^connected clients: 2, above the warning limit of 1 \\("
                  SUMMARY_RE ("2 clients") "\\)$");
  tend_check_verdict_free (verdict);

  g_assert_no_error (error);
  drop_check (check);
  g_clear_object (&other);
  server_stop (&server);
}

static void
test_threshold_memory (void)
{
  g_autoptr(GError) error = NULL;
  Server server;
  TendCheck *check;
  TendRedisCheck *redis;
  TendCheckVerdict *verdict;

  if (!server_start (&server, NULL))
    return;
  check = new_check (server.port);
  redis = TEND_REDIS_CHECK (check);

  /* A tiny critical limit: a fresh server uses about a megabyte */
  g_assert_true (tend_redis_check_set_memory_limits (redis, TEND_REDIS_CHECK_NO_LIMIT, 1000,
                                                     &error));
  verdict = run_for_verdict (check);
  assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_THRESHOLD);
  assert_matches (verdict->message, "^used memory: [0-9]+\\.[0-9] (kB|MB) \\([0-9]+ bytes\\), "
                  "above the critical limit of 1\\.0 kB \\(1000 bytes\\) \\("
                  SUMMARY_RE ("1 client") "\\)$");
  tend_check_verdict_free (verdict);

  /* Limits are said as sizes too, rounded as sizes are */
  g_assert_true (tend_redis_check_set_memory_limits (redis, TEND_REDIS_CHECK_NO_LIMIT, 499999,
                                                     &error));
  verdict = run_for_verdict (check);
  assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_THRESHOLD);
  assert_matches (verdict->message, "^used memory: [0-9]+\\.[0-9] (kB|MB) \\([0-9]+ bytes\\), "
                  "above the critical limit of 500\\.0 kB \\(499999 bytes\\) \\("
                  SUMMARY_RE ("1 client") "\\)$");
  tend_check_verdict_free (verdict);

  /* A warning level, and a critical level far above */
  g_assert_true (tend_redis_check_set_memory_limits (redis, 999, G_GINT64_CONSTANT (1) << 40,
                                                     &error));
  verdict = run_for_verdict (check);
  assert_verdict (verdict, TEND_RESULT_WARN, TEND_CHECK_FAILURE_THRESHOLD);
  assert_matches (verdict->message, "^used memory: [0-9]+\\.[0-9] (kB|MB) \\([0-9]+ bytes\\), "
                  "above the warning limit of 999 bytes \\(" SUMMARY_RE ("1 client") "\\)$");
  tend_check_verdict_free (verdict);

  /* Two figures past their limits: both are named, and the worst level wins */
  g_assert_true (tend_redis_check_set_clients_limits (redis, TEND_REDIS_CHECK_NO_LIMIT, 0,
                                                      &error));
  verdict = run_for_verdict (check);
  assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_THRESHOLD);
  assert_matches (verdict->message, "^used memory: [^;]+, above the warning limit of 999 bytes; "
                  "connected clients: 1, above the critical limit of 0 \\("
                  SUMMARY_RE ("1 client") "\\)$");
  tend_check_verdict_free (verdict);

  /* Limits far above: a pass */
  g_assert_true (tend_redis_check_set_memory_limits (redis, G_GINT64_CONSTANT (1) << 39,
                                                     G_GINT64_CONSTANT (1) << 40, &error));
  g_assert_true (tend_redis_check_set_clients_limits (redis, 100, 1000, &error));
  verdict = run_for_verdict (check);
  assert_verdict (verdict, TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE);
  tend_check_verdict_free (verdict);

  g_assert_no_error (error);
  drop_check (check);
  server_stop (&server);
}

static void
test_threshold_latency (void)
{
  g_autoptr(GError) error = NULL;
  Server server;
  TendCheck *check;
  TendRedisCheck *redis;
  TendCheckVerdict *verdict;

  if (!server_start (&server, NULL))
    return;
  check = new_check (server.port);
  redis = TEND_REDIS_CHECK (check);

  /* Any round trip takes more than 0 µs */
  g_assert_true (tend_redis_check_set_latency_limits (redis, TEND_REDIS_CHECK_NO_LIMIT, 0,
                                                      &error));
  verdict = run_for_verdict (check);
  assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_THRESHOLD);
  assert_matches (verdict->message, "^PING latency: " LATENCY_RE ", above the critical limit "
                  "of 0 us \\(" SUMMARY_RE ("1 client") "\\)$");
  g_assert_cmpint (verdict->latency_usec, >, 0);
  tend_check_verdict_free (verdict);

  /* Nor in a minute */
  g_assert_true (tend_redis_check_set_latency_limits (redis, 0, 60 * G_USEC_PER_SEC, &error));
  verdict = run_for_verdict (check);
  assert_verdict (verdict, TEND_RESULT_WARN, TEND_CHECK_FAILURE_THRESHOLD);
  assert_matches (verdict->message, "^PING latency: " LATENCY_RE ", above the warning limit "
                  "of 0 us \\(" SUMMARY_RE ("1 client") "\\)$");
  tend_check_verdict_free (verdict);

  g_assert_true (tend_redis_check_set_latency_limits (redis, 30 * G_USEC_PER_SEC,
                                                      60 * G_USEC_PER_SEC, &error));
  verdict = run_for_verdict (check);
  assert_verdict (verdict, TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE);
  tend_check_verdict_free (verdict);

  g_assert_no_error (error);
  drop_check (check);
  server_stop (&server);
}

/* A server killed with SIGKILL: the next run finds nothing listening. */
static void
test_killed (void)
{
  Server server;
  TendCheck *check;
  TendCheckVerdict *verdict;

  if (!server_start (&server, NULL))
    return;
  check = new_check (server.port);

  verdict = run_for_verdict (check);
  assert_verdict (verdict, TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE);
  tend_check_verdict_free (verdict);

  server_kill (&server);

  verdict = run_for_verdict (check);
  assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_REFUSED);
  assert_message (verdict, "connection refused on 127.0.0.1:PORT", server.port);
  g_assert_cmpint (verdict->latency_usec, ==, -1);
  tend_check_verdict_free (verdict);

  drop_check (check);
  server_stop (&server);
}

/* A server stopped with SIGSTOP still accepts connections (the kernel does) but never
 * answers: the run ends at the check's timeout, the probe lets go of its connection,
 * and once the server goes on, the check passes again. */
static void
test_stopped (void)
{
  g_autoptr(GError) error = NULL;
  Server server;
  TendCheck *check;
  TendCheckVerdict *verdict;
  gint64 started;
  gint64 took;

  if (!server_start (&server, NULL))
    return;
  check = new_check (server.port);
  g_assert_true (tend_check_set_timing (check, 2 * G_USEC_PER_SEC, 300 * 1000, &error));
  g_assert_no_error (error);

  server_signal (&server, SIGSTOP);
  started = g_get_monotonic_time ();
  verdict = run_for_verdict (check);
  took = g_get_monotonic_time () - started;
  assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_TIMEOUT);
  g_assert_cmpstr (verdict->message, ==, "no answer within 300ms (the check's timeout)");
  g_assert_cmpint (verdict->latency_usec, ==, -1);
  g_assert_cmpint (took, >=, 290 * 1000);
  g_assert_cmpint (took, <, 1500 * 1000);
  tend_check_verdict_free (verdict);

  server_signal (&server, SIGCONT);
  verdict = run_for_verdict (check);
  assert_verdict (verdict, TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE);
  assert_matches (verdict->message, "^" SUMMARY_RE ("1 client") "$");
  tend_check_verdict_free (verdict);

  drop_check (check);
  server_stop (&server);
}

static gboolean
cancel_later (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

/* The caller cancels while the probe waits for a stopped server. */
static void
test_cancelled (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TendCheckVerdict) verdict = NULL;
  Server server;
  TendCheck *check;
  gint64 started;

  if (!server_start (&server, NULL))
    return;
  check = new_check (server.port);

  server_signal (&server, SIGSTOP);
  g_timeout_add (50, cancel_later, cancellable);
  started = g_get_monotonic_time ();
  verdict = run_check_timed (check, cancellable, NULL, &error);
  g_assert_null (verdict);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (error->message, ==, "the check was cancelled");
  g_assert_cmpint (g_get_monotonic_time () - started, <, G_USEC_PER_SEC);

  drop_check (check);
  server_signal (&server, SIGCONT);
  server_stop (&server);
}

/* Killed while the probe waits for its answer: the connection is reset under hiredis,
 * which frees its context by itself, in the middle of the adapter's dispatch. */
static gboolean
kill_later (gpointer user_data)
{
  server_kill (user_data);
  return G_SOURCE_REMOVE;
}

static void
test_killed_while_waiting (void)
{
  g_autoptr(TendCheckVerdict) verdict = NULL;
  g_autofree char *prefix = NULL;
  Server server;
  TendCheck *check;

  if (!server_start (&server, NULL))
    return;
  check = new_check (server.port);

  server_signal (&server, SIGSTOP);
  g_timeout_add (100, kill_later, &server);
  verdict = run_for_verdict (check);
  assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_UNREACHABLE);
  prefix = for_port ("^connection to 127\\.0\\.0\\.1:PORT lost while waiting for the answer to "
                     "PING \\((Connection reset by peer|Server closed the connection)\\)$",
                     server.port);
  assert_matches (verdict->message, prefix);
  g_assert_cmpint (verdict->latency_usec, ==, -1);

  drop_check (check);
  server_stop (&server);
}

/* A connection that the server has taken in as a client (it answered PING on it): until
 * the server has seen the end of the connection server_start() made, it may still turn
 * new ones away. */
static GSocketConnection *
take_the_one_client (guint16 port)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  for (;;)
    {
      g_autoptr(GSocketConnection) connection = connect_to (port);
      GIOStream *stream = G_IO_STREAM (connection);
      char answer[7] = { 0 };
      gsize got = 0;

      g_assert_nonnull (connection);
      g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (stream),
                                                "PING\r\n", 6, NULL, NULL, NULL));
      g_input_stream_read_all (g_io_stream_get_input_stream (stream), answer, sizeof answer,
                               &got, NULL, NULL);
      if (got == sizeof answer && memcmp (answer, "+PONG\r\n", sizeof answer) == 0)
        return g_steal_pointer (&connection);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (10 * 1000);
    }
}

/* A server that turns new clients away with an error, and one without PING: both are
 * answers, but not PONG. */
static void
test_wrong_answers (void)
{
  static const char * const one_client[] = { "--maxclients", "1", NULL };
  static const char * const no_ping[] = { "--rename-command", "PING", "", NULL };
  g_autoptr(GSocketConnection) other = NULL;
  Server server;
  TendCheck *check;
  TendCheckVerdict *verdict;

  if (!server_start (&server, one_client))
    return;
  check = new_check (server.port);
  other = take_the_one_client (server.port);

  verdict = run_for_verdict (check);
  assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_PROTOCOL);
  assert_message (verdict, "PING on 127.0.0.1:PORT answered an error: \"ERR max number of "
                  "clients reached\"", server.port);
  tend_check_verdict_free (verdict);

  drop_check (check);
  g_clear_object (&other);
  server_stop (&server);

  if (!server_start (&server, no_ping))
    return;
  check = new_check (server.port);
  verdict = run_for_verdict (check);
  assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_PROTOCOL);
  assert_message (verdict, "PING on 127.0.0.1:PORT answered an error: \"ERR unknown command "
                  "'PING', with args beginning with: \"", server.port);
  tend_check_verdict_free (verdict);

  drop_check (check);
  server_stop (&server);
}

/* An HTTP server where Redis was expected (Python's, as Debian has it). Redis's PING
 * reads to it as a request line without a version, HTTP/0.9, so its answer is a bare
 * HTML page: the first byte is "<". */
static void
test_not_redis (void)
{
  g_autoptr(GSubprocess) http = NULL;
  g_autoptr(TendCheckVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *port_text = NULL;
  g_autofree char *directory = NULL;
  guint16 port;
  TendCheck *check;
  gint64 deadline;

  if (!g_file_test ("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("/usr/bin/python3 is not installed");
      return;
    }
  port = free_port ();
  port_text = g_strdup_printf ("%u", port);
  directory = g_dir_make_tmp ("tend-http-XXXXXX", &error);
  g_assert_no_error (error);
  http = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                           &error, "/usr/bin/python3", "-m", "http.server", "--bind",
                           "127.0.0.1", "--directory", directory, port_text, NULL);
  g_assert_no_error (error);
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  for (;;)
    {
      g_autoptr(GSocketConnection) probe = connect_to (port);

      if (probe != NULL)
        break;
      g_assert_nonnull (g_subprocess_get_identifier (http));
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (10 * 1000);
    }

  check = new_check (port);
  verdict = run_for_verdict (check);
  assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_PROTOCOL);
  assert_message (verdict, "127.0.0.1:PORT does not speak the Redis protocol (Protocol error, "
                  "got \"<\" as reply type byte)", port);

  drop_check (check);
  g_subprocess_force_exit (http);
  g_subprocess_wait (http, NULL, NULL);
  g_rmdir (directory);
}

static void
test_dns (void)
{
  g_autoptr(TendCheckVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;
  TendCheck *check;

  check = tend_redis_check_new ("redis", "tend-test.invalid", 6379, &error);
  g_assert_no_error (error);
  g_assert_true (tend_check_set_timing (check, 10 * G_USEC_PER_SEC, 5 * G_USEC_PER_SEC, &error));

  verdict = run_for_verdict (check);
  if (verdict->failure == TEND_CHECK_FAILURE_TIMEOUT)
    {
      g_test_skip ("the resolver did not answer within 5 s");
      drop_check (check);
      return;
    }
  assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_DNS);
  assert_matches (verdict->message, "^tend-test\\.invalid does not resolve \\(.+\\)$");
  g_assert_cmpint (verdict->latency_usec, ==, -1);

  drop_check (check);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_unsetenv (PASSWORD_ENV);

  g_test_add_func ("/redis-check/new/bad-input", test_new_bad_input);
  g_test_add_func ("/redis-check/new/defaults", test_new_defaults);
  g_test_add_func ("/redis-check/settings/bad-input", test_settings_bad_input);
  g_test_add_func ("/redis-check/pass", test_pass);
  g_test_add_func ("/redis-check/host-name", test_host_name);
  g_test_add_func ("/redis-check/password", test_password);
  g_test_add_func ("/redis-check/password-not-wanted", test_password_not_wanted);
  g_test_add_func ("/redis-check/threshold/clients", test_threshold_clients);
  g_test_add_func ("/redis-check/threshold/memory", test_threshold_memory);
  g_test_add_func ("/redis-check/threshold/latency", test_threshold_latency);
  g_test_add_func ("/redis-check/killed", test_killed);
  g_test_add_func ("/redis-check/killed-while-waiting", test_killed_while_waiting);
  g_test_add_func ("/redis-check/stopped", test_stopped);
  g_test_add_func ("/redis-check/cancelled", test_cancelled);
  g_test_add_func ("/redis-check/wrong-answers", test_wrong_answers);
  g_test_add_func ("/redis-check/not-redis", test_not_redis);
  g_test_add_func ("/redis-check/dns", test_dns);

  return g_test_run ();
}
