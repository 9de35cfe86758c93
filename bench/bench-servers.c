/* bench-servers.c — the local servers that the checks of bench/monitor talk to
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: bench-servers HTTP_BASE TCP_BASE N [INTERVAL]
 *
 * Listens on 127.0.0.1 at ports HTTP_BASE .. HTTP_BASE+N-1 (HTTP) and TCP_BASE ..
 * TCP_BASE+N-1 (TCP). An HTTP connection gets its request head read, then
 * "200 OK" with a 3-byte body and the connection closed; a TCP connection is
 * accepted and closed. One thread, epoll, non-blocking sockets: a few µs of CPU per
 * connection, so the checked side costs next to nothing, and it is a separate
 * process, measured apart from the monitors.
 *
 * Each port is a descriptor, and so is each connection: the soft limit on descriptors
 * (RLIMIT_NOFILE) is raised to what 2 N ports and their connections need, the hard
 * limit with it when the process may (root); 10,000 ports pass Debian's default of 1,024.
 *
 * Prints "ready" once every port listens. On SIGUSR1 it prints one line of counters,
 * "http TOTAL tcp TOTAL", the connections accepted so far on each side; on SIGTERM
 * or SIGINT it exits. Exits with 2 when a port cannot be bound.
 *
 * It also times, for each port, the gap between one connection and the next: with a
 * check per port, the gap between two of its runs, the interval give or take how much
 * later one started after its due time than the other (bench/scale reads it). On
 * SIGUSR2 it prints one line, "gaps N P50 P99 MAX LATE" (µs; P50 and P99 to the ms), of
 * the gaps since the previous SIGUSR2, LATE the number of gaps of two INTERVALs (seconds,
 * 10 by default) or more: a run that started more than one interval late, or none at
 * all; and starts counting again.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_HEAD 8192
#define MAX_EVENTS 256
/* Gaps are counted to the ms, up to this; longer ones in the last slot. */
#define GAP_SLOTS (120 * 1000)

static const char response[] =
  "HTTP/1.1 200 OK\r\n"
  "Content-Type: text/plain\r\n"
  "Content-Length: 3\r\n"
  "Connection: close\r\n"
  "\r\n"
  "ok\n";

typedef enum
{
  KIND_SIGNAL,
  KIND_HTTP_LISTENER,
  KIND_TCP_LISTENER,
  KIND_HTTP_CONNECTION,
} Kind;

typedef struct
{
  Kind kind;
  int fd;
  long long last_usec;  /* a listener's last connection, 0 before the first */
  size_t len;           /* of the request head read so far */
  char head[];          /* only for connections */
} Item;

static unsigned long long n_http;
static unsigned long long n_tcp;
static unsigned gaps[GAP_SLOTS];
static unsigned long long n_gaps;
static long long max_gap_usec;
static unsigned interval_sec = 10;

static long long
now_usec (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (long long) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* A connection on @listener: the gap since its previous one. */
static void
count_gap (Item *listener)
{
  long long now = now_usec ();

  if (listener->last_usec > 0)
    {
      long long gap = now - listener->last_usec;
      long long slot = gap / 1000;

      gaps[slot < GAP_SLOTS ? slot : GAP_SLOTS - 1]++;
      n_gaps++;
      if (gap > max_gap_usec)
        max_gap_usec = gap;
    }
  listener->last_usec = now;
}

/* The gap below which @share of them fall, to the ms, in µs. */
static long long
gap_quantile (double share)
{
  unsigned long long want = (unsigned long long) (share * (double) n_gaps);
  unsigned long long seen = 0;

  for (unsigned i = 0; i < GAP_SLOTS; i++)
    {
      seen += gaps[i];
      if (seen > want)
        return (long long) i * 1000;
    }
  return max_gap_usec;
}

static void
report_gaps (void)
{
  unsigned long long late = 0;

  for (unsigned i = 2 * interval_sec * 1000; i < GAP_SLOTS; i++)
    late += gaps[i];
  printf ("gaps %llu %lld %lld %lld %llu\n", n_gaps, gap_quantile (0.5), gap_quantile (0.99),
          max_gap_usec, late);
  fflush (stdout);
  memset (gaps, 0, sizeof gaps);
  n_gaps = 0;
  max_gap_usec = 0;
}

static Item *
item_new (Kind   kind,
          int    fd,
          size_t head_size)
{
  Item *item = calloc (1, sizeof (Item) + head_size);

  if (item == NULL)
    abort ();
  item->kind = kind;
  item->fd = fd;
  return item;
}

static void
watch (int   epfd,
       Item *item)
{
  struct epoll_event ev = { .events = EPOLLIN, .data.ptr = item };

  if (epoll_ctl (epfd, EPOLL_CTL_ADD, item->fd, &ev) < 0)
    {
      perror ("bench-servers: epoll_ctl");
      exit (1);
    }
}

static int
listen_on (unsigned port)
{
  struct sockaddr_in addr = {
    .sin_family = AF_INET,
    .sin_port = htons ((unsigned short) port),
    .sin_addr.s_addr = htonl (INADDR_LOOPBACK),
  };
  int one = 1;
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

  if (fd < 0)
    {
      perror ("bench-servers: socket");
      exit (1);
    }
  setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind (fd, (struct sockaddr *) &addr, sizeof addr) < 0 || listen (fd, 512) < 0)
    {
      fprintf (stderr, "bench-servers: cannot listen on 127.0.0.1:%u: %s\n", port,
               strerror (errno));
      exit (2);
    }
  return fd;
}

