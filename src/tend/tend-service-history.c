/* tend-service-history.c — see tend-service-history.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * All of it from the store: the chart from its rollups (tend_store_query_chart_async(),
 * one bucket size per range), the uptime from the chart's buckets
 * (tend_chart_uptime(), as tendctl history counts it), the incidents that
 * overlap the range and the restart attempts within it. It asks again when told
 * (tend_service_history_refresh(): the page does when the monitor's word changes), when
 * it comes on screen, and once a minute while it is, for new results.
 */
#define G_LOG_DOMAIN "Tend"

#include "config.h"

#include <glib/gi18n.h>

#include "tend-event-row.h"
#include "tend-history-chart.h"
#include "tend-service-history.h"
#include "tend-ui-util.h"

/* How many incidents and restart attempts it lists at most */
#define HISTORY_LIMIT 20

#define POLL_SECONDS 60

struct _TendServiceHistory
{
  GtkWidget parent_instance;

  TendStore *store;              /* (owned) (nullable) */
  gint64 service_id;             /* -1 for none */
  char *explanation;             /* (owned) (nullable) why there is none */
  char *range;                   /* (owned) "1h", "24h", "7d" or "30d" */
  double uptime;                 /* over the range, -1 when not known */
  GCancellable *cancellable;     /* (owned) the queries under way */
  guint poll_id;                 /* while mapped */

  GtkWidget *page;
  AdwPreferencesGroup *chart_group;
  GtkLabel *uptime_label;
  TendHistoryChart *chart;
  AdwPreferencesGroup *incidents_group;
  GtkListBox *incidents_list;
  AdwPreferencesGroup *attempts_group;
  GtkListBox *attempts_list;
};

G_DEFINE_FINAL_TYPE (TendServiceHistory, tend_service_history, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  PROP_SERVICE_ID,
  PROP_RANGE,
  PROP_UPTIME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  const char *name;
  gint64 span;                   /* the window */
  gint64 bucket;                 /* a chart bucket */
  gint64 align;                  /* the window ends at a multiple, so whole rollups fit */
} Range;

static const Range ranges[] = {
  { "1h", TEND_USEC_PER_HOUR, TEND_USEC_PER_MIN, TEND_USEC_PER_MIN },
  { "24h", TEND_USEC_PER_DAY, TEND_USEC_PER_HOUR, TEND_USEC_PER_HOUR },
  { "7d", TEND_USEC_PER_WEEK, 6 * TEND_USEC_PER_HOUR, TEND_USEC_PER_HOUR },
  { "30d", 30 * TEND_USEC_PER_DAY, TEND_USEC_PER_DAY, TEND_USEC_PER_DAY },
};

static const Range *
find_range (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (ranges); i++)
    if (g_strcmp0 (ranges[i].name, name) == 0)
      return &ranges[i];
  return NULL;
}

static const char *
describe_range (const Range *range)
{
  if (range->span == TEND_USEC_PER_HOUR)
    return _("in the last hour");
  if (range->span == TEND_USEC_PER_DAY)
    return _("in the last 24 hours");
  if (range->span == TEND_USEC_PER_WEEK)
    return _("in the last 7 days");
  return _("in the last 30 days");
}

static void
range_window (const Range *range,
              gint64      *since_usec,
              gint64      *until_usec)
{
  gint64 now = g_get_real_time ();

  *until_usec = now + (range->align - now % range->align) % range->align;
  *since_usec = *until_usec - range->span;
}

static void
set_uptime (TendServiceHistory *self,
            double              uptime)
{
  if (self->uptime == uptime)
    return;
  self->uptime = uptime;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UPTIME]);
}

static void
chart_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GArray) buckets = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  TendServiceHistory *self;
  const Range *range;
  gint64 since, until;
  double uptime = -1;

  buckets = tend_store_query_chart_finish (TEND_STORE (object), result, &error);
  if (tend_error_is_cancelled (error))
    return;
  self = TEND_SERVICE_HISTORY (user_data);
  if (buckets == NULL)
    {
      adw_preferences_group_set_description (self->chart_group, error->message);
      return;
    }

  range = find_range (self->range);
  range_window (range, &since, &until);
  tend_history_chart_set_buckets (self->chart, buckets, since, until);
  uptime = tend_chart_uptime (buckets);
  if (uptime >= 0)
    /* TRANSLATORS: "99.5% of checks passed in the last 24 hours" */
    text = g_strdup_printf (_("%.1f%% of checks passed %s"), uptime, describe_range (range));
  else
    {
      uptime = -1;
      /* TRANSLATORS: "No check results in the last 24 hours" */
      text = g_strdup_printf (_("No check results %s"), describe_range (range));
    }
  gtk_label_set_label (self->uptime_label, text);
  adw_preferences_group_set_description (self->chart_group, NULL);
  set_uptime (self, uptime);
}

