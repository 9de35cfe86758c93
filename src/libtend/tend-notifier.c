/* tend-notifier.c — telling people about incidents: the notification and its outputs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The words of a notification are made here, once, for every output: the desktop, the
 * log and the webhook show the same title and body. Which kinds are sent at all is
 * the configuration's notifications.* keys, read by tend_notification_wanted().
 */
#define G_LOG_DOMAIN "Tend-Notify"

#include "tend-config.h"
#include "tend-notifier.h"

/* ------------------------------------------------------------------------------------ */
/* TendNotification                                                                      */

G_DEFINE_BOXED_TYPE (TendNotification, tend_notification,
                     tend_notification_ref, tend_notification_unref)

typedef struct
{
  TendNotification public;
  gatomicrefcount ref_count;
} TendNotificationReal;

const char *
tend_notification_kind_to_string (TendNotificationKind kind)
{
  const char *nick = tend_enum_to_nick (TEND_TYPE_NOTIFICATION_KIND, kind);

  g_return_val_if_fail (nick != NULL, NULL);
  return nick;
}

static void
action_free (gpointer data)
{
  TendNotificationAction *action = data;

  g_free (action->name);
  g_free (action->label);
  g_clear_pointer (&action->target, g_variant_unref);
  g_free (action);
}

static void
add_action (TendNotification *self,
            const char       *name,
            const char       *label)
{
  TendNotificationAction *action = g_new0 (TendNotificationAction, 1);

  action->name = g_strdup (name);
  action->label = g_strdup (label);
  action->target = g_variant_ref_sink (g_variant_new ("(ss)", self->host ? self->host : "",
                                                      self->unit));
  g_ptr_array_add (self->actions, action);
}

/**
 * tend_notification_parse_target:
 * @target: (nullable): an action's target, as #TendNotifier::action-invoked gives it
 * @host: (out) (transfer none): the host's name ("" when the notification had none)
 * @unit: (out) (transfer none): the unit
 *
 * Returns: whether @target names a host and a unit (the pointers then point into it)
 */
gboolean
tend_notification_parse_target (GVariant    *target,
                                const char **host,
                                const char **unit)
{
  g_return_val_if_fail (host != NULL && unit != NULL, FALSE);

  if (target == NULL || !g_variant_is_of_type (target, G_VARIANT_TYPE ("(ss)")))
    return FALSE;
  g_variant_get (target, "(&s&s)", host, unit);
  return **unit != '\0';
}

/**
 * tend_notification_dup_id:
 * @host: (nullable): the host, %NULL for this computer
 * @unit: the unit
 * @incident_id: the incident, 0 when there is none
 *
 * Returns: the notification id of an incident: "incident-42", or, without an
 *   incident, one per unit and host ("unit-web.service@web1")
 */
char *
tend_notification_dup_id (const char *host,
                          const char *unit,
                          gint64      incident_id)
{
  g_return_val_if_fail (unit != NULL, NULL);

  if (incident_id > 0)
    return g_strdup_printf ("incident-%" G_GINT64_FORMAT, incident_id);
  if (host != NULL && *host != '\0')
    return g_strdup_printf ("unit-%s@%s", unit, host);
  return g_strdup_printf ("unit-%s", unit);
}

/* The words of a trouble: as a title says it now ("web.service stopped answering"), as a
 * body tells it afterwards ("It stopped answering"), and once it is mended ("it answers
 * again"). */
static const char *
trouble_now (TendNotificationTrouble trouble)
{
  switch (trouble)
    {
    case TEND_NOTIFICATION_TROUBLE_FAILED:        return "failed";
    case TEND_NOTIFICATION_TROUBLE_STOPPED:       return "stopped";
    case TEND_NOTIFICATION_TROUBLE_NOT_ANSWERING: return "stopped answering";
    case TEND_NOTIFICATION_TROUBLE_BAD_ANSWERS:   return "answers with errors";
    case TEND_NOTIFICATION_TROUBLE_OVER_LIMIT:    return "is over its limits";
    case TEND_NOTIFICATION_TROUBLE_UNHEALTHY:
    default:                                      return "fails its checks";
    }
}

