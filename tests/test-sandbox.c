/* test-sandbox.c — Tend inside a Flatpak sandbox: commands run on the host
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * TEND_FLATPAK_INFO names the file that stands for /.flatpak-info, and a stand-in
 * flatpak-spawn first on PATH writes down the argv it was given (one argument a line)
 * and then runs the command after its options, here, as the real one runs it on the
 * host. A command check and the local journal must then run
 * `flatpak-spawn --host --watch-bus [--env=…] -- ARGV` with ARGV exactly what runs
 * outside the sandbox, and outside it (no such file, or TEND_FLATPAK_INFO empty) ARGV
 * itself, with no flatpak-spawn.
 *
 * The sd-bus backend, which outside goes to the user manager's private socket, must go
 * to the session bus inside (the sandbox shows no such socket): that part needs a real
 * user manager and runs in the sandbox suite ('flatpak-sdbus'); elsewhere it is skipped.
 */
#define G_LOG_DOMAIN "Tend"

#include <glib/gstdio.h>
#include <string.h>

#include "config.h"
#include "tend-command-check.h"
#include "tend-dbus-private.h"
#include "tend-duration.h"
#include "tend-error.h"
#include "tend-journal.h"
#include "tend-sandbox.h"
#include "test-util.h"
#ifdef HAVE_LIBSYSTEMD
#include "tend-backend.h"
#include "tend-bus.h"
#include "tend-sdbus-backend.h"
#endif

/* The stand-in: records, then drops its options (exporting --env's) and runs the rest;
 * with TEND_TEST_SPAWN_OUTPUT set it prints that file instead (a journal to read). */
#define FAKE_FLATPAK_SPAWN \
  "#!/bin/sh\n" \
  "for arg in \"$@\"; do printf '%s\\n' \"$arg\"; done > \"$TEND_TEST_SPAWN_RECORD.tmp\"\n" \
  "mv \"$TEND_TEST_SPAWN_RECORD.tmp\" \"$TEND_TEST_SPAWN_RECORD\"\n" \
  "while [ $# -gt 0 ]; do\n" \
  "  case \"$1\" in\n" \
  "    --env=*) export \"${1#--env=}\" ;;\n" \
  "    --) shift; break ;;\n" \
  "    -*) ;;\n" \
  "    *) break ;;\n" \
  "  esac\n" \
  "  shift\n" \
  "done\n" \
  "if [ -n \"$TEND_TEST_SPAWN_OUTPUT\" ]; then exec cat \"$TEND_TEST_SPAWN_OUTPUT\"; fi\n" \
  "exec \"$@\"\n"

#define JOURNAL_LINE \
  "{\"__REALTIME_TIMESTAMP\":\"1700000000000000\",\"PRIORITY\":\"3\"," \
  "\"MESSAGE\":\"from the host's journal\",\"_SYSTEMD_UNIT\":\"web.service\"}\n"

