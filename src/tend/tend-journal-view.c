/* tend-journal-view.c — see tend-journal-view.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The view reads the last N_LINES entries of its service's unit through the service's
 * host (tend_host_open_journal(): journalctl underneath, locally), at the priority
 * chosen, and with Follow on keeps reading as the unit writes. It reads only while it is
 * mapped: a page that is not shown runs no journalctl, and one is never left behind —
 * changing the service, the priority or Follow, unmapping and disposing all cancel the
 * read, which ends the process at once.
 *
 * Lines go into a GListStore of TendJournalLine, in batches (one splice per turn of the
 * main loop), under a filter model for the search and a multi-selection for Copy. While
 * following, the view keeps to the newest line unless the person has scrolled up.
 */
#define G_LOG_DOMAIN "Tend"

#include "config.h"

#include <glib/gi18n.h>

#include "tend-journal-line.h"
#include "tend-journal-view.h"
#include "tend-application.h"
#include "tend-window.h"

/* How many of the latest entries are read, and how many are kept while following */
#define N_LINES 200
#define MAX_LINES 5000

/* How close to the end (in pixels) counts as being at the end */
#define AT_END_SLACK 8.0

/* The priority menu's choices, in its order */
static const int priority_choices[] = { -1, 5, 4, 3 };

struct _TendJournalView
{
  GtkWidget          parent_instance;

  /* template */
  GtkWidget         *main_box;
  GtkDropDown       *priority_dropdown;
  GtkStack          *stack;
  GtkScrolledWindow *scrolled_window;
  GtkColumnView     *column_view;
  GtkMultiSelection *selection;
  GtkFilterListModel *filter_model;
  GListStore        *store;
  AdwStatusPage     *empty_page;

  TendService       *service;       /* (owned) (nullable) */
  gboolean           follow;
  int                max_priority;
  char              *search_text;   /* (owned) */

  TendJournalReader *reader;        /* (owned) (nullable): the read in progress */
  GCancellable      *cancellable;   /* (owned) (nullable): cancels @reader */
  GPtrArray         *pending;       /* (owned) of TendJournalLine, not yet in @store */
  guint              flush_id;
  GError            *error;         /* (owned) (nullable): why the last read failed */
  gboolean           finished;      /* the last read came to its end */
  gboolean           scroll_to_end; /* keep to the newest line when the list grows */
  double             last_value;    /* where the list was scrolled to */
  guint              scroll_tick_id;
};

G_DEFINE_FINAL_TYPE (TendJournalView, tend_journal_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SERVICE,
  PROP_FOLLOW,
  PROP_MAX_PRIORITY,
  PROP_SEARCH_TEXT,
  PROP_READING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void start_reading (TendJournalView *self);

/* ------------------------------------------------------------------------------------ */
/* What is shown                                                                         */

static void
update_page (TendJournalView *self)
{
  guint n_shown = g_list_model_get_n_items (G_LIST_MODEL (self->filter_model));
  guint n_lines = g_list_model_get_n_items (G_LIST_MODEL (self->store));

  if (self->error != NULL)
    {
      adw_status_page_set_icon_name (self->empty_page, "dialog-error-symbolic");
      adw_status_page_set_title (self->empty_page, _("Cannot Read the Journal"));
      adw_status_page_set_description (self->empty_page, self->error->message);
    }
  else if (self->service == NULL)
    {
      adw_status_page_set_icon_name (self->empty_page, "utilities-terminal-symbolic");
      adw_status_page_set_title (self->empty_page, _("No Service"));
      adw_status_page_set_description (self->empty_page, NULL);
    }
  else if (n_lines > 0)
    {
      adw_status_page_set_icon_name (self->empty_page, "edit-find-symbolic");
      adw_status_page_set_title (self->empty_page, _("No Matching Lines"));
      adw_status_page_set_description (self->empty_page,
                                       _("No line shown contains what you searched for."));
    }
  else
    {
      adw_status_page_set_icon_name (self->empty_page, "utilities-terminal-symbolic");
      adw_status_page_set_title (self->empty_page, _("No Journal Lines"));
      if (self->max_priority >= 0)
        adw_status_page_set_description (self->empty_page,
                                         _("The service has written nothing of this priority."));
      else if (self->follow && !self->finished)
        adw_status_page_set_description (self->empty_page,
                                         _("New lines appear here as the service writes them."));
      else
        adw_status_page_set_description (self->empty_page,
                                         _("The service has written nothing to the journal."));
    }

  gtk_stack_set_visible_child_name (self->stack,
                                    n_shown > 0 && self->error == NULL ? "lines" : "empty");
}

static gboolean
is_at_end (TendJournalView *self)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->scrolled_window);

  return gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment) >=
         gtk_adjustment_get_upper (adjustment) - AT_END_SLACK;
}

