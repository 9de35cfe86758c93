/* test-ssh-backend.c — TendSshBackend against a real remote host
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs inside tend-sandbox (the local host, with tests/units) under tests/tendremote.py,
 * which starts OpenSSH's sshd on 127.0.0.1 in front of a second sandbox systemd with
 * tests/remote-units and passes TEND_REMOTE_* in the environment. The remote's user
 * manager is reached as root with `systemctl --user` (scope user). Every command sshd is
 * asked to run is in $TEND_REMOTE_DIR/commands.log (tests/sandbox/tend-remote-record):
 * that is how the tests count round trips and prove that refused input never left.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "tend.h"
#include "tend-backend.h"
#include "tend-service.h"

#define TEST_DEADLINE_MSEC 60000
#include "test-util.h"

#define REMOTE_UNIT "tend-remote-test.service"
#define ECHO_UNIT   "tend-remote-echo.service"
#define LOCAL_UNIT  "tend-test-sleeper.service"   /* in tests/units, never on the remote */

static TendSshBackend *backend;
static TendHost *host;
static char *commands_log;

/* ------------------------------------------------------------------------------------ */

static char *
read_commands (void)
{
  char *text = NULL;

  if (!g_file_get_contents (commands_log, &text, NULL, NULL))
    return g_strdup ("");
  return text;
}

static gsize
commands_size (void)
{
  GStatBuf st;

  return g_stat (commands_log, &st) == 0 ? (gsize) st.st_size : 0;
}

/* How many commands since byte @from of the log contain @needle. */
static guint
count_commands (gsize       from,
                const char *needle)
{
  g_autofree char *text = read_commands ();
  g_auto(GStrv) lines = g_strsplit (strlen (text) >= from ? text + from : "", "\n", -1);
  guint n = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "exec: ") && strstr (lines[i], needle) != NULL)
      n++;
  return n;
}

static void
refresh (TendListFlags flags)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  tend_host_refresh_async (host, flags, NULL, store_result, &result);
  g_assert_true (tend_host_refresh_finish (host, wait_for_result (&result), &error));
  g_assert_no_error (error);
}

typedef struct
{
  const char *unit;
  const char *state;
  gboolean seen;
} ChangeWait;

static void
on_unit_changed (TendBackend *b,
                 const char  *name,
                 GVariant    *changed,
                 ChangeWait  *wait)
{
  const char *state = NULL;

  if (g_str_equal (name, wait->unit) &&
      g_variant_lookup (changed, "ActiveState", "&s", &state) &&
      g_str_equal (state, wait->state))
    wait->seen = TRUE;
}

static gboolean
service_state_is (gpointer data)
{
  ChangeWait *wait = data;
  TendService *service = tend_host_lookup_service (host, wait->unit);

  return service != NULL && g_strcmp0 (tend_service_get_active_state (service), wait->state) == 0;
}

/* ------------------------------------------------------------------------------------ */

static void
test_connect_and_list (void)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gsize before;

  tend_host_connect_async (host, NULL, store_result, &result);
  tend_host_connect_finish (host, wait_for_result (&result), &error);
  g_assert_no_error (error);
  g_assert_true (tend_host_get_connected (host));

  /* one round trip lists every unit with its state */
  before = commands_size ();
  refresh (TEND_LIST_LOADED);
  g_assert_cmpuint (count_commands (before, "list-units"), ==, 1);
  g_assert_cmpuint (count_commands (before, ""), ==, 1);
  g_assert_nonnull (tend_host_lookup_service (host, "default.target"));
  g_assert_null (tend_host_lookup_service (host, LOCAL_UNIT));

  /* with the unit files: the remote-only unit is there, the local-only one is not */
  before = commands_size ();
  refresh (TEND_LIST_UNIT_FILES);
  g_assert_nonnull (tend_host_lookup_service (host, REMOTE_UNIT));
  g_assert_nonnull (tend_host_lookup_service (host, ECHO_UNIT));
  g_assert_null (tend_host_lookup_service (host, LOCAL_UNIT));
  g_assert_cmpuint (count_commands (before, "list-unit-files"), ==, 1);
  /* cached: the next list is one command again */
  before = commands_size ();
  refresh (TEND_LIST_UNIT_FILES);
  g_assert_cmpuint (count_commands (before, ""), ==, 1);
}

