/* tendctl-output.h — tables, JSON, colours, times and sizes for tendctl
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdio.h>

#include <glib.h>
#include "tend-json-lib.h"

#include "tendctl.h"

G_BEGIN_DECLS

#define TENDCTL_COLOR_RED   "\033[1;31m"
#define TENDCTL_COLOR_GREEN "\033[1;32m"
#define TENDCTL_COLOR_BOLD  "\033[1m"
#define TENDCTL_COLOR_RESET "\033[0m"

/* Terminal and output */

gboolean     tendctl_use_color             (FILE             *stream);
void         tendctl_write                 (FILE             *stream,
                                            const GString    *text);
void         tendctl_print_error           (const char       *format,
                                            ...) G_GNUC_PRINTF (1, 2);
void         tendctl_print_error_lines     (const char       *text);
void         tendctl_append_sanitized      (GString          *out,
                                            const char       *text,
                                            const char       *indent);
void         tendctl_print_names           (GPtrArray        *items,
                                            goffset           name_offset);

/* Errors and exit statuses */

TendctlExit  tendctl_exit_for_error        (const GError     *error);
TendctlExit  tendctl_exit_worst            (TendctlExit       a,
                                            TendctlExit       b);
const char  *tendctl_error_code            (const GError     *error);

/* JSON */

void         tendctl_print_json            (JsonNode         *node,
                                            gboolean          pretty);
void         tendctl_json_add_unit_states  (JsonBuilder      *builder,
                                            TendService      *service);
void         tendctl_json_add_number       (JsonBuilder      *builder,
                                            const char       *member,
                                            gboolean          known,
                                            gint64            value);
void         tendctl_json_add_time         (JsonBuilder      *builder,
                                            const char       *member,
                                            gint64            realtime_usec,
                                            gboolean          known);
void         tendctl_json_add_duration     (JsonBuilder      *builder,
                                            const char       *member,
                                            gint64            usec);
void         tendctl_json_add_strv         (JsonBuilder      *builder,
                                            const char       *member,
                                            const char *const *values);

/* Formatting */

char        *tendctl_format_timestamp      (gint64            realtime_usec);
char        *tendctl_format_relative       (gint64            realtime_usec,
                                            gint64            now_usec);
void         tendctl_append_when           (GString          *out,
                                            gint64            time_usec,
                                            gint64            now_usec,
                                            const char       *reason);
void         tendctl_append_recovery       (GString          *out,
                                            const char       *recovery,
                                            const char       *health);
void         tendctl_json_add_recovery     (JsonBuilder      *builder,
                                            const char       *recovery);
char        *tendctl_format_nsec           (guint64           nsec);

/* Tables: a header and rows of borrowed strings, columns padded to the widest cell
 * (the last column is not padded). A highlighted row is printed in @highlight_color. */

typedef struct _TendctlTable TendctlTable;

TendctlTable *tendctl_table_new            (guint             n_columns,
                                            ...);
void          tendctl_table_free           (TendctlTable     *table);
void          tendctl_table_add_row        (TendctlTable     *table,
                                            gboolean          highlight,
                                            ...);
guint         tendctl_table_get_n_rows     (TendctlTable     *table);
void          tendctl_table_render         (TendctlTable     *table,
                                            GString          *out,
                                            gboolean          color);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TendctlTable, tendctl_table_free)

G_END_DECLS
