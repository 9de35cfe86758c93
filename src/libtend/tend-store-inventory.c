/* tend-store-inventory.c — the inventory in the database: read whole, changed in one
 * transaction
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every change — an import of a whole inventory, or one edit — is one transaction that
 * holds the write lock from the reading to the writing: the change is made to the
 * inventory as it is stored at that moment, validated (tend_inventory_validate_change())
 * and written where it differs. Rows that stay keep their ids (and so their history),
 * the others are added, changed or removed, and if anything fails nothing has changed.
 * The database's own constraints are the last guard.
 */
#define G_LOG_DOMAIN "Tend-Store"

#include "tend-json-lib.h"

#include "tend-error.h"
#include "tend-inventory.h"
#include "tend-store-private.h"

/* ------------------------------------------------------------------------------------ */
/* Words ↔ values                                                                        */

/* The value of @enum_type whose nick is @text, or @fallback */
static int
from_nick (GType       enum_type,
           const char *text,
           int         fallback)
{
  int value;

  return tend_enum_from_nick (enum_type, text, &value) ? value : fallback;
}

/* A list of text (tags, dependencies, maintenance windows) as a JSON array, and back */
static char *
strv_to_json (char **strv)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    json_builder_add_string_value (builder, strv[i]);
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static char **
strv_from_json (const char *text)
{
  g_autoptr(JsonNode) root = json_from_string (text, NULL);
  g_autoptr(GStrvBuilder) strv = g_strv_builder_new ();
  JsonArray *array;

  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    return g_strv_builder_end (strv);
  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      const char *element = json_array_get_string_element (array, i);

      if (element != NULL)
        g_strv_builder_add (strv, element);
    }
  return g_strv_builder_end (strv);
}

static void
bind_optional_int (sqlite3_stmt *stmt,
                   int           index,
                   gint64        value)
{
  if (value == TEND_INVENTORY_UNSET)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_int64 (stmt, index, value);
}

/* ------------------------------------------------------------------------------------ */
/* Reading                                                                               */

static gboolean
read_hosts (TendStore      *self,
            TendInventory  *inventory)
{
  sqlite3_stmt *stmt = tend_store_prepare (self, "SELECT name, kind, address, port, user_name, "
                                                 "scope, sudo, access FROM hosts ORDER BY name");
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TendHostKind kind = from_nick (TEND_TYPE_HOST_KIND,
                                       (const char *) sqlite3_column_text (stmt, 1),
                                       TEND_HOST_KIND_LOCAL);
      TendInventoryHost *host =
        tend_inventory_host_new ((const char *) sqlite3_column_text (stmt, 0), kind);

      g_free (host->address);
      host->address = tend_store_column_dup_text (stmt, 2);
      host->port = (int) tend_store_column_int64 (stmt, 3, TEND_INVENTORY_UNSET);
      g_free (host->user);
      host->user = tend_store_column_dup_text (stmt, 4);
      host->scope = from_nick (TEND_TYPE_HOST_SCOPE,
                                 (const char *) sqlite3_column_text (stmt, 5), host->scope);
      host->sudo = from_nick (TEND_TYPE_INVENTORY_SUDO,
                                (const char *) sqlite3_column_text (stmt, 6), host->sudo);
      host->access = from_nick (TEND_TYPE_INVENTORY_ACCESS,
                                  (const char *) sqlite3_column_text (stmt, 7), host->access);
      tend_inventory_add_host (inventory, host);
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE;
}

static gboolean
read_services (TendStore     *self,
               TendInventory *inventory)
{
  sqlite3_stmt *stmt = tend_store_prepare (self, "SELECT hosts.name, unit, display_name, tags, "
                                                 "depends_on, maintenance FROM services "
                                                 "JOIN hosts ON hosts.id = host_id "
                                                 "ORDER BY hosts.name, unit");
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TendInventoryService *service =
        tend_inventory_service_new ((const char *) sqlite3_column_text (stmt, 0),
                                    (const char *) sqlite3_column_text (stmt, 1));

      g_free (service->display_name);
      service->display_name = tend_store_column_dup_text (stmt, 2);
      g_strfreev (service->tags);
      service->tags = strv_from_json ((const char *) sqlite3_column_text (stmt, 3));
      g_strfreev (service->depends_on);
      service->depends_on = strv_from_json ((const char *) sqlite3_column_text (stmt, 4));
      g_strfreev (service->maintenance);
      service->maintenance = strv_from_json ((const char *) sqlite3_column_text (stmt, 5));
      tend_inventory_add_service (inventory, service);
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE;
}

