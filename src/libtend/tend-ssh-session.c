/* tend-ssh-session.c — one authenticated SSH session to a host, on a thread of its own
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * This file is the caller's side: the GObject, its properties and signal, and the
 * requests it queues for the worker thread (tend-ssh-worker.c), which owns the libssh
 * session and makes every libssh call. A request goes into TendSshShared's queue and an
 * eventfd wakes the worker; results come back as GTasks created here (so their callbacks
 * run on the caller's thread-default main context), and the worker's news — state,
 * message, fingerprints, `disconnected` — through g_main_context_invoke_full() on the
 * same context, in the order the worker sent them, before the result that follows them.
 * The worker holds no reference on the session, only a GWeakRef in the shared part.
 */
#define G_LOG_DOMAIN "Tend-Ssh"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <gio/gunixinputstream.h>
#include <glib-unix.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tend-enums.h"
#include "tend-error.h"
#include "tend-ssh-session-private.h"

#define DEFAULT_TIMEOUT_MSEC 10000
#define DEFAULT_KEEPALIVE_MSEC 15000

typedef struct
{
  GSocket *socket;             /* (owned) listening on 127.0.0.1 */
  guint16 port;
} Forward;

struct _TendSshSession
{
  GObject parent_instance;

  TendSshShared *shared;       /* (owned) */
  GThread *thread;             /* (owned) */

  TendSshState state;
  char *message;               /* (owned) */
  char *fingerprint;           /* (owned) (nullable) */
  char *known_fingerprint;     /* (owned) (nullable) */

  GMutex forwards_lock;
  GHashTable *forwards;        /* "host\nport" → (owned) Forward */
};

G_DEFINE_FINAL_TYPE (TendSshSession, tend_ssh_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  PROP_MESSAGE,
  PROP_FINGERPRINT,
  PROP_KNOWN_FINGERPRINT,
  N_PROPS
};

enum {
  DISCONNECTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* ------------------------------------------------------------------------------------ */
/* The shared part                                                                       */

TendSshShared *
tend_ssh_shared_ref (TendSshShared *shared)
{
  g_atomic_ref_count_inc (&shared->ref_count);
  return shared;
}

void
tend_ssh_request_free (TendSshRequest *request)
{
  if (request == NULL)
    return;
  if (request->cancellable != NULL && request->cancel_handler != 0)
    g_cancellable_disconnect (request->cancellable, request->cancel_handler);
  g_clear_object (&request->cancellable);
  g_clear_object (&request->task);
  g_free (request->command);
  g_free (request->label);
  g_free (request->host);
  g_clear_pointer (&request->stdin_data, g_bytes_unref);
  if (request->kind == TEND_SSH_REQUEST_STREAM && request->fd >= 0)
    close (request->fd);
  g_free (request);
}

void
tend_ssh_shared_unref (TendSshShared *shared)
{
  if (!g_atomic_ref_count_dec (&shared->ref_count))
    return;
  g_queue_clear_full (&shared->requests, (GDestroyNotify) tend_ssh_request_free);
  g_weak_ref_clear (&shared->owner);
  g_main_context_unref (shared->context);
  close (shared->wake_fd);
  g_mutex_clear (&shared->lock);
  g_free (shared->address);
  g_free (shared->user);
  g_free (shared->config_file);
  g_free (shared->known_hosts_file);
  g_free (shared->accept_fingerprint);
  g_free (shared);
}

void
tend_ssh_shared_push (TendSshShared  *shared,
                      TendSshRequest *request)
{
  guint64 one = 1;

  g_mutex_lock (&shared->lock);
  g_queue_push_tail (&shared->requests, request);
  g_mutex_unlock (&shared->lock);
  while (write (shared->wake_fd, &one, sizeof one) < 0 && errno == EINTR)
    ;
}

static guint64
shared_new_id (TendSshShared *shared)
{
  guint64 id;

  g_mutex_lock (&shared->lock);
  id = ++shared->next_id;
  g_mutex_unlock (&shared->lock);
  return id;
}

/* ------------------------------------------------------------------------------------ */
/* News from the worker, on the caller's context                                         */

typedef struct
{
  TendSshShared *shared;
  TendSshStatus *status;       /* (nullable) */
  GError *error;               /* (nullable) `disconnected` */
} News;

static void
news_free (gpointer data)
{
  News *news = data;

  if (news->status != NULL)
    {
      g_free (news->status->message);
      g_free (news->status->fingerprint);
      g_free (news->status->known_fingerprint);
      g_free (news->status);
    }
  g_clear_error (&news->error);
  tend_ssh_shared_unref (news->shared);
  g_free (news);
}

static gboolean
set_string (char       **field,
            const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

static void
apply_status (TendSshSession *self,
              TendSshStatus  *status)
{
  g_object_freeze_notify (G_OBJECT (self));
  if (self->state != status->state)
    {
      self->state = status->state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  if (set_string (&self->message, status->message))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
  /* The fingerprint seen at the last connect stays when the connection ends. */
  if (status->fingerprint != NULL && set_string (&self->fingerprint, status->fingerprint))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FINGERPRINT]);
  if (set_string (&self->known_fingerprint, status->known_fingerprint))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KNOWN_FINGERPRINT]);
  g_object_thaw_notify (G_OBJECT (self));
}

