/* test-notifier.c — the notifiers against real servers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * TendDbusNotifier talks to Debian's python3-dbusmock with its notification_daemon
 * template, an org.freedesktop.Notifications server on a private session bus (a real
 * dbus-daemon, started by GTestDBus); what the server received is read back through
 * dbusmock's org.freedesktop.DBus.Mock interface (GetMethodCalls), and its signals
 * (ActionInvoked, NotificationClosed) are sent with EmitSignal. Each test starts its
 * own server, so the server's ids start at 1. Where dbus-daemon or dbusmock is
 * missing, those tests are skipped and say why.
 *
 * TendWebhookNotifier posts to a SoupServer in this process on 127.0.0.1, which fails
 * as many requests as a test asks and records each one with its time.
 */
#define G_LOG_DOMAIN "Tend"

#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "tend-app-notifier.h"
#include "tend-config.h"
#include "tend-dbus-notifier.h"
#include "tend-error.h"
#include "tend-multi-notifier.h"
#include "tend-notifier.h"
#include "tend-webhook-notifier.h"
#include "test-util.h"

#define MOCK_IFACE "org.freedesktop.DBus.Mock"
#define NOTIFICATIONS_NAME "org.freedesktop.Notifications"
#define NOTIFICATIONS_PATH "/org/freedesktop/Notifications"
#define NOTIFICATIONS_IFACE "org.freedesktop.Notifications"

/* How long a test waits for something the server or the notifier must do. */
#define WAIT_MSEC 10000

/* Why the D-Bus tests cannot run here, or NULL. */
static char *dbus_unavailable;
static GTestDBus *test_bus;

/* ------------------------------------------------------------------------------------ */
/* Waiting on the main loop                                                              */

/* ------------------------------------------------------------------------------------ */
/* The notification server                                                               */

typedef struct
{
  GSubprocess *mock;           /* python3 -m dbusmock, while it runs */
  GDBusConnection *connection; /* the test's own connection to the test bus */
  TendDbusNotifier *notifier;
  GPtrArray *invoked;          /* (element-type utf8) "id action target" */
} Fixture;

static void
name_appeared_cb (GDBusConnection *connection,
                  const char      *name,
                  const char      *owner,
                  gpointer         user_data)
{
  *(gboolean *) user_data = TRUE;
}

static void
start_server (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  gboolean appeared = FALSE;
  guint watch;

  g_assert_null (fixture->mock);
  fixture->mock = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error,
                                    "/usr/bin/python3", "-m", "dbusmock",
                                    "--template", "notification_daemon", NULL);
  g_assert_no_error (error);

  watch = g_bus_watch_name_on_connection (fixture->connection, NOTIFICATIONS_NAME,
                                          G_BUS_NAME_WATCHER_FLAGS_NONE,
                                          name_appeared_cb, NULL, &appeared, NULL);
  wait_until_full (flag_is_set, &appeared, WAIT_MSEC);
  g_bus_unwatch_name (watch);
  g_assert_true (appeared);
}

static void
stop_server (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  if (fixture->mock == NULL)
    return;
  g_subprocess_force_exit (fixture->mock);
  g_subprocess_wait (fixture->mock, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&fixture->mock);
}

static void
sent_cb (TendNotifier     *notifier,
         TendNotification *notification,
         guint            *n_sent)
{
  g_assert_true (g_str_has_prefix (notification->title, "web.service on this computer"));
  (*n_sent)++;
}

static void
action_invoked_cb (TendNotifier *notifier,
                   const char   *id,
                   const char   *action,
                   GVariant     *target,
                   gpointer      user_data)
{
  Fixture *fixture = user_data;
  const char *host = NULL;
  const char *unit = NULL;

  if (!tend_notification_parse_target (target, &host, &unit))
    unit = "(none)";
  g_ptr_array_add (fixture->invoked, g_strdup_printf ("%s %s %s", id, action, unit));
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gboolean with_server = GPOINTER_TO_INT (data);

  if (dbus_unavailable != NULL)
    return;

  fixture->connection =
    g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (test_bus),
                                            G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
                                            | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                            NULL, NULL, &error);
  g_assert_no_error (error);
  if (with_server)
    start_server (fixture);
  fixture->notifier = tend_dbus_notifier_new (fixture->connection);
  fixture->invoked = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (fixture->notifier, "action-invoked", G_CALLBACK (action_invoked_cb),
                    fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->connection == NULL)
    return;
  g_clear_object (&fixture->notifier);
  stop_server (fixture);
  /* Let the cancelled calls finish. */
  spin (50);
  g_dbus_connection_close_sync (fixture->connection, NULL, NULL);
  g_clear_object (&fixture->connection);
  g_clear_pointer (&fixture->invoked, g_ptr_array_unref);
}

static gboolean
skip_without_dbus (void)
{
  if (dbus_unavailable == NULL)
    return FALSE;
  g_test_skip (dbus_unavailable);
  return TRUE;
}

static GVariant *
mock_call (Fixture    *fixture,
           const char *method,
           GVariant   *parameters)
{
  g_autoptr(GError) error = NULL;
  GVariant *reply;

  reply = g_dbus_connection_call_sync (fixture->connection, NOTIFICATIONS_NAME,
                                       NOTIFICATIONS_PATH, MOCK_IFACE, method, parameters,
                                       NULL, G_DBUS_CALL_FLAGS_NO_AUTO_START, WAIT_MSEC,
                                       NULL, &error);
  g_assert_no_error (error);
  return reply;
}

