/* tend-notifier.c — telling people about incidents: the notification and its outputs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The words of a notification are made here, once, for every output: the desktop, the
 * log and the webhook show the same title and body, in the language of the process that
 * sends them (gettext, text domain "tend"; each title and body is a whole sentence of
 * the catalogue). Nothing of them is stored: an incident's record says which kind was
 * sent, not the words. Which kinds are sent at all is the configuration's
 * notifications.* keys, read by tend_notification_wanted().
 */
#define G_LOG_DOMAIN "Tend-Notify"

#include "config.h"

#include <glib/gi18n-lib.h>

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

/* The notifications' words are whole sentences, one for each case, so that a language
 * may say each its own way: nothing here is put together from pieces of a sentence.
 * Tables are indexed by trouble (TendNotificationTrouble, one row each) and by step
 * (reload, start, restart: one column each). */
#define N_TROUBLES (TEND_NOTIFICATION_TROUBLE_OVER_LIMIT + 1)
#define N_STEPS    (TEND_RECOVERY_STEP_RESTART + 1)

static guint
trouble_index (TendNotificationTrouble trouble)
{
  return (guint) trouble < N_TROUBLES ? (guint) trouble : TEND_NOTIFICATION_TROUBLE_UNHEALTHY;
}

static guint
step_index (TendRecoveryStep step)
{
  return (guint) step < N_STEPS ? (guint) step : TEND_RECOVERY_STEP_RESTART;
}

/* The title of a service in trouble: "web.service on this computer stopped answering". */
static char *
title_failed (guint       trouble,
              const char *unit,
              const char *host)
{
  switch (trouble)
    {
    case TEND_NOTIFICATION_TROUBLE_FAILED:
      /* Translators: a notification's title; the first %s is a unit ("web.service"), the
       * second a host as people call it ("this computer", "web1") */
      return g_strdup_printf (_("%s on %s failed"), unit, host);
    case TEND_NOTIFICATION_TROUBLE_STOPPED:
      /* Translators: a notification's title; the first %s is a unit, the second a host */
      return g_strdup_printf (_("%s on %s stopped"), unit, host);
    case TEND_NOTIFICATION_TROUBLE_NOT_ANSWERING:
      /* Translators: a notification's title: its checks get no answer (refused, timed
       * out); the first %s is a unit, the second a host */
      return g_strdup_printf (_("%s on %s stopped answering"), unit, host);
    case TEND_NOTIFICATION_TROUBLE_BAD_ANSWERS:
      /* Translators: a notification's title: it answers its checks, but not as it
       * should; the first %s is a unit, the second a host */
      return g_strdup_printf (_("%s on %s answers with errors"), unit, host);
    case TEND_NOTIFICATION_TROUBLE_OVER_LIMIT:
      /* Translators: a notification's title: its memory, CPU… is past a threshold; the
       * first %s is a unit, the second a host */
      return g_strdup_printf (_("%s on %s is over its limits"), unit, host);
    case TEND_NOTIFICATION_TROUBLE_UNHEALTHY:
    default:
      /* Translators: a notification's title; the first %s is a unit, the second a host */
      return g_strdup_printf (_("%s on %s fails its checks"), unit, host);
    }
}

/* A service in trouble, what Tend does now, by step. */
static const char *const body_recovering[N_STEPS] = {
  N_("Tend is reloading it."),
  N_("Tend is starting it."),
  N_("Tend is restarting it."),
};

static const char *const body_waiting[N_STEPS] = {
  N_("Tend will reload it after a pause."),
  N_("Tend will start it after a pause."),
  N_("Tend will restart it after a pause."),
};

