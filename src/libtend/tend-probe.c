/* tend-probe.c — cheap TCP connections for the checks' probes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a plain-HTTP or a connect-only TCP check needs from the network is small: open a
 * connection, write one prepared request, read the answer, close. GSocketClient and
 * libsoup do that with several objects, a GSource per socket and a GTask per step
 * (measured: 47–51 µs of CPU per connect, 159–166 µs per GET, docs/benchmarks.md). Here:
 *
 *  - one epoll descriptor for every probe of the process, watched by one GSource on the
 *    main context (g_source_add_unix_fd): the main loop polls one descriptor however
 *    many probes are open, and GLib does not walk a source per socket on each iteration;
 *  - socket (SOCK_NONBLOCK | SOCK_CLOEXEC), connect, registered once, edge-triggered for
 *    reading and writing, so a probe costs no epoll_ctl beyond its first; a connect-only
 *    probe to a loopback address, whose connection is open when connect() returns, is
 *    not registered at all (poll() with no timeout says so);
 *  - an IP address is connected to as it is; a host name is resolved with GResolver,
 *    asynchronously, each run (the system's resolver and its cache decide what is
 *    current), and its addresses tried in turn, as GSocketClient does;
 *  - the answer is handed to the caller's reader as it comes, in a buffer shared by all
 *    probes (they all run on one thread), until the reader says it is complete.
 *
 * The timeout is the caller's: a check's run cancels its probe at its timeout
 * (tend_probe_cancel()), which closes the socket at once.
 *
 * Probes belong to the main context of the thread that first used them; another thread
 * (or a thread-default context) gets FALSE from tend_probe_is_available() and uses GIO.
 */
#define G_LOG_DOMAIN "Tend-Checks"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tend-probe.h"

#define MAX_EVENTS 64
#define READ_BUFFER_SIZE (64 * 1024)

typedef enum
{
  STATE_RESOLVING,
  STATE_CONNECTING,
  STATE_SENDING,
  STATE_READING,
  STATE_OVER,
} State;

struct _TendProbe
{
  int fd;
  State state;
  gboolean cancelled;
  GBytes *request;              /* (owned) (nullable) */
  gsize sent;
  TendProbeReadFunc read;
  TendProbeDoneFunc done;
  gpointer user_data;
  guint port;
  GList *addresses;             /* (owned) (element-type GInetAddress) a name's, in order */
  GList *next_address;          /* (unowned) the next to try */
  GError *error;                /* (owned) (nullable) the first connection's failure, or the
                                 * outcome of a probe that ended before its first event */
  GCancellable *resolving;      /* (owned) (nullable) */
};

typedef struct
{
  GSource source;
  int epfd;
  GQueue ended;                 /* (element-type TendProbe) ended outside a dispatch: their
                                 * callbacks run in the next */
  GPtrArray *dead;              /* (element-type TendProbe) freed after the dispatch */
  guint n_open;
  guint depth;                  /* of dispatches: a callback may iterate the loop */
  gboolean ready;               /* the ready time is set */
} ProbeSource;

static ProbeSource *probe_source;
static guint8 read_buffer[READ_BUFFER_SIZE];

/* Dispatches the source in the next iteration, for probes ended outside a dispatch. */
static void
probe_source_wake (void)
{
  if (!probe_source->ready)
    {
      probe_source->ready = TRUE;
      g_source_set_ready_time (&probe_source->source, 0);
    }
}

static void
probe_free (TendProbe *probe)
{
  g_assert (probe->fd < 0);
  g_clear_pointer (&probe->request, g_bytes_unref);
  g_list_free_full (probe->addresses, g_object_unref);
  g_clear_error (&probe->error);
  g_clear_object (&probe->resolving);
  g_free (probe);
}

static void
probe_close (TendProbe *probe)
{
  if (probe->fd >= 0)
    {
      close (probe->fd);   /* which also takes it out of the epoll set */
      probe->fd = -1;
      probe_source->n_open--;
    }
}

/* Ends @probe now, from within a dispatch: its callback runs, then it is freed once the
 * dispatch is over (an event of this batch may still name it). */
static void
probe_end (TendProbe    *probe,
           const GError *error)
{
  g_assert (probe->state != STATE_OVER);

  probe_close (probe);
  probe->state = STATE_OVER;
  g_ptr_array_add (probe_source->dead, probe);
  if (!probe->cancelled)
    probe->done (probe->user_data, error);
}

/* Ends @probe in the next dispatch (from tend_probe_connect() or a resolver's callback,
 * where its caller does not expect its callback yet). Takes @error. */
