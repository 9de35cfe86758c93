/* tend-service-list.c — see tend-service-list.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The list is a view over the model it is given (a host's services, or the services
 * needing attention across hosts): model → GtkFilterListModel (search, then the state
 * and type filters) → GtkSortListModel (the column view's sorter) → GtkMultiSelection
 * → GtkColumnView. Nothing copies the services. The cells are GtkBuilderListItemFactory
 * templates (resources/ui/tend-service-list-*.ui) whose expressions watch the
 * services' properties, so a change systemd signals shows at once.
 *
 * Filter and sort models do not look again at an item whose properties change. The
 * list therefore listens to each service's "notify" and, when a property a filter or
 * the sort reads changed, asks for a new pass once, at the next idle before the frame
 * is drawn: a thousand units changing together cost one pass.
 */
#define G_LOG_DOMAIN "Tend"

#include "config.h"

#include <glib/gi18n.h>

#include "tend-action-runner.h"
#include "tend-service-list.h"
#include "tend-service-list-private.h"
#include "tend-ui-util.h"
#include "tend-uptime-cell.h"

/* Below this width only Health, Name and State are shown. */
/* Below these widths of the list, columns go: at medium width those a person reads
 * least (Description, CPU Time, Restarts), at narrow width all but Health, Name, State. */
#define NARROW_WIDTH 640
#define MEDIUM_WIDTH 1000

struct _TendServiceList
{
  GtkWidget parent_instance;

  GListModel *model;                /* (owned) (nullable) */
  GHashTable *watched_items;        /* (owned): TendService → notify handler id */
  gboolean show_failed;
  gboolean show_unhealthy;
  gboolean show_watched;
  char *unit_type;                  /* (owned) (nullable): NULL for all */
  gboolean narrow;
  gboolean medium;
  gboolean show_host;
  gboolean need_refilter;
  gboolean need_resort;
  guint pass_source;
  guint narrow_source;
  TendServiceListRunner runner;

  /* Template */
  GtkBox *box;
  GtkLabel *count_label;
  GtkSearchBar *search_bar;
  GtkSearchEntry *search_entry;
  GtkStack *stack;
  GtkColumnView *column_view;
  GtkColumnViewColumn *health_column;
  GtkColumnViewColumn *name_column;
  GtkColumnViewColumn *host_column;
  GtkColumnViewColumn *description_column;
  GtkColumnViewColumn *state_column;
  GtkColumnViewColumn *memory_column;
  GtkColumnViewColumn *cpu_column;
  GtkColumnViewColumn *uptime_column;
  GtkColumnViewColumn *restarts_column;
  GtkActionBar *action_bar;
  GtkWidget *start_selected_button;
  GtkWidget *stop_selected_button;
  GtkWidget *restart_selected_button;
  GtkLabel *selection_label;
  GtkMultiSelection *selection;
  GtkSortListModel *sort_model;
  GtkFilterListModel *filter_model;
  GtkStringFilter *name_filter;
  GtkStringFilter *description_filter;
  GtkCustomFilter *state_filter;
};

G_DEFINE_FINAL_TYPE (TendServiceList, tend_service_list, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_MODEL,
  PROP_SELECTION,
  PROP_SHOW_FAILED,
  PROP_SHOW_UNHEALTHY,
  PROP_SHOW_WATCHED,
  PROP_UNIT_TYPE,
  PROP_SHOW_HOST,
  N_PROPS
};

