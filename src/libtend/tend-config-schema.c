/* tend-config-schema.c — typed configuration: the schema of keys and their values
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The schema is a static table below: every key Tend knows, with its type, default,
 * range and a line for people, and the rules that hold between two keys. This file
 * reads, writes and checks values against it (parsing, formatting, ranges, rules) and
 * validates whole configurations; it knows nothing of a TendConfig, which holds the
 * values (tend-config.c). What the two share is in tend-config-private.h.
 */
#define G_LOG_DOMAIN "Tend-Config"

#include "tend-config-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>

#include "tend-duration.h"
#include "tend-error.h"
#include "tend-util-private.h"

/* Names longer than this get no "did you mean"; no key is this long. */
#define SUGGEST_MAX_LEN 64

#define WEBHOOK_URL_MAX_LEN 2048

static gboolean check_webhook_url (const char  *text,
                                   const char  *quoted,
                                   char       **reason);

static const char * const policy_choices[] = { "never", "on-failure", "always", "backoff", NULL };

#define KEY(name, category, type, def, min, max, desc) \
  { { name, category, TEND_CONFIG_TYPE_##type, def, min, max, NULL, desc }, NULL, NULL }
#define ENUM_KEY(name, category, def, choices, desc) \
  { { name, category, TEND_CONFIG_TYPE_ENUM, def, NULL, NULL, choices, desc }, NULL, NULL }
#define STRING_KEY(name, category, def, check, accepts, desc) \
  { { name, category, TEND_CONFIG_TYPE_STRING, def, NULL, NULL, NULL, desc }, check, accepts }

/* The schema. Defaults, minimums and maximums are written as tend_config_get_as_string()
 * writes them; test-config checks that each one reads back to itself, lies within its
 * range and keeps the rules between keys. Kept sorted by category, then name, for the
 * reader (tend_config_list_keys() sorts anyway). docs/configuration.md lists the same
 * table for people: change both. A key added or removed changes TEND_CONFIG_N_KEYS in
 * tend-config-private.h; the build fails until it does. */
const TendConfigEntry tend_config_entries[] = {
  KEY ("checks.default-interval", "checks", DURATION, "30s", "1s", "1d",
       "How often a check runs unless the check sets its own interval"),
  KEY ("checks.default-timeout", "checks", DURATION, "10s", "100ms", "1h",
       "How long a check may take before it counts as timed out; below the interval"),
  KEY ("checks.failures-before-hard", "checks", INT, "3", "1", "100",
       "Failed results in a row before a soft failure turns hard and recovery may act"),
  KEY ("checks.flap-end-percent", "checks", DOUBLE, "25.0", "0.0", "100.0",
       "A flapping service stops flapping when its recent state changes fall below this"),
  KEY ("checks.flap-start-percent", "checks", DOUBLE, "30.0", "0.0", "100.0",
       "A service is flapping when its recent results change state more often than this"),
  KEY ("checks.http-latency-degraded", "checks", DURATION, "1s", "1ms", "10min",
       "An HTTP check answered more slowly than this is degraded"),
  KEY ("checks.max-concurrent", "checks", INT, "50", "1", "10000",
       "Most checks running at the same time; the others wait their turn"),
  KEY ("checks.startup-grace", "checks", DURATION, "10s", "0s", "1h",
       "After a unit starts, failed probes (not the unit check: systemd's word) do not count "
       "for this long"),
  KEY ("checks.successes-before-recovered", "checks", INT, "2", "1", "100",
       "Passing results in a row before a failed check counts as recovered"),

  KEY ("notifications.enabled", "notifications", BOOL, "true", NULL, NULL,
       "Tell the desktop when a service fails, recovers or needs a person"),
  KEY ("notifications.on-degraded", "notifications", BOOL, "false", NULL, NULL,
       "Also notify when a service turns degraded, not only when it fails"),
  KEY ("notifications.on-recovered", "notifications", BOOL, "true", NULL, NULL,
       "Notify when a service has been recovered automatically"),
  STRING_KEY ("notifications.webhook-url", "notifications", "", check_webhook_url,
              "empty, or an http or https URL",
              "Where incidents are also POSTed as JSON, for teams; empty turns this off"),

  KEY ("recovery.backoff-initial", "recovery", DURATION, "10s", "1s", "1h",
       "First delay of the backoff policy"),
  KEY ("recovery.backoff-jitter-percent", "recovery", DOUBLE, "0.0", "0.0", "50.0",
       "Random spread added to each backoff delay, in percent of the delay"),
  KEY ("recovery.backoff-max", "recovery", DURATION, "5min", "1s", "1d",
       "Longest delay of the backoff policy"),
  KEY ("recovery.backoff-multiplier", "recovery", DOUBLE, "2.0", "1.0", "10.0",
       "Factor by which each backoff delay grows"),
  KEY ("recovery.backoff-reset-after", "recovery", DURATION, "10min", "1min", "1d",
       "Healthy time after which backoff starts again from its first delay"),
  KEY ("recovery.breaker-threshold", "recovery", INT, "3", "1", "100",
       "Failed recoveries in a row that open the circuit breaker"),
  KEY ("recovery.breaker-timeout", "recovery", DURATION, "1min", "1s", "1d",
       "How long the circuit breaker stays open before one trial recovery"),
  KEY ("recovery.cooldown", "recovery", DURATION, "5s", "0s", "1h",
       "Pause after each recovery before another may start"),
  ENUM_KEY ("recovery.default-policy", "recovery", "on-failure", policy_choices,
            "What Tend does when a service fails, unless the service has its own policy"),
  KEY ("recovery.loop-threshold", "recovery", INT, "3", "2", "100",
       "Recoveries within recovery.loop-window that make a restart loop; Tend then stops"),
  KEY ("recovery.loop-window", "recovery", DURATION, "5min", "1min", "1d",
       "The period in which recovery.loop-threshold recoveries make a restart loop"),
  KEY ("recovery.max-attempts", "recovery", INT, "3", "1", "100",
       "Most automatic recoveries of one service within recovery.window"),
  KEY ("recovery.window", "recovery", DURATION, "15min", "1min", "1d",
       "The period in which recovery.max-attempts is counted"),

  KEY ("retention.hourly-rollups", "retention", DURATION, "365d", "1d", "3650d",
       "How long hourly summaries of check results are kept"),
  KEY ("retention.minute-rollups", "retention", DURATION, "30d", "1d", "3650d",
       "How long per-minute summaries of check results are kept"),
  KEY ("retention.raw", "retention", DURATION, "7d", "1h", "365d",
       "How long every single check result is kept"),

  KEY ("store.batch-interval", "store", DURATION, "100ms", "10ms", "10s",
       "Longest time check results wait before they are written together"),
  KEY ("store.queue-limit", "store", INT, "100000", "1000", "10000000",
       "Most results held while the database cannot be written; any more are dropped and counted"),
};

#undef KEY
#undef ENUM_KEY
#undef STRING_KEY

G_STATIC_ASSERT (G_N_ELEMENTS (tend_config_entries) == TEND_CONFIG_N_KEYS);

/* Rules between two keys of the same numeric type: low must stay below high (or not
 * above it, when not strict). */
typedef struct
{
  const char *low;
  const char *high;
  gboolean strict;
} Rule;

static const Rule rules[] = {
  { "checks.default-timeout", "checks.default-interval", TRUE },
  { "checks.flap-end-percent", "checks.flap-start-percent", TRUE },
  { "recovery.backoff-initial", "recovery.backoff-max", FALSE },
};

G_STATIC_ASSERT (G_N_ELEMENTS (rules) == TEND_CONFIG_N_RULES);

TendConfigSchema tend_config_schema;

/**
 * tend_config_type_to_string:
 *
 * Returns: the type's name as the documentation and `tendctl config list` write it:
 *   "bool", "int", "double", "string", "enum" or "duration"
 */
const char *
tend_config_type_to_string (TendConfigType type)
{
  const char *nick = tend_enum_to_nick (TEND_TYPE_CONFIG_TYPE, type);

  g_return_val_if_fail (nick != NULL, NULL);
  return nick;
}

gssize
tend_config_lookup_index (const char *name)
{
  for (guint i = 0; i < TEND_CONFIG_N_KEYS; i++)
    {
      if (strcmp (tend_config_entries[i].key.name, name) == 0)
        return i;
    }

  return -1;
}

guint
tend_config_index_of_key (const TendConfigKey *key)
{
  return (guint) ((const TendConfigEntry *) key - tend_config_entries);
}

static gboolean
is_schema_key (const TendConfigKey *key)
{
  for (guint i = 0; i < TEND_CONFIG_N_KEYS; i++)
    {
      if (key == &tend_config_entries[i].key)
        return TRUE;
    }

  return FALSE;
}

/* Values */

void
tend_config_value_clear (guint            idx,
                         TendConfigValue *value)
{
  if (tend_config_entries[idx].key.type == TEND_CONFIG_TYPE_STRING)
    g_clear_pointer (&value->s, g_free);
}

void
tend_config_value_copy (guint                  idx,
                        TendConfigValue       *dest,
                        const TendConfigValue *src)
{
  if (tend_config_entries[idx].key.type == TEND_CONFIG_TYPE_STRING)
    dest->s = g_strdup (src->s);
  else
    *dest = *src;
}

gboolean
tend_config_value_equal (guint                  idx,
                         const TendConfigValue *a,
                         const TendConfigValue *b)
{
  switch (tend_config_entries[idx].key.type)
    {
    case TEND_CONFIG_TYPE_BOOL:
      return !a->b == !b->b;
    case TEND_CONFIG_TYPE_INT:
    case TEND_CONFIG_TYPE_DURATION:
      return a->i == b->i;
    case TEND_CONFIG_TYPE_DOUBLE:
      return a->d == b->d;
    case TEND_CONFIG_TYPE_STRING:
      return g_strcmp0 (a->s, b->s) == 0;
    case TEND_CONFIG_TYPE_ENUM:
      return g_strcmp0 (a->e, b->e) == 0;
    default:
      g_assert_not_reached ();
    }
}

/* Negative, zero or positive as @a is below, equal to or above @b; numeric types only. */
static int
value_compare (guint                  idx,
               const TendConfigValue *a,
               const TendConfigValue *b)
{
  switch (tend_config_entries[idx].key.type)
    {
    case TEND_CONFIG_TYPE_INT:
    case TEND_CONFIG_TYPE_DURATION:
      return (a->i > b->i) - (a->i < b->i);
    case TEND_CONFIG_TYPE_DOUBLE:
      return (a->d > b->d) - (a->d < b->d);
    case TEND_CONFIG_TYPE_BOOL:
    case TEND_CONFIG_TYPE_STRING:
    case TEND_CONFIG_TYPE_ENUM:
    default:
      g_assert_not_reached ();
    }
}

/* The shortest text that reads back to @d exactly, in plain decimals with a point
 * ("2.0", "0.25", "30.0") where that is reasonable, else in exponent form. */
static char *
format_double (double d)
{
  char buf[64];
  char format[16];

  if (d == 0.0 || (fabs (d) >= 1e-6 && fabs (d) < 1e15))
    {
      for (guint decimals = 1; decimals <= 21; decimals++)
        {
          g_snprintf (format, sizeof format, "%%.%uf", decimals);
          g_ascii_formatd (buf, sizeof buf, format, d);
          if (g_ascii_strtod (buf, NULL) == d)
            return g_strdup (buf);
        }
    }

  for (guint precision = 1; precision <= 17; precision++)
    {
      g_snprintf (format, sizeof format, "%%.%ug", precision);
      g_ascii_formatd (buf, sizeof buf, format, d);
      if (g_ascii_strtod (buf, NULL) == d)
        break;
    }

  return g_strdup (buf);
}

char *
tend_config_value_format (guint                  idx,
                          const TendConfigValue *value)
{
  switch (tend_config_entries[idx].key.type)
    {
    case TEND_CONFIG_TYPE_BOOL:
      return g_strdup (value->b ? "true" : "false");
    case TEND_CONFIG_TYPE_INT:
      return g_strdup_printf ("%" G_GINT64_FORMAT, value->i);
    case TEND_CONFIG_TYPE_DOUBLE:
      return format_double (value->d);
    case TEND_CONFIG_TYPE_STRING:
      return g_strdup (value->s != NULL ? value->s : "");
    case TEND_CONFIG_TYPE_ENUM:
      return g_strdup (value->e);
    case TEND_CONFIG_TYPE_DURATION:
      return tend_duration_format (value->i);
    default:
      g_assert_not_reached ();
    }
}

/* Parsing: each function reads @text (quoted as @quoted for messages) into @value, or
 * says in @reason what is wrong with it. Reasons start with the quoted value and leave
 * out the key's name, which callers put in front. */

static gboolean
parse_bool (const char       *text,
            const char       *quoted,
            TendConfigValue  *value,
            char            **reason)
{
  static const char * const yes[] = { "true", "yes", "on", "1" };
  static const char * const no[] = { "false", "no", "off", "0" };

  for (guint i = 0; i < G_N_ELEMENTS (yes); i++)
    {
      if (g_ascii_strcasecmp (text, yes[i]) == 0)
        {
          value->b = TRUE;
          return TRUE;
        }
      if (g_ascii_strcasecmp (text, no[i]) == 0)
        {
          value->b = FALSE;
          return TRUE;
        }
    }

  *reason = g_strdup_printf ("%s is not true or false", quoted);
  return FALSE;
}

static gboolean
parse_int (const char       *text,
           const char       *quoted,
           TendConfigValue  *value,
           char            **reason)
{
  g_autoptr(GError) error = NULL;

  if (g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, &value->i, &error))
    return TRUE;

  /* Beyond a gint64 is beyond any key's range: let the range check say so. */
  if (g_error_matches (error, G_NUMBER_PARSER_ERROR, G_NUMBER_PARSER_ERROR_OUT_OF_BOUNDS))
    {
      value->i = text[0] == '-' ? G_MININT64 : G_MAXINT64;
      return TRUE;
    }

  *reason = g_strdup_printf ("%s is not a whole number", quoted);
  return FALSE;
}

static gboolean
parse_double (const char       *text,
              const char       *quoted,
              TendConfigValue  *value,
              char            **reason)
{
  char *end = NULL;

  /* Plain decimal notation only: no "nan", "inf" or hexadecimal. */
  if (*text == '\0' || text[strspn (text, "0123456789.+-eE")] != '\0')
    goto fail;

  value->d = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || isnan (value->d))
    goto fail;

  /* Beyond a double is beyond any key's range: let the range check say so. */
  if (isinf (value->d))
    value->d = value->d < 0 ? -G_MAXDOUBLE : G_MAXDOUBLE;

  return TRUE;

fail:
  *reason = g_strdup_printf ("%s is not a number", quoted);
  return FALSE;
}

