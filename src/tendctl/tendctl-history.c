/* tendctl-history.c — tendctl history UNIT, tendctl incidents [UNIT], tendctl audit
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What Tend remembers, read from its database: every query is a TendStore _async
 * call run on the store's thread, so nothing here waits on SQLite, and none of these
 * commands connects to the bus. A unit is found in the store by the id of the host
 * tendctl talks to ("local-user" or "local-system"), as the monitor recorded it.
 */
#define G_LOG_DOMAIN "Tendctl"

#include <string.h>

#include "tendctl.h"
#include "tendctl-output.h"

#define USEC_PER_MIN  TEND_USEC_PER_MIN
#define USEC_PER_HOUR TEND_USEC_PER_HOUR
#define USEC_PER_DAY  TEND_USEC_PER_DAY

#define MAX_LIMIT 1000000
#define DEFAULT_HISTORY_LIMIT 100
#define DEFAULT_INCIDENTS_LIMIT 50
#define DEFAULT_AUDIT_LIMIT 100

/* ------------------------------------------------------------------------------------ */
/* Shared helpers                                                                        */

/* "2h 3min", "45s", "850ms": a duration shown to a person, to the second once it is
 * past a second and to the minute once it is past a day. */
static char *
format_duration (gint64 usec)
{
  if (usec < 0)
    return g_strdup ("-");
  if (usec >= USEC_PER_DAY)
    usec -= usec % USEC_PER_MIN;
  else if (usec >= TEND_USEC_PER_SEC)
    usec -= usec % TEND_USEC_PER_SEC;
  else if (usec >= TEND_USEC_PER_MSEC)
    usec -= usec % TEND_USEC_PER_MSEC;
  return tend_duration_format (usec);
}

/* A latency or an operation's duration: "830us", "12ms", "1.234s"; "-" when unknown. */
static char *
format_latency (gint64 usec)
{
  if (usec < 0)
    return g_strdup ("-");
  return tendctl_format_nsec ((guint64) usec * 1000);
}

/* Adds @member as the JSON that @text holds, or as a string if it is not JSON. */
static void
json_add_embedded (JsonBuilder *builder,
                   const char  *member,
                   const char  *text)
{
  g_autoptr(JsonParser) parser = NULL;

  json_builder_set_member_name (builder, member);
  if (text == NULL)
    {
      json_builder_add_null_value (builder);
      return;
    }

  parser = json_parser_new_immutable ();
  if (json_parser_load_from_data (parser, text, -1, NULL) && json_parser_get_root (parser))
    json_builder_add_value (builder, json_node_copy (json_parser_get_root (parser)));
  else
    json_builder_add_string_value (builder, text);
}

/* One JSON value as a short text for a table cell: strings as they are, the rest as
 * compact JSON. */
static void
append_json_value (GString  *out,
                   JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = NULL;
  g_autofree char *text = NULL;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      g_string_append (out, json_node_get_string (node));
      return;
    }

  generator = json_generator_new ();
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  g_string_append (out, text);
}

/**
 * tendctl_parse_time:
 * @text: a time in ISO 8601 ("2026-11-21T10:00:00", "2026-11-21 10:00",
 *   "2026-11-21T10:00:00Z", "2026-11-21"), local time without a zone; with @ago, also
 *   a duration ago ("24h", "7d", "1h 30min")
 * @ago: whether a duration means that long before @now
 * @now: realtime µs
 * @realtime_usec: (out): the time
 * @error: what @text should look like (%TEND_ERROR_INVALID_ARGUMENT)
 *
 * Returns: whether @text is one of those
 */
gboolean
tendctl_parse_time (const char  *text,
                    gboolean     ago,
                    gint64       now,
                    gint64      *realtime_usec,
                    GError     **error)
{
  g_autoptr(GTimeZone) local = g_time_zone_new_local ();
  g_autoptr(GDateTime) time = NULL;
  g_autofree char *full = NULL;
  gint64 before;

  if (ago && tend_duration_parse (text, &before, NULL))
    {
      *realtime_usec = before < now ? now - before : 0;
      return TRUE;
    }

  /* A date alone is its midnight. */
  if (strlen (text) == 10 && text[4] == '-' && text[7] == '-')
    full = g_strdup_printf ("%sT00:00:00", text);
  else
    full = g_strdup (text);

  /* Seconds may be left out: "2026-11-21 10:00". */
  time = g_date_time_new_from_iso8601 (full, local);
  if (time == NULL && strlen (full) == 16)
    {
      g_autofree char *with_seconds = g_strdup_printf ("%s:00", full);

      time = g_date_time_new_from_iso8601 (with_seconds, local);
    }

  if (time == NULL)
    {
      if (ago)
        /* Translators: %s is what was given to --since or --until */
        g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                     _("'%s' is neither a duration ago (such as 24h, 7d or 1h 30min) nor a "
                       "time in ISO 8601 (such as 2026-11-21T10:00:00, 2026-11-21 10:00 or "
                       "2026-11-21)"), text);
      else
        /* Translators: %s is what was given to --until */
        g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                     _("'%s' is not a time in ISO 8601 (such as 2026-11-21T10:00:00, "
                       "2026-11-21 10:00 or 2026-11-21)"), text);
      return FALSE;
    }

  *realtime_usec = g_date_time_to_unix (time) * TEND_USEC_PER_SEC +
                   g_date_time_get_microsecond (time);
  return TRUE;
}

