/* tend-host.h — a place where services live, and the live list of them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tend-journal.h"
#include "tend-types.h"

G_BEGIN_DECLS

#define TEND_TYPE_HOST (tend_host_get_type ())
G_DECLARE_FINAL_TYPE (TendHost, tend_host, TEND, HOST, GObject)

TendHost      *tend_host_new_local           (TendHostScope         scope);
/* The host an inventory entry describes: this computer's manager over D-Bus (kind local)
 * or an SSH host (TendSshBackend), with the entry's access level. The id is the entry's
 * name for an ssh host, "local-user"/"local-system" for a local one. */
TendHost      *tend_host_new_for_inventory   (const TendInventoryHost *spec);
TendHost      *tend_host_new_for_backend     (const char           *id,
                                              const char           *display_name,
                                              TendHostKind          kind,
                                              TendHostScope         scope,
                                              TendBackend          *backend);

const char    *tend_host_get_id              (TendHost             *self);
const char    *tend_host_get_display_name    (TendHost             *self);
const char    *tend_host_get_spoken_name     (TendHost             *self);
/* "root@10.0.0.5:22" for an SSH host; NULL for this computer */
const char    *tend_host_get_address         (TendHost             *self);
TendHostKind   tend_host_get_kind            (TendHost             *self);
TendHostScope  tend_host_get_scope           (TendHost             *self);
TendBackend   *tend_host_get_backend         (TendHost             *self);
gboolean       tend_host_get_connected       (TendHost             *self);
TendHostState  tend_host_get_state           (TendHost             *self);
const char    *tend_host_get_state_message   (TendHost             *self);
gboolean       tend_host_get_follow_changes  (TendHost             *self);
void           tend_host_set_audit           (TendHost             *self,
                                              TendStore            *store,
                                              TendAuditOrigin       origin);
void           tend_host_set_follow_changes  (TendHost             *self,
                                              gboolean              follow_changes);
GListModel    *tend_host_get_services        (TendHost             *self);

/* Access levels (inventory `access`, admin for a host made without one): enforced by
 * tend_host_run_action*() (refusals fail with %TEND_ERROR_ACCESS_DENIED and are
 * audited), and asked by the window to make what is forbidden insensitive. */
TendInventoryAccess
               tend_host_get_access          (TendHost             *self);
void           tend_host_set_access          (TendHost             *self,
                                              TendInventoryAccess   access);
/* TRUE when the host's access level allows @action; else FALSE and, when @reason is not
 * NULL, a sentence for a tooltip ("web1 is a viewer host in Tend: nothing can be changed
 * there.") */
gboolean       tend_host_allows_action       (TendHost             *self,
                                              TendUnitAction        action,
                                              char                **reason);
/* The least access level that allows @action */
TendInventoryAccess
               tend_host_access_needed       (TendUnitAction        action);
/* Reconnecting, or refused by an SSH host (auth failed, host key unknown/changed): not
 * connected, tries again by itself */
gboolean       tend_host_state_is_retrying   (TendHostState         state);
/* @state for people: "authentication failed" (translated); the nick is
 * tend_host_state_to_string()'s */
const char    *tend_host_state_describe      (TendHostState         state);
guint          tend_host_get_n_failed        (TendHost             *self);
guint          tend_host_get_n_unhealthy     (TendHost             *self);
TendService   *tend_host_lookup_service      (TendHost             *self,
                                              const char           *name);
gboolean       tend_host_is_named            (TendHost             *self,
                                              const char           *name,
                                              const TendInventoryHost *spec);

void           tend_host_connect_async       (TendHost             *self,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
gboolean       tend_host_connect_finish      (TendHost             *self,
                                              GAsyncResult         *result,
                                              GError              **error);

void           tend_host_refresh_async       (TendHost             *self,
                                              TendListFlags         flags,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
gboolean       tend_host_refresh_finish      (TendHost             *self,
                                              GAsyncResult         *result,
                                              GError              **error);

void           tend_host_load_service_async  (TendHost             *self,
                                              const char           *name,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
TendService   *tend_host_load_service_finish (TendHost             *self,
                                              GAsyncResult         *result,
                                              GError              **error);

void           tend_host_run_action_async    (TendHost             *self,
                                              const char           *name,
                                              TendUnitAction        action,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
void           tend_host_run_action_as_async (TendHost             *self,
                                              const char           *name,
                                              TendUnitAction        action,
                                              TendAuditOrigin       origin,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
char          *tend_host_run_action_finish   (TendHost             *self,
                                              GAsyncResult         *result,
                                              GError              **error);

void           tend_host_start_transient_async  (TendHost          *self,
                                                 const char        *name,
                                                 const char        *description,
                                                 const char * const *argv,
                                                 GCancellable      *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer           user_data);
gboolean       tend_host_start_transient_finish (TendHost          *self,
                                                 GAsyncResult      *result,
                                                 GError           **error);

TendJournalReader *
               tend_host_open_journal        (TendHost             *self,
                                              const char           *name,
                                              const TendJournalQuery *query,
                                              GCancellable         *cancellable,
                                              GError              **error);

G_END_DECLS