static const char *
trouble_then (TendNotificationTrouble trouble)
{
  switch (trouble)
    {
    case TEND_NOTIFICATION_TROUBLE_FAILED:        return "failed";
    case TEND_NOTIFICATION_TROUBLE_STOPPED:       return "stopped";
    case TEND_NOTIFICATION_TROUBLE_NOT_ANSWERING: return "stopped answering";
    case TEND_NOTIFICATION_TROUBLE_BAD_ANSWERS:   return "answered with errors";
    case TEND_NOTIFICATION_TROUBLE_OVER_LIMIT:    return "went over its limits";
    case TEND_NOTIFICATION_TROUBLE_UNHEALTHY:
    default:                                      return "failed its checks";
    }
}

static const char *
trouble_mended (TendNotificationTrouble trouble)
{
  switch (trouble)
    {
    case TEND_NOTIFICATION_TROUBLE_FAILED:
    case TEND_NOTIFICATION_TROUBLE_STOPPED:       return "runs again";
    case TEND_NOTIFICATION_TROUBLE_NOT_ANSWERING: return "answers again";
    case TEND_NOTIFICATION_TROUBLE_BAD_ANSWERS:   return "answers properly again";
    case TEND_NOTIFICATION_TROUBLE_OVER_LIMIT:    return "is within its limits again";
    case TEND_NOTIFICATION_TROUBLE_UNHEALTHY:
    default:                                      return "passes its checks again";
    }
}

/* A step as a verb ("restart"), going on ("restarting") and done ("restarted"). */
static const char *
step_verb (TendRecoveryStep step)
{
  switch (step)
    {
    case TEND_RECOVERY_STEP_RELOAD: return "reload";
    case TEND_RECOVERY_STEP_START:  return "start";
    case TEND_RECOVERY_STEP_RESTART:
    default:                        return "restart";
    }
}

static const char *
step_going_on (TendRecoveryStep step)
{
  switch (step)
    {
    case TEND_RECOVERY_STEP_RELOAD: return "reloading";
    case TEND_RECOVERY_STEP_START:  return "starting";
    case TEND_RECOVERY_STEP_RESTART:
    default:                        return "restarting";
    }
}

static const char *
step_past (TendRecoveryStep step)
{
  switch (step)
    {
    case TEND_RECOVERY_STEP_RELOAD: return "reloaded";
    case TEND_RECOVERY_STEP_START:  return "started";
    case TEND_RECOVERY_STEP_RESTART:
    default:                        return "restarted";
    }
}

/**
 * tend_notification_format:
 * @kind: what happened
 * @host_label: (nullable): the host as people call it ("this computer", "web1"); %NULL
 *   or "" for "this computer"
 * @unit: the unit
 * @facts: (nullable): what was wrong and what Tend did; %NULL is all zero
 * @root_cause_unit: (nullable): the unit this one depends on that is down, when that
 *   is why this one is
 * @title: (out): "web.service on this computer failed", "web.service on web1 is down
 *   because db.service is down"
 * @body: (out): what Tend did, or does, in plain words: "It stopped answering; Tend
 *   restarted it and it answers again."
 *
 * Pure: the same words for every output, written for a person at a desktop — never a
 * command line, never an internal id.
 */
