/* test-store-inventory.c — the inventory in a real database: round trips and
 * all-or-nothing replacement
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <sqlite3.h>

#include <glib/gstdio.h>

#include "tend.h"
#include "test-inventory.h"
#include "test-sqlite.h"
#include "test-util.h"
#include "tend-store-private.h"

static TendStore *
open_store (const char *path)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  TendStore *store = tend_store_new (path);

  tend_store_open_async (store, NULL, store_result, &result);
  g_assert_true (tend_store_open_finish (store, wait_for_result (&result), &error));
  g_assert_no_error (error);
  return store;
}

static gboolean
replace (TendStore      *store,
         TendInventory  *inventory,
         GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TendInventoryDiff) diff = NULL;

  tend_store_replace_inventory_async (store, inventory, TEND_STORE_EDIT_NONE, NULL,
                                      store_result, &result);
  diff = tend_store_replace_inventory_finish (store, wait_for_result (&result), error);
  return diff != NULL;
}

static char *
stored_json (TendStore *store)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TendInventory) inventory = NULL;

  tend_store_load_inventory_async (store, NULL, store_result, &result);
  inventory = tend_store_load_inventory_finish (store, wait_for_result (&result), &error);
  g_assert_no_error (error);
  return tend_inventory_to_json (inventory, NULL);
}

static gint64
service_id (TendStore  *store,
            const char *host,
            const char *unit)
{
  g_autoptr(GAsyncResult) result = NULL;

  tend_store_lookup_service_async (store, host, unit, NULL, store_result, &result);
  return tend_store_lookup_service_finish (store, wait_for_result (&result), NULL);
}

static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *child = g_build_filename (dir, name, NULL);
      g_unlink (child);
    }
  g_rmdir (dir);
}

static void
test_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tend-inv-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "tend.db", NULL);
  g_autoptr(TendInventory) full = load_fixture ("full.json");
  g_autoptr(TendInventory) changed = load_fixture ("changed.json");
  g_autoptr(TendStore) store = open_store (path);
  g_autofree char *expected = tend_inventory_to_json (full, NULL);
  g_autofree char *stored = NULL;
  g_autofree char *expected_changed = tend_inventory_to_json (changed, NULL);
  g_autofree char *stored_changed = NULL;
  g_autoptr(TendInventoryDiff) diff = NULL;
  gint64 id_before, id_after;

  /* Everything the file says comes back out of the database the same, dependencies and
   * maintenance windows included. */
  g_assert_true (replace (store, full, &error));
  g_assert_no_error (error);
  stored = stored_json (store);
  g_assert_cmpstr (stored, ==, expected);
  g_assert_nonnull (strstr (stored, "\"depends_on\": [\"app.service\"],\n"
                                    "      \"maintenance\": [\"Mon-Fri 02:00-04:00\", "
                                    "\"daily 23:30-00:30\"]\n"));

  /* A second import replaces the first: what stays keeps its id (and its history). */
  id_before = service_id (store, "web1", "nginx.service");
  g_assert_cmpint (id_before, >, 0);
  diff = tend_inventory_diff (full, changed);
  g_assert_false (tend_inventory_diff_is_empty (diff));
  g_assert_true (replace (store, changed, &error));
  g_assert_no_error (error);
  stored_changed = stored_json (store);
  g_assert_cmpstr (stored_changed, ==, expected_changed);
  id_after = service_id (store, "web1", "nginx.service");
  g_assert_cmpint (id_after, ==, id_before);

  tend_store_close (store);
  remove_dir (dir);
}

