/* tend-recovery-status.c — what Tend will do next about a service in trouble
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The supervisor keeps one per service it watches, saves it in the store whenever it
 * changes (tend_store_save_recovery_status()), and whoever shows a service — tendctl
 * health, tendctl policy show, the window — reads it back and describes it with
 * tend_recovery_status_describe(), so they all say the same.
 */
#define G_LOG_DOMAIN "Tend-Recovery"

#include "tend-json-lib.h"

#include "tend-duration.h"
#include "tend-error.h"
#include "tend-recovery-status.h"

/**
 * tend_recovery_state_to_string:
 *
 * Returns: "idle", "recovering", "scheduled", "waiting" or "manual"
 */
const char *
tend_recovery_state_to_string (TendRecoveryState state)
{
  const char *nick = tend_enum_to_nick (TEND_TYPE_RECOVERY_STATE, state);

  g_return_val_if_fail (nick != NULL, NULL);
  return nick;
}

gboolean
tend_recovery_state_from_string (const char        *text,
                                 TendRecoveryState *state)
{
  int value;

  if (!tend_enum_from_nick (TEND_TYPE_RECOVERY_STATE, text, &value))
    return FALSE;
  *state = (TendRecoveryState) value;
  return TRUE;
}

G_DEFINE_BOXED_TYPE (TendRecoveryStatus, tend_recovery_status,
                     tend_recovery_status_copy, tend_recovery_status_free)

TendRecoveryStatus *
tend_recovery_status_new (TendRecoveryState  state,
                          const char        *cause,
                          const char        *reason,
                          gint64             since_usec,
                          gint64             until_usec)
{
  TendRecoveryStatus *status;

  g_return_val_if_fail (tend_enum_to_nick (TEND_TYPE_RECOVERY_STATE, state) != NULL, NULL);

  status = g_new0 (TendRecoveryStatus, 1);
  status->state = state;
  status->cause = g_strdup (cause);
  status->reason = g_strdup (reason);
  status->since_usec = since_usec;
  status->until_usec = until_usec;
  return status;
}

TendRecoveryStatus *
tend_recovery_status_copy (const TendRecoveryStatus *status)
{
  g_return_val_if_fail (status != NULL, NULL);

  return tend_recovery_status_new (status->state, status->cause, status->reason,
                                   status->since_usec, status->until_usec);
}

void
tend_recovery_status_free (TendRecoveryStatus *status)
{
  if (status == NULL)
    return;
  g_free (status->cause);
  g_free (status->reason);
  g_free (status);
}

/**
 * tend_recovery_status_same:
 *
 * Returns: whether @a and @b say the same (their @since_usec aside)
 */
gboolean
tend_recovery_status_same (const TendRecoveryStatus *a,
                           const TendRecoveryStatus *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return a->state == b->state && g_strcmp0 (a->cause, b->cause) == 0 &&
         g_strcmp0 (a->reason, b->reason) == 0 && a->until_usec == b->until_usec;
}

/**
 * tend_recovery_status_to_json:
 *
 * Returns: (transfer full): {"state", "cause", "reason", "since_usec", "until_usec"}
 */
char *
tend_recovery_status_to_json (const TendRecoveryStatus *status)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (status != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, tend_recovery_state_to_string (status->state));
  json_builder_set_member_name (builder, "cause");
  json_builder_add_string_value (builder, status->cause);
  json_builder_set_member_name (builder, "reason");
  json_builder_add_string_value (builder, status->reason);
  json_builder_set_member_name (builder, "since_usec");
  json_builder_add_int_value (builder, status->since_usec);
  json_builder_set_member_name (builder, "until_usec");
  json_builder_add_int_value (builder, status->until_usec);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static const char *
optional_string (JsonObject *object,
                 const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node) || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gint64
optional_int (JsonObject *object,
              const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return 0;
  return json_node_get_int (node);
}

/**
 * tend_recovery_status_new_from_json:
 * @json: what tend_recovery_status_to_json() wrote
 *
 * Returns: (transfer full) (nullable): the status, or %NULL with
 *   %TEND_ERROR_INVALID_ARGUMENT when @json is not one
 */
