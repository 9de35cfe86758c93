/* tend-monitor-health.c — each service's health: its incidents, and its saves for
 * `tendctl health`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A service that turns critical opens an incident in the store, and closes it when it
 * is healthy again ("incident-opened", "incident-closed").
 *
 * Each service's health is saved for others to read (`tendctl health`) when what that
 * shows changes: a layer's status, soft status, state (pending, soft with its count of
 * failures, hard, flapping), whether it is enabled, or the class of its message (the
 * message with its figures taken out, and the kind of failure). A latency that moves,
 * or a message whose only change is a figure ("HTTP 200 in 3 ms" after "… in 2 ms"),
 * saves nothing. The saves go a few services per main-loop iteration: a thousand
 * services' JSON at once would hold the loop for tens of milliseconds.
 */
#define G_LOG_DOMAIN "Tend-Monitor"

#include "tend-json-lib.h"

#include "tend-monitor-private.h"
#include "tend-service.h"

/* How many services' health a save writes per main-loop iteration. */
#define HEALTH_SAVE_CHUNK 32

void
tend_monitor_service_health_free (gpointer data)
{
  ServiceHealth *sh = data;

  g_clear_signal_handler (&sh->handler, sh->health);
  g_clear_object (&sh->health);
  g_clear_pointer (&sh->entries, g_ptr_array_unref);
  g_free (sh);
}


/* Incidents */

/* What is wrong, for an incident's cause: each failing layer with its advice. */
static char *
describe_trouble (ServiceHealth *sh)
{
  g_autoptr(GString) cause = g_string_new (NULL);

  for (guint i = 0; i < sh->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (sh->entries, i);
      const TendCheckVerdict *verdict = tend_check_state_get_last_verdict (entry->layer);
      g_autofree char *target = NULL;
      g_autofree char *advice = NULL;

      if (tend_check_state_get_status (entry->layer) != TEND_RESULT_FAIL || verdict == NULL)
        continue;
      target = tend_check_dup_target (entry->check);
      advice = tend_health_recommend (verdict, tend_check_get_kind (entry->check), target, NULL,
                                      tend_check_get_timeout (entry->check));
      if (cause->len > 0)
        g_string_append (cause, "; ");
      g_string_append_printf (cause, "%s: %s", tend_check_get_name (entry->check),
                              advice != NULL ? advice
                              : verdict->message != NULL ? verdict->message : "failed");
    }
  return g_string_free (g_steal_pointer (&cause), FALSE);
}

static void
close_incident (TendMonitor   *self,
                ServiceHealth *sh)
{
  gint64 id = sh->incident_id;

  sh->in_incident = FALSE;
  if (sh->incident_opening)
    return;   /* incident_opened_cb() closes it */

  if (self->store != NULL && id > 0)
    tend_store_update_incident (self->store, id, NULL, NULL, NULL, g_get_real_time ());
  sh->incident_id = 0;
  g_debug ("monitor: service %" G_GINT64_FORMAT " recovered, incident %" G_GINT64_FORMAT
           " closed", sh->service_id, id);
  g_signal_emit (self, tend_monitor_signals[TEND_MONITOR_SIGNAL_INCIDENT_CLOSED], 0,
                 sh->service_id, id);
}

typedef struct
{
  TendMonitor *monitor;        /* (owned) */
  gint64 service_id;
  char *cause;                 /* (owned) */
} OpenIncident;

static void
open_incident_free (OpenIncident *open)
{
  g_object_unref (open->monitor);
  g_free (open->cause);
  g_free (open);
}

static void
incident_opened_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  OpenIncident *open = user_data;
  TendMonitor *self = open->monitor;
  g_autoptr(GError) error = NULL;
  ServiceHealth *sh;
  gint64 id;

  id = tend_store_open_incident_finish (TEND_STORE (source), result, &error);
  if (error != NULL)
    g_warning ("the incident of service %" G_GINT64_FORMAT " could not be stored: %s",
               open->service_id, error->message);

  sh = g_hash_table_lookup (self->healths, &open->service_id);
  if (sh == NULL || !sh->incident_opening)
    {
      /* The service left the monitor meanwhile: nothing follows its incident. */
      if (id > 0)
        tend_store_update_incident (TEND_STORE (source), id, NULL, NULL, NULL,
                                    g_get_real_time ());
      open_incident_free (open);
      return;
    }

  sh->incident_opening = FALSE;
  sh->incident_id = MAX (id, 0);
  g_signal_emit (self, tend_monitor_signals[TEND_MONITOR_SIGNAL_INCIDENT_OPENED], 0,
                 sh->service_id, sh->incident_id, open->cause);
  if (!sh->in_incident)
    close_incident (self, sh);   /* recovered before the store answered */
  open_incident_free (open);
}