static void
test_all_or_nothing (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tend-inv-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "tend.db", NULL);
  g_autoptr(TendInventory) full = load_fixture ("full.json");
  g_autoptr(TendInventory) bad = load_fixture ("full.json");
  g_autoptr(TendStore) store = open_store (path);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  TendInventoryHost *host;

  g_assert_true (replace (store, full, &error));
  before = stored_json (store);

  /* The last host's port breaks a rule (and the table's CHECK): the validator, in the
   * transaction, refuses it, and nothing is written. */
  host = tend_inventory_get_hosts (bad)->pdata[tend_inventory_get_hosts (bad)->len - 1];
  host->port = 70000;
  g_assert_false (replace (store, bad, &error));
  g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "70000"));

  after = stored_json (store);
  g_assert_cmpstr (after, ==, before);

  tend_store_close (store);
  remove_dir (dir);
}

/* Edits: each one transaction, made to what is stored at that moment */

typedef struct
{
  const char *name;        /* the check to add, or NULL */
  gboolean    cycle;       /* add two services that depend on each other */
  const char *config_key;  /* a configuration key to set, or NULL */
  gboolean    refuse;      /* refuse, as a check that is no longer there */
} Edit;

static gboolean
edit_func (TendInventory  *inventory,
           gpointer        user_data,
           GError        **error)
{
  const Edit *edit = user_data;

  if (edit->refuse)
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_NOT_FOUND, "no check named 'gone'");
      return FALSE;
    }
  if (edit->name != NULL)
    tend_inventory_add_check (inventory, tend_inventory_check_new ("laptop", "tend-demo.service",
                                                                   edit->name,
                                                                   TEND_INVENTORY_CHECK_UNIT));
  if (edit->cycle)
    {
      TendInventoryService *a = tend_inventory_service_new ("laptop", "a.service");
      TendInventoryService *b = tend_inventory_service_new ("laptop", "b.service");

      g_strfreev (a->depends_on);
      a->depends_on = g_strsplit ("b.service", ",", -1);
      g_strfreev (b->depends_on);
      b->depends_on = g_strsplit ("a.service", ",", -1);
      tend_inventory_add_service (inventory, a);
      tend_inventory_add_service (inventory, b);
    }
  if (edit->config_key != NULL)
    tend_inventory_set_config (inventory, edit->config_key, "1");
  return TRUE;
}

static TendInventoryDiff *
edit (TendStore           *store,
      const Edit          *what,
      TendStoreEditFlags   flags,
      GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  tend_store_edit_inventory_async (store, edit_func, (gpointer) what, flags, NULL, store_result,
                                   &result);
  return tend_store_edit_inventory_finish (store, wait_for_result (&result), error);
}

