/* tend-notifier.h — telling people about incidents: the notification and its outputs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tend-recovery.h"
#include "tend-types.h"

G_BEGIN_DECLS

/**
 * TendNotificationKind:
 * @TEND_NOTIFICATION_FAILED: the service turned critical
 * @TEND_NOTIFICATION_RECOVERED: it is healthy again without a person's help
 * @TEND_NOTIFICATION_RECOVERY_FAILED: an automatic recovery was tried and did not help
 * @TEND_NOTIFICATION_MANUAL_INTERVENTION: Tend has given up; a person must act
 * @TEND_NOTIFICATION_DEGRADED: the service is degraded (off unless
 *   notifications.on-degraded is set)
 * @TEND_NOTIFICATION_HOST_UNREACHABLE: a remote host cannot be reached: one notification
 *   for the host, not one per service (its services are unknown meanwhile, and none is
 *   recovered); @unit is ""
 * @TEND_NOTIFICATION_HOST_REACHABLE: the host is back (replaces the one above; sent when
 *   notifications.on-recovered is set)
 */
typedef enum
{
  TEND_NOTIFICATION_FAILED,
  TEND_NOTIFICATION_RECOVERED,
  TEND_NOTIFICATION_RECOVERY_FAILED,
  TEND_NOTIFICATION_MANUAL_INTERVENTION,
  TEND_NOTIFICATION_DEGRADED,
  TEND_NOTIFICATION_HOST_UNREACHABLE,
  TEND_NOTIFICATION_HOST_REACHABLE,
} TendNotificationKind;

const char *tend_notification_kind_to_string (TendNotificationKind kind);

/**
 * TendNotificationTrouble:
 * @TEND_NOTIFICATION_TROUBLE_UNHEALTHY: its checks fail, for no reason said below
 * @TEND_NOTIFICATION_TROUBLE_FAILED: the unit failed
 * @TEND_NOTIFICATION_TROUBLE_STOPPED: the unit stopped
 * @TEND_NOTIFICATION_TROUBLE_NOT_ANSWERING: it does not answer (refused, timed out,
 *   unreachable)
 * @TEND_NOTIFICATION_TROUBLE_BAD_ANSWERS: it answers, but not as it should
 * @TEND_NOTIFICATION_TROUBLE_OVER_LIMIT: a figure (memory, CPU, …) is past its threshold
 *
 * What is wrong with the service, as a notification says it to a person.
 */
typedef enum
{
  TEND_NOTIFICATION_TROUBLE_UNHEALTHY,
  TEND_NOTIFICATION_TROUBLE_FAILED,
  TEND_NOTIFICATION_TROUBLE_STOPPED,
  TEND_NOTIFICATION_TROUBLE_NOT_ANSWERING,
  TEND_NOTIFICATION_TROUBLE_BAD_ANSWERS,
  TEND_NOTIFICATION_TROUBLE_OVER_LIMIT,
} TendNotificationTrouble;

/**
 * TendNotificationResponse:
 * @TEND_NOTIFICATION_RESPONSE_NONE: nothing to say of what Tend does
 * @TEND_NOTIFICATION_RESPONSE_RECOVERING: Tend is running the step now
 * @TEND_NOTIFICATION_RESPONSE_WAITING: Tend runs the step after a pause its policy asks
 * @TEND_NOTIFICATION_RESPONSE_HANDS_OFF: Tend does not bring it back by itself
 * @TEND_NOTIFICATION_RESPONSE_RECOVERED: Tend ran the step and the service is well again
 * @TEND_NOTIFICATION_RESPONSE_BY_ITSELF: the service is well again without Tend acting
 * @TEND_NOTIFICATION_RESPONSE_STEP_FAILED: the step itself failed (systemd refused it,
 *   or its job did not complete)
 * @TEND_NOTIFICATION_RESPONSE_FAILED_AGAIN: the step ran, and the service was in
 *   trouble again right after it
 * @TEND_NOTIFICATION_RESPONSE_GAVE_UP: Tend stopped recovering it after the tries
 *
 * What Tend did, or is doing, about the trouble.
 */
typedef enum
{
  TEND_NOTIFICATION_RESPONSE_NONE,
  TEND_NOTIFICATION_RESPONSE_RECOVERING,
  TEND_NOTIFICATION_RESPONSE_WAITING,
  TEND_NOTIFICATION_RESPONSE_HANDS_OFF,
  TEND_NOTIFICATION_RESPONSE_RECOVERED,
  TEND_NOTIFICATION_RESPONSE_BY_ITSELF,
  TEND_NOTIFICATION_RESPONSE_STEP_FAILED,
  TEND_NOTIFICATION_RESPONSE_FAILED_AGAIN,
  TEND_NOTIFICATION_RESPONSE_GAVE_UP,
} TendNotificationResponse;

/**
 * TendNotificationFacts:
 * @trouble: what is, or was, wrong
 * @response: what Tend did about it
 * @step: the step Tend took or takes (restart, start, reload), for the responses that
 *   name one
 * @tries: for %TEND_NOTIFICATION_RESPONSE_GAVE_UP, the recoveries tried; 0 when not known
 *
 * What a notification tells, as facts rather than text: tend_notification_format()
 * puts them into words. All zero is "its checks fail", with nothing said of Tend.
 */
