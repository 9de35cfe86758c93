/* tend-demo-services.c — the three services of Tend's demo: units, checks and policy
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a newcomer sees when they first run Tend (`tend --demo`, `tendctl demo`, and
 * `./tend-dev run` where there is no systemd user session): a web server, a Redis server
 * and a service that crashes every 45 s or so, already watched with checks and a backoff
 * policy, so that within two minutes health turns red, Tend recovers the crasher, the
 * desktop is told, and the history fills.
 *
 * The services are transient units of the user's own manager (StartTransientUnit, as
 * `systemd-run --user` makes them): nothing is written into the person's unit
 * directories, and they go away when the demo stops them. Their checks and policy live
 * in a database of the demo's own (tend_demo_services_default_database()), never in the
 * person's: an import replaces the whole inventory.
 */
#define G_LOG_DOMAIN "Tend-Demo"

#include "config.h"

#include <errno.h>
#include <string.h>

#include "tend-demo-services.h"
#include <glib/gstdio.h>

#include "tend-error.h"
#include "tend-lock.h"
#include "tend-store.h"

#define DEMO_HOST "local-user"

/* How the demo recovers its services, the crasher above all. It exits with status 1
 * TEND_DEMO_CRASHER_RUN_SECONDS (40 s) after each start; Restart=no (systemd's default
 * for a transient unit), so Tend's recovery is what brings it back. The figures, against
 * docs/configuration.md ("How the recovery keys work together"):
 *
 * - backoff 5 s, doubling, at most 10 s: the first failure is recovered 5 s after it (the
 *   window shows "next attempt in 5s" first), later ones 10 s after; a crash about every
 *   45 s to 50 s.
 * - reset_after 1 min: the crasher never stays healthy that long, so the backoff keeps
 *   its place (attempt 2, 3 … "waits 10s"), as it would for a real service that keeps
 *   crashing.
 * - loop_threshold 3 within loop_window 1 min: a start is at least 40 s of running plus
 *   5 s of backoff after the one before, so when the crasher fails, only its last start
 *   lies within the minute: 1 < 3, it is never taken for a restart loop. With the
 *   defaults (3 within 5 min) it would be marked "manual intervention required" at its
 *   fourth failure, about three minutes in; a service that fails on every start (starts
 *   seconds apart) is still caught by 3 in 1 min.
 * - max_recoveries 20 within 10 min: a recovery every 45 s is at most 14 in 10 min, so
 *   the limit never holds it back (the default, 3 in 15 min, would after the third).
 * - cooldown 5 s: the pause after a recovery, far shorter than the 40 s the crasher runs.
 *
 * The web and Redis servers get the same policy: killed from outside, they are back in
 * 5 s.
 */
#define DEMO_POLICY_JSON \
  "\"kind\": \"backoff\", \"max_recoveries\": 20, \"window\": \"10min\", " \
  "\"cooldown\": \"5s\", \"backoff_initial\": \"5s\", \"backoff_multiplier\": 2.0, " \
  "\"backoff_max\": \"10s\", \"reset_after\": \"1min\", \"jitter\": 0.0, " \
  "\"loop_threshold\": 3, \"loop_window\": \"1min\""

/* Checks run every 5 s so that the chart fills while the newcomer watches. A unit check
 * is hard at its first failure (systemd's word needs no confirming), so the crasher turns
 * red the moment it exits and stays red for the 5 s of backoff before Tend restarts it;
 * the HTTP and Redis probes take two failures in a row, as a real service's would. */
#define DEMO_CHECK_INTERVAL "5s"
#define DEMO_CHECK_TIMEOUT "2s"

static const char * const demo_units[] = {
  TEND_DEMO_WEB_UNIT,
  TEND_DEMO_REDIS_UNIT,
  TEND_DEMO_CRASHER_UNIT,
  NULL
};

struct _TendDemoServices
{
  GObject parent_instance;

  guint16 web_port;
  guint16 redis_port;
};

G_DEFINE_FINAL_TYPE (TendDemoServices, tend_demo_services, G_TYPE_OBJECT)

static void
tend_demo_services_class_init (TendDemoServicesClass *klass)
{
}

static void
tend_demo_services_init (TendDemoServices *self)
{
}

/* A TCP port on 127.0.0.1 that nothing listens on now (the kernel's choice), or 0. */
static guint16
free_port (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                         NULL);
  if (socket == NULL || !g_socket_bind (socket, any, FALSE, NULL))
    return 0;
  bound = g_socket_get_local_address (socket, NULL);
  if (bound == NULL)
    return 0;
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/**
 * tend_demo_services_default_database:
 *
 * Returns: (transfer full): where the demo keeps its checks, policy and history:
 *   `$TEND_DEMO_DATABASE`, or `tend-demo/tend.db` in `$XDG_RUNTIME_DIR` (the temporary
 *   directory where there is none) — never the person's own database
 */
