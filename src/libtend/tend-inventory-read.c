/* tend-inventory-read.c — reading an inventory, stage 3: the tree against the field tables
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reads the tree that json-glib built from a text that passed tend-inventory-scan.c,
 * item by item, against the field tables; collects every problem, each with its JSON
 * path, and checks the references between items (see tend-inventory.c).
 */

#define G_LOG_DOMAIN "Tend"

#include "tend-inventory-private.h"

#include <math.h>
#include <string.h>

#include "tend-config.h"
#include "tend-duration.h"
#include "tend-error.h"
#include "tend-util-private.h"

#define CONFIG_KEY_MAX_LEN   128
#define CONFIG_VALUE_MAX_LEN 4096

/* Messages */

void
tend_inventory_problem (TendInventoryProblems *problems,
                        const char            *path,
                        const char            *format,
                        ...)
{
  g_autofree char *reason = NULL;
  va_list args;

  if (problems->n_total++ >= TEND_INVENTORY_MAX_ERRORS)
    return;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);

  g_ptr_array_add (problems->lines, g_strconcat (path, ": ", reason, NULL));
}

gboolean
tend_inventory_problems_propagate (TendInventoryProblems  *problems,
                                   GError                **error)
{
  GString *message;

  if (problems->n_total == 0)
    return TRUE;

  message = g_string_new (NULL);
  for (guint i = 0; i < problems->lines->len; i++)
    {
      if (i > 0)
        g_string_append_c (message, '\n');
      g_string_append (message, g_ptr_array_index (problems->lines, i));
    }

  if (problems->n_total > problems->lines->len)
    g_string_append_printf (message, "\n… and %u more problems",
                            problems->n_total - problems->lines->len);

  g_set_error_literal (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT, message->str);
  g_string_free (message, TRUE);

  return FALSE;
}

/* JSON paths: $.hosts[2].port, $.config["checks.default-interval"] */

static gboolean
is_plain_key (const char *key)
{
  if (!g_ascii_isalpha (*key) && *key != '_')
    return FALSE;

  for (const char *p = key; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && *p != '_')
        return FALSE;
    }

  return TRUE;
}

gsize
tend_inventory_path_push_key (GString    *path,
                              const char *key)
{
  gsize len = path->len;

  if (is_plain_key (key))
    {
      g_string_append_c (path, '.');
      g_string_append (path, key);
    }
  else
    {
      g_autofree char *quoted = tend_quote_for_message (key, -1);

      g_string_append_printf (path, "[%s]", quoted);
    }

  return len;
}

gsize
tend_inventory_path_push_index (GString *path,
                                guint    i)
{
  gsize len = path->len;

  g_string_append_printf (path, "[%u]", i);

  return len;
}

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

