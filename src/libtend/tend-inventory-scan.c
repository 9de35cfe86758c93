/* tend-inventory-scan.c — reading an inventory, stages 1 and 2: limits and strict syntax,
 * then json-glib
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One linear pass over the text, without recursion, before json-glib sees it: the size,
 * the depth, the number of values and of containers, and strict RFC 8259 syntax, each
 * reported with its line, column and JSON path (see tend-inventory.c for why).
 */

#define G_LOG_DOMAIN "Tend-Inventory"

#include "tend-inventory-private.h"

#include <math.h>
#include <string.h>

#include "tend-util-private.h"

/* What a message says about the character at @p: "x", "\x01", or the end of the text. */
static char *
quote_char (const char *p,
            const char *end)
{
  gunichar c;

  if (p >= end)
    return g_strdup ("the end of the text");

  c = g_utf8_get_char_validated (p, end - p);
  if (c == (gunichar) -1 || c == (gunichar) -2)
    return tend_quote_for_message (p, 1);

  return tend_quote_for_message (p, g_utf8_next_char (p) - p);
}

typedef struct
{
  gboolean    is_object;
  gboolean    has_key;   /* objects: a member's key has been read */
  guint       index;     /* arrays: the element being read */
  GString    *key;       /* objects: the key of the member being read, decoded */
  GHashTable *keys;      /* objects: the keys seen so far */
} ScanFrame;

typedef struct
{
  const char            *p;
  const char            *end;
  const char            *line_start;
  guint                  line;
  guint                  depth;
  guint                  n_values;
  guint                  n_containers;
  ScanFrame              frames[TEND_INVENTORY_MAX_DEPTH];
  GString               *path;
  TendInventoryProblems *problems;
} Scanner;

static const char *
scanner_path (Scanner *s)
{
  g_string_assign (s->path, "$");

  for (guint i = 0; i < s->depth; i++)
    {
      ScanFrame *frame = &s->frames[i];

      if (!frame->is_object)
        tend_inventory_path_push_index (s->path, frame->index);
      else if (frame->has_key)
        tend_inventory_path_push_key (s->path, frame->key->str);
    }

  return s->path->str;
}

static guint
scanner_column (Scanner    *s,
                const char *at)
{
  guint column = 1;

  /* Characters, not bytes: count every byte that does not continue a UTF-8 sequence */
  for (const char *p = s->line_start; p < at; p++)
    {
      if (((guchar) *p & 0xc0) != 0x80)
        column++;
    }

  return column;
}

G_GNUC_PRINTF (3, 4)
static gboolean
scan_fail (Scanner    *s,
           const char *at,
           const char *format,
           ...)
{
  g_autofree char *reason = NULL;
  va_list args;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);

  tend_inventory_problem (s->problems, scanner_path (s), "invalid JSON at line %u, column %u: %s",
                          s->line, scanner_column (s, at), reason);

  return FALSE;
}

/* A limit passed: not a syntax error, but the same place in the text. */
G_GNUC_PRINTF (3, 4)
static gboolean
scan_limit (Scanner    *s,
            const char *at,
            const char *format,
            ...)
{
  g_autofree char *reason = NULL;
  va_list args;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);

  tend_inventory_problem (s->problems, scanner_path (s), "%s (line %u, column %u)",
                          reason, s->line, scanner_column (s, at));

  return FALSE;
}

static void
skip_space (Scanner *s)
{
  while (s->p < s->end)
    {
      char c = *s->p;

      if (c == '\n')
        {
          s->line++;
          s->line_start = s->p + 1;
        }
      else if (c != ' ' && c != '\t' && c != '\r')
        return;

      s->p++;
    }
}

static gboolean
scan_end_of_text (Scanner *s)
{
  ScanFrame *top = &s->frames[s->depth - 1];

  return scan_fail (s, s->p, "the text ends before the %s is closed",
                    top->is_object ? "object" : "array");
}

static gboolean
read_hex4 (Scanner  *s,
           gunichar *value)
{
  *value = 0;

  if (s->end - s->p < 4)
    return FALSE;

  for (guint i = 0; i < 4; i++)
    {
      int digit = g_ascii_xdigit_value (s->p[i]);

      if (digit < 0)
        return FALSE;
      *value = *value * 16 + digit;
    }

  s->p += 4;
  return TRUE;
}

