/* tend-journal-line.c — see tend-journal-line.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The item is immutable: its properties are what the cells of the journal view bind to
 * (the time as shown, the priority as a word, an icon and style classes, so that it is
 * never told by colour alone, and the message).
 */
#define G_LOG_DOMAIN "Tend"

#include "config.h"

#include <glib/gi18n.h>

#include "tend-journal-line.h"

struct _TendJournalLine
{
  GObject           parent_instance;

  TendJournalEntry *entry;  /* (owned) */
};

G_DEFINE_FINAL_TYPE (TendJournalLine, tend_journal_line, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TIME_TEXT,
  PROP_DATE_TEXT,
  PROP_PRIORITY,
  PROP_PRIORITY_TEXT,
  PROP_PRIORITY_ICON,
  PROP_PRIORITY_CLASSES,
  PROP_MESSAGE,
  PROP_MESSAGE_CLASSES,
  PROP_SOURCE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *
priority_text (int priority)
{
  switch (priority)
    {
    case 0: return C_("log priority", "Emergency");
    case 1: return C_("log priority", "Alert");
    case 2: return C_("log priority", "Critical");
    case 3: return C_("log priority", "Error");
    case 4: return C_("log priority", "Warning");
    case 5: return C_("log priority", "Notice");
    case 6: return C_("log priority", "Info");
    case 7: return C_("log priority", "Debug");
    default: return "";
    }
}

static const char *
priority_icon (int priority)
{
  if (priority >= 0 && priority <= 3)
    return "dialog-error-symbolic";
  if (priority == 4)
    return "dialog-warning-symbolic";
  if (priority == 5)
    return "dialog-information-symbolic";
  return NULL;
}

static const char * const *
priority_classes (int priority)
{
  static const char * const error[] = { "error", NULL };
  static const char * const warning[] = { "warning", NULL };
  static const char * const notice[] = { "accent", NULL };
  static const char * const dim[] = { "dim-label", NULL };
  static const char * const none[] = { NULL };

  if (priority >= 0 && priority <= 3)
    return error;
  if (priority == 4)
    return warning;
  if (priority == 5)
    return notice;
  if (priority == 7)
    return dim;
  return none;
}

static const char * const *
message_classes (int priority)
{
  static const char * const error[] = { "monospace", "error", NULL };
  static const char * const dim[] = { "monospace", "dim-label", NULL };
  static const char * const plain[] = { "monospace", NULL };

  if (priority >= 0 && priority <= 3)
    return error;
  if (priority == 7)
    return dim;
  return plain;
}

static char *
format_local (gint64      usec,
              const char *format)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (usec / G_USEC_PER_SEC);

  return time != NULL ? g_date_time_format (time, format) : g_strdup ("");
}

