/* test-config.c — TendConfig: the schema, validation, the changed signal and persistence
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Tend"

#include <string.h>

#include <gio/gio.h>

#include "tend-config.h"
#include "tend-duration.h"
#include "tend-error.h"

#define SEC TEND_USEC_PER_SEC
#define MINUTE TEND_USEC_PER_MIN
#define DAY TEND_USEC_PER_DAY

/* Warnings of the configuration's log domain, "Tend-Config", while a test collects them;
 * NULL otherwise, and then a warning fails the test as usual. */
static GPtrArray *captured_warnings;

static GLogWriterOutput
log_writer (GLogLevelFlags   level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  if (captured_warnings != NULL && (level & G_LOG_LEVEL_WARNING))
    {
      const char *domain = NULL;
      const char *message = NULL;

      for (gsize i = 0; i < n_fields; i++)
        {
          if (strcmp (fields[i].key, "GLIB_DOMAIN") == 0)
            domain = fields[i].value;
          else if (strcmp (fields[i].key, "MESSAGE") == 0)
            message = fields[i].value;
        }

      if (g_strcmp0 (domain, "Tend-Config") == 0 && message != NULL)
        {
          g_ptr_array_add (captured_warnings, g_strdup (message));
          return G_LOG_WRITER_HANDLED;
        }
    }

  return g_log_writer_default (level, fields, n_fields, user_data);
}

static void
capture_warnings (void)
{
  g_assert_null (captured_warnings);
  captured_warnings = g_ptr_array_new_with_free_func (g_free);
}

/* Stops collecting; the warnings must be exactly @expected (NULL-terminated). */
static void
assert_warnings (const char * const *expected)
{
  guint n = g_strv_length ((char **) expected);

  g_assert_nonnull (captured_warnings);
  for (guint i = 0; i < captured_warnings->len; i++)
    g_test_message ("warning: %s", (const char *) g_ptr_array_index (captured_warnings, i));

  g_assert_cmpuint (captured_warnings->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpstr (g_ptr_array_index (captured_warnings, i), ==, expected[i]);

  g_clear_pointer (&captured_warnings, g_ptr_array_unref);
}

static void
assert_value (TendConfig *config,
              const char *key,
              const char *expected)
{
  g_autofree char *value = tend_config_get_as_string (config, key);

  g_assert_cmpstr (value, ==, expected);
}

static void
assert_set (TendConfig *config,
            const char *key,
            const char *text,
            const char *expected)
{
  g_autoptr(GError) error = NULL;

  g_test_message ("set %s = \"%s\"", key, text);
  g_assert_true (tend_config_set_from_string (config, key, text, &error));
  g_assert_no_error (error);
  assert_value (config, key, expected);
}

/* Setting @text must fail with @code and @message, and leave the value as it was. */
static void
assert_set_fails (TendConfig *config,
                  const char *key,
                  const char *text,
                  int         code,
                  const char *message)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;

  if (tend_config_lookup_key (key) != NULL)
    before = tend_config_get_as_string (config, key);

  g_test_message ("set %s = \"%s\" fails", key, text);
  g_assert_false (tend_config_set_from_string (config, key, text, &error));
  g_assert_error (error, TEND_ERROR, code);
  g_assert_cmpstr (error->message, ==, message);

  if (before != NULL)
    assert_value (config, key, before);
}

/* The schema */

static const char * const categories[] = {
  "checks", "notifications", "recovery", "retention", "store", NULL,
};

static void
test_schema_sorted (void)
{
  guint n_keys = 0;
  const TendConfigKey * const *keys = tend_config_list_keys (&n_keys);
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  guint n = 0;

  g_assert_nonnull (keys);
  g_assert_cmpuint (n_keys, >, 20);
  g_assert_true (tend_config_list_keys (NULL) == keys);

  for (n = 0; keys[n] != NULL; n++)
    {
      const TendConfigKey *key = keys[n];
      g_autofree char *prefix = g_strconcat (key->category, ".", NULL);
      gboolean numeric = key->type == TEND_CONFIG_TYPE_INT ||
                         key->type == TEND_CONFIG_TYPE_DOUBLE ||
                         key->type == TEND_CONFIG_TYPE_DURATION;
      g_autofree char *range = tend_config_key_dup_range (key);

      g_test_message ("key %s", key->name);

      /* Sorted by category, then by name; names are unique. */
      if (n > 0)
        {
          int cmp = strcmp (keys[n - 1]->category, key->category);

          g_assert_cmpint (cmp, <=, 0);
          if (cmp == 0)
            g_assert_cmpint (strcmp (keys[n - 1]->name, key->name), <, 0);
        }
      g_assert_true (g_hash_table_add (names, (gpointer) key->name));

      /* Named after its category, which is one of the known ones. */
      g_assert_true (g_strv_contains (categories, key->category));
      g_assert_true (g_str_has_prefix (key->name, prefix));
      g_assert_cmpuint (strlen (key->name), >, strlen (prefix));
      for (const char *p = key->name; *p != '\0'; p++)
        g_assert_true (g_ascii_islower (*p) || g_ascii_isdigit (*p) || *p == '-' || *p == '.');

      /* Found by its name. */
      g_assert_true (tend_config_lookup_key (key->name) == key);

      /* A description that fits on a line, as a sentence without its full stop. */
      g_assert_nonnull (key->description);
      g_assert_true (g_ascii_isupper (key->description[0]));
      g_assert_cmpuint (strlen (key->description), <=, 100);
      g_assert_false (g_str_has_suffix (key->description, "."));

      /* Fields of other types are not set. */
      g_assert_nonnull (key->default_value);
      g_assert_true ((key->minimum != NULL) == numeric);
      g_assert_true ((key->maximum != NULL) == numeric);
      g_assert_true ((key->choices != NULL) == (key->type == TEND_CONFIG_TYPE_ENUM));
      g_assert_nonnull (range);
      g_assert_cmpstr (range, !=, "");
    }

  g_assert_cmpuint (n, ==, n_keys);

  g_assert_null (tend_config_lookup_key ("checks"));
  g_assert_null (tend_config_lookup_key ("checks.nope"));
  g_assert_null (tend_config_lookup_key (""));
}

static void
count_emission (TendConfig *config,
                const char *key,
                guint      *n)
{
  (*n)++;
}

