/* test-command-check.c — the command check running real processes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The commands are the shell scripts in tests/checks/: plugins that exit 0, 1, 2 and 3,
 * write odd or long output, die by a signal, or sleep far past the check's timeout and
 * must then be killed — they and what they started — and reaped.
 */
#define G_LOG_DOMAIN "Tend"

#include <glib/gstdio.h>
#include <string.h>

#include "tend-command-check.h"
#include "tend-duration.h"
#include "tend-error.h"
#include "test-util.h"

#define MS TEND_USEC_PER_MSEC
#define SEC TEND_USEC_PER_SEC

/* ------------------------------------------------------------------------------------ */
/* Helpers                                                                               */

/* A check of tests/checks/@name with @args after it. */
static TendCheck *
new_check_full (const char         *name,
                const char * const *args,
                gint64              timeout_usec)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(TendCheck) check = NULL;

  g_ptr_array_add (argv, check_script (name));
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (args[i]));
  g_ptr_array_add (argv, NULL);

  check = tend_command_check_new (name, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_assert_nonnull (check);
  tend_check_set_timing (check, 10 * SEC, timeout_usec, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&check);
}

static TendCheck *
new_check (const char *name)
{
  return new_check_full (name, NULL, 5 * SEC);
}

static void
assert_verdict (const TendCheckVerdict *verdict,
                TendResultStatus        status,
                TendCheckFailure        failure,
                const char             *message)
{
  g_assert_nonnull (verdict);
  g_test_message ("verdict: %s, %s, %s", tend_result_status_to_string (verdict->status),
                  tend_check_failure_to_string (verdict->failure), verdict->message);
  g_assert_cmpstr (tend_result_status_to_string (verdict->status), ==,
                   tend_result_status_to_string (status));
  g_assert_cmpstr (tend_check_failure_to_string (verdict->failure), ==,
                   tend_check_failure_to_string (failure));
  g_assert_cmpstr (verdict->message, ==, message);
}

static void
assert_run (TendCheck        *check,
            TendResultStatus  status,
            TendCheckFailure  failure,
            const char       *message)
{
  g_autoptr(TendCheckVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;

  verdict = run_check_timed (check, NULL, NULL, &error);
  g_assert_no_error (error);
  assert_verdict (verdict, status, failure, message);
  /* The base class times every run of a command. */
  g_assert_cmpint (verdict->latency_usec, >=, 0);
  g_assert_cmpint (verdict->latency_usec, <, 5 * SEC);
}

/* The state letter of /proc/PID/stat ('R', 'S', 'Z' ...), or 0 when there is no such
 * process — not even a zombie waiting to be reaped. */
static char
process_state (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *stat = NULL;
  const char *paren;

  if (!g_file_get_contents (path, &stat, NULL, NULL))
    return 0;
  paren = strrchr (stat, ')');
  g_assert_nonnull (paren);
  return paren[1] == ' ' ? paren[2] : '?';
}

static GPid
read_pid_file (const char *path)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  gint64 pid;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  g_strstrip (text);
  g_assert_true (g_ascii_string_to_signed (text, 10, 2, G_MAXINT, &pid, NULL));
  return (GPid) pid;
}

/* Iterates the main context until @path exists. */
static void
wait_for_file (const char *path)
{
  gint64 deadline = g_get_monotonic_time () + 5 * SEC;

  while (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5 * MS);
    }
}

static gboolean
process_is_dead (GPid pid)
{
  char state = process_state (pid);

  return state == 0 || state == 'Z' || state == 'X';
}

/* The sleeper's shell was reaped (no /proc entry at all: no zombie left), and the sleep
 * it started dies too: SIGKILL went to the whole process group. The sleep may take a
 * moment to be scheduled and die on a busy machine; and it was reparented when its
 * shell died, so whether it is then reaped is its new parent's business, not the
 * check's: dead is what counts. */
static void
assert_sleeper_gone (GPid shell,
                     GPid child)
{
  char state = process_state (shell);
  gint64 deadline = g_get_monotonic_time () + 5 * SEC;

  g_test_message ("shell %d: %c, its sleep %d: %c", (int) shell, state ? state : '-',
                  (int) child, process_state (child) ? process_state (child) : '-');
  g_assert_cmpint (state, ==, 0);
  while (!process_is_dead (child))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (5 * MS);
    }
}

/* ------------------------------------------------------------------------------------ */
/* Construction                                                                          */

static void
assert_refused (const char * const *argv,
                const char         *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TendCheck) check = tend_command_check_new ("cmd", argv, &error);

  g_assert_null (check);
  g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==, message);
}

