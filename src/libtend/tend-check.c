/* tend-check.c — one health check of a service; each kind is a subclass
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The base class owns what every kind shares: its name and timing, and the running of
 * one probe with a timeout. A probe that does not finish in time is cancelled and the
 * run ends at the timeout with a "timeout" verdict, whatever the probe does after.
 */
#define G_LOG_DOMAIN "Tend-Checks"

#include "tend-check.h"
#include "tend-check-private.h"
#include "tend-duration.h"
#include "tend-error.h"
#include "tend-host.h"
#include "tend-result-private.h"
#include "tend-service.h"
#include "tend-ssh-backend.h"
#include "tend-unit-name.h"
#include "tend-util-private.h"

#include <string.h>

#define MIN_INTERVAL_USEC TEND_USEC_PER_SEC

typedef struct
{
  char *name;                       /* (owned) */
  gint64 interval_usec;
  gint64 timeout_usec;
  guint failures_before_hard;
  guint successes_before_recovered;
  gint64 startup_grace_usec;
  gboolean enabled;
  TendHost *remote_host;            /* (owned) (nullable) the service's SSH host */
} TendCheckPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (TendCheck, tend_check, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_INTERVAL,
  PROP_TIMEOUT,
  PROP_FAILURES_BEFORE_HARD,
  PROP_SUCCESSES_BEFORE_RECOVERED,
  PROP_STARTUP_GRACE,
  PROP_ENABLED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_BOXED_TYPE (TendCheckVerdict, tend_check_verdict,
                     tend_check_verdict_copy, tend_check_verdict_free)

TendCheckVerdict *
tend_check_verdict_new (TendResultStatus  status,
                        TendCheckFailure  failure,
                        gint64            latency_usec,
                        const char       *format,
                        ...)
{
  TendCheckVerdict *verdict = g_new0 (TendCheckVerdict, 1);
  va_list args;

  verdict->status = status;
  verdict->failure = failure;
  verdict->latency_usec = latency_usec;
  va_start (args, format);
  verdict->message = g_strdup_vprintf (format, args);
  va_end (args);
  return verdict;
}

/* A verdict whose message is made already: takes @message. */
TendCheckVerdict *
tend_check_verdict_new_take (TendResultStatus  status,
                             TendCheckFailure  failure,
                             gint64            latency_usec,
                             char             *message)
{
  TendCheckVerdict *verdict = g_new (TendCheckVerdict, 1);

  verdict->status = status;
  verdict->failure = failure;
  verdict->latency_usec = latency_usec;
  verdict->message = message;
  return verdict;
}

TendCheckVerdict *
tend_check_verdict_copy (const TendCheckVerdict *verdict)
{
  TendCheckVerdict *copy = g_memdup2 (verdict, sizeof *verdict);

  copy->message = g_strdup (verdict->message);
  return copy;
}

void
tend_check_verdict_free (TendCheckVerdict *verdict)
{
  if (verdict == NULL)
    return;
  g_free (verdict->message);
  g_free (verdict);
}

/* ------------------------------------------------------------------------------------ */
/* Running                                                                               */

typedef struct
{
  GCancellable *probe_cancellable;  /* (owned) cancelled at the timeout or by the caller */
  gulong caller_handler;
  GSource *timeout_source;          /* (owned) (nullable) */
  gint64 started;
  gboolean done;
} RunData;

static void
run_data_free (RunData *data)
{
  if (data->timeout_source != NULL)
    {
      g_source_destroy (data->timeout_source);
      g_source_unref (data->timeout_source);
    }
  g_clear_object (&data->probe_cancellable);
  g_free (data);
}

static void
finish_run (GTask            *task,
            TendCheckVerdict *verdict)
{
  RunData *data = g_task_get_task_data (task);
  GCancellable *caller = g_task_get_cancellable (task);

  data->done = TRUE;
  if (caller != NULL && data->caller_handler != 0)
    {
      g_cancellable_disconnect (caller, data->caller_handler);
      data->caller_handler = 0;
    }
  if (verdict->latency_usec == TEND_CHECK_LATENCY_ELAPSED)
    verdict->latency_usec = g_get_monotonic_time () - data->started;
  g_task_return_pointer (task, verdict, (GDestroyNotify) tend_check_verdict_free);
}

/* The verdict of a run that ended at its timeout. */
TendCheckVerdict *
tend_check_timeout_verdict (TendCheck *self)
{
  TendCheckPrivate *priv = tend_check_get_instance_private (self);
  g_autofree char *timeout = tend_duration_format (priv->timeout_usec);

  return tend_check_verdict_new (TEND_RESULT_FAIL, TEND_CHECK_FAILURE_TIMEOUT, -1,
                                 "no answer within %s (the check's timeout)", timeout);
}

static gboolean
on_timeout (gpointer user_data)
{
  GTask *task = user_data;
  RunData *data = g_task_get_task_data (task);
  TendCheck *self = g_task_get_source_object (task);

  if (!data->done)
    {
      g_cancellable_cancel (data->probe_cancellable);
      finish_run (task, tend_check_timeout_verdict (self));
    }
  return G_SOURCE_REMOVE;
}

static void
on_caller_cancelled (GCancellable *cancellable,
                     gpointer      user_data)
{
  RunData *data = user_data;

  g_cancellable_cancel (data->probe_cancellable);
}

/* The default: a kind whose probe returns its verdict with g_task_return_pointer() on a
 * GTask whose source object is the check needs no probe_finish of its own. */
static TendCheckVerdict *
tend_check_real_probe_finish (TendCheck     *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
probe_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RunData *data = g_task_get_task_data (task);
  TendCheck *self = TEND_CHECK (object);
  g_autoptr(GError) error = NULL;
  TendCheckVerdict *verdict;

  verdict = TEND_CHECK_GET_CLASS (self)->probe_finish (self, result, &error);
  if (data->done)
    {
      /* Too late: the run already ended at its timeout. */
      tend_check_verdict_free (verdict);
      return;
    }

  if (verdict == NULL)
    {
      GCancellable *caller = g_task_get_cancellable (task);

      if (caller != NULL && g_cancellable_is_cancelled (caller))
        {
          data->done = TRUE;
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                   "the check was cancelled");
          return;
        }
      verdict = tend_check_verdict_new (TEND_RESULT_UNKNOWN, TEND_CHECK_FAILURE_OTHER, -1,
                                        "%s", error ? error->message : "the check gave no verdict");
    }
  finish_run (task, verdict);
}

