/* test-inventory.c — the inventory file: reading, every rule, limits, damaged files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Fixtures: see test-inventory.h.
 */
#define G_LOG_DOMAIN "Tend"

#include "test-inventory.h"

/* Reading full.json */

static void
test_full_parse (void)
{
  g_autoptr(TendInventory) inventory = load_fixture ("full.json");
  GPtrArray *hosts = tend_inventory_get_hosts (inventory);
  GPtrArray *services = tend_inventory_get_services (inventory);
  GPtrArray *checks = tend_inventory_get_checks (inventory);
  GPtrArray *policies = tend_inventory_get_policies (inventory);
  GHashTable *config = tend_inventory_get_config (inventory);
  TendInventoryHost *host;
  TendInventoryService *service;
  TendInventoryCheck *check;
  TendInventoryPolicy *policy;

  g_assert_cmpuint (hosts->len, ==, 4);
  g_assert_cmpuint (services->len, ==, 5);
  g_assert_cmpuint (checks->len, ==, 6);
  g_assert_cmpuint (policies->len, ==, 2);
  g_assert_cmpuint (g_hash_table_size (config), ==, 3);

  host = g_ptr_array_index (hosts, 0);
  g_assert_cmpstr (host->name, ==, "db1");
  g_assert_cmpint (host->kind, ==, TEND_HOST_KIND_SSH);
  g_assert_cmpstr (host->address, ==, "db1.example.com");
  g_assert_cmpint (host->port, ==, 2222);
  g_assert_cmpstr (host->user, ==, "postgres");
  g_assert_cmpint (host->scope, ==, TEND_HOST_SCOPE_SYSTEM);
  g_assert_cmpint (host->sudo, ==, TEND_INVENTORY_SUDO_NOPASSWD);
  g_assert_cmpint (host->access, ==, TEND_INVENTORY_ACCESS_OPERATOR);

  host = g_ptr_array_index (hosts, 1);
  g_assert_cmpstr (host->name, ==, "laptop");
  g_assert_cmpint (host->kind, ==, TEND_HOST_KIND_LOCAL);
  g_assert_null (host->address);
  g_assert_cmpint (host->port, ==, TEND_INVENTORY_UNSET);
  g_assert_null (host->user);
  g_assert_cmpint (host->scope, ==, TEND_HOST_SCOPE_USER);

  host = g_ptr_array_index (hosts, 2);
  g_assert_cmpstr (host->address, ==, "fe80::1");
  g_assert_cmpint (host->port, ==, 22);
  g_assert_cmpint (host->access, ==, TEND_INVENTORY_ACCESS_VIEWER);

  service = g_ptr_array_index (services, 4);
  g_assert_cmpstr (service->host, ==, "web1");
  g_assert_cmpstr (service->unit, ==, "nginx.service");
  g_assert_cmpstr (service->display_name, ==, "Web front — “edge”");
  g_assert_cmpstrv (service->tags, ((const char * const []) { "edge", "web", NULL }));
  g_assert_cmpstrv (service->depends_on, ((const char * const []) { "app.service", NULL }));
  g_assert_cmpstrv (service->maintenance,
                    ((const char * const []) { "Mon-Fri 02:00-04:00", "daily 23:30-00:30",
                                               NULL }));

  service = g_ptr_array_index (services, 1);
  g_assert_cmpstrv (service->depends_on,
                    ((const char * const []) { "postgresql@15-main.service", NULL }));

  service = g_ptr_array_index (services, 2);
  g_assert_null (service->display_name);
  g_assert_nonnull (service->tags);
  g_assert_null (service->tags[0]);
  g_assert_nonnull (service->depends_on);
  g_assert_null (service->depends_on[0]);
  g_assert_nonnull (service->maintenance);
  g_assert_null (service->maintenance[0]);

  check = g_ptr_array_index (checks, 0);
  g_assert_cmpstr (check->name, ==, "redis");
  g_assert_cmpint (check->kind, ==, TEND_INVENTORY_CHECK_REDIS);
  g_assert_cmpint (check->interval_usec, ==, 90 * SEC);
  g_assert_cmpint (check->timeout_usec, ==, 2 * SEC);
  g_assert_cmpstr (check->params.redis.host, ==, "127.0.0.1");
  g_assert_cmpint (check->params.redis.port, ==, 6379);
  g_assert_cmpstr (check->params.redis.password_env, ==, "REDIS_PASSWORD");
  g_assert_cmpint (check->params.redis.max_memory_bytes, ==, 1073741824);
  g_assert_cmpint (check->params.redis.critical_memory_bytes, ==, 2147483648);
  g_assert_cmpint (check->params.redis.max_clients, ==, TEND_INVENTORY_UNSET);
  g_assert_cmpint (check->params.redis.critical_clients, ==, 1000);
  g_assert_cmpint (check->params.redis.max_latency_usec, ==, 50 * MSEC);
  g_assert_cmpint (check->params.redis.critical_latency_usec, ==, 500 * MSEC);

  check = g_ptr_array_index (checks, 1);
  g_assert_cmpint (check->kind, ==, TEND_INVENTORY_CHECK_RESOURCES);
  g_assert_cmpint (check->startup_grace_usec, ==, 0);
  g_assert_cmpint (check->params.resources.memory_warn_bytes, ==, 268435456);
  g_assert_cmpfloat (check->params.resources.cpu_warn_percent, ==, 80.0);
  g_assert_cmpfloat (check->params.resources.cpu_critical_percent, ==, 150.5);
  g_assert_cmpint (check->params.resources.tasks_warn, ==, TEND_INVENTORY_UNSET);
  g_assert_cmpint (check->params.resources.tasks_critical, ==, 512);

  check = g_ptr_array_index (checks, 2);
  g_assert_cmpint (check->kind, ==, TEND_INVENTORY_CHECK_COMMAND);
  g_assert_false (check->enabled);
  g_assert_cmpstrv (check->params.command.argv,
                    ((const char * const []) { "/usr/bin/test", "-e", "/run/tend-demo.pid",
                                               NULL }));

  check = g_ptr_array_index (checks, 3);
  g_assert_cmpint (check->kind, ==, TEND_INVENTORY_CHECK_HTTP);
  g_assert_cmpint (check->params.http.method, ==, TEND_INVENTORY_HTTP_GET);
  g_assert_cmpstr (check->params.http.url, ==, "https://example.com/health");
  g_assert_cmpuint (check->params.http.expect_status->len, ==, 2);
  g_assert_cmpint (g_array_index (check->params.http.expect_status, int, 0), ==, 200);
  g_assert_cmpint (g_array_index (check->params.http.expect_status, int, 1), ==, 204);
  g_assert_cmpstr (check->params.http.body_contains, ==, "ok");
  g_assert_true (check->params.http.verify_tls);
  g_assert_cmpint (check->params.http.latency_degraded_usec, ==, 750 * MSEC);

  check = g_ptr_array_index (checks, 4);
  g_assert_cmpint (check->kind, ==, TEND_INVENTORY_CHECK_TCP);
  g_assert_cmpstr (check->params.tcp.send, ==, "PING\r\n");
  g_assert_cmpstr (check->params.tcp.expect, ==, "+PONG");
  g_assert_cmpint (check->params.tcp.port, ==, 443);

  check = g_ptr_array_index (checks, 5);
  g_assert_cmpint (check->kind, ==, TEND_INVENTORY_CHECK_UNIT);
  g_assert_cmpint (check->failures_before_hard, ==, 3);
  g_assert_cmpint (check->successes_before_recovered, ==, 2);

  policy = g_ptr_array_index (policies, 1);
  g_assert_cmpstr (policy->host, ==, "web1");
  g_assert_cmpint (policy->kind, ==, TEND_INVENTORY_POLICY_BACKOFF);
  g_assert_cmpint (policy->backoff_initial_usec, ==, 5 * SEC);
  g_assert_cmpint (policy->backoff_max_usec, ==, 120 * SEC);
  g_assert_cmpfloat (policy->backoff_multiplier, ==, 2.0);
  g_assert_cmpfloat (policy->jitter, ==, 0.1);
  g_assert_cmpint (policy->reset_after_usec, ==, 90 * 60 * SEC);
  g_assert_cmpint (policy->loop_window_usec, ==, 5 * 60 * SEC);

  g_assert_cmpstr (g_hash_table_lookup (config, "checks.default-interval"), ==, "30s");
  g_assert_cmpstr (g_hash_table_lookup (config, "recovery.default-policy"), ==, "on-failure");
}

static void
test_full_round_trip (void)
{
  gsize length;
  g_autofree char *original = read_fixture ("full.json", &length);
  g_autoptr(TendInventory) inventory = load_fixture ("full.json");
  g_autoptr(TendInventory) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *exported = NULL;
  g_autofree char *reexported = NULL;
  gsize exported_length;
  gsize reexported_length;

  exported = tend_inventory_to_json (inventory, &exported_length);
  g_assert_cmpstr (exported, ==, original);
  g_assert_cmpuint (exported_length, ==, length);

  again = tend_inventory_new_from_json (exported, exported_length, &error);
  g_assert_no_error (error);
  reexported = tend_inventory_to_json (again, &reexported_length);
  g_assert_cmpuint (reexported_length, ==, exported_length);
  g_assert_true (memcmp (reexported, exported, exported_length) == 0);
}

