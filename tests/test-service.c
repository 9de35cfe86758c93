/* test-service.c — TendService and TendUnitList, without a service manager
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "tend.h"

typedef struct
{
  GPtrArray *names;
} NotifyLog;

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           NotifyLog  *log)
{
  g_ptr_array_add (log->names, g_strdup (pspec->name));
}

static gboolean
log_has (NotifyLog  *log,
         const char *name)
{
  for (guint i = 0; i < log->names->len; i++)
    if (g_str_equal (log->names->pdata[i], name))
      return TRUE;
  return FALSE;
}

static GVariant *
parse_dict (const char *text)
{
  g_autoptr(GError) error = NULL;
  GVariant *dict = g_variant_parse (G_VARIANT_TYPE_VARDICT, text, NULL, NULL, &error);

  g_assert_no_error (error);
  return dict;  /* g_variant_parse() returns a full reference */
}

static void
test_apply_properties (void)
{
  g_autoptr(TendService) service = tend_service_new ("web.service");
  g_autoptr(GVariant) props = NULL;
  NotifyLog log = { g_ptr_array_new_with_free_func (g_free) };
  const char * const *requires;

  props = parse_dict ("{'Description': <'Web'>, 'LoadState': <'loaded'>,"
                      " 'ActiveState': <'active'>, 'SubState': <'running'>,"
                      " 'MainPID': <uint32 42>, 'NRestarts': <uint32 3>,"
                      " 'MemoryCurrent': <uint64 1048576>, 'TasksCurrent': <uint64 4>,"
                      " 'ActiveEnterTimestamp': <uint64 1700000000000000>,"
                      " 'Requires': <['a.service', 'b.socket']>, 'RequiredBy': <@as []>,"
                      " 'WantedBy': <['default.target', 'multi-user.target']>,"
                      " 'BoundBy': <['web-proxy.service']>,"
                      " 'Unknown': <'ignored'>, 'ActiveStateTypo': <42>}");
  g_signal_connect (service, "notify", G_CALLBACK (on_notify), &log);
  tend_service_apply_properties (service, props);

  g_assert_cmpstr (tend_service_get_description (service), ==, "Web");
  g_assert_cmpstr (tend_service_get_active_state (service), ==, "active");
  g_assert_true (tend_service_is_active (service));
  g_assert_false (tend_service_is_failed (service));
  g_assert_cmpuint (tend_service_get_main_pid (service), ==, 42);
  g_assert_cmpuint (tend_service_get_n_restarts (service), ==, 3);
  g_assert_cmpuint (tend_service_get_memory (service), ==, 1048576);
  g_assert_cmpint (tend_service_get_memory_source (service), ==, TEND_MEMORY_SOURCE_CGROUP);
  g_assert_cmpuint (tend_service_get_tasks (service), ==, 4);
  g_assert_cmpint (tend_service_get_active_since (service), ==, 1700000000000000);
  g_assert_true (tend_service_get_details_loaded (service));
  requires = tend_service_get_requires (service);
  g_assert_cmpuint (g_strv_length ((char **) requires), ==, 2);
  g_assert_cmpstr (requires[1], ==, "b.socket");
  g_assert_true (log_has (&log, "active-state"));
  g_assert_true (log_has (&log, "main-pid"));
  g_assert_cmpstrv (tend_service_get_wanted_by (service),
                    ((const char *[]) { "default.target", "multi-user.target", NULL }));
  g_assert_cmpstrv (tend_service_get_bound_by (service),
                    ((const char *[]) { "web-proxy.service", NULL }));
  g_assert_true (log_has (&log, "wanted-by"));
  g_assert_true (log_has (&log, "bound-by"));
  g_assert_null (tend_service_get_required_by (service));

  /* The same values again: nothing notifies. */
  g_ptr_array_set_size (log.names, 0);
  tend_service_apply_properties (service, props);
  g_assert_cmpuint (log.names->len, ==, 0);

  /* A value of the wrong type is not trusted. */
  g_clear_pointer (&props, g_variant_unref);
  props = parse_dict ("{'MainPID': <'not a number'>, 'ActiveState': <uint32 1>}");
  tend_service_apply_properties (service, props);
  g_assert_cmpuint (tend_service_get_main_pid (service), ==, 42);
  g_assert_cmpstr (tend_service_get_active_state (service), ==, "active");
  g_assert_cmpuint (log.names->len, ==, 0);

  g_signal_handlers_disconnect_by_data (service, &log);
  g_ptr_array_unref (log.names);
}

