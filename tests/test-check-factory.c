/* test-check-factory.c — checks made from an inventory's checks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For each kind, an inventory check becomes a check whose getters give back every value;
 * each bad field is refused with the check, the inventory's key and the check class's
 * own message. No check runs: the unit and resources kinds get a local TendHost that is
 * never connected.
 */
#define G_LOG_DOMAIN "Tend"

#include <string.h>

#include "tend.h"

#define MS TEND_USEC_PER_MSEC
#define SEC TEND_USEC_PER_SEC

/* ------------------------------------------------------------------------------------ */
/* Helpers                                                                               */

/* The absolute path of a file in the source tree's tests/. */
static char *
test_file (const char *first,
           ...)
{
  const char *srcdir = g_getenv ("TEND_TEST_SRCDIR");
  g_autofree char *relative = NULL;
  g_autofree char *path = NULL;
  va_list args;

  if (srcdir == NULL)
    g_error ("TEND_TEST_SRCDIR is not set; run the tests with meson test");

  va_start (args, first);
  relative = g_build_filename_valist (first, &args);
  va_end (args);
  path = g_build_filename (srcdir, relative, NULL);
  return g_canonicalize_filename (path, NULL);
}

/* A spec with timing and counts other than both the inventory's defaults and the
 * check's, so that each is seen to be set. */
static TendInventoryCheck *
spec_new (const char             *name,
          TendInventoryCheckKind  kind)
{
  TendInventoryCheck *spec = tend_inventory_check_new ("local", "web.service", name, kind);

  spec->interval_usec = 45 * SEC;
  spec->timeout_usec = 7 * SEC;
  spec->failures_before_hard = 5;
  spec->successes_before_recovered = 4;
  spec->startup_grace_usec = 90 * SEC;
  spec->enabled = FALSE;
  return spec;
}

static void
assert_common (TendCheck  *check,
               const char *kind,
               const char *name)
{
  g_assert_cmpstr (tend_check_get_kind (check), ==, kind);
  g_assert_cmpstr (tend_check_get_name (check), ==, name);
  g_assert_cmpint (tend_check_get_interval (check), ==, 45 * SEC);
  g_assert_cmpint (tend_check_get_timeout (check), ==, 7 * SEC);
  g_assert_cmpuint (tend_check_get_failures_before_hard (check), ==, 5);
  g_assert_cmpuint (tend_check_get_successes_before_recovered (check), ==, 4);
  g_assert_cmpint (tend_check_get_startup_grace (check), ==, 90 * SEC);
  g_assert_false (tend_check_get_enabled (check));
}

static void
set_argv (TendInventoryCheck *spec,
          const char         *first,
          ...)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  va_list args;

  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_strv_builder_add (builder, arg);
  va_end (args);
  g_strfreev (spec->params.command.argv);
  spec->params.command.argv = g_strv_builder_end (builder);
}

static void
set_status (TendInventoryCheck *spec,
            const int          *codes,
            guint               n_codes)
{
  g_array_set_size (spec->params.http.expect_status, 0);
  g_array_append_vals (spec->params.http.expect_status, codes, n_codes);
}

/* ------------------------------------------------------------------------------------ */
/* Each kind                                                                             */

