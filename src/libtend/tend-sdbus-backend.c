/* tend-sdbus-backend.c — systemd on this computer, over sd-bus (libsystemd)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The same TendBackend as TendDbusBackend, on the library systemctl itself uses. What
 * it buys (docs/benchmarks.md, issue 14): ListUnits' answer is read in place, straight
 * into a TendUnitList whose strings stay in the message (GDBus builds a GVariant tree of
 * the whole answer first, on its worker thread); a unit's details build GVariants for
 * the properties Tend uses only.
 *
 * Where it connects, as systemctl does: to the manager's own private socket when there
 * is one this process may use ($XDG_RUNTIME_DIR/systemd/private for the user's manager,
 * /run/systemd/private for the system's when running as root), with no bus daemon in
 * between and no Hello — never inside a Flatpak sandbox, which shows neither socket (the
 * buses come through flatpak's D-Bus proxy); else to the bus (tend_bus_dup_address()),
 * where on the system bus every call allows interactive authorization, so polkit can
 * ask for a password.
 * On the private socket systemd sends its signals to every client; on the bus they
 * need Subscribe, which is made on both. On the bus the backend also follows the
 * manager's name, as TendDbusBackend does ("disconnected", then "available"); on the
 * private socket a manager that goes (a daemon-reexec) closes the connection.
 *
 * Every call is asynchronous (sd_bus_call_async), driven by a GSource on the
 * thread-default main context of connect (tend-sdbus-util.c). Operations that queue a
 * job are in tend-sdbus-actions.c. Errors, job results and the journal are shared with
 * TendDbusBackend (tend-dbus-shared.c).
 */
#define G_LOG_DOMAIN "Tend-Dbus"
#define _GNU_SOURCE  /* struct ucred */

#include "config.h"

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tend-backend.h"
#include "tend-bus.h"
#include "tend-cgroup-private.h"
#include "tend-dbus-private.h"
#include "tend-error.h"
#include "tend-result-private.h"
#include "tend-sdbus-backend-private.h"
#include "tend-sdbus-private.h"
#include "tend-sandbox.h"
#include "tend-service.h"
#include "tend-unit-name.h"

/* The properties TendService applies (tend_service_get_property_names()) and the unit
 * check reads (Result): a unit's details and its changes are built for these only. A set:
 * each of the ~300 properties of a unit's GetAll is looked up in it. */
static GHashTable *
used_properties (void)
{
  static GHashTable *names = NULL;

  if (g_once_init_enter (&names))
    {
      const char * const *service_names = tend_service_get_property_names ();
      GHashTable *set = g_hash_table_new (g_str_hash, g_str_equal);

      for (guint i = 0; service_names[i] != NULL; i++)
        g_hash_table_add (set, (gpointer) service_names[i]);
      g_hash_table_add (set, (gpointer) "Result");
      g_once_init_leave (&names, set);
    }
  return names;
}

static void tend_sdbus_backend_iface_init (TendBackendInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TendSdbusBackend, tend_sdbus_backend, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (TEND_TYPE_BACKEND,
                                                      tend_sdbus_backend_iface_init))

/* ------------------------------------------------------------------------------------ */
/* Errors and calls                                                                      */

/* The error of @reply as a TEND_ERROR, or %NULL when it is no error. */
GError *
tend_sdbus_reply_error (TendSdbusBackend *self,
                        sd_bus_message   *reply,
                        const char       *unit,
                        const char       *verb)
{
  g_autoptr(GError) error = tend_sdbus_error_to_gerror (reply);

  if (error == NULL)
    return NULL;
  return tend_dbus_translate_error (self->host_label, self->address, error, unit, verb);
}

static GError *
errno_error (TendSdbusBackend *self,
             int               r,
             const char       *unit,
             const char       *verb)
{
  g_autoptr(GError) error = tend_sdbus_errno_to_gerror (r, "sending the call");

  return tend_dbus_translate_error (self->host_label, self->address, error, unit, verb);
}

gboolean
tend_sdbus_check_connected (TendSdbusBackend  *self,
                            GError           **error)
{
  if (self->bus != NULL && sd_bus_is_open (self->bus) > 0)
    return TRUE;

  if (self->lost != NULL)
    g_propagate_error (error, g_error_copy (self->lost));
  else
    g_set_error (error, TEND_ERROR, TEND_ERROR_UNREACHABLE,
                 "not connected to %s", self->host_label);
  return FALSE;
}

/* A method call to systemd, to fill with its arguments; %NULL with @error set. */
sd_bus_message *
tend_sdbus_new_call (TendSdbusBackend  *self,
                     const char        *path,
                     const char        *interface,
                     const char        *method,
                     GError           **error)
{
  sd_bus_message *message = NULL;
  int r;

  r = sd_bus_message_new_method_call (self->bus, &message, TEND_SYSTEMD_BUS_NAME, path,
                                      interface, method);
  if (r < 0)
    {
      g_propagate_error (error, errno_error (self, r, NULL, method));
      return NULL;
    }
  /* systemd is never started by the bus: where it does not run, say so at once. */
  sd_bus_message_set_auto_start (message, FALSE);
  return message;
}

/* A call that could not be sent: @task returns @error (taken), and a job call is no
 * longer awaited. Takes @task. */
static void
fail_call (TendSdbusBackend *self,
           GTask            *task,
           GError           *error)
{
  if (g_object_get_data (G_OBJECT (task), "job-call") != NULL)
    tend_sdbus_job_call_done (self);
  g_task_return_error (task, error);
  g_object_unref (task);
}

/* How long a call may take: on the system bus polkit may ask for a password. */
static guint64
call_timeout (TendSdbusBackend *self)
{
  return self->bus_type == G_BUS_TYPE_SYSTEM
         ? TEND_INTERACTIVE_TIMEOUT_MSEC * G_GUINT64_CONSTANT (1000)
         : TEND_SDBUS_DEFAULT_TIMEOUT_USEC;
}

