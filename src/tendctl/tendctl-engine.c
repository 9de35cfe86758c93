/* tendctl-engine.c — telling the running monitor that its checks changed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The monitor (the engine that runs the checks in the background, in `tendctl monitor`
 * or in the window) holds a lock file next to its database and rereads its checks,
 * policies and silences from the database on SIGHUP: tend_engine_notify_owner() sends
 * it. What libtend's service controls change, they tell it themselves; tendctl says so.
 */
#define G_LOG_DOMAIN "Tendctl"

#include "tendctl.h"
#include "tendctl-output.h"

/**
 * tendctl_say_engine_told:
 * @pid: the monitor told to take a change in, or 0 for none
 * @warning: (nullable): why it could not be told
 *
 * Says on stderr whether the running monitor takes the change in.
 */
void
tendctl_say_engine_told (GPid        pid,
                         const char *warning)
{
  if (warning != NULL)
    tendctl_print_error (_("warning: %s"), warning);
  else if (pid > 0)
    tendctl_print_error (_("the monitor (pid %d) takes the change in now"), (int) pid);
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
  g_autoptr(GError) error = NULL;
  GPid pid = tend_engine_notify_owner (store_path, &error);

  tendctl_say_engine_told (pid, error != NULL ? error->message : NULL);
}
