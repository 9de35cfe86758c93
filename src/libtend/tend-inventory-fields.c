/* tend-inventory-fields.c — what every part of TendInventory uses: field tables, values as
 * text, problems
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The lowest layer of the inventory's files (see tend-inventory-private.h): the rules for
 * strings that tables of items and of check parameters share, looking up, setting to
 * their defaults, copying and freeing the fields a table describes, durations and
 * numbers as the file writes them, and the problems a read collects, with their JSON
 * paths. It calls none of the other tend-inventory-*.c files.
 */

#define G_LOG_DOMAIN "Tend-Inventory"

#include "tend-inventory-private.h"

#include <math.h>
#include <string.h>

#include "tend-duration.h"
#include "tend-error.h"
#include "tend-util-private.h"

/* Rules for strings (see TendInventoryStringRule) */

gboolean
tend_inventory_rule_chars (const char            *value,
                           TendInventoryCharClass is_allowed,
                           gsize                  max_len,
                           const char            *rule,
                           GString               *reason)
{
  g_autofree char *quoted = tend_quote_for_message (value, -1);
  gsize len = strlen (value);

  if (len == 0)
    {
      g_string_append_printf (reason, "%s is empty; %s", quoted, rule);
      return FALSE;
    }

  for (const char *p = value; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (!is_allowed (*p))
        {
          g_autofree char *bad = tend_quote_for_message (p, g_utf8_next_char (p) - p);

          g_string_append_printf (reason, "%s contains %s; %s", quoted, bad, rule);
          return FALSE;
        }
    }

  if (len > max_len)
    {
      g_string_append_printf (reason, "%s is %" G_GSIZE_FORMAT " characters long; %s", quoted,
                              len, rule);
      return FALSE;
    }

  return TRUE;
}

gboolean
tend_inventory_is_host_name (const char *value)
{
  gsize len = strlen (value);
  const char *label = value;

  if (len == 0 || len > 253)
    return FALSE;

  for (;;)
    {
      const char *dot = strchr (label, '.');
      gsize label_len = dot != NULL ? (gsize) (dot - label) : strlen (label);

      if (label_len == 0 || label_len > 63 || label[0] == '-' || label[label_len - 1] == '-')
        return FALSE;

      for (gsize j = 0; j < label_len; j++)
        {
          if (!g_ascii_isalnum (label[j]) && label[j] != '-')
            return FALSE;
        }

      if (dot == NULL)
        return TRUE;

      label = dot + 1;
    }
}

gboolean
tend_inventory_rule_address (const char *value,
                             guint       i,
                             GString    *reason)
{
  g_autofree char *quoted = NULL;

  if (g_hostname_is_ip_address (value) || tend_inventory_is_host_name (value))
    return TRUE;

  quoted = tend_quote_for_message (value, -1);
  g_string_append_printf (reason, "%s is neither a host name nor an IP address (a host name is "
                          "dot-separated labels of letters, digits and \"-\", at most 253 "
                          "characters)", quoted);
  return FALSE;
}

/* Field tables */

const TendInventoryField *
tend_inventory_table_lookup (const TendInventoryFieldTable *table,
                             const char                    *name,
                             guint                         *position)
{
  for (guint i = 0; table != NULL && i < table->n_fields; i++)
    {
      if (strcmp (table->fields[i].name, name) == 0)
        {
          if (position != NULL)
            *position = i;
          return &table->fields[i];
        }
    }

  return NULL;
}

void
tend_inventory_fields_init (const TendInventoryFieldTable *table,
                            gpointer                       item)
{
  for (guint i = 0; table != NULL && i < table->n_fields; i++)
    {
      const TendInventoryField *field = &table->fields[i];
      gboolean unset = (field->flags & TEND_INVENTORY_FIELD_NULLABLE) != 0;

      switch (field->type)
        {
        case TEND_INVENTORY_FIELD_STRING:
          *TEND_INVENTORY_SLOT (item, field, char *) = g_strdup (field->sdef);
          break;
        case TEND_INVENTORY_FIELD_ENUM:
        case TEND_INVENTORY_FIELD_INT:
        case TEND_INVENTORY_FIELD_BOOL:
          *TEND_INVENTORY_SLOT (item, field, int) = unset ? TEND_INVENTORY_UNSET : (int) field->def;
          break;
        case TEND_INVENTORY_FIELD_INT64:
        case TEND_INVENTORY_FIELD_DURATION:
          *TEND_INVENTORY_SLOT (item, field, gint64) = unset ? TEND_INVENTORY_UNSET : field->def;
          break;
        case TEND_INVENTORY_FIELD_DOUBLE:
          *TEND_INVENTORY_SLOT (item, field, double) = unset ? TEND_INVENTORY_UNSET : field->ddef;
          break;
        case TEND_INVENTORY_FIELD_STRV:
          *TEND_INVENTORY_SLOT (item, field, char **) = g_new0 (char *, 1);
          break;
        case TEND_INVENTORY_FIELD_INT_LIST:
          {
            GArray *array = g_array_new (FALSE, FALSE, sizeof (int));

            if (field->def != 0)
              {
                int value = (int) field->def;

                g_array_append_val (array, value);
              }
            *TEND_INVENTORY_SLOT (item, field, GArray *) = array;
          }
          break;
        }
    }
}