static void
test_minimal_defaults (void)
{
  g_autoptr(TendInventory) inventory = load_fixture ("minimal.json");
  g_autofree char *expected = read_fixture ("minimal-export.json", NULL);
  g_autofree char *exported = tend_inventory_to_json (inventory, NULL);
  TendInventoryHost *host;
  TendInventoryService *service;
  TendInventoryCheck *check;

  g_assert_cmpstr (exported, ==, expected);

  /* The arrays keep the file's order; export sorts */
  host = g_ptr_array_index (tend_inventory_get_hosts (inventory), 0);
  g_assert_cmpstr (host->name, ==, "web1");
  g_assert_cmpint (host->port, ==, TEND_INVENTORY_UNSET); /* ~/.ssh/config's, else 22 */
  g_assert_cmpint (host->scope, ==, TEND_HOST_SCOPE_SYSTEM);
  g_assert_cmpint (host->sudo, ==, TEND_INVENTORY_SUDO_NONE);
  g_assert_cmpint (host->access, ==, TEND_INVENTORY_ACCESS_VIEWER);

  host = g_ptr_array_index (tend_inventory_get_hosts (inventory), 1);
  g_assert_cmpstr (host->name, ==, "here");
  g_assert_cmpint (host->port, ==, TEND_INVENTORY_UNSET);
  g_assert_cmpint (host->scope, ==, TEND_HOST_SCOPE_USER);

  /* Lists left out are empty; windows are kept in their normal form */
  service = g_ptr_array_index (tend_inventory_get_services (inventory), 0);
  g_assert_nonnull (service->depends_on);
  g_assert_null (service->depends_on[0]);
  g_assert_nonnull (service->maintenance);
  g_assert_null (service->maintenance[0]);
  service = g_ptr_array_index (tend_inventory_get_services (inventory), 1);
  g_assert_cmpstrv (service->maintenance, ((const char * const []) { "Sat 22:00-02:00", NULL }));

  check = g_ptr_array_index (tend_inventory_get_checks (inventory), 4);
  g_assert_cmpstr (check->name, ==, "tcp");
  g_assert_cmpint (check->interval_usec, ==, 90 * SEC);
  g_assert_cmpint (check->timeout_usec, ==, 1500 * MSEC);
  g_assert_cmpint (check->startup_grace_usec, ==, 10 * SEC);
  g_assert_true (check->enabled);
}

static void
test_byte_order_mark (void)
{
  g_autofree char *json = squote ("\xef\xbb\xbf{'format': 'tend-inventory', 'version': 1}");
  g_autoptr(GError) error = NULL;
  g_autoptr(TendInventory) inventory = parse (json, &error);

  g_assert_no_error (error);
  g_assert_nonnull (inventory);
  g_assert_cmpuint (tend_inventory_get_hosts (inventory)->len, ==, 0);
}

/* Every rule: the whole message, exactly */

typedef struct
{
  const char *name;     /* the test's path under /inventory/error/ */
  const char *input;    /* JSON with ' for " (see squote()), unless raw */
  const char *message;
  gboolean    raw;
} ErrorCase;

#define HEAD "{'format': 'tend-inventory', 'version': 1, "
#define HOSTS "'hosts': [{'name': 'web1', 'kind': 'ssh', 'address': '10.0.0.5'}], "
#define SERVICES "'services': [{'host': 'web1', 'unit': 'nginx.service'}], "
#define BASE HEAD HOSTS SERVICES
#define HOST(fields) HEAD "'hosts': [{" fields "}]}"
#define SERVICE(fields) HEAD HOSTS "'services': [{" fields "}]}"
#define CHECK(fields) \
  BASE "'checks': [{'host': 'web1', 'unit': 'nginx.service', 'name': 'c', " fields "}]}"
#define PARAMS(kind, params) CHECK ("'kind': '" kind "', 'params': {" params "}")
#define POLICY(fields) BASE "'policies': [{'host': 'web1', 'unit': 'nginx.service', " fields "}]}"
#define CONFIG(fields) HEAD "'config': {" fields "}}"
#define URL "'url': 'https://example.com/health'"
#define SSH "'name': 'a', 'kind': 'ssh', 'address': 'x', "
#define NAME_RULE "names are 1 to 64 of A-Z, a-z, 0-9, \".\", \"_\" and \"-\""
#define TAG_RULE "tags are 1 to 32 of a-z, 0-9, \"_\" and \"-\""
#define HOST_RULE "(a host name is dot-separated labels of letters, digits and \"-\", at " \
                  "most 253 characters)"
#define ENV_RULE "it holds the NAME of the environment variable that holds the password, " \
                 "never the password itself: 1 to 128 of A-Z, 0-9 and \"_\", not starting with " \
                 "a digit"
#define NO_SECRETS "Tend stores no secrets, so an inventory has no place for one"
#define NO_TRAILING "JSON allows no comma after the last member or element"
#define WORDS "text is written in double quotes, and the only words JSON knows are true, " \
              "false and null"
#define CONFIG_KEY "is not a configuration key: keys are dotted names of a-z, 0-9 and \"-\", " \
                   "such as \"checks.default-interval\""
#define WINDOWS4 "'Mon 01:00-02:00', 'Tue 01:00-02:00', 'Wed 01:00-02:00', 'Thu 01:00-02:00', "
#define CONFIG_TEXT "configuration values are written as text, such as \"30s\", \"3\" or \"true\""

