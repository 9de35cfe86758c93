/* tend-http-check.c — an HTTP or HTTPS request whose answer tells whether a service is healthy
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One probe is one request (and the redirects it leads to), sent with libsoup on the
 * main loop and never blocking it:
 *
 *  - Every probe opens a new connection and closes it after the answer ("Connection:
 *    close", a new connection per message, a 1 s idle timeout for HTTP/2, where that
 *    header does not exist), so each run sees what a new client sees — refusals, DNS,
 *    TLS — and a monitor with a thousand checks does not hold a thousand idle sockets.
 *  - Each probe has its own SoupSession, made for it (about 2 µs) and dropped with it.
 *    A session shared by all checks would queue requests behind its connection limits
 *    (two per host by default) and the queueing would count as the checked service's
 *    latency. A session kept for a check's lifetime costs the main loop: for each host
 *    and port it has talked to, libsoup keeps a GSource for five minutes after the last
 *    connection, and every iteration of the main loop walks every source — with 1,000
 *    HTTP checks, ~180 µs per iteration and most of the monitor's CPU.
 *  - No proxy: a check talks to the service itself, whatever the environment says.
 *  - Redirects are followed here, not by libsoup, to stop after
 *    TEND_HTTP_CHECK_MAX_REDIRECTS and to name a loop in the message. The accepted status
 *    codes are checked against the last answer. 303, and 301/302 after a POST, go on
 *    with GET, as browsers do.
 *  - The body is read up to TEND_HTTP_CHECK_MAX_BODY (a redirect's up to 64 KiB) and the
 *    connection dropped after that, so a large answer costs neither memory nor time.
 *    Shorter bodies are read to their end, so the connection ends cleanly rather than
 *    with a reset in the middle of the server's answer.
 *
 * The timeout is the base class's: it cancels the probe, which stops at once.
 */
#define G_LOG_DOMAIN "Tend-Checks"
#define _GNU_SOURCE   /* memmem() */

#include "config.h"

#include <string.h>


#include "tend-soup-lib.h"
#include "tend-check-private.h"
#include "tend-error.h"
#include "tend-host.h"
#include "tend-http-check.h"
#include "tend-http-check-private.h"
#include "tend-probe.h"
#include "tend-util-private.h"

#define READ_CHUNK_SIZE 16384

struct _TendHttpCheck
{
  TendCheck parent_instance;

  char *url;                    /* (owned) as given */
  GUri *uri;                    /* (owned) (nullable) parsed, NULL until set */
  const char *method;           /* (unowned) one of SOUP_METHOD_GET, _HEAD, _POST */
  GArray *accepted;             /* (owned) (element-type StatusRange) sorted, merged */
  char *accepted_text;          /* (owned) canonical: "200-399" */
  char *expect_body;            /* (owned) (nullable) */
  gint64 latency_threshold_usec;
  gboolean verify_tls;
  gboolean follow_redirects;
  gboolean force_soup;          /* for tests: never the cheap path */
};

G_DEFINE_FINAL_TYPE (TendHttpCheck, tend_http_check, TEND_TYPE_CHECK)

