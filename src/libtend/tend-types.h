/* tend-types.h — the names of libtend's types, and the enums several headers share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * As GNOME Text Editor's editor-types.h: a header that only names a type, or uses one
 * of these enums, includes this one and not the header of the object. Every enum and
 * flags type here and in the objects' own headers gets its GType from
 * gnome.mkenums_simple (tend-enums.h, TEND_TYPE_HOST_STATE …), so a property of that
 * type can be bound from a .ui template. A value's name in files, the database and
 * tendctl's output is its nick: the default one (TEND_HOST_STATE_CONNECTED is
 * "connected") unless a `nick=` annotation says otherwise. Turn values into nicks and
 * back with the type's tend_xxx_to_string(), or tend_enum_to_nick() and
 * tend_enum_from_nick().
 */
#pragma once

#include <glib-object.h>

#include "tend-enums.h"

G_BEGIN_DECLS

/* Objects and interfaces */
typedef struct _TendBackend           TendBackend;
typedef struct _TendCheck             TendCheck;
typedef struct _TendCheckState        TendCheckState;
typedef struct _TendCommandCheck      TendCommandCheck;
typedef struct _TendConfig            TendConfig;
typedef struct _TendDbusBackend       TendDbusBackend;
typedef struct _TendDbusNotifier      TendDbusNotifier;
typedef struct _TendEngine            TendEngine;
typedef struct _TendHealth            TendHealth;
typedef struct _TendHost              TendHost;
typedef struct _TendOverview          TendOverview;
typedef struct _TendHttpCheck         TendHttpCheck;
typedef struct _TendJournalReader     TendJournalReader;
typedef struct _TendLock              TendLock;
typedef struct _TendLogNotifier       TendLogNotifier;
typedef struct _TendMonitor           TendMonitor;
typedef struct _TendMultiNotifier     TendMultiNotifier;
typedef struct _TendNotifier          TendNotifier;
typedef struct _TendRecovery          TendRecovery;
typedef struct _TendRedisCheck        TendRedisCheck;
typedef struct _TendResourcesCheck    TendResourcesCheck;
typedef struct _TendRestartPolicy     TendRestartPolicy;
typedef struct _TendService           TendService;
typedef struct _TendStore             TendStore;
typedef struct _TendSupervisor        TendSupervisor;
typedef struct _TendTcpCheck          TendTcpCheck;
typedef struct _TendUnitCheck         TendUnitCheck;
typedef struct _TendWebhookNotifier   TendWebhookNotifier;

/* Boxed types and plain structs */
typedef struct _TendCheckVerdict      TendCheckVerdict;
typedef struct _TendInventory         TendInventory;
typedef struct _TendInventoryCheck    TendInventoryCheck;
typedef struct _TendInventoryDiff     TendInventoryDiff;
typedef struct _TendInventoryHost     TendInventoryHost;
typedef struct _TendInventoryPolicy   TendInventoryPolicy;
typedef struct _TendInventoryService  TendInventoryService;
typedef struct _TendJournalEntry      TendJournalEntry;
typedef struct _TendNotification      TendNotification;
typedef struct _TendRecoveryDecision  TendRecoveryDecision;
typedef struct _TendRecoveryStatus    TendRecoveryStatus;
typedef struct _TendUnitList          TendUnitList;

typedef enum
{
  TEND_RESULT_PASS,
  TEND_RESULT_WARN,
  TEND_RESULT_FAIL,
  TEND_RESULT_UNKNOWN,
} TendResultStatus;

typedef enum
{
  TEND_AUDIT_ORIGIN_GUI,
  TEND_AUDIT_ORIGIN_CLI,
  TEND_AUDIT_ORIGIN_AUTO,
} TendAuditOrigin;

/**
 * TendCheckFailure:
 *
 * Why a check that did not pass did not, where the kind can tell: the monitor's
 * recommendations and the tests tell these apart.
 */
