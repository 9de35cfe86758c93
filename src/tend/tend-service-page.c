/* tend-service-page.c — see tend-service-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The page is a view of one TendService and of what the store holds about it. What
 * systemd and the monitor say arrives as the service's notifications and is shown at
 * once. What the store holds is TendServiceHealth's (checks, policy) and
 * TendServiceHistory's (chart, uptime, incidents, restart attempts) to show: the page
 * finds the service's id in the store and tells them to ask again when the monitor's
 * word on the service changes, coalesced to once a second.
 *
 * The unit actions go through tend_action_runner_run() (confirmation, toast, error);
 * watch, unwatch, silence, resume and recover now through libtend's
 * tend-service-control.
 */
#define G_LOG_DOMAIN "Tend"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "tend-action-runner.h"
#include "tend-application.h"
#include "tend-journal-view.h"
#include "tend-service-health.h"
#include "tend-service-history.h"
#include "tend-service-page.h"
#include "tend-ui-util.h"
#include "tend-window.h"

#define SILENCE_USEC TEND_USEC_PER_HOUR

struct _TendServicePage
{
  GtkWidget parent_instance;

  TendService *service;          /* (owned) (nullable) */
  TendStore *store;              /* (owned) (nullable) */
  TendHost *host;                /* (owned) (nullable) the service's, for its access level */
  gint64 service_id;             /* in the store, -1 while not known or not watched */
  gboolean in_store;             /* the store answered whether it watches it */
  GCancellable *cancellable;     /* (owned) the service's and the store's queries */
  guint refresh_id;              /* coalesces store queries */
  guint countdown_id;            /* while mapped and the recovery has a time */

  /* Template widgets */
  GtkWidget *box;
  GtkImage *health_icon;
  GtkLabel *name_label;
  GtkLabel *description_label;
  GtkLabel *status_label;
  GtkWidget *recovery_box;
  GtkImage *recovery_icon;
  GtkLabel *recovery_label;
  GtkWidget *resume_button;
  GtkWidget *start_button;
  GtkWidget *stop_button;
  GtkWidget *restart_button;
  GtkLabel *access_label;
  GtkLabel *pid_label;
  AdwActionRow *memory_row;
  GtkLabel *memory_label;
  GtkLabel *cpu_label;
  GtkLabel *tasks_label;
  GtkLabel *since_label;
  GtkLabel *restarts_label;
  AdwActionRow *fragment_row;
  GtkLabel *unit_file_state_label;
  AdwActionRow *required_by_row;
  TendServiceHealth *health;
  TendServiceHistory *history;
  TendJournalView *journal_view;
};

