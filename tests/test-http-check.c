/* test-http-check.c — the http check against real servers on 127.0.0.1
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A SoupServer in the test process answers on a free port of 127.0.0.1, over HTTP and over
 * HTTPS with the self-signed certificate in tests/tls/; a small socket server plays the
 * broken peers SoupServer cannot (one that hangs up, one that resets, one that does not
 * speak HTTP, a plain HTTP server meeting a TLS handshake); a port bound and closed again
 * refuses connections; a multicast address is unreachable; ".invalid" does not resolve.
 * Every test runs a real TendHttpCheck with tend_check_run_async() on the main loop and
 * asserts the verdict's status, failure kind and message.
 *
 * Each test runs twice, once on each path a plain http:// request can take (see the top
 * of tend-http-check.c): "/http-check/probe/..." on the cheap path (tend-probe.c), and
 * "/http-check/soup/..." forced onto libsoup; both must give the same verdicts, word for
 * word, against the same servers.
 */
#define G_LOG_DOMAIN "Tend"

#include <string.h>
#include <sys/socket.h>

#include <libsoup/soup.h>

#include "tend-duration.h"
#include "tend-error.h"
#include "tend-http-check.h"
#include "tend-http-check-private.h"
#include "test-util.h"

#define MS TEND_USEC_PER_MSEC
#define SEC TEND_USEC_PER_SEC

/* How much later than its deadline an event on the main loop may come, on a busy machine
 * and under AddressSanitizer. */
#define MARGIN (150 * MS)

typedef enum
{
  RAW_CLOSE,        /* reads the request, then closes without a word */
  RAW_NOT_HTTP,     /* reads the request, answers with a line that is not HTTP, closes */
  RAW_PLAIN_400,    /* a plain HTTP server meeting a TLS handshake: answers 400, closes */
  RAW_RESET,        /* reads the request, then resets the connection */
  RAW_HUGE_HEADER,  /* answers 200 with a header of 10 MB */
  RAW_CHUNKED,      /* answers 200 with a chunked body: "hello needle", closes */
  RAW_HTTP10,       /* answers as HTTP/1.0, a body without a length up to the close */
  RAW_SHORT_BODY,   /* answers 200 with 5 bytes of a 100-byte body, closes */
} RawMode;

/* The path the checks of a test take: libsoup when TRUE, the cheap one when FALSE. */
static gboolean use_soup;

#define HUGE_HEADER_SIZE (10 * 1024 * 1024)

typedef struct
{
  SoupServer *server;
  GSocketService *service;     /* accepts for server */
  guint port;
  SoupServer *tls_server;
  GSocketService *tls_service; /* accepts for tls_server, in TLS */
  guint tls_port;
  GTlsCertificate *certificate;
  GSocket *last_socket;        /* the server side of the newest connection */
  GCancellable *handshakes;    /* cancels TLS handshakes still running at the end */
  guint n_handshakes;          /* how many are running */
  GSocketService *raw;
  guint raw_port;
  RawMode raw_mode;
  guint closed_port;           /* bound once, closed: nothing listens */

  GPtrArray *methods;          /* (element-type utf8) method of each request to /method */
  GPtrArray *slow;             /* (element-type SlowAnswer) answers still paused */
} Fixture;

/* ------------------------------------------------------------------------------------ */
/* The servers                                                                           */

typedef struct
{
  Fixture *fixture;
  SoupServerMessage *msg;      /* (unowned) alive until it finishes or is aborted */
  GSocket *socket;             /* (owned) its connection */
  guint source;
} SlowAnswer;

static void
slow_answer_free (SlowAnswer *slow)
{
  g_clear_handle_id (&slow->source, g_source_remove);
  g_clear_object (&slow->socket);
  g_free (slow);
}

static gboolean
on_slow_answer_due (gpointer user_data)
{
  SlowAnswer *slow = user_data;
  SoupServerMessage *msg = slow->msg;

  slow->source = 0;
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "slow but sure\n",
                                    strlen ("slow but sure\n"));
  g_ptr_array_remove (slow->fixture->slow, slow);
  soup_server_message_unpause (msg);
  return G_SOURCE_REMOVE;
}

static void
on_request_aborted (SoupServer        *server,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  Fixture *fixture = user_data;

  for (guint i = 0; i < fixture->slow->len; i++)
    {
      SlowAnswer *slow = g_ptr_array_index (fixture->slow, i);

      if (slow->msg == msg)
        {
          g_ptr_array_remove_index (fixture->slow, i);
          break;
        }
    }
}

static void
set_text (SoupServerMessage *msg,
          guint              status,
          const char        *text)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_COPY, text, strlen (text));
}

static void
redirect (SoupServerMessage *msg,
          guint              status,
          const char        *location)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Location",
                                location);
}

static void
on_request (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  Fixture *fixture = user_data;

  if (g_str_equal (path, "/ok"))
    set_text (msg, SOUP_STATUS_OK, "service ready\n");
  else if (g_str_equal (path, "/error"))
    set_text (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "something broke\n");
  else if (g_str_equal (path, "/method"))
    {
      g_ptr_array_add (fixture->methods, g_strdup (soup_server_message_get_method (msg)));
      set_text (msg, SOUP_STATUS_OK, soup_server_message_get_method (msg));
    }
  else if (g_str_equal (path, "/see-other"))
    {
      g_ptr_array_add (fixture->methods, g_strdup (soup_server_message_get_method (msg)));
      redirect (msg, SOUP_STATUS_SEE_OTHER, "/method");
    }
  else if (g_str_equal (path, "/moved"))
    redirect (msg, SOUP_STATUS_MOVED_PERMANENTLY, "/ok");
  else if (g_str_has_prefix (path, "/redirect/"))
    {
      guint64 n = g_ascii_strtoull (path + strlen ("/redirect/"), NULL, 10);

      if (n == 0)
        set_text (msg, SOUP_STATUS_OK, "arrived\n");
      else
        {
          g_autofree char *next = g_strdup_printf ("/redirect/%" G_GUINT64_FORMAT, n - 1);

          redirect (msg, SOUP_STATUS_FOUND, next);
        }
    }
  else if (g_str_equal (path, "/loop-a"))
    redirect (msg, SOUP_STATUS_FOUND, "/loop-b");
  else if (g_str_equal (path, "/loop-b"))
    redirect (msg, SOUP_STATUS_TEMPORARY_REDIRECT, "/loop-a");
  else if (g_str_equal (path, "/to-ftp"))
    redirect (msg, SOUP_STATUS_FOUND, "ftp://files.example/pub/");
  else if (g_str_equal (path, "/to-closed"))
    {
      g_autofree char *location = g_strdup_printf ("http://127.0.0.1:%u/ok",
                                                   fixture->closed_port);

      redirect (msg, SOUP_STATUS_FOUND, location);
    }
  else if (g_str_equal (path, "/big"))
    {
      /* 2 MiB of filler, the word "needle" at its end. */
      gsize len = 2 * 1024 * 1024;
      char *body = g_malloc (len);

      memset (body, 'x', len);
      memcpy (body + len - strlen ("needle"), "needle", strlen ("needle"));
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_TAKE, body, len);
    }
  else if (g_str_equal (path, "/slow"))
    {
      const char *ms = query ? g_hash_table_lookup (query, "ms") : NULL;
      SlowAnswer *slow = g_new0 (SlowAnswer, 1);

      g_assert_nonnull (ms);
      slow->fixture = fixture;
      slow->msg = msg;
      slow->socket = g_object_ref (fixture->last_socket);   /* this request's */
      slow->source = g_timeout_add ((guint) g_ascii_strtoull (ms, NULL, 10),
                                    on_slow_answer_due, slow);
      g_ptr_array_add (fixture->slow, slow);
      soup_server_message_pause (msg);
    }
  else
    set_text (msg, SOUP_STATUS_NOT_FOUND, "no such page\n");
}

