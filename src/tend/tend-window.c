/* tend-window.c — see tend-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An AdwLeaflet of two panes, as GNOME Settings has: the sidebar ("Needs attention",
 * "All hosts", then this computer's user and system managers, each with its counts, then
 * the remote hosts with their connection state) and the content (the service list of the
 * row selected, a remote host's state page while it is not connected, or one service's
 * page, in a stack with a back button). "All hosts" lists every host's services in one
 * list (a GtkFlattenListModel over the hosts' lists), with a Host column. Narrow, the leaflet folds and shows one pane at a time, with back buttons.
 * A banner under the content's header bar says when monitoring runs in another process
 * or could not start.
 *
 * The window is a view of its properties: the hosts, the overview (the services needing
 * attention), the store (for the service page), and where the engine runs. A
 * TendApplication sets them by binding its own; a test sets them by hand.
 */
#define G_LOG_DOMAIN "Tend"

#include "config.h"

#include <glib/gi18n.h>

#include "tend-add-host-dialog.h"
#include "tend-application.h"
#include "tend-host-page.h"
#include "tend-service-list.h"
#include "tend-service-page.h"
#include "tend-sidebar-row.h"
#include "tend-window.h"

struct _TendWindow
{
  AdwApplicationWindow parent_instance;

  /* Template */
  AdwToastOverlay *toast_overlay;
  AdwLeaflet *leaflet;
  GtkListBox *attention_list;
  TendSidebarRow *attention_row;
  TendSidebarRow *all_hosts_row;
  GtkListBox *hosts_list;
  GtkListBox *remote_list;
  GtkWidget *no_remote_label;
  GtkWidget *host_menu_button;
  TendHostPage *host_page;
  AdwHeaderBar *content_header;
  AdwWindowTitle *content_title;
  GtkButton *back_button;
  GtkRevealer *banner_revealer;
  GtkLabel *banner_label;
  GtkRevealer *host_banner_revealer;
  GtkLabel *host_banner_label;
  GtkStack *content_stack;
  TendServiceList *service_list;
  TendServicePage *service_page;

  GListModel *hosts;          /* (owned) (nullable) TendHost */
  GListModel *local_hosts;    /* (owned) (nullable) the hosts of kind local */
  GListModel *remote_hosts;   /* (owned) (nullable) the others */
  GListModel *all_services;   /* (owned) (nullable) every host's services, one list */
  char *select_host;          /* (owned) (nullable) a host just added: chosen as it comes */
  TendOverview *overview;     /* (owned) (nullable) */
  TendStore *store;           /* (owned) (nullable) */
  TendService *service;       /* (owned) (nullable) the page's, while it shows */
  TendHost *host;             /* (owned) (nullable) the chosen row's */
  GListStore *no_attention;   /* (owned) what "Needs attention" lists before the overview */
  GSettings *settings;        /* (owned) (nullable) the window's size */
  TendEngineState engine_state;
  GPid engine_owner;
  char *engine_message;       /* (owned) (nullable) */
  char *banner;               /* (owned) (nullable) */
  guint bench_first_frame;    /* TEND_BENCH_FIRST_FRAME: services to wait for, or 0 */
};

enum {
  PROP_0,
  PROP_BANNER,
  PROP_ENGINE_MESSAGE,
  PROP_ENGINE_OWNER,
  PROP_ENGINE_STATE,
  PROP_FOLDED,
  PROP_HOSTS,
  PROP_OVERVIEW,
  PROP_SERVICE,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (TendWindow, tend_window, ADW_TYPE_APPLICATION_WINDOW)

/* ------------------------------------------------------------------------------------ */
/* The banner                                                                            */

static void
update_banner (TendWindow *self)
{
  g_autofree char *text = NULL;
  g_autofree char *owner_unit = NULL;

  switch (self->engine_state)
    {
    case TEND_ENGINE_STATE_ELSEWHERE:
      /* The headless engine as a user unit (tend-monitor.service) is named as such. */
      owner_unit = tend_lock_get_owner_unit (self->engine_owner);
      if (owner_unit != NULL)
        text = g_strdup_printf (_("Monitoring is done by another Tend process, %s (pid %d); "
                                  "what you see is its live state"), owner_unit,
                                (int) self->engine_owner);
      else if (self->engine_owner > 0)
        text = g_strdup_printf (_("Monitoring is done by another Tend process (pid %d); what "
                                  "you see is its live state"), (int) self->engine_owner);
      else
        text = g_strdup (_("Monitoring is done by another Tend process; what you see is its "
                           "live state"));
      break;
    case TEND_ENGINE_STATE_FAILED:
      text = g_strdup_printf (_("Monitoring is not running: %s"),
                              self->engine_message != NULL ? self->engine_message
                                                           : _("it could not start"));
      break;
    case TEND_ENGINE_STATE_STARTING:
    case TEND_ENGINE_STATE_RUNNING:
    default:
      break;
    }

  if (text != NULL)
    gtk_label_set_label (self->banner_label, text);
  gtk_revealer_set_reveal_child (self->banner_revealer, text != NULL);

  if (g_strcmp0 (self->banner, text) == 0)
    return;
  g_free (self->banner);
  self->banner = g_steal_pointer (&text);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BANNER]);
}

