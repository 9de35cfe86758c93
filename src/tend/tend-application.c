/* tend-application.c — see tend-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One instance per session (GtkApplication's D-Bus name). It makes this computer's two
 * hosts (the user's manager and the system's), opens the database tendctl uses and runs
 * the monitor engine in this process, as `tendctl monitor` would: the data directory's
 * lock, SIGHUP reloads (tendctl and the window's own controls send it to whoever holds
 * the lock), a stop that writes every result when the application ends. When another
 * process holds the lock, no engine runs here: `engine-state` says "elsewhere" with its
 * pid, the window says so in a banner, and the overview reads the health that engine
 * keeps in the store; should that process end, the engine starts here.
 *
 * The engine's desktop notifications go out through TendAppNotifier (GNotification), and
 * their buttons are carried out here on the right host and unit: Restart (audited as a
 * person's act), Open (the window, on that service), Silence 1 h.
 *
 * "Run in background" (GSettings) keeps the application, and so the monitoring, when
 * its last window closes; `tend --background` starts without a window.
 */
#define G_LOG_DOMAIN "Tend"

#include "config.h"

#include <signal.h>

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "tend-app-notifier.h"
#include "tend-application.h"
#include "tend-demo.h"
#include "tend-window.h"

/* How often, while another process runs the engine, the lock is looked at again. */
#define OWNER_POLL_SECONDS 5

/* How long the end of the application waits for the engine to write what waits. */
#define STOP_TIMEOUT_MSEC 5000

struct _TendApplication
{
  AdwApplication parent_instance;

  GListStore *hosts;          /* (owned) TendHost: this computer's two, then the remote ones */
  GHashTable *remote_specs;   /* (owned) id → (owned) TendInventoryHost, each remote host's */
  gboolean reading_hosts;     /* an inventory read for the hosts is under way */
  gboolean read_hosts_again;  /* and another was asked for meanwhile */
  char *store_path;           /* (owned) */
  TendStore *store;           /* (owned) (nullable) once open: the engine's, or our own */
  TendEngine *engine;         /* (owned) (nullable) while it runs here, or starts */
  TendOverview *overview;     /* (owned) (nullable) once the store is open */
  TendAppNotifier *notifier;  /* (owned) (nullable) */
  GSettings *settings;        /* (owned) (nullable) when the schema is installed */
  GCancellable *cancellable;  /* (owned) */

  TendEngineState engine_state;
  GPid engine_owner;
  char *engine_message;       /* (owned) (nullable) */

  guint signal_ids[3];
  guint owner_poll_id;

  gboolean demo;
  gboolean background;        /* --background: the first activation shows no window */
  gboolean background_start;  /* held for --background until a window shows */
  gboolean held;
};

enum {
  PROP_0,
  PROP_DEMO,
  PROP_ENGINE_MESSAGE,
  PROP_ENGINE_OWNER,
  PROP_ENGINE_STATE,
  PROP_OVERVIEW,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_ENUM_TYPE (TendEngineState, tend_engine_state,
                    G_DEFINE_ENUM_VALUE (TEND_ENGINE_STATE_STARTING, "starting"),
                    G_DEFINE_ENUM_VALUE (TEND_ENGINE_STATE_RUNNING, "running"),
                    G_DEFINE_ENUM_VALUE (TEND_ENGINE_STATE_ELSEWHERE, "elsewhere"),
                    G_DEFINE_ENUM_VALUE (TEND_ENGINE_STATE_FAILED, "failed"))

G_DEFINE_FINAL_TYPE (TendApplication, tend_application, ADW_TYPE_APPLICATION)

static void start_engine (TendApplication *self);
static void host_connected_cb (GObject      *source,
                               GAsyncResult *result,
                               gpointer      user_data);

/**
 * tend_settings_new_if_installed:
 *
 * Run from the build tree without GSETTINGS_SCHEMA_DIR, the schema is not there;
 * g_settings_new() would abort. This looks it up first.
 *
 * Returns: (transfer full) (nullable): Tend's settings, or %NULL when its schema is not
 *   installed
 */
GSettings *
tend_settings_new_if_installed (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE);
  if (schema == NULL)
    {
      g_debug ("schema %s is not installed: settings are not kept", APPLICATION_ID);
      return NULL;
    }
  return g_settings_new_full (schema, NULL, NULL);
}

/* ------------------------------------------------------------------------------------ */
/* State                                                                                 */

