/* tend-host-private.h — what TendHost's own files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * tend-host.c keeps the list and the connection, tend-host-access.c the hosts of the
 * inventory and their access levels.
 */
#pragma once

#include "tend-host.h"
#include "tend-store.h"

G_BEGIN_DECLS

struct _TendHost
{
  GObject parent_instance;

  char *id;                    /* (owned) */
  char *display_name;          /* (owned) */
  char *address;               /* (owned) (nullable) "root@10.0.0.5:22" of an SSH host */
  TendHostKind kind;
  TendInventoryAccess access;  /* what a person may do here through Tend */
  TendHostScope scope;
  TendBackend *backend;        /* (owned) */
  TendHostState state;
  char *state_message;         /* (owned) (nullable) why it is not connected */
  GError *unreachable;         /* (owned) (nullable) the reason under the message */
  gboolean follow_changes;
  guint n_failed;       /* services whose unit failed */
  guint n_unhealthy;    /* services whose health is degraded or critical */
  guint reconnect_source;      /* the next try, while reconnecting */
  guint reconnect_attempt;     /* tries that failed since the connection was lost */
  gboolean reconnecting;       /* a try is under way */
  gboolean available_again;    /* the backend said the manager is back during a try */
  guint n_losses;              /* connections lost: a try during which one was, failed */
  guint n_losses_at_try;

  GListStore *services;        /* (owned) of TendService, sorted by name */
  GHashTable *by_name;         /* (owned) name → (unowned) TendService in services */
  GHashTable *detached;        /* (owned) name → (unowned, weak) TendService that left the
                                * list but that someone still holds */
  TendListFlags list_flags;    /* what the last refresh asked for */
  guint resync_source;
  GCancellable *cancellable;   /* (owned) for the host's own background work */

  TendStore *audit_store;      /* (owned) (nullable) where operations are recorded */
  TendAuditOrigin audit_origin;
};

void tend_host_service_counted_changed (TendHost    *self,
                                        TendService *service);

G_END_DECLS