/* The arguments of each call of @method the server received: (element-type GVariant),
 * each an av. */
static GPtrArray *
get_calls (Fixture    *fixture,
           const char *method)
{
  g_autoptr(GVariant) reply = mock_call (fixture, "GetMethodCalls",
                                         g_variant_new ("(s)", method));
  g_autoptr(GVariant) calls = g_variant_get_child_value (reply, 0);
  GPtrArray *args = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);

  for (gsize i = 0; i < g_variant_n_children (calls); i++)
    {
      g_autoptr(GVariant) call = g_variant_get_child_value (calls, i);

      g_ptr_array_add (args, g_variant_get_child_value (call, 1));
    }
  return args;
}

/* Waits until the server has received @n calls of @method, and returns them. */
static GPtrArray *
wait_for_calls (Fixture    *fixture,
                const char *method,
                guint       n)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_MSEC * G_TIME_SPAN_MILLISECOND;
  GPtrArray *calls = get_calls (fixture, method);

  while (calls->len < n && g_get_monotonic_time () < deadline)
    {
      spin (20);
      g_ptr_array_unref (calls);
      calls = get_calls (fixture, method);
    }
  g_assert_cmpuint (calls->len, ==, n);
  return calls;
}

static void
emit_signal (Fixture    *fixture,
             const char *name,
             guint32     server_id,
             GVariant   *second)
{
  GVariantBuilder args;
  g_autoptr(GVariant) reply = NULL;

  g_variant_builder_init (&args, G_VARIANT_TYPE ("av"));
  g_variant_builder_add (&args, "v", g_variant_new_uint32 (server_id));
  g_variant_builder_add (&args, "v", second);
  reply = mock_call (fixture, "EmitSignal",
                     g_variant_new ("(sssav)", NOTIFICATIONS_IFACE, name,
                                    g_variant_is_of_type (second, G_VARIANT_TYPE_STRING)
                                    ? "us" : "uu", &args));
  /* The signal came before the reply: its handlers are queued on the main loop. */
  spin_pending ();
}

/* One Notify call, as the server received it. */
typedef struct
{
  char *app_name;
  guint32 replaces_id;
  char *icon;
  char *summary;
  char *body;
  GStrv actions;
  guchar urgency;
  char *desktop_entry;
  gint32 timeout;
} NotifyArgs;