G_DEFINE_FINAL_TYPE (TendServicePage, tend_service_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SERVICE,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ------------------------------------------------------------------------------------ */
/* Top: name, state, health, what Tend does about it                                     */

/* @text with a no-break space between each figure and its unit ("2.9 ms", "1.8 MB",
 * "80 %"), so that a narrow page never wraps the line between them. */
static char *
keep_figures_whole (const char *text)
{
  static GRegex *figure_space = NULL;

  if (g_once_init_enter (&figure_space))
    g_once_init_leave (&figure_space,
                       g_regex_new ("(?<=\\d) (?=(?:[nµu]?s|ms|min|h|d|[kMGT]?i?B|%)(?!\\w))",
                                    G_REGEX_OPTIMIZE, 0, NULL));
  return g_regex_replace_literal (figure_space, text, -1, 0, "\u00a0", 0, NULL);
}

static void
update_header (TendServicePage *self)
{
  TendService *service = self->service;
  TendHealthStatus health = service != NULL ? tend_service_get_health (service)
                                            : TEND_HEALTH_UNKNOWN;
  const char *description = service != NULL ? tend_service_get_description (service) : NULL;
  const char *message = service != NULL ? tend_service_get_health_message (service) : NULL;
  const char *active = service != NULL ? tend_service_get_active_state (service) : NULL;
  const char *sub = service != NULL ? tend_service_get_sub_state (service) : NULL;
  gboolean watched = service != NULL && tend_service_get_watched (service);
  g_autoptr(GString) status = g_string_new (watched ? tend_health_status_get_word (health)
                                                    : _("Not watched"));
  gsize state_start = 0;

  gtk_label_set_label (self->name_label, service != NULL ? tend_service_get_name (service) : "");
  gtk_label_set_label (self->description_label, description != NULL ? description : "");
  gtk_widget_set_visible (GTK_WIDGET (self->description_label),
                          description != NULL && *description != '\0');
  gtk_image_set_from_icon_name (self->health_icon, tend_health_status_get_icon_name (health));
  tend_widget_set_status_class (GTK_WIDGET (self->health_icon),
                                tend_health_status_get_css_class (health));

  /* "Critical · failed · http: connection refused"; systemd's words as the list shows
   * them: "active (running)", but "failed" rather than "failed (failed)" */
  if (active != NULL)
    {
      g_string_append (status, " · ");
      state_start = status->len;
      g_string_append (status, active);
      if (sub != NULL && *sub != '\0' && !g_str_equal (sub, active))
        g_string_append_printf (status, " (%s)", sub);
    }
  /* The unit check's message is systemd's state again ("active (running)"): once is
   * enough */
  if (message != NULL && *message != '\0' &&
      (active == NULL || !g_str_equal (status->str + state_start, message)))
    {
      g_autofree char *whole = keep_figures_whole (message);

      g_string_append_printf (status, " · %s", whole);
    }
  gtk_label_set_label (self->status_label, status->str);
}

static const char *
recovery_icon_name (const TendRecoveryStatus *recovery)
{
  switch (recovery->state)
    {
    case TEND_RECOVERY_STATE_RECOVERING:
      return "emblem-synchronizing-symbolic";
    case TEND_RECOVERY_STATE_SCHEDULED:
      return "alarm-symbolic";
    case TEND_RECOVERY_STATE_WAITING:
      return g_strcmp0 (recovery->cause, "silenced") == 0 ? "notifications-disabled-symbolic"
                                                          : "appointment-soon-symbolic";
    case TEND_RECOVERY_STATE_MANUAL:
      return "dialog-warning-symbolic";
    case TEND_RECOVERY_STATE_IDLE:
    default:
      return "dialog-information-symbolic";
    }
}

static gboolean
is_silenced (const TendRecoveryStatus *recovery)
{
  return recovery != NULL && recovery->state == TEND_RECOVERY_STATE_WAITING &&
         g_strcmp0 (recovery->cause, "silenced") == 0;
}

static gboolean
can_resume (const TendRecoveryStatus *recovery)
{
  return recovery != NULL &&
         (recovery->state == TEND_RECOVERY_STATE_MANUAL || is_silenced (recovery));
}

static gboolean
countdown_cb (gpointer user_data);

static void
update_recovery (TendServicePage *self)
{
  const TendRecoveryStatus *recovery =
    self->service != NULL ? tend_service_get_recovery (self->service) : NULL;
  g_autofree char *line = NULL;
  gboolean ticking;

  /* Nothing being done needs no card: the status line above says the service is well. */
  if (recovery != NULL && recovery->state != TEND_RECOVERY_STATE_IDLE)
    line = tend_recovery_status_describe (recovery, g_get_real_time ());
  gtk_widget_set_visible (self->recovery_box, line != NULL && *line != '\0');
  if (line != NULL && *line != '\0')
    {
      /* libtend's line starts in lower case, as tendctl prints it after a colon. */
      g_autofree char *first = g_utf8_strup (line, g_utf8_next_char (line) - line);
      g_autofree char *shown = g_strconcat (first, g_utf8_next_char (line), NULL);

      gtk_label_set_label (self->recovery_label, shown);
      gtk_image_set_from_icon_name (self->recovery_icon, recovery_icon_name (recovery));
    }
  gtk_widget_set_visible (self->resume_button, can_resume (recovery));

  /* "next attempt in 8s" counts down while it is on screen */
  ticking = recovery != NULL && recovery->until_usec > 0 &&
            gtk_widget_get_mapped (GTK_WIDGET (self));
  if (ticking && self->countdown_id == 0)
    self->countdown_id = g_timeout_add_seconds (1, countdown_cb, self);
  else if (!ticking)
    g_clear_handle_id (&self->countdown_id, g_source_remove);
}

static gboolean
countdown_cb (gpointer user_data)
{
  TendServicePage *self = user_data;

  self->countdown_id = 0;
  update_recovery (self);
  return G_SOURCE_REMOVE;
}

/* ------------------------------------------------------------------------------------ */
/* Actions' state                                                                        */

static void
update_actions (TendServicePage *self)
{
  TendService *service = self->service;
  const TendRecoveryStatus *recovery = service != NULL ? tend_service_get_recovery (service)
                                                       : NULL;
  const char *active = service != NULL ? tend_service_get_active_state (service) : NULL;
  const char *file_state = service != NULL ? tend_service_get_unit_file_state (service) : NULL;
  gboolean loaded = service != NULL &&
                    g_strcmp0 (tend_service_get_load_state (service), "not-found") != 0;
  gboolean running = service != NULL && (tend_service_is_active (service) ||
                                         g_strcmp0 (active, "activating") == 0);
  gboolean watched = service != NULL && tend_service_get_watched (service);
  gboolean controls = service != NULL && self->store != NULL;
  GtkWidget *widget = GTK_WIDGET (self);
  g_autoptr(TendHost) host = service != NULL ? tend_service_dup_host (service) : NULL;
  g_autofree char *start_reason = NULL, *stop_reason = NULL, *restart_reason = NULL;
  g_autofree char *reload_reason = NULL, *enable_reason = NULL, *disable_reason = NULL;
  g_autofree char *reset_reason = NULL;

  /* What the host's access level forbids stays insensitive and says why. */
  if (host != NULL)
    {
      tend_host_allows_action (host, TEND_UNIT_ACTION_START, &start_reason);
      tend_host_allows_action (host, TEND_UNIT_ACTION_STOP, &stop_reason);
      tend_host_allows_action (host, TEND_UNIT_ACTION_RESTART, &restart_reason);
      tend_host_allows_action (host, TEND_UNIT_ACTION_RELOAD, &reload_reason);
      tend_host_allows_action (host, TEND_UNIT_ACTION_ENABLE, &enable_reason);
      tend_host_allows_action (host, TEND_UNIT_ACTION_DISABLE, &disable_reason);
      tend_host_allows_action (host, TEND_UNIT_ACTION_RESET_FAILED, &reset_reason);
    }
  tend_widget_explain_insensitive (self->start_button, NULL, start_reason);
  tend_widget_explain_insensitive (self->stop_button, NULL, stop_reason);
  tend_widget_explain_insensitive (self->restart_button, NULL, restart_reason);
  /* The sentence of the most that is forbidden, under the buttons too */
  gtk_label_set_label (self->access_label, start_reason != NULL ? start_reason
                                           : stop_reason != NULL ? stop_reason
                                           : disable_reason != NULL ? disable_reason : "");
  gtk_widget_set_visible (GTK_WIDGET (self->access_label),
                          start_reason != NULL || stop_reason != NULL || disable_reason != NULL);

  gtk_widget_action_set_enabled (widget, "page.start",
                                 loaded && !running && start_reason == NULL);
  gtk_widget_action_set_enabled (widget, "page.stop",
                                 loaded && (running || g_strcmp0 (active, "deactivating") == 0) &&
                                 stop_reason == NULL);
  gtk_widget_action_set_enabled (widget, "page.restart", loaded && restart_reason == NULL);
  gtk_widget_action_set_enabled (widget, "page.reload",
                                 loaded && running && tend_service_get_can_reload (service) &&
                                 reload_reason == NULL);
  gtk_widget_action_set_enabled (widget, "page.enable",
                                 loaded && g_strcmp0 (file_state, "disabled") == 0 &&
                                 enable_reason == NULL);
  gtk_widget_action_set_enabled (widget, "page.disable",
                                 loaded && (g_strcmp0 (file_state, "enabled") == 0 ||
                                            g_strcmp0 (file_state, "enabled-runtime") == 0) &&
                                 disable_reason == NULL);
  gtk_widget_action_set_enabled (widget, "page.reset-failed",
                                 service != NULL && tend_service_is_failed (service) &&
                                 reset_reason == NULL);
  gtk_widget_action_set_enabled (widget, "page.watch", controls && !watched);
  gtk_widget_action_set_enabled (widget, "page.unwatch", controls && watched);
  gtk_widget_action_set_enabled (widget, "page.recover", controls && watched);
  gtk_widget_action_set_enabled (widget, "page.silence",
                                 controls && watched && !is_silenced (recovery));
  gtk_widget_action_set_enabled (widget, "page.resume", controls && can_resume (recovery));
}

/* ------------------------------------------------------------------------------------ */
/* Overview: details                                                                     */

static char *
format_count (guint64 value)
{
  if (value == TEND_UNSET)
    return g_strdup (_("Not reported"));
  return g_strdup_printf ("%" G_GUINT64_FORMAT, value);
}

static void
update_details (TendServicePage *self)
{
  TendService *service = self->service;
  g_autofree char *pid = NULL;
  g_autofree char *memory = NULL;
  g_autofree char *cpu = NULL;
  g_autofree char *tasks = NULL;
  g_autofree char *since = NULL;
  g_autofree char *restarts = NULL;
  g_autofree char *required_by = NULL;
  const char *source = "";
  const char *path;
  const char *file_state;
  const char *const *dependents;
  guint64 value;

  if (service == NULL)
    return;

  pid = tend_service_get_main_pid (service) > 0
        ? g_strdup_printf ("%u", tend_service_get_main_pid (service)) : g_strdup (_("None"));

  value = tend_service_get_memory (service);
  memory = value == TEND_UNSET ? g_strdup (_("Not reported")) : tend_size_format (value);
  switch (tend_service_get_memory_source (service))
    {
    case TEND_MEMORY_SOURCE_CGROUP:
      source = _("The unit’s control group, as systemd counts it");
      break;
    case TEND_MEMORY_SOURCE_PROCESS_RSS:
      source = _("The resident memory of its processes: systemd reports none");
      break;
    case TEND_MEMORY_SOURCE_NONE:
    default:
      source = _("Neither systemd nor its processes report a figure");
      break;
    }

  value = tend_service_get_cpu_usage_nsec (service);
  cpu = value == TEND_UNSET ? g_strdup (_("Not reported"))
                            : tend_duration_format ((gint64) (value / 1000));
  tasks = format_count (tend_service_get_tasks (service));

  if (tend_service_get_active_since (service) > 0 && tend_service_is_active (service))
    {
      g_autofree char *when = tend_format_local_time (tend_service_get_active_since (service));
      gint64 length = g_get_real_time () - tend_service_get_active_since (service);
      g_autofree char *duration = tend_duration_format (MAX (length, 0) / TEND_USEC_PER_SEC *
                                                        TEND_USEC_PER_SEC);

      /* TRANSLATORS: since when a unit is active, and for how long: "14:02:10 (3h 5min)" */
      since = g_strdup_printf (_("%s (%s)"), when, duration);
    }
  else
    since = g_strdup (_("Not active"));
  restarts = g_strdup_printf ("%u", tend_service_get_n_restarts (service));

  path = tend_service_get_fragment_path (service);
  file_state = tend_service_get_unit_file_state (service);
  dependents = tend_service_get_required_by (service);
  if (dependents != NULL && dependents[0] != NULL)
    required_by = g_strjoinv (", ", (char **) dependents);

  gtk_label_set_label (self->pid_label, pid);
  gtk_label_set_label (self->memory_label, memory);
  adw_action_row_set_subtitle (self->memory_row, source);
  gtk_label_set_label (self->cpu_label, cpu);
  gtk_label_set_label (self->tasks_label, tasks);
  gtk_label_set_label (self->since_label, since);
  gtk_label_set_label (self->restarts_label, restarts);
  adw_action_row_set_subtitle (self->fragment_row,
                               path != NULL && *path != '\0' ? path : _("None: a transient unit"));
  gtk_label_set_label (self->unit_file_state_label,
                       file_state != NULL && *file_state != '\0' ? file_state : _("Unknown"));
  gtk_widget_set_visible (GTK_WIDGET (self->required_by_row), required_by != NULL);
  adw_action_row_set_subtitle (self->required_by_row, required_by != NULL ? required_by : "");
}

/* ------------------------------------------------------------------------------------ */
/* What the store holds: the Health and History views                                    */

static void
show_in_store (TendServicePage *self,
               gint64           service_id,
               const char      *explanation)
{
  self->service_id = service_id;
  tend_service_health_set_service (self->health, self->store, self->service, service_id,
                                   explanation);
  tend_service_history_set_service (self->history, self->store, service_id, explanation);
}

static void
lookup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  TendServicePage *self;
  gint64 id;

  id = tend_store_lookup_service_finish (TEND_STORE (object), result, &error);
  if (tend_error_is_cancelled (error))
    return;
  self = TEND_SERVICE_PAGE (user_data);
  self->in_store = TRUE;
  if (g_error_matches (error, TEND_ERROR, TEND_ERROR_NOT_FOUND))
    show_in_store (self, -1, _("Tend does not watch this service: watch it to check its "
                               "health, recover it and keep its history."));
  else if (error != NULL)
    show_in_store (self, -1, error->message);
  else
    show_in_store (self, id, NULL);
}

