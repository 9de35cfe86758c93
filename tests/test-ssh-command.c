/* test-ssh-command.c — the commands Tend runs on a remote host, and their parsers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The samples in tests/ssh-samples/ were captured from the sandbox's systemd 252 (user
 * manager) with the very command lines tend-ssh-command.c builds.
 */
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "tend.h"
#include "tend-ssh-command.h"
#include "tend-ssh-json.h"

static const TendSshCommandContext system_ctx = {
  TEND_HOST_SCOPE_SYSTEM, TEND_INVENTORY_SUDO_NONE, 252
};
static const TendSshCommandContext user_ctx = {
  TEND_HOST_SCOPE_USER, TEND_INVENTORY_SUDO_NONE, 252
};
static const TendSshCommandContext sudo_ctx = {
  TEND_HOST_SCOPE_SYSTEM, TEND_INVENTORY_SUDO_NOPASSWD, 252
};

/* Every string a unit name must not be: each is refused by every builder. */
static const char * const attacks[] = {
  "foo.service; rm -rf /",
  "foo;bar.service",
  "$(reboot).service",
  "foo$(id).service",
  "`reboot`.service",
  "foo`id`.service",
  "'foo'.service",
  "foo'; reboot; '.service",
  "\"foo\".service",
  "foo bar.service",
  " foo.service",
  "foo.service\nreboot",
  "foo\n.service",
  "-foo.service",
  "--root=/tmp.service",
  "../../etc/passwd",
  "..service",
  "foo/../bar.service",
  "foo|bar.service",
  "foo&bar.service",
  "foo>bar.service",
  "foo*.service",
  "foo\\$(id).service",
  "",
  "foo",
  "foo.service\t",
  "f\xc3\x28o.service",
  NULL
};

static char *
joined (char **argv)
{
  return g_strjoinv (" ", argv);
}

static void
test_injection_refused (void)
{
  TendJournalQuery query = { 10, -1, FALSE };

  for (guint i = 0; attacks[i] != NULL; i++)
    {
      const char *units[] = { "ok.service", attacks[i], NULL };
      const char *check[] = { "/usr/bin/true", NULL };
      g_autoptr(GError) error = NULL;
      /* Escaped: one of them is not UTF-8, which a TAP reader refuses */
      g_autofree char *shown = g_strescape (attacks[i], NULL);
      char **argv;

      g_test_message ("attack: %s", shown);
      for (TendUnitAction action = TEND_UNIT_ACTION_START;
           action <= TEND_UNIT_ACTION_RESET_FAILED; action++)
        {
          argv = tend_ssh_command_action (&sudo_ctx, attacks[i], action, &error);
          g_assert_null (argv);
          g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
          g_assert_nonnull (strstr (error->message, "systemctl"));
          g_assert_nonnull (strstr (error->message, "nothing was sent"));
          g_clear_error (&error);
        }
      argv = tend_ssh_command_show (&user_ctx, units, &error);
      g_assert_null (argv);
      g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);
      argv = tend_ssh_command_journal (&user_ctx, attacks[i], &query, &error);
      g_assert_null (argv);
      g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);
      (void) check;
    }

  /* the message names the argument and says why */
  {
    g_autoptr(GError) error = NULL;

    g_assert_null (tend_ssh_command_action (&system_ctx, "foo;bar.service",
                                            TEND_UNIT_ACTION_STOP, &error));
    g_assert_nonnull (strstr (error->message, "systemctl stop"));
    g_assert_nonnull (strstr (error->message, "foo;bar.service"));
    g_assert_nonnull (strstr (error->message, "\";\""));
    g_clear_error (&error);
    g_assert_null (tend_ssh_command_action (&system_ctx, "-x.service",
                                            TEND_UNIT_ACTION_START, &error));
    g_assert_nonnull (strstr (error->message, "starts with \"-\""));
    g_clear_error (&error);
    g_assert_null (tend_ssh_command_action (&system_ctx, NULL, TEND_UNIT_ACTION_START, &error));
    g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
    g_clear_error (&error);
    g_assert_null (tend_ssh_command_action (&system_ctx, "a.service", 99, &error));
    g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
  }
}

