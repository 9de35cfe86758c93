/* tend-ssh-worker.c — the thread that owns a TendSshSession's libssh session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libssh is not thread-safe: every libssh call of a session happens here. The thread
 * sleeps in poll() on the eventfd of its request queue, the SSH socket, the listening
 * sockets of the port forwards and the local ends of forwarded connections and streams;
 * after each wakeup it takes the requests, lets libssh read what arrived (an ssh_event
 * that holds the session's socket alone, so libssh never calls back into anything but
 * the channels' callbacks), and moves every operation one step on.
 *
 * Connecting and authenticating are blocking, bounded by the session's timeout; once
 * online the session is non-blocking and each command is a small state machine on a
 * channel of its own (open → exec → write stdin → read until the server closes the
 * channel), so many commands are in flight at once. At most MaxSessions (OpenSSH's
 * default, 10) session channels are open together; the others wait their turn. Port
 * forwards are direct-tcpip channels and do not count.
 *
 * Keepalives go out every keepalive interval; two unanswered ones, a socket error or the
 * server's EOF end the session: every operation fails with TEND_ERROR_UNREACHABLE, the
 * state becomes unreachable and `disconnected` is emitted.
 */
#define G_LOG_DOMAIN "Tend-Ssh"
#define _GNU_SOURCE                  /* accept4 */

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/server.h>     /* ssh_send_keepalive, which clients use too */
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tend-error.h"
#include "tend-ssh-session-private.h"

#define MAX_SESSION_CHANNELS 10      /* OpenSSH's MaxSessions default */
#define READ_CHUNK 16384
#define KEEPALIVES_MISSED_MAX 2

typedef enum
{
  OP_EXEC,
  OP_STREAM,
  OP_FORWARD,
} OpKind;

typedef enum
{
  STEP_WAITING,                 /* for a free session channel */
  STEP_OPENING,
  STEP_REQUESTING,
  STEP_RUNNING,
} OpStep;

typedef struct _Worker Worker;

typedef struct
{
  Worker *worker;
  OpKind kind;
  OpStep step;
  TendSshRequest *request;      /* (owned) (nullable) exec and stream */
  ssh_channel channel;          /* (owned) (nullable) */
  struct ssh_channel_callbacks_struct callbacks;
  gint64 deadline;              /* monotonic µs; 0: none */

  gsize stdin_offset;
  gboolean eof_sent;
  GByteArray *out;              /* (owned) exec: stdout */
  GByteArray *err;              /* (owned) exec: stderr */
  int exit_status;
  gboolean got_exit;
  gboolean remote_eof;
  gboolean remote_closed;

  int fd;                       /* (owned) stream and forward: the local end, or -1 */
  GByteArray *to_local;         /* (owned) what waits to be written to @fd */
  GByteArray *to_remote;        /* (owned) forward: read from @fd, not yet on the channel */
  gboolean local_eof;           /* forward: the local client shut its side */
  gboolean local_shut;          /* forward: we shut @fd's writing side */
  gboolean local_gone;          /* @fd was closed by its reader or failed */
  char *forward_host;           /* (owned) (nullable) */
  guint16 forward_port;
  guint16 peer_port;
  gboolean done;
} Op;

typedef struct
{
  int fd;                       /* borrowed: the session's GSocket owns it */
  char *host;
  guint16 port;
} Listener;

struct _Worker
{
  TendSshShared *shared;
  gboolean stop;

  /* Copied from the shared settings at each connect. */
  char *address;
  int port;
  char *user;
  char *config_file;
  char *known_hosts_file;
  char *accept_fingerprint;
  guint timeout_msec;
  guint keepalive_msec;

  char *where;                  /* user@host:port, once known */
  ssh_session session;          /* (nullable) */
  ssh_event event;              /* (nullable) */
  TendSshState state;
  char *fingerprint;            /* (nullable) */
  GPtrArray *ops;               /* of (owned) Op */
  GPtrArray *listeners;         /* of (owned) Listener */
  guint max_sessions;
  gint64 next_keepalive;
  struct ssh_counter_struct counter;   /* what the socket carried */
  guint64 last_in_bytes;
  guint keepalives_missed;
};

/* ------------------------------------------------------------------------------------ */
/* Talking back                                                                          */

