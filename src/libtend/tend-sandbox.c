/* tend-sandbox.c — running inside a Flatpak sandbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Inside Flatpak (flatpak/README.md) Tend's own process sees the runtime's /usr, not the
 * computer's: the computer's journalctl and the programs of command checks are not
 * there. Both run on the host instead, through `flatpak-spawn --host`, which asks the
 * session's org.freedesktop.Flatpak service to start them (the manifest's
 * --talk-name=org.freedesktop.Flatpak). What runs is the same argv as outside the
 * sandbox, element by element, after flatpak-spawn's own options and a "--": no shell
 * is in between, here or on the host.
 *
 * --watch-bus makes the host end the command when flatpak-spawn's connection to the bus
 * closes, which it does when flatpak-spawn dies: a check that times out kills its
 * process group (flatpak-spawn with it) and a journal that is followed is stopped with
 * SIGKILL, and in both cases the command on the host goes too.
 *
 * A process is in a Flatpak sandbox when /.flatpak-info exists (looked at once). Tests
 * name another file in TEND_FLATPAK_INFO, looked at every time (set and empty: never in
 * a sandbox).
 */
#define G_LOG_DOMAIN "Tend"

#include "tend-sandbox.h"

#define FLATPAK_INFO "/.flatpak-info"

/**
 * tend_sandbox_is_flatpak:
 *
 * Returns: whether this process runs inside a Flatpak sandbox: /.flatpak-info exists
 *   (or the file named by the environment variable TEND_FLATPAK_INFO, for tests)
 */
gboolean
tend_sandbox_is_flatpak (void)
{
  static gsize in_flatpak = 0;   /* 1 no, 2 yes: a sandbox does not come or go */
  const char *info = g_getenv ("TEND_FLATPAK_INFO");

  if (info != NULL)
    return *info != '\0' && g_file_test (info, G_FILE_TEST_EXISTS);
  if (g_once_init_enter (&in_flatpak))
    g_once_init_leave (&in_flatpak, g_file_test (FLATPAK_INFO, G_FILE_TEST_EXISTS) ? 2 : 1);
  return in_flatpak == 2;
}

/**
 * tend_sandbox_host_argv:
 * @argv: the command, argv[0] an absolute path
 * @environment: (nullable): KEY=VALUE pairs the command gets on top of the environment
 *
 * The argv that runs @argv on the computer: inside Flatpak
 * `flatpak-spawn --host --watch-bus [--env=KEY=VALUE ...] -- ARGV...`, outside it @argv
 * itself (the caller sets @environment on its launcher; inside Flatpak it can set it
 * too, but only the --env options reach the host).
 *
 * Returns: (transfer full): a new argv
 */
char **
tend_sandbox_host_argv (const char * const *argv,
                        const char * const *environment)
{
  GPtrArray *host;

  g_return_val_if_fail (argv != NULL && argv[0] != NULL, NULL);

  if (!tend_sandbox_is_flatpak ())
    return g_strdupv ((char **) argv);

  host = g_ptr_array_new ();
  g_ptr_array_add (host, g_strdup (TEND_FLATPAK_SPAWN));
  g_ptr_array_add (host, g_strdup ("--host"));
  g_ptr_array_add (host, g_strdup ("--watch-bus"));
  for (guint i = 0; environment != NULL && environment[i] != NULL; i++)
    g_ptr_array_add (host, g_strconcat ("--env=", environment[i], NULL));
  /* flatpak-spawn takes its options up to the first argument that does not start with
   * "-"; argv[0] is an absolute path, and "--" ends the options all the same. */
  g_ptr_array_add (host, g_strdup ("--"));
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (host, g_strdup (argv[i]));
  g_ptr_array_add (host, NULL);
  return (char **) g_ptr_array_free (host, FALSE);
}