/* A test that fails if someone adds a default that its own key would refuse. */
static void
test_schema_defaults_valid (void)
{
  const TendConfigKey * const *keys = tend_config_list_keys (NULL);

  for (guint n = 0; keys[n] != NULL; n++)
    {
      const TendConfigKey *key = keys[n];
      g_autoptr(TendConfig) config = tend_config_new ();
      g_autoptr(GError) error = NULL;
      guint emissions = 0;

      g_test_message ("key %s, default \"%s\"", key->name, key->default_value);

      g_signal_connect (config, "changed", G_CALLBACK (count_emission), &emissions);

      /* The default is what a new configuration holds, written as it writes it ... */
      assert_value (config, key->name, key->default_value);
      g_assert_true (tend_config_is_default (config, key->name));

      /* ... and it passes the key's own checks: type, range, rules with other keys. */
      g_assert_true (tend_config_set_from_string (config, key->name, key->default_value, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (emissions, ==, 0);

      if (key->type == TEND_CONFIG_TYPE_ENUM)
        {
          g_assert_true (g_strv_contains (key->choices, key->default_value));
          for (guint i = 0; key->choices[i] != NULL; i++)
            assert_set (config, key->name, key->choices[i], key->choices[i]);
        }

      /* The bounds are values of the key too, written the same way. A bound may break
       * a rule with another key's default; then it is refused for that reason alone. */
      if (key->minimum != NULL)
        {
          const char *bounds[] = { key->minimum, key->maximum };

          for (guint i = 0; i < G_N_ELEMENTS (bounds); i++)
            {
              g_autoptr(TendConfig) fresh = tend_config_new ();
              g_autoptr(GError) bound_error = NULL;

              if (tend_config_set_from_string (fresh, key->name, bounds[i], &bound_error))
                assert_value (fresh, key->name, bounds[i]);
              else
                g_assert_true (strstr (bound_error->message, " must ") != NULL);
            }
        }
    }
}

static void
test_defaults (void)
{
  g_autoptr(TendConfig) config = tend_config_new ();

  g_assert_cmpint (tend_config_get_duration (config, "checks.default-interval"), ==, 30 * SEC);
  g_assert_cmpint (tend_config_get_duration (config, "checks.default-timeout"), ==, 10 * SEC);
  g_assert_cmpint (tend_config_get_int (config, "checks.failures-before-hard"), ==, 3);
  g_assert_cmpint (tend_config_get_int (config, "checks.successes-before-recovered"), ==, 2);
  g_assert_cmpint (tend_config_get_int (config, "checks.max-concurrent"), ==, 50);
  g_assert_cmpfloat (tend_config_get_double (config, "checks.flap-start-percent"), ==, 30.0);
  g_assert_cmpfloat (tend_config_get_double (config, "checks.flap-end-percent"), ==, 25.0);
  g_assert_cmpstr (tend_config_get_string (config, "recovery.default-policy"), ==, "on-failure");
  g_assert_cmpint (tend_config_get_int (config, "recovery.max-attempts"), ==, 3);
  g_assert_cmpint (tend_config_get_duration (config, "recovery.window"), ==, 15 * MINUTE);
  g_assert_cmpint (tend_config_get_duration (config, "recovery.backoff-initial"), ==, 10 * SEC);
  g_assert_cmpfloat (tend_config_get_double (config, "recovery.backoff-multiplier"), ==, 2.0);
  g_assert_cmpint (tend_config_get_duration (config, "recovery.backoff-max"), ==, 5 * MINUTE);
  g_assert_cmpint (tend_config_get_duration (config, "retention.raw"), ==, 7 * DAY);
  g_assert_cmpint (tend_config_get_duration (config, "retention.minute-rollups"), ==, 30 * DAY);
  g_assert_cmpint (tend_config_get_duration (config, "retention.hourly-rollups"), ==, 365 * DAY);
  g_assert_true (tend_config_get_boolean (config, "notifications.enabled"));
  g_assert_false (tend_config_get_boolean (config, "notifications.on-degraded"));
  g_assert_true (tend_config_get_boolean (config, "notifications.on-recovered"));
  g_assert_cmpstr (tend_config_get_string (config, "notifications.webhook-url"), ==, "");
  g_assert_cmpint (tend_config_get_duration (config, "store.batch-interval"), ==, 100 * 1000);
  g_assert_cmpint (tend_config_get_int (config, "store.queue-limit"), ==, 100000);

  assert_value (config, "checks.default-interval", "30s");
  assert_value (config, "recovery.window", "15min");
  assert_value (config, "retention.raw", "7d");
  assert_value (config, "checks.failures-before-hard", "3");
  assert_value (config, "recovery.backoff-multiplier", "2.0");
  assert_value (config, "notifications.enabled", "true");
  assert_value (config, "notifications.on-degraded", "false");
  assert_value (config, "recovery.default-policy", "on-failure");
  assert_value (config, "notifications.webhook-url", "");
}

static void
test_ranges_and_types (void)
{
  static const struct { const char *key; const char *range; } cases[] = {
    { "checks.default-interval", "1s..1d" },
    { "checks.failures-before-hard", "1..100" },
    { "recovery.backoff-multiplier", "1.0..10.0" },
    { "recovery.default-policy", "never, on-failure, always, backoff" },
    { "notifications.enabled", "true or false" },
    { "notifications.webhook-url", "empty, or an http or https URL" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *range = tend_config_key_dup_range (tend_config_lookup_key (cases[i].key));

      g_assert_cmpstr (range, ==, cases[i].range);
    }

  g_assert_cmpstr (tend_config_type_to_string (TEND_CONFIG_TYPE_BOOL), ==, "bool");
  g_assert_cmpstr (tend_config_type_to_string (TEND_CONFIG_TYPE_INT), ==, "int");
  g_assert_cmpstr (tend_config_type_to_string (TEND_CONFIG_TYPE_DOUBLE), ==, "double");
  g_assert_cmpstr (tend_config_type_to_string (TEND_CONFIG_TYPE_STRING), ==, "string");
  g_assert_cmpstr (tend_config_type_to_string (TEND_CONFIG_TYPE_ENUM), ==, "enum");
  g_assert_cmpstr (tend_config_type_to_string (TEND_CONFIG_TYPE_DURATION), ==, "duration");
  g_assert_true (G_TYPE_IS_ENUM (TEND_TYPE_CONFIG_TYPE));
}

/* Each type */

static void
test_bool (void)
{
  static const struct { const char *text; gboolean value; } good[] = {
    { "true", TRUE }, { "false", FALSE }, { "yes", TRUE }, { "no", FALSE }, { "on", TRUE },
    { "off", FALSE }, { "1", TRUE }, { "0", FALSE }, { "TRUE", TRUE }, { "False", FALSE },
    { " true ", TRUE },
  };
  static const char * const bad[] = { "maybe", "", "2", "tru", "truefalse", "t" };
  g_autoptr(TendConfig) config = tend_config_new ();
  const char *key = "notifications.on-degraded";

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      assert_set (config, key, good[i].text, good[i].value ? "true" : "false");
      g_assert_true (tend_config_get_boolean (config, key) == good[i].value);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *message =
        g_strdup_printf ("notifications.on-degraded: \"%s\" is not true or false", bad[i]);

      assert_set_fails (config, key, bad[i], TEND_ERROR_INVALID_ARGUMENT, message);
    }
}

static void
test_int (void)
{
  g_autoptr(TendConfig) config = tend_config_new ();
  const char *key = "checks.failures-before-hard";

  assert_set (config, key, "1", "1");
  assert_set (config, key, "100", "100");
  assert_set (config, key, "42", "42");
  assert_set (config, key, " 7 ", "7");
  assert_set (config, key, "007", "7");
  g_assert_cmpint (tend_config_get_int (config, key), ==, 7);

  assert_set_fails (config, key, "0", TEND_ERROR_INVALID_ARGUMENT,
                    "checks.failures-before-hard: \"0\" is below the minimum of 1");
  assert_set_fails (config, key, "-5", TEND_ERROR_INVALID_ARGUMENT,
                    "checks.failures-before-hard: \"-5\" is below the minimum of 1");
  assert_set_fails (config, key, "101", TEND_ERROR_INVALID_ARGUMENT,
                    "checks.failures-before-hard: \"101\" is above the maximum of 100");
  assert_set_fails (config, key, "99999999999999999999", TEND_ERROR_INVALID_ARGUMENT,
                    "checks.failures-before-hard: \"99999999999999999999\" is above the "
                    "maximum of 100");
  assert_set_fails (config, key, "-99999999999999999999", TEND_ERROR_INVALID_ARGUMENT,
                    "checks.failures-before-hard: \"-99999999999999999999\" is below the "
                    "minimum of 1");
  assert_set_fails (config, key, "3.0", TEND_ERROR_INVALID_ARGUMENT,
                    "checks.failures-before-hard: \"3.0\" is not a whole number");
  assert_set_fails (config, key, "1e2", TEND_ERROR_INVALID_ARGUMENT,
                    "checks.failures-before-hard: \"1e2\" is not a whole number");
  assert_set_fails (config, key, "three", TEND_ERROR_INVALID_ARGUMENT,
                    "checks.failures-before-hard: \"three\" is not a whole number");
  assert_set_fails (config, key, "", TEND_ERROR_INVALID_ARGUMENT,
                    "checks.failures-before-hard: \"\" is not a whole number");
  assert_set_fails (config, key, "0x10", TEND_ERROR_INVALID_ARGUMENT,
                    "checks.failures-before-hard: \"0x10\" is not a whole number");

  /* Other keys have other ranges. */
  assert_set (config, "store.queue-limit", "1000", "1000");
  assert_set_fails (config, "store.queue-limit", "999", TEND_ERROR_INVALID_ARGUMENT,
                    "store.queue-limit: \"999\" is below the minimum of 1000");
  assert_set_fails (config, "checks.max-concurrent", "10001", TEND_ERROR_INVALID_ARGUMENT,
                    "checks.max-concurrent: \"10001\" is above the maximum of 10000");
  assert_set_fails (config, "recovery.loop-threshold", "1", TEND_ERROR_INVALID_ARGUMENT,
                    "recovery.loop-threshold: \"1\" is below the minimum of 2");
}

static void
test_double (void)
{
  g_autoptr(TendConfig) config = tend_config_new ();
  const char *key = "recovery.backoff-multiplier";

  assert_set (config, key, "1", "1.0");
  assert_set (config, key, "1.5", "1.5");
  assert_set (config, key, "2.50", "2.5");
  assert_set (config, key, "10", "10.0");
  assert_set (config, key, " 3 ", "3.0");
  assert_set (config, key, "1e0", "1.0");
  assert_set (config, key, "1.1", "1.1");
  g_assert_cmpfloat (tend_config_get_double (config, key), ==, 1.1);
  assert_set (config, key, "3.3333333333333335", "3.3333333333333335");

  assert_set_fails (config, key, "0.5", TEND_ERROR_INVALID_ARGUMENT,
                    "recovery.backoff-multiplier: \"0.5\" is below the minimum of 1.0");
  assert_set_fails (config, key, "10.000001", TEND_ERROR_INVALID_ARGUMENT,
                    "recovery.backoff-multiplier: \"10.000001\" is above the maximum of 10.0");
  assert_set_fails (config, key, "1e999", TEND_ERROR_INVALID_ARGUMENT,
                    "recovery.backoff-multiplier: \"1e999\" is above the maximum of 10.0");
  assert_set_fails (config, key, "-1e999", TEND_ERROR_INVALID_ARGUMENT,
                    "recovery.backoff-multiplier: \"-1e999\" is below the minimum of 1.0");
  assert_set_fails (config, key, "nan", TEND_ERROR_INVALID_ARGUMENT,
                    "recovery.backoff-multiplier: \"nan\" is not a number");
  assert_set_fails (config, key, "inf", TEND_ERROR_INVALID_ARGUMENT,
                    "recovery.backoff-multiplier: \"inf\" is not a number");
  assert_set_fails (config, key, "0x2", TEND_ERROR_INVALID_ARGUMENT,
                    "recovery.backoff-multiplier: \"0x2\" is not a number");
  assert_set_fails (config, key, "2,5", TEND_ERROR_INVALID_ARGUMENT,
                    "recovery.backoff-multiplier: \"2,5\" is not a number");
  assert_set_fails (config, key, "", TEND_ERROR_INVALID_ARGUMENT,
                    "recovery.backoff-multiplier: \"\" is not a number");
  assert_set_fails (config, key, "2..5", TEND_ERROR_INVALID_ARGUMENT,
                    "recovery.backoff-multiplier: \"2..5\" is not a number");

  assert_set (config, "checks.flap-start-percent", "100", "100.0");
  assert_set_fails (config, "checks.flap-start-percent", "100.5", TEND_ERROR_INVALID_ARGUMENT,
                    "checks.flap-start-percent: \"100.5\" is above the maximum of 100.0");
}

static void
test_duration (void)
{
  g_autoptr(TendConfig) config = tend_config_new ();
  const char *key = "checks.default-interval";

  assert_set (config, key, "90s", "1min 30s");
  g_assert_cmpint (tend_config_get_duration (config, key), ==, 90 * SEC);
  assert_set (config, key, "1h30min", "1h 30min");
  assert_set (config, key, "45", "45s");
  assert_set (config, key, "1d", "1d");
  assert_set (config, key, "0.5min", "30s");
  g_assert_true (tend_config_is_default (config, key));

  assert_set_fails (config, key, "0.5s", TEND_ERROR_INVALID_ARGUMENT,
                    "checks.default-interval: \"0.5s\" is below the minimum of 1s");
  assert_set_fails (config, key, "0", TEND_ERROR_INVALID_ARGUMENT,
                    "checks.default-interval: \"0\" is below the minimum of 1s");
  assert_set_fails (config, key, "1d 1ms", TEND_ERROR_INVALID_ARGUMENT,
                    "checks.default-interval: \"1d 1ms\" is above the maximum of 1d");
  assert_set_fails (config, key, "10x", TEND_ERROR_INVALID_ARGUMENT,
                    "checks.default-interval: \"10x\" is not a duration: unknown unit \"x\" "
                    "(use ms, s, min, h, d or w)");
  assert_set_fails (config, key, "-5s", TEND_ERROR_INVALID_ARGUMENT,
                    "checks.default-interval: \"-5s\" is not a duration: it is negative");
  assert_set_fails (config, key, "", TEND_ERROR_INVALID_ARGUMENT,
                    "checks.default-interval: \"\" is not a duration: it is empty");
  assert_set_fails (config, key, "99999999999999w", TEND_ERROR_INVALID_ARGUMENT,
                    "checks.default-interval: \"99999999999999w\" is not a duration: it is "
                    "too large");

  assert_set (config, "retention.raw", "1h", "1h");
  assert_set (config, "retention.raw", "2w", "2w");
  assert_set (config, "retention.raw", "1w", "7d");
  assert_set_fails (config, "retention.raw", "59min", TEND_ERROR_INVALID_ARGUMENT,
                    "retention.raw: \"59min\" is below the minimum of 1h");
  assert_set_fails (config, "retention.raw", "366d", TEND_ERROR_INVALID_ARGUMENT,
                    "retention.raw: \"366d\" is above the maximum of 365d");
  assert_set (config, "store.batch-interval", "10ms", "10ms");
  assert_set_fails (config, "store.batch-interval", "9ms", TEND_ERROR_INVALID_ARGUMENT,
                    "store.batch-interval: \"9ms\" is below the minimum of 10ms");
  assert_set (config, "recovery.cooldown", "0", "0s");
}

static void
test_enum (void)
{
  g_autoptr(TendConfig) config = tend_config_new ();
  const char *key = "recovery.default-policy";
  const TendConfigKey *schema = tend_config_lookup_key (key);

  assert_set (config, key, "backoff", "backoff");
  assert_set (config, key, "Always", "always");
  assert_set (config, key, " never ", "never");
  /* The value is one of the schema's own strings. */
  g_assert_true (tend_config_get_string (config, key) == schema->choices[0]);

  assert_set_fails (config, key, "sometimes", TEND_ERROR_INVALID_ARGUMENT,
                    "recovery.default-policy: \"sometimes\" is not one of never, on-failure, "
                    "always, backoff");
  assert_set_fails (config, key, "", TEND_ERROR_INVALID_ARGUMENT,
                    "recovery.default-policy: \"\" is not one of never, on-failure, always, "
                    "backoff");
  assert_set_fails (config, key, "on_failure", TEND_ERROR_INVALID_ARGUMENT,
                    "recovery.default-policy: \"on_failure\" is not one of never, on-failure, "
                    "always, backoff");
}

static void
test_string (void)
{
  g_autoptr(TendConfig) config = tend_config_new ();
  const char *key = "notifications.webhook-url";
  g_autoptr(GString) long_url = g_string_new ("https://example.com/");
  g_autofree char *long_message = NULL;

  assert_set (config, key, "https://example.com/hook", "https://example.com/hook");
  g_assert_cmpstr (tend_config_get_string (config, key), ==, "https://example.com/hook");
  assert_set (config, key, "http://127.0.0.1:8080/x?y=1", "http://127.0.0.1:8080/x?y=1");
  assert_set (config, key, "HTTPS://Example.com/", "HTTPS://Example.com/");
  assert_set (config, key, "http://[::1]:9000/", "http://[::1]:9000/");
  assert_set (config, key, "", "");
  g_assert_true (tend_config_is_default (config, key));

  assert_set_fails (config, key, "ftp://example.com/", TEND_ERROR_INVALID_ARGUMENT,
                    "notifications.webhook-url: \"ftp://example.com/\" is not an http or https "
                    "URL (such as https://example.com/hook); leave it empty for none");
  assert_set_fails (config, key, "example.com/hook", TEND_ERROR_INVALID_ARGUMENT,
                    "notifications.webhook-url: \"example.com/hook\" is not an http or https "
                    "URL (such as https://example.com/hook); leave it empty for none");
  assert_set_fails (config, key, "https://", TEND_ERROR_INVALID_ARGUMENT,
                    "notifications.webhook-url: \"https://\" has no host name");
  assert_set_fails (config, key, "https:///hook", TEND_ERROR_INVALID_ARGUMENT,
                    "notifications.webhook-url: \"https:///hook\" has no host name");
  assert_set_fails (config, key, "https://user:secret@example.com/", TEND_ERROR_INVALID_ARGUMENT,
                    "notifications.webhook-url: \"https://user:secret@example.com/\" contains a "
                    "user name or password; Tend does not store secrets in its configuration");
  assert_set_fails (config, key, "https://example.com/a b", TEND_ERROR_INVALID_ARGUMENT,
                    "notifications.webhook-url: \"https://example.com/a b\" contains a space or "
                    "a control character; write spaces in a URL as %20");
  assert_set_fails (config, key, " https://example.com/", TEND_ERROR_INVALID_ARGUMENT,
                    "notifications.webhook-url: \" https://example.com/\" contains a space or "
                    "a control character; write spaces in a URL as %20");
  assert_set_fails (config, key, "https://example.com/\n", TEND_ERROR_INVALID_ARGUMENT,
                    "notifications.webhook-url: \"https://example.com/\\n\" contains a space or "
                    "a control character; write spaces in a URL as %20");
  assert_set_fails (config, key, "https://exa%mple.com/", TEND_ERROR_INVALID_ARGUMENT,
                    "notifications.webhook-url: \"https://exa%mple.com/\" is not an http or "
                    "https URL (such as https://example.com/hook); leave it empty for none");

  while (long_url->len <= 2048)
    g_string_append (long_url, "a");
  long_message = g_strdup_printf ("notifications.webhook-url: \"%.80s…\" is longer than 2048 "
                                  "characters", long_url->str);
  assert_set_fails (config, key, long_url->str, TEND_ERROR_INVALID_ARGUMENT, long_message);
  g_string_truncate (long_url, 2048);
  assert_set (config, key, long_url->str, long_url->str);
}

/* Unknown keys */

static void
test_unknown_key (void)
{
  static const struct { const char *typed; const char *suggestion; } cases[] = {
    { "checks.intervall", "checks.default-interval" },
    { "checks.interval", "checks.default-interval" },
    { "checks.default-intervall", "checks.default-interval" },
    { "check.default-interval", "checks.default-interval" },
    { "CHECKS.DEFAULT-INTERVAL", "checks.default-interval" },
    { "default-interval", "checks.default-interval" },
    { "chekcs.max-concurrent", "checks.max-concurrent" },
    { "checks.timeout", "checks.default-timeout" },
    { "recovery.policy", "recovery.default-policy" },
    { "recovery.windw", "recovery.window" },
    { "notifications.webhook", "notifications.webhook-url" },
    { "notification.enabled", "notifications.enabled" },
    { "retention.raww", "retention.raw" },
    { "store.queue-limt", "store.queue-limit" },
    { "frobnicate", NULL },
    { "", NULL },
    { "checks.", NULL },
    { "x.y", NULL },
    { "checks.colour", NULL },
    { "recovery.everything-at-once", NULL },
  };
  g_autoptr(TendConfig) config = tend_config_new ();
  g_autoptr(GString) long_name = g_string_new (NULL);
  g_autofree char *long_message = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *message = NULL;
      g_autoptr(GError) error = NULL;

      if (cases[i].suggestion != NULL)
        message = g_strdup_printf ("no setting '%s'; did you mean '%s'?", cases[i].typed,
                                   cases[i].suggestion);
      else
        message = g_strdup_printf ("no setting '%s'", cases[i].typed);

      assert_set_fails (config, cases[i].typed, "1", TEND_ERROR_NOT_FOUND, message);

      /* Resetting one is the same mistake. */
      g_assert_false (tend_config_reset (config, cases[i].typed, &error));
      g_assert_error (error, TEND_ERROR, TEND_ERROR_NOT_FOUND);
      g_assert_cmpstr (error->message, ==, message);
    }

  /* What a person typed is quoted safely and cut short. */
  assert_set_fails (config, "it's\n", "1", TEND_ERROR_NOT_FOUND, "no setting 'it\\'s\\n'");
  for (guint i = 0; i < 1000; i++)
    g_string_append_c (long_name, 'a');
  long_message = g_strdup_printf ("no setting '%.80s…'", long_name->str);
  assert_set_fails (config, long_name->str, "1", TEND_ERROR_NOT_FOUND, long_message);
}

/* Rules between keys */

static void
test_cross_key (void)
{
  g_autoptr(TendConfig) config = tend_config_new ();
  g_autoptr(GError) error = NULL;

  /* A check's timeout is below its interval, whichever of the two is set. */
  assert_set_fails (config, "checks.default-timeout", "30s", TEND_ERROR_INVALID_ARGUMENT,
                    "checks.default-timeout: \"30s\" must be below checks.default-interval, "
                    "which is 30s");
  assert_set_fails (config, "checks.default-timeout", "1min", TEND_ERROR_INVALID_ARGUMENT,
                    "checks.default-timeout: \"1min\" must be below checks.default-interval, "
                    "which is 30s");
  assert_set_fails (config, "checks.default-interval", "10s", TEND_ERROR_INVALID_ARGUMENT,
                    "checks.default-interval: \"10s\" must be above checks.default-timeout, "
                    "which is 10s");
  assert_set_fails (config, "checks.default-interval", "1s", TEND_ERROR_INVALID_ARGUMENT,
                    "checks.default-interval: \"1s\" must be above checks.default-timeout, "
                    "which is 10s");
  assert_set (config, "checks.default-timeout", "29.999s", "29s 999ms");
  assert_set (config, "checks.default-timeout", "2s", "2s");
  assert_set (config, "checks.default-interval", "3s", "3s");

  /* The range is checked first. */
  assert_set_fails (config, "checks.default-timeout", "2h", TEND_ERROR_INVALID_ARGUMENT,
                    "checks.default-timeout: \"2h\" is above the maximum of 1h");

  /* Going back to a default that would break the rule is refused, and says why. */
  assert_set (config, "checks.default-interval", "5min", "5min");
  assert_set (config, "checks.default-timeout", "1min", "1min");
  g_assert_false (tend_config_reset (config, "checks.default-interval", &error));
  g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==,
                   "checks.default-interval cannot go back to its default of 30s: it must be "
                   "above checks.default-timeout, which is 1min");
  g_clear_error (&error);
  assert_value (config, "checks.default-interval", "5min");
  g_assert_true (tend_config_reset (config, "checks.default-timeout", &error));
  g_assert_true (tend_config_reset (config, "checks.default-interval", &error));
  g_assert_no_error (error);

  /* Flapping ends below the level where it starts. */
  assert_set_fails (config, "checks.flap-end-percent", "30", TEND_ERROR_INVALID_ARGUMENT,
                    "checks.flap-end-percent: \"30\" must be below checks.flap-start-percent, "
                    "which is 30.0");
  assert_set_fails (config, "checks.flap-start-percent", "25.0", TEND_ERROR_INVALID_ARGUMENT,
                    "checks.flap-start-percent: \"25.0\" must be above checks.flap-end-percent, "
                    "which is 25.0");
  assert_set (config, "checks.flap-end-percent", "29.9", "29.9");

  /* Backoff starts no higher than its maximum; equal is fine. */
  assert_set (config, "recovery.backoff-initial", "5min", "5min");
  assert_set_fails (config, "recovery.backoff-initial", "6min", TEND_ERROR_INVALID_ARGUMENT,
                    "recovery.backoff-initial: \"6min\" must not be above recovery.backoff-max, "
                    "which is 5min");
  assert_set_fails (config, "recovery.backoff-max", "4min", TEND_ERROR_INVALID_ARGUMENT,
                    "recovery.backoff-max: \"4min\" must not be below recovery.backoff-initial, "
                    "which is 5min");
}