static void
notify_args_clear (NotifyArgs *args)
{
  g_free (args->app_name);
  g_free (args->icon);
  g_free (args->summary);
  g_free (args->body);
  g_strfreev (args->actions);
  g_free (args->desktop_entry);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (NotifyArgs, notify_args_clear)

static GVariant *
arg (GVariant           *args,
     gsize               i,
     const GVariantType *type)
{
  g_autoptr(GVariant) boxed = g_variant_get_child_value (args, i);
  GVariant *value = g_variant_get_variant (boxed);

  g_assert_cmpstr (g_variant_get_type_string (value), ==, (const char *) type);
  return value;
}

static void
parse_notify (GVariant   *call,
              NotifyArgs *args)
{
  g_autoptr(GVariant) app_name = arg (call, 0, G_VARIANT_TYPE_STRING);
  g_autoptr(GVariant) replaces_id = arg (call, 1, G_VARIANT_TYPE_UINT32);
  g_autoptr(GVariant) icon = arg (call, 2, G_VARIANT_TYPE_STRING);
  g_autoptr(GVariant) summary = arg (call, 3, G_VARIANT_TYPE_STRING);
  g_autoptr(GVariant) body = arg (call, 4, G_VARIANT_TYPE_STRING);
  g_autoptr(GVariant) actions = arg (call, 5, G_VARIANT_TYPE_STRING_ARRAY);
  g_autoptr(GVariant) hints = arg (call, 6, G_VARIANT_TYPE_VARDICT);
  g_autoptr(GVariant) timeout = arg (call, 7, G_VARIANT_TYPE_INT32);

  g_assert_cmpuint (g_variant_n_children (call), ==, 8);
  args->app_name = g_variant_dup_string (app_name, NULL);
  args->replaces_id = g_variant_get_uint32 (replaces_id);
  args->icon = g_variant_dup_string (icon, NULL);
  args->summary = g_variant_dup_string (summary, NULL);
  args->body = g_variant_dup_string (body, NULL);
  args->actions = g_variant_dup_strv (actions, NULL);
  g_assert_true (g_variant_lookup (hints, "urgency", "y", &args->urgency));
  g_assert_true (g_variant_lookup (hints, "desktop-entry", "s", &args->desktop_entry));
  args->timeout = g_variant_get_int32 (timeout);
}

static const char * const incident_actions[] = {
  "restart", "Restart", "open", "Open", "silence-1h", "Silence 1 h", NULL
};

/* Sends a notification about web.service on this computer, with the facts the
 * supervisor gives for @kind when the unit failed and Tend restarted it; @body, when
 * given, stands in for Tend's words (to see what the server gets of markup). */
static void
send (TendNotifier         *notifier,
      TendNotificationKind  kind,
      gint64                incident_id,
      const char           *body)
{
  TendNotificationFacts facts = {
    .trouble = TEND_NOTIFICATION_TROUBLE_FAILED,
    .step = TEND_RECOVERY_STEP_RESTART,
  };
  g_autoptr(TendNotification) notification = NULL;

  switch (kind)
    {
    case TEND_NOTIFICATION_FAILED:
      facts.response = TEND_NOTIFICATION_RESPONSE_RECOVERING;
      break;
    case TEND_NOTIFICATION_RECOVERED:
      facts.response = TEND_NOTIFICATION_RESPONSE_RECOVERED;
      break;
    case TEND_NOTIFICATION_RECOVERY_FAILED:
      facts.response = TEND_NOTIFICATION_RESPONSE_FAILED_AGAIN;
      break;
    case TEND_NOTIFICATION_MANUAL_INTERVENTION:
      facts.response = TEND_NOTIFICATION_RESPONSE_GAVE_UP;
      facts.tries = 3;
      break;
    case TEND_NOTIFICATION_DEGRADED:
    default:
      break;
    }
  notification = tend_notification_new (kind, NULL, NULL, "web.service", incident_id, &facts,
                                        NULL);
  if (body != NULL)
    {
      g_free (notification->body);
      notification->body = g_strdup (body);
    }
  tend_notifier_send (notifier, notification);
}

/* Words for a person at a desktop: no command line, no internal host id. */
static void
assert_plain (const NotifyArgs *args)
{
  g_assert_null (strstr (args->summary, "tendctl"));
  g_assert_null (strstr (args->summary, "local-user"));
  g_assert_null (strstr (args->body, "tendctl"));
  g_assert_null (strstr (args->body, "local-user"));
}

/* ------------------------------------------------------------------------------------ */
/* TendDbusNotifier                                                                      */

/* FAILED, then MANUAL_INTERVENTION for the same incident at once: one notification,
 * replaced, with the urgency, the buttons and the words. */
static void
test_dbus_replace (Fixture       *fixture,
                   gconstpointer  data)
{
  TendNotifier *notifier;
  g_autoptr(GPtrArray) calls = NULL;
  g_auto(NotifyArgs) first = { 0 };
  g_auto(NotifyArgs) second = { 0 };
  g_auto(NotifyArgs) third = { 0 };

  if (skip_without_dbus ())
    return;
  notifier = TEND_NOTIFIER (fixture->notifier);

  send (notifier, TEND_NOTIFICATION_FAILED, 7, "It said <exit 1> & stopped.");
  send (notifier, TEND_NOTIFICATION_MANUAL_INTERVENTION, 7, NULL);
  calls = wait_for_calls (fixture, "Notify", 2);
  parse_notify (calls->pdata[0], &first);
  parse_notify (calls->pdata[1], &second);

  g_assert_cmpstr (first.app_name, ==, "Tend");
  g_assert_cmpuint (first.replaces_id, ==, 0);
  g_assert_cmpstr (first.icon, ==, "io.github.tendapp.Tend");
  g_assert_cmpstr (first.summary, ==, "web.service on this computer failed");
  /* The body is markup to the server. */
  g_assert_cmpstr (first.body, ==, "It said &lt;exit 1&gt; &amp; stopped.");
  g_assert_cmpstrv (first.actions, incident_actions);
  g_assert_cmpuint (first.urgency, ==, 2);
  g_assert_cmpstr (first.desktop_entry, ==, "io.github.tendapp.Tend");
  g_assert_cmpint (first.timeout, ==, -1);

  /* The server's first id is 1. */
  g_assert_cmpuint (second.replaces_id, ==, 1);
  g_assert_cmpstr (second.summary, ==, "web.service on this computer keeps failing");
  g_assert_cmpstr (second.body, ==, "Tend stopped restarting it after 3 tries and needs you "
                   "to look: open it to read its log, mend the cause, then restart it.");
  assert_plain (&second);
  g_assert_cmpstrv (second.actions, incident_actions);
  g_assert_cmpuint (second.urgency, ==, 2);

  /* Recovered, later: the same notification again, at normal urgency. */
  send (notifier, TEND_NOTIFICATION_RECOVERED, 7, NULL);
  g_clear_pointer (&calls, g_ptr_array_unref);
  calls = wait_for_calls (fixture, "Notify", 3);
  parse_notify (calls->pdata[2], &third);
  g_assert_cmpuint (third.replaces_id, ==, 1);
  g_assert_cmpuint (third.urgency, ==, 1);
  g_assert_cmpstr (third.summary, ==, "web.service on this computer recovered");
  g_assert_cmpstr (third.body, ==, "It failed; Tend restarted it and it runs again.");
  assert_plain (&third);

  /* Still one notification: nothing was closed. */
  g_clear_pointer (&calls, g_ptr_array_unref);
  calls = get_calls (fixture, "CloseNotification");
  g_assert_cmpuint (calls->len, ==, 0);
}

/* notifications.enabled = false: the desktop is not called at all. */
static void
test_dbus_disabled (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(TendConfig) config = NULL;
  g_autoptr(TendMultiNotifier) multi = NULL;
  g_autoptr(GPtrArray) calls = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(NotifyArgs) only = { 0 };

  if (skip_without_dbus ())
    return;

  config = tend_config_new ();
  g_assert_true (tend_config_set_from_string (config, "notifications.enabled", "false",
                                              &error));
  g_assert_no_error (error);
  multi = tend_multi_notifier_new (config);
  tend_multi_notifier_add (multi, TEND_NOTIFIER (fixture->notifier));

  send (TEND_NOTIFIER (multi), TEND_NOTIFICATION_FAILED, 8, NULL);
  send (TEND_NOTIFIER (multi), TEND_NOTIFICATION_MANUAL_INTERVENTION, 8, NULL);

  /* Calls on one connection arrive in order: once this one is there, the others would
   * have been too. */
  send (TEND_NOTIFIER (fixture->notifier), TEND_NOTIFICATION_RECOVERY_FAILED, 9, NULL);
  calls = wait_for_calls (fixture, "Notify", 1);
  parse_notify (calls->pdata[0], &only);
  g_assert_cmpstr (only.summary, ==, "web.service on this computer is still down");
  g_assert_cmpstr (only.body, ==,
                   "Tend could not bring it back: it failed again right after a restart.");
  assert_plain (&only);
  g_assert_cmpuint (only.urgency, ==, 1);
}

/* A button pressed: action-invoked with the notification's id and the unit. */
static void
test_dbus_action (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) calls = NULL;

  if (skip_without_dbus ())
    return;

  send (TEND_NOTIFIER (fixture->notifier), TEND_NOTIFICATION_FAILED, 7, NULL);
  calls = wait_for_calls (fixture, "Notify", 1);

  /* Another program's notification: not Tend's business. */
  emit_signal (fixture, "ActionInvoked", 99, g_variant_new_string ("restart"));
  g_assert_cmpuint (fixture->invoked->len, ==, 0);

  emit_signal (fixture, "ActionInvoked", 1, g_variant_new_string ("silence-1h"));
  g_assert_cmpuint (fixture->invoked->len, ==, 1);
  g_assert_cmpstr (fixture->invoked->pdata[0], ==, "incident-7 silence-1h web.service");

  emit_signal (fixture, "ActionInvoked", 1, g_variant_new_string ("restart"));
  g_assert_cmpuint (fixture->invoked->len, ==, 2);
  g_assert_cmpstr (fixture->invoked->pdata[1], ==, "incident-7 restart web.service");
}

