/* tend-inventory.h — the whole inventory as a value: JSON import and export, and diffs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The file format is documented in docs/inventory-format.md.
 */
#pragma once

#include <glib-object.h>

#include "tend-types.h"

G_BEGIN_DECLS

/* The format version this Tend reads and writes. */
#define TEND_INVENTORY_FORMAT_VERSION 1

/* Limits, checked before json-glib sees the text (see docs/inventory-format.md). */
#define TEND_INVENTORY_MAX_SIZE       (16 * 1024 * 1024)  /* bytes */
#define TEND_INVENTORY_MAX_DEPTH      32                  /* nested objects and arrays */
#define TEND_INVENTORY_MAX_VALUES     500000              /* JSON values of any kind */
#define TEND_INVENTORY_MAX_CONTAINERS 100000              /* objects and arrays */
#define TEND_INVENTORY_MAX_ERRORS     20                  /* problems listed in one error */

/* An optional number that is not set (a JSON null in the file). */
#define TEND_INVENTORY_UNSET (-1)

/**
 * TendInventoryHost:
 * @name: unique in the inventory; 1 to 64 of `A-Z a-z 0-9 . _ -`
 * @kind: local or ssh
 * @address: (nullable): host name or IP address; set for ssh hosts only
 * @port: the SSH port, 1..65535 (22 by default); %TEND_INVENTORY_UNSET for local hosts
 * @user: (nullable): the SSH user name (ssh hosts only); %NULL for ssh's own default
 * @scope: the system manager or the connecting user's manager (by default the user's on
 *   a local host, as for tendctl, and the system's on an ssh host)
 * @sudo: how commands that need root are run on the host
 * @access: what a person may do there through Tend: look, operate units, or administer
 *
 * All strings are owned by the struct. Durations everywhere in this file are µs; the
 * ranges given are the file format's (docs/inventory-format.md), which
 * tend_inventory_validate() checks.
 */
struct _TendInventoryHost
{
  char                *name;
  TendHostKind         kind;
  char                *address;
  int                  port;
  char                *user;
  TendHostScope        scope;
  TendInventorySudo    sudo;
  TendInventoryAccess  access;
};

/**
 * TendInventoryService:
 * @host: the name of a host of the inventory
 * @unit: a unit name such as "nginx.service" (not a template); (@host, @unit) is unique
 * @display_name: (nullable): a name to show instead of @unit
 * @tags: (array zero-terminated=1): tags, each 1 to 32 of `a-z 0-9 _ -`, at most 32,
 *   no duplicates; never %NULL (an empty array when there are none)
 * @depends_on: (array zero-terminated=1): units of services on the same host that this
 *   one needs, on top of systemd's Requires= and BindsTo=: at most 32, no duplicates,
 *   not @unit itself; never %NULL
 * @maintenance: (array zero-terminated=1): recurring maintenance windows as text that
 *   tend_maintenance_window_parse() reads ("Mon-Fri 02:00-04:00"), at most 16, none
 *   twice; read and written in the form tend_maintenance_window_format() gives; never
 *   %NULL
 */
struct _TendInventoryService
{
  char  *host;
  char  *unit;
  char  *display_name;
  char **tags;
  char **depends_on;
  char **maintenance;
};

/**
 * TendInventoryHttpParams:
 * @method: GET, HEAD or POST
 * @url: an http or https URL, with no user or password in it
 * @expect_status: (element-type int): accepted status codes, 100..599, at least one
 * @body_contains: (nullable): a text the body must contain
 * @verify_tls: whether the server's certificate is verified
 * @latency_degraded_usec: an answer slower than this is degraded; %TEND_INVENTORY_UNSET
 *   for never (when set, 1ms..10min and below the check's timeout)
 */
typedef struct
{
  TendInventoryHttpMethod  method;
  char                    *url;
  GArray                  *expect_status;
  char                    *body_contains;
  gboolean                 verify_tls;
  gint64                   latency_degraded_usec;
} TendInventoryHttpParams;

