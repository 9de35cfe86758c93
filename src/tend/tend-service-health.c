/* tend-service-health.c — see tend-service-health.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The checks as the monitor last saved them (tend_store_query_health_async(): a
 * TendHealthRecord whose layers are one JSON object a check, see tend-check-row.c), and
 * the policy TendRestartPolicy makes of the inventory's (the service's own, or the
 * configuration's recovery.* keys), as tendctl policy show reads it. Asked again when
 * told (the page does when the monitor's word changes).
 */
#define G_LOG_DOMAIN "Tend"

#include "config.h"

#include <glib/gi18n.h>
#include "tend-json-lib.h"

#include "tend-check-row.h"
#include "tend-service-health.h"
#include "tend-ui-util.h"

struct _TendServiceHealth
{
  GtkWidget parent_instance;

  TendStore *store;              /* (owned) (nullable) */
  TendService *service;          /* (owned) (nullable) */
  gint64 service_id;             /* -1 for none */
  char *explanation;             /* (owned) (nullable) why there is none */
  GCancellable *cancellable;     /* (owned) the queries under way */

  GtkWidget *page;
  AdwPreferencesGroup *checks_group;
  GtkListBox *checks_list;
  AdwPreferencesGroup *policy_group;
  AdwActionRow *policy_kind_row;
  AdwActionRow *policy_limit_row;
  AdwActionRow *policy_cooldown_row;
  AdwActionRow *policy_backoff_row;
  AdwActionRow *policy_loop_row;
  AdwActionRow *policy_breaker_row;
};

G_DEFINE_FINAL_TYPE (TendServiceHealth, tend_service_health, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SERVICE,
  PROP_SERVICE_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ------------------------------------------------------------------------------------ */
/* Checks                                                                                */

static void
health_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) layers = NULL;
  g_autofree char *description = NULL;
  const TendHealthRecord *record = NULL;
  TendServiceHealth *self;

  records = tend_store_query_health_finish (TEND_STORE (object), result, &error);
  if (tend_error_is_cancelled (error))
    return;
  self = TEND_SERVICE_HEALTH (user_data);
  tend_list_box_remove_all (self->checks_list);
  if (records == NULL)
    {
      tend_list_box_show_in_group (self->checks_list, self->checks_group, error->message);
      return;
    }

  for (guint i = 0; i < records->len; i++)
    if (((TendHealthRecord *) records->pdata[i])->service_id == self->service_id)
      record = records->pdata[i];
  if (record != NULL && record->layers != NULL)
    layers = json_from_string (record->layers, NULL);
  if (layers != NULL && JSON_NODE_HOLDS_ARRAY (layers))
    {
      JsonArray *array = json_node_get_array (layers);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *node = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_OBJECT (node))
            gtk_list_box_append (self->checks_list,
                                 tend_check_row_new_for_layer (json_node_get_object (node)));
        }
    }

  if (record == NULL)
    description = g_strdup (_("No results yet: the monitor has not checked it since it was "
                              "watched."));
  else if (gtk_widget_get_first_child (GTK_WIDGET (self->checks_list)) == NULL)
    description = g_strdup (_("It has no checks: Tend goes by what systemd says of it."));
  else
    {
      g_autofree char *when = tend_format_local_time (record->time_usec);

      /* TRANSLATORS: when the monitor last saved the checks' states */
      description = g_strdup_printf (_("As of %s"), when);
    }
  tend_list_box_show_in_group (self->checks_list, self->checks_group, description);
}

/* ------------------------------------------------------------------------------------ */
/* The policy in force                                                                   */

static const char *
describe_policy_kind (TendInventoryPolicyKind kind)
{
  switch (kind)
    {
    case TEND_INVENTORY_POLICY_NEVER:
      return _("Never: Tend only watches it");
    case TEND_INVENTORY_POLICY_ON_FAILURE:
      return _("When it fails or turns critical");
    case TEND_INVENTORY_POLICY_ALWAYS:
      return _("Whenever it stops or fails");
    case TEND_INVENTORY_POLICY_BACKOFF:
    default:
      return _("When it fails, waiting longer after each attempt");
    }
}

