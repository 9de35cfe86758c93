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
connect_session (TendSshSession  *session,
                 GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  tend_ssh_session_connect_async (session, NULL, store_result, &result);
  return tend_ssh_session_connect_finish (session, wait_for_result (&result), error);
}

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
  g_autoptr(TendSshSession) session = new_online_session ();
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
  g_autoptr(TendSshSession) session = tend_ssh_session_new (ALIAS, 0, NULL);
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
  g_autoptr(TendSshSession) session = new_online_session ();
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
  g_autoptr(TendSshSession) session = new_online_session ();
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

typedef struct
{
  GAsyncResult *result;
} Slot;

static void
test_concurrent (void)
{
  g_autoptr(TendSshSession) session = new_online_session ();
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
  g_assert_cmpint (took, <, 6 * G_USEC_PER_SEC);
}

static void
test_timeout (void)
{
  g_autoptr(TendSshSession) session = new_online_session ();
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
  g_autoptr(TendSshSession) session = new_online_session ();
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

/* ------------------------------------------------------------------------------------ */
/* Host keys and keys                                                                    */

static void
test_host_key_unknown (void)
{
  g_autofree char *dir = g_build_filename (g_get_home_dir (), "unknown", NULL);
  g_autofree char *known = g_build_filename (dir, "known_hosts", NULL);
  g_autoptr(TendSshSession) session = NULL;
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
  g_autoptr(TendSshSession) session = NULL;
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

static void
test_auth_failed (void)
{
  g_autofree char *key = g_build_filename (g_get_home_dir (), "wrong_client_key", NULL);
  g_autofree char *pub = new_key (key);
  g_autoptr(TendSshSession) session = NULL;
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
  g_autoptr(TendSshSession) session = NULL;
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
  if (remote_port == NULL || remote_fingerprint == NULL || remote_dir == NULL)
    {
      g_print ("1..0 # SKIP needs the remote host: run under tests/tendremote.py\n");
      return 0;
    }
  /* Only the keys this test names; never a real agent of whoever runs it. */
  g_unsetenv ("SSH_AUTH_SOCK");

  ssh_dir = g_build_filename (g_get_home_dir (), ".ssh", NULL);
  g_mkdir_with_parents (ssh_dir, 0700);
  write_config (g_getenv ("TEND_REMOTE_CLIENT_KEY"));
  known = ssh_path ("known_hosts");
  theirs = read_file (g_getenv ("TEND_REMOTE_KNOWN_HOSTS"));
  write_file (known, theirs);

  g_test_add_func ("/ssh-session/quote", test_quote);
  g_test_add_func ("/ssh-session/connect", test_connect);
  g_test_add_func ("/ssh-session/quote-remote", test_quote_remote);
  g_test_add_func ("/ssh-session/exec", test_exec);
  g_test_add_func ("/ssh-session/exec-large", test_exec_large);
  g_test_add_func ("/ssh-session/concurrent", test_concurrent);
  g_test_add_func ("/ssh-session/timeout", test_timeout);
  g_test_add_func ("/ssh-session/cancel", test_cancel);
  g_test_add_func ("/ssh-session/host-key-unknown", test_host_key_unknown);
  g_test_add_func ("/ssh-session/host-key-changed", test_host_key_changed);
  g_test_add_func ("/ssh-session/auth-failed", test_auth_failed);
  g_test_add_func ("/ssh-session/unreachable", test_unreachable);
  return g_test_run ();
}
