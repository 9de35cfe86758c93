/* tend-inventory-host-field.c — see tend-inventory-host-field.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Tend-Inventory"

#include "tend-error.h"
#include "tend-inventory-host-field.h"
#include "tend-inventory-private.h"

gboolean
tend_inventory_host_check_field (const char  *field,
                                 const char  *text,
                                 GError     **error)
{
  const TendInventoryField *spec;
  g_autoptr(GString) reason = g_string_new (NULL);

  g_return_val_if_fail (field != NULL, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  spec = tend_inventory_table_lookup (&tend_inventory_host_table, field, NULL);
  g_return_val_if_fail (spec != NULL, FALSE);

  if (*text == '\0')
    {
      if (spec->flags & TEND_INVENTORY_FIELD_NULLABLE && !g_str_equal (field, "address"))
        return TRUE;
      g_set_error_literal (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT, "a value is required");
      return FALSE;
    }

  if (spec->type == TEND_INVENTORY_FIELD_INT)
    {
      guint64 value = 0;

      if (!g_ascii_string_to_unsigned (text, 10, (guint64) spec->min, (guint64) spec->max,
                                       &value, NULL))
        {
          g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                       "\"%s\" is not a number from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT,
                       text, spec->min, spec->max);
          return FALSE;
        }
      return TRUE;
    }

  if (spec->rule != NULL && !spec->rule (text, 0, reason))
    {
      g_set_error_literal (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT, reason->str);
      return FALSE;
    }
  return TRUE;
}
