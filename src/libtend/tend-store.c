/* tend-store.c — what Tend remembers, in SQLite
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One database, one connection, one thread. Everything that touches SQLite runs on the
 * store's own thread, in the order it was asked for: jobs (open, queries, flushes)
 * come through a queue as GTasks, and results and audit records wait in a bounded
 * in-memory queue until the thread writes them as one transaction. Nothing on the main
 * loop ever waits for the disk.
 *
 * The thread sleeps until it gets a job: a result alone does not wake it. The results
 * that wait go to it as one job when their producer says a batch is complete
 * (tend_store_push_batch(): the monitor, once the runs of a wake-up have ended), or
 * batch-interval (100 ms by default) after the first of them at the latest, from a timer
 * on the main context of the thread that added it, or at once when many are waiting.
 * Audit records go at once. The statements of a batch stay prepared.
 *
 * When a batch cannot be written (a full or read-only disk), its rows go back to the
 * front of the queue and wait for the next try; past the queue's limit the oldest
 * results are dropped, counted, and the count is reported — never silently. Audit
 * records are never dropped. What still waits when the store closes is kept in a spill
 * file, which the next store to open the database writes (tend-store-spill.c).
 */
#define G_LOG_DOMAIN "Tend-Store"

#include <errno.h>
#include <glib/gstdio.h>

#include "tend-error.h"
#include "tend-store-private.h"

#define DEFAULT_BATCH_INTERVAL_MSEC 100
#define DEFAULT_QUEUE_LIMIT 100000
#define BATCH_SOON 4096            /* this many waiting: write now, not at the tick */
#define RETENTION_EVERY_USEC (60 * G_USEC_PER_SEC)

typedef struct
{
  TendCheckResult result;      /* message owned */
} PendingResult;

/* Spill files are read and written as arrays of TendCheckResult. */
G_STATIC_ASSERT (sizeof (PendingResult) == sizeof (TendCheckResult));

typedef struct
{
  TendStoreJobFunc func;                /* NULL: stop the thread */
  GTask *task;                 /* (owned) (nullable) */
} Job;

struct _TendStore
{
  GObject parent_instance;

  char *path;                  /* (owned) */
  gboolean read_only;
  GThread *thread;             /* (owned) (nullable) */
  GAsyncQueue *jobs;           /* (owned) of Job */

  /* Shared with the thread, under @lock. */
  GMutex lock;
  GArray *waiting_results;     /* (owned) of PendingResult */
  GPtrArray *waiting_audit;    /* (owned) of TendAuditRecord */
  guint queue_limit;
  guint batch_interval_msec;
  guint64 n_committed;
  guint64 n_dropped;
  char *last_error;            /* (owned) (nullable) */
  gint64 retention[3];         /* raw, minute, hour; 0 = keep */
  gboolean created;            /* the open made a new database */
  char *spill_file;            /* (owned) (nullable) where closing kept what waited */
  guint n_spilled_results;
  guint n_spilled_audit;
  guint64 n_lost_at_close;     /* neither written nor kept aside when it closed */
  guint64 n_imported;          /* records imported from spill files when it opened */
  GSource *batch_timer;        /* (owned) (nullable) pushes the waiting batch at the latest */
  gboolean batch_queued;       /* a job that writes what waits is queued, not yet begun */
  guint64 n_batches;           /* write jobs the thread was woken for */

  /* The thread's own. */
  sqlite3 *db;
  TendStoreWriter *writer;     /* (owned) the batch's statements, each check's last result */
  TendStoreTrouble trouble;    /* writes that fail */
  gboolean retry;              /* the last batch failed: try again after batch-interval */
  gint64 next_retention_usec;
};

G_DEFINE_FINAL_TYPE (TendStore, tend_store, G_TYPE_OBJECT)

/* ------------------------------------------------------------------------------------ */
/* Small things                                                                          */

TendAuditRecord *
tend_audit_record_copy (const TendAuditRecord *record)
{
  TendAuditRecord *copy = g_new0 (TendAuditRecord, 1);

  *copy = *record;
  copy->unix_user = g_strdup (record->unix_user);
  copy->host = g_strdup (record->host);
  copy->unit = g_strdup (record->unit);
  copy->operation = g_strdup (record->operation);
  copy->parameters = g_strdup (record->parameters);
  copy->result = g_strdup (record->result);
  copy->error = g_strdup (record->error);
  return copy;
}

void
tend_audit_record_free (TendAuditRecord *record)
{
  if (record == NULL)
    return;
  g_free ((char *) record->unix_user);
  g_free ((char *) record->host);
  g_free ((char *) record->unit);
  g_free ((char *) record->operation);
  g_free ((char *) record->parameters);
  g_free ((char *) record->result);
  g_free ((char *) record->error);
  g_free (record);
}

