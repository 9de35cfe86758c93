/* tendctl-output.c — tables, JSON, colours, times and sizes for tendctl
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything tendctl prints is built in a GString and written with one fwrite():
 * the text is UTF-8 whatever the locale says (unit descriptions and journal messages
 * already are), and a list of a thousand units costs one write, not thousands.
 */
#define G_LOG_DOMAIN "Tendctl"

#include "tendctl-output.h"

#include <stdarg.h>
#include <unistd.h>

/* G_USEC_PER_SEC is an int: products of it overflow. */
#define USEC_PER_SEC  G_GINT64_CONSTANT (1000000)
#define USEC_PER_MIN  (60 * USEC_PER_SEC)
#define USEC_PER_HOUR (60 * USEC_PER_MIN)
#define USEC_PER_DAY  (24 * USEC_PER_HOUR)

/* ------------------------------------------------------------------------------------ */
/* Terminal and output                                                                   */

/**
 * tendctl_use_color:
 *
 * Colour only for a person: @stream is a terminal, NO_COLOR (https://no-color.org) is
 * unset or empty, and the terminal is not "dumb".
 */
gboolean
tendctl_use_color (FILE *stream)
{
  const char *no_color = g_getenv ("NO_COLOR");
  const char *term = g_getenv ("TERM");

  if (no_color != NULL && no_color[0] != '\0')
    return FALSE;
  if (g_strcmp0 (term, "dumb") == 0)
    return FALSE;
  return isatty (fileno (stream));
}

void
tendctl_write (FILE          *stream,
               const GString *text)
{
  if (text->len > 0)
    fwrite (text->str, 1, text->len, stream);
  fflush (stream);
}

/**
 * tendctl_print_names:
 * @items: structs with a `char *` name at @name_offset
 *
 * The --names output of a list: each name once, one a line, in the order of @items, and
 * nothing else (no header, no count), for scripts and for the shell's completion.
 */
void
tendctl_print_names (GPtrArray *items,
                     goffset    name_offset)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < items->len; i++)
    {
      const char *name = G_STRUCT_MEMBER (const char *, items->pdata[i], name_offset);

      if (name != NULL && g_hash_table_add (seen, (gpointer) name))
        g_string_append_printf (out, "%s\n", name);
    }
  tendctl_write (stdout, out);
}

void
tendctl_print_error (const char *format,
                     ...)
{
  g_autoptr(GString) line = g_string_new ("tendctl: ");
  va_list args;

  va_start (args, format);
  g_string_append_vprintf (line, format, args);
  va_end (args);
  g_string_append_c (line, '\n');

  /* What went before on stdout belongs before the error. */
  fflush (stdout);
  tendctl_write (stderr, line);
}

/**
 * tendctl_print_error_lines:
 * @text: one problem per line, as libtend lists the problems of an inventory
 *
 * Says each line as tendctl_print_error() says one.
 */
void
tendctl_print_error_lines (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    tendctl_print_error ("%s", lines[i]);
}

static gboolean
needs_escape (guchar c)
{
  return (c < 0x20 && c != '\t') || c == 0x7f;
}

/**
 * tendctl_append_sanitized:
 * @indent: (nullable): what to put after a newline in @text, to line continuation lines
 *   up; %NULL to turn newlines into spaces
 *
 * Appends @text so that it cannot drive the terminal: control characters other than
 * tabs (an escape sequence in a unit's log, say) are written as "\xNN".
 */
void
tendctl_append_sanitized (GString    *out,
                          const char *text,
                          const char *indent)
{
  const char *p;

  if (text == NULL)
    return;

  for (p = text; *p != '\0'; p++)
    if (needs_escape ((guchar) *p))
      break;
  if (*p == '\0')
    {
      g_string_append_len (out, text, p - text);
      return;
    }

  for (p = text; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c == '\n' && indent != NULL)
        {
          g_string_append_c (out, '\n');
          g_string_append (out, indent);
        }
      else if (c == '\n')
        g_string_append_c (out, ' ');
      else if (needs_escape (c))
        g_string_append_printf (out, "\\x%02x", c);
      else
        g_string_append_c (out, (char) c);
    }
}