static void
test_bad_argv (void)
{
  g_autofree char *not_executable = check_script ("not-executable.sh");
  g_autofree char *directory = g_path_get_dirname (not_executable);
  g_autofree char *message = NULL;
  const char * const empty[] = { NULL };

  assert_refused (NULL, "argv: must not be empty");
  assert_refused (empty, "argv: must not be empty");
  assert_refused ((const char *[]) { "ls", "-l", NULL },
                  "argv[0]: \"ls\" is not an absolute path");
  assert_refused ((const char *[]) { "./checks/ok.sh", NULL },
                  "argv[0]: \"./checks/ok.sh\" is not an absolute path");
  assert_refused ((const char *[]) { "", NULL }, "argv[0]: \"\" is not an absolute path");
  assert_refused ((const char *[]) { "/nope", NULL }, "argv[0]: /nope does not exist");
  assert_refused ((const char *[]) { "/no such/dir\n", NULL },
                  "argv[0]: \"/no such/dir\\n\" does not exist");

  message = g_strdup_printf ("argv[0]: %s is not executable", not_executable);
  assert_refused ((const char *[]) { not_executable, NULL }, message);
  g_clear_pointer (&message, g_free);

  message = g_strdup_printf ("argv[0]: %s is not a regular file", directory);
  assert_refused ((const char *[]) { directory, NULL }, message);
}

