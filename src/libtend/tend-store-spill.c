/* tend-store-spill.c — what could not be written, kept aside until it can be
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * When a store closes with results or audit records it could not write (a full disk),
 * they go into a spill file: one JSON object a line, in the user's runtime folder
 * (`$XDG_RUNTIME_DIR/tend/`, memory, so a full data disk does not stop it) or, failing
 * that, beside the database. The next store that opens the database for writing
 * imports every spill file of it in one transaction and removes it.
 *
 * While a store cannot write, it also leaves a note there (the trouble file: its pid,
 * since when, and why), so that `tendctl health` can say the figures are stale and why.
 *
 * Runs on the store's thread, but tend_store_dup_trouble(), which only reads.
 */
#define G_LOG_DOMAIN "Tend-Store"

#include <errno.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include "tend-json-lib.h"

#include "tend-error.h"
#include "tend-store-private.h"
#include "tend-util-private.h"

#define SPILL_PREFIX "spill-"
#define TROUBLE_FILE "write-trouble"
#define TROUBLE_SUMMARY_USEC (60 * G_USEC_PER_SEC)  /* a repeating write error: a line a minute */

/* $XDG_RUNTIME_DIR/tend/HASH: a folder per database. */
static char *
runtime_dir (const char *db_path)
{
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, db_path, -1);

  hash[16] = '\0';
  return g_build_filename (g_get_user_runtime_dir (), "tend", hash, NULL);
}

/* The two folders a spill file may be in, and the prefix of its name there. */
static void
spill_places (const char *db_path,
              char      **dirs,
              char      **prefixes)
{
  g_autofree char *base = g_path_get_basename (db_path);

  dirs[0] = runtime_dir (db_path);
  prefixes[0] = g_strdup (SPILL_PREFIX);
  dirs[1] = g_path_get_dirname (db_path);
  prefixes[1] = g_strdup_printf ("%s.%s", base, SPILL_PREFIX);
}

static void
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
append_line (GString     *out,
             JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = json_to_string (root, FALSE);

  g_string_append (out, text);
  g_string_append_c (out, '\n');
  json_builder_reset (builder);
}

static GString *
serialize (const TendCheckResult *results,
           guint                  n_results,
           GPtrArray             *audit)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < n_results; i++)
    {
      const TendCheckResult *r = &results[i];

      json_builder_begin_object (builder);
      tend_json_add_string (builder, "kind", "result");
      add_int (builder, "service_id", r->service_id);
      add_int (builder, "check_id", r->check_id);
      add_int (builder, "time_usec", r->time_usec);
      add_int (builder, "status", r->status);
      add_int (builder, "latency_usec", r->latency_usec);
      tend_json_add_string (builder, "message", r->message);
      json_builder_end_object (builder);
      append_line (out, builder);
    }
  for (guint i = 0; i < audit->len; i++)
    {
      const TendAuditRecord *a = audit->pdata[i];

      json_builder_begin_object (builder);
      tend_json_add_string (builder, "kind", "audit");
      add_int (builder, "time_usec", a->time_usec);
      tend_json_add_string (builder, "unix_user", a->unix_user);
      add_int (builder, "origin", a->origin);
      tend_json_add_string (builder, "host", a->host);
      tend_json_add_string (builder, "unit", a->unit);
      tend_json_add_string (builder, "operation", a->operation);
      tend_json_add_string (builder, "parameters", a->parameters);
      tend_json_add_string (builder, "result", a->result);
      tend_json_add_string (builder, "error", a->error);
      add_int (builder, "duration_usec", a->duration_usec);
      json_builder_end_object (builder);
      append_line (out, builder);
    }
  return out;
}

/**
 * tend_store_spill_write:
 * @results: (array length=n_results): results that wait
 * @audit: (element-type TendAuditRecord): audit records that wait
 *
 * Keeps them in a new spill file of @db_path, written whole (into a temporary file,
 * synced, then renamed) in the runtime folder or else beside the database.
 *
 * Returns: (transfer full) (nullable): the file, or %NULL with @error when neither
 *   place could take it
 */
char *
tend_store_spill_write (const char             *db_path,
                        const TendCheckResult  *results,
                        guint                   n_results,
                        GPtrArray              *audit,
                        GError                **error)
{
  g_autoptr(GString) text = serialize (results, n_results, audit);
  g_autofree char *name = g_strdup_printf ("%d-%" G_GINT64_FORMAT, (int) getpid (),
                                           g_get_real_time ());
  g_autoptr(GError) first_error = NULL;
  char *dirs[2], *prefixes[2];
  char *written = NULL;

  spill_places (db_path, dirs, prefixes);
  for (guint i = 0; i < 2 && written == NULL; i++)
    {
      g_autofree char *file = g_strdup_printf ("%s%s%s%s", dirs[i], G_DIR_SEPARATOR_S,
                                               prefixes[i], name);
      g_autoptr(GError) local_error = NULL;

      if (g_mkdir_with_parents (dirs[i], 0700) != 0)
        {
          int saved = errno;

          g_set_error (&local_error, G_FILE_ERROR, g_file_error_from_errno (saved),
                       "cannot make %s: %s", dirs[i], g_strerror (saved));
        }
      else if (g_file_set_contents_full (file, text->str, text->len,
                                         G_FILE_SET_CONTENTS_CONSISTENT, 0600, &local_error))
        written = g_steal_pointer (&file);

      if (local_error != NULL && first_error == NULL)
        first_error = g_steal_pointer (&local_error);
    }
  for (guint i = 0; i < 2; i++)
    {
      g_free (dirs[i]);
      g_free (prefixes[i]);
    }

  if (written == NULL)
    g_set_error (error, TEND_ERROR, TEND_ERROR_FAILED, "cannot keep them aside either: %s",
                 first_error->message);
  return written;
}