/* The servers take connections accepted here (SoupServer's own listener in libsoup 3.2
 * leaks a GSocket per connection, which LeakSanitizer would report). */
static void
hand_over (SoupServer        *server,
           GIOStream         *stream,
           GSocketConnection *connection)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketAddress) local = NULL;
  g_autoptr(GSocketAddress) remote = NULL;

  local = g_socket_connection_get_local_address (connection, &error);
  g_assert_no_error (error);
  remote = g_socket_connection_get_remote_address (connection, &error);
  if (remote == NULL)
    return;   /* the client has already gone */
  g_assert_true (soup_server_accept_iostream (server, stream, local, remote, &error));
  g_assert_no_error (error);
}

typedef struct
{
  Fixture *fixture;
  SoupServer *server;          /* (owned) */
  GSocketConnection *connection; /* (owned) */
} Handshake;

static void
on_handshake_done (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Handshake *handshake = user_data;

  /* A client that refuses the certificate ends the handshake: nothing to serve. */
  if (g_tls_connection_handshake_finish (G_TLS_CONNECTION (object), result, NULL))
    hand_over (handshake->server, G_IO_STREAM (object), handshake->connection);
  handshake->fixture->n_handshakes--;
  g_object_unref (handshake->server);
  g_object_unref (handshake->connection);
  g_free (handshake);
}

static void
accept_into (Fixture           *fixture,
             SoupServer        *server,
             GSocketConnection *connection,
             gboolean           tls)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GIOStream) stream = NULL;
  Handshake *handshake;

  g_set_object (&fixture->last_socket, g_socket_connection_get_socket (connection));
  if (!tls)
    {
      hand_over (server, G_IO_STREAM (connection), connection);
      return;
    }

  stream = G_IO_STREAM (g_tls_server_connection_new (G_IO_STREAM (connection),
                                                     fixture->certificate, &error));
  g_assert_no_error (error);
  handshake = g_new0 (Handshake, 1);
  handshake->fixture = fixture;
  handshake->server = g_object_ref (server);
  handshake->connection = g_object_ref (connection);
  fixture->n_handshakes++;
  g_tls_connection_handshake_async (G_TLS_CONNECTION (stream), G_PRIORITY_DEFAULT,
                                    fixture->handshakes, on_handshake_done, handshake);
}

static gboolean
on_incoming (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source_object,
             gpointer           user_data)
{
  Fixture *fixture = user_data;

  accept_into (fixture, fixture->server, connection, FALSE);
  return TRUE;
}

static gboolean
on_incoming_tls (GSocketService    *service,
                 GSocketConnection *connection,
                 GObject           *source_object,
                 gpointer           user_data)
{
  Fixture *fixture = user_data;

  accept_into (fixture, fixture->tls_server, connection, TRUE);
  return TRUE;
}

/* A socket service on a free port of 127.0.0.1. */
static GSocketService *
listen_on_loopback (GSocketService *service,
                    guint          *port)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_socket_listener_add_address (G_SOCKET_LISTENER (service), any, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
  g_assert_no_error (error);
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  return service;
}

static void
stop_service (GSocketService **service)
{
  g_socket_service_stop (*service);
  g_socket_listener_close (G_SOCKET_LISTENER (*service));
  g_clear_object (service);
}

static char *
tls_fixture_path (const char *name)
{
  const char *srcdir = g_getenv ("TEND_TEST_SRCDIR");

  if (srcdir != NULL)
    return g_build_filename (srcdir, "tls", name, NULL);
  return g_test_build_filename (G_TEST_DIST, "tls", name, NULL);
}