static const ErrorCase error_cases[] = {
  /* Malformed JSON: json-glib 1.6 would take most of these without a word */
  { "json/empty", "",
    "$: the input is empty; an inventory is a JSON object that starts with {\"format\": "
    "\"tend-inventory\", \"version\": 1" },
  { "json/blank", "  \n\t ",
    "$: the input is empty; an inventory is a JSON object that starts with {\"format\": "
    "\"tend-inventory\", \"version\": 1" },
  { "json/trailing-comma-object", "{'format': 'tend-inventory', 'version': 1,}",
    "$: invalid JSON at line 1, column 43: expected a key in double quotes, got \"}\"; "
    NO_TRAILING },
  { "json/trailing-comma-array", HEAD "'hosts': [{'name': 'a', 'kind': 'local'},]}",
    "$.hosts[1]: invalid JSON at line 1, column 85: expected a value, got \"]\"; "
    NO_TRAILING },
  { "json/missing-comma", "{\n  'format': 'tend-inventory'\n  'version': 1\n}",
    "$.format: invalid JSON at line 3, column 3: expected \",\" or \"}\" after a member, got "
    "\"\\\"\"" },
  { "json/unclosed", HEAD "'hosts': [",
    "$.hosts[0]: invalid JSON at line 1, column 54: the text ends before the array is closed" },
  { "json/unterminated-string", "{'format': 'tend-inv",
    "$.format: invalid JSON at line 1, column 21: the text ends inside a string" },
  { "json/comment", "{/* hosts */ 'format': 'tend-inventory'}",
    "$: invalid JSON at line 1, column 2: expected a key in double quotes, got \"/\"; JSON has "
    "no comments" },
  { "json/single-quotes", "{'format': 'tend-inventory'}",
    "$: invalid JSON at line 1, column 2: expected a key in double quotes, got \"'\"; JSON "
    "strings are written in double quotes", TRUE },
  { "json/unquoted-key", "{format: 'tend-inventory'}",
    "$: invalid JSON at line 1, column 2: expected a key in double quotes, got \"f\"" },
  { "json/word", HOST ("'name': 'a', 'kind': 'local', 'sudo': True"),
    "$.hosts[0].sudo: invalid JSON at line 1, column 93: expected a value, got \"True\"; "
    WORDS },
  { "json/leading-zero", HOST (SSH "'port': 010"),
    "$.hosts[0].port: invalid JSON at line 1, column 107: a number may not start with 0 unless "
    "it is 0" },
  { "json/hex", HOST (SSH "'port': 0x16"),
    "$.hosts[0].port: invalid JSON at line 1, column 107: \"0x16\" is not a number" },
  { "json/plus", HOST (SSH "'port': +22"),
    "$.hosts[0].port: invalid JSON at line 1, column 107: expected a value, got \"+\"" },
  { "json/integer-too-large", HOST (SSH "'port': 99999999999999999999"),
    "$.hosts[0].port: the number \"99999999999999999999\" is too large; numbers in an "
    "inventory fit in 64 bits (line 1, column 107)" },
  { "json/double-too-large", PARAMS ("resources", "'cpu_warn_percent': 1e400"),
    "$.checks[0].params.cpu_warn_percent: the number \"1e400\" is too large; numbers in an "
    "inventory fit in 64 bits (line 1, column 286)" },
  { "json/nan", PARAMS ("resources", "'cpu_warn_percent': NaN"),
    "$.checks[0].params.cpu_warn_percent: invalid JSON at line 1, column 286: expected a value, "
    "got \"NaN\"; " WORDS },
  { "json/invalid-utf8-in-string", "{\n  'format': 'tend-inventory',\n  'hosts': [{'name': "
    "'caf\xc3\xa9\xff'}]\n}",
    "$.hosts[0].name: invalid JSON at line 3, column 27: the text is not valid UTF-8 (byte "
    "0xff)" },
  { "json/invalid-utf8-outside", "{'format': 'tend-inventory', \xc3\x28}",
    "$: invalid JSON at line 1, column 30: expected a key in double quotes, got \"\\xc3\"" },
  { "json/overlong-utf8", HOST ("'name': '\xc0\xae', 'kind': 'local'"),
    "$.hosts[0].name: invalid JSON at line 1, column 64: the text is not valid UTF-8 (byte "
    "0xc0)" },
  { "json/nul-escape", HOST ("'name': 'web1\\u0000x', 'kind': 'local'"),
    "$.hosts[0].name: invalid JSON at line 1, column 68: \\u0000 (NUL) is not allowed in a "
    "string" },
  { "json/lone-surrogate", HOST ("'name': '\\ud800', 'kind': 'local'"),
    "$.hosts[0].name: invalid JSON at line 1, column 64: \\ud800 is the first half of a "
    "surrogate pair, without the second" },
  { "json/control-character", HOST ("'name': 'a\tb', 'kind': 'local'"),
    "$.hosts[0].name: invalid JSON at line 1, column 65: a string holds the control character "
    "U+0009; write it as an escape such as \\n or \\u0009" },
  { "json/bad-escape", HOST ("'name': 'a\\xb', 'kind': 'local'"),
    "$.hosts[0].name: invalid JSON at line 1, column 65: \\\"x\" is not an escape; JSON knows "
    "\\\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t and \\u followed by four hexadecimal digits" },
  { "json/duplicate-key", HOST (SSH "'port': 22, 'port': 2222"),
    "$.hosts[0]: key \"port\" is given twice (again at line 1, column 111)" },
  { "json/duplicate-key-escaped", HOST ("'name': 'a', 'kind': 'local', '\\u006eame': 'b'"),
    "$.hosts[0]: key \"name\" is given twice (again at line 1, column 85)" },
  { "json/text-after-document", "{'format': 'tend-inventory', 'version': 1} {}",
    "$: invalid JSON at line 1, column 44: unexpected \"{\" after the end of the document" },
  { "json/not-an-object", "[{'format': 'tend-inventory'}]",
    "$: expected an object, got an array" },

  /* The header */
  { "header/format-missing", "{'version': 1, 'hosts': []}",
    "$: required key \"format\" is missing; a Tend inventory starts with {\"format\": "
    "\"tend-inventory\", \"version\": 1" },
  { "header/format-wrong", "{'format': 'ansible-inventory', 'version': 1}",
    "$.format: \"ansible-inventory\" is not \"tend-inventory\"; this is not a Tend inventory" },
  { "header/format-not-string", "{'format': 1, 'version': 1}",
    "$.format: expected a string, got an integer" },
  { "header/version-missing", "{'format': 'tend-inventory'}",
    "$: required key \"version\" is missing; this Tend reads version 1" },
  /* A newer file's new keys are not reported as unknown: the version says it all */
  { "header/version-too-new",
    "{'format': 'tend-inventory', 'version': 2, 'hosts': [{'name': 'x', 'new_field': 1}]}",
    "$.version: this file is format version 2; this Tend reads version 1" },
  { "header/version-zero", "{'format': 'tend-inventory', 'version': 0}",
    "$.version: 0 is not a format version; this Tend reads version 1" },
  { "header/version-string", "{'format': 'tend-inventory', 'version': '1'}",
    "$.version: expected an integer, got a string" },
  { "header/unknown-key", HEAD "'host': []}",
    "$: unknown key \"host\"; did you mean \"hosts\"?" },

  /* Types */
  { "types/port-string", HOST (SSH "'port': '22'"),
    "$.hosts[0].port: expected an integer, got a string" },
  { "types/port-fraction", HOST (SSH "'port': 22.5"),
    "$.hosts[0].port: expected an integer, got a number with a fraction or an exponent" },
  { "types/section-not-array", HEAD "'hosts': {'name': 'a'}}",
    "$.hosts: expected an array, got an object" },
  { "types/section-not-array-no-cascade", HEAD "'hosts': {'name': 'a'}, 'services': [{'host': "
    "'a', 'unit': 'a.service'}], 'checks': 7}",
    "$.hosts: expected an array, got an object\n"
    "$.checks: expected an array, got an integer" },
  { "types/item-not-object", HEAD "'hosts': ['web1']}",
    "$.hosts[0]: expected an object, got a string" },
  { "types/bool-string", CHECK ("'kind': 'unit', 'enabled': 'yes'"),
    "$.checks[0].enabled: expected true or false, got a string" },
  { "types/tags-string", SERVICE ("'host': 'web1', 'unit': 'nginx.service', 'tags': 'web'"),
    "$.services[0].tags: expected an array of strings, got a string" },
  { "types/tag-number", SERVICE ("'host': 'web1', 'unit': 'nginx.service', 'tags': ['web', 7]"),
    "$.services[0].tags[1]: expected a string, got an integer" },
  { "types/duration-number", CHECK ("'kind': 'unit', 'interval': 30"),
    "$.checks[0].interval: expected a duration in a string, such as \"30s\" or \"1h 30min\", "
    "got an integer" },
  { "types/name-null", HOST ("'name': null, 'kind': 'local'"),
    "$.hosts[0].name: expected a string, got null" },
  { "types/kind-null", HOST ("'name': 'a', 'kind': null"),
    "$.hosts[0].kind: expected a string, got null" },
  { "types/params-array", CHECK ("'kind': 'http', 'params': []"),
    "$.checks[0].params: expected an object, got an array" },

  /* Unknown keys: errors, with the key meant when it is close */
  { "unknown/suggestion", HOST ("'name': 'a', 'kind': 'local', 'acess': 'admin'"),
    "$.hosts[0]: unknown key \"acess\"; did you mean \"access\"?" },
  { "unknown/suggestion-ssh", HOST ("'name': 'a', 'kind': 'ssh', 'adress': '10.0.0.5'"),
    "$.hosts[0]: unknown key \"adress\"; did you mean \"address\"?\n"
    "$.hosts[0]: required key \"address\" is missing; an ssh host needs one" },
  { "unknown/case", SERVICE ("'host': 'web1', 'Unit': 'nginx.service'"),
    "$.services[0]: unknown key \"Unit\"; did you mean \"unit\"?\n"
    "$.services[0]: required key \"unit\" is missing" },
  { "unknown/no-suggestion", HOST ("'name': 'a', 'kind': 'local', 'colour': 'blue'"),
    "$.hosts[0]: unknown key \"colour\"; the keys here are name, kind, address, port, user, "
    "scope, sudo, access" },
  { "unknown/other-kind", PARAMS ("http", URL ", 'argv': ['/bin/true']"),
    "$.checks[0].params: unknown key \"argv\" for an http check; \"argv\" belongs to command "
    "checks" },
  { "unknown/unit-params", PARAMS ("unit", URL),
    "$.checks[0].params: unknown key \"url\" for a unit check; \"url\" belongs to http checks" },
  { "unknown/unit-params-other", PARAMS ("unit", "'colour': 'blue'"),
    "$.checks[0].params: unknown key \"colour\" for a unit check; a unit check has no params" },
  { "unknown/policy", POLICY ("'kind': 'always', 'max_restarts': 3"),
    "$.policies[0]: unknown key \"max_restarts\"; the keys here are host, unit, kind, "
    "max_recoveries, window, cooldown, backoff_initial, backoff_multiplier, backoff_max, "
    "reset_after, jitter, loop_threshold, loop_window" },

  /* No secrets: the format has no field for one, and says so */
  { "secrets/top-level-token", HEAD "'token': 'abc'}",
    "$: unknown key \"token\"; " NO_SECRETS },
  { "secrets/host-password", HOST (SSH "'password': 'hunter2'"),
    "$.hosts[0]: unknown key \"password\"; " NO_SECRETS },
  { "secrets/host-private-key", HOST (SSH "'private_key': '-----BEGIN'"),
    "$.hosts[0]: unknown key \"private_key\"; " NO_SECRETS },
  { "secrets/host-passphrase", HOST (SSH "'Passphrase': 'x'"),
    "$.hosts[0]: unknown key \"Passphrase\"; " NO_SECRETS },
  { "secrets/redis-password", PARAMS ("redis", "'password': 'hunter2'"),
    "$.checks[0].params: unknown key \"password\" for a redis check; Tend stores no secrets: "
    "put the NAME of an environment variable that holds the password in \"password_env\"" },
  { "secrets/http-token", PARAMS ("http", URL ", 'bearer_token': 'abc'"),
    "$.checks[0].params: unknown key \"bearer_token\" for an http check; " NO_SECRETS },
  { "secrets/service-secret", SERVICE ("'host': 'web1', 'unit': 'nginx.service', 'secret': 1"),
    "$.services[0]: unknown key \"secret\"; " NO_SECRETS },
  { "secrets/policy-api-key", POLICY ("'api_key': 'x'"),
    "$.policies[0]: unknown key \"api_key\"; " NO_SECRETS },
  { "secrets/config-key", CONFIG ("'notifications.webhook-token': 'abc'"),
    "$.config: unknown key \"notifications.webhook-token\"; Tend stores no secrets, so no "
    "configuration key is named like a password, secret or token" },
  { "secrets/password-env-value", PARAMS ("redis", "'password_env': 'hunter2!'"),
    "$.checks[0].params.password_env: \"hunter2!\" contains \"h\"; " ENV_RULE },
  { "secrets/password-env-lowercase", PARAMS ("redis", "'password_env': 'correcthorse'"),
    "$.checks[0].params.password_env: \"correcthorse\" contains \"c\"; " ENV_RULE },
  { "secrets/password-env-digit", PARAMS ("redis", "'password_env': '1PASSWORD'"),
    "$.checks[0].params.password_env: \"1PASSWORD\" starts with a digit; " ENV_RULE },
  { "secrets/url-credentials", PARAMS ("http", "'url': 'https://admin:hunter2@example.com/'"),
    "$.checks[0].params.url: \"https://admin:hunter2@example.com/\" holds a user name or "
    "password; Tend stores no secrets, so a URL may hold neither" },

  /* Hosts */
  { "hosts/duplicate-name", HEAD "'hosts': [{'name': 'web', 'kind': 'local'}, {'name': 'db', "
    "'kind': 'local'}, {'name': 'web', 'kind': 'ssh', 'address': 'x'}]}",
    "$.hosts[2].name: \"web\" is already used by $.hosts[0]" },
  { "hosts/name-space", HOST ("'name': 'web 1', 'kind': 'local'"),
    "$.hosts[0].name: \"web 1\" contains \" \"; " NAME_RULE },
  { "hosts/name-slash", HOST ("'name': 'web/1', 'kind': 'local'"),
    "$.hosts[0].name: \"web/1\" contains \"/\"; " NAME_RULE },
  { "hosts/name-empty", HOST ("'name': '', 'kind': 'local'"),
    "$.hosts[0].name: \"\" is empty; " NAME_RULE },
  { "hosts/name-long",
    HOST ("'name': 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', "
          "'kind': 'local'"),
    "$.hosts[0].name: \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" is 65 "
    "characters long; " NAME_RULE },
  { "hosts/name-missing", HOST ("'kind': 'local'"),
    "$.hosts[0]: required key \"name\" is missing" },
  { "hosts/kind-missing", HOST ("'name': 'a'"),
    "$.hosts[0]: required key \"kind\" is missing" },
  { "hosts/kind-unknown", HOST ("'name': 'a', 'kind': 'sshh', 'address': 'x'"),
    "$.hosts[0].kind: \"sshh\" is not one of local, ssh; did you mean \"ssh\"?" },
  { "hosts/port-range", HEAD "'hosts': [{'name': 'a', 'kind': 'local'}, {'name': 'b', 'kind': "
    "'local'}, {'name': 'c', 'kind': 'ssh', 'address': 'x', 'port': 70000}]}",
    "$.hosts[2].port: 70000 is outside 1..65535" },
  { "hosts/port-zero", HOST (SSH "'port': 0"),
    "$.hosts[0].port: 0 is outside 1..65535" },
  { "hosts/ssh-no-address", HOST ("'name': 'a', 'kind': 'ssh'"),
    "$.hosts[0]: required key \"address\" is missing; an ssh host needs one" },
  { "hosts/ssh-address-null", HOST ("'name': 'a', 'kind': 'ssh', 'address': null"),
    "$.hosts[0]: required key \"address\" is missing; an ssh host needs one" },
  { "hosts/local-ssh-fields",
    HOST ("'name': 'a', 'kind': 'local', 'address': 'x', 'port': 22, 'user': 'root'"),
    "$.hosts[0].address: a local host has no address; remove it, or make the host's kind "
    "\"ssh\"\n"
    "$.hosts[0].port: a local host has no port; remove it, or make the host's kind \"ssh\"\n"
    "$.hosts[0].user: a local host has no user; remove it, or make the host's kind \"ssh\"" },
  { "hosts/address-option", HOST ("'name': 'a', 'kind': 'ssh', 'address': '-oProxyCommand=sh'"),
    "$.hosts[0].address: \"-oProxyCommand=sh\" is neither a host name nor an IP address "
    HOST_RULE },
  { "hosts/address-space", HOST ("'name': 'a', 'kind': 'ssh', 'address': 'exa mple.com'"),
    "$.hosts[0].address: \"exa mple.com\" is neither a host name nor an IP address " HOST_RULE },
  { "hosts/address-brackets", HOST ("'name': 'a', 'kind': 'ssh', 'address': '[::1]'"),
    "$.hosts[0].address: \"[::1]\" is neither a host name nor an IP address " HOST_RULE },
  { "hosts/user-dash", HOST (SSH "'user': '-root'"),
    "$.hosts[0].user: \"-root\" starts with \"-\"; user names are 1 to 32 of A-Z, a-z, 0-9, "
    "\".\", \"_\" and \"-\", and do not start with \"-\" or \".\"" },
  { "hosts/user-at", HOST (SSH "'user': 'root@x'"),
    "$.hosts[0].user: \"root@x\" contains \"@\"; user names are 1 to 32 of A-Z, a-z, 0-9, "
    "\".\", \"_\" and \"-\", and do not start with \"-\" or \".\"" },
  { "hosts/access-unknown", HOST ("'name': 'a', 'kind': 'local', 'access': 'root'"),
    "$.hosts[0].access: \"root\" is not one of viewer, operator, admin" },
  { "hosts/scope-unknown", HOST ("'name': 'a', 'kind': 'local', 'scope': 'System'"),
    "$.hosts[0].scope: \"System\" is not one of system, user; did you mean \"system\"?" },
  { "hosts/sudo-unknown", HOST ("'name': 'a', 'kind': 'local', 'sudo': 'doas'"),
    "$.hosts[0].sudo: \"doas\" is not one of none, sudo, sudo-nopasswd" },

  /* Services */
  { "services/dangling-host", HEAD HOSTS "'services': [{'host': 'web1', 'unit': 'a.service'}, "
    "{'host': 'db2', 'unit': 'redis.service'}]}",
    "$.services[1].host: no host named \"db2\" in $.hosts" },
  { "services/unit-no-suffix", SERVICE ("'host': 'web1', 'unit': 'foo'"),
    "$.services[0].unit: \"foo\" is not a valid unit name: it has no type suffix (such as "
    ".service or .timer)" },
  { "services/unit-bad-type", SERVICE ("'host': 'web1', 'unit': 'nginx.service.bak'"),
    "$.services[0].unit: \"nginx.service.bak\" is not a valid unit name: it ends in \".bak\", "
    "which is not a unit type; unit names end in .service, .socket, .device, .mount, "
    ".automount, .swap, .target, .path, .timer, .slice or .scope" },
  { "services/unit-template", SERVICE ("'host': 'web1', 'unit': 'getty@.service'"),
    "$.services[0].unit: \"getty@.service\" is a template, not a unit that runs; name one of "
    "its instances, as in \"getty@INSTANCE.service\"" },
  { "services/unit-dash", SERVICE ("'host': 'web1', 'unit': '-.slice'"),
    "$.services[0].unit: \"-.slice\" is not a valid unit name: it starts with \"-\", which "
    "Tend does not accept because the name could be taken for a command-line option" },
  { "services/duplicate", HEAD HOSTS "'services': [{'host': 'web1', 'unit': 'a.service'}, "
    "{'host': 'web1', 'unit': 'a.service', 'tags': ['x']}]}",
    "$.services[1]: \"a.service\" on host \"web1\" is already listed at $.services[0]" },
  { "services/tag-upper", SERVICE ("'host': 'web1', 'unit': 'a.service', 'tags': ['Web']"),
    "$.services[0].tags[0]: \"Web\" contains \"W\"; " TAG_RULE },
  { "services/tag-long",
    SERVICE ("'host': 'web1', 'unit': 'a.service', 'tags': ['ttttttttttttttttttttttttttttttttt']"),
    "$.services[0].tags[0]: \"ttttttttttttttttttttttttttttttttt\" is 33 characters long; "
    TAG_RULE },
  { "services/tag-twice", SERVICE ("'host': 'web1', 'unit': 'a.service', 'tags': ['web', 'db', "
                                   "'web']"),
    "$.services[0].tags[2]: \"web\" is listed twice" },
  { "services/tags-too-many", SERVICE ("'host': 'web1', 'unit': 'a.service', 'tags': ['a', "
    "'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r', 's', "
    "'t', 'u', 'v', 'w', 'x', 'y', 'z', '0', '1', '2', '3', '4', '5', '6']"),
    "$.services[0].tags: the list has 33 elements; at most 32 are allowed" },
  { "services/display-name-empty", SERVICE ("'host': 'web1', 'unit': 'a.service', "
                                            "'display_name': ''"),
    "$.services[0].display_name: \"\" is empty; leave the key out or set it to null" },
  { "services/display-name-newline", SERVICE ("'host': 'web1', 'unit': 'a.service', "
                                              "'display_name': 'a\\nb'"),
    "$.services[0].display_name: \"a\\nb\" contains a control character; a display name is "
    "one line of text" },

  /* Dependencies: units of services of the same host */
  { "services/depends-on-self", SERVICE ("'host': 'web1', 'unit': 'a.service', 'depends_on': "
                                         "['b.service', 'a.service']"),
    "$.services[0].depends_on[1]: \"a.service\" is the service itself: a cycle a.service → "
    "a.service; a service cannot depend on itself\n"
    "$.services[0].depends_on[0]: \"b.service\" is not a service of host \"web1\" in the "
    "inventory" },
  /* Cycles through others, named where they start (e.service, outside it, is not named) */
  { "services/depends-on-cycle", HEAD HOSTS "'services': [{'host': 'web1', 'unit': "
    "'a.service', 'depends_on': ['b.service']}, {'host': 'web1', 'unit': 'b.service', "
    "'depends_on': ['a.service']}]}",
    "$.services[0].depends_on: a cycle a.service → b.service → a.service; a service cannot "
    "depend on itself, even through others: remove one of these dependencies" },
  { "services/depends-on-long-cycle", HEAD HOSTS "'services': [{'host': 'web1', 'unit': "
    "'d.service'}, {'host': 'web1', 'unit': 'a.service', 'depends_on': ['d.service', "
    "'b.service']}, {'host': 'web1', 'unit': 'b.service', 'depends_on': ['d.service', "
    "'c.service']}, {'host': 'web1', 'unit': 'c.service', 'depends_on': ['a.service']}, "
    "{'host': 'web1', 'unit': 'e.service', 'depends_on': ['c.service']}]}",
    "$.services[1].depends_on: a cycle a.service → b.service → c.service → a.service; a "
    "service cannot depend on itself, even through others: remove one of these "
    "dependencies" },
  { "services/depends-on-missing", HEAD HOSTS "'services': [{'host': 'web1', 'unit': "
    "'a.service'}, {'host': 'web1', 'unit': 'app.service', 'depends_on': ['a.service', "
    "'db.service']}]}",
    "$.services[1].depends_on[1]: \"db.service\" is not a service of host \"web1\" in the "
    "inventory" },
  { "services/depends-on-other-host", HEAD "'hosts': [{'name': 'web1', 'kind': 'local'}, "
    "{'name': 'db1', 'kind': 'ssh', 'address': 'x'}], 'services': [{'host': 'db1', 'unit': "
    "'db.service'}, {'host': 'web1', 'unit': 'app.service', 'depends_on': ['db.service']}]}",
    "$.services[1].depends_on[0]: \"db.service\" is not a service of host \"web1\" in the "
    "inventory" },
  { "services/depends-on-no-cascade", HEAD HOSTS "'services': [{'host': 'db2', 'unit': "
    "'app.service', 'depends_on': ['db.service']}]}",
    "$.services[0].host: no host named \"db2\" in $.hosts" },
  { "services/depends-on-unit", SERVICE ("'host': 'web1', 'unit': 'a.service', 'depends_on': "
                                         "['db']"),
    "$.services[0].depends_on[0]: \"db\" is not a valid unit name: it has no type suffix (such "
    "as .service or .timer)" },
  { "services/depends-on-template", SERVICE ("'host': 'web1', 'unit': 'a.service', "
                                             "'depends_on': ['postgresql@.service']"),
    "$.services[0].depends_on[0]: \"postgresql@.service\" is a template, not a unit that runs; "
    "name one of its instances, as in \"postgresql@INSTANCE.service\"" },
  { "services/depends-on-twice", HEAD HOSTS "'services': [{'host': 'web1', 'unit': "
    "'a.service', 'depends_on': ['b.service', 'b.service']}, {'host': 'web1', 'unit': "
    "'b.service'}]}",
    "$.services[0].depends_on[1]: \"b.service\" is listed twice" },
  { "services/depends-on-string", SERVICE ("'host': 'web1', 'unit': 'a.service', 'depends_on': "
                                           "'b.service'"),
    "$.services[0].depends_on: expected an array of strings, got a string" },

  /* Maintenance windows: tend_maintenance_window_parse() says what is wrong */
  { "services/maintenance-time", SERVICE ("'host': 'web1', 'unit': 'a.service', 'maintenance': "
                                          "['daily 23:30-00:30', 'Mon-Fri 2:00-4:00']"),
    "$.services[0].maintenance[1]: maintenance window 'Mon-Fri 2:00-4:00': '2:00-4:00' is not "
    "a time range HH:MM-HH:MM (00:00 to 23:59)" },
  { "services/maintenance-day", SERVICE ("'host': 'web1', 'unit': 'a.service', 'maintenance': "
                                         "['Mo-Fr 02:00-04:00']"),
    "$.services[0].maintenance[0]: maintenance window 'Mo-Fr 02:00-04:00': 'Mo-Fr' is not a "
    "day or a range of days (Mon, Mon-Fri)" },
  { "services/maintenance-form", SERVICE ("'host': 'web1', 'unit': 'a.service', 'maintenance': "
                                          "['02:00-04:00']"),
    "$.services[0].maintenance[0]: maintenance window '02:00-04:00': it must be DAYS "
    "HH:MM-HH:MM, such as 'Mon-Fri 02:00-04:00' or 'daily 23:30-00:30'" },
  { "services/maintenance-empty", SERVICE ("'host': 'web1', 'unit': 'a.service', "
                                           "'maintenance': ['Sun 02:00-02:00']"),
    "$.services[0].maintenance[0]: maintenance window 'Sun 02:00-02:00': '02:00-02:00' is "
    "empty: the end must differ from the start" },
  /* Twice in the form kept, however written */
  { "services/maintenance-twice", SERVICE ("'host': 'web1', 'unit': 'a.service', "
                                           "'maintenance': ['mon-fri 02:00-04:00', "
                                           "'Monday-Friday  02:00-04:00']"),
    "$.services[0].maintenance[1]: \"Mon-Fri 02:00-04:00\" is listed twice" },
  { "services/maintenance-too-many", SERVICE ("'host': 'web1', 'unit': 'a.service', "
    "'maintenance': [" WINDOWS4 WINDOWS4 WINDOWS4 WINDOWS4 "'Sun 00:00-01:00']"),
    "$.services[0].maintenance: the list has 17 elements; at most 16 are allowed" },

  /* Checks */
  { "checks/dangling-service", BASE "'checks': [{'host': 'web1', 'unit': 'other.service', "
    "'name': 'c', 'kind': 'unit'}]}",
    "$.checks[0]: no service \"other.service\" on host \"web1\" in $.services" },
  { "checks/dangling-host", BASE "'checks': [{'host': 'db2', 'unit': 'nginx.service', 'name': "
    "'c', 'kind': 'unit'}]}",
    "$.checks[0]: no service \"nginx.service\" on host \"db2\" in $.services" },
  { "checks/duplicate-name", BASE "'checks': [{'host': 'web1', 'unit': 'nginx.service', "
    "'name': 'c', 'kind': 'unit'}, {'host': 'web1', 'unit': 'nginx.service', 'name': 'c', "
    "'kind': 'tcp', 'params': {'host': 'x', 'port': 1}}]}",
    "$.checks[1].name: \"c\" is already used by $.checks[0], for the same service" },
  { "checks/name-missing", BASE "'checks': [{'host': 'web1', 'unit': 'nginx.service', 'kind': "
    "'unit'}]}",
    "$.checks[0]: required key \"name\" is missing" },
  { "checks/timeout-not-below-interval", CHECK ("'kind': 'unit', 'interval': '5s', "
                                                "'timeout': '10s'"),
    "$.checks[0].timeout: 10s must be below the interval (5s)" },
  { "checks/timeout-equal-interval", CHECK ("'kind': 'unit', 'interval': '5s', 'timeout': "
                                            "'5000ms'"),
    "$.checks[0].timeout: 5s must be below the interval (5s)" },
  { "checks/timeout-default", CHECK ("'kind': 'unit', 'interval': '1s'"),
    "$.checks[0].timeout: 10s must be below the interval (1s)" },
  { "checks/interval-too-short", CHECK ("'kind': 'unit', 'interval': '500ms', 'timeout': "
                                        "'100ms'"),
    "$.checks[0].interval: 500ms is outside 1s..1d" },
  { "checks/interval-too-long", CHECK ("'kind': 'unit', 'interval': '2d'"),
    "$.checks[0].interval: 2d is outside 1s..1d" },
  { "checks/duration-unit", CHECK ("'kind': 'unit', 'interval': '30 sec'"),
    "$.checks[0].interval: \"30 sec\" is not a duration: unknown unit \"sec\" (use ms, s, "
    "min, h, d or w)" },
  { "checks/duration-negative", CHECK ("'kind': 'unit', 'startup_grace': '-5s'"),
    "$.checks[0].startup_grace: \"-5s\" is not a duration: it is negative" },
  { "checks/thresholds-range", CHECK ("'kind': 'unit', 'failures_before_hard': 0, "
                                      "'successes_before_recovered': 101"),
    "$.checks[0].failures_before_hard: 0 is outside 1..100\n"
    "$.checks[0].successes_before_recovered: 101 is outside 1..100" },
  { "checks/kind-unknown", CHECK ("'kind': 'ping', 'params': {'host': 'x'}"),
    "$.checks[0].kind: \"ping\" is not one of unit, http, tcp, redis, command, resources" },
  { "checks/http-params-missing", CHECK ("'kind': 'http'"),
    "$.checks[0]: required key \"params\" is missing; an http check needs \"url\"" },
  { "checks/http-url-missing", PARAMS ("http", "'method': 'GET'"),
    "$.checks[0].params: required key \"url\" is missing" },
  { "checks/http-url-scheme", PARAMS ("http", "'url': 'ftp://example.com/'"),
    "$.checks[0].params.url: \"ftp://example.com/\" is not an http or https URL" },
  { "checks/http-url-relative", PARAMS ("http", "'url': 'example.com/health'"),
    "$.checks[0].params.url: \"example.com/health\" is not a URL: URI is not absolute, and no "
    "base URI was provided" },
  { "checks/http-url-space", PARAMS ("http", "'url': 'http://example.com/a b'"),
    "$.checks[0].params.url: \"http://example.com/a b\" contains a space, a control character "
    "or a character that is not ASCII; write those %-encoded" },
  { "checks/http-url-no-host", PARAMS ("http", "'url': 'http:///health'"),
    "$.checks[0].params.url: \"http:///health\" has no valid host" },
  { "checks/http-method", PARAMS ("http", URL ", 'method': 'get'"),
    "$.checks[0].params.method: \"get\" is not one of GET, HEAD, POST; did you mean \"GET\"?" },
  { "checks/http-status-range", PARAMS ("http", URL ", 'expect_status': [200, 700]"),
    "$.checks[0].params.expect_status[1]: 700 is outside 100..599" },
  { "checks/http-status-empty", PARAMS ("http", URL ", 'expect_status': []"),
    "$.checks[0].params.expect_status: the list is empty; it needs at least 1" },
  { "checks/http-status-twice", PARAMS ("http", URL ", 'expect_status': [200, 204, 200]"),
    "$.checks[0].params.expect_status[2]: 200 is listed twice" },
  { "checks/http-latency", PARAMS ("http", URL ", 'latency_degraded': '20s'"),
    "$.checks[0].params.latency_degraded: 20s must be below the timeout (10s)" },
  { "checks/http-body-empty", PARAMS ("http", URL ", 'body_contains': ''"),
    "$.checks[0].params.body_contains: \"\" is empty; leave the key out or set it to null" },
  { "checks/http-verify-tls", PARAMS ("http", URL ", 'verify_tls': 'no'"),
    "$.checks[0].params.verify_tls: expected true or false, got a string" },
  { "checks/tcp-port", PARAMS ("tcp", "'host': '127.0.0.1', 'port': 0"),
    "$.checks[0].params.port: 0 is outside 1..65535" },
  { "checks/tcp-missing", PARAMS ("tcp", "'send': 'PING'"),
    "$.checks[0].params: required key \"host\" is missing\n"
    "$.checks[0].params: required key \"port\" is missing" },
  { "checks/tcp-host", PARAMS ("tcp", "'host': 'local host', 'port': 80"),
    "$.checks[0].params.host: \"local host\" is neither a host name nor an IP address "
    HOST_RULE },
  { "checks/redis-numbers", PARAMS ("redis", "'max_memory_bytes': -5, 'max_clients': -1, "
                                    "'critical_clients': -2"),
    "$.checks[0].params.max_memory_bytes: -5 is below the minimum of 0\n"
    "$.checks[0].params.max_clients: -1 is below the minimum of 0\n"
    "$.checks[0].params.critical_clients: -2 is below the minimum of 0" },
  { "checks/redis-latency", CHECK ("'kind': 'redis', 'timeout': '1s', 'params': "
                                   "{'max_latency': '2s', 'critical_latency': '3s'}"),
    "$.checks[0].params.max_latency: 2s must be below the timeout (1s)\n"
    "$.checks[0].params.critical_latency: 3s must be below the timeout (1s)" },
  { "checks/redis-latency-range", PARAMS ("redis", "'critical_latency': '0s'"),
    "$.checks[0].params.critical_latency: 0s is outside 1ms..10min" },
  { "checks/redis-memory-order", PARAMS ("redis", "'max_memory_bytes': 2000, "
                                         "'critical_memory_bytes': 1000"),
    "$.checks[0].params.max_memory_bytes: 2000 must be below critical_memory_bytes (1000)" },
  { "checks/redis-clients-order", PARAMS ("redis", "'max_clients': 0, 'critical_clients': 0"),
    "$.checks[0].params.max_clients: 0 must be below critical_clients (0)" },
  { "checks/redis-latency-order", PARAMS ("redis", "'max_latency': '500ms', "
                                          "'critical_latency': '50ms'"),
    "$.checks[0].params.max_latency: 500ms must be below critical_latency (50ms)" },
  { "checks/command-argv-missing", PARAMS ("command", ""),
    "$.checks[0].params: required key \"argv\" is missing" },
  { "checks/command-argv-empty", PARAMS ("command", "'argv': []"),
    "$.checks[0].params.argv: the list is empty; it needs at least 1" },
  { "checks/command-argv-relative", PARAMS ("command", "'argv': ['check_http', '-H', 'x']"),
    "$.checks[0].params.argv[0]: \"check_http\" is not an absolute path; the program is run "
    "without a shell or a search path, so give its full path, such as "
    "\"/usr/lib/nagios/plugins/check_http\"" },
  { "checks/command-argv-empty-string", PARAMS ("command", "'argv': ['/usr/bin/check', '']"),
    "$.checks[0].params.argv[1]: \"\" is empty; no argument may be empty" },
  { "checks/command-argv-shell", PARAMS ("command", "'argv': '/usr/bin/check -x'"),
    "$.checks[0].params.argv: expected an array of strings, got a string" },
  { "checks/resources-memory", PARAMS ("resources", "'memory_warn_bytes': 2000, "
                                       "'memory_critical_bytes': 1000"),
    "$.checks[0].params.memory_warn_bytes: 2000 must be below memory_critical_bytes (1000)" },
  { "checks/resources-cpu", PARAMS ("resources", "'cpu_warn_percent': 90, "
                                    "'cpu_critical_percent': 90.0"),
    "$.checks[0].params.cpu_warn_percent: 90.0 must be below cpu_critical_percent (90.0)" },
  { "checks/resources-cpu-negative", PARAMS ("resources", "'cpu_warn_percent': -1.5"),
    "$.checks[0].params.cpu_warn_percent: -1.5 is below the minimum of 0.0" },
  { "checks/resources-tasks", PARAMS ("resources", "'tasks_warn': 100, 'tasks_critical': 50"),
    "$.checks[0].params.tasks_warn: 100 must be below tasks_critical (50)" },

  /* Policies */
  { "policies/dangling-service", BASE "'policies': [{'host': 'web1', 'unit': 'old.service'}]}",
    "$.policies[0]: no service \"old.service\" on host \"web1\" in $.services" },
  { "policies/twice", BASE "'policies': [{'host': 'web1', 'unit': 'nginx.service'}, {'host': "
    "'web1', 'unit': 'nginx.service', 'kind': 'always'}]}",
    "$.policies[1]: \"nginx.service\" on host \"web1\" already has a policy, $.policies[0]; a "
    "service has at most one" },
  { "policies/kind", POLICY ("'kind': 'sometimes'"),
    "$.policies[0].kind: \"sometimes\" is not one of never, on-failure, always, backoff" },
  { "policies/ranges", POLICY ("'max_recoveries': 0, 'backoff_multiplier': 0.5, 'jitter': 1.5, "
                               "'loop_threshold': 1"),
    "$.policies[0].max_recoveries: 0 is outside 1..100\n"
    "$.policies[0].backoff_multiplier: 0.5 is outside 1.0..10.0\n"
    "$.policies[0].jitter: 1.5 is outside 0.0..1.0\n"
    "$.policies[0].loop_threshold: 1 is outside 2..100" },
  { "policies/windows", POLICY ("'window': '10s', 'loop_window': '2d'"),
    "$.policies[0].window: 10s is outside 1min..1d\n"
    "$.policies[0].loop_window: 2d is outside 1min..1d" },
  { "policies/backoff-max", POLICY ("'kind': 'backoff', 'backoff_initial': '1min', "
                                    "'backoff_max': '30s'"),
    "$.policies[0].backoff_max: 30s must be at least backoff_initial (1min)" },

  /* Configuration: only the form here; TendConfig checks the meaning */
  { "config/not-object", HEAD "'config': ['a']}",
    "$.config: expected an object, got an array" },
  { "config/key-not-dotted", CONFIG ("'interval': '30s'"),
    "$.config: \"interval\" " CONFIG_KEY },
  { "config/key-upper", CONFIG ("'Checks.Interval': '30s'"),
    "$.config: \"Checks.Interval\" " CONFIG_KEY },
  { "config/key-empty-word", CONFIG ("'checks..interval': '30s'"),
    "$.config: \"checks..interval\" " CONFIG_KEY },
  { "config/value-number", CONFIG ("'checks.default-interval': 30"),
    "$.config[\"checks.default-interval\"]: expected a string, got an integer; " CONFIG_TEXT },
  { "config/value-null", CONFIG ("'checks.default-interval': null"),
    "$.config[\"checks.default-interval\"]: expected a string, got null; " CONFIG_TEXT },

  /* Several problems: all of them, in order, but none that only follows from another */
  { "many/all-reported", HEAD "'hosts': [{" SSH "'port': 0}, {'name': 'b b', 'kind': 'local'}], "
    "'services': [{'host': 'zz', 'unit': 'foo'}, {'host': 'b b', 'unit': 'x.service'}]}",
    "$.hosts[0].port: 0 is outside 1..65535\n"
    "$.hosts[1].name: \"b b\" contains \" \"; " NAME_RULE "\n"
    "$.services[0].unit: \"foo\" is not a valid unit name: it has no type suffix (such as "
    ".service or .timer)\n"
    "$.services[0].host: no host named \"zz\" in $.hosts\n"
    "$.services[1].host: \"b b\" contains \" \"; " NAME_RULE },
  { "many/no-cascade", HEAD "'hosts': [{'kind': 'local'}], 'services': [{'host': 'a', 'unit': "
    "'a.service'}], 'checks': [{'host': 'a', 'unit': 'a.service', 'name': 'c', 'kind': "
    "'unit'}]}",
    "$.hosts[0]: required key \"name\" is missing" },
};

