/* tend-marshal.c — signal marshallers written out
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What glib-genmarshal would make for the one signal emitted for every run of a check.
 */
#include "tend-marshal-private.h"

typedef void (*Int64Int64BoxedFunc) (gpointer data1,
                                     gint64   arg1,
                                     gint64   arg2,
                                     gpointer arg3,
                                     gpointer data2);

void
tend_marshal_VOID__INT64_INT64_BOXED (GClosure     *closure,
                                      GValue       *return_value,
                                      guint         n_param_values,
                                      const GValue *param_values,
                                      gpointer      invocation_hint,
                                      gpointer      marshal_data)
{
  GCClosure *cc = (GCClosure *) closure;
  gpointer data1, data2;
  Int64Int64BoxedFunc callback;

  g_return_if_fail (n_param_values == 4);

  if (G_CCLOSURE_SWAP_DATA (closure))
    {
      data1 = closure->data;
      data2 = g_value_peek_pointer (param_values + 0);
    }
  else
    {
      data1 = g_value_peek_pointer (param_values + 0);
      data2 = closure->data;
    }
  callback = (Int64Int64BoxedFunc) (marshal_data ? marshal_data : cc->callback);
  callback (data1, g_value_get_int64 (param_values + 1), g_value_get_int64 (param_values + 2),
            g_value_get_boxed (param_values + 3), data2);
}

void
tend_marshal_VOID__INT64_INT64_BOXEDv (GClosure *closure,
                                       GValue   *return_value,
                                       gpointer  instance,
                                       va_list   args,
                                       gpointer  marshal_data,
                                       int       n_params,
                                       GType    *param_types)
{
  GCClosure *cc = (GCClosure *) closure;
  gpointer data1, data2;
  Int64Int64BoxedFunc callback;
  gboolean copy = (param_types[2] & G_SIGNAL_TYPE_STATIC_SCOPE) == 0;
  gint64 arg1, arg2;
  gpointer arg3;
  va_list args_copy;

  G_VA_COPY (args_copy, args);
  arg1 = va_arg (args_copy, gint64);
  arg2 = va_arg (args_copy, gint64);
  arg3 = va_arg (args_copy, gpointer);
  if (copy && arg3 != NULL)
    arg3 = g_boxed_copy (param_types[2] & ~G_SIGNAL_TYPE_STATIC_SCOPE, arg3);
  va_end (args_copy);

  if (G_CCLOSURE_SWAP_DATA (closure))
    {
      data1 = closure->data;
      data2 = instance;
    }
  else
    {
      data1 = instance;
      data2 = closure->data;
    }
  callback = (Int64Int64BoxedFunc) (marshal_data ? marshal_data : cc->callback);
  callback (data1, arg1, arg2, arg3, data2);

  if (copy && arg3 != NULL)
    g_boxed_free (param_types[2] & ~G_SIGNAL_TYPE_STATIC_SCOPE, arg3);
}
