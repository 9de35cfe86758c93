/* tend-ssh-session.c — one authenticated SSH session to a host, on a thread of its own
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SKELETON: the contract of tend-ssh-session.h; the helper "session" writes it.
 */
#include "config.h"

#include "tend-ssh-session.h"

#include "tend-enums.h"
#include "tend-error.h"

struct _TendSshSession
{
  GObject parent_instance;
  char *address;
  int port;
  char *user;
};

G_DEFINE_FINAL_TYPE (TendSshSession, tend_ssh_session, G_TYPE_OBJECT)

static void
tend_ssh_session_finalize (GObject *object)
{
  TendSshSession *self = TEND_SSH_SESSION (object);

  g_free (self->address);
  g_free (self->user);
  G_OBJECT_CLASS (tend_ssh_session_parent_class)->finalize (object);
}

static void
tend_ssh_session_class_init (TendSshSessionClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tend_ssh_session_finalize;
  g_signal_new ("disconnected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
tend_ssh_session_init (TendSshSession *self)
{
}

void
tend_ssh_result_free (TendSshResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->out, g_bytes_unref);
  g_clear_pointer (&result->err, g_bytes_unref);
  g_free (result);
}

TendSshSession *
tend_ssh_session_new (const char *address,
                      int         port,
                      const char *user)
{
  TendSshSession *self = g_object_new (TEND_TYPE_SSH_SESSION, NULL);

  self->address = g_strdup (address);
  self->port = port;
  self->user = g_strdup (user);
  return self;
}

const char *tend_ssh_session_get_address (TendSshSession *self) { return self->address; }
void tend_ssh_session_set_config_file (TendSshSession *self, const char *path) { }
void tend_ssh_session_set_known_hosts_file (TendSshSession *self, const char *path) { }
void tend_ssh_session_set_accept_fingerprint (TendSshSession *self, const char *fp) { }
void tend_ssh_session_set_timeout (TendSshSession *self, guint timeout_msec) { }
TendSshState tend_ssh_session_get_state (TendSshSession *self) { return TEND_SSH_STATE_DISCONNECTED; }
const char *tend_ssh_session_get_message (TendSshSession *self) { return ""; }
const char *tend_ssh_session_get_fingerprint (TendSshSession *self) { return NULL; }
const char *tend_ssh_session_get_known_fingerprint (TendSshSession *self) { return NULL; }

static void
not_yet (gpointer source, GAsyncReadyCallback callback, gpointer user_data, gpointer tag)
{
  GTask *task = g_task_new (source, NULL, callback, user_data);

  g_task_set_source_tag (task, tag);
  g_task_return_new_error (task, TEND_ERROR, TEND_ERROR_NOT_SUPPORTED, "SSH is not written yet");
  g_object_unref (task);
}

void
tend_ssh_session_connect_async (TendSshSession *self, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  not_yet (self, callback, user_data, tend_ssh_session_connect_async);
}

gboolean
tend_ssh_session_connect_finish (TendSshSession *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

void tend_ssh_session_close (TendSshSession *self) { }

void
tend_ssh_session_exec_async (TendSshSession *self, const char * const *argv, GBytes *stdin_data,
                             guint timeout_msec, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  not_yet (self, callback, user_data, tend_ssh_session_exec_async);
}

TendSshResult *
tend_ssh_session_exec_finish (TendSshSession *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

GInputStream *
tend_ssh_session_exec_stream (TendSshSession *self, const char * const *argv,
                              GCancellable *cancellable, GError **error)
{
  g_set_error (error, TEND_ERROR, TEND_ERROR_NOT_SUPPORTED, "SSH is not written yet");
  return NULL;
}

guint16
tend_ssh_session_add_forward (TendSshSession *self, const char *remote_host, guint16 remote_port,
                              GError **error)
{
  g_set_error (error, TEND_ERROR, TEND_ERROR_NOT_SUPPORTED, "SSH is not written yet");
  return 0;
}

char *
tend_ssh_quote_argv (const char * const *argv)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; argv[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (s, ' ');
      g_string_append_c (s, '\'');
      for (const char *p = argv[i]; *p != '\0'; p++)
        {
          if (*p == '\'')
            g_string_append (s, "'\\''");
          else
            g_string_append_c (s, *p);
        }
      g_string_append_c (s, '\'');
    }
  return g_string_free (s, FALSE);
}

const char *
tend_ssh_state_to_string (TendSshState state)
{
  GEnumClass *klass = g_type_class_ref (TEND_TYPE_SSH_STATE);
  GEnumValue *value = g_enum_get_value (klass, state);

  g_type_class_unref (klass);
  return value != NULL ? value->value_nick : "?";
}
