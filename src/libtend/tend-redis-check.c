/* tend-redis-check.c — a check that asks a Redis server PING and INFO
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One run connects with hiredis's asynchronous API, driven by hiredis's own GLib
 * adapter (a GSource on the thread-default main context), sends AUTH when a password
 * variable is configured, then PING, which must answer PONG, then INFO, whose
 * used_memory and connected_clients are held against the check's limits together with
 * the PING's round trip.
 *
 * The hiredis context is never freed from inside one of hiredis's callbacks: a
 * callback only records what it found and schedules an idle, and the idle (or the
 * cancellable's source, which is also dispatched on its own) frees the context, then
 * the adapter's GSource, then returns the verdict. When hiredis frees the context
 * itself (the connection failed or was lost), it tells the event library through the
 * adapter's cleanup hook, which this file wraps: from then on nothing touches that
 * context, and the adapter's source, which would otherwise go on to read from the
 * freed context in the same dispatch, is told that nothing is ready.
 *
 * Compatible with hiredis 0.14 (Debian 12) and 1.x: only API present in both is used.
 */
#define G_LOG_DOMAIN "Tend-Checks"

#include <errno.h>
#include <string.h>

#include "tend-hiredis-lib.h"  /* hiredis, opened on first use: before its GLib adapter */
#include <hiredis/adapters/glib.h>

#include "tend-duration.h"
#include "tend-error.h"
#include "tend-redis-check.h"
#include "tend-check-private.h"
#include "tend-util-private.h"

#define ENV_NAME_MAX_LEN 128

/* The figures held against limits, each with a warning and a critical level. */
typedef enum
{
  FIGURE_MEMORY,
  FIGURE_CLIENTS,
  FIGURE_LATENCY,
  N_FIGURES
} Figure;

#define LIMIT_WARN(figure)     ((figure) * 2)
#define LIMIT_CRITICAL(figure) ((figure) * 2 + 1)
#define N_LIMITS               (N_FIGURES * 2)

/* Property and field names: "memory-warn", "memory-critical", ... */
static const char * const limit_names[N_LIMITS] = {
  "memory-warn", "memory-critical",
  "clients-warn", "clients-critical",
  "latency-warn", "latency-critical",
};

struct _TendRedisCheck
{
  TendCheck parent_instance;

  char *host;                       /* (owned) as connected to: IPv6 without brackets */
  guint port;
  char *password_env;               /* (owned) (nullable) the NAME of the variable */
  gint64 limits[N_LIMITS];          /* TEND_REDIS_CHECK_NO_LIMIT or >= 0 */
};

G_DEFINE_FINAL_TYPE (TendRedisCheck, tend_redis_check, TEND_TYPE_CHECK)

enum {
  PROP_0,
  PROP_HOST,
  PROP_PORT,
  PROP_PASSWORD_ENV,
  PROP_MEMORY_WARN,
  PROP_MEMORY_CRITICAL,
  PROP_CLIENTS_WARN,
  PROP_CLIENTS_CRITICAL,
  PROP_LATENCY_WARN,
  PROP_LATENCY_CRITICAL,
  N_PROPS
};

#define PROP_LIMIT(i) (PROP_MEMORY_WARN + (i))

static GParamSpec *properties[N_PROPS];

/* ------------------------------------------------------------------------------------ */
/* Validation                                                                            */

static gboolean
validate_env_name (const char  *name,
                   GError     **error)
{
  static const char rule[] = "it holds the NAME of the environment variable that holds the "
                             "password, never the password itself: 1 to 128 of A-Z, 0-9 and "
                             "\"_\", not starting with a digit";
  g_autofree char *quoted = tend_quote_for_message (name, -1);
  gsize len = strlen (name);

  if (len == 0)
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   "password-env: %s is empty; %s", quoted, rule);
      return FALSE;
    }

  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (!g_ascii_isupper (*p) && !g_ascii_isdigit (*p) && *p != '_')
        {
          g_autofree char *bad = tend_quote_for_message (p, g_utf8_next_char (p) - p);

          g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                       "password-env: %s contains %s; %s", quoted, bad, rule);
          return FALSE;
        }
    }

  if (len > ENV_NAME_MAX_LEN)
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   "password-env: %s is %" G_GSIZE_FORMAT " characters long; %s", quoted, len,
                   rule);
      return FALSE;
    }

  if (g_ascii_isdigit (name[0]))
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   "password-env: %s starts with a digit; %s", quoted, rule);
      return FALSE;
    }

  return TRUE;
}

/* ------------------------------------------------------------------------------------ */
/* Construction and accessors                                                            */

/**
 * tend_redis_check_new:
 * @name: the check's name
 * @host: a host name, an IPv4 address or an IPv6 address (with or without brackets)
 * @port: 1..65535
 * @error: where to say which argument is wrong
 *
 * A check that passes when the Redis server at @host:@port answers PING with PONG and
 * its INFO figures are within the limits (none by default). A run:
 *
 * - connects (a host name is resolved first; each of its addresses is tried in turn
 *   while the connection is refused or the address unreachable);
 * - sends `AUTH` with the password read, at each run, from the environment variable
 *   named by tend_redis_check_set_password_env(), when one is named;
 * - sends `PING`, and times its round trip: this is the verdict's latency;
 * - sends `INFO` and reads `used_memory` (bytes) and `connected_clients` (this check's
 *   own connection is one of them).
 *
 * Verdicts: a pass says "PONG in 0.2 ms, 1.1 MB used, 1 client". A figure above its
 * warning limit is a warning, above its critical limit a failure, both with
 * %TEND_CHECK_FAILURE_THRESHOLD and a message naming the figure and the limit. Nothing
 * listening is %TEND_CHECK_FAILURE_REFUSED; a name that does not resolve
 * %TEND_CHECK_FAILURE_DNS; an answer that is not the expected one — an error, a server
 * that wants a password (NOAUTH), a password refused (WRONGPASS; the message names the
 * variable, never its value), something that does not speak Redis — is
 * %TEND_CHECK_FAILURE_PROTOCOL. A named password variable that is not set, or is
 * empty, makes the check unusable: the run's verdict is unknown and says so.
 *
 * Returns: (transfer full) (nullable): the check, or %NULL with %TEND_ERROR_INVALID_ARGUMENT
 *   naming the field and the rule ("port: 70000 is outside 1..65535")
 */