static void
test_status (void)
{
  g_autoptr(TendService) service = NULL;

  run_action (host, REMOTE_UNIT, TEND_UNIT_ACTION_START);
  service = load_service (host, REMOTE_UNIT);
  g_assert_cmpstr (tend_service_get_description (service), ==,
                   "Tend test: a service on the remote host");
  g_assert_cmpstr (tend_service_get_active_state (service), ==, "active");
  g_assert_cmpstr (tend_service_get_sub_state (service), ==, "running");
  g_assert_true (tend_service_get_details_loaded (service));
  g_assert_cmpuint (tend_service_get_main_pid (service), >, 0);
  g_assert_true (g_str_has_suffix (tend_service_get_fragment_path (service), "/" REMOTE_UNIT));
  /* to the µs, in UTC, and now-ish */
  g_assert_cmpint (tend_service_get_active_since (service), >,
                   g_get_real_time () - 600 * G_USEC_PER_SEC);
  g_assert_cmpint (tend_service_get_active_since (service), <=, g_get_real_time ());
}

typedef struct
{
  guint n_done;
  guint n_found;
  guint n_not_found;
} ShowWait;

static void
got_unit (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  ShowWait *wait = user_data;
  g_autoptr(GVariant) unit = NULL;
  g_autoptr(GError) error = NULL;

  unit = tend_backend_get_unit_finish (TEND_BACKEND (object), result, &error);
  if (unit != NULL)
    wait->n_found++;
  else if (g_error_matches (error, TEND_ERROR, TEND_ERROR_NOT_FOUND))
    wait->n_not_found++;
  wait->n_done++;
}

static gboolean
all_shown (gpointer data)
{
  return ((ShowWait *) data)->n_done == 12;
}

/* The checks of a host fall due together: their reads share one systemctl show (never a
 * command per unit), and each gets its own unit's answer, a missing one too. */
static void
test_show_batched (void)
{
  const char *names[] = { REMOTE_UNIT, "tend-remote-echo.service", "tend-no-such.service",
                          "basic.target" };
  ShowWait wait = { 0 };
  gsize before = commands_size ();

  for (guint i = 0; i < 12; i++)
    tend_backend_get_unit_async (TEND_BACKEND (backend), names[i % G_N_ELEMENTS (names)],
                                 NULL, got_unit, &wait);
  g_assert_true (wait_until (all_shown, &wait));
  g_assert_cmpuint (wait.n_found, ==, 9);
  g_assert_cmpuint (wait.n_not_found, ==, 3);
  g_assert_cmpuint (count_commands (before, "'show'"), ==, 1);
  g_assert_cmpuint (count_commands (before, ""), ==, 1);
}