/* Calls @func for each stored check, in the order of host, unit and name. */
typedef void (*CheckFunc) (TendInventoryCheck *check,   /* (transfer full) */
                           gint64              service_id,
                           gint64              check_id,
                           gpointer            user_data);

static gboolean
read_checks (TendStore  *self,
             CheckFunc   func,
             gpointer    user_data,
             GError    **error)
{
  sqlite3_stmt *stmt = tend_store_prepare (self,
    "SELECT hosts.name, unit, checks.name, checks.kind, params, interval_usec, timeout_usec, "
    "failures_before_hard, successes_before_recovered, startup_grace_usec, enabled, "
    "services.id, checks.id "
    "FROM checks JOIN services ON services.id = service_id JOIN hosts ON hosts.id = host_id "
    "ORDER BY hosts.name, unit, checks.name");
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *params = (const char *) sqlite3_column_text (stmt, 4);
      TendInventoryCheckKind kind = from_nick (TEND_TYPE_INVENTORY_CHECK_KIND,
                                                 (const char *) sqlite3_column_text (stmt, 3),
                                                 TEND_INVENTORY_CHECK_UNIT);
      g_autoptr(TendInventoryCheck) check =
        tend_inventory_check_new ((const char *) sqlite3_column_text (stmt, 0),
                                  (const char *) sqlite3_column_text (stmt, 1),
                                  (const char *) sqlite3_column_text (stmt, 2), kind);

      check->interval_usec = sqlite3_column_int64 (stmt, 5);
      check->timeout_usec = sqlite3_column_int64 (stmt, 6);
      check->failures_before_hard = sqlite3_column_int (stmt, 7);
      check->successes_before_recovered = sqlite3_column_int (stmt, 8);
      check->startup_grace_usec = sqlite3_column_int64 (stmt, 9);
      check->enabled = sqlite3_column_int (stmt, 10) != 0;
      if (!tend_inventory_check_set_params_from_json (check, params, strlen (params), error))
        {
          g_prefix_error (error, "the stored check '%s' of %s on %s: ", check->name,
                          check->unit, check->host);
          sqlite3_finalize (stmt);
          return FALSE;
        }
      func (g_steal_pointer (&check), sqlite3_column_int64 (stmt, 11),
            sqlite3_column_int64 (stmt, 12), user_data);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    g_propagate_error (error, tend_store_error (self, rc, "read the checks from"));
  return rc == SQLITE_DONE;
}

static void
add_to_inventory (TendInventoryCheck *check,
                  gint64              service_id,
                  gint64              check_id,
                  gpointer            user_data)
{
  tend_inventory_add_check (user_data, check);
}

static gboolean
read_policies (TendStore     *self,
               TendInventory *inventory)
{
  sqlite3_stmt *stmt = tend_store_prepare (self,
    "SELECT hosts.name, unit, policies.kind, max_recoveries, window_usec, cooldown_usec, "
    "backoff_initial_usec, backoff_multiplier, backoff_max_usec, reset_after_usec, jitter, "
    "loop_threshold, loop_window_usec FROM policies JOIN services ON services.id = service_id "
    "JOIN hosts ON hosts.id = host_id ORDER BY hosts.name, unit");
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TendInventoryPolicyKind kind = from_nick (TEND_TYPE_INVENTORY_POLICY_KIND,
                                                  (const char *) sqlite3_column_text (stmt, 2),
                                                  TEND_INVENTORY_POLICY_ON_FAILURE);
      TendInventoryPolicy *policy =
        tend_inventory_policy_new ((const char *) sqlite3_column_text (stmt, 0),
                                   (const char *) sqlite3_column_text (stmt, 1), kind);

      policy->max_recoveries = sqlite3_column_int (stmt, 3);
      policy->window_usec = sqlite3_column_int64 (stmt, 4);
      policy->cooldown_usec = sqlite3_column_int64 (stmt, 5);
      policy->backoff_initial_usec = sqlite3_column_int64 (stmt, 6);
      policy->backoff_multiplier = sqlite3_column_double (stmt, 7);
      policy->backoff_max_usec = sqlite3_column_int64 (stmt, 8);
      policy->reset_after_usec = sqlite3_column_int64 (stmt, 9);
      policy->jitter = sqlite3_column_double (stmt, 10);
      policy->loop_threshold = sqlite3_column_int (stmt, 11);
      policy->loop_window_usec = sqlite3_column_int64 (stmt, 12);
      tend_inventory_add_policy (inventory, policy);
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE;
}