/* Withdrawn: CloseNotification with the server's id; the next one is new. */
static void
test_dbus_withdraw (Fixture       *fixture,
                    gconstpointer  data)
{
  TendNotifier *notifier;
  g_autoptr(GPtrArray) calls = NULL;
  g_autoptr(GPtrArray) closes = NULL;
  g_autoptr(GVariant) closed_id = NULL;
  g_auto(NotifyArgs) again = { 0 };

  if (skip_without_dbus ())
    return;
  notifier = TEND_NOTIFIER (fixture->notifier);

  /* Withdrawing what was never sent does nothing. */
  tend_notifier_withdraw (notifier, "incident-6");

  send (notifier, TEND_NOTIFICATION_FAILED, 7, NULL);
  calls = wait_for_calls (fixture, "Notify", 1);
  tend_notifier_withdraw (notifier, "incident-7");
  closes = wait_for_calls (fixture, "CloseNotification", 1);
  /* dbusmock's template declares the argument an int32 and logs it as one. */
  closed_id = arg (closes->pdata[0], 0, G_VARIANT_TYPE_INT32);
  g_assert_cmpint (g_variant_get_int32 (closed_id), ==, 1);

  send (notifier, TEND_NOTIFICATION_FAILED, 7, NULL);
  g_clear_pointer (&calls, g_ptr_array_unref);
  calls = wait_for_calls (fixture, "Notify", 2);
  parse_notify (calls->pdata[1], &again);
  g_assert_cmpuint (again.replaces_id, ==, 0);

  /* Sent and withdrawn before the server answered: closed once the answer comes. */
  send (notifier, TEND_NOTIFICATION_FAILED, 8, NULL);
  tend_notifier_withdraw (notifier, "incident-8");
  g_clear_pointer (&closes, g_ptr_array_unref);
  closes = wait_for_calls (fixture, "CloseNotification", 2);
}

/* Closed by the server (a person dismissed it): the next one is a new notification. */
static void
test_dbus_closed_by_server (Fixture       *fixture,
                            gconstpointer  data)
{
  TendNotifier *notifier;
  g_autoptr(GPtrArray) calls = NULL;
  g_auto(NotifyArgs) again = { 0 };

  if (skip_without_dbus ())
    return;
  notifier = TEND_NOTIFIER (fixture->notifier);

  send (notifier, TEND_NOTIFICATION_FAILED, 7, NULL);
  calls = wait_for_calls (fixture, "Notify", 1);
  /* Reason 2: dismissed by the user. */
  emit_signal (fixture, "NotificationClosed", 1, g_variant_new_uint32 (2));

  send (notifier, TEND_NOTIFICATION_MANUAL_INTERVENTION, 7, NULL);
  g_clear_pointer (&calls, g_ptr_array_unref);
  calls = wait_for_calls (fixture, "Notify", 2);
  parse_notify (calls->pdata[1], &again);
  g_assert_cmpuint (again.replaces_id, ==, 0);

  /* And its buttons are gone with it. */
  emit_signal (fixture, "ActionInvoked", 1, g_variant_new_string ("restart"));
  g_assert_cmpuint (fixture->invoked->len, ==, 0);
}

/* No server on the bus: nothing is shown and nothing waits; a server that comes later
 * gets the next notification as a new one. */