static void
test_check_argv (void)
{
  static const char * const bad[][4] = {
    { "true", NULL },
    { "../bin/true", NULL },
    { "/usr/bin/../../bin/sh", NULL },
    { "/usr/bin/test", "", NULL },
    { "/usr/bin/echo", "a\nreboot", NULL },
    { "/usr/bin/echo", "a\rb", NULL },
    { "/usr/bin/echo", "\xff", NULL },
  };
  const char *good[] = { "/usr/bin/redis-cli", "-p", "6379", "ping; reboot", "$(id)", NULL };
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) argv = NULL;
  g_autofree char *line = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_null (tend_ssh_command_check (&sudo_ctx, bad[i], &error));
      g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, "command check"));
      g_clear_error (&error);
    }
  g_assert_null (tend_ssh_command_check (&sudo_ctx, NULL, &error));
  g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* shell words are passed as they are: the session quotes each, so "ping; reboot" is
   * one argument to redis-cli and nothing else runs */
  argv = tend_ssh_command_check (&sudo_ctx, good, &error);
  g_assert_no_error (error);
  line = joined (argv);
  g_assert_cmpstr (line, ==, "sudo -n -- /usr/bin/redis-cli -p 6379 ping; reboot $(id)");
  g_clear_pointer (&line, g_free);
  line = tend_ssh_quote_argv ((const char * const *) argv);
  g_assert_cmpstr (line, ==,
                   "'sudo' '-n' '--' '/usr/bin/redis-cli' '-p' '6379' 'ping; reboot' '$(id)'");
}

static void
test_builders (void)
{
  TendSshCommandContext old = { TEND_HOST_SCOPE_SYSTEM, TEND_INVENTORY_SUDO_NONE, 245 };
  TendSshCommandContext sudo_user = { TEND_HOST_SCOPE_USER, TEND_INVENTORY_SUDO_SUDO, 252 };
  const char *units[] = { "a.service", "b@x\\x2d1.service", "-.mount" + 0, NULL };
  const char *two[] = { "a.service", "b@x\\x2d1.service", NULL };
  TendJournalQuery query = { 50, 3, TRUE };
  g_autoptr(GError) error = NULL;
  char **argv;
  char *line;

#define EXPECT(expr, text) \
  argv = (expr); g_assert_no_error (error); g_assert_nonnull (argv); \
  line = joined (argv); g_assert_cmpstr (line, ==, text); g_free (line); g_strfreev (argv)

  EXPECT (tend_ssh_command_version (), "/usr/bin/systemctl --version");
  EXPECT (tend_ssh_command_list_units (&system_ctx, TRUE),
          "/usr/bin/systemctl list-units --all --no-legend --no-pager --plain --full "
          "--output=json");
  EXPECT (tend_ssh_command_list_units (&user_ctx, FALSE),
          "/usr/bin/systemctl --user list-units --all --no-pager --plain --full");
  EXPECT (tend_ssh_command_list_units (&sudo_ctx, TRUE),
          "sudo -n -- /usr/bin/systemctl list-units --all --no-legend --no-pager --plain --full "
          "--output=json");
  EXPECT (tend_ssh_command_list_unit_files (&sudo_user),
          "sudo -n -- /usr/bin/systemctl --user list-unit-files --no-legend --no-pager --plain "
          "--full");
  EXPECT (tend_ssh_command_show (&user_ctx, two, &error),
          "/usr/bin/systemctl --user show --timestamp=us+utc -p Id,Description,LoadState,"
          "ActiveState,SubState,UnitFileState,FragmentPath,Result,MainPID,NRestarts,"
          "ExecMainStatus,CPUUsageNSec,TasksCurrent,MemoryCurrent,ActiveEnterTimestamp,"
          "CanReload,Requires,BindsTo,RequiredBy,WantedBy,BoundBy,Job -- a.service "
          "b@x\\x2d1.service");
  /* before systemd 247 there is no --timestamp= */
  argv = tend_ssh_command_show (&old, two, &error);
  g_assert_no_error (error);
  g_assert_false (g_strv_contains ((const char * const *) argv, "--timestamp=us+utc"));
  g_strfreev (argv);
  /* "-.mount" is systemd's but Tend refuses a leading "-" on a command line */
  g_assert_null (tend_ssh_command_show (&old, units, &error));
  g_assert_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  EXPECT (tend_ssh_command_action (&system_ctx, "nginx.service", TEND_UNIT_ACTION_RESTART, &error),
          "/usr/bin/systemctl restart -- nginx.service");
  EXPECT (tend_ssh_command_action (&sudo_user, "web@1.service", TEND_UNIT_ACTION_RESET_FAILED,
                                   &error),
          "sudo -n -- /usr/bin/systemctl --user reset-failed -- web@1.service");
  EXPECT (tend_ssh_command_journal (&sudo_ctx, "nginx.service", &query, &error),
          "sudo -n -- /usr/bin/journalctl --no-pager -o json -n 50 -p 3 -f "
          "_SYSTEMD_UNIT=nginx.service + UNIT=nginx.service + _SYSTEMD_USER_UNIT=nginx.service "
          "+ USER_UNIT=nginx.service");
#undef EXPECT

  /* quoting of what is built: every word in single quotes */
  argv = tend_ssh_command_action (&sudo_ctx, "a\\x27b.service", TEND_UNIT_ACTION_STOP, &error);
  g_assert_no_error (error);
  line = tend_ssh_quote_argv ((const char * const *) argv);
  g_assert_cmpstr (line, ==, "'sudo' '-n' '--' '/usr/bin/systemctl' 'stop' '--' 'a\\x27b.service'");
  g_free (line);
  g_strfreev (argv);
}

