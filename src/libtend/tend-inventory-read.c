/* tend-inventory-read.c — reading an inventory, stage 3: the tree against the field tables
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reads the tree that json-glib built from a text that passed tend-inventory-scan.c,
 * item by item (a check's parameters too), against the field tables, with the reading of
 * fields of tend-inventory-parser.c; collects every problem, each with its JSON path,
 * and checks the references between items (see tend-inventory.c).
 */

#define G_LOG_DOMAIN "Tend-Inventory"

#include "tend-inventory-private.h"

#include <math.h>
#include <string.h>

#include "tend-config.h"
#include "tend-duration.h"
#include "tend-error.h"
#include "tend-util-private.h"

#define CONFIG_KEY_MAX_LEN   128
#define CONFIG_VALUE_MAX_LEN 4096

/* Hosts */

static TendInventoryHost *
read_host (TendInventoryParser *p,
           JsonNode            *node)
{
  static const char * const ssh_only[] = { "address", "port", "user" };
  JsonObject *object = tend_inventory_expect_object (p, node);
  JsonNode *kind;
  TendInventoryHost *host;
  guint64 ok;

  if (object == NULL)
    return NULL;

  host = g_new0 (TendInventoryHost, 1);
  tend_inventory_fields_init (&tend_inventory_host_table, host);
  tend_inventory_report_unknown_keys (p, object, &tend_inventory_host_table, NULL, -1);

  /* What a local host cannot have is reported as that, not also for its value */
  kind = json_object_get_member (object, "kind");
  if (kind != NULL && tend_inventory_node_holds (kind, G_TYPE_STRING) &&
      strcmp (json_node_get_string (kind), "local") == 0)
    {
      for (guint i = 0; i < G_N_ELEMENTS (ssh_only); i++)
        {
          if (tend_inventory_member_is_set (object, ssh_only[i]))
            {
              tend_inventory_member_problem (p, ssh_only[i], "a local host has no %s; remove it, "
                                             "or make the host's kind \"ssh\"", ssh_only[i]);
              json_object_remove_member (object, ssh_only[i]);
            }
        }
    }

  ok = tend_inventory_read_fields (p, object, &tend_inventory_host_table, host);

  if (!tend_inventory_field_ok (ok, &tend_inventory_host_table, "kind"))
    return host;

  if (!json_object_has_member (object, "scope"))
    host->scope = tend_inventory_default_scope (host->kind);
  if (!json_object_has_member (object, "access"))
    host->access = tend_inventory_default_access (host->kind);

  if (host->kind == TEND_HOST_KIND_SSH)
    {
      if (!tend_inventory_member_is_set (object, "address"))
        tend_inventory_parser_problem (p, "required key \"address\" is missing; an ssh host needs "
                                       "one");
      /* No port: ~/.ssh/config's Port for the address, else 22, as ssh itself does. */
    }

  return host;
}

static void
read_hosts (TendInventoryParser *p,
            JsonArray           *array)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      gsize len = tend_inventory_path_push_index (p->path, i);
      TendInventoryHost *host = read_host (p, json_array_get_element (array, i));
      gpointer previous;

      if (host == NULL || host->name == NULL)
        p->hosts_complete = FALSE;
      else if ((previous = g_hash_table_lookup (p->hosts, host->name)) != NULL)
        {
          g_autofree char *quoted = tend_quote_for_message (host->name, -1);

          tend_inventory_member_problem (p, "name", "%s is already used by $.hosts[%u]", quoted,
                                         GPOINTER_TO_UINT (previous) - 1);
        }
      else
        g_hash_table_insert (p->hosts, g_strdup (host->name), GUINT_TO_POINTER (i + 1));

      if (host != NULL)
        g_ptr_array_add (p->inventory->hosts, host);
      g_string_truncate (p->path, len);
    }
}

/* References to services, from services, checks and policies */

/* Whether @host and @unit, read into @ok of @table, name a service of the file;
 * reports it when they do not.
 */
static gboolean
check_service_reference (TendInventoryParser           *p,
                         guint64                        ok,
                         const TendInventoryFieldTable *table,
                         const char                    *host,
                         const char                    *unit)
{
  g_autofree char *key = NULL;

  if (!tend_inventory_field_ok (ok, table, "host") || !tend_inventory_field_ok (ok, table, "unit"))
    return FALSE;

  key = tend_inventory_service_key (host, unit);
  if (p->services_complete && !g_hash_table_contains (p->services, key))
    {
      g_autofree char *quoted_unit = tend_quote_for_message (unit, -1);
      g_autofree char *quoted_host = tend_quote_for_message (host, -1);

      tend_inventory_parser_problem (p, "no service %s on host %s in $.services", quoted_unit,
                                     quoted_host);
      return FALSE;
    }

  return TRUE;
}