static void
open_incident (TendMonitor   *self,
               ServiceHealth *sh)
{
  g_autofree char *cause = NULL;
  OpenIncident *open;

  sh->in_incident = TRUE;
  if (sh->incident_opening)
    return;   /* the one being stored goes on */

  cause = describe_trouble (sh);
  g_debug ("monitor: service %" G_GINT64_FORMAT " is critical: %s", sh->service_id, cause);
  if (self->store == NULL)
    {
      g_signal_emit (self, tend_monitor_signals[TEND_MONITOR_SIGNAL_INCIDENT_OPENED], 0,
                     sh->service_id, (gint64) 0, cause);
      return;
    }

  sh->incident_opening = TRUE;
  open = g_new0 (OpenIncident, 1);
  open->monitor = g_object_ref (self);
  open->service_id = sh->service_id;
  open->cause = g_steal_pointer (&cause);
  tend_store_open_incident_async (self->store, sh->service_id, g_get_real_time (),
                                  tend_health_status_to_string (TEND_HEALTH_CRITICAL),
                                  open->cause, NULL, incident_opened_cb, open);
}

/* An incident opens when a service turns critical and closes when it is healthy again;
 * degraded or unknown in between, it goes on. */
static void
follow_incident (TendMonitor      *self,
                 ServiceHealth    *sh,
                 TendHealthStatus  status)
{
  if (status == TEND_HEALTH_CRITICAL && !sh->in_incident)
    open_incident (self, sh);
  else if (status == TEND_HEALTH_HEALTHY && sh->in_incident && !sh->incident_held)
    close_incident (self, sh);
}

static void
health_status_cb (TendHealth *health,
                  GParamSpec *pspec,
                  gpointer    user_data)
{
  ServiceHealth *sh = user_data;
  TendMonitor *self = sh->monitor;
  TendHealthStatus status = tend_health_get_status (health);

  if (status == sh->last)
    return;

  g_debug ("monitor: service %" G_GINT64_FORMAT " is now %s", sh->service_id,
           tend_health_status_to_string (status));
  sh->last = status;
  tend_monitor_mark_moved (self, sh);
  g_signal_emit (self, tend_monitor_signals[TEND_MONITOR_SIGNAL_HEALTH_CHANGED], 0,
                 sh->service_id, (guint) status);

  /* A handler may have removed the service's checks. */
  sh = g_hash_table_lookup (self->healths, &sh->service_id);
  if (sh != NULL && sh->health == health)
    follow_incident (self, sh, status);
}

ServiceHealth *
tend_monitor_ensure_health (TendMonitor *self,
                            gint64       service_id)
{
  ServiceHealth *sh = g_hash_table_lookup (self->healths, &service_id);

  if (sh != NULL)
    return sh;

  sh = g_new0 (ServiceHealth, 1);
  sh->service_id = service_id;
  sh->monitor = self;
  sh->health = tend_health_new ();
  sh->entries = g_ptr_array_new ();
  sh->last = tend_health_get_status (sh->health);
  sh->handler = g_signal_connect (sh->health, "notify::status",
                                  G_CALLBACK (health_status_cb), sh);
  g_hash_table_insert (self->healths, &sh->service_id, sh);
  return sh;
}

/* Saving health */

static const char *
layer_state (TendCheckState *layer)
{
  if (tend_check_state_is_pending (layer))
    return "pending";
  return tend_check_state_is_hard (layer) ? "hard" : "soft";
}

