/* test-ssh-session.c — TendSshSession against a real sshd in front of a real remote systemd
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under tests/tendremote.py (which passes TEND_REMOTE_PORT, _USER, _FINGERPRINT,
 * _KNOWN_HOSTS, _CLIENT_KEY, _SSHD_PID, _DIR) inside tend-sandbox, whose HOME is a fresh
 * directory: the test writes $HOME/.ssh/config (a Host alias with HostName, Port, User
 * and IdentityFile) and $HOME/.ssh/known_hosts as a user has them, and the session finds
 * them there. Every wait is for an event with a deadline.
 *
 * The last test kills sshd (the listener and every process under it) in the middle of a
 * command, then asks tend-remote-sshd to start it again (SIGUSR1 to the wrapper, the
 * parent of TEND_REMOTE_SSHD_PID) and connects again.
 */
#include <signal.h>
#include <sys/types.h>

#include <glib/gstdio.h>

#include "tend.h"
#include "tend-ssh-session.h"

#define TEST_DEADLINE_MSEC 30000
#include "test-util.h"

#define ALIAS "tend-remote"

static const char *remote_port;
static const char *remote_fingerprint;
static const char *remote_dir;

/* ------------------------------------------------------------------------------------ */
/* Helpers                                                                               */

static char *
ssh_path (const char *name)
{
  return g_build_filename (g_get_home_dir (), ".ssh", name, NULL);
}

static void
write_file (const char *path,
            const char *contents)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents_full (path, contents, -1,
                                           G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error));
  g_assert_no_error (error);
}

static char *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_no_error (error);
  return contents;
}

/* ~/.ssh/config with the alias; @identity: the key to offer. */
static void
write_config (const char *identity)
{
  g_autofree char *path = ssh_path ("config");
  g_autofree char *config =
    g_strdup_printf ("# as a user writes it\n"
                     "Host " ALIAS "\n"
                     "  HostName 127.0.0.1\n"
                     "  Port %s\n"
                     "  User %s\n"
                     "  IdentityFile %s\n",
                     remote_port, g_getenv ("TEND_REMOTE_USER"), identity);

  write_file (path, config);
}

/* A new ed25519 key pair at @path (and @path.pub); its public line. */
static char *
new_key (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pub = g_strconcat (path, ".pub", NULL);
  const char *argv[] = { "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "other",
                         "-f", path, NULL };
  int status = 0;

  g_unlink (path);
  g_unlink (pub);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return read_file (pub);
}

static char *
fingerprint_of_file (const char *pub)
{
  const char *argv[] = { "ssh-keygen", "-l", "-E", "sha256", "-f", pub, NULL };
  g_autofree char *out = NULL;
  g_auto(GStrv) words = NULL;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               &out, NULL, NULL, NULL));
  words = g_strsplit (out, " ", 3);
  g_assert_nonnull (words[1]);
  return g_strdup (words[1]);
}

static gboolean
pointer_cleared (gpointer data)
{
  return *(gpointer *) data == NULL;
}

static gboolean
connect_session (TendSshSession  *session,
                 GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  tend_ssh_session_connect_async (session, NULL, store_result, &result);
  return tend_ssh_session_connect_finish (session, wait_for_result (&result), error);
}

/* Drops the test's reference and waits until the session is finalized (its thread
 * joined): the last reference may be the one of a task that the worker hands back to the
 * main context after the task's callback. A session outliving the test would leave its
 * thread running while the program exits. */
static void
drop_session (TendSshSession **session)
{
  TendSshSession *weak = *session;

  if (weak == NULL)
    return;
  g_object_add_weak_pointer (G_OBJECT (weak), (gpointer *) &weak);
  g_clear_object (session);
  g_assert_true (wait_until (pointer_cleared, &weak));
}

#define AUTO_SESSION __attribute__ ((cleanup (drop_session))) TendSshSession *

static TendSshSession *
new_online_session (void)
{
  g_autoptr(GError) error = NULL;
  TendSshSession *session = tend_ssh_session_new (ALIAS, 0, NULL);

  g_assert_true (connect_session (session, &error));
  g_assert_no_error (error);
  return session;
}

static TendSshResult *
exec (TendSshSession      *session,
      const char * const  *argv,
      const char          *input,
      guint                timeout_msec,
      GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) bytes = input != NULL ? g_bytes_new (input, strlen (input)) : NULL;

  tend_ssh_session_exec_async (session, argv, bytes, timeout_msec, NULL, store_result,
                               &result);
  return tend_ssh_session_exec_finish (session, wait_for_result (&result), error);
}

static char *
bytes_to_string (GBytes *bytes)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);

  return g_strndup (data, len);
}

static void
nothing (gpointer data)
{
}

/* For a condition of wait_until() that nothing on the main loop announces: the loop
 * wakes up in 50 ms and the condition is looked at again. */
static void
look_again (void)
{
  g_timeout_add_once (50, nothing, NULL);
}

/* ------------------------------------------------------------------------------------ */
/* Quoting                                                                               */

static const char * const nasty[] = {
  "plain", "", " ", "two words", "'", "''", "a'b", "\"", "\\", "\\'", "$HOME", "$(id)",
  "`id`", ";", "; rm -rf /", "&&", "|", ">", "<", "*", "?", "[a]", "~", "#", "!", "%",
  "{a,b}", "\n", "line1\nline2", "\t", "-", "--", "-rf", "..", "../..", "é ü 日本",
  "'$(id)'\"`id`\"", NULL
};