static void
test_edits (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tend-inv-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "tend.db", NULL);
  g_autoptr(TendInventory) full = load_fixture ("full.json");
  g_autoptr(TendStore) a = open_store (path);
  g_autoptr(TendStore) b = open_store (path);
  g_autoptr(TendInventoryDiff) diff = NULL;
  g_autoptr(GAsyncResult) result_a = NULL;
  g_autoptr(GAsyncResult) result_b = NULL;
  g_autoptr(GAsyncResult) saved = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  const Edit from_a = { .name = "from-a" };
  const Edit from_b = { .name = "from-b" };
  const Edit refused = { .refuse = TRUE };
  const Edit cycle = { .cycle = TRUE };
  const Edit dry = { .name = "dry" };
  const Edit unknown = { .config_key = "other.unknown" };
  const Edit later = { .name = "later" };

  g_assert_true (replace (a, full, &error));

  /* Two connections at once: each edit is made to what the other stored. */
  tend_store_edit_inventory_async (a, edit_func, (gpointer) &from_a, TEND_STORE_EDIT_NONE, NULL,
                                   store_result, &result_a);
  tend_store_edit_inventory_async (b, edit_func, (gpointer) &from_b, TEND_STORE_EDIT_NONE, NULL,
                                   store_result, &result_b);
  diff = tend_store_edit_inventory_finish (a, wait_for_result (&result_a), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tend_inventory_diff_get_n_changes (diff), ==, 1);
  g_assert_cmpstr (tend_inventory_diff_get_change (diff, 0)->key, ==,
                   "laptop/tend-demo.service/from-a");
  g_clear_pointer (&diff, tend_inventory_diff_free);
  diff = tend_store_edit_inventory_finish (b, wait_for_result (&result_b), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tend_inventory_diff_get_n_changes (diff), ==, 1);
  g_clear_pointer (&diff, tend_inventory_diff_free);
  before = stored_json (a);
  g_assert_nonnull (strstr (before, "\"name\": \"from-a\""));
  g_assert_nonnull (strstr (before, "\"name\": \"from-b\""));

  /* A refusal is the edit's own error; nothing changes. */
  g_assert_null (edit (a, &refused, TEND_STORE_EDIT_NONE, &error));
  g_assert_error (error, TEND_ERROR, TEND_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A cycle is refused by the validator, named. */
  g_assert_null (edit (b, &cycle, TEND_STORE_EDIT_NONE, &error));
  g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "a cycle a.service → b.service → a.service"));
  g_clear_error (&error);

  /* A dry run says what would change, and changes nothing. */
  diff = edit (a, &dry, TEND_STORE_EDIT_DRY_RUN, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tend_inventory_diff_get_n_changes (diff), ==, 1);
  g_clear_pointer (&diff, tend_inventory_diff_free);
  after = stored_json (b);
  g_assert_cmpstr (after, ==, before);
  g_clear_pointer (&after, g_free);

  /* A stored value this Tend does not know is kept and holds no edit back; an edit that
   * brings one is refused. */
  tend_store_save_config_async (a, "future.key", "x", NULL, store_result, &saved);
  g_assert_true (tend_store_save_config_finish (a, wait_for_result (&saved), &error));
  diff = edit (b, &later, TEND_STORE_EDIT_NONE, &error);
  g_assert_no_error (error);
  g_clear_pointer (&diff, tend_inventory_diff_free);
  g_assert_null (edit (b, &unknown, TEND_STORE_EDIT_NONE, &error));
  g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==, "$.config: no setting 'other.unknown'");
  after = stored_json (a);
  g_assert_nonnull (strstr (after, "\"future.key\": \"x\""));
  g_assert_null (strstr (after, "other.unknown"));

  tend_store_close (a);
  tend_store_close (b);
  remove_dir (dir);
}

/* A monitor reads the checks with the ids their results go under. */
static void
test_checks_with_ids (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tend-inv-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "tend.db", NULL);
  g_autoptr(TendInventory) full = load_fixture ("full.json");
  g_autoptr(TendStore) store = open_store (path);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) checks = NULL;
  g_autoptr(GHashTable) ids = g_hash_table_new (g_int64_hash, g_int64_equal);
  GPtrArray *expected = tend_inventory_get_checks (full);

  g_assert_true (replace (store, full, &error));
  tend_store_load_checks_async (store, NULL, store_result, &result);
  checks = tend_store_load_checks_finish (store, wait_for_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (checks->len, ==, expected->len);
  g_assert_cmpuint (checks->len, >, 1);

  for (guint i = 0; i < checks->len; i++)
    {
      const TendStoredCheck *stored = checks->pdata[i];

      g_assert_cmpint (stored->service_id, ==,
                       service_id (store, stored->spec->host, stored->spec->unit));
      g_assert_cmpint (stored->check_id, >, 0);
      g_assert_false (g_hash_table_contains (ids, &stored->check_id));
      g_hash_table_add (ids, (gpointer) &stored->check_id);
    }

  tend_store_close (store);
  remove_dir (dir);
}

/* The store's queries of one service's rows, or all (-1): health, controls */
typedef void       (*QueryAsync)  (TendStore           *store,
                                   gint64               service,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data);
typedef GPtrArray *(*QueryFinish) (TendStore           *store,
                                   GAsyncResult        *result,
                                   GError             **error);