static gboolean
scroll_to_end_tick (GtkWidget     *widget,
                    GdkFrameClock *frame_clock,
                    gpointer       user_data)
{
  TendJournalView *self = TEND_JOURNAL_VIEW (widget);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->scrolled_window);

  self->scroll_tick_id = 0;
  if (self->scroll_to_end)
    gtk_adjustment_set_value (adjustment,
                              gtk_adjustment_get_upper (adjustment) -
                              gtk_adjustment_get_page_size (adjustment));
  return G_SOURCE_REMOVE;
}

/* Scrolls to the end at the start of the next frame, before its layout: the list view
 * takes a new position from its adjustment only then, not while it is being laid out
 * (when the adjustment tells that the list grew). */
static void
scroll_to_end (TendJournalView *self)
{
  if (self->scroll_tick_id == 0)
    self->scroll_tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), scroll_to_end_tick,
                                                         NULL, NULL);
}

/* The list grew (or was laid out again): keep to its end if we were there */
static void
on_adjustment_changed (GtkAdjustment   *adjustment,
                       TendJournalView *self)
{
  if (self->scroll_to_end)
    scroll_to_end (self);
}

/* The person scrolled: back to the end, keep to it; up, stay where they are. (The list
 * growing below, or keeping its rows in place, never moves it up.) */
static void
on_adjustment_value_changed (GtkAdjustment   *adjustment,
                             TendJournalView *self)
{
  double value = gtk_adjustment_get_value (adjustment);

  if (is_at_end (self))
    self->scroll_to_end = TRUE;
  else if (value < self->last_value)
    self->scroll_to_end = FALSE;
  self->last_value = value;
}

/* ------------------------------------------------------------------------------------ */
/* Reading                                                                               */

static gboolean
flush_pending (gpointer user_data)
{
  TendJournalView *self = user_data;
  guint n_lines;

  self->flush_id = 0;
  if (self->pending->len == 0)
    return G_SOURCE_REMOVE;

  /* append the batch at the end, then drop what is too old */
  n_lines = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  g_list_store_splice (self->store, n_lines, 0, self->pending->pdata, self->pending->len);
  g_ptr_array_set_size (self->pending, 0);

  n_lines = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  if (n_lines > MAX_LINES)
    g_list_store_splice (self->store, 0, n_lines - MAX_LINES, NULL, 0);

  update_page (self);
  if (self->scroll_to_end)
    scroll_to_end (self);

  return G_SOURCE_REMOVE;
}

static void
on_entry (TendJournalReader *reader,
          TendJournalEntry  *entry,
          TendJournalView   *self)
{
  g_ptr_array_add (self->pending, tend_journal_line_new (entry));
  if (self->flush_id == 0)
    self->flush_id = g_idle_add_full (G_PRIORITY_DEFAULT, flush_pending, self, NULL);
}

static void
set_reading (TendJournalView   *self,
             TendJournalReader *reader)
{
  gboolean was_reading = self->reader != NULL;

  if (self->reader != NULL)
    g_signal_handlers_disconnect_by_data (self->reader, self);
  g_set_object (&self->reader, reader);

  if (was_reading != (reader != NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READING]);
}

static void
on_finished (TendJournalReader *reader,
             const GError      *error,
             TendJournalView   *self)
{
  g_clear_handle_id (&self->flush_id, g_source_remove);
  flush_pending (self);

  self->finished = TRUE;
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_error (&self->error);
      self->error = g_error_copy (error);
    }
  g_clear_object (&self->cancellable);
  set_reading (self, NULL);
  update_page (self);
}

/* Cancels the read in progress, which ends its journalctl; the lines stay. */
static void
stop_reading (TendJournalView *self)
{
  g_clear_handle_id (&self->flush_id, g_source_remove);
  g_ptr_array_set_size (self->pending, 0);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  set_reading (self, NULL);
}

