/* tend-check-private.h — what check kinds share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tend-check.h"

G_BEGIN_DECLS

char     *tend_check_validate_host (const char  *host,
                                    GError     **error);
gboolean  tend_check_validate_port (guint        port,
                                    GError     **error);
gboolean  tend_check_validate_unit (const char  *unit,
                                    GError     **error);

void      tend_check_changed       (TendCheck   *self);
char     *tend_check_format_address (const char *host,
                                     guint       port);

TendCheckVerdict *
          tend_check_unreachable_verdict (TendHost     *host,
                                          const char   *unit,
                                          const GError *error);

G_END_DECLS
