/* tend-inventory-params.c — the parameters of each kind of check: their field tables and
 * rules
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A check's "params" object holds the fields of its kind: http, tcp, redis, command or
 * resources (a unit check has none). tend-inventory-read.c reads them, for a whole file
 * and, from the store, on their own with tend_inventory_check_set_params_from_json().
 */

#define G_LOG_DOMAIN "Tend-Inventory"

#include "tend-inventory-private.h"

#include <math.h>
#include <string.h>

#include "tend-duration.h"
#include "tend-redis-check.h"
#include "tend-util-private.h"

#define TEXT_MAX_LEN 4096
#define URL_MAX_LEN  2048
#define ENV_MAX_LEN  128
#define ARGV_MAX     256

/* Durations in the tables */
#define MSECS(n) ((n) * TEND_USEC_PER_MSEC)
#define MINS(n)  ((n) * TEND_USEC_PER_MIN)


/* Rules for strings (see TendInventoryStringRule) */

static gboolean
is_env_char (char c)
{
  return g_ascii_isupper (c) || g_ascii_isdigit (c) || c == '_';
}

static gboolean
rule_env_name (const char *value,
               guint       i,
               GString    *reason)
{
  static const char rule[] = "it holds the NAME of the environment variable that holds the "
                             "password, never the password itself: 1 to 128 of A-Z, 0-9 and "
                             "\"_\", not starting with a digit";

  if (!tend_inventory_rule_chars (value, is_env_char, ENV_MAX_LEN, rule, reason))
    return FALSE;

  if (g_ascii_isdigit (value[0]))
    {
      g_autofree char *quoted = tend_quote_for_message (value, -1);

      g_string_append_printf (reason, "%s starts with a digit; %s", quoted, rule);
      return FALSE;
    }

  return TRUE;
}

static gboolean
rule_text (const char *value,
           guint       i,
           GString    *reason)
{
  g_autofree char *quoted = tend_quote_for_message (value, -1);
  gsize len = strlen (value);

  if (len == 0)
    {
      g_string_append (reason, "\"\" is empty; leave the key out or set it to null");
      return FALSE;
    }

  if (len > TEXT_MAX_LEN)
    {
      g_string_append_printf (reason, "%s is %" G_GSIZE_FORMAT " bytes long; at most %d are "
                              "allowed", quoted, len, TEXT_MAX_LEN);
      return FALSE;
    }

  return TRUE;
}

static gboolean
rule_url (const char *value,
          guint       i,
          GString    *reason)
{
  g_autofree char *quoted = tend_quote_for_message (value, -1);
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) error = NULL;
  const char *scheme;
  const char *host;

  if (strlen (value) > URL_MAX_LEN)
    {
      g_string_append_printf (reason, "%s is longer than %d characters", quoted, URL_MAX_LEN);
      return FALSE;
    }

  for (const char *p = value; *p != '\0'; p++)
    {
      if ((guchar) *p <= ' ' || (guchar) *p >= 0x7f)
        {
          g_string_append_printf (reason, "%s contains a space, a control character or a "
                                  "character that is not ASCII; write those %%-encoded", quoted);
          return FALSE;
        }
    }

  uri = g_uri_parse (value, G_URI_FLAGS_NONE, &error);
  if (uri == NULL)
    {
      g_string_append_printf (reason, "%s is not a URL: %s", quoted, error->message);
      return FALSE;
    }

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    {
      g_string_append_printf (reason, "%s is not an http or https URL", quoted);
      return FALSE;
    }

  host = g_uri_get_host (uri);
  if (host == NULL || (!g_hostname_is_ip_address (host) && !tend_inventory_is_host_name (host)))
    {
      g_string_append_printf (reason, "%s has no valid host", quoted);
      return FALSE;
    }

  if (g_uri_get_userinfo (uri) != NULL)
    {
      g_string_append_printf (reason, "%s holds a user name or password; Tend stores no "
                              "secrets, so a URL may hold neither", quoted);
      return FALSE;
    }

  return TRUE;
}

