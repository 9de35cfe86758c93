/* tendctl-config.c — tendctl config list|get|set|reset
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The stored values are read into a TendConfig, so that what is shown is what the
 * monitor would use, and so that a new value is checked against the others (the rules
 * between keys). A change is one transaction of the store
 * (tend_store_edit_inventory_async()): on the store's thread, the values stored at that
 * moment are loaded, TendConfig validates the change, its backing notes what is to be
 * saved, and the notes are written in the same transaction, all of them or none.
 * Nothing here waits on SQLite. Every change, refused ones included, leaves an audit
 * record.
 */
#define G_LOG_DOMAIN "Tendctl"

#include <string.h>

#include "tendctl.h"
#include "tendctl-output.h"

typedef enum
{
  CONFIG_LIST,
  CONFIG_GET,
  CONFIG_SET,
  CONFIG_RESET,
} ConfigAction;

static const char * const action_names[] = {
  [CONFIG_LIST] = "list",
  [CONFIG_GET] = "get",
  [CONFIG_SET] = "set",
  [CONFIG_RESET] = "reset",
  NULL
};

/* One value TendConfig asked its backing to store (NULL: forget it). */
typedef struct
{
  char *key;
  char *value;
} PendingSave;

typedef struct
{
  TendctlRun *run;
  ConfigAction action;
  const char *command;          /* "config set", for messages */
  gboolean json;
  const char *key;              /* (unowned) (nullable) from argv; NULL: every key */
  const char *value;            /* (unowned) (nullable) from argv */

  TendConfig *config;           /* (owned) */
  GHashTable *stored;           /* (owned) (nullable) key → text, as the store holds it */
  GPtrArray *saves;             /* (owned) of PendingSave, in the order TendConfig asked */

  gint64 started_real;
  gint64 started_monotonic;
} ConfigData;

/* While TendConfig loads the stored values: its warnings about them are left out, as
 * tendctl says itself what is wrong with them, where it matters, with what to do. */
static gboolean loading_config;

static void
pending_save_free (PendingSave *save)
{
  g_free (save->key);
  g_free (save->value);
  g_free (save);
}

/* ------------------------------------------------------------------------------------ */
/* Log messages of libtend                                                               */

/* libtend's warnings, said the way tendctl says everything: "tendctl: warning: …". */
static GLogWriterOutput
log_writer (GLogLevelFlags   log_level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  g_autofree char *message = NULL;
  gboolean ours = FALSE;

  if (!(log_level & G_LOG_LEVEL_WARNING))
    return g_log_writer_default (log_level, fields, n_fields, user_data);

  for (gsize i = 0; i < n_fields; i++)
    {
      const char *value = fields[i].value;
      gssize length = fields[i].length;

      if (g_str_equal (fields[i].key, "GLIB_DOMAIN"))
        ours = length < 0 ? g_strcmp0 (value, "Tend") == 0
                          : (length == 4 && memcmp (value, "Tend", 4) == 0);
      else if (g_str_equal (fields[i].key, "MESSAGE") && message == NULL)
        message = length < 0 ? g_strdup (value) : g_strndup (value, length);
    }

  if (!ours || message == NULL)
    return g_log_writer_default (log_level, fields, n_fields, user_data);
  if (loading_config)
    return G_LOG_WRITER_HANDLED;

  tendctl_print_error (_("warning: %s"), message);
  return G_LOG_WRITER_HANDLED;
}

/* ------------------------------------------------------------------------------------ */
/* Helpers                                                                               */

/* The error TendConfig gives for a key it does not know, with its suggestion. */
static GError *
unknown_key_error (const char *key)
{
  g_autoptr(GHashTable) values = g_hash_table_new (g_str_hash, g_str_equal);
  GError *error = NULL;

  g_hash_table_insert (values, (char *) key, (char *) "");
  if (tend_config_validate (values, &error) || error->code != TEND_ERROR_NOT_FOUND)
    {
      g_clear_error (&error);
      error = g_error_new (TEND_ERROR, TEND_ERROR_NOT_FOUND, "no setting '%s'", key);
    }
  return error;
}

/* A refused value: TendConfig's message names the key and quotes the value; the range
 * is added where the message does not already give it. */