/* The sudoers text; where visudo is installed, it must accept it, and sudo must allow
 * exactly Tend's commands through it. */
static void
test_sudoers (void)
{
  g_autofree char *text = tend_ssh_command_sudoers (&sudo_ctx, "deploy");
  g_autofree char *user_text = tend_ssh_command_sudoers (&user_ctx, "deploy");
  g_autofree char *visudo = g_find_program_in_path ("visudo");
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int fd, status;

  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "# Tend (sudo -n) for deploy"));
  g_assert_nonnull (strstr (text, "Cmnd_Alias TEND_QUERY = /usr/bin/systemctl ^list-units"));
  g_assert_nonnull (strstr (text, "Cmnd_Alias TEND_CONTROL = /usr/bin/systemctl ^(start|stop|"
                                  "restart|reload|enable|disable|reset-failed) -- "));
  g_assert_nonnull (strstr (text, "Cmnd_Alias TEND_JOURNAL = /usr/bin/journalctl ^--no-pager"));
  g_assert_nonnull (strstr (text, "deploy ALL = (root) NOPASSWD: TEND_QUERY, TEND_CONTROL, "
                                  "TEND_JOURNAL\n"));
  /* no plain wildcard: a sudoers "*" matches spaces, and so any further option */
  g_assert_null (strstr (text, " *"));
  g_assert_null (strstr (text, "ALL:"));
  g_assert_nonnull (strstr (user_text, "/usr/bin/systemctl ^--user (start|"));

  if (visudo == NULL)
    {
      g_test_skip ("visudo is not installed (sudo): the text is not checked by sudo itself");
      return;
    }
  fd = g_file_open_tmp ("tend-sudoers-XXXXXX", &path, &error);
  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  {
    const char *argv[] = { visudo, "-c", "-f", path, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                  &error);
    g_assert_no_error (error);
    g_test_message ("visudo: %s%s", out, err);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }
  g_unlink (path);
}

/* sudo itself, through the generated lines: Tend's commands allowed, anything else not.
 * Needs root (sudo -l -U) and a user to grant; runs where visudo and useradd exist. */
