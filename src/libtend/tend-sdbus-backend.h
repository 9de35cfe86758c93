/* tend-sdbus-backend.h — systemd on this computer, over sd-bus (libsystemd)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tend-types.h"

G_BEGIN_DECLS

#define TEND_TYPE_SDBUS_BACKEND (tend_sdbus_backend_get_type ())
G_DECLARE_FINAL_TYPE (TendSdbusBackend, tend_sdbus_backend, TEND, SDBUS_BACKEND, GObject)

TendSdbusBackend *tend_sdbus_backend_new         (GBusType          bus_type,
                                                  const char       *host_label);
const char       *tend_sdbus_backend_get_address (TendSdbusBackend *self);
gboolean          tend_sdbus_backend_is_direct   (TendSdbusBackend *self);

G_END_DECLS