static char *
dup_error_message (const GError *error,
                   const char   *key)
{
  const TendConfigKey *schema_key = key != NULL ? tend_config_lookup_key (key) : NULL;
  g_autofree char *range = NULL;

  if (schema_key == NULL || !g_error_matches (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT))
    return g_strdup (error->message);

  range = tend_config_key_dup_range (schema_key);
  if (strstr (error->message, range) != NULL)
    return g_strdup (error->message);
  return g_strdup_printf ("%s (accepted: %s)", error->message, range);
}

static char *
build_parameters (const char         *key,
                  const char         *value,
                  const char * const *keys)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  tend_json_add_string (builder, "key", key);
  tend_json_add_string (builder, "value", value);
  if (keys != NULL)
    tendctl_json_add_strv (builder, "keys", keys);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

/* Records what was done (or refused) in the audit log: "config-set" or "config-reset",
 * for no host and no unit. */
static void
record_audit (ConfigData   *data,
              const char   *value,
              const char   *result,
              const char   *error)
{
  TendAuditRecord record = { 0 };
  g_autofree char *parameters = NULL;
  g_autoptr(GPtrArray) keys = NULL;

  if (data->run->store == NULL)
    return;

  /* A reset of every key names the keys it reset. */
  if (data->action == CONFIG_RESET && data->key == NULL)
    {
      keys = g_ptr_array_new ();
      for (guint i = 0; i < data->saves->len; i++)
        g_ptr_array_add (keys, ((PendingSave *) data->saves->pdata[i])->key);
      g_ptr_array_add (keys, NULL);
    }

  parameters = build_parameters (data->key, value,
                                 keys != NULL ? (const char * const *) keys->pdata : NULL);
  record.time_usec = data->started_real;
  record.unix_user = g_get_user_name ();
  record.origin = TEND_AUDIT_ORIGIN_CLI;
  record.operation = data->action == CONFIG_SET ? "config-set" : "config-reset";
  record.parameters = parameters;
  record.result = result;
  record.error = error;
  record.duration_usec = g_get_monotonic_time () - data->started_monotonic;
  tend_store_add_audit (data->run->store, &record);
}

static gboolean
is_invalid (const char * const *invalid,
            const char         *key)
{
  return invalid != NULL && g_strv_contains (invalid, key);
}

/* Says what is wrong with a stored value that is not used, and what to do. */
static void
warn_invalid (ConfigData *data,
              const char *key)
{
  const char *text = g_hash_table_lookup (data->stored, key);
  g_autoptr(GString) escaped = g_string_new (NULL);
  g_autoptr(GHashTable) values = NULL;
  g_autoptr(GError) error = NULL;

  /* Text from the database: it must not drive the terminal. */
  tendctl_append_sanitized (escaped, text, NULL);

  if (tend_config_lookup_key (key) == NULL)
    {
      g_autoptr(GString) escaped_key = g_string_new (NULL);

      tendctl_append_sanitized (escaped_key, key, NULL);
      tendctl_print_error (_("warning: the stored setting %s = \"%s\" is unknown to this "
                             "version of Tend; it is kept, and not used"), escaped_key->str,
                           escaped->str);
      return;
    }

  values = g_hash_table_new (g_str_hash, g_str_equal);
  if (text != NULL)
    g_hash_table_insert (values, (char *) key, (char *) text);
  if (text == NULL || tend_config_validate (values, &error))
    {
      g_clear_error (&error);
      error = g_error_new (TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                           "%s: \"%s\" breaks a rule with another stored value", key,
                           escaped->str);
    }

  tendctl_print_error (_("warning: stored value not used: %s. The default is used until the "
                         "key is set to a valid value or reset (tendctl config reset %s)"),
                       error->message, key);
}

/* ------------------------------------------------------------------------------------ */
/* list and get                                                                          */