/* Sends @message; @callback gets @task (owned) as its userdata. On failure @task
 * returns the error. Takes @message. */
void
tend_sdbus_send_call (TendSdbusBackend         *self,
                      sd_bus_message           *message,
                      sd_bus_message_handler_t  callback,
                      GTask                    *task,
                      const char               *unit,
                      const char               *verb)
{
  int r;

  r = sd_bus_call_async (self->bus, NULL, message, callback, task, call_timeout (self));
  sd_bus_message_unref (message);
  if (r < 0)
    fail_call (self, task, errno_error (self, r, unit, verb));
}

/* A call to the manager with arguments given as sd_bus_message_append() takes them. */
void
tend_sdbus_call_manager (TendSdbusBackend         *self,
                         const char               *method,
                         sd_bus_message_handler_t  callback,
                         GTask                    *task,
                         const char               *types,
                         ...)
{
  const char *unit = g_object_get_data (G_OBJECT (task), "unit");
  GError *error = NULL;
  sd_bus_message *message;
  va_list args;
  int r = 0;

  message = tend_sdbus_new_call (self, TEND_SYSTEMD_PATH, TEND_SYSTEMD_MANAGER, method, &error);
  if (message != NULL && types != NULL)
    {
      va_start (args, types);
      r = sd_bus_message_appendv (message, types, args);
      va_end (args);
    }
  if (message == NULL || r < 0)
    {
      if (error == NULL)
        error = errno_error (self, r, unit, method);
      sd_bus_message_unref (message);
      fail_call (self, task, error);
      return;
    }
  tend_sdbus_send_call (self, message, callback, task, unit, method);
}

/* ------------------------------------------------------------------------------------ */
/* Signals from systemd                                                                  */

static int
on_properties_changed (sd_bus_message *message,
                       void           *user_data,
                       sd_bus_error   *ret_error)
{
  TendSdbusBackend *self = user_data;
  const char *path = sd_bus_message_get_path (message);
  g_autofree char *name = NULL;
  g_autoptr(GVariant) changed = NULL;
  const char *interface;
  GVariantDict dict;

  if (path == NULL || !g_str_has_prefix (path, TEND_SYSTEMD_UNIT_PATH) ||
      sd_bus_message_read_basic (message, SD_BUS_TYPE_STRING, &interface) <= 0 ||
      !g_str_has_prefix (interface, "org.freedesktop.systemd1."))
    return 0;

  g_variant_dict_init (&dict, NULL);
  if (!tend_sdbus_read_properties (message, used_properties (), &dict))
    {
      g_variant_dict_clear (&dict);
      return 0;
    }
  changed = g_variant_ref_sink (g_variant_dict_end (&dict));
  if (g_variant_n_children (changed) == 0)
    return 0;

  name = tend_unit_name_from_object_path (path);
  if (name != NULL)
    g_signal_emit_by_name (self, "unit-changed", name, changed);
  return 0;
}

static int
on_unit_new_or_removed (sd_bus_message *message,
                        void           *user_data,
                        sd_bus_error   *ret_error)
{
  TendSdbusBackend *self = user_data;
  const char *member = sd_bus_message_get_member (message);
  const char *name;

  if (sd_bus_message_read_basic (message, SD_BUS_TYPE_STRING, &name) <= 0)
    return 0;
  g_signal_emit_by_name (self, g_strcmp0 (member, "UnitNew") == 0 ? "unit-new" : "unit-removed",
                         name);
  return 0;
}

static int
on_unit_files_changed (sd_bus_message *message,
                       void           *user_data,
                       sd_bus_error   *ret_error)
{
  TendSdbusBackend *self = user_data;
  int active = FALSE;

  /* Reloading(true) starts a daemon-reload; only its end may have changed files. */
  if (g_strcmp0 (sd_bus_message_get_member (message), "Reloading") == 0 &&
      sd_bus_message_read_basic (message, SD_BUS_TYPE_BOOLEAN, &active) > 0 && active)
    return 0;

  g_clear_pointer (&self->unit_files, tend_unit_list_unref);
  g_signal_emit_by_name (self, "unit-files-changed");
  return 0;
}

static void
unsubscribe_signals (TendSdbusBackend *self)
{
  for (guint i = 0; i < N_SLOTS; i++)
    self->slots[i] = sd_bus_slot_unref (self->slots[i]);
  self->subscribed = FALSE;
}

/* The manager left the bus, or is not on it: the connection stays, to see it come
 * back; everything else is as for a lost connection. */
static void
manager_vanished (TendSdbusBackend *self)
{
  g_autoptr(GError) why = NULL;

  if (self->manager_lost)
    return;
  self->manager_lost = TRUE;
  why = tend_dbus_manager_missing (self->host_label, self->address);
  g_debug ("%s", why->message);
  /* The name's own watch stays: it tells when the manager is back. */
  for (guint i = 0; i < SLOT_NAME_OWNER; i++)
    self->slots[i] = sd_bus_slot_unref (self->slots[i]);
  self->subscribed = FALSE;
  g_clear_pointer (&self->unit_files, tend_unit_list_unref);
  g_clear_error (&self->lost);
  self->lost = g_error_copy (why);
  tend_sdbus_fail_pending_jobs (self, why);
  g_signal_emit_by_name (self, "disconnected", why);
}

static void
manager_appeared (TendSdbusBackend *self)
{
  if (!self->manager_lost)
    return;
  g_debug ("the manager of %s is on the bus again", self->host_label);
  self->manager_lost = FALSE;
  g_clear_error (&self->lost);
  g_signal_emit_by_name (self, "available");
}

