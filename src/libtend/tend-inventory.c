/* tend-inventory.c — the whole inventory as a value: JSON import and export, and diffs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A TendInventory is what `tendctl export` writes and `tendctl import` reads: hosts,
 * watched services, their checks and recovery policies, and configuration values, in
 * the versioned format of docs/inventory-format.md. This file knows nothing of where an
 * inventory is kept: the store loads one and saves one, in one transaction, through the
 * API below.
 *
 * Why a reference-counted boxed struct and not a GObject: an inventory is a value. It
 * has no signals, no properties to bind and no behaviour; it is built, validated,
 * compared and handed over whole. A boxed type with an atomic reference count can be
 * passed to the store's worker thread and kept by the caller at the same time without a
 * copy (as long as neither changes it), and its items are plain structs that C callers
 * read directly.
 *
 * Reading, in three stages:
 *
 *  1. Limits, before anything is parsed: the size (TEND_INVENTORY_MAX_SIZE), then one
 *     linear, non-recursive pass over the text (scan_document()) that enforces the depth
 *     limit with the path where it is passed, the number of values and of containers
 *     (json-glib spends about 300 bytes per object: 16 MiB of "{}," would cost over a
 *     gigabyte), and strict RFC 8259 syntax with line and column. The pass is strict on
 *     purpose: json-glib 1.6 accepts comments, single quotes, hexadecimal and octal
 *     numbers ("port": 010 is 8), silently wraps integers that do not fit in 64 bits,
 *     cuts strings at "\u0000", keeps the last of two equal keys and ignores text after
 *     the document; each of those would let a file say one thing to a person and
 *     another to Tend.
 *  2. json-glib builds the tree of a text that is now known to be valid and small.
 *  3. The tree is read against field tables (one per kind of item), which also drive
 *     export, copying, freeing and diffs, so the four cannot disagree about a field.
 *
 * Configuration values are checked for their form only (dotted keys, text values):
 * what they mean is TendConfig's to check, with tend_config_validate() on
 * tend_inventory_get_config(), before an import applies anything.
 *
 * Errors: the first stage stops at the first syntax error or passed limit (it reports
 * every key given twice, which does not stop it). Stage three
 * goes on after an error and collects up to TEND_INVENTORY_MAX_ERRORS problems, one per
 * line of the GError's message, each starting with its JSON path; a last line says how
 * many more there were. Problems that would only follow from another one are not
 * reported: when a host has no usable name, dangling references to hosts are not
 * checked, and so on. Nothing is returned unless the whole file is valid.
 */

#define G_LOG_DOMAIN "Tend"

#include "tend-inventory.h"

#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "tend-duration.h"
#include "tend-error.h"
#include "tend-unit-name.h"

#define FORMAT_NAME "tend-inventory"

/* How many characters of a bad value a message quotes. */
#define QUOTE_MAX_CHARS 80

#define NAME_MAX_LEN         64
#define TAG_MAX_LEN          32
#define TAGS_MAX             32
#define USER_MAX_LEN         32
#define DISPLAY_NAME_MAX_LEN 128
#define TEXT_MAX_LEN         4096
#define URL_MAX_LEN          2048
#define ENV_MAX_LEN          128
#define ARGV_MAX             256
#define CONFIG_KEY_MAX_LEN   128
#define CONFIG_VALUE_MAX_LEN 4096
#define NO_MAX               G_MAXINT64

/* Durations in the tables */
#define MSECS(n) ((n) * TEND_USEC_PER_MSEC)
#define SECS(n)  ((n) * TEND_USEC_PER_SEC)
#define MINS(n)  ((n) * TEND_USEC_PER_MIN)
#define HOURS(n) ((n) * TEND_USEC_PER_HOUR)
#define DAYS(n)  ((n) * TEND_USEC_PER_DAY)

/* The words of the file */

static const char * const host_kind_names[] = { "local", "ssh", NULL };
static const char * const scope_names[] = { "system", "user", NULL };
static const char * const sudo_names[] = { "none", "sudo", "sudo-nopasswd", NULL };
static const char * const access_names[] = { "viewer", "operator", "admin", NULL };
static const char * const check_kind_names[] = {
  "unit", "http", "tcp", "redis", "command", "resources", NULL
};
static const char * const http_method_names[] = { "GET", "HEAD", "POST", NULL };
static const char * const policy_kind_names[] = {
  "never", "on-failure", "always", "backoff", NULL
};

static const char *
enum_name (const char * const *names,
           int                 value)
{
  for (int i = 0; names[i] != NULL; i++)
    {
      if (i == value)
        return names[i];
    }

  return NULL;
}

/**
 * tend_inventory_host_kind_to_string:
 * @kind: a #TendHostKind
 *
 * Returns: (nullable): the word the file uses for @kind, or %NULL if @kind is not one
 */
const char *
tend_inventory_host_kind_to_string (TendHostKind kind)
{
  return enum_name (host_kind_names, kind);
}

/**
 * tend_inventory_scope_to_string:
 * @scope: a #TendHostScope
 *
 * Returns: (nullable): "system" or "user"
 */
const char *
tend_inventory_scope_to_string (TendHostScope scope)
{
  return enum_name (scope_names, scope);
}

/**
 * tend_inventory_sudo_to_string:
 * @sudo: a #TendInventorySudo
 *
 * Returns: (nullable): "none", "sudo" or "sudo-nopasswd"
 */
const char *
tend_inventory_sudo_to_string (TendInventorySudo sudo)
{
  return enum_name (sudo_names, sudo);
}

/**
 * tend_inventory_access_to_string:
 * @access: a #TendInventoryAccess
 *
 * Returns: (nullable): "viewer", "operator" or "admin"
 */
const char *
tend_inventory_access_to_string (TendInventoryAccess access)
{
  return enum_name (access_names, access);
}

/**
 * tend_inventory_check_kind_to_string:
 * @kind: a #TendInventoryCheckKind
 *
 * Returns: (nullable): "unit", "http", "tcp", "redis", "command" or "resources"
 */
const char *
tend_inventory_check_kind_to_string (TendInventoryCheckKind kind)
{
  return enum_name (check_kind_names, kind);
}

/**
 * tend_inventory_policy_kind_to_string:
 * @kind: a #TendInventoryPolicyKind
 *
 * Returns: (nullable): "never", "on-failure", "always" or "backoff"
 */
const char *
tend_inventory_policy_kind_to_string (TendInventoryPolicyKind kind)
{
  return enum_name (policy_kind_names, kind);
}

/* Messages */

/* Quotes @str (@len bytes, or up to its NUL when -1) for a message: printable characters
 * as they are, everything else escaped, long texts cut short with "…".
 */
static char *
quote (const char *str,
       gssize      len)
{
  GString *out;
  const char *p = str;
  const char *end;
  guint n_chars = 0;

  if (len < 0)
    len = strlen (str);

  end = str + len;
  out = g_string_sized_new (MIN (len, QUOTE_MAX_CHARS * 4) + 2);
  g_string_append_c (out, '"');

  while (p < end)
    {
      gunichar c;

      if (n_chars++ == QUOTE_MAX_CHARS)
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

      if (c == '"' || c == '\\')
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

  g_string_append_c (out, '"');

  return g_string_free (out, FALSE);
}

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
    return quote (p, 1);

  return quote (p, g_utf8_next_char (p) - p);
}

typedef struct
{
  GPtrArray *lines;    /* (element-type utf8): the first TEND_INVENTORY_MAX_ERRORS */
  guint      n_total;
} Problems;

G_GNUC_PRINTF (3, 4)
static void
problem (Problems   *problems,
         const char *path,
         const char *format,
         ...)
{
  g_autofree char *reason = NULL;
  va_list args;

  if (problems->n_total++ >= TEND_INVENTORY_MAX_ERRORS)
    return;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);

  g_ptr_array_add (problems->lines, g_strconcat (path, ": ", reason, NULL));
}

static gboolean
problems_propagate (Problems  *problems,
                    GError   **error)
{
  GString *message;

  if (problems->n_total == 0)
    return TRUE;

  message = g_string_new (NULL);
  for (guint i = 0; i < problems->lines->len; i++)
    {
      if (i > 0)
        g_string_append_c (message, '\n');
      g_string_append (message, g_ptr_array_index (problems->lines, i));
    }

  if (problems->n_total > problems->lines->len)
    g_string_append_printf (message, "\n… and %u more problems",
                            problems->n_total - problems->lines->len);

  g_set_error_literal (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT, message->str);
  g_string_free (message, TRUE);

  return FALSE;
}

/* JSON paths: $.hosts[2].port, $.config["checks.default-interval"] */

static gboolean
is_plain_key (const char *key)
{
  if (!g_ascii_isalpha (*key) && *key != '_')
    return FALSE;

  for (const char *p = key; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && *p != '_')
        return FALSE;
    }

  return TRUE;
}

static gsize
path_push_key (GString    *path,
               const char *key)
{
  gsize len = path->len;

  if (is_plain_key (key))
    {
      g_string_append_c (path, '.');
      g_string_append (path, key);
    }
  else
    {
      g_autofree char *quoted = quote (key, -1);

      g_string_append_printf (path, "[%s]", quoted);
    }

  return len;
}

static gsize
path_push_index (GString *path,
                 guint    i)
{
  gsize len = path->len;

  g_string_append_printf (path, "[%u]", i);

  return len;
}

/* Durations in messages and files. tend_duration_format() takes no negative values;
 * only an inventory built in code can hold one, and validation then refuses what this
 * writes.
 */
static char *
format_duration (gint64 usec)
{
  g_autofree char *positive = NULL;

  if (usec >= 0)
    return tend_duration_format (usec);

  if (usec == G_MININT64)
    return g_strdup ("-");

  positive = tend_duration_format (-usec);
  return g_strconcat ("-", positive, NULL);
}

/* The shortest text that reads back as @value, always with a point or an exponent. */
static char *
format_double (double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (value))
    return g_strdup ("null");

  /* The fewest digits that read back exactly, without an exponent where one is not
   * needed ("80", not "8e+01") */
  for (int pass = 0; pass < 2; pass++)
    {
      for (int precision = 1; precision <= 17; precision++)
        {
          char format[8];

          g_snprintf (format, sizeof format, "%%.%dg", precision);
          g_ascii_formatd (buf, sizeof buf, format, value);
          if (g_ascii_strtod (buf, NULL) == value && (pass == 1 || strchr (buf, 'e') == NULL))
            goto done;
        }
    }

done:

  if (strpbrk (buf, ".e") == NULL)
    return g_strconcat (buf, ".0", NULL);

  return g_strdup (buf);
}

/* Stage 1: limits and strict syntax, in one pass without recursion */

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
  const char *p;
  const char *end;
  const char *line_start;
  guint       line;
  guint       depth;
  guint       n_values;
  guint       n_containers;
  ScanFrame   frames[TEND_INVENTORY_MAX_DEPTH];
  GString    *path;
  Problems   *problems;
} Scanner;

