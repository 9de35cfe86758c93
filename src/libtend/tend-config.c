/* tend-config.c — typed configuration: the monitoring defaults and their schema
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The schema is a static table in tend-config-schema.c: every key Tend knows, with its
 * type, default, range and a line for people. A TendConfig is the in-memory cache of the
 * values; the program's code reads it with typed getters, and people change it through
 * tend_config_set_from_string() and tend_config_reset(), which validate and refuse with
 * a message that names the key, the value and what is accepted.
 *
 * TendConfig knows nothing of the database. Whoever owns it (TendStore) hands the stored
 * values to tend_config_load() and installs a TendConfigSaveFunc that persists a change;
 * a change is saved first and made in memory only when saving worked, so memory and
 * storage never disagree. A stored value that no longer validates (a database written
 * by another version, or edited by hand) is left where it is, warned about, listed by
 * tend_config_dup_invalid_keys(), and the default is used instead.
 *
 * Window geometry and other UI state are not configuration: they live in GSettings.
 *
 * A TendConfig belongs to the thread that made it (the main thread).
 */
#define G_LOG_DOMAIN "Tend-Config"

#include "tend-config-private.h"

#include "tend-error.h"
#include "tend-util-private.h"

enum {
  FLAG_STORED = 1 << 0,   /* the backing holds a valid value for the key */
  FLAG_INVALID = 1 << 1,  /* the backing holds a value for it that does not validate */
};

struct _TendConfig
{
  GObject parent_instance;

  TendConfigValue values[TEND_CONFIG_N_KEYS];   /* indexed like the entries; STRING (owned) */
  guint8 flags[TEND_CONFIG_N_KEYS];
  GPtrArray *unknown_keys;      /* (owned) stored names this version does not know */

  TendConfigSaveFunc save;      /* (nullable) */
  gpointer save_data;           /* (owned) by save_destroy */
  GDestroyNotify save_destroy;  /* (nullable) */
};

G_DEFINE_FINAL_TYPE (TendConfig, tend_config, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The object */

static void
emit_changed (TendConfig *self,
              guint       idx)
{
  g_signal_emit (self, signals[CHANGED], tend_config_schema.quarks[idx],
                 tend_config_entries[idx].key.name);
}

/* Calls the backing, if any, for key @idx. */
static gboolean
save_value (TendConfig  *self,
            guint        idx,
            const char  *value,
            GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  const char *name = tend_config_entries[idx].key.name;

  if (self->save == NULL || self->save (name, value, self->save_data, &local_error))
    return TRUE;

  if (local_error == NULL)
    g_set_error (error, TEND_ERROR, TEND_ERROR_FAILED, "could not save %s", name);
  else
    g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "could not save %s: ",
                                name);

  return FALSE;
}

static void
tend_config_dispose (GObject *object)
{
  TendConfig *self = (TendConfig *) object;

  tend_config_set_backing (self, NULL, NULL, NULL);

  G_OBJECT_CLASS (tend_config_parent_class)->dispose (object);
}

static void
tend_config_finalize (GObject *object)
{
  TendConfig *self = (TendConfig *) object;

  for (guint i = 0; i < TEND_CONFIG_N_KEYS; i++)
    tend_config_value_clear (i, &self->values[i]);
  g_clear_pointer (&self->unknown_keys, g_ptr_array_unref);

  G_OBJECT_CLASS (tend_config_parent_class)->finalize (object);
}

static void
tend_config_class_init (TendConfigClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tend_config_dispose;
  object_class->finalize = tend_config_finalize;

  /**
   * TendConfig::changed:
   * @self: the configuration
   * @key: the name of the key whose value changed
   *
   * Emitted after a key's value has changed, once per change; setting a key to the
   * value it has emits nothing. The detail is the key's name, so a handler can connect
   * to `changed::checks.default-interval` alone.
   */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                  0,
                  NULL, NULL,
                  g_cclosure_marshal_VOID__STRING,
                  G_TYPE_NONE, 1, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);

  tend_config_schema_init ();
}

static void
tend_config_init (TendConfig *self)
{
  for (guint i = 0; i < TEND_CONFIG_N_KEYS; i++)
    tend_config_value_copy (i, &self->values[i], &tend_config_schema.def[i]);

  self->unknown_keys = g_ptr_array_new_with_free_func (g_free);
}