static GPtrArray *
query_rows (TendStore   *store,
            gint64       service,
            QueryAsync   query_async,
            QueryFinish  query_finish)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *rows;

  query_async (store, service, NULL, store_result, &result);
  rows = query_finish (store, wait_for_result (&result), &error);
  g_assert_no_error (error);
  return rows;
}

static GPtrArray *
query_health (TendStore *store,
              gint64     service)
{
  return query_rows (store, service, tend_store_query_health_async,
                     tend_store_query_health_finish);
}

static GPtrArray *
query_controls (TendStore *store,
                gint64     service)
{
  return query_rows (store, service, tend_store_query_controls_async,
                     tend_store_query_controls_finish);
}

static void
save_one_health (TendStore  *store,
                 gint64      service,
                 gint64      time_usec,
                 const char *status)
{
  g_autoptr(GPtrArray) records =
    g_ptr_array_new_with_free_func ((GDestroyNotify) tend_health_record_free);
  TendHealthRecord record = {
    .service_id = service,
    .time_usec = time_usec,
    .status = (char *) status,
    .layers = (char *) "[{\"name\":\"unit\"}]",
  };

  g_ptr_array_add (records, tend_health_record_copy (&record));
  tend_store_save_health (store, records);
}

/* The monitor's last word on each service: replaced, read back by unit, cleared. */
static void
test_health (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tend-inv-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "tend.db", NULL);
  g_autoptr(TendInventory) full = load_fixture ("full.json");
  g_autoptr(TendStore) store = open_store (path);
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) second = NULL;
  g_autoptr(GPtrArray) one = NULL;
  g_autoptr(GPtrArray) cleared = NULL;
  const TendHealthRecord *record;
  gint64 nginx, other;

  g_assert_true (replace (store, full, &error));
  nginx = service_id (store, "web1", "nginx.service");
  other = tend_inventory_get_services (full)->len > 1
          ? service_id (store, ((TendInventoryService *)
                                tend_inventory_get_services (full)->pdata[0])->host,
                        ((TendInventoryService *)
                         tend_inventory_get_services (full)->pdata[0])->unit)
          : -1;
  g_assert_cmpint (other, >, 0);

  save_one_health (store, nginx, 1000, "healthy");
  first = query_health (store, nginx);
  g_assert_cmpuint (first->len, ==, 1);
  record = first->pdata[0];
  g_assert_cmpstr (record->host, ==, "web1");
  g_assert_cmpstr (record->unit, ==, "nginx.service");
  g_assert_cmpstr (record->status, ==, "healthy");
  g_assert_cmpint (record->time_usec, ==, 1000);
  g_assert_cmpstr (record->layers, ==, "[{\"name\":\"unit\"}]");

  /* A newer save replaces the service's record; another service has its own. */
  save_one_health (store, nginx, 2000, "critical");
  if (other != nginx)
    save_one_health (store, other, 2000, "degraded");
  second = query_health (store, -1);
  g_assert_cmpuint (second->len, ==, other != nginx ? 2 : 1);
  one = query_health (store, nginx);
  g_assert_cmpuint (one->len, ==, 1);
  g_assert_cmpstr (((TendHealthRecord *) one->pdata[0])->status, ==, "critical");
  g_assert_cmpint (((TendHealthRecord *) one->pdata[0])->time_usec, ==, 2000);

  tend_store_clear_health (store);
  cleared = query_health (store, -1);
  g_assert_cmpuint (cleared->len, ==, 0);

  tend_store_close (store);
  remove_dir (dir);
}