static gboolean
parse_enum (guint             idx,
            const char       *text,
            const char       *quoted,
            TendConfigValue  *value,
            char            **reason)
{
  const char * const *choices = tend_config_entries[idx].key.choices;
  g_autofree char *list = NULL;

  for (guint i = 0; choices[i] != NULL; i++)
    {
      if (g_ascii_strcasecmp (text, choices[i]) == 0)
        {
          value->e = choices[i];
          return TRUE;
        }
    }

  list = g_strjoinv (", ", (char **) choices);
  *reason = g_strdup_printf ("%s is not one of %s", quoted, list);
  return FALSE;
}

/* Reads @text as a value of key @idx's type, without looking at the range. */
static gboolean
parse_typed (guint             idx,
             const char       *text,
             TendConfigValue  *value,
             char            **reason)
{
  const TendConfigEntry *entry = &tend_config_entries[idx];
  const TendConfigKey *key = &entry->key;
  g_autofree char *quoted = tend_quote_for_message (text, -1);
  g_autofree char *stripped = NULL;
  g_autoptr(GError) error = NULL;

  if (key->type == TEND_CONFIG_TYPE_STRING)
    {
      if (entry->check != NULL && !entry->check (text, quoted, reason))
        return FALSE;
      value->s = g_strdup (text);
      return TRUE;
    }

  /* Words and numbers may come with spaces around them. */
  stripped = g_strstrip (g_strdup (text));

  switch (key->type)
    {
    case TEND_CONFIG_TYPE_BOOL:
      return parse_bool (stripped, quoted, value, reason);
    case TEND_CONFIG_TYPE_INT:
      return parse_int (stripped, quoted, value, reason);
    case TEND_CONFIG_TYPE_DOUBLE:
      return parse_double (stripped, quoted, value, reason);
    case TEND_CONFIG_TYPE_ENUM:
      return parse_enum (idx, stripped, quoted, value, reason);
    case TEND_CONFIG_TYPE_DURATION:
      if (tend_duration_parse (text, &value->i, &error))
        return TRUE;
      *reason = g_strdup (error->message);
      return FALSE;
    case TEND_CONFIG_TYPE_STRING:
    default:
      g_assert_not_reached ();
    }
}

