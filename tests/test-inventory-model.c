/* test-inventory-model.c — the inventory in code: diffs, building, params, copies
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Fixtures: see test-inventory.h.
 */
#define G_LOG_DOMAIN "Tend"

#include "test-inventory.h"

/* Diffs */

static const char * const full_to_changed[] = {
  "~ host db1: port 2222 → 22, access operator → admin",
  "- host v6",
  "+ host web2 (ssh, deploy@10.0.0.6:22)",
  "- service web1/app.service",
  "~ service web1/nginx.service: display_name \"Web front — “edge”\" → none, tags [edge, web] → "
  "[edge, prod, web], depends_on [app.service] → [], maintenance [\"Mon-Fri 02:00-04:00\", "
  "\"daily 23:30-00:30\"] → [\"Sat,Sun 01:00-03:00\"]",
  "+ service web2/nginx.service",
  "- check laptop/tend-demo.service/script",
  "~ check web1/nginx.service/http: interval 30s → 10s, params.expect_status [200, 204] → [200]",
  "~ check web1/nginx.service/port: kind tcp → http, params.host 127.0.0.1 → none, params.port "
  "443 → none, params.send \"PING\\r\\n\" → none, params.expect +PONG → none, params.method "
  "none → HEAD, params.url none → https://127.0.0.1/, params.expect_status none → [200], "
  "params.verify_tls none → false",
  "+ check web2/nginx.service/http (http, every 30s)",
  "- policy db1/redis-server.service",
  "~ policy web1/nginx.service: jitter 0.1 → 0.2",
  "+ policy web2/nginx.service (always)",
  "~ config checks.default-interval: 30s → 1min",
  "- config notifications.on-degraded",
  "+ config retention.raw = 14d",
};

static void
test_diff (void)
{
  g_autoptr(TendInventory) current = load_fixture ("full.json");
  g_autoptr(TendInventory) incoming = load_fixture ("changed.json");
  g_autoptr(TendInventoryDiff) diff = tend_inventory_diff (current, incoming);
  g_autofree char *text = tend_inventory_diff_to_string (diff);
  g_autofree char *expected = NULL;
  g_autoptr(GString) joined = g_string_new (NULL);
  const TendInventoryChange *change;

  for (guint i = 0; i < G_N_ELEMENTS (full_to_changed); i++)
    g_string_append_printf (joined, "%s\n", full_to_changed[i]);
  expected = g_string_free (g_steal_pointer (&joined), FALSE);

  g_assert_cmpstr (text, ==, expected);
  g_assert_false (tend_inventory_diff_is_empty (diff));
  g_assert_cmpuint (tend_inventory_diff_get_n_changes (diff), ==, G_N_ELEMENTS (full_to_changed));

  change = tend_inventory_diff_get_change (diff, 0);
  g_assert_cmpint (change->kind, ==, TEND_INVENTORY_CHANGE_CHANGED);
  g_assert_cmpint (change->item_kind, ==, TEND_INVENTORY_ITEM_HOST);
  g_assert_cmpstr (change->key, ==, "db1");
  g_assert_cmpint (((const TendInventoryHost *) change->old_item)->port, ==, 2222);
  g_assert_cmpint (((const TendInventoryHost *) change->new_item)->port, ==, 22);
  g_assert_cmpstr (change->description, ==, full_to_changed[0]);

  change = tend_inventory_diff_get_change (diff, 1);
  g_assert_cmpint (change->kind, ==, TEND_INVENTORY_CHANGE_REMOVED);
  g_assert_cmpstr (change->key, ==, "v6");
  g_assert_nonnull (change->old_item);
  g_assert_null (change->new_item);

  change = tend_inventory_diff_get_change (diff, 9);
  g_assert_cmpint (change->kind, ==, TEND_INVENTORY_CHANGE_ADDED);
  g_assert_cmpint (change->item_kind, ==, TEND_INVENTORY_ITEM_CHECK);
  g_assert_cmpstr (change->key, ==, "web2/nginx.service/http");
  g_assert_null (change->old_item);
  g_assert_cmpstr (((const TendInventoryCheck *) change->new_item)->params.http.url, ==,
                   "https://example.com/health");

  change = tend_inventory_diff_get_change (diff, 13);
  g_assert_cmpint (change->item_kind, ==, TEND_INVENTORY_ITEM_CONFIG);
  g_assert_cmpstr (change->old_item, ==, "30s");
  g_assert_cmpstr (change->new_item, ==, "1min");
}