/* A host first named by a service's record gets the scope its name tells. */
static void
test_ensured_host_scope (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tend-inv-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "tend.db", NULL);
  g_autoptr(TendStore) store = open_store (path);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TendInventory) inventory = NULL;
  const char *names[] = { "local-system", "local-user" };
  const TendHostScope scopes[] = { TEND_HOST_SCOPE_SYSTEM, TEND_HOST_SCOPE_USER };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GAsyncResult) ensured = NULL;

      tend_store_ensure_service_async (store, names[i], "a.service", NULL, store_result,
                                       &ensured);
      g_assert_cmpint (tend_store_ensure_service_finish (store, wait_for_result (&ensured), &error),
                       >, 0);
      g_assert_no_error (error);
    }

  tend_store_load_inventory_async (store, NULL, store_result, &result);
  inventory = tend_store_load_inventory_finish (store, wait_for_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tend_inventory_get_hosts (inventory)->len, ==, 2);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      const TendInventoryHost *host = tend_inventory_get_hosts (inventory)->pdata[i];

      g_assert_cmpstr (host->name, ==, names[i]);
      g_assert_cmpint (host->kind, ==, TEND_HOST_KIND_LOCAL);
      g_assert_cmpint (host->scope, ==, scopes[i]);
    }

  tend_store_close (store);
  remove_dir (dir);
}

static void
exec_sql (sqlite3    *db,
          const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static gboolean
set_silence (TendStore   *store,
             gint64       service,
             gint64       until_usec,
             const char  *reason,
             GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  tend_store_set_silence_async (store, service, until_usec, reason, NULL, store_result,
                                &result);
  return tend_store_set_silence_finish (store, wait_for_result (&result), error);
}

static gboolean
set_manual (TendStore   *store,
            gint64       service,
            gboolean     manual,
            const char  *reason,
            gint64       since_usec,
            GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  tend_store_set_manual_async (store, service, manual, reason, since_usec, NULL, store_result,
                               &result);
  return tend_store_set_manual_finish (store, wait_for_result (&result), error);
}

static void
assert_controls (const TendServiceControls *row,
                 const char                *unit,
                 gint64                     silenced_until_usec,
                 const char                *silence_reason,
                 gboolean                   manual,
                 const char                *manual_reason,
                 gint64                     manual_since_usec)
{
  g_assert_cmpstr (row->unit, ==, unit);
  g_assert_cmpint (row->silenced_until_usec, ==, silenced_until_usec);
  g_assert_cmpstr (row->silence_reason, ==, silence_reason);
  g_assert_cmpint (row->manual, ==, manual);
  g_assert_cmpstr (row->manual_reason, ==, manual_reason);
  g_assert_cmpint (row->manual_since_usec, ==, manual_since_usec);
}

/* A silence and a mark of manual intervention: set, read back, cleared, each without
 * touching the other. */
static void
test_controls (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tend-inv-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "tend.db", NULL);
  g_autoptr(TendInventory) full = load_fixture ("full.json");
  g_autoptr(TendStore) store = open_store (path);
  g_autoptr(GPtrArray) none = NULL;
  g_autoptr(GPtrArray) silenced = NULL;
  g_autoptr(GPtrArray) both = NULL;
  g_autoptr(GPtrArray) longer = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) resumed = NULL;
  g_autoptr(GPtrArray) cleared = NULL;
  g_autoptr(GPtrArray) rest = NULL;
  g_autoptr(TendServiceControls) copy = NULL;
  gint64 nginx, redis;

  g_assert_true (replace (store, full, &error));
  nginx = service_id (store, "web1", "nginx.service");
  redis = service_id (store, "db1", "redis-server.service");
  none = query_controls (store, -1);
  g_assert_cmpuint (none->len, ==, 0);

  g_assert_true (set_silence (store, nginx, 5000, "deploy", &error));
  g_assert_no_error (error);
  silenced = query_controls (store, nginx);
  g_assert_cmpuint (silenced->len, ==, 1);
  g_assert_cmpint (((TendServiceControls *) silenced->pdata[0])->service_id, ==, nginx);
  g_assert_cmpstr (((TendServiceControls *) silenced->pdata[0])->host, ==, "web1");
  assert_controls (silenced->pdata[0], "nginx.service", 5000, "deploy", FALSE, NULL, 0);

  /* The engine's mark leaves the silence; a new silence leaves the mark */
  g_assert_true (set_manual (store, nginx, TRUE, "3 recoveries within 5min", 4000, &error));
  both = query_controls (store, nginx);
  assert_controls (both->pdata[0], "nginx.service", 5000, "deploy", TRUE,
                   "3 recoveries within 5min", 4000);
  g_assert_true (set_silence (store, nginx, 9000, NULL, &error));
  longer = query_controls (store, nginx);
  assert_controls (longer->pdata[0], "nginx.service", 9000, NULL, TRUE,
                   "3 recoveries within 5min", 4000);

  copy = tend_service_controls_copy (longer->pdata[0]);
  g_assert_true (copy->manual_reason != ((TendServiceControls *) longer->pdata[0])->manual_reason);
  g_assert_cmpstr (copy->manual_reason, ==, "3 recoveries within 5min");

  /* By host and unit */
  g_assert_true (set_manual (store, redis, TRUE, "loop", 100, &error));
  all = query_controls (store, -1);
  g_assert_cmpuint (all->len, ==, 2);
  assert_controls (all->pdata[0], "redis-server.service", 0, NULL, TRUE, "loop", 100);
  assert_controls (all->pdata[1], "nginx.service", 9000, NULL, TRUE,
                   "3 recoveries within 5min", 4000);

  /* Resumed: the reason and time go with the mark; the silence stays */
  g_assert_true (set_manual (store, nginx, FALSE, "ignored", 123, &error));
  resumed = query_controls (store, nginx);
  assert_controls (resumed->pdata[0], "nginx.service", 9000, NULL, FALSE, NULL, 0);

  /* Neither left: no row */
  g_assert_true (set_silence (store, nginx, 0, "ignored", &error));
  g_assert_no_error (error);
  cleared = query_controls (store, nginx);
  g_assert_cmpuint (cleared->len, ==, 0);
  rest = query_controls (store, -1);
  g_assert_cmpuint (rest->len, ==, 1);
  g_assert_cmpint (((TendServiceControls *) rest->pdata[0])->service_id, ==, redis);
  g_assert_cmpint (query_int (path, "SELECT count(*) FROM service_controls"), ==, 1);

  /* Only services of the inventory */
  g_assert_false (set_silence (store, 424242, 5000, "x", &error));
  g_assert_error (error, TEND_ERROR, TEND_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "no service with id 424242 in the inventory; it may "
                   "have been removed by an import");
  g_clear_error (&error);
  g_assert_false (set_manual (store, 424242, TRUE, "x", 5000, &error));
  g_assert_error (error, TEND_ERROR, TEND_ERROR_NOT_FOUND);
  g_assert_cmpint (query_int (path, "SELECT count(*) FROM service_controls"), ==, 1);

  tend_store_close (store);
  remove_dir (dir);
}