static void
start_reading (TendJournalView *self)
{
  g_autoptr(TendHost) host = NULL;
  g_autoptr(TendJournalReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  TendJournalQuery query = { N_LINES, self->max_priority, self->follow };

  stop_reading (self);
  g_list_store_remove_all (self->store);
  g_clear_error (&self->error);
  self->finished = FALSE;
  self->scroll_to_end = TRUE;

  if (self->service == NULL || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      update_page (self);
      return;
    }

  host = tend_service_dup_host (self->service);
  if (host == NULL)
    {
      self->error = g_error_new (TEND_ERROR, TEND_ERROR_FAILED,
                                 _("%s belongs to no host whose journal Tend can read."),
                                 tend_service_get_name (self->service));
      update_page (self);
      return;
    }

  self->cancellable = g_cancellable_new ();
  reader = tend_host_open_journal (host, tend_service_get_name (self->service), &query,
                                   self->cancellable, &error);
  if (reader == NULL)
    {
      g_clear_object (&self->cancellable);
      self->error = g_steal_pointer (&error);
      update_page (self);
      return;
    }

  g_debug ("Reading the journal of %s%s", tend_service_get_name (self->service),
           self->follow ? ", following" : "");
  set_reading (self, reader);
  g_signal_connect (reader, "entry", G_CALLBACK (on_entry), self);
  g_signal_connect (reader, "finished", G_CALLBACK (on_finished), self);
  tend_journal_reader_start (reader, self->cancellable);
  update_page (self);
}

/* ------------------------------------------------------------------------------------ */
/* Copy                                                                                  */

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  TendJournalView *self = TEND_JOURNAL_VIEW (widget);
  GListModel *shown = G_LIST_MODEL (self->filter_model);
  g_autoptr(GtkBitset) selected = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  guint n_shown = g_list_model_get_n_items (shown);
  guint n_copied = 0;
  GtkWidget *window;

  selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  for (guint i = 0; i < n_shown; i++)
    {
      g_autoptr(TendJournalLine) line = NULL;
      g_autofree char *line_text = NULL;

      if (!gtk_bitset_is_empty (selected) && !gtk_bitset_contains (selected, i))
        continue;
      line = g_list_model_get_item (shown, i);
      line_text = tend_journal_line_dup_text (line);
      g_string_append (text, line_text);
      g_string_append_c (text, '\n');
      n_copied++;
    }

  if (n_copied == 0)
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text->str);

  window = gtk_widget_get_ancestor (widget, TEND_TYPE_WINDOW);
  if (window != NULL)
    {
      g_autofree char *title = g_strdup_printf (ngettext ("Copied %u line",
                                                          "Copied %u lines", n_copied),
                                                n_copied);

      tend_window_add_toast (TEND_WINDOW (window), adw_toast_new (title));
    }
}

static void
update_copy_action (TendJournalView *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "journal.copy",
                                 g_list_model_get_n_items (G_LIST_MODEL (self->filter_model)) > 0);
}

static void
on_shown_changed (GListModel      *model,
                  guint            position,
                  guint            removed,
                  guint            added,
                  TendJournalView *self)
{
  update_copy_action (self);
  /* the search changed what is shown */
  if (self->flush_id == 0)
    update_page (self);
}

/* ------------------------------------------------------------------------------------ */
/* Priority menu                                                                         */

static void
on_priority_selected (GtkDropDown     *dropdown,
                      GParamSpec      *pspec,
                      TendJournalView *self)
{
  guint selected = gtk_drop_down_get_selected (dropdown);

  if (selected < G_N_ELEMENTS (priority_choices))
    tend_journal_view_set_max_priority (self, priority_choices[selected]);
}

static void
sync_priority_dropdown (TendJournalView *self)
{
  /* a priority the menu does not offer: the nearest choice that shows at least that */
  guint choice = self->max_priority >= 0 && self->max_priority <= 3
                 ? G_N_ELEMENTS (priority_choices) - 1 : 0;

  for (guint i = 0; i < G_N_ELEMENTS (priority_choices); i++)
    {
      if (priority_choices[i] == self->max_priority)
        choice = i;
    }

  g_signal_handlers_block_by_func (self->priority_dropdown, on_priority_selected, self);
  gtk_drop_down_set_selected (self->priority_dropdown, choice);
  g_signal_handlers_unblock_by_func (self->priority_dropdown, on_priority_selected, self);
}

/* ------------------------------------------------------------------------------------ */
/* GtkWidget                                                                             */

static void
tend_journal_view_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (tend_journal_view_parent_class)->map (widget);
  start_reading (TEND_JOURNAL_VIEW (widget));
}

static void
tend_journal_view_unmap (GtkWidget *widget)
{
  stop_reading (TEND_JOURNAL_VIEW (widget));
  GTK_WIDGET_CLASS (tend_journal_view_parent_class)->unmap (widget);
}