/* tendctl_parse_time() of --since or --until; a usage error when it is not a time. */
static gboolean
parse_time (const char *command,
            const char *option,
            const char *text,
            gint64      now,
            gint64     *realtime_usec)
{
  g_autoptr(GError) error = NULL;

  if (tendctl_parse_time (text, TRUE, now, realtime_usec, &error))
    return TRUE;
  tendctl_usage_error (command, "%s: %s", option, error->message);
  return FALSE;
}

static gboolean
parse_limit (const char *command,
             const char *text,
             guint      *limit)
{
  guint64 value;

  if (!g_ascii_string_to_unsigned (text, 10, 1, MAX_LIMIT, &value, NULL))
    {
      tendctl_usage_error (command, _("--limit: '%s' is not a number of rows; give a whole "
                             "number from 1 to %d"), text, MAX_LIMIT);
      return FALSE;
    }
  *limit = (guint) value;
  return TRUE;
}

static void
append_limit_note (GString    *out,
                   guint       n_rows,
                   guint       limit,
                   const char *what)
{
  if (n_rows != limit)
    return;
  if (limit == 1)
    g_string_append (out, _("(the newest only; pass --limit for more)"));
  else if (g_str_equal (what, "results"))
    /* Translators: %u is how many rows tendctl history shows */
    g_string_append_printf (out, ngettext ("(the newest %u result; pass --limit for more)",
                                           "(the newest %u results; pass --limit for more)",
                                           limit), limit);
  else if (g_str_equal (what, "incidents"))
    /* Translators: %u is how many rows tendctl incidents shows */
    g_string_append_printf (out, ngettext ("(the newest %u incident; pass --limit for more)",
                                           "(the newest %u incidents; pass --limit for more)",
                                           limit), limit);
  else
    /* Translators: %u is how many rows tendctl audit shows */
    g_string_append_printf (out, ngettext ("(the newest %u operation; pass --limit for more)",
                                           "(the newest %u operations; pass --limit for more)",
                                           limit), limit);
  g_string_append_c (out, '\n');
}

/* ------------------------------------------------------------------------------------ */
/* history                                                                               */

typedef struct
{
  gint64 since_usec;
  gint64 until_usec;
  gint64 bucket_usec;
} Segment;

typedef struct
{
  TendctlRun *run;
  const char *unit;            /* (unowned) from argv */
  gboolean json;
  gboolean csv;
  guint limit;
  gint64 since_usec;
  gint64 until_usec;

  /* The summary's window: [since, until) widened to whole minutes. */
  gint64 window_since;
  gint64 window_until;
  GArray *segments;            /* (owned) of Segment */

  GPtrArray *rows;             /* (owned) (nullable) of TendStoredResult */
  TendChartSummary summary;    /* from the rollups */
  guint n_pending;
  GError *error;               /* (owned) (nullable) the first query that failed */
} HistoryData;

static const char *
status_name (TendResultStatus status)
{
  const char *name = tend_result_status_to_string (status);

  return name != NULL ? name : "unknown";
}

/**
 * add_segments:
 *
 * Splits [@since, @until) (whole minutes) into pieces that the coarsest rollups cover
 * exactly: whole days in day rollups, the hours around them in hour rollups, the
 * minutes at both ends in minute rollups. A chart query picks its rollups from the
 * width of its buckets and reads the rollups that start inside its range, so a bucket
 * of a day over a range that does not start at midnight would miss the part of the day
 * before the range and count the day after it.
 */