static void
test_sudoers_allows_only_tend (void)
{
  const TendSshCommandContext ctx = { TEND_HOST_SCOPE_SYSTEM, TEND_INVENTORY_SUDO_NOPASSWD, 252 };
  g_autofree char *sudo = g_find_program_in_path ("sudo");
  g_autofree char *text = NULL;
  g_autofree char *sudoers_d = NULL;
  TendJournalQuery query = { 0, -1, TRUE };
  const char *user = "tendsudotest";
  const char *units[] = { "nginx.service", "a@b.service", NULL };
  g_autoptr(GPtrArray) allowed = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  static const char * const refused[] = {
    "/usr/bin/systemctl start -- nginx.service other.service",
    "/usr/bin/systemctl start -- nginx.service --root=/",
    "/usr/bin/systemctl start nginx.service",
    "/usr/bin/systemctl edit -- nginx.service",
    "/usr/bin/systemctl start -- -x.service",
    "/usr/bin/systemctl list-units --all --no-legend --no-pager --plain --full --output=json "
    "--root=/",
    "/usr/bin/journalctl --no-pager -o json -n all -f _SYSTEMD_UNIT=a.service + UNIT=a.service "
    "+ _SYSTEMD_USER_UNIT=a.service + USER_UNIT=a.service --output-fields=x",
    "/usr/bin/journalctl -D /etc",
    "/bin/sh -c id",
    NULL
  };

  if (sudo == NULL || getuid () != 0 || !g_file_test ("/etc/sudoers.d", G_FILE_TEST_IS_DIR) ||
      !g_file_test ("/usr/sbin/useradd", G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("needs root, sudo and useradd to ask sudo what the lines allow");
      return;
    }
  if (g_getenv ("TEND_TEST_SUDOERS") == NULL)
    {
      g_test_skip ("set TEND_TEST_SUDOERS=1 to add a user and /etc/sudoers.d/tend-test here");
      return;
    }

  g_ptr_array_add (allowed, tend_ssh_command_list_units (&ctx, TRUE));
  g_ptr_array_add (allowed, tend_ssh_command_list_units (&ctx, FALSE));
  g_ptr_array_add (allowed, tend_ssh_command_list_unit_files (&ctx));
  g_ptr_array_add (allowed, tend_ssh_command_show (&ctx, units, NULL));
  for (TendUnitAction a = TEND_UNIT_ACTION_START; a <= TEND_UNIT_ACTION_RESET_FAILED; a++)
    g_ptr_array_add (allowed, tend_ssh_command_action (&ctx, "a@b\\x2dc.service", a, NULL));
  g_ptr_array_add (allowed, tend_ssh_command_journal (&ctx, "nginx.service", &query, NULL));
  query = (TendJournalQuery) { 20, 4, FALSE };
  g_ptr_array_add (allowed, tend_ssh_command_journal (&ctx, "nginx.service", &query, NULL));

  g_spawn_command_line_sync ("/usr/sbin/useradd -M tendsudotest", NULL, NULL, NULL, NULL);
  text = tend_ssh_command_sudoers (&ctx, user);
  sudoers_d = g_strdup ("/etc/sudoers.d/tend-test");
  g_assert_true (g_file_set_contents (sudoers_d, text, -1, NULL));
  g_chmod (sudoers_d, 0440);

  for (guint i = 0; i < allowed->len; i++)
    {
      char **argv = allowed->pdata[i];
      g_autofree char *line = NULL;
      int status;

      g_assert_nonnull (argv);
      g_assert_cmpstr (argv[0], ==, "sudo");
      line = g_strjoinv (" ", argv + 3);
      {
        g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
        g_auto(GStrv) spawn = NULL;
        const char *ask[] = { "sudo", "-n", "-l", "-U", user, NULL };

        /* the very argv, backslashes and all, as sudo gets it from Tend */
        g_strv_builder_addv (builder, ask);
        g_strv_builder_addv (builder, (const char **) argv + 3);
        spawn = g_strv_builder_end (builder);
        g_spawn_sync (NULL, spawn, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                      G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL);
      }
      g_test_message ("allowed? %s: %d", line, status);
      g_assert_true (g_spawn_check_wait_status (status, NULL));
    }
  for (guint i = 0; refused[i] != NULL; i++)
    {
      g_autofree char *cmd = g_strdup_printf ("sudo -n -l -U %s %s", user, refused[i]);
      g_auto(GStrv) spawn = NULL;
      int status;

      g_assert_true (g_shell_parse_argv (cmd, NULL, &spawn, NULL));
      g_spawn_sync (NULL, spawn, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                    G_SPAWN_STDERR_TO_DEV_NULL,
                    NULL, NULL, NULL, NULL, &status, NULL);
      g_test_message ("refused? %s: %d", refused[i], status);
      g_assert_false (g_spawn_check_wait_status (status, NULL));
    }

  g_unlink (sudoers_d);
  g_spawn_command_line_sync ("/usr/sbin/userdel tendsudotest", NULL, NULL, NULL, NULL);
}

static char *
sample (const char *name,
        gsize      *length)
{
  g_autofree char *path = g_build_filename (g_getenv ("TEND_TEST_SRCDIR"), "ssh-samples",
                                            name, NULL);
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, length, &error);
  g_assert_no_error (error);
  return text;
}

static void
assert_unit (TendUnitList *units,
             const char   *name,
             const char   *load,
             const char   *active,
             const char   *sub,
             const char   *job,
             const char   *description)
{
  const TendUnitInfo *info = tend_unit_list_lookup (units, name);

  g_assert_nonnull (info);
  g_assert_cmpstr (info->load_state, ==, load);
  g_assert_cmpstr (info->active_state, ==, active);
  g_assert_cmpstr (info->sub_state, ==, sub);
  g_assert_cmpstr (info->job_type, ==, job);
  g_assert_cmpstr (info->description, ==, description);
}

