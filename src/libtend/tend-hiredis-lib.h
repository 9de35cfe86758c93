/* tend-hiredis-lib.h — hiredis, loaded when the first Redis check runs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Opened when first used and called through this table (tend-lazy-lib.h says why: a
 * tendctl command without Redis checks paid for hiredis's loading and binding at every
 * start). tend-redis-check.c includes this header instead of hiredis's own, before
 * <hiredis/adapters/glib.h>, whose calls go through the table too; a function of hiredis
 * missing from TEND_HIREDIS_LIB_FUNCTIONS would link it at start-up again (the test
 * lazy-libs names it).
 */
#pragma once

#include <glib.h>
#include <hiredis/hiredis.h>
#include <hiredis/async.h>

G_BEGIN_DECLS

#define TEND_HIREDIS_LIB_FUNCTIONS(F) \
  F (redisAsyncCommand) \
  F (redisAsyncConnect) \
  F (redisAsyncFree) \
  F (redisAsyncHandleRead) \
  F (redisAsyncHandleWrite) \
  F (redisAsyncSetConnectCallback)

typedef struct
{
#define TEND_HIREDIS_LIB_FIELD(name) __typeof__ (name) *name;
  TEND_HIREDIS_LIB_FUNCTIONS (TEND_HIREDIS_LIB_FIELD)
#undef TEND_HIREDIS_LIB_FIELD
} TendHiredisLib;

gboolean              tend_hiredis_lib_load (GError **error);
const TendHiredisLib *tend_hiredis_lib      (void);

G_END_DECLS

#ifndef TEND_HIREDIS_LIB_NO_REDIRECT
#define redisAsyncCommand (tend_hiredis_lib ()->redisAsyncCommand)
#define redisAsyncConnect (tend_hiredis_lib ()->redisAsyncConnect)
#define redisAsyncFree (tend_hiredis_lib ()->redisAsyncFree)
#define redisAsyncHandleRead (tend_hiredis_lib ()->redisAsyncHandleRead)
#define redisAsyncHandleWrite (tend_hiredis_lib ()->redisAsyncHandleWrite)
#define redisAsyncSetConnectCallback (tend_hiredis_lib ()->redisAsyncSetConnectCallback)
#endif
