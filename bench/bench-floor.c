/* bench-floor.c — what the libraries under a check cost alone, without Tend
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: bench-floor KIND BASE PORTS N
 *
 * N requests, one after another, as the checks make them:
 *
 *  - http: a SoupSession made for the request, GET http://127.0.0.1:PORT/ on a new
 *    connection with "Connection: close", the body read to its end, the session dropped
 *    (what an HTTP check's probe did before issue 14, and does for https)
 *  - tcp: a GSocketClient without proxy connects to 127.0.0.1:PORT and closes (what a
 *    TCP check's probe did before issue 14, and does for a conversation)
 *  - probe-http, probe-tcp: the same on the cheap path alone (tend-probe.c with
 *    tend-probe-http.c's request and reader), nothing else of Tend
 *  - check-http, check-tcp: a whole check's run, tend_check_run_async() of a
 *    TendHttpCheck or TendTcpCheck (its timeout, its verdict with its message), on
 *    whichever path the check takes (the cheap one here)
 *
 * PORT goes round BASE .. BASE+PORTS-1 (bench-servers answers them). After a first pass
 * to warm up, prints the CPU (user + system) and wall time per request of a second.
 */
#include <libsoup/soup.h>
#include <sys/resource.h>

#include "tend.h"
#include "tend-http-check-private.h"
#include "tend-probe.h"

static guint pending;

static gint64
cpu_usec (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return (gint64) usage.ru_utime.tv_sec * G_USEC_PER_SEC + usage.ru_utime.tv_usec +
         (gint64) usage.ru_stime.tv_sec * G_USEC_PER_SEC + usage.ru_stime.tv_usec;
}

static void
on_read (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GInputStream *stream = G_INPUT_STREAM (object);
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes_finish (stream, result, NULL);

  if (bytes != NULL && g_bytes_get_size (bytes) > 0)
    {
      g_input_stream_read_bytes_async (stream, 16384, G_PRIORITY_DEFAULT, NULL, on_read,
                                       user_data);
      return;
    }
  g_input_stream_close (stream, NULL, NULL);
  g_object_unref (stream);
  g_object_unref (user_data);   /* the session */
  pending--;
}

static void
on_sent (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  GInputStream *stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);

  g_object_unref (user_data);   /* the message */
  if (stream == NULL)
    g_error ("GET: %s", error->message);
  g_input_stream_read_bytes_async (stream, 16384, G_PRIORITY_DEFAULT, NULL, on_read, object);
}

static void
on_connected (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketConnection) connection = NULL;

  connection = g_socket_client_connect_finish (G_SOCKET_CLIENT (object), result, &error);
  if (connection == NULL)
    g_error ("connect: %s", error->message);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  pending--;
}

static gboolean
on_probe_read (gpointer       user_data,
               const guint8  *data,
               gsize          len,
               GError       **error)
{
  return tend_http_reader_feed (user_data, data, len, error);
}

static void
on_probe_done (gpointer      user_data,
               const GError *error)
{
  if (error != NULL)
    g_error ("probe: %s", error->message);
  if (user_data != NULL)
    {
      g_assert (tend_http_reader_get_status (user_data) == 200);
      tend_http_reader_free (user_data);
    }
  pending--;
}

static void
on_check_done (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(TendCheckVerdict) verdict = tend_check_run_finish (TEND_CHECK (object), result,
                                                               NULL);

  if (verdict == NULL || verdict->status != TEND_RESULT_PASS)
    g_error ("check: %s", verdict ? verdict->message : "cancelled");
  pending--;
}

static GPtrArray *checks;
static guint checks_base;

static void
request (const char *kind,
         guint       port)
{
  gboolean http = g_str_equal (kind, "http");

  pending++;
  if (g_str_equal (kind, "probe-http"))
    {
      g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/", port);
      g_autoptr(GUri) uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
      g_autoptr(GBytes) request = tend_http_request_new ("GET", uri);

      tend_probe_connect ("127.0.0.1", port, request, on_probe_read, on_probe_done,
                          tend_http_reader_new (FALSE, FALSE, FALSE));
    }
  else if (g_str_equal (kind, "probe-tcp"))
    tend_probe_connect ("127.0.0.1", port, NULL, NULL, on_probe_done, NULL);
  else if (g_str_has_prefix (kind, "check-"))
    tend_check_run_async (g_ptr_array_index (checks, port - checks_base), NULL, on_check_done,
                          NULL);
  else if (http)
    {
      SoupSession *session = soup_session_new_with_options ("idle-timeout", 1,
                                                            "timeout", 0, NULL);
      g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/", port);
      SoupMessage *msg = soup_message_new (SOUP_METHOD_GET, url);

      soup_session_set_proxy_resolver (session, NULL);
      soup_message_add_flags (msg, SOUP_MESSAGE_NEW_CONNECTION | SOUP_MESSAGE_NO_REDIRECT);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Connection",
                                    "close");
      soup_session_send_async (session, msg, G_PRIORITY_DEFAULT, NULL, on_sent, msg);
    }
  else
    {
      g_autoptr(GSocketClient) client = g_socket_client_new ();
      g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
      g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);

      g_socket_client_set_enable_proxy (client, FALSE);
      g_socket_client_connect_async (client, G_SOCKET_CONNECTABLE (address), NULL,
                                     on_connected, NULL);
    }
  while (pending > 0)
    g_main_context_iteration (NULL, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  const char *kinds[] = { "http", "tcp", "probe-http", "probe-tcp", "check-http", "check-tcp" };
  gboolean known = FALSE;
  guint base, ports, n;
  gint64 cpu0, t0;

  for (guint i = 0; argc == 5 && i < G_N_ELEMENTS (kinds); i++)
    known |= g_str_equal (argv[1], kinds[i]);
  if (!known)
    {
      g_printerr ("usage: bench-floor http|tcp|probe-http|probe-tcp|check-http|check-tcp "
                  "BASE PORTS N\n");
      return 1;
    }
  base = (guint) g_ascii_strtoull (argv[2], NULL, 10);
  ports = MAX ((guint) g_ascii_strtoull (argv[3], NULL, 10), 1);
  n = (guint) g_ascii_strtoull (argv[4], NULL, 10);
  g_assert (tend_probe_is_available ());

  checks = g_ptr_array_new_with_free_func (g_object_unref);
  checks_base = base;
  for (guint i = 0; g_str_has_prefix (argv[1], "check-") && i < ports; i++)
    {
      g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/", base + i);
      TendCheck *check = g_str_equal (argv[1], "check-http")
                         ? TEND_CHECK (tend_http_check_new ("http", url, NULL))
                         : tend_tcp_check_new ("tcp", "127.0.0.1", base + i, NULL);

      g_ptr_array_add (checks, check);
    }

  for (guint i = 0; i < n; i++)
    request (argv[1], base + i % ports);

  cpu0 = cpu_usec ();
  t0 = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++)
    request (argv[1], base + i % ports);
  g_print ("{\"kind\": \"%s\", \"requests\": %u, \"cpu_usec_per_request\": %.1f, "
           "\"wall_usec_per_request\": %.1f}\n", argv[1], n,
           (double) (cpu_usec () - cpu0) / n, (double) (g_get_monotonic_time () - t0) / n);
  g_ptr_array_unref (checks);
  return 0;
}
