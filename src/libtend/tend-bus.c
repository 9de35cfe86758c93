/* tend-bus.c — Tend's own connections to a message bus, and how often to try again
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GDBus's shared connections (g_bus_get()) raise SIGTERM in the whole process when the
 * bus closes them: a restart of the D-Bus daemon would end `tendctl monitor`. Every
 * connection Tend makes comes from here instead: a private one, dialled asynchronously
 * to the bus's address, that only closes when the bus goes away. Whoever holds it
 * decides what a closed bus means (a host is "unreachable, reconnecting").
 *
 * The address is worked out without autolaunching anything (g_dbus_address_get_for_bus_sync()
 * may spawn dbus-launch and wait for it): DBUS_SESSION_BUS_ADDRESS, else
 * $XDG_RUNTIME_DIR/bus where it exists; DBUS_SYSTEM_BUS_ADDRESS, else the standard
 * system bus socket.
 */
#define G_LOG_DOMAIN "Tend-Dbus"

#include "tend-bus.h"
#include "tend-error.h"

#define SYSTEM_BUS_DEFAULT_ADDRESS "unix:path=/run/dbus/system_bus_socket"

/* Reconnection: the first try after 500 ms, then twice as long each time, up to 30 s. */
#define RECONNECT_FIRST_MSEC 500
#define RECONNECT_MAX_MSEC   30000

/**
 * tend_bus_dup_address:
 * @bus_type: %G_BUS_TYPE_SESSION or %G_BUS_TYPE_SYSTEM
 *
 * Returns: (transfer full) (nullable): the bus's address, or %NULL with
 *   %TEND_ERROR_UNREACHABLE saying what to set
 */
char *
tend_bus_dup_address (GBusType   bus_type,
                      GError   **error)
{
  const char *env;

  g_return_val_if_fail (bus_type == G_BUS_TYPE_SESSION || bus_type == G_BUS_TYPE_SYSTEM, NULL);

  if (bus_type == G_BUS_TYPE_SYSTEM)
    {
      env = g_getenv ("DBUS_SYSTEM_BUS_ADDRESS");
      return g_strdup (env && *env ? env : SYSTEM_BUS_DEFAULT_ADDRESS);
    }

  env = g_getenv ("DBUS_SESSION_BUS_ADDRESS");
  if (env != NULL && *env != '\0')
    return g_strdup (env);

  env = g_getenv ("XDG_RUNTIME_DIR");
  if (env != NULL && *env != '\0')
    {
      g_autofree char *socket = g_build_filename (env, "bus", NULL);

      if (g_file_test (socket, G_FILE_TEST_EXISTS))
        return g_strconcat ("unix:path=", socket, NULL);
      g_set_error (error, TEND_ERROR, TEND_ERROR_UNREACHABLE,
                   "no session bus: DBUS_SESSION_BUS_ADDRESS is not set and %s does not exist. "
                   "Log in to a desktop session, or set DBUS_SESSION_BUS_ADDRESS to the bus "
                   "where 'systemd --user' runs (or use --system)", socket);
      return NULL;
    }

  g_set_error_literal (error, TEND_ERROR, TEND_ERROR_UNREACHABLE,
                       "no session bus: neither DBUS_SESSION_BUS_ADDRESS nor XDG_RUNTIME_DIR is "
                       "set. Log in to a desktop session, or set DBUS_SESSION_BUS_ADDRESS to the "
                       "bus where 'systemd --user' runs (or use --system)");
  return NULL;
}

/**
 * tend_bus_unreachable_error:
 * @label: who the connection is for ("this computer (user manager)")
 * @address: the address dialled
 * @reason: what the connection attempt said
 *
 * Returns: (transfer full): %TEND_ERROR_UNREACHABLE naming the bus and what to check,
 *   for every backend that dials a bus
 */
