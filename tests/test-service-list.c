/* test-service-list.c — TendServiceList over real TendService objects, under Xvfb
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Search, the filters (and a service moving into one when systemd says it failed),
 * sorting by every column, the bulk actions, the empty states and the narrow layout.
 * With TEND_SCREENSHOT_DIR set it writes service-list{,-narrow,-dark}.png there.
 */
#define TEST_DEADLINE_MSEC 10000

#include <adwaita.h>

#include "tend-service-list.h"
#include "tend-service-list-private.h"
#include "tend-uptime-cell.h"
#include "test-util.h"

#define MIB (G_GUINT64_CONSTANT (1024) * 1024)

typedef struct
{
  const char *name;
  const char *description;
  const char *active_state;
  const char *sub_state;
  guint64 memory;           /* TEND_UNSET: unknown */
  guint64 cpu_nsec;
  gint64 since_min_ago;     /* 0: not active */
  guint restarts;
  gboolean watched;
  TendHealthStatus health;
} Row;

/* Each column orders these differently (see test_sort). */
static const Row rows[] = {
  { "web.service", "Web server", "active", "running", 40 * MIB, 9000000000, 300, 2,
    TRUE, TEND_HEALTH_HEALTHY },
  { "db.service", "Database", "active", "running", 300 * MIB, 70000000000, 3000, 0,
    TRUE, TEND_HEALTH_DEGRADED },
  { "cache.service", "Redis cache", "failed", "failed", TEND_UNSET, 120000000, 0, 5,
    TRUE, TEND_HEALTH_CRITICAL },
  { "backup.timer", "Nightly backup", "active", "waiting", TEND_UNSET, 0, 60, 0,
    FALSE, TEND_HEALTH_UNKNOWN },
  { "api.socket", "API socket", "active", "listening", 1 * MIB, 5000000, 10, 1,
    FALSE, TEND_HEALTH_UNKNOWN },
  { "worker.service", "Queue worker", "inactive", "dead", TEND_UNSET, 1000000, 0, 3,
    TRUE, TEND_HEALTH_UNKNOWN },
};

typedef struct
{
  GListStore *store;
  GtkWindow *window;
  TendServiceList *list;
  guint runs;
  TendUnitAction last_action;
  GPtrArray *last_services;
} Fixture;

static Fixture *current;

static TendService *
make_service (const Row *row)
{
  TendService *service = tend_service_new (row->name);
  g_autoptr(GVariant) props = NULL;
  gint64 since = 0;
  GVariantDict dict;

  if (row->since_min_ago > 0)
    since = g_get_real_time () - row->since_min_ago * TEND_USEC_PER_MIN;

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "Description", "s", row->description);
  g_variant_dict_insert (&dict, "LoadState", "s", "loaded");
  g_variant_dict_insert (&dict, "ActiveState", "s", row->active_state);
  g_variant_dict_insert (&dict, "SubState", "s", row->sub_state);
  g_variant_dict_insert (&dict, "MemoryCurrent", "t", row->memory);
  g_variant_dict_insert (&dict, "CPUUsageNSec", "t", row->cpu_nsec);
  g_variant_dict_insert (&dict, "ActiveEnterTimestamp", "t", (guint64) since);
  g_variant_dict_insert (&dict, "NRestarts", "u", row->restarts);
  props = g_variant_ref_sink (g_variant_dict_end (&dict));
  tend_service_apply_properties (service, props);
  tend_service_set_watch_info (service, row->watched, row->health, NULL, NULL);
  return service;
}

static void
record_run (GtkWidget      *source,
            TendUnitAction  action,
            GPtrArray      *services)
{
  current->runs++;
  current->last_action = action;
  g_clear_pointer (&current->last_services, g_ptr_array_unref);
  current->last_services = g_ptr_array_ref (services);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->store = g_list_store_new (TEND_TYPE_SERVICE);
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autoptr(TendService) service = make_service (&rows[i]);
      g_list_store_append (fixture->store, service);
    }

  fixture->list = TEND_SERVICE_LIST (tend_service_list_new ());
  tend_service_list_set_model (fixture->list, G_LIST_MODEL (fixture->store));
  _tend_service_list_set_runner (fixture->list, record_run);

  fixture->window = GTK_WINDOW (adw_window_new ());
  gtk_window_set_default_size (fixture->window, 1100, 500);
  adw_window_set_content (ADW_WINDOW (fixture->window), GTK_WIDGET (fixture->list));
  gtk_window_present (fixture->window);
  current = fixture;
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (fixture->window);
  g_clear_object (&fixture->store);
  g_clear_pointer (&fixture->last_services, g_ptr_array_unref);
  current = NULL;
}

