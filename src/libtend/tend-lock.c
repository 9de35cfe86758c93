/* tend-lock.c — one monitor per data directory
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The monitor holds an exclusive flock(2) on `monitor.lock` beside its database for as
 * long as it runs, and writes its pid into the file. The kernel drops the lock when the
 * process ends, however it ends, so a stale file never blocks a new monitor; the pid in
 * it only tells others who holds the lock. flock() rather than fcntl() locks: closing
 * another descriptor of the same file (tend_lock_get_owner() in the monitor's own
 * process) does not release it.
 */
#define G_LOG_DOMAIN "Tend-Store"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "tend-error.h"
#include "tend-lock.h"

#define LOCK_FILE_NAME "monitor.lock"

struct _TendLock
{
  char *path;   /* (owned) */
  int fd;
};

/**
 * tend_lock_path_for_store:
 * @store_path: the path of a database
 *
 * Returns: (transfer full): the lock file of the data directory @store_path is in
 */
char *
tend_lock_path_for_store (const char *store_path)
{
  g_autofree char *dir = NULL;

  g_return_val_if_fail (store_path != NULL, NULL);

  dir = g_path_get_dirname (store_path);
  return g_build_filename (dir, LOCK_FILE_NAME, NULL);
}

/* The pid written in the lock file open as @fd, or 0 when it holds none. */
static GPid
read_pid (int fd)
{
  char text[32];
  ssize_t n;
  gint64 pid;
  char *end;

  n = pread (fd, text, sizeof text - 1, 0);
  if (n <= 0)
    return 0;
  text[n] = '\0';
  pid = g_ascii_strtoll (text, &end, 10);
  if (end == text || pid <= 0 || pid > G_MAXINT)
    return 0;
  return (GPid) pid;
}

/**
 * tend_lock_acquire:
 * @store_path: the path of the monitor's database
 * @error: %TEND_ERROR_BUSY with "already running (pid N)" when another process holds
 *   the lock, or why the lock file could not be made
 *
 * Takes the data directory's lock for this process; the directory is made if missing.
 *
 * Returns: (transfer full) (nullable): the lock, to release with tend_lock_release()
 */
TendLock *
tend_lock_acquire (const char  *store_path,
                   GError     **error)
{
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *pid_text = NULL;
  TendLock *lock;
  int fd;

  g_return_val_if_fail (store_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  path = tend_lock_path_for_store (store_path);
  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, TEND_ERROR, TEND_ERROR_FAILED, "cannot make the data directory %s: %s",
                   dir, g_strerror (saved));
      return NULL;
    }

  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, TEND_ERROR, TEND_ERROR_FAILED, "cannot open the lock file %s: %s",
                   path, g_strerror (saved));
      return NULL;
    }

  /* A shared lock is only ever held for an instant, by tend_lock_get_owner() in another
   * process: when the file holds no pid, try again a few times before saying "busy". */
  for (guint i = 0; flock (fd, LOCK_EX | LOCK_NB) != 0; i++)
    {
      int saved = errno;
      GPid owner;

      if (saved == EWOULDBLOCK && i < 5 && read_pid (fd) == 0)
        {
          g_usleep (2000);
          continue;
        }
      owner = saved == EWOULDBLOCK ? read_pid (fd) : 0;

      if (saved != EWOULDBLOCK)
        g_set_error (error, TEND_ERROR, TEND_ERROR_FAILED, "cannot lock %s: %s", path,
                     g_strerror (saved));
      else if (owner > 0)
        g_set_error (error, TEND_ERROR, TEND_ERROR_BUSY,
                     "a monitor is already running (pid %d) for %s", (int) owner, dir);
      else
        g_set_error (error, TEND_ERROR, TEND_ERROR_BUSY,
                     "a monitor is already running for %s (it is starting: no pid yet)", dir);
      close (fd);
      return NULL;
    }

  pid_text = g_strdup_printf ("%d\n", (int) getpid ());
  if (ftruncate (fd, 0) != 0 ||
      pwrite (fd, pid_text, strlen (pid_text), 0) != (ssize_t) strlen (pid_text))
    {
      int saved = errno;

      g_set_error (error, TEND_ERROR, TEND_ERROR_FAILED, "cannot write to the lock file %s: %s",
                   path, g_strerror (saved));
      close (fd);
      return NULL;
    }

  lock = g_new0 (TendLock, 1);
  lock->path = g_steal_pointer (&path);
  lock->fd = fd;
  return lock;
}

