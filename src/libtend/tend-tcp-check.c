/* tend-tcp-check.c — a check that connects to host:port, optionally sends and expects
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One run resolves the host, connects (GSocketClient, asynchronously, and never through
 * a proxy, as an HTTP check does not either), writes the configured bytes if any, and
 * reads until the expected text shows up, the peer closes the connection, the answer
 * pauses for TEND_TCP_CHECK_QUIET_MSEC without it, or TEND_TCP_CHECK_MAX_ANSWER bytes
 * have come without it. Every step takes a cancellable that the run's cancels, so the
 * base class's timeout stops it where it stands.
 *
 * Why a connection failed is told apart from GIO's errors: a refusal (nothing listens),
 * a name that does not resolve, an unreachable host or a connection reset; anything
 * else is "other" with GIO's own words.
 */
#define _GNU_SOURCE                 /* memmem() */
#define G_LOG_DOMAIN "Tend-Checks"

#include <string.h>

#include "tend-duration.h"
#include "tend-host.h"
#include "tend-error.h"
#include "tend-tcp-check.h"
#include "tend-check-private.h"
#include "tend-probe.h"
#include "tend-util-private.h"

/* How many characters of an unexpected answer a message quotes. */
#define ANSWER_QUOTE_MAX_CHARS 60

struct _TendTcpCheck
{
  TendCheck parent_instance;

  char *host;                       /* (owned) without brackets around an IPv6 address */
  guint port;
  GBytes *send;                     /* (owned) (nullable) never empty */
  char *expect;                     /* (owned) (nullable) never empty */
  gboolean force_gio;               /* for tests: never the cheap path */
  char *address;                    /* (owned) (nullable) "host:port" for messages, made once */
};

G_DEFINE_FINAL_TYPE (TendTcpCheck, tend_tcp_check, TEND_TYPE_CHECK)

enum {
  PROP_0,
  PROP_HOST,
  PROP_PORT,
  PROP_SEND,
  PROP_EXPECT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ------------------------------------------------------------------------------------ */
/* Validation                                                                            */

/**
 * tend_tcp_check_new:
 * @name: the check's name
 * @host: a host name, an IPv4 address or an IPv6 address (with or without brackets)
 * @port: 1..65535
 * @error: where to say which argument is wrong
 *
 * A check that passes when a TCP connection to @host:@port opens (and, with
 * tend_tcp_check_set_expect(), when the expected text comes back).
 *
 * Returns: (transfer full) (nullable): the check, or %NULL with %TEND_ERROR_INVALID_ARGUMENT
 *   naming the field and the rule ("port: 70000 is outside 1..65535")
 */
TendCheck *
tend_tcp_check_new (const char  *name,
                    const char  *host,
                    guint        port,
                    GError     **error)
{
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return tend_check_new_for_address (TEND_TYPE_TCP_CHECK, name, host, port, error);
}

/* ------------------------------------------------------------------------------------ */
/* Accessors                                                                             */

const char *
tend_tcp_check_get_host (TendTcpCheck *self)
{
  g_return_val_if_fail (TEND_IS_TCP_CHECK (self), NULL);
  return self->host;
}

guint
tend_tcp_check_get_port (TendTcpCheck *self)
{
  g_return_val_if_fail (TEND_IS_TCP_CHECK (self), 0);
  return self->port;
}

/**
 * tend_tcp_check_get_send:
 *
 * Returns: (transfer none) (nullable): what a run writes once connected
 */
GBytes *
tend_tcp_check_get_send (TendTcpCheck *self)
{
  g_return_val_if_fail (TEND_IS_TCP_CHECK (self), NULL);
  return self->send;
}

/**
 * tend_tcp_check_set_send:
 * @send: (nullable): bytes to write once connected; %NULL or empty for none
 *
 * A run already under way keeps what it started with.
 */
void
tend_tcp_check_set_send (TendTcpCheck *self,
                         GBytes       *send)
{
  g_return_if_fail (TEND_IS_TCP_CHECK (self));

  if (send != NULL && g_bytes_get_size (send) == 0)
    send = NULL;
  if (self->send == send ||
      (self->send != NULL && send != NULL && g_bytes_equal (self->send, send)))
    return;

  g_clear_pointer (&self->send, g_bytes_unref);
  self->send = send != NULL ? g_bytes_ref (send) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEND]);
}

