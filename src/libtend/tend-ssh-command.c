/* tend-ssh-command.c — the only commands Tend runs on a remote host, and their output
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Builders: every command is an argv array made here from a fixed list, with full paths
 * (/usr/bin/systemctl, /usr/bin/journalctl) so that what runs is what the sudoers lines
 * of tend_ssh_command_sudoers() name. Each argument that comes from outside (a unit
 * name, a command check's argv) is validated before anything is built; the session
 * quotes every argument for the remote shell (tend_ssh_quote_argv()).
 *
 * Parsers: the remote host is a network peer, so its output is read as hostile: sizes
 * are bounded, bytes that are not UTF-8 are replaced, a NUL or a missing field is an
 * error that says what was wrong, and nothing is trusted to be well-formed.
 */
#define G_LOG_DOMAIN "Tend-Ssh"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tend-json-lib.h"

#include "tend-error.h"
#include "tend-ssh-command.h"
#include "tend-ssh-json.h"
#include "tend-unit-name.h"
#include "tend-util-private.h"

#define SYSTEMCTL  "/usr/bin/systemctl"
#define JOURNALCTL "/usr/bin/journalctl"

/* Output bigger than this is refused: 10,000 units take about 2 MiB. */
#define MAX_OUTPUT (32 * 1024 * 1024)
#define MAX_UNITS  100000

/* The first systemd with systemctl --timestamp= (NEWS, "CHANGES WITH 247"). */
#define TIMESTAMP_OPTION_VERSION 247

/* What `systemctl show` is asked for, with the D-Bus type each has in systemd (as the
 * local backend's GetAll gives them to TendService). */
static const struct
{
  const char *name;
  const char *type;
} show_properties[] = {
  { "Id", "s" },
  { "Description", "s" },
  { "LoadState", "s" },
  { "ActiveState", "s" },
  { "SubState", "s" },
  { "UnitFileState", "s" },
  { "FragmentPath", "s" },
  { "Result", "s" },
  { "MainPID", "u" },
  { "NRestarts", "u" },
  { "ExecMainStatus", "i" },
  { "CPUUsageNSec", "t" },
  { "TasksCurrent", "t" },
  { "MemoryCurrent", "t" },
  { "ActiveEnterTimestamp", "t" },
  { "CanReload", "b" },
  { "Requires", "as" },
  { "BindsTo", "as" },
  { "RequiredBy", "as" },
  { "WantedBy", "as" },
  { "BoundBy", "as" },
  { "Job", "(uo)" },
};

/* ------------------------------------------------------------------------------------ */
/* Builders                                                                              */

static GPtrArray *
start_argv (const TendSshCommandContext *ctx,
            const char                  *program)
{
  GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);

  if (ctx->sudo != TEND_INVENTORY_SUDO_NONE)
    {
      /* -n: never ask for a password (there is no one to type it) */
      g_ptr_array_add (argv, g_strdup ("sudo"));
      g_ptr_array_add (argv, g_strdup ("-n"));
      g_ptr_array_add (argv, g_strdup ("--"));
    }
  g_ptr_array_add (argv, g_strdup (program));
  if (g_str_equal (program, SYSTEMCTL) && ctx->scope == TEND_HOST_SCOPE_USER)
    g_ptr_array_add (argv, g_strdup ("--user"));
  return argv;
}

static char **
end_argv (GPtrArray *argv)
{
  g_ptr_array_add (argv, NULL);
  return (char **) g_ptr_array_free (argv, FALSE);
}

/* A unit name from a person or a file, refused unless systemd's grammar allows it (and
 * it does not start with "-"): no quote, space, ";", "$", "`", "/", newline can pass. */
static gboolean
check_unit (const char  *what,
            const char  *unit,
            GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (unit == NULL)
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT, "%s: no unit name given", what);
      return FALSE;
    }
  if (!tend_unit_name_validate (unit, &local_error))
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   "%s: %s; nothing was sent to the host", what, local_error->message);
      return FALSE;
    }
  /* systemd's grammar allows "..": no unit of a real host has it, and a name that reads
   * as a path is refused here so that nothing downstream takes it for one. */
  if (strstr (unit, "..") != NULL)
    {
      g_autofree char *quoted = tend_quote_for_message (unit, -1);

      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   "%s: %s is not a unit name Tend sends: it contains \"..\"; nothing was "
                   "sent to the host", what, quoted);
      return FALSE;
    }
  return TRUE;
}

/**
 * tend_ssh_command_version:
 *
 * `systemctl --version`: the first query on a connection. Never through sudo.
 */
char **
tend_ssh_command_version (void)
{
  char **argv = g_new0 (char *, 3);

  argv[0] = g_strdup (SYSTEMCTL);
  argv[1] = g_strdup ("--version");
  return argv;
}

