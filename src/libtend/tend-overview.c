/* tend-overview.c — what the monitor says of every service, brought to the services
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * (Stub: the contract the window is built against; the real one follows.)
 */
#define G_LOG_DOMAIN "Tend-Monitor"

#include "tend-overview.h"

#include "tend-host.h"
#include "tend-service.h"
#include "tend-store.h"

struct _TendOverview
{
  GObject parent_instance;

  TendStore *store;          /* (owned) */
  GListStore *attention;     /* (owned) TendService */
};

G_DEFINE_FINAL_TYPE (TendOverview, tend_overview, G_TYPE_OBJECT)

static void
tend_overview_dispose (GObject *object)
{
  TendOverview *self = TEND_OVERVIEW (object);

  g_clear_object (&self->store);
  g_clear_object (&self->attention);
  G_OBJECT_CLASS (tend_overview_parent_class)->dispose (object);
}

static void
tend_overview_class_init (TendOverviewClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = tend_overview_dispose;
}

static void
tend_overview_init (TendOverview *self)
{
  self->attention = g_list_store_new (TEND_TYPE_SERVICE);
}

/**
 * tend_overview_new:
 * @store: the database the monitor (this process's or another's) keeps health in
 *
 * Returns: (transfer full): a new overview, with no hosts yet
 */
TendOverview *
tend_overview_new (TendStore *store)
{
  TendOverview *self;

  g_return_val_if_fail (TEND_IS_STORE (store), NULL);
  self = g_object_new (TEND_TYPE_OVERVIEW, NULL);
  self->store = g_object_ref (store);
  return self;
}

TendStore *
tend_overview_get_store (TendOverview *self)
{
  g_return_val_if_fail (TEND_IS_OVERVIEW (self), NULL);
  return self->store;
}

/**
 * tend_overview_set_engine:
 * @self: a #TendOverview
 * @engine: (nullable): the engine running in this process, whose signals are followed
 *   at once; %NULL when another process runs it and the store is read instead
 */
void
tend_overview_set_engine (TendOverview *self,
                          TendEngine   *engine)
{
  g_return_if_fail (TEND_IS_OVERVIEW (self));
}

/**
 * tend_overview_add_host:
 * @self: a #TendOverview
 * @host: a host whose services get the monitor's word (tend_service_set_watch_info())
 */
void
tend_overview_add_host (TendOverview *self,
                        TendHost     *host)
{
  g_return_if_fail (TEND_IS_OVERVIEW (self));
  g_return_if_fail (TEND_IS_HOST (host));
}

/**
 * tend_overview_get_attention:
 * @self: a #TendOverview
 *
 * Returns: (transfer none): the services of every host that are failed or not healthy,
 *   kept up to date as they change
 */
GListModel *
tend_overview_get_attention (TendOverview *self)
{
  g_return_val_if_fail (TEND_IS_OVERVIEW (self), NULL);
  return G_LIST_MODEL (self->attention);
}

/**
 * tend_overview_refresh:
 * @self: a #TendOverview
 *
 * Reads the store again now (a person pressed Refresh).
 */
void
tend_overview_refresh (TendOverview *self)
{
  g_return_if_fail (TEND_IS_OVERVIEW (self));
}