/**
 * tend_tcp_check_get_expect:
 *
 * Returns: (nullable): the text the answer must contain
 */
const char *
tend_tcp_check_get_expect (TendTcpCheck *self)
{
  g_return_val_if_fail (TEND_IS_TCP_CHECK (self), NULL);
  return self->expect;
}

/**
 * tend_tcp_check_set_expect:
 * @expect: (nullable): text the answer must contain within its first
 *   %TEND_TCP_CHECK_MAX_ANSWER bytes; %NULL or empty to pass on the connection alone
 */
void
tend_tcp_check_set_expect (TendTcpCheck *self,
                           const char   *expect)
{
  g_return_if_fail (TEND_IS_TCP_CHECK (self));

  if (expect != NULL && *expect == '\0')
    expect = NULL;
  if (g_strcmp0 (self->expect, expect) == 0)
    return;

  g_free (self->expect);
  self->expect = g_strdup (expect);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXPECT]);
}

/* ------------------------------------------------------------------------------------ */
/* The probe                                                                             */

typedef struct
{
  GSocketConnection *connection;    /* (owned) (nullable) */
  GCancellable *cancellable;        /* (owned) every step's: cancelled with the run, or when
                                     * the answer went quiet without the expected text */
  GCancellable *run_cancellable;    /* (owned) (nullable) the run's */
  gulong run_cancelled_handler;
  GSource *quiet_source;            /* (owned) (nullable) */
  gboolean quiet;                   /* the answer stopped without the expected text */
  GBytes *send;                     /* (owned) (nullable) */
  char *expect;                     /* (owned) (nullable) */
  char *host;                       /* (owned) */
  char *address;                    /* (owned) "host:port" or "[v6]:port", for messages */
  char *via;                        /* (owned) (nullable) the SSH host whose forward it uses */
  gint64 started;
  gint64 connected;                 /* when a forwarded connection opened, for its latency */
  gboolean settled;                 /* a forwarded connection stayed open: the remote took it */
  gsize len;
  guint8 answer[TEND_TCP_CHECK_MAX_ANSWER];
} Probe;

static void
stop_quiet_timer (Probe *probe)
{
  if (probe->quiet_source != NULL)
    {
      g_source_destroy (probe->quiet_source);
      g_clear_pointer (&probe->quiet_source, g_source_unref);
    }
}

static void
probe_free (Probe *probe)
{
  if (probe->run_cancellable != NULL)
    g_cancellable_disconnect (probe->run_cancellable, probe->run_cancelled_handler);
  g_clear_object (&probe->run_cancellable);
  stop_quiet_timer (probe);
  g_clear_object (&probe->cancellable);
  g_clear_object (&probe->connection);
  g_clear_pointer (&probe->send, g_bytes_unref);
  g_clear_pointer (&probe->host, g_free);
  g_clear_pointer (&probe->expect, g_free);
  g_clear_pointer (&probe->address, g_free);
  g_clear_pointer (&probe->via, g_free);
  g_free (probe);
}

/* "0.3 ms", "12 ms", "1.5 s": the same text whatever the locale. */
static char *
format_latency (gint64 usec)
{
  if (usec < 10 * TEND_USEC_PER_MSEC)
    return g_strdup_printf ("%d.%d ms", (int) (usec / 1000), (int) (usec % 1000 / 100));
  if (usec < TEND_USEC_PER_SEC)
    return g_strdup_printf ("%d ms", (int) (usec / 1000));
  return g_strdup_printf ("%d.%d s", (int) (usec / TEND_USEC_PER_SEC),
                          (int) (usec % TEND_USEC_PER_SEC / 100000));
}

