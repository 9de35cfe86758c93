/* tendctl-check.c — tendctl check add|list|remove
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The checks of the stored inventory, one at a time. A new check is built from the
 * options and the configuration's defaults, then checked by the inventory's own rules
 * (TendInventory, docs/inventory-format.md): its parameters with
 * tend_inventory_check_set_params_from_json() and the whole check, with its service and
 * host, with tend_inventory_validate(). Their messages name the JSON field; here they
 * name the option instead ("--port: 70000 is outside 1..65535"). The change itself is
 * tendctl-edit.c's: all or nothing, with an audit record.
 */
#define G_LOG_DOMAIN "Tendctl"

#include <string.h>
#include <unistd.h>

#include "tendctl.h"
#include "tendctl-edit.h"
#include "tendctl-output.h"

#define N_KINDS (TEND_INVENTORY_CHECK_RESOURCES + 1)
#define KIND(k) (1u << TEND_INVENTORY_CHECK_##k)

/* ------------------------------------------------------------------------------------ */
/* Options                                                                               */

/* How an option's text becomes a value of the file format. */
typedef enum
{
  VALUE_TEXT,       /* a string, as typed */
  VALUE_WORD,       /* a string, in capitals (GET) */
  VALUE_DURATION,   /* a duration, as typed: the file format's rules read it */
  VALUE_INT,        /* a whole number */
  VALUE_BYTES,      /* a size: bytes, or with K, M, G or T (powers of 1024) */
  VALUE_PERCENT,    /* a number, with or without "%" */
  VALUE_CODES,      /* status codes and ranges: 200,301-399 */
  VALUE_OFF,        /* a flag that sets a boolean to false */
} ValueType;

/* An option of some kinds of check, and the parameter it sets. */
typedef struct
{
  const char *option;
  const char *member;      /* its key in the check's params (docs/inventory-format.md) */
  guint kinds;             /* the kinds it belongs to: KIND (HTTP) | … */
  ValueType type;
  const char *arg;
  const char *help;
} ParamOption;

static const ParamOption param_options[] = {
  { "url", "url", KIND (HTTP), VALUE_TEXT, "URL",
    N_("http: the http:// or https:// URL to ask") },
  { "method", "method", KIND (HTTP), VALUE_WORD, "METHOD",
    N_("http: GET (default), HEAD or POST") },
  { "expect-status", "expect_status", KIND (HTTP), VALUE_CODES, "CODES",
    N_("http: the status codes that pass, such as 200,301-399 (default 200)") },
  { "body-contains", "body_contains", KIND (HTTP), VALUE_TEXT, "TEXT",
    N_("http: a text the answer's body must contain") },
  { "no-verify-tls", "verify_tls", KIND (HTTP), VALUE_OFF, NULL,
    N_("http: do not verify the server's certificate") },
  { "latency-degraded", "latency_degraded", KIND (HTTP), VALUE_DURATION, "DURATION",
    N_("http: a slower answer is degraded (default: checks.http-latency-degraded)") },
  { "address", "host", KIND (TCP) | KIND (REDIS), VALUE_TEXT, "ADDRESS",
    N_("tcp, redis: the host name or IP address to connect to (redis: 127.0.0.1)") },
  { "port", "port", KIND (TCP) | KIND (REDIS), VALUE_INT, "PORT",
    N_("tcp, redis: the port to connect to (redis: 6379)") },
  { "send", "send", KIND (TCP), VALUE_TEXT, "TEXT", N_("tcp: what to send once connected") },
  { "expect", "expect", KIND (TCP), VALUE_TEXT, "TEXT", N_("tcp: a text the answer must contain") },
  { "password-env", "password_env", KIND (REDIS), VALUE_TEXT, "NAME",
    N_("redis: the environment variable that holds the password (never the password)") },
  { "max-memory", "max_memory_bytes", KIND (REDIS), VALUE_BYTES, "SIZE",
    N_("redis: more used memory is degraded (512M, 2G)") },
  { "max-clients", "max_clients", KIND (REDIS), VALUE_INT, "N",
    N_("redis: more connected clients is degraded") },
  { "max-latency", "max_latency", KIND (REDIS), VALUE_DURATION, "DURATION",
    N_("redis: a slower PING is degraded") },
  { "critical-memory", "critical_memory_bytes", KIND (REDIS), VALUE_BYTES, "SIZE",
    N_("redis: more used memory is critical") },
  { "critical-clients", "critical_clients", KIND (REDIS), VALUE_INT, "N",
    N_("redis: more connected clients is critical") },
  { "critical-latency", "critical_latency", KIND (REDIS), VALUE_DURATION, "DURATION",
    N_("redis: a slower PING is critical") },
  { "memory-warn", "memory_warn_bytes", KIND (RESOURCES), VALUE_BYTES, "SIZE",
    N_("resources: more memory is a warning (512M, 2G)") },
  { "memory-critical", "memory_critical_bytes", KIND (RESOURCES), VALUE_BYTES, "SIZE",
    N_("resources: more memory is critical") },
  { "cpu-warn", "cpu_warn_percent", KIND (RESOURCES), VALUE_PERCENT, "PERCENT",
    N_("resources: more CPU, in percent of one CPU, is a warning") },
  { "cpu-critical", "cpu_critical_percent", KIND (RESOURCES), VALUE_PERCENT, "PERCENT",
    N_("resources: more CPU is critical") },
  { "tasks-warn", "tasks_warn", KIND (RESOURCES), VALUE_INT, "N",
    N_("resources: more tasks (processes and threads) is a warning") },
  { "tasks-critical", "tasks_critical", KIND (RESOURCES), VALUE_INT, "N",
    N_("resources: more tasks is critical") },
};