/* Reads @text as a value of key @idx: its type, and its range. */
gboolean
tend_config_value_parse (guint             idx,
                         const char       *text,
                         TendConfigValue  *value,
                         char            **reason)
{
  const TendConfigKey *key = &tend_config_entries[idx].key;
  int below;
  int above;

  if (!parse_typed (idx, text, value, reason))
    return FALSE;

  switch (key->type)
    {
    case TEND_CONFIG_TYPE_INT:
    case TEND_CONFIG_TYPE_DURATION:
    case TEND_CONFIG_TYPE_DOUBLE:
      below = value_compare (idx, value, &tend_config_schema.min[idx]) < 0;
      above = value_compare (idx, value, &tend_config_schema.max[idx]) > 0;
      break;
    case TEND_CONFIG_TYPE_BOOL:
    case TEND_CONFIG_TYPE_STRING:
    case TEND_CONFIG_TYPE_ENUM:
    default:
      return TRUE;
    }

  if (below || above)
    {
      g_autofree char *quoted = tend_quote_for_message (text, -1);

      if (below)
        *reason = g_strdup_printf ("%s is below the minimum of %s", quoted, key->minimum);
      else
        *reason = g_strdup_printf ("%s is above the maximum of %s", quoted, key->maximum);
      return FALSE;
    }

  return TRUE;
}