static void
post_status (Worker       *w,
             TendSshState  state,
             const char   *message,
             const char   *known_fingerprint)
{
  TendSshStatus *status = g_new0 (TendSshStatus, 1);

  w->state = state;
  status->state = state;
  status->message = g_strdup (message);
  status->fingerprint = g_strdup (w->fingerprint);
  status->known_fingerprint = g_strdup (known_fingerprint);
  tend_ssh_shared_post_status (w->shared, status);
}

static gboolean
nothing (gpointer data)
{
  return G_SOURCE_REMOVE;
}

/* The last reference to a task may hold the last one to the session, whose finalize
 * joins this thread: it is dropped on the caller's context, after the task's callback. */
static void
release_task (Worker *w,
              GTask  *task)
{
  if (task != NULL)
    tend_ssh_shared_invoke (w->shared, nothing, task, g_object_unref);
}

static void
release_request (Worker         *w,
                 TendSshRequest *request)
{
  if (request == NULL)
    return;
  release_task (w, g_steal_pointer (&request->task));
  tend_ssh_request_free (request);
}

static void
return_error (Worker         *w,
              TendSshRequest *request,
              GError         *error)
{
  if (request->task != NULL)
    g_task_return_error (request->task, error);
  else
    g_error_free (error);
  release_request (w, request);
}

static const char *
label_of (Op *op)
{
  return op->request != NULL && op->request->label != NULL ? op->request->label : "";
}

/* ------------------------------------------------------------------------------------ */
/* Operations                                                                            */

static int
on_data (ssh_session  session,
         ssh_channel  channel,
         void        *data,
         uint32_t     len,
         int          is_stderr,
         void        *user_data)
{
  Op *op = user_data;

  if (op->kind == OP_EXEC)
    g_byte_array_append (is_stderr ? op->err : op->out, data, len);
  else if (is_stderr)
    g_debug ("%s: %s: %.*s", op->worker->address, label_of (op), (int) len, (char *) data);
  else if (!op->local_gone)
    g_byte_array_append (op->to_local, data, len);
  return len;
}

static void
on_eof (ssh_session session,
        ssh_channel channel,
        void       *user_data)
{
  ((Op *) user_data)->remote_eof = TRUE;
}

static void
on_close (ssh_session session,
          ssh_channel channel,
          void       *user_data)
{
  ((Op *) user_data)->remote_closed = TRUE;
}

static void
on_exit_status (ssh_session session,
                ssh_channel channel,
                int         exit_status,
                void       *user_data)
{
  Op *op = user_data;

  op->exit_status = exit_status;
  op->got_exit = TRUE;
}

static void
on_exit_signal (ssh_session  session,
                ssh_channel  channel,
                const char  *signal,
                int          core,
                const char  *errmsg,
                const char  *lang,
                void        *user_data)
{
  Op *op = user_data;

  op->exit_status = -1;
  op->got_exit = TRUE;
}

static Op *
op_new (Worker *w,
        OpKind  kind)
{
  Op *op = g_new0 (Op, 1);

  op->worker = w;
  op->kind = kind;
  op->fd = -1;
  op->out = g_byte_array_new ();
  op->err = g_byte_array_new ();
  op->to_local = g_byte_array_new ();
  op->to_remote = g_byte_array_new ();
  op->exit_status = -1;
  ssh_callbacks_init (&op->callbacks);
  op->callbacks.userdata = op;
  op->callbacks.channel_data_function = on_data;
  op->callbacks.channel_eof_function = on_eof;
  op->callbacks.channel_close_function = on_close;
  op->callbacks.channel_exit_status_function = on_exit_status;
  op->callbacks.channel_exit_signal_function = on_exit_signal;
  return op;
}

static void
op_close_channel (Op *op)
{
  if (op->channel == NULL)
    return;
  ssh_remove_channel_callbacks (op->channel, &op->callbacks);
  if (!ssh_channel_is_closed (op->channel))
    ssh_channel_close (op->channel);
  ssh_channel_free (op->channel);
  op->channel = NULL;
}

static void
op_free (Op *op)
{
  op_close_channel (op);
  release_request (op->worker, op->request);
  if (op->fd >= 0)
    close (op->fd);
  g_byte_array_unref (op->out);
  g_byte_array_unref (op->err);
  g_byte_array_unref (op->to_local);
  g_byte_array_unref (op->to_remote);
  g_free (op->forward_host);
  g_free (op);
}