static void
show_policy (TendServiceHealth *self,
             TendRestartPolicy *policy,
             gboolean           own)
{
  const TendInventoryPolicy *settings = tend_restart_policy_get_settings (policy);
  guint breaker_threshold = tend_restart_policy_get_breaker_threshold (policy);
  g_autofree char *window = tend_duration_format (settings->window_usec);
  g_autofree char *cooldown = tend_duration_format (settings->cooldown_usec);
  g_autofree char *initial = tend_duration_format (settings->backoff_initial_usec);
  g_autofree char *maximum = tend_duration_format (settings->backoff_max_usec);
  g_autofree char *reset = tend_duration_format (settings->reset_after_usec);
  g_autofree char *loop_window = tend_duration_format (settings->loop_window_usec);
  g_autofree char *breaker_timeout =
    tend_duration_format (tend_restart_policy_get_breaker_timeout (policy));
  g_autofree char *kind = NULL;
  g_autofree char *limit = NULL;
  g_autofree char *backoff = NULL;
  g_autofree char *loop = NULL;
  g_autofree char *breaker = NULL;
  gboolean recovers = settings->kind != TEND_INVENTORY_POLICY_NEVER;

  kind = g_strdup_printf ("%s\n%s", describe_policy_kind (settings->kind),
                          own ? _("Its own policy")
                              : _("The default policy, from Tend’s configuration"));
  limit = g_strdup_printf (ngettext ("At most %d recovery in %s", "At most %d recoveries in %s",
                                     settings->max_recoveries),
                           settings->max_recoveries, window);
  /* TRANSLATORS: "10s at first, ×2 each time, up to 5min; from the start again after
   * 1h healthy" */
  backoff = g_strdup_printf (_("%s at first, ×%g each time, up to %s; from the start again "
                               "after %s healthy"),
                             initial, settings->backoff_multiplier, maximum, reset);
  loop = g_strdup_printf (ngettext ("%d recovery in %s is a loop: Tend stops and waits for a "
                                    "person",
                                    "%d recoveries in %s are a loop: Tend stops and waits for a "
                                    "person", settings->loop_threshold),
                          settings->loop_threshold, loop_window);
  breaker = g_strdup_printf (ngettext ("After %u failed recovery in a row, none for %s",
                                       "After %u failed recoveries in a row, none for %s",
                                       breaker_threshold),
                             breaker_threshold, breaker_timeout);

  adw_action_row_set_subtitle (self->policy_kind_row, kind);
  adw_action_row_set_subtitle (self->policy_limit_row, limit);
  adw_action_row_set_subtitle (self->policy_cooldown_row, cooldown);
  adw_action_row_set_subtitle (self->policy_backoff_row, backoff);
  adw_action_row_set_subtitle (self->policy_loop_row, loop);
  adw_action_row_set_subtitle (self->policy_breaker_row, breaker);
  gtk_widget_set_visible (GTK_WIDGET (self->policy_limit_row), recovers);
  gtk_widget_set_visible (GTK_WIDGET (self->policy_cooldown_row), recovers);
  gtk_widget_set_visible (GTK_WIDGET (self->policy_backoff_row),
                          settings->kind == TEND_INVENTORY_POLICY_BACKOFF);
  gtk_widget_set_visible (GTK_WIDGET (self->policy_loop_row), recovers);
  gtk_widget_set_visible (GTK_WIDGET (self->policy_breaker_row), recovers);
  adw_preferences_group_set_description (self->policy_group,
                                         _("The rules Tend recovers it by, read only here."));
  gtk_widget_set_visible (GTK_WIDGET (self->policy_group), TRUE);
}

static void
inventory_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(TendInventory) inventory = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TendConfig) config = NULL;
  g_autoptr(TendRestartPolicy) policy = NULL;
  g_autoptr(TendHost) host = NULL;
  const TendInventoryPolicy *own;
  TendServiceHealth *self;

  inventory = tend_store_load_inventory_finish (TEND_STORE (object), result, &error);
  if (tend_error_is_cancelled (error))
    return;
  self = TEND_SERVICE_HEALTH (user_data);
  if (inventory == NULL)
    {
      adw_preferences_group_set_description (self->policy_group, error->message);
      return;
    }

  host = tend_service_dup_host (self->service);
  own = tend_inventory_find_policy (inventory, host != NULL ? tend_host_get_id (host) : NULL,
                                    tend_service_get_name (self->service));
  config = tend_config_new ();
  if (!tend_config_load (config, tend_inventory_get_config (inventory), &error))
    g_debug ("The stored configuration: %s; the defaults stand in", error->message);
  policy = own != NULL ? tend_restart_policy_new_from_inventory (own, config)
                       : tend_restart_policy_new_from_config (config);
  show_policy (self, policy, own != NULL);
}

/**
 * tend_service_health_refresh:
 *
 * Asks the store again; what is under way is dropped.
 */
