/* tend-store-open.c — opening the database file: refusals, creation and migration
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Before anything is written, the file is looked at: it must be missing, empty, or a
 * Tend database of a schema this Tend knows, undamaged. Anything else — a folder, a
 * file that is not SQLite (garbage, a file cut to a few bytes), another program's
 * database, an SQLite file with no tables, a damaged one — is refused with a message
 * that names the file and says how to recover, and is left byte for byte as it was.
 * Only a missing or zero-length file becomes a new database.
 *
 * Any number of programs may open the same file at once (the window, the monitor and
 * several tendctl): creating and migrating happen in one exclusive transaction, inside
 * which the schema version is read again, so the first one does the work and the
 * others, waiting on the busy timeout, find it done.
 *
 * Runs on the store's thread.
 */
#define G_LOG_DOMAIN "Tend-Store"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "tend-error.h"
#include "tend-store-private.h"

#define BUSY_TIMEOUT_MSEC 5000
/* How long the quick check of a file opened for writing may take; a bigger file is
 * checked as far as it gets (its damage is still found by SQLite when it is read). */
#define QUICK_CHECK_BUDGET_USEC (500 * 1000)
#define SQLITE_MAGIC "SQLite format 3"   /* with its NUL: the first 16 bytes of a database */

typedef struct
{
  int version;      /* PRAGMA user_version */
  int app_id;       /* PRAGMA application_id */
  int n_tables;     /* rows of sqlite_master */
  goffset size;     /* the file's size, read under SQLite's lock */
  gboolean magic;   /* whether it starts as an SQLite database, and holds a page */
} Header;

/**
 * tend_store_recovery_hint:
 *
 * Returns: (transfer full): how to get Tend's records back when @path cannot be used:
 *   the copy made before its last migration, if there is one, or an export
 */
char *
tend_store_recovery_hint (const char *path)
{
  for (int version = TEND_STORE_SCHEMA_VERSION; version >= 2; version--)
    {
      g_autofree char *copy = g_strdup_printf ("%s.before-schema-%d", path, version);

      if (g_file_test (copy, G_FILE_TEST_IS_REGULAR))
        return g_strdup_printf ("To recover, move it aside and copy %s (made before its last "
                                "migration) in its place, or import an export into a new "
                                "database (tendctl import FILE)", copy);
    }
  return g_strdup ("To recover, move it aside and import an export into a new database "
                   "(tendctl import FILE); Tend then starts with a new file");
}

static GError *
sqlite_error (sqlite3    *db,
              const char *path,
              int         code,
              const char *doing)
{
  int primary = code & 0xff;
  /* The connection's message, unless a later call (a rollback) replaced it. */
  const char *detail = db != NULL && sqlite3_extended_errcode (db) == code
                       ? sqlite3_errmsg (db) : sqlite3_errstr (code);

  switch (primary)
    {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      {
        g_autofree char *hint = tend_store_recovery_hint (path);

        return g_error_new (TEND_ERROR, TEND_ERROR_FAILED,
                            "%s is damaged or is not a database (%s); it was left as it is. %s",
                            path, detail, hint);
      }
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
      return g_error_new (TEND_ERROR, TEND_ERROR_PERMISSION_DENIED,
                          "cannot %s %s (%s): check that the file and its folder are writable",
                          doing, path, detail);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return g_error_new (TEND_ERROR, TEND_ERROR_FAILED,
                          "cannot %s %s (%s): another program holds the database", doing,
                          path, detail);
    case SQLITE_FULL:
      return g_error_new (TEND_ERROR, TEND_ERROR_FAILED, "cannot %s %s (%s): the disk is full",
                          doing, path, detail);
    default:
      return g_error_new (TEND_ERROR, TEND_ERROR_FAILED, "cannot %s %s (%s)", doing, path,
                          detail);
    }
}

static int
read_int (sqlite3    *db,
          const char *sql,
          int        *value)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          *value = sqlite3_column_int (stmt, 0);
          rc = SQLITE_OK;
        }
    }
  sqlite3_finalize (stmt);
  return rc;
}