static void
set_engine_state (TendApplication *self,
                  TendEngineState  state,
                  GPid             owner,
                  const char      *message)
{
  GObject *object = G_OBJECT (self);

  g_object_freeze_notify (object);
  if (self->engine_owner != owner)
    {
      self->engine_owner = owner;
      g_object_notify_by_pspec (object, properties[PROP_ENGINE_OWNER]);
    }
  if (g_strcmp0 (self->engine_message, message) != 0)
    {
      g_free (self->engine_message);
      self->engine_message = g_strdup (message);
      g_object_notify_by_pspec (object, properties[PROP_ENGINE_MESSAGE]);
    }
  if (self->engine_state != state)
    {
      self->engine_state = state;
      g_object_notify_by_pspec (object, properties[PROP_ENGINE_STATE]);
    }
  g_object_thaw_notify (object);
}

static gboolean
run_in_background (TendApplication *self)
{
  return self->settings != NULL && g_settings_get_boolean (self->settings, "run-in-background");
}

/* The application stays without a window when "run in background" is on, and after
 * `tend --background` until a window shows. */
static void
update_hold (TendApplication *self)
{
  gboolean want = run_in_background (self) || self->background_start;

  if (want == self->held)
    return;
  self->held = want;
  if (want)
    g_application_hold (G_APPLICATION (self));
  else
    g_application_release (G_APPLICATION (self));
}

static void
run_in_background_changed_cb (GSettings       *settings,
                              const char      *key,
                              TendApplication *self)
{
  update_hold (self);
}

/* ------------------------------------------------------------------------------------ */
/* The store, the overview, the engine                                                   */

/* The database is open: the window's history, the audit of its actions, the monitor's
 * word on every service. */
static void
store_ready (TendApplication *self,
             TendStore       *store)
{
  g_autoptr(TendOverview) overview = tend_overview_new (store);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->hosts)); i++)
    {
      g_autoptr(TendHost) host = g_list_model_get_item (G_LIST_MODEL (self->hosts), i);

      /* What a person does in the window is in the audit log as "gui". */
      tend_host_set_audit (host, store, TEND_AUDIT_ORIGIN_GUI);
      tend_overview_add_host (overview, host);
    }
  tend_overview_set_engine (overview, self->engine);

  if (g_set_object (&self->store, store))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
  if (self->overview != NULL)
    g_signal_handlers_disconnect_by_data (self->overview, self);
  g_set_object (&self->overview, overview);
  /* The overview reads the store when the engine reloads (SIGHUP: tendctl host add or
   * remove, the window's own Add Host) and, while the engine runs elsewhere, every few
   * seconds: the remote hosts are read again with it. */
  g_signal_connect_swapped (overview, "updated", G_CALLBACK (tend_application_reload_hosts),
                            self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OVERVIEW]);
  tend_application_reload_hosts (self);
}

static void
own_store_opened_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(TendStore) store = TEND_STORE (source);
  g_autoptr(GError) error = NULL;
  TendApplication *self;

  if (!tend_store_open_finish (store, result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      self = user_data;
      g_warning ("the database %s cannot be opened: %s", self->store_path, error->message);
      if (self->engine_state == TEND_ENGINE_STATE_FAILED)
        return;
      set_engine_state (self, TEND_ENGINE_STATE_FAILED, 0, error->message);
      return;
    }
  store_ready (user_data, store);
}

/* Another process runs the engine (or none could start here): the store is read. */
static void
open_own_store (TendApplication *self)
{
  TendStore *store = tend_store_new (self->store_path);

  tend_store_open_async (store, self->cancellable, own_store_opened_cb, self);
}

static gboolean
owner_poll_cb (gpointer user_data)
{
  TendApplication *self = user_data;

  if (tend_lock_get_owner (self->store_path) != 0)
    return G_SOURCE_CONTINUE;

  /* The other monitor ended: this process takes the watch over. */
  g_message ("the monitor that ran elsewhere ended; monitoring here");
  self->owner_poll_id = 0;
  start_engine (self);
  return G_SOURCE_REMOVE;
}

