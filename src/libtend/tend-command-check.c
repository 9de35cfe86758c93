/* tend-command-check.c — a check that runs a command (the Nagios plugin convention)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One run spawns the argv with GSubprocess — no shell — in a process group of its own
 * (inside Flatpak, `flatpak-spawn --host … -- ARGV` runs the same argv on the host:
 * tend-sandbox.c),
 * with stdout and stderr going to one pipe that the run reads asynchronously (keeping
 * the first TEND_COMMAND_CHECK_MAX_OUTPUT bytes and dropping the rest), and waits for the
 * command to exit. The exit status is the verdict: 0 pass, 1 warn, 2 fail, anything
 * else or a signal unknown; the first line of the output is the message.
 *
 * When the run is cancelled (by the caller or by the base class at the check's
 * timeout) the whole process group gets SIGKILL, and the run still waits until the
 * command has been reaped before it ends, so that no run leaves a process behind.
 */
#define G_LOG_DOMAIN "Tend-Checks"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "tend-check-private.h"
#include "tend-command-check.h"
#include "tend-duration.h"
#include "tend-error.h"
#include "tend-host.h"
#include "tend-sandbox.h"
#include "tend-ssh-backend.h"
#include "tend-util-private.h"

/* How many characters of the output's first line become the message. */
#define MESSAGE_MAX_CHARS 300

struct _TendCommandCheck
{
  TendCheck parent_instance;

  GStrv argv;                       /* (owned) argv[0] an absolute path */
  GStrv environment;                /* (owned) KEY=VALUE, never NULL */
};

G_DEFINE_FINAL_TYPE (TendCommandCheck, tend_command_check, TEND_TYPE_CHECK)

enum {
  PROP_0,
  PROP_ARGV,
  PROP_ENVIRONMENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ------------------------------------------------------------------------------------ */
/* Validation                                                                            */

/* A path as a message shows it: as it is when it reads plainly, quoted otherwise. */
static char *
display_path (const char *path)
{
  if (g_utf8_validate (path, -1, NULL))
    {
      const char *p;

      for (p = path; *p != '\0'; p = g_utf8_next_char (p))
        {
          gunichar c = g_utf8_get_char (p);

          if (!g_unichar_isgraph (c) || c == '"' || c == '\\')
            break;
        }
      if (*p == '\0' && p != path)
        return g_strdup (path);
    }
  return tend_quote_for_message (path, -1);
}

/* "/usr/bin/check_disk -w 10%": a program that is there before a blank, or an option
 * after one */
static gboolean
looks_like_command_line (const char *path)
{
  gsize first = strcspn (path, " \t");
  g_autofree char *program = NULL;

  if (path[first] == '\0')
    return FALSE;
  if (strstr (path, " -") != NULL || strstr (path, "\t-") != NULL)
    return TRUE;
  program = g_strndup (path, first);
  return g_file_test (program, G_FILE_TEST_IS_REGULAR);
}

static gboolean
validate_argv (const char * const  *argv,
               GError             **error)
{
  const char *path;
  g_autofree char *shown = NULL;

  if (argv == NULL || argv[0] == NULL)
    {
      g_set_error_literal (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                           "argv: must not be empty");
      return FALSE;
    }

  path = argv[0];
  if (!g_path_is_absolute (path))
    {
      g_autofree char *quoted = tend_quote_for_message (path, -1);

      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   "argv[0]: %s is not an absolute path", quoted);
      return FALSE;
    }

  shown = display_path (path);
  if (!g_file_test (path, G_FILE_TEST_EXISTS) && looks_like_command_line (path))
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   "argv[0]: %s does not exist; it looks like a whole command line, but the "
                   "program and each of its arguments are elements of argv of their own, as "
                   "no shell splits them", shown);
      return FALSE;
    }
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   "argv[0]: %s does not exist", shown);
      return FALSE;
    }
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   "argv[0]: %s is not a regular file", shown);
      return FALSE;
    }
  if (access (path, X_OK) != 0)
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   "argv[0]: %s is not executable", shown);
      return FALSE;
    }
  return TRUE;
}