G_GNUC_PRINTF (2, 3)
static void
parser_problem (TendInventoryParser *p,
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

static const char *
describe_node (JsonNode *node)
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

static gboolean
node_holds (JsonNode *node,
            GType     type)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

static gboolean
member_is_set (JsonObject *object,
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
  parser_problem (p, "expected %s, got %s", expected, describe_node (node));
  return FALSE;
}

/* Unknown keys */

static gboolean
looks_secret (const char *name)
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
      else if (looks_secret (name) &&
               tend_inventory_table_lookup (table, "password_env", NULL) != NULL)
        g_string_append (message, "; Tend stores no secrets: put the NAME of an environment "
                         "variable that holds the password in \"password_env\"");
      else if (looks_secret (name))
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

      parser_problem (p, "%s", message->str);
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
    parser_problem (p, "%" G_GINT64_FORMAT " is below the minimum of %" G_GINT64_FORMAT,
                    value, min);
  else
    parser_problem (p, "%" G_GINT64_FORMAT " is outside %" G_GINT64_FORMAT "..%"
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

  parser_problem (p, "%s", reason->str);
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

  if (!node_holds (node, G_TYPE_STRING))
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
    parser_problem (p, "%s is not one of %s; did you mean \"%s\"?", quoted, choices,
                    suggestion);
  else
    parser_problem (p, "%s is not one of %s", quoted, choices);

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

  if (!node_holds (node, G_TYPE_STRING))
    return type_problem (p, "a duration in a string, such as \"30s\" or \"1h 30min\"", node);

  if (!tend_duration_parse (json_node_get_string (node), &usec, &error))
    {
      parser_problem (p, "%s", error->message);
      return FALSE;
    }

  if (usec < field->min || usec > field->max)
    {
      g_autofree char *value = tend_inventory_format_duration (usec);
      g_autofree char *min = tend_inventory_format_duration (field->min);
      g_autofree char *max = tend_inventory_format_duration (field->max);

      parser_problem (p, "%s is outside %s..%s", value, min, max);
      return FALSE;
    }

  *out = usec;
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

  if (n < field->min_count)
    {
      parser_problem (p, "the list is empty; it needs at least %u", field->min_count);
      return FALSE;
    }

  if (n > field->max_count)
    {
      parser_problem (p, "the list has %u elements; at most %u are allowed", n,
                      field->max_count);
      return FALSE;
    }

  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      gsize len = tend_inventory_path_push_index (p->path, i);
      char *value;

      if (!node_holds (element, G_TYPE_STRING))
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

              parser_problem (p, "%s is listed twice", quoted);
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

  if (n < field->min_count)
    {
      parser_problem (p, "the list is empty; it needs at least %u", field->min_count);
      return FALSE;
    }

  if (n > field->max_count)
    {
      parser_problem (p, "the list has %u elements; at most %u are allowed", n,
                      field->max_count);
      return FALSE;
    }

  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      gsize len = tend_inventory_path_push_index (p->path, i);
      gint64 value;

      if (!node_holds (element, G_TYPE_INT64))
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
              parser_problem (p, "%d is listed twice", v);
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
      if (!node_holds (node, G_TYPE_STRING))
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

        if (!node_holds (node, G_TYPE_INT64))
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

        if (node_holds (node, G_TYPE_INT64))
          value = (double) json_node_get_int (node);
        else if (node_holds (node, G_TYPE_DOUBLE))
          value = json_node_get_double (node);
        else
          return type_problem (p, "a number", node);

        if (value < field->dmin || value > field->dmax)
          {
            g_autofree char *text = tend_inventory_format_double (value);
            g_autofree char *min = tend_inventory_format_double (field->dmin);
            g_autofree char *max = tend_inventory_format_double (field->dmax);

            if (isinf (field->dmax))
              parser_problem (p, "%s is below the minimum of %s", text, min);
            else
              parser_problem (p, "%s is outside %s..%s", text, min, max);
            return FALSE;
          }

        *TEND_INVENTORY_SLOT (item, field, double) = value;
        return TRUE;
      }

    case TEND_INVENTORY_FIELD_BOOL:
      if (!node_holds (node, G_TYPE_BOOLEAN))
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
          parser_problem (p, "required key \"%s\" is missing", field->name);
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

G_GNUC_PRINTF (3, 4)
static void
member_problem (TendInventoryParser *p,
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

  parser_problem (p, "%s", reason);
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
  member_problem (p, key, "%s must be %s %s (%s)", value, relation, other, other_value);
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

/* Hosts */

static TendInventoryHost *
read_host (TendInventoryParser *p,
           JsonNode            *node)
{
  static const char * const ssh_only[] = { "address", "port", "user" };
  JsonObject *object = tend_inventory_expect_object (p, node);
  JsonNode *kind;
  TendInventoryHost *host;
  guint64 ok;

  if (object == NULL)
    return NULL;

  host = g_new0 (TendInventoryHost, 1);
  tend_inventory_fields_init (&tend_inventory_host_table, host);
  tend_inventory_report_unknown_keys (p, object, &tend_inventory_host_table, NULL, -1);

  /* What a local host cannot have is reported as that, not also for its value */
  kind = json_object_get_member (object, "kind");
  if (kind != NULL && node_holds (kind, G_TYPE_STRING) &&
      strcmp (json_node_get_string (kind), "local") == 0)
    {
      for (guint i = 0; i < G_N_ELEMENTS (ssh_only); i++)
        {
          if (member_is_set (object, ssh_only[i]))
            {
              member_problem (p, ssh_only[i], "a local host has no %s; remove it, or make the "
                              "host's kind \"ssh\"", ssh_only[i]);
              json_object_remove_member (object, ssh_only[i]);
            }
        }
    }

  ok = tend_inventory_read_fields (p, object, &tend_inventory_host_table, host);

  if (!tend_inventory_field_ok (ok, &tend_inventory_host_table, "kind"))
    return host;

  if (!json_object_has_member (object, "scope"))
    host->scope = tend_inventory_default_scope (host->kind);

  if (host->kind == TEND_HOST_KIND_SSH)
    {
      if (!member_is_set (object, "address"))
        parser_problem (p, "required key \"address\" is missing; an ssh host needs one");
      if (!member_is_set (object, "port"))
        host->port = 22;
    }

  return host;
}

static void
read_hosts (TendInventoryParser *p,
            JsonArray           *array)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      gsize len = tend_inventory_path_push_index (p->path, i);
      TendInventoryHost *host = read_host (p, json_array_get_element (array, i));
      gpointer previous;

      if (host == NULL || host->name == NULL)
        p->hosts_complete = FALSE;
      else if ((previous = g_hash_table_lookup (p->hosts, host->name)) != NULL)
        {
          g_autofree char *quoted = tend_quote_for_message (host->name, -1);

          member_problem (p, "name", "%s is already used by $.hosts[%u]", quoted,
                          GPOINTER_TO_UINT (previous) - 1);
        }
      else
        g_hash_table_insert (p->hosts, g_strdup (host->name), GUINT_TO_POINTER (i + 1));

      if (host != NULL)
        g_ptr_array_add (p->inventory->hosts, host);
      g_string_truncate (p->path, len);
    }
}

