/* tendctl-inventory.c — tendctl export [FILE] and tendctl import FILE [--dry-run]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The whole inventory (hosts, services, checks, policies, configuration) as one JSON
 * document of the format in docs/inventory-format.md. An import is checked whole —
 * the file with its configuration — before the database is touched, and then replaces
 * the inventory in one transaction (tend_store_replace_inventory_async()), validated
 * there against what is stored at that moment, or changes nothing.
 */
#define G_LOG_DOMAIN "Tend"

#include <glib/gstdio.h>
#include "tend-json-lib.h"

#include "tendctl.h"
#include "tendctl-output.h"

typedef struct
{
  TendctlRun *run;
  char *file;                  /* (owned) (nullable) */
  gboolean dry_run;
  TendInventory *incoming;     /* (owned) (nullable) import: the validated file */
  GError *refusal;             /* (owned) (nullable) import: why the file was refused */
  guint n_changes;
} InventoryData;

static void
inventory_data_clear (InventoryData *data)
{
  g_clear_pointer (&data->file, g_free);
  g_clear_pointer (&data->incoming, tend_inventory_unref);
  g_clear_error (&data->refusal);
}

/* ------------------------------------------------------------------------------------ */
/* export                                                                                */

static void
export_loaded_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  InventoryData *data = user_data;
  g_autoptr(TendInventory) inventory = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  gsize length;

  inventory = tend_store_load_inventory_finish (TEND_STORE (object), result, &error);
  if (inventory == NULL)
    {
      tendctl_print_error ("%s", error->message);
      tendctl_run_quit (data->run, TENDCTL_EXIT_FAILED);
      return;
    }

  json = tend_inventory_to_json (inventory, &length);
  if (data->file == NULL)
    {
      fwrite (json, 1, length, stdout);
      fflush (stdout);
    }
  else if (!g_file_set_contents_full (data->file, json, length,
                                      G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    {
      tendctl_print_error (_("cannot write the export to %s: %s"), data->file, error->message);
      tendctl_run_quit (data->run, TENDCTL_EXIT_FAILED);
      return;
    }
  tendctl_run_quit (data->run, TENDCTL_EXIT_OK);
}

static void
export_ready (TendctlRun *run,
              gpointer    user_data)
{
  InventoryData *data = user_data;

  data->run = run;
  tend_store_load_inventory_async (run->store, run->cancellable, export_loaded_cb, data);
}

TendctlExit
tendctl_export (TendctlGlobalOptions  *global,
                int                    argc,
                char                 **argv)
{
  InventoryData data = { NULL, };
  g_auto(GStrv) rest = NULL;
  TendctlExit status;
  const GOptionEntry entries[] = {
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &rest, NULL, NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!tendctl_parse_options ("export", "[FILE]",
                              N_("Write the whole inventory — hosts, services, checks, policies "
                                 "and configuration — as JSON to FILE, or to standard output. It "
                                 "holds no secrets."), entries, global, &argc, &argv))
    return TENDCTL_EXIT_USAGE;
  if (rest != NULL && rest[0] != NULL && rest[1] != NULL)
    {
      tendctl_usage_error ("export", _("export takes one FILE at most, but was given '%s' too"),
                           rest[1]);
      return TENDCTL_EXIT_USAGE;
    }

  data.file = rest != NULL ? g_strdup (rest[0]) : NULL;
  status = tendctl_run (global, TENDCTL_RUN_READ_ONLY | TENDCTL_RUN_NO_HOST,
                        export_ready, &data);
  inventory_data_clear (&data);
  return status;
}

/* ------------------------------------------------------------------------------------ */
/* import                                                                                */

static void
record_import (InventoryData *data,
               const char    *result,
               const GError  *error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *parameters = NULL;
  TendAuditRecord record = { 0 };

  if (data->run->store == NULL)
    return;

  json_builder_begin_object (builder);
  tend_json_add_string (builder, "file", data->file);
  tendctl_json_add_number (builder, "changes", TRUE, data->n_changes);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  parameters = json_to_string (root, FALSE);

  record.time_usec = g_get_real_time ();
  record.unix_user = g_get_user_name ();
  record.origin = TEND_AUDIT_ORIGIN_CLI;
  record.operation = "import";
  record.parameters = parameters;
  record.result = result;
  record.error = error != NULL ? error->message : NULL;
  tend_store_add_audit (data->run->store, &record);
}

static void
replaced_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  InventoryData *data = user_data;
  g_autoptr(TendInventoryDiff) diff = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *changes = NULL;

  diff = tend_store_replace_inventory_finish (TEND_STORE (object), result, &error);
  if (diff == NULL)
    {
      tendctl_print_error_lines (error->message);
      tendctl_print_error (_("nothing was imported"));
      if (!data->dry_run)
        record_import (data, NULL, error);
      tendctl_run_quit (data->run, tendctl_exit_for_error (error));
      return;
    }

  data->n_changes = tend_inventory_diff_get_n_changes (diff);
  if (tend_inventory_diff_is_empty (diff))
    {
      /* Translators: %s is the file given to tendctl import */
      g_print (_("%s matches the inventory: nothing to change."), data->file);
      g_print ("\n");
      if (!data->dry_run)
        record_import (data, "unchanged", NULL);
      tendctl_run_quit (data->run, TENDCTL_EXIT_OK);
      return;
    }

  changes = tend_inventory_diff_to_string (diff);
  g_print ("%s%s", changes, g_str_has_suffix (changes, "\n") ? "" : "\n");
  if (data->dry_run)
    {
      /* Translators: the end of tendctl import --dry-run */
      g_print (ngettext ("Dry run: %u change, none made.", "Dry run: %u changes, none made.",
                         data->n_changes), data->n_changes);
      g_print ("\n");
      tendctl_run_quit (data->run, TENDCTL_EXIT_OK);
      return;
    }

  /* Translators: %s is the file given to tendctl import, %u how many changes it made */
  g_print (ngettext ("Imported %s: %u change.", "Imported %s: %u changes.", data->n_changes),
           data->file, data->n_changes);
  g_print ("\n");
  record_import (data, "done", NULL);
  tendctl_notify_engine (tend_store_get_path (data->run->store));
  tendctl_run_quit (data->run, TENDCTL_EXIT_OK);
}

