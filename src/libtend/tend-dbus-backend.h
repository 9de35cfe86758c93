/* tend-dbus-backend.h — systemd on this computer, over D-Bus
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tend-types.h"

G_BEGIN_DECLS

#define TEND_TYPE_DBUS_BACKEND (tend_dbus_backend_get_type ())
G_DECLARE_FINAL_TYPE (TendDbusBackend, tend_dbus_backend, TEND, DBUS_BACKEND, GObject)

TendDbusBackend *tend_dbus_backend_new         (GBusType         bus_type,
                                                const char      *host_label);
GBusType         tend_dbus_backend_get_bus_type (TendDbusBackend *self);
const char      *tend_dbus_backend_get_address (TendDbusBackend *self);

G_END_DECLS