/**
 * tend_ssh_command_list_units:
 * @json: `--output=json` (systemd 246 and later print the table as JSON); else the
 *   plain table with its header line, which tells the columns apart
 *
 * `systemctl [--user] list-units --all --no-legend --no-pager --plain --full
 * --output=json`, or `systemctl [--user] list-units --all --no-pager --plain --full`.
 */
char **
tend_ssh_command_list_units (const TendSshCommandContext *ctx,
                             gboolean                     json)
{
  GPtrArray *argv;

  g_return_val_if_fail (ctx != NULL, NULL);

  argv = start_argv (ctx, SYSTEMCTL);
  g_ptr_array_add (argv, g_strdup ("list-units"));
  g_ptr_array_add (argv, g_strdup ("--all"));
  if (json)
    g_ptr_array_add (argv, g_strdup ("--no-legend"));
  g_ptr_array_add (argv, g_strdup ("--no-pager"));
  g_ptr_array_add (argv, g_strdup ("--plain"));
  g_ptr_array_add (argv, g_strdup ("--full"));
  if (json)
    g_ptr_array_add (argv, g_strdup ("--output=json"));
  return end_argv (argv);
}

/**
 * tend_ssh_command_list_unit_files:
 *
 * `systemctl [--user] list-unit-files --no-legend --no-pager --plain --full`
 */
char **
tend_ssh_command_list_unit_files (const TendSshCommandContext *ctx)
{
  GPtrArray *argv;

  g_return_val_if_fail (ctx != NULL, NULL);

  argv = start_argv (ctx, SYSTEMCTL);
  g_ptr_array_add (argv, g_strdup ("list-unit-files"));
  g_ptr_array_add (argv, g_strdup ("--no-legend"));
  g_ptr_array_add (argv, g_strdup ("--no-pager"));
  g_ptr_array_add (argv, g_strdup ("--plain"));
  g_ptr_array_add (argv, g_strdup ("--full"));
  return end_argv (argv);
}

static char *
show_property_list (void)
{
  GString *list = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (show_properties); i++)
    {
      if (i > 0)
        g_string_append_c (list, ',');
      g_string_append (list, show_properties[i].name);
    }
  return g_string_free (list, FALSE);
}

/**
 * tend_ssh_command_show:
 * @units: one or more unit names
 *
 * `systemctl [--user] show [--timestamp=us+utc] -p Id,Description,… -- UNIT…`: the
 * properties TendService applies. `--timestamp=us+utc` (systemd 247 and later, as
 * @ctx's systemd_version says) makes ActiveEnterTimestamp exact to the µs and in UTC.
 */
char **
tend_ssh_command_show (const TendSshCommandContext *ctx,
                       const char * const          *units,
                       GError                     **error)
{
  g_autoptr(GPtrArray) argv = NULL;

  g_return_val_if_fail (ctx != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (units == NULL || units[0] == NULL)
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   "systemctl show: no unit name given");
      return NULL;
    }
  for (guint i = 0; units[i] != NULL; i++)
    if (!check_unit ("systemctl show", units[i], error))
      return NULL;

  argv = start_argv (ctx, SYSTEMCTL);
  g_ptr_array_add (argv, g_strdup ("show"));
  if (ctx->systemd_version >= TIMESTAMP_OPTION_VERSION)
    g_ptr_array_add (argv, g_strdup ("--timestamp=us+utc"));
  g_ptr_array_add (argv, g_strdup ("-p"));
  g_ptr_array_add (argv, show_property_list ());
  g_ptr_array_add (argv, g_strdup ("--"));
  for (guint i = 0; units[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (units[i]));
  return end_argv (g_steal_pointer (&argv));
}

static const char *
action_verb (TendUnitAction action)
{
  switch (action)
    {
    case TEND_UNIT_ACTION_START: return "start";
    case TEND_UNIT_ACTION_STOP: return "stop";
    case TEND_UNIT_ACTION_RESTART: return "restart";
    case TEND_UNIT_ACTION_RELOAD: return "reload";
    case TEND_UNIT_ACTION_ENABLE: return "enable";
    case TEND_UNIT_ACTION_DISABLE: return "disable";
    case TEND_UNIT_ACTION_RESET_FAILED: return "reset-failed";
    default: return NULL;
    }
}

/**
 * tend_ssh_command_action:
 *
 * `systemctl [--user] start|stop|restart|reload|enable|disable|reset-failed -- UNIT`;
 * systemctl waits for the job and says how it ended in its exit status and on stderr.
 */
