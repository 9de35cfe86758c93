/* tend-journal.c — reading `journalctl -o json`, shared by the local and SSH backends
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * journalctl -o json writes one JSON object per entry and line. Every field value is a
 * string (numbers too: "_PID":"4837"), except that
 *   - a value that is not valid UTF-8 or holds control characters is an array of byte
 *     values: "MESSAGE":[98,97,100,32,255,254],
 *   - a field that occurs more than once in the entry is an array of its values, each a
 *     string or an array of bytes: "MESSAGE":["one","two"], "MESSAGE":[[255,98],"text"],
 *   - a value larger than 4096 bytes is null unless --all is given: "MESSAGE":null.
 */

#define G_LOG_DOMAIN "Tend-Hosts"

#include "tend-journal.h"
#include "tend-duration.h"

#include <string.h>

#include "tend-error.h"
#include "tend-unit-name.h"
#include "tend-util-private.h"

/* TendJournalEntry */

G_DEFINE_BOXED_TYPE (TendJournalEntry, tend_journal_entry,
                     tend_journal_entry_copy, tend_journal_entry_free)

/**
 * tend_journal_entry_copy:
 * @entry: a #TendJournalEntry
 *
 * Returns: (transfer full): a deep copy of @entry
 */
TendJournalEntry *
tend_journal_entry_copy (const TendJournalEntry *entry)
{
  TendJournalEntry *copy;

  g_return_val_if_fail (entry != NULL, NULL);

  copy = g_new0 (TendJournalEntry, 1);
  copy->realtime_usec = entry->realtime_usec;
  copy->priority = entry->priority;
  copy->message = g_strdup (entry->message);
  copy->identifier = g_strdup (entry->identifier);
  copy->pid = entry->pid;
  copy->unit = g_strdup (entry->unit);
  copy->cursor = g_strdup (entry->cursor);

  return copy;
}

/**
 * tend_journal_entry_free:
 * @entry: (nullable): a #TendJournalEntry
 */
void
tend_journal_entry_free (TendJournalEntry *entry)
{
  if (entry == NULL)
    return;

  g_free (entry->message);
  g_free (entry->identifier);
  g_free (entry->unit);
  g_free (entry->cursor);
  g_free (entry);
}

/* Reads one element of a byte array. */
static gboolean
append_byte (GByteArray *bytes,
             JsonNode   *node)
{
  gint64 value;
  guint8 byte;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;

  value = json_node_get_int (node);
  if (value < 0 || value > 255)
    return FALSE;

  byte = (guint8) value;
  g_byte_array_append (bytes, &byte, 1);

  return TRUE;
}

/* Decodes a field value as journalctl writes it (see the top of this file) into a
 * NUL-terminated buffer of *len bytes, which may itself hold NUL bytes. A field that is
 * absent or null gives NULL without an error.
 */
static char *
decode_field (JsonObject  *object,
              const char  *field,
              gsize       *len,
              GError     **error)
{
  JsonNode *node;
  JsonArray *array;
  guint n_elements;
  g_autoptr(GByteArray) bytes = NULL;

  *len = 0;

  node = json_object_get_member (object, field);
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      const char *str = json_node_get_string (node);

      *len = strlen (str);
      return g_strdup (str);
    }

  /* Not written by journalctl, but a number is unambiguous: take it as its digits */
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
    {
      char *str = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));

      *len = strlen (str);
      return str;
    }

  if (!JSON_NODE_HOLDS_ARRAY (node))
    goto malformed;

  array = json_node_get_array (node);
  n_elements = json_array_get_length (array);

  /* A field that occurs more than once: take its first value */
  if (n_elements > 0)
    {
      JsonNode *first = json_array_get_element (array, 0);

      if (JSON_NODE_HOLDS_VALUE (first) && json_node_get_value_type (first) == G_TYPE_STRING)
        {
          const char *str = json_node_get_string (first);

          *len = strlen (str);
          return g_strdup (str);
        }

      if (JSON_NODE_HOLDS_ARRAY (first))
        {
          array = json_node_get_array (first);
          n_elements = json_array_get_length (array);
        }
    }

  bytes = g_byte_array_sized_new (n_elements + 1);

  for (guint i = 0; i < n_elements; i++)
    {
      if (!append_byte (bytes, json_array_get_element (array, i)))
        goto malformed;
    }

  *len = bytes->len;
  g_byte_array_append (bytes, (const guint8 *) "", 1);

  return (char *) g_byte_array_free (g_steal_pointer (&bytes), FALSE);