static TendInventoryService *
read_service (TendInventoryParser *p,
              JsonNode            *node,
              guint64             *ok)
{
  JsonObject *object = tend_inventory_expect_object (p, node);
  TendInventoryService *service;

  if (object == NULL)
    return NULL;

  service = g_new0 (TendInventoryService, 1);
  tend_inventory_fields_init (&tend_inventory_service_table, service);
  tend_inventory_report_unknown_keys (p, object, &tend_inventory_service_table, NULL, -1);
  *ok = tend_inventory_read_fields (p, object, &tend_inventory_service_table, service);

  if (tend_inventory_field_ok (*ok, &tend_inventory_service_table, "host") && p->hosts_complete &&
      !g_hash_table_contains (p->hosts, service->host))
    {
      g_autofree char *quoted = tend_quote_for_message (service->host, -1);

      tend_inventory_member_problem (p, "host", "no host named %s in $.hosts", quoted);
    }

  if (tend_inventory_field_ok (*ok, &tend_inventory_service_table, "unit") &&
      tend_inventory_field_ok (*ok, &tend_inventory_service_table, "depends_on"))
    {
      for (guint j = 0; service->depends_on[j] != NULL; j++)
        {
          if (g_strcmp0 (service->depends_on[j], service->unit) == 0)
            {
              g_autofree char *quoted = tend_quote_for_message (service->unit, -1);
              gsize len = tend_inventory_path_push_key (p->path, "depends_on");

              tend_inventory_path_push_index (p->path, j);
              tend_inventory_parser_problem (p, "%s is the service itself: a cycle %s → %s; a "
                                             "service cannot depend on itself", quoted,
                                             service->unit, service->unit);
              g_string_truncate (p->path, len);
            }
        }
    }

  return service;
}

/* A service that names dependencies, and where it is in $.services */
typedef struct
{
  guint                       index;
  const TendInventoryService *service;
} Dependent;

/* Once every service is read: each of a service's dependencies is a service of its host.
 * @dependents are the services whose host, unit and dependencies were read well, and
 * whose host exists.
 */
static void
check_dependencies (TendInventoryParser *p,
                    GArray              *dependents)
{
  if (!p->services_complete)
    return;

  for (guint k = 0; k < dependents->len; k++)
    {
      const Dependent *dependent = &g_array_index (dependents, Dependent, k);
      const TendInventoryService *service = dependent->service;

      for (guint j = 0; service->depends_on[j] != NULL; j++)
        {
          g_autofree char *key = tend_inventory_service_key (service->host,
                                                             service->depends_on[j]);
          g_autofree char *quoted_unit = NULL;
          g_autofree char *quoted_host = NULL;
          gsize len;

          if (g_hash_table_contains (p->services, key))
            continue;

          quoted_unit = tend_quote_for_message (service->depends_on[j], -1);
          quoted_host = tend_quote_for_message (service->host, -1);
          len = tend_inventory_path_push_index (p->path, dependent->index);
          tend_inventory_path_push_key (p->path, "depends_on");
          tend_inventory_path_push_index (p->path, j);
          tend_inventory_parser_problem (p, "%s is not a service of host %s in the inventory",
                                         quoted_unit, quoted_host);
          g_string_truncate (p->path, len);
        }
    }
}

/* One service on the way of the search for cycles */
typedef struct
{
  guint dependent;   /* in the dependents */
  guint next;        /* the next of its dependencies to follow */
} Step;

/* "a.service → b.service → a.service": the units of @path from @from, and @from again */
static char *
describe_cycle (GArray *dependents,
                GArray *path,
                guint   from)
{
  GString *out = g_string_new (NULL);

  for (guint k = from; k < path->len; k++)
    {
      const Step *step = &g_array_index (path, Step, k);

      g_string_append (out, g_array_index (dependents, Dependent, step->dependent).service->unit);
      g_string_append (out, " → ");
    }
  g_string_append (out, g_array_index (dependents, Dependent,
                                       g_array_index (path, Step, from).dependent).service->unit);
  return g_string_free (out, FALSE);
}

