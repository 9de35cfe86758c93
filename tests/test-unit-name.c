/* test-unit-name.c — unit-name validation and D-Bus object paths
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Tend"

#include <string.h>

#include "tend-error.h"
#include "tend-unit-name.h"

static char *
repeat_char (char  c,
             gsize n)
{
  char *s = g_malloc (n + 1);

  memset (s, c, n);
  s[n] = '\0';

  return s;
}

static void
test_valid (void)
{
  static const char * const names[] = {
    "nginx.service",
    "getty@tty1.service",
    "getty@.service",
    "dbus.socket",
    "dev-vda.device",
    "run-user-0.mount",
    "proc-sys-fs-binfmt_misc.automount",
    "dev-zram0.swap",
    "default.target",
    "systemd-ask-password-console.path",
    "apt-daily.timer",
    "app.slice",
    "init.scope",
    "sys-subsystem-net-devices-eth0.device",
    "app-tend\\x2dinst.slice",                  /* systemd-escaped, as the manager names it */
    "systemd-fsck@dev-disk-by\\x2duuid-1234.service",
    "foo.bar.service",                          /* the type is what follows the last dot */
    "a:b_c.timer",
    "foo@a@b.service",                          /* systemd allows "@" in the instance */
    "foo@@.service",                            /* ... even an instance that is just "@" */
    "UPPER.service",
    "9lives.service",
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("valid: %s", names[i]);
      g_assert_true (tend_unit_name_validate (names[i], &error));
      g_assert_no_error (error);
      g_assert_true (tend_unit_name_validate (names[i], NULL));
    }
}

static void
test_valid_longest (void)
{
  g_autofree char *prefix = repeat_char ('a', TEND_UNIT_NAME_MAX - strlen (".service"));
  g_autofree char *name = g_strconcat (prefix, ".service", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (strlen (name), ==, 255);
  g_assert_true (tend_unit_name_validate (name, &error));
  g_assert_no_error (error);
}

typedef struct
{
  const char *name;
  const char *reason;   /* what the message must contain */
} InvalidCase;

static void
test_invalid (void)
{
  static const InvalidCase cases[] = {
    { "", "\"\" is not a valid unit name: it is empty" },
    { "foo", "\"foo\" is not a valid unit name: it has no type suffix (such as .service or "
      ".timer)" },
    { "foo.", "\"foo.\" is not a valid unit name: it has no type suffix" },
    { "foo.bar", "it ends in \".bar\", which is not a unit type; unit names end in .service, "
      ".socket, .device, .mount, .automount, .swap, .target, .path, .timer, .slice or .scope" },
    { "nginx.service.bak", "it ends in \".bak\", which is not a unit type" },
    { "nginx.Service", "it ends in \".Service\", which is not a unit type" },
    { "foo/bar.service", "\"foo/bar.service\" is not a valid unit name: it contains \"/\", which "
      "unit names may not contain (they are made of ASCII letters, digits and \":\", \"-\", "
      "\"_\", \".\", \"\\\" and \"@\")" },
    { "foo bar.service", "it contains \" \" (a space), which unit names may not contain" },
    { "foo\nbar.service", "\"foo\\nbar.service\" is not a valid unit name: it contains \"\\n\"" },
    { "foo\x01.service", "\"foo\\x01.service\" is not a valid unit name: it contains \"\\x01\"" },
    { "nginx*.service", "it contains \"*\"" },
    { "caf\xc3\xa9.service", "it contains \"\xc3\xa9\"" },
    { "say\"hi\".service", "\"say\\\"hi\\\".service\" is not a valid unit name: it contains "
      "\"\\\"\"" },
    { "fo\xffo.service", "\"fo\\xffo.service\" is not a valid unit name: it is not valid UTF-8" },
    { "\xc3.service", "\"\\xc3.service\" is not a valid unit name: it is not valid UTF-8" },
    { "-foo.service", "\"-foo.service\" is not a valid unit name: it starts with \"-\"" },
    { "-.slice", "it starts with \"-\"" },
    { ".service", "\".service\" is not a valid unit name: it has nothing before the type "
      "suffix \".service\"" },
    { "@foo.service", "\"@foo.service\" is not a valid unit name: it starts with \"@\"; a "
      "template or instance needs a name before the \"@\"" },
    { "@.service", "it starts with \"@\"" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("invalid: %s", cases[i].reason);
      g_assert_false (tend_unit_name_validate (cases[i].name, &error));
      g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      if (strstr (error->message, cases[i].reason) == NULL)
        g_error ("message \"%s\" lacks \"%s\"", error->message, cases[i].reason);

      g_assert_false (tend_unit_name_validate (cases[i].name, NULL));
      g_assert_false (tend_unit_name_is_template (cases[i].name));
      g_assert_null (tend_unit_name_get_type_suffix (cases[i].name));
    }
}

static void
test_invalid_length (void)
{
  static const gsize lengths[] = { 256, 300, 4096 };

  for (guint i = 0; i < G_N_ELEMENTS (lengths); i++)
    {
      g_autofree char *prefix = repeat_char ('a', lengths[i] - strlen (".service"));
      g_autofree char *name = g_strconcat (prefix, ".service", NULL);
      g_autofree char *reason = g_strdup_printf ("it is %" G_GSIZE_FORMAT " bytes long; unit "
                                                 "names are at most 255 bytes", lengths[i]);
      g_autoptr(GError) error = NULL;

      g_assert_false (tend_unit_name_validate (name, &error));
      g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, reason));
      /* the name is quoted, but not in full */
      g_assert_true (g_str_has_prefix (error->message, "\"aaaa"));
      g_assert_nonnull (strstr (error->message, "…\" is not a valid unit name"));
      g_assert_cmpuint (strlen (error->message), <, 250);
    }
}