static gboolean
is_remote (TendHost *host)
{
  return host != NULL && tend_host_get_kind (host) != TEND_HOST_KIND_LOCAL;
}

/* A remote host shows its state page while it is not connected, its services when it
 * is; neither while a service's page shows. */
static void
update_host_page (TendWindow *self)
{
  const char *page = gtk_stack_get_visible_child_name (self->content_stack);
  gboolean want = is_remote (self->host) &&
                  tend_host_get_state (self->host) != TEND_HOST_STATE_CONNECTED;

  if (g_strcmp0 (page, "service") == 0)
    return;
  gtk_stack_set_visible_child_name (self->content_stack, want ? "host" : "list");
}

/* The chosen host, when it is not connected, says why in its own words (a remote host
 * on its state page instead). */
static void
update_host_banner (TendWindow *self)
{
  const char *message = NULL;

  update_host_page (self);
  if (self->host != NULL && !is_remote (self->host) &&
      tend_host_get_state (self->host) != TEND_HOST_STATE_CONNECTED)
    message = tend_host_get_state_message (self->host);
  if (message != NULL)
    gtk_label_set_label (self->host_banner_label, message);
  gtk_revealer_set_reveal_child (self->host_banner_revealer, message != NULL);
}

static void
set_host (TendWindow *self,
          TendHost   *host)
{
  if (self->host == host)
    return;
  if (self->host != NULL)
    g_signal_handlers_disconnect_by_func (self->host, update_host_banner, self);
  g_set_object (&self->host, host);
  if (host != NULL)
    {
      g_signal_connect_swapped (host, "notify::state", G_CALLBACK (update_host_banner), self);
      g_signal_connect_swapped (host, "notify::state-message", G_CALLBACK (update_host_banner),
                                self);
    }
  if (is_remote (host))
    {
      GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
      const TendInventoryHost *spec =
        TEND_IS_APPLICATION (app) ? tend_application_get_host_spec (TEND_APPLICATION (app),
                                                                    tend_host_get_id (host))
                                  : NULL;

      tend_host_page_set_host (self->host_page, host, spec != NULL ? spec->address : NULL,
                               spec != NULL ? spec->port : 0);
    }
  gtk_widget_set_visible (self->host_menu_button, is_remote (host));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.remove-host", is_remote (host));
  update_host_banner (self);
}

/* ------------------------------------------------------------------------------------ */
/* Navigation                                                                            */

static TendSidebarRow *
selected_row (TendWindow *self)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->attention_list);

  if (row == NULL)
    row = gtk_list_box_get_selected_row (self->hosts_list);
  if (row == NULL)
    row = gtk_list_box_get_selected_row (self->remote_list);
  return TEND_IS_SIDEBAR_ROW (row) ? TEND_SIDEBAR_ROW (row) : NULL;
}

static gboolean
showing_service (TendWindow *self)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (self->content_stack), "service") == 0;
}

/* The content's header: what it shows, and a back button where there is a way back. */
static void
update_header (TendWindow *self)
{
  gboolean folded = adw_leaflet_get_folded (self->leaflet);
  TendSidebarRow *row = selected_row (self);

  gtk_widget_set_visible (GTK_WIDGET (self->back_button), folded || showing_service (self));
  if (showing_service (self) && self->service != NULL)
    {
      adw_window_title_set_title (self->content_title, tend_service_get_name (self->service));
      adw_window_title_set_subtitle (self->content_title,
                                     row != NULL ? tend_sidebar_row_get_title (row) : NULL);
    }
  else
    {
      adw_window_title_set_title (self->content_title,
                                  row != NULL ? tend_sidebar_row_get_title (row) : _("Tend"));
      adw_window_title_set_subtitle (self->content_title, NULL);
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.go-back",
                                 folded || showing_service (self));
}