void
tend_stored_result_free (TendStoredResult *result)
{
  if (result == NULL)
    return;
  g_free (result->message);
  g_free (result);
}

static void
pending_result_clear (PendingResult *pending)
{
  g_free ((char *) pending->result.message);
}

/**
 * tend_store_default_path:
 *
 * Returns: (transfer full): `$XDG_DATA_HOME/tend/tend.db`
 */
char *
tend_store_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "tend", "tend.db", NULL);
}

/* An error a person can act on, from SQLite's last error on @db. */
static GError *
store_error_full (TendStore  *self,
                  int         code,
                  const char *doing,
                  const char *detail)
{
  int primary = code & 0xff;
  int tend_code = TEND_ERROR_FAILED;
  const char *hint = "";

  switch (primary)
    {
    case SQLITE_FULL:
      hint = ": the disk is full";
      break;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
      tend_code = TEND_ERROR_PERMISSION_DENIED;
      hint = ": check that the file and its folder are writable";
      break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      {
        g_autofree char *recovery = tend_store_recovery_hint (self->path);

        /* Every write is one transaction: the one that found the damage is undone. */
        return g_error_new (TEND_ERROR, TEND_ERROR_FAILED,
                            "cannot %s %s (%s): the file is damaged; nothing was written. %s",
                            doing, self->path, detail, recovery);
      }
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      hint = ": another program holds the database";
      break;
    default:
      break;
    }

  return g_error_new (TEND_ERROR, tend_code, "cannot %s %s (%s)%s",
                      doing, self->path, detail, hint);
}

GError *
tend_store_error (TendStore  *self,
             int         code,
             const char *doing)
{
  return store_error_full (self, code, doing,
                           self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (code));
}

static void
set_last_error (TendStore    *self,
                const GError *error)
{
  g_mutex_lock (&self->lock);
  g_free (self->last_error);
  self->last_error = error ? g_strdup (error->message) : NULL;
  g_mutex_unlock (&self->lock);
}

/**
 * tend_store_report_write_error:
 * @doing: what failed, with the reason: the error's message
 * @detail: (nullable): figures that change from one try to the next (what waits)
 *
 * Logs a failed write once, then a summary a minute while writes fail; see
 * tend_store_trouble_report(). On the store's thread.
 */
void
tend_store_report_write_error (TendStore  *self,
                               const char *doing,
                               const char *detail)
{
  tend_store_trouble_report (&self->trouble, self->path, doing, detail);
}

/* Writing works again: say so once, with what was lost meanwhile. */
static void
report_write_ok (TendStore *self)
{
  guint64 dropped;

  if (self->trouble.message == NULL)
    return;

  g_mutex_lock (&self->lock);
  dropped = self->n_dropped;
  g_mutex_unlock (&self->lock);
  tend_store_trouble_resolved (&self->trouble, self->path, dropped);
}

int
tend_store_exec (TendStore   *self,
          const char  *sql)
{
  return sqlite3_exec (self->db, sql, NULL, NULL, NULL);
}

sqlite3_stmt *
tend_store_prepare (TendStore  *self,
         const char *sql)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      g_critical ("cannot prepare \"%s\": %s", sql, sqlite3_errmsg (self->db));
      return NULL;
    }
  return stmt;
}

/* ------------------------------------------------------------------------------------ */
/* Opening, on the thread                                                                */

static gboolean
open_database (TendStore  *self,
               GError    **error)
{
  gboolean created = FALSE;

  self->db = tend_store_open_file (self->path, self->read_only, &created, error);
  if (self->db == NULL)
    return FALSE;

  g_mutex_lock (&self->lock);
  self->created = created;
  g_mutex_unlock (&self->lock);

  tend_store_writer_load (self->writer, self->db);
  return TRUE;
}

static GArray *
pending_results_new (void)
{
  GArray *results = g_array_new (FALSE, FALSE, sizeof (PendingResult));

  g_array_set_clear_func (results, (GDestroyNotify) pending_result_clear);
  return results;
}

/* Writes up to @max_results of the oldest waiting results, and every waiting audit
 * record if @with_audit, in one transaction; on failure puts them back in front. */
