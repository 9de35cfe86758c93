/* tend-ssh-backend.c — systemd on another computer, over SSH (libssh)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every operation is one command on the host's persistent session (TendSshSession, a
 * channel per command), built only by tend-ssh-command.c and read by its parsers:
 *
 * - connect: the session, then `systemctl --version` (which systemd, so which options);
 * - list: ONE `systemctl list-units --all … --output=json` for all units and their
 *   states (the plain table where the host's systemd has no JSON: tried once per
 *   connection); with TEND_LIST_UNIT_FILES also `systemctl list-unit-files`, shared by
 *   whoever asks meanwhile and cached until Tend changes a unit file or for 30 s;
 * - a unit's details: ONE `systemctl show -p … UNIT`, in systemd's D-Bus types;
 * - start, stop, …: `systemctl ACTION -- UNIT`, which waits for the job; its exit status
 *   and stderr become TEND_ERROR codes;
 * - logs: `journalctl -o json …` as a stream, read by TendJournalReader;
 * - changes: while watched, ONE `systemctl list-units` per host every 2 s, compared with
 *   the last list, and for the units that changed ONE `systemctl show` of all of them
 *   together: unit-changed, unit-new, unit-removed. Never a command per unit per interval.
 *
 * systemd's own change signals cannot be had over a plain SSH command here: a manager
 * sends PropertiesChanged only while some client is subscribed (Subscribe() on the bus),
 * and `busctl monitor` (which needs root, on the system bus) subscribes to nothing, so on
 * a user manager, or a system manager that no one else subscribed to, it sees nothing.
 */
#define G_LOG_DOMAIN "Tend-Ssh"

#include "config.h"

#include <string.h>

#include "tend-backend.h"
#include "tend-error.h"
#include "tend-inventory.h"
#include "tend-service.h"
#include "tend-ssh-backend.h"
#include "tend-ssh-command.h"
#include "tend-unit-name.h"

#define POLL_INTERVAL_MSEC      2000
#define UNIT_FILES_MAX_AGE_USEC (30 * G_USEC_PER_SEC)
/* systemctl waits for the job: systemd's own start timeout is 90 s by default */
#define ACTION_TIMEOUT_MSEC     (150 * 1000)
/* show the details of at most this many changed units per interval (one command) */
#define MAX_SHOW_BATCH          64

typedef enum
{
  JSON_UNKNOWN,
  JSON_YES,
  JSON_NO,
} JsonSupport;

struct _TendSshBackend
{
  GObject parent_instance;

  TendSshSession *session;        /* (owned) */
  char *host_label;               /* (owned) how messages name the host */
  char *user;                     /* (owned) (nullable) */
  TendSshCommandContext ctx;
  JsonSupport json;
  gboolean connected;
  gulong disconnected_id;
  GCancellable *cancellable;      /* (owned) cancelled at dispose */

  TendUnitList *unit_files;       /* (owned) (nullable) cached list-unit-files */
  gint64 unit_files_time;
  GPtrArray *unit_files_waiters;  /* (owned) (nullable) tasks waiting for it */

  gboolean watching;
  guint poll_source;
  gboolean poll_running;
  TendUnitList *last;             /* (owned) (nullable) the loaded units as last listed */
};

static void tend_ssh_backend_iface_init (TendBackendInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TendSshBackend, tend_ssh_backend, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (TEND_TYPE_BACKEND,
                                                      tend_ssh_backend_iface_init))

/* ------------------------------------------------------------------------------------ */
/* Commands and their errors                                                             */

/* What a command said on stderr, fit for a message: valid UTF-8, its lines joined with
 * " / ", no control characters, at most 300 bytes. sshd's own "Could not chdir to home
 * directory" (a user without a home) is left out: it is not the command's. */
static char *
stderr_line (TendSshResult *result)
{
  gsize size = 0;
  const char *data = result->err != NULL ? g_bytes_get_data (result->err, &size) : NULL;
  g_autofree char *valid = NULL;
  g_auto(GStrv) lines = NULL;
  GString *text;

  if (data == NULL || size == 0)
    return g_strdup ("");
  valid = g_utf8_make_valid (data, MIN (size, 4096));
  lines = g_strsplit (valid, "\n", -1);
  text = g_string_new (NULL);
  for (guint i = 0; lines[i] != NULL && text->len < 300; i++)
    {
      g_strstrip (lines[i]);
      if (*lines[i] == '\0' || g_str_has_prefix (lines[i], "Could not chdir to home directory"))
        continue;
      if (text->len > 0)
        g_string_append (text, " / ");
      for (const char *p = lines[i]; *p != '\0' && text->len < 300; p = g_utf8_next_char (p))
        {
          if ((guchar) *p < 0x20 || *p == 0x7f)
            g_string_append_c (text, ' ');
          else
            g_string_append_len (text, p, g_utf8_next_char (p) - p);
        }
    }
  return g_string_free (text, FALSE);
}