/**
 * tend_lock_release:
 *
 * Empties the lock file and releases the lock. The file stays: removing it would race
 * with a monitor that opened it and is about to lock it.
 */
void
tend_lock_release (TendLock *lock)
{
  if (lock == NULL)
    return;

  if (ftruncate (lock->fd, 0) != 0)
    g_debug ("lock: cannot empty %s: %s", lock->path, g_strerror (errno));
  close (lock->fd);
  g_free (lock->path);
  g_free (lock);
}

/**
 * tend_lock_get_owner:
 * @store_path: the path of a database
 *
 * Returns: the pid of the monitor running for @store_path's data directory, 0 when
 *   none is, or -1 when one is but has not written its pid yet
 */
GPid
tend_lock_get_owner (const char *store_path)
{
  g_autofree char *path = NULL;
  GPid owner;
  int fd;

  g_return_val_if_fail (store_path != NULL, 0);

  path = tend_lock_path_for_store (store_path);
  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    return 0;

  if (flock (fd, LOCK_SH | LOCK_NB) == 0)
    {
      /* Nobody holds it. Closing drops our shared lock. */
      close (fd);
      return 0;
    }

  owner = read_pid (fd);
  close (fd);
  return owner > 0 ? owner : -1;
}

/**
 * tend_lock_unit_from_cgroup:
 * @cgroup: the text of a /proc/PID/cgroup file
 *
 * The systemd service a process runs in, from its cgroup: the last component of the
 * unified hierarchy's path ("0::"), or else of the "name=systemd" one, when it names a
 * service ("…/app.slice/tend-monitor.service" → "tend-monitor.service").
 *
 * Returns: (transfer full) (nullable): the service's name, or %NULL when the process is
 *   in no service (a scope, a slice, the root)
 */
char *
tend_lock_unit_from_cgroup (const char *cgroup)
{
  g_auto(GStrv) lines = NULL;
  const char *path = NULL;
  const char *last;

  g_return_val_if_fail (cgroup != NULL, NULL);

  lines = g_strsplit (cgroup, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], "0::") && strlen (lines[i]) > 4)
        path = lines[i] + 3;
      else if (path == NULL && g_str_has_prefix (lines[i], "1:name=systemd:"))
        path = lines[i] + strlen ("1:name=systemd:");
    }
  if (path == NULL || (last = strrchr (path, '/')) == NULL)
    return NULL;
  last++;
  if (!g_str_has_suffix (last, ".service") || strlen (last) == strlen (".service"))
    return NULL;
  return g_strdup (last);
}

/**
 * tend_lock_get_owner_unit:
 * @owner: the pid of the lock's owner, as tend_lock_get_owner() gives it
 *
 * Which systemd service runs the engine that holds the lock, so that a person is told
 * "tend-monitor.service (pid N)" rather than a bare pid. Reads /proc/@owner/cgroup.
 *
 * Returns: (transfer full) (nullable): the service's name, or %NULL when it runs in
 *   none (a terminal, the window) or cannot be told
 */
char *
tend_lock_get_owner_unit (GPid owner)
{
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;

  if (owner <= 0)
    return NULL;
  path = g_strdup_printf ("/proc/%d/cgroup", (int) owner);
  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;
  return tend_lock_unit_from_cgroup (contents);
}