static void
test_error (gconstpointer data)
{
  const ErrorCase *c = data;
  g_autofree char *json = c->raw ? g_strdup (c->input) : squote (c->input);
  g_autoptr(GError) error = NULL;
  g_autoptr(TendInventory) inventory = parse (json, &error);

  g_assert_null (inventory);
  g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==, c->message);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
}

/* A dependency may come later in the file; 32 are allowed, 33 are not */
static void
test_dependencies (void)
{
  g_autoptr(GString) json = g_string_new (HEAD HOSTS "'services': [{'host': 'web1', 'unit': "
                                          "'app.service', 'depends_on': [");
  g_autofree char *text = NULL;
  g_autofree char *over = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TendInventory) inventory = NULL;
  g_autoptr(TendInventory) refused = NULL;
  const TendInventoryService *app;

  for (guint i = 0; i < 32; i++)
    g_string_append_printf (json, "%s'd%u.service'", i > 0 ? ", " : "", i);
  g_string_append (json, "]}");
  for (guint i = 0; i < 33; i++)
    g_string_append_printf (json, ", {'host': 'web1', 'unit': 'd%u.service'}", i);
  g_string_append (json, "]}");

  text = squote (json->str);
  inventory = parse (text, &error);
  g_assert_no_error (error);
  app = g_ptr_array_index (tend_inventory_get_services (inventory), 0);
  g_assert_cmpuint (g_strv_length (app->depends_on), ==, 32);
  g_assert_cmpstr (app->depends_on[31], ==, "d31.service");

  g_string_replace (json, "'d31.service']}", "'d31.service', 'd32.service']}", 1);
  over = squote (json->str);
  refused = parse (over, &error);
  g_assert_null (refused);
  g_assert_cmpstr (error->message, ==, "$.services[0].depends_on: the list has 33 elements; at "
                   "most 32 are allowed");
}