/* The file's size and first bytes, read through SQLite's own handle of it (opening and
 * closing the file here would drop SQLite's POSIX locks on it), while SQLite holds its
 * shared lock, so no other Tend is half way through writing them. */
static void
read_file_header (sqlite3    *db,
                  const char *path,
                  Header     *header)
{
  char bytes[sizeof SQLITE_MAGIC];
  sqlite3_file *file = NULL;
  sqlite3_int64 size = 0;
  GStatBuf info;

  header->magic = FALSE;
  if (sqlite3_file_control (db, "main", SQLITE_FCNTL_FILE_POINTER, &file) != SQLITE_OK ||
      file == NULL || file->pMethods == NULL)
    {
      header->size = g_stat (path, &info) == 0 ? info.st_size : 0;
      return;
    }
  if (file->pMethods->xFileSize (file, &size) != SQLITE_OK)
    size = 0;
  /* SQLite's unix VFS says 0 for a file of one byte. */
  if (g_stat (path, &info) == 0 && info.st_size > size)
    size = info.st_size;
  header->size = size;
  /* The smallest database is one page of 512 bytes. */
  header->magic = size >= 512 &&
                  file->pMethods->xRead (file, bytes, sizeof bytes, 0) == SQLITE_OK &&
                  memcmp (bytes, SQLITE_MAGIC, sizeof bytes) == 0;
}

/* Reads the schema's marks, writing nothing, in the transaction that is open. */
static int
read_header_in_transaction (sqlite3    *db,
                            const char *path,
                            Header     *header)
{
  int rc = read_int (db, "SELECT count(*) FROM sqlite_master", &header->n_tables);

  if (rc == SQLITE_OK)
    rc = read_int (db, "PRAGMA user_version", &header->version);
  if (rc == SQLITE_OK)
    rc = read_int (db, "PRAGMA application_id", &header->app_id);
  /* Read also when SQLite could not: it tells a file that is not SQLite at all. */
  read_file_header (db, path, header);
  return rc;
}

