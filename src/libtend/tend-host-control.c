/* tend-host-control.c — adding and removing the hosts Tend looks after
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What `tendctl host add|remove` and the window's Add Host dialog do, once, in libtend:
 *
 * - add: the host is checked as the inventory's format has it (the field and why), its
 *   name must be new, then Tend connects to it with the user's own ssh config, agent,
 *   keys and known_hosts (a TendSshSession; an unknown key is added to known_hosts only
 *   when its fingerprint is the one the person confirmed). Only when that works is the
 *   host added, in one transaction against the inventory as it is then
 *   (tend_store_edit_inventory_async(): a name taken meanwhile is refused).
 * - remove: the host, and its services, checks and policies, leave the inventory in one
 *   transaction; their history stays. This computer's hosts cannot be removed.
 *
 * Each leaves one audit row ("host-add", "host-remove"; refusals included, with their
 * error), and a stored change is announced to the running engine.
 */
#define G_LOG_DOMAIN "Tend-Hosts"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include "tend-json-lib.h"

#include "tend-host-control.h"

#include "tend-engine.h"
#include "tend-error.h"
#include "tend-inventory.h"
#include "tend-ssh-session.h"
#include "tend-store.h"

typedef struct
{
  TendStore *store;               /* (owned) */
  TendInventoryHost *spec;        /* (owned) (nullable) add */
  char *name;                     /* (owned) */
  char *accept_fingerprint;       /* (owned) (nullable) */
  TendAuditOrigin origin;
  TendSshSession *session;        /* (owned) (nullable) */
  char *fingerprint;              /* (owned) (nullable) the server's, as seen */
  TendInventoryDiff *diff;        /* (owned) (nullable) */
  gint64 started_real;
  gint64 started_monotonic;
} Request;

static void
request_free (Request *request)
{
  if (request->session != NULL)
    tend_ssh_session_close (request->session);
  g_clear_object (&request->session);
  g_clear_object (&request->store);
  g_clear_pointer (&request->spec, tend_inventory_host_free);
  g_free (request->name);
  g_free (request->accept_fingerprint);
  g_free (request->fingerprint);
  g_clear_pointer (&request->diff, tend_inventory_diff_free);
  g_free (request);
}

static Request *
request_new (TendStore       *store,
             const char      *name,
             TendAuditOrigin  origin)
{
  Request *request = g_new0 (Request, 1);

  request->store = g_object_ref (store);
  request->name = g_strdup (name);
  request->origin = origin;
  request->started_real = g_get_real_time ();
  request->started_monotonic = g_get_monotonic_time ();
  return request;
}

/* ------------------------------------------------------------------------------------ */
/* The audit log                                                                         */