/* The verdict of a check whose service's SSH host is not connected: unknown,
 * "unreachable", with the host's own sentence. */
static TendCheckVerdict *
remote_unreachable_verdict (TendHost *host)
{
  const char *why = tend_host_get_state_message (host);

  if (why == NULL)
    return tend_check_verdict_new (TEND_RESULT_UNKNOWN, TEND_CHECK_FAILURE_UNREACHABLE, -1,
                                   "not checked: not connected to %s yet",
                                   tend_host_get_display_name (host));
  return tend_check_verdict_new (TEND_RESULT_UNKNOWN, TEND_CHECK_FAILURE_UNREACHABLE, -1,
                                 "not checked: %s", why);
}

/**
 * tend_check_run_async:
 *
 * Runs the check's probe once, cut at the check's timeout. Finishes with a verdict —
 * the service failing is a verdict — or with %G_IO_ERROR_CANCELLED when @cancellable
 * is cancelled.
 */
void
tend_check_run_async (TendCheck           *self,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_return_if_fail (TEND_IS_CHECK (self));

  /* The cheap path where the kind has one for this run (tend-check-run.c). */
  if (!tend_check_run_quick_async (self, cancellable, callback, user_data))
    tend_check_run_async_slow (self, cancellable, callback, user_data);
}

/* The run with the kind's probe_async: a GTask, a timeout source and a cancellable of
 * its own. */