/**
 * tend_store_spill_list:
 *
 * Returns: (transfer full) (element-type filename): the spill files of @db_path, oldest
 *   first (by name: pid and time)
 */
GPtrArray *
tend_store_spill_list (const char *db_path)
{
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);
  char *dirs[2], *prefixes[2];

  spill_places (db_path, dirs, prefixes);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GDir) dir = g_dir_open (dirs[i], 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        if (g_str_has_prefix (name, prefixes[i]) && !g_str_has_suffix (name, "~") &&
            strchr (name + strlen (prefixes[i]), '.') == NULL)
          g_ptr_array_add (files, g_build_filename (dirs[i], name, NULL));
      g_free (dirs[i]);
      g_free (prefixes[i]);
    }
  return files;
}

static char *
dup_member_string (JsonObject *object,
                   const char *name)
{
  return g_strdup (json_object_get_string_member_with_default (object, name, NULL));
}

/**
 * tend_store_spill_read:
 * @results: (element-type TendCheckResult): receives the results, each message owned
 * @audit: (element-type TendAuditRecord): receives the audit records
 *
 * Returns: whether @file was read whole; a line that is not a record is an error
 */
gboolean
tend_store_spill_read (const char  *file,
                       GArray      *results,
                       GPtrArray   *audit,
                       GError     **error)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (file, &contents, NULL, error))
    return FALSE;

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonNode) node = NULL;
      JsonObject *object;
      const char *kind;

      if (lines[i][0] == '\0')
        continue;
      node = json_from_string (lines[i], NULL);
      if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error (error, TEND_ERROR, TEND_ERROR_FAILED,
                       "%s: line %u is not a record", file, i + 1);
          return FALSE;
        }
      object = json_node_get_object (node);
      kind = json_object_get_string_member_with_default (object, "kind", "");

      if (g_str_equal (kind, "result"))
        {
          TendCheckResult r = {
            .service_id = json_object_get_int_member_with_default (object, "service_id", 0),
            .check_id = json_object_get_int_member_with_default (object, "check_id", 0),
            .time_usec = json_object_get_int_member_with_default (object, "time_usec", 0),
            .status = json_object_get_int_member_with_default (object, "status",
                                                               TEND_RESULT_UNKNOWN),
            .latency_usec = json_object_get_int_member_with_default (object, "latency_usec",
                                                                     -1),
            .message = dup_member_string (object, "message"),
          };

          r.status = CLAMP ((int) r.status, TEND_RESULT_PASS, TEND_RESULT_UNKNOWN);
          g_array_append_val (results, r);
        }
      else if (g_str_equal (kind, "audit"))
        {
          g_autofree char *unix_user = dup_member_string (object, "unix_user");
          g_autofree char *host = dup_member_string (object, "host");
          g_autofree char *unit = dup_member_string (object, "unit");
          g_autofree char *operation = dup_member_string (object, "operation");
          g_autofree char *parameters = dup_member_string (object, "parameters");
          g_autofree char *result = dup_member_string (object, "result");
          g_autofree char *failure = dup_member_string (object, "error");
          TendAuditRecord a = {
            .time_usec = json_object_get_int_member_with_default (object, "time_usec", 0),
            .unix_user = unix_user,
            .origin = CLAMP (json_object_get_int_member_with_default (object, "origin",
                                                                      TEND_AUDIT_ORIGIN_AUTO),
                             TEND_AUDIT_ORIGIN_GUI, TEND_AUDIT_ORIGIN_AUTO),
            .host = host,
            .unit = unit,
            .operation = operation != NULL ? operation : "unknown",
            .parameters = parameters,
            .result = result,
            .error = failure,
            .duration_usec = json_object_get_int_member_with_default (object,
                                                                      "duration_usec", 0),
          };

          g_ptr_array_add (audit, tend_audit_record_copy (&a));
        }
      else
        {
          g_set_error (error, TEND_ERROR, TEND_ERROR_FAILED,
                       "%s: line %u is not a record", file, i + 1);
          return FALSE;
        }
    }
  return TRUE;
}

/* ------------------------------------------------------------------------------------ */
/* The trouble file                                                                      */