char *
tend_demo_services_default_database (void)
{
  const char *path = g_getenv ("TEND_DEMO_DATABASE");

  if (path != NULL && *path != '\0')
    return g_strdup (path);
  return g_build_filename (g_get_user_runtime_dir (), "tend-demo", "tend.db", NULL);
}

/**
 * tend_demo_services_prepare_database:
 *
 * Makes way for a new demo: removes the database of an earlier one (the demo starts
 * afresh), unless a monitor still runs on it — another demo.
 *
 * Returns: (transfer full) (nullable): tend_demo_services_default_database(), or %NULL
 *   with @error set when another demo runs on it
 */
char *
tend_demo_services_prepare_database (GError **error)
{
  static const char * const suffixes[] = { "", "-wal", "-shm", "-journal" };
  g_autofree char *path = tend_demo_services_default_database ();
  GPid owner = tend_lock_get_owner (path);

  if (owner != 0)
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_FAILED,
                   "a demo already runs (its monitor is process %d, on %s); end it first, "
                   "or set TEND_DEMO_DATABASE to another file", (int) owner, path);
      return NULL;
    }
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      if (g_remove (file) != 0 && errno != ENOENT)
        g_debug ("cannot remove %s: %s", file, g_strerror (errno));
    }
  return g_steal_pointer (&path);
}

/**
 * tend_demo_services_new:
 * @web_port: the web server's port on 127.0.0.1, or 0 for a free one
 * @redis_port: the Redis server's port on 127.0.0.1, or 0 for a free one
 */
TendDemoServices *
tend_demo_services_new (guint16 web_port,
                        guint16 redis_port)
{
  TendDemoServices *self = g_object_new (TEND_TYPE_DEMO_SERVICES, NULL);

  self->web_port = web_port != 0 ? web_port : free_port ();
  self->redis_port = redis_port != 0 ? redis_port : free_port ();
  /* Two calls may in theory get the same port: the second one is then taken again. */
  while (self->redis_port == self->web_port && redis_port == 0)
    self->redis_port = free_port ();
  return self;
}

guint16
tend_demo_services_get_web_port (TendDemoServices *self)
{
  g_return_val_if_fail (TEND_IS_DEMO_SERVICES (self), 0);
  return self->web_port;
}

guint16
tend_demo_services_get_redis_port (TendDemoServices *self)
{
  g_return_val_if_fail (TEND_IS_DEMO_SERVICES (self), 0);
  return self->redis_port;
}

/**
 * tend_demo_services_get_units:
 *
 * Returns: (transfer none): the demo's units: the web server, Redis, the crasher
 */
const char * const *
tend_demo_services_get_units (TendDemoServices *self)
{
  g_return_val_if_fail (TEND_IS_DEMO_SERVICES (self), NULL);
  return demo_units;
}

/**
 * tend_demo_services_get_description:
 *
 * Returns: (nullable): the Description= of @unit, or %NULL if it is not the demo's
 */
const char *
tend_demo_services_get_description (TendDemoServices *self,
                                    const char       *unit)
{
  g_return_val_if_fail (TEND_IS_DEMO_SERVICES (self), NULL);
  g_return_val_if_fail (unit != NULL, NULL);

  if (g_str_equal (unit, TEND_DEMO_WEB_UNIT))
    return "Tend demo: a web server (python3 -m http.server)";
  if (g_str_equal (unit, TEND_DEMO_REDIS_UNIT))
    return "Tend demo: a Redis server";
  if (g_str_equal (unit, TEND_DEMO_CRASHER_UNIT))
    return "Tend demo: a service that crashes about every 45 s";
  return NULL;
}

static char *
program (const char *name,
         const char *fallback)
{
  char *path = g_find_program_in_path (name);

  return path != NULL ? path : g_strdup (fallback);
}

/**
 * tend_demo_services_dup_argv:
 *
 * Returns: (transfer full) (nullable): the command @unit runs, argv[0] an absolute
 *   path; %NULL if @unit is not the demo's
 */
