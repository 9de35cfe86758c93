/* tend-host-access.c — the hosts of the inventory, what a person may do on each, and
 * the words for their connection states
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Access levels (the inventory's `access` of a host):
 *
 *   viewer    looks only: no operation at all
 *   operator  start, restart, reload and reset-failed: what brings a service back
 *   admin     everything, stop, enable and disable included
 *
 * TendHost enforces them in tend_host_run_action_async() (so the window and tendctl
 * cannot differ), and the window asks tend_host_allows_action() to make what is
 * forbidden insensitive, with the same sentence as a tooltip.
 */
#define G_LOG_DOMAIN "Tend-Hosts"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "tend-host.h"
#include "tend-host-private.h"
#include "tend-inventory.h"
#include "tend-ssh-backend.h"

/**
 * tend_host_new_for_inventory:
 * @spec: a host of the inventory
 *
 * The host @spec describes: this computer's manager of its scope over D-Bus (kind
 * local; its id is "local-user" or "local-system", as tend_host_new_local() makes it),
 * or an SSH host (a #TendSshBackend; id and display name are the inventory's name, and
 * #TendHost:address says where it is reached). Either has @spec's access level.
 *
 * Returns: (transfer full): a host that has not connected yet
 */
TendHost *
tend_host_new_for_inventory (const TendInventoryHost *spec)
{
  g_autoptr(TendSshBackend) backend = NULL;
  g_autofree char *address = NULL;
  TendHost *host;

  g_return_val_if_fail (spec != NULL, NULL);
  g_return_val_if_fail (spec->kind == TEND_HOST_KIND_LOCAL || spec->address != NULL, NULL);

  if (spec->kind == TEND_HOST_KIND_LOCAL)
    {
      host = tend_host_new_local (spec->scope);
      tend_host_set_access (host, spec->access);
      return host;
    }

  backend = tend_ssh_backend_new (spec);
  address = tend_inventory_host_format_address (spec);
  return g_object_new (TEND_TYPE_HOST,
                       "id", spec->name,
                       "display-name", spec->name,
                       "address", address,
                       "kind", TEND_HOST_KIND_SSH,
                       "scope", spec->scope,
                       "backend", backend,
                       "access", spec->access,
                       NULL);
}

/**
 * tend_host_access_needed:
 *
 * Returns: the least access level that allows @action
 */
TendInventoryAccess
tend_host_access_needed (TendUnitAction action)
{
  switch (action)
    {
    case TEND_UNIT_ACTION_START:
    case TEND_UNIT_ACTION_RESTART:
    case TEND_UNIT_ACTION_RELOAD:
    case TEND_UNIT_ACTION_RESET_FAILED:
      return TEND_INVENTORY_ACCESS_OPERATOR;
    case TEND_UNIT_ACTION_STOP:
    case TEND_UNIT_ACTION_ENABLE:
    case TEND_UNIT_ACTION_DISABLE:
    default:
      return TEND_INVENTORY_ACCESS_ADMIN;
    }
}

/* "Stop", as a button says it */
static const char *
action_label (TendUnitAction action)
{
  switch (action)
    {
    case TEND_UNIT_ACTION_START: return _("Start");
    case TEND_UNIT_ACTION_STOP: return _("Stop");
    case TEND_UNIT_ACTION_RESTART: return _("Restart");
    case TEND_UNIT_ACTION_RELOAD: return _("Reload");
    case TEND_UNIT_ACTION_ENABLE: return _("Enable");
    case TEND_UNIT_ACTION_DISABLE: return _("Disable");
    case TEND_UNIT_ACTION_RESET_FAILED: return _("Reset failed");
    default: return tend_unit_action_to_string (action);
    }
}

/**
 * tend_host_allows_action:
 * @reason: (out) (optional) (nullable): when refused, a sentence for a tooltip or an
 *   error ("web1 is an operator host in Tend: Stop needs admin access.")
 *
 * Whether the host's access level allows @action: a viewer host nothing, an operator
 * host start, restart, reload and reset-failed, an admin host everything.
 */