static void
engine_started_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  TendEngine *engine = TEND_ENGINE (source);
  g_autoptr(GError) error = NULL;
  TendApplication *self;

  if (!tend_engine_start_finish (engine, result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = user_data;
  if (error == NULL)
    {
      g_debug ("monitoring %s with %u checks", self->store_path,
               tend_engine_get_n_checks (engine));
      set_engine_state (self, TEND_ENGINE_STATE_RUNNING, 0, NULL);
      store_ready (self, tend_engine_get_store (engine));
      if (self->demo)
        tend_application_start_demo (self, engine);
      return;
    }

  g_clear_object (&self->engine);
  if (g_error_matches (error, TEND_ERROR, TEND_ERROR_BUSY))
    {
      GPid owner = tend_lock_get_owner (self->store_path);

      g_message ("%s", error->message);
      set_engine_state (self, TEND_ENGINE_STATE_ELSEWHERE, owner, error->message);
      g_clear_handle_id (&self->owner_poll_id, g_source_remove);
      self->owner_poll_id = g_timeout_add_seconds (OWNER_POLL_SECONDS, owner_poll_cb, self);
    }
  else
    {
      g_warning ("monitoring cannot start: %s", error->message);
      set_engine_state (self, TEND_ENGINE_STATE_FAILED, 0, error->message);
    }
  open_own_store (self);
}

static void
start_engine (TendApplication *self)
{
  g_assert (self->engine == NULL);

  set_engine_state (self, TEND_ENGINE_STATE_STARTING, 0, NULL);
  self->engine = tend_engine_new (self->store_path);
  /* Notifications go out as the application's, their buttons come back here. */
  tend_engine_set_desktop_notifier (self->engine, TEND_NOTIFIER (self->notifier));
  tend_engine_start_async (self->engine, self->cancellable, engine_started_cb, self);
}

/* tendctl (an edit of the inventory) and the window's controls ask the lock's owner to
 * read the checks again with SIGHUP. */
static gboolean
sighup_cb (gpointer user_data)
{
  TendApplication *self = user_data;

  if (self->engine != NULL && self->engine_state == TEND_ENGINE_STATE_RUNNING)
    {
      g_debug ("SIGHUP: reloading the configuration and the checks");
      tend_engine_reload (self->engine, self->cancellable);
    }
  if (self->overview != NULL)
    tend_overview_refresh (self->overview);
  return G_SOURCE_CONTINUE;
}

static gboolean
quit_signal_cb (gpointer user_data)
{
  g_application_quit (G_APPLICATION (user_data));
  return G_SOURCE_CONTINUE;
}

typedef struct
{
  gboolean done;
  guint timeout_id;
} Stopping;

static void
engine_stopped_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Stopping *stopping = user_data;
  g_autoptr(GError) error = NULL;

  if (!tend_engine_stop_finish (TEND_ENGINE (source), result, &error))
    g_warning ("monitoring stopped, but: %s", error->message);
  stopping->done = TRUE;
  g_rc_box_release (stopping);
}

static gboolean
stop_timeout_cb (gpointer user_data)
{
  Stopping *stopping = user_data;

  g_warning ("monitoring did not stop in time; results may wait in the spill file");
  stopping->done = TRUE;
  stopping->timeout_id = 0;
  return G_SOURCE_REMOVE;
}

/* The application ends: the engine writes every result that waits, as tendctl
 * monitor's does on SIGTERM. The main loop has ended, so its context is run here. */
static void
stop_engine (TendApplication *self)
{
  Stopping *stopping;

  if (self->engine == NULL || self->engine_state != TEND_ENGINE_STATE_RUNNING)
    return;

  stopping = g_rc_box_new0 (Stopping);
  stopping->timeout_id = g_timeout_add (STOP_TIMEOUT_MSEC, stop_timeout_cb, stopping);
  tend_engine_stop_async (self->engine, NULL, engine_stopped_cb, g_rc_box_acquire (stopping));
  while (!stopping->done)
    g_main_context_iteration (NULL, TRUE);
  g_clear_handle_id (&stopping->timeout_id, g_source_remove);
  g_rc_box_release (stopping);
}

/* ------------------------------------------------------------------------------------ */
/* The hosts                                                                             */

static void
host_refreshed_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!tend_host_refresh_finish (TEND_HOST (source), result, &error))
    g_debug ("%s", error->message);
}

static void
host_connected_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  TendHost *host = TEND_HOST (source);
  g_autoptr(GError) error = NULL;

  /* A host that cannot be reached (no system bus in a container) says so in its
   * state-message, which the sidebar shows; it tries again by itself, and reads its
   * units when it is back. */
  if (!tend_host_connect_finish (host, result, &error))
    {
      g_debug ("%s", error->message);
      return;
    }
  /* Connected: its units, once; it follows their changes from now on. */
  tend_host_refresh_async (host, TEND_LIST_LOADED, NULL, host_refreshed_cb, NULL);
}

static void
add_local_hosts (TendApplication *self)
{
  static const TendHostScope scopes[] = { TEND_HOST_SCOPE_USER, TEND_HOST_SCOPE_SYSTEM };

  for (guint i = 0; i < G_N_ELEMENTS (scopes); i++)
    {
      g_autoptr(TendHost) host = tend_host_new_local (scopes[i]);

      g_list_store_append (self->hosts, host);
      tend_host_connect_async (host, self->cancellable, host_connected_cb, NULL);
    }
}

