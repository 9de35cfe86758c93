/* tend-redis-check.h — a check that asks a Redis server PING and INFO
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tend-check.h"

G_BEGIN_DECLS

/* A limit that is not set: the figure is not checked at that level. */
#define TEND_REDIS_CHECK_NO_LIMIT G_GINT64_CONSTANT (-1)

/* The lowest limit that is set, for every figure (the inventory's rule too). */
#define TEND_REDIS_CHECK_MIN_LIMIT G_GINT64_CONSTANT (0)

#define TEND_TYPE_REDIS_CHECK (tend_redis_check_get_type ())
G_DECLARE_FINAL_TYPE (TendRedisCheck, tend_redis_check, TEND, REDIS_CHECK, TendCheck)

TendCheck  *tend_redis_check_new               (const char      *name,
                                                const char      *host,
                                                guint            port,
                                                GError         **error);

const char *tend_redis_check_get_host          (TendRedisCheck  *self);
guint       tend_redis_check_get_port          (TendRedisCheck  *self);

const char *tend_redis_check_get_password_env  (TendRedisCheck  *self);
gboolean    tend_redis_check_set_password_env  (TendRedisCheck  *self,
                                                const char      *variable,
                                                GError         **error);

void        tend_redis_check_get_memory_limits  (TendRedisCheck *self,
                                                 gint64         *warn_bytes,
                                                 gint64         *critical_bytes);
gboolean    tend_redis_check_set_memory_limits  (TendRedisCheck *self,
                                                 gint64          warn_bytes,
                                                 gint64          critical_bytes,
                                                 GError        **error);
void        tend_redis_check_get_clients_limits (TendRedisCheck *self,
                                                 gint64         *warn,
                                                 gint64         *critical);
gboolean    tend_redis_check_set_clients_limits (TendRedisCheck *self,
                                                 gint64          warn,
                                                 gint64          critical,
                                                 GError        **error);
void        tend_redis_check_get_latency_limits (TendRedisCheck *self,
                                                 gint64         *warn_usec,
                                                 gint64         *critical_usec);
gboolean    tend_redis_check_set_latency_limits (TendRedisCheck *self,
                                                 gint64          warn_usec,
                                                 gint64          critical_usec,
                                                 GError        **error);

G_END_DECLS
