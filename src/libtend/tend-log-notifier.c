/* tend-log-notifier.c — notifications to the log (stderr, or the journal under systemd)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Always on, whatever the notifications.* keys say: the log is the record. Urgent
 * notifications are warnings, the others messages; each carries the notification id,
 * the unit, the host and the incident as structured fields, which the journal keeps
 * (`journalctl TEND_INCIDENT=42`).
 */
#define G_LOG_DOMAIN "Tend-Notify"

#include "tend-log-notifier.h"
#include "tend-notifier.h"

struct _TendLogNotifier
{
  GObject parent_instance;
};

static void tend_log_notifier_iface_init (TendNotifierInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TendLogNotifier, tend_log_notifier, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (TEND_TYPE_NOTIFIER,
                                                      tend_log_notifier_iface_init))

static void
tend_log_notifier_send (TendNotifier     *notifier,
                        TendNotification *notification)
{
  g_autofree char *body = g_strdelimit (g_strdup (notification->body), "\n", ' ');
  g_autofree char *message = g_strdup_printf ("%s: %s", notification->title, body);
  g_autofree char *incident = g_strdup_printf ("%" G_GINT64_FORMAT,
                                               notification->incident_id);
  GLogLevelFlags level = notification->urgency == TEND_NOTIFICATION_URGENCY_CRITICAL
                         ? G_LOG_LEVEL_WARNING : G_LOG_LEVEL_MESSAGE;
  const GLogField fields[] = {
    { "GLIB_DOMAIN", G_LOG_DOMAIN, -1 },
    /* As g_log_structured() would: syslog's warning (4) and notice (5). */
    { "PRIORITY", level == G_LOG_LEVEL_WARNING ? "4" : "5", -1 },
    { "MESSAGE", message, -1 },
    { "TEND_NOTIFICATION_ID", notification->id, -1 },
    { "TEND_NOTIFICATION_KIND", tend_notification_kind_to_string (notification->kind), -1 },
    { "TEND_UNIT", notification->unit, -1 },
    { "TEND_INCIDENT", incident, -1 },
    { "TEND_HOST", notification->host, -1 },
  };

  /* Without a host the last field is left off. */
  g_log_structured_array (level, fields,
                          notification->host != NULL ? G_N_ELEMENTS (fields)
                                                     : G_N_ELEMENTS (fields) - 1);
}

static void
tend_log_notifier_withdraw (TendNotifier *notifier,
                            const char   *id)
{
  g_debug ("notification %s withdrawn", id);
}

static void
tend_log_notifier_iface_init (TendNotifierInterface *iface)
{
  iface->send = tend_log_notifier_send;
  iface->withdraw = tend_log_notifier_withdraw;
}

static void
tend_log_notifier_class_init (TendLogNotifierClass *klass)
{
}

static void
tend_log_notifier_init (TendLogNotifier *self)
{
}

TendLogNotifier *
tend_log_notifier_new (void)
{
  return g_object_new (TEND_TYPE_LOG_NOTIFIER, NULL);
}
