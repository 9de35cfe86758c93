/* test-host-access.c — access levels of hosts (viewer, operator, admin), enforced by
 * TendHost before anything is sent; hosts made from the inventory; words for states
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Tend"

#include "tend.h"

static TendInventoryHost *
ssh_spec (TendInventoryAccess access)
{
  TendInventoryHost *spec = tend_inventory_host_new ("web1", TEND_HOST_KIND_SSH);

  spec->address = g_strdup ("127.0.0.1");
  /* Nothing listens on port 1: a command that were sent would fail as unreachable. */
  spec->port = 1;
  spec->user = g_strdup ("deploy");
  spec->access = access;
  return spec;
}

static void
test_new_for_inventory (void)
{
  g_autoptr(TendInventoryHost) spec = ssh_spec (TEND_INVENTORY_ACCESS_OPERATOR);
  g_autoptr(TendInventoryHost) local = tend_inventory_host_new ("laptop", TEND_HOST_KIND_LOCAL);
  g_autoptr(TendHost) host = tend_host_new_for_inventory (spec);
  g_autoptr(TendHost) local_host = NULL;
  g_autoptr(TendHost) plain = tend_host_new_local (TEND_HOST_SCOPE_USER);
  TendInventoryAccess access;

  g_assert_cmpstr (tend_host_get_id (host), ==, "web1");
  g_assert_cmpstr (tend_host_get_display_name (host), ==, "web1");
  g_assert_cmpstr (tend_host_get_address (host), ==, "deploy@127.0.0.1:1");
  g_assert_cmpint (tend_host_get_kind (host), ==, TEND_HOST_KIND_SSH);
  g_assert_cmpint (tend_host_get_scope (host), ==, TEND_HOST_SCOPE_SYSTEM);
  g_assert_true (TEND_IS_SSH_BACKEND (tend_host_get_backend (host)));
  g_object_get (host, "access", &access, NULL);
  g_assert_cmpint (access, ==, TEND_INVENTORY_ACCESS_OPERATOR);

  local->scope = TEND_HOST_SCOPE_USER;
  local->access = TEND_INVENTORY_ACCESS_VIEWER;
  local_host = tend_host_new_for_inventory (local);
  g_assert_cmpstr (tend_host_get_id (local_host), ==, "local-user");
  g_assert_null (tend_host_get_address (local_host));
  g_assert_cmpint (tend_host_get_access (local_host), ==, TEND_INVENTORY_ACCESS_VIEWER);

  /* A host made without an inventory entry may do everything. */
  g_assert_cmpint (tend_host_get_access (plain), ==, TEND_INVENTORY_ACCESS_ADMIN);
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

static void
test_allows (void)
{
  g_autoptr(TendInventoryHost) spec = ssh_spec (TEND_INVENTORY_ACCESS_OPERATOR);
  g_autoptr(TendHost) host = tend_host_new_for_inventory (spec);
  static const TendUnitAction operate[] = { TEND_UNIT_ACTION_START, TEND_UNIT_ACTION_RESTART,
                                            TEND_UNIT_ACTION_RELOAD,
                                            TEND_UNIT_ACTION_RESET_FAILED };
  static const TendUnitAction administer[] = { TEND_UNIT_ACTION_STOP, TEND_UNIT_ACTION_ENABLE,
                                               TEND_UNIT_ACTION_DISABLE };
  guint n_notify = 0;

  g_signal_connect (host, "notify::access", G_CALLBACK (count_notify), &n_notify);

  for (guint i = 0; i < G_N_ELEMENTS (operate); i++)
    {
      g_autofree char *reason = NULL;

      g_assert_cmpint (tend_host_access_needed (operate[i]), ==,
                       TEND_INVENTORY_ACCESS_OPERATOR);
      g_assert_true (tend_host_allows_action (host, operate[i], &reason));
      g_assert_null (reason);
    }
  for (guint i = 0; i < G_N_ELEMENTS (administer); i++)
    {
      g_autofree char *reason = NULL;

      g_assert_cmpint (tend_host_access_needed (administer[i]), ==,
                       TEND_INVENTORY_ACCESS_ADMIN);
      g_assert_false (tend_host_allows_action (host, administer[i], &reason));
      g_assert_true (g_str_has_prefix (reason, "web1 is an operator host in Tend: "));
      g_assert_true (g_str_has_suffix (reason, " needs admin access."));
    }
  {
    g_autofree char *reason = NULL;

    tend_host_allows_action (host, TEND_UNIT_ACTION_STOP, &reason);
    g_assert_cmpstr (reason, ==, "web1 is an operator host in Tend: Stop needs admin access.");
  }

  /* Explicit notify, only on a change. */
  tend_host_set_access (host, TEND_INVENTORY_ACCESS_OPERATOR);
  g_assert_cmpuint (n_notify, ==, 0);
  tend_host_set_access (host, TEND_INVENTORY_ACCESS_VIEWER);
  g_assert_cmpuint (n_notify, ==, 1);
  for (int action = TEND_UNIT_ACTION_START; action <= TEND_UNIT_ACTION_RESET_FAILED; action++)
    {
      g_autofree char *reason = NULL;

      g_assert_false (tend_host_allows_action (host, action, &reason));
      g_assert_cmpstr (reason, ==, "web1 is a viewer host in Tend: nothing can be changed there.");
      g_assert_false (tend_host_allows_action (host, action, NULL));
    }
  g_object_set (host, "access", TEND_INVENTORY_ACCESS_ADMIN, NULL);
  g_assert_cmpuint (n_notify, ==, 2);
  for (int action = TEND_UNIT_ACTION_START; action <= TEND_UNIT_ACTION_RESET_FAILED; action++)
    g_assert_true (tend_host_allows_action (host, action, NULL));
}

static void
action_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GError **error = user_data;
  g_autofree char *outcome = tend_host_run_action_finish (TEND_HOST (object), result, error);

  g_assert_null (outcome);
}