/* ------------------------------------------------------------------------------------ */
/* Errors and exit statuses                                                              */

/**
 * tendctl_exit_for_error:
 *
 * The exit status for an error from libtend: its message is already meant for people,
 * its code says what kind of failure it was.
 */
TendctlExit
tendctl_exit_for_error (const GError *error)
{
  if (error == NULL)
    return TENDCTL_EXIT_OK;
  if (error->domain != TEND_ERROR)
    return TENDCTL_EXIT_FAILED;

  switch ((TendError) error->code)
    {
    case TEND_ERROR_INVALID_ARGUMENT:
      return TENDCTL_EXIT_USAGE;
    case TEND_ERROR_NOT_FOUND:
    case TEND_ERROR_NOT_WATCHED:
      return TENDCTL_EXIT_NOT_FOUND;
    case TEND_ERROR_PERMISSION_DENIED:
      return TENDCTL_EXIT_PERMISSION;
    case TEND_ERROR_UNREACHABLE:
      return TENDCTL_EXIT_UNREACHABLE;
    case TEND_ERROR_ACCESS_DENIED:
      return TENDCTL_EXIT_ACCESS;
    case TEND_ERROR_HOST_KEY_UNKNOWN:
    case TEND_ERROR_HOST_KEY_CHANGED:
      return TENDCTL_EXIT_HOST_KEY;
    case TEND_ERROR_AUTH_FAILED:
      return TENDCTL_EXIT_AUTH;
    case TEND_ERROR_FAILED:
    case TEND_ERROR_JOB_FAILED:
    case TEND_ERROR_TIMED_OUT:
    case TEND_ERROR_CANCELLED:
    case TEND_ERROR_NOT_SUPPORTED:
    case TEND_ERROR_BUSY:
    default:
      return TENDCTL_EXIT_FAILED;
    }
}

/**
 * tendctl_exit_worst:
 *
 * The more serious of two statuses. The order is authentication failed (8) > host key
 * unknown or changed (7) > access level (6) > unreachable (5) > permission denied (4) >
 * not found (3) > invalid input (2) > failed (1) > ok (0): a reason that would have
 * stopped every unit outranks one that concerns a unit. It happens to be the numeric
 * order, which tendctl.md promises.
 */
TendctlExit
tendctl_exit_worst (TendctlExit a,
                    TendctlExit b)
{
  return MAX (a, b);
}

/**
 * tendctl_error_code:
 *
 * Returns: a stable name for the kind of @error, for JSON output
 */
const char *
tendctl_error_code (const GError *error)
{
  static const char * const names[] = {
    [TEND_ERROR_FAILED] = "failed",
    [TEND_ERROR_INVALID_ARGUMENT] = "invalid-argument",
    [TEND_ERROR_NOT_FOUND] = "not-found",
    [TEND_ERROR_PERMISSION_DENIED] = "permission-denied",
    [TEND_ERROR_UNREACHABLE] = "unreachable",
    [TEND_ERROR_JOB_FAILED] = "job-failed",
    [TEND_ERROR_TIMED_OUT] = "timed-out",
    [TEND_ERROR_CANCELLED] = "cancelled",
    [TEND_ERROR_NOT_SUPPORTED] = "not-supported",
    [TEND_ERROR_BUSY] = "busy",
    [TEND_ERROR_NOT_WATCHED] = "not-watched",
    [TEND_ERROR_AUTH_FAILED] = "auth-failed",
    [TEND_ERROR_HOST_KEY_UNKNOWN] = "host-key-unknown",
    [TEND_ERROR_HOST_KEY_CHANGED] = "host-key-changed",
    [TEND_ERROR_ACCESS_DENIED] = "access-denied",
  };

  if (error == NULL)
    return NULL;
  if (error->domain == TEND_ERROR && error->code >= 0 && (gsize) error->code < G_N_ELEMENTS (names))
    return names[error->code];
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return "cancelled";
  return "failed";
}

/* ------------------------------------------------------------------------------------ */
/* JSON                                                                                  */

void
tendctl_print_json (JsonNode *node,
                    gboolean  pretty)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(GString) text = g_string_new (NULL);

  json_generator_set_pretty (generator, pretty);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, node);
  json_generator_to_gstring (generator, text);
  g_string_append_c (text, '\n');
  tendctl_write (stdout, text);
}