/* Cross-key rules */

/* Whether rule @r holds when key @idx has @value and every other key has its value in
 * @values. If not, @reason (when not NULL) says what it must be, after "VALUE ". */
gboolean
tend_config_check_rules (const TendConfigValue  *values,
                         guint                   idx,
                         const TendConfigValue  *value,
                         char                  **reason)
{
  for (guint r = 0; r < TEND_CONFIG_N_RULES; r++)
    {
      guint low = tend_config_schema.rule_low[r];
      guint high = tend_config_schema.rule_high[r];
      const char *relation;
      guint other;
      int cmp;
      gboolean ok;
      g_autofree char *other_value = NULL;

      if (idx == low)
        {
          other = high;
          cmp = value_compare (idx, value, &values[high]);
          ok = rules[r].strict ? cmp < 0 : cmp <= 0;
          relation = rules[r].strict ? "must be below" : "must not be above";
        }
      else if (idx == high)
        {
          other = low;
          cmp = value_compare (idx, value, &values[low]);
          ok = rules[r].strict ? cmp > 0 : cmp >= 0;
          relation = rules[r].strict ? "must be above" : "must not be below";
        }
      else
        continue;

      if (ok)
        continue;

      if (reason != NULL)
        {
          other_value = tend_config_value_format (other, &values[other]);
          *reason = g_strdup_printf ("%s %s, which is %s", relation,
                                     tend_config_entries[other].key.name, other_value);
        }
      return FALSE;
    }

  return TRUE;
}

