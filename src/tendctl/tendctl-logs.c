/* tendctl-logs.c — tendctl logs UNIT [-n N] [--follow] [--priority P] [--json]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reading the journal needs no bus: the host's backend opens a reader (journalctl
 * underneath, locally) and this file prints what it reads. A follow runs until SIGINT
 * or SIGTERM, then cancels the reader, waits for it to finish and exits 0.
 */
#define G_LOG_DOMAIN "Tendctl"

#include <string.h>

#include <glib-unix.h>

#include "tendctl.h"
#include "tendctl-output.h"

#define DEFAULT_N_ENTRIES 50
#define MAX_N_ENTRIES 100000

/* After SIGINT, how long to wait for the reader to wind down before leaving anyway. */
#define STOP_TIMEOUT_MSEC 1000

typedef struct
{
  TendctlRun *run;
  const char *unit;              /* (unowned) from argv */
  TendJournalQuery query;
  gboolean json;
  gboolean color;
  TendJournalReader *reader;     /* (owned) (nullable) */
  guint sigint_id;
  guint sigterm_id;
  guint stop_timeout_id;
  gboolean interrupted;
} LogsData;

/* ------------------------------------------------------------------------------------ */
/* Printing                                                                              */

/* "2024-01-15 10:00:00 nginx[1234]: message", continuation lines lined up under the
 * message, the message in red for priorities err and worse when colour is on. */
static void
append_entry (LogsData               *data,
              GString                *out,
              const TendJournalEntry *entry)
{
  gboolean red = data->color && entry->priority >= 0 && entry->priority <= 3;
  g_autofree char *raw_prefix = tend_journal_entry_format_prefix (entry);
  g_autoptr(GString) prefix = g_string_new (NULL);
  g_autofree char *indent = NULL;

  tendctl_append_sanitized (prefix, raw_prefix, NULL);

  g_string_append_len (out, prefix->str, prefix->len);
  if (red)
    g_string_append (out, TENDCTL_COLOR_RED);
  if (entry->message != NULL && strchr (entry->message, '\n') != NULL)
    {
      indent = g_strnfill (g_utf8_strlen (prefix->str, prefix->len), ' ');
      tendctl_append_sanitized (out, entry->message, indent);
    }
  else
    tendctl_append_sanitized (out, entry->message, NULL);
  if (red)
    g_string_append (out, TENDCTL_COLOR_RESET);
  g_string_append_c (out, '\n');
}

static void
append_entry_json (GString                *out,
                   const TendJournalEntry *entry)
{
  g_autoptr(JsonNode) node = tend_journal_entry_to_json (entry);
  g_autofree char *text = json_to_string (node, FALSE);

  g_string_append (out, text);
  g_string_append_c (out, '\n');
}

static void
append_any_entry (LogsData               *data,
                  GString                *out,
                  const TendJournalEntry *entry)
{
  if (data->json)
    append_entry_json (out, entry);
  else
    append_entry (data, out, entry);
}

/* ------------------------------------------------------------------------------------ */
/* Reading all                                                                           */

static void
read_all_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  LogsData *data = user_data;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) out = NULL;

  entries = tend_journal_reader_read_all_finish (TEND_JOURNAL_READER (object), result, &error);
  if (entries == NULL)
    {
      tendctl_print_error ("%s", error->message);
      tendctl_run_quit (data->run, tendctl_exit_for_error (error));
      return;
    }

  out = g_string_sized_new (entries->len * 120 + 32);
  for (guint i = 0; i < entries->len; i++)
    append_any_entry (data, out, entries->pdata[i]);
  if (entries->len == 0 && !data->json)
    g_string_append (out, _("-- No entries --\n"));
  tendctl_write (stdout, out);

  tendctl_run_quit (data->run, TENDCTL_EXIT_OK);
}

/* ------------------------------------------------------------------------------------ */
/* Following                                                                             */

static void
on_entry (G_GNUC_UNUSED TendJournalReader *reader,
          TendJournalEntry                *entry,
          LogsData                        *data)
{
  g_autoptr(GString) out = g_string_new (NULL);

  append_any_entry (data, out, entry);
  tendctl_write (stdout, out);
}

static void
on_finished (G_GNUC_UNUSED TendJournalReader *reader,
             const GError                    *error,
             LogsData                        *data)
{
  if (data->interrupted || error == NULL ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      tendctl_run_quit (data->run, TENDCTL_EXIT_OK);
      return;
    }

  tendctl_print_error ("%s", error->message);
  tendctl_run_quit (data->run, tendctl_exit_for_error (error));
}

static gboolean
on_stop_timeout (gpointer user_data)
{
  LogsData *data = user_data;

  data->stop_timeout_id = 0;
  tendctl_run_quit (data->run, TENDCTL_EXIT_OK);
  return G_SOURCE_REMOVE;
}

/* SIGINT or SIGTERM: the person is done reading, which is a success. */
static gboolean
on_stop_signal (gpointer user_data)
{
  LogsData *data = user_data;

  if (!data->interrupted)
    {
      data->interrupted = TRUE;
      g_cancellable_cancel (data->run->cancellable);
      data->stop_timeout_id = g_timeout_add (STOP_TIMEOUT_MSEC, on_stop_timeout, data);
    }
  return G_SOURCE_CONTINUE;
}

