/* gen-reference.c — writes docs/reference.md from libtend's field tables
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every field of hosts, services, checks (and each kind's params) and policies, from the
 * tables the inventory's reader, writer and validator use (tend-inventory.c,
 * tend-inventory-params.c): names, types, ranges, what each does and the tendctl option
 * that sets it. Defaults are read from items made the way libtend makes them
 * (tend_inventory_*_new()), and those tendctl gives from the configuration's schema.
 *
 *   gen-reference [--output FILE]   the Markdown, on stdout or into FILE
 *   gen-reference --options         "COMMAND<TAB>--option" for each option named, which
 *                                   tests/check-reference.py finds in tendctl's --help
 *   gen-reference --config-rows     the row of each setting in docs/configuration.md's
 *                                   tables, from the configuration's schema
 *
 * `ninja -C build update-reference` rewrites docs/reference.md; the test 'reference'
 * (suite 'docs') fails while the file differs from what this prints.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tend.h"
#include "tend-inventory-private.h"
#include "tend-restart-policy.h"
#include "tend-service-control.h"
#include "tend-util-private.h"

typedef struct
{
  const char *title;
  const char *command;      /* the tendctl command whose options the table names */
  const TendInventoryFieldTable *table;
  gconstpointer items[2];   /* items made by libtend, whose fields are the defaults */
  const char *item_labels[2];
} Section;

static char *
format_range (const TendInventoryField *field)
{
  switch (field->type)
    {
    case TEND_INVENTORY_FIELD_INT:
    case TEND_INVENTORY_FIELD_INT64:
    case TEND_INVENTORY_FIELD_INT_LIST:
      if (field->max == TEND_INVENTORY_NO_MAX)
        return g_strdup_printf ("≥ %" G_GINT64_FORMAT, field->min);
      return g_strdup_printf ("%" G_GINT64_FORMAT "..%" G_GINT64_FORMAT, field->min, field->max);
    case TEND_INVENTORY_FIELD_DURATION:
      {
        g_autofree char *min = tend_inventory_format_duration (field->min);
        g_autofree char *max = tend_inventory_format_duration (field->max);

        return g_strdup_printf ("%s..%s", min, max);
      }
    case TEND_INVENTORY_FIELD_DOUBLE:
      {
        g_autofree char *min = tend_inventory_format_double (field->dmin);
        g_autofree char *max = NULL;

        if (isinf (field->dmax))
          return g_strdup_printf ("≥ %s", min);
        max = tend_inventory_format_double (field->dmax);
        return g_strdup_printf ("%s..%s", min, max);
      }
    case TEND_INVENTORY_FIELD_BOOL:
      return g_strdup ("`true`, `false`");
    case TEND_INVENTORY_FIELD_ENUM:
      {
        g_autoptr(GEnumClass) klass = g_type_class_ref (field->enum_type ());
        GString *out = g_string_new (NULL);

        for (guint i = 0; i < klass->n_values; i++)
          g_string_append_printf (out, "%s`%s`", i > 0 ? ", " : "",
                                  klass->values[i].value_nick);
        return g_string_free (out, FALSE);
      }
    case TEND_INVENTORY_FIELD_STRING:
    case TEND_INVENTORY_FIELD_STRV:
    default:
      return NULL;
    }
}

/* What a field accepts: its range or its rule in words, with what holds on top */
static char *
format_accepts (const TendInventoryField *field)
{
  GString *out = g_string_new (NULL);
  g_autofree char *range = format_range (field);
  gboolean list = field->type == TEND_INVENTORY_FIELD_STRV ||
                  field->type == TEND_INVENTORY_FIELD_INT_LIST;

  if (list)
    {
      if (field->min_count > 0)
        g_string_append_printf (out, "%u to %u", field->min_count, field->max_count);
      else
        g_string_append_printf (out, "at most %u", field->max_count);
      if (range != NULL)
        g_string_append_printf (out, ", each %s", range);
      if (field->flags & TEND_INVENTORY_FIELD_SET)
        g_string_append (out, ", none twice");
    }
  else if (range != NULL)
    g_string_append (out, range);

  if (field->accepts != NULL)
    g_string_append_printf (out, "%s%s", out->len > 0 ? "; " : "", field->accepts);
  return g_string_free (out, FALSE);
}

