/* tend-store-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tend-sqlite-lib.h"   /* SQLite, opened with the first store */

#include "tend-store.h"

G_BEGIN_DECLS

#define USEC_PER_SEC ((gint64) G_USEC_PER_SEC)
#define USEC_PER_DAY (86400 * USEC_PER_SEC)

/* 'Tend' in ASCII: marks a database as Tend's (PRAGMA application_id). */
#define TEND_STORE_APPLICATION_ID 0x54656e64

const char *tend_store_migration (int version);

/* tend-store-open.c */
sqlite3    *tend_store_open_file      (const char  *path,
                                       gboolean     read_only,
                                       gboolean    *created,
                                       GError     **error);
char       *tend_store_recovery_hint  (const char  *path);

/* tend-store-batch.c: the writer's state, on the store's thread */
typedef struct _TendStoreWriter TendStoreWriter;

TendStoreWriter *tend_store_writer_new      (void);
void        tend_store_writer_free          (TendStoreWriter  *writer);
void        tend_store_writer_load          (TendStoreWriter  *writer,
                                             sqlite3          *db);
void        tend_store_writer_finalize      (TendStoreWriter  *writer);
GArray     *tend_store_changes_new          (guint             n_results);
int         tend_store_write_batch          (TendStore        *self,
                                             GArray           *results,
                                             GPtrArray        *audit,
                                             GArray           *changes,
                                             char            **detail);
void        tend_store_apply_changes        (TendStore        *self,
                                             GArray           *changes);
TendStoreWriter *tend_store_get_writer      (TendStore        *self);
void        tend_store_shift_clock_for_tests (gint64           usec);

/* tend-store-retention.c */
int         tend_store_run_retention  (TendStore              *self,
                                       const gint64           *limits);

/* tend-store-spill.c */
char       *tend_store_spill_write    (const char             *db_path,
                                       const TendCheckResult  *results,
                                       guint                   n_results,
                                       GPtrArray              *audit,
                                       GError                **error);
GPtrArray  *tend_store_spill_list     (const char             *db_path);
gboolean    tend_store_spill_read     (const char             *file,
                                       GArray                 *results,
                                       GPtrArray              *audit,
                                       GError                **error);
void        tend_store_trouble_set    (const char             *db_path,
                                       const char             *message,
                                       gint64                  since_usec);

/* Writes that keep failing: logged once, then summarised. */
typedef struct
{
  char *message;           /* (owned) (nullable) the latest failure, while they last */
  gint64 since_usec;       /* realtime: since when */
  gint64 summary_usec;     /* monotonic: when it was last logged */
  guint n_since_summary;   /* failures since */
  guint n_total;           /* failures since it began */
} TendStoreTrouble;

void        tend_store_trouble_report   (TendStoreTrouble     *trouble,
                                         const char           *db_path,
                                         const char           *doing,
                                         const char           *detail);
void        tend_store_trouble_resolved (TendStoreTrouble     *trouble,
                                         const char           *db_path,
                                         guint64               n_dropped);

/* The store's thread runs jobs in order; each gets the GTask it was queued with. */
typedef void (*TendStoreJobFunc) (TendStore *self,
                                  GTask     *task);

/* Every operation's caller side: a GTask with @source_tag and @task_data, queued as a
 * job; NULL @cancellable, @callback and @user_data for a job nobody waits for. */
void          tend_store_queue_task     (TendStore           *self,
                                         TendStoreJobFunc     func,
                                         gpointer             source_tag,
                                         gpointer             task_data,
                                         GDestroyNotify       task_data_free,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);

/* A job that reads the rows of one service, or of all when @service_id is below 0;
 * the job gets the id with tend_store_task_service_id(). */
void          tend_store_queue_service_query (TendStore           *self,
                                              gint64               service_id,
                                              TendStoreJobFunc     func,
                                              gpointer             source_tag,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gint64        tend_store_task_service_id     (GTask               *task);

/* For jobs, on the store's thread only. */
sqlite3      *tend_store_get_db         (TendStore        *self);
gboolean      tend_store_check_open     (TendStore        *self,
                                         GTask            *task);
void          tend_store_flush_waiting  (TendStore        *self);
int           tend_store_exec           (TendStore        *self,
                                         const char       *sql);
sqlite3_stmt *tend_store_prepare        (TendStore        *self,
                                         const char       *sql);
GError       *tend_store_error          (TendStore        *self,
                                         int               code,
                                         const char       *doing);
void          tend_store_report_write_error (TendStore    *self,
                                             const char   *doing,
                                             const char   *detail);

static inline void
tend_store_bind_text (sqlite3_stmt *stmt,
                      int           index,
                      const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, index);
}

static inline gint64
tend_store_column_int64 (sqlite3_stmt *stmt,
                         int           index,
                         gint64        fallback)
{
  return sqlite3_column_type (stmt, index) == SQLITE_NULL ? fallback
                                                          : sqlite3_column_int64 (stmt, index);
}

static inline char *
tend_store_column_dup_text (sqlite3_stmt *stmt,
                            int           index)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, index));
}

G_END_DECLS
