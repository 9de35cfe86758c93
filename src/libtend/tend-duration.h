/* tend-duration.h — durations as people write them: "250ms", "10s", "1h 30min"; and
 * sizes ("512M") and percentages ("80%"), which front ends read the same way
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TEND_USEC_PER_MSEC G_GINT64_CONSTANT (1000)
#define TEND_USEC_PER_SEC  G_GINT64_CONSTANT (1000000)
#define TEND_USEC_PER_MIN  (60 * TEND_USEC_PER_SEC)
#define TEND_USEC_PER_HOUR (60 * TEND_USEC_PER_MIN)
#define TEND_USEC_PER_DAY  (24 * TEND_USEC_PER_HOUR)
#define TEND_USEC_PER_WEEK (7 * TEND_USEC_PER_DAY)

gboolean  tend_duration_parse  (const char  *text,
                                gint64      *usec,
                                GError     **error);
char     *tend_duration_format (gint64       usec);
char     *tend_duration_format_rough (gint64 usec);

char     *tend_time_format_iso8601 (gint64   realtime_usec);

gboolean  tend_size_parse      (const char  *text,
                                gint64      *bytes,
                                GError     **error);
char     *tend_size_format     (guint64      bytes);
gboolean  tend_percent_parse   (const char  *text,
                                double      *percent,
                                GError     **error);

G_END_DECLS