static void
tend_journal_view_dispose (GObject *object)
{
  TendJournalView *self = TEND_JOURNAL_VIEW (object);

  stop_reading (self);
  if (self->scroll_tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->scroll_tick_id);
  self->scroll_tick_id = 0;
  if (self->filter_model != NULL)
    g_signal_handlers_disconnect_by_data (self->filter_model, self);
  g_clear_object (&self->service);

  gtk_widget_dispose_template (GTK_WIDGET (object), TEND_TYPE_JOURNAL_VIEW);
  G_OBJECT_CLASS (tend_journal_view_parent_class)->dispose (object);
}

static void
tend_journal_view_finalize (GObject *object)
{
  TendJournalView *self = TEND_JOURNAL_VIEW (object);

  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_clear_pointer (&self->search_text, g_free);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (tend_journal_view_parent_class)->finalize (object);
}

static void
tend_journal_view_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  TendJournalView *self = TEND_JOURNAL_VIEW (object);

  switch (prop_id)
    {
    case PROP_SERVICE:
      g_value_set_object (value, self->service);
      break;

    case PROP_FOLLOW:
      g_value_set_boolean (value, self->follow);
      break;

    case PROP_MAX_PRIORITY:
      g_value_set_int (value, self->max_priority);
      break;

    case PROP_SEARCH_TEXT:
      g_value_set_string (value, self->search_text);
      break;

    case PROP_READING:
      g_value_set_boolean (value, self->reader != NULL);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_journal_view_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  TendJournalView *self = TEND_JOURNAL_VIEW (object);

  switch (prop_id)
    {
    case PROP_SERVICE:
      tend_journal_view_set_service (self, g_value_get_object (value));
      break;

    case PROP_FOLLOW:
      tend_journal_view_set_follow (self, g_value_get_boolean (value));
      break;

    case PROP_MAX_PRIORITY:
      tend_journal_view_set_max_priority (self, g_value_get_int (value));
      break;

    case PROP_SEARCH_TEXT:
      tend_journal_view_set_search_text (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_journal_view_class_init (TendJournalViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tend_journal_view_dispose;
  object_class->finalize = tend_journal_view_finalize;
  object_class->get_property = tend_journal_view_get_property;
  object_class->set_property = tend_journal_view_set_property;

  widget_class->map = tend_journal_view_map;
  widget_class->unmap = tend_journal_view_unmap;

  /** TendJournalView:service: the service whose unit's journal is shown */
  properties[PROP_SERVICE] =
    g_param_spec_object ("service", NULL, NULL,
                         TEND_TYPE_SERVICE,
                         (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));

  /** TendJournalView:follow: show new lines as the unit writes them (on by default) */
  properties[PROP_FOLLOW] =
    g_param_spec_boolean ("follow", NULL, NULL,
                          TRUE,
                          (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));

  /** TendJournalView:max-priority: show lines of this priority (0–7) or more severe;
   * -1 for all lines */
  properties[PROP_MAX_PRIORITY] =
    g_param_spec_int ("max-priority", NULL, NULL,
                      -1, 7, -1,
                      (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));

  /** TendJournalView:search-text: show only lines whose message holds this (any case) */
  properties[PROP_SEARCH_TEXT] =
    g_param_spec_string ("search-text", NULL, NULL,
                         "",
                         (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));

  /** TendJournalView:reading: whether a read of the journal (a journalctl) is running */
  properties[PROP_READING] =
    g_param_spec_boolean ("reading", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (TEND_TYPE_JOURNAL_LINE);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tendapp/Tend/ui/tend-journal-view.ui");
  gtk_widget_class_bind_template_child (widget_class, TendJournalView, main_box);
  gtk_widget_class_bind_template_child (widget_class, TendJournalView, priority_dropdown);
  gtk_widget_class_bind_template_child (widget_class, TendJournalView, stack);
  gtk_widget_class_bind_template_child (widget_class, TendJournalView, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, TendJournalView, column_view);
  gtk_widget_class_bind_template_child (widget_class, TendJournalView, selection);
  gtk_widget_class_bind_template_child (widget_class, TendJournalView, filter_model);
  gtk_widget_class_bind_template_child (widget_class, TendJournalView, store);
  gtk_widget_class_bind_template_child (widget_class, TendJournalView, empty_page);

  gtk_widget_class_install_property_action (widget_class, "journal.follow", "follow");
  gtk_widget_class_install_action (widget_class, "journal.copy", NULL, copy_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK,
                                       "journal.copy", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
tend_journal_view_init (TendJournalView *self)
{
  GtkAdjustment *adjustment;

  self->follow = TRUE;
  self->max_priority = -1;
  self->search_text = g_strdup ("");
  self->scroll_to_end = TRUE;
  self->pending = g_ptr_array_new_with_free_func (g_object_unref);

  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect (self->priority_dropdown, "notify::selected",
                    G_CALLBACK (on_priority_selected), self);
  g_signal_connect (self->filter_model, "items-changed", G_CALLBACK (on_shown_changed), self);
  adjustment = gtk_scrolled_window_get_vadjustment (self->scrolled_window);
  g_signal_connect_object (adjustment, "changed", G_CALLBACK (on_adjustment_changed), self, 0);
  g_signal_connect_object (adjustment, "value-changed",
                           G_CALLBACK (on_adjustment_value_changed), self, 0);

  update_copy_action (self);
  update_page (self);
}

GtkWidget *
tend_journal_view_new (void)
{
  return g_object_new (TEND_TYPE_JOURNAL_VIEW, NULL);
}

TendService *
tend_journal_view_get_service (TendJournalView *self)
{
  g_return_val_if_fail (TEND_IS_JOURNAL_VIEW (self), NULL);
  return self->service;
}

/**
 * tend_journal_view_set_service:
 * @self: a #TendJournalView
 * @service: (nullable): the service whose journal to show
 *
 * Shows the journal of @service: its last lines, and while following, new ones. The read
 * of the previous service ends at once.
 */
void
tend_journal_view_set_service (TendJournalView *self,
                               TendService     *service)
{
  g_return_if_fail (TEND_IS_JOURNAL_VIEW (self));
  g_return_if_fail (service == NULL || TEND_IS_SERVICE (service));

  if (!g_set_object (&self->service, service))
    return;

  start_reading (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVICE]);
}

gboolean
tend_journal_view_get_follow (TendJournalView *self)
{
  g_return_val_if_fail (TEND_IS_JOURNAL_VIEW (self), FALSE);
  return self->follow;
}

/**
 * tend_journal_view_set_follow:
 *
 * Turning Follow on reads the last lines again and goes on reading; turning it off ends
 * the read and keeps the lines shown.
 */
void
tend_journal_view_set_follow (TendJournalView *self,
                              gboolean         follow)
{
  g_return_if_fail (TEND_IS_JOURNAL_VIEW (self));

  follow = !!follow;
  if (self->follow == follow)
    return;

  self->follow = follow;
  if (follow)
    start_reading (self);
  else
    {
      stop_reading (self);
      update_page (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOLLOW]);
}

int
tend_journal_view_get_max_priority (TendJournalView *self)
{
  g_return_val_if_fail (TEND_IS_JOURNAL_VIEW (self), -1);
  return self->max_priority;
}

/**
 * tend_journal_view_set_max_priority:
 * @max_priority: 0 (emerg) to 7 (debug): show lines of this priority or more severe;
 *   -1 for all lines, those without a priority too
 *
 * Reads the journal again at that priority, so that the last lines of an "errors only"
 * view are the last errors, however much else the unit wrote since.
 */
void
tend_journal_view_set_max_priority (TendJournalView *self,
                                    int              max_priority)
{
  g_return_if_fail (TEND_IS_JOURNAL_VIEW (self));
  g_return_if_fail (max_priority >= -1 && max_priority <= 7);

  if (max_priority == 7)
    max_priority = -1;
  if (self->max_priority == max_priority)
    return;

  self->max_priority = max_priority;
  sync_priority_dropdown (self);
  start_reading (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_PRIORITY]);
}

const char *
tend_journal_view_get_search_text (TendJournalView *self)
{
  g_return_val_if_fail (TEND_IS_JOURNAL_VIEW (self), NULL);
  return self->search_text;
}

void
tend_journal_view_set_search_text (TendJournalView *self,
                                   const char      *search_text)
{
  g_return_if_fail (TEND_IS_JOURNAL_VIEW (self));

  if (search_text == NULL)
    search_text = "";
  if (g_strcmp0 (self->search_text, search_text) == 0)
    return;

  g_free (self->search_text);
  self->search_text = g_strdup (search_text);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCH_TEXT]);
}

/**
 * tend_journal_view_get_shown:
 *
 * Returns: (transfer none): the lines shown (#TendJournalLine), after the search
 */
GListModel *
tend_journal_view_get_shown (TendJournalView *self)
{
  g_return_val_if_fail (TEND_IS_JOURNAL_VIEW (self), NULL);
  return G_LIST_MODEL (self->filter_model);
}

/**
 * tend_journal_view_get_reading:
 *
 * Returns: whether a read of the journal is running (a journalctl, locally)
 */
gboolean
tend_journal_view_get_reading (TendJournalView *self)
{
  g_return_val_if_fail (TEND_IS_JOURNAL_VIEW (self), FALSE);
  return self->reader != NULL;
}
