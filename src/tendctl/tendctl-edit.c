/* tendctl-edit.c — changing what the store keeps one item at a time (check, policy,
 * maintenance; watch, silence and resume through libtend)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The command's TendctlEditFunc is handed to tend_store_edit_inventory_async(), which
 * calls it on the store's thread, inside one write transaction, with the inventory as
 * it is stored at that moment; the result is validated there
 * (tend_inventory_validate_change()) and written where it differs. So two commands
 * running at once never undo each other: the second one's change is made to what the
 * first one stored, or refused when it no longer applies. What changed is the diff the
 * store returns, printed as import prints it and named in the audit record. Every
 * change, refused ones included, leaves an audit record; a stored change is announced
 * to the running monitor. A command whose change libtend makes whole (watch, unwatch,
 * silence, resume: tend-service-control.c, as the window does them) has a
 * TendctlChangeFunc instead: the run refuses and records a bad command line here, and
 * libtend records and announces the rest.
 */
#define G_LOG_DOMAIN "Tendctl"

#include <string.h>

#include "tendctl-edit.h"
#include "tendctl-output.h"

/* ------------------------------------------------------------------------------------ */
/* The audit log                                                                         */

/* The command's parameters, and what it changed: "changed": ["+ check …"] */
static char *
audit_parameters (TendctlEdit       *edit,
                  TendInventoryDiff *diff)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  JsonArray *changed;

  if (diff == NULL)
    return g_strdup (edit->parameters);

  if (edit->parameters != NULL && json_parser_load_from_data (parser, edit->parameters, -1, NULL)
      && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    root = json_node_copy (json_parser_get_root (parser));
  else
    {
      root = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (root, json_object_new ());
    }
  object = json_node_get_object (root);

  changed = json_array_new ();
  for (guint i = 0; i < tend_inventory_diff_get_n_changes (diff); i++)
    json_array_add_string_element (changed, tend_inventory_diff_get_change (diff, i)->description);
  json_object_set_array_member (object, "changed", changed);
  return json_to_string (root, FALSE);
}

static void
record_audit (TendctlEdit       *edit,
              const char        *result,
              TendInventoryDiff *diff,
              const GError      *error)
{
  TendAuditRecord record = { 0 };
  g_autofree char *parameters = NULL;

  if (edit->run->store == NULL)
    return;

  parameters = audit_parameters (edit, diff);
  record.time_usec = edit->started_real;
  record.unix_user = g_get_user_name ();
  record.origin = TEND_AUDIT_ORIGIN_CLI;
  record.host = edit->host;
  record.unit = edit->unit;
  record.operation = edit->operation;
  record.parameters = parameters;
  record.result = result;
  record.error = error != NULL ? error->message : NULL;
  /* A refusal changed nothing: it has no duration, as in the other commands' rows. */
  if (error == NULL)
    record.duration_usec = g_get_monotonic_time () - edit->started_monotonic;
  tend_store_add_audit (edit->run->store, &record);
}

static void
start_run (TendctlEdit *edit,
           TendctlRun  *run)
{
  edit->run = run;
  edit->started_real = g_get_real_time ();
  edit->started_monotonic = g_get_monotonic_time ();
  /* This computer's host of the scope, whatever host the run talks to */
  edit->local_host = g_strdup (edit->scope == TEND_HOST_SCOPE_SYSTEM ? "local-system"
                                                                     : "local-user");
  if (edit->host == NULL)
    edit->host = edit->local_host;
}

/* Says why, and that nothing changed; the audit log says so too. */
static void
refuse (TendctlEdit *edit,
        GError      *error)
{
  tendctl_print_error_lines (error->message);
  tendctl_print_error ("%s", edit->refused);
  record_audit (edit, NULL, NULL, error);
  tendctl_run_quit (edit->run, tendctl_exit_for_error (error));
  g_error_free (error);
}