void
tend_check_run_async_slow (TendCheck           *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  TendCheckPrivate *priv = tend_check_get_instance_private (self);
  GTask *task;
  RunData *data;

  g_return_if_fail (TEND_IS_CHECK (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tend_check_run_async);
  /* The verdict is the answer even when cancellation races it. */
  g_task_set_check_cancellable (task, FALSE);

  data = g_new0 (RunData, 1);
  data->probe_cancellable = g_cancellable_new ();
  data->started = g_get_monotonic_time ();
  g_task_set_task_data (task, data, (GDestroyNotify) run_data_free);

  if (cancellable != NULL)
    data->caller_handler = g_cancellable_connect (cancellable, G_CALLBACK (on_caller_cancelled),
                                                  data, NULL);

  data->timeout_source = g_timeout_source_new ((guint) MAX (priv->timeout_usec / 1000, 1));
  g_source_set_callback (data->timeout_source, on_timeout, task, NULL);
  g_source_set_static_name (data->timeout_source, "[tend] check timeout");
  g_source_attach (data->timeout_source, g_task_get_context (task));

  /* A check of a service on an SSH host that is away is not run: nothing it could say
   * would be about the service (a forward that cannot open, a command that cannot be
   * sent), and nobody should count it as the service's failure. */
  if (priv->remote_host != NULL && !tend_host_get_connected (priv->remote_host))
    {
      finish_run (task, remote_unreachable_verdict (priv->remote_host));
      g_object_unref (task);
      return;
    }

  TEND_CHECK_GET_CLASS (self)->probe_async (self, data->probe_cancellable, probe_cb,
                                            g_object_ref (task));
  g_object_unref (task);
}

/**
 * tend_check_run_finish:
 *
 * Returns: (transfer full): the verdict, or %NULL when cancelled
 */
TendCheckVerdict *
tend_check_run_finish (TendCheck     *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  /* The cheap path's result (tend-check-run.c), or the GTask of the kind's probe_async. */
  if (tend_result_is_valid (result, self, tend_check_run_async))
    return tend_result_propagate_pointer (result, error);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------------------ */
/* Validation shared by the kinds                                                        */

static gboolean
host_char_is_valid (gunichar c)
{
  return g_unichar_isalnum (c) || c == '-' || c == '.' || c == '_';
}

/* For the kinds that connect to a host and port (tcp, redis ...): returns the host as
 * it is connected to (an IPv6 address without its brackets), or %NULL with the field
 * and the rule in @error. */
char *
tend_check_validate_host (const char  *host,
                          GError     **error)
{
  gsize len;

  if (host == NULL || *host == '\0')
    {
      g_set_error_literal (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                           "host: must not be empty");
      return NULL;
    }

  len = strlen (host);
  if (host[0] == '[' && len > 2 && host[len - 1] == ']')
    {
      g_autofree char *inner = g_strndup (host + 1, len - 2);

      if (strchr (inner, ':') != NULL && g_hostname_is_ip_address (inner))
        return g_steal_pointer (&inner);
    }
  else if (g_hostname_is_ip_address (host))
    {
      return g_strdup (host);
    }
  else if (g_utf8_validate (host, len, NULL) && len <= 253)
    {
      const char *p;

      for (p = host; *p != '\0'; p = g_utf8_next_char (p))
        if (!host_char_is_valid (g_utf8_get_char (p)))
          break;
      if (*p == '\0' && host[0] != '.' && host[0] != '-')
        return g_strdup (host);
    }

  {
    g_autofree char *quoted = tend_quote_for_message (host, -1);

    g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                 "host: %s is not a host name or an IP address", quoted);
  }
  return NULL;
}

gboolean
tend_check_validate_port (guint    port,
                          GError **error)
{
  if (port < 1 || port > 65535)
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   "port: %u is outside 1..65535", port);
      return FALSE;
    }
  return TRUE;
}

/* For the kinds that talk to a host:port (TCP, Redis): a check of @type with @name, @host
 * (a name or address, checked by tend_check_validate_host()) and @port (1..65535), or
 * %NULL with the field and the rule in @error. */