/* The schema */

static int
compare_keys (gconstpointer a,
              gconstpointer b)
{
  const TendConfigKey *ka = *(const TendConfigKey * const *) a;
  const TendConfigKey *kb = *(const TendConfigKey * const *) b;
  int cmp = strcmp (ka->category, kb->category);

  return cmp != 0 ? cmp : strcmp (ka->name, kb->name);
}

static void
schema_parse_bound (guint            idx,
                    const char      *text,
                    TendConfigValue *value)
{
  g_autofree char *reason = NULL;

  if (text == NULL || !parse_typed (idx, text, value, &reason))
    g_critical ("Tend's configuration schema is broken: %s has a bad minimum or maximum: %s",
                tend_config_entries[idx].key.name, reason ? reason : "it has none");
}

void
tend_config_schema_init (void)
{
  static gsize initialized = 0;

  if (!g_once_init_enter (&initialized))
    return;

  for (guint i = 0; i < TEND_CONFIG_N_KEYS; i++)
    {
      const TendConfigKey *key = &tend_config_entries[i].key;
      g_autofree char *reason = NULL;
      TendConfigValue value;

      tend_config_schema.sorted[i] = key;
      tend_config_schema.quarks[i] = g_quark_from_static_string (key->name);

      if (key->type == TEND_CONFIG_TYPE_INT || key->type == TEND_CONFIG_TYPE_DOUBLE ||
          key->type == TEND_CONFIG_TYPE_DURATION)
        {
          schema_parse_bound (i, key->minimum, &tend_config_schema.min[i]);
          schema_parse_bound (i, key->maximum, &tend_config_schema.max[i]);
        }

      if (!tend_config_value_parse (i, key->default_value, &value, &reason))
        g_critical ("Tend's configuration schema is broken: the default of %s is bad: %s",
                    key->name, reason);
      else if (key->type == TEND_CONFIG_TYPE_STRING)
        {
          /* A STRING default points into the table rather than being a copy. */
          g_free (value.s);
          tend_config_schema.def[i].s = (char *) key->default_value;
        }
      else
        tend_config_schema.def[i] = value;
    }

  tend_config_schema.sorted[TEND_CONFIG_N_KEYS] = NULL;
  qsort (tend_config_schema.sorted, TEND_CONFIG_N_KEYS, sizeof tend_config_schema.sorted[0],
         compare_keys);

  for (guint r = 0; r < TEND_CONFIG_N_RULES; r++)
    {
      gssize low = tend_config_lookup_index (rules[r].low);
      gssize high = tend_config_lookup_index (rules[r].high);

      if (low < 0 || high < 0 ||
          tend_config_entries[low].key.type != tend_config_entries[high].key.type)
        g_error ("Tend's configuration schema is broken: rule %s < %s", rules[r].low,
                 rules[r].high);
      tend_config_schema.rule_low[r] = (guint) low;
      tend_config_schema.rule_high[r] = (guint) high;
    }

  for (guint i = 0; i < TEND_CONFIG_N_KEYS; i++)
    {
      if (!tend_config_check_rules (tend_config_schema.def, i, &tend_config_schema.def[i], NULL))
        g_critical ("Tend's configuration schema is broken: the default of %s breaks a rule",
                    tend_config_entries[i].key.name);
    }

  g_once_init_leave (&initialized, 1);
}