static int
flush_part (TendStore *self,
            guint      max_results,
            gboolean   with_audit)
{
  g_autoptr(GArray) results = pending_results_new ();
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(GArray) changes = NULL;
  g_autofree char *detail = NULL;
  guint n;
  int rc;

  g_mutex_lock (&self->lock);
  n = MIN (max_results, self->waiting_results->len);
  /* The structs move, with the messages they own. */
  g_array_append_vals (results, self->waiting_results->data, n);
  g_array_set_clear_func (self->waiting_results, NULL);
  g_array_remove_range (self->waiting_results, 0, n);
  g_array_set_clear_func (self->waiting_results, (GDestroyNotify) pending_result_clear);
  if (with_audit)
    {
      audit = g_steal_pointer (&self->waiting_audit);
      self->waiting_audit = g_ptr_array_new_with_free_func (
                              (GDestroyNotify) tend_audit_record_free);
    }
  else
    audit = g_ptr_array_new_with_free_func ((GDestroyNotify) tend_audit_record_free);
  g_mutex_unlock (&self->lock);

  if (results->len == 0 && audit->len == 0)
    return SQLITE_OK;

  changes = tend_store_changes_new (results->len);
  rc = tend_store_write_batch (self, results, audit, changes, &detail);
  if (rc == SQLITE_OK)
    {
      tend_store_apply_changes (self, changes);
      g_mutex_lock (&self->lock);
      self->n_committed += results->len;
      g_mutex_unlock (&self->lock);
      return rc;
    }

  g_mutex_lock (&self->lock);
  g_array_set_clear_func (results, NULL);
  g_array_prepend_vals (self->waiting_results, results->data, results->len);
  g_ptr_array_extend_and_steal (audit, g_steal_pointer (&self->waiting_audit));
  self->waiting_audit = g_steal_pointer (&audit);
  g_mutex_unlock (&self->lock);
  return rc;
}

/* When the store closes and a whole batch could not be written (a disk nearly full):
 * small transactions may still fit, audit records first. */
static void
write_what_fits (TendStore *self)
{
  guint written = 0;

  if (flush_part (self, 0, TRUE) != SQLITE_OK)
    return;
  for (;;)
    {
      guint before = tend_store_get_n_waiting (self);

      if (before == 0 || flush_part (self, 64, FALSE) != SQLITE_OK)
        break;
      written += before - tend_store_get_n_waiting (self);
    }
  if (written > 0)
    g_message ("wrote %u waiting results in small batches", written);
}

/* When the store closes: what could not be written goes into a spill file, which the
 * next store to open the database imports; only if that fails too is it lost, and
 * counted. */
static void
spill_waiting (TendStore *self)
{
  g_autoptr(GArray) results = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(GError) error = NULL;
  char *file;

  g_mutex_lock (&self->lock);
  if (self->waiting_results->len == 0 && self->waiting_audit->len == 0)
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  results = g_steal_pointer (&self->waiting_results);
  audit = g_steal_pointer (&self->waiting_audit);
  self->waiting_results = pending_results_new ();
  self->waiting_audit = g_ptr_array_new_with_free_func ((GDestroyNotify) tend_audit_record_free);
  g_mutex_unlock (&self->lock);

  file = tend_store_spill_write (self->path, (const TendCheckResult *) (gpointer) results->data,
                                 results->len, audit, &error);

  g_mutex_lock (&self->lock);
  if (file != NULL)
    {
      g_free (self->spill_file);
      self->spill_file = file;
      self->n_spilled_results += results->len;
      self->n_spilled_audit += audit->len;
    }
  else
    self->n_lost_at_close += results->len + audit->len;
  g_mutex_unlock (&self->lock);

  if (file == NULL)
    g_warning ("%u results and %u audit records could not be written to %s, and are lost: %s",
               results->len, audit->len, self->path, error->message);
}

/* When the store opens for writing: what an earlier store kept aside is written now,
 * each spill file in one transaction, and the file removed. */
static void
import_spills (TendStore *self)
{
  g_autoptr(GPtrArray) files = tend_store_spill_list (self->path);

  for (guint i = 0; i < files->len; i++)
    {
      const char *file = files->pdata[i];
      g_autoptr(GArray) results = pending_results_new ();
      g_autoptr(GPtrArray) audit = g_ptr_array_new_with_free_func (
                                     (GDestroyNotify) tend_audit_record_free);
      g_autoptr(GArray) changes = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *detail = NULL;
      int rc;

      if (!tend_store_spill_read (file, results, audit, &error))
        {
          g_warning ("cannot import %s, which holds records Tend could not write before; it "
                     "is left as it is: %s", file, error->message);
          continue;
        }
      changes = tend_store_changes_new (results->len);
      rc = tend_store_write_batch (self, results, audit, changes, &detail);
      if (rc != SQLITE_OK)
        {
          g_autoptr(GError) cause = store_error_full (self, rc, "write to", detail);

          g_warning ("cannot import %s yet, it stays for the next time: %s", file,
                     cause->message);
          continue;
        }
      tend_store_apply_changes (self, changes);
      /* Imported: a crash before the file goes would import it once more. */
      g_unlink (file);
      g_message ("wrote %u results and %u audit records that were kept aside in %s",
                 results->len, audit->len, file);
      g_mutex_lock (&self->lock);
      self->n_committed += results->len;
      self->n_imported += results->len + audit->len;
      g_mutex_unlock (&self->lock);
    }
}