/* A unit's name, description and states, as `list --json` and `status --json` give them. */
void
tendctl_json_add_unit_states (JsonBuilder *builder,
                              TendService *service)
{
  tend_json_add_string (builder, "name", tend_service_get_name (service));
  tend_json_add_string (builder, "description", tend_service_get_description (service));
  tend_json_add_string (builder, "load_state", tend_service_get_load_state (service));
  tend_json_add_string (builder, "active_state", tend_service_get_active_state (service));
  tend_json_add_string (builder, "sub_state", tend_service_get_sub_state (service));
}

void
tendctl_json_add_number (JsonBuilder *builder,
                         const char  *member,
                         gboolean     known,
                         gint64       value)
{
  json_builder_set_member_name (builder, member);
  if (known)
    json_builder_add_int_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/* Adds @member as an array of strings, empty when @values is %NULL. */
void
tendctl_json_add_strv (JsonBuilder        *builder,
                       const char         *member,
                       const char * const *values)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    json_builder_add_string_value (builder, values[i]);
  json_builder_end_array (builder);
}

/* A time as @member (ISO 8601, UTC) and @member_usec (µs since the epoch); both null
 * unless @known. */
void
tendctl_json_add_time (JsonBuilder *builder,
                       const char  *member,
                       gint64       realtime_usec,
                       gboolean     known)
{
  g_autofree char *iso = known ? tend_time_format_iso8601 (realtime_usec) : NULL;
  g_autofree char *usec_member = g_strdup_printf ("%s_usec", member);

  tend_json_add_string (builder, member, iso);
  tendctl_json_add_number (builder, usec_member, known, realtime_usec);
}

/* A duration as @member, as Tend writes durations ("1h 30min"), and @member_usec. */
void
tendctl_json_add_duration (JsonBuilder *builder,
                           const char  *member,
                           gint64       usec)
{
  g_autofree char *shown = tend_duration_format (usec);
  g_autofree char *member_usec = g_strconcat (member, "_usec", NULL);

  tend_json_add_string (builder, member, shown);
  tendctl_json_add_number (builder, member_usec, TRUE, usec);
}

/* ------------------------------------------------------------------------------------ */
/* Formatting                                                                            */

/* "Mon 2024-01-15 10:00:00 CET", in local time, as systemctl writes it. */
char *
tendctl_format_timestamp (gint64 realtime_usec)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (realtime_usec / USEC_PER_SEC);

  if (time == NULL)
    return g_strdup ("?");
  return g_date_time_format (time, "%a %Y-%m-%d %H:%M:%S %Z");
}

/* "5min ago", "2h 3min ago", "1d 4h ago": the two largest units of the distance. */
char *
tendctl_format_relative (gint64 realtime_usec,
                         gint64 now_usec)
{
  static const struct {
    gint64 usec;
    const char *suffix;
  } units[] = {
    { 365 * USEC_PER_DAY, "y" },
    { USEC_PER_DAY, "d" },
    { USEC_PER_HOUR, "h" },
    { USEC_PER_MIN, "min" },
    { USEC_PER_SEC, "s" },
    { 1000, "ms" },
  };
  gboolean future = realtime_usec > now_usec;
  gint64 distance = future ? realtime_usec - now_usec : now_usec - realtime_usec;
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    {
      gint64 n = distance / units[i].usec;
      gint64 rest;

      if (n == 0)
        continue;

      g_string_append_printf (out, "%" G_GINT64_FORMAT "%s", n, units[i].suffix);
      rest = (distance % units[i].usec) / (i + 1 < G_N_ELEMENTS (units) ? units[i + 1].usec : 1);
      if (rest > 0 && i + 1 < G_N_ELEMENTS (units) && units[i].usec > USEC_PER_SEC)
        g_string_append_printf (out, " %" G_GINT64_FORMAT "%s", rest, units[i + 1].suffix);
      break;
    }

  if (out->len == 0)
    return g_strdup (_("just now"));
  if (future)
    /* Translators: %s is a duration ("8s", "2h 5min"): a time that is still to come */
    return g_strdup_printf (_("in %s"), out->str);
  /* Translators: %s is a duration ("8s", "2h 5min"): a time past */
  return g_strdup_printf (_("%s ago"), out->str);
}