static void
test_dbus_no_server (Fixture       *fixture,
                     gconstpointer  data)
{
  TendNotifier *notifier;
  g_autoptr(GPtrArray) calls = NULL;
  g_auto(NotifyArgs) first = { 0 };

  if (skip_without_dbus ())
    return;
  notifier = TEND_NOTIFIER (fixture->notifier);

  send (notifier, TEND_NOTIFICATION_FAILED, 7, NULL);
  send (notifier, TEND_NOTIFICATION_MANUAL_INTERVENTION, 7, NULL);
  tend_notifier_withdraw (notifier, "incident-7");
  send (notifier, TEND_NOTIFICATION_FAILED, 8, NULL);
  /* The bus refuses at once: no owner, nothing to activate. */
  spin (200);

  start_server (fixture);
  send (notifier, TEND_NOTIFICATION_MANUAL_INTERVENTION, 8, NULL);
  calls = wait_for_calls (fixture, "Notify", 1);
  parse_notify (calls->pdata[0], &first);
  g_assert_cmpuint (first.replaces_id, ==, 0);
  g_assert_cmpstr (first.summary, ==, "web.service on this computer keeps failing");
}

/* The server goes away and another comes: its ids mean nothing to the new one. */
static void
test_dbus_server_replaced (Fixture       *fixture,
                           gconstpointer  data)
{
  TendNotifier *notifier;
  g_autoptr(GPtrArray) calls = NULL;
  g_auto(NotifyArgs) after = { 0 };

  if (skip_without_dbus ())
    return;
  notifier = TEND_NOTIFIER (fixture->notifier);

  send (notifier, TEND_NOTIFICATION_FAILED, 7, NULL);
  calls = wait_for_calls (fixture, "Notify", 1);
  stop_server (fixture);
  /* NameOwnerChanged reaches the notifier's watch. */
  spin (200);
  start_server (fixture);

  send (notifier, TEND_NOTIFICATION_MANUAL_INTERVENTION, 7, NULL);
  g_clear_pointer (&calls, g_ptr_array_unref);
  calls = wait_for_calls (fixture, "Notify", 1);
  parse_notify (calls->pdata[0], &after);
  g_assert_cmpuint (after.replaces_id, ==, 0);
}

/* ------------------------------------------------------------------------------------ */
/* TendAppNotifier: GNotification through GApplication, to the same server              */

/* The window's way: the same replacing, urgency and buttons, through GIO's
 * org.freedesktop.Notifications backend (GNOME Shell gets org.gtk.Notifications, a
 * Flatpak the portal, from the same calls); a button activates the app's action. */
static void
test_app_notifier (Fixture       *fixture,
                   gconstpointer  data)
{
  static const char * const app_actions[] = {
    "default", "",
    "app.restart-unit(('', 'web.service'))", "Restart",
    "app.open-unit(('', 'web.service'))", "Open",
    "app.silence-unit(('', 'web.service'))", "Silence 1 h",
    NULL
  };
  g_autoptr(GApplication) app = NULL;
  g_autoptr(TendAppNotifier) notifier = NULL;
  g_autoptr(GPtrArray) calls = NULL;
  g_autoptr(GPtrArray) closes = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(NotifyArgs) first = { 0 };
  g_auto(NotifyArgs) second = { 0 };
  guint n_sent = 0;

  if (skip_without_dbus ())
    return;

  app = g_application_new ("io.github.tendapp.Tend.NotifierTest", G_APPLICATION_DEFAULT_FLAGS);
  g_assert_true (g_application_register (app, NULL, &error));
  g_assert_no_error (error);
  notifier = tend_app_notifier_new (app);
  g_signal_connect (notifier, "action-invoked", G_CALLBACK (action_invoked_cb), fixture);
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "restart-unit"));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "open-unit"));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "silence-unit"));

  g_signal_connect (notifier, "sent", G_CALLBACK (sent_cb), &n_sent);
  send (TEND_NOTIFIER (notifier), TEND_NOTIFICATION_FAILED, 7, NULL);
  /* The window hears of each one (it says it in a toast while it is open). */
  g_assert_cmpuint (n_sent, ==, 1);
  calls = wait_for_calls (fixture, "Notify", 1);
  /* GIO's backend learns the server's id from the answer, which reaches the app's own
   * connection in its own time: an incident evolves over seconds, not microseconds. */
  spin (200);
  send (TEND_NOTIFIER (notifier), TEND_NOTIFICATION_MANUAL_INTERVENTION, 7, NULL);
  g_clear_pointer (&calls, g_ptr_array_unref);
  calls = wait_for_calls (fixture, "Notify", 2);
  parse_notify (calls->pdata[0], &first);
  parse_notify (calls->pdata[1], &second);

  g_assert_cmpuint (first.replaces_id, ==, 0);
  g_assert_cmpstr (first.summary, ==, "web.service on this computer failed");
  g_assert_cmpstr (first.body, ==, "Tend is restarting it.");
  assert_plain (&first);
  g_assert_cmpuint (first.urgency, ==, 2);
  g_assert_cmpstrv (first.actions, app_actions);
  g_assert_cmpuint (second.replaces_id, ==, 1);
  g_assert_cmpstr (second.summary, ==, "web.service on this computer keeps failing");
  assert_plain (&second);
  g_assert_cmpuint (second.urgency, ==, 2);
  g_assert_cmpstrv (second.actions, app_actions);

  emit_signal (fixture, "ActionInvoked", 1,
               g_variant_new_string ("app.restart-unit(('', 'web.service'))"));
  g_assert_cmpuint (fixture->invoked->len, ==, 1);
  g_assert_cmpstr (fixture->invoked->pdata[0], ==, "incident-7 restart web.service");

  /* Activated from anywhere else (a notification from before the app restarted). */
  g_action_group_activate_action (G_ACTION_GROUP (app), "silence-unit",
                                  g_variant_new ("(ss)", "", "db.service"));
  g_assert_cmpuint (fixture->invoked->len, ==, 2);
  g_assert_cmpstr (fixture->invoked->pdata[1], ==, "unit-db.service silence-1h db.service");

  /* A recovered service's notification offers Open only, at normal urgency. */
  send (TEND_NOTIFIER (notifier), TEND_NOTIFICATION_RECOVERED, 8, NULL);
  g_clear_pointer (&calls, g_ptr_array_unref);
  calls = wait_for_calls (fixture, "Notify", 3);
  {
    static const char * const open_only[] = {
      "default", "", "app.open-unit(('', 'web.service'))", "Open", NULL
    };
    g_auto(NotifyArgs) third = { 0 };

    parse_notify (calls->pdata[2], &third);
    g_assert_cmpuint (third.replaces_id, ==, 0);
    g_assert_cmpuint (third.urgency, ==, 1);
    g_assert_cmpstrv (third.actions, open_only);
  }

  spin (200);
  tend_notifier_withdraw (TEND_NOTIFIER (notifier), "incident-8");
  closes = wait_for_calls (fixture, "CloseNotification", 1);
  {
    g_autoptr(GVariant) closed_id = arg (closes->pdata[0], 0, G_VARIANT_TYPE_INT32);

    g_assert_cmpint (g_variant_get_int32 (closed_id), ==, 2);
  }

  /* The actions go with the notifier. */
  g_clear_object (&notifier);
  g_assert_false (g_action_group_has_action (G_ACTION_GROUP (app), "restart-unit"));
  g_assert_false (g_action_group_has_action (G_ACTION_GROUP (app), "silence-unit"));
}