/* Reads a request up to its blank line; the peer then plays its part. */
static gboolean
on_raw_run (GThreadedSocketService *service,
            GSocketConnection      *connection,
            GObject                *source_object,
            gpointer                user_data)
{
  Fixture *fixture = user_data;
  /* Read once: a huge answer may still be on its way when the test is over. */
  RawMode mode = fixture->raw_mode;
  GSocket *socket = g_socket_connection_get_socket (connection);
  GString *request = g_string_new (NULL);
  char buffer[1024];
  gssize n;

  g_socket_set_timeout (socket, 10);
  while (strstr (request->str, "\r\n\r\n") == NULL
         && (n = g_socket_receive (socket, buffer, sizeof buffer, NULL, NULL)) > 0)
    {
      g_string_append_len (request, buffer, n);
      if (mode == RAW_PLAIN_400)
        break;
    }
  g_string_free (request, TRUE);

  if (mode == RAW_NOT_HTTP)
    {
      const char *line = "HELLO, this is not HTTP\r\n\r\n";

      g_socket_send (socket, line, strlen (line), NULL, NULL);
    }
  else if (mode == RAW_CHUNKED)
    {
      const char *answer = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                           "Connection: close\r\n\r\n5\r\nhello\r\n7;note=1\r\n needle\r\n"
                           "0\r\n\r\n";

      g_socket_send (socket, answer, strlen (answer), NULL, NULL);
    }
  else if (mode == RAW_HTTP10)
    {
      const char *answer = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n"
                           "served by an HTTP/1.0 server\n";

      g_socket_send (socket, answer, strlen (answer), NULL, NULL);
    }
  else if (mode == RAW_SHORT_BODY)
    {
      const char *answer = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort";

      g_socket_send (socket, answer, strlen (answer), NULL, NULL);
    }
  else if (mode == RAW_PLAIN_400)
    {
      const char *answer = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n"
                           "Connection: close\r\n\r\n";

      g_socket_send (socket, answer, strlen (answer), NULL, NULL);
    }
  else if (mode == RAW_HUGE_HEADER)
    {
      const char *start = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-Huge: ";
      g_autofree char *value = g_malloc (64 * 1024);
      gsize sent = 0;

      memset (value, 'a', 64 * 1024);
      g_socket_send (socket, start, strlen (start), NULL, NULL);
      /* Until all is sent, or the client hangs up on it. */
      while (sent < HUGE_HEADER_SIZE &&
             g_socket_send (socket, value, 64 * 1024, NULL, NULL) > 0)
        sent += 64 * 1024;
      g_socket_send (socket, "\r\n\r\n", 4, NULL, NULL);
    }
  if (mode == RAW_RESET)
    {
      /* Closing with a zero linger time sends a reset instead of the end of the stream. */
      struct linger linger = { .l_onoff = 1, .l_linger = 0 };

      g_assert_true (setsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_LINGER, &linger,
                                 sizeof linger) == 0);
    }
  else
    g_socket_shutdown (socket, FALSE, TRUE, NULL);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  return TRUE;
}

static guint
closed_port (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  guint port;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                         &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, any, FALSE, &error));
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_assert_true (g_socket_close (socket, &error));
  g_assert_no_error (error);
  return port;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cert_path = tls_fixture_path ("test-cert.pem");
  g_autofree char *key_path = tls_fixture_path ("test-key.pem");

  use_soup = GPOINTER_TO_INT (user_data);

  fixture->methods = g_ptr_array_new_with_free_func (g_free);
  fixture->slow = g_ptr_array_new_with_free_func ((GDestroyNotify) slow_answer_free);

  fixture->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fixture->server, NULL, on_request, fixture, NULL);
  g_signal_connect (fixture->server, "request-aborted", G_CALLBACK (on_request_aborted),
                    fixture);
  fixture->service = listen_on_loopback (g_socket_service_new (), &fixture->port);
  g_signal_connect (fixture->service, "incoming", G_CALLBACK (on_incoming), fixture);

  fixture->handshakes = g_cancellable_new ();
  fixture->certificate = g_tls_certificate_new_from_files (cert_path, key_path, &error);
  g_assert_no_error (error);
  fixture->tls_server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fixture->tls_server, NULL, on_request, fixture, NULL);
  fixture->tls_service = listen_on_loopback (g_socket_service_new (), &fixture->tls_port);
  g_signal_connect (fixture->tls_service, "incoming", G_CALLBACK (on_incoming_tls), fixture);

  fixture->raw = listen_on_loopback (test_server_new (), &fixture->raw_port);
  g_signal_connect (fixture->raw, "run", G_CALLBACK (on_raw_run), fixture);

  fixture->closed_port = closed_port ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  gint64 deadline = g_get_monotonic_time () + 5 * SEC;

  stop_service (&fixture->raw);
  stop_service (&fixture->service);
  stop_service (&fixture->tls_service);
  g_cancellable_cancel (fixture->handshakes);
  while (fixture->n_handshakes > 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_clear_object (&fixture->handshakes);
  g_clear_pointer (&fixture->slow, g_ptr_array_unref);
  soup_server_disconnect (fixture->server);
  soup_server_disconnect (fixture->tls_server);
  g_object_add_weak_pointer (G_OBJECT (fixture->server), (gpointer *) &fixture->server);
  g_object_add_weak_pointer (G_OBJECT (fixture->tls_server), (gpointer *) &fixture->tls_server);
  g_object_unref (fixture->server);
  g_object_unref (fixture->tls_server);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_null (fixture->server);
  g_assert_null (fixture->tls_server);
  g_clear_object (&fixture->certificate);
  g_clear_object (&fixture->last_socket);
  g_clear_pointer (&fixture->methods, g_ptr_array_unref);
}

/* The client of the one slow answer still waiting has closed its connection, within
 * @within_usec: a server does not notice while it has nothing to write, so this looks at
 * the socket itself. */
static void
assert_client_gone (Fixture *fixture,
                    gint64   within_usec)
{
  gint64 deadline = g_get_monotonic_time () + within_usec;
  SlowAnswer *slow;

  g_assert_cmpuint (fixture->slow->len, ==, 1);
  slow = g_ptr_array_index (fixture->slow, 0);
  while (g_socket_condition_check (slow->socket, G_IO_IN | G_IO_HUP | G_IO_ERR) == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }

  /* Readable with the request read: the end of the stream, or a reset. */
  {
    char byte;
    GInputVector vector = { &byte, 1 };
    gint flags = G_SOCKET_MSG_PEEK;

    g_assert_cmpint (g_socket_receive_message (slow->socket, NULL, &vector, 1, NULL, NULL,
                                               &flags, NULL, NULL), <=, 0);
  }
}

/* ------------------------------------------------------------------------------------ */
/* Running a check                                                                       */

typedef struct
{
  gboolean done;
  TendCheckVerdict *verdict;
  GError *error;
  gint64 finished;
} RunResult;

static void
on_run_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  RunResult *run = user_data;

  run->verdict = tend_check_run_finish (TEND_CHECK (object), result, &run->error);
  run->finished = g_get_monotonic_time ();
  run->done = TRUE;
}

static gboolean
on_cancel_due (gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
  return G_SOURCE_REMOVE;
}

/* Runs the check once on the main loop; @elapsed is how long the run took. */
static TendCheckVerdict *
run_check_full (TendHttpCheck  *check,
                GCancellable   *cancellable,
                gint64         *elapsed,
                GError        **error)
{
  RunResult run = { 0 };
  gint64 started = g_get_monotonic_time ();
  gint64 deadline = started + 30 * SEC;

  tend_check_run_async (TEND_CHECK (check), cancellable, on_run_done, &run);
  while (!run.done)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  if (elapsed != NULL)
    *elapsed = run.finished - started;
  if (run.error != NULL)
    g_propagate_error (error, run.error);
  return run.verdict;
}