enum {
  PROP_0,
  PROP_URL,
  PROP_METHOD,
  PROP_ACCEPTED_STATUS,
  PROP_EXPECT_BODY,
  PROP_VERIFY_TLS,
  PROP_FOLLOW_REDIRECTS,
  PROP_LATENCY_THRESHOLD,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ------------------------------------------------------------------------------------ */
/* Text for messages                                                                     */

/* ------------------------------------------------------------------------------------ */
/* The URL                                                                               */

/* ------------------------------------------------------------------------------------ */
/* The probe                                                                             */

typedef struct
{
  TendHttpCheck *self;          /* (unowned) the run or the task holds it */
  TendCheckRun *run;            /* (nullable) on the cheap path: its run, until it ends */
  GTask *task;                  /* (owned) (nullable) on probe_async: its task, until it ends */
  SoupSession *session;         /* (owned) this probe's (this hop's, through a forward) */
  guint forward_port;           /* the session's SSH forward's local port, 0 for none */
  char *via;                    /* (owned) (nullable) the SSH host of that forward */
  GUri *first_uri;              /* (owned) */
  GUri *uri;                    /* (owned) this hop's */
  const char *method;           /* (unowned) this hop's: a redirect may turn POST into GET */
  const char *first_method;     /* (unowned) the check's, when the probe started */
  GPtrArray *visited;           /* (owned) (nullable) (element-type utf8) "METHOD URL" of each
                                 * hop, made at the first redirect */
  GPtrArray *labels;            /* (owned) (nullable) (element-type utf8) each hop for
                                 * messages, made with visited */
  SoupMessage *msg;             /* (owned) (nullable) this hop's */
  GInputStream *stream;         /* (owned) (nullable) this hop's answer body */
  GCancellable *hop_cancellable; /* (owned) (nullable) cancelled with the probe, or to drop
                                  * a hop's connection before its body ends */
  GCancellable *probe_cancellable; /* (owned) (nullable) the task's, on probe_async */
  gulong probe_handler;
  char *expect_body;            /* (owned) (nullable) the check's, when the probe started */
  gboolean verify_tls;          /* the check's, when the probe started */
  gboolean follow_redirects;    /* the check's, when the probe started */
  char *location;               /* (owned) (nullable) this hop's redirect, followed once its
                                 * body is read */
  GByteArray *body;             /* (owned) (nullable) kept only when a text is expected */
  gsize body_len;
  gboolean body_truncated;
  GTlsCertificateFlags tls_errors;
  gint64 started;
  guint redirects;
  guint status;                 /* this hop's answer's */
  gboolean force_soup;          /* the check's, when the probe started */
  TendProbe *fast;              /* (nullable) this hop's, on the cheap path */
  TendHttpReader *reader;       /* (owned) (nullable) its answer */
} Probe;

static void
cancel_hop_cb (GCancellable *cancellable,
               gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

/* Ends the hop: its connection, if still open, is dropped. */
static void
probe_end_hop (Probe *probe)
{
  if (probe->probe_handler != 0)
    {
      g_cancellable_disconnect (probe->probe_cancellable, probe->probe_handler);
      probe->probe_handler = 0;
    }
  if (probe->fast != NULL)
    {
      tend_probe_cancel (probe->fast, FALSE);
      probe->fast = NULL;
    }
  g_clear_pointer (&probe->reader, tend_http_reader_free);
  if (probe->hop_cancellable != NULL)
    {
      g_cancellable_cancel (probe->hop_cancellable);
      g_clear_object (&probe->hop_cancellable);
    }
  g_clear_object (&probe->stream);
  if (probe->msg != NULL)
    {
      g_signal_handlers_disconnect_by_data (probe->msg, probe);
      g_clear_object (&probe->msg);
    }
}

static void
probe_clear (Probe *probe)
{
  g_assert (probe->run == NULL && probe->task == NULL);
  probe_end_hop (probe);
  g_clear_object (&probe->session);
  g_clear_object (&probe->probe_cancellable);
  g_clear_pointer (&probe->first_uri, g_uri_unref);
  g_clear_pointer (&probe->uri, g_uri_unref);
  g_clear_pointer (&probe->visited, g_ptr_array_unref);
  g_clear_pointer (&probe->labels, g_ptr_array_unref);
  g_clear_pointer (&probe->body, g_byte_array_unref);
  g_free (probe->location);
  g_free (probe->expect_body);
  g_free (probe->via);
}

/* A probe lives while its run or task, or a libsoup call under way, holds it. */
static Probe *
probe_ref (Probe *probe)
{
  return g_rc_box_acquire (probe);
}

static void
probe_unref (Probe *probe)
{
  g_rc_box_release_full (probe, (GDestroyNotify) probe_clear);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Probe, probe_unref)

/* Whether the probe's run or task has ended (or was stopped): nothing more to do. */
static gboolean
probe_is_over (Probe *probe)
{
  return probe->run == NULL && probe->task == NULL;
}

/* Ends the probe's run or task with @verdict (transfer full). */
static void
probe_finish (Probe            *probe,
              TendCheckVerdict *verdict)
{
  if (probe->run != NULL)
    {
      TendCheckRun *run = g_steal_pointer (&probe->run);

      probe_end_hop (probe);
      tend_check_run_return (run, verdict);
      probe_unref (probe);   /* the run's */
    }
  else if (probe->task != NULL)
    {
      g_autoptr(GTask) task = g_steal_pointer (&probe->task);

      g_task_return_pointer (task, verdict, (GDestroyNotify) tend_check_verdict_free);
    }
  else
    tend_check_verdict_free (verdict);
}

/* Whether the task was cancelled: it then ends with that error. */
static gboolean
probe_finish_if_cancelled (Probe *probe)
{
  if (probe->task != NULL && g_task_return_error_if_cancelled (probe->task))
    {
      g_clear_object (&probe->task);
      return TRUE;
    }
  return probe_is_over (probe);
}

/* What a failed request means for the service: the kinds of failure told apart. */
static TendCheckVerdict *
verdict_for_error (Probe        *probe,
                   const GError *error)
{
  g_autofree char *where = tend_http_uri_host_port (probe->uri);

  g_debug ("http check: %s: %s (%s %d)", where, error->message,
           g_quark_to_string (error->domain), error->code);

  if (error->domain == G_RESOLVER_ERROR)
    {
      if (error->code == G_RESOLVER_ERROR_NOT_FOUND)
        return tend_check_verdict_new (TEND_RESULT_FAIL, TEND_CHECK_FAILURE_DNS, -1,
                                       "DNS lookup found no address for %s", where);
      if (error->code == G_RESOLVER_ERROR_TEMPORARY_FAILURE)
        return tend_check_verdict_new (TEND_RESULT_FAIL, TEND_CHECK_FAILURE_DNS, -1,
                                       "DNS lookup for %s failed for now (is a DNS server "
                                       "reachable?)", where);
      return tend_check_verdict_new (TEND_RESULT_FAIL, TEND_CHECK_FAILURE_DNS, -1,
                                     "DNS lookup for %s failed: %s", where, error->message);
    }

  if (error->domain == G_TLS_ERROR)
    {
      if (error->code == G_TLS_ERROR_BAD_CERTIFICATE && probe->tls_errors != 0)
        {
          g_autofree char *why = tend_http_describe_certificate_errors (probe->tls_errors);

          return tend_check_verdict_new (TEND_RESULT_FAIL, TEND_CHECK_FAILURE_TLS, -1,
                                         "TLS failure on %s: %s", where, why);
        }
      if (error->code == G_TLS_ERROR_NOT_TLS)
        return tend_check_verdict_new (TEND_RESULT_FAIL, TEND_CHECK_FAILURE_TLS, -1,
                                       "TLS failure on %s: the server does not speak TLS",
                                       where);
      return tend_check_verdict_new (TEND_RESULT_FAIL, TEND_CHECK_FAILURE_TLS, -1,
                                     "TLS failure on %s: %s", where, error->message);
    }

  /* Through an SSH forward, the connection opens here and is closed when the remote
   * refuses the channel: nothing listens there. */
  if (probe->forward_port != 0 && probe->msg != NULL && soup_message_get_status (probe->msg) == 0
      && (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED) ||
          g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE) ||
          g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED) ||
          (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT) &&
           !tend_http_headers_too_big (error))))
    return tend_check_verdict_new (TEND_RESULT_FAIL, TEND_CHECK_FAILURE_REFUSED, -1,
                                   "connection refused on %s on %s (the SSH forward could "
                                   "not open it there)", where, probe->via);

  if (error->domain == G_IO_ERROR)
    {
      switch (error->code)
        {
        case G_IO_ERROR_CONNECTION_REFUSED:
          return tend_check_verdict_new (TEND_RESULT_FAIL, TEND_CHECK_FAILURE_REFUSED, -1,
                                         "connection refused on %s", where);
        case G_IO_ERROR_NETWORK_UNREACHABLE:
          return tend_check_verdict_new (TEND_RESULT_FAIL, TEND_CHECK_FAILURE_UNREACHABLE, -1,
                                         "network unreachable for %s", where);
        case G_IO_ERROR_HOST_UNREACHABLE:
          return tend_check_verdict_new (TEND_RESULT_FAIL, TEND_CHECK_FAILURE_UNREACHABLE, -1,
                                         "host unreachable: no route to %s", where);
        case G_IO_ERROR_CONNECTION_CLOSED:   /* ECONNRESET, and EPIPE (G_IO_ERROR_BROKEN_PIPE) */
          return tend_check_verdict_new (TEND_RESULT_FAIL, TEND_CHECK_FAILURE_UNREACHABLE, -1,
                                         "connection to %s was reset before a full answer",
                                         where);
        case G_IO_ERROR_PARTIAL_INPUT:       /* the end of the stream, too early */
          if (tend_http_headers_too_big (error))
            {
              g_autofree char *size = tend_http_format_size (TEND_HTTP_HEADERS_MAX);

              /* The server answered, with more than any client reads: its fault. */
              return tend_check_verdict_new (TEND_RESULT_FAIL, TEND_CHECK_FAILURE_PROTOCOL, -1,
                                             "the answer from %s has headers larger than %s, "
                                             "the most Tend reads", where, size);
            }
          return tend_check_verdict_new (TEND_RESULT_FAIL, TEND_CHECK_FAILURE_UNREACHABLE, -1,
                                         "connection to %s closed before a full answer",
                                         where);
        case G_IO_ERROR_NOT_CONNECTED:
          return tend_check_verdict_new (TEND_RESULT_FAIL, TEND_CHECK_FAILURE_UNREACHABLE, -1,
                                         "connection to %s closed before a full answer",
                                         where);
        case G_IO_ERROR_TIMED_OUT:
          return tend_check_verdict_new (TEND_RESULT_FAIL, TEND_CHECK_FAILURE_TIMEOUT, -1,
                                         "connection to %s timed out", where);
        default:
          break;
        }
    }

  if (g_error_matches (error, TEND_HTTP_ANSWER_ERROR, TEND_HTTP_ANSWER_ERROR_NOT_HTTP))
    return tend_check_verdict_new (TEND_RESULT_FAIL, TEND_CHECK_FAILURE_PROTOCOL, -1,
                                   "the answer from %s is not valid HTTP", where);

  /* Only a run that used libsoup asks it about its errors (the cheap path never loads
   * it). */
  if (probe->session != NULL && error->domain == SOUP_SESSION_ERROR)
    {
      if (error->code == SOUP_SESSION_ERROR_PARSING)
        return tend_check_verdict_new (TEND_RESULT_FAIL, TEND_CHECK_FAILURE_PROTOCOL, -1,
                                       "the answer from %s is not valid HTTP", where);
      if (error->code == SOUP_SESSION_ERROR_ENCODING)
        return tend_check_verdict_new (TEND_RESULT_FAIL, TEND_CHECK_FAILURE_PROTOCOL, -1,
                                       "the answer from %s has a body that cannot be decoded",
                                       where);
    }

  return tend_check_verdict_new (TEND_RESULT_FAIL, TEND_CHECK_FAILURE_OTHER, -1,
                                 "request to %s failed: %s", where, error->message);
}

