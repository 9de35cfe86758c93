/* tend-sdbus-util.c — sd-bus on the GLib main loop, and its messages read into GVariants
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A TendSdbusBackend's connection is driven by a GSource on the thread-default main
 * context it connected on: the source polls the connection's socket for what sd-bus
 * wants (sd_bus_get_events) with sd-bus's own deadline (sd_bus_get_timeout), and
 * dispatches with sd_bus_process until it has nothing left to do. Nothing blocks:
 * sd-bus writes what the socket takes and queues the rest.
 *
 * Messages are read in place. The few callers that need GVariants (a unit's details,
 * a change signal) get them for the properties they use only.
 */
#define G_LOG_DOMAIN "Tend-Dbus"

#include <errno.h>
#include <poll.h>

#include "tend-sdbus-private.h"

typedef struct
{
  GSource source;
  sd_bus *bus;                 /* (owned) */
  gpointer fd_tag;
  GIOCondition condition;      /* what the fd is polled for now */
  GObject *owner;              /* (unowned) it destroys the source before it goes */
  TendSdbusClosedFunc closed;
  gboolean closed_told;
} BusSource;

static gboolean
bus_source_prepare (GSource *source,
                    gint    *timeout)
{
  BusSource *self = (BusSource *) source;
  GIOCondition condition = G_IO_HUP | G_IO_ERR;
  guint64 until = UINT64_MAX;
  int events;

  *timeout = -1;
  if (sd_bus_is_open (self->bus) <= 0)
    return !self->closed_told;

  events = sd_bus_get_events (self->bus);
  if (events < 0)
    return TRUE;
  if (events & POLLIN)
    condition |= G_IO_IN;
  if (events & POLLOUT)
    condition |= G_IO_OUT;
  /* Only on a change: g_source_modify_unix_fd() wakes the context up, and doing so in
   * every prepare would make the loop spin. */
  if (condition != self->condition)
    {
      g_source_modify_unix_fd (source, self->fd_tag, condition);
      self->condition = condition;
    }

  if (sd_bus_get_timeout (self->bus, &until) < 0)
    return TRUE;
  if (until != UINT64_MAX)
    {
      gint64 now = g_get_monotonic_time ();  /* CLOCK_MONOTONIC, in µs, as sd-bus's */

      if ((gint64) until <= now)
        return TRUE;
      *timeout = (gint) MIN ((until - now + 999) / 1000, (guint64) G_MAXINT);
    }
  return FALSE;
}

static gboolean
bus_source_check (GSource *source)
{
  BusSource *self = (BusSource *) source;
  guint64 until = UINT64_MAX;

  if (g_source_query_unix_fd (source, self->fd_tag) != 0)
    return TRUE;
  if (sd_bus_is_open (self->bus) <= 0)
    return !self->closed_told;
  return sd_bus_get_timeout (self->bus, &until) >= 0 && until != UINT64_MAX &&
         (gint64) until <= g_get_monotonic_time ();
}

static gboolean
bus_source_dispatch (GSource     *source,
                     GSourceFunc  callback,
                     gpointer     user_data)
{
  BusSource *self = (BusSource *) source;
  g_autoptr(GObject) owner = g_object_ref (self->owner);
  sd_bus *bus = sd_bus_ref (self->bus);
  int r;

  /* Everything that is there now: replies, signals, the rest of a write. A message
   * handler may drop the connection (and destroy this source): the references above
   * keep both alive until the end. */
  do
    r = sd_bus_process (bus, NULL);
  while (r > 0);

  if (sd_bus_is_open (bus) <= 0 && !self->closed_told && !g_source_is_destroyed (source))
    {
      /* Closing: sd-bus fails every pending call (its callback runs with an error),
       * then the connection is closed. Then its owner hears of it, once. */
      while (sd_bus_process (bus, NULL) > 0)
        ;
      self->closed_told = TRUE;
      if (!g_source_is_destroyed (source))
        self->closed (self->owner);
    }

  sd_bus_unref (bus);
  return G_SOURCE_CONTINUE;
}

static void
bus_source_finalize (GSource *source)
{
  BusSource *self = (BusSource *) source;

  self->bus = sd_bus_unref (self->bus);
}

