/* tend-window.c — see tend-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Tend"

#include "config.h"

#include <glib/gi18n.h>

#include "tend-application.h"
#include "tend-window.h"

struct _TendWindow
{
  AdwApplicationWindow parent_instance;

  AdwToastOverlay *toast_overlay;
};

G_DEFINE_FINAL_TYPE (TendWindow, tend_window, ADW_TYPE_APPLICATION_WINDOW)

static void
tend_window_class_init (TendWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tendapp/Tend/ui/tend-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TendWindow, toast_overlay);
}

static void
tend_window_init (TendWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

TendWindow *
tend_window_new (TendApplication *application)
{
  return g_object_new (TEND_TYPE_WINDOW, "application", application, NULL);
}

void
tend_window_show_service (TendWindow  *self,
                          TendService *service)
{
  g_return_if_fail (TEND_IS_WINDOW (self));
  g_return_if_fail (TEND_IS_SERVICE (service));
}

/**
 * tend_window_add_toast:
 * @self: a #TendWindow
 * @toast: (transfer full): the toast
 */
void
tend_window_add_toast (TendWindow *self,
                       AdwToast   *toast)
{
  g_return_if_fail (TEND_IS_WINDOW (self));
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
tend_window_show_error (TendWindow   *self,
                        const char   *heading,
                        const GError *error)
{
  GtkWidget *dialog;

  g_return_if_fail (TEND_IS_WINDOW (self));
  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, error->message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}