TendCheck *
tend_check_new_for_address (GType        type,
                            const char  *name,
                            const char  *host,
                            guint        port,
                            GError     **error)
{
  g_autofree char *checked_host = tend_check_validate_host (host, error);

  if (checked_host == NULL)
    return NULL;
  if (!tend_check_validate_port (port, error))
    return NULL;

  return g_object_new (type,
                       "name", name,
                       "host", checked_host,
                       "port", port,
                       NULL);
}

/* For the kinds that watch a unit (unit, resources): a unit name that can be loaded,
 * not a template, or %FALSE with the field and the rule in @error. */
gboolean
tend_check_validate_unit (const char  *unit,
                          GError     **error)
{
  if (unit == NULL || *unit == '\0')
    {
      g_set_error_literal (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                           "unit: must not be empty");
      return FALSE;
    }
  if (!tend_unit_name_validate (unit, error))
    {
      g_prefix_error (error, "unit: ");
      return FALSE;
    }
  if (tend_unit_name_is_template (unit))
    {
      g_autofree char *quoted = tend_quote_for_message (unit, -1);

      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   "unit: %s is a template; name one of its instances", quoted);
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------------------ */
/* Timing                                                                                */

/**
 * tend_check_set_timing:
 *
 * Sets the interval and the timeout together, as the timeout must stay below the
 * interval. Refuses (with the field and the rule) an interval under a second or a
 * timeout that is not below it, and then changes nothing.
 */
gboolean
tend_check_set_timing (TendCheck  *self,
                       gint64      interval_usec,
                       gint64      timeout_usec,
                       GError    **error)
{
  TendCheckPrivate *priv = tend_check_get_instance_private (self);
  g_autofree char *interval = NULL;
  g_autofree char *timeout = NULL;

  g_return_val_if_fail (TEND_IS_CHECK (self), FALSE);

  interval = tend_duration_format (interval_usec);
  timeout = tend_duration_format (timeout_usec);
  if (interval_usec < MIN_INTERVAL_USEC)
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   "interval: %s is under the minimum of 1s", interval);
      return FALSE;
    }
  if (timeout_usec <= 0 || timeout_usec >= interval_usec)
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   "timeout: %s must be above 0 and below the interval (%s)", timeout, interval);
      return FALSE;
    }

  g_object_freeze_notify (G_OBJECT (self));
  if (priv->interval_usec != interval_usec)
    {
      priv->interval_usec = interval_usec;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTERVAL]);
    }
  if (priv->timeout_usec != timeout_usec)
    {
      priv->timeout_usec = timeout_usec;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
    }
  g_object_thaw_notify (G_OBJECT (self));
  return TRUE;
}

#define GETTER(type, field, name)                                  \
  type                                                             \
  tend_check_get_##name (TendCheck *self)                          \
  {                                                                \
    TendCheckPrivate *priv;                                        \
    g_return_val_if_fail (TEND_IS_CHECK (self), (type) 0);         \
    priv = tend_check_get_instance_private (self);                 \
    return priv->field;                                            \
  }

GETTER (const char *, name, name)
GETTER (gint64, interval_usec, interval)
GETTER (gint64, timeout_usec, timeout)
GETTER (guint, failures_before_hard, failures_before_hard)
GETTER (guint, successes_before_recovered, successes_before_recovered)
GETTER (gint64, startup_grace_usec, startup_grace)
GETTER (gboolean, enabled, enabled)

#undef GETTER

/**
 * tend_check_get_effective_grace:
 *
 * The start-up grace that holds back this check's failures: its #TendCheck:startup-grace
 * for a check that probes the service (HTTP, TCP, Redis, command, resources), none for
 * one whose verdict is systemd's own (the unit check): a unit that failed has failed,
 * however recently it started.
 *
 * Returns: µs, 0 for none
 */