#define N_PARAM_OPTIONS G_N_ELEMENTS (param_options)

/* An option of every kind of check, and the field it sets. */
typedef struct
{
  const char *option;
  const char *member;      /* its key in the file format */
  const char *config_key;  /* where its default comes from */
  gboolean is_duration;    /* else a whole number */
  gsize offset;            /* in TendInventoryCheck: a gint64 duration or an int */
  const char *arg;
  const char *help;
} TimingOption;

static const TimingOption timing_options[] = {
  { "interval", "interval", "checks.default-interval", TRUE,
    G_STRUCT_OFFSET (TendInventoryCheck, interval_usec), "DURATION",
    N_("How often it runs, 1s..1d (default: checks.default-interval)") },
  { "timeout", "timeout", "checks.default-timeout", TRUE,
    G_STRUCT_OFFSET (TendInventoryCheck, timeout_usec), "DURATION",
    N_("How long a run may take, below the interval (default: checks.default-timeout)") },
  { "failures-before-hard", "failures_before_hard", "checks.failures-before-hard", FALSE,
    G_STRUCT_OFFSET (TendInventoryCheck, failures_before_hard), "N",
    N_("Failures in a row before the failure is hard, 1..100") },
  { "successes", "successes_before_recovered", "checks.successes-before-recovered", FALSE,
    G_STRUCT_OFFSET (TendInventoryCheck, successes_before_recovered), "N",
    N_("Successes in a row before a failed check has recovered, 1..100") },
  { "startup-grace", "startup_grace", "checks.startup-grace", TRUE,
    G_STRUCT_OFFSET (TendInventoryCheck, startup_grace_usec), "DURATION",
    N_("Failures this soon after the unit started do not count, 0s..1h") },
};

#define N_TIMING_OPTIONS G_N_ELEMENTS (timing_options)

typedef struct
{
  TendctlEdit edit;
  const char *name;                             /* (unowned) from argv */
  char *kind_text;                              /* (owned) (nullable) --kind */
  char *host_text;                              /* (owned) (nullable) --host */
  TendInventoryCheckKind kind;
  gboolean replace;
  gboolean disabled;
  gboolean json;
  char *timing_text[N_TIMING_OPTIONS];          /* (owned) (nullable) as typed */
  gint64 timing[N_TIMING_OPTIONS];              /* parsed, where given */
  char *param_text[N_PARAM_OPTIONS];            /* (owned) (nullable) as typed */
  gboolean param_flag[N_PARAM_OPTIONS];         /* VALUE_OFF options */
  char **argv;                                  /* (owned) (nullable) after "--" */
  JsonNode *params;                             /* (owned) the params object to read */
} CheckData;

static void
check_data_clear (CheckData *data)
{
  tendctl_edit_clear (&data->edit);
  g_free (data->kind_text);
  g_free (data->host_text);
  for (guint i = 0; i < N_TIMING_OPTIONS; i++)
    g_free (data->timing_text[i]);
  for (guint i = 0; i < N_PARAM_OPTIONS; i++)
    g_free (data->param_text[i]);
  g_strfreev (data->argv);
  g_clear_pointer (&data->params, json_node_unref);
}

static gboolean
param_given (const CheckData *data,
             guint            i)
{
  return param_options[i].type == VALUE_OFF ? data->param_flag[i] : data->param_text[i] != NULL;
}

/* ------------------------------------------------------------------------------------ */
/* Values                                                                                */

/* "200,301-399": the file format checks each code's range and their number. */
static gboolean
add_codes (JsonBuilder  *builder,
           const char   *option,
           const char   *text,
           GError      **error)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);

  json_builder_begin_array (builder);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_auto(GStrv) ends = g_strsplit (g_strstrip (parts[i]), "-", 3);
      guint64 first = 0;
      guint64 last = 0;

      if (ends[0] == NULL)
        {
          g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                       "--%s: \"%s\" has an empty item; give status codes and ranges "
                       "separated by commas, such as 200,301-399", option, text);
          json_builder_end_array (builder);
          return FALSE;
        }
      if (g_strv_length (ends) > 2 ||
          !g_ascii_string_to_unsigned (ends[0], 10, 0, 999, &first, NULL) ||
          !g_ascii_string_to_unsigned (ends[1] != NULL ? ends[1] : ends[0], 10, first, 999,
                                       &last, NULL))
        {
          g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                       "--%s: \"%s\" is not a status code or a range of them, such as 200 "
                       "or 301-399", option, parts[i]);
          json_builder_end_array (builder);
          return FALSE;
        }
      for (guint64 code = first; code <= last; code++)
        json_builder_add_int_value (builder, (gint64) code);
    }
  json_builder_end_array (builder);
  return TRUE;
}