static gboolean
environment_key_is_valid (const char *entry,
                          gsize       key_len)
{
  if (key_len == 0 || g_ascii_isdigit (entry[0]))
    return FALSE;
  for (gsize i = 0; i < key_len; i++)
    if (!g_ascii_isalnum (entry[i]) && entry[i] != '_')
      return FALSE;
  return TRUE;
}

static gboolean
validate_environment (const char * const  *environment,
                      GError             **error)
{
  for (guint i = 0; environment != NULL && environment[i] != NULL; i++)
    {
      const char *equals = strchr (environment[i], '=');

      if (equals == NULL || !environment_key_is_valid (environment[i], equals - environment[i]))
        {
          g_autofree char *quoted = tend_quote_for_message (environment[i], -1);

          g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                       "environment[%u]: %s is not KEY=VALUE (a KEY of letters, digits and "
                       "\"_\", not starting with a digit)", i, quoted);
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * tend_command_check_new:
 * @name: the check's name
 * @argv: the command and its arguments; argv[0] an absolute path to an executable file.
 *   No shell is involved: each element is one argument as it is.
 * @error: where to say which argument is wrong
 *
 * A check that runs @argv and reads its exit status as a Nagios plugin's: 0 pass,
 * 1 warn, 2 fail, anything else (or death by a signal) unknown. The first line of
 * its output (stdout and stderr together) is the verdict's message.
 *
 * Returns: (transfer full) (nullable): the check, or %NULL with
 *   %TEND_ERROR_INVALID_ARGUMENT naming the field and the rule
 *   ("argv[0]: \"ls\" is not an absolute path")
 */
TendCheck *
tend_command_check_new (const char          *name,
                        const char * const  *argv,
                        GError             **error)
{
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!validate_argv (argv, error))
    return NULL;

  return g_object_new (TEND_TYPE_COMMAND_CHECK,
                       "name", name,
                       "argv", argv,
                       NULL);
}

/**
 * tend_command_check_new_for_host:
 * @name: the check's name
 * @argv: the command and its arguments, as for tend_command_check_new()
 * @host: (nullable): the SSH host the service lives on, where the command runs; %NULL
 *   for this computer (tend_command_check_new())
 * @error: where to say which argument is wrong
 *
 * A command check that runs on @host, over its SSH session, with the same exit-status
 * convention and timeout. The program is not looked for here (it is there): argv[0]
 * must only be an absolute path; the host's backend validates every argument again
 * before it sends anything (tend_ssh_command_check()). The environment of
 * tend_command_check_set_environment() is not passed on: sshd would drop it.
 *
 * Returns: (transfer full) (nullable): the check, or %NULL with %TEND_ERROR_INVALID_ARGUMENT
 */
TendCheck *
tend_command_check_new_for_host (const char          *name,
                                 const char * const  *argv,
                                 TendHost            *host,
                                 GError             **error)
{
  TendCheck *check;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (host == NULL || TEND_IS_HOST (host), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (host == NULL || !TEND_IS_SSH_BACKEND (tend_host_get_backend (host)))
    return tend_command_check_new (name, argv, error);

  if (argv == NULL || argv[0] == NULL)
    {
      g_set_error_literal (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                           "argv: must not be empty");
      return NULL;
    }
  if (!g_path_is_absolute (argv[0]))
    {
      g_autofree char *quoted = tend_quote_for_message (argv[0], -1);

      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   "argv[0]: %s is not an absolute path", quoted);
      return NULL;
    }

  check = g_object_new (TEND_TYPE_COMMAND_CHECK, "name", name, "argv", argv, NULL);
  tend_check_set_remote_host (check, host);
  return check;
}

/* ------------------------------------------------------------------------------------ */
/* Accessors                                                                             */

/**
 * tend_command_check_get_argv:
 *
 * Returns: (transfer none): the command and its arguments
 */
const char * const *
tend_command_check_get_argv (TendCommandCheck *self)
{
  g_return_val_if_fail (TEND_IS_COMMAND_CHECK (self), NULL);
  return (const char * const *) self->argv;
}

/**
 * tend_command_check_get_environment:
 *
 * Returns: (transfer none): the KEY=VALUE entries set for the command, maybe none
 */
const char * const *
tend_command_check_get_environment (TendCommandCheck *self)
{
  g_return_val_if_fail (TEND_IS_COMMAND_CHECK (self), NULL);
  return (const char * const *) self->environment;
}

/**
 * tend_command_check_set_environment:
 * @environment: (nullable): KEY=VALUE entries
 *
 * The command runs with Tend's own environment and these entries on top of it.
 * Refuses (naming the entry) anything that is not KEY=VALUE, and then changes nothing.
 * A run already under way keeps what it started with.
 */
gboolean
tend_command_check_set_environment (TendCommandCheck    *self,
                                    const char * const  *environment,
                                    GError             **error)
{
  static const char * const none[] = { NULL };

  g_return_val_if_fail (TEND_IS_COMMAND_CHECK (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!validate_environment (environment, error))
    return FALSE;

  if (environment == NULL)
    environment = none;
  if (g_strv_equal ((const char * const *) self->environment, environment))
    return TRUE;

  g_strfreev (self->environment);
  self->environment = g_strdupv ((char **) environment);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENVIRONMENT]);
  return TRUE;
}