/**
 * tend_config_new:
 *
 * Every key at its default, and no backing: changes stay in memory until
 * tend_config_set_backing() installs one.
 *
 * Returns: (transfer full): a new configuration
 */
TendConfig *
tend_config_new (void)
{
  return g_object_new (TEND_TYPE_CONFIG, NULL);
}

/**
 * tend_config_set_backing:
 * @save: (nullable): saves one change, before it is made in memory
 * @user_data: passed to @save
 * @destroy: (nullable): frees @user_data when the backing is replaced or the
 *   configuration goes away
 *
 * Installs what persists changes made by tend_config_set_from_string() and
 * tend_config_reset(). tend_config_load() does not call it.
 */
void
tend_config_set_backing (TendConfig         *self,
                         TendConfigSaveFunc  save,
                         gpointer            user_data,
                         GDestroyNotify      destroy)
{
  GDestroyNotify old_destroy;
  gpointer old_data;

  g_return_if_fail (TEND_IS_CONFIG (self));

  old_destroy = self->save_destroy;
  old_data = self->save_data;

  self->save = save;
  self->save_data = user_data;
  self->save_destroy = destroy;

  if (old_destroy != NULL)
    old_destroy (old_data);
}

/**
 * tend_config_load:
 * @stored: (nullable) (element-type utf8 utf8): the stored values, key name → value as
 *   tend_config_get_as_string() wrote it; %NULL is the same as an empty table
 *
 * Replaces every value in memory with the stored one, or the default where nothing is
 * stored. Does not call the backing's save function.
 *
 * A stored value that does not validate (a database from another version, or edited by
 * hand), a stored pair that breaks a rule between keys, and a stored key this version
 * does not know are each skipped with a warning that names them; the default is used
 * instead, and tend_config_dup_invalid_keys() lists them until they are set or reset
 * (unknown keys, until the next load).
 * Nothing stored is deleted. Emits #TendConfig::changed for each value that changed.
 *
 * Returns: %TRUE; a bad stored value is never an error
 */