enum {
  SERVICE_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* TendService's properties the state filter reads, and those a column sorts by. */
static GParamSpec *filter_pspecs[3];
static GParamSpec *sort_pspecs[10];

static const char * const known_unit_types[] = {
  "service", "socket", "timer", "target", "mount", "path", NULL
};

/* Closures of the templates */

static char *
health_icon_name (gpointer         unused,
                  TendHealthStatus health,
                  gboolean         watched)
{
  if (!watched)
    return g_strdup ("action-unavailable-symbolic");

  switch (health)
    {
    case TEND_HEALTH_HEALTHY:
      return g_strdup ("emblem-ok-symbolic");
    case TEND_HEALTH_DEGRADED:
      return g_strdup ("dialog-warning-symbolic");
    case TEND_HEALTH_CRITICAL:
      return g_strdup ("dialog-error-symbolic");
    case TEND_HEALTH_UNKNOWN:
    default:
      return g_strdup ("dialog-question-symbolic");
    }
}

static GStrv
health_css_classes (gpointer         unused,
                    TendHealthStatus health,
                    gboolean         watched)
{
  const char *class = "dim-label";

  if (watched && health == TEND_HEALTH_HEALTHY)
    class = "success";
  else if (watched && health == TEND_HEALTH_DEGRADED)
    class = "warning";
  else if (watched && health == TEND_HEALTH_CRITICAL)
    class = "error";

  return g_strdupv ((char *[]) { (char *) class, NULL });
}

static char *
health_text (gpointer         unused,
             TendHealthStatus health,
             gboolean         watched)
{
  if (!watched)
    return g_strdup (_("Not watched"));

  switch (health)
    {
    case TEND_HEALTH_HEALTHY:
      return g_strdup (_("Healthy"));
    case TEND_HEALTH_DEGRADED:
      return g_strdup (_("Degraded"));
    case TEND_HEALTH_CRITICAL:
      return g_strdup (_("Critical"));
    case TEND_HEALTH_UNKNOWN:
    default:
      return g_strdup (_("Unknown"));
    }
}

/* Ascending puts the worst first: critical, degraded, unknown, healthy, not watched. */
static int
health_rank (gpointer         unused,
             TendHealthStatus health,
             gboolean         watched)
{
  if (!watched)
    return 4;

  switch (health)
    {
    case TEND_HEALTH_CRITICAL:
      return 0;
    case TEND_HEALTH_DEGRADED:
      return 1;
    case TEND_HEALTH_UNKNOWN:
      return 2;
    case TEND_HEALTH_HEALTHY:
    default:
      return 3;
    }
}

/* systemd's own words, as systemctl shows them: "active (running)". */
static char *
state_text (gpointer    unused,
            const char *active_state,
            const char *sub_state)
{
  if (active_state == NULL)
    return g_strdup ("—");
  if (sub_state == NULL || g_str_equal (sub_state, active_state))
    return g_strdup (active_state);
  return g_strdup_printf ("%s (%s)", active_state, sub_state);
}

static GStrv
state_css_classes (gpointer    unused,
                   const char *active_state)
{
  if (g_strcmp0 (active_state, "failed") == 0)
    return g_strdupv ((char *[]) { "error", NULL });
  if (g_strcmp0 (active_state, "active") != 0)
    return g_strdupv ((char *[]) { "dim-label", NULL });
  return g_strdupv ((char *[]) { NULL });
}

static char *
memory_text (gpointer unused,
             guint64  bytes)
{
  if (bytes == TEND_UNSET)
    return g_strdup ("—");
  return tend_size_format (bytes);
}

static char *
cpu_text (gpointer unused,
          guint64  nsec)
{
  if (nsec == TEND_UNSET)
    return g_strdup ("—");
  return tend_duration_format_rough ((gint64) MIN (nsec / 1000, (guint64) G_MAXINT64));
}

/* The Host column: the name a person knows the service's host by */
static char *
host_sort_key (TendService *service)
{
  g_autoptr(TendHost) host = TEND_IS_SERVICE (service) ? tend_service_dup_host (service) : NULL;

  if (host == NULL)
    return g_strdup ("");
  if (tend_host_get_kind (host) == TEND_HOST_KIND_LOCAL)
    return g_strdup (tend_host_get_scope (host) == TEND_HOST_SCOPE_USER ? _("Your services")
                                                                      : _("System"));
  return g_strdup (tend_host_get_display_name (host));
}

static char *
host_text (gpointer     unused,
           TendService *service)
{
  return host_sort_key (service);
}

static char *
count_text (gpointer unused,
            guint    count)
{
  return g_strdup_printf ("%u", count);
}

/* A figure systemd does not know sorts as the smallest. */
static guint64
figure_sort_key (gpointer unused,
                 guint64  value)
{
  return value == TEND_UNSET ? 0 : value;
}

/* The longer up, the larger; not active is 0. */
static gint64
uptime_sort_key (gpointer unused,
                 gint64   active_since)
{
  return active_since > 0 ? G_MAXINT64 - active_since : 0;
}

/* Filtering */

static gboolean
unit_type_matches (const char *name,
                   const char *unit_type)
{
  const char *dot = strrchr (name, '.');
  const char *suffix = dot != NULL ? dot + 1 : "";

  if (g_str_equal (unit_type, "other"))
    return !g_strv_contains (known_unit_types, suffix);
  return g_str_equal (suffix, unit_type);
}

static gboolean
state_filter_func (gpointer item,
                   gpointer user_data)
{
  TendServiceList *self = user_data;
  TendService *service = item;

  if (self->show_failed && !tend_service_is_failed (service))
    return FALSE;

  if (self->show_unhealthy)
    {
      TendHealthStatus health = tend_service_get_health (service);

      if (health != TEND_HEALTH_DEGRADED && health != TEND_HEALTH_CRITICAL)
        return FALSE;
    }

  if (self->show_watched && !tend_service_get_watched (service))
    return FALSE;

  if (self->unit_type != NULL && !unit_type_matches (tend_service_get_name (service),
                                                     self->unit_type))
    return FALSE;

  return TRUE;
}

static gboolean
tend_service_list_has_state_filter (TendServiceList *self)
{
  return self->show_failed || self->show_unhealthy || self->show_watched;
}

/* The column view's rows: its GtkListView child (GTK 4.8 has no public way to it, nor
 * gtk_column_view_scroll_to(), which came in 4.12). */
static GtkWidget *
tend_service_list_get_rows (TendServiceList *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->column_view));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      return child;
  return NULL;
}

