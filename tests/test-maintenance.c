/* test-maintenance.c — recurring maintenance windows, parsed and matched
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "tend.h"

/* A local time in the week of Monday 2026-11-16. */
static GDateTime *
at (int         day_of_month,
    int         hour,
    int         minute)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_local ();

  return g_date_time_new (tz, 2026, 11, day_of_month, hour, minute, 0);
}

static void
test_parse_and_format (void)
{
  static const struct
  {
    const char *text;
    guint8 days;
    guint start;
    guint length;
    const char *formatted;
  } cases[] = {
    { "Mon-Fri 02:00-04:00", 0x1f, 120, 120, "Mon-Fri 02:00-04:00" },
    { "daily 23:30-00:30", 0x7f, 1410, 60, "daily 23:30-00:30" },
    { "sat,SUN 01:00-01:15", 0x60, 60, 15, "Sat,Sun 01:00-01:15" },
    { "  Tuesday   22:00-06:00 ", 0x02, 1320, 480, "Tue 22:00-06:00" },
    { "Sat-Mon 00:00-23:59", 0x61, 0, 1439, "Mon,Sat,Sun 00:00-23:59" },
    { "Mon,Wed-Fri 12:00-13:00", 0x1d, 720, 60, "Mon,Wed-Fri 12:00-13:00" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      TendMaintenanceWindow window;
      g_autoptr(GError) error = NULL;
      g_autofree char *formatted = NULL;
      TendMaintenanceWindow again;

      g_assert_true (tend_maintenance_window_parse (cases[i].text, &window, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (window.days, ==, cases[i].days);
      g_assert_cmpuint (window.start_minute, ==, cases[i].start);
      g_assert_cmpuint (window.length_minutes, ==, cases[i].length);
      formatted = tend_maintenance_window_format (&window);
      g_assert_cmpstr (formatted, ==, cases[i].formatted);
      g_assert_true (tend_maintenance_window_parse (formatted, &again, NULL));
      g_assert_cmpuint (again.days, ==, window.days);
      g_assert_cmpuint (again.start_minute, ==, window.start_minute);
      g_assert_cmpuint (again.length_minutes, ==, window.length_minutes);
    }
}

static void
test_parse_errors (void)
{
  static const struct
  {
    const char *text;
    const char *why;
  } cases[] = {
    { "", "it must be DAYS HH:MM-HH:MM" },
    { "Mon-Fri", "it must be DAYS HH:MM-HH:MM" },
    { "Mon 02:00 04:00", "it must be DAYS HH:MM-HH:MM" },
    { "Mnday 02:00-04:00", "'Mnday' is not a day or a range of days" },
    { "Mon-Fri-Sat 02:00-04:00", "'Mon-Fri-Sat' is not a day" },
    { "Mon 2:00-04:00", "'2:00-04:00' is not a time range HH:MM-HH:MM" },
    { "Mon 24:00-04:00", "'24:00-04:00' is not a time range" },
    { "Mon 02:60-04:00", "'02:60-04:00' is not a time range" },
    { "Mon 02:00-02:00", "'02:00-02:00' is empty" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      TendMaintenanceWindow window;
      g_autoptr(GError) error = NULL;
      g_autofree char *prefix = g_strdup_printf ("maintenance window '%s': ", cases[i].text);

      g_assert_false (tend_maintenance_window_parse (cases[i].text, &window, &error));
      g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
      g_assert_true (g_str_has_prefix (error->message, prefix));
      g_assert_nonnull (strstr (error->message, cases[i].why));
    }
}

static void
test_contains (void)
{
  TendMaintenanceWindow weekdays, night, sunday_night;

  g_assert_true (tend_maintenance_window_parse ("Mon-Fri 02:00-04:00", &weekdays, NULL));
  g_assert_true (tend_maintenance_window_parse ("Wed 23:00-01:00", &night, NULL));
  g_assert_true (tend_maintenance_window_parse ("Sun 23:00-01:00", &sunday_night, NULL));

  /* 2026-11-16 is a Monday, 21 a Saturday, 22 a Sunday, 23 the next Monday. */
  {
    g_autoptr(GDateTime) mon_0159 = at (16, 1, 59);
    g_autoptr(GDateTime) mon_0200 = at (16, 2, 0);
    g_autoptr(GDateTime) fri_0359 = at (20, 3, 59);
    g_autoptr(GDateTime) fri_0400 = at (20, 4, 0);
    g_autoptr(GDateTime) sat_0300 = at (21, 3, 0);
    g_autoptr(GDateTime) wed_2300 = at (18, 23, 0);
    g_autoptr(GDateTime) thu_0030 = at (19, 0, 30);
    g_autoptr(GDateTime) thu_0100 = at (19, 1, 0);
    g_autoptr(GDateTime) sun_2330 = at (22, 23, 30);
    g_autoptr(GDateTime) mon_0030 = at (23, 0, 30);
    g_autoptr(GDateTime) mon_0030_before = at (16, 0, 30);

    g_assert_false (tend_maintenance_window_contains (&weekdays, mon_0159));
    g_assert_true (tend_maintenance_window_contains (&weekdays, mon_0200));
    g_assert_true (tend_maintenance_window_contains (&weekdays, fri_0359));
    g_assert_false (tend_maintenance_window_contains (&weekdays, fri_0400));
    g_assert_false (tend_maintenance_window_contains (&weekdays, sat_0300));

    /* Past midnight: the day it starts counts. */
    g_assert_true (tend_maintenance_window_contains (&night, wed_2300));
    g_assert_true (tend_maintenance_window_contains (&night, thu_0030));
    g_assert_false (tend_maintenance_window_contains (&night, thu_0100));

    /* Sunday night runs into Monday, over the week's end. */
    g_assert_true (tend_maintenance_window_contains (&sunday_night, sun_2330));
    g_assert_true (tend_maintenance_window_contains (&sunday_night, mon_0030));
    g_assert_true (tend_maintenance_window_contains (&sunday_night, mon_0030_before));
    g_assert_false (tend_maintenance_window_contains (&sunday_night, mon_0200));

    /* Its end, from inside it. */
    g_assert_cmpint (tend_maintenance_window_end (&sunday_night, mon_0030), ==,
                     (g_date_time_to_unix (mon_0030) + 30 * 60) * G_USEC_PER_SEC);
    g_assert_cmpint (tend_maintenance_window_end (&weekdays, fri_0359), ==,
                     (g_date_time_to_unix (fri_0359) + 60) * G_USEC_PER_SEC);
    g_assert_cmpint (tend_maintenance_window_end (&weekdays, sat_0300), ==, -1);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/maintenance/parse-and-format", test_parse_and_format);
  g_test_add_func ("/maintenance/parse-errors", test_parse_errors);
  g_test_add_func ("/maintenance/contains", test_contains);
  return g_test_run ();
}