/* Adds the parameter of option @i to the params object under way. */
static gboolean
add_param (JsonBuilder      *builder,
           const CheckData  *data,
           guint             i,
           GError          **error)
{
  const ParamOption *option = &param_options[i];
  const char *text = data->param_text[i];
  gint64 number;
  double percent;

  json_builder_set_member_name (builder, option->member);
  switch (option->type)
    {
    case VALUE_TEXT:
    case VALUE_DURATION:
      json_builder_add_string_value (builder, text);
      return TRUE;
    case VALUE_WORD:
      {
        g_autofree char *word = g_ascii_strup (text, -1);

        json_builder_add_string_value (builder, word);
        return TRUE;
      }
    case VALUE_OFF:
      json_builder_add_boolean_value (builder, FALSE);
      return TRUE;
    case VALUE_INT:
      if (!tendctl_parse_whole (option->option, text, G_MAXINT64, &number, error))
        return FALSE;
      json_builder_add_int_value (builder, number);
      return TRUE;
    case VALUE_BYTES:
      if (!tend_size_parse (text, &number, error))
        {
          g_prefix_error (error, "--%s: ", option->option);
          return FALSE;
        }
      json_builder_add_int_value (builder, number);
      return TRUE;
    case VALUE_PERCENT:
      if (!tend_percent_parse (text, &percent, error))
        {
          g_prefix_error (error, "--%s: ", option->option);
          return FALSE;
        }
      json_builder_add_double_value (builder, percent);
      return TRUE;
    case VALUE_CODES:
      return add_codes (builder, option->option, text, error);
    default:
      g_assert_not_reached ();
    }
}

/* "tcp and redis" */
static char *
describe_kinds (guint kinds)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint kind = 0; kind < N_KINDS; kind++)
    {
      if (!(kinds & (1u << kind)))
        continue;
      if (out->len > 0)
        g_string_append (out, " and ");
      g_string_append (out, tend_inventory_check_kind_to_string (kind));
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* The params object of the options given, to be read by the file format's rules. */
static gboolean
build_params (CheckData  *data,
              GError    **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  for (guint i = 0; i < N_PARAM_OPTIONS; i++)
    {
      if (!param_given (data, i))
        continue;
      if (!(param_options[i].kinds & (1u << data->kind)))
        {
          g_autofree char *kinds = describe_kinds (param_options[i].kinds);

          g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                       "--%s is an option of %s checks, not of %s checks",
                       param_options[i].option, kinds,
                       tend_inventory_check_kind_to_string (data->kind));
          return FALSE;
        }
      if (!add_param (builder, data, i, error))
        return FALSE;
    }

  if (data->kind == TEND_INVENTORY_CHECK_COMMAND)
    tendctl_json_add_strv (builder, "argv", (const char * const *) data->argv);
  else if (data->argv != NULL)
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   "a command after \"--\" is for command checks, not for %s checks",
                   tend_inventory_check_kind_to_string (data->kind));
      return FALSE;
    }
  json_builder_end_object (builder);
  data->params = json_builder_get_root (builder);
  return TRUE;
}

/* ------------------------------------------------------------------------------------ */
/* Messages: the options, not the file format's fields                                   */

/* The option (or argument) that sets @member of the file format, where @where is
 * "params", "check", "service" or "host"; %NULL when there is none. @timing is set to
 * the timing option's position, or -1. */
static char *
label_for (const char *where,
           const char *member,
           gint       *timing)
{
  static const char * const item_labels[][3] = {
    { "check", "name", "NAME" },
    { "check", "unit", "UNIT" },
    { "service", "unit", "UNIT" },
    { "service", "host", "--host" },
    { "host", "name", "--host" },
    { "params", "argv", "argv" },
  };

  *timing = -1;
  for (guint i = 0; i < G_N_ELEMENTS (item_labels); i++)
    if (g_str_equal (where, item_labels[i][0]) && g_str_equal (member, item_labels[i][1]))
      return g_strdup (item_labels[i][2]);

  for (guint i = 0; g_str_equal (where, "params") && i < N_PARAM_OPTIONS; i++)
    if (g_str_equal (member, param_options[i].member))
      return g_strconcat ("--", param_options[i].option, NULL);

  for (guint i = 0; g_str_equal (where, "check") && i < N_TIMING_OPTIONS; i++)
    if (g_str_equal (member, timing_options[i].member))
      {
        *timing = i;
        return g_strconcat ("--", timing_options[i].option, NULL);
      }
  return NULL;
}

/* A parameter a message names ("below cpu_critical_percent") as its option. The words
 * with "_" are the parameters' keys; the others are plain words. */
static char *
rename_param (const char    *word,
              gconstpointer  user_data)
{
  gint timing;

  return strchr (word, '_') != NULL ? label_for ("params", word, &timing) : NULL;
}

/* One problem, "$.checks[0].timeout: 10s must be below the interval (5s)", said as
 * "--timeout: 10s must be below the interval (5s)", and where the value is a default
 * the option was not given for, what to do. */