static void
probe_return_error (Probe        *probe,
                    const GError *error)
{
  if (probe_finish_if_cancelled (probe))
    return;
  probe_finish (probe, verdict_for_error (probe, error));
}

static void
probe_return_verdict (Probe            *probe,
                      TendCheckVerdict *verdict)
{
  if (probe_finish_if_cancelled (probe))
    {
      tend_check_verdict_free (verdict);
      return;
    }
  probe_finish (probe, verdict);
}

/* The last answer has arrived: judge it. */
static void
probe_judge (Probe *probe,
             guint  status)
{
  TendHttpCheck *self = probe->self;
  gint64 latency = g_get_monotonic_time () - probe->started;
  g_autofree char *where = NULL;   /* for a failure: a pass does not name it */
  g_autofree char *after = tend_http_redirects_note (probe->redirects);
  g_autofree char *took = tend_http_format_latency (latency);

  if (!tend_http_check_accepts_status (self, status))
    {
      g_autofree char *expected = tend_http_format_accepted_for_message (self->accepted);

      where = tend_http_uri_host_port (probe->uri);

      probe_return_verdict (probe, tend_check_verdict_new (TEND_RESULT_FAIL,
                                                          TEND_CHECK_FAILURE_PROTOCOL, latency,
                                                          "HTTP %u from %s%s, expected %s",
                                                          status, where, after, expected));
      return;
    }

  if (probe->body != NULL
      && memmem (probe->body->data, probe->body->len,
                 probe->expect_body, strlen (probe->expect_body)) == NULL)
    {
      g_autofree char *quoted = tend_quote_for_message (probe->expect_body, -1);
      g_autofree char *size = tend_http_format_size (TEND_HTTP_CHECK_MAX_BODY);
      g_autofree char *within = probe->body_truncated
                                ? g_strdup_printf (" in its first %s", size) : g_strdup ("");

      where = tend_http_uri_host_port (probe->uri);

      probe_return_verdict (probe, tend_check_verdict_new (TEND_RESULT_FAIL,
                                                          TEND_CHECK_FAILURE_PROTOCOL, latency,
                                                          "HTTP %u from %s%s, but its body does "
                                                          "not contain %s%s",
                                                          status, where, after, quoted, within));
      return;
    }

  if (self->latency_threshold_usec > 0 && latency > self->latency_threshold_usec)
    {
      g_autofree char *threshold = tend_duration_format (self->latency_threshold_usec);

      where = tend_http_uri_host_port (probe->uri);

      probe_return_verdict (probe, tend_check_verdict_new (TEND_RESULT_WARN,
                                                          TEND_CHECK_FAILURE_THRESHOLD, latency,
                                                          "HTTP %u in %s from %s%s, slower than "
                                                          "the latency threshold of %s",
                                                          status, took, where, after, threshold));
      return;
    }

  /* "HTTP 200 in 0.4 ms": every passing run's, so without a printf of its own. */
  if (status < 100 || status > 999)
    probe_return_verdict (probe, tend_check_verdict_new (TEND_RESULT_PASS,
                                                         TEND_CHECK_FAILURE_NONE, latency,
                                                         "HTTP %u in %s%s", status, took, after));
  else
  {
    char code[4] = { (char) ('0' + status / 100 % 10), (char) ('0' + status / 10 % 10),
                     (char) ('0' + status % 10), '\0' };

    probe_return_verdict (probe, tend_check_verdict_new_take (TEND_RESULT_PASS,
                                                              TEND_CHECK_FAILURE_NONE, latency,
                                                              g_strconcat ("HTTP ", code, " in ",
                                                                           took, after, NULL)));
  }
}

static gboolean
is_followed_redirect (guint status)
{
  return status == SOUP_STATUS_MOVED_PERMANENTLY || status == SOUP_STATUS_FOUND
         || status == SOUP_STATUS_SEE_OTHER || status == SOUP_STATUS_TEMPORARY_REDIRECT
         || status == SOUP_STATUS_PERMANENT_REDIRECT;
}

static char *
format_chain (Probe      *probe,
              const char *last)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < probe->labels->len; i++)
    {
      if (i > 0)
        g_string_append (out, " → ");
      g_string_append (out, g_ptr_array_index (probe->labels, i));
    }
  if (last != NULL)
    g_string_append_printf (out, " → %s", last);
  return g_string_free (out, FALSE);
}