/* Ends @op with @error (an exec's task gets it; a stream's reader sees the end). */
static void
op_fail (Op     *op,
         GError *error)
{
  if (op->request != NULL && op->request->task != NULL)
    g_task_return_error (op->request->task, error);
  else
    {
      g_debug ("%s", error->message);
      g_error_free (error);
    }
  op_close_channel (op);
  op->done = TRUE;
}

static void
op_succeed (Op *op)
{
  TendSshResult *result = g_new0 (TendSshResult, 1);

  result->exit_status = op->got_exit ? op->exit_status : -1;
  result->out = g_byte_array_free_to_bytes (g_steal_pointer (&op->out));
  result->err = g_byte_array_free_to_bytes (g_steal_pointer (&op->err));
  op->out = g_byte_array_new ();
  op->err = g_byte_array_new ();
  g_task_return_pointer (op->request->task, result, (GDestroyNotify) tend_ssh_result_free);
  op_close_channel (op);
  op->done = TRUE;
}

static guint
count_session_channels (Worker *w)
{
  guint n = 0;

  for (guint i = 0; i < w->ops->len; i++)
    {
      Op *op = g_ptr_array_index (w->ops, i);

      if (op->kind != OP_FORWARD && op->step != STEP_WAITING && !op->done)
        n++;
    }
  return n;
}

/* Writes what waits for the local end; FALSE when it is gone. */
static void
op_flush_local (Op *op)
{
  while (op->to_local->len > 0 && !op->local_gone)
    {
      ssize_t n = send (op->fd, op->to_local->data, op->to_local->len, MSG_NOSIGNAL);

      if (n > 0)
        g_byte_array_remove_range (op->to_local, 0, n);
      else if (n < 0 && errno == EINTR)
        continue;
      else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        break;
      else
        op->local_gone = TRUE;
    }
}

/* Writes @data from @offset on the channel as far as its window lets; the new offset,
 * or -1 on error. */
static gssize
op_write_remote (Op           *op,
                 const guint8 *data,
                 gsize         len,
                 gsize         offset)
{
  while (offset < len)
    {
      int n = ssh_channel_write (op->channel, data + offset, MIN (len - offset, 32768));

      if (n < 0)
        return -1;
      if (n == 0)
        break;
      offset += n;
    }
  return offset;
}

static void
op_step_running (Op *op)
{
  Worker *w = op->worker;

  if (op->kind == OP_EXEC && !op->eof_sent)
    {
      gsize len = 0;
      const guint8 *data = op->request->stdin_data != NULL ?
                           g_bytes_get_data (op->request->stdin_data, &len) : NULL;
      gssize offset = op_write_remote (op, data, len, op->stdin_offset);

      if (offset < 0)
        {
          op_fail (op, g_error_new (TEND_ERROR, TEND_ERROR_FAILED,
                                    _("Could not send input to “%s” on %s: %s"),
                                    label_of (op), w->address, ssh_get_error (w->session)));
          return;
        }
      op->stdin_offset = offset;
      if (op->stdin_offset == len)
        {
          ssh_channel_send_eof (op->channel);
          op->eof_sent = TRUE;
        }
    }
  if (op->kind == OP_FORWARD)
    {
      gssize offset = op_write_remote (op, op->to_remote->data, op->to_remote->len, 0);

      if (offset < 0)
        op->local_gone = TRUE;
      else
        g_byte_array_remove_range (op->to_remote, 0, offset);
      if (op->local_eof && op->to_remote->len == 0 && !op->eof_sent)
        {
          ssh_channel_send_eof (op->channel);
          op->eof_sent = TRUE;
        }
    }
  if (op->fd >= 0)
    op_flush_local (op);

  switch (op->kind)
    {
    case OP_EXEC:
      if (op->remote_closed || (op->remote_eof && op->got_exit))
        op_succeed (op);
      break;
    case OP_STREAM:
      if (op->local_gone || ((op->remote_eof || op->remote_closed) && op->to_local->len == 0))
        {
          op_close_channel (op);
          op->done = TRUE;
        }
      break;
    case OP_FORWARD:
      if (op->remote_eof && op->to_local->len == 0 && !op->local_shut && !op->local_gone)
        {
          shutdown (op->fd, SHUT_WR);
          op->local_shut = TRUE;
        }
      if (op->local_gone || (op->remote_closed && op->to_local->len == 0) ||
          (op->local_eof && op->eof_sent && op->remote_eof && op->to_local->len == 0))
        {
          op_close_channel (op);
          op->done = TRUE;
        }
      break;
    }
}