void
tend_service_health_refresh (TendServiceHealth *self)
{
  g_return_if_fail (TEND_IS_SERVICE_HEALTH (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->store == NULL || self->service == NULL || self->service_id < 0)
    {
      tend_list_box_remove_all (self->checks_list);
      tend_list_box_show_in_group (self->checks_list, self->checks_group, self->explanation);
      gtk_widget_set_visible (GTK_WIDGET (self->policy_group), FALSE);
      return;
    }

  self->cancellable = g_cancellable_new ();
  tend_store_query_health_async (self->store, self->service_id, self->cancellable, health_cb,
                                 self);
  tend_store_load_inventory_async (self->store, self->cancellable, inventory_cb, self);
}

/* ------------------------------------------------------------------------------------ */
/* GObject                                                                               */

static void
tend_service_health_dispose (GObject *object)
{
  TendServiceHealth *self = TEND_SERVICE_HEALTH (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_object (&self->service);
  gtk_widget_dispose_template (GTK_WIDGET (object), TEND_TYPE_SERVICE_HEALTH);
  G_OBJECT_CLASS (tend_service_health_parent_class)->dispose (object);
}

static void
tend_service_health_finalize (GObject *object)
{
  g_free (TEND_SERVICE_HEALTH (object)->explanation);
  G_OBJECT_CLASS (tend_service_health_parent_class)->finalize (object);
}

static void
tend_service_health_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  TendServiceHealth *self = TEND_SERVICE_HEALTH (object);

  switch (prop_id)
    {
    case PROP_SERVICE: g_value_set_object (value, self->service); break;
    case PROP_SERVICE_ID: g_value_set_int64 (value, self->service_id); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_service_health_class_init (TendServiceHealthClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tend_service_health_dispose;
  object_class->finalize = tend_service_health_finalize;
  object_class->get_property = tend_service_health_get_property;

  properties[PROP_SERVICE] =
    g_param_spec_object ("service", NULL, "The service", TEND_TYPE_SERVICE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SERVICE_ID] =
    g_param_spec_int64 ("service-id", NULL, "The service's id in the store, -1 for none",
                        -1, G_MAXINT64, -1, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/tendapp/Tend/ui/tend-service-health.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, TendServiceHealth, page);
  gtk_widget_class_bind_template_child (widget_class, TendServiceHealth, checks_group);
  gtk_widget_class_bind_template_child (widget_class, TendServiceHealth, checks_list);
  gtk_widget_class_bind_template_child (widget_class, TendServiceHealth, policy_group);
  gtk_widget_class_bind_template_child (widget_class, TendServiceHealth, policy_kind_row);
  gtk_widget_class_bind_template_child (widget_class, TendServiceHealth, policy_limit_row);
  gtk_widget_class_bind_template_child (widget_class, TendServiceHealth, policy_cooldown_row);
  gtk_widget_class_bind_template_child (widget_class, TendServiceHealth, policy_backoff_row);
  gtk_widget_class_bind_template_child (widget_class, TendServiceHealth, policy_loop_row);
  gtk_widget_class_bind_template_child (widget_class, TendServiceHealth, policy_breaker_row);
}

static void
tend_service_health_init (TendServiceHealth *self)
{
  self->service_id = -1;
  gtk_widget_init_template (GTK_WIDGET (self));
  tend_service_health_refresh (self);
}

GtkWidget *
tend_service_health_new (void)
{
  return g_object_new (TEND_TYPE_SERVICE_HEALTH, NULL);
}

TendService *
tend_service_health_get_service (TendServiceHealth *self)
{
  g_return_val_if_fail (TEND_IS_SERVICE_HEALTH (self), NULL);
  return self->service;
}

gint64
tend_service_health_get_service_id (TendServiceHealth *self)
{
  g_return_val_if_fail (TEND_IS_SERVICE_HEALTH (self), -1);
  return self->service_id;
}

/**
 * tend_service_health_set_service:
 * @store: (nullable): where the health and the inventory are
 * @service: (nullable): the service, for its host and unit
 * @service_id: its id in @store, -1 for none
 * @explanation: (nullable): why there is none, shown when @service_id is -1
 *
 * Shows another service (or none), asked for at once.
 */
void
tend_service_health_set_service (TendServiceHealth *self,
                                 TendStore         *store,
                                 TendService       *service,
                                 gint64             service_id,
                                 const char        *explanation)
{
  g_return_if_fail (TEND_IS_SERVICE_HEALTH (self));
  g_return_if_fail (store == NULL || TEND_IS_STORE (store));
  g_return_if_fail (service == NULL || TEND_IS_SERVICE (service));

  g_set_object (&self->store, store);
  if (g_set_object (&self->service, service))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVICE]);
  g_free (self->explanation);
  self->explanation = g_strdup (explanation);
  if (self->service_id != MAX (service_id, -1))
    {
      self->service_id = MAX (service_id, -1);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVICE_ID]);
    }
  tend_service_health_refresh (self);
}
