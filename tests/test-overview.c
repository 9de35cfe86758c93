/* test-overview.c — the monitor's word on the window's services, against a real systemd
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A TendEngine runs in the test process on a store in a temporary directory, with a unit
 * check on tend-test-sleeper.service; a TendHost of the test's own (as the window has)
 * lists the sandbox manager's units, and a TendOverview brings the engine's word to them:
 * once following the engine's signals, once reading the store on its timer as it does
 * when another process runs the engine. The unit is killed from outside; its health,
 * the "needs attention" list and the host's counts must follow, and go back when it is
 * running again.
 */
#include <signal.h>

#include <glib/gstdio.h>

#include "tend.h"

#define TEST_DEADLINE_MSEC 30000
#include "test-util.h"

#define UNIT "tend-test-sleeper.service"

typedef struct
{
  char *dir;
  char *path;
  TendEngine *engine;          /* (nullable) */
  TendStore *store;            /* (nullable) a second store on the same file */
  TendHost *host;              /* the window's host */
  TendOverview *overview;
  guint n_updates;
} Fixture;

/* What was seen of the service while it went wrong and came back. */
typedef struct
{
  Fixture *fixture;
  TendService *service;
  gint64 failed_at;            /* monotonic µs its unit was first seen failed */
  gint64 critical_at;          /* monotonic µs its health was first seen critical */
  gboolean in_attention;       /* it was in the attention list */
  guint max_failed;            /* the host's n-failed, at most */
  guint max_unhealthy;         /* the host's n-unhealthy, at most */
  gboolean recovery_seen;      /* a recovery status other than idle came */
} Seen;

static void
updated_cb (TendOverview *overview,
            Fixture      *fixture)
{
  fixture->n_updates++;
}