/**
 * TendInventoryTcpParams:
 * @host: host name or IP address to connect to
 * @port: 1..65535
 * @send: (nullable): bytes to send once connected
 * @expect: (nullable): text the answer must contain
 */
typedef struct
{
  char *host;
  int   port;
  char *send;
  char *expect;
} TendInventoryTcpParams;

/**
 * TendInventoryRedisParams:
 * @host: host name or IP address of the server ("127.0.0.1" by default)
 * @port: 1..65535 (6379 by default)
 * @password_env: (nullable): the NAME of the environment variable that holds the
 *   password, never the password itself
 * @max_memory_bytes: used_memory above this is degraded, or %TEND_INVENTORY_UNSET
 * @critical_memory_bytes: used_memory above this is critical, or %TEND_INVENTORY_UNSET
 * @max_clients: connected_clients above this is degraded, or %TEND_INVENTORY_UNSET
 * @critical_clients: connected_clients above this is critical, or %TEND_INVENTORY_UNSET
 * @max_latency_usec: a PING slower than this is degraded, or %TEND_INVENTORY_UNSET
 * @critical_latency_usec: a PING slower than this is critical, or %TEND_INVENTORY_UNSET
 *
 * The limits are those of #TendRedisCheck: memory and clients 0 or more, latencies
 * 1ms..10min and below the check's timeout; a degraded limit is below its critical one
 * when both are set.
 */
typedef struct
{
  char   *host;
  int     port;
  char   *password_env;
  gint64  max_memory_bytes;
  gint64  critical_memory_bytes;
  gint64  max_clients;
  gint64  critical_clients;
  gint64  max_latency_usec;
  gint64  critical_latency_usec;
} TendInventoryRedisParams;

/**
 * TendInventoryCommandParams:
 * @argv: (array zero-terminated=1): the program's absolute path and its arguments,
 *   run without a shell; no element is empty
 */
typedef struct
{
  char **argv;
} TendInventoryCommandParams;

/**
 * TendInventoryResourcesParams:
 *
 * Thresholds on systemd's figures for the unit, each %TEND_INVENTORY_UNSET when not
 * checked; a warning threshold is below its critical one when both are set.
 * CPU is in percent of one CPU (so up to 100 × the number of CPUs).
 */
typedef struct
{
  gint64 memory_warn_bytes;
  gint64 memory_critical_bytes;
  double cpu_warn_percent;
  double cpu_critical_percent;
  gint64 tasks_warn;
  gint64 tasks_critical;
} TendInventoryResourcesParams;

/**
 * TendInventoryCheck:
 * @host: with @unit, the service checked (one of the inventory's services)
 * @unit: see @host
 * @name: unique for its service; 1 to 64 of `A-Z a-z 0-9 . _ -`
 * @kind: which member of @params applies (a unit check has no parameters)
 * @interval_usec: how often it runs, 1s..1d
 * @timeout_usec: how long one run may take, 100ms..1h and below @interval_usec
 * @failures_before_hard: 1..100
 * @successes_before_recovered: 1..100
 * @startup_grace_usec: failures this soon after the unit started do not count, 0s..1h
 * @enabled: whether it runs at all
 * @params: the parameters of @kind; only the member named by @kind is used
 */
struct _TendInventoryCheck
{
  char                   *host;
  char                   *unit;
  char                   *name;
  TendInventoryCheckKind  kind;
  gint64                  interval_usec;
  gint64                  timeout_usec;
  int                     failures_before_hard;
  int                     successes_before_recovered;
  gint64                  startup_grace_usec;
  gboolean                enabled;
  union
  {
    TendInventoryHttpParams      http;
    TendInventoryTcpParams       tcp;
    TendInventoryRedisParams     redis;
    TendInventoryCommandParams   command;
    TendInventoryResourcesParams resources;
  } params;
};

