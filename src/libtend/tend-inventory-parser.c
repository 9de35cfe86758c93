/* tend-inventory-parser.c — reading an inventory, stage 3: fields against their tables
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What reading an item of any kind takes (see tend-inventory-read.c, which reads the
 * items): the parser's state, messages with the path of the node they are about, keys
 * that no table knows, and each kind of field read from its JSON node and checked
 * against the field's rules and range.
 */

#define G_LOG_DOMAIN "Tend-Inventory"

#include "tend-inventory-private.h"

#include <math.h>
#include <string.h>

#include "tend-duration.h"
#include "tend-util-private.h"

/* Stage 3: reading the tree */

void
tend_inventory_parser_init (TendInventoryParser *p)
{
  p->problems.lines = g_ptr_array_new_with_free_func (g_free);
  p->path = g_string_new ("$");
  p->inventory = tend_inventory_new ();
  p->hosts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  p->services = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  p->checks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  p->policies = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  p->hosts_complete = TRUE;
  p->services_complete = TRUE;
}

void
tend_inventory_parser_clear (TendInventoryParser *p)
{
  g_ptr_array_unref (p->problems.lines);
  g_string_free (p->path, TRUE);
  g_clear_pointer (&p->inventory, tend_inventory_unref);
  g_hash_table_unref (p->hosts);
  g_hash_table_unref (p->services);
  g_hash_table_unref (p->checks);
  g_hash_table_unref (p->policies);
}

void
tend_inventory_parser_problem (TendInventoryParser *p,
                               const char          *format,
                               ...)
{
  g_autofree char *reason = NULL;
  va_list args;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);

  tend_inventory_problem (&p->problems, p->path->str, "%s", reason);
}

const char *
tend_inventory_describe_node (JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      return "an object";
    case JSON_NODE_ARRAY:
      return "an array";
    case JSON_NODE_NULL:
      return "null";
    case JSON_NODE_VALUE:
    default:
      break;
    }

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return "a string";
    case G_TYPE_INT64:
      return "an integer";
    case G_TYPE_DOUBLE:
      return "a number with a fraction or an exponent";
    case G_TYPE_BOOLEAN:
      return "a boolean";
    default:
      return "a value";
    }
}

gboolean
tend_inventory_node_holds (JsonNode *node,
                           GType     type)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

gboolean
tend_inventory_member_is_set (JsonObject *object,
                              const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && !JSON_NODE_HOLDS_NULL (node);
}

static gboolean
type_problem (TendInventoryParser *p,
              const char          *expected,
              JsonNode            *node)
{
  tend_inventory_parser_problem (p, "expected %s, got %s", expected,
                                 tend_inventory_describe_node (node));
  return FALSE;
}

/* Unknown keys */

gboolean
tend_inventory_looks_secret (const char *name)
{
  static const char * const words[] = {
    "password", "passwd", "passphrase", "secret", "token", "apikey", "api_key", "api-key",
    "credential", "private_key", "private-key", "privkey",
  };
  g_autofree char *lower = g_ascii_strdown (name, -1);

  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    {
      if (strstr (lower, words[i]) != NULL)
        return TRUE;
    }

  return FALSE;
}

/* Optimal string alignment distance: edits, counting a swap of neighbours as one */
static guint
edit_distance (const char *a,
               const char *b)
{
  gsize la = strlen (a);
  gsize lb = strlen (b);
  g_autofree guint *d = g_new (guint, (la + 1) * (lb + 1));

#define D(i, j) d[(i) * (lb + 1) + (j)]
  for (gsize i = 0; i <= la; i++)
    D (i, 0) = i;
  for (gsize j = 0; j <= lb; j++)
    D (0, j) = j;

  for (gsize i = 1; i <= la; i++)
    {
      for (gsize j = 1; j <= lb; j++)
        {
          guint cost = g_ascii_tolower (a[i - 1]) == g_ascii_tolower (b[j - 1]) ? 0 : 1;
          guint best = MIN (D (i - 1, j) + 1, D (i, j - 1) + 1);

          best = MIN (best, D (i - 1, j - 1) + cost);
          if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
            best = MIN (best, D (i - 2, j - 2) + 1);
          D (i, j) = best;
        }
    }

  return D (la, lb);
#undef D
}