/* One note per process: a tendctl that fails beside the monitor leaves its own. */
static char *
trouble_file (const char *db_path,
              GPid        pid)
{
  g_autofree char *dir = runtime_dir (db_path);
  g_autofree char *name = g_strdup_printf ("%s-%d", TROUBLE_FILE, (int) pid);

  return g_build_filename (dir, name, NULL);
}

/**
 * tend_store_trouble_set:
 * @message: (nullable): why this process cannot write to @db_path; %NULL when it
 *   writes again
 * @since_usec: realtime µs since when
 */
void
tend_store_trouble_set (const char *db_path,
                        const char *message,
                        gint64      since_usec)
{
  g_autofree char *dir = runtime_dir (db_path);
  g_autofree char *file = trouble_file (db_path, getpid ());
  g_autofree char *text = NULL;

  if (message == NULL)
    {
      g_unlink (file);
      return;
    }

  text = g_strdup_printf ("%" G_GINT64_FORMAT "\n%s\n", since_usec, message);
  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      !g_file_set_contents_full (file, text, -1, G_FILE_SET_CONTENTS_NONE, 0600, NULL))
    g_debug ("cannot leave a note of the trouble in %s", file);
}

/**
 * tend_store_dup_trouble:
 * @db_path: a database
 * @pid: the process that may be in trouble: the running monitor
 * @since_usec: (out) (optional): realtime µs since when
 *
 * What the store of the process @pid (the monitor, say) said when it could not write
 * to @db_path, while it cannot.
 *
 * Returns: (transfer full) (nullable): why, or %NULL when it writes
 */
char *
tend_store_dup_trouble (const char *db_path,
                        GPid        pid,
                        gint64     *since_usec)
{
  g_autofree char *file = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  g_return_val_if_fail (db_path != NULL, NULL);

  if (pid <= 0)
    return NULL;
  file = trouble_file (db_path, pid);
  if (!g_file_get_contents (file, &contents, NULL, NULL))
    return NULL;
  lines = g_strsplit (contents, "\n", 2);
  if (g_strv_length (lines) < 2)
    return NULL;
  if (since_usec != NULL)
    *since_usec = g_ascii_strtoll (lines[0], NULL, 10);
  g_strchomp (lines[1]);
  return g_strdup (lines[1]);
}

/**
 * tend_store_trouble_report:
 * @doing: what failed, with the reason: the error's message
 * @detail: (nullable): figures that change from one try to the next (what waits)
 *
 * Logs a failed write once, then a summary a minute while writes fail (with the latest
 * reason), rather than a line at every try, and leaves a note of it for `tendctl
 * health` (the trouble file). Any failure while one lasts counts as the same trouble: a
 * full disk fails the batches, the health and the incidents alike.
 */
void
tend_store_trouble_report (TendStoreTrouble *trouble,
                           const char       *db_path,
                           const char       *doing,
                           const char       *detail)
{
  gint64 now = g_get_monotonic_time ();

  trouble->n_total++;
  if (trouble->message == NULL)
    {
      trouble->since_usec = g_get_real_time ();
      trouble->message = g_strdup (doing);
      trouble->summary_usec = now;
      trouble->n_since_summary = 0;
      g_warning ("%s%s%s; this is logged again once a minute while it lasts", doing,
                 detail != NULL ? "; " : "", detail != NULL ? detail : "");
      tend_store_trouble_set (db_path, doing, trouble->since_usec);
      return;
    }

  trouble->n_since_summary++;
  if (!g_str_equal (trouble->message, doing))
    {
      g_free (trouble->message);
      trouble->message = g_strdup (doing);
      tend_store_trouble_set (db_path, doing, trouble->since_usec);
    }
  if (now - trouble->summary_usec >= TROUBLE_SUMMARY_USEC)
    {
      g_warning ("still failing, %u more times in the last %d s: %s%s%s",
                 trouble->n_since_summary,
                 (int) ((now - trouble->summary_usec) / G_USEC_PER_SEC), doing,
                 detail != NULL ? "; " : "", detail != NULL ? detail : "");
      trouble->summary_usec = now;
      trouble->n_since_summary = 0;
    }
}

/**
 * tend_store_trouble_resolved:
 * @n_dropped: results dropped for lack of room so far
 *
 * Writing works again: says so once, with what was lost meanwhile, and removes the note.
 */
void
tend_store_trouble_resolved (TendStoreTrouble *trouble,
                             const char       *db_path,
                             guint64           n_dropped)
{
  if (trouble->message == NULL)
    return;

  g_message ("writing to %s again, after %u failed tries in %d s; %" G_GUINT64_FORMAT
             " results were dropped for lack of room (store.queue-limit), no audit record",
             db_path, trouble->n_total,
             (int) ((g_get_real_time () - trouble->since_usec) / G_USEC_PER_SEC), n_dropped);
  g_clear_pointer (&trouble->message, g_free);
  trouble->n_since_summary = 0;
  trouble->n_total = 0;
  tend_store_trouble_set (db_path, NULL, 0);
}