/* ------------------------------------------------------------------------------------ */
/* TendWebhookNotifier against a SoupServer                                              */

typedef struct
{
  SoupServer *server;
  char *url;                   /* where it listens, on 127.0.0.1 */
  guint n_failures;            /* answer 500 to this many requests, then 204 */
  GArray *times;               /* (element-type gint64) monotonic time of each request */
  GPtrArray *bodies;           /* (element-type GBytes) */
  GPtrArray *content_types;    /* (element-type utf8) */
  GPtrArray *methods;          /* (element-type utf8) */
} Hook;

/* Tend warnings while a test collects them; NULL otherwise (a warning fails the test). */
static GPtrArray *captured_warnings;

static GLogWriterOutput
log_writer (GLogLevelFlags   level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  if (captured_warnings != NULL && (level & G_LOG_LEVEL_WARNING))
    for (gsize i = 0; i < n_fields; i++)
      if (g_str_equal (fields[i].key, "MESSAGE"))
        {
          g_ptr_array_add (captured_warnings, g_strdup (fields[i].value));
          return G_LOG_WRITER_HANDLED;
        }
  return g_log_writer_default (level, fields, n_fields, user_data);
}

static void
hook_request_cb (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  Hook *hook = user_data;
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  gint64 now = g_get_monotonic_time ();

  g_array_append_val (hook->times, now);
  g_ptr_array_add (hook->bodies, soup_message_body_flatten (body));
  g_ptr_array_add (hook->content_types,
                   g_strdup (soup_message_headers_get_content_type (headers, NULL)));
  g_ptr_array_add (hook->methods, g_strdup (soup_server_message_get_method (msg)));

  if (hook->times->len <= hook->n_failures)
    soup_server_message_set_status (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL);
  else
    soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
}

