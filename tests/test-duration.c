/* test-duration.c — durations as people write them: parsing and formatting; sizes and
 * percentages: parsing, sizes: formatting
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Tend"

#include <math.h>
#include <string.h>

#include "tend-duration.h"
#include "tend-error.h"

#define MS   TEND_USEC_PER_MSEC
#define SEC  TEND_USEC_PER_SEC
#define MINUTE TEND_USEC_PER_MIN
#define HOUR TEND_USEC_PER_HOUR
#define DAY  TEND_USEC_PER_DAY
#define WEEK TEND_USEC_PER_WEEK

typedef struct
{
  const char *text;
  gint64 usec;
} ParseCase;

static void
test_parse (void)
{
  static const ParseCase cases[] = {
    /* Each unit. */
    { "250ms", 250 * MS },
    { "10s", 10 * SEC },
    { "5min", 5 * MINUTE },
    { "5m", 5 * MINUTE },
    { "2h", 2 * HOUR },
    { "7d", 7 * DAY },
    { "1w", WEEK },
    { "1500us", 1500 },
    /* A bare number is seconds. */
    { "30", 30 * SEC },
    { "0", 0 },
    { "1.5", 1500 * MS },
    /* Zero in any unit. */
    { "0s", 0 },
    { "0ms", 0 },
    { "0w", 0 },
    /* Parts add up, with or without spaces, in any order. */
    { "1h30min", 90 * MINUTE },
    { "1h 30min", 90 * MINUTE },
    { "30min 1h", 90 * MINUTE },
    { "1w 2d 3h 4min 5s 6ms 7us", WEEK + 2 * DAY + 3 * HOUR + 4 * MINUTE + 5 * SEC + 6 * MS + 7 },
    { "1min 30s", 90 * SEC },
    { "1s 1s", 2 * SEC },
    /* Spaces around the text and between a number and its unit. */
    { "  10s  ", 10 * SEC },
    { "\t5 min\n", 5 * MINUTE },
    { "1 h 30 min", 90 * MINUTE },
    /* Exact fractions. */
    { "0.5s", 500 * MS },
    { "1.5h", 90 * MINUTE },
    { "0.25min", 15 * SEC },
    { "1.000001s", SEC + 1 },
    { "0.001ms", 1 },
    { "1.50000000000000000000000s", 1500 * MS },   /* trailing zeros are not precision */
    { "0.1w", 16 * HOUR + 48 * MINUTE },
    /* Leading zeros. */
    { "007s", 7 * SEC },
    /* The largest. */
    { "9223372036854775807us", G_MAXINT64 },
    { "15250284w 3d 4h 54s 775ms 807us", G_MAXINT64 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 usec = -1;

      g_test_message ("parse: %s", cases[i].text);
      g_assert_true (tend_duration_parse (cases[i].text, &usec, &error));
      g_assert_no_error (error);
      g_assert_cmpint (usec, ==, cases[i].usec);

      /* Without anywhere to put the result or the error. */
      g_assert_true (tend_duration_parse (cases[i].text, NULL, NULL));
    }
}

typedef struct
{
  const char *text;
  const char *message;
} InvalidCase;

#define UNIT_HINT "(use ms, s, min, h, d or w)"

