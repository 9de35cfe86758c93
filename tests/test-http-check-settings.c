/* test-http-check-settings.c — an http check's settings: what it accepts and refuses
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Split from test-http-check.c, which runs checks against servers; nothing here talks
 * to the network.
 */
#define G_LOG_DOMAIN "Tend"

#include <string.h>

#include "tend-duration.h"
#include "tend-error.h"
#include "tend-http-check.h"
#include "tend-http-check-private.h"

#define MS TEND_USEC_PER_MSEC
#define SEC TEND_USEC_PER_SEC

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
  return check;
}

/* ------------------------------------------------------------------------------------ */
/* Making a check: bad input                                                             */

static void
test_url_refused (void)
{
  static const struct { const char *url; const char *message; } cases[] = {
    { "", "url: \"\" is not an http or https URL" },
    { "localhost:8080/health", "url: \"localhost:8080/health\" is not an http or https URL" },
    { "/health", "url: \"/health\" is not an http or https URL" },
    { "ftp://files.example/", "url: \"ftp://files.example/\" is not an http or https URL" },
    { "file:///etc/passwd", "url: \"file:///etc/passwd\" is not an http or https URL" },
    { "ws://127.0.0.1:8080/", "url: \"ws://127.0.0.1:8080/\" is not an http or https URL" },
    { "http://", "url: \"http://\" has no host" },
    { "http:///health", "url: \"http:///health\" has no host" },
    { "https:/health", "url: \"https:/health\" has no host" },
    { "http://127.0.0.1:0/", "url: \"http://127.0.0.1:0/\" has a bad port; a port is 1–65535" },
    { "http://127.0.0.1:70000/",
      "url: \"http://127.0.0.1:70000/\" has a bad port; a port is 1–65535" },
    { "http://127.0.0.1:port/",
      "url: \"http://127.0.0.1:port/\" has a bad port; a port is 1–65535" },
    { "http://[::1/", "url: \"http://[::1/\" has a bad host" },
    { "http://exa mple.com/", "url: \"http://exa mple.com/\" has a bad host" },
    { "http://local\nhost/", "url: \"http://local\\nhost/\" has a bad host" },
    { "http://ex<am>ple/", "url: \"http://ex<am>ple/\" has a bad host" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TendHttpCheck) check = NULL;

      g_test_message ("url: %s", cases[i].url);
      check = tend_http_check_new ("web", cases[i].url, &error);
      g_assert_null (check);
      g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

static void
test_url_accepted (void)
{
  static const char * const urls[] = {
    "http://127.0.0.1:8080/health",
    "https://localhost/",
    "HTTP://Example.COM",
    "http://[::1]:9000/status?full=1",
    "https://user:secret@example.com:8443/health#top",
    "http://127.0.0.1:65535/",
    "http://bücher.example/",
    "http://[fe80::1%25eth0]:8080/",
  };

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TendHttpCheck) check = NULL;
      g_autofree char *url = NULL;

      check = tend_http_check_new ("web", urls[i], &error);
      g_assert_no_error (error);
      g_assert_nonnull (check);
      g_assert_cmpstr (tend_http_check_get_url (check), ==, urls[i]);
      g_object_get (check, "url", &url, NULL);
      g_assert_cmpstr (url, ==, urls[i]);
    }
}

static void
test_defaults (void)
{
  g_autoptr(TendHttpCheck) check = new_check ("http://127.0.0.1:8080/");

  g_assert_cmpstr (tend_check_get_kind (TEND_CHECK (check)), ==, "http");
  g_assert_cmpstr (tend_check_get_name (TEND_CHECK (check)), ==, "web");
  g_assert_cmpstr (tend_http_check_get_method (check), ==, "GET");
  g_assert_cmpstr (tend_http_check_get_accepted_status (check), ==, "200-399");
  g_assert_null (tend_http_check_get_expect_body (check));
  g_assert_true (tend_http_check_get_verify_tls (check));
  g_assert_true (tend_http_check_get_follow_redirects (check));
  g_assert_cmpint (tend_http_check_get_latency_threshold (check), ==, SEC);
  g_assert_false (tend_http_check_accepts_status (check, 199));
  g_assert_true (tend_http_check_accepts_status (check, 200));
  g_assert_true (tend_http_check_accepts_status (check, 399));
  g_assert_false (tend_http_check_accepts_status (check, 400));
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  (*(guint *) user_data)++;
}