static void
test_parse_list_units (void)
{
  const char *samples[] = { "list-units.json", "list-units-plain.txt" };
  const guint counts[] = { 30, 30 };

  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    {
      gsize length;
      g_autofree char *text = sample (samples[i], &length);
      g_autoptr(GError) error = NULL;
      g_autoptr(TendUnitList) units = NULL;

      units = i == 0 ? tend_ssh_parse_list_units_json (text, length, &error)
                     : tend_ssh_parse_list_units_plain (text, length, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (tend_unit_list_get_length (units), ==, counts[i]);
      assert_unit (units, "tend-remote-test.service", "loaded", "active", "running", "",
                   "Tend test: a service on the remote host");
      assert_unit (units, "-.mount", "loaded", "active", "mounted", "", "Root Mount");
      assert_unit (units, "dev-vda.device", "loaded", "activating", "tentative", "", "/dev/vda");
    }

  /* the JOB column is there only while a job is queued */
  {
    const char *job_samples[] = { "list-units-job.json", "list-units-plain-job.txt" };

    for (guint i = 0; i < G_N_ELEMENTS (job_samples); i++)
      {
        gsize length;
        g_autofree char *text = sample (job_samples[i], &length);
        g_autoptr(GError) error = NULL;
        g_autoptr(TendUnitList) units = NULL;

        units = i == 0 ? tend_ssh_parse_list_units_json (text, length, &error)
                       : tend_ssh_parse_list_units_plain (text, length, &error);
        g_assert_no_error (error);
        assert_unit (units, "slow-start.service", "loaded", "activating", "start", "start",
                     "Slow to start — ünïcode desc");
        assert_unit (units, "-.mount", "loaded", "active", "mounted", "", "Root Mount");
      }
  }
}

static void
test_parse_unit_files (void)
{
  gsize length;
  g_autofree char *text = sample ("list-unit-files.txt", &length);
  g_autoptr(GError) error = NULL;
  g_autoptr(TendUnitList) units = tend_ssh_parse_unit_files (text, length, &error);
  const TendUnitInfo *info;

  g_assert_no_error (error);
  g_assert_cmpuint (tend_unit_list_get_length (units), >, 10);
  info = tend_unit_list_lookup (units, "tend-remote-test.service");
  g_assert_nonnull (info);
  g_assert_cmpstr (info->unit_file_state, ==, "static");
  g_assert_cmpstr (info->active_state, ==, "inactive");
}

static void
test_parse_show (void)
{
  gsize length;
  g_autofree char *text = sample ("show.txt", &length);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) units = tend_ssh_parse_show (text, length, &error);
  g_autoptr(TendService) service = NULL;
  const char *s;
  guint32 u;
  guint64 t;
  gboolean b;
  gint32 i;
  g_autofree const char **strv = NULL;
  g_autoptr(GDateTime) when = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (units->len, ==, 3);

  g_assert_true (g_variant_lookup (units->pdata[0], "Id", "&s", &s));
  g_assert_cmpstr (s, ==, "tend-remote-test.service");
  g_assert_true (g_variant_lookup (units->pdata[0], "MainPID", "u", &u));
  g_assert_cmpuint (u, ==, 16799);
  g_assert_true (g_variant_lookup (units->pdata[0], "NRestarts", "u", &u));
  g_assert_cmpuint (u, ==, 0);
  g_assert_true (g_variant_lookup (units->pdata[0], "ExecMainStatus", "i", &i));
  g_assert_cmpint (i, ==, 0);
  g_assert_true (g_variant_lookup (units->pdata[0], "MemoryCurrent", "t", &t));
  g_assert_cmpuint (t, ==, G_MAXUINT64);
  g_assert_true (g_variant_lookup (units->pdata[0], "CanReload", "b", &b));
  g_assert_false (b);
  g_assert_true (g_variant_lookup (units->pdata[0], "Requires", "^a&s", &strv));
  g_assert_cmpuint (g_strv_length ((char **) strv), ==, 2);
  g_assert_cmpstr (strv[1], ==, "basic.target");
  g_clear_pointer (&strv, g_free);
  g_assert_true (g_variant_lookup (units->pdata[0], "RequiredBy", "^a&s", &strv));
  g_assert_cmpuint (g_strv_length ((char **) strv), ==, 0);
  /* "Sun 2026-12-06 05:56:07.182374 UTC" to the µs */
  g_assert_true (g_variant_lookup (units->pdata[0], "ActiveEnterTimestamp", "t", &t));
  when = g_date_time_new_utc (2026, 12, 6, 5, 56, 7.182374);
  g_assert_cmpuint (t, ==, g_date_time_to_unix (when) * G_USEC_PER_SEC + 182374);
  g_assert_true (g_variant_lookup (units->pdata[0], "Job", "(u&o)", &u, &s));
  g_assert_cmpuint (u, ==, 0);

  g_assert_true (g_variant_lookup (units->pdata[1], "Id", "&s", &s));
  g_assert_cmpstr (s, ==, "default.target");
  g_assert_false (g_variant_lookup (units->pdata[1], "MainPID", "u", &u));

  g_assert_true (g_variant_lookup (units->pdata[2], "LoadState", "&s", &s));
  g_assert_cmpstr (s, ==, "not-found");
  g_assert_true (g_variant_lookup (units->pdata[2], "ActiveEnterTimestamp", "t", &t));
  g_assert_cmpuint (t, ==, 0);

  /* TendService reads them as it reads the bus's */
  service = g_object_new (TEND_TYPE_SERVICE, "name", "tend-remote-test.service", NULL);
  tend_service_apply_properties (service, units->pdata[0]);
  g_assert_cmpstr (tend_service_get_active_state (service), ==, "active");
  g_assert_true (tend_service_get_details_loaded (service));
}