static const char *
type_name (const TendInventoryField *field)
{
  switch (field->type)
    {
    case TEND_INVENTORY_FIELD_STRING:
    case TEND_INVENTORY_FIELD_ENUM:
      return "string";
    case TEND_INVENTORY_FIELD_INT:
    case TEND_INVENTORY_FIELD_INT64:
      return "integer";
    case TEND_INVENTORY_FIELD_DOUBLE:
      return "number";
    case TEND_INVENTORY_FIELD_BOOL:
      return "boolean";
    case TEND_INVENTORY_FIELD_DURATION:
      return "duration";
    case TEND_INVENTORY_FIELD_STRV:
      return "array of strings";
    case TEND_INVENTORY_FIELD_INT_LIST:
      return "array of integers";
    default:
      g_assert_not_reached ();
    }
}

/* A field's value in @item as the file writes it, "none" where it is not set */
static char *
value_text (const TendInventoryField *field,
            gconstpointer             item)
{
  g_autofree char *json = NULL;

  if (field->type == TEND_INVENTORY_FIELD_STRV || field->type == TEND_INVENTORY_FIELD_INT_LIST)
    {
      g_autoptr(GPtrArray) texts = tend_inventory_list_texts (field, item);
      GString *out = g_string_new ("`[");

      for (guint i = 0; i < texts->len; i++)
        g_string_append_printf (out, field->type == TEND_INVENTORY_FIELD_STRV ? "%s\"%s\"" : "%s%s",
                                i > 0 ? ", " : "", (const char *) texts->pdata[i]);
      g_string_append (out, "]`");
      return g_string_free (out, FALSE);
    }

  json = tend_inventory_field_json (field, item);
  if (json == NULL || strcmp (json, "null") == 0)
    return g_strdup ("none");
  if (json[0] == '"')
    return g_strdup_printf ("`%.*s`", (int) strlen (json) - 2, json + 1);
  return g_strdup_printf ("`%s`", json);
}

static char *
format_default (const Section            *section,
                const TendInventoryField *field)
{
  GString *out = g_string_new (NULL);

  if (field->flags & TEND_INVENTORY_FIELD_REQUIRED)
    g_string_append (out, "required");
  else if (section->items[1] != NULL)
    {
      g_autofree char *first = value_text (field, section->items[0]);
      g_autofree char *second = value_text (field, section->items[1]);

      if (strcmp (first, second) == 0)
        g_string_append (out, first);
      else
        g_string_append_printf (out, "%s for %s, %s for %s", first, section->item_labels[0],
                                second, section->item_labels[1]);
    }
  else
    {
      g_autofree char *value = value_text (field, section->items[0]);

      g_string_append (out, value);
    }

  if (field->config_key != NULL)
    {
      const TendConfigKey *key = tend_config_lookup_key (field->config_key);

      if (key == NULL)
        g_error ("%s: no setting %s", field->name, field->config_key);
      g_string_append_printf (out, " (`tendctl`: `%s`, `%s`)", key->name, key->default_value);
    }
  return g_string_free (out, FALSE);
}

static void
append_cell (GString    *out,
             const char *text)
{
  g_string_append (out, " ");
  for (const char *p = text != NULL ? text : ""; *p != '\0'; p++)
    {
      if (*p == '|')
        g_string_append (out, "\\|");
      else
        g_string_append_c (out, *p);
    }
  g_string_append (out, " |");
}

/* "`--sudo` (sets sudo)": the option as code, what follows it in parentheses as text */
static char *
format_option (const char *option)
{
  const char *note;

  if (option == NULL)
    return g_strdup ("—");
  note = strstr (option, " (");
  if (note == NULL)
    return g_strdup_printf ("`%s`", option);
  return g_strdup_printf ("`%.*s`%s", (int) (note - option), option, note);
}