static TendCheckVerdict *
run_check (TendHttpCheck *check)
{
  g_autoptr(GError) error = NULL;
  TendCheckVerdict *verdict = run_check_full (check, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (verdict);
  g_test_message ("verdict: %s/%s %s", tend_result_status_to_string (verdict->status),
                  tend_check_failure_to_string (verdict->failure), verdict->message);
  return verdict;
}

/* Drops the check and waits until it is gone: a probe still running holds it, so this
 * also proves the probe stopped. */
static void
drop_check (TendHttpCheck *check,
            gint64         within_usec)
{
  gint64 deadline = g_get_monotonic_time () + within_usec;

  g_object_add_weak_pointer (G_OBJECT (check), (gpointer *) &check);
  g_object_unref (check);
  while (check != NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static TendHttpCheck *
new_check (const char *url_format,
           ...) G_GNUC_PRINTF (1, 2);

static TendHttpCheck *
new_check (const char *url_format,
           ...)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  TendHttpCheck *check;
  va_list args;

  va_start (args, url_format);
  url = g_strdup_vprintf (url_format, args);
  va_end (args);

  check = tend_http_check_new ("web", url, &error);
  g_assert_no_error (error);
  g_assert_nonnull (check);
  tend_http_check_set_force_soup (check, use_soup);
  /* The test runs on the path it says. */
  g_assert_true (tend_http_check_uses_probe (check) ==
                 (!use_soup && g_str_has_prefix (url, "http://")));
  return check;
}

static void
assert_verdict (const TendCheckVerdict *verdict,
                TendResultStatus        status,
                TendCheckFailure        failure,
                const char             *message)
{
  g_assert_cmpstr (tend_result_status_to_string (verdict->status), ==,
                   tend_result_status_to_string (status));
  g_assert_cmpstr (tend_check_failure_to_string (verdict->failure), ==,
                   tend_check_failure_to_string (failure));
  g_assert_cmpstr (verdict->message, ==, message);
}

/* As assert_verdict(), with "{time}" in @message standing for a measured time ("12 ms",
 * "0.4 ms"), which must agree with the verdict's latency. */
static void
assert_verdict_timed (const TendCheckVerdict *verdict,
                      TendResultStatus        status,
                      TendCheckFailure        failure,
                      const char             *message)
{
  g_auto(GStrv) parts = g_strsplit (message, "{time}", 2);
  g_autofree char *prefix = g_regex_escape_string (parts[0], -1);
  g_autofree char *suffix = g_regex_escape_string (parts[1], -1);
  g_autofree char *pattern = g_strdup_printf ("^%s([0-9]+(\\.[0-9])?) (ms|s)%s$", prefix,
                                              suffix);
  g_autoptr(GRegex) regex = g_regex_new (pattern, 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *number = NULL;
  g_autofree char *unit = NULL;
  double shown;
  double actual;

  g_assert_nonnull (parts[1]);
  g_assert_cmpstr (tend_result_status_to_string (verdict->status), ==,
                   tend_result_status_to_string (status));
  g_assert_cmpstr (tend_check_failure_to_string (verdict->failure), ==,
                   tend_check_failure_to_string (failure));
  if (!g_regex_match (regex, verdict->message, 0, &match))
    g_error ("message \"%s\" does not match \"%s\"", verdict->message, message);

  /* The time shown is the latency, rounded. */
  number = g_match_info_fetch (match, 1);
  unit = g_match_info_fetch (match, 3);
  shown = g_ascii_strtod (number, NULL) * (g_str_equal (unit, "s") ? 1000.0 : 1.0);
  actual = (double) verdict->latency_usec / MS;
  g_assert_cmpfloat_with_epsilon (shown, actual, 0.5 + actual / 100);
}


/* ------------------------------------------------------------------------------------ */
/* Answers                                                                               */

static void
test_pass (Fixture       *fixture,
           gconstpointer  user_data)
{
  TendHttpCheck *check = new_check ("http://127.0.0.1:%u/ok", fixture->port);
  g_autoptr(TendCheckVerdict) verdict = NULL;

  g_assert_true (tend_http_check_set_expect_body (check, "ready", NULL));
  verdict = run_check (check);
  assert_verdict_timed (verdict, TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE, "HTTP 200 in {time}");
  g_assert_cmpint (verdict->latency_usec, >, 0);
  g_assert_cmpint (verdict->latency_usec, <, SEC);

  /* Again with the same check: each run is a fresh request. */
  g_clear_pointer (&verdict, tend_check_verdict_free);
  verdict = run_check (check);
  assert_verdict_timed (verdict, TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE, "HTTP 200 in {time}");
  drop_check (check, SEC);
}

/* A host name is resolved, and its addresses tried in turn: "localhost" may give ::1
 * first, where nothing listens (the server is on 127.0.0.1 only). */
static void
test_by_name (Fixture       *fixture,
              gconstpointer  user_data)
{
  TendHttpCheck *check = new_check ("http://localhost:%u/ok", fixture->port);
  g_autoptr(TendCheckVerdict) verdict = NULL;

  g_assert_true (tend_http_check_set_expect_body (check, "ready", NULL));
  verdict = run_check (check);
  assert_verdict_timed (verdict, TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE, "HTTP 200 in {time}");
  drop_check (check, SEC);
}

static void
test_server_error (Fixture       *fixture,
                   gconstpointer  user_data)
{
  TendHttpCheck *check = new_check ("http://127.0.0.1:%u/error", fixture->port);
  g_autoptr(TendCheckVerdict) verdict = run_check (check);
  g_autofree char *expected = g_strdup_printf ("HTTP 500 from 127.0.0.1:%u, expected 200–399",
                                               fixture->port);

  assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_PROTOCOL, expected);
  g_assert_cmpint (verdict->latency_usec, >, 0);

  /* A 500 the check was told to expect passes; a missing page fails with the list. */
  g_clear_pointer (&verdict, tend_check_verdict_free);
  g_assert_true (tend_http_check_set_accepted_status (check, "500", NULL));
  verdict = run_check (check);
  assert_verdict_timed (verdict, TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE, "HTTP 500 in {time}");
  drop_check (check, SEC);

  check = new_check ("http://127.0.0.1:%u/missing", fixture->port);
  g_assert_true (tend_http_check_set_accepted_status (check, "200,204,3xx", NULL));
  g_clear_pointer (&verdict, tend_check_verdict_free);
  verdict = run_check (check);
  g_free (expected);
  expected = g_strdup_printf ("HTTP 404 from 127.0.0.1:%u, expected 200, 204, 300–399",
                              fixture->port);
  assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_PROTOCOL, expected);
  drop_check (check, SEC);
}

static void
test_wrong_body (Fixture       *fixture,
                 gconstpointer  user_data)
{
  TendHttpCheck *check = new_check ("http://127.0.0.1:%u/ok", fixture->port);
  g_autoptr(TendCheckVerdict) verdict = NULL;
  g_autofree char *expected = NULL;

  g_assert_true (tend_http_check_set_expect_body (check, "\"status\": \"up\"", NULL));
  verdict = run_check (check);
  expected = g_strdup_printf ("HTTP 200 from 127.0.0.1:%u, but its body does not contain "
                              "\"\\\"status\\\": \\\"up\\\"\"", fixture->port);
  assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_PROTOCOL, expected);
  g_assert_cmpint (verdict->latency_usec, >, 0);
  drop_check (check, SEC);
}

