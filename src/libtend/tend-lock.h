/* tend-lock.h — one monitor per data directory
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "tend-types.h"

G_BEGIN_DECLS


char     *tend_lock_path_for_store (const char  *store_path);
TendLock *tend_lock_acquire        (const char  *store_path,
                                    GError     **error);
void      tend_lock_release        (TendLock    *lock);
GPid      tend_lock_get_owner      (const char  *store_path);
char     *tend_lock_get_owner_unit (GPid         owner);
char     *tend_lock_unit_from_cgroup (const char *cgroup);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TendLock, tend_lock_release)

G_END_DECLS