/* The diff keeps both inventories alive */
static void
test_diff_ownership (void)
{
  TendInventory *current = load_fixture ("full.json");
  TendInventory *incoming = load_fixture ("changed.json");
  g_autoptr(TendInventoryDiff) diff = tend_inventory_diff (current, incoming);
  const TendInventoryChange *change;

  tend_inventory_unref (current);
  tend_inventory_unref (incoming);

  change = tend_inventory_diff_get_change (diff, 0);
  g_assert_cmpstr (((const TendInventoryHost *) change->old_item)->address, ==,
                   "db1.example.com");
}

static void
test_diff_empty (void)
{
  g_autoptr(TendInventory) a = load_fixture ("full.json");
  g_autoptr(TendInventory) b = load_fixture ("full.json");
  g_autoptr(TendInventory) minimal = load_fixture ("minimal.json");
  g_autoptr(TendInventory) minimal_export = load_fixture ("minimal-export.json");
  g_autoptr(TendInventoryDiff) same = tend_inventory_diff (a, b);
  g_autoptr(TendInventoryDiff) defaults = tend_inventory_diff (minimal, minimal_export);
  g_autofree char *text = tend_inventory_diff_to_string (same);

  g_assert_true (tend_inventory_diff_is_empty (same));
  g_assert_cmpuint (tend_inventory_diff_get_n_changes (same), ==, 0);
  g_assert_cmpstr (text, ==, "");

  /* Defaults left out and written out are the same inventory */
  g_assert_true (tend_inventory_diff_is_empty (defaults));
}

/* Importing into nothing adds everything; an empty file removes everything */
static void
test_diff_whole (void)
{
  g_autoptr(TendInventory) empty = tend_inventory_new ();
  g_autoptr(TendInventory) minimal = load_fixture ("minimal.json");
  g_autoptr(TendInventoryDiff) added = tend_inventory_diff (empty, minimal);
  g_autoptr(TendInventoryDiff) removed = tend_inventory_diff (minimal, empty);
  g_autofree char *added_text = tend_inventory_diff_to_string (added);
  g_autofree char *removed_text = tend_inventory_diff_to_string (removed);

  g_assert_cmpstr (added_text, ==,
                   "+ host here (local)\n"
                   "+ host web1 (ssh, web1.example.com)\n"
                   "+ service here/tend-demo.service\n"
                   "+ service web1/nginx.service\n"
                   "+ check here/tend-demo.service/redis (redis, every 30s)\n"
                   "+ check here/tend-demo.service/resources (resources, every 30s)\n"
                   "+ check here/tend-demo.service/tcp (tcp, every 1min 30s)\n"
                   "+ check web1/nginx.service/http (http, every 30s)\n"
                   "+ check web1/nginx.service/unit (unit, every 30s)\n"
                   "+ policy web1/nginx.service (on-failure)\n");
  g_assert_cmpstr (removed_text, ==,
                   "- host here\n"
                   "- host web1\n"
                   "- service here/tend-demo.service\n"
                   "- service web1/nginx.service\n"
                   "- check here/tend-demo.service/redis\n"
                   "- check here/tend-demo.service/resources\n"
                   "- check here/tend-demo.service/tcp\n"
                   "- check web1/nginx.service/http\n"
                   "- check web1/nginx.service/unit\n"
                   "- policy web1/nginx.service\n");
}

/* Building in code */