static void
test_big_body (Fixture       *fixture,
               gconstpointer  user_data)
{
  TendHttpCheck *check = new_check ("http://127.0.0.1:%u/big", fixture->port);
  g_autoptr(TendCheckVerdict) verdict = NULL;
  g_autofree char *expected = NULL;

  /* The text is there, but past what a check reads. */
  g_assert_true (tend_http_check_set_expect_body (check, "needle", NULL));
  verdict = run_check (check);
  expected = g_strdup_printf ("HTTP 200 from 127.0.0.1:%u, but its body does not contain "
                              "\"needle\" in its first 1 MiB", fixture->port);
  assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_PROTOCOL, expected);

  /* Text within the first MiB is found; with no text to find, a big body passes. */
  g_clear_pointer (&verdict, tend_check_verdict_free);
  g_assert_true (tend_http_check_set_expect_body (check, "xxxx", NULL));
  verdict = run_check (check);
  assert_verdict_timed (verdict, TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE, "HTTP 200 in {time}");

  g_clear_pointer (&verdict, tend_check_verdict_free);
  g_assert_true (tend_http_check_set_expect_body (check, NULL, NULL));
  verdict = run_check (check);
  assert_verdict_timed (verdict, TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE, "HTTP 200 in {time}");
  drop_check (check, SEC);
}

static void
test_methods (Fixture       *fixture,
              gconstpointer  user_data)
{
  TendHttpCheck *check = new_check ("http://127.0.0.1:%u/method", fixture->port);
  g_autoptr(TendCheckVerdict) verdict = NULL;

  g_assert_true (tend_http_check_set_method (check, "HEAD", NULL));
  verdict = run_check (check);
  assert_verdict_timed (verdict, TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE, "HTTP 200 in {time}");

  g_clear_pointer (&verdict, tend_check_verdict_free);
  g_assert_true (tend_http_check_set_method (check, "POST", NULL));
  g_assert_true (tend_http_check_set_expect_body (check, "POST", NULL));
  verdict = run_check (check);
  assert_verdict_timed (verdict, TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE, "HTTP 200 in {time}");
  drop_check (check, SEC);

  /* A POST answered with 303 goes on with GET. */
  check = new_check ("http://127.0.0.1:%u/see-other", fixture->port);
  g_assert_true (tend_http_check_set_method (check, "POST", NULL));
  g_assert_true (tend_http_check_set_expect_body (check, "GET", NULL));
  g_clear_pointer (&verdict, tend_check_verdict_free);
  verdict = run_check (check);
  assert_verdict_timed (verdict, TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE,
                        "HTTP 200 in {time} after 1 redirect");
  drop_check (check, SEC);

  g_assert_cmpuint (fixture->methods->len, ==, 4);
  g_assert_cmpstr (g_ptr_array_index (fixture->methods, 0), ==, "HEAD");
  g_assert_cmpstr (g_ptr_array_index (fixture->methods, 1), ==, "POST");
  g_assert_cmpstr (g_ptr_array_index (fixture->methods, 2), ==, "POST");
  g_assert_cmpstr (g_ptr_array_index (fixture->methods, 3), ==, "GET");
}

/* ------------------------------------------------------------------------------------ */
/* Redirects                                                                             */

static void
test_redirect_chain (Fixture       *fixture,
                     gconstpointer  user_data)
{
  TendHttpCheck *check = new_check ("http://127.0.0.1:%u/redirect/5", fixture->port);
  g_autoptr(TendCheckVerdict) verdict = NULL;
  g_autofree char *expected = NULL;

  /* Five redirects are followed. */
  g_assert_true (tend_http_check_set_expect_body (check, "arrived", NULL));
  verdict = run_check (check);
  assert_verdict_timed (verdict, TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE,
                        "HTTP 200 in {time} after 5 redirects");
  drop_check (check, SEC);

  /* A sixth is not. */
  check = new_check ("http://127.0.0.1:%u/redirect/6", fixture->port);
  g_clear_pointer (&verdict, tend_check_verdict_free);
  verdict = run_check (check);
  expected = g_strdup_printf ("more than 5 redirects from 127.0.0.1:%u: /redirect/6 → "
                              "/redirect/5 → /redirect/4 → /redirect/3 → /redirect/2 → "
                              "/redirect/1 → /redirect/0", fixture->port);
  assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_PROTOCOL, expected);
  drop_check (check, SEC);

  /* Not following, the redirect is the answer, judged as any other. */
  check = new_check ("http://127.0.0.1:%u/moved", fixture->port);
  tend_http_check_set_follow_redirects (check, FALSE);
  g_clear_pointer (&verdict, tend_check_verdict_free);
  verdict = run_check (check);
  assert_verdict_timed (verdict, TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE, "HTTP 301 in {time}");

  g_assert_true (tend_http_check_set_accepted_status (check, "2xx", NULL));
  g_clear_pointer (&verdict, tend_check_verdict_free);
  verdict = run_check (check);
  g_free (expected);
  expected = g_strdup_printf ("HTTP 301 from 127.0.0.1:%u, expected 200–299", fixture->port);
  assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_PROTOCOL, expected);

  tend_http_check_set_follow_redirects (check, TRUE);
  g_clear_pointer (&verdict, tend_check_verdict_free);
  verdict = run_check (check);
  assert_verdict_timed (verdict, TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE,
                        "HTTP 200 in {time} after 1 redirect");
  drop_check (check, SEC);
}