/* "connected to ADDRESS in 0.3 ms": made for every passing run, without printf. */
static TendCheckVerdict *
connected_verdict (const char *address,
                   gint64      latency)
{
  char took[32];
  int n = sizeof took;
  gint64 whole, tenth;
  const char *unit;

  /* As format_latency() writes it, from the end of the buffer. */
  if (latency < 10 * TEND_USEC_PER_MSEC)
    whole = latency / 1000, tenth = latency % 1000 / 100, unit = " ms";
  else if (latency < TEND_USEC_PER_SEC)
    whole = latency / 1000, tenth = -1, unit = " ms";
  else
    whole = latency / TEND_USEC_PER_SEC, tenth = latency % TEND_USEC_PER_SEC / 100000, unit = " s";
  took[--n] = '\0';
  for (const char *u = unit + strlen (unit); u > unit;)
    took[--n] = *--u;
  if (tenth >= 0)
    {
      took[--n] = (char) ('0' + tenth);
      took[--n] = '.';
    }
  do
    took[--n] = (char) ('0' + whole % 10);
  while ((whole /= 10) > 0 && n > 0);

  return tend_check_verdict_new_take (TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE, latency,
                                      g_strconcat ("connected to ", address, " in ", took + n,
                                                   NULL));
}

/* GIO's message says what went wrong after its last ": " ("Could not connect to
 * 127.0.0.1: Connection refused"); the verdict names the address itself. */
static const char *
error_reason (const GError *error)
{
  const char *colon = g_strrstr (error->message, ": ");

  return colon != NULL && colon[2] != '\0' ? colon + 2 : error->message;
}

static gboolean
error_is_unreachable (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
}

static void
return_verdict (GTask            *task,
                TendCheckVerdict *verdict)
{
  g_task_return_pointer (task, verdict, (GDestroyNotify) tend_check_verdict_free);
}

/* Why a connection to @address (of @host) failed, as a verdict. */
static TendCheckVerdict *
connect_failure_verdict (const char   *host,
                         const char   *address,
                         const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    return tend_check_verdict_new (TEND_RESULT_FAIL, TEND_CHECK_FAILURE_REFUSED, -1,
                                   "connection refused on %s", address);
  if (error->domain == G_RESOLVER_ERROR)
    return tend_check_verdict_new (TEND_RESULT_FAIL, TEND_CHECK_FAILURE_DNS, -1,
                                   "%s does not resolve (%s)", host, error_reason (error));
  if (error_is_unreachable (error))
    return tend_check_verdict_new (TEND_RESULT_FAIL, TEND_CHECK_FAILURE_UNREACHABLE, -1,
                                   "%s is unreachable (%s)", address, error_reason (error));
  return tend_check_verdict_new (TEND_RESULT_FAIL, TEND_CHECK_FAILURE_OTHER, -1,
                                 "could not connect to %s: %s", address, error->message);
}

static void
return_connect_failure (GTask        *task,
                        const GError *error)
{
  Probe *probe = g_task_get_task_data (task);

  return_verdict (task, connect_failure_verdict (probe->host, probe->address, error));
}

static void
return_lost (GTask        *task,
             const char   *doing,
             const GError *error)
{
  Probe *probe = g_task_get_task_data (task);
  TendCheckFailure failure = error_is_unreachable (error) ? TEND_CHECK_FAILURE_UNREACHABLE
                                                          : TEND_CHECK_FAILURE_OTHER;

  return_verdict (task, tend_check_verdict_new (TEND_RESULT_FAIL, failure, -1,
                                                "connection to %s lost while %s (%s)",
                                                probe->address, doing, error_reason (error)));
}

static void
return_pass (GTask *task)
{
  Probe *probe = g_task_get_task_data (task);
  gint64 latency = (probe->connected > 0 ? probe->connected : g_get_monotonic_time ())
                   - probe->started;

  if (probe->expect != NULL)
    {
      g_autofree char *expect = tend_quote_for_message (probe->expect, -1);
      g_autofree char *took = format_latency (latency);

      return_verdict (task, tend_check_verdict_new (TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE,
                                                    latency, "%s answered with %s in %s",
                                                    probe->address, expect, took));
    }
  else
    {
      return_verdict (task, connected_verdict (probe->address, latency));
    }
}

