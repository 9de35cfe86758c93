/* tend-uptime-cell.c — see tend-uptime-cell.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Uptime is the one column that changes with nothing but the clock. Rather than a timer
 * per row, the cells on screen (mapped: a column view maps only the rows it shows) join
 * one list, and one timeout, running only while that list has members, refreshes them
 * once a minute. A cell also refreshes when its service's active-since changes.
 *
 * The same cells keep the row's figures fresh: systemd's list of units carries no
 * memory, CPU time, start time or restart count, and does not signal their changes, so a
 * row on screen asks its host for the unit's properties (tend_host_load_service_async(),
 * which updates the very TendService the row shows) when it first shows a service, and
 * again at each tick. That is one call per row on screen a minute, never one per unit.
 */
#define G_LOG_DOMAIN "Tend"

#include "config.h"

#include <glib/gi18n.h>

#include "tend-uptime-cell.h"

#define TICK_SECONDS 60

struct _TendUptimeCell
{
  GtkWidget parent_instance;

  GtkInscription *inscription;
  GSignalGroup *service_signals; /* (owned) */
  TendService *service;          /* (owned) (nullable) */
  GList link;                    /* in mapped_cells while mapped */
};

G_DEFINE_FINAL_TYPE (TendUptimeCell, tend_uptime_cell, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SERVICE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The cells on screen, and the one timeout that refreshes them. */
static GQueue mapped_cells = G_QUEUE_INIT;
static guint tick_source;

char *
tend_uptime_cell_format (gint64 active_since,
                         gint64 now)
{
  gint64 uptime;

  if (active_since <= 0)
    return g_strdup ("—");

  uptime = MAX (now - active_since, 0);
  if (uptime < TEND_USEC_PER_MIN)
    /* TRANSLATORS: the uptime of a service started less than a minute ago */
    return g_strdup (_("<1min"));

  /* Whole minutes, as the refresh comes once a minute. */
  return tend_duration_format_rough (uptime - uptime % TEND_USEC_PER_MIN);
}

static void
tend_uptime_cell_refresh (TendUptimeCell *self)
{
  g_autofree char *text = NULL;

  if (self->service != NULL)
    text = tend_uptime_cell_format (tend_service_get_active_since (self->service),
                                    g_get_real_time ());
  gtk_inscription_set_text (self->inscription, text);
}

static void
details_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(TendService) service = NULL;
  g_autoptr(GError) error = NULL;

  /* A unit gone meanwhile, or a host away: the row keeps what it showed. */
  service = tend_host_load_service_finish (TEND_HOST (object), result, &error);
  if (service == NULL)
    g_debug ("no details of a listed unit: %s", error->message);
}

/* Asks the service's host for its figures: always, or only if it never had them. */
static void
tend_uptime_cell_load_details (TendUptimeCell *self,
                               gboolean        again)
{
  g_autoptr(TendHost) host = NULL;

  if (self->service == NULL || (!again && tend_service_get_details_loaded (self->service)))
    return;
  host = tend_service_dup_host (self->service);
  if (host == NULL || !tend_host_get_connected (host))
    return;
  tend_host_load_service_async (host, tend_service_get_name (self->service), NULL,
                                details_loaded_cb, NULL);
}

static gboolean
on_tick (gpointer user_data)
{
  for (GList *l = mapped_cells.head; l != NULL; l = l->next)
    {
      tend_uptime_cell_refresh (l->data);
      tend_uptime_cell_load_details (l->data, TRUE);
    }
  return G_SOURCE_CONTINUE;
}

static void
tend_uptime_cell_map (GtkWidget *widget)
{
  TendUptimeCell *self = TEND_UPTIME_CELL (widget);

  GTK_WIDGET_CLASS (tend_uptime_cell_parent_class)->map (widget);

  g_queue_push_tail_link (&mapped_cells, &self->link);
  if (tick_source == 0)
    {
      tick_source = g_timeout_add_seconds (TICK_SECONDS, on_tick, NULL);
      g_source_set_name_by_id (tick_source, "[tend] uptime tick");
    }
  /* Time passed while it was off screen. */
  tend_uptime_cell_refresh (self);
  tend_uptime_cell_load_details (self, FALSE);
}

static void
tend_uptime_cell_unmap (GtkWidget *widget)
{
  TendUptimeCell *self = TEND_UPTIME_CELL (widget);

  g_queue_unlink (&mapped_cells, &self->link);
  if (mapped_cells.length == 0)
    g_clear_handle_id (&tick_source, g_source_remove);

  GTK_WIDGET_CLASS (tend_uptime_cell_parent_class)->unmap (widget);
}

TendService *
tend_uptime_cell_get_service (TendUptimeCell *self)
{
  g_return_val_if_fail (TEND_IS_UPTIME_CELL (self), NULL);
  return self->service;
}

void
tend_uptime_cell_set_service (TendUptimeCell *self,
                              TendService    *service)
{
  g_return_if_fail (TEND_IS_UPTIME_CELL (self));
  g_return_if_fail (service == NULL || TEND_IS_SERVICE (service));

  if (!g_set_object (&self->service, service))
    return;

  g_signal_group_set_target (self->service_signals, service);
  tend_uptime_cell_refresh (self);
  /* A row on screen given another service (the view reuses its rows as it scrolls). */
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    tend_uptime_cell_load_details (self, FALSE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVICE]);
}

static void
tend_uptime_cell_dispose (GObject *object)
{
  TendUptimeCell *self = TEND_UPTIME_CELL (object);

  if (self->service_signals != NULL)
    g_signal_group_set_target (self->service_signals, NULL);
  g_clear_object (&self->service_signals);
  g_clear_object (&self->service);
  gtk_widget_dispose_template (GTK_WIDGET (object), TEND_TYPE_UPTIME_CELL);

  G_OBJECT_CLASS (tend_uptime_cell_parent_class)->dispose (object);
}

static void
tend_uptime_cell_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  TendUptimeCell *self = TEND_UPTIME_CELL (object);

  switch (prop_id)
    {
    case PROP_SERVICE:
      g_value_set_object (value, self->service);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_uptime_cell_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  TendUptimeCell *self = TEND_UPTIME_CELL (object);

  switch (prop_id)
    {
    case PROP_SERVICE:
      tend_uptime_cell_set_service (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_uptime_cell_class_init (TendUptimeCellClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tend_uptime_cell_dispose;
  object_class->get_property = tend_uptime_cell_get_property;
  object_class->set_property = tend_uptime_cell_set_property;
  widget_class->map = tend_uptime_cell_map;
  widget_class->unmap = tend_uptime_cell_unmap;

  properties[PROP_SERVICE] =
    g_param_spec_object ("service", NULL, "The service whose uptime the cell shows",
                         TEND_TYPE_SERVICE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tendapp/Tend/ui/tend-uptime-cell.ui");
  gtk_widget_class_bind_template_child (widget_class, TendUptimeCell, inscription);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
tend_uptime_cell_init (TendUptimeCell *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->link.data = self;
  self->service_signals = g_signal_group_new (TEND_TYPE_SERVICE);
  g_signal_group_connect_object (self->service_signals, "notify::active-since",
                                 G_CALLBACK (tend_uptime_cell_refresh), self,
                                 G_CONNECT_SWAPPED);
}