TendCheck *
tend_redis_check_new (const char  *name,
                      const char  *host,
                      guint        port,
                      GError     **error)
{
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return tend_check_new_for_address (TEND_TYPE_REDIS_CHECK, name, host, port, error);
}

const char *
tend_redis_check_get_host (TendRedisCheck *self)
{
  g_return_val_if_fail (TEND_IS_REDIS_CHECK (self), NULL);
  return self->host;
}

guint
tend_redis_check_get_port (TendRedisCheck *self)
{
  g_return_val_if_fail (TEND_IS_REDIS_CHECK (self), 0);
  return self->port;
}

/**
 * tend_redis_check_get_password_env:
 *
 * Returns: (nullable): the NAME of the environment variable that holds the password
 */
const char *
tend_redis_check_get_password_env (TendRedisCheck *self)
{
  g_return_val_if_fail (TEND_IS_REDIS_CHECK (self), NULL);
  return self->password_env;
}

/**
 * tend_redis_check_set_password_env:
 * @variable: (nullable): the NAME of an environment variable (1 to 128 of A-Z, 0-9 and
 *   "_", not starting with a digit), or %NULL for no AUTH
 *
 * Names the environment variable that holds the server's password. The check keeps
 * only the name: each run reads the variable, sends AUTH first, and forgets the value.
 * A run already under way keeps what it started with.
 *
 * Returns: %FALSE, changing nothing, with the field and the rule in @error when
 *   @variable is not such a name
 */
gboolean
tend_redis_check_set_password_env (TendRedisCheck  *self,
                                   const char      *variable,
                                   GError         **error)
{
  g_return_val_if_fail (TEND_IS_REDIS_CHECK (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (variable != NULL && !validate_env_name (variable, error))
    return FALSE;
  if (g_strcmp0 (self->password_env, variable) == 0)
    return TRUE;

  g_free (self->password_env);
  self->password_env = g_strdup (variable);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PASSWORD_ENV]);
  return TRUE;
}

static void
get_limits (TendRedisCheck *self,
            Figure          figure,
            gint64         *warn,
            gint64         *critical)
{
  if (warn != NULL)
    *warn = self->limits[LIMIT_WARN (figure)];
  if (critical != NULL)
    *critical = self->limits[LIMIT_CRITICAL (figure)];
}

static gboolean
set_limits (TendRedisCheck  *self,
            Figure           figure,
            gint64           warn,
            gint64           critical,
            GError         **error)
{
  const gint64 values[2] = { warn, critical };
  const guint first = LIMIT_WARN (figure);

  for (guint i = 0; i < 2; i++)
    {
      /* The message says "negative": keep it true. */
      G_STATIC_ASSERT (TEND_REDIS_CHECK_MIN_LIMIT == 0);

      if (values[i] < TEND_REDIS_CHECK_MIN_LIMIT && values[i] != TEND_REDIS_CHECK_NO_LIMIT)
        {
          g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                       "%s: %" G_GINT64_FORMAT " is negative; give 0 or more, or -1 for no "
                       "limit", limit_names[first + i], values[i]);
          return FALSE;
        }
    }

  if (warn != TEND_REDIS_CHECK_NO_LIMIT && critical != TEND_REDIS_CHECK_NO_LIMIT &&
      warn >= critical)
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   "%s: %" G_GINT64_FORMAT " must be below %s (%" G_GINT64_FORMAT ")",
                   limit_names[first], warn, limit_names[first + 1], critical);
      return FALSE;
    }

  g_object_freeze_notify (G_OBJECT (self));
  for (guint i = 0; i < 2; i++)
    {
      if (self->limits[first + i] != values[i])
        {
          self->limits[first + i] = values[i];
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LIMIT (first + i)]);
        }
    }
  g_object_thaw_notify (G_OBJECT (self));
  return TRUE;
}

/**
 * tend_redis_check_get_memory_limits:
 * @warn_bytes: (out) (optional): the warning limit, or %TEND_REDIS_CHECK_NO_LIMIT
 * @critical_bytes: (out) (optional): the critical limit, or %TEND_REDIS_CHECK_NO_LIMIT
 */
void
tend_redis_check_get_memory_limits (TendRedisCheck *self,
                                    gint64         *warn_bytes,
                                    gint64         *critical_bytes)
{
  g_return_if_fail (TEND_IS_REDIS_CHECK (self));
  get_limits (self, FIGURE_MEMORY, warn_bytes, critical_bytes);
}

/**
 * tend_redis_check_set_memory_limits:
 * @warn_bytes: used_memory above this is a warning; %TEND_REDIS_CHECK_NO_LIMIT for none
 * @critical_bytes: used_memory above this is a failure; %TEND_REDIS_CHECK_NO_LIMIT for none
 *
 * Each limit is optional (so a single critical level is a warning limit of
 * %TEND_REDIS_CHECK_NO_LIMIT); when both are set, the warning limit is below the
 * critical one. A run already under way keeps the limits it started with.
 *
 * Returns: %FALSE, changing nothing, with the field ("memory-warn", "memory-critical")
 *   and the rule in @error for a negative limit other than -1 or a warning limit that
 *   is not below the critical one
 */