/* ------------------------------------------------------------------------------------ */
/* The probe                                                                             */

typedef struct
{
  GSubprocess *process;             /* (owned) */
  GCancellable *cancellable;        /* (owned) (nullable) */
  gulong cancelled_handler;
  GPid pgid;                        /* the command's process group: its own pid */
  char *command;                    /* (owned) argv[0], for messages */
  GByteArray *output;               /* (owned) the first TEND_COMMAND_CHECK_MAX_OUTPUT bytes */
  gboolean reading;                 /* a read of the pipe is under way or due */
  gboolean waiting;                 /* the command has not been reaped yet */
  guint8 chunk[16384];
} Probe;

static void
probe_free (Probe *probe)
{
  g_assert (probe->cancelled_handler == 0);
  g_clear_object (&probe->process);
  g_clear_object (&probe->cancellable);
  g_clear_pointer (&probe->command, g_free);
  g_clear_pointer (&probe->output, g_byte_array_unref);
  g_free (probe);
}

static void
child_setup (gpointer user_data)
{
  /* A process group of its own, so that SIGKILL reaches whatever the command started. */
  setpgid (0, 0);
}

/* May run in whichever thread cancelled. */
static void
on_cancelled (GCancellable *cancellable,
              gpointer      user_data)
{
  Probe *probe = user_data;

  g_debug ("command check: killing process group %d (%s)", (int) probe->pgid, probe->command);
  if (probe->pgid > 0)
    kill (-probe->pgid, SIGKILL);
  g_subprocess_force_exit (probe->process);
}

/* The first line of what the command wrote, readable as one line of a message. */
static char *
first_line (GByteArray *output)
{
  const char *text = (const char *) output->data;
  const char *newline;
  gsize len;
  g_autofree char *valid = NULL;
  GString *line;
  guint n_chars = 0;

  if (output->len == 0)
    return g_strdup ("");

  newline = memchr (text, '\n', output->len);
  len = newline != NULL ? (gsize) (newline - text) : output->len;
  if (len > 0 && text[len - 1] == '\r')
    len--;
  valid = g_utf8_make_valid (text, len);
  line = g_string_new (NULL);

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (n_chars++ == MESSAGE_MAX_CHARS)
        {
          g_string_append (line, "…");
          break;
        }
      if (c == '\t')
        g_string_append_c (line, ' ');
      else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
        g_string_append_unichar (line, 0xFFFD);
      else
        g_string_append_unichar (line, c);
    }

  g_strstrip (line->str);
  return g_string_free (line, FALSE);
}

/* The verdict of a command that ended: by the Nagios convention when it @exited with
 * @status, unknown when it was killed (by @signum, 0 when not known); @line is the first
 * line of its output. */