/* A service recovered: what was wrong, what Tend did and how it is now. */
static const char *const body_recovered[N_TROUBLES][N_STEPS] = {
  [TEND_NOTIFICATION_TROUBLE_UNHEALTHY] = {
    N_("It failed its checks; Tend reloaded it and it passes its checks again."),
    N_("It failed its checks; Tend started it and it passes its checks again."),
    N_("It failed its checks; Tend restarted it and it passes its checks again."),
  },
  [TEND_NOTIFICATION_TROUBLE_FAILED] = {
    N_("It failed; Tend reloaded it and it runs again."),
    N_("It failed; Tend started it and it runs again."),
    N_("It failed; Tend restarted it and it runs again."),
  },
  [TEND_NOTIFICATION_TROUBLE_STOPPED] = {
    N_("It stopped; Tend reloaded it and it runs again."),
    N_("It stopped; Tend started it and it runs again."),
    N_("It stopped; Tend restarted it and it runs again."),
  },
  [TEND_NOTIFICATION_TROUBLE_NOT_ANSWERING] = {
    N_("It stopped answering; Tend reloaded it and it answers again."),
    N_("It stopped answering; Tend started it and it answers again."),
    N_("It stopped answering; Tend restarted it and it answers again."),
  },
  [TEND_NOTIFICATION_TROUBLE_BAD_ANSWERS] = {
    N_("It answered with errors; Tend reloaded it and it answers properly again."),
    N_("It answered with errors; Tend started it and it answers properly again."),
    N_("It answered with errors; Tend restarted it and it answers properly again."),
  },
  [TEND_NOTIFICATION_TROUBLE_OVER_LIMIT] = {
    N_("It went over its limits; Tend reloaded it and it is within its limits again."),
    N_("It went over its limits; Tend started it and it is within its limits again."),
    N_("It went over its limits; Tend restarted it and it is within its limits again."),
  },
};

static const char *const body_by_itself[N_TROUBLES] = {
  [TEND_NOTIFICATION_TROUBLE_UNHEALTHY] =
    N_("It failed its checks and passes its checks again by itself; Tend did not need to "
       "act."),
  [TEND_NOTIFICATION_TROUBLE_FAILED] =
    N_("It failed and runs again by itself; Tend did not need to act."),
  [TEND_NOTIFICATION_TROUBLE_STOPPED] =
    N_("It stopped and runs again by itself; Tend did not need to act."),
  [TEND_NOTIFICATION_TROUBLE_NOT_ANSWERING] =
    N_("It stopped answering and answers again by itself; Tend did not need to act."),
  [TEND_NOTIFICATION_TROUBLE_BAD_ANSWERS] =
    N_("It answered with errors and answers properly again by itself; Tend did not need "
       "to act."),
  [TEND_NOTIFICATION_TROUBLE_OVER_LIMIT] =
    N_("It went over its limits and is within its limits again by itself; Tend did not "
       "need to act."),
};

static const char *const body_well_again[N_TROUBLES] = {
  [TEND_NOTIFICATION_TROUBLE_UNHEALTHY] = N_("It passes its checks again."),
  [TEND_NOTIFICATION_TROUBLE_FAILED] = N_("It runs again."),
  [TEND_NOTIFICATION_TROUBLE_STOPPED] = N_("It runs again."),
  [TEND_NOTIFICATION_TROUBLE_NOT_ANSWERING] = N_("It answers again."),
  [TEND_NOTIFICATION_TROUBLE_BAD_ANSWERS] = N_("It answers properly again."),
  [TEND_NOTIFICATION_TROUBLE_OVER_LIMIT] = N_("It is within its limits again."),
};

/* A recovery that did not help, by why. */
static const char *const body_step_failed[N_STEPS] = {
  N_("Tend could not bring it back: the reload itself failed."),
  N_("Tend could not bring it back: the start itself failed."),
  N_("Tend could not bring it back: the restart itself failed."),
};

