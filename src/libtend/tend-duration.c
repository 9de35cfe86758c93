/* tend-duration.c — durations as people write them: "250ms", "10s", "1h 30min"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The grammar:
 *
 *   duration = *WSP part *( *WSP part ) *WSP
 *   part     = number *WSP unit
 *   number   = 1*DIGIT [ "." 1*DIGIT ]
 *   unit     = "us" / "ms" / "s" / "m" / "min" / "h" / "d" / "w"
 *
 * Parts add up ("1h30min", "1h 30min" and "30min 1h" are all 90 minutes). A text that is
 * one number and nothing else is seconds ("30" is 30s); a number without a unit among
 * other parts ("1h 30") is refused, as it could mean minutes or seconds. Fractions are
 * exact: "1.5h" is 90min and "0.5s" is 500ms; a fraction finer than a microsecond is
 * refused rather than rounded. Units are lower case ("M" could be taken for months).
 * "us" is accepted so that every value tend_duration_format() writes reads back.
 *
 * Values are microseconds in a gint64, as g_get_monotonic_time() counts them: at most
 * G_MAXINT64, about 292,000 years, and never negative.
 */
#define G_LOG_DOMAIN "Tend"

#include "tend-duration.h"

#include <math.h>
#include <string.h>

#include "tend-error.h"
#include "tend-util-private.h"

#define UNIT_HINT "(use ms, s, min, h, d or w)"

typedef struct
{
  const char *name;
  gint64 usec;
} Unit;

static const Unit units[] = {
  { "us", 1 },
  { "ms", TEND_USEC_PER_MSEC },
  { "s", TEND_USEC_PER_SEC },
  { "m", TEND_USEC_PER_MIN },
  { "min", TEND_USEC_PER_MIN },
  { "h", TEND_USEC_PER_HOUR },
  { "d", TEND_USEC_PER_DAY },
  { "w", TEND_USEC_PER_WEEK },
};

static const Unit *
lookup_unit (const char *word,
             gsize       len)
{
  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    {
      if (strlen (units[i].name) == len && memcmp (units[i].name, word, len) == 0)
        return &units[i];
    }

  return NULL;
}

/* A unit is what follows a number up to the next digit, space or the end. */
static gsize
word_length (const char *p)
{
  const char *start = p;

  while (*p != '\0' && !g_ascii_isdigit (*p) && !g_ascii_isspace (*p))
    p++;

  return p - start;
}

static guint64
gcd (guint64 a,
     guint64 b)
{
  while (b != 0)
    {
      guint64 t = a % b;
      a = b;
      b = t;
    }

  return a;
}

/* The exact value of the fraction digits @digits (@n_digits of them, after the point)
 * of @unit, in microseconds. FALSE if that is not a whole number of microseconds.
 */
static gboolean
fraction_to_usec (const char *digits,
                  gsize       n_digits,
                  guint64     unit,
                  guint64    *usec)
{
  guint64 frac = 0;
  guint64 pow10 = 1;
  guint64 g;

  while (n_digits > 0 && digits[n_digits - 1] == '0')
    n_digits--;

  if (n_digits == 0)
    {
      *usec = 0;
      return TRUE;
    }

  /* No unit has more than 13 factors of 2 or 5, so a fraction of 14 or more
   * significant digits (19 would overflow) never is a whole number of microseconds. */
  if (n_digits > 18)
    return FALSE;

  for (gsize i = 0; i < n_digits; i++)
    {
      frac = frac * 10 + (guint64) (digits[i] - '0');
      pow10 *= 10;
    }

  /* frac × unit / 10ⁿ, without overflow: frac < 10ⁿ, so the result is below unit. */
  g = gcd (unit, pow10);
  if (frac % (pow10 / g) != 0)
    return FALSE;

  *usec = (frac / (pow10 / g)) * (unit / g);
  return TRUE;
}

