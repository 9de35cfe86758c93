/* tend-unit-check.h — a check of a systemd unit's state, told live by the host
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tend-check.h"

G_BEGIN_DECLS

#define TEND_TYPE_UNIT_CHECK (tend_unit_check_get_type ())
G_DECLARE_FINAL_TYPE (TendUnitCheck, tend_unit_check, TEND, UNIT_CHECK, TendCheck)

TendCheck   *tend_unit_check_new         (const char     *name,
                                          TendHost       *host,
                                          const char     *unit,
                                          GError        **error);

TendHost    *tend_unit_check_get_host    (TendUnitCheck  *self);
const char  *tend_unit_check_get_unit    (TendUnitCheck  *self);
TendService *tend_unit_check_get_service (TendUnitCheck  *self);

G_END_DECLS