/* ------------------------------------------------------------------------------------ */
/* The change                                                                            */

/**
 * tendctl_print_changes:
 *
 * Prints what a change changed, a line each ("+ check local-user/web.service/unit …"),
 * as import prints it.
 */
void
tendctl_print_changes (TendInventoryDiff *diff)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < tend_inventory_diff_get_n_changes (diff); i++)
    {
      /* Text from the database: it must not drive the terminal. */
      tendctl_append_sanitized (out, tend_inventory_diff_get_change (diff, i)->description,
                                NULL);
      g_string_append_c (out, '\n');
    }
  tendctl_write (stdout, out);
}

static void
edited_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  TendctlEdit *edit = user_data;
  g_autoptr(TendInventoryDiff) diff = NULL;
  GError *error = NULL;

  diff = tend_store_edit_inventory_finish (TEND_STORE (object), result, &error);
  if (diff == NULL)
    {
      refuse (edit, error);
      return;
    }

  if (tend_inventory_diff_is_empty (diff))
    {
      g_autoptr(GString) out = g_string_new (edit->unchanged);

      g_string_append_c (out, '\n');
      tendctl_write (stdout, out);
      record_audit (edit, "unchanged", NULL, NULL);
      tendctl_run_quit (edit->run, TENDCTL_EXIT_OK);
      return;
    }

  tendctl_print_changes (diff);
  record_audit (edit, "done", diff, NULL);
  tendctl_notify_engine (tend_store_get_path (edit->run->store));
  tendctl_run_quit (edit->run, TENDCTL_EXIT_OK);
}

/* On the store's thread, in the transaction: the command's change, to the inventory as
 * it is stored now, with the defaults of its configuration. */
static gboolean
edit_stored (TendInventory  *inventory,
             gpointer        user_data,
             GError        **error)
{
  TendctlEdit *edit = user_data;
  g_autoptr(TendConfig) config = tend_config_new ();

  tend_config_load (config, tend_inventory_get_config (inventory), NULL);
  return edit->edit (edit, inventory, config, error);
}

/* Makes the change, in one transaction of the store. */
static void
apply (TendctlEdit *edit)
{
  tend_store_edit_inventory_async (edit->run->store, edit_stored, edit, TEND_STORE_EDIT_NONE,
                                   edit->run->cancellable, edited_cb, edit);
}

/**
 * tendctl_edit_done:
 * @outcome: (nullable): what libtend did, when it did
 * @error: (transfer full) (nullable): why it did nothing
 *
 * Ends a #TendctlChangeFunc, whose change libtend made and recorded in the audit log
 * (tend_service_control_run_async()): says why it was refused, or that the running
 * monitor was told, and ends the run. "Tend does not watch" gets the command that does.
 */
void
tendctl_edit_done (TendctlEdit                     *edit,
                   const TendServiceControlOutcome *outcome,
                   GError                          *error)
{
  if (error != NULL)
    {
      if (g_error_matches (error, TEND_ERROR, TEND_ERROR_NOT_WATCHED))
        {
          g_free (error->message);
          /* Translators: the first and third %s are a unit, the second a host */
          error->message = g_strdup_printf (_("Tend does not watch %s on %s ('tendctl watch %s' "
                                              "watches it)"), edit->unit, edit->host,
                                            edit->unit);
        }
      tendctl_print_error_lines (error->message);
      tendctl_print_error ("%s", edit->refused);
      tendctl_run_quit (edit->run, tendctl_exit_for_error (error));
      g_error_free (error);
      return;
    }

  tendctl_say_engine_told (outcome->engine_pid, outcome->engine_warning);
  tendctl_run_quit (edit->run, TENDCTL_EXIT_OK);
}

static void
edit_ready (TendctlRun *run,
            gpointer    user_data)
{
  TendctlEdit *edit = user_data;

  start_run (edit, run);
  if (edit->change != NULL)
    edit->change (edit);
  else
    apply (edit);
}