char **
tend_ssh_command_action (const TendSshCommandContext *ctx,
                         const char                  *unit,
                         TendUnitAction               action,
                         GError                     **error)
{
  const char *verb = action_verb (action);
  g_autofree char *what = NULL;
  GPtrArray *argv;

  g_return_val_if_fail (ctx != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (verb == NULL)
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   "systemctl: unknown operation %d", action);
      return NULL;
    }
  what = g_strdup_printf ("systemctl %s", verb);
  if (!check_unit (what, unit, error))
    return NULL;

  argv = start_argv (ctx, SYSTEMCTL);
  g_ptr_array_add (argv, g_strdup (verb));
  g_ptr_array_add (argv, g_strdup ("--"));
  g_ptr_array_add (argv, g_strdup (unit));
  return end_argv (argv);
}

/**
 * tend_ssh_command_journal:
 *
 * tend_journal_build_argv() with /usr/bin/journalctl: `journalctl --no-pager -o json
 * -n N|all [-p P] [-f] _SYSTEMD_UNIT=UNIT + UNIT=UNIT + _SYSTEMD_USER_UNIT=UNIT +
 * USER_UNIT=UNIT`, behind `sudo -n` in sudo mode.
 */
char **
tend_ssh_command_journal (const TendSshCommandContext *ctx,
                          const char                  *unit,
                          const TendJournalQuery      *query,
                          GError                     **error)
{
  g_auto(GStrv) journal = NULL;
  GPtrArray *argv;

  g_return_val_if_fail (ctx != NULL, NULL);
  g_return_val_if_fail (query != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_unit ("journalctl", unit, error))
    return NULL;
  journal = tend_journal_build_argv (JOURNALCTL, unit, query, error);
  if (journal == NULL)
    return NULL;

  argv = start_argv (ctx, JOURNALCTL);
  for (guint i = 1; journal[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (journal[i]));
  return end_argv (argv);
}

/**
 * tend_ssh_command_check:
 * @argv: a command check's program (an absolute path) and its arguments
 *
 * The check's argv as it is, behind `sudo -n` in sudo mode. Every argument is quoted
 * for the remote shell by the session, so none can start another command; this refuses
 * what cannot be a program's argv: no program, a relative path, an empty argument, one
 * that is not UTF-8 or carries a control character (a newline).
 */
char **
tend_ssh_command_check (const TendSshCommandContext *ctx,
                        const char * const          *argv,
                        GError                     **error)
{
  GPtrArray *out;

  g_return_val_if_fail (ctx != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (argv == NULL || argv[0] == NULL)
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   "command check: no program given");
      return NULL;
    }
  if (!g_path_is_absolute (argv[0]) || strstr (argv[0], "/../") != NULL ||
      g_str_has_suffix (argv[0], "/.."))
    {
      g_autofree char *quoted = tend_quote_for_message (argv[0], -1);

      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   "command check: the program %s is not an absolute path without \"..\"; "
                   "nothing was sent to the host", quoted);
      return NULL;
    }
  for (guint i = 0; argv[i] != NULL; i++)
    {
      g_autofree char *quoted = tend_quote_for_message (argv[i], -1);
      gsize len = strlen (argv[i]);

      if (len == 0)
        {
          g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                       "command check: argument %u is empty; nothing was sent to the host", i);
          return NULL;
        }
      if (!g_utf8_validate (argv[i], len, NULL))
        {
          g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                       "command check: argument %u is not valid UTF-8; nothing was sent to "
                       "the host", i);
          return NULL;
        }
      for (const char *p = argv[i]; *p != '\0'; p++)
        if ((guchar) *p < 0x20 || *p == 0x7f)
          {
            g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                         "command check: argument %u (%s) contains a control character such "
                         "as a newline; nothing was sent to the host", i, quoted);
            return NULL;
          }
    }

  out = start_argv (ctx, argv[0]);
  for (guint i = 1; argv[i] != NULL; i++)
    g_ptr_array_add (out, g_strdup (argv[i]));
  return end_argv (out);
}

/* ------------------------------------------------------------------------------------ */
/* sudoers                                                                               */

/* A unit name as a POSIX extended regular expression, in sudoers' escaping (":" and "\"
 * escaped): systemd's characters, no leading "-". */
#define UNIT_RE "[A-Za-z0-9\\:_.@\\\\][-A-Za-z0-9\\:_.@\\\\]*"

/**
 * tend_ssh_command_sudoers:
 * @user: the remote user Tend logs in as
 *
 * The sudoers lines (for /etc/sudoers.d/tend, checked with `visudo -cf`) that let @user
 * run exactly Tend's commands with `sudo -n`: the list and show queries and journalctl
 * with Tend's own options, the seven unit operations on one unit name each. Arguments
 * are matched by regular expressions anchored at both ends (sudo 1.9.10 or later;
 * Debian 12 has 1.9.13), because a sudoers "*" also matches spaces and so any further
 * option. Command checks are not included: add a line for each check's own program.
 */