/* GTK 4.8's list views keep the row on top of the view (their "anchor") in view when
 * the model moves it: a re-sort that moves services up past it scrolls the view down
 * with it, so those services end up above the view, and a person looking at the top of
 * a list sorted worst first sees the healthy or unwatched ones. (The window's case: the
 * demo's services turn watched after the host's units were listed, and "-.mount" stayed
 * on top, the demo's services scrolled out above it.) So, when the view was at the top
 * before the rows changed, it stays there: "list.scroll-to-item" on the rows sets the
 * anchor to the first row (it moves no focus; it only syncs GTK's focus tracker with the
 * focused row). The rows' handler of "items-changed" has run (it was connected first)
 * but the view has not been laid out again, so the adjustment still says where the view
 * was. Where a person scrolled down, GTK's way stands: the rows they read stay put. */
static void
on_rows_changed (TendServiceList *self,
                 guint            position,
                 guint            removed,
                 guint            added)
{
  GtkAdjustment *vadjustment;
  GtkWidget *rows;

  vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->column_view));
  if (vadjustment != NULL
      && gtk_adjustment_get_value (vadjustment) >= gtk_adjustment_get_lower (vadjustment) + 1)
    return;

  rows = tend_service_list_get_rows (self);
  if (rows != NULL && g_list_model_get_n_items (G_LIST_MODEL (self->selection)) > 0)
    gtk_widget_activate_action (rows, "list.scroll-to-item", "u", 0);
}

/* One pass for all the changes since the last: the sort first, over the rows shown, then
 * the filter, whose new rows the sort model places as it receives them. */
static gboolean
pass_cb (gpointer user_data)
{
  TendServiceList *self = user_data;

  self->pass_source = 0;
  if (self->need_resort)
    gtk_sorter_changed (gtk_column_view_get_sorter (self->column_view),
                        GTK_SORTER_CHANGE_DIFFERENT);
  if (self->need_refilter)
    gtk_filter_changed (GTK_FILTER (self->state_filter), GTK_FILTER_CHANGE_DIFFERENT);
  self->need_resort = FALSE;
  self->need_refilter = FALSE;
  return G_SOURCE_REMOVE;
}

/* Before GTK's layout and drawing (GDK_PRIORITY_REDRAW), so the next frame shows it. */
static void
queue_pass (TendServiceList *self)
{
  if (self->pass_source != 0)
    return;
  self->pass_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE, pass_cb, self, NULL);
  g_source_set_name_by_id (self->pass_source, "[tend] service list pass");
}

static gboolean
pspec_in (GParamSpec  *pspec,
          GParamSpec **set,
          guint        n)
{
  for (guint i = 0; i < n; i++)
    if (set[i] == pspec)
      return TRUE;
  return FALSE;
}

static void
on_item_notify (TendService     *service,
                GParamSpec      *pspec,
                TendServiceList *self)
{
  if (!self->need_refilter && tend_service_list_has_state_filter (self)
      && pspec_in (pspec, filter_pspecs, G_N_ELEMENTS (filter_pspecs)))
    {
      self->need_refilter = TRUE;
      queue_pass (self);
    }

  if (!self->need_resort
      && pspec_in (pspec, sort_pspecs, G_N_ELEMENTS (sort_pspecs))
      && gtk_sorter_get_order (gtk_column_view_get_sorter (self->column_view))
         != GTK_SORTER_ORDER_NONE)
    {
      self->need_resort = TRUE;
      queue_pass (self);
    }
}

static void
watch_item (TendServiceList *self,
            TendService     *service)
{
  gulong id;

  if (g_hash_table_contains (self->watched_items, service))
    return;
  id = g_signal_connect (service, "notify", G_CALLBACK (on_item_notify), self);
  g_hash_table_insert (self->watched_items, g_object_ref (service), GSIZE_TO_POINTER (id));
}

static void
unwatch_all (TendServiceList *self)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->watched_items);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_signal_handler_disconnect (key, GPOINTER_TO_SIZE (value));
      g_hash_table_iter_remove (&iter);
    }
}

/* Items added: watch them. Items removed: the model does not say which, so compare the
 * whole model with what is watched (removals are rare: a unit unloaded). */
static void
on_model_items_changed (TendServiceList *self,
                        guint            position,
                        guint            removed,
                        guint            added,
                        GListModel      *model)
{
  if (removed > 0)
    {
      g_autoptr(GHashTable) present = g_hash_table_new (NULL, NULL);
      guint n = g_list_model_get_n_items (model);
      GHashTableIter iter;
      gpointer key, value;

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(TendService) service = g_list_model_get_item (model, i);
          g_hash_table_add (present, service);
        }

      g_hash_table_iter_init (&iter, self->watched_items);
      while (g_hash_table_iter_next (&iter, &key, &value))
        if (!g_hash_table_contains (present, key))
          {
            g_signal_handler_disconnect (key, GPOINTER_TO_SIZE (value));
            g_hash_table_iter_remove (&iter);
          }
    }

  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(TendService) service = g_list_model_get_item (model, i);
      watch_item (self, service);
    }
}

/* What is shown */

