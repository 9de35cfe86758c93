/* tend-config.h — typed configuration: the monitoring defaults and their schema
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "tend-types.h"

G_BEGIN_DECLS

/**
 * TendConfigType:
 * @TEND_CONFIG_TYPE_BOOL: true or false
 * @TEND_CONFIG_TYPE_INT: a whole number (a #gint64) within a minimum and a maximum
 * @TEND_CONFIG_TYPE_DOUBLE: a number within a minimum and a maximum
 * @TEND_CONFIG_TYPE_STRING: text, checked by a rule of the key's own
 * @TEND_CONFIG_TYPE_ENUM: one of a fixed list of words
 * @TEND_CONFIG_TYPE_DURATION: a duration as tend_duration_parse() reads it, in
 *   microseconds, within a minimum and a maximum
 */
typedef enum
{
  TEND_CONFIG_TYPE_BOOL,
  TEND_CONFIG_TYPE_INT,
  TEND_CONFIG_TYPE_DOUBLE,
  TEND_CONFIG_TYPE_STRING,
  TEND_CONFIG_TYPE_ENUM,
  TEND_CONFIG_TYPE_DURATION,
} TendConfigType;

const char *tend_config_type_to_string (TendConfigType type);

/**
 * TendConfigKey:
 * @name: the dotted name, "checks.default-interval"; it starts with @category and a dot
 * @category: "checks", "notifications", "recovery", "retention" or "store"
 * @type: the type of the value
 * @default_value: the default, written as a person types it and as
 *   tend_config_get_as_string() writes it ("30s", "true", "on-failure", "2.0")
 * @minimum: (nullable): the smallest value accepted, written the same way; for INT,
 *   DOUBLE and DURATION keys only
 * @maximum: (nullable): the largest value accepted, likewise
 * @choices: (nullable) (array zero-terminated=1): the words an ENUM key accepts
 * @description: one line that tells a person what the key does
 *
 * One entry of the static schema. Entries live as long as the program; never free one.
 */
typedef struct _TendConfigKey TendConfigKey;

struct _TendConfigKey
{
  const char *name;
  const char *category;
  TendConfigType type;
  const char *default_value;
  const char *minimum;
  const char *maximum;
  const char * const *choices;
  const char *description;
};

/**
 * TendConfigSaveFunc:
 * @key: the key's name
 * @value: (nullable): the new value as tend_config_get_as_string() writes it, or %NULL
 *   when the key goes back to its default (forget the stored value)
 * @user_data: what was given to tend_config_set_backing()
 * @error: where to put the reason, when the value could not be saved
 *
 * Persists one change. Called before the value changes in memory; when it fails, the
 * value in memory stays as it was and the error reaches the caller.
 *
 * Returns: whether the value was saved
 */
typedef gboolean (*TendConfigSaveFunc) (const char  *key,
                                        const char  *value,
                                        gpointer     user_data,
                                        GError     **error);

#define TEND_TYPE_CONFIG (tend_config_get_type ())
G_DECLARE_FINAL_TYPE (TendConfig, tend_config, TEND, CONFIG, GObject)

const TendConfigKey         *tend_config_lookup_key       (const char          *name);
const TendConfigKey * const *tend_config_list_keys        (guint               *n_keys);
char                        *tend_config_key_dup_range    (const TendConfigKey *key);
gboolean                     tend_config_validate         (GHashTable          *values,
                                                           GError             **error);

TendConfig                  *tend_config_new              (void);
void                         tend_config_set_backing      (TendConfig          *self,
                                                           TendConfigSaveFunc   save,
                                                           gpointer             user_data,
                                                           GDestroyNotify       destroy);
gboolean                     tend_config_load             (TendConfig          *self,
                                                           GHashTable          *stored,
                                                           GError             **error);
GStrv                        tend_config_dup_invalid_keys (TendConfig          *self);

gboolean                     tend_config_get_boolean      (TendConfig          *self,
                                                           const char          *key);
gint64                       tend_config_get_int          (TendConfig          *self,
                                                           const char          *key);
double                       tend_config_get_double       (TendConfig          *self,
                                                           const char          *key);
const char                  *tend_config_get_string       (TendConfig          *self,
                                                           const char          *key);
gint64                       tend_config_get_duration     (TendConfig          *self,
                                                           const char          *key);
char                        *tend_config_get_as_string    (TendConfig          *self,
                                                           const char          *key);
gboolean                     tend_config_is_default       (TendConfig          *self,
                                                           const char          *key);

gboolean                     tend_config_set_from_string  (TendConfig          *self,
                                                           const char          *key,
                                                           const char          *text,
                                                           GError             **error);
gboolean                     tend_config_reset            (TendConfig          *self,
                                                           const char          *key,
                                                           GError             **error);

G_END_DECLS