/* A command line refused before anything was read: only the audit log is written. */
static void
record_refusal (TendctlRun *run,
                gpointer    user_data)
{
  TendctlEdit *edit = user_data;

  start_run (edit, run);
  record_audit (edit, NULL, NULL, edit->refusal);
  tendctl_run_quit (run, tendctl_exit_for_error (edit->refusal));
}

/**
 * tendctl_edit_run:
 * @edit: the command's change; when its refusal is set, that is said and recorded, and
 *   nothing else is done
 * @flags: besides the database, what the run needs (%TENDCTL_RUN_CONNECT for a change
 *   that looks a unit up)
 *
 * Returns: the exit status
 */
TendctlExit
tendctl_edit_run (TendctlEdit          *edit,
                  TendctlGlobalOptions *global,
                  TendctlRunFlags       flags)
{
  edit->scope = tendctl_global_options_get_scope (global);

  /* The inventory's host of the service is the edit's to find, and to refuse. */
  flags |= TENDCTL_RUN_HOST_UNCHECKED;
  if (edit->refusal != NULL)
    {
      tendctl_print_error_lines (edit->refusal->message);
      tendctl_print_error ("%s", edit->refused);
      return tendctl_run (global, TENDCTL_RUN_AUDIT | TENDCTL_RUN_HOST_UNCHECKED,
                          record_refusal, edit);
    }
  return tendctl_run (global, flags | TENDCTL_RUN_STORE, edit_ready, edit);
}

void
tendctl_edit_clear (TendctlEdit *edit)
{
  g_clear_pointer (&edit->parameters, g_free);
  g_clear_pointer (&edit->unchanged, g_free);
  g_clear_pointer (&edit->local_host, g_free);
  g_clear_error (&edit->refusal);
}

/* ------------------------------------------------------------------------------------ */
/* Messages                                                                              */

/**
 * tendctl_append_renamed:
 * @text: a message, such as a rule of the file format: "5min must be at least
 *   backoff_initial (10min)"
 * @rename: says what to write for each word of lower-case letters and "_"
 *
 * Appends @text with its words renamed: a field of the file format said as the option
 * that sets it ("--backoff-initial").
 */
void
tendctl_append_renamed (GString           *out,
                        const char        *text,
                        TendctlRenameFunc  rename,
                        gconstpointer      user_data)
{
  const char *word_chars = "abcdefghijklmnopqrstuvwxyz_";

  while (*text != '\0')
    {
      gsize skip = strcspn (text, word_chars);
      gsize length;
      g_autofree char *word = NULL;
      g_autofree char *label = NULL;

      g_string_append_len (out, text, skip);
      text += skip;
      length = strspn (text, word_chars);
      word = g_strndup (text, length);
      label = rename (word, user_data);
      g_string_append (out, label != NULL ? label : word);
      text += length;
    }
}

/**
 * tendctl_rewrite_error_lines:
 * @error: an error with a problem on each line, such as tend_inventory_validate()'s
 * @rewrite: appends a line as the command line would say it
 *
 * Rewrites the message of @error line by line: in terms of the command's options,
 * say, rather than the file format's fields.
 */
void
tendctl_rewrite_error_lines (GError          *error,
                             TendctlLineFunc  rewrite,
                             gconstpointer    user_data)
{
  g_auto(GStrv) lines = g_strsplit (error->message, "\n", -1);
  GString *out = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (out, '\n');
      rewrite (out, lines[i], user_data);
    }
  g_free (error->message);
  error->message = g_string_free (out, FALSE);
}

/* ------------------------------------------------------------------------------------ */
/* Items                                                                                 */

/**
 * tendctl_find_service:
 * @position: (out) (optional): where it is in the inventory's services
 *
 * Returns: whether the inventory has the service @unit on @host
 */