static void
incidents_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GPtrArray) incidents = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *none = NULL;
  TendServiceHistory *self;
  const Range *range;
  gint64 since, until;

  incidents = tend_store_query_incidents_finish (TEND_STORE (object), result, &error);
  if (tend_error_is_cancelled (error))
    return;
  self = TEND_SERVICE_HISTORY (user_data);
  tend_list_box_remove_all (self->incidents_list);
  if (incidents == NULL)
    {
      tend_list_box_show_in_group (self->incidents_list, self->incidents_group, error->message);
      return;
    }

  range = find_range (self->range);
  range_window (range, &since, &until);
  for (guint i = 0; i < incidents->len; i++)
    {
      const TendIncident *incident = incidents->pdata[i];

      if (incident->closed_usec <= 0 || incident->closed_usec >= since)
        gtk_list_box_append (self->incidents_list, tend_event_row_new_for_incident (incident));
    }
  /* TRANSLATORS: "None in the last 24 hours" */
  none = g_strdup_printf (_("None %s"), describe_range (range));
  tend_list_box_show_in_group (self->incidents_list, self->incidents_group,
                               gtk_widget_get_first_child (GTK_WIDGET (self->incidents_list))
                               == NULL ? none : NULL);
}

static void
attempts_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GPtrArray) attempts = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *none = NULL;
  TendServiceHistory *self;

  attempts = tend_store_query_restart_attempts_finish (TEND_STORE (object), result, &error);
  if (tend_error_is_cancelled (error))
    return;
  self = TEND_SERVICE_HISTORY (user_data);
  tend_list_box_remove_all (self->attempts_list);
  if (attempts == NULL)
    {
      tend_list_box_show_in_group (self->attempts_list, self->attempts_group, error->message);
      return;
    }

  for (guint i = 0; i < attempts->len; i++)
    gtk_list_box_append (self->attempts_list, tend_event_row_new_for_attempt (attempts->pdata[i]));
  none = g_strdup_printf (_("None %s"), describe_range (find_range (self->range)));
  tend_list_box_show_in_group (self->attempts_list, self->attempts_group,
                               attempts->len == 0 ? none : NULL);
}

/* What it shows when there is nothing to ask the store about */
static void
show_explanation (TendServiceHistory *self)
{
  tend_list_box_remove_all (self->incidents_list);
  tend_list_box_remove_all (self->attempts_list);
  tend_list_box_show_in_group (self->incidents_list, self->incidents_group, NULL);
  tend_list_box_show_in_group (self->attempts_list, self->attempts_group, NULL);
  adw_preferences_group_set_description (self->chart_group, self->explanation);
  gtk_label_set_label (self->uptime_label, "");
  set_uptime (self, -1);
}

/**
 * tend_service_history_refresh:
 *
 * Asks the store again; what is under way is dropped.
 */
