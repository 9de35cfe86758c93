/* tend-http-check-private.h — what the HTTP check's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* An accepted range of status codes, both ends included. */
typedef struct
{
  guint lo;
  guint hi;
} StatusRange;

/* tend-http-status.c */
GArray *tend_http_parse_accepted_status       (const char  *text,
                                               GError     **error);
char   *tend_http_format_accepted_canonical   (GArray      *accepted);
char   *tend_http_format_accepted_for_message (GArray      *accepted);

G_END_DECLS
