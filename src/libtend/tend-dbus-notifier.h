/* tend-dbus-notifier.h — notifications through org.freedesktop.Notifications
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tend-types.h"

G_BEGIN_DECLS

#define TEND_TYPE_DBUS_NOTIFIER (tend_dbus_notifier_get_type ())
G_DECLARE_FINAL_TYPE (TendDbusNotifier, tend_dbus_notifier, TEND, DBUS_NOTIFIER, GObject)

TendDbusNotifier *tend_dbus_notifier_new            (GDBusConnection  *connection);
GDBusConnection  *tend_dbus_notifier_get_connection (TendDbusNotifier *self);

G_END_DECLS