/* CPU time: "830us", "12ms", "1.234s", "2min 3.456s", "3h 12min". */
char *
tendctl_format_nsec (guint64 nsec)
{
  gint64 usec = (gint64) MIN (nsec / 1000, (guint64) G_MAXINT64);

  if (usec < 1000)
    return g_strdup_printf ("%" G_GINT64_FORMAT "us", usec);
  if (usec < USEC_PER_SEC)
    return g_strdup_printf ("%" G_GINT64_FORMAT "ms", usec / 1000);
  if (usec < USEC_PER_MIN)
    return g_strdup_printf ("%.3fs", usec / (double) USEC_PER_SEC);
  if (usec < USEC_PER_HOUR)
    return g_strdup_printf ("%" G_GINT64_FORMAT "min %.3fs", usec / USEC_PER_MIN,
                            (usec % USEC_PER_MIN) / (double) USEC_PER_SEC);
  return g_strdup_printf ("%" G_GINT64_FORMAT "h %" G_GINT64_FORMAT "min",
                          usec / USEC_PER_HOUR, (usec % USEC_PER_HOUR) / USEC_PER_MIN);
}

/**
 * tendctl_append_when:
 * @reason: (nullable): a person's words about it, from the database
 *
 * Appends "Sun 2026-11-22 03:00:00 UTC (in 59min)", and ": @reason" if there is one.
 */
void
tendctl_append_when (GString    *out,
                     gint64      time_usec,
                     gint64      now_usec,
                     const char *reason)
{
  g_autofree char *when = tendctl_format_timestamp (time_usec);
  g_autofree char *relative = tendctl_format_relative (time_usec, now_usec);

  g_string_append_printf (out, "%s (%s)", when, relative);
  if (reason != NULL && *reason != '\0')
    {
      g_string_append (out, ": ");
      /* It must not drive the terminal. */
      tendctl_append_sanitized (out, reason, NULL);
    }
}

/**
 * tendctl_append_recovery:
 * @recovery: (nullable): a service's recovery status as the store holds it (JSON)
 * @health: (nullable): its health status, "healthy" …
 *
 * Appends "Recovery: next attempt in 8s (14:02:18): cooldown after the last recovery"
 * and a newline, for a service Tend acts on or holds back; nothing for one that is fine.
 */
void
tendctl_append_recovery (GString    *out,
                         const char *recovery,
                         const char *health)
{
  g_autoptr(TendRecoveryStatus) status = NULL;
  g_autofree char *text = NULL;

  if (recovery != NULL)
    status = tend_recovery_status_new_from_json (recovery, NULL);
  if (status == NULL ||
      (status->state == TEND_RECOVERY_STATE_IDLE && g_strcmp0 (health, "healthy") == 0))
    return;
  text = tend_recovery_status_describe (status, g_get_real_time ());
  if (*text == '\0')
    return;
  /* Translators: a label; what follows is the recovery's state, which is not translated */
  g_string_append (out, _("Recovery: "));
  tendctl_append_sanitized (out, text, NULL);
  g_string_append_c (out, '\n');
}

/**
 * tendctl_json_add_recovery:
 * @recovery: (nullable): a service's recovery status as the store holds it (JSON)
 *
 * Adds "recovery": {"state", "cause", "reason", "since", "until", "text"}, or null.
 */
void
tendctl_json_add_recovery (JsonBuilder *builder,
                           const char  *recovery)
{
  g_autoptr(TendRecoveryStatus) status = NULL;
  g_autofree char *since = NULL;
  g_autofree char *until = NULL;
  g_autofree char *text = NULL;

  json_builder_set_member_name (builder, "recovery");
  if (recovery != NULL)
    status = tend_recovery_status_new_from_json (recovery, NULL);
  if (status == NULL)
    {
      json_builder_add_null_value (builder);
      return;
    }
  since = tend_time_format_iso8601 (status->since_usec);
  until = status->until_usec > 0 ? tend_time_format_iso8601 (status->until_usec) : NULL;
  text = tend_recovery_status_describe (status, g_get_real_time ());
  json_builder_begin_object (builder);
  tend_json_add_string (builder, "state", tend_recovery_state_to_string (status->state));
  tend_json_add_string (builder, "cause", status->cause);
  tend_json_add_string (builder, "reason", status->reason);
  tend_json_add_string (builder, "since", since);
  tend_json_add_string (builder, "until", until);
  tend_json_add_string (builder, "text", text);
  json_builder_end_object (builder);
}

