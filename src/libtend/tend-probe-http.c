/* tend-probe-http.c — the request and the reading of the answer for an HTTP check's
 * cheap path (tend-probe.c carries the bytes)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The request is the one libsoup sends for the check, less what the answer's judgement
 * does not need: "METHOD path HTTP/1.1", Host, User-Agent, Accept, "Accept-Encoding:
 * identity" (the body is searched as sent), "Connection: close", and for a POST an empty
 * body.
 *
 * The answer is read as libsoup reads it, with the same limits and the same errors, so
 * the verdicts of both paths read the same:
 *
 *  - the status line and headers up to TEND_HTTP_HEADERS_MAX bytes, else "Header too
 *    big" (G_IO_ERROR_PARTIAL_INPUT, as libsoup says it); an interim 1xx answer is
 *    skipped; a status line that is not "HTTP/x.y NNN", or a bad length or chunk, is
 *    TEND_HTTP_ANSWER_ERROR_NOT_HTTP (libsoup's SOUP_SESSION_ERROR_PARSING: the same
 *    verdict, without loading libsoup);
 *  - the body by Transfer-Encoding: chunked, else Content-Length, else up to the end of
 *    the connection; none for HEAD, 1xx, 204 and 304;
 *  - the body is counted up to a limit (the caller's: 1 MiB, 64 KiB for a redirect), and
 *    kept only when a text is searched in it; past the limit the answer is complete and
 *    the connection dropped;
 *  - the end of the connection before the answer is complete is G_IO_ERROR_PARTIAL_INPUT.
 */
#define G_LOG_DOMAIN "Tend-Checks"
#define _GNU_SOURCE   /* memmem() */

#include "config.h"

#include <string.h>

#include "tend-http-check-private.h"

G_DEFINE_QUARK (tend-http-answer-error-quark, tend_http_answer_error)

typedef enum
{
  READ_HEAD,
  READ_LENGTH,
  READ_CHUNK_SIZE,
  READ_CHUNK_DATA,
  READ_CHUNK_END,
  READ_TRAILER,
  READ_TO_END,
  READ_DONE,
} ReadState;

struct _TendHttpReader
{
  ReadState state;
  gboolean head_request;        /* a HEAD's answer has no body */
  gboolean follow_redirects;    /* keep a redirect's Location */
  GByteArray *buffer;           /* (owned) the head so far; then a chunk-size line */
  guint64 remaining;            /* of the Content-Length, or of this chunk */

  guint status;
  char *location;               /* (owned) (nullable) */
  GByteArray *body;             /* (owned) (nullable) kept only when asked for */
  gsize body_len;
  gsize body_limit;
  gboolean body_truncated;
};

TendHttpReader *
tend_http_reader_new (gboolean head_request,
                      gboolean keep_body,
                      gboolean follow_redirects)
{
  TendHttpReader *reader = g_new0 (TendHttpReader, 1);

  reader->head_request = head_request;
  reader->follow_redirects = follow_redirects;
  reader->buffer = g_byte_array_new ();
  reader->body = keep_body ? g_byte_array_new () : NULL;
  return reader;
}

void
tend_http_reader_free (TendHttpReader *reader)
{
  if (reader == NULL)
    return;
  g_byte_array_unref (reader->buffer);
  g_clear_pointer (&reader->body, g_byte_array_unref);
  g_free (reader->location);
  g_free (reader);
}

guint
tend_http_reader_get_status (TendHttpReader *reader)
{
  return reader->status;
}

char *
tend_http_reader_steal_location (TendHttpReader *reader)
{
  return g_steal_pointer (&reader->location);
}

GByteArray *
tend_http_reader_get_body (TendHttpReader *reader,
                           gsize          *len,
                           gboolean       *truncated)
{
  *len = reader->body_len;
  *truncated = reader->body_truncated;
  return reader->body;
}

