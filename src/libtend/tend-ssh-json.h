/* tend-ssh-json.h — a small reader of systemctl's JSON tables (private to libtend)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean tend_ssh_json_scan_table (const char         *text,
                                   gsize               length,
                                   const char * const *keys,
                                   GStringChunk       *chunk,
                                   GPtrArray          *rows);

G_END_DECLS
