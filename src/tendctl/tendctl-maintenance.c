/* tendctl-maintenance.c — tendctl maintenance list|add|remove
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A service's recurring maintenance windows ("Mon-Fri 02:00-04:00", local time), during
 * which Tend neither recovers it nor notifies about it. They are the inventory's
 * (TendInventoryService.maintenance), read by tend-maintenance.c, whose messages name
 * the part of a window that is wrong; they are stored in the form it writes, so
 * "mon-fri  02:00-04:00" and "Mon-Fri 02:00-04:00" are the same window. The change
 * itself is tendctl-edit.c's.
 */
#define G_LOG_DOMAIN "Tendctl"

#include <string.h>

#include "tendctl.h"
#include "tendctl-edit.h"
#include "tendctl-output.h"

typedef struct
{
  TendctlEdit edit;
  TendctlRun *run;             /* list's */
  char *host_text;             /* (owned) (nullable) --host */
  const char *unit;            /* (unowned) (nullable) list's, from argv */
  gboolean json;
  gboolean remove;
  GPtrArray *windows;          /* (owned) (element-type utf8) as stored: "Mon-Fri 02:00-04:00" */
} MaintenanceData;

static void
maintenance_data_clear (MaintenanceData *data)
{
  tendctl_edit_clear (&data->edit);
  g_free (data->host_text);
  g_clear_pointer (&data->windows, g_ptr_array_unref);
}

/* ------------------------------------------------------------------------------------ */
/* Windows                                                                               */

/* The windows of the command line, each in the form the inventory keeps, once each.
 * An argument without a blank ("Mon-Fri", left unquoted) goes with the next one
 * ("02:00-04:00"). */
static gboolean
parse_windows (MaintenanceData  *data,
               char            **args,
               GError          **error)
{
  data->windows = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; args[i] != NULL; i++)
    {
      g_autofree char *text = NULL;
      TendMaintenanceWindow window;
      char *stored;

      if (strpbrk (args[i], " \t") == NULL && args[i + 1] != NULL)
        {
          text = g_strdup_printf ("%s %s", args[i], args[i + 1]);
          i++;
        }
      else
        text = g_strdup (args[i]);

      if (!tend_maintenance_window_parse (text, &window, error))
        return FALSE;
      stored = tend_maintenance_window_format (&window);
      if (g_ptr_array_find_with_equal_func (data->windows, stored, g_str_equal, NULL))
        g_free (stored);
      else
        g_ptr_array_add (data->windows, stored);
    }
  return TRUE;
}

static gint
find_window (char       **windows,
             const char  *window)
{
  for (guint i = 0; windows[i] != NULL; i++)
    if (g_str_equal (windows[i], window))
      return i;
  return -1;
}

/* The service with its host, alone, by the file format's rules (at most so many
 * windows); said in terms of the command line. */
static gboolean
validate_service (TendInventory               *inventory,
                  const TendInventoryService  *service,
                  GError                     **error)
{
  static const char path[] = "$.services[0].maintenance";
  g_autoptr(TendInventory) alone = tend_inventory_new ();
  TendInventoryService *copy = tend_inventory_service_copy (service);
  g_autoptr(GString) message = NULL;

  /* Others it depends on are not there, and not this command's business. */
  g_strfreev (copy->depends_on);
  copy->depends_on = g_new0 (char *, 1);
  tend_inventory_add_host (alone,
                           tend_inventory_host_copy (tendctl_find_host (inventory, service->host)));
  tend_inventory_add_service (alone, copy);
  if (tend_inventory_validate_change (NULL, alone, error))
    return TRUE;

  message = g_string_new ((*error)->message);
  g_string_replace (message, path, "WINDOW", 0);
  g_string_replace (message, "the list has", "the list of maintenance windows has", 0);
  g_free ((*error)->message);
  (*error)->message = g_string_free (g_steal_pointer (&message), FALSE);
  return FALSE;
}

