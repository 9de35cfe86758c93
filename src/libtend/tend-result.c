/* tend-result.c — the result of an operation that needs no thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GAsyncResult for the operations of this computer's sd-bus backend and of TendHost
 * that `tendctl status` makes (connect, a unit's details), and for a check's run on the
 * cheap path through tend_check_run_async() (tend-check-run.c). Why not GTask: registering
 * GTask's type (its first use, even G_IS_TASK()) sets up GIO's thread pool and attaches
 * its manager to GLib's worker context, and that starts the worker thread ("gmain"): a
 * thread, its stack and its malloc arena, for a process that never runs anything on it
 * (docs/benchmarks.md, "Listing with sd-bus against systemctl (issue 14)"). The other
 * operations keep GTask.
 *
 * It keeps GTask's promises to its callers, which the code that moved over relies on:
 * the callback runs on the thread-default main context of the call, never inside the
 * _async function (a result returned before that returns is delivered from an idle);
 * and a result whose cancellable was cancelled finishes with G_IO_ERROR_CANCELLED,
 * whatever it returned (unless tend_result_set_check_cancellable() says otherwise, as
 * g_task_set_check_cancellable() does). A check's run is the other user: a GTask for
 * it cost more instructions than the rest of a run on loopback (docs/benchmarks.md,
 * "Runs without GTasks").
 */
#define G_LOG_DOMAIN "Tend"

#include "config.h"

#include "tend-result-private.h"

struct _TendResult
{
  GObject parent_instance;

  GObject *source_object;          /* (owned) (nullable) */
  gpointer source_tag;
  GCancellable *cancellable;       /* (owned) (nullable) */
  GAsyncReadyCallback callback;    /* (nullable) */
  gpointer user_data;
  GMainContext *context;           /* (owned) where the callback runs */
  gint64 creation_time;            /* monotonic */

  gpointer data;                   /* (owned) (nullable) the operation's own */
  GDestroyNotify data_destroy;

  gboolean returned;
  gboolean ignore_cancellable;     /* what it returned is the outcome, cancelled or not */
  GError *error;                   /* (owned) (nullable) */
  gpointer value;                  /* (owned) (nullable) until propagated */
  GDestroyNotify value_destroy;
};

static void tend_result_async_result_init (GAsyncResultIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TendResult, tend_result, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_ASYNC_RESULT,
                                                      tend_result_async_result_init))

static gpointer
tend_result_get_user_data (GAsyncResult *result)
{
  return TEND_RESULT (result)->user_data;
}

static GObject *
tend_result_dup_source_object (GAsyncResult *result)
{
  TendResult *self = TEND_RESULT (result);

  return self->source_object != NULL ? g_object_ref (self->source_object) : NULL;
}

static gboolean
tend_result_is_tagged (GAsyncResult *result,
                       gpointer      source_tag)
{
  return TEND_RESULT (result)->source_tag == source_tag;
}

static void
tend_result_async_result_init (GAsyncResultIface *iface)
{
  iface->get_user_data = tend_result_get_user_data;
  iface->get_source_object = tend_result_dup_source_object;
  iface->is_tagged = tend_result_is_tagged;
}

static void
tend_result_finalize (GObject *object)
{
  TendResult *self = TEND_RESULT (object);

  if (self->data_destroy != NULL && self->data != NULL)
    self->data_destroy (self->data);
  if (self->value_destroy != NULL && self->value != NULL)
    self->value_destroy (self->value);
  g_clear_error (&self->error);
  g_clear_object (&self->source_object);
  g_clear_object (&self->cancellable);
  g_main_context_unref (self->context);

  G_OBJECT_CLASS (tend_result_parent_class)->finalize (object);
}

static void
tend_result_class_init (TendResultClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tend_result_finalize;
}

static void
tend_result_init (TendResult *self)
{
}

/**
 * tend_result_new:
 *
 * As g_task_new() followed by g_task_set_source_tag(). The caller owns the reference
 * returned, and keeps it while it works on the operation.
 */
TendResult *
tend_result_new (gpointer             source_object,
                 gpointer             source_tag,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  TendResult *self = g_object_new (TEND_TYPE_RESULT, NULL);

  self->source_object = source_object != NULL ? g_object_ref (source_object) : NULL;
  self->source_tag = source_tag;
  self->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  self->callback = callback;
  self->user_data = user_data;
  self->context = g_main_context_ref_thread_default ();
  self->creation_time = g_get_monotonic_time ();
  return self;
}

/* As g_task_set_check_cancellable(): with FALSE, what the operation returns is its
 * outcome even when its cancellable was cancelled meanwhile. */
void
tend_result_set_check_cancellable (TendResult *self,
                                   gboolean    check_cancellable)
{
  g_return_if_fail (TEND_IS_RESULT (self));
  self->ignore_cancellable = !check_cancellable;
}

