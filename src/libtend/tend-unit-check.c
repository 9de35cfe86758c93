/* tend-unit-check.c — a check of a systemd unit's state, told live by the host
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A run judges the unit's active state as the host keeps it, when the host follows
 * changes and lists the unit (systemd's PropertiesChanged signals keep a local host's
 * list current, an SSH host's batched poll its own), and reads the unit afresh
 * (tend_host_load_service_async()) otherwise — the first run, a unit systemd unloaded,
 * a host that does not follow changes. Active or reloading passes; activating or
 * deactivating is pending — an unknown verdict, not a failure; failed, inactive or not
 * found fails with "state". For a failed unit the message gives systemd's Result
 * ("failed (exit-code)"), read with one more call only in that case.
 *
 * Between runs the check listens to the service's active-state, which the host keeps
 * up to date from systemd's PropertiesChanged signals (no polling), and emits
 * TendCheck::changed when it moves, so a monitor can run the check at once.
 *
 * While the host cannot be reached (its bus restarts) nothing is known of the unit: the
 * verdict is unknown, "unreachable", with the host's message, never a failure. The
 * check also emits TendCheck::changed when the host is lost and when it is back, so both
 * show at once.
 */
#define G_LOG_DOMAIN "Tend-Checks"

#include "tend-backend.h"
#include "tend-error.h"
#include "tend-unit-check.h"
#include "tend-check-private.h"
#include "tend-host.h"
#include "tend-service.h"
#include "tend-unit-name.h"
#include "tend-util-private.h"

struct _TendUnitCheck
{
  TendCheck parent_instance;

  TendHost *host;                   /* (owned) */
  char *unit;                       /* (owned) */
  TendService *service;             /* (owned) (nullable) until the first run */
  gulong state_handler;
  const char *last_state;           /* (interned) (nullable) the state last seen */
};

G_DEFINE_FINAL_TYPE (TendUnitCheck, tend_unit_check, TEND_TYPE_CHECK)

enum {
  PROP_0,
  PROP_HOST,
  PROP_UNIT,
  PROP_SERVICE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * tend_unit_check_new:
 * @name: the check's name
 * @host: the host the unit lives on
 * @unit: a unit name ("web.service"), not a template
 * @error: where to say what is wrong with @unit
 *
 * Returns: (transfer full) (nullable): the check, or %NULL with
 *   %TEND_ERROR_INVALID_ARGUMENT naming the field ("unit: ...")
 */
TendCheck *
tend_unit_check_new (const char  *name,
                     TendHost    *host,
                     const char  *unit,
                     GError     **error)
{
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (TEND_IS_HOST (host), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!tend_check_validate_unit (unit, error))
    return NULL;

  return g_object_new (TEND_TYPE_UNIT_CHECK,
                       "name", name,
                       "host", host,
                       "unit", unit,
                       NULL);
}

TendHost *
tend_unit_check_get_host (TendUnitCheck *self)
{
  g_return_val_if_fail (TEND_IS_UNIT_CHECK (self), NULL);
  return self->host;
}

const char *
tend_unit_check_get_unit (TendUnitCheck *self)
{
  g_return_val_if_fail (TEND_IS_UNIT_CHECK (self), NULL);
  return self->unit;
}

/**
 * tend_unit_check_get_service:
 *
 * Returns: (transfer none) (nullable): the service watched, from the host's list;
 *   %NULL until the first run has loaded it
 */
TendService *
tend_unit_check_get_service (TendUnitCheck *self)
{
  g_return_val_if_fail (TEND_IS_UNIT_CHECK (self), NULL);
  return self->service;
}

/* ------------------------------------------------------------------------------------ */
/* Watching                                                                              */

static void
on_active_state (TendService   *service,
                 GParamSpec    *pspec,
                 TendUnitCheck *self)
{
  const char *state = g_intern_string (tend_service_get_active_state (service));

  if (state == self->last_state)
    return;
  g_debug ("unit check %s: %s went from %s to %s", tend_check_get_name (TEND_CHECK (self)),
           self->unit, self->last_state ? self->last_state : "(unknown)",
           state ? state : "(unknown)");
  self->last_state = state;
  tend_check_changed (TEND_CHECK (self));
}

static void
unwatch (TendUnitCheck *self)
{
  if (self->service != NULL)
    g_clear_signal_handler (&self->state_handler, self->service);
  g_clear_object (&self->service);
}

/* Follows @service from now on; the host may hand out a new object for the unit after
 * it was unloaded, and then the new one is followed. */
static void
watch (TendUnitCheck *self,
       TendService   *service)
{
  self->last_state = g_intern_string (tend_service_get_active_state (service));
  if (self->service == service)
    return;

  unwatch (self);
  self->service = g_object_ref (service);
  self->state_handler = g_signal_connect (service, "notify::active-state",
                                          G_CALLBACK (on_active_state), self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVICE]);
}