/* Finds the service in the store, then asks for the rest */
static void
reload_store (TendServicePage *self)
{
  g_autoptr(TendHost) host = NULL;

  self->in_store = FALSE;
  if (self->service == NULL || self->store == NULL)
    {
      show_in_store (self, -1, _("Tend keeps no history here."));
      return;
    }
  host = tend_service_dup_host (self->service);
  if (host == NULL)
    {
      show_in_store (self, -1, _("The service is on no host Tend knows."));
      return;
    }
  tend_store_lookup_service_async (self->store, tend_host_get_id (host),
                                   tend_service_get_name (self->service), self->cancellable,
                                   lookup_cb, self);
}

static gboolean
refresh_cb (gpointer user_data)
{
  TendServicePage *self = user_data;

  self->refresh_id = 0;
  /* Watched or unwatched since: the store's answer changes. */
  if (!self->in_store || (self->service_id < 0) == tend_service_get_watched (self->service))
    reload_store (self);
  else
    {
      tend_service_health_refresh (self->health);
      tend_service_history_refresh (self->history);
    }
  return G_SOURCE_REMOVE;
}

static void
schedule_refresh (TendServicePage *self)
{
  if (self->refresh_id == 0 && self->in_store)
    self->refresh_id = g_timeout_add_seconds (1, refresh_cb, self);
}

