/* test-notification.c — the words, ids and buttons of a notification; the filter; the
 * log and multi notifiers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure: nothing here talks to a bus or a server (test-notifier does, against
 * python3-dbusmock and a SoupServer). The multi notifier is exercised with a recording
 * notifier defined below, an implementation of Tend's own interface.
 */
#define G_LOG_DOMAIN "Tend"

#include <libintl.h>
#include <locale.h>
#include <string.h>

#include "tend-config.h"
#include "tend-log-notifier.h"
#include "tend-multi-notifier.h"
#include "tend-notifier.h"

/* ------------------------------------------------------------------------------------ */
/* A notifier that records what it is told                                              */

#define TEST_TYPE_RECORDER (test_recorder_get_type ())
G_DECLARE_FINAL_TYPE (TestRecorder, test_recorder, TEST, RECORDER, GObject)

struct _TestRecorder
{
  GObject parent_instance;
  GPtrArray *sent;             /* (element-type TendNotification) */
  GPtrArray *withdrawn;        /* (element-type utf8) */
};

static void test_recorder_iface_init (TendNotifierInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TestRecorder, test_recorder, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (TEND_TYPE_NOTIFIER,
                                                      test_recorder_iface_init))

static void
test_recorder_send (TendNotifier     *notifier,
                    TendNotification *notification)
{
  g_ptr_array_add (TEST_RECORDER (notifier)->sent, tend_notification_ref (notification));
}

static void
test_recorder_withdraw (TendNotifier *notifier,
                        const char   *id)
{
  g_ptr_array_add (TEST_RECORDER (notifier)->withdrawn, g_strdup (id));
}

static void
test_recorder_iface_init (TendNotifierInterface *iface)
{
  iface->send = test_recorder_send;
  iface->withdraw = test_recorder_withdraw;
}

static void
test_recorder_finalize (GObject *object)
{
  TestRecorder *self = TEST_RECORDER (object);

  g_ptr_array_unref (self->sent);
  g_ptr_array_unref (self->withdrawn);
  G_OBJECT_CLASS (test_recorder_parent_class)->finalize (object);
}

static void
test_recorder_class_init (TestRecorderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_recorder_finalize;
}

static void
test_recorder_init (TestRecorder *self)
{
  self->sent = g_ptr_array_new_with_free_func ((GDestroyNotify) tend_notification_unref);
  self->withdrawn = g_ptr_array_new_with_free_func (g_free);
}

/* ------------------------------------------------------------------------------------ */
/* The log, captured                                                                     */

typedef struct
{
  GLogLevelFlags level;
  char *message;
  char *id;
  char *unit;
  char *host;
  char *incident;
} LogRecord;

static GPtrArray *captured_log;  /* (element-type LogRecord) while a test collects */

static void
log_record_free (gpointer data)
{
  LogRecord *record = data;

  g_free (record->message);
  g_free (record->id);
  g_free (record->unit);
  g_free (record->host);
  g_free (record->incident);
  g_free (record);
}

static GLogWriterOutput
log_writer (GLogLevelFlags   level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  LogRecord *record;

  if (captured_log == NULL || (level & (G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE)) == 0)
    return g_log_writer_default (level, fields, n_fields, user_data);

  record = g_new0 (LogRecord, 1);
  record->level = level & G_LOG_LEVEL_MASK;
  for (gsize i = 0; i < n_fields; i++)
    {
      char **slot = NULL;

      if (g_str_equal (fields[i].key, "MESSAGE"))
        slot = &record->message;
      else if (g_str_equal (fields[i].key, "TEND_NOTIFICATION_ID"))
        slot = &record->id;
      else if (g_str_equal (fields[i].key, "TEND_UNIT"))
        slot = &record->unit;
      else if (g_str_equal (fields[i].key, "TEND_HOST"))
        slot = &record->host;
      else if (g_str_equal (fields[i].key, "TEND_INCIDENT"))
        slot = &record->incident;
      if (slot != NULL)
        *slot = g_strdup (fields[i].value);
    }
  g_ptr_array_add (captured_log, record);
  return G_LOG_WRITER_HANDLED;
}

/* ------------------------------------------------------------------------------------ */
/* Words                                                                                 */

/* No notification names a command line or an internal host id. */
static void
assert_plain (const char *text)
{
  g_assert_null (strstr (text, "tendctl"));
  g_assert_null (strstr (text, "local-user"));
  g_assert_null (strstr (text, "local-system"));
}