malformed:
  g_set_error (error, TEND_ERROR, TEND_ERROR_FAILED,
               "journal line has a %s that is neither text nor a list of bytes", field);
  return NULL;
}

/* Like decode_field(), but always gives valid UTF-8 without NUL bytes. */
static char *
decode_text_field (JsonObject  *object,
                   const char  *field,
                   GError     **error)
{
  g_autofree char *value = NULL;
  gsize len;

  value = decode_field (object, field, &len, error);
  if (value == NULL)
    return NULL;

  if (memchr (value, '\0', len) == NULL && g_utf8_validate (value, len, NULL))
    return g_steal_pointer (&value);

  /* g_utf8_make_valid() turns NUL bytes into U+FFFD, too */
  return g_utf8_make_valid (value, len);
}

/* The first of @fields that the entry has */
static char *
decode_first_text_field (JsonObject         *object,
                         const char * const *fields,
                         GError            **error)
{
  for (guint i = 0; fields[i] != NULL; i++)
    {
      GError *local_error = NULL;
      char *value = decode_text_field (object, fields[i], &local_error);

      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return NULL;
        }

      if (value != NULL)
        return value;
    }

  return NULL;
}

static TendJournalEntry *
entry_from_json (JsonParser  *parser,
                 const char  *line,
                 gssize       length,
                 GError     **error)
{
  static const char * const identifier_fields[] = { "SYSLOG_IDENTIFIER", "_COMM", NULL };
  static const char * const unit_fields[] = {
    "USER_UNIT", "UNIT", "_SYSTEMD_USER_UNIT", "_SYSTEMD_UNIT", NULL
  };
  g_autoptr(TendJournalEntry) entry = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *realtime = NULL;
  g_autofree char *priority = NULL;
  g_autofree char *pid = NULL;
  JsonNode *root;
  JsonObject *object;
  gsize len;
  guint64 value;

  if (!json_parser_load_from_data (parser, line, length, &local_error))
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_FAILED,
                   "journal line is not valid JSON: %s", local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error_literal (error, TEND_ERROR, TEND_ERROR_FAILED, "journal line is empty");
      return NULL;
    }

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, TEND_ERROR, TEND_ERROR_FAILED,
                           "journal line is not a JSON object");
      return NULL;
    }

  object = json_node_get_object (root);
  entry = g_new0 (TendJournalEntry, 1);

  realtime = decode_field (object, "__REALTIME_TIMESTAMP", &len, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (realtime == NULL)
    {
      g_set_error_literal (error, TEND_ERROR, TEND_ERROR_FAILED,
                           "journal line has no __REALTIME_TIMESTAMP");
      return NULL;
    }

  if (memchr (realtime, '\0', len) != NULL ||
      !g_ascii_string_to_unsigned (realtime, 10, 0, G_MAXINT64, &value, NULL))
    {
      g_autofree char *escaped = g_strescape (realtime, NULL);

      g_set_error (error, TEND_ERROR, TEND_ERROR_FAILED,
                   "journal line has a __REALTIME_TIMESTAMP that is not a number of "
                   "microseconds: \"%s\"", escaped);
      return NULL;
    }
  entry->realtime_usec = (gint64) value;

  entry->priority = -1;
  priority = decode_field (object, "PRIORITY", &len, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (priority != NULL)
    {
      if (len == 1 && priority[0] >= '0' && priority[0] <= '7')
        entry->priority = priority[0] - '0';
      else
        g_debug ("Journal entry with a PRIORITY out of range, taken as none");
    }

  pid = decode_field (object, "_PID", &len, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (pid != NULL)
    {
      gint64 pid_value = 0;

      if (memchr (pid, '\0', len) == NULL &&
          g_ascii_string_to_signed (pid, 10, 1, G_MAXINT64, &pid_value, NULL))
        entry->pid = pid_value;
      else
        g_debug ("Journal entry with a _PID that is not a process ID, taken as none");
    }

  entry->message = decode_text_field (object, "MESSAGE", &local_error);
  if (local_error == NULL)
    entry->identifier = decode_first_text_field (object, identifier_fields, &local_error);
  if (local_error == NULL)
    entry->unit = decode_first_text_field (object, unit_fields, &local_error);
  if (local_error == NULL)
    entry->cursor = decode_text_field (object, "__CURSOR", &local_error);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  return g_steal_pointer (&entry);
}

/**
 * tend_journal_entry_new_from_json:
 * @line: one line of `journalctl -o json` output, without its newline
 * @length: the length of @line in bytes, or -1 if it is NUL-terminated
 * @error: return location for a #GError
 *
 * Parses one journal entry. Only `__REALTIME_TIMESTAMP` is required; every other field
 * may be absent. A PRIORITY or _PID that cannot be read is taken as absent.
 *
 * Returns: (transfer full) (nullable): the entry, or %NULL with @error set
 *   (%TEND_ERROR_FAILED, saying what is wrong with the line)
 */
TendJournalEntry *
tend_journal_entry_new_from_json (const char  *line,
                                  gssize       length,
                                  GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;

  g_return_val_if_fail (line != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  parser = json_parser_new_immutable ();

  return entry_from_json (parser, line, length, error);
}

/**
 * tend_journal_entry_to_json:
 * @entry: a #TendJournalEntry
 *
 * Describes @entry as a JSON object for `tendctl logs --json`:
 *
 * |[
 * { "time": "2026-11-21T23:39:28.461230Z", "realtime_usec": 1795304368461230,
 *   "priority": 3, "message": "connection refused", "identifier": "tend-demo",
 *   "pid": 4839, "unit": "tend-demo.service" }
 * ]|
 *
 * "time" is ISO 8601 in UTC with microseconds. Absent values (no priority, a pid of 0,
 * no message, identifier or unit) are null.
 *
 * Returns: (transfer full): a JSON object node
 */
JsonNode *
tend_journal_entry_to_json (const TendJournalEntry *entry)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *time = NULL;

  g_return_val_if_fail (entry != NULL, NULL);

  builder = json_builder_new ();
  time = tend_time_format_iso8601 (entry->realtime_usec);

  json_builder_begin_object (builder);

  tend_json_add_string (builder, "time", time);

  json_builder_set_member_name (builder, "realtime_usec");
  json_builder_add_int_value (builder, entry->realtime_usec);

  json_builder_set_member_name (builder, "priority");
  if (entry->priority >= 0 && entry->priority <= 7)
    json_builder_add_int_value (builder, entry->priority);
  else
    json_builder_add_null_value (builder);

  tend_json_add_string (builder, "message", entry->message);
  tend_json_add_string (builder, "identifier", entry->identifier);

  json_builder_set_member_name (builder, "pid");
  if (entry->pid > 0)
    json_builder_add_int_value (builder, entry->pid);
  else
    json_builder_add_null_value (builder);

  tend_json_add_string (builder, "unit", entry->unit);

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/**
 * tend_journal_entry_format_prefix:
 * @entry: a #TendJournalEntry
 *
 * The start of a line of the journal as `journalctl` shows it, in local time:
 * "2024-01-15 10:00:00 nginx[1234]: ". Without an identifier it names the unit, else
 * "-"; without a process ID it leaves out the brackets. The identifier is as the entry
 * has it: whoever prints it to a terminal escapes what needs escaping.
 *
 * Returns: (transfer full): the prefix, with its ": "
 */
char *
tend_journal_entry_format_prefix (const TendJournalEntry *entry)
{
  g_autoptr(GDateTime) time = NULL;
  g_autofree char *stamp = NULL;
  const char *identifier;
  GString *prefix;

  g_return_val_if_fail (entry != NULL, NULL);

  identifier = entry->identifier ? entry->identifier : entry->unit ? entry->unit : "-";
  time = g_date_time_new_from_unix_local (entry->realtime_usec / G_USEC_PER_SEC);
  if (time != NULL)
    stamp = g_date_time_format (time, "%Y-%m-%d %H:%M:%S");

  prefix = g_string_new (stamp);
  g_string_append_c (prefix, ' ');
  g_string_append (prefix, identifier);
  if (entry->pid > 0)
    g_string_append_printf (prefix, "[%" G_GINT64_FORMAT "]", entry->pid);
  g_string_append (prefix, ": ");

  return g_string_free (prefix, FALSE);
}

/**
 * tend_journal_entry_format:
 * @entry: a #TendJournalEntry
 *
 * The entry as one line of text, as it is copied from the window:
 * tend_journal_entry_format_prefix() and the message (which may hold line breaks).
 *
 * Returns: (transfer full): the text, without a final newline
 */
char *
tend_journal_entry_format (const TendJournalEntry *entry)
{
  g_autofree char *prefix = NULL;

  g_return_val_if_fail (entry != NULL, NULL);

  prefix = tend_journal_entry_format_prefix (entry);
  return g_strconcat (prefix, entry->message ? entry->message : "", NULL);
}

/* Priorities */

static const char * const priority_names[] = {
  "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug",
};

static const struct
{
  const char *name;
  int         priority;
} priority_aliases[] = {
  { "emergency", 0 },
  { "critical", 2 },
  { "error", 3 },
  { "warn", 4 },
};

/**
 * tend_journal_priority_from_string:
 * @text: a priority as a user gives it: "0" to "7", or a name such as "err" or "warning"
 * @error: return location for a #GError
 *
 * Reads a syslog priority the way journalctl -p does: the numbers 0 (most severe) to 7,
 * the names emerg, alert, crit, err, warning, notice, info, debug, and the aliases
 * emergency, critical, error and warn. Names are matched without regard to case.
 *
 * Returns: the priority, 0 to 7, or -1 with @error set to %TEND_ERROR_INVALID_ARGUMENT
 */
int
tend_journal_priority_from_string (const char  *text,
                                   GError     **error)
{
  guint64 number;

  g_return_val_if_fail (text != NULL, -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  if (g_ascii_string_to_unsigned (text, 10, 0, 7, &number, NULL))
    return (int) number;

  for (guint i = 0; i < G_N_ELEMENTS (priority_names); i++)
    {
      if (g_ascii_strcasecmp (text, priority_names[i]) == 0)
        return (int) i;
    }

  for (guint i = 0; i < G_N_ELEMENTS (priority_aliases); i++)
    {
      if (g_ascii_strcasecmp (text, priority_aliases[i].name) == 0)
        return priority_aliases[i].priority;
    }

  {
    g_autofree char *escaped = g_strescape (text, NULL);

    g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                 "\"%s\" is not a log priority; use a number from 0 (most severe) to 7, or one "
                 "of emerg (0), alert (1), crit (2), err (3), warning (4), notice (5), info (6), "
                 "debug (7)", escaped);
  }

  return -1;
}

/**
 * tend_journal_priority_to_string:
 * @priority: a syslog priority
 *
 * Returns: (nullable): the name journalctl uses for @priority ("emerg" ... "debug"),
 *   or %NULL if @priority is not between 0 and 7
 */
const char *
tend_journal_priority_to_string (int priority)
{
  if (priority < 0 || priority >= (int) G_N_ELEMENTS (priority_names))
    return NULL;

  return priority_names[priority];
}

/* The journalctl command line */

/**
 * tend_journal_build_argv:
 * @journalctl: (nullable): the journalctl program, such as "/usr/bin/journalctl";
 *   %NULL for "journalctl" looked up in PATH
 * @unit: the unit whose entries to read
 * @query: what to read
 * @error: return location for a #GError
 *
 * Builds the command line (no shell) that reads the entries of @unit as JSON:
 *
 * |[
 * journalctl --no-pager -o json -n N|all [-p P] [-f]
 *     _SYSTEMD_UNIT=UNIT + UNIT=UNIT + _SYSTEMD_USER_UNIT=UNIT + USER_UNIT=UNIT
 * ]|
 *
 * The four match groups find what the unit's processes logged, whether it is a system
 * unit or a user unit (_SYSTEMD_USER_UNIT on a desktop, _SYSTEMD_UNIT in a user manager
 * that runs on its own), and what its service manager logged about it (UNIT, USER_UNIT).
 * journalctl applies -p to every "+" group (verified with systemd 252).
 *
 * "-n all" is always explicit for @query's n_entries 0, because -f alone would show only
 * the last 10 entries. With follow and n_entries N, journalctl prints the last N entries
 * and then waits for new ones.
 *
 * Returns: (transfer full) (nullable): the argv, or %NULL with @error set to
 *   %TEND_ERROR_INVALID_ARGUMENT if @unit is not a valid unit name (or a template,
 *   which has no entries of its own) or the query's max_priority is out of range
 */
char **
tend_journal_build_argv (const char              *journalctl,
                         const char              *unit,
                         const TendJournalQuery  *query,
                         GError                 **error)
{
  static const char * const match_fields[] = {
    "_SYSTEMD_UNIT", "UNIT", "_SYSTEMD_USER_UNIT", "USER_UNIT",
  };
  g_autoptr(GPtrArray) argv = NULL;

  g_return_val_if_fail (unit != NULL, NULL);
  g_return_val_if_fail (query != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!tend_unit_name_validate (unit, error))
    return NULL;

  if (tend_unit_name_is_template (unit))
    {
      const char *at = strchr (unit, '@');

      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   "\"%s\" is a template, which has no log entries of its own; name one of its "
                   "instances, such as \"%.*s@INSTANCE%s\"",
                   unit, (int) (at - unit), unit, at + 1);
      return NULL;
    }

  if (query->max_priority < -1 || query->max_priority > 7)
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   "log priority %d is out of range; use 0 (emerg) to 7 (debug), or -1 for all "
                   "entries", query->max_priority);
      return NULL;
    }

  argv = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (argv, g_strdup (journalctl != NULL ? journalctl : "journalctl"));
  g_ptr_array_add (argv, g_strdup ("--no-pager"));
  g_ptr_array_add (argv, g_strdup ("-o"));
  g_ptr_array_add (argv, g_strdup ("json"));
  g_ptr_array_add (argv, g_strdup ("-n"));

  if (query->n_entries > 0)
    g_ptr_array_add (argv, g_strdup_printf ("%u", query->n_entries));
  else
    g_ptr_array_add (argv, g_strdup ("all"));

  /* -p 7 would drop the entries that have no PRIORITY at all */
  if (query->max_priority >= 0 && query->max_priority < 7)
    {
      g_ptr_array_add (argv, g_strdup ("-p"));
      g_ptr_array_add (argv, g_strdup_printf ("%d", query->max_priority));
    }

  if (query->follow)
    g_ptr_array_add (argv, g_strdup ("-f"));

  for (guint i = 0; i < G_N_ELEMENTS (match_fields); i++)
    {
      if (i > 0)
        g_ptr_array_add (argv, g_strdup ("+"));
      g_ptr_array_add (argv, g_strdup_printf ("%s=%s", match_fields[i], unit));
    }

  g_ptr_array_add (argv, NULL);

  return (char **) g_ptr_array_free (g_steal_pointer (&argv), FALSE);
}

