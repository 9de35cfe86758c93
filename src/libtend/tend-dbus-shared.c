/* tend-dbus-shared.c — what the two backends of this computer's managers share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Tend-Dbus"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <stdio.h>
#include <unistd.h>

#include "tend-dbus-private.h"
#include "tend-error.h"
#include "tend-sandbox.h"
#include "tend-service.h"

static gboolean
remote_error_is (const char *remote,
                 const char *name)
{
  return remote != NULL && g_str_equal (remote, name);
}

/* Turns an error from the bus (a remote error's name kept as GDBus keeps it) into a
 * TEND_ERROR that a person can act on. @unit may be NULL for manager-wide calls; @verb
 * says what was being done ("start", "read"). */
GError *
tend_dbus_translate_error (const char   *host_label,
                           const char   *address,
                           const GError *error,
                           const char   *unit,
                           const char   *verb)
{
  g_autofree char *remote = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *what = NULL;
  GError *copy;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || error->domain == TEND_ERROR)
    return g_error_copy (error);

  if (g_dbus_error_is_remote_error (error))
    remote = g_dbus_error_get_remote_error (error);
  copy = g_error_copy (error);
  g_dbus_error_strip_remote_error (copy);
  detail = g_strdup (copy->message);
  g_clear_error (&copy);

  what = unit != NULL ? g_strdup_printf ("%s '%s'", verb, unit) : g_strdup (verb);

  if (remote_error_is (remote, "org.freedesktop.systemd1.NoSuchUnit") ||
      remote_error_is (remote, "org.freedesktop.systemd1.LoadFailed"))
    return g_error_new (TEND_ERROR, TEND_ERROR_NOT_FOUND,
                        "there is no unit '%s' on %s", unit ? unit : "?", host_label);
  if (remote_error_is (remote, "org.freedesktop.DBus.Error.FileNotFound") ||
      remote_error_is (remote, "org.freedesktop.systemd1.NoUnitFile"))
    return g_error_new (TEND_ERROR, TEND_ERROR_NOT_FOUND,
                        "there is no unit file for '%s' on %s", unit ? unit : "?",
                        host_label);
  if (remote_error_is (remote, "org.freedesktop.DBus.Error.AccessDenied") ||
      remote_error_is (remote, "org.freedesktop.DBus.Error.InteractiveAuthorizationRequired") ||
      remote_error_is (remote, "org.freedesktop.PolicyKit1.Error.NotAuthorized") ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED))
    return g_error_new (TEND_ERROR, TEND_ERROR_PERMISSION_DENIED,
                        "not allowed to %s on %s: %s (polkit refused, or no agent was there to "
                        "ask for a password)", what, host_label, detail);
  if (remote_error_is (remote, "org.freedesktop.systemd1.JobTypeNotApplicable") ||
      remote_error_is (remote, "org.freedesktop.systemd1.OnlyByDependency") ||
      remote_error_is (remote, "org.freedesktop.systemd1.UnitMasked") ||
      remote_error_is (remote, "org.freedesktop.DBus.Error.NotSupported"))
    return g_error_new (TEND_ERROR, TEND_ERROR_NOT_SUPPORTED,
                        "cannot %s on %s: %s", what, host_label, detail);
  if (remote_error_is (remote, "org.freedesktop.DBus.Error.InvalidArgs"))
    return g_error_new (TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                        "cannot %s on %s: %s", what, host_label, detail);
  if (remote_error_is (remote, "org.freedesktop.DBus.Error.ServiceUnknown") ||
      remote_error_is (remote, "org.freedesktop.DBus.Error.NameHasNoOwner") ||
      (remote != NULL && g_str_has_prefix (remote, "org.freedesktop.DBus.Error.Spawn.")))
    return g_error_new (TEND_ERROR, TEND_ERROR_UNREACHABLE,
                        _("no systemd manager answers on the bus at '%s' for %s: is systemd "
                          "running there?"), address ? address : "?", host_label);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CLOSED) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_DISCONNECTED) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NO_REPLY))
    return g_error_new (TEND_ERROR, TEND_ERROR_UNREACHABLE,
                        "lost the connection to %s (the bus at '%s') while trying to %s: %s",
                        host_label, address ? address : "?", what, detail);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_TIMEOUT) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_TIMED_OUT))
    return g_error_new (TEND_ERROR, TEND_ERROR_TIMED_OUT,
                        "%s on %s did not answer in time", what, host_label);

  return g_error_new (TEND_ERROR, TEND_ERROR_FAILED, "could not %s on %s: %s",
                      what, host_label, detail);
}

