/* tend-maintenance.c — recurring maintenance windows: "Mon-Fri 02:00-04:00"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The text form is DAYS HH:MM-HH:MM in local time. DAYS is "daily", or a comma list of
 * days and ranges of days ("Mon-Fri", "Sat,Sun", "Tue,Thu-Sat"), in English, three
 * letters or whole, any case. An end before the start runs past midnight: "Sun
 * 23:00-01:00" is Sunday 23:00 to Monday 01:00. A window's days are the days it starts.
 */
#define G_LOG_DOMAIN "Tend-Recovery"

#include <stdio.h>
#include <string.h>

#include "tend-error.h"
#include "tend-maintenance.h"

#define MINUTES_PER_DAY 1440
#define MINUTES_PER_WEEK (7 * MINUTES_PER_DAY)

static const char * const day_names[] = {
  "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"
};

/* 0 for Monday … 6 for Sunday, or -1. */
static int
parse_day (const char *text)
{
  g_autofree char *lower = g_ascii_strdown (text, -1);

  for (int i = 0; i < 7; i++)
    if (g_str_equal (lower, day_names[i]) ||
        (strlen (lower) == 3 && strncmp (lower, day_names[i], 3) == 0))
      return i;
  return -1;
}

static gboolean
parse_days (const char *text,
            guint8     *days,
            GString    *why)
{
  g_auto(GStrv) items = NULL;

  if (g_ascii_strcasecmp (text, "daily") == 0)
    {
      *days = TEND_MAINTENANCE_EVERY_DAY;
      return TRUE;
    }

  *days = 0;
  items = g_strsplit (text, ",", -1);
  for (guint i = 0; items[i] != NULL; i++)
    {
      g_auto(GStrv) range = g_strsplit (items[i], "-", 3);
      int first = range[0] != NULL ? parse_day (range[0]) : -1;
      int last = first;

      if (range[0] != NULL && range[1] != NULL)
        last = range[2] == NULL ? parse_day (range[1]) : -1;
      if (first < 0 || last < 0)
        {
          g_string_append_printf (why, "'%s' is not a day or a range of days (Mon, Mon-Fri)",
                                  items[i]);
          return FALSE;
        }
      /* "Sat-Mon" wraps over the week's end. */
      for (int d = first;; d = (d + 1) % 7)
        {
          *days |= 1 << d;
          if (d == last)
            break;
        }
    }
  return TRUE;
}

static gboolean
parse_time (const char *text,
            guint      *minute)
{
  guint hour, min;
  char end;

  if (strlen (text) != 5 || text[2] != ':' ||
      sscanf (text, "%2u:%2u%c", &hour, &min, &end) != 2 || hour > 23 || min > 59 ||
      !g_ascii_isdigit (text[0]) || !g_ascii_isdigit (text[3]))
    return FALSE;
  *minute = hour * 60 + min;
  return TRUE;
}

/**
 * tend_maintenance_window_parse:
 * @text: "Mon-Fri 02:00-04:00", "daily 23:30-00:30"
 * @window: (out caller-allocates): the window
 * @error: what is wrong, naming the part and the form it must take
 */
gboolean
tend_maintenance_window_parse (const char             *text,
                               TendMaintenanceWindow  *window,
                               GError                **error)
{
  g_auto(GStrv) parts = NULL;
  g_auto(GStrv) times = NULL;
  g_autoptr(GString) why = g_string_new (NULL);
  guint start = 0, end = 0;
  guint8 days = 0;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (window != NULL, FALSE);

  parts = g_strsplit_set (text, " \t", -1);
  {
    /* Words, without the empty ones that runs of blanks make. */
    g_autoptr(GPtrArray) words = g_ptr_array_new ();

    for (guint i = 0; parts[i] != NULL; i++)
      if (*parts[i] != '\0')
        g_ptr_array_add (words, parts[i]);

    if (words->len != 2)
      g_string_append (why, "it must be DAYS HH:MM-HH:MM, such as 'Mon-Fri 02:00-04:00' or "
                            "'daily 23:30-00:30'");
    else if (parse_days (words->pdata[0], &days, why))
      {
        times = g_strsplit (words->pdata[1], "-", 3);
        if (times[0] == NULL || times[1] == NULL || times[2] != NULL ||
            !parse_time (times[0], &start) || !parse_time (times[1], &end))
          g_string_append_printf (why, "'%s' is not a time range HH:MM-HH:MM (00:00 to 23:59)",
                                  (const char *) words->pdata[1]);
        else if (start == end)
          g_string_append_printf (why, "'%s' is empty: the end must differ from the start",
                                  (const char *) words->pdata[1]);
      }
  }

  if (why->len > 0)
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   "maintenance window '%s': %s", text, why->str);
      return FALSE;
    }

  window->days = days;
  window->start_minute = (guint16) start;
  window->length_minutes = (guint16) (end > start ? end - start : MINUTES_PER_DAY - start + end);
  return TRUE;
}

