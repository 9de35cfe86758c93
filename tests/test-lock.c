/* test-lock.c — one monitor per data directory
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <unistd.h>

#include <glib/gstdio.h>

#include "tend.h"

static char *
make_store_path (char **dir)
{
  g_autoptr(GError) error = NULL;

  *dir = g_dir_make_tmp ("tend-lock-XXXXXX", &error);
  g_assert_no_error (error);
  return g_build_filename (*dir, "data", "tend.db", NULL);
}

static void
remove_all (const char *dir)
{
  g_autofree char *data = g_build_filename (dir, "data", NULL);
  g_autofree char *lock = g_build_filename (data, "monitor.lock", NULL);

  g_unlink (lock);
  g_rmdir (data);
  g_rmdir (dir);
}

static void
test_lock_held (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = make_store_path (&dir);
  g_autofree char *expected = g_strdup_printf ("already running (pid %d)", (int) getpid ());
  g_autoptr(GError) error = NULL;
  TendLock *lock, *second, *again;

  g_assert_cmpint (tend_lock_get_owner (path), ==, 0);

  /* The data directory is made if missing. */
  lock = tend_lock_acquire (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (lock);
  g_assert_cmpint (tend_lock_get_owner (path), ==, getpid ());

  /* flock() locks belong to an open file: a second try, even from this process, fails. */
  second = tend_lock_acquire (path, &error);
  g_assert_null (second);
  g_assert_error (error, TEND_ERROR, TEND_ERROR_BUSY);
  g_assert_nonnull (strstr (error->message, expected));
  g_clear_error (&error);

  /* Asking who holds it does not release it. */
  g_assert_cmpint (tend_lock_get_owner (path), ==, getpid ());
  g_assert_null (tend_lock_acquire (path, NULL));

  tend_lock_release (lock);
  g_assert_cmpint (tend_lock_get_owner (path), ==, 0);
  again = tend_lock_acquire (path, &error);
  g_assert_no_error (error);
  tend_lock_release (again);

  remove_all (dir);
}

/* Another process is told who holds the lock; when the holder dies, the lock is free
 * although its file stays. */
static void
test_lock_other_process (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = make_store_path (&dir);
  g_autofree char *lock_path = tend_lock_path_for_store (path);
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GInputStream) out = NULL;
  char ready[8] = { 0 };
  TendLock *lock;
  g_autofree char *data_dir = g_path_get_dirname (lock_path);
  /* A process of its own that takes the lock as tend_lock_acquire() would. */
  const char *argv[] = {
    "/usr/bin/python3", "-c",
    "import fcntl, os, sys\n"
    "f = open(sys.argv[1], 'a+')\n"
    "fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)\n"
    "f.truncate(0); f.write('%d\\n' % os.getpid()); f.flush()\n"
    "print('ready', flush=True)\n"
    "sys.stdin.read()\n",
    lock_path, NULL
  };

  g_assert_cmpint (g_mkdir_with_parents (data_dir, 0700), ==, 0);
  child = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDIN_PIPE,
                             &error);
  g_assert_no_error (error);
  out = g_object_ref (g_subprocess_get_stdout_pipe (child));
  g_assert_true (g_input_stream_read_all (out, ready, 6, NULL, NULL, &error));
  g_assert_cmpstr (ready, ==, "ready\n");

  g_assert_cmpint (tend_lock_get_owner (path), ==,
                   g_ascii_strtoll (g_subprocess_get_identifier (child), NULL, 10));
  expected = g_strdup_printf ("already running (pid %d)", tend_lock_get_owner (path));
  g_assert_null (tend_lock_acquire (path, &error));
  g_assert_error (error, TEND_ERROR, TEND_ERROR_BUSY);
  g_assert_nonnull (strstr (error->message, expected));
  g_clear_error (&error);

  g_subprocess_force_exit (child);
  g_assert_true (g_subprocess_wait (child, NULL, &error));
  g_assert_no_error (error);

  /* The file still names the dead process; the lock is what counts. */
  g_assert_true (g_file_test (lock_path, G_FILE_TEST_EXISTS));
  g_assert_cmpint (tend_lock_get_owner (path), ==, 0);
  lock = tend_lock_acquire (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tend_lock_get_owner (path), ==, getpid ());
  tend_lock_release (lock);

  remove_all (dir);
}

/* Which service holds the lock, from /proc/PID/cgroup as systemd's hierarchies write it */
static void
test_lock_owner_unit (void)
{
  static const struct {
    const char *cgroup;
    const char *unit;
  } cases[] = {
    /* cgroup v2 */
    { "0::/user.slice/user-1000.slice/user@1000.service/app.slice/tend-monitor.service\n",
      "tend-monitor.service" },
    /* hybrid: the unified line wins over name=systemd */
    { "12:memory:/user.slice\n1:name=systemd:/user.slice/user@0.service/app.slice/"
      "tend-monitor.service\n0::/user.slice/user@0.service/app.slice/tend-monitor.service\n",
      "tend-monitor.service" },
    /* v1 only */
    { "4:memory:/\n1:name=systemd:/user.slice/user@0.service/tend-monitor.service\n",
      "tend-monitor.service" },
    /* a terminal's scope, a slice, the root, nothing */
    { "0::/user.slice/user-1000.slice/user@1000.service/app.slice/vte-spawn-1.scope\n", NULL },
    { "0::/user.slice\n", NULL },
    { "0::/\n", NULL },
    { "", NULL },
    { "0::/x/.service\n", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *unit = tend_lock_unit_from_cgroup (cases[i].cgroup);

      g_assert_cmpstr (unit, ==, cases[i].unit);
    }

  /* No process, no unit; this test's own process may run in any. */
  g_assert_null (tend_lock_get_owner_unit (0));
  g_assert_null (tend_lock_get_owner_unit (-1));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/lock/owner-unit", test_lock_owner_unit);
  g_test_add_func ("/lock/held", test_lock_held);
  g_test_add_func ("/lock/other-process", test_lock_other_process);
  return g_test_run ();
}