/* A remote host of the inventory joins: in the sidebar, audited, watched, connecting. */
static void
add_remote_host (TendApplication         *self,
                 const TendInventoryHost *spec)
{
  g_autoptr(TendHost) host = tend_host_new_for_inventory (spec);

  g_debug ("remote host %s joins (%s)", spec->name, spec->address);
  tend_host_set_access (host, spec->access);
  if (self->store != NULL)
    tend_host_set_audit (host, self->store, TEND_AUDIT_ORIGIN_GUI);
  if (self->overview != NULL)
    tend_overview_add_host (self->overview, host);
  g_hash_table_replace (self->remote_specs, g_strdup (spec->name),
                        tend_inventory_host_copy (spec));
  g_list_store_append (self->hosts, host);
  tend_host_connect_async (host, self->cancellable, host_connected_cb, NULL);
}

static void
remove_remote_host (TendApplication *self,
                    guint            position)
{
  g_autoptr(TendHost) host = g_list_model_get_item (G_LIST_MODEL (self->hosts), position);

  g_debug ("remote host %s leaves", tend_host_get_id (host));
  if (self->overview != NULL)
    tend_overview_remove_host (self->overview, host);
  g_hash_table_remove (self->remote_specs, tend_host_get_id (host));
  g_list_store_remove (self->hosts, position);
}

/* Whether the host made for @a is the one @b describes: the same place, reached the same
 * way (the access level alone changes in place). */
static gboolean
same_connection (const TendInventoryHost *a,
                 const TendInventoryHost *b)
{
  return g_strcmp0 (a->address, b->address) == 0 && a->port == b->port &&
         g_strcmp0 (a->user, b->user) == 0 && a->scope == b->scope && a->sudo == b->sudo;
}

static const TendInventoryHost *
find_remote_spec (GPtrArray  *specs,
                  const char *name)
{
  for (guint i = 0; i < specs->len; i++)
    {
      const TendInventoryHost *spec = specs->pdata[i];

      if (spec->kind == TEND_HOST_KIND_SSH && g_str_equal (spec->name, name))
        return spec;
    }
  return NULL;
}

/* The remote hosts as the inventory has them now: new ones join, gone ones leave, a
 * changed one is made again; this computer's two stay as they are. */
static void
sync_remote_hosts (TendApplication *self,
                   TendInventory   *inventory)
{
  GPtrArray *specs = tend_inventory_get_hosts (inventory);
  GListModel *hosts = G_LIST_MODEL (self->hosts);

  for (guint i = g_list_model_get_n_items (hosts); i-- > 0;)
    {
      g_autoptr(TendHost) host = g_list_model_get_item (hosts, i);
      const TendInventoryHost *old, *spec;

      if (tend_host_get_kind (host) != TEND_HOST_KIND_SSH)
        continue;
      old = g_hash_table_lookup (self->remote_specs, tend_host_get_id (host));
      spec = find_remote_spec (specs, tend_host_get_id (host));
      if (spec == NULL || old == NULL || !same_connection (old, spec))
        remove_remote_host (self, i);
      else
        tend_host_set_access (host, spec->access);
    }
  for (guint i = 0; i < specs->len; i++)
    {
      const TendInventoryHost *spec = specs->pdata[i];

      if (spec->kind == TEND_HOST_KIND_SSH &&
          !g_hash_table_contains (self->remote_specs, spec->name))
        add_remote_host (self, spec);
    }
}

static void
hosts_inventory_loaded_cb (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TendInventory) inventory = NULL;
  TendApplication *self;

  inventory = tend_store_load_inventory_finish (TEND_STORE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = user_data;
  self->reading_hosts = FALSE;
  if (inventory == NULL)
    g_warning ("the remote hosts cannot be read: %s", error->message);
  else
    sync_remote_hosts (self, inventory);
  if (self->read_hosts_again)
    {
      self->read_hosts_again = FALSE;
      tend_application_reload_hosts (self);
    }
}

/* ------------------------------------------------------------------------------------ */
/* Notification buttons                                                                  */

/* The main window, if one is open: the newest one the person used. */
static TendWindow *
find_window (TendApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    if (TEND_IS_WINDOW (l->data))
      return l->data;
  return NULL;
}

static TendWindow *
ensure_window (TendApplication *self)
{
  GtkWindow *window = GTK_WINDOW (find_window (self));

  if (window == NULL)
    window = GTK_WINDOW (tend_window_new (self));
  self->background_start = FALSE;
  update_hold (self);
  gtk_window_present (window);
  return TEND_WINDOW (window);
}

/* The outcome of a button, said where the person is: a toast in a window they see, a
 * notification otherwise. */