char *
tend_ssh_command_sudoers (const TendSshCommandContext *ctx,
                          const char                  *user)
{
  g_autofree char *properties = show_property_list ();
  const char *scope;
  const char *timestamp;
  GString *out;

  g_return_val_if_fail (ctx != NULL, NULL);
  g_return_val_if_fail (user != NULL, NULL);

  scope = ctx->scope == TEND_HOST_SCOPE_USER ? "--user " : "";
  timestamp = ctx->systemd_version == 0 || ctx->systemd_version >= TIMESTAMP_OPTION_VERSION
              ? "(--timestamp=us\\+utc )?" : "";
  out = g_string_new (NULL);
  g_string_append_printf (out,
    "# Tend (sudo -n) for %s: lists units and unit files, reads the properties Tend shows\n"
    "# and the journal of one named unit, and starts, stops, restarts, reloads, enables,\n"
    "# disables or resets one named unit at a time; nothing else, no other option.\n"
    "# The arguments are regular expressions anchored at both ends (sudo 1.9.10 or later).\n"
    "# Command checks run as %s unless you add their programs here.\n",
    user, user);
  g_string_append_printf (out,
    "Cmnd_Alias TEND_QUERY = " SYSTEMCTL " ^%slist-units --all --no-legend --no-pager --plain "
    "--full --output=json$, \\\n"
    "    " SYSTEMCTL " ^%slist-units --all --no-pager --plain --full$, \\\n"
    "    " SYSTEMCTL " ^%slist-unit-files --no-legend --no-pager --plain --full$, \\\n"
    "    " SYSTEMCTL " ^%sshow %s-p %s --( " UNIT_RE ")+$\n",
    scope, scope, scope, scope, timestamp, properties);
  g_string_append_printf (out,
    "Cmnd_Alias TEND_CONTROL = " SYSTEMCTL " ^%s(start|stop|restart|reload|enable|disable|"
    "reset-failed) -- " UNIT_RE "$\n", scope);
  g_string_append_printf (out,
    "Cmnd_Alias TEND_JOURNAL = " JOURNALCTL " ^--no-pager -o json -n ([0-9]+|all)( -p [0-6])?"
    "( -f)? _SYSTEMD_UNIT=" UNIT_RE " \\+ UNIT=" UNIT_RE " \\+ _SYSTEMD_USER_UNIT=" UNIT_RE
    " \\+ USER_UNIT=" UNIT_RE "$\n");
  g_string_append_printf (out, "%s ALL = (root) NOPASSWD: TEND_QUERY, TEND_CONTROL, TEND_JOURNAL\n",
                          user);
  return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------------------------------ */
/* Parsers                                                                               */

static gboolean
check_output (const char  *what,
              const char  *text,
              gsize        length,
              GError     **error)
{
  if (text == NULL && length > 0)
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_FAILED, "%s: no output", what);
      return FALSE;
    }
  if (length > MAX_OUTPUT)
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_FAILED,
                   "%s: the host sent %" G_GSIZE_FORMAT " bytes, more than the %d MiB Tend "
                   "reads", what, length, MAX_OUTPUT / (1024 * 1024));
      return FALSE;
    }
  if (length > 0 && memchr (text, '\0', length) != NULL)
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_FAILED,
                   "%s: the host's output contains a NUL byte; it is not systemctl's", what);
      return FALSE;
    }
  return TRUE;
}

/* A unit name as systemd writes it (the leading "-" of "-.mount" included). */
static gboolean
is_listed_unit_name (const char *name)
{
  g_autofree char *renamed = NULL;

  if (name == NULL || name[0] == '\0' || strlen (name) > TEND_UNIT_NAME_MAX)
    return FALSE;
  if (name[0] != '-')
    return tend_unit_name_validate (name, NULL);
  /* the grammar, Tend's own no-dash rule aside */
  renamed = g_strdup (name);
  renamed[0] = 'x';
  return tend_unit_name_validate (renamed, NULL);
}