/* The changed signal */

typedef struct
{
  TendConfig *config;
  guint n_interval;          /* emissions of changed::checks.default-interval */
  guint n_any;               /* emissions of changed */
  GPtrArray *keys;           /* the key of each emission of changed */
  gint64 interval_seen;      /* the value a handler read */
} Changes;

static void
on_interval_changed (TendConfig *config,
                     const char *key,
                     Changes    *changes)
{
  g_assert_cmpstr (key, ==, "checks.default-interval");
  changes->n_interval++;
  changes->interval_seen = tend_config_get_duration (config, key);
}

static void
on_changed (TendConfig *config,
            const char *key,
            Changes    *changes)
{
  g_assert_true (config == changes->config);
  changes->n_any++;
  g_ptr_array_add (changes->keys, g_strdup (key));
}

static void
changes_init (Changes    *changes,
              TendConfig *config)
{
  changes->config = config;
  changes->n_interval = 0;
  changes->n_any = 0;
  changes->keys = g_ptr_array_new_with_free_func (g_free);
  changes->interval_seen = 0;

  g_signal_connect (config, "changed::checks.default-interval",
                    G_CALLBACK (on_interval_changed), changes);
  g_signal_connect (config, "changed", G_CALLBACK (on_changed), changes);
}

static void
changes_clear (Changes *changes)
{
  g_signal_handlers_disconnect_by_data (changes->config, changes);
  g_clear_pointer (&changes->keys, g_ptr_array_unref);
}