static void
op_step (Op *op)
{
  Worker *w = op->worker;
  int rc;

  if (op->done)
    return;
  if (op->step == STEP_WAITING)
    {
      if (op->kind != OP_FORWARD && count_session_channels (w) >= w->max_sessions)
        return;
      op->channel = ssh_channel_new (w->session);
      if (op->channel == NULL)
        {
          op_fail (op, g_error_new (TEND_ERROR, TEND_ERROR_FAILED,
                                    _("Could not open a channel to %s: %s"), w->address,
                                    ssh_get_error (w->session)));
          return;
        }
      ssh_set_channel_callbacks (op->channel, &op->callbacks);
      op->step = STEP_OPENING;
    }
  if (op->step == STEP_OPENING)
    {
      if (op->kind == OP_FORWARD)
        rc = ssh_channel_open_forward (op->channel, op->forward_host, op->forward_port,
                                       "127.0.0.1", op->peer_port);
      else
        rc = ssh_channel_open_session (op->channel);
      if (rc == SSH_AGAIN)
        return;
      if (rc != SSH_OK)
        {
          guint others = count_session_channels (w) - 1;

          /* The server allows fewer sessions than we thought (its MaxSessions): wait
           * for one of the others to end. */
          if (op->kind != OP_FORWARD && others > 0 && ssh_is_connected (w->session))
            {
              g_debug ("%s: the server refused a channel with %u open: %s", w->address,
                       others, ssh_get_error (w->session));
              w->max_sessions = others;
              op_close_channel (op);
              op->step = STEP_WAITING;
              return;
            }
          op_fail (op, g_error_new (TEND_ERROR, TEND_ERROR_FAILED,
                                    op->kind == OP_FORWARD ?
                                    _("%s could not connect to %s:%u for the port forward: %s") :
                                    _("%s refused to open a channel: %s"),
                                    w->address, op->forward_host, op->forward_port,
                                    ssh_get_error (w->session)));
          return;
        }
      op->step = op->kind == OP_FORWARD ? STEP_RUNNING : STEP_REQUESTING;
    }
  if (op->step == STEP_REQUESTING)
    {
      rc = ssh_channel_request_exec (op->channel, op->request->command);
      if (rc == SSH_AGAIN)
        return;
      if (rc != SSH_OK)
        {
          op_fail (op, g_error_new (TEND_ERROR, TEND_ERROR_FAILED,
                                    _("%s refused to run “%s”: %s"), w->address,
                                    label_of (op), ssh_get_error (w->session)));
          return;
        }
      op->step = STEP_RUNNING;
    }
  if (op->step == STEP_RUNNING)
    op_step_running (op);
}

static void
op_check_deadline (Op     *op,
                   gint64  now)
{
  Worker *w = op->worker;

  if (op->done || op->deadline == 0 || now < op->deadline)
    return;
  /* Ask sshd to end the command before the channel goes: sshd closes its pipes, but a
   * process that does not write would live on. */
  if (op->channel != NULL && op->step == STEP_RUNNING)
    ssh_channel_request_send_signal (op->channel, "TERM");
  op_fail (op, g_error_new (TEND_ERROR, TEND_ERROR_TIMED_OUT,
                            _("“%s” did not finish on %s within %.1f s and was stopped"),
                            label_of (op), w->address,
                            op->request->timeout_msec / 1000.0));
}

static void
ops_fail_all (Worker     *w,
              TendError   code,
              const char *message)
{
  for (guint i = 0; i < w->ops->len; i++)
    {
      Op *op = g_ptr_array_index (w->ops, i);

      if (!op->done)
        op_fail (op, g_error_new (TEND_ERROR, code, _("“%s” failed on %s: %s"),
                                  op->kind == OP_FORWARD ? _("port forward") : label_of (op),
                                  w->address, message));
    }
  g_ptr_array_set_size (w->ops, 0);
}