static void
write_table (GString       *out,
             const Section *section)
{
  const TendInventoryFieldTable *table = section->table;

  g_string_append (out, "| field | `tendctl` | type | default | accepts | what it does |\n"
                        "|---|---|---|---|---|---|\n");
  for (guint i = 0; i < table->n_fields; i++)
    {
      const TendInventoryField *field = &table->fields[i];
      g_autofree char *name = g_strdup_printf ("`%s`", field->name);
      g_autofree char *option = format_option (field->option);
      g_autofree char *type = field->unit != NULL
                              ? g_strdup_printf ("%s, %s", type_name (field), field->unit)
                              : g_strdup (type_name (field));
      g_autofree char *def = format_default (section, field);
      g_autofree char *accepts = format_accepts (field);

      if (field->desc == NULL)
        g_error ("the field %s has no description", field->name);
      g_string_append (out, "|");
      append_cell (out, name);
      append_cell (out, option);
      append_cell (out, type);
      append_cell (out, def);
      append_cell (out, accepts);
      append_cell (out, field->desc);
      g_string_append (out, "\n");
    }
}

/* The settings that no field takes its default from: those of the whole of Tend */
static void
write_settings_only (GString                    *out,
                     const TendInventoryFieldTable * const *tables,
                     guint                       n_tables)
{
  guint n_keys;
  const TendConfigKey * const *keys = tend_config_list_keys (&n_keys);

  g_string_append (out, "| setting | type | default | range | what it does |\n"
                        "|---|---|---|---|---|\n");
  for (guint k = 0; k < n_keys; k++)
    {
      const TendConfigKey *key = keys[k];
      gboolean used = FALSE;
      g_autofree char *name = NULL;
      g_autofree char *def = NULL;
      g_autofree char *range = NULL;

      if (strcmp (key->category, "checks") != 0 && strcmp (key->category, "recovery") != 0)
        continue;
      for (guint t = 0; t < n_tables && !used; t++)
        for (guint i = 0; tables[t] != NULL && i < tables[t]->n_fields && !used; i++)
          used = g_strcmp0 (tables[t]->fields[i].config_key, key->name) == 0;
      if (used)
        continue;

      name = g_strdup_printf ("`%s`", key->name);
      def = g_strdup_printf ("`%s`", key->default_value);
      range = tend_config_key_dup_range (key);
      g_string_append (out, "|");
      append_cell (out, name);
      append_cell (out, tend_config_type_to_string (key->type));
      append_cell (out, def);
      append_cell (out, range);
      append_cell (out, key->description);
      g_string_append (out, "\n");
    }
}

/* Each key's row of docs/configuration.md's tables, which check-reference.py compares */
static void
write_config_rows (GString *out)
{
  guint n_keys;
  const TendConfigKey * const *keys = tend_config_list_keys (&n_keys);

  for (guint k = 0; k < n_keys; k++)
    {
      g_autofree char *range = tend_config_key_dup_range (keys[k]);

      g_string_append_printf (out, "| `%s` | %s | ", keys[k]->name,
                              tend_config_type_to_string (keys[k]->type));
      if (keys[k]->default_value[0] == '\0')
        g_string_append (out, "*(empty)*");
      else
        g_string_append_printf (out, "`%s`", keys[k]->default_value);
      g_string_append_printf (out, " | %s | %s |\n", range, keys[k]->description);
    }
}

static void
write_options (GString       *out,
               const Section *section)
{
  for (guint i = 0; i < section->table->n_fields; i++)
    {
      const char *option = section->table->fields[i].option;

      if (option != NULL && g_str_has_prefix (option, "--") && g_ascii_isalpha (option[2]))
        g_string_append_printf (out, "%s\t%.*s\n", section->command,
                                (int) strcspn (option, " "), option);
    }
}

/* The defaults tendctl gives are the settings' that the table names: check, as far as
 * their defaults tell, that the code that gives them reads those settings. */