/* References to services, from services, checks and policies */

/* Whether @host and @unit, read into @ok of @table, name a service of the file;
 * reports it when they do not.
 */
static gboolean
check_service_reference (TendInventoryParser           *p,
                         guint64                        ok,
                         const TendInventoryFieldTable *table,
                         const char                    *host,
                         const char                    *unit)
{
  g_autofree char *key = NULL;

  if (!tend_inventory_field_ok (ok, table, "host") || !tend_inventory_field_ok (ok, table, "unit"))
    return FALSE;

  key = tend_inventory_service_key (host, unit);
  if (p->services_complete && !g_hash_table_contains (p->services, key))
    {
      g_autofree char *quoted_unit = tend_quote_for_message (unit, -1);
      g_autofree char *quoted_host = tend_quote_for_message (host, -1);

      parser_problem (p, "no service %s on host %s in $.services", quoted_unit, quoted_host);
      return FALSE;
    }

  return TRUE;
}

static TendInventoryService *
read_service (TendInventoryParser *p,
              JsonNode            *node,
              guint64             *ok)
{
  JsonObject *object = tend_inventory_expect_object (p, node);
  TendInventoryService *service;

  if (object == NULL)
    return NULL;

  service = g_new0 (TendInventoryService, 1);
  tend_inventory_fields_init (&tend_inventory_service_table, service);
  tend_inventory_report_unknown_keys (p, object, &tend_inventory_service_table, NULL, -1);
  *ok = tend_inventory_read_fields (p, object, &tend_inventory_service_table, service);

  if (tend_inventory_field_ok (*ok, &tend_inventory_service_table, "host") && p->hosts_complete &&
      !g_hash_table_contains (p->hosts, service->host))
    {
      g_autofree char *quoted = tend_quote_for_message (service->host, -1);

      member_problem (p, "host", "no host named %s in $.hosts", quoted);
    }

  if (tend_inventory_field_ok (*ok, &tend_inventory_service_table, "unit") &&
      tend_inventory_field_ok (*ok, &tend_inventory_service_table, "depends_on"))
    {
      for (guint j = 0; service->depends_on[j] != NULL; j++)
        {
          if (g_strcmp0 (service->depends_on[j], service->unit) == 0)
            {
              g_autofree char *quoted = tend_quote_for_message (service->unit, -1);
              gsize len = tend_inventory_path_push_key (p->path, "depends_on");

              tend_inventory_path_push_index (p->path, j);
              parser_problem (p, "%s is the service itself: a cycle %s → %s; a service "
                              "cannot depend on itself", quoted, service->unit, service->unit);
              g_string_truncate (p->path, len);
            }
        }
    }

  return service;
}

/* A service that names dependencies, and where it is in $.services */
typedef struct
{
  guint                       index;
  const TendInventoryService *service;
} Dependent;

/* Once every service is read: each of a service's dependencies is a service of its host.
 * @dependents are the services whose host, unit and dependencies were read well, and
 * whose host exists.
 */
