/* tend-inventory-diff.c — what replacing one inventory by another changes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For `tendctl import --dry-run` and for the store that applies an import: the changes
 * item by item, in the export's order, each with a line for people.
 */

#define G_LOG_DOMAIN "Tend-Inventory"

#include "tend-inventory-private.h"

#include <string.h>

struct _TendInventoryDiff
{
  TendInventory *current;   /* (owned) */
  TendInventory *incoming;  /* (owned) */
  GPtrArray     *changes;   /* (element-type Change) (owned) */
};

typedef struct
{
  TendInventoryChange  change;
  char                *key;
  char                *description;
} Change;

static void
change_free (Change *change)
{
  g_free (change->key);
  g_free (change->description);
  g_free (change);
}

/* A value as a person reads it in a diff: plain words bare, other text in quotes */
static char *
display_text (const char *value)
{
  GString *out;

  if (value == NULL)
    return g_strdup ("none");

  for (const char *p = value; ; p++)
    {
      if (*p == '\0')
        {
          if (p != value)
            return g_strdup (value);
          break;
        }
      if (!g_ascii_isalnum (*p) && strchr ("._:/@+-", *p) == NULL)
        break;
    }

  out = g_string_new (NULL);
  tend_inventory_write_string (out, value);
  return g_string_free (out, FALSE);
}

static char *
display_field (const TendInventoryField *field,
               gconstpointer             item)
{
  g_autofree char *json = NULL;

  if (field->type == TEND_INVENTORY_FIELD_STRV || field->type == TEND_INVENTORY_FIELD_INT_LIST)
    {
      g_autoptr(GPtrArray) texts = tend_inventory_list_texts (field, item);
      GString *out = g_string_new ("[");

      for (guint i = 0; i < texts->len; i++)
        {
          g_autofree char *text = field->type == TEND_INVENTORY_FIELD_STRV
                                  ? display_text (g_ptr_array_index (texts, i))
                                  : g_strdup (g_ptr_array_index (texts, i));

          if (i > 0)
            g_string_append (out, ", ");
          g_string_append (out, text);
        }
      g_string_append_c (out, ']');
      return g_string_free (out, FALSE);
    }

  if (field->type == TEND_INVENTORY_FIELD_STRING)
    return display_text (*TEND_INVENTORY_SLOT (item, field, char *));

  json = tend_inventory_field_json (field, item);
  if (json == NULL)
    return g_strdup ("none");

  /* Words of enums and durations without their quotes */
  if (json[0] == '"')
    return g_strndup (json + 1, strlen (json) - 2);

  return g_steal_pointer (&json);
}

/* The fields of @item that a change can touch: names and values, side by side */
static void
show_fields (const TendInventoryFieldTable *table,
             gconstpointer                  item,
             const char                    *prefix,
             GPtrArray                     *names,
             GPtrArray                     *values)
{
  for (guint i = 0; table != NULL && i < table->n_fields; i++)
    {
      const TendInventoryField *field = &table->fields[i];

      if ((field->flags & TEND_INVENTORY_FIELD_KEY) != 0)
        continue;

      g_ptr_array_add (names, g_strconcat (prefix, field->name, NULL));
      g_ptr_array_add (values, display_field (field, item));
    }
}

static void
show_item (TendInventoryItemKind  kind,
           gconstpointer          item,
           GPtrArray             *names,
           GPtrArray             *values)
{
  switch (kind)
    {
    case TEND_INVENTORY_ITEM_HOST:
      show_fields (&tend_inventory_host_table, item, "", names, values);
      break;
    case TEND_INVENTORY_ITEM_SERVICE:
      show_fields (&tend_inventory_service_table, item, "", names, values);
      break;
    case TEND_INVENTORY_ITEM_CHECK:
      show_fields (&tend_inventory_check_table, item, "", names, values);
      show_fields (tend_inventory_params_table (((const TendInventoryCheck *) item)->kind), item,
                   "params.", names, values);
      break;
    case TEND_INVENTORY_ITEM_POLICY:
      show_fields (&tend_inventory_policy_table, item, "", names, values);
      break;
    case TEND_INVENTORY_ITEM_CONFIG:
    default:
      g_assert_not_reached ();
    }
}

static int
find_name (GPtrArray  *names,
           const char *name)
{
  for (guint i = 0; i < names->len; i++)
    {
      if (strcmp (g_ptr_array_index (names, i), name) == 0)
        return (int) i;
    }

  return -1;
}