static void
add_segments (GArray *segments,
              gint64  since,
              gint64  until,
              guint   level)
{
  static const gint64 widths[] = { USEC_PER_MIN, USEC_PER_HOUR, USEC_PER_DAY };
  gint64 width = widths[level];
  gint64 first;
  gint64 last;

  if (since >= until)
    return;

  first = since % width == 0 ? since : since - since % width + width;
  last = until - until % width;

  if (level == 0 || first >= last)
    {
      if (level == 0)
        {
          Segment segment = { since, until, width };

          g_array_append_val (segments, segment);
        }
      else
        add_segments (segments, since, until, level - 1);
      return;
    }

  add_segments (segments, since, first, level - 1);
  {
    Segment segment = { first, last, width };

    g_array_append_val (segments, segment);
  }
  add_segments (segments, last, until, level - 1);
}

static void
print_history_json (HistoryData *data,
                    const char  *host)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) root = NULL;
  const TendChartSummary *summary = &data->summary;
  guint64 total = tend_chart_summary_get_total (summary);

  json_builder_begin_object (builder);
  tend_json_add_string (builder, "unit", data->unit);
  tend_json_add_string (builder, "host", host);
  tendctl_json_add_time (builder, "since", data->since_usec, TRUE);
  tendctl_json_add_time (builder, "until", data->until_usec, TRUE);

  json_builder_set_member_name (builder, "summary");
  json_builder_begin_object (builder);
  tendctl_json_add_time (builder, "since", data->window_since, TRUE);
  tendctl_json_add_time (builder, "until", data->window_until, TRUE);
  tendctl_json_add_number (builder, "n_results", TRUE, (gint64) total);
  tendctl_json_add_number (builder, "n_pass", TRUE, (gint64) summary->n_pass);
  tendctl_json_add_number (builder, "n_warn", TRUE, (gint64) summary->n_warn);
  tendctl_json_add_number (builder, "n_fail", TRUE, (gint64) summary->n_fail);
  tendctl_json_add_number (builder, "n_unknown", TRUE, (gint64) summary->n_unknown);
  json_builder_set_member_name (builder, "uptime_percent");
  if (total > 0)
    json_builder_add_double_value (builder, tend_chart_summary_get_uptime (summary));
  else
    json_builder_add_null_value (builder);
  tendctl_json_add_number (builder, "latency_min_usec", summary->latency_min >= 0,
                           summary->latency_min);
  tendctl_json_add_number (builder, "latency_max_usec", summary->latency_max >= 0,
                           summary->latency_max);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "results");
  json_builder_begin_array (builder);
  for (guint i = 0; i < data->rows->len; i++)
    {
      const TendStoredResult *row = data->rows->pdata[i];

      json_builder_begin_object (builder);
      tendctl_json_add_time (builder, "time", row->time_usec, TRUE);
      tend_json_add_string (builder, "status", status_name (row->status));
      tendctl_json_add_number (builder, "latency_usec", row->latency_usec >= 0,
                               row->latency_usec);
      tendctl_json_add_number (builder, "check_id", TRUE, row->check_id);
      tend_json_add_string (builder, "message", row->message);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  tendctl_print_json (root, TRUE);
}

/* RFC 4180: a field with a comma, a quote or a line break goes in quotes, its quotes
 * doubled. */
