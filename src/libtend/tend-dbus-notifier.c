/* tend-dbus-notifier.c — notifications through org.freedesktop.Notifications
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the headless engine uses when the session has a notification server (GNOME
 * Shell, or any other that follows the freedesktop.org specification). Every call is
 * asynchronous.
 *
 * One notification per incident, never a stack: the server answers Notify with an id
 * of its own, kept here per notification id, and a later Notify for the same
 * notification passes it as replaces_id. While a Notify is on its way, a newer
 * notification for the same id waits for its answer (only the newest waits), so two
 * quick sends still make one notification. The server's ids are forgotten when it
 * closes the notification (NotificationClosed) and when it leaves the bus (its ids
 * mean nothing to the next server, and could replace another program's notification).
 *
 * Without a server (no owner of the name, nothing to activate) a call fails and is
 * logged at debug level only: the log notifier records every notification anyway.
 */
#define G_LOG_DOMAIN "Tend-Notify"

#include "tend-dbus-notifier.h"
#include "tend-notifier.h"

#define NOTIFICATIONS_NAME  "org.freedesktop.Notifications"
#define NOTIFICATIONS_PATH  "/org/freedesktop/Notifications"
#define NOTIFICATIONS_IFACE "org.freedesktop.Notifications"

#define APP_NAME        "Tend"
#define DESKTOP_ENTRY   "io.github.tendapp.Tend"

/* One notification id, as the server knows it. */
typedef struct
{
  char *id;                    /* (owned) Tend's notification id */
  guint32 server_id;           /* the server's, 0 while it has none */
  TendNotification *last;      /* (owned) (nullable) the newest sent: targets of actions */
  gboolean in_flight;          /* a Notify waits for its answer */
  TendNotification *pending;   /* (owned) (nullable) to send once it has come */
  gboolean withdraw_pending;   /* to close once it has come */
} Shown;

/* A Notify on its way. Only the id: the notifier may be gone when the answer comes. */
typedef struct
{
  TendDbusNotifier *self;      /* (unowned) valid unless the call was cancelled */
  char *id;                    /* (owned) */
} NotifyCall;

struct _TendDbusNotifier
{
  GObject parent_instance;

  GDBusConnection *connection; /* (owned) */
  GCancellable *cancellable;   /* (owned) cancelled on dispose */
  GHashTable *shown;           /* (owned) id → (owned) Shown */
  guint watch_id;
  guint subscription;
};

static void tend_dbus_notifier_iface_init (TendNotifierInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TendDbusNotifier, tend_dbus_notifier, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (TEND_TYPE_NOTIFIER,
                                                      tend_dbus_notifier_iface_init))

static void
shown_free (gpointer data)
{
  Shown *shown = data;

  g_free (shown->id);
  g_clear_pointer (&shown->last, tend_notification_unref);
  g_clear_pointer (&shown->pending, tend_notification_unref);
  g_free (shown);
}

static Shown *
find_by_server_id (TendDbusNotifier *self,
                   guint32           server_id)
{
  GHashTableIter iter;
  Shown *shown;

  g_hash_table_iter_init (&iter, self->shown);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &shown))
    if (server_id != 0 && shown->server_id == server_id)
      return shown;
  return NULL;
}

static GVariant *
notify_parameters (const TendNotification *notification,
                   guint32                 replaces_id)
{
  g_autofree char *body = g_markup_escape_text (notification->body, -1);
  GVariantBuilder actions;
  GVariantBuilder hints;

  g_variant_builder_init (&actions, G_VARIANT_TYPE_STRING_ARRAY);
  for (guint i = 0; i < notification->actions->len; i++)
    {
      const TendNotificationAction *action = notification->actions->pdata[i];

      g_variant_builder_add (&actions, "s", action->name);
      g_variant_builder_add (&actions, "s", action->label);
    }

  g_variant_builder_init (&hints, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&hints, "{sv}", "urgency",
                         g_variant_new_byte ((guchar) notification->urgency));
  g_variant_builder_add (&hints, "{sv}", "desktop-entry",
                         g_variant_new_string (DESKTOP_ENTRY));

  /* Servers that announce body-markup (GNOME Shell among them) read the body as
   * markup; a cause such as "x < 5" must reach them as text. */
  return g_variant_new ("(susssasa{sv}i)", APP_NAME, replaces_id, DESKTOP_ENTRY,
                        notification->title, body, &actions, &hints, -1);
}