static void
hook_set_up (Hook          *hook,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;

  hook->n_failures = GPOINTER_TO_UINT (data);
  hook->times = g_array_new (FALSE, FALSE, sizeof (gint64));
  hook->bodies = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  hook->content_types = g_ptr_array_new_with_free_func (g_free);
  hook->methods = g_ptr_array_new_with_free_func (g_free);

  hook->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (hook->server, "/hook", hook_request_cb, hook, NULL);
  g_assert_true (soup_server_listen_local (hook->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY,
                                           &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (hook->server);
  g_assert_nonnull (uris);
  hook->url = g_strdup_printf ("http://127.0.0.1:%d/hook", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
}

static void
hook_tear_down (Hook          *hook,
                gconstpointer  data)
{
  soup_server_disconnect (hook->server);
  g_clear_object (&hook->server);
  g_free (hook->url);
  g_array_unref (hook->times);
  g_ptr_array_unref (hook->bodies);
  g_ptr_array_unref (hook->content_types);
  g_ptr_array_unref (hook->methods);
}

/* Runs the main loop until @notifier has nothing pending, and then @linger_msec. */
static void
wait_delivered (TendWebhookNotifier *notifier,
                guint                linger_msec)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_MSEC * G_TIME_SPAN_MILLISECOND;

  while (tend_webhook_notifier_get_n_pending (notifier) > 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  spin (linger_msec);
}

static void
assert_gap (Hook  *hook,
            guint  i,
            gint64 expected_msec)
{
  gint64 gap_msec = (g_array_index (hook->times, gint64, i)
                     - g_array_index (hook->times, gint64, i - 1)) / G_TIME_SPAN_MILLISECOND;

  /* Never early; late by a loaded machine's scheduling and a new connection at most. */
  g_assert_cmpint (gap_msec, >=, expected_msec - 5);
  g_assert_cmpint (gap_msec, <=, expected_msec + 500);
}

/* The server fails twice, then accepts: three POSTs, 1 s and 2 s apart, the same JSON. */
static void
test_webhook_retry (Hook          *hook,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TendWebhookNotifier) notifier = NULL;
  g_autoptr(TendNotification) notification = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GDateTime) time = NULL;
  JsonObject *object;
  GBytes *body;
  TendNotificationFacts gave_up = {
    TEND_NOTIFICATION_TROUBLE_FAILED, TEND_NOTIFICATION_RESPONSE_GAVE_UP,
    TEND_RECOVERY_STEP_RESTART, 5
  };

  notifier = tend_webhook_notifier_new (hook->url, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tend_webhook_notifier_get_url (notifier), ==, hook->url);

  notification = tend_notification_new (TEND_NOTIFICATION_MANUAL_INTERVENTION, "web1", NULL,
                                        "web.service", 42, &gave_up, "db.service");
  tend_notifier_send (TEND_NOTIFIER (notifier), notification);
  /* Returns at once: nothing has been posted yet. */
  g_assert_cmpuint (hook->times->len, ==, 0);
  g_assert_cmpuint (tend_webhook_notifier_get_n_pending (notifier), ==, 1);

  wait_delivered (notifier, 300);
  g_assert_cmpuint (hook->times->len, ==, 3);
  assert_gap (hook, 1, 1000);
  assert_gap (hook, 2, 2000);

  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpstr (hook->methods->pdata[i], ==, "POST");
      g_assert_cmpstr (hook->content_types->pdata[i], ==, "application/json");
      g_assert_true (g_bytes_equal (hook->bodies->pdata[i], hook->bodies->pdata[0]));
    }

  body = hook->bodies->pdata[0];
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                             g_bytes_get_size (body), &error));
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpuint (json_object_get_size (object), ==, 8);
  g_assert_cmpstr (json_object_get_string_member (object, "event"), ==,
                   "manual-intervention");
  g_assert_cmpstr (json_object_get_string_member (object, "id"), ==, "incident-42");
  g_assert_cmpstr (json_object_get_string_member (object, "host"), ==, "web1");
  g_assert_cmpstr (json_object_get_string_member (object, "unit"), ==, "web.service");
  g_assert_cmpint (json_object_get_int_member (object, "incident_id"), ==, 42);
  /* The same words as the desktop's. */
  g_assert_cmpstr (json_object_get_string_member (object, "title"), ==,
                   "web.service on web1 keeps failing");
  g_assert_cmpstr (json_object_get_string_member (object, "body"), ==,
                   "Tend stopped restarting it after 5 tries and needs you to look: open it to "
                   "read its log, mend the cause, then restart it.\n"
                   "It is down because db.service is down.");
  time = g_date_time_new_from_iso8601 (json_object_get_string_member (object, "time"),
                                       NULL);
  g_assert_nonnull (time);
  g_assert_cmpint (g_date_time_to_unix (time), ==, notification->time_usec / G_USEC_PER_SEC);
  g_assert_true (g_str_has_suffix (json_object_get_string_member (object, "time"), "Z"));
}

/* A local incident without a store: host and incident_id are null. */
static void
test_webhook_payload_nulls (void)
{
  g_autoptr(TendNotification) notification = NULL;
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  notification = tend_notification_new (TEND_NOTIFICATION_FAILED, NULL, NULL, "web.service", 0,
                                        NULL, NULL);
  payload = tend_webhook_notifier_dup_payload (notification);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (payload, NULL),
                                             g_bytes_get_size (payload), &error));
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_true (json_object_get_null_member (object, "host"));
  g_assert_true (json_object_get_null_member (object, "incident_id"));
  g_assert_cmpstr (json_object_get_string_member (object, "id"), ==, "unit-web.service");
  g_assert_cmpstr (json_object_get_string_member (object, "event"), ==, "failed");
}

/* A server that always fails: the given number of tries, doubling waits, a warning. */
static void
test_webhook_give_up (Hook          *hook,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TendWebhookNotifier) notifier = NULL;

  notifier = tend_webhook_notifier_new (hook->url, &error);
  g_assert_no_error (error);
  tend_webhook_notifier_set_retry (notifier, 50, 4);

  captured_warnings = g_ptr_array_new_with_free_func (g_free);
  send (TEND_NOTIFIER (notifier), TEND_NOTIFICATION_FAILED, 7, NULL);
  wait_delivered (notifier, 500);

  g_assert_cmpuint (hook->times->len, ==, 4);
  assert_gap (hook, 1, 50);
  assert_gap (hook, 2, 100);
  assert_gap (hook, 3, 200);
  g_assert_cmpuint (captured_warnings->len, ==, 1);
  g_assert_nonnull (strstr (captured_warnings->pdata[0], "notification incident-7 not "
                            "delivered after 4 tries; the last: HTTP 500"));
  g_clear_pointer (&captured_warnings, g_ptr_array_unref);
}

