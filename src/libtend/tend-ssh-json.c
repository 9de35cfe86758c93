/* tend-ssh-json.c — a small reader of systemctl's JSON tables
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `systemctl list-units --output=json` prints one array of flat objects whose values are
 * strings (or null). json-glib builds a tree of nodes, objects and hash tables for it
 * before a line of Tend runs: 3.8 ms for 1,030 units, a fifth of the whole round trip
 * (docs/benchmarks.md). This reads that one shape straight into a string chunk. It
 * decodes every escape JSON has, and gives up (FALSE, nothing said) on anything else — a
 * number, a nested value, a syntax error — so that the caller reads the text again with
 * json-glib, whose errors are the ones a person sees.
 */
#include "config.h"

#include <string.h>

#include "tend-ssh-json.h"

typedef struct
{
  const char *p;
  const char *end;
} Scan;

static void
skip_space (Scan *s)
{
  while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\r' || *s->p == '\t'))
    s->p++;
}

static gboolean
take (Scan *s,
      char  c)
{
  skip_space (s);
  if (s->p >= s->end || *s->p != c)
    return FALSE;
  s->p++;
  return TRUE;
}

static int
hex4 (const char *p)
{
  int value = 0;

  for (int i = 0; i < 4; i++)
    {
      int digit = g_ascii_xdigit_value (p[i]);

      if (digit < 0)
        return -1;
      value = value * 16 + digit;
    }
  return value;
}

/* A string at s->p (after its opening quote) into @out, valid UTF-8. */
static gboolean
read_string (Scan    *s,
             GString *out)
{
  g_string_truncate (out, 0);
  while (s->p < s->end)
    {
      const char *run = s->p;
      int code;

      while (s->p < s->end && *s->p != '"' && *s->p != '\\' && (guchar) *s->p >= 0x20)
        s->p++;
      g_string_append_len (out, run, s->p - run);
      if (s->p >= s->end || (guchar) *s->p < 0x20)
        return FALSE;
      if (*s->p++ == '"')
        {
          if (!g_utf8_validate_len (out->str, out->len, NULL))
            {
              g_autofree char *valid = g_utf8_make_valid (out->str, out->len);

              g_string_assign (out, valid);
            }
          return TRUE;
        }
      if (s->p >= s->end)
        return FALSE;
      switch (*s->p++)
        {
        case '"': g_string_append_c (out, '"'); break;
        case '\\': g_string_append_c (out, '\\'); break;
        case '/': g_string_append_c (out, '/'); break;
        case 'b': g_string_append_c (out, '\b'); break;
        case 'f': g_string_append_c (out, '\f'); break;
        case 'n': g_string_append_c (out, '\n'); break;
        case 'r': g_string_append_c (out, '\r'); break;
        case 't': g_string_append_c (out, '\t'); break;
        case 'u':
          if (s->end - s->p < 4 || (code = hex4 (s->p)) < 0)
            return FALSE;
          s->p += 4;
          if (code >= 0xd800 && code <= 0xdbff && s->end - s->p >= 6 && s->p[0] == '\\' &&
              s->p[1] == 'u')
            {
              int low = hex4 (s->p + 2);

              if (low >= 0xdc00 && low <= 0xdfff)
                {
                  code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
                  s->p += 6;
                }
            }
          /* NUL and lone surrogates are no text: U+FFFD, as g_utf8_make_valid() says it */
          if (code == 0 || (code >= 0xd800 && code <= 0xdfff))
            code = 0xfffd;
          g_string_append_unichar (out, code);
          break;
        default:
          return FALSE;
        }
    }
  return FALSE;
}

/**
 * tend_ssh_json_scan_table:
 * @keys: the members wanted, %NULL-terminated, at most 16
 * @chunk: where the values are kept
 * @rows: (element-type utf8): gets, for each object, one pointer per key: its value in
 *   @chunk, or %NULL where the object has no such member or it is null
 *
 * Returns: %TRUE when @text is an array of flat objects whose values are strings or
 *   null; %FALSE for anything else (then @rows may hold a part, to be dropped)
 */
gboolean
tend_ssh_json_scan_table (const char         *text,
                          gsize               length,
                          const char * const *keys,
                          GStringChunk       *chunk,
                          GPtrArray          *rows)
{
  Scan s = { text, text + length };
  g_autoptr(GString) key = g_string_new (NULL);
  g_autoptr(GString) value = g_string_new (NULL);
  guint n_keys = g_strv_length ((char **) keys);

  g_return_val_if_fail (n_keys <= 16, FALSE);

  if (!take (&s, '['))
    return FALSE;
  skip_space (&s);
  if (s.p < s.end && *s.p == ']')
    {
      s.p++;
      skip_space (&s);
      return s.p == s.end;
    }
  do
    {
      const char *row[16] = { NULL, };

      if (!take (&s, '{'))
        return FALSE;
      skip_space (&s);
      if (s.p < s.end && *s.p == '}')
        s.p++;
      else
        {
          do
            {
              guint i;

              if (!take (&s, '"') || !read_string (&s, key) || !take (&s, ':'))
                return FALSE;
              skip_space (&s);
              if (s.end - s.p >= 4 && memcmp (s.p, "null", 4) == 0)
                {
                  s.p += 4;
                  continue;
                }
              if (!take (&s, '"') || !read_string (&s, value))
                return FALSE;
              for (i = 0; i < n_keys && strcmp (keys[i], key->str) != 0; i++)
                ;
              if (i < n_keys)
                row[i] = g_string_chunk_insert_len (chunk, value->str, value->len);
            }
          while (take (&s, ','));
          if (!take (&s, '}'))
            return FALSE;
        }
      for (guint i = 0; i < n_keys; i++)
        g_ptr_array_add (rows, (gpointer) row[i]);
    }
  while (take (&s, ','));
  if (!take (&s, ']'))
    return FALSE;
  skip_space (&s);
  return s.p == s.end;
}
