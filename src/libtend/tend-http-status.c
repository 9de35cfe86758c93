/* tend-http-status.c — the HTTP check's accepted status codes: parsed, and written back;
 * and the words of its messages that both its paths share (times, sizes, certificates)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * "200-399", "200,204,301-302", "2xx,304": sorted ranges that do not touch, in a GArray of
 * StatusRange; written back as the canonical text ("200-399,404") and as a message
 * says it ("200–399, 404").
 */
#define G_LOG_DOMAIN "Tend-Checks"

#include <string.h>

#include "tend-error.h"
#include "tend-http-check-private.h"
#include "tend-soup-lib.h"   /* SOUP_HTTP_URI_FLAGS, a macro: nothing of libsoup is called */
#include "tend-util-private.h"

#define ACCEPTED_FORMS "a status code (100–599), a range such as 200-399 or a class such as 2xx"

static gboolean
parse_status_number (const char *text,
                     gsize       len,
                     guint      *code)
{
  guint value = 0;

  if (len == 0 || len > 9)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isdigit (text[i]))
        return FALSE;
      value = value * 10 + (guint) (text[i] - '0');
    }
  *code = value;
  return TRUE;
}

static gboolean
status_number_in_range (const char  *item,
                        gsize        item_len,
                        guint        code,
                        GError     **error)
{
  g_autofree char *quoted = NULL;

  if (item_len == 3 && code >= 100 && code <= 599)
    return TRUE;
  quoted = tend_quote_for_message (item, item_len);
  g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
               "accepted-status: %s is not an HTTP status code (100–599)", quoted);
  return FALSE;
}

static gboolean
parse_status_item (const char   *item,
                   gsize         len,
                   StatusRange  *range,
                   GError      **error)
{
  const char *dash;
  gsize dash_len = 1;
  g_autofree char *quoted = NULL;

  /* A class: 2xx */
  if (len == 3 && item[0] >= '1' && item[0] <= '5'
      && g_ascii_tolower (item[1]) == 'x' && g_ascii_tolower (item[2]) == 'x')
    {
      range->lo = (guint) (item[0] - '0') * 100;
      range->hi = range->lo + 99;
      return TRUE;
    }

  /* A range: 200-399, or with an en dash as messages write it */
  dash = memchr (item, '-', len);
  if (dash == NULL)
    {
      g_autofree char *copy = g_strndup (item, len);
      const char *en_dash = strstr (copy, "–");

      if (en_dash != NULL)
        {
          dash = item + (en_dash - copy);
          dash_len = strlen ("–");
        }
    }

  if (dash != NULL)
    {
      const char *end = item + len;
      const char *second = dash + dash_len;

      if (parse_status_number (item, dash - item, &range->lo)
          && parse_status_number (second, end - second, &range->hi))
        {
          if (!status_number_in_range (item, dash - item, range->lo, error)
              || !status_number_in_range (second, end - second, range->hi, error))
            return FALSE;
          if (range->lo > range->hi)
            {
              quoted = tend_quote_for_message (item, len);
              g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                           "accepted-status: %s is not a range: its start is above its end",
                           quoted);
              return FALSE;
            }
          return TRUE;
        }
    }
  else if (parse_status_number (item, len, &range->lo))
    {
      range->hi = range->lo;
      return status_number_in_range (item, len, range->lo, error);
    }

  quoted = tend_quote_for_message (item, len);
  g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
               "accepted-status: %s is not " ACCEPTED_FORMS, quoted);
  return FALSE;
}

static gint
compare_ranges (gconstpointer a,
                gconstpointer b)
{
  const StatusRange *ra = a;
  const StatusRange *rb = b;

  return ra->lo < rb->lo ? -1 : ra->lo > rb->lo;
}