static void
report (TendApplication *self,
        const char      *unit,
        const char      *done,
        const GError    *error)
{
  TendWindow *window = find_window (self);
  g_autofree char *id = g_strdup_printf ("outcome-%s", unit);
  g_autoptr(GNotification) notification = NULL;

  if (window != NULL && gtk_widget_get_visible (GTK_WIDGET (window)))
    {
      if (error != NULL)
        tend_window_show_error (window, done, error);
      else
        tend_window_add_toast (window, adw_toast_new (done));
      return;
    }

  notification = g_notification_new (done);
  if (error != NULL)
    g_notification_set_body (notification, error->message);
  g_application_send_notification (G_APPLICATION (self), id, notification);
}

typedef struct
{
  TendApplication *self;      /* (owned) */
  TendHost *host;             /* (owned) */
  char *unit;                 /* (owned) */
} ButtonData;

static ButtonData *
button_data_new (TendApplication *self,
                 TendHost        *host,
                 const char      *unit)
{
  ButtonData *data = g_new0 (ButtonData, 1);

  data->self = g_object_ref (self);
  data->host = g_object_ref (host);
  data->unit = g_strdup (unit);
  return data;
}

static void
button_data_free (ButtonData *data)
{
  g_object_unref (data->self);
  g_object_unref (data->host);
  g_free (data->unit);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ButtonData, button_data_free)

static void
restarted_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(ButtonData) data = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *outcome = NULL;
  g_autofree char *text = NULL;

  outcome = tend_host_run_action_finish (TEND_HOST (source), result, &error);
  if (outcome == NULL)
    text = g_strdup_printf (_("Could not restart %s"), data->unit);
  else
    text = g_strdup_printf (_("%s restarted"), data->unit);
  report (data->self, data->unit, text, error);
}

static void
silenced_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(ButtonData) data = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (!tend_service_control_finish (result, &error))
    text = g_strdup_printf (_("Could not silence %s"), data->unit);
  else
    text = g_strdup_printf (_("%s silenced for 1 hour"), data->unit);
  report (data->self, data->unit, text, error);
}

static void
service_loaded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(ButtonData) data = user_data;
  g_autoptr(TendService) service = NULL;
  g_autoptr(GError) error = NULL;

  service = tend_host_load_service_finish (TEND_HOST (source), result, &error);
  if (service == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Could not open %s"), data->unit);

      report (data->self, data->unit, text, error);
      return;
    }
  tend_window_show_service (ensure_window (data->self), service);
}

static void
open_service (TendApplication *self,
              TendHost        *host,
              const char      *unit)
{
  TendService *service;

  /* A notification about the host itself ("web1 is unreachable") names no unit. */
  if (unit == NULL || *unit == '\0')
    {
      tend_window_show_host (ensure_window (self), host);
      return;
    }
  service = tend_host_lookup_service (host, unit);
  if (service != NULL)
    {
      tend_window_show_service (ensure_window (self), service);
      return;
    }
  /* Not in the list (not loaded now, or the host is still connecting): ask for it. */
  ensure_window (self);
  tend_host_load_service_async (host, unit, self->cancellable, service_loaded_cb,
                                button_data_new (self, host, unit));
}

/* What the engine told the desktop, said in the window too while it is open: a toast
 * with the notification's title and an Open button, so the person sees it where they
 * look, and sees it at all where no notification server runs. */
static void
notification_sent_cb (TendAppNotifier  *notifier,
                      TendNotification *notification,
                      TendApplication  *self)
{
  TendWindow *window = find_window (self);
  AdwToast *toast;

  if (window == NULL || !gtk_widget_get_visible (GTK_WIDGET (window)))
    return;
  toast = adw_toast_new (notification->title);
  if (notification->unit != NULL)
    {
      adw_toast_set_button_label (toast, _("Open"));
      adw_toast_set_action_name (toast, "app.open-unit");
      adw_toast_set_action_target_value (toast, g_variant_new ("(ss)",
                                                               notification->host != NULL
                                                               ? notification->host : "",
                                                               notification->unit));
    }
  tend_window_add_toast (window, toast);
}

static void
notification_action_cb (TendNotifier    *notifier,
                        const char      *id,
                        const char      *action,
                        GVariant        *target,
                        TendApplication *self)
{
  const char *host_id = NULL;
  const char *unit = NULL;
  TendHost *host;

  if (!tend_notification_parse_target (target, &host_id, &unit))
    return;
  host = tend_application_lookup_host (self, host_id);
  if (host == NULL)
    {
      g_warning ("notification %s: no host '%s' here", id, host_id);
      return;
    }

  g_debug ("notification %s: %s %s on %s", id, action, unit, tend_host_get_id (host));
  if (g_str_equal (action, TEND_NOTIFICATION_ACTION_OPEN))
    {
      open_service (self, host, unit);
    }
  else if (g_str_equal (action, TEND_NOTIFICATION_ACTION_RESTART))
    {
      /* A person pressed the button: the audit says "gui", not "auto". */
      tend_host_run_action_as_async (host, unit, TEND_UNIT_ACTION_RESTART,
                                     TEND_AUDIT_ORIGIN_GUI, self->cancellable, restarted_cb,
                                     button_data_new (self, host, unit));
    }
  else if (g_str_equal (action, TEND_NOTIFICATION_ACTION_SILENCE_1H))
    {
      if (self->store == NULL)
        {
          g_autoptr(GError) error = g_error_new (TEND_ERROR, TEND_ERROR_FAILED,
                                                 _("The database is not open yet"));
          g_autofree char *text = g_strdup_printf (_("Could not silence %s"), unit);

          report (self, unit, text, error);
          return;
        }
      tend_service_control_silence_async (self->store, host, unit,
                                          (gint64) 3600 * G_USEC_PER_SEC,
                                          "silenced for 1 h from its notification",
                                          self->cancellable, silenced_cb,
                                          button_data_new (self, host, unit));
    }
}