/* The same, in a read transaction of its own. */
static int
read_header (sqlite3    *db,
             const char *path,
             Header     *header)
{
  int rc = sqlite3_exec (db, "BEGIN", NULL, NULL, NULL);

  if (rc == SQLITE_OK)
    rc = read_header_in_transaction (db, path, header);
  if (sqlite3_get_autocommit (db) == 0)
    sqlite3_exec (db, rc == SQLITE_OK ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
  return rc;
}

/* Migrations after @version, and the marks of a new database, in the open transaction. */
static int
apply_migrations (sqlite3 *db,
                  int      version)
{
  int rc = SQLITE_OK;

  if (version == 0)
    {
      g_autofree char *sql = g_strdup_printf ("PRAGMA application_id = %d",
                                              TEND_STORE_APPLICATION_ID);

      rc = sqlite3_exec (db, sql, NULL, NULL, NULL);
    }
  for (int next = version + 1; next <= TEND_STORE_SCHEMA_VERSION && rc == SQLITE_OK; next++)
    {
      g_autofree char *stamp = g_strdup_printf ("PRAGMA user_version = %d", next);

      rc = sqlite3_exec (db, tend_store_migration (next), NULL, NULL, NULL);
      if (rc == SQLITE_OK)
        rc = sqlite3_exec (db, stamp, NULL, NULL, NULL);
    }
  return rc;
}

/* Whether the file is one this Tend may use; a refusal otherwise. A file that is
 * neither empty nor Tend's is never taken over. */
static gboolean
check_header (const char    *path,
              const Header  *header,
              GError       **error)
{
  if (header->size > 0 && !header->magic)
    {
      g_autofree char *hint = tend_store_recovery_hint (path);

      g_set_error (error, TEND_ERROR, TEND_ERROR_FAILED,
                   "%s is not a Tend database: what it holds (%" G_GOFFSET_FORMAT " byte%s) is "
                   "not an SQLite database (damaged, cut short, or another kind of file); it "
                   "was left as it is. %s", path, header->size, header->size == 1 ? "" : "s",
                   hint);
      return FALSE;
    }
  if (header->app_id == TEND_STORE_APPLICATION_ID)
    {
      if (header->version > TEND_STORE_SCHEMA_VERSION)
        {
          g_set_error (error, TEND_ERROR, TEND_ERROR_NOT_SUPPORTED,
                       "%s was written by a newer Tend (schema %d; this Tend knows up to %d); "
                       "it was left as it is. Use the newer Tend, or another file",
                       path, header->version, TEND_STORE_SCHEMA_VERSION);
          return FALSE;
        }
      return TRUE;
    }
  if (header->app_id == 0 && header->version == 0 && header->n_tables == 0 && header->size == 0)
    return TRUE;  /* new */

  if (header->app_id == 0 && header->version == 0 && header->n_tables == 0)
    g_set_error (error, TEND_ERROR, TEND_ERROR_FAILED,
                 "%s is an SQLite database with no tables, not Tend's; it was left as it is. "
                 "Move it aside or remove it, and Tend makes a new database there", path);
  else
    g_set_error (error, TEND_ERROR, TEND_ERROR_FAILED,
                 "%s is an SQLite database, but not Tend's; it was left as it is. "
                 "Move it aside or choose another file", path);
  return FALSE;
}

/* Interrupts a quick check past its budget. PRAGMA quick_check is one step of SQLite's
 * machine, which a progress handler cannot stop; sqlite3_interrupt() from another thread
 * can, and is made for it. */
typedef struct
{
  GMutex lock;
  GCond cond;
  gboolean done;
  sqlite3 *db;
  gint64 deadline;   /* monotonic */
} Watchdog;

static gpointer
watchdog_thread (gpointer data)
{
  Watchdog *watchdog = data;

  g_mutex_lock (&watchdog->lock);
  while (!watchdog->done)
    if (!g_cond_wait_until (&watchdog->cond, &watchdog->lock, watchdog->deadline))
      {
        if (!watchdog->done)
          sqlite3_interrupt (watchdog->db);
        break;
      }
  g_mutex_unlock (&watchdog->lock);
  return NULL;
}

/* PRAGMA quick_check, within QUICK_CHECK_BUDGET_USEC: a damaged file is refused before
 * anything is written into it. */
static gboolean
quick_check (sqlite3     *db,
             const char  *path,
             GError     **error)
{
  g_autoptr(GString) problems = g_string_new (NULL);
  Watchdog watchdog = { .db = db, .deadline = g_get_monotonic_time () + QUICK_CHECK_BUDGET_USEC };
  GThread *thread = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean ok = TRUE;
  int rc;

  rc = sqlite3_prepare_v2 (db, "PRAGMA quick_check(5)", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      g_mutex_init (&watchdog.lock);
      g_cond_init (&watchdog.cond);
      thread = g_thread_new ("tend-store-check", watchdog_thread, &watchdog);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          const char *line = (const char *) sqlite3_column_text (stmt, 0);

          if (g_strcmp0 (line, "ok") == 0)
            continue;
          ok = FALSE;
          g_string_append_printf (problems, "%s%s", problems->len > 0 ? "; " : "",
                                  line != NULL ? line : "?");
        }
      g_mutex_lock (&watchdog.lock);
      watchdog.done = TRUE;
      g_cond_signal (&watchdog.cond);
      g_mutex_unlock (&watchdog.lock);
      g_thread_join (thread);
      g_mutex_clear (&watchdog.lock);
      g_cond_clear (&watchdog.cond);
    }
  sqlite3_finalize (stmt);

  if (rc == SQLITE_INTERRUPT)
    {
      g_debug ("%s: quick check stopped after %d ms (a big file, or a big WAL); going on",
               path, QUICK_CHECK_BUDGET_USEC / 1000);
      rc = SQLITE_DONE;
    }
  if (rc != SQLITE_DONE && ok)
    {
      g_propagate_error (error, sqlite_error (db, path, rc, "check"));
      return FALSE;
    }
  if (!ok)
    {
      g_autofree char *hint = tend_store_recovery_hint (path);

      g_set_error (error, TEND_ERROR, TEND_ERROR_FAILED,
                   "%s is damaged (SQLite's quick check: %s); it was left as it is. %s",
                   path, problems->str, hint);
      return FALSE;
    }
  return TRUE;
}