static void
test_redirect_loop (Fixture       *fixture,
                    gconstpointer  user_data)
{
  TendHttpCheck *check = new_check ("http://127.0.0.1:%u/loop-a", fixture->port);
  g_autoptr(TendCheckVerdict) verdict = run_check (check);
  g_autofree char *expected = g_strdup_printf ("redirect loop on 127.0.0.1:%u: /loop-a → "
                                               "/loop-b → /loop-a", fixture->port);

  assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_PROTOCOL, expected);
  drop_check (check, SEC);
}

static void
test_redirect_elsewhere (Fixture       *fixture,
                         gconstpointer  user_data)
{
  TendHttpCheck *check = new_check ("http://127.0.0.1:%u/to-ftp", fixture->port);
  g_autoptr(TendCheckVerdict) verdict = run_check (check);
  g_autofree char *expected = NULL;

  expected = g_strdup_printf ("HTTP 302 from 127.0.0.1:%u redirects to "
                              "\"ftp://files.example/pub/\", not an http or https URL",
                              fixture->port);
  assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_PROTOCOL, expected);
  drop_check (check, SEC);

  /* A failure after a redirect names where it happened. */
  check = new_check ("http://127.0.0.1:%u/to-closed", fixture->port);
  g_clear_pointer (&verdict, tend_check_verdict_free);
  verdict = run_check (check);
  g_free (expected);
  expected = g_strdup_printf ("connection refused on 127.0.0.1:%u", fixture->closed_port);
  assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_REFUSED, expected);
  drop_check (check, SEC);
}

/* ------------------------------------------------------------------------------------ */
/* Time                                                                                  */

static void
test_timeout (Fixture       *fixture,
              gconstpointer  user_data)
{
  TendHttpCheck *check = new_check ("http://127.0.0.1:%u/slow?ms=5000", fixture->port);
  g_autoptr(TendCheckVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;
  gint64 elapsed = 0;

  g_assert_true (tend_check_set_timing (TEND_CHECK (check), SEC, 300 * MS, NULL));
  verdict = run_check_full (check, NULL, &elapsed, &error);
  g_assert_no_error (error);
  assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_TIMEOUT,
                  "no answer within 300ms (the check's timeout)");
  g_assert_cmpint (verdict->latency_usec, ==, -1);
  g_test_message ("ended after %" G_GINT64_FORMAT " µs", elapsed);
  g_assert_cmpint (elapsed, >=, 300 * MS);
  g_assert_cmpint (elapsed, <, 300 * MS + MARGIN);

  /* The probe stopped and its connection went. */
  assert_client_gone (fixture, MARGIN);
  drop_check (check, MARGIN);
}

static void
test_slow_warns (Fixture       *fixture,
                 gconstpointer  user_data)
{
  TendHttpCheck *check = new_check ("http://127.0.0.1:%u/slow?ms=250", fixture->port);
  g_autoptr(TendCheckVerdict) verdict = NULL;
  g_autofree char *expected = NULL;

  g_assert_true (tend_check_set_timing (TEND_CHECK (check), 5 * SEC, 2 * SEC, NULL));
  g_assert_true (tend_http_check_set_latency_threshold (check, 100 * MS, NULL));
  g_assert_true (tend_http_check_set_expect_body (check, "sure", NULL));
  verdict = run_check (check);
  expected = g_strdup_printf ("HTTP 200 in {time} from 127.0.0.1:%u, slower than the latency "
                              "threshold of 100ms", fixture->port);
  assert_verdict_timed (verdict, TEND_RESULT_WARN, TEND_CHECK_FAILURE_THRESHOLD, expected);
  g_assert_cmpint (verdict->latency_usec, >=, 250 * MS);
  g_assert_cmpint (verdict->latency_usec, <, 250 * MS + MARGIN);

  /* Under the threshold, or with it turned off, the same answer passes. */
  g_assert_true (tend_http_check_set_latency_threshold (check, 0, NULL));
  g_clear_pointer (&verdict, tend_check_verdict_free);
  verdict = run_check (check);
  assert_verdict_timed (verdict, TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE, "HTTP 200 in {time}");
  g_assert_true (tend_http_check_set_latency_threshold (check, SEC, NULL));
  g_clear_pointer (&verdict, tend_check_verdict_free);
  verdict = run_check (check);
  assert_verdict_timed (verdict, TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE, "HTTP 200 in {time}");
  drop_check (check, SEC);
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  user_data)
{
  TendHttpCheck *check = new_check ("http://127.0.0.1:%u/slow?ms=5000", fixture->port);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(TendCheckVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;
  gint64 elapsed = 0;

  g_assert_true (tend_check_set_timing (TEND_CHECK (check), 10 * SEC, 3 * SEC, NULL));
  g_timeout_add (100, on_cancel_due, cancellable);
  verdict = run_check_full (check, cancellable, &elapsed, &error);
  g_assert_null (verdict);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (error->message, ==, "the check was cancelled");
  g_test_message ("cancelled after %" G_GINT64_FORMAT " µs", elapsed);
  g_assert_cmpint (elapsed, >=, 100 * MS);
  g_assert_cmpint (elapsed, <, 100 * MS + MARGIN);

  assert_client_gone (fixture, MARGIN);
  drop_check (check, MARGIN);

  /* Cancelled before it starts, a run ends at once. */
  check = new_check ("http://127.0.0.1:%u/ok", fixture->port);
  g_clear_error (&error);
  verdict = run_check_full (check, cancellable, &elapsed, &error);
  g_assert_null (verdict);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (elapsed, <, MARGIN);
  drop_check (check, MARGIN);
}

/* ------------------------------------------------------------------------------------ */
/* Failures told apart                                                                   */

static void
test_refused (Fixture       *fixture,
              gconstpointer  user_data)
{
  TendHttpCheck *check = new_check ("http://127.0.0.1:%u/ok", fixture->closed_port);
  g_autoptr(TendCheckVerdict) verdict = run_check (check);
  g_autofree char *expected = g_strdup_printf ("connection refused on 127.0.0.1:%u",
                                               fixture->closed_port);

  assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_REFUSED, expected);
  g_assert_cmpint (verdict->latency_usec, ==, -1);
  drop_check (check, SEC);
}