typedef struct
{
  TendNotificationTrouble trouble;
  TendNotificationResponse response;
  TendRecoveryStep step;
  guint tries;
} TendNotificationFacts;

/**
 * TendNotificationUrgency:
 *
 * The urgency levels of the freedesktop.org notification specification, with its
 * numbers (the `urgency` hint is this value as a byte).
 */
typedef enum
{
  TEND_NOTIFICATION_URGENCY_LOW = 0,
  TEND_NOTIFICATION_URGENCY_NORMAL = 1,
  TEND_NOTIFICATION_URGENCY_CRITICAL = 2,
} TendNotificationUrgency;

/* The actions a notification offers, by name. */
#define TEND_NOTIFICATION_ACTION_RESTART    "restart"
#define TEND_NOTIFICATION_ACTION_OPEN       "open"
#define TEND_NOTIFICATION_ACTION_SILENCE_1H "silence-1h"

/**
 * TendNotificationAction:
 * @name: what it does: "restart", "open" or "silence-1h"
 * @label: the button's text
 * @target: (nullable): what it acts on, a `(ss)` variant: the host's name in the
 *   inventory ("" when the notification names none) and the unit, so that the same unit on
 *   two hosts is never confused (tend_notification_parse_target())
 */
typedef struct
{
  char *name;
  char *label;
  GVariant *target;
} TendNotificationAction;

/**
 * TendNotification:
 * @id: stable for one incident ("incident-42"): a later notification with the same id
 *   replaces the earlier one, so an incident shows one notification, never a stack
 * @kind: what happened
 * @urgency: how urgent it is
 * @title: one line that names the unit, its host and what happened
 * @body: what Tend did about it, in plain words, and what is left to a person
 * @host: (nullable): the host's name in the inventory ("local-user", "web1"), for the
 *   buttons' targets; %NULL when none was given
 * @host_label: how people call the host: "this computer", "this computer (system)",
 *   "web1"
 * @unit: the unit
 * @incident_id: the incident in the store, 0 when there is none
 * @time_usec: when it happened, wall-clock µs since the epoch
 * @actions: (element-type TendNotificationAction): the buttons, in order
 *
 * One message about one incident, as every output shows it. Reference-counted; treat
 * it as read-only once it has been sent.
 */
struct _TendNotification
{
  char *id;
  TendNotificationKind kind;
  TendNotificationUrgency urgency;
  char *title;
  char *body;
  char *host;
  char *host_label;
  char *unit;
  gint64 incident_id;
  gint64 time_usec;
  GPtrArray *actions;
};

#define TEND_TYPE_NOTIFICATION (tend_notification_get_type ())
GType             tend_notification_get_type (void);

TendNotification *tend_notification_new      (TendNotificationKind         kind,
                                              const char                  *host,
                                              const char                  *host_label,
                                              const char                  *unit,
                                              gint64                       incident_id,
                                              const TendNotificationFacts *facts,
                                              const char                  *root_cause_unit);
TendNotification *tend_notification_new_for_host (TendHostState         state,
                                                  const char           *host,
                                                  const char           *host_label,
                                                  const char           *message);
TendNotification *tend_notification_ref      (TendNotification     *self);
void              tend_notification_unref    (TendNotification     *self);
const TendNotificationAction *
                  tend_notification_find_action (const TendNotification *self,
                                                 const char             *name);
gboolean          tend_notification_parse_target (GVariant              *target,
                                                  const char           **host,
                                                  const char           **unit);

char             *tend_notification_dup_id   (const char           *host,
                                              const char           *unit,
                                              gint64                incident_id);
void              tend_notification_format   (TendNotificationKind         kind,
                                              const char                  *host_label,
                                              const char                  *unit,
                                              const TendNotificationFacts *facts,
                                              const char                  *root_cause_unit,
                                              char                       **title,
                                              char                       **body);
gboolean          tend_notification_wanted   (TendNotificationKind  kind,
                                              TendConfig           *config);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TendNotification, tend_notification_unref)

/**
 * TendNotifierInterface:
 * @send: show @notification, replacing the one with the same id if there is one;
 *   returns at once, whatever the output does afterwards happens on the main loop
 * @withdraw: take the notification with this id away, if it is still shown
 *
 * An output for notifications: the desktop (GNotification in the window,
 * org.freedesktop.Notifications for the headless engine), the log, a webhook.
 * Sending never blocks and never fails for the caller: an output that cannot deliver
 * logs why.
 *
 * Signal: `action-invoked` (id, action, target): a person pressed one of the
 * notification's buttons; @target is the action's target, or %NULL.
 */
#define TEND_TYPE_NOTIFIER (tend_notifier_get_type ())
G_DECLARE_INTERFACE (TendNotifier, tend_notifier, TEND, NOTIFIER, GObject)

struct _TendNotifierInterface
{
  GTypeInterface parent_iface;

  void (*send)     (TendNotifier     *self,
                    TendNotification *notification);
  void (*withdraw) (TendNotifier     *self,
                    const char       *id);
};

void tend_notifier_send                 (TendNotifier     *self,
                                         TendNotification *notification);
void tend_notifier_withdraw             (TendNotifier     *self,
                                         const char       *id);
void tend_notifier_emit_action_invoked  (TendNotifier     *self,
                                         const char       *id,
                                         const char       *action,
                                         GVariant         *target);

G_END_DECLS