/* Follows a redirect. Returns FALSE when the task has been returned instead. */
static gboolean
probe_follow (Probe      *probe,
              guint       status,
              const char *location)
{
  g_autoptr(GUri) target = NULL;
  g_autofree char *where = tend_http_uri_host_port (probe->uri);
  g_autofree char *label = NULL;
  g_autofree char *key = NULL;
  gint64 latency = g_get_monotonic_time () - probe->started;
  const char *method = probe->method;

  /* The chain so far, once there is one (most runs have no redirect). */
  if (probe->visited == NULL)
    {
      probe->visited = g_ptr_array_new_with_free_func (g_free);
      probe->labels = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (probe->visited,
                       tend_http_uri_visit_key (probe->first_method, probe->first_uri));
      g_ptr_array_add (probe->labels, tend_http_uri_hop_label (probe->first_uri, probe->first_uri));
    }

  target = g_uri_parse_relative (probe->uri, location, SOUP_HTTP_URI_FLAGS, NULL);
  if (target == NULL
      || (!g_str_equal (g_uri_get_scheme (target), "http")
          && !g_str_equal (g_uri_get_scheme (target), "https"))
      || g_uri_get_host (target) == NULL || *g_uri_get_host (target) == '\0')
    {
      g_autofree char *quoted = tend_quote_for_message (location, -1);

      probe_return_verdict (probe, tend_check_verdict_new (TEND_RESULT_FAIL,
                                                          TEND_CHECK_FAILURE_PROTOCOL, latency,
                                                          "HTTP %u from %s redirects to %s, "
                                                          "not an http or https URL",
                                                          status, where, quoted));
      return FALSE;
    }

  if (status == SOUP_STATUS_SEE_OTHER && method != SOUP_METHOD_HEAD)
    method = SOUP_METHOD_GET;
  else if ((status == SOUP_STATUS_MOVED_PERMANENTLY || status == SOUP_STATUS_FOUND)
           && method == SOUP_METHOD_POST)
    method = SOUP_METHOD_GET;

  label = tend_http_uri_hop_label (probe->first_uri, target);
  key = tend_http_uri_visit_key (method, target);

  for (guint i = 0; i < probe->visited->len; i++)
    if (g_str_equal (g_ptr_array_index (probe->visited, i), key))
      {
        g_autofree char *first = tend_http_uri_host_port (probe->first_uri);
        g_autofree char *chain = format_chain (probe, label);

        probe_return_verdict (probe, tend_check_verdict_new (TEND_RESULT_FAIL,
                                                            TEND_CHECK_FAILURE_PROTOCOL, latency,
                                                            "redirect loop on %s: %s",
                                                            first, chain));
        return FALSE;
      }

  if (probe->redirects == TEND_HTTP_CHECK_MAX_REDIRECTS)
    {
      g_autofree char *first = tend_http_uri_host_port (probe->first_uri);
      g_autofree char *chain = format_chain (probe, label);

      probe_return_verdict (probe, tend_check_verdict_new (TEND_RESULT_FAIL,
                                                          TEND_CHECK_FAILURE_PROTOCOL, latency,
                                                          "more than %d redirects from %s: %s",
                                                          TEND_HTTP_CHECK_MAX_REDIRECTS,
                                                          first, chain));
      return FALSE;
    }

  probe->redirects++;
  probe->method = method;
  g_clear_pointer (&probe->uri, g_uri_unref);
  probe->uri = g_steal_pointer (&target);
  g_ptr_array_add (probe->visited, g_steal_pointer (&key));
  g_ptr_array_add (probe->labels, g_steal_pointer (&label));
  return TRUE;
}

static void probe_send_hop (Probe *probe);

/* The hop's answer is over, read to its end or cut short: follow it or judge it. */
static void
probe_hop_done (Probe *probe)
{
  guint status = probe->status;
  g_autofree char *location = g_steal_pointer (&probe->location);

  probe_end_hop (probe);
  if (location == NULL)
    probe_judge (probe, status);
  else if (probe_follow (probe, status, location))
    probe_send_hop (probe);
}

static void
on_closed (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(Probe) probe = user_data;
  g_autoptr(GError) error = NULL;

  /* The whole answer was read; what closing the stream says does not matter. */
  g_input_stream_close_finish (G_INPUT_STREAM (object), result, &error);
  if (!probe_is_over (probe))
    probe_hop_done (probe);
}

/* Whether the connection ended before the Content-Length the answer announced. */
static gboolean
body_cut_short (Probe *probe)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (probe->msg);
  guint status = soup_message_get_status (probe->msg);

  return probe->method != SOUP_METHOD_HEAD && status >= 200 && status != 204 && status != 304
         && soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH
         && (goffset) probe->body_len < soup_message_headers_get_content_length (headers);
}

static void
on_read (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(Probe) probe = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gsize limit = probe->location ? TEND_HTTP_REDIRECT_BODY_MAX : TEND_HTTP_CHECK_MAX_BODY;
  gsize len;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (probe_is_over (probe))
    return;
  if (bytes == NULL)
    {
      probe_return_error (probe, error);
      return;
    }

  len = g_bytes_get_size (bytes);
  if (len == 0 && body_cut_short (probe))
    {
      g_autoptr(GError) short_error = NULL;

      /* libsoup ends such a body without an error; the cheap path says what it is. */
      short_error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
                                         "Connection terminated unexpectedly");
      probe_return_error (probe, short_error);
      return;
    }
  if (len == 0)
    {
      g_input_stream_close_async (probe->stream, G_PRIORITY_DEFAULT, probe->hop_cancellable,
                                  on_closed, probe_ref (probe));
      return;
    }

  if (probe->body_len + len > limit)
    {
      /* Enough: search what fits and drop the connection rather than read the rest. */
      if (probe->body != NULL && probe->location == NULL)
        g_byte_array_append (probe->body, g_bytes_get_data (bytes, NULL),
                             limit - probe->body_len);
      probe->body_len = limit;
      probe->body_truncated = TRUE;
      probe_hop_done (probe);
      return;
    }

  if (probe->body != NULL && probe->location == NULL)
    g_byte_array_append (probe->body, g_bytes_get_data (bytes, NULL), len);
  probe->body_len += len;

  g_input_stream_read_bytes_async (probe->stream, READ_CHUNK_SIZE, G_PRIORITY_DEFAULT,
                                   probe->hop_cancellable, on_read, probe_ref (probe));
}

static void
on_sent (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(Probe) probe = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) stream = NULL;
  guint status;

  stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (probe_is_over (probe))
    return;
  probe->stream = g_steal_pointer (&stream);
  if (probe->stream == NULL)
    {
      probe_return_error (probe, error);
      return;
    }

  status = probe->status = soup_message_get_status (probe->msg);
  if (probe->follow_redirects && is_followed_redirect (status))
    {
      SoupMessageHeaders *headers = soup_message_get_response_headers (probe->msg);

      /* Followed once its body is read (see the top of this file). */
      probe->location = g_strdup (soup_message_headers_get_one (headers, "Location"));
    }

  /* A HEAD answer's body is empty: the first read ends it. */
  g_input_stream_read_bytes_async (probe->stream, READ_CHUNK_SIZE, G_PRIORITY_DEFAULT,
                                   probe->hop_cancellable, on_read, probe_ref (probe));
}

