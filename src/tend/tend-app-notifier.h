/* tend-app-notifier.h — notifications from the window: GNotification through the app
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tend-notifier.h"

G_BEGIN_DECLS

#define TEND_TYPE_APP_NOTIFIER (tend_app_notifier_get_type ())
G_DECLARE_FINAL_TYPE (TendAppNotifier, tend_app_notifier, TEND, APP_NOTIFIER, GObject)

TendAppNotifier *tend_app_notifier_new (GApplication *application);

G_END_DECLS