/* Once every dependency is known to be a service: no service depends on itself through
 * others (a → b → a). A cycle would hold every one of its services back while another is
 * down, for ever. A depth-first search without recursion, so that a long chain cannot
 * exhaust the stack; each cycle it meets is said once, at the service it starts from. A
 * service naming itself was said by read_service(). */
static void
check_cycles (TendInventoryParser *p,
              GArray              *dependents)
{
  g_autoptr(GHashTable) by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree guint *state = g_new0 (guint, dependents->len);   /* 0 new, 1 on the path + 1,
                                                                 * G_MAXUINT done */
  g_autoptr(GArray) path = g_array_new (FALSE, FALSE, sizeof (Step));

  for (guint k = 0; k < dependents->len; k++)
    {
      const TendInventoryService *service = g_array_index (dependents, Dependent, k).service;

      g_hash_table_insert (by_key, tend_inventory_service_key (service->host, service->unit),
                           GUINT_TO_POINTER (k + 1));
    }

  for (guint k = 0; k < dependents->len; k++)
    {
      Step first = { k, 0 };

      if (state[k] != 0)
        continue;
      g_array_append_val (path, first);
      state[k] = 1;

      while (path->len > 0)
        {
          Step *step = &g_array_index (path, Step, path->len - 1);
          const TendInventoryService *service =
            g_array_index (dependents, Dependent, step->dependent).service;
          const char *unit = service->depends_on[step->next];
          g_autofree char *key = NULL;
          guint target;

          if (unit == NULL)
            {
              state[step->dependent] = G_MAXUINT;
              g_array_set_size (path, path->len - 1);
              continue;
            }
          step->next++;
          if (g_str_equal (unit, service->unit))
            continue;

          key = tend_inventory_service_key (service->host, unit);
          target = GPOINTER_TO_UINT (g_hash_table_lookup (by_key, key));
          if (target == 0 || state[target - 1] == G_MAXUINT)
            continue;   /* depends on nothing, or searched already */
          target--;

          if (state[target] == 0)
            {
              Step next = { target, 0 };

              state[target] = path->len + 1;
              g_array_append_val (path, next);
            }
          else
            {
              g_autofree char *cycle = describe_cycle (dependents, path, state[target] - 1);
              gsize len = tend_inventory_path_push_index (
                p->path, g_array_index (dependents, Dependent, target).index);

              tend_inventory_path_push_key (p->path, "depends_on");
              tend_inventory_parser_problem (p, "a cycle %s; a service cannot depend on itself, "
                                             "even through others: remove one of these "
                                             "dependencies", cycle);
              g_string_truncate (p->path, len);
            }
        }
    }
}

static void
read_services (TendInventoryParser *p,
               JsonArray           *array)
{
  g_autoptr(GArray) dependents = g_array_new (FALSE, FALSE, sizeof (Dependent));

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      gsize len = tend_inventory_path_push_index (p->path, i);
      guint64 ok = 0;
      TendInventoryService *service = read_service (p, json_array_get_element (array, i), &ok);
      g_autofree char *key = NULL;
      gpointer previous;

      if (service == NULL || service->host == NULL || service->unit == NULL)
        p->services_complete = FALSE;
      else if ((previous = g_hash_table_lookup (p->services,
                                                key = tend_inventory_service_key (service->host,
                                                                                  service->unit)))
               != NULL)
        {
          g_autofree char *quoted_unit = tend_quote_for_message (service->unit, -1);
          g_autofree char *quoted_host = tend_quote_for_message (service->host, -1);

          tend_inventory_parser_problem (p, "%s on host %s is already listed at $.services[%u]",
                                         quoted_unit, quoted_host, GPOINTER_TO_UINT (previous) - 1);
        }
      else
        g_hash_table_insert (p->services, g_steal_pointer (&key), GUINT_TO_POINTER (i + 1));

      if (service != NULL && service->depends_on[0] != NULL &&
          tend_inventory_field_ok (ok, &tend_inventory_service_table, "host") &&
          tend_inventory_field_ok (ok, &tend_inventory_service_table, "unit") &&
          tend_inventory_field_ok (ok, &tend_inventory_service_table, "depends_on") &&
          g_hash_table_contains (p->hosts, service->host))
        {
          Dependent dependent = { i, service };

          g_array_append_val (dependents, dependent);
        }

      if (service != NULL)
        g_ptr_array_add (p->inventory->services, service);
      g_string_truncate (p->path, len);
    }

  check_dependencies (p, dependents);
  if (p->services_complete)
    check_cycles (p, dependents);
}

/* Checks' parameters (see tend-inventory-params.c) */