static void
print_list_json (ConfigData         *data,
                 const char * const *invalid)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) root = NULL;
  const TendConfigKey * const *keys = tend_config_list_keys (NULL);

  json_builder_begin_array (builder);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      const TendConfigKey *key = keys[i];
      g_autofree char *value = tend_config_get_as_string (data->config, key->name);
      g_autofree char *range = tend_config_key_dup_range (key);

      json_builder_begin_object (builder);
      tend_json_add_string (builder, "key", key->name);
      tend_json_add_string (builder, "category", key->category);
      tend_json_add_string (builder, "type", tend_config_type_to_string (key->type));
      tend_json_add_string (builder, "value", value);
      tend_json_add_string (builder, "default", key->default_value);
      json_builder_set_member_name (builder, "is_default");
      json_builder_add_boolean_value (builder, tend_config_is_default (data->config, key->name));
      tend_json_add_string (builder, "stored", g_hash_table_lookup (data->stored, key->name));
      json_builder_set_member_name (builder, "stored_invalid");
      json_builder_add_boolean_value (builder, is_invalid (invalid, key->name));
      tend_json_add_string (builder, "range", range);
      tend_json_add_string (builder, "minimum", key->minimum);
      tend_json_add_string (builder, "maximum", key->maximum);
      tendctl_json_add_strv (builder, "choices", key->choices);
      tend_json_add_string (builder, "description", key->description);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  root = json_builder_get_root (builder);
  tendctl_print_json (root, TRUE);

  for (guint i = 0; invalid != NULL && invalid[i] != NULL; i++)
    warn_invalid (data, invalid[i]);
}

static void
print_list_text (ConfigData         *data,
                 const char * const *invalid)
{
  g_autoptr(TendctlTable) table = NULL;
  g_autoptr(GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) out = g_string_new (NULL);
  const TendConfigKey * const *keys = tend_config_list_keys (NULL);
  const char *category = NULL;
  guint n_changed = 0;
  guint n_invalid = 0;

  table = tendctl_table_new (6, N_("KEY"), N_("VALUE"), N_("DEFAULT"), N_("TYPE"), N_("RANGE"),
                             N_("DESCRIPTION"));

  for (guint i = 0; keys[i] != NULL; i++)
    {
      const TendConfigKey *key = keys[i];
      char *value = tend_config_get_as_string (data->config, key->name);
      char *range = tend_config_key_dup_range (key);
      const char *def = key->default_value[0] != '\0' ? key->default_value : "(empty)";
      gboolean bad = is_invalid (invalid, key->name);

      /* The categories apart, in the schema's order. */
      if (category != NULL && !g_str_equal (category, key->category))
        tendctl_table_add_row (table, FALSE, NULL, NULL, NULL, NULL, NULL, NULL);
      category = key->category;

      if (value[0] == '\0')
        {
          g_free (value);
          value = g_strdup (_("(empty)"));
        }

      /* "*": set to something else than the default; "!": the stored value is not
       * valid and the default is used instead. */
      if (bad)
        {
          char *marked = g_strdup_printf ("%s !", value);

          g_free (value);
          value = marked;
          n_invalid++;
        }
      else if (!tend_config_is_default (data->config, key->name))
        {
          char *marked = g_strdup_printf ("%s *", value);

          g_free (value);
          value = marked;
          n_changed++;
        }

      g_ptr_array_add (strings, value);
      g_ptr_array_add (strings, range);
      tendctl_table_add_row (table, bad, key->name, value, def,
                             tend_config_type_to_string (key->type), range, key->description);
    }

  tendctl_table_render (table, out, tendctl_use_color (stdout));

  g_string_append_c (out, '\n');
  if (n_changed > 0)
    g_string_append_printf (out, ngettext ("* %u key is set to another value than the "
                                           "default.\n",
                                           "* %u keys are set to another value than the "
                                           "default.\n", n_changed), n_changed);
  if (n_invalid > 0)
    g_string_append_printf (out, ngettext ("! %u stored value is not valid: the default is "
                                           "used instead (see the warning).\n",
                                           "! %u stored values are not valid: the default is "
                                           "used instead (see the warnings).\n", n_invalid),
                            n_invalid);
  if (n_changed == 0 && n_invalid == 0)
    g_string_append (out, _("Every key has its default.\n"));
  tendctl_write (stdout, out);

  /* Stored values that are not used: never dropped, said on stderr with what to do. */
  for (guint i = 0; invalid != NULL && invalid[i] != NULL; i++)
    warn_invalid (data, invalid[i]);
}

static TendctlExit
do_get (ConfigData *data)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *value = tend_config_get_as_string (data->config, data->key);

  g_string_append (out, value);
  g_string_append_c (out, '\n');
  tendctl_write (stdout, out);
  return TENDCTL_EXIT_OK;
}