static void
append_problem (GString       *out,
                const char    *line,
                gconstpointer  user_data)
{
  const CheckData *data = user_data;
  static const char * const prefixes[][2] = {
    { "$.checks[0].params.", "params" },
    { "$.checks[0].", "check" },
    { "$.services[0].", "service" },
    { "$.hosts[0].", "host" },
    { "$.", "params" },    /* tend_inventory_check_set_params_from_json()'s paths */
  };

  const char *required = strstr (line, ": required key \"");

  /* "$: required key \"port\" is missing" */
  if (required != NULL && (g_str_has_prefix (line, "$: ") ||
                           g_str_has_prefix (line, "$.checks[0].params: ")))
    {
      const char *key = required + strlen (": required key \"");
      g_autofree char *member = g_strndup (key, strcspn (key, "\""));
      gint timing;
      g_autofree char *label = label_for ("params", member, &timing);

      if (label != NULL)
        {
          g_string_append_printf (out, "%s is required for %s checks", label,
                                  tend_inventory_check_kind_to_string (data->kind));
          return;
        }
    }

  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    {
      const char *rest = line + strlen (prefixes[i][0]);
      g_autofree char *member = NULL;
      g_autofree char *label = NULL;
      gint timing;

      if (!g_str_has_prefix (line, prefixes[i][0]))
        continue;

      member = g_strndup (rest, strspn (rest, "abcdefghijklmnopqrstuvwxyz_"));
      label = label_for (prefixes[i][1], member, &timing);
      if (label == NULL)
        break;

      rest += strlen (member);
      /* "--expect-status[2]: 700 is outside 100..599": the value says which */
      if (label[0] == '-' && rest[0] == '[' && strchr (rest, ']') != NULL)
        rest = strchr (rest, ']') + 1;
      g_string_append (out, label);
      tendctl_append_renamed (out, rest, rename_param, NULL);
      if (timing >= 0 && data->timing_text[timing] == NULL)
        g_string_append_printf (out, "; that is the default (%s): give %s",
                                timing_options[timing].config_key, label);
      return;
    }
  g_string_append (out, line);
}

/* ------------------------------------------------------------------------------------ */
/* check add                                                                             */

static TendInventoryCheck *
build_check (CheckData   *data,
             TendConfig  *config,
             GError     **error)
{
  TendctlEdit *edit = &data->edit;
  g_autoptr(TendInventoryCheck) check = NULL;
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  JsonObject *params = json_node_get_object (data->params);
  g_autofree char *text = NULL;
  gsize length;

  check = tend_inventory_check_new (edit->host, edit->unit, data->name, data->kind);
  tend_service_control_set_check_defaults (check, config);
  for (guint i = 0; i < N_TIMING_OPTIONS; i++)
    {
      if (data->timing_text[i] == NULL)
        continue;
      if (timing_options[i].is_duration)
        G_STRUCT_MEMBER (gint64, check, timing_options[i].offset) = data->timing[i];
      else
        G_STRUCT_MEMBER (int, check, timing_options[i].offset) = (int) data->timing[i];
    }
  check->enabled = !data->disabled;

  /* The configuration's latency for http checks, where it is below the timeout. */
  if (data->kind == TEND_INVENTORY_CHECK_HTTP &&
      !json_object_has_member (params, "latency_degraded"))
    {
      gint64 latency = tend_config_get_duration (config, "checks.http-latency-degraded");

      if (latency < check->timeout_usec)
        {
          g_autofree char *shown = tend_duration_format (latency);

          json_object_set_string_member (params, "latency_degraded", shown);
        }
    }

  json_generator_set_root (generator, data->params);
  text = json_generator_to_data (generator, &length);
  if (!tend_inventory_check_set_params_from_json (check, text, length, error))
    return NULL;
  return g_steal_pointer (&check);
}

/* The check with its service and host, alone, by the inventory's validator: the file
 * format's rules and the check class's (a command's program must be there to run), so
 * that the messages are about this check, to be said in terms of the options. The
 * store validates the whole again, in its transaction. */
static gboolean
validate_check (const TendInventoryHost   *host,
                const TendInventoryCheck  *check,
                GError                   **error)
{
  g_autoptr(TendInventory) alone = tend_inventory_new ();

  tend_inventory_add_host (alone, tend_inventory_host_copy (host));
  tend_inventory_add_service (alone, tend_inventory_service_new (check->host, check->unit));
  tend_inventory_add_check (alone, tend_inventory_check_copy (check));
  return tend_inventory_validate_change (NULL, alone, error);
}

static gboolean
add_edit (TendctlEdit    *edit,
          TendInventory  *inventory,
          TendConfig     *config,
          GError        **error)
{
  CheckData *data = edit->user_data;
  g_autoptr(TendInventoryCheck) check = NULL;
  TendInventoryHost *host;
  guint position;

  host = tendctl_edit_ensure_service (edit, inventory, error);
  if (host == NULL)
    return FALSE;

  check = build_check (data, config, error);
  if (check == NULL || !validate_check (host, check, error))
    {
      /* A list of the file format's problems, in terms of the command line */
      tendctl_rewrite_error_lines (*error, append_problem, data);
      return FALSE;
    }

  position = tendctl_find_check (inventory, edit->host, edit->unit, data->name);
  if (position != G_MAXUINT && !data->replace)
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   "NAME: %s on %s has a check named '%s' already; --replace replaces it",
                   edit->unit, edit->host, data->name);
      return FALSE;
    }
  if (position != G_MAXUINT)
    g_ptr_array_remove_index (tend_inventory_get_checks (inventory), position);

  tend_inventory_add_check (inventory, g_steal_pointer (&check));
  /* Translators: the first %s is a unit, the second a host, the third a check's name */
  edit->unchanged = g_strdup_printf (_("%s on %s has this check '%s' already: nothing "
                                       "changed."), edit->unit, edit->host, data->name);
  return TRUE;
}

