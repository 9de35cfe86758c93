/* test-tcp-check.c — the tcp check against real sockets on 127.0.0.1
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each test listens on a free port of 127.0.0.1 with a GThreadedSocketService whose
 * connections behave as the test asks (answer like Redis, send a banner, say nothing,
 * close at once, reset ...), and runs a real TendTcpCheck against it.
 *
 * A check that only connects takes the cheap path (tend-probe.c); the tests of such
 * checks also run as "/tcp-check/gio/..." forced onto GSocketClient, and must give the
 * same verdicts, word for word.
 */
#define G_LOG_DOMAIN "Tend"

#include <string.h>
#include <sys/socket.h>

#include "tend-check-private.h"
#include "tend-duration.h"
#include "tend-error.h"
#include "tend-probe.h"
#include "tend-tcp-check.h"
#include "test-util.h"

#define MS TEND_USEC_PER_MSEC
#define SEC TEND_USEC_PER_SEC

/* In a test's data, beside the server's mode: run on GSocketClient. */
#define GIO_PATH 0x100

/* The path the checks of a test take when they only connect: GSocketClient when TRUE. */
static gboolean use_gio;

typedef enum
{
  SERVER_REDIS,           /* reads lines: "PING" gets "+PONG", others "-ERR ...", stays open */
  SERVER_BANNER,          /* writes an SSH banner, then waits */
  SERVER_SILENT,          /* accepts and says nothing until the client goes */
  SERVER_CLOSE,           /* accepts and closes at once */
  SERVER_ANSWER_CLOSE,    /* writes a wrong line and closes */
  SERVER_FLOOD,           /* writes 8 KiB without the expected text, then waits */
  SERVER_SPLIT,           /* writes "+PO", pauses past the quiet time, then "NG\r\n" */
  SERVER_ODD_BYTES,       /* writes escape sequences and bytes that are not UTF-8 */
  SERVER_RESET,           /* reads the request, then resets the connection */
} ServerMode;

typedef struct
{
  GSocketService *service;
  guint port;
  ServerMode mode;
  GSocket *closed;        /* bound, never listening: connections to it are refused */
  guint closed_port;
} Fixture;

/* ------------------------------------------------------------------------------------ */
/* The server                                                                            */

/* Reads until the client closes or resets, or 10 s pass; the client's verdict ends it. */
static void
wait_for_client (GSocket *socket)
{
  char buffer[256];

  g_socket_set_timeout (socket, 10);
  while (g_socket_receive (socket, buffer, sizeof buffer, NULL, NULL) > 0)
    ;
}

static void
send_all (GSocket    *socket,
          const char *data,
          gsize       len)
{
  while (len > 0)
    {
      gssize n = g_socket_send (socket, data, len, NULL, NULL);

      if (n <= 0)
        return;
      data += n;
      len -= n;
    }
}

static void
send_text (GSocket    *socket,
           const char *text)
{
  send_all (socket, text, strlen (text));
}

/* One line of the request, without its "\r\n"; NULL at the end. */
static char *
receive_line (GSocket *socket)
{
  GString *line = g_string_new (NULL);
  char c;

  g_socket_set_timeout (socket, 10);
  while (g_socket_receive (socket, &c, 1, NULL, NULL) == 1)
    {
      if (c == '\n')
        {
          if (line->len > 0 && line->str[line->len - 1] == '\r')
            g_string_truncate (line, line->len - 1);
          return g_string_free (line, FALSE);
        }
      g_string_append_c (line, c);
    }
  g_string_free (line, TRUE);
  return NULL;
}