/* Writes what waits. On failure, puts it back in front of what arrived meanwhile,
 * dropping the oldest past the queue's limit. */
void
tend_store_flush_waiting (TendStore *self)
{
  g_autoptr(GArray) results = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(GArray) changes = NULL;
  g_autofree char *detail = NULL;
  int rc;

  g_mutex_lock (&self->lock);
  /* Whatever was queued or timed for what waits is done by this. */
  self->batch_queued = FALSE;
  if (self->batch_timer != NULL)
    {
      g_source_destroy (self->batch_timer);
      g_clear_pointer (&self->batch_timer, g_source_unref);
    }
  self->retry = FALSE;
  if (self->waiting_results->len == 0 && self->waiting_audit->len == 0)
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  results = g_steal_pointer (&self->waiting_results);
  audit = g_steal_pointer (&self->waiting_audit);
  self->waiting_results = pending_results_new ();
  self->waiting_audit = g_ptr_array_new_with_free_func ((GDestroyNotify) tend_audit_record_free);
  g_mutex_unlock (&self->lock);

  /* Sized for every result: write_batch() keeps pointers into it, so it must never grow. */
  changes = tend_store_changes_new (results->len);
  rc = tend_store_write_batch (self, results, audit, changes, &detail);

  if (rc == SQLITE_OK)
    {
      tend_store_apply_changes (self, changes);

      g_mutex_lock (&self->lock);
      self->n_committed += results->len;
      g_clear_pointer (&self->last_error, g_free);
      g_mutex_unlock (&self->lock);
      report_write_ok (self);
      return;
    }

  {
    g_autoptr(GError) error = store_error_full (self, rc, "write to", detail);
    g_autofree char *counts = NULL;
    guint over;

    self->retry = TRUE;
    g_mutex_lock (&self->lock);
    /* The failed batch goes first: it is older than what arrived meanwhile. */
    g_array_set_clear_func (results, NULL);
    g_array_append_vals (results, self->waiting_results->data, self->waiting_results->len);
    g_array_set_clear_func (self->waiting_results, NULL);
    g_array_unref (self->waiting_results);
    g_array_set_clear_func (results, (GDestroyNotify) pending_result_clear);
    self->waiting_results = g_steal_pointer (&results);

    over = self->waiting_results->len > self->queue_limit
           ? self->waiting_results->len - self->queue_limit : 0;
    if (over > 0)
      {
        g_array_remove_range (self->waiting_results, 0, over);
        self->n_dropped += over;
      }

    for (guint i = 0; i < self->waiting_audit->len; i++)
      g_ptr_array_add (audit, g_steal_pointer (&self->waiting_audit->pdata[i]));
    g_ptr_array_set_free_func (self->waiting_audit, NULL);
    g_ptr_array_unref (self->waiting_audit);
    self->waiting_audit = g_steal_pointer (&audit);

    g_free (self->last_error);
    counts = g_strdup_printf ("%u results and %u audit records waiting, %" G_GUINT64_FORMAT
                              " results dropped so far", self->waiting_results->len,
                              self->waiting_audit->len, self->n_dropped);
    self->last_error = g_strdup_printf ("%s; %s", error->message, counts);
    g_mutex_unlock (&self->lock);

    tend_store_report_write_error (self, error->message, counts);
  }
}

/* Deletes one batch of each kind that is past its retention; returns how many rows went. */
static int
run_retention (TendStore *self)
{
  gint64 limits[3];

  g_mutex_lock (&self->lock);
  memcpy (limits, self->retention, sizeof limits);
  g_mutex_unlock (&self->lock);
  return tend_store_run_retention (self, limits);
}

/* ------------------------------------------------------------------------------------ */
/* The thread                                                                            */

static gboolean
unref_task (gpointer data)
{
  g_object_unref (data);
  return G_SOURCE_REMOVE;
}

/* A task holds the store; its last reference must not go on the store's own thread,
 * where disposing the store would wait for that very thread. It goes where the task's
 * callback runs. */
static void
release_task (GTask *task)
{
  g_autoptr(GSource) source = g_idle_source_new ();

  g_source_set_callback (source, unref_task, task, NULL);
  g_source_set_static_name (source, "[tend] release store task");
  g_source_attach (source, g_task_get_context (task));
}

/* Writes what waits (the job tend_store_push_batch() queues), and past retention. */
static void
batch_job (TendStore *self,
           GTask     *task)
{
  gint64 now;

  if (self->db == NULL)
    {
      /* Not open (yet): what waits is written once it is. */
      g_mutex_lock (&self->lock);
      self->batch_queued = FALSE;
      g_mutex_unlock (&self->lock);
      return;
    }
  tend_store_flush_waiting (self);
  g_mutex_lock (&self->lock);
  self->n_batches++;
  g_mutex_unlock (&self->lock);

  now = g_get_monotonic_time ();
  if (now >= self->next_retention_usec)
    {
      run_retention (self);
      self->next_retention_usec = now + RETENTION_EVERY_USEC;
    }
}