static void
append_csv_field (GString    *out,
                  const char *text)
{
  if (text == NULL)
    return;
  if (strpbrk (text, ",\"\r\n") == NULL)
    {
      g_string_append (out, text);
      return;
    }

  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static void
print_history_csv (HistoryData *data)
{
  g_autoptr(GString) out = g_string_new ("time,time_usec,status,latency_usec,check_id,message\r\n");

  for (guint i = 0; i < data->rows->len; i++)
    {
      const TendStoredResult *row = data->rows->pdata[i];
      g_autofree char *time = tend_time_format_iso8601 (row->time_usec);

      g_string_append_printf (out, "%s,%" G_GINT64_FORMAT ",%s,", time, row->time_usec,
                              status_name (row->status));
      if (row->latency_usec >= 0)
        g_string_append_printf (out, "%" G_GINT64_FORMAT, row->latency_usec);
      g_string_append_printf (out, ",%" G_GINT64_FORMAT ",", row->check_id);
      append_csv_field (out, row->message);
      g_string_append (out, "\r\n");
    }
  tendctl_write (stdout, out);
}

static void
append_summary (GString     *out,
                HistoryData *data)
{
  const TendChartSummary *summary = &data->summary;
  guint64 total = tend_chart_summary_get_total (summary);
  g_autofree char *since = tendctl_format_timestamp (data->window_since);
  g_autofree char *until = tendctl_format_timestamp (data->window_until);

  unsigned long long n[] = { total, summary->n_pass, summary->n_warn, summary->n_fail,
                            summary->n_unknown };
  double uptime = tend_chart_summary_get_uptime (summary);

  if (total == 0)
    /* Translators: tendctl history's summary: from a time to a time */
    g_string_append_printf (out, _("From %s to %s: no results."), since, until);
  else if (summary->latency_min >= 0 && summary->latency_max >= 0)
    {
      g_autofree char *min = format_latency (summary->latency_min);
      g_autofree char *max = format_latency (summary->latency_max);

      /* Translators: tendctl history's summary: from a time to a time, how many results,
       * of which how many passed, warned, failed or were unknown (the statuses as typed),
       * the share of time it was up, and the lowest and highest latency */
      g_string_append_printf (out, ngettext ("From %s to %s: %llu result (%llu pass, %llu warn, "
                                             "%llu fail, %llu unknown), uptime %.2f%%, latency "
                                             "%s to %s.",
                                             "From %s to %s: %llu results (%llu pass, %llu "
                                             "warn, %llu fail, %llu unknown), uptime %.2f%%, "
                                             "latency %s to %s.", (gulong) MIN (total, G_MAXULONG)),
                              since, until, n[0], n[1], n[2], n[3], n[4], uptime, min, max);
    }
  else
    /* Translators: as above, without latencies */
    g_string_append_printf (out, ngettext ("From %s to %s: %llu result (%llu pass, %llu warn, "
                                           "%llu fail, %llu unknown), uptime %.2f%%.",
                                           "From %s to %s: %llu results (%llu pass, %llu warn, "
                                           "%llu fail, %llu unknown), uptime %.2f%%.",
                                           (gulong) MIN (total, G_MAXULONG)),
                            since, until, n[0], n[1], n[2], n[3], n[4], uptime);
  g_string_append_c (out, '\n');
}

static void
print_history_text (HistoryData *data)
{
  g_autoptr(TendctlTable) table = NULL;
  g_autoptr(GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) out = g_string_new (NULL);

  if (data->rows->len == 0)
    g_string_append (out, _("-- No stored results in this period --\n"));
  else
    {
      table = tendctl_table_new (5, N_("TIME"), N_("STATUS"), N_("LATENCY"), N_("CHECK"),
                                 N_("MESSAGE"));
      for (guint i = 0; i < data->rows->len; i++)
        {
          const TendStoredResult *row = data->rows->pdata[i];
          char *time = tendctl_format_timestamp (row->time_usec);
          char *latency = format_latency (row->latency_usec);
          char *check = g_strdup_printf ("%" G_GINT64_FORMAT, row->check_id);

          g_ptr_array_add (strings, time);
          g_ptr_array_add (strings, latency);
          g_ptr_array_add (strings, check);
          tendctl_table_add_row (table, row->status == TEND_RESULT_FAIL, time,
                                 status_name (row->status), latency, check, row->message);
        }
      tendctl_table_render (table, out, tendctl_use_color (stdout));
      append_limit_note (out, data->rows->len, data->limit, "results");
    }

  g_string_append_c (out, '\n');
  append_summary (out, data);
  tendctl_write (stdout, out);
}

static void
history_query_done (HistoryData *data)
{
  g_assert (data->n_pending > 0);
  if (--data->n_pending > 0)
    return;

  if (data->error != NULL)
    {
      tendctl_print_error ("%s", data->error->message);
      tendctl_run_quit (data->run, tendctl_exit_for_error (data->error));
      return;
    }

  if (data->json)
    print_history_json (data, tend_host_get_id (data->run->host));
  else if (data->csv)
    print_history_csv (data);
  else
    print_history_text (data);
  tendctl_run_quit (data->run, TENDCTL_EXIT_OK);
}

static void
history_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  HistoryData *data = user_data;
  g_autoptr(GError) error = NULL;

  data->rows = tend_store_query_history_finish (TEND_STORE (object), result, &error);
  if (data->rows == NULL && data->error == NULL)
    data->error = g_steal_pointer (&error);
  history_query_done (data);
}

static void
chart_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  HistoryData *data = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) buckets = NULL;

  buckets = tend_store_query_chart_finish (TEND_STORE (object), result, &error);
  if (buckets == NULL)
    {
      if (data->error == NULL)
        data->error = g_steal_pointer (&error);
      history_query_done (data);
      return;
    }

  tend_chart_summary_add (&data->summary, buckets);
  history_query_done (data);
}

static void
query_history (TendctlRun *run,
               gint64      service_id,
               gpointer    user_data)
{
  HistoryData *data = user_data;

  /* All at once: the raw rows, and the rollups of the window piece by piece. */
  data->n_pending = 1 + data->segments->len;
  tend_store_query_history_async (run->store, service_id, data->since_usec, data->until_usec,
                                  data->limit, run->cancellable, history_cb, data);
  for (guint i = 0; i < data->segments->len; i++)
    {
      const Segment *segment = &g_array_index (data->segments, Segment, i);

      tend_store_query_chart_async (run->store, service_id, segment->since_usec,
                                    segment->until_usec, segment->bucket_usec,
                                    run->cancellable, chart_cb, data);
    }
}