/* Copies the database aside, into a file of this store's own (two programs may both be
 * about to migrate): it becomes PATH.before-schema-N only if this one does. */
static char *
back_up (sqlite3     *db,
         const char  *path,
         int          from_version,
         GError     **error)
{
  static gint n_copies;  /* several stores of one process may open the file at once */
  g_autofree char *copy = g_strdup_printf ("%s.before-schema-%d.%d-%d", path, from_version + 1,
                                           (int) getpid (), g_atomic_int_add (&n_copies, 1));
  char *sql;  /* SQLite's, freed by it */
  int rc;

  g_unlink (copy);
  sql = sqlite3_mprintf ("VACUUM INTO %Q", copy);
  rc = sqlite3_exec (db, sql, NULL, NULL, NULL);
  sqlite3_free (sql);
  if (rc != SQLITE_OK)
    {
      g_autoptr(GError) cause = sqlite_error (db, path, rc, "back up");

      g_unlink (copy);
      g_set_error (error, TEND_ERROR, TEND_ERROR_FAILED,
                   "not migrating %s: its copy could not be made first (%s)", path,
                   cause->message);
      return NULL;
    }
  return g_steal_pointer (&copy);
}

/* Creates or migrates the schema in one exclusive transaction, in which the marks are
 * read again: whoever came first did the work, and the others find it done. Sets
 * @again when another program changed the schema between @seen and this transaction
 * (the copy made first is then not of what is there: look again). */