static gboolean
rule_argv (const char *value,
           guint       i,
           GString    *reason)
{
  g_autofree char *quoted = tend_quote_for_message (value, -1);

  if (*value == '\0')
    {
      g_string_append (reason, "\"\" is empty; no argument may be empty");
      return FALSE;
    }

  if (strlen (value) > TEXT_MAX_LEN)
    {
      g_string_append_printf (reason, "%s is longer than %d bytes", quoted, TEXT_MAX_LEN);
      return FALSE;
    }

  if (i == 0 && value[0] != '/')
    {
      g_string_append_printf (reason, "%s is not an absolute path; the program is run without "
                              "a shell or a search path, so give its full path, such as "
                              "\"/usr/lib/nagios/plugins/check_http\"", quoted);
      return FALSE;
    }

  return TRUE;
}

/* Field tables */

#define TABLE(fields) { fields, G_N_ELEMENTS (fields) }
#define AT(type, member) G_STRUCT_OFFSET (type, member)

static const TendInventoryField http_fields[] = {
  { "method", TEND_INVENTORY_FIELD_ENUM, 0, AT (TendInventoryCheck, params.http.method),
    .enum_type = tend_inventory_http_method_get_type, .def = TEND_INVENTORY_HTTP_GET,
    .desc = "The request's method", .option = "--method" },
  { "url", TEND_INVENTORY_FIELD_STRING, TEND_INVENTORY_FIELD_REQUIRED,
    AT (TendInventoryCheck, params.http.url), .rule = rule_url,
    .desc = "The URL asked",
    .accepts = "an `http://` or `https://` URL with a host, at most 2048 characters, no "
               "spaces, control or non-ASCII characters (percent-encode them), no user or "
               "password", .option = "--url" },
  { "expect_status", TEND_INVENTORY_FIELD_INT_LIST, TEND_INVENTORY_FIELD_SET,
    AT (TendInventoryCheck, params.http.expect_status), .min = 100, .max = 599, .min_count = 1,
    .max_count = 500, .def = 200,
    .desc = "The status codes that pass", .option = "--expect-status (200,301-399)" },
  { "body_contains", TEND_INVENTORY_FIELD_STRING, TEND_INVENTORY_FIELD_NULLABLE,
    AT (TendInventoryCheck, params.http.body_contains), .rule = rule_text,
    .desc = "A text the answer's body must contain", .accepts = "1 to 4096 bytes",
    .option = "--body-contains" },
  { "verify_tls", TEND_INVENTORY_FIELD_BOOL, 0, AT (TendInventoryCheck, params.http.verify_tls),
    .def = TRUE,
    .desc = "Whether the server's certificate is checked",
    .option = "--no-verify-tls (sets false)" },
  { "latency_degraded", TEND_INVENTORY_FIELD_DURATION, TEND_INVENTORY_FIELD_NULLABLE,
    AT (TendInventoryCheck, params.http.latency_degraded_usec), .min = MSECS (1),
    .max = MINS (10),
    .desc = "A slower answer is degraded; not set, none is",
    .accepts = "below the check's `timeout` (`tendctl` gives the setting only where it is)",
    .config_key = "checks.http-latency-degraded", .option = "--latency-degraded" },
};

static const TendInventoryField tcp_fields[] = {
  { "host", TEND_INVENTORY_FIELD_STRING, TEND_INVENTORY_FIELD_REQUIRED,
    AT (TendInventoryCheck, params.tcp.host), .rule = tend_inventory_rule_address,
    .desc = "The host to connect to", .accepts = "a host name or IP address, as a host's "
    "`address`", .option = "--address" },
  { "port", TEND_INVENTORY_FIELD_INT, TEND_INVENTORY_FIELD_REQUIRED,
    AT (TendInventoryCheck, params.tcp.port), .min = 1, .max = 65535,
    .desc = "The port to connect to", .option = "--port" },
  { "send", TEND_INVENTORY_FIELD_STRING, TEND_INVENTORY_FIELD_NULLABLE,
    AT (TendInventoryCheck, params.tcp.send), .rule = rule_text,
    .desc = "What is sent once connected (`\"PING\\r\\n\"`)", .accepts = "1 to 4096 bytes",
    .option = "--send" },
  { "expect", TEND_INVENTORY_FIELD_STRING, TEND_INVENTORY_FIELD_NULLABLE,
    AT (TendInventoryCheck, params.tcp.expect), .rule = rule_text,
    .desc = "A text the answer must contain", .accepts = "1 to 4096 bytes", .option = "--expect" },
};