/**
 * tend_config_lookup_key:
 * @name: a key's name, such as "checks.default-interval"
 *
 * Returns: (nullable): the key's schema entry, or %NULL if there is no such key
 */
const TendConfigKey *
tend_config_lookup_key (const char *name)
{
  gssize idx;

  g_return_val_if_fail (name != NULL, NULL);

  tend_config_schema_init ();
  idx = tend_config_lookup_index (name);

  return idx < 0 ? NULL : &tend_config_entries[idx].key;
}

/**
 * tend_config_list_keys:
 * @n_keys: (out) (optional): the number of keys
 *
 * Returns: (transfer none) (array zero-terminated=1): every key, sorted by category and
 *   then by name
 */
const TendConfigKey * const *
tend_config_list_keys (guint *n_keys)
{
  tend_config_schema_init ();

  if (n_keys != NULL)
    *n_keys = TEND_CONFIG_N_KEYS;

  return tend_config_schema.sorted;
}

/**
 * tend_config_key_dup_range:
 * @key: a key of the schema
 *
 * Describes what @key accepts, for a person: "1s..1d", "1..100", "true or false",
 * "never, on-failure, always, backoff", "empty, or an http or https URL".
 *
 * Returns: (transfer full): the description
 */
char *
tend_config_key_dup_range (const TendConfigKey *key)
{
  const TendConfigEntry *entry;

  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (is_schema_key (key), NULL);

  entry = (const TendConfigEntry *) key;

  switch (key->type)
    {
    case TEND_CONFIG_TYPE_BOOL:
      return g_strdup ("true or false");
    case TEND_CONFIG_TYPE_INT:
    case TEND_CONFIG_TYPE_DOUBLE:
    case TEND_CONFIG_TYPE_DURATION:
      return g_strdup_printf ("%s..%s", key->minimum, key->maximum);
    case TEND_CONFIG_TYPE_ENUM:
      return g_strjoinv (", ", (char **) key->choices);
    case TEND_CONFIG_TYPE_STRING:
      return g_strdup (entry->accepts != NULL ? entry->accepts : "any text");
    default:
      g_return_val_if_reached (NULL);
    }
}

/* "Did you mean" */

/* Optimal string alignment distance: inserting, deleting or replacing a character, or
 * swapping two neighbours, costs 1 each. */
static guint
edit_distance (const char *a,
               gsize       len_a,
               const char *b,
               gsize       len_b)
{
  guint rows[3][SUGGEST_MAX_LEN + 1];
  guint *before = rows[0];
  guint *previous = rows[1];
  guint *current = rows[2];

  g_assert (len_a <= SUGGEST_MAX_LEN && len_b <= SUGGEST_MAX_LEN);

  for (gsize j = 0; j <= len_b; j++)
    previous[j] = j;

  for (gsize i = 1; i <= len_a; i++)
    {
      guint *spare;

      current[0] = i;
      for (gsize j = 1; j <= len_b; j++)
        {
          guint cost = a[i - 1] != b[j - 1];
          guint best = MIN (previous[j] + 1, current[j - 1] + 1);

          best = MIN (best, previous[j - 1] + cost);
          if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
            best = MIN (best, before[j - 2] + 1);
          current[j] = best;
        }

      spare = before;
      before = previous;
      previous = current;
      current = spare;
    }

  return previous[len_b];
}