static void
probe_end_later (TendProbe *probe,
                 GError    *error)
{
  probe_close (probe);
  g_clear_error (&probe->error);
  probe->error = error;
  g_queue_push_tail (&probe_source->ended, probe);
  probe_source_wake ();
}

static GError *
error_from_errno (int errsv)
{
  return g_error_new_literal (G_IO_ERROR, g_io_error_from_errno (errsv), g_strerror (errsv));
}

static gboolean
is_loopback (const struct sockaddr *address)
{
  if (address->sa_family == AF_INET)
    return (ntohl (((const struct sockaddr_in *) address)->sin_addr.s_addr) >> 24) == 127;
  if (address->sa_family == AF_INET6)
    return IN6_IS_ADDR_LOOPBACK (&((const struct sockaddr_in6 *) address)->sin6_addr);
  return FALSE;
}

static void probe_end_later (TendProbe *probe,
                             GError    *error);

/* Opens a connection to @address. Returns FALSE with @errsv set when it failed at once. */
static gboolean
probe_open (TendProbe             *probe,
            const struct sockaddr *address,
            socklen_t              address_len,
            int                   *errsv)
{
  struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET,
                            .data.ptr = probe };

  g_assert (probe->fd < 0);

  probe->fd = socket (address->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (probe->fd < 0)
    {
      *errsv = errno;
      return FALSE;
    }
  probe_source->n_open++;

  if (connect (probe->fd, address, address_len) < 0 && errno != EINPROGRESS)
    {
      *errsv = errno;
      probe_close (probe);
      return FALSE;
    }

  /* Over loopback the handshake is over when connect() returns (the kernel runs both
   * ends in the call): a check that only connects is done, without registering the
   * socket with epoll and taking it out again. Its callback comes in the next
   * dispatch. */
  if (probe->read == NULL && is_loopback (address))
    {
      struct pollfd pfd = { .fd = probe->fd, .events = POLLOUT };

      if (poll (&pfd, 1, 0) == 1 && pfd.revents == POLLOUT)
        {
          probe->state = STATE_CONNECTING;
          probe_end_later (probe, NULL);
          return TRUE;
        }
    }
  /* Connected or not yet: either way the first event says (EPOLLOUT once open). */
  if (epoll_ctl (probe_source->epfd, EPOLL_CTL_ADD, probe->fd, &ev) < 0)
    {
      *errsv = errno;
      probe_close (probe);
      return FALSE;
    }
  probe->state = STATE_CONNECTING;

  /* Over loopback the connection is usually open already: the request goes now, which
   * saves a wake-up. Not open yet, send() says EAGAIN and the first event sends it; a
   * refusal already known comes back as the connection's error. */
  if (probe->request != NULL)
    {
      gsize size;
      const guint8 *data = g_bytes_get_data (probe->request, &size);
      ssize_t n = send (probe->fd, data, size, MSG_NOSIGNAL);

      if (n >= 0)
        {
          probe->sent = (gsize) n;
          probe->state = n == (ssize_t) size ? STATE_READING : STATE_SENDING;
        }
      else if (errno != EAGAIN && errno != EINTR)
        {
          *errsv = errno;
          probe_close (probe);
          return FALSE;
        }
    }
  return TRUE;
}

/* Tries the next address of a resolved name. Returns FALSE when none is left; the error
 * to report is then probe->error, the first address's. */
static gboolean
probe_open_next (TendProbe *probe)
{
  while (probe->next_address != NULL)
    {
      GInetAddress *inet = probe->next_address->data;
      g_autoptr(GSocketAddress) address = g_inet_socket_address_new (inet, (guint16) probe->port);
      struct sockaddr_storage native;
      int errsv = 0;

      probe->next_address = probe->next_address->next;
      if (!g_socket_address_to_native (address, &native, sizeof native, NULL))
        continue;
      if (probe_open (probe, (struct sockaddr *) &native,
                      (socklen_t) g_socket_address_get_native_size (address), &errsv))
        return TRUE;
      if (probe->error == NULL)
        probe->error = error_from_errno (errsv);
    }
  return FALSE;
}

/* The connection failed with @errsv: the next address, or the end. */
static void
probe_connect_failed (TendProbe *probe,
                      int        errsv)
{
  probe_close (probe);
  if (probe->error == NULL)
    probe->error = error_from_errno (errsv);
  if (!probe_open_next (probe))
    probe_end (probe, probe->error);
}