static void
test_method (void)
{
  g_autoptr(TendHttpCheck) check = new_check ("http://127.0.0.1:8080/");
  g_autoptr(GError) error = NULL;
  guint notified = 0;

  g_signal_connect (check, "notify::method", G_CALLBACK (count_notify), &notified);

  g_assert_true (tend_http_check_set_method (check, "head", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (tend_http_check_get_method (check), ==, "HEAD");
  g_assert_true (tend_http_check_set_method (check, "HEAD", &error));
  g_assert_cmpuint (notified, ==, 1);
  g_assert_true (tend_http_check_set_method (check, "Post", &error));
  g_assert_cmpstr (tend_http_check_get_method (check), ==, "POST");
  g_assert_cmpuint (notified, ==, 2);

  g_assert_false (tend_http_check_set_method (check, "PUT", &error));
  g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==, "method: \"PUT\" is not one of GET, HEAD, POST");
  g_clear_error (&error);
  g_assert_false (tend_http_check_set_method (check, "", &error));
  g_assert_cmpstr (error->message, ==, "method: \"\" is not one of GET, HEAD, POST");
  g_clear_error (&error);
  g_assert_cmpstr (tend_http_check_get_method (check), ==, "POST");

  /* HEAD gets no body: it cannot be searched. */
  g_assert_true (tend_http_check_set_expect_body (check, "ready", &error));
  g_assert_false (tend_http_check_set_method (check, "HEAD", &error));
  g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==, "method: HEAD gets no body in which to find expect-body; "
                   "use GET, or clear expect-body first");
  g_clear_error (&error);
  g_assert_cmpstr (tend_http_check_get_method (check), ==, "POST");
  g_assert_cmpuint (notified, ==, 2);
}

static void
test_expect_body (void)
{
  g_autoptr(TendHttpCheck) check = new_check ("http://127.0.0.1:8080/");
  g_autoptr(GError) error = NULL;
  g_autofree char *huge = NULL;
  guint notified = 0;

  g_signal_connect (check, "notify::expect-body", G_CALLBACK (count_notify), &notified);

  g_assert_true (tend_http_check_set_expect_body (check, "ready", &error));
  g_assert_cmpstr (tend_http_check_get_expect_body (check), ==, "ready");
  g_assert_true (tend_http_check_set_expect_body (check, "ready", &error));
  g_assert_cmpuint (notified, ==, 1);
  g_assert_true (tend_http_check_set_expect_body (check, "", &error));
  g_assert_null (tend_http_check_get_expect_body (check));
  g_assert_cmpuint (notified, ==, 2);
  g_assert_no_error (error);

  huge = g_malloc (TEND_HTTP_CHECK_MAX_BODY + 2);
  memset (huge, 'a', TEND_HTTP_CHECK_MAX_BODY + 1);
  huge[TEND_HTTP_CHECK_MAX_BODY + 1] = '\0';
  g_assert_false (tend_http_check_set_expect_body (check, huge, &error));
  g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==,
                   "expect-body: the text is longer than the 1 MiB of a body that a check reads");
  g_clear_error (&error);

  g_assert_true (tend_http_check_set_method (check, "HEAD", &error));
  g_assert_false (tend_http_check_set_expect_body (check, "ready", &error));
  g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==, "expect-body: a HEAD request gets no body to search; set "
                   "the method to GET or POST first");
  g_clear_error (&error);
  g_assert_null (tend_http_check_get_expect_body (check));
  g_assert_cmpuint (notified, ==, 2);
}