/* TendJournalReader */

/* How much of the stream is buffered; lines already in the buffer are parsed without
 * another trip through the main loop.
 */
#define READ_BUFFER_SIZE (64 * 1024)

/* How much of a bad line the debug log shows */
#define SKIPPED_LINE_SNIPPET 200

struct _TendJournalReader
{
  GObject           parent_instance;

  GInputStream     *stream;       /* (owned) */
  GDataInputStream *data_stream;  /* (owned) (nullable): from start() on */
  JsonParser       *parser;       /* (owned) (nullable): from start() until finished */
  GCancellable     *cancellable;  /* (owned) (nullable): from start() until finished */
  GTask            *task;         /* (owned) (nullable): a read_all_async() in progress */
  GPtrArray        *collected;    /* (owned) (nullable): the entries for @task */

  guint             skipped;

  guint             started : 1;
  guint             finished : 1;
};

G_DEFINE_FINAL_TYPE (TendJournalReader, tend_journal_reader, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STREAM,
  PROP_SKIPPED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  ENTRY,
  FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void read_next_line (TendJournalReader *self);

static void
tend_journal_reader_dispose (GObject *object)
{
  TendJournalReader *self = TEND_JOURNAL_READER (object);

  g_clear_object (&self->task);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->parser);
  g_clear_object (&self->data_stream);
  g_clear_object (&self->stream);

  G_OBJECT_CLASS (tend_journal_reader_parent_class)->dispose (object);
}

