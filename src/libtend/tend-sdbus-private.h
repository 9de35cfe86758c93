/* tend-sdbus-private.h — sd-bus on the GLib main loop, and its messages read into GVariants
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <systemd/sd-bus.h>

G_BEGIN_DECLS

typedef void (*TendSdbusClosedFunc) (gpointer owner);

GSource  *tend_sdbus_source_new       (sd_bus               *bus,
                                       GObject              *owner,
                                       TendSdbusClosedFunc   closed);

GVariant *tend_sdbus_read_value       (sd_bus_message       *message);
gboolean  tend_sdbus_read_properties  (sd_bus_message       *message,
                                       GHashTable           *wanted,
                                       GVariantDict         *into);
GError   *tend_sdbus_error_to_gerror  (sd_bus_message       *reply);
GError   *tend_sdbus_errno_to_gerror  (int                   negative_errno,
                                       const char           *doing);

G_END_DECLS
