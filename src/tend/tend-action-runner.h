/* tend-action-runner.h — running Start, Stop, Restart… from the window, asking first
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <tend.h>

G_BEGIN_DECLS

/* Runs @action on each TendService of @services, each on its own host, audited as
 * coming from the window.  Stop, restart and disable ask first in an AdwMessageDialog
 * over @source's window, listing the units that will be affected.  The outcome is a
 * toast; an error is a dialog with libtend's message. */
void tend_action_runner_run (GtkWidget      *source,
                             TendUnitAction  action,
                             GPtrArray      *services);

G_END_DECLS