static gboolean
change_edit (TendctlEdit    *edit,
             TendInventory  *inventory,
             TendConfig     *config,
             GError        **error)
{
  MaintenanceData *data = edit->user_data;
  TendInventoryService *service;
  g_autoptr(GPtrArray) windows = g_ptr_array_new_with_free_func (g_free);

  service = tendctl_require_service (inventory, edit->host, edit->unit, error);
  if (service == NULL)
    return FALSE;

  for (guint i = 0; service->maintenance[i] != NULL; i++)
    {
      if (data->remove &&
          g_ptr_array_find_with_equal_func (data->windows, service->maintenance[i],
                                            g_str_equal, NULL))
        continue;
      g_ptr_array_add (windows, g_strdup (service->maintenance[i]));
    }
  for (guint i = 0; i < data->windows->len; i++)
    {
      const char *window = data->windows->pdata[i];
      gboolean present = find_window (service->maintenance, window) >= 0;

      if (data->remove && !present)
        {
          g_set_error (error, TEND_ERROR, TEND_ERROR_NOT_FOUND,
                       "%s on %s has no maintenance window '%s' ('tendctl maintenance list "
                       "%s' lists them)", edit->unit, edit->host, window, edit->unit);
          return FALSE;
        }
      if (!data->remove && !present)
        g_ptr_array_add (windows, g_strdup (window));
    }
  g_ptr_array_add (windows, NULL);

  g_strfreev (service->maintenance);
  service->maintenance = (char **) g_ptr_array_free (g_steal_pointer (&windows), FALSE);
  if (!validate_service (inventory, service, error))
    return FALSE;

  /* Translators: the first %s is a unit, the second a host */
  edit->unchanged = g_strdup_printf (ngettext ("%s on %s has this maintenance window already: "
                                               "nothing changed.",
                                               "%s on %s has these maintenance windows "
                                               "already: nothing changed.",
                                               data->windows->len),
                                     edit->unit, edit->host);
  return TRUE;
}

/* ------------------------------------------------------------------------------------ */
/* maintenance list                                                                      */

typedef struct
{
  const TendInventoryService *service;
  const char *window;
  gboolean active;
} Row;

static void
print_list_json (GArray *rows)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; i < rows->len; i++)
    {
      const Row *row = &g_array_index (rows, Row, i);

      json_builder_begin_object (builder);
      tend_json_add_string (builder, "host", row->service->host);
      tend_json_add_string (builder, "unit", row->service->unit);
      tend_json_add_string (builder, "window", row->window);
      json_builder_set_member_name (builder, "active");
      json_builder_add_boolean_value (builder, row->active);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  tendctl_print_json (root, TRUE);
}

static void
print_list_text (MaintenanceData *data,
                 GArray          *rows)
{
  g_autoptr(TendctlTable) table = tendctl_table_new (4, N_("HOST"), N_("UNIT"), N_("WINDOW"),
                                                     N_("NOW"));
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < rows->len; i++)
    {
      const Row *row = &g_array_index (rows, Row, i);

      tendctl_table_add_row (table, FALSE, row->service->host, row->service->unit,
                             row->window, row->active ? _("in maintenance") : "-");
    }
  if (rows->len > 0)
    {
      tendctl_table_render (table, out, tendctl_use_color (stdout));
      g_string_append_c (out, '\n');
    }
  g_string_append_printf (out, ngettext ("%u maintenance window listed (local time).",
                                         "%u maintenance windows listed (local time).",
                                         rows->len), rows->len);
  if (rows->len == 0)
    g_string_append_printf (out, _(" Add one with 'tendctl maintenance add %s \"Mon-Fri "
                                   "02:00-04:00\"'."), data->unit != NULL ? data->unit : "UNIT");
  g_string_append_c (out, '\n');
  tendctl_write (stdout, out);
}