static gboolean
on_accept_certificate (SoupMessage          *msg,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  Probe *probe = user_data;

  probe->tls_errors = errors;
  return !probe->verify_tls;
}

/* The session for this hop: a service on an SSH host's loopback is reached through the
 * host's forward, with the URL as it is (its Host header, its TLS name), through
 * libsoup's remote-connectable; any other address directly, never through a proxy. */
static gboolean
probe_prepare_session (TendCheck  *check,
                       Probe      *probe,
                       GError    **error)
{
  const char *host = g_uri_get_host (probe->uri);
  int port = g_uri_get_port (probe->uri);
  g_autoptr(GSocketConnectable) connectable = NULL;
  g_autofree char *connect_host = NULL;
  guint connect_port = 0;
  guint forward = 0;

  if (port <= 0)
    port = g_ascii_strcasecmp (g_uri_get_scheme (probe->uri), "https") == 0 ? 443 : 80;
  if (!tend_check_resolve_address (check, host, (guint) port, &connect_host, &connect_port,
                                   error))
    return FALSE;
  if (connect_port != (guint) port || g_strcmp0 (connect_host, host) != 0)
    forward = connect_port;
  if (probe->session != NULL && probe->forward_port == forward)
    return TRUE;

  g_clear_object (&probe->session);
  probe->forward_port = forward;
  if (forward != 0)
    {
      connectable = g_network_address_new (connect_host, (guint16) forward);
      g_free (probe->via);
      probe->via = g_strdup (tend_host_get_display_name (tend_check_get_remote_host (check)));
    }
  probe->session = soup_session_new_with_options ("user-agent", "Tend/" PACKAGE_VERSION,
                                                  "idle-timeout", 1,
                                                  "timeout", 0,
                                                  "remote-connectable", connectable,
                                                  NULL);
  soup_session_set_proxy_resolver (probe->session, NULL);
  return TRUE;
}

/* ------------------------------------------------------------------------------------ */
/* The cheap path                                                                        */

/* Which path a hop takes: the cheap one (tend-probe.c, tend-probe-http.c: one request on
 * a non-blocking socket, read as libsoup reads it) when all of these hold, libsoup
 * otherwise:
 *
 *  - the hop's URL is http:// (no TLS) and has no user information (no authentication);
 *  - the service is reached directly, not through an SSH host's forward;
 *  - the probe runs on the thread whose main loop runs the probes (the main loop's).
 *
 * Both paths use no proxy, read the same limits and judge the answer with the same code
 * below, so a check gives the same verdict either way. Each hop of a redirect chain
 * chooses again: a chain that moves to https goes on with libsoup. */
static gboolean
hop_uses_probe (TendCheck *check,
                Probe     *probe)
{
  if (probe->force_soup || !g_str_equal (g_uri_get_scheme (probe->uri), "http")
      || g_uri_get_userinfo (probe->uri) != NULL)
    return FALSE;

  if (tend_check_get_remote_host (check) != NULL)
    {
      const char *host = g_uri_get_host (probe->uri);
      guint port = g_uri_get_port (probe->uri) > 0 ? (guint) g_uri_get_port (probe->uri) : 80;
      g_autofree char *connect_host = NULL;
      guint connect_port = 0;

      /* A forward, or a failure to get one, is libsoup's to handle and report. */
      if (!tend_check_resolve_address (check, host, port, &connect_host, &connect_port, NULL)
          || connect_port != port || g_strcmp0 (connect_host, host) != 0)
        return FALSE;
    }
  return tend_probe_is_available ();
}

static void
cancel_fast_cb (GCancellable *cancellable,
                gpointer      user_data)
{
  Probe *probe = user_data;

  /* Its callback then ends the task, cancelled, in the next dispatch. */
  if (probe->fast != NULL)
    tend_probe_cancel (probe->fast, TRUE);
}

static gboolean
on_fast_read (gpointer       user_data,
              const guint8  *data,
              gsize          len,
              GError       **error)
{
  Probe *probe = user_data;

  return tend_http_reader_feed (probe->reader, data, len, error);
}

static void
on_fast_done (gpointer      user_data,
              const GError *error)
{
  /* Held here: the run may end, and let go of it, in what follows. */
  g_autoptr(Probe) probe = probe_ref (user_data);
  GByteArray *body;
  gsize len;
  gboolean truncated;

  probe->fast = NULL;
  if (error != NULL)
    {
      probe_return_error (probe, error);
      return;
    }

  probe->status = tend_http_reader_get_status (probe->reader);
  probe->location = tend_http_reader_steal_location (probe->reader);
  body = tend_http_reader_get_body (probe->reader, &len, &truncated);
  probe->body_len = len;
  probe->body_truncated = truncated;
  if (probe->body != NULL && body != NULL)
    {
      g_byte_array_set_size (probe->body, 0);
      g_byte_array_append (probe->body, body->data, body->len);
    }
  probe_hop_done (probe);
}

static void
probe_send_fast_hop (Probe *probe)
{
  /* Made for each run rather than kept: 10,000 checks would keep 2 MB of them. */
  g_autoptr(GBytes) request = tend_http_request_new (probe->method, probe->uri);
  int port = g_uri_get_port (probe->uri);

  probe->reader = tend_http_reader_new (probe->method == SOUP_METHOD_HEAD, probe->body != NULL,
                                        probe->follow_redirects);
  /* Its callback comes unless it is cancelled without one (probe_end_hop()), so it holds
   * no reference. */
  probe->fast = tend_probe_connect (g_uri_get_host (probe->uri), port > 0 ? (guint) port : 80,
                                    request, on_fast_read, on_fast_done, probe);
  if (probe->probe_cancellable != NULL)
    probe->probe_handler = g_cancellable_connect (probe->probe_cancellable,
                                                  G_CALLBACK (cancel_fast_cb), probe, NULL);
}

/* ------------------------------------------------------------------------------------ */
/* A hop                                                                                 */

