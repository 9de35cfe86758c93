/* tend-log-notifier.h — notifications to the log (stderr, or the journal under systemd)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tend-types.h"

G_BEGIN_DECLS

#define TEND_TYPE_LOG_NOTIFIER (tend_log_notifier_get_type ())
G_DECLARE_FINAL_TYPE (TendLogNotifier, tend_log_notifier, TEND, LOG_NOTIFIER, GObject)

TendLogNotifier *tend_log_notifier_new (void);

G_END_DECLS
