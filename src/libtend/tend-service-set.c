/* tend-service-set.c — a live set of services as a GListModel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Services from any number of hosts, each at most once, in the order of their unit names
 * (services of the same name on two hosts in a fixed but arbitrary order; a view sorts as
 * it likes). Adding and removing one costs O(log n) and emits one items-changed for
 * that one item: a GListStore would find an item to remove by walking the list, so a
 * thousand services leaving a list of two thousand at once would cost millions of steps.
 * TendOverview keeps its "needs attention" list in one.
 */
#define G_LOG_DOMAIN "Tend-Hosts"

#include "tend-service-set.h"

#include "tend-service.h"

struct _TendServiceSet
{
  GObject parent_instance;

  GSequence *items;            /* (owned) TendService, (owned) references, by name */
  GHashTable *iters;           /* (owned) TendService* → GSequenceIter* in items */
};

enum
{
  PROP_0,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TendServiceSet, tend_service_set, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
tend_service_set_get_item_type (GListModel *model)
{
  return TEND_TYPE_SERVICE;
}

static guint
tend_service_set_get_n_items (GListModel *model)
{
  TendServiceSet *self = TEND_SERVICE_SET (model);

  return (guint) g_sequence_get_length (self->items);
}

static gpointer
tend_service_set_get_item (GListModel *model,
                           guint       position)
{
  TendServiceSet *self = TEND_SERVICE_SET (model);
  GSequenceIter *iter;

  if (position >= (guint) g_sequence_get_length (self->items))
    return NULL;
  iter = g_sequence_get_iter_at_pos (self->items, (int) position);
  return g_object_ref (g_sequence_get (iter));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = tend_service_set_get_item_type;
  iface->get_n_items = tend_service_set_get_n_items;
  iface->get_item = tend_service_set_get_item;
}

static int
compare_services (gconstpointer a,
                  gconstpointer b,
                  gpointer      user_data)
{
  int by_name = g_strcmp0 (tend_service_get_name ((TendService *) a),
                           tend_service_get_name ((TendService *) b));

  if (by_name != 0)
    return by_name;
  return a < b ? -1 : a > b ? 1 : 0;
}

static void
tend_service_set_finalize (GObject *object)
{
  TendServiceSet *self = TEND_SERVICE_SET (object);

  g_hash_table_unref (self->iters);
  g_sequence_free (self->items);
  G_OBJECT_CLASS (tend_service_set_parent_class)->finalize (object);
}

static void
tend_service_set_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  TendServiceSet *self = TEND_SERVICE_SET (object);

  switch (prop_id)
    {
    case PROP_N_ITEMS:
      g_value_set_uint (value, (guint) g_sequence_get_length (self->items));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_service_set_class_init (TendServiceSetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tend_service_set_finalize;
  object_class->get_property = tend_service_set_get_property;

  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, "How many services it holds", 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tend_service_set_init (TendServiceSet *self)
{
  self->items = g_sequence_new (g_object_unref);
  self->iters = g_hash_table_new (NULL, NULL);
}

/**
 * tend_service_set_new:
 *
 * Returns: (transfer full): an empty set
 */
TendServiceSet *
tend_service_set_new (void)
{
  return g_object_new (TEND_TYPE_SERVICE_SET, NULL);
}

/**
 * tend_service_set_add:
 * @self: a #TendServiceSet
 * @service: a service
 *
 * Returns: whether it was added (%FALSE: it was there already)
 */
gboolean
tend_service_set_add (TendServiceSet *self,
                      TendService    *service)
{
  GSequenceIter *iter;

  g_return_val_if_fail (TEND_IS_SERVICE_SET (self), FALSE);
  g_return_val_if_fail (TEND_IS_SERVICE (service), FALSE);

  if (g_hash_table_contains (self->iters, service))
    return FALSE;
  iter = g_sequence_insert_sorted (self->items, g_object_ref (service), compare_services, NULL);
  g_hash_table_insert (self->iters, service, iter);
  g_list_model_items_changed (G_LIST_MODEL (self), (guint) g_sequence_iter_get_position (iter),
                              0, 1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
  return TRUE;
}

/**
 * tend_service_set_remove:
 * @self: a #TendServiceSet
 * @service: a service
 *
 * Returns: whether it was removed (%FALSE: it was not there)
 */
gboolean
tend_service_set_remove (TendServiceSet *self,
                         TendService    *service)
{
  GSequenceIter *iter;
  guint position;

  g_return_val_if_fail (TEND_IS_SERVICE_SET (self), FALSE);
  g_return_val_if_fail (TEND_IS_SERVICE (service), FALSE);

  iter = g_hash_table_lookup (self->iters, service);
  if (iter == NULL)
    return FALSE;
  position = (guint) g_sequence_iter_get_position (iter);
  g_hash_table_remove (self->iters, service);
  g_sequence_remove (iter);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
  return TRUE;
}

gboolean
tend_service_set_contains (TendServiceSet *self,
                           TendService    *service)
{
  g_return_val_if_fail (TEND_IS_SERVICE_SET (self), FALSE);
  return g_hash_table_contains (self->iters, service);
}