static gboolean
news_dispatch (gpointer data)
{
  News *news = data;
  g_autoptr(TendSshSession) self = g_weak_ref_get (&news->shared->owner);

  if (self == NULL)
    return G_SOURCE_REMOVE;
  if (news->status != NULL)
    apply_status (self, news->status);
  if (news->error != NULL)
    g_signal_emit (self, signals[DISCONNECTED], 0, news->error);
  return G_SOURCE_REMOVE;
}

static void
post_news (TendSshShared *shared,
           News          *news)
{
  news->shared = tend_ssh_shared_ref (shared);
  tend_ssh_shared_invoke (shared, news_dispatch, news, news_free);
}

/* Runs @func on the caller's context, always from a source of its own: never at once in
 * this thread, as g_main_context_invoke() would when no thread owns the context. */
void
tend_ssh_shared_invoke (TendSshShared  *shared,
                        GSourceFunc     func,
                        gpointer        data,
                        GDestroyNotify  notify)
{
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, func, data, notify);
  g_source_set_static_name (source, "[tend] ssh session news");
  g_source_attach (source, shared->context);
  g_source_unref (source);
}

void
tend_ssh_shared_post_status (TendSshShared *shared,
                             TendSshStatus *status)
{
  News *news = g_new0 (News, 1);

  news->status = status;
  post_news (shared, news);
}

void
tend_ssh_shared_post_disconnected (TendSshShared *shared,
                                   GError        *error)
{
  News *news = g_new0 (News, 1);

  news->error = error;
  post_news (shared, news);
}

/* ------------------------------------------------------------------------------------ */
/* The object                                                                            */

static void
forward_free (gpointer data)
{
  Forward *forward = data;

  g_clear_object (&forward->socket);
  g_free (forward);
}

static void
tend_ssh_session_finalize (GObject *object)
{
  TendSshSession *self = TEND_SSH_SESSION (object);
  TendSshRequest *stop = g_new0 (TendSshRequest, 1);

  stop->kind = TEND_SSH_REQUEST_STOP;
  stop->fd = -1;
  tend_ssh_shared_push (self->shared, stop);
  g_thread_join (self->thread);
  /* The worker has stopped using the listeners' descriptors. */
  g_hash_table_unref (self->forwards);
  g_mutex_clear (&self->forwards_lock);
  tend_ssh_shared_unref (self->shared);
  g_free (self->message);
  g_free (self->fingerprint);
  g_free (self->known_fingerprint);
  G_OBJECT_CLASS (tend_ssh_session_parent_class)->finalize (object);
}