/* Twenty problems are listed, and how many more there were */
static void
test_error_cap (void)
{
  g_autoptr(GString) json = g_string_new (HEAD "'hosts': [");
  g_autoptr(GString) expected = g_string_new (NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TendInventory) inventory = NULL;

  for (guint i = 0; i < 25; i++)
    g_string_append_printf (json, "%s{'name': 'h%u', 'kind': 'ssh', 'address': 'x', "
                            "'port': 0}", i > 0 ? ", " : "", i);
  g_string_append (json, "]}");

  for (guint i = 0; i < TEND_INVENTORY_MAX_ERRORS; i++)
    g_string_append_printf (expected, "$.hosts[%u].port: 0 is outside 1..65535\n", i);
  g_string_append (expected, "… and 5 more problems");

  text = squote (json->str);
  inventory = parse (text, &error);
  g_assert_null (inventory);
  g_assert_cmpstr (error->message, ==, expected->str);
}

/* Columns count characters, not bytes */
static void
test_error_column (void)
{
  g_autofree char *json = squote ("{'é': 'éé' x}");
  g_autoptr(GError) error = NULL;
  g_autoptr(TendInventory) inventory = parse (json, &error);

  g_assert_null (inventory);
  g_assert_cmpstr (error->message, ==, "$[\"é\"]: invalid JSON at line 1, column 12: expected "
                   "\",\" or \"}\" after a member, got \"x\"");
}