static const char *const body_failed_again[N_TROUBLES][N_STEPS] = {
  [TEND_NOTIFICATION_TROUBLE_UNHEALTHY] = {
    N_("Tend could not bring it back: it failed its checks again right after a reload."),
    N_("Tend could not bring it back: it failed its checks again right after a start."),
    N_("Tend could not bring it back: it failed its checks again right after a restart."),
  },
  [TEND_NOTIFICATION_TROUBLE_FAILED] = {
    N_("Tend could not bring it back: it failed again right after a reload."),
    N_("Tend could not bring it back: it failed again right after a start."),
    N_("Tend could not bring it back: it failed again right after a restart."),
  },
  [TEND_NOTIFICATION_TROUBLE_STOPPED] = {
    N_("Tend could not bring it back: it stopped again right after a reload."),
    N_("Tend could not bring it back: it stopped again right after a start."),
    N_("Tend could not bring it back: it stopped again right after a restart."),
  },
  [TEND_NOTIFICATION_TROUBLE_NOT_ANSWERING] = {
    N_("Tend could not bring it back: it stopped answering again right after a reload."),
    N_("Tend could not bring it back: it stopped answering again right after a start."),
    N_("Tend could not bring it back: it stopped answering again right after a restart."),
  },
  [TEND_NOTIFICATION_TROUBLE_BAD_ANSWERS] = {
    N_("Tend could not bring it back: it answered with errors again right after a "
       "reload."),
    N_("Tend could not bring it back: it answered with errors again right after a start."),
    N_("Tend could not bring it back: it answered with errors again right after a "
       "restart."),
  },
  [TEND_NOTIFICATION_TROUBLE_OVER_LIMIT] = {
    N_("Tend could not bring it back: it went over its limits again right after a "
       "reload."),
    N_("Tend could not bring it back: it went over its limits again right after a "
       "start."),
    N_("Tend could not bring it back: it went over its limits again right after a "
       "restart."),
  },
};

static const char *const body_did_not_help[N_STEPS] = {
  N_("Tend could not bring it back: reloading it did not help."),
  N_("Tend could not bring it back: starting it did not help."),
  N_("Tend could not bring it back: restarting it did not help."),
};

/* Appends a sentence to @text on a line of its own. */
static void
append_line (GString    *text,
             const char *format,
             ...) G_GNUC_PRINTF (2, 3);