/* The known name closest to @name, when it is close enough to be a typing mistake */
static const char *
suggest (const char         *name,
         const char * const *known,
         guint               n_known)
{
  const char *best = NULL;
  guint best_distance = G_MAXUINT;
  gsize len = strlen (name);
  guint allowed = len <= 4 ? 1 : 2;

  if (len > 64)
    return NULL;

  for (guint i = 0; i < n_known; i++)
    {
      guint distance = edit_distance (name, known[i]);

      if (distance <= allowed && distance < best_distance)
        {
          best = known[i];
          best_distance = distance;
        }
    }

  return best;
}

/* Reports every member of @object whose key is neither in @table nor in @extra.
 * @check_kind is the kind of check whose params @object holds, or -1.
 */
void
tend_inventory_report_unknown_keys (TendInventoryParser           *p,
                                    JsonObject                    *object,
                                    const TendInventoryFieldTable *table,
                                    const char * const            *extra,
                                    int                            check_kind)
{
  g_autoptr(GList) members = json_object_get_members (object);
  g_autoptr(GPtrArray) known = g_ptr_array_new ();

  for (guint i = 0; table != NULL && i < table->n_fields; i++)
    g_ptr_array_add (known, (gpointer) table->fields[i].name);
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    g_ptr_array_add (known, (gpointer) extra[i]);

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      g_autoptr(GString) message = NULL;
      g_autofree char *quoted = NULL;
      const char *suggestion;
      gboolean is_known = FALSE;
      int owner = -1;

      for (guint i = 0; i < known->len && !is_known; i++)
        is_known = strcmp (name, g_ptr_array_index (known, i)) == 0;
      if (is_known)
        continue;

      /* Past the problems listed, only count: a hostile file may hold a million keys */
      if (p->problems.n_total >= TEND_INVENTORY_MAX_ERRORS)
        {
          p->problems.n_total++;
          continue;
        }

      quoted = tend_quote_for_message (name, -1);
      message = g_string_new (NULL);
      g_string_append_printf (message, "unknown key %s", quoted);

      if (check_kind >= 0)
        {
          const TendInventoryFieldTable *params;

          g_string_append_printf (message, " for a%s %s check",
                                  check_kind == TEND_INVENTORY_CHECK_HTTP ? "n" : "",
                                  tend_inventory_check_kind_to_string (check_kind));
          for (int k = 0; owner < 0 && (params = tend_inventory_params_table (k)) != NULL; k++)
            {
              if (tend_inventory_table_lookup (params, name, NULL) != NULL)
                owner = k;
            }
        }

      suggestion = suggest (name, (const char * const *) known->pdata, known->len);

      if (suggestion != NULL)
        g_string_append_printf (message, "; did you mean \"%s\"?", suggestion);
      else if (owner >= 0)
        g_string_append_printf (message, "; %s belongs to %s checks", quoted,
                                tend_inventory_check_kind_to_string (owner));
      else if (tend_inventory_looks_secret (name) &&
               tend_inventory_table_lookup (table, "password_env", NULL) != NULL)
        g_string_append (message, "; Tend stores no secrets: put the NAME of an environment "
                         "variable that holds the password in \"password_env\"");
      else if (tend_inventory_looks_secret (name))
        g_string_append (message, "; Tend stores no secrets, so an inventory has no place "
                         "for one");
      else if (known->len == 0)
        g_string_append (message, "; a unit check has no params");
      else
        {
          g_string_append (message, "; the keys here are ");
          for (guint i = 0; i < known->len; i++)
            g_string_append_printf (message, "%s%s", i > 0 ? ", " : "",
                                    (const char *) g_ptr_array_index (known, i));
        }

      tend_inventory_parser_problem (p, "%s", message->str);
    }
}

/* Fields */

static gboolean
range_problem_int (TendInventoryParser *p,
                   gint64               value,
                   gint64               min,
                   gint64               max)
{
  if (max == TEND_INVENTORY_NO_MAX)
    tend_inventory_parser_problem (p, "%" G_GINT64_FORMAT " is below the minimum of %"
                                   G_GINT64_FORMAT, value, min);
  else
    tend_inventory_parser_problem (p, "%" G_GINT64_FORMAT " is outside %" G_GINT64_FORMAT "..%"
                                   G_GINT64_FORMAT, value, min, max);
  return FALSE;
}