static void
check_below (TendInventoryParser *p,
             const char          *key,
             gint64               value,
             const char          *other,
             gint64               other_value)
{
  if (value != TEND_INVENTORY_UNSET && other_value != TEND_INVENTORY_UNSET &&
      value >= other_value)
    tend_inventory_order_problem (p, key, tend_inventory_format_duration (value), "below", other,
                                  tend_inventory_format_duration (other_value));
}

/* A value in a message: durations as the file writes them, without quotes */
static char *
field_text (const TendInventoryField *field,
            gconstpointer             item)
{
  if (field->type == TEND_INVENTORY_FIELD_DURATION)
    return tend_inventory_format_duration (*TEND_INVENTORY_SLOT (item, field, gint64));

  return tend_inventory_field_json (field, item);
}

/* A warning threshold below its critical one; the path is the params object's. */
static void
check_threshold_pair (TendInventoryParser           *p,
                      const TendInventoryFieldTable *table,
                      guint64                        ok,
                      gconstpointer                  item,
                      const char                    *warn,
                      const char                    *critical)
{
  const TendInventoryField *warn_field = tend_inventory_table_lookup (table, warn, NULL);
  const TendInventoryField *critical_field = tend_inventory_table_lookup (table, critical, NULL);
  double warn_value;
  double critical_value;

  if (!tend_inventory_field_ok (ok, table, warn) || !tend_inventory_field_ok (ok, table, critical))
    return;

  if (warn_field->type == TEND_INVENTORY_FIELD_DOUBLE)
    {
      warn_value = *TEND_INVENTORY_SLOT (item, warn_field, double);
      critical_value = *TEND_INVENTORY_SLOT (item, critical_field, double);
    }
  else
    {
      warn_value = *TEND_INVENTORY_SLOT (item, warn_field, gint64);
      critical_value = *TEND_INVENTORY_SLOT (item, critical_field, gint64);
    }

  if (warn_value != TEND_INVENTORY_UNSET && critical_value != TEND_INVENTORY_UNSET &&
      warn_value >= critical_value)
    tend_inventory_order_problem (p, warn, field_text (warn_field, item), "below", critical,
                                  field_text (critical_field, item));
}

/* Reads a params object (the path is its own) into @check, whose kind is valid.
 * @timeout_ok says whether @check's timeout can be compared with.
 */
static void
read_params (TendInventoryParser *p,
             JsonObject          *object,
             TendInventoryCheck  *check,
             gboolean             timeout_ok)
{
  const TendInventoryFieldTable *table = tend_inventory_params_table (check->kind);
  guint64 ok;

  tend_inventory_report_unknown_keys (p, object, table, NULL, check->kind);
  ok = tend_inventory_read_fields (p, object, table, check);

  switch (check->kind)
    {
    case TEND_INVENTORY_CHECK_HTTP:
      if (timeout_ok && tend_inventory_field_ok (ok, table, "latency_degraded"))
        check_below (p, "latency_degraded", check->params.http.latency_degraded_usec,
                     "the timeout", check->timeout_usec);
      break;

    case TEND_INVENTORY_CHECK_REDIS:
      if (timeout_ok && tend_inventory_field_ok (ok, table, "max_latency"))
        check_below (p, "max_latency", check->params.redis.max_latency_usec, "the timeout",
                     check->timeout_usec);
      if (timeout_ok && tend_inventory_field_ok (ok, table, "critical_latency"))
        check_below (p, "critical_latency", check->params.redis.critical_latency_usec,
                     "the timeout", check->timeout_usec);
      check_threshold_pair (p, table, ok, check, "max_memory_bytes", "critical_memory_bytes");
      check_threshold_pair (p, table, ok, check, "max_clients", "critical_clients");
      check_threshold_pair (p, table, ok, check, "max_latency", "critical_latency");
      break;

    case TEND_INVENTORY_CHECK_RESOURCES:
      check_threshold_pair (p, table, ok, check, "memory_warn_bytes", "memory_critical_bytes");
      check_threshold_pair (p, table, ok, check, "cpu_warn_percent", "cpu_critical_percent");
      check_threshold_pair (p, table, ok, check, "tasks_warn", "tasks_critical");
      break;

    case TEND_INVENTORY_CHECK_UNIT:
    case TEND_INVENTORY_CHECK_TCP:
    case TEND_INVENTORY_CHECK_COMMAND:
    default:
      break;
    }
}