/* The answer ended (closed, or quiet) or filled the buffer without the expected text. */
static void
return_protocol_failure (GTask *task)
{
  Probe *probe = g_task_get_task_data (task);
  g_autofree char *expect = tend_quote_for_message (probe->expect, -1);
  g_autofree char *answer = NULL;
  TendCheckVerdict *verdict;

  if (probe->len == 0)
    {
      verdict = tend_check_verdict_new (TEND_RESULT_FAIL, TEND_CHECK_FAILURE_PROTOCOL, -1,
                                        "%s closed the connection without answering "
                                        "(expected %s)", probe->address, expect);
    }
  else
    {
      answer = tend_quote_for_message_full ((const char *) probe->answer, probe->len, '"',
                                            ANSWER_QUOTE_MAX_CHARS);
      if (probe->len < sizeof probe->answer)
        verdict = tend_check_verdict_new (TEND_RESULT_FAIL, TEND_CHECK_FAILURE_PROTOCOL, -1,
                                          "%s answered %s instead of %s",
                                          probe->address, answer, expect);
      else
        verdict = tend_check_verdict_new (TEND_RESULT_FAIL, TEND_CHECK_FAILURE_PROTOCOL, -1,
                                          "%s answered %s without %s in its first %u bytes",
                                          probe->address, answer, expect,
                                          (guint) TEND_TCP_CHECK_MAX_ANSWER);
    }
  return_verdict (task, verdict);
}

/* Ends the task with @error when it is a cancellation: the run's (passed on as it is),
 * or the quiet timer's (a protocol failure). Returns FALSE for any other error. */
static gboolean
return_if_cancelled (GTask   *task,
                     GError **error)
{
  Probe *probe = g_task_get_task_data (task);

  if (!g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return FALSE;

  if (probe->quiet && !g_cancellable_is_cancelled (probe->run_cancellable))
    return_protocol_failure (task);
  else
    g_task_return_error (task, g_steal_pointer (error));
  return TRUE;
}

/* Whether the answer so far ends with the start of the expected text, which the next
 * packet may complete. */
static gboolean
answer_ends_with_part_of_expect (Probe *probe)
{
  gsize expect_len = strlen (probe->expect);

  for (gsize n = MIN (probe->len, expect_len - 1); n > 0; n--)
    if (memcmp (probe->answer + probe->len - n, probe->expect, n) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
on_quiet (gpointer user_data)
{
  Probe *probe = user_data;

  g_clear_pointer (&probe->quiet_source, g_source_unref);
  probe->quiet = TRUE;
  g_cancellable_cancel (probe->cancellable);
  return G_SOURCE_REMOVE;
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
  if (n < 0)
    {
      if (!return_if_cancelled (task, &error))
        return_lost (task, "waiting for the answer", error);
      return;
    }

  stop_quiet_timer (probe);
  if (n == 0)
    {
      return_protocol_failure (task);
      return;
    }

  probe->len += n;
  if (memmem (probe->answer, probe->len, probe->expect, strlen (probe->expect)) != NULL)
    {
      return_pass (task);
      return;
    }
  if (probe->len == sizeof probe->answer)
    {
      return_protocol_failure (task);
      return;
    }

  /* A server that keeps the connection open after a wrong answer (as Redis does) would
   * otherwise hold the run until its timeout. */
  if (!answer_ends_with_part_of_expect (probe))
    {
      probe->quiet_source = g_timeout_source_new (TEND_TCP_CHECK_QUIET_MSEC);
      g_source_set_callback (probe->quiet_source, on_quiet, probe, NULL);
      g_source_set_static_name (probe->quiet_source, "[tend] tcp check quiet answer");
      g_source_attach (probe->quiet_source, g_task_get_context (task));
    }
  read_more (g_steal_pointer (&task));
}

/* Takes @task's reference. */
static void
read_more (GTask *task)
{
  Probe *probe = g_task_get_task_data (task);
  GInputStream *input = g_io_stream_get_input_stream (G_IO_STREAM (probe->connection));

  g_input_stream_read_async (input, probe->answer + probe->len,
                             sizeof probe->answer - probe->len, G_PRIORITY_DEFAULT,
                             probe->cancellable, on_read, task);
}

/* A connection through an SSH forward opens here whether or not anything listens on
 * the remote side: the forward accepts it, then asks the remote for a channel and closes
 * the connection when it is refused. So a forwarded connection passes only once it has
 * stayed open for TEND_TCP_CHECK_FORWARD_SETTLE_MSEC, or the server spoke first. */
static gboolean
on_settled (gpointer user_data)
{
  Probe *probe = user_data;

  g_clear_pointer (&probe->quiet_source, g_source_unref);
  probe->settled = TRUE;
  g_cancellable_cancel (probe->cancellable);
  return G_SOURCE_REMOVE;
}

static void
on_settle_read (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Probe *probe = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);
  stop_quiet_timer (probe);
  if (n > 0 || (probe->settled && (probe->run_cancellable == NULL ||
                                   !g_cancellable_is_cancelled (probe->run_cancellable))))
    {
      return_pass (task);
      return;
    }
  if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  return_verdict (task, tend_check_verdict_new (TEND_RESULT_FAIL, TEND_CHECK_FAILURE_REFUSED, -1,
                                                "connection refused on %s on %s (the SSH "
                                                "forward could not open it there)",
                                                probe->address, probe->via));
}

/* Takes @task's reference. */
static void
wait_settled (GTask *task)
{
  Probe *probe = g_task_get_task_data (task);
  GInputStream *input = g_io_stream_get_input_stream (G_IO_STREAM (probe->connection));

  probe->connected = g_get_monotonic_time ();
  probe->quiet_source = g_timeout_source_new (TEND_TCP_CHECK_FORWARD_SETTLE_MSEC);
  g_source_set_callback (probe->quiet_source, on_settled, probe, NULL);
  g_source_set_static_name (probe->quiet_source, "[tend] tcp check forward settles");
  g_source_attach (probe->quiet_source, g_task_get_context (task));
  g_input_stream_read_async (input, probe->answer, sizeof probe->answer, G_PRIORITY_DEFAULT,
                             probe->cancellable, on_settle_read, task);
}

/* Takes @task's reference. */
static void
after_send (GTask *task)
{
  Probe *probe = g_task_get_task_data (task);

  if (probe->expect != NULL)
    {
      read_more (task);
    }
  else if (probe->via != NULL)
    {
      wait_settled (task);
    }
  else
    {
      return_pass (task);
      g_object_unref (task);
    }
}

static void
on_written (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, &error))
    {
      if (!return_if_cancelled (task, &error))
        return_lost (task, "sending", error);
      return;
    }
  after_send (g_steal_pointer (&task));
}