static gboolean
said (const char *text,
      const char *what)
{
  return strstr (text, what) != NULL;
}

/* A command that ran and failed (exit status not 0), as a TEND_ERROR a person can act on.
 * @verb: "start", "list units"; @unit (nullable). */
static GError *
command_error (TendSshBackend *self,
               TendSshResult  *result,
               const char     *verb,
               const char     *unit)
{
  g_autofree char *line = stderr_line (result);
  g_autofree char *what = unit != NULL ? g_strdup_printf ("%s '%s'", verb, unit)
                                       : g_strdup (verb);
  const char *u = unit != NULL ? unit : "?";

  if (self->ctx.sudo != TEND_INVENTORY_SUDO_NONE &&
      (g_str_has_prefix (line, "sudo:") || said (line, " sudo: ") ||
       said (line, "is not allowed to execute") ||
       said (line, "not in the sudoers file")))
    return g_error_new (TEND_ERROR, TEND_ERROR_PERMISSION_DENIED,
                        "sudo on %s refused to %s as %s (sudo -n: Tend types no password): %s; "
                        "Tend's sudoers lines for the host allow its commands (docs/"
                        "architecture.md, \"The SSH backend\")", self->host_label, what,
                        self->user ? self->user : "its user", line);
  if (said (line, "Access denied") || said (line, "Interactive authentication required") ||
      said (line, "Permission denied") || said (line, "not authorized"))
    return g_error_new (TEND_ERROR, TEND_ERROR_PERMISSION_DENIED,
                        "not allowed to %s on %s: %s (polkit refused %s; use a host with "
                        "sudo, or a user polkit allows)", what, self->host_label, line,
                        self->user ? self->user : "the user");
  if (result->exit_status == 127 || said (line, "command not found") ||
      (said (line, "No such file or directory") && !said (line, "Unit")))
    return g_error_new (TEND_ERROR, TEND_ERROR_NOT_SUPPORTED,
                        "cannot %s on %s: %s (is systemd installed there?)", what,
                        self->host_label, line);
  if (said (line, "not found") || said (line, "does not exist") || said (line, "No such"))
    return g_error_new (TEND_ERROR, TEND_ERROR_NOT_FOUND, "there is no unit '%s' on %s",
                        u, self->host_label);
  if (said (line, "not applicable") || said (line, "masked") || said (line, "Refusing") ||
      said (line, "not supported") || said (line, "Operation refused"))
    return g_error_new (TEND_ERROR, TEND_ERROR_NOT_SUPPORTED, "cannot %s on %s: %s", what,
                        self->host_label, line);
  if (said (line, "timeout was exceeded") || said (line, "timed out"))
    return g_error_new (TEND_ERROR, TEND_ERROR_TIMED_OUT,
                        "'%s' did not %s in time on %s (systemd's timeout ran out); its log "
                        "may say why", u, verb, self->host_label);
  if (said (line, "canceled") || said (line, "cancelled"))
    return g_error_new (TEND_ERROR, TEND_ERROR_CANCELLED,
                        "the job to %s on %s was cancelled: another job replaced it", what,
                        self->host_label);
  if (said (line, "dependency"))
    return g_error_new (TEND_ERROR, TEND_ERROR_JOB_FAILED,
                        "a unit that '%s' depends on failed, so '%s' did not %s on %s", u, u,
                        verb, self->host_label);
  if (said (line, "Job for") && said (line, "failed"))
    return g_error_new (TEND_ERROR, TEND_ERROR_JOB_FAILED,
                        "'%s' failed to %s on %s; its log may say why (%s)", u, verb,
                        self->host_label, line);
  if (result->exit_status < 0)
    return g_error_new (TEND_ERROR, TEND_ERROR_FAILED,
                        "could not %s on %s: the command was killed", what, self->host_label);
  return g_error_new (TEND_ERROR, TEND_ERROR_FAILED, "could not %s on %s: %s (exit status %d)",
                      what, self->host_label, *line ? line : "no message", result->exit_status);
}

static GError *
not_connected (TendSshBackend *self)
{
  return g_error_new (TEND_ERROR, TEND_ERROR_UNREACHABLE, "not connected to %s",
                      self->host_label);
}

