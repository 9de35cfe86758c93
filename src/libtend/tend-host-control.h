/* tend-host-control.h — adding and removing the hosts Tend looks after
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tend-types.h"

G_BEGIN_DECLS

/**
 * tend_host_control_add_async:
 * @store: Tend's database
 * @spec: the host to add (kind ssh: address, port, user, scope, sudo, access); its name
 *   must be new
 * @accept_fingerprint: (nullable): "SHA256:…" the person confirmed; when the host's key
 *   is unknown and has this fingerprint, it is added to the user's known_hosts
 *
 * What `tendctl host add` and the window's Add Host dialog do: connects to the host
 * first (with the user's ssh config, agent and keys, checking known_hosts), and only
 * when that works adds @spec to the inventory, in one transaction against the inventory
 * as it is then (tend_store_edit_inventory_async()), audited. Fails with
 * %TEND_ERROR_HOST_KEY_UNKNOWN (the error message and
 * tend_host_control_add_get_fingerprint() give the key's fingerprint, for the person to
 * confirm), %TEND_ERROR_HOST_KEY_CHANGED (both fingerprints in the message),
 * %TEND_ERROR_AUTH_FAILED, %TEND_ERROR_UNREACHABLE, or %TEND_ERROR_INVALID_ARGUMENT (a
 * field and why; a name already taken). Nothing is stored when it fails.
 */
void       tend_host_control_add_async     (TendStore                *store,
                                            const TendInventoryHost  *spec,
                                            const char               *accept_fingerprint,
                                            GCancellable             *cancellable,
                                            GAsyncReadyCallback       callback,
                                            gpointer                  user_data);
gboolean   tend_host_control_add_finish    (GAsyncResult             *result,
                                            GError                  **error);
/* As tend_host_control_add_async() (whose audit origin is the window's), with @origin */
void       tend_host_control_add_as_async  (TendStore                *store,
                                            const TendInventoryHost  *spec,
                                            const char               *accept_fingerprint,
                                            TendAuditOrigin           origin,
                                            GCancellable             *cancellable,
                                            GAsyncReadyCallback       callback,
                                            gpointer                  user_data);
/* The server's fingerprint seen by the add (also when it failed), or NULL */
const char *tend_host_control_add_get_fingerprint (GAsyncResult      *result);

/* Removes host @name and its services, checks and policies from the inventory (their
 * history stays), audited; %TEND_ERROR_NOT_FOUND when there is no such host, and the
 * local hosts cannot be removed (%TEND_ERROR_INVALID_ARGUMENT). */
void       tend_host_control_remove_async  (TendStore                *store,
                                            const char               *name,
                                            GCancellable             *cancellable,
                                            GAsyncReadyCallback       callback,
                                            gpointer                  user_data);
void       tend_host_control_remove_as_async (TendStore              *store,
                                              const char             *name,
                                              TendAuditOrigin         origin,
                                              GCancellable           *cancellable,
                                              GAsyncReadyCallback     callback,
                                              gpointer                user_data);
gboolean   tend_host_control_remove_finish (GAsyncResult             *result,
                                            GError                  **error);

G_END_DECLS