/**
 * tend_maintenance_window_format:
 *
 * Returns: (transfer full): the window as tend_maintenance_window_parse() reads it
 */
char *
tend_maintenance_window_format (const TendMaintenanceWindow *window)
{
  static const char * const abbrev[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
  g_autoptr(GString) text = g_string_new (NULL);
  guint end;

  g_return_val_if_fail (window != NULL, NULL);

  if (window->days == TEND_MAINTENANCE_EVERY_DAY)
    g_string_append (text, "daily");
  for (int d = 0; d < 7 && window->days != TEND_MAINTENANCE_EVERY_DAY; d++)
    {
      int last = d;

      if (!(window->days & (1 << d)))
        continue;
      while (last + 1 < 7 && (window->days & (1 << (last + 1))))
        last++;
      if (text->len > 0)
        g_string_append_c (text, ',');
      g_string_append (text, abbrev[d]);
      if (last > d)
        g_string_append_printf (text, "%s%s", last > d + 1 ? "-" : ",", abbrev[last]);
      d = last;
    }

  end = (window->start_minute + window->length_minutes) % MINUTES_PER_DAY;
  g_string_append_printf (text, " %02u:%02u-%02u:%02u", window->start_minute / 60,
                          window->start_minute % 60, end / 60, end % 60);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* How many minutes of @window are left at @time (local), 0 when it is not inside. */
static gint64
minutes_left (const TendMaintenanceWindow *window,
              GDateTime                   *time)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (time);
  int now = (g_date_time_get_day_of_week (local) - 1) * MINUTES_PER_DAY +
            g_date_time_get_hour (local) * 60 + g_date_time_get_minute (local);

  for (int d = 0; d < 7; d++)
    {
      int start = d * MINUTES_PER_DAY + window->start_minute;
      int end = start + window->length_minutes;

      if (!(window->days & (1 << d)))
        continue;
      /* A window that starts on Sunday evening runs into next week's Monday. */
      if (now >= start && now < end)
        return end - now;
      if (now + MINUTES_PER_WEEK >= start && now + MINUTES_PER_WEEK < end)
        return end - now - MINUTES_PER_WEEK;
    }
  return 0;
}

/**
 * tend_maintenance_window_contains:
 * @time: a time, in any time zone; the window is read in local time
 */
gboolean
tend_maintenance_window_contains (const TendMaintenanceWindow *window,
                                  GDateTime                   *time)
{
  g_return_val_if_fail (window != NULL, FALSE);
  g_return_val_if_fail (time != NULL, FALSE);
  return minutes_left (window, time) > 0;
}

/**
 * tend_maintenance_window_end:
 *
 * Returns: realtime µs at which the window that @time is in ends, or -1 when @time is
 *   not in the window
 */
gint64
tend_maintenance_window_end (const TendMaintenanceWindow *window,
                             GDateTime                   *time)
{
  gint64 left;
  gint64 start_of_minute;

  g_return_val_if_fail (window != NULL, -1);
  g_return_val_if_fail (time != NULL, -1);

  left = minutes_left (window, time);
  if (left == 0)
    return -1;
  start_of_minute = g_date_time_to_unix (time) - g_date_time_get_second (time);
  return (start_of_minute + left * 60) * G_USEC_PER_SEC;
}