static const TendInventoryField redis_fields[] = {
  { "host", TEND_INVENTORY_FIELD_STRING, 0, AT (TendInventoryCheck, params.redis.host),
    .sdef = "127.0.0.1", .rule = tend_inventory_rule_address,
    .desc = "The Redis server's host", .accepts = "a host name or IP address",
    .option = "--address" },
  { "port", TEND_INVENTORY_FIELD_INT, 0, AT (TendInventoryCheck, params.redis.port), .min = 1,
    .max = 65535, .def = 6379, .desc = "The Redis server's port", .option = "--port" },
  { "password_env", TEND_INVENTORY_FIELD_STRING, TEND_INVENTORY_FIELD_NULLABLE,
    AT (TendInventoryCheck, params.redis.password_env), .rule = rule_env_name,
    .desc = "The NAME of the environment variable that holds the password, never the password",
    .accepts = "1 to 128 of `A-Z 0-9 _`, not starting with a digit",
    .option = "--password-env" },
  /* Degraded ("max_") and critical limits; the range of counts is the check's. */
  { "max_memory_bytes", TEND_INVENTORY_FIELD_INT64, TEND_INVENTORY_FIELD_NULLABLE,
    AT (TendInventoryCheck, params.redis.max_memory_bytes), .min = TEND_REDIS_CHECK_MIN_LIMIT,
    .max = TEND_INVENTORY_NO_MAX,
    .desc = "More `used_memory` is degraded", .unit = "bytes",
    .option = "--max-memory (512M, 2G)" },
  { "critical_memory_bytes", TEND_INVENTORY_FIELD_INT64, TEND_INVENTORY_FIELD_NULLABLE,
    AT (TendInventoryCheck, params.redis.critical_memory_bytes),
    .min = TEND_REDIS_CHECK_MIN_LIMIT, .max = TEND_INVENTORY_NO_MAX,
    .desc = "More `used_memory` is critical", .accepts = "above `max_memory_bytes`",
    .unit = "bytes", .option = "--critical-memory" },
  { "max_clients", TEND_INVENTORY_FIELD_INT64, TEND_INVENTORY_FIELD_NULLABLE,
    AT (TendInventoryCheck, params.redis.max_clients), .min = TEND_REDIS_CHECK_MIN_LIMIT,
    .max = TEND_INVENTORY_NO_MAX,
    .desc = "More `connected_clients` (the check's own connection counts) is degraded",
    .option = "--max-clients" },
  { "critical_clients", TEND_INVENTORY_FIELD_INT64, TEND_INVENTORY_FIELD_NULLABLE,
    AT (TendInventoryCheck, params.redis.critical_clients), .min = TEND_REDIS_CHECK_MIN_LIMIT,
    .max = TEND_INVENTORY_NO_MAX,
    .desc = "More `connected_clients` is critical", .accepts = "above `max_clients`",
    .option = "--critical-clients" },
  { "max_latency", TEND_INVENTORY_FIELD_DURATION, TEND_INVENTORY_FIELD_NULLABLE,
    AT (TendInventoryCheck, params.redis.max_latency_usec), .min = MSECS (1), .max = MINS (10),
    .desc = "A slower `PING` is degraded", .accepts = "below the check's `timeout`",
    .option = "--max-latency" },
  { "critical_latency", TEND_INVENTORY_FIELD_DURATION, TEND_INVENTORY_FIELD_NULLABLE,
    AT (TendInventoryCheck, params.redis.critical_latency_usec), .min = MSECS (1),
    .max = MINS (10),
    .desc = "A slower `PING` is critical",
    .accepts = "above `max_latency`, below the check's `timeout`",
    .option = "--critical-latency" },
};