/* ------------------------------------------------------------------------------------ */
/* Actions                                                                               */

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  TendApplication *self = user_data;
  static const char *developers[] = { "The Tend authors", NULL };
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  adw_show_about_window (window,
                         "application-name", _("Tend"),
                         "application-icon", APPLICATION_ID,
                         "version", PACKAGE_VERSION,
                         "comments", _("Look after the services on your computer: their "
                                       "state, health and history, and recovery when they "
                                       "fail"),
                         "developers", developers,
                         "copyright", "© 2026 The Tend authors",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated },
  { "about", about_activated },
};

/* The accelerators of the window's actions are set here, once for every window. */
static const struct
{
  const char *action;
  const char *accels[3];
} accels[] = {
  { "app.quit", { "<Control>q", NULL } },
  { "win.search", { "<Control>f", NULL } },
  { "win.refresh", { "F5", "<Control>r", NULL } },
  { "win.go-back", { "<Alt>Left", NULL } },
  { "window.close", { "<Control>w", NULL } },
};

/* ------------------------------------------------------------------------------------ */
/* GApplication                                                                          */

static void
tend_application_activate (GApplication *app)
{
  TendApplication *self = TEND_APPLICATION (app);

  /* tend --background: the first activation shows nothing. */
  if (self->background)
    {
      self->background = FALSE;
      return;
    }
  ensure_window (self);
}

static int
tend_application_handle_local_options (GApplication *app,
                                       GVariantDict *options)
{
  TendApplication *self = TEND_APPLICATION (app);
  g_autoptr(GError) error = NULL;

  if (g_variant_dict_contains (options, "demo"))
    self->demo = TRUE;
  if (g_variant_dict_contains (options, "background"))
    {
      if (!g_application_register (app, NULL, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      /* Tend runs already: it monitors, and nothing is to be shown. */
      if (g_application_get_is_remote (app))
        return 0;
      self->background = TRUE;
      self->background_start = TRUE;
      update_hold (self);
    }
  return -1;
}

static void
tend_application_startup (GApplication *app)
{
  TendApplication *self = TEND_APPLICATION (app);

  G_APPLICATION_CLASS (tend_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions),
                                   app);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (app), accels[i].action,
                                           accels[i].accels);

  self->settings = tend_settings_new_if_installed ();
  if (self->settings != NULL)
    g_signal_connect (self->settings, "changed::run-in-background",
                      G_CALLBACK (run_in_background_changed_cb), self);
  update_hold (self);

  /* Notifications and their buttons (app.restart-unit, app.open-unit,
   * app.silence-unit): made before any activation, so a button pressed while Tend was
   * not running starts it and is carried out. */
  self->notifier = tend_app_notifier_new (app);
  g_signal_connect (self->notifier, "action-invoked", G_CALLBACK (notification_action_cb), self);
  g_signal_connect (self->notifier, "sent", G_CALLBACK (notification_sent_cb), self);

  self->signal_ids[0] = g_unix_signal_add (SIGHUP, sighup_cb, self);
  self->signal_ids[1] = g_unix_signal_add (SIGTERM, quit_signal_cb, self);
  self->signal_ids[2] = g_unix_signal_add (SIGINT, quit_signal_cb, self);

  /* --demo: the engine runs on the demo's database, not the person's. */
  if (self->demo)
    {
      g_autofree char *path = tend_demo_dup_database_path ();

      if (path != NULL)
        {
          g_free (self->store_path);
          self->store_path = g_steal_pointer (&path);
        }
      else
        /* Another demo runs (tend_demo_dup_database_path() said so): never put the
         * demo's services into the person's own database. */
        self->demo = FALSE;
    }

  add_local_hosts (self);
  start_engine (self);
}

