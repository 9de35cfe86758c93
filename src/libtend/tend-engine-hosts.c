/* tend-engine-hosts.c — the engine's hosts: one TendHost per inventory host
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Local hosts are connected before the checks are built; SSH hosts connect on their own
 * threads and are never waited for, so a remote host that is down delays nothing. A
 * host that cannot be reached is logged once when it goes and once when it is back, a
 * remote one is a notification each time (one for the host, not one per service), and
 * its checks run at once at both ends (see docs/architecture.md, "Remote hosts").
 */
#define G_LOG_DOMAIN "Tend-Engine"

#include "tend-engine-private.h"
#include "tend-host.h"
#include "tend-inventory.h"
#include "tend-monitor.h"
#include "tend-multi-notifier.h"
#include "tend-notifier.h"

/* Runs every check of @host's services now (the host went, or is back): their verdicts
 * say so at once rather than at their next due time. */
static void
run_host_checks_now (TendEngine *self,
                     TendHost   *host)
{
  g_autoptr(GHashTable) done = g_hash_table_new (g_int64_hash, g_int64_equal);
  GHashTableIter iter;
  gpointer value;

  if (!self->started)
    return;
  g_hash_table_iter_init (&iter, self->watched);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Watched *watched = value;

      if (watched->host != host || g_hash_table_contains (done, &watched->service_id))
        continue;
      g_hash_table_add (done, &watched->service_id);
      tend_monitor_run_service_now (self->monitor, watched->service_id);
    }
}

/* One notification for a remote host that cannot be reached, whatever the number of its
 * services (each of them is unknown meanwhile, and none is recovered), and one when it
 * is back; each replaces the one before. Its words follow the host's state. */
static void
notify_host (TendEngine *self,
             TendHost   *host)
{
  g_autoptr(TendNotification) notification = NULL;
  const char *name = tend_host_get_id (host);

  notification = tend_notification_new_for_host (tend_host_get_state (host),
                                                 name, tend_host_get_spoken_name (host),
                                                 tend_host_get_state_message (host));
  tend_notifier_send (TEND_NOTIFIER (self->notifier), notification);
}

/* Tells @notifier (an output that was not there when they were sent) of the remote hosts
 * that are unreachable now. */
void
tend_engine_resend_host_notifications (TendEngine   *self,
                                       TendNotifier *notifier)
{
  GHashTableIter iter;
  gpointer value;

  if (!tend_notification_wanted (TEND_NOTIFICATION_HOST_UNREACHABLE, self->config))
    return;
  g_hash_table_iter_init (&iter, self->hosts);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      TendHost *host = value;
      g_autoptr(TendNotification) notification = NULL;

      if (tend_host_get_kind (host) != TEND_HOST_KIND_SSH ||
          g_object_get_data (G_OBJECT (host), "tend-engine-lost") == NULL)
        continue;
      notification = tend_notification_new_for_host (tend_host_get_state (host),
                                                     tend_host_get_id (host),
                                                     tend_host_get_spoken_name (host),
                                                     tend_host_get_state_message (host));
      tend_notifier_send (notifier, notification);
    }
}

/* A host that cannot be reached is said once when it goes (and again when the reason
 * changes: a lost connection found, on reconnecting, to be a changed host key), and once
 * when it is back; its checks say "unreachable" meanwhile (a remote host's are not run
 * at all), and run at once at both ends. A remote host's outage is a notification too.
 * "tend-engine-lost" keeps the state that was said, plus one. */
static void
host_state_cb (TendHost   *host,
               GParamSpec *pspec,
               TendEngine *self)
{
  TendHostState state = tend_host_get_state (host);
  int said = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (host), "tend-engine-lost"));
  gboolean lost = said != 0;
  gboolean remote = tend_host_get_kind (host) == TEND_HOST_KIND_SSH;

  switch (state)
    {
    case TEND_HOST_STATE_RECONNECTING:
    case TEND_HOST_STATE_AUTH_FAILED:
    case TEND_HOST_STATE_HOST_KEY_UNKNOWN:
    case TEND_HOST_STATE_HOST_KEY_CHANGED:
      if (said == (int) state + 1)
        break;   /* said already, and it tries again by itself */
      g_warning ("%s", tend_host_get_state_message (host));
      g_object_set_data (G_OBJECT (host), "tend-engine-lost", GINT_TO_POINTER (state + 1));
      if (remote)
        notify_host (self, host);
      if (!lost)
        run_host_checks_now (self, host);
      break;
    case TEND_HOST_STATE_CONNECTED:
      if (lost)
        {
          g_message ("%s is reachable again; its units are read afresh",
                     tend_host_get_display_name (host));
          if (remote)
            notify_host (self, host);
        }
      g_object_set_data (G_OBJECT (host), "tend-engine-lost", NULL);
      run_host_checks_now (self, host);
      break;
    case TEND_HOST_STATE_DISCONNECTED:
    case TEND_HOST_STATE_CONNECTING:
    default:
      break;
    }
}