char **
tend_demo_services_dup_argv (TendDemoServices *self,
                             const char       *unit)
{
  g_autoptr(GStrvBuilder) argv = g_strv_builder_new ();

  g_return_val_if_fail (TEND_IS_DEMO_SERVICES (self), NULL);
  g_return_val_if_fail (unit != NULL, NULL);

  if (g_str_equal (unit, TEND_DEMO_WEB_UNIT))
    {
      const char *dir = "/usr/share/common-licenses";
      g_autofree char *python = program ("python3", "/usr/bin/python3");
      g_autofree char *port = g_strdup_printf ("%u", self->web_port);

      if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
        dir = "/usr/share/doc";
      g_strv_builder_add_many (argv, python, "-m", "http.server", port, "--bind", "127.0.0.1",
                               "--directory", dir, NULL);
    }
  else if (g_str_equal (unit, TEND_DEMO_REDIS_UNIT))
    {
      g_autofree char *redis = program ("redis-server", "/usr/bin/redis-server");
      g_autofree char *port = g_strdup_printf ("%u", self->redis_port);

      /* In memory only: no dump, no append-only file, wherever it runs. */
      g_strv_builder_add_many (argv, redis, "--port", port, "--bind", "127.0.0.1",
                               "--save", "", "--appendonly", "no", NULL);
    }
  else if (g_str_equal (unit, TEND_DEMO_CRASHER_UNIT))
    {
      g_autofree char *script =
        g_strdup_printf ("echo 'demo crasher: started; it will crash in %d s'; sleep %d; "
                         "echo 'demo crasher: out of memory (on purpose: this is the demo)' >&2; "
                         "exit 1", TEND_DEMO_CRASHER_RUN_SECONDS, TEND_DEMO_CRASHER_RUN_SECONDS);

      g_strv_builder_add_many (argv, "/bin/sh", "-c", script, NULL);
    }
  else
    return NULL;
  return g_strv_builder_end (argv);
}

/* A check after others, as the inventory format has it (docs/inventory-format.md). */
static void
append_check (GString    *json,
              const char *unit,
              const char *name,
              const char *kind,
              const char *params)
{
  g_string_append_printf (json, ",\n"
                          "    { \"host\": \"" DEMO_HOST "\", \"unit\": \"%s\", \"name\": \"%s\", "
                          "\"kind\": \"%s\", \"interval\": \"" DEMO_CHECK_INTERVAL "\", "
                          "\"timeout\": \"" DEMO_CHECK_TIMEOUT "\", "
                          "\"failures_before_hard\": 2, \"successes_before_recovered\": 1, "
                          "\"params\": %s }", unit, name, kind, params);
}

/**
 * tend_demo_services_dup_inventory_json:
 *
 * Returns: (transfer full): the demo's inventory (docs/inventory-format.md): the three
 *   services on this computer's user manager, a unit check on each, an HTTP check on the
 *   web server, a Redis PING on Redis, and the demo's backoff policy on each
 */
char *
tend_demo_services_dup_inventory_json (TendDemoServices *self)
{
  g_autoptr(GString) json = g_string_new (NULL);
  g_autofree char *http = NULL;
  g_autofree char *redis = NULL;

  g_return_val_if_fail (TEND_IS_DEMO_SERVICES (self), NULL);

  http = g_strdup_printf ("{ \"url\": \"http://127.0.0.1:%u/\" }", self->web_port);
  redis = g_strdup_printf ("{ \"host\": \"127.0.0.1\", \"port\": %u }", self->redis_port);

  g_string_append (json,
                   "{\n  \"format\": \"tend-inventory\", \"version\": 1,\n"
                   "  \"hosts\": [ { \"name\": \"" DEMO_HOST "\", \"kind\": \"local\", "
                   "\"scope\": \"user\", \"access\": \"admin\" } ],\n  \"services\": [\n");
  for (guint i = 0; demo_units[i] != NULL; i++)
    g_string_append_printf (json, "%s    { \"host\": \"" DEMO_HOST "\", \"unit\": \"%s\", "
                            "\"tags\": [\"demo\"] }", i > 0 ? ",\n" : "", demo_units[i]);
  g_string_append (json, "\n  ],\n  \"checks\": [\n");
  for (guint i = 0; demo_units[i] != NULL; i++)
    {
      g_string_append_printf (json, "%s    { \"host\": \"" DEMO_HOST "\", \"unit\": \"%s\", "
                              "\"name\": \"unit\", \"kind\": \"unit\", "
                              "\"interval\": \"" DEMO_CHECK_INTERVAL "\", "
                              "\"timeout\": \"" DEMO_CHECK_TIMEOUT "\", "
                              "\"failures_before_hard\": 1 }", i > 0 ? ",\n" : "",
                              demo_units[i]);
    }
  append_check (json, TEND_DEMO_WEB_UNIT, "http", "http", http);
  append_check (json, TEND_DEMO_REDIS_UNIT, "redis", "redis", redis);
  g_string_append (json, "\n  ],\n  \"policies\": [\n");
  for (guint i = 0; demo_units[i] != NULL; i++)
    g_string_append_printf (json, "%s    { \"host\": \"" DEMO_HOST "\", \"unit\": \"%s\", "
                            DEMO_POLICY_JSON " }", i > 0 ? ",\n" : "", demo_units[i]);
  g_string_append (json, "\n  ]\n}\n");
  return g_string_free (g_steal_pointer (&json), FALSE);
}

