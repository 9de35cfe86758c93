/* tend-config.c — typed configuration: the monitoring defaults and their schema
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The schema is a static table below: every key Tend knows, with its type, default,
 * range and a line for people. A TendConfig is the in-memory cache of the values; the
 * program's code reads it with typed getters, and people change it through
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
#define G_LOG_DOMAIN "Tend"

#include "tend-config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>

#include "tend-duration.h"
#include "tend-error.h"

/* How many characters of a bad value an error message quotes. */
#define QUOTE_MAX_CHARS 80

/* Names longer than this get no "did you mean"; no key is this long. */
#define SUGGEST_MAX_LEN 64

#define WEBHOOK_URL_MAX_LEN 2048

typedef gboolean (*CheckStringFunc) (const char  *text,
                                     const char  *quoted,
                                     char       **reason);

typedef struct
{
  TendConfigKey key;          /* first: a key handed out is its entry */
  CheckStringFunc check;      /* STRING keys: what the text must be */
  const char *accepts;        /* STRING keys: the same, for people */
} Entry;

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
 * table for people: change both. */
static const Entry entries[] = {
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
       "After a unit starts, failed checks do not count for this long"),
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
  KEY ("recovery.breaker-timeout", "recovery", DURATION, "5min", "1s", "1d",
       "How long the circuit breaker stays open before one trial recovery"),
  KEY ("recovery.cooldown", "recovery", DURATION, "1min", "0s", "1h",
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

#define N_ENTRIES G_N_ELEMENTS (entries)

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

#define N_RULES G_N_ELEMENTS (rules)

typedef union
{
  gboolean b;
  gint64 i;           /* INT, and DURATION in microseconds */
  double d;
  const char *e;      /* ENUM: one of the key's choices */
  char *s;            /* STRING: owned by the holder of the value */
} Value;

enum {
  FLAG_STORED = 1 << 0,   /* the backing holds a valid value for the key */
  FLAG_INVALID = 1 << 1,  /* the backing holds a value for it that does not validate */
};

struct _TendConfig
{
  GObject parent_instance;

  Value values[N_ENTRIES];        /* indexed like entries; STRING values (owned) */
  guint8 flags[N_ENTRIES];
  GPtrArray *unknown_keys;        /* (owned) stored names this version does not know */

  TendConfigSaveFunc save;        /* (nullable) */
  gpointer save_data;             /* (owned) by save_destroy */
  GDestroyNotify save_destroy;    /* (nullable) */
};

G_DEFINE_FINAL_TYPE (TendConfig, tend_config, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The schema, read once. */
static struct
{
  Value def[N_ENTRIES];           /* STRING defaults point into entries */
  Value min[N_ENTRIES];
  Value max[N_ENTRIES];
  GQuark quarks[N_ENTRIES];
  const TendConfigKey *sorted[N_ENTRIES + 1];
  guint rule_low[N_RULES];
  guint rule_high[N_RULES];
} schema;

GType
tend_config_type_get_type (void)
{
  static gsize type = 0;

  if (g_once_init_enter (&type))
    {
      static const GEnumValue values[] = {
        { TEND_CONFIG_TYPE_BOOL, "TEND_CONFIG_TYPE_BOOL", "bool" },
        { TEND_CONFIG_TYPE_INT, "TEND_CONFIG_TYPE_INT", "int" },
        { TEND_CONFIG_TYPE_DOUBLE, "TEND_CONFIG_TYPE_DOUBLE", "double" },
        { TEND_CONFIG_TYPE_STRING, "TEND_CONFIG_TYPE_STRING", "string" },
        { TEND_CONFIG_TYPE_ENUM, "TEND_CONFIG_TYPE_ENUM", "enum" },
        { TEND_CONFIG_TYPE_DURATION, "TEND_CONFIG_TYPE_DURATION", "duration" },
        { 0, NULL, NULL }
      };
      g_once_init_leave (&type, g_enum_register_static ("TendConfigType", values));
    }

  return type;
}

/**
 * tend_config_type_to_string:
 *
 * Returns: the type's name as the documentation and `tendctl config list` write it:
 *   "bool", "int", "double", "string", "enum" or "duration"
 */
const char *
tend_config_type_to_string (TendConfigType type)
{
  switch (type)
    {
    case TEND_CONFIG_TYPE_BOOL:
      return "bool";
    case TEND_CONFIG_TYPE_INT:
      return "int";
    case TEND_CONFIG_TYPE_DOUBLE:
      return "double";
    case TEND_CONFIG_TYPE_STRING:
      return "string";
    case TEND_CONFIG_TYPE_ENUM:
      return "enum";
    case TEND_CONFIG_TYPE_DURATION:
      return "duration";
    default:
      g_return_val_if_reached (NULL);
    }
}

/* Quotes @str between @mark characters for a message: printable characters as they are,
 * everything else escaped, long texts cut short with "…".
 */
static char *
quote (const char *str,
       char        mark)
{
  gsize len = strlen (str);
  GString *out = g_string_sized_new (len + 2);
  const char *p = str;
  const char *end = str + len;
  guint n_chars = 0;

  g_string_append_c (out, mark);

  while (p < end)
    {
      gunichar c;

      if (n_chars++ == QUOTE_MAX_CHARS)
        {
          g_string_append (out, "…");
          break;
        }

      c = g_utf8_get_char_validated (p, end - p);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_printf (out, "\\x%02x", (guchar) *p);
          p++;
          continue;
        }

      if (c == (gunichar) mark || c == '\\')
        g_string_append_printf (out, "\\%c", (char) c);
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (out, "\\x%02x", c);
      else if (!g_unichar_isprint (c))
        g_string_append_printf (out, "\\u%04X", c);
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);

      p = g_utf8_next_char (p);
    }

  g_string_append_c (out, mark);

  return g_string_free (out, FALSE);
}