static void
append_line (GString    *text,
             const char *format,
             ...)
{
  va_list args;

  if (text->len > 0)
    g_string_append_c (text, '\n');
  va_start (args, format);
  g_string_append_vprintf (text, format, args);
  va_end (args);
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
 * command line, never an internal id — in the language of the process's locale (the
 * text domain "tend"): each title and each body is one sentence in the catalogue.
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
  const char *root = root_cause_unit != NULL && *root_cause_unit != '\0' ? root_cause_unit
                                                                         : NULL;
  const char *host = host_label != NULL && *host_label != '\0' ? host_label
                                                               : _("this computer");
  guint trouble;
  guint step;
  TendNotificationResponse response;
  g_autoptr(GString) text = g_string_new (NULL);

  g_return_if_fail (tend_enum_to_nick (TEND_TYPE_NOTIFICATION_KIND, kind) != NULL);
  g_return_if_fail (unit != NULL);
  g_return_if_fail (title != NULL && body != NULL);

  if (facts == NULL)
    facts = &none;
  trouble = trouble_index (facts->trouble);
  step = step_index (facts->step);
  response = facts->response;

  switch (kind)
    {
    case TEND_NOTIFICATION_FAILED:
      if (root != NULL)
        /* Translators: a notification's title; the first %s is a unit ("web.service"),
         * the second a host ("this computer", "web1"), the third the unit the first
         * depends on */
        *title = g_strdup_printf (_("%s on %s is down because %s is down"), unit, host, root);
      else
        *title = title_failed (trouble, unit, host);
      if (response == TEND_NOTIFICATION_RESPONSE_RECOVERING)
        append_line (text, "%s", _(body_recovering[step]));
      else if (response == TEND_NOTIFICATION_RESPONSE_WAITING)
        append_line (text, "%s", _(body_waiting[step]));
      else if (response == TEND_NOTIFICATION_RESPONSE_HANDS_OFF)
        append_line (text, "%s", _("Tend does not bring it back by itself; open it to see "
                                   "what is wrong."));
      else if (root != NULL)
        /* Translators: %s is the unit the service depends on, which is down */
        append_line (text, _("Tend brings %s back first."), root);
      else
        append_line (text, "%s", _("Open it to see what is wrong."));
      break;

    case TEND_NOTIFICATION_RECOVERED:
      /* Translators: a notification's title; the first %s is a unit, the second a host */
      *title = g_strdup_printf (_("%s on %s recovered"), unit, host);
      if (response == TEND_NOTIFICATION_RESPONSE_RECOVERED)
        append_line (text, "%s", _(body_recovered[trouble][step]));
      else if (response == TEND_NOTIFICATION_RESPONSE_BY_ITSELF)
        append_line (text, "%s", _(body_by_itself[trouble]));
      else
        append_line (text, "%s", _(body_well_again[trouble]));
      if (root != NULL)
        /* Translators: %s is the unit the service depends on */
        append_line (text, _("It was down because %s was down."), root);
      break;

    case TEND_NOTIFICATION_RECOVERY_FAILED:
      if (root != NULL)
        /* Translators: a notification's title; the first %s is a unit, the second a host,
         * the third the unit the first depends on */
        *title = g_strdup_printf (_("%s on %s is still down because %s is down"), unit, host,
                                  root);
      else
        /* Translators: a notification's title; the first %s is a unit, the second a host */
        *title = g_strdup_printf (_("%s on %s is still down"), unit, host);
      if (response == TEND_NOTIFICATION_RESPONSE_STEP_FAILED)
        append_line (text, "%s", _(body_step_failed[step]));
      else if (response == TEND_NOTIFICATION_RESPONSE_FAILED_AGAIN)
        append_line (text, "%s", _(body_failed_again[trouble][step]));
      else
        append_line (text, "%s", _(body_did_not_help[step]));
      break;

    case TEND_NOTIFICATION_MANUAL_INTERVENTION:
      /* Translators: a notification's title; the first %s is a unit, the second a host */
      *title = g_strdup_printf (_("%s on %s keeps failing"), unit, host);
      if (response == TEND_NOTIFICATION_RESPONSE_GAVE_UP && facts->tries > 0)
        /* Translators: %u is how many recoveries Tend tried */
        append_line (text, g_dngettext (GETTEXT_PACKAGE,
                                        "Tend stopped restarting it after %u try and needs "
                                        "you to look: open it to read its log, mend the "
                                        "cause, then restart it.",
                                        "Tend stopped restarting it after %u tries and needs "
                                        "you to look: open it to read its log, mend the "
                                        "cause, then restart it.", facts->tries),
                     facts->tries);
      else
        append_line (text, "%s", _("Tend stopped restarting it and needs you to look: open "
                                   "it to read its log, mend the cause, then restart it."));
      if (root != NULL)
        /* Translators: %s is the unit the service depends on */
        append_line (text, _("It is down because %s is down."), root);
      break;

    case TEND_NOTIFICATION_DEGRADED:
      /* Translators: a notification's title; the first %s is a unit, the second a host */
      *title = g_strdup_printf (_("%s on %s needs attention"), unit, host);
      append_line (text, "%s", _("Some of its checks warn; Tend leaves it running and keeps "
                                 "watching."));
      if (root != NULL)
        /* Translators: %s is the unit the service depends on */
        append_line (text, _("It may be because %s is down."), root);
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
    host_label = host != NULL ? host : _("this computer");

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
    add_action (self, TEND_NOTIFICATION_ACTION_RESTART, _("Restart"));
  add_action (self, TEND_NOTIFICATION_ACTION_OPEN, _("Open"));
  if (kind != TEND_NOTIFICATION_RECOVERED)
    /* Translators: a notification's button: no notification about it for an hour */
    add_action (self, TEND_NOTIFICATION_ACTION_SILENCE_1H, _("Silence 1 h"));

  return self;
}

/* The title and the closing sentence of a host's notification, by why it is out of reach:
 * only a host that lost its connection comes back by itself; the others wait for a
 * person (a key to add, a fingerprint to confirm, a changed key to check). */