TendRecoveryStatus *
tend_recovery_status_new_from_json (const char  *json,
                                    GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;
  TendRecoveryState state;

  g_return_val_if_fail (json != NULL, NULL);

  if (!json_parser_load_from_data (parser, json, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   "a recovery status is not a JSON object");
      return NULL;
    }
  object = json_node_get_object (json_parser_get_root (parser));
  if (!tend_recovery_state_from_string (optional_string (object, "state"), &state))
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   "a recovery status has no known \"state\"");
      return NULL;
    }
  return tend_recovery_status_new (state, optional_string (object, "cause"),
                                   optional_string (object, "reason"),
                                   optional_int (object, "since_usec"),
                                   optional_int (object, "until_usec"));
}

/* "14:02:10" today, "2026-12-07 14:02:10" another day, in local time. */
static char *
format_clock (gint64 realtime_usec,
              gint64 now_usec)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (realtime_usec / G_USEC_PER_SEC);
  g_autoptr(GDateTime) now = g_date_time_new_from_unix_local (now_usec / G_USEC_PER_SEC);

  if (time == NULL || now == NULL)
    return g_strdup ("?");
  if (g_date_time_get_year (time) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (time) == g_date_time_get_day_of_year (now))
    return g_date_time_format (time, "%H:%M:%S");
  return g_date_time_format (time, "%Y-%m-%d %H:%M:%S");
}

/* "in 8s" (whole seconds, rounded up), or "now" once it is due. */
static char *
format_in (gint64 until_usec,
           gint64 now_usec)
{
  gint64 left = until_usec - now_usec;
  g_autofree char *duration = NULL;

  if (left <= 0)
    return g_strdup ("now");
  left = (left + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC * G_USEC_PER_SEC;
  duration = tend_duration_format (left);
  return g_strdup_printf ("in %s", duration);
}

/**
 * tend_recovery_status_describe:
 * @now_usec: realtime µs now
 *
 * One line for people: "recovering (started 14:02:10)", "next attempt in 8s (14:02:18):
 * cooldown after the last recovery", "breaker open until 14:03:10 (in 52s): 3 failed
 * recoveries in a row; then one trial", "waits: silenced until 15:00:00 (in 58min)",
 * "waits for a person: restart loop …", or for idle its reason alone (empty when none).
 *
 * Returns: (transfer full): the line
 */
char *
tend_recovery_status_describe (const TendRecoveryStatus *status,
                               gint64                    now_usec)
{
  g_autofree char *at = NULL;
  g_autofree char *in = NULL;
  const char *reason;

  g_return_val_if_fail (status != NULL, NULL);

  reason = status->reason != NULL ? status->reason : "";
  if (status->until_usec > 0)
    {
      at = format_clock (status->until_usec, now_usec);
      in = format_in (status->until_usec, now_usec);
    }

  switch (status->state)
    {
    case TEND_RECOVERY_STATE_RECOVERING:
      {
        g_autofree char *since = format_clock (status->since_usec, now_usec);

        return g_strdup_printf ("recovering (started %s)%s%s", since, *reason ? ": " : "",
                                reason);
      }
    case TEND_RECOVERY_STATE_SCHEDULED:
      if (at == NULL)
        return g_strdup_printf ("next attempt soon: %s", reason);
      return g_strdup_printf ("next attempt %s (%s): %s", in, at, reason);
    case TEND_RECOVERY_STATE_WAITING:
      if (g_strcmp0 (status->cause, "breaker-open") == 0 && at != NULL)
        return g_strdup_printf ("breaker open until %s (%s): %s; then one trial", at, in,
                                reason);
      if (at != NULL)
        return g_strdup_printf ("waits until %s (%s): %s", at, in, reason);
      return g_strdup_printf ("waits: %s", reason);
    case TEND_RECOVERY_STATE_MANUAL:
      return g_strdup_printf ("waits for a person: %s", reason);
    case TEND_RECOVERY_STATE_IDLE:
    default:
      return g_strdup (reason);
    }
}