/**
 * TendInventoryPolicy:
 * @host: with @unit, the service it recovers; a service has at most one policy
 * @unit: see @host
 * @kind: never, on-failure, always or backoff
 * @max_recoveries: at most this many recoveries within @window_usec, 1..100
 * @window_usec: see @max_recoveries, 1min..1d
 * @cooldown_usec: the pause after each recovery, 0s..1h
 * @backoff_initial_usec: the first delay of a backoff policy, 1s..1h
 * @backoff_multiplier: 1.0..10.0
 * @backoff_max_usec: the longest delay, 1s..1d and not below @backoff_initial_usec
 * @reset_after_usec: this long healthy resets the backoff and the count, 1min..1d
 * @jitter: 0..1, the share of a delay that is randomised
 * @loop_threshold: this many recoveries within @loop_window_usec is a restart loop, 2..100
 * @loop_window_usec: see @loop_threshold, 1min..1d
 */
struct _TendInventoryPolicy
{
  char                    *host;
  char                    *unit;
  TendInventoryPolicyKind  kind;
  int                      max_recoveries;
  gint64                   window_usec;
  gint64                   cooldown_usec;
  gint64                   backoff_initial_usec;
  double                   backoff_multiplier;
  gint64                   backoff_max_usec;
  gint64                   reset_after_usec;
  double                   jitter;
  int                      loop_threshold;
  gint64                   loop_window_usec;
};

#define TEND_TYPE_INVENTORY_HOST (tend_inventory_host_get_type ())
GType                 tend_inventory_host_get_type     (void) G_GNUC_CONST;
TendInventoryHost    *tend_inventory_host_new          (const char                  *name,
                                                        TendHostKind                 kind);
TendInventoryHost    *tend_inventory_host_copy         (const TendInventoryHost     *host);
void                  tend_inventory_host_free         (TendInventoryHost           *host);
char                 *tend_inventory_host_format_address (const TendInventoryHost   *host);

#define TEND_TYPE_INVENTORY_SERVICE (tend_inventory_service_get_type ())
GType                 tend_inventory_service_get_type  (void) G_GNUC_CONST;
TendInventoryService *tend_inventory_service_new       (const char                  *host,
                                                        const char                  *unit);
TendInventoryService *tend_inventory_service_copy      (const TendInventoryService  *service);
void                  tend_inventory_service_free      (TendInventoryService        *service);

#define TEND_TYPE_INVENTORY_CHECK (tend_inventory_check_get_type ())
GType                 tend_inventory_check_get_type    (void) G_GNUC_CONST;
TendInventoryCheck   *tend_inventory_check_new         (const char                  *host,
                                                        const char                  *unit,
                                                        const char                  *name,
                                                        TendInventoryCheckKind       kind);
TendInventoryCheck   *tend_inventory_check_copy        (const TendInventoryCheck    *check);
void                  tend_inventory_check_free        (TendInventoryCheck          *check);
char                 *tend_inventory_check_params_to_json (const TendInventoryCheck *check);
gboolean              tend_inventory_check_set_params_from_json (TendInventoryCheck *check,
                                                                 const char         *json,
                                                                 gsize               length,
                                                                 GError            **error);

#define TEND_TYPE_INVENTORY_POLICY (tend_inventory_policy_get_type ())
GType                 tend_inventory_policy_get_type   (void) G_GNUC_CONST;
TendInventoryPolicy  *tend_inventory_policy_new        (const char                  *host,
                                                        const char                  *unit,
                                                        TendInventoryPolicyKind      kind);
TendInventoryPolicy  *tend_inventory_policy_copy       (const TendInventoryPolicy   *policy);
void                  tend_inventory_policy_free       (TendInventoryPolicy         *policy);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TendInventoryHost, tend_inventory_host_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TendInventoryService, tend_inventory_service_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TendInventoryCheck, tend_inventory_check_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TendInventoryPolicy, tend_inventory_policy_free)

/* The inventory */

#define TEND_TYPE_INVENTORY (tend_inventory_get_type ())
GType          tend_inventory_get_type      (void) G_GNUC_CONST;
TendInventory *tend_inventory_new           (void);
TendInventory *tend_inventory_new_from_json (const char            *data,
                                             gsize                  length,
                                             GError               **error);