static const char *
scanner_path (Scanner *s)
{
  g_string_assign (s->path, "$");

  for (guint i = 0; i < s->depth; i++)
    {
      ScanFrame *frame = &s->frames[i];

      if (!frame->is_object)
        path_push_index (s->path, frame->index);
      else if (frame->has_key)
        path_push_key (s->path, frame->key->str);
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

  problem (s->problems, scanner_path (s), "invalid JSON at line %u, column %u: %s",
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

  problem (s->problems, scanner_path (s), "%s (line %u, column %u)",
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
      quoted = quote (start, p - start);
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
    g_autofree char *quoted = quote (start, p - start);

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

  quoted = quote (start, p - start);
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
      problem (s->problems, "$", "the input is empty; an inventory is a JSON object that "
               "starts with {\"format\": \"" FORMAT_NAME "\", \"version\": %d",
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
                g_autofree char *quoted = quote (top->key->str, top->key->len);

                problem (s->problems, scanner_path (s), "key %s is given twice (again at line "
                         "%u, column %u)", quoted, s->line, scanner_column (s, at));
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
static JsonNode *
load_json (const char *data,
           gsize       length,
           Problems   *problems)
{
  Scanner s = { 0 };
  gboolean scanned;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) error = NULL;

  if (length > TEND_INVENTORY_MAX_SIZE)
    {
      /* Not g_format_size(): its no-break spaces would make the message hard to grep */
      problem (problems, "$", "the input is %" G_GSIZE_FORMAT " bytes (%.1f MiB), more than "
               "the limit of %d bytes (%.1f MiB)", length, length / 1048576.0,
               TEND_INVENTORY_MAX_SIZE, TEND_INVENTORY_MAX_SIZE / 1048576.0);
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
      problem (problems, "$", "invalid JSON: %s", error->message);
      return NULL;
    }

  return json_parser_steal_root (parser);
}

/* Rules for strings. Each appends why @value breaks it to @reason. @i is the position
 * of @value in its list, for rules of list elements.
 */

typedef gboolean (*StringRule) (const char *value,
                                guint       i,
                                GString    *reason);

typedef gboolean (*CharClass) (char c);

static gboolean
check_chars (const char *value,
             CharClass   is_allowed,
             gsize       max_len,
             const char *rule,
             GString    *reason)
{
  g_autofree char *quoted = quote (value, -1);
  gsize len = strlen (value);

  if (len == 0)
    {
      g_string_append_printf (reason, "%s is empty; %s", quoted, rule);
      return FALSE;
    }

  for (const char *p = value; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (!is_allowed (*p))
        {
          g_autofree char *bad = quote (p, g_utf8_next_char (p) - p);

          g_string_append_printf (reason, "%s contains %s; %s", quoted, bad, rule);
          return FALSE;
        }
    }

  if (len > max_len)
    {
      g_string_append_printf (reason, "%s is %" G_GSIZE_FORMAT " characters long; %s", quoted,
                              len, rule);
      return FALSE;
    }

  return TRUE;
}

static gboolean
is_name_char (char c)
{
  return g_ascii_isalnum (c) || c == '.' || c == '_' || c == '-';
}

static gboolean
is_tag_char (char c)
{
  return g_ascii_islower (c) || g_ascii_isdigit (c) || c == '_' || c == '-';
}

static gboolean
is_env_char (char c)
{
  return g_ascii_isupper (c) || g_ascii_isdigit (c) || c == '_';
}

static gboolean
rule_name (const char *value,
           guint       i,
           GString    *reason)
{
  return check_chars (value, is_name_char, NAME_MAX_LEN, "names are 1 to 64 of A-Z, a-z, "
                      "0-9, \".\", \"_\" and \"-\"", reason);
}

static gboolean
rule_tag (const char *value,
          guint       i,
          GString    *reason)
{
  return check_chars (value, is_tag_char, TAG_MAX_LEN, "tags are 1 to 32 of a-z, 0-9, \"_\" "
                      "and \"-\"", reason);
}

static gboolean
rule_user (const char *value,
           guint       i,
           GString    *reason)
{
  static const char rule[] = "user names are 1 to 32 of A-Z, a-z, 0-9, \".\", \"_\" and "
                             "\"-\", and do not start with \"-\" or \".\"";

  if (!check_chars (value, is_name_char, USER_MAX_LEN, rule, reason))
    return FALSE;

  if (value[0] == '-' || value[0] == '.')
    {
      g_autofree char *quoted = quote (value, -1);

      g_string_append_printf (reason, "%s starts with \"%c\"; %s", quoted, value[0], rule);
      return FALSE;
    }

  return TRUE;
}

static gboolean
rule_env_name (const char *value,
               guint       i,
               GString    *reason)
{
  static const char rule[] = "it holds the NAME of the environment variable that holds the "
                             "password, never the password itself: 1 to 128 of A-Z, 0-9 and "
                             "\"_\", not starting with a digit";

  if (!check_chars (value, is_env_char, ENV_MAX_LEN, rule, reason))
    return FALSE;

  if (g_ascii_isdigit (value[0]))
    {
      g_autofree char *quoted = quote (value, -1);

      g_string_append_printf (reason, "%s starts with a digit; %s", quoted, rule);
      return FALSE;
    }

  return TRUE;
}

static gboolean
is_host_name (const char *value)
{
  gsize len = strlen (value);
  const char *label = value;

  if (len == 0 || len > 253)
    return FALSE;

  for (;;)
    {
      const char *dot = strchr (label, '.');
      gsize label_len = dot != NULL ? (gsize) (dot - label) : strlen (label);

      if (label_len == 0 || label_len > 63 || label[0] == '-' || label[label_len - 1] == '-')
        return FALSE;

      for (gsize j = 0; j < label_len; j++)
        {
          if (!g_ascii_isalnum (label[j]) && label[j] != '-')
            return FALSE;
        }

      if (dot == NULL)
        return TRUE;

      label = dot + 1;
    }
}

static gboolean
rule_address (const char *value,
              guint       i,
              GString    *reason)
{
  g_autofree char *quoted = NULL;

  if (g_hostname_is_ip_address (value) || is_host_name (value))
    return TRUE;

  quoted = quote (value, -1);
  g_string_append_printf (reason, "%s is neither a host name nor an IP address (a host name is "
                          "dot-separated labels of letters, digits and \"-\", at most 253 "
                          "characters)", quoted);
  return FALSE;
}

static gboolean
rule_unit (const char *value,
           guint       i,
           GString    *reason)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *quoted = NULL;
  g_autofree char *instance = NULL;
  const char *at;

  if (!tend_unit_name_validate (value, &error))
    {
      g_string_append (reason, error->message);
      return FALSE;
    }

  if (!tend_unit_name_is_template (value))
    return TRUE;

  at = strchr (value, '@');
  instance = g_strdup_printf ("%.*s@INSTANCE%s", (int) (at - value), value, at + 1);
  quoted = quote (value, -1);
  g_string_append_printf (reason, "%s is a template, not a unit that runs; name one of its "
                          "instances, as in \"%s\"", quoted, instance);
  return FALSE;
}

static gboolean
rule_display_name (const char *value,
                   guint       i,
                   GString    *reason)
{
  g_autofree char *quoted = quote (value, -1);
  glong n_chars = g_utf8_strlen (value, -1);

  if (n_chars == 0)
    {
      g_string_append (reason, "\"\" is empty; leave the key out or set it to null");
      return FALSE;
    }

  if (n_chars > DISPLAY_NAME_MAX_LEN)
    {
      g_string_append_printf (reason, "%s is %ld characters long; a display name is 1 to %d "
                              "characters", quoted, n_chars, DISPLAY_NAME_MAX_LEN);
      return FALSE;
    }

  for (const char *p = value; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (g_unichar_iscntrl (g_utf8_get_char (p)))
        {
          g_string_append_printf (reason, "%s contains a control character; a display name is "
                                  "one line of text", quoted);
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
rule_text (const char *value,
           guint       i,
           GString    *reason)
{
  g_autofree char *quoted = quote (value, -1);
  gsize len = strlen (value);

  if (len == 0)
    {
      g_string_append (reason, "\"\" is empty; leave the key out or set it to null");
      return FALSE;
    }

  if (len > TEXT_MAX_LEN)
    {
      g_string_append_printf (reason, "%s is %" G_GSIZE_FORMAT " bytes long; at most %d are "
                              "allowed", quoted, len, TEXT_MAX_LEN);
      return FALSE;
    }

  return TRUE;
}

static gboolean
rule_url (const char *value,
          guint       i,
          GString    *reason)
{
  g_autofree char *quoted = quote (value, -1);
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) error = NULL;
  const char *scheme;
  const char *host;

  if (strlen (value) > URL_MAX_LEN)
    {
      g_string_append_printf (reason, "%s is longer than %d characters", quoted, URL_MAX_LEN);
      return FALSE;
    }

  for (const char *p = value; *p != '\0'; p++)
    {
      if ((guchar) *p <= ' ' || (guchar) *p >= 0x7f)
        {
          g_string_append_printf (reason, "%s contains a space, a control character or a "
                                  "character that is not ASCII; write those %%-encoded", quoted);
          return FALSE;
        }
    }

  uri = g_uri_parse (value, G_URI_FLAGS_NONE, &error);
  if (uri == NULL)
    {
      g_string_append_printf (reason, "%s is not a URL: %s", quoted, error->message);
      return FALSE;
    }

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    {
      g_string_append_printf (reason, "%s is not an http or https URL", quoted);
      return FALSE;
    }

  host = g_uri_get_host (uri);
  if (host == NULL || (!g_hostname_is_ip_address (host) && !is_host_name (host)))
    {
      g_string_append_printf (reason, "%s has no valid host", quoted);
      return FALSE;
    }

  if (g_uri_get_userinfo (uri) != NULL)
    {
      g_string_append_printf (reason, "%s holds a user name or password; Tend stores no "
                              "secrets, so a URL may hold neither", quoted);
      return FALSE;
    }

  return TRUE;
}

static gboolean
rule_argv (const char *value,
           guint       i,
           GString    *reason)
{
  g_autofree char *quoted = quote (value, -1);

  if (*value == '\0')
    {
      g_string_append (reason, "\"\" is empty; no argument may be empty");
      return FALSE;
    }

  if (strlen (value) > TEXT_MAX_LEN)
    {
      g_string_append_printf (reason, "%s is longer than %d bytes", quoted, TEXT_MAX_LEN);
      return FALSE;
    }

  if (i == 0 && value[0] != '/')
    {
      g_string_append_printf (reason, "%s is not an absolute path; the program is run without "
                              "a shell or a search path, so give its full path, such as "
                              "\"/usr/lib/nagios/plugins/check_http\"", quoted);
      return FALSE;
    }

  return TRUE;
}

/* Field tables */

typedef enum
{
  FIELD_STRING,     /* char *, with a rule */
  FIELD_ENUM,       /* an enum, from a list of words */
  FIELD_INT,        /* int */
  FIELD_INT64,      /* gint64 */
  FIELD_DOUBLE,     /* double */
  FIELD_BOOL,       /* gboolean */
  FIELD_DURATION,   /* gint64 µs, written as text */
  FIELD_STRV,       /* char **, each element with a rule */
  FIELD_INT_LIST,   /* GArray of int */
} FieldType;

typedef enum
{
  FIELD_REQUIRED = 1 << 0,  /* the key must be there */
  FIELD_NULLABLE = 1 << 1,  /* null (or no key) means not set: NULL or TEND_INVENTORY_UNSET */
  FIELD_KEY      = 1 << 2,  /* part of what identifies the item */
  FIELD_SET      = 1 << 3,  /* lists: no duplicates, and the order does not matter */
} FieldFlags;

typedef struct
{
  const char          *name;
  FieldType            type;
  FieldFlags           flags;
  gsize                offset;
  gint64               min;        /* numbers, durations, list elements */
  gint64               max;
  double               dmin;
  double               dmax;
  guint                min_count;  /* lists */
  guint                max_count;
  gint64               def;        /* the default of numbers, enums, booleans, durations,
                                    * and the one element of a list's default */
  double               ddef;
  const char          *sdef;
  const char * const  *values;     /* enums */
  StringRule           rule;
} Field;

typedef struct
{
  const Field *fields;
  guint        n_fields;
} FieldTable;

#define TABLE(fields) { fields, G_N_ELEMENTS (fields) }
#define AT(type, member) G_STRUCT_OFFSET (type, member)

static const Field host_fields[] = {
  { "name", FIELD_STRING, FIELD_REQUIRED | FIELD_KEY, AT (TendInventoryHost, name),
    .rule = rule_name },
  { "kind", FIELD_ENUM, FIELD_REQUIRED, AT (TendInventoryHost, kind),
    .values = host_kind_names },
  { "address", FIELD_STRING, FIELD_NULLABLE, AT (TendInventoryHost, address),
    .rule = rule_address },
  { "port", FIELD_INT, FIELD_NULLABLE, AT (TendInventoryHost, port), .min = 1, .max = 65535 },
  { "user", FIELD_STRING, FIELD_NULLABLE, AT (TendInventoryHost, user), .rule = rule_user },
  { "scope", FIELD_ENUM, 0, AT (TendInventoryHost, scope), .values = scope_names,
    .def = TEND_HOST_SCOPE_SYSTEM },
  { "sudo", FIELD_ENUM, 0, AT (TendInventoryHost, sudo), .values = sudo_names,
    .def = TEND_INVENTORY_SUDO_NONE },
  { "access", FIELD_ENUM, 0, AT (TendInventoryHost, access), .values = access_names,
    .def = TEND_INVENTORY_ACCESS_VIEWER },
};

static const Field service_fields[] = {
  { "host", FIELD_STRING, FIELD_REQUIRED | FIELD_KEY, AT (TendInventoryService, host),
    .rule = rule_name },
  { "unit", FIELD_STRING, FIELD_REQUIRED | FIELD_KEY, AT (TendInventoryService, unit),
    .rule = rule_unit },
  { "display_name", FIELD_STRING, FIELD_NULLABLE, AT (TendInventoryService, display_name),
    .rule = rule_display_name },
  { "tags", FIELD_STRV, FIELD_SET, AT (TendInventoryService, tags), .max_count = TAGS_MAX,
    .rule = rule_tag },
};

/* "params" follows these; see params_tables */
static const Field check_fields[] = {
  { "host", FIELD_STRING, FIELD_REQUIRED | FIELD_KEY, AT (TendInventoryCheck, host),
    .rule = rule_name },
  { "unit", FIELD_STRING, FIELD_REQUIRED | FIELD_KEY, AT (TendInventoryCheck, unit),
    .rule = rule_unit },
  { "name", FIELD_STRING, FIELD_REQUIRED | FIELD_KEY, AT (TendInventoryCheck, name),
    .rule = rule_name },
  { "kind", FIELD_ENUM, FIELD_REQUIRED, AT (TendInventoryCheck, kind),
    .values = check_kind_names },
  { "interval", FIELD_DURATION, 0, AT (TendInventoryCheck, interval_usec),
    .min = SECS (1), .max = DAYS (1), .def = SECS (30) },
  { "timeout", FIELD_DURATION, 0, AT (TendInventoryCheck, timeout_usec),
    .min = MSECS (100), .max = HOURS (1), .def = SECS (10) },
  { "failures_before_hard", FIELD_INT, 0, AT (TendInventoryCheck, failures_before_hard),
    .min = 1, .max = 100, .def = 3 },
  { "successes_before_recovered", FIELD_INT, 0,
    AT (TendInventoryCheck, successes_before_recovered), .min = 1, .max = 100, .def = 2 },
  { "startup_grace", FIELD_DURATION, 0, AT (TendInventoryCheck, startup_grace_usec),
    .min = 0, .max = HOURS (1), .def = SECS (10) },
  { "enabled", FIELD_BOOL, 0, AT (TendInventoryCheck, enabled), .def = TRUE },
};

static const Field http_fields[] = {
  { "method", FIELD_ENUM, 0, AT (TendInventoryCheck, params.http.method),
    .values = http_method_names, .def = TEND_INVENTORY_HTTP_GET },
  { "url", FIELD_STRING, FIELD_REQUIRED, AT (TendInventoryCheck, params.http.url),
    .rule = rule_url },
  { "expect_status", FIELD_INT_LIST, FIELD_SET,
    AT (TendInventoryCheck, params.http.expect_status), .min = 100, .max = 599,
    .min_count = 1, .max_count = 500, .def = 200 },
  { "body_contains", FIELD_STRING, FIELD_NULLABLE,
    AT (TendInventoryCheck, params.http.body_contains), .rule = rule_text },
  { "verify_tls", FIELD_BOOL, 0, AT (TendInventoryCheck, params.http.verify_tls),
    .def = TRUE },
  { "latency_degraded", FIELD_DURATION, FIELD_NULLABLE,
    AT (TendInventoryCheck, params.http.latency_degraded_usec), .min = MSECS (1),
    .max = MINS (10) },
};

static const Field tcp_fields[] = {
  { "host", FIELD_STRING, FIELD_REQUIRED, AT (TendInventoryCheck, params.tcp.host),
    .rule = rule_address },
  { "port", FIELD_INT, FIELD_REQUIRED, AT (TendInventoryCheck, params.tcp.port),
    .min = 1, .max = 65535 },
  { "send", FIELD_STRING, FIELD_NULLABLE, AT (TendInventoryCheck, params.tcp.send),
    .rule = rule_text },
  { "expect", FIELD_STRING, FIELD_NULLABLE, AT (TendInventoryCheck, params.tcp.expect),
    .rule = rule_text },
};

static const Field redis_fields[] = {
  { "host", FIELD_STRING, 0, AT (TendInventoryCheck, params.redis.host),
    .sdef = "127.0.0.1", .rule = rule_address },
  { "port", FIELD_INT, 0, AT (TendInventoryCheck, params.redis.port), .min = 1,
    .max = 65535, .def = 6379 },
  { "password_env", FIELD_STRING, FIELD_NULLABLE,
    AT (TendInventoryCheck, params.redis.password_env), .rule = rule_env_name },
  { "max_memory_bytes", FIELD_INT64, FIELD_NULLABLE,
    AT (TendInventoryCheck, params.redis.max_memory_bytes), .min = 1, .max = NO_MAX },
  { "max_clients", FIELD_INT64, FIELD_NULLABLE,
    AT (TendInventoryCheck, params.redis.max_clients), .min = 1, .max = NO_MAX },
  { "max_latency", FIELD_DURATION, FIELD_NULLABLE,
    AT (TendInventoryCheck, params.redis.max_latency_usec), .min = MSECS (1), .max = MINS (10) },
};

static const Field command_fields[] = {
  { "argv", FIELD_STRV, FIELD_REQUIRED, AT (TendInventoryCheck, params.command.argv),
    .min_count = 1, .max_count = ARGV_MAX, .rule = rule_argv },
};

static const Field resources_fields[] = {
  { "memory_warn_bytes", FIELD_INT64, FIELD_NULLABLE,
    AT (TendInventoryCheck, params.resources.memory_warn_bytes), .min = 1, .max = NO_MAX },
  { "memory_critical_bytes", FIELD_INT64, FIELD_NULLABLE,
    AT (TendInventoryCheck, params.resources.memory_critical_bytes), .min = 1,
    .max = NO_MAX },
  { "cpu_warn_percent", FIELD_DOUBLE, FIELD_NULLABLE,
    AT (TendInventoryCheck, params.resources.cpu_warn_percent), .dmin = 0.0,
    .dmax = INFINITY },
  { "cpu_critical_percent", FIELD_DOUBLE, FIELD_NULLABLE,
    AT (TendInventoryCheck, params.resources.cpu_critical_percent), .dmin = 0.0,
    .dmax = INFINITY },
  { "tasks_warn", FIELD_INT64, FIELD_NULLABLE,
    AT (TendInventoryCheck, params.resources.tasks_warn), .min = 1, .max = NO_MAX },
  { "tasks_critical", FIELD_INT64, FIELD_NULLABLE,
    AT (TendInventoryCheck, params.resources.tasks_critical), .min = 1, .max = NO_MAX },
};

static const Field policy_fields[] = {
  { "host", FIELD_STRING, FIELD_REQUIRED | FIELD_KEY, AT (TendInventoryPolicy, host),
    .rule = rule_name },
  { "unit", FIELD_STRING, FIELD_REQUIRED | FIELD_KEY, AT (TendInventoryPolicy, unit),
    .rule = rule_unit },
  { "kind", FIELD_ENUM, 0, AT (TendInventoryPolicy, kind), .values = policy_kind_names,
    .def = TEND_INVENTORY_POLICY_ON_FAILURE },
  { "max_recoveries", FIELD_INT, 0, AT (TendInventoryPolicy, max_recoveries), .min = 1,
    .max = 100, .def = 3 },
  { "window", FIELD_DURATION, 0, AT (TendInventoryPolicy, window_usec), .min = MINS (1),
    .max = DAYS (1), .def = MINS (15) },
  { "cooldown", FIELD_DURATION, 0, AT (TendInventoryPolicy, cooldown_usec), .min = 0,
    .max = HOURS (1), .def = MINS (1) },
  { "backoff_initial", FIELD_DURATION, 0, AT (TendInventoryPolicy, backoff_initial_usec),
    .min = SECS (1), .max = HOURS (1), .def = SECS (10) },
  { "backoff_multiplier", FIELD_DOUBLE, 0, AT (TendInventoryPolicy, backoff_multiplier),
    .dmin = 1.0, .dmax = 10.0, .ddef = 2.0 },
  { "backoff_max", FIELD_DURATION, 0, AT (TendInventoryPolicy, backoff_max_usec),
    .min = SECS (1), .max = DAYS (1), .def = MINS (5) },
  { "reset_after", FIELD_DURATION, 0, AT (TendInventoryPolicy, reset_after_usec),
    .min = MINS (1), .max = DAYS (1), .def = MINS (10) },
  { "jitter", FIELD_DOUBLE, 0, AT (TendInventoryPolicy, jitter), .dmin = 0.0, .dmax = 1.0,
    .ddef = 0.0 },
  { "loop_threshold", FIELD_INT, 0, AT (TendInventoryPolicy, loop_threshold), .min = 2,
    .max = 100, .def = 3 },
  { "loop_window", FIELD_DURATION, 0, AT (TendInventoryPolicy, loop_window_usec),
    .min = MINS (1), .max = DAYS (1), .def = MINS (5) },
};

static const FieldTable host_table = TABLE (host_fields);
static const FieldTable service_table = TABLE (service_fields);
static const FieldTable check_table = TABLE (check_fields);
static const FieldTable policy_table = TABLE (policy_fields);

static const FieldTable params_tables[] = {
  [TEND_INVENTORY_CHECK_UNIT] = { NULL, 0 },
  [TEND_INVENTORY_CHECK_HTTP] = TABLE (http_fields),
  [TEND_INVENTORY_CHECK_TCP] = TABLE (tcp_fields),
  [TEND_INVENTORY_CHECK_REDIS] = TABLE (redis_fields),
  [TEND_INVENTORY_CHECK_COMMAND] = TABLE (command_fields),
  [TEND_INVENTORY_CHECK_RESOURCES] = TABLE (resources_fields),
};

static const FieldTable *
params_table (int kind)
{
  if (kind < 0 || kind >= (int) G_N_ELEMENTS (params_tables))
    return NULL;

  return &params_tables[kind];
}

static const Field *
table_lookup (const FieldTable *table,
              const char       *name,
              guint            *position)
{
  for (guint i = 0; table != NULL && i < table->n_fields; i++)
    {
      if (strcmp (table->fields[i].name, name) == 0)
        {
          if (position != NULL)
            *position = i;
          return &table->fields[i];
        }
    }

  return NULL;
}

#define SLOT(item, field, type) ((type *) G_STRUCT_MEMBER_P ((item), (field)->offset))

static void
fields_init (const FieldTable *table,
             gpointer          item)
{
  for (guint i = 0; table != NULL && i < table->n_fields; i++)
    {
      const Field *field = &table->fields[i];
      gboolean unset = (field->flags & FIELD_NULLABLE) != 0;

      switch (field->type)
        {
        case FIELD_STRING:
          *SLOT (item, field, char *) = g_strdup (field->sdef);
          break;
        case FIELD_ENUM:
        case FIELD_INT:
        case FIELD_BOOL:
          *SLOT (item, field, int) = unset ? TEND_INVENTORY_UNSET : (int) field->def;
          break;
        case FIELD_INT64:
        case FIELD_DURATION:
          *SLOT (item, field, gint64) = unset ? TEND_INVENTORY_UNSET : field->def;
          break;
        case FIELD_DOUBLE:
          *SLOT (item, field, double) = unset ? TEND_INVENTORY_UNSET : field->ddef;
          break;
        case FIELD_STRV:
          *SLOT (item, field, char **) = g_new0 (char *, 1);
          break;
        case FIELD_INT_LIST:
          {
            GArray *array = g_array_new (FALSE, FALSE, sizeof (int));

            if (field->def != 0)
              {
                int value = (int) field->def;

                g_array_append_val (array, value);
              }
            *SLOT (item, field, GArray *) = array;
          }
          break;
        }
    }
}

/* After a shallow copy of the struct: gives @item its own copies of what it points to */
static void
fields_deep_copy (const FieldTable *table,
                  gpointer          item)
{
  for (guint i = 0; table != NULL && i < table->n_fields; i++)
    {
      const Field *field = &table->fields[i];

      if (field->type == FIELD_STRING)
        *SLOT (item, field, char *) = g_strdup (*SLOT (item, field, char *));
      else if (field->type == FIELD_STRV)
        *SLOT (item, field, char **) = g_strdupv (*SLOT (item, field, char **));
      else if (field->type == FIELD_INT_LIST && *SLOT (item, field, GArray *) != NULL)
        *SLOT (item, field, GArray *) = g_array_copy (*SLOT (item, field, GArray *));
    }
}

static void
fields_free (const FieldTable *table,
             gpointer          item)
{
  for (guint i = 0; table != NULL && i < table->n_fields; i++)
    {
      const Field *field = &table->fields[i];

      if (field->type == FIELD_STRING)
        g_clear_pointer (SLOT (item, field, char *), g_free);
      else if (field->type == FIELD_STRV)
        g_clear_pointer (SLOT (item, field, char **), g_strfreev);
      else if (field->type == FIELD_INT_LIST)
        g_clear_pointer (SLOT (item, field, GArray *), g_array_unref);
    }
}

/* The items */

/* A local host's default is the user's manager, as for tendctl; a remote host is a
 * server, whose services are the system's.
 */
static TendHostScope
default_scope (TendHostKind kind)
{
  return kind == TEND_HOST_KIND_SSH ? TEND_HOST_SCOPE_SYSTEM : TEND_HOST_SCOPE_USER;
}

G_DEFINE_BOXED_TYPE (TendInventoryHost, tend_inventory_host,
                     tend_inventory_host_copy, tend_inventory_host_free)
G_DEFINE_BOXED_TYPE (TendInventoryService, tend_inventory_service,
                     tend_inventory_service_copy, tend_inventory_service_free)
G_DEFINE_BOXED_TYPE (TendInventoryCheck, tend_inventory_check,
                     tend_inventory_check_copy, tend_inventory_check_free)
G_DEFINE_BOXED_TYPE (TendInventoryPolicy, tend_inventory_policy,
                     tend_inventory_policy_copy, tend_inventory_policy_free)

/**
 * tend_inventory_host_new:
 * @name: the host's name
 * @kind: local or ssh
 *
 * Returns: (transfer full): a host with the defaults of the file format: no sudo, viewer
 *   access, the user's manager for a local host, and for an ssh host (whose address is
 *   still to set) the system's manager and port 22
 */
TendInventoryHost *
tend_inventory_host_new (const char   *name,
                         TendHostKind  kind)
{
  TendInventoryHost *host;

  g_return_val_if_fail (name != NULL, NULL);

  host = g_new0 (TendInventoryHost, 1);
  fields_init (&host_table, host);
  host->name = g_strdup (name);
  host->kind = kind;
  host->scope = default_scope (kind);
  if (kind == TEND_HOST_KIND_SSH)
    host->port = 22;

  return host;
}

/**
 * tend_inventory_host_copy:
 * @host: a #TendInventoryHost
 *
 * Returns: (transfer full): a deep copy of @host
 */
TendInventoryHost *
tend_inventory_host_copy (const TendInventoryHost *host)
{
  TendInventoryHost *copy;

  g_return_val_if_fail (host != NULL, NULL);

  copy = g_memdup2 (host, sizeof *host);
  fields_deep_copy (&host_table, copy);

  return copy;
}

/**
 * tend_inventory_host_free:
 * @host: (nullable): a #TendInventoryHost
 */
void
tend_inventory_host_free (TendInventoryHost *host)
{
  if (host == NULL)
    return;

  fields_free (&host_table, host);
  g_free (host);
}

/**
 * tend_inventory_service_new:
 * @host: the name of the service's host
 * @unit: the unit's name
 *
 * Returns: (transfer full): a service with no display name and no tags
 */
TendInventoryService *
tend_inventory_service_new (const char *host,
                            const char *unit)
{
  TendInventoryService *service;

  g_return_val_if_fail (host != NULL, NULL);
  g_return_val_if_fail (unit != NULL, NULL);

  service = g_new0 (TendInventoryService, 1);
  fields_init (&service_table, service);
  service->host = g_strdup (host);
  service->unit = g_strdup (unit);

  return service;
}

/**
 * tend_inventory_service_copy:
 * @service: a #TendInventoryService
 *
 * Returns: (transfer full): a deep copy of @service
 */
TendInventoryService *
tend_inventory_service_copy (const TendInventoryService *service)
{
  TendInventoryService *copy;

  g_return_val_if_fail (service != NULL, NULL);

  copy = g_memdup2 (service, sizeof *service);
  fields_deep_copy (&service_table, copy);

  return copy;
}

/**
 * tend_inventory_service_free:
 * @service: (nullable): a #TendInventoryService
 */
void
tend_inventory_service_free (TendInventoryService *service)
{
  if (service == NULL)
    return;

  fields_free (&service_table, service);
  g_free (service);
}

/**
 * tend_inventory_check_new:
 * @host: the name of the checked service's host
 * @unit: the checked service's unit
 * @name: the check's name, unique for the service
 * @kind: what kind of check it is
 *
 * Gives a check with the defaults of the file format, and the defaults of @kind's
 * parameters; the parameters without a default (an http check's URL, a tcp check's
 * host and port, a command's argv) are still to set.
 *
 * Do not change @kind of a check afterwards: which member of the params union is in
 * use, and is freed, follows it. Make a new check instead.
 *
 * Returns: (transfer full): a new check
 */
TendInventoryCheck *
tend_inventory_check_new (const char             *host,
                          const char             *unit,
                          const char             *name,
                          TendInventoryCheckKind  kind)
{
  TendInventoryCheck *check;

  g_return_val_if_fail (host != NULL, NULL);
  g_return_val_if_fail (unit != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (params_table (kind) != NULL, NULL);

  check = g_new0 (TendInventoryCheck, 1);
  fields_init (&check_table, check);
  check->host = g_strdup (host);
  check->unit = g_strdup (unit);
  check->name = g_strdup (name);
  check->kind = kind;
  fields_init (params_table (kind), check);

  return check;
}

/**
 * tend_inventory_check_copy:
 * @check: a #TendInventoryCheck
 *
 * Returns: (transfer full): a deep copy of @check
 */
TendInventoryCheck *
tend_inventory_check_copy (const TendInventoryCheck *check)
{
  TendInventoryCheck *copy;

  g_return_val_if_fail (check != NULL, NULL);

  copy = g_memdup2 (check, sizeof *check);
  fields_deep_copy (&check_table, copy);
  fields_deep_copy (params_table (check->kind), copy);

  return copy;
}

/**
 * tend_inventory_check_free:
 * @check: (nullable): a #TendInventoryCheck
 */
void
tend_inventory_check_free (TendInventoryCheck *check)
{
  if (check == NULL)
    return;

  fields_free (params_table (check->kind), check);
  fields_free (&check_table, check);
  g_free (check);
}

/**
 * tend_inventory_policy_new:
 * @host: the name of the service's host
 * @unit: the service's unit
 * @kind: the kind of policy
 *
 * Returns: (transfer full): a policy with the defaults of the file format
 */
TendInventoryPolicy *
tend_inventory_policy_new (const char              *host,
                           const char              *unit,
                           TendInventoryPolicyKind  kind)
{
  TendInventoryPolicy *policy;

  g_return_val_if_fail (host != NULL, NULL);
  g_return_val_if_fail (unit != NULL, NULL);

  policy = g_new0 (TendInventoryPolicy, 1);
  fields_init (&policy_table, policy);
  policy->host = g_strdup (host);
  policy->unit = g_strdup (unit);
  policy->kind = kind;

  return policy;
}

/**
 * tend_inventory_policy_copy:
 * @policy: a #TendInventoryPolicy
 *
 * Returns: (transfer full): a deep copy of @policy
 */
TendInventoryPolicy *
tend_inventory_policy_copy (const TendInventoryPolicy *policy)
{
  TendInventoryPolicy *copy;

  g_return_val_if_fail (policy != NULL, NULL);

  copy = g_memdup2 (policy, sizeof *policy);
  fields_deep_copy (&policy_table, copy);

  return copy;
}

/**
 * tend_inventory_policy_free:
 * @policy: (nullable): a #TendInventoryPolicy
 */
void
tend_inventory_policy_free (TendInventoryPolicy *policy)
{
  if (policy == NULL)
    return;

  fields_free (&policy_table, policy);
  g_free (policy);
}

/* TendInventory */

struct _TendInventory
{
  gatomicrefcount  ref_count;
  GPtrArray       *hosts;     /* (element-type TendInventoryHost) (owned) */
  GPtrArray       *services;  /* (element-type TendInventoryService) (owned) */
  GPtrArray       *checks;    /* (element-type TendInventoryCheck) (owned) */
  GPtrArray       *policies;  /* (element-type TendInventoryPolicy) (owned) */
  GHashTable      *config;    /* (element-type utf8 utf8) (owned) */
};

G_DEFINE_BOXED_TYPE (TendInventory, tend_inventory, tend_inventory_ref, tend_inventory_unref)

/**
 * tend_inventory_new:
 *
 * Returns: (transfer full): an empty inventory
 */
TendInventory *
tend_inventory_new (void)
{
  TendInventory *self = g_new0 (TendInventory, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->hosts = g_ptr_array_new_with_free_func ((GDestroyNotify) tend_inventory_host_free);
  self->services = g_ptr_array_new_with_free_func ((GDestroyNotify) tend_inventory_service_free);
  self->checks = g_ptr_array_new_with_free_func ((GDestroyNotify) tend_inventory_check_free);
  self->policies = g_ptr_array_new_with_free_func ((GDestroyNotify) tend_inventory_policy_free);
  self->config = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  return self;
}

/**
 * tend_inventory_ref:
 * @self: a #TendInventory
 *
 * Returns: (transfer full): @self
 */
TendInventory *
tend_inventory_ref (TendInventory *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);

  return self;
}

/**
 * tend_inventory_unref:
 * @self: (transfer full): a #TendInventory
 */
void
tend_inventory_unref (TendInventory *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_ptr_array_unref (self->hosts);
  g_ptr_array_unref (self->services);
  g_ptr_array_unref (self->checks);
  g_ptr_array_unref (self->policies);
  g_hash_table_unref (self->config);
  g_free (self);
}

/**
 * tend_inventory_get_hosts:
 * @self: a #TendInventory
 *
 * The inventory's own array: items added to it belong to it. Nothing keeps it valid as
 * it changes; tend_inventory_validate() says whether it is.
 *
 * Returns: (transfer none) (element-type TendInventoryHost): the hosts
 */
GPtrArray *
tend_inventory_get_hosts (TendInventory *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->hosts;
}

/**
 * tend_inventory_get_services:
 * @self: a #TendInventory
 *
 * Returns: (transfer none) (element-type TendInventoryService): the services, as
 *   tend_inventory_get_hosts() describes
 */
GPtrArray *
tend_inventory_get_services (TendInventory *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->services;
}

/**
 * tend_inventory_get_checks:
 * @self: a #TendInventory
 *
 * Returns: (transfer none) (element-type TendInventoryCheck): the checks, as
 *   tend_inventory_get_hosts() describes
 */
GPtrArray *
tend_inventory_get_checks (TendInventory *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->checks;
}

/**
 * tend_inventory_get_policies:
 * @self: a #TendInventory
 *
 * Returns: (transfer none) (element-type TendInventoryPolicy): the policies, as
 *   tend_inventory_get_hosts() describes
 */
GPtrArray *
tend_inventory_get_policies (TendInventory *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->policies;
}

/**
 * tend_inventory_get_config:
 * @self: a #TendInventory
 *
 * Configuration values as a person types them, by key ("checks.default-interval" →
 * "30s"). They are checked here only for their form; TendConfig checks their meaning.
 *
 * Returns: (transfer none) (element-type utf8 utf8): the inventory's own table
 */
GHashTable *
tend_inventory_get_config (TendInventory *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->config;
}

/**
 * tend_inventory_add_host:
 * @self: a #TendInventory
 * @host: (transfer full): a host
 */
void
tend_inventory_add_host (TendInventory     *self,
                         TendInventoryHost *host)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (host != NULL);

  g_ptr_array_add (self->hosts, host);
}

/**
 * tend_inventory_add_service:
 * @self: a #TendInventory
 * @service: (transfer full): a service
 */
void
tend_inventory_add_service (TendInventory        *self,
                            TendInventoryService *service)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (service != NULL);

  g_ptr_array_add (self->services, service);
}

/**
 * tend_inventory_add_check:
 * @self: a #TendInventory
 * @check: (transfer full): a check
 */
void
tend_inventory_add_check (TendInventory      *self,
                          TendInventoryCheck *check)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (check != NULL);

  g_ptr_array_add (self->checks, check);
}

/**
 * tend_inventory_add_policy:
 * @self: a #TendInventory
 * @policy: (transfer full): a policy
 */
void
tend_inventory_add_policy (TendInventory       *self,
                           TendInventoryPolicy *policy)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (policy != NULL);

  g_ptr_array_add (self->policies, policy);
}

/**
 * tend_inventory_set_config:
 * @self: a #TendInventory
 * @key: a configuration key
 * @value: (nullable): its value as a person types it, or %NULL to remove the key
 */
void
tend_inventory_set_config (TendInventory *self,
                           const char    *key,
                           const char    *value)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (key != NULL);

  if (value == NULL)
    g_hash_table_remove (self->config, key);
  else
    g_hash_table_replace (self->config, g_strdup (key), g_strdup (value));
}

/* Stage 3: reading the tree */

typedef struct
{
  Problems       problems;
  GString       *path;
  TendInventory *inventory;
  GHashTable    *hosts;              /* name → position + 1 */
  GHashTable    *services;           /* "host/unit" → position + 1 */
  GHashTable    *checks;             /* "host/unit/name" → position + 1 */
  GHashTable    *policies;           /* "host/unit" → position + 1 */
  gboolean       hosts_complete;     /* every host has a name to refer to */
  gboolean       services_complete;  /* every service has a host and a unit */
} Parser;

static void
parser_init (Parser *p)
{
  p->problems.lines = g_ptr_array_new_with_free_func (g_free);
  p->path = g_string_new ("$");
  p->inventory = tend_inventory_new ();
  p->hosts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  p->services = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  p->checks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  p->policies = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  p->hosts_complete = TRUE;
  p->services_complete = TRUE;
}

static void
parser_clear (Parser *p)
{
  g_ptr_array_unref (p->problems.lines);
  g_string_free (p->path, TRUE);
  g_clear_pointer (&p->inventory, tend_inventory_unref);
  g_hash_table_unref (p->hosts);
  g_hash_table_unref (p->services);
  g_hash_table_unref (p->checks);
  g_hash_table_unref (p->policies);
}

G_GNUC_PRINTF (2, 3)
static void
parser_problem (Parser     *p,
                const char *format,
                ...)
{
  g_autofree char *reason = NULL;
  va_list args;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);

  problem (&p->problems, p->path->str, "%s", reason);
}