static GSourceFuncs bus_source_funcs = {
  bus_source_prepare,
  bus_source_check,
  bus_source_dispatch,
  bus_source_finalize,
  NULL, NULL,
};

/**
 * tend_sdbus_source_new:
 * @bus: a started connection
 * @owner: who owns the connection; it must destroy the source before it goes
 * @closed: called once, on @owner, when the connection has closed (after every pending
 *   call failed)
 *
 * Returns: (transfer full): a source driving @bus, to attach to a main context
 */
GSource *
tend_sdbus_source_new (sd_bus              *bus,
                       GObject             *owner,
                       TendSdbusClosedFunc  closed)
{
  GSource *source = g_source_new (&bus_source_funcs, sizeof (BusSource));
  BusSource *self = (BusSource *) source;

  self->bus = sd_bus_ref (bus);
  self->owner = owner;
  self->closed = closed;
  self->condition = G_IO_IN | G_IO_HUP | G_IO_ERR;
  self->fd_tag = g_source_add_unix_fd (source, sd_bus_get_fd (bus), self->condition);
  g_source_set_name (source, "[tend] sd-bus connection");
  return source;
}

/* ------------------------------------------------------------------------------------ */
/* Reading                                                                               */

static GVariant *
read_basic (sd_bus_message *message,
            char            type)
{
  union {
    uint8_t y; int b; int16_t n; uint16_t q; int32_t i; uint32_t u; int64_t x; uint64_t t;
    double d; const char *s; int h;
  } v;

  if (sd_bus_message_read_basic (message, type, &v) <= 0)
    return NULL;

  switch (type)
    {
    case SD_BUS_TYPE_BYTE: return g_variant_new_byte (v.y);
    case SD_BUS_TYPE_BOOLEAN: return g_variant_new_boolean (v.b);
    case SD_BUS_TYPE_INT16: return g_variant_new_int16 (v.n);
    case SD_BUS_TYPE_UINT16: return g_variant_new_uint16 (v.q);
    case SD_BUS_TYPE_INT32: return g_variant_new_int32 (v.i);
    case SD_BUS_TYPE_UINT32: return g_variant_new_uint32 (v.u);
    case SD_BUS_TYPE_INT64: return g_variant_new_int64 (v.x);
    case SD_BUS_TYPE_UINT64: return g_variant_new_uint64 (v.t);
    case SD_BUS_TYPE_DOUBLE: return g_variant_new_double (v.d);
    case SD_BUS_TYPE_STRING: return g_variant_new_string (v.s);
    case SD_BUS_TYPE_OBJECT_PATH: return g_variant_new_object_path (v.s);
    case SD_BUS_TYPE_SIGNATURE: return g_variant_new_signature (v.s);
    case SD_BUS_TYPE_UNIX_FD: return g_variant_new_handle (-1);  /* no descriptor is kept */
    default: return NULL;
    }
}

/**
 * tend_sdbus_read_value:
 *
 * Reads the next complete value of @message (a container with everything in it).
 *
 * Returns: (transfer floating) (nullable): the value, %NULL at the end of the current
 *   container or where the message does not read
 */
GVariant *
tend_sdbus_read_value (sd_bus_message *message)
{
  GVariantBuilder builder;
  g_autofree char *type_string = NULL;
  const char *contents = NULL;
  GVariant *child;
  char type;

  if (sd_bus_message_peek_type (message, &type, &contents) <= 0)
    return NULL;

  switch (type)
    {
    case SD_BUS_TYPE_VARIANT:
      if (sd_bus_message_enter_container (message, type, contents) <= 0)
        return NULL;
      child = tend_sdbus_read_value (message);
      if (child == NULL || sd_bus_message_exit_container (message) < 0)
        {
          if (child != NULL)
            g_variant_unref (g_variant_ref_sink (child));
          return NULL;
        }
      return g_variant_new_variant (child);

    case SD_BUS_TYPE_ARRAY:
      type_string = g_strconcat ("a", contents, NULL);
      break;
    case SD_BUS_TYPE_STRUCT:
      type_string = g_strconcat ("(", contents, ")", NULL);
      break;
    case SD_BUS_TYPE_DICT_ENTRY:
      type_string = g_strconcat ("{", contents, "}", NULL);
      break;
    default:
      return read_basic (message, type);
    }

  if (!g_variant_type_string_is_valid (type_string) ||
      sd_bus_message_enter_container (message, type, contents) <= 0)
    return NULL;
  g_variant_builder_init (&builder, G_VARIANT_TYPE (type_string));
  while (sd_bus_message_at_end (message, FALSE) == 0)
    {
      child = tend_sdbus_read_value (message);
      if (child == NULL)
        {
          g_variant_builder_clear (&builder);
          return NULL;
        }
      g_variant_builder_add_value (&builder, child);
    }
  if (sd_bus_message_exit_container (message) < 0)
    {
      g_variant_builder_clear (&builder);
      return NULL;
    }
  return g_variant_builder_end (&builder);
}