static void
test_control (void)
{
  ChangeWait wait = { REMOTE_UNIT, "inactive", FALSE };
  g_autoptr(TendService) service = NULL;
  gulong id;
  guint pid;
  gsize before;

  /* with the unit files, as the window lists: a stopped unit that systemd drops stays */
  refresh (TEND_LIST_UNIT_FILES);
  tend_host_set_follow_changes (host, TRUE);
  tend_backend_watch (TEND_BACKEND (backend));
  id = g_signal_connect (backend, "unit-changed", G_CALLBACK (on_unit_changed), &wait);

  run_action (host, REMOTE_UNIT, TEND_UNIT_ACTION_START);
  service = load_service (host, REMOTE_UNIT);
  pid = tend_service_get_main_pid (service);

  /* stop: the host's list follows (unit-changed from the batched list) */
  run_action (host, REMOTE_UNIT, TEND_UNIT_ACTION_STOP);
  g_assert_true (wait_until (flag_is_set, &wait.seen));
  g_assert_true (wait_until (service_state_is, &wait));

  /* start */
  wait = (ChangeWait) { REMOTE_UNIT, "active", FALSE };
  run_action (host, REMOTE_UNIT, TEND_UNIT_ACTION_START);
  g_assert_true (wait_until (flag_is_set, &wait.seen));
  g_assert_true (wait_until (service_state_is, &wait));

  /* restart: a new main process, as the details say */
  g_clear_object (&service);
  service = load_service (host, REMOTE_UNIT);
  pid = tend_service_get_main_pid (service);
  run_action (host, REMOTE_UNIT, TEND_UNIT_ACTION_RESTART);
  g_clear_object (&service);
  service = load_service (host, REMOTE_UNIT);
  g_assert_cmpuint (tend_service_get_main_pid (service), !=, pid);
  g_assert_cmpstr (tend_service_get_active_state (service), ==, "active");

  /* nothing changes: one list per interval, never a command per unit */
  spin (1000);
  before = commands_size ();
  spin (5000);
  g_assert_cmpuint (count_commands (before, "list-units"), >=, 1);
  g_assert_cmpuint (count_commands (before, "list-units"), <=, 3);
  g_assert_cmpuint (count_commands (before, "'show'"), ==, 0);
  g_assert_cmpuint (count_commands (before, ""), ==, count_commands (before, "list-units"));

  g_signal_handler_disconnect (backend, id);
}

static void
test_errors (void)
{
  TendBackendInterface *iface = TEND_BACKEND_GET_IFACE (backend);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *outcome = NULL;
  const char *argv[] = { "/bin/true", NULL };

  outcome = wait_for_action (host, "tend-no-such-unit.service", TEND_UNIT_ACTION_START, &error);
  g_assert_null (outcome);
  g_assert_error (error, TEND_ERROR, TEND_ERROR_NOT_FOUND);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  outcome = wait_for_action (host, REMOTE_UNIT, TEND_UNIT_ACTION_RELOAD, &error);
  g_assert_null (outcome);
  g_assert_error (error, TEND_ERROR, TEND_ERROR_NOT_SUPPORTED);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  g_assert_null (wait_for_service (host, "tend-no-such-unit.service", &error));
  g_assert_error (error, TEND_ERROR, TEND_ERROR_NOT_FOUND);
  g_clear_error (&error);

  iface->start_transient_async (TEND_BACKEND (backend), "x.service", NULL, argv, NULL,
                                store_result, &result);
  g_assert_false (iface->start_transient_finish (TEND_BACKEND (backend),
                                                 wait_for_result (&result), &error));
  g_assert_error (error, TEND_ERROR, TEND_ERROR_NOT_SUPPORTED);
}

static void
journal_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  *(GPtrArray **) user_data = tend_journal_reader_read_all_finish (TEND_JOURNAL_READER (object),
                                                                   result, NULL);
  if (*(GPtrArray **) user_data == NULL)
    *(GPtrArray **) user_data = g_ptr_array_new ();
}

static gboolean
entries_arrived (gpointer data)
{
  return *(GPtrArray **) data != NULL;
}

