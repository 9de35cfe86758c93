/* tend-marshal-private.h — signal marshallers written out (private to libtend)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* VOID:INT64,INT64,BOXED: TendMonitor::check-completed, emitted for every run. GLib's
 * generic marshaller goes through libffi, about 2,000 instructions per emission. */
void tend_marshal_VOID__INT64_INT64_BOXED   (GClosure     *closure,
                                             GValue       *return_value,
                                             guint         n_param_values,
                                             const GValue *param_values,
                                             gpointer      invocation_hint,
                                             gpointer      marshal_data);
void tend_marshal_VOID__INT64_INT64_BOXEDv  (GClosure     *closure,
                                             GValue       *return_value,
                                             gpointer      instance,
                                             va_list       args,
                                             gpointer      marshal_data,
                                             int           n_params,
                                             GType        *param_types);

G_END_DECLS