static void
ops_remove_done (Worker *w)
{
  for (guint i = w->ops->len; i > 0; i--)
    {
      Op *op = g_ptr_array_index (w->ops, i - 1);

      if (op->done)
        g_ptr_array_remove_index (w->ops, i - 1);
    }
}

/* ------------------------------------------------------------------------------------ */
/* The session                                                                           */

static void
session_drop (Worker *w)
{
  for (guint i = 0; i < w->ops->len; i++)
    op_close_channel (g_ptr_array_index (w->ops, i));
  if (w->event != NULL)
    {
      ssh_event_remove_session (w->event, w->session);
      g_clear_pointer (&w->event, ssh_event_free);
    }
  if (w->session != NULL)
    {
      if (ssh_is_connected (w->session))
        ssh_disconnect (w->session);
      g_clear_pointer (&w->session, ssh_free);
    }
  w->keepalives_missed = 0;
}

/* The connection broke: everything waiting fails, the caller hears `disconnected`. */
static void
session_lost (Worker     *w,
              const char *reason)
{
  g_autofree char *message = g_strdup_printf (_("The connection to %s was lost: %s"),
                                              w->address, reason);

  g_debug ("%s", message);
  ops_fail_all (w, TEND_ERROR_UNREACHABLE, reason);
  session_drop (w);
  post_status (w, TEND_SSH_STATE_UNREACHABLE, message, NULL);
  tend_ssh_shared_post_disconnected (w->shared,
                                     g_error_new_literal (TEND_ERROR, TEND_ERROR_UNREACHABLE,
                                                          message));
}

static void
copy_settings (Worker *w)
{
  TendSshShared *shared = w->shared;

  g_mutex_lock (&shared->lock);
  g_free (w->address);
  w->address = g_strdup (shared->address);
  w->port = shared->port;
  g_free (w->user);
  w->user = g_strdup (shared->user);
  g_free (w->config_file);
  w->config_file = g_strdup (shared->config_file);
  g_free (w->known_hosts_file);
  w->known_hosts_file = g_strdup (shared->known_hosts_file);
  g_free (w->accept_fingerprint);
  w->accept_fingerprint = g_strdup (shared->accept_fingerprint);
  w->timeout_msec = shared->timeout_msec;
  w->keepalive_msec = shared->keepalive_msec;
  g_mutex_unlock (&shared->lock);
}

/* Implemented in tend-ssh-connect.c */
gboolean tend_ssh_worker_open (ssh_session   session,
                               const char   *address,
                               const char   *config_file,
                               const char   *known_hosts_file,
                               const char   *accept_fingerprint,
                               const char   *user,
                               int           port,
                               guint         timeout_msec,
                               char        **where,
                               char        **fingerprint,
                               char        **known_fingerprint,
                               TendSshState *state,
                               GError      **error);

static void
worker_connect (Worker         *w,
                TendSshRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *known_fingerprint = NULL;
  g_autofree char *connecting = NULL;
  g_autofree char *online = NULL;
  TendSshState state = TEND_SSH_STATE_UNREACHABLE;

  if (w->session != NULL && w->state == TEND_SSH_STATE_ONLINE)
    {
      g_task_return_boolean (request->task, TRUE);
      release_request (w, request);
      return;
    }
  session_drop (w);
  copy_settings (w);
  connecting = g_strdup_printf (_("Connecting to %s…"), w->address);
  post_status (w, TEND_SSH_STATE_CONNECTING, connecting, NULL);

  w->session = ssh_new ();
  memset (&w->counter, 0, sizeof w->counter);
  w->last_in_bytes = 0;
  ssh_set_counters (w->session, &w->counter, NULL);
  g_clear_pointer (&w->where, g_free);
  if (!tend_ssh_worker_open (w->session, w->address, w->config_file, w->known_hosts_file,
                             w->accept_fingerprint, w->user, w->port, w->timeout_msec,
                             &w->where, &w->fingerprint, &known_fingerprint, &state, &error))
    {
      session_drop (w);
      post_status (w, state, error->message, known_fingerprint);
      return_error (w, request, g_steal_pointer (&error));
      return;
    }

  ssh_set_blocking (w->session, 0);
  w->event = ssh_event_new ();
  if (w->event == NULL || ssh_event_add_session (w->event, w->session) != SSH_OK)
    {
      session_drop (w);
      post_status (w, TEND_SSH_STATE_UNREACHABLE, _("Out of memory"), NULL);
      return_error (w, request, g_error_new_literal (TEND_ERROR, TEND_ERROR_FAILED,
                                                     _("Out of memory")));
      return;
    }
  w->max_sessions = MAX_SESSION_CHANNELS;
  w->next_keepalive = g_get_monotonic_time () + w->keepalive_msec * G_TIME_SPAN_MILLISECOND;
  online = g_strdup_printf (_("Connected as %s"), w->where);
  post_status (w, TEND_SSH_STATE_ONLINE, online, NULL);
  g_task_return_boolean (request->task, TRUE);
  release_request (w, request);
}

