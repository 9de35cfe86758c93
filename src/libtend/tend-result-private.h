/* tend-result-private.h — the result of an operation that needs no thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TEND_TYPE_RESULT (tend_result_get_type ())

G_DECLARE_FINAL_TYPE (TendResult, tend_result, TEND, RESULT, GObject)

TendResult *tend_result_new               (gpointer              source_object,
                                           gpointer              source_tag,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
void        tend_result_set_check_cancellable (TendResult       *self,
                                               gboolean          check_cancellable);
void        tend_result_set_data          (TendResult           *self,
                                           gpointer              data,
                                           GDestroyNotify        destroy);
gpointer    tend_result_get_data          (TendResult           *self);
gpointer    tend_result_get_source_object (TendResult           *self);
GCancellable *tend_result_get_cancellable (TendResult           *self);

void        tend_result_return_pointer    (TendResult           *self,
                                           gpointer              value,
                                           GDestroyNotify        destroy);
void        tend_result_return_boolean    (TendResult           *self,
                                           gboolean              value);
void        tend_result_return_error      (TendResult           *self,
                                           GError               *error);

gboolean    tend_result_is_valid          (GAsyncResult         *result,
                                           gpointer              source_object,
                                           gpointer              source_tag);
gpointer    tend_result_propagate_pointer (GAsyncResult         *result,
                                           GError              **error);
gboolean    tend_result_propagate_boolean (GAsyncResult         *result,
                                           GError              **error);

G_END_DECLS
