/* tendctl.c — the command-line twin of Tend: global options and dispatch
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * tendctl [--user|--system] COMMAND [ARGS…]
 *
 * Every command sits on TendHost, as the window does: it connects (when it needs the
 * bus), issues its requests at once, waits on a GMainLoop and exits with a status
 * from TendctlExit. Nothing here speaks D-Bus.
 */
#define G_LOG_DOMAIN "Tendctl"

#include "config.h"

#include <locale.h>
#include <unistd.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include <glib/gi18n.h>

#include "tendctl.h"
#include "tendctl-output.h"

static const struct {
  const char *name;
  TendctlCommandFunc func;
} commands[] = {
  { "list", tendctl_list },
  { "status", tendctl_status },
  { "start", tendctl_control },
  { "stop", tendctl_control },
  { "restart", tendctl_control },
  { "reload", tendctl_control },
  { "enable", tendctl_control },
  { "disable", tendctl_control },
  { "reset-failed", tendctl_control },
  { "logs", tendctl_logs },
  { "config", tendctl_config },
  { "history", tendctl_history },
  { "incidents", tendctl_incidents },
  { "audit", tendctl_audit },
  { "export", tendctl_export },
  { "import", tendctl_import },
  { "check", tendctl_check },
  { "watch", tendctl_watch },
  { "unwatch", tendctl_watch },
  { "health", tendctl_health },
  { "monitor", tendctl_monitor },
  { "demo", tendctl_demo },
  { "policy", tendctl_policy },
  { "silence", tendctl_silence },
  { "recover", tendctl_recover },
  { "resume", tendctl_resume },
  { "maintenance", tendctl_maintenance },
  { "host", tendctl_host },
};

#define COMMANDS_HELP N_( \
  "Commands:\n" \
  "  list [--all] [--state=STATE,…] [--installed] [--json]\n" \
  "                        List units (by default those active, failed or with a job)\n" \
  "  status UNIT… [--json] Show the state, resources and dependencies of units\n" \
  "  start UNIT…           Start units (all at once), and wait for their jobs\n" \
  "  stop UNIT…            Stop units\n" \
  "  restart UNIT…         Restart units\n" \
  "  reload UNIT…          Reload the configuration of units\n" \
  "  enable UNIT…          Enable unit files\n" \
  "  disable UNIT…         Disable unit files\n" \
  "  reset-failed UNIT…    Clear the failed state of units\n" \
  "  logs UNIT [-n N] [-f] [-p PRIORITY] [--json]\n" \
  "                        Show (or follow) the journal of a unit\n" \
  "  config list|get|set|reset …\n" \
  "                        Read and change the configuration (monitoring defaults)\n" \
  "  history UNIT [--since TIME] [--until TIME] [--json|--csv]\n" \
  "                        Show a unit's stored check results and its uptime\n" \
  "  incidents [UNIT] [--json]\n" \
  "                        Show incidents: failures, their cause and what was done\n" \
  "  audit [--since TIME] [--json]\n" \
  "                        Show the audit log: every operation done through Tend\n" \
  "  export [FILE]         Write the whole inventory as JSON\n" \
  "  import FILE [--dry-run]\n" \
  "                        Replace the inventory with FILE's, all or nothing\n" \
  "  check add|list|remove …\n" \
  "                        The checks Tend runs on services\n" \
  "  watch UNIT            Watch a unit: its state and its CPU, with default checks\n" \
  "  unwatch UNIT          Stop watching a unit: remove it and its checks\n" \
  "  health [UNIT] [--json]\n" \
  "                        Show services' health: each check's layer, soft/hard, flapping\n" \
  "  monitor [--verbose]   Run the checks in the foreground until SIGTERM or Ctrl+C\n" \
  "  demo [--every SECONDS]\n" \
  "                        Tend's demo in the terminal: three services, watched, until Ctrl+C\n" \
  "  policy show|set|reset …\n" \
  "                        How Tend recovers a service: its policy, silence and marks\n" \
  "  silence UNIT --for DURATION | --until TIME [--reason TEXT] | --clear\n" \
  "                        No recovery and no notifications about UNIT for a while\n" \
  "  recover UNIT [--timeout DURATION] [--json]\n" \
  "                        Recover UNIT now: reload, start or restart, verified by its checks\n" \
  "  resume UNIT           Recover UNIT again after Tend stopped in a restart loop\n" \
  "  maintenance list|add|remove …\n" \
  "                        Weekly windows in which Tend leaves a service alone\n" \
  "  host add NAME ssh://[USER@]ADDRESS[:PORT] [--scope user|system] [--sudo]\n" \
  "           [--access viewer|operator|admin] [--accept-fingerprint SHA256:…]\n" \
  "                        Add an SSH host (Tend connects first and checks its key)\n" \
  "  host list [--json] | show NAME | remove NAME | set NAME … | sudoers NAME\n" \
  "                        The hosts Tend looks after; --host NAME before any command\n" \
  "                        reads or controls that host's services")