static const char *
describe_node (JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      return "an object";
    case JSON_NODE_ARRAY:
      return "an array";
    case JSON_NODE_NULL:
      return "null";
    case JSON_NODE_VALUE:
    default:
      break;
    }

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return "a string";
    case G_TYPE_INT64:
      return "an integer";
    case G_TYPE_DOUBLE:
      return "a number with a fraction or an exponent";
    case G_TYPE_BOOLEAN:
      return "a boolean";
    default:
      return "a value";
    }
}

static gboolean
node_holds (JsonNode *node,
            GType     type)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

static gboolean
member_is_set (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && !JSON_NODE_HOLDS_NULL (node);
}

static gboolean
type_problem (Parser     *p,
              const char *expected,
              JsonNode   *node)
{
  parser_problem (p, "expected %s, got %s", expected, describe_node (node));
  return FALSE;
}

/* Unknown keys */

static gboolean
looks_secret (const char *name)
{
  static const char * const words[] = {
    "password", "passwd", "passphrase", "secret", "token", "apikey", "api_key", "api-key",
    "credential", "private_key", "private-key", "privkey",
  };
  g_autofree char *lower = g_ascii_strdown (name, -1);

  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    {
      if (strstr (lower, words[i]) != NULL)
        return TRUE;
    }

  return FALSE;
}