static void
test_parse_version (void)
{
  static const char *bad[] = { "", "bash: systemctl: command not found\n", "systemd\n",
                               "systemd abc\n", "systemd 252x\n", "systemd 99999999999999\n" };
  const char *good = "systemd 252 (252.38-1~deb12u1)\n+PAM +AUDIT\n";
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (tend_ssh_parse_version (good, strlen (good), &error), ==, 252);
  g_assert_no_error (error);
  g_assert_cmpuint (tend_ssh_parse_version ("systemd 239\n", 12, &error), ==, 239);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_cmpuint (tend_ssh_parse_version (bad[i], strlen (bad[i]), &error), ==, 0);
      g_assert_error (error, TEND_ERROR, TEND_ERROR_FAILED);
      g_clear_error (&error);
    }
}

/* What a hostile or broken host might send: never a crash, a clear error or a safe value. */
static void
assert_same_lists (TendUnitList *a,
                   TendUnitList *b)
{
  g_assert_cmpuint (tend_unit_list_get_length (a), ==, tend_unit_list_get_length (b));
  for (guint i = 0; i < tend_unit_list_get_length (a); i++)
    {
      const TendUnitInfo *x = tend_unit_list_get (a, i);
      const TendUnitInfo *y = tend_unit_list_get (b, i);

      g_assert_cmpstr (x->name, ==, y->name);
      g_assert_cmpstr (x->load_state, ==, y->load_state);
      g_assert_cmpstr (x->active_state, ==, y->active_state);
      g_assert_cmpstr (x->sub_state, ==, y->sub_state);
      g_assert_cmpstr (x->description, ==, y->description);
      g_assert_cmpstr (x->job_type, ==, y->job_type);
    }
}

/* The list is read without json-glib's tree (tend-ssh-json.c) when it has systemd's
 * shape, and with json-glib otherwise: both give the same list, escapes decoded alike.
 * A member that is a number sends the text to json-glib (the same text, to compare). */