/* A length, not a NUL byte, ends the text */
static void
test_error_nul_byte (void)
{
  static const char json[] = "{\"format\": \"tend-inventory\", \"version\": 1}\0{}";
  g_autoptr(GError) error = NULL;
  g_autoptr(TendInventory) inventory = NULL;
  g_autoptr(TendInventory) shorter = NULL;

  inventory = tend_inventory_new_from_json (json, sizeof json - 1, &error);
  g_assert_null (inventory);
  g_assert_cmpstr (error->message, ==, "$: invalid JSON at line 1, column 43: unexpected "
                   "\"\\x00\" after the end of the document");

  shorter = tend_inventory_new_from_json (json, strlen (json), NULL);
  g_assert_nonnull (shorter);
  g_clear_error (&error);

  g_assert_null (tend_inventory_new_from_json (NULL, 0, &error));
  g_assert_true (g_str_has_prefix (error->message, "$: the input is empty"));
}

/* Limits */

/* A file over the limit is refused by its size alone: 50 MB of a valid inventory, whose
 * hosts all have the same name, so that reading it would report something else.
 */
static void
test_limit_size (void)
{
  static const char host[] = "{\"name\": \"web1\", \"kind\": \"local\"}, ";
  const gsize size = 50 * 1000 * 1000;  /* what people call 50 MB */
  g_autoptr(GString) json = g_string_sized_new (size + 64);
  g_autoptr(GError) error = NULL;
  g_autoptr(TendInventory) inventory = NULL;
  gint64 start;
  gint64 elapsed;

  g_string_append (json, "{\"format\": \"tend-inventory\", \"version\": 1, \"hosts\": [");
  while (json->len + sizeof host + 4 < size)
    g_string_append (json, host);
  g_string_append (json, "{}]}");
  while (json->len < size)
    g_string_insert_c (json, json->len - 1, ' ');
  g_assert_cmpuint (json->len, ==, size);

  start = g_get_monotonic_time ();
  inventory = tend_inventory_new_from_json (json->str, json->len, &error);
  elapsed = g_get_monotonic_time () - start;

  g_assert_null (inventory);
  g_assert_cmpstr (error->message, ==, "$: the input is 50000000 bytes (47.7 MiB), more than "
                   "the limit of 16777216 bytes (16.0 MiB)");
  g_test_message ("50 MB refused in %" G_GINT64_FORMAT " us", elapsed);
  g_assert_cmpint (elapsed, <, G_USEC_PER_SEC);
}