static int
on_name_owner_changed (sd_bus_message *message,
                       void           *user_data,
                       sd_bus_error   *ret_error)
{
  const char *name, *old_owner, *new_owner;

  if (sd_bus_message_read (message, "sss", &name, &old_owner, &new_owner) < 0 ||
      g_strcmp0 (name, TEND_SYSTEMD_BUS_NAME) != 0)
    return 0;
  if (*new_owner == '\0')
    manager_vanished (user_data);
  else
    manager_appeared (user_data);
  return 0;
}

static int
name_owner_cb (sd_bus_message *reply,
               void           *user_data,
               sd_bus_error   *ret_error)
{
  g_autoptr(TendSdbusBackend) self = user_data;

  if (self->bus == NULL || sd_bus_message_get_bus (reply) != self->bus)
    return 0;
  if (sd_bus_message_is_method_error (reply, NULL))
    manager_vanished (self);
  else
    manager_appeared (self);
  return 0;
}

static int
ignore_reply (sd_bus_message *reply,
              void           *user_data,
              sd_bus_error   *ret_error)
{
  const sd_bus_error *error = sd_bus_message_get_error (reply);

  /* A second Subscribe is refused (AlreadySubscribed); a missing manager is told by the
   * watch of its name; the calls that follow fail with their own errors. */
  if (error != NULL)
    g_debug ("%s: %s", error->name, error->message ? error->message : "");
  return 0;
}

/* Matches systemd's signals and asks it to send them. Nothing waits for the answers:
 * a connection's messages are handled in order, so no later call can miss them. */
void
tend_sdbus_ensure_subscribed (TendSdbusBackend *self)
{
  static const struct {
    guint slot;
    const char *interface;
    const char *member;
    sd_bus_message_handler_t callback;
  } matches[] = {
    { SLOT_JOB_REMOVED, TEND_SYSTEMD_MANAGER, "JobRemoved", tend_sdbus_on_job_removed },
    { SLOT_UNIT_NEW, TEND_SYSTEMD_MANAGER, "UnitNew", on_unit_new_or_removed },
    { SLOT_UNIT_REMOVED, TEND_SYSTEMD_MANAGER, "UnitRemoved", on_unit_new_or_removed },
    { SLOT_UNIT_FILES_CHANGED, TEND_SYSTEMD_MANAGER, "UnitFilesChanged", on_unit_files_changed },
    { SLOT_RELOADING, TEND_SYSTEMD_MANAGER, "Reloading", on_unit_files_changed },
    { SLOT_PROPERTIES_CHANGED, TEND_PROPERTIES_IFACE, "PropertiesChanged",
      on_properties_changed },
  };
  /* On the private socket messages carry no sender. */
  const char *sender = self->direct ? NULL : TEND_SYSTEMD_BUS_NAME;
  sd_bus_message *subscribe;

  if (self->subscribed || self->bus == NULL)
    return;
  self->subscribed = TRUE;

  if (!self->direct && self->slots[SLOT_NAME_OWNER] == NULL)
    {
      sd_bus_add_match_async (self->bus, &self->slots[SLOT_NAME_OWNER],
                              "type='signal',sender='org.freedesktop.DBus',"
                              "path='/org/freedesktop/DBus',interface='org.freedesktop.DBus',"
                              "member='NameOwnerChanged',arg0='" TEND_SYSTEMD_BUS_NAME "'",
                              on_name_owner_changed, ignore_reply, self);
      sd_bus_call_method_async (self->bus, NULL, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                "org.freedesktop.DBus", "GetNameOwner", name_owner_cb,
                                g_object_ref (self), "s", TEND_SYSTEMD_BUS_NAME);
    }

  for (guint i = 0; i < G_N_ELEMENTS (matches); i++)
    sd_bus_match_signal_async (self->bus, &self->slots[matches[i].slot], sender,
                               matches[i].slot == SLOT_PROPERTIES_CHANGED ? NULL
                                                                           : TEND_SYSTEMD_PATH,
                               matches[i].interface, matches[i].member, matches[i].callback,
                               ignore_reply, self);

  subscribe = tend_sdbus_new_call (self, TEND_SYSTEMD_PATH, TEND_SYSTEMD_MANAGER, "Subscribe",
                                   NULL);
  if (subscribe != NULL)
    sd_bus_call_async (self->bus, NULL, subscribe, ignore_reply, NULL,
                       TEND_SDBUS_DEFAULT_TIMEOUT_USEC);
  sd_bus_message_unref (subscribe);
}

/* ------------------------------------------------------------------------------------ */
/* Connect                                                                               */

/* Lets go of the connection and what is tied to it, without a word to anyone. */
static void
forget_connection (TendSdbusBackend *self)
{
  unsubscribe_signals (self);
  self->manager_lost = FALSE;
  if (self->source != NULL)
    {
      g_source_destroy (self->source);
      g_clear_pointer (&self->source, g_source_unref);
    }
  /* Closed without a flush, which could block: whatever was not sent is moot. */
  self->bus = sd_bus_close_unref (self->bus);
}

/* The connection closed (tend-sdbus-util.c calls this once every pending call has
 * failed): it is dropped, every job waiting on it fails, and the host hears of it. */
static void
connection_closed (gpointer owner)
{
  TendSdbusBackend *self = owner;
  g_autoptr(GError) lost = NULL;

  if (self->direct)
    lost = g_error_new (TEND_ERROR, TEND_ERROR_UNREACHABLE,
                        "lost the connection to %s: its private socket at '%s' closed (the "
                        "manager stopped or re-executed itself)", self->host_label,
                        self->address ? self->address : "?");
  else
    lost = g_error_new (TEND_ERROR, TEND_ERROR_UNREACHABLE,
                        "lost the connection to %s: the bus at '%s' went away (its daemon "
                        "stopped or restarted)", self->host_label,
                        self->address ? self->address : "?");
  forget_connection (self);
  g_clear_error (&self->lost);
  self->lost = g_error_copy (lost);
  g_clear_pointer (&self->unit_files, tend_unit_list_unref);
  tend_sdbus_fail_pending_jobs (self, lost);
  g_signal_emit_by_name (self, "disconnected", lost);
}