static void
test_parse_list_units_fast (void)
{
  static const char *samples[] = { "list-units.json", "list-units-job.json" };
  const char *escapes =
    "[ {\"unit\" : \"a.service\", \"load\":\"loaded\",\"active\":\"active\",\n"
    "   \"sub\":\"running\", \"job\": null,"
    "   \"description\":\"q\\\"b\\\\s\\/t\\tn\\nu\\u00e9e\\ud83d\\ude00x\"},"
    "  {\"unit\":\"b.service\",\"load\":\"loaded\",\"active\":\"failed\","
    "   \"sub\":\"failed\",\"other\":\"\"} ]";
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i <= G_N_ELEMENTS (samples); i++)
    {
      g_autofree char *text = NULL;
      g_autofree char *slow_text = NULL;
      g_autoptr(TendUnitList) fast = NULL;
      g_autoptr(TendUnitList) slow = NULL;
      gsize length;

      if (i < G_N_ELEMENTS (samples))
        text = sample (samples[i], &length);
      else
        text = g_strdup (escapes), length = strlen (text);
      /* the same, with one member json-glib alone reads */
      g_assert_true (g_str_has_prefix (g_strchug (text), "["));
      slow_text = g_strdup_printf ("[{\"unit\":\"z.service\",\"load\":\"loaded\","
                                   "\"active\":\"active\",\"sub\":\"running\",\"n\":1},%s",
                                   g_strchug (text) + 1);
      /* the fast reader takes systemd's shape, and leaves the other to json-glib */
      {
        static const char * const keys[] = { "unit", "description", NULL };
        GStringChunk *chunk = g_string_chunk_new (64);
        g_autoptr(GPtrArray) rows = g_ptr_array_new ();

        g_assert_true (tend_ssh_json_scan_table (text, strlen (text), keys, chunk, rows));
        g_assert_cmpuint (rows->len, >, 2);
        g_assert_cmpuint (rows->len % 2, ==, 0);
        g_ptr_array_set_size (rows, 0);
        g_assert_false (tend_ssh_json_scan_table (slow_text, strlen (slow_text), keys, chunk,
                                                  rows));
        g_string_chunk_free (chunk);
      }
      fast = tend_ssh_parse_list_units_json (text, strlen (text), &error);
      g_assert_no_error (error);
      slow = tend_ssh_parse_list_units_json (slow_text, strlen (slow_text), &error);
      g_assert_no_error (error);
      g_assert_cmpstr (tend_unit_list_get (slow, 0)->name, ==, "z.service");
      g_assert_cmpuint (tend_unit_list_get_length (fast), >, 1);
      /* drop z.service: compare the rest */
      {
        g_autoptr(TendUnitList) rest = tend_unit_list_new (0);

        for (guint j = 1; j < tend_unit_list_get_length (slow); j++)
          tend_unit_list_add (rest, tend_unit_list_get (slow, j));
        assert_same_lists (fast, rest);
      }
      if (i == G_N_ELEMENTS (samples))
        {
          g_assert_cmpstr (tend_unit_list_get (fast, 0)->description, ==,
                           "q\"b\\s/t\tn\nu\xc3\xa9" "e\xf0\x9f\x98\x80x");
          g_assert_cmpstr (tend_unit_list_get (fast, 0)->job_type, ==, "");
          g_assert_cmpstr (tend_unit_list_get (fast, 1)->description, ==, "");
        }
    }
}