/* The host was lost or is back: what the check says changes with it. */
static void
on_host_state (TendHost      *host,
               GParamSpec    *pspec,
               TendUnitCheck *self)
{
  TendHostState state = tend_host_get_state (host);

  if (state == TEND_HOST_STATE_CONNECTED || tend_host_state_is_retrying (state))
    tend_check_changed (TEND_CHECK (self));
}

/* ------------------------------------------------------------------------------------ */
/* Probe                                                                                 */

static TendCheckVerdict *
state_verdict (TendService *service,
               const char  *result)
{
  const char *load = tend_service_get_load_state (service);
  const char *active = tend_service_get_active_state (service);
  const char *sub = tend_service_get_sub_state (service);
  const char *detail;

  if (g_strcmp0 (load, "not-found") == 0)
    return tend_check_verdict_new (TEND_RESULT_FAIL, TEND_CHECK_FAILURE_STATE,
                                   TEND_CHECK_LATENCY_ELAPSED, "not-found");
  if (load != NULL && !g_str_equal (load, "loaded") && g_strcmp0 (active, "active") != 0)
    /* bad-setting, error, masked: the unit cannot run. */
    return tend_check_verdict_new (TEND_RESULT_FAIL, TEND_CHECK_FAILURE_STATE,
                                   TEND_CHECK_LATENCY_ELAPSED, "%s", load);

  if (active == NULL)
    return tend_check_verdict_new (TEND_RESULT_UNKNOWN, TEND_CHECK_FAILURE_OTHER,
                                   TEND_CHECK_LATENCY_ELAPSED, "no active state reported");

  detail = sub != NULL ? sub : "?";
  if (g_str_equal (active, "failed") && result != NULL && *result != '\0' &&
      !g_str_equal (result, "success"))
    detail = result;

  if (g_str_equal (active, "active") || g_str_equal (active, "reloading"))
    return tend_check_verdict_new (TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE,
                                   TEND_CHECK_LATENCY_ELAPSED, "%s (%s)", active, detail);
  if (g_str_equal (active, "activating") || g_str_equal (active, "deactivating"))
    /* Pending, not a failure. */
    return tend_check_verdict_new (TEND_RESULT_UNKNOWN, TEND_CHECK_FAILURE_NONE,
                                   TEND_CHECK_LATENCY_ELAPSED, "%s (%s)", active, detail);
  if (g_str_equal (active, "failed") || g_str_equal (active, "inactive"))
    return tend_check_verdict_new (TEND_RESULT_FAIL, TEND_CHECK_FAILURE_STATE,
                                   TEND_CHECK_LATENCY_ELAPSED, "%s (%s)", active, detail);

  /* A state this version does not know ("maintenance", "refreshing"). */
  return tend_check_verdict_new (TEND_RESULT_UNKNOWN, TEND_CHECK_FAILURE_NONE,
                                 TEND_CHECK_LATENCY_ELAPSED, "%s (%s)", active, detail);
}

static void
result_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TendService *service = g_task_get_task_data (task);
  g_autoptr(GVariant) unit = NULL;
  g_autoptr(GError) error = NULL;
  const char *unit_result = NULL;

  unit = tend_backend_get_unit_finish (TEND_BACKEND (object), result, &error);
  if (unit == NULL && g_task_return_error_if_cancelled (task))
    return;
  if (unit != NULL)
    g_variant_lookup (unit, "Result", "&s", &unit_result);
  else
    g_debug ("reading the Result of %s failed: %s", tend_service_get_name (service),
             error->message);

  g_task_return_pointer (task, state_verdict (service, unit_result),
                         (GDestroyNotify) tend_check_verdict_free);
}

/* The unit was read: judges it, reading its Result first when it failed. */
static void
loaded (TendCheck   *check,
        TendService *service,
        GTask       *task)
{
  TendUnitCheck *self = TEND_UNIT_CHECK (check);

  watch (self, service);

  if (g_strcmp0 (tend_service_get_active_state (service), "failed") == 0)
    {
      /* TendService does not keep the Result: one more read, for the message. */
      GCancellable *cancellable = g_task_get_cancellable (task);

      g_task_set_task_data (task, g_object_ref (service), g_object_unref);
      tend_backend_get_unit_async (tend_host_get_backend (self->host), self->unit, cancellable,
                                   result_cb, task);
      return;
    }

  g_task_return_pointer (task, state_verdict (service, NULL),
                         (GDestroyNotify) tend_check_verdict_free);
  g_object_unref (task);
}