static void
tend_application_shutdown (GApplication *app)
{
  TendApplication *self = TEND_APPLICATION (app);

  for (guint i = 0; i < G_N_ELEMENTS (self->signal_ids); i++)
    g_clear_handle_id (&self->signal_ids[i], g_source_remove);
  g_clear_handle_id (&self->owner_poll_id, g_source_remove);
  tend_application_stop_demo (self);
  stop_engine (self);
  g_cancellable_cancel (self->cancellable);

  G_APPLICATION_CLASS (tend_application_parent_class)->shutdown (app);
}

/* ------------------------------------------------------------------------------------ */
/* GObject                                                                               */

static void
tend_application_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  TendApplication *self = TEND_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_DEMO:
      g_value_set_boolean (value, self->demo);
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
    case PROP_OVERVIEW:
      g_value_set_object (value, self->overview);
      break;
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_application_dispose (GObject *object)
{
  TendApplication *self = TEND_APPLICATION (object);

  g_cancellable_cancel (self->cancellable);
  if (self->notifier != NULL)
    g_signal_handlers_disconnect_by_data (self->notifier, self);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  if (self->overview != NULL)
    g_signal_handlers_disconnect_by_data (self->overview, self);
  g_clear_object (&self->overview);
  g_clear_object (&self->engine);
  g_clear_object (&self->notifier);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  if (self->hosts != NULL)
    g_list_store_remove_all (self->hosts);

  G_OBJECT_CLASS (tend_application_parent_class)->dispose (object);
}

static void
tend_application_finalize (GObject *object)
{
  TendApplication *self = TEND_APPLICATION (object);

  g_clear_object (&self->hosts);
  g_clear_pointer (&self->remote_specs, g_hash_table_unref);
  g_clear_object (&self->cancellable);
  g_free (self->store_path);
  g_free (self->engine_message);

  G_OBJECT_CLASS (tend_application_parent_class)->finalize (object);
}

static void
tend_application_class_init (TendApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->get_property = tend_application_get_property;
  object_class->dispose = tend_application_dispose;
  object_class->finalize = tend_application_finalize;
  app_class->activate = tend_application_activate;
  app_class->handle_local_options = tend_application_handle_local_options;
  app_class->startup = tend_application_startup;
  app_class->shutdown = tend_application_shutdown;

  /**
   * TendApplication:demo:
   *
   * Whether `tend --demo` asked for the demo services (tend-demo.c shows them).
   */
  properties[PROP_DEMO] =
    g_param_spec_boolean ("demo", NULL, NULL, FALSE, flags);
  /**
   * TendApplication:engine-state:
   *
   * Where the checks run: starting here, running here, elsewhere (another process
   * holds the lock: see #TendApplication:engine-owner), or failed (see
   * #TendApplication:engine-message).
   */
  properties[PROP_ENGINE_STATE] =
    g_param_spec_enum ("engine-state", NULL, NULL, TEND_TYPE_ENGINE_STATE,
                       TEND_ENGINE_STATE_STARTING, flags);
  /**
   * TendApplication:engine-owner:
   *
   * The pid of the process that runs the engine when it runs elsewhere (-1 when that
   * process is starting, 0 when not known).
   */
  properties[PROP_ENGINE_OWNER] =
    g_param_spec_int ("engine-owner", NULL, NULL, G_MININT, G_MAXINT, 0, flags);
  /**
   * TendApplication:engine-message:
   *
   * Why the engine does not run here (libtend's message), or %NULL.
   */
  properties[PROP_ENGINE_MESSAGE] =
    g_param_spec_string ("engine-message", NULL, NULL, NULL, flags);
  /**
   * TendApplication:store:
   *
   * The database, once open: the engine's own when it runs here.
   */
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, TEND_TYPE_STORE, flags);
  /**
   * TendApplication:overview:
   *
   * The monitor's word on every service of the hosts, once the store is open.
   */
  properties[PROP_OVERVIEW] =
    g_param_spec_object ("overview", NULL, NULL, TEND_TYPE_OVERVIEW, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tend_application_init (TendApplication *self)
{
  const char *database = g_getenv ("TEND_DATABASE");
  const GOptionEntry entries[] = {
    { "background", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Monitor without opening a window"), NULL },
    { "demo", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Show the demo: three services that Tend watches and recovers, in your own "
         "service manager"), NULL },
    G_OPTION_ENTRY_NULL
  };

  self->hosts = g_list_store_new (TEND_TYPE_HOST);
  self->remote_specs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) tend_inventory_host_free);
  self->cancellable = g_cancellable_new ();
  /* The database tendctl uses: $TEND_DATABASE, or the default. */
  self->store_path = database != NULL && *database != '\0' ? g_strdup (database)
                                                           : tend_store_default_path ();
  g_application_add_main_option_entries (G_APPLICATION (self), entries);
}