static void
on_connected (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Probe *probe = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  probe->connection = g_socket_client_connect_finish (G_SOCKET_CLIENT (object), result, &error);
  if (probe->connection == NULL)
    {
      if (!return_if_cancelled (task, &error))
        return_connect_failure (task, error);
      return;
    }

  TEND_DEBUG_HOT ("tcp check %s: connected to %s",
                  tend_check_get_name (g_task_get_source_object (task)), probe->address);

  if (probe->send != NULL)
    {
      GOutputStream *output = g_io_stream_get_output_stream (G_IO_STREAM (probe->connection));
      gsize size;
      gconstpointer data = g_bytes_get_data (probe->send, &size);

      g_output_stream_write_all_async (output, data, size, G_PRIORITY_DEFAULT,
                                       probe->cancellable, on_written, g_steal_pointer (&task));
      return;
    }
  after_send (g_steal_pointer (&task));
}

/* May run in whichever thread cancelled the run. */
static void
on_run_cancelled (GCancellable *run_cancellable,
                  gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

/* ------------------------------------------------------------------------------------ */
/* The cheap path                                                                        */

/* Which path a run takes: the cheap one (tend-probe.c: a non-blocking connect watched by
 * the probes' one epoll source, closed once open) when all of these hold, GSocketClient
 * otherwise:
 *
 *  - the check only connects: nothing to send, nothing expected (the quiet and settle
 *    timers of a conversation stay with GIO);
 *  - the service is reached directly, not through an SSH host's forward;
 *  - the run is on the thread whose main loop runs the probes (the main loop's).
 *
 * Neither path uses a proxy; an address is connected to as it is, a name resolved with
 * GResolver; the verdicts are the same words (return_pass(), return_connect_failure()). */
static gboolean
uses_probe (TendTcpCheck *self,
            const char   *connect_host,
            guint         connect_port)
{
  return !self->force_gio && self->send == NULL && self->expect == NULL
         && connect_port == self->port && g_strcmp0 (connect_host, self->host) == 0
         && tend_probe_is_available ();
}

static void
on_quick_done (gpointer      user_data,
               const GError *error)
{
  TendCheckRun *run = user_data;
  TendTcpCheck *self = TEND_TCP_CHECK (tend_check_run_get_check (run));
  gint64 latency = g_get_monotonic_time () - tend_check_run_get_started (run);

  if (error == NULL)
    tend_check_run_return (run, connected_verdict (self->address, latency));
  else
    tend_check_run_return (run, connect_failure_verdict (self->host, self->address, error));
}

/* The cheap path (tend-check-run.c): no GTask; the run's data is the probe. */
static gboolean
tend_tcp_check_start_run (TendCheck    *check,
                          TendCheckRun *run)
{
  TendTcpCheck *self = TEND_TCP_CHECK (check);

  /* A service on an SSH host bound to its loopback is reached through the forward:
   * GIO's. */
  if (tend_check_get_remote_host (check) != NULL)
    {
      g_autofree char *connect_host = NULL;
      guint connect_port = 0;

      if (!tend_check_resolve_address (check, self->host, self->port, &connect_host,
                                       &connect_port, NULL) ||
          !uses_probe (self, connect_host, connect_port))
        return FALSE;
    }
  else if (!uses_probe (self, self->host, self->port))
    return FALSE;
  if (self->address == NULL)
    self->address = tend_check_format_address (self->host, self->port);
  tend_check_run_set_data (run, tend_probe_connect (self->host, self->port, NULL, NULL,
                                                    on_quick_done, run));
  return TRUE;
}

static void
tend_tcp_check_stop_run (TendCheck    *check,
                         TendCheckRun *run)
{
  tend_probe_cancel (tend_check_run_get_data (run), FALSE);
}

static void
tend_tcp_check_probe_async (TendCheck           *check,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  TendTcpCheck *self = TEND_TCP_CHECK (check);
  g_autoptr(GSocketClient) client = NULL;
  g_autoptr(GSocketConnectable) connectable = NULL;
  g_autofree char *connect_host = NULL;
  g_autoptr(GError) error = NULL;
  guint connect_port = 0;
  GTask *task;
  Probe *probe;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tend_tcp_check_probe_async);

  /* A service on an SSH host bound to its loopback is reached through the forward. */
  tend_check_resolve_address (check, self->host, self->port, &connect_host, &connect_port,
                              &error);

  /* The answer's buffer (4 KiB) is not cleared: only what was read is looked at. */
  probe = g_malloc (sizeof (Probe));
  memset (probe, 0, G_STRUCT_OFFSET (Probe, answer));
  probe->started = g_get_monotonic_time ();
  probe->send = self->send != NULL ? g_bytes_ref (self->send) : NULL;
  probe->expect = g_strdup (self->expect);
  probe->host = g_strdup (self->host);
  if (self->address == NULL)
    self->address = tend_check_format_address (self->host, self->port);
  probe->address = g_strdup (self->address);
  g_task_set_task_data (task, probe, (GDestroyNotify) probe_free);

  if (error != NULL)
    {
      return_verdict (task, tend_check_verdict_new (TEND_RESULT_UNKNOWN,
                                                    TEND_CHECK_FAILURE_OTHER, -1, "%s",
                                                    error->message));
      g_object_unref (task);
      return;
    }
  if (connect_port != self->port || g_strcmp0 (connect_host, self->host) != 0)
    probe->via = g_strdup (tend_host_get_display_name (tend_check_get_remote_host (check)));

  probe->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      probe->run_cancellable = g_object_ref (cancellable);
      probe->run_cancelled_handler = g_cancellable_connect (cancellable,
                                                            G_CALLBACK (on_run_cancelled),
                                                            probe->cancellable, NULL);
    }

  client = g_socket_client_new ();
  /* The service itself, never a proxy; and no proxy lookup, which costs more than the
   * whole check (libproxy in a worker thread per connection). */
  g_socket_client_set_enable_proxy (client, FALSE);
  /* An address needs no resolver (which stats /etc/resolv.conf on every lookup). */
  if (g_hostname_is_ip_address (connect_host))
    connectable = G_SOCKET_CONNECTABLE (g_inet_socket_address_new_from_string (connect_host,
                                                                               connect_port));
  else
    connectable = g_network_address_new (connect_host, (guint16) connect_port);
  g_socket_client_connect_async (client, connectable, probe->cancellable, on_connected, task);
}