static void
tend_ssh_session_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  TendSshSession *self = TEND_SSH_SESSION (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;
    case PROP_FINGERPRINT:
      g_value_set_string (value, self->fingerprint);
      break;
    case PROP_KNOWN_FINGERPRINT:
      g_value_set_string (value, self->known_fingerprint);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_ssh_session_class_init (TendSshSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tend_ssh_session_finalize;
  object_class->get_property = tend_ssh_session_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, TEND_TYPE_SSH_STATE, TEND_SSH_STATE_DISCONNECTED,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, "",
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_FINGERPRINT] =
    g_param_spec_string ("fingerprint", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_KNOWN_FINGERPRINT] =
    g_param_spec_string ("known-fingerprint", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[DISCONNECTED] =
    g_signal_new ("disconnected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
tend_ssh_session_init (TendSshSession *self)
{
  self->message = g_strdup ("");
  g_mutex_init (&self->forwards_lock);
  self->forwards = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, forward_free);
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
  TendSshSession *self;
  TendSshShared *shared;

  g_return_val_if_fail (address != NULL && *address != '\0', NULL);

  self = g_object_new (TEND_TYPE_SSH_SESSION, NULL);
  shared = g_new0 (TendSshShared, 1);
  g_atomic_ref_count_init (&shared->ref_count);
  g_weak_ref_init (&shared->owner, self);
  shared->context = g_main_context_ref_thread_default ();
  shared->wake_fd = eventfd (0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (shared->wake_fd < 0)
    g_error ("eventfd: %s", g_strerror (errno));
  g_mutex_init (&shared->lock);
  g_queue_init (&shared->requests);
  shared->address = g_strdup (address);
  shared->port = port;
  shared->user = g_strdup (user);
  shared->timeout_msec = DEFAULT_TIMEOUT_MSEC;
  shared->keepalive_msec = DEFAULT_KEEPALIVE_MSEC;
  self->shared = shared;
  self->thread = g_thread_new ("tend-ssh", tend_ssh_worker_main,
                               tend_ssh_shared_ref (shared));
  return self;
}

const char *
tend_ssh_session_get_address (TendSshSession *self)
{
  g_return_val_if_fail (TEND_IS_SSH_SESSION (self), NULL);
  return self->shared->address;
}

static void
set_setting (TendSshSession  *self,
             char           **field,
             const char      *value)
{
  g_mutex_lock (&self->shared->lock);
  g_free (*field);
  *field = g_strdup (value);
  g_mutex_unlock (&self->shared->lock);
}

void
tend_ssh_session_set_config_file (TendSshSession *self,
                                  const char     *path)
{
  g_return_if_fail (TEND_IS_SSH_SESSION (self));
  set_setting (self, &self->shared->config_file, path);
}

void
tend_ssh_session_set_known_hosts_file (TendSshSession *self,
                                       const char     *path)
{
  g_return_if_fail (TEND_IS_SSH_SESSION (self));
  set_setting (self, &self->shared->known_hosts_file, path);
}

void
tend_ssh_session_set_accept_fingerprint (TendSshSession *self,
                                         const char     *fingerprint)
{
  g_return_if_fail (TEND_IS_SSH_SESSION (self));
  set_setting (self, &self->shared->accept_fingerprint, fingerprint);
}

static void
set_msec (TendSshSession *self,
          guint          *field,
          guint           msec,
          guint           fallback)
{
  g_mutex_lock (&self->shared->lock);
  *field = msec > 0 ? msec : fallback;
  g_mutex_unlock (&self->shared->lock);
}

void
tend_ssh_session_set_timeout (TendSshSession *self,
                              guint           timeout_msec)
{
  g_return_if_fail (TEND_IS_SSH_SESSION (self));
  set_msec (self, &self->shared->timeout_msec, timeout_msec, DEFAULT_TIMEOUT_MSEC);
}

void
tend_ssh_session_set_keepalive_interval (TendSshSession *self,
                                         guint           interval_msec)
{
  g_return_if_fail (TEND_IS_SSH_SESSION (self));
  set_msec (self, &self->shared->keepalive_msec, interval_msec, DEFAULT_KEEPALIVE_MSEC);
}

TendSshState
tend_ssh_session_get_state (TendSshSession *self)
{
  g_return_val_if_fail (TEND_IS_SSH_SESSION (self), TEND_SSH_STATE_DISCONNECTED);
  return self->state;
}

const char *
tend_ssh_session_get_message (TendSshSession *self)
{
  g_return_val_if_fail (TEND_IS_SSH_SESSION (self), NULL);
  return self->message;
}

const char *
tend_ssh_session_get_fingerprint (TendSshSession *self)
{
  g_return_val_if_fail (TEND_IS_SSH_SESSION (self), NULL);
  return self->fingerprint;
}

const char *
tend_ssh_session_get_known_fingerprint (TendSshSession *self)
{
  g_return_val_if_fail (TEND_IS_SSH_SESSION (self), NULL);
  return self->known_fingerprint;
}

/* ------------------------------------------------------------------------------------ */
/* Requests                                                                              */

static TendSshRequest *
request_new (TendSshRequestKind kind)
{
  TendSshRequest *request = g_new0 (TendSshRequest, 1);

  request->kind = kind;
  request->fd = -1;
  return request;
}

typedef struct
{
  TendSshShared *shared;
  guint64 id;
} CancelData;

static void
cancel_data_free (gpointer data)
{
  CancelData *cancel = data;

  tend_ssh_shared_unref (cancel->shared);
  g_free (cancel);
}

/* Any thread: asks the worker to end operation @id. */
static void
on_cancelled (GCancellable *cancellable,
              gpointer      user_data)
{
  CancelData *cancel = user_data;
  TendSshRequest *request = request_new (TEND_SSH_REQUEST_CANCEL);

  request->id = cancel->id;
  tend_ssh_shared_push (cancel->shared, request);
}

static void
request_watch_cancellable (TendSshShared  *shared,
                           TendSshRequest *request,
                           GCancellable   *cancellable)
{
  CancelData *cancel;

  request->id = shared_new_id (shared);
  if (cancellable == NULL)
    return;
  cancel = g_new0 (CancelData, 1);
  cancel->shared = tend_ssh_shared_ref (shared);
  cancel->id = request->id;
  request->cancellable = g_object_ref (cancellable);
  /* Runs on_cancelled at once when it is cancelled already: the worker finds the
   * request's CANCEL behind it in the queue. */
  request->cancel_handler = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled),
                                                   cancel, cancel_data_free);
}

void
tend_ssh_session_connect_async (TendSshSession      *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  TendSshRequest *request;
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TEND_IS_SSH_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tend_ssh_session_connect_async);
  request = request_new (TEND_SSH_REQUEST_CONNECT);
  request->task = g_steal_pointer (&task);
  tend_ssh_shared_push (self->shared, request);
}