/* The file was refused before the database was touched: say so in the audit log. */
static void
record_refusal (TendctlRun *run,
                gpointer    user_data)
{
  InventoryData *data = user_data;

  data->run = run;
  record_import (data, NULL, data->refusal);
  tendctl_run_quit (run, g_error_matches (data->refusal, TEND_ERROR, TEND_ERROR_NOT_FOUND)
                         ? TENDCTL_EXIT_NOT_FOUND : TENDCTL_EXIT_USAGE);
}

static void
import_ready (TendctlRun *run,
              gpointer    user_data)
{
  InventoryData *data = user_data;

  data->run = run;
  tend_store_replace_inventory_async (run->store, data->incoming,
                                      data->dry_run ? TEND_STORE_EDIT_DRY_RUN
                                                    : TEND_STORE_EDIT_NONE,
                                      run->cancellable, replaced_cb, data);
}

/* Reads and checks the whole file before anything else: size first (a huge file is
 * refused unread), then the format's rules, then the configuration's. */
static TendInventory *
read_inventory_file (const char  *file,
                     GError     **error)
{
  g_autofree char *text = NULL;
  GStatBuf info;
  gsize length;

  if (g_stat (file, &info) != 0)
    {
      int saved = errno;

      g_set_error (error, TEND_ERROR, TEND_ERROR_NOT_FOUND, "cannot read %s: %s",
                   file, g_strerror (saved));
      return NULL;
    }
  if (info.st_size > TEND_INVENTORY_MAX_SIZE)
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   "%s is %" G_GINT64_FORMAT " bytes; an inventory is at most %d bytes",
                   file, (gint64) info.st_size, TEND_INVENTORY_MAX_SIZE);
      return NULL;
    }
  if (!g_file_get_contents (file, &text, &length, error))
    return NULL;

  /* The file's rules and the configuration's, every problem of both at once; the rest
   * of the validator's, against what is stored, in the transaction. */
  return tend_inventory_new_from_json (text, length, error);
}

TendctlExit
tendctl_import (TendctlGlobalOptions  *global,
                int                    argc,
                char                 **argv)
{
  InventoryData data = { NULL, };
  g_auto(GStrv) rest = NULL;
  TendctlExit status;
  const GOptionEntry entries[] = {
    { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &data.dry_run,
      N_("Check the file and print what would change; change nothing"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &rest, NULL, NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!tendctl_parse_options ("import", "FILE",
                              N_("Replace the whole inventory with the one in FILE (as written by "
                                 "export). Everything is checked before anything changes, and the "
                                 "change is all or nothing."), entries, global, &argc, &argv))
    return TENDCTL_EXIT_USAGE;
  if (rest == NULL || rest[0] == NULL || rest[1] != NULL)
    {
      tendctl_usage_error ("import", _("import needs exactly one FILE"));
      return TENDCTL_EXIT_USAGE;
    }

  data.file = g_strdup (rest[0]);
  data.incoming = read_inventory_file (data.file, &data.refusal);
  if (data.incoming == NULL)
    {
      tendctl_print_error_lines (data.refusal->message);
      tendctl_print_error (_("nothing was imported"));
      status = tendctl_run (global, TENDCTL_RUN_AUDIT | TENDCTL_RUN_NO_HOST,
                            record_refusal, &data);
    }
  else
    status = tendctl_run (global, TENDCTL_RUN_STORE | TENDCTL_RUN_NO_HOST,
                          import_ready, &data);
  inventory_data_clear (&data);
  return status;
}