static void
list_loaded_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  MaintenanceData *data = user_data;
  g_autoptr(TendInventory) inventory = NULL;
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (Row));
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GError) error = NULL;
  GPtrArray *services;

  inventory = tend_store_load_inventory_finish (TEND_STORE (object), result, &error);
  if (inventory == NULL)
    {
      tendctl_print_error ("%s", error->message);
      tendctl_run_quit (data->run, TENDCTL_EXIT_FAILED);
      return;
    }
  if (data->unit != NULL &&
      tendctl_require_service (inventory, data->host_text, data->unit, &error) == NULL)
    {
      tendctl_print_error ("%s", error->message);
      tendctl_run_quit (data->run, TENDCTL_EXIT_NOT_FOUND);
      return;
    }

  services = tend_inventory_get_services (inventory);
  for (guint i = 0; i < services->len; i++)
    {
      const TendInventoryService *service = services->pdata[i];

      if ((data->host_text != NULL && !g_str_equal (service->host, data->host_text)) ||
          (data->unit != NULL && !g_str_equal (service->unit, data->unit)))
        continue;
      for (guint j = 0; service->maintenance[j] != NULL; j++)
        {
          Row row = { service, service->maintenance[j], FALSE };
          TendMaintenanceWindow window;

          if (tend_maintenance_window_parse (row.window, &window, NULL))
            row.active = tend_maintenance_window_contains (&window, now);
          g_array_append_val (rows, row);
        }
    }

  if (data->json)
    print_list_json (rows);
  else
    print_list_text (data, rows);
  tendctl_run_quit (data->run, TENDCTL_EXIT_OK);
}

static void
list_ready (TendctlRun *run,
            gpointer    user_data)
{
  MaintenanceData *data = user_data;

  data->run = run;
  /* A unit is this computer's unless --host says otherwise; all of them are listed. */
  if (data->unit != NULL && data->host_text == NULL)
    data->host_text = g_strdup (tend_host_get_id (run->host));
  tend_store_load_inventory_async (run->store, run->cancellable, list_loaded_cb, data);
}

/* ------------------------------------------------------------------------------------ */
/* Arguments                                                                             */

/* %s: WINDOW_HELP */
#define MAINTENANCE_SUMMARY \
  N_("The recurring maintenance windows of services: while one lasts, Tend neither recovers " \
     "the service nor notifies about it; its checks still run.\n" \
     "\n" \
     "Subcommands:\n" \
     "  list [UNIT] [--json]  List the windows, of every service or of UNIT's\n" \
     "  add UNIT WINDOW…      Add windows to a service\n" \
     "  remove UNIT WINDOW…   Remove windows of a service\n" \
     "\n" \
     "%s\n" \
     "\n" \
     "Run 'tendctl maintenance SUBCOMMAND --help' for the options of a subcommand.")

#define WINDOW_HELP \
  N_("A WINDOW is DAYS HH:MM-HH:MM in local time: 'Mon-Fri 02:00-04:00', 'Sat,Sun " \
     "00:00-06:00', 'daily 23:30-00:30' (an end before the start runs past midnight).")

static const char * const subcommands[] = { "list", "add", "remove", NULL };