/* After a shallow copy of the struct: gives @item its own copies of what it points to */
void
tend_inventory_fields_copy (const TendInventoryFieldTable *table,
                            gpointer                       item)
{
  for (guint i = 0; table != NULL && i < table->n_fields; i++)
    {
      const TendInventoryField *field = &table->fields[i];

      if (field->type == TEND_INVENTORY_FIELD_STRING)
        *TEND_INVENTORY_SLOT (item, field, char *) =
          g_strdup (*TEND_INVENTORY_SLOT (item, field, char *));
      else if (field->type == TEND_INVENTORY_FIELD_STRV)
        *TEND_INVENTORY_SLOT (item, field, char **) =
          g_strdupv (*TEND_INVENTORY_SLOT (item, field, char **));
      else if (field->type == TEND_INVENTORY_FIELD_INT_LIST &&
               *TEND_INVENTORY_SLOT (item, field, GArray *) != NULL)
        *TEND_INVENTORY_SLOT (item, field, GArray *) =
          g_array_copy (*TEND_INVENTORY_SLOT (item, field, GArray *));
    }
}

void
tend_inventory_fields_free (const TendInventoryFieldTable *table,
                            gpointer                       item)
{
  for (guint i = 0; table != NULL && i < table->n_fields; i++)
    {
      const TendInventoryField *field = &table->fields[i];

      if (field->type == TEND_INVENTORY_FIELD_STRING)
        g_clear_pointer (TEND_INVENTORY_SLOT (item, field, char *), g_free);
      else if (field->type == TEND_INVENTORY_FIELD_STRV)
        g_clear_pointer (TEND_INVENTORY_SLOT (item, field, char **), g_strfreev);
      else if (field->type == TEND_INVENTORY_FIELD_INT_LIST)
        g_clear_pointer (TEND_INVENTORY_SLOT (item, field, GArray *), g_array_unref);
    }
}

/* Values as text */

/* Durations in messages and files. tend_duration_format() takes no negative values;
 * only an inventory built in code can hold one, and validation then refuses what this
 * writes.
 */
char *
tend_inventory_format_duration (gint64 usec)
{
  g_autofree char *positive = NULL;

  if (usec >= 0)
    return tend_duration_format (usec);

  if (usec == G_MININT64)
    return g_strdup ("-");

  positive = tend_duration_format (-usec);
  return g_strconcat ("-", positive, NULL);
}

/* The shortest text that reads back as @value, always with a point or an exponent. */
char *
tend_inventory_format_double (double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (value))
    return g_strdup ("null");

  /* The fewest digits that read back exactly, without an exponent where one is not
   * needed ("80", not "8e+01") */
  for (int pass = 0; pass < 2; pass++)
    {
      for (int precision = 1; precision <= 17; precision++)
        {
          char format[8];

          g_snprintf (format, sizeof format, "%%.%dg", precision);
          g_ascii_formatd (buf, sizeof buf, format, value);
          if (g_ascii_strtod (buf, NULL) == value && (pass == 1 || strchr (buf, 'e') == NULL))
            goto done;
        }
    }

done:

  /* Always with a point, in the mantissa where there is an exponent: "1.0e+308" */
  if (strchr (buf, '.') == NULL)
    {
      const char *e = strchr (buf, 'e');

      if (e == NULL)
        return g_strconcat (buf, ".0", NULL);
      return g_strdup_printf ("%.*s.0%s", (int) (e - buf), buf, e);
    }

  return g_strdup (buf);
}

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
