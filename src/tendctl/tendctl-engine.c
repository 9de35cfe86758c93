/* tendctl-engine.c — telling the running monitor that its checks changed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The monitor (the engine that runs the checks in the background) holds a lock file
 * next to its database and rereads its checks, policies and silences from the database
 * on SIGHUP. Commands that change them call tendctl_notify_engine() once the change is
 * stored.
 */
#define G_LOG_DOMAIN "Tendctl"

#include <errno.h>
#include <signal.h>

#include "tendctl.h"
#include "tendctl-output.h"

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
  /* -1: one is starting, and reads the checks as they are now. */
  GPid pid = tend_lock_get_owner (store_path);

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
  tendctl_print_error ("the monitor (pid %d) takes the change in now", (int) pid);
}