TendApplication *
tend_application_new (void)
{
  return g_object_new (TEND_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/io/github/tendapp/Tend",
                       NULL);
}

/**
 * tend_application_get_hosts:
 *
 * Returns: (transfer none): the hosts, #TendHost items: this computer's user and system
 *   managers
 */
GListModel *
tend_application_get_hosts (TendApplication *self)
{
  g_return_val_if_fail (TEND_IS_APPLICATION (self), NULL);
  return G_LIST_MODEL (self->hosts);
}

/**
 * tend_application_lookup_host:
 * @id: (nullable): a host's id ("local-user", "local-system"), as a notification's
 *   target names it; %NULL or "" for this computer's user manager
 *
 * Returns: (transfer none) (nullable): the host
 */
TendHost *
tend_application_lookup_host (TendApplication *self,
                              const char      *id)
{
  g_return_val_if_fail (TEND_IS_APPLICATION (self), NULL);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->hosts)); i++)
    {
      g_autoptr(TendHost) host = g_list_model_get_item (G_LIST_MODEL (self->hosts), i);

      if (id == NULL || *id == '\0'
          ? tend_host_get_kind (host) == TEND_HOST_KIND_LOCAL &&
            tend_host_get_scope (host) == TEND_HOST_SCOPE_USER
          : g_str_equal (tend_host_get_id (host), id))
        return host;
    }
  return NULL;
}

/**
 * tend_application_get_store:
 *
 * Returns: (transfer none) (nullable): the database, once it is open
 */
TendStore *
tend_application_get_store (TendApplication *self)
{
  g_return_val_if_fail (TEND_IS_APPLICATION (self), NULL);
  return self->store;
}

/**
 * tend_application_get_overview:
 *
 * Returns: (transfer none) (nullable): the monitor's word on the services, once the
 *   store is open
 */
TendOverview *
tend_application_get_overview (TendApplication *self)
{
  g_return_val_if_fail (TEND_IS_APPLICATION (self), NULL);
  return self->overview;
}

/**
 * tend_application_get_engine:
 *
 * Returns: (transfer none) (nullable): the engine, while it runs (or starts) in this
 *   process
 */
TendEngine *
tend_application_get_engine (TendApplication *self)
{
  g_return_val_if_fail (TEND_IS_APPLICATION (self), NULL);
  return self->engine;
}

TendEngineState
tend_application_get_engine_state (TendApplication *self)
{
  g_return_val_if_fail (TEND_IS_APPLICATION (self), TEND_ENGINE_STATE_FAILED);
  return self->engine_state;
}

GPid
tend_application_get_engine_owner (TendApplication *self)
{
  g_return_val_if_fail (TEND_IS_APPLICATION (self), 0);
  return self->engine_owner;
}

const char *
tend_application_get_engine_message (TendApplication *self)
{
  g_return_val_if_fail (TEND_IS_APPLICATION (self), NULL);
  return self->engine_message;
}

gboolean
tend_application_get_demo (TendApplication *self)
{
  g_return_val_if_fail (TEND_IS_APPLICATION (self), FALSE);
  return self->demo;
}

/**
 * tend_application_get_settings:
 *
 * Returns: (transfer none) (nullable): Tend's settings, %NULL when the schema is not
 *   installed (run from the build tree without GSETTINGS_SCHEMA_DIR)
 */
GSettings *
tend_application_get_settings (TendApplication *self)
{
  g_return_val_if_fail (TEND_IS_APPLICATION (self), NULL);
  return self->settings;
}

/**
 * tend_application_reload_hosts:
 *
 * Reads the inventory's remote hosts again (once the store is open): a host added or
 * removed by `tendctl host add|remove` or the window's Add Host dialog joins or leaves
 * the sidebar. The application does so by itself whenever the overview reads the store.
 */
void
tend_application_reload_hosts (TendApplication *self)
{
  g_return_if_fail (TEND_IS_APPLICATION (self));

  if (self->store == NULL)
    return;
  if (self->reading_hosts)
    {
      self->read_hosts_again = TRUE;
      return;
    }
  self->reading_hosts = TRUE;
  tend_store_load_inventory_async (self->store, self->cancellable, hosts_inventory_loaded_cb,
                                   self);
}

/**
 * tend_application_get_host_spec:
 * @id: a remote host's id (its name in the inventory)
 *
 * Returns: (transfer none) (nullable): the inventory's entry for the remote host @id, as
 *   the host was made from it
 */
const TendInventoryHost *
tend_application_get_host_spec (TendApplication *self,
                                const char      *id)
{
  g_return_val_if_fail (TEND_IS_APPLICATION (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);
  return g_hash_table_lookup (self->remote_specs, id);
}
