/* tend-types.c — values of libtend's enums as words, and back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The words are the nicks of the GTypes that gnome.mkenums_simple generates from the
 * enums' declarations (tend-enums.h): they are written in one place only, the
 * declaration, and these functions read them from there.
 */
#define G_LOG_DOMAIN "Tend"

#include "tend-types.h"

/**
 * tend_enum_to_nick:
 * @enum_type: a #GType of an enum
 * @value: one of its values
 *
 * Returns: (nullable): the nick of @value, or %NULL if @value is not one of the type's
 */
const char *
tend_enum_to_nick (GType enum_type,
                   int   value)
{
  g_autoptr(GEnumClass) klass = NULL;
  GEnumValue *enum_value;

  g_return_val_if_fail (G_TYPE_IS_ENUM (enum_type), NULL);

  klass = g_type_class_ref (enum_type);
  enum_value = g_enum_get_value (klass, value);

  /* The nick is static data of the type, which outlives its class reference. */
  return enum_value != NULL ? enum_value->value_nick : NULL;
}

/**
 * tend_enum_from_nick:
 * @enum_type: a #GType of an enum
 * @nick: (nullable): a nick
 * @value: (out) (optional): where to put the value of @nick
 *
 * Returns: whether @nick is one of the type's nicks
 */
gboolean
tend_enum_from_nick (GType       enum_type,
                     const char *nick,
                     int        *value)
{
  g_autoptr(GEnumClass) klass = NULL;
  GEnumValue *enum_value;

  g_return_val_if_fail (G_TYPE_IS_ENUM (enum_type), FALSE);

  if (nick == NULL)
    return FALSE;

  klass = g_type_class_ref (enum_type);
  enum_value = g_enum_get_value_by_nick (klass, nick);
  if (enum_value == NULL)
    return FALSE;

  if (value != NULL)
    *value = enum_value->value;
  return TRUE;
}

/* ------------------------------------------------------------------------------------ */
/* The shared enums' words                                                               */

/* @value's nick, or @fallback for a value that is none of @enum_type's */
static const char *
nick_or (GType       enum_type,
         int         value,
         const char *fallback)
{
  const char *nick = tend_enum_to_nick (enum_type, value);

  return nick != NULL ? nick : fallback;
}

/**
 * tend_result_status_to_string:
 *
 * Returns: "pass", "warn", "fail" or "unknown" (also for a value that is none of these)
 */
const char *
tend_result_status_to_string (TendResultStatus status)
{
  return nick_or (TEND_TYPE_RESULT_STATUS, status, "unknown");
}

/**
 * tend_audit_origin_to_string:
 *
 * Returns: "gui", "cli" or "auto" (also for a value that is none of these)
 */
const char *
tend_audit_origin_to_string (TendAuditOrigin origin)
{
  return nick_or (TEND_TYPE_AUDIT_ORIGIN, origin, "auto");
}

/**
 * tend_check_failure_to_string:
 *
 * Returns: "none", "timeout", "refused", "dns", "tls" …
 */
const char *
tend_check_failure_to_string (TendCheckFailure failure)
{
  const char *nick = tend_enum_to_nick (TEND_TYPE_CHECK_FAILURE, failure);

  g_return_val_if_fail (nick != NULL, NULL);
  return nick;
}

/**
 * tend_health_status_to_string:
 *
 * Returns: "healthy", "degraded", "critical" or "unknown"
 */
const char *
tend_health_status_to_string (TendHealthStatus status)
{
  const char *nick = tend_enum_to_nick (TEND_TYPE_HEALTH_STATUS, status);

  g_return_val_if_fail (nick != NULL, NULL);
  return nick;
}

/**
 * tend_host_state_to_string:
 *
 * Returns: the state's nick: "disconnected", "connecting", "connected", "reconnecting",
 *   "auth-failed", "host-key-unknown" or "host-key-changed" (tend_host_state_describe()
 *   says them for people)
 */
const char *
tend_host_state_to_string (TendHostState state)
{
  return nick_or (TEND_TYPE_HOST_STATE, state, "?");
}

/**
 * tend_memory_source_to_string:
 *
 * Returns: "none", "cgroup" or "process-rss"
 */
const char *
tend_memory_source_to_string (TendMemorySource source)
{
  return nick_or (TEND_TYPE_MEMORY_SOURCE, source, "none");
}

/**
 * tend_unit_action_to_string:
 *
 * Returns: "start", "stop", "restart", "reload", "enable", "disable" or "reset-failed"
 */
const char *
tend_unit_action_to_string (TendUnitAction action)
{
  const char *nick = tend_enum_to_nick (TEND_TYPE_UNIT_ACTION, action);

  g_return_val_if_fail (nick != NULL, NULL);
  return nick;
}

gboolean
tend_unit_action_from_string (const char     *text,
                              TendUnitAction *action)
{
  int value;

  g_return_val_if_fail (text != NULL, FALSE);

  if (!tend_enum_from_nick (TEND_TYPE_UNIT_ACTION, text, &value))
    return FALSE;
  if (action != NULL)
    *action = (TendUnitAction) value;
  return TRUE;
}

/**
 * tend_inventory_host_kind_to_string:
 * @kind: a #TendHostKind
 *
 * Returns: (nullable): the word the file uses for @kind, or %NULL if @kind is not one
 */
const char *
tend_inventory_host_kind_to_string (TendHostKind kind)
{
  return tend_enum_to_nick (TEND_TYPE_HOST_KIND, kind);
}

/**
 * tend_inventory_scope_to_string:
 * @scope: a #TendHostScope
 *
 * Returns: (nullable): "system" or "user"
 */
const char *
tend_inventory_scope_to_string (TendHostScope scope)
{
  return tend_enum_to_nick (TEND_TYPE_HOST_SCOPE, scope);
}

/**
 * tend_inventory_sudo_to_string:
 * @sudo: a #TendInventorySudo
 *
 * Returns: (nullable): "none", "sudo" or "sudo-nopasswd"
 */
const char *
tend_inventory_sudo_to_string (TendInventorySudo sudo)
{
  return tend_enum_to_nick (TEND_TYPE_INVENTORY_SUDO, sudo);
}

/**
 * tend_inventory_access_to_string:
 * @access: a #TendInventoryAccess
 *
 * Returns: (nullable): "viewer", "operator" or "admin"
 */
const char *
tend_inventory_access_to_string (TendInventoryAccess access)
{
  return tend_enum_to_nick (TEND_TYPE_INVENTORY_ACCESS, access);
}

/**
 * tend_inventory_check_kind_to_string:
 * @kind: a #TendInventoryCheckKind
 *
 * Returns: (nullable): "unit", "http", "tcp", "redis", "command" or "resources"
 */
const char *
tend_inventory_check_kind_to_string (TendInventoryCheckKind kind)
{
  return tend_enum_to_nick (TEND_TYPE_INVENTORY_CHECK_KIND, kind);
}

/**
 * tend_inventory_policy_kind_to_string:
 * @kind: a #TendInventoryPolicyKind
 *
 * Returns: (nullable): "never", "on-failure", "always" or "backoff"
 */
const char *
tend_inventory_policy_kind_to_string (TendInventoryPolicyKind kind)
{
  return tend_enum_to_nick (TEND_TYPE_INVENTORY_POLICY_KIND, kind);
}