static guint
n_shown (Fixture *fixture)
{
  return g_list_model_get_n_items (G_LIST_MODEL (tend_service_list_get_selection (fixture->list)));
}

static const char *
name_at (Fixture *fixture,
         guint    position)
{
  g_autoptr(TendService) service =
    g_list_model_get_item (G_LIST_MODEL (tend_service_list_get_selection (fixture->list)),
                           position);

  return service != NULL ? tend_service_get_name (service) : NULL;
}

typedef struct
{
  Fixture *fixture;
  guint count;
} CountWait;

static gboolean
count_is (gpointer data)
{
  CountWait *wait = data;
  return n_shown (wait->fixture) == wait->count;
}

static void
assert_shown_soon (Fixture *fixture,
                   guint    count)
{
  CountWait wait = { fixture, count };

  if (!wait_until (count_is, &wait))
    g_error ("the list shows %u services, not %u", n_shown (fixture), count);
}

static void
test_search (Fixture       *fixture,
             gconstpointer  data)
{
  GtkSearchEntry *entry = _tend_service_list_get_search_entry (fixture->list);

  g_assert_cmpuint (n_shown (fixture), ==, G_N_ELEMENTS (rows));
  g_assert_cmpstr (_tend_service_list_get_page (fixture->list), ==, "list");

  /* By name */
  gtk_editable_set_text (GTK_EDITABLE (entry), "WEB");
  assert_shown_soon (fixture, 1);
  g_assert_cmpstr (name_at (fixture, 0), ==, "web.service");

  /* By description: "cache" is in cache.service's name; "Redis" only in its description */
  gtk_editable_set_text (GTK_EDITABLE (entry), "redis");
  assert_shown_soon (fixture, 1);
  g_assert_cmpstr (name_at (fixture, 0), ==, "cache.service");

  gtk_editable_set_text (GTK_EDITABLE (entry), "nothing-like-this");
  assert_shown_soon (fixture, 0);
  g_assert_cmpstr (_tend_service_list_get_page (fixture->list), ==, "no-match");

  /* The status page's button */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->list), "list.clear-filters",
                                             NULL));
  g_assert_cmpuint (n_shown (fixture), ==, G_N_ELEMENTS (rows));
  g_assert_cmpstr (_tend_service_list_get_page (fixture->list), ==, "list");
}

static void
test_filters (Fixture       *fixture,
              gconstpointer  data)
{
  g_object_set (fixture->list, "show-failed", TRUE, NULL);
  g_assert_cmpuint (n_shown (fixture), ==, 1);
  g_assert_cmpstr (name_at (fixture, 0), ==, "cache.service");
  g_object_set (fixture->list, "show-failed", FALSE, NULL);

  /* Through the action, as the filter menu does */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->list), "list.show-unhealthy",
                                             NULL));
  g_assert_cmpuint (n_shown (fixture), ==, 2);  /* db degraded, cache critical */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->list), "list.show-unhealthy",
                                             NULL));
  g_assert_cmpuint (n_shown (fixture), ==, G_N_ELEMENTS (rows));

  g_object_set (fixture->list, "show-watched", TRUE, NULL);
  g_assert_cmpuint (n_shown (fixture), ==, 4);
  g_object_set (fixture->list, "show-watched", FALSE, NULL);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->list), "list.unit-type", "s",
                                             "timer"));
  g_assert_cmpuint (n_shown (fixture), ==, 1);
  g_assert_cmpstr (name_at (fixture, 0), ==, "backup.timer");
  g_object_set (fixture->list, "unit-type", "service", NULL);
  g_assert_cmpuint (n_shown (fixture), ==, 4);
  g_object_set (fixture->list, "unit-type", "other", NULL);
  g_assert_cmpuint (n_shown (fixture), ==, 0);
  g_assert_cmpstr (_tend_service_list_get_page (fixture->list), ==, "no-match");
  g_object_set (fixture->list, "unit-type", "", NULL);
  g_assert_cmpuint (n_shown (fixture), ==, G_N_ELEMENTS (rows));
}