static gboolean
read_string_rule (TendInventoryParser      *p,
                  const TendInventoryField *field,
                  const char               *value,
                  guint                     i)
{
  g_autoptr(GString) reason = NULL;

  if (field->rule == NULL)
    return TRUE;

  reason = g_string_new (NULL);
  if (field->rule (value, i, reason))
    return TRUE;

  tend_inventory_parser_problem (p, "%s", reason->str);
  return FALSE;
}

static gboolean
read_enum (TendInventoryParser      *p,
           const TendInventoryField *field,
           JsonNode                 *node,
           int                      *out)
{
  GType enum_type = field->enum_type ();
  g_autoptr(GEnumClass) klass = NULL;
  g_autoptr(GPtrArray) nicks = NULL;
  const char *value;
  g_autofree char *quoted = NULL;
  g_autofree char *choices = NULL;
  const char *suggestion;

  if (!tend_inventory_node_holds (node, G_TYPE_STRING))
    return type_problem (p, "a string", node);

  value = json_node_get_string (node);
  if (tend_enum_from_nick (enum_type, value, out))
    return TRUE;

  klass = g_type_class_ref (enum_type);
  nicks = g_ptr_array_new ();
  for (guint i = 0; i < klass->n_values; i++)
    g_ptr_array_add (nicks, (char *) klass->values[i].value_nick);
  g_ptr_array_add (nicks, NULL);

  quoted = tend_quote_for_message (value, -1);
  choices = g_strjoinv (", ", (char **) nicks->pdata);
  suggestion = suggest (value, (const char * const *) nicks->pdata, klass->n_values);
  if (suggestion != NULL)
    tend_inventory_parser_problem (p, "%s is not one of %s; did you mean \"%s\"?", quoted, choices,
                                   suggestion);
  else
    tend_inventory_parser_problem (p, "%s is not one of %s", quoted, choices);

  return FALSE;
}

static gboolean
read_duration (TendInventoryParser      *p,
               const TendInventoryField *field,
               JsonNode                 *node,
               gint64                   *out)
{
  g_autoptr(GError) error = NULL;
  gint64 usec;

  if (!tend_inventory_node_holds (node, G_TYPE_STRING))
    return type_problem (p, "a duration in a string, such as \"30s\" or \"1h 30min\"", node);

  if (!tend_duration_parse (json_node_get_string (node), &usec, &error))
    {
      tend_inventory_parser_problem (p, "%s", error->message);
      return FALSE;
    }

  if (usec < field->min || usec > field->max)
    {
      g_autofree char *value = tend_inventory_format_duration (usec);
      g_autofree char *min = tend_inventory_format_duration (field->min);
      g_autofree char *max = tend_inventory_format_duration (field->max);

      tend_inventory_parser_problem (p, "%s is outside %s..%s", value, min, max);
      return FALSE;
    }

  *out = usec;
  return TRUE;
}

