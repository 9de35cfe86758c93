/* test-dialog.h — finding the AdwMessageDialog a widget test's action opened
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

/* The first AdwMessageDialog among the toplevels, or NULL */
static inline AdwMessageDialog *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) toplevel = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (toplevel))
        return ADW_MESSAGE_DIALOG (toplevel);
    }
  return NULL;
}

/* For wait_until(): a dialog is up */
static inline gboolean
dialog_shown (gpointer data)
{
  return find_message_dialog () != NULL;
}