static void
show_content (TendWindow *self)
{
  adw_leaflet_set_visible_child_name (self->leaflet, "content");
}

static void
show_list (TendWindow *self)
{
  if (!showing_service (self))
    return;
  gtk_stack_set_visible_child_name (self->content_stack, "list");
  update_host_page (self);
  g_clear_object (&self->service);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVICE]);
  update_header (self);
}

static void
open_service (TendWindow  *self,
              TendService *service)
{
  g_set_object (&self->service, service);
  tend_service_page_set_service (self->service_page, service);
  gtk_stack_set_visible_child_name (self->content_stack, "service");
  show_content (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVICE]);
  update_header (self);
}

static void
service_activated_cb (TendServiceList *list,
                      TendService     *service,
                      TendWindow      *self)
{
  if (TEND_IS_SERVICE (service))
    open_service (self, service);
}

/* A row chosen in the sidebar (by a click, or the arrow keys): its services. */
static void
row_selected_cb (GtkListBox    *box,
                 GtkListBoxRow *row,
                 TendWindow    *self)
{
  GtkListBox *lists[] = { self->attention_list, self->hosts_list, self->remote_list };
  TendSidebarRow *sidebar_row;

  if (row == NULL)
    return;
  /* One selection across the lists. */
  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    if (lists[i] != box)
      gtk_list_box_unselect_all (lists[i]);
  sidebar_row = TEND_SIDEBAR_ROW (row);
  /* Lists across hosts say which host each service is on. */
  g_object_set (self->service_list, "show-host",
                sidebar_row == self->all_hosts_row || sidebar_row == self->attention_row, NULL);
  set_host (self, tend_sidebar_row_get_host (sidebar_row));
  tend_service_list_set_model (self->service_list,
                               tend_sidebar_row_get_services (TEND_SIDEBAR_ROW (row)));
  show_list (self);
  update_header (self);
}

/* A row activated (a click, Enter): narrow, the content slides in. */
static void
row_activated_cb (GtkListBox    *box,
                  GtkListBoxRow *row,
                  TendWindow    *self)
{
  show_content (self);
}

static void
folded_changed_cb (TendWindow *self)
{
  update_header (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOLDED]);
}

static GtkWidget *
create_host_row (gpointer item,
                 gpointer user_data)
{
  return tend_sidebar_row_new_for_host (TEND_HOST (item));
}

static TendSidebarRow *
find_host_row (TendWindow *self,
               TendHost   *host)
{
  GtkListBox *lists[] = { self->hosts_list, self->remote_list };

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (int i = 0;; i++)
      {
        GtkListBoxRow *row = gtk_list_box_get_row_at_index (lists[l], i);

        if (row == NULL)
          break;
        if (tend_sidebar_row_get_host (TEND_SIDEBAR_ROW (row)) == host)
          return TEND_SIDEBAR_ROW (row);
      }
  return NULL;
}

static gboolean
host_is_local (gpointer item,
               gpointer user_data)
{
  return tend_host_get_kind (TEND_HOST (item)) == TEND_HOST_KIND_LOCAL;
}

static gboolean
host_is_remote (gpointer item,
                gpointer user_data)
{
  return !host_is_local (item, user_data);
}

static gpointer
host_services (gpointer item,
               gpointer user_data)
{
  g_autoptr(TendHost) host = item;

  return g_object_ref (tend_host_get_services (host));
}

/* Remote hosts come and go: the hint shows while there are none, a host just added is
 * chosen as it comes, and a chosen host that left gives way to the first one. */
static void
remote_hosts_changed_cb (TendWindow *self)
{
  guint n = g_list_model_get_n_items (self->remote_hosts);

  gtk_widget_set_visible (self->no_remote_label, n == 0);
  for (guint i = 0; self->select_host != NULL && i < n; i++)
    {
      g_autoptr(TendHost) host = g_list_model_get_item (self->remote_hosts, i);

      if (g_str_equal (tend_host_get_id (host), self->select_host))
        {
          g_clear_pointer (&self->select_host, g_free);
          gtk_list_box_select_row (self->remote_list,
                                   gtk_list_box_get_row_at_index (self->remote_list, i));
        }
    }
  if (selected_row (self) == NULL)
    {
      GtkListBoxRow *first = gtk_list_box_get_row_at_index (self->hosts_list, 0);

      set_host (self, NULL);
      if (first != NULL)
        gtk_list_box_select_row (self->hosts_list, first);
    }
}

