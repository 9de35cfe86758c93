/* tend-check-factory.c — a running check made from an inventory's check
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The inventory says what to check (TendInventoryCheck, validated with the rules of the
 * file format); the check classes do the checking and have rules of their own. This
 * file turns the one into the other: it makes the check of the spec's kind, sets every
 * field through the class's own setters, and lets their validation speak. Each error
 * names the check, then the inventory's key, then says what the check class said:
 * "check 'http' of web.service on local: expect_status: accepted-status: \"700\" is not
 * an HTTP status code (100–599)". Where the class already names the field as the file
 * does ("url: ..."), the key is not repeated.
 */
#define G_LOG_DOMAIN "Tend-Checks"

#include "tend-check-factory.h"

#include <string.h>

#include "tend-check-private.h"
#include "tend-command-check.h"
#include "tend-error.h"
#include "tend-host.h"
#include "tend-http-check.h"
#include "tend-inventory-private.h"
#include "tend-redis-check.h"
#include "tend-resources-check.h"
#include "tend-tcp-check.h"
#include "tend-unit-check.h"

/* ------------------------------------------------------------------------------------ */
/* Errors                                                                                */

/* Puts the inventory's @key before the check class's message in @error, unless the
 * message starts with it already ("url: ...", "argv[0]: ..."). Returns %FALSE. */
static gboolean
field_error (GError     **error,
             const char  *key)
{
  const char *message;
  gsize len = strlen (key);

  g_assert (error != NULL && *error != NULL);

  message = (*error)->message;
  if (strncmp (message, key, len) != 0 || (message[len] != ':' && message[len] != '['))
    g_prefix_error (error, "%s: ", key);
  return FALSE;
}

/* As field_error() for a pair of limits set together: the key is that of the limit the
 * class's message starts with, @critical_label ("memory-critical") or the other. */
static gboolean
pair_error (GError     **error,
            const char  *critical_label,
            const char  *warn_key,
            const char  *critical_key)
{
  gsize len = strlen (critical_label);
  gboolean critical;

  g_assert (error != NULL && *error != NULL);

  critical = strncmp ((*error)->message, critical_label, len) == 0 &&
             (*error)->message[len] == ':';
  return field_error (error, critical ? critical_key : warn_key);
}

/* ------------------------------------------------------------------------------------ */
/* What every kind shares                                                                */

/* A count of the base class (failures-before-hard ...), in its property's range. */
static gboolean
set_count (TendCheck   *check,
           const char  *property,
           const char  *key,
           int          value,
           GError     **error)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (check), property);
  GParamSpecUInt *range = G_PARAM_SPEC_UINT (pspec);

  if (value < 0 || (guint) value < range->minimum || (guint) value > range->maximum)
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT, "%s: %d is outside %u..%u",
                   key, value, range->minimum, range->maximum);
      return FALSE;
    }

  g_object_set (check, property, (guint) value, NULL);
  return TRUE;
}

/* tend_check_set_timing() formats what it refuses, and only knows durations of 0 or
 * more: the negative ones are refused here. */
static gboolean
duration_not_negative (gint64       usec,
                       const char  *key,
                       GError     **error)
{
  g_autofree char *text = NULL;

  if (usec >= 0)
    return TRUE;

  text = tend_inventory_format_duration (usec);
  g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT, "%s: %s is negative", key, text);
  return FALSE;
}

static gboolean
apply_common (TendCheck                 *check,
              const TendInventoryCheck  *spec,
              GError                   **error)
{
  if (!duration_not_negative (spec->interval_usec, "interval", error) ||
      !duration_not_negative (spec->timeout_usec, "timeout", error) ||
      !duration_not_negative (spec->startup_grace_usec, "startup_grace", error))
    return FALSE;

  /* Its messages start with "interval: " or "timeout: ", the file's keys. */
  if (!tend_check_set_timing (check, spec->interval_usec, spec->timeout_usec, error))
    return FALSE;

  if (!set_count (check, "failures-before-hard", "failures_before_hard",
                  spec->failures_before_hard, error) ||
      !set_count (check, "successes-before-recovered", "successes_before_recovered",
                  spec->successes_before_recovered, error))
    return FALSE;

  g_object_set (check,
                "startup-grace", spec->startup_grace_usec,
                "enabled", !!spec->enabled,
                NULL);
  return TRUE;
}

/* ------------------------------------------------------------------------------------ */
/* The kinds                                                                             */

/* "200,204" from the inventory's list, for tend_http_check_set_accepted_status(); an
 * empty text for an empty list, which the check refuses. */
static char *
accepted_status_text (GArray *codes)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; codes != NULL && i < codes->len; i++)
    g_string_append_printf (text, "%s%d", i > 0 ? "," : "", g_array_index (codes, int, i));
  return g_string_free (text, FALSE);
}