/* Exactly at the limit is read; one byte more is not */
static void
test_limit_size_edge (void)
{
  g_autoptr(GString) json = g_string_new ("{\"format\": \"tend-inventory\", \"version\": 1}");
  g_autoptr(GError) error = NULL;
  g_autoptr(TendInventory) inventory = NULL;
  g_autoptr(TendInventory) over = NULL;

  while (json->len < TEND_INVENTORY_MAX_SIZE)
    g_string_append_c (json, json->len % 64 == 0 ? '\n' : ' ');

  inventory = tend_inventory_new_from_json (json->str, json->len, &error);
  g_assert_no_error (error);
  g_assert_nonnull (inventory);

  g_string_append_c (json, ' ');
  over = tend_inventory_new_from_json (json->str, json->len, &error);
  g_assert_null (over);
  g_assert_cmpstr (error->message, ==, "$: the input is 16777217 bytes (16.0 MiB), more than "
                   "the limit of 16777216 bytes (16.0 MiB)");
}

static char *
repeat (const char *text,
        guint       n)
{
  GString *out = g_string_sized_new (strlen (text) * n);

  for (guint i = 0; i < n; i++)
    g_string_append (out, text);

  return g_string_free (out, FALSE);
}

/* 100,000 levels: refused at level 33, before json-glib (whose parser recurses) sees it */
static void
test_limit_depth (void)
{
  const guint depth = 100000;
  g_autofree char *open = repeat ("[", depth);
  g_autofree char *close = repeat ("]", depth);
  g_autofree char *path = repeat ("[0]", TEND_INVENTORY_MAX_DEPTH);
  g_autofree char *arrays = g_strconcat (open, close, NULL);
  g_autofree char *expected = g_strdup_printf ("$%s: nested deeper than 32 levels of objects "
                                               "and arrays (line 1, column 33)", path);
  g_autoptr(GError) error = NULL;
  g_autoptr(TendInventory) inventory = NULL;
  gint64 start = g_get_monotonic_time ();

  inventory = parse (arrays, &error);
  g_test_message ("100000 levels refused in %" G_GINT64_FORMAT " us",
                  g_get_monotonic_time () - start);
  g_assert_null (inventory);
  g_assert_cmpstr (error->message, ==, expected);
  g_clear_error (&error);

  /* Unclosed, as a stream of brackets would be */
  inventory = parse (open, &error);
  g_assert_null (inventory);
  g_assert_cmpstr (error->message, ==, expected);
}