static void
probe_send_hop (Probe *probe)
{
  TendHttpCheck *self = probe->self;
  SoupMessageHeaders *headers;
  g_autoptr(GError) error = NULL;

  g_assert (probe->msg == NULL && probe->hop_cancellable == NULL && probe->fast == NULL);

  if (g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN) == FALSE)
    {
      g_autofree char *text = g_uri_to_string_partial (probe->uri, G_URI_HIDE_PASSWORD);

      g_debug ("http check %s: %s %s", tend_check_get_name (TEND_CHECK (self)), probe->method,
               text);
    }

  probe->body_len = 0;
  probe->body_truncated = FALSE;
  if (probe->body != NULL)
    g_byte_array_set_size (probe->body, 0);

  if (hop_uses_probe (TEND_CHECK (self), probe))
    {
      probe_send_fast_hop (probe);
      return;
    }

  if (!probe_prepare_session (TEND_CHECK (self), probe, &error))
    {
      /* The check cannot run (no SSH forward): an unknown verdict, as tend-check.c makes
       * of a probe's error. */
      probe_finish (probe, tend_check_verdict_new (TEND_RESULT_UNKNOWN, TEND_CHECK_FAILURE_OTHER,
                                                   -1, "%s", error->message));
      return;
    }

  probe->msg = soup_message_new_from_uri (probe->method, probe->uri);
  soup_message_add_flags (probe->msg, SOUP_MESSAGE_NO_REDIRECT | SOUP_MESSAGE_NEW_CONNECTION);
  headers = soup_message_get_request_headers (probe->msg);
  soup_message_headers_replace (headers, "Connection", "close");
  soup_message_headers_replace (headers, "Accept", "*/*");
  if (probe->method == SOUP_METHOD_POST)
    {
      g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);

      soup_message_set_request_body_from_bytes (probe->msg, NULL, empty);
    }
  probe->tls_errors = 0;
  g_signal_connect (probe->msg, "accept-certificate", G_CALLBACK (on_accept_certificate), probe);

  probe->hop_cancellable = g_cancellable_new ();
  if (probe->probe_cancellable != NULL)
    probe->probe_handler = g_cancellable_connect (probe->probe_cancellable,
                                                  G_CALLBACK (cancel_hop_cb),
                                                  g_object_ref (probe->hop_cancellable),
                                                  g_object_unref);
  soup_session_send_async (probe->session, probe->msg, G_PRIORITY_DEFAULT,
                           probe->hop_cancellable, on_sent, probe_ref (probe));
}

static Probe *
probe_new (TendHttpCheck *self)
{
  Probe *probe = g_rc_box_new0 (Probe);

  probe->self = self;
  probe->first_uri = g_uri_ref (self->uri);
  probe->uri = g_uri_ref (self->uri);
  probe->method = self->method;
  probe->first_method = self->method;
  probe->verify_tls = self->verify_tls;
  probe->follow_redirects = self->follow_redirects;
  probe->force_soup = self->force_soup;
  if (self->expect_body != NULL && self->method != SOUP_METHOD_HEAD)
    {
      probe->expect_body = g_strdup (self->expect_body);
      probe->body = g_byte_array_new ();
    }
  probe->started = g_get_monotonic_time ();
  return probe;
}

/* The run everywhere but off the probes' main context (tend-check-run.c): a GTask,
 * cancelled through its cancellable. */
static void
tend_http_check_probe_async (TendCheck           *check,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  TendHttpCheck *self = TEND_HTTP_CHECK (check);
  g_autoptr(GTask) task = NULL;
  Probe *probe;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tend_http_check_probe_async);

  if (self->uri == NULL)
    {
      g_task_return_new_error (task, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                               "url: not set; make the check with tend_http_check_new()");
      return;
    }

  probe = probe_new (self);
  probe->probe_cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  probe->task = g_object_ref (task);
  g_task_set_task_data (task, probe, (GDestroyNotify) probe_unref);

  probe_send_hop (probe);
}

/* The cheap path's run (tend-check-run.c), whichever way each hop goes: no GTask; the
 * run's data is the probe, which holds a reference for it until it ends. */
static gboolean
tend_http_check_start_run (TendCheck    *check,
                           TendCheckRun *run)
{
  TendHttpCheck *self = TEND_HTTP_CHECK (check);
  Probe *probe;

  if (self->uri == NULL)
    return FALSE;

  probe = probe_new (self);
  probe->started = tend_check_run_get_started (run);
  probe->run = run;
  tend_check_run_set_data (run, probe);
  probe_send_hop (probe);
  return TRUE;
}

/* At the timeout, or stopped: what the hop does stops now. */
static void
tend_http_check_stop_run (TendCheck    *check,
                          TendCheckRun *run)
{
  Probe *probe = tend_check_run_get_data (run);

  probe->run = NULL;
  probe_end_hop (probe);
  probe_unref (probe);
}

/* ------------------------------------------------------------------------------------ */
/* Public API                                                                            */

/**
 * tend_http_check_new:
 * @name: the check's name, unique for its service
 * @url: an http or https URL with a host
 * @error: where a bad @url is reported, as %TEND_ERROR_INVALID_ARGUMENT
 *
 * Makes a check that sends GET to @url and accepts statuses 200–399, verifies TLS
 * certificates, follows up to %TEND_HTTP_CHECK_MAX_REDIRECTS redirects and counts an
 * answer slower than %TEND_HTTP_CHECK_DEFAULT_LATENCY_THRESHOLD as degraded.
 *
 * Returns: (transfer full) (nullable): the check, or %NULL with @error set
 */
TendHttpCheck *
tend_http_check_new (const char  *name,
                     const char  *url,
                     GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  TendHttpCheck *self;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (url != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  uri = tend_http_parse_url (url, error);
  if (uri == NULL)
    return NULL;

  self = g_object_new (TEND_TYPE_HTTP_CHECK, "name", name, NULL);
  self->url = g_strdup (url);
  self->uri = g_steal_pointer (&uri);
  return self;
}

/**
 * tend_http_check_get_url:
 *
 * Returns: (nullable): the URL as it was given
 */
const char *
tend_http_check_get_url (TendHttpCheck *self)
{
  g_return_val_if_fail (TEND_IS_HTTP_CHECK (self), NULL);
  return self->url;
}

/**
 * tend_http_check_get_method:
 *
 * Returns: "GET", "HEAD" or "POST"
 */
const char *
tend_http_check_get_method (TendHttpCheck *self)
{
  g_return_val_if_fail (TEND_IS_HTTP_CHECK (self), NULL);
  return self->method;
}

/**
 * tend_http_check_set_method:
 * @method: "GET", "HEAD" or "POST", in any case. A POST sends an empty body.
 *
 * Refuses another method, and HEAD while an expected body text is set (a HEAD answer
 * has no body to search), and then changes nothing.
 */
gboolean
tend_http_check_set_method (TendHttpCheck  *self,
                            const char     *method,
                            GError        **error)
{
  const char *value;

  g_return_val_if_fail (TEND_IS_HTTP_CHECK (self), FALSE);
  g_return_val_if_fail (method != NULL, FALSE);

  if (g_ascii_strcasecmp (method, "GET") == 0)
    value = SOUP_METHOD_GET;
  else if (g_ascii_strcasecmp (method, "HEAD") == 0)
    value = SOUP_METHOD_HEAD;
  else if (g_ascii_strcasecmp (method, "POST") == 0)
    value = SOUP_METHOD_POST;
  else
    {
      g_autofree char *quoted = tend_quote_for_message (method, -1);

      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   "method: %s is not one of GET, HEAD, POST", quoted);
      return FALSE;
    }

  if (value == SOUP_METHOD_HEAD && self->expect_body != NULL)
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   "method: HEAD gets no body in which to find expect-body; use GET, or clear "
                   "expect-body first");
      return FALSE;
    }

  if (self->method != value)
    {
      self->method = value;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_METHOD]);
    }
  return TRUE;
}