/* systemd says web.service failed: it joins the failed filter without anyone asking;
 * it leaves it when it is active again; so does health for "unhealthy". */
static void
test_live_change (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(TendService) web = g_list_model_get_item (G_LIST_MODEL (fixture->store), 0);
  g_autoptr(GVariant) failed = NULL;
  g_autoptr(GVariant) active = NULL;

  g_object_set (fixture->list, "show-failed", TRUE, NULL);
  g_assert_cmpuint (n_shown (fixture), ==, 1);

  failed = g_variant_ref_sink (g_variant_new_parsed ("{'ActiveState': <'failed'>,"
                                                     " 'SubState': <'failed'>}"));
  tend_service_apply_properties (web, failed);
  assert_shown_soon (fixture, 2);

  active = g_variant_ref_sink (g_variant_new_parsed ("{'ActiveState': <'active'>,"
                                                     " 'SubState': <'running'>}"));
  tend_service_apply_properties (web, active);
  assert_shown_soon (fixture, 1);

  g_object_set (fixture->list, "show-failed", FALSE, "show-unhealthy", TRUE, NULL);
  g_assert_cmpuint (n_shown (fixture), ==, 2);
  tend_service_set_watch_info (web, TRUE, TEND_HEALTH_CRITICAL, "down", NULL);
  assert_shown_soon (fixture, 3);

  /* A service added to the model is followed too */
  {
    g_autoptr(TendService) extra = tend_service_new ("extra.service");
    g_list_store_append (fixture->store, extra);
    g_assert_cmpuint (n_shown (fixture), ==, 3);
    tend_service_set_watch_info (extra, TRUE, TEND_HEALTH_DEGRADED, NULL, NULL);
    assert_shown_soon (fixture, 4);
    g_list_store_remove (fixture->store, G_N_ELEMENTS (rows));
    assert_shown_soon (fixture, 3);
  }
}

typedef struct
{
  TendServiceColumn column;
  const char *ascending[G_N_ELEMENTS (rows)];
} SortCase;

static void
assert_order (Fixture     *fixture,
              const char **names,
              gboolean     reversed,
              const char  *what)
{
  guint n = G_N_ELEMENTS (rows);

  g_assert_cmpuint (n_shown (fixture), ==, n);
  for (guint i = 0; i < n; i++)
    {
      const char *expected = names[reversed ? n - 1 - i : i];

      if (g_strcmp0 (name_at (fixture, i), expected) != 0)
        g_error ("sorted by %s%s, row %u is %s, not %s", what,
                 reversed ? " (descending)" : "", i, name_at (fixture, i), expected);
    }
}

static gboolean
api_is_last (gpointer data)
{
  return g_strcmp0 (name_at (data, G_N_ELEMENTS (rows) - 1), "api.socket") == 0;
}