static void
test_limit_depth_objects (void)
{
  const guint depth = 100000;
  g_autofree char *open = repeat ("{\"a\": ", depth);
  g_autofree char *close = repeat ("}", depth);
  g_autofree char *inner = repeat (".a", TEND_INVENTORY_MAX_DEPTH - 2);
  g_autofree char *objects = g_strconcat ("{\"format\": \"tend-inventory\", \"version\": 1, "
                                          "\"hosts\": [", open, "1", close, "]}", NULL);
  g_autofree char *expected = g_strdup_printf ("$.hosts[0]%s: nested deeper than 32 levels of "
                                               "objects and arrays (line 1, column 234)", inner);
  g_autoptr(GError) error = NULL;
  g_autoptr(TendInventory) inventory = parse (objects, &error);

  g_assert_null (inventory);
  g_assert_cmpstr (error->message, ==, expected);
}

/* 32 levels are allowed: the text reaches json-glib, and the rules then speak */
static void
test_limit_depth_edge (void)
{
  g_autofree char *open = repeat ("[", TEND_INVENTORY_MAX_DEPTH - 2);
  g_autofree char *close = repeat ("]", TEND_INVENTORY_MAX_DEPTH - 2);
  g_autofree char *json = g_strconcat ("{\"format\": \"tend-inventory\", \"version\": 1, "
                                       "\"hosts\": [", open, close, "]}", NULL);
  g_autofree char *deeper = g_strconcat ("{\"format\": \"tend-inventory\", \"version\": 1, "
                                         "\"hosts\": [[", open, close, "]]}", NULL);
  g_autofree char *path = repeat ("[0]", TEND_INVENTORY_MAX_DEPTH - 1);
  g_autofree char *expected = g_strdup_printf ("$.hosts%s: nested deeper than 32 levels of "
                                               "objects and arrays (line 1, column 84)", path);
  g_autoptr(GError) error = NULL;
  g_autoptr(TendInventory) inventory = parse (json, &error);

  g_assert_null (inventory);
  g_assert_cmpstr (error->message, ==, "$.hosts[0]: expected an object, got an array");
  g_clear_error (&error);

  inventory = parse (deeper, &error);
  g_assert_null (inventory);
  g_assert_cmpstr (error->message, ==, expected);
}

/* Many values or containers within the size limit would cost json-glib a lot of memory */
static void
test_limit_values (void)
{
  g_autoptr(GString) json = g_string_new ("[");
  g_autoptr(GError) error = NULL;
  g_autoptr(TendInventory) inventory = NULL;

  for (guint i = 0; i < TEND_INVENTORY_MAX_VALUES; i++)
    g_string_append (json, "0,");
  g_string_append (json, "0]");

  inventory = tend_inventory_new_from_json (json->str, json->len, &error);
  g_assert_null (inventory);
  g_assert_cmpstr (error->message, ==, "$[499999]: more than 500000 values; an inventory holds "
                   "at most 500000 (line 1, column 1000000)");
}

static void
test_limit_containers (void)
{
  g_autoptr(GString) json = g_string_new ("[");
  g_autoptr(GError) error = NULL;
  g_autoptr(TendInventory) inventory = NULL;

  for (guint i = 0; i < TEND_INVENTORY_MAX_CONTAINERS; i++)
    g_string_append (json, "{},");
  g_string_append (json, "{}]");

  inventory = tend_inventory_new_from_json (json->str, json->len, &error);
  g_assert_null (inventory);
  g_assert_cmpstr (error->message, ==, "$[99999]: more than 100000 objects and arrays; an "
                   "inventory holds at most 100000 (line 1, column 299999)");
}

/* Damaged files: every prefix of full.json, and full.json with bytes replaced, give an
 * answer (under ASan too); every message line starts with a path.
 */
static void
check_answer (const char *json,
              gsize       length)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TendInventory) inventory = tend_inventory_new_from_json (json, length, &error);
  g_auto(GStrv) lines = NULL;

  if (inventory != NULL)
    {
      g_assert_no_error (error);
      return;
    }

  g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  lines = g_strsplit (error->message, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    g_assert_true (lines[i][0] == '$' || g_str_has_prefix (lines[i], "… and "));
}

static void
test_damaged_prefixes (void)
{
  gsize length;
  g_autofree char *json = read_fixture ("full.json", &length);
  g_autofree char *copy = NULL;
  const char *last = strrchr (json, '}');

  for (gsize n = 0; n < length; n++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TendInventory) inventory = NULL;

      /* A copy of exactly n bytes, so that ASan sees any read past them */
      g_free (copy);
      copy = g_memdup2 (json, MAX (n, 1));
      inventory = tend_inventory_new_from_json (copy, n, &error);
      if (n <= (gsize) (last - json))
        {
          g_assert_null (inventory);
          g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
        }
      else
        g_assert_nonnull (inventory);
    }
}

static void
test_damaged_bytes (void)
{
  static const char replacements[] = { '"', '{', ']', ',', '0', 'x', '\\', '\xff', ' ' };
  gsize length;
  g_autofree char *json = read_fixture ("full.json", &length);
  g_autofree char *damaged = g_memdup2 (json, length);

  for (gsize i = 0; i < length; i += 3)
    {
      for (guint j = 0; j < G_N_ELEMENTS (replacements); j++)
        {
          damaged[i] = replacements[j];
          check_answer (damaged, length);
        }
      damaged[i] = json[i];
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/inventory/full/parse", test_full_parse);
  g_test_add_func ("/inventory/full/round-trip", test_full_round_trip);
  g_test_add_func ("/inventory/minimal/defaults", test_minimal_defaults);
  g_test_add_func ("/inventory/byte-order-mark", test_byte_order_mark);

  for (guint i = 0; i < G_N_ELEMENTS (error_cases); i++)
    {
      g_autofree char *path = g_strconcat ("/inventory/error/", error_cases[i].name, NULL);

      g_test_add_data_func (path, &error_cases[i], test_error);
    }
  g_test_add_func ("/inventory/error/many/capped", test_error_cap);
  g_test_add_func ("/inventory/dependencies", test_dependencies);
  g_test_add_func ("/inventory/error/json/column-in-characters", test_error_column);
  g_test_add_func ("/inventory/error/json/nul-byte", test_error_nul_byte);

  g_test_add_func ("/inventory/limit/size-50mb", test_limit_size);
  g_test_add_func ("/inventory/limit/size-edge", test_limit_size_edge);
  g_test_add_func ("/inventory/limit/depth-100000", test_limit_depth);
  g_test_add_func ("/inventory/limit/depth-objects", test_limit_depth_objects);
  g_test_add_func ("/inventory/limit/depth-edge", test_limit_depth_edge);
  g_test_add_func ("/inventory/limit/values", test_limit_values);
  g_test_add_func ("/inventory/limit/containers", test_limit_containers);

  g_test_add_func ("/inventory/damaged/prefixes", test_damaged_prefixes);
  g_test_add_func ("/inventory/damaged/bytes", test_damaged_bytes);

  return g_test_run ();
}