/* At a backslash inside a string */
static gboolean
scan_escape (Scanner *s,
             GString *out)
{
  const char *at = s->p;
  char c;
  gunichar u;
  gunichar low;

  if (s->end - s->p < 2)
    return scan_fail (s, s->end, "the text ends inside a string");

  c = s->p[1];
  s->p += 2;

  switch (c)
    {
    case '"': case '\\': case '/':
      break;
    case 'b':
      c = '\b';
      break;
    case 'f':
      c = '\f';
      break;
    case 'n':
      c = '\n';
      break;
    case 'r':
      c = '\r';
      break;
    case 't':
      c = '\t';
      break;

    case 'u':
      if (!read_hex4 (s, &u))
        return scan_fail (s, at, "\\u must be followed by four hexadecimal digits");
      if (u == 0)
        return scan_fail (s, at, "\\u0000 (NUL) is not allowed in a string");
      if (u >= 0xdc00 && u <= 0xdfff)
        return scan_fail (s, at, "\\u%04x is the second half of a surrogate pair, without the "
                          "first", u);
      if (u >= 0xd800 && u <= 0xdbff)
        {
          if (s->end - s->p < 6 || s->p[0] != '\\' || s->p[1] != 'u')
            return scan_fail (s, at, "\\u%04x is the first half of a surrogate pair, without the "
                              "second", u);
          s->p += 2;
          if (!read_hex4 (s, &low) || low < 0xdc00 || low > 0xdfff)
            return scan_fail (s, at, "\\u%04x is the first half of a surrogate pair, without the "
                              "second", u);
          u = 0x10000 + ((u - 0xd800) << 10) + (low - 0xdc00);
        }
      if (out != NULL)
        g_string_append_unichar (out, u);
      return TRUE;

    default:
      {
        g_autofree char *quoted = quote_char (at + 1, s->end);

        return scan_fail (s, at, "\\%s is not an escape; JSON knows \\\", \\\\, \\/, \\b, \\f, "
                          "\\n, \\r, \\t and \\u followed by four hexadecimal digits",
                          quoted);
      }
    }

  if (out != NULL)
    g_string_append_c (out, c);

  return TRUE;
}

/* At the opening quote of a string; its decoded text goes to @out when not %NULL. */
static gboolean
scan_string (Scanner *s,
             GString *out)
{
  s->p++;

  for (;;)
    {
      guchar c;
      gunichar u;

      if (s->p >= s->end)
        return scan_fail (s, s->p, "the text ends inside a string");

      c = (guchar) *s->p;

      if (c == '"')
        {
          s->p++;
          return TRUE;
        }

      if (c == '\\')
        {
          if (!scan_escape (s, out))
            return FALSE;
          continue;
        }

      if (c < 0x20)
        return scan_fail (s, s->p, "a string holds the control character U+%04X; write it as "
                          "an escape such as \\n or \\u%04x", c, c);

      if (c < 0x80)
        {
          if (out != NULL)
            g_string_append_c (out, (char) c);
          s->p++;
          continue;
        }

      u = g_utf8_get_char_validated (s->p, s->end - s->p);
      if (u == (gunichar) -1 || u == (gunichar) -2)
        return scan_fail (s, s->p, "the text is not valid UTF-8 (byte 0x%02x)", c);

      if (out != NULL)
        g_string_append_len (out, s->p, g_utf8_skip[c]);
      s->p += g_utf8_skip[c];
    }
}

static gboolean
scan_number (Scanner *s)
{
  const char *start = s->p;
  const char *p = s->p;
  gboolean is_integer = TRUE;
  g_autofree char *text = NULL;

  if (*p == '-')
    p++;

  if (p >= s->end || !g_ascii_isdigit (*p))
    return scan_fail (s, start, "a minus sign must be followed by digits");

  if (*p == '0')
    {
      p++;
      if (p < s->end && g_ascii_isdigit (*p))
        return scan_fail (s, start, "a number may not start with 0 unless it is 0");
    }
  else
    {
      while (p < s->end && g_ascii_isdigit (*p))
        p++;
    }

  if (p < s->end && *p == '.')
    {
      p++;
      if (p >= s->end || !g_ascii_isdigit (*p))
        return scan_fail (s, start, "a decimal point must be followed by digits");
      while (p < s->end && g_ascii_isdigit (*p))
        p++;
      is_integer = FALSE;
    }

  if (p < s->end && (*p == 'e' || *p == 'E'))
    {
      p++;
      if (p < s->end && (*p == '+' || *p == '-'))
        p++;
      if (p >= s->end || !g_ascii_isdigit (*p))
        return scan_fail (s, start, "an exponent must be followed by digits");
      while (p < s->end && g_ascii_isdigit (*p))
        p++;
      is_integer = FALSE;
    }

  if (p < s->end && (g_ascii_isalnum (*p) || *p == '.' || *p == '_'))
    {
      g_autofree char *quoted = NULL;

      while (p < s->end && (g_ascii_isalnum (*p) || *p == '.' || *p == '_'))
        p++;
      quoted = tend_quote_for_message (start, p - start);
      return scan_fail (s, start, "%s is not a number", quoted);
    }

  s->p = p;

  if (is_integer)
    {
      gint64 value;

      /* 20 characters hold any gint64 with its sign */
      if (p - start <= 20)
        {
          text = g_strndup (start, p - start);
          if (g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, &value, NULL))
            return TRUE;
        }
    }
  else
    {
      text = g_strndup (start, p - start);
      if (isfinite (g_ascii_strtod (text, NULL)))
        return TRUE;
    }

  {
    g_autofree char *quoted = tend_quote_for_message (start, p - start);

    return scan_limit (s, start, "the number %s is too large; numbers in an inventory fit in "
                       "64 bits", quoted);
  }
}

