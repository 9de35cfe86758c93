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

const char *
tend_host_state_get_word (TendHostState state)
{
  switch (state)
    {
    case TEND_HOST_STATE_CONNECTED:
      return _("Online");
    case TEND_HOST_STATE_RECONNECTING:
      return _("Unreachable");
    case TEND_HOST_STATE_AUTH_FAILED:
      return _("Sign-in refused");
    case TEND_HOST_STATE_HOST_KEY_UNKNOWN:
      return _("Key not trusted");
    case TEND_HOST_STATE_HOST_KEY_CHANGED:
      return _("Key changed");
    case TEND_HOST_STATE_DISCONNECTED:
    case TEND_HOST_STATE_CONNECTING:
    default:
      return _("Connecting…");
    }
}

const char *
tend_host_state_get_icon_name (TendHostState state)
{
  switch (state)
    {
    case TEND_HOST_STATE_CONNECTED:
      return "network-transmit-receive-symbolic";
    case TEND_HOST_STATE_RECONNECTING:
      return "network-offline-symbolic";
    case TEND_HOST_STATE_AUTH_FAILED:
      return "dialog-password-symbolic";
    case TEND_HOST_STATE_HOST_KEY_UNKNOWN:
      return "security-medium-symbolic";
    case TEND_HOST_STATE_HOST_KEY_CHANGED:
      return "security-low-symbolic";
    case TEND_HOST_STATE_DISCONNECTED:
    case TEND_HOST_STATE_CONNECTING:
    default:
      return "content-loading-symbolic";
    }
}

const char *
tend_host_state_get_css_class (TendHostState state)
{
  switch (state)
    {
    case TEND_HOST_STATE_CONNECTED:
      return "success";
    case TEND_HOST_STATE_HOST_KEY_CHANGED:
      return "error";
    case TEND_HOST_STATE_RECONNECTING:
    case TEND_HOST_STATE_AUTH_FAILED:
    case TEND_HOST_STATE_HOST_KEY_UNKNOWN:
      return "warning";
    case TEND_HOST_STATE_DISCONNECTED:
    case TEND_HOST_STATE_CONNECTING:
    default:
      return "dim-label";
    }
}

char *
tend_known_hosts_name (const char *address,
                       int         port)
{
  if (port <= 0 || port == 22)
    return g_strdup (address);
  return g_strdup_printf ("[%s]:%d", address, port);
}

GtkWidget *
tend_show_host_key_changed (GtkWindow  *parent,
                            const char *message)
{
  GtkWidget *dialog;

  /* libtend's sentence has both fingerprints, the danger, and the ssh-keygen -R to run
   * once the person knows the new key is right. No way to connect anyway. */
  dialog = adw_message_dialog_new (parent, _("Host Key Changed"), message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
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

void
tend_widget_explain_insensitive (GtkWidget  *widget,
                                 const char *tooltip,
                                 const char *reason)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));

  gtk_widget_set_tooltip_text (widget, reason != NULL ? reason : tooltip);
  if (reason != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, reason, -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}