static TendInventory *
build_inventory (void)
{
  TendInventory *inventory = tend_inventory_new ();
  TendInventoryHost *host = tend_inventory_host_new ("web1", TEND_HOST_KIND_SSH);
  TendInventoryService *service = tend_inventory_service_new ("web1", "nginx.service");
  TendInventoryCheck *check = tend_inventory_check_new ("web1", "nginx.service", "http",
                                                        TEND_INVENTORY_CHECK_HTTP);
  TendInventoryPolicy *policy = tend_inventory_policy_new ("web1", "nginx.service",
                                                           TEND_INVENTORY_POLICY_BACKOFF);

  host->address = g_strdup ("::1");
  host->user = g_strdup ("admin");
  host->access = TEND_INVENTORY_ACCESS_ADMIN;
  tend_inventory_add_host (inventory, host);

  g_strfreev (service->tags);
  service->tags = g_strdupv ((char **) (const char * const []) { "web", "edge", NULL });
  tend_inventory_add_service (inventory, service);

  check->params.http.url = g_strdup ("http://[::1]:8080/health");
  check->interval_usec = 10 * SEC;
  check->timeout_usec = 2 * SEC;
  tend_inventory_add_check (inventory, check);

  tend_inventory_add_policy (inventory, policy);
  tend_inventory_set_config (inventory, "checks.default-interval", "1min");
  tend_inventory_set_config (inventory, "notifications.webhook-url", "https://x/hook?a=1");

  return inventory;
}

static void
test_build_defaults (void)
{
  g_autoptr(TendInventoryHost) local = tend_inventory_host_new ("here", TEND_HOST_KIND_LOCAL);
  g_autoptr(TendInventoryHost) ssh = tend_inventory_host_new ("there", TEND_HOST_KIND_SSH);
  g_autoptr(TendInventoryService) service = tend_inventory_service_new ("here", "a.service");
  g_autoptr(TendInventoryCheck) redis = tend_inventory_check_new ("here", "a.service", "r",
                                                                  TEND_INVENTORY_CHECK_REDIS);
  g_autoptr(TendInventoryPolicy) policy = tend_inventory_policy_new ("here", "a.service",
                                                                     TEND_INVENTORY_POLICY_NEVER);

  g_assert_cmpint (local->scope, ==, TEND_HOST_SCOPE_USER);
  g_assert_cmpint (local->port, ==, TEND_INVENTORY_UNSET);
  g_assert_cmpint (local->access, ==, TEND_INVENTORY_ACCESS_ADMIN);   /* polkit decides here */
  g_assert_cmpint (ssh->scope, ==, TEND_HOST_SCOPE_SYSTEM);
  g_assert_cmpint (ssh->port, ==, TEND_INVENTORY_UNSET);
  g_assert_null (ssh->address);

  g_assert_nonnull (service->tags);
  g_assert_null (service->tags[0]);
  g_assert_null (service->display_name);

  g_assert_cmpint (redis->interval_usec, ==, 30 * SEC);
  g_assert_cmpint (redis->timeout_usec, ==, 10 * SEC);
  g_assert_cmpint (redis->startup_grace_usec, ==, 10 * SEC);
  g_assert_true (redis->enabled);
  g_assert_cmpstr (redis->params.redis.host, ==, "127.0.0.1");
  g_assert_cmpint (redis->params.redis.port, ==, 6379);
  g_assert_cmpint (redis->params.redis.max_latency_usec, ==, TEND_INVENTORY_UNSET);
  g_assert_cmpint (redis->params.redis.critical_memory_bytes, ==, TEND_INVENTORY_UNSET);
  g_assert_cmpint (redis->params.redis.critical_clients, ==, TEND_INVENTORY_UNSET);
  g_assert_cmpint (redis->params.redis.critical_latency_usec, ==, TEND_INVENTORY_UNSET);

  g_assert_cmpint (policy->kind, ==, TEND_INVENTORY_POLICY_NEVER);
  g_assert_cmpint (policy->max_recoveries, ==, 3);
  g_assert_cmpint (policy->window_usec, ==, 15 * 60 * SEC);
  /* A file's default is what recovery.cooldown gives a new user (5 s), as from tendctl */
  g_assert_cmpint (policy->cooldown_usec, ==, 5 * SEC);
  g_assert_cmpfloat (policy->backoff_multiplier, ==, 2.0);
  g_assert_cmpfloat (policy->jitter, ==, 0.0);
}