/* The key a person most likely meant by @typed, if one is close enough: a small typing
 * mistake in the whole name, in the part after the category, or in a run of the words
 * of that part ("checks.intervall" finds "checks.default-interval"). */
static const TendConfigKey *
suggest_key (const char *typed)
{
  gsize len = strlen (typed);
  g_autofree char *lower = NULL;
  const char *dot;
  const char *leaf;
  gsize leaf_len;
  guint threshold;
  const TendConfigKey *best = NULL;
  guint best_score = G_MAXUINT;

  if (len == 0 || len > SUGGEST_MAX_LEN)
    return NULL;

  lower = g_ascii_strdown (typed, len);
  dot = strchr (lower, '.');
  leaf = dot != NULL ? dot + 1 : lower;
  leaf_len = strlen (leaf);
  threshold = CLAMP (leaf_len / 3, 1, 3);

  for (guint i = 0; i < TEND_CONFIG_N_KEYS; i++)
    {
      const TendConfigKey *key = tend_config_schema.sorted[i];
      const char *key_leaf = key->name + strlen (key->category) + 1;
      gsize category_len = strlen (key->category);
      guint penalty;
      guint score;
      g_auto(GStrv) words = g_strsplit (key_leaf, "-", -1);
      guint n_words = g_strv_length (words);

      /* A leaf typed under another category is a bigger mistake than one typed alone. */
      penalty = (dot == NULL ||
                 ((gsize) (dot - lower) == category_len &&
                  strncmp (lower, key->category, category_len) == 0)) ? 0 : 1;

      score = edit_distance (lower, len, key->name, strlen (key->name));
      score = MIN (score, edit_distance (leaf, leaf_len, key_leaf, strlen (key_leaf)) + penalty);

      for (guint first = 0; first < n_words; first++)
        {
          g_autoptr(GString) run = g_string_new (NULL);

          for (guint last = first; last < n_words; last++)
            {
              if (last > first)
                g_string_append_c (run, '-');
              g_string_append (run, words[last]);
              score = MIN (score, edit_distance (leaf, leaf_len, run->str, run->len) + penalty + 1);
            }
        }

      if (score < best_score)
        {
          best = key;
          best_score = score;
        }
    }

  return best_score <= threshold ? best : NULL;
}

gboolean
tend_config_set_unknown_key_error (GError     **error,
                                   const char  *name)
{
  g_autofree char *quoted = tend_quote_for_message_full (name, -1, '\'', TEND_QUOTE_MAX_CHARS);
  const TendConfigKey *suggestion = suggest_key (name);

  if (suggestion != NULL)
    g_set_error (error, TEND_ERROR, TEND_ERROR_NOT_FOUND, "no setting %s; did you mean '%s'?",
                 quoted, suggestion->name);
  else
    g_set_error (error, TEND_ERROR, TEND_ERROR_NOT_FOUND, "no setting %s", quoted);

  return FALSE;
}

/* String checks */

static gboolean
check_webhook_url (const char  *text,
                   const char  *quoted,
                   char       **reason)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  const char *host;

  if (*text == '\0')
    return TRUE;

  if (strlen (text) > WEBHOOK_URL_MAX_LEN)
    {
      *reason = g_strdup_printf ("%s is longer than %d characters", quoted, WEBHOOK_URL_MAX_LEN);
      return FALSE;
    }

  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isspace (*p) || g_ascii_iscntrl (*p))
        {
          *reason = g_strdup_printf ("%s contains a space or a control character; "
                                     "write spaces in a URL as %%20", quoted);
          return FALSE;
        }
    }

  uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;

  if (scheme == NULL ||
      (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0))
    {
      *reason = g_strdup_printf ("%s is not an http or https URL (such as "
                                 "https://example.com/hook); leave it empty for none", quoted);
      return FALSE;
    }

  host = g_uri_get_host (uri);
  if (host == NULL || *host == '\0')
    {
      *reason = g_strdup_printf ("%s has no host name", quoted);
      return FALSE;
    }

  /* Configuration is exported and stored in the clear: no passwords in it. */
  if (g_uri_get_userinfo (uri) != NULL)
    {
      *reason = g_strdup_printf ("%s contains a user name or password; Tend does not store "
                                 "secrets in its configuration", quoted);
      return FALSE;
    }

  return TRUE;
}

