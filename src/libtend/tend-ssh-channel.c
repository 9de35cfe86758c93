/* tend-ssh-channel.c — the operations of a TendSshSession's worker (tend-ssh-worker.c),
 * each on a channel of its own
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An operation is a small state machine moved on by tend_ssh_op_step() after every
 * wakeup of the worker: it waits for a free session channel (at most MaxSessions are
 * open), opens its channel (a session, or direct-tcpip for a forwarded connection),
 * asks for the command, writes stdin, and ends when the server closes the channel. The
 * channel callbacks only keep what arrives (output, EOF, close, exit status): libssh may
 * call them from inside any call on the session.
 */
#define G_LOG_DOMAIN "Tend-Ssh"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tend-error.h"
#include "tend-ssh-worker-private.h"

const char *
tend_ssh_label_of (Op *op)
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
    g_debug ("%s: %s: %.*s", op->worker->address, tend_ssh_label_of (op), (int) len,
             (char *) data);
  else if (op->local_gone)
    return len;
  else if (op->to_local->len >= LOCAL_BUFFER_MAX)
    {
      /* The local reader is slow: libssh keeps the rest, its window closes, and the
       * server waits. op_pull_held() takes it once there is room. */
      if (!op->held)
        g_debug ("%s: %s: %u bytes wait for the reader", op->worker->address,
                 tend_ssh_label_of (op), op->to_local->len);
      op->held = TRUE;
      return 0;
    }
  else
    g_byte_array_append (op->to_local, data, len);
  return len;
}