/* ------------------------------------------------------------------------------------ */
/* check remove                                                                          */

static gboolean
remove_edit (TendctlEdit    *edit,
             TendInventory  *inventory,
             TendConfig     *config,
             GError        **error)
{
  CheckData *data = edit->user_data;
  guint position = tendctl_find_check (inventory, edit->host, edit->unit, data->name);

  if (position == G_MAXUINT)
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_NOT_FOUND,
                   "%s on %s has no check named '%s' ('tendctl check list %s' lists its "
                   "checks)", edit->unit, edit->host, data->name, edit->unit);
      return FALSE;
    }
  g_ptr_array_remove_index (tend_inventory_get_checks (inventory), position);
  return TRUE;
}

/* ------------------------------------------------------------------------------------ */
/* check list                                                                            */

/* "[::1]:8080", "db1:6379" */
static void
append_address (GString    *out,
                const char *host,
                int         port)
{
  if (strchr (host, ':') != NULL)
    g_string_append_printf (out, "[%s]:%d", host, port);
  else
    g_string_append_printf (out, "%s:%d", host, port);
}

static void
append_threshold (GString    *out,
                  const char *what,
                  char       *warn,
                  char       *critical)
{
  g_autofree char *owned_warn = warn;
  g_autofree char *owned_critical = critical;

  if (warn == NULL && critical == NULL)
    return;
  if (out->len > 0)
    g_string_append (out, ", ");
  g_string_append_printf (out, "%s %s/%s", what, warn != NULL ? warn : "-",
                          critical != NULL ? critical : "-");
}

static char *
format_bytes_or_null (gint64 bytes)
{
  return bytes == TEND_INVENTORY_UNSET ? NULL : tend_size_format (bytes);
}

static char *
format_number_or_null (gint64 number)
{
  return number == TEND_INVENTORY_UNSET ? NULL : g_strdup_printf ("%" G_GINT64_FORMAT, number);
}

static char *
format_percent_or_null (double percent)
{
  return percent == TEND_INVENTORY_UNSET ? NULL : g_strdup_printf ("%g%%", percent);
}

/* What the check looks at: a URL, host:port, the command, thresholds; "-" for none. */
static char *
describe_target (const TendInventoryCheck *check)
{
  const TendInventoryResourcesParams *resources = &check->params.resources;
  GString *out = g_string_new (NULL);

  switch (check->kind)
    {
    case TEND_INVENTORY_CHECK_HTTP:
      if (check->params.http.method != TEND_INVENTORY_HTTP_GET)
        g_string_append_printf (out, "%s ", check->params.http.method == TEND_INVENTORY_HTTP_HEAD
                                            ? "HEAD" : "POST");
      g_string_append (out, check->params.http.url);
      break;
    case TEND_INVENTORY_CHECK_TCP:
      append_address (out, check->params.tcp.host, check->params.tcp.port);
      break;
    case TEND_INVENTORY_CHECK_REDIS:
      append_address (out, check->params.redis.host, check->params.redis.port);
      break;
    case TEND_INVENTORY_CHECK_COMMAND:
      for (guint i = 0; check->params.command.argv[i] != NULL; i++)
        {
          const char *arg = check->params.command.argv[i];
          g_autofree char *quoted = NULL;

          if (arg[strcspn (arg, " \t'\"\\$`")] != '\0')
            arg = quoted = g_shell_quote (arg);
          g_string_append_printf (out, "%s%s", i > 0 ? " " : "", arg);
        }
      break;
    case TEND_INVENTORY_CHECK_RESOURCES:
      append_threshold (out, "cpu", format_percent_or_null (resources->cpu_warn_percent),
                        format_percent_or_null (resources->cpu_critical_percent));
      append_threshold (out, "memory", format_bytes_or_null (resources->memory_warn_bytes),
                        format_bytes_or_null (resources->memory_critical_bytes));
      append_threshold (out, "tasks", format_number_or_null (resources->tasks_warn),
                        format_number_or_null (resources->tasks_critical));
      break;
    case TEND_INVENTORY_CHECK_UNIT:
    default:
      break;
    }

  if (out->len == 0)
    g_string_append (out, "-");
  return g_string_free (out, FALSE);
}

typedef struct
{
  TendctlRun *run;
  const char *unit;       /* (unowned) (nullable) from argv */
  const char *host;       /* (unowned) (nullable) from argv */
  gboolean json;
  gboolean names;         /* --names: the checks' names, one a line */
} ListData;

static gboolean
list_matches (const ListData *data,
              const char     *host,
              const char     *unit)
{
  return (data->unit == NULL || g_str_equal (unit, data->unit)) &&
         (data->host == NULL || g_str_equal (host, data->host));
}