static void
test_memory_source (void)
{
  g_autoptr(TendService) service = tend_service_new ("web.service");
  g_autoptr(GVariant) unset = NULL;
  g_autoptr(GVariant) rss = NULL;

  g_assert_cmpint (tend_service_get_memory_source (service), ==, TEND_MEMORY_SOURCE_NONE);
  g_assert_cmpuint (tend_service_get_memory (service), ==, TEND_UNSET);

  /* systemd has no figure (cgroup v1): the backend's resident size stands in. */
  rss = parse_dict ("{'MemoryCurrent': <uint64 18446744073709551615>,"
                    " 'X-Tend-MemoryRSS': <uint64 2097152>}");
  tend_service_apply_properties (service, rss);
  g_assert_cmpuint (tend_service_get_memory (service), ==, 2097152);
  g_assert_cmpint (tend_service_get_memory_source (service), ==, TEND_MEMORY_SOURCE_PROCESS_RSS);
  g_assert_cmpstr (tend_memory_source_to_string (TEND_MEMORY_SOURCE_PROCESS_RSS), ==,
                   "process-rss");

  /* Neither: unknown, and said so. */
  unset = parse_dict ("{'MemoryCurrent': <uint64 18446744073709551615>}");
  tend_service_apply_properties (service, unset);
  g_assert_cmpuint (tend_service_get_memory (service), ==, TEND_UNSET);
  g_assert_cmpint (tend_service_get_memory_source (service), ==, TEND_MEMORY_SOURCE_NONE);
}

static void
test_unit_info (void)
{
  g_autoptr(TendService) service = tend_service_new ("web.service");
  TendUnitInfo info = {
    .name = "web.service", .description = "Web", .load_state = "loaded",
    .active_state = "activating", .sub_state = "start-pre", .job_type = "start",
  };
  TendUnitInfo partial = { .name = "web.service", .active_state = "active", .job_type = "" };

  tend_service_apply_unit_info (service, &info);
  g_assert_cmpstr (tend_service_get_sub_state (service), ==, "start-pre");
  g_assert_cmpstr (tend_service_get_job_type (service), ==, "start");
  g_assert_false (tend_service_get_details_loaded (service));

  /* NULL fields leave their property alone; an empty job type means no job. */
  tend_service_apply_unit_info (service, &partial);
  g_assert_cmpstr (tend_service_get_active_state (service), ==, "active");
  g_assert_cmpstr (tend_service_get_description (service), ==, "Web");
  g_assert_null (tend_service_get_job_type (service));
}

static void
test_unit_list (void)
{
  g_autoptr(TendUnitList) list = tend_unit_list_new (2);
  g_autoptr(GVariant) storage = g_variant_ref_sink (g_variant_new_string ("b.service"));
  char *copied = g_strdup ("a.service");
  TendUnitInfo a = { .name = copied, .active_state = "active" };
  TendUnitInfo b = { .name = g_variant_get_string (storage, NULL), .active_state = "failed" };

  /* Copied strings outlive their source; borrowed ones live in held storage. */
  tend_unit_list_add (list, &a);
  g_free (copied);
  tend_unit_list_hold (list, g_variant_ref (storage), (GDestroyNotify) g_variant_unref);
  tend_unit_list_add_borrowed (list, &b);

  g_assert_cmpuint (tend_unit_list_get_length (list), ==, 2);
  g_assert_cmpstr (tend_unit_list_get (list, 0)->name, ==, "a.service");
  g_assert_cmpstr (tend_unit_list_lookup (list, "b.service")->active_state, ==, "failed");
  g_assert_null (tend_unit_list_lookup (list, "c.service"));
  g_assert_null (tend_unit_list_get (list, 0)->description);
}