/* Parses "200-399", "200,204,301-302", "2xx,304" into sorted ranges that do not touch. */
GArray *
tend_http_parse_accepted_status (const char  *text,
                                 GError     **error)
{
  g_autoptr(GArray) ranges = g_array_new (FALSE, FALSE, sizeof (StatusRange));
  g_autoptr(GArray) merged = g_array_new (FALSE, FALSE, sizeof (StatusRange));
  const char *p = text;

  while (g_ascii_isspace (*p))
    p++;
  if (*p == '\0')
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   "accepted-status: is empty; give one or more, separated by commas, of "
                   ACCEPTED_FORMS);
      return NULL;
    }

  for (;;)
    {
      const char *comma = strchr (p, ',');
      const char *end = comma ? comma : p + strlen (p);
      const char *start = p;
      StatusRange range;

      while (start < end && g_ascii_isspace (*start))
        start++;
      while (end > start && g_ascii_isspace (end[-1]))
        end--;
      if (!parse_status_item (start, end - start, &range, error))
        return NULL;
      g_array_append_val (ranges, range);

      if (comma == NULL)
        break;
      p = comma + 1;
    }

  g_array_sort (ranges, compare_ranges);
  for (guint i = 0; i < ranges->len; i++)
    {
      const StatusRange *range = &g_array_index (ranges, StatusRange, i);
      StatusRange *last = merged->len > 0
                          ? &g_array_index (merged, StatusRange, merged->len - 1) : NULL;

      if (last != NULL && range->lo <= last->hi + 1)
        last->hi = MAX (last->hi, range->hi);
      else
        g_array_append_val (merged, *range);
    }
  return g_steal_pointer (&merged);
}

char *
tend_http_format_accepted_canonical (GArray *accepted)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < accepted->len; i++)
    {
      const StatusRange *range = &g_array_index (accepted, StatusRange, i);

      if (i > 0)
        g_string_append_c (out, ',');
      if (range->lo == range->hi)
        g_string_append_printf (out, "%u", range->lo);
      else
        g_string_append_printf (out, "%u-%u", range->lo, range->hi);
    }
  return g_string_free (out, FALSE);
}

/* "200–399, 404" */
char *
tend_http_format_accepted_for_message (GArray *accepted)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < accepted->len; i++)
    {
      const StatusRange *range = &g_array_index (accepted, StatusRange, i);

      if (i > 0)
        g_string_append (out, ", ");
      if (range->lo == range->hi)
        g_string_append_printf (out, "%u", range->lo);
      else
        g_string_append_printf (out, "%u–%u", range->lo, range->hi);
    }
  return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------------------------------ */
/* Words of messages                                                                     */

/* A measured time: "0.4 ms", "12 ms", "1250 ms", "12.5 s". */
char *
tend_http_format_latency (gint64 usec)
{
  if (usec < 10 * TEND_USEC_PER_MSEC)
    return g_strdup_printf ("%.1f ms", (double) usec / TEND_USEC_PER_MSEC);
  if (usec < 10 * TEND_USEC_PER_SEC)
    return g_strdup_printf ("%" G_GINT64_FORMAT " ms",
                            (usec + TEND_USEC_PER_MSEC / 2) / TEND_USEC_PER_MSEC);
  return g_strdup_printf ("%.1f s", (double) usec / TEND_USEC_PER_SEC);
}

char *
tend_http_format_size (gsize bytes)
{
  if (bytes % (1024 * 1024) == 0)
    return g_strdup_printf ("%" G_GSIZE_FORMAT " MiB", bytes / (1024 * 1024));
  if (bytes % 1024 == 0)
    return g_strdup_printf ("%" G_GSIZE_FORMAT " KiB", bytes / 1024);
  return g_strdup_printf ("%" G_GSIZE_FORMAT " bytes", bytes);
}

/* Why a certificate was refused, in words. */
char *
tend_http_describe_certificate_errors (GTlsCertificateFlags flags)
{
  static const struct { GTlsCertificateFlags flag; const char *text; } texts[] = {
    { G_TLS_CERTIFICATE_UNKNOWN_CA, "is not signed by a trusted authority (self-signed or "
      "an unknown CA)" },
    { G_TLS_CERTIFICATE_BAD_IDENTITY, "is not for this host" },
    { G_TLS_CERTIFICATE_NOT_ACTIVATED, "is not valid yet" },
    { G_TLS_CERTIFICATE_EXPIRED, "has expired" },
    { G_TLS_CERTIFICATE_REVOKED, "has been revoked" },
    { G_TLS_CERTIFICATE_INSECURE, "uses an insecure algorithm" },
    { G_TLS_CERTIFICATE_GENERIC_ERROR, "could not be verified" },
  };
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  GString *out = g_string_new ("the server's certificate ");

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    if (flags & texts[i].flag)
      g_ptr_array_add (parts, (gpointer) texts[i].text);
  if (parts->len == 0)
    g_ptr_array_add (parts, (gpointer) "could not be verified");

  for (guint i = 0; i < parts->len; i++)
    {
      if (i > 0)
        g_string_append (out, i + 1 == parts->len ? " and " : ", ");
      g_string_append (out, g_ptr_array_index (parts, i));
    }
  return g_string_free (out, FALSE);
}