static void
print_list_json (GPtrArray *checks)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; i < checks->len; i++)
    {
      const TendInventoryCheck *check = checks->pdata[i];
      g_autofree char *params = tend_inventory_check_params_to_json (check);
      g_autofree char *target = describe_target (check);

      json_builder_begin_object (builder);
      tend_json_add_string (builder, "host", check->host);
      tend_json_add_string (builder, "unit", check->unit);
      tend_json_add_string (builder, "name", check->name);
      tend_json_add_string (builder, "kind", tend_inventory_check_kind_to_string (check->kind));
      tendctl_json_add_duration (builder, "interval", check->interval_usec);
      tendctl_json_add_duration (builder, "timeout", check->timeout_usec);
      tendctl_json_add_number (builder, "failures_before_hard", TRUE,
                               check->failures_before_hard);
      tendctl_json_add_number (builder, "successes_before_recovered", TRUE,
                               check->successes_before_recovered);
      tendctl_json_add_duration (builder, "startup_grace", check->startup_grace_usec);
      json_builder_set_member_name (builder, "enabled");
      json_builder_add_boolean_value (builder, check->enabled);
      tend_json_add_string (builder, "target", target);
      json_builder_set_member_name (builder, "params");
      json_builder_add_value (builder, json_from_string (params, NULL));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  root = json_builder_get_root (builder);
  tendctl_print_json (root, TRUE);
}

static void
print_list_text (GPtrArray *checks)
{
  g_autoptr(TendctlTable) table = NULL;
  g_autoptr(GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) out = g_string_new (NULL);

  table = tendctl_table_new (8, N_("HOST"), N_("UNIT"), N_("NAME"), N_("KIND"), N_("INTERVAL"),
                             N_("TIMEOUT"), N_("ENABLED"), N_("TARGET"));
  for (guint i = 0; i < checks->len; i++)
    {
      const TendInventoryCheck *check = checks->pdata[i];
      char *interval = tend_duration_format (check->interval_usec);
      char *timeout = tend_duration_format (check->timeout_usec);
      char *target = describe_target (check);

      g_ptr_array_add (strings, interval);
      g_ptr_array_add (strings, timeout);
      g_ptr_array_add (strings, target);
      tendctl_table_add_row (table, FALSE, check->host, check->unit, check->name,
                             tend_inventory_check_kind_to_string (check->kind), interval,
                             timeout, check->enabled ? C_("enabled", "yes") : C_("enabled", "no"),
                             target);
    }

  if (checks->len > 0)
    {
      tendctl_table_render (table, out, tendctl_use_color (stdout));
      g_string_append_c (out, '\n');
    }
  if (checks->len == 0)
    g_string_append (out, _("0 checks listed. Add one with 'tendctl watch UNIT' or 'tendctl "
                            "check add UNIT NAME --kind KIND'."));
  else
    g_string_append_printf (out, ngettext ("%u check listed.", "%u checks listed.", checks->len),
                            checks->len);
  g_string_append_c (out, '\n');
  tendctl_write (stdout, out);
}

static void
list_loaded_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  ListData *data = user_data;
  g_autoptr(TendInventory) inventory = NULL;
  g_autoptr(GPtrArray) checks = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GPtrArray *all;
  GPtrArray *services;
  gboolean watched = FALSE;

  inventory = tend_store_load_inventory_finish (TEND_STORE (object), result, &error);
  if (inventory == NULL)
    {
      tendctl_print_error ("%s", error->message);
      tendctl_run_quit (data->run, TENDCTL_EXIT_FAILED);
      return;
    }

  /* A service asked for that Tend does not watch is "not found"; one without checks
   * is an empty list. */
  services = tend_inventory_get_services (inventory);
  for (guint i = 0; i < services->len && !watched; i++)
    {
      const TendInventoryService *service = services->pdata[i];

      watched = list_matches (data, service->host, service->unit);
    }
  if (data->unit != NULL && !watched)
    {
      if (data->host != NULL)
        tendctl_print_error (_("Tend does not watch %s on %s"), data->unit, data->host);
      else
        tendctl_print_error (_("Tend does not watch %s"), data->unit);
      tendctl_run_quit (data->run, TENDCTL_EXIT_NOT_FOUND);
      return;
    }

  all = tend_inventory_get_checks (inventory);
  for (guint i = 0; i < all->len; i++)
    {
      const TendInventoryCheck *check = all->pdata[i];

      if (list_matches (data, check->host, check->unit))
        g_ptr_array_add (checks, all->pdata[i]);
    }

  if (data->json)
    print_list_json (checks);
  else if (data->names)
    tendctl_print_names (checks, G_STRUCT_OFFSET (TendInventoryCheck, name));
  else
    print_list_text (checks);
  tendctl_run_quit (data->run, TENDCTL_EXIT_OK);
}

static void
list_ready (TendctlRun *run,
            gpointer    user_data)
{
  ListData *data = user_data;

  data->run = run;
  tend_store_load_inventory_async (run->store, run->cancellable, list_loaded_cb, data);
}

/* ------------------------------------------------------------------------------------ */
/* Arguments                                                                             */

#define CHECK_SUMMARY \
  N_("Add, list and remove the checks Tend runs on services.\n" \
     "\n" \
     "Subcommands:\n" \
     "  add UNIT NAME --kind KIND [OPTION…] [-- COMMAND [ARG…]]\n" \
     "                        Add a check (and the service, if Tend does not watch it yet)\n" \
     "  list [UNIT] [--json]  List the checks, of every service or of UNIT's\n" \
     "  remove UNIT NAME      Remove a check\n" \
     "\n" \
     "Run 'tendctl check SUBCOMMAND --help' for the options of a subcommand.")