typedef struct
{
  char *dir;          /* (owned) the stand-in's directory, first on PATH */
  char *info;         /* (owned) the stand-in for /.flatpak-info */
  char *record;       /* (owned) where the stand-in writes its argv */
  char *old_path;     /* (owned) */
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *spawn = NULL;
  g_autofree char *path = NULL;

  fixture->dir = g_dir_make_tmp ("tend-sandbox-XXXXXX", &error);
  g_assert_no_error (error);
  spawn = g_build_filename (fixture->dir, TEND_FLATPAK_SPAWN, NULL);
  g_file_set_contents (spawn, FAKE_FLATPAK_SPAWN, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (spawn, 0755), ==, 0);

  fixture->info = g_build_filename (fixture->dir, "flatpak-info", NULL);
  fixture->record = g_build_filename (fixture->dir, "argv", NULL);
  fixture->old_path = g_strdup (g_getenv ("PATH"));
  path = g_strconcat (fixture->dir, ":", fixture->old_path, NULL);
  g_setenv ("PATH", path, TRUE);
  g_setenv ("TEND_TEST_SPAWN_RECORD", fixture->record, TRUE);
  g_setenv ("TEND_FLATPAK_INFO", fixture->info, TRUE);
  g_unsetenv ("TEND_TEST_SPAWN_OUTPUT");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (fixture->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (fixture->dir);
  g_setenv ("PATH", fixture->old_path, TRUE);
  g_unsetenv ("TEND_FLATPAK_INFO");
  g_unsetenv ("TEND_TEST_SPAWN_RECORD");
  g_unsetenv ("TEND_TEST_SPAWN_OUTPUT");
  g_free (fixture->dir);
  g_free (fixture->info);
  g_free (fixture->record);
  g_free (fixture->old_path);
}

/* As if inside Flatpak: the file that stands for /.flatpak-info exists. */
static void
enter_flatpak (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (fixture->info, "[Application]\nname=io.github.tendapp.Tend\n", -1,
                       &error);
  g_assert_no_error (error);
  g_assert_true (tend_sandbox_is_flatpak ());
}

/* The argv the stand-in was given, or %NULL when it did not run. */
static GStrv
recorded_argv (Fixture *fixture)
{
  g_autofree char *text = NULL;
  gsize length;

  if (!g_file_get_contents (fixture->record, &text, &length, NULL))
    return NULL;
  g_assert_true (length > 0 && text[length - 1] == '\n');
  text[length - 1] = '\0';
  return g_strsplit (text, "\n", -1);
}

static void
assert_strv (const char * const *got,
             const char * const *expected)
{
  g_autofree char *got_text = g_strjoinv (" | ", (char **) got);
  g_autofree char *expected_text = g_strjoinv (" | ", (char **) expected);

  g_assert_cmpstr (got_text, ==, expected_text);
}

/* ------------------------------------------------------------------------------------ */

static void
test_detect (Fixture       *fixture,
             gconstpointer  data)
{
  /* A new user's computer: no /.flatpak-info (the test machine is not a sandbox) */
  g_unsetenv ("TEND_FLATPAK_INFO");
  g_assert_false (g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS));
  g_assert_false (tend_sandbox_is_flatpak ());

  g_setenv ("TEND_FLATPAK_INFO", fixture->info, TRUE);
  g_assert_false (tend_sandbox_is_flatpak ());
  enter_flatpak (fixture);
  g_setenv ("TEND_FLATPAK_INFO", "", TRUE);
  g_assert_false (tend_sandbox_is_flatpak ());
}

static void
test_host_argv (Fixture       *fixture,
                gconstpointer  data)
{
  const char * const argv[] = { "/usr/lib/nagios/plugins/check_disk", "-w", "10%", "--",
                                "a b; rm -rf /", NULL };
  const char * const environment[] = { "LANG=C", "EMPTY=", NULL };
  const char * const host[] = { "flatpak-spawn", "--host", "--watch-bus", "--env=LANG=C",
                                "--env=EMPTY=", "--", "/usr/lib/nagios/plugins/check_disk",
                                "-w", "10%", "--", "a b; rm -rf /", NULL };
  g_auto(GStrv) outside = NULL;
  g_auto(GStrv) inside = NULL;

  outside = tend_sandbox_host_argv (argv, environment);
  assert_strv ((const char * const *) outside, argv);

  enter_flatpak (fixture);
  inside = tend_sandbox_host_argv (argv, environment);
  assert_strv ((const char * const *) inside, host);
}

static TendCheck *
env_check (void)
{
  g_autofree char *script = check_script ("env.sh");
  const char * const argv[] = { script, "an argument", NULL };
  const char * const environment[] = { "TEND_CHECK_COLOR=blue green", NULL };
  g_autoptr(TendCheck) check = NULL;
  g_autoptr(GError) error = NULL;

  check = tend_command_check_new ("env", argv, &error);
  g_assert_no_error (error);
  g_assert_true (tend_command_check_set_environment (TEND_COMMAND_CHECK (check), environment,
                                                     &error));
  g_assert_no_error (error);
  return g_steal_pointer (&check);
}