/**
 * tend_duration_parse:
 * @text: a duration as a person writes it: "250ms", "10s", "5min" (or "5m"), "2h", "7d",
 *   "1w", parts together ("1h30min", "1h 30min"), or a bare number of seconds ("30")
 * @usec: (out) (optional): where to store the duration in microseconds
 * @error: a %TEND_ERROR_INVALID_ARGUMENT error that quotes @text and says what is wrong
 *
 * Returns: whether @text is a duration
 */
gboolean
tend_duration_parse (const char  *text,
                     gint64      *usec,
                     GError     **error)
{
  const char *p = text;
  const char *unitless = NULL;
  gsize unitless_len = 0;
  guint64 total = 0;
  guint n_parts = 0;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  for (;;)
    {
      const char *number;
      const char *fraction = NULL;
      gsize fraction_len = 0;
      guint64 whole = 0;
      guint64 part;
      guint64 part_fraction;
      gboolean too_large = FALSE;
      guint64 unit_usec;
      gsize len;

      while (g_ascii_isspace (*p))
        p++;
      if (*p == '\0')
        break;

      if (*p == '-' && (g_ascii_isdigit (p[1]) || p[1] == '.'))
        return tend_set_invalid_input (error, text, "a duration", "it is negative");

      if (!g_ascii_isdigit (*p))
        {
          g_autofree char *word = tend_quote_for_message (p, word_length (p));
          return tend_set_invalid_input (error, text, "a duration",
                                         "expected a number before %s", word);
        }

      number = p;
      while (g_ascii_isdigit (*p))
        {
          guint64 digit = (guint64) (*p - '0');

          if (!g_uint64_checked_mul (&whole, whole, 10) ||
              !g_uint64_checked_add (&whole, whole, digit))
            too_large = TRUE;
          p++;
        }

      if (*p == '.')
        {
          p++;
          if (!g_ascii_isdigit (*p))
            {
              g_autofree char *quoted = tend_quote_for_message (number, p - number);
              return tend_set_invalid_input (error, text, "a duration",
                                             "expected a digit after %s", quoted);
            }
          fraction = p;
          while (g_ascii_isdigit (*p))
            p++;
          fraction_len = p - fraction;
        }

      len = p - number;

      while (g_ascii_isspace (*p))
        p++;

      if (word_length (p) == 0)
        {
          /* Seconds, if it turns out to be the only part. */
          if (unitless == NULL)
            {
              unitless = number;
              unitless_len = len;
            }
          unit_usec = TEND_USEC_PER_SEC;
        }
      else
        {
          gsize word_len = word_length (p);
          const Unit *unit = lookup_unit (p, word_len);

          if (unit == NULL)
            {
              g_autofree char *quoted = tend_quote_for_message (p, word_len);
              return tend_set_invalid_input (error, text, "a duration",
                                             "unknown unit %s " UNIT_HINT, quoted);
            }
          unit_usec = (guint64) unit->usec;
          p += word_len;
        }

      if (fraction != NULL &&
          !fraction_to_usec (fraction, fraction_len, unit_usec, &part_fraction))
        return tend_set_invalid_input (error, text, "a duration",
                                       "it is not a whole number of microseconds");
      else if (fraction == NULL)
        part_fraction = 0;

      if (too_large ||
          !g_uint64_checked_mul (&part, whole, unit_usec) ||
          !g_uint64_checked_add (&part, part, part_fraction) ||
          !g_uint64_checked_add (&total, total, part) ||
          total > (guint64) G_MAXINT64)
        return tend_set_invalid_input (error, text, "a duration", "it is too large");

      n_parts++;
    }

  if (n_parts == 0)
    return tend_set_invalid_input (error, text, "a duration", "it is empty");

  if (unitless != NULL && n_parts > 1)
    {
      g_autofree char *quoted = tend_quote_for_message (unitless, unitless_len);
      return tend_set_invalid_input (error, text, "a duration",
                                     "%s has no unit " UNIT_HINT, quoted);
    }

  if (usec != NULL)
    *usec = (gint64) total;

  return TRUE;
}