void
tend_notification_format (TendNotificationKind         kind,
                          const char                  *host_label,
                          const char                  *unit,
                          const TendNotificationFacts *facts,
                          const char                  *root_cause_unit,
                          char                       **title,
                          char                       **body)
{
  static const TendNotificationFacts none = { 0, };
  g_autofree char *where = NULL;
  const char *root = root_cause_unit != NULL && *root_cause_unit != '\0' ? root_cause_unit
                                                                         : NULL;
  TendNotificationTrouble trouble;
  TendNotificationResponse response;
  TendRecoveryStep step;
  g_autoptr(GString) text = g_string_new (NULL);

  g_return_if_fail (tend_enum_to_nick (TEND_TYPE_NOTIFICATION_KIND, kind) != NULL);
  g_return_if_fail (unit != NULL);
  g_return_if_fail (title != NULL && body != NULL);

  if (facts == NULL)
    facts = &none;
  trouble = facts->trouble;
  response = facts->response;
  step = facts->step;
  where = g_strdup_printf ("%s on %s", unit,
                           host_label != NULL && *host_label != '\0' ? host_label
                                                                      : "this computer");

  switch (kind)
    {
    case TEND_NOTIFICATION_FAILED:
      *title = root != NULL ? g_strdup_printf ("%s is down because %s is down", where, root)
                            : g_strdup_printf ("%s %s", where, trouble_now (trouble));
      if (response == TEND_NOTIFICATION_RESPONSE_RECOVERING)
        g_string_append_printf (text, "Tend is %s it.", step_going_on (step));
      else if (response == TEND_NOTIFICATION_RESPONSE_WAITING)
        g_string_append_printf (text, "Tend will %s it after a pause.", step_verb (step));
      else if (response == TEND_NOTIFICATION_RESPONSE_HANDS_OFF)
        g_string_append (text, "Tend does not bring it back by itself; open it to see "
                               "what is wrong.");
      else if (root != NULL)
        g_string_append_printf (text, "Tend brings %s back first.", root);
      else
        g_string_append (text, "Open it to see what is wrong.");
      break;

    case TEND_NOTIFICATION_RECOVERED:
      *title = g_strdup_printf ("%s recovered", where);
      if (response == TEND_NOTIFICATION_RESPONSE_RECOVERED)
        g_string_append_printf (text, "It %s; Tend %s it and it %s.", trouble_then (trouble),
                                step_past (step), trouble_mended (trouble));
      else if (response == TEND_NOTIFICATION_RESPONSE_BY_ITSELF)
        g_string_append_printf (text, "It %s and %s by itself; Tend did not need to act.",
                                trouble_then (trouble), trouble_mended (trouble));
      else
        g_string_append_printf (text, "It %s.", trouble_mended (trouble));
      if (root != NULL)
        g_string_append_printf (text, "\nIt was down because %s was down.", root);
      break;

    case TEND_NOTIFICATION_RECOVERY_FAILED:
      *title = root != NULL
               ? g_strdup_printf ("%s is still down because %s is down", where, root)
               : g_strdup_printf ("%s is still down", where);
      g_string_append (text, "Tend could not bring it back: ");
      if (response == TEND_NOTIFICATION_RESPONSE_STEP_FAILED)
        g_string_append_printf (text, "the %s itself failed.", step_verb (step));
      else if (response == TEND_NOTIFICATION_RESPONSE_FAILED_AGAIN)
        g_string_append_printf (text, "it %s again right after a %s.", trouble_then (trouble),
                                step_verb (step));
      else
        g_string_append_printf (text, "%s it did not help.", step_going_on (step));
      break;

    case TEND_NOTIFICATION_MANUAL_INTERVENTION:
      *title = g_strdup_printf ("%s keeps failing", where);
      if (response == TEND_NOTIFICATION_RESPONSE_GAVE_UP && facts->tries > 0)
        g_string_append_printf (text, "Tend stopped restarting it after %u %s", facts->tries,
                                facts->tries == 1 ? "try" : "tries");
      else
        g_string_append (text, "Tend stopped restarting it");
      g_string_append (text, " and needs you to look: open it to read its log, mend the "
                             "cause, then restart it.");
      if (root != NULL)
        g_string_append_printf (text, "\nIt is down because %s is down.", root);
      break;

    case TEND_NOTIFICATION_DEGRADED:
      *title = g_strdup_printf ("%s needs attention", where);
      g_string_append (text, "Some of its checks warn; Tend leaves it running and keeps "
                             "watching.");
      if (root != NULL)
        g_string_append_printf (text, "\nIt may be because %s is down.", root);
      break;

    default:
      g_assert_not_reached ();
    }

  *body = g_string_free (g_steal_pointer (&text), FALSE);
}

/**
 * tend_notification_new:
 * @kind: what happened
 * @host: (nullable): the host's name in the inventory, for the buttons' targets; %NULL
 *   (or "") when there is none
 * @host_label: (nullable): how people call the host ("this computer", "web1"); %NULL
 *   for @host, or "this computer" without one
 * @unit: the unit
 * @incident_id: the incident in the store, 0 when there is none
 * @facts: (nullable): what was wrong and what Tend did
 * @root_cause_unit: (nullable): the unit this one depends on that is down
 *
 * A notification with its id, urgency, words (tend_notification_format()) and
 * buttons, timed now: Restart, Open and Silence 1 h, or only Open once the service
 * has recovered.
 *
 * Returns: (transfer full): the notification
 */