/* Each kind is made in two steps: its constructor, with what it requires, then its
 * setters for the rest. */

/* A check of a kind that asks its host at run time, made without one: only to be
 * validated by tend_check_validate_spec(), never run. */
static TendCheck *
new_hostless (GType                      type,
              const TendInventoryCheck  *spec,
              GError                   **error)
{
  if (!tend_check_validate_unit (spec->unit, error))
    return NULL;
  return g_object_new (type, "name", spec->name, "unit", spec->unit, NULL);
}

static TendCheck *
new_unit (const TendInventoryCheck  *spec,
          TendHost                  *host,
          GError                   **error)
{
  if (host == NULL)
    return new_hostless (TEND_TYPE_UNIT_CHECK, spec, error);
  return tend_unit_check_new (spec->name, host, spec->unit, error);
}

static TendCheck *
new_http (const TendInventoryCheck  *spec,
          TendHost                  *host,
          GError                   **error)
{
  const char *url = spec->params.http.url;

  /* The check's own message for a missing URL is that for an empty one. */
  return TEND_CHECK (tend_http_check_new (spec->name, url != NULL ? url : "", error));
}

static gboolean
set_http (TendCheck                 *check,
          const TendInventoryCheck  *spec,
          GError                   **error)
{
  static const char * const methods[] = {
    [TEND_INVENTORY_HTTP_GET] = "GET",
    [TEND_INVENTORY_HTTP_HEAD] = "HEAD",
    [TEND_INVENTORY_HTTP_POST] = "POST",
  };
  const TendInventoryHttpParams *params = &spec->params.http;
  TendHttpCheck *http = TEND_HTTP_CHECK (check);
  g_autofree char *method = NULL;
  g_autofree char *accepted = NULL;
  gint64 latency;

  /* A method that is none of these reaches the check as its number, to be refused. */
  if ((guint) params->method < G_N_ELEMENTS (methods))
    method = g_strdup (methods[params->method]);
  else
    method = g_strdup_printf ("%d", (int) params->method);
  if (!tend_http_check_set_method (http, method, error))
    return field_error (error, "method");

  accepted = accepted_status_text (params->expect_status);
  if (!tend_http_check_set_accepted_status (http, accepted, error))
    return field_error (error, "expect_status");

  if (!tend_http_check_set_expect_body (http, params->body_contains, error))
    return field_error (error, "body_contains");

  tend_http_check_set_verify_tls (http, params->verify_tls);

  /* Not set is never degraded: the check's 0. */
  latency = params->latency_degraded_usec == TEND_INVENTORY_UNSET
            ? 0 : params->latency_degraded_usec;
  if (!tend_http_check_set_latency_threshold (http, latency, error))
    return field_error (error, "latency_degraded");

  return TRUE;
}

static TendCheck *
new_tcp (const TendInventoryCheck  *spec,
         TendHost                  *host,
         GError                   **error)
{
  const TendInventoryTcpParams *params = &spec->params.tcp;

  return tend_tcp_check_new (spec->name, params->host, (guint) params->port, error);
}

static gboolean
set_tcp (TendCheck                 *check,
         const TendInventoryCheck  *spec,
         GError                   **error)
{
  const TendInventoryTcpParams *params = &spec->params.tcp;
  g_autoptr(GBytes) send = NULL;

  if (params->send != NULL)
    send = g_bytes_new (params->send, strlen (params->send));
  tend_tcp_check_set_send (TEND_TCP_CHECK (check), send);
  tend_tcp_check_set_expect (TEND_TCP_CHECK (check), params->expect);
  return TRUE;
}

static TendCheck *
new_redis (const TendInventoryCheck  *spec,
           TendHost                  *host,
           GError                   **error)
{
  const TendInventoryRedisParams *params = &spec->params.redis;

  return tend_redis_check_new (spec->name, params->host, (guint) params->port, error);
}

/* The inventory's "not set" is the check's "no limit". */
static gint64
redis_limit (gint64 value)
{
  return value == TEND_INVENTORY_UNSET ? TEND_REDIS_CHECK_NO_LIMIT : value;
}

