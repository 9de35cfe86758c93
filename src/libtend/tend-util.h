/* tend-util.h — small helpers libtend shares with its front ends
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tend-json-lib.h"

G_BEGIN_DECLS

void tend_json_add_string (JsonBuilder *builder,
                           const char  *member,
                           const char  *value);

gboolean tend_str_set (char       **field,
                       const char  *value);

G_END_DECLS