static void
test_sort (Fixture       *fixture,
           gconstpointer  data)
{
  static const SortCase cases[] = {
    /* Worst first, then unknown, healthy, not watched (ties keep the model's order) */
    { TEND_SERVICE_COLUMN_HEALTH,
      { "cache.service", "db.service", "worker.service", "web.service", "backup.timer",
        "api.socket" } },
    { TEND_SERVICE_COLUMN_NAME,
      { "api.socket", "backup.timer", "cache.service", "db.service", "web.service",
        "worker.service" } },
    { TEND_SERVICE_COLUMN_DESCRIPTION,
      { "api.socket", "db.service", "backup.timer", "worker.service", "cache.service",
        "web.service" } },
    /* "active (listening)" < "active (running)" ×2 < "active (waiting)" < "failed" … */
    { TEND_SERVICE_COLUMN_STATE,
      { "api.socket", "web.service", "db.service", "backup.timer", "cache.service",
        "worker.service" } },
    /* Unknown counts as the least */
    { TEND_SERVICE_COLUMN_MEMORY,
      { "cache.service", "backup.timer", "worker.service", "api.socket", "web.service",
        "db.service" } },
    { TEND_SERVICE_COLUMN_CPU,
      { "backup.timer", "worker.service", "api.socket", "cache.service", "web.service",
        "db.service" } },
    /* Not active first, then the shortest */
    { TEND_SERVICE_COLUMN_UPTIME,
      { "cache.service", "worker.service", "api.socket", "backup.timer", "web.service",
        "db.service" } },
    { TEND_SERVICE_COLUMN_RESTARTS,
      { "db.service", "backup.timer", "api.socket", "web.service", "worker.service",
        "cache.service" } },
  };
  static const char *names[] = {
    "health", "name", "description", "state", "memory", "cpu", "uptime", "restarts",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      tend_service_list_sort_by (fixture->list, cases[i].column, GTK_SORT_ASCENDING);
      assert_order (fixture, (const char **) cases[i].ascending, FALSE, names[i]);
    }

  /* Descending by name is the reverse (no ties there). */
  tend_service_list_sort_by (fixture->list, TEND_SERVICE_COLUMN_NAME, GTK_SORT_DESCENDING);
  assert_order (fixture, (const char **) cases[1].ascending, TRUE, "name");

  /* A live change re-sorts: by restarts, api.socket restarting 10 times goes last. */
  tend_service_list_sort_by (fixture->list, TEND_SERVICE_COLUMN_RESTARTS, GTK_SORT_ASCENDING);
  {
    g_autoptr(TendService) api = g_list_model_get_item (G_LIST_MODEL (fixture->store), 4);
    g_autoptr(GVariant) props =
      g_variant_ref_sink (g_variant_new_parsed ("{'NRestarts': <uint32 10>}"));

    g_assert_cmpstr (name_at (fixture, 2), ==, "api.socket");
    tend_service_apply_properties (api, props);
    g_assert_true (wait_until (api_is_last, fixture));
    g_assert_cmpstr (name_at (fixture, 5), ==, "api.socket");
  }
}

static void
test_bulk_restart (Fixture       *fixture,
                   gconstpointer  data)
{
  GtkSelectionModel *selection = tend_service_list_get_selection (fixture->list);
  g_autoptr(GPtrArray) selected = NULL;

  tend_service_list_sort_by (fixture->list, TEND_SERVICE_COLUMN_NAME, GTK_SORT_ASCENDING);

  /* Nothing selected: nothing to run */
  gtk_selection_model_unselect_all (selection);
  gtk_widget_activate_action (GTK_WIDGET (fixture->list), "list.restart-selected", NULL);
  g_assert_cmpuint (fixture->runs, ==, 0);

  gtk_selection_model_select_item (selection, 2, TRUE);   /* cache.service */
  gtk_selection_model_select_item (selection, 4, FALSE);  /* web.service */
  selected = tend_service_list_dup_selected (fixture->list);
  g_assert_cmpuint (selected->len, ==, 2);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->list),
                                             "list.restart-selected", NULL));
  g_assert_cmpuint (fixture->runs, ==, 1);
  g_assert_cmpint (fixture->last_action, ==, TEND_UNIT_ACTION_RESTART);
  g_assert_cmpuint (fixture->last_services->len, ==, 2);
  g_assert_cmpstr (tend_service_get_name (fixture->last_services->pdata[0]), ==,
                   "cache.service");
  g_assert_cmpstr (tend_service_get_name (fixture->last_services->pdata[1]), ==,
                   "web.service");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->list),
                                             "list.stop-selected", NULL));
  g_assert_cmpint (fixture->last_action, ==, TEND_UNIT_ACTION_STOP);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->list),
                                             "list.start-selected", NULL));
  g_assert_cmpint (fixture->last_action, ==, TEND_UNIT_ACTION_START);
  g_assert_cmpuint (fixture->runs, ==, 3);
}

static void
on_service_activated (TendServiceList *list,
                      TendService     *service,
                      TendService    **out)
{
  g_set_object (out, service);
}

static void
test_activate (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(TendService) activated = NULL;

  tend_service_list_sort_by (fixture->list, TEND_SERVICE_COLUMN_NAME, GTK_SORT_ASCENDING);
  g_signal_connect (fixture->list, "service-activated", G_CALLBACK (on_service_activated),
                    &activated);
  g_signal_emit_by_name (_tend_service_list_get_column_view (fixture->list), "activate", 3);
  g_assert_nonnull (activated);
  g_assert_cmpstr (tend_service_get_name (activated), ==, "db.service");
}

