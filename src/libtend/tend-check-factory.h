/* tend-check-factory.h — a running check made from an inventory's check
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tend-types.h"

G_BEGIN_DECLS

TendCheck *tend_check_new_from_inventory (const TendInventoryCheck  *spec,
                                          TendHost                  *host,
                                          GError                   **error);
gboolean   tend_check_validate_spec      (const TendInventoryCheck  *spec,
                                          TendHostKind               host_kind,
                                          GError                   **error);

G_END_DECLS
