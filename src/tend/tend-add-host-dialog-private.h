/* tend-add-host-dialog-private.h — what the widget tests read and set
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tend-add-host-dialog.h"

G_BEGIN_DECLS

/* @field: "address", "name", "user" or "port" */
void        _tend_add_host_dialog_set_text            (TendAddHostDialog *self,
                                                       const char        *field,
                                                       const char        *text);
const char *_tend_add_host_dialog_get_text            (TendAddHostDialog *self,
                                                       const char        *field);
/* The message shown beneath @field, or NULL when none shows */
const char *_tend_add_host_dialog_get_problem         (TendAddHostDialog *self,
                                                       const char        *field);
/* What the top of the dialog says went wrong with the add, or NULL */
const char *_tend_add_host_dialog_get_general_problem (TendAddHostDialog *self);
gboolean    _tend_add_host_dialog_get_busy            (TendAddHostDialog *self);

G_END_DECLS