static void
tend_journal_reader_finalize (GObject *object)
{
  TendJournalReader *self = TEND_JOURNAL_READER (object);

  g_clear_pointer (&self->collected, g_ptr_array_unref);

  G_OBJECT_CLASS (tend_journal_reader_parent_class)->finalize (object);
}

static void
tend_journal_reader_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  TendJournalReader *self = TEND_JOURNAL_READER (object);

  switch (prop_id)
    {
    case PROP_STREAM:
      g_value_set_object (value, self->stream);
      break;

    case PROP_SKIPPED:
      g_value_set_uint (value, self->skipped);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_journal_reader_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  TendJournalReader *self = TEND_JOURNAL_READER (object);

  switch (prop_id)
    {
    case PROP_STREAM:
      g_assert (self->stream == NULL);
      self->stream = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_journal_reader_class_init (TendJournalReaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tend_journal_reader_dispose;
  object_class->finalize = tend_journal_reader_finalize;
  object_class->get_property = tend_journal_reader_get_property;
  object_class->set_property = tend_journal_reader_set_property;

  /**
   * TendJournalReader:stream:
   *
   * The stream of `journalctl -o json` output. The reader does not close it.
   */
  properties[PROP_STREAM] =
    g_param_spec_object ("stream", NULL, NULL,
                         G_TYPE_INPUT_STREAM,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));

  /**
   * TendJournalReader:skipped:
   *
   * How many lines could not be parsed as journal entries and were left out.
   */
  properties[PROP_SKIPPED] =
    g_param_spec_uint ("skipped", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TendJournalReader::entry:
   * @self: the reader
   * @entry: the entry; it belongs to the reader, copy it to keep it
   *
   * Emitted for each line that holds a journal entry, in the order of the stream.
   */
  signals[ENTRY] =
    g_signal_new ("entry",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  g_cclosure_marshal_VOID__BOXED,
                  G_TYPE_NONE,
                  1,
                  TEND_TYPE_JOURNAL_ENTRY | G_SIGNAL_TYPE_STATIC_SCOPE);
  g_signal_set_va_marshaller (signals[ENTRY],
                              G_TYPE_FROM_CLASS (klass),
                              g_cclosure_marshal_VOID__BOXEDv);

  /**
   * TendJournalReader::finished:
   * @self: the reader
   * @error: (nullable): %NULL at the end of the stream; %G_IO_ERROR_CANCELLED if the
   *   reader was cancelled; otherwise a %TEND_ERROR_FAILED saying why reading failed
   *
   * Emitted once, when the reader stops.
   */
  signals[FINISHED] =
    g_signal_new ("finished",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  g_cclosure_marshal_VOID__BOXED,
                  G_TYPE_NONE,
                  1,
                  G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
  g_signal_set_va_marshaller (signals[FINISHED],
                              G_TYPE_FROM_CLASS (klass),
                              g_cclosure_marshal_VOID__BOXEDv);
}

static void
tend_journal_reader_init (G_GNUC_UNUSED TendJournalReader *self)
{
}

/**
 * tend_journal_reader_new:
 * @stream: a stream of `journalctl -o json` output, such as a #GSubprocess's stdout pipe
 *
 * Returns: (transfer full): a reader; call tend_journal_reader_start() or
 *   tend_journal_reader_read_all_async() once to read @stream
 */
TendJournalReader *
tend_journal_reader_new (GInputStream *stream)
{
  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);

  return g_object_new (TEND_TYPE_JOURNAL_READER,
                       "stream", stream,
                       NULL);
}

/**
 * tend_journal_reader_get_stream:
 * @self: a #TendJournalReader
 *
 * Returns: (transfer none): the stream @self reads
 */
GInputStream *
tend_journal_reader_get_stream (TendJournalReader *self)
{
  g_return_val_if_fail (TEND_IS_JOURNAL_READER (self), NULL);

  return self->stream;
}

/**
 * tend_journal_reader_get_skipped:
 * @self: a #TendJournalReader
 *
 * Returns: how many lines were not journal entries and were left out
 */
guint
tend_journal_reader_get_skipped (TendJournalReader *self)
{
  g_return_val_if_fail (TEND_IS_JOURNAL_READER (self), 0);

  return self->skipped;
}

/* Ends reading: emits ::finished, completes read_all_async() and drops the reference
 * that start() took. @error is NULL at the end of the stream.
 */
static void
reader_finish (TendJournalReader *self,
               GError            *error)
{
  g_autoptr(GError) reported = NULL;
  g_autoptr(GTask) task = NULL;

  g_assert (TEND_IS_JOURNAL_READER (self));
  g_assert (!self->finished);

  self->finished = TRUE;

  if (error != NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        reported = g_error_copy (error);
      else
        reported = g_error_new (TEND_ERROR, TEND_ERROR_FAILED,
                                "Could not read the journal: %s", error->message);
    }

  g_debug ("Journal reader finished: %s (%u lines skipped)",
           reported != NULL ? reported->message : "end of stream", self->skipped);

  g_signal_emit (self, signals[FINISHED], 0, reported);

  task = g_steal_pointer (&self->task);
  if (task != NULL)
    {
      if (reported != NULL)
        {
          g_clear_pointer (&self->collected, g_ptr_array_unref);
          g_task_return_error (task, g_steal_pointer (&reported));
        }
      else
        {
          g_task_return_pointer (task,
                                 g_steal_pointer (&self->collected),
                                 (GDestroyNotify) g_ptr_array_unref);
        }
    }

  g_clear_object (&self->cancellable);
  g_clear_object (&self->parser);

  g_object_unref (self);
}

static gboolean
is_blank (const char *line,
          gsize       len)
{
  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isspace (line[i]))
        return FALSE;
    }

  return TRUE;
}