static void
worker_close (Worker *w)
{
  g_autofree char *message = NULL;

  if (w->session == NULL && w->state == TEND_SSH_STATE_DISCONNECTED)
    return;
  message = g_strdup_printf (_("The session was closed"));
  ops_fail_all (w, TEND_ERROR_CANCELLED, message);
  session_drop (w);
  g_free (message);
  message = g_strdup_printf (_("Disconnected from %s"), w->address);
  post_status (w, TEND_SSH_STATE_DISCONNECTED, message, NULL);
}

static void
worker_add_op (Worker         *w,
               TendSshRequest *request)
{
  Op *op;

  if (request->cancellable != NULL && g_cancellable_is_cancelled (request->cancellable))
    {
      return_error (w, request, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                     _("Operation was cancelled")));
      return;
    }
  if (w->session == NULL || w->state != TEND_SSH_STATE_ONLINE)
    {
      return_error (w, request, g_error_new (TEND_ERROR, TEND_ERROR_UNREACHABLE,
                                             _("Tend is not connected to %s, so “%s” did "
                                               "not run. Connect first."),
                                             w->address, request->label));
      return;
    }
  op = op_new (w, request->kind == TEND_SSH_REQUEST_EXEC ? OP_EXEC : OP_STREAM);
  op->request = request;
  if (op->kind == OP_STREAM)
    {
      op->fd = request->fd;
      request->fd = -1;
    }
  else
    {
      g_mutex_lock (&w->shared->lock);
      if (request->timeout_msec == 0)
        request->timeout_msec = w->shared->timeout_msec;
      g_mutex_unlock (&w->shared->lock);
      op->deadline = g_get_monotonic_time () +
                     request->timeout_msec * (gint64) G_TIME_SPAN_MILLISECOND;
    }
  g_ptr_array_add (w->ops, op);
}

static void
worker_cancel (Worker  *w,
               guint64  id)
{
  for (guint i = 0; i < w->ops->len; i++)
    {
      Op *op = g_ptr_array_index (w->ops, i);

      if (op->request != NULL && op->request->id == id && !op->done)
        op_fail (op, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                          _("Operation was cancelled")));
    }
}

static void
worker_take_requests (Worker *w)
{
  guint64 value;
  GQueue requests = G_QUEUE_INIT;
  TendSshRequest *request;

  while (read (w->shared->wake_fd, &value, sizeof value) < 0 && errno == EINTR)
    ;
  g_mutex_lock (&w->shared->lock);
  requests = w->shared->requests;
  g_queue_init (&w->shared->requests);
  g_mutex_unlock (&w->shared->lock);

  while ((request = g_queue_pop_head (&requests)) != NULL)
    {
      switch (request->kind)
        {
        case TEND_SSH_REQUEST_CONNECT:
          worker_connect (w, request);
          break;
        case TEND_SSH_REQUEST_STOP:
          w->stop = TRUE;
          G_GNUC_FALLTHROUGH;
        case TEND_SSH_REQUEST_CLOSE:
          worker_close (w);
          release_request (w, request);
          break;
        case TEND_SSH_REQUEST_EXEC:
        case TEND_SSH_REQUEST_STREAM:
          worker_add_op (w, request);
          break;
        case TEND_SSH_REQUEST_LISTEN:
          {
            Listener *listener = g_new0 (Listener, 1);

            listener->fd = request->fd;
            listener->host = g_steal_pointer (&request->host);
            listener->port = request->port;
            g_ptr_array_add (w->listeners, listener);
            release_request (w, request);
          }
          break;
        case TEND_SSH_REQUEST_CANCEL:
          worker_cancel (w, request->id);
          release_request (w, request);
          break;
        }
    }
}