gboolean
tend_redis_check_set_memory_limits (TendRedisCheck  *self,
                                    gint64           warn_bytes,
                                    gint64           critical_bytes,
                                    GError         **error)
{
  g_return_val_if_fail (TEND_IS_REDIS_CHECK (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  return set_limits (self, FIGURE_MEMORY, warn_bytes, critical_bytes, error);
}

/**
 * tend_redis_check_get_clients_limits:
 * @warn: (out) (optional): the warning limit, or %TEND_REDIS_CHECK_NO_LIMIT
 * @critical: (out) (optional): the critical limit, or %TEND_REDIS_CHECK_NO_LIMIT
 */
void
tend_redis_check_get_clients_limits (TendRedisCheck *self,
                                     gint64         *warn,
                                     gint64         *critical)
{
  g_return_if_fail (TEND_IS_REDIS_CHECK (self));
  get_limits (self, FIGURE_CLIENTS, warn, critical);
}

/**
 * tend_redis_check_set_clients_limits:
 * @warn: connected_clients above this is a warning; %TEND_REDIS_CHECK_NO_LIMIT for none
 * @critical: connected_clients above this is a failure; %TEND_REDIS_CHECK_NO_LIMIT for none
 *
 * As tend_redis_check_set_memory_limits(), for the number of connected clients, which
 * counts the check's own connection. Fields: "clients-warn", "clients-critical".
 */
gboolean
tend_redis_check_set_clients_limits (TendRedisCheck  *self,
                                     gint64           warn,
                                     gint64           critical,
                                     GError         **error)
{
  g_return_val_if_fail (TEND_IS_REDIS_CHECK (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  return set_limits (self, FIGURE_CLIENTS, warn, critical, error);
}

/**
 * tend_redis_check_get_latency_limits:
 * @warn_usec: (out) (optional): the warning limit, or %TEND_REDIS_CHECK_NO_LIMIT
 * @critical_usec: (out) (optional): the critical limit, or %TEND_REDIS_CHECK_NO_LIMIT
 */
void
tend_redis_check_get_latency_limits (TendRedisCheck *self,
                                     gint64         *warn_usec,
                                     gint64         *critical_usec)
{
  g_return_if_fail (TEND_IS_REDIS_CHECK (self));
  get_limits (self, FIGURE_LATENCY, warn_usec, critical_usec);
}

/**
 * tend_redis_check_set_latency_limits:
 * @warn_usec: a PING round trip longer than this (µs) is a warning;
 *   %TEND_REDIS_CHECK_NO_LIMIT for none
 * @critical_usec: a PING round trip longer than this (µs) is a failure;
 *   %TEND_REDIS_CHECK_NO_LIMIT for none
 *
 * As tend_redis_check_set_memory_limits(), for the PING round trip. A PING that takes
 * longer than the check's timeout ends the run with a timeout instead. Fields:
 * "latency-warn", "latency-critical".
 */
gboolean
tend_redis_check_set_latency_limits (TendRedisCheck  *self,
                                     gint64           warn_usec,
                                     gint64           critical_usec,
                                     GError         **error)
{
  g_return_val_if_fail (TEND_IS_REDIS_CHECK (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  return set_limits (self, FIGURE_LATENCY, warn_usec, critical_usec, error);
}

/* ------------------------------------------------------------------------------------ */
/* Formatting                                                                            */

/* "42 us", "0.3 ms", "12 ms", "1.5 s" (as the TCP check says them, with microseconds
 * below a tenth of a millisecond): the same text whatever the locale. */
static char *
format_latency (gint64 usec)
{
  if (usec < 100)
    return g_strdup_printf ("%d us", (int) usec);
  if (usec < 10 * TEND_USEC_PER_MSEC)
    return g_strdup_printf ("%d.%d ms", (int) (usec / 1000), (int) (usec % 1000 / 100));
  if (usec < TEND_USEC_PER_SEC)
    return g_strdup_printf ("%d ms", (int) (usec / 1000));
  return g_strdup_printf ("%d.%d s", (int) (usec / TEND_USEC_PER_SEC),
                          (int) (usec % TEND_USEC_PER_SEC / 100000));
}

/* "512 bytes", "1.1 MB" (decimal units, as GNOME shows sizes), whatever the locale. */
static char *
format_size (gint64 bytes)
{
  static const char * const units[] = { "kB", "MB", "GB", "TB", "PB", "EB" };
  guint64 value = (guint64) MAX (bytes, 0);
  guint64 divisor = 1000;
  guint64 tenths;
  guint unit = 0;

  if (value < 1000)
    return g_strdup_printf ("%" G_GUINT64_FORMAT " %s", value, value == 1 ? "byte" : "bytes");

  /* Rounded to tenths of the unit before the unit is chosen: 999,999 bytes is "1.0 MB",
   * not "1000.0 kB". */
  for (;;)
    {
      tenths = value / (divisor / 10) + (value % (divisor / 10) >= divisor / 20 ? 1 : 0);
      if (tenths < 10000 || unit + 1 == G_N_ELEMENTS (units))
        break;
      divisor *= 1000;
      unit++;
    }
  return g_strdup_printf ("%" G_GUINT64_FORMAT ".%d %s", tenths / 10, (int) (tenths % 10),
                          units[unit]);
}

/* "1.1 MB (1104536 bytes)", or "512 bytes" */
static char *
format_size_exact (gint64 bytes)
{
  g_autofree char *size = format_size (bytes);

  if (bytes < 1000)
    return g_steal_pointer (&size);
  return g_strdup_printf ("%s (%" G_GINT64_FORMAT " bytes)", size, bytes);
}

/* What a reply was, for a message: "\"PANG\"", "the integer 3", "an array of 2". */
static char *
describe_reply (const redisReply *reply)
{
  switch (reply->type)
    {
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_ERROR:
      return tend_quote_for_message (reply->str, reply->len);
    case REDIS_REPLY_INTEGER:
      return g_strdup_printf ("the integer %lld", reply->integer);
    case REDIS_REPLY_NIL:
      return g_strdup ("nil");
    case REDIS_REPLY_ARRAY:
      return g_strdup_printf ("an array of %" G_GSIZE_FORMAT, (gsize) reply->elements);
    default:
      return g_strdup_printf ("a reply of type %d", reply->type);
    }
}

static gboolean
reply_is_text (const redisReply *reply)
{
  return reply->type == REDIS_REPLY_STRING || reply->type == REDIS_REPLY_STATUS
#ifdef REDIS_REPLY_VERB
    || reply->type == REDIS_REPLY_VERB
#endif
    ;
}

static gboolean
reply_equals (const redisReply *reply,
              const char       *text)
{
  return reply_is_text (reply) && reply->len == strlen (text) &&
         memcmp (reply->str, text, reply->len) == 0;
}

/* Reads "KEY:NUMBER" from INFO's text. */
static gboolean
info_get_number (const char *info,
                 gsize       len,
                 const char *key,
                 gint64     *value)
{
  const char *p = info;
  const char *end = info + len;
  gsize key_len = strlen (key);

  while (p < end)
    {
      const char *eol = memchr (p, '\n', end - p);
      const char *line_end = eol != NULL ? eol : end;

      if ((gsize) (line_end - p) > key_len && memcmp (p, key, key_len) == 0 && p[key_len] == ':')
        {
          g_autofree char *text = g_strndup (p + key_len + 1, line_end - p - key_len - 1);
          guint64 number;

          g_strchomp (text);
          if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT64, &number, NULL))
            return FALSE;
          *value = (gint64) number;
          return TRUE;
        }
      p = eol != NULL ? eol + 1 : end;
    }
  return FALSE;
}

/* ------------------------------------------------------------------------------------ */
/* The probe                                                                             */

typedef enum
{
  STEP_RESOLVE,
  STEP_CONNECT,
  STEP_AUTH,
  STEP_PING,
  STEP_INFO,
} Step;

static const char * const step_names[] = {
  [STEP_RESOLVE] = "resolving",
  [STEP_CONNECT] = "connecting",
  [STEP_AUTH] = "waiting for the answer to AUTH",
  [STEP_PING] = "waiting for the answer to PING",
  [STEP_INFO] = "waiting for the answer to INFO",
};

typedef struct
{
  GTask *task;                      /* (owned) (nullable) until the probe returns */
  GMainContext *context;            /* (owned) where everything of the probe runs */
  GSource *cancelled_source;        /* (owned) (nullable) */
  GSource *idle_source;             /* (owned) (nullable) the next attempt, or the end */
  char *host;                       /* (owned) */
  guint port;
  char *address;                    /* (owned) "host:port" or "[v6]:port", for messages */
  char *password_env;               /* (owned) (nullable) */
  char *password;                   /* (owned) (nullable) wiped once AUTH is answered */
  gint64 limits[N_LIMITS];
  GList *addresses;                 /* (owned) (element-type GInetAddress) left to try */

  redisAsyncContext *ac;            /* (nullable) NULL once freed, by hiredis or here */
  GSource *redis_source;            /* (owned) (nullable) the hiredis adapter's source */
  Step step;
  gint64 ping_sent;                 /* when PING went out */
  gint64 ping_usec;                 /* its round trip */

  TendCheckVerdict *verdict;        /* (owned) (nullable) once known */
  GError *error;                    /* (owned) (nullable) when the probe ends without one */
  TendCheckVerdict *last_failure;   /* (owned) (nullable) of an address, if the next fails */
  gboolean resolving;               /* a lookup is under way and will call back */
  gboolean retrying;                /* an address failed; the next is tried from an idle */
  gboolean finishing;               /* the outcome is known; hiredis callbacks do nothing */
} Probe;

static void probe_connect_next (Probe *probe);

static void
wipe_password (Probe *probe)
{
  if (probe->password != NULL)
    {
      explicit_bzero (probe->password, strlen (probe->password));
      g_clear_pointer (&probe->password, g_free);
    }
}

static void
destroy_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

/* Frees the hiredis context if hiredis has not, then the adapter's source, which must
 * outlive the context: hiredis calls into it while it frees the context. Never called
 * from inside a hiredis callback. */
static void
drop_connection (Probe *probe)
{
  if (probe->ac != NULL)
    {
      redisAsyncContext *ac = probe->ac;

      /* Only at the end: pending callbacks run now with no reply, and do nothing. */
      g_assert (probe->finishing);
      probe->ac = NULL;
      redisAsyncFree (ac);
    }
  destroy_source (&probe->redis_source);
}

static void
probe_free (Probe *probe)
{
  g_assert (probe->ac == NULL);
  g_assert (probe->redis_source == NULL);
  g_assert (probe->task == NULL);

  wipe_password (probe);
  destroy_source (&probe->cancelled_source);
  destroy_source (&probe->idle_source);
  g_clear_pointer (&probe->context, g_main_context_unref);
  g_clear_pointer (&probe->host, g_free);
  g_clear_pointer (&probe->address, g_free);
  g_clear_pointer (&probe->password_env, g_free);
  g_list_free_full (probe->addresses, g_object_unref);
  g_clear_pointer (&probe->verdict, tend_check_verdict_free);
  g_clear_pointer (&probe->last_failure, tend_check_verdict_free);
  g_clear_error (&probe->error);
  g_free (probe);
}

/* Ends the probe: frees the connection, returns the outcome, frees the probe. Called
 * from an idle or from the cancellable's source, never from inside hiredis. */
static void
probe_complete (Probe *probe)
{
  GTask *task = g_steal_pointer (&probe->task);

  g_assert (probe->finishing);
  g_assert (!probe->resolving);

  drop_connection (probe);
  destroy_source (&probe->cancelled_source);
  destroy_source (&probe->idle_source);

  if (probe->verdict != NULL)
    g_task_return_pointer (task, g_steal_pointer (&probe->verdict),
                           (GDestroyNotify) tend_check_verdict_free);
  else
    g_task_return_error (task, g_steal_pointer (&probe->error));

  probe_free (probe);
  g_object_unref (task);
}

static gboolean
on_finish_idle (gpointer user_data)
{
  probe_complete (user_data);
  return G_SOURCE_REMOVE;
}

/* Records the outcome — a verdict, or else an error — and ends the probe from an idle.
 * The first outcome wins; later ones are dropped. Safe inside hiredis callbacks. */
static void
probe_conclude (Probe            *probe,
                TendCheckVerdict *verdict,
                GError           *error)
{
  g_assert ((verdict == NULL) != (error == NULL));

  if (probe->finishing)
    {
      g_clear_pointer (&verdict, tend_check_verdict_free);
      g_clear_error (&error);
      return;
    }

  g_debug ("redis check on %s: %s", probe->address,
           verdict != NULL ? verdict->message : error->message);
  probe->finishing = TRUE;
  probe->verdict = verdict;
  probe->error = error;
  wipe_password (probe);

  destroy_source (&probe->idle_source);
  probe->idle_source = g_idle_source_new ();
  g_source_set_callback (probe->idle_source, on_finish_idle, probe, NULL);
  g_source_set_static_name (probe->idle_source, "[tend] redis check end");
  g_source_attach (probe->idle_source, probe->context);
}

static void
conclude_protocol (Probe      *probe,
                   const char *format,
                   ...) G_GNUC_PRINTF (2, 3);

static void
conclude_protocol (Probe      *probe,
                   const char *format,
                   ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  probe_conclude (probe, tend_check_verdict_new (TEND_RESULT_FAIL, TEND_CHECK_FAILURE_PROTOCOL,
                                                 TEND_CHECK_LATENCY_ELAPSED, "%s", message),
                  NULL);
}

static gboolean
on_cancelled (GCancellable *cancellable,
              gpointer      user_data)
{
  Probe *probe = user_data;

  if (!probe->finishing)
    {
      probe->finishing = TRUE;
      probe->error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                          "the check was cancelled");
      wipe_password (probe);
    }
  /* A lookup under way is cancelled too, and ends the probe when it calls back. */
  if (!probe->resolving)
    probe_complete (probe);
  return G_SOURCE_REMOVE;
}

/* The errno values a connection failure is told apart by. */
static const int connect_errnos[] = {
  ECONNREFUSED, ENETUNREACH, EHOSTUNREACH, ENETDOWN, EHOSTDOWN, ECONNRESET, ECONNABORTED,
  EPIPE, ETIMEDOUT,
};

/* hiredis reports an I/O error as strerror()'s text and leaves errno as it was set:
 * @saved_errno is used when it is one of the values above, the text otherwise. */
static int
io_error_code (int         saved_errno,
               const char *errstr)
{
  for (guint i = 0; i < G_N_ELEMENTS (connect_errnos); i++)
    if (saved_errno == connect_errnos[i])
      return saved_errno;
  for (guint i = 0; i < G_N_ELEMENTS (connect_errnos); i++)
    if (g_strcmp0 (errstr, g_strerror (connect_errnos[i])) == 0)
      return connect_errnos[i];
  return 0;
}

/* The verdict for a connection that could not be made; @retry says whether another
 * address of the host is worth trying. */
static TendCheckVerdict *
connect_failure_verdict (Probe      *probe,
                         int         err,
                         int         saved_errno,
                         const char *errstr,
                         gboolean   *retry)
{
  int code = err == REDIS_ERR_IO ? io_error_code (saved_errno, errstr) : 0;

  *retry = TRUE;
  switch (code)
    {
    case ECONNREFUSED:
      return tend_check_verdict_new (TEND_RESULT_FAIL, TEND_CHECK_FAILURE_REFUSED, -1,
                                     "connection refused on %s", probe->address);
    case ETIMEDOUT:
      return tend_check_verdict_new (TEND_RESULT_FAIL, TEND_CHECK_FAILURE_TIMEOUT, -1,
                                     "%s did not answer the connection (%s)", probe->address,
                                     errstr);
    case 0:
      *retry = FALSE;
      return tend_check_verdict_new (TEND_RESULT_FAIL, TEND_CHECK_FAILURE_OTHER, -1,
                                     "could not connect to %s: %s", probe->address,
                                     errstr[0] != '\0' ? errstr : "unknown error");
    default:
      return tend_check_verdict_new (TEND_RESULT_FAIL, TEND_CHECK_FAILURE_UNREACHABLE, -1,
                                     "%s is unreachable (%s)", probe->address, errstr);
    }
}

/* The verdict for a connection that was made, then lost. */
static TendCheckVerdict *
lost_verdict (Probe      *probe,
              int         err,
              const char *errstr)
{
  const char *doing = step_names[probe->step];

  if (err == REDIS_ERR_PROTOCOL)
    return tend_check_verdict_new (TEND_RESULT_FAIL, TEND_CHECK_FAILURE_PROTOCOL,
                                   TEND_CHECK_LATENCY_ELAPSED,
                                   "%s does not speak the Redis protocol (%s)", probe->address,
                                   errstr);
  if (err == REDIS_ERR_EOF || (err == REDIS_ERR_IO && io_error_code (0, errstr) != 0))
    return tend_check_verdict_new (TEND_RESULT_FAIL, TEND_CHECK_FAILURE_UNREACHABLE, -1,
                                   "connection to %s lost while %s (%s)", probe->address,
                                   doing, errstr);
  return tend_check_verdict_new (TEND_RESULT_FAIL, TEND_CHECK_FAILURE_OTHER, -1,
                                 "connection to %s lost while %s (%s)", probe->address, doing,
                                 err != 0 && errstr[0] != '\0' ? errstr : "closed");
}

/* hiredis is about to free @source's context, whether it frees it itself (the
 * connection failed or was lost) or drop_connection() asked it to. Wraps the adapter's
 * own cleanup. */
static void
on_redis_source_cleanup (gpointer data)
{
  RedisSource *source = data;
  redisAsyncContext *ac = source->ac;
  Probe *probe = ac != NULL ? ac->data : NULL;

  redis_source_cleanup (data);
  /* The adapter's dispatch goes on from writing to reading with this context, which is
   * freed by then: tell it that nothing more is ready. */
  source->poll_fd.revents = 0;
  source->ac = NULL;

  if (probe == NULL || probe->ac != ac)
    return;
  probe->ac = NULL;
  if (!probe->finishing && !probe->retrying)
    probe_conclude (probe, lost_verdict (probe, ac->c.err, ac->c.errstr), NULL);
}

static gboolean
on_retry_idle (gpointer user_data)
{
  Probe *probe = user_data;

  g_clear_pointer (&probe->idle_source, g_source_unref);
  destroy_source (&probe->redis_source);
  probe->retrying = FALSE;
  probe_connect_next (probe);
  return G_SOURCE_REMOVE;
}

static void
on_connect (const redisAsyncContext *ac,
            int                      status)
{
  int saved_errno = errno;
  Probe *probe = ac->data;
  TendCheckVerdict *verdict;
  gboolean retry;

  if (probe->finishing || probe->ac != ac)
    return;

  if (status == REDIS_OK)
    {
      g_debug ("redis check: connected to %s", probe->address);
      /* The first command goes out right after this, in the same dispatch. */
      if (probe->step == STEP_PING)
        probe->ping_sent = g_get_monotonic_time ();
      return;
    }

  /* hiredis frees the context when this returns. */
  verdict = connect_failure_verdict (probe, ac->c.err, saved_errno, ac->c.errstr, &retry);
  if (retry && probe->addresses != NULL)
    {
      g_clear_pointer (&probe->last_failure, tend_check_verdict_free);
      probe->last_failure = verdict;
      probe->retrying = TRUE;
      destroy_source (&probe->idle_source);
      probe->idle_source = g_idle_source_new ();
      g_source_set_callback (probe->idle_source, on_retry_idle, probe, NULL);
      g_source_set_static_name (probe->idle_source, "[tend] redis check next address");
      g_source_attach (probe->idle_source, probe->context);
      return;
    }
  probe_conclude (probe, verdict, NULL);
}

/* The limits a figure is past: adds to @problems and raises @status. */
static void
judge (Probe            *probe,
       Figure            figure,
       gint64            value,
       GString          *problems,
       TendResultStatus *status)
{
  static const char * const what[N_FIGURES] = {
    "used memory", "connected clients", "PING latency",
  };
  gint64 warn = probe->limits[LIMIT_WARN (figure)];
  gint64 critical = probe->limits[LIMIT_CRITICAL (figure)];
  g_autofree char *figure_text = NULL;
  g_autofree char *limit_text = NULL;
  const char *level;
  gint64 limit;

  if (critical != TEND_REDIS_CHECK_NO_LIMIT && value > critical)
    {
      level = "critical";
      limit = critical;
      *status = TEND_RESULT_FAIL;
    }
  else if (warn != TEND_REDIS_CHECK_NO_LIMIT && value > warn)
    {
      level = "warning";
      limit = warn;
      if (*status == TEND_RESULT_PASS)
        *status = TEND_RESULT_WARN;
    }
  else
    return;

  switch (figure)
    {
    case FIGURE_MEMORY:
      figure_text = format_size_exact (value);
      limit_text = format_size_exact (limit);
      break;
    case FIGURE_CLIENTS:
      figure_text = g_strdup_printf ("%" G_GINT64_FORMAT, value);
      limit_text = g_strdup_printf ("%" G_GINT64_FORMAT, limit);
      break;
    case FIGURE_LATENCY:
      figure_text = format_latency (value);
      limit_text = format_latency (limit);
      break;
    case N_FIGURES:
    default:
      g_assert_not_reached ();
    }

  if (problems->len > 0)
    g_string_append (problems, "; ");
  g_string_append_printf (problems, "%s: %s, above the %s limit of %s", what[figure],
                          figure_text, level, limit_text);
}

static void
on_info_reply (redisAsyncContext *ac,
               void              *r,
               void              *privdata)
{
  Probe *probe = privdata;
  redisReply *reply = r;
  g_autoptr(GString) problems = NULL;
  g_autofree char *latency = NULL;
  g_autofree char *memory = NULL;
  g_autofree char *summary = NULL;
  TendResultStatus status = TEND_RESULT_PASS;
  gint64 used_memory;
  gint64 clients;

  /* No reply: the connection is gone, and on_redis_source_cleanup() says so. */
  if (probe->finishing || probe->ac != ac || reply == NULL)
    return;

  if (reply->type == REDIS_REPLY_ERROR)
    {
      g_autofree char *answer = describe_reply (reply);

      conclude_protocol (probe, "INFO on %s answered an error: %s", probe->address, answer);
      return;
    }
  if (!reply_is_text (reply))
    {
      g_autofree char *answer = describe_reply (reply);

      conclude_protocol (probe, "INFO on %s answered %s, not a text", probe->address, answer);
      return;
    }
  if (!info_get_number (reply->str, reply->len, "used_memory", &used_memory))
    {
      conclude_protocol (probe, "INFO on %s gave no used_memory", probe->address);
      return;
    }
  if (!info_get_number (reply->str, reply->len, "connected_clients", &clients))
    {
      conclude_protocol (probe, "INFO on %s gave no connected_clients", probe->address);
      return;
    }

  problems = g_string_new (NULL);
  judge (probe, FIGURE_MEMORY, used_memory, problems, &status);
  judge (probe, FIGURE_CLIENTS, clients, problems, &status);
  judge (probe, FIGURE_LATENCY, probe->ping_usec, problems, &status);

  latency = format_latency (probe->ping_usec);
  memory = format_size (used_memory);
  summary = g_strdup_printf ("PONG in %s, %s used, %" G_GINT64_FORMAT " %s", latency, memory,
                             clients, clients == 1 ? "client" : "clients");

  if (status == TEND_RESULT_PASS)
    probe_conclude (probe, tend_check_verdict_new (TEND_RESULT_PASS, TEND_CHECK_FAILURE_NONE,
                                                   probe->ping_usec, "%s", summary),
                    NULL);
  else
    probe_conclude (probe, tend_check_verdict_new (status, TEND_CHECK_FAILURE_THRESHOLD,
                                                   probe->ping_usec, "%s (%s)", problems->str,
                                                   summary),
                    NULL);
}

static void
on_ping_reply (redisAsyncContext *ac,
               void              *r,
               void              *privdata)
{
  Probe *probe = privdata;
  redisReply *reply = r;
  g_autofree char *answer = NULL;

  if (probe->finishing || probe->ac != ac || reply == NULL)
    return;

  if (reply_equals (reply, "PONG"))
    {
      probe->ping_usec = g_get_monotonic_time () - probe->ping_sent;
      probe->step = STEP_INFO;
      if (redisAsyncCommand (ac, on_info_reply, probe, "INFO") != REDIS_OK)
        probe_conclude (probe, lost_verdict (probe, ac->c.err, ac->c.errstr), NULL);
      return;
    }

  answer = describe_reply (reply);
  if (reply->type == REDIS_REPLY_ERROR && g_str_has_prefix (reply->str, "NOAUTH"))
    conclude_protocol (probe, "%s wants a password (%s); name the environment variable that "
                       "holds it in the check's password-env", probe->address, answer);
  else if (reply->type == REDIS_REPLY_ERROR)
    conclude_protocol (probe, "PING on %s answered an error: %s", probe->address, answer);
  else
    conclude_protocol (probe, "PING on %s answered %s, not PONG", probe->address, answer);
}

static void
on_auth_reply (redisAsyncContext *ac,
               void              *r,
               void              *privdata)
{
  Probe *probe = privdata;
  redisReply *reply = r;
  g_autofree char *answer = NULL;
  gboolean repeats_password;

  if (probe->finishing || probe->ac != ac || reply == NULL)
    return;

  if (reply_equals (reply, "OK"))
    {
      wipe_password (probe);
      probe->step = STEP_PING;
      probe->ping_sent = g_get_monotonic_time ();
      if (redisAsyncCommand (ac, on_ping_reply, probe, "PING") != REDIS_OK)
        probe_conclude (probe, lost_verdict (probe, ac->c.err, ac->c.errstr), NULL);
      return;
    }

  /* Redis's answers never repeat the password; something else on the port might. */
  repeats_password = reply_is_text (reply) || reply->type == REDIS_REPLY_ERROR
                     ? g_strstr_len (reply->str, reply->len, probe->password) != NULL
                     : FALSE;
  wipe_password (probe);
  answer = repeats_password ? g_strdup ("an answer that repeats the password, not shown")
                            : describe_reply (reply);

  if (reply->type == REDIS_REPLY_ERROR)
    conclude_protocol (probe, "%s refused the password (%s); check the password in the "
                       "environment variable %s", probe->address, answer, probe->password_env);
  else
    conclude_protocol (probe, "AUTH on %s answered %s, not OK; check the password in the "
                       "environment variable %s", probe->address, answer, probe->password_env);
}

/* Connects to the next address left, or ends the probe with the last failure. */
static void
probe_connect_next (Probe *probe)
{
  while (probe->addresses != NULL)
    {
      GInetAddress *inet = probe->addresses->data;
      g_autofree char *ip = g_inet_address_to_string (inet);
      redisAsyncContext *ac;
      TendCheckVerdict *verdict;
      gboolean retry;
      int saved_errno;
      int status;

      probe->addresses = g_list_delete_link (probe->addresses, probe->addresses);
      g_object_unref (inet);

      probe->step = STEP_CONNECT;
      errno = 0;
      ac = redisAsyncConnect (ip, (int) probe->port);
      saved_errno = errno;
      if (ac == NULL)
        {
          probe_conclude (probe, NULL, g_error_new (TEND_ERROR, TEND_ERROR_FAILED,
                                                    "out of memory connecting to %s",
                                                    probe->address));
          return;
        }

      if (ac->err != 0)
        {
          /* Refused at once: no callback was set, nothing is attached. */
          verdict = connect_failure_verdict (probe, ac->err, saved_errno, ac->errstr, &retry);
          redisAsyncFree (ac);
          g_clear_pointer (&probe->last_failure, tend_check_verdict_free);
          if (retry && probe->addresses != NULL)
            {
              probe->last_failure = verdict;
              continue;
            }
          probe_conclude (probe, verdict, NULL);
          return;
        }

      g_debug ("redis check: connecting to %s (%s)", probe->address, ip);
      ac->data = probe;
      probe->ac = ac;
      probe->redis_source = redis_source_new (ac);
      ac->ev.cleanup = on_redis_source_cleanup;
      g_source_set_static_name (probe->redis_source, "[tend] redis check");
      g_source_attach (probe->redis_source, probe->context);
      /* After the adapter: hiredis 1.x asks it to watch for writing here. */
      redisAsyncSetConnectCallback (ac, on_connect);

      if (probe->password != NULL)
        {
          probe->step = STEP_AUTH;
          status = redisAsyncCommand (ac, on_auth_reply, probe, "AUTH %s", probe->password);
        }
      else
        {
          probe->step = STEP_PING;
          probe->ping_sent = g_get_monotonic_time ();   /* on_connect() sets it closer */
          status = redisAsyncCommand (ac, on_ping_reply, probe, "PING");
        }
      if (status != REDIS_OK)
        probe_conclude (probe, NULL, g_error_new (TEND_ERROR, TEND_ERROR_FAILED,
                                                  "could not send to %s: %s", probe->address,
                                                  ac->c.errstr));
      return;
    }

  if (probe->last_failure != NULL)
    probe_conclude (probe, g_steal_pointer (&probe->last_failure), NULL);
  else
    probe_conclude (probe, tend_check_verdict_new (TEND_RESULT_FAIL, TEND_CHECK_FAILURE_DNS, -1,
                                                   "%s has no address", probe->host),
                    NULL);
}

/* GIO's message says what went wrong after its last ": " ("Error resolving “x”: Name or
 * service not known"). */
static const char *
error_reason (const GError *error)
{
  const char *colon = g_strrstr (error->message, ": ");

  return colon != NULL && colon[2] != '\0' ? colon + 2 : error->message;
}

static void
on_resolved (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Probe *probe = user_data;
  g_autoptr(GError) error = NULL;
  GList *addresses;

  addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (object), result, &error);
  probe->resolving = FALSE;

  if (probe->finishing)
    {
      /* Cancelled while resolving: on_cancelled() left the end to this. */
      g_resolver_free_addresses (addresses);
      probe_complete (probe);
      return;
    }

  if (addresses == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        probe_conclude (probe, NULL, g_steal_pointer (&error));
      else
        probe_conclude (probe, tend_check_verdict_new (TEND_RESULT_FAIL, TEND_CHECK_FAILURE_DNS,
                                                       -1, "%s does not resolve (%s)",
                                                       probe->host, error_reason (error)),
                        NULL);
      return;
    }

  probe->addresses = addresses;
  probe_connect_next (probe);
}

static void
tend_redis_check_probe_async (TendCheck           *check,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  TendRedisCheck *self = TEND_REDIS_CHECK (check);
  g_autoptr(GInetAddress) literal = NULL;
  g_autoptr(GResolver) resolver = NULL;
  GError *error = NULL;
  Probe *probe;

  probe = g_new0 (Probe, 1);
  probe->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (probe->task, tend_redis_check_probe_async);
  probe->context = g_main_context_ref_thread_default ();
  probe->address = tend_check_format_address (self->host, self->port);
  /* A server on an SSH host's loopback is reached through its forward: the messages
   * still name the address as the check has it. */
  if (!tend_check_resolve_address (check, self->host, self->port, &probe->host, &probe->port,
                                   &error))
    {
      probe_conclude (probe, NULL, g_steal_pointer (&error));
      return;
    }
  probe->password_env = g_strdup (self->password_env);
  memcpy (probe->limits, self->limits, sizeof probe->limits);
  probe->step = STEP_RESOLVE;

  if (cancellable != NULL)
    {
      /* Dispatched on its own, so the connection can be freed there, outside hiredis. */
      probe->cancelled_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (probe->cancelled_source, G_SOURCE_FUNC (on_cancelled), probe, NULL);
      g_source_set_static_name (probe->cancelled_source, "[tend] redis check cancelled");
      g_source_attach (probe->cancelled_source, probe->context);
      if (g_cancellable_is_cancelled (cancellable))
        return;
    }

  if (probe->password_env != NULL)
    {
      const char *value = g_getenv (probe->password_env);

      if (value == NULL || *value == '\0')
        {
          probe_conclude (probe, NULL,
                          g_error_new (TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                                       "password-env: the environment variable %s is %s; "
                                       "it must hold the password of the Redis server on %s",
                                       probe->password_env, value == NULL ? "not set" : "empty",
                                       probe->address));
          return;
        }
      probe->password = g_strdup (value);
    }

  literal = g_inet_address_new_from_string (probe->host);
  if (literal != NULL)
    {
      probe->addresses = g_list_prepend (NULL, g_steal_pointer (&literal));
      probe_connect_next (probe);
      return;
    }

  resolver = g_resolver_get_default ();
  probe->resolving = TRUE;
  g_resolver_lookup_by_name_async (resolver, probe->host, cancellable, on_resolved, probe);
}

/* ------------------------------------------------------------------------------------ */
/* GObject                                                                               */

static void
tend_redis_check_finalize (GObject *object)
{
  TendRedisCheck *self = TEND_REDIS_CHECK (object);

  g_clear_pointer (&self->host, g_free);
  g_clear_pointer (&self->password_env, g_free);

  G_OBJECT_CLASS (tend_redis_check_parent_class)->finalize (object);
}

static void
tend_redis_check_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  TendRedisCheck *self = TEND_REDIS_CHECK (object);

  switch (prop_id)
    {
    case PROP_HOST: g_value_set_string (value, self->host); break;
    case PROP_PORT: g_value_set_uint (value, self->port); break;
    case PROP_PASSWORD_ENV: g_value_set_string (value, self->password_env); break;
    case PROP_MEMORY_WARN:
    case PROP_MEMORY_CRITICAL:
    case PROP_CLIENTS_WARN:
    case PROP_CLIENTS_CRITICAL:
    case PROP_LATENCY_WARN:
    case PROP_LATENCY_CRITICAL:
      g_value_set_int64 (value, self->limits[prop_id - PROP_MEMORY_WARN]);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_redis_check_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  TendRedisCheck *self = TEND_REDIS_CHECK (object);

  switch (prop_id)
    {
    case PROP_HOST: self->host = g_value_dup_string (value); break;
    case PROP_PORT: self->port = g_value_get_uint (value); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static char *
tend_redis_check_dup_target (TendCheck *check)
{
  TendRedisCheck *self = TEND_REDIS_CHECK (check);

  return tend_check_format_address (self->host, self->port);
}

static void
tend_redis_check_class_init (TendRedisCheckClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  TendCheckClass *check_class = TEND_CHECK_CLASS (klass);
  const GParamFlags construct = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                                G_PARAM_STATIC_STRINGS;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  static const char * const limit_blurbs[N_LIMITS] = {
    "used_memory (bytes) above this is a warning; -1 for no limit",
    "used_memory (bytes) above this is a failure; -1 for no limit",
    "connected_clients above this is a warning; -1 for no limit",
    "connected_clients above this is a failure; -1 for no limit",
    "A PING round trip (µs) above this is a warning; -1 for no limit",
    "A PING round trip (µs) above this is a failure; -1 for no limit",
  };

  object_class->finalize = tend_redis_check_finalize;
  object_class->get_property = tend_redis_check_get_property;
  object_class->set_property = tend_redis_check_set_property;

  check_class->kind = "redis";
  check_class->probe_async = tend_redis_check_probe_async;
  check_class->dup_target = tend_redis_check_dup_target;

  properties[PROP_HOST] =
    g_param_spec_string ("host", NULL, "Host name or IP address of the server", NULL, construct);
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, "TCP port of the server", 1, 65535, 6379, construct);
  properties[PROP_PASSWORD_ENV] =
    g_param_spec_string ("password-env", NULL, "The NAME of the environment variable that "
                         "holds the password; see tend_redis_check_set_password_env()", NULL, ro);
  for (guint i = 0; i < N_LIMITS; i++)
    properties[PROP_LIMIT (i)] =
      g_param_spec_int64 (limit_names[i], NULL, limit_blurbs[i], -1, G_MAXINT64,
                          TEND_REDIS_CHECK_NO_LIMIT, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tend_redis_check_init (TendRedisCheck *self)
{
  for (guint i = 0; i < N_LIMITS; i++)
    self->limits[i] = TEND_REDIS_CHECK_NO_LIMIT;
}