gboolean
tendctl_find_service (TendInventory *inventory,
                      const char    *host,
                      const char    *unit,
                      guint         *position)
{
  GPtrArray *services = tend_inventory_get_services (inventory);

  for (guint i = 0; i < services->len; i++)
    {
      const TendInventoryService *service = services->pdata[i];

      if (g_str_equal (service->host, host) && g_str_equal (service->unit, unit))
        {
          if (position != NULL)
            *position = i;
          return TRUE;
        }
    }
  return FALSE;
}

/**
 * tendctl_require_service:
 *
 * Returns: (transfer none) (nullable): the inventory's service @unit on @host, or %NULL
 *   with %TEND_ERROR_NOT_FOUND when Tend does not watch it
 */
TendInventoryService *
tendctl_require_service (TendInventory  *inventory,
                         const char     *host,
                         const char     *unit,
                         GError        **error)
{
  guint position;

  if (tendctl_find_service (inventory, host, unit, &position))
    return g_ptr_array_index (tend_inventory_get_services (inventory), position);

  g_set_error (error, TEND_ERROR, TEND_ERROR_NOT_FOUND,
               "Tend does not watch %s on %s ('tendctl watch %s' watches it)", unit, host,
               unit);
  return NULL;
}

/**
 * tendctl_find_check:
 *
 * Returns: the position of the check @name of @unit on @host among the inventory's
 *   checks, or %G_MAXUINT when there is none
 */
guint
tendctl_find_check (TendInventory *inventory,
                    const char    *host,
                    const char    *unit,
                    const char    *name)
{
  GPtrArray *checks = tend_inventory_get_checks (inventory);

  for (guint i = 0; i < checks->len; i++)
    {
      const TendInventoryCheck *check = checks->pdata[i];

      if (g_str_equal (check->host, host) && g_str_equal (check->unit, unit) &&
          g_str_equal (check->name, name))
        return i;
    }
  return G_MAXUINT;
}

/**
 * tendctl_find_host:
 *
 * Returns: (transfer none) (nullable): the inventory's host @name
 */
TendInventoryHost *
tendctl_find_host (TendInventory *inventory,
                   const char    *name)
{
  GPtrArray *hosts = tend_inventory_get_hosts (inventory);

  for (guint i = 0; i < hosts->len; i++)
    if (g_str_equal (((TendInventoryHost *) hosts->pdata[i])->name, name))
      return hosts->pdata[i];
  return NULL;
}

/**
 * tendctl_edit_ensure_service:
 *
 * Adds the edit's service to @inventory unless it is there. Its host must be in the
 * inventory, except this computer's host of the command's scope ("local-user", the
 * name the monitor and the audit log give it), which is added when it is missing: a
 * local host of that scope with admin access, as the monitor adds it.
 *
 * Returns: (transfer none) (nullable): the service's host, or %NULL with
 *   %TEND_ERROR_NOT_FOUND when there is no such host
 */
TendInventoryHost *
tendctl_edit_ensure_service (TendctlEdit    *edit,
                             TendInventory  *inventory,
                             GError        **error)
{
  TendInventoryHost *host = tendctl_find_host (inventory, edit->host);

  if (host == NULL && !g_str_equal (edit->host, edit->local_host))
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_NOT_FOUND,
                   "--host: there is no host '%s' in Tend's inventory ('tendctl host list' "
                   "lists the hosts; this computer's is '%s')", edit->host, edit->local_host);
      return NULL;
    }

  if (host == NULL)
    {
      host = tend_inventory_host_new (edit->host, TEND_HOST_KIND_LOCAL);
      host->scope = edit->scope;
      host->access = TEND_INVENTORY_ACCESS_ADMIN;
      tend_inventory_add_host (inventory, host);
    }

  if (!tendctl_find_service (inventory, edit->host, edit->unit, NULL))
    tend_inventory_add_service (inventory, tend_inventory_service_new (edit->host, edit->unit));
  return host;
}