static void
listener_free (gpointer data)
{
  Listener *listener = data;

  g_free (listener->host);
  g_free (listener);
}

static void
listener_accept (Worker   *w,
                 Listener *listener)
{
  for (;;)
    {
      struct sockaddr_in peer;
      socklen_t len = sizeof peer;
      int fd = accept4 (listener->fd, (struct sockaddr *) &peer, &len,
                        SOCK_NONBLOCK | SOCK_CLOEXEC);
      Op *op;

      if (fd < 0)
        return;
      if (w->session == NULL || w->state != TEND_SSH_STATE_ONLINE)
        {
          g_debug ("%s: not connected: a connection to the forward of %s:%u closed",
                   w->address, listener->host, listener->port);
          close (fd);
          continue;
        }
      op = op_new (w, OP_FORWARD);
      op->fd = fd;
      op->forward_host = g_strdup (listener->host);
      op->forward_port = listener->port;
      op->peer_port = ntohs (peer.sin_port);
      g_ptr_array_add (w->ops, op);
    }
}

/* Reads from a forwarded connection's client, or notices a stream's reader left. */
static void
op_read_local (Op *op)
{
  guint8 buffer[READ_CHUNK];

  for (;;)
    {
      ssize_t n = recv (op->fd, buffer, sizeof buffer, 0);

      if (n > 0)
        {
          if (op->kind == OP_FORWARD)
            g_byte_array_append (op->to_remote, buffer, n);
          if (op->to_remote->len >= READ_CHUNK)
            return;
        }
      else if (n == 0)
        {
          if (op->kind == OP_FORWARD)
            op->local_eof = TRUE;
          else
            op->local_gone = TRUE;
          return;
        }
      else if (errno == EINTR)
        continue;
      else
        {
          if (errno != EAGAIN && errno != EWOULDBLOCK)
            op->local_gone = TRUE;
          return;
        }
    }
}

/* Every keepalive interval: a keepalive@openssh.com request, which OpenSSH answers (with
 * a failure, as it should; libssh sends the next one once that answer is in). Two
 * intervals in which nothing at all arrived: the session is lost. */
static gboolean
keepalive (Worker *w,
           gint64  now)
{
  if (now < w->next_keepalive)
    return TRUE;
  w->next_keepalive = now + w->keepalive_msec * G_TIME_SPAN_MILLISECOND;
  if (w->counter.in_bytes == w->last_in_bytes)
    w->keepalives_missed++;
  else
    w->keepalives_missed = 0;
  w->last_in_bytes = w->counter.in_bytes;
  if (w->keepalives_missed >= KEEPALIVES_MISSED_MAX)
    return FALSE;
  ssh_send_keepalive (w->session);
  return TRUE;
}

static gboolean
session_dead (Worker *w)
{
  return (ssh_get_status (w->session) & (SSH_CLOSED | SSH_CLOSED_ERROR)) != 0;
}