static const TendInventoryField command_fields[] = {
  { "argv", TEND_INVENTORY_FIELD_STRV, TEND_INVENTORY_FIELD_REQUIRED,
    AT (TendInventoryCheck, params.command.argv), .min_count = 1, .max_count = ARGV_MAX,
    .rule = rule_argv,
    .desc = "The program and its arguments, run without a shell or a search path: exit 0 is "
            "healthy, 1 degraded, 2 critical, anything else unknown",
    .accepts = "none empty, each at most 4096 bytes; `argv[0]` an absolute path (on a `local` "
               "host, of an executable file)", .option = "-- PROGRAM [ARG…]" },
};

static const TendInventoryField resources_fields[] = {
  { "memory_warn_bytes", TEND_INVENTORY_FIELD_INT64, TEND_INVENTORY_FIELD_NULLABLE,
    AT (TendInventoryCheck, params.resources.memory_warn_bytes), .min = 1,
    .max = TEND_INVENTORY_NO_MAX,
    .desc = "More memory is a warning", .unit = "bytes", .option = "--memory-warn (512M, 2G)" },
  { "memory_critical_bytes", TEND_INVENTORY_FIELD_INT64, TEND_INVENTORY_FIELD_NULLABLE,
    AT (TendInventoryCheck, params.resources.memory_critical_bytes), .min = 1,
    .max = TEND_INVENTORY_NO_MAX,
    .desc = "More memory is critical", .accepts = "above `memory_warn_bytes`", .unit = "bytes",
    .option = "--memory-critical" },
  { "cpu_warn_percent", TEND_INVENTORY_FIELD_DOUBLE, TEND_INVENTORY_FIELD_NULLABLE,
    AT (TendInventoryCheck, params.resources.cpu_warn_percent), .dmin = 0.0, .dmax = INFINITY,
    .desc = "More CPU is a warning", .unit = "percent of one CPU", .option = "--cpu-warn" },
  { "cpu_critical_percent", TEND_INVENTORY_FIELD_DOUBLE, TEND_INVENTORY_FIELD_NULLABLE,
    AT (TendInventoryCheck, params.resources.cpu_critical_percent), .dmin = 0.0, .dmax = INFINITY,
    .desc = "More CPU is critical", .accepts = "above `cpu_warn_percent`",
    .unit = "percent of one CPU", .option = "--cpu-critical" },
  { "tasks_warn", TEND_INVENTORY_FIELD_INT64, TEND_INVENTORY_FIELD_NULLABLE,
    AT (TendInventoryCheck, params.resources.tasks_warn), .min = 1, .max = TEND_INVENTORY_NO_MAX,
    .desc = "More tasks (processes and threads) is a warning", .option = "--tasks-warn" },
  { "tasks_critical", TEND_INVENTORY_FIELD_INT64, TEND_INVENTORY_FIELD_NULLABLE,
    AT (TendInventoryCheck, params.resources.tasks_critical), .min = 1,
    .max = TEND_INVENTORY_NO_MAX,
    .desc = "More tasks is critical", .accepts = "above `tasks_warn`",
    .option = "--tasks-critical" },
};

static const TendInventoryFieldTable params_tables[] = {
  [TEND_INVENTORY_CHECK_UNIT] = { NULL, 0 },
  [TEND_INVENTORY_CHECK_HTTP] = TABLE (http_fields),
  [TEND_INVENTORY_CHECK_TCP] = TABLE (tcp_fields),
  [TEND_INVENTORY_CHECK_REDIS] = TABLE (redis_fields),
  [TEND_INVENTORY_CHECK_COMMAND] = TABLE (command_fields),
  [TEND_INVENTORY_CHECK_RESOURCES] = TABLE (resources_fields),
};

const TendInventoryFieldTable *
tend_inventory_params_table (int kind)
{
  if (kind < 0 || kind >= (int) G_N_ELEMENTS (params_tables))
    return NULL;

  return &params_tables[kind];
}