static void
test_logs (void)
{
  TendJournalQuery query = { 50, -1, FALSE };
  g_autoptr(TendJournalReader) reader = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  gboolean found = FALSE;
  gint64 deadline;

  run_action (host, ECHO_UNIT, TEND_UNIT_ACTION_RESTART);
  /* journald may take a moment to have the line (seconds on a loaded machine, with two
   * sandboxes' journals): read until it is there, for up to 30 s */
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (!found && g_get_monotonic_time () < deadline)
    {
      g_clear_object (&reader);
      g_clear_pointer (&entries, g_ptr_array_unref);
      reader = tend_host_open_journal (host, ECHO_UNIT, &query, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (reader);
      tend_journal_reader_read_all_async (reader, NULL, journal_cb, &entries);
      g_assert_true (wait_until (entries_arrived, &entries));
      for (guint i = 0; i < entries->len; i++)
        {
          TendJournalEntry *entry = entries->pdata[i];

          if (g_strcmp0 (entry->message, "tend-remote-echo: hello from the remote host") == 0)
            found = TRUE;
        }
      if (!found)
        spin (100);
    }
  g_assert_true (found);
}

static void
test_run_command (void)
{
  const char *argv[] = { "/usr/bin/systemctl", "--user", "is-active", REMOTE_UNIT, NULL };
  const char *bad[] = { "systemctl", "is-active", NULL };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TendSshResult) run = NULL;
  g_autoptr(GError) error = NULL;
  gsize size;

  tend_ssh_backend_run_command_async (backend, argv, 10000, NULL, store_result, &result);
  run = tend_ssh_backend_run_command_finish (backend, wait_for_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (run->exit_status, ==, 0);
  g_assert_nonnull (run->out);
  g_assert_cmpmem (g_bytes_get_data (run->out, &size), size, "active\n", 7);

  g_clear_object (&result);
  tend_ssh_backend_run_command_async (backend, bad, 10000, NULL, store_result, &result);
  g_assert_null (tend_ssh_backend_run_command_finish (backend, wait_for_result (&result),
                                                      &error));
  g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
}

/* The plain parser on the real remote's plain table: the same units and states as its
 * JSON (the fallback for a systemd without JSON tables). */
static void
test_plain_fallback (void)
{
  TendSshCommandContext ctx = { TEND_HOST_SCOPE_USER, TEND_INVENTORY_SUDO_NONE, 252 };
  TendSshSession *session = tend_ssh_backend_get_session (backend);
  g_autoptr(TendUnitList) plain = NULL;
  g_autoptr(TendUnitList) json = NULL;

  for (guint i = 0; i < 2; i++)
    {
      g_auto(GStrv) argv = tend_ssh_command_list_units (&ctx, i == 0);
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(TendSshResult) run = NULL;
      g_autoptr(GError) error = NULL;
      const char *text;
      gsize length;

      tend_ssh_session_exec_async (session, (const char * const *) argv, NULL, 0, NULL,
                                   store_result, &result);
      run = tend_ssh_session_exec_finish (session, wait_for_result (&result), &error);
      g_assert_no_error (error);
      g_assert_cmpint (run->exit_status, ==, 0);
      text = g_bytes_get_data (run->out, &length);
      if (i == 0)
        json = tend_ssh_parse_list_units_json (text, length, &error);
      else
        plain = tend_ssh_parse_list_units_plain (text, length, &error);
      g_assert_no_error (error);
    }

  g_assert_cmpuint (tend_unit_list_get_length (plain), ==, tend_unit_list_get_length (json));
  g_assert_cmpuint (tend_unit_list_get_length (plain), >, 5);
  for (guint i = 0; i < tend_unit_list_get_length (json); i++)
    {
      const TendUnitInfo *a = tend_unit_list_get (json, i);
      const TendUnitInfo *b = tend_unit_list_lookup (plain, a->name);

      g_assert_nonnull (b);
      g_assert_cmpstr (a->load_state, ==, b->load_state);
      g_assert_cmpstr (a->active_state, ==, b->active_state);
      g_assert_cmpstr (a->sub_state, ==, b->sub_state);
      g_assert_cmpstr (a->description, ==, b->description);
    }
  g_assert_nonnull (tend_unit_list_lookup (plain, REMOTE_UNIT));
}

/* Unit names that try to run something else: each is refused, by TendHost and by the
 * backend itself, and sshd never hears of it. */
static void
test_injection (void)
{
  static const char * const attacks[] = {
    "PWNED01;touch /tmp/x.service",
    "x.service; touch PWNED02",
    "$(touch PWNED03).service",
    "`touch PWNED04`.service",
    "'PWNED05'.service",
    "x'; touch PWNED06; '.service",
    "\"PWNED07\".service",
    "PWNED08 x.service",
    "PWNED09.service\ntouch /tmp/y",
    "-PWNED10.service",
    "--PWNED11=x.service",
    "../PWNED12.service",
    "PWNED13..service",
    "PWNED14\0;reboot.service",   /* a NUL: C sees "PWNED14", no type suffix */
    "PWNED15|id.service",
  };
  TendBackendInterface *iface = TEND_BACKEND_GET_IFACE (backend);
  TendJournalQuery query = { 10, -1, FALSE };
  g_autofree char *log = NULL;
  gsize before = commands_size ();

  g_assert_cmpuint (before, >, 0);  /* the record works: earlier commands are there */

  for (guint i = 0; i < G_N_ELEMENTS (attacks); i++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *outcome = NULL;
      g_autoptr(GVariant) unit = NULL;
      g_autoptr(TendJournalReader) reader = NULL;

      g_test_message ("attack: %s", attacks[i]);
      outcome = wait_for_action (host, attacks[i], TEND_UNIT_ACTION_STOP, &error);
      g_assert_null (outcome);
      g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);

      /* the backend's own check, without TendHost's in front of it */
      iface->run_action_async (TEND_BACKEND (backend), attacks[i], TEND_UNIT_ACTION_START, NULL,
                               store_result, &result);
      outcome = iface->run_action_finish (TEND_BACKEND (backend), wait_for_result (&result),
                                          &error);
      g_assert_null (outcome);
      g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);
      g_clear_object (&result);

      iface->get_unit_async (TEND_BACKEND (backend), attacks[i], NULL, store_result, &result);
      unit = iface->get_unit_finish (TEND_BACKEND (backend), wait_for_result (&result), &error);
      g_assert_null (unit);
      g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);

      reader = iface->open_journal (TEND_BACKEND (backend), attacks[i], &query, NULL, &error);
      g_assert_null (reader);
      g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
    }

  /* sshd's record: not one of them was sent */
  spin (500);
  log = read_commands ();
  g_assert_null (strstr (log, "PWNED"));
  g_assert_null (strstr (log, "reboot"));
  g_assert_null (strstr (log, "touch"));
}


