/* tend-ui-util.c — see tend-ui-util.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Tend"

#include "config.h"

#include <glib/gi18n.h>

#include "tend-ui-util.h"

const char *
tend_health_status_get_word (TendHealthStatus status)
{
  switch (status)
    {
    case TEND_HEALTH_HEALTHY:
      return _("Healthy");
    case TEND_HEALTH_DEGRADED:
      return _("Degraded");
    case TEND_HEALTH_CRITICAL:
      return _("Critical");
    case TEND_HEALTH_UNKNOWN:
    default:
      return _("Unknown");
    }
}

const char *
tend_health_status_get_icon_name (TendHealthStatus status)
{
  switch (status)
    {
    case TEND_HEALTH_HEALTHY:
      return "emblem-ok-symbolic";
    case TEND_HEALTH_DEGRADED:
      return "dialog-warning-symbolic";
    case TEND_HEALTH_CRITICAL:
      return "dialog-error-symbolic";
    case TEND_HEALTH_UNKNOWN:
    default:
      return "dialog-question-symbolic";
    }
}

const char *
tend_health_status_get_css_class (TendHealthStatus status)
{
  switch (status)
    {
    case TEND_HEALTH_HEALTHY:
      return "success";
    case TEND_HEALTH_DEGRADED:
      return "warning";
    case TEND_HEALTH_CRITICAL:
      return "error";
    case TEND_HEALTH_UNKNOWN:
    default:
      return "dim-label";
    }
}

static TendHealthStatus
result_as_health (const char *nick)
{
  if (g_strcmp0 (nick, "pass") == 0)
    return TEND_HEALTH_HEALTHY;
  if (g_strcmp0 (nick, "warn") == 0)
    return TEND_HEALTH_DEGRADED;
  if (g_strcmp0 (nick, "fail") == 0)
    return TEND_HEALTH_CRITICAL;
  return TEND_HEALTH_UNKNOWN;
}

const char *
tend_result_nick_get_word (const char *nick)
{
  if (g_strcmp0 (nick, "pass") == 0)
    return _("Passing");
  if (g_strcmp0 (nick, "warn") == 0)
    return _("Warning");
  if (g_strcmp0 (nick, "fail") == 0)
    return _("Failing");
  return _("Unknown");
}

const char *
tend_result_nick_get_icon_name (const char *nick)
{
  return tend_health_status_get_icon_name (result_as_health (nick));
}

const char *
tend_result_nick_get_css_class (const char *nick)
{
  return tend_health_status_get_css_class (result_as_health (nick));
}

char *
tend_format_local_time (gint64 realtime_usec)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (realtime_usec / G_USEC_PER_SEC);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  if (when == NULL)
    return g_strdup ("");
  if (g_date_time_get_year (when) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (when) == g_date_time_get_day_of_year (now))
    return g_date_time_format (when, "%X");
  /* TRANSLATORS: a date and time, see g_date_time_format(): "3 Dec 14:02" */
  return g_date_time_format (when, _("%e %b %H:%M"));
}

void
tend_widget_set_status_class (GtkWidget  *widget,
                              const char *css_class)
{
  static const char *classes[] = { "success", "warning", "error", "dim-label" };

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    if (g_strcmp0 (classes[i], css_class) != 0)
      gtk_widget_remove_css_class (widget, classes[i]);
  if (css_class != NULL)
    gtk_widget_add_css_class (widget, css_class);
}

void
tend_list_box_remove_all (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

void
tend_list_box_show_in_group (GtkListBox          *list,
                             AdwPreferencesGroup *group,
                             const char          *description)
{
  gtk_widget_set_visible (GTK_WIDGET (list),
                          gtk_widget_get_first_child (GTK_WIDGET (list)) != NULL);
  adw_preferences_group_set_description (group, description);
}

gboolean
tend_error_is_cancelled (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}