/* Runs in one of the service's threads, with blocking sockets. */
static gboolean
on_run (GThreadedSocketService *service,
        GSocketConnection      *connection,
        GObject                *source_object,
        gpointer                user_data)
{
  /* Not the fixture, which may be gone when a connection of a finished test is served:
   * the service, which each of its jobs holds. */
  ServerMode mode = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (service), "mode"));
  GSocket *socket = g_socket_connection_get_socket (connection);

  switch (mode)
    {
    case SERVER_REDIS:
      {
        char *line;

        while ((line = receive_line (socket)) != NULL)
          {
            g_autofree char *answer = NULL;

            if (g_str_equal (line, "PING"))
              answer = g_strdup ("+PONG\r\n");
            else
              answer = g_strdup_printf ("-ERR unknown command '%s'\r\n", line);
            send_text (socket, answer);
            g_free (line);
          }
      }
      break;

    case SERVER_BANNER:
      send_text (socket, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n");
      wait_for_client (socket);
      break;

    case SERVER_SILENT:
      wait_for_client (socket);
      break;

    case SERVER_CLOSE:
      break;

    case SERVER_ANSWER_CLOSE:
      send_text (socket, "220 wrong service\r\n");
      break;

    case SERVER_FLOOD:
      {
        g_autofree char *flood = g_strnfill (8192, 'x');

        send_text (socket, flood);
        wait_for_client (socket);
      }
      break;

    case SERVER_SPLIT:
      send_text (socket, "+PO");
      g_usleep (2 * TEND_TCP_CHECK_QUIET_MSEC * MS);
      send_text (socket, "NG\r\n");
      wait_for_client (socket);
      break;

    case SERVER_ODD_BYTES:
      send_all (socket, "\x1b[31mred\xff\xfe\"q\"\t\0end\r\n", 20);
      wait_for_client (socket);
      break;

    case SERVER_RESET:
      {
        g_autofree char *line = receive_line (socket);
        struct linger linger = { .l_onoff = 1, .l_linger = 0 };

        /* SO_LINGER with a zero time: close() sends a RST. */
        setsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_LINGER, &linger, sizeof linger);
        g_socket_close (socket, NULL);
      }
      break;

    default:
      g_assert_not_reached ();
    }

  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  return TRUE;
}

static guint
bind_loopback (GSocketListener *listener,
               GSocket        **socket_out)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;

  if (listener != NULL)
    {
      g_socket_listener_add_address (listener, address, G_SOCKET_TYPE_STREAM,
                                     G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error);
      g_assert_no_error (error);
    }
  else
    {
      *socket_out = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                  G_SOCKET_PROTOCOL_TCP, &error);
      g_assert_no_error (error);
      g_socket_bind (*socket_out, address, FALSE, &error);
      g_assert_no_error (error);
      effective = g_socket_get_local_address (*socket_out, &error);
      g_assert_no_error (error);
    }
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  fixture->mode = GPOINTER_TO_INT (user_data) & ~GIO_PATH;
  use_gio = (GPOINTER_TO_INT (user_data) & GIO_PATH) != 0;
  fixture->service = test_server_new ();
  fixture->port = bind_loopback (G_SOCKET_LISTENER (fixture->service), NULL);
  g_object_set_data (G_OBJECT (fixture->service), "mode", GINT_TO_POINTER (fixture->mode));
  g_signal_connect (fixture->service, "run", G_CALLBACK (on_run), NULL);
  g_socket_service_start (fixture->service);

  fixture->closed_port = bind_loopback (NULL, &fixture->closed);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_socket_service_stop (fixture->service);
  g_socket_listener_close (G_SOCKET_LISTENER (fixture->service));
  g_clear_object (&fixture->service);
  g_socket_close (fixture->closed, NULL);
  g_clear_object (&fixture->closed);
}

/* ------------------------------------------------------------------------------------ */
/* Helpers                                                                               */

static TendCheck *
new_check (const char *host,
           guint       port,
           gint64      timeout_usec)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TendCheck) check = tend_tcp_check_new ("port", host, port, &error);

  g_assert_no_error (error);
  g_assert_nonnull (check);
  tend_check_set_timing (check, 10 * SEC, timeout_usec, &error);
  g_assert_no_error (error);
  tend_tcp_check_set_force_gio (TEND_TCP_CHECK (check), use_gio);
  /* A new check that only connects takes the cheap path, unless told not to. */
  g_assert_true (tend_tcp_check_uses_probe (TEND_TCP_CHECK (check)) == !use_gio);
  return g_steal_pointer (&check);
}

static void
assert_verdict (const TendCheckVerdict *verdict,
                TendResultStatus        status,
                TendCheckFailure        failure,
                const char             *message)
{
  g_assert_nonnull (verdict);
  g_test_message ("verdict: %s, %s, %s", tend_result_status_to_string (verdict->status),
                  tend_check_failure_to_string (verdict->failure), verdict->message);
  g_assert_cmpstr (tend_result_status_to_string (verdict->status), ==,
                   tend_result_status_to_string (status));
  g_assert_cmpstr (tend_check_failure_to_string (verdict->failure), ==,
                   tend_check_failure_to_string (failure));
  g_assert_cmpstr (verdict->message, ==, message);
}