static const char *
member_string (JsonObject *object,
               const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/**
 * tend_ssh_parse_list_units_json:
 *
 * Reads `systemctl list-units --output=json`: an array of objects with "unit", "load",
 * "active", "sub", "description" and, only while some unit has a job queued, "job".
 */
/* Adds entry @index of the list (its members in @info, strings that outlive @units), or
 * skips it when its name is not systemd's; FALSE when a member it needs is missing. */
static gboolean
add_listed_unit (TendUnitList  *units,
                 TendUnitInfo  *info,
                 guint          index,
                 GError       **error)
{
  if (info->name == NULL || info->load_state == NULL || info->active_state == NULL ||
      info->sub_state == NULL)
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_FAILED,
                   "systemctl list-units: entry %u lacks one of unit, load, active, sub",
                   index + 1);
      return FALSE;
    }
  if (!is_listed_unit_name (info->name))
    {
      g_debug ("list-units: skipped a unit whose name is not systemd's: %s", info->name);
      return TRUE;
    }
  if (info->job_type == NULL)
    info->job_type = "";
  if (info->description == NULL)
    info->description = "";
  tend_unit_list_add_borrowed (units, info);
  return TRUE;
}

static gboolean
check_unit_count (guint    n,
                  GError **error)
{
  if (n <= MAX_UNITS)
    return TRUE;
  g_set_error (error, TEND_ERROR, TEND_ERROR_FAILED,
               "systemctl list-units listed %u units, more than the %d Tend reads",
               n, MAX_UNITS);
  return FALSE;
}

/* The usual output, read without building a JSON tree (tend-ssh-json.c); NULL and no
 * error when it is not the simple shape. */
static TendUnitList *
scan_list_units (const char  *text,
                 gsize        length,
                 GError     **error)
{
  static const char * const keys[] = { "unit", "load", "active", "sub", "description", "job",
                                       NULL };
  g_autoptr(TendUnitList) units = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  GStringChunk *chunk = g_string_chunk_new (MAX (length, 64));
  guint n;

  if (!tend_ssh_json_scan_table (text, length, keys, chunk, rows))
    {
      g_string_chunk_free (chunk);
      return NULL;
    }
  n = rows->len / 6;
  units = tend_unit_list_new (n);
  tend_unit_list_hold (units, chunk, (GDestroyNotify) g_string_chunk_free);
  if (!check_unit_count (n, error))
    return NULL;
  for (guint i = 0; i < n; i++)
    {
      const char **row = (const char **) rows->pdata + i * 6;
      TendUnitInfo info = { .name = row[0], .load_state = row[1], .active_state = row[2],
                            .sub_state = row[3], .description = row[4], .job_type = row[5] };

      if (!add_listed_unit (units, &info, i, error))
        return NULL;
    }
  return g_steal_pointer (&units);
}

/**
 * tend_ssh_parse_list_units_json:
 *
 * Reads `systemctl list-units --output=json`: an array of objects with "unit", "load",
 * "active", "sub", "description" and, only while some unit has a job queued, "job".
 */
TendUnitList *
tend_ssh_parse_list_units_json (const char  *text,
                                gsize        length,
                                GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(TendUnitList) units = NULL;
  g_autofree char *valid = NULL;
  JsonNode *root;
  JsonArray *array;
  guint n;

  if (!check_output ("systemctl list-units", text, length, error))
    return NULL;

  units = scan_list_units (text, length, &local_error);
  if (units != NULL || local_error != NULL)
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      return g_steal_pointer (&units);
    }

  /* Not the usual shape: json-glib reads it, and says what is wrong. */
  valid = g_utf8_make_valid (text != NULL ? text : "", length);
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, valid, -1, &local_error))
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_FAILED,
                   "systemctl list-units did not print JSON: %s", local_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_FAILED,
                   "systemctl list-units printed JSON that is not a list of units");
      return NULL;
    }

  array = json_node_get_array (root);
  n = json_array_get_length (array);
  if (!check_unit_count (n, error))
    return NULL;

  units = tend_unit_list_new (n);
  tend_unit_list_hold (units, json_node_ref (root), (GDestroyNotify) json_node_unref);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *object;
      TendUnitInfo info = { 0 };

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error (error, TEND_ERROR, TEND_ERROR_FAILED,
                       "systemctl list-units: entry %u is not an object", i + 1);
          return NULL;
        }
      object = json_node_get_object (node);
      info.name = member_string (object, "unit");
      info.load_state = member_string (object, "load");
      info.active_state = member_string (object, "active");
      info.sub_state = member_string (object, "sub");
      info.description = member_string (object, "description");
      info.job_type = member_string (object, "job");
      if (!add_listed_unit (units, &info, i, error))
        return NULL;
    }
  return g_steal_pointer (&units);
}

/* The next line of @text (without its newline), or NULL at the end. */
static char *
next_line (const char **cursor,
           const char  *end)
{
  const char *start = *cursor;
  const char *newline;

  if (start >= end)
    return NULL;
  newline = memchr (start, '\n', end - start);
  if (newline == NULL)
    newline = end;
  *cursor = newline < end ? newline + 1 : end;
  return g_utf8_make_valid (start, newline - start);
}