static void
history_ready (TendctlRun *run,
               gpointer    user_data)
{
  HistoryData *data = user_data;

  data->run = run;
  tendctl_with_service (run, data->unit, query_history, data);
}

TendctlExit
tendctl_history (TendctlGlobalOptions  *global,
                 int                    argc,
                 char                 **argv)
{
  HistoryData data = { NULL, };
  g_autofree char *since = NULL;
  g_autofree char *until = NULL;
  g_autofree char *limit = NULL;
  g_autofree char *problem = NULL;
  g_auto(GStrv) units = NULL;
  gint64 now = g_get_real_time ();
  TendctlExit status;
  const GOptionEntry entries[] = {
    { "since", 0, 0, G_OPTION_ARG_STRING, &since,
      N_("Start at this time: a duration ago (24h, 7d) or ISO 8601 (2026-11-21T10:00); "
         "the default is 24h"), "TIME" },
    { "until", 0, 0, G_OPTION_ARG_STRING, &until,
      N_("End at this time, likewise; the default is now"), "TIME" },
    { "limit", 'n', 0, G_OPTION_ARG_STRING, &limit,
      N_("Show at most N results, the newest (1 to 1000000; the default is 100)"), "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &data.json,
      N_("Print a JSON object with the summary and the results"), NULL },
    { "csv", 0, 0, G_OPTION_ARG_NONE, &data.csv,
      N_("Print the results as CSV (RFC 4180) with a header line"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &units, NULL, NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!tendctl_parse_options ("history", "UNIT",
                              N_("Show the stored check results of a unit, newest first, and a "
                                 "summary of all its results in the period.\nResults are stored "
                                 "one by one when they say something new; the summary counts "
                                 "every result."), entries, global, &argc, &argv))
    return TENDCTL_EXIT_USAGE;

  if (units == NULL || units[0] == NULL)
    {
      tendctl_usage_error ("history", _("history needs a UNIT, such as nginx.service"));
      return TENDCTL_EXIT_USAGE;
    }
  if (units[1] != NULL)
    {
      tendctl_usage_error ("history", _("history shows one unit at a time, but was given '%s' "
                             "and '%s'"), units[0], units[1]);
      return TENDCTL_EXIT_USAGE;
    }
  if (data.json && data.csv)
    {
      tendctl_usage_error ("history", _("--json and --csv cannot be used together"));
      return TENDCTL_EXIT_USAGE;
    }

  data.limit = DEFAULT_HISTORY_LIMIT;
  data.since_usec = now - USEC_PER_DAY;
  data.until_usec = now;
  if ((limit != NULL && !parse_limit ("history", limit, &data.limit)) ||
      (since != NULL && !parse_time ("history", "--since", since, now, &data.since_usec)) ||
      (until != NULL && !parse_time ("history", "--until", until, now, &data.until_usec)))
    return TENDCTL_EXIT_USAGE;
  if (data.since_usec >= data.until_usec)
    {
      tendctl_usage_error ("history", _("the period is empty: --since must be before --until "
                             "(or now)"));
      return TENDCTL_EXIT_USAGE;
    }

  problem = tendctl_check_unit (units[0], FALSE);
  if (problem != NULL)
    {
      tendctl_print_error ("%s", problem);
      return TENDCTL_EXIT_USAGE;
    }
  data.unit = units[0];

  /* The rollups count by whole minutes. */
  data.window_since = data.since_usec - data.since_usec % USEC_PER_MIN;
  data.window_until = data.until_usec % USEC_PER_MIN == 0
                      ? data.until_usec
                      : data.until_usec - data.until_usec % USEC_PER_MIN + USEC_PER_MIN;
  data.segments = g_array_new (FALSE, FALSE, sizeof (Segment));
  add_segments (data.segments, data.window_since, data.window_until, 2);
  tend_chart_summary_init (&data.summary);

  status = tendctl_run (global, TENDCTL_RUN_READ_ONLY,
                        history_ready, &data);

  g_clear_pointer (&data.segments, g_array_unref);
  g_clear_pointer (&data.rows, g_ptr_array_unref);
  g_clear_error (&data.error);
  return status;
}

/* ------------------------------------------------------------------------------------ */
/* incidents                                                                             */

typedef struct
{
  TendctlRun *run;
  const char *unit;            /* (unowned) (nullable) from argv */
  gboolean json;
  guint limit;
} IncidentsData;

/* "restart (done), restart (failed)": what was done, from the incident's JSON array. */
static char *
dup_actions_text (const char *actions)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GString) out = g_string_new (NULL);
  JsonNode *root;
  JsonArray *array;

  if (actions == NULL)
    return g_strdup ("-");
  if (!json_parser_load_from_data (parser, actions, -1, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    return g_strdup (actions);

  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      if (i > 0)
        g_string_append (out, ", ");
      append_json_value (out, json_array_get_element (array, i));
    }
  return out->len > 0 ? g_string_free (g_steal_pointer (&out), FALSE) : g_strdup ("-");
}

static void
print_incidents_json (IncidentsData *data,
                      GPtrArray     *incidents,
                      gint64         now)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; i < incidents->len; i++)
    {
      const TendIncident *incident = incidents->pdata[i];
      gboolean open = incident->closed_usec <= 0;
      gint64 end = open ? now : incident->closed_usec;

      json_builder_begin_object (builder);
      tendctl_json_add_number (builder, "id", TRUE, incident->id);
      tendctl_json_add_number (builder, "service_id", TRUE, incident->service_id);
      tend_json_add_string (builder, "host", incident->host);
      tend_json_add_string (builder, "unit", incident->unit ? incident->unit : data->unit);
      tendctl_json_add_time (builder, "opened", incident->opened_usec, TRUE);
      tendctl_json_add_time (builder, "closed", incident->closed_usec, !open);
      json_builder_set_member_name (builder, "open");
      json_builder_add_boolean_value (builder, open);
      tendctl_json_add_number (builder, "duration_usec", TRUE,
                               MAX (end - incident->opened_usec, 0));
      tend_json_add_string (builder, "worst_severity", incident->worst_severity);
      tend_json_add_string (builder, "cause", incident->cause);
      json_add_embedded (builder, "actions", incident->actions);
      json_add_embedded (builder, "snapshot", incident->snapshot);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  root = json_builder_get_root (builder);
  tendctl_print_json (root, TRUE);
}

