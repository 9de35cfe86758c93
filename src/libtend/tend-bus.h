/* tend-bus.h — Tend's own connections to a message bus, and how often to try again
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

char            *tend_bus_dup_address        (GBusType              bus_type,
                                              GError              **error);

void             tend_bus_connect_async      (GBusType              bus_type,
                                              const char           *label,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
GDBusConnection *tend_bus_connect_finish     (GAsyncResult         *result,
                                              char                **address,
                                              GError              **error);

GError          *tend_bus_unreachable_error  (GBusType              bus_type,
                                              const char           *label,
                                              const char           *address,
                                              const char           *reason);

guint            tend_reconnect_delay_msec   (guint                 attempt);

G_END_DECLS
