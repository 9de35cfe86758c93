/* tend-journal-view.c — see tend-journal-view.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Tend"

#include "config.h"

#include <glib/gi18n.h>

#include "tend-journal-view.h"

struct _TendJournalView
{
  GtkWidget parent_instance;
};

G_DEFINE_FINAL_TYPE (TendJournalView, tend_journal_view, GTK_TYPE_WIDGET)

static void
tend_journal_view_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), TEND_TYPE_JOURNAL_VIEW);
  G_OBJECT_CLASS (tend_journal_view_parent_class)->dispose (object);
}

static void
tend_journal_view_class_init (TendJournalViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tend_journal_view_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tendapp/Tend/ui/tend-journal-view.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
tend_journal_view_init (TendJournalView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
tend_journal_view_new (void)
{
  return g_object_new (TEND_TYPE_JOURNAL_VIEW, NULL);
}

TendService *
tend_journal_view_get_service (TendJournalView *self)
{
  g_return_val_if_fail (TEND_IS_JOURNAL_VIEW (self), NULL);
  return NULL;
}

void
tend_journal_view_set_service (TendJournalView *self,
                               TendService     *service)
{
  g_return_if_fail (TEND_IS_JOURNAL_VIEW (self));
}
