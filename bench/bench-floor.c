/* bench-floor.c — what the libraries under a check cost alone, without Tend
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: bench-floor http|tcp BASE PORTS N
 *
 * N requests, one after another, as the checks make them but with nothing of Tend:
 *
 *  - http: a SoupSession made for the request, GET http://127.0.0.1:PORT/ on a new
 *    connection with "Connection: close", the body read to its end, the session dropped
 *    (what an HTTP check's probe does)
 *  - tcp: a GSocketClient without proxy connects to 127.0.0.1:PORT and closes (what a
 *    TCP check's probe does)
 *
 * PORT goes round BASE .. BASE+PORTS-1 (bench-servers answers them). After a first pass
 * to warm up, prints the CPU (user + system) and wall time per request of a second.
 */
#include <libsoup/soup.h>
#include <sys/resource.h>

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

static void
request (gboolean http,
         guint    port)
{
  pending++;
  if (http)
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
  gboolean http;
  guint base, ports, n;
  gint64 cpu0, t0;

  if (argc != 5 || (!g_str_equal (argv[1], "http") && !g_str_equal (argv[1], "tcp")))
    {
      g_printerr ("usage: bench-floor http|tcp BASE PORTS N\n");
      return 1;
    }
  http = g_str_equal (argv[1], "http");
  base = (guint) g_ascii_strtoull (argv[2], NULL, 10);
  ports = MAX ((guint) g_ascii_strtoull (argv[3], NULL, 10), 1);
  n = (guint) g_ascii_strtoull (argv[4], NULL, 10);

  for (guint i = 0; i < n; i++)
    request (http, base + i % ports);

  cpu0 = cpu_usec ();
  t0 = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++)
    request (http, base + i % ports);
  g_print ("{\"kind\": \"%s\", \"requests\": %u, \"cpu_usec_per_request\": %.1f, "
           "\"wall_usec_per_request\": %.1f}\n", argv[1], n,
           (double) (cpu_usec () - cpu0) / n, (double) (g_get_monotonic_time () - t0) / n);
  return 0;
}
