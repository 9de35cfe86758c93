/* tend-util-private.h — small helpers shared inside libtend
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "tend-util.h"

G_BEGIN_DECLS

/* How many characters of a text a message quotes before it cuts it short. */
#define TEND_QUOTE_MAX_CHARS 80

char *tend_quote_for_message      (const char *text,
                                   gssize      len);
char *tend_quote_for_message_full (const char *text,
                                   gssize      len,
                                   char        mark,
                                   gsize       max_chars);

gboolean tend_ensure_fd_limit      (guint64     needed);

gboolean tend_set_invalid_input   (GError    **error,
                                   const char *text,
                                   const char *what,
                                   const char *format,
                                   ...) G_GNUC_PRINTF (4, 5);


/* g_debug() for code that runs once per check run: g_debug() formats its message even
 * when debug output is off, which costs as much as a small part of the run. */
#define TEND_DEBUG_HOT(...) \
  G_STMT_START { \
    if (!g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN)) \
      g_debug (__VA_ARGS__); \
  } G_STMT_END

G_END_DECLS