static char *
audit_parameters (Request *request)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  const TendInventoryHost *spec = request->spec;

  json_builder_begin_object (builder);
  if (spec != NULL)
    {
      json_builder_set_member_name (builder, "address");
      json_builder_add_string_value (builder, spec->address);
      if (spec->port != TEND_INVENTORY_UNSET)
        {
          json_builder_set_member_name (builder, "port");
          json_builder_add_int_value (builder, spec->port);
        }
      if (spec->user != NULL)
        {
          json_builder_set_member_name (builder, "user");
          json_builder_add_string_value (builder, spec->user);
        }
      json_builder_set_member_name (builder, "scope");
      json_builder_add_string_value (builder, tend_inventory_scope_to_string (spec->scope));
      json_builder_set_member_name (builder, "sudo");
      json_builder_add_string_value (builder, tend_inventory_sudo_to_string (spec->sudo));
      json_builder_set_member_name (builder, "access");
      json_builder_add_string_value (builder, tend_inventory_access_to_string (spec->access));
    }
  if (request->fingerprint != NULL)
    {
      json_builder_set_member_name (builder, "fingerprint");
      json_builder_add_string_value (builder, request->fingerprint);
    }
  if (request->accept_fingerprint != NULL)
    {
      json_builder_set_member_name (builder, "accept_fingerprint");
      json_builder_add_string_value (builder, request->accept_fingerprint);
    }
  if (request->diff != NULL)
    {
      json_builder_set_member_name (builder, "changed");
      json_builder_begin_array (builder);
      for (guint i = 0; i < tend_inventory_diff_get_n_changes (request->diff); i++)
        json_builder_add_string_value (builder,
                                       tend_inventory_diff_get_change (request->diff, i)
                                         ->description);
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static void
record_audit (Request      *request,
              const char   *operation,
              const char   *result,
              const GError *error)
{
  TendAuditRecord record = { 0 };
  g_autofree char *parameters = audit_parameters (request);

  record.time_usec = request->started_real;
  record.unix_user = g_get_user_name ();
  record.origin = request->origin;
  record.host = request->name;
  record.operation = operation;
  record.parameters = parameters;
  record.result = result;
  record.error = error != NULL ? error->message : NULL;
  /* A refusal changed nothing: it has no duration, as in the other rows. */
  if (error == NULL)
    record.duration_usec = g_get_monotonic_time () - request->started_monotonic;
  tend_store_add_audit (request->store, &record);
}

/* Refused or failed: recorded, and said. */
static void
fail (GTask      *task,
      const char *operation,
      GError     *error)
{
  Request *request = g_task_get_task_data (task);

  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    record_audit (request, operation, NULL, error);
  g_task_return_error (task, error);
  g_object_unref (task);
}

/* Done: recorded, the running engine told, answered. */
static void
succeed (GTask      *task,
         const char *operation)
{
  Request *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  record_audit (request, operation, "done", NULL);
  tend_engine_notify_owner (tend_store_get_path (request->store), &error);
  if (error != NULL)
    g_debug ("the engine was not told of the change: %s", error->message);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

/* ------------------------------------------------------------------------------------ */
/* Finding hosts                                                                         */

static TendInventoryHost *
find_host (TendInventory *inventory,
           const char    *name,
           guint         *position)
{
  GPtrArray *hosts = tend_inventory_get_hosts (inventory);

  for (guint i = 0; i < hosts->len; i++)
    if (g_str_equal (((TendInventoryHost *) hosts->pdata[i])->name, name))
      {
        if (position != NULL)
          *position = i;
        return hosts->pdata[i];
      }
  return NULL;
}

static GError *
name_taken_error (const TendInventoryHost *taken)
{
  if (taken->kind == TEND_HOST_KIND_SSH)
    return g_error_new (TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                        _("name: Tend has a host called %s already (%s); choose another name, "
                          "or remove that host first."), taken->name, taken->address);
  return g_error_new (TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                      _("name: %s is the name of this computer's host in Tend; choose another "
                        "name."), taken->name);
}

/* The host's fields, by the inventory's rules ("port: 70000 is outside 1..65535"): a
 * field and why, one a line. */
static gboolean
validate_spec (const TendInventoryHost  *spec,
               GError                  **error)
{
  g_autoptr(TendInventory) inventory = tend_inventory_new ();
  g_autoptr(GError) local_error = NULL;
  g_auto(GStrv) lines = NULL;
  GString *out;

  if (spec->kind != TEND_HOST_KIND_SSH)
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   _("kind: only SSH hosts can be added; this computer's hosts are there "
                     "already."));
      return FALSE;
    }
  tend_inventory_add_host (inventory, tend_inventory_host_copy (spec));
  if (tend_inventory_validate (inventory, &local_error))
    return TRUE;

  /* "$.hosts[0].port: …" → "port: …" */
  lines = g_strsplit (local_error->message, "\n", -1);
  out = g_string_new (NULL);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];

      if (g_str_has_prefix (line, "$.hosts[0]."))
        line += strlen ("$.hosts[0].");
      else if (g_str_has_prefix (line, "$.hosts[0]"))
        line += strlen ("$.hosts[0]");
      g_string_append_printf (out, "%s%s", i > 0 ? "\n" : "", line);
    }
  g_set_error_literal (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT, out->str);
  g_string_free (out, TRUE);
  return FALSE;
}

/* ------------------------------------------------------------------------------------ */
/* Adding a host                                                                         */

#define ADD "host-add"
#define REMOVE "host-remove"