/* Whether @item holds a whole request head; reads what there is. Closes on EOF/error. */
static void
read_request (Item *item)
{
  for (;;)
    {
      ssize_t n;

      if (item->len == MAX_HEAD)
        break;   /* too long: answer anyway */
      n = read (item->fd, item->head + item->len, MAX_HEAD - item->len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        {
          if (memmem (item->head, item->len, "\r\n\r\n", 4) == NULL)
            return;   /* wait for more */
          break;
        }
      if (n <= 0)
        {
          close (item->fd);
          free (item);
          return;
        }
      item->len += (size_t) n;
      if (memmem (item->head, item->len, "\r\n\r\n", 4) != NULL)
        break;
    }

  /* The answer fits in the socket's buffer: one write, then close (a FIN, as the
   * whole request was read). */
  if (write (item->fd, response, sizeof response - 1) < 0)
    { /* the client left; nothing to do */ }
  close (item->fd);
  free (item);
}

static void
accept_all (int   epfd,
            Item *listener)
{
  for (;;)
    {
      int fd = accept4 (listener->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

      if (fd < 0)
        {
          if (errno == EINTR || errno == ECONNABORTED)
            continue;
          return;   /* EAGAIN, or out of descriptors until some close */
        }
      count_gap (listener);
      if (listener->kind == KIND_TCP_LISTENER)
        {
          n_tcp++;
          close (fd);
          continue;
        }
      n_http++;
      {
        Item *conn = item_new (KIND_HTTP_CONNECTION, fd, MAX_HEAD);
        /* Most requests are there already: try before waiting. */
        struct epoll_event ev = { .events = EPOLLIN, .data.ptr = conn };

        if (epoll_ctl (epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
          {
            close (fd);
            free (conn);
            continue;
          }
        read_request (conn);
      }
    }
}

/* Room for @n listening ports and as many connections at once, and a margin. */
static void
raise_fd_limit (unsigned n)
{
  struct rlimit limit;
  rlim_t want = 2 * (rlim_t) n + 2 * (rlim_t) n + 1024;

  if (getrlimit (RLIMIT_NOFILE, &limit) < 0 || limit.rlim_cur >= want)
    return;
  if (limit.rlim_max < want)
    {
      struct rlimit raised = { want, want };

      if (setrlimit (RLIMIT_NOFILE, &raised) == 0)
        return;
    }
  limit.rlim_cur = limit.rlim_max < want ? limit.rlim_max : want;
  if (setrlimit (RLIMIT_NOFILE, &limit) < 0)
    perror ("bench-servers: setrlimit");
}

int
main (int   argc,
      char *argv[])
{
  unsigned http_base, tcp_base, n;
  struct epoll_event events[MAX_EVENTS];
  sigset_t mask;
  int epfd;

  if (argc != 4 && argc != 5)
    {
      fprintf (stderr, "usage: bench-servers HTTP_BASE TCP_BASE N [INTERVAL]\n");
      return 1;
    }
  if (argc == 5)
    interval_sec = (unsigned) strtoul (argv[4], NULL, 10);
  if (interval_sec == 0 || interval_sec > 50)
    {
      fprintf (stderr, "bench-servers: INTERVAL is 1-50 s\n");
      return 1;
    }
  http_base = (unsigned) strtoul (argv[1], NULL, 10);
  tcp_base = (unsigned) strtoul (argv[2], NULL, 10);
  n = (unsigned) strtoul (argv[3], NULL, 10);
  if (http_base == 0 || tcp_base == 0 || http_base + n > 65536 || tcp_base + n > 65536)
    {
      fprintf (stderr, "bench-servers: ports out of range\n");
      return 1;
    }

  raise_fd_limit (n);
  epfd = epoll_create1 (EPOLL_CLOEXEC);
  sigemptyset (&mask);
  sigaddset (&mask, SIGUSR1);
  sigaddset (&mask, SIGUSR2);
  sigaddset (&mask, SIGTERM);
  sigaddset (&mask, SIGINT);
  sigprocmask (SIG_BLOCK, &mask, NULL);
  signal (SIGPIPE, SIG_IGN);
  watch (epfd, item_new (KIND_SIGNAL, signalfd (-1, &mask, SFD_CLOEXEC), 0));

  for (unsigned i = 0; i < n; i++)
    {
      watch (epfd, item_new (KIND_HTTP_LISTENER, listen_on (http_base + i), 0));
      watch (epfd, item_new (KIND_TCP_LISTENER, listen_on (tcp_base + i), 0));
    }
  printf ("ready\n");
  fflush (stdout);

  for (;;)
    {
      int ready = epoll_wait (epfd, events, MAX_EVENTS, -1);

      if (ready < 0 && errno == EINTR)
        continue;
      for (int i = 0; i < ready; i++)
        {
          Item *item = events[i].data.ptr;
          struct signalfd_siginfo info;

          switch (item->kind)
            {
            case KIND_SIGNAL:
              if (read (item->fd, &info, sizeof info) != sizeof info)
                break;
              if (info.ssi_signo == SIGUSR2)
                {
                  report_gaps ();
                  break;
                }
              if (info.ssi_signo != SIGUSR1)
                return 0;
              printf ("http %llu tcp %llu\n", n_http, n_tcp);
              fflush (stdout);
              break;
            case KIND_HTTP_LISTENER:
            case KIND_TCP_LISTENER:
              accept_all (epfd, item);
              break;
            case KIND_HTTP_CONNECTION:
              read_request (item);
              break;
            }
        }
    }
}