static gboolean
create_or_migrate (sqlite3      *db,
                   const char   *path,
                   const Header *seen,
                   gboolean     *created,
                   gboolean     *again,
                   GError      **error)
{
  g_autofree char *copy = NULL;
  Header header = { 0, };
  int rc;

  *again = FALSE;
  if (seen->version > 0 && (copy = back_up (db, path, seen->version, error)) == NULL)
    return FALSE;

  rc = sqlite3_exec (db, "BEGIN EXCLUSIVE", NULL, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = read_header_in_transaction (db, path, &header);
  if (rc != SQLITE_OK)
    goto failed;

  if (!check_header (path, &header, error))
    {
      sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
      if (copy != NULL)
        g_unlink (copy);
      return FALSE;
    }
  if (header.version != seen->version && header.version != TEND_STORE_SCHEMA_VERSION)
    {
      sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
      if (copy != NULL)
        g_unlink (copy);
      *again = TRUE;
      return FALSE;
    }

  rc = apply_migrations (db, header.version);
  if (rc == SQLITE_OK && copy != NULL && header.version < TEND_STORE_SCHEMA_VERSION)
    {
      g_autofree char *final = g_strdup_printf ("%s.before-schema-%d", path,
                                                header.version + 1);

      if (g_rename (copy, final) != 0)
        {
          int saved = errno;

          sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
          g_unlink (copy);
          g_set_error (error, TEND_ERROR, TEND_ERROR_FAILED,
                       "not migrating %s: its copy %s could not be made first: %s", path,
                       final, g_strerror (saved));
          return FALSE;
        }
      g_debug ("copied %s to %s before migrating it", path, final);
      g_clear_pointer (&copy, g_free);
    }
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    goto failed;

  if (copy != NULL)
    g_unlink (copy);
  *created = header.version == 0;
  return TRUE;

failed:
  {
    g_autofree char *doing = g_strdup_printf ("create or migrate to schema %d",
                                              TEND_STORE_SCHEMA_VERSION);

    g_propagate_error (error, sqlite_error (db, path, rc, doing));
    if (sqlite3_get_autocommit (db) == 0)
      sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
    if (copy != NULL)
      g_unlink (copy);
    return FALSE;
  }
}

static int
set_up_connection (sqlite3  *db,
                   gboolean  read_only)
{
  int rc = SQLITE_OK;

  if (!read_only)
    {
      rc = sqlite3_exec (db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
      if (rc == SQLITE_OK)
        rc = sqlite3_exec (db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL);
      /* The WAL starts again from nothing after each checkpoint (every 1,000 pages)
       * rather than over the frames of the last round: writes into the old file cost
       * the writer a read of each block first (4 to 14 context switches a batch
       * instead of 1, docs/benchmarks.md, "Idle"); appending costs none. */
      if (rc == SQLITE_OK)
        rc = sqlite3_exec (db, "PRAGMA journal_size_limit = 0", NULL, NULL, NULL);
    }
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
  /* Results of a thousand services land all over the per-service index: a cache that
   * holds its hot pages keeps batches from re-reading them. 8 MiB: with 10,000 checks
   * a cache of 32 MiB filled as the file grew and took the engine past 50 MB in under
   * two minutes; at 8 MiB it stayed at 41 MiB, the writer's CPU the same
   * (docs/benchmarks.md, "10,000 checks"). */
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (db, "PRAGMA cache_size = -8192", NULL, NULL, NULL);
  return rc;
}

/* Whether the WAL and its shared-memory file were there before this program opened
 * @path: those it made itself go again when it refuses the file. */
typedef struct
{
  char *path;
  gboolean had_wal;
  gboolean had_shm;
} Sidecars;

static void
sidecars_note (Sidecars   *sidecars,
               const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  sidecars->path = g_strdup (path);
  sidecars->had_wal = g_file_test (wal, G_FILE_TEST_EXISTS);
  sidecars->had_shm = g_file_test (shm, G_FILE_TEST_EXISTS);
}

static void
sidecars_clear (Sidecars *sidecars)
{
  g_clear_pointer (&sidecars->path, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Sidecars, sidecars_clear)

/* A refused file: closing must not write into it either (a checkpoint of its WAL), and
 * leaves nothing beside it that was not there. */
static void
close_untouched (sqlite3        *db,
                 const Sidecars *sidecars)
{
  if (db == NULL)
    return;
  sqlite3_db_config (db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
  sqlite3_close (db);

  if (!sidecars->had_wal)
    {
      g_autofree char *wal = g_strconcat (sidecars->path, "-wal", NULL);

      g_unlink (wal);
    }
  if (!sidecars->had_shm)
    {
      g_autofree char *shm = g_strconcat (sidecars->path, "-shm", NULL);

      g_unlink (shm);
    }
}

/* Why the marks could not be read: a file that is not SQLite at all says so. */
static GError *
read_error (sqlite3      *db,
            const char   *path,
            int           rc,
            const Header *header)
{
  GError *error = NULL;

  if (header->size > 0 && !header->magic && !check_header (path, header, &error))
    return error;
  return sqlite_error (db, path, rc, "read");
}

static sqlite3 *
open_connection (const char  *path,
                 int          flags,
                 GError     **error)
{
  sqlite3 *db = NULL;
  int rc;

  /* SQLite is opened with the first store (tend-sqlite-lib.h): say so if it cannot be. */
  if (!tend_sqlite_lib_load (error))
    return NULL;

  rc = sqlite3_open_v2 (path, &db, flags | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      g_propagate_error (error, sqlite_error (db, path, rc, "open"));
      sqlite3_close (db);
      return NULL;
    }
  sqlite3_busy_timeout (db, BUSY_TIMEOUT_MSEC);
  sqlite3_extended_result_codes (db, TRUE);
  return db;
}

/* An empty database of the current schema, in memory: what a reader sees where there
 * is no file yet. */
static sqlite3 *
open_empty (const char  *path,
            GError     **error)
{
  sqlite3 *db = open_connection (":memory:", SQLITE_OPEN_READWRITE, error);
  int rc;

  if (db == NULL)
    return NULL;
  rc = sqlite3_exec (db, "BEGIN", NULL, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = apply_migrations (db, 0);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = set_up_connection (db, TRUE);
  if (rc != SQLITE_OK)
    {
      g_propagate_error (error, sqlite_error (db, path, rc, "set up"));
      sqlite3_close (db);
      return NULL;
    }
  return db;
}

/* Removes what a program that died while making a database left (with the folder's
 * lock held: no one else is making one). */
static void
remove_leftovers (const char *folder,
                  const char *prefix)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, prefix))
      {
        g_autofree char *leftover = g_build_filename (folder, name, NULL);

        g_unlink (leftover);
      }
}

/* Makes a new database at @path, which is missing or empty: complete (schema, marks,
 * WAL) in a file aside, then renamed into place, so no one ever sees it half made. The
 * folder's lock (flock on the folder itself, apart from SQLite's locks on the file)
 * lets one program at a time do it; the others find it made. */
static gboolean
create_new (const char  *path,
            gboolean    *created,
            GError     **error)
{
  g_autofree char *folder = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *prefix = g_strdup_printf ("%s.new-", base);
  g_autofree char *aside = g_strdup_printf ("%s.new-%d", path, (int) getpid ());
  sqlite3 *db = NULL;
  GStatBuf info;
  gboolean ok = FALSE;
  int fd;
  int rc;

  fd = g_open (folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (fd < 0 || flock (fd, LOCK_EX) != 0)
    {
      int saved = errno;

      g_set_error (error, TEND_ERROR, TEND_ERROR_PERMISSION_DENIED,
                   "cannot make the database %s: the folder cannot be locked: %s", path,
                   g_strerror (saved));
      if (fd >= 0)
        close (fd);
      return FALSE;
    }

  if (g_stat (path, &info) == 0 && info.st_size > 0)
    {
      ok = TRUE;  /* made by another program meanwhile */
      goto out;
    }

  remove_leftovers (folder, prefix);
  db = open_connection (aside, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, error);
  if (db == NULL)
    goto out;
  rc = sqlite3_exec (db, "BEGIN", NULL, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = apply_migrations (db, 0);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      g_propagate_error (error, sqlite_error (db, path, rc, "make"));
      goto out;
    }
  /* The last connection folds the WAL in: the file aside is whole. */
  rc = sqlite3_close (db);
  db = NULL;
  if (rc != SQLITE_OK || g_rename (aside, path) != 0)
    {
      int saved = errno;

      g_set_error (error, TEND_ERROR, TEND_ERROR_FAILED, "cannot make the database %s: %s",
                   path, rc != SQLITE_OK ? sqlite3_errstr (rc) : g_strerror (saved));
      goto out;
    }
  fsync (fd);
  *created = TRUE;
  ok = TRUE;

out:
  if (db != NULL)
    sqlite3_close (db);
  if (!ok)
    remove_leftovers (folder, prefix);
  close (fd);  /* and the lock with it */
  return ok;
}

/* A connection that only reads @path. A read-only folder gives SQLite no room for the
 * WAL's shared-memory file; nobody can write a WAL there either, so the file is read
 * as it is (immutable). */
static sqlite3 *
open_reader (const char      *path,
             const Sidecars  *sidecars,
             Header          *header,
             GError         **error)
{
  sqlite3 *db = open_connection (path, SQLITE_OPEN_READONLY, error);
  int rc;

  if (db == NULL)
    return NULL;
  rc = read_header (db, path, header);
  if ((rc & 0xff) == SQLITE_CANTOPEN || (rc & 0xff) == SQLITE_READONLY)
    {
      g_autofree char *dir = g_path_get_dirname (path);
      char *uri;

      if (g_access (dir, W_OK) == 0)
        goto failed;
      sqlite3_close (db);
      uri = sqlite3_mprintf ("file:%s?immutable=1", path);
      db = open_connection (uri, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, error);
      sqlite3_free (uri);
      if (db == NULL)
        return NULL;
      rc = read_header (db, path, header);
    }
  if (rc == SQLITE_OK)
    return db;

failed:
  g_propagate_error (error, read_error (db, path, rc, header));
  close_untouched (db, sidecars);
  return NULL;
}

/**
 * tend_store_open_file:
 * @path: the database file
 * @read_only: open it only to read: nothing is created or written, the folder may be
 *   read-only, and a missing file reads as an empty database; a file that needs a
 *   migration is opened for writing, as that writes it
 * @created: (out): whether a new database was made (the caller tells the user)
 *
 * Opens @path for the store's thread, refusing what is not a usable Tend database and
 * leaving it as it was.
 *
 * Returns: (transfer full) (nullable): the connection
 */
sqlite3 *
tend_store_open_file (const char  *path,
                      gboolean     read_only,
                      gboolean    *created,
                      GError     **error)
{
  g_autofree char *folder = g_path_get_dirname (path);
  g_auto(Sidecars) sidecars = { 0, };
  Header header = { 0, };
  GStatBuf info;
  sqlite3 *db;

  *created = FALSE;
  sidecars_note (&sidecars, path);

  if (g_stat (path, &info) == 0 && S_ISDIR (info.st_mode))
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_FAILED,
                   "%s is a folder, not a database file: name a file (in it, for example "
                   "%s%stend.db) with TEND_DATABASE", path, path,
                   g_str_has_suffix (path, G_DIR_SEPARATOR_S) ? "" : G_DIR_SEPARATOR_S);
      return NULL;
    }

  if (read_only)
    {
      if (g_stat (path, &info) != 0 || info.st_size == 0)
        return open_empty (path, error);

      db = open_reader (path, &sidecars, &header, error);
      if (db == NULL)
        return NULL;
      if (!check_header (path, &header, error))
        {
          close_untouched (db, &sidecars);
          return NULL;
        }
      if (header.version == TEND_STORE_SCHEMA_VERSION)
        {
          int rc = set_up_connection (db, TRUE);

          if (rc != SQLITE_OK)
            {
              g_propagate_error (error, sqlite_error (db, path, rc, "set up"));
              sqlite3_close (db);
              return NULL;
            }
          return db;
        }
      /* An older schema: reading it means migrating it first. */
      sqlite3_close (db);
    }

  if (g_mkdir_with_parents (folder, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, TEND_ERROR, TEND_ERROR_PERMISSION_DENIED,
                   "cannot create the folder %s for the database: %s",
                   folder, g_strerror (saved));
      return NULL;
    }

  if ((g_stat (path, &info) != 0 || info.st_size == 0) && !create_new (path, created, error))
    return NULL;

  db = open_connection (path, SQLITE_OPEN_READWRITE, error);
  if (db == NULL)
    return NULL;
  if (sqlite3_db_readonly (db, "main") == 1)
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_PERMISSION_DENIED,
                   "cannot write to %s: the file or its folder is read-only (commands that "
                   "only read it, such as export and audit, still work)", path);
      sqlite3_close (db);
      return NULL;
    }

  /* Looked at before anything is written: what is refused stops here, untouched. */
  {
    int rc = read_header (db, path, &header);

    if (rc != SQLITE_OK)
      {
        g_propagate_error (error, read_error (db, path, rc, &header));
        close_untouched (db, &sidecars);
        return NULL;
      }
  }
  if (!check_header (path, &header, error) ||
      (header.size > 0 && !quick_check (db, path, error)))
    {
      close_untouched (db, &sidecars);
      return NULL;
    }

  for (guint attempt = 0; header.version != TEND_STORE_SCHEMA_VERSION; attempt++)
    {
      gboolean again = FALSE;

      if (create_or_migrate (db, path, &header, created, &again, error))
        break;
      if (!again || attempt == 3)
        {
          if (again)
            g_set_error (error, TEND_ERROR, TEND_ERROR_FAILED,
                         "cannot migrate %s: other programs keep changing its schema", path);
          close_untouched (db, &sidecars);
          return NULL;
        }
      /* Another program changed the schema meanwhile: look again. */
      if (read_header (db, path, &header) != SQLITE_OK)
        {
          g_propagate_error (error, sqlite_error (db, path, sqlite3_errcode (db), "read"));
          close_untouched (db, &sidecars);
          return NULL;
        }
    }

  {
    int rc = set_up_connection (db, FALSE);

    if (rc != SQLITE_OK)
      {
        g_propagate_error (error, sqlite_error (db, path, rc, "set up"));
        sqlite3_close (db);
        return NULL;
      }
  }
  return db;
}