static void
check_dependencies (TendInventoryParser *p,
                    GArray              *dependents)
{
  if (!p->services_complete)
    return;

  for (guint k = 0; k < dependents->len; k++)
    {
      const Dependent *dependent = &g_array_index (dependents, Dependent, k);
      const TendInventoryService *service = dependent->service;

      for (guint j = 0; service->depends_on[j] != NULL; j++)
        {
          g_autofree char *key = tend_inventory_service_key (service->host,
                                                             service->depends_on[j]);
          g_autofree char *quoted_unit = NULL;
          g_autofree char *quoted_host = NULL;
          gsize len;

          if (g_hash_table_contains (p->services, key))
            continue;

          quoted_unit = tend_quote_for_message (service->depends_on[j], -1);
          quoted_host = tend_quote_for_message (service->host, -1);
          len = tend_inventory_path_push_index (p->path, dependent->index);
          tend_inventory_path_push_key (p->path, "depends_on");
          tend_inventory_path_push_index (p->path, j);
          parser_problem (p, "%s is not a service of host %s in the inventory", quoted_unit,
                          quoted_host);
          g_string_truncate (p->path, len);
        }
    }
}

/* One service on the way of the search for cycles */
typedef struct
{
  guint dependent;   /* in the dependents */
  guint next;        /* the next of its dependencies to follow */
} Step;

/* "a.service → b.service → a.service": the units of @path from @from, and @from again */
static char *
describe_cycle (GArray *dependents,
                GArray *path,
                guint   from)
{
  GString *out = g_string_new (NULL);

  for (guint k = from; k < path->len; k++)
    {
      const Step *step = &g_array_index (path, Step, k);

      g_string_append (out, g_array_index (dependents, Dependent, step->dependent).service->unit);
      g_string_append (out, " → ");
    }
  g_string_append (out, g_array_index (dependents, Dependent,
                                       g_array_index (path, Step, from).dependent).service->unit);
  return g_string_free (out, FALSE);
}

/* Once every dependency is known to be a service: no service depends on itself through
 * others (a → b → a). A cycle would hold every one of its services back while another is
 * down, for ever. A depth-first search without recursion, so that a long chain cannot
 * exhaust the stack; each cycle it meets is said once, at the service it starts from. A
 * service naming itself was said by read_service(). */
static void
check_cycles (TendInventoryParser *p,
              GArray              *dependents)
{
  g_autoptr(GHashTable) by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree guint *state = g_new0 (guint, dependents->len);   /* 0 new, 1 on the path + 1,
                                                                 * G_MAXUINT done */
  g_autoptr(GArray) path = g_array_new (FALSE, FALSE, sizeof (Step));

  for (guint k = 0; k < dependents->len; k++)
    {
      const TendInventoryService *service = g_array_index (dependents, Dependent, k).service;

      g_hash_table_insert (by_key, tend_inventory_service_key (service->host, service->unit),
                           GUINT_TO_POINTER (k + 1));
    }

  for (guint k = 0; k < dependents->len; k++)
    {
      Step first = { k, 0 };

      if (state[k] != 0)
        continue;
      g_array_append_val (path, first);
      state[k] = 1;

      while (path->len > 0)
        {
          Step *step = &g_array_index (path, Step, path->len - 1);
          const TendInventoryService *service =
            g_array_index (dependents, Dependent, step->dependent).service;
          const char *unit = service->depends_on[step->next];
          g_autofree char *key = NULL;
          guint target;

          if (unit == NULL)
            {
              state[step->dependent] = G_MAXUINT;
              g_array_set_size (path, path->len - 1);
              continue;
            }
          step->next++;
          if (g_str_equal (unit, service->unit))
            continue;

          key = tend_inventory_service_key (service->host, unit);
          target = GPOINTER_TO_UINT (g_hash_table_lookup (by_key, key));
          if (target == 0 || state[target - 1] == G_MAXUINT)
            continue;   /* depends on nothing, or searched already */
          target--;

          if (state[target] == 0)
            {
              Step next = { target, 0 };

              state[target] = path->len + 1;
              g_array_append_val (path, next);
            }
          else
            {
              g_autofree char *cycle = describe_cycle (dependents, path, state[target] - 1);
              gsize len = tend_inventory_path_push_index (
                p->path, g_array_index (dependents, Dependent, target).index);

              tend_inventory_path_push_key (p->path, "depends_on");
              parser_problem (p, "a cycle %s; a service cannot depend on itself, even through "
                              "others: remove one of these dependencies", cycle);
              g_string_truncate (p->path, len);
            }
        }
    }
}