/* ------------------------------------------------------------------------------------ */
/* set and reset                                                                         */

/* TendConfig's backing: nothing is written here, only noted, to be written on the
 * store's thread once TendConfig has accepted the change. */
static gboolean
note_save (const char  *key,
           const char  *value,
           gpointer     user_data,
           GError     **error)
{
  ConfigData *data = user_data;
  PendingSave *save = g_new0 (PendingSave, 1);

  save->key = g_strdup (key);
  save->value = g_strdup (value);
  g_ptr_array_add (data->saves, save);
  return TRUE;
}

static void
print_done (ConfigData *data)
{
  g_autoptr(GString) out = g_string_new (NULL);

  if (data->key != NULL)
    {
      g_autofree char *value = tend_config_get_as_string (data->config, data->key);

      g_string_append_printf (out, "%s = ", data->key);
      tendctl_append_sanitized (out, value, NULL);
      if (data->action == CONFIG_RESET)
        {
          g_string_append_c (out, ' ');
          /* Translators: after a configuration key's value: it is the default again */
          g_string_append (out, _("(default)"));
        }
      g_string_append_c (out, '\n');
    }
  else if (data->saves->len == 0)
    g_string_append (out, _("Every key has its default already.\n"));
  else
    for (guint i = 0; i < data->saves->len; i++)
      {
        const char *key = ((PendingSave *) data->saves->pdata[i])->key;
        g_autofree char *value = tend_config_get_as_string (data->config, key);

        g_string_append_printf (out, "%s = ", key);
        tendctl_append_sanitized (out, value, NULL);
        g_string_append_c (out, ' ');
        g_string_append (out, _("(default)"));
        g_string_append_c (out, '\n');
      }

  tendctl_write (stdout, out);
}

/* On the store's thread, in the transaction: the change, made by TendConfig to the values
 * stored at this moment, so that the rules between keys hold with what is stored. */
static gboolean
change_stored (TendInventory  *inventory,
               gpointer        user_data,
               GError        **error)
{
  ConfigData *data = user_data;
  g_autoptr(GError) refusal = NULL;
  gboolean ok;

  loading_config = TRUE;
  tend_config_load (data->config, tend_inventory_get_config (inventory), NULL);
  loading_config = FALSE;
  tend_config_set_backing (data->config, note_save, data, NULL);

  if (data->action == CONFIG_SET)
    ok = tend_config_set_from_string (data->config, data->key, data->value, &refusal);
  else
    ok = tend_config_reset (data->config, data->key, &refusal);
  if (!ok)
    {
      g_autofree char *message = dup_error_message (refusal, data->key);

      g_set_error_literal (error, refusal->domain, refusal->code, message);
      return FALSE;
    }

  for (guint i = 0; i < data->saves->len; i++)
    {
      const PendingSave *save = data->saves->pdata[i];

      tend_inventory_set_config (inventory, save->key, save->value);
    }
  return TRUE;
}

static void
changed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  ConfigData *data = user_data;
  g_autoptr(TendInventoryDiff) diff = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;

  diff = tend_store_edit_inventory_finish (TEND_STORE (object), result, &error);
  if (data->key != NULL && diff != NULL)
    value = tend_config_get_as_string (data->config, data->key);
  if (diff == NULL)
    {
      tendctl_print_error_lines (error->message);
      record_audit (data, data->value, NULL, error->message);
      tendctl_run_quit (data->run, tendctl_exit_for_error (error));
      return;
    }

  record_audit (data, value, tend_inventory_diff_is_empty (diff) ? "unchanged" : "done", NULL);
  print_done (data);
  if (!tend_inventory_diff_is_empty (diff))
    tendctl_notify_engine (tend_store_get_path (data->run->store));
  tendctl_run_quit (data->run, TENDCTL_EXIT_OK);
}

/* ------------------------------------------------------------------------------------ */
/* Running                                                                               */