static gboolean
check_connected (TendSshBackend  *self,
                 GError         **error)
{
  if (self->connected && tend_ssh_session_get_state (self->session) == TEND_SSH_STATE_ONLINE)
    return TRUE;
  g_propagate_error (error, not_connected (self));
  return FALSE;
}

static const char *
output (TendSshResult *result,
        gsize         *length)
{
  const char *data = result->out != NULL ? g_bytes_get_data (result->out, length) : NULL;

  if (data == NULL)
    {
      *length = 0;
      return "";
    }
  return data;
}

static void
exec (TendSshBackend      *self,
      char               **argv,
      guint                timeout_msec,
      GCancellable        *cancellable,
      GAsyncReadyCallback  callback,
      gpointer             user_data)
{
  g_autofree char *line = g_strjoinv (" ", argv);

  g_debug ("%s: %s", self->host_label, line);
  tend_ssh_session_exec_async (self->session, (const char * const *) argv, NULL, timeout_msec,
                               cancellable, callback, user_data);
}

/* ------------------------------------------------------------------------------------ */
/* Connect                                                                               */

static void stop_polling (TendSshBackend *self);

static void
on_session_disconnected (TendSshSession *session,
                         const GError   *error,
                         TendSshBackend *self)
{
  g_autoptr(GError) why = NULL;

  if (!self->connected)
    return;
  self->connected = FALSE;
  stop_polling (self);
  g_clear_pointer (&self->unit_files, tend_unit_list_unref);
  g_clear_pointer (&self->last, tend_unit_list_unref);
  self->json = JSON_UNKNOWN;
  why = error != NULL ? g_error_copy (error)
                      : g_error_new (TEND_ERROR, TEND_ERROR_UNREACHABLE,
                                     "lost the connection to %s", self->host_label);
  g_debug ("%s: disconnected: %s", self->host_label, why->message);
  g_signal_emit_by_name (self, "disconnected", why);
}

static void
version_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TendSshBackend *self = g_task_get_source_object (task);
  g_autoptr(TendSshResult) run = NULL;
  g_autoptr(GError) error = NULL;
  const char *text;
  gsize length;
  guint version;

  run = tend_ssh_session_exec_finish (TEND_SSH_SESSION (object), result, &error);
  if (run == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (run->exit_status != 0)
    {
      g_autofree char *line = stderr_line (run);

      g_task_return_new_error (task, TEND_ERROR, TEND_ERROR_UNREACHABLE,
                               "%s answers over SSH, but systemctl does not run there: %s "
                               "(exit status %d)", self->host_label,
                               *line ? line : "no message", run->exit_status);
      return;
    }
  text = output (run, &length);
  version = tend_ssh_parse_version (text, length, &error);
  if (version == 0)
    {
      g_task_return_new_error (task, TEND_ERROR, TEND_ERROR_UNREACHABLE, "%s: %s",
                               self->host_label, error->message);
      return;
    }

  g_debug ("%s: systemd %u", self->host_label, version);
  self->ctx.systemd_version = version;
  self->connected = TRUE;
  g_task_return_boolean (task, TRUE);
}

static void
session_connected_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TendSshBackend *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) argv = NULL;
  GCancellable *cancellable;

  if (!tend_ssh_session_connect_finish (TEND_SSH_SESSION (object), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* The first query: which systemd (and so which options) is there. */
  argv = tend_ssh_command_version ();
  cancellable = g_task_get_cancellable (task);
  exec (self, argv, 0, cancellable, version_cb, g_steal_pointer (&task));
}

static void
tend_ssh_backend_connect_async (TendBackend         *backend,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  TendSshBackend *self = TEND_SSH_BACKEND (backend);
  g_autoptr(GTask) task = NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tend_ssh_backend_connect_async);

  if (self->connected && tend_ssh_session_get_state (self->session) == TEND_SSH_STATE_ONLINE)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  self->connected = FALSE;
  tend_ssh_session_connect_async (self->session, cancellable, session_connected_cb,
                                  g_steal_pointer (&task));
}