/**
 * tend_inventory_check_set_params_from_json:
 * @check: a #TendInventoryCheck whose kind, interval and timeout are set
 * @json: a "params" object as the file has it, or as
 *   tend_inventory_check_params_to_json() writes it
 * @length: the length of @json in bytes
 * @error: return location for a #GError
 *
 * Reads and validates parameters of @check's kind, with the rules of the file format;
 * the paths in messages start at the object ("$.url"). On error @check is unchanged.
 *
 * Returns: whether @json held valid parameters
 */
gboolean
tend_inventory_check_set_params_from_json (TendInventoryCheck  *check,
                                           const char          *json,
                                           gsize                length,
                                           GError             **error)
{
  TendInventoryParser p = { 0 };
  g_autoptr(JsonNode) root = NULL;
  TendInventoryCheck *scratch = NULL;
  gboolean ok;

  g_return_val_if_fail (check != NULL, FALSE);
  g_return_val_if_fail (tend_inventory_params_table (check->kind) != NULL, FALSE);
  g_return_val_if_fail (json != NULL || length == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  tend_inventory_parser_init (&p);
  root = tend_inventory_load_json (json != NULL ? json : "", length, &p.problems);

  if (root != NULL)
    {
      JsonObject *object = tend_inventory_expect_object (&p, root);

      if (object != NULL)
        {
          scratch = g_new0 (TendInventoryCheck, 1);
          scratch->kind = check->kind;
          scratch->timeout_usec = check->timeout_usec;
          tend_inventory_fields_init (tend_inventory_params_table (check->kind), scratch);
          read_params (&p, object, scratch, check->timeout_usec < check->interval_usec);
        }
    }

  ok = tend_inventory_problems_propagate (&p.problems, error);
  if (ok && scratch != NULL)
    {
      tend_inventory_fields_free (tend_inventory_params_table (check->kind), check);
      check->params = scratch->params;
      memset (&scratch->params, 0, sizeof scratch->params);
    }

  if (scratch != NULL)
    {
      tend_inventory_fields_free (tend_inventory_params_table (scratch->kind), scratch);
      g_free (scratch);
    }
  tend_inventory_parser_clear (&p);

  return ok;
}

/* Checks */

static const char *
first_required (const TendInventoryFieldTable *table)
{
  for (guint i = 0; i < table->n_fields; i++)
    {
      if ((table->fields[i].flags & TEND_INVENTORY_FIELD_REQUIRED) != 0)
        return table->fields[i].name;
    }

  return NULL;
}

static TendInventoryCheck *
read_check (TendInventoryParser *p,
            JsonNode            *node,
            guint64             *ok)
{
  static const char * const extra[] = { "params", NULL };
  JsonObject *object = tend_inventory_expect_object (p, node);
  TendInventoryCheck *check;
  gboolean timeout_ok;
  JsonNode *params;

  if (object == NULL)
    return NULL;

  check = g_new0 (TendInventoryCheck, 1);
  tend_inventory_fields_init (&tend_inventory_check_table, check);
  tend_inventory_report_unknown_keys (p, object, &tend_inventory_check_table, extra, -1);
  *ok = tend_inventory_read_fields (p, object, &tend_inventory_check_table, check);

  check_service_reference (p, *ok, &tend_inventory_check_table, check->host, check->unit);

  timeout_ok = tend_inventory_field_ok (*ok, &tend_inventory_check_table, "timeout");
  if (timeout_ok && tend_inventory_field_ok (*ok, &tend_inventory_check_table, "interval") &&
      check->timeout_usec >= check->interval_usec)
    {
      tend_inventory_order_problem (p, "timeout",
                                    tend_inventory_format_duration (check->timeout_usec), "below",
                                    "the interval",
                                    tend_inventory_format_duration (check->interval_usec));
      timeout_ok = FALSE;
    }

  if (!tend_inventory_field_ok (*ok, &tend_inventory_check_table, "kind"))
    {
      /* No params to read: the kind says which */
      check->kind = (TendInventoryCheckKind) TEND_INVENTORY_UNSET;
      return check;
    }

  tend_inventory_fields_init (tend_inventory_params_table (check->kind), check);
  params = json_object_get_member (object, "params");

  if (params == NULL || JSON_NODE_HOLDS_NULL (params))
    {
      const char *required = first_required (tend_inventory_params_table (check->kind));

      if (required != NULL)
        tend_inventory_parser_problem (p, "required key \"params\" is missing; a%s %s check "
                                       "needs \"%s\"",
                                       check->kind == TEND_INVENTORY_CHECK_HTTP ? "n" : "",
                                       tend_inventory_check_kind_to_string (check->kind), required);
    }
  else
    {
      gsize len = tend_inventory_path_push_key (p->path, "params");
      JsonObject *params_object = tend_inventory_expect_object (p, params);

      if (params_object != NULL)
        read_params (p, params_object, check, timeout_ok);
      g_string_truncate (p->path, len);
    }

  return check;
}

static void
read_checks (TendInventoryParser *p,
             JsonArray           *array)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      gsize len = tend_inventory_path_push_index (p->path, i);
      guint64 ok = 0;
      TendInventoryCheck *check = read_check (p, json_array_get_element (array, i), &ok);

      if (check != NULL && tend_inventory_field_ok (ok, &tend_inventory_check_table, "host") &&
          tend_inventory_field_ok (ok, &tend_inventory_check_table, "unit") &&
          tend_inventory_field_ok (ok, &tend_inventory_check_table, "name"))
        {
          g_autofree char *key = g_strconcat (check->host, "/", check->unit, "/", check->name,
                                              NULL);
          gpointer previous = g_hash_table_lookup (p->checks, key);

          if (previous != NULL)
            {
              g_autofree char *quoted = tend_quote_for_message (check->name, -1);

              tend_inventory_member_problem (p, "name", "%s is already used by $.checks[%u], for "
                                             "the same service", quoted,
                                             GPOINTER_TO_UINT (previous) - 1);
            }
          else
            g_hash_table_insert (p->checks, g_steal_pointer (&key), GUINT_TO_POINTER (i + 1));
        }

      if (check != NULL)
        g_ptr_array_add (p->inventory->checks, check);
      g_string_truncate (p->path, len);
    }
}