static void
handle_line (TendJournalReader *self,
             const char        *line,
             gsize              len)
{
  g_autoptr(TendJournalEntry) entry = NULL;
  g_autoptr(GError) error = NULL;

  if (is_blank (line, len))
    return;

  entry = entry_from_json (self->parser, line, len, &error);
  if (entry == NULL)
    {
      g_autofree char *snippet = g_strndup (line, MIN (len, SKIPPED_LINE_SNIPPET));
      g_autofree char *escaped = g_strescape (snippet, NULL);

      self->skipped++;
      g_debug ("Skipped a journal line (%s): \"%s\"%s",
               error->message, escaped, len > SKIPPED_LINE_SNIPPET ? "…" : "");
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SKIPPED]);
      return;
    }

  g_signal_emit (self, signals[ENTRY], 0, entry);

  if (self->collected != NULL)
    g_ptr_array_add (self->collected, g_steal_pointer (&entry));
}

/* Whether a whole line is already buffered, so that reading it cannot block */
static gboolean
has_buffered_line (TendJournalReader *self)
{
  const void *buffer;
  gsize available;

  buffer = g_buffered_input_stream_peek_buffer (G_BUFFERED_INPUT_STREAM (self->data_stream),
                                                &available);

  return available > 0 && memchr (buffer, '\n', available) != NULL;
}

