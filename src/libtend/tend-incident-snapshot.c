/* tend-incident-snapshot.c — what an incident keeps when Tend gives up on a service
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * After a restart loop the supervisor stops and a person must look: the incident then
 * keeps a snapshot of the moment, as JSON in its `snapshot` column — the reason, the
 * unit's state, the last results of its checks, the restart policy's state and the last
 * TEND_INCIDENT_SNAPSHOT_JOURNAL_LINES lines of its journal (read from its host, this
 * computer's journalctl or the SSH host's).
 */
#define G_LOG_DOMAIN "Tend-Recovery"

#include "tend-json-lib.h"

#include "tend-host.h"
#include "tend-incident-snapshot.h"
#include "tend-journal.h"
#include "tend-service.h"
#include "tend-store.h"

static JsonNode *
unit_properties (TendService *service)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  if (service != NULL)
    {
      json_builder_set_member_name (builder, "active_state");
      json_builder_add_string_value (builder, tend_service_get_active_state (service));
      json_builder_set_member_name (builder, "sub_state");
      json_builder_add_string_value (builder, tend_service_get_sub_state (service));
      json_builder_set_member_name (builder, "load_state");
      json_builder_add_string_value (builder, tend_service_get_load_state (service));
      json_builder_set_member_name (builder, "main_pid");
      json_builder_add_int_value (builder, tend_service_get_main_pid (service));
      json_builder_set_member_name (builder, "n_restarts");
      json_builder_add_int_value (builder, tend_service_get_n_restarts (service));
      json_builder_set_member_name (builder, "active_since_usec");
      json_builder_add_int_value (builder, tend_service_get_active_since (service));
      json_builder_set_member_name (builder, "fragment_path");
      json_builder_add_string_value (builder, tend_service_get_fragment_path (service));
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* @json parsed, or a JSON null when there is none (or it is not JSON). */
static JsonNode *
parse_or_null (const char *json)
{
  JsonNode *node = json != NULL ? json_from_string (json, NULL) : NULL;

  return node != NULL ? node : json_node_new (JSON_NODE_NULL);
}

/**
 * tend_incident_snapshot_to_json:
 * @reason: why Tend gave up
 * @service: (nullable): the unit as last read
 * @layers_json: (nullable): its checks' layers (tend_monitor_dup_layers_json())
 * @policy_json: (nullable): its policy's state (tend_restart_policy_dup_state_json())
 * @journal: (nullable) (element-type TendJournalEntry): its last journal lines
 * @journal_error: (nullable): why they could not be read
 *
 * Returns: (transfer full): the snapshot: {"time", "reason", "unit", "checks", "policy",
 *   "journal", "journal_error"?}
 */
char *
tend_incident_snapshot_to_json (const char  *reason,
                                TendService *service,
                                const char  *layers_json,
                                const char  *policy_json,
                                GPtrArray   *journal,
                                const char  *journal_error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) checks = parse_or_null (layers_json);
  g_autoptr(JsonNode) policy = parse_or_null (policy_json);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *time = g_date_time_format_iso8601 (now);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "time");
  json_builder_add_string_value (builder, time);
  json_builder_set_member_name (builder, "reason");
  json_builder_add_string_value (builder, reason);
  json_builder_set_member_name (builder, "unit");
  json_builder_add_value (builder, unit_properties (service));
  json_builder_set_member_name (builder, "checks");
  json_builder_add_value (builder, g_steal_pointer (&checks));
  json_builder_set_member_name (builder, "policy");
  json_builder_add_value (builder, g_steal_pointer (&policy));
  json_builder_set_member_name (builder, "journal");
  json_builder_begin_array (builder);
  for (guint i = 0; journal != NULL && i < journal->len; i++)
    json_builder_add_value (builder, tend_journal_entry_to_json (journal->pdata[i]));
  json_builder_end_array (builder);
  if (journal_error != NULL)
    {
      json_builder_set_member_name (builder, "journal_error");
      json_builder_add_string_value (builder, journal_error);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

typedef struct
{
  TendStore *store;            /* (owned) */
  gint64 incident_id;
  TendService *service;        /* (owned) (nullable) */
  char *reason;                /* (owned) */
  char *layers_json;           /* (owned) (nullable) */
  char *policy_json;           /* (owned) (nullable) */
} Snapshot;

static void
snapshot_save (Snapshot   *snapshot,
               GPtrArray  *journal,
               const char *journal_error)
{
  g_autofree char *text = tend_incident_snapshot_to_json (snapshot->reason, snapshot->service,
                                                          snapshot->layers_json,
                                                          snapshot->policy_json, journal,
                                                          journal_error);

  tend_store_update_incident (snapshot->store, snapshot->incident_id, NULL, NULL, text, 0);
}

static void
snapshot_free (Snapshot *snapshot)
{
  g_object_unref (snapshot->store);
  g_clear_object (&snapshot->service);
  g_free (snapshot->reason);
  g_free (snapshot->layers_json);
  g_free (snapshot->policy_json);
  g_free (snapshot);
}

static void
journal_read_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Snapshot *snapshot = user_data;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;

  entries = tend_journal_reader_read_all_finish (TEND_JOURNAL_READER (source), result, &error);
  /* Cancelled: the service is no longer watched, and its incident is left as it is. */
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    snapshot_save (snapshot, entries, error != NULL ? error->message : NULL);
  snapshot_free (snapshot);
}

/**
 * tend_incident_snapshot_save:
 * @store: where the incident is
 * @incident_id: the incident
 * @host: where the unit is, whose journal is read
 * @unit: the unit
 * @service: (nullable): the unit as last read
 * @reason: why Tend gave up
 * @layers_json: (nullable): its checks' layers
 * @policy_json: (nullable): its policy's state
 * @cancellable: (nullable): stops the journal's read, and then nothing is saved
 *
 * Reads the unit's last journal lines and saves the snapshot
 * (tend_incident_snapshot_to_json()) in the incident; a journal that cannot be read is
 * said in the snapshot's `journal_error`.
 */
void
tend_incident_snapshot_save (TendStore    *store,
                             gint64        incident_id,
                             TendHost     *host,
                             const char   *unit,
                             TendService  *service,
                             const char   *reason,
                             const char   *layers_json,
                             const char   *policy_json,
                             GCancellable *cancellable)
{
  TendJournalQuery query = { .n_entries = TEND_INCIDENT_SNAPSHOT_JOURNAL_LINES,
                             .max_priority = 7 };
  g_autoptr(TendJournalReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  Snapshot *snapshot;

  g_return_if_fail (TEND_IS_STORE (store));
  g_return_if_fail (TEND_IS_HOST (host));
  g_return_if_fail (unit != NULL && reason != NULL);

  snapshot = g_new0 (Snapshot, 1);
  snapshot->store = g_object_ref (store);
  snapshot->incident_id = incident_id;
  snapshot->service = service != NULL ? g_object_ref (service) : NULL;
  snapshot->reason = g_strdup (reason);
  snapshot->layers_json = g_strdup (layers_json);
  snapshot->policy_json = g_strdup (policy_json);

  reader = tend_host_open_journal (host, unit, &query, cancellable, &error);
  if (reader == NULL)
    {
      snapshot_save (snapshot, NULL, error->message);
      snapshot_free (snapshot);
      return;
    }
  tend_journal_reader_read_all_async (reader, cancellable, journal_read_cb, snapshot);
}