static void
tend_service_list_update_page (TendServiceList *self)
{
  guint total = self->model != NULL ? g_list_model_get_n_items (self->model) : 0;
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->filter_model));
  g_autofree char *count = NULL;
  const char *page;

  if (total == 0)
    page = "empty";
  else if (shown == 0)
    page = "no-match";
  else
    page = "list";
  gtk_stack_set_visible_child_name (self->stack, page);

  if (shown == total)
    count = g_strdup_printf (ngettext ("%u service", "%u services", total), total);
  else
    /* TRANSLATORS: "12 of 2000 services" */
    count = g_strdup_printf (ngettext ("%u of %u service", "%u of %u services", total),
                             shown, total);
  gtk_label_set_label (self->count_label, count);
}

static guint
tend_service_list_count_selected (TendServiceList *self)
{
  g_autoptr(GtkBitset) selected =
    gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));

  return (guint) gtk_bitset_get_size (selected);
}

/* A bulk action is there when every selected service's host allows it; else its button
 * says why (the host's access level, in libtend's words), in its tooltip and to a
 * screen reader. */
static void
update_bulk_action (TendServiceList *self,
                    const char      *action_name,
                    TendUnitAction   action,
                    GtkWidget       *button,
                    const char      *tooltip,
                    guint            n_selected)
{
  g_autoptr(GPtrArray) services = n_selected > 0 ? tend_service_list_dup_selected (self) : NULL;
  g_autofree char *reason = NULL;

  for (guint i = 0; services != NULL && reason == NULL && i < services->len; i++)
    {
      g_autoptr(TendHost) host = tend_service_dup_host (services->pdata[i]);

      if (host != NULL && !tend_host_allows_action (host, action, &reason) && reason == NULL)
        reason = g_strdup (_("The host’s access level in Tend does not allow this"));
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), action_name, n_selected > 0 && reason == NULL);
  tend_widget_explain_insensitive (button, tooltip, reason);
}

static void
tend_service_list_update_selection (TendServiceList *self)
{
  guint n = tend_service_list_count_selected (self);
  g_autofree char *text = NULL;

  text = g_strdup_printf (ngettext ("%u selected", "%u selected", n), n);
  gtk_label_set_label (self->selection_label, text);
  gtk_action_bar_set_revealed (self->action_bar, n > 0);
  update_bulk_action (self, "list.start-selected", TEND_UNIT_ACTION_START,
                      self->start_selected_button, _("Start the Selected Services"), n);
  update_bulk_action (self, "list.stop-selected", TEND_UNIT_ACTION_STOP,
                      self->stop_selected_button, _("Stop the Selected Services"), n);
  update_bulk_action (self, "list.restart-selected", TEND_UNIT_ACTION_RESTART,
                      self->restart_selected_button, _("Restart the Selected Services"), n);
}

static void
tend_service_list_apply_narrow (TendServiceList *self)
{
  GtkColumnViewColumn *secondary[] = {
    self->memory_column, self->uptime_column,
  };
  GtkColumnViewColumn *tertiary[] = {
    self->description_column, self->cpu_column, self->restarts_column,
  };

  for (guint i = 0; i < G_N_ELEMENTS (secondary); i++)
    gtk_column_view_column_set_visible (secondary[i], !self->narrow);
  for (guint i = 0; i < G_N_ELEMENTS (tertiary); i++)
    gtk_column_view_column_set_visible (tertiary[i], !self->narrow && !self->medium);
  /* Across hosts, which host a service is on matters at any width */
  gtk_column_view_column_set_visible (self->host_column, self->show_host);
  /* Without Description, Name takes the room. */
  gtk_column_view_column_set_expand (self->name_column, self->narrow || self->medium);
}

static gboolean
apply_narrow_cb (gpointer user_data)
{
  TendServiceList *self = user_data;

  self->narrow_source = 0;
  tend_service_list_apply_narrow (self);
  return G_SOURCE_REMOVE;
}

/* Template callbacks */

static void
on_search_changed (TendServiceList *self,
                   GtkSearchEntry  *entry)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  const char *search = text[0] != '\0' ? text : NULL;

  gtk_string_filter_set_search (self->name_filter, search);
  gtk_string_filter_set_search (self->description_filter, search);
}

static void
on_activate (TendServiceList *self,
             guint            position,
             GtkColumnView   *column_view)
{
  g_autoptr(TendService) service =
    g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  if (service != NULL)
    g_signal_emit (self, signals[SERVICE_ACTIVATED], 0, service);
}

/* Actions */

static void
run_on_selected (TendServiceList *self,
                 TendUnitAction   action)
{
  g_autoptr(GPtrArray) services = tend_service_list_dup_selected (self);

  if (services->len == 0)
    return;
  if (self->runner != NULL)
    self->runner (GTK_WIDGET (self), action, services);
  else
    tend_action_runner_run (GTK_WIDGET (self), action, services);
}

static void
start_selected_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  run_on_selected (TEND_SERVICE_LIST (widget), TEND_UNIT_ACTION_START);
}

static void
stop_selected_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  run_on_selected (TEND_SERVICE_LIST (widget), TEND_UNIT_ACTION_STOP);
}

static void
restart_selected_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  run_on_selected (TEND_SERVICE_LIST (widget), TEND_UNIT_ACTION_RESTART);
}