/* On the store's thread, in the transaction: the name must still be free. */
static gboolean
add_edit (TendInventory  *inventory,
          gpointer        user_data,
          GError        **error)
{
  Request *request = user_data;
  TendInventoryHost *taken = find_host (inventory, request->name, NULL);

  if (taken != NULL)
    {
      g_propagate_error (error, name_taken_error (taken));
      return FALSE;
    }
  tend_inventory_add_host (inventory, tend_inventory_host_copy (request->spec));
  return TRUE;
}

/* The inventory edit of an add (a request with a spec) or a remove is over. */
static void
edited_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  Request *request = g_task_get_task_data (task);
  const char *operation = request->spec != NULL ? ADD : REMOVE;
  GError *error = NULL;

  request->diff = tend_store_edit_inventory_finish (TEND_STORE (object), result, &error);
  if (request->diff == NULL)
    {
      fail (task, operation, error);
      return;
    }
  succeed (task, operation);
}

static void
connected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  Request *request = g_task_get_task_data (task);
  TendSshSession *session = TEND_SSH_SESSION (object);
  GError *error = NULL;
  gboolean connected;

  connected = tend_ssh_session_connect_finish (session, result, &error);
  g_free (request->fingerprint);
  request->fingerprint = g_strdup (tend_ssh_session_get_fingerprint (session));
  tend_ssh_session_close (session);
  if (!connected)
    {
      fail (task, ADD, error);
      return;
    }

  g_debug ("%s answers (%s): adding it", request->name, request->fingerprint);
  tend_store_edit_inventory_async (request->store, add_edit, request, TEND_STORE_EDIT_NONE,
                                   g_task_get_cancellable (task), edited_cb, task);
}

static void
inventory_loaded_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr(TendInventory) inventory = NULL;
  const TendInventoryHost *spec = request->spec;
  TendInventoryHost *taken;
  GError *error = NULL;

  inventory = tend_store_load_inventory_finish (TEND_STORE (object), result, &error);
  if (inventory == NULL)
    {
      fail (task, ADD, error);
      return;
    }
  /* A name taken is said before anyone confirms a fingerprint for nothing. */
  taken = find_host (inventory, request->name, NULL);
  if (taken != NULL)
    {
      fail (task, ADD, name_taken_error (taken));
      return;
    }

  request->session = tend_ssh_session_new (spec->address, spec->port, spec->user);
  if (request->accept_fingerprint != NULL)
    tend_ssh_session_set_accept_fingerprint (request->session, request->accept_fingerprint);
  tend_ssh_session_connect_async (request->session, g_task_get_cancellable (task),
                                  connected_cb, task);
}

/**
 * tend_host_control_add_as_async:
 * @origin: who asks, for the audit log
 *
 * As tend_host_control_add_async(), recorded with @origin; finish it with
 * tend_host_control_add_finish().
 */
void
tend_host_control_add_as_async (TendStore               *store,
                                const TendInventoryHost *spec,
                                const char              *accept_fingerprint,
                                TendAuditOrigin          origin,
                                GCancellable            *cancellable,
                                GAsyncReadyCallback      callback,
                                gpointer                 user_data)
{
  GTask *task;
  Request *request;
  GError *error = NULL;

  g_return_if_fail (TEND_IS_STORE (store));
  g_return_if_fail (spec != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tend_host_control_add_async);
  request = request_new (store, spec->name != NULL ? spec->name : "", origin);
  request->spec = tend_inventory_host_copy (spec);
  request->accept_fingerprint = g_strdup (accept_fingerprint);
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);

  if (accept_fingerprint != NULL && !g_str_has_prefix (accept_fingerprint, "SHA256:"))
    {
      fail (task, ADD, g_error_new (TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                                    _("accept-fingerprint: '%s' is not a key's fingerprint; "
                                      "it starts with SHA256:, as Tend and ssh show it."),
                                    accept_fingerprint));
      return;
    }
  if (!validate_spec (spec, &error))
    {
      fail (task, ADD, error);
      return;
    }
  /* The names tend_host_new_local() gives this computer's managers */
  if (g_str_equal (spec->name, "local-user") || g_str_equal (spec->name, "local-system"))
    {
      g_autoptr(TendInventoryHost) local = tend_inventory_host_new (spec->name,
                                                                     TEND_HOST_KIND_LOCAL);

      fail (task, ADD, name_taken_error (local));
      return;
    }
  tend_store_load_inventory_async (store, cancellable, inventory_loaded_cb, task);
}