/* The error of a job that ended with @result, or %NULL when it did what was asked
 * ("done", or "skipped": there was nothing to do). */
GError *
tend_dbus_job_error (const char     *host_label,
                     const char     *unit,
                     TendUnitAction  action,
                     const char     *result)
{
  const char *verb = tend_unit_action_to_string (action);

  g_debug ("job for %s %s: %s", verb, unit, result);

  if (g_str_equal (result, "done") || g_str_equal (result, "skipped"))
    return NULL;
  if (g_str_equal (result, "canceled"))
    return g_error_new (TEND_ERROR, TEND_ERROR_CANCELLED,
                        "the job to %s '%s' on %s was cancelled: another job replaced it",
                        verb, unit, host_label);
  if (g_str_equal (result, "timeout"))
    return g_error_new (TEND_ERROR, TEND_ERROR_TIMED_OUT,
                        "'%s' did not %s in time on %s (systemd's timeout ran out); its "
                        "log may say why", unit, verb, host_label);
  if (g_str_equal (result, "failed"))
    return g_error_new (TEND_ERROR, TEND_ERROR_JOB_FAILED,
                        "'%s' failed to %s on %s; its log may say why",
                        unit, verb, host_label);
  if (g_str_equal (result, "dependency"))
    return g_error_new (TEND_ERROR, TEND_ERROR_JOB_FAILED,
                        "a unit that '%s' depends on failed, so '%s' did not %s on %s",
                        unit, unit, verb, host_label);
  if (g_str_equal (result, "assert"))
    return g_error_new (TEND_ERROR, TEND_ERROR_JOB_FAILED,
                        "an Assert…= setting of '%s' did not hold, so it did not %s on %s",
                        unit, verb, host_label);
  if (g_str_equal (result, "invalid") || g_str_equal (result, "unsupported"))
    return g_error_new (TEND_ERROR, TEND_ERROR_NOT_SUPPORTED,
                        "'%s' cannot %s on %s (systemd says the job is %s)",
                        unit, verb, host_label, result);
  return g_error_new (TEND_ERROR, TEND_ERROR_JOB_FAILED,
                        "the job to %s '%s' on %s ended with '%s'",
                        verb, unit, host_label, result);
}


/* Resident size of a set of processes, from /proc: a few small reads of a file system
 * in memory, cheap enough for the main loop. */