/* Whether a list of @n elements has a length @field allows; says why not. */
static gboolean
list_length_ok (TendInventoryParser      *p,
                const TendInventoryField *field,
                guint                     n)
{
  if (n < field->min_count)
    {
      tend_inventory_parser_problem (p, "the list is empty; it needs at least %u",
                                     field->min_count);
      return FALSE;
    }
  if (n > field->max_count)
    {
      tend_inventory_parser_problem (p, "the list has %u elements; at most %u are allowed", n,
                                     field->max_count);
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_strv (TendInventoryParser      *p,
           const TendInventoryField *field,
           JsonNode                 *node,
           char                   ***out)
{
  JsonArray *array;
  guint n;
  gboolean ok = TRUE;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return type_problem (p, "an array of strings", node);

  array = json_node_get_array (node);
  n = json_array_get_length (array);

  if (!list_length_ok (p, field, n))
    return FALSE;

  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      gsize len = tend_inventory_path_push_index (p->path, i);
      char *value;

      if (!tend_inventory_node_holds (element, G_TYPE_STRING))
        ok = type_problem (p, "a string", element);
      else if (!read_string_rule (p, field, json_node_get_string (element), i))
        ok = FALSE;
      else
        {
          /* Twice is twice in the form kept */
          value = field->normalize != NULL ? field->normalize (json_node_get_string (element))
                                           : g_strdup (json_node_get_string (element));
          g_ptr_array_add (values, value);
          if ((field->flags & TEND_INVENTORY_FIELD_SET) != 0 && !g_hash_table_add (seen, value))
            {
              g_autofree char *quoted = tend_quote_for_message (value, -1);

              tend_inventory_parser_problem (p, "%s is listed twice", quoted);
              ok = FALSE;
            }
        }

      g_string_truncate (p->path, len);
    }

  if (!ok)
    return FALSE;

  g_ptr_array_add (values, NULL);
  g_strfreev (*out);
  *out = (char **) g_ptr_array_free (g_steal_pointer (&values), FALSE);

  return TRUE;
}

static gboolean
read_int_list (TendInventoryParser      *p,
               const TendInventoryField *field,
               JsonNode                 *node,
               GArray                  **out)
{
  JsonArray *array;
  guint n;
  gboolean ok = TRUE;
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (int));

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return type_problem (p, "an array of integers", node);

  array = json_node_get_array (node);
  n = json_array_get_length (array);

  if (!list_length_ok (p, field, n))
    return FALSE;

  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      gsize len = tend_inventory_path_push_index (p->path, i);
      gint64 value;

      if (!tend_inventory_node_holds (element, G_TYPE_INT64))
        ok = type_problem (p, "an integer", element);
      else if ((value = json_node_get_int (element)) < field->min || value > field->max)
        ok = range_problem_int (p, value, field->min, field->max);
      else
        {
          int v = (int) value;
          gboolean twice = FALSE;

          for (guint j = 0; j < values->len && !twice; j++)
            twice = g_array_index (values, int, j) == v;

          if (twice && (field->flags & TEND_INVENTORY_FIELD_SET) != 0)
            {
              tend_inventory_parser_problem (p, "%d is listed twice", v);
              ok = FALSE;
            }
          g_array_append_val (values, v);
        }

      g_string_truncate (p->path, len);
    }

  if (!ok)
    return FALSE;

  g_clear_pointer (out, g_array_unref);
  *out = g_steal_pointer (&values);

  return TRUE;
}

/* Reads one field from @node (not %NULL, not null) into @item; the path is the field's. */
static gboolean
read_field (TendInventoryParser      *p,
            const TendInventoryField *field,
            JsonNode                 *node,
            gpointer                  item)
{
  switch (field->type)
    {
    case TEND_INVENTORY_FIELD_STRING:
      if (!tend_inventory_node_holds (node, G_TYPE_STRING))
        return type_problem (p, "a string", node);
      /* Kept even when the rule fails, so that references to it do not fail as well */
      g_free (*TEND_INVENTORY_SLOT (item, field, char *));
      *TEND_INVENTORY_SLOT (item, field, char *) = g_strdup (json_node_get_string (node));
      return read_string_rule (p, field, json_node_get_string (node), 0);

    case TEND_INVENTORY_FIELD_ENUM:
      return read_enum (p, field, node, TEND_INVENTORY_SLOT (item, field, int));

    case TEND_INVENTORY_FIELD_INT:
    case TEND_INVENTORY_FIELD_INT64:
      {
        gint64 value;

        if (!tend_inventory_node_holds (node, G_TYPE_INT64))
          return type_problem (p, "an integer", node);

        value = json_node_get_int (node);
        if (value < field->min || value > field->max)
          return range_problem_int (p, value, field->min, field->max);

        if (field->type == TEND_INVENTORY_FIELD_INT)
          *TEND_INVENTORY_SLOT (item, field, int) = (int) value;
        else
          *TEND_INVENTORY_SLOT (item, field, gint64) = value;
        return TRUE;
      }

    case TEND_INVENTORY_FIELD_DOUBLE:
      {
        double value;

        if (tend_inventory_node_holds (node, G_TYPE_INT64))
          value = (double) json_node_get_int (node);
        else if (tend_inventory_node_holds (node, G_TYPE_DOUBLE))
          value = json_node_get_double (node);
        else
          return type_problem (p, "a number", node);

        if (value < field->dmin || value > field->dmax)
          {
            g_autofree char *text = tend_inventory_format_double (value);
            g_autofree char *min = tend_inventory_format_double (field->dmin);
            g_autofree char *max = tend_inventory_format_double (field->dmax);

            if (isinf (field->dmax))
              tend_inventory_parser_problem (p, "%s is below the minimum of %s", text, min);
            else
              tend_inventory_parser_problem (p, "%s is outside %s..%s", text, min, max);
            return FALSE;
          }

        *TEND_INVENTORY_SLOT (item, field, double) = value;
        return TRUE;
      }

    case TEND_INVENTORY_FIELD_BOOL:
      if (!tend_inventory_node_holds (node, G_TYPE_BOOLEAN))
        return type_problem (p, "true or false", node);
      *TEND_INVENTORY_SLOT (item, field, gboolean) = json_node_get_boolean (node);
      return TRUE;

    case TEND_INVENTORY_FIELD_DURATION:
      return read_duration (p, field, node, TEND_INVENTORY_SLOT (item, field, gint64));

    case TEND_INVENTORY_FIELD_STRV:
      return read_strv (p, field, node, TEND_INVENTORY_SLOT (item, field, char **));

    case TEND_INVENTORY_FIELD_INT_LIST:
      return read_int_list (p, field, node, TEND_INVENTORY_SLOT (item, field, GArray *));

    default:
      g_assert_not_reached ();
    }
}