#define EXIT_STATUS_HELP N_( \
  "Exit status:\n" \
  "  0  success\n" \
  "  1  an operation failed (a job failed, timed out, was cancelled or is not\n" \
  "     supported by the unit), or another failure\n" \
  "  2  usage error or invalid input (nothing was sent)\n" \
  "  3  a unit, a host, a setting, or Tend's records of a unit were not found\n" \
  "  4  permission denied (by the manager or polkit)\n" \
  "  5  the service manager could not be reached (no bus, no manager, an SSH host\n" \
  "     that does not answer)\n" \
  "  6  the host's access level in Tend does not allow it (a viewer host; stop,\n" \
  "     enable or disable on an operator host)\n" \
  "  7  an SSH host's key is unknown (confirm its fingerprint) or changed (refused)\n" \
  "  8  an SSH host refused every key Tend could offer (authentication failed)\n" \
  "  9  monitor: another engine (the window's or a tendctl monitor) already runs\n" \
  "     for this data directory\n" \
  "With several units the most serious status wins: 8 > 7 > … > 1 > 0.\n" \
  "\n" \
  "Run 'tendctl COMMAND --help' for the options of a command.")

/* ------------------------------------------------------------------------------------ */
/* Options                                                                               */

static GOptionEntry *
global_entries (TendctlGlobalOptions *global)
{
  GOptionEntry entries[] = {
    { "user", 0, 0, G_OPTION_ARG_NONE, &global->user,
      N_("Talk to the service manager of the calling user (the default)"), NULL },
    { "system", 0, 0, G_OPTION_ARG_NONE, &global->system,
      N_("Talk to the system's service manager"), NULL },
    { "host", 0, 0, G_OPTION_ARG_STRING, &global->host,
      N_("Talk to HOST of Tend's inventory ('tendctl host list'), such as an SSH host"),
      "HOST" },
    G_OPTION_ENTRY_NULL
  };

  return g_memdup2 (entries, sizeof entries);
}

TendHostScope
tendctl_global_options_get_scope (const TendctlGlobalOptions *global)
{
  return global->system ? TEND_HOST_SCOPE_SYSTEM : TEND_HOST_SCOPE_USER;
}

static gboolean
check_scope (const char           *command,
             TendctlGlobalOptions *global)
{
  if (global->user && global->system)
    {
      tendctl_usage_error (command, _("--user and --system cannot be used together"));
      return FALSE;
    }
  return TRUE;
}

/**
 * tendctl_usage_error:
 * @command: (nullable): the command, to point at its --help
 *
 * Says what is wrong with the command line, and where to read how it goes.
 */
void
tendctl_usage_error (const char *command,
                     const char *format,
                     ...)
{
  g_autoptr(GString) text = g_string_new ("tendctl: ");
  va_list args;

  va_start (args, format);
  g_string_append_vprintf (text, format, args);
  va_end (args);

  if (command != NULL)
    g_string_append_printf (text, _("\nRun 'tendctl %s --help' for its usage.\n"), command);
  else
    g_string_append (text, _("\nUsage: tendctl [--user|--system] [--host HOST] COMMAND [ARGS…]\n"
                             "Run 'tendctl --help' for the list of commands.\n"));
  fflush (stdout);
  tendctl_write (stderr, text);
}

/**
 * tendctl_check_units:
 * @units: the unit names a person typed
 * @allow_templates: whether a template ("getty@.service") is fine here: it is for
 *   enable and disable, while a template cannot be started, stopped or shown
 *
 * Checks every name before anything is sent, and says what is wrong with each bad one.
 *
 * Returns: %TRUE if all are valid; otherwise the caller exits with %TENDCTL_EXIT_USAGE
 */
gboolean
tendctl_check_units (const char * const *units,
                     gboolean            allow_templates)
{
  guint n_invalid = 0;
  guint n_units = 0;

  for (; units[n_units] != NULL; n_units++)
    {
      g_autofree char *problem = tendctl_check_unit (units[n_units], allow_templates);

      if (problem != NULL)
        {
          tendctl_print_error ("%s", problem);
          n_invalid++;
        }
    }

  if (n_invalid > 0 && n_units > 1)
    tendctl_print_error (g_dngettext (GETTEXT_PACKAGE,
                                      "nothing was sent: %u of the %u unit names is not valid",
                                      "nothing was sent: %u of the %u unit names are not valid",
                                      n_invalid),
                         n_invalid, n_units);
  return n_invalid == 0;
}