guint64
tend_dbus_sum_rss (const guint32 *pids,
                   guint          n_pids)
{
  guint64 total = 0;
  long page_size = sysconf (_SC_PAGESIZE);

  for (guint i = 0; i < n_pids; i++)
    {
      char path[32];
      char contents[128];
      guint64 size, resident;
      FILE *file;
      gboolean read_ok;

      g_snprintf (path, sizeof path, "/proc/%u/statm", pids[i]);
      file = fopen (path, "re");
      if (file == NULL)
        continue;  /* the process ended meanwhile */
      read_ok = fgets (contents, sizeof contents, file) != NULL;
      fclose (file);
      if (read_ok &&
          sscanf (contents, "%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT, &size, &resident) == 2)
        total += resident * (guint64) page_size;
    }

  return total;
}

/* systemd has no MemoryCurrent (no memory controller, as on cgroup v1) for a unit that
 * has processes: Tend sums their resident size instead. */
gboolean
tend_dbus_needs_rss (guint64     memory_current,
                     const char *active_state)
{
  return memory_current == TEND_UNSET &&
         (g_strcmp0 (active_state, "active") == 0 || g_strcmp0 (active_state, "reloading") == 0 ||
          g_strcmp0 (active_state, "deactivating") == 0 ||
          g_strcmp0 (active_state, "activating") == 0);
}

GError *
tend_dbus_manager_missing (const char *host_label,
                           const char *address)
{
  return g_error_new (TEND_ERROR, TEND_ERROR_UNREACHABLE,
                      _("no systemd manager answers on the bus at '%s' for %s: is systemd "
                        "running there?"), address ? address : "?", host_label);
}

/* A journalctl that a reader reads: it ends when its cancellable is cancelled (a follow
 * never ends by itself), or at the latest when the reader goes. */
typedef struct
{
  GSubprocess  *subprocess;   /* (owned) */
  GCancellable *cancellable;  /* (owned) (nullable) */
  gulong        cancelled_id;
} Journalctl;

static void
journalctl_cancelled (GCancellable *cancellable,
                      gpointer      data)
{
  g_subprocess_force_exit (G_SUBPROCESS (data));
}

static void
stop_subprocess (gpointer data)
{
  Journalctl *journalctl = data;

  if (journalctl->cancellable != NULL)
    g_cancellable_disconnect (journalctl->cancellable, journalctl->cancelled_id);
  g_clear_object (&journalctl->cancellable);
  g_subprocess_force_exit (journalctl->subprocess);
  g_clear_object (&journalctl->subprocess);
  g_free (journalctl);
}

static const char *
journalctl_path (void)
{
  static char *path = NULL;

  /* Inside Flatpak journalctl runs on the host: the sandbox's PATH says nothing there */
  if (tend_sandbox_is_flatpak ())
    return JOURNALCTL;
  if (g_once_init_enter (&path))
    {
      char *found = g_file_test (JOURNALCTL, G_FILE_TEST_IS_EXECUTABLE)
                    ? g_strdup (JOURNALCTL) : g_find_program_in_path ("journalctl");
      g_once_init_leave (&path, found ? found : g_strdup (JOURNALCTL));
    }
  return path;
}

TendJournalReader *
tend_dbus_open_journal (const char              *host_label,
                        const char              *name,
                        const TendJournalQuery  *query,
                        GCancellable            *cancellable,
                        GError                 **error)
{
  g_auto(GStrv) journal_argv = NULL;
  g_auto(GStrv) argv = NULL;
  g_autoptr(GSubprocess) subprocess = NULL;
  g_autoptr(GError) local_error = NULL;
  TendJournalReader *reader;
  Journalctl *journalctl;

  journal_argv = tend_journal_build_argv (journalctl_path (), name, query, error);
  if (journal_argv == NULL)
    return NULL;
  /* In a Flatpak sandbox the host's journalctl reads the host's journal (tend-sandbox.c) */
  argv = tend_sandbox_host_argv ((const char * const *) journal_argv, NULL);

  subprocess = g_subprocess_newv ((const char * const *) argv,
                                  G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                  G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                  &local_error);
  if (subprocess == NULL)
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_FAILED,
                   "cannot read the journal of '%s' on %s: %s", name, host_label,
                   local_error->message);
      return NULL;
    }

  reader = tend_journal_reader_new (g_subprocess_get_stdout_pipe (subprocess));
  journalctl = g_new0 (Journalctl, 1);
  journalctl->subprocess = g_steal_pointer (&subprocess);
  if (cancellable != NULL)
    {
      journalctl->cancellable = g_object_ref (cancellable);
      journalctl->cancelled_id = g_cancellable_connect (cancellable,
                                                        G_CALLBACK (journalctl_cancelled),
                                                        journalctl->subprocess, NULL);
    }
  /* journalctl lives as long as its reader, or until @cancellable is cancelled */
  g_object_set_data_full (G_OBJECT (reader), "tend-journalctl", journalctl, stop_subprocess);
  return reader;
}


/**
 * tend_dbus_action_task_new:
 *
 * The task of an operation on @unit: it carries the unit's name ("unit") and the
 * action ("action") for the messages of its result.
 */
GTask *
tend_dbus_action_task_new (gpointer             source_object,
                           gpointer             source_tag,
                           const char          *unit,
                           TendUnitAction       action,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task = g_task_new (source_object, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_object_set_data_full (G_OBJECT (task), "unit", g_strdup (unit), g_free);
  g_object_set_data (G_OBJECT (task), "action", GINT_TO_POINTER (action));
  return task;
}

/* The manager's method that queues a job for @action, or %NULL for an action that
 * queues none (reset-failed, enable, disable). */
const char *
tend_dbus_job_method (TendUnitAction action)
{
  switch (action)
    {
    case TEND_UNIT_ACTION_START: return "StartUnit";
    case TEND_UNIT_ACTION_STOP: return "StopUnit";
    case TEND_UNIT_ACTION_RESTART: return "RestartUnit";
    case TEND_UNIT_ACTION_RELOAD: return "ReloadUnit";
    default: return NULL;
    }
}