static void
read_services (TendInventoryParser *p,
               JsonArray           *array)
{
  g_autoptr(GArray) dependents = g_array_new (FALSE, FALSE, sizeof (Dependent));

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      gsize len = tend_inventory_path_push_index (p->path, i);
      guint64 ok = 0;
      TendInventoryService *service = read_service (p, json_array_get_element (array, i), &ok);
      g_autofree char *key = NULL;
      gpointer previous;

      if (service == NULL || service->host == NULL || service->unit == NULL)
        p->services_complete = FALSE;
      else if ((previous = g_hash_table_lookup (p->services,
                                                key = tend_inventory_service_key (service->host,
                                                                                  service->unit)))
               != NULL)
        {
          g_autofree char *quoted_unit = tend_quote_for_message (service->unit, -1);
          g_autofree char *quoted_host = tend_quote_for_message (service->host, -1);

          parser_problem (p, "%s on host %s is already listed at $.services[%u]", quoted_unit,
                          quoted_host, GPOINTER_TO_UINT (previous) - 1);
        }
      else
        g_hash_table_insert (p->services, g_steal_pointer (&key), GUINT_TO_POINTER (i + 1));

      if (service != NULL && service->depends_on[0] != NULL &&
          tend_inventory_field_ok (ok, &tend_inventory_service_table, "host") &&
          tend_inventory_field_ok (ok, &tend_inventory_service_table, "unit") &&
          tend_inventory_field_ok (ok, &tend_inventory_service_table, "depends_on") &&
          g_hash_table_contains (p->hosts, service->host))
        {
          Dependent dependent = { i, service };

          g_array_append_val (dependents, dependent);
        }

      if (service != NULL)
        g_ptr_array_add (p->inventory->services, service);
      g_string_truncate (p->path, len);
    }

  check_dependencies (p, dependents);
  if (p->services_complete)
    check_cycles (p, dependents);
}

/* Checks */

static const char *
first_required (const TendInventoryFieldTable *table)
{
  for (guint i = 0; i < table->n_fields; i++)
    {
      if ((table->fields[i].flags & TEND_INVENTORY_FIELD_REQUIRED) != 0)
        return table->fields[i].name;
    }

  return NULL;
}

static TendInventoryCheck *
read_check (TendInventoryParser *p,
            JsonNode            *node,
            guint64             *ok)
{
  static const char * const extra[] = { "params", NULL };
  JsonObject *object = tend_inventory_expect_object (p, node);
  TendInventoryCheck *check;
  gboolean timeout_ok;
  JsonNode *params;

  if (object == NULL)
    return NULL;

  check = g_new0 (TendInventoryCheck, 1);
  tend_inventory_fields_init (&tend_inventory_check_table, check);
  tend_inventory_report_unknown_keys (p, object, &tend_inventory_check_table, extra, -1);
  *ok = tend_inventory_read_fields (p, object, &tend_inventory_check_table, check);

  check_service_reference (p, *ok, &tend_inventory_check_table, check->host, check->unit);

  timeout_ok = tend_inventory_field_ok (*ok, &tend_inventory_check_table, "timeout");
  if (timeout_ok && tend_inventory_field_ok (*ok, &tend_inventory_check_table, "interval") &&
      check->timeout_usec >= check->interval_usec)
    {
      tend_inventory_order_problem (p, "timeout",
                                    tend_inventory_format_duration (check->timeout_usec), "below",
                                    "the interval",
                                    tend_inventory_format_duration (check->interval_usec));
      timeout_ok = FALSE;
    }

  if (!tend_inventory_field_ok (*ok, &tend_inventory_check_table, "kind"))
    {
      /* No params to read: the kind says which */
      check->kind = (TendInventoryCheckKind) TEND_INVENTORY_UNSET;
      return check;
    }

  tend_inventory_fields_init (tend_inventory_params_table (check->kind), check);
  params = json_object_get_member (object, "params");

  if (params == NULL || JSON_NODE_HOLDS_NULL (params))
    {
      const char *required = first_required (tend_inventory_params_table (check->kind));

      if (required != NULL)
        parser_problem (p, "required key \"params\" is missing; a%s %s check needs \"%s\"",
                        check->kind == TEND_INVENTORY_CHECK_HTTP ? "n" : "",
                        tend_inventory_check_kind_to_string (check->kind), required);
    }
  else
    {
      gsize len = tend_inventory_path_push_key (p->path, "params");
      JsonObject *params_object = tend_inventory_expect_object (p, params);

      if (params_object != NULL)
        tend_inventory_read_params (p, params_object, check, timeout_ok);
      g_string_truncate (p->path, len);
    }

  return check;
}