static void
test_empty (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GListStore) empty = g_list_store_new (TEND_TYPE_SERVICE);

  tend_service_list_set_model (fixture->list, G_LIST_MODEL (empty));
  g_assert_cmpstr (_tend_service_list_get_page (fixture->list), ==, "empty");
  tend_service_list_set_model (fixture->list, NULL);
  g_assert_cmpstr (_tend_service_list_get_page (fixture->list), ==, "empty");
  tend_service_list_set_model (fixture->list, G_LIST_MODEL (fixture->store));
  g_assert_cmpstr (_tend_service_list_get_page (fixture->list), ==, "list");
  g_assert_true (tend_service_list_get_model (fixture->list) == G_LIST_MODEL (fixture->store));
}

static void
test_uptime_text (void)
{
  static const struct { gint64 since_ago; const char *text; } cases[] = {
    { 30 * TEND_USEC_PER_SEC, "<1min" },
    { 5 * TEND_USEC_PER_MIN + 30 * TEND_USEC_PER_SEC, "5min" },
    { 3 * TEND_USEC_PER_HOUR + 20 * TEND_USEC_PER_MIN + 59 * TEND_USEC_PER_SEC, "3h 20min" },
    { 2 * TEND_USEC_PER_DAY + 4 * TEND_USEC_PER_HOUR + 7 * TEND_USEC_PER_MIN, "2d 4h" },
  };
  gint64 now = g_get_real_time ();
  g_autofree char *inactive = tend_uptime_cell_format (0, now);

  g_assert_cmpstr (inactive, ==, "—");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = tend_uptime_cell_format (now - cases[i].since_ago, now);
      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

/* Screenshots */

static void
on_after_paint (GdkFrameClock *clock,
                gboolean      *painted)
{
  *painted = TRUE;
}

static void
wait_for_frames (GtkWindow *window,
                 guint      n)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));

  g_assert_nonnull (clock);
  for (guint i = 0; i < n; i++)
    {
      gboolean painted = FALSE;
      gulong id = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint),
                                    &painted);

      gtk_widget_queue_draw (GTK_WIDGET (window));
      g_assert_true (wait_until (flag_is_set, &painted));
      g_signal_handler_disconnect (clock, id);
    }
}

static void
save_screenshot (GtkWindow  *window,
                 const char *name)
{
  const char *dir = g_getenv ("TEND_SCREENSHOT_DIR");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  GskRenderer *renderer;
  int width, height;

  if (dir == NULL)
    return;

  /* Past the revealers' animations (the action bar's is 250 ms): 30 frames. */
  wait_for_frames (window, 30);
  width = gtk_widget_get_width (GTK_WIDGET (window));
  height = gtk_widget_get_height (GTK_WIDGET (window));
  paintable = gtk_widget_paintable_new (GTK_WIDGET (window));
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  path = g_build_filename (dir, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

static gboolean
api_is_fourth_or_fifth (gpointer data)
{
  /* Healthy ties with web.service; the sort keeps the model's order among ties. */
  return g_strcmp0 (name_at (data, 3), "api.socket") == 0
         || g_strcmp0 (name_at (data, 4), "api.socket") == 0;
}

/* A new list, nothing asked: the worst first, and at a medium width the columns a
 * person reads most. */
static void
test_defaults (Fixture       *fixture,
               gconstpointer  data)
{
  static const char *worst_first[] = {
    "cache.service", "db.service", "worker.service", "web.service", "backup.timer",
    "api.socket",
  };
  GtkColumnView *view = _tend_service_list_get_column_view (fixture->list);
  g_autoptr(GListModel) columns = g_object_ref (gtk_column_view_get_columns (view));

  assert_order (fixture, worst_first, FALSE, "default");

  /* The monitor's word arrives after the list was sorted, as in the window: api.socket
   * turns watched and healthy and moves up, past the services Tend does not watch. */
  {
    g_autoptr(TendService) api = g_list_model_get_item (G_LIST_MODEL (fixture->store), 4);

    g_assert_cmpstr (name_at (fixture, 5), ==, "api.socket");
    tend_service_set_watch_info (api, TRUE, TEND_HEALTH_HEALTHY, NULL, NULL);
    g_assert_true (wait_until (api_is_fourth_or_fifth, fixture));
  }

  gtk_window_set_default_size (fixture->window, 800, 500);
  wait_for_frames (fixture->window, 3);
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      const char *title = gtk_column_view_column_get_title (column);
      /* Health, Name, State, Memory, Uptime; not Host (one host's list), Description,
       * CPU Time, Restarts */
      static const char *shown_titles[] = { "Health", "Name", "State", "Memory", "Uptime", NULL };
      gboolean shown = g_strv_contains (shown_titles, title);

      g_assert_cmpint (gtk_column_view_column_get_visible (column), ==, shown);
      g_test_message ("800 px, column %s: %s", title, shown ? "shown" : "hidden");
    }
}

/* What a person sees: the texts of the row at the top of the view, found by picking the
 * widget just below the column headers (not the model's order: the view may scroll). */
static GtkWidget *
inner_list_view (GtkColumnView *view)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (view)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      return child;
  g_error ("no list view in the column view");
}