/* Nothing listens: a failure like any other, tried again, then given up. */
static void
test_webhook_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TendWebhookNotifier) notifier = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autofree char *url = NULL;

  /* A port bound and closed again: nothing listens there. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, any, FALSE, &error));
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  url = g_strdup_printf ("http://127.0.0.1:%u/hook",
                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_assert_true (g_socket_close (socket, &error));

  notifier = tend_webhook_notifier_new (url, &error);
  g_assert_no_error (error);
  tend_webhook_notifier_set_retry (notifier, 20, 2);

  captured_warnings = g_ptr_array_new_with_free_func (g_free);
  send (TEND_NOTIFIER (notifier), TEND_NOTIFICATION_FAILED, 7, NULL);
  wait_delivered (notifier, 0);
  g_assert_cmpuint (captured_warnings->len, ==, 1);
  g_assert_nonnull (strstr (captured_warnings->pdata[0], "not delivered after 2 tries"));
  g_clear_pointer (&captured_warnings, g_ptr_array_unref);
}

/* The notifier goes away while a try waits: nothing more is posted, nothing leaks. */
static void
test_webhook_dispose (Hook          *hook,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  TendWebhookNotifier *notifier;

  notifier = tend_webhook_notifier_new (hook->url, &error);
  g_assert_no_error (error);
  tend_webhook_notifier_set_retry (notifier, 100, 5);

  send (TEND_NOTIFIER (notifier), TEND_NOTIFICATION_FAILED, 7, NULL);
  while (hook->times->len < 1)
    g_main_context_iteration (NULL, TRUE);
  spin (30);
  /* And one more on its way at the end. */
  send (TEND_NOTIFIER (notifier), TEND_NOTIFICATION_FAILED, 8, NULL);
  g_assert_cmpuint (tend_webhook_notifier_get_n_pending (notifier), ==, 2);
  g_object_unref (notifier);

  spin (500);
  g_assert_cmpuint (hook->times->len, <=, 2);
}

/* Bad URLs are refused with the configuration's words. */
static void
test_webhook_bad_url (void)
{
  static const struct { const char *url; const char *message; } cases[] = {
    { "", "notifications.webhook-url: empty; give an http or https URL" },
    { "ftp://example.com/x", "is not an http or https URL" },
    { "https://exa mple.com/", "contains a space" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TendWebhookNotifier) notifier = NULL;

      notifier = tend_webhook_notifier_new (cases[i].url, &error);
      g_assert_null (notifier);
      g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, cases[i].message));
      g_assert_true (g_str_has_prefix (error->message, "notifications.webhook-url"));
    }
}

/* ------------------------------------------------------------------------------------ */

/* Why the D-Bus tests cannot run, or NULL when they can. */
static char *
check_dbus (void)
{
  g_autofree char *daemon = g_find_program_in_path ("dbus-daemon");
  g_autoptr(GError) error = NULL;
  int status = 0;
  const char *argv[] = { "/usr/bin/python3", "-c", "import dbusmock", NULL };

  if (daemon == NULL)
    return g_strdup ("dbus-daemon is not installed (Debian: apt install dbus-daemon)");
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL
                     | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, &error)
      || !g_spawn_check_wait_status (status, NULL))
    return g_strdup ("python3-dbusmock is not installed for /usr/bin/python3 "
                     "(Debian: apt install python3-dbusmock)");
  return NULL;
}

#define ADD_DBUS_TEST(path, func, with_server) \
  g_test_add ((path), Fixture, GINT_TO_POINTER (with_server), fixture_set_up, (func), \
              fixture_tear_down)

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_log_set_writer_func (log_writer, NULL, NULL);

  dbus_unavailable = check_dbus ();
  if (dbus_unavailable == NULL)
    {
      test_bus = g_test_dbus_new (G_TEST_DBUS_NONE);
      g_test_dbus_up (test_bus);
    }

  ADD_DBUS_TEST ("/notifier/dbus/replace", test_dbus_replace, TRUE);
  ADD_DBUS_TEST ("/notifier/dbus/disabled", test_dbus_disabled, TRUE);
  ADD_DBUS_TEST ("/notifier/dbus/action", test_dbus_action, TRUE);
  ADD_DBUS_TEST ("/notifier/dbus/withdraw", test_dbus_withdraw, TRUE);
  ADD_DBUS_TEST ("/notifier/dbus/closed-by-server", test_dbus_closed_by_server, TRUE);
  ADD_DBUS_TEST ("/notifier/dbus/no-server", test_dbus_no_server, FALSE);
  ADD_DBUS_TEST ("/notifier/dbus/server-replaced", test_dbus_server_replaced, TRUE);

  ADD_DBUS_TEST ("/notifier/app", test_app_notifier, TRUE);

  g_test_add ("/notifier/webhook/retry", Hook, GUINT_TO_POINTER (2), hook_set_up,
              test_webhook_retry, hook_tear_down);
  g_test_add_func ("/notifier/webhook/payload-nulls", test_webhook_payload_nulls);
  g_test_add ("/notifier/webhook/give-up", Hook, GUINT_TO_POINTER (G_MAXUINT), hook_set_up,
              test_webhook_give_up, hook_tear_down);
  g_test_add_func ("/notifier/webhook/refused", test_webhook_refused);
  g_test_add ("/notifier/webhook/dispose", Hook, GUINT_TO_POINTER (G_MAXUINT), hook_set_up,
              test_webhook_dispose, hook_tear_down);
  g_test_add_func ("/notifier/webhook/bad-url", test_webhook_bad_url);

  status = g_test_run ();

  if (test_bus != NULL)
    g_test_dbus_down (test_bus);
  g_clear_object (&test_bus);
  g_free (dbus_unavailable);
  return status;
}