static void
read_checks (TendInventoryParser *p,
             JsonArray           *array)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      gsize len = tend_inventory_path_push_index (p->path, i);
      guint64 ok = 0;
      TendInventoryCheck *check = read_check (p, json_array_get_element (array, i), &ok);

      if (check != NULL && tend_inventory_field_ok (ok, &tend_inventory_check_table, "host") &&
          tend_inventory_field_ok (ok, &tend_inventory_check_table, "unit") &&
          tend_inventory_field_ok (ok, &tend_inventory_check_table, "name"))
        {
          g_autofree char *key = g_strconcat (check->host, "/", check->unit, "/", check->name,
                                              NULL);
          gpointer previous = g_hash_table_lookup (p->checks, key);

          if (previous != NULL)
            {
              g_autofree char *quoted = tend_quote_for_message (check->name, -1);

              member_problem (p, "name", "%s is already used by $.checks[%u], for the same "
                              "service", quoted, GPOINTER_TO_UINT (previous) - 1);
            }
          else
            g_hash_table_insert (p->checks, g_steal_pointer (&key), GUINT_TO_POINTER (i + 1));
        }

      if (check != NULL)
        g_ptr_array_add (p->inventory->checks, check);
      g_string_truncate (p->path, len);
    }
}

/* Policies */

static TendInventoryPolicy *
read_policy (TendInventoryParser *p,
             JsonNode            *node,
             guint64             *ok)
{
  JsonObject *object = tend_inventory_expect_object (p, node);
  TendInventoryPolicy *policy;

  if (object == NULL)
    return NULL;

  policy = g_new0 (TendInventoryPolicy, 1);
  tend_inventory_fields_init (&tend_inventory_policy_table, policy);
  tend_inventory_report_unknown_keys (p, object, &tend_inventory_policy_table, NULL, -1);
  *ok = tend_inventory_read_fields (p, object, &tend_inventory_policy_table, policy);

  check_service_reference (p, *ok, &tend_inventory_policy_table, policy->host, policy->unit);

  if (tend_inventory_field_ok (*ok, &tend_inventory_policy_table, "backoff_initial") &&
      tend_inventory_field_ok (*ok, &tend_inventory_policy_table, "backoff_max") &&
      policy->backoff_max_usec < policy->backoff_initial_usec)
    tend_inventory_order_problem (p, "backoff_max",
                                  tend_inventory_format_duration (policy->backoff_max_usec),
                                  "at least", "backoff_initial",
                                  tend_inventory_format_duration (policy->backoff_initial_usec));

  return policy;
}

static void
read_policies (TendInventoryParser *p,
               JsonArray           *array)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      gsize len = tend_inventory_path_push_index (p->path, i);
      guint64 ok = 0;
      TendInventoryPolicy *policy = read_policy (p, json_array_get_element (array, i), &ok);

      if (policy != NULL && tend_inventory_field_ok (ok, &tend_inventory_policy_table, "host") &&
          tend_inventory_field_ok (ok, &tend_inventory_policy_table, "unit"))
        {
          g_autofree char *key = tend_inventory_service_key (policy->host, policy->unit);
          gpointer previous = g_hash_table_lookup (p->policies, key);

          if (previous != NULL)
            {
              g_autofree char *quoted_unit = tend_quote_for_message (policy->unit, -1);
              g_autofree char *quoted_host = tend_quote_for_message (policy->host, -1);

              parser_problem (p, "%s on host %s already has a policy, $.policies[%u]; a "
                              "service has at most one", quoted_unit, quoted_host,
                              GPOINTER_TO_UINT (previous) - 1);
            }
          else
            g_hash_table_insert (p->policies, g_steal_pointer (&key), GUINT_TO_POINTER (i + 1));
        }

      if (policy != NULL)
        g_ptr_array_add (p->inventory->policies, policy);
      g_string_truncate (p->path, len);
    }
}