/* ------------------------------------------------------------------------------------ */
/* The command                                                                           */

static void
logs_ready (TendctlRun *run,
            gpointer    user_data)
{
  LogsData *data = user_data;
  g_autoptr(GError) error = NULL;

  data->run = run;
  data->reader = tend_host_open_journal (run->host, data->unit, &data->query, run->cancellable,
                                         &error);
  if (data->reader == NULL)
    {
      tendctl_print_error ("%s", error->message);
      tendctl_run_quit (run, tendctl_exit_for_error (error));
      return;
    }

  if (!data->query.follow)
    {
      tend_journal_reader_read_all_async (data->reader, run->cancellable, read_all_cb, data);
      return;
    }

  data->sigint_id = g_unix_signal_add (SIGINT, on_stop_signal, data);
  data->sigterm_id = g_unix_signal_add (SIGTERM, on_stop_signal, data);
  g_signal_connect (data->reader, "entry", G_CALLBACK (on_entry), data);
  g_signal_connect (data->reader, "finished", G_CALLBACK (on_finished), data);
  tend_journal_reader_start (data->reader, run->cancellable);
}

static gboolean
parse_lines (const char *text,
             guint      *n_entries)
{
  guint64 value;

  if (!g_ascii_string_to_unsigned (text, 10, 1, MAX_N_ENTRIES, &value, NULL))
    {
      tendctl_usage_error ("logs", _("-n/--lines: '%s' is not a number of entries; give a whole "
                             "number from 1 to %d"), text, MAX_N_ENTRIES);
      return FALSE;
    }
  *n_entries = (guint) value;
  return TRUE;
}

static gboolean
parse_priority (const char *text,
                int        *priority)
{
  g_autoptr(GError) error = NULL;
  int value;

  value = tend_journal_priority_from_string (text, &error);
  if (error != NULL || value < 0)
    {
      tendctl_usage_error ("logs", _("-p/--priority: %s"),
                           error ? error->message : "not a priority");
      return FALSE;
    }
  *priority = value;
  return TRUE;
}

TendctlExit
tendctl_logs (TendctlGlobalOptions  *global,
              int                    argc,
              char                 **argv)
{
  LogsData data = { NULL, };
  g_autofree char *lines = NULL;
  g_autofree char *priority = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) units = NULL;
  TendctlExit status;
  const GOptionEntry entries[] = {
    { "lines", 'n', 0, G_OPTION_ARG_STRING, &lines,
      N_("Show the last N entries (1 to 100000; the default is 50)"), "N" },
    { "follow", 'f', 0, G_OPTION_ARG_NONE, &data.query.follow,
      N_("Keep printing new entries until interrupted (Ctrl+C)"), NULL },
    { "priority", 'p', 0, G_OPTION_ARG_STRING, &priority,
      N_("Show entries of this priority or more severe: 0 to 7, or emerg, alert, crit, err, "
         "warning, notice, info, debug"), "PRIORITY" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &data.json,
      N_("Print one JSON object per entry and line (JSON Lines)"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &units, NULL, NULL },
    G_OPTION_ENTRY_NULL
  };

  data.query.n_entries = DEFAULT_N_ENTRIES;
  data.query.max_priority = -1;

  if (!tendctl_parse_options ("logs", "UNIT", N_("Show the journal of a unit, oldest entry first."),
                              entries, global, &argc, &argv))
    return TENDCTL_EXIT_USAGE;

  if (units == NULL || units[0] == NULL)
    {
      tendctl_usage_error ("logs", _("logs needs a UNIT, such as nginx.service"));
      return TENDCTL_EXIT_USAGE;
    }
  if (units[1] != NULL)
    {
      tendctl_usage_error ("logs", _("logs shows one unit at a time, but was given '%s' and '%s'"),
                           units[0], units[1]);
      return TENDCTL_EXIT_USAGE;
    }
  if (lines != NULL && !parse_lines (lines, &data.query.n_entries))
    return TENDCTL_EXIT_USAGE;
  if (priority != NULL && !parse_priority (priority, &data.query.max_priority))
    return TENDCTL_EXIT_USAGE;
  if (!tend_unit_name_validate (units[0], &error))
    {
      tendctl_print_error ("%s", error->message);
      return TENDCTL_EXIT_USAGE;
    }

  data.unit = units[0];
  data.color = !data.json && tendctl_use_color (stdout);

  status = tendctl_run (global, TENDCTL_RUN_CONNECT_REMOTE, logs_ready, &data);

  g_clear_handle_id (&data.sigint_id, g_source_remove);
  g_clear_handle_id (&data.sigterm_id, g_source_remove);
  g_clear_handle_id (&data.stop_timeout_id, g_source_remove);
  if (data.reader != NULL)
    g_signal_handlers_disconnect_by_data (data.reader, &data);
  g_clear_object (&data.reader);
  return status;
}
