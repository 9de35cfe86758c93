/* tend-inventory.c — the whole inventory as a value: its types, and the field tables that
 * drive JSON import and export, and diffs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A TendInventory is what `tendctl export` writes and `tendctl import` reads: hosts,
 * watched services, their checks and recovery policies, and configuration values, in
 * the versioned format of docs/inventory-format.md. This file knows nothing of where an
 * inventory is kept: the store loads one and saves one, in one transaction, through the
 * API below.
 *
 * Why a reference-counted boxed struct and not a GObject: an inventory is a value. It
 * has no signals, no properties to bind and no behaviour; it is built, validated,
 * compared and handed over whole. A boxed type with an atomic reference count can be
 * passed to the store's worker thread and kept by the caller at the same time without a
 * copy (as long as neither changes it), and its items are plain structs that C callers
 * read directly.
 *
 * Reading, in three stages:
 *
 *  1. Limits, before anything is parsed: the size (TEND_INVENTORY_MAX_SIZE), then one
 *     linear, non-recursive pass over the text (tend-inventory-scan.c) that enforces the
 *     depth limit with the path where it is passed, the number of values and of
 *     containers (json-glib spends about 300 bytes per object: 16 MiB of "{}," would cost
 *     over a gigabyte), and strict RFC 8259 syntax with line and column. The pass is
 *     strict on purpose: json-glib 1.6 accepts comments, single quotes, hexadecimal and
 *     octal numbers ("port": 010 is 8), silently wraps integers that do not fit in 64
 *     bits, cuts strings at "\u0000", keeps the last of two equal keys and ignores text
 *     after the document; each of those would let a file say one thing to a person and
 *     another to Tend.
 *  2. json-glib builds the tree of a text that is now known to be valid and small.
 *  3. The tree is read against field tables (one per kind of item, below; those of check
 *     parameters in tend-inventory-params.c), which also drive export, copying, freeing
 *     and diffs, so the four cannot disagree about a field (tend-inventory-read.c).
 *
 * Configuration values are checked for their form only (dotted keys, text values):
 * what they mean is TendConfig's to check, with tend_config_validate() on
 * tend_inventory_get_config(), before an import applies anything.
 *
 * Errors: the first stage stops at the first syntax error or passed limit (it reports
 * every key given twice, which does not stop it). Stage three
 * goes on after an error and collects up to TEND_INVENTORY_MAX_ERRORS problems, one per
 * line of the GError's message, each starting with its JSON path; a last line says how
 * many more there were. Problems that would only follow from another one are not
 * reported: when a host has no usable name, dangling references to hosts are not
 * checked, and so on. Nothing is returned unless the whole file is valid.
 *
 * The files, in layers (a file calls only those before it): tend-inventory-fields.c
 * the machinery of field tables, values as text and problems; tend-inventory-params.c
 * the tables of each kind of check's parameters; tend-inventory-scan.c the first stage
 * of reading; this one the types, the rules for strings and field tables of items, and
 * the items; tend-inventory-export.c writing; tend-inventory-parser.c the third stage's
 * reading of fields, tend-inventory-read.c its reading of items; tend-inventory-diff.c
 * diffs; tend-inventory-validate.c changes. The words of the file for enums are the
 * nicks of their GTypes (tend-types.h). What the files share is in
 * tend-inventory-private.h.
 */

#define G_LOG_DOMAIN "Tend-Inventory"

#include "tend-inventory.h"

#include <string.h>

#include "tend-duration.h"
#include "tend-inventory-private.h"
#include "tend-maintenance.h"
#include "tend-unit-name.h"
#include "tend-util-private.h"

#define NAME_MAX_LEN         64
#define TAG_MAX_LEN          32
#define TAGS_MAX             32
#define DEPENDS_ON_MAX       32
#define MAINTENANCE_MAX      16
#define USER_MAX_LEN         32
#define DISPLAY_NAME_MAX_LEN 128

/* Durations in the tables */
#define MSECS(n) ((n) * TEND_USEC_PER_MSEC)
#define SECS(n)  ((n) * TEND_USEC_PER_SEC)
#define MINS(n)  ((n) * TEND_USEC_PER_MIN)
#define HOURS(n) ((n) * TEND_USEC_PER_HOUR)
#define DAYS(n)  ((n) * TEND_USEC_PER_DAY)

/* Rules for strings (see TendInventoryStringRule) */

static gboolean
is_name_char (char c)
{
  return g_ascii_isalnum (c) || c == '.' || c == '_' || c == '-';
}

static gboolean
is_tag_char (char c)
{
  return g_ascii_islower (c) || g_ascii_isdigit (c) || c == '_' || c == '-';
}

static gboolean
rule_name (const char *value,
           guint       i,
           GString    *reason)
{
  return tend_inventory_rule_chars (value, is_name_char, NAME_MAX_LEN, "names are 1 to 64 of "
                                    "A-Z, a-z, 0-9, \".\", \"_\" and \"-\"", reason);
}