gboolean
tend_ssh_session_connect_finish (TendSshSession  *self,
                                 GAsyncResult    *result,
                                 GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
tend_ssh_session_close (TendSshSession *self)
{
  g_return_if_fail (TEND_IS_SSH_SESSION (self));
  tend_ssh_shared_push (self->shared, request_new (TEND_SSH_REQUEST_CLOSE));
}

void
tend_ssh_session_exec_async (TendSshSession      *self,
                             const char * const  *argv,
                             GBytes              *stdin_data,
                             guint                timeout_msec,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  TendSshRequest *request;
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TEND_IS_SSH_SESSION (self));
  g_return_if_fail (argv != NULL && argv[0] != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tend_ssh_session_exec_async);
  if (g_task_return_error_if_cancelled (task))
    return;
  request = request_new (TEND_SSH_REQUEST_EXEC);
  request->task = g_steal_pointer (&task);
  request->command = tend_ssh_quote_argv (argv);
  request->label = g_strdup (argv[0]);
  request->stdin_data = stdin_data != NULL ? g_bytes_ref (stdin_data) : NULL;
  request->timeout_msec = timeout_msec;
  request_watch_cancellable (self->shared, request, cancellable);
  tend_ssh_shared_push (self->shared, request);
}

TendSshResult *
tend_ssh_session_exec_finish (TendSshSession  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

GInputStream *
tend_ssh_session_exec_stream (TendSshSession      *self,
                              const char * const  *argv,
                              GCancellable        *cancellable,
                              GError             **error)
{
  TendSshRequest *request;
  int fds[2];

  g_return_val_if_fail (TEND_IS_SSH_SESSION (self), NULL);
  g_return_val_if_fail (argv != NULL && argv[0] != NULL, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  if (self->state != TEND_SSH_STATE_ONLINE)
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_UNREACHABLE,
                   _("Tend is not connected to %s: %s"), self->shared->address,
                   *self->message != '\0' ? self->message : _("connect first."));
      return NULL;
    }
  /* A socket pair rather than a pipe: the worker writes with MSG_NOSIGNAL, and sees the
   * reader close its end. */
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0)
    {
      int saved = errno;

      g_set_error (error, TEND_ERROR, TEND_ERROR_FAILED,
                   _("Could not run a command on %s: %s"), self->shared->address,
                   g_strerror (saved));
      return NULL;
    }
  g_unix_set_fd_nonblocking (fds[1], TRUE, NULL);
  request = request_new (TEND_SSH_REQUEST_STREAM);
  request->command = tend_ssh_quote_argv (argv);
  request->label = g_strdup (argv[0]);
  request->fd = fds[1];
  request_watch_cancellable (self->shared, request, cancellable);
  tend_ssh_shared_push (self->shared, request);
  return g_unix_input_stream_new (fds[0], TRUE);
}

