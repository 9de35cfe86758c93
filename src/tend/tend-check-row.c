/* tend-check-row.c — see tend-check-row.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A layer of the service's health as the monitor saved it (see layer_to_json() in
 * libtend's tend-monitor.c): the title is the check's name; the status, its word and
 * icon; the subtitle, the latest result and its latency; inside, the check's message
 * and libtend's advice.
 */
#define G_LOG_DOMAIN "Tend"

#include "config.h"

#include <glib/gi18n.h>

#include "tend-check-row.h"
#include "tend-ui-util.h"

struct _TendCheckRow
{
  AdwExpanderRow parent_instance;

  char *status;                /* (owned) (nullable) the hard status' nick */
  char *soft_status;           /* (owned) (nullable) the latest result's */
  gint64 latency_usec;         /* -1 when the latest result had none */
  char *message;               /* (owned) (nullable) */
  char *advice;                /* (owned) (nullable) */

  GtkImage *status_icon;
  GtkLabel *status_label;
  AdwActionRow *message_row;
  AdwActionRow *advice_row;
};

G_DEFINE_FINAL_TYPE (TendCheckRow, tend_check_row, ADW_TYPE_EXPANDER_ROW)

enum {
  PROP_0,
  PROP_STATUS,
  PROP_SOFT_STATUS,
  PROP_LATENCY,
  PROP_MESSAGE,
  PROP_ADVICE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_status (TendCheckRow *self)
{
  gtk_image_set_from_icon_name (self->status_icon, tend_result_nick_get_icon_name (self->status));
  tend_widget_set_status_class (GTK_WIDGET (self->status_icon),
                                tend_result_nick_get_css_class (self->status));
  gtk_label_set_label (self->status_label, tend_result_nick_get_word (self->status));
}

static void
update_subtitle (TendCheckRow *self)
{
  const char *latest = tend_result_nick_get_word (self->soft_status != NULL ? self->soft_status
                                                                             : self->status);
  g_autofree char *subtitle = NULL;

  if (self->latency_usec >= 0)
    {
      g_autofree char *latency = tend_latency_format (self->latency_usec);

      /* TRANSLATORS: a check's latest result and how long it took: "Passing in 12ms" */
      subtitle = g_strdup_printf (_("Last result: %s in %s"), latest, latency);
    }
  else
    /* TRANSLATORS: a check's latest result, which did not run to an answer */
    subtitle = g_strdup_printf (_("Last result: %s, no answer"), latest);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self), subtitle);
}

static void
tend_check_row_finalize (GObject *object)
{
  TendCheckRow *self = TEND_CHECK_ROW (object);

  g_free (self->status);
  g_free (self->soft_status);
  g_free (self->message);
  g_free (self->advice);
  G_OBJECT_CLASS (tend_check_row_parent_class)->finalize (object);
}

