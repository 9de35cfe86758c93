/* tend-store.h — what Tend remembers, in SQLite
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tend-types.h"

G_BEGIN_DECLS

/* The newest schema this Tend knows. */
#define TEND_STORE_SCHEMA_VERSION 5

/**
 * TendCheckResult:
 * @service_id: the watched service (from the store's inventory)
 * @check_id: the check that produced it
 * @time_usec: realtime µs when the check finished
 * @status: its verdict
 * @latency_usec: how long it took, -1 when it did not run to an answer
 * @message: (nullable): what it said
 *
 * One result of one check. Every result counts in the minute, hour and day rollups;
 * the raw row is kept when it says something new: any result that is not a pass, a
 * pass after another status, or a pass whose message differs from the check's last
 * stored one in more than its figures ("HTTP 200 in 3 ms" and "HTTP 200 in 4 ms" say
 * the same). A pass whose figures alone moved is kept again once 5 minutes have gone
 * by since the check's last stored row. A healthy check repeating itself every ten
 * seconds is thus a count in its rollups, not a row a day 8,640 times.
 */
typedef struct
{
  gint64 service_id;
  gint64 check_id;
  gint64 time_usec;
  TendResultStatus status;
  gint64 latency_usec;
  const char *message;
} TendCheckResult;

/**
 * TendAuditRecord:
 *
 * One operation someone (or Tend itself) performed, refused and failed ones included.
 * @parameters is JSON text or %NULL; @error is %NULL when it succeeded.
 */
typedef struct
{
  gint64 time_usec;
  const char *unix_user;
  TendAuditOrigin origin;
  const char *host;
  const char *unit;
  const char *operation;
  const char *parameters;
  const char *result;
  const char *error;
  gint64 duration_usec;
} TendAuditRecord;

TendAuditRecord *tend_audit_record_copy (const TendAuditRecord *record);
void             tend_audit_record_free (TendAuditRecord       *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TendAuditRecord, tend_audit_record_free)

/**
 * TendChartBucket:
 *
 * One bucket of a chart: counts, and latency in µs over the results that had one
 * (-1 when none did).
 */
typedef struct
{
  gint64 start_usec;
  guint64 n_pass;
  guint64 n_warn;
  guint64 n_fail;
  guint64 n_unknown;
  gint64 latency_min;
  gint64 latency_avg;
  gint64 latency_max;
} TendChartBucket;

/* A stored raw result, as history returns it. */
typedef struct
{
  gint64 id;
  gint64 service_id;
  gint64 check_id;
  gint64 time_usec;
  TendResultStatus status;
  gint64 latency_usec;
  char *message;
} TendStoredResult;

void tend_stored_result_free (TendStoredResult *result);

#define TEND_TYPE_STORE (tend_store_get_type ())
G_DECLARE_FINAL_TYPE (TendStore, tend_store, TEND, STORE, GObject)

char      *tend_store_default_path       (void);

TendStore *tend_store_new                (const char           *path);
const char *tend_store_get_path          (TendStore            *self);
void       tend_store_set_read_only      (TendStore            *self,
                                          gboolean              read_only);
gboolean   tend_store_get_created        (TendStore            *self);