/* "interval 30s → 10s, tags [web] → [edge, web]", or %NULL when nothing differs */
static char *
describe_differences (TendInventoryItemKind kind,
                      gconstpointer         old_item,
                      gconstpointer         new_item)
{
  g_autoptr(GPtrArray) old_names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) old_values = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) new_names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) new_values = g_ptr_array_new_with_free_func (g_free);
  GString *out = g_string_new (NULL);

  show_item (kind, old_item, old_names, old_values);
  show_item (kind, new_item, new_names, new_values);

  for (guint i = 0; i < old_names->len; i++)
    {
      const char *name = g_ptr_array_index (old_names, i);
      const char *old_value = g_ptr_array_index (old_values, i);
      int j = find_name (new_names, name);
      const char *new_value = j >= 0 ? g_ptr_array_index (new_values, j) : "none";

      if (strcmp (old_value, new_value) != 0)
        g_string_append_printf (out, "%s%s %s → %s", out->len > 0 ? ", " : "", name,
                                old_value, new_value);
    }

  for (guint j = 0; j < new_names->len; j++)
    {
      const char *name = g_ptr_array_index (new_names, j);
      const char *new_value = g_ptr_array_index (new_values, j);

      if (find_name (old_names, name) < 0 && strcmp (new_value, "none") != 0)
        g_string_append_printf (out, "%s%s none → %s", out->len > 0 ? ", " : "", name,
                                new_value);
    }

  if (out->len == 0)
    {
      g_string_free (out, TRUE);
      return NULL;
    }

  return g_string_free (out, FALSE);
}

static char *
item_key (TendInventoryItemKind kind,
          gconstpointer         item)
{
  switch (kind)
    {
    case TEND_INVENTORY_ITEM_HOST:
      return g_strdup (((const TendInventoryHost *) item)->name);
    case TEND_INVENTORY_ITEM_SERVICE:
      return tend_inventory_service_key (((const TendInventoryService *) item)->host,
                                         ((const TendInventoryService *) item)->unit);
    case TEND_INVENTORY_ITEM_CHECK:
      {
        const TendInventoryCheck *check = item;

        return g_strconcat (check->host, "/", check->unit, "/", check->name, NULL);
      }
    case TEND_INVENTORY_ITEM_POLICY:
      return tend_inventory_service_key (((const TendInventoryPolicy *) item)->host,
                                         ((const TendInventoryPolicy *) item)->unit);
    case TEND_INVENTORY_ITEM_CONFIG:
    default:
      g_assert_not_reached ();
    }
}

/* What follows "+ host web1" */
static char *
describe_addition (TendInventoryItemKind kind,
                   gconstpointer         item)
{
  switch (kind)
    {
    case TEND_INVENTORY_ITEM_HOST:
      {
        const TendInventoryHost *host = item;
        const char *kind_name = tend_inventory_host_kind_to_string (host->kind);
        gboolean bracket = host->address != NULL && strchr (host->address, ':') != NULL;

        if (host->kind != TEND_HOST_KIND_SSH)
          return g_strdup_printf (" (%s)", kind_name != NULL ? kind_name : "?");

        if (host->port == TEND_INVENTORY_UNSET)
          return g_strdup_printf (" (ssh, %s%s%s)", host->user != NULL ? host->user : "",
                                  host->user != NULL ? "@" : "",
                                  host->address != NULL ? host->address : "?");
        return g_strdup_printf (" (ssh, %s%s%s%s%s:%d)", host->user != NULL ? host->user : "",
                                host->user != NULL ? "@" : "", bracket ? "[" : "",
                                host->address != NULL ? host->address : "?",
                                bracket ? "]" : "", host->port);
      }

    case TEND_INVENTORY_ITEM_CHECK:
      {
        const TendInventoryCheck *check = item;
        const char *kind_name = tend_inventory_check_kind_to_string (check->kind);
        g_autofree char *interval = tend_inventory_format_duration (check->interval_usec);

        return g_strdup_printf (" (%s, every %s%s)", kind_name != NULL ? kind_name : "?",
                                interval, check->enabled ? "" : ", disabled");
      }

    case TEND_INVENTORY_ITEM_POLICY:
      {
        const TendInventoryPolicy *policy = item;
        const char *kind_name = tend_inventory_policy_kind_to_string (policy->kind);

        return g_strdup_printf (" (%s)", kind_name != NULL ? kind_name : "?");
      }

    case TEND_INVENTORY_ITEM_SERVICE:
    case TEND_INVENTORY_ITEM_CONFIG:
    default:
      return g_strdup ("");
    }
}