static void
on_line_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  TendJournalReader *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  gsize len = 0;

  g_assert (TEND_IS_JOURNAL_READER (self));

  line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source), result, &len, &error);
  if (line == NULL)
    {
      reader_finish (self, error);
      return;
    }

  handle_line (self, line, len);
  g_clear_pointer (&line, g_free);

  while (has_buffered_line (self))
    {
      /* reading from the buffer does not look at the cancellable: a handler of ::entry may
       * have cancelled
       */
      if (g_cancellable_set_error_if_cancelled (self->cancellable, &error))
        {
          reader_finish (self, error);
          return;
        }

      line = g_data_input_stream_read_line (self->data_stream, &len, self->cancellable, &error);
      if (line == NULL)
        {
          /* cannot be the end of the stream: a newline is buffered */
          g_assert (error != NULL);
          reader_finish (self, error);
          return;
        }

      handle_line (self, line, len);
      g_clear_pointer (&line, g_free);
    }

  read_next_line (self);
}

static void
read_next_line (TendJournalReader *self)
{
  g_data_input_stream_read_line_async (self->data_stream,
                                       G_PRIORITY_DEFAULT,
                                       self->cancellable,
                                       on_line_read,
                                       self);
}

/**
 * tend_journal_reader_start:
 * @self: a #TendJournalReader
 * @cancellable: (nullable): a #GCancellable to stop reading
 *
 * Starts reading the stream on the thread-default main context, without ever blocking:
 * ::entry is emitted for each entry and ::finished once at the end of the stream, on a
 * read error or when @cancellable is cancelled. Lines that are not journal entries are
 * counted in #TendJournalReader:skipped and left out.
 *
 * The reader keeps itself alive until ::finished. Call this only once.
 */