static gboolean
is_followed_redirect (guint status)
{
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

static gboolean
set_parse_error (GError **error)
{
  g_set_error_literal (error, TEND_HTTP_ANSWER_ERROR, TEND_HTTP_ANSWER_ERROR_NOT_HTTP,
                       "Could not parse HTTP response");
  return FALSE;
}

/* "HTTP/1.1 200 OK": the status, or 0. */
static guint
parse_status_line (const char *line,
                   gsize       len)
{
  if (len < 12 || memcmp (line, "HTTP/", 5) != 0 || !g_ascii_isdigit (line[5]) ||
      line[6] != '.' || !g_ascii_isdigit (line[7]) || line[8] != ' ' ||
      !g_ascii_isdigit (line[9]) || !g_ascii_isdigit (line[10]) || !g_ascii_isdigit (line[11]) ||
      (len > 12 && line[12] != ' '))
    return 0;
  if (line[9] == '0')
    return 0;
  return (guint) ((line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0'));
}

static char *
header_value (const char *start,
              const char *end)
{
  while (start < end && (*start == ' ' || *start == '\t'))
    start++;
  while (end > start && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
    end--;
  return g_strndup (start, end - start);
}

/* Parses the head in buffer[0, head_len): the status and what the body needs. */
static gboolean
parse_head (TendHttpReader  *reader,
            gsize            head_len,
            GError         **error)
{
  const char *text = (const char *) reader->buffer->data;
  const char *end = text + head_len;
  const char *line_end = memchr (text, '\n', head_len);
  gboolean chunked = FALSE;
  gboolean has_length = FALSE;
  guint64 length = 0;

  if (memchr (text, '\0', head_len) != NULL)
    return set_parse_error (error);

  reader->status = parse_status_line (text, (gsize) (line_end - text) -
                                      (line_end > text && line_end[-1] == '\r'));
  if (reader->status == 0)
    return set_parse_error (error);
  g_clear_pointer (&reader->location, g_free);

  for (const char *line = line_end + 1; line < end; line = line_end + 1)
    {
      const char *colon;
      gsize name_len;

      line_end = memchr (line, '\n', end - line);
      if (line_end == NULL)
        line_end = end;
      colon = memchr (line, ':', line_end - line);
      if (colon == NULL || colon == line)
        continue;   /* not a header (the blank line, or junk libsoup skips too) */
      name_len = colon - line;

      if (name_len == 14 && g_ascii_strncasecmp (line, "Content-Length", 14) == 0)
        {
          g_autofree char *value = header_value (colon + 1, line_end);
          char *value_end = NULL;

          if (!g_ascii_isdigit (value[0]))
            return set_parse_error (error);
          length = g_ascii_strtoull (value, &value_end, 10);
          if (*value_end != '\0')
            return set_parse_error (error);
          has_length = TRUE;
        }
      else if (name_len == 17 && g_ascii_strncasecmp (line, "Transfer-Encoding", 17) == 0)
        {
          g_autofree char *value = header_value (colon + 1, line_end);

          chunked = g_ascii_strcasecmp (value, "identity") != 0;
          if (chunked && g_ascii_strcasecmp (value, "chunked") != 0)
            return set_parse_error (error);
        }
      else if (name_len == 8 && g_ascii_strncasecmp (line, "Location", 8) == 0 &&
               reader->follow_redirects && is_followed_redirect (reader->status))
        {
          g_free (reader->location);
          reader->location = header_value (colon + 1, line_end);
        }
    }

  reader->body_limit = reader->location != NULL ? TEND_HTTP_REDIRECT_BODY_MAX
                                                : TEND_HTTP_CHECK_MAX_BODY;
  if (reader->head_request || reader->status < 200 || reader->status == 204 ||
      reader->status == 304)
    reader->state = READ_DONE;
  else if (chunked)
    reader->state = READ_CHUNK_SIZE;
  else if (has_length)
    {
      reader->remaining = length;
      reader->state = length > 0 ? READ_LENGTH : READ_DONE;
    }
  else
    reader->state = READ_TO_END;
  return TRUE;
}

/* Counts (and keeps, when asked) @len bytes of body. Returns FALSE past the limit. */
static gboolean
take_body (TendHttpReader *reader,
           const guint8   *data,
           gsize           len)
{
  gsize room = reader->body_limit - reader->body_len;

  if (len > room)
    {
      if (reader->body != NULL && reader->location == NULL)
        g_byte_array_append (reader->body, data, room);
      reader->body_len = reader->body_limit;
      reader->body_truncated = TRUE;
      reader->state = READ_DONE;
      return FALSE;
    }
  if (reader->body != NULL && reader->location == NULL)
    g_byte_array_append (reader->body, data, len);
  reader->body_len += len;
  return TRUE;
}

/* The head: a blank line ends it, "\r\n\r\n" or (as libsoup also takes) "\n\n". */
static gssize
find_head_end (GByteArray *buffer,
               gsize       from)
{
  const guint8 *data = buffer->data;

  for (gsize i = from; i < buffer->len; i++)
    if (data[i] == '\n')
      {
        if (i >= 1 && data[i - 1] == '\n')
          return (gssize) i + 1;
        if (i >= 2 && data[i - 1] == '\r' && data[i - 2] == '\n')
          return (gssize) i + 1;
      }
  return -1;
}

static gboolean
feed_head (TendHttpReader  *reader,
           const guint8   **data,
           gsize           *len,
           GError         **error)
{
  gsize searched = reader->buffer->len > 2 ? reader->buffer->len - 2 : 0;
  gsize take = MIN (*len, TEND_HTTP_HEADERS_MAX + 1 - reader->buffer->len);
  gssize head_len;
  gsize rest;

  g_byte_array_append (reader->buffer, *data, take);
  head_len = find_head_end (reader->buffer, searched);
  if (head_len < 0)
    {
      *data += take;
      *len -= take;
      if (reader->buffer->len > TEND_HTTP_HEADERS_MAX)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT, "Header too big");
          return FALSE;
        }
      return TRUE;
    }

  if (!parse_head (reader, (gsize) head_len, error))
    return FALSE;
  /* What came after the head goes back to the input. */
  rest = reader->buffer->len - (gsize) head_len;
  *data += take - rest;
  *len -= take - rest;
  g_byte_array_set_size (reader->buffer, 0);
  if (reader->status < 200 && reader->status != 101)
    reader->state = READ_HEAD;   /* an interim answer: the real one follows */
  return TRUE;
}

/* A chunk-size line ("1a;ext\r\n"), or the end of a trailer line. Returns the line's
 * length without its end when complete, -1 when more is needed. */
static gssize
take_line (TendHttpReader  *reader,
           const guint8   **data,
           gsize           *len,
           GError         **error)
{
  const guint8 *nl = memchr (*data, '\n', *len);
  gsize take = nl != NULL ? (gsize) (nl - *data) + 1 : *len;
  gssize line_len;

  if (reader->buffer->len + take > 4096)
    return set_parse_error (error) ? -1 : -2;
  g_byte_array_append (reader->buffer, *data, take);
  *data += take;
  *len -= take;
  if (nl == NULL)
    return -1;
  line_len = (gssize) reader->buffer->len - 1;
  if (line_len > 0 && reader->buffer->data[line_len - 1] == '\r')
    line_len--;
  return line_len;
}

/**
 * tend_http_reader_feed:
 * @len: 0 at the end of the connection
 *
 * Returns: TRUE when the answer is complete (or as much of the body as is read); FALSE
 *   with @error for a wrong answer, FALSE without it when more is needed
 */
gboolean
tend_http_reader_feed (TendHttpReader  *reader,
                       const guint8    *data,
                       gsize            len,
                       GError         **error)
{
  if (len == 0)
    {
      if (reader->state == READ_TO_END || reader->state == READ_DONE)
        {
          reader->state = READ_DONE;
          return TRUE;
        }
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
                           "Connection terminated unexpectedly");
      return FALSE;
    }

  while (len > 0 && reader->state != READ_DONE)
    {
      switch (reader->state)
        {
        case READ_HEAD:
          if (!feed_head (reader, &data, &len, error))
            return FALSE;
          break;

        case READ_LENGTH:
          {
            gsize take = (gsize) MIN ((guint64) len, reader->remaining);

            if (!take_body (reader, data, take))
              return TRUE;
            data += take;
            len -= take;
            reader->remaining -= take;
            if (reader->remaining == 0)
              reader->state = READ_DONE;
          }
          break;

        case READ_TO_END:
          if (!take_body (reader, data, len))
            return TRUE;
          len = 0;
          break;

        case READ_CHUNK_SIZE:
          {
            gssize line_len = take_line (reader, &data, &len, error);
            char *end = NULL;

            if (line_len == -2)
              return FALSE;
            if (line_len < 0)
              break;
            if (line_len == 0 || !g_ascii_isxdigit (reader->buffer->data[0]))
              return set_parse_error (error);
            reader->buffer->data[line_len] = '\0';
            reader->remaining = g_ascii_strtoull ((const char *) reader->buffer->data, &end, 16);
            if (*end != '\0' && *end != ';' && *end != ' ' && *end != '\t')
              return set_parse_error (error);
            g_byte_array_set_size (reader->buffer, 0);
            reader->state = reader->remaining > 0 ? READ_CHUNK_DATA : READ_TRAILER;
          }
          break;

        case READ_CHUNK_DATA:
          {
            gsize take = (gsize) MIN ((guint64) len, reader->remaining);

            if (!take_body (reader, data, take))
              return TRUE;
            data += take;
            len -= take;
            reader->remaining -= take;
            if (reader->remaining == 0)
              reader->state = READ_CHUNK_END;
          }
          break;

        case READ_CHUNK_END:
        case READ_TRAILER:
          {
            gssize line_len = take_line (reader, &data, &len, error);

            if (line_len == -2)
              return FALSE;
            if (line_len < 0)
              break;
            g_byte_array_set_size (reader->buffer, 0);
            if (reader->state == READ_CHUNK_END)
              {
                if (line_len != 0)
                  return set_parse_error (error);
                reader->state = READ_CHUNK_SIZE;
              }
            else if (line_len == 0)
              reader->state = READ_DONE;
          }
          break;

        case READ_DONE:
        default:
          g_assert_not_reached ();
        }
    }
  return reader->state == READ_DONE;
}

/**
 * tend_http_request_new:
 *
 * Returns: (transfer full): the request an HTTP check's cheap path writes for @method to
 *   @uri (an http URL)
 */
GBytes *
tend_http_request_new (const char *method,
                       GUri       *uri)
{
  const char *host = g_uri_get_host (uri);
  const char *path = g_uri_get_path (uri);
  const char *query = g_uri_get_query (uri);
  int port = g_uri_get_port (uri);
  GString *out = g_string_sized_new (256);
  gboolean v6 = strchr (host, ':') != NULL;
  char digits[8];

  /* Appends, not printf: this is made for every run, and printf was most of its cost. */
  g_string_append (out, method);
  g_string_append_c (out, ' ');
  g_string_append (out, *path != '\0' ? path : "/");
  if (query != NULL)
    {
      g_string_append_c (out, '?');
      g_string_append (out, query);
    }
  g_string_append (out, " HTTP/1.1\r\nHost: ");
  if (v6)
    g_string_append_c (out, '[');
  g_string_append (out, host);
  if (v6)
    g_string_append_c (out, ']');
  if (port > 0 && port != 80)
    {
      int n = G_N_ELEMENTS (digits);

      for (guint rest = (guint) port; rest > 0 && n > 0; rest /= 10)
        digits[--n] = (char) ('0' + rest % 10);
      g_string_append_c (out, ':');
      g_string_append_len (out, digits + n, G_N_ELEMENTS (digits) - n);
    }
  g_string_append (out, "\r\nUser-Agent: Tend/" PACKAGE_VERSION "\r\nAccept: */*\r\n"
                   "Accept-Encoding: identity\r\nConnection: close\r\n");
  if (g_str_equal (method, "POST"))
    g_string_append (out, "Content-Length: 0\r\n");
  g_string_append (out, "\r\n");
  return g_string_free_to_bytes (out);
}
