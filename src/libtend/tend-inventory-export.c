/* tend-inventory-export.c — writing an inventory in the file format
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The same text every time for the same inventory: items in a fixed order, every field
 * written. The order is the diffs' as well.
 */

#define G_LOG_DOMAIN "Tend-Inventory"

#include "tend-inventory-private.h"

#include <math.h>
#include <string.h>

#include "tend-duration.h"

/* Writing */

typedef struct
{
  GString  *out;
  gboolean  pretty;
  guint     level;
} Writer;

static void
write_newline (Writer *w)
{
  if (!w->pretty)
    return;

  g_string_append_c (w->out, '\n');
  for (guint i = 0; i < w->level; i++)
    g_string_append (w->out, "  ");
}

void
tend_inventory_write_string (GString    *out,
                             const char *str)
{
  g_string_append_c (out, '"');

  for (const char *p = str; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c == '"' || c == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, (char) c);
        }
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\r')
        g_string_append (out, "\\r");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c == '\b')
        g_string_append (out, "\\b");
      else if (c == '\f')
        g_string_append (out, "\\f");
      else if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, (char) c);
    }

  g_string_append_c (out, '"');
}

static void
write_key (Writer     *w,
           const char *key,
           gboolean   *first)
{
  if (!*first)
    g_string_append_c (w->out, ',');
  *first = FALSE;

  write_newline (w);
  tend_inventory_write_string (w->out, key);
  g_string_append (w->out, w->pretty ? ": " : ":");
}

static void
write_open (Writer *w,
            char    c)
{
  g_string_append_c (w->out, c);
  w->level++;
}

static void
write_close (Writer   *w,
             char      c,
             gboolean  empty)
{
  w->level--;
  if (!empty)
    write_newline (w);
  g_string_append_c (w->out, c);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static int
compare_ints (gconstpointer a,
              gconstpointer b)
{
  int x = *(const int *) a;
  int y = *(const int *) b;

  return (x > y) - (x < y);
}

/* The elements of a list field, as they are written: in their normal form, and sorted
 * when they are a set */
GPtrArray *
tend_inventory_list_texts (const TendInventoryField *field,
                           gconstpointer             item)
{
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);

  if (field->type == TEND_INVENTORY_FIELD_STRV)
    {
      char **strv = *TEND_INVENTORY_SLOT (item, field, char **);

      for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
        g_ptr_array_add (texts, field->normalize != NULL ? field->normalize (strv[i])
                                                         : g_strdup (strv[i]));
      if ((field->flags & TEND_INVENTORY_FIELD_SET) != 0)
        g_ptr_array_sort (texts, compare_strings);
    }
  else
    {
      GArray *array = *TEND_INVENTORY_SLOT (item, field, GArray *);
      g_autoptr(GArray) sorted = array != NULL ? g_array_copy (array)
                                               : g_array_new (FALSE, FALSE, sizeof (int));

      if ((field->flags & TEND_INVENTORY_FIELD_SET) != 0)
        g_array_sort (sorted, compare_ints);
      for (guint i = 0; i < sorted->len; i++)
        g_ptr_array_add (texts, g_strdup_printf ("%d", g_array_index (sorted, int, i)));
    }

  return texts;
}

/* A scalar field as JSON, or %NULL for null */
char *
tend_inventory_field_json (const TendInventoryField *field,
                           gconstpointer             item)
{
  gboolean nullable = (field->flags & TEND_INVENTORY_FIELD_NULLABLE) != 0;

  switch (field->type)
    {
    case TEND_INVENTORY_FIELD_STRING:
      {
        const char *value = *TEND_INVENTORY_SLOT (item, field, char *);
        GString *out;

        if (value == NULL)
          return NULL;
        out = g_string_new (NULL);
        tend_inventory_write_string (out, value);
        return g_string_free (out, FALSE);
      }

    case TEND_INVENTORY_FIELD_ENUM:
      {
        int value = *TEND_INVENTORY_SLOT (item, field, int);
        const char *name = tend_enum_to_nick (field->enum_type (), value);

        if (name == NULL)
          return g_strdup_printf ("%d", value);
        return g_strdup_printf ("\"%s\"", name);
      }

    case TEND_INVENTORY_FIELD_INT:
      if (nullable && *TEND_INVENTORY_SLOT (item, field, int) == TEND_INVENTORY_UNSET)
        return NULL;
      return g_strdup_printf ("%d", *TEND_INVENTORY_SLOT (item, field, int));

    case TEND_INVENTORY_FIELD_INT64:
      if (nullable && *TEND_INVENTORY_SLOT (item, field, gint64) == TEND_INVENTORY_UNSET)
        return NULL;
      return g_strdup_printf ("%" G_GINT64_FORMAT, *TEND_INVENTORY_SLOT (item, field, gint64));

    case TEND_INVENTORY_FIELD_DOUBLE:
      if ((nullable && *TEND_INVENTORY_SLOT (item, field, double) == TEND_INVENTORY_UNSET) ||
          !isfinite (*TEND_INVENTORY_SLOT (item, field, double)))
        return NULL;
      return tend_inventory_format_double (*TEND_INVENTORY_SLOT (item, field, double));

    case TEND_INVENTORY_FIELD_BOOL:
      return g_strdup (*TEND_INVENTORY_SLOT (item, field, gboolean) ? "true" : "false");

    case TEND_INVENTORY_FIELD_DURATION:
      {
        g_autofree char *text = NULL;

        if (nullable && *TEND_INVENTORY_SLOT (item, field, gint64) == TEND_INVENTORY_UNSET)
          return NULL;
        text = tend_inventory_format_duration (*TEND_INVENTORY_SLOT (item, field, gint64));
        return g_strdup_printf ("\"%s\"", text);
      }

    case TEND_INVENTORY_FIELD_STRV:
    case TEND_INVENTORY_FIELD_INT_LIST:
    default:
      g_assert_not_reached ();
    }
}