/* Reads the members of @object that @table describes into @item, which holds the
 * defaults. Returns a mask of the fields that hold a valid value, read or default.
 */
guint64
tend_inventory_read_fields (TendInventoryParser           *p,
                            JsonObject                    *object,
                            const TendInventoryFieldTable *table,
                            gpointer                       item)
{
  guint64 ok = 0;

  g_assert (table->n_fields <= 64);

  for (guint i = 0; i < table->n_fields; i++)
    {
      const TendInventoryField *field = &table->fields[i];
      JsonNode *node = json_object_get_member (object, field->name);
      gsize len;

      if (node == NULL && (field->flags & TEND_INVENTORY_FIELD_REQUIRED) != 0)
        {
          tend_inventory_parser_problem (p, "required key \"%s\" is missing", field->name);
          continue;
        }

      if (node == NULL ||
          (JSON_NODE_HOLDS_NULL (node) && (field->flags & TEND_INVENTORY_FIELD_NULLABLE)))
        {
          ok |= G_GUINT64_CONSTANT (1) << i;
          continue;
        }

      len = tend_inventory_path_push_key (p->path, field->name);
      if (read_field (p, field, node, item))
        ok |= G_GUINT64_CONSTANT (1) << i;
      g_string_truncate (p->path, len);
    }

  return ok;
}

gboolean
tend_inventory_field_ok (guint64                        ok,
                         const TendInventoryFieldTable *table,
                         const char                    *name)
{
  guint position;

  if (tend_inventory_table_lookup (table, name, &position) == NULL)
    g_assert_not_reached ();

  return (ok & (G_GUINT64_CONSTANT (1) << position)) != 0;
}

void
tend_inventory_member_problem (TendInventoryParser *p,
                               const char          *key,
                               const char          *format,
                               ...)
{
  g_autofree char *reason = NULL;
  gsize len = tend_inventory_path_push_key (p->path, key);
  va_list args;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);

  tend_inventory_parser_problem (p, "%s", reason);
  g_string_truncate (p->path, len);
}

/* "a must be below b" */
void
tend_inventory_order_problem (TendInventoryParser *p,
                              const char          *key,
                              char                *value,
                              const char          *relation,
                              const char          *other,
                              char                *other_value)
{
  tend_inventory_member_problem (p, key, "%s must be %s %s (%s)", value, relation, other,
                                 other_value);
  g_free (value);
  g_free (other_value);
}

JsonObject *
tend_inventory_expect_object (TendInventoryParser *p,
                              JsonNode            *node)
{
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      type_problem (p, "an object", node);
      return NULL;
    }

  return json_node_get_object (node);
}