TendNotification *
tend_notification_new (TendNotificationKind         kind,
                       const char                  *host,
                       const char                  *host_label,
                       const char                  *unit,
                       gint64                       incident_id,
                       const TendNotificationFacts *facts,
                       const char                  *root_cause_unit)
{
  TendNotificationReal *real;
  TendNotification *self;

  g_return_val_if_fail (tend_enum_to_nick (TEND_TYPE_NOTIFICATION_KIND, kind) != NULL, NULL);
  g_return_val_if_fail (unit != NULL, NULL);

  if (host != NULL && *host == '\0')
    host = NULL;
  if (host_label == NULL || *host_label == '\0')
    host_label = host != NULL ? host : "this computer";

  real = g_new0 (TendNotificationReal, 1);
  g_atomic_ref_count_init (&real->ref_count);
  self = &real->public;

  self->id = tend_notification_dup_id (host, unit, incident_id);
  self->kind = kind;
  self->urgency = kind == TEND_NOTIFICATION_FAILED
                  || kind == TEND_NOTIFICATION_MANUAL_INTERVENTION
                  ? TEND_NOTIFICATION_URGENCY_CRITICAL
                  : TEND_NOTIFICATION_URGENCY_NORMAL;
  tend_notification_format (kind, host_label, unit, facts, root_cause_unit,
                            &self->title, &self->body);
  self->host = g_strdup (host);
  self->host_label = g_strdup (host_label);
  self->unit = g_strdup (unit);
  self->incident_id = MAX (incident_id, 0);
  self->time_usec = g_get_real_time ();
  self->actions = g_ptr_array_new_with_free_func (action_free);

  if (kind != TEND_NOTIFICATION_RECOVERED)
    add_action (self, TEND_NOTIFICATION_ACTION_RESTART, "Restart");
  add_action (self, TEND_NOTIFICATION_ACTION_OPEN, "Open");
  if (kind != TEND_NOTIFICATION_RECOVERED)
    add_action (self, TEND_NOTIFICATION_ACTION_SILENCE_1H, "Silence 1 h");

  return self;
}

/**
 * tend_notification_new_for_host:
 * @kind: %TEND_NOTIFICATION_HOST_UNREACHABLE or %TEND_NOTIFICATION_HOST_REACHABLE
 * @host: the host's name in the inventory
 * @host_label: (nullable): how people call it; %NULL for @host
 * @message: (nullable): the host's own sentence on why it cannot be reached
 *
 * The one notification about a remote host that cannot be reached ("web1 is
 * unreachable"), or is back: its id is the host's ("host-web1"), so the second replaces
 * the first. It has no buttons and names no unit (@unit is "").
 *
 * Returns: (transfer full): the notification
 */
TendNotification *
tend_notification_new_for_host (TendNotificationKind  kind,
                                const char           *host,
                                const char           *host_label,
                                const char           *message)
{
  TendNotificationReal *real;
  TendNotification *self;

  g_return_val_if_fail (kind == TEND_NOTIFICATION_HOST_UNREACHABLE ||
                        kind == TEND_NOTIFICATION_HOST_REACHABLE, NULL);
  g_return_val_if_fail (host != NULL && *host != '\0', NULL);

  if (host_label == NULL || *host_label == '\0')
    host_label = host;

  real = g_new0 (TendNotificationReal, 1);
  g_atomic_ref_count_init (&real->ref_count);
  self = &real->public;

  self->id = g_strdup_printf ("host-%s", host);
  self->kind = kind;
  if (kind == TEND_NOTIFICATION_HOST_UNREACHABLE)
    {
      self->urgency = TEND_NOTIFICATION_URGENCY_CRITICAL;
      self->title = g_strdup_printf ("%s is unreachable", host_label);
      if (message != NULL && *message != '\0')
        self->body = g_strdup_printf ("%s\nIts services are unknown until it is back, and Tend "
                                      "recovers none of them meanwhile; it reconnects by "
                                      "itself.", message);
      else
        self->body = g_strdup ("Its services are unknown until it is back, and Tend recovers "
                               "none of them meanwhile; it reconnects by itself.");
    }
  else
    {
      self->urgency = TEND_NOTIFICATION_URGENCY_NORMAL;
      self->title = g_strdup_printf ("%s is reachable again", host_label);
      self->body = g_strdup ("Tend checks its services again, and recovers them when they "
                             "need it.");
    }
  self->host = g_strdup (host);
  self->host_label = g_strdup (host_label);
  self->unit = g_strdup ("");
  self->time_usec = g_get_real_time ();
  self->actions = g_ptr_array_new_with_free_func (action_free);
  return self;
}