typedef enum
{
  TEND_CHECK_FAILURE_NONE,
  TEND_CHECK_FAILURE_TIMEOUT,       /* no answer within the check's timeout */
  TEND_CHECK_FAILURE_REFUSED,       /* connection refused: nothing listens */
  TEND_CHECK_FAILURE_DNS,           /* the name does not resolve */
  TEND_CHECK_FAILURE_TLS,           /* the certificate or the handshake failed */
  TEND_CHECK_FAILURE_UNREACHABLE,   /* no route, network down, reset */
  TEND_CHECK_FAILURE_PROTOCOL,      /* an answer, but not the expected one */
  TEND_CHECK_FAILURE_THRESHOLD,     /* a figure past its warn or critical threshold */
  TEND_CHECK_FAILURE_STATE,         /* the unit is failed, inactive, not found */
  TEND_CHECK_FAILURE_EXEC,          /* a command could not be run */
  TEND_CHECK_FAILURE_OTHER,
} TendCheckFailure;

/**
 * TendHealthStatus:
 * @TEND_HEALTH_HEALTHY: at least one layer passes, none fails, warns or flaps (hard statuses)
 * @TEND_HEALTH_DEGRADED: a layer's hard status is warn, or a layer flaps
 * @TEND_HEALTH_CRITICAL: a layer's hard status is fail
 * @TEND_HEALTH_UNKNOWN: no layers, or none has a hard status other than unknown
 *
 * The overall health of a service, from the hard statuses of its layers.
 */
typedef enum
{
  TEND_HEALTH_HEALTHY,
  TEND_HEALTH_DEGRADED,
  TEND_HEALTH_CRITICAL,
  TEND_HEALTH_UNKNOWN,
} TendHealthStatus;

typedef enum
{
  TEND_HOST_SCOPE_SYSTEM,
  TEND_HOST_SCOPE_USER,
} TendHostScope;

typedef enum
{
  TEND_HOST_KIND_LOCAL,
  TEND_HOST_KIND_SSH,
} TendHostKind;

/**
 * TendHostState:
 * @TEND_HOST_STATE_DISCONNECTED: not connected, and not trying (before the first
 *   connect, or a host that does not follow changes and lost its connection)
 * @TEND_HOST_STATE_CONNECTING: the first connect is under way
 * @TEND_HOST_STATE_CONNECTED: the service manager answers
 * @TEND_HOST_STATE_RECONNECTING: unreachable (the bus closed, the manager is not on it,
 *   the first connect failed); a host that follows changes tries again by itself, with
 *   a growing delay, and reads its units afresh when it is back
 * @TEND_HOST_STATE_AUTH_FAILED: an SSH host refused every key Tend could offer
 * @TEND_HOST_STATE_HOST_KEY_UNKNOWN: an SSH host's key is not in the user's known_hosts:
 *   a person must confirm its fingerprint
 * @TEND_HOST_STATE_HOST_KEY_CHANGED: an SSH host's key is not the one known_hosts has:
 *   refused, with no way to connect anyway
 *
 * The last three try again like %TEND_HOST_STATE_RECONNECTING (a key added to the agent,
 * a fingerprint accepted from another process), and say what a person must do.
 */
typedef enum
{
  TEND_HOST_STATE_DISCONNECTED,
  TEND_HOST_STATE_CONNECTING,
  TEND_HOST_STATE_CONNECTED,
  TEND_HOST_STATE_RECONNECTING,
  TEND_HOST_STATE_AUTH_FAILED,
  TEND_HOST_STATE_HOST_KEY_UNKNOWN,
  TEND_HOST_STATE_HOST_KEY_CHANGED,
} TendHostState;

/**
 * TendMemorySource:
 * @TEND_MEMORY_SOURCE_NONE: no figure is known
 * @TEND_MEMORY_SOURCE_CGROUP: systemd's MemoryCurrent (the unit's cgroup, page cache included)
 * @TEND_MEMORY_SOURCE_PROCESS_RSS: the summed resident size of the unit's processes, used
 *   where systemd reports no MemoryCurrent (a memory controller on cgroup v1)
 */
typedef enum
{
  TEND_MEMORY_SOURCE_NONE,
  TEND_MEMORY_SOURCE_CGROUP,
  TEND_MEMORY_SOURCE_PROCESS_RSS,
} TendMemorySource;