/* ------------------------------------------------------------------------------------ */
/* Start and stop                                                                        */

typedef struct
{
  TendHost *host;              /* (owned) */
  char *database;              /* (owned) (nullable) */
  TendStore *store;            /* (owned) (nullable) */
  guint pending;
  gboolean started[3];         /* each of demo_units */
  guint tries;                 /* of the transient units' start */
  GError *error;               /* (owned) (nullable) the first */
} StartData;

static void
start_data_free (StartData *data)
{
  g_clear_object (&data->host);
  g_clear_object (&data->store);
  g_clear_error (&data->error);
  g_free (data->database);
  g_free (data);
}

static void start_units (GTask *task);

static void
replaced_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(TendInventoryDiff) diff = NULL;
  GError *error = NULL;

  diff = tend_store_replace_inventory_finish (TEND_STORE (object), result, &error);
  if (diff == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
store_opened_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TendDemoServices *self = g_task_get_source_object (task);
  g_autoptr(TendInventory) inventory = NULL;
  g_autofree char *json = NULL;
  GCancellable *cancellable;
  GError *error = NULL;

  if (!tend_store_open_finish (TEND_STORE (object), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  json = tend_demo_services_dup_inventory_json (self);
  inventory = tend_inventory_new_from_json (json, strlen (json), &error);
  if (inventory == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  cancellable = g_task_get_cancellable (task);
  tend_store_replace_inventory_async (TEND_STORE (object), inventory, TEND_STORE_EDIT_NONE,
                                      cancellable, replaced_cb, g_steal_pointer (&task));
}

static void
import_inventory (GTask *task)
{
  StartData *data = g_task_get_task_data (task);
  g_autofree char *dir = g_path_get_dirname (data->database);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int errsv = errno;

      g_task_return_new_error (task, TEND_ERROR, TEND_ERROR_FAILED,
                               "cannot make the demo's folder %s: %s", dir, g_strerror (errsv));
      g_object_unref (task);
      return;
    }
  data->store = tend_store_new (data->database);
  tend_store_open_async (data->store, g_task_get_cancellable (task), store_opened_cb, task);
}

static gboolean
retry_units_cb (gpointer user_data)
{
  start_units (user_data);
  return G_SOURCE_REMOVE;
}

typedef struct
{
  GTask *task;                 /* (unowned) */
  guint index;                 /* in demo_units */
} UnitCall;

static void
transient_started_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autofree UnitCall *call = user_data;
  GTask *task = call->task;
  StartData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (tend_host_start_transient_finish (TEND_HOST (object), result, &error))
    data->started[call->index] = TRUE;
  else if (data->error == NULL)
    data->error = g_steal_pointer (&error);
  if (--data->pending > 0)
    return;

  if (data->error == NULL)
    {
      if (data->database != NULL)
        import_inventory (task);
      else
        {
          g_task_return_boolean (task, TRUE);
          g_object_unref (task);
        }
      return;
    }

  /* A unit of a demo that ended without stopping it (the app killed) was stopped just
   * now, and systemd may not have let go of it yet: try again a few times. */
  if (++data->tries < 5 && !g_task_return_error_if_cancelled (task))
    {
      g_debug ("starting the demo's units failed (%s); trying again", data->error->message);
      g_clear_error (&data->error);
      g_timeout_add (300, retry_units_cb, task);
      return;
    }
  if (!g_task_had_error (task))
    g_task_return_error (task, g_steal_pointer (&data->error));
  g_object_unref (task);
}

/* Starts the units not started yet. Holds @task's reference until all have answered. */
static void
start_units (GTask *task)
{
  TendDemoServices *self = g_task_get_source_object (task);
  StartData *data = g_task_get_task_data (task);

  G_STATIC_ASSERT (G_N_ELEMENTS (data->started) == G_N_ELEMENTS (demo_units) - 1);
  data->pending = 0;
  for (guint i = 0; demo_units[i] != NULL; i++)
    data->pending += data->started[i] ? 0 : 1;
  for (guint i = 0; demo_units[i] != NULL; i++)
    {
      g_auto(GStrv) argv = NULL;
      UnitCall *call;

      if (data->started[i])
        continue;
      argv = tend_demo_services_dup_argv (self, demo_units[i]);
      call = g_new0 (UnitCall, 1);
      call->task = task;
      call->index = i;
      tend_host_start_transient_async (data->host, demo_units[i],
                                       tend_demo_services_get_description (self, demo_units[i]),
                                       (const char * const *) argv,
                                       g_task_get_cancellable (task), transient_started_cb,
                                       call);
    }
}

static void
leftover_step_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  StartData *data = g_task_get_task_data (task);
  g_autofree char *done = NULL;
  g_autoptr(GError) error = NULL;

  /* "not loaded" is what we hope for: no demo was left running. */
  done = tend_host_run_action_finish (TEND_HOST (object), result, &error);
  if (done == NULL)
    g_debug ("clearing a demo unit: %s", error->message);
  if (--data->pending == 0)
    start_units (task);
}