static void
open_store (TendStore *store)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  tend_store_open_async (store, NULL, store_result, &result);
  g_assert_true (tend_store_open_finish (store, wait_for_result (&result), &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GAsyncResult) connected = NULL;
  g_autoptr(GAsyncResult) refreshed = NULL;
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("tend-overview-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "tend.db", NULL);

  fixture->host = tend_host_new_local (TEND_HOST_SCOPE_USER);
  tend_host_connect_async (fixture->host, NULL, store_result, &connected);
  g_assert_true (tend_host_connect_finish (fixture->host, wait_for_result (&connected), &error));
  g_assert_no_error (error);
  tend_host_refresh_async (fixture->host, TEND_LIST_LOADED, NULL, store_result, &refreshed);
  g_assert_true (tend_host_refresh_finish (fixture->host, wait_for_result (&refreshed), &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_clear_object (&fixture->overview);
  if (fixture->engine != NULL)
    {
      g_autoptr(GAsyncResult) stopped = NULL;

      tend_engine_stop_async (fixture->engine, NULL, store_result, &stopped);
      g_assert_true (tend_engine_stop_finish (fixture->engine, wait_for_result (&stopped),
                                              NULL));
      g_clear_object (&fixture->engine);
    }
  if (fixture->store != NULL)
    tend_store_close (fixture->store);
  g_clear_object (&fixture->store);
  g_free (wait_for_action (fixture->host, UNIT, TEND_UNIT_ACTION_STOP, NULL));
  g_free (wait_for_action (fixture->host, UNIT, TEND_UNIT_ACTION_RESET_FAILED, NULL));
  g_clear_object (&fixture->host);

  dir = g_dir_open (fixture->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
}

/* Starts an engine on the fixture's store, with nothing to watch yet. */
static void
start_engine (Fixture *fixture)
{
  g_autoptr(GAsyncResult) started = NULL;
  g_autoptr(GError) error = NULL;

  fixture->engine = tend_engine_new (fixture->path);
  tend_engine_start_async (fixture->engine, NULL, store_result, &started);
  g_assert_true (tend_engine_start_finish (fixture->engine, wait_for_result (&started), &error));
  g_assert_no_error (error);
}

/* Watches UNIT with a unit check that counts at once, and a policy of @policy_kind;
 * the engine reloads, as after `tendctl watch`. */
static void
watch_unit (Fixture    *fixture,
            const char *policy_kind)
{
  TendStore *store = tend_engine_get_store (fixture->engine);
  g_autofree char *json = g_strdup_printf (
    "{\"format\": \"tend-inventory\", \"version\": 1,"
    " \"hosts\": [{\"name\": \"local-user\", \"kind\": \"local\", \"access\": \"admin\"}],"
    " \"services\": [{\"host\": \"local-user\", \"unit\": \"" UNIT "\"}],"
    " \"checks\": [{\"host\": \"local-user\", \"unit\": \"" UNIT "\", \"name\": \"unit\","
    "   \"kind\": \"unit\", \"interval\": \"1s\", \"timeout\": \"500ms\","
    "   \"failures_before_hard\": 1, \"successes_before_recovered\": 1,"
    "   \"startup_grace\": \"0s\"}],"
    " \"policies\": [{\"host\": \"local-user\", \"unit\": \"" UNIT "\", \"kind\": \"%s\","
    "   \"cooldown\": \"0s\"}]}", policy_kind);
  g_autoptr(TendInventory) inventory = NULL;
  g_autoptr(TendInventoryDiff) diff = NULL;
  g_autoptr(GAsyncResult) replaced = NULL;
  g_autoptr(GAsyncResult) reloaded = NULL;
  g_autoptr(GError) error = NULL;

  inventory = tend_inventory_new_from_json (json, strlen (json), &error);
  g_assert_no_error (error);
  tend_store_replace_inventory_async (store, inventory, TEND_STORE_EDIT_NONE, NULL,
                                      store_result, &replaced);
  diff = tend_store_replace_inventory_finish (store, wait_for_result (&replaced), &error);
  g_assert_no_error (error);
  tend_engine_reload_async (fixture->engine, NULL, store_result, &reloaded);
  g_assert_true (tend_engine_reload_finish (fixture->engine, wait_for_result (&reloaded),
                                            &error));
  g_assert_no_error (error);
}

static TendOverview *
new_overview (Fixture    *fixture,
              TendStore  *store,
              TendEngine *engine)
{
  TendOverview *overview = tend_overview_new (store);

  g_signal_connect (overview, "updated", G_CALLBACK (updated_cb), fixture);
  tend_overview_set_engine (overview, engine);
  tend_overview_add_host (overview, fixture->host);
  return overview;
}

static gboolean
updated_once (gpointer data)
{
  return ((Fixture *) data)->n_updates >= 1;
}

static gboolean
updated_twice (gpointer data)
{
  return ((Fixture *) data)->n_updates >= 2;
}

/* ------------------------------------------------------------------------------------ */
/* Following the service                                                                 */

static void
seen_update (Seen *seen)
{
  TendService *service = seen->service;
  const TendRecoveryStatus *recovery = tend_service_get_recovery (service);
  GListModel *attention = tend_overview_get_attention (seen->fixture->overview);

  if (seen->failed_at == 0 && tend_service_is_failed (service))
    seen->failed_at = g_get_monotonic_time ();
  if (seen->critical_at == 0 && tend_service_get_health (service) == TEND_HEALTH_CRITICAL)
    seen->critical_at = g_get_monotonic_time ();
  if (tend_service_set_contains (TEND_SERVICE_SET (attention), service))
    seen->in_attention = TRUE;
  seen->max_failed = MAX (seen->max_failed, tend_host_get_n_failed (seen->fixture->host));
  seen->max_unhealthy = MAX (seen->max_unhealthy,
                             tend_host_get_n_unhealthy (seen->fixture->host));
  if (recovery != NULL && recovery->state != TEND_RECOVERY_STATE_IDLE)
    seen->recovery_seen = TRUE;
}

static void
seen_notify_cb (GObject    *object,
                GParamSpec *pspec,
                Seen       *seen)
{
  seen_update (seen);
}

static void
seen_items_cb (GListModel *model,
               guint       position,
               guint       removed,
               guint       added,
               Seen       *seen)
{
  seen_update (seen);
}

static void
follow (Seen       *seen,
        Fixture    *fixture,
        TendService *service)
{
  seen->fixture = fixture;
  seen->service = service;
  g_signal_connect (service, "notify", G_CALLBACK (seen_notify_cb), seen);
  g_signal_connect (fixture->host, "notify", G_CALLBACK (seen_notify_cb), seen);
  g_signal_connect (tend_overview_get_attention (fixture->overview), "items-changed",
                    G_CALLBACK (seen_items_cb), seen);
}

static void
unfollow (Seen *seen)
{
  g_signal_handlers_disconnect_by_data (seen->service, seen);
  g_signal_handlers_disconnect_by_data (seen->fixture->host, seen);
  g_signal_handlers_disconnect_by_data (tend_overview_get_attention (seen->fixture->overview),
                                        seen);
}

static gboolean
service_is_listed (gpointer data)
{
  return tend_host_lookup_service (((Fixture *) data)->host, UNIT) != NULL;
}

static gboolean
healthy_and_watched (gpointer data)
{
  TendService *service = data;

  return tend_service_get_watched (service) &&
         tend_service_get_health (service) == TEND_HEALTH_HEALTHY &&
         tend_service_is_active (service);
}

static gboolean
everything_seen (gpointer data)
{
  Seen *seen = data;

  return seen->failed_at != 0 && seen->critical_at != 0 && seen->in_attention &&
         seen->max_failed >= 1 && seen->max_unhealthy >= 1;
}

static gboolean
seen_recovery (gpointer data)
{
  return ((Seen *) data)->recovery_seen;
}

/* Back to running and healthy, out of the list, counted nowhere; nothing more to do
 * (a recovery is over when the supervisor says so, after its settle time). */
static gboolean
back_to_normal (gpointer data)
{
  Seen *seen = data;
  GListModel *attention = tend_overview_get_attention (seen->fixture->overview);
  const TendRecoveryStatus *recovery = tend_service_get_recovery (seen->service);

  return healthy_and_watched (seen->service) &&
         recovery != NULL && recovery->state == TEND_RECOVERY_STATE_IDLE &&
         !tend_service_set_contains (TEND_SERVICE_SET (attention), seen->service) &&
         tend_host_get_n_failed (seen->fixture->host) == 0 &&
         tend_host_get_n_unhealthy (seen->fixture->host) == 0;
}

/* Starts UNIT, watches it and waits until the host lists it, healthy and watched. */
static TendService *
start_watched_unit (Fixture    *fixture,
                    const char *policy_kind)
{
  TendService *service;

  run_action (fixture->host, UNIT, TEND_UNIT_ACTION_START);
  /* An inactive unit is not loaded: it joins the host's list now, and gets its word. */
  g_assert_true (wait_until (service_is_listed, fixture));
  watch_unit (fixture, policy_kind);
  service = g_object_ref (tend_host_lookup_service (fixture->host, UNIT));
  g_assert_true (wait_until (healthy_and_watched, service));
  g_assert_cmpuint (tend_overview_get_n_watched (fixture->overview), ==, 1);
  return service;
}

static void
kill_unit (Fixture     *fixture,
           TendService *service)
{
  /* The list has no PIDs: the details do, on the same object. */
  g_autoptr(TendService) loaded = load_service (fixture->host, UNIT);
  guint pid = tend_service_get_main_pid (service);

  g_assert_true (loaded == service);

  g_assert_cmpuint (pid, >, 0);
  g_assert_cmpint (kill ((pid_t) pid, SIGKILL), ==, 0);
}

/* ------------------------------------------------------------------------------------ */
/* Tests                                                                                 */

/* A fresh store, nothing watched: every service unwatched, unknown; nothing listed. */
static void
test_defaults (Fixture       *fixture,
               gconstpointer  data)
{
  GListModel *services = tend_host_get_services (fixture->host);
  guint n;

  fixture->store = tend_store_new (fixture->path);
  open_store (fixture->store);
  fixture->overview = new_overview (fixture, fixture->store, NULL);
  g_assert_null (tend_overview_get_engine (fixture->overview));
  g_assert_true (wait_until (updated_once, fixture));

  /* Without an engine, the store is read again when its file changes, not on a timer:
   * nothing is read while nothing is written (the overview's idle cost). A window of
   * two read intervals and a second: the timer that read every 2 s read twice in it. */
  spin (2 * TEND_OVERVIEW_POLL_INTERVAL_SEC * 1000 + 1000);
  g_assert_cmpuint (fixture->n_updates, ==, 1);
  /* Another writer (here: a second connection, as another process's engine) writes:
   * read again. */
  {
    g_autoptr(TendStore) other = tend_store_new (fixture->path);
    TendAuditRecord record = { .time_usec = g_get_real_time (),
                               .origin = TEND_AUDIT_ORIGIN_CLI, .operation = "test" };

    open_store (other);
    tend_store_add_audit (other, &record);
    g_assert_true (wait_until (updated_twice, fixture));
    tend_store_close (other);
  }

  n = g_list_model_get_n_items (services);
  g_assert_cmpuint (n, >, 0);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TendService) service = g_list_model_get_item (services, i);

      g_assert_false (tend_service_get_watched (service));
      g_assert_cmpint (tend_service_get_health (service), ==, TEND_HEALTH_UNKNOWN);
      g_assert_null (tend_service_get_health_message (service));
      g_assert_null (tend_service_get_recovery (service));
      g_assert_false (tend_service_is_failed (service));
    }
  g_assert_cmpuint (tend_overview_get_n_watched (fixture->overview), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (tend_overview_get_attention (fixture->overview)),
                    ==, 0);
  g_assert_cmpuint (tend_host_get_n_failed (fixture->host), ==, 0);
  g_assert_cmpuint (tend_host_get_n_unhealthy (fixture->host), ==, 0);
}

/* The engine in this process: its signals show at once. */
static void
test_engine (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(TendService) service = NULL;
  Seen seen = { 0 };

  start_engine (fixture);
  fixture->overview = new_overview (fixture, tend_engine_get_store (fixture->engine),
                                    fixture->engine);
  g_assert_true (tend_overview_get_engine (fixture->overview) == fixture->engine);
  /* Watched after the overview started: the engine's reload tells it. */
  service = start_watched_unit (fixture, "on-failure");

  follow (&seen, fixture, service);
  kill_unit (fixture, service);
  g_assert_true (wait_until (everything_seen, &seen));
  /* Well under a second from systemd's word to the monitor's, through the signals. */
  g_assert_cmpint (seen.critical_at - seen.failed_at, <, G_USEC_PER_SEC / 2);
  g_assert_nonnull (tend_service_get_health_message (service));

  /* The engine recovers it (on-failure, no cooldown): the service says so meanwhile. */
  g_assert_true (wait_until (back_to_normal, &seen));
  g_assert_true (seen_recovery (&seen));
  unfollow (&seen);
}

/* Another process's engine (here: one the overview is not told of) writes the store;
 * the overview reads it on its timer. */
static void
test_store (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(TendService) service = NULL;
  const TendRecoveryStatus *recovery;
  Seen seen = { 0 };

  start_engine (fixture);
  fixture->store = tend_store_new (fixture->path);
  open_store (fixture->store);
  fixture->overview = new_overview (fixture, fixture->store, NULL);
  /* Never recovered by the engine: the test has time to see it critical between reads. */
  service = start_watched_unit (fixture, "never");

  follow (&seen, fixture, service);
  kill_unit (fixture, service);
  g_assert_true (wait_until (everything_seen, &seen));
  g_assert_cmpint (tend_service_get_health (service), ==, TEND_HEALTH_CRITICAL);
  g_assert_nonnull (strstr (tend_service_get_health_message (service), "failed"));
  /* The engine's plan, saved by it and read back: a policy of never leaves it. */
  recovery = tend_service_get_recovery (service);
  g_assert_nonnull (recovery);
  g_assert_cmpint (recovery->state, ==, TEND_RECOVERY_STATE_IDLE);

  /* A person starts it again: healthy through the store, out of the list. */
  run_action (fixture->host, UNIT, TEND_UNIT_ACTION_START);
  g_assert_true (wait_until (back_to_normal, &seen));
  unfollow (&seen);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  /* The engine's log notifier says what a person would be told as a warning (a unit
   * that failed and is not brought back): expected here. Criticals stay fatal. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);

  if (g_getenv ("TEND_SANDBOX") == NULL)
    {
      g_print ("1..0 # SKIP needs the systemd sandbox: run through tests/sandbox/tend-sandbox\n");
      return 0;
    }

#define ADD(path, func) \
  g_test_add ("/overview/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("defaults", test_defaults);
  ADD ("engine", test_engine);
  ADD ("store", test_store);
#undef ADD

  return g_test_run ();
}