static void
close_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    g_debug ("CloseNotification failed: %s", error->message);
}

/* Closes the server's notification and forgets it. */
static void
close_shown (TendDbusNotifier *self,
             Shown            *shown)
{
  if (shown->server_id != 0)
    g_dbus_connection_call (self->connection, NOTIFICATIONS_NAME, NOTIFICATIONS_PATH,
                            NOTIFICATIONS_IFACE, "CloseNotification",
                            g_variant_new ("(u)", shown->server_id), NULL,
                            G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, self->cancellable,
                            close_cb, NULL);
  g_hash_table_remove (self->shown, shown->id);
}

static void notify_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data);

static void
notify (TendDbusNotifier *self,
        Shown            *shown,
        TendNotification *notification)
{
  NotifyCall *call = g_new0 (NotifyCall, 1);

  g_assert (!shown->in_flight);

  call->self = self;
  call->id = g_strdup (shown->id);
  shown->in_flight = TRUE;
  g_clear_pointer (&shown->last, tend_notification_unref);
  shown->last = tend_notification_ref (notification);

  g_dbus_connection_call (self->connection, NOTIFICATIONS_NAME, NOTIFICATIONS_PATH,
                          NOTIFICATIONS_IFACE, "Notify",
                          notify_parameters (notification, shown->server_id),
                          G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1,
                          self->cancellable, notify_cb, call);
}

static void
notify_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  NotifyCall *call = user_data;
  TendDbusNotifier *self = call->self;
  g_autofree char *id = g_steal_pointer (&call->id);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  Shown *shown;

  g_free (call);
  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  shown = g_hash_table_lookup (self->shown, id);
  if (shown == NULL)
    return;
  shown->in_flight = FALSE;

  if (reply != NULL)
    g_variant_get (reply, "(u)", &shown->server_id);
  else
    g_debug ("notification %s not shown on the desktop: %s", id, error->message);

  if (shown->pending != NULL)
    {
      g_autoptr(TendNotification) next = g_steal_pointer (&shown->pending);

      notify (self, shown, next);
    }
  else if (shown->withdraw_pending || shown->server_id == 0)
    {
      close_shown (self, shown);
    }
}

static void
tend_dbus_notifier_send (TendNotifier     *notifier,
                         TendNotification *notification)
{
  TendDbusNotifier *self = TEND_DBUS_NOTIFIER (notifier);
  Shown *shown = g_hash_table_lookup (self->shown, notification->id);

  if (shown == NULL)
    {
      shown = g_new0 (Shown, 1);
      shown->id = g_strdup (notification->id);
      g_hash_table_insert (self->shown, shown->id, shown);
    }

  if (shown->in_flight)
    {
      g_clear_pointer (&shown->pending, tend_notification_unref);
      shown->pending = tend_notification_ref (notification);
      shown->withdraw_pending = FALSE;
      return;
    }
  notify (self, shown, notification);
}

static void
tend_dbus_notifier_withdraw (TendNotifier *notifier,
                             const char   *id)
{
  TendDbusNotifier *self = TEND_DBUS_NOTIFIER (notifier);
  Shown *shown = g_hash_table_lookup (self->shown, id);

  if (shown == NULL)
    return;
  if (shown->in_flight)
    {
      g_clear_pointer (&shown->pending, tend_notification_unref);
      shown->withdraw_pending = TRUE;
      return;
    }
  close_shown (self, shown);
}

static void
tend_dbus_notifier_iface_init (TendNotifierInterface *iface)
{
  iface->send = tend_dbus_notifier_send;
  iface->withdraw = tend_dbus_notifier_withdraw;
}

static void
action_invoked (TendDbusNotifier *self,
                Shown            *shown,
                const char       *key)
{
  g_autofree char *id = g_strdup (shown->id);
  g_autoptr(TendNotification) last = tend_notification_ref (shown->last);
  const TendNotificationAction *action = tend_notification_find_action (last, key);

  /* The handlers may send or withdraw, and so free shown: id and last are copies. */
  g_debug ("notification %s: action %s", id, key);
  tend_notifier_emit_action_invoked (TEND_NOTIFIER (self), id, key,
                                     action != NULL ? action->target : NULL);
}