gint64
tend_check_get_effective_grace (TendCheck *self)
{
  g_return_val_if_fail (TEND_IS_CHECK (self), 0);

  if (TEND_CHECK_GET_CLASS (self)->verdict_of_systemd)
    return 0;
  return tend_check_get_startup_grace (self);
}

const char *
tend_check_get_kind (TendCheck *self)
{
  g_return_val_if_fail (TEND_IS_CHECK (self), NULL);
  return TEND_CHECK_GET_CLASS (self)->kind;
}

/**
 * tend_check_dup_target:
 *
 * Returns: (transfer full) (nullable): what the check looks at, as a person names it
 *   ("127.0.0.1:8080", a URL, a unit's name, a command's path)
 */
char *
tend_check_dup_target (TendCheck *self)
{
  TendCheckClass *klass;

  g_return_val_if_fail (TEND_IS_CHECK (self), NULL);

  klass = TEND_CHECK_GET_CLASS (self);
  return klass->dup_target != NULL ? klass->dup_target (self) : NULL;
}

/**
 * tend_check_format_address:
 *
 * Returns: (transfer full): "host:port", with an IPv6 address in brackets
 */
char *
tend_check_format_address (const char *host,
                           guint       port)
{
  if (strchr (host, ':') != NULL)
    return g_strdup_printf ("[%s]:%u", host, port);
  return g_strdup_printf ("%s:%u", host, port);
}

/* ------------------------------------------------------------------------------------ */
/* Checks from where the service is                                                      */

/**
 * tend_check_set_remote_host:
 * @host: (nullable): the SSH host the checked service lives on; %NULL for this computer
 *
 * Makes the check one of a service on @host: it is not run while @host is not connected
 * (its verdict is unknown, "unreachable", with the host's sentence), and the kinds that
 * connect to an address reach a loopback address through @host's SSH port forward
 * (tend_check_resolve_address()). A host whose backend is not SSH changes nothing.
 */
void
tend_check_set_remote_host (TendCheck *self,
                            TendHost  *host)
{
  TendCheckPrivate *priv = tend_check_get_instance_private (self);

  g_return_if_fail (TEND_IS_CHECK (self));
  g_return_if_fail (host == NULL || TEND_IS_HOST (host));

  if (host != NULL && !TEND_IS_SSH_BACKEND (tend_host_get_backend (host)))
    host = NULL;
  g_set_object (&priv->remote_host, host);
}

/* Returns: (transfer none) (nullable): the service's SSH host */
TendHost *
tend_check_get_remote_host (TendCheck *self)
{
  TendCheckPrivate *priv = tend_check_get_instance_private (self);

  g_return_val_if_fail (TEND_IS_CHECK (self), NULL);
  return priv->remote_host;
}

/* Whether @host names the machine it is resolved on: "localhost" (and names under
 * ".localhost", RFC 6761), 127.0.0.0/8 and ::1, with or without brackets. */
gboolean
tend_check_host_is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;
  g_autofree char *bare = NULL;
  gsize len;

  if (host == NULL || *host == '\0')
    return FALSE;
  len = strlen (host);
  if (host[0] == '[' && len > 2 && host[len - 1] == ']')
    bare = g_strndup (host + 1, len - 2);
  else
    bare = g_strdup (host);
  if (len > 0 && bare[strlen (bare) - 1] == '.')
    bare[strlen (bare) - 1] = '\0';   /* "localhost." */

  if (g_ascii_strcasecmp (bare, "localhost") == 0 ||
      g_str_has_suffix (bare, ".localhost") || g_str_has_suffix (bare, ".LOCALHOST"))
    return TRUE;
  address = g_inet_address_new_from_string (bare);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