static void
tend_check_row_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  TendCheckRow *self = TEND_CHECK_ROW (object);

  switch (prop_id)
    {
    case PROP_STATUS: g_value_set_string (value, self->status); break;
    case PROP_SOFT_STATUS: g_value_set_string (value, self->soft_status); break;
    case PROP_LATENCY: g_value_set_int64 (value, self->latency_usec); break;
    case PROP_MESSAGE: g_value_set_string (value, self->message); break;
    case PROP_ADVICE: g_value_set_string (value, self->advice); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_check_row_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  TendCheckRow *self = TEND_CHECK_ROW (object);

  switch (prop_id)
    {
    case PROP_STATUS: tend_check_row_set_status (self, g_value_get_string (value)); break;
    case PROP_SOFT_STATUS: tend_check_row_set_soft_status (self, g_value_get_string (value)); break;
    case PROP_LATENCY: tend_check_row_set_latency (self, g_value_get_int64 (value)); break;
    case PROP_MESSAGE: tend_check_row_set_message (self, g_value_get_string (value)); break;
    case PROP_ADVICE: tend_check_row_set_advice (self, g_value_get_string (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_check_row_class_init (TendCheckRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = tend_check_row_finalize;
  object_class->get_property = tend_check_row_get_property;
  object_class->set_property = tend_check_row_set_property;

  properties[PROP_STATUS] =
    g_param_spec_string ("status", NULL, "The hard status' nick", NULL, flags);
  properties[PROP_SOFT_STATUS] =
    g_param_spec_string ("soft-status", NULL, "The latest result's status nick", NULL, flags);
  properties[PROP_LATENCY] =
    g_param_spec_int64 ("latency", NULL, "The latest result's latency in µs, -1 for none",
                        -1, G_MAXINT64, -1, flags);
  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, "What the check said", NULL, flags);
  properties[PROP_ADVICE] =
    g_param_spec_string ("advice", NULL, "What to do about it", NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tendapp/Tend/ui/tend-check-row.ui");
  gtk_widget_class_bind_template_child (widget_class, TendCheckRow, status_icon);
  gtk_widget_class_bind_template_child (widget_class, TendCheckRow, status_label);
  gtk_widget_class_bind_template_child (widget_class, TendCheckRow, message_row);
  gtk_widget_class_bind_template_child (widget_class, TendCheckRow, advice_row);
}

static void
tend_check_row_init (TendCheckRow *self)
{
  self->latency_usec = -1;
  gtk_widget_init_template (GTK_WIDGET (self));
  update_status (self);
  update_subtitle (self);
  gtk_widget_set_visible (GTK_WIDGET (self->message_row), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->advice_row), FALSE);
}

GtkWidget *
tend_check_row_new (void)
{
  return g_object_new (TEND_TYPE_CHECK_ROW, NULL);
}

static const char *
member_string (JsonObject *object,
               const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_STRING ? json_node_get_string (node) : NULL;
}

/**
 * tend_check_row_new_for_layer:
 * @layer: a layer of a #TendHealthRecord's layers: `{"name": …, "status": "pass",
 *   "soft_status": …, "latency_usec": …, "message": …, "recommendation": …}`
 */
GtkWidget *
tend_check_row_new_for_layer (JsonObject *layer)
{
  const char *name = member_string (layer, "name");

  g_return_val_if_fail (layer != NULL, NULL);

  return g_object_new (TEND_TYPE_CHECK_ROW,
                       "title", name != NULL ? name : "",
                       "status", member_string (layer, "status"),
                       "soft-status", member_string (layer, "soft_status"),
                       "latency", json_object_get_int_member_with_default (layer, "latency_usec",
                                                                           -1),
                       "message", member_string (layer, "message"),
                       "advice", member_string (layer, "recommendation"),
                       NULL);
}

const char *
tend_check_row_get_status (TendCheckRow *self)
{
  g_return_val_if_fail (TEND_IS_CHECK_ROW (self), NULL);
  return self->status;
}

void
tend_check_row_set_status (TendCheckRow *self,
                           const char   *status)
{
  g_return_if_fail (TEND_IS_CHECK_ROW (self));

  if (!tend_str_set (&self->status, status))
    return;
  update_status (self);
  update_subtitle (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

const char *
tend_check_row_get_soft_status (TendCheckRow *self)
{
  g_return_val_if_fail (TEND_IS_CHECK_ROW (self), NULL);
  return self->soft_status;
}

void
tend_check_row_set_soft_status (TendCheckRow *self,
                                const char   *soft_status)
{
  g_return_if_fail (TEND_IS_CHECK_ROW (self));

  if (!tend_str_set (&self->soft_status, soft_status))
    return;
  update_subtitle (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SOFT_STATUS]);
}

gint64
tend_check_row_get_latency (TendCheckRow *self)
{
  g_return_val_if_fail (TEND_IS_CHECK_ROW (self), -1);
  return self->latency_usec;
}

void
tend_check_row_set_latency (TendCheckRow *self,
                            gint64        latency_usec)
{
  g_return_if_fail (TEND_IS_CHECK_ROW (self));

  latency_usec = MAX (latency_usec, -1);
  if (self->latency_usec == latency_usec)
    return;
  self->latency_usec = latency_usec;
  update_subtitle (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LATENCY]);
}

const char *
tend_check_row_get_message (TendCheckRow *self)
{
  g_return_val_if_fail (TEND_IS_CHECK_ROW (self), NULL);
  return self->message;
}

void
tend_check_row_set_message (TendCheckRow *self,
                            const char   *message)
{
  g_return_if_fail (TEND_IS_CHECK_ROW (self));

  if (!tend_str_set (&self->message, message))
    return;
  adw_action_row_set_subtitle (self->message_row, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_row), message != NULL && *message != '\0');
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
}

const char *
tend_check_row_get_advice (TendCheckRow *self)
{
  g_return_val_if_fail (TEND_IS_CHECK_ROW (self), NULL);
  return self->advice;
}

void
tend_check_row_set_advice (TendCheckRow *self,
                           const char   *advice)
{
  g_return_if_fail (TEND_IS_CHECK_ROW (self));

  if (!tend_str_set (&self->advice, advice))
    return;
  adw_action_row_set_subtitle (self->advice_row, advice != NULL ? advice : "");
  gtk_widget_set_visible (GTK_WIDGET (self->advice_row), advice != NULL && *advice != '\0');
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ADVICE]);
}