static gboolean
rule_tag (const char *value,
          guint       i,
          GString    *reason)
{
  return tend_inventory_rule_chars (value, is_tag_char, TAG_MAX_LEN, "tags are 1 to 32 of a-z, "
                                    "0-9, \"_\" and \"-\"", reason);
}

static gboolean
rule_user (const char *value,
           guint       i,
           GString    *reason)
{
  static const char rule[] = "user names are 1 to 32 of A-Z, a-z, 0-9, \".\", \"_\" and "
                             "\"-\", and do not start with \"-\" or \".\"";

  if (!tend_inventory_rule_chars (value, is_name_char, USER_MAX_LEN, rule, reason))
    return FALSE;

  if (value[0] == '-' || value[0] == '.')
    {
      g_autofree char *quoted = tend_quote_for_message (value, -1);

      g_string_append_printf (reason, "%s starts with \"%c\"; %s", quoted, value[0], rule);
      return FALSE;
    }

  return TRUE;
}

static gboolean
rule_unit (const char *value,
           guint       i,
           GString    *reason)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *quoted = NULL;
  g_autofree char *instance = NULL;
  const char *at;

  if (!tend_unit_name_validate (value, &error))
    {
      g_string_append (reason, error->message);
      return FALSE;
    }

  if (!tend_unit_name_is_template (value))
    return TRUE;

  at = strchr (value, '@');
  instance = g_strdup_printf ("%.*s@INSTANCE%s", (int) (at - value), value, at + 1);
  quoted = tend_quote_for_message (value, -1);
  g_string_append_printf (reason, "%s is a template, not a unit that runs; name one of its "
                          "instances, as in \"%s\"", quoted, instance);
  return FALSE;
}