/* The manager's private socket, where this process may use it: the user's manager's in
 * XDG_RUNTIME_DIR, the system manager's for root only (as systemctl decides); never from
 * inside Flatpak. */
static char *
direct_address (GBusType bus_type)
{
  g_autofree char *path = NULL;
  const char *runtime_dir;

  /* A Flatpak sandbox shows no manager's socket (only the buses, through its proxy) */
  if (tend_sandbox_is_flatpak ())
    return NULL;
  if (bus_type == G_BUS_TYPE_SYSTEM)
    return geteuid () == 0 ? g_strdup ("unix:path=/run/systemd/private") : NULL;

  runtime_dir = g_getenv ("XDG_RUNTIME_DIR");
  if (runtime_dir == NULL || *runtime_dir != '/')
    return NULL;
  /* A D-Bus address escapes other characters; such a directory goes through the bus. */
  for (const char *c = runtime_dir; *c != '\0'; c++)
    if (!g_ascii_isalnum (*c) && strchr ("/_.-", *c) == NULL)
      return NULL;
  path = g_build_filename (runtime_dir, "systemd", "private", NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return NULL;
  return g_strconcat ("unix:path=", path, NULL);
}

/* Starts a connection to @address, without blocking (a Unix socket connects at once or
 * fails at once; authentication and Hello go on in the main loop). */
static sd_bus *
open_bus (TendSdbusBackend  *self,
          const char        *address,
          gboolean           bus_client,
          GError           **error)
{
  sd_bus *bus = NULL;
  int r;

  r = sd_bus_new (&bus);
  if (r >= 0)
    r = sd_bus_set_address (bus, address);
  if (r >= 0)
    r = sd_bus_set_bus_client (bus, bus_client);
  if (r >= 0 && bus_client && self->bus_type == G_BUS_TYPE_SYSTEM)
    r = sd_bus_set_allow_interactive_authorization (bus, TRUE);
  if (r >= 0)
    r = sd_bus_start (bus);

  if (r >= 0 && !bus_client)
    {
      /* Only the manager may be at the other end: root, or this user (for --user). */
      struct ucred peer = { 0 };
      socklen_t size = sizeof peer;

      if (getsockopt (sd_bus_get_fd (bus), SOL_SOCKET, SO_PEERCRED, &peer, &size) < 0)
        r = -errno;
      else if (peer.uid != 0 && peer.uid != geteuid ())
        r = -EPERM;
    }

  if (r < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (-r), "%s", g_strerror (-r));
      sd_bus_close_unref (bus);
      return NULL;
    }
  return bus;
}

static void
tend_sdbus_backend_connect_async (TendBackend         *backend,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  TendSdbusBackend *self = TEND_SDBUS_BACKEND (backend);
  g_autoptr(TendResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  sd_bus *bus = NULL;
  gboolean direct = FALSE;

  /* Nothing here waits: a Unix socket connects at once or fails at once. */
  result = tend_result_new (self, tend_sdbus_backend_connect_async, cancellable, callback,
                            user_data);

  if (self->bus != NULL && sd_bus_is_open (self->bus) > 0)
    {
      tend_result_return_boolean (result, TRUE);
      return;
    }

  if (self->bus != NULL)
    {
      /* Closed, and the news is still on its way: it is old now. */
      g_autoptr(GError) lost = g_error_new (TEND_ERROR, TEND_ERROR_UNREACHABLE,
                                            "lost the connection to %s at '%s'",
                                            self->host_label, self->address);

      while (sd_bus_process (self->bus, NULL) > 0)
        ;
      forget_connection (self);
      tend_sdbus_fail_pending_jobs (self, lost);
    }

  address = direct_address (self->bus_type);
  if (address != NULL)
    {
      bus = open_bus (self, address, FALSE, &error);
      if (bus == NULL)
        g_debug ("the private socket '%s' of %s does not answer (%s): trying the bus",
                 address, self->host_label, error->message);
      direct = bus != NULL;
      g_clear_error (&error);
    }

  if (bus == NULL)
    {
      g_free (address);
      address = tend_bus_dup_address (self->bus_type, &error);
      if (address == NULL)
        {
          tend_result_return_error (result, g_steal_pointer (&error));
          return;
        }
      bus = open_bus (self, address, TRUE, &error);
    }

  g_free (self->address);
  self->address = g_steal_pointer (&address);
  if (bus == NULL)
    {
      tend_result_return_error (result,
                                tend_bus_unreachable_error (self->bus_type, self->host_label,
                                                            self->address, error->message));
      return;
    }

  self->bus = bus;
  self->direct = direct;
  g_clear_error (&self->lost);
  self->source = tend_sdbus_source_new (bus, G_OBJECT (self), connection_closed);
  g_source_attach (self->source, g_main_context_get_thread_default ());
  g_debug ("%s: connected to '%s'%s", self->host_label, self->address,
           direct ? " (the manager's private socket)" : "");
  tend_result_return_boolean (result, TRUE);
}

static gboolean
tend_sdbus_backend_connect_finish (TendBackend   *backend,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return tend_result_propagate_boolean (result, error);
}

static void
tend_sdbus_backend_watch (TendBackend *backend)
{
  TendSdbusBackend *self = TEND_SDBUS_BACKEND (backend);

  g_return_if_fail (self->bus != NULL);
  tend_sdbus_ensure_subscribed (self);
}

/* ------------------------------------------------------------------------------------ */
/* List                                                                                  */

static void
finish_list (GTask        *task,
             TendUnitList *loaded)
{
  TendSdbusBackend *self = g_task_get_source_object (task);
  TendListFlags flags = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (task), "flags"));

  if (flags & TEND_LIST_UNIT_FILES)
    g_task_return_pointer (task, tend_unit_list_merge_unit_files (loaded, self->unit_files),
                           (GDestroyNotify) tend_unit_list_unref);
  else
    g_task_return_pointer (task, tend_unit_list_ref (loaded),
                           (GDestroyNotify) tend_unit_list_unref);
}