static gpointer
store_thread (gpointer data)
{
  TendStore *self = data;

  for (;;)
    {
      Job *job;

      /* Nothing to do: sleep until a job comes. After a failed write, try again after
       * batch-interval. */
      if (self->retry)
        {
          guint interval_msec;

          g_mutex_lock (&self->lock);
          interval_msec = self->batch_interval_msec;
          g_mutex_unlock (&self->lock);
          job = g_async_queue_timeout_pop (self->jobs, (guint64) interval_msec * 1000);
          if (job == NULL)
            {
              batch_job (self, NULL);
              continue;
            }
        }
      else
        job = g_async_queue_pop (self->jobs);

      if (job->func == NULL)
        {
          g_free (job);
          if (self->db != NULL)
            {
              tend_store_flush_waiting (self);
              write_what_fits (self);
            }
          spill_waiting (self);
          if (self->trouble.message != NULL)
            tend_store_trouble_set (self->path, NULL, 0);
          break;
        }
      job->func (self, job->task);
      if (job->task != NULL)
        release_task (g_steal_pointer (&job->task));
      g_free (job);
    }

  return NULL;
}

/* A NULL @func with a NULL @task stops the thread. */
static void
queue_job (TendStore        *self,
           TendStoreJobFunc  func,
           GTask            *task)
{
  Job *job = g_new0 (Job, 1);

  job->func = func;
  job->task = task;
  g_async_queue_push (self->jobs, job);
}

/*
 * tend_store_queue_task:
 * @func: the job, run on the store's thread with the task
 * @source_tag: the public function the job is for
 * @task_data: (transfer full) (nullable): what the job needs, as the task's data
 * @task_data_free: (nullable): frees @task_data
 *
 * What every store operation does on the caller's side: a GTask for @callback (none
 * for a job nobody waits for: %NULL @cancellable, @callback and @user_data), queued as
 * a job. The job returns the task's value, which the operation's _finish takes.
 */
void
tend_store_queue_task (TendStore           *self,
                       TendStoreJobFunc     func,
                       gpointer             source_tag,
                       gpointer             task_data,
                       GDestroyNotify       task_data_free,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  if (task_data != NULL)
    g_task_set_task_data (task, task_data, task_data_free);
  queue_job (self, func, task);
}

void
tend_store_queue_service_query (TendStore           *self,
                                gint64               service_id,
                                TendStoreJobFunc     func,
                                gpointer             source_tag,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  tend_store_queue_task (self, func, source_tag, g_memdup2 (&service_id, sizeof service_id), g_free,
                         cancellable, callback, user_data);
}

gint64
tend_store_task_service_id (GTask *task)
{
  return *(const gint64 *) g_task_get_task_data (task);
}