static void
assert_changed_keys (Changes            *changes,
                     const char * const *expected)
{
  guint n = g_strv_length ((char **) expected);

  g_assert_cmpuint (changes->keys->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpstr (g_ptr_array_index (changes->keys, i), ==, expected[i]);
  g_ptr_array_set_size (changes->keys, 0);
}

static void
test_changed_signal (void)
{
  g_autoptr(TendConfig) config = tend_config_new ();
  g_autoptr(GError) error = NULL;
  Changes changes;

  changes_init (&changes, config);

  /* A change emits once, with the key as detail and argument, after the value changed. */
  assert_set (config, "checks.default-interval", "1min", "1min");
  g_assert_cmpuint (changes.n_interval, ==, 1);
  g_assert_cmpuint (changes.n_any, ==, 1);
  g_assert_cmpint (changes.interval_seen, ==, MINUTE);
  assert_changed_keys (&changes, (const char * const []) { "checks.default-interval", NULL });

  /* The same value, however it is written, is no change. */
  assert_set (config, "checks.default-interval", "1min", "1min");
  assert_set (config, "checks.default-interval", "60s", "1min");
  assert_set (config, "checks.default-interval", "60", "1min");
  g_assert_cmpuint (changes.n_interval, ==, 1);
  g_assert_cmpuint (changes.n_any, ==, 1);

  /* Another key: not this detail. */
  assert_set (config, "checks.max-concurrent", "10", "10");
  g_assert_cmpuint (changes.n_interval, ==, 1);
  g_assert_cmpuint (changes.n_any, ==, 2);
  assert_changed_keys (&changes, (const char * const []) { "checks.max-concurrent", NULL });

  /* A refused value changes nothing. */
  assert_set_fails (config, "checks.default-interval", "0s", TEND_ERROR_INVALID_ARGUMENT,
                    "checks.default-interval: \"0s\" is below the minimum of 1s");
  g_assert_cmpuint (changes.n_any, ==, 2);

  /* Reset: once, and not again when it is already at its default. */
  g_assert_true (tend_config_reset (config, "checks.default-interval", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changes.n_interval, ==, 2);
  g_assert_cmpint (changes.interval_seen, ==, 30 * SEC);
  g_assert_true (tend_config_reset (config, "checks.default-interval", &error));
  g_assert_cmpuint (changes.n_interval, ==, 2);
  g_assert_cmpuint (changes.n_any, ==, 3);
  assert_changed_keys (&changes, (const char * const []) { "checks.default-interval", NULL });

  /* Reset of everything: one emission per key that changed. */
  assert_set (config, "retention.raw", "1d", "1d");
  assert_set (config, "notifications.enabled", "false", "false");
  g_ptr_array_set_size (changes.keys, 0);
  g_assert_true (tend_config_reset (config, NULL, &error));
  g_assert_no_error (error);
  assert_changed_keys (&changes, (const char * const []) {
    "checks.max-concurrent", "notifications.enabled", "retention.raw", NULL });
  g_assert_true (tend_config_reset (config, NULL, &error));
  g_assert_cmpuint (changes.keys->len, ==, 0);

  changes_clear (&changes);
}

static void
test_reset (void)
{
  g_autoptr(TendConfig) config = tend_config_new ();
  g_autoptr(GError) error = NULL;
  const TendConfigKey * const *keys = tend_config_list_keys (NULL);

  assert_set (config, "checks.default-interval", "2min", "2min");
  assert_set (config, "recovery.default-policy", "never", "never");
  assert_set (config, "notifications.webhook-url", "https://example.com/", "https://example.com/");
  g_assert_false (tend_config_is_default (config, "checks.default-interval"));
  g_assert_false (tend_config_is_default (config, "notifications.webhook-url"));
  g_assert_true (tend_config_is_default (config, "retention.raw"));

  g_assert_true (tend_config_reset (config, "checks.default-interval", &error));
  g_assert_no_error (error);
  g_assert_true (tend_config_is_default (config, "checks.default-interval"));
  assert_value (config, "checks.default-interval", "30s");
  assert_value (config, "recovery.default-policy", "never");

  g_assert_true (tend_config_reset (config, NULL, &error));
  g_assert_no_error (error);
  for (guint n = 0; keys[n] != NULL; n++)
    {
      g_assert_true (tend_config_is_default (config, keys[n]->name));
      assert_value (config, keys[n]->name, keys[n]->default_value);
    }
}

/* Persistence */

typedef struct
{
  GPtrArray *calls;     /* "key=value" or "key=(default)" per call */
  guint n_calls;
  guint fail_at;        /* the call (counting from 1) that fails; 0 for none */
  gboolean fail_quietly;  /* fail without setting an error */
  guint n_destroyed;
} Backing;

static gboolean
backing_save (const char  *key,
              const char  *value,
              gpointer     user_data,
              GError     **error)
{
  Backing *backing = user_data;

  g_ptr_array_add (backing->calls, g_strdup_printf ("%s=%s", key, value ? value : "(default)"));

  if (++backing->n_calls == backing->fail_at)
    {
      if (!backing->fail_quietly)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, "the disk is full");
      return FALSE;
    }

  return TRUE;
}

static void
backing_destroy (gpointer user_data)
{
  Backing *backing = user_data;

  backing->n_destroyed++;
}

static void
backing_init (Backing *backing)
{
  memset (backing, 0, sizeof *backing);
  backing->calls = g_ptr_array_new_with_free_func (g_free);
}

/* The calls since the last look must be exactly @expected. */
static void
assert_saved (Backing            *backing,
              const char * const *expected)
{
  guint n = g_strv_length ((char **) expected);

  for (guint i = 0; i < backing->calls->len; i++)
    g_test_message ("saved %s", (const char *) g_ptr_array_index (backing->calls, i));

  g_assert_cmpuint (backing->calls->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpstr (g_ptr_array_index (backing->calls, i), ==, expected[i]);
  g_ptr_array_set_size (backing->calls, 0);
}

#define SAVED(...) ((const char * const []) { __VA_ARGS__, NULL })
#define NOTHING ((const char * const []) { NULL })

static void
test_backing (void)
{
  g_autoptr(TendConfig) config = tend_config_new ();
  g_autoptr(GError) error = NULL;
  Backing backing;
  Changes changes;

  backing_init (&backing);
  changes_init (&changes, config);
  tend_config_set_backing (config, backing_save, &backing, backing_destroy);

  /* A change is saved as the program writes it; a non-change is not saved. */
  assert_set (config, "checks.default-interval", "90s", "1min 30s");
  assert_saved (&backing, SAVED ("checks.default-interval=1min 30s"));
  assert_set (config, "checks.default-interval", "1.5min", "1min 30s");
  assert_saved (&backing, NOTHING);
  assert_set (config, "checks.failures-before-hard", "3", "3");
  assert_saved (&backing, NOTHING);
  assert_set (config, "notifications.on-degraded", "yes", "true");
  assert_saved (&backing, SAVED ("notifications.on-degraded=true"));

  /* Reset forgets the stored value; once. */
  g_assert_true (tend_config_reset (config, "checks.default-interval", &error));
  assert_saved (&backing, SAVED ("checks.default-interval=(default)"));
  g_assert_true (tend_config_reset (config, "checks.default-interval", &error));
  assert_saved (&backing, NOTHING);

  /* A key set to its default value explicitly is stored, and reset forgets it. */
  assert_set (config, "retention.raw", "1d", "1d");
  assert_set (config, "retention.raw", "7d", "7d");
  assert_saved (&backing, SAVED ("retention.raw=1d", "retention.raw=7d"));
  g_assert_true (tend_config_reset (config, "retention.raw", &error));
  assert_saved (&backing, SAVED ("retention.raw=(default)"));
  g_assert_no_error (error);
  g_ptr_array_set_size (changes.keys, 0);

  /* A save that fails leaves the value as it was, emits nothing, and says why. */
  backing.fail_at = backing.n_calls + 1;
  g_assert_false (tend_config_set_from_string (config, "checks.default-interval", "2min",
                                               &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
  g_assert_cmpstr (error->message, ==, "could not save checks.default-interval: the disk is full");
  g_clear_error (&error);
  assert_saved (&backing, SAVED ("checks.default-interval=2min"));
  assert_value (config, "checks.default-interval", "30s");
  g_assert_cmpuint (changes.keys->len, ==, 0);

  /* ... also when it gives no reason. */
  backing.fail_at = backing.n_calls + 1;
  backing.fail_quietly = TRUE;
  g_assert_false (tend_config_set_from_string (config, "checks.default-interval", "2min",
                                               &error));
  g_assert_error (error, TEND_ERROR, TEND_ERROR_FAILED);
  g_assert_cmpstr (error->message, ==, "could not save checks.default-interval");
  g_clear_error (&error);
  backing.fail_quietly = FALSE;
  assert_saved (&backing, SAVED ("checks.default-interval=2min"));
  assert_value (config, "checks.default-interval", "30s");

  /* A reset that cannot be saved leaves the value as it was. */
  assert_set (config, "checks.default-interval", "2min", "2min");
  assert_saved (&backing, SAVED ("checks.default-interval=2min"));
  backing.fail_at = backing.n_calls + 1;
  g_assert_false (tend_config_reset (config, "checks.default-interval", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
  g_clear_error (&error);
  assert_saved (&backing, SAVED ("checks.default-interval=(default)"));
  assert_value (config, "checks.default-interval", "2min");

  /* A reset of everything that fails half way puts back what it had done already. */
  assert_set (config, "store.queue-limit", "5000", "5000");
  assert_saved (&backing, SAVED ("store.queue-limit=5000"));
  g_ptr_array_set_size (changes.keys, 0);
  backing.fail_at = backing.n_calls + 3;
  g_assert_false (tend_config_reset (config, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
  g_assert_cmpstr (error->message, ==, "could not save store.queue-limit: the disk is full");
  g_clear_error (&error);
  assert_saved (&backing, SAVED ("checks.default-interval=(default)",
                                 "notifications.on-degraded=(default)",
                                 "store.queue-limit=(default)",
                                 "notifications.on-degraded=true",
                                 "checks.default-interval=2min"));
  assert_value (config, "checks.default-interval", "2min");
  assert_value (config, "notifications.on-degraded", "true");
  assert_value (config, "store.queue-limit", "5000");
  g_assert_cmpuint (changes.keys->len, ==, 0);

  /* And when it works, everything is forgotten. */
  g_assert_true (tend_config_reset (config, NULL, &error));
  g_assert_no_error (error);
  assert_saved (&backing, SAVED ("checks.default-interval=(default)",
                                 "notifications.on-degraded=(default)",
                                 "store.queue-limit=(default)"));
  assert_changed_keys (&changes, (const char * const []) {
    "checks.default-interval", "notifications.on-degraded", "store.queue-limit", NULL });

  /* A new backing frees the old one's data; so does the end of the configuration. */
  tend_config_set_backing (config, backing_save, &backing, backing_destroy);
  g_assert_cmpuint (backing.n_destroyed, ==, 1);
  tend_config_set_backing (config, NULL, NULL, NULL);
  g_assert_cmpuint (backing.n_destroyed, ==, 2);
  tend_config_set_backing (config, backing_save, &backing, backing_destroy);
  changes_clear (&changes);
  g_clear_object (&config);
  g_assert_cmpuint (backing.n_destroyed, ==, 3);

  g_ptr_array_unref (backing.calls);
}

static GHashTable *
stored_new (const char *first_key,
            ...)
{
  GHashTable *stored = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  const char *key = first_key;
  va_list args;

  va_start (args, first_key);
  while (key != NULL)
    {
      const char *value = va_arg (args, const char *);

      g_hash_table_insert (stored, g_strdup (key), g_strdup (value));
      key = va_arg (args, const char *);
    }
  va_end (args);

  return stored;
}

static void
assert_invalid_keys (TendConfig         *config,
                     const char * const *expected)
{
  g_auto(GStrv) invalid = tend_config_dup_invalid_keys (config);

  g_assert_nonnull (invalid);
  g_assert_true (g_strv_equal ((const char * const *) invalid, expected));
}

static void
test_load (void)
{
  g_autoptr(TendConfig) config = tend_config_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) stored = NULL;
  Backing backing;
  Changes changes;

  backing_init (&backing);
  changes_init (&changes, config);
  tend_config_set_backing (config, backing_save, &backing, NULL);
  assert_invalid_keys (config, NOTHING);

  /* Good values are taken; bad and unknown ones are skipped with a warning each. */
  stored = stored_new ("checks.default-interval", "90s",
                       "checks.failures-before-hard", "0",
                       "recovery.default-policy", "sometimes",
                       "notifications.enabled", "false",
                       "frobnicate.level", "11",
                       "retention.raw", "2w",
                       "store.batch-interval", "",
                       NULL);
  capture_warnings ();
  g_assert_true (tend_config_load (config, stored, &error));
  g_assert_no_error (error);
  assert_warnings ((const char * const []) {
    "Ignoring the stored value of checks.failures-before-hard: \"0\" is below the minimum of "
    "1; the default 3 is used",
    "Ignoring the stored setting 'frobnicate.level': this version of Tend has no such setting",
    "Ignoring the stored value of recovery.default-policy: \"sometimes\" is not one of never, "
    "on-failure, always, backoff; the default on-failure is used",
    "Ignoring the stored value of store.batch-interval: \"\" is not a duration: it is empty; "
    "the default 100ms is used",
    NULL });

  assert_value (config, "checks.default-interval", "1min 30s");
  assert_value (config, "checks.failures-before-hard", "3");
  assert_value (config, "recovery.default-policy", "on-failure");
  assert_value (config, "notifications.enabled", "false");
  assert_value (config, "retention.raw", "2w");
  assert_value (config, "store.batch-interval", "100ms");
  assert_invalid_keys (config, SAVED ("checks.failures-before-hard", "frobnicate.level",
                                      "recovery.default-policy", "store.batch-interval"));

  /* Loading saves nothing (and deletes nothing); it tells who listens what changed. */
  assert_saved (&backing, NOTHING);
  assert_changed_keys (&changes, (const char * const []) {
    "checks.default-interval", "notifications.enabled", "retention.raw", NULL });

  /* Setting a key whose stored value was bad overwrites it, even with the value in use. */
  assert_set (config, "checks.failures-before-hard", "3", "3");
  assert_saved (&backing, SAVED ("checks.failures-before-hard=3"));
  g_assert_cmpuint (changes.keys->len, ==, 0);
  /* Resetting one forgets it. */
  g_assert_true (tend_config_reset (config, "recovery.default-policy", &error));
  assert_saved (&backing, SAVED ("recovery.default-policy=(default)"));
  assert_invalid_keys (config, SAVED ("frobnicate.level", "store.batch-interval"));

  /* Loading again replaces everything: what is not stored has its default. */
  g_clear_pointer (&stored, g_hash_table_unref);
  stored = stored_new ("checks.default-interval", "1min 30s", NULL);
  g_assert_true (tend_config_load (config, stored, &error));
  assert_changed_keys (&changes, (const char * const []) {
    "notifications.enabled", "retention.raw", NULL });
  assert_value (config, "checks.default-interval", "1min 30s");
  assert_value (config, "retention.raw", "7d");
  assert_invalid_keys (config, NOTHING);

  g_assert_true (tend_config_load (config, NULL, &error));
  assert_changed_keys (&changes, (const char * const []) { "checks.default-interval", NULL });
  g_assert_no_error (error);
  assert_saved (&backing, NOTHING);

  changes_clear (&changes);
  g_ptr_array_unref (backing.calls);
}

static void
test_load_cross_key (void)
{
  g_autoptr(TendConfig) config = tend_config_new ();
  g_autoptr(GHashTable) stored = NULL;

  /* Each value is fine alone, but the timeout is not below the interval: the timeout
   * falls back to its default, which is. */
  stored = stored_new ("checks.default-timeout", "40s", "checks.default-interval", "30s", NULL);
  capture_warnings ();
  g_assert_true (tend_config_load (config, stored, NULL));
  assert_warnings ((const char * const []) {
    "Ignoring the stored value of checks.default-timeout: \"40s\" must be below "
    "checks.default-interval, which is 30s; the default 10s is used",
    NULL });
  assert_value (config, "checks.default-timeout", "10s");
  assert_value (config, "checks.default-interval", "30s");
  assert_invalid_keys (config, SAVED ("checks.default-timeout"));

  /* Where the default timeout is not enough, the interval falls back too. */
  g_clear_pointer (&stored, g_hash_table_unref);
  stored = stored_new ("checks.default-timeout", "40s", "checks.default-interval", "5s", NULL);
  capture_warnings ();
  g_assert_true (tend_config_load (config, stored, NULL));
  assert_warnings ((const char * const []) {
    "Ignoring the stored value of checks.default-timeout: \"40s\" must be below "
    "checks.default-interval, which is 5s; the default 10s is used",
    "Ignoring the stored value of checks.default-interval: \"5s\" must be above "
    "checks.default-timeout, which is 10s; the default 30s is used",
    NULL });
  assert_value (config, "checks.default-timeout", "10s");
  assert_value (config, "checks.default-interval", "30s");
  assert_invalid_keys (config, SAVED ("checks.default-interval", "checks.default-timeout"));

  /* A pair that agrees loads without a word. */
  g_clear_pointer (&stored, g_hash_table_unref);
  stored = stored_new ("checks.default-timeout", "40s", "checks.default-interval", "1min", NULL);
  g_assert_true (tend_config_load (config, stored, NULL));
  assert_value (config, "checks.default-timeout", "40s");
  assert_value (config, "checks.default-interval", "1min");
  assert_invalid_keys (config, NOTHING);
}

static void
assert_validate_fails (GHashTable *values,
                       int         code,
                       const char *message)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (tend_config_validate (values, &error));
  g_assert_error (error, TEND_ERROR, code);
  g_assert_cmpstr (error->message, ==, message);
}

/* A whole configuration checked at once, as an import brings it. */
static void
test_validate (void)
{
  g_autoptr(GHashTable) values = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (tend_config_validate (NULL, &error));
  g_assert_no_error (error);

  /* Set one at a time in this order, the interval would be refused (it is not above the
   * default timeout); together they are fine. */
  values = stored_new ("checks.default-interval", "5s", "checks.default-timeout", "2s",
                       "recovery.default-policy", "backoff", "notifications.enabled", "no",
                       NULL);
  g_assert_true (tend_config_validate (values, &error));
  g_assert_no_error (error);

  /* The rules hold on the whole, with the keys left out at their defaults. */
  g_hash_table_remove (values, "checks.default-timeout");
  assert_validate_fails (values, TEND_ERROR_INVALID_ARGUMENT,
                         "checks.default-interval: \"5s\" must be above checks.default-timeout, "
                         "which is 10s");

  /* Values are checked as tend_config_set_from_string() checks them. */
  g_hash_table_insert (values, g_strdup ("checks.default-interval"), g_strdup ("0.5s"));
  assert_validate_fails (values, TEND_ERROR_INVALID_ARGUMENT,
                         "checks.default-interval: \"0.5s\" is below the minimum of 1s");
  g_hash_table_insert (values, g_strdup ("checks.default-interval"), g_strdup ("1min"));
  g_hash_table_insert (values, g_strdup ("recovery.default-policy"), g_strdup ("sometimes"));
  assert_validate_fails (values, TEND_ERROR_INVALID_ARGUMENT,
                         "recovery.default-policy: \"sometimes\" is not one of never, "
                         "on-failure, always, backoff");
  g_hash_table_insert (values, g_strdup ("recovery.default-policy"), g_strdup ("never"));
  g_assert_true (tend_config_validate (values, NULL));

  /* An unknown key is an error, not dropped. */
  g_hash_table_insert (values, g_strdup ("checks.intervall"), g_strdup ("1min"));
  assert_validate_fails (values, TEND_ERROR_NOT_FOUND,
                         "no setting 'checks.intervall'; did you mean 'checks.default-interval'?");
  g_hash_table_remove (values, "checks.intervall");
  g_hash_table_insert (values, g_strdup ("notifications.webhook-url"), NULL);
  assert_validate_fails (values, TEND_ERROR_INVALID_ARGUMENT,
                         "notifications.webhook-url: it has no value");
  g_hash_table_remove (values, "notifications.webhook-url");

  /* Every problem, one a line: each key's own in the order of the keys, then the rules
   * between the values that are valid; "not found" only when each is an unknown key. */
  g_hash_table_insert (values, g_strdup ("checks.intervall"), g_strdup ("1min"));
  g_hash_table_insert (values, g_strdup ("checks.timeoutt"), g_strdup ("1min"));
  assert_validate_fails (values, TEND_ERROR_NOT_FOUND,
                         "no setting 'checks.intervall'; did you mean "
                         "'checks.default-interval'?\n"
                         "no setting 'checks.timeoutt'; did you mean 'checks.default-timeout'?");
  g_hash_table_insert (values, g_strdup ("checks.default-interval"), g_strdup ("5s"));
  g_hash_table_insert (values, g_strdup ("recovery.default-policy"), g_strdup ("sometimes"));
  assert_validate_fails (values, TEND_ERROR_INVALID_ARGUMENT,
                         "no setting 'checks.intervall'; did you mean "
                         "'checks.default-interval'?\n"
                         "no setting 'checks.timeoutt'; did you mean 'checks.default-timeout'?\n"
                         "recovery.default-policy: \"sometimes\" is not one of never, "
                         "on-failure, always, backoff\n"
                         "checks.default-interval: \"5s\" must be above "
                         "checks.default-timeout, which is 10s");
}

/* Programmer errors: a getter for a key that does not exist or of another type. */

static void
test_getter_unknown_key (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(TendConfig) config = tend_config_new ();

      tend_config_get_boolean (config, "checks.nope");
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*CRITICAL*tend_config_get_boolean: no setting 'checks.nope'*");
}

static void
test_getter_wrong_type (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(TendConfig) config = tend_config_new ();

      tend_config_get_int (config, "checks.default-interval");
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*CRITICAL*tend_config_get_int: setting 'checks.default-interval' "
                             "is of type duration, not int*");
}

static void
test_getter_string_of_duration (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(TendConfig) config = tend_config_new ();

      tend_config_get_string (config, "retention.raw");
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*CRITICAL*tend_config_get_string: setting 'retention.raw' is of "
                             "type duration, not string*");
}

int
main (int   argc,
      char *argv[])
{
  g_log_set_writer_func (log_writer, NULL, NULL);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/config/schema/sorted", test_schema_sorted);
  g_test_add_func ("/config/schema/defaults-valid", test_schema_defaults_valid);
  g_test_add_func ("/config/defaults", test_defaults);
  g_test_add_func ("/config/ranges-and-types", test_ranges_and_types);
  g_test_add_func ("/config/type/bool", test_bool);
  g_test_add_func ("/config/type/int", test_int);
  g_test_add_func ("/config/type/double", test_double);
  g_test_add_func ("/config/type/duration", test_duration);
  g_test_add_func ("/config/type/enum", test_enum);
  g_test_add_func ("/config/type/string", test_string);
  g_test_add_func ("/config/unknown-key", test_unknown_key);
  g_test_add_func ("/config/cross-key", test_cross_key);
  g_test_add_func ("/config/changed-signal", test_changed_signal);
  g_test_add_func ("/config/reset", test_reset);
  g_test_add_func ("/config/backing", test_backing);
  g_test_add_func ("/config/load", test_load);
  g_test_add_func ("/config/load-cross-key", test_load_cross_key);
  g_test_add_func ("/config/validate", test_validate);
  g_test_add_func ("/config/getter/unknown-key", test_getter_unknown_key);
  g_test_add_func ("/config/getter/wrong-type", test_getter_wrong_type);
  g_test_add_func ("/config/getter/string-of-duration", test_getter_string_of_duration);

  return g_test_run ();
}