static gboolean
scan_word (Scanner *s)
{
  const char *start = s->p;
  const char *p = s->p;
  g_autofree char *quoted = NULL;

  while (p < s->end && (g_ascii_isalnum (*p) || *p == '_'))
    p++;

  if ((p - start == 4 && memcmp (start, "true", 4) == 0) ||
      (p - start == 5 && memcmp (start, "false", 5) == 0) ||
      (p - start == 4 && memcmp (start, "null", 4) == 0))
    {
      s->p = p;
      return TRUE;
    }

  quoted = tend_quote_for_message (start, p - start);
  return scan_fail (s, start, "expected a value, got %s; text is written in double quotes, "
                    "and the only words JSON knows are true, false and null", quoted);
}

/* Hints for a character where something else was expected */
static const char *
hint_for (char     c,
          gboolean after_comma)
{
  if ((c == '}' || c == ']') && after_comma)
    return "; JSON allows no comma after the last member or element";
  if (c == '/')
    return "; JSON has no comments";
  if (c == '\'')
    return "; JSON strings are written in double quotes";

  return "";
}

typedef enum
{
  SCAN_VALUE,
  SCAN_KEY,
  SCAN_AFTER_VALUE,
} ScanState;

static gboolean
scan_open (Scanner *s,
           char     c)
{
  ScanFrame *frame;

  if (s->depth == TEND_INVENTORY_MAX_DEPTH)
    return scan_limit (s, s->p, "nested deeper than %d levels of objects and arrays",
                       TEND_INVENTORY_MAX_DEPTH);

  if (++s->n_containers > TEND_INVENTORY_MAX_CONTAINERS)
    return scan_limit (s, s->p, "more than %d objects and arrays; an inventory holds at most "
                       "%d", TEND_INVENTORY_MAX_CONTAINERS, TEND_INVENTORY_MAX_CONTAINERS);

  frame = &s->frames[s->depth++];
  frame->is_object = c == '{';
  frame->has_key = FALSE;
  frame->index = 0;

  if (frame->is_object)
    {
      if (frame->key == NULL)
        frame->key = g_string_new (NULL);
      if (frame->keys == NULL)
        frame->keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      else
        g_hash_table_remove_all (frame->keys);
    }

  s->p++;
  return TRUE;
}

/* Checks the whole text; reports the first syntax error or passed limit, and every key
 * given twice in one object.
 */
