/* tend-multi-notifier.c — one notifier that sends to several, filtered by the config
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the engine holds: the log (unfiltered: it records everything), the desktop and
 * the webhook (filtered: tend_notification_wanted() with the configuration as it is
 * at the moment of sending). A withdrawal goes to every output. A button pressed in
 * any output comes out as this notifier's action-invoked.
 */
#define G_LOG_DOMAIN "Tend-Notify"

#include "tend-config.h"
#include "tend-multi-notifier.h"
#include "tend-notifier.h"

typedef struct
{
  TendNotifier *notifier;      /* (owned) */
  gboolean filtered;
  gulong action_handler;
} Output;

struct _TendMultiNotifier
{
  GObject parent_instance;

  TendConfig *config;          /* (owned) (nullable) */
  GArray *outputs;             /* (owned) (element-type Output) */
};

static void tend_multi_notifier_iface_init (TendNotifierInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TendMultiNotifier, tend_multi_notifier, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (TEND_TYPE_NOTIFIER,
                                                      tend_multi_notifier_iface_init))

static void
output_clear (gpointer data)
{
  Output *output = data;

  g_clear_signal_handler (&output->action_handler, output->notifier);
  g_clear_object (&output->notifier);
}

static void
tend_multi_notifier_send (TendNotifier     *notifier,
                          TendNotification *notification)
{
  TendMultiNotifier *self = TEND_MULTI_NOTIFIER (notifier);
  gboolean wanted = self->config == NULL
                    || tend_notification_wanted (notification->kind, self->config);

  for (guint i = 0; i < self->outputs->len; i++)
    {
      Output *output = &g_array_index (self->outputs, Output, i);

      if (wanted || !output->filtered)
        tend_notifier_send (output->notifier, notification);
    }
}

static void
tend_multi_notifier_withdraw (TendNotifier *notifier,
                              const char   *id)
{
  TendMultiNotifier *self = TEND_MULTI_NOTIFIER (notifier);

  for (guint i = 0; i < self->outputs->len; i++)
    tend_notifier_withdraw (g_array_index (self->outputs, Output, i).notifier, id);
}

static void
tend_multi_notifier_iface_init (TendNotifierInterface *iface)
{
  iface->send = tend_multi_notifier_send;
  iface->withdraw = tend_multi_notifier_withdraw;
}

static void
tend_multi_notifier_dispose (GObject *object)
{
  TendMultiNotifier *self = TEND_MULTI_NOTIFIER (object);

  g_array_set_size (self->outputs, 0);
  g_clear_object (&self->config);

  G_OBJECT_CLASS (tend_multi_notifier_parent_class)->dispose (object);
}

static void
tend_multi_notifier_finalize (GObject *object)
{
  TendMultiNotifier *self = TEND_MULTI_NOTIFIER (object);

  g_array_unref (self->outputs);

  G_OBJECT_CLASS (tend_multi_notifier_parent_class)->finalize (object);
}

static void
tend_multi_notifier_class_init (TendMultiNotifierClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tend_multi_notifier_dispose;
  object_class->finalize = tend_multi_notifier_finalize;
}

static void
tend_multi_notifier_init (TendMultiNotifier *self)
{
  self->outputs = g_array_new (FALSE, TRUE, sizeof (Output));
  g_array_set_clear_func (self->outputs, output_clear);
}

/**
 * tend_multi_notifier_new:
 * @config: (nullable): the configuration whose notifications.* keys filter what the
 *   outputs added with tend_multi_notifier_add() are sent; %NULL sends them everything
 *
 * Returns: (transfer full): a notifier with no outputs yet
 */
TendMultiNotifier *
tend_multi_notifier_new (TendConfig *config)
{
  TendMultiNotifier *self;

  g_return_val_if_fail (config == NULL || TEND_IS_CONFIG (config), NULL);

  self = g_object_new (TEND_TYPE_MULTI_NOTIFIER, NULL);
  g_set_object (&self->config, config);
  return self;
}

static void
output_action_invoked_cb (TendNotifier *output,
                          const char   *id,
                          const char   *action,
                          GVariant     *target,
                          gpointer      user_data)
{
  tend_notifier_emit_action_invoked (TEND_NOTIFIER (user_data), id, action, target);
}

static void
add_output (TendMultiNotifier *self,
            TendNotifier      *notifier,
            gboolean           filtered)
{
  Output output = { g_object_ref (notifier), filtered, 0 };

  output.action_handler = g_signal_connect (notifier, "action-invoked",
                                            G_CALLBACK (output_action_invoked_cb), self);
  g_array_append_val (self->outputs, output);
}

/**
 * tend_multi_notifier_add:
 * @self: a multi notifier
 * @notifier: an output (the desktop, a webhook)
 *
 * Adds an output that is sent what the configuration wants sent.
 */
void
tend_multi_notifier_add (TendMultiNotifier *self,
                         TendNotifier      *notifier)
{
  g_return_if_fail (TEND_IS_MULTI_NOTIFIER (self));
  g_return_if_fail (TEND_IS_NOTIFIER (notifier));

  add_output (self, notifier, TRUE);
}

/**
 * tend_multi_notifier_add_unfiltered:
 * @self: a multi notifier
 * @notifier: an output (the log)
 *
 * Adds an output that is sent every notification, whatever the configuration says.
 */
void
tend_multi_notifier_add_unfiltered (TendMultiNotifier *self,
                                    TendNotifier      *notifier)
{
  g_return_if_fail (TEND_IS_MULTI_NOTIFIER (self));
  g_return_if_fail (TEND_IS_NOTIFIER (notifier));

  add_output (self, notifier, FALSE);
}

/**
 * tend_multi_notifier_remove:
 * @self: a multi notifier
 * @notifier: an output added before
 *
 * Stops sending to @notifier (as when the webhook's URL is changed).
 */
void
tend_multi_notifier_remove (TendMultiNotifier *self,
                            TendNotifier      *notifier)
{
  g_return_if_fail (TEND_IS_MULTI_NOTIFIER (self));

  for (guint i = 0; i < self->outputs->len; i++)
    if (g_array_index (self->outputs, Output, i).notifier == notifier)
      {
        g_array_remove_index (self->outputs, i);
        return;
      }
}