void       tend_store_open_async         (TendStore            *self,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
gboolean   tend_store_open_finish        (TendStore            *self,
                                          GAsyncResult         *result,
                                          GError              **error);
void       tend_store_flush_async        (TendStore            *self,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
gboolean   tend_store_flush_finish       (TendStore            *self,
                                          GAsyncResult         *result,
                                          GError              **error);
void       tend_store_close              (TendStore            *self);

/* Writing: never blocks; batched on the store's thread. */
void       tend_store_add_result         (TendStore            *self,
                                          const TendCheckResult *result);
void       tend_store_add_audit          (TendStore            *self,
                                          const TendAuditRecord *record);
void       tend_store_push_batch         (TendStore            *self);
guint64    tend_store_get_n_batches      (TendStore            *self);

guint64    tend_store_get_n_committed    (TendStore            *self);
guint64    tend_store_get_n_dropped      (TendStore            *self);
guint      tend_store_get_n_waiting      (TendStore            *self);
guint      tend_store_get_n_waiting_audit (TendStore           *self);
guint64    tend_store_get_n_lost_at_close (TendStore           *self);
guint64    tend_store_get_n_imported     (TendStore            *self);
char      *tend_store_dup_spill_file     (TendStore            *self,
                                          guint                *n_results,
                                          guint                *n_audit);
char      *tend_store_dup_trouble        (const char           *db_path,
                                          GPid                  pid,
                                          gint64               *since_usec);
char      *tend_store_dup_last_error    (TendStore            *self);
void       tend_store_set_queue_limit    (TendStore            *self,
                                          guint                 limit);
void       tend_store_set_batch_interval (TendStore            *self,
                                          guint                 msec);

/* Inventory: minimal for now, a service id for (host, unit). */
void       tend_store_ensure_service_async  (TendStore         *self,
                                             const char        *host,
                                             const char        *unit,
                                             GCancellable      *cancellable,
                                             GAsyncReadyCallback callback,
                                             gpointer           user_data);
gint64     tend_store_ensure_service_finish (TendStore         *self,
                                             GAsyncResult      *result,
                                             GError           **error);

gint64     tend_store_lookup_service_finish (TendStore         *self,
                                             GAsyncResult      *result,
                                             GError           **error);
void       tend_store_lookup_service_async  (TendStore         *self,
                                             const char        *host,
                                             const char        *unit,
                                             GCancellable      *cancellable,
                                             GAsyncReadyCallback callback,
                                             gpointer           user_data);

/* The whole inventory (see tend-inventory.h), read, and changed in one transaction. */

typedef enum
{
  TEND_STORE_EDIT_NONE    = 0,
  TEND_STORE_EDIT_DRY_RUN = 1 << 0,
} TendStoreEditFlags;

typedef gboolean (*TendInventoryEditFunc) (TendInventory  *inventory,
                                           gpointer        user_data,
                                           GError        **error);

void       tend_store_load_inventory_async     (TendStore           *self,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
TendInventory *tend_store_load_inventory_finish (TendStore          *self,
                                                GAsyncResult        *result,
                                                GError             **error);
void       tend_store_edit_inventory_async     (TendStore             *self,
                                                TendInventoryEditFunc  func,
                                                gpointer               func_data,
                                                TendStoreEditFlags     flags,
                                                GCancellable          *cancellable,
                                                GAsyncReadyCallback    callback,
                                                gpointer               user_data);
TendInventoryDiff *tend_store_edit_inventory_finish (TendStore      *self,
                                                GAsyncResult        *result,
                                                GError             **error);
void       tend_store_replace_inventory_async  (TendStore           *self,
                                                TendInventory       *inventory,
                                                TendStoreEditFlags   flags,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
TendInventoryDiff *tend_store_replace_inventory_finish (TendStore   *self,
                                                GAsyncResult        *result,
                                                GError             **error);

/* Configuration values, as text (TendConfig validates them). */
void       tend_store_load_config_async  (TendStore            *self,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
GHashTable *tend_store_load_config_finish (TendStore           *self,
                                          GAsyncResult         *result,
                                          GError              **error);
void       tend_store_save_config_async  (TendStore            *self,
                                          const char           *key,
                                          const char           *value,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
gboolean   tend_store_save_config_finish (TendStore            *self,
                                          GAsyncResult         *result,
                                          GError              **error);

/**
 * TendIncident:
 *
 * A service's trouble from the first hard failure to its recovery. @closed_usec is 0
 * while it is open; @actions is a JSON array of what was done; @snapshot JSON or %NULL.
 */
typedef struct
{
  gint64 id;
  gint64 service_id;
  char *host;                 /* the service's host and unit, NULL if it left the inventory */
  char *unit;
  gint64 opened_usec;
  gint64 closed_usec;
  char *worst_severity;
  char *cause;
  char *actions;
  char *snapshot;
} TendIncident;

void       tend_incident_free            (TendIncident         *incident);

/**
 * TendRestartAttempt:
 *
 * One recovery step Tend took. @incident_id is 0 when there is none. A step is written
 * when it starts (tend_store_begin_restart_attempt(), @success and @duration_usec not yet
 * known) and completed when it ends (tend_store_add_restart_attempt(), found by its
 * service, time and strategy).
 */
typedef struct
{
  gint64 service_id;
  gint64 incident_id;
  gint64 time_usec;
  const char *reason;
  const char *strategy;
  gboolean success;
  gint64 duration_usec;
  const char *error;
} TendRestartAttempt;

void       tend_store_open_incident_async  (TendStore          *self,
                                            gint64              service_id,
                                            gint64              opened_usec,
                                            const char         *severity,
                                            const char         *cause,
                                            GCancellable       *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer            user_data);
gint64     tend_store_open_incident_finish (TendStore          *self,
                                            GAsyncResult       *result,
                                            GError            **error);
void       tend_store_update_incident    (TendStore            *self,
                                          gint64                incident_id,
                                          const char           *worst_severity,
                                          const char           *action_json,
                                          const char           *snapshot_json,
                                          gint64                closed_usec);
void       tend_store_begin_restart_attempt (TendStore         *self,
                                             const TendRestartAttempt *attempt);
void       tend_store_add_restart_attempt (TendStore           *self,
                                           const TendRestartAttempt *attempt);
void       tend_store_close_interrupted_attempts (TendStore    *self);
void       tend_store_query_incidents_async  (TendStore        *self,
                                              gint64            service_id,
                                              guint             limit,
                                              GCancellable     *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer          user_data);
GPtrArray *tend_store_query_incidents_finish (TendStore        *self,
                                              GAsyncResult     *result,
                                              GError          **error);

/**
 * TendStoredAttempt:
 * @state: "running" (under way), "done" or "interrupted" (the monitor stopped first)
 *
 * A restart attempt as tend_store_query_restart_attempts_finish() reads it back; the
 * other fields as in #TendRestartAttempt, strings owned.
 */
typedef struct
{
  gint64 id;
  gint64 service_id;
  gint64 incident_id;
  gint64 time_usec;
  char *reason;
  char *strategy;
  gboolean success;
  gint64 duration_usec;
  char *error;
  char *state;
} TendStoredAttempt;

void       tend_stored_attempt_free      (TendStoredAttempt    *attempt);
void       tend_store_query_restart_attempts_async  (TendStore        *self,
                                                     gint64            service_id,
                                                     gint64            since_usec,
                                                     guint             limit,
                                                     GCancellable     *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer          user_data);
GPtrArray *tend_store_query_restart_attempts_finish (TendStore        *self,
                                                     GAsyncResult     *result,
                                                     GError          **error);

/**
 * TendHealthRecord:
 * @service_id: the service
 * @host: (nullable): its host's name, when read back; ignored when saved
 * @unit: (nullable): its unit, when read back; ignored when saved
 * @time_usec: realtime µs of the health it describes
 * @status: the overall status: "healthy", "degraded", "critical" or "unknown"
 * @layers: a JSON array with an object per check (see tend_health_to_json())
 * @recovery: (nullable): what the engine will do about it, a JSON object (see
 *   tend_recovery_status_to_json()), when read back; ignored when saved (see
 *   tend_store_save_recovery_status())
 *
 * A service's health as the monitor last saw it.
 */
typedef struct
{
  gint64 service_id;
  char *host;
  char *unit;
  gint64 time_usec;
  char *status;
  char *layers;
  char *recovery;
} TendHealthRecord;

TendHealthRecord *tend_health_record_copy (const TendHealthRecord *record);
void              tend_health_record_free (TendHealthRecord       *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TendHealthRecord, tend_health_record_free)

void       tend_store_save_health        (TendStore            *self,
                                          GPtrArray            *records);
void       tend_store_clear_health       (TendStore            *self);
void       tend_store_save_recovery_status (TendStore          *self,
                                            gint64              service_id,
                                            gint64              time_usec,
                                            const char         *status_json);
void       tend_store_query_health_async (TendStore            *self,
                                          gint64                service_id,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
GPtrArray *tend_store_query_health_finish (TendStore           *self,
                                           GAsyncResult        *result,
                                           GError             **error);

/**
 * TendServiceControls:
 * @service_id: the service
 * @host: (nullable): its host's name, when read back
 * @unit: (nullable): its unit, when read back
 * @silenced_until_usec: realtime µs until which it is silenced, 0 when it is not
 * @silence_reason: (nullable): why, as the person who silenced it said
 * @manual: whether it waits for a person: "manual intervention required"
 * @manual_reason: (nullable): why, such as the restart loop the engine saw
 * @manual_since_usec: realtime µs since when, 0 when not @manual
 *
 * What is set on a service while Tend runs, apart from its inventory. While silenced,
 * its checks still run and are recorded, but it is neither recovered nor notified
 * about; while it waits for a person, Tend does not recover it until a person resumes
 * it. Neither is exported nor changed by an import; both are forgotten when the
 * service leaves the inventory.
 */
typedef struct
{
  gint64 service_id;
  char *host;
  char *unit;
  gint64 silenced_until_usec;
  char *silence_reason;
  gboolean manual;
  char *manual_reason;
  gint64 manual_since_usec;
} TendServiceControls;

TendServiceControls *tend_service_controls_copy (const TendServiceControls *controls);
void                 tend_service_controls_free (TendServiceControls       *controls);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TendServiceControls, tend_service_controls_free)

void       tend_store_set_silence_async  (TendStore            *self,
                                          gint64                service_id,
                                          gint64                until_usec,
                                          const char           *reason,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
gboolean   tend_store_set_silence_finish (TendStore            *self,
                                          GAsyncResult         *result,
                                          GError              **error);
void       tend_store_set_manual_async   (TendStore            *self,
                                          gint64                service_id,
                                          gboolean              manual,
                                          const char           *reason,
                                          gint64                since_usec,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
gboolean   tend_store_set_manual_finish  (TendStore            *self,
                                          GAsyncResult         *result,
                                          GError              **error);
typedef gboolean (*TendControlsEditFunc) (TendServiceControls  *controls,
                                          gpointer              user_data,
                                          GError              **error);

void       tend_store_edit_controls_async  (TendStore           *self,
                                            const char          *host,
                                            const char          *unit,
                                            TendControlsEditFunc func,
                                            gpointer             func_data,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
TendServiceControls *tend_store_edit_controls_finish (TendStore     *self,
                                                      GAsyncResult  *result,
                                                      gboolean      *changed,
                                                      GError       **error);
void       tend_store_query_controls_async  (TendStore         *self,
                                             gint64             service_id,
                                             GCancellable      *cancellable,
                                             GAsyncReadyCallback callback,
                                             gpointer           user_data);
GPtrArray *tend_store_query_controls_finish (TendStore         *self,
                                             GAsyncResult      *result,
                                             GError           **error);

/**
 * TendStoredCheck:
 * @service_id: the service's id in the store
 * @check_id: the check's id in the store
 * @spec: the check, as the inventory has it
 */
typedef struct
{
  gint64 service_id;
  gint64 check_id;
  TendInventoryCheck *spec;
} TendStoredCheck;

void       tend_stored_check_free        (TendStoredCheck      *check);

void       tend_store_load_checks_async  (TendStore            *self,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
GPtrArray *tend_store_load_checks_finish (TendStore            *self,
                                          GAsyncResult         *result,
                                          GError              **error);

/* Reading */
void       tend_store_query_history_async (TendStore          *self,
                                           gint64              service_id,
                                           gint64              since_usec,
                                           gint64              until_usec,
                                           guint               limit,
                                           GCancellable       *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer            user_data);
GPtrArray *tend_store_query_history_finish (TendStore         *self,
                                            GAsyncResult      *result,
                                            GError           **error);
void       tend_store_query_chart_async  (TendStore            *self,
                                          gint64                service_id,
                                          gint64                since_usec,
                                          gint64                until_usec,
                                          gint64                bucket_usec,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
GArray    *tend_store_query_chart_finish (TendStore            *self,
                                          GAsyncResult         *result,
                                          GError              **error);
void       tend_store_query_audit_async  (TendStore            *self,
                                          gint64                since_usec,
                                          guint                 limit,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
GPtrArray *tend_store_query_audit_finish (TendStore            *self,
                                          GAsyncResult         *result,
                                          GError              **error);

/* Retention: deletes what is older than the limits, a small batch a minute. */
void       tend_store_prune_async        (TendStore            *self,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
gint64     tend_store_prune_finish       (TendStore            *self,
                                          GAsyncResult         *result,
                                          GError              **error);
void       tend_store_set_retention      (TendStore            *self,
                                          gint64                raw_usec,
                                          gint64                minute_usec,
                                          gint64                hour_usec);

G_END_DECLS