static void
assert_format (TendNotificationKind      kind,
               const char               *host_label,
               TendNotificationTrouble   trouble,
               TendNotificationResponse  response,
               TendRecoveryStep          step,
               guint                     tries,
               const char               *root,
               const char               *expected_title,
               const char               *expected_body)
{
  TendNotificationFacts facts = {
    .trouble = trouble, .response = response, .step = step, .tries = tries,
  };
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;

  tend_notification_format (kind, host_label, "web.service", &facts, root, &title, &body);
  g_assert_cmpstr (title, ==, expected_title);
  g_assert_cmpstr (body, ==, expected_body);
  assert_plain (title);
  assert_plain (body);
}

static void
test_format (void)
{
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;

  /* Failed: what is wrong, and what Tend is doing about it. */
  assert_format (TEND_NOTIFICATION_FAILED, "this computer", TEND_NOTIFICATION_TROUBLE_FAILED,
                 TEND_NOTIFICATION_RESPONSE_RECOVERING, TEND_RECOVERY_STEP_RESTART, 0, NULL,
                 "web.service on this computer failed", "Tend is restarting it.");
  assert_format (TEND_NOTIFICATION_FAILED, "web1", TEND_NOTIFICATION_TROUBLE_NOT_ANSWERING,
                 TEND_NOTIFICATION_RESPONSE_RECOVERING, TEND_RECOVERY_STEP_RELOAD, 0, NULL,
                 "web.service on web1 stopped answering", "Tend is reloading it.");
  assert_format (TEND_NOTIFICATION_FAILED, "this computer (system)",
                 TEND_NOTIFICATION_TROUBLE_STOPPED, TEND_NOTIFICATION_RESPONSE_WAITING,
                 TEND_RECOVERY_STEP_START, 0, NULL,
                 "web.service on this computer (system) stopped",
                 "Tend will start it after a pause.");
  assert_format (TEND_NOTIFICATION_FAILED, NULL, TEND_NOTIFICATION_TROUBLE_BAD_ANSWERS,
                 TEND_NOTIFICATION_RESPONSE_HANDS_OFF, TEND_RECOVERY_STEP_RESTART, 0, NULL,
                 "web.service on this computer answers with errors",
                 "Tend does not bring it back by itself; open it to see what is wrong.");
  assert_format (TEND_NOTIFICATION_FAILED, "", TEND_NOTIFICATION_TROUBLE_OVER_LIMIT,
                 TEND_NOTIFICATION_RESPONSE_NONE, TEND_RECOVERY_STEP_RESTART, 0, NULL,
                 "web.service on this computer is over its limits",
                 "Open it to see what is wrong.");
  assert_format (TEND_NOTIFICATION_FAILED, "web1", TEND_NOTIFICATION_TROUBLE_UNHEALTHY,
                 TEND_NOTIFICATION_RESPONSE_NONE, TEND_RECOVERY_STEP_RESTART, 0, NULL,
                 "web.service on web1 fails its checks", "Open it to see what is wrong.");
  assert_format (TEND_NOTIFICATION_FAILED, "this computer", TEND_NOTIFICATION_TROUBLE_FAILED,
                 TEND_NOTIFICATION_RESPONSE_NONE, TEND_RECOVERY_STEP_RESTART, 0, "db.service",
                 "web.service on this computer is down because db.service is down",
                 "Tend brings db.service back first.");
  assert_format (TEND_NOTIFICATION_FAILED, "web1", TEND_NOTIFICATION_TROUBLE_FAILED,
                 TEND_NOTIFICATION_RESPONSE_RECOVERING, TEND_RECOVERY_STEP_RESTART, 0,
                 "db.service", "web.service on web1 is down because db.service is down",
                 "Tend is restarting it.");

  /* Recovered: what it was, what Tend did, and that it works again. */
  assert_format (TEND_NOTIFICATION_RECOVERED, "this computer",
                 TEND_NOTIFICATION_TROUBLE_NOT_ANSWERING, TEND_NOTIFICATION_RESPONSE_RECOVERED,
                 TEND_RECOVERY_STEP_RESTART, 0, NULL,
                 "web.service on this computer recovered",
                 "It stopped answering; Tend restarted it and it answers again.");
  assert_format (TEND_NOTIFICATION_RECOVERED, "web1", TEND_NOTIFICATION_TROUBLE_STOPPED,
                 TEND_NOTIFICATION_RESPONSE_RECOVERED, TEND_RECOVERY_STEP_START, 0, NULL,
                 "web.service on web1 recovered",
                 "It stopped; Tend started it and it runs again.");
  assert_format (TEND_NOTIFICATION_RECOVERED, NULL, TEND_NOTIFICATION_TROUBLE_OVER_LIMIT,
                 TEND_NOTIFICATION_RESPONSE_BY_ITSELF, TEND_RECOVERY_STEP_RESTART, 0, NULL,
                 "web.service on this computer recovered",
                 "It went over its limits and is within its limits again by itself; Tend did "
                 "not need to act.");
  assert_format (TEND_NOTIFICATION_RECOVERED, "web1", TEND_NOTIFICATION_TROUBLE_BAD_ANSWERS,
                 TEND_NOTIFICATION_RESPONSE_RECOVERED, TEND_RECOVERY_STEP_RELOAD, 0,
                 "db.service", "web.service on web1 recovered",
                 "It answered with errors; Tend reloaded it and it answers properly again.\n"
                 "It was down because db.service was down.");
  assert_format (TEND_NOTIFICATION_RECOVERED, "this computer",
                 TEND_NOTIFICATION_TROUBLE_UNHEALTHY, TEND_NOTIFICATION_RESPONSE_NONE,
                 TEND_RECOVERY_STEP_RESTART, 0, NULL,
                 "web.service on this computer recovered", "It passes its checks again.");

  /* Recovery failed: the step itself, or the service right after it. */
  assert_format (TEND_NOTIFICATION_RECOVERY_FAILED, "this computer",
                 TEND_NOTIFICATION_TROUBLE_FAILED, TEND_NOTIFICATION_RESPONSE_FAILED_AGAIN,
                 TEND_RECOVERY_STEP_RESTART, 0, NULL,
                 "web.service on this computer is still down",
                 "Tend could not bring it back: it failed again right after a restart.");
  assert_format (TEND_NOTIFICATION_RECOVERY_FAILED, "web1",
                 TEND_NOTIFICATION_TROUBLE_STOPPED, TEND_NOTIFICATION_RESPONSE_STEP_FAILED,
                 TEND_RECOVERY_STEP_START, 0, NULL,
                 "web.service on web1 is still down",
                 "Tend could not bring it back: the start itself failed.");
  assert_format (TEND_NOTIFICATION_RECOVERY_FAILED, NULL, TEND_NOTIFICATION_TROUBLE_FAILED,
                 TEND_NOTIFICATION_RESPONSE_NONE, TEND_RECOVERY_STEP_RESTART, 0, "db.service",
                 "web.service on this computer is still down because db.service is down",
                 "Tend could not bring it back: restarting it did not help.");

  /* Manual intervention: how many tries, and what is left to a person. */
  assert_format (TEND_NOTIFICATION_MANUAL_INTERVENTION, "this computer",
                 TEND_NOTIFICATION_TROUBLE_FAILED, TEND_NOTIFICATION_RESPONSE_GAVE_UP,
                 TEND_RECOVERY_STEP_RESTART, 3, NULL,
                 "web.service on this computer keeps failing",
                 "Tend stopped restarting it after 3 tries and needs you to look: open it to "
                 "read its log, mend the cause, then restart it.");
  assert_format (TEND_NOTIFICATION_MANUAL_INTERVENTION, "web1",
                 TEND_NOTIFICATION_TROUBLE_FAILED, TEND_NOTIFICATION_RESPONSE_GAVE_UP,
                 TEND_RECOVERY_STEP_RESTART, 1, "db.service",
                 "web.service on web1 keeps failing",
                 "Tend stopped restarting it after 1 try and needs you to look: open it to "
                 "read its log, mend the cause, then restart it.\n"
                 "It is down because db.service is down.");
  assert_format (TEND_NOTIFICATION_MANUAL_INTERVENTION, NULL,
                 TEND_NOTIFICATION_TROUBLE_FAILED, TEND_NOTIFICATION_RESPONSE_GAVE_UP,
                 TEND_RECOVERY_STEP_RESTART, 0, NULL,
                 "web.service on this computer keeps failing",
                 "Tend stopped restarting it and needs you to look: open it to read its log, "
                 "mend the cause, then restart it.");

  /* Degraded. */
  assert_format (TEND_NOTIFICATION_DEGRADED, "web1", TEND_NOTIFICATION_TROUBLE_UNHEALTHY,
                 TEND_NOTIFICATION_RESPONSE_NONE, TEND_RECOVERY_STEP_RESTART, 0, NULL,
                 "web.service on web1 needs attention",
                 "Some of its checks warn; Tend leaves it running and keeps watching.");
  assert_format (TEND_NOTIFICATION_DEGRADED, "this computer",
                 TEND_NOTIFICATION_TROUBLE_UNHEALTHY, TEND_NOTIFICATION_RESPONSE_NONE,
                 TEND_RECOVERY_STEP_RESTART, 0, "db.service",
                 "web.service on this computer needs attention",
                 "Some of its checks warn; Tend leaves it running and keeps watching.\n"
                 "It may be because db.service is down.");

  /* Without facts: its checks fail, nothing said of Tend. */
  tend_notification_format (TEND_NOTIFICATION_FAILED, NULL, "web.service", NULL, NULL,
                            &title, &body);
  g_assert_cmpstr (title, ==, "web.service on this computer fails its checks");
  g_assert_cmpstr (body, ==, "Open it to see what is wrong.");
}