/* Reads the whole inventory into @inventory, within a transaction the caller began. */
static gboolean
read_inventory (TendStore      *self,
                TendInventory  *inventory,
                GError        **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (!read_hosts (self, inventory) || !read_services (self, inventory) ||
      !read_policies (self, inventory))
    {
      g_propagate_error (error, tend_store_error (self,
                                                  sqlite3_errcode (tend_store_get_db (self)),
                                                  "read the inventory from"));
      return FALSE;
    }
  if (!read_checks (self, add_to_inventory, inventory, error))
    return FALSE;

  stmt = tend_store_prepare (self, "SELECT key, value FROM config ORDER BY key");
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    tend_inventory_set_config (inventory, (const char *) sqlite3_column_text (stmt, 0),
                               (const char *) sqlite3_column_text (stmt, 1));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      g_propagate_error (error, tend_store_error (self, rc, "read the configuration from"));
      return FALSE;
    }
  return TRUE;
}

static void
load_inventory_job (TendStore *self,
                    GTask     *task)
{
  g_autoptr(TendInventory) inventory = tend_inventory_new ();
  GError *error = NULL;
  int rc;

  if (!tend_store_check_open (self, task))
    return;

  /* One snapshot: an edit running meanwhile is either wholly in it or not at all. */
  rc = tend_store_exec (self, "BEGIN");
  if (rc != SQLITE_OK)
    {
      g_task_return_error (task, tend_store_error (self, rc, "read the inventory from"));
      return;
    }
  if (!read_inventory (self, inventory, &error))
    {
      g_task_return_error (task, error);
      tend_store_exec (self, "ROLLBACK");
      return;
    }
  tend_store_exec (self, "COMMIT");

  g_task_return_pointer (task, g_steal_pointer (&inventory), (GDestroyNotify) tend_inventory_unref);
}

/**
 * tend_store_load_inventory_async:
 *
 * Reads the whole inventory — hosts, services, checks, policies and configuration
 * values — as one consistent snapshot.
 */
void
tend_store_load_inventory_async (TendStore           *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (TEND_IS_STORE (self));

  tend_store_queue_task (self, load_inventory_job, tend_store_load_inventory_async, NULL, NULL,
                         cancellable, callback, user_data);
}

/**
 * tend_store_load_inventory_finish:
 *
 * Returns: (transfer full): the inventory
 */