/**
 * tend_http_check_get_accepted_status:
 *
 * Returns: the accepted status codes, written as tend_http_check_set_accepted_status()
 *   reads them, sorted and merged: "200-399", "200,204,301-302"
 */
const char *
tend_http_check_get_accepted_status (TendHttpCheck *self)
{
  g_return_val_if_fail (TEND_IS_HTTP_CHECK (self), NULL);
  return self->accepted_text;
}

/**
 * tend_http_check_set_accepted_status:
 * @accepted: codes separated by commas, each a status code (100–599), a range
 *   ("200-399") or a class ("2xx"): "200", "200,204", "2xx,304"
 *
 * Sets which status codes of the last answer (after redirects, when they are followed)
 * pass. Refuses anything else, naming the bad part, and then changes nothing.
 */
gboolean
tend_http_check_set_accepted_status (TendHttpCheck  *self,
                                     const char     *accepted,
                                     GError        **error)
{
  g_autoptr(GArray) ranges = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (TEND_IS_HTTP_CHECK (self), FALSE);
  g_return_val_if_fail (accepted != NULL, FALSE);

  ranges = tend_http_parse_accepted_status (accepted, error);
  if (ranges == NULL)
    return FALSE;

  text = tend_http_format_accepted_canonical (ranges);
  g_clear_pointer (&self->accepted, g_array_unref);
  self->accepted = g_steal_pointer (&ranges);
  if (g_strcmp0 (self->accepted_text, text) != 0)
    {
      g_free (self->accepted_text);
      self->accepted_text = g_steal_pointer (&text);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCEPTED_STATUS]);
    }
  return TRUE;
}

/**
 * tend_http_check_accepts_status:
 *
 * Returns: whether an answer with @status passes
 */
gboolean
tend_http_check_accepts_status (TendHttpCheck *self,
                                guint          status)
{
  g_return_val_if_fail (TEND_IS_HTTP_CHECK (self), FALSE);

  for (guint i = 0; i < self->accepted->len; i++)
    {
      const StatusRange *range = &g_array_index (self->accepted, StatusRange, i);

      if (status >= range->lo && status <= range->hi)
        return TRUE;
    }
  return FALSE;
}

/**
 * tend_http_check_get_expect_body:
 *
 * Returns: (nullable): the text the body must contain, or %NULL when any body passes
 */
const char *
tend_http_check_get_expect_body (TendHttpCheck *self)
{
  g_return_val_if_fail (TEND_IS_HTTP_CHECK (self), NULL);
  return self->expect_body;
}

/**
 * tend_http_check_set_expect_body:
 * @text: (nullable): text the body must contain, byte for byte; %NULL or "" for none
 *
 * Sets a text that the answer's body (its first %TEND_HTTP_CHECK_MAX_BODY bytes) must
 * contain, or the check fails with a "protocol" failure. Refused while the method is
 * HEAD, which gets no body.
 */
gboolean
tend_http_check_set_expect_body (TendHttpCheck  *self,
                                 const char     *text,
                                 GError        **error)
{
  g_return_val_if_fail (TEND_IS_HTTP_CHECK (self), FALSE);

  if (text != NULL && *text == '\0')
    text = NULL;

  if (text != NULL && self->method == SOUP_METHOD_HEAD)
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   "expect-body: a HEAD request gets no body to search; set the method to "
                   "GET or POST first");
      return FALSE;
    }
  if (text != NULL && strlen (text) > TEND_HTTP_CHECK_MAX_BODY)
    {
      g_autofree char *size = tend_http_format_size (TEND_HTTP_CHECK_MAX_BODY);

      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   "expect-body: the text is longer than the %s of a body that a check reads",
                   size);
      return FALSE;
    }

  if (g_strcmp0 (self->expect_body, text) != 0)
    {
      g_free (self->expect_body);
      self->expect_body = g_strdup (text);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXPECT_BODY]);
    }
  return TRUE;
}

gboolean
tend_http_check_get_verify_tls (TendHttpCheck *self)
{
  g_return_val_if_fail (TEND_IS_HTTP_CHECK (self), TRUE);
  return self->verify_tls;
}

/**
 * tend_http_check_set_verify_tls:
 *
 * Whether an https certificate must be valid for the host and signed by an authority
 * the system trusts (the default). Turned off, any certificate passes.
 */
void
tend_http_check_set_verify_tls (TendHttpCheck *self,
                                gboolean       verify_tls)
{
  g_return_if_fail (TEND_IS_HTTP_CHECK (self));

  verify_tls = !!verify_tls;
  if (self->verify_tls != verify_tls)
    {
      self->verify_tls = verify_tls;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERIFY_TLS]);
    }
}

gboolean
tend_http_check_get_follow_redirects (TendHttpCheck *self)
{
  g_return_val_if_fail (TEND_IS_HTTP_CHECK (self), TRUE);
  return self->follow_redirects;
}

/**
 * tend_http_check_set_follow_redirects:
 *
 * Whether redirects (301, 302, 303, 307, 308 with a Location) are followed, up to
 * %TEND_HTTP_CHECK_MAX_REDIRECTS (the default), or the redirect is itself the answer
 * judged against the accepted status codes.
 */
void
tend_http_check_set_follow_redirects (TendHttpCheck *self,
                                      gboolean       follow_redirects)
{
  g_return_if_fail (TEND_IS_HTTP_CHECK (self));

  follow_redirects = !!follow_redirects;
  if (self->follow_redirects != follow_redirects)
    {
      self->follow_redirects = follow_redirects;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOLLOW_REDIRECTS]);
    }
}

gint64
tend_http_check_get_latency_threshold (TendHttpCheck *self)
{
  g_return_val_if_fail (TEND_IS_HTTP_CHECK (self), 0);
  return self->latency_threshold_usec;
}

