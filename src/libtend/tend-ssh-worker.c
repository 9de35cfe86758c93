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
 *
 * The operations themselves are in tend-ssh-channel.c, connecting in tend-ssh-connect.c.
 */
#define G_LOG_DOMAIN "Tend-Ssh"
#define _GNU_SOURCE                  /* accept4 */

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tend-error.h"
#include "tend-ssh-worker-private.h"

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

void
tend_ssh_worker_release_request (Worker         *w,
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
  tend_ssh_worker_release_request (w, request);
}

/* ------------------------------------------------------------------------------------ */
/* The session                                                                           */

static void
session_drop (Worker *w)
{
  for (guint i = 0; i < w->ops->len; i++)
    tend_ssh_op_close_channel (g_ptr_array_index (w->ops, i));
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
  tend_ssh_ops_fail_all (w, TEND_ERROR_UNREACHABLE, reason);
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
      tend_ssh_worker_release_request (w, request);
      return;
    }
  session_drop (w);
  copy_settings (w);
  connecting = g_strdup_printf (_("Connecting to %s…"), w->address);
  post_status (w, TEND_SSH_STATE_CONNECTING, connecting, NULL);

  /* libssh is opened with the first session (tend-ssh-lib.h) */
  if (!tend_ssh_lib_load (&error))
    {
      post_status (w, TEND_SSH_STATE_UNREACHABLE, error->message, NULL);
      return_error (w, request, g_steal_pointer (&error));
      return;
    }

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
  w->sessions_retry = 0;
  w->next_keepalive = g_get_monotonic_time () + w->keepalive_msec * G_TIME_SPAN_MILLISECOND;
  online = g_strdup_printf (_("Connected as %s"), w->where);
  post_status (w, TEND_SSH_STATE_ONLINE, online, NULL);
  g_task_return_boolean (request->task, TRUE);
  tend_ssh_worker_release_request (w, request);
}

static void
worker_close (Worker *w)
{
  g_autofree char *message = NULL;

  if (w->session == NULL && w->state == TEND_SSH_STATE_DISCONNECTED)
    return;
  message = g_strdup_printf (_("The session was closed"));
  tend_ssh_ops_fail_all (w, TEND_ERROR_CANCELLED, message);
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
  op = tend_ssh_op_new (w, request->kind == TEND_SSH_REQUEST_EXEC ? OP_EXEC : OP_STREAM);
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
        tend_ssh_op_fail (op, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
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
          tend_ssh_worker_release_request (w, request);
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
            tend_ssh_worker_release_request (w, request);
          }
          break;
        case TEND_SSH_REQUEST_CANCEL:
          worker_cancel (w, request->id);
          tend_ssh_worker_release_request (w, request);
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
      op = tend_ssh_op_new (w, OP_FORWARD);
      op->fd = fd;
      op->forward_host = g_strdup (listener->host);
      op->forward_port = listener->port;
      op->peer_port = ntohs (peer.sin_port);
      g_ptr_array_add (w->ops, op);
    }
}

/* Every keepalive interval: a keepalive@openssh.com request, which OpenSSH answers (with
 * a failure, as it should). Two intervals in which nothing at all arrived, though a
 * request was out: the session is lost. */
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
  /* libssh keeps one request pending: the first call takes the answer to the last one
   * (if it came), the second sends a new one, so one is always out. */
  ssh_send_keepalive (w->session);
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
      /* Not even for POLLHUP, which would wake the loop again and again while the
       * channel is not ready for what the local end has to say. */
      if (pfd.events == 0)
        continue;
      g_array_append_val (fds, pfd);
      g_ptr_array_add (owners, op);
    }

  if (online && w->sessions_retry != 0)
    wake = MIN (wake, w->sessions_retry);
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
        tend_ssh_op_read_local (owner);
    }
  /* After the descriptors: a request may end operations (close, cancel). */
  if (g_array_index (fds, struct pollfd, 0).revents != 0)
    worker_take_requests (w);

  if (w->session == NULL || w->state != TEND_SSH_STATE_ONLINE)
    {
      tend_ssh_ops_remove_done (w);
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
  /* The server refused a channel a while ago: it may have freed a session since. */
  if (w->sessions_retry != 0 && now >= w->sessions_retry)
    {
      w->sessions_retry = 0;
      w->max_sessions = MAX_SESSION_CHANNELS;
    }
  for (guint i = 0; i < w->ops->len; i++)
    {
      Op *op = g_ptr_array_index (w->ops, i);

      tend_ssh_op_step (op);
      tend_ssh_op_check_deadline (op, now);
    }
  /* Steps may have ended channels and freed session channels for waiting ones. */
  tend_ssh_ops_remove_done (w);
  for (guint i = 0; i < w->ops->len; i++)
    tend_ssh_op_step (g_ptr_array_index (w->ops, i));
  tend_ssh_ops_remove_done (w);
  if (session_dead (w))
    session_lost (w, ssh_get_error (w->session));
  else if (!keepalive (w, now))
    {
      g_autofree char *why = g_strdup_printf (_("no answer for %.1f s"),
                                              KEEPALIVES_MISSED_MAX * w->keepalive_msec / 1000.0);
      session_lost (w, why);
    }
}

gpointer
tend_ssh_worker_main (gpointer data)
{
  Worker *w = g_new0 (Worker, 1);

  w->shared = data;
  w->ops = g_ptr_array_new_with_free_func ((GDestroyNotify) tend_ssh_op_free);
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