static void
test_invalid (void)
{
  static const InvalidCase cases[] = {
    { "", "\"\" is not a duration: it is empty" },
    { "   ", "\"   \" is not a duration: it is empty" },
    { "10x", "\"10x\" is not a duration: unknown unit \"x\" (use ms, s, min, h, d or w)" },
    { "5mins", "\"5mins\" is not a duration: unknown unit \"mins\" (use ms, s, min, h, d or w)" },
    { "10S", "\"10S\" is not a duration: unknown unit \"S\" (use ms, s, min, h, d or w)" },
    { "1h 30x", "\"1h 30x\" is not a duration: unknown unit \"x\" (use ms, s, min, h, d or w)" },
    { "5s,3s", "\"5s,3s\" is not a duration: unknown unit \"s,\" (use ms, s, min, h, d or w)" },
    { "-5s", "\"-5s\" is not a duration: it is negative" },
    { "-0.5s", "\"-0.5s\" is not a duration: it is negative" },
    { "1h -5min", "\"1h -5min\" is not a duration: it is negative" },
    { "-", "\"-\" is not a duration: expected a number before \"-\"" },
    { "h", "\"h\" is not a duration: expected a number before \"h\"" },
    { "1h min", "\"1h min\" is not a duration: expected a number before \"min\"" },
    { "+5s", "\"+5s\" is not a duration: expected a number before \"+\"" },
    { ".5s", "\".5s\" is not a duration: expected a number before \".\"" },
    { "5.s", "\"5.s\" is not a duration: expected a digit after \"5.\"" },
    { "5.", "\"5.\" is not a duration: expected a digit after \"5.\"" },
    { "1h 30", "\"1h 30\" is not a duration: \"30\" has no unit (use ms, s, min, h, d or w)" },
    { "1h30", "\"1h30\" is not a duration: \"30\" has no unit (use ms, s, min, h, d or w)" },
    { "30 1h", "\"30\" has no unit" },
    { "1 2", "\"1\" has no unit" },
    { "0.0000001s", "\"0.0000001s\" is not a duration: it is not a whole number of "
      "microseconds" },
    { "0.5us", "it is not a whole number of microseconds" },
    { "1.0000000000000000000000001s", "it is not a whole number of microseconds" },
    { "9223372036854775808us", "\"9223372036854775808us\" is not a duration: it is too large" },
    { "15250285w", "it is too large" },
    { "99999999999999999999999999s", "it is too large" },
    { "9223372036854775807us 1us", "it is too large" },
    { "15250284w 3d 4h 54s 775ms 808us", "it is too large" },
    { "10\xc2\xb5s", "unknown unit \"\xc2\xb5s\"" },
    { "10\xffs", "\"10\\xffs\" is not a duration: unknown unit \"\\xffs\" " UNIT_HINT },
    { "10\"s", "\"10\\\"s\" is not a duration: unknown unit \"\\\"s\" " UNIT_HINT },
    { "10s\x01", "unknown unit \"s\\x01\"" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 usec = 42;

      g_test_message ("invalid: %s", cases[i].message);
      g_assert_false (tend_duration_parse (cases[i].text, &usec, &error));
      g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
      /* A whole message, or the part of it after the quoted text. */
      if (strstr (cases[i].message, " is not a duration: ") != NULL)
        g_assert_cmpstr (error->message, ==, cases[i].message);
      else
        g_assert_nonnull (strstr (error->message, cases[i].message));
      /* Nothing written on failure. */
      g_assert_cmpint (usec, ==, 42);
      g_assert_false (tend_duration_parse (cases[i].text, NULL, NULL));
    }
}

static void
test_invalid_long_text (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new (NULL);

  /* A long text is quoted cut short. */
  for (guint i = 0; i < 100; i++)
    g_string_append (text, "1s ");
  g_string_append (text, "1x");

  g_assert_false (tend_duration_parse (text->str, NULL, &error));
  g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
  g_assert_true (g_str_has_prefix (error->message, "\"1s 1s 1s "));
  g_assert_nonnull (strstr (error->message, "…\" is not a duration: unknown unit \"x\""));
}

typedef struct
{
  gint64 usec;
  const char *text;
} FormatCase;

static void
test_format (void)
{
  static const FormatCase cases[] = {
    { 0, "0s" },
    { 1, "1us" },
    { 1500, "1ms 500us" },
    { 250 * MS, "250ms" },
    { SEC, "1s" },
    { 1500 * MS, "1s 500ms" },
    { 90 * SEC, "1min 30s" },
    { 5 * MINUTE, "5min" },
    { 90 * MINUTE, "1h 30min" },
    { 2 * HOUR, "2h" },
    { DAY, "1d" },
    { DAY + SEC, "1d 1s" },
    /* Weeks only where they are shorter than days. */
    { 7 * DAY, "7d" },
    { 8 * DAY, "8d" },
    { 14 * DAY, "2w" },
    { 30 * DAY, "30d" },
    { 63 * DAY, "9w" },
    { 70 * DAY, "70d" },
    { 364 * DAY, "52w" },
    { 365 * DAY, "365d" },
    { 14 * DAY + HOUR, "2w 1h" },
    { WEEK + 2 * DAY + 3 * HOUR + 4 * MINUTE + 5 * SEC + 6 * MS + 7, "9d 3h 4min 5s 6ms 7us" },
    { G_MAXINT64, "106751991d 4h 54s 775ms 807us" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = tend_duration_format (cases[i].usec);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static void
round_trip (gint64 usec)
{
  g_autofree char *text = tend_duration_format (usec);
  g_autoptr(GError) error = NULL;
  g_autofree char *again = NULL;
  gint64 parsed = -1;

  g_assert_true (tend_duration_parse (text, &parsed, &error));
  g_assert_no_error (error);
  g_assert_cmpint (parsed, ==, usec);

  /* The form written is the one form: writing it again gives the same text. */
  again = tend_duration_format (parsed);
  g_assert_cmpstr (again, ==, text);
}

static void
test_round_trip (void)
{
  static const gint64 values[] = {
    0, 1, 999, MS, SEC - 1, SEC, MINUTE - 1, MINUTE, HOUR, DAY - 1, DAY, WEEK, 14 * DAY, 70 * DAY,
    365 * DAY, G_MAXINT64 - 1, G_MAXINT64,
  };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    round_trip (values[i]);

  /* And values of every size: each power of two, and random ones below it. */
  for (guint bit = 0; bit < 63; bit++)
    {
      gint64 top = G_GINT64_CONSTANT (1) << bit;

      round_trip (top);
      for (guint n = 0; n < 50; n++)
        {
          guint64 r = ((guint64) g_test_rand_int () << 32) | (guint32) g_test_rand_int ();

          round_trip ((gint64) (r % (guint64) top));
        }
    }

  /* Whole units of each size, as people write them. */
  for (gint64 n = 0; n < 1000; n++)
    {
      round_trip (n * MS);
      round_trip (n * SEC);
      round_trip (n * MINUTE);
      round_trip (n * DAY);
    }
}

/* What a person writes reads as what the program writes for it. */
static void
test_same_value_other_text (void)
{
  static const struct { const char *text; const char *canonical; } cases[] = {
    { "90s", "1min 30s" },
    { "1.5min", "1min 30s" },
    { "5400", "1h 30min" },
    { "30min 1h", "1h 30min" },
    { "1w", "7d" },
    { "2w", "2w" },
    { "14d", "2w" },
    { "1000ms", "1s" },
    { "60m", "1h" },
    { "0.5s", "500ms" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gint64 usec;
      g_autofree char *text = NULL;

      g_assert_true (tend_duration_parse (cases[i].text, &usec, NULL));
      text = tend_duration_format (usec);
      g_assert_cmpstr (text, ==, cases[i].canonical);
    }
}

typedef struct
{
  const char *text;
  gint64 bytes;
} SizeCase;

static void
test_size_parse (void)
{
  static const SizeCase cases[] = {
    { "0", 0 },
    { "512", 512 },
    { "512B", 512 },
    { "1K", 1024 },
    { "1k", 1024 },
    { "4KB", 4096 },
    { "4KiB", 4096 },
    { "512M", G_GINT64_CONSTANT (512) << 20 },
    { "1.5G", G_GINT64_CONSTANT (3) << 29 },
    { "2GiB", G_GINT64_CONSTANT (2) << 30 },
    { "2t", G_GINT64_CONSTANT (2) << 40 },
    { "0.5K", 512 },
    { "1.4", 1 },
    { "1.5", 2 },
    { "8388607T", G_GINT64_CONSTANT (8388607) << 40 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 bytes = -1;

      g_test_message ("size: %s", cases[i].text);
      g_assert_true (tend_size_parse (cases[i].text, &bytes, &error));
      g_assert_no_error (error);
      g_assert_cmpint (bytes, ==, cases[i].bytes);
    }
}

/* As systemctl writes memory; and read back by tend_size_parse() to what it shows. */
static void
test_size_format (void)
{
  static const struct { guint64 bytes; const char *text; } cases[] = {
    { 0, "0B" },
    { 1023, "1023B" },
    { 1024, "1.0K" },
    { 1536, "1.5K" },
    { 1024 * 1024 - 1, "1024.0K" },
    { 1024 * 1024, "1.0M" },
    { G_GUINT64_CONSTANT (3758096384), "3.5G" },
    { G_GUINT64_CONSTANT (1) << 40, "1.0T" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = tend_size_format (cases[i].bytes);
      g_autoptr(GError) error = NULL;
      gint64 back = -1;

      g_assert_cmpstr (text, ==, cases[i].text);
      g_assert_true (tend_size_parse (text, &back, &error));
      g_assert_no_error (error);
      /* One decimal: within 5 % (and exact below 1 KiB). */
      g_assert_cmpfloat (fabs ((double) back - (double) cases[i].bytes), <=,
                         0.05 * (double) cases[i].bytes);
    }
}

static void
test_size_invalid (void)
{
  static const char *const cases[] = {
    "", "M", "-1", "-1K", "1X", "1KX", "1Kb", "1 K", " ", "1e400", "nan", "inf",
    "8388608T", "9223372036854775808", "10%",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *expected = NULL;
      gint64 bytes = 42;

      g_test_message ("invalid size: %s", cases[i]);
      g_assert_false (tend_size_parse (cases[i], &bytes, &error));
      g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
      expected = g_strdup_printf ("\"%s\" is not a size: give bytes, or a number with K, M, G "
                                  "or T (powers of 1024), such as 512M", cases[i]);
      g_assert_cmpstr (error->message, ==, expected);
      g_assert_cmpint (bytes, ==, 42);
      g_assert_false (tend_size_parse (cases[i], &bytes, NULL));
    }
}

static void
test_percent_parse (void)
{
  static const struct {
    const char *text;
    double percent;
  } cases[] = {
    { "0", 0 },
    { "80", 80 },
    { "80%", 80 },
    { "150", 150 },
    { "12.5%", 12.5 },
    /* The parser reads any number; what range a value needs is its user's to say. */
    { "-5", -5 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      double percent = -1;

      g_test_message ("percent: %s", cases[i].text);
      g_assert_true (tend_percent_parse (cases[i].text, &percent, &error));
      g_assert_no_error (error);
      g_assert_cmpfloat (percent, ==, cases[i].percent);
    }
}

static void
test_percent_invalid (void)
{
  static const char *const cases[] = { "", "%", "80%%", "80 %", "eighty", "nan", "inf", "1e400",
                                       "5K" };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *expected = NULL;
      double percent = 42;

      g_test_message ("invalid percent: %s", cases[i]);
      g_assert_false (tend_percent_parse (cases[i], &percent, &error));
      g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
      expected = g_strdup_printf ("\"%s\" is not a percentage: give a number such as 80 or "
                                  "150%%", cases[i]);
      g_assert_cmpstr (error->message, ==, expected);
      g_assert_cmpfloat (percent, ==, 42);
    }

  {
    g_autoptr(GError) error = NULL;
    double percent;

    /* What is quoted is shown as it is, however odd. */
    g_assert_false (tend_percent_parse ("8\"0\n", &percent, &error));
    g_assert_cmpstr (error->message, ==,
                     "\"8\\\"0\\n\" is not a percentage: give a number such as 80 or 150%");
  }
}

static void
test_duration_format_rough (void)
{
  static const struct { gint64 usec; const char *text; } cases[] = {
    { 0, "0s" },
    { 340 * TEND_USEC_PER_MSEC + 12, "340ms" },
    { TEND_USEC_PER_SEC + 234 * TEND_USEC_PER_MSEC + 5, "1s 234ms" },
    { 5 * TEND_USEC_PER_MIN + 3 * TEND_USEC_PER_SEC + 999, "5min 3s" },
    { 3 * TEND_USEC_PER_HOUR + 20 * TEND_USEC_PER_MIN + 59 * TEND_USEC_PER_SEC, "3h 20min" },
    { 2 * TEND_USEC_PER_DAY + 4 * TEND_USEC_PER_HOUR + 7 * TEND_USEC_PER_MIN, "2d 4h" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = tend_duration_format_rough (cases[i].usec);
      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/duration/parse", test_parse);
  g_test_add_func ("/duration/invalid", test_invalid);
  g_test_add_func ("/duration/invalid-long-text", test_invalid_long_text);
  g_test_add_func ("/duration/format", test_format);
  g_test_add_func ("/duration/round-trip", test_round_trip);
  g_test_add_func ("/duration/same-value-other-text", test_same_value_other_text);
  g_test_add_func ("/size/parse", test_size_parse);
  g_test_add_func ("/size/invalid", test_size_invalid);
  g_test_add_func ("/duration/format-rough", test_duration_format_rough);
  g_test_add_func ("/size/format", test_size_format);
  g_test_add_func ("/percent/parse", test_percent_parse);
  g_test_add_func ("/percent/invalid", test_percent_invalid);

  return g_test_run ();
}