/* The latency in a passing message ("in 0.3 ms") differs from run to run: the message
 * must be @expected_start followed by " in " and a latency. */
static void
assert_pass (const TendCheckVerdict *verdict,
             const char             *expected_start)
{
  g_autofree char *pattern = NULL;
  g_autofree char *escaped = g_regex_escape_string (expected_start, -1);

  g_assert_nonnull (verdict);
  g_test_message ("verdict: %s, %s, %s", tend_result_status_to_string (verdict->status),
                  tend_check_failure_to_string (verdict->failure), verdict->message);
  g_assert_cmpint (verdict->status, ==, TEND_RESULT_PASS);
  g_assert_cmpint (verdict->failure, ==, TEND_CHECK_FAILURE_NONE);
  pattern = g_strdup_printf ("^%s in ([0-9]+\\.[0-9] ms|[0-9]+ ms|[0-9]+\\.[0-9] s)$", escaped);
  g_assert_true (g_regex_match_simple (pattern, verdict->message, 0, 0));
  g_assert_cmpint (verdict->latency_usec, >=, 0);
  g_assert_cmpint (verdict->latency_usec, <, 5 * SEC);
}

/* ------------------------------------------------------------------------------------ */
/* Construction                                                                          */

static void
assert_refused (const char *host,
                guint       port,
                const char *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TendCheck) check = tend_tcp_check_new ("port", host, port, &error);

  g_assert_null (check);
  g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==, message);
}

static void
test_bad_arguments (void)
{
  assert_refused ("127.0.0.1", 0, "port: 0 is outside 1..65535");
  assert_refused ("127.0.0.1", 70000, "port: 70000 is outside 1..65535");
  assert_refused ("127.0.0.1", 65536, "port: 65536 is outside 1..65535");
  assert_refused ("", 6379, "host: must not be empty");
  assert_refused (NULL, 6379, "host: must not be empty");
  assert_refused ("web 1", 6379, "host: \"web 1\" is not a host name or an IP address");
  assert_refused ("web1:6379", 6379,
                  "host: \"web1:6379\" is not a host name or an IP address");
  assert_refused ("http://web1", 80,
                  "host: \"http://web1\" is not a host name or an IP address");
  assert_refused ("web\n1", 80, "host: \"web\\n1\" is not a host name or an IP address");
  assert_refused ("[web1]", 80, "host: \"[web1]\" is not a host name or an IP address");
  assert_refused ("-web1", 80, "host: \"-web1\" is not a host name or an IP address");
}

static void
test_construct (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TendCheck) check = NULL;
  g_autoptr(GBytes) ping = g_bytes_new_static ("PING\r\n", 6);
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);

  check = tend_tcp_check_new ("redis", "localhost", 6379, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tend_check_get_kind (check), ==, "tcp");
  g_assert_cmpstr (tend_check_get_name (check), ==, "redis");
  g_assert_cmpstr (tend_tcp_check_get_host (TEND_TCP_CHECK (check)), ==, "localhost");
  g_assert_cmpuint (tend_tcp_check_get_port (TEND_TCP_CHECK (check)), ==, 6379);
  g_assert_null (tend_tcp_check_get_send (TEND_TCP_CHECK (check)));
  g_assert_null (tend_tcp_check_get_expect (TEND_TCP_CHECK (check)));

  tend_tcp_check_set_send (TEND_TCP_CHECK (check), ping);
  tend_tcp_check_set_expect (TEND_TCP_CHECK (check), "+PONG");
  g_assert_true (g_bytes_equal (tend_tcp_check_get_send (TEND_TCP_CHECK (check)), ping));
  g_assert_cmpstr (tend_tcp_check_get_expect (TEND_TCP_CHECK (check)), ==, "+PONG");
  /* Empty is none. */
  tend_tcp_check_set_send (TEND_TCP_CHECK (check), empty);
  tend_tcp_check_set_expect (TEND_TCP_CHECK (check), "");
  g_assert_null (tend_tcp_check_get_send (TEND_TCP_CHECK (check)));
  g_assert_null (tend_tcp_check_get_expect (TEND_TCP_CHECK (check)));
  g_clear_object (&check);

  /* The extremes of the range, IP addresses, an IPv6 address in brackets. */
  check = tend_tcp_check_new ("a", "10.0.0.1", 1, &error);
  g_assert_no_error (error);
  g_clear_object (&check);
  check = tend_tcp_check_new ("a", "::1", 65535, &error);
  g_assert_no_error (error);
  g_clear_object (&check);
  check = tend_tcp_check_new ("a", "[::1]", 22, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tend_tcp_check_get_host (TEND_TCP_CHECK (check)), ==, "::1");
  g_clear_object (&check);
  check = tend_tcp_check_new ("a", "db-1.internal_zone.example", 5432, &error);
  g_assert_no_error (error);
}