/* Optimal string alignment distance: edits, counting a swap of neighbours as one */
static guint
edit_distance (const char *a,
               const char *b)
{
  gsize la = strlen (a);
  gsize lb = strlen (b);
  g_autofree guint *d = g_new (guint, (la + 1) * (lb + 1));

#define D(i, j) d[(i) * (lb + 1) + (j)]
  for (gsize i = 0; i <= la; i++)
    D (i, 0) = i;
  for (gsize j = 0; j <= lb; j++)
    D (0, j) = j;

  for (gsize i = 1; i <= la; i++)
    {
      for (gsize j = 1; j <= lb; j++)
        {
          guint cost = g_ascii_tolower (a[i - 1]) == g_ascii_tolower (b[j - 1]) ? 0 : 1;
          guint best = MIN (D (i - 1, j) + 1, D (i, j - 1) + 1);

          best = MIN (best, D (i - 1, j - 1) + cost);
          if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
            best = MIN (best, D (i - 2, j - 2) + 1);
          D (i, j) = best;
        }
    }

  return D (la, lb);
#undef D
}

/* The known name closest to @name, when it is close enough to be a typing mistake */
static const char *
suggest (const char         *name,
         const char * const *known,
         guint               n_known)
{
  const char *best = NULL;
  guint best_distance = G_MAXUINT;
  gsize len = strlen (name);
  guint allowed = len <= 4 ? 1 : 2;

  if (len > 64)
    return NULL;

  for (guint i = 0; i < n_known; i++)
    {
      guint distance = edit_distance (name, known[i]);

      if (distance <= allowed && distance < best_distance)
        {
          best = known[i];
          best_distance = distance;
        }
    }

  return best;
}

/* Reports every member of @object whose key is neither in @table nor in @extra.
 * @check_kind is the kind of check whose params @object holds, or -1.
 */
static void
check_unknown_keys (Parser             *p,
                    JsonObject         *object,
                    const FieldTable   *table,
                    const char * const *extra,
                    int                 check_kind)
{
  g_autoptr(GList) members = json_object_get_members (object);
  g_autoptr(GPtrArray) known = g_ptr_array_new ();

  for (guint i = 0; table != NULL && i < table->n_fields; i++)
    g_ptr_array_add (known, (gpointer) table->fields[i].name);
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    g_ptr_array_add (known, (gpointer) extra[i]);

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      g_autoptr(GString) message = NULL;
      g_autofree char *quoted = NULL;
      const char *suggestion;
      gboolean is_known = FALSE;
      int owner = -1;

      for (guint i = 0; i < known->len && !is_known; i++)
        is_known = strcmp (name, g_ptr_array_index (known, i)) == 0;
      if (is_known)
        continue;

      /* Past the problems listed, only count: a hostile file may hold a million keys */
      if (p->problems.n_total >= TEND_INVENTORY_MAX_ERRORS)
        {
          p->problems.n_total++;
          continue;
        }

      quoted = quote (name, -1);
      message = g_string_new (NULL);
      g_string_append_printf (message, "unknown key %s", quoted);

      if (check_kind >= 0)
        {
          g_string_append_printf (message, " for a%s %s check",
                                  check_kind == TEND_INVENTORY_CHECK_HTTP ? "n" : "",
                                  check_kind_names[check_kind]);
          for (int k = 0; owner < 0 && k < (int) G_N_ELEMENTS (params_tables); k++)
            {
              if (table_lookup (&params_tables[k], name, NULL) != NULL)
                owner = k;
            }
        }

      suggestion = suggest (name, (const char * const *) known->pdata, known->len);

      if (suggestion != NULL)
        g_string_append_printf (message, "; did you mean \"%s\"?", suggestion);
      else if (owner >= 0)
        g_string_append_printf (message, "; %s belongs to %s checks", quoted,
                                check_kind_names[owner]);
      else if (looks_secret (name) && table_lookup (table, "password_env", NULL) != NULL)
        g_string_append (message, "; Tend stores no secrets: put the NAME of an environment "
                         "variable that holds the password in \"password_env\"");
      else if (looks_secret (name))
        g_string_append (message, "; Tend stores no secrets, so an inventory has no place "
                         "for one");
      else if (known->len == 0)
        g_string_append (message, "; a unit check has no params");
      else
        {
          g_string_append (message, "; the keys here are ");
          for (guint i = 0; i < known->len; i++)
            g_string_append_printf (message, "%s%s", i > 0 ? ", " : "",
                                    (const char *) g_ptr_array_index (known, i));
        }

      parser_problem (p, "%s", message->str);
    }
}

/* Fields */

static gboolean
range_problem_int (Parser *p,
                   gint64  value,
                   gint64  min,
                   gint64  max)
{
  if (max == NO_MAX)
    parser_problem (p, "%" G_GINT64_FORMAT " is below the minimum of %" G_GINT64_FORMAT,
                    value, min);
  else
    parser_problem (p, "%" G_GINT64_FORMAT " is outside %" G_GINT64_FORMAT "..%"
                    G_GINT64_FORMAT, value, min, max);
  return FALSE;
}

static gboolean
read_string_rule (Parser      *p,
                  const Field *field,
                  const char  *value,
                  guint        i)
{
  g_autoptr(GString) reason = NULL;

  if (field->rule == NULL)
    return TRUE;

  reason = g_string_new (NULL);
  if (field->rule (value, i, reason))
    return TRUE;

  parser_problem (p, "%s", reason->str);
  return FALSE;
}

static gboolean
read_enum (Parser      *p,
           const Field *field,
           JsonNode    *node,
           int         *out)
{
  const char *value;
  g_autofree char *quoted = NULL;
  g_autofree char *choices = NULL;
  const char *suggestion;

  if (!node_holds (node, G_TYPE_STRING))
    return type_problem (p, "a string", node);

  value = json_node_get_string (node);
  for (int i = 0; field->values[i] != NULL; i++)
    {
      if (strcmp (value, field->values[i]) == 0)
        {
          *out = i;
          return TRUE;
        }
    }

  quoted = quote (value, -1);
  choices = g_strjoinv (", ", (char **) field->values);
  suggestion = suggest (value, field->values, g_strv_length ((char **) field->values));
  if (suggestion != NULL)
    parser_problem (p, "%s is not one of %s; did you mean \"%s\"?", quoted, choices,
                    suggestion);
  else
    parser_problem (p, "%s is not one of %s", quoted, choices);

  return FALSE;
}

static gboolean
read_duration (Parser      *p,
               const Field *field,
               JsonNode    *node,
               gint64      *out)
{
  g_autoptr(GError) error = NULL;
  gint64 usec;

  if (!node_holds (node, G_TYPE_STRING))
    return type_problem (p, "a duration in a string, such as \"30s\" or \"1h 30min\"", node);

  if (!tend_duration_parse (json_node_get_string (node), &usec, &error))
    {
      parser_problem (p, "%s", error->message);
      return FALSE;
    }

  if (usec < field->min || usec > field->max)
    {
      g_autofree char *value = format_duration (usec);
      g_autofree char *min = format_duration (field->min);
      g_autofree char *max = format_duration (field->max);

      parser_problem (p, "%s is outside %s..%s", value, min, max);
      return FALSE;
    }

  *out = usec;
  return TRUE;
}

