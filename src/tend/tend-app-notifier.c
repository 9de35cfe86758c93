/* tend-app-notifier.c — notifications from the window: GNotification through the app
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * g_application_send_notification() with the notification's id: a later one with the
 * same id replaces the earlier, so an incident is one notification, never a stack.
 * GIO picks the way out: org.gtk.Notifications under GNOME Shell, the notification
 * portal inside Flatpak (nothing to do here for it), org.freedesktop.Notifications
 * elsewhere. Failed and manual-intervention notifications are urgent.
 *
 * The buttons are application actions with the host and the unit as their target (a
 * `(ss)` tuple, see tend_notification_parse_target()), which this notifier adds to the
 * application: app.restart-unit, app.open-unit (also what a click on the notification
 * does) and app.silence-unit. Each activation comes out as action-invoked with the id of
 * the newest notification about that unit on that host, and the
 * notification's own action name ("restart", "open", "silence-1h"). Only GIO is used
 * here, no GTK: the tests run it against a notification server on a test bus.
 */
#define G_LOG_DOMAIN "Tend"

#include "tend-app-notifier.h"

struct _TendAppNotifier
{
  GObject parent_instance;

  GApplication *application;   /* (unowned) it outlives the notifier */
  GHashTable *ids;             /* (owned) unit → (owned) newest notification id */
  GPtrArray *actions;          /* (owned) (element-type GSimpleAction) added to the app */
};

static void tend_app_notifier_iface_init (TendNotifierInterface *iface);

enum {
  SIGNAL_SENT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE_WITH_CODE (TendAppNotifier, tend_app_notifier, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (TEND_TYPE_NOTIFIER,
                                                      tend_app_notifier_iface_init))

/* A notification's action name and the application action that carries it out. */
static const struct
{
  const char *name;
  const char *app_action;
} action_map[] = {
  { TEND_NOTIFICATION_ACTION_RESTART, "restart-unit" },
  { TEND_NOTIFICATION_ACTION_OPEN, "open-unit" },
  { TEND_NOTIFICATION_ACTION_SILENCE_1H, "silence-unit" },
};

static const char *
app_action_for (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (action_map); i++)
    if (g_str_equal (action_map[i].name, name))
      return action_map[i].app_action;
  return NULL;
}

static void
tend_app_notifier_send (TendNotifier     *notifier,
                        TendNotification *notification)
{
  TendAppNotifier *self = TEND_APP_NOTIFIER (notifier);
  g_autoptr(GNotification) n = g_notification_new (notification->title);
  g_autoptr(GVariant) target = g_variant_ref_sink (
    g_variant_new ("(ss)", notification->host != NULL ? notification->host : "",
                   notification->unit));

  g_notification_set_body (n, notification->body);
  g_notification_set_priority (n, notification->urgency == TEND_NOTIFICATION_URGENCY_CRITICAL
                                  ? G_NOTIFICATION_PRIORITY_URGENT
                                  : G_NOTIFICATION_PRIORITY_NORMAL);
  g_notification_set_default_action_and_target_value (n, "app.open-unit", target);

  for (guint i = 0; i < notification->actions->len; i++)
    {
      const TendNotificationAction *action = notification->actions->pdata[i];
      const char *app_action = app_action_for (action->name);
      g_autofree char *detailed = NULL;

      if (app_action == NULL)
        continue;
      detailed = g_strconcat ("app.", app_action, NULL);
      g_notification_add_button_with_target_value (n, action->label, detailed,
                                                   action->target);
    }

  g_hash_table_replace (self->ids, g_variant_print (target, FALSE),
                        g_strdup (notification->id));
  g_application_send_notification (self->application, notification->id, n);
  g_signal_emit (self, signals[SIGNAL_SENT], 0, notification);
}

static void
tend_app_notifier_withdraw (TendNotifier *notifier,
                            const char   *id)
{
  TendAppNotifier *self = TEND_APP_NOTIFIER (notifier);

  g_application_withdraw_notification (self->application, id);
}

static void
tend_app_notifier_iface_init (TendNotifierInterface *iface)
{
  iface->send = tend_app_notifier_send;
  iface->withdraw = tend_app_notifier_withdraw;
}

static void
app_action_activated_cb (GSimpleAction *app_action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  TendAppNotifier *self = user_data;
  const char *app_action_name = g_action_get_name (G_ACTION (app_action));
  g_autofree char *key = g_variant_print (parameter, FALSE);
  const char *id = g_hash_table_lookup (self->ids, key);
  g_autofree char *fallback_id = NULL;
  const char *host = NULL;
  const char *unit = NULL;

  if (!tend_notification_parse_target (parameter, &host, &unit))
    return;
  /* A notification from before a restart of the app: one per unit, then. */
  if (id == NULL)
    id = fallback_id = tend_notification_dup_id (*host != '\0' ? host : NULL, unit, 0);

  for (guint i = 0; i < G_N_ELEMENTS (action_map); i++)
    if (g_str_equal (action_map[i].app_action, app_action_name))
      tend_notifier_emit_action_invoked (TEND_NOTIFIER (self), id, action_map[i].name,
                                         parameter);
}

static void
tend_app_notifier_dispose (GObject *object)
{
  TendAppNotifier *self = TEND_APP_NOTIFIER (object);

  for (guint i = 0; self->actions != NULL && i < self->actions->len; i++)
    {
      GAction *action = self->actions->pdata[i];

      g_signal_handlers_disconnect_by_data (action, self);
      g_action_map_remove_action (G_ACTION_MAP (self->application),
                                  g_action_get_name (action));
    }
  g_clear_pointer (&self->actions, g_ptr_array_unref);

  G_OBJECT_CLASS (tend_app_notifier_parent_class)->dispose (object);
}

static void
tend_app_notifier_finalize (GObject *object)
{
  TendAppNotifier *self = TEND_APP_NOTIFIER (object);

  g_hash_table_unref (self->ids);

  G_OBJECT_CLASS (tend_app_notifier_parent_class)->finalize (object);
}

static void
tend_app_notifier_class_init (TendAppNotifierClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tend_app_notifier_dispose;
  object_class->finalize = tend_app_notifier_finalize;

  /**
   * TendAppNotifier::sent:
   * @notification: what was sent
   *
   * A notification went to the desktop; the window may say it too, where the person
   * looks (a toast), since a desktop without a notification server shows nothing.
   */
  signals[SIGNAL_SENT] =
    g_signal_new ("sent", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, TEND_TYPE_NOTIFICATION | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
tend_app_notifier_init (TendAppNotifier *self)
{
  self->ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->actions = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * tend_app_notifier_new:
 * @application: the application; it must outlive the notifier
 *
 * Adds app.restart-unit, app.open-unit and app.silence-unit (parameter `(ss)`: the host
 * and the unit) to @application; they go when the notifier goes.
 *
 * Returns: (transfer full): the notifier
 */
TendAppNotifier *
tend_app_notifier_new (GApplication *application)
{
  TendAppNotifier *self;

  g_return_val_if_fail (G_IS_APPLICATION (application), NULL);

  self = g_object_new (TEND_TYPE_APP_NOTIFIER, NULL);
  self->application = application;
  for (guint i = 0; i < G_N_ELEMENTS (action_map); i++)
    {
      GSimpleAction *action = g_simple_action_new (action_map[i].app_action,
                                                   G_VARIANT_TYPE ("(ss)"));

      g_signal_connect (action, "activate", G_CALLBACK (app_action_activated_cb), self);
      g_action_map_add_action (G_ACTION_MAP (application), G_ACTION (action));
      g_ptr_array_add (self->actions, action);
    }
  return self;
}