static TendctlExit
maintenance_list (TendctlGlobalOptions  *global,
                  int                    argc,
                  char                 **argv)
{
  MaintenanceData data = { { NULL, }, };
  g_auto(GStrv) rest = NULL;
  TendctlExit status = TENDCTL_EXIT_USAGE;
  const GOptionEntry entries[] = {
    { "host", 0, 0, G_OPTION_ARG_STRING, &data.host_text,
      N_("Only the services on HOST (with UNIT: UNIT's host)"), "HOST" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &data.json,
      N_("Print a JSON array with one object per window"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &rest, NULL, NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!tendctl_parse_options ("maintenance list", "[UNIT]",
                              N_("List the maintenance windows: of every service, or of UNIT's. "
                                 "NOW says which one lasts now."), entries, global, &argc, &argv))
    goto out;
  if (rest != NULL && g_strv_length (rest) > 1)
    {
      tendctl_usage_error ("maintenance list", _("maintenance list takes one UNIT at most"));
      goto out;
    }
  if (rest != NULL && !tendctl_check_units ((const char * const *) rest, FALSE))
    goto out;

  data.unit = rest != NULL ? rest[0] : NULL;
  status = tendctl_run (global, TENDCTL_RUN_READ_ONLY,
                        list_ready, &data);

out:
  maintenance_data_clear (&data);
  return status;
}

static TendctlExit
maintenance_change (TendctlGlobalOptions  *global,
                    int                    argc,
                    char                 **argv,
                    gboolean               remove)
{
  MaintenanceData data = { { NULL, }, };
  const char *command = remove ? "maintenance remove" : "maintenance add";
  g_auto(GStrv) rest = NULL;
  g_autofree char *summary = NULL;
  TendctlExit status = TENDCTL_EXIT_USAGE;
  const GOptionEntry entries[] = {
    TENDCTL_HOST_ENTRY (&data.host_text),
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &rest, NULL, NULL },
    G_OPTION_ENTRY_NULL
  };

  summary = g_strdup_printf ("%s\n\n%s",
                             remove ? _("Remove maintenance windows of the service UNIT.")
                                    : _("Add maintenance windows to the service UNIT: while "
                                        "one lasts, Tend neither recovers it nor notifies "
                                        "about it."),
                             _(WINDOW_HELP));
  if (!tendctl_parse_options (command, "UNIT WINDOW…", summary, entries, global, &argc, &argv))
    goto out;
  if (rest == NULL || g_strv_length (rest) < 2)
    {
      tendctl_usage_error (command, _("%s needs a UNIT and at least one WINDOW, such as "
                             "'tendctl %s nginx.service \"Mon-Fri 02:00-04:00\"'"), command,
                           command);
      goto out;
    }

  data.remove = remove;
  data.edit.operation = remove ? "maintenance-remove" : "maintenance-add";
  data.edit.unit = rest[0];
  data.edit.host = data.host_text;
  data.edit.refused = _("nothing was changed");
  data.edit.edit = change_edit;
  data.edit.user_data = &data;
  if (tendctl_validate_unit (data.edit.unit, &data.edit.refusal))
    parse_windows (&data, rest + 1, &data.edit.refusal);
  if (data.edit.refusal == NULL)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      g_ptr_array_add (data.windows, NULL);
      json_builder_begin_object (builder);
      tendctl_json_add_strv (builder, "windows", (const char * const *) data.windows->pdata);
      json_builder_end_object (builder);
      g_ptr_array_set_size (data.windows, data.windows->len - 1);
      root = json_builder_get_root (builder);
      data.edit.parameters = json_to_string (root, FALSE);
    }
  status = tendctl_edit_run (&data.edit, global, 0);

out:
  maintenance_data_clear (&data);
  return status;
}

static TendctlExit
maintenance_add (TendctlGlobalOptions  *global,
                 int                    argc,
                 char                 **argv)
{
  return maintenance_change (global, argc, argv, FALSE);
}

static TendctlExit
maintenance_remove (TendctlGlobalOptions  *global,
                    int                    argc,
                    char                 **argv)
{
  return maintenance_change (global, argc, argv, TRUE);
}

TendctlExit
tendctl_maintenance (TendctlGlobalOptions  *global,
                     int                    argc,
                     char                 **argv)
{
  static const TendctlCommandFunc funcs[] = {
    maintenance_list, maintenance_add, maintenance_remove,
  };
  g_autofree char *summary = g_strdup_printf (_(MAINTENANCE_SUMMARY), _(WINDOW_HELP));

  return tendctl_run_subcommand ("maintenance", summary, subcommands, funcs, global, argc,
                                 argv);
}
