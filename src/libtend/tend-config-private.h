/* tend-config-private.h — what TendConfig (tend-config.c) and its schema
 * (tend-config-schema.c) share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Keys are known by their index in tend_config_entries; values are TendConfigValues
 * held in arrays indexed the same way.
 */
#pragma once

#include "tend-config.h"

G_BEGIN_DECLS

/* How many keys and rules between keys the schema has; tend-config-schema.c checks both
 * against its tables when it is compiled. */
#define TEND_CONFIG_N_KEYS 31
#define TEND_CONFIG_N_RULES 3

typedef gboolean (*TendConfigCheckFunc) (const char  *text,
                                         const char  *quoted,
                                         char       **reason);

typedef struct
{
  TendConfigKey key;            /* first: a key handed out is its entry */
  TendConfigCheckFunc check;    /* STRING keys: what the text must be */
  const char *accepts;          /* STRING keys: the same, for people */
} TendConfigEntry;

typedef union
{
  gboolean b;
  gint64 i;           /* INT, and DURATION in microseconds */
  double d;
  const char *e;      /* ENUM: one of the key's choices */
  char *s;            /* STRING: owned by the holder of the value */
} TendConfigValue;

/* The schema, read once by tend_config_schema_init(). */
typedef struct
{
  TendConfigValue def[TEND_CONFIG_N_KEYS];    /* STRING defaults point into the entries */
  TendConfigValue min[TEND_CONFIG_N_KEYS];
  TendConfigValue max[TEND_CONFIG_N_KEYS];
  GQuark quarks[TEND_CONFIG_N_KEYS];
  const TendConfigKey *sorted[TEND_CONFIG_N_KEYS + 1];
  guint rule_low[TEND_CONFIG_N_RULES];
  guint rule_high[TEND_CONFIG_N_RULES];
} TendConfigSchema;

extern const TendConfigEntry tend_config_entries[];   /* TEND_CONFIG_N_KEYS of them */
extern TendConfigSchema tend_config_schema;

void          tend_config_schema_init           (void);

gssize        tend_config_lookup_index          (const char             *name);
guint         tend_config_index_of_key          (const TendConfigKey    *key);

void          tend_config_value_clear           (guint                   idx,
                                                 TendConfigValue        *value);
void          tend_config_value_copy            (guint                   idx,
                                                 TendConfigValue        *dest,
                                                 const TendConfigValue  *src);
gboolean      tend_config_value_equal           (guint                   idx,
                                                 const TendConfigValue  *a,
                                                 const TendConfigValue  *b);
char         *tend_config_value_format          (guint                   idx,
                                                 const TendConfigValue  *value);
gboolean      tend_config_value_parse           (guint                   idx,
                                                 const char             *text,
                                                 TendConfigValue        *value,
                                                 char                  **reason);
gboolean      tend_config_check_rules           (const TendConfigValue  *values,
                                                 guint                   idx,
                                                 const TendConfigValue  *value,
                                                 char                  **reason);

gboolean      tend_config_set_unknown_key_error (GError                **error,
                                                 const char             *name);

int           tend_config_compare_strings       (gconstpointer           a,
                                                 gconstpointer           b);
const char  **tend_config_dup_sorted_names      (GHashTable             *table,
                                                 guint                  *n_names);

G_END_DECLS