/* Every kind, every trouble and response, local and remote, with and without a root
 * cause: never a command line, never an internal id, never an empty text. */
static void
test_format_plain (void)
{
  const char *hosts[] = { NULL, "this computer", "this computer (system)", "web1" };
  const char *roots[] = { NULL, "db.service" };

  for (guint kind = TEND_NOTIFICATION_FAILED; kind <= TEND_NOTIFICATION_DEGRADED; kind++)
    for (guint trouble = 0; trouble <= TEND_NOTIFICATION_TROUBLE_OVER_LIMIT; trouble++)
      for (guint response = 0; response <= TEND_NOTIFICATION_RESPONSE_GAVE_UP; response++)
        for (guint step = 0; step <= TEND_RECOVERY_STEP_RESTART; step++)
          for (guint h = 0; h < G_N_ELEMENTS (hosts); h++)
            for (guint r = 0; r < G_N_ELEMENTS (roots); r++)
              {
                TendNotificationFacts facts = { trouble, response, step, 2 };
                g_autoptr(TendNotification) notification = NULL;

                const char *names[] = { NULL, "local-user", "local-system", "web1" };

                notification = tend_notification_new (kind, names[h], hosts[h], "web.service",
                                                      3, &facts, roots[r]);
                g_assert_true (g_str_has_prefix (notification->title, "web.service on "));
                g_assert_cmpuint (strlen (notification->body), >, 0);
                assert_plain (notification->title);
                assert_plain (notification->body);
              }
}