static void
test_dns (gconstpointer user_data)
{
  TendHttpCheck *check = (use_soup = GPOINTER_TO_INT (user_data),
                          new_check ("http://nonexistent.invalid/health"));
  g_autoptr(TendCheckVerdict) verdict = NULL;

  /* ".invalid" never resolves (RFC 6761). With no DNS server to ask, the resolver says so
   * as a temporary failure: a DNS failure all the same. A resolver that does not answer
   * within 10 s makes this a timeout, and the test fails: it must be a DNS failure. */
  g_assert_true (tend_check_set_timing (TEND_CHECK (check), 30 * SEC, 10 * SEC, NULL));
  verdict = run_check (check);
  if (g_strcmp0 (verdict->message, "DNS lookup for nonexistent.invalid:80 failed for now (is a "
                 "DNS server reachable?)") == 0)
    assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_DNS, verdict->message);
  else
    assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_DNS,
                    "DNS lookup found no address for nonexistent.invalid:80");
  g_assert_cmpint (verdict->latency_usec, ==, -1);
  drop_check (check, SEC);
}

static void
test_unreachable (gconstpointer user_data)
{
  /* Linux refuses TCP to a multicast address at once with ENETUNREACH, on any network. */
  TendHttpCheck *check = (use_soup = GPOINTER_TO_INT (user_data),
                          new_check ("http://224.0.0.1:8080/health"));
  g_autoptr(TendCheckVerdict) verdict = run_check (check);

  assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_UNREACHABLE,
                  "network unreachable for 224.0.0.1:8080");
  g_assert_cmpint (verdict->latency_usec, ==, -1);
  drop_check (check, SEC);
}

static void
test_closed_early (Fixture       *fixture,
                   gconstpointer  user_data)
{
  TendHttpCheck *check = new_check ("http://127.0.0.1:%u/", fixture->raw_port);
  g_autoptr(TendCheckVerdict) verdict = NULL;
  g_autofree char *expected = NULL;

  fixture->raw_mode = RAW_CLOSE;
  verdict = run_check (check);
  expected = g_strdup_printf ("connection to 127.0.0.1:%u closed before a full answer",
                              fixture->raw_port);
  assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_UNREACHABLE, expected);
  g_assert_cmpint (verdict->latency_usec, ==, -1);
  drop_check (check, SEC);
}

static void
test_reset (Fixture       *fixture,
            gconstpointer  user_data)
{
  TendHttpCheck *check = new_check ("http://127.0.0.1:%u/", fixture->raw_port);
  g_autoptr(TendCheckVerdict) verdict = NULL;
  g_autofree char *expected = NULL;

  fixture->raw_mode = RAW_RESET;
  verdict = run_check (check);
  expected = g_strdup_printf ("connection to 127.0.0.1:%u was reset before a full answer",
                              fixture->raw_port);
  assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_UNREACHABLE, expected);
  g_assert_cmpint (verdict->latency_usec, ==, -1);
  drop_check (check, SEC);
}

static void
test_not_http (Fixture       *fixture,
               gconstpointer  user_data)
{
  TendHttpCheck *check = new_check ("http://127.0.0.1:%u/", fixture->raw_port);
  g_autoptr(TendCheckVerdict) verdict = NULL;
  g_autofree char *expected = NULL;

  fixture->raw_mode = RAW_NOT_HTTP;
  verdict = run_check (check);
  expected = g_strdup_printf ("the answer from 127.0.0.1:%u is not valid HTTP",
                              fixture->raw_port);
  assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_PROTOCOL, expected);
  drop_check (check, SEC);
}

/* An answer whose headers pass libsoup's limit is the server's fault, and says so:
 * not "closed before a full answer", which sends a person to the network. */
static void
test_huge_header (Fixture       *fixture,
                  gconstpointer  user_data)
{
  TendHttpCheck *check = new_check ("http://127.0.0.1:%u/", fixture->raw_port);
  g_autoptr(TendCheckVerdict) verdict = NULL;
  g_autofree char *expected = NULL;

  fixture->raw_mode = RAW_HUGE_HEADER;
  verdict = run_check (check);
  expected = g_strdup_printf ("the answer from 127.0.0.1:%u has headers larger than 64 KiB, "
                              "the most Tend reads", fixture->raw_port);
  assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_PROTOCOL, expected);
  g_assert_cmpint (verdict->latency_usec, ==, -1);
  drop_check (check, SEC);
}

/* A chunked body is searched as its chunks joined. */
static void
test_chunked (Fixture       *fixture,
              gconstpointer  user_data)
{
  TendHttpCheck *check = new_check ("http://127.0.0.1:%u/", fixture->raw_port);
  g_autoptr(TendCheckVerdict) verdict = NULL;
  g_autofree char *expected = NULL;

  fixture->raw_mode = RAW_CHUNKED;
  g_assert_true (tend_http_check_set_expect_body (check, "hello needle", NULL));
  verdict = run_check (check);
  assert_verdict_timed (verdict, TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE, "HTTP 200 in {time}");

  g_assert_true (tend_http_check_set_expect_body (check, "7;note", NULL));
  g_clear_pointer (&verdict, tend_check_verdict_free);
  verdict = run_check (check);
  expected = g_strdup_printf ("HTTP 200 from 127.0.0.1:%u, but its body does not contain "
                              "\"7;note\"", fixture->raw_port);
  assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_PROTOCOL, expected);
  drop_check (check, SEC);
}

/* An HTTP/1.0 answer without a length: its body runs to the end of the connection. */
static void
test_http10 (Fixture       *fixture,
             gconstpointer  user_data)
{
  TendHttpCheck *check = new_check ("http://127.0.0.1:%u/", fixture->raw_port);
  g_autoptr(TendCheckVerdict) verdict = NULL;

  fixture->raw_mode = RAW_HTTP10;
  g_assert_true (tend_http_check_set_expect_body (check, "HTTP/1.0 server\n", NULL));
  verdict = run_check (check);
  assert_verdict_timed (verdict, TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE, "HTTP 200 in {time}");
  drop_check (check, SEC);
}

/* A body cut short of its Content-Length by the end of the connection. */
static void
test_short_body (Fixture       *fixture,
                 gconstpointer  user_data)
{
  TendHttpCheck *check = new_check ("http://127.0.0.1:%u/", fixture->raw_port);
  g_autoptr(TendCheckVerdict) verdict = NULL;
  g_autofree char *expected = NULL;

  fixture->raw_mode = RAW_SHORT_BODY;
  verdict = run_check (check);
  expected = g_strdup_printf ("connection to 127.0.0.1:%u closed before a full answer",
                              fixture->raw_port);
  assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_UNREACHABLE, expected);
  drop_check (check, SEC);
}

