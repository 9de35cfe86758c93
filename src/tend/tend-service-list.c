/* tend-service-list.c — see tend-service-list.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Tend"

#include "config.h"

#include <glib/gi18n.h>

#include "tend-service-list.h"

struct _TendServiceList
{
  GtkWidget parent_instance;
};

G_DEFINE_FINAL_TYPE (TendServiceList, tend_service_list, GTK_TYPE_WIDGET)

static void
tend_service_list_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), TEND_TYPE_SERVICE_LIST);
  G_OBJECT_CLASS (tend_service_list_parent_class)->dispose (object);
}

static void
tend_service_list_class_init (TendServiceListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tend_service_list_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tendapp/Tend/ui/tend-service-list.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
tend_service_list_init (TendServiceList *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
tend_service_list_new (void)
{
  return g_object_new (TEND_TYPE_SERVICE_LIST, NULL);
}

GListModel *
tend_service_list_get_model (TendServiceList *self)
{
  g_return_val_if_fail (TEND_IS_SERVICE_LIST (self), NULL);
  return NULL;
}

void
tend_service_list_set_model (TendServiceList *self,
                             GListModel      *services)
{
  g_return_if_fail (TEND_IS_SERVICE_LIST (self));
}

void
tend_service_list_focus_search (TendServiceList *self)
{
  g_return_if_fail (TEND_IS_SERVICE_LIST (self));
}