/* ------------------------------------------------------------------------------------ */
/* The service                                                                           */

static void
service_notify_cb (TendService     *service,
                   GParamSpec      *pspec,
                   TendServicePage *self)
{
  const char *name = g_param_spec_get_name (pspec);

  update_header (self);
  update_actions (self);
  update_details (self);
  if (g_str_equal (name, "recovery") || g_str_equal (name, "health") ||
      g_str_equal (name, "watched"))
    {
      update_recovery (self);
      schedule_refresh (self);
    }
}

static void
load_service_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(TendService) service = NULL;
  g_autoptr(GError) error = NULL;

  /* The host's own object is the page's, updated: its notifications did the rest. */
  service = tend_host_load_service_finish (TEND_HOST (object), result, &error);
  if (service == NULL && !tend_error_is_cancelled (error))
    g_debug ("Could not read the unit's details: %s", error->message);
}

static void
update_all (TendServicePage *self)
{
  update_header (self);
  update_recovery (self);
  update_actions (self);
  update_details (self);
}

/* ------------------------------------------------------------------------------------ */
/* Actions                                                                               */

static void
run_unit_action (TendServicePage *self,
                 TendUnitAction   action)
{
  g_autoptr(GPtrArray) services = g_ptr_array_new ();

  if (self->service == NULL)
    return;
  g_ptr_array_add (services, self->service);
  tend_action_runner_run (GTK_WIDGET (self), action, services);
}