TendNotification *
tend_notification_ref (TendNotification *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&((TendNotificationReal *) self)->ref_count);
  return self;
}

void
tend_notification_unref (TendNotification *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&((TendNotificationReal *) self)->ref_count))
    return;

  g_free (self->id);
  g_free (self->title);
  g_free (self->body);
  g_free (self->host);
  g_free (self->host_label);
  g_free (self->unit);
  g_ptr_array_unref (self->actions);
  g_free (self);
}

/**
 * tend_notification_find_action:
 * @self: a notification
 * @name: an action's name
 *
 * Returns: (nullable): the action of that name, if the notification offers it
 */
const TendNotificationAction *
tend_notification_find_action (const TendNotification *self,
                               const char             *name)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < self->actions->len; i++)
    {
      const TendNotificationAction *action = self->actions->pdata[i];

      if (g_str_equal (action->name, name))
        return action;
    }
  return NULL;
}

/**
 * tend_notification_wanted:
 * @kind: what happened
 * @config: the configuration
 *
 * Whether the desktop and the webhook are told about @kind: nothing when
 * notifications.enabled is false, degraded services only with
 * notifications.on-degraded, recoveries only with notifications.on-recovered. The log
 * is told about everything whatever this says.
 *
 * Returns: whether to send it
 */
gboolean
tend_notification_wanted (TendNotificationKind  kind,
                          TendConfig           *config)
{
  g_return_val_if_fail (tend_enum_to_nick (TEND_TYPE_NOTIFICATION_KIND, kind) != NULL, FALSE);
  g_return_val_if_fail (TEND_IS_CONFIG (config), FALSE);

  if (!tend_config_get_boolean (config, "notifications.enabled"))
    return FALSE;
  if (kind == TEND_NOTIFICATION_DEGRADED)
    return tend_config_get_boolean (config, "notifications.on-degraded");
  if (kind == TEND_NOTIFICATION_RECOVERED || kind == TEND_NOTIFICATION_HOST_REACHABLE)
    return tend_config_get_boolean (config, "notifications.on-recovered");
  return TRUE;
}

/* ------------------------------------------------------------------------------------ */
/* TendNotifier                                                                          */

G_DEFINE_INTERFACE (TendNotifier, tend_notifier, G_TYPE_OBJECT)

static void
tend_notifier_default_init (TendNotifierInterface *iface)
{
  g_signal_new ("action-invoked", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST,
                0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                G_TYPE_STRING, G_TYPE_STRING, G_TYPE_VARIANT);
}

/**
 * tend_notifier_send:
 * @self: a notifier
 * @notification: what to show
 *
 * Shows @notification, replacing the one with the same id. Returns at once.
 */
void
tend_notifier_send (TendNotifier     *self,
                    TendNotification *notification)
{
  g_return_if_fail (TEND_IS_NOTIFIER (self));
  g_return_if_fail (notification != NULL);

  TEND_NOTIFIER_GET_IFACE (self)->send (self, notification);
}

/**
 * tend_notifier_withdraw:
 * @self: a notifier
 * @id: a notification id
 *
 * Takes the notification away, if it is still shown. Returns at once.
 */
void
tend_notifier_withdraw (TendNotifier *self,
                        const char   *id)
{
  TendNotifierInterface *iface;

  g_return_if_fail (TEND_IS_NOTIFIER (self));
  g_return_if_fail (id != NULL);

  iface = TEND_NOTIFIER_GET_IFACE (self);
  if (iface->withdraw != NULL)
    iface->withdraw (self, id);
}

/**
 * tend_notifier_emit_action_invoked:
 * @self: a notifier
 * @id: the notification's id
 * @action: the action's name
 * @target: (nullable): the action's target
 *
 * For implementations: a person pressed a button.
 */
void
tend_notifier_emit_action_invoked (TendNotifier *self,
                                   const char   *id,
                                   const char   *action,
                                   GVariant     *target)
{
  g_return_if_fail (TEND_IS_NOTIFIER (self));
  g_return_if_fail (id != NULL && action != NULL);

  g_signal_emit_by_name (self, "action-invoked", id, action, target);
}