static void
clear_filters_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  tend_service_list_clear_filters (TEND_SERVICE_LIST (widget));
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  tend_service_list_focus_search (TEND_SERVICE_LIST (widget));
}

/* Properties */

static void
set_filter_flag (TendServiceList *self,
                 gboolean        *field,
                 gboolean         value,
                 guint            prop_id)
{
  value = !!value;
  if (*field == value)
    return;

  *field = value;
  gtk_filter_changed (GTK_FILTER (self->state_filter),
                      value ? GTK_FILTER_CHANGE_MORE_STRICT : GTK_FILTER_CHANGE_LESS_STRICT);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
set_unit_type (TendServiceList *self,
               const char      *unit_type)
{
  if (unit_type != NULL && unit_type[0] == '\0')
    unit_type = NULL;
  if (g_strcmp0 (self->unit_type, unit_type) == 0)
    return;

  g_free (self->unit_type);
  self->unit_type = g_strdup (unit_type);
  gtk_filter_changed (GTK_FILTER (self->state_filter), GTK_FILTER_CHANGE_DIFFERENT);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNIT_TYPE]);
}

static void
tend_service_list_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  TendServiceList *self = TEND_SERVICE_LIST (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_object (value, self->model);
      break;

    case PROP_SELECTION:
      g_value_set_object (value, self->selection);
      break;

    case PROP_SHOW_FAILED:
      g_value_set_boolean (value, self->show_failed);
      break;

    case PROP_SHOW_UNHEALTHY:
      g_value_set_boolean (value, self->show_unhealthy);
      break;

    case PROP_SHOW_WATCHED:
      g_value_set_boolean (value, self->show_watched);
      break;

    case PROP_UNIT_TYPE:
      g_value_set_string (value, self->unit_type != NULL ? self->unit_type : "");
      break;

    case PROP_SHOW_HOST:
      g_value_set_boolean (value, self->show_host);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_service_list_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  TendServiceList *self = TEND_SERVICE_LIST (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      tend_service_list_set_model (self, g_value_get_object (value));
      break;

    case PROP_SHOW_FAILED:
      set_filter_flag (self, &self->show_failed, g_value_get_boolean (value), prop_id);
      break;

    case PROP_SHOW_UNHEALTHY:
      set_filter_flag (self, &self->show_unhealthy, g_value_get_boolean (value), prop_id);
      break;

    case PROP_SHOW_WATCHED:
      set_filter_flag (self, &self->show_watched, g_value_get_boolean (value), prop_id);
      break;

    case PROP_UNIT_TYPE:
      set_unit_type (self, g_value_get_string (value));
      break;

    case PROP_SHOW_HOST:
      if (self->show_host != g_value_get_boolean (value))
        {
          self->show_host = g_value_get_boolean (value);
          tend_service_list_apply_narrow (self);
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* Widget */

static void
tend_service_list_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  TendServiceList *self = TEND_SERVICE_LIST (widget);

  gtk_widget_measure (GTK_WIDGET (self->box), orientation, for_size,
                      minimum, natural, minimum_baseline, natural_baseline);
}

/* GTK 4.8 has no breakpoints: the width is known here, and the columns change at the
 * next idle (changing them while allocating would ask for a new allocation). */
static void
tend_service_list_size_allocate (GtkWidget *widget,
                                 int        width,
                                 int        height,
                                 int        baseline)
{
  TendServiceList *self = TEND_SERVICE_LIST (widget);
  gboolean narrow = width < NARROW_WIDTH;
  gboolean medium = !narrow && width < MEDIUM_WIDTH;

  if (narrow != self->narrow || medium != self->medium)
    {
      self->narrow = narrow;
      self->medium = medium;
      if (self->narrow_source == 0)
        {
          self->narrow_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE, apply_narrow_cb,
                                                 self, NULL);
          g_source_set_name_by_id (self->narrow_source, "[tend] service list columns");
        }
    }

  gtk_widget_allocate (GTK_WIDGET (self->box), width, height, baseline, NULL);
}

/* Type-to-search from anywhere in the window, while the list is on screen. */
static void
tend_service_list_map (GtkWidget *widget)
{
  TendServiceList *self = TEND_SERVICE_LIST (widget);

  GTK_WIDGET_CLASS (tend_service_list_parent_class)->map (widget);
  gtk_search_bar_set_key_capture_widget (self->search_bar,
                                         GTK_WIDGET (gtk_widget_get_root (widget)));
}

static void
tend_service_list_unmap (GtkWidget *widget)
{
  TendServiceList *self = TEND_SERVICE_LIST (widget);

  gtk_search_bar_set_key_capture_widget (self->search_bar, NULL);
  GTK_WIDGET_CLASS (tend_service_list_parent_class)->unmap (widget);
}

static void
tend_service_list_dispose (GObject *object)
{
  TendServiceList *self = TEND_SERVICE_LIST (object);

  g_clear_handle_id (&self->pass_source, g_source_remove);
  g_clear_handle_id (&self->narrow_source, g_source_remove);
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_func (self->model, on_model_items_changed, self);
  if (self->watched_items != NULL)
    unwatch_all (self);
  g_clear_object (&self->model);
  /* The models outlive the template's references while the column view holds them. */
  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  if (self->filter_model != NULL)
    g_signal_handlers_disconnect_by_data (self->filter_model, self);

  gtk_widget_dispose_template (GTK_WIDGET (object), TEND_TYPE_SERVICE_LIST);

  G_OBJECT_CLASS (tend_service_list_parent_class)->dispose (object);
}

static void
tend_service_list_finalize (GObject *object)
{
  TendServiceList *self = TEND_SERVICE_LIST (object);

  g_clear_pointer (&self->watched_items, g_hash_table_unref);
  g_free (self->unit_type);

  G_OBJECT_CLASS (tend_service_list_parent_class)->finalize (object);
}

static void
tend_service_list_class_init (TendServiceListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  g_autoptr(GTypeClass) service_class = g_type_class_ref (TEND_TYPE_SERVICE);
  static const char * const filter_names[] = { "active-state", "health", "watched" };
  static const char * const sort_names[] = {
    "health", "watched", "name", "description", "active-state", "sub-state", "memory",
    "cpu-usage-nsec", "active-since", "n-restarts",
  };

  G_STATIC_ASSERT (G_N_ELEMENTS (filter_names) == G_N_ELEMENTS (filter_pspecs));
  G_STATIC_ASSERT (G_N_ELEMENTS (sort_names) == G_N_ELEMENTS (sort_pspecs));
  for (guint i = 0; i < G_N_ELEMENTS (filter_names); i++)
    filter_pspecs[i] = g_object_class_find_property (G_OBJECT_CLASS (service_class),
                                                     filter_names[i]);
  for (guint i = 0; i < G_N_ELEMENTS (sort_names); i++)
    sort_pspecs[i] = g_object_class_find_property (G_OBJECT_CLASS (service_class),
                                                   sort_names[i]);

  object_class->dispose = tend_service_list_dispose;
  object_class->finalize = tend_service_list_finalize;
  object_class->get_property = tend_service_list_get_property;
  object_class->set_property = tend_service_list_set_property;
  widget_class->measure = tend_service_list_measure;
  widget_class->size_allocate = tend_service_list_size_allocate;
  widget_class->map = tend_service_list_map;
  widget_class->unmap = tend_service_list_unmap;

  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, "The TendServices to show",
                         G_TYPE_LIST_MODEL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SELECTION] =
    g_param_spec_object ("selection", NULL,
                         "The services shown, in their order, and which are selected",
                         GTK_TYPE_SELECTION_MODEL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_FAILED] =
    g_param_spec_boolean ("show-failed", NULL, "Show only failed units", FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_UNHEALTHY] =
    g_param_spec_boolean ("show-unhealthy", NULL, "Show only degraded or critical services",
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_WATCHED] =
    g_param_spec_boolean ("show-watched", NULL, "Show only services Tend watches", FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_UNIT_TYPE] =
    g_param_spec_string ("unit-type", NULL,
                         "Show only units of this type (\"service\", \"timer\"…, \"other\"); "
                         "\"\" for all", "",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_HOST] =
    g_param_spec_boolean ("show-host", NULL, "Whether the Host column shows (lists across "
                          "hosts)", FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TendServiceList::service-activated:
   * @service: the service
   *
   * A row was activated: double-click, or Enter.
   */
  signals[SERVICE_ACTIVATED] =
    g_signal_new ("service-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, TEND_TYPE_SERVICE);

  g_type_ensure (TEND_TYPE_SERVICE);
  g_type_ensure (TEND_TYPE_UPTIME_CELL);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tendapp/Tend/ui/tend-service-list.ui");
  gtk_widget_class_bind_template_child (widget_class, TendServiceList, box);
  gtk_widget_class_bind_template_child (widget_class, TendServiceList, count_label);
  gtk_widget_class_bind_template_child (widget_class, TendServiceList, search_bar);
  gtk_widget_class_bind_template_child (widget_class, TendServiceList, search_entry);
  gtk_widget_class_bind_template_child (widget_class, TendServiceList, stack);
  gtk_widget_class_bind_template_child (widget_class, TendServiceList, column_view);
  gtk_widget_class_bind_template_child (widget_class, TendServiceList, health_column);
  gtk_widget_class_bind_template_child (widget_class, TendServiceList, name_column);
  gtk_widget_class_bind_template_child (widget_class, TendServiceList, host_column);
  gtk_widget_class_bind_template_child (widget_class, TendServiceList, start_selected_button);
  gtk_widget_class_bind_template_child (widget_class, TendServiceList, stop_selected_button);
  gtk_widget_class_bind_template_child (widget_class, TendServiceList, restart_selected_button);
  gtk_widget_class_bind_template_child (widget_class, TendServiceList, description_column);
  gtk_widget_class_bind_template_child (widget_class, TendServiceList, state_column);
  gtk_widget_class_bind_template_child (widget_class, TendServiceList, memory_column);
  gtk_widget_class_bind_template_child (widget_class, TendServiceList, cpu_column);
  gtk_widget_class_bind_template_child (widget_class, TendServiceList, uptime_column);
  gtk_widget_class_bind_template_child (widget_class, TendServiceList, restarts_column);
  gtk_widget_class_bind_template_child (widget_class, TendServiceList, action_bar);
  gtk_widget_class_bind_template_child (widget_class, TendServiceList, selection_label);
  gtk_widget_class_bind_template_child (widget_class, TendServiceList, selection);
  gtk_widget_class_bind_template_child (widget_class, TendServiceList, sort_model);
  gtk_widget_class_bind_template_child (widget_class, TendServiceList, filter_model);
  gtk_widget_class_bind_template_child (widget_class, TendServiceList, name_filter);
  gtk_widget_class_bind_template_child (widget_class, TendServiceList, description_filter);
  gtk_widget_class_bind_template_child (widget_class, TendServiceList, state_filter);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_activate);
  gtk_widget_class_bind_template_callback (widget_class, health_icon_name);
  gtk_widget_class_bind_template_callback (widget_class, health_css_classes);
  gtk_widget_class_bind_template_callback (widget_class, health_text);
  gtk_widget_class_bind_template_callback (widget_class, health_rank);
  gtk_widget_class_bind_template_callback (widget_class, state_text);
  gtk_widget_class_bind_template_callback (widget_class, state_css_classes);
  gtk_widget_class_bind_template_callback (widget_class, memory_text);
  gtk_widget_class_bind_template_callback (widget_class, cpu_text);
  gtk_widget_class_bind_template_callback (widget_class, count_text);
  gtk_widget_class_bind_template_callback (widget_class, host_text);
  gtk_widget_class_bind_template_callback (widget_class, host_sort_key);
  gtk_widget_class_bind_template_callback (widget_class, figure_sort_key);
  gtk_widget_class_bind_template_callback (widget_class, uptime_sort_key);

  gtk_widget_class_install_action (widget_class, "list.start-selected", NULL,
                                   start_selected_action);
  gtk_widget_class_install_action (widget_class, "list.stop-selected", NULL,
                                   stop_selected_action);
  gtk_widget_class_install_action (widget_class, "list.restart-selected", NULL,
                                   restart_selected_action);
  gtk_widget_class_install_action (widget_class, "list.clear-filters", NULL,
                                   clear_filters_action);
  gtk_widget_class_install_action (widget_class, "list.search", NULL, search_action);
  gtk_widget_class_install_property_action (widget_class, "list.show-failed", "show-failed");
  gtk_widget_class_install_property_action (widget_class, "list.show-unhealthy",
                                            "show-unhealthy");
  gtk_widget_class_install_property_action (widget_class, "list.show-watched", "show-watched");
  gtk_widget_class_install_property_action (widget_class, "list.unit-type", "unit-type");

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "list.search", NULL);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
tend_service_list_init (TendServiceList *self)
{
  self->watched_items = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_custom_filter_set_filter_func (self->state_filter, state_filter_func, self, NULL);
  gtk_sort_list_model_set_sorter (self->sort_model,
                                  gtk_column_view_get_sorter (self->column_view));
  /* What needs a person first: the worst health on top, then the healthy, then the
   * services Tend does not watch, each in name order (the sort is stable). */
  gtk_column_view_sort_by_column (self->column_view, self->health_column, GTK_SORT_ASCENDING);

  g_signal_connect_object (self->filter_model, "items-changed",
                           G_CALLBACK (tend_service_list_update_page), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->selection, "selection-changed",
                           G_CALLBACK (tend_service_list_update_selection), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->selection, "items-changed",
                           G_CALLBACK (tend_service_list_update_selection), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->selection, "items-changed", G_CALLBACK (on_rows_changed),
                           self, G_CONNECT_SWAPPED);

  tend_service_list_update_page (self);
  tend_service_list_update_selection (self);
}

GtkWidget *
tend_service_list_new (void)
{
  return g_object_new (TEND_TYPE_SERVICE_LIST, NULL);
}

/**
 * tend_service_list_get_model:
 *
 * Returns: (transfer none) (nullable): the GListModel of TendService shown
 */
GListModel *
tend_service_list_get_model (TendServiceList *self)
{
  g_return_val_if_fail (TEND_IS_SERVICE_LIST (self), NULL);
  return self->model;
}

/**
 * tend_service_list_set_model:
 * @services: (nullable): a GListModel of TendService, such as tend_host_get_services()
 *
 * Shows @services. The list keeps a reference and follows its changes.
 */
void
tend_service_list_set_model (TendServiceList *self,
                             GListModel      *services)
{
  g_return_if_fail (TEND_IS_SERVICE_LIST (self));
  g_return_if_fail (services == NULL || G_IS_LIST_MODEL (services));
  /* GTK 4.8's flatten and map models say G_TYPE_OBJECT; their items are services. */
  g_return_if_fail (services == NULL
                    || g_type_is_a (g_list_model_get_item_type (services), TEND_TYPE_SERVICE)
                    || g_list_model_get_item_type (services) == G_TYPE_OBJECT);

  if (self->model == services)
    return;

  if (self->model != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->model, on_model_items_changed, self);
      unwatch_all (self);
    }

  g_set_object (&self->model, services);

  if (services != NULL)
    {
      g_signal_connect_object (services, "items-changed",
                               G_CALLBACK (on_model_items_changed), self, G_CONNECT_SWAPPED);
      on_model_items_changed (self, 0, 0, g_list_model_get_n_items (services), services);
    }

  gtk_filter_list_model_set_model (self->filter_model, services);
  tend_service_list_update_page (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

void
tend_service_list_focus_search (TendServiceList *self)
{
  g_return_if_fail (TEND_IS_SERVICE_LIST (self));

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/**
 * tend_service_list_get_selection:
 *
 * The services shown, filtered and sorted as on screen, with which are selected.
 *
 * Returns: (transfer none): the selection model
 */
GtkSelectionModel *
tend_service_list_get_selection (TendServiceList *self)
{
  g_return_val_if_fail (TEND_IS_SERVICE_LIST (self), NULL);
  return GTK_SELECTION_MODEL (self->selection);
}

/**
 * tend_service_list_dup_selected:
 *
 * Returns: (transfer full) (element-type TendService): the selected services, in the
 *   order shown
 */
GPtrArray *
tend_service_list_dup_selected (TendServiceList *self)
{
  g_autoptr(GtkBitset) selected = NULL;
  GPtrArray *services;
  GtkBitsetIter iter;
  guint position;

  g_return_val_if_fail (TEND_IS_SERVICE_LIST (self), NULL);

  selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  services = g_ptr_array_new_full ((guint) gtk_bitset_get_size (selected), g_object_unref);
  if (gtk_bitset_iter_init_first (&iter, selected, &position))
    do
      g_ptr_array_add (services, g_list_model_get_item (G_LIST_MODEL (self->selection),
                                                        position));
    while (gtk_bitset_iter_next (&iter, &position));

  return services;
}

static GtkColumnViewColumn *
tend_service_list_get_column (TendServiceList   *self,
                              TendServiceColumn  column)
{
  switch (column)
    {
    case TEND_SERVICE_COLUMN_HEALTH:
      return self->health_column;
    case TEND_SERVICE_COLUMN_NAME:
      return self->name_column;
    case TEND_SERVICE_COLUMN_DESCRIPTION:
      return self->description_column;
    case TEND_SERVICE_COLUMN_STATE:
      return self->state_column;
    case TEND_SERVICE_COLUMN_MEMORY:
      return self->memory_column;
    case TEND_SERVICE_COLUMN_CPU:
      return self->cpu_column;
    case TEND_SERVICE_COLUMN_UPTIME:
      return self->uptime_column;
    case TEND_SERVICE_COLUMN_RESTARTS:
      return self->restarts_column;
    default:
      return NULL;
    }
}

/**
 * tend_service_list_sort_by:
 * @column: the column whose order to use
 * @direction: ascending or descending
 *
 * Sorts the list as a click on @column's header would. Ascending Health puts the worst
 * first; ascending Uptime the shortest.
 */
void
tend_service_list_sort_by (TendServiceList   *self,
                           TendServiceColumn  column,
                           GtkSortType        direction)
{
  GtkColumnViewColumn *view_column;

  g_return_if_fail (TEND_IS_SERVICE_LIST (self));

  view_column = tend_service_list_get_column (self, column);
  g_return_if_fail (view_column != NULL);
  gtk_column_view_sort_by_column (self->column_view, view_column, direction);
}

/**
 * tend_service_list_clear_filters:
 *
 * Shows every service again: no search, no state or type filter.
 */
void
tend_service_list_clear_filters (TendServiceList *self)
{
  g_return_if_fail (TEND_IS_SERVICE_LIST (self));

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  /* At once, not after the entry's search delay. */
  on_search_changed (self, self->search_entry);
  g_object_set (self, "show-failed", FALSE, "show-unhealthy", FALSE, "show-watched", FALSE,
                "unit-type", "", NULL);
}

/* Private */

void
_tend_service_list_set_runner (TendServiceList       *self,
                               TendServiceListRunner  runner)
{
  g_return_if_fail (TEND_IS_SERVICE_LIST (self));
  self->runner = runner;
}

GtkSearchEntry *
_tend_service_list_get_search_entry (TendServiceList *self)
{
  g_return_val_if_fail (TEND_IS_SERVICE_LIST (self), NULL);
  return self->search_entry;
}

GtkColumnView *
_tend_service_list_get_column_view (TendServiceList *self)
{
  g_return_val_if_fail (TEND_IS_SERVICE_LIST (self), NULL);
  return self->column_view;
}

const char *
_tend_service_list_get_page (TendServiceList *self)
{
  g_return_val_if_fail (TEND_IS_SERVICE_LIST (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

gboolean
_tend_service_list_get_narrow (TendServiceList *self)
{
  g_return_val_if_fail (TEND_IS_SERVICE_LIST (self), FALSE);
  return self->narrow;
}