static char *
column (const char *line,
        gsize       line_len,
        gsize       from,
        gsize       to)
{
  if (from >= line_len)
    return g_strdup ("");
  to = MIN (to, line_len);
  return g_strstrip (g_strndup (line + from, to - from));
}

/**
 * tend_ssh_parse_list_units_plain:
 *
 * Reads `systemctl list-units --all --no-pager --plain --full`: a header line (UNIT LOAD
 * ACTIVE SUB [JOB] DESCRIPTION; JOB only while some unit has a job), whose words give
 * the columns, one line per unit, and after an empty line the legend.
 */
TendUnitList *
tend_ssh_parse_list_units_plain (const char  *text,
                                 gsize        length,
                                 GError     **error)
{
  g_autoptr(TendUnitList) units = NULL;
  g_autofree char *header = NULL;
  const char *cursor = text;
  const char *end = text + length;
  const char *load, *active, *sub, *job, *description;
  char *line;

  if (!check_output ("systemctl list-units", text, length, error))
    return NULL;

  units = tend_unit_list_new (256);
  header = next_line (&cursor, end);
  if (header == NULL || g_str_has_prefix (header, "0 loaded units"))
    return g_steal_pointer (&units);

  load = strstr (header, " LOAD ");
  active = strstr (header, " ACTIVE ");
  sub = strstr (header, " SUB ");
  job = strstr (header, " JOB ");
  description = strstr (header, " DESCRIPTION");
  if (!g_str_has_prefix (header, "UNIT ") || load == NULL || active == NULL || sub == NULL ||
      description == NULL || !(load < active && active < sub && sub < description) ||
      (job != NULL && !(sub < job && job < description)))
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_FAILED,
                   "systemctl list-units printed no header line (UNIT LOAD ACTIVE SUB "
                   "DESCRIPTION) to read its table by");
      return NULL;
    }

  while ((line = next_line (&cursor, end)) != NULL)
    {
      g_autofree char *owned = line;
      gsize len = strlen (line);
      g_autofree char *name = NULL;
      g_autofree char *load_state = NULL;
      g_autofree char *active_state = NULL;
      g_autofree char *sub_state = NULL;
      g_autofree char *job_type = NULL;
      g_autofree char *desc = NULL;
      TendUnitInfo info = { 0 };

      if (len == 0)
        break;  /* the legend follows */
      if (tend_unit_list_get_length (units) >= MAX_UNITS)
        {
          g_set_error (error, TEND_ERROR, TEND_ERROR_FAILED,
                       "systemctl list-units listed more than the %d units Tend reads",
                       MAX_UNITS);
          return NULL;
        }

      /* Every column but the last is ASCII (names, states), so the header's byte
       * offsets are the line's. */
      name = column (line, len, 0, load - header + 1);
      load_state = column (line, len, load - header + 1, active - header + 1);
      active_state = column (line, len, active - header + 1, sub - header + 1);
      sub_state = column (line, len, sub - header + 1,
                          (job != NULL ? job : description) - header + 1);
      job_type = job != NULL ? column (line, len, job - header + 1, description - header + 1)
                             : g_strdup ("");
      desc = column (line, len, description - header + 1, G_MAXSIZE);

      if (*load_state == '\0' || *active_state == '\0' || *sub_state == '\0' ||
          strchr (load_state, ' ') || strchr (active_state, ' ') || strchr (sub_state, ' '))
        {
          g_set_error (error, TEND_ERROR, TEND_ERROR_FAILED,
                       "systemctl list-units: a line does not have the table's columns");
          return NULL;
        }
      if (!is_listed_unit_name (name))
        {
          g_debug ("list-units: skipped a unit whose name is not systemd's: %s", name);
          continue;
        }
      info.name = name;
      info.load_state = load_state;
      info.active_state = active_state;
      info.sub_state = sub_state;
      info.job_type = job_type;
      info.description = desc;
      tend_unit_list_add (units, &info);
    }

  return g_steal_pointer (&units);
}

/**
 * tend_ssh_parse_unit_files:
 *
 * Reads `systemctl list-unit-files --no-legend --no-pager --plain --full`: "NAME STATE
 * [PRESET]" per line. The units are listed as inactive (dead), as the local backend lists
 * unit files that are not loaded.
 */