/**
 * tend_check_resolve_address:
 * @host: the host the check names (a URL's, a TCP or Redis check's)
 * @port: its port
 * @connect_host: (out) (transfer full): where to connect
 * @connect_port: (out): and on which port
 *
 * Where a probe connects to reach @host:@port as the service's host sees it. For a
 * service on an SSH host, a loopback @host (localhost, 127.0.0.1, ::1) means the remote
 * machine itself: the connection goes to 127.0.0.1 at the local port of the host's SSH
 * forward to @host:@port (a direct-tcpip channel, tend_ssh_session_add_forward()). Any
 * other name is reached from here, as it is written. For a service on this computer it
 * is @host:@port as it is.
 *
 * Returns: whether there is an address: %FALSE with @error when the forward could not
 *   be set up (its local port could not be bound)
 */
gboolean
tend_check_resolve_address (TendCheck  *self,
                            const char *host,
                            guint       port,
                            char      **connect_host,
                            guint      *connect_port,
                            GError    **error)
{
  TendCheckPrivate *priv = tend_check_get_instance_private (self);
  TendSshBackend *backend;
  guint16 local;

  g_return_val_if_fail (TEND_IS_CHECK (self), FALSE);
  g_return_val_if_fail (host != NULL && connect_host != NULL && connect_port != NULL, FALSE);

  if (priv->remote_host == NULL || !tend_check_host_is_loopback (host))
    {
      *connect_host = g_strdup (host);
      *connect_port = port;
      return TRUE;
    }

  backend = TEND_SSH_BACKEND (tend_host_get_backend (priv->remote_host));
  local = tend_ssh_session_add_forward (tend_ssh_backend_get_session (backend), host,
                                        (guint16) port, error);
  if (local == 0)
    {
      g_prefix_error (error, "no SSH forward to %s:%u on %s: ", host, port,
                      tend_host_get_display_name (priv->remote_host));
      return FALSE;
    }
  *connect_host = g_strdup ("127.0.0.1");
  *connect_port = local;
  return TRUE;
}

/* ------------------------------------------------------------------------------------ */
/* GObject                                                                               */

static void
tend_check_finalize (GObject *object)
{
  TendCheckPrivate *priv = tend_check_get_instance_private (TEND_CHECK (object));

  g_clear_pointer (&priv->name, g_free);
  g_clear_object (&priv->remote_host);

  G_OBJECT_CLASS (tend_check_parent_class)->finalize (object);
}