/**
 * TendUnitAction:
 *
 * The control operations a backend performs on a unit. Start, stop, restart and reload
 * queue a systemd job and finish when the job is removed, with its result; enable and
 * disable change unit files and reload the manager; reset-failed clears a failed state.
 */
typedef enum
{
  TEND_UNIT_ACTION_START,
  TEND_UNIT_ACTION_STOP,
  TEND_UNIT_ACTION_RESTART,
  TEND_UNIT_ACTION_RELOAD,
  TEND_UNIT_ACTION_ENABLE,
  TEND_UNIT_ACTION_DISABLE,
  TEND_UNIT_ACTION_RESET_FAILED,
} TendUnitAction;

/**
 * TendListFlags:
 * @TEND_LIST_LOADED: the units the manager has loaded (ListUnits)
 * @TEND_LIST_UNIT_FILES: also installed unit files that are not loaded; this list is
 *   slow to make, so backends cache it and drop the cache when unit files change
 */
typedef enum
{
  TEND_LIST_LOADED = 0,
  TEND_LIST_UNIT_FILES = 1 << 0,
} TendListFlags;

typedef enum
{
  TEND_INVENTORY_SUDO_NONE,
  TEND_INVENTORY_SUDO_SUDO,
  TEND_INVENTORY_SUDO_NOPASSWD, /*< nick=sudo-nopasswd >*/
} TendInventorySudo;

typedef enum
{
  TEND_INVENTORY_ACCESS_VIEWER,
  TEND_INVENTORY_ACCESS_OPERATOR,
  TEND_INVENTORY_ACCESS_ADMIN,
} TendInventoryAccess;

typedef enum
{
  TEND_INVENTORY_CHECK_UNIT,
  TEND_INVENTORY_CHECK_HTTP,
  TEND_INVENTORY_CHECK_TCP,
  TEND_INVENTORY_CHECK_REDIS,
  TEND_INVENTORY_CHECK_COMMAND,
  TEND_INVENTORY_CHECK_RESOURCES,
} TendInventoryCheckKind;

typedef enum
{
  TEND_INVENTORY_HTTP_GET,  /*< nick=GET >*/
  TEND_INVENTORY_HTTP_HEAD, /*< nick=HEAD >*/
  TEND_INVENTORY_HTTP_POST, /*< nick=POST >*/
} TendInventoryHttpMethod;

typedef enum
{
  TEND_INVENTORY_POLICY_NEVER,
  TEND_INVENTORY_POLICY_ON_FAILURE,
  TEND_INVENTORY_POLICY_ALWAYS,
  TEND_INVENTORY_POLICY_BACKOFF,
} TendInventoryPolicyKind;

/* Each type's nick, and back (tend-types.c); the words of files, of the database and
 * of tendctl's output. */
const char *tend_result_status_to_string        (TendResultStatus        status);
const char *tend_audit_origin_to_string         (TendAuditOrigin         origin);
const char *tend_check_failure_to_string        (TendCheckFailure        failure);
const char *tend_health_status_to_string        (TendHealthStatus        status);
const char *tend_host_state_to_string           (TendHostState           state);
const char *tend_memory_source_to_string        (TendMemorySource        source);
const char *tend_unit_action_to_string          (TendUnitAction          action);
gboolean    tend_unit_action_from_string        (const char             *text,
                                                 TendUnitAction         *action);
/* The words the inventory's file uses for these values ("ssh", "sudo-nopasswd" ...) */
const char *tend_inventory_host_kind_to_string   (TendHostKind            kind);
const char *tend_inventory_scope_to_string       (TendHostScope           scope);
const char *tend_inventory_sudo_to_string        (TendInventorySudo       sudo);
const char *tend_inventory_access_to_string      (TendInventoryAccess     access);
const char *tend_inventory_check_kind_to_string  (TendInventoryCheckKind  kind);
const char *tend_inventory_policy_kind_to_string (TendInventoryPolicyKind kind);

/* Any enum's nick, and back */
const char *tend_enum_to_nick                   (GType                   enum_type,
                                                 int                     value);
gboolean    tend_enum_from_nick                 (GType                   enum_type,
                                                 const char             *nick,
                                                 int                    *value);

G_END_DECLS