static void
write_fields (Writer                        *w,
              const TendInventoryFieldTable *table,
              gconstpointer                  item,
              gboolean                      *first)
{
  for (guint i = 0; table != NULL && i < table->n_fields; i++)
    {
      const TendInventoryField *field = &table->fields[i];

      write_key (w, field->name, first);

      if (field->type == TEND_INVENTORY_FIELD_STRV || field->type == TEND_INVENTORY_FIELD_INT_LIST)
        {
          g_autoptr(GPtrArray) texts = tend_inventory_list_texts (field, item);

          g_string_append_c (w->out, '[');
          for (guint j = 0; j < texts->len; j++)
            {
              if (j > 0)
                g_string_append (w->out, w->pretty ? ", " : ",");
              if (field->type == TEND_INVENTORY_FIELD_STRV)
                tend_inventory_write_string (w->out, g_ptr_array_index (texts, j));
              else
                g_string_append (w->out, g_ptr_array_index (texts, j));
            }
          g_string_append_c (w->out, ']');
        }
      else
        {
          g_autofree char *json = tend_inventory_field_json (field, item);

          g_string_append (w->out, json != NULL ? json : "null");
        }
    }
}

static void
write_params (Writer                   *w,
              const TendInventoryCheck *check)
{
  const TendInventoryFieldTable *table = tend_inventory_params_table (check->kind);
  gboolean first = TRUE;

  write_open (w, '{');
  write_fields (w, table, check, &first);
  write_close (w, '}', first);
}

static void
write_item (Writer                *w,
            TendInventoryItemKind  kind,
            gconstpointer          item)
{
  static const TendInventoryFieldTable * const tables[] = {
    [TEND_INVENTORY_ITEM_HOST] = &tend_inventory_host_table,
    [TEND_INVENTORY_ITEM_SERVICE] = &tend_inventory_service_table,
    [TEND_INVENTORY_ITEM_CHECK] = &tend_inventory_check_table,
    [TEND_INVENTORY_ITEM_POLICY] = &tend_inventory_policy_table,
  };
  gboolean first = TRUE;

  write_open (w, '{');
  write_fields (w, tables[kind], item, &first);
  if (kind == TEND_INVENTORY_ITEM_CHECK)
    {
      write_key (w, "params", &first);
      write_params (w, item);
    }
  write_close (w, '}', FALSE);
}

/* Orders: hosts by name, the rest by service, checks then by name */

static int
compare_hosts (gconstpointer a,
               gconstpointer b)
{
  const TendInventoryHost *x = *(TendInventoryHost * const *) a;
  const TendInventoryHost *y = *(TendInventoryHost * const *) b;

  return g_strcmp0 (x->name, y->name);
}

static int
compare_services (gconstpointer a,
                  gconstpointer b)
{
  const TendInventoryService *x = *(TendInventoryService * const *) a;
  const TendInventoryService *y = *(TendInventoryService * const *) b;
  int cmp = g_strcmp0 (x->host, y->host);

  return cmp != 0 ? cmp : g_strcmp0 (x->unit, y->unit);
}

static int
compare_checks (gconstpointer a,
                gconstpointer b)
{
  const TendInventoryCheck *x = *(TendInventoryCheck * const *) a;
  const TendInventoryCheck *y = *(TendInventoryCheck * const *) b;
  int cmp = g_strcmp0 (x->host, y->host);

  if (cmp == 0)
    cmp = g_strcmp0 (x->unit, y->unit);
  return cmp != 0 ? cmp : g_strcmp0 (x->name, y->name);
}

static int
compare_policies (gconstpointer a,
                  gconstpointer b)
{
  const TendInventoryPolicy *x = *(TendInventoryPolicy * const *) a;
  const TendInventoryPolicy *y = *(TendInventoryPolicy * const *) b;
  int cmp = g_strcmp0 (x->host, y->host);

  return cmp != 0 ? cmp : g_strcmp0 (x->unit, y->unit);
}