/* Configuration */

static gboolean
is_config_key (const char *key)
{
  gboolean word_started = FALSE;
  guint n_words = 0;

  if (strlen (key) > CONFIG_KEY_MAX_LEN)
    return FALSE;

  for (const char *p = key; ; p++)
    {
      if (*p == '.' || *p == '\0')
        {
          if (!word_started)
            return FALSE;
          n_words++;
          word_started = FALSE;
          if (*p == '\0')
            break;
        }
      else if (g_ascii_islower (*p) || g_ascii_isdigit (*p) || *p == '-')
        word_started = TRUE;
      else
        return FALSE;
    }

  return n_words >= 2;
}

static void
read_config (TendInventoryParser *p,
             JsonObject          *object)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *key = l->data;
      JsonNode *node = json_object_get_member (object, key);
      g_autofree char *quoted = tend_quote_for_message (key, -1);
      gsize len;

      if (looks_secret (key))
        {
          parser_problem (p, "unknown key %s; Tend stores no secrets, so no configuration key "
                          "is named like a password, secret or token", quoted);
          continue;
        }

      if (!is_config_key (key))
        {
          parser_problem (p, "%s is not a configuration key: keys are dotted names of a-z, "
                          "0-9 and \"-\", such as \"checks.default-interval\"", quoted);
          continue;
        }

      len = tend_inventory_path_push_key (p->path, key);
      if (!node_holds (node, G_TYPE_STRING))
        parser_problem (p, "expected a string, got %s; configuration values are written as "
                        "text, such as \"30s\", \"3\" or \"true\"", describe_node (node));
      else if (strlen (json_node_get_string (node)) > CONFIG_VALUE_MAX_LEN)
        parser_problem (p, "the value is longer than %d bytes", CONFIG_VALUE_MAX_LEN);
      else
        tend_inventory_set_config (p->inventory, key, json_node_get_string (node));
      g_string_truncate (p->path, len);
    }
}

/* What the values mean, TendConfig's rules: every problem, beside those of the other
 * sections. */
static void
check_config (TendInventoryParser *p)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;

  if (tend_config_validate (tend_inventory_get_config (p->inventory), &error))
    return;
  lines = g_strsplit (error->message, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    parser_problem (p, "%s", lines[i]);
}

/* The document */

/* Reads the section @name with @read_array. A section that is not an array is reported
 * and makes *@complete %FALSE: its items cannot be referred to.
 */
static void
read_section (TendInventoryParser     *p,
              JsonObject *root,
              const char *name,
              gboolean   *complete,
              void      (*read_array) (TendInventoryParser    *p,
                                       JsonArray *array))
{
  JsonNode *node = json_object_get_member (root, name);
  gsize len;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      member_problem (p, name, "expected an array, got %s", describe_node (node));
      if (complete != NULL)
        *complete = FALSE;
      return;
    }

  len = tend_inventory_path_push_key (p->path, name);
  read_array (p, json_node_get_array (node));
  g_string_truncate (p->path, len);
}

static gboolean
read_header (TendInventoryParser *p,
             JsonObject          *root)
{
  JsonNode *format = json_object_get_member (root, "format");
  JsonNode *version = json_object_get_member (root, "version");
  gint64 number;

  if (format == NULL)
    {
      parser_problem (p, "required key \"format\" is missing; a Tend inventory starts with "
                      "{\"format\": \"" TEND_INVENTORY_FORMAT_NAME "\", \"version\": %d",
                      TEND_INVENTORY_FORMAT_VERSION);
      return FALSE;
    }

  if (!node_holds (format, G_TYPE_STRING))
    {
      member_problem (p, "format", "expected a string, got %s", describe_node (format));
      return FALSE;
    }

  if (strcmp (json_node_get_string (format), TEND_INVENTORY_FORMAT_NAME) != 0)
    {
      g_autofree char *quoted = tend_quote_for_message (json_node_get_string (format), -1);

      member_problem (p, "format", "%s is not \"" TEND_INVENTORY_FORMAT_NAME "\"; this is not a "
                      "Tend inventory", quoted);
      return FALSE;
    }

  if (version == NULL)
    {
      parser_problem (p, "required key \"version\" is missing; this Tend reads version %d",
                      TEND_INVENTORY_FORMAT_VERSION);
      return FALSE;
    }

  if (!node_holds (version, G_TYPE_INT64))
    {
      member_problem (p, "version", "expected an integer, got %s", describe_node (version));
      return FALSE;
    }

  number = json_node_get_int (version);
  if (number > TEND_INVENTORY_FORMAT_VERSION)
    {
      member_problem (p, "version", "this file is format version %" G_GINT64_FORMAT "; this "
                      "Tend reads version %d", number, TEND_INVENTORY_FORMAT_VERSION);
      return FALSE;
    }

  if (number < 1)
    {
      member_problem (p, "version", "%" G_GINT64_FORMAT " is not a format version; this Tend "
                      "reads version %d", number, TEND_INVENTORY_FORMAT_VERSION);
      return FALSE;
    }

  return TRUE;
}