static void
test_build (void)
{
  g_autoptr(TendInventory) inventory = build_inventory ();
  g_autoptr(TendInventory) again = NULL;
  g_autoptr(TendInventoryDiff) diff = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  gsize length;
  const TendInventoryCheck *check;

  g_assert_true (tend_inventory_validate (inventory, &error));
  g_assert_no_error (error);

  json = tend_inventory_to_json (inventory, &length);
  g_assert_nonnull (strstr (json, "\"tags\": [\"edge\", \"web\"]"));
  g_assert_nonnull (strstr (json, "\"interval\": \"10s\""));
  again = tend_inventory_new_from_json (json, length, &error);
  g_assert_no_error (error);

  check = g_ptr_array_index (tend_inventory_get_checks (again), 0);
  g_assert_cmpint (check->params.http.method, ==, TEND_INVENTORY_HTTP_GET);
  g_assert_cmpuint (check->params.http.expect_status->len, ==, 1);
  g_assert_cmpint (g_array_index (check->params.http.expect_status, int, 0), ==, 200);
  g_assert_true (check->params.http.verify_tls);
  g_assert_cmpint (check->params.http.latency_degraded_usec, ==, TEND_INVENTORY_UNSET);

  diff = tend_inventory_diff (inventory, again);
  g_assert_true (tend_inventory_diff_is_empty (diff));

  /* Config values are removed with NULL */
  tend_inventory_set_config (inventory, "checks.default-interval", NULL);
  g_assert_cmpuint (g_hash_table_size (tend_inventory_get_config (inventory)), ==, 1);
}

/* Lists set in code: windows are written in their normal form, and dependencies are
 * checked against the services of the host */
static void
test_build_lists (void)
{
  g_autoptr(TendInventory) inventory = build_inventory ();
  g_autoptr(TendInventory) again = NULL;
  g_autoptr(TendInventoryDiff) diff = NULL;
  g_autoptr(TendInventoryService) copy = NULL;
  TendInventoryService *nginx = g_ptr_array_index (tend_inventory_get_services (inventory), 0);
  TendInventoryService *app = tend_inventory_service_new ("web1", "app.service");
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  gsize length;

  g_strfreev (nginx->depends_on);
  nginx->depends_on = g_strdupv ((char **) (const char * const []) { "app.service", NULL });
  g_strfreev (nginx->maintenance);
  nginx->maintenance = g_strdupv ((char **) (const char * const []) {
    "sunday 23:00-01:00", "DAILY 03:00-03:15", NULL });
  tend_inventory_add_service (inventory, app);

  g_assert_true (tend_inventory_validate (inventory, &error));
  g_assert_no_error (error);
  json = tend_inventory_to_json (inventory, &length);
  g_assert_nonnull (strstr (json, "\"depends_on\": [\"app.service\"],\n"));
  g_assert_nonnull (strstr (json, "\"maintenance\": [\"Sun 23:00-01:00\", "
                                  "\"daily 03:00-03:15\"]\n"));

  /* What is read back is the same inventory, windows in the form they are kept in */
  again = tend_inventory_new_from_json (json, length, &error);
  g_assert_no_error (error);
  diff = tend_inventory_diff (inventory, again);
  g_assert_true (tend_inventory_diff_is_empty (diff));

  copy = tend_inventory_service_copy (nginx);
  g_assert_true (copy->depends_on != nginx->depends_on);
  g_assert_cmpstrv (copy->maintenance, nginx->maintenance);

  /* Paths of the export's order: app.service comes before nginx.service */
  g_strfreev (app->depends_on);
  app->depends_on = g_strdupv ((char **) (const char * const []) { "db.service", NULL });
  g_assert_false (tend_inventory_validate (inventory, &error));
  g_assert_cmpstr (error->message, ==, "$.services[0].depends_on[0]: \"db.service\" is not a "
                   "service of host \"web1\" in the inventory");
}