/* ------------------------------------------------------------------------------------ */
/* TLS                                                                                   */

static void
test_tls_verified (Fixture       *fixture,
                   gconstpointer  user_data)
{
  static const char * const hosts[] = { "127.0.0.1", "localhost" };

  for (guint i = 0; i < G_N_ELEMENTS (hosts); i++)
    {
      TendHttpCheck *check = new_check ("https://%s:%u/ok", hosts[i], fixture->tls_port);
      g_autoptr(TendCheckVerdict) verdict = run_check (check);
      g_autofree char *expected = NULL;

      expected = g_strdup_printf ("TLS failure on %s:%u: the server's certificate is not signed "
                                  "by a trusted authority (self-signed or an unknown CA)",
                                  hosts[i], fixture->tls_port);
      assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_TLS, expected);
      g_assert_cmpint (verdict->latency_usec, ==, -1);
      drop_check (check, SEC);
    }
}

static void
test_tls_unverified (Fixture       *fixture,
                     gconstpointer  user_data)
{
  TendHttpCheck *check = new_check ("https://127.0.0.1:%u/ok", fixture->tls_port);
  g_autoptr(TendCheckVerdict) verdict = NULL;

  tend_http_check_set_verify_tls (check, FALSE);
  g_assert_true (tend_http_check_set_expect_body (check, "ready", NULL));
  /* Handshakes in one process are slow under AddressSanitizer: this is not about time. */
  g_assert_true (tend_http_check_set_latency_threshold (check, 0, NULL));
  verdict = run_check (check);
  assert_verdict_timed (verdict, TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE, "HTTP 200 in {time}");

  /* The setting is the check's own: verifying again fails again. */
  tend_http_check_set_verify_tls (check, TRUE);
  g_clear_pointer (&verdict, tend_check_verdict_free);
  verdict = run_check (check);
  g_assert_cmpint (verdict->failure, ==, TEND_CHECK_FAILURE_TLS);
  drop_check (check, SEC);
}

static void
test_tls_not_tls (Fixture       *fixture,
                  gconstpointer  user_data)
{
  /* https:// to a plain HTTP server, which answers the handshake with a 400: the handshake
   * fails, in the TLS library's words. */
  TendHttpCheck *check = new_check ("https://127.0.0.1:%u/ok", fixture->raw_port);
  g_autoptr(TendCheckVerdict) verdict = NULL;
  g_autofree char *prefix = g_strdup_printf ("TLS failure on 127.0.0.1:%u: ",
                                             fixture->raw_port);

  fixture->raw_mode = RAW_PLAIN_400;
  verdict = run_check (check);

  g_assert_cmpint (verdict->status, ==, TEND_RESULT_FAIL);
  g_assert_cmpint (verdict->failure, ==, TEND_CHECK_FAILURE_TLS);
  g_assert_true (g_str_has_prefix (verdict->message, prefix));
  g_assert_cmpuint (strlen (verdict->message), >, strlen (prefix));
  drop_check (check, SEC);
}

int
main (int   argc,
      char *argv[])
{
  int rc;

  g_test_init (&argc, &argv, NULL);

  /* Whatever the environment says, a check talks to the service itself. */
  g_setenv ("http_proxy", "http://127.0.0.1:9/", TRUE);
  g_setenv ("https_proxy", "http://127.0.0.1:9/", TRUE);


  /* Every test on both paths: the cheap one, then libsoup. */
  for (guint i = 0; i < 2; i++)
    {
      gconstpointer soup = GINT_TO_POINTER (i == 1);
      const char *path = i == 1 ? "soup" : "probe";

#define ADD(name, func) \
  G_STMT_START { \
    g_autofree char *test_path = g_strdup_printf ("/http-check/%s/" name, path); \
    g_test_add (test_path, Fixture, soup, fixture_set_up, func, fixture_tear_down); \
  } G_STMT_END
#define ADD_DATA(name, func) \
  G_STMT_START { \
    g_autofree char *test_path = g_strdup_printf ("/http-check/%s/" name, path); \
    g_test_add_data_func (test_path, soup, func); \
  } G_STMT_END

      ADD ("answer/pass", test_pass);
      ADD ("answer/by-name", test_by_name);
      ADD ("answer/server-error", test_server_error);
      ADD ("answer/wrong-body", test_wrong_body);
      ADD ("answer/big-body", test_big_body);
      ADD ("answer/methods", test_methods);
      ADD ("answer/chunked", test_chunked);
      ADD ("answer/http-1.0", test_http10);
      ADD ("redirect/chain", test_redirect_chain);
      ADD ("redirect/loop", test_redirect_loop);
      ADD ("redirect/elsewhere", test_redirect_elsewhere);
      ADD ("time/timeout", test_timeout);
      ADD ("time/slow-warns", test_slow_warns);
      ADD ("time/cancel", test_cancel);
      ADD ("failure/refused", test_refused);
      ADD_DATA ("failure/dns", test_dns);
      ADD_DATA ("failure/unreachable", test_unreachable);
      ADD ("failure/closed-early", test_closed_early);
      ADD ("failure/short-body", test_short_body);
      ADD ("failure/reset", test_reset);
      ADD ("failure/huge-header", test_huge_header);
      ADD ("failure/not-http", test_not_http);
      if (i == 1)
        {
          /* https:// is libsoup's whatever the path: once is enough. */
          ADD ("tls/verified", test_tls_verified);
          ADD ("tls/unverified", test_tls_unverified);
          ADD ("tls/not-tls", test_tls_not_tls);
        }
    }

#undef ADD_DATA
#undef ADD

  rc = g_test_run ();

#ifdef __SANITIZE_ADDRESS__
  /* The TLS library, loaded by GIO as a module, keeps thread-local data in the worker
   * threads that did handshakes. LeakSanitizer here (GCC 12, glibc 2.36) crashes reading
   * such dynamic thread-local storage at exit. Idle workers leave their pool after half
   * a second; then they can be stopped, and gone, they are not read. */
  g_usleep (600 * MS);
  g_thread_pool_stop_unused_threads ();
  g_usleep (100 * MS);
#endif

  return rc;
}