static void
tell_unit_files_waiters (TendSdbusBackend *self,
                         const GError     *error)
{
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->unit_files_waiters);

  for (guint i = 0; waiters != NULL && i < waiters->len; i++)
    {
      GTask *task = waiters->pdata[i];

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        finish_list (task, g_object_get_data (G_OBJECT (task), "loaded"));
    }
}

/* ListUnitFiles could not be sent: its waiters hear why. */
static void
unit_files_call_done (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    tell_unit_files_waiters (TEND_SDBUS_BACKEND (object), error);
}

static int
list_unit_files_cb (sd_bus_message *reply,
                    void           *user_data,
                    sd_bus_error   *ret_error)
{
  g_autoptr(GTask) call = user_data;
  TendSdbusBackend *self = g_task_get_source_object (call);
  g_autoptr(GError) error = tend_sdbus_reply_error (self, reply, NULL, "list unit files");
  const char *path, *state;

  if (error == NULL && sd_bus_message_enter_container (reply, SD_BUS_TYPE_ARRAY, "(ss)") > 0)
    {
      g_clear_pointer (&self->unit_files, tend_unit_list_unref);
      self->unit_files = tend_unit_list_new (256);
      while (sd_bus_message_read (reply, "(ss)", &path, &state) > 0)
        {
          g_autofree char *name = g_path_get_basename (path);
          TendUnitInfo info = {
            .name = name, .active_state = "inactive", .sub_state = "dead",
            .unit_file_state = state, .fragment_path = path,
          };

          tend_unit_list_add (self->unit_files, &info);
        }
    }
  else if (error == NULL)
    error = g_error_new (TEND_ERROR, TEND_ERROR_FAILED,
                         "could not list unit files on %s: the answer does not read",
                         self->host_label);

  tell_unit_files_waiters (self, error);
  g_task_return_boolean (call, TRUE);
  return 0;
}

static void
message_unref (gpointer message)
{
  sd_bus_message_unref (message);
}

static int
list_units_cb (sd_bus_message *reply,
               void           *user_data,
               sd_bus_error   *ret_error)
{
  g_autoptr(GTask) task = user_data;
  TendSdbusBackend *self = g_task_get_source_object (task);
  TendListFlags flags = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (task), "flags"));
  g_autoptr(TendUnitList) units = NULL;
  GError *error = tend_sdbus_reply_error (self, reply, NULL, "list units");
  int r;

  if (error != NULL)
    {
      g_task_return_error (task, error);
      return 0;
    }

  /* a(ssssssouso): name, description, load, active, sub, following, path, job id,
   * job type, job path. Read in place: the strings stay in the message, which the
   * list holds. */
  units = tend_unit_list_new (1024);
  tend_unit_list_hold (units, sd_bus_message_ref (reply), message_unref);
  r = sd_bus_message_enter_container (reply, SD_BUS_TYPE_ARRAY, "(ssssssouso)");
  while (r > 0)
    {
      TendUnitInfo info = { 0 };
      const char *following, *path, *job_path;
      guint32 job_id;

      r = sd_bus_message_read (reply, "(ssssssouso)", &info.name, &info.description,
                               &info.load_state, &info.active_state, &info.sub_state,
                               &following, &path, &job_id, &info.job_type, &job_path);
      if (r > 0)
        tend_unit_list_add_borrowed (units, &info);
    }
  if (r < 0)
    {
      g_task_return_new_error (task, TEND_ERROR, TEND_ERROR_FAILED,
                               "could not list units on %s: the answer does not read (%s)",
                               self->host_label, g_strerror (-r));
      return 0;
    }

  if (!(flags & TEND_LIST_UNIT_FILES) || self->unit_files != NULL)
    {
      finish_list (task, units);
      return 0;
    }

  /* ListUnitFiles reads every unit file on disk: one call at a time, shared by all who
   * ask while it runs, and cached until UnitFilesChanged. */
  g_object_set_data_full (G_OBJECT (task), "loaded", g_steal_pointer (&units),
                          (GDestroyNotify) tend_unit_list_unref);
  if (self->unit_files_waiters == NULL)
    {
      GTask *call = g_task_new (self, NULL, unit_files_call_done, NULL);

      self->unit_files_waiters = g_ptr_array_new_with_free_func (g_object_unref);
      tend_sdbus_call_manager (self, "ListUnitFiles", list_unit_files_cb, call, NULL);
    }
  g_ptr_array_add (self->unit_files_waiters, g_steal_pointer (&task));
  return 0;
}