void
tend_result_set_data (TendResult     *self,
                      gpointer        data,
                      GDestroyNotify  destroy)
{
  g_return_if_fail (TEND_IS_RESULT (self));

  if (self->data_destroy != NULL && self->data != NULL)
    self->data_destroy (self->data);
  self->data = data;
  self->data_destroy = destroy;
}

gpointer
tend_result_get_data (TendResult *self)
{
  g_return_val_if_fail (TEND_IS_RESULT (self), NULL);
  return self->data;
}

/* Returns: (transfer none) (nullable) */
gpointer
tend_result_get_source_object (TendResult *self)
{
  g_return_val_if_fail (TEND_IS_RESULT (self), NULL);
  return self->source_object;
}

/* Returns: (transfer none) (nullable) */
GCancellable *
tend_result_get_cancellable (TendResult *self)
{
  g_return_val_if_fail (TEND_IS_RESULT (self), NULL);
  return self->cancellable;
}

static void
call_back (TendResult *self)
{
  if (self->callback != NULL)
    self->callback (self->source_object, G_ASYNC_RESULT (self), self->user_data);
}

static gboolean
call_back_in_idle (gpointer user_data)
{
  call_back (user_data);
  return G_SOURCE_REMOVE;
}

/* The outcome is set: the callback runs now when this is a later iteration of the
 * result's main context than the one that made it (an answer being dispatched), else
 * from an idle, as GTask does. */
static void
deliver (TendResult *self)
{
  GSource *current = g_main_current_source ();
  GSource *idle;

  if (current != NULL && g_source_get_context (current) == self->context &&
      g_source_get_time (current) > self->creation_time)
    {
      call_back (self);
      return;
    }

  idle = g_idle_source_new ();
  g_source_set_priority (idle, G_PRIORITY_DEFAULT);
  g_source_set_callback (idle, call_back_in_idle, g_object_ref (self), g_object_unref);
  g_source_set_static_name (idle, "[tend] TendResult");
  g_source_attach (idle, self->context);
  g_source_unref (idle);
}

/**
 * tend_result_return_pointer:
 * @value: (transfer full) (nullable): taken; @destroy frees it if it is never propagated
 *
 * Ends the operation with @value. Each result returns once.
 */
void
tend_result_return_pointer (TendResult     *self,
                            gpointer        value,
                            GDestroyNotify  destroy)
{
  g_return_if_fail (TEND_IS_RESULT (self));
  g_return_if_fail (!self->returned);

  self->returned = TRUE;
  self->value = value;
  self->value_destroy = destroy;
  deliver (self);
}

void
tend_result_return_boolean (TendResult *self,
                            gboolean    value)
{
  tend_result_return_pointer (self, GINT_TO_POINTER (value), NULL);
}

/* @error: (transfer full) */
void
tend_result_return_error (TendResult *self,
                          GError     *error)
{
  g_return_if_fail (TEND_IS_RESULT (self));
  g_return_if_fail (!self->returned);
  g_return_if_fail (error != NULL);

  self->returned = TRUE;
  self->error = error;
  deliver (self);
}

/**
 * tend_result_is_valid:
 *
 * As g_task_is_valid(), and the tag too: @result is a #TendResult of @source_object
 * made by the function @source_tag.
 */
gboolean
tend_result_is_valid (GAsyncResult *result,
                      gpointer      source_object,
                      gpointer      source_tag)
{
  return TEND_IS_RESULT (result) &&
         TEND_RESULT (result)->source_object == source_object &&
         TEND_RESULT (result)->source_tag == source_tag;
}

/* The error the operation ends with, if it does: cancelled first, as GTask checks. */
static gboolean
propagate_error (TendResult  *self,
                 GError     **error)
{
  g_return_val_if_fail (self->returned, TRUE);

  if (!self->ignore_cancellable && g_cancellable_set_error_if_cancelled (self->cancellable, error))
    return TRUE;
  if (self->error == NULL)
    return FALSE;
  g_propagate_error (error, g_steal_pointer (&self->error));
  return TRUE;
}

/* Returns: (transfer full) (nullable): the value, which only the first call gets */
gpointer
tend_result_propagate_pointer (GAsyncResult  *result,
                               GError       **error)
{
  TendResult *self;

  g_return_val_if_fail (TEND_IS_RESULT (result), NULL);
  self = TEND_RESULT (result);
  if (propagate_error (self, error))
    return NULL;
  self->value_destroy = NULL;
  return g_steal_pointer (&self->value);
}

gboolean
tend_result_propagate_boolean (GAsyncResult  *result,
                               GError       **error)
{
  TendResult *self;

  g_return_val_if_fail (TEND_IS_RESULT (result), FALSE);
  self = TEND_RESULT (result);
  if (propagate_error (self, error))
    return FALSE;
  return GPOINTER_TO_INT (self->value);
}