/* ------------------------------------------------------------------------------------ */
/* Tables                                                                                */

struct _TendctlTable
{
  guint n_columns;
  GPtrArray *cells;        /* (owned) of (unowned) strings, row after row, header first */
  GArray *highlight;       /* (owned) of gboolean, one per row, header included */
};

/**
 * tendctl_table_new:
 * @n_columns: how many columns, followed by as many header strings (static, marked with
 *   N_(): they are translated here)
 */
TendctlTable *
tendctl_table_new (guint n_columns,
                   ...)
{
  TendctlTable *table = g_new0 (TendctlTable, 1);
  gboolean no = FALSE;
  va_list args;

  g_assert (n_columns > 0);

  table->n_columns = n_columns;
  table->cells = g_ptr_array_sized_new (n_columns * 64);
  table->highlight = g_array_sized_new (FALSE, FALSE, sizeof (gboolean), 64);

  va_start (args, n_columns);
  for (guint i = 0; i < n_columns; i++)
    g_ptr_array_add (table->cells, (char *) _(va_arg (args, const char *)));
  va_end (args);
  g_array_append_val (table->highlight, no);

  return table;
}

void
tendctl_table_free (TendctlTable *table)
{
  g_ptr_array_unref (table->cells);
  g_array_unref (table->highlight);
  g_free (table);
}

/**
 * tendctl_table_add_row:
 * @highlight: whether to print the row in red (where colour is used)
 *
 * Followed by one string per column, which must outlive the table; %NULL prints as
 * nothing.
 */
void
tendctl_table_add_row (TendctlTable *table,
                       gboolean      highlight,
                       ...)
{
  va_list args;

  va_start (args, highlight);
  for (guint i = 0; i < table->n_columns; i++)
    g_ptr_array_add (table->cells, va_arg (args, char *));
  va_end (args);
  g_array_append_val (table->highlight, highlight);
}

guint
tendctl_table_get_n_rows (TendctlTable *table)
{
  return table->highlight->len - 1;
}

static gsize
text_width (const char *text)
{
  gsize len = 0;

  if (text == NULL)
    return 0;

  /* Counting characters, not bytes: a description in Greek lines up too. */
  for (const char *p = text; *p != '\0'; p++)
    if (((guchar) *p & 0xc0) != 0x80)
      len++;
  return len;
}

void
tendctl_table_render (TendctlTable *table,
                      GString      *out,
                      gboolean      color)
{
  guint n_rows = table->highlight->len;
  g_autofree gsize *widths = g_new0 (gsize, table->n_columns);
  const char **cells = (const char **) table->cells->pdata;

  for (guint row = 0; row < n_rows; row++)
    for (guint col = 0; col + 1 < table->n_columns; col++)
      widths[col] = MAX (widths[col], text_width (cells[row * table->n_columns + col]));

  for (guint row = 0; row < n_rows; row++)
    {
      const char *start = color && row == 0 ? TENDCTL_COLOR_BOLD
                          : color && g_array_index (table->highlight, gboolean, row)
                          ? TENDCTL_COLOR_RED : NULL;

      if (start != NULL)
        g_string_append (out, start);

      for (guint col = 0; col < table->n_columns; col++)
        {
          const char *cell = cells[row * table->n_columns + col];

          tendctl_append_sanitized (out, cell, NULL);
          if (col + 1 < table->n_columns)
            {
              gsize pad = widths[col] - text_width (cell) + 1;

              for (gsize i = 0; i < pad; i++)
                g_string_append_c (out, ' ');
            }
        }

      while (out->len > 0 && out->str[out->len - 1] == ' ')
        g_string_truncate (out, out->len - 1);
      if (start != NULL)
        g_string_append (out, TENDCTL_COLOR_RESET);
      g_string_append_c (out, '\n');
    }
}