static void
tend_journal_line_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  TendJournalLine *self = TEND_JOURNAL_LINE (object);
  const TendJournalEntry *entry = self->entry;

  switch (prop_id)
    {
    case PROP_TIME_TEXT:
      g_value_take_string (value, format_local (entry->realtime_usec, "%H:%M:%S"));
      break;

    case PROP_DATE_TEXT:
      /* TRANSLATORS: when a journal line was written, in its tooltip */
      g_value_take_string (value, format_local (entry->realtime_usec, _("%A %-d %B %Y, %H:%M:%S")));
      break;

    case PROP_PRIORITY:
      g_value_set_int (value, entry->priority);
      break;

    case PROP_PRIORITY_TEXT:
      g_value_set_string (value, priority_text (entry->priority));
      break;

    case PROP_PRIORITY_ICON:
      g_value_set_string (value, priority_icon (entry->priority));
      break;

    case PROP_PRIORITY_CLASSES:
      g_value_set_boxed (value, priority_classes (entry->priority));
      break;

    case PROP_MESSAGE:
      g_value_set_string (value, entry->message ? entry->message : "");
      break;

    case PROP_MESSAGE_CLASSES:
      g_value_set_boxed (value, message_classes (entry->priority));
      break;

    case PROP_SOURCE:
      {
        const char *name = entry->identifier ? entry->identifier : entry->unit;

        if (entry->pid > 0)
          g_value_take_string (value, g_strdup_printf ("%s[%" G_GINT64_FORMAT "]",
                                                       name ? name : "", entry->pid));
        else
          g_value_set_string (value, name);
      }
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_journal_line_finalize (GObject *object)
{
  TendJournalLine *self = TEND_JOURNAL_LINE (object);

  g_clear_pointer (&self->entry, tend_journal_entry_free);

  G_OBJECT_CLASS (tend_journal_line_parent_class)->finalize (object);
}

static GParamSpec *
readable_string (const char *name)
{
  return g_param_spec_string (name, NULL, NULL, NULL,
                              (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS |
                               G_PARAM_EXPLICIT_NOTIFY));
}

static GParamSpec *
readable_strv (const char *name)
{
  return g_param_spec_boxed (name, NULL, NULL, G_TYPE_STRV,
                             (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS |
                              G_PARAM_EXPLICIT_NOTIFY));
}

static void
tend_journal_line_class_init (TendJournalLineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tend_journal_line_finalize;
  object_class->get_property = tend_journal_line_get_property;

  /* "14:03:07", in local time */
  properties[PROP_TIME_TEXT] = readable_string ("time-text");
  /* the date and time in full, for the tooltip */
  properties[PROP_DATE_TEXT] = readable_string ("date-text");
  /* the syslog priority, 0 (emerg) to 7 (debug), or -1 */
  properties[PROP_PRIORITY] =
    g_param_spec_int ("priority", NULL, NULL, -1, 7, -1,
                      (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));
  /* the priority as a word: "Error", "Warning" … ("" for none) */
  properties[PROP_PRIORITY_TEXT] = readable_string ("priority-text");
  /* an icon for the severe priorities (error, warning, notice), else NULL */
  properties[PROP_PRIORITY_ICON] = readable_string ("priority-icon");
  /* style classes of the priority's cell: "error", "warning", "accent", "dim-label" */
  properties[PROP_PRIORITY_CLASSES] = readable_strv ("priority-classes");
  properties[PROP_MESSAGE] = readable_string ("message");
  /* style classes of the message: monospace, and "error" for errors */
  properties[PROP_MESSAGE_CLASSES] = readable_strv ("message-classes");
  /* who wrote it: "nginx[1234]" */
  properties[PROP_SOURCE] = readable_string ("source");

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tend_journal_line_init (TendJournalLine *self)
{
}

/**
 * tend_journal_line_new:
 * @entry: the entry, copied
 */
TendJournalLine *
tend_journal_line_new (const TendJournalEntry *entry)
{
  TendJournalLine *self;

  g_return_val_if_fail (entry != NULL, NULL);

  self = g_object_new (TEND_TYPE_JOURNAL_LINE, NULL);
  self->entry = tend_journal_entry_copy (entry);
  return self;
}

const TendJournalEntry *
tend_journal_line_get_entry (TendJournalLine *self)
{
  g_return_val_if_fail (TEND_IS_JOURNAL_LINE (self), NULL);
  return self->entry;
}

const char *
tend_journal_line_get_message (TendJournalLine *self)
{
  g_return_val_if_fail (TEND_IS_JOURNAL_LINE (self), NULL);
  return self->entry->message ? self->entry->message : "";
}

int
tend_journal_line_get_priority (TendJournalLine *self)
{
  g_return_val_if_fail (TEND_IS_JOURNAL_LINE (self), -1);
  return self->entry->priority;
}

/**
 * tend_journal_line_dup_text:
 *
 * Returns: (transfer full): the line as it is copied: time, source and message
 */
char *
tend_journal_line_dup_text (TendJournalLine *self)
{
  g_return_val_if_fail (TEND_IS_JOURNAL_LINE (self), NULL);
  return tend_journal_entry_format (self->entry);
}