const GCompareFunc tend_inventory_item_compare[] = {
  [TEND_INVENTORY_ITEM_HOST] = compare_hosts,
  [TEND_INVENTORY_ITEM_SERVICE] = compare_services,
  [TEND_INVENTORY_ITEM_CHECK] = compare_checks,
  [TEND_INVENTORY_ITEM_POLICY] = compare_policies,
};

/* A sorted copy of one of the inventory's arrays; the sort is stable. */
GPtrArray *
tend_inventory_sorted_items (TendInventory         *self,
                             TendInventoryItemKind  kind)
{
  GPtrArray *arrays[] = {
    [TEND_INVENTORY_ITEM_HOST] = self->hosts,
    [TEND_INVENTORY_ITEM_SERVICE] = self->services,
    [TEND_INVENTORY_ITEM_CHECK] = self->checks,
    [TEND_INVENTORY_ITEM_POLICY] = self->policies,
  };
  GPtrArray *sorted = g_ptr_array_copy (arrays[kind], NULL, NULL);

  /* The copy would otherwise free the inventory's items */
  g_ptr_array_set_free_func (sorted, NULL);
  g_ptr_array_sort (sorted, tend_inventory_item_compare[kind]);

  return sorted;
}

GPtrArray *
tend_inventory_sorted_config_keys (TendInventory *self)
{
  GPtrArray *keys = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, self->config);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, key);
  g_ptr_array_sort (keys, compare_strings);

  return keys;
}

/**
 * tend_inventory_to_json:
 * @self: a #TendInventory
 * @length: (out) (optional): where to store the length of the text
 *
 * Writes the inventory in the file format, the same way every time: two-space indents,
 * every field of every item (defaults and nulls included) in the documented order,
 * hosts by name, services by host and unit, checks by host, unit and name, policies by
 * host and unit, configuration by key, sets (tags, status codes) sorted. Reading the
 * text back and writing it again gives the same bytes.
 *
 * Returns: (transfer full): the text, ending in a newline
 */
char *
tend_inventory_to_json (TendInventory *self,
                        gsize         *length)
{
  static const char * const section_names[] = {
    [TEND_INVENTORY_ITEM_HOST] = "hosts",
    [TEND_INVENTORY_ITEM_SERVICE] = "services",
    [TEND_INVENTORY_ITEM_CHECK] = "checks",
    [TEND_INVENTORY_ITEM_POLICY] = "policies",
  };
  Writer w = { g_string_new (NULL), TRUE, 0 };
  g_autoptr(GPtrArray) keys = NULL;
  gboolean first = TRUE;
  gboolean first_key = TRUE;

  g_return_val_if_fail (self != NULL, NULL);

  write_open (&w, '{');
  write_key (&w, "format", &first);
  tend_inventory_write_string (w.out, TEND_INVENTORY_FORMAT_NAME);
  write_key (&w, "version", &first);
  g_string_append_printf (w.out, "%d", TEND_INVENTORY_FORMAT_VERSION);

  for (int kind = TEND_INVENTORY_ITEM_HOST; kind <= TEND_INVENTORY_ITEM_POLICY; kind++)
    {
      g_autoptr(GPtrArray) items = tend_inventory_sorted_items (self, kind);

      write_key (&w, section_names[kind], &first);
      write_open (&w, '[');
      for (guint i = 0; i < items->len; i++)
        {
          if (i > 0)
            g_string_append_c (w.out, ',');
          write_newline (&w);
          write_item (&w, kind, g_ptr_array_index (items, i));
        }
      write_close (&w, ']', items->len == 0);
    }

  keys = tend_inventory_sorted_config_keys (self);
  write_key (&w, "config", &first);
  write_open (&w, '{');
  for (guint i = 0; i < keys->len; i++)
    {
      const char *key = g_ptr_array_index (keys, i);

      write_key (&w, key, &first_key);
      tend_inventory_write_string (w.out, g_hash_table_lookup (self->config, key));
    }
  write_close (&w, '}', keys->len == 0);

  write_close (&w, '}', FALSE);
  g_string_append_c (w.out, '\n');

  if (length != NULL)
    *length = w.out->len;

  return g_string_free (w.out, FALSE);
}

/**
 * tend_inventory_check_params_to_json:
 * @check: a #TendInventoryCheck
 *
 * Writes @check's parameters as the file's "params" object, on one line, every field
 * included: a form for a store to keep them in.
 *
 * Returns: (transfer full): the JSON text
 */
char *
tend_inventory_check_params_to_json (const TendInventoryCheck *check)
{
  Writer w = { g_string_new (NULL), FALSE, 0 };

  g_return_val_if_fail (check != NULL, NULL);

  write_params (&w, check);

  return g_string_free (w.out, FALSE);
}