TendInventory *
tend_store_load_inventory_finish (TendStore     *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------------------ */
/* Replacing                                                                             */

/* Runs @sql with the bound values given by @bind, once. */
static int
run (TendStore    *self,
     sqlite3_stmt *stmt)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

static char *
service_key (const char *host,
             const char *unit)
{
  return g_strconcat (host, "\n", unit, NULL);
}

/* Deletes the rows of @select (id, key) whose key @keep does not hold. */
static int
delete_missing (TendStore  *self,
                const char *select_sql,
                const char *delete_sql,
                GHashTable *keep)
{
  sqlite3_stmt *select = tend_store_prepare (self, select_sql);
  sqlite3_stmt *delete = tend_store_prepare (self, delete_sql);
  g_autoptr(GArray) gone = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  while ((rc = sqlite3_step (select)) == SQLITE_ROW)
    if (!g_hash_table_contains (keep, sqlite3_column_text (select, 1)))
      {
        gint64 id = sqlite3_column_int64 (select, 0);
        g_array_append_val (gone, id);
      }
  rc = rc == SQLITE_DONE ? SQLITE_OK : rc;

  for (guint i = 0; rc == SQLITE_OK && i < gone->len; i++)
    {
      sqlite3_bind_int64 (delete, 1, g_array_index (gone, gint64, i));
      rc = run (self, delete);
    }

  sqlite3_finalize (select);
  sqlite3_finalize (delete);
  return rc;
}

static int
replace_hosts (TendStore     *self,
               TendInventory *inventory)
{
  GPtrArray *hosts = tend_inventory_get_hosts (inventory);
  g_autoptr(GHashTable) keep = g_hash_table_new (g_str_hash, g_str_equal);
  sqlite3_stmt *upsert;
  int rc;

  for (guint i = 0; i < hosts->len; i++)
    g_hash_table_add (keep, ((TendInventoryHost *) hosts->pdata[i])->name);
  rc = delete_missing (self, "SELECT id, name FROM hosts", "DELETE FROM hosts WHERE id = ?",
                       keep);

  upsert = tend_store_prepare (self,
    "INSERT INTO hosts (name, kind, address, port, user_name, scope, sudo, access) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, "
    "address = excluded.address, port = excluded.port, user_name = excluded.user_name, "
    "scope = excluded.scope, sudo = excluded.sudo, access = excluded.access");
  for (guint i = 0; rc == SQLITE_OK && i < hosts->len; i++)
    {
      const TendInventoryHost *host = hosts->pdata[i];

      sqlite3_bind_text (upsert, 1, host->name, -1, SQLITE_STATIC);
      sqlite3_bind_text (upsert, 2, tend_inventory_host_kind_to_string (host->kind), -1,
                         SQLITE_STATIC);
      tend_store_bind_text (upsert, 3, host->address);
      bind_optional_int (upsert, 4, host->port);
      tend_store_bind_text (upsert, 5, host->user);
      sqlite3_bind_text (upsert, 6, tend_inventory_scope_to_string (host->scope), -1,
                         SQLITE_STATIC);
      sqlite3_bind_text (upsert, 7, tend_inventory_sudo_to_string (host->sudo), -1,
                         SQLITE_STATIC);
      sqlite3_bind_text (upsert, 8, tend_inventory_access_to_string (host->access), -1,
                         SQLITE_STATIC);
      rc = run (self, upsert);
    }
  sqlite3_finalize (upsert);
  return rc;
}

static int
replace_services (TendStore     *self,
                  TendInventory *inventory)
{
  GPtrArray *services = tend_inventory_get_services (inventory);
  g_autoptr(GHashTable) keep = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sqlite3_stmt *upsert;
  int rc;

  for (guint i = 0; i < services->len; i++)
    {
      const TendInventoryService *service = services->pdata[i];
      g_hash_table_add (keep, service_key (service->host, service->unit));
    }
  rc = delete_missing (self, "SELECT services.id, hosts.name || char(10) || unit FROM services "
                             "JOIN hosts ON hosts.id = host_id",
                       "DELETE FROM services WHERE id = ?", keep);

  upsert = tend_store_prepare (self,
    "INSERT INTO services (host_id, unit, display_name, tags, depends_on, maintenance) "
    "SELECT id, ?2, ?3, ?4, ?5, ?6 FROM hosts WHERE name = ?1 "
    "ON CONFLICT (host_id, unit) DO UPDATE SET display_name = excluded.display_name, "
    "tags = excluded.tags, depends_on = excluded.depends_on, "
    "maintenance = excluded.maintenance");
  for (guint i = 0; rc == SQLITE_OK && i < services->len; i++)
    {
      const TendInventoryService *service = services->pdata[i];
      g_autofree char *tags = strv_to_json (service->tags);
      g_autofree char *depends_on = strv_to_json (service->depends_on);
      g_autofree char *maintenance = strv_to_json (service->maintenance);

      sqlite3_bind_text (upsert, 1, service->host, -1, SQLITE_STATIC);
      sqlite3_bind_text (upsert, 2, service->unit, -1, SQLITE_STATIC);
      tend_store_bind_text (upsert, 3, service->display_name);
      sqlite3_bind_text (upsert, 4, tags, -1, SQLITE_STATIC);
      sqlite3_bind_text (upsert, 5, depends_on, -1, SQLITE_STATIC);
      sqlite3_bind_text (upsert, 6, maintenance, -1, SQLITE_STATIC);
      rc = run (self, upsert);
    }
  sqlite3_finalize (upsert);
  return rc;
}

static int
replace_checks (TendStore     *self,
                TendInventory *inventory)
{
  GPtrArray *checks = tend_inventory_get_checks (inventory);
  g_autoptr(GHashTable) keep = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sqlite3_stmt *upsert;
  int rc;

  for (guint i = 0; i < checks->len; i++)
    {
      const TendInventoryCheck *check = checks->pdata[i];
      g_hash_table_add (keep, g_strconcat (check->host, "\n", check->unit, "\n", check->name,
                                           NULL));
    }
  rc = delete_missing (self, "SELECT checks.id, hosts.name || char(10) || unit || char(10) || "
                             "checks.name FROM checks JOIN services ON services.id = service_id "
                             "JOIN hosts ON hosts.id = host_id",
                       "DELETE FROM checks WHERE id = ?", keep);

  upsert = tend_store_prepare (self,
    "INSERT INTO checks (service_id, name, kind, params, interval_usec, timeout_usec, "
    "failures_before_hard, successes_before_recovered, startup_grace_usec, enabled) "
    "SELECT services.id, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11 FROM services "
    "JOIN hosts ON hosts.id = host_id WHERE hosts.name = ?1 AND unit = ?2 "
    "ON CONFLICT (service_id, name) DO UPDATE SET kind = excluded.kind, "
    "params = excluded.params, interval_usec = excluded.interval_usec, "
    "timeout_usec = excluded.timeout_usec, "
    "failures_before_hard = excluded.failures_before_hard, "
    "successes_before_recovered = excluded.successes_before_recovered, "
    "startup_grace_usec = excluded.startup_grace_usec, enabled = excluded.enabled");
  for (guint i = 0; rc == SQLITE_OK && i < checks->len; i++)
    {
      const TendInventoryCheck *check = checks->pdata[i];
      g_autofree char *params = tend_inventory_check_params_to_json (check);

      sqlite3_bind_text (upsert, 1, check->host, -1, SQLITE_STATIC);
      sqlite3_bind_text (upsert, 2, check->unit, -1, SQLITE_STATIC);
      sqlite3_bind_text (upsert, 3, check->name, -1, SQLITE_STATIC);
      sqlite3_bind_text (upsert, 4, tend_inventory_check_kind_to_string (check->kind), -1,
                         SQLITE_STATIC);
      sqlite3_bind_text (upsert, 5, params, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (upsert, 6, check->interval_usec);
      sqlite3_bind_int64 (upsert, 7, check->timeout_usec);
      sqlite3_bind_int (upsert, 8, check->failures_before_hard);
      sqlite3_bind_int (upsert, 9, check->successes_before_recovered);
      sqlite3_bind_int64 (upsert, 10, check->startup_grace_usec);
      sqlite3_bind_int (upsert, 11, check->enabled ? 1 : 0);
      rc = run (self, upsert);
    }
  sqlite3_finalize (upsert);
  return rc;
}

static int
replace_policies (TendStore     *self,
                  TendInventory *inventory)
{
  GPtrArray *policies = tend_inventory_get_policies (inventory);
  g_autoptr(GHashTable) keep = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sqlite3_stmt *upsert;
  int rc;

  for (guint i = 0; i < policies->len; i++)
    {
      const TendInventoryPolicy *policy = policies->pdata[i];
      g_hash_table_add (keep, service_key (policy->host, policy->unit));
    }
  rc = delete_missing (self, "SELECT service_id, hosts.name || char(10) || unit FROM policies "
                             "JOIN services ON services.id = service_id "
                             "JOIN hosts ON hosts.id = host_id",
                       "DELETE FROM policies WHERE service_id = ?", keep);

  upsert = tend_store_prepare (self,
    "INSERT OR REPLACE INTO policies (service_id, kind, max_recoveries, window_usec, "
    "cooldown_usec, backoff_initial_usec, backoff_multiplier, backoff_max_usec, "
    "reset_after_usec, jitter, loop_threshold, loop_window_usec) "
    "SELECT services.id, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13 FROM services "
    "JOIN hosts ON hosts.id = host_id WHERE hosts.name = ?1 AND unit = ?2");
  for (guint i = 0; rc == SQLITE_OK && i < policies->len; i++)
    {
      const TendInventoryPolicy *policy = policies->pdata[i];

      sqlite3_bind_text (upsert, 1, policy->host, -1, SQLITE_STATIC);
      sqlite3_bind_text (upsert, 2, policy->unit, -1, SQLITE_STATIC);
      sqlite3_bind_text (upsert, 3, tend_inventory_policy_kind_to_string (policy->kind), -1,
                         SQLITE_STATIC);
      sqlite3_bind_int (upsert, 4, policy->max_recoveries);
      sqlite3_bind_int64 (upsert, 5, policy->window_usec);
      sqlite3_bind_int64 (upsert, 6, policy->cooldown_usec);
      sqlite3_bind_int64 (upsert, 7, policy->backoff_initial_usec);
      sqlite3_bind_double (upsert, 8, policy->backoff_multiplier);
      sqlite3_bind_int64 (upsert, 9, policy->backoff_max_usec);
      sqlite3_bind_int64 (upsert, 10, policy->reset_after_usec);
      sqlite3_bind_double (upsert, 11, policy->jitter);
      sqlite3_bind_int (upsert, 12, policy->loop_threshold);
      sqlite3_bind_int64 (upsert, 13, policy->loop_window_usec);
      rc = run (self, upsert);
    }
  sqlite3_finalize (upsert);
  return rc;
}

static int
replace_config (TendStore     *self,
                TendInventory *inventory)
{
  GHashTable *config = tend_inventory_get_config (inventory);
  sqlite3_stmt *insert;
  GHashTableIter iter;
  gpointer key, value;
  int rc;

  rc = tend_store_exec (self, "DELETE FROM config");
  insert = tend_store_prepare (self, "INSERT INTO config (key, value) VALUES (?, ?)");
  g_hash_table_iter_init (&iter, config);
  while (rc == SQLITE_OK && g_hash_table_iter_next (&iter, &key, &value))
    {
      sqlite3_bind_text (insert, 1, key, -1, SQLITE_STATIC);
      sqlite3_bind_text (insert, 2, value, -1, SQLITE_STATIC);
      rc = run (self, insert);
    }
  sqlite3_finalize (insert);
  return rc;
}

/* Writes @inventory over the stored one, within the caller's transaction: rows that
 * stay keep their ids. */
static int
write_inventory (TendStore     *self,
                 TendInventory *inventory)
{
  int rc = replace_hosts (self, inventory);

  if (rc == SQLITE_OK)
    rc = replace_services (self, inventory);
  /* Silences and marks go with their service: a service added later may get its id */
  if (rc == SQLITE_OK)
    rc = tend_store_exec (self, "DELETE FROM service_controls "
                                "WHERE service_id NOT IN (SELECT id FROM services)");
  if (rc == SQLITE_OK)
    rc = replace_checks (self, inventory);
  if (rc == SQLITE_OK)
    rc = replace_policies (self, inventory);
  if (rc == SQLITE_OK)
    rc = replace_config (self, inventory);
  return rc;
}

typedef struct
{
  TendInventoryEditFunc  func;
  gpointer               func_data;
  GDestroyNotify         func_data_free;  /* (nullable) */
  TendStoreEditFlags     flags;
} EditData;

static void
edit_data_free (EditData *edit)
{
  if (edit->func_data_free != NULL)
    edit->func_data_free (edit->func_data);
  g_free (edit);
}

/* The database's own error, after which nothing was changed */
static GError *
edit_error (TendStore *self,
            int        rc)
{
  GError *error = tend_store_error (self, rc, "change the inventory in");

  g_prefix_error (&error, "nothing was changed: ");
  return error;
}

static void
edit_inventory_job (TendStore *self,
                    GTask     *task)
{
  const EditData *edit = g_task_get_task_data (task);
  g_autoptr(TendInventory) before = NULL;
  g_autoptr(TendInventory) inventory = tend_inventory_new ();
  g_autoptr(TendInventoryDiff) diff = NULL;
  GError *error = NULL;
  int rc;

  if (!tend_store_check_open (self, task))
    return;

  /* The write lock first: what is read is what the change is made to, and no one else
   * writes until it is stored or refused. */
  rc = tend_store_exec (self, "BEGIN IMMEDIATE");
  if (rc != SQLITE_OK)
    {
      g_task_return_error (task, edit_error (self, rc));
      return;
    }

  if (!read_inventory (self, inventory, &error))
    goto refused;
  before = tend_inventory_copy (inventory);
  if (!edit->func (inventory, edit->func_data, &error) ||
      !tend_inventory_validate_change (before, inventory, &error))
    goto refused;

  diff = tend_inventory_diff (before, inventory);
  if (tend_inventory_diff_is_empty (diff) || (edit->flags & TEND_STORE_EDIT_DRY_RUN))
    rc = tend_store_exec (self, "ROLLBACK");
  else
    {
      rc = write_inventory (self, inventory);
      if (rc == SQLITE_OK)
        rc = tend_store_exec (self, "COMMIT");
    }
  if (rc != SQLITE_OK)
    {
      error = edit_error (self, rc);
      goto refused;
    }

  g_task_return_pointer (task, g_steal_pointer (&diff), (GDestroyNotify) tend_inventory_diff_free);
  return;

refused:
  tend_store_exec (self, "ROLLBACK");
  g_task_return_error (task, error);
}

static void
queue_edit (TendStore             *self,
            TendInventoryEditFunc  func,
            gpointer               func_data,
            GDestroyNotify         func_data_free,
            TendStoreEditFlags     flags,
            gpointer               source_tag,
            GCancellable          *cancellable,
            GAsyncReadyCallback    callback,
            gpointer               user_data)
{
  EditData *edit = g_new0 (EditData, 1);

  edit->func = func;
  edit->func_data = func_data;
  edit->func_data_free = func_data_free;
  edit->flags = flags;
  tend_store_queue_task (self, edit_inventory_job, source_tag, edit,
                         (GDestroyNotify) edit_data_free, cancellable, callback, user_data);
}

/**
 * TendInventoryEditFunc:
 * @inventory: the inventory as it is stored at this moment, to change in place
 * @user_data: what was given with it
 * @error: why the change does not apply (any %TEND_ERROR code; a removal of something
 *   no longer there is %TEND_ERROR_NOT_FOUND)
 *
 * Makes one change to the inventory. It runs on the store's thread, inside the write
 * transaction, so it sees every change stored before it and none is stored while it
 * runs: it must only read and change @inventory and its own data, and never wait.
 *
 * Returns: %FALSE with @error set to refuse the change
 */

/**
 * tend_store_edit_inventory_async:
 * @func: the change; called once, on the store's thread
 * @func_data: its data, which must live until @callback
 * @flags: %TEND_STORE_EDIT_DRY_RUN to validate the change and say what it would be,
 *   storing nothing
 *
 * Applies one change to the inventory in one transaction: reads the inventory as it is
 * stored, with the write lock held, lets @func change it, validates the result with
 * tend_inventory_validate_change() and writes what differs (rows that stay keep their
 * ids and history; silences and marks of services that go are forgotten). Two edits
 * running at once, in one program or in two, are thus one after the other: neither
 * undoes the other, and one that no longer applies is refused by its @func.
 */
void
tend_store_edit_inventory_async (TendStore             *self,
                                 TendInventoryEditFunc  func,
                                 gpointer               func_data,
                                 TendStoreEditFlags     flags,
                                 GCancellable          *cancellable,
                                 GAsyncReadyCallback    callback,
                                 gpointer               user_data)
{
  g_return_if_fail (TEND_IS_STORE (self));
  g_return_if_fail (func != NULL);

  queue_edit (self, func, func_data, NULL, flags, tend_store_edit_inventory_async, cancellable,
              callback, user_data);
}

/**
 * tend_store_edit_inventory_finish:
 *
 * Returns: (transfer full): what the change changed (maybe nothing), before and after,
 *   or %NULL with @error: @func's refusal, the validator's problems
 *   (%TEND_ERROR_INVALID_ARGUMENT), or the database's error, after which nothing was
 *   changed
 */
TendInventoryDiff *
tend_store_edit_inventory_finish (TendStore     *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Makes the inventory @user_data's, whole. */
static gboolean
assign_inventory (TendInventory  *inventory,
                  gpointer        user_data,
                  GError        **error)
{
  TendInventory *incoming = user_data;
  GPtrArray *lists[][2] = {
    { tend_inventory_get_hosts (inventory), tend_inventory_get_hosts (incoming) },
    { tend_inventory_get_services (inventory), tend_inventory_get_services (incoming) },
    { tend_inventory_get_checks (inventory), tend_inventory_get_checks (incoming) },
    { tend_inventory_get_policies (inventory), tend_inventory_get_policies (incoming) },
  };
  g_autoptr(TendInventory) copy = tend_inventory_copy (incoming);
  GPtrArray *copies[] = {
    tend_inventory_get_hosts (copy), tend_inventory_get_services (copy),
    tend_inventory_get_checks (copy), tend_inventory_get_policies (copy),
  };
  GHashTableIter iter;
  gpointer key, value;

  /* The copy's items move over, without another copy. */
  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      g_ptr_array_set_size (lists[i][0], 0);
      for (guint j = 0; j < copies[i]->len; j++)
        g_ptr_array_add (lists[i][0], g_ptr_array_steal_index (copies[i], j--));
    }
  g_hash_table_remove_all (tend_inventory_get_config (inventory));
  g_hash_table_iter_init (&iter, tend_inventory_get_config (incoming));
  while (g_hash_table_iter_next (&iter, &key, &value))
    tend_inventory_set_config (inventory, key, value);
  return TRUE;
}

/**
 * tend_store_replace_inventory_async:
 * @inventory: the whole inventory, as an import brings it
 * @flags: %TEND_STORE_EDIT_DRY_RUN to validate and compare only
 *
 * Makes the stored inventory @inventory, as tend_store_edit_inventory_async() makes a
 * change: in one transaction, validated against what is stored at that moment, all of
 * it or none of it. @inventory is not changed, and must not be until @callback.
 */
void
tend_store_replace_inventory_async (TendStore           *self,
                                    TendInventory       *inventory,
                                    TendStoreEditFlags   flags,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (TEND_IS_STORE (self));
  g_return_if_fail (inventory != NULL);

  queue_edit (self, assign_inventory, tend_inventory_ref (inventory),
              (GDestroyNotify) tend_inventory_unref, flags, tend_store_replace_inventory_async,
              cancellable, callback, user_data);
}

/**
 * tend_store_replace_inventory_finish:
 *
 * Returns: (transfer full): what changed, as tend_store_edit_inventory_finish() says
 */
TendInventoryDiff *
tend_store_replace_inventory_finish (TendStore     *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------------------ */
/* The checks, with their ids                                                            */

void
tend_stored_check_free (TendStoredCheck *check)
{
  if (check == NULL)
    return;
  tend_inventory_check_free (check->spec);
  g_free (check);
}

static void
add_stored_check (TendInventoryCheck *check,
                  gint64              service_id,
                  gint64              check_id,
                  gpointer            user_data)
{
  TendStoredCheck *stored = g_new0 (TendStoredCheck, 1);

  stored->service_id = service_id;
  stored->check_id = check_id;
  stored->spec = check;
  g_ptr_array_add (user_data, stored);
}

static void
load_checks_job (TendStore *self,
                 GTask     *task)
{
  g_autoptr(GPtrArray) checks =
    g_ptr_array_new_with_free_func ((GDestroyNotify) tend_stored_check_free);
  GError *error = NULL;

  if (!tend_store_check_open (self, task))
    return;

  if (!read_checks (self, add_stored_check, checks, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&checks), (GDestroyNotify) g_ptr_array_unref);
}

/**
 * tend_store_load_checks_async:
 *
 * Reads the inventory's checks with the ids their results are stored under, what a
 * monitor needs to run them.
 */
void
tend_store_load_checks_async (TendStore           *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (TEND_IS_STORE (self));

  tend_store_queue_task (self, load_checks_job, tend_store_load_checks_async, NULL, NULL,
                         cancellable, callback, user_data);
}

/**
 * tend_store_load_checks_finish:
 *
 * Returns: (transfer container) (element-type TendStoredCheck): the checks, by host,
 *   unit and name
 */
GPtrArray *
tend_store_load_checks_finish (TendStore     *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