/* Needs attention: a failed unit, or the monitor's word degraded or critical. */
static void
test_needs_attention (void)
{
  g_autoptr(TendService) service = tend_service_new ("web.service");
  g_autoptr(GVariant) failed = parse_dict ("{'ActiveState': <'failed'>}");
  g_autoptr(GVariant) active = parse_dict ("{'ActiveState': <'active'>}");

  g_assert_false (tend_service_needs_attention (service));
  tend_service_apply_properties (service, failed);
  g_assert_true (tend_service_needs_attention (service));
  g_assert_false (tend_service_is_unhealthy (service));
  tend_service_apply_properties (service, active);
  g_assert_false (tend_service_needs_attention (service));

  tend_service_set_watch_info (service, TRUE, TEND_HEALTH_DEGRADED, "slow", NULL);
  g_assert_true (tend_service_is_unhealthy (service));
  g_assert_true (tend_service_needs_attention (service));
  tend_service_set_watch_info (service, TRUE, TEND_HEALTH_CRITICAL, "refused", NULL);
  g_assert_true (tend_service_needs_attention (service));
  tend_service_set_watch_info (service, TRUE, TEND_HEALTH_UNKNOWN, NULL, NULL);
  g_assert_false (tend_service_needs_attention (service));
}

/* A mirror of a model built from its items-changed alone: what a view sees. */
static void
mirror_items_changed (GListModel *model,
                      guint       position,
                      guint       removed,
                      guint       added,
                      GPtrArray  *mirror)
{
  g_ptr_array_remove_range (mirror, position, removed);
  for (guint i = 0; i < added; i++)
    {
      g_autoptr(TendService) service = g_list_model_get_item (model, position + i);

      g_ptr_array_insert (mirror, (int) (position + i), service);
    }
}

/* TendServiceSet: each change one items-changed at the right place; names in order. */
static void
test_service_set (void)
{
  g_autoptr(TendServiceSet) set = tend_service_set_new ();
  g_autoptr(GPtrArray) services = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) mirror = g_ptr_array_new ();
  GListModel *model = G_LIST_MODEL (set);
  guint n = 2000;

  g_signal_connect (set, "items-changed", G_CALLBACK (mirror_items_changed), mirror);
  /* Added in a shuffled order. */
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("unit-%04u.service", (i * 7919) % n);

      g_ptr_array_add (services, tend_service_new (name));
    }
  for (guint i = 0; i < n; i++)
    g_assert_true (tend_service_set_add (set, services->pdata[i]));
  g_assert_false (tend_service_set_add (set, services->pdata[0]));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, n);
  g_assert_true (g_list_model_get_item_type (model) == TEND_TYPE_SERVICE);

  /* Half leave at once, as when a thousand units recover. */
  for (guint i = 0; i < n; i += 2)
    g_assert_true (tend_service_set_remove (set, services->pdata[i]));
  g_assert_false (tend_service_set_remove (set, services->pdata[0]));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, n / 2);
  g_assert_cmpuint (mirror->len, ==, n / 2);

  for (guint i = 0; i < mirror->len; i++)
    {
      g_autoptr(TendService) item = g_list_model_get_item (model, i);

      g_assert_true (item == mirror->pdata[i]);
      g_assert_true (tend_service_set_contains (set, item));
      if (i > 0)
        g_assert_cmpstr (tend_service_get_name (mirror->pdata[i - 1]), <,
                         tend_service_get_name (item));
    }
  g_assert_null (g_list_model_get_item (model, n));
  g_signal_handlers_disconnect_by_data (set, mirror);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/service/apply-properties", test_apply_properties);
  g_test_add_func ("/service/memory-source", test_memory_source);
  g_test_add_func ("/service/unit-info", test_unit_info);
  g_test_add_func ("/unit-list/add-and-lookup", test_unit_list);
  g_test_add_func ("/service/needs-attention", test_needs_attention);
  g_test_add_func ("/service-set/add-remove", test_service_set);

  return g_test_run ();
}