/* Policies */

static TendInventoryPolicy *
read_policy (TendInventoryParser *p,
             JsonNode            *node,
             guint64             *ok)
{
  JsonObject *object = tend_inventory_expect_object (p, node);
  TendInventoryPolicy *policy;

  if (object == NULL)
    return NULL;

  policy = g_new0 (TendInventoryPolicy, 1);
  tend_inventory_fields_init (&tend_inventory_policy_table, policy);
  tend_inventory_report_unknown_keys (p, object, &tend_inventory_policy_table, NULL, -1);
  *ok = tend_inventory_read_fields (p, object, &tend_inventory_policy_table, policy);

  check_service_reference (p, *ok, &tend_inventory_policy_table, policy->host, policy->unit);

  if (tend_inventory_field_ok (*ok, &tend_inventory_policy_table, "backoff_initial") &&
      tend_inventory_field_ok (*ok, &tend_inventory_policy_table, "backoff_max") &&
      policy->backoff_max_usec < policy->backoff_initial_usec)
    tend_inventory_order_problem (p, "backoff_max",
                                  tend_inventory_format_duration (policy->backoff_max_usec),
                                  "at least", "backoff_initial",
                                  tend_inventory_format_duration (policy->backoff_initial_usec));

  return policy;
}

static void
read_policies (TendInventoryParser *p,
               JsonArray           *array)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      gsize len = tend_inventory_path_push_index (p->path, i);
      guint64 ok = 0;
      TendInventoryPolicy *policy = read_policy (p, json_array_get_element (array, i), &ok);

      if (policy != NULL && tend_inventory_field_ok (ok, &tend_inventory_policy_table, "host") &&
          tend_inventory_field_ok (ok, &tend_inventory_policy_table, "unit"))
        {
          g_autofree char *key = tend_inventory_service_key (policy->host, policy->unit);
          gpointer previous = g_hash_table_lookup (p->policies, key);

          if (previous != NULL)
            {
              g_autofree char *quoted_unit = tend_quote_for_message (policy->unit, -1);
              g_autofree char *quoted_host = tend_quote_for_message (policy->host, -1);

              tend_inventory_parser_problem (p, "%s on host %s already has a policy, "
                                             "$.policies[%u]; a service has at most one",
                                             quoted_unit, quoted_host,
                                             GPOINTER_TO_UINT (previous) - 1);
            }
          else
            g_hash_table_insert (p->policies, g_steal_pointer (&key), GUINT_TO_POINTER (i + 1));
        }

      if (policy != NULL)
        g_ptr_array_add (p->inventory->policies, policy);
      g_string_truncate (p->path, len);
    }
}

/* Configuration */