TendUnitList *
tend_ssh_parse_unit_files (const char  *text,
                           gsize        length,
                           GError     **error)
{
  g_autoptr(TendUnitList) units = NULL;
  const char *cursor = text;
  const char *end = text + length;
  char *line;

  if (!check_output ("systemctl list-unit-files", text, length, error))
    return NULL;

  units = tend_unit_list_new (256);
  while ((line = next_line (&cursor, end)) != NULL)
    {
      g_autofree char *owned = line;
      g_auto(GStrv) fields = NULL;
      TendUnitInfo info = { 0 };

      g_strstrip (line);
      if (*line == '\0')
        continue;
      fields = g_strsplit_set (line, " \t", -1);
      {
        guint n = 0;

        /* squeeze the empty fields of repeated spaces */
        for (guint i = 0; fields[i] != NULL; i++)
          if (*fields[i] != '\0')
            fields[n++] = fields[i];
          else
            g_free (fields[i]);
        fields[n] = NULL;
        if (n < 2)
          {
            g_set_error (error, TEND_ERROR, TEND_ERROR_FAILED,
                         "systemctl list-unit-files: a line has no state");
            return NULL;
          }
      }
      if (tend_unit_list_get_length (units) >= MAX_UNITS)
        {
          g_set_error (error, TEND_ERROR, TEND_ERROR_FAILED,
                       "systemctl list-unit-files listed more than the %d files Tend reads",
                       MAX_UNITS);
          return NULL;
        }
      if (!is_listed_unit_name (fields[0]))
        continue;
      info.name = fields[0];
      info.active_state = "inactive";
      info.sub_state = "dead";
      info.unit_file_state = fields[1];
      tend_unit_list_add (units, &info);
    }
  return g_steal_pointer (&units);
}

/**
 * tend_ssh_parse_version:
 *
 * Reads `systemctl --version` ("systemd 252 (252.38-1~deb12u1)\n+PAM …").
 *
 * Returns: the version number, or 0 with @error set
 */
guint
tend_ssh_parse_version (const char  *text,
                        gsize        length,
                        GError     **error)
{
  g_autofree char *first = NULL;
  const char *cursor = text;
  guint64 version = 0;
  char *end;

  if (!check_output ("systemctl --version", text, length, error))
    return 0;
  first = next_line (&cursor, text + length);
  if (first == NULL || !g_str_has_prefix (first, "systemd ") ||
      (version = g_ascii_strtoull (first + 8, &end, 10)) == 0 || version > 100000 ||
      (*end != '\0' && *end != ' '))
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_FAILED,
                   "the host's systemctl --version does not say \"systemd NUMBER\": is "
                   "systemd installed there?");
      return 0;
    }
  return (guint) version;
}

/* "Sun 2026-12-06 05:53:46.300357 UTC" (--timestamp=us+utc), "… 05:53:46 UTC", or
 * "@1796536426" (--timestamp=unix) as µs since the epoch; "" is 0 (never), as systemd
 * shows it. Other time zones cannot be read without the host's zone: FALSE. */
static gboolean
parse_timestamp (const char *value,
                 guint64    *usec)
{
  int year, month, day, hour, minute;
  double seconds;
  char zone[8];
  const char *p;
  g_autoptr(GDateTime) time = NULL;

  if (*value == '\0' || g_str_equal (value, "n/a"))
    {
      *usec = 0;
      return TRUE;
    }
  if (value[0] == '@')
    {
      guint64 s;

      return g_ascii_string_to_unsigned (value + 1, 10, 0, G_MAXUINT64 / G_USEC_PER_SEC, &s,
                                         NULL) && (*usec = s * G_USEC_PER_SEC, TRUE);
    }

  /* the weekday, then the date */
  p = strchr (value, ' ');
  if (p == NULL)
    return FALSE;
  if (sscanf (p + 1, "%4d-%2d-%2d %2d:%2d:%lf %7s", &year, &month, &day, &hour, &minute,
              &seconds, zone) != 7 || !g_str_equal (zone, "UTC"))
    return FALSE;
  time = g_date_time_new_utc (year, month, day, hour, minute, seconds);
  if (time == NULL || g_date_time_to_unix (time) < 0)
    return FALSE;
  *usec = (guint64) g_date_time_to_unix (time) * G_USEC_PER_SEC +
          (guint64) g_date_time_get_microsecond (time);
  return TRUE;
}