static const char * const item_words[] = {
  [TEND_INVENTORY_ITEM_HOST] = "host",
  [TEND_INVENTORY_ITEM_SERVICE] = "service",
  [TEND_INVENTORY_ITEM_CHECK] = "check",
  [TEND_INVENTORY_ITEM_POLICY] = "policy",
  [TEND_INVENTORY_ITEM_CONFIG] = "config",
};

static void
add_change (TendInventoryDiff       *diff,
            TendInventoryChangeKind  kind,
            TendInventoryItemKind    item_kind,
            char                    *key,
            gconstpointer            old_item,
            gconstpointer            new_item,
            char                    *description)
{
  Change *change = g_new0 (Change, 1);

  change->key = key;
  change->description = description;
  change->change.kind = kind;
  change->change.item_kind = item_kind;
  change->change.key = key;
  change->change.old_item = old_item;
  change->change.new_item = new_item;
  change->change.description = description;

  g_ptr_array_add (diff->changes, change);
}

static void
diff_items (TendInventoryDiff     *diff,
            TendInventoryItemKind  kind)
{
  g_autoptr(GPtrArray) old_items = tend_inventory_sorted_items (diff->current, kind);
  g_autoptr(GPtrArray) new_items = tend_inventory_sorted_items (diff->incoming, kind);
  const char *word = item_words[kind];
  guint i = 0;
  guint j = 0;

  while (i < old_items->len || j < new_items->len)
    {
      gconstpointer old_item = i < old_items->len ? g_ptr_array_index (old_items, i) : NULL;
      gconstpointer new_item = j < new_items->len ? g_ptr_array_index (new_items, j) : NULL;
      int cmp = old_item == NULL ? 1 : new_item == NULL ? -1
                : tend_inventory_item_compare[kind] (&old_item, &new_item);

      if (cmp < 0)
        {
          char *key = item_key (kind, old_item);

          add_change (diff, TEND_INVENTORY_CHANGE_REMOVED, kind, key, old_item, NULL,
                      g_strdup_printf ("- %s %s", word, key));
          i++;
        }
      else if (cmp > 0)
        {
          char *key = item_key (kind, new_item);
          g_autofree char *details = describe_addition (kind, new_item);

          add_change (diff, TEND_INVENTORY_CHANGE_ADDED, kind, key, NULL, new_item,
                      g_strdup_printf ("+ %s %s%s", word, key, details));
          j++;
        }
      else
        {
          g_autofree char *differences = describe_differences (kind, old_item, new_item);

          if (differences != NULL)
            {
              char *key = item_key (kind, new_item);

              add_change (diff, TEND_INVENTORY_CHANGE_CHANGED, kind, key, old_item, new_item,
                          g_strdup_printf ("~ %s %s: %s", word, key, differences));
            }
          i++;
          j++;
        }
    }
}

static void
diff_config (TendInventoryDiff *diff)
{
  g_autoptr(GPtrArray) old_keys = tend_inventory_sorted_config_keys (diff->current);
  g_autoptr(GPtrArray) new_keys = tend_inventory_sorted_config_keys (diff->incoming);
  guint i = 0;
  guint j = 0;

  while (i < old_keys->len || j < new_keys->len)
    {
      const char *old_key = i < old_keys->len ? g_ptr_array_index (old_keys, i) : NULL;
      const char *new_key = j < new_keys->len ? g_ptr_array_index (new_keys, j) : NULL;
      int cmp = old_key == NULL ? 1 : new_key == NULL ? -1 : strcmp (old_key, new_key);
      const char *old_value = old_key != NULL
                              ? g_hash_table_lookup (diff->current->config, old_key) : NULL;
      const char *new_value = new_key != NULL
                              ? g_hash_table_lookup (diff->incoming->config, new_key) : NULL;

      if (cmp < 0)
        {
          add_change (diff, TEND_INVENTORY_CHANGE_REMOVED, TEND_INVENTORY_ITEM_CONFIG,
                      g_strdup (old_key), old_value, NULL,
                      g_strdup_printf ("- config %s", old_key));
          i++;
        }
      else if (cmp > 0)
        {
          g_autofree char *shown = display_text (new_value);

          add_change (diff, TEND_INVENTORY_CHANGE_ADDED, TEND_INVENTORY_ITEM_CONFIG,
                      g_strdup (new_key), NULL, new_value,
                      g_strdup_printf ("+ config %s = %s", new_key, shown));
          j++;
        }
      else
        {
          if (strcmp (old_value, new_value) != 0)
            {
              g_autofree char *old_shown = display_text (old_value);
              g_autofree char *new_shown = display_text (new_value);

              add_change (diff, TEND_INVENTORY_CHANGE_CHANGED, TEND_INVENTORY_ITEM_CONFIG,
                          g_strdup (new_key), old_value, new_value,
                          g_strdup_printf ("~ config %s: %s → %s", new_key, old_shown,
                                           new_shown));
            }
          i++;
          j++;
        }
    }
}