static void
print_incidents_text (IncidentsData *data,
                      GPtrArray     *incidents,
                      gint64         now)
{
  g_autoptr(TendctlTable) table = NULL;
  g_autoptr(GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) out = g_string_new (NULL);
  guint n_open = 0;

  if (incidents->len == 0)
    {
      g_string_append (out, _("-- No incidents --\n"));
      tendctl_write (stdout, out);
      return;
    }

  /* Without a UNIT, each row names its service (by its id once it left the inventory). */
  if (data->unit != NULL)
    table = tendctl_table_new (6, N_("OPENED"), N_("CLOSED"), N_("DURATION"), N_("SEVERITY"),
                               N_("CAUSE"), N_("ACTIONS"));
  else
    table = tendctl_table_new (7, N_("SERVICE"), N_("OPENED"), N_("CLOSED"), N_("DURATION"),
                               N_("SEVERITY"), N_("CAUSE"), N_("ACTIONS"));

  for (guint i = 0; i < incidents->len; i++)
    {
      const TendIncident *incident = incidents->pdata[i];
      gboolean open = incident->closed_usec <= 0;
      gint64 end = open ? now : incident->closed_usec;
      char *service = incident->unit != NULL
                      ? g_strdup_printf ("%s/%s", incident->host, incident->unit)
                      : g_strdup_printf ("#%" G_GINT64_FORMAT, incident->service_id);
      char *opened = tendctl_format_timestamp (incident->opened_usec);
      /* Translators: in the CLOSED column of an incident still open */
      char *closed = open ? g_strdup (C_("incident", "open"))
                          : tendctl_format_timestamp (incident->closed_usec);
      char *duration = format_duration (MAX (end - incident->opened_usec, 0));
      char *actions = dup_actions_text (incident->actions);

      if (open)
        {
          /* Translators: %s is how long an open incident has lasted until now */
          char *ongoing = g_strdup_printf (_("%s so far"), duration);

          g_free (duration);
          duration = ongoing;
          n_open++;
        }

      g_ptr_array_add (strings, service);
      g_ptr_array_add (strings, opened);
      g_ptr_array_add (strings, closed);
      g_ptr_array_add (strings, duration);
      g_ptr_array_add (strings, actions);
      if (data->unit != NULL)
        tendctl_table_add_row (table, open, opened, closed, duration, incident->worst_severity,
                               incident->cause != NULL ? incident->cause : "-", actions);
      else
        tendctl_table_add_row (table, open, service, opened, closed, duration,
                               incident->worst_severity,
                               incident->cause != NULL ? incident->cause : "-", actions);
    }

  tendctl_table_render (table, out, tendctl_use_color (stdout));
  append_limit_note (out, incidents->len, data->limit, "incidents");
  g_string_append_c (out, '\n');
  /* Translators: how many incidents tendctl incidents lists, then how many are open */
  g_string_append_printf (out, ngettext ("%u incident listed, %u open.",
                                         "%u incidents listed, %u open.", incidents->len),
                          incidents->len, n_open);
  g_string_append_c (out, '\n');
  tendctl_write (stdout, out);
}