static void
check_config_defaults (const TendInventoryFieldTable *table,
                       gconstpointer                  item)
{
  for (guint i = 0; i < table->n_fields; i++)
    {
      const TendInventoryField *field = &table->fields[i];
      const TendConfigKey *key;
      g_autofree char *value = NULL;
      g_autofree char *expected = NULL;

      /* A setting in another unit (percent for a share) is not compared */
      if (field->config_key == NULL || field->unit != NULL)
        continue;
      key = tend_config_lookup_key (field->config_key);
      value = value_text (field, item);
      expected = g_strdup_printf ("`%s`", key->default_value);
      if (strcmp (value, expected) != 0)
        g_error ("%s takes its default from %s (%s), but libtend gives it %s", field->name,
                 key->name, key->default_value, value);
    }
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *output = NULL;
  gboolean options = FALSE;
  gboolean config_rows = FALSE;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write FILE", "FILE" },
    { "options", 0, 0, G_OPTION_ARG_NONE, &options, "List the tendctl options named", NULL },
    { "config-rows", 0, 0, G_OPTION_ARG_NONE, &config_rows,
      "The rows of docs/configuration.md's tables of settings", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(TendInventoryHost) local = tend_inventory_host_new ("here", TEND_HOST_KIND_LOCAL);
  g_autoptr(TendInventoryHost) ssh = tend_inventory_host_new ("there", TEND_HOST_KIND_SSH);
  g_autoptr(TendInventoryService) service = tend_inventory_service_new ("here", "a.service");
  /* A file's policy without "kind" has the table's, as the reader gives it */
  g_autoptr(TendInventoryPolicy) policy =
    tend_inventory_policy_new ("here", "a.service",
                               tend_inventory_table_lookup (&tend_inventory_policy_table, "kind",
                                                            NULL)->def);
  g_autoptr(TendConfig) config = tend_config_new ();
  g_autoptr(TendRestartPolicy) default_policy = tend_restart_policy_new_from_config (config);
  g_autoptr(TendInventoryCheck) tendctl_check = NULL;
  g_autoptr(GEnumClass) kinds = g_type_class_ref (TEND_TYPE_INVENTORY_CHECK_KIND);
  const TendInventoryFieldTable *tables[] = {
    &tend_inventory_check_table, &tend_inventory_policy_table, NULL, NULL, NULL, NULL, NULL,
    NULL, NULL,
  };
  guint n_tables = 2;
  GPtrArray *checks = g_ptr_array_new_with_free_func ((GDestroyNotify) tend_inventory_check_free);
  Section hosts = { "Hosts", "host add", &tend_inventory_host_table, { local, ssh },
                    { "`local`", "`ssh`" } };
  Section services = { "Services", "watch", &tend_inventory_service_table, { service, NULL } };
  Section check_section = { "Checks", "check add", &tend_inventory_check_table, { NULL, NULL } };
  Section policies = { "Policies", "policy set", &tend_inventory_policy_table, { policy, NULL } };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("gen-reference: %s\n", error->message);
      return 2;
    }

  tendctl_check = tend_inventory_check_new ("here", "a.service", "c", TEND_INVENTORY_CHECK_UNIT);
  tend_service_control_set_check_defaults (tendctl_check, config);
  check_config_defaults (&tend_inventory_check_table, tendctl_check);
  check_config_defaults (&tend_inventory_policy_table,
                         tend_restart_policy_get_settings (default_policy));

  for (guint k = 0; k < kinds->n_values; k++)
    {
      TendInventoryCheck *check = tend_inventory_check_new ("here", "a.service", "c",
                                                            kinds->values[k].value);

      g_assert (n_tables < G_N_ELEMENTS (tables) - 1);
      g_ptr_array_add (checks, check);
      tables[n_tables++] = tend_inventory_params_table (kinds->values[k].value);
    }
  check_section.items[0] = checks->pdata[0];

  if (config_rows)
    write_config_rows (out);
  else if (options)
    {
      write_options (out, &hosts);
      write_options (out, &services);
      write_options (out, &check_section);
      for (guint k = 0; k < checks->len; k++)
        {
          Section params = { NULL, "check add", tables[2 + k], { checks->pdata[k], NULL } };

          write_options (out, &params);
        }
      write_options (out, &policies);
    }
  else
    {
      g_string_append (out,
        "# Reference: the fields of hosts, services, checks and policies\n"
        "\n"
        "<!-- Generated by tests/gen-reference.c from libtend's field tables\n"
        "     (src/libtend/tend-inventory.c, src/libtend/tend-inventory-params.c): do not\n"
        "     edit. After changing the tables, run `ninja -C build update-reference`; the\n"
        "     test `meson test -C build reference` fails while this file is out of date. -->\n"
        "\n"
        "Every field Tend keeps about what it looks after, as the tables that read, check and\n"
        "write them have it. **field** is the key in the inventory file\n"
        "([inventory-format.md](inventory-format.md)); **`tendctl`** is the option (or the\n"
        "argument) of the command that sets it — `tendctl host add`, `tendctl check add`,\n"
        "`tendctl policy set` — where one does. **default** is what a key left out of an\n"
        "imported file means; in parentheses, the setting\n"
        "([configuration.md](configuration.md)) whose value `tendctl check add` and `tendctl\n"
        "policy set` give instead when the option is not given, and which a service without a\n"
        "policy of its own is recovered by, with its value out of the box. *none* means not\n"
        "set. Ranges are inclusive; durations are written as in\n"
        "[inventory-format.md](inventory-format.md#durations) (`250ms`, `30s`, `5min`, `1h`,\n"
        "`1d`).\n"
        "\n"
        "- [Hosts](#hosts)\n"
        "- [Services](#services)\n"
        "- [Checks](#checks), and the params of each kind:");
      for (guint k = 0; k < kinds->n_values; k++)
        g_string_append_printf (out, "%s [%s](#%s-checks)", k > 0 ? "," : "",
                                kinds->values[k].value_nick, kinds->values[k].value_nick);
      g_string_append (out,
        "\n"
        "- [Policies](#policies)\n"
        "- [Settings without a field](#settings-without-a-field)\n"
        "\n"
        "## Hosts\n"
        "\n"
        "`\"hosts\"` of the file; `tendctl host add NAME ssh://[USER@]ADDRESS[:PORT]`, and\n"
        "`tendctl host set NAME` for `scope`, `sudo` and `access`.\n"
        "\n");
      write_table (out, &hosts);
      g_string_append (out,
        "\n"
        "## Services\n"
        "\n"
        "`\"services\"` of the file. `tendctl watch UNIT` and `tendctl check add` add a\n"
        "service with the defaults below.\n"
        "\n");
      write_table (out, &services);
      g_string_append (out,
        "\n"
        "## Checks\n"
        "\n"
        "`\"checks\"` of the file; `tendctl check add UNIT NAME --kind KIND`. Every kind of\n"
        "check has these fields, and the `params` of its kind (an object, after them).\n"
        "\n");
      write_table (out, &check_section);
      for (guint k = 0; k < kinds->n_values; k++)
        {
          const TendInventoryFieldTable *table = tables[2 + k];
          Section params = { NULL, "check add", table, { checks->pdata[k], NULL } };

          g_string_append_printf (out, "\n### %s checks\n\n", kinds->values[k].value_nick);
          if (table->n_fields == 0)
            {
              g_string_append (out, "No params: `params` is `{}` or left out. The check follows "
                                    "systemd's state of the unit.\n");
              continue;
            }
          g_string_append_printf (out, "`\"kind\": \"%s\"`, `--kind %s`; the fields of "
                                  "`params`:\n\n", kinds->values[k].value_nick,
                                  kinds->values[k].value_nick);
          write_table (out, &params);
        }
      g_string_append (out,
        "\n"
        "## Policies\n"
        "\n"
        "`\"policies\"` of the file; `tendctl policy set UNIT --kind KIND`, which gives\n"
        "every option left out its setting's value, not the value of the policy it replaces.\n"
        "What one recovery does (the escalation ladder: reload, start or restart) has no\n"
        "field: [configuration.md](configuration.md#how-the-recovery-keys-work-together)\n"
        "tells it.\n"
        "\n");
      write_table (out, &policies);
      g_string_append (out,
        "\n"
        "## Settings without a field\n"
        "\n"
        "The settings of checks and recovery that no field of a check or a policy overrides:\n"
        "they hold for every service (`tendctl config set KEY VALUE`; all the settings are in\n"
        "[configuration.md](configuration.md)). The circuit breaker is here.\n"
        "\n");
      write_settings_only (out, tables, n_tables);
    }

  g_ptr_array_unref (checks);

  /* As it is: g_print() would convert "≥" to the locale's charset */
  if (output == NULL)
    return fwrite (out->str, 1, out->len, stdout) == out->len ? 0 : 1;
  if (!g_file_set_contents (output, out->str, out->len, &error))
    {
      g_printerr ("gen-reference: %s\n", error->message);
      return 1;
    }
  return 0;
}