static void
test_kind_names (void)
{
  g_assert_cmpstr (tend_notification_kind_to_string (TEND_NOTIFICATION_FAILED), ==,
                   "failed");
  g_assert_cmpstr (tend_notification_kind_to_string (TEND_NOTIFICATION_RECOVERED), ==,
                   "recovered");
  g_assert_cmpstr (tend_notification_kind_to_string (TEND_NOTIFICATION_RECOVERY_FAILED),
                   ==, "recovery-failed");
  g_assert_cmpstr (tend_notification_kind_to_string (TEND_NOTIFICATION_MANUAL_INTERVENTION),
                   ==, "manual-intervention");
  g_assert_cmpstr (tend_notification_kind_to_string (TEND_NOTIFICATION_DEGRADED), ==,
                   "degraded");
}

static void
test_ids (void)
{
  g_autofree char *incident = tend_notification_dup_id ("web1", "web.service", 42);
  g_autofree char *local = tend_notification_dup_id (NULL, "web.service", 0);
  g_autofree char *remote = tend_notification_dup_id ("web1", "web.service", 0);

  g_assert_cmpstr (incident, ==, "incident-42");
  g_assert_cmpstr (local, ==, "unit-web.service");
  g_assert_cmpstr (remote, ==, "unit-web.service@web1");
}

static void
assert_actions (const TendNotification *notification,
                const char * const     *expected)
{
  g_assert_cmpuint (notification->actions->len, ==, g_strv_length ((GStrv) expected) / 2);
  for (guint i = 0; i < notification->actions->len; i++)
    {
      const TendNotificationAction *action = notification->actions->pdata[i];

      g_assert_cmpstr (action->name, ==, expected[2 * i]);
      g_assert_cmpstr (action->label, ==, expected[2 * i + 1]);
      {
        const char *host = NULL;
        const char *unit = NULL;

        g_assert_true (tend_notification_parse_target (action->target, &host, &unit));
        g_assert_cmpstr (unit, ==, notification->unit);
        g_assert_cmpstr (host, ==, notification->host != NULL ? notification->host : "");
      }
      g_assert_true (tend_notification_find_action (notification, action->name) == action);
    }
}