/**
 * tendctl_check_unit:
 *
 * Returns: (transfer full) (nullable): what is wrong with the unit name @name, or
 *   %NULL when it may be sent
 */
char *
tendctl_check_unit (const char *name,
                    gboolean    allow_templates)
{
  g_autoptr(GError) error = NULL;
  const char *at;

  if (!tend_unit_name_validate (name, &error))
    return g_strdup (error->message);
  if (allow_templates || !tend_unit_name_is_template (name))
    return NULL;

  at = strchr (name, '@');
  return g_strdup_printf (_("'%s' is a template, not a unit: name one of its instances, "
                            "such as '%.*s@INSTANCE%s'"), name, (int) (at - name), name, at + 1);
}

/**
 * tendctl_validate_unit:
 *
 * tendctl_check_unit() for a command that records a refusal: the problem is an error
 * (%TEND_ERROR_INVALID_ARGUMENT). Templates are refused.
 *
 * Returns: whether @name may be used
 */
gboolean
tendctl_validate_unit (const char  *name,
                       GError     **error)
{
  g_autofree char *problem = tendctl_check_unit (name, FALSE);

  if (problem == NULL)
    return TRUE;
  g_set_error_literal (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT, problem);
  return FALSE;
}

/**
 * tendctl_parse_whole:
 * @option: the option's name without "--", for the message
 * @max: the largest magnitude accepted
 *
 * Reads a whole number, such as an option's value; the range of the setting is for its
 * own rules to check.
 *
 * Returns: whether @text is one, with @error (%TEND_ERROR_INVALID_ARGUMENT) if not
 */
gboolean
tendctl_parse_whole (const char  *option,
                     const char  *text,
                     gint64       max,
                     gint64      *value,
                     GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (g_ascii_string_to_signed (text, 10, -max, max, value, &local_error))
    return TRUE;

  if (g_error_matches (local_error, G_NUMBER_PARSER_ERROR, G_NUMBER_PARSER_ERROR_OUT_OF_BOUNDS))
    g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT, _("--%s: %s is too large"),
                 option, text);
  else
    g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                 _("--%s: \"%s\" is not a whole number"), option, text);
  return FALSE;
}

/**
 * tendctl_parse_number:
 *
 * tendctl_parse_whole() for a number with a fraction ("1.5").
 */
gboolean
tendctl_parse_number (const char  *option,
                      const char  *text,
                      double      *value,
                      GError     **error)
{
  char *end = NULL;

  *value = g_ascii_strtod (text, &end);
  if (end != text && *end == '\0' && isfinite (*value))
    return TRUE;

  g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
               _("--%s: \"%s\" is not a number, such as 1.5"), option, text);
  return FALSE;
}

/* "add, list or remove" */
static char *
join_alternatives (const char * const *names)
{
  GString *out = g_string_new (NULL);
  guint n = g_strv_length ((char **) names);

  for (guint i = 0; i < n; i++)
    /* TRANSLATORS: before the last of several choices: "add, list or remove" */
    g_string_append_printf (out, "%s%s", i == 0 ? "" : i + 1 == n ? _(" or ") : ", ", names[i]);
  return g_string_free (out, FALSE);
}

/* The position of @name in @names, or -1 */
static int
find_name (const char * const *names,
           const char         *name)
{
  for (int i = 0; names[i] != NULL; i++)
    if (g_str_equal (name, names[i]))
      return i;
  return -1;
}

/**
 * tendctl_parse_choice:
 * @option: the option's name without "--": "kind"
 * @what: what it is of, for the message: "check" ("there is no kind of check …")
 * @names: (array zero-terminated=1): the choices, in the order of their values
 * @choice: (out): the position of @text in @names
 *
 * Returns: whether @text is one of @names, with @error (%TEND_ERROR_INVALID_ARGUMENT)
 *   listing them if not
 */
gboolean
tendctl_parse_choice (const char          *option,
                      const char          *what,
                      const char * const  *names,
                      const char          *text,
                      guint               *choice,
                      GError             **error)
{
  g_autofree char *alternatives = NULL;
  int position = find_name (names, text);

  if (position >= 0)
    {
      *choice = position;
      return TRUE;
    }

  alternatives = join_alternatives (names);
  g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
               _("--%s: there is no %s of %s \"%s\"; use %s"), option, option, what, text,
               alternatives);
  return FALSE;
}

/* The target of a command's own --host, if it has one */
static char **
command_host_entry (const GOptionEntry *entries)
{
  for (guint i = 0; entries[i].long_name != NULL; i++)
    if (g_str_equal (entries[i].long_name, "host") && entries[i].arg == G_OPTION_ARG_STRING)
      return entries[i].arg_data;
  return NULL;
}

/**
 * tendctl_parse_options:
 * @command: the command's name, as typed
 * @entries: the command's own options; put a %G_OPTION_REMAINING entry among them to
 *   receive its positional arguments
 * @global: receives --user and --system, which every command accepts too
 * @argc: (inout): the arguments, starting with the command's name
 *
 * Parses a command's arguments. On an unknown option or a bad value it prints the
 * problem and a pointer to --help and returns %FALSE; the caller exits with
 * %TENDCTL_EXIT_USAGE. --help prints the command's help and exits 0.
 */
gboolean
tendctl_parse_options (const char             *command,
                       const char             *parameter_string,
                       const char             *summary,
                       const GOptionEntry     *entries,
                       TendctlGlobalOptions   *global,
                       int                    *argc,
                       char                 ***argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autofree GOptionEntry *globals = global_entries (global);
  g_autofree char *prgname = g_strdup_printf ("tendctl %s", command);
  g_autoptr(GError) error = NULL;
  char **own_host = command_host_entry (entries);
  GOptionGroup *group;
  gboolean ok;

  /* A command with a --host of its own (the service's host of an edit) has one --host:
   * the global one given before the command is its default. */
  if (own_host != NULL)
    {
      for (guint i = 0; globals[i].long_name != NULL; i++)
        if (g_str_equal (globals[i].long_name, "host"))
          globals[i].flags |= G_OPTION_FLAG_HIDDEN;
      if (*own_host == NULL && global->host != NULL)
        *own_host = g_strdup (global->host);
    }

  context = g_option_context_new (parameter_string);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, summary);
  g_option_context_set_description (context, EXIT_STATUS_HELP);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  group = g_option_group_new ("global", _("Global options:"), _("Show the global options"),
                              NULL, NULL);
  g_option_group_set_translation_domain (group, GETTEXT_PACKAGE);
  g_option_group_add_entries (group, globals);
  g_option_context_add_group (context, group);

  /* The usage line of --help says "tendctl COMMAND [OPTION…]". */
  g_set_prgname (prgname);
  ok = g_option_context_parse (context, argc, argv, &error);
  g_set_prgname ("tendctl");

  if (!ok)
    {
      tendctl_usage_error (command, "%s", error->message);
      return FALSE;
    }
  if (own_host != NULL && *own_host != NULL && g_strcmp0 (*own_host, global->host) != 0)
    {
      g_free (global->host);
      global->host = g_strdup (*own_host);
    }
  return check_scope (command, global);
}

/**
 * tendctl_parse_subcommand:
 * @command: the command of the group: "config"
 * @summary: what --help says about the group, its subcommands included
 * @names: (array zero-terminated=1): the subcommands
 * @argc: the arguments, starting with @command
 *
 * Finds the subcommand of a command group ("config set"). "tendctl config --help"
 * prints @summary and exits 0; no subcommand, or an unknown one, is a usage error.
 *
 * Returns: the position of the subcommand in @names, or -1 after a usage error
 */
int
tendctl_parse_subcommand (const char           *command,
                          const char           *summary,
                          const char * const   *names,
                          TendctlGlobalOptions *global,
                          int                   argc,
                          char                **argv)
{
  g_autofree char *alternatives = join_alternatives (names);
  g_auto(GStrv) rest = NULL;
  const GOptionEntry entries[] = {
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &rest, NULL, NULL },
    G_OPTION_ENTRY_NULL
  };

  if (argc >= 2 && argv[1][0] != '-')
    {
      int position = find_name (names, argv[1]);

      if (position >= 0)
        return position;
      tendctl_usage_error (command, _("unknown subcommand '%s %s': use %s"), command, argv[1],
                           alternatives);
      return -1;
    }

  /* "COMMAND --help" prints the subcommands; anything else lacks one. */
  if (tendctl_parse_options (command, "SUBCOMMAND [ARGS…]", summary, entries, global, &argc,
                             &argv))
    tendctl_usage_error (command, _("%s needs a subcommand: %s"), command, alternatives);
  return -1;
}

/**
 * tendctl_run_subcommand:
 * @funcs: the function of each of @names
 *
 * Runs the subcommand of a command group ("policy set"), found with
 * tendctl_parse_subcommand(), with its arguments (starting with its name).
 *
 * Returns: the subcommand's exit status, or %TENDCTL_EXIT_USAGE
 */
TendctlExit
tendctl_run_subcommand (const char               *command,
                        const char               *summary,
                        const char * const       *names,
                        const TendctlCommandFunc *funcs,
                        TendctlGlobalOptions     *global,
                        int                       argc,
                        char                    **argv)
{
  int position = tendctl_parse_subcommand (command, summary, names, global, argc, argv);

  if (position < 0)
    return TENDCTL_EXIT_USAGE;
  return funcs[position] (global, argc - 1, argv + 1);
}

/* ------------------------------------------------------------------------------------ */
/* Running                                                                               */

typedef struct
{
  TendctlRun run;
  TendctlRunFlags flags;
  TendctlReadyFunc ready;
  gpointer user_data;
  TendHostScope scope;
  const char *host_name;      /* (nullable) --host */
} RunData;

static void
connect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  RunData *data = user_data;
  g_autoptr(GError) error = NULL;

  if (!tend_host_connect_finish (TEND_HOST (object), result, &error))
    {
      tendctl_print_error ("%s", error->message);
      tendctl_run_quit (&data->run, tendctl_exit_for_error (error));
      return;
    }

  data->ready (&data->run, data->user_data);
}

static void
connect_or_start (RunData *data)
{
  if ((data->flags & TENDCTL_RUN_CONNECT) ||
      ((data->flags & TENDCTL_RUN_CONNECT_REMOTE) &&
       tend_host_get_kind (data->run.host) != TEND_HOST_KIND_LOCAL))
    tend_host_connect_async (data->run.host, data->run.cancellable, connect_cb, data);
  else
    data->ready (&data->run, data->user_data);
}

/* The run's host is ready to be used: audited when asked, then connected. */
static void
host_ready (RunData *data)
{
  /* One command, then exit: the list need not follow changes. */
  tend_host_set_follow_changes (data->run.host, FALSE);
  if (data->run.store != NULL && (data->flags & TENDCTL_RUN_AUDIT))
    tend_host_set_audit (data->run.host, data->run.store, TEND_AUDIT_ORIGIN_CLI);
  connect_or_start (data);
}

/* "local-user" and "local-system" are this computer's hosts, in the inventory or not. */
static gboolean
local_host_name (const char    *name,
                 TendHostScope *scope)
{
  if (g_str_equal (name, "local-user"))
    *scope = TEND_HOST_SCOPE_USER;
  else if (g_str_equal (name, "local-system"))
    *scope = TEND_HOST_SCOPE_SYSTEM;
  else
    return FALSE;
  return TRUE;
}

/* --host NAME is not a host of @inventory (%NULL: it could not be read, for @why) */
static void
unknown_host (RunData       *data,
              TendInventory *inventory,
              const GError  *why)
{
  g_autoptr(GString) known = g_string_new (NULL);
  GPtrArray *hosts = inventory != NULL ? tend_inventory_get_hosts (inventory) : NULL;

  for (guint i = 0; hosts != NULL && i < hosts->len; i++)
    g_string_append_printf (known, "%s%s", known->len > 0 ? ", " : "",
                            ((TendInventoryHost *) hosts->pdata[i])->name);
  if (why != NULL)
    tendctl_print_error (_("--host: there is no host '%s': Tend's inventory cannot be read "
                           "(%s)"), data->host_name, why->message);
  else if (known->len == 0)
    tendctl_print_error (_("--host: there is no host '%s' in Tend's inventory; it has no "
                           "hosts yet: add one with 'tendctl host add %s ssh://ADDRESS'"),
                         data->host_name, data->host_name);
  else
    tendctl_print_error (_("--host: there is no host '%s' in Tend's inventory; its hosts "
                           "are: %s ('tendctl host list' shows them)"),
                         data->host_name, known->str);
  tendctl_run_quit (&data->run, TENDCTL_EXIT_NOT_FOUND);
}

static void
inventory_loaded_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  RunData *data = user_data;
  g_autoptr(TendInventory) inventory = NULL;
  g_autoptr(GError) error = NULL;
  const TendInventoryHost *spec = NULL;
  GPtrArray *hosts;
  TendHostScope scope;

  inventory = tend_store_load_inventory_finish (TEND_STORE (object), result, &error);
  hosts = inventory != NULL ? tend_inventory_get_hosts (inventory) : NULL;
  for (guint i = 0; hosts != NULL && i < hosts->len && spec == NULL; i++)
    if (g_str_equal (((TendInventoryHost *) hosts->pdata[i])->name, data->host_name))
      spec = hosts->pdata[i];

  if (spec != NULL)
    data->run.host = tend_host_new_for_inventory (spec);
  else if (local_host_name (data->host_name, &scope))
    data->run.host = tend_host_new_local (scope);
  else if (data->flags & TENDCTL_RUN_HOST_UNCHECKED)
    data->run.host = tend_host_new_local (data->scope);
  else
    {
      unknown_host (data, inventory, error);
      return;
    }
  host_ready (data);
}

/* Makes the run's host: this computer's manager, or --host's of the inventory.
 * @store_error: why the database could not be opened, if it could not */
static void
make_host (RunData      *data,
           const GError *store_error)
{
  TendHostScope scope;

  if (data->host_name == NULL)
    {
      data->run.host = tend_host_new_local (data->scope);
      host_ready (data);
      return;
    }
  if (store_error != NULL)
    {
      if (local_host_name (data->host_name, &scope))
        {
          data->run.host = tend_host_new_local (scope);
          host_ready (data);
        }
      else
        unknown_host (data, NULL, store_error);
      return;
    }
  tend_store_load_inventory_async (data->run.store, data->run.cancellable, inventory_loaded_cb,
                                   data);
}

static void
store_opened_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  RunData *data = user_data;
  g_autoptr(GError) error = NULL;

  if (!tend_store_open_finish (TEND_STORE (object), result, &error))
    {
      if (data->flags & (TENDCTL_RUN_STORE | TENDCTL_RUN_READ_ONLY))
        {
          tendctl_print_error ("%s", error->message);
          tendctl_run_quit (&data->run, TENDCTL_EXIT_FAILED);
          return;
        }
      /* Opened only to find --host: the host is not found. */
      if (!(data->flags & TENDCTL_RUN_AUDIT))
        {
          make_host (data, error);
          return;
        }
      /* The store keeps the audit records aside as it closes (a spill file), and the
       * next store that opens the database writes them. */
      g_printerr (_("tendctl: warning: the audit log cannot be written now: %s\n"),
                  error->message);
    }
  else if (tend_store_get_created (data->run.store))
    {
      /* Someone who expected their records there learns why they are not. */
      tendctl_print_error (_("there was no database; made a new one: %s"),
                           tend_store_get_path (data->run.store));
    }

  make_host (data, error);
}