static void
query_incidents_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  IncidentsData *data = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) incidents = NULL;
  gint64 now = g_get_real_time ();

  incidents = tend_store_query_incidents_finish (TEND_STORE (object), result, &error);
  if (incidents == NULL)
    {
      tendctl_print_error ("%s", error->message);
      tendctl_run_quit (data->run, tendctl_exit_for_error (error));
      return;
    }

  if (data->json)
    print_incidents_json (data, incidents, now);
  else
    print_incidents_text (data, incidents, now);
  tendctl_run_quit (data->run, TENDCTL_EXIT_OK);
}

static void
query_incidents (TendctlRun *run,
                 gint64      service_id,
                 gpointer    user_data)
{
  IncidentsData *data = user_data;

  tend_store_query_incidents_async (run->store, service_id, data->limit, run->cancellable,
                                    query_incidents_cb, data);
}

static void
incidents_ready (TendctlRun *run,
                 gpointer    user_data)
{
  IncidentsData *data = user_data;

  data->run = run;
  tendctl_with_service (run, data->unit, query_incidents, data);
}

TendctlExit
tendctl_incidents (TendctlGlobalOptions  *global,
                   int                    argc,
                   char                 **argv)
{
  IncidentsData data = { NULL, };
  g_autofree char *limit = NULL;
  g_auto(GStrv) units = NULL;
  const GOptionEntry entries[] = {
    { "limit", 'n', 0, G_OPTION_ARG_STRING, &limit,
      N_("Show at most N incidents, the newest (1 to 1000000; the default is 50)"), "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &data.json,
      N_("Print a JSON array with one object per incident"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &units, NULL, NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!tendctl_parse_options ("incidents", "[UNIT]",
                              N_("Show incidents, newest first: a service's trouble from its first "
                                 "hard failure to its recovery, and what was done."),
                              entries, global, &argc, &argv))
    return TENDCTL_EXIT_USAGE;

  if (!tendctl_optional_unit ("incidents", units, &data.unit))
    return TENDCTL_EXIT_USAGE;

  data.limit = DEFAULT_INCIDENTS_LIMIT;
  if (limit != NULL && !parse_limit ("incidents", limit, &data.limit))
    return TENDCTL_EXIT_USAGE;

  return tendctl_run (global, TENDCTL_RUN_READ_ONLY,
                      incidents_ready, &data);
}

/* ------------------------------------------------------------------------------------ */
/* audit                                                                                 */

typedef struct
{
  TendctlRun *run;
  gboolean json;
  guint limit;
  gint64 since_usec;
} AuditData;

/* What an operation was done to: its unit, else its parameters ("key=… value=…"). */
static char *
dup_audit_target (const TendAuditRecord *record)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GString) out = NULL;
  JsonNode *root;
  JsonObject *object;
  JsonObjectIter iter;
  const char *member;
  JsonNode *node;

  if (record->unit != NULL)
    return g_strdup (record->unit);
  if (record->parameters == NULL)
    return g_strdup ("-");

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, record->parameters, -1, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return g_strdup (record->parameters);

  out = g_string_new (NULL);
  object = json_node_get_object (root);
  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &member, &node))
    {
      if (JSON_NODE_HOLDS_NULL (node))
        continue;
      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append_printf (out, "%s=", member);
      append_json_value (out, node);
    }
  return out->len > 0 ? g_string_free (g_steal_pointer (&out), FALSE) : g_strdup ("-");
}

static void
print_audit_json (GPtrArray *records)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; i < records->len; i++)
    {
      const TendAuditRecord *record = records->pdata[i];

      json_builder_begin_object (builder);
      tendctl_json_add_time (builder, "time", record->time_usec, TRUE);
      tend_json_add_string (builder, "user", record->unix_user);
      tend_json_add_string (builder, "origin", tend_audit_origin_to_string (record->origin));
      tend_json_add_string (builder, "host", record->host);
      tend_json_add_string (builder, "unit", record->unit);
      tend_json_add_string (builder, "operation", record->operation);
      json_add_embedded (builder, "parameters", record->parameters);
      tend_json_add_string (builder, "result", record->result);
      tend_json_add_string (builder, "error", record->error);
      tendctl_json_add_number (builder, "duration_usec", record->duration_usec >= 0,
                               record->duration_usec);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  root = json_builder_get_root (builder);
  tendctl_print_json (root, TRUE);
}