static gboolean
read_strv (Parser      *p,
           const Field *field,
           JsonNode    *node,
           char      ***out)
{
  JsonArray *array;
  guint n;
  gboolean ok = TRUE;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return type_problem (p, "an array of strings", node);

  array = json_node_get_array (node);
  n = json_array_get_length (array);

  if (n < field->min_count)
    {
      parser_problem (p, "the list is empty; it needs at least %u", field->min_count);
      return FALSE;
    }

  if (n > field->max_count)
    {
      parser_problem (p, "the list has %u elements; at most %u are allowed", n,
                      field->max_count);
      return FALSE;
    }

  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      gsize len = path_push_index (p->path, i);
      const char *value;

      if (!node_holds (element, G_TYPE_STRING))
        ok = type_problem (p, "a string", element);
      else
        {
          value = json_node_get_string (element);
          if (!read_string_rule (p, field, value, i))
            ok = FALSE;
          else if ((field->flags & FIELD_SET) != 0 && !g_hash_table_add (seen, (char *) value))
            {
              g_autofree char *quoted = quote (value, -1);

              parser_problem (p, "%s is listed twice", quoted);
              ok = FALSE;
            }
          g_ptr_array_add (values, g_strdup (value));
        }

      g_string_truncate (p->path, len);
    }

  if (!ok)
    return FALSE;

  g_ptr_array_add (values, NULL);
  g_strfreev (*out);
  *out = (char **) g_ptr_array_free (g_steal_pointer (&values), FALSE);

  return TRUE;
}

static gboolean
read_int_list (Parser      *p,
               const Field *field,
               JsonNode    *node,
               GArray     **out)
{
  JsonArray *array;
  guint n;
  gboolean ok = TRUE;
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (int));

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return type_problem (p, "an array of integers", node);

  array = json_node_get_array (node);
  n = json_array_get_length (array);

  if (n < field->min_count)
    {
      parser_problem (p, "the list is empty; it needs at least %u", field->min_count);
      return FALSE;
    }

  if (n > field->max_count)
    {
      parser_problem (p, "the list has %u elements; at most %u are allowed", n,
                      field->max_count);
      return FALSE;
    }

  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      gsize len = path_push_index (p->path, i);
      gint64 value;

      if (!node_holds (element, G_TYPE_INT64))
        ok = type_problem (p, "an integer", element);
      else if ((value = json_node_get_int (element)) < field->min || value > field->max)
        ok = range_problem_int (p, value, field->min, field->max);
      else
        {
          int v = (int) value;
          gboolean twice = FALSE;

          for (guint j = 0; j < values->len && !twice; j++)
            twice = g_array_index (values, int, j) == v;

          if (twice && (field->flags & FIELD_SET) != 0)
            {
              parser_problem (p, "%d is listed twice", v);
              ok = FALSE;
            }
          g_array_append_val (values, v);
        }

      g_string_truncate (p->path, len);
    }

  if (!ok)
    return FALSE;

  g_clear_pointer (out, g_array_unref);
  *out = g_steal_pointer (&values);

  return TRUE;
}

/* Reads one field from @node (not %NULL, not null) into @item; the path is the field's. */
static gboolean
read_field (Parser      *p,
            const Field *field,
            JsonNode    *node,
            gpointer     item)
{
  switch (field->type)
    {
    case FIELD_STRING:
      if (!node_holds (node, G_TYPE_STRING))
        return type_problem (p, "a string", node);
      /* Kept even when the rule fails, so that references to it do not fail as well */
      g_free (*SLOT (item, field, char *));
      *SLOT (item, field, char *) = g_strdup (json_node_get_string (node));
      return read_string_rule (p, field, json_node_get_string (node), 0);

    case FIELD_ENUM:
      return read_enum (p, field, node, SLOT (item, field, int));

    case FIELD_INT:
    case FIELD_INT64:
      {
        gint64 value;

        if (!node_holds (node, G_TYPE_INT64))
          return type_problem (p, "an integer", node);

        value = json_node_get_int (node);
        if (value < field->min || value > field->max)
          return range_problem_int (p, value, field->min, field->max);

        if (field->type == FIELD_INT)
          *SLOT (item, field, int) = (int) value;
        else
          *SLOT (item, field, gint64) = value;
        return TRUE;
      }

    case FIELD_DOUBLE:
      {
        double value;

        if (node_holds (node, G_TYPE_INT64))
          value = (double) json_node_get_int (node);
        else if (node_holds (node, G_TYPE_DOUBLE))
          value = json_node_get_double (node);
        else
          return type_problem (p, "a number", node);

        if (value < field->dmin || value > field->dmax)
          {
            g_autofree char *text = format_double (value);
            g_autofree char *min = format_double (field->dmin);
            g_autofree char *max = format_double (field->dmax);

            if (isinf (field->dmax))
              parser_problem (p, "%s is below the minimum of %s", text, min);
            else
              parser_problem (p, "%s is outside %s..%s", text, min, max);
            return FALSE;
          }

        *SLOT (item, field, double) = value;
        return TRUE;
      }

    case FIELD_BOOL:
      if (!node_holds (node, G_TYPE_BOOLEAN))
        return type_problem (p, "true or false", node);
      *SLOT (item, field, gboolean) = json_node_get_boolean (node);
      return TRUE;

    case FIELD_DURATION:
      return read_duration (p, field, node, SLOT (item, field, gint64));

    case FIELD_STRV:
      return read_strv (p, field, node, SLOT (item, field, char **));

    case FIELD_INT_LIST:
      return read_int_list (p, field, node, SLOT (item, field, GArray *));

    default:
      g_assert_not_reached ();
    }
}

/* Reads the members of @object that @table describes into @item, which holds the
 * defaults. Returns a mask of the fields that hold a valid value, read or default.
 */
static guint64
read_fields (Parser           *p,
             JsonObject       *object,
             const FieldTable *table,
             gpointer          item)
{
  guint64 ok = 0;

  g_assert (table->n_fields <= 64);

  for (guint i = 0; i < table->n_fields; i++)
    {
      const Field *field = &table->fields[i];
      JsonNode *node = json_object_get_member (object, field->name);
      gsize len;

      if (node == NULL && (field->flags & FIELD_REQUIRED) != 0)
        {
          parser_problem (p, "required key \"%s\" is missing", field->name);
          continue;
        }

      if (node == NULL || (JSON_NODE_HOLDS_NULL (node) && (field->flags & FIELD_NULLABLE)))
        {
          ok |= G_GUINT64_CONSTANT (1) << i;
          continue;
        }

      len = path_push_key (p->path, field->name);
      if (read_field (p, field, node, item))
        ok |= G_GUINT64_CONSTANT (1) << i;
      g_string_truncate (p->path, len);
    }

  return ok;
}

static gboolean
field_ok (guint64           ok,
          const FieldTable *table,
          const char       *name)
{
  guint position;

  if (table_lookup (table, name, &position) == NULL)
    g_assert_not_reached ();

  return (ok & (G_GUINT64_CONSTANT (1) << position)) != 0;
}

G_GNUC_PRINTF (3, 4)
static void
member_problem (Parser     *p,
                const char *key,
                const char *format,
                ...)
{
  g_autofree char *reason = NULL;
  gsize len = path_push_key (p->path, key);
  va_list args;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);

  parser_problem (p, "%s", reason);
  g_string_truncate (p->path, len);
}

/* "a must be below b" */
static void
order_problem (Parser     *p,
               const char *key,
               char       *value,
               const char *relation,
               const char *other,
               char       *other_value)
{
  member_problem (p, key, "%s must be %s %s (%s)", value, relation, other, other_value);
  g_free (value);
  g_free (other_value);
}

static JsonObject *
expect_object (Parser   *p,
               JsonNode *node)
{
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      type_problem (p, "an object", node);
      return NULL;
    }

  return json_node_get_object (node);
}

/* Hosts */

static TendInventoryHost *
read_host (Parser   *p,
           JsonNode *node)
{
  static const char * const ssh_only[] = { "address", "port", "user" };
  JsonObject *object = expect_object (p, node);
  JsonNode *kind;
  TendInventoryHost *host;
  guint64 ok;

  if (object == NULL)
    return NULL;

  host = g_new0 (TendInventoryHost, 1);
  fields_init (&host_table, host);
  check_unknown_keys (p, object, &host_table, NULL, -1);

  /* What a local host cannot have is reported as that, not also for its value */
  kind = json_object_get_member (object, "kind");
  if (kind != NULL && node_holds (kind, G_TYPE_STRING) &&
      strcmp (json_node_get_string (kind), "local") == 0)
    {
      for (guint i = 0; i < G_N_ELEMENTS (ssh_only); i++)
        {
          if (member_is_set (object, ssh_only[i]))
            {
              member_problem (p, ssh_only[i], "a local host has no %s; remove it, or make the "
                              "host's kind \"ssh\"", ssh_only[i]);
              json_object_remove_member (object, ssh_only[i]);
            }
        }
    }

  ok = read_fields (p, object, &host_table, host);

  if (!field_ok (ok, &host_table, "kind"))
    return host;

  if (!json_object_has_member (object, "scope"))
    host->scope = default_scope (host->kind);

  if (host->kind == TEND_HOST_KIND_SSH)
    {
      if (!member_is_set (object, "address"))
        parser_problem (p, "required key \"address\" is missing; an ssh host needs one");
      if (!member_is_set (object, "port"))
        host->port = 22;
    }

  return host;
}

static void
read_hosts (Parser    *p,
            JsonArray *array)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      gsize len = path_push_index (p->path, i);
      TendInventoryHost *host = read_host (p, json_array_get_element (array, i));
      gpointer previous;

      if (host == NULL || host->name == NULL)
        p->hosts_complete = FALSE;
      else if ((previous = g_hash_table_lookup (p->hosts, host->name)) != NULL)
        {
          g_autofree char *quoted = quote (host->name, -1);

          member_problem (p, "name", "%s is already used by $.hosts[%u]", quoted,
                          GPOINTER_TO_UINT (previous) - 1);
        }
      else
        g_hash_table_insert (p->hosts, g_strdup (host->name), GUINT_TO_POINTER (i + 1));

      if (host != NULL)
        g_ptr_array_add (p->inventory->hosts, host);
      g_string_truncate (p->path, len);
    }
}

/* References to services, from services, checks and policies */

static char *
service_key (const char *host,
             const char *unit)
{
  return g_strconcat (host, "/", unit, NULL);
}

/* Whether @host and @unit, read into @ok of @table, name a service of the file;
 * reports it when they do not.
 */
static gboolean
check_service_reference (Parser           *p,
                         guint64           ok,
                         const FieldTable *table,
                         const char       *host,
                         const char       *unit)
{
  g_autofree char *key = NULL;

  if (!field_ok (ok, table, "host") || !field_ok (ok, table, "unit"))
    return FALSE;

  key = service_key (host, unit);
  if (p->services_complete && !g_hash_table_contains (p->services, key))
    {
      g_autofree char *quoted_unit = quote (unit, -1);
      g_autofree char *quoted_host = quote (host, -1);

      parser_problem (p, "no service %s on host %s in $.services", quoted_unit, quoted_host);
      return FALSE;
    }

  return TRUE;
}

static TendInventoryService *
read_service (Parser   *p,
              JsonNode *node,
              guint64  *ok)
{
  JsonObject *object = expect_object (p, node);
  TendInventoryService *service;

  if (object == NULL)
    return NULL;

  service = g_new0 (TendInventoryService, 1);
  fields_init (&service_table, service);
  check_unknown_keys (p, object, &service_table, NULL, -1);
  *ok = read_fields (p, object, &service_table, service);

  if (field_ok (*ok, &service_table, "host") && p->hosts_complete &&
      !g_hash_table_contains (p->hosts, service->host))
    {
      g_autofree char *quoted = quote (service->host, -1);

      member_problem (p, "host", "no host named %s in $.hosts", quoted);
    }

  return service;
}

static void
read_services (Parser    *p,
               JsonArray *array)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      gsize len = path_push_index (p->path, i);
      guint64 ok = 0;
      TendInventoryService *service = read_service (p, json_array_get_element (array, i), &ok);
      g_autofree char *key = NULL;
      gpointer previous;

      if (service == NULL || service->host == NULL || service->unit == NULL)
        p->services_complete = FALSE;
      else if ((previous = g_hash_table_lookup (p->services,
                                                key = service_key (service->host,
                                                                   service->unit))) != NULL)
        {
          g_autofree char *quoted_unit = quote (service->unit, -1);
          g_autofree char *quoted_host = quote (service->host, -1);

          parser_problem (p, "%s on host %s is already listed at $.services[%u]", quoted_unit,
                          quoted_host, GPOINTER_TO_UINT (previous) - 1);
        }
      else
        g_hash_table_insert (p->services, g_steal_pointer (&key), GUINT_TO_POINTER (i + 1));

      if (service != NULL)
        g_ptr_array_add (p->inventory->services, service);
      g_string_truncate (p->path, len);
    }
}

/* Checks */

static void
check_below (Parser     *p,
             const char *key,
             gint64      value,
             const char *other,
             gint64      other_value)
{
  if (value != TEND_INVENTORY_UNSET && other_value != TEND_INVENTORY_UNSET &&
      value >= other_value)
    order_problem (p, key, format_duration (value), "below", other,
                   format_duration (other_value));
}

static char *field_json (const Field   *field,
                         gconstpointer  item);

/* A warning threshold below its critical one; the path is the params object's. */
static void
check_threshold_pair (Parser           *p,
                      const FieldTable *table,
                      guint64           ok,
                      gconstpointer     item,
                      const char       *warn,
                      const char       *critical)
{
  const Field *warn_field = table_lookup (table, warn, NULL);
  const Field *critical_field = table_lookup (table, critical, NULL);
  double warn_value;
  double critical_value;

  if (!field_ok (ok, table, warn) || !field_ok (ok, table, critical))
    return;

  if (warn_field->type == FIELD_DOUBLE)
    {
      warn_value = *SLOT (item, warn_field, double);
      critical_value = *SLOT (item, critical_field, double);
    }
  else
    {
      warn_value = *SLOT (item, warn_field, gint64);
      critical_value = *SLOT (item, critical_field, gint64);
    }

  if (warn_value != TEND_INVENTORY_UNSET && critical_value != TEND_INVENTORY_UNSET &&
      warn_value >= critical_value)
    order_problem (p, warn, field_json (warn_field, item), "below", critical,
                   field_json (critical_field, item));
}

/* Reads a params object (the path is its own) into @check, whose kind is valid.
 * @timeout_ok says whether @check's timeout can be compared with.
 */