static void
unit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  TendUnitAction action;

  if (tend_unit_action_from_string (action_name + strlen ("page."), &action))
    run_unit_action (TEND_SERVICE_PAGE (widget), action);
  else
    g_assert_not_reached ();
}

typedef struct
{
  TendServicePage *page;       /* (owned) */
  char *done;                  /* (owned) the toast */
  char *failed;                /* (owned) the error's heading */
} ControlCall;

static void
control_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  ControlCall *call = user_data;
  g_autoptr(GError) error = NULL;
  GtkWidget *window = gtk_widget_get_ancestor (GTK_WIDGET (call->page), TEND_TYPE_WINDOW);

  if (!tend_service_control_finish (result, &error))
    {
      if (window != NULL)
        tend_window_show_error (TEND_WINDOW (window), call->failed, error);
      else
        g_warning ("%s: %s", call->failed, error->message);
    }
  else
    {
      if (window != NULL)
        tend_window_add_toast (TEND_WINDOW (window), adw_toast_new (call->done));
      schedule_refresh (call->page);
    }
  g_object_unref (call->page);
  g_free (call->done);
  g_free (call->failed);
  g_free (call);
}

static void
control_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  TendServicePage *self = TEND_SERVICE_PAGE (widget);
  g_autoptr(TendHost) host = NULL;
  const char *unit;
  ControlCall *call;

  if (self->service == NULL || self->store == NULL)
    return;
  host = tend_service_dup_host (self->service);
  unit = tend_service_get_name (self->service);
  call = g_new0 (ControlCall, 1);
  call->page = g_object_ref (self);

  if (g_str_equal (action_name, "page.watch"))
    {
      call->done = g_strdup_printf (_("Watching %s"), unit);
      call->failed = g_strdup_printf (_("Could not watch %s"), unit);
      tend_service_control_watch_async (self->store, host, unit, NULL, control_cb, call);
    }
  else if (g_str_equal (action_name, "page.unwatch"))
    {
      call->done = g_strdup_printf (_("Stopped watching %s"), unit);
      call->failed = g_strdup_printf (_("Could not stop watching %s"), unit);
      tend_service_control_unwatch_async (self->store, host, unit, NULL, control_cb, call);
    }
  else if (g_str_equal (action_name, "page.silence"))
    {
      call->done = g_strdup_printf (_("Silenced %s for an hour"), unit);
      call->failed = g_strdup_printf (_("Could not silence %s"), unit);
      tend_service_control_silence_async (self->store, host, unit, SILENCE_USEC, NULL, NULL,
                                          control_cb, call);
    }
  else if (g_str_equal (action_name, "page.resume"))
    {
      call->done = g_strdup_printf (_("Tend recovers %s again"), unit);
      call->failed = g_strdup_printf (_("Could not resume %s"), unit);
      tend_service_control_resume_async (self->store, host, unit, NULL, control_cb, call);
    }
  else
    {
      call->done = g_strdup_printf (_("Recovering %s"), unit);
      call->failed = g_strdup_printf (_("Could not recover %s"), unit);
      tend_service_control_recover_async (self->store, host, unit, TEND_AUDIT_ORIGIN_GUI, NULL,
                                          control_cb, call);
    }
}