/* Validation of an inventory built in code names paths of the export's order */
static void
test_build_invalid (void)
{
  g_autoptr(TendInventory) inventory = build_inventory ();
  TendInventoryHost *host = tend_inventory_host_new ("a-first", TEND_HOST_KIND_LOCAL);
  TendInventoryService *orphan = tend_inventory_service_new ("nowhere", "x.service");
  TendInventoryCheck *check = g_ptr_array_index (tend_inventory_get_checks (inventory), 0);
  g_autoptr(GError) error = NULL;

  host->port = 0;
  tend_inventory_add_host (inventory, host);
  tend_inventory_add_host (inventory, tend_inventory_host_new ("web1", TEND_HOST_KIND_LOCAL));
  tend_inventory_add_service (inventory, orphan);
  check->timeout_usec = 10 * SEC;
  check->interval_usec = 500 * MSEC;

  g_assert_false (tend_inventory_validate (inventory, &error));
  g_assert_cmpstr (error->message, ==,
                   "$.hosts[0].port: a local host has no port; remove it, or make the host's "
                   "kind \"ssh\"\n"
                   "$.hosts[2].name: \"web1\" is already used by $.hosts[1]\n"
                   "$.services[0].host: no host named \"nowhere\" in $.hosts\n"
                   "$.checks[0].interval: 500ms is outside 1s..1d");
}

/* Values only code can produce are written, and refused when read back */
static void
test_build_out_of_range (void)
{
  g_autoptr(TendInventory) inventory = tend_inventory_new ();
  TendInventoryHost *host = tend_inventory_host_new ("h", TEND_HOST_KIND_SSH);
  TendInventoryPolicy *policy;
  g_autoptr(GError) error = NULL;

  host->address = g_strdup ("x");
  host->scope = 7;
  tend_inventory_add_host (inventory, host);
  tend_inventory_add_service (inventory, tend_inventory_service_new ("h", "a.service"));
  policy = tend_inventory_policy_new ("h", "a.service", TEND_INVENTORY_POLICY_ALWAYS);
  policy->cooldown_usec = -SEC;
  policy->window_usec = 1500;
  tend_inventory_add_policy (inventory, policy);

  g_assert_false (tend_inventory_validate (inventory, &error));
  g_assert_cmpstr (error->message, ==,
                   "$.hosts[0].scope: expected a string, got an integer\n"
                   "$.policies[0].window: 1ms 500us is outside 1min..1d\n"
                   "$.policies[0].cooldown: \"-1s\" is not a duration: it is negative");
}

/* Redis limits: params written before the critical limits read as they did, and the
 * counts take the check's range (0 clients is a limit) */
static void
test_params_redis_limits (void)
{
  g_autoptr(TendInventoryCheck) check = tend_inventory_check_new ("a", "b.service", "r",
                                                                  TEND_INVENTORY_CHECK_REDIS);
  const char *old = "{\"host\":\"127.0.0.1\",\"port\":6379,\"password_env\":null,"
                    "\"max_memory_bytes\":1000,\"max_clients\":null,\"max_latency\":\"50ms\"}";
  const char *zero = "{\"max_clients\": 0, \"critical_clients\": 1, "
                     "\"critical_memory_bytes\": 0}";
  g_autofree char *json = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (tend_inventory_check_set_params_from_json (check, old, strlen (old), &error));
  g_assert_no_error (error);
  g_assert_cmpint (check->params.redis.max_memory_bytes, ==, 1000);
  g_assert_cmpint (check->params.redis.critical_memory_bytes, ==, TEND_INVENTORY_UNSET);
  g_assert_cmpint (check->params.redis.max_clients, ==, TEND_INVENTORY_UNSET);
  g_assert_cmpint (check->params.redis.critical_clients, ==, TEND_INVENTORY_UNSET);
  g_assert_cmpint (check->params.redis.max_latency_usec, ==, 50 * MSEC);
  g_assert_cmpint (check->params.redis.critical_latency_usec, ==, TEND_INVENTORY_UNSET);

  g_assert_true (tend_inventory_check_set_params_from_json (check, zero, strlen (zero), &error));
  g_assert_no_error (error);
  g_assert_cmpint (check->params.redis.max_clients, ==, 0);
  g_assert_cmpint (check->params.redis.critical_clients, ==, 1);
  g_assert_cmpint (check->params.redis.critical_memory_bytes, ==, 0);

  json = tend_inventory_check_params_to_json (check);
  g_assert_cmpstr (json, ==, "{\"host\":\"127.0.0.1\",\"port\":6379,\"password_env\":null,"
                   "\"max_memory_bytes\":null,\"critical_memory_bytes\":0,"
                   "\"max_clients\":0,\"critical_clients\":1,"
                   "\"max_latency\":null,\"critical_latency\":null}");
}