static guint
count_digits (gint64 n)
{
  guint digits = 1;

  while (n >= 10)
    {
      n /= 10;
      digits++;
    }

  return digits;
}

/**
 * tend_duration_format:
 * @usec: a duration in microseconds, not negative
 *
 * Writes @usec the way tend_duration_parse() reads it, exactly, from the largest unit
 * down with a space between parts: "1min 30s", "2h", "1s 500ms", "0s". Days are written
 * as weeks only where that is shorter: "14d" is "2w", but "7d", "30d" and "70d" stay.
 *
 * Returns: (transfer full): the text
 */
char *
tend_duration_format (gint64 usec)
{
  static const Unit parts[] = {
    { "h", TEND_USEC_PER_HOUR },
    { "min", TEND_USEC_PER_MIN },
    { "s", TEND_USEC_PER_SEC },
    { "ms", TEND_USEC_PER_MSEC },
    { "us", 1 },
  };
  GString *out;
  gint64 days;
  gint64 rest;

  g_return_val_if_fail (usec >= 0, NULL);

  if (usec == 0)
    return g_strdup ("0s");

  out = g_string_new (NULL);
  days = usec / TEND_USEC_PER_DAY;
  rest = usec % TEND_USEC_PER_DAY;

  /* Weeks where they are shorter to write: "2w" for 14d, but "7d" and "70d" as they are. */
  if (days > 0 && days % 7 == 0 && count_digits (days / 7) < count_digits (days))
    g_string_append_printf (out, "%" G_GINT64_FORMAT "w", days / 7);
  else if (days > 0)
    g_string_append_printf (out, "%" G_GINT64_FORMAT "d", days);

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      gint64 n = rest / parts[i].usec;

      if (n == 0)
        continue;

      rest %= parts[i].usec;
      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append_printf (out, "%" G_GINT64_FORMAT "%s", n, parts[i].name);
    }

  return g_string_free (out, FALSE);
}

/**
 * tend_duration_format_rough:
 * @usec: a duration in microseconds, not negative
 *
 * tend_duration_format() of @usec cut to its two largest units, for a glance at a
 * figure in a list: "2d 4h", "3h 20min", "5min 3s", "1s 234ms", "340ms", "0s".
 *
 * Returns: (transfer full): the text
 */