static void
tend_sdbus_backend_list_units_async (TendBackend         *backend,
                                     TendListFlags        flags,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  TendSdbusBackend *self = TEND_SDBUS_BACKEND (backend);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tend_sdbus_backend_list_units_async);
  g_object_set_data (G_OBJECT (task), "flags", GUINT_TO_POINTER (flags));

  if (!tend_sdbus_check_connected (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  tend_sdbus_call_manager (self, "ListUnits", list_units_cb, g_steal_pointer (&task), NULL);
}

static TendUnitList *
tend_sdbus_backend_list_units_finish (TendBackend   *backend,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------------------ */
/* One unit's details                                                                    */

/* GetAll of the Unit interface and Get of each of the type's properties Tend reads (one
 * round trip, as systemctl show makes), then, for a queued job, its type.
 * Where systemd has no MemoryCurrent (no memory controller, as on cgroup v1) for a unit
 * with processes, their summed resident size stands in: read from the unit's
 * ControlGroup in cgroupfs and /proc (tend-cgroup.c, as the resources check reads it),
 * else from GetUnitProcesses and /proc. */
typedef struct
{
  char *name;                 /* (owned) */
  GVariantDict properties;    /* what systemd said, for the properties Tend uses */
  GArray *pids;               /* (owned) (nullable) the unit's processes */
  gboolean failed;            /* the result has returned an error */
  guint n_pending;
  guint n_reads;              /* GetAll and Gets of the type's properties not answered */
} UnitData;

static void
unit_data_free (UnitData *data)
{
  g_free (data->name);
  g_variant_dict_clear (&data->properties);
  g_clear_pointer (&data->pids, g_array_unref);
  g_free (data);
}

/* One step of @result is done: return the unit when it was the last. Takes @result. */
static void
unit_step_done (TendResult *result)
{
  UnitData *data = tend_result_get_data (result);

  g_assert (data->n_pending > 0);
  if (--data->n_pending == 0 && !data->failed)
    {
      /* Asked for only where the memory is the processes' (get_all_cb) */
      if (data->pids != NULL && data->pids->len > 0)
        g_variant_dict_insert (&data->properties, TEND_PROPERTY_MEMORY_RSS, "t",
                               tend_dbus_sum_rss ((const guint32 *) data->pids->data,
                                                  data->pids->len));
      tend_result_return_pointer (result,
                                  g_variant_ref_sink (g_variant_dict_end (&data->properties)),
                                  (GDestroyNotify) g_variant_unref);
    }
  g_object_unref (result);
}

/* Sends a call that reads (GetAll, a job's type): @callback gets @result (taken). A call
 * that cannot be sent ends that step with @result's error. */
static void
send_read (TendSdbusBackend         *self,
           sd_bus_message           *message,
           sd_bus_message_handler_t  callback,
           TendResult               *result)
{
  UnitData *data = tend_result_get_data (result);
  int r;

  r = sd_bus_call_async (self->bus, NULL, message, callback, result, call_timeout (self));
  sd_bus_message_unref (message);
  if (r < 0)
    {
      if (!data->failed)
        {
          data->failed = TRUE;
          tend_result_return_error (result, errno_error (self, r, data->name, "read"));
        }
      unit_step_done (result);
    }
}

static int
unit_processes_cb (sd_bus_message *reply,
                   void           *user_data,
                   sd_bus_error   *ret_error)
{
  TendResult *result = user_data;
  UnitData *data = tend_result_get_data (result);
  const char *path, *command;
  guint32 pid;

  /* An error (a unit that is not loaded) or no processes: no resident size. */
  data->pids = g_array_new (FALSE, FALSE, sizeof (guint32));
  if (!sd_bus_message_is_method_error (reply, NULL) &&
      sd_bus_message_enter_container (reply, SD_BUS_TYPE_ARRAY, "(sus)") > 0)
    while (sd_bus_message_read (reply, "(sus)", &path, &pid, &command) > 0)
      g_array_append_val (data->pids, pid);
  unit_step_done (result);
  return 0;
}

static int
job_type_cb (sd_bus_message *reply,
             void           *user_data,
             sd_bus_error   *ret_error)
{
  TendResult *result = user_data;
  UnitData *data = tend_result_get_data (result);
  const char *type;

  /* No answer: the job finished meanwhile. */
  if (!sd_bus_message_is_method_error (reply, NULL) &&
      sd_bus_message_read (reply, "v", "s", &type) > 0)
    g_variant_dict_insert (&data->properties, TEND_PROPERTY_JOB_TYPE, "s", type);
  unit_step_done (result);
  return 0;
}

/* Whether the unit's memory is its processes' resident size (see UnitData) */
static gboolean
needs_rss (UnitData *data)
{
  guint64 memory = TEND_UNSET;
  const char *active = NULL;

  g_variant_dict_lookup (&data->properties, "MemoryCurrent", "t", &memory);
  g_variant_dict_lookup (&data->properties, "ActiveState", "&s", &active);
  return tend_dbus_needs_rss (memory, active);
}

/* Sums the resident size of the processes of the unit's control group: whether it could
 * (the group is readable here and holds the main process). */
static gboolean
read_rss (UnitData *data)
{
  g_autoptr(GVariant) figures = NULL;
  g_autoptr(GError) error = NULL;
  const char *control_group = NULL;
  guint32 main_pid = 0;
  guint64 rss;

  g_variant_dict_lookup (&data->properties, "MainPID", "u", &main_pid);
  if (!g_variant_dict_lookup (&data->properties, "ControlGroup", "&s", &control_group) ||
      control_group[0] != '/')
    return FALSE;
  figures = tend_cgroup_read (control_group, TEND_CGROUP_RSS, main_pid, &error);
  if (figures == NULL)
    {
      g_debug ("%s: %s; asking systemd for its processes", data->name, error->message);
      return FALSE;
    }
  if (g_variant_lookup (figures, TEND_PROPERTY_MEMORY_RSS, "t", &rss))
    g_variant_dict_insert (&data->properties, TEND_PROPERTY_MEMORY_RSS, "t", rss);
  return TRUE;
}

/* The properties Tend reads of a unit's own type (its Service, Socket… interface): Get
 * for each, sent before GetAll of the Unit interface, instead of GetAll of every
 * interface, whose answer (about 400 properties for a service: its whole execution,
 * kill and cgroup settings) cost more to read than the rest of `tendctl status`
 * (docs/benchmarks.md, issue 14). Where the type lacks one, systemd answers with an
 * error, which leaves it out as GetAll did. */
static const char * const type_properties[] = {
  "MainPID", "Result", "NRestarts", "ControlGroup", "MemoryCurrent", "CPUUsageNSec",
  "TasksCurrent",
};

typedef struct
{
  TendResult *result;         /* (owned) */
  const char *key;
} TypeRead;

static void all_read (TendSdbusBackend *self,
                      TendResult       *result);

/* The interface of @name's type that has type_properties, or %NULL (a target, a device) */
static const char *
type_interface (const char *name)
{
  static const char * const types[][2] = {
    { ".service", "org.freedesktop.systemd1.Service" },
    { ".socket", "org.freedesktop.systemd1.Socket" },
    { ".mount", "org.freedesktop.systemd1.Mount" },
    { ".swap", "org.freedesktop.systemd1.Swap" },
    { ".scope", "org.freedesktop.systemd1.Scope" },
    { ".slice", "org.freedesktop.systemd1.Slice" },
    { ".timer", "org.freedesktop.systemd1.Timer" },
    { ".path", "org.freedesktop.systemd1.Path" },
    { ".automount", "org.freedesktop.systemd1.Automount" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    if (g_str_has_suffix (name, types[i][0]))
      return types[i][1];
  return NULL;
}

static int
type_property_cb (sd_bus_message *reply,
                  void           *user_data,
                  sd_bus_error   *ret_error)
{
  TypeRead *read = user_data;
  UnitData *data = tend_result_get_data (read->result);

  if (!sd_bus_message_is_method_error (reply, NULL))
    {
      g_autoptr(GVariant) variant = tend_sdbus_read_value (reply);

      if (variant != NULL)
        {
          g_autoptr(GVariant) value = NULL;

          g_variant_ref_sink (variant);
          value = g_variant_get_variant (variant);
          g_variant_dict_insert_value (&data->properties, read->key, value);
        }
    }
  if (--data->n_reads == 0 && !data->failed)
    all_read (tend_result_get_source_object (read->result), read->result);
  unit_step_done (read->result);
  g_free (read);
  return 0;
}

static int
get_all_cb (sd_bus_message *reply,
            void           *user_data,
            sd_bus_error   *ret_error)
{
  TendResult *result = user_data;
  TendSdbusBackend *self = tend_result_get_source_object (result);
  UnitData *data = tend_result_get_data (result);
  GError *error = tend_sdbus_reply_error (self, reply, data->name, "read");
  const char *load_state = NULL;

  if (error == NULL && !tend_sdbus_read_properties (reply, used_properties (), &data->properties))
    error = g_error_new (TEND_ERROR, TEND_ERROR_FAILED,
                         "could not read '%s' on %s: the answer does not read",
                         data->name, self->host_label);
  g_variant_dict_lookup (&data->properties, "LoadState", "&s", &load_state);
  if (error == NULL && g_strcmp0 (load_state, "not-found") == 0)
    error = g_error_new (TEND_ERROR, TEND_ERROR_NOT_FOUND,
                         "there is no unit '%s' on %s", data->name, self->host_label);
  if (error != NULL)
    {
      data->failed = TRUE;
      tend_result_return_error (result, error);
      unit_step_done (result);
      return 0;
    }

  if (--data->n_reads == 0)
    all_read (self, result);
  unit_step_done (result);
  return 0;
}

/* GetAll and the type's properties are in: the memory, the job's type. */
static void
all_read (TendSdbusBackend *self,
          TendResult       *result)
{
  UnitData *data = tend_result_get_data (result);
  const char *job_path = NULL;
  guint32 job_id = 0;
  sd_bus_message *call;

  if (needs_rss (data) && !read_rss (data))
    {
      /* No readable control group (another cgroup namespace): systemd lists them. */
      call = tend_sdbus_new_call (self, TEND_SYSTEMD_PATH, TEND_SYSTEMD_MANAGER,
                                  "GetUnitProcesses", NULL);
      if (call != NULL && sd_bus_message_append (call, "s", data->name) >= 0 &&
          sd_bus_call_async (self->bus, NULL, call, unit_processes_cb, result,
                             TEND_SDBUS_DEFAULT_TIMEOUT_USEC) >= 0)
        {
          g_object_ref (result);  /* for unit_processes_cb */
          data->n_pending++;
        }
      sd_bus_message_unref (call);
    }

  if (g_variant_dict_lookup (&data->properties, "Job", "(u&o)", &job_id, &job_path) &&
      job_id != 0 &&
      (call = tend_sdbus_new_call (self, job_path, TEND_PROPERTIES_IFACE, "Get", NULL)) != NULL)
    {
      data->n_pending++;
      if (sd_bus_message_append (call, "ss", "org.freedesktop.systemd1.Job", "JobType") < 0)
        {
          sd_bus_message_unref (call);
          unit_step_done (g_object_ref (result));
        }
      else
        send_read (self, call, job_type_cb, g_object_ref (result));
    }
}

static void
tend_sdbus_backend_get_unit_async (TendBackend         *backend,
                                   const char          *name,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  TendSdbusBackend *self = TEND_SDBUS_BACKEND (backend);
  g_autoptr(TendResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  const char *iface;
  sd_bus_message *call;
  UnitData *data;

  result = tend_result_new (self, tend_sdbus_backend_get_unit_async, cancellable, callback,
                            user_data);
  data = g_new0 (UnitData, 1);
  data->name = g_strdup (name);
  g_variant_dict_init (&data->properties, NULL);
  tend_result_set_data (result, data, (GDestroyNotify) unit_data_free);

  if (!tend_sdbus_check_connected (self, &error))
    {
      tend_result_return_error (result, g_steal_pointer (&error));
      return;
    }

  /* One round trip, as systemctl show makes: the object path follows from the name,
   * systemd loads a unit whose object is asked for. The Gets go first: systemd answers a
   * connection's calls in turn, so GetAll's answer, the largest, is read last (all_read()
   * does not rely on it). A unit of no known type (or none with type_properties) gets
   * GetAll of every interface, as before. */
  path = tend_unit_name_to_object_path (name);
  iface = type_interface (name);
  for (guint i = 0; iface != NULL && i < G_N_ELEMENTS (type_properties); i++)
    {
      TypeRead *read;

      call = tend_sdbus_new_call (self, path, TEND_PROPERTIES_IFACE, "Get", NULL);
      if (call == NULL || sd_bus_message_append (call, "ss", iface, type_properties[i]) < 0)
        {
          sd_bus_message_unref (call);
          continue;
        }
      read = g_new (TypeRead, 1);
      read->result = g_object_ref (result);
      read->key = type_properties[i];
      data->n_pending++;
      data->n_reads++;
      if (sd_bus_call_async (self->bus, NULL, call, type_property_cb, read,
                             call_timeout (self)) < 0)
        {
          data->n_pending--;
          data->n_reads--;
          g_object_unref (read->result);
          g_free (read);
        }
      sd_bus_message_unref (call);
    }
  call = tend_sdbus_new_call (self, path, TEND_PROPERTIES_IFACE, "GetAll", &error);
  if (call == NULL ||
      sd_bus_message_append (call, "s", iface != NULL ? "org.freedesktop.systemd1.Unit" : "") < 0)
    {
      sd_bus_message_unref (call);
      tend_result_return_error (result,
                                g_error_new (TEND_ERROR, TEND_ERROR_FAILED,
                                             "could not read '%s' on %s: %s", name,
                                             self->host_label,
                                             error ? error->message
                                                   : "the call could not be made"));
      return;
    }
  data->n_pending++;
  data->n_reads++;
  send_read (self, call, get_all_cb, g_steal_pointer (&result));
}

static GVariant *
tend_sdbus_backend_get_unit_finish (TendBackend   *backend,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return tend_result_propagate_pointer (result, error);
}

/* ------------------------------------------------------------------------------------ */
/* Journal                                                                               */

static TendJournalReader *
tend_sdbus_backend_open_journal (TendBackend             *backend,
                                 const char              *name,
                                 const TendJournalQuery  *query,
                                 GCancellable            *cancellable,
                                 GError                 **error)
{
  return tend_dbus_open_journal (TEND_SDBUS_BACKEND (backend)->host_label, name, query,
                                 cancellable, error);
}

/* ------------------------------------------------------------------------------------ */
/* GObject                                                                               */

static void
tend_sdbus_backend_dispose (GObject *object)
{
  TendSdbusBackend *self = (TendSdbusBackend *) object;

  forget_connection (self);
  if (self->jobs != NULL && g_hash_table_size (self->jobs) > 0)
    {
      g_autoptr(GError) error = g_error_new (TEND_ERROR, TEND_ERROR_CANCELLED,
                                             "the connection to %s was closed",
                                             self->host_label);
      tend_sdbus_fail_pending_jobs (self, error);
    }
  g_clear_pointer (&self->unit_files, tend_unit_list_unref);

  G_OBJECT_CLASS (tend_sdbus_backend_parent_class)->dispose (object);
}

static void
tend_sdbus_backend_finalize (GObject *object)
{
  TendSdbusBackend *self = (TendSdbusBackend *) object;

  g_clear_pointer (&self->jobs, g_hash_table_unref);
  g_clear_pointer (&self->early_results, g_hash_table_unref);
  g_clear_pointer (&self->unit_files_waiters, g_ptr_array_unref);
  g_clear_pointer (&self->host_label, g_free);
  g_clear_pointer (&self->address, g_free);
  g_clear_error (&self->lost);

  G_OBJECT_CLASS (tend_sdbus_backend_parent_class)->finalize (object);
}

static void
tend_sdbus_backend_class_init (TendSdbusBackendClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tend_sdbus_backend_dispose;
  object_class->finalize = tend_sdbus_backend_finalize;
}

static void
tend_sdbus_backend_iface_init (TendBackendInterface *iface)
{
  iface->connect_async = tend_sdbus_backend_connect_async;
  iface->connect_finish = tend_sdbus_backend_connect_finish;
  iface->watch = tend_sdbus_backend_watch;
  iface->list_units_async = tend_sdbus_backend_list_units_async;
  iface->list_units_finish = tend_sdbus_backend_list_units_finish;
  iface->get_unit_async = tend_sdbus_backend_get_unit_async;
  iface->get_unit_finish = tend_sdbus_backend_get_unit_finish;
  iface->open_journal = tend_sdbus_backend_open_journal;
  tend_sdbus_actions_iface_init (iface);
}

static void
tend_sdbus_backend_init (TendSdbusBackend *self)
{
  self->jobs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->early_results = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/**
 * tend_sdbus_backend_new:
 * @bus_type: %G_BUS_TYPE_SYSTEM for the system manager, %G_BUS_TYPE_SESSION for the
 *   user's own manager
 * @host_label: how errors name the host, e.g. "this computer (user manager)"
 */
TendSdbusBackend *
tend_sdbus_backend_new (GBusType    bus_type,
                        const char *host_label)
{
  TendSdbusBackend *self;

  g_return_val_if_fail (bus_type == G_BUS_TYPE_SYSTEM || bus_type == G_BUS_TYPE_SESSION, NULL);
  g_return_val_if_fail (host_label != NULL, NULL);

  self = g_object_new (TEND_TYPE_SDBUS_BACKEND, NULL);
  self->bus_type = bus_type;
  self->host_label = g_strdup (host_label);
  return self;
}

/**
 * tend_sdbus_backend_get_address:
 *
 * Returns: (nullable): the address dialled by the last connect: the manager's private
 *   socket, or the bus
 */
const char *
tend_sdbus_backend_get_address (TendSdbusBackend *self)
{
  g_return_val_if_fail (TEND_IS_SDBUS_BACKEND (self), NULL);
  return self->address;
}

/**
 * tend_sdbus_backend_is_direct:
 *
 * Returns: whether the connection goes to the manager's private socket, with no bus
 *   daemon in between
 */
gboolean
tend_sdbus_backend_is_direct (TendSdbusBackend *self)
{
  g_return_val_if_fail (TEND_IS_SDBUS_BACKEND (self), FALSE);
  return self->bus != NULL && self->direct;
}