static gboolean
is_config_key (const char *key)
{
  gboolean word_started = FALSE;
  guint n_words = 0;

  if (strlen (key) > CONFIG_KEY_MAX_LEN)
    return FALSE;

  for (const char *p = key; ; p++)
    {
      if (*p == '.' || *p == '\0')
        {
          if (!word_started)
            return FALSE;
          n_words++;
          word_started = FALSE;
          if (*p == '\0')
            break;
        }
      else if (g_ascii_islower (*p) || g_ascii_isdigit (*p) || *p == '-')
        word_started = TRUE;
      else
        return FALSE;
    }

  return n_words >= 2;
}

static void
read_config (TendInventoryParser *p,
             JsonObject          *object)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *key = l->data;
      JsonNode *node = json_object_get_member (object, key);
      g_autofree char *quoted = tend_quote_for_message (key, -1);
      gsize len;

      if (tend_inventory_looks_secret (key))
        {
          tend_inventory_parser_problem (p, "unknown key %s; Tend stores no secrets, so no "
                                         "configuration key is named like a password, secret or "
                                         "token", quoted);
          continue;
        }

      if (!is_config_key (key))
        {
          tend_inventory_parser_problem (p, "%s is not a configuration key: keys are dotted names "
                                         "of a-z, 0-9 and \"-\", such as "
                                         "\"checks.default-interval\"", quoted);
          continue;
        }

      len = tend_inventory_path_push_key (p->path, key);
      if (!tend_inventory_node_holds (node, G_TYPE_STRING))
        tend_inventory_parser_problem (p, "expected a string, got %s; configuration values are "
                                       "written as text, such as \"30s\", \"3\" or \"true\"",
                                       tend_inventory_describe_node (node));
      else if (strlen (json_node_get_string (node)) > CONFIG_VALUE_MAX_LEN)
        tend_inventory_parser_problem (p, "the value is longer than %d bytes",
                                       CONFIG_VALUE_MAX_LEN);
      else
        tend_inventory_set_config (p->inventory, key, json_node_get_string (node));
      g_string_truncate (p->path, len);
    }
}

/* What the values mean, TendConfig's rules: every problem, beside those of the other
 * sections. */
static void
check_config (TendInventoryParser *p)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;

  if (tend_config_validate (tend_inventory_get_config (p->inventory), &error))
    return;
  lines = g_strsplit (error->message, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    tend_inventory_parser_problem (p, "%s", lines[i]);
}

/* The document */

/* Reads the section @name with @read_array. A section that is not an array is reported
 * and makes *@complete %FALSE: its items cannot be referred to.
 */
static void
read_section (TendInventoryParser     *p,
              JsonObject *root,
              const char *name,
              gboolean   *complete,
              void      (*read_array) (TendInventoryParser    *p,
                                       JsonArray *array))
{
  JsonNode *node = json_object_get_member (root, name);
  gsize len;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      tend_inventory_member_problem (p, name, "expected an array, got %s",
                                     tend_inventory_describe_node (node));
      if (complete != NULL)
        *complete = FALSE;
      return;
    }

  len = tend_inventory_path_push_key (p->path, name);
  read_array (p, json_node_get_array (node));
  g_string_truncate (p->path, len);
}

static gboolean
read_header (TendInventoryParser *p,
             JsonObject          *root)
{
  JsonNode *format = json_object_get_member (root, "format");
  JsonNode *version = json_object_get_member (root, "version");
  gint64 number;

  if (format == NULL)
    {
      tend_inventory_parser_problem (p, "required key \"format\" is missing; a Tend inventory "
                                     "starts with {\"format\": \"" TEND_INVENTORY_FORMAT_NAME
                                     "\", \"version\": %d",
                                     TEND_INVENTORY_FORMAT_VERSION);
      return FALSE;
    }

  if (!tend_inventory_node_holds (format, G_TYPE_STRING))
    {
      tend_inventory_member_problem (p, "format", "expected a string, got %s",
                                     tend_inventory_describe_node (format));
      return FALSE;
    }

  if (strcmp (json_node_get_string (format), TEND_INVENTORY_FORMAT_NAME) != 0)
    {
      g_autofree char *quoted = tend_quote_for_message (json_node_get_string (format), -1);

      tend_inventory_member_problem (p, "format", "%s is not \"" TEND_INVENTORY_FORMAT_NAME
                                     "\"; this is not a Tend inventory", quoted);
      return FALSE;
    }

  if (version == NULL)
    {
      tend_inventory_parser_problem (p, "required key \"version\" is missing; this Tend reads "
                                     "version %d", TEND_INVENTORY_FORMAT_VERSION);
      return FALSE;
    }

  if (!tend_inventory_node_holds (version, G_TYPE_INT64))
    {
      tend_inventory_member_problem (p, "version", "expected an integer, got %s",
                                     tend_inventory_describe_node (version));
      return FALSE;
    }

  number = json_node_get_int (version);
  if (number > TEND_INVENTORY_FORMAT_VERSION)
    {
      tend_inventory_member_problem (p, "version", "this file is format version %"
                                     G_GINT64_FORMAT "; this Tend reads version %d", number,
                                     TEND_INVENTORY_FORMAT_VERSION);
      return FALSE;
    }

  if (number < 1)
    {
      tend_inventory_member_problem (p, "version", "%" G_GINT64_FORMAT " is not a format "
                                     "version; this Tend reads version %d", number,
                                     TEND_INVENTORY_FORMAT_VERSION);
      return FALSE;
    }

  return TRUE;
}