char *
tend_duration_format_rough (gint64 usec)
{
  /* From this much on, nothing finer than that. */
  static const struct { gint64 from; gint64 step; } steps[] = {
    { TEND_USEC_PER_DAY, TEND_USEC_PER_HOUR },
    { TEND_USEC_PER_HOUR, TEND_USEC_PER_MIN },
    { TEND_USEC_PER_MIN, TEND_USEC_PER_SEC },
    { TEND_USEC_PER_SEC, TEND_USEC_PER_MSEC },
    { TEND_USEC_PER_MSEC, TEND_USEC_PER_MSEC },
  };

  g_return_val_if_fail (usec >= 0, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if (usec >= steps[i].from)
      return tend_duration_format (usec - usec % steps[i].step);

  return tend_duration_format (usec);
}

/**
 * tend_time_format_iso8601:
 * @realtime_usec: µs since the Unix epoch
 *
 * The one way Tend writes a point in time for programs (JSON, CSV): ISO 8601 in UTC
 * with microseconds, such as "2026-11-21T23:39:28.461230Z".
 *
 * Returns: (transfer full) (nullable): the text, or %NULL when out of range
 */
char *
tend_time_format_iso8601 (gint64 realtime_usec)
{
  g_autoptr(GDateTime) date_time = NULL;
  g_autofree char *seconds = NULL;
  gint64 secs = realtime_usec / TEND_USEC_PER_SEC;
  gint64 usecs = realtime_usec % TEND_USEC_PER_SEC;

  if (usecs < 0)
    {
      usecs += TEND_USEC_PER_SEC;
      secs -= 1;
    }

  date_time = g_date_time_new_from_unix_utc (secs);
  if (date_time == NULL)
    return NULL;
  seconds = g_date_time_format (date_time, "%Y-%m-%dT%H:%M:%S");
  return g_strdup_printf ("%s.%06" G_GINT64_FORMAT "Z", seconds, usecs);
}

/* ------------------------------------------------------------------------------------ */
/* Sizes and percentages                                                                 */

/**
 * tend_size_parse:
 * @text: "512", "512K", "1.5G", "2GiB", "100B"
 * @bytes: (out): the size in bytes, rounded to the nearest byte
 * @error: %TEND_ERROR_INVALID_ARGUMENT: "TEXT is not a size: …"
 *
 * Reads a size as people write one: bytes, or a number (a fraction is fine) with K, M,
 * G or T, in either case, for powers of 1024, optionally followed by "B" or "iB". It is
 * never negative and stays below 2^63 bytes.
 *
 * Returns: whether @text is a size; @bytes is set only then
 */
gboolean
tend_size_parse (const char  *text,
                 gint64      *bytes,
                 GError     **error)
{
  static const char multiples[] = "KMGT";
  char *end = NULL;
  double number;
  double factor = 1.0;
  const char *unit;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (bytes != NULL, FALSE);

  number = g_ascii_strtod (text, &end);
  if (end != text && *end != '\0' && (unit = strchr (multiples, g_ascii_toupper (*end))) != NULL)
    {
      for (const char *m = multiples; m <= unit; m++)
        factor *= 1024.0;
      end++;
      if (g_str_equal (end, "iB") || g_str_equal (end, "B"))
        end += strlen (end);
    }
  else if (end != text && g_str_equal (end, "B"))
    end++;

  if (end == text || *end != '\0' || !isfinite (number) || number < 0 ||
      number * factor >= 0x1p63)
    return tend_set_invalid_input (error, text, "a size",
                                   "give bytes, or a number with K, M, G or T (powers of "
                                   "1024), such as 512M");
  *bytes = (gint64) (number * factor + 0.5);
  return TRUE;
}

/**
 * tend_size_format:
 * @bytes: a size
 *
 * Writes a size as systemctl writes memory, in powers of 1024: "512B", "4.0K", "1.2M",
 * "3.5G". tend_size_parse() reads it back (to the precision shown).
 *
 * Returns: (transfer full): the text
 */
char *
tend_size_format (guint64 bytes)
{
  static const char suffixes[] = "KMGTPE";
  double value = (double) bytes;
  guint i;

  if (bytes < 1024)
    return g_strdup_printf ("%" G_GUINT64_FORMAT "B", bytes);

  for (i = 0; i < sizeof suffixes - 2 && value >= 1024.0 * 1024.0; i++)
    value /= 1024.0;
  return g_strdup_printf ("%.1f%c", value / 1024.0, suffixes[i]);
}

/**
 * tend_percent_parse:
 * @text: "80", "80%", "150", "12.5%"
 * @percent: (out): the number
 * @error: %TEND_ERROR_INVALID_ARGUMENT: "TEXT is not a percentage: …"
 *
 * Reads a percentage: a finite number, optionally followed by "%". It may pass 100 (CPU
 * use of several cores); what range a value needs is for its user to say.
 *
 * Returns: whether @text is a percentage; @percent is set only then
 */
gboolean
tend_percent_parse (const char  *text,
                    double      *percent,
                    GError     **error)
{
  char *end = NULL;
  double number;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (percent != NULL, FALSE);

  number = g_ascii_strtod (text, &end);
  if (end != text && *end == '%')
    end++;
  if (end == text || *end != '\0' || !isfinite (number))
    return tend_set_invalid_input (error, text, "a percentage",
                                   "give a number such as 80 or 150%%");
  *percent = number;
  return TRUE;
}