guint16
tend_ssh_session_add_forward (TendSshSession  *self,
                              const char      *remote_host,
                              guint16          remote_port,
                              GError         **error)
{
  g_autofree char *key = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  TendSshRequest *request;
  Forward *forward;
  guint16 port;

  g_return_val_if_fail (TEND_IS_SSH_SESSION (self), 0);
  g_return_val_if_fail (remote_host != NULL && *remote_host != '\0', 0);
  g_return_val_if_fail (remote_port > 0, 0);

  key = g_strdup_printf ("%s\n%u", remote_host, remote_port);
  g_mutex_lock (&self->forwards_lock);
  forward = g_hash_table_lookup (self->forwards, key);
  if (forward != NULL)
    {
      port = forward->port;
      g_mutex_unlock (&self->forwards_lock);
      return port;
    }

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                         error);
  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  address = g_inet_socket_address_new (loopback, 0);
  if (socket == NULL || !g_socket_bind (socket, address, FALSE, error) ||
      !g_socket_listen (socket, error) ||
      (bound = g_socket_get_local_address (socket, error)) == NULL)
    {
      g_mutex_unlock (&self->forwards_lock);
      g_prefix_error (error, _("Could not open a local port to forward to %s:%u on %s: "),
                      remote_host, remote_port, self->shared->address);
      return 0;
    }
  g_socket_set_blocking (socket, FALSE);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));

  forward = g_new0 (Forward, 1);
  forward->socket = g_steal_pointer (&socket);
  forward->port = port;
  request = request_new (TEND_SSH_REQUEST_LISTEN);
  request->fd = g_socket_get_fd (forward->socket);
  request->host = g_strdup (remote_host);
  request->port = remote_port;
  g_hash_table_insert (self->forwards, g_steal_pointer (&key), forward);
  g_mutex_unlock (&self->forwards_lock);

  tend_ssh_shared_push (self->shared, request);
  g_debug ("%s: 127.0.0.1:%u forwards to %s:%u", self->shared->address, port, remote_host,
           remote_port);
  return port;
}

/* ------------------------------------------------------------------------------------ */

char *
tend_ssh_quote_argv (const char * const *argv)
{
  GString *s = g_string_new (NULL);

  g_return_val_if_fail (argv != NULL, NULL);

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