static void
remove_user (gpointer name)
{
  g_autofree char *command = g_strdup_printf ("/usr/sbin/userdel -f %s", (char *) name);

  g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL);
}

/* Sudo mode for a user sudo does not allow: the refusal is PERMISSION_DENIED and says it
 * was sudo. Adds a user to the machine (the remote's sshd takes the test key for any
 * user), so only with TEND_TEST_SUDOERS=1. */
static void
test_sudo_refused (void)
{
  TendInventoryHost spec = { 0 };
  g_autoptr(TendSshBackend) sudo_backend = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TendUnitList) units = NULL;
  g_autofree char *sudo = g_find_program_in_path ("sudo");
  g_autofree char *outcome = NULL;

  if (g_getenv ("TEND_TEST_SUDOERS") == NULL || sudo == NULL ||
      !g_file_test ("/usr/sbin/useradd", G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("set TEND_TEST_SUDOERS=1 (with sudo and useradd) to add a user here");
      return;
    }
  /* -p '*': no password, and not locked ("!"), which sshd would refuse */
  g_spawn_command_line_sync ("/usr/sbin/useradd -M -s /bin/sh -p '*' tendsshsudo", NULL, NULL,
                             NULL, NULL);
  g_test_queue_destroy (remove_user, (gpointer) "tendsshsudo");
  /* sshd reads authorized_keys as the user: let it through the fixture's directory
   * (the private keys in it stay 0600) */
  g_chmod (g_getenv ("TEND_REMOTE_DIR"), 0711);
  if (!g_file_test (commands_log, G_FILE_TEST_EXISTS))
    g_file_set_contents (commands_log, "", 0, NULL);
  g_chmod (commands_log, 0666);

  spec.name = (char *) "remote-sudo";
  spec.kind = TEND_HOST_KIND_SSH;
  spec.address = (char *) "tend-remote";
  spec.port = (int) g_ascii_strtoll (g_getenv ("TEND_REMOTE_PORT"), NULL, 10);
  spec.user = (char *) "tendsshsudo";
  spec.scope = TEND_HOST_SCOPE_SYSTEM;
  spec.sudo = TEND_INVENTORY_SUDO_NOPASSWD;
  sudo_backend = tend_ssh_backend_new (&spec);

  tend_backend_connect_async (TEND_BACKEND (sudo_backend), NULL, store_result, &result);
  tend_backend_connect_finish (TEND_BACKEND (sudo_backend), wait_for_result (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  tend_backend_list_units_async (TEND_BACKEND (sudo_backend), TEND_LIST_LOADED, NULL,
                                 store_result, &result);
  units = tend_backend_list_units_finish (TEND_BACKEND (sudo_backend),
                                          wait_for_result (&result), &error);
  g_assert_null (units);
  g_assert_error (error, TEND_ERROR, TEND_ERROR_PERMISSION_DENIED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "sudo on remote-sudo refused"));
  g_clear_error (&error);
  g_clear_object (&result);

  tend_backend_run_action_async (TEND_BACKEND (sudo_backend), REMOTE_UNIT,
                                 TEND_UNIT_ACTION_START, NULL, store_result, &result);
  outcome = tend_backend_run_action_finish (TEND_BACKEND (sudo_backend),
                                            wait_for_result (&result), &error);
  g_assert_null (outcome);
  g_assert_error (error, TEND_ERROR, TEND_ERROR_PERMISSION_DENIED);
  g_assert_nonnull (strstr (error->message, "tendsshsudo"));

}

/* The processes sshd forked for connections (children of the listener). */
static GArray *
sshd_children (void)
{
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  GArray *pids = g_array_new (FALSE, FALSE, sizeof (int));
  int listener = (int) g_ascii_strtoll (g_getenv ("TEND_REMOTE_SSHD_PID"), NULL, 10);
  const char *entry;

  while (proc != NULL && (entry = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *path = g_strdup_printf ("/proc/%s/stat", entry);
      g_autofree char *stat = NULL;
      const char *paren;
      int pid = (int) g_ascii_strtoll (entry, NULL, 10);
      int ppid = 0;

      if (pid <= 0 || !g_file_get_contents (path, &stat, NULL, NULL))
        continue;
      paren = strrchr (stat, ')');
      if (paren != NULL && sscanf (paren + 1, " %*c %d", &ppid) == 1 && ppid == listener)
        g_array_append_val (pids, pid);
    }
  return pids;
}

static gboolean
count_is_positive (gpointer data)
{
  return *(guint *) data > 0;
}

static gboolean
host_connected (gpointer data)
{
  return tend_host_get_state (host) == TEND_HOST_STATE_CONNECTED;
}

static void
on_disconnected (TendBackend  *b,
                 const GError *error,
                 guint        *count)
{
  g_test_message ("disconnected: %s", error->message);
  (*count)++;
}

/* The connection lost under the backend (sshd's process for it killed): the backend says
 * "disconnected", the host reconnects with its backoff and follows the host again. */
static void
test_reconnect (void)
{
  g_autoptr(GArray) pids = NULL;
  guint disconnected = 0;
  gulong id;

  tend_host_set_follow_changes (host, TRUE);
  g_assert_true (wait_until (host_connected, NULL));
  id = g_signal_connect (backend, "disconnected", G_CALLBACK (on_disconnected), &disconnected);

  pids = sshd_children ();
  g_assert_cmpuint (pids->len, >, 0);
  for (guint i = 0; i < pids->len; i++)
    kill (g_array_index (pids, int, i), SIGTERM);

  g_assert_true (wait_until (count_is_positive, &disconnected));
  g_assert_cmpuint (disconnected, ==, 1);
  g_assert_true (wait_until (host_connected, NULL));

  /* and it works again: a unit's state round-trips */
  run_action (host, REMOTE_UNIT, TEND_UNIT_ACTION_RESTART);
  refresh (TEND_LIST_UNIT_FILES);
  g_assert_cmpstr (tend_service_get_active_state (tend_host_lookup_service (host, REMOTE_UNIT)),
                   ==, "active");
  g_signal_handler_disconnect (backend, id);
}

/* A condition for wait_until(): a weak pointer's object is gone. */
static gboolean
pointer_cleared (gpointer data)
{
  return *(gpointer *) data == NULL;
}

int
main (int   argc,
      char *argv[])
{
  const char *port = g_getenv ("TEND_REMOTE_PORT");
  const char *dir = g_getenv ("TEND_REMOTE_DIR");
  TendSshSession *session;
  g_autofree char *ssh_dir = NULL;
  g_autofree char *config = NULL;
  g_autofree char *known_hosts = NULL;
  g_autofree char *known = NULL;
  TendInventoryHost spec = { 0 };
  int status;

  g_test_init (&argc, &argv, NULL);

  if (port == NULL || dir == NULL)
    {
      g_print ("1..0 # SKIP no remote host: run under tests/tendremote.py (TEND_REMOTE_* "
               "unset)\n");
      return 0;
    }

  /* ~/.ssh as a user has it (HOME is the sandbox's own temporary directory) */
  ssh_dir = g_build_filename (g_get_home_dir (), ".ssh", NULL);
  g_mkdir_with_parents (ssh_dir, 0700);
  config = g_strdup_printf ("Host tend-remote\n  HostName 127.0.0.1\n  Port %s\n  User root\n"
                            "  IdentityFile %s\n  IdentitiesOnly yes\n", port,
                            g_getenv ("TEND_REMOTE_CLIENT_KEY"));
  known_hosts = g_build_filename (ssh_dir, "known_hosts", NULL);
  g_assert_true (g_file_get_contents (g_getenv ("TEND_REMOTE_KNOWN_HOSTS"), &known, NULL, NULL));
  g_assert_true (g_file_set_contents (known_hosts, known, -1, NULL));
  {
    g_autofree char *config_path = g_build_filename (ssh_dir, "config", NULL);

    g_assert_true (g_file_set_contents (config_path, config, -1, NULL));
  }
  commands_log = g_build_filename (dir, "commands.log", NULL);

  spec.name = (char *) "remote";
  spec.kind = TEND_HOST_KIND_SSH;
  spec.address = (char *) "tend-remote";
  spec.port = (int) g_ascii_strtoll (port, NULL, 10);
  spec.user = (char *) "root";
  spec.scope = TEND_HOST_SCOPE_USER;
  spec.sudo = TEND_INVENTORY_SUDO_NONE;
  backend = tend_ssh_backend_new (&spec);
  host = tend_host_new_for_backend ("remote", "remote", TEND_HOST_KIND_SSH, TEND_HOST_SCOPE_USER,
                                    TEND_BACKEND (backend));
  tend_host_set_follow_changes (host, FALSE);

  g_test_add_func ("/ssh-backend/connect-and-list", test_connect_and_list);
  g_test_add_func ("/ssh-backend/status", test_status);
  g_test_add_func ("/ssh-backend/show-batched", test_show_batched);
  g_test_add_func ("/ssh-backend/control", test_control);
  g_test_add_func ("/ssh-backend/errors", test_errors);
  g_test_add_func ("/ssh-backend/logs", test_logs);
  g_test_add_func ("/ssh-backend/run-command", test_run_command);
  g_test_add_func ("/ssh-backend/plain-fallback", test_plain_fallback);
  g_test_add_func ("/ssh-backend/injection", test_injection);
  g_test_add_func ("/ssh-backend/sudo-refused", test_sudo_refused);
  g_test_add_func ("/ssh-backend/reconnect", test_reconnect);

  status = g_test_run ();

  /* The session's thread must have stopped before exit(): its finalize joins it, and an
   * operation still in flight holds the session until its callback runs on this loop.
   * Left running, the thread went on closing a channel with libcrypto's state that
   * exit() had freed: SIGSEGV after the last test, now and then. */
  session = tend_ssh_backend_get_session (backend);
  if (session != NULL)
    g_object_add_weak_pointer (G_OBJECT (session), (gpointer *) &session);
  g_clear_object (&host);
  g_clear_object (&backend);
  g_assert_true (wait_until (pointer_cleared, &session));
  g_free (commands_log);
  return status;
}