#define ADD_SUMMARY \
  N_("Add the check NAME to the service UNIT, and the service to what Tend watches if it is " \
     "not there yet.\n" \
     "\n" \
     "Kinds, and what they need:\n" \
     "  unit        systemd's state of the unit; no options\n" \
     "  http        --url, and --method, --expect-status, --body-contains, --no-verify-tls,\n" \
     "              --latency-degraded\n" \
     "  tcp         --address and --port, and --send, --expect\n" \
     "  redis       --address (127.0.0.1), --port (6379), --password-env, --max-memory,\n" \
     "              --max-clients, --max-latency, --critical-memory, --critical-clients,\n" \
     "              --critical-latency\n" \
     "  command     the command after \"--\": an absolute path and its arguments, run without\n" \
     "              a shell; exit 0 passes, 1 is a warning, 2 critical\n" \
     "  resources   --cpu-warn, --cpu-critical, --memory-warn, --memory-critical,\n" \
     "              --tasks-warn, --tasks-critical\n" \
     "\n" \
     "Timing left out comes from the configuration (see 'tendctl config list').\n" \
     "Examples:\n" \
     "  tendctl check add nginx.service http --kind http --url http://localhost/health\n" \
     "  tendctl check add app.service disk --kind command -- \\\n" \
     "      /usr/lib/nagios/plugins/check_disk -w 10% -p /")

static const char * const subcommands[] = { "add", "list", "remove", NULL };

static gboolean
parse_kind (const char              *text,
            TendInventoryCheckKind  *kind,
            GError                 **error)
{
  const char *names[N_KINDS + 1] = { NULL, };
  guint choice;

  for (guint i = 0; i < N_KINDS; i++)
    names[i] = tend_inventory_check_kind_to_string (i);

  if (!tendctl_parse_choice ("kind", "check", names, text, &choice, error))
    return FALSE;
  *kind = choice;
  return TRUE;
}

static gboolean
parse_timing (CheckData  *data,
              GError    **error)
{
  for (guint i = 0; i < N_TIMING_OPTIONS; i++)
    {
      const TimingOption *option = &timing_options[i];
      const char *text = data->timing_text[i];

      if (text == NULL)
        continue;
      if (!option->is_duration)
        {
          if (!tendctl_parse_whole (option->option, text, G_MAXINT, &data->timing[i], error))
            return FALSE;
        }
      else if (!tend_duration_parse (text, &data->timing[i], error))
        {
          g_prefix_error (error, "--%s: ", option->option);
          return FALSE;
        }
    }
  return TRUE;
}

/* Everything about the command line that needs no database, before anything is read. */
static gboolean
check_add_arguments (CheckData  *data,
                     GError    **error)
{
  if (!tendctl_validate_unit (data->edit.unit, error) ||
      !parse_kind (data->kind_text, &data->kind, error) ||
      !parse_timing (data, error))
    return FALSE;

  if (data->kind == TEND_INVENTORY_CHECK_COMMAND && (data->argv == NULL || data->argv[0] == NULL))
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   "a command check needs its command after \"--\", such as 'tendctl check add "
                   "%s %s --kind command -- /usr/lib/nagios/plugins/check_disk -w 10%%'",
                   data->edit.unit, data->name);
      return FALSE;
    }
  return build_params (data, error);
}

static char *
audit_parameters (const char *name,
                  const char *kind,
                  gboolean    replace)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  if (name != NULL)
    tend_json_add_string (builder, "name", name);
  if (kind != NULL)
    tend_json_add_string (builder, "kind", kind);
  if (replace)
    {
      json_builder_set_member_name (builder, "replace");
      json_builder_add_boolean_value (builder, TRUE);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static GOptionEntry *
add_entries (CheckData  *data,
             GStrv      *rest)
{
  GArray *entries = g_array_new (TRUE, TRUE, sizeof (GOptionEntry));
  const GOptionEntry fixed[] = {
    { "kind", 'k', 0, G_OPTION_ARG_STRING, &data->kind_text,
      N_("unit, http, tcp, redis, command or resources"), "KIND" },
    TENDCTL_HOST_ENTRY (&data->host_text),
    { "disabled", 0, 0, G_OPTION_ARG_NONE, &data->disabled,
      N_("Store the check, but do not run it"), NULL },
    { "replace", 0, 0, G_OPTION_ARG_NONE, &data->replace,
      N_("Replace the check NAME if the service has one"), NULL },
  };
  const GOptionEntry remaining =
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, rest, NULL, NULL };

  g_array_append_vals (entries, fixed, G_N_ELEMENTS (fixed));
  for (guint i = 0; i < N_TIMING_OPTIONS; i++)
    {
      const GOptionEntry entry = { timing_options[i].option, 0, 0, G_OPTION_ARG_STRING,
                                   &data->timing_text[i], timing_options[i].help,
                                   timing_options[i].arg };

      g_array_append_val (entries, entry);
    }
  for (guint i = 0; i < N_PARAM_OPTIONS; i++)
    {
      gboolean flag = param_options[i].type == VALUE_OFF;
      const GOptionEntry entry = { param_options[i].option, 0, 0,
                                   flag ? G_OPTION_ARG_NONE : G_OPTION_ARG_STRING,
                                   flag ? (gpointer) &data->param_flag[i]
                                        : (gpointer) &data->param_text[i],
                                   param_options[i].help, param_options[i].arg };

      g_array_append_val (entries, entry);
    }
  g_array_append_val (entries, remaining);
  return (GOptionEntry *) g_array_free (entries, FALSE);
}