static void
read_document (TendInventoryParser *p,
               JsonNode            *node)
{
  static const char * const top_keys[] = {
    "format", "version", "hosts", "services", "checks", "policies", "config", NULL
  };
  JsonObject *root = tend_inventory_expect_object (p, node);
  JsonNode *config;

  if (root == NULL || !read_header (p, root))
    return;

  tend_inventory_report_unknown_keys (p, root, NULL, top_keys, -1);

  read_section (p, root, "hosts", &p->hosts_complete, read_hosts);
  read_section (p, root, "services", &p->services_complete, read_services);
  read_section (p, root, "checks", NULL, read_checks);
  read_section (p, root, "policies", NULL, read_policies);

  config = json_object_get_member (root, "config");
  if (config != NULL && !JSON_NODE_HOLDS_NULL (config))
    {
      JsonObject *object;

      tend_inventory_path_push_key (p->path, "config");
      object = tend_inventory_expect_object (p, config);
      if (object != NULL)
        read_config (p, object);
      if (object != NULL && p->check_config)
        check_config (p);
      g_string_assign (p->path, "$");
    }
}

static TendInventory *
read_inventory (const char  *data,
                gsize        length,
                gboolean     check_config,
                GError     **error)
{
  TendInventoryParser p = { 0 };
  g_autoptr(JsonNode) root = NULL;
  TendInventory *inventory = NULL;

  tend_inventory_parser_init (&p);
  p.check_config = check_config;

  root = tend_inventory_load_json (data != NULL ? data : "", length, &p.problems);
  if (root != NULL)
    read_document (&p, root);

  if (tend_inventory_problems_propagate (&p.problems, error))
    inventory = g_steal_pointer (&p.inventory);

  tend_inventory_parser_clear (&p);

  return inventory;
}

/**
 * tend_inventory_new_from_json:
 * @data: the text of an inventory file (need not end in a NUL byte)
 * @length: its length in bytes
 * @error: return location for a #GError
 *
 * Reads and validates a whole inventory (see docs/inventory-format.md): every field,
 * every reference between items, every limit. Nothing is returned unless all of it is
 * valid, the configuration's values by TendConfig's rules (tend_config_validate())
 * included.
 *
 * Safe to call from any thread.
 *
 * Returns: (transfer full) (nullable): the inventory, or %NULL with @error set to
 *   %TEND_ERROR_INVALID_ARGUMENT: up to %TEND_INVENTORY_MAX_ERRORS problems, one per
 *   line, each starting with its JSON path, and a last line saying how many more there
 *   were, if any
 */
TendInventory *
tend_inventory_new_from_json (const char  *data,
                              gsize        length,
                              GError     **error)
{
  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return read_inventory (data, length, TRUE, error);
}

/**
 * tend_inventory_validate:
 * @self: a #TendInventory
 * @error: return location for a #GError
 *
 * Checks an inventory built or changed in code against every rule of the file format,
 * by writing it and reading it back: the paths in the messages are those of
 * tend_inventory_to_json()'s text, where items are sorted. Configuration values are
 * checked for their form only: a stored value this Tend does not use is kept, and
 * tend_inventory_validate_change() refuses only the problems a change brings.
 *
 * Returns: whether @self is valid
 */
gboolean
tend_inventory_validate (TendInventory  *self,
                         GError        **error)
{
  g_autofree char *json = NULL;
  g_autoptr(TendInventory) copy = NULL;
  gsize length;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  json = tend_inventory_to_json (self, &length);
  copy = read_inventory (json, length, FALSE, error);

  return copy != NULL;
}