static gboolean
set_redis (TendCheck                 *check,
           const TendInventoryCheck  *spec,
           GError                   **error)
{
  const TendInventoryRedisParams *params = &spec->params.redis;
  TendRedisCheck *redis = TEND_REDIS_CHECK (check);

  if (!tend_redis_check_set_password_env (redis, params->password_env, error))
    return field_error (error, "password_env");

  if (!tend_redis_check_set_memory_limits (redis, redis_limit (params->max_memory_bytes),
                                           redis_limit (params->critical_memory_bytes), error))
    return pair_error (error, "memory-critical", "max_memory_bytes", "critical_memory_bytes");

  if (!tend_redis_check_set_clients_limits (redis, redis_limit (params->max_clients),
                                            redis_limit (params->critical_clients), error))
    return pair_error (error, "clients-critical", "max_clients", "critical_clients");

  if (!tend_redis_check_set_latency_limits (redis, redis_limit (params->max_latency_usec),
                                            redis_limit (params->critical_latency_usec), error))
    return pair_error (error, "latency-critical", "max_latency", "critical_latency");

  return TRUE;
}

static TendCheck *
new_command (const TendInventoryCheck  *spec,
             TendHost                  *host,
             GError                   **error)
{
  /* On an SSH host it runs there, and its program is there, not here. */
  return tend_command_check_new_for_host (spec->name,
                                          (const char * const *) spec->params.command.argv,
                                          host, error);
}

static TendCheck *
new_resources (const TendInventoryCheck  *spec,
               TendHost                  *host,
               GError                   **error)
{
  if (host == NULL)
    return new_hostless (TEND_TYPE_RESOURCES_CHECK, spec, error);
  return tend_resources_check_new (spec->name, host, spec->unit, error);
}

/* A count threshold of the resources check, where 0 is none: the inventory's "not set",
 * and nothing below 1 besides. */
static gboolean
resources_count (gint64       value,
                 const char  *key,
                 guint64     *threshold,
                 GError     **error)
{
  if (value == TEND_INVENTORY_UNSET)
    {
      *threshold = 0;
      return TRUE;
    }
  if (value < 1)
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   "%s: %" G_GINT64_FORMAT " is below 1; leave it unset for no threshold", key,
                   value);
      return FALSE;
    }
  *threshold = (guint64) value;
  return TRUE;
}

static double
resources_percent (double value)
{
  return value == TEND_INVENTORY_UNSET ? 0.0 : value;
}

static gboolean
set_resources (TendCheck                 *check,
               const TendInventoryCheck  *spec,
               GError                   **error)
{
  const TendInventoryResourcesParams *params = &spec->params.resources;
  TendResourcesCheck *resources = TEND_RESOURCES_CHECK (check);
  guint64 warn;
  guint64 critical;

  if (!resources_count (params->memory_warn_bytes, "memory_warn_bytes", &warn, error) ||
      !resources_count (params->memory_critical_bytes, "memory_critical_bytes", &critical,
                        error))
    return FALSE;
  if (!tend_resources_check_set_memory_thresholds (resources, warn, critical, error))
    return pair_error (error, "memory-critical", "memory_warn_bytes", "memory_critical_bytes");

  if (!tend_resources_check_set_cpu_thresholds (resources,
                                                resources_percent (params->cpu_warn_percent),
                                                resources_percent (params->cpu_critical_percent),
                                                error))
    return pair_error (error, "cpu-critical", "cpu_warn_percent", "cpu_critical_percent");

  if (!resources_count (params->tasks_warn, "tasks_warn", &warn, error) ||
      !resources_count (params->tasks_critical, "tasks_critical", &critical, error))
    return FALSE;
  if (!tend_resources_check_set_tasks_thresholds (resources, warn, critical, error))
    return pair_error (error, "tasks-critical", "tasks_warn", "tasks_critical");

  return TRUE;
}

typedef struct
{
  /* Makes the check with what its constructor requires */
  TendCheck * (*create)  (const TendInventoryCheck  *spec,
                          TendHost                  *host,
                          GError                   **error);
  /* (nullable) Sets the rest of the kind's parameters */
  gboolean    (*set)     (TendCheck                 *check,
                          const TendInventoryCheck  *spec,
                          GError                   **error);
  gboolean    needs_host;
} Kind;

static const Kind kinds[] = {
  [TEND_INVENTORY_CHECK_UNIT] = { new_unit, NULL, TRUE },
  [TEND_INVENTORY_CHECK_HTTP] = { new_http, set_http, FALSE },
  [TEND_INVENTORY_CHECK_TCP] = { new_tcp, set_tcp, FALSE },
  [TEND_INVENTORY_CHECK_REDIS] = { new_redis, set_redis, FALSE },
  [TEND_INVENTORY_CHECK_COMMAND] = { new_command, NULL, FALSE },
  [TEND_INVENTORY_CHECK_RESOURCES] = { new_resources, set_resources, TRUE },
};

/* @validating: the check is only made to be validated: a kind that needs a host is made
 * without one. */