/* One round: poll, take requests, let libssh read, move every operation on. */
static void
worker_iterate (Worker *w)
{
  g_autoptr(GArray) fds = g_array_new (FALSE, TRUE, sizeof (struct pollfd));
  g_autoptr(GPtrArray) owners = g_ptr_array_new ();   /* Op or Listener, by index */
  gboolean online = w->session != NULL && w->state == TEND_SSH_STATE_ONLINE;
  gint64 now = g_get_monotonic_time ();
  gint64 wake = online ? w->next_keepalive : G_MAXINT64;
  int timeout;
  struct pollfd pfd;

  pfd = (struct pollfd) { .fd = w->shared->wake_fd, .events = POLLIN };
  g_array_append_val (fds, pfd);
  g_ptr_array_add (owners, NULL);
  if (online)
    {
      pfd = (struct pollfd) { .fd = ssh_get_fd (w->session), .events = POLLIN };
      if (ssh_get_status (w->session) & SSH_WRITE_PENDING)
        pfd.events |= POLLOUT;
      g_array_append_val (fds, pfd);
      g_ptr_array_add (owners, NULL);
    }
  for (guint i = 0; i < w->listeners->len; i++)
    {
      Listener *listener = g_ptr_array_index (w->listeners, i);

      pfd = (struct pollfd) { .fd = listener->fd, .events = POLLIN };
      g_array_append_val (fds, pfd);
      g_ptr_array_add (owners, listener);
    }
  for (guint i = 0; i < w->ops->len; i++)
    {
      Op *op = g_ptr_array_index (w->ops, i);

      if (op->deadline != 0)
        wake = MIN (wake, op->deadline);
      if (op->fd < 0 || op->local_gone)
        continue;
      pfd = (struct pollfd) { .fd = op->fd, .events = 0 };
      if (op->kind == OP_STREAM ||
          (op->step == STEP_RUNNING && !op->local_eof && op->to_remote->len == 0))
        pfd.events |= POLLIN;
      if (op->to_local->len > 0)
        pfd.events |= POLLOUT;
      g_array_append_val (fds, pfd);
      g_ptr_array_add (owners, op);
    }

  if (wake == G_MAXINT64)
    timeout = -1;
  else
    timeout = (int) CLAMP ((wake - now + 999) / 1000, 0, G_MAXINT);
  if (poll ((struct pollfd *) fds->data, fds->len, timeout) < 0 && errno != EINTR)
    g_critical ("poll: %s", g_strerror (errno));

  for (guint i = online ? 2 : 1; i < fds->len; i++)
    {
      struct pollfd *p = &g_array_index (fds, struct pollfd, i);
      gpointer owner = g_ptr_array_index (owners, i);
      gboolean is_listener = i < (online ? 2u : 1u) + w->listeners->len;

      if (p->revents == 0)
        continue;
      if (is_listener)
        listener_accept (w, owner);
      else if (p->revents & (POLLIN | POLLHUP | POLLERR))
        op_read_local (owner);
    }
  /* After the descriptors: a request may end operations (close, cancel). */
  if (g_array_index (fds, struct pollfd, 0).revents != 0)
    worker_take_requests (w);

  if (w->session == NULL || w->state != TEND_SSH_STATE_ONLINE)
    {
      ops_remove_done (w);
      return;
    }
  ssh_event_dopoll (w->event, 0);
  if (session_dead (w))
    {
      const char *why = ssh_get_error (w->session);

      session_lost (w, why != NULL && *why != '\0' ? why : _("the server closed it"));
      return;
    }
  now = g_get_monotonic_time ();
  for (guint i = 0; i < w->ops->len; i++)
    {
      Op *op = g_ptr_array_index (w->ops, i);

      op_step (op);
      op_check_deadline (op, now);
    }
  /* Steps may have ended channels and freed session channels for waiting ones. */
  ops_remove_done (w);
  for (guint i = 0; i < w->ops->len; i++)
    op_step (g_ptr_array_index (w->ops, i));
  ops_remove_done (w);
  if (session_dead (w))
    session_lost (w, ssh_get_error (w->session));
  else if (!keepalive (w, now))
    {
      g_autofree char *why = g_strdup_printf (_("no answer for %u s"),
                                              KEEPALIVES_MISSED_MAX * w->keepalive_msec / 1000);
      session_lost (w, why);
    }
}

gpointer
tend_ssh_worker_main (gpointer data)
{
  Worker *w = g_new0 (Worker, 1);

  w->shared = data;
  w->ops = g_ptr_array_new_with_free_func ((GDestroyNotify) op_free);
  w->listeners = g_ptr_array_new_with_free_func (listener_free);
  w->state = TEND_SSH_STATE_DISCONNECTED;
  w->max_sessions = MAX_SESSION_CHANNELS;
  w->address = g_strdup (w->shared->address);

  while (!w->stop)
    worker_iterate (w);

  session_drop (w);
  g_ptr_array_unref (w->ops);
  g_ptr_array_unref (w->listeners);
  g_free (w->address);
  g_free (w->user);
  g_free (w->config_file);
  g_free (w->known_hosts_file);
  g_free (w->accept_fingerprint);
  g_free (w->where);
  g_free (w->fingerprint);
  tend_ssh_shared_unref (w->shared);
  g_free (w);
  return NULL;
}