static void
read_params (Parser             *p,
             JsonObject         *object,
             TendInventoryCheck *check,
             gboolean            timeout_ok)
{
  const FieldTable *table = params_table (check->kind);
  guint64 ok;

  check_unknown_keys (p, object, table, NULL, check->kind);
  ok = read_fields (p, object, table, check);

  switch (check->kind)
    {
    case TEND_INVENTORY_CHECK_HTTP:
      if (timeout_ok && field_ok (ok, table, "latency_degraded"))
        check_below (p, "latency_degraded", check->params.http.latency_degraded_usec,
                     "the timeout", check->timeout_usec);
      break;

    case TEND_INVENTORY_CHECK_REDIS:
      if (timeout_ok && field_ok (ok, table, "max_latency"))
        check_below (p, "max_latency", check->params.redis.max_latency_usec, "the timeout",
                     check->timeout_usec);
      break;

    case TEND_INVENTORY_CHECK_RESOURCES:
      check_threshold_pair (p, table, ok, check, "memory_warn_bytes", "memory_critical_bytes");
      check_threshold_pair (p, table, ok, check, "cpu_warn_percent", "cpu_critical_percent");
      check_threshold_pair (p, table, ok, check, "tasks_warn", "tasks_critical");
      break;

    case TEND_INVENTORY_CHECK_UNIT:
    case TEND_INVENTORY_CHECK_TCP:
    case TEND_INVENTORY_CHECK_COMMAND:
    default:
      break;
    }
}

static const char *
first_required (const FieldTable *table)
{
  for (guint i = 0; i < table->n_fields; i++)
    {
      if ((table->fields[i].flags & FIELD_REQUIRED) != 0)
        return table->fields[i].name;
    }

  return NULL;
}

static TendInventoryCheck *
read_check (Parser   *p,
            JsonNode *node,
            guint64  *ok)
{
  static const char * const extra[] = { "params", NULL };
  JsonObject *object = expect_object (p, node);
  TendInventoryCheck *check;
  gboolean timeout_ok;
  JsonNode *params;

  if (object == NULL)
    return NULL;

  check = g_new0 (TendInventoryCheck, 1);
  fields_init (&check_table, check);
  check_unknown_keys (p, object, &check_table, extra, -1);
  *ok = read_fields (p, object, &check_table, check);

  check_service_reference (p, *ok, &check_table, check->host, check->unit);

  timeout_ok = field_ok (*ok, &check_table, "timeout");
  if (timeout_ok && field_ok (*ok, &check_table, "interval") &&
      check->timeout_usec >= check->interval_usec)
    {
      order_problem (p, "timeout", format_duration (check->timeout_usec), "below",
                     "the interval", format_duration (check->interval_usec));
      timeout_ok = FALSE;
    }

  if (!field_ok (*ok, &check_table, "kind"))
    {
      /* No params to read: the kind says which */
      check->kind = (TendInventoryCheckKind) TEND_INVENTORY_UNSET;
      return check;
    }

  fields_init (params_table (check->kind), check);
  params = json_object_get_member (object, "params");

  if (params == NULL || JSON_NODE_HOLDS_NULL (params))
    {
      const char *required = first_required (params_table (check->kind));

      if (required != NULL)
        parser_problem (p, "required key \"params\" is missing; a%s %s check needs \"%s\"",
                        check->kind == TEND_INVENTORY_CHECK_HTTP ? "n" : "",
                        check_kind_names[check->kind], required);
    }
  else
    {
      gsize len = path_push_key (p->path, "params");
      JsonObject *params_object = expect_object (p, params);

      if (params_object != NULL)
        read_params (p, params_object, check, timeout_ok);
      g_string_truncate (p->path, len);
    }

  return check;
}

static void
read_checks (Parser    *p,
             JsonArray *array)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      gsize len = path_push_index (p->path, i);
      guint64 ok = 0;
      TendInventoryCheck *check = read_check (p, json_array_get_element (array, i), &ok);

      if (check != NULL && field_ok (ok, &check_table, "host") &&
          field_ok (ok, &check_table, "unit") && field_ok (ok, &check_table, "name"))
        {
          g_autofree char *key = g_strconcat (check->host, "/", check->unit, "/", check->name,
                                              NULL);
          gpointer previous = g_hash_table_lookup (p->checks, key);

          if (previous != NULL)
            {
              g_autofree char *quoted = quote (check->name, -1);

              member_problem (p, "name", "%s is already used by $.checks[%u], for the same "
                              "service", quoted, GPOINTER_TO_UINT (previous) - 1);
            }
          else
            g_hash_table_insert (p->checks, g_steal_pointer (&key), GUINT_TO_POINTER (i + 1));
        }

      if (check != NULL)
        g_ptr_array_add (p->inventory->checks, check);
      g_string_truncate (p->path, len);
    }
}

/* Policies */

static TendInventoryPolicy *
read_policy (Parser   *p,
             JsonNode *node,
             guint64  *ok)
{
  JsonObject *object = expect_object (p, node);
  TendInventoryPolicy *policy;

  if (object == NULL)
    return NULL;

  policy = g_new0 (TendInventoryPolicy, 1);
  fields_init (&policy_table, policy);
  check_unknown_keys (p, object, &policy_table, NULL, -1);
  *ok = read_fields (p, object, &policy_table, policy);

  check_service_reference (p, *ok, &policy_table, policy->host, policy->unit);

  if (field_ok (*ok, &policy_table, "backoff_initial") &&
      field_ok (*ok, &policy_table, "backoff_max") &&
      policy->backoff_max_usec < policy->backoff_initial_usec)
    order_problem (p, "backoff_max", format_duration (policy->backoff_max_usec),
                   "at least", "backoff_initial", format_duration (policy->backoff_initial_usec));

  return policy;
}

static void
read_policies (Parser    *p,
               JsonArray *array)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      gsize len = path_push_index (p->path, i);
      guint64 ok = 0;
      TendInventoryPolicy *policy = read_policy (p, json_array_get_element (array, i), &ok);

      if (policy != NULL && field_ok (ok, &policy_table, "host") &&
          field_ok (ok, &policy_table, "unit"))
        {
          g_autofree char *key = service_key (policy->host, policy->unit);
          gpointer previous = g_hash_table_lookup (p->policies, key);

          if (previous != NULL)
            {
              g_autofree char *quoted_unit = quote (policy->unit, -1);
              g_autofree char *quoted_host = quote (policy->host, -1);

              parser_problem (p, "%s on host %s already has a policy, $.policies[%u]; a "
                              "service has at most one", quoted_unit, quoted_host,
                              GPOINTER_TO_UINT (previous) - 1);
            }
          else
            g_hash_table_insert (p->policies, g_steal_pointer (&key), GUINT_TO_POINTER (i + 1));
        }

      if (policy != NULL)
        g_ptr_array_add (p->inventory->policies, policy);
      g_string_truncate (p->path, len);
    }
}

/* Configuration */

static gboolean
is_config_key (const char *key)
{
  gboolean word_started = FALSE;
  guint n_words = 0;

  if (strlen (key) > CONFIG_KEY_MAX_LEN)
    return FALSE;

  for (const char *p = key; ; p++)
    {
      if (*p == '.' || *p == '\0')
        {
          if (!word_started)
            return FALSE;
          n_words++;
          word_started = FALSE;
          if (*p == '\0')
            break;
        }
      else if (g_ascii_islower (*p) || g_ascii_isdigit (*p) || *p == '-')
        word_started = TRUE;
      else
        return FALSE;
    }

  return n_words >= 2;
}

static void
read_config (Parser     *p,
             JsonObject *object)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *key = l->data;
      JsonNode *node = json_object_get_member (object, key);
      g_autofree char *quoted = quote (key, -1);
      gsize len;

      if (looks_secret (key))
        {
          parser_problem (p, "unknown key %s; Tend stores no secrets, so no configuration key "
                          "is named like a password, secret or token", quoted);
          continue;
        }

      if (!is_config_key (key))
        {
          parser_problem (p, "%s is not a configuration key: keys are dotted names of a-z, "
                          "0-9 and \"-\", such as \"checks.default-interval\"", quoted);
          continue;
        }

      len = path_push_key (p->path, key);
      if (!node_holds (node, G_TYPE_STRING))
        parser_problem (p, "expected a string, got %s; configuration values are written as "
                        "text, such as \"30s\", \"3\" or \"true\"", describe_node (node));
      else if (strlen (json_node_get_string (node)) > CONFIG_VALUE_MAX_LEN)
        parser_problem (p, "the value is longer than %d bytes", CONFIG_VALUE_MAX_LEN);
      else
        tend_inventory_set_config (p->inventory, key, json_node_get_string (node));
      g_string_truncate (p->path, len);
    }
}

/* The document */

/* Reads the section @name with @read_array. A section that is not an array is reported
 * and makes *@complete %FALSE: its items cannot be referred to.
 */
static void
read_section (Parser     *p,
              JsonObject *root,
              const char *name,
              gboolean   *complete,
              void      (*read_array) (Parser    *p,
                                       JsonArray *array))
{
  JsonNode *node = json_object_get_member (root, name);
  gsize len;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      member_problem (p, name, "expected an array, got %s", describe_node (node));
      if (complete != NULL)
        *complete = FALSE;
      return;
    }

  len = path_push_key (p->path, name);
  read_array (p, json_node_get_array (node));
  g_string_truncate (p->path, len);
}

static gboolean
read_header (Parser     *p,
             JsonObject *root)
{
  JsonNode *format = json_object_get_member (root, "format");
  JsonNode *version = json_object_get_member (root, "version");
  gint64 number;

  if (format == NULL)
    {
      parser_problem (p, "required key \"format\" is missing; a Tend inventory starts with "
                      "{\"format\": \"" FORMAT_NAME "\", \"version\": %d",
                      TEND_INVENTORY_FORMAT_VERSION);
      return FALSE;
    }

  if (!node_holds (format, G_TYPE_STRING))
    {
      member_problem (p, "format", "expected a string, got %s", describe_node (format));
      return FALSE;
    }

  if (strcmp (json_node_get_string (format), FORMAT_NAME) != 0)
    {
      g_autofree char *quoted = quote (json_node_get_string (format), -1);

      member_problem (p, "format", "%s is not \"" FORMAT_NAME "\"; this is not a Tend "
                      "inventory", quoted);
      return FALSE;
    }

  if (version == NULL)
    {
      parser_problem (p, "required key \"version\" is missing; this Tend reads version %d",
                      TEND_INVENTORY_FORMAT_VERSION);
      return FALSE;
    }

  if (!node_holds (version, G_TYPE_INT64))
    {
      member_problem (p, "version", "expected an integer, got %s", describe_node (version));
      return FALSE;
    }

  number = json_node_get_int (version);
  if (number > TEND_INVENTORY_FORMAT_VERSION)
    {
      member_problem (p, "version", "this file is format version %" G_GINT64_FORMAT "; this "
                      "Tend reads version %d", number, TEND_INVENTORY_FORMAT_VERSION);
      return FALSE;
    }

  if (number < 1)
    {
      member_problem (p, "version", "%" G_GINT64_FORMAT " is not a format version; this Tend "
                      "reads version %d", number, TEND_INVENTORY_FORMAT_VERSION);
      return FALSE;
    }

  return TRUE;
}

static void
read_document (Parser   *p,
               JsonNode *node)
{
  static const char * const top_keys[] = {
    "format", "version", "hosts", "services", "checks", "policies", "config", NULL
  };
  JsonObject *root = expect_object (p, node);
  JsonNode *config;

  if (root == NULL || !read_header (p, root))
    return;

  check_unknown_keys (p, root, NULL, top_keys, -1);

  read_section (p, root, "hosts", &p->hosts_complete, read_hosts);
  read_section (p, root, "services", &p->services_complete, read_services);
  read_section (p, root, "checks", NULL, read_checks);
  read_section (p, root, "policies", NULL, read_policies);

  config = json_object_get_member (root, "config");
  if (config != NULL && !JSON_NODE_HOLDS_NULL (config))
    {
      JsonObject *object;

      path_push_key (p->path, "config");
      object = expect_object (p, config);
      if (object != NULL)
        read_config (p, object);
      g_string_assign (p->path, "$");
    }
}

/**
 * tend_inventory_new_from_json:
 * @data: the text of an inventory file (need not end in a NUL byte)
 * @length: its length in bytes
 * @error: return location for a #GError
 *
 * Reads and validates a whole inventory (see docs/inventory-format.md): every field,
 * every reference between items, every limit. Nothing is returned unless all of it is
 * valid. Configuration values are only checked to be text under dotted keys; check
 * their meaning with tend_config_validate() before applying them.
 *
 * Safe to call from any thread.
 *
 * Returns: (transfer full) (nullable): the inventory, or %NULL with @error set to
 *   %TEND_ERROR_INVALID_ARGUMENT: up to %TEND_INVENTORY_MAX_ERRORS problems, one per
 *   line, each starting with its JSON path, and a last line saying how many more there
 *   were, if any
 */
TendInventory *
tend_inventory_new_from_json (const char  *data,
                              gsize        length,
                              GError     **error)
{
  Parser p = { 0 };
  g_autoptr(JsonNode) root = NULL;
  TendInventory *inventory = NULL;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  parser_init (&p);

  root = load_json (data != NULL ? data : "", length, &p.problems);
  if (root != NULL)
    read_document (&p, root);

  if (problems_propagate (&p.problems, error))
    inventory = g_steal_pointer (&p.inventory);

  parser_clear (&p);

  return inventory;
}

/* Writing */

typedef struct
{
  GString  *out;
  gboolean  pretty;
  guint     level;
} Writer;

static void
write_newline (Writer *w)
{
  if (!w->pretty)
    return;

  g_string_append_c (w->out, '\n');
  for (guint i = 0; i < w->level; i++)
    g_string_append (w->out, "  ");
}

static void
write_string (GString    *out,
              const char *str)
{
  g_string_append_c (out, '"');

  for (const char *p = str; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c == '"' || c == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, (char) c);
        }
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\r')
        g_string_append (out, "\\r");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c == '\b')
        g_string_append (out, "\\b");
      else if (c == '\f')
        g_string_append (out, "\\f");
      else if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, (char) c);
    }

  g_string_append_c (out, '"');
}

static void
write_key (Writer     *w,
           const char *key,
           gboolean   *first)
{
  if (!*first)
    g_string_append_c (w->out, ',');
  *first = FALSE;

  write_newline (w);
  write_string (w->out, key);
  g_string_append (w->out, w->pretty ? ": " : ":");
}

static void
write_open (Writer *w,
            char    c)
{
  g_string_append_c (w->out, c);
  w->level++;
}