static void
test_new (void)
{
  static const char * const incident_actions[] = {
    "restart", "Restart", "open", "Open", "silence-1h", "Silence 1 h", NULL
  };
  static const char * const recovered_actions[] = { "open", "Open", NULL };
  gint64 before = g_get_real_time ();
  g_autoptr(TendNotification) failed = NULL;
  g_autoptr(TendNotification) manual = NULL;
  g_autoptr(TendNotification) recovered = NULL;
  g_autoptr(TendNotification) degraded = NULL;
  g_autoptr(TendNotification) lost = NULL;

  TendNotificationFacts restarting = {
    TEND_NOTIFICATION_TROUBLE_FAILED, TEND_NOTIFICATION_RESPONSE_RECOVERING,
    TEND_RECOVERY_STEP_RESTART, 0
  };

  failed = tend_notification_new (TEND_NOTIFICATION_FAILED, "local-user", "this computer",
                                  "web.service", 7, &restarting, NULL);
  g_assert_cmpstr (failed->id, ==, "incident-7");
  g_assert_cmpint (failed->kind, ==, TEND_NOTIFICATION_FAILED);
  g_assert_cmpint (failed->urgency, ==, TEND_NOTIFICATION_URGENCY_CRITICAL);
  g_assert_cmpstr (failed->title, ==, "web.service on this computer failed");
  g_assert_cmpstr (failed->body, ==, "Tend is restarting it.");
  /* The buttons name the host as the inventory does; the words as people do. */
  g_assert_cmpstr (failed->host, ==, "local-user");
  g_assert_cmpstr (failed->host_label, ==, "this computer");
  g_assert_cmpstr (failed->unit, ==, "web.service");
  g_assert_cmpint (failed->incident_id, ==, 7);
  g_assert_cmpint (failed->time_usec, >=, before);
  g_assert_cmpint (failed->time_usec, <=, g_get_real_time ());
  assert_actions (failed, incident_actions);
  g_assert_null (tend_notification_find_action (failed, "reboot"));

  manual = tend_notification_new (TEND_NOTIFICATION_MANUAL_INTERVENTION, "web1", NULL,
                                  "web.service", 7, NULL, NULL);
  g_assert_cmpstr (manual->id, ==, failed->id);
  g_assert_cmpint (manual->urgency, ==, TEND_NOTIFICATION_URGENCY_CRITICAL);
  g_assert_cmpstr (manual->host, ==, "web1");
  g_assert_cmpstr (manual->host_label, ==, "web1");
  g_assert_cmpstr (manual->title, ==, "web.service on web1 keeps failing");
  assert_actions (manual, incident_actions);

  recovered = tend_notification_new (TEND_NOTIFICATION_RECOVERED, "", NULL, "web.service", 7,
                                     NULL, NULL);
  g_assert_cmpint (recovered->urgency, ==, TEND_NOTIFICATION_URGENCY_NORMAL);
  g_assert_null (recovered->host);
  g_assert_cmpstr (recovered->host_label, ==, "this computer");
  assert_actions (recovered, recovered_actions);

  degraded = tend_notification_new (TEND_NOTIFICATION_DEGRADED, NULL, NULL, "web.service", 0,
                                    NULL, NULL);
  g_assert_cmpstr (degraded->id, ==, "unit-web.service");
  g_assert_cmpint (degraded->urgency, ==, TEND_NOTIFICATION_URGENCY_NORMAL);

  lost = tend_notification_new (TEND_NOTIFICATION_RECOVERY_FAILED, NULL, NULL, "web.service",
                                7, NULL, NULL);
  g_assert_cmpint (lost->urgency, ==, TEND_NOTIFICATION_URGENCY_NORMAL);
  assert_actions (lost, incident_actions);
}

/* ------------------------------------------------------------------------------------ */
/* The filter                                                                            */

static void
set (TendConfig *config,
     const char *key,
     const char *value)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (tend_config_set_from_string (config, key, value, &error));
  g_assert_no_error (error);
}

static void
test_wanted (void)
{
  g_autoptr(TendConfig) config = tend_config_new ();

  /* The defaults: everything but degraded. */
  g_assert_true (tend_notification_wanted (TEND_NOTIFICATION_FAILED, config));
  g_assert_true (tend_notification_wanted (TEND_NOTIFICATION_RECOVERED, config));
  g_assert_true (tend_notification_wanted (TEND_NOTIFICATION_RECOVERY_FAILED, config));
  g_assert_true (tend_notification_wanted (TEND_NOTIFICATION_MANUAL_INTERVENTION, config));
  g_assert_false (tend_notification_wanted (TEND_NOTIFICATION_DEGRADED, config));

  set (config, "notifications.on-degraded", "true");
  set (config, "notifications.on-recovered", "false");
  g_assert_true (tend_notification_wanted (TEND_NOTIFICATION_DEGRADED, config));
  g_assert_false (tend_notification_wanted (TEND_NOTIFICATION_RECOVERED, config));
  g_assert_true (tend_notification_wanted (TEND_NOTIFICATION_FAILED, config));

  set (config, "notifications.enabled", "false");
  for (guint kind = TEND_NOTIFICATION_FAILED; kind <= TEND_NOTIFICATION_DEGRADED; kind++)
    g_assert_false (tend_notification_wanted (kind, config));
}