static void
test_quote (void)
{
  g_autofree char *quoted = tend_ssh_quote_argv (nasty);
  g_auto(GStrv) parsed = NULL;
  g_autoptr(GError) error = NULL;
  const char * const empty[] = { NULL };
  const char * const one[] = { "it's", NULL };
  g_autofree char *none = tend_ssh_quote_argv (empty);
  g_autofree char *its = tend_ssh_quote_argv (one);

  g_assert_cmpstr (none, ==, "");
  g_assert_cmpstr (its, ==, "'it'\\''s'");
  /* GLib's parser follows the shell's quoting rules. */
  g_assert_true (g_shell_parse_argv (quoted, NULL, &parsed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (parsed), ==, g_strv_length ((char **) nasty));
  for (guint i = 0; nasty[i] != NULL; i++)
    g_assert_cmpstr (parsed[i], ==, nasty[i]);
}

/* The remote shell gets every argument back as it was. */
static void
test_quote_remote (void)
{
  AUTO_SESSION session = new_online_session ();
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TendSshResult) result = NULL;
  g_autoptr(GString) expected = g_string_new (NULL);
  gsize len = 0;
  const char *out;

  g_ptr_array_add (argv, (char *) "printf");
  g_ptr_array_add (argv, (char *) "%s\\0");
  for (guint i = 0; nasty[i] != NULL; i++)
    {
      g_ptr_array_add (argv, (char *) nasty[i]);
      g_string_append_len (expected, nasty[i], strlen (nasty[i]) + 1);
    }
  g_ptr_array_add (argv, NULL);
  result = exec (session, (const char * const *) argv->pdata, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (result->exit_status, ==, 0);
  out = g_bytes_get_data (result->out, &len);
  g_assert_cmpmem (out, len, expected->str, expected->len);
}

/* ------------------------------------------------------------------------------------ */
/* Connecting                                                                            */

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           gpointer    user_data)
{
  g_ptr_array_add (user_data, g_strdup (pspec->name));
}

