/* tend-util.c — small helpers shared inside libtend
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Tend"

#include "tend-error.h"
#include "tend-util-private.h"

#include <string.h>
#include <sys/resource.h>

/**
 * tend_quote_for_message_full:
 * @text: the text, which need not be valid UTF-8
 * @len: how many bytes of @text to quote, or -1 for all of it up to its NUL
 * @mark: the quote character, '"' or '\''
 * @max_chars: how many characters to quote before cutting the text short
 *
 * Quotes @text between two @mark characters for an error or a warning, so that what a
 * person reads is exactly what was given, however odd: printable characters as they
 * are; @mark and "\" with a "\" before them; newline, tab and carriage return as "\n",
 * "\t" and "\r"; other control characters, and each byte that is not part of valid
 * UTF-8, as "\xNN"; other characters that do not print as "\uNNNN". A text longer than
 * @max_chars characters (an invalid byte counts as one) is cut short with "…" inside
 * the quotes.
 *
 * Returns: (transfer full): the quoted text, valid UTF-8
 */
char *
tend_quote_for_message_full (const char *text,
                             gssize      len,
                             char        mark,
                             gsize       max_chars)
{
  GString *out;
  const char *p = text;
  const char *end;
  gsize n_chars = 0;

  g_assert (text != NULL || len == 0);
  g_assert (mark == '"' || mark == '\'');

  if (len < 0)
    len = strlen (text);

  end = text + len;
  out = g_string_sized_new (MIN ((gsize) len, max_chars * 4) + 2);
  g_string_append_c (out, mark);

  while (p < end)
    {
      gunichar c;

      if (n_chars++ == max_chars)
        {
          g_string_append (out, "…");
          break;
        }

      c = g_utf8_get_char_validated (p, end - p);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_printf (out, "\\x%02x", (guchar) *p);
          p++;
          continue;
        }

      if (c == (gunichar) mark || c == '\\')
        g_string_append_printf (out, "\\%c", (char) c);
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c == '\r')
        g_string_append (out, "\\r");
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (out, "\\x%02x", c);
      else if (!g_unichar_isprint (c))
        g_string_append_printf (out, "\\u%04X", c);
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);

      p = g_utf8_next_char (p);
    }

  g_string_append_c (out, mark);

  return g_string_free (out, FALSE);
}

/**
 * tend_quote_for_message:
 * @text: the text, which need not be valid UTF-8
 * @len: how many bytes of @text to quote, or -1 for all of it up to its NUL
 *
 * tend_quote_for_message_full() with double quotes and %TEND_QUOTE_MAX_CHARS:
 * `"foo\nbar.service"`.
 *
 * Returns: (transfer full): the quoted text, valid UTF-8
 */
char *
tend_quote_for_message (const char *text,
                        gssize      len)
{
  return tend_quote_for_message_full (text, len, '"', TEND_QUOTE_MAX_CHARS);
}

/**
 * tend_set_invalid_input:
 * @error: (nullable): where to set the error
 * @text: the input, as given
 * @what: what it should have been, with its article: "a duration", "a size"
 * @format: why it is not, printf-style
 *
 * Sets %TEND_ERROR_INVALID_ARGUMENT as "TEXT is not WHAT: REASON", with @text quoted
 * (tend_quote_for_message()): the one wording of every parser of input a person typed.
 *
 * Returns: %FALSE, so that a parser can `return tend_set_invalid_input (...)`
 */
gboolean
tend_set_invalid_input (GError    **error,
                        const char *text,
                        const char *what,
                        const char *format,
                        ...)
{
  g_autofree char *quoted = NULL;
  g_autofree char *reason = NULL;
  va_list args;

  if (error == NULL)
    return FALSE;

  quoted = tend_quote_for_message (text, -1);

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT, "%s is not %s: %s", quoted, what,
               reason);

  return FALSE;
}

/**
 * tend_json_add_string:
 * @builder: a #JsonBuilder inside an object
 * @member: the member's name
 * @value: (nullable): its value; %NULL adds a JSON null
 *
 * Adds @member with @value to the object being built.
 */
void
tend_json_add_string (JsonBuilder *builder,
                      const char  *member,
                      const char  *value)
{
  json_builder_set_member_name (builder, member);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/**
 * tend_str_set:
 * @field: (inout) (nullable): an owned string
 * @value: (nullable): the new value
 *
 * Sets @field to a copy of @value unless they are equal already (GLib 2.76's
 * g_set_str(), which Debian 12's GLib 2.74 lacks).
 *
 * Returns: whether @field changed
 */
gboolean
tend_str_set (char       **field,
              const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

/**
 * tend_ensure_fd_limit:
 * @needed: how many descriptors the process may want open at once
 *
 * Raises the soft limit of open descriptors towards the hard one when it is below
 * @needed. Debian starts desktop sessions and services at a soft limit of 1,024 (kept low
 * for programs that still use select()); a monitor told to run thousands of checks at
 * once needs more, and Tend polls with epoll and poll() only. Never lowers the limit.
 *
 * Returns: whether the soft limit is now at least @needed
 */
gboolean
tend_ensure_fd_limit (guint64 needed)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0)
    return FALSE;
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < needed)
    {
      rlim_t wanted = limit.rlim_max == RLIM_INFINITY ? needed : MIN (needed, limit.rlim_max);

      limit.rlim_cur = wanted;
      if (setrlimit (RLIMIT_NOFILE, &limit) != 0)
        return FALSE;
      g_debug ("open descriptors: soft limit raised to %" G_GUINT64_FORMAT,
               (guint64) wanted);
    }
  return limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur >= needed;
}