gboolean
tend_host_allows_action (TendHost        *self,
                         TendUnitAction   action,
                         char           **reason)
{
  TendInventoryAccess access;
  TendInventoryAccess needed = tend_host_access_needed (action);

  g_return_val_if_fail (TEND_IS_HOST (self), FALSE);

  if (reason != NULL)
    *reason = NULL;
  access = tend_host_get_access (self);
  if (access >= needed)
    return TRUE;

  if (reason == NULL)
    return FALSE;
  if (access == TEND_INVENTORY_ACCESS_VIEWER)
    /* Translators: the host's name */
    *reason = g_strdup_printf (_("%s is a viewer host in Tend: nothing can be changed there."),
                               tend_host_get_display_name (self));
  else
    /* Translators: "web1 is an operator host in Tend: Stop needs admin access." */
    *reason = g_strdup_printf (_("%s is an operator host in Tend: %s needs admin access."),
                               tend_host_get_display_name (self), action_label (action));
  return FALSE;
}

/**
 * tend_host_state_is_retrying:
 *
 * Returns: whether a host in @state is not connected and tries again by itself:
 *   reconnecting, or refused by an SSH host (authentication failed, host key unknown or
 *   changed) until a person acts
 */
gboolean
tend_host_state_is_retrying (TendHostState state)
{
  return state == TEND_HOST_STATE_RECONNECTING || state == TEND_HOST_STATE_AUTH_FAILED ||
         state == TEND_HOST_STATE_HOST_KEY_UNKNOWN || state == TEND_HOST_STATE_HOST_KEY_CHANGED;
}

/**
 * tend_host_state_describe:
 *
 * Returns: @state in a few words for people ("authentication failed"), translated;
 *   tend_host_state_to_string() gives the stable nick ("auth-failed")
 */
const char *
tend_host_state_describe (TendHostState state)
{
  switch (state)
    {
    case TEND_HOST_STATE_DISCONNECTED: return _("not connected");
    case TEND_HOST_STATE_CONNECTING: return _("connecting");
    case TEND_HOST_STATE_CONNECTED: return _("connected");
    case TEND_HOST_STATE_RECONNECTING: return _("unreachable, reconnecting");
    case TEND_HOST_STATE_AUTH_FAILED: return _("authentication failed");
    case TEND_HOST_STATE_HOST_KEY_UNKNOWN: return _("host key unknown");
    case TEND_HOST_STATE_HOST_KEY_CHANGED: return _("host key changed");
    default: return tend_host_state_to_string (state);
    }
}

/**
 * tend_host_get_address:
 *
 * Returns: (nullable): where an SSH host is reached, as a person reads it
 *   ("root@10.0.0.5:22"); %NULL for this computer
 */
const char *
tend_host_get_address (TendHost *self)
{
  g_return_val_if_fail (TEND_IS_HOST (self), NULL);
  return self->address;
}

/**
 * tend_host_get_access:
 *
 * Returns: what a person may do on the host through Tend (admin for a host made
 *   without an inventory entry, such as tend_host_new_local()'s)
 */
TendInventoryAccess
tend_host_get_access (TendHost *self)
{
  g_return_val_if_fail (TEND_IS_HOST (self), TEND_INVENTORY_ACCESS_VIEWER);
  return self->access;
}

/**
 * tend_host_set_access:
 *
 * From now on tend_host_run_action_async() allows what @access allows
 * (tend_host_allows_action()).
 */
void
tend_host_set_access (TendHost            *self,
                      TendInventoryAccess  access)
{
  g_return_if_fail (TEND_IS_HOST (self));
  g_return_if_fail (access <= TEND_INVENTORY_ACCESS_ADMIN);

  if (self->access == access)
    return;
  self->access = access;
  g_object_notify (G_OBJECT (self), "access");
}
