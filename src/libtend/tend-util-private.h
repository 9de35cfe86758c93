/* tend-util-private.h — small helpers shared inside libtend
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* How many characters of a text a message quotes before it cuts it short. */
#define TEND_QUOTE_MAX_CHARS 80

char *tend_quote_for_message      (const char *text,
                                   gssize      len);
char *tend_quote_for_message_full (const char *text,
                                   gssize      len,
                                   char        mark,
                                   gsize       max_chars);

void  tend_json_add_string        (JsonBuilder *builder,
                                   const char  *member,
                                   const char  *value);

G_END_DECLS