/* What on_data() left in libssh's buffer, now that the local end took some. */
static void
op_pull_held (Op *op)
{
  guint8 buffer[READ_CHUNK];

  while (op->held && op->to_local->len < LOCAL_BUFFER_MAX && !op->local_gone)
    {
      int n = ssh_channel_read_nonblocking (op->channel, buffer, sizeof buffer, 0);

      if (n > 0)
        g_byte_array_append (op->to_local, buffer, n);
      else
        op->held = FALSE;
    }
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

Op *
tend_ssh_op_new (Worker *w,
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

void
tend_ssh_op_close_channel (Op *op)
{
  if (op->channel == NULL)
    return;
  ssh_remove_channel_callbacks (op->channel, &op->callbacks);
  if (!ssh_channel_is_closed (op->channel))
    ssh_channel_close (op->channel);
  ssh_channel_free (op->channel);
  op->channel = NULL;
}

void
tend_ssh_op_free (Op *op)
{
  tend_ssh_op_close_channel (op);
  tend_ssh_worker_release_request (op->worker, op->request);
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
void
tend_ssh_op_fail (Op     *op,
         GError *error)
{
  if (op->request != NULL && op->request->task != NULL)
    g_task_return_error (op->request->task, error);
  else
    {
      g_debug ("%s", error->message);
      g_error_free (error);
    }
  tend_ssh_op_close_channel (op);
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
  tend_ssh_op_close_channel (op);
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
          tend_ssh_op_fail (op, g_error_new (TEND_ERROR, TEND_ERROR_FAILED,
                                    _("Could not send input to “%s” on %s: %s"),
                                    tend_ssh_label_of (op), w->address, ssh_get_error (w->session)));
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
    {
      op_flush_local (op);
      op_pull_held (op);
      op_flush_local (op);
    }

  switch (op->kind)
    {
    case OP_EXEC:
      if (op->remote_closed || (op->remote_eof && op->got_exit))
        op_succeed (op);
      break;
    case OP_STREAM:
      if (op->local_gone ||
          ((op->remote_eof || op->remote_closed) && op->to_local->len == 0 && !op->held))
        {
          tend_ssh_op_close_channel (op);
          op->done = TRUE;
        }
      break;
    case OP_FORWARD:
      if (op->remote_eof && op->to_local->len == 0 && !op->held && !op->local_shut &&
          !op->local_gone)
        {
          shutdown (op->fd, SHUT_WR);
          op->local_shut = TRUE;
        }
      if (op->local_gone || (op->remote_closed && op->to_local->len == 0 && !op->held) ||
          (op->local_eof && op->eof_sent && op->remote_eof && op->to_local->len == 0 &&
           !op->held))
        {
          tend_ssh_op_close_channel (op);
          op->done = TRUE;
        }
      break;
    }
}

void
tend_ssh_op_step (Op *op)
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
          tend_ssh_op_fail (op, g_error_new (TEND_ERROR, TEND_ERROR_FAILED,
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

          /* The server allows fewer sessions than that (its MaxSessions, or ones it
           * has not freed yet, a little after their channels closed): wait a moment,
           * or for one of the others to end, then try again. */
          if (op->kind != OP_FORWARD && op->refusals++ < SESSION_REFUSALS_MAX &&
              ssh_is_connected (w->session))
            {
              g_debug ("%s: the server refused a channel with %u open: %s", w->address,
                       others, ssh_get_error (w->session));
              w->max_sessions = others;
              w->sessions_retry = g_get_monotonic_time () + SESSION_RETRY_USEC;
              tend_ssh_op_close_channel (op);
              op->step = STEP_WAITING;
              return;
            }
          if (op->kind == OP_FORWARD)
            tend_ssh_op_fail (op, g_error_new (TEND_ERROR, TEND_ERROR_FAILED,
                                               _("%s could not connect to %s:%u for the "
                                                 "port forward: %s"),
                                               w->address, op->forward_host,
                                               op->forward_port,
                                               ssh_get_error (w->session)));
          else
            tend_ssh_op_fail (op, g_error_new (TEND_ERROR, TEND_ERROR_FAILED,
                                               _("%s refused to open a channel for “%s”: "
                                                 "%s"),
                                               w->address, tend_ssh_label_of (op),
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
          tend_ssh_op_fail (op, g_error_new (TEND_ERROR, TEND_ERROR_FAILED,
                                    _("%s refused to run “%s”: %s"), w->address,
                                    tend_ssh_label_of (op), ssh_get_error (w->session)));
          return;
        }
      op->step = STEP_RUNNING;
    }
  if (op->step == STEP_RUNNING)
    op_step_running (op);
}

void
tend_ssh_op_check_deadline (Op     *op,
                   gint64  now)
{
  Worker *w = op->worker;

  if (op->done || op->deadline == 0 || now < op->deadline)
    return;
  /* Ask sshd to end the command before the channel goes: sshd closes its pipes, but a
   * process that does not write would live on. */
  if (op->channel != NULL && op->step == STEP_RUNNING)
    ssh_channel_request_send_signal (op->channel, "TERM");
  tend_ssh_op_fail (op, g_error_new (TEND_ERROR, TEND_ERROR_TIMED_OUT,
                            _("“%s” did not finish on %s within %.1f s and was stopped"),
                            tend_ssh_label_of (op), w->address,
                            op->request->timeout_msec / 1000.0));
}

void
tend_ssh_ops_fail_all (Worker     *w,
              TendError   code,
              const char *message)
{
  for (guint i = 0; i < w->ops->len; i++)
    {
      Op *op = g_ptr_array_index (w->ops, i);

      if (op->done)
        continue;
      if (code == TEND_ERROR_UNREACHABLE)
        tend_ssh_op_fail (op, g_error_new (TEND_ERROR, code,
                                  _("The connection to %s was lost while “%s” ran: %s"),
                                  w->address, op->kind == OP_FORWARD ? _("port forward") :
                                  tend_ssh_label_of (op), message));
      else
        tend_ssh_op_fail (op, g_error_new (TEND_ERROR, code, _("“%s” did not finish on %s: %s"),
                                  op->kind == OP_FORWARD ? _("port forward") : tend_ssh_label_of (op),
                                  w->address, message));
    }
  g_ptr_array_set_size (w->ops, 0);
}

void
tend_ssh_ops_remove_done (Worker *w)
{
  for (guint i = w->ops->len; i > 0; i--)
    {
      Op *op = g_ptr_array_index (w->ops, i - 1);

      if (!op->done)
        continue;
      /* A session channel ended: a server that refused one may take one again now (it
       * frees a session a little after its channel closes). */
      if (op->kind != OP_FORWARD && op->step != STEP_WAITING)
        w->max_sessions = MAX_SESSION_CHANNELS;
      g_ptr_array_remove_index (w->ops, i - 1);
    }
}

/* Reads from a forwarded connection's client, or notices a stream's reader left. */
void
tend_ssh_op_read_local (Op *op)
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