static gboolean
uri_same_origin (GUri *a,
                 GUri *b)
{
  return g_str_equal (g_uri_get_scheme (a), g_uri_get_scheme (b))
         && g_ascii_strcasecmp (g_uri_get_host (a), g_uri_get_host (b)) == 0
         && g_uri_get_port (a) == g_uri_get_port (b);
}

/* A hop of a redirect chain as a message shows it: its path where it stays on the first
 * URL's origin, the whole URL where it leaves it. */
char *
tend_http_uri_hop_label (GUri *first,
               GUri *uri)
{
  if (uri_same_origin (first, uri))
    {
      const char *path = g_uri_get_path (uri);
      const char *query = g_uri_get_query (uri);

      return g_strdup_printf ("%s%s%s", *path != '\0' ? path : "/", query ? "?" : "",
                              query ? query : "");
    }
  return g_uri_to_string_partial (uri, G_URI_HIDE_PASSWORD | G_URI_HIDE_FRAGMENT);
}

/* ------------------------------------------------------------------------------------ */
/* The URL and the texts of messages (tend-http-check.c)                                 */

char *
tend_http_uri_host_port (GUri *uri)
{
  const char *host = g_uri_get_host (uri);
  int port = g_uri_get_port (uri);

  if (port < 0)
    port = g_str_equal (g_uri_get_scheme (uri), "https") ? 443 : 80;
  if (strchr (host, ':') != NULL)
    return g_strdup_printf ("[%s]:%d", host, port);
  return g_strdup_printf ("%s:%d", host, port);
}

/* GUri takes any characters in a host name; a name that DNS could hold (GUri has turned
 * an international one into its ASCII form) or an IP address is what a check can reach. */
gboolean
tend_http_host_is_valid (const char *host)
{
  if (g_hostname_is_ip_address (host))
    return TRUE;
  for (const char *p = host; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.' && *p != '_')
      return FALSE;
  return TRUE;
}

GUri *
tend_http_parse_url (const char  *url,
           GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autofree char *quoted = tend_quote_for_message (url, -1);
  const char *host;

  uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, &local_error);
  if (uri == NULL)
    {
      if (g_error_matches (local_error, G_URI_ERROR, G_URI_ERROR_BAD_PORT))
        g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                     "url: %s has a bad port; a port is 1–65535", quoted);
      else if (g_error_matches (local_error, G_URI_ERROR, G_URI_ERROR_BAD_HOST))
        g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                     "url: %s has a bad host", quoted);
      else
        g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                     "url: %s is not an http or https URL", quoted);
      return NULL;
    }

  if (!g_str_equal (g_uri_get_scheme (uri), "http")
      && !g_str_equal (g_uri_get_scheme (uri), "https"))
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   "url: %s is not an http or https URL", quoted);
      return NULL;
    }

  host = g_uri_get_host (uri);
  if (host == NULL || *host == '\0')
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   "url: %s has no host", quoted);
      return NULL;
    }
  if (!tend_http_host_is_valid (host))
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   "url: %s has a bad host", quoted);
      return NULL;
    }

  if (g_uri_get_port (uri) == 0)
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   "url: %s has a bad port; a port is 1–65535", quoted);
      return NULL;
    }

  return g_steal_pointer (&uri);
}

char *
tend_http_redirects_note (guint redirects)
{
  if (redirects == 0)
    return g_strdup ("");
  return g_strdup_printf (" after %u redirect%s", redirects, redirects == 1 ? "" : "s");
}

/* libsoup says "Header too big" with the same code as a connection closed early; its
 * message, in English or in the language of the locale, tells them apart. */
gboolean
tend_http_headers_too_big (const GError *error)
{
  static const char *const text = "Header too big";

  return g_str_equal (error->message, text) ||
         g_str_equal (error->message, g_dgettext ("libsoup-3.0", text));
}

/* A request as loop detection sees it: the same method to the same URL. */
char *
tend_http_uri_visit_key (const char *method,
               GUri       *uri)
{
  g_autofree char *text = g_uri_to_string_partial (uri, G_URI_HIDE_FRAGMENT);

  return g_strdup_printf ("%s %s", method, text);
}