/* ------------------------------------------------------------------------------------ */
/* GObject                                                                               */

static void
tend_service_page_map (GtkWidget *widget)
{
  TendServicePage *self = TEND_SERVICE_PAGE (widget);

  GTK_WIDGET_CLASS (tend_service_page_parent_class)->map (widget);
  update_recovery (self);
}

static void
tend_service_page_unmap (GtkWidget *widget)
{
  TendServicePage *self = TEND_SERVICE_PAGE (widget);

  g_clear_handle_id (&self->countdown_id, g_source_remove);
  GTK_WIDGET_CLASS (tend_service_page_parent_class)->unmap (widget);
}

static void
drop_service (TendServicePage *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (self->service != NULL)
    g_signal_handlers_disconnect_by_data (self->service, self);
  g_clear_object (&self->service);
  if (self->host != NULL)
    g_signal_handlers_disconnect_by_data (self->host, self);
  g_clear_object (&self->host);
}

static void
tend_service_page_dispose (GObject *object)
{
  TendServicePage *self = TEND_SERVICE_PAGE (object);

  drop_service (self);
  g_clear_handle_id (&self->countdown_id, g_source_remove);
  g_clear_object (&self->store);
  gtk_widget_dispose_template (GTK_WIDGET (object), TEND_TYPE_SERVICE_PAGE);
  G_OBJECT_CLASS (tend_service_page_parent_class)->dispose (object);
}