/* Reads what there is (edge-triggered: until EAGAIN). */
static void
probe_read (TendProbe *probe)
{
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      ssize_t n = read (probe->fd, read_buffer, sizeof read_buffer);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        return;
      if (n < 0)
        {
          error = error_from_errno (errno);
          probe_end (probe, error);
          return;
        }
      if (probe->read (probe->user_data, read_buffer, (gsize) n, &error) || error != NULL)
        {
          probe_end (probe, error);
          return;
        }
      if (n == 0)
        {
          /* The reader must decide at the end; one that does not has a bug. */
          error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
                                       "the connection closed before a full answer");
          probe_end (probe, error);
          return;
        }
    }
}

static void
probe_send (TendProbe *probe)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (probe->request, &size);

  while (probe->sent < size)
    {
      ssize_t n = send (probe->fd, data + probe->sent, size - probe->sent, MSG_NOSIGNAL);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        return;   /* EPOLLOUT comes again when there is room */
      if (n < 0)
        {
          g_autoptr(GError) error = error_from_errno (errno);

          probe_end (probe, error);
          return;
        }
      probe->sent += (gsize) n;
    }
  probe->state = STATE_READING;
}

static void
probe_handle (TendProbe *probe,
              guint32    events)
{
  /* Over, or closed by a cancellation during this batch of events: it ends from the
   * queue of ended probes, with its own outcome. */
  if (probe->state == STATE_OVER || probe->fd < 0)
    return;

  if (probe->state == STATE_CONNECTING)
    {
      if (events & (EPOLLERR | EPOLLHUP))
        {
          int errsv = 0;
          socklen_t len = sizeof errsv;

          if (getsockopt (probe->fd, SOL_SOCKET, SO_ERROR, &errsv, &len) < 0)
            errsv = errno;
          if (errsv != 0 || !(events & EPOLLOUT))
            {
              probe_connect_failed (probe, errsv != 0 ? errsv : ECONNRESET);
              return;
            }
        }
      if (!(events & EPOLLOUT))
        return;
      if (probe->read == NULL)
        {
          probe_end (probe, NULL);   /* connected: all a connect check asks */
          return;
        }
      probe->state = STATE_SENDING;
    }

  if (probe->state == STATE_SENDING)
    {
      probe_send (probe);
      if (probe->state != STATE_READING)
        return;
      /* An answer already there came with this event; one still to come brings its own
       * (edge-triggered: the arrival of data is the edge). */
      if (!(events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)))
        return;
    }

  if (probe->state == STATE_READING)
    probe_read (probe);
}

static gboolean
probe_source_dispatch (GSource     *source,
                       GSourceFunc  callback,
                       gpointer     user_data)
{
  ProbeSource *self = (ProbeSource *) source;
  struct epoll_event events[MAX_EVENTS];
  int n;

  if (self->ready)
    {
      self->ready = FALSE;
      g_source_set_ready_time (source, -1);
    }

  self->depth++;
  do
    {
      n = epoll_wait (self->epfd, events, MAX_EVENTS, 0);
      for (int i = 0; i < n; i++)
        probe_handle (events[i].data.ptr, events[i].events);
    }
  while (n == MAX_EVENTS);

  for (TendProbe *probe; (probe = g_queue_pop_head (&self->ended)) != NULL;)
    {
      GError *error = g_steal_pointer (&probe->error);

      if (probe->state != STATE_OVER)
        probe_end (probe, error);
      g_clear_error (&error);
    }

  if (--self->depth == 0)
    g_ptr_array_set_size (self->dead, 0);
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs probe_source_funcs = {
  .dispatch = probe_source_dispatch,
};

/**
 * tend_probe_is_available:
 *
 * Returns: whether probes can run here: on the thread and context that first used them
 *   (the main loop's)
 */
gboolean
tend_probe_is_available (void)
{
  GMainContext *context = g_main_context_get_thread_default ();

  if (context == NULL)
    context = g_main_context_default ();
  if (probe_source != NULL)
    return g_source_get_context (&probe_source->source) == context;

  {
    int epfd = epoll_create1 (EPOLL_CLOEXEC);

    if (epfd < 0)
      return FALSE;
    probe_source = (ProbeSource *) g_source_new (&probe_source_funcs, sizeof (ProbeSource));
    probe_source->epfd = epfd;
    probe_source->dead = g_ptr_array_new_with_free_func ((GDestroyNotify) probe_free);
    g_queue_init (&probe_source->ended);
    g_source_set_static_name (&probe_source->source, "[tend] probes");
    g_source_add_unix_fd (&probe_source->source, epfd, G_IO_IN);
    /* GLib takes the descriptors of a source that cannot recurse out of its poll set
     * while it dispatches and puts them back after, each a write to the context's wakeup
     * descriptor, which then ends the next poll at once: two writes, a read and a loop
     * iteration more per dispatch. Recursion is safe here (probes are freed only by the
     * outermost dispatch). */
    g_source_set_can_recurse (&probe_source->source, TRUE);
    g_source_attach (&probe_source->source, context);
  }
  return TRUE;
}

static void
on_resolved (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  TendProbe *probe = user_data;
  GError *error = NULL;

  probe->addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (object), result, &error);
  g_clear_object (&probe->resolving);
  if (probe->cancelled)
    {
      g_clear_error (&error);
      probe->state = STATE_OVER;
      probe_free (probe);
      return;
    }
  if (probe->addresses == NULL)
    {
      probe_end_later (probe, error);
      return;
    }
  probe->next_address = probe->addresses;
  if (!probe_open_next (probe))
    probe_end_later (probe, g_steal_pointer (&probe->error));
}