TendInventory *tend_inventory_copy          (TendInventory         *self);
TendInventory *tend_inventory_ref           (TendInventory         *self);
void           tend_inventory_unref         (TendInventory         *self);

GPtrArray     *tend_inventory_get_hosts     (TendInventory         *self);
GPtrArray     *tend_inventory_get_services  (TendInventory         *self);
GPtrArray     *tend_inventory_get_checks    (TendInventory         *self);
GPtrArray     *tend_inventory_get_policies  (TendInventory         *self);
GHashTable    *tend_inventory_get_config    (TendInventory         *self);

void           tend_inventory_add_host      (TendInventory         *self,
                                             TendInventoryHost     *host);
void           tend_inventory_add_service   (TendInventory         *self,
                                             TendInventoryService  *service);
void           tend_inventory_add_check     (TendInventory         *self,
                                             TendInventoryCheck    *check);
void           tend_inventory_add_policy    (TendInventory         *self,
                                             TendInventoryPolicy   *policy);
TendInventoryPolicy *tend_inventory_find_policy (TendInventory   *self,
                                                const char      *host,
                                                const char      *unit);
void           tend_inventory_set_config    (TendInventory         *self,
                                             const char            *key,
                                             const char            *value);

gboolean       tend_inventory_validate      (TendInventory         *self,
                                             GError               **error);
gboolean       tend_inventory_validate_change (TendInventory       *current,
                                               TendInventory       *incoming,
                                               GError             **error);
char          *tend_inventory_to_json       (TendInventory         *self,
                                             gsize                 *length);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TendInventory, tend_inventory_unref)

/* What an import would change */

typedef enum
{
  TEND_INVENTORY_CHANGE_ADDED,
  TEND_INVENTORY_CHANGE_REMOVED,
  TEND_INVENTORY_CHANGE_CHANGED,
} TendInventoryChangeKind;

typedef enum
{
  TEND_INVENTORY_ITEM_HOST,
  TEND_INVENTORY_ITEM_SERVICE,
  TEND_INVENTORY_ITEM_CHECK,
  TEND_INVENTORY_ITEM_POLICY,
  TEND_INVENTORY_ITEM_CONFIG,
} TendInventoryItemKind;

/**
 * TendInventoryChange:
 * @kind: added, removed or changed
 * @item_kind: what @old_item and @new_item point to: a #TendInventoryHost,
 *   #TendInventoryService, #TendInventoryCheck, #TendInventoryPolicy, or for
 *   configuration the value (a string)
 * @key: what identifies the item: "web1", "web1/nginx.service",
 *   "web1/nginx.service/http", or the configuration key
 * @old_item: (nullable): the item in the current inventory; %NULL when added
 * @new_item: (nullable): the item in the incoming inventory; %NULL when removed
 * @description: one line for a person, without a newline:
 *   "+ host web1 (ssh, admin@10.0.0.5:22)", "~ check web1/nginx.service/http: interval
 *   30s → 10s", "- service web1/old.service"
 *
 * Everything is owned by the diff, which keeps both inventories alive.
 */
typedef struct
{
  TendInventoryChangeKind  kind;
  TendInventoryItemKind    item_kind;
  const char              *key;
  gconstpointer            old_item;
  gconstpointer            new_item;
  const char              *description;
} TendInventoryChange;

TendInventoryDiff         *tend_inventory_diff                (TendInventory     *current,
                                                               TendInventory     *incoming);
gboolean                   tend_inventory_diff_is_empty       (TendInventoryDiff *diff);
guint                      tend_inventory_diff_get_n_changes  (TendInventoryDiff *diff);
const TendInventoryChange *tend_inventory_diff_get_change     (TendInventoryDiff *diff,
                                                               guint              position);
char                      *tend_inventory_diff_to_string      (TendInventoryDiff *diff);
void                       tend_inventory_diff_free           (TendInventoryDiff *diff);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TendInventoryDiff, tend_inventory_diff_free)

G_END_DECLS
