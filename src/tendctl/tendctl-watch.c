/* tendctl-watch.c — tendctl watch UNIT and tendctl unwatch UNIT
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * watch puts a unit under Tend's eye with two checks that need no options: "unit",
 * systemd's own state of it, and "resources", its CPU. The unit is looked up on the
 * service manager first: a unit that does not exist is refused. Watching again adds
 * what is missing and changes nothing else. unwatch removes the service with its checks
 * and its policy. The change itself is tendctl-edit.c's.
 */
#define G_LOG_DOMAIN "Tendctl"

#include "tendctl.h"
#include "tendctl-edit.h"
#include "tendctl-output.h"

/* The thresholds of watch's resources check, in percent of one CPU (docs/tendctl.md). */
#define WATCH_CPU_WARN_PERCENT     80.0
#define WATCH_CPU_CRITICAL_PERCENT 95.0

typedef struct
{
  TendctlEdit edit;
  char *host;                 /* (owned) (nullable) --host */
} WatchData;

/* ------------------------------------------------------------------------------------ */
/* watch                                                                                 */

static void
service_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  TendctlEdit *edit = user_data;
  g_autoptr(TendService) service = NULL;
  GError *error = NULL;

  service = tend_host_load_service_finish (TEND_HOST (object), result, &error);
  if (service != NULL)
    tendctl_check_loaded (TEND_HOST (object), service, &error);
  tendctl_edit_continue (edit, error);
}

/* The unit must be there to be watched: on this computer's manager of the scope. */
static void
watch_verify (TendctlEdit   *edit,
              TendInventory *inventory)
{
  const TendInventoryHost *host = tendctl_find_host (inventory, edit->host);

  if (host != NULL && (host->kind != TEND_HOST_KIND_LOCAL || host->scope != edit->scope))
    {
      tendctl_edit_continue (edit, g_error_new (TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                                                "--host: '%s' is not this computer's %s "
                                                "manager, where watch looks the unit up; "
                                                "give its checks with 'tendctl check add'",
                                                edit->host,
                                                edit->scope == TEND_HOST_SCOPE_SYSTEM
                                                ? "system" : "user"));
      return;
    }

  tend_host_load_service_async (edit->run->host, edit->unit, edit->run->cancellable,
                                service_loaded_cb, edit);
}

static gboolean
watch_edit (TendctlEdit    *edit,
            TendInventory  *inventory,
            TendConfig     *config,
            GError        **error)
{
  if (tendctl_edit_ensure_service (edit, inventory, error) == NULL)
    return FALSE;

  /* systemd's own word that the unit failed needs no confirmation: a unit killed with
   * SIGKILL is critical at once. */
  if (tendctl_find_check (inventory, edit->host, edit->unit, "unit") == G_MAXUINT)
    {
      TendInventoryCheck *check = tend_inventory_check_new (edit->host, edit->unit, "unit",
                                                            TEND_INVENTORY_CHECK_UNIT);

      tendctl_check_set_defaults (check, config);
      check->failures_before_hard = 1;
      tend_inventory_add_check (inventory, check);
    }

  if (tendctl_find_check (inventory, edit->host, edit->unit, "resources") == G_MAXUINT)
    {
      TendInventoryCheck *check = tend_inventory_check_new (edit->host, edit->unit, "resources",
                                                            TEND_INVENTORY_CHECK_RESOURCES);

      tendctl_check_set_defaults (check, config);
      check->params.resources.cpu_warn_percent = WATCH_CPU_WARN_PERCENT;
      check->params.resources.cpu_critical_percent = WATCH_CPU_CRITICAL_PERCENT;
      tend_inventory_add_check (inventory, check);
    }

  edit->unchanged = g_strdup_printf ("%s on %s is watched already: nothing changed.",
                                     edit->unit, edit->host);
  return TRUE;
}

/* ------------------------------------------------------------------------------------ */
/* unwatch                                                                               */

/* What checks and policies begin with: the service they belong to. */
typedef struct
{
  char *host;
  char *unit;
} ServiceRef;

G_STATIC_ASSERT (G_STRUCT_OFFSET (TendInventoryCheck, host) == G_STRUCT_OFFSET (ServiceRef, host));
G_STATIC_ASSERT (G_STRUCT_OFFSET (TendInventoryCheck, unit) == G_STRUCT_OFFSET (ServiceRef, unit));
G_STATIC_ASSERT (G_STRUCT_OFFSET (TendInventoryPolicy, host) == G_STRUCT_OFFSET (ServiceRef, host));
G_STATIC_ASSERT (G_STRUCT_OFFSET (TendInventoryPolicy, unit) == G_STRUCT_OFFSET (ServiceRef, unit));

static void
remove_items_of (GPtrArray  *items,
                 const char *host,
                 const char *unit)
{
  for (guint i = items->len; i-- > 0;)
    {
      const ServiceRef *item = items->pdata[i];

      if (g_str_equal (item->host, host) && g_str_equal (item->unit, unit))
        g_ptr_array_remove_index (items, i);
    }
}

static gboolean
unwatch_edit (TendctlEdit    *edit,
              TendInventory  *inventory,
              TendConfig     *config,
              GError        **error)
{
  guint position;

  if (!tendctl_find_service (inventory, edit->host, edit->unit, &position))
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_NOT_FOUND, "Tend does not watch %s on %s",
                   edit->unit, edit->host);
      return FALSE;
    }

  g_ptr_array_remove_index (tend_inventory_get_services (inventory), position);
  remove_items_of (tend_inventory_get_checks (inventory), edit->host, edit->unit);
  remove_items_of (tend_inventory_get_policies (inventory), edit->host, edit->unit);
  return TRUE;
}

/* ------------------------------------------------------------------------------------ */
/* Arguments                                                                             */

TendctlExit
tendctl_watch (TendctlGlobalOptions  *global,
               int                    argc,
               char                 **argv)
{
  WatchData data = { { NULL, }, };
  gboolean unwatch = g_str_equal (argv[0], "unwatch");
  const char *command = unwatch ? "unwatch" : "watch";
  g_auto(GStrv) rest = NULL;
  TendctlExit status;
  const GOptionEntry entries[] = {
    TENDCTL_HOST_ENTRY (&data.host),
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &rest, NULL, NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!tendctl_parse_options (command, "UNIT",
                              unwatch ? "Stop watching UNIT: remove it, its checks and its "
                                        "recovery policy from what Tend watches."
                                      : "Watch UNIT with two checks: 'unit', systemd's state of "
                                        "it (a failure is critical at once), and 'resources', "
                                        "its CPU (a warning above 80% of one CPU, critical "
                                        "above 95%). The unit must exist. Watching it again "
                                        "adds what is missing and changes nothing else.",
                              entries, global, &argc, &argv))
    return TENDCTL_EXIT_USAGE;
  if (rest == NULL || g_strv_length (rest) != 1)
    {
      tendctl_usage_error (command, "%s needs one UNIT, such as nginx.service", command);
      g_free (data.host);
      return TENDCTL_EXIT_USAGE;
    }

  data.edit.operation = command;
  data.edit.unit = rest[0];
  data.edit.host = data.host;
  data.edit.refused = "nothing was changed";
  data.edit.edit = unwatch ? unwatch_edit : watch_edit;
  data.edit.verify = unwatch ? NULL : watch_verify;
  tendctl_validate_unit (data.edit.unit, &data.edit.refusal);

  status = tendctl_edit_run (&data.edit, global, unwatch ? 0 : TENDCTL_RUN_CONNECT);
  tendctl_edit_clear (&data.edit);
  g_free (data.host);
  return status;
}
