/* tend-engine-private.h — what the engine's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tend-config.h"
#include "tend-dbus-notifier.h"
#include "tend-engine.h"
#include "tend-inventory.h"
#include "tend-lock.h"
#include "tend-monitor.h"
#include "tend-multi-notifier.h"
#include "tend-notifier.h"
#include "tend-store.h"
#include "tend-supervisor.h"

G_BEGIN_DECLS

typedef struct
{
  gint64 check_id;
  gint64 service_id;
  char *fingerprint;           /* (owned) the definition, to tell a change */
  TendCheck *check;            /* (owned) */
  TendHost *host;              /* (unowned) its service's: self->hosts holds it */
} Watched;

struct _TendEngine
{
  GObject parent_instance;

  char *store_path;            /* (owned) */
  TendLock *lock;              /* (owned) (nullable) held while started */
  TendStore *store;            /* (owned) */
  TendConfig *config;          /* (owned) */
  TendMonitor *monitor;        /* (owned) */
  GHashTable *hosts;           /* (owned) name → (owned) TendHost */
  GHashTable *host_specs;      /* (owned) name → (owned) the inventory entry's fingerprint */
  GHashTable *watched;         /* (owned) gint64* check id → (owned) Watched */
  TendSupervisor *supervisor;  /* (owned) recovery, silences, dependencies */
  GHashTable *supervised;      /* (owned) gint64* the services handed to it */
  TendMultiNotifier *notifier; /* (owned) the log, the desktop, a webhook */
  TendNotifier *webhook;       /* (owned) (nullable) */
  char *webhook_url;           /* (owned) (nullable) the URL it posts to */
  TendDbusNotifier *desktop;   /* (owned) (nullable) while the session bus is there */
  TendNotifier *app_desktop;   /* (owned) (nullable) the window's, in place of the bus's */
  gulong desktop_closed_id;    /* on the desktop notifier's connection */
  gboolean desktop_lost;       /* it was there once: dial again when it goes */
  guint desktop_attempt;       /* tries that failed since it went */
  guint desktop_retry_id;
  guint trim_id;                  /* once, after the start's burst: tend_engine_trim_cb */
  GCancellable *cancellable;   /* (owned) the engine's own background work */

  gboolean started;
  struct _Reload *reloading;   /* (owned) (nullable) the reload pass under way */
  GPtrArray *reload_waiters;   /* (owned) GTask: reloads asked for since it began */
};

typedef struct _Reload
{
  GPtrArray *tasks;            /* (owned) GTask: the reloads this pass answers */
  TendInventory *inventory;    /* (owned) (nullable) */
  guint n_connecting;
} Reload;

/* tend-engine.c */
void tend_engine_load_checks               (TendEngine    *self);

/* tend-engine-hosts.c */
void tend_engine_ensure_hosts              (TendEngine    *self,
                                            TendInventory *inventory);
void tend_engine_resend_host_notifications (TendEngine    *self,
                                            TendNotifier  *notifier);

G_END_DECLS