static gboolean
tend_ssh_backend_connect_finish (TendBackend   *backend,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------------------------ */
/* List                                                                                  */

static void list_loaded (TendSshBackend *self, GTask *task);

/* The units as listed now become the ones changes are measured against. While it
 * watches, the poll keeps its own view (a list someone else asked for may have seen a
 * change first, and the poll must still tell of it). */
static void
remember_list (TendSshBackend *self,
               TendUnitList   *units,
               gboolean        from_poll)
{
  if (!from_poll && self->watching && self->last != NULL)
    return;
  g_clear_pointer (&self->last, tend_unit_list_unref);
  self->last = tend_unit_list_ref (units);
}

static TendUnitList *
parse_list (TendSshBackend  *self,
            TendSshResult   *run,
            gboolean         json,
            gboolean        *retry_plain,
            GError         **error)
{
  g_autoptr(GError) local_error = NULL;
  TendUnitList *units;
  const char *text;
  gsize length;

  *retry_plain = FALSE;
  if (run->exit_status != 0)
    {
      if (json && self->json == JSON_UNKNOWN)
        {
          *retry_plain = TRUE;
          return NULL;
        }
      g_propagate_error (error, command_error (self, run, "list units", NULL));
      return NULL;
    }

  text = output (run, &length);
  units = json ? tend_ssh_parse_list_units_json (text, length, &local_error)
               : tend_ssh_parse_list_units_plain (text, length, &local_error);
  if (units != NULL)
    {
      if (json)
        self->json = JSON_YES;
      return units;
    }

  /* A systemd without JSON tables prints its plain table instead: try that, once. */
  if (json && self->json == JSON_UNKNOWN)
    {
      g_debug ("%s: no JSON from list-units (%s): reading the plain table",
               self->host_label, local_error->message);
      *retry_plain = TRUE;
      return NULL;
    }
  g_set_error (error, TEND_ERROR, TEND_ERROR_FAILED, "could not read the units of %s: %s",
               self->host_label, local_error->message);
  return NULL;
}

typedef struct
{
  TendListFlags flags;
  gboolean json;
  TendUnitList *units;        /* (owned) (nullable) */
} ListData;

static void
list_data_free (ListData *data)
{
  g_clear_pointer (&data->units, tend_unit_list_unref);
  g_free (data);
}

static void
finish_list (TendSshBackend *self,
             GTask          *task)
{
  ListData *data = g_task_get_task_data (task);

  if ((data->flags & TEND_LIST_UNIT_FILES) && self->unit_files != NULL)
    g_task_return_pointer (task, tend_unit_list_merge_unit_files (data->units, self->unit_files),
                           (GDestroyNotify) tend_unit_list_unref);
  else
    g_task_return_pointer (task, tend_unit_list_ref (data->units),
                           (GDestroyNotify) tend_unit_list_unref);
}

static void
unit_files_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(TendSshBackend) self = user_data;
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->unit_files_waiters);
  g_autoptr(TendSshResult) run = NULL;
  g_autoptr(GError) error = NULL;

  run = tend_ssh_session_exec_finish (TEND_SSH_SESSION (object), result, &error);
  if (run != NULL && run->exit_status != 0)
    error = command_error (self, run, "list unit files", NULL);
  else if (run != NULL)
    {
      const char *text;
      gsize length;
      TendUnitList *files;

      text = output (run, &length);
      files = tend_ssh_parse_unit_files (text, length, &error);
      if (files != NULL)
        {
          g_clear_pointer (&self->unit_files, tend_unit_list_unref);
          self->unit_files = files;
          self->unit_files_time = g_get_monotonic_time ();
        }
    }

  for (guint i = 0; waiters != NULL && i < waiters->len; i++)
    {
      GTask *task = waiters->pdata[i];

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        finish_list (self, task);
    }
}

