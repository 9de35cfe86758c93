/* tend-history-chart.c — see tend-history-chart.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Tend"

#include "config.h"

#include "tend-history-chart.h"

struct _TendHistoryChart
{
  GtkWidget parent_instance;
};

G_DEFINE_FINAL_TYPE (TendHistoryChart, tend_history_chart, GTK_TYPE_WIDGET)

static void
tend_history_chart_class_init (TendHistoryChartClass *klass)
{
}

static void
tend_history_chart_init (TendHistoryChart *self)
{
}

GtkWidget *
tend_history_chart_new (void)
{
  return g_object_new (TEND_TYPE_HISTORY_CHART, NULL);
}

void
tend_history_chart_set_buckets (TendHistoryChart *self,
                                GArray           *buckets,
                                gint64            since_usec,
                                gint64            until_usec)
{
  g_return_if_fail (TEND_IS_HISTORY_CHART (self));
}