static void
tend_check_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  TendCheckPrivate *priv = tend_check_get_instance_private (TEND_CHECK (object));

  switch (prop_id)
    {
    case PROP_NAME: g_value_set_string (value, priv->name); break;
    case PROP_INTERVAL: g_value_set_int64 (value, priv->interval_usec); break;
    case PROP_TIMEOUT: g_value_set_int64 (value, priv->timeout_usec); break;
    case PROP_FAILURES_BEFORE_HARD: g_value_set_uint (value, priv->failures_before_hard); break;
    case PROP_SUCCESSES_BEFORE_RECOVERED:
      g_value_set_uint (value, priv->successes_before_recovered);
      break;
    case PROP_STARTUP_GRACE: g_value_set_int64 (value, priv->startup_grace_usec); break;
    case PROP_ENABLED: g_value_set_boolean (value, priv->enabled); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_check_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  TendCheckPrivate *priv = tend_check_get_instance_private (TEND_CHECK (object));

  switch (prop_id)
    {
    case PROP_NAME:
      priv->name = g_value_dup_string (value);
      break;
    case PROP_FAILURES_BEFORE_HARD:
      if (priv->failures_before_hard != g_value_get_uint (value))
        {
          priv->failures_before_hard = g_value_get_uint (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_SUCCESSES_BEFORE_RECOVERED:
      if (priv->successes_before_recovered != g_value_get_uint (value))
        {
          priv->successes_before_recovered = g_value_get_uint (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_STARTUP_GRACE:
      if (priv->startup_grace_usec != g_value_get_int64 (value))
        {
          priv->startup_grace_usec = g_value_get_int64 (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_ENABLED:
      if (priv->enabled != g_value_get_boolean (value))
        {
          priv->enabled = g_value_get_boolean (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_check_class_init (TendCheckClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = tend_check_finalize;
  object_class->get_property = tend_check_get_property;
  object_class->set_property = tend_check_set_property;

  klass->probe_finish = tend_check_real_probe_finish;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, "The check's name, unique for its service", NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_INTERVAL] =
    g_param_spec_int64 ("interval", NULL, "µs between runs; see tend_check_set_timing()",
                        MIN_INTERVAL_USEC, G_MAXINT64, 30 * TEND_USEC_PER_SEC, ro);
  properties[PROP_TIMEOUT] =
    g_param_spec_int64 ("timeout", NULL, "µs a run may take; below the interval",
                        1, G_MAXINT64, 10 * TEND_USEC_PER_SEC, ro);
  properties[PROP_FAILURES_BEFORE_HARD] =
    g_param_spec_uint ("failures-before-hard", NULL, "Failed runs in a row before the failure "
                       "is hard", 1, 100, 3, rw);
  properties[PROP_SUCCESSES_BEFORE_RECOVERED] =
    g_param_spec_uint ("successes-before-recovered", NULL, "Passing runs in a row before a "
                       "hard failure counts as recovered", 1, 100, 2, rw);
  properties[PROP_STARTUP_GRACE] =
    g_param_spec_int64 ("startup-grace", NULL, "µs after the service starts during which "
                        "failures of a probe are not counted (see "
                        "tend_check_get_effective_grace())", 0, G_MAXINT64, 0, rw);
  properties[PROP_ENABLED] =
    g_param_spec_boolean ("enabled", NULL, NULL, TRUE, rw);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TendCheck::changed:
   *
   * What the check watches changed between runs, as a kind that is told live learnt
   * (the unit check, from systemd's signals): a monitor runs the check at once rather
   * than at its next tick. Kinds that only probe never emit it.
   */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

/* For kinds: emits TendCheck::changed. */
void
tend_check_changed (TendCheck *self)
{
  g_return_if_fail (TEND_IS_CHECK (self));
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

/* ------------------------------------------------------------------------------------ */
/* Kinds that read a unit through its host (unit, resources)                            */

/* While the host cannot be reached (the bus restarts, the manager is not on it) nothing
 * is known of the unit, so the verdict is unknown, "unreachable", and says so — never a
 * failure of the service, which nobody should recover for it. @error (nullable) is why
 * reading failed, if it was tried.
 *
 * Returns: (transfer full) (nullable): the verdict, or %NULL when the host is connected
 *   and @error is not %TEND_ERROR_UNREACHABLE */
static TendCheckVerdict *
unreachable_verdict (TendHost     *host,
                     const char   *unit,
                     const GError *error)
{
  const char *why = tend_host_get_state_message (host);

  if (tend_host_get_connected (host) &&
      !g_error_matches (error, TEND_ERROR, TEND_ERROR_UNREACHABLE))
    return NULL;

  if (why == NULL)
    why = error != NULL ? error->message : NULL;
  if (why == NULL)
    return tend_check_verdict_new (TEND_RESULT_UNKNOWN, TEND_CHECK_FAILURE_UNREACHABLE, -1,
                                   "state of %s unknown: not connected to %s yet", unit,
                                   tend_host_get_display_name (host));
  return tend_check_verdict_new (TEND_RESULT_UNKNOWN, TEND_CHECK_FAILURE_UNREACHABLE, -1,
                                 "state of %s unknown: %s", unit, why);
}

typedef struct
{
  GTask *task;                      /* (owned) (nullable) until the load answers */
  TendHost *host;                   /* (owned) */
  char *unit;                       /* (owned) */
  TendCheckServiceLoaded loaded;
  TendResultStatus not_found_status;
  const char *not_found_message;    /* (not owned) a static string */
} ServiceProbe;

static void
service_probe_free (ServiceProbe *probe)
{
  g_clear_object (&probe->task);
  g_clear_object (&probe->host);
  g_free (probe->unit);
  g_free (probe);
}

/* What a failed load says of the unit. */
static TendCheckVerdict *
load_failure_verdict (ServiceProbe *probe,
                      const GError *error)
{
  TendCheckVerdict *unreachable = unreachable_verdict (probe->host, probe->unit, error);

  if (unreachable != NULL)
    return unreachable;
  if (g_error_matches (error, TEND_ERROR, TEND_ERROR_NOT_FOUND))
    /* systemd has no such unit: the kind's verdict, not a broken check. */
    return tend_check_verdict_new (probe->not_found_status, TEND_CHECK_FAILURE_STATE,
                                   TEND_CHECK_LATENCY_ELAPSED, "%s", probe->not_found_message);
  return tend_check_verdict_new (TEND_RESULT_UNKNOWN, TEND_CHECK_FAILURE_OTHER, -1,
                                 "could not read %s: %s", probe->unit, error->message);
}

static void
service_probe_load_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  ServiceProbe *probe = user_data;
  g_autoptr(GTask) task = g_steal_pointer (&probe->task);
  g_autoptr(TendService) service = NULL;
  g_autoptr(GError) error = NULL;

  service = tend_host_load_service_finish (TEND_HOST (object), result, &error);
  if (service != NULL)
    {
      TendCheck *self = g_task_get_source_object (task);

      probe->loaded (self, service, g_steal_pointer (&task));
    }
  else if (!g_task_return_error_if_cancelled (task))
    g_task_return_pointer (task, load_failure_verdict (probe, error),
                           (GDestroyNotify) tend_check_verdict_free);
  service_probe_free (probe);
}

/**
 * tend_check_probe_service_async:
 * @host: the host @unit lives on
 * @source_tag: the kind's probe_async, for the task
 * @loaded: called with the service read afresh and the task (transfer full), which it
 *   finishes with a verdict (g_task_return_pointer())
 * @not_found_status: the verdict's status when systemd has no such unit
 * @not_found_message: (not nullable): its message, a static string
 *
 * The probe of a kind that reads a unit through its host (unit, resources), up to the
 * point where the two differ. While the host cannot be reached nothing is asked and the
 * verdict is unknown, "unreachable", with the host's message; a read that fails is
 * "unreachable" when the host went away meanwhile, a verdict with @not_found_status
 * when systemd has no such unit, and unknown otherwise. The kind's probe_finish is the
 * default one.
 */
void
tend_check_probe_service_async (TendCheck              *self,
                                TendHost               *host,
                                const char             *unit,
                                gpointer                source_tag,
                                TendCheckServiceLoaded  loaded,
                                TendResultStatus        not_found_status,
                                const char             *not_found_message,
                                GCancellable           *cancellable,
                                GAsyncReadyCallback     callback,
                                gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  TendCheckVerdict *unreachable;
  ServiceProbe *probe;

  g_return_if_fail (TEND_IS_CHECK (self));
  g_return_if_fail (TEND_IS_HOST (host));
  g_return_if_fail (loaded != NULL && not_found_message != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  unreachable = unreachable_verdict (host, unit, NULL);
  if (unreachable != NULL)
    {
      /* Nothing to ask while the host cannot be reached. */
      g_task_return_pointer (task, unreachable, (GDestroyNotify) tend_check_verdict_free);
      return;
    }

  probe = g_new0 (ServiceProbe, 1);
  probe->task = g_steal_pointer (&task);
  probe->host = g_object_ref (host);
  probe->unit = g_strdup (unit);
  probe->loaded = loaded;
  probe->not_found_status = not_found_status;
  probe->not_found_message = not_found_message;
  tend_host_load_service_async (host, unit, cancellable, service_probe_load_cb, probe);
}

static void
tend_check_init (TendCheck *self)
{
  TendCheckPrivate *priv = tend_check_get_instance_private (self);

  priv->interval_usec = 30 * TEND_USEC_PER_SEC;
  priv->timeout_usec = 10 * TEND_USEC_PER_SEC;
  priv->failures_before_hard = 3;
  priv->successes_before_recovered = 2;
  priv->enabled = TRUE;
}