static void
collect_texts (GtkWidget *widget,
               GString   *texts)
{
  if (GTK_IS_INSCRIPTION (widget) && gtk_inscription_get_text (GTK_INSCRIPTION (widget)))
    g_string_append_printf (texts, "%s|", gtk_inscription_get_text (GTK_INSCRIPTION (widget)));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_texts (child, texts);
}

static char *
top_row_texts (Fixture *fixture)
{
  GtkColumnView *view = _tend_service_list_get_column_view (fixture->list);
  GtkWidget *list_rows = inner_list_view (view);
  graphene_point_t top;
  GtkWidget *picked;
  GString *texts = g_string_new ("|");

  g_assert_true (gtk_widget_compute_point (list_rows, GTK_WIDGET (view),
                                           &GRAPHENE_POINT_INIT (8, 8), &top));
  picked = gtk_widget_pick (GTK_WIDGET (view), top.x, top.y, GTK_PICK_DEFAULT);
  while (picked != NULL && gtk_widget_get_parent (picked) != list_rows)
    picked = gtk_widget_get_parent (picked);
  if (picked != NULL)
    collect_texts (picked, texts);
  return g_string_free (texts, FALSE);
}

static void
assert_top_row_shows (Fixture    *fixture,
                      const char *name)
{
  g_autofree char *needle = g_strdup_printf ("|%s|", name);
  g_autofree char *texts = NULL;

  wait_for_frames (fixture->window, 3);
  texts = top_row_texts (fixture);
  if (strstr (texts, needle) == NULL)
    g_error ("the model has %s first, but the row on top of the view shows %s",
             name_at (fixture, 0), texts);
}

typedef struct
{
  Fixture *fixture;
  guint position;
  const char *name;
} NameWait;

static gboolean
name_is (gpointer data)
{
  NameWait *wait = data;
  return g_strcmp0 (name_at (wait->fixture, wait->position), wait->name) == 0;
}

/* As in the window: the list is on screen, empty, when the host's units arrive in one
 * splice, more than fit; then the monitor's word makes three of them watched and healthy,
 * in a batch, and later one critical. GTK 4.8's list view keeps the row that was on top
 * ("unit-00") in view when the sort moves it down, scrolling down with it: the rows that
 * moved up were above the view, and the list looked unsorted. */
static void
test_resort_shows_top (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GListStore) store = g_list_store_new (TEND_TYPE_SERVICE);
  g_autoptr(GPtrArray) services = g_ptr_array_new_with_free_func (g_object_unref);
  NameWait wait = { fixture, 0, NULL };

  tend_service_list_set_model (fixture->list, G_LIST_MODEL (store));
  wait_for_frames (fixture->window, 2);
  for (guint i = 0; i < 60; i++)
    {
      g_autofree char *name = g_strdup_printf ("unit-%02u.service", i);
      g_ptr_array_add (services, tend_service_new (name));
    }
  g_list_store_splice (store, 0, 0, services->pdata, services->len);
  assert_top_row_shows (fixture, "unit-00.service");

  for (guint i = 57; i < 60; i++)
    g_object_freeze_notify (services->pdata[i]);
  for (guint i = 57; i < 60; i++)
    tend_service_set_watch_info (services->pdata[i], TRUE, TEND_HEALTH_HEALTHY, "ok", NULL);
  for (guint i = 57; i < 60; i++)
    g_object_thaw_notify (services->pdata[i]);
  wait.name = "unit-57.service";
  g_assert_true (wait_until (name_is, &wait));
  assert_top_row_shows (fixture, "unit-57.service");

  tend_service_set_watch_info (services->pdata[59], TRUE, TEND_HEALTH_CRITICAL, "down", NULL);
  wait.name = "unit-59.service";
  g_assert_true (wait_until (name_is, &wait));
  assert_top_row_shows (fixture, "unit-59.service");

  /* Scrolled down, the view stays where the person put it. */
  {
    GtkScrollable *view = GTK_SCROLLABLE (_tend_service_list_get_column_view (fixture->list));
    GtkAdjustment *vadjustment = gtk_scrollable_get_vadjustment (view);

    gtk_adjustment_set_value (vadjustment, 300);
    wait_for_frames (fixture->window, 3);
    tend_service_set_watch_info (services->pdata[30], TRUE, TEND_HEALTH_DEGRADED, NULL, NULL);
    wait.position = 1;
    wait.name = "unit-30.service";
    g_assert_true (wait_until (name_is, &wait));
    wait_for_frames (fixture->window, 3);
    g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment), >, 100);
  }
}