static void
test_http (void)
{
  g_autoptr(TendInventoryCheck) spec = spec_new ("http", TEND_INVENTORY_CHECK_HTTP);
  g_autoptr(TendCheck) check = NULL;
  g_autoptr(GError) error = NULL;
  TendHttpCheck *http;
  const int codes[] = { 204, 200, 301 };

  spec->params.http.method = TEND_INVENTORY_HTTP_POST;
  spec->params.http.url = g_strdup ("https://example.com/health");
  set_status (spec, codes, G_N_ELEMENTS (codes));
  spec->params.http.body_contains = g_strdup ("ok");
  spec->params.http.verify_tls = FALSE;
  spec->params.http.latency_degraded_usec = 750 * MS;

  check = tend_check_new_from_inventory (spec, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (TEND_IS_HTTP_CHECK (check));
  assert_common (check, "http", "http");

  http = TEND_HTTP_CHECK (check);
  g_assert_cmpstr (tend_http_check_get_url (http), ==, "https://example.com/health");
  g_assert_cmpstr (tend_http_check_get_method (http), ==, "POST");
  g_assert_cmpstr (tend_http_check_get_accepted_status (http), ==, "200,204,301");
  g_assert_cmpstr (tend_http_check_get_expect_body (http), ==, "ok");
  g_assert_false (tend_http_check_get_verify_tls (http));
  g_assert_cmpint (tend_http_check_get_latency_threshold (http), ==, 750 * MS);
  g_clear_object (&check);

  /* Not set: no body to find, never degraded */
  g_clear_pointer (&spec->params.http.body_contains, g_free);
  spec->params.http.method = TEND_INVENTORY_HTTP_HEAD;
  spec->params.http.verify_tls = TRUE;
  spec->params.http.latency_degraded_usec = TEND_INVENTORY_UNSET;
  check = tend_check_new_from_inventory (spec, NULL, &error);
  g_assert_no_error (error);
  http = TEND_HTTP_CHECK (check);
  g_assert_cmpstr (tend_http_check_get_method (http), ==, "HEAD");
  g_assert_null (tend_http_check_get_expect_body (http));
  g_assert_true (tend_http_check_get_verify_tls (http));
  g_assert_cmpint (tend_http_check_get_latency_threshold (http), ==, 0);
}

static void
test_tcp (void)
{
  g_autoptr(TendInventoryCheck) spec = spec_new ("port", TEND_INVENTORY_CHECK_TCP);
  g_autoptr(TendCheck) check = NULL;
  g_autoptr(GError) error = NULL;
  GBytes *send;

  spec->params.tcp.host = g_strdup ("[::1]");
  spec->params.tcp.port = 6380;
  spec->params.tcp.send = g_strdup ("PING\r\n");
  spec->params.tcp.expect = g_strdup ("+PONG");

  check = tend_check_new_from_inventory (spec, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (TEND_IS_TCP_CHECK (check));
  assert_common (check, "tcp", "port");
  g_assert_cmpstr (tend_tcp_check_get_host (TEND_TCP_CHECK (check)), ==, "::1");
  g_assert_cmpuint (tend_tcp_check_get_port (TEND_TCP_CHECK (check)), ==, 6380);
  send = tend_tcp_check_get_send (TEND_TCP_CHECK (check));
  g_assert_nonnull (send);
  g_assert_cmpmem (g_bytes_get_data (send, NULL), g_bytes_get_size (send), "PING\r\n", 6);
  g_assert_cmpstr (tend_tcp_check_get_expect (TEND_TCP_CHECK (check)), ==, "+PONG");
  g_clear_object (&check);

  g_clear_pointer (&spec->params.tcp.send, g_free);
  g_clear_pointer (&spec->params.tcp.expect, g_free);
  check = tend_check_new_from_inventory (spec, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (tend_tcp_check_get_send (TEND_TCP_CHECK (check)));
  g_assert_null (tend_tcp_check_get_expect (TEND_TCP_CHECK (check)));
}

static void
assert_redis_limits (TendRedisCheck *redis,
                     const gint64    expected[6])
{
  gint64 limits[6];

  tend_redis_check_get_memory_limits (redis, &limits[0], &limits[1]);
  tend_redis_check_get_clients_limits (redis, &limits[2], &limits[3]);
  tend_redis_check_get_latency_limits (redis, &limits[4], &limits[5]);
  for (guint i = 0; i < G_N_ELEMENTS (limits); i++)
    g_assert_cmpint (limits[i], ==, expected[i]);
}

static void
test_redis (void)
{
  g_autoptr(TendInventoryCheck) spec = spec_new ("redis", TEND_INVENTORY_CHECK_REDIS);
  g_autoptr(TendCheck) check = NULL;
  g_autoptr(GError) error = NULL;
  const gint64 none[6] = { -1, -1, -1, -1, -1, -1 };
  const gint64 set[6] = { 1000000, 2000000, 0, -1, -1, 500 * MS };
  TendRedisCheck *redis;

  G_STATIC_ASSERT (TEND_REDIS_CHECK_NO_LIMIT == -1);

  /* The defaults: 127.0.0.1:6379, no password, no limits */
  check = tend_check_new_from_inventory (spec, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (TEND_IS_REDIS_CHECK (check));
  assert_common (check, "redis", "redis");
  redis = TEND_REDIS_CHECK (check);
  g_assert_cmpstr (tend_redis_check_get_host (redis), ==, "127.0.0.1");
  g_assert_cmpuint (tend_redis_check_get_port (redis), ==, 6379);
  g_assert_null (tend_redis_check_get_password_env (redis));
  assert_redis_limits (redis, none);
  g_clear_object (&check);

  /* Every field; the inventory's max_ limit is the warning, critical_ the critical one,
   * and 0 clients is a limit as the check has it */
  g_free (spec->params.redis.host);
  spec->params.redis.host = g_strdup ("cache.internal");
  spec->params.redis.port = 6390;
  spec->params.redis.password_env = g_strdup ("REDIS_PASSWORD");
  spec->params.redis.max_memory_bytes = 1000000;
  spec->params.redis.critical_memory_bytes = 2000000;
  spec->params.redis.max_clients = 0;
  spec->params.redis.critical_clients = TEND_INVENTORY_UNSET;
  spec->params.redis.max_latency_usec = TEND_INVENTORY_UNSET;
  spec->params.redis.critical_latency_usec = 500 * MS;

  check = tend_check_new_from_inventory (spec, NULL, &error);
  g_assert_no_error (error);
  redis = TEND_REDIS_CHECK (check);
  g_assert_cmpstr (tend_redis_check_get_host (redis), ==, "cache.internal");
  g_assert_cmpuint (tend_redis_check_get_port (redis), ==, 6390);
  g_assert_cmpstr (tend_redis_check_get_password_env (redis), ==, "REDIS_PASSWORD");
  assert_redis_limits (redis, set);
}

static void
test_command (void)
{
  g_autoptr(TendInventoryCheck) spec = spec_new ("script", TEND_INVENTORY_CHECK_COMMAND);
  g_autofree char *ok = test_file ("checks", "ok.sh", NULL);
  g_autoptr(TendCheck) check = NULL;
  g_autoptr(GError) error = NULL;
  const char * const *argv;

  set_argv (spec, ok, "-w", "two words", NULL);
  check = tend_check_new_from_inventory (spec, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (TEND_IS_COMMAND_CHECK (check));
  assert_common (check, "command", "script");

  argv = tend_command_check_get_argv (TEND_COMMAND_CHECK (check));
  g_assert_cmpuint (g_strv_length ((char **) argv), ==, 3);
  g_assert_cmpstr (argv[0], ==, ok);
  g_assert_cmpstr (argv[1], ==, "-w");
  g_assert_cmpstr (argv[2], ==, "two words");
}

static void
test_unit (void)
{
  g_autoptr(TendInventoryCheck) spec = spec_new ("state", TEND_INVENTORY_CHECK_UNIT);
  g_autoptr(TendHost) host = tend_host_new_local (TEND_HOST_SCOPE_USER);
  g_autoptr(TendCheck) check = NULL;
  g_autoptr(GError) error = NULL;

  check = tend_check_new_from_inventory (spec, host, &error);
  g_assert_no_error (error);
  g_assert_true (TEND_IS_UNIT_CHECK (check));
  assert_common (check, "unit", "state");
  g_assert_true (tend_unit_check_get_host (TEND_UNIT_CHECK (check)) == host);
  g_assert_cmpstr (tend_unit_check_get_unit (TEND_UNIT_CHECK (check)), ==, "web.service");
  g_assert_false (tend_host_get_connected (host));
}

static void
test_resources (void)
{
  g_autoptr(TendInventoryCheck) spec = spec_new ("resources", TEND_INVENTORY_CHECK_RESOURCES);
  g_autoptr(TendHost) host = tend_host_new_local (TEND_HOST_SCOPE_SYSTEM);
  g_autoptr(TendCheck) check = NULL;
  g_autoptr(GError) error = NULL;
  TendResourcesCheck *resources;
  guint64 warn;
  guint64 critical;
  double warn_percent;
  double critical_percent;

  /* Nothing set: no thresholds, the check's 0 */
  check = tend_check_new_from_inventory (spec, host, &error);
  g_assert_no_error (error);
  g_assert_true (TEND_IS_RESOURCES_CHECK (check));
  assert_common (check, "resources", "resources");
  resources = TEND_RESOURCES_CHECK (check);
  g_assert_true (tend_resources_check_get_host (resources) == host);
  g_assert_cmpstr (tend_resources_check_get_unit (resources), ==, "web.service");
  tend_resources_check_get_memory_thresholds (resources, &warn, &critical);
  g_assert_cmpuint (warn, ==, 0);
  g_assert_cmpuint (critical, ==, 0);
  tend_resources_check_get_cpu_thresholds (resources, &warn_percent, &critical_percent);
  g_assert_cmpfloat (warn_percent, ==, 0.0);
  g_assert_cmpfloat (critical_percent, ==, 0.0);
  tend_resources_check_get_tasks_thresholds (resources, &warn, &critical);
  g_assert_cmpuint (warn, ==, 0);
  g_assert_cmpuint (critical, ==, 0);
  g_clear_object (&check);

  spec->params.resources.memory_warn_bytes = 256 * 1000 * 1000;
  spec->params.resources.memory_critical_bytes = 512 * 1000 * 1000;
  spec->params.resources.cpu_warn_percent = 80.0;
  spec->params.resources.cpu_critical_percent = 150.5;
  spec->params.resources.tasks_critical = 64;

  check = tend_check_new_from_inventory (spec, host, &error);
  g_assert_no_error (error);
  resources = TEND_RESOURCES_CHECK (check);
  tend_resources_check_get_memory_thresholds (resources, &warn, &critical);
  g_assert_cmpuint (warn, ==, 256 * 1000 * 1000);
  g_assert_cmpuint (critical, ==, 512 * 1000 * 1000);
  tend_resources_check_get_cpu_thresholds (resources, &warn_percent, &critical_percent);
  g_assert_cmpfloat (warn_percent, ==, 80.0);
  g_assert_cmpfloat (critical_percent, ==, 150.5);
  tend_resources_check_get_tasks_thresholds (resources, &warn, &critical);
  g_assert_cmpuint (warn, ==, 0);
  g_assert_cmpuint (critical, ==, 64);
}

/* Every check of the full fixture, as read from the file: each is made, and each
 * agrees with the inventory's validator. */
static void
test_full_inventory (void)
{
  g_autofree char *path = test_file ("inventory", "full.json", NULL);
  g_autofree char *json = NULL;
  g_autoptr(TendInventory) inventory = NULL;
  g_autoptr(TendHost) host = tend_host_new_local (TEND_HOST_SCOPE_USER);
  g_autoptr(GError) error = NULL;
  GPtrArray *specs;
  gsize length;
  guint made = 0;

  g_assert_true (g_file_get_contents (path, &json, &length, &error));
  inventory = tend_inventory_new_from_json (json, length, &error);
  g_assert_no_error (error);
  specs = tend_inventory_get_checks (inventory);
  g_assert_cmpuint (specs->len, ==, 6);

  for (guint i = 0; i < specs->len; i++)
    {
      const TendInventoryCheck *spec = g_ptr_array_index (specs, i);
      g_autoptr(TendCheck) check = tend_check_new_from_inventory (spec, host, &error);

      g_assert_no_error (error);
      g_assert_true (tend_check_validate_spec (spec, TEND_HOST_KIND_LOCAL, &error));
      g_assert_cmpstr (tend_check_get_kind (check), ==,
                       tend_inventory_check_kind_to_string (spec->kind));
      g_assert_cmpstr (tend_check_get_name (check), ==, spec->name);
      g_assert_cmpint (tend_check_get_interval (check), ==, spec->interval_usec);
      g_assert_cmpint (tend_check_get_timeout (check), ==, spec->timeout_usec);
      g_assert_cmpint (tend_check_get_startup_grace (check), ==, spec->startup_grace_usec);
      g_assert_cmpint (tend_check_get_enabled (check), ==, spec->enabled);
      made++;
    }
  g_assert_cmpuint (made, ==, 6);
}

/* ------------------------------------------------------------------------------------ */
/* Bad fields                                                                            */

/* A spec of @kind that makes a check, before one field is spoilt */
static TendInventoryCheck *
spec_valid (TendInventoryCheckKind kind)
{
  TendInventoryCheck *spec = tend_inventory_check_new ("local", "web.service", "c", kind);
  g_autofree char *ok = test_file ("checks", "ok.sh", NULL);

  switch (kind)
    {
    case TEND_INVENTORY_CHECK_HTTP:
      spec->params.http.url = g_strdup ("http://example.com/");
      break;
    case TEND_INVENTORY_CHECK_TCP:
      spec->params.tcp.host = g_strdup ("127.0.0.1");
      spec->params.tcp.port = 80;
      break;
    case TEND_INVENTORY_CHECK_COMMAND:
      set_argv (spec, ok, NULL);
      break;
    case TEND_INVENTORY_CHECK_UNIT:
    case TEND_INVENTORY_CHECK_REDIS:
    case TEND_INVENTORY_CHECK_RESOURCES:
    default:
      break;
    }
  return spec;
}

typedef struct
{
  const char             *path;
  TendInventoryCheckKind  kind;
  void                  (*spoil) (TendInventoryCheck *spec);
  const char             *message;    /* after "check 'c' of UNIT on local: " */
} BadCase;

static void
spoil_interval (TendInventoryCheck *spec)
{
  spec->interval_usec = 500 * MS;
  spec->timeout_usec = 100 * MS;
}

static void
spoil_timeout (TendInventoryCheck *spec)
{
  spec->timeout_usec = spec->interval_usec;
}

static void
spoil_interval_negative (TendInventoryCheck *spec)
{
  spec->interval_usec = -SEC;
}

static void
spoil_failures (TendInventoryCheck *spec)
{
  spec->failures_before_hard = 0;
}

static void
spoil_successes (TendInventoryCheck *spec)
{
  spec->successes_before_recovered = 101;
}

static void
spoil_grace (TendInventoryCheck *spec)
{
  spec->startup_grace_usec = -1500 * MS;
}

static void
spoil_url (TendInventoryCheck *spec)
{
  g_free (spec->params.http.url);
  spec->params.http.url = g_strdup ("ftp://example.com/");
}

static void
spoil_url_missing (TendInventoryCheck *spec)
{
  g_clear_pointer (&spec->params.http.url, g_free);
}

static void
spoil_method (TendInventoryCheck *spec)
{
  spec->params.http.method = 7;
}

static void
spoil_status (TendInventoryCheck *spec)
{
  const int codes[] = { 200, 700 };

  set_status (spec, codes, G_N_ELEMENTS (codes));
}

static void
spoil_status_empty (TendInventoryCheck *spec)
{
  set_status (spec, NULL, 0);
}

static void
spoil_body_head (TendInventoryCheck *spec)
{
  spec->params.http.method = TEND_INVENTORY_HTTP_HEAD;
  spec->params.http.body_contains = g_strdup ("ok");
}

static void
spoil_latency (TendInventoryCheck *spec)
{
  spec->params.http.latency_degraded_usec = -5;
}

static void
spoil_tcp_host (TendInventoryCheck *spec)
{
  g_free (spec->params.tcp.host);
  spec->params.tcp.host = g_strdup ("local host");
}

static void
spoil_tcp_port (TendInventoryCheck *spec)
{
  spec->params.tcp.port = 70000;
}

static void
spoil_redis_port (TendInventoryCheck *spec)
{
  spec->params.redis.port = 0;
}

static void
spoil_password_env (TendInventoryCheck *spec)
{
  spec->params.redis.password_env = g_strdup ("hunter2");
}

static void
spoil_redis_memory (TendInventoryCheck *spec)
{
  spec->params.redis.critical_memory_bytes = -2;
}

static void
spoil_redis_clients (TendInventoryCheck *spec)
{
  spec->params.redis.max_clients = 10;
  spec->params.redis.critical_clients = 3;
}

static void
spoil_redis_latency (TendInventoryCheck *spec)
{
  spec->params.redis.max_latency_usec = 50 * MS;
  spec->params.redis.critical_latency_usec = 50 * MS;
}

static void
spoil_argv_relative (TendInventoryCheck *spec)
{
  set_argv (spec, "check_http", "-H", "x", NULL);
}

static void
spoil_argv_missing (TendInventoryCheck *spec)
{
  set_argv (spec, "/nonexistent/check_tend", NULL);
}

static void
spoil_argv_empty (TendInventoryCheck *spec)
{
  set_argv (spec, NULL);
}

static void
spoil_unit_template (TendInventoryCheck *spec)
{
  g_free (spec->unit);
  spec->unit = g_strdup ("getty@.service");
}

static void
spoil_memory_order (TendInventoryCheck *spec)
{
  spec->params.resources.memory_warn_bytes = 2000;
  spec->params.resources.memory_critical_bytes = 1000;
}

static void
spoil_cpu (TendInventoryCheck *spec)
{
  spec->params.resources.cpu_critical_percent = -5.0;
}

static void
spoil_tasks (TendInventoryCheck *spec)
{
  spec->params.resources.tasks_warn = 0;
}

static const BadCase bad_cases[] = {
  { "timing/interval", TEND_INVENTORY_CHECK_UNIT, spoil_interval,
    "interval: 500ms is under the minimum of 1s" },
  { "timing/timeout", TEND_INVENTORY_CHECK_UNIT, spoil_timeout,
    "timeout: 30s must be above 0 and below the interval (30s)" },
  { "timing/interval-negative", TEND_INVENTORY_CHECK_UNIT, spoil_interval_negative,
    "interval: -1s is negative" },
  { "timing/failures", TEND_INVENTORY_CHECK_UNIT, spoil_failures,
    "failures_before_hard: 0 is outside 1..100" },
  { "timing/successes", TEND_INVENTORY_CHECK_UNIT, spoil_successes,
    "successes_before_recovered: 101 is outside 1..100" },
  { "timing/startup-grace", TEND_INVENTORY_CHECK_UNIT, spoil_grace,
    "startup_grace: -1s 500ms is negative" },
  { "http/url", TEND_INVENTORY_CHECK_HTTP, spoil_url,
    "url: \"ftp://example.com/\" is not an http or https URL" },
  { "http/url-missing", TEND_INVENTORY_CHECK_HTTP, spoil_url_missing,
    "url: \"\" is not an http or https URL" },
  { "http/method", TEND_INVENTORY_CHECK_HTTP, spoil_method,
    "method: \"7\" is not one of GET, HEAD, POST" },
  { "http/expect-status", TEND_INVENTORY_CHECK_HTTP, spoil_status,
    "expect_status: accepted-status: \"700\" is not an HTTP status code (100–599)" },
  { "http/expect-status-empty", TEND_INVENTORY_CHECK_HTTP, spoil_status_empty,
    "expect_status: accepted-status: is empty; give one or more, separated by commas, of "
    "a status code (100–599), a range such as 200-399 or a class such as 2xx" },
  { "http/body-head", TEND_INVENTORY_CHECK_HTTP, spoil_body_head,
    "body_contains: expect-body: a HEAD request gets no body to search; set the method to "
    "GET or POST first" },
  { "http/latency", TEND_INVENTORY_CHECK_HTTP, spoil_latency,
    "latency_degraded: latency-threshold: must not be negative (0 turns it off)" },
  { "tcp/host", TEND_INVENTORY_CHECK_TCP, spoil_tcp_host,
    "host: \"local host\" is not a host name or an IP address" },
  { "tcp/port", TEND_INVENTORY_CHECK_TCP, spoil_tcp_port,
    "port: 70000 is outside 1..65535" },
  { "redis/port", TEND_INVENTORY_CHECK_REDIS, spoil_redis_port,
    "port: 0 is outside 1..65535" },
  { "redis/password-env", TEND_INVENTORY_CHECK_REDIS, spoil_password_env,
    "password_env: password-env: \"hunter2\" contains \"h\"; it holds the NAME of the "
    "environment variable that holds the password, never the password itself: 1 to 128 of "
    "A-Z, 0-9 and \"_\", not starting with a digit" },
  { "redis/memory", TEND_INVENTORY_CHECK_REDIS, spoil_redis_memory,
    "critical_memory_bytes: memory-critical: -2 is negative; give 0 or more, or -1 for no "
    "limit" },
  { "redis/clients", TEND_INVENTORY_CHECK_REDIS, spoil_redis_clients,
    "max_clients: clients-warn: 10 must be below clients-critical (3)" },
  { "redis/latency", TEND_INVENTORY_CHECK_REDIS, spoil_redis_latency,
    "max_latency: latency-warn: 50000 must be below latency-critical (50000)" },
  { "command/relative", TEND_INVENTORY_CHECK_COMMAND, spoil_argv_relative,
    "argv[0]: \"check_http\" is not an absolute path" },
  { "command/missing", TEND_INVENTORY_CHECK_COMMAND, spoil_argv_missing,
    "argv[0]: /nonexistent/check_tend does not exist" },
  { "command/empty", TEND_INVENTORY_CHECK_COMMAND, spoil_argv_empty,
    "argv: must not be empty" },
  { "unit/template", TEND_INVENTORY_CHECK_UNIT, spoil_unit_template,
    "unit: \"getty@.service\" is a template; name one of its instances" },
  { "resources/memory", TEND_INVENTORY_CHECK_RESOURCES, spoil_memory_order,
    "memory_warn_bytes: memory-warn: 2000 bytes must be below memory-critical (1000 bytes)" },
  { "resources/cpu", TEND_INVENTORY_CHECK_RESOURCES, spoil_cpu,
    "cpu_critical_percent: cpu-critical: -5 is not a percentage above 0 (0 for none)" },
  { "resources/tasks", TEND_INVENTORY_CHECK_RESOURCES, spoil_tasks,
    "tasks_warn: 0 is below 1; leave it unset for no threshold" },
};

static void
test_bad (gconstpointer data)
{
  const BadCase *c = data;
  g_autoptr(TendInventoryCheck) spec = spec_valid (c->kind);
  g_autoptr(TendHost) host = tend_host_new_local (TEND_HOST_SCOPE_USER);
  g_autoptr(TendCheck) check = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;

  /* Only the spoilt field is wrong */
  check = tend_check_new_from_inventory (spec, host, &error);
  g_assert_no_error (error);
  g_clear_object (&check);

  c->spoil (spec);
  expected = g_strdup_printf ("check 'c' of %s on local: %s", spec->unit, c->message);
  check = tend_check_new_from_inventory (spec, host, &error);
  g_assert_null (check);
  g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==, expected);

  /* The same without a place for the error */
  g_assert_null (tend_check_new_from_inventory (spec, host, NULL));

  /* The inventory's validator agrees, with the same message after the check's name */
  g_clear_error (&error);
  g_assert_false (tend_check_validate_spec (spec, TEND_HOST_KIND_LOCAL, &error));
  g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==, c->message);
}

/* The kinds that watch a unit need the host it lives on. */
static void
test_no_host (void)
{
  g_autoptr(TendInventoryCheck) unit = tend_inventory_check_new ("web1", "nginx.service", "state",
                                                                 TEND_INVENTORY_CHECK_UNIT);
  g_autoptr(TendInventoryCheck) resources =
    tend_inventory_check_new ("web1", "nginx.service", "memory", TEND_INVENTORY_CHECK_RESOURCES);
  g_autoptr(GError) error = NULL;

  g_assert_null (tend_check_new_from_inventory (unit, NULL, &error));
  g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==, "check 'state' of nginx.service on web1: a unit check "
                   "needs the host the service lives on, and none was given");
  g_clear_error (&error);

  g_assert_null (tend_check_new_from_inventory (resources, NULL, &error));
  g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==, "check 'memory' of nginx.service on web1: a resources "
                   "check needs the host the service lives on, and none was given");
}

/* A kind that is none of them, in a spec made by hand */
static void
test_bad_kind (void)
{
  g_autoptr(TendInventoryCheck) spec = tend_inventory_check_new ("local", "web.service", "c",
                                                                 TEND_INVENTORY_CHECK_UNIT);
  g_autoptr(GError) error = NULL;

  /* A unit check has no parameters to free, whatever the kind says meanwhile. */
  spec->kind = 42;
  g_assert_null (tend_check_new_from_inventory (spec, NULL, &error));
  spec->kind = TEND_INVENTORY_CHECK_UNIT;
  g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==,
                   "check 'c' of web.service on local: kind: 42 is not a kind of check");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/check-factory/http", test_http);
  g_test_add_func ("/check-factory/tcp", test_tcp);
  g_test_add_func ("/check-factory/redis", test_redis);
  g_test_add_func ("/check-factory/command", test_command);
  g_test_add_func ("/check-factory/unit", test_unit);
  g_test_add_func ("/check-factory/resources", test_resources);
  g_test_add_func ("/check-factory/full-inventory", test_full_inventory);
  g_test_add_func ("/check-factory/no-host", test_no_host);
  g_test_add_func ("/check-factory/bad-kind", test_bad_kind);
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *path = g_strconcat ("/check-factory/bad/", bad_cases[i].path, NULL);

      g_test_add_data_func (path, &bad_cases[i], test_bad);
    }

  return g_test_run ();
}