static void
test_template (void)
{
  g_assert_true (tend_unit_name_is_template ("getty@.service"));
  g_assert_true (tend_unit_name_is_template ("systemd-fsck@.service"));
  g_assert_true (tend_unit_name_is_template ("foo@.timer"));
  g_assert_false (tend_unit_name_is_template ("getty@tty1.service"));
  g_assert_false (tend_unit_name_is_template ("foo@a@.service"));   /* an instance "a@" */
  g_assert_false (tend_unit_name_is_template ("nginx.service"));
  g_assert_false (tend_unit_name_is_template ("@.service"));
  g_assert_false (tend_unit_name_is_template ("getty@"));
  g_assert_false (tend_unit_name_is_template (""));
}

static void
test_type_suffix (void)
{
  static const struct
  {
    const char *name;
    const char *type;
  } cases[] = {
    { "nginx.service", "service" },
    { "dbus.socket", "socket" },
    { "dev-vda.device", "device" },
    { "home.mount", "mount" },
    { "home.automount", "automount" },
    { "swapfile.swap", "swap" },
    { "default.target", "target" },
    { "cups.path", "path" },
    { "apt-daily.timer", "timer" },
    { "app.slice", "slice" },
    { "init.scope", "scope" },
    { "getty@.service", "service" },
    { "foo.service.timer", "timer" },
    { "foo", NULL },
    { "foo.bar", NULL },
    { "foo/bar.service", NULL },
    { "service", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpstr (tend_unit_name_get_type_suffix (cases[i].name), ==, cases[i].type);
}

/* Object paths as systemd 252 gives them, listed with
 * `busctl --user tree --list org.freedesktop.systemd1` in the test sandbox.
 */
static const struct
{
  const char *path;
  const char *name;
} real_paths[] = {
  { "/org/freedesktop/systemd1/unit/_2d_2emount", "-.mount" },
  { "/org/freedesktop/systemd1/unit/_2d_2eslice", "-.slice" },
  { "/org/freedesktop/systemd1/unit/app_2dtend_5cx2dinst_2eslice", "app-tend\\x2dinst.slice" },
  { "/org/freedesktop/systemd1/unit/app_2eslice", "app.slice" },
  { "/org/freedesktop/systemd1/unit/dbus_2esocket", "dbus.socket" },
  { "/org/freedesktop/systemd1/unit/dev_2dvda_2edevice", "dev-vda.device" },
  { "/org/freedesktop/systemd1/unit/gpg_2dagent_2dssh_2esocket", "gpg-agent-ssh.socket" },
  { "/org/freedesktop/systemd1/unit/init_2escope", "init.scope" },
  { "/org/freedesktop/systemd1/unit/mnt_2dsandboxing_2dmodel_5ftools_5fenv_2dv1_2dpython_2emount",
    "mnt-sandboxing-model_tools_env-v1-python.mount" },
  { "/org/freedesktop/systemd1/unit/run_2duser_2d0_2emount", "run-user-0.mount" },
  { "/org/freedesktop/systemd1/unit/tend_2ddemo_2eservice", "tend-demo.service" },
  { "/org/freedesktop/systemd1/unit/timers_2etarget", "timers.target" },
  /* and how systemd writes the others */
  { "/org/freedesktop/systemd1/unit/foo_2dbar_2eservice", "foo-bar.service" },
  { "/org/freedesktop/systemd1/unit/getty_40tty1_2eservice", "getty@tty1.service" },
  { "/org/freedesktop/systemd1/unit/getty_40_2eservice", "getty@.service" },
  { "/org/freedesktop/systemd1/unit/_39lives_2eservice", "9lives.service" },
  { "/org/freedesktop/systemd1/unit/a_3ab_5fc_2etimer", "a:b_c.timer" },
};

static void
test_from_object_path (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (real_paths); i++)
    {
      g_autofree char *name = tend_unit_name_from_object_path (real_paths[i].path);
      g_autofree char *path = tend_unit_name_to_object_path (real_paths[i].name);

      g_assert_cmpstr (name, ==, real_paths[i].name);
      g_assert_cmpstr (path, ==, real_paths[i].path);
      g_assert_true (g_variant_is_object_path (path));
    }

  /* upper-case hex digits are read as well */
  {
    g_autofree char *name =
      tend_unit_name_from_object_path ("/org/freedesktop/systemd1/unit/foo_2Dbar_2Eservice");

    g_assert_cmpstr (name, ==, "foo-bar.service");
  }
}

static void
test_from_object_path_invalid (void)
{
  static const char * const paths[] = {
    "",
    "/",
    "/org/freedesktop/systemd1",
    "/org/freedesktop/systemd1/unit",
    "/org/freedesktop/systemd1/unit/",
    "/org/freedesktop/systemd1/unitfoo_2eservice",
    "/org/freedesktop/systemd1/job/42",
    "/org/freedesktop/systemd2/unit/foo_2eservice",
    "org/freedesktop/systemd1/unit/foo_2eservice",
    "/org/freedesktop/systemd1/unit/self",               /* an alias, not a unit name */
    "/org/freedesktop/systemd1/unit/foo",                /* no type suffix */
    "/org/freedesktop/systemd1/unit/foo_2ebar",          /* no known type */
    "/org/freedesktop/systemd1/unit/foo_2",              /* incomplete escapes */
    "/org/freedesktop/systemd1/unit/foo_",
    "/org/freedesktop/systemd1/unit/_",                  /* systemd's empty string */
    "/org/freedesktop/systemd1/unit/foo_zz_2eservice",   /* not hex */
    "/org/freedesktop/systemd1/unit/foo_00_2eservice",   /* a NUL byte */
    "/org/freedesktop/systemd1/unit/foo_2fbar_2eservice",/* "foo/bar.service" */
    "/org/freedesktop/systemd1/unit/foo_ff_2eservice",   /* not UTF-8 */
    "/org/freedesktop/systemd1/unit/foo-bar.service",    /* not escaped */
    "/org/freedesktop/systemd1/unit/foo/bar_2eservice",
    "/org/freedesktop/systemd1/unit/foo_2eservice/",
    "/org/freedesktop/systemd1/unit/_40foo_2eservice",   /* "@foo.service" */
  };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *name = tend_unit_name_from_object_path (paths[i]);

      g_test_message ("invalid path: %s", paths[i]);
      g_assert_null (name);
    }
}

