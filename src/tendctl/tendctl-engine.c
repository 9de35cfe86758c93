/* tendctl-engine.c — telling the running monitor that its checks changed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The monitor (the engine that runs the checks in the background) holds a lock file
 * next to its database and reloads its checks from the database on SIGHUP. Commands
 * that change the inventory call tendctl_notify_engine() once the change is stored.
 */
#define G_LOG_DOMAIN "Tendctl"

#include <errno.h>
#include <signal.h>

#include "tendctl.h"
#include "tendctl-output.h"

/* The pid of the monitor that runs on the database at @store_path, 0 if none does.
 *
 * TODO: call tend_lock_get_owner() (libtend's tend-lock.h, landing on main) here, and
 * drop this stub, once tend-lock.h is in this branch. */
static GPid
get_engine_pid (const char *store_path)
{
  g_assert (store_path != NULL);
  return 0;
}

/**
 * tendctl_notify_engine:
 * @store_path: the database that was changed
 *
 * Asks the monitor running on @store_path, if one does, to reload its checks (SIGHUP),
 * and says so on stderr. Without a monitor it does nothing: the checks are read when
 * one starts.
 */
void
tendctl_notify_engine (const char *store_path)
{
  GPid pid = get_engine_pid (store_path);

  if (pid <= 0)
    return;

  if (kill (pid, SIGHUP) != 0)
    {
      int saved = errno;

      /* Gone since it was asked for: the next one reads the database when it starts. */
      if (saved == ESRCH)
        return;
      tendctl_print_error ("warning: the monitor (pid %d) could not be told to reload its "
                           "checks: %s; they change when it restarts", (int) pid,
                           g_strerror (saved));
      return;
    }
  tendctl_print_error ("the monitor (pid %d) reloads its checks", (int) pid);
}