static JsonNode *
layer_to_json (Entry *entry)
{
  TendCheckState *layer = entry->layer;
  const TendCheckVerdict *verdict = tend_check_state_get_last_verdict (layer);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *target = tend_check_dup_target (entry->check);
  g_autofree char *advice = NULL;

  if (verdict != NULL)
    advice = tend_health_recommend (verdict, tend_check_get_kind (entry->check), target, NULL,
                                    tend_check_get_timeout (entry->check));

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, tend_check_get_name (entry->check));
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, tend_check_get_kind (entry->check));
  json_builder_set_member_name (builder, "target");
  json_builder_add_string_value (builder, target);
  json_builder_set_member_name (builder, "enabled");
  json_builder_add_boolean_value (builder, tend_check_get_enabled (entry->check));
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder,
                                 tend_result_status_to_string (
                                   tend_check_state_get_status (layer)));
  json_builder_set_member_name (builder, "soft_status");
  json_builder_add_string_value (builder,
                                 tend_result_status_to_string (
                                   tend_check_state_get_soft_status (layer)));
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, layer_state (layer));
  json_builder_set_member_name (builder, "since_usec");
  json_builder_add_int_value (builder, tend_check_state_get_since (layer));
  json_builder_set_member_name (builder, "consecutive_failures");
  json_builder_add_int_value (builder, tend_check_state_get_consecutive_failures (layer));
  json_builder_set_member_name (builder, "failures_before_hard");
  json_builder_add_int_value (builder, tend_check_state_get_failures_before_hard (layer));
  json_builder_set_member_name (builder, "flapping");
  json_builder_add_boolean_value (builder, tend_check_state_is_flapping (layer));
  json_builder_set_member_name (builder, "flap_percent");
  json_builder_add_double_value (builder, tend_check_state_get_flap_percent (layer));
  json_builder_set_member_name (builder, "message");
  if (verdict != NULL && verdict->message != NULL)
    json_builder_add_string_value (builder, verdict->message);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "latency_usec");
  json_builder_add_int_value (builder, verdict != NULL ? verdict->latency_usec : -1);
  json_builder_set_member_name (builder, "recommendation");
  if (advice != NULL)
    json_builder_add_string_value (builder, advice);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* The service's layers, a JSON array of layer_to_json()'s objects. */
static char *
layers_to_json (ServiceHealth *sh)
{
  g_autoptr(JsonArray) layers = json_array_sized_new (sh->entries->len);
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; i < sh->entries->len; i++)
    json_array_add_element (layers, layer_to_json (g_ptr_array_index (sh->entries, i)));
  json_node_set_array (root, layers);
  return json_to_string (root, FALSE);
}

static TendHealthRecord *
health_record (ServiceHealth *sh,
               gint64         now)
{
  TendHealthRecord *record = g_new0 (TendHealthRecord, 1);

  record->service_id = sh->service_id;
  record->time_usec = now;
  record->status = g_strdup (tend_health_status_to_string (tend_health_get_status (sh->health)));
  record->layers = layers_to_json (sh);
  return record;
}

/* Saves the health of at most @max services whose shown health moved since their last
 * save.
 *
 * Returns: whether more wait */
static gboolean
save_some (TendMonitor *self,
           guint        max)
{
  g_autoptr(GPtrArray) records = NULL;
  gint64 now = g_get_real_time ();
  gboolean more = FALSE;
  GHashTableIter iter;
  gpointer value;

  if (self->store == NULL)
    return FALSE;

  records = g_ptr_array_new_with_free_func ((GDestroyNotify) tend_health_record_free);
  g_hash_table_iter_init (&iter, self->healths);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      ServiceHealth *sh = value;

      if (!sh->dirty)
        continue;
      if (records->len == max)
        {
          more = TRUE;
          break;
        }
      sh->dirty = FALSE;
      g_ptr_array_add (records, health_record (sh, now));
    }
  if (records->len > 0)
    tend_store_save_health (self->store, records);
  return more;
}

/* Saves every service's moved health now: the last word before the monitor stops. */
void
tend_monitor_save_moved (TendMonitor *self,
                         guint        max)
{
  g_clear_handle_id (&self->health_chunk_id, g_source_remove);
  save_some (self, max);
}

static gboolean
save_chunk_cb (gpointer user_data)
{
  TendMonitor *self = user_data;

  if (save_some (self, HEALTH_SAVE_CHUNK))
    return G_SOURCE_CONTINUE;
  self->health_chunk_id = 0;
  return G_SOURCE_REMOVE;
}

/* What `tendctl health` shows of @sh moved: saved within the same wake-up, once the
 * main loop has nothing more urgent to do. */
void
tend_monitor_mark_moved (TendMonitor   *self,
                         ServiceHealth *sh)
{
  sh->dirty = TRUE;
  if (self->store != NULL && self->health_chunk_id == 0)
    {
      self->health_chunk_id = g_idle_add (save_chunk_cb, self);
      g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->health_chunk_id),
                                "[tend] save health");
    }
}

/* A hash of a message's class: its text with every figure taken out, so that "HTTP 200
 * in 3 ms" and "HTTP 200 in 12.5 ms" are one class and "connection refused" another. */
static guint
message_class (const char *message)
{
  guint hash = 5381;
  gboolean in_figure = FALSE;

  if (message == NULL)
    return 0;
  for (const char *p = message; *p != '\0'; p++)
    {
      gboolean figure = g_ascii_isdigit (*p) || (in_figure && (*p == '.' || *p == ','));

      if (figure && in_figure)
        continue;
      in_figure = figure;
      hash = hash * 33 + (figure ? '#' : (guchar) *p);
    }
  return hash;
}