static void
write_close (Writer   *w,
             char      c,
             gboolean  empty)
{
  w->level--;
  if (!empty)
    write_newline (w);
  g_string_append_c (w->out, c);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static int
compare_ints (gconstpointer a,
              gconstpointer b)
{
  int x = *(const int *) a;
  int y = *(const int *) b;

  return (x > y) - (x < y);
}

/* The elements of a list field, as they are written: sorted when they are a set */
static GPtrArray *
list_texts (const Field   *field,
            gconstpointer  item)
{
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);

  if (field->type == FIELD_STRV)
    {
      char **strv = *SLOT (item, field, char **);

      for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
        g_ptr_array_add (texts, g_strdup (strv[i]));
      if ((field->flags & FIELD_SET) != 0)
        g_ptr_array_sort (texts, compare_strings);
    }
  else
    {
      GArray *array = *SLOT (item, field, GArray *);
      g_autoptr(GArray) sorted = array != NULL ? g_array_copy (array)
                                               : g_array_new (FALSE, FALSE, sizeof (int));

      if ((field->flags & FIELD_SET) != 0)
        g_array_sort (sorted, compare_ints);
      for (guint i = 0; i < sorted->len; i++)
        g_ptr_array_add (texts, g_strdup_printf ("%d", g_array_index (sorted, int, i)));
    }

  return texts;
}

/* A scalar field as JSON, or %NULL for null */
static char *
field_json (const Field   *field,
            gconstpointer  item)
{
  gboolean nullable = (field->flags & FIELD_NULLABLE) != 0;

  switch (field->type)
    {
    case FIELD_STRING:
      {
        const char *value = *SLOT (item, field, char *);
        GString *out;

        if (value == NULL)
          return NULL;
        out = g_string_new (NULL);
        write_string (out, value);
        return g_string_free (out, FALSE);
      }

    case FIELD_ENUM:
      {
        int value = *SLOT (item, field, int);
        const char *name = enum_name (field->values, value);

        if (name == NULL)
          return g_strdup_printf ("%d", value);
        return g_strdup_printf ("\"%s\"", name);
      }

    case FIELD_INT:
      if (nullable && *SLOT (item, field, int) == TEND_INVENTORY_UNSET)
        return NULL;
      return g_strdup_printf ("%d", *SLOT (item, field, int));

    case FIELD_INT64:
      if (nullable && *SLOT (item, field, gint64) == TEND_INVENTORY_UNSET)
        return NULL;
      return g_strdup_printf ("%" G_GINT64_FORMAT, *SLOT (item, field, gint64));

    case FIELD_DOUBLE:
      if ((nullable && *SLOT (item, field, double) == TEND_INVENTORY_UNSET) ||
          !isfinite (*SLOT (item, field, double)))
        return NULL;
      return format_double (*SLOT (item, field, double));

    case FIELD_BOOL:
      return g_strdup (*SLOT (item, field, gboolean) ? "true" : "false");

    case FIELD_DURATION:
      {
        g_autofree char *text = NULL;

        if (nullable && *SLOT (item, field, gint64) == TEND_INVENTORY_UNSET)
          return NULL;
        text = format_duration (*SLOT (item, field, gint64));
        return g_strdup_printf ("\"%s\"", text);
      }

    case FIELD_STRV:
    case FIELD_INT_LIST:
    default:
      g_assert_not_reached ();
    }
}

static void
write_fields (Writer           *w,
              const FieldTable *table,
              gconstpointer     item,
              gboolean         *first)
{
  for (guint i = 0; table != NULL && i < table->n_fields; i++)
    {
      const Field *field = &table->fields[i];

      write_key (w, field->name, first);

      if (field->type == FIELD_STRV || field->type == FIELD_INT_LIST)
        {
          g_autoptr(GPtrArray) texts = list_texts (field, item);

          g_string_append_c (w->out, '[');
          for (guint j = 0; j < texts->len; j++)
            {
              if (j > 0)
                g_string_append (w->out, w->pretty ? ", " : ",");
              if (field->type == FIELD_STRV)
                write_string (w->out, g_ptr_array_index (texts, j));
              else
                g_string_append (w->out, g_ptr_array_index (texts, j));
            }
          g_string_append_c (w->out, ']');
        }
      else
        {
          g_autofree char *json = field_json (field, item);

          g_string_append (w->out, json != NULL ? json : "null");
        }
    }
}

static void
write_params (Writer                   *w,
              const TendInventoryCheck *check)
{
  const FieldTable *table = params_table (check->kind);
  gboolean first = TRUE;

  write_open (w, '{');
  write_fields (w, table, check, &first);
  write_close (w, '}', first);
}

static void
write_item (Writer                *w,
            TendInventoryItemKind  kind,
            gconstpointer          item)
{
  static const FieldTable * const tables[] = {
    [TEND_INVENTORY_ITEM_HOST] = &host_table,
    [TEND_INVENTORY_ITEM_SERVICE] = &service_table,
    [TEND_INVENTORY_ITEM_CHECK] = &check_table,
    [TEND_INVENTORY_ITEM_POLICY] = &policy_table,
  };
  gboolean first = TRUE;

  write_open (w, '{');
  write_fields (w, tables[kind], item, &first);
  if (kind == TEND_INVENTORY_ITEM_CHECK)
    {
      write_key (w, "params", &first);
      write_params (w, item);
    }
  write_close (w, '}', FALSE);
}

/* Orders: hosts by name, the rest by service, checks then by name */

static int
compare_hosts (gconstpointer a,
               gconstpointer b)
{
  const TendInventoryHost *x = *(TendInventoryHost * const *) a;
  const TendInventoryHost *y = *(TendInventoryHost * const *) b;

  return g_strcmp0 (x->name, y->name);
}

static int
compare_services (gconstpointer a,
                  gconstpointer b)
{
  const TendInventoryService *x = *(TendInventoryService * const *) a;
  const TendInventoryService *y = *(TendInventoryService * const *) b;
  int cmp = g_strcmp0 (x->host, y->host);

  return cmp != 0 ? cmp : g_strcmp0 (x->unit, y->unit);
}

static int
compare_checks (gconstpointer a,
                gconstpointer b)
{
  const TendInventoryCheck *x = *(TendInventoryCheck * const *) a;
  const TendInventoryCheck *y = *(TendInventoryCheck * const *) b;
  int cmp = g_strcmp0 (x->host, y->host);

  if (cmp == 0)
    cmp = g_strcmp0 (x->unit, y->unit);
  return cmp != 0 ? cmp : g_strcmp0 (x->name, y->name);
}

static int
compare_policies (gconstpointer a,
                  gconstpointer b)
{
  const TendInventoryPolicy *x = *(TendInventoryPolicy * const *) a;
  const TendInventoryPolicy *y = *(TendInventoryPolicy * const *) b;
  int cmp = g_strcmp0 (x->host, y->host);

  return cmp != 0 ? cmp : g_strcmp0 (x->unit, y->unit);
}

static const GCompareFunc item_compare[] = {
  [TEND_INVENTORY_ITEM_HOST] = compare_hosts,
  [TEND_INVENTORY_ITEM_SERVICE] = compare_services,
  [TEND_INVENTORY_ITEM_CHECK] = compare_checks,
  [TEND_INVENTORY_ITEM_POLICY] = compare_policies,
};

/* A sorted copy of one of the inventory's arrays; the sort is stable. */
static GPtrArray *
sorted_items (TendInventory         *self,
              TendInventoryItemKind  kind)
{
  GPtrArray *arrays[] = {
    [TEND_INVENTORY_ITEM_HOST] = self->hosts,
    [TEND_INVENTORY_ITEM_SERVICE] = self->services,
    [TEND_INVENTORY_ITEM_CHECK] = self->checks,
    [TEND_INVENTORY_ITEM_POLICY] = self->policies,
  };
  GPtrArray *sorted = g_ptr_array_copy (arrays[kind], NULL, NULL);

  /* The copy would otherwise free the inventory's items */
  g_ptr_array_set_free_func (sorted, NULL);
  g_ptr_array_sort (sorted, item_compare[kind]);

  return sorted;
}

static GPtrArray *
sorted_config_keys (TendInventory *self)
{
  GPtrArray *keys = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, self->config);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, key);
  g_ptr_array_sort (keys, compare_strings);

  return keys;
}

/**
 * tend_inventory_to_json:
 * @self: a #TendInventory
 * @length: (out) (optional): where to store the length of the text
 *
 * Writes the inventory in the file format, the same way every time: two-space indents,
 * every field of every item (defaults and nulls included) in the documented order,
 * hosts by name, services by host and unit, checks by host, unit and name, policies by
 * host and unit, configuration by key, sets (tags, status codes) sorted. Reading the
 * text back and writing it again gives the same bytes.
 *
 * Returns: (transfer full): the text, ending in a newline
 */
char *
tend_inventory_to_json (TendInventory *self,
                        gsize         *length)
{
  static const char * const section_names[] = {
    [TEND_INVENTORY_ITEM_HOST] = "hosts",
    [TEND_INVENTORY_ITEM_SERVICE] = "services",
    [TEND_INVENTORY_ITEM_CHECK] = "checks",
    [TEND_INVENTORY_ITEM_POLICY] = "policies",
  };
  Writer w = { g_string_new (NULL), TRUE, 0 };
  g_autoptr(GPtrArray) keys = NULL;
  gboolean first = TRUE;
  gboolean first_key = TRUE;

  g_return_val_if_fail (self != NULL, NULL);

  write_open (&w, '{');
  write_key (&w, "format", &first);
  write_string (w.out, FORMAT_NAME);
  write_key (&w, "version", &first);
  g_string_append_printf (w.out, "%d", TEND_INVENTORY_FORMAT_VERSION);

  for (int kind = TEND_INVENTORY_ITEM_HOST; kind <= TEND_INVENTORY_ITEM_POLICY; kind++)
    {
      g_autoptr(GPtrArray) items = sorted_items (self, kind);

      write_key (&w, section_names[kind], &first);
      write_open (&w, '[');
      for (guint i = 0; i < items->len; i++)
        {
          if (i > 0)
            g_string_append_c (w.out, ',');
          write_newline (&w);
          write_item (&w, kind, g_ptr_array_index (items, i));
        }
      write_close (&w, ']', items->len == 0);
    }

  keys = sorted_config_keys (self);
  write_key (&w, "config", &first);
  write_open (&w, '{');
  for (guint i = 0; i < keys->len; i++)
    {
      const char *key = g_ptr_array_index (keys, i);

      write_key (&w, key, &first_key);
      write_string (w.out, g_hash_table_lookup (self->config, key));
    }
  write_close (&w, '}', keys->len == 0);

  write_close (&w, '}', FALSE);
  g_string_append_c (w.out, '\n');

  if (length != NULL)
    *length = w.out->len;

  return g_string_free (w.out, FALSE);
}

/**
 * tend_inventory_validate:
 * @self: a #TendInventory
 * @error: return location for a #GError
 *
 * Checks an inventory built or changed in code against every rule of the file format,
 * by writing it and reading it back: the paths in the messages are those of
 * tend_inventory_to_json()'s text, where items are sorted.
 *
 * Returns: whether @self is valid
 */
gboolean
tend_inventory_validate (TendInventory  *self,
                         GError        **error)
{
  g_autofree char *json = NULL;
  g_autoptr(TendInventory) copy = NULL;
  gsize length;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  json = tend_inventory_to_json (self, &length);
  copy = tend_inventory_new_from_json (json, length, error);

  return copy != NULL;
}

/**
 * tend_inventory_check_params_to_json:
 * @check: a #TendInventoryCheck
 *
 * Writes @check's parameters as the file's "params" object, on one line, every field
 * included: a form for a store to keep them in.
 *
 * Returns: (transfer full): the JSON text
 */
char *
tend_inventory_check_params_to_json (const TendInventoryCheck *check)
{
  Writer w = { g_string_new (NULL), FALSE, 0 };

  g_return_val_if_fail (check != NULL, NULL);

  write_params (&w, check);

  return g_string_free (w.out, FALSE);
}

/**
 * tend_inventory_check_set_params_from_json:
 * @check: a #TendInventoryCheck whose kind, interval and timeout are set
 * @json: a "params" object as the file has it, or as
 *   tend_inventory_check_params_to_json() writes it
 * @length: the length of @json in bytes
 * @error: return location for a #GError
 *
 * Reads and validates parameters of @check's kind, with the rules of the file format;
 * the paths in messages start at the object ("$.url"). On error @check is unchanged.
 *
 * Returns: whether @json held valid parameters
 */