/* Params as the store keeps them */
static void
test_params_json (void)
{
  g_autoptr(TendInventory) inventory = build_inventory ();
  TendInventoryCheck *check = g_ptr_array_index (tend_inventory_get_checks (inventory), 0);
  g_autoptr(TendInventoryCheck) unit = tend_inventory_check_new ("a", "b.service", "u",
                                                                 TEND_INVENTORY_CHECK_UNIT);
  g_autoptr(TendInventoryCheck) command = tend_inventory_check_new ("a", "b.service", "c",
                                                                    TEND_INVENTORY_CHECK_COMMAND);
  g_autofree char *json = tend_inventory_check_params_to_json (check);
  g_autofree char *unit_json = tend_inventory_check_params_to_json (unit);
  g_autofree char *command_json = tend_inventory_check_params_to_json (command);
  g_autoptr(GError) error = NULL;
  const char *update = "{\"url\": \"https://example.com/\", \"method\": \"HEAD\", "
                       "\"expect_status\": [301, 200]}";
  const char *bad = "{\"url\": \"https://example.com/\", \"latency_degraded\": \"5s\", "
                    "\"retries\": 3}";

  g_assert_cmpstr (json, ==, "{\"method\":\"GET\",\"url\":\"http://[::1]:8080/health\","
                   "\"expect_status\":[200],\"body_contains\":null,\"verify_tls\":true,"
                   "\"latency_degraded\":null}");
  g_assert_cmpstr (unit_json, ==, "{}");
  g_assert_cmpstr (command_json, ==, "{\"argv\":[]}");

  g_assert_true (tend_inventory_check_set_params_from_json (check, json, strlen (json),
                                                            &error));
  g_assert_no_error (error);
  g_assert_cmpstr (check->params.http.url, ==, "http://[::1]:8080/health");

  g_assert_true (tend_inventory_check_set_params_from_json (check, update, strlen (update),
                                                            &error));
  g_assert_cmpint (check->params.http.method, ==, TEND_INVENTORY_HTTP_HEAD);
  g_assert_cmpstr (check->params.http.url, ==, "https://example.com/");
  g_assert_cmpuint (check->params.http.expect_status->len, ==, 2);

  /* Refused whole: the check keeps what it had */
  g_assert_false (tend_inventory_check_set_params_from_json (check, bad, strlen (bad), &error));
  g_assert_cmpstr (error->message, ==,
                   "$: unknown key \"retries\" for an http check; the keys here are method, "
                   "url, expect_status, body_contains, verify_tls, latency_degraded\n"
                   "$.latency_degraded: 5s must be below the timeout (2s)");
  g_assert_cmpstr (check->params.http.url, ==, "https://example.com/");
  g_assert_cmpint (check->params.http.method, ==, TEND_INVENTORY_HTTP_HEAD);
  g_clear_error (&error);

  g_assert_false (tend_inventory_check_set_params_from_json (check, "[", 1, &error));
  g_assert_cmpstr (error->message, ==, "$[0]: invalid JSON at line 1, column 2: the text ends "
                   "before the array is closed");
}