/**
 * tend_monitor_layer_shown:
 *
 * Returns: a hash of what `tendctl health` shows of @entry's layer: status, soft status,
 *   state with its count of failures, flapping, enabled, and the message's class
 */
guint
tend_monitor_layer_shown (Entry *entry)
{
  TendCheckState *layer = entry->layer;
  const TendCheckVerdict *verdict = tend_check_state_get_last_verdict (layer);
  guint shown;

  shown = (guint) tend_check_state_get_status (layer) |
          (guint) tend_check_state_get_soft_status (layer) << 2 |
          (guint) tend_check_state_is_hard (layer) << 4 |
          (guint) tend_check_state_is_pending (layer) << 5 |
          (guint) tend_check_state_is_flapping (layer) << 6 |
          (guint) tend_check_get_enabled (entry->check) << 7 |
          /* "soft 1/3": the count shows only in the soft state */
          (guint) (tend_check_state_is_hard (layer) || tend_check_state_is_pending (layer)
                   ? 0 : MIN (tend_check_state_get_consecutive_failures (layer), 255)) << 8;
  if (tend_check_state_is_flapping (layer))
    shown ^= (guint) tend_check_state_get_flap_percent (layer) << 16;
  if (verdict != NULL)
    shown = shown * 31 + (guint) verdict->failure * 7919 + message_class (verdict->message);
  return shown;
}

/* @entry's layer took a verdict: its service's health is saved if what is shown moved. */
void
tend_monitor_layer_changed (TendMonitor   *self,
                            ServiceHealth *sh,
                            Entry         *entry)
{
  guint shown = tend_monitor_layer_shown (entry);

  if (shown == entry->shown)
    return;
  entry->shown = shown;
  tend_monitor_mark_moved (self, sh);
}

/* ------------------------------------------------------------------------------------ */
/* Public                                                                               */

/**
 * tend_monitor_adopt_incident:
 * @service_id: a service
 * @incident_id: its incident that is still open in the store
 *
 * Takes over an incident a previous monitor left open: it closes when the service is
 * next healthy, and goes on (rather than a new one opening) if it is critical.
 */
void
tend_monitor_adopt_incident (TendMonitor *self,
                             gint64       service_id,
                             gint64       incident_id)
{
  ServiceHealth *sh;

  g_return_if_fail (TEND_IS_MONITOR (self));
  g_return_if_fail (incident_id > 0);

  sh = tend_monitor_ensure_health (self, service_id);
  if (sh->in_incident)
    return;
  sh->in_incident = TRUE;
  sh->incident_id = incident_id;
}

/**
 * tend_monitor_get_incident:
 * @service_id: a service
 *
 * Returns: the id of the service's open incident, 0 when it has none (or while the
 *   store has not given its id yet)
 */
gint64
tend_monitor_get_incident (TendMonitor *self,
                           gint64       service_id)
{
  ServiceHealth *sh;

  g_return_val_if_fail (TEND_IS_MONITOR (self), 0);

  sh = g_hash_table_lookup (self->healths, &service_id);
  return sh != NULL && sh->in_incident ? sh->incident_id : 0;
}

/**
 * tend_monitor_dup_layers_json:
 * @service_id: a service
 *
 * Returns: (transfer full): the service's layers as JSON, as saved for `tendctl health`:
 *   an array with an object per check (name, kind, target, status, state, message …)
 */
char *
tend_monitor_dup_layers_json (TendMonitor *self,
                              gint64       service_id)
{
  g_return_val_if_fail (TEND_IS_MONITOR (self), NULL);
  return layers_to_json (tend_monitor_ensure_health (self, service_id));
}

/**
 * tend_monitor_hold_incident:
 * @service_id: a service
 * @hold: %TRUE to keep its incident open while it is healthy; %FALSE to let it close,
 *   at once if the service is healthy now
 *
 * A recovery holds the incident it works on: a service healthy for a moment while it
 * starts is not the incident's end; the recovery's verdict is.
 */
void
tend_monitor_hold_incident (TendMonitor *self,
                            gint64       service_id,
                            gboolean     hold)
{
  ServiceHealth *sh;

  g_return_if_fail (TEND_IS_MONITOR (self));

  sh = tend_monitor_ensure_health (self, service_id);
  sh->incident_held = hold;
  if (!hold && sh->in_incident &&
      tend_health_get_status (sh->health) == TEND_HEALTH_HEALTHY)
    close_incident (self, sh);
}