/* tendctl-host.c — tendctl host add|list|show|remove|set|sudoers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The hosts Tend looks after. `add` and `remove` are libtend's (tend-host-control.c, as
 * the window's Add Host dialog does them: connect first, one transaction, audited);
 * `set` is an edit of the inventory (tendctl-edit.c); `list` and `sudoers` read the
 * inventory and nothing else, so they are fast and work offline; `show` connects.
 *
 * Once a host is there, `tendctl --host NAME COMMAND …` reads and controls its
 * services as those of this computer (tendctl.c makes the run's host with
 * tend_host_new_for_inventory()).
 */
#define G_LOG_DOMAIN "Tendctl"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "tendctl.h"
#include "tendctl-edit.h"
#include "tendctl-output.h"

static const char * const scope_names[] = { "system", "user", NULL };
static const char * const access_names[] = { "viewer", "operator", "admin", NULL };

/* What each level allows, as `host list` and `host show` say it */
static const char *
access_meaning (TendInventoryAccess access)
{
  switch (access)
    {
    case TEND_INVENTORY_ACCESS_VIEWER: return _("look only");
    case TEND_INVENTORY_ACCESS_OPERATOR: return _("start, restart, reload, reset-failed");
    case TEND_INVENTORY_ACCESS_ADMIN:
    default: return _("everything, stop, enable and disable included");
    }
}

/* "root@10.0.0.5:22", or "this computer" */
static char *
format_address (const TendInventoryHost *spec)
{
  if (spec->kind == TEND_HOST_KIND_LOCAL)
    return g_strdup (_("this computer"));
  return tend_inventory_host_format_address (spec);
}

static const TendInventoryHost *
find_host (TendInventory *inventory,
           const char    *name)
{
  GPtrArray *hosts = tend_inventory_get_hosts (inventory);

  for (guint i = 0; i < hosts->len; i++)
    if (g_str_equal (((TendInventoryHost *) hosts->pdata[i])->name, name))
      return hosts->pdata[i];
  return NULL;
}

static void
no_such_host (TendctlRun    *run,
              TendInventory *inventory,
              const char    *name)
{
  GPtrArray *hosts = tend_inventory_get_hosts (inventory);
  g_autoptr(GString) known = g_string_new (NULL);

  for (guint i = 0; i < hosts->len; i++)
    g_string_append_printf (known, "%s%s", i > 0 ? ", " : "",
                            ((TendInventoryHost *) hosts->pdata[i])->name);
  if (hosts->len == 0)
    tendctl_print_error (_("there is no host '%s' in Tend's inventory; it has no hosts yet"),
                         name);
  else
    tendctl_print_error (_("there is no host '%s' in Tend's inventory; its hosts are: %s"),
                         name, known->str);
  tendctl_run_quit (run, TENDCTL_EXIT_NOT_FOUND);
}

/* ------------------------------------------------------------------------------------ */
/* host add                                                                              */

typedef struct
{
  TendctlRun *run;
  TendInventoryHost *spec;        /* (owned) */
  char *url;                      /* (owned) */
  char *scope;                    /* (owned) (nullable) --scope */
  char *access;                   /* (owned) (nullable) --access */
  gboolean sudo;
  char *accept;                   /* (owned) (nullable) --accept-fingerprint */
} AddData;

static void
add_data_clear (AddData *data)
{
  g_clear_pointer (&data->spec, tend_inventory_host_free);
  g_free (data->url);
  g_free (data->scope);
  g_free (data->access);
  g_free (data->accept);
}

#define URL_FORM "ssh://[USER@]ADDRESS[:PORT], such as ssh://admin@10.0.0.5:2222"

/**
 * parse_url:
 *
 * Reads ssh://[USER@]ADDRESS[:PORT] strictly into @spec: the scheme, one address (an
 * IPv6 address in brackets), a port of digits, nothing after. What the address, the
 * user and the port may be is the inventory's to say (tend_host_control_add_async()).
 */
static gboolean
parse_url (const char         *url,
           TendInventoryHost  *spec,
           GError            **error)
{
  const char *rest;
  const char *at;
  const char *port = NULL;
  g_autofree char *address = NULL;

  if (!g_str_has_prefix (url, "ssh://"))
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   _("URL: '%s' is not an ssh:// URL; write %s"), url, URL_FORM);
      return FALSE;
    }
  rest = url + strlen ("ssh://");
  if (strpbrk (rest, "/?#") != NULL)
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   _("URL: '%s' has something after the address ('%s'); write %s"),
                   url, strpbrk (rest, "/?#"), URL_FORM);
      return FALSE;
    }

  at = strchr (rest, '@');
  if (at != NULL)
    {
      if (at == rest)
        {
          g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                       _("user: '%s' has '@' but no user before it; leave the '@' out for "
                         "ssh's own user"), url);
          return FALSE;
        }
      g_clear_pointer (&spec->user, g_free);
      spec->user = g_strndup (rest, at - rest);
      rest = at + 1;
    }

  if (rest[0] == '[')
    {
      const char *close = strchr (rest, ']');

      if (close == NULL || (close[1] != '\0' && close[1] != ':'))
        {
          g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                       _("address: '%s' opens a bracket for an IPv6 address and does not "
                         "close it before the port; write ssh://[fe80::1]:22"), url);
          return FALSE;
        }
      address = g_strndup (rest + 1, close - rest - 1);
      if (close[1] == ':')
        port = close + 2;
    }
  else
    {
      const char *colon = strchr (rest, ':');

      if (colon != NULL && strchr (colon + 1, ':') != NULL)
        {
          g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                       _("address: an IPv6 address goes in brackets: ssh://[%s]"), rest);
          return FALSE;
        }
      address = colon != NULL ? g_strndup (rest, colon - rest) : g_strdup (rest);
      if (colon != NULL)
        port = colon + 1;
    }

  if (address[0] == '\0')
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   _("address: '%s' names no host; write %s"), url, URL_FORM);
      return FALSE;
    }
  g_clear_pointer (&spec->address, g_free);
  spec->address = g_steal_pointer (&address);

  if (port != NULL)
    {
      guint64 value;

      if (port[0] == '\0')
        {
          g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                       _("port: '%s' has nothing after ':'; give a port, 1..65535, or leave "
                         "the ':' out for ~/.ssh/config's port, else 22"), url);
          return FALSE;
        }
      if (strspn (port, "0123456789") != strlen (port))
        {
          g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                       _("port: '%s' is not a number; a port is 1..65535"), port);
          return FALSE;
        }
      if (strlen (port) > 9 || !g_ascii_string_to_unsigned (port, 10, 0, G_MAXINT, &value,
                                                            NULL))
        {
          g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                       _("port: %s is outside 1..65535"), port);
          return FALSE;
        }
      spec->port = (int) value;
    }
  return TRUE;
}

static void
append_quoted (GString    *out,
               const char *word)
{
  g_autofree char *quoted = NULL;

  if (word[0] != '\0' && strspn (word, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                       "0123456789@%+=:,./_-") == strlen (word))
    {
      g_string_append_printf (out, " %s", word);
      return;
    }
  quoted = g_shell_quote (word);
  g_string_append_printf (out, " %s", quoted);
}

/* The command that adds the host with the fingerprint confirmed */
static char *
command_with_fingerprint (const AddData *data,
                          const char    *fingerprint)
{
  GString *out = g_string_new ("tendctl host add");

  append_quoted (out, data->spec->name);
  append_quoted (out, data->url);
  if (data->scope != NULL)
    g_string_append_printf (out, " --scope %s", data->scope);
  if (data->sudo)
    g_string_append (out, " --sudo");
  if (data->access != NULL)
    g_string_append_printf (out, " --access %s", data->access);
  g_string_append (out, " --accept-fingerprint");
  append_quoted (out, fingerprint);
  return g_string_free (out, FALSE);
}

static void
added_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  AddData *data = user_data;
  const char *fingerprint = tend_host_control_add_get_fingerprint (result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *address = format_address (data->spec);

  if (!tend_host_control_add_finish (result, &error))
    {
      /* An unknown key: what to compare, and the command that confirms it. */
      if (g_error_matches (error, TEND_ERROR, TEND_ERROR_HOST_KEY_UNKNOWN) && fingerprint != NULL)
        {
          g_autofree char *again = command_with_fingerprint (data, fingerprint);

          g_string_append_printf (out,
                                  _("tendctl: the key of %s is not in your known_hosts; its "
                                    "fingerprint is\n  %s\nIf that is the key of %s (compare "
                                    "it with 'ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub' "
                                    "run there), add the host with:\n  %s\n"),
                                  address, fingerprint, data->spec->address, again);
        }
      else
        tendctl_print_error_lines (error->message);
      g_string_append (out, _("Nothing was added.\n"));
      fflush (stdout);
      tendctl_write (stderr, out);
      tendctl_run_quit (data->run, tendctl_exit_for_error (error));
      return;
    }

  g_string_append_printf (out, "+ host %s (ssh %s; scope %s, access %s, sudo %s)\n",
                          data->spec->name, address,
                          tend_inventory_scope_to_string (data->spec->scope),
                          tend_inventory_access_to_string (data->spec->access),
                          tend_inventory_sudo_to_string (data->spec->sudo));
  if (data->accept != NULL)
    g_string_append_printf (out, _("The key of %s (%s) is in your known_hosts now.\n"),
                            address, fingerprint != NULL ? fingerprint : data->accept);
  g_string_append_printf (out, _("Its services: tendctl --host %s list\n"), data->spec->name);
  if (data->spec->access == TEND_INVENTORY_ACCESS_VIEWER)
    g_string_append_printf (out, _("Tend only looks at %s (access viewer): it recovers nothing "
                                   "there. To let it start, restart and reload units: "
                                   "tendctl host set %s --access operator\n"),
                            data->spec->name, data->spec->name);
  tendctl_write (stdout, out);
  tendctl_run_quit (data->run, TENDCTL_EXIT_OK);
}

static void
add_ready (TendctlRun *run,
           gpointer    user_data)
{
  AddData *data = user_data;

  data->run = run;
  tend_host_control_add_as_async (run->store, data->spec, data->accept, TEND_AUDIT_ORIGIN_CLI,
                                  run->cancellable, added_cb, data);
}

static TendctlExit
host_add (TendctlGlobalOptions  *global,
          int                    argc,
          char                 **argv)
{
  AddData data = { NULL, };
  g_auto(GStrv) rest = NULL;
  g_autoptr(GError) error = NULL;
  TendctlExit status = TENDCTL_EXIT_USAGE;
  guint choice;
  const GOptionEntry entries[] = {
    { "scope", 0, 0, G_OPTION_ARG_STRING, &data.scope,
      N_("Which service manager there: system (the default) or user (the connecting user's)"),
      "SCOPE" },
    { "sudo", 0, 0, G_OPTION_ARG_NONE, &data.sudo,
      N_("Run systemctl with 'sudo -n' there ('tendctl host sudoers NAME' prints the lines "
         "that allow it)"), NULL },
    { "access", 0, 0, G_OPTION_ARG_STRING, &data.access,
      N_("What may be done there through Tend: viewer (look only; the default), operator "
         "(start, restart, reload) or admin (everything)"), "LEVEL" },
    { "accept-fingerprint", 0, 0, G_OPTION_ARG_STRING, &data.accept,
      N_("The host key's fingerprint you confirmed, as 'host add' printed it: it is added to "
         "your known_hosts"), "SHA256:…" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &rest, NULL, NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!tendctl_parse_options ("host add", "NAME ssh://[USER@]ADDRESS[:PORT]",
                              N_("Add an SSH host. Tend connects to it first, with your "
                                 "~/.ssh/config, ssh-agent and keys, and checks its key against "
                                 "your ~/.ssh/known_hosts: an unknown key is shown, to be "
                                 "confirmed with --accept-fingerprint; a changed key is refused. "
                                 "Tend stores no password and no key."),
                              entries, global, &argc, &argv))
    goto out;
  if (rest == NULL || g_strv_length (rest) != 2)
    {
      tendctl_usage_error ("host add", _("host add needs a NAME and an address, such as "
                             "'tendctl host add web1 ssh://admin@10.0.0.5'"));
      goto out;
    }

  data.spec = tend_inventory_host_new (rest[0], TEND_HOST_KIND_SSH);
  data.url = g_strdup (rest[1]);
  if (data.sudo)
    data.spec->sudo = TEND_INVENTORY_SUDO_SUDO;
  if ((data.scope != NULL &&
       !tendctl_parse_choice ("scope", "host", scope_names, data.scope, &choice, &error)) ||
      (data.scope != NULL && (data.spec->scope = choice, FALSE)) ||
      (data.access != NULL &&
       !tendctl_parse_choice ("access", "host", access_names, data.access, &choice, &error)) ||
      (data.access != NULL && (data.spec->access = choice, FALSE)) ||
      !parse_url (data.url, data.spec, &error))
    {
      tendctl_print_error ("%s", error->message);
      tendctl_print_error (_("Nothing was added."));
      goto out;
    }

  status = tendctl_run (global, TENDCTL_RUN_STORE | TENDCTL_RUN_NO_HOST, add_ready, &data);

out:
  add_data_clear (&data);
  return status;
}

/* ------------------------------------------------------------------------------------ */
/* host list, sudoers                                                                    */

typedef struct
{
  TendctlRun *run;
  gboolean json;
  gboolean names;                 /* host list --names: one a line */
  const char *name;               /* (nullable) */
} ReadData;

static void
print_list (ReadData      *data,
            TendInventory *inventory)
{
  GPtrArray *hosts = tend_inventory_get_hosts (inventory);
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(TendctlTable) table = NULL;
  g_autoptr(GPtrArray) addresses = g_ptr_array_new_with_free_func (g_free);

  if (data->names)
    {
      tendctl_print_names (hosts, G_STRUCT_OFFSET (TendInventoryHost, name));
      tendctl_run_quit (data->run, TENDCTL_EXIT_OK);
      return;
    }
  if (data->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; i < hosts->len; i++)
        {
          const TendInventoryHost *spec = hosts->pdata[i];

          json_builder_begin_object (builder);
          tend_json_add_string (builder, "name", spec->name);
          tend_json_add_string (builder, "kind", tend_inventory_host_kind_to_string (spec->kind));
          tend_json_add_string (builder, "address", spec->address);
          json_builder_set_member_name (builder, "port");
          if (spec->port != TEND_INVENTORY_UNSET)
            json_builder_add_int_value (builder, spec->port);
          else
            json_builder_add_null_value (builder);
          tend_json_add_string (builder, "user", spec->user);
          tend_json_add_string (builder, "scope", tend_inventory_scope_to_string (spec->scope));
          tend_json_add_string (builder, "access",
                                tend_inventory_access_to_string (spec->access));
          tend_json_add_string (builder, "sudo", tend_inventory_sudo_to_string (spec->sudo));
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      root = json_builder_get_root (builder);
      tendctl_print_json (root, TRUE);
      tendctl_run_quit (data->run, TENDCTL_EXIT_OK);
      return;
    }

  table = tendctl_table_new (6, N_("NAME"), N_("KIND"), N_("ADDRESS"), N_("SCOPE"), N_("ACCESS"),
                             N_("SUDO"));
  for (guint i = 0; i < hosts->len; i++)
    {
      const TendInventoryHost *spec = hosts->pdata[i];
      char *address = format_address (spec);

      g_ptr_array_add (addresses, address);
      tendctl_table_add_row (table, FALSE, spec->name,
                             tend_inventory_host_kind_to_string (spec->kind), address,
                             tend_inventory_scope_to_string (spec->scope),
                             tend_inventory_access_to_string (spec->access),
                             tend_inventory_sudo_to_string (spec->sudo));
    }
  if (hosts->len > 0)
    {
      tendctl_table_render (table, out, tendctl_use_color (stdout));
      g_string_append_c (out, '\n');
    }
  g_string_append_printf (out, hosts->len == 1 ? _("%u host listed.") : _("%u hosts listed."),
                          hosts->len);
  g_string_append_c (out, '\n');
  if (hosts->len == 0)
    g_string_append (out, _("Add one with 'tendctl host add NAME ssh://[USER@]ADDRESS[:PORT]'; "
                            "this computer's host is added when a service is first watched.\n"));
  tendctl_write (stdout, out);
  tendctl_run_quit (data->run, TENDCTL_EXIT_OK);
}

static void
print_sudoers (ReadData      *data,
               TendInventory *inventory)
{
  const TendInventoryHost *spec = find_host (inventory, data->name);
  TendSshCommandContext ctx = { 0 };
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *lines = NULL;
  const char *user;

  if (spec == NULL)
    {
      no_such_host (data->run, inventory, data->name);
      return;
    }
  if (spec->kind != TEND_HOST_KIND_SSH)
    {
      tendctl_print_error (_("%s is this computer's host: Tend runs no commands there over "
                             "SSH, and needs no sudoers lines"), spec->name);
      tendctl_run_quit (data->run, TENDCTL_EXIT_USAGE);
      return;
    }

  ctx.scope = spec->scope;
  ctx.sudo = spec->sudo == TEND_INVENTORY_SUDO_NONE ? TEND_INVENTORY_SUDO_SUDO : spec->sudo;
  /* ssh's own default user is yours, unless ~/.ssh/config says otherwise. */
  user = spec->user != NULL ? spec->user : g_get_user_name ();
  lines = tend_ssh_command_sudoers (&ctx, user);
  g_string_append_printf (out, _("# Tend on %s: the commands user %s may run as root, and "
                                 "nothing more.\n# Put these lines in /etc/sudoers.d/tend on "
                                 "%s (visudo -f /etc/sudoers.d/tend).\n"),
                          spec->name, user, spec->address);
  if (spec->sudo == TEND_INVENTORY_SUDO_NONE)
    g_string_append_printf (out, _("# %s does not use sudo yet: 'tendctl host set %s --sudo' "
                                   "turns it on.\n"), spec->name, spec->name);
  g_string_append (out, lines);
  if (out->len > 0 && out->str[out->len - 1] != '\n')
    g_string_append_c (out, '\n');
  tendctl_write (stdout, out);
  tendctl_run_quit (data->run, TENDCTL_EXIT_OK);
}

static void
read_loaded_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  ReadData *data = user_data;
  g_autoptr(TendInventory) inventory = NULL;
  g_autoptr(GError) error = NULL;

  inventory = tend_store_load_inventory_finish (TEND_STORE (object), result, &error);
  if (inventory == NULL)
    {
      tendctl_print_error ("%s", error->message);
      tendctl_run_quit (data->run, tendctl_exit_for_error (error));
      return;
    }
  if (data->name != NULL)
    print_sudoers (data, inventory);
  else
    print_list (data, inventory);
}

static void
read_ready (TendctlRun *run,
            gpointer    user_data)
{
  ReadData *data = user_data;

  data->run = run;
  tend_store_load_inventory_async (run->store, run->cancellable, read_loaded_cb, data);
}

static TendctlExit
host_list (TendctlGlobalOptions  *global,
           int                    argc,
           char                 **argv)
{
  ReadData data = { NULL, };
  g_auto(GStrv) rest = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &data.json,
      N_("Print a JSON array with one object per host"), NULL },
    { "names", 0, 0, G_OPTION_ARG_NONE, &data.names,
      N_("Print only the hosts' names, one a line (for scripts and shell completion)"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &rest, NULL, NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!tendctl_parse_options ("host list", "",
                              N_("List the hosts of Tend's inventory: name, address, scope, access "
                                 "level and sudo mode. It reads the inventory only: 'tendctl host "
                                 "show NAME' connects and shows the connection's state."),
                              entries, global, &argc, &argv))
    return TENDCTL_EXIT_USAGE;
  if (rest != NULL)
    {
      tendctl_usage_error ("host list", _("host list takes no arguments, but was given '%s'"),
                           rest[0]);
      return TENDCTL_EXIT_USAGE;
    }
  return tendctl_run (global, TENDCTL_RUN_READ_ONLY | TENDCTL_RUN_NO_HOST, read_ready, &data);
}

/* Parses "host COMMAND NAME [OPTION…]" (@entries end with G_OPTION_REMAINING into
 * @rest): FALSE, having said why, unless exactly one NAME is left. */
static gboolean
parse_named (const char             *command,
             const char             *usage,
             const char             *summary,
             const GOptionEntry     *entries,
             GStrv                  *rest,
             TendctlGlobalOptions   *global,
             int                    *argc,
             char                 ***argv)
{
  if (!tendctl_parse_options (command, usage, summary, entries, global, argc, argv))
    return FALSE;
  if (*rest == NULL || g_strv_length (*rest) != 1)
    {
      tendctl_usage_error (command, _("%s needs one host NAME"), command);
      return FALSE;
    }
  return TRUE;
}

static TendctlExit
host_sudoers (TendctlGlobalOptions  *global,
              int                    argc,
              char                 **argv)
{
  ReadData data = { NULL, };
  g_auto(GStrv) rest = NULL;
  const GOptionEntry entries[] = {
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &rest, NULL, NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!parse_named ("host sudoers", "NAME",
                    N_("Print the sudoers lines that allow the SSH host's user exactly the "
                       "commands Tend runs there with sudo, and nothing more."),
                    entries, &rest, global, &argc, &argv))
    return TENDCTL_EXIT_USAGE;
  data.name = rest[0];
  return tendctl_run (global, TENDCTL_RUN_READ_ONLY | TENDCTL_RUN_NO_HOST, read_ready, &data);
}

/* ------------------------------------------------------------------------------------ */
/* host show                                                                             */

typedef struct
{
  TendctlRun *run;
  gboolean json;
  char *name;                      /* (owned) */
  TendInventoryHost *spec;         /* (owned) (nullable) */
  GError *error;                   /* (owned) (nullable) of connecting */
  guint n_units;
} ShowData;

static const char *
host_fingerprint (TendHost *host)
{
  TendBackend *backend = tend_host_get_backend (host);

  if (!TEND_IS_SSH_BACKEND (backend))
    return NULL;
  return tend_ssh_session_get_fingerprint (
           tend_ssh_backend_get_session (TEND_SSH_BACKEND (backend)));
}

/* "  address:     ": a label of 'host show', padded to its column by characters (a
 * translated label may have "ü", which printf's %-12s would count twice) */
static void
append_label (GString    *out,
              const char *label)
{
  glong n = g_utf8_strlen (label, -1);

  g_string_append_printf (out, "  %s ", label);
  for (glong i = n; i < 12; i++)
    g_string_append_c (out, ' ');
}

static void
print_show (ShowData *data)
{
  TendHost *host = data->run->host;
  const TendInventoryHost *spec = data->spec;
  TendHostState state = tend_host_get_state (host);
  const char *message = tend_host_get_state_message (host);
  const char *fingerprint = host_fingerprint (host);
  g_autofree char *address = format_address (spec);
  g_autoptr(GString) out = g_string_new (NULL);

  if (data->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      tend_json_add_string (builder, "name", spec->name);
      tend_json_add_string (builder, "kind", tend_inventory_host_kind_to_string (spec->kind));
      tend_json_add_string (builder, "address", spec->address);
      json_builder_set_member_name (builder, "port");
      if (spec->port != TEND_INVENTORY_UNSET)
        json_builder_add_int_value (builder, spec->port);
      else
        json_builder_add_null_value (builder);
      tend_json_add_string (builder, "user", spec->user);
      tend_json_add_string (builder, "scope", tend_inventory_scope_to_string (spec->scope));
      tend_json_add_string (builder, "access", tend_inventory_access_to_string (spec->access));
      tend_json_add_string (builder, "sudo", tend_inventory_sudo_to_string (spec->sudo));
      tend_json_add_string (builder, "state", tend_host_state_to_string (state));
      tend_json_add_string (builder, "message", data->error ? data->error->message : message);
      tend_json_add_string (builder, "error_code", tendctl_error_code (data->error));
      tend_json_add_string (builder, "fingerprint", fingerprint);
      json_builder_set_member_name (builder, "units");
      if (data->error == NULL)
        json_builder_add_int_value (builder, data->n_units);
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      tendctl_print_json (root, TRUE);
      return;
    }

  g_string_append_printf (out, "%s\n", spec->name);
  append_label (out, _("address:"));
  g_string_append_printf (out, "%s\n", address);
  append_label (out, _("kind:"));
  g_string_append_printf (out, "%s\n", tend_inventory_host_kind_to_string (spec->kind));
  append_label (out, _("scope:"));
  g_string_append_printf (out, "%s\n", tend_inventory_scope_to_string (spec->scope));
  append_label (out, _("access:"));
  g_string_append_printf (out, "%s (%s)\n", tend_inventory_access_to_string (spec->access),
                          access_meaning (spec->access));
  append_label (out, _("sudo:"));
  g_string_append_printf (out, "%s\n", tend_inventory_sudo_to_string (spec->sudo));
  append_label (out, _("state:"));
  g_string_append_printf (out, "%s\n", tend_host_state_describe (state));
  if (fingerprint != NULL)
    {
      append_label (out, _("host key:"));
      g_string_append_printf (out, "%s\n", fingerprint);
    }
  if (data->error == NULL)
    {
      append_label (out, _("units:"));
      g_string_append_printf (out, "%u\n", data->n_units);
    }
  tendctl_write (stdout, out);
  if (data->error != NULL)
    tendctl_print_error_lines (data->error->message);
}

static void
show_refreshed_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  ShowData *data = user_data;

  if (tend_host_refresh_finish (TEND_HOST (object), result, &data->error))
    data->n_units = g_list_model_get_n_items (tend_host_get_services (TEND_HOST (object)));
  print_show (data);
  tendctl_run_quit (data->run, tendctl_exit_for_error (data->error));
}

static void
show_connected_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  ShowData *data = user_data;

  if (!tend_host_connect_finish (TEND_HOST (object), result, &data->error))
    {
      print_show (data);
      tendctl_run_quit (data->run, tendctl_exit_for_error (data->error));
      return;
    }
  tend_host_refresh_async (TEND_HOST (object), TEND_LIST_LOADED, data->run->cancellable,
                           show_refreshed_cb, data);
}

static void
show_loaded_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  ShowData *data = user_data;
  g_autoptr(TendInventory) inventory = NULL;
  g_autoptr(GError) error = NULL;
  const TendInventoryHost *spec;

  inventory = tend_store_load_inventory_finish (TEND_STORE (object), result, &error);
  if (inventory == NULL)
    {
      tendctl_print_error ("%s", error->message);
      tendctl_run_quit (data->run, tendctl_exit_for_error (error));
      return;
    }
  spec = find_host (inventory, data->name);
  if (spec == NULL)
    {
      no_such_host (data->run, inventory, data->name);
      return;
    }
  data->spec = tend_inventory_host_copy (spec);
  tend_host_connect_async (data->run->host, data->run->cancellable, show_connected_cb, data);
}

static void
show_ready (TendctlRun *run,
            gpointer    user_data)
{
  ShowData *data = user_data;

  data->run = run;
  tend_store_load_inventory_async (run->store, run->cancellable, show_loaded_cb, data);
}

static TendctlExit
host_show (TendctlGlobalOptions  *global,
           int                    argc,
           char                 **argv)
{
  ShowData data = { NULL, };
  TendctlGlobalOptions on_host;
  g_auto(GStrv) rest = NULL;
  TendctlExit status;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &data.json,
      N_("Print a JSON object"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &rest, NULL, NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!parse_named ("host show", "NAME",
                    N_("Connect to the host NAME and show it: its address, scope, access level "
                       "and sudo mode, the connection's state (and what to do when it fails), its "
                       "host key's fingerprint and how many units it has."),
                    entries, &rest, global, &argc, &argv))
    return TENDCTL_EXIT_USAGE;

  data.name = g_strdup (rest[0]);
  on_host = *global;
  on_host.host = data.name;
  status = tendctl_run (&on_host, TENDCTL_RUN_READ_ONLY, show_ready, &data);
  g_free (data.name);
  g_clear_pointer (&data.spec, tend_inventory_host_free);
  g_clear_error (&data.error);
  return status;
}

/* ------------------------------------------------------------------------------------ */
/* host remove                                                                           */

typedef struct
{
  TendctlRun *run;
  const char *name;
} RemoveData;

static void
removed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  RemoveData *data = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) out = g_string_new (NULL);

  if (!tend_host_control_remove_finish (result, &error))
    {
      tendctl_print_error_lines (error->message);
      tendctl_print_error (_("Nothing was removed."));
      tendctl_run_quit (data->run, tendctl_exit_for_error (error));
      return;
    }
  g_string_append_printf (out, "- host %s\n", data->name);
  g_string_append (out, _("Its services, checks and policies left the inventory; their "
                          "history stays. The host's key stays in your known_hosts.\n"));
  tendctl_write (stdout, out);
  tendctl_run_quit (data->run, TENDCTL_EXIT_OK);
}

static void
remove_ready (TendctlRun *run,
              gpointer    user_data)
{
  RemoveData *data = user_data;

  data->run = run;
  tend_host_control_remove_as_async (run->store, data->name, TEND_AUDIT_ORIGIN_CLI,
                                     run->cancellable, removed_cb, data);
}

static TendctlExit
host_remove (TendctlGlobalOptions  *global,
             int                    argc,
             char                 **argv)
{
  RemoveData data = { NULL, };
  g_auto(GStrv) rest = NULL;
  const GOptionEntry entries[] = {
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &rest, NULL, NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!parse_named ("host remove", "NAME",
                    N_("Remove the SSH host NAME, with its services, checks and policies, from "
                       "what Tend looks after. Their history stays."),
                    entries, &rest, global, &argc, &argv))
    return TENDCTL_EXIT_USAGE;
  data.name = rest[0];
  return tendctl_run (global, TENDCTL_RUN_STORE | TENDCTL_RUN_NO_HOST, remove_ready, &data);
}

/* ------------------------------------------------------------------------------------ */
/* host set                                                                              */

typedef struct
{
  TendctlEdit edit;
  char *scope;                /* (owned) (nullable) */
  char *access;               /* (owned) (nullable) */
  gboolean sudo;
  gboolean no_sudo;
  guint scope_value;
  guint access_value;
} SetData;

static gboolean
set_edit (TendctlEdit    *edit,
          TendInventory  *inventory,
          TendConfig     *config,
          GError        **error)
{
  SetData *data = edit->user_data;
  TendInventoryHost *spec = (TendInventoryHost *) find_host (inventory, edit->host);

  if (spec == NULL)
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_NOT_FOUND,
                   _("there is no host '%s' in Tend's inventory ('tendctl host list' lists "
                     "them)"), edit->host);
      return FALSE;
    }
  if (data->access != NULL)
    spec->access = data->access_value;
  if (data->scope != NULL)
    spec->scope = data->scope_value;
  if (data->sudo)
    spec->sudo = TEND_INVENTORY_SUDO_SUDO;
  if (data->no_sudo)
    spec->sudo = TEND_INVENTORY_SUDO_NONE;
  return TRUE;
}

static TendctlExit
host_set (TendctlGlobalOptions  *global,
          int                    argc,
          char                 **argv)
{
  SetData data = { { NULL, }, };
  g_auto(GStrv) rest = NULL;
  g_autoptr(GError) error = NULL;
  TendctlGlobalOptions on_host;
  TendctlExit status = TENDCTL_EXIT_USAGE;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  const GOptionEntry entries[] = {
    { "access", 0, 0, G_OPTION_ARG_STRING, &data.access,
      N_("viewer (look only), operator (start, restart, reload) or admin (everything)"), "LEVEL" },
    { "scope", 0, 0, G_OPTION_ARG_STRING, &data.scope,
      N_("system or user: which service manager there"), "SCOPE" },
    { "sudo", 0, 0, G_OPTION_ARG_NONE, &data.sudo, N_("Run systemctl with 'sudo -n' there"), NULL },
    { "no-sudo", 0, 0, G_OPTION_ARG_NONE, &data.no_sudo, N_("Run systemctl without sudo"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &rest, NULL, NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!parse_named ("host set", "NAME [--access LEVEL] [--scope SCOPE] [--sudo|--no-sudo]",
                    N_("Change how Tend uses the host NAME: its access level, its scope or its "
                       "sudo mode."), entries, &rest, global, &argc, &argv))
    goto out;
  if (data.access == NULL && data.scope == NULL && !data.sudo && !data.no_sudo)
    {
      tendctl_usage_error ("host set", _("host set needs something to change: --access, "
                             "--scope, --sudo or --no-sudo"));
      goto out;
    }
  if (data.sudo && data.no_sudo)
    {
      tendctl_usage_error ("host set", _("--sudo and --no-sudo cannot be used together"));
      goto out;
    }

  data.edit.operation = "host-set";
  data.edit.host = rest[0];
  data.edit.refused = _("nothing was changed");
  data.edit.unchanged = g_strdup_printf (_("%s is so already: nothing changed."), rest[0]);
  data.edit.edit = set_edit;
  data.edit.user_data = &data;
  json_builder_begin_object (builder);
  if (data.access != NULL)
    tend_json_add_string (builder, "access", data.access);
  if (data.scope != NULL)
    tend_json_add_string (builder, "scope", data.scope);
  if (data.sudo || data.no_sudo)
    tend_json_add_string (builder, "sudo", data.sudo ? "sudo" : "none");
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  data.edit.parameters = json_to_string (root, FALSE);
  if (data.access != NULL)
    tendctl_parse_choice ("access", "host", access_names, data.access, &data.access_value,
                          &data.edit.refusal);
  if (data.edit.refusal == NULL && data.scope != NULL)
    tendctl_parse_choice ("scope", "host", scope_names, data.scope, &data.scope_value,
                          &data.edit.refusal);

  /* The edit names the host it changes; the run's host is this computer's. */
  on_host = *global;
  on_host.host = NULL;
  status = tendctl_edit_run (&data.edit, &on_host, 0);

out:
  tendctl_edit_clear (&data.edit);
  g_free (data.access);
  g_free (data.scope);
  return status;
}

/* ------------------------------------------------------------------------------------ */
/* host                                                                                  */

#define HOST_SUMMARY \
  N_("The hosts Tend looks after: this computer, and SSH hosts reached with your own ssh " \
     "config, agent, keys and known_hosts (Tend stores no password and no key). Each host " \
     "has an access level: viewer (look only), operator (start, restart, reload, " \
     "reset-failed) or admin (everything, stop, enable and disable included).\n" \
     "\n" \
     "  add NAME ssh://[USER@]ADDRESS[:PORT] [--scope user|system] [--sudo]\n" \
     "      [--access viewer|operator|admin] [--accept-fingerprint SHA256:…]\n" \
     "                     Add an SSH host; Tend connects first and checks its key\n" \
     "  list [--json]      List the hosts (reads the inventory only)\n" \
     "  show NAME [--json] Connect, and show its state, host key and units\n" \
     "  set NAME [--access LEVEL] [--scope SCOPE] [--sudo|--no-sudo]\n" \
     "                     Change how Tend uses it\n" \
     "  remove NAME        Remove it, with its services, checks and policies\n" \
     "  sudoers NAME       Print the sudoers lines for its user\n" \
     "\n" \
     "Then 'tendctl --host NAME list', 'tendctl --host NAME restart UNIT' … read and " \
     "control its services.")

TendctlExit
tendctl_host (TendctlGlobalOptions  *global,
              int                    argc,
              char                 **argv)
{
  static const char * const subcommands[] = { "add", "list", "show", "set", "remove",
                                              "sudoers", NULL };
  static const TendctlCommandFunc funcs[] = { host_add, host_list, host_show, host_set,
                                              host_remove, host_sudoers };

  return tendctl_run_subcommand ("host", HOST_SUMMARY, subcommands, funcs, global, argc, argv);
}