static gboolean
keep_going (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Lets go of the run's host. An SSH host's session ends before the program does: a
 * request still under way (cancelled) holds it, and its worker thread must not be inside
 * libssh while the process exits. It is given 2 s. */
static void
drop_host (TendctlRun *run)
{
  TendBackend *backend = run->host != NULL ? tend_host_get_backend (run->host) : NULL;
  TendSshSession *session = NULL;
  gint64 deadline;
  guint tick;

  if (backend != NULL && TEND_IS_SSH_BACKEND (backend))
    {
      session = tend_ssh_backend_get_session (TEND_SSH_BACKEND (backend));
      g_object_add_weak_pointer (G_OBJECT (session), (gpointer *) &session);
      tend_ssh_session_close (session);
    }
  g_clear_object (&run->host);
  if (session == NULL)
    return;

  deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
  tick = g_timeout_add (20, keep_going, NULL);
  while (session != NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  if (session != NULL)
    {
      g_debug ("the SSH session is still in use as tendctl exits");
      g_object_remove_weak_pointer (G_OBJECT (session), (gpointer *) &session);
    }
}

static TendctlExit run (TendHostScope    scope,
                        const char      *host_name,
                        TendctlRunFlags  flags,
                        TendctlReadyFunc ready,
                        gpointer         user_data);

/**
 * tendctl_run:
 * @global: which host to talk to: --host NAME of the inventory (an SSH host, or this
 *   computer's), else this computer's manager of the scope (--user, --system)
 * @flags: what to prepare before @ready: a connection, the database
 * @ready: called on the main loop once ready; it starts the command's work, which
 *   ends with tendctl_run_quit()
 *
 * Runs one command on a fresh host and main loop. A --host that is not in the
 * inventory is said, with the hosts it has (exit 3), unless the flags say the command
 * refuses it itself.
 *
 * Returns: the status given to tendctl_run_quit()
 */
TendctlExit
tendctl_run (const TendctlGlobalOptions *global,
             TendctlRunFlags             flags,
             TendctlReadyFunc            ready,
             gpointer                    user_data)
{
  if (global->host != NULL && (flags & TENDCTL_RUN_NO_HOST))
    {
      tendctl_usage_error (NULL, _("--host names the host of the services a command reads "
                                   "or controls; this command is about the whole of Tend"));
      return TENDCTL_EXIT_USAGE;
    }
  return run (tendctl_global_options_get_scope (global), global->host, flags, ready,
              user_data);
}

static TendctlExit
run (TendHostScope    scope,
     const char      *host_name,
     TendctlRunFlags  flags,
     TendctlReadyFunc ready,
     gpointer         user_data)
{
  RunData data = { 0, };
  TendctlExit status;

  data.run.loop = g_main_loop_new (NULL, FALSE);
  data.run.cancellable = g_cancellable_new ();
  data.run.status = TENDCTL_EXIT_OK;
  data.flags = flags;
  data.ready = ready;
  data.user_data = user_data;
  data.scope = scope;
  data.host_name = host_name;

  /* --host is found in the inventory: the database is read for it. */
  if (flags & (TENDCTL_RUN_STORE | TENDCTL_RUN_AUDIT | TENDCTL_RUN_READ_ONLY) ||
      host_name != NULL)
    {
      g_autofree char *path = tendctl_store_path ();

      data.run.store = tend_store_new (path);
      tend_store_set_read_only (data.run.store,
                                (flags & (TENDCTL_RUN_STORE | TENDCTL_RUN_AUDIT)) == 0);
      tend_store_open_async (data.run.store, data.run.cancellable, store_opened_cb, &data);
    }
  else
    make_host (&data, NULL);

  /* @ready may have finished already (an error it found before sending anything). */
  if (!data.run.done)
    g_main_loop_run (data.run.loop);

  status = data.run.status;
  /* Nothing is left to write or close but the output: taking the host, the loop and the
   * libraries apart cost `tendctl status` 5-7 % of its CPU time (docs/benchmarks.md,
   * issue 14). */
  if ((flags & TENDCTL_RUN_EXIT_AT_ONCE) && data.run.store == NULL)
    {
      fflush (stdout);
      fflush (stderr);
      _exit (status);
    }
  g_cancellable_cancel (data.run.cancellable);
  drop_host (&data.run);
  if (data.run.store != NULL)
    {
      g_autofree char *spill = NULL;
      guint n_audit = 0;

      /* What waits (audit records) is written before the program ends, or kept aside. */
      tend_store_close (data.run.store);
      spill = tend_store_dup_spill_file (data.run.store, NULL, &n_audit);
      if (spill != NULL)
        tendctl_print_error (g_dngettext (GETTEXT_PACKAGE,
                                          "warning: %u audit record could not be written to "
                                          "the database; kept in %s, it is written when Tend "
                                          "next opens it",
                                          "warning: %u audit records could not be written to "
                                          "the database; kept in %s, they are written when "
                                          "Tend next opens it", n_audit),
                             n_audit, spill);
      if (tend_store_get_n_lost_at_close (data.run.store) > 0)
        {
          unsigned long long n_lost = tend_store_get_n_lost_at_close (data.run.store);

          tendctl_print_error (_("%llu audit records could not be written, nor kept aside: "
                                 "they are lost"), n_lost);
          status = tendctl_exit_worst (status, TENDCTL_EXIT_FAILED);
        }
      g_clear_object (&data.run.store);
    }
  g_clear_object (&data.run.cancellable);
  g_clear_pointer (&data.run.loop, g_main_loop_unref);
  return status;
}

typedef struct
{
  TendctlRun *run;
  TendctlServiceFunc func;
  gpointer user_data;
} WithService;

static void
lookup_service_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autofree WithService *with = user_data;
  g_autoptr(GError) error = NULL;
  gint64 service_id;

  service_id = tend_store_lookup_service_finish (TEND_STORE (object), result, &error);
  if (error != NULL)
    {
      tendctl_print_error ("%s", error->message);
      tendctl_run_quit (with->run, tendctl_exit_for_error (error));
      return;
    }
  with->func (with->run, service_id, with->user_data);
}

/**
 * tendctl_with_service:
 * @unit: (nullable): a unit of the run's host, or %NULL for every service
 *
 * Finds @unit's service in the database (of the run's host) and calls @func with its
 * id; if Tend keeps no records of it, says so and ends the command (exit 3). Without a
 * unit, calls @func with -1 at once. Needs %TENDCTL_RUN_STORE.
 */
void
tendctl_with_service (TendctlRun         *run,
                      const char         *unit,
                      TendctlServiceFunc  func,
                      gpointer            user_data)
{
  WithService *with;

  g_return_if_fail (run->store != NULL);

  if (unit == NULL)
    {
      func (run, -1, user_data);
      return;
    }

  with = g_new0 (WithService, 1);
  with->run = run;
  with->func = func;
  with->user_data = user_data;
  tend_store_lookup_service_async (run->store, tend_host_get_id (run->host), unit,
                                   run->cancellable, lookup_service_cb, with);
}

/**
 * tendctl_optional_unit:
 * @command: the command, for the usage error
 * @units: (nullable): the command's arguments after its options
 * @unit: (out) (transfer none): the one unit given, or %NULL for all; it points into @units
 *
 * Reads the "[UNIT]" of commands that show one unit or all (health, incidents): at most
 * one, with a valid name. Says what is wrong otherwise.
 *
 * Returns: %FALSE when the arguments are wrong (exit with %TENDCTL_EXIT_USAGE)
 */
gboolean
tendctl_optional_unit (const char  *command,
                       char       **units,
                       const char **unit)
{
  g_autofree char *problem = NULL;

  *unit = NULL;
  if (units == NULL || units[0] == NULL)
    return TRUE;
  if (units[1] != NULL)
    {
      tendctl_usage_error (command, _("%s shows one unit or all, but was given '%s' and '%s'"),
                           command, units[0], units[1]);
      return FALSE;
    }
  problem = tendctl_check_unit (units[0], FALSE);
  if (problem != NULL)
    {
      tendctl_print_error ("%s", problem);
      return FALSE;
    }
  *unit = units[0];
  return TRUE;
}

/**
 * tendctl_store_path:
 *
 * Returns: (transfer full): the database tendctl uses: $TEND_DATABASE, or the default
 */
char *
tendctl_store_path (void)
{
  const char *path = g_getenv ("TEND_DATABASE");

  return path != NULL && *path != '\0' ? g_strdup (path) : tend_store_default_path ();
}

/**
 * tendctl_run_quit:
 *
 * Ends the command with @status (the worse of it and any status set before).
 */
void
tendctl_run_quit (TendctlRun  *run,
                  TendctlExit  status)
{
  run->status = tendctl_exit_worst (run->status, status);
  run->done = TRUE;
  g_main_loop_quit (run->loop);
}

/* ------------------------------------------------------------------------------------ */
/* main                                                                                  */

static void
global_options_clear (TendctlGlobalOptions *global)
{
  g_clear_pointer (&global->host, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TendctlGlobalOptions, global_options_clear)

int
main (int    argc,
      char **argv)
{
  g_auto(TendctlGlobalOptions) global = { FALSE, };
  g_autoptr(GOptionContext) context = NULL;
  g_autofree GOptionEntry *globals = global_entries (&global);
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  const char *locale_dir;
  gboolean version = FALSE;
  const GOptionEntry main_entries[] = {
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Show the version and exit"), NULL },
    G_OPTION_ENTRY_NULL
  };

  setlocale (LC_ALL, "");
  /* $TEND_LOCALEDIR: the translations of an uninstalled build (the tests use it) */
  locale_dir = g_getenv ("TEND_LOCALEDIR");
  bindtextdomain (GETTEXT_PACKAGE, locale_dir != NULL && *locale_dir != '\0' ? locale_dir
                                                                             : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("tendctl");

  summary = g_strdup_printf ("%s\n\n%s",
                             _("Look after systemd services: the command-line twin of Tend."),
                             _(COMMANDS_HELP));
  context = g_option_context_new ("COMMAND [ARGS…]");
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, summary);
  g_option_context_set_description (context, EXIT_STATUS_HELP);
  g_option_context_add_main_entries (context, globals, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, main_entries, GETTEXT_PACKAGE);
  /* Stop at the command: what follows is the command's to parse. */
  g_option_context_set_strict_posix (context, TRUE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      tendctl_usage_error (NULL, "%s", error->message);
      return TENDCTL_EXIT_USAGE;
    }

  if (version)
    {
      g_autoptr(GString) text = g_string_new ("tendctl " PACKAGE_VERSION "\n");

      tendctl_write (stdout, text);
      return TENDCTL_EXIT_OK;
    }

  if (!check_scope (NULL, &global))
    return TENDCTL_EXIT_USAGE;

  if (argc < 2)
    {
      tendctl_usage_error (NULL, _("no command given"));
      return TENDCTL_EXIT_USAGE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[1], commands[i].name))
      return commands[i].func (&global, argc - 1, argv + 1);

  if (argv[1][0] == '-')
    tendctl_usage_error (NULL, _("unknown option '%s'"), argv[1]);
  else
    tendctl_usage_error (NULL, _("unknown command '%s'"), argv[1]);
  return TENDCTL_EXIT_USAGE;
}