static TendCheckVerdict *
verdict_for_end (const char *line,
                 gboolean    exited,
                 int         status,
                 int         signum)
{
  const gint64 latency = TEND_CHECK_LATENCY_ELAPSED;

  if (exited)
    {
      TendResultStatus result;

      switch (status)
        {
        case 0: result = TEND_RESULT_PASS; break;
        case 1: result = TEND_RESULT_WARN; break;
        case 2: result = TEND_RESULT_FAIL; break;
        default: result = TEND_RESULT_UNKNOWN; break;
        }

      if (*line != '\0')
        return tend_check_verdict_new (result, result == TEND_RESULT_PASS
                                               ? TEND_CHECK_FAILURE_NONE
                                               : TEND_CHECK_FAILURE_OTHER,
                                       latency, "%s", line);
      return tend_check_verdict_new (result, result == TEND_RESULT_PASS
                                             ? TEND_CHECK_FAILURE_NONE
                                             : TEND_CHECK_FAILURE_OTHER,
                                     latency, "exit status %d", status);
    }

  if (signum == 0)
    {
      if (*line != '\0')
        return tend_check_verdict_new (TEND_RESULT_UNKNOWN, TEND_CHECK_FAILURE_OTHER, latency,
                                       "%s (killed by a signal)", line);
      return tend_check_verdict_new (TEND_RESULT_UNKNOWN, TEND_CHECK_FAILURE_OTHER, latency,
                                     "killed by a signal");
    }
  if (*line != '\0')
    return tend_check_verdict_new (TEND_RESULT_UNKNOWN, TEND_CHECK_FAILURE_OTHER, latency,
                                   "%s (killed by signal %d, %s)", line, signum,
                                   g_strsignal (signum));
  return tend_check_verdict_new (TEND_RESULT_UNKNOWN, TEND_CHECK_FAILURE_OTHER, latency,
                                 "killed by signal %d (%s)", signum, g_strsignal (signum));
}

static TendCheckVerdict *
make_verdict (Probe *probe)
{
  g_autofree char *line = first_line (probe->output);
  gboolean exited = g_subprocess_get_if_exited (probe->process);

  return verdict_for_end (line, exited,
                          exited ? g_subprocess_get_exit_status (probe->process) : 0,
                          !exited && g_subprocess_get_if_signaled (probe->process)
                          ? g_subprocess_get_term_sig (probe->process) : 0);
}

/* Ends the run once the pipe is drained and the command reaped. */
static void
maybe_finish (GTask *task)
{
  Probe *probe = g_task_get_task_data (task);

  if (probe->reading || probe->waiting)
    return;

  if (probe->cancellable != NULL)
    g_cancellable_disconnect (probe->cancellable, probe->cancelled_handler);
  probe->cancelled_handler = 0;

  if (probe->cancellable != NULL && g_cancellable_is_cancelled (probe->cancellable))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               "%s was stopped", probe->command);
      return;
    }

  g_task_return_pointer (task, make_verdict (probe), (GDestroyNotify) tend_check_verdict_free);
}

static void read_more (GTask *task);

static void
on_read (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Probe *probe = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);
  if (n > 0)
    {
      gsize room = TEND_COMMAND_CHECK_MAX_OUTPUT - probe->output->len;

      g_byte_array_append (probe->output, probe->chunk, MIN ((gsize) n, room));
      read_more (g_steal_pointer (&task));
      return;
    }

  if (n < 0 && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("command check: reading the output of %s: %s", probe->command, error->message);
  probe->reading = FALSE;
  maybe_finish (task);
}

/* Takes @task's reference. */
static void
read_more (GTask *task)
{
  Probe *probe = g_task_get_task_data (task);

  g_input_stream_read_async (g_subprocess_get_stdout_pipe (probe->process),
                             probe->chunk, sizeof probe->chunk, G_PRIORITY_DEFAULT,
                             probe->cancellable, on_read, task);
}

static void
on_waited (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Probe *probe = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  /* Without a cancellable, this only ends when the command has been reaped. */
  if (!g_subprocess_wait_finish (G_SUBPROCESS (object), result, &error))
    g_warning ("command check: waiting for %s: %s", probe->command, error->message);
  probe->waiting = FALSE;
  maybe_finish (task);
}

/* ------------------------------------------------------------------------------------ */
/* On an SSH host                                                                        */