void
tend_service_history_refresh (TendServiceHistory *self)
{
  const Range *range;
  gint64 since, until;

  g_return_if_fail (TEND_IS_SERVICE_HISTORY (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->store == NULL || self->service_id < 0)
    {
      show_explanation (self);
      return;
    }

  self->cancellable = g_cancellable_new ();
  range = find_range (self->range);
  range_window (range, &since, &until);
  tend_store_query_chart_async (self->store, self->service_id, since, until, range->bucket,
                                self->cancellable, chart_cb, self);
  tend_store_query_incidents_async (self->store, self->service_id, HISTORY_LIMIT,
                                    self->cancellable, incidents_cb, self);
  tend_store_query_restart_attempts_async (self->store, self->service_id, since, HISTORY_LIMIT,
                                           self->cancellable, attempts_cb, self);
}

static gboolean
poll_cb (gpointer user_data)
{
  tend_service_history_refresh (user_data);
  return G_SOURCE_CONTINUE;
}

static void
tend_service_history_map (GtkWidget *widget)
{
  TendServiceHistory *self = TEND_SERVICE_HISTORY (widget);

  GTK_WIDGET_CLASS (tend_service_history_parent_class)->map (widget);
  if (self->poll_id == 0)
    self->poll_id = g_timeout_add_seconds (POLL_SECONDS, poll_cb, self);
  /* What happened while it was not on screen */
  tend_service_history_refresh (self);
}

static void
tend_service_history_unmap (GtkWidget *widget)
{
  TendServiceHistory *self = TEND_SERVICE_HISTORY (widget);

  g_clear_handle_id (&self->poll_id, g_source_remove);
  GTK_WIDGET_CLASS (tend_service_history_parent_class)->unmap (widget);
}

static void
tend_service_history_dispose (GObject *object)
{
  TendServiceHistory *self = TEND_SERVICE_HISTORY (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->poll_id, g_source_remove);
  g_clear_object (&self->store);
  gtk_widget_dispose_template (GTK_WIDGET (object), TEND_TYPE_SERVICE_HISTORY);
  G_OBJECT_CLASS (tend_service_history_parent_class)->dispose (object);
}

static void
tend_service_history_finalize (GObject *object)
{
  TendServiceHistory *self = TEND_SERVICE_HISTORY (object);

  g_free (self->explanation);
  g_free (self->range);
  G_OBJECT_CLASS (tend_service_history_parent_class)->finalize (object);
}

static void
tend_service_history_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  TendServiceHistory *self = TEND_SERVICE_HISTORY (object);

  switch (prop_id)
    {
    case PROP_STORE: g_value_set_object (value, self->store); break;
    case PROP_SERVICE_ID: g_value_set_int64 (value, self->service_id); break;
    case PROP_RANGE: g_value_set_string (value, self->range); break;
    case PROP_UPTIME: g_value_set_double (value, self->uptime); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_service_history_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  TendServiceHistory *self = TEND_SERVICE_HISTORY (object);

  switch (prop_id)
    {
    case PROP_RANGE: tend_service_history_set_range (self, g_value_get_string (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_service_history_class_init (TendServiceHistoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tend_service_history_dispose;
  object_class->finalize = tend_service_history_finalize;
  object_class->get_property = tend_service_history_get_property;
  object_class->set_property = tend_service_history_set_property;
  widget_class->map = tend_service_history_map;
  widget_class->unmap = tend_service_history_unmap;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, "Where the history is", TEND_TYPE_STORE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SERVICE_ID] =
    g_param_spec_int64 ("service-id", NULL, "The service's id in the store, -1 for none",
                        -1, G_MAXINT64, -1, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_RANGE] =
    g_param_spec_string ("range", NULL, "The range: 1h, 24h, 7d or 30d", "24h",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_UPTIME] =
    g_param_spec_double ("uptime", NULL, "The share of passed checks over the range, -1 for "
                         "none", -1, 100, -1, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_property_action (widget_class, "history.range", "range");

  g_type_ensure (TEND_TYPE_HISTORY_CHART);
  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/tendapp/Tend/ui/tend-service-history.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, TendServiceHistory, page);
  gtk_widget_class_bind_template_child (widget_class, TendServiceHistory, chart_group);
  gtk_widget_class_bind_template_child (widget_class, TendServiceHistory, uptime_label);
  gtk_widget_class_bind_template_child (widget_class, TendServiceHistory, chart);
  gtk_widget_class_bind_template_child (widget_class, TendServiceHistory, incidents_group);
  gtk_widget_class_bind_template_child (widget_class, TendServiceHistory, incidents_list);
  gtk_widget_class_bind_template_child (widget_class, TendServiceHistory, attempts_group);
  gtk_widget_class_bind_template_child (widget_class, TendServiceHistory, attempts_list);
}

static void
tend_service_history_init (TendServiceHistory *self)
{
  self->service_id = -1;
  self->range = g_strdup ("24h");
  self->uptime = -1;
  gtk_widget_init_template (GTK_WIDGET (self));
  show_explanation (self);
}

GtkWidget *
tend_service_history_new (void)
{
  return g_object_new (TEND_TYPE_SERVICE_HISTORY, NULL);
}

TendStore *
tend_service_history_get_store (TendServiceHistory *self)
{
  g_return_val_if_fail (TEND_IS_SERVICE_HISTORY (self), NULL);
  return self->store;
}

gint64
tend_service_history_get_service_id (TendServiceHistory *self)
{
  g_return_val_if_fail (TEND_IS_SERVICE_HISTORY (self), -1);
  return self->service_id;
}

/**
 * tend_service_history_set_service:
 * @store: (nullable): where the history is
 * @service_id: the service's id in @store, -1 for none
 * @explanation: (nullable): why there is none, shown when @service_id is -1
 *
 * Shows the history of another service (or none), asked for at once.
 */
void
tend_service_history_set_service (TendServiceHistory *self,
                                  TendStore          *store,
                                  gint64              service_id,
                                  const char         *explanation)
{
  gboolean store_changed;

  g_return_if_fail (TEND_IS_SERVICE_HISTORY (self));
  g_return_if_fail (store == NULL || TEND_IS_STORE (store));

  store_changed = g_set_object (&self->store, store);
  g_free (self->explanation);
  self->explanation = g_strdup (explanation);
  if (self->service_id != MAX (service_id, -1))
    {
      self->service_id = MAX (service_id, -1);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVICE_ID]);
    }
  if (store_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
  tend_service_history_refresh (self);
}

const char *
tend_service_history_get_range (TendServiceHistory *self)
{
  g_return_val_if_fail (TEND_IS_SERVICE_HISTORY (self), NULL);
  return self->range;
}

void
tend_service_history_set_range (TendServiceHistory *self,
                                const char         *range)
{
  g_return_if_fail (TEND_IS_SERVICE_HISTORY (self));
  g_return_if_fail (find_range (range) != NULL);

  if (g_strcmp0 (self->range, range) == 0)
    return;
  g_free (self->range);
  self->range = g_strdup (range);
  tend_service_history_refresh (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RANGE]);
}

double
tend_service_history_get_uptime (TendServiceHistory *self)
{
  g_return_val_if_fail (TEND_IS_SERVICE_HISTORY (self), -1);
  return self->uptime;
}