static void
tend_service_page_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  TendServicePage *self = TEND_SERVICE_PAGE (object);

  switch (prop_id)
    {
    case PROP_SERVICE: g_value_set_object (value, self->service); break;
    case PROP_STORE: g_value_set_object (value, self->store); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_service_page_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  TendServicePage *self = TEND_SERVICE_PAGE (object);

  switch (prop_id)
    {
    case PROP_SERVICE: tend_service_page_set_service (self, g_value_get_object (value)); break;
    case PROP_STORE: tend_service_page_set_store (self, g_value_get_object (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_service_page_class_init (TendServicePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  static const char *unit_actions[] = {
    "page.start", "page.stop", "page.restart", "page.reload", "page.enable", "page.disable",
    "page.reset-failed",
  };
  static const char *control_actions[] = {
    "page.watch", "page.unwatch", "page.recover", "page.silence", "page.resume",
  };

  object_class->dispose = tend_service_page_dispose;
  object_class->get_property = tend_service_page_get_property;
  object_class->set_property = tend_service_page_set_property;
  widget_class->map = tend_service_page_map;
  widget_class->unmap = tend_service_page_unmap;

  properties[PROP_SERVICE] =
    g_param_spec_object ("service", NULL, "The service shown", TEND_TYPE_SERVICE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, "Where its health and history are", TEND_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  for (guint i = 0; i < G_N_ELEMENTS (unit_actions); i++)
    gtk_widget_class_install_action (widget_class, unit_actions[i], NULL, unit_action);
  for (guint i = 0; i < G_N_ELEMENTS (control_actions); i++)
    gtk_widget_class_install_action (widget_class, control_actions[i], NULL, control_action);
  g_type_ensure (TEND_TYPE_SERVICE_HEALTH);
  g_type_ensure (TEND_TYPE_SERVICE_HISTORY);
  g_type_ensure (TEND_TYPE_JOURNAL_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tendapp/Tend/ui/tend-service-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
#define CHILD(name) gtk_widget_class_bind_template_child (widget_class, TendServicePage, name)
  CHILD (box);
  CHILD (health_icon);
  CHILD (name_label);
  CHILD (description_label);
  CHILD (status_label);
  CHILD (recovery_box);
  CHILD (recovery_icon);
  CHILD (recovery_label);
  CHILD (resume_button);
  CHILD (start_button);
  CHILD (stop_button);
  CHILD (restart_button);
  CHILD (access_label);
  CHILD (pid_label);
  CHILD (memory_row);
  CHILD (memory_label);
  CHILD (cpu_label);
  CHILD (tasks_label);
  CHILD (since_label);
  CHILD (restarts_label);
  CHILD (fragment_row);
  CHILD (unit_file_state_label);
  CHILD (required_by_row);
  CHILD (health);
  CHILD (history);
  CHILD (journal_view);
#undef CHILD
}

static void
tend_service_page_init (TendServicePage *self)
{
  self->service_id = -1;
  gtk_widget_init_template (GTK_WIDGET (self));
  update_all (self);
}

GtkWidget *
tend_service_page_new (void)
{
  return g_object_new (TEND_TYPE_SERVICE_PAGE, NULL);
}

TendService *
tend_service_page_get_service (TendServicePage *self)
{
  g_return_val_if_fail (TEND_IS_SERVICE_PAGE (self), NULL);
  return self->service;
}

void
tend_service_page_set_service (TendServicePage *self,
                               TendService     *service)
{
  g_autoptr(TendHost) host = NULL;

  g_return_if_fail (TEND_IS_SERVICE_PAGE (self));
  g_return_if_fail (service == NULL || TEND_IS_SERVICE (service));

  if (self->service == service)
    return;
  drop_service (self);
  if (service != NULL)
    {
      self->service = g_object_ref (service);
      self->cancellable = g_cancellable_new ();
      g_signal_connect (service, "notify", G_CALLBACK (service_notify_cb), self);
      host = tend_service_dup_host (service);
      /* A host's access level may change (tendctl host set … --access) */
      if (host != NULL)
        {
          self->host = g_object_ref (host);
          g_signal_connect_swapped (host, "notify::access", G_CALLBACK (update_actions), self);
        }
      if (host != NULL && !tend_service_get_details_loaded (service))
        tend_host_load_service_async (host, tend_service_get_name (service), self->cancellable,
                                      load_service_cb, self);
    }
  tend_journal_view_set_service (self->journal_view, service);
  update_all (self);
  reload_store (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVICE]);
}

TendStore *
tend_service_page_get_store (TendServicePage *self)
{
  g_return_val_if_fail (TEND_IS_SERVICE_PAGE (self), NULL);
  return self->store;
}

void
tend_service_page_set_store (TendServicePage *self,
                             TendStore       *store)
{
  g_return_if_fail (TEND_IS_SERVICE_PAGE (self));
  g_return_if_fail (store == NULL || TEND_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;
  if (self->service != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
      self->cancellable = g_cancellable_new ();
    }
  update_actions (self);
  reload_store (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}