/* ActionInvoked (id, key) and NotificationClosed (id, reason). */
static void
server_signal_cb (GDBusConnection *connection,
                  const char      *sender,
                  const char      *path,
                  const char      *interface,
                  const char      *signal,
                  GVariant        *parameters,
                  gpointer         user_data)
{
  TendDbusNotifier *self = user_data;
  guint32 server_id;
  Shown *shown;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(u*)")))
    return;
  g_variant_get_child (parameters, 0, "u", &server_id);
  shown = find_by_server_id (self, server_id);
  if (shown == NULL)
    return;

  if (g_str_equal (signal, "ActionInvoked")
      && g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(us)")))
    {
      const char *key;

      g_variant_get_child (parameters, 1, "&s", &key);
      action_invoked (self, shown, key);
    }
  else if (g_str_equal (signal, "NotificationClosed"))
    {
      g_debug ("notification %s closed by the server", shown->id);
      /* Gone: the next notification for this id is a new one. */
      shown->server_id = 0;
      if (!shown->in_flight)
        g_hash_table_remove (self->shown, shown->id);
    }
}

static void
name_vanished_cb (GDBusConnection *connection,
                  const char      *name,
                  gpointer         user_data)
{
  TendDbusNotifier *self = user_data;
  GHashTableIter iter;
  Shown *shown;

  g_hash_table_iter_init (&iter, self->shown);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &shown))
    {
      shown->server_id = 0;
      if (!shown->in_flight)
        g_hash_table_iter_remove (&iter);
    }
}

static void
tend_dbus_notifier_dispose (GObject *object)
{
  TendDbusNotifier *self = TEND_DBUS_NOTIFIER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->watch_id, g_bus_unwatch_name);
  if (self->connection != NULL)
    {
      g_dbus_connection_signal_unsubscribe (self->connection, self->subscription);
      self->subscription = 0;
    }
  g_hash_table_remove_all (self->shown);
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (tend_dbus_notifier_parent_class)->dispose (object);
}

static void
tend_dbus_notifier_finalize (GObject *object)
{
  TendDbusNotifier *self = TEND_DBUS_NOTIFIER (object);

  g_hash_table_unref (self->shown);
  g_object_unref (self->cancellable);

  G_OBJECT_CLASS (tend_dbus_notifier_parent_class)->finalize (object);
}

static void
tend_dbus_notifier_class_init (TendDbusNotifierClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tend_dbus_notifier_dispose;
  object_class->finalize = tend_dbus_notifier_finalize;
}

static void
tend_dbus_notifier_init (TendDbusNotifier *self)
{
  self->cancellable = g_cancellable_new ();
  self->shown = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, shown_free);
}

/**
 * tend_dbus_notifier_new:
 * @connection: the session bus, a connection of Tend's own (tend_bus_connect_async()),
 *   which a restart of the bus closes without ending the process; a notifier whose
 *   connection closed sends nothing more, and its owner makes a new one (the engine does)
 *
 * A notifier that shows notifications through the session's notification server, and
 * emits action-invoked when a person presses one of their buttons. Signals come on the
 * thread-default main context of the caller.
 *
 * Returns: (transfer full): the notifier
 */
TendDbusNotifier *
tend_dbus_notifier_new (GDBusConnection *connection)
{
  TendDbusNotifier *self;

  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), NULL);

  self = g_object_new (TEND_TYPE_DBUS_NOTIFIER, NULL);
  self->connection = g_object_ref (connection);
  self->subscription =
    g_dbus_connection_signal_subscribe (connection, NOTIFICATIONS_NAME, NOTIFICATIONS_IFACE,
                                        NULL, NOTIFICATIONS_PATH, NULL,
                                        G_DBUS_SIGNAL_FLAGS_NONE, server_signal_cb,
                                        self, NULL);
  self->watch_id = g_bus_watch_name_on_connection (connection, NOTIFICATIONS_NAME,
                                                   G_BUS_NAME_WATCHER_FLAGS_NONE, NULL,
                                                   name_vanished_cb, self, NULL);
  return self;
}

GDBusConnection *
tend_dbus_notifier_get_connection (TendDbusNotifier *self)
{
  g_return_val_if_fail (TEND_IS_DBUS_NOTIFIER (self), NULL);

  return self->connection;
}
