/* tend-add-host-dialog.h — the Add Host dialog: a remote computer reached over SSH
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <tend.h>

G_BEGIN_DECLS

#define TEND_TYPE_ADD_HOST_DIALOG (tend_add_host_dialog_get_type ())
G_DECLARE_FINAL_TYPE (TendAddHostDialog, tend_add_host_dialog, TEND, ADD_HOST_DIALOG, AdwWindow)

TendAddHostDialog *tend_add_host_dialog_new (GtkWindow *parent,
                                             TendStore *store);

G_END_DECLS