static TendctlExit
check_add (TendctlGlobalOptions  *global,
           int                    argc,
           char                 **argv)
{
  CheckData data = { { NULL, }, };
  g_autofree GOptionEntry *entries = NULL;
  g_auto(GStrv) rest = NULL;
  TendctlExit status = TENDCTL_EXIT_USAGE;
  int n_options = argc;

  /* What follows "--" is the command of a command check, options and all. */
  for (int i = 1; i < argc && n_options == argc; i++)
    if (g_str_equal (argv[i], "--"))
      {
        n_options = i;
        data.argv = g_strdupv (argv + i + 1);
      }

  entries = add_entries (&data, &rest);
  if (!tendctl_parse_options ("check add", "UNIT NAME --kind KIND [-- COMMAND…]",
                              ADD_SUMMARY, entries, global, &n_options, &argv))
    goto out;
  if (rest == NULL || g_strv_length (rest) != 2)
    {
      tendctl_usage_error ("check add", _("check add needs a UNIT and a NAME for the check, "
                             "such as 'tendctl check add nginx.service http --kind http --url "
                             "http://localhost/'"));
      goto out;
    }
  if (data.kind_text == NULL)
    {
      tendctl_usage_error ("check add", _("check add needs --kind: unit, http, tcp, redis, "
                             "command or resources"));
      goto out;
    }

  data.edit.operation = "check-add";
  data.edit.unit = rest[0];
  data.edit.host = data.host_text;
  data.edit.refused = _("nothing was added");
  data.edit.edit = add_edit;
  data.edit.user_data = &data;
  data.edit.parameters = audit_parameters (rest[1], data.kind_text, data.replace);
  data.name = rest[1];
  check_add_arguments (&data, &data.edit.refusal);
  status = tendctl_edit_run (&data.edit, global, 0);

out:
  check_data_clear (&data);
  return status;
}

static TendctlExit
check_remove (TendctlGlobalOptions  *global,
              int                    argc,
              char                 **argv)
{
  CheckData data = { { NULL, }, };
  g_auto(GStrv) rest = NULL;
  TendctlExit status = TENDCTL_EXIT_USAGE;
  const GOptionEntry entries[] = {
    TENDCTL_HOST_ENTRY (&data.host_text),
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &rest, NULL, NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!tendctl_parse_options ("check remove", "UNIT NAME", N_("Remove the check NAME of UNIT."),
                              entries, global, &argc, &argv))
    goto out;
  if (rest == NULL || g_strv_length (rest) != 2)
    {
      tendctl_usage_error ("check remove", _("check remove needs a UNIT and the NAME of its "
                             "check ('tendctl check list' lists them)"));
      goto out;
    }

  data.edit.operation = "check-remove";
  data.edit.unit = rest[0];
  data.edit.host = data.host_text;
  data.edit.refused = _("nothing was removed");
  data.edit.edit = remove_edit;
  data.edit.user_data = &data;
  data.edit.parameters = audit_parameters (rest[1], NULL, FALSE);
  data.name = rest[1];
  tendctl_validate_unit (data.edit.unit, &data.edit.refusal);
  status = tendctl_edit_run (&data.edit, global, 0);

out:
  check_data_clear (&data);
  return status;
}

static TendctlExit
check_list (TendctlGlobalOptions  *global,
            int                    argc,
            char                 **argv)
{
  ListData data = { NULL, };
  g_autofree char *host = NULL;
  g_auto(GStrv) rest = NULL;
  const GOptionEntry entries[] = {
    { "host", 0, 0, G_OPTION_ARG_STRING, &host, N_("Only the checks of services on HOST"),
      "HOST" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &data.json,
      N_("Print a JSON array with one object per check"), NULL },
    { "names", 0, 0, G_OPTION_ARG_NONE, &data.names,
      N_("Print only the checks' names, one a line (for scripts and shell completion)"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &rest, NULL, NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!tendctl_parse_options ("check list", "[UNIT]",
                              N_("List the checks Tend runs: of every service, or of UNIT's."),
                              entries, global, &argc, &argv))
    return TENDCTL_EXIT_USAGE;
  if (rest != NULL && g_strv_length (rest) > 1)
    {
      tendctl_usage_error ("check list", _("check list takes one UNIT at most"));
      return TENDCTL_EXIT_USAGE;
    }

  data.unit = rest != NULL ? rest[0] : NULL;
  data.host = host;
  if (data.unit != NULL && !tendctl_check_units ((const char * const *) rest, FALSE))
    return TENDCTL_EXIT_USAGE;
  return tendctl_run (global, TENDCTL_RUN_READ_ONLY,
                      list_ready, &data);
}

TendctlExit
tendctl_check (TendctlGlobalOptions  *global,
               int                    argc,
               char                 **argv)
{
  static const TendctlCommandFunc funcs[] = { check_add, check_list, check_remove };

  return tendctl_run_subcommand ("check", CHECK_SUMMARY, subcommands, funcs, global, argc,
                                 argv);
}