/**
 * tend_sdbus_read_properties:
 * @wanted: the names of the properties to keep (a set of strings)
 * @into: where the kept ones go
 *
 * Reads an `a{sv}` of properties (GetAll's answer, PropertiesChanged's changes) and
 * builds GVariants for the @wanted ones only; the others are skipped in place.
 *
 * Returns: whether the dictionary read
 */
gboolean
tend_sdbus_read_properties (sd_bus_message *message,
                            GHashTable     *wanted,
                            GVariantDict   *into)
{
  if (sd_bus_message_enter_container (message, SD_BUS_TYPE_ARRAY, "{sv}") <= 0)
    return FALSE;

  while (sd_bus_message_enter_container (message, SD_BUS_TYPE_DICT_ENTRY, "sv") > 0)
    {
      const char *key;
      gboolean keep;

      if (sd_bus_message_read_basic (message, SD_BUS_TYPE_STRING, &key) <= 0)
        return FALSE;
      keep = g_hash_table_contains (wanted, key);
      if (keep)
        {
          g_autoptr(GVariant) variant = tend_sdbus_read_value (message);
          g_autoptr(GVariant) value = NULL;

          if (variant == NULL)
            return FALSE;
          g_variant_ref_sink (variant);
          value = g_variant_get_variant (variant);
          g_variant_dict_insert_value (into, key, value);
        }
      else if (sd_bus_message_skip (message, "v") < 0)
        return FALSE;
      if (sd_bus_message_exit_container (message) < 0)
        return FALSE;
    }

  return sd_bus_message_exit_container (message) >= 0;
}

/**
 * tend_sdbus_error_to_gerror:
 * @reply: a reply that may be an error
 *
 * An error reply as GDBus would give it (the remote error's name is kept, for
 * tend_dbus_translate_error()). sd-bus answers a call whose connection went away, and
 * one that timed out, with a NoReply of its own: the first is %G_IO_ERROR_CLOSED, the
 * second %G_IO_ERROR_TIMED_OUT.
 *
 * Returns: (transfer full) (nullable): %NULL when @reply is no error
 */
GError *
tend_sdbus_error_to_gerror (sd_bus_message *reply)
{
  const sd_bus_error *error = sd_bus_message_get_error (reply);

  if (error == NULL)
    return NULL;

  if (sd_bus_error_has_name (error, SD_BUS_ERROR_NO_REPLY))
    {
      sd_bus *bus = sd_bus_message_get_bus (reply);

      if (bus == NULL || sd_bus_is_open (bus) <= 0)
        return g_error_new (G_IO_ERROR, G_IO_ERROR_CLOSED, "the connection closed (%s)",
                            error->message ? error->message : error->name);
      return g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "%s",
                          error->message ? error->message : "no reply in time");
    }

  return g_dbus_error_new_for_dbus_error (error->name, error->message ? error->message : "");
}

/**
 * tend_sdbus_errno_to_gerror:
 * @negative_errno: what an sd-bus function returned
 * @doing: what was being done, for the message
 */
GError *
tend_sdbus_errno_to_gerror (int         negative_errno,
                            const char *doing)
{
  int code = -negative_errno;

  if (code == ENOTCONN || code == ECONNRESET || code == EPIPE || code == ESHUTDOWN)
    return g_error_new (G_IO_ERROR, G_IO_ERROR_CLOSED, "%s: %s", doing, g_strerror (code));
  return g_error_new (G_IO_ERROR, g_io_error_from_errno (code), "%s: %s", doing,
                      g_strerror (code));
}