/**
 * tend_probe_connect:
 * @host: an IPv4 or IPv6 address (without brackets), or a name to resolve
 * @port: the TCP port
 * @request: (nullable): what to write once connected; %NULL to only connect
 * @read: (nullable): reads the answer; %NULL (only with no @request) to end once connected
 * @done: called once with the outcome, never before this returns
 *
 * Call only where tend_probe_is_available() says so.
 *
 * Returns: (transfer none): the probe, until @done has run or tend_probe_cancel()
 */
TendProbe *
tend_probe_connect (const char        *host,
                    guint              port,
                    GBytes            *request,
                    TendProbeReadFunc  read,
                    TendProbeDoneFunc  done,
                    gpointer           user_data)
{
  TendProbe *probe = g_new0 (TendProbe, 1);
  union { struct sockaddr sa; struct sockaddr_in in; struct sockaddr_in6 in6; } address;
  socklen_t address_len = 0;
  int errsv = 0;

  g_return_val_if_fail (probe_source != NULL, NULL);
  g_return_val_if_fail ((request == NULL) == (read == NULL), NULL);

  probe->fd = -1;
  probe->request = request != NULL ? g_bytes_ref (request) : NULL;
  probe->read = read;
  probe->done = done;
  probe->user_data = user_data;
  probe->port = port;

  memset (&address, 0, sizeof address);
  if (inet_pton (AF_INET, host, &address.in.sin_addr) == 1)
    {
      address.in.sin_family = AF_INET;
      address.in.sin_port = htons ((guint16) port);
      address_len = sizeof address.in;
    }
  else if (inet_pton (AF_INET6, host, &address.in6.sin6_addr) == 1)
    {
      address.in6.sin6_family = AF_INET6;
      address.in6.sin6_port = htons ((guint16) port);
      address_len = sizeof address.in6;
    }

  if (address_len != 0)
    {
      if (!probe_open (probe, &address.sa, address_len, &errsv))
        probe_end_later (probe, error_from_errno (errsv));
      return probe;
    }

  probe->state = STATE_RESOLVING;
  probe->resolving = g_cancellable_new ();
  {
    g_autoptr(GResolver) resolver = g_resolver_get_default ();

    g_resolver_lookup_by_name_async (resolver, host, probe->resolving, on_resolved, probe);
  }
  return probe;
}

/**
 * tend_probe_cancel:
 * @notify: whether @probe's callback still runs, in the next dispatch, with
 *   %G_IO_ERROR_CANCELLED (TRUE), or not at all (FALSE)
 *
 * Stops @probe: its connection closes at once. Call on the probes' thread.
 */
void
tend_probe_cancel (TendProbe *probe,
                   gboolean   notify)
{
  g_return_if_fail (probe != NULL);

  if (probe->cancelled || probe->state == STATE_OVER)
    return;
  if (probe->state == STATE_RESOLVING)
    {
      probe->cancelled = !notify;
      g_cancellable_cancel (probe->resolving);   /* on_resolved frees it, or ends it */
      return;
    }
  if (g_queue_find (&probe_source->ended, probe) != NULL)
    {
      probe->cancelled = !notify;   /* it ends in the next dispatch anyway */
      return;
    }
  probe_end_later (probe, notify ? g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                        "cancelled") : NULL);
  probe->cancelled = !notify;
}

/**
 * tend_probe_get_n_open:
 *
 * Returns: how many probes hold a socket now
 */
guint
tend_probe_get_n_open (void)
{
  return probe_source != NULL ? probe_source->n_open : 0;
}