static gboolean
scan_document (Scanner *s)
{
  ScanState state = SCAN_VALUE;
  gboolean after_comma = FALSE;
  guint n_problems = s->problems->n_total;

  /* A byte order mark is tolerated, as json-glib does */
  if (s->end - s->p >= 3 && memcmp (s->p, "\xef\xbb\xbf", 3) == 0)
    s->line_start = s->p = s->p + 3;

  skip_space (s);
  if (s->p >= s->end)
    {
      tend_inventory_problem (s->problems, "$", "the input is empty; an inventory is a JSON "
                              "object that starts with {\"format\": \""
                              TEND_INVENTORY_FORMAT_NAME "\", \"version\": %d",
                              TEND_INVENTORY_FORMAT_VERSION);
      return FALSE;
    }

  for (;;)
    {
      ScanFrame *top = s->depth > 0 ? &s->frames[s->depth - 1] : NULL;
      g_autofree char *got = NULL;
      gboolean ok = TRUE;
      char c;

      skip_space (s);

      if (s->p >= s->end && top != NULL)
        return scan_end_of_text (s);

      c = s->p < s->end ? *s->p : '\0';

      switch (state)
        {
        case SCAN_VALUE:
          if (++s->n_values > TEND_INVENTORY_MAX_VALUES)
            return scan_limit (s, s->p, "more than %d values; an inventory holds at most %d",
                               TEND_INVENTORY_MAX_VALUES, TEND_INVENTORY_MAX_VALUES);

          if (c == '{' || c == '[')
            {
              char close = c == '{' ? '}' : ']';

              if (!scan_open (s, c))
                return FALSE;

              skip_space (s);
              after_comma = FALSE;
              if (s->p < s->end && *s->p == close)
                {
                  s->p++;
                  s->depth--;
                  state = SCAN_AFTER_VALUE;
                }
              else
                state = c == '{' ? SCAN_KEY : SCAN_VALUE;
              continue;
            }

          if (c == '"')
            ok = scan_string (s, NULL);
          else if (c == '-' || g_ascii_isdigit (c))
            ok = scan_number (s);
          else if (g_ascii_isalpha (c))
            ok = scan_word (s);
          else
            {
              got = quote_char (s->p, s->end);
              return scan_fail (s, s->p, "expected a value, got %s%s", got,
                                hint_for (c, after_comma));
            }

          if (!ok)
            return FALSE;

          state = SCAN_AFTER_VALUE;
          break;

        case SCAN_KEY:
          {
            const char *at = s->p;
            gboolean is_new;

            if (c != '"')
              {
                got = quote_char (s->p, s->end);
                return scan_fail (s, s->p, "expected a key in double quotes, got %s%s", got,
                                  hint_for (c, after_comma));
              }

            g_string_truncate (top->key, 0);
            if (!scan_string (s, top->key))
              return FALSE;

            is_new = g_hash_table_add (top->keys, g_strdup (top->key->str));
            if (!is_new && s->problems->n_total >= TEND_INVENTORY_MAX_ERRORS)
              {
                /* Counted only: finding the column costs a pass over the line */
                s->problems->n_total++;
              }
            else if (!is_new)
              {
                g_autofree char *quoted = tend_quote_for_message (top->key->str, top->key->len);

                tend_inventory_problem (s->problems, scanner_path (s), "key %s is given twice "
                                        "(again at line %u, column %u)", quoted, s->line,
                                        scanner_column (s, at));
              }

            top->has_key = TRUE;
            skip_space (s);
            if (s->p >= s->end || *s->p != ':')
              {
                got = quote_char (s->p, s->end);
                return scan_fail (s, s->p, "expected \":\" after the key, got %s", got);
              }

            s->p++;
            after_comma = FALSE;
            state = SCAN_VALUE;
          }
          break;

        case SCAN_AFTER_VALUE:
          if (top == NULL)
            {
              if (s->p < s->end)
                {
                  got = quote_char (s->p, s->end);
                  return scan_fail (s, s->p, "unexpected %s after the end of the document",
                                    got);
                }
              return s->problems->n_total == n_problems;
            }

          if (c == ',')
            {
              s->p++;
              after_comma = TRUE;
              if (top->is_object)
                {
                  top->has_key = FALSE;
                  state = SCAN_KEY;
                }
              else
                {
                  top->index++;
                  state = SCAN_VALUE;
                }
            }
          else if (c == (top->is_object ? '}' : ']'))
            {
              s->p++;
              s->depth--;
              after_comma = FALSE;
            }
          else
            {
              got = quote_char (s->p, s->end);
              if (top->is_object)
                return scan_fail (s, s->p, "expected \",\" or \"}\" after a member, got %s",
                                  got);
              return scan_fail (s, s->p, "expected \",\" or \"]\" after an element, got %s",
                                got);
            }
          break;
        }
    }
}

/* Size, then the scan, then json-glib. */
JsonNode *
tend_inventory_load_json (const char            *data,
                          gsize                  length,
                          TendInventoryProblems *problems)
{
  Scanner s = { 0 };
  gboolean scanned;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) error = NULL;

  if (length > TEND_INVENTORY_MAX_SIZE)
    {
      /* Not g_format_size(): its no-break spaces would make the message hard to grep */
      tend_inventory_problem (problems, "$", "the input is %" G_GSIZE_FORMAT " bytes (%.1f MiB), "
                              "more than the limit of %d bytes (%.1f MiB)", length,
                              length / 1048576.0, TEND_INVENTORY_MAX_SIZE,
                              TEND_INVENTORY_MAX_SIZE / 1048576.0);
      return NULL;
    }

  s.p = s.line_start = data;
  s.end = data + length;
  s.line = 1;
  s.path = g_string_new ("$");
  s.problems = problems;

  scanned = scan_document (&s);

  for (guint i = 0; i < G_N_ELEMENTS (s.frames); i++)
    {
      if (s.frames[i].key != NULL)
        g_string_free (s.frames[i].key, TRUE);
      g_clear_pointer (&s.frames[i].keys, g_hash_table_unref);
    }
  g_string_free (s.path, TRUE);

  if (!scanned)
    return NULL;

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, (gssize) length, &error))
    {
      /* Not expected after the scan; json-glib's message has the line and column */
      tend_inventory_problem (problems, "$", "invalid JSON: %s", error->message);
      return NULL;
    }

  return json_parser_steal_root (parser);
}