GError *
tend_bus_unreachable_error (GBusType    bus_type,
                            const char *label,
                            const char *address,
                            const char *reason)
{
  return g_error_new (TEND_ERROR, TEND_ERROR_UNREACHABLE,
                      "cannot reach %s: the %s bus at '%s' does not answer (%s)%s",
                      label, bus_type == G_BUS_TYPE_SYSTEM ? "system" : "session", address,
                      reason,
                      bus_type == G_BUS_TYPE_SYSTEM
                      ? ". Is dbus running? (systemctl status dbus.socket)"
                      : ". Is the user's bus running? (systemctl --user status "
                        "dbus.socket) Or set DBUS_SESSION_BUS_ADDRESS to the bus "
                        "where 'systemd --user' runs");
}

typedef struct
{
  GBusType bus_type;
  char *label;                 /* (owned) who the connection is for, for messages */
  char *address;               /* (owned) */
} ConnectData;

static void
connect_data_free (ConnectData *data)
{
  g_free (data->label);
  g_free (data->address);
  g_free (data);
}

static void
connection_ready_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ConnectData *data = g_task_get_task_data (task);
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(GError) error = NULL;

  connection = g_dbus_connection_new_for_address_finish (result, &error);
  if (connection == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_error (task, tend_bus_unreachable_error (data->bus_type, data->label,
                                                               data->address, error->message));
      return;
    }

  /* Ours alone: a bus that goes away closes it, and the process goes on. */
  g_dbus_connection_set_exit_on_close (connection, FALSE);
  g_task_return_pointer (task, g_steal_pointer (&connection), g_object_unref);
}

/**
 * tend_bus_connect_async:
 * @bus_type: %G_BUS_TYPE_SESSION or %G_BUS_TYPE_SYSTEM
 * @label: what the connection is for, as a person names it ("this computer (user
 *   manager)"), for error messages
 *
 * Dials a private connection to the bus, authenticates and says Hello, without
 * blocking. The connection does not end the process when the bus closes it: watch its
 * #GDBusConnection::closed signal.
 */
void
tend_bus_connect_async (GBusType             bus_type,
                        const char          *label,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ConnectData *data;
  GError *error = NULL;

  g_return_if_fail (bus_type == G_BUS_TYPE_SESSION || bus_type == G_BUS_TYPE_SYSTEM);
  g_return_if_fail (label != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tend_bus_connect_async);
  data = g_new0 (ConnectData, 1);
  data->bus_type = bus_type;
  data->label = g_strdup (label);
  data->address = tend_bus_dup_address (bus_type, &error);
  g_task_set_task_data (task, data, (GDestroyNotify) connect_data_free);
  if (data->address == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_dbus_connection_new_for_address (data->address,
                                     G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                     G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                     NULL, cancellable, connection_ready_cb,
                                     g_steal_pointer (&task));
}

/**
 * tend_bus_connect_finish:
 * @address: (out) (optional) (nullable): the address dialled, also on failure when one
 *   was found
 *
 * Returns: (transfer full) (nullable): the connection, open and registered on the bus
 */
GDBusConnection *
tend_bus_connect_finish (GAsyncResult  *result,
                         char         **address,
                         GError       **error)
{
  ConnectData *data;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tend_bus_connect_async, NULL);

  data = g_task_get_task_data (G_TASK (result));
  if (address != NULL)
    *address = g_strdup (data->address);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * tend_reconnect_delay_msec:
 * @attempt: how many tries failed since the connection was lost (0 for the first)
 *
 * The exponential backoff of reconnections, to a bus or to a host: 500 ms, then twice
 * as long after each failed try, at most 30 s.
 *
 * Returns: how long to wait before the next try
 */
guint
tend_reconnect_delay_msec (guint attempt)
{
  guint delay = RECONNECT_FIRST_MSEC;

  for (guint i = 0; i < attempt && delay < RECONNECT_MAX_MSEC; i++)
    delay *= 2;
  return MIN (delay, RECONNECT_MAX_MSEC);
}
