/* tend-store-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tend-store.h"

G_BEGIN_DECLS

/* 'Tend' in ASCII: marks a database as Tend's (PRAGMA application_id). */
#define TEND_STORE_APPLICATION_ID 0x54656e64

const char *tend_store_migration (int version);

G_END_DECLS