static void
host_state_words (TendHostState  state,
                  const char    *host_label,
                  char         **title,
                  const char   **body)
{
  switch (state)
    {
    case TEND_HOST_STATE_CONNECTED:
      /* Translators: a notification's title; %s is a host ("web1") */
      *title = g_strdup_printf (_("%s is reachable again"), host_label);
      *body = _("Tend checks its services again, and recovers them when they need it.");
      break;
    case TEND_HOST_STATE_AUTH_FAILED:
      /* Translators: a notification's title; %s is a host ("web1") */
      *title = g_strdup_printf (_("%s refuses Tend's keys"), host_label);
      *body = _("Its services are unknown, and Tend recovers none of them, until a key it "
                "accepts is in your SSH agent or ~/.ssh; Tend then connects by itself.");
      break;
    case TEND_HOST_STATE_HOST_KEY_UNKNOWN:
      /* Translators: a notification's title; %s is a host ("web1") */
      *title = g_strdup_printf (_("%s's host key is not confirmed"), host_label);
      *body = _("Tend does not connect to it until you confirm its fingerprint on the "
                "host's page; its services are unknown meanwhile.");
      break;
    case TEND_HOST_STATE_HOST_KEY_CHANGED:
      /* Translators: a notification's title; %s is a host ("web1") */
      *title = g_strdup_printf (_("%s's host key has changed"), host_label);
      *body = _("Tend does not connect to it until the new key is checked; its services "
                "are unknown meanwhile.");
      break;
    case TEND_HOST_STATE_RECONNECTING:
    case TEND_HOST_STATE_DISCONNECTED:
    case TEND_HOST_STATE_CONNECTING:
    default:
      /* Translators: a notification's title; %s is a host ("web1") */
      *title = g_strdup_printf (_("%s is unreachable"), host_label);
      *body = _("Its services are unknown until it is back, and Tend recovers none of them "
                "meanwhile; it reconnects by itself.");
      break;
    }
}

/**
 * tend_notification_new_for_host:
 * @state: the host's state: %TEND_HOST_STATE_CONNECTED when it is back, else why it
 *   cannot be reached
 * @host: the host's name in the inventory
 * @host_label: (nullable): how people call it; %NULL for @host
 * @message: (nullable): the host's own sentence on why it cannot be reached
 *
 * The one notification about a remote host that cannot be reached ("web1 is
 * unreachable", "web1's host key has changed"), or is back: its id is the host's
 * ("host-web1"), so the second replaces the first. Its kind is
 * %TEND_NOTIFICATION_HOST_REACHABLE or %TEND_NOTIFICATION_HOST_UNREACHABLE. It has no
 * buttons and names no unit (@unit is "").
 *
 * Returns: (transfer full): the notification
 */
TendNotification *
tend_notification_new_for_host (TendHostState  state,
                                const char    *host,
                                const char    *host_label,
                                const char    *message)
{
  TendNotificationReal *real;
  TendNotification *self;
  const char *body;

  g_return_val_if_fail (host != NULL && *host != '\0', NULL);

  if (host_label == NULL || *host_label == '\0')
    host_label = host;

  real = g_new0 (TendNotificationReal, 1);
  g_atomic_ref_count_init (&real->ref_count);
  self = &real->public;

  self->id = g_strdup_printf ("host-%s", host);
  host_state_words (state, host_label, &self->title, &body);
  if (state == TEND_HOST_STATE_CONNECTED)
    {
      self->kind = TEND_NOTIFICATION_HOST_REACHABLE;
      self->urgency = TEND_NOTIFICATION_URGENCY_NORMAL;
      self->body = g_strdup (body);
    }
  else
    {
      self->kind = TEND_NOTIFICATION_HOST_UNREACHABLE;
      self->urgency = TEND_NOTIFICATION_URGENCY_CRITICAL;
      /* the host's own sentence on why first, on a line of its own */
      if (message != NULL && *message != '\0')
        self->body = g_strconcat (message, "\n", body, NULL);
      else
        self->body = g_strdup (body);
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