static void
list_units_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TendSshBackend *self = g_task_get_source_object (task);
  ListData *data = g_task_get_task_data (task);
  g_autoptr(TendSshResult) run = NULL;
  g_autoptr(GError) error = NULL;
  gboolean retry_plain;

  run = tend_ssh_session_exec_finish (TEND_SSH_SESSION (object), result, &error);
  if (run == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data->units = parse_list (self, run, data->json, &retry_plain, &error);
  if (retry_plain)
    {
      self->json = JSON_NO;
      list_loaded (self, g_steal_pointer (&task));
      return;
    }
  if (data->units == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  remember_list (self, data->units, FALSE);

  if (!(data->flags & TEND_LIST_UNIT_FILES) ||
      (self->unit_files != NULL &&
       g_get_monotonic_time () - self->unit_files_time < UNIT_FILES_MAX_AGE_USEC))
    {
      finish_list (self, task);
      return;
    }

  /* list-unit-files reads every unit file on the host: one at a time, shared by all who
   * ask while it runs. */
  if (self->unit_files_waiters == NULL)
    {
      g_auto(GStrv) argv = tend_ssh_command_list_unit_files (&self->ctx);

      self->unit_files_waiters = g_ptr_array_new_with_free_func (g_object_unref);
      exec (self, argv, 0, self->cancellable, unit_files_cb, g_object_ref (self));
    }
  g_ptr_array_add (self->unit_files_waiters, g_steal_pointer (&task));
}

static void
list_loaded (TendSshBackend *self,
             GTask          *task)
{
  ListData *data = g_task_get_task_data (task);
  g_auto(GStrv) argv = NULL;

  data->json = self->json != JSON_NO;
  argv = tend_ssh_command_list_units (&self->ctx, data->json);
  exec (self, argv, 0, g_task_get_cancellable (task), list_units_cb, task);
}

static void
tend_ssh_backend_list_units_async (TendBackend         *backend,
                                   TendListFlags        flags,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  TendSshBackend *self = TEND_SSH_BACKEND (backend);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  ListData *data;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tend_ssh_backend_list_units_async);
  data = g_new0 (ListData, 1);
  data->flags = flags;
  g_task_set_task_data (task, data, (GDestroyNotify) list_data_free);

  if (!check_connected (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  list_loaded (self, g_steal_pointer (&task));
}

static TendUnitList *
tend_ssh_backend_list_units_finish (TendBackend   *backend,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------------------ */
/* One unit's details                                                                    */

static void
show_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TendSshBackend *self = g_task_get_source_object (task);
  const char *name = g_task_get_task_data (task);
  g_autoptr(TendSshResult) run = NULL;
  g_autoptr(GPtrArray) units = NULL;
  g_autoptr(GError) error = NULL;
  const char *load_state = NULL;
  const char *text;
  gsize length;

  run = tend_ssh_session_exec_finish (TEND_SSH_SESSION (object), result, &error);
  if (run == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (run->exit_status != 0)
    {
      g_task_return_error (task, command_error (self, run, "read", name));
      return;
    }
  text = output (run, &length);
  units = tend_ssh_parse_show (text, length, &error);
  if (units == NULL)
    {
      g_task_return_new_error (task, TEND_ERROR, TEND_ERROR_FAILED,
                               "could not read '%s' on %s: %s", name, self->host_label,
                               error->message);
      return;
    }
  if (units->len != 1)
    {
      g_task_return_new_error (task, TEND_ERROR, TEND_ERROR_FAILED,
                               "could not read '%s' on %s: systemctl show gave %u units for one",
                               name, self->host_label, units->len);
      return;
    }
  g_variant_lookup (units->pdata[0], "LoadState", "&s", &load_state);
  if (g_strcmp0 (load_state, "not-found") == 0)
    {
      g_task_return_new_error (task, TEND_ERROR, TEND_ERROR_NOT_FOUND,
                               "there is no unit '%s' on %s", name, self->host_label);
      return;
    }
  g_task_return_pointer (task, g_variant_ref (units->pdata[0]), (GDestroyNotify) g_variant_unref);
}

static void
tend_ssh_backend_get_unit_async (TendBackend         *backend,
                                 const char          *name,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  TendSshBackend *self = TEND_SSH_BACKEND (backend);
  const char *units[] = { name, NULL };
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) argv = NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tend_ssh_backend_get_unit_async);
  g_task_set_task_data (task, g_strdup (name), g_free);

  argv = tend_ssh_command_show (&self->ctx, units, &error);
  if (argv == NULL || !check_connected (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  exec (self, argv, 0, cancellable, show_cb, g_steal_pointer (&task));
}

static GVariant *
tend_ssh_backend_get_unit_finish (TendBackend   *backend,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------------------ */
/* Actions                                                                               */

static void
action_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TendSshBackend *self = g_task_get_source_object (task);
  const char *unit = g_object_get_data (G_OBJECT (task), "unit");
  TendUnitAction action = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (task), "action"));
  const char *verb = tend_unit_action_to_string (action);
  g_autoptr(TendSshResult) run = NULL;
  g_autoptr(GError) error = NULL;

  run = tend_ssh_session_exec_finish (TEND_SSH_SESSION (object), result, &error);
  if (run == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (action == TEND_UNIT_ACTION_ENABLE || action == TEND_UNIT_ACTION_DISABLE)
    {
      g_clear_pointer (&self->unit_files, tend_unit_list_unref);
      g_signal_emit_by_name (self, "unit-files-changed");
    }

  if (run->exit_status != 0)
    {
      g_task_return_error (task, command_error (self, run, verb, unit));
      return;
    }

  /* systemctl enable of a unit without [Install] says so, and succeeds */
  if (action == TEND_UNIT_ACTION_ENABLE)
    {
      g_autofree char *line = stderr_line (run);

      if (said (line, "no installation config"))
        {
          g_task_return_new_error (task, TEND_ERROR, TEND_ERROR_NOT_SUPPORTED,
                                   "'%s' on %s has no [Install] section, so there is nothing "
                                   "to enable; start it instead, or add WantedBy= to it",
                                   unit, self->host_label);
          return;
        }
    }

  /* systemctl waited for the job, and its status 0 says it ended well */
  g_task_return_pointer (task, g_strdup ("done"), g_free);
}

static void
tend_ssh_backend_run_action_async (TendBackend         *backend,
                                   const char          *name,
                                   TendUnitAction       action,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  TendSshBackend *self = TEND_SSH_BACKEND (backend);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) argv = NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tend_ssh_backend_run_action_async);
  g_object_set_data_full (G_OBJECT (task), "unit", g_strdup (name), g_free);
  g_object_set_data (G_OBJECT (task), "action", GINT_TO_POINTER (action));

  argv = tend_ssh_command_action (&self->ctx, name, action, &error);
  if (argv == NULL || !check_connected (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  exec (self, argv, ACTION_TIMEOUT_MSEC, cancellable, action_cb, g_steal_pointer (&task));
}

static char *
tend_ssh_backend_run_action_finish (TendBackend   *backend,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
tend_ssh_backend_start_transient_async (TendBackend         *backend,
                                        const char          *name,
                                        const char          *description,
                                        const char * const  *argv,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  TendSshBackend *self = TEND_SSH_BACKEND (backend);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, tend_ssh_backend_start_transient_async);
  g_task_return_new_error (task, TEND_ERROR, TEND_ERROR_NOT_SUPPORTED,
                           "Tend does not start transient units on SSH hosts such as %s",
                           self->host_label);
}

static gboolean
tend_ssh_backend_start_transient_finish (TendBackend   *backend,
                                         GAsyncResult  *result,
                                         GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------------------------ */
/* Journal                                                                               */

static TendJournalReader *
tend_ssh_backend_open_journal (TendBackend             *backend,
                               const char              *name,
                               const TendJournalQuery  *query,
                               GCancellable            *cancellable,
                               GError                 **error)
{
  TendSshBackend *self = TEND_SSH_BACKEND (backend);
  g_auto(GStrv) argv = NULL;
  g_autoptr(GInputStream) stream = NULL;

  argv = tend_ssh_command_journal (&self->ctx, name, query, error);
  if (argv == NULL || !check_connected (self, error))
    return NULL;

  /* The stream ends when journalctl does; closing it (the reader goes) or cancelling
   * closes the channel, and so ends a journalctl -f on the host. */
  g_debug ("%s: journal of %s", self->host_label, name);
  stream = tend_ssh_session_exec_stream (self->session, (const char * const *) argv,
                                         cancellable, error);
  if (stream == NULL)
    return NULL;
  return tend_journal_reader_new (stream);
}

/* ------------------------------------------------------------------------------------ */
/* Following changes                                                                     */

static gboolean poll_timeout (gpointer user_data);

static void
schedule_poll (TendSshBackend *self)
{
  if (self->watching && self->poll_source == 0 && !self->poll_running)
    self->poll_source = g_timeout_add (POLL_INTERVAL_MSEC, poll_timeout, self);
}

static void
stop_polling (TendSshBackend *self)
{
  self->watching = FALSE;
  g_clear_handle_id (&self->poll_source, g_source_remove);
}

static void
put_string (GVariantDict *changed,
            const char   *key,
            const char   *before,
            const char   *now)
{
  if (now != NULL && g_strcmp0 (before, now) != 0)
    g_variant_dict_insert (changed, key, "s", now);
}

/* What changed in one unit's line, as the properties the bus would have sent. */
static GVariant *
diff_unit (const TendUnitInfo *before,
           const TendUnitInfo *now)
{
  GVariantDict changed;

  g_variant_dict_init (&changed, NULL);
  put_string (&changed, "Description", before->description, now->description);
  put_string (&changed, "LoadState", before->load_state, now->load_state);
  put_string (&changed, "ActiveState", before->active_state, now->active_state);
  put_string (&changed, "SubState", before->sub_state, now->sub_state);
  if (now->job_type != NULL && g_strcmp0 (before->job_type, now->job_type) != 0)
    {
      if (now->job_type[0] == '\0')
        g_variant_dict_insert (&changed, "Job", "(uo)", 0, "/");
      else
        g_variant_dict_insert (&changed, TEND_PROPERTY_JOB_TYPE, "s", now->job_type);
    }
  return g_variant_ref_sink (g_variant_dict_end (&changed));
}

static void
poll_show_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(TendSshBackend) self = user_data;
  g_autoptr(TendSshResult) run = NULL;
  g_autoptr(GPtrArray) units = NULL;
  g_autoptr(GError) error = NULL;
  const char *text;
  gsize length;

  self->poll_running = FALSE;
  run = tend_ssh_session_exec_finish (TEND_SSH_SESSION (object), result, &error);
  if (run != NULL && run->exit_status == 0)
    {
      text = output (run, &length);
      units = tend_ssh_parse_show (text, length, &error);
    }
  for (guint i = 0; units != NULL && i < units->len; i++)
    {
      const char *id = NULL;

      if (g_variant_lookup (units->pdata[i], "Id", "&s", &id))
        g_signal_emit_by_name (self, "unit-changed", id, units->pdata[i]);
    }
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("%s: reading the changed units failed: %s", self->host_label, error->message);
  schedule_poll (self);
}

static void
poll_list_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(TendSshBackend) self = user_data;
  g_autoptr(TendSshResult) run = NULL;
  g_autoptr(TendUnitList) before = NULL;
  g_autoptr(TendUnitList) now = NULL;
  g_autoptr(GPtrArray) changed = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  gboolean retry_plain = FALSE;
  const TendUnitInfo nothing = { 0 };

  self->poll_running = FALSE;
  run = tend_ssh_session_exec_finish (TEND_SSH_SESSION (object), result, &error);
  if (run != NULL)
    now = parse_list (self, run, self->json != JSON_NO, &retry_plain, &error);
  if (retry_plain)
    self->json = JSON_NO;
  if (now == NULL)
    {
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("%s: listing for changes failed: %s", self->host_label, error->message);
      schedule_poll (self);
      return;
    }

  before = g_steal_pointer (&self->last);
  remember_list (self, now, TRUE);
  if (before == NULL || !self->watching)
    {
      schedule_poll (self);
      return;
    }

  for (guint i = 0; i < tend_unit_list_get_length (now); i++)
    {
      const TendUnitInfo *info = tend_unit_list_get (now, i);
      const TendUnitInfo *old = tend_unit_list_lookup (before, info->name);
      g_autoptr(GVariant) diff = NULL;

      /* a unit that is new here: UnitNew, then its properties, as on the bus */
      if (old == NULL)
        g_signal_emit_by_name (self, "unit-new", info->name);
      diff = diff_unit (old != NULL ? old : &nothing, info);
      if (g_variant_n_children (diff) == 0)
        continue;
      g_signal_emit_by_name (self, "unit-changed", info->name, diff);
      /* only names the show command takes: one it refuses would lose the batch */
      if (changed->len < MAX_SHOW_BATCH && tend_unit_name_validate (info->name, NULL) &&
          strstr (info->name, "..") == NULL)
        g_ptr_array_add (changed, (gpointer) info->name);
    }
  for (guint i = 0; i < tend_unit_list_get_length (before); i++)
    {
      const TendUnitInfo *info = tend_unit_list_get (before, i);

      if (tend_unit_list_lookup (now, info->name) != NULL)
        continue;
      /* systemd drops a unit that stopped and that nothing refers to: on the bus its
       * last PropertiesChanged said so before UnitRemoved; here the list just lacks it. */
      if (g_strcmp0 (info->active_state, "inactive") != 0)
        {
          g_autoptr(GVariant) gone = NULL;
          GVariantDict dict;

          g_variant_dict_init (&dict, NULL);
          g_variant_dict_insert (&dict, "ActiveState", "s", "inactive");
          g_variant_dict_insert (&dict, "SubState", "s", "dead");
          g_variant_dict_insert (&dict, "Job", "(uo)", 0, "/");
          gone = g_variant_ref_sink (g_variant_dict_end (&dict));
          g_signal_emit_by_name (self, "unit-changed", info->name, gone);
        }
      g_signal_emit_by_name (self, "unit-removed", info->name);
    }

  /* The units that changed: their details (main PID, restarts, since when) in one
   * command for all of them. */
  if (changed->len > 0 && self->watching && self->connected)
    {
      g_auto(GStrv) argv = NULL;

      g_ptr_array_add (changed, NULL);
      argv = tend_ssh_command_show (&self->ctx, (const char * const *) changed->pdata, &error);
      if (argv != NULL)
        {
          self->poll_running = TRUE;
          exec (self, argv, 0, self->cancellable, poll_show_cb, g_object_ref (self));
          return;
        }
      g_debug ("%s: %s", self->host_label, error->message);
    }
  schedule_poll (self);
}

static gboolean
poll_timeout (gpointer user_data)
{
  TendSshBackend *self = user_data;
  g_auto(GStrv) argv = NULL;

  self->poll_source = 0;
  if (!self->watching || !self->connected)
    return G_SOURCE_REMOVE;

  self->poll_running = TRUE;
  argv = tend_ssh_command_list_units (&self->ctx, self->json != JSON_NO);
  exec (self, argv, 0, self->cancellable, poll_list_cb, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

static void
tend_ssh_backend_watch (TendBackend *backend)
{
  TendSshBackend *self = TEND_SSH_BACKEND (backend);

  if (self->watching || !self->connected)
    return;
  g_debug ("%s: following changes, one list every %u ms", self->host_label,
           POLL_INTERVAL_MSEC);
  self->watching = TRUE;
  schedule_poll (self);
}

/* ------------------------------------------------------------------------------------ */
/* Command checks                                                                        */

static void
run_command_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  TendSshResult *run;

  run = tend_ssh_session_exec_finish (TEND_SSH_SESSION (object), result, &error);
  if (run == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, run, (GDestroyNotify) tend_ssh_result_free);
}

void
tend_ssh_backend_run_command_async (TendSshBackend      *self,
                                    const char * const  *argv,
                                    guint                timeout_msec,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) command = NULL;

  g_return_if_fail (TEND_IS_SSH_BACKEND (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tend_ssh_backend_run_command_async);

  command = tend_ssh_command_check (&self->ctx, argv, &error);
  if (command == NULL || !check_connected (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  exec (self, command, timeout_msec, cancellable, run_command_cb, g_steal_pointer (&task));
}

TendSshResult *
tend_ssh_backend_run_command_finish (TendSshBackend  *self,
                                     GAsyncResult    *result,
                                     GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------------------ */
/* GObject                                                                               */

static void
tend_ssh_backend_dispose (GObject *object)
{
  TendSshBackend *self = TEND_SSH_BACKEND (object);

  stop_polling (self);
  g_cancellable_cancel (self->cancellable);
  if (self->session != NULL)
    g_clear_signal_handler (&self->disconnected_id, self->session);
  g_clear_object (&self->session);
  g_clear_pointer (&self->unit_files, tend_unit_list_unref);
  g_clear_pointer (&self->last, tend_unit_list_unref);
  G_OBJECT_CLASS (tend_ssh_backend_parent_class)->dispose (object);
}

static void
tend_ssh_backend_finalize (GObject *object)
{
  TendSshBackend *self = TEND_SSH_BACKEND (object);

  g_clear_object (&self->cancellable);
  g_free (self->host_label);
  g_free (self->user);
  G_OBJECT_CLASS (tend_ssh_backend_parent_class)->finalize (object);
}

static void
tend_ssh_backend_class_init (TendSshBackendClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tend_ssh_backend_dispose;
  object_class->finalize = tend_ssh_backend_finalize;
}

static void
tend_ssh_backend_init (TendSshBackend *self)
{
  self->cancellable = g_cancellable_new ();
}

static void
tend_ssh_backend_iface_init (TendBackendInterface *iface)
{
  iface->connect_async = tend_ssh_backend_connect_async;
  iface->connect_finish = tend_ssh_backend_connect_finish;
  iface->watch = tend_ssh_backend_watch;
  iface->list_units_async = tend_ssh_backend_list_units_async;
  iface->list_units_finish = tend_ssh_backend_list_units_finish;
  iface->get_unit_async = tend_ssh_backend_get_unit_async;
  iface->get_unit_finish = tend_ssh_backend_get_unit_finish;
  iface->run_action_async = tend_ssh_backend_run_action_async;
  iface->run_action_finish = tend_ssh_backend_run_action_finish;
  iface->open_journal = tend_ssh_backend_open_journal;
  iface->start_transient_async = tend_ssh_backend_start_transient_async;
  iface->start_transient_finish = tend_ssh_backend_start_transient_finish;
}

/**
 * tend_ssh_backend_new:
 * @spec: an inventory host of kind ssh: its address, port, user, scope and sudo mode
 */
TendSshBackend *
tend_ssh_backend_new (const TendInventoryHost *spec)
{
  TendSshBackend *self;

  g_return_val_if_fail (spec != NULL, NULL);

  self = g_object_new (TEND_TYPE_SSH_BACKEND, NULL);
  self->session = tend_ssh_session_new (spec->address, spec->port, spec->user);
  self->host_label = g_strdup (spec->name != NULL ? spec->name : spec->address);
  self->user = g_strdup (spec->user);
  self->ctx.scope = spec->scope;
  self->ctx.sudo = spec->sudo;
  self->disconnected_id = g_signal_connect (self->session, "disconnected",
                                            G_CALLBACK (on_session_disconnected), self);
  return self;
}

TendSshSession *
tend_ssh_backend_get_session (TendSshBackend *self)
{
  g_return_val_if_fail (TEND_IS_SSH_BACKEND (self), NULL);
  return self->session;
}