static gboolean
rule_display_name (const char *value,
                   guint       i,
                   GString    *reason)
{
  g_autofree char *quoted = tend_quote_for_message (value, -1);
  glong n_chars = g_utf8_strlen (value, -1);

  if (n_chars == 0)
    {
      g_string_append (reason, "\"\" is empty; leave the key out or set it to null");
      return FALSE;
    }

  if (n_chars > DISPLAY_NAME_MAX_LEN)
    {
      g_string_append_printf (reason, "%s is %ld characters long; a display name is 1 to %d "
                              "characters", quoted, n_chars, DISPLAY_NAME_MAX_LEN);
      return FALSE;
    }

  for (const char *p = value; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (g_unichar_iscntrl (g_utf8_get_char (p)))
        {
          g_string_append_printf (reason, "%s contains a control character; a display name is "
                                  "one line of text", quoted);
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
rule_maintenance (const char *value,
                  guint       i,
                  GString    *reason)
{
  g_autoptr(GError) error = NULL;
  TendMaintenanceWindow window;

  if (tend_maintenance_window_parse (value, &window, &error))
    return TRUE;

  g_string_append (reason, error->message);
  return FALSE;
}

/* "mon-fri  02:00-04:00" is kept and written as "Mon-Fri 02:00-04:00" */
static char *
normalize_maintenance (const char *value)
{
  TendMaintenanceWindow window;

  if (!tend_maintenance_window_parse (value, &window, NULL))
    return g_strdup (value);

  return tend_maintenance_window_format (&window);
}

/* Field tables */

#define TABLE(fields) { fields, G_N_ELEMENTS (fields) }
#define AT(type, member) G_STRUCT_OFFSET (type, member)

static const TendInventoryField host_fields[] = {
  { "name", TEND_INVENTORY_FIELD_STRING, TEND_INVENTORY_FIELD_REQUIRED | TEND_INVENTORY_FIELD_KEY,
    AT (TendInventoryHost, name), .rule = rule_name,
    .desc = "The host's name in Tend, by which services, checks and policies name it",
    .accepts = "1 to 64 of `A-Z a-z 0-9 . _ -`; unique among the hosts", .option = "NAME" },
  { "kind", TEND_INVENTORY_FIELD_ENUM, TEND_INVENTORY_FIELD_REQUIRED, AT (TendInventoryHost, kind),
    .enum_type = tend_host_kind_get_type,
    .desc = "`local`: this computer, over D-Bus (`tendctl` adds `local-user` when it first "
            "needs it); `ssh`: another one, over SSH", .option = "ssh://… (an ssh host)" },
  { "address", TEND_INVENTORY_FIELD_STRING, TEND_INVENTORY_FIELD_NULLABLE,
    AT (TendInventoryHost, address), .rule = tend_inventory_rule_address,
    .desc = "Where the host is",
    .accepts = "a host name (dot-separated labels of letters, digits and `-`, at most 253 "
               "characters) or an IP address, IPv6 bare (`fe80::1`); required for `ssh`, "
               "not allowed for `local`", .option = "ssh://ADDRESS" },
  { "port", TEND_INVENTORY_FIELD_INT, TEND_INVENTORY_FIELD_NULLABLE, AT (TendInventoryHost, port),
    .min = 1, .max = 65535,
    .desc = "The SSH port; not set: the `Port` of `~/.ssh/config` for the address, else 22",
    .accepts = "`ssh` only", .option = "ssh://ADDRESS:PORT" },
  { "user", TEND_INVENTORY_FIELD_STRING, TEND_INVENTORY_FIELD_NULLABLE,
    AT (TendInventoryHost, user), .rule = rule_user,
    .desc = "The SSH user; not set: ssh's own default",
    .accepts = "1 to 32 of `A-Z a-z 0-9 . _ -`, not starting with `-` or `.`; `ssh` only",
    .option = "ssh://USER@ADDRESS" },
  { "scope", TEND_INVENTORY_FIELD_ENUM, 0, AT (TendInventoryHost, scope),
    .enum_type = tend_host_scope_get_type, .def = TEND_HOST_SCOPE_SYSTEM,
    .desc = "Which service manager: the system's, or the connecting user's",
    .option = "--scope" },
  { "sudo", TEND_INVENTORY_FIELD_ENUM, 0, AT (TendInventoryHost, sudo),
    .enum_type = tend_inventory_sudo_get_type, .def = TEND_INVENTORY_SUDO_NONE,
    .desc = "How commands that need root are run on the host (`tendctl host sudoers NAME` "
            "prints the sudoers lines)", .option = "--sudo (sets sudo)" },
  { "access", TEND_INVENTORY_FIELD_ENUM, 0, AT (TendInventoryHost, access),
    .enum_type = tend_inventory_access_get_type, .def = TEND_INVENTORY_ACCESS_VIEWER,
    .desc = "What Tend may do there, for the window, `tendctl` and recovery alike: `viewer` "
            "looks only (and recovers nothing); `operator` also starts, restarts, reloads and "
            "resets failed units; `admin` everything, stop, enable and disable included",
    .option = "--access" },
};

static const TendInventoryField service_fields[] = {
  { "host", TEND_INVENTORY_FIELD_STRING, TEND_INVENTORY_FIELD_REQUIRED | TEND_INVENTORY_FIELD_KEY,
    AT (TendInventoryService, host), .rule = rule_name,
    .desc = "The host the unit runs on", .accepts = "the `name` of a host",
    .option = "--host" },
  { "unit", TEND_INVENTORY_FIELD_STRING, TEND_INVENTORY_FIELD_REQUIRED | TEND_INVENTORY_FIELD_KEY,
    AT (TendInventoryService, unit), .rule = rule_unit,
    .desc = "The systemd unit watched",
    .accepts = "a unit name (`nginx.service`, `getty@tty1.service`), not starting with `-`, "
               "not a template; with `host`, unique", .option = "UNIT" },
  { "display_name", TEND_INVENTORY_FIELD_STRING, TEND_INVENTORY_FIELD_NULLABLE,
    AT (TendInventoryService, display_name), .rule = rule_display_name,
    .desc = "A name for people; Tend keeps and exports it (the window and `tendctl` show "
            "unit names)",
    .accepts = "1 to 128 characters, one line" },
  { "tags", TEND_INVENTORY_FIELD_STRV, TEND_INVENTORY_FIELD_SET, AT (TendInventoryService, tags),
    .max_count = TAGS_MAX, .rule = rule_tag,
    .desc = "Labels for people and other tools; Tend keeps and exports them",
    .accepts = "each 1 to 32 of `a-z 0-9 _ -`" },
  /* On the same host; each a service of the inventory (tend-inventory-read.c checks) */
  { "depends_on", TEND_INVENTORY_FIELD_STRV, TEND_INVENTORY_FIELD_SET,
    AT (TendInventoryService, depends_on), .max_count = DEPENDS_ON_MAX, .rule = rule_unit,
    .desc = "Units this service needs, on top of systemd's `Requires=` and `BindsTo=`: Tend "
            "does not recover it before a dependency that is down",
    .accepts = "each the `unit` of a service on the same host; not the service itself, and "
               "no cycle" },
  { "maintenance", TEND_INVENTORY_FIELD_STRV, TEND_INVENTORY_FIELD_SET,
    AT (TendInventoryService, maintenance), .max_count = MAINTENANCE_MAX,
    .rule = rule_maintenance, .normalize = normalize_maintenance,
    .desc = "Weekly windows in which Tend neither recovers the service nor notifies; its "
            "checks still run",
    .accepts = "each `DAYS HH:MM-HH:MM` in local time: `Mon-Fri 02:00-04:00`, "
               "`daily 23:30-00:30`", .option = "maintenance add UNIT WINDOW" },
};

/* "params" follows these; see tend_inventory_params_table() */
static const TendInventoryField check_fields[] = {
  { "host", TEND_INVENTORY_FIELD_STRING, TEND_INVENTORY_FIELD_REQUIRED | TEND_INVENTORY_FIELD_KEY,
    AT (TendInventoryCheck, host), .rule = rule_name,
    .desc = "The host of the check's service", .accepts = "with `unit`, a service",
    .option = "--host" },
  { "unit", TEND_INVENTORY_FIELD_STRING, TEND_INVENTORY_FIELD_REQUIRED | TEND_INVENTORY_FIELD_KEY,
    AT (TendInventoryCheck, unit), .rule = rule_unit,
    .desc = "The unit of the check's service", .accepts = "a unit name", .option = "UNIT" },
  { "name", TEND_INVENTORY_FIELD_STRING, TEND_INVENTORY_FIELD_REQUIRED | TEND_INVENTORY_FIELD_KEY,
    AT (TendInventoryCheck, name), .rule = rule_name,
    .desc = "The check's name",
    .accepts = "1 to 64 of `A-Z a-z 0-9 . _ -`; unique for its service", .option = "NAME" },
  { "kind", TEND_INVENTORY_FIELD_ENUM, TEND_INVENTORY_FIELD_REQUIRED, AT (TendInventoryCheck, kind),
    .enum_type = tend_inventory_check_kind_get_type,
    .desc = "What the check looks at; each kind's `params` are below", .option = "--kind" },
  { "interval", TEND_INVENTORY_FIELD_DURATION, 0, AT (TendInventoryCheck, interval_usec),
    .min = SECS (1), .max = DAYS (1), .def = SECS (30),
    .desc = "How often the check runs", .config_key = "checks.default-interval",
    .option = "--interval" },
  { "timeout", TEND_INVENTORY_FIELD_DURATION, 0, AT (TendInventoryCheck, timeout_usec),
    .min = MSECS (100), .max = HOURS (1), .def = SECS (10),
    .desc = "How long one run may take before it fails", .accepts = "below `interval`",
    .config_key = "checks.default-timeout", .option = "--timeout" },
  { "failures_before_hard", TEND_INVENTORY_FIELD_INT, 0,
    AT (TendInventoryCheck, failures_before_hard), .min = 1, .max = 100, .def = 3,
    .desc = "Failures in a row before the failure is hard and recovery may act",
    .config_key = "checks.failures-before-hard", .option = "--failures-before-hard" },
  { "successes_before_recovered", TEND_INVENTORY_FIELD_INT, 0,
    AT (TendInventoryCheck, successes_before_recovered), .min = 1, .max = 100, .def = 2,
    .desc = "Successes in a row before a failed check has recovered",
    .config_key = "checks.successes-before-recovered", .option = "--successes" },
  { "startup_grace", TEND_INVENTORY_FIELD_DURATION, 0, AT (TendInventoryCheck, startup_grace_usec),
    .min = 0, .max = HOURS (1), .def = SECS (10),
    .desc = "Failures this soon after the unit started do not count (a unit check's do: "
            "systemd's word)", .config_key = "checks.startup-grace", .option = "--startup-grace" },
  { "enabled", TEND_INVENTORY_FIELD_BOOL, 0, AT (TendInventoryCheck, enabled), .def = TRUE,
    .desc = "Whether the check runs", .option = "--disabled (sets false)" },
};

static const TendInventoryField policy_fields[] = {
  { "host", TEND_INVENTORY_FIELD_STRING, TEND_INVENTORY_FIELD_REQUIRED | TEND_INVENTORY_FIELD_KEY,
    AT (TendInventoryPolicy, host), .rule = rule_name,
    .desc = "The host of the policy's service",
    .accepts = "with `unit`, a service; at most one policy per service", .option = "--host" },
  { "unit", TEND_INVENTORY_FIELD_STRING, TEND_INVENTORY_FIELD_REQUIRED | TEND_INVENTORY_FIELD_KEY,
    AT (TendInventoryPolicy, unit), .rule = rule_unit,
    .desc = "The unit of the policy's service", .accepts = "a unit name", .option = "UNIT" },
  { "kind", TEND_INVENTORY_FIELD_ENUM, 0, AT (TendInventoryPolicy, kind),
    .enum_type = tend_inventory_policy_kind_get_type, .def = TEND_INVENTORY_POLICY_ON_FAILURE,
    .desc = "When Tend recovers the service: `never`; `on-failure`, when it fails (critical, "
            "or the unit failed); `always`, also when the unit stopped; `backoff`, as "
            "`on-failure`, waiting longer before each attempt",
    .config_key = "recovery.default-policy", .option = "--kind (required)" },
  { "max_recoveries", TEND_INVENTORY_FIELD_INT, 0, AT (TendInventoryPolicy, max_recoveries),
    .min = 1, .max = 100, .def = 3,
    .desc = "At most this many recoveries within `window`; the next waits for the oldest to "
            "leave it", .config_key = "recovery.max-attempts", .option = "--max-recoveries" },
  { "window", TEND_INVENTORY_FIELD_DURATION, 0, AT (TendInventoryPolicy, window_usec),
    .min = MINS (1), .max = DAYS (1), .def = MINS (15),
    .desc = "The period in which `max_recoveries` counts", .config_key = "recovery.window",
    .option = "--window" },
  { "cooldown", TEND_INVENTORY_FIELD_DURATION, 0, AT (TendInventoryPolicy, cooldown_usec), .min = 0,
    .max = HOURS (1), .def = SECS (5),
    .desc = "The pause after each recovery before another may start",
    .config_key = "recovery.cooldown", .option = "--cooldown" },
  { "backoff_initial", TEND_INVENTORY_FIELD_DURATION, 0,
    AT (TendInventoryPolicy, backoff_initial_usec), .min = SECS (1), .max = HOURS (1),
    .def = SECS (10),
    .desc = "`backoff`: the first delay", .config_key = "recovery.backoff-initial",
    .option = "--backoff-initial" },
  { "backoff_multiplier", TEND_INVENTORY_FIELD_DOUBLE, 0,
    AT (TendInventoryPolicy, backoff_multiplier), .dmin = 1.0, .dmax = 10.0, .ddef = 2.0,
    .desc = "`backoff`: the factor each delay grows by",
    .config_key = "recovery.backoff-multiplier", .option = "--backoff-multiplier" },
  { "backoff_max", TEND_INVENTORY_FIELD_DURATION, 0, AT (TendInventoryPolicy, backoff_max_usec),
    .min = SECS (1), .max = DAYS (1), .def = MINS (5),
    .desc = "`backoff`: the longest delay", .accepts = "at least `backoff_initial`",
    .config_key = "recovery.backoff-max", .option = "--backoff-max" },
  { "reset_after", TEND_INVENTORY_FIELD_DURATION, 0, AT (TendInventoryPolicy, reset_after_usec),
    .min = MINS (1), .max = DAYS (1), .def = MINS (10),
    .desc = "`backoff`: healthy this long, the delays start again from the first",
    .config_key = "recovery.backoff-reset-after", .option = "--reset-after" },
  { "jitter", TEND_INVENTORY_FIELD_DOUBLE, 0, AT (TendInventoryPolicy, jitter), .dmin = 0.0,
    .dmax = 1.0, .ddef = 0.0,
    .desc = "`backoff`: the share of each delay that is random",
    .accepts = "the setting is in percent: its 10.0 is 0.1 here", .unit = "share of the delay",
    .config_key = "recovery.backoff-jitter-percent", .option = "--jitter" },
  { "loop_threshold", TEND_INVENTORY_FIELD_INT, 0, AT (TendInventoryPolicy, loop_threshold),
    .min = 2, .max = 100, .def = 3,
    .desc = "This many recoveries within `loop_window` are a restart loop: Tend stops, marks "
            "the service \"manual intervention required\" and waits for `tendctl resume`",
    .config_key = "recovery.loop-threshold", .option = "--loop-threshold" },
  { "loop_window", TEND_INVENTORY_FIELD_DURATION, 0, AT (TendInventoryPolicy, loop_window_usec),
    .min = MINS (1), .max = DAYS (1), .def = MINS (5),
    .desc = "The period in which `loop_threshold` counts", .config_key = "recovery.loop-window",
    .option = "--loop-window" },
};

const TendInventoryFieldTable tend_inventory_host_table = TABLE (host_fields);
const TendInventoryFieldTable tend_inventory_service_table = TABLE (service_fields);
const TendInventoryFieldTable tend_inventory_check_table = TABLE (check_fields);
const TendInventoryFieldTable tend_inventory_policy_table = TABLE (policy_fields);

/* The items */

/* A local host's default is the user's manager, as for tendctl; a remote host is a
 * server, whose services are the system's.
 */
TendHostScope
tend_inventory_default_scope (TendHostKind kind)
{
  return kind == TEND_HOST_KIND_SSH ? TEND_HOST_SCOPE_SYSTEM : TEND_HOST_SCOPE_USER;
}

/* This computer is the user's own: what Tend may do there is what polkit lets the user
 * do, as for tendctl, so its default is admin. A remote host starts as a viewer: the
 * inventory has to say when Tend may act there (operator recovers, admin does all).
 */
TendInventoryAccess
tend_inventory_default_access (TendHostKind kind)
{
  return kind == TEND_HOST_KIND_SSH ? TEND_INVENTORY_ACCESS_VIEWER : TEND_INVENTORY_ACCESS_ADMIN;
}

/* What identifies a service, and a policy: "host/unit" */
char *
tend_inventory_service_key (const char *host,
                            const char *unit)
{
  return g_strconcat (host, "/", unit, NULL);
}

G_DEFINE_BOXED_TYPE (TendInventoryHost, tend_inventory_host,
                     tend_inventory_host_copy, tend_inventory_host_free)
G_DEFINE_BOXED_TYPE (TendInventoryService, tend_inventory_service,
                     tend_inventory_service_copy, tend_inventory_service_free)
G_DEFINE_BOXED_TYPE (TendInventoryCheck, tend_inventory_check,
                     tend_inventory_check_copy, tend_inventory_check_free)
G_DEFINE_BOXED_TYPE (TendInventoryPolicy, tend_inventory_policy,
                     tend_inventory_policy_copy, tend_inventory_policy_free)

/**
 * tend_inventory_host_new:
 * @name: the host's name
 * @kind: local or ssh
 *
 * Returns: (transfer full): a host with the defaults of the file format: no sudo, viewer
 *   access, the user's manager for a local host, and for an ssh host (whose address is
 *   still to set) the system's manager and port 22
 */
TendInventoryHost *
tend_inventory_host_new (const char   *name,
                         TendHostKind  kind)
{
  TendInventoryHost *host;

  g_return_val_if_fail (name != NULL, NULL);

  host = g_new0 (TendInventoryHost, 1);
  tend_inventory_fields_init (&tend_inventory_host_table, host);
  host->name = g_strdup (name);
  host->kind = kind;
  host->scope = tend_inventory_default_scope (kind);
  host->access = tend_inventory_default_access (kind);

  return host;
}

/**
 * tend_inventory_host_copy:
 * @host: a #TendInventoryHost
 *
 * Returns: (transfer full): a deep copy of @host
 */
TendInventoryHost *
tend_inventory_host_copy (const TendInventoryHost *host)
{
  TendInventoryHost *copy;

  g_return_val_if_fail (host != NULL, NULL);

  copy = g_memdup2 (host, sizeof *host);
  tend_inventory_fields_copy (&tend_inventory_host_table, copy);

  return copy;
}

/**
 * tend_inventory_host_free:
 * @host: (nullable): a #TendInventoryHost
 */
void
tend_inventory_host_free (TendInventoryHost *host)
{
  if (host == NULL)
    return;

  tend_inventory_fields_free (&tend_inventory_host_table, host);
  g_free (host);
}

/**
 * tend_inventory_host_format_address:
 *
 * Where an ssh host is reached, as a person writes it: "root@10.0.0.5:2222",
 * "deploy@[fe80::1]", "web1" (no port: ~/.ssh/config's, else 22).
 *
 * Returns: (transfer full) (nullable): the address, or %NULL for a local host
 */
char *
tend_inventory_host_format_address (const TendInventoryHost *host)
{
  GString *out;
  gboolean ipv6;

  g_return_val_if_fail (host != NULL, NULL);

  if (host->kind != TEND_HOST_KIND_SSH || host->address == NULL)
    return NULL;
  out = g_string_new (NULL);
  ipv6 = strchr (host->address, ':') != NULL;
  if (host->user != NULL)
    g_string_append_printf (out, "%s@", host->user);
  g_string_append_printf (out, ipv6 && host->port != TEND_INVENTORY_UNSET ? "[%s]" : "%s",
                          host->address);
  if (host->port != TEND_INVENTORY_UNSET)
    g_string_append_printf (out, ":%d", host->port);
  return g_string_free (out, FALSE);
}

/**
 * tend_inventory_service_new:
 * @host: the name of the service's host
 * @unit: the unit's name
 *
 * Returns: (transfer full): a service with no display name, tags, dependencies or
 *   maintenance windows
 */
TendInventoryService *
tend_inventory_service_new (const char *host,
                            const char *unit)
{
  TendInventoryService *service;

  g_return_val_if_fail (host != NULL, NULL);
  g_return_val_if_fail (unit != NULL, NULL);

  service = g_new0 (TendInventoryService, 1);
  tend_inventory_fields_init (&tend_inventory_service_table, service);
  service->host = g_strdup (host);
  service->unit = g_strdup (unit);

  return service;
}

/**
 * tend_inventory_service_copy:
 * @service: a #TendInventoryService
 *
 * Returns: (transfer full): a deep copy of @service
 */
TendInventoryService *
tend_inventory_service_copy (const TendInventoryService *service)
{
  TendInventoryService *copy;

  g_return_val_if_fail (service != NULL, NULL);

  copy = g_memdup2 (service, sizeof *service);
  tend_inventory_fields_copy (&tend_inventory_service_table, copy);

  return copy;
}

/**
 * tend_inventory_service_free:
 * @service: (nullable): a #TendInventoryService
 */
void
tend_inventory_service_free (TendInventoryService *service)
{
  if (service == NULL)
    return;

  tend_inventory_fields_free (&tend_inventory_service_table, service);
  g_free (service);
}

/**
 * tend_inventory_check_new:
 * @host: the name of the checked service's host
 * @unit: the checked service's unit
 * @name: the check's name, unique for the service
 * @kind: what kind of check it is
 *
 * Gives a check with the defaults of the file format, and the defaults of @kind's
 * parameters; the parameters without a default (an http check's URL, a tcp check's
 * host and port, a command's argv) are still to set.
 *
 * Do not change @kind of a check afterwards: which member of the params union is in
 * use, and is freed, follows it. Make a new check instead.
 *
 * Returns: (transfer full): a new check
 */
TendInventoryCheck *
tend_inventory_check_new (const char             *host,
                          const char             *unit,
                          const char             *name,
                          TendInventoryCheckKind  kind)
{
  TendInventoryCheck *check;

  g_return_val_if_fail (host != NULL, NULL);
  g_return_val_if_fail (unit != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (tend_inventory_params_table (kind) != NULL, NULL);

  check = g_new0 (TendInventoryCheck, 1);
  tend_inventory_fields_init (&tend_inventory_check_table, check);
  check->host = g_strdup (host);
  check->unit = g_strdup (unit);
  check->name = g_strdup (name);
  check->kind = kind;
  tend_inventory_fields_init (tend_inventory_params_table (kind), check);

  return check;
}

/**
 * tend_inventory_check_copy:
 * @check: a #TendInventoryCheck
 *
 * Returns: (transfer full): a deep copy of @check
 */
TendInventoryCheck *
tend_inventory_check_copy (const TendInventoryCheck *check)
{
  TendInventoryCheck *copy;

  g_return_val_if_fail (check != NULL, NULL);

  copy = g_memdup2 (check, sizeof *check);
  tend_inventory_fields_copy (&tend_inventory_check_table, copy);
  tend_inventory_fields_copy (tend_inventory_params_table (check->kind), copy);

  return copy;
}

/**
 * tend_inventory_check_free:
 * @check: (nullable): a #TendInventoryCheck
 */
void
tend_inventory_check_free (TendInventoryCheck *check)
{
  if (check == NULL)
    return;

  tend_inventory_fields_free (tend_inventory_params_table (check->kind), check);
  tend_inventory_fields_free (&tend_inventory_check_table, check);
  g_free (check);
}

/**
 * tend_inventory_policy_new:
 * @host: the name of the service's host
 * @unit: the service's unit
 * @kind: the kind of policy
 *
 * Returns: (transfer full): a policy with the defaults of the file format
 */
TendInventoryPolicy *
tend_inventory_policy_new (const char              *host,
                           const char              *unit,
                           TendInventoryPolicyKind  kind)
{
  TendInventoryPolicy *policy;

  g_return_val_if_fail (host != NULL, NULL);
  g_return_val_if_fail (unit != NULL, NULL);

  policy = g_new0 (TendInventoryPolicy, 1);
  tend_inventory_fields_init (&tend_inventory_policy_table, policy);
  policy->host = g_strdup (host);
  policy->unit = g_strdup (unit);
  policy->kind = kind;

  return policy;
}

/**
 * tend_inventory_policy_copy:
 * @policy: a #TendInventoryPolicy
 *
 * Returns: (transfer full): a deep copy of @policy
 */
TendInventoryPolicy *
tend_inventory_policy_copy (const TendInventoryPolicy *policy)
{
  TendInventoryPolicy *copy;

  g_return_val_if_fail (policy != NULL, NULL);

  copy = g_memdup2 (policy, sizeof *policy);
  tend_inventory_fields_copy (&tend_inventory_policy_table, copy);

  return copy;
}

/**
 * tend_inventory_policy_free:
 * @policy: (nullable): a #TendInventoryPolicy
 */
void
tend_inventory_policy_free (TendInventoryPolicy *policy)
{
  if (policy == NULL)
    return;

  tend_inventory_fields_free (&tend_inventory_policy_table, policy);
  g_free (policy);
}

/* TendInventory */

G_DEFINE_BOXED_TYPE (TendInventory, tend_inventory, tend_inventory_ref, tend_inventory_unref)

/**
 * tend_inventory_new:
 *
 * Returns: (transfer full): an empty inventory
 */
TendInventory *
tend_inventory_new (void)
{
  TendInventory *self = g_new0 (TendInventory, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->hosts = g_ptr_array_new_with_free_func ((GDestroyNotify) tend_inventory_host_free);
  self->services = g_ptr_array_new_with_free_func ((GDestroyNotify) tend_inventory_service_free);
  self->checks = g_ptr_array_new_with_free_func ((GDestroyNotify) tend_inventory_check_free);
  self->policies = g_ptr_array_new_with_free_func ((GDestroyNotify) tend_inventory_policy_free);
  self->config = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  return self;
}

/**
 * tend_inventory_copy:
 * @self: a #TendInventory
 *
 * Returns: (transfer full): a deep copy of @self, to change without changing @self
 */
TendInventory *
tend_inventory_copy (TendInventory *self)
{
  TendInventory *copy;
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (self != NULL, NULL);

  copy = tend_inventory_new ();
  for (guint i = 0; i < self->hosts->len; i++)
    g_ptr_array_add (copy->hosts, tend_inventory_host_copy (self->hosts->pdata[i]));
  for (guint i = 0; i < self->services->len; i++)
    g_ptr_array_add (copy->services, tend_inventory_service_copy (self->services->pdata[i]));
  for (guint i = 0; i < self->checks->len; i++)
    g_ptr_array_add (copy->checks, tend_inventory_check_copy (self->checks->pdata[i]));
  for (guint i = 0; i < self->policies->len; i++)
    g_ptr_array_add (copy->policies, tend_inventory_policy_copy (self->policies->pdata[i]));
  g_hash_table_iter_init (&iter, self->config);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (copy->config, g_strdup (key), g_strdup (value));

  return copy;
}

/**
 * tend_inventory_ref:
 * @self: a #TendInventory
 *
 * Returns: (transfer full): @self
 */
TendInventory *
tend_inventory_ref (TendInventory *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);

  return self;
}

/**
 * tend_inventory_unref:
 * @self: (transfer full): a #TendInventory
 */
void
tend_inventory_unref (TendInventory *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_ptr_array_unref (self->hosts);
  g_ptr_array_unref (self->services);
  g_ptr_array_unref (self->checks);
  g_ptr_array_unref (self->policies);
  g_hash_table_unref (self->config);
  g_free (self);
}

/**
 * tend_inventory_get_hosts:
 * @self: a #TendInventory
 *
 * The inventory's own array: items added to it belong to it. Nothing keeps it valid as
 * it changes; tend_inventory_validate() says whether it is.
 *
 * Returns: (transfer none) (element-type TendInventoryHost): the hosts
 */
GPtrArray *
tend_inventory_get_hosts (TendInventory *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->hosts;
}

/**
 * tend_inventory_get_services:
 * @self: a #TendInventory
 *
 * Returns: (transfer none) (element-type TendInventoryService): the services, as
 *   tend_inventory_get_hosts() describes
 */
GPtrArray *
tend_inventory_get_services (TendInventory *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->services;
}

/**
 * tend_inventory_get_checks:
 * @self: a #TendInventory
 *
 * Returns: (transfer none) (element-type TendInventoryCheck): the checks, as
 *   tend_inventory_get_hosts() describes
 */
GPtrArray *
tend_inventory_get_checks (TendInventory *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->checks;
}

/**
 * tend_inventory_get_policies:
 * @self: a #TendInventory
 *
 * Returns: (transfer none) (element-type TendInventoryPolicy): the policies, as
 *   tend_inventory_get_hosts() describes
 */
GPtrArray *
tend_inventory_get_policies (TendInventory *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->policies;
}

/**
 * tend_inventory_get_config:
 * @self: a #TendInventory
 *
 * Configuration values as a person types them, by key ("checks.default-interval" →
 * "30s"). They are checked here only for their form; TendConfig checks their meaning.
 *
 * Returns: (transfer none) (element-type utf8 utf8): the inventory's own table
 */
GHashTable *
tend_inventory_get_config (TendInventory *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->config;
}

/**
 * tend_inventory_add_host:
 * @self: a #TendInventory
 * @host: (transfer full): a host
 */
void
tend_inventory_add_host (TendInventory     *self,
                         TendInventoryHost *host)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (host != NULL);

  g_ptr_array_add (self->hosts, host);
}

/**
 * tend_inventory_add_service:
 * @self: a #TendInventory
 * @service: (transfer full): a service
 */
void
tend_inventory_add_service (TendInventory        *self,
                            TendInventoryService *service)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (service != NULL);

  g_ptr_array_add (self->services, service);
}

/**
 * tend_inventory_add_check:
 * @self: a #TendInventory
 * @check: (transfer full): a check
 */
void
tend_inventory_add_check (TendInventory      *self,
                          TendInventoryCheck *check)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (check != NULL);

  g_ptr_array_add (self->checks, check);
}

/**
 * tend_inventory_add_policy:
 * @self: a #TendInventory
 * @policy: (transfer full): a policy
 */
void
tend_inventory_add_policy (TendInventory       *self,
                           TendInventoryPolicy *policy)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (policy != NULL);

  g_ptr_array_add (self->policies, policy);
}

/**
 * tend_inventory_find_policy:
 * @self: a #TendInventory
 * @host: a host's name
 * @unit: a unit
 *
 * Returns: (transfer none) (nullable): the policy of the service @unit on @host, if it
 *   has one of its own
 */
TendInventoryPolicy *
tend_inventory_find_policy (TendInventory *self,
                            const char    *host,
                            const char    *unit)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (host != NULL && unit != NULL, NULL);

  for (guint i = 0; i < self->policies->len; i++)
    {
      TendInventoryPolicy *policy = self->policies->pdata[i];

      if (g_str_equal (policy->host, host) && g_str_equal (policy->unit, unit))
        return policy;
    }
  return NULL;
}

/**
 * tend_inventory_set_config:
 * @self: a #TendInventory
 * @key: a configuration key
 * @value: (nullable): its value as a person types it, or %NULL to remove the key
 */
void
tend_inventory_set_config (TendInventory *self,
                           const char    *key,
                           const char    *value)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (key != NULL);

  if (value == NULL)
    g_hash_table_remove (self->config, key);
  else
    g_hash_table_replace (self->config, g_strdup (key), g_strdup (value));
}