/* ------------------------------------------------------------------------------------ */
/* GObject                                                                               */

static void
tend_tcp_check_finalize (GObject *object)
{
  TendTcpCheck *self = TEND_TCP_CHECK (object);

  g_clear_pointer (&self->host, g_free);
  g_clear_pointer (&self->send, g_bytes_unref);
  g_clear_pointer (&self->expect, g_free);
  g_clear_pointer (&self->address, g_free);

  G_OBJECT_CLASS (tend_tcp_check_parent_class)->finalize (object);
}

static void
tend_tcp_check_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  TendTcpCheck *self = TEND_TCP_CHECK (object);

  switch (prop_id)
    {
    case PROP_HOST: g_value_set_string (value, self->host); break;
    case PROP_PORT: g_value_set_uint (value, self->port); break;
    case PROP_SEND: g_value_set_boxed (value, self->send); break;
    case PROP_EXPECT: g_value_set_string (value, self->expect); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_tcp_check_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  TendTcpCheck *self = TEND_TCP_CHECK (object);

  switch (prop_id)
    {
    case PROP_HOST: self->host = g_value_dup_string (value); break;
    case PROP_PORT: self->port = g_value_get_uint (value); break;
    case PROP_SEND: tend_tcp_check_set_send (self, g_value_get_boxed (value)); break;
    case PROP_EXPECT: tend_tcp_check_set_expect (self, g_value_get_string (value)); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static char *
tend_tcp_check_dup_target (TendCheck *check)
{
  TendTcpCheck *self = TEND_TCP_CHECK (check);

  return tend_check_format_address (self->host, self->port);
}

/**
 * tend_tcp_check_set_force_gio: (skip)
 *
 * For tests: every run takes GSocketClient, even where the cheap path would do.
 */
void
tend_tcp_check_set_force_gio (TendTcpCheck *self,
                              gboolean      force_gio)
{
  g_return_if_fail (TEND_IS_TCP_CHECK (self));
  self->force_gio = !!force_gio;
}

/**
 * tend_tcp_check_uses_probe: (skip)
 *
 * Returns: whether a run takes the cheap path (see uses_probe())
 */
gboolean
tend_tcp_check_uses_probe (TendTcpCheck *self)
{
  g_autofree char *connect_host = NULL;
  guint connect_port = 0;

  g_return_val_if_fail (TEND_IS_TCP_CHECK (self), FALSE);

  if (!tend_check_resolve_address (TEND_CHECK (self), self->host, self->port, &connect_host,
                                   &connect_port, NULL))
    return FALSE;
  return uses_probe (self, connect_host, connect_port);
}

static void
tend_tcp_check_class_init (TendTcpCheckClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  TendCheckClass *check_class = TEND_CHECK_CLASS (klass);
  const GParamFlags construct = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                                G_PARAM_STATIC_STRINGS;
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = tend_tcp_check_finalize;
  object_class->get_property = tend_tcp_check_get_property;
  object_class->set_property = tend_tcp_check_set_property;

  check_class->kind = "tcp";
  check_class->probe_async = tend_tcp_check_probe_async;
  check_class->start_run = tend_tcp_check_start_run;
  check_class->stop_run = tend_tcp_check_stop_run;
  check_class->dup_target = tend_tcp_check_dup_target;

  properties[PROP_HOST] =
    g_param_spec_string ("host", NULL, "Host name or IP address; see tend_tcp_check_new()",
                         NULL, construct);
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, "TCP port", 1, 65535, 1, construct);
  properties[PROP_SEND] =
    g_param_spec_boxed ("send", NULL, "Bytes written once connected", G_TYPE_BYTES, rw);
  properties[PROP_EXPECT] =
    g_param_spec_string ("expect", NULL, "Text the answer must contain", NULL, rw);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tend_tcp_check_init (TendTcpCheck *self)
{
}