static void
read_document (TendInventoryParser *p,
               JsonNode            *node)
{
  static const char * const top_keys[] = {
    "format", "version", "hosts", "services", "checks", "policies", "config", NULL
  };
  JsonObject *root = tend_inventory_expect_object (p, node);
  JsonNode *config;

  if (root == NULL || !read_header (p, root))
    return;

  tend_inventory_report_unknown_keys (p, root, NULL, top_keys, -1);

  read_section (p, root, "hosts", &p->hosts_complete, read_hosts);
  read_section (p, root, "services", &p->services_complete, read_services);
  read_section (p, root, "checks", NULL, read_checks);
  read_section (p, root, "policies", NULL, read_policies);

  config = json_object_get_member (root, "config");
  if (config != NULL && !JSON_NODE_HOLDS_NULL (config))
    {
      JsonObject *object;

      tend_inventory_path_push_key (p->path, "config");
      object = tend_inventory_expect_object (p, config);
      if (object != NULL)
        read_config (p, object);
      if (object != NULL && p->check_config)
        check_config (p);
      g_string_assign (p->path, "$");
    }
}

static TendInventory *
read_inventory (const char  *data,
                gsize        length,
                gboolean     check_config,
                GError     **error)
{
  TendInventoryParser p = { 0 };
  g_autoptr(JsonNode) root = NULL;
  TendInventory *inventory = NULL;

  tend_inventory_parser_init (&p);
  p.check_config = check_config;

  root = tend_inventory_load_json (data != NULL ? data : "", length, &p.problems);
  if (root != NULL)
    read_document (&p, root);

  if (tend_inventory_problems_propagate (&p.problems, error))
    inventory = g_steal_pointer (&p.inventory);

  tend_inventory_parser_clear (&p);

  return inventory;
}

/**
 * tend_inventory_new_from_json:
 * @data: the text of an inventory file (need not end in a NUL byte)
 * @length: its length in bytes
 * @error: return location for a #GError
 *
 * Reads and validates a whole inventory (see docs/inventory-format.md): every field,
 * every reference between items, every limit. Nothing is returned unless all of it is
 * valid, the configuration's values by TendConfig's rules (tend_config_validate())
 * included.
 *
 * Safe to call from any thread.
 *
 * Returns: (transfer full) (nullable): the inventory, or %NULL with @error set to
 *   %TEND_ERROR_INVALID_ARGUMENT: up to %TEND_INVENTORY_MAX_ERRORS problems, one per
 *   line, each starting with its JSON path, and a last line saying how many more there
 *   were, if any
 */
TendInventory *
tend_inventory_new_from_json (const char  *data,
                              gsize        length,
                              GError     **error)
{
  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return read_inventory (data, length, TRUE, error);
}

/**
 * tend_inventory_validate:
 * @self: a #TendInventory
 * @error: return location for a #GError
 *
 * Checks an inventory built or changed in code against every rule of the file format,
 * by writing it and reading it back: the paths in the messages are those of
 * tend_inventory_to_json()'s text, where items are sorted. Configuration values are
 * checked for their form only: a stored value this Tend does not use is kept, and
 * tend_inventory_validate_change() refuses only the problems a change brings.
 *
 * Returns: whether @self is valid
 */
gboolean
tend_inventory_validate (TendInventory  *self,
                         GError        **error)
{
  g_autofree char *json = NULL;
  g_autoptr(TendInventory) copy = NULL;
  gsize length;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  json = tend_inventory_to_json (self, &length);
  copy = read_inventory (json, length, FALSE, error);

  return copy != NULL;
}