static void
open_job (TendStore *self,
          GTask     *task)
{
  GError *error = NULL;

  if (self->db != NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (!open_database (self, &error))
    {
      g_clear_pointer (&self->db, sqlite3_close);
      set_last_error (self, error);
      g_task_return_error (task, error);
      return;
    }
  if (!self->read_only)
    {
      /* A note an earlier process of this pid left is not ours. */
      tend_store_trouble_set (self->path, NULL, 0);
      import_spills (self);
      /* What was added while it opened. */
      tend_store_flush_waiting (self);
    }
  g_task_return_boolean (task, TRUE);
}

gboolean
tend_store_check_open (TendStore *self,
            GTask     *task)
{
  if (self->db != NULL)
    return TRUE;
  g_task_return_new_error (task, TEND_ERROR, TEND_ERROR_FAILED,
                           "the database %s is not open", self->path);
  return FALSE;
}

static void
prune_job (TendStore *self,
           GTask     *task)
{
  guint64 total = 0;
  int deleted;

  if (!tend_store_check_open (self, task))
    return;

  tend_store_flush_waiting (self);
  while ((deleted = run_retention (self)) > 0)
    total += deleted;
  g_task_return_int (task, (gssize) total);
}

static void
flush_job (TendStore *self,
           GTask     *task)
{
  g_autofree char *error = NULL;

  if (!tend_store_check_open (self, task))
    return;

  tend_store_flush_waiting (self);
  g_mutex_lock (&self->lock);
  if (self->waiting_results->len > 0 || self->waiting_audit->len > 0)
    error = g_strdup (self->last_error);
  g_mutex_unlock (&self->lock);

  if (error != NULL)
    g_task_return_new_error (task, TEND_ERROR, TEND_ERROR_FAILED, "%s", error);
  else
    g_task_return_boolean (task, TRUE);
}

/* ------------------------------------------------------------------------------------ */
/* Public: opening and writing                                                           */

/**
 * tend_store_open_async:
 *
 * Opens (creating it if missing or empty) and migrates the database on the store's
 * thread, then writes what earlier stores kept aside (spill files). A file that is not a
 * usable Tend database — from a newer Tend, damaged, not SQLite, another program's, a
 * folder — is refused with a message that names it and says how to recover, and is
 * left byte for byte as it was (see tend-store-open.c).
 */
void
tend_store_open_async (TendStore           *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_return_if_fail (TEND_IS_STORE (self));

  if (self->thread == NULL)
    self->thread = g_thread_new ("tend-store", store_thread, self);
  tend_store_queue_task (self, open_job, tend_store_open_async, NULL, NULL, cancellable, callback,
                         user_data);
}

gboolean
tend_store_open_finish (TendStore     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * tend_store_flush_async:
 *
 * Writes everything that waits now. Fails (with the reason) when it could not be
 * written; what was not written still waits.
 */
void
tend_store_flush_async (TendStore           *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_return_if_fail (TEND_IS_STORE (self));
  g_return_if_fail (self->thread != NULL);

  tend_store_queue_task (self, flush_job, tend_store_flush_async, NULL, NULL, cancellable, callback,
                         user_data);
}

gboolean
tend_store_flush_finish (TendStore     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * tend_store_prune_async:
 *
 * Deletes now everything past its retention, rather than a batch a minute.
 */
void
tend_store_prune_async (TendStore           *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_return_if_fail (TEND_IS_STORE (self));
  g_return_if_fail (self->thread != NULL);

  tend_store_queue_task (self, prune_job, tend_store_prune_async, NULL, NULL, cancellable, callback,
                         user_data);
}

/**
 * tend_store_prune_finish:
 *
 * Returns: how many rows were deleted, or -1 with @error set
 */
gint64
tend_store_prune_finish (TendStore     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  return g_task_propagate_int (G_TASK (result), error);
}

/**
 * tend_store_close:
 *
 * Writes what waits and stops the store's thread. It waits for the last batch: call
 * it when the program ends, not from a busy main loop.
 */
void
tend_store_close (TendStore *self)
{
  g_return_if_fail (TEND_IS_STORE (self));

  if (self->thread == NULL)
    return;
  g_mutex_lock (&self->lock);
  if (self->batch_timer != NULL)
    {
      g_source_destroy (self->batch_timer);
      g_clear_pointer (&self->batch_timer, g_source_unref);
    }
  g_mutex_unlock (&self->lock);
  queue_job (self, NULL, NULL);
  g_thread_join (self->thread);
  self->thread = NULL;
  tend_store_writer_finalize (self->writer);
  g_clear_pointer (&self->db, sqlite3_close);
}

/* Under the lock: claims the job that writes what waits, unless one is queued already.
 * The caller queues it once it has let go of the lock (queue_batch_unlock()): a writer
 * woken while the lock is still held would go back to sleep on it at once. */
static gboolean
claim_batch_locked (TendStore *self)
{
  if (self->batch_queued || self->thread == NULL)
    return FALSE;
  if (self->waiting_results->len == 0 && self->waiting_audit->len == 0)
    return FALSE;
  self->batch_queued = TRUE;
  if (self->batch_timer != NULL)
    {
      g_source_destroy (self->batch_timer);
      g_clear_pointer (&self->batch_timer, g_source_unref);
    }
  return TRUE;
}

/* Lets go of the lock, then queues the job claimed under it, if any. */
static void
queue_batch_unlock (TendStore *self,
                    gboolean   claimed)
{
  g_mutex_unlock (&self->lock);
  if (claimed)
    queue_job (self, batch_job, NULL);
}

static gboolean
batch_timer_cb (gpointer user_data)
{
  TendStore *self = user_data;

  g_mutex_lock (&self->lock);
  if (self->batch_timer == g_main_current_source ())
    g_clear_pointer (&self->batch_timer, g_source_unref);
  queue_batch_unlock (self, claim_batch_locked (self));
  return G_SOURCE_REMOVE;
}

/**
 * tend_store_push_batch:
 *
 * Hands what waits to the store's thread now, as one job and one transaction, rather
 * than batch-interval after the first of it: for a producer that knows a batch is
 * complete (the monitor, once the runs of a wake-up have ended). Nothing happens when
 * nothing waits or the job is queued already. Safe from any thread.
 */
void
tend_store_push_batch (TendStore *self)
{
  g_return_if_fail (TEND_IS_STORE (self));

  g_mutex_lock (&self->lock);
  queue_batch_unlock (self, claim_batch_locked (self));
}

/**
 * tend_store_get_n_batches:
 *
 * Returns: how many write jobs the store's thread has run: how often results woke it
 */
guint64
tend_store_get_n_batches (TendStore *self)
{
  guint64 n;

  g_return_val_if_fail (TEND_IS_STORE (self), 0);

  g_mutex_lock (&self->lock);
  n = self->n_batches;
  g_mutex_unlock (&self->lock);
  return n;
}

/**
 * tend_store_add_result:
 *
 * Queues a result; it is written with the next batch: at tend_store_push_batch(), or
 * batch-interval after the first result that waits, from a timer on the calling
 * thread's main context (a thread that runs none must push or flush). Never blocks.
 * Does not wake the store's thread on its own. Safe from any thread.
 */
void
tend_store_add_result (TendStore             *self,
                       const TendCheckResult *result)
{
  PendingResult pending;
  gboolean claimed = FALSE;

  g_return_if_fail (TEND_IS_STORE (self));
  g_return_if_fail (result != NULL);

  pending.result = *result;
  pending.result.message = g_strdup (result->message);

  g_mutex_lock (&self->lock);
  if (self->waiting_results->len >= self->queue_limit)
    {
      /* Full: the oldest result makes room, and is counted. */
      g_array_remove_index (self->waiting_results, 0);
      self->n_dropped++;
    }
  g_array_append_val (self->waiting_results, pending);
  if (self->waiting_results->len >= BATCH_SOON)
    claimed = claim_batch_locked (self);
  else if (!self->batch_queued && self->batch_timer == NULL && self->thread != NULL)
    {
      g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();

      self->batch_timer = g_timeout_source_new (self->batch_interval_msec);
      g_source_set_static_name (self->batch_timer, "[tend] store batch");
      g_source_set_callback (self->batch_timer, batch_timer_cb, self, NULL);
      g_source_attach (self->batch_timer, context);
    }
  queue_batch_unlock (self, claimed);
}

/**
 * tend_store_add_audit:
 *
 * Queues an audit record and hands it to the store's thread at once, with the results
 * that wait. Audit records are never dropped for lack of room.
 */
void
tend_store_add_audit (TendStore             *self,
                      const TendAuditRecord *record)
{
  g_return_if_fail (TEND_IS_STORE (self));
  g_return_if_fail (record != NULL && record->operation != NULL);

  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->waiting_audit, tend_audit_record_copy (record));
  queue_batch_unlock (self, claim_batch_locked (self));
}

#define LOCKED_GETTER(type, name, expr)                 \
  type                                                  \
  tend_store_get_##name (TendStore *self)               \
  {                                                     \
    type value;                                         \
    g_return_val_if_fail (TEND_IS_STORE (self), 0);     \
    g_mutex_lock (&self->lock);                         \
    value = (expr);                                     \
    g_mutex_unlock (&self->lock);                       \
    return value;                                       \
  }

LOCKED_GETTER (guint64, n_committed, self->n_committed)
LOCKED_GETTER (guint64, n_dropped, self->n_dropped)
LOCKED_GETTER (guint, n_waiting, self->waiting_results->len)
LOCKED_GETTER (guint, n_waiting_audit, self->waiting_audit->len)
LOCKED_GETTER (guint64, n_lost_at_close, self->n_lost_at_close)
LOCKED_GETTER (guint64, n_imported, self->n_imported)

#undef LOCKED_GETTER

/**
 * tend_store_dup_spill_file:
 * @n_results: (out) (optional): how many results it holds
 * @n_audit: (out) (optional): how many audit records
 *
 * Once the store closed: where it kept what it could not write (the next store that
 * opens the database writes it). See also tend_store_get_n_lost_at_close().
 *
 * Returns: (transfer full) (nullable): the spill file, or %NULL when everything was
 *   written
 */
char *
tend_store_dup_spill_file (TendStore *self,
                           guint     *n_results,
                           guint     *n_audit)
{
  char *file;

  g_return_val_if_fail (TEND_IS_STORE (self), NULL);

  g_mutex_lock (&self->lock);
  file = g_strdup (self->spill_file);
  if (n_results != NULL)
    *n_results = self->n_spilled_results;
  if (n_audit != NULL)
    *n_audit = self->n_spilled_audit;
  g_mutex_unlock (&self->lock);
  return file;
}

/**
 * tend_store_dup_last_error:
 *
 * Returns: (transfer full) (nullable): why the last write failed, while results wait
 *   because of it; %NULL once a batch was written again
 */
char *
tend_store_dup_last_error (TendStore *self)
{
  char *text;

  g_return_val_if_fail (TEND_IS_STORE (self), NULL);

  g_mutex_lock (&self->lock);
  text = g_strdup (self->last_error);
  g_mutex_unlock (&self->lock);
  return text;
}

void
tend_store_set_queue_limit (TendStore *self,
                            guint      limit)
{
  g_return_if_fail (TEND_IS_STORE (self));
  g_return_if_fail (limit > 0);

  g_mutex_lock (&self->lock);
  self->queue_limit = limit;
  g_mutex_unlock (&self->lock);
}

void
tend_store_set_batch_interval (TendStore *self,
                               guint      msec)
{
  g_return_if_fail (TEND_IS_STORE (self));
  g_return_if_fail (msec > 0);

  g_mutex_lock (&self->lock);
  self->batch_interval_msec = msec;
  g_mutex_unlock (&self->lock);
}

/**
 * tend_store_set_retention:
 * @raw_usec: how long raw results are kept (0 = forever)
 * @minute_usec: minute rollups
 * @hour_usec: hour rollups (day rollups are kept)
 */
void
tend_store_set_retention (TendStore *self,
                          gint64     raw_usec,
                          gint64     minute_usec,
                          gint64     hour_usec)
{
  g_return_if_fail (TEND_IS_STORE (self));

  g_mutex_lock (&self->lock);
  self->retention[0] = raw_usec;
  self->retention[1] = minute_usec;
  self->retention[2] = hour_usec;
  g_mutex_unlock (&self->lock);
}

sqlite3 *
tend_store_get_db (TendStore *self)
{
  return self->db;
}

TendStoreWriter *
tend_store_get_writer (TendStore *self)
{
  return self->writer;
}

/* ------------------------------------------------------------------------------------ */
/* GObject                                                                               */

static void
tend_store_dispose (GObject *object)
{
  TendStore *self = (TendStore *) object;

  tend_store_close (self);

  G_OBJECT_CLASS (tend_store_parent_class)->dispose (object);
}

static void
tend_store_finalize (GObject *object)
{
  TendStore *self = (TendStore *) object;

  g_clear_pointer (&self->jobs, g_async_queue_unref);
  g_clear_pointer (&self->waiting_results, g_array_unref);
  g_clear_pointer (&self->waiting_audit, g_ptr_array_unref);
  g_clear_pointer (&self->writer, tend_store_writer_free);
  g_clear_pointer (&self->last_error, g_free);
  g_clear_pointer (&self->spill_file, g_free);
  g_clear_pointer (&self->trouble.message, g_free);
  g_clear_pointer (&self->path, g_free);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (tend_store_parent_class)->finalize (object);
}

static void
tend_store_class_init (TendStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tend_store_dispose;
  object_class->finalize = tend_store_finalize;
}

static void
tend_store_init (TendStore *self)
{
  g_mutex_init (&self->lock);
  self->jobs = g_async_queue_new ();
  self->waiting_results = pending_results_new ();
  self->waiting_audit = g_ptr_array_new_with_free_func ((GDestroyNotify) tend_audit_record_free);
  self->writer = tend_store_writer_new ();
  self->queue_limit = DEFAULT_QUEUE_LIMIT;
  self->batch_interval_msec = DEFAULT_BATCH_INTERVAL_MSEC;
  self->retention[0] = 7 * USEC_PER_DAY;
  self->retention[1] = 30 * USEC_PER_DAY;
  self->retention[2] = 365 * USEC_PER_DAY;
}

/**
 * tend_store_new:
 * @path: (nullable): the database file; %NULL for tend_store_default_path()
 */
TendStore *
tend_store_new (const char *path)
{
  TendStore *self = g_object_new (TEND_TYPE_STORE, NULL);

  self->path = path != NULL ? g_strdup (path) : tend_store_default_path ();
  return self;
}

/**
 * tend_store_set_read_only:
 * @read_only: whether this store only reads
 *
 * Before the store opens: a store that only reads (the commands that show something)
 * opens the file read-only, so it works in a read-only folder and never creates or
 * changes anything; where there is no file yet it reads as empty. A file of an older
 * schema is still migrated, which needs writing.
 */
void
tend_store_set_read_only (TendStore *self,
                          gboolean   read_only)
{
  g_return_if_fail (TEND_IS_STORE (self));
  g_return_if_fail (self->thread == NULL);

  self->read_only = read_only;
}

/**
 * tend_store_get_created:
 *
 * Returns: whether opening made a new database (there was no file, or an empty one):
 *   tell the user, who may have expected their records there
 */
gboolean
tend_store_get_created (TendStore *self)
{
  gboolean created;

  g_return_val_if_fail (TEND_IS_STORE (self), FALSE);

  g_mutex_lock (&self->lock);
  created = self->created;
  g_mutex_unlock (&self->lock);
  return created;
}

const char *
tend_store_get_path (TendStore *self)
{
  g_return_val_if_fail (TEND_IS_STORE (self), NULL);
  return self->path;
}