/* A refusal sends nothing: the host is never connected, and port 1 would answer
 * "unreachable" had anything been tried. */
static void
test_run_action_refused (void)
{
  g_autoptr(TendInventoryHost) spec = ssh_spec (TEND_INVENTORY_ACCESS_VIEWER);
  g_autoptr(TendHost) host = tend_host_new_for_inventory (spec);
  g_autoptr(GError) error = NULL;

  tend_host_run_action_async (host, "nginx.service", TEND_UNIT_ACTION_START, NULL, action_done,
                              &error);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (error, TEND_ERROR, TEND_ERROR_ACCESS_DENIED);
  g_assert_cmpstr (error->message, ==,
                   "web1 is a viewer host in Tend: nothing can be changed there. Change it with "
                   "'tendctl host set web1 --access operator'.");
  g_assert_cmpint (tend_host_get_state (host), ==, TEND_HOST_STATE_DISCONNECTED);
  g_clear_error (&error);

  tend_host_set_access (host, TEND_INVENTORY_ACCESS_OPERATOR);
  tend_host_run_action_async (host, "nginx.service", TEND_UNIT_ACTION_DISABLE, NULL, action_done,
                              &error);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (error, TEND_ERROR, TEND_ERROR_ACCESS_DENIED);
  g_assert_cmpstr (error->message, ==,
                   "web1 is an operator host in Tend: Disable needs admin access. Change it "
                   "with 'tendctl host set web1 --access admin'.");
}

static void
test_states (void)
{
  g_assert_cmpstr (tend_host_state_to_string (TEND_HOST_STATE_AUTH_FAILED), ==, "auth-failed");
  g_assert_cmpstr (tend_host_state_to_string (TEND_HOST_STATE_HOST_KEY_UNKNOWN), ==,
                   "host-key-unknown");
  g_assert_cmpstr (tend_host_state_to_string (TEND_HOST_STATE_HOST_KEY_CHANGED), ==,
                   "host-key-changed");
  g_assert_cmpstr (tend_host_state_describe (TEND_HOST_STATE_AUTH_FAILED), ==,
                   "authentication failed");
  g_assert_cmpstr (tend_host_state_describe (TEND_HOST_STATE_HOST_KEY_CHANGED), ==,
                   "host key changed");
  g_assert_cmpstr (tend_host_state_describe (TEND_HOST_STATE_CONNECTED), ==, "connected");
  g_assert_true (tend_host_state_is_retrying (TEND_HOST_STATE_RECONNECTING));
  g_assert_true (tend_host_state_is_retrying (TEND_HOST_STATE_AUTH_FAILED));
  g_assert_true (tend_host_state_is_retrying (TEND_HOST_STATE_HOST_KEY_UNKNOWN));
  g_assert_true (tend_host_state_is_retrying (TEND_HOST_STATE_HOST_KEY_CHANGED));
  g_assert_false (tend_host_state_is_retrying (TEND_HOST_STATE_CONNECTED));
  g_assert_false (tend_host_state_is_retrying (TEND_HOST_STATE_DISCONNECTED));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/host-access/new-for-inventory", test_new_for_inventory);
  g_test_add_func ("/host-access/allows", test_allows);
  g_test_add_func ("/host-access/run-action-refused", test_run_action_refused);
  g_test_add_func ("/host-access/states", test_states);

  return g_test_run ();
}