/* ------------------------------------------------------------------------------------ */
/* The log and the multi notifier                                                        */

static void
test_log_notifier (void)
{
  g_autoptr(TendLogNotifier) log = tend_log_notifier_new ();
  g_autoptr(TendNotification) failed = NULL;
  g_autoptr(TendNotification) recovered = NULL;
  LogRecord *record;

  TendNotificationFacts by_itself = {
    TEND_NOTIFICATION_TROUBLE_NOT_ANSWERING, TEND_NOTIFICATION_RESPONSE_BY_ITSELF,
    TEND_RECOVERY_STEP_RESTART, 0
  };

  failed = tend_notification_new (TEND_NOTIFICATION_FAILED, "web1", NULL, "web.service", 42,
                                  NULL, "db.service");
  recovered = tend_notification_new (TEND_NOTIFICATION_RECOVERED, NULL, NULL, "web.service",
                                     43, &by_itself, "db.service");

  captured_log = g_ptr_array_new_with_free_func (log_record_free);
  tend_notifier_send (TEND_NOTIFIER (log), failed);
  tend_notifier_send (TEND_NOTIFIER (log), recovered);
  tend_notifier_withdraw (TEND_NOTIFIER (log), "incident-43");

  g_assert_cmpuint (captured_log->len, ==, 2);
  record = captured_log->pdata[0];
  g_assert_cmpint (record->level, ==, G_LOG_LEVEL_WARNING);
  g_assert_cmpstr (record->message, ==, "web.service on web1 is down because db.service is "
                   "down: Tend brings db.service back first.");
  g_assert_cmpstr (record->id, ==, "incident-42");
  g_assert_cmpstr (record->unit, ==, "web.service");
  g_assert_cmpstr (record->host, ==, "web1");
  g_assert_cmpstr (record->incident, ==, "42");
  record = captured_log->pdata[1];
  g_assert_cmpint (record->level, ==, G_LOG_LEVEL_MESSAGE);
  /* The body's lines, joined. */
  g_assert_cmpstr (record->message, ==,
                   "web.service on this computer recovered: It stopped answering and answers "
                   "again by itself; Tend did not need to act. It was down because db.service "
                   "was down.");
  g_assert_null (record->host);
  g_clear_pointer (&captured_log, g_ptr_array_unref);
}

static void
action_invoked_cb (TendNotifier *notifier,
                   const char   *id,
                   const char   *action,
                   GVariant     *target,
                   gpointer      user_data)
{
  const char *host = NULL;
  const char *unit = NULL;
  g_autofree char *text = NULL;

  g_assert_true (tend_notification_parse_target (target, &host, &unit));
  text = g_strdup_printf ("%s %s %s", id, action, unit);

  g_ptr_array_add (user_data, g_steal_pointer (&text));
}