/* ------------------------------------------------------------------------------------ */
/* Actions                                                                               */

static void
go_back_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  TendWindow *self = TEND_WINDOW (widget);

  if (showing_service (self))
    show_list (self);
  else if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child_name (self->leaflet, "sidebar");
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  TendWindow *self = TEND_WINDOW (widget);

  show_list (self);
  show_content (self);
  tend_service_list_focus_search (self->service_list);
}

static void
refreshed_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(TendWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  /* A host that cannot be reached says so in the sidebar; this is a person's ask. */
  if (!tend_host_refresh_finish (TEND_HOST (source), result, &error))
    tend_window_add_toast (self, adw_toast_new (error->message));
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  TendWindow *self = TEND_WINDOW (widget);

  for (guint i = 0; self->hosts != NULL && i < g_list_model_get_n_items (self->hosts); i++)
    {
      g_autoptr(TendHost) host = g_list_model_get_item (self->hosts, i);

      if (tend_host_get_connected (host))
        tend_host_refresh_async (host, TEND_LIST_LOADED, NULL, refreshed_cb,
                                 g_object_ref (self));
    }
  if (self->overview != NULL)
    tend_overview_refresh (self->overview);
}

static void
host_added_cb (TendAddHostDialog *dialog,
               const char        *name,
               TendWindow        *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  g_autofree char *text = g_strdup_printf (_("Added %s"), name);

  g_free (self->select_host);
  self->select_host = g_strdup (name);
  tend_window_add_toast (self, adw_toast_new (text));
  if (TEND_IS_APPLICATION (app))
    tend_application_reload_hosts (TEND_APPLICATION (app));
}

static void
add_host_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  TendWindow *self = TEND_WINDOW (widget);
  TendAddHostDialog *dialog;

  if (self->store == NULL)
    {
      g_autoptr(GError) error = g_error_new (TEND_ERROR, TEND_ERROR_FAILED,
                                             _("The database is not open yet: try again in a "
                                               "moment"));

      tend_window_show_error (self, _("Could not add a host"), error);
      return;
    }
  dialog = tend_add_host_dialog_new (GTK_WINDOW (self), self->store);
  g_signal_connect_object (dialog, "host-added", G_CALLBACK (host_added_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

typedef struct
{
  TendWindow *window;          /* (owned) */
  char *name;                  /* (owned) */
} Removal;

static void
removed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Removal *removal = user_data;
  g_autoptr(GError) error = NULL;
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (removal->window));

  if (tend_host_control_remove_finish (result, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Removed %s"), removal->name);

      tend_window_add_toast (removal->window, adw_toast_new (text));
      if (TEND_IS_APPLICATION (app))
        tend_application_reload_hosts (TEND_APPLICATION (app));
    }
  else
    {
      g_autofree char *heading = g_strdup_printf (_("Could not remove %s"), removal->name);

      tend_window_show_error (removal->window, heading, error);
    }
  g_object_unref (removal->window);
  g_free (removal->name);
  g_free (removal);
}

static void
remove_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    TendWindow       *self)
{
  const char *name = g_object_get_data (G_OBJECT (dialog), "host");
  Removal *removal;

  if (g_strcmp0 (response, "remove") != 0 || self->store == NULL)
    return;
  removal = g_new0 (Removal, 1);
  removal->window = g_object_ref (self);
  removal->name = g_strdup (name);
  tend_host_control_remove_async (self->store, name, NULL, removed_cb, removal);
}