int
tend_config_compare_strings (gconstpointer a,
                             gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The names in @table, sorted, so that messages come in a predictable order. */
const char **
tend_config_dup_sorted_names (GHashTable *table,
                              guint      *n_names)
{
  const char **names;

  if (table == NULL)
    {
      *n_names = 0;
      return NULL;
    }

  names = (const char **) g_hash_table_get_keys_as_array (table, n_names);
  qsort (names, *n_names, sizeof names[0], tend_config_compare_strings);
  return names;
}

/* One more problem of a configuration, on a line of its own */
G_GNUC_PRINTF (3, 4)
static void
add_problem (GString    *problems,
             gboolean   *all_unknown,
             const char *format,
             ...)
{
  va_list args;

  if (problems->len > 0)
    g_string_append_c (problems, '\n');
  va_start (args, format);
  g_string_append_vprintf (problems, format, args);
  va_end (args);
  *all_unknown = FALSE;
}

/**
 * tend_config_validate:
 * @values: (nullable) (element-type utf8 utf8): key name → value as a person types it;
 *   keys not in it are taken at their defaults
 * @error: every problem, one a line — each key's own in the order of the keys' names,
 *   then the rules between keys — with the same messages as
 *   tend_config_set_from_string(): %TEND_ERROR_NOT_FOUND when each is an
 *   unknown key, %TEND_ERROR_INVALID_ARGUMENT when one is a bad value or a broken rule
 *   between keys
 *
 * Checks a whole configuration at once, as an import brings it, without touching any
 * #TendConfig; it may be called from any thread. Unlike setting the keys one at a time,
 * the order does not matter: the rules between keys are checked on the whole (an
 * interval of 5s with a timeout of 2s is fine, although 5s alone is not above the
 * default timeout). The rules are checked between values that are valid by themselves.
 *
 * Returns: whether Tend accepts @values
 */
gboolean
tend_config_validate (GHashTable  *values,
                      GError     **error)
{
  TendConfigValue parsed[TEND_CONFIG_N_KEYS];
  const char *given[TEND_CONFIG_N_KEYS] = { NULL, };
  g_autofree const char **names = NULL;
  g_autoptr(GString) problems = g_string_new (NULL);
  gboolean all_unknown = TRUE;
  guint n_names = 0;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  tend_config_schema_init ();

  for (guint i = 0; i < TEND_CONFIG_N_KEYS; i++)
    tend_config_value_copy (i, &parsed[i], &tend_config_schema.def[i]);

  names = tend_config_dup_sorted_names (values, &n_names);

  for (guint n = 0; n < n_names; n++)
    {
      const char *text = g_hash_table_lookup (values, names[n]);
      gssize idx = tend_config_lookup_index (names[n]);
      g_autofree char *reason = NULL;
      TendConfigValue value;

      if (idx < 0)
        {
          g_autoptr(GError) unknown = NULL;

          tend_config_set_unknown_key_error (&unknown, names[n]);
          if (problems->len > 0)
            g_string_append_c (problems, '\n');
          g_string_append (problems, unknown->message);
        }
      else if (text == NULL)
        add_problem (problems, &all_unknown, "%s: it has no value", names[n]);
      else if (!tend_config_value_parse (idx, text, &value, &reason))
        add_problem (problems, &all_unknown, "%s: %s", names[n], reason);
      else
        {
          tend_config_value_clear (idx, &parsed[idx]);
          parsed[idx] = value;
          given[idx] = text;
        }
    }

  for (guint n = 0; n < n_names; n++)
    {
      gssize idx = tend_config_lookup_index (names[n]);
      g_autofree char *reason = NULL;

      if (idx < 0 || given[idx] == NULL)
        continue;
      if (!tend_config_check_rules (parsed, idx, &parsed[idx], &reason))
        {
          g_autofree char *quoted = tend_quote_for_message (given[idx], -1);

          add_problem (problems, &all_unknown, "%s: %s %s", names[n], quoted, reason);
        }
    }

  for (guint i = 0; i < TEND_CONFIG_N_KEYS; i++)
    tend_config_value_clear (i, &parsed[i]);

  if (problems->len == 0)
    return TRUE;
  g_set_error_literal (error, TEND_ERROR,
                       all_unknown ? TEND_ERROR_NOT_FOUND : TEND_ERROR_INVALID_ARGUMENT,
                       problems->str);
  return FALSE;
}
