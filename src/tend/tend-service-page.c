/* tend-service-page.c — see tend-service-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Tend"

#include "config.h"

#include <glib/gi18n.h>

#include "tend-service-page.h"

struct _TendServicePage
{
  GtkWidget parent_instance;
};

G_DEFINE_FINAL_TYPE (TendServicePage, tend_service_page, GTK_TYPE_WIDGET)

static void
tend_service_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), TEND_TYPE_SERVICE_PAGE);
  G_OBJECT_CLASS (tend_service_page_parent_class)->dispose (object);
}

static void
tend_service_page_class_init (TendServicePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tend_service_page_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tendapp/Tend/ui/tend-service-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
tend_service_page_init (TendServicePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
tend_service_page_new (void)
{
  return g_object_new (TEND_TYPE_SERVICE_PAGE, NULL);
}

TendService *
tend_service_page_get_service (TendServicePage *self)
{
  g_return_val_if_fail (TEND_IS_SERVICE_PAGE (self), NULL);
  return NULL;
}

void
tend_service_page_set_service (TendServicePage *self,
                               TendService     *service)
{
  g_return_if_fail (TEND_IS_SERVICE_PAGE (self));
}

TendStore *
tend_service_page_get_store (TendServicePage *self)
{
  g_return_val_if_fail (TEND_IS_SERVICE_PAGE (self), NULL);
  return NULL;
}

void
tend_service_page_set_store (TendServicePage *self,
                             TendStore       *store)
{
  g_return_if_fail (TEND_IS_SERVICE_PAGE (self));
}