/**
 * tend_http_check_set_latency_threshold:
 * @threshold_usec: µs; an answer slower than this is degraded (a warn verdict). 0 turns
 *   it off.
 */
gboolean
tend_http_check_set_latency_threshold (TendHttpCheck  *self,
                                       gint64          threshold_usec,
                                       GError        **error)
{
  g_return_val_if_fail (TEND_IS_HTTP_CHECK (self), FALSE);

  if (threshold_usec < 0)
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   "latency-threshold: must not be negative (0 turns it off)");
      return FALSE;
    }
  if (self->latency_threshold_usec != threshold_usec)
    {
      self->latency_threshold_usec = threshold_usec;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LATENCY_THRESHOLD]);
    }
  return TRUE;
}

/**
 * tend_http_check_set_force_soup: (skip)
 *
 * For tests: every run takes libsoup, even where the cheap path would do.
 */
void
tend_http_check_set_force_soup (TendHttpCheck *self,
                                gboolean       force_soup)
{
  g_return_if_fail (TEND_IS_HTTP_CHECK (self));
  self->force_soup = !!force_soup;
}

/**
 * tend_http_check_uses_probe: (skip)
 *
 * Returns: whether a run's first request takes the cheap path (see hop_uses_probe())
 */
gboolean
tend_http_check_uses_probe (TendHttpCheck *self)
{
  Probe probe = { 0 };

  g_return_val_if_fail (TEND_IS_HTTP_CHECK (self), FALSE);

  if (self->uri == NULL)
    return FALSE;
  probe.uri = self->uri;
  probe.force_soup = self->force_soup;
  return hop_uses_probe (TEND_CHECK (self), &probe);
}

/* ------------------------------------------------------------------------------------ */
/* GObject                                                                               */

static void
tend_http_check_finalize (GObject *object)
{
  TendHttpCheck *self = TEND_HTTP_CHECK (object);

  g_clear_pointer (&self->url, g_free);
  g_clear_pointer (&self->uri, g_uri_unref);
  g_clear_pointer (&self->accepted, g_array_unref);
  g_clear_pointer (&self->accepted_text, g_free);
  g_clear_pointer (&self->expect_body, g_free);

  G_OBJECT_CLASS (tend_http_check_parent_class)->finalize (object);
}

static void
tend_http_check_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  TendHttpCheck *self = TEND_HTTP_CHECK (object);

  switch (prop_id)
    {
    case PROP_URL: g_value_set_string (value, self->url); break;
    case PROP_METHOD: g_value_set_string (value, self->method); break;
    case PROP_ACCEPTED_STATUS: g_value_set_string (value, self->accepted_text); break;
    case PROP_EXPECT_BODY: g_value_set_string (value, self->expect_body); break;
    case PROP_VERIFY_TLS: g_value_set_boolean (value, self->verify_tls); break;
    case PROP_FOLLOW_REDIRECTS: g_value_set_boolean (value, self->follow_redirects); break;
    case PROP_LATENCY_THRESHOLD: g_value_set_int64 (value, self->latency_threshold_usec); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_http_check_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  TendHttpCheck *self = TEND_HTTP_CHECK (object);

  switch (prop_id)
    {
    case PROP_VERIFY_TLS:
      tend_http_check_set_verify_tls (self, g_value_get_boolean (value));
      break;
    case PROP_FOLLOW_REDIRECTS:
      tend_http_check_set_follow_redirects (self, g_value_get_boolean (value));
      break;
    case PROP_LATENCY_THRESHOLD:
      /* The param spec keeps it at 0 or above. */
      tend_http_check_set_latency_threshold (self, g_value_get_int64 (value), NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static char *
tend_http_check_dup_target (TendCheck *check)
{
  TendHttpCheck *self = TEND_HTTP_CHECK (check);

  return g_strdup (self->url);
}

static void
tend_http_check_class_init (TendHttpCheckClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  TendCheckClass *check_class = TEND_CHECK_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = tend_http_check_finalize;
  object_class->get_property = tend_http_check_get_property;
  object_class->set_property = tend_http_check_set_property;

  check_class->kind = "http";
  check_class->probe_async = tend_http_check_probe_async;
  check_class->start_run = tend_http_check_start_run;
  check_class->stop_run = tend_http_check_stop_run;
  check_class->dup_target = tend_http_check_dup_target;

  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, "The http or https URL; see tend_http_check_new()",
                         NULL, ro);
  properties[PROP_METHOD] =
    g_param_spec_string ("method", NULL, "GET, HEAD or POST; see "
                         "tend_http_check_set_method()", "GET", ro);
  properties[PROP_ACCEPTED_STATUS] =
    g_param_spec_string ("accepted-status", NULL, "Status codes that pass, such as "
                         "\"200-399\"; see tend_http_check_set_accepted_status()",
                         TEND_HTTP_CHECK_DEFAULT_ACCEPTED_STATUS, ro);
  properties[PROP_EXPECT_BODY] =
    g_param_spec_string ("expect-body", NULL, "Text the body must contain; see "
                         "tend_http_check_set_expect_body()", NULL, ro);
  properties[PROP_VERIFY_TLS] =
    g_param_spec_boolean ("verify-tls", NULL, "Whether an https certificate must be valid",
                          TRUE, rw);
  properties[PROP_FOLLOW_REDIRECTS] =
    g_param_spec_boolean ("follow-redirects", NULL, "Whether redirects are followed",
                          TRUE, rw);
  properties[PROP_LATENCY_THRESHOLD] =
    g_param_spec_int64 ("latency-threshold", NULL, "µs above which an answer is degraded; "
                        "0 for never", 0, G_MAXINT64,
                        TEND_HTTP_CHECK_DEFAULT_LATENCY_THRESHOLD, rw);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tend_http_check_init (TendHttpCheck *self)
{
  static GArray *default_accepted;
  static gsize made;

  self->method = SOUP_METHOD_GET;

  /* Shared by every check that keeps the default (a setter replaces its own). */
  if (g_once_init_enter (&made))
    {
      default_accepted = tend_http_parse_accepted_status (TEND_HTTP_CHECK_DEFAULT_ACCEPTED_STATUS,
                                                          NULL);
      g_once_init_leave (&made, 1);
    }
  self->accepted = g_array_ref (default_accepted);
  self->accepted_text = g_strdup (TEND_HTTP_CHECK_DEFAULT_ACCEPTED_STATUS);
  self->verify_tls = TRUE;
  self->follow_redirects = TRUE;
  self->latency_threshold_usec = TEND_HTTP_CHECK_DEFAULT_LATENCY_THRESHOLD;
}