/* Copies are deep; boxed types copy and free */
static void
test_copy (void)
{
  g_autoptr(TendInventory) inventory = load_fixture ("full.json");
  g_autoptr(TendInventory) copy = tend_inventory_new ();
  GPtrArray *hosts = tend_inventory_get_hosts (inventory);
  GPtrArray *services = tend_inventory_get_services (inventory);
  GPtrArray *checks = tend_inventory_get_checks (inventory);
  GPtrArray *policies = tend_inventory_get_policies (inventory);
  g_autoptr(TendInventoryDiff) diff = NULL;
  g_autoptr(TendInventoryHost) host = NULL;
  TendInventoryCheck *http = g_ptr_array_index (checks, 3);
  TendInventoryCheck *http_copy;
  TendInventory *ref;

  for (guint i = 0; i < hosts->len; i++)
    tend_inventory_add_host (copy, tend_inventory_host_copy (g_ptr_array_index (hosts, i)));
  for (guint i = 0; i < services->len; i++)
    tend_inventory_add_service (copy, g_boxed_copy (TEND_TYPE_INVENTORY_SERVICE,
                                                    g_ptr_array_index (services, i)));
  for (guint i = 0; i < checks->len; i++)
    tend_inventory_add_check (copy, g_boxed_copy (TEND_TYPE_INVENTORY_CHECK,
                                                  g_ptr_array_index (checks, i)));
  for (guint i = 0; i < policies->len; i++)
    tend_inventory_add_policy (copy, tend_inventory_policy_copy (g_ptr_array_index (policies,
                                                                                    i)));

  /* Everything but the configuration, which was not copied */
  diff = tend_inventory_diff (inventory, copy);
  g_assert_cmpuint (tend_inventory_diff_get_n_changes (diff), ==, 3);
  g_assert_cmpint (tend_inventory_diff_get_change (diff, 0)->item_kind, ==,
                   TEND_INVENTORY_ITEM_CONFIG);

  http_copy = g_ptr_array_index (tend_inventory_get_checks (copy), 3);
  g_assert_true (http_copy->params.http.url != http->params.http.url);
  g_assert_true (http_copy->params.http.expect_status != http->params.http.expect_status);
  g_array_index (http_copy->params.http.expect_status, int, 0) = 404;
  g_assert_cmpint (g_array_index (http->params.http.expect_status, int, 0), ==, 200);

  host = g_boxed_copy (TEND_TYPE_INVENTORY_HOST, g_ptr_array_index (hosts, 0));
  g_assert_cmpstr (host->user, ==, "postgres");

  ref = g_boxed_copy (TEND_TYPE_INVENTORY, inventory);
  g_assert_true (ref == inventory);
  g_boxed_free (TEND_TYPE_INVENTORY, ref);
}

static void
test_words (void)
{
  g_assert_cmpstr (tend_inventory_host_kind_to_string (TEND_HOST_KIND_SSH), ==, "ssh");
  g_assert_cmpstr (tend_inventory_scope_to_string (TEND_HOST_SCOPE_USER), ==, "user");
  g_assert_cmpstr (tend_inventory_sudo_to_string (TEND_INVENTORY_SUDO_NOPASSWD), ==,
                   "sudo-nopasswd");
  g_assert_cmpstr (tend_inventory_access_to_string (TEND_INVENTORY_ACCESS_OPERATOR), ==,
                   "operator");
  g_assert_cmpstr (tend_inventory_check_kind_to_string (TEND_INVENTORY_CHECK_RESOURCES), ==,
                   "resources");
  g_assert_cmpstr (tend_inventory_policy_kind_to_string (TEND_INVENTORY_POLICY_ON_FAILURE), ==,
                   "on-failure");
  g_assert_null (tend_inventory_policy_kind_to_string (42));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/inventory/diff/fixtures", test_diff);
  g_test_add_func ("/inventory/diff/ownership", test_diff_ownership);
  g_test_add_func ("/inventory/diff/empty", test_diff_empty);
  g_test_add_func ("/inventory/diff/whole", test_diff_whole);
  g_test_add_func ("/inventory/build/defaults", test_build_defaults);
  g_test_add_func ("/inventory/build/valid", test_build);
  g_test_add_func ("/inventory/build/lists", test_build_lists);
  g_test_add_func ("/inventory/build/invalid", test_build_invalid);
  g_test_add_func ("/inventory/build/out-of-range", test_build_out_of_range);
  g_test_add_func ("/inventory/build/params-json", test_params_json);
  g_test_add_func ("/inventory/build/params-redis-limits", test_params_redis_limits);
  g_test_add_func ("/inventory/build/copy", test_copy);
  g_test_add_func ("/inventory/words", test_words);

  return g_test_run ();
}