/* A service that leaves the inventory takes its silence and mark along */
static void
test_controls_of_removed_services (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tend-inv-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "tend.db", NULL);
  g_autoptr(TendInventory) full = load_fixture ("full.json");
  g_autoptr(TendInventory) changed = load_fixture ("changed.json");
  g_autoptr(TendStore) store = open_store (path);
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GPtrArray) gone = NULL;
  g_autofree char *stored = NULL;
  gint64 app, redis;
  sqlite3 *db = NULL;

  g_assert_true (replace (store, full, &error));
  app = service_id (store, "web1", "app.service");
  redis = service_id (store, "db1", "redis-server.service");
  g_assert_true (set_manual (store, app, TRUE, "loop", 100, &error));
  g_assert_true (set_silence (store, redis, 5000, "upgrade", &error));
  before = query_controls (store, -1);
  g_assert_cmpuint (before->len, ==, 2);

  /* Never part of the inventory */
  stored = stored_json (store);
  g_assert_null (strstr (stored, "upgrade"));

  /* changed.json has no web1/app.service, and keeps db1/redis-server.service */
  g_assert_true (replace (store, changed, &error));
  g_assert_no_error (error);
  after = query_controls (store, -1);
  g_assert_cmpuint (after->len, ==, 1);
  assert_controls (after->pdata[0], "redis-server.service", 5000, "upgrade", FALSE, NULL, 0);
  g_assert_cmpint (query_int (path, "SELECT count(*) FROM service_controls"), ==, 1);

  /* A row whose service is gone, however it got there, is not listed */
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  exec_sql (db, "INSERT INTO service_controls (service_id, manual) VALUES (424242, 1)");
  sqlite3_close (db);
  gone = query_controls (store, -1);
  g_assert_cmpuint (gone->len, ==, 1);
  g_assert_cmpint (((TendServiceControls *) gone->pdata[0])->service_id, ==, redis);

  tend_store_close (store);
  remove_dir (dir);
}