static gboolean
has_string (GPtrArray  *array,
            const char *s)
{
  for (guint i = 0; i < array->len; i++)
    if (g_strcmp0 (g_ptr_array_index (array, i), s) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
is_disconnected (gpointer session)
{
  return tend_ssh_session_get_state (session) == TEND_SSH_STATE_DISCONNECTED;
}

static void
test_connect (void)
{
  AUTO_SESSION session = tend_ssh_session_new (ALIAS, 0, NULL);
  g_autoptr(GPtrArray) notified = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *where = g_strdup_printf ("root@127.0.0.1:%s", remote_port);

  g_assert_cmpint (tend_ssh_session_get_state (session), ==, TEND_SSH_STATE_DISCONNECTED);
  g_signal_connect (session, "notify", G_CALLBACK (on_notify), notified);
  g_assert_true (connect_session (session, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tend_ssh_session_get_state (session), ==, TEND_SSH_STATE_ONLINE);
  g_assert_cmpstr (tend_ssh_state_to_string (TEND_SSH_STATE_ONLINE), ==, "online");
  g_assert_nonnull (strstr (tend_ssh_session_get_message (session), where));
  g_assert_cmpstr (tend_ssh_session_get_fingerprint (session), ==, remote_fingerprint);
  g_assert_null (tend_ssh_session_get_known_fingerprint (session));
  g_assert_true (has_string (notified, "state"));
  g_assert_true (has_string (notified, "message"));
  g_assert_true (has_string (notified, "fingerprint"));
  /* Connecting again while online changes nothing. */
  g_ptr_array_set_size (notified, 0);
  g_assert_true (connect_session (session, &error));
  spin_pending ();
  g_assert_false (has_string (notified, "state"));
  g_assert_cmpint (tend_ssh_session_get_state (session), ==, TEND_SSH_STATE_ONLINE);

  tend_ssh_session_close (session);
  g_assert_true (wait_until (is_disconnected, session));
  g_assert_nonnull (strstr (tend_ssh_session_get_message (session), ALIAS));
  /* The fingerprint seen stays. */
  g_assert_cmpstr (tend_ssh_session_get_fingerprint (session), ==, remote_fingerprint);
}

/* ------------------------------------------------------------------------------------ */
/* Commands                                                                              */

static void
test_exec (void)
{
  AUTO_SESSION session = new_online_session ();
  const char * const argv[] = { "sh", "-c", "cat; echo to-stderr >&2; exit 3", NULL };
  const char * const env[] = { "sh", "-c", "echo $TEND_REMOTE_SANDBOX", NULL };
  g_autoptr(TendSshResult) result = NULL;
  g_autoptr(TendSshResult) result2 = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *out2 = NULL;

  result = exec (session, argv, "hello\nworld", 0, &error);
  g_assert_no_error (error);
  out = bytes_to_string (result->out);
  err = bytes_to_string (result->err);
  g_assert_cmpstr (out, ==, "hello\nworld");
  g_assert_cmpstr (err, ==, "to-stderr\n");
  g_assert_cmpint (result->exit_status, ==, 3);

  /* It ran on the remote side (sshd's SetEnv there). */
  result2 = exec (session, env, NULL, 0, &error);
  g_assert_no_error (error);
  out2 = bytes_to_string (result2->out);
  g_assert_cmpstr (out2, ==, "1\n");
  g_assert_cmpint (result2->exit_status, ==, 0);
}

static void
test_exec_large (void)
{
  AUTO_SESSION session = new_online_session ();
  const char * const argv[] = { "sh", "-c", "cat; head -c 3000000 /dev/zero", NULL };
  g_autoptr(TendSshResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *input = g_malloc (2000001);

  memset (input, 'x', 2000000);
  input[2000000] = '\0';
  result = exec (session, argv, input, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (result->out), ==, 5000000);
  g_assert_cmpint (result->exit_status, ==, 0);
}

static int
compare_times (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* One command after another: each is a round trip on the open session, with no wait of
 * the worker's in between (a missed wakeup would show as a keepalive interval). */
static void
test_latency (void)
{
  AUTO_SESSION session = new_online_session ();
  const char * const argv[] = { "true", NULL };
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 median;

  for (guint i = 0; i < 30; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TendSshResult) result = NULL;
      gint64 started = g_get_monotonic_time ();
      gint64 took;

      result = exec (session, argv, NULL, 0, &error);
      took = g_get_monotonic_time () - started;
      g_assert_no_error (error);
      g_assert_cmpint (result->exit_status, ==, 0);
      g_array_append_val (times, took);
    }
  g_array_sort (times, compare_times);
  median = g_array_index (times, gint64, times->len / 2);
  g_test_message ("a command on the open session: median %.1f ms, slowest %.1f ms",
                  median / 1000.0, g_array_index (times, gint64, times->len - 1) / 1000.0);
  g_assert_cmpint (median, <, 200 * G_TIME_SPAN_MILLISECOND);
}

typedef struct
{
  GAsyncResult *result;
} Slot;

static void
test_concurrent (void)
{
  AUTO_SESSION session = new_online_session ();
  Slot slots[20] = { { NULL } };
  gint64 started = g_get_monotonic_time ();
  gint64 took;

  for (guint i = 0; i < G_N_ELEMENTS (slots); i++)
    {
      g_autofree char *script = g_strdup_printf ("sleep 1; echo %u", i);
      const char * const argv[] = { "sh", "-c", script, NULL };

      tend_ssh_session_exec_async (session, argv, NULL, 0, NULL, store_result,
                                   &slots[i].result);
    }
  for (guint i = 0; i < G_N_ELEMENTS (slots); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TendSshResult) result = NULL;
      g_autofree char *expected = g_strdup_printf ("%u\n", i);
      g_autofree char *out = NULL;

      result = tend_ssh_session_exec_finish (session, wait_for_result (&slots[i].result),
                                             &error);
      g_assert_no_error (error);
      out = bytes_to_string (result->out);
      g_assert_cmpstr (out, ==, expected);
      g_clear_object (&slots[i].result);
    }
  took = g_get_monotonic_time () - started;
  g_test_message ("20 commands of 1 s each took %.2f s", took / 1e6);
  /* Ten at a time (sshd's MaxSessions): two rounds, not twenty. */
  g_assert_cmpint (took, <, 5 * G_USEC_PER_SEC);
}

static void
test_timeout (void)
{
  AUTO_SESSION session = new_online_session ();
  const char * const argv[] = { "sleep", "30", NULL };
  g_autoptr(TendSshResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 started = g_get_monotonic_time ();

  result = exec (session, argv, NULL, 1000, &error);
  g_assert_error (error, TEND_ERROR, TEND_ERROR_TIMED_OUT);
  g_assert_null (result);
  g_assert_nonnull (strstr (error->message, "sleep"));
  g_assert_nonnull (strstr (error->message, ALIAS));
  g_assert_cmpint (g_get_monotonic_time () - started, <, 5 * G_USEC_PER_SEC);
  /* The session goes on. */
  g_clear_error (&error);
  {
    const char * const t[] = { "true", NULL };
    g_autoptr(TendSshResult) again = exec (session, t, NULL, 0, &error);

    g_assert_no_error (error);
    g_assert_cmpint (again->exit_status, ==, 0);
  }
}

static void
test_cancel (void)
{
  AUTO_SESSION session = new_online_session ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  const char * const argv[] = { "sleep", "30", NULL };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  TendSshResult *r;

  tend_ssh_session_exec_async (session, argv, NULL, 0, cancellable, store_result, &result);
  g_timeout_add_once (300, (GSourceOnceFunc) g_cancellable_cancel, cancellable);
  r = tend_ssh_session_exec_finish (session, wait_for_result (&result), &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (r);
}

/* close() ends what runs, with an error that says so, and the session can connect again. */
static void
test_close_pending (void)
{
  AUTO_SESSION session = new_online_session ();
  const char * const argv[] = { "sleep", "30", NULL };
  const char * const echo[] = { "echo", "again", NULL };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TendSshResult) again = NULL;
  g_autofree char *out = NULL;
  TendSshResult *r;

  tend_ssh_session_exec_async (session, argv, NULL, 0, NULL, store_result, &result);
  tend_ssh_session_close (session);
  r = tend_ssh_session_exec_finish (session, wait_for_result (&result), &error);
  g_assert_null (r);
  g_assert_error (error, TEND_ERROR, TEND_ERROR_CANCELLED);
  g_assert_nonnull (strstr (error->message, "sleep"));
  g_clear_error (&error);
  g_assert_true (wait_until (is_disconnected, session));

  g_assert_true (connect_session (session, &error));
  g_assert_no_error (error);
  again = exec (session, echo, NULL, 0, &error);
  g_assert_no_error (error);
  out = bytes_to_string (again->out);
  g_assert_cmpstr (out, ==, "again\n");
}

/* ------------------------------------------------------------------------------------ */
/* Host keys and keys                                                                    */

static void
test_host_key_unknown (void)
{
  g_autofree char *dir = g_build_filename (g_get_home_dir (), "unknown", NULL);
  g_autofree char *known = g_build_filename (dir, "known_hosts", NULL);
  AUTO_SESSION session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *line = NULL;

  g_mkdir_with_parents (dir, 0700);
  g_unlink (known);
  session = tend_ssh_session_new (ALIAS, 0, NULL);
  tend_ssh_session_set_known_hosts_file (session, known);

  g_assert_false (connect_session (session, &error));
  g_assert_error (error, TEND_ERROR, TEND_ERROR_HOST_KEY_UNKNOWN);
  g_assert_nonnull (strstr (error->message, remote_fingerprint));
  g_assert_cmpint (tend_ssh_session_get_state (session), ==, TEND_SSH_STATE_HOST_KEY_UNKNOWN);
  g_assert_cmpstr (tend_ssh_session_get_fingerprint (session), ==, remote_fingerprint);
  g_assert_cmpstr (tend_ssh_session_get_message (session), ==, error->message);
  g_assert_false (g_file_test (known, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  /* A wrong accepted fingerprint changes nothing. */
  tend_ssh_session_set_accept_fingerprint (session,
                                           "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  g_assert_false (connect_session (session, &error));
  g_assert_error (error, TEND_ERROR, TEND_ERROR_HOST_KEY_UNKNOWN);
  g_assert_nonnull (strstr (error->message, remote_fingerprint));
  g_assert_false (g_file_test (known, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  /* The right one: connected, and known_hosts has the key. */
  tend_ssh_session_set_accept_fingerprint (session, remote_fingerprint);
  g_assert_true (connect_session (session, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tend_ssh_session_get_state (session), ==, TEND_SSH_STATE_ONLINE);
  contents = read_file (known);
  line = g_strdup_printf ("[127.0.0.1]:%s ssh-ed25519 ", remote_port);
  g_assert_nonnull (strstr (contents, line));
  {
    g_autofree char *theirs = read_file (g_getenv ("TEND_REMOTE_KNOWN_HOSTS"));
    g_auto(GStrv) words = g_strsplit (theirs, " ", 4);

    g_assert_nonnull (strstr (contents, g_strchomp (words[2])));
  }
}

static void
test_host_key_changed (void)
{
  g_autofree char *dir = g_build_filename (g_get_home_dir (), "changed", NULL);
  g_autofree char *key = g_build_filename (dir, "other_host_key", NULL);
  g_autofree char *pub = g_strconcat (key, ".pub", NULL);
  g_autofree char *known = g_build_filename (dir, "known_hosts", NULL);
  g_autofree char *other = NULL;
  g_autofree char *other_fp = NULL;
  g_autofree char *line = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  AUTO_SESSION session = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) words = NULL;

  g_mkdir_with_parents (dir, 0700);
  other = new_key (key);
  other_fp = fingerprint_of_file (pub);
  words = g_strsplit (other, " ", 3);
  line = g_strdup_printf ("[127.0.0.1]:%s %s %s\n", remote_port, words[0], words[1]);
  write_file (known, line);
  before = read_file (known);

  session = tend_ssh_session_new (ALIAS, 0, NULL);
  tend_ssh_session_set_known_hosts_file (session, known);
  /* Accepting the new key does not override a changed one. */
  tend_ssh_session_set_accept_fingerprint (session, remote_fingerprint);
  g_assert_false (connect_session (session, &error));
  g_assert_error (error, TEND_ERROR, TEND_ERROR_HOST_KEY_CHANGED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, remote_fingerprint));
  g_assert_nonnull (strstr (error->message, other_fp));
  g_assert_cmpint (tend_ssh_session_get_state (session), ==, TEND_SSH_STATE_HOST_KEY_CHANGED);
  g_assert_cmpstr (tend_ssh_session_get_fingerprint (session), ==, remote_fingerprint);
  g_assert_cmpstr (tend_ssh_session_get_known_fingerprint (session), ==, other_fp);
  after = read_file (known);
  g_assert_cmpstr (after, ==, before);
}

/* Inside Flatpak ~/.ssh is read-only: ssh's known_hosts is read, and a key the user
 * accepts goes to Tend's own file (TEND_FLATPAK_INFO stands for /.flatpak-info). */
static void
test_host_key_flatpak (void)
{
  g_autofree char *info = g_build_filename (g_get_home_dir (), "flatpak-info", NULL);
  g_autofree char *own = g_build_filename (g_get_user_data_dir (), "tend", "known_hosts",
                                           NULL);
  g_autofree char *known = ssh_path ("known_hosts");
  g_autofree char *saved = g_strconcat (known, ".saved", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *line = NULL;
  AUTO_SESSION session = NULL;
  AUTO_SESSION again = NULL;
  g_autoptr(GError) error = NULL;

  write_file (info, "[Application]\nname=io.github.tendapp.Tend\n");
  g_setenv ("TEND_FLATPAK_INFO", info, TRUE);
  g_unlink (own);

  /* The key ~/.ssh/known_hosts has is known: connected, nothing written */
  session = tend_ssh_session_new (ALIAS, 0, NULL);
  g_assert_true (connect_session (session, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (own, G_FILE_TEST_EXISTS));

  /* Without it the key is unknown; accepted, it goes to Tend's file, not to ~/.ssh */
  g_assert_cmpint (g_rename (known, saved), ==, 0);
  again = tend_ssh_session_new (ALIAS, 0, NULL);
  g_assert_false (connect_session (again, &error));
  g_assert_error (error, TEND_ERROR, TEND_ERROR_HOST_KEY_UNKNOWN);
  g_clear_error (&error);
  tend_ssh_session_set_accept_fingerprint (again, remote_fingerprint);
  g_assert_true (connect_session (again, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (known, G_FILE_TEST_EXISTS));
  contents = read_file (own);
  line = g_strdup_printf ("[127.0.0.1]:%s ssh-ed25519 ", remote_port);
  g_assert_nonnull (strstr (contents, line));

  g_assert_cmpint (g_rename (saved, known), ==, 0);
  g_unsetenv ("TEND_FLATPAK_INFO");
}

static void
test_auth_failed (void)
{
  g_autofree char *key = g_build_filename (g_get_home_dir (), "wrong_client_key", NULL);
  g_autofree char *pub = new_key (key);
  AUTO_SESSION session = NULL;
  g_autoptr(GError) error = NULL;

  write_config (key);
  session = tend_ssh_session_new (ALIAS, 0, NULL);
  g_assert_false (connect_session (session, &error));
  write_config (g_getenv ("TEND_REMOTE_CLIENT_KEY"));
  g_assert_error (error, TEND_ERROR, TEND_ERROR_AUTH_FAILED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, key));
  g_assert_nonnull (strstr (error->message, "root"));
  g_assert_nonnull (strstr (error->message, ALIAS));
  g_assert_nonnull (strstr (error->message, "authorized_keys"));
  g_assert_cmpint (tend_ssh_session_get_state (session), ==, TEND_SSH_STATE_AUTH_FAILED);

  /* With the right key in the configuration, the same session connects. */
  g_clear_error (&error);
  g_assert_true (connect_session (session, &error));
  g_assert_no_error (error);
}

static void
test_unreachable (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  AUTO_SESSION session = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port;

  /* A port nothing listens on: bound, then closed. */
  g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, NULL);

  session = tend_ssh_session_new ("127.0.0.1", port, "root");
  g_assert_false (connect_session (session, &error));
  g_assert_error (error, TEND_ERROR, TEND_ERROR_UNREACHABLE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "127.0.0.1"));
  g_assert_cmpint (tend_ssh_session_get_state (session), ==, TEND_SSH_STATE_UNREACHABLE);
}

/* ------------------------------------------------------------------------------------ */
/* Streams                                                                               */

typedef struct
{
  GDataInputStream *data;
  GPtrArray *lines;             /* of char * */
  GArray *times;                /* gint64, when each line came */
  gboolean ended;
  GError *error;
} Reader;

static void
on_line (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Reader *reader = user_data;
  gint64 now = g_get_monotonic_time ();
  char *line = g_data_input_stream_read_line_finish_utf8 (reader->data, result, NULL,
                                                          &reader->error);

  if (line == NULL)
    {
      reader->ended = TRUE;
      return;
    }
  g_ptr_array_add (reader->lines, line);
  g_array_append_val (reader->times, now);
  g_data_input_stream_read_line_async (reader->data, G_PRIORITY_DEFAULT, NULL, on_line, reader);
}

static void
test_exec_stream (void)
{
  AUTO_SESSION session = new_online_session ();
  const char * const argv[] = { "sh", "-c", "for i in 1 2 3; do echo line$i; sleep 0.5; done",
                                NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) stream = tend_ssh_session_exec_stream (session, argv, NULL, &error);
  Reader reader = { NULL };
  gint64 spread;

  g_assert_no_error (error);
  g_assert_nonnull (stream);
  reader.data = g_data_input_stream_new (stream);
  reader.lines = g_ptr_array_new_with_free_func (g_free);
  reader.times = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_data_input_stream_read_line_async (reader.data, G_PRIORITY_DEFAULT, NULL, on_line, &reader);
  g_assert_true (wait_until (flag_is_set, &reader.ended));
  g_assert_no_error (reader.error);
  g_assert_cmpuint (reader.lines->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (reader.lines, 0), ==, "line1");
  g_assert_cmpstr (g_ptr_array_index (reader.lines, 2), ==, "line3");
  /* Each line came as it was printed, not all at the end. */
  spread = g_array_index (reader.times, gint64, 2) - g_array_index (reader.times, gint64, 0);
  g_test_message ("the lines came over %.2f s", spread / 1e6);
  g_assert_cmpint (spread, >, 700 * G_TIME_SPAN_MILLISECOND);
  g_object_unref (reader.data);
  g_ptr_array_unref (reader.lines);
  g_array_unref (reader.times);
}

typedef struct
{
  GInputStream *stream;
  gsize total;
  gboolean ended;
  GError *error;
} Counter;

static void
on_bytes (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Counter *counter = user_data;
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes_finish (counter->stream, result,
                                                              &counter->error);

  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    {
      counter->ended = TRUE;
      return;
    }
  counter->total += g_bytes_get_size (bytes);
  g_input_stream_read_bytes_async (counter->stream, 8192, G_PRIORITY_DEFAULT, NULL, on_bytes,
                                   counter);
}

static gboolean
total_positive (gpointer data)
{
  return ((Counter *) data)->total > 0;
}

/* More output than the worker keeps for a reader (1 MiB): the rest waits on the server's
 * side, none is lost, and the stream ends after the last byte. */
static void
test_exec_stream_large (void)
{
  AUTO_SESSION session = new_online_session ();
  const char * const argv[] = { "head", "-c", "20000000", "/dev/zero", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) stream = tend_ssh_session_exec_stream (session, argv, NULL, &error);
  Counter counter = { stream, 0 };

  g_assert_no_error (error);
  /* A reader that starts late: the worker's buffer fills up meanwhile. */
  spin (1000);
  g_input_stream_read_bytes_async (stream, 8192, G_PRIORITY_DEFAULT, NULL, on_bytes, &counter);
  g_assert_true (wait_until (flag_is_set, &counter.ended));
  g_assert_no_error (counter.error);
  g_assert_cmpuint (counter.total, ==, 20000000);
}

/* Closing a stream closes its channel: more streams than sshd allows sessions at once
 * (10) are opened and closed one after another, and a command still runs. */
static void
test_exec_stream_close (void)
{
  AUTO_SESSION session = new_online_session ();
  const char * const argv[] = { "sh", "-c", "while :; do echo tick; sleep 0.1; done", NULL };
  const char * const echo[] = { "echo", "after", NULL };
  g_autoptr(TendSshResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  for (guint i = 0; i < 14; i++)
    {
      g_autoptr(GInputStream) stream = tend_ssh_session_exec_stream (session, argv, NULL,
                                                                     &error);
      g_autoptr(GDataInputStream) data = NULL;
      g_autoptr(GAsyncResult) read = NULL;
      g_autofree char *line = NULL;

      g_assert_no_error (error);
      data = g_data_input_stream_new (stream);
      g_data_input_stream_read_line_async (data, G_PRIORITY_DEFAULT, NULL, store_result, &read);
      line = g_data_input_stream_read_line_finish_utf8 (data, wait_for_result (&read), NULL,
                                                        &error);
      g_assert_no_error (error);
      g_assert_cmpstr (line, ==, "tick");
      g_input_stream_close (G_INPUT_STREAM (data), NULL, NULL);
    }
  result = exec (session, echo, NULL, 10000, &error);
  g_assert_no_error (error);
  out = bytes_to_string (result->out);
  g_assert_cmpstr (out, ==, "after\n");
}

/* Cancelling a stream's cancellable ends it: its reader sees the end. */
static void
test_exec_stream_cancel (void)
{
  AUTO_SESSION session = new_online_session ();
  const char * const argv[] = { "sh", "-c", "while :; do echo tick; sleep 0.1; done", NULL };
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) stream = tend_ssh_session_exec_stream (session, argv, cancellable,
                                                                 &error);
  Counter counter = { stream, 0 };

  g_assert_no_error (error);
  g_input_stream_read_bytes_async (stream, 8192, G_PRIORITY_DEFAULT, NULL, on_bytes, &counter);
  g_assert_true (wait_until (total_positive, &counter));
  g_cancellable_cancel (cancellable);
  g_assert_true (wait_until (flag_is_set, &counter.ended));
  g_assert_no_error (counter.error);
}

/* A command on a session that never connected: an error that says so, at once. */
static void
test_exec_offline (void)
{
  AUTO_SESSION session = tend_ssh_session_new ("tend-nowhere", 0, NULL);
  const char * const argv[] = { "true", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(TendSshResult) result = exec (session, argv, NULL, 0, &error);

  g_assert_null (result);
  g_assert_error (error, TEND_ERROR, TEND_ERROR_UNREACHABLE);
  g_assert_nonnull (strstr (error->message, "tend-nowhere"));
  g_assert_cmpint (tend_ssh_session_get_state (session), ==, TEND_SSH_STATE_DISCONNECTED);
}

/* A stream of a session that is not connected: an error at once. */
static void
test_exec_stream_offline (void)
{
  AUTO_SESSION session = tend_ssh_session_new (ALIAS, 0, NULL);
  const char * const argv[] = { "true", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) stream = tend_ssh_session_exec_stream (session, argv, NULL, &error);

  g_assert_null (stream);
  g_assert_error (error, TEND_ERROR, TEND_ERROR_UNREACHABLE);
}

/* ------------------------------------------------------------------------------------ */
/* Port forwards                                                                         */

static guint16
free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* GET @path on 127.0.0.1:@port (HTTP/1.0, the server closes); the whole answer, or NULL
 * when the connection failed or was closed without one. */
static char *
http_get (guint16     port,
          const char *path)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GByteArray) answer = g_byte_array_new ();
  g_autofree char *request = g_strdup_printf ("GET %s HTTP/1.0\r\n\r\n", path);
  GOutputStream *out;
  GInputStream *in;
  guint8 buffer[4096];
  gssize n;

  g_socket_client_set_timeout (client, 5);
  g_socket_client_set_enable_proxy (client, FALSE);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, NULL);
  if (connection == NULL)
    return NULL;
  out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  if (!g_output_stream_write_all (out, request, strlen (request), NULL, NULL, NULL))
    return NULL;
  while ((n = g_input_stream_read (in, buffer, sizeof buffer, NULL, NULL)) > 0)
    g_byte_array_append (answer, buffer, n);
  if (answer->len == 0)
    return NULL;
  g_byte_array_append (answer, (const guint8 *) "", 1);
  return (char *) g_byte_array_free (g_steal_pointer (&answer), FALSE);
}

/* The first line a server on 127.0.0.1:@port says (an SSH banner), or NULL when the
 * connection is closed without one. */
static char *
read_banner (guint16 port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GDataInputStream) data = NULL;

  g_socket_client_set_timeout (client, 5);
  g_socket_client_set_enable_proxy (client, FALSE);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, NULL);
  if (connection == NULL)
    return NULL;
  data = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  return g_data_input_stream_read_line_utf8 (data, NULL, NULL, NULL);
}

typedef struct
{
  guint16 port;
  char *answer;
} Fetch;

static gboolean
fetched (gpointer data)
{
  Fetch *fetch = data;

  g_free (fetch->answer);
  fetch->answer = http_get (fetch->port, "/proof.txt");
  if (fetch->answer == NULL || !g_str_has_prefix (fetch->answer, "HTTP/1.0 200"))
    {
      look_again ();   /* the server may still be starting */
      return FALSE;
    }
  return TRUE;
}

static void
test_forward (void)
{
  AUTO_SESSION session = new_online_session ();
  g_autoptr(GError) error = NULL;
  guint16 remote = free_port ();
  g_autofree char *remote_text = g_strdup_printf ("%u", remote);
  g_autofree char *unit = g_strdup_printf ("tend-test-http-%u.service", remote);
  const char * const prepare[] = {
    "sh", "-c", "mkdir -p \"$XDG_RUNTIME_DIR/www\" && echo served-by-the-remote > "
    "\"$XDG_RUNTIME_DIR/www/proof.txt\" && printf %s \"$XDG_RUNTIME_DIR/www\"", NULL
  };
  g_autoptr(TendSshResult) prepared = exec (session, prepare, NULL, 0, &error);
  g_autofree char *www = NULL;
  g_autofree char *local_copy = NULL;
  g_autoptr(TendSshResult) started = NULL;
  g_autoptr(TendSshResult) stopped = NULL;
  Fetch fetch = { 0 };
  guint16 port, again, other;

  g_assert_no_error (error);
  www = bytes_to_string (prepared->out);
  /* The file is in the remote's own runtime directory, not visible here. */
  local_copy = g_build_filename (www, "proof.txt", NULL);
  g_assert_false (g_file_test (local_copy, G_FILE_TEST_EXISTS));
  {
    const char * const run[] = { "systemd-run", "--user", "--unit", unit, "--",
                                 "/usr/bin/python3", "-m", "http.server", "--bind", "127.0.0.1",
                                 "--directory", www, remote_text, NULL };

    started = exec (session, run, NULL, 0, &error);
    g_assert_no_error (error);
    g_assert_cmpint (started->exit_status, ==, 0);
  }

  port = tend_ssh_session_add_forward (session, "127.0.0.1", remote, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (port, >, 0);
  g_assert_cmpuint (port, !=, remote);
  again = tend_ssh_session_add_forward (session, "127.0.0.1", remote, &error);
  g_assert_cmpuint (again, ==, port);
  other = tend_ssh_session_add_forward (session, "127.0.0.1", remote + 1, &error);
  g_assert_cmpuint (other, !=, port);

  fetch.port = port;
  g_assert_true (wait_until (fetched, &fetch));
  g_assert_nonnull (strstr (fetch.answer, "served-by-the-remote"));
  g_free (fetch.answer);
  fetch.answer = NULL;

  /* Several at once, each on its own channel. */
  {
    for (guint i = 0; i < 5; i++)
      {
        g_autofree char *answer = http_get (port, "/proof.txt");

        g_assert_nonnull (answer);
        g_assert_true (g_str_has_prefix (answer, "HTTP/1.0 200"));
      }
  }
  {
    const char * const stop[] = { "systemctl", "--user", "stop", unit, NULL };

    stopped = exec (session, stop, NULL, 0, &error);
    g_assert_no_error (error);
  }
  /* Nothing listens there now: the connection is closed without an answer, and the
   * session goes on. */
  {
    g_autofree char *answer = http_get (port, "/proof.txt");

    g_assert_null (answer);
  }
  {
    const char * const t[] = { "true", NULL };
    g_autoptr(TendSshResult) still = exec (session, t, NULL, 0, &error);

    g_assert_no_error (error);
  }
}

/* ------------------------------------------------------------------------------------ */
/* The connection lost                                                                   */

static pid_t
current_sshd_pid (void)
{
  g_autofree char *path = g_build_filename (remote_dir, "sshd.pid", NULL);
  g_autofree char *text = NULL;

  if (g_file_get_contents (path, &text, NULL, NULL))
    return atoi (text);
  return atoi (g_getenv ("TEND_REMOTE_SSHD_PID"));
}

/* sshd's listener and every process under it. */
static GArray *
sshd_processes (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc", 0, NULL);
  g_autoptr(GHashTable) parent = g_hash_table_new (NULL, NULL);
  GArray *pids = g_array_new (FALSE, FALSE, sizeof (pid_t));
  const char *name;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/proc", name, "stat", NULL);
      g_autofree char *stat = NULL;
      const char *end;
      char state;
      int ppid;

      if (!g_ascii_isdigit (name[0]) || !g_file_get_contents (path, &stat, NULL, NULL))
        continue;
      end = strrchr (stat, ')');
      if (end == NULL || sscanf (end + 2, "%c %d", &state, &ppid) != 2)
        continue;
      g_hash_table_insert (parent, GINT_TO_POINTER (atoi (name)), GINT_TO_POINTER (ppid));
    }
  {
    pid_t root = current_sshd_pid ();

    g_array_append_val (pids, root);
  }
  for (guint i = 0; i < pids->len; i++)
    {
      GHashTableIter iter;
      gpointer pid, ppid;

      g_hash_table_iter_init (&iter, parent);
      while (g_hash_table_iter_next (&iter, &pid, &ppid))
        if (GPOINTER_TO_INT (ppid) == g_array_index (pids, pid_t, i))
          {
            pid_t child = GPOINTER_TO_INT (pid);

            g_array_append_val (pids, child);
          }
    }
  return pids;
}

static void
signal_sshd (int sig)
{
  g_autoptr(GArray) pids = sshd_processes ();

  for (guint i = 0; i < pids->len; i++)
    kill (g_array_index (pids, pid_t, i), sig);
}

static gboolean
a_sleep_runs (gpointer data)
{
  g_autoptr(GArray) pids = sshd_processes ();

  for (guint i = 0; i < pids->len; i++)
    {
      g_autofree char *path = g_strdup_printf ("/proc/%d/comm",
                                               (int) g_array_index (pids, pid_t, i));
      g_autofree char *comm = NULL;

      if (g_file_get_contents (path, &comm, NULL, NULL) && g_str_has_prefix (comm, "sleep"))
        return TRUE;
    }
  look_again ();
  return FALSE;
}

static gboolean
port_answers (gpointer data)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;

  g_socket_client_set_enable_proxy (client, FALSE);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", atoi (remote_port), NULL,
                                                NULL);
  if (connection == NULL)
    look_again ();
  return connection != NULL;
}

static guint
count_in_sshd_log (const char *what)
{
  g_autofree char *path = g_build_filename (remote_dir, "sshd.log", NULL);
  g_autofree char *log = NULL;
  guint n = 0;

  if (!g_file_get_contents (path, &log, NULL, NULL))
    return 0;
  for (const char *p = strstr (log, what); p != NULL; p = strstr (p + 1, what))
    n++;
  return n;
}

typedef struct
{
  guint listening;             /* "Server listening" lines before the restart */
  guint in_use;                /* "Address already in use" lines before it */
} Restart;

static gboolean
sshd_listens_again (gpointer data)
{
  Restart *restart = data;

  if (count_in_sshd_log ("Server listening on") > restart->listening ||
      count_in_sshd_log ("Address already in use") > restart->in_use)
    return TRUE;
  look_again ();
  return FALSE;
}

static gboolean sshd_restart_skipped;

/* SIGUSR1 to tend-remote-sshd starts sshd again on its port; waits until sshd.log says
 * it listens. Another process may have taken the free port in the meantime (the
 * machine's other tests pick free ports too): the rest of the test is skipped then. */
static void
restart_sshd (pid_t wrapper)
{
  Restart restart = { count_in_sshd_log ("Server listening on"),
                      count_in_sshd_log ("Address already in use") };

  g_assert_cmpint (kill (wrapper, SIGUSR1), ==, 0);
  g_assert_true (wait_until (sshd_listens_again, &restart));
  if (count_in_sshd_log ("Address already in use") > restart.in_use)
    {
      sshd_restart_skipped = TRUE;
      g_test_skip ("another process took sshd's port while sshd was down");
      return;
    }
  g_assert_true (wait_until (port_answers, NULL));
}

static void
on_disconnected (TendSshSession *session,
                 GError         *error,
                 gpointer        user_data)
{
  GError **out = user_data;

  g_assert_nonnull (error);
  g_clear_error (out);
  *out = g_error_copy (error);
}

static gboolean
error_set (gpointer data)
{
  return *(GError **) data != NULL;
}

/* The server stops answering (its processes stopped): keepalives find out. */
static void
test_keepalive (void)
{
  AUTO_SESSION session = tend_ssh_session_new (ALIAS, 0, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) lost = NULL;
  gint64 started;

  tend_ssh_session_set_keepalive_interval (session, 300);
  g_signal_connect (session, "disconnected", G_CALLBACK (on_disconnected), &lost);
  g_assert_true (connect_session (session, &error));
  /* Answered keepalives keep it up. */
  spin (1500);
  g_assert_null (lost);
  g_assert_cmpint (tend_ssh_session_get_state (session), ==, TEND_SSH_STATE_ONLINE);

  signal_sshd (SIGSTOP);
  started = g_get_monotonic_time ();
  g_assert_true (wait_until_full (error_set, &lost, 5000));
  signal_sshd (SIGCONT);
  g_test_message ("lost after %.2f s: %s", (g_get_monotonic_time () - started) / 1e6,
                  lost->message);
  g_assert_error (lost, TEND_ERROR, TEND_ERROR_UNREACHABLE);
  g_assert_cmpint (tend_ssh_session_get_state (session), ==, TEND_SSH_STATE_UNREACHABLE);
}

static void
test_sshd_killed (void)
{
  AUTO_SESSION session = new_online_session ();
  const char * const argv[] = { "sleep", "20", NULL };
  const char * const echo[] = { "echo", "back", NULL };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) lost = NULL;
  g_autoptr(TendSshResult) after = NULL;
  g_autofree char *out = NULL;
  TendSshResult *r;
  gint64 started;
  guint16 forward;
  pid_t wrapper = atoi (g_getenv ("TEND_REMOTE_SSHD_WRAPPER_PID") ?: "0");

  if (wrapper <= 0)
    {
      g_test_skip ("tendremote.py did not say how to restart sshd");
      return;
    }
  g_signal_connect (session, "disconnected", G_CALLBACK (on_disconnected), &lost);
  /* A forward to sshd's own port on the remote: its banner comes through. */
  forward = tend_ssh_session_add_forward (session, "127.0.0.1", atoi (remote_port), &error);
  g_assert_no_error (error);
  {
    g_autofree char *banner = read_banner (forward);

    g_assert_nonnull (banner);
    g_assert_true (g_str_has_prefix (banner, "SSH-2.0-"));
  }

  tend_ssh_session_exec_async (session, argv, NULL, 15000, NULL, store_result, &result);
  g_assert_true (wait_until (a_sleep_runs, NULL));
  signal_sshd (SIGKILL);
  started = g_get_monotonic_time ();
  r = tend_ssh_session_exec_finish (session, wait_for_result (&result), &error);
  g_test_message ("the command failed after %.2f s: %s",
                  (g_get_monotonic_time () - started) / 1e6, error ? error->message : "");
  g_assert_null (r);
  g_assert_error (error, TEND_ERROR, TEND_ERROR_UNREACHABLE);
  g_assert_nonnull (strstr (error->message, ALIAS));
  g_assert_cmpint (g_get_monotonic_time () - started, <, 15 * G_USEC_PER_SEC);
  g_clear_error (&error);
  g_assert_true (wait_until (error_set, &lost));
  g_assert_error (lost, TEND_ERROR, TEND_ERROR_UNREACHABLE);
  g_assert_cmpint (tend_ssh_session_get_state (session), ==, TEND_SSH_STATE_UNREACHABLE);
  g_assert_nonnull (strstr (tend_ssh_session_get_message (session), ALIAS));

  /* Offline: a command fails at once, a forwarded connection is closed at once. */
  r = exec (session, echo, NULL, 0, &error);
  g_assert_null (r);
  g_assert_error (error, TEND_ERROR, TEND_ERROR_UNREACHABLE);
  g_clear_error (&error);
  {
    g_autofree char *banner = read_banner (forward);

    g_assert_null (banner);
  }
  /* sshd is down: connecting fails as unreachable. */
  g_assert_false (connect_session (session, &error));
  g_assert_error (error, TEND_ERROR, TEND_ERROR_UNREACHABLE);
  g_clear_error (&error);

  /* sshd comes back: the same session connects again. */
  restart_sshd (wrapper);
  if (sshd_restart_skipped)
    return;
  g_assert_true (connect_session (session, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tend_ssh_session_get_state (session), ==, TEND_SSH_STATE_ONLINE);
  after = exec (session, echo, NULL, 0, &error);
  g_assert_no_error (error);
  out = bytes_to_string (after->out);
  g_assert_cmpstr (out, ==, "back\n");
  /* The forward kept its local port, and works again. */
  g_assert_cmpuint (tend_ssh_session_add_forward (session, "127.0.0.1", atoi (remote_port),
                                                  &error), ==, forward);
  {
    g_autofree char *banner = read_banner (forward);

    g_assert_nonnull (banner);
    g_assert_true (g_str_has_prefix (banner, "SSH-2.0-"));
  }
}

/* ------------------------------------------------------------------------------------ */

int
main (int   argc,
      char *argv[])
{
  g_autofree char *ssh_dir = NULL;
  g_autofree char *known = NULL;
  g_autofree char *theirs = NULL;

  g_test_init (&argc, &argv, NULL);

  remote_port = g_getenv ("TEND_REMOTE_PORT");
  remote_fingerprint = g_getenv ("TEND_REMOTE_FINGERPRINT");
  remote_dir = g_getenv ("TEND_REMOTE_DIR");
  g_test_add_func ("/ssh-session/quote", test_quote);
  g_test_add_func ("/ssh-session/exec-offline", test_exec_offline);
  g_test_add_func ("/ssh-session/exec-stream-offline", test_exec_stream_offline);
  if (remote_port == NULL || remote_fingerprint == NULL || remote_dir == NULL)
    {
      /* The unit suite's run (ssh-session-offline): what needs no server. */
      g_test_message ("no remote host (TEND_REMOTE_*): only the tests that need none run");
      return g_test_run ();
    }
  /* Only the keys this test names; never a real agent of whoever runs it. */
  g_unsetenv ("SSH_AUTH_SOCK");

  ssh_dir = g_build_filename (g_get_home_dir (), ".ssh", NULL);
  g_mkdir_with_parents (ssh_dir, 0700);
  write_config (g_getenv ("TEND_REMOTE_CLIENT_KEY"));
  known = ssh_path ("known_hosts");
  theirs = read_file (g_getenv ("TEND_REMOTE_KNOWN_HOSTS"));
  write_file (known, theirs);

  g_test_add_func ("/ssh-session/connect", test_connect);
  g_test_add_func ("/ssh-session/quote-remote", test_quote_remote);
  g_test_add_func ("/ssh-session/exec", test_exec);
  g_test_add_func ("/ssh-session/exec-large", test_exec_large);
  g_test_add_func ("/ssh-session/latency", test_latency);
  g_test_add_func ("/ssh-session/concurrent", test_concurrent);
  g_test_add_func ("/ssh-session/timeout", test_timeout);
  g_test_add_func ("/ssh-session/cancel", test_cancel);
  g_test_add_func ("/ssh-session/close-pending", test_close_pending);
  g_test_add_func ("/ssh-session/host-key-unknown", test_host_key_unknown);
  g_test_add_func ("/ssh-session/host-key-changed", test_host_key_changed);
  g_test_add_func ("/ssh-session/host-key-flatpak", test_host_key_flatpak);
  g_test_add_func ("/ssh-session/auth-failed", test_auth_failed);
  g_test_add_func ("/ssh-session/unreachable", test_unreachable);
  g_test_add_func ("/ssh-session/exec-stream", test_exec_stream);
  g_test_add_func ("/ssh-session/exec-stream-large", test_exec_stream_large);
  g_test_add_func ("/ssh-session/exec-stream-close", test_exec_stream_close);
  g_test_add_func ("/ssh-session/exec-stream-cancel", test_exec_stream_cancel);
  g_test_add_func ("/ssh-session/forward", test_forward);
  g_test_add_func ("/ssh-session/keepalive", test_keepalive);
  /* Last: it kills sshd (and starts it again). */
  g_test_add_func ("/ssh-session/sshd-killed", test_sshd_killed);
  return g_test_run ();
}