/* The first line of stdout, or else of stderr (a shell's "not found"). */
static char *
remote_first_line (TendSshResult *result)
{
  g_autoptr(GByteArray) output = g_byte_array_new ();
  gsize size = 0;
  const guint8 *data;

  data = result->out != NULL ? g_bytes_get_data (result->out, &size) : NULL;
  if (size == 0 && result->err != NULL)
    data = g_bytes_get_data (result->err, &size);
  if (size > 0)
    g_byte_array_append (output, data, MIN (size, TEND_COMMAND_CHECK_MAX_OUTPUT));
  return first_line (output);
}

static void
remote_ran_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TendCheck *check = g_task_get_source_object (task);
  TendHost *host = tend_check_get_remote_host (check);
  g_autoptr(TendSshResult) ran = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  TendCheckVerdict *verdict;

  ran = tend_ssh_backend_run_command_finish (TEND_SSH_BACKEND (object), result, &error);
  if (ran == NULL)
    {
      if (g_task_return_error_if_cancelled (task))
        return;
      if (g_error_matches (error, TEND_ERROR, TEND_ERROR_TIMED_OUT))
        {
          g_autofree char *timeout = tend_duration_format (tend_check_get_timeout (check));

          verdict = tend_check_verdict_new (TEND_RESULT_FAIL, TEND_CHECK_FAILURE_TIMEOUT, -1,
                                            "no answer within %s (the check's timeout)",
                                            timeout);
        }
      else if (g_error_matches (error, TEND_ERROR, TEND_ERROR_UNREACHABLE))
        verdict = tend_check_verdict_new (TEND_RESULT_UNKNOWN, TEND_CHECK_FAILURE_UNREACHABLE,
                                          -1, "not checked: %s", error->message);
      else
        verdict = tend_check_verdict_new (TEND_RESULT_UNKNOWN, TEND_CHECK_FAILURE_EXEC, -1,
                                          "could not run %s on %s: %s",
                                          TEND_COMMAND_CHECK (check)->argv[0],
                                          tend_host_get_display_name (host), error->message);
      g_task_return_pointer (task, verdict, (GDestroyNotify) tend_check_verdict_free);
      return;
    }

  line = remote_first_line (ran);
  g_task_return_pointer (task, verdict_for_end (line, ran->exit_status >= 0,
                                                ran->exit_status, 0),
                         (GDestroyNotify) tend_check_verdict_free);
}

/* The command runs on the service's SSH host, over its session (sudo as the host says);
 * the exit status means there what it means here. Closing the channel at the timeout
 * ends it there, as sshd hangs up its session. */
static void
remote_probe_async (TendCheck    *check,
                    TendHost     *host,
                    GTask        *task)   /* (transfer full) */
{
  TendCommandCheck *self = TEND_COMMAND_CHECK (check);
  TendSshBackend *backend = TEND_SSH_BACKEND (tend_host_get_backend (host));
  gint64 timeout_msec = tend_check_get_timeout (check) / 1000;

  tend_ssh_backend_run_command_async (backend, (const char * const *) self->argv,
                                      (guint) CLAMP (timeout_msec, 1, G_MAXUINT),
                                      g_task_get_cancellable (task), remote_ran_cb, task);
}