static void
test_object_path_round_trip (void)
{
  static const char * const names[] = {
    "nginx.service",
    "getty@tty1.service",
    "getty@.service",
    "foo@a@b.service",
    "systemd-fsck@dev-disk-by\\x2duuid-1234.service",
    "foo.bar.service",
    "a:b_c.timer",
    "UPPER_lower-09.socket",
    "0.service",
    "-.slice",
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = tend_unit_name_to_object_path (names[i]);
      g_autofree char *name = tend_unit_name_from_object_path (path);

      g_test_message ("%s → %s", names[i], path);
      g_assert_true (g_variant_is_object_path (path));
      g_assert_cmpstr (name, ==, names[i]);
    }

  /* every byte survives the escaping, even where the result is no unit name */
  {
    g_autofree char *path = tend_unit_name_to_object_path ("");

    g_assert_cmpstr (path, ==, "/org/freedesktop/systemd1/unit/_");
    g_assert_null (tend_unit_name_from_object_path (path));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/unit-name/valid", test_valid);
  g_test_add_func ("/unit-name/valid-longest", test_valid_longest);
  g_test_add_func ("/unit-name/invalid", test_invalid);
  g_test_add_func ("/unit-name/invalid-length", test_invalid_length);
  g_test_add_func ("/unit-name/template", test_template);
  g_test_add_func ("/unit-name/type-suffix", test_type_suffix);
  g_test_add_func ("/unit-name/object-path/decode", test_from_object_path);
  g_test_add_func ("/unit-name/object-path/invalid", test_from_object_path_invalid);
  g_test_add_func ("/unit-name/object-path/round-trip", test_object_path_round_trip);

  return g_test_run ();
}
