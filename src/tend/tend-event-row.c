/* tend-event-row.c — see tend-event-row.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The icon and the outcome word say how it went (never colour alone); the title what
 * happened, the subtitle when, for how long and why.
 */
#define G_LOG_DOMAIN "Tend"

#include "config.h"

#include <glib/gi18n.h>

#include "tend-event-row.h"
#include "tend-ui-util.h"

struct _TendEventRow
{
  AdwActionRow parent_instance;

  char *outcome;               /* (owned) (nullable) "Open", "Succeeded" … */
  char *icon_name;             /* (owned) (nullable) */

  GtkImage *icon;
  GtkLabel *outcome_label;
};

G_DEFINE_FINAL_TYPE (TendEventRow, tend_event_row, ADW_TYPE_ACTION_ROW)

enum {
  PROP_0,
  PROP_OUTCOME,
  PROP_ICON_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
tend_event_row_finalize (GObject *object)
{
  TendEventRow *self = TEND_EVENT_ROW (object);

  g_free (self->outcome);
  g_free (self->icon_name);
  G_OBJECT_CLASS (tend_event_row_parent_class)->finalize (object);
}

static void
tend_event_row_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  TendEventRow *self = TEND_EVENT_ROW (object);

  switch (prop_id)
    {
    case PROP_OUTCOME: g_value_set_string (value, self->outcome); break;
    case PROP_ICON_NAME: g_value_set_string (value, self->icon_name); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_event_row_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  TendEventRow *self = TEND_EVENT_ROW (object);

  switch (prop_id)
    {
    case PROP_OUTCOME: tend_event_row_set_outcome (self, g_value_get_string (value)); break;
    case PROP_ICON_NAME: tend_event_row_set_icon_name (self, g_value_get_string (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_event_row_class_init (TendEventRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = tend_event_row_finalize;
  object_class->get_property = tend_event_row_get_property;
  object_class->set_property = tend_event_row_set_property;

  properties[PROP_OUTCOME] =
    g_param_spec_string ("outcome", NULL, "How it went, in a word", NULL, flags);
  properties[PROP_ICON_NAME] =
    g_param_spec_string ("icon-name", NULL, "The icon that goes with the outcome", NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tendapp/Tend/ui/tend-event-row.ui");
  gtk_widget_class_bind_template_child (widget_class, TendEventRow, icon);
  gtk_widget_class_bind_template_child (widget_class, TendEventRow, outcome_label);
}

static void
tend_event_row_init (TendEventRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* How long something lasted, to a precision a person reads: whole milliseconds under a
 * second ("123ms", not "123ms 70us"), whole seconds above. */
static gint64
round_span (gint64 usec)
{
  gint64 unit = usec < G_USEC_PER_SEC ? 1000 : G_USEC_PER_SEC;

  return MAX ((usec + unit / 2) / unit, 1) * unit;
}

/* "14:02:10, for 3min 5s" or "since 14:02:10" */
static char *
describe_span (gint64 start_usec,
               gint64 end_usec)
{
  g_autofree char *start = tend_format_local_time (start_usec);
  g_autofree char *length = NULL;

  if (end_usec <= 0)
    /* TRANSLATORS: something still going on, and when it began */
    return g_strdup_printf (_("Since %s"), start);
  length = tend_duration_format_rough (round_span (MAX (end_usec - start_usec, 0)));
  /* TRANSLATORS: when something began, and how long it lasted: "14:02:10, for 3min" */
  return g_strdup_printf (_("%s, for %s"), start, length);
}

GtkWidget *
tend_event_row_new_for_incident (const TendIncident *incident)
{
  g_autofree char *when = NULL;
  g_autofree char *subtitle = NULL;
  const char *severity;
  TendEventRow *row;
  gboolean open;

  g_return_val_if_fail (incident != NULL, NULL);

  open = incident->closed_usec <= 0;
  when = describe_span (incident->opened_usec, incident->closed_usec);
  severity = incident->worst_severity;

  if (severity != NULL)
    /* TRANSLATORS: when an incident was and how bad it got ("critical", as libtend says) */
    subtitle = g_strdup_printf (_("%s · worst: %s"), when, severity);
  row = g_object_new (TEND_TYPE_EVENT_ROW,
                      "title", incident->cause != NULL ? incident->cause : _("Incident"),
                      "subtitle", subtitle != NULL ? subtitle : when,
                      "outcome", open ? _("Open") : _("Resolved"),
                      "icon-name", open ? "dialog-error-symbolic" : "emblem-ok-symbolic",
                      NULL);
  gtk_widget_add_css_class (GTK_WIDGET (row->icon), open ? "error" : "success");
  return GTK_WIDGET (row);
}

GtkWidget *
tend_event_row_new_for_attempt (const TendStoredAttempt *attempt)
{
  g_autofree char *when = NULL;
  g_autofree char *title = NULL;
  const char *outcome;
  const char *icon_name;
  const char *css_class = NULL;
  const char *why;
  TendEventRow *row;

  g_return_val_if_fail (attempt != NULL, NULL);

  if (g_strcmp0 (attempt->state, "running") == 0)
    {
      outcome = _("Running");
      icon_name = "emblem-synchronizing-symbolic";
      when = describe_span (attempt->time_usec, 0);
    }
  else
    {
      if (g_strcmp0 (attempt->state, "interrupted") == 0)
        {
          outcome = _("Interrupted");
          icon_name = "dialog-warning-symbolic";
          css_class = "warning";
        }
      else
        {
          outcome = attempt->success ? _("Succeeded") : _("Failed");
          icon_name = attempt->success ? "emblem-ok-symbolic" : "dialog-error-symbolic";
          css_class = attempt->success ? "success" : "error";
        }
      when = describe_span (attempt->time_usec,
                            attempt->time_usec + MAX (attempt->duration_usec, 0));
    }

  /* TRANSLATORS: a recovery step by its strategy, as libtend names it: "restart" */
  title = g_strdup_printf (_("Recovery: %s"), attempt->strategy != NULL ? attempt->strategy : "");
  why = attempt->error != NULL ? attempt->error : attempt->reason;
  if (why != NULL)
    {
      char *both = g_strdup_printf ("%s\n%s", when, why);

      g_free (when);
      when = both;
    }
  row = g_object_new (TEND_TYPE_EVENT_ROW,
                      "title", title,
                      "subtitle", when,
                      "outcome", outcome,
                      "icon-name", icon_name,
                      NULL);
  if (css_class != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (row->icon), css_class);
  return GTK_WIDGET (row);
}

const char *
tend_event_row_get_outcome (TendEventRow *self)
{
  g_return_val_if_fail (TEND_IS_EVENT_ROW (self), NULL);
  return self->outcome;
}

void
tend_event_row_set_outcome (TendEventRow *self,
                            const char   *outcome)
{
  g_return_if_fail (TEND_IS_EVENT_ROW (self));

  if (g_strcmp0 (self->outcome, outcome) == 0)
    return;
  g_free (self->outcome);
  self->outcome = g_strdup (outcome);
  gtk_label_set_label (self->outcome_label, outcome != NULL ? outcome : "");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OUTCOME]);
}

const char *
tend_event_row_get_icon_name (TendEventRow *self)
{
  g_return_val_if_fail (TEND_IS_EVENT_ROW (self), NULL);
  return self->icon_name;
}

void
tend_event_row_set_icon_name (TendEventRow *self,
                              const char   *icon_name)
{
  g_return_if_fail (TEND_IS_EVENT_ROW (self));

  if (g_strcmp0 (self->icon_name, icon_name) == 0)
    return;
  g_free (self->icon_name);
  self->icon_name = g_strdup (icon_name);
  gtk_image_set_from_icon_name (self->icon, icon_name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ICON_NAME]);
}