void
tend_journal_reader_start (TendJournalReader *self,
                           GCancellable      *cancellable)
{
  g_return_if_fail (TEND_IS_JOURNAL_READER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (!self->started);

  self->started = TRUE;
  g_set_object (&self->cancellable, cancellable);

  self->parser = json_parser_new_immutable ();
  self->data_stream = g_data_input_stream_new (self->stream);
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (self->data_stream), FALSE);
  g_data_input_stream_set_newline_type (self->data_stream, G_DATA_STREAM_NEWLINE_TYPE_LF);
  g_buffered_input_stream_set_buffer_size (G_BUFFERED_INPUT_STREAM (self->data_stream),
                                           READ_BUFFER_SIZE);

  /* released in reader_finish() */
  g_object_ref (self);

  read_next_line (self);
}

/**
 * tend_journal_reader_read_all_async:
 * @self: a #TendJournalReader
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the whole stream is read
 * @user_data: data for @callback
 *
 * Reads the stream to its end and collects the entries, as tend_journal_reader_start()
 * does (the signals are emitted, too). Call this instead of, not after,
 * tend_journal_reader_start().
 */
void
tend_journal_reader_read_all_async (TendJournalReader   *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TEND_IS_JOURNAL_READER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (!self->started);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tend_journal_reader_read_all_async);

  self->task = g_steal_pointer (&task);
  self->collected = g_ptr_array_new_with_free_func ((GDestroyNotify) tend_journal_entry_free);

  tend_journal_reader_start (self, cancellable);
}

/**
 * tend_journal_reader_read_all_finish:
 * @self: a #TendJournalReader
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer container) (element-type TendJournalEntry) (nullable): the entries
 *   in the order of the stream, or %NULL with @error set
 */
GPtrArray *
tend_journal_reader_read_all_finish (TendJournalReader  *self,
                                     GAsyncResult       *result,
                                     GError            **error)
{
  g_return_val_if_fail (TEND_IS_JOURNAL_READER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        tend_journal_reader_read_all_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