static void
load_config_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  ConfigData *data = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) invalid = NULL;

  data->stored = tend_store_load_config_finish (TEND_STORE (object), result, &error);
  if (data->stored == NULL)
    {
      tendctl_print_error ("%s", error->message);
      tendctl_run_quit (data->run, TENDCTL_EXIT_FAILED);
      return;
    }

  loading_config = TRUE;
  tend_config_load (data->config, data->stored, NULL);
  loading_config = FALSE;
  invalid = tend_config_dup_invalid_keys (data->config);

  /* get shows the value in use; say when that is not the stored one. (set and reset
   * replace a stored value that is not valid; list names every one.) */
  if (data->action == CONFIG_GET && is_invalid ((const char * const *) invalid, data->key))
    warn_invalid (data, data->key);

  switch (data->action)
    {
    case CONFIG_LIST:
      if (data->json)
        print_list_json (data, (const char * const *) invalid);
      else
        print_list_text (data, (const char * const *) invalid);
      tendctl_run_quit (data->run, TENDCTL_EXIT_OK);
      break;

    case CONFIG_GET:
      tendctl_run_quit (data->run, do_get (data));
      break;

    case CONFIG_SET:
    case CONFIG_RESET:
    default:
      g_assert_not_reached ();
    }
}

static void
config_ready (TendctlRun *run,
              gpointer    user_data)
{
  ConfigData *data = user_data;

  data->run = run;
  data->started_real = g_get_real_time ();
  data->started_monotonic = g_get_monotonic_time ();
  if (data->action == CONFIG_SET || data->action == CONFIG_RESET)
    tend_store_edit_inventory_async (run->store, change_stored, data, TEND_STORE_EDIT_NONE,
                                     run->cancellable, changed_cb, data);
  else
    tend_store_load_config_async (run->store, run->cancellable, load_config_cb, data);
}

/* ------------------------------------------------------------------------------------ */
/* Arguments                                                                             */

#define CONFIG_SUMMARY \
  N_("Read and change Tend's configuration: the monitoring defaults.\n" \
     "\n" \
     "Subcommands:\n" \
     "  list [--json]         Every key: value, default, type, range and description\n" \
     "  get KEY               Print the value of a key\n" \
     "  set KEY VALUE         Check and store a value (\"tendctl config set " \
     "checks.default-interval 20s\")\n" \
     "  reset [KEY|--all]     Put a key, or every key, back to its default\n" \
     "\n" \
     "Run 'tendctl config SUBCOMMAND --help' for the options of a subcommand.")

static gboolean
parse_subcommand (ConfigData            *data,
                  TendctlGlobalOptions  *global,
                  int                    argc,
                  char                 **argv,
                  GStrv                 *args)
{
  gboolean all = FALSE;
  guint n_args;
  const char *parameter_string;
  const char *summary;
  GOptionEntry entries[] = {
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, args, NULL, NULL },
    G_OPTION_ENTRY_NULL,
    G_OPTION_ENTRY_NULL
  };
  const GOptionEntry json_entry =
    { "json", 0, 0, G_OPTION_ARG_NONE, &data->json,
      N_("Print a JSON array with one object per key"), NULL };
  const GOptionEntry all_entry =
    { "all", 0, 0, G_OPTION_ARG_NONE, &all,
      N_("Reset every key (the same as giving no KEY)"), NULL };

  switch (data->action)
    {
    case CONFIG_LIST:
      parameter_string = "";
      summary = N_("List every key of the configuration: value, default, type, range and "
                   "description.\nA value other than the default is marked *; a stored value "
                   "that is not valid (and not used) is marked !.");
      entries[1] = json_entry;
      break;
    case CONFIG_GET:
      parameter_string = "KEY";
      summary = N_("Print the value of a key, as 'config set' takes it.");
      break;
    case CONFIG_SET:
      parameter_string = "KEY VALUE";
      summary = N_("Check a value against the key's type, range and the rules between keys, "
                   "and store it.\nQuote a value with spaces: \"1h 30min\".");
      break;
    case CONFIG_RESET:
      parameter_string = "[KEY|--all]";
      summary = N_("Put a key back to its default and forget its stored value; without a KEY, "
                   "every key.");
      entries[1] = all_entry;
      break;
    default:
      g_assert_not_reached ();
    }

  if (!tendctl_parse_options (data->command, parameter_string, summary, entries, global,
                              &argc, &argv))
    return FALSE;

  n_args = *args != NULL ? g_strv_length (*args) : 0;

  switch (data->action)
    {
    case CONFIG_LIST:
      if (n_args > 0)
        {
          tendctl_usage_error (data->command, _("config list takes no KEY; use 'tendctl config "
                                 "get %s'"), (*args)[0]);
          return FALSE;
        }
      break;
    case CONFIG_GET:
      if (n_args != 1)
        {
          tendctl_usage_error (data->command, _("config get needs one KEY, such as "
                                 "checks.default-interval"));
          return FALSE;
        }
      data->key = (*args)[0];
      break;
    case CONFIG_SET:
      if (n_args < 2)
        {
          tendctl_usage_error (data->command, _("config set needs a KEY and a VALUE, such as "
                                 "'tendctl config set checks.default-interval 20s'"));
          return FALSE;
        }
      if (n_args > 2)
        {
          tendctl_usage_error (data->command, _("config set takes one VALUE, but was given %u "
                                 "words; quote a value with spaces: \"1h 30min\""), n_args - 1);
          return FALSE;
        }
      data->key = (*args)[0];
      data->value = (*args)[1];
      break;
    case CONFIG_RESET:
      if (n_args > 1 || (n_args == 1 && all))
        {
          tendctl_usage_error (data->command, _("config reset takes one KEY, or none (or "
                                 "--all) for every key"));
          return FALSE;
        }
      data->key = n_args == 1 ? (*args)[0] : NULL;
      break;
    default:
      g_assert_not_reached ();
    }

  return TRUE;
}