static void
tend_command_check_probe_async (TendCheck           *check,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  TendCommandCheck *self = TEND_COMMAND_CHECK (check);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) argv = NULL;
  Probe *probe;
  const char *identifier;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tend_command_check_probe_async);

  if (tend_check_get_remote_host (check) != NULL)
    {
      remote_probe_async (check, tend_check_get_remote_host (check), g_steal_pointer (&task));
      return;
    }

  probe = g_new0 (Probe, 1);
  probe->command = g_strdup (self->argv[0]);
  probe->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  probe->output = g_byte_array_new ();
  g_task_set_task_data (task, probe, (GDestroyNotify) probe_free);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_MERGE);
  for (guint i = 0; self->environment[i] != NULL; i++)
    {
      const char *equals = strchr (self->environment[i], '=');
      g_autofree char *key = g_strndup (self->environment[i], equals - self->environment[i]);

      g_subprocess_launcher_setenv (launcher, key, equals + 1, TRUE);
    }
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);

  /* In a Flatpak sandbox the same argv runs on the host (tend-sandbox.c) */
  argv = tend_sandbox_host_argv ((const char * const *) self->argv,
                                 (const char * const *) self->environment);
  probe->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv, &error);
  if (probe->process == NULL)
    {
      g_autofree char *shown = display_path (self->argv[0]);

      g_task_return_pointer (task,
                             tend_check_verdict_new (TEND_RESULT_UNKNOWN,
                                                     TEND_CHECK_FAILURE_EXEC, -1,
                                                     "could not run %s: %s", shown,
                                                     error->message),
                             (GDestroyNotify) tend_check_verdict_free);
      return;
    }

  identifier = g_subprocess_get_identifier (probe->process);
  probe->pgid = identifier != NULL ? (GPid) atoi (identifier) : 0;
  g_debug ("command check %s: started %s as pid %d", tend_check_get_name (check),
           probe->command, (int) probe->pgid);

  probe->reading = TRUE;
  probe->waiting = TRUE;
  read_more (g_object_ref (task));
  g_subprocess_wait_async (probe->process, NULL, on_waited, g_object_ref (task));

  /* Last, as it calls on_cancelled() at once when the run is already cancelled. */
  if (cancellable != NULL)
    probe->cancelled_handler = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled),
                                                      probe, NULL);
}

/* ------------------------------------------------------------------------------------ */
/* GObject                                                                               */

static void
tend_command_check_finalize (GObject *object)
{
  TendCommandCheck *self = TEND_COMMAND_CHECK (object);

  g_clear_pointer (&self->argv, g_strfreev);
  g_clear_pointer (&self->environment, g_strfreev);

  G_OBJECT_CLASS (tend_command_check_parent_class)->finalize (object);
}

static void
tend_command_check_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  TendCommandCheck *self = TEND_COMMAND_CHECK (object);

  switch (prop_id)
    {
    case PROP_ARGV: g_value_set_boxed (value, self->argv); break;
    case PROP_ENVIRONMENT: g_value_set_boxed (value, self->environment); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_command_check_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  TendCommandCheck *self = TEND_COMMAND_CHECK (object);

  switch (prop_id)
    {
    case PROP_ARGV:
      self->argv = g_value_dup_boxed (value);
      break;
    case PROP_ENVIRONMENT:
      {
        g_autoptr(GError) error = NULL;

        if (!tend_command_check_set_environment (self, g_value_get_boxed (value), &error))
          g_critical ("%s", error->message);
      }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_command_check_constructed (GObject *object)
{
  TendCommandCheck *self = TEND_COMMAND_CHECK (object);

  G_OBJECT_CLASS (tend_command_check_parent_class)->constructed (object);

  /* g_object_new() without tend_command_check_new(): at least something runnable-looking. */
  if (self->argv == NULL || self->argv[0] == NULL)
    {
      g_critical ("TendCommandCheck: argv must not be empty; use tend_command_check_new()");
      g_strfreev (self->argv);
      self->argv = g_strdupv ((char *[]) { (char *) "/bin/false", NULL });
    }
}

static char *
tend_command_check_dup_target (TendCheck *check)
{
  TendCommandCheck *self = TEND_COMMAND_CHECK (check);

  return g_strdup (self->argv[0]);
}

static void
tend_command_check_class_init (TendCommandCheckClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  TendCheckClass *check_class = TEND_CHECK_CLASS (klass);

  object_class->constructed = tend_command_check_constructed;
  object_class->finalize = tend_command_check_finalize;
  object_class->get_property = tend_command_check_get_property;
  object_class->set_property = tend_command_check_set_property;

  check_class->kind = "command";
  check_class->probe_async = tend_command_check_probe_async;
  check_class->dup_target = tend_command_check_dup_target;

  properties[PROP_ARGV] =
    g_param_spec_boxed ("argv", NULL, "The command and its arguments; see "
                        "tend_command_check_new()", G_TYPE_STRV,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ENVIRONMENT] =
    g_param_spec_boxed ("environment", NULL, "KEY=VALUE entries set for the command",
                        G_TYPE_STRV,
                        G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tend_command_check_init (TendCommandCheck *self)
{
  self->environment = g_new0 (char *, 1);
}