static void
test_multi_notifier (void)
{
  g_autoptr(TendConfig) config = tend_config_new ();
  g_autoptr(TendMultiNotifier) multi = tend_multi_notifier_new (config);
  g_autoptr(TestRecorder) desktop = g_object_new (TEST_TYPE_RECORDER, NULL);
  g_autoptr(TestRecorder) log = g_object_new (TEST_TYPE_RECORDER, NULL);
  g_autoptr(TestRecorder) removed = g_object_new (TEST_TYPE_RECORDER, NULL);
  g_autoptr(GPtrArray) invoked = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(TendNotification) failed = NULL;
  g_autoptr(TendNotification) degraded = NULL;
  g_autoptr(GVariant) target = g_variant_ref_sink (g_variant_new ("(ss)", "", "web.service"));

  tend_multi_notifier_add (multi, TEND_NOTIFIER (desktop));
  tend_multi_notifier_add_unfiltered (multi, TEND_NOTIFIER (log));
  tend_multi_notifier_add (multi, TEND_NOTIFIER (removed));
  tend_multi_notifier_remove (multi, TEND_NOTIFIER (removed));
  g_signal_connect (multi, "action-invoked", G_CALLBACK (action_invoked_cb), invoked);

  failed = tend_notification_new (TEND_NOTIFICATION_FAILED, NULL, NULL, "web.service", 1,
                                  NULL, NULL);
  degraded = tend_notification_new (TEND_NOTIFICATION_DEGRADED, NULL, NULL, "web.service", 1,
                                    NULL, NULL);

  tend_notifier_send (TEND_NOTIFIER (multi), failed);
  tend_notifier_send (TEND_NOTIFIER (multi), degraded);
  g_assert_cmpuint (desktop->sent->len, ==, 1);
  g_assert_true (desktop->sent->pdata[0] == failed);
  g_assert_cmpuint (log->sent->len, ==, 2);
  g_assert_cmpuint (removed->sent->len, ==, 0);

  /* The configuration is read at each send. */
  set (config, "notifications.enabled", "false");
  tend_notifier_send (TEND_NOTIFIER (multi), failed);
  g_assert_cmpuint (desktop->sent->len, ==, 1);
  g_assert_cmpuint (log->sent->len, ==, 3);

  tend_notifier_withdraw (TEND_NOTIFIER (multi), "incident-1");
  g_assert_cmpuint (desktop->withdrawn->len, ==, 1);
  g_assert_cmpuint (log->withdrawn->len, ==, 1);
  g_assert_cmpuint (removed->withdrawn->len, ==, 0);

  tend_notifier_emit_action_invoked (TEND_NOTIFIER (desktop), "incident-1", "restart",
                                     target);
  tend_notifier_emit_action_invoked (TEND_NOTIFIER (removed), "incident-1", "open", target);
  g_assert_cmpuint (invoked->len, ==, 1);
  g_assert_cmpstr (invoked->pdata[0], ==, "incident-1 restart web.service");

  /* Without a configuration, everything goes everywhere. */
  g_clear_object (&multi);
  multi = tend_multi_notifier_new (NULL);
  tend_multi_notifier_add (multi, TEND_NOTIFIER (desktop));
  tend_notifier_send (TEND_NOTIFIER (multi), degraded);
  g_assert_cmpuint (desktop->sent->len, ==, 2);
}

/* In German, with the build tree's catalogue (po/de.po, built into build/po): the titles,
 * the bodies and the buttons are the catalogue's sentences, a count through ngettext;
 * back in C, the English. Needs no installed locale: glibc honours LANGUAGE in
 * C.UTF-8. */