static void
test_parse_garbage (void)
{
  static const char *json_bad[] = {
    "", "not json", "{\"unit\":\"a.service\"}", "[1,2,3]", "[{\"unit\":\"a.service\"}]",
    "[{\"unit\":5,\"load\":\"loaded\",\"active\":\"active\",\"sub\":\"running\"}]",
    "[{\"unit\":\"a.service\",\"load\":\"loaded\",\"active\":\"active\"", "[[[[[[[[[[",
  };
  static const char *plain_bad[] = {
    "garbage\n", "a.service loaded active running desc\n",
    "UNIT LOAD ACTIVE SUB DESCRIPTION\nx\n",
  };
  static const char *show_bad[] = {
    "no equals sign\n", "=value\n", "Description=x\n\nId=a.service\n",
  };
  g_autoptr(GError) error = NULL;
  GString *big;

  for (guint i = 0; i < G_N_ELEMENTS (json_bad); i++)
    {
      g_assert_null (tend_ssh_parse_list_units_json (json_bad[i], strlen (json_bad[i]), &error));
      g_assert_error (error, TEND_ERROR, TEND_ERROR_FAILED);
      g_test_message ("%s", error->message);
      g_clear_error (&error);
    }
  for (guint i = 0; i < G_N_ELEMENTS (plain_bad); i++)
    {
      g_assert_null (tend_ssh_parse_list_units_plain (plain_bad[i], strlen (plain_bad[i]), &error));
      g_assert_error (error, TEND_ERROR, TEND_ERROR_FAILED);
      g_clear_error (&error);
    }
  for (guint i = 0; i < G_N_ELEMENTS (show_bad); i++)
    {
      g_assert_null (tend_ssh_parse_show (show_bad[i], strlen (show_bad[i]), &error));
      g_assert_error (error, TEND_ERROR, TEND_ERROR_FAILED);
      g_clear_error (&error);
    }

  /* a NUL inside the given length */
  {
    const char with_nul[] = "[{\"unit\":\"a.service\0\",\"load\":\"l\",\"active\":\"a\","
                            "\"sub\":\"s\"}]";

    g_assert_null (tend_ssh_parse_list_units_json (with_nul, sizeof with_nul - 1, &error));
    g_assert_error (error, TEND_ERROR, TEND_ERROR_FAILED);
    g_assert_nonnull (strstr (error->message, "NUL"));
    g_clear_error (&error);
    g_assert_null (tend_ssh_parse_show ("Id=a\0b\n", 7, &error));
    g_assert_error (error, TEND_ERROR, TEND_ERROR_FAILED);
    g_clear_error (&error);
  }

  /* not UTF-8, hostile names and values: replaced, skipped, or left out */
  {
    const char *json = "[{\"unit\":\"a.service\",\"load\":\"loaded\",\"active\":\"active\","
                       "\"sub\":\"running\",\"description\":\"caf\xe9\"},"
                       "{\"unit\":\"x; reboot.service\",\"load\":\"loaded\",\"active\":\"a\","
                       "\"sub\":\"s\"}]";
    const char *plain = "UNIT          LOAD   ACTIVE SUB     DESCRIPTION\n"
                        "a.service     loaded active running caf\xe9\n"
                        "b$(x).service loaded active running evil\n\nlegend\n";
    const char *show = "Id=a.service\nMainPID=-1\nNRestarts=99999999999\nCanReload=maybe\n"
                       "MemoryCurrent=12abc\nActiveEnterTimestamp=Sun 2026-12-06 05:56:07 CET\n"
                       "Description=caf\xe9\nUnknown=x\nJob=x\n";
    g_autoptr(TendUnitList) units = NULL;
    g_autoptr(GPtrArray) blocks = NULL;
    const char *s;

    units = tend_ssh_parse_list_units_json (json, strlen (json), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (tend_unit_list_get_length (units), ==, 1);
    g_assert_true (g_utf8_validate (tend_unit_list_get (units, 0)->description, -1, NULL));
    g_clear_pointer (&units, tend_unit_list_unref);

    units = tend_ssh_parse_list_units_plain (plain, strlen (plain), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (tend_unit_list_get_length (units), ==, 1);
    g_assert_cmpstr (tend_unit_list_get (units, 0)->description, ==, "caf\xef\xbf\xbd");

    blocks = tend_ssh_parse_show (show, strlen (show), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (blocks->len, ==, 1);
    g_assert_cmpuint (g_variant_n_children (blocks->pdata[0]), ==, 2);
    g_assert_true (g_variant_lookup (blocks->pdata[0], "Description", "&s", &s));
    g_assert_true (g_utf8_validate (s, -1, NULL));
  }

  /* bounded: more than 32 MiB is refused before it is read */
  big = g_string_sized_new (33 * 1024 * 1024);
  while (big->len < 33 * 1024 * 1024)
    g_string_append (big, "Id=a.service\n\n");
  g_assert_null (tend_ssh_parse_show (big->str, big->len, &error));
  g_assert_error (error, TEND_ERROR, TEND_ERROR_FAILED);
  g_clear_error (&error);
  g_string_free (big, TRUE);

  /* empty output is an empty list, not an error */
  {
    g_autoptr(TendUnitList) units = tend_ssh_parse_list_units_plain ("", 0, &error);
    g_autoptr(GPtrArray) blocks = tend_ssh_parse_show ("", 0, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (tend_unit_list_get_length (units), ==, 0);
    g_assert_cmpuint (blocks->len, ==, 0);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ssh-command/injection-refused", test_injection_refused);
  g_test_add_func ("/ssh-command/check-argv", test_check_argv);
  g_test_add_func ("/ssh-command/builders", test_builders);
  g_test_add_func ("/ssh-command/sudoers", test_sudoers);
  g_test_add_func ("/ssh-command/sudoers-allows-only-tend", test_sudoers_allows_only_tend);
  g_test_add_func ("/ssh-command/parse/list-units", test_parse_list_units);
  g_test_add_func ("/ssh-command/parse/list-units-fast", test_parse_list_units_fast);
  g_test_add_func ("/ssh-command/parse/unit-files", test_parse_unit_files);
  g_test_add_func ("/ssh-command/parse/show", test_parse_show);
  g_test_add_func ("/ssh-command/parse/version", test_parse_version);
  g_test_add_func ("/ssh-command/parse/garbage", test_parse_garbage);

  return g_test_run ();
}
