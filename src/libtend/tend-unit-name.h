/* tend-unit-name.h — systemd unit names: validation and D-Bus object paths
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * TEND_UNIT_NAME_MAX:
 *
 * The longest unit name, in bytes, that systemd accepts.
 */
#define TEND_UNIT_NAME_MAX 255

gboolean    tend_unit_name_validate          (const char  *name,
                                              GError     **error);
gboolean    tend_unit_name_is_template       (const char  *name);
const char *tend_unit_name_get_type_suffix   (const char  *name);

char       *tend_unit_name_from_object_path  (const char  *path);
char       *tend_unit_name_to_object_path    (const char  *name);

G_END_DECLS