/* "config set KEY -1": a VALUE that starts with "-" and a digit or a point is a negative
 * number, not an option: a "--" goes before it, so that the key's rules say what is
 * wrong with it. Returns the words, borrowed from @argv. */
static char **
values_as_arguments (int    argc,
                     char **argv)
{
  GPtrArray *words = g_ptr_array_new ();
  gboolean ended = FALSE;

  for (int i = 0; i < argc; i++)
    {
      const char *word = argv[i];

      ended = ended || g_str_equal (word, "--");
      if (!ended && i > 0 && word[0] == '-' && (g_ascii_isdigit (word[1]) || word[1] == '.'))
        {
          g_ptr_array_add (words, (char *) "--");
          ended = TRUE;
        }
      g_ptr_array_add (words, argv[i]);
    }
  g_ptr_array_add (words, NULL);
  return (char **) g_ptr_array_free (words, FALSE);
}

TendctlExit
tendctl_config (TendctlGlobalOptions  *global,
                int                    argc,
                char                 **argv)
{
  ConfigData data = { NULL, };
  g_autofree char *command = NULL;
  g_autofree char **words = NULL;
  char **sub_argv;
  int sub_argc;
  g_auto(GStrv) args = NULL;
  TendctlExit status;
  int position;

  position = tendctl_parse_subcommand ("config", CONFIG_SUMMARY, action_names, global, argc,
                                       argv);
  if (position < 0)
    return TENDCTL_EXIT_USAGE;
  data.action = position;

  command = g_strdup_printf ("config %s", argv[1]);
  data.command = command;
  sub_argc = argc - 1;
  sub_argv = argv + 1;
  if (data.action == CONFIG_SET)
    {
      sub_argv = words = values_as_arguments (sub_argc, sub_argv);
      sub_argc = g_strv_length (words);
    }
  if (!parse_subcommand (&data, global, sub_argc, sub_argv, &args))
    return TENDCTL_EXIT_USAGE;

  /* An unknown key needs no database, except to record a refused change. */
  if (data.action == CONFIG_GET && tend_config_lookup_key (data.key) == NULL)
    {
      g_autoptr(GError) error = unknown_key_error (data.key);

      tendctl_print_error ("%s", error->message);
      return tendctl_exit_for_error (error);
    }

  g_log_set_writer_func (log_writer, NULL, NULL);

  data.config = tend_config_new ();
  data.saves = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_save_free);

  status = tendctl_run (global,
                        data.action == CONFIG_LIST || data.action == CONFIG_GET
                        ? TENDCTL_RUN_READ_ONLY | TENDCTL_RUN_NO_HOST
                        : TENDCTL_RUN_STORE | TENDCTL_RUN_NO_HOST, config_ready, &data);

  g_clear_object (&data.config);
  g_clear_pointer (&data.stored, g_hash_table_unref);
  g_clear_pointer (&data.saves, g_ptr_array_unref);
  return status;
}