gboolean
tend_config_load (TendConfig  *self,
                  GHashTable  *stored,
                  GError     **error)
{
  TendConfigValue values[TEND_CONFIG_N_KEYS];
  guint8 flags[TEND_CONFIG_N_KEYS] = { 0, };
  guint changed[TEND_CONFIG_N_KEYS];
  guint n_changed = 0;
  g_autoptr(GPtrArray) unknown = g_ptr_array_new_with_free_func (g_free);
  g_autofree const char **names = NULL;
  guint n_names = 0;

  g_return_val_if_fail (TEND_IS_CONFIG (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  for (guint i = 0; i < TEND_CONFIG_N_KEYS; i++)
    tend_config_value_copy (i, &values[i], &tend_config_schema.def[i]);

  names = tend_config_dup_sorted_names (stored, &n_names);

  for (guint n = 0; n < n_names; n++)
    {
      const char *text = g_hash_table_lookup (stored, names[n]);
      gssize idx = tend_config_lookup_index (names[n]);
      g_autofree char *reason = NULL;
      g_autofree char *def = NULL;
      TendConfigValue value;

      if (idx < 0)
        {
          g_autofree char *quoted = tend_quote_for_message_full (names[n], -1, '\'',
                                                                 TEND_QUOTE_MAX_CHARS);

          g_warning ("Ignoring the stored setting %s: this version of Tend has no such setting",
                     quoted);
          g_ptr_array_add (unknown, g_strdup (names[n]));
          continue;
        }

      def = tend_config_value_format (idx, &tend_config_schema.def[idx]);

      if (text == NULL)
        {
          g_warning ("Ignoring the stored value of %s: it is empty; the default %s is used",
                     names[n], def);
          flags[idx] = FLAG_INVALID;
        }
      else if (!tend_config_value_parse (idx, text, &value, &reason))
        {
          g_warning ("Ignoring the stored value of %s: %s; the default %s is used",
                     names[n], reason, def);
          flags[idx] = FLAG_INVALID;
        }
      else
        {
          tend_config_value_clear (idx, &values[idx]);
          values[idx] = value;
          flags[idx] = FLAG_STORED;
        }
    }

  /* Two stored values that are each fine may still break a rule together: use the
   * default for one, the lower key first, then for the other if that is not enough. */
  for (guint r = 0; r < TEND_CONFIG_N_RULES; r++)
    {
      const guint sides[] = { tend_config_schema.rule_low[r], tend_config_schema.rule_high[r] };

      for (guint s = 0; s < G_N_ELEMENTS (sides); s++)
        {
          guint idx = sides[s];
          g_autofree char *reason = NULL;
          g_autofree char *text = NULL;
          g_autofree char *def = NULL;

          if (!(flags[idx] & FLAG_STORED) ||
              tend_config_check_rules (values, idx, &values[idx], &reason))
            continue;

          text = tend_config_value_format (idx, &values[idx]);
          def = tend_config_value_format (idx, &tend_config_schema.def[idx]);
          g_warning ("Ignoring the stored value of %s: \"%s\" %s; the default %s is used",
                     tend_config_entries[idx].key.name, text, reason, def);
          tend_config_value_clear (idx, &values[idx]);
          tend_config_value_copy (idx, &values[idx], &tend_config_schema.def[idx]);
          flags[idx] = FLAG_INVALID;
        }
    }

  for (guint n = 0; n < TEND_CONFIG_N_KEYS; n++)
    {
      guint i = tend_config_index_of_key (tend_config_schema.sorted[n]);

      if (!tend_config_value_equal (i, &self->values[i], &values[i]))
        changed[n_changed++] = i;
      tend_config_value_clear (i, &self->values[i]);
      self->values[i] = values[i];
      self->flags[i] = flags[i];
    }

  g_ptr_array_unref (self->unknown_keys);
  self->unknown_keys = g_steal_pointer (&unknown);

  g_object_ref (self);
  for (guint n = 0; n < n_changed; n++)
    emit_changed (self, changed[n]);
  g_object_unref (self);

  return TRUE;
}

/**
 * tend_config_dup_invalid_keys:
 *
 * The stored settings the last tend_config_load() skipped (values that did not validate,
 * and keys this version does not know) and that have not been set or reset since.
 *
 * Returns: (transfer full): their names, sorted; empty when there are none
 */
GStrv
tend_config_dup_invalid_keys (TendConfig *self)
{
  GPtrArray *names;

  g_return_val_if_fail (TEND_IS_CONFIG (self), NULL);

  names = g_ptr_array_new ();

  for (guint i = 0; i < TEND_CONFIG_N_KEYS; i++)
    {
      if (self->flags[i] & FLAG_INVALID)
        g_ptr_array_add (names, g_strdup (tend_config_entries[i].key.name));
    }
  for (guint i = 0; i < self->unknown_keys->len; i++)
    g_ptr_array_add (names, g_strdup (g_ptr_array_index (self->unknown_keys, i)));

  g_ptr_array_sort (names, tend_config_compare_strings);
  g_ptr_array_add (names, NULL);

  return (GStrv) g_ptr_array_free (names, FALSE);
}

/* Getters: reading a key that does not exist, or as the wrong type, is a bug in the
 * caller, not something a user typed. */

static gssize
typed_index (const char     *func,
             const char     *key,
             TendConfigType  type,
             TendConfigType  other_type)
{
  gssize idx = tend_config_lookup_index (key);

  if (idx < 0)
    {
      g_critical ("%s: no setting '%s'", func, key);
      return -1;
    }

  if (tend_config_entries[idx].key.type != type && tend_config_entries[idx].key.type != other_type)
    {
      g_critical ("%s: setting '%s' is of type %s, not %s", func, key,
                  tend_config_type_to_string (tend_config_entries[idx].key.type),
                  tend_config_type_to_string (type));
      return -1;
    }

  return idx;
}

/**
 * tend_config_get_boolean:
 * @key: the name of a BOOL key
 */
/**
 * tend_config_get_int:
 * @key: the name of an INT key
 */
/**
 * tend_config_get_double:
 * @key: the name of a DOUBLE key
 */
/**
 * tend_config_get_duration:
 * @key: the name of a DURATION key
 *
 * Returns: the duration in microseconds
 */
#define TYPED_GETTER(ctype, name, field, type, fallback)                    \
  ctype                                                                     \
  tend_config_get_##name (TendConfig *self,                                 \
                          const char *key)                                  \
  {                                                                         \
    gssize idx;                                                             \
                                                                            \
    g_return_val_if_fail (TEND_IS_CONFIG (self), fallback);                 \
    g_return_val_if_fail (key != NULL, fallback);                           \
                                                                            \
    idx = typed_index (G_STRFUNC, key, type, type);                         \
    return idx < 0 ? fallback : self->values[idx].field;                    \
  }

TYPED_GETTER (gboolean, boolean, b, TEND_CONFIG_TYPE_BOOL, FALSE)
TYPED_GETTER (gint64, int, i, TEND_CONFIG_TYPE_INT, 0)
TYPED_GETTER (double, double, d, TEND_CONFIG_TYPE_DOUBLE, 0.0)
TYPED_GETTER (gint64, duration, i, TEND_CONFIG_TYPE_DURATION, 0)

#undef TYPED_GETTER

/**
 * tend_config_get_string:
 * @key: the name of a STRING or ENUM key
 *
 * Returns: (transfer none): the value, valid until the key changes; for an ENUM key,
 *   one of its choices, valid for ever
 */
const char *
tend_config_get_string (TendConfig *self,
                        const char *key)
{
  gssize idx;

  g_return_val_if_fail (TEND_IS_CONFIG (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  idx = typed_index (G_STRFUNC, key, TEND_CONFIG_TYPE_STRING, TEND_CONFIG_TYPE_ENUM);
  if (idx < 0)
    return NULL;

  return tend_config_entries[idx].key.type == TEND_CONFIG_TYPE_ENUM ? self->values[idx].e
                                                         : self->values[idx].s;
}

/**
 * tend_config_get_as_string:
 * @key: the name of a key of any type
 *
 * Returns: (transfer full): the value as a person types it and as it is stored:
 *   "30s", "true", "on-failure", "2.0", "3"
 */
char *
tend_config_get_as_string (TendConfig *self,
                           const char *key)
{
  gssize idx;

  g_return_val_if_fail (TEND_IS_CONFIG (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  idx = tend_config_lookup_index (key);
  if (idx < 0)
    {
      g_critical ("%s: no setting '%s'", G_STRFUNC, key);
      return NULL;
    }

  return tend_config_value_format (idx, &self->values[idx]);
}

/**
 * tend_config_is_default:
 * @key: the name of a key
 *
 * Returns: whether the key's value is its default
 */
gboolean
tend_config_is_default (TendConfig *self,
                        const char *key)
{
  gssize idx;

  g_return_val_if_fail (TEND_IS_CONFIG (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  idx = tend_config_lookup_index (key);
  if (idx < 0)
    {
      g_critical ("%s: no setting '%s'", G_STRFUNC, key);
      return FALSE;
    }

  return tend_config_value_equal (idx, &self->values[idx], &tend_config_schema.def[idx]);
}

/* Changes */

/**
 * tend_config_set_from_string:
 * @key: a key's name, as a person typed it
 * @text: the value, as a person typed it: "90s", "1h 30min", "true", "on-failure"
 * @error: %TEND_ERROR_NOT_FOUND for an unknown key (with the closest known key
 *   suggested), %TEND_ERROR_INVALID_ARGUMENT for a value the key does not accept, or
 *   the backing's error when the value could not be saved
 *
 * Validates @text (type, range, rules between keys) and, if the value differs, saves
 * it through the backing and then changes it in memory and emits #TendConfig::changed.
 * On any error nothing has changed.
 *
 * Returns: whether the key has the value now
 */
gboolean
tend_config_set_from_string (TendConfig  *self,
                             const char  *key,
                             const char  *text,
                             GError     **error)
{
  g_autofree char *reason = NULL;
  g_autofree char *canonical = NULL;
  gboolean changed;
  gssize idx;
  TendConfigValue value;

  g_return_val_if_fail (TEND_IS_CONFIG (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  idx = tend_config_lookup_index (key);
  if (idx < 0)
    return tend_config_set_unknown_key_error (error, key);

  if (!tend_config_value_parse (idx, text, &value, &reason))
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT, "%s: %s", key, reason);
      return FALSE;
    }

  if (!tend_config_check_rules (self->values, idx, &value, &reason))
    {
      g_autofree char *quoted = tend_quote_for_message (text, -1);

      tend_config_value_clear (idx, &value);
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT, "%s: %s %s", key, quoted,
                   reason);
      return FALSE;
    }

  changed = !tend_config_value_equal (idx, &self->values[idx], &value);

  /* A bad stored value is overwritten even when the value in memory (the default) does
   * not change. */
  if (!changed && !(self->flags[idx] & FLAG_INVALID))
    {
      tend_config_value_clear (idx, &value);
      return TRUE;
    }

  canonical = tend_config_value_format (idx, &value);
  if (!save_value (self, idx, canonical, error))
    {
      tend_config_value_clear (idx, &value);
      return FALSE;
    }

  tend_config_value_clear (idx, &self->values[idx]);
  self->values[idx] = value;
  self->flags[idx] = FLAG_STORED;

  if (changed)
    emit_changed (self, idx);

  return TRUE;
}

static gboolean
reset_one (TendConfig  *self,
           guint        idx,
           GError     **error)
{
  g_autofree char *reason = NULL;
  gboolean changed;

  if (!tend_config_check_rules (self->values, idx, &tend_config_schema.def[idx], &reason))
    {
      g_autofree char *def = tend_config_value_format (idx, &tend_config_schema.def[idx]);

      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   "%s cannot go back to its default of %s: it %s",
                   tend_config_entries[idx].key.name, def, reason);
      return FALSE;
    }

  changed = !tend_config_value_equal (idx, &self->values[idx], &tend_config_schema.def[idx]);

  if (!changed && self->flags[idx] == 0)
    return TRUE;

  if (!save_value (self, idx, NULL, error))
    return FALSE;

  tend_config_value_clear (idx, &self->values[idx]);
  tend_config_value_copy (idx, &self->values[idx], &tend_config_schema.def[idx]);
  self->flags[idx] = 0;

  if (changed)
    emit_changed (self, idx);

  return TRUE;
}

static gboolean
reset_all (TendConfig  *self,
           GError     **error)
{
  guint todo[TEND_CONFIG_N_KEYS];
  guint changed[TEND_CONFIG_N_KEYS];
  guint n_todo = 0;
  guint n_changed = 0;

  for (guint n = 0; n < TEND_CONFIG_N_KEYS; n++)
    {
      guint idx = tend_config_index_of_key (tend_config_schema.sorted[n]);

      if (self->flags[idx] != 0 ||
          !tend_config_value_equal (idx, &self->values[idx], &tend_config_schema.def[idx]))
        todo[n_todo++] = idx;
    }

  /* Defaults never break a rule together, so only saving can fail. When it does, the
   * keys already saved as defaults are saved back as they were, so that memory and
   * storage still agree and nothing is half reset. */
  for (guint done = 0; done < n_todo; done++)
    {
      if (save_value (self, todo[done], NULL, error))
        continue;

      for (guint n = done; n-- > 0;)
        {
          guint idx = todo[n];
          g_autofree char *text = NULL;
          g_autoptr(GError) restore_error = NULL;

          if (!(self->flags[idx] & FLAG_STORED))
            {
              /* A bad stored value that is gone now; the default was in use anyway. */
              self->flags[idx] = 0;
              continue;
            }

          text = tend_config_value_format (idx, &self->values[idx]);
          if (!save_value (self, idx, text, &restore_error))
            g_warning ("After a failed reset, %s could not be saved back as %s: %s",
                       tend_config_entries[idx].key.name, text, restore_error->message);
        }

      return FALSE;
    }

  for (guint n = 0; n < n_todo; n++)
    {
      guint idx = todo[n];

      if (!tend_config_value_equal (idx, &self->values[idx], &tend_config_schema.def[idx]))
        changed[n_changed++] = idx;
      tend_config_value_clear (idx, &self->values[idx]);
      tend_config_value_copy (idx, &self->values[idx], &tend_config_schema.def[idx]);
      self->flags[idx] = 0;
    }

  g_object_ref (self);
  for (guint n = 0; n < n_changed; n++)
    emit_changed (self, changed[n]);
  g_object_unref (self);

  return TRUE;
}

/**
 * tend_config_reset:
 * @key: (nullable): a key's name, as a person typed it, or %NULL for every key
 * @error: %TEND_ERROR_NOT_FOUND for an unknown key, %TEND_ERROR_INVALID_ARGUMENT when
 *   the default would break a rule with another key's value, or the backing's error
 *
 * Puts a key (or every key) back to its default, telling the backing to forget the
 * stored value. Stored keys this version does not know are left alone.
 * On any error nothing has changed.
 *
 * Returns: whether the key (or every key) has its default now
 */
gboolean
tend_config_reset (TendConfig  *self,
                   const char  *key,
                   GError     **error)
{
  gssize idx;

  g_return_val_if_fail (TEND_IS_CONFIG (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (key == NULL)
    return reset_all (self, error);

  idx = tend_config_lookup_index (key);
  if (idx < 0)
    return tend_config_set_unknown_key_error (error, key);

  return reset_one (self, idx, error);
}