static void
test_construct (void)
{
  g_autofree char *ok = check_script ("ok.sh");
  const char * const argv[] = { ok, "--verbose", "a b", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(TendCheck) check = tend_command_check_new ("workers", argv, &error);
  const char * const *got;

  g_assert_no_error (error);
  g_assert_cmpstr (tend_check_get_kind (check), ==, "command");
  g_assert_cmpstr (tend_check_get_name (check), ==, "workers");
  got = tend_command_check_get_argv (TEND_COMMAND_CHECK (check));
  g_assert_true (g_strv_equal (got, argv));
  g_assert_cmpuint (g_strv_length ((char **) tend_command_check_get_environment (
                      TEND_COMMAND_CHECK (check))), ==, 0);
}

static void
test_bad_environment (void)
{
  g_autoptr(TendCheck) check = new_check ("env.sh");
  TendCommandCheck *command = TEND_COMMAND_CHECK (check);
  static const struct {
    const char *entry;
    const char *message;
  } cases[] = {
    { "NOEQUALS", "environment[1]: \"NOEQUALS\" is not KEY=VALUE" },
    { "=value", "environment[1]: \"=value\" is not KEY=VALUE" },
    { "1KEY=value", "environment[1]: \"1KEY=value\" is not KEY=VALUE" },
    { "A KEY=value", "environment[1]: \"A KEY=value\" is not KEY=VALUE" },
  };
  const char * const good[] = { "TEND_CHECK_COLOR=blue", NULL };
  g_autoptr(GError) error = NULL;

  g_assert_true (tend_command_check_set_environment (command, good, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char * const bad[] = { "TEND_CHECK_SHAPE=round", cases[i].entry, NULL };
      g_autofree char *message = g_strconcat (cases[i].message, " (a KEY of letters, digits "
                                              "and \"_\", not starting with a digit)", NULL);

      g_assert_false (tend_command_check_set_environment (command, bad, &error));
      g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
      g_assert_cmpstr (error->message, ==, message);
      g_clear_error (&error);
      /* Nothing changed. */
      g_assert_true (g_strv_equal (tend_command_check_get_environment (command), good));
    }
}

/* ------------------------------------------------------------------------------------ */
/* Runs                                                                                  */

static void
test_exit_statuses (void)
{
  g_autoptr(TendCheck) ok = new_check ("ok.sh");
  g_autoptr(TendCheck) warn = new_check ("warn.sh");
  g_autoptr(TendCheck) critical = new_check ("critical.sh");
  g_autoptr(TendCheck) unknown = new_check ("unknown.sh");

  assert_run (ok, TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE,
              "OK - 3 workers idle | workers=3");
  assert_run (warn, TEND_RESULT_WARN, TEND_CHECK_FAILURE_OTHER,
              "WARNING - queue at 85% of its limit");
  /* Written to stderr. */
  assert_run (critical, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_OTHER,
              "CRITICAL - /var is 99% full");
  assert_run (unknown, TEND_RESULT_UNKNOWN, TEND_CHECK_FAILURE_OTHER,
              "UNKNOWN - cannot read /proc/tend-example");
}

static void
test_silent (void)
{
  static const struct {
    const char *status;
    TendResultStatus result;
    TendCheckFailure failure;
    const char *message;
  } cases[] = {
    { "0", TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE, "exit status 0" },
    { "1", TEND_RESULT_WARN, TEND_CHECK_FAILURE_OTHER, "exit status 1" },
    { "2", TEND_RESULT_FAIL, TEND_CHECK_FAILURE_OTHER, "exit status 2" },
    { "3", TEND_RESULT_UNKNOWN, TEND_CHECK_FAILURE_OTHER, "exit status 3" },
    { "4", TEND_RESULT_UNKNOWN, TEND_CHECK_FAILURE_OTHER, "exit status 4" },
    { "127", TEND_RESULT_UNKNOWN, TEND_CHECK_FAILURE_OTHER, "exit status 127" },
    { "255", TEND_RESULT_UNKNOWN, TEND_CHECK_FAILURE_OTHER, "exit status 255" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char * const args[] = { cases[i].status, NULL };
      g_autoptr(TendCheck) check = new_check_full ("exit-with.sh", args, 5 * SEC);

      assert_run (check, cases[i].result, cases[i].failure, cases[i].message);
    }
}

static void
test_first_line (void)
{
  g_autoptr(TendCheck) blank = new_check ("blank-first-line.sh");
  g_autoptr(TendCheck) odd = new_check ("odd-line.sh");
  g_autoptr(TendCheck) long_line = new_check ("long-line.sh");
  g_autofree char *three_hundred = g_strnfill (300, 'a');
  g_autofree char *cut = g_strconcat (three_hundred, "…", NULL);

  /* An empty first line is no message, even with a second one. */
  assert_run (blank, TEND_RESULT_WARN, TEND_CHECK_FAILURE_OTHER, "exit status 1");
  /* A tab reads as a space; an escape character and a byte that is not UTF-8 as U+FFFD;
   * the spaces around the text and the "\r" of a "\r\n" go. */
  assert_run (odd, TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE,
              "tab here \xef\xbf\xbd[31mred\xef\xbf\xbd end");
  /* A long first line is cut at 300 characters. */
  assert_run (long_line, TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE, cut);
}

static void
test_flood (void)
{
  g_autoptr(TendCheck) check = new_check ("flood.sh");

  /* 1 MiB of output, kept up to 64 KiB and drained past it: the command is never
   * blocked on a full pipe. */
  assert_run (check, TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE, "OK - flooding");
}

static void
test_signal (void)
{
  g_autoptr(TendCheck) check = new_check ("signal.sh");

  assert_run (check, TEND_RESULT_UNKNOWN, TEND_CHECK_FAILURE_OTHER,
              "about to be killed (killed by signal 15, Terminated)");
}

static void
test_arguments (void)
{
  const char * const args[] = { "a b", "$HOME", "*", "", "; rm -rf /tmp/nothing", NULL };
  g_autoptr(TendCheck) check = new_check_full ("args.sh", args, 5 * SEC);

  /* Each argument arrives as it was given: no shell splits, expands or runs anything. */
  assert_run (check, TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE,
              "5|a b|$HOME|*||; rm -rf /tmp/nothing|");
}

static void
test_environment (void)
{
  g_autoptr(TendCheck) check = new_check ("env.sh");
  const char * const environment[] = { "TEND_CHECK_COLOR=blue green", "TEND_CHECK_EMPTY=",
                                       NULL };
  g_autoptr(GError) error = NULL;

  /* Tend's own environment is passed on (PATH), with the entries on top. */
  g_assert_nonnull (g_getenv ("PATH"));
  assert_run (check, TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE,
              "TEND_CHECK_COLOR=unset TEND_CHECK_EMPTY=unset PATH=set");
  g_assert_true (tend_command_check_set_environment (TEND_COMMAND_CHECK (check), environment,
                                                     &error));
  g_assert_no_error (error);
  assert_run (check, TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE,
              "TEND_CHECK_COLOR=blue green TEND_CHECK_EMPTY= PATH=set");
}

static void
test_vanished (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tend-command-check-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "gone.sh", NULL);
  g_autofree char *prefix = g_strdup_printf ("could not run %s: ", path);
  g_autoptr(TendCheck) check = NULL;
  g_autoptr(TendCheckVerdict) verdict = NULL;

  g_assert_no_error (error);
  g_file_set_contents (path, "#!/bin/sh\nexit 0\n", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, 0755), ==, 0);
  check = tend_command_check_new ("gone", (const char *[]) { path, NULL }, &error);
  g_assert_no_error (error);

  /* Deleted after the check was made: the run cannot start it. */
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
  verdict = run_check_timed (check, NULL, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("verdict: %s", verdict->message);
  g_assert_cmpint (verdict->status, ==, TEND_RESULT_UNKNOWN);
  g_assert_cmpint (verdict->failure, ==, TEND_CHECK_FAILURE_EXEC);
  g_assert_true (g_str_has_prefix (verdict->message, prefix));
  g_assert_true (g_str_has_suffix (verdict->message, "(No such file or directory)"));
  g_assert_cmpint (verdict->latency_usec, ==, -1);
}

typedef struct
{
  char *dir;
  char *shell_pid_file;
  char *child_pid_file;
} PidFiles;

static void
pid_files_init (PidFiles *files)
{
  g_autoptr(GError) error = NULL;

  files->dir = g_dir_make_tmp ("tend-command-check-XXXXXX", &error);
  g_assert_no_error (error);
  files->shell_pid_file = g_build_filename (files->dir, "shell.pid", NULL);
  files->child_pid_file = g_build_filename (files->dir, "child.pid", NULL);
}

static void
pid_files_clear (PidFiles *files)
{
  g_unlink (files->shell_pid_file);
  g_unlink (files->child_pid_file);
  g_rmdir (files->dir);
  g_free (files->dir);
  g_free (files->shell_pid_file);
  g_free (files->child_pid_file);
}

static void
test_timeout (void)
{
  PidFiles files;
  g_autoptr(TendCheck) check = NULL;
  g_autoptr(TendCheckVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;
  gint64 took;
  gint64 deadline;
  GPid shell, child;

  pid_files_init (&files);
  check = new_check_full ("sleeper.sh", (const char *[]) { files.shell_pid_file,
                                                           files.child_pid_file, NULL },
                          500 * MS);

  verdict = run_check_timed (check, NULL, &took, &error);
  g_assert_no_error (error);
  assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_TIMEOUT,
                  "no answer within 500ms (the check's timeout)");
  g_assert_cmpint (took, >=, 500 * MS);
  g_assert_cmpint (took, <, 2 * SEC);

  /* The run ends at the timeout; the kill and the reaping follow at once. */
  shell = read_pid_file (files.shell_pid_file);
  child = read_pid_file (files.child_pid_file);
  deadline = g_get_monotonic_time () + 5 * SEC;
  while (process_state (shell) != 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5 * MS);
    }
  assert_sleeper_gone (shell, child);
  pid_files_clear (&files);
}

static void
test_cancel (void)
{
  PidFiles files;
  g_autoptr(TendCheck) check = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TendCheckVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;
  gint64 cancelled_at;
  GPid shell, child;

  pid_files_init (&files);
  check = new_check_full ("sleeper.sh", (const char *[]) { files.shell_pid_file,
                                                           files.child_pid_file, NULL },
                          5 * SEC);

  tend_check_run_async (check, cancellable, store_result, &result);
  wait_for_file (files.child_pid_file);
  shell = read_pid_file (files.shell_pid_file);
  child = read_pid_file (files.child_pid_file);
  g_assert_cmpint (process_state (shell), !=, 0);
  g_assert_cmpint (process_state (child), !=, 0);

  cancelled_at = g_get_monotonic_time ();
  g_cancellable_cancel (cancellable);
  wait_for_result (&result);
  verdict = tend_check_run_finish (check, result, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (verdict);
  g_assert_cmpint (g_get_monotonic_time () - cancelled_at, <, 1 * SEC);

  /* A cancelled run ends only once the command has been killed and reaped. */
  assert_sleeper_gone (shell, child);
  pid_files_clear (&files);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/command-check/bad-argv", test_bad_argv);
  g_test_add_func ("/command-check/construct", test_construct);
  g_test_add_func ("/command-check/bad-environment", test_bad_environment);
  g_test_add_func ("/command-check/exit-statuses", test_exit_statuses);
  g_test_add_func ("/command-check/silent", test_silent);
  g_test_add_func ("/command-check/first-line", test_first_line);
  g_test_add_func ("/command-check/flood", test_flood);
  g_test_add_func ("/command-check/signal", test_signal);
  g_test_add_func ("/command-check/arguments", test_arguments);
  g_test_add_func ("/command-check/environment", test_environment);
  g_test_add_func ("/command-check/vanished", test_vanished);
  g_test_add_func ("/command-check/timeout", test_timeout);
  g_test_add_func ("/command-check/cancel", test_cancel);

  return g_test_run ();
}