static void
assert_env_verdict (TendCheck *check)
{
  g_autoptr(TendCheckVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;

  verdict = run_check_timed (check, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (verdict->status, ==, TEND_RESULT_PASS);
  g_assert_cmpstr (verdict->message, ==,
                   "TEND_CHECK_COLOR=blue green TEND_CHECK_EMPTY=unset PATH=set");
}

/* Outside the sandbox a command check runs its argv itself. */
static void
test_command_check_outside (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(TendCheck) check = env_check ();

  g_assert_false (tend_sandbox_is_flatpak ());
  assert_env_verdict (check);
  g_assert_false (g_file_test (fixture->record, G_FILE_TEST_EXISTS));
}

/* Inside it, flatpak-spawn --host runs the same argv, and the check's environment goes
 * to the host as --env options; the verdict is the command's, as outside. */
static void
test_command_check_inside (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(TendCheck) check = env_check ();
  g_autofree char *script = check_script ("env.sh");
  const char * const expected[] = { "--host", "--watch-bus",
                                     "--env=TEND_CHECK_COLOR=blue green", "--", script,
                                     "an argument", NULL };
  g_auto(GStrv) argv = NULL;

  enter_flatpak (fixture);
  assert_env_verdict (check);
  argv = recorded_argv (fixture);
  g_assert_nonnull (argv);
  assert_strv ((const char * const *) argv, expected);
}

typedef struct
{
  GPtrArray *entries;
  GError    *error;
  gboolean   done;
} Journal;

static void
on_read_all (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Journal *journal = user_data;

  journal->entries = tend_journal_reader_read_all_finish (TEND_JOURNAL_READER (source), result,
                                                          &journal->error);
  journal->done = TRUE;
}

static gboolean
journal_done (gpointer data)
{
  return ((Journal *) data)->done;
}

/* The journal of a unit of this computer, inside the sandbox: the host's journalctl,
 * JOURNALCTL (the meson option), never one found in the sandbox's PATH. */
static void
test_journal_inside (Fixture       *fixture,
                     gconstpointer  data)
{
  TendJournalQuery query = { .n_entries = 20, .max_priority = 3, .follow = FALSE };
  g_autofree char *output = g_build_filename (fixture->dir, "journal", NULL);
  g_autoptr(TendJournalReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) journalctl = NULL;
  g_auto(GStrv) argv = NULL;
  g_autoptr(GPtrArray) expected = g_ptr_array_new ();
  Journal journal = { 0 };
  TendJournalEntry *entry;

  g_file_set_contents (output, JOURNAL_LINE, -1, &error);
  g_assert_no_error (error);
  g_setenv ("TEND_TEST_SPAWN_OUTPUT", output, TRUE);
  enter_flatpak (fixture);

  reader = tend_dbus_open_journal ("this computer", "web.service", &query, NULL, &error);
  g_assert_no_error (error);
  tend_journal_reader_read_all_async (reader, NULL, on_read_all, &journal);
  g_assert_true (wait_until (journal_done, &journal));
  g_assert_no_error (journal.error);
  g_assert_cmpuint (journal.entries->len, ==, 1);
  entry = g_ptr_array_index (journal.entries, 0);
  g_assert_cmpstr (entry->message, ==, "from the host's journal");
  g_assert_cmpstr (entry->unit, ==, "web.service");

  journalctl = tend_journal_build_argv (JOURNALCTL, "web.service", &query, &error);
  g_assert_no_error (error);
  g_ptr_array_add (expected, (char *) "--host");
  g_ptr_array_add (expected, (char *) "--watch-bus");
  g_ptr_array_add (expected, (char *) "--");
  for (guint i = 0; journalctl[i] != NULL; i++)
    g_ptr_array_add (expected, journalctl[i]);
  g_ptr_array_add (expected, NULL);
  argv = recorded_argv (fixture);
  g_assert_nonnull (argv);
  assert_strv ((const char * const *) argv, (const char * const *) expected->pdata);
  g_assert_cmpstr (argv[3], ==, JOURNALCTL);
  g_ptr_array_unref (journal.entries);
}

/* Outside the sandbox journalctl runs itself (what it reads does not matter here). */
static void
test_journal_outside (Fixture       *fixture,
                      gconstpointer  data)
{
  TendJournalQuery query = { .n_entries = 1, .max_priority = -1, .follow = FALSE };
  g_autoptr(TendJournalReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  Journal journal = { 0 };

  g_assert_false (tend_sandbox_is_flatpak ());
  reader = tend_dbus_open_journal ("this computer", "web.service", &query, NULL, &error);
  if (reader == NULL)
    {
      g_autofree char *why = g_strdup_printf ("no journalctl here (the Debian package "
                                              "systemd): %s", error->message);
      g_test_skip (why);
      return;
    }
  tend_journal_reader_read_all_async (reader, NULL, on_read_all, &journal);
  g_assert_true (wait_until (journal_done, &journal));
  g_clear_error (&journal.error);
  g_clear_pointer (&journal.entries, g_ptr_array_unref);
  g_assert_false (g_file_test (fixture->record, G_FILE_TEST_EXISTS));
}

#ifdef HAVE_LIBSYSTEMD
/* Connects a new sd-bus backend for the user's manager and lists its units. */
static TendBackend *
connect_sdbus (void)
{
  g_autoptr(TendBackend) backend = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TendUnitList) units = NULL;
  g_autoptr(GError) error = NULL;

  backend = TEND_BACKEND (tend_sdbus_backend_new (G_BUS_TYPE_SESSION, "this computer"));
  tend_backend_connect_async (backend, NULL, store_result, &result);
  wait_for_result (&result);
  g_assert_true (tend_backend_connect_finish (backend, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  tend_backend_list_units_async (backend, TEND_LIST_LOADED, NULL, store_result, &result);
  wait_for_result (&result);
  units = tend_backend_list_units_finish (backend, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tend_unit_list_get_length (units), >, 0);
  return g_steal_pointer (&backend);
}
#endif

static void
test_sdbus_bus (Fixture       *fixture,
                gconstpointer  data)
{
#ifdef HAVE_LIBSYSTEMD
  const char *runtime_dir = g_getenv ("XDG_RUNTIME_DIR");
  g_autofree char *private = NULL;
  g_autofree char *direct = NULL;
  g_autofree char *bus = NULL;
  g_autoptr(TendBackend) outside = NULL;
  g_autoptr(TendBackend) inside = NULL;
  g_autoptr(GError) error = NULL;

  private = runtime_dir != NULL ? g_build_filename (runtime_dir, "systemd", "private", NULL)
                                : NULL;
  if (private == NULL || !g_file_test (private, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("no user manager's private socket here: this part runs in the sandbox "
                   "suite (flatpak-sdbus)");
      return;
    }
  direct = g_strconcat ("unix:path=", private, NULL);
  bus = tend_bus_dup_address (G_BUS_TYPE_SESSION, &error);
  g_assert_no_error (error);

  /* Outside: the manager's private socket */
  outside = connect_sdbus ();
  g_assert_true (tend_sdbus_backend_is_direct (TEND_SDBUS_BACKEND (outside)));
  g_assert_cmpstr (tend_sdbus_backend_get_address (TEND_SDBUS_BACKEND (outside)), ==, direct);

  /* Inside: the session bus, though the socket is there (in a real sandbox it is not) */
  enter_flatpak (fixture);
  inside = connect_sdbus ();
  g_assert_false (tend_sdbus_backend_is_direct (TEND_SDBUS_BACKEND (inside)));
  g_assert_cmpstr (tend_sdbus_backend_get_address (TEND_SDBUS_BACKEND (inside)), ==, bus);
#else
  g_test_skip ("Tend is built without libsystemd (the Debian package libsystemd-dev): no "
               "sd-bus backend");
#endif
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/sandbox/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("detect", test_detect);
  ADD ("host-argv", test_host_argv);
  ADD ("command-check/outside", test_command_check_outside);
  ADD ("command-check/inside", test_command_check_inside);
  ADD ("journal/inside", test_journal_inside);
  ADD ("journal/outside", test_journal_outside);
  ADD ("sdbus/bus", test_sdbus_bus);
#undef ADD

  return g_test_run ();
}