static void
tend_unit_check_probe_async (TendCheck           *check,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  TendUnitCheck *self = TEND_UNIT_CHECK (check);
  TendService *known;

  /* A host that follows changes keeps its units' states current by itself: this
   * computer's manager from systemd's PropertiesChanged signals, an SSH host with one
   * batched query every few seconds. A unit it lists is judged from that, not read
   * again: a run at rest asks nothing of systemd (no D-Bus call, no wake-up of the bus
   * thread), and a change runs the check at once through TendCheck::changed. */
  known = tend_host_get_follow_changes (self->host) && tend_host_get_connected (self->host)
          ? tend_host_lookup_service (self->host, self->unit) : NULL;
  if (known != NULL)
    {
      GTask *task = g_task_new (check, cancellable, callback, user_data);

      g_task_set_source_tag (task, tend_unit_check_probe_async);
      loaded (check, known, task);
      return;
    }

  tend_check_probe_service_async (check, self->host, self->unit, tend_unit_check_probe_async,
                                  loaded, TEND_RESULT_FAIL, "not-found",
                                  cancellable, callback, user_data);
}

/* ------------------------------------------------------------------------------------ */
/* GObject                                                                               */

static void
tend_unit_check_constructed (GObject *object)
{
  TendUnitCheck *self = TEND_UNIT_CHECK (object);

  G_OBJECT_CLASS (tend_unit_check_parent_class)->constructed (object);

  /* One made only to validate a spec (tend_check_validate_spec()) has no host. */
  if (self->host != NULL)
    g_signal_connect_object (self->host, "notify::state", G_CALLBACK (on_host_state), self, 0);
}

static void
tend_unit_check_dispose (GObject *object)
{
  TendUnitCheck *self = TEND_UNIT_CHECK (object);

  unwatch (self);
  g_clear_object (&self->host);

  G_OBJECT_CLASS (tend_unit_check_parent_class)->dispose (object);
}

static void
tend_unit_check_finalize (GObject *object)
{
  TendUnitCheck *self = TEND_UNIT_CHECK (object);

  g_clear_pointer (&self->unit, g_free);

  G_OBJECT_CLASS (tend_unit_check_parent_class)->finalize (object);
}

static void
tend_unit_check_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  TendUnitCheck *self = TEND_UNIT_CHECK (object);

  switch (prop_id)
    {
    case PROP_HOST: g_value_set_object (value, self->host); break;
    case PROP_UNIT: g_value_set_string (value, self->unit); break;
    case PROP_SERVICE: g_value_set_object (value, self->service); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_unit_check_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  TendUnitCheck *self = TEND_UNIT_CHECK (object);

  switch (prop_id)
    {
    case PROP_HOST: self->host = g_value_dup_object (value); break;
    case PROP_UNIT: self->unit = g_value_dup_string (value); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static char *
tend_unit_check_dup_target (TendCheck *check)
{
  TendUnitCheck *self = TEND_UNIT_CHECK (check);

  return g_strdup (self->unit);
}

static void
tend_unit_check_class_init (TendUnitCheckClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  TendCheckClass *check_class = TEND_CHECK_CLASS (klass);

  object_class->constructed = tend_unit_check_constructed;
  object_class->dispose = tend_unit_check_dispose;
  object_class->finalize = tend_unit_check_finalize;
  object_class->get_property = tend_unit_check_get_property;
  object_class->set_property = tend_unit_check_set_property;

  check_class->kind = "unit";
  check_class->live = TRUE;
  check_class->verdict_of_systemd = TRUE;
  check_class->probe_async = tend_unit_check_probe_async;
  check_class->dup_target = tend_unit_check_dup_target;

  properties[PROP_HOST] =
    g_param_spec_object ("host", NULL, "The host the unit lives on", TEND_TYPE_HOST,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_UNIT] =
    g_param_spec_string ("unit", NULL, "The unit's name", NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SERVICE] =
    g_param_spec_object ("service", NULL, "The service watched, once a run loaded it",
                         TEND_TYPE_SERVICE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tend_unit_check_init (TendUnitCheck *self)
{
}