gboolean
tend_inventory_check_set_params_from_json (TendInventoryCheck  *check,
                                           const char          *json,
                                           gsize                length,
                                           GError             **error)
{
  Parser p = { 0 };
  g_autoptr(JsonNode) root = NULL;
  TendInventoryCheck *scratch = NULL;
  gboolean ok;

  g_return_val_if_fail (check != NULL, FALSE);
  g_return_val_if_fail (params_table (check->kind) != NULL, FALSE);
  g_return_val_if_fail (json != NULL || length == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  parser_init (&p);
  root = load_json (json != NULL ? json : "", length, &p.problems);

  if (root != NULL)
    {
      JsonObject *object = expect_object (&p, root);

      if (object != NULL)
        {
          scratch = g_new0 (TendInventoryCheck, 1);
          scratch->kind = check->kind;
          scratch->timeout_usec = check->timeout_usec;
          fields_init (params_table (check->kind), scratch);
          read_params (&p, object, scratch, check->timeout_usec < check->interval_usec);
        }
    }

  ok = problems_propagate (&p.problems, error);
  if (ok && scratch != NULL)
    {
      fields_free (params_table (check->kind), check);
      check->params = scratch->params;
      memset (&scratch->params, 0, sizeof scratch->params);
    }

  if (scratch != NULL)
    {
      fields_free (params_table (scratch->kind), scratch);
      g_free (scratch);
    }
  parser_clear (&p);

  return ok;
}

/* Diffs */

struct _TendInventoryDiff
{
  TendInventory *current;   /* (owned) */
  TendInventory *incoming;  /* (owned) */
  GPtrArray     *changes;   /* (element-type Change) (owned) */
};

typedef struct
{
  TendInventoryChange  change;
  char                *key;
  char                *description;
} Change;

static void
change_free (Change *change)
{
  g_free (change->key);
  g_free (change->description);
  g_free (change);
}

/* A value as a person reads it in a diff: plain words bare, other text in quotes */
static char *
display_text (const char *value)
{
  GString *out;

  if (value == NULL)
    return g_strdup ("none");

  for (const char *p = value; ; p++)
    {
      if (*p == '\0')
        {
          if (p != value)
            return g_strdup (value);
          break;
        }
      if (!g_ascii_isalnum (*p) && strchr ("._:/@+-", *p) == NULL)
        break;
    }

  out = g_string_new (NULL);
  write_string (out, value);
  return g_string_free (out, FALSE);
}

static char *
display_field (const Field   *field,
               gconstpointer  item)
{
  g_autofree char *json = NULL;

  if (field->type == FIELD_STRV || field->type == FIELD_INT_LIST)
    {
      g_autoptr(GPtrArray) texts = list_texts (field, item);
      GString *out = g_string_new ("[");

      for (guint i = 0; i < texts->len; i++)
        {
          g_autofree char *text = field->type == FIELD_STRV
                                  ? display_text (g_ptr_array_index (texts, i))
                                  : g_strdup (g_ptr_array_index (texts, i));

          if (i > 0)
            g_string_append (out, ", ");
          g_string_append (out, text);
        }
      g_string_append_c (out, ']');
      return g_string_free (out, FALSE);
    }

  if (field->type == FIELD_STRING)
    return display_text (*SLOT (item, field, char *));

  json = field_json (field, item);
  if (json == NULL)
    return g_strdup ("none");

  /* Words of enums and durations without their quotes */
  if (json[0] == '"')
    return g_strndup (json + 1, strlen (json) - 2);

  return g_steal_pointer (&json);
}

/* The fields of @item that a change can touch: names and values, side by side */
static void
show_fields (const FieldTable *table,
             gconstpointer     item,
             const char       *prefix,
             GPtrArray        *names,
             GPtrArray        *values)
{
  for (guint i = 0; table != NULL && i < table->n_fields; i++)
    {
      const Field *field = &table->fields[i];

      if ((field->flags & FIELD_KEY) != 0)
        continue;

      g_ptr_array_add (names, g_strconcat (prefix, field->name, NULL));
      g_ptr_array_add (values, display_field (field, item));
    }
}

static void
show_item (TendInventoryItemKind  kind,
           gconstpointer          item,
           GPtrArray             *names,
           GPtrArray             *values)
{
  switch (kind)
    {
    case TEND_INVENTORY_ITEM_HOST:
      show_fields (&host_table, item, "", names, values);
      break;
    case TEND_INVENTORY_ITEM_SERVICE:
      show_fields (&service_table, item, "", names, values);
      break;
    case TEND_INVENTORY_ITEM_CHECK:
      show_fields (&check_table, item, "", names, values);
      show_fields (params_table (((const TendInventoryCheck *) item)->kind), item, "params.",
                   names, values);
      break;
    case TEND_INVENTORY_ITEM_POLICY:
      show_fields (&policy_table, item, "", names, values);
      break;
    case TEND_INVENTORY_ITEM_CONFIG:
    default:
      g_assert_not_reached ();
    }
}

static int
find_name (GPtrArray  *names,
           const char *name)
{
  for (guint i = 0; i < names->len; i++)
    {
      if (strcmp (g_ptr_array_index (names, i), name) == 0)
        return (int) i;
    }

  return -1;
}

/* "interval 30s → 10s, tags [web] → [edge, web]", or %NULL when nothing differs */
static char *
describe_differences (TendInventoryItemKind kind,
                      gconstpointer         old_item,
                      gconstpointer         new_item)
{
  g_autoptr(GPtrArray) old_names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) old_values = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) new_names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) new_values = g_ptr_array_new_with_free_func (g_free);
  GString *out = g_string_new (NULL);

  show_item (kind, old_item, old_names, old_values);
  show_item (kind, new_item, new_names, new_values);

  for (guint i = 0; i < old_names->len; i++)
    {
      const char *name = g_ptr_array_index (old_names, i);
      const char *old_value = g_ptr_array_index (old_values, i);
      int j = find_name (new_names, name);
      const char *new_value = j >= 0 ? g_ptr_array_index (new_values, j) : "none";

      if (strcmp (old_value, new_value) != 0)
        g_string_append_printf (out, "%s%s %s → %s", out->len > 0 ? ", " : "", name,
                                old_value, new_value);
    }

  for (guint j = 0; j < new_names->len; j++)
    {
      const char *name = g_ptr_array_index (new_names, j);
      const char *new_value = g_ptr_array_index (new_values, j);

      if (find_name (old_names, name) < 0 && strcmp (new_value, "none") != 0)
        g_string_append_printf (out, "%s%s none → %s", out->len > 0 ? ", " : "", name,
                                new_value);
    }

  if (out->len == 0)
    {
      g_string_free (out, TRUE);
      return NULL;
    }

  return g_string_free (out, FALSE);
}

static char *
item_key (TendInventoryItemKind kind,
          gconstpointer         item)
{
  switch (kind)
    {
    case TEND_INVENTORY_ITEM_HOST:
      return g_strdup (((const TendInventoryHost *) item)->name);
    case TEND_INVENTORY_ITEM_SERVICE:
      return service_key (((const TendInventoryService *) item)->host,
                          ((const TendInventoryService *) item)->unit);
    case TEND_INVENTORY_ITEM_CHECK:
      {
        const TendInventoryCheck *check = item;

        return g_strconcat (check->host, "/", check->unit, "/", check->name, NULL);
      }
    case TEND_INVENTORY_ITEM_POLICY:
      return service_key (((const TendInventoryPolicy *) item)->host,
                          ((const TendInventoryPolicy *) item)->unit);
    case TEND_INVENTORY_ITEM_CONFIG:
    default:
      g_assert_not_reached ();
    }
}

/* What follows "+ host web1" */
static char *
describe_addition (TendInventoryItemKind kind,
                   gconstpointer         item)
{
  switch (kind)
    {
    case TEND_INVENTORY_ITEM_HOST:
      {
        const TendInventoryHost *host = item;
        const char *kind_name = enum_name (host_kind_names, host->kind);
        gboolean bracket = host->address != NULL && strchr (host->address, ':') != NULL;

        if (host->kind != TEND_HOST_KIND_SSH)
          return g_strdup_printf (" (%s)", kind_name != NULL ? kind_name : "?");

        return g_strdup_printf (" (ssh, %s%s%s%s%s:%d)", host->user != NULL ? host->user : "",
                                host->user != NULL ? "@" : "", bracket ? "[" : "",
                                host->address != NULL ? host->address : "?",
                                bracket ? "]" : "", host->port);
      }

    case TEND_INVENTORY_ITEM_CHECK:
      {
        const TendInventoryCheck *check = item;
        const char *kind_name = enum_name (check_kind_names, check->kind);
        g_autofree char *interval = format_duration (check->interval_usec);

        return g_strdup_printf (" (%s, every %s%s)", kind_name != NULL ? kind_name : "?",
                                interval, check->enabled ? "" : ", disabled");
      }

    case TEND_INVENTORY_ITEM_POLICY:
      {
        const char *kind_name = enum_name (policy_kind_names,
                                           ((const TendInventoryPolicy *) item)->kind);

        return g_strdup_printf (" (%s)", kind_name != NULL ? kind_name : "?");
      }

    case TEND_INVENTORY_ITEM_SERVICE:
    case TEND_INVENTORY_ITEM_CONFIG:
    default:
      return g_strdup ("");
    }
}

static const char * const item_words[] = {
  [TEND_INVENTORY_ITEM_HOST] = "host",
  [TEND_INVENTORY_ITEM_SERVICE] = "service",
  [TEND_INVENTORY_ITEM_CHECK] = "check",
  [TEND_INVENTORY_ITEM_POLICY] = "policy",
  [TEND_INVENTORY_ITEM_CONFIG] = "config",
};

static void
add_change (TendInventoryDiff       *diff,
            TendInventoryChangeKind  kind,
            TendInventoryItemKind    item_kind,
            char                    *key,
            gconstpointer            old_item,
            gconstpointer            new_item,
            char                    *description)
{
  Change *change = g_new0 (Change, 1);

  change->key = key;
  change->description = description;
  change->change.kind = kind;
  change->change.item_kind = item_kind;
  change->change.key = key;
  change->change.old_item = old_item;
  change->change.new_item = new_item;
  change->change.description = description;

  g_ptr_array_add (diff->changes, change);
}

static void
diff_items (TendInventoryDiff     *diff,
            TendInventoryItemKind  kind)
{
  g_autoptr(GPtrArray) old_items = sorted_items (diff->current, kind);
  g_autoptr(GPtrArray) new_items = sorted_items (diff->incoming, kind);
  const char *word = item_words[kind];
  guint i = 0;
  guint j = 0;

  while (i < old_items->len || j < new_items->len)
    {
      gconstpointer old_item = i < old_items->len ? g_ptr_array_index (old_items, i) : NULL;
      gconstpointer new_item = j < new_items->len ? g_ptr_array_index (new_items, j) : NULL;
      int cmp = old_item == NULL ? 1 : new_item == NULL ? -1
                : item_compare[kind] (&old_item, &new_item);

      if (cmp < 0)
        {
          char *key = item_key (kind, old_item);

          add_change (diff, TEND_INVENTORY_CHANGE_REMOVED, kind, key, old_item, NULL,
                      g_strdup_printf ("- %s %s", word, key));
          i++;
        }
      else if (cmp > 0)
        {
          char *key = item_key (kind, new_item);
          g_autofree char *details = describe_addition (kind, new_item);

          add_change (diff, TEND_INVENTORY_CHANGE_ADDED, kind, key, NULL, new_item,
                      g_strdup_printf ("+ %s %s%s", word, key, details));
          j++;
        }
      else
        {
          g_autofree char *differences = describe_differences (kind, old_item, new_item);

          if (differences != NULL)
            {
              char *key = item_key (kind, new_item);

              add_change (diff, TEND_INVENTORY_CHANGE_CHANGED, kind, key, old_item, new_item,
                          g_strdup_printf ("~ %s %s: %s", word, key, differences));
            }
          i++;
          j++;
        }
    }
}

static void
diff_config (TendInventoryDiff *diff)
{
  g_autoptr(GPtrArray) old_keys = sorted_config_keys (diff->current);
  g_autoptr(GPtrArray) new_keys = sorted_config_keys (diff->incoming);
  guint i = 0;
  guint j = 0;

  while (i < old_keys->len || j < new_keys->len)
    {
      const char *old_key = i < old_keys->len ? g_ptr_array_index (old_keys, i) : NULL;
      const char *new_key = j < new_keys->len ? g_ptr_array_index (new_keys, j) : NULL;
      int cmp = old_key == NULL ? 1 : new_key == NULL ? -1 : strcmp (old_key, new_key);
      const char *old_value = old_key != NULL
                              ? g_hash_table_lookup (diff->current->config, old_key) : NULL;
      const char *new_value = new_key != NULL
                              ? g_hash_table_lookup (diff->incoming->config, new_key) : NULL;

      if (cmp < 0)
        {
          add_change (diff, TEND_INVENTORY_CHANGE_REMOVED, TEND_INVENTORY_ITEM_CONFIG,
                      g_strdup (old_key), old_value, NULL,
                      g_strdup_printf ("- config %s", old_key));
          i++;
        }
      else if (cmp > 0)
        {
          g_autofree char *shown = display_text (new_value);

          add_change (diff, TEND_INVENTORY_CHANGE_ADDED, TEND_INVENTORY_ITEM_CONFIG,
                      g_strdup (new_key), NULL, new_value,
                      g_strdup_printf ("+ config %s = %s", new_key, shown));
          j++;
        }
      else
        {
          if (strcmp (old_value, new_value) != 0)
            {
              g_autofree char *old_shown = display_text (old_value);
              g_autofree char *new_shown = display_text (new_value);

              add_change (diff, TEND_INVENTORY_CHANGE_CHANGED, TEND_INVENTORY_ITEM_CONFIG,
                          g_strdup (new_key), old_value, new_value,
                          g_strdup_printf ("~ config %s: %s → %s", new_key, old_shown,
                                           new_shown));
            }
          i++;
          j++;
        }
    }
}

/**
 * tend_inventory_diff:
 * @current: the inventory as it is (the store's)
 * @incoming: the inventory that replaces it (an import's)
 *
 * What replacing @current by @incoming changes, for `tendctl import --dry-run` and for
 * the store that applies it: hosts, then services, checks, policies and configuration,
 * each in the export's order, one change per item that is added, removed or changed.
 * An item is identified by its key (a host by name, a service by host and unit, a check
 * by its service and name, a policy by its service); a renamed item is one removed and
 * one added. Both inventories should be valid.
 *
 * Returns: (transfer full): the changes; they refer to items of both inventories, which
 *   the diff keeps alive
 */
TendInventoryDiff *
tend_inventory_diff (TendInventory *current,
                     TendInventory *incoming)
{
  TendInventoryDiff *diff;

  g_return_val_if_fail (current != NULL, NULL);
  g_return_val_if_fail (incoming != NULL, NULL);

  diff = g_new0 (TendInventoryDiff, 1);
  diff->current = tend_inventory_ref (current);
  diff->incoming = tend_inventory_ref (incoming);
  diff->changes = g_ptr_array_new_with_free_func ((GDestroyNotify) change_free);

  for (int kind = TEND_INVENTORY_ITEM_HOST; kind <= TEND_INVENTORY_ITEM_POLICY; kind++)
    diff_items (diff, kind);
  diff_config (diff);

  return diff;
}

/**
 * tend_inventory_diff_is_empty:
 * @diff: a #TendInventoryDiff
 *
 * Returns: whether the two inventories are the same
 */
gboolean
tend_inventory_diff_is_empty (TendInventoryDiff *diff)
{
  g_return_val_if_fail (diff != NULL, TRUE);

  return diff->changes->len == 0;
}

/**
 * tend_inventory_diff_get_n_changes:
 * @diff: a #TendInventoryDiff
 *
 * Returns: how many changes there are
 */
guint
tend_inventory_diff_get_n_changes (TendInventoryDiff *diff)
{
  g_return_val_if_fail (diff != NULL, 0);

  return diff->changes->len;
}

/**
 * tend_inventory_diff_get_change:
 * @diff: a #TendInventoryDiff
 * @position: which change, from 0
 *
 * Returns: (transfer none): the change, owned by @diff
 */
const TendInventoryChange *
tend_inventory_diff_get_change (TendInventoryDiff *diff,
                                guint              position)
{
  g_return_val_if_fail (diff != NULL, NULL);
  g_return_val_if_fail (position < diff->changes->len, NULL);

  return &((Change *) g_ptr_array_index (diff->changes, position))->change;
}

/**
 * tend_inventory_diff_to_string:
 * @diff: a #TendInventoryDiff
 *
 * Returns: (transfer full): the descriptions of the changes, one per line, each ending
 *   in a newline; "" when there are none
 */
char *
tend_inventory_diff_to_string (TendInventoryDiff *diff)
{
  GString *out;

  g_return_val_if_fail (diff != NULL, NULL);

  out = g_string_new (NULL);
  for (guint i = 0; i < diff->changes->len; i++)
    {
      Change *change = g_ptr_array_index (diff->changes, i);

      g_string_append (out, change->description);
      g_string_append_c (out, '\n');
    }

  return g_string_free (out, FALSE);
}

/**
 * tend_inventory_diff_free:
 * @diff: (nullable): a #TendInventoryDiff
 */
void
tend_inventory_diff_free (TendInventoryDiff *diff)
{
  if (diff == NULL)
    return;

  g_ptr_array_unref (diff->changes);
  tend_inventory_unref (diff->current);
  tend_inventory_unref (diff->incoming);
  g_free (diff);
}