static void
test_accepted_status (void)
{
  static const struct { const char *text; const char *canonical; } good[] = {
    { "200", "200" },
    { "200-399", "200-399" },
    { "200–399", "200-399" },
    { " 200 , 204 ", "200,204" },
    { "2xx", "200-299" },
    { "2XX,3xx", "200-399" },
    { "301,200-204,205", "200-205,301" },
    { "500,200", "200,500" },
    { "200-299,250-320", "200-320" },
    { "100-599", "100-599" },
  };
  static const struct { const char *text; const char *message; } bad[] = {
    { "", "accepted-status: is empty; give one or more, separated by commas, of a status code "
      "(100–599), a range such as 200-399 or a class such as 2xx" },
    { "  ", "accepted-status: is empty; give one or more, separated by commas, of a status code "
      "(100–599), a range such as 200-399 or a class such as 2xx" },
    { "99", "accepted-status: \"99\" is not an HTTP status code (100–599)" },
    { "600", "accepted-status: \"600\" is not an HTTP status code (100–599)" },
    { "200-700", "accepted-status: \"700\" is not an HTTP status code (100–599)" },
    { "0200", "accepted-status: \"0200\" is not an HTTP status code (100–599)" },
    { "399-200", "accepted-status: \"399-200\" is not a range: its start is above its end" },
    { "ok", "accepted-status: \"ok\" is not a status code (100–599), a range such as 200-399 "
      "or a class such as 2xx" },
    { "200,", "accepted-status: \"\" is not a status code (100–599), a range such as 200-399 "
      "or a class such as 2xx" },
    { "200,,300", "accepted-status: \"\" is not a status code (100–599), a range such as "
      "200-399 or a class such as 2xx" },
    { "6xx", "accepted-status: \"6xx\" is not a status code (100–599), a range such as 200-399 "
      "or a class such as 2xx" },
    { "200-", "accepted-status: \"200-\" is not a status code (100–599), a range such as "
      "200-399 or a class such as 2xx" },
    { "-200", "accepted-status: \"-200\" is not a status code (100–599), a range such as "
      "200-399 or a class such as 2xx" },
    { "+200", "accepted-status: \"+200\" is not a status code (100–599), a range such as "
      "200-399 or a class such as 2xx" },
    { "99999999999", "accepted-status: \"99999999999\" is not a status code (100–599), a range "
      "such as 200-399 or a class such as 2xx" },
  };
  g_autoptr(TendHttpCheck) check = new_check ("http://127.0.0.1:8080/");
  guint notified = 0;

  g_signal_connect (check, "notify::accepted-status", G_CALLBACK (count_notify), &notified);

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("accepted-status: %s", good[i].text);
      g_assert_true (tend_http_check_set_accepted_status (check, good[i].text, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (tend_http_check_get_accepted_status (check), ==, good[i].canonical);
    }
  g_assert_cmpuint (notified, ==, G_N_ELEMENTS (good) - 1);   /* "200–399" repeats "200-399" */

  g_assert_true (tend_http_check_set_accepted_status (check, "200,204,300-302", NULL));
  for (guint status = 100; status < 600; status++)
    g_assert_cmpint (tend_http_check_accepts_status (check, status), ==,
                     status == 200 || status == 204 || (status >= 300 && status <= 302));

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("accepted-status: %s", bad[i].text);
      g_assert_false (tend_http_check_set_accepted_status (check, bad[i].text, &error));
      g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
      g_assert_cmpstr (error->message, ==, bad[i].message);
      g_assert_cmpstr (tend_http_check_get_accepted_status (check), ==, "200,204,300-302");
    }
}

static void
test_latency_threshold (void)
{
  g_autoptr(TendHttpCheck) check = new_check ("http://127.0.0.1:8080/");
  g_autoptr(GError) error = NULL;
  gint64 value = 0;

  g_assert_true (tend_http_check_set_latency_threshold (check, 250 * MS, &error));
  g_assert_no_error (error);
  g_object_get (check, "latency-threshold", &value, NULL);
  g_assert_cmpint (value, ==, 250 * MS);
  g_assert_true (tend_http_check_set_latency_threshold (check, 0, &error));
  g_assert_cmpint (tend_http_check_get_latency_threshold (check), ==, 0);

  g_assert_false (tend_http_check_set_latency_threshold (check, -1, &error));
  g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==, "latency-threshold: must not be negative (0 turns it off)");
  g_assert_cmpint (tend_http_check_get_latency_threshold (check), ==, 0);
}

/* Which path a new check's runs take, with nothing set: the cheap one for a plain
 * http:// URL, libsoup for https and for a URL with credentials (tend-http-check.c). */
static void
test_path (void)
{
  static const struct { const char *url; gboolean probe; } cases[] = {
    { "http://127.0.0.1:8080/health", TRUE },
    { "http://[::1]:8080/", TRUE },
    { "http://localhost/", TRUE },
    { "https://127.0.0.1:8443/health", FALSE },
    { "http://user:secret@127.0.0.1:8080/", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TendHttpCheck) check = new_check ("%s", cases[i].url);

      g_test_message ("%s", cases[i].url);
      g_assert_true (tend_http_check_uses_probe (check) == cases[i].probe);
      /* What a redirect, a method or an expected text change does not: the path is the
       * URL's. */
      g_assert_true (tend_http_check_set_method (check, "POST", NULL));
      g_assert_true (tend_http_check_set_expect_body (check, "ok", NULL));
      tend_http_check_set_follow_redirects (check, FALSE);
      g_assert_true (tend_http_check_uses_probe (check) == cases[i].probe);
      tend_http_check_set_force_soup (check, TRUE);
      g_assert_false (tend_http_check_uses_probe (check));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/http-check/url/refused", test_url_refused);
  g_test_add_func ("/http-check/url/accepted", test_url_accepted);
  g_test_add_func ("/http-check/settings/defaults", test_defaults);
  g_test_add_func ("/http-check/settings/method", test_method);
  g_test_add_func ("/http-check/settings/expect-body", test_expect_body);
  g_test_add_func ("/http-check/settings/accepted-status", test_accepted_status);
  g_test_add_func ("/http-check/settings/latency-threshold", test_latency_threshold);

  g_test_add_func ("/http-check/settings/path", test_path);
  return g_test_run ();
}