/**
 * tend_inventory_diff:
 * @current: the inventory as it is (the store's)
 * @incoming: the inventory that replaces it (an import's)
 *
 * What replacing @current by @incoming changes, for `tendctl import --dry-run` and for
 * the store that applies it: hosts, then services, checks, policies and configuration,
 * each in the export's order, one change per item that is added, removed or changed.
 * An item is identified by its key (a host by name, a service by host and unit, a check
 * by its service and name, a policy by its service); a renamed item is one removed and
 * one added. Both inventories should be valid.
 *
 * Returns: (transfer full): the changes; they refer to items of both inventories, which
 *   the diff keeps alive
 */
TendInventoryDiff *
tend_inventory_diff (TendInventory *current,
                     TendInventory *incoming)
{
  TendInventoryDiff *diff;

  g_return_val_if_fail (current != NULL, NULL);
  g_return_val_if_fail (incoming != NULL, NULL);

  diff = g_new0 (TendInventoryDiff, 1);
  diff->current = tend_inventory_ref (current);
  diff->incoming = tend_inventory_ref (incoming);
  diff->changes = g_ptr_array_new_with_free_func ((GDestroyNotify) change_free);

  for (int kind = TEND_INVENTORY_ITEM_HOST; kind <= TEND_INVENTORY_ITEM_POLICY; kind++)
    diff_items (diff, kind);
  diff_config (diff);

  return diff;
}

/**
 * tend_inventory_diff_is_empty:
 * @diff: a #TendInventoryDiff
 *
 * Returns: whether the two inventories are the same
 */
gboolean
tend_inventory_diff_is_empty (TendInventoryDiff *diff)
{
  g_return_val_if_fail (diff != NULL, TRUE);

  return diff->changes->len == 0;
}

/**
 * tend_inventory_diff_get_n_changes:
 * @diff: a #TendInventoryDiff
 *
 * Returns: how many changes there are
 */
guint
tend_inventory_diff_get_n_changes (TendInventoryDiff *diff)
{
  g_return_val_if_fail (diff != NULL, 0);

  return diff->changes->len;
}

/**
 * tend_inventory_diff_get_change:
 * @diff: a #TendInventoryDiff
 * @position: which change, from 0
 *
 * Returns: (transfer none): the change, owned by @diff
 */
const TendInventoryChange *
tend_inventory_diff_get_change (TendInventoryDiff *diff,
                                guint              position)
{
  g_return_val_if_fail (diff != NULL, NULL);
  g_return_val_if_fail (position < diff->changes->len, NULL);

  return &((Change *) g_ptr_array_index (diff->changes, position))->change;
}

/**
 * tend_inventory_diff_to_string:
 * @diff: a #TendInventoryDiff
 *
 * Returns: (transfer full): the descriptions of the changes, one per line, each ending
 *   in a newline; "" when there are none
 */
char *
tend_inventory_diff_to_string (TendInventoryDiff *diff)
{
  GString *out;

  g_return_val_if_fail (diff != NULL, NULL);

  out = g_string_new (NULL);
  for (guint i = 0; i < diff->changes->len; i++)
    {
      Change *change = g_ptr_array_index (diff->changes, i);

      g_string_append (out, change->description);
      g_string_append_c (out, '\n');
    }

  return g_string_free (out, FALSE);
}

/**
 * tend_inventory_diff_free:
 * @diff: (nullable): a #TendInventoryDiff
 */
void
tend_inventory_diff_free (TendInventoryDiff *diff)
{
  if (diff == NULL)
    return;

  g_ptr_array_unref (diff->changes);
  tend_inventory_unref (diff->current);
  tend_inventory_unref (diff->incoming);
  g_free (diff);
}