static void
remove_host_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  TendWindow *self = TEND_WINDOW (widget);
  g_autofree char *heading = NULL;
  GtkWidget *dialog;

  if (!is_remote (self->host))
    return;
  heading = g_strdup_printf (_("Remove %s?"), tend_host_get_display_name (self->host));
  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading,
                                   _("Tend stops looking after this host and forgets its "
                                     "checks and recovery policies; the history it kept "
                                     "stays. Nothing changes on the host itself."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "remove", _("_Remove"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "host", g_strdup (tend_host_get_id (self->host)),
                          g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (remove_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ------------------------------------------------------------------------------------ */
/* Benchmark hook                                                                        */

/* TEND_BENCH_FIRST_FRAME=N (bench/window): after the first frame painted with at least N
 * services in the list (1: any), print "first-frame USEC SHOWN" on stdout, USEC being
 * g_get_monotonic_time() (CLOCK_MONOTONIC), then quit. Nothing otherwise. */
static void
bench_after_paint_cb (GdkFrameClock *clock,
                      TendWindow    *self)
{
  GListModel *shown = G_LIST_MODEL (tend_service_list_get_selection (self->service_list));
  guint n = g_list_model_get_n_items (shown);
  GtkApplication *application;

  if (n < self->bench_first_frame)
    return;
  g_print ("first-frame %" G_GINT64_FORMAT " %u\n", g_get_monotonic_time (), n);
  self->bench_first_frame = 0;
  g_signal_handlers_disconnect_by_func (clock, bench_after_paint_cb, self);
  application = gtk_window_get_application (GTK_WINDOW (self));
  if (application != NULL)
    g_application_quit (G_APPLICATION (application));
}

static void
tend_window_realize (GtkWidget *widget)
{
  TendWindow *self = TEND_WINDOW (widget);

  GTK_WIDGET_CLASS (tend_window_parent_class)->realize (widget);

  if (self->bench_first_frame > 0)
    g_signal_connect_object (gtk_widget_get_frame_clock (widget), "after-paint",
                             G_CALLBACK (bench_after_paint_cb), self, 0);
}

/* ------------------------------------------------------------------------------------ */
/* GObject                                                                               */

/* The window shows what its TendApplication has, from the moment it is given one (a
 * GtkWindow's application is set after construction). */
static void
application_set_cb (TendWindow *self)
{
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));
  static const char *bound[] = {
    "engine-state", "engine-owner", "engine-message", "store", "overview",
  };
  TendApplication *app;
  GSettings *settings;

  if (!TEND_IS_APPLICATION (application) || self->hosts != NULL)
    return;

  app = TEND_APPLICATION (application);
  tend_window_set_hosts (self, tend_application_get_hosts (app));
  for (guint i = 0; i < G_N_ELEMENTS (bound); i++)
    g_object_bind_property (app, bound[i], self, bound[i], G_BINDING_SYNC_CREATE);

  settings = tend_application_get_settings (app);
  if (settings != NULL)
    {
      self->settings = g_object_ref (settings);
      g_settings_bind (settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (settings, "window-height", self, "default-height",
                       G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
    }
}

static void
tend_window_constructed (GObject *object)
{
  TendWindow *self = TEND_WINDOW (object);

  G_OBJECT_CLASS (tend_window_parent_class)->constructed (object);

  update_banner (self);
  update_header (self);
}

static void
tend_window_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  TendWindow *self = TEND_WINDOW (object);

  switch (prop_id)
    {
    case PROP_BANNER:
      g_value_set_string (value, self->banner);
      break;
    case PROP_ENGINE_MESSAGE:
      g_value_set_string (value, self->engine_message);
      break;
    case PROP_ENGINE_OWNER:
      g_value_set_int (value, self->engine_owner);
      break;
    case PROP_ENGINE_STATE:
      g_value_set_enum (value, self->engine_state);
      break;
    case PROP_FOLDED:
      g_value_set_boolean (value, tend_window_get_folded (self));
      break;
    case PROP_HOSTS:
      g_value_set_object (value, self->hosts);
      break;
    case PROP_OVERVIEW:
      g_value_set_object (value, self->overview);
      break;
    case PROP_SERVICE:
      g_value_set_object (value, tend_window_get_service (self));
      break;
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_window_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  TendWindow *self = TEND_WINDOW (object);

  switch (prop_id)
    {
    case PROP_ENGINE_MESSAGE:
      if (g_strcmp0 (self->engine_message, g_value_get_string (value)) != 0)
        {
          g_free (self->engine_message);
          self->engine_message = g_value_dup_string (value);
          g_object_notify_by_pspec (object, pspec);
          update_banner (self);
        }
      break;
    case PROP_ENGINE_OWNER:
      if (self->engine_owner != g_value_get_int (value))
        {
          self->engine_owner = g_value_get_int (value);
          g_object_notify_by_pspec (object, pspec);
          update_banner (self);
        }
      break;
    case PROP_ENGINE_STATE:
      if (self->engine_state != (TendEngineState) g_value_get_enum (value))
        {
          self->engine_state = g_value_get_enum (value);
          g_object_notify_by_pspec (object, pspec);
          update_banner (self);
        }
      break;
    case PROP_HOSTS:
      tend_window_set_hosts (self, g_value_get_object (value));
      break;
    case PROP_OVERVIEW:
      tend_window_set_overview (self, g_value_get_object (value));
      break;
    case PROP_STORE:
      tend_window_set_store (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_window_dispose (GObject *object)
{
  TendWindow *self = TEND_WINDOW (object);

  set_host (self, NULL);
  if (self->remote_hosts != NULL)
    g_signal_handlers_disconnect_by_data (self->remote_hosts, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), TEND_TYPE_WINDOW);
  g_clear_object (&self->hosts);
  g_clear_object (&self->local_hosts);
  g_clear_object (&self->remote_hosts);
  g_clear_object (&self->all_services);
  g_clear_object (&self->overview);
  g_clear_object (&self->store);
  g_clear_object (&self->service);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (tend_window_parent_class)->dispose (object);
}

static void
tend_window_finalize (GObject *object)
{
  TendWindow *self = TEND_WINDOW (object);

  g_clear_object (&self->no_attention);
  g_free (self->engine_message);
  g_free (self->banner);
  g_free (self->select_host);

  G_OBJECT_CLASS (tend_window_parent_class)->finalize (object);
}

static void
tend_window_class_init (TendWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = tend_window_constructed;
  object_class->get_property = tend_window_get_property;
  object_class->set_property = tend_window_set_property;
  object_class->dispose = tend_window_dispose;
  object_class->finalize = tend_window_finalize;
  widget_class->realize = tend_window_realize;

  properties[PROP_HOSTS] =
    g_param_spec_object ("hosts", NULL, "The hosts in the sidebar (TendHost items)",
                         G_TYPE_LIST_MODEL, rw);
  properties[PROP_OVERVIEW] =
    g_param_spec_object ("overview", NULL, "The monitor's word: the services needing "
                         "attention", TEND_TYPE_OVERVIEW, rw);
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, "The database, for the service page",
                         TEND_TYPE_STORE, rw);
  properties[PROP_ENGINE_STATE] =
    g_param_spec_enum ("engine-state", NULL, "Where the checks run",
                       TEND_TYPE_ENGINE_STATE, TEND_ENGINE_STATE_STARTING, rw);
  properties[PROP_ENGINE_OWNER] =
    g_param_spec_int ("engine-owner", NULL, "The pid of the process running them elsewhere",
                      G_MININT, G_MAXINT, 0, rw);
  properties[PROP_ENGINE_MESSAGE] =
    g_param_spec_string ("engine-message", NULL, "Why they do not run here", NULL, rw);
  properties[PROP_BANNER] =
    g_param_spec_string ("banner", NULL, "What the banner says, or NULL when hidden", NULL,
                         ro);
  properties[PROP_FOLDED] =
    g_param_spec_boolean ("folded", NULL, "Whether one pane shows at a time", FALSE, ro);
  properties[PROP_SERVICE] =
    g_param_spec_object ("service", NULL, "The service whose page shows, if one does",
                         TEND_TYPE_SERVICE, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (TEND_TYPE_HOST_PAGE);
  g_type_ensure (TEND_TYPE_SERVICE_LIST);
  g_type_ensure (TEND_TYPE_SERVICE_PAGE);
  g_type_ensure (TEND_TYPE_SIDEBAR_ROW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tendapp/Tend/ui/tend-window.ui");
#define CHILD(name) gtk_widget_class_bind_template_child (widget_class, TendWindow, name)
  CHILD (toast_overlay);
  CHILD (leaflet);
  CHILD (attention_list);
  CHILD (attention_row);
  CHILD (all_hosts_row);
  CHILD (hosts_list);
  CHILD (remote_list);
  CHILD (no_remote_label);
  CHILD (host_menu_button);
  CHILD (host_page);
  CHILD (content_header);
  CHILD (content_title);
  CHILD (back_button);
  CHILD (banner_revealer);
  CHILD (banner_label);
  CHILD (host_banner_revealer);
  CHILD (host_banner_label);
  CHILD (content_stack);
  CHILD (service_list);
  CHILD (service_page);
#undef CHILD
  gtk_widget_class_bind_template_callback (widget_class, row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, folded_changed_cb);

  /* Their accelerators are the application's (tend-application.c). */
  gtk_widget_class_install_action (widget_class, "win.go-back", NULL, go_back_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "win.add-host", NULL, add_host_action);
  gtk_widget_class_install_action (widget_class, "win.remove-host", NULL, remove_host_action);
}

static void
tend_window_init (TendWindow *self)
{
  const char *bench = g_getenv ("TEND_BENCH_FIRST_FRAME");

  gtk_widget_init_template (GTK_WIDGET (self));

  if (bench != NULL && *bench != '\0')
    self->bench_first_frame = MAX (1, (guint) g_ascii_strtoull (bench, NULL, 10));

  self->engine_state = TEND_ENGINE_STATE_STARTING;
  self->no_attention = g_list_store_new (TEND_TYPE_SERVICE);
  tend_sidebar_row_set_services (self->attention_row, G_LIST_MODEL (self->no_attention));
  tend_sidebar_row_set_services (self->all_hosts_row, G_LIST_MODEL (self->no_attention));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.remove-host", FALSE);

  g_signal_connect_swapped (self, "notify::application", G_CALLBACK (application_set_cb), self);

  /* The list names its signal when a service is chosen; until it has one, nothing. */
  if (g_signal_lookup ("service-activated", TEND_TYPE_SERVICE_LIST) != 0)
    g_signal_connect (self->service_list, "service-activated",
                      G_CALLBACK (service_activated_cb), self);
}

/**
 * tend_window_new:
 * @application: the application, whose hosts, store and overview it shows
 *
 * Returns: (transfer full): a new window
 */
TendWindow *
tend_window_new (TendApplication *application)
{
  return g_object_new (TEND_TYPE_WINDOW, "application", application, NULL);
}

/**
 * tend_window_show_service:
 * @self: a #TendWindow
 * @service: a service
 *
 * Shows @service's page, with its host chosen in the sidebar.
 */
void
tend_window_show_service (TendWindow  *self,
                          TendService *service)
{
  g_autoptr(TendHost) host = NULL;
  TendSidebarRow *row = NULL;

  g_return_if_fail (TEND_IS_WINDOW (self));
  g_return_if_fail (TEND_IS_SERVICE (service));

  host = tend_service_dup_host (service);
  if (host != NULL)
    row = find_host_row (self, host);
  if (row != NULL)
    gtk_list_box_select_row (GTK_LIST_BOX (gtk_widget_get_parent (GTK_WIDGET (row))),
                             GTK_LIST_BOX_ROW (row));
  open_service (self, service);
}

/**
 * tend_window_show_host:
 *
 * Chooses @host in the sidebar: its services, or what is wrong with it (the Open of a
 * notification about the host itself, "web1 is unreachable").
 */
void
tend_window_show_host (TendWindow *self,
                       TendHost   *host)
{
  TendSidebarRow *row;

  g_return_if_fail (TEND_IS_WINDOW (self));
  g_return_if_fail (TEND_IS_HOST (host));

  row = find_host_row (self, host);
  if (row != NULL)
    gtk_list_box_select_row (GTK_LIST_BOX (gtk_widget_get_parent (GTK_WIDGET (row))),
                             GTK_LIST_BOX_ROW (row));
  gtk_window_present (GTK_WINDOW (self));
}

/**
 * tend_window_add_toast:
 * @self: a #TendWindow
 * @toast: (transfer full): the toast
 */
void
tend_window_add_toast (TendWindow *self,
                       AdwToast   *toast)
{
  g_return_if_fail (TEND_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/**
 * tend_window_show_error:
 * @self: a #TendWindow
 * @heading: what failed, as a heading ("Could not restart web.service")
 * @error: why: libtend's message, which says what to do
 *
 * Shows a dialog over the window.
 */
void
tend_window_show_error (TendWindow   *self,
                        const char   *heading,
                        const GError *error)
{
  GtkWidget *dialog;

  g_return_if_fail (TEND_IS_WINDOW (self));
  g_return_if_fail (heading != NULL);
  g_return_if_fail (error != NULL);

  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, error->message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

/**
 * tend_window_get_hosts:
 *
 * Returns: (transfer none) (nullable): the hosts in the sidebar
 */
GListModel *
tend_window_get_hosts (TendWindow *self)
{
  g_return_val_if_fail (TEND_IS_WINDOW (self), NULL);
  return self->hosts;
}

/**
 * tend_window_set_hosts:
 * @self: a #TendWindow
 * @hosts: (nullable): #TendHost items: the sidebar's "This computer" rows
 *
 * The first host's row is chosen, if no row was.
 */
void
tend_window_set_hosts (TendWindow *self,
                       GListModel *hosts)
{
  g_return_if_fail (TEND_IS_WINDOW (self));
  g_return_if_fail (hosts == NULL || G_IS_LIST_MODEL (hosts));

  if (!g_set_object (&self->hosts, hosts))
    return;
  if (self->remote_hosts != NULL)
    g_signal_handlers_disconnect_by_data (self->remote_hosts, self);
  g_clear_object (&self->local_hosts);
  g_clear_object (&self->remote_hosts);
  g_clear_object (&self->all_services);
  if (hosts != NULL)
    {
      GtkMapListModel *map = gtk_map_list_model_new (g_object_ref (hosts), host_services, NULL,
                                                     NULL);

      self->local_hosts = G_LIST_MODEL (gtk_filter_list_model_new (
        g_object_ref (hosts), GTK_FILTER (gtk_custom_filter_new (host_is_local, NULL, NULL))));
      self->remote_hosts = G_LIST_MODEL (gtk_filter_list_model_new (
        g_object_ref (hosts), GTK_FILTER (gtk_custom_filter_new (host_is_remote, NULL, NULL))));
      self->all_services = G_LIST_MODEL (gtk_flatten_list_model_new (G_LIST_MODEL (map)));
      /* After the sidebar's list box has made or dropped the rows */
      g_signal_connect_data (self->remote_hosts, "items-changed",
                             G_CALLBACK (remote_hosts_changed_cb), self, NULL,
                             G_CONNECT_SWAPPED | G_CONNECT_AFTER);
    }
  gtk_list_box_bind_model (self->hosts_list, self->local_hosts, create_host_row, NULL, NULL);
  gtk_list_box_bind_model (self->remote_list, self->remote_hosts, create_host_row, NULL, NULL);
  gtk_widget_set_visible (self->no_remote_label,
                          self->remote_hosts == NULL ||
                          g_list_model_get_n_items (self->remote_hosts) == 0);
  tend_sidebar_row_set_services (self->all_hosts_row,
                                 self->all_services != NULL ? self->all_services
                                                            : G_LIST_MODEL (self->no_attention));
  if (selected_row (self) == self->all_hosts_row)
    tend_service_list_set_model (self->service_list,
                                 tend_sidebar_row_get_services (self->all_hosts_row));
  if (selected_row (self) == NULL)
    {
      GtkListBoxRow *first = gtk_list_box_get_row_at_index (self->hosts_list, 0);

      if (first != NULL)
        gtk_list_box_select_row (self->hosts_list, first);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOSTS]);
}

/**
 * tend_window_get_overview:
 *
 * Returns: (transfer none) (nullable): the overview whose services need attention
 */
TendOverview *
tend_window_get_overview (TendWindow *self)
{
  g_return_val_if_fail (TEND_IS_WINDOW (self), NULL);
  return self->overview;
}

void
tend_window_set_overview (TendWindow   *self,
                          TendOverview *overview)
{
  GListModel *attention;

  g_return_if_fail (TEND_IS_WINDOW (self));
  g_return_if_fail (overview == NULL || TEND_IS_OVERVIEW (overview));

  if (!g_set_object (&self->overview, overview))
    return;
  attention = overview != NULL ? tend_overview_get_attention (overview)
                                : G_LIST_MODEL (self->no_attention);
  tend_sidebar_row_set_services (self->attention_row, attention);
  if (selected_row (self) == self->attention_row)
    tend_service_list_set_model (self->service_list, attention);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OVERVIEW]);
}

/**
 * tend_window_get_store:
 *
 * Returns: (transfer none) (nullable): the database the service page reads
 */
TendStore *
tend_window_get_store (TendWindow *self)
{
  g_return_val_if_fail (TEND_IS_WINDOW (self), NULL);
  return self->store;
}

void
tend_window_set_store (TendWindow *self,
                       TendStore  *store)
{
  g_return_if_fail (TEND_IS_WINDOW (self));
  g_return_if_fail (store == NULL || TEND_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;
  tend_service_page_set_store (self->service_page, store);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

/**
 * tend_window_get_service:
 *
 * Returns: (transfer none) (nullable): the service whose page shows, %NULL when the
 *   list does
 */
TendService *
tend_window_get_service (TendWindow *self)
{
  g_return_val_if_fail (TEND_IS_WINDOW (self), NULL);
  return self->service;
}

/* Whether the window is narrow enough to show one pane at a time. */
gboolean
tend_window_get_folded (TendWindow *self)
{
  g_return_val_if_fail (TEND_IS_WINDOW (self), FALSE);
  return adw_leaflet_get_folded (self->leaflet);
}

/**
 * tend_window_get_banner:
 *
 * Returns: (nullable): what the banner says, %NULL when it is hidden
 */
const char *
tend_window_get_banner (TendWindow *self)
{
  g_return_val_if_fail (TEND_IS_WINDOW (self), NULL);
  return self->banner;
}
