/* tend-sqlite-lib.h — SQLite, loaded when the first store opens (on its thread)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Opened when first used and called through this table (tend-lazy-lib.h says why). The
 * files that use the library include this header instead of its own; a function of it
 * missing from TEND_SQLITE_LIB_FUNCTIONS would link it at start-up again (the test
 * lazy-libs names it).
 */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

#define TEND_SQLITE_LIB_FUNCTIONS(F) \
  F (sqlite3_bind_double) \
  F (sqlite3_bind_int) \
  F (sqlite3_bind_int64) \
  F (sqlite3_bind_null) \
  F (sqlite3_bind_parameter_count) \
  F (sqlite3_bind_text) \
  F (sqlite3_busy_timeout) \
  F (sqlite3_changes) \
  F (sqlite3_clear_bindings) \
  F (sqlite3_close) \
  F (sqlite3_column_double) \
  F (sqlite3_column_int) \
  F (sqlite3_column_int64) \
  F (sqlite3_column_text) \
  F (sqlite3_column_type) \
  F (sqlite3_db_config) \
  F (sqlite3_db_readonly) \
  F (sqlite3_errcode) \
  F (sqlite3_errmsg) \
  F (sqlite3_errstr) \
  F (sqlite3_exec) \
  F (sqlite3_extended_errcode) \
  F (sqlite3_extended_result_codes) \
  F (sqlite3_file_control) \
  F (sqlite3_finalize) \
  F (sqlite3_free) \
  F (sqlite3_get_autocommit) \
  F (sqlite3_interrupt) \
  F (sqlite3_last_insert_rowid) \
  F (sqlite3_mprintf) \
  F (sqlite3_open_v2) \
  F (sqlite3_prepare_v2) \
  F (sqlite3_prepare_v3) \
  F (sqlite3_reset) \
  F (sqlite3_step)

typedef struct
{
#define TEND_SQLITE_LIB_FIELD(name) __typeof__ (name) *name;
  TEND_SQLITE_LIB_FUNCTIONS (TEND_SQLITE_LIB_FIELD)
#undef TEND_SQLITE_LIB_FIELD
} TendSqliteLib;

gboolean             tend_sqlite_lib_load (GError **error);
const TendSqliteLib *tend_sqlite_lib      (void);

G_END_DECLS

#ifndef TEND_SQLITE_LIB_NO_REDIRECT
#define sqlite3_bind_double (tend_sqlite_lib ()->sqlite3_bind_double)
#define sqlite3_bind_int (tend_sqlite_lib ()->sqlite3_bind_int)
#define sqlite3_bind_int64 (tend_sqlite_lib ()->sqlite3_bind_int64)
#define sqlite3_bind_null (tend_sqlite_lib ()->sqlite3_bind_null)
#define sqlite3_bind_parameter_count (tend_sqlite_lib ()->sqlite3_bind_parameter_count)
#define sqlite3_bind_text (tend_sqlite_lib ()->sqlite3_bind_text)
#define sqlite3_busy_timeout (tend_sqlite_lib ()->sqlite3_busy_timeout)
#define sqlite3_changes (tend_sqlite_lib ()->sqlite3_changes)
#define sqlite3_clear_bindings (tend_sqlite_lib ()->sqlite3_clear_bindings)
#define sqlite3_close (tend_sqlite_lib ()->sqlite3_close)
#define sqlite3_column_double (tend_sqlite_lib ()->sqlite3_column_double)
#define sqlite3_column_int (tend_sqlite_lib ()->sqlite3_column_int)
#define sqlite3_column_int64 (tend_sqlite_lib ()->sqlite3_column_int64)
#define sqlite3_column_text (tend_sqlite_lib ()->sqlite3_column_text)
#define sqlite3_column_type (tend_sqlite_lib ()->sqlite3_column_type)
#define sqlite3_db_config (tend_sqlite_lib ()->sqlite3_db_config)
#define sqlite3_db_readonly (tend_sqlite_lib ()->sqlite3_db_readonly)
#define sqlite3_errcode (tend_sqlite_lib ()->sqlite3_errcode)
#define sqlite3_errmsg (tend_sqlite_lib ()->sqlite3_errmsg)
#define sqlite3_errstr (tend_sqlite_lib ()->sqlite3_errstr)
#define sqlite3_exec (tend_sqlite_lib ()->sqlite3_exec)
#define sqlite3_extended_errcode (tend_sqlite_lib ()->sqlite3_extended_errcode)
#define sqlite3_extended_result_codes (tend_sqlite_lib ()->sqlite3_extended_result_codes)
#define sqlite3_file_control (tend_sqlite_lib ()->sqlite3_file_control)
#define sqlite3_finalize (tend_sqlite_lib ()->sqlite3_finalize)
#define sqlite3_free (tend_sqlite_lib ()->sqlite3_free)
#define sqlite3_get_autocommit (tend_sqlite_lib ()->sqlite3_get_autocommit)
#define sqlite3_interrupt (tend_sqlite_lib ()->sqlite3_interrupt)
#define sqlite3_last_insert_rowid (tend_sqlite_lib ()->sqlite3_last_insert_rowid)
#define sqlite3_mprintf (tend_sqlite_lib ()->sqlite3_mprintf)
#define sqlite3_open_v2 (tend_sqlite_lib ()->sqlite3_open_v2)
#define sqlite3_prepare_v2 (tend_sqlite_lib ()->sqlite3_prepare_v2)
#define sqlite3_prepare_v3 (tend_sqlite_lib ()->sqlite3_prepare_v3)
#define sqlite3_reset (tend_sqlite_lib ()->sqlite3_reset)
#define sqlite3_step (tend_sqlite_lib ()->sqlite3_step)
#endif