/* A database of schema 2, as the Tend before this one left it: its services stay, with
 * their ids and tags, and have no dependencies and no maintenance windows. */
static void
test_migration_from_schema_2 (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tend-inv-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "tend.db", NULL);
  g_autofree char *stamp = g_strdup_printf ("PRAGMA application_id = %d; PRAGMA user_version = 2",
                                            TEND_STORE_APPLICATION_ID);
  g_autoptr(TendStore) store = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TendInventory) inventory = NULL;
  const TendInventoryService *service;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  exec_sql (db, tend_store_migration (1));
  exec_sql (db, tend_store_migration (2));
  exec_sql (db, stamp);
  exec_sql (db, "INSERT INTO hosts (id, name, kind, scope) VALUES (1, 'web1', 'local', 'user');"
                "INSERT INTO services (id, host_id, unit, tags) VALUES "
                "(7, 1, 'nginx.service', '[\"web\"]'), (9, 1, 'app.service', '[]')");
  sqlite3_close (db);

  store = open_store (path);
  g_assert_cmpint (query_int (path, "PRAGMA user_version"), ==, TEND_STORE_SCHEMA_VERSION);
  g_assert_cmpint (service_id (store, "web1", "nginx.service"), ==, 7);
  g_assert_cmpint (service_id (store, "web1", "app.service"), ==, 9);
  g_assert_cmpint (query_int (path, "SELECT count(*) FROM service_controls"), ==, 0);

  tend_store_load_inventory_async (store, NULL, store_result, &result);
  inventory = tend_store_load_inventory_finish (store, wait_for_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tend_inventory_get_services (inventory)->len, ==, 2);
  service = tend_inventory_get_services (inventory)->pdata[1];
  g_assert_cmpstr (service->unit, ==, "nginx.service");
  g_assert_cmpstrv (service->tags, ((const char * const []) { "web", NULL }));
  g_assert_nonnull (service->depends_on);
  g_assert_null (service->depends_on[0]);
  g_assert_nonnull (service->maintenance);
  g_assert_null (service->maintenance[0]);
  g_assert_true (tend_inventory_validate (inventory, &error));

  /* The copy made before the migration is still schema 2 */
  g_free (path);
  path = g_build_filename (dir, "tend.db.before-schema-3", NULL);
  g_assert_cmpint (query_int (path, "PRAGMA user_version"), ==, 2);

  tend_store_close (store);
  remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store-inventory/round-trip", test_round_trip);
  g_test_add_func ("/store-inventory/all-or-nothing", test_all_or_nothing);
  g_test_add_func ("/store-inventory/edits", test_edits);
  g_test_add_func ("/store-inventory/checks-with-ids", test_checks_with_ids);
  g_test_add_func ("/store-inventory/health", test_health);
  g_test_add_func ("/store-inventory/ensured-host-scope", test_ensured_host_scope);
  g_test_add_func ("/store-inventory/migration-from-schema-2", test_migration_from_schema_2);
  g_test_add_func ("/store-inventory/controls", test_controls);
  g_test_add_func ("/store-inventory/controls-of-removed-services",
                   test_controls_of_removed_services);
  return g_test_run ();
}