static GVariant *
parse_value (const char *key,
             const char *type,
             const char *value)
{
  guint64 number;
  gint64 signed_number;

  switch (type[0])
    {
    case 's':
      return g_variant_new_string (value);

    case 'u':
      if (!g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT32, &number, NULL))
        return NULL;
      return g_variant_new_uint32 ((guint32) number);

    case 'i':
      if (!g_ascii_string_to_signed (value, 10, G_MININT32, G_MAXINT32, &signed_number, NULL))
        return NULL;
      return g_variant_new_int32 ((gint32) signed_number);

    case 't':
      if (g_str_has_suffix (key, "Timestamp"))
        return parse_timestamp (value, &number) ? g_variant_new_uint64 (number) : NULL;
      /* systemd shows UINT64_MAX as "[not set]" */
      if (g_str_equal (value, "[not set]") || g_str_equal (value, "infinity"))
        return g_variant_new_uint64 (G_MAXUINT64);
      if (!g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT64, &number, NULL))
        return NULL;
      return g_variant_new_uint64 (number);

    case 'b':
      if (g_str_equal (value, "yes"))
        return g_variant_new_boolean (TRUE);
      if (g_str_equal (value, "no"))
        return g_variant_new_boolean (FALSE);
      return NULL;

    case 'a':
      {
        g_auto(GStrv) words = g_strsplit (value, " ", -1);
        g_autoptr(GPtrArray) kept = g_ptr_array_new ();

        for (guint i = 0; words[i] != NULL; i++)
          if (*words[i] != '\0')
            g_ptr_array_add (kept, words[i]);
        return g_variant_new_strv ((const char * const *) kept->pdata, kept->len);
      }

    case '(':
      {
        /* Job: "" when none, else the job's number (systemctl shows the id) */
        g_autofree char *path = NULL;

        if (*value == '\0')
          return g_variant_new ("(uo)", 0, "/");
        if (!g_ascii_string_to_unsigned (value, 10, 1, G_MAXUINT32, &number, NULL))
          return NULL;
        path = g_strdup_printf ("/org/freedesktop/systemd1/job/%" G_GUINT64_FORMAT, number);
        return g_variant_new ("(uo)", (guint32) number, path);
      }

    default:
      g_assert_not_reached ();
    }
}

static const char *
show_property_type (const char *key)
{
  for (guint i = 0; i < G_N_ELEMENTS (show_properties); i++)
    if (g_str_equal (key, show_properties[i].name))
      return show_properties[i].type;
  return NULL;
}

/**
 * tend_ssh_parse_show:
 *
 * Reads `systemctl show -p …` of one or more units: blocks of KEY=VALUE lines, one block
 * per unit in the order asked, separated by an empty line. Each block becomes an a{sv}
 * with systemd's D-Bus types (t, u, i, b, s, as, and Job as (uo)): "[not set]" is
 * UINT64_MAX, an empty timestamp is 0, as on the bus. Keys Tend did not ask for are left
 * out, and a value that does not read as its type is left out (with a debug message)
 * rather than trusted. A block without Id is an error.
 *
 * Returns: (transfer full) (element-type GVariant): one floating-free a{sv} per unit
 */
GPtrArray *
tend_ssh_parse_show (const char  *text,
                     gsize        length,
                     GError     **error)
{
  g_autoptr(GPtrArray) blocks = NULL;
  const char *cursor = text;
  const char *end = text + length;
  GVariantDict dict;
  gboolean open = FALSE;
  gboolean has_id = FALSE;
  char *line;

  if (!check_output ("systemctl show", text, length, error))
    return NULL;

  blocks = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
  for (;;)
    {
      g_autofree char *owned = line = next_line (&cursor, end);
      const char *type;
      char *equals;
      GVariant *value;

      if (line == NULL || *line == '\0')
        {
          if (open)
            {
              if (!has_id)
                {
                  g_variant_dict_clear (&dict);
                  g_set_error (error, TEND_ERROR, TEND_ERROR_FAILED,
                               "systemctl show: unit %u has no Id", blocks->len + 1);
                  return NULL;
                }
              g_ptr_array_add (blocks, g_variant_ref_sink (g_variant_dict_end (&dict)));
              open = FALSE;
            }
          if (line == NULL)
            break;
          continue;
        }

      if (!open)
        {
          if (blocks->len >= MAX_UNITS)
            {
              g_set_error (error, TEND_ERROR, TEND_ERROR_FAILED,
                           "systemctl show: more than %d units", MAX_UNITS);
              return NULL;
            }
          g_variant_dict_init (&dict, NULL);
          open = TRUE;
          has_id = FALSE;
        }

      equals = strchr (line, '=');
      if (equals == NULL || equals == line)
        {
          g_variant_dict_clear (&dict);
          g_set_error (error, TEND_ERROR, TEND_ERROR_FAILED,
                       "systemctl show: a line is not KEY=VALUE");
          return NULL;
        }
      *equals = '\0';
      type = show_property_type (line);
      if (type == NULL)
        continue;
      value = parse_value (line, type, equals + 1);
      if (value == NULL)
        {
          g_debug ("systemctl show: %s=%s is not of type %s; left out", line, equals + 1, type);
          continue;
        }
      if (g_str_equal (line, "Id"))
        has_id = TRUE;
      g_variant_dict_insert_value (&dict, line, value);
    }

  return g_steal_pointer (&blocks);
}