/**
 * tend_host_control_add_async:
 *
 * See tend-host-control.h; recorded in the audit log as the window's (origin "gui"):
 * tendctl calls tend_host_control_add_as_async().
 */
void
tend_host_control_add_async (TendStore               *store,
                             const TendInventoryHost *spec,
                             const char              *accept_fingerprint,
                             GCancellable            *cancellable,
                             GAsyncReadyCallback      callback,
                             gpointer                 user_data)
{
  tend_host_control_add_as_async (store, spec, accept_fingerprint, TEND_AUDIT_ORIGIN_GUI,
                                  cancellable, callback, user_data);
}

gboolean
tend_host_control_add_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * tend_host_control_add_get_fingerprint:
 *
 * Returns: (nullable): the server's key's fingerprint ("SHA256:…") as the add saw it,
 *   also when the add failed (an unknown key: the one to confirm); %NULL when Tend did
 *   not get that far
 */
const char *
tend_host_control_add_get_fingerprint (GAsyncResult *result)
{
  Request *request;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  request = g_task_get_task_data (G_TASK (result));
  return request != NULL ? request->fingerprint : NULL;
}

/* ------------------------------------------------------------------------------------ */
/* Removing a host                                                                       */


/* Removes from @items (of structs whose first member is the host's name) those of
 * @host. */
static void
remove_of_host (GPtrArray  *items,
                const char *host)
{
  for (guint i = items->len; i > 0; i--)
    if (g_str_equal (*(char **) items->pdata[i - 1], host))
      g_ptr_array_remove_index (items, i - 1);
}

static gboolean
remove_edit (TendInventory  *inventory,
             gpointer        user_data,
             GError        **error)
{
  Request *request = user_data;
  TendInventoryHost *host;
  guint position;

  G_STATIC_ASSERT (G_STRUCT_OFFSET (TendInventoryService, host) == 0);
  G_STATIC_ASSERT (G_STRUCT_OFFSET (TendInventoryCheck, host) == 0);
  G_STATIC_ASSERT (G_STRUCT_OFFSET (TendInventoryPolicy, host) == 0);

  host = find_host (inventory, request->name, &position);
  if (host == NULL)
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_NOT_FOUND,
                   _("Tend knows no host called %s."), request->name);
      return FALSE;
    }
  if (host->kind == TEND_HOST_KIND_LOCAL)
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   _("%s is this computer's host in Tend: it cannot be removed (unwatch its "
                     "services instead)."), request->name);
      return FALSE;
    }

  remove_of_host (tend_inventory_get_policies (inventory), request->name);
  remove_of_host (tend_inventory_get_checks (inventory), request->name);
  remove_of_host (tend_inventory_get_services (inventory), request->name);
  g_ptr_array_remove_index (tend_inventory_get_hosts (inventory), position);
  return TRUE;
}

/**
 * tend_host_control_remove_as_async:
 * @origin: who asks, for the audit log
 *
 * As tend_host_control_remove_async(), recorded with @origin.
 */
void
tend_host_control_remove_as_async (TendStore           *store,
                                   const char          *name,
                                   TendAuditOrigin      origin,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task;
  Request *request;

  g_return_if_fail (TEND_IS_STORE (store));
  g_return_if_fail (name != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tend_host_control_remove_async);
  request = request_new (store, name, origin);
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);
  tend_store_edit_inventory_async (store, remove_edit, request, TEND_STORE_EDIT_NONE,
                                   cancellable, edited_cb, task);
}

/**
 * tend_host_control_remove_async:
 *
 * See tend-host-control.h; recorded as the window's (origin "gui").
 */
void
tend_host_control_remove_async (TendStore           *store,
                                const char          *name,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  tend_host_control_remove_as_async (store, name, TEND_AUDIT_ORIGIN_GUI, cancellable, callback,
                                     user_data);
}

gboolean
tend_host_control_remove_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