/* ------------------------------------------------------------------------------------ */
/* Runs                                                                                  */

static void
test_connect (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autoptr(TendCheck) check = new_check ("127.0.0.1", fixture->port, 5 * SEC);
  g_autoptr(TendCheckVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *start = g_strdup_printf ("connected to 127.0.0.1:%u", fixture->port);

  verdict = run_check_timed (check, NULL, NULL, &error);
  g_assert_no_error (error);
  assert_pass (verdict, start);
}

static void
test_send_expect (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(TendCheck) check = new_check ("127.0.0.1", fixture->port, 5 * SEC);
  g_autoptr(GBytes) ping = g_bytes_new_static ("PING\r\n", 6);
  g_autoptr(TendCheckVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *start = g_strdup_printf ("127.0.0.1:%u answered with \"+PONG\"",
                                            fixture->port);

  tend_tcp_check_set_send (TEND_TCP_CHECK (check), ping);
  tend_tcp_check_set_expect (TEND_TCP_CHECK (check), "+PONG");
  /* A conversation takes GSocketClient (tend-tcp-check.c). */
  g_assert_false (tend_tcp_check_uses_probe (TEND_TCP_CHECK (check)));
  verdict = run_check_timed (check, NULL, NULL, &error);
  g_assert_no_error (error);
  assert_pass (verdict, start);
}

static void
test_expect_mismatch (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(TendCheck) check = new_check ("127.0.0.1", fixture->port, 5 * SEC);
  g_autoptr(GBytes) hello = g_bytes_new_static ("HELLO\r\n", 7);
  g_autoptr(TendCheckVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  gint64 took;

  tend_tcp_check_set_send (TEND_TCP_CHECK (check), hello);
  tend_tcp_check_set_expect (TEND_TCP_CHECK (check), "+PONG");
  verdict = run_check_timed (check, NULL, &took, &error);
  g_assert_no_error (error);
  message = g_strdup_printf ("127.0.0.1:%u answered \"-ERR unknown command 'HELLO'\\r\\n\" "
                             "instead of \"+PONG\"", fixture->port);
  assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_PROTOCOL, message);
  g_assert_cmpint (verdict->latency_usec, ==, -1);
  /* The server keeps the connection open, like Redis: the answer ends when it goes
   * quiet, not at the timeout. */
  g_assert_cmpint (took, >=, TEND_TCP_CHECK_QUIET_MSEC * MS);
  g_assert_cmpint (took, <, 2 * SEC);
}

static void
test_expect_banner (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(TendCheck) check = new_check ("127.0.0.1", fixture->port, 5 * SEC);
  g_autoptr(TendCheckVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *start = g_strdup_printf ("127.0.0.1:%u answered with \"SSH-2.0-\"",
                                            fixture->port);

  tend_tcp_check_set_expect (TEND_TCP_CHECK (check), "SSH-2.0-");
  verdict = run_check_timed (check, NULL, NULL, &error);
  g_assert_no_error (error);
  assert_pass (verdict, start);
}

static void
test_split_answer (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(TendCheck) check = new_check ("127.0.0.1", fixture->port, 5 * SEC);
  g_autoptr(TendCheckVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *start = g_strdup_printf ("127.0.0.1:%u answered with \"+PONG\"",
                                            fixture->port);

  /* "+PO", a pause twice the quiet time, "NG": the start of the expected text is
   * waited for. */
  tend_tcp_check_set_expect (TEND_TCP_CHECK (check), "+PONG");
  verdict = run_check_timed (check, NULL, NULL, &error);
  g_assert_no_error (error);
  assert_pass (verdict, start);
  g_assert_cmpint (verdict->latency_usec, >=, 2 * TEND_TCP_CHECK_QUIET_MSEC * MS);
}

static void
test_closed_without_answer (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autoptr(TendCheck) check = new_check ("127.0.0.1", fixture->port, 5 * SEC);
  g_autoptr(TendCheckVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  tend_tcp_check_set_expect (TEND_TCP_CHECK (check), "+PONG");
  verdict = run_check_timed (check, NULL, NULL, &error);
  g_assert_no_error (error);
  message = g_strdup_printf ("127.0.0.1:%u closed the connection without answering "
                             "(expected \"+PONG\")", fixture->port);
  assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_PROTOCOL, message);
}

static void
test_answer_and_close (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(TendCheck) check = new_check ("127.0.0.1", fixture->port, 5 * SEC);
  g_autoptr(TendCheckVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  tend_tcp_check_set_expect (TEND_TCP_CHECK (check), "220 mail.example");
  verdict = run_check_timed (check, NULL, NULL, &error);
  g_assert_no_error (error);
  message = g_strdup_printf ("127.0.0.1:%u answered \"220 wrong service\\r\\n\" instead of "
                             "\"220 mail.example\"", fixture->port);
  assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_PROTOCOL, message);
}

static void
test_long_answer (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(TendCheck) check = new_check ("127.0.0.1", fixture->port, 5 * SEC);
  g_autoptr(TendCheckVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sixty = g_strnfill (60, 'x');
  g_autofree char *message = NULL;

  tend_tcp_check_set_expect (TEND_TCP_CHECK (check), "+PONG");
  verdict = run_check_timed (check, NULL, NULL, &error);
  g_assert_no_error (error);
  /* Only the first 4 KiB are read; the message quotes 60 characters of them. */
  message = g_strdup_printf ("127.0.0.1:%u answered \"%s…\" without \"+PONG\" in its first "
                             "4096 bytes", fixture->port, sixty);
  assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_PROTOCOL, message);
}

static void
test_odd_bytes (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(TendCheck) check = new_check ("127.0.0.1", fixture->port, 5 * SEC);
  g_autoptr(TendCheckVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  tend_tcp_check_set_expect (TEND_TCP_CHECK (check), "+PONG");
  verdict = run_check_timed (check, NULL, NULL, &error);
  g_assert_no_error (error);
  /* Control characters, bytes that are not UTF-8, quotes and a NUL, escaped. */
  message = g_strdup_printf ("127.0.0.1:%u answered "
                             "\"\\x1b[31mred\\xff\\xfe\\\"q\\\"\\t\\x00end\\r\\n\" "
                             "instead of \"+PONG\"", fixture->port);
  assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_PROTOCOL, message);
}

static void
test_reset (Fixture       *fixture,
            gconstpointer  user_data)
{
  g_autoptr(TendCheck) check = new_check ("127.0.0.1", fixture->port, 5 * SEC);
  g_autoptr(GBytes) ping = g_bytes_new_static ("PING\r\n", 6);
  g_autoptr(TendCheckVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  tend_tcp_check_set_send (TEND_TCP_CHECK (check), ping);
  tend_tcp_check_set_expect (TEND_TCP_CHECK (check), "+PONG");
  verdict = run_check_timed (check, NULL, NULL, &error);
  g_assert_no_error (error);
  message = g_strdup_printf ("connection to 127.0.0.1:%u lost while waiting for the answer "
                             "(Connection reset by peer)", fixture->port);
  assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_UNREACHABLE, message);
}

static void
test_refused (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autoptr(TendCheck) check = new_check ("127.0.0.1", fixture->closed_port, 5 * SEC);
  g_autoptr(TendCheckVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = g_strdup_printf ("connection refused on 127.0.0.1:%u",
                                              fixture->closed_port);

  verdict = run_check_timed (check, NULL, NULL, &error);
  g_assert_no_error (error);
  assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_REFUSED, message);
  g_assert_cmpint (verdict->latency_usec, ==, -1);
}

static void
test_refused_ipv6 (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(TendCheck) check = new_check ("[::1]", fixture->closed_port, 5 * SEC);
  g_autoptr(TendCheckVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = g_strdup_printf ("connection refused on [::1]:%u",
                                              fixture->closed_port);
  g_autoptr(GSocket) probe = g_socket_new (G_SOCKET_FAMILY_IPV6, G_SOCKET_TYPE_STREAM,
                                           G_SOCKET_PROTOCOL_TCP, NULL);

  if (probe == NULL)
    {
      g_test_skip ("no IPv6 on this machine");
      return;
    }
  /* Nothing listens on that port over IPv6 (the fixture binds it on IPv4 only). */
  verdict = run_check_timed (check, NULL, NULL, &error);
  g_assert_no_error (error);
  if (verdict->failure == TEND_CHECK_FAILURE_UNREACHABLE)
    {
      g_test_skip ("::1 is unreachable on this machine");
      return;
    }
  assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_REFUSED, message);
}

static void
test_dns (gconstpointer user_data)
{
  g_autoptr(TendCheck) check = (use_gio = GPOINTER_TO_INT (user_data) != 0,
                                new_check ("nonexistent.invalid", 80, 5 * SEC));
  g_autoptr(TendCheckVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;

  verdict = run_check_timed (check, NULL, NULL, &error);
  g_assert_no_error (error);
  if (verdict->failure == TEND_CHECK_FAILURE_TIMEOUT)
    {
      /* A resolver that cannot reach its server may take longer than the check's
       * timeout; the check then says so, but this test cannot see the DNS verdict. */
      g_test_skip ("the resolver here did not answer within 5s");
      return;
    }
  g_test_message ("verdict: %s", verdict->message);
  g_assert_cmpint (verdict->status, ==, TEND_RESULT_FAIL);
  g_assert_cmpint (verdict->failure, ==, TEND_CHECK_FAILURE_DNS);
  /* The reason is the resolver's: "Name or service not known" (NXDOMAIN) or "Temporary
   * failure in name resolution" (no server). */
  g_assert_true (g_str_has_prefix (verdict->message, "nonexistent.invalid does not resolve ("));
  g_assert_true (g_str_has_suffix (verdict->message, ")"));
  g_assert_null (strstr (verdict->message, "Error resolving"));
  g_assert_cmpint (verdict->latency_usec, ==, -1);
}

static void
test_unreachable (gconstpointer user_data)
{
  /* Linux refuses a TCP connection to a multicast address at once with ENETUNREACH,
   * whatever the routes: an unreachable network without waiting for one. */
  g_autoptr(TendCheck) check = (use_gio = GPOINTER_TO_INT (user_data) != 0,
                                new_check ("224.0.0.1", 80, 5 * SEC));
  g_autoptr(TendCheckVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;

  verdict = run_check_timed (check, NULL, NULL, &error);
  g_assert_no_error (error);
  assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_UNREACHABLE,
                  "224.0.0.1:80 is unreachable (Network is unreachable)");
}

static void
test_timeout (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autoptr(TendCheck) check = new_check ("127.0.0.1", fixture->port, 300 * MS);
  g_autoptr(TendCheckVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;
  gint64 took;

  /* It accepts, so the connection opens, and then never answers. */
  tend_tcp_check_set_expect (TEND_TCP_CHECK (check), "+PONG");
  verdict = run_check_timed (check, NULL, &took, &error);
  g_assert_no_error (error);
  assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_TIMEOUT,
                  "no answer within 300ms (the check's timeout)");
  g_assert_cmpint (verdict->latency_usec, ==, -1);
  g_assert_cmpint (took, >=, 300 * MS);
  g_assert_cmpint (took, <, 2 * SEC);

  /* The probe, cancelled at the timeout, lets go of its connection: the check's last
   * reference is then the test's. */
  {
    GWeakRef weak;
    gint64 deadline = g_get_monotonic_time () + 2 * SEC;

    g_weak_ref_init (&weak, check);
    g_clear_object (&check);
    for (GObject *alive; (alive = g_weak_ref_get (&weak)) != NULL;)
      {
        g_object_unref (alive);
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        g_main_context_iteration (NULL, TRUE);
      }
    g_weak_ref_clear (&weak);
  }
}

static gboolean
cancel_later (gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
  return G_SOURCE_REMOVE;
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autoptr(TendCheck) check = new_check ("127.0.0.1", fixture->port, 5 * SEC);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(TendCheckVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;
  gint64 took;

  tend_tcp_check_set_expect (TEND_TCP_CHECK (check), "+PONG");
  g_timeout_add (100, cancel_later, cancellable);
  verdict = run_check_timed (check, cancellable, &took, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (verdict);
  g_assert_cmpint (took, <, 1 * SEC);
}

/* A connection that does not open within the timeout: a listener whose queue is full
 * drops the SYNs of new connections, which stay unanswered. The run ends at its timeout
 * and its socket is closed then. */
static void
test_connect_timeout (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(GSocket) full = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                          G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GPtrArray) fillers = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(TendCheck) check = NULL;
  g_autoptr(TendCheckVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;
  guint port;
  gint64 took;

  g_assert_true (g_socket_bind (full, any, FALSE, &error));
  g_socket_set_listen_backlog (full, 0);
  g_assert_true (g_socket_listen (full, &error));
  bound = g_socket_get_local_address (full, &error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  /* Fill the queue (it takes one or two more than its backlog). */
  for (guint i = 0; i < 4; i++)
    {
      GSocket *filler = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                      G_SOCKET_PROTOCOL_TCP, NULL);

      g_socket_set_blocking (filler, FALSE);
      g_socket_connect (filler, bound, NULL, NULL);
      g_ptr_array_add (fillers, filler);
    }

  check = new_check ("127.0.0.1", port, 300 * MS);
  verdict = run_check_timed (check, NULL, &took, &error);
  g_assert_no_error (error);
  assert_verdict (verdict, TEND_RESULT_FAIL, TEND_CHECK_FAILURE_TIMEOUT,
                  "no answer within 300ms (the check's timeout)");
  g_assert_cmpint (took, >=, 300 * MS);
  g_assert_cmpint (took, <, 2 * SEC);
  g_assert_cmpuint (tend_probe_get_n_open (), ==, 0);
}

/* Cancelled before it starts, a run ends at once, cancelled. */
static void
test_cancel_before (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(TendCheck) check = new_check ("127.0.0.1", fixture->port, 5 * SEC);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(TendCheckVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;
  gint64 took;

  g_cancellable_cancel (cancellable);
  verdict = run_check_timed (check, cancellable, &took, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (verdict);
  g_assert_cmpint (took, <, 1 * SEC);
  g_assert_cmpuint (tend_probe_get_n_open (), ==, 0);
}

/* Which names mean "the machine itself", that a check of a service on an SSH host
 * reaches through the host's forward (tend_check_resolve_address()); and a check of a
 * local service connects where it says. */
static void
test_loopback (void)
{
  static const char *const loopback[] = {
    "localhost", "LOCALHOST", "localhost.", "web.localhost", "127.0.0.1", "127.1.2.3",
    "::1", "[::1]",
  };
  static const char *const other[] = {
    "", "10.0.0.5", "web1", "localhost.example.com", "mylocalhost", "::2", "0.0.0.0",
    "128.0.0.1",
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(TendCheck) check = NULL;
  g_autofree char *host = NULL;
  guint port = 0;

  for (guint i = 0; i < G_N_ELEMENTS (loopback); i++)
    g_assert_true (tend_check_host_is_loopback (loopback[i]));
  for (guint i = 0; i < G_N_ELEMENTS (other); i++)
    g_assert_false (tend_check_host_is_loopback (other[i]));

  check = tend_tcp_check_new ("tcp", "localhost", 8080, &error);
  g_assert_no_error (error);
  g_assert_null (tend_check_get_remote_host (check));
  g_assert_true (tend_check_resolve_address (check, "localhost", 8080, &host, &port, &error));
  g_assert_cmpstr (host, ==, "localhost");
  g_assert_cmpuint (port, ==, 8080);
}

/* ------------------------------------------------------------------------------------ */
/* The monitor's way: tend_check_start() (tend-check-run.c)                              */

#define N_STARTED 20

typedef struct
{
  gboolean returned;      /* tend_check_start() has returned for them all */
  gboolean early;         /* a callback came before that */
  guint n_done;
  guint n_pass;
} StartedRuns;

static void
on_started_run_done (TendCheckRun     *run,
                     TendCheckVerdict *verdict,
                     gpointer          user_data)
{
  StartedRuns *runs = user_data;

  if (!runs->returned)
    runs->early = TRUE;
  runs->n_done++;
  if (verdict != NULL && verdict->status == TEND_RESULT_PASS &&
      g_str_has_prefix (verdict->message, "connected to 127.0.0.1:") &&
      verdict->latency_usec >= 0)
    runs->n_pass++;
  tend_check_verdict_free (verdict);
}

static gboolean
started_runs_done (gpointer data)
{
  return ((StartedRuns *) data)->n_done == N_STARTED;
}

/* An idle source's id: GLib numbers a context's sources one after the other, so the
 * ids of two of them tell how many were attached in between. */
static guint
next_source_id (void)
{
  guint id = g_idle_add (set_flag_cb, NULL);

  g_source_remove (id);
  return id;
}

/* Runs as the monitor starts them: a connect-only check takes the cheap path, which
 * attaches no GSource per run (tend_check_run_async()'s GTask path attaches a timeout
 * for each); each callback comes after tend_check_start() has returned, with the
 * verdict tend_check_run_async() gives; a stopped run's callback never comes, and its
 * socket is closed at once. */
static void
test_start_run (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GPtrArray) checks = g_ptr_array_new_with_free_func (g_object_unref);
  StartedRuns runs = { 0 };
  gboolean never = FALSE;
  guint before;
  TendCheckRun *run;

  for (guint i = 0; i < N_STARTED; i++)
    g_ptr_array_add (checks, new_check ("127.0.0.1", fixture->port, 5 * SEC));

  /* The first run attaches the sources that every run shares. */
  tend_check_run_stop (tend_check_start (g_ptr_array_index (checks, 0), on_started_run_done,
                                         &runs));

  before = next_source_id ();
  for (guint i = 0; i < N_STARTED; i++)
    g_assert_nonnull (tend_check_start (g_ptr_array_index (checks, i), on_started_run_done,
                                        &runs));
  runs.returned = TRUE;
  g_assert_cmpuint (next_source_id (), ==, before + 1);

  g_assert_true (wait_until (started_runs_done, &runs));
  g_assert_false (runs.early);
  g_assert_cmpuint (runs.n_pass, ==, N_STARTED);

  run = tend_check_start (g_ptr_array_index (checks, 0), on_started_run_done, &runs);
  tend_check_run_stop (run);
  g_assert_cmpuint (tend_probe_get_n_open (), ==, 0);
  wait_until_full (flag_is_set, &never, 300);
  g_assert_cmpuint (runs.n_done, ==, N_STARTED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, mode, func) \
  g_test_add ("/tcp-check/" path, Fixture, GINT_TO_POINTER (mode), fixture_set_up, func, \
              fixture_tear_down)

  g_test_add_func ("/tcp-check/loopback", test_loopback);
  g_test_add_func ("/tcp-check/bad-arguments", test_bad_arguments);
  g_test_add_func ("/tcp-check/construct", test_construct);
  ADD ("connect", SERVER_SILENT, test_connect);
  ADD ("start-run", SERVER_SILENT, test_start_run);
  ADD ("gio/connect", SERVER_SILENT | GIO_PATH, test_connect);
  ADD ("send-expect", SERVER_REDIS, test_send_expect);
  ADD ("expect-mismatch", SERVER_REDIS, test_expect_mismatch);
  ADD ("expect-banner", SERVER_BANNER, test_expect_banner);
  ADD ("split-answer", SERVER_SPLIT, test_split_answer);
  ADD ("closed-without-answer", SERVER_CLOSE, test_closed_without_answer);
  ADD ("answer-and-close", SERVER_ANSWER_CLOSE, test_answer_and_close);
  ADD ("long-answer", SERVER_FLOOD, test_long_answer);
  ADD ("odd-bytes", SERVER_ODD_BYTES, test_odd_bytes);
  ADD ("reset", SERVER_RESET, test_reset);
  ADD ("refused", SERVER_SILENT, test_refused);
  ADD ("gio/refused", SERVER_SILENT | GIO_PATH, test_refused);
  ADD ("refused-ipv6", SERVER_SILENT, test_refused_ipv6);
  ADD ("gio/refused-ipv6", SERVER_SILENT | GIO_PATH, test_refused_ipv6);
  g_test_add_data_func ("/tcp-check/dns", GINT_TO_POINTER (FALSE), test_dns);
  g_test_add_data_func ("/tcp-check/gio/dns", GINT_TO_POINTER (TRUE), test_dns);
  g_test_add_data_func ("/tcp-check/unreachable", GINT_TO_POINTER (FALSE), test_unreachable);
  g_test_add_data_func ("/tcp-check/gio/unreachable", GINT_TO_POINTER (TRUE), test_unreachable);
  ADD ("connect-timeout", SERVER_SILENT, test_connect_timeout);
  ADD ("gio/connect-timeout", SERVER_SILENT | GIO_PATH, test_connect_timeout);
  ADD ("cancel-before", SERVER_SILENT, test_cancel_before);
  ADD ("gio/cancel-before", SERVER_SILENT | GIO_PATH, test_cancel_before);
  ADD ("timeout", SERVER_SILENT, test_timeout);
  ADD ("cancel", SERVER_SILENT, test_cancel);

#undef ADD

  return g_test_run ();
}