static gssize
lookup_index (const char *name)
{
  for (guint i = 0; i < N_ENTRIES; i++)
    {
      if (strcmp (entries[i].key.name, name) == 0)
        return i;
    }

  return -1;
}

static guint
index_of_key (const TendConfigKey *key)
{
  return (guint) ((const Entry *) key - entries);
}

static gboolean
is_schema_key (const TendConfigKey *key)
{
  for (guint i = 0; i < N_ENTRIES; i++)
    {
      if (key == &entries[i].key)
        return TRUE;
    }

  return FALSE;
}

/* Values */

static void
value_clear (guint  idx,
             Value *value)
{
  if (entries[idx].key.type == TEND_CONFIG_TYPE_STRING)
    g_clear_pointer (&value->s, g_free);
}

static void
value_copy (guint        idx,
            Value       *dest,
            const Value *src)
{
  if (entries[idx].key.type == TEND_CONFIG_TYPE_STRING)
    dest->s = g_strdup (src->s);
  else
    *dest = *src;
}

static gboolean
value_equal (guint        idx,
             const Value *a,
             const Value *b)
{
  switch (entries[idx].key.type)
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
value_compare (guint        idx,
               const Value *a,
               const Value *b)
{
  switch (entries[idx].key.type)
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

static char *
format_value (guint        idx,
              const Value *value)
{
  switch (entries[idx].key.type)
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
parse_bool (const char  *text,
            const char  *quoted,
            Value       *value,
            char       **reason)
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
parse_int (const char  *text,
           const char  *quoted,
           Value       *value,
           char       **reason)
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
parse_double (const char  *text,
              const char  *quoted,
              Value       *value,
              char       **reason)
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
parse_enum (guint        idx,
            const char  *text,
            const char  *quoted,
            Value       *value,
            char       **reason)
{
  const char * const *choices = entries[idx].key.choices;
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
parse_typed (guint        idx,
             const char  *text,
             Value       *value,
             char       **reason)
{
  const TendConfigKey *key = &entries[idx].key;
  g_autofree char *quoted = quote (text, '"');
  g_autofree char *stripped = NULL;
  g_autoptr(GError) error = NULL;

  if (key->type == TEND_CONFIG_TYPE_STRING)
    {
      if (entries[idx].check != NULL && !entries[idx].check (text, quoted, reason))
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
static gboolean
parse_value (guint        idx,
             const char  *text,
             Value       *value,
             char       **reason)
{
  const TendConfigKey *key = &entries[idx].key;
  int below;
  int above;

  if (!parse_typed (idx, text, value, reason))
    return FALSE;

  switch (key->type)
    {
    case TEND_CONFIG_TYPE_INT:
    case TEND_CONFIG_TYPE_DURATION:
    case TEND_CONFIG_TYPE_DOUBLE:
      below = value_compare (idx, value, &schema.min[idx]) < 0;
      above = value_compare (idx, value, &schema.max[idx]) > 0;
      break;
    case TEND_CONFIG_TYPE_BOOL:
    case TEND_CONFIG_TYPE_STRING:
    case TEND_CONFIG_TYPE_ENUM:
    default:
      return TRUE;
    }

  if (below || above)
    {
      g_autofree char *quoted = quote (text, '"');

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
static gboolean
check_rules (const Value  *values,
             guint         idx,
             const Value  *value,
             char        **reason)
{
  for (guint r = 0; r < N_RULES; r++)
    {
      guint low = schema.rule_low[r];
      guint high = schema.rule_high[r];
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
          other_value = format_value (other, &values[other]);
          *reason = g_strdup_printf ("%s %s, which is %s", relation, entries[other].key.name,
                                     other_value);
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
schema_parse_bound (guint        idx,
                    const char  *text,
                    Value       *value)
{
  g_autofree char *reason = NULL;

  if (text == NULL || !parse_typed (idx, text, value, &reason))
    g_critical ("Tend's configuration schema is broken: %s has a bad minimum or maximum: %s",
                entries[idx].key.name, reason ? reason : "it has none");
}

static void
schema_init (void)
{
  static gsize initialized = 0;

  if (!g_once_init_enter (&initialized))
    return;

  for (guint i = 0; i < N_ENTRIES; i++)
    {
      const TendConfigKey *key = &entries[i].key;
      g_autofree char *reason = NULL;
      Value value;

      schema.sorted[i] = key;
      schema.quarks[i] = g_quark_from_static_string (key->name);

      if (key->type == TEND_CONFIG_TYPE_INT || key->type == TEND_CONFIG_TYPE_DOUBLE ||
          key->type == TEND_CONFIG_TYPE_DURATION)
        {
          schema_parse_bound (i, key->minimum, &schema.min[i]);
          schema_parse_bound (i, key->maximum, &schema.max[i]);
        }

      if (!parse_value (i, key->default_value, &value, &reason))
        g_critical ("Tend's configuration schema is broken: the default of %s is bad: %s",
                    key->name, reason);
      else if (key->type == TEND_CONFIG_TYPE_STRING)
        {
          /* A STRING default points into the table rather than being a copy. */
          g_free (value.s);
          schema.def[i].s = (char *) key->default_value;
        }
      else
        schema.def[i] = value;
    }

  schema.sorted[N_ENTRIES] = NULL;
  qsort (schema.sorted, N_ENTRIES, sizeof schema.sorted[0], compare_keys);

  for (guint r = 0; r < N_RULES; r++)
    {
      gssize low = lookup_index (rules[r].low);
      gssize high = lookup_index (rules[r].high);

      if (low < 0 || high < 0 || entries[low].key.type != entries[high].key.type)
        g_error ("Tend's configuration schema is broken: rule %s < %s", rules[r].low,
                 rules[r].high);
      schema.rule_low[r] = (guint) low;
      schema.rule_high[r] = (guint) high;
    }

  for (guint i = 0; i < N_ENTRIES; i++)
    {
      if (!check_rules (schema.def, i, &schema.def[i], NULL))
        g_critical ("Tend's configuration schema is broken: the default of %s breaks a rule",
                    entries[i].key.name);
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

  schema_init ();
  idx = lookup_index (name);

  return idx < 0 ? NULL : &entries[idx].key;
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
  schema_init ();

  if (n_keys != NULL)
    *n_keys = N_ENTRIES;

  return schema.sorted;
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
  const Entry *entry;

  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (is_schema_key (key), NULL);

  entry = (const Entry *) key;

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

  for (guint i = 0; i < N_ENTRIES; i++)
    {
      const TendConfigKey *key = schema.sorted[i];
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

static gboolean
set_unknown_key_error (GError    **error,
                       const char *name)
{
  g_autofree char *quoted = quote (name, '\'');
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

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The names in @table, sorted, so that messages come in a predictable order. */
static const char **
dup_sorted_names (GHashTable *table,
                  guint      *n_names)
{
  const char **names;

  if (table == NULL)
    {
      *n_names = 0;
      return NULL;
    }

  names = (const char **) g_hash_table_get_keys_as_array (table, n_names);
  qsort (names, *n_names, sizeof names[0], compare_strings);
  return names;
}

/**
 * tend_config_validate:
 * @values: (nullable) (element-type utf8 utf8): key name → value as a person types it;
 *   keys not in it are taken at their defaults
 * @error: the first problem, in the order of the keys' names: %TEND_ERROR_NOT_FOUND
 *   for an unknown key, %TEND_ERROR_INVALID_ARGUMENT for a bad value or a broken rule
 *   between keys, with the same messages as tend_config_set_from_string()
 *
 * Checks a whole configuration at once, as an import brings it, without touching any
 * #TendConfig; it may be called from any thread. Unlike setting the keys one at a time, the order does not matter: the
 * rules between keys are checked on the whole (an interval of 5s with a timeout of 2s
 * is fine, although 5s alone is not above the default timeout).
 *
 * Returns: whether Tend accepts @values
 */
gboolean
tend_config_validate (GHashTable  *values,
                      GError     **error)
{
  Value parsed[N_ENTRIES];
  const char *given[N_ENTRIES] = { NULL, };
  g_autofree const char **names = NULL;
  guint n_names = 0;
  gboolean ok = TRUE;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  schema_init ();

  for (guint i = 0; i < N_ENTRIES; i++)
    value_copy (i, &parsed[i], &schema.def[i]);

  names = dup_sorted_names (values, &n_names);

  for (guint n = 0; ok && n < n_names; n++)
    {
      const char *text = g_hash_table_lookup (values, names[n]);
      gssize idx = lookup_index (names[n]);
      g_autofree char *reason = NULL;
      Value value;

      if (idx < 0)
        {
          ok = set_unknown_key_error (error, names[n]);
        }
      else if (text == NULL)
        {
          g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT, "%s: it has no value",
                       names[n]);
          ok = FALSE;
        }
      else if (!parse_value (idx, text, &value, &reason))
        {
          g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT, "%s: %s", names[n],
                       reason);
          ok = FALSE;
        }
      else
        {
          value_clear (idx, &parsed[idx]);
          parsed[idx] = value;
          given[idx] = text;
        }
    }

  for (guint n = 0; ok && n < n_names; n++)
    {
      gssize idx = lookup_index (names[n]);
      g_autofree char *reason = NULL;

      if (!check_rules (parsed, idx, &parsed[idx], &reason))
        {
          g_autofree char *quoted = quote (given[idx], '"');

          g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT, "%s: %s %s", names[n],
                       quoted, reason);
          ok = FALSE;
        }
    }

  for (guint i = 0; i < N_ENTRIES; i++)
    value_clear (i, &parsed[i]);

  return ok;
}

/* The object */

static void
emit_changed (TendConfig *self,
              guint       idx)
{
  g_signal_emit (self, signals[CHANGED], schema.quarks[idx], entries[idx].key.name);
}

/* Calls the backing, if any, for key @idx. */
static gboolean
save_value (TendConfig  *self,
            guint        idx,
            const char  *value,
            GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  const char *name = entries[idx].key.name;

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

  for (guint i = 0; i < N_ENTRIES; i++)
    value_clear (i, &self->values[i]);
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

  schema_init ();
}

static void
tend_config_init (TendConfig *self)
{
  for (guint i = 0; i < N_ENTRIES; i++)
    value_copy (i, &self->values[i], &schema.def[i]);

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
  Value values[N_ENTRIES];
  guint8 flags[N_ENTRIES] = { 0, };
  guint changed[N_ENTRIES];
  guint n_changed = 0;
  g_autoptr(GPtrArray) unknown = g_ptr_array_new_with_free_func (g_free);
  g_autofree const char **names = NULL;
  guint n_names = 0;

  g_return_val_if_fail (TEND_IS_CONFIG (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  for (guint i = 0; i < N_ENTRIES; i++)
    value_copy (i, &values[i], &schema.def[i]);

  names = dup_sorted_names (stored, &n_names);

  for (guint n = 0; n < n_names; n++)
    {
      const char *text = g_hash_table_lookup (stored, names[n]);
      gssize idx = lookup_index (names[n]);
      g_autofree char *reason = NULL;
      g_autofree char *def = NULL;
      Value value;

      if (idx < 0)
        {
          g_autofree char *quoted = quote (names[n], '\'');

          g_warning ("Ignoring the stored setting %s: this version of Tend has no such setting",
                     quoted);
          g_ptr_array_add (unknown, g_strdup (names[n]));
          continue;
        }

      def = format_value (idx, &schema.def[idx]);

      if (text == NULL)
        {
          g_warning ("Ignoring the stored value of %s: it is empty; the default %s is used",
                     names[n], def);
          flags[idx] = FLAG_INVALID;
        }
      else if (!parse_value (idx, text, &value, &reason))
        {
          g_warning ("Ignoring the stored value of %s: %s; the default %s is used",
                     names[n], reason, def);
          flags[idx] = FLAG_INVALID;
        }
      else
        {
          value_clear (idx, &values[idx]);
          values[idx] = value;
          flags[idx] = FLAG_STORED;
        }
    }

  /* Two stored values that are each fine may still break a rule together: use the
   * default for one, the lower key first, then for the other if that is not enough. */
  for (guint r = 0; r < N_RULES; r++)
    {
      const guint sides[] = { schema.rule_low[r], schema.rule_high[r] };

      for (guint s = 0; s < G_N_ELEMENTS (sides); s++)
        {
          guint idx = sides[s];
          g_autofree char *reason = NULL;
          g_autofree char *text = NULL;
          g_autofree char *def = NULL;

          if (!(flags[idx] & FLAG_STORED) || check_rules (values, idx, &values[idx], &reason))
            continue;

          text = format_value (idx, &values[idx]);
          def = format_value (idx, &schema.def[idx]);
          g_warning ("Ignoring the stored value of %s: \"%s\" %s; the default %s is used",
                     entries[idx].key.name, text, reason, def);
          value_clear (idx, &values[idx]);
          value_copy (idx, &values[idx], &schema.def[idx]);
          flags[idx] = FLAG_INVALID;
        }
    }

  for (guint n = 0; n < N_ENTRIES; n++)
    {
      guint i = index_of_key (schema.sorted[n]);

      if (!value_equal (i, &self->values[i], &values[i]))
        changed[n_changed++] = i;
      value_clear (i, &self->values[i]);
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

  for (guint i = 0; i < N_ENTRIES; i++)
    {
      if (self->flags[i] & FLAG_INVALID)
        g_ptr_array_add (names, g_strdup (entries[i].key.name));
    }
  for (guint i = 0; i < self->unknown_keys->len; i++)
    g_ptr_array_add (names, g_strdup (g_ptr_array_index (self->unknown_keys, i)));

  g_ptr_array_sort (names, compare_strings);
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
  gssize idx = lookup_index (key);

  if (idx < 0)
    {
      g_critical ("%s: no setting '%s'", func, key);
      return -1;
    }

  if (entries[idx].key.type != type && entries[idx].key.type != other_type)
    {
      g_critical ("%s: setting '%s' is of type %s, not %s", func, key,
                  tend_config_type_to_string (entries[idx].key.type),
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

  return entries[idx].key.type == TEND_CONFIG_TYPE_ENUM ? self->values[idx].e
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

  idx = lookup_index (key);
  if (idx < 0)
    {
      g_critical ("%s: no setting '%s'", G_STRFUNC, key);
      return NULL;
    }

  return format_value (idx, &self->values[idx]);
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

  idx = lookup_index (key);
  if (idx < 0)
    {
      g_critical ("%s: no setting '%s'", G_STRFUNC, key);
      return FALSE;
    }

  return value_equal (idx, &self->values[idx], &schema.def[idx]);
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
  Value value;

  g_return_val_if_fail (TEND_IS_CONFIG (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  idx = lookup_index (key);
  if (idx < 0)
    return set_unknown_key_error (error, key);

  if (!parse_value (idx, text, &value, &reason))
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT, "%s: %s", key, reason);
      return FALSE;
    }

  if (!check_rules (self->values, idx, &value, &reason))
    {
      g_autofree char *quoted = quote (text, '"');

      value_clear (idx, &value);
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT, "%s: %s %s", key, quoted,
                   reason);
      return FALSE;
    }

  changed = !value_equal (idx, &self->values[idx], &value);

  /* A bad stored value is overwritten even when the value in memory (the default) does
   * not change. */
  if (!changed && !(self->flags[idx] & FLAG_INVALID))
    {
      value_clear (idx, &value);
      return TRUE;
    }

  canonical = format_value (idx, &value);
  if (!save_value (self, idx, canonical, error))
    {
      value_clear (idx, &value);
      return FALSE;
    }

  value_clear (idx, &self->values[idx]);
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

  if (!check_rules (self->values, idx, &schema.def[idx], &reason))
    {
      g_autofree char *def = format_value (idx, &schema.def[idx]);

      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   "%s cannot go back to its default of %s: it %s",
                   entries[idx].key.name, def, reason);
      return FALSE;
    }

  changed = !value_equal (idx, &self->values[idx], &schema.def[idx]);

  if (!changed && self->flags[idx] == 0)
    return TRUE;

  if (!save_value (self, idx, NULL, error))
    return FALSE;

  value_clear (idx, &self->values[idx]);
  value_copy (idx, &self->values[idx], &schema.def[idx]);
  self->flags[idx] = 0;

  if (changed)
    emit_changed (self, idx);

  return TRUE;
}

static gboolean
reset_all (TendConfig  *self,
           GError     **error)
{
  guint todo[N_ENTRIES];
  guint changed[N_ENTRIES];
  guint n_todo = 0;
  guint n_changed = 0;

  for (guint n = 0; n < N_ENTRIES; n++)
    {
      guint idx = index_of_key (schema.sorted[n]);

      if (self->flags[idx] != 0 || !value_equal (idx, &self->values[idx], &schema.def[idx]))
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

          text = format_value (idx, &self->values[idx]);
          if (!save_value (self, idx, text, &restore_error))
            g_warning ("After a failed reset, %s could not be saved back as %s: %s",
                       entries[idx].key.name, text, restore_error->message);
        }

      return FALSE;
    }

  for (guint n = 0; n < n_todo; n++)
    {
      guint idx = todo[n];

      if (!value_equal (idx, &self->values[idx], &schema.def[idx]))
        changed[n_changed++] = idx;
      value_clear (idx, &self->values[idx]);
      value_copy (idx, &self->values[idx], &schema.def[idx]);
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

  idx = lookup_index (key);
  if (idx < 0)
    return set_unknown_key_error (error, key);

  return reset_one (self, idx, error);
}