static void
test_german (void)
{
  const char *builddir = g_getenv ("TEND_TEST_BUILDDIR");
  g_autofree char *podir = NULL;
  g_autofree char *mo = NULL;
  g_autoptr(TendNotification) failed = NULL;
  g_autoptr(TendNotification) gave_up = NULL;
  g_autoptr(TendNotification) lost = NULL;
  g_autoptr(TendNotification) again = NULL;
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  TendNotificationFacts not_answering = {
    TEND_NOTIFICATION_TROUBLE_NOT_ANSWERING, TEND_NOTIFICATION_RESPONSE_RECOVERING,
    TEND_RECOVERY_STEP_RESTART, 0
  };
  TendNotificationFacts started = {
    TEND_NOTIFICATION_TROUBLE_STOPPED, TEND_NOTIFICATION_RESPONSE_RECOVERED,
    TEND_RECOVERY_STEP_START, 0
  };
  TendNotificationFacts three_tries = {
    TEND_NOTIFICATION_TROUBLE_FAILED, TEND_NOTIFICATION_RESPONSE_GAVE_UP,
    TEND_RECOVERY_STEP_RESTART, 3
  };

  if (builddir == NULL)
    {
      g_test_skip ("TEND_TEST_BUILDDIR is not set (meson test sets it)");
      return;
    }
  podir = g_build_filename (builddir, "..", "po", NULL);
  mo = g_build_filename (podir, "de", "LC_MESSAGES", "tend.mo", NULL);
  if (!g_file_test (mo, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("build/po/de/LC_MESSAGES/tend.mo is not built (ninja -C build)");
      return;
    }
  if (setlocale (LC_ALL, "C.UTF-8") == NULL)
    {
      g_test_skip ("the C.UTF-8 locale is missing (Debian: libc-bin)");
      return;
    }
  g_setenv ("LANGUAGE", "de", TRUE);
  g_assert_nonnull (bindtextdomain ("tend", podir));
  bind_textdomain_codeset ("tend", "UTF-8");

  /* no host label: "this computer", from the catalogue too */
  failed = tend_notification_new (TEND_NOTIFICATION_FAILED, NULL, NULL, "web.service", 7,
                                  &not_answering, NULL);
  g_assert_cmpstr (failed->title, ==, "web.service (dieser Rechner) antwortet nicht mehr");
  g_assert_cmpstr (failed->body, ==, "Tend startet ihn neu.");
  g_assert_cmpstr (tend_notification_find_action (failed, "restart")->label, ==,
                   "Neu starten");
  g_assert_cmpstr (tend_notification_find_action (failed, "open")->label, ==, "Öffnen");
  g_assert_cmpstr (tend_notification_find_action (failed, "silence-1h")->label, ==,
                   "1 Stunde stummschalten");

  tend_notification_format (TEND_NOTIFICATION_RECOVERED, "web1", "web.service", &started,
                            "db.service", &title, &body);
  g_assert_cmpstr (title, ==, "web.service (web1) ist wiederhergestellt");
  g_assert_cmpstr (body, ==, "Er wurde beendet; Tend hat ihn gestartet, und er läuft wieder.\n"
                   "Er war ausgefallen, weil db.service ausgefallen war.");

  gave_up = tend_notification_new (TEND_NOTIFICATION_MANUAL_INTERVENTION, "web1", NULL,
                                   "web.service", 0, &three_tries, NULL);
  g_assert_true (g_str_has_prefix (gave_up->body, "Tend hat ihn nach 3 Versuchen nicht mehr "
                                                  "neu gestartet und braucht Sie"));

  lost = tend_notification_new_for_host (TEND_HOST_STATE_RECONNECTING, "web1", NULL, NULL);
  g_assert_cmpstr (lost->title, ==, "web1 ist nicht erreichbar");

  /* and back in C: English */
  g_unsetenv ("LANGUAGE");
  setlocale (LC_ALL, "C");
  again = tend_notification_new (TEND_NOTIFICATION_FAILED, NULL, NULL, "web.service", 7,
                                 &not_answering, NULL);
  g_assert_cmpstr (again->title, ==, "web.service on this computer stopped answering");
  g_assert_cmpstr (again->body, ==, "Tend is restarting it.");
}

/* A host's notification says why it is out of reach, and whether it comes back by itself */
static void
test_host_states (void)
{
  static const struct {
    TendHostState state;
    TendNotificationKind kind;
    const char *title;
    const char *body_end;
  } cases[] = {
    { TEND_HOST_STATE_RECONNECTING, TEND_NOTIFICATION_HOST_UNREACHABLE, "Web One is unreachable",
      "it reconnects by itself." },
    { TEND_HOST_STATE_AUTH_FAILED, TEND_NOTIFICATION_HOST_UNREACHABLE,
      "Web One refuses Tend's keys", "Tend then connects by itself." },
    { TEND_HOST_STATE_HOST_KEY_UNKNOWN, TEND_NOTIFICATION_HOST_UNREACHABLE,
      "Web One's host key is not confirmed", "its services are unknown meanwhile." },
    { TEND_HOST_STATE_HOST_KEY_CHANGED, TEND_NOTIFICATION_HOST_UNREACHABLE,
      "Web One's host key has changed", "until the new key is checked; its services are "
      "unknown meanwhile." },
    { TEND_HOST_STATE_CONNECTED, TEND_NOTIFICATION_HOST_REACHABLE, "Web One is reachable again",
      "recovers them when they need it." },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TendNotification) n = NULL;

      n = tend_notification_new_for_host (cases[i].state, "web1", "Web One", "Why it is out.");
      g_assert_cmpstr (n->id, ==, "host-web1");
      g_assert_cmpint (n->kind, ==, cases[i].kind);
      g_assert_cmpstr (n->title, ==, cases[i].title);
      g_assert_true (g_str_has_suffix (n->body, cases[i].body_end));
      /* the host's own reason first, while it is out of reach */
      g_assert_true (g_str_has_prefix (n->body, "Why it is out.\n") ==
                     (cases[i].state != TEND_HOST_STATE_CONNECTED));
      g_assert_cmpstr (n->unit, ==, "");
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_log_set_writer_func (log_writer, NULL, NULL);

  g_test_add_func ("/notification/format", test_format);
  g_test_add_func ("/notification/format-plain", test_format_plain);
  g_test_add_func ("/notification/kind-names", test_kind_names);
  g_test_add_func ("/notification/ids", test_ids);
  g_test_add_func ("/notification/new", test_new);
  g_test_add_func ("/notification/wanted", test_wanted);
  g_test_add_func ("/notification/log-notifier", test_log_notifier);
  g_test_add_func ("/notification/multi-notifier", test_multi_notifier);
  g_test_add_func ("/notification/host-states", test_host_states);
  g_test_add_func ("/notification/german", test_german);

  return g_test_run ();
}