static TendCheck *
new_check (const TendInventoryCheck  *spec,
           TendHost                  *host,
           gboolean                   validating,
           GError                   **error)
{
  const Kind *kind;
  g_autoptr(TendCheck) check = NULL;

  if ((guint) spec->kind >= G_N_ELEMENTS (kinds))
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   "kind: %d is not a kind of check", (int) spec->kind);
      return NULL;
    }

  kind = &kinds[spec->kind];
  if (kind->needs_host && host == NULL && !validating)
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   "a %s check needs the host the service lives on, and none was given",
                   tend_inventory_check_kind_to_string (spec->kind));
      return NULL;
    }

  check = kind->create (spec, host, error);
  if (check == NULL)
    return NULL;
  if (kind->set != NULL && !kind->set (check, spec, error))
    return NULL;
  if (!apply_common (check, spec, error))
    return NULL;

  /* A service on an SSH host is checked from there: its address checks through the
   * host's forward (a loopback address), its command checks on it; none runs while the
   * host is away. The unit and resources checks ask the host itself. */
  if (host != NULL && !kind->needs_host)
    tend_check_set_remote_host (check, host);

  return g_steal_pointer (&check);
}

/**
 * tend_check_new_from_inventory:
 * @spec: a check of an inventory
 * @host: (nullable): the host its service lives on; required by unit and resources
 *   checks, which ask it at run time (it need not be connected yet). On an SSH host the
 *   other kinds are checked from there: loopback addresses through its port forward,
 *   commands run on it, nothing while it is away (tend_check_set_remote_host())
 * @error: return location for a #GError
 *
 * Makes the check that @spec describes, of its kind, with its name, timing, counts,
 * startup grace, enabled flag and every parameter of its kind. The inventory's "not
 * set" becomes the check's "none" (an http check's latency threshold, a redis check's
 * limits, a resources check's thresholds).
 *
 * The check classes validate what they are given; a value they refuse — which a spec
 * read from a file can still hold, as a command's program that does not exist here —
 * fails the whole check with %TEND_ERROR_INVALID_ARGUMENT, naming the check and the
 * inventory's key: "check 'http' of web.service on local: url: ...". A unit or
 * resources check without @host is refused the same way.
 *
 * Returns: (transfer full) (nullable): the check, or %NULL with @error set
 */
TendCheck *
tend_check_new_from_inventory (const TendInventoryCheck  *spec,
                               TendHost                  *host,
                               GError                   **error)
{
  g_autoptr(GError) local_error = NULL;
  TendCheck *check;

  g_return_val_if_fail (spec != NULL, NULL);
  g_return_val_if_fail (spec->host != NULL, NULL);
  g_return_val_if_fail (spec->unit != NULL, NULL);
  g_return_val_if_fail (spec->name != NULL, NULL);
  g_return_val_if_fail (host == NULL || TEND_IS_HOST (host), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* A local error: the messages are read, to place the key, even when @error is NULL. */
  check = new_check (spec, host, FALSE, &local_error);
  if (check == NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "check '%s' of %s on %s: ",
                                  spec->name, spec->unit, spec->host);
      return NULL;
    }

  return check;
}

/**
 * tend_check_validate_spec:
 * @spec: a check of an inventory, valid by the rules of the file format
 * @host_kind: the kind of the host of its service
 * @error: return location for a #GError
 *
 * Says whether tend_check_new_from_inventory() would make the check that @spec
 * describes: it makes it, without a host, and lets every rule of the check class speak.
 * A command check on a local host runs here, so its program must be here to run
 * (argv[0] an executable regular file); one on an SSH host runs there, and is not
 * looked for here. This is the inventory's validator's (tend_inventory_validate_change())
 * last word on a check, so that no check is stored that the monitor would skip.
 *
 * Returns: whether the check can be made, or %FALSE with %TEND_ERROR_INVALID_ARGUMENT
 *   naming the inventory's key first: "argv[0]: \"/etc/passwd\" is not executable"
 */
gboolean
tend_check_validate_spec (const TendInventoryCheck  *spec,
                          TendHostKind               host_kind,
                          GError                   **error)
{
  g_autoptr(TendCheck) check = NULL;

  g_return_val_if_fail (spec != NULL, FALSE);
  g_return_val_if_fail (spec->unit != NULL && spec->name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* Its program is there, not here: only the form of argv is checked (and the backend
   * validates every argument again before it sends anything). */
  if (spec->kind == TEND_INVENTORY_CHECK_COMMAND && host_kind != TEND_HOST_KIND_LOCAL)
    {
      const char * const *argv = (const char * const *) spec->params.command.argv;

      if (argv == NULL || argv[0] == NULL || !g_path_is_absolute (argv[0]))
        {
          g_set_error_literal (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                               "argv[0]: must be an absolute path (on the remote host)");
          return FALSE;
        }
      return TRUE;
    }

  check = new_check (spec, NULL, TRUE, error);
  return check != NULL;
}
