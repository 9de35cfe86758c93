/* tend-inventory-host-field.h — one field of a host as a person types it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Checks @text as the inventory host field @field ("name", "address", "user", "port")
 * by the inventory's own rules and words, so a form field (the window's Add Host
 * dialog) says what `tendctl host add` and an import would say. An empty @text is
 * allowed for the optional fields (user, port). On failure sets %TEND_ERROR_INVALID_ARGUMENT
 * with a sentence that does not repeat the field's name. */
gboolean tend_inventory_host_check_field (const char  *field,
                                          const char  *text,
                                          GError     **error);

G_END_DECLS
