/* tend-status-words.h — the window's words and icons for health and check results
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Never colour alone: each status has an icon, a word a person reads, and a style class
 * (success, warning, error) that only adds colour to them.
 */
#pragma once

#include <tend.h>

G_BEGIN_DECLS

const char *tend_health_status_get_word       (TendHealthStatus  status);
const char *tend_health_status_get_icon_name  (TendHealthStatus  status);
const char *tend_health_status_get_css_class  (TendHealthStatus  status);

/* A check's result by its nick ("pass", "warn", "fail", "unknown") */
const char *tend_result_nick_get_word         (const char       *nick);
const char *tend_result_nick_get_icon_name    (const char       *nick);
const char *tend_result_nick_get_css_class    (const char       *nick);

/* "14:02:10" today, "3 Dec 14:02" before */
char       *tend_format_local_time            (gint64            realtime_usec);

G_END_DECLS