static void
print_audit_text (AuditData *data,
                  GPtrArray *records)
{
  g_autoptr(TendctlTable) table = NULL;
  g_autoptr(GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) out = g_string_new (NULL);

  if (records->len == 0)
    {
      g_string_append (out, _("-- No operations recorded --\n"));
      tendctl_write (stdout, out);
      return;
    }

  /* The outcome last: an error message is long. */
  table = tendctl_table_new (8, N_("TIME"), N_("USER"), N_("ORIGIN"), N_("HOST"), N_("TARGET"),
                             N_("OPERATION"), N_("DURATION"), N_("RESULT"));
  for (guint i = 0; i < records->len; i++)
    {
      const TendAuditRecord *record = records->pdata[i];
      char *time = tendctl_format_timestamp (record->time_usec);
      char *target = dup_audit_target (record);
      /* A refusal took no time: it was never sent. */
      char *duration = record->duration_usec > 0 ? format_latency (record->duration_usec)
                                                 : g_strdup ("-");
      char *outcome = record->error != NULL
                      /* Translators: an operation's outcome in tendctl audit; %s is the
                       * error as it was recorded */
                      ? g_strdup_printf (_("error: %s"), record->error)
                      : g_strdup (record->result != NULL ? record->result : "-");

      g_ptr_array_add (strings, time);
      g_ptr_array_add (strings, target);
      g_ptr_array_add (strings, duration);
      g_ptr_array_add (strings, outcome);
      tendctl_table_add_row (table, record->error != NULL, time, record->unix_user,
                             tend_audit_origin_to_string (record->origin),
                             record->host != NULL ? record->host : "-", target,
                             record->operation, duration, outcome);
    }

  tendctl_table_render (table, out, tendctl_use_color (stdout));
  append_limit_note (out, records->len, data->limit, "operations");
  tendctl_write (stdout, out);
}

static void
query_audit_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  AuditData *data = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = NULL;

  records = tend_store_query_audit_finish (TEND_STORE (object), result, &error);
  if (records == NULL)
    {
      tendctl_print_error ("%s", error->message);
      tendctl_run_quit (data->run, tendctl_exit_for_error (error));
      return;
    }

  if (data->json)
    print_audit_json (records);
  else
    print_audit_text (data, records);
  tendctl_run_quit (data->run, TENDCTL_EXIT_OK);
}

static void
audit_ready (TendctlRun *run,
             gpointer    user_data)
{
  AuditData *data = user_data;

  data->run = run;
  tend_store_query_audit_async (run->store, data->since_usec, data->limit, run->cancellable,
                                query_audit_cb, data);
}

TendctlExit
tendctl_audit (TendctlGlobalOptions  *global,
               int                    argc,
               char                 **argv)
{
  AuditData data = { NULL, };
  g_autofree char *since = NULL;
  g_autofree char *limit = NULL;
  g_auto(GStrv) rest = NULL;
  const GOptionEntry entries[] = {
    { "since", 0, 0, G_OPTION_ARG_STRING, &since,
      N_("Only operations from this time on: a duration ago (24h, 7d) or ISO 8601 "
         "(2026-11-21T10:00); by default all"), "TIME" },
    { "limit", 'n', 0, G_OPTION_ARG_STRING, &limit,
      N_("Show at most N operations, the newest (1 to 1000000; the default is 100)"), "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &data.json,
      N_("Print a JSON array with one object per operation"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &rest, NULL, NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!tendctl_parse_options ("audit", "",
                              N_("Show the audit log, newest first: every operation done through "
                                 "Tend (the window, tendctl, or Tend itself), refused and failed "
                                 "ones included."), entries, global, &argc, &argv))
    return TENDCTL_EXIT_USAGE;

  if (rest != NULL && rest[0] != NULL)
    {
      tendctl_usage_error ("audit", _("audit takes no arguments, but was given '%s'"), rest[0]);
      return TENDCTL_EXIT_USAGE;
    }

  data.limit = DEFAULT_AUDIT_LIMIT;
  data.since_usec = 0;
  if ((limit != NULL && !parse_limit ("audit", limit, &data.limit)) ||
      (since != NULL && !parse_time ("audit", "--since", since, g_get_real_time (),
                                     &data.since_usec)))
    return TENDCTL_EXIT_USAGE;

  return tendctl_run (global, TENDCTL_RUN_READ_ONLY | TENDCTL_RUN_NO_HOST,
                      audit_ready, &data);
}