static void
host_connected_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  TendEngine *self = user_data;
  Reload *reload = self->reloading;
  g_autoptr(GError) error = NULL;

  /* A host that cannot be reached stays, and tries again (host_state_cb says so): its
   * checks say it is unreachable, each run. */
  if (!tend_host_connect_finish (TEND_HOST (source), result, &error))
    g_debug ("%s", error->message);

  if (--reload->n_connecting == 0)
    tend_engine_load_checks (self);
}

static void
remote_connected_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* As above, but nobody waits for it: the engine may be gone (dispose cancels). */
  if (!tend_host_connect_finish (TEND_HOST (source), result, &error))
    g_debug ("%s", error->message);
}

/* What makes a remote host's connection: an entry that changes it is a new TendHost. */
static char *
host_fingerprint (const TendInventoryHost *spec)
{
  return g_strdup_printf ("%d %s %d %s %d %d", spec->kind, spec->address ? spec->address : "",
                          spec->port, spec->user ? spec->user : "", spec->scope, spec->sudo);
}

/* Makes a TendHost for each host of the inventory that has none yet, or whose entry
 * changed how it is reached, and forgets those no longer there (their services went
 * with them). Local hosts are waited for before the checks are built (it is quick, and
 * their checks then start from the units' state); remote hosts connect on their own
 * threads meanwhile and are never waited for, so a remote host that is down delays
 * nothing: its checks say "unreachable" until it is there. */
void
tend_engine_ensure_hosts (TendEngine    *self,
                          TendInventory *inventory)
{
  Reload *reload = self->reloading;
  GPtrArray *hosts = tend_inventory_get_hosts (inventory);
  g_autoptr(GPtrArray) connecting = g_ptr_array_new ();
  g_autoptr(GHashTable) named = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer key;

  for (guint i = 0; i < hosts->len; i++)
    {
      const TendInventoryHost *spec = hosts->pdata[i];
      g_autofree char *print = host_fingerprint (spec);
      const char *known = g_hash_table_lookup (self->host_specs, spec->name);
      TendHost *host = g_hash_table_lookup (self->hosts, spec->name);

      g_hash_table_add (named, spec->name);
      if (host != NULL && (spec->kind == TEND_HOST_KIND_LOCAL || g_strcmp0 (known, print) == 0))
        {
          tend_host_set_access (host, spec->access);
          continue;
        }
      if (host != NULL)
        g_message ("host %s changed in the inventory: connecting to it anew", spec->name);

      host = tend_host_new_for_inventory (spec);
      /* What Tend does on its own is in the audit log as "auto". */
      tend_host_set_audit (host, self->store, TEND_AUDIT_ORIGIN_AUTO);
      g_signal_connect_object (host, "notify::state", G_CALLBACK (host_state_cb), self, 0);
      g_hash_table_insert (self->hosts, g_strdup (spec->name), host);
      g_hash_table_insert (self->host_specs, g_strdup (spec->name), g_steal_pointer (&print));
      if (spec->kind == TEND_HOST_KIND_LOCAL)
        g_ptr_array_add (connecting, host);
      else
        tend_host_connect_async (host, self->cancellable, remote_connected_cb, NULL);
    }

  /* Hosts the inventory no longer has: none of its checks is left. */
  g_hash_table_iter_init (&iter, self->hosts);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (named, key))
      {
        g_hash_table_remove (self->host_specs, key);
        g_hash_table_iter_remove (&iter);
      }

  reload->n_connecting = connecting->len;
  if (connecting->len == 0)
    {
      tend_engine_load_checks (self);
      return;
    }
  for (guint i = 0; i < connecting->len; i++)
    tend_host_connect_async (connecting->pdata[i], NULL, host_connected_cb, self);
}
