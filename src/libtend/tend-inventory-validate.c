/* tend-inventory-validate.c — the one validator of what is written into the inventory
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every way into the stored inventory — an import, each edit of tendctl or the window —
 * ends in tend_inventory_validate_change(), on the store's thread, inside the transaction
 * that writes the change (tend_store_edit_inventory_async()). It says the same thing,
 * with the same messages, whichever way a change comes:
 *
 *  - the rules of the file format (tend_inventory_validate()): fields, references
 *    between items, dependencies that go round in a cycle;
 *  - TendConfig's rules for the configuration's values;
 *  - the check classes' own rules for each check the change adds or changes
 *    (tend_check_validate_spec()), so that the monitor never skips a stored check: a
 *    command check's program must be there to run.
 *
 * A change is refused for the problems it brings, not for those already stored: a
 * configuration value that a newer Tend wrote is kept (and said by 'tendctl config
 * list'), and a check stored before its program was removed does not hold back an
 * edit of another one.
 */
#define G_LOG_DOMAIN "Tend-Inventory"

#include <string.h>

#include "tend-check-factory.h"
#include "tend-config.h"
#include "tend-inventory-private.h"

/* The configuration's problems that @current does not have already. */
static void
check_config (TendInventory         *current,
              TendInventory         *incoming,
              TendInventoryProblems *problems)
{
  g_autoptr(GError) now = NULL;
  g_autoptr(GError) before = NULL;
  g_auto(GStrv) now_lines = NULL;
  g_auto(GStrv) before_lines = NULL;

  if (tend_config_validate (tend_inventory_get_config (incoming), &now))
    return;
  if (!tend_config_validate (tend_inventory_get_config (current), &before))
    before_lines = g_strsplit (before->message, "\n", -1);

  now_lines = g_strsplit (now->message, "\n", -1);
  for (guint i = 0; now_lines[i] != NULL; i++)
    if (before_lines == NULL || !g_strv_contains ((const char * const *) before_lines,
                                                  now_lines[i]))
      tend_inventory_problem (problems, "$.config", "%s", now_lines[i]);
}

static TendHostKind
host_kind_of (TendInventory *inventory,
              const char    *name)
{
  GPtrArray *hosts = tend_inventory_get_hosts (inventory);

  for (guint i = 0; i < hosts->len; i++)
    {
      const TendInventoryHost *host = hosts->pdata[i];

      if (g_str_equal (host->name, name))
        return host->kind;
    }
  g_assert_not_reached ();
}

/* A check class's problem, "argv[0]: \"/etc/passwd\" is not executable", at its place:
 * "$.checks[3].params.argv[0]: \"/etc/passwd\" is not executable". */
static void
check_problem (TendInventoryProblems *problems,
               guint                  position,
               const char            *message)
{
  static const char * const check_keys[] = {
    "name", "unit", "kind", "interval", "timeout", "failures_before_hard",
    "successes_before_recovered", "startup_grace", NULL
  };
  const char *colon = strstr (message, ": ");
  g_autofree char *head = NULL;
  g_autofree char *key = NULL;
  g_autofree char *path = NULL;

  if (colon == NULL)
    {
      path = g_strdup_printf ("$.checks[%u]", position);
      tend_inventory_problem (problems, path, "%s", message);
      return;
    }

  head = g_strndup (message, colon - message);
  key = g_strndup (head, strcspn (head, "["));
  path = g_strdup_printf ("$.checks[%u].%s%s", position,
                          g_strv_contains (check_keys, key) ? "" : "params.", head);
  tend_inventory_problem (problems, path, "%s", colon + 2);
}

/* Each check that @diff adds or changes, by the rules of its class. */
static void
check_checks (TendInventory         *incoming,
              TendInventoryDiff     *diff,
              TendInventoryProblems *problems)
{
  GPtrArray *checks = tend_inventory_get_checks (incoming);

  for (guint i = 0; i < tend_inventory_diff_get_n_changes (diff); i++)
    {
      const TendInventoryChange *change = tend_inventory_diff_get_change (diff, i);
      const TendInventoryCheck *check = change->new_item;
      g_autoptr(GError) error = NULL;
      guint position = 0;

      if (change->item_kind != TEND_INVENTORY_ITEM_CHECK || check == NULL)
        continue;
      if (tend_check_validate_spec (check, host_kind_of (incoming, check->host), &error))
        continue;
      g_ptr_array_find (checks, check, &position);
      check_problem (problems, position, error->message);
    }
}

/**
 * tend_inventory_validate_change:
 * @current: (nullable): the inventory as it is stored, or %NULL for none
 * @incoming: the inventory as the change would leave it
 * @error: return location for a #GError
 *
 * The one validator of every change to the stored inventory (see the top of this file):
 * the file format's rules on the whole of @incoming, then TendConfig's rules and the
 * check classes' rules on what differs from @current. Problems are listed one a line,
 * each starting with its JSON path (in @incoming's own order of items for checks, the
 * order of its file for an import), as tend_inventory_new_from_json() lists them.
 * Safe to call from any thread.
 *
 * Returns: whether @incoming may be stored, or %FALSE with %TEND_ERROR_INVALID_ARGUMENT
 */
gboolean
tend_inventory_validate_change (TendInventory  *current,
                                TendInventory  *incoming,
                                GError        **error)
{
  g_autoptr(TendInventory) empty = NULL;
  g_autoptr(TendInventoryDiff) diff = NULL;
  TendInventoryProblems problems = { NULL, 0 };
  gboolean ok;

  g_return_val_if_fail (incoming != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!tend_inventory_validate (incoming, error))
    {
      if (current != NULL && !tend_inventory_validate (current, NULL))
        g_prefix_error (error, "the stored inventory breaks a rule already (export it to see "
                        "it, and import it corrected): ");
      return FALSE;
    }

  if (current == NULL)
    current = empty = tend_inventory_new ();

  problems.lines = g_ptr_array_new_with_free_func (g_free);
  check_config (current, incoming, &problems);
  diff = tend_inventory_diff (current, incoming);
  check_checks (incoming, diff, &problems);
  ok = tend_inventory_problems_propagate (&problems, error);
  g_ptr_array_unref (problems.lines);
  return ok;
}