static gboolean
is_narrow (gpointer data)
{
  return _tend_service_list_get_narrow (data);
}

static void
test_layout (Fixture       *fixture,
             gconstpointer  data)
{
  GtkSelectionModel *selection = tend_service_list_get_selection (fixture->list);
  GtkColumnView *view = _tend_service_list_get_column_view (fixture->list);
  g_autoptr(GListModel) columns = NULL;
  AdwStyleManager *style = adw_style_manager_get_default ();

  tend_service_list_sort_by (fixture->list, TEND_SERVICE_COLUMN_HEALTH, GTK_SORT_ASCENDING);
  gtk_selection_model_select_item (selection, 0, TRUE);
  gtk_selection_model_select_item (selection, 1, FALSE);
  wait_for_frames (fixture->window, 2);
  g_assert_false (_tend_service_list_get_narrow (fixture->list));
  save_screenshot (fixture->window, "service-list.png");

  /* 360 px: Health, Name and State only */
  gtk_window_set_default_size (fixture->window, 360, 640);
  g_assert_true (wait_until (is_narrow, fixture->list));
  wait_for_frames (fixture->window, 2);
  columns = g_object_ref (gtk_column_view_get_columns (view));
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      const char *title = gtk_column_view_column_get_title (column);
      static const char *primary_titles[] = { "Health", "Name", "State", NULL };
      gboolean primary = g_strv_contains (primary_titles, title);

      g_assert_cmpint (gtk_column_view_column_get_visible (column), ==, primary);
      g_test_message ("column %s: %s", title, primary ? "shown" : "hidden");
    }
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (fixture->window)), <=, 400);
  save_screenshot (fixture->window, "service-list-narrow.png");

  gtk_window_set_default_size (fixture->window, 1100, 500);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  g_assert_true (wait_until ((gboolean (*) (gpointer)) gtk_widget_get_mapped, fixture->list));
  tend_service_list_focus_search (fixture->list);
  gtk_editable_set_text (GTK_EDITABLE (_tend_service_list_get_search_entry (fixture->list)),
                         "service");
  assert_shown_soon (fixture, 4);
  save_screenshot (fixture->window, "service-list-dark.png");

  g_object_set (fixture->list, "show-failed", TRUE, NULL);
  gtk_editable_set_text (GTK_EDITABLE (_tend_service_list_get_search_entry (fixture->list)),
                         "web");
  assert_shown_soon (fixture, 0);
  save_screenshot (fixture->window, "service-list-no-match-dark.png");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      g_print ("1..0 # SKIP no display (run under xvfb-run)\n");
      return 77;
    }
  adw_init ();

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/service-list/defaults", test_defaults);
  ADD ("/service-list/resort-shows-top", test_resort_shows_top);
  ADD ("/service-list/search", test_search);
  ADD ("/service-list/filters", test_filters);
  ADD ("/service-list/live-change", test_live_change);
  ADD ("/service-list/sort", test_sort);
  ADD ("/service-list/bulk-restart", test_bulk_restart);
  ADD ("/service-list/activate", test_activate);
  ADD ("/service-list/empty", test_empty);
  ADD ("/service-list/layout", test_layout);
#undef ADD
  g_test_add_func ("/service-list/uptime-text", test_uptime_text);

  return g_test_run ();
}