/* Stops and forgets the units of an earlier demo that was not ended (a crash): a
 * transient unit cannot be made twice. */
static void
clear_leftovers (GTask *task)
{
  StartData *data = g_task_get_task_data (task);

  data->pending = 2 * g_strv_length ((char **) demo_units);
  for (guint i = 0; demo_units[i] != NULL; i++)
    {
      tend_host_run_action_async (data->host, demo_units[i], TEND_UNIT_ACTION_STOP,
                                  g_task_get_cancellable (task), leftover_step_cb, task);
      tend_host_run_action_async (data->host, demo_units[i], TEND_UNIT_ACTION_RESET_FAILED,
                                  g_task_get_cancellable (task), leftover_step_cb, task);
    }
}

/**
 * tend_demo_services_start_async:
 * @host: this computer's user manager, connected
 * @database: (nullable): the demo's database (see
 *   tend_demo_services_default_database()): its inventory is replaced with the demo's;
 *   %NULL to start the units only
 *
 * Starts the demo's services as transient units on @host (stopping those of an earlier
 * demo first), then imports their checks and policy into @database. A monitor already
 * running on @database needs a reload (tend_engine_reload_async()) to see them.
 */
void
tend_demo_services_start_async (TendDemoServices    *self,
                                TendHost            *host,
                                const char          *database,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task;
  StartData *data;

  g_return_if_fail (TEND_IS_DEMO_SERVICES (self));
  g_return_if_fail (TEND_IS_HOST (host));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tend_demo_services_start_async);
  data = g_new0 (StartData, 1);
  data->host = g_object_ref (host);
  data->database = g_strdup (database);
  g_task_set_task_data (task, data, (GDestroyNotify) start_data_free);

  if (self->web_port == 0 || self->redis_port == 0)
    {
      g_task_return_new_error (task, TEND_ERROR, TEND_ERROR_FAILED,
                               "no free TCP port on 127.0.0.1 for the demo's servers");
      g_object_unref (task);
      return;
    }
  clear_leftovers (task);
}

gboolean
tend_demo_services_start_finish (TendDemoServices  *self,
                                 GAsyncResult      *result,
                                 GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
stopped_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  guint *pending = g_task_get_task_data (task);
  g_autofree char *done = NULL;
  g_autoptr(GError) error = NULL;

  done = tend_host_run_action_finish (TEND_HOST (object), result, &error);
  /* Gone already, or its manager with it (a sandbox torn down): nothing to stop. */
  if (done == NULL && !g_error_matches (error, TEND_ERROR, TEND_ERROR_NOT_FOUND) &&
      !g_error_matches (error, TEND_ERROR, TEND_ERROR_UNREACHABLE))
    g_warning ("the demo could not stop a unit: %s", error->message);
  if (--*pending > 0)
    return;
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

/**
 * tend_demo_services_stop_async:
 *
 * Stops the demo's units on @host; being transient, they go away. A unit that is not
 * there is no error; one that cannot be stopped is logged.
 */
void
tend_demo_services_stop_async (TendDemoServices    *self,
                               TendHost            *host,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;
  guint *pending;

  g_return_if_fail (TEND_IS_DEMO_SERVICES (self));
  g_return_if_fail (TEND_IS_HOST (host));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tend_demo_services_stop_async);
  pending = g_new0 (guint, 1);
  *pending = g_strv_length ((char **) demo_units);
  g_task_set_task_data (task, pending, g_free);
  for (guint i = 0; demo_units[i] != NULL; i++)
    tend_host_run_action_async (host, demo_units[i], TEND_UNIT_ACTION_STOP, cancellable,
                                stopped_cb, task);
}

gboolean
tend_demo_services_stop_finish (TendDemoServices  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
