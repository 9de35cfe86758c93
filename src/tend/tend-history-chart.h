/* tend-history-chart.h — a service's latency line and state band, drawn with GtkSnapshot
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <tend.h>

G_BEGIN_DECLS

#define TEND_TYPE_HISTORY_CHART (tend_history_chart_get_type ())
G_DECLARE_FINAL_TYPE (TendHistoryChart, tend_history_chart, TEND, HISTORY_CHART, GtkWidget)

GtkWidget  *tend_history_chart_new         (void);
void        tend_history_chart_set_buckets (TendHistoryChart *self,
                                            GArray           *buckets,
                                            gint64            since_usec,
                                            gint64            until_usec);
const char *tend_history_chart_get_summary (TendHistoryChart *self);
char       *tend_history_chart_dup_tooltip_at (TendHistoryChart *self,
                                               double            x);

G_END_DECLS
