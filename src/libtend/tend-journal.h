/* tend-journal.h — reading `journalctl -o json`, shared by the local and SSH backends
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include "tend-json-lib.h"

#include "tend-types.h"

G_BEGIN_DECLS

/* One journal entry */

#define TEND_TYPE_JOURNAL_ENTRY (tend_journal_entry_get_type ())

/**
 * TendJournalEntry:
 * @realtime_usec: when the entry was written, in microseconds since the epoch
 *   (`__REALTIME_TIMESTAMP`)
 * @priority: the syslog priority, 0 (emerg) to 7 (debug), or -1 when the entry has none
 * @message: (nullable): the message as valid UTF-8 (bytes that are not UTF-8 are replaced
 *   by U+FFFD), or %NULL when the entry has no MESSAGE or journalctl left it out (null)
 * @identifier: (nullable): `SYSLOG_IDENTIFIER`, else `_COMM`
 * @pid: `_PID`, or 0 when absent
 * @unit: (nullable): the unit the entry is about: the first of `USER_UNIT`, `UNIT`
 *   (set by a service manager on its messages about a unit), `_SYSTEMD_USER_UNIT`,
 *   `_SYSTEMD_UNIT` (the unit of the process that logged)
 * @cursor: (nullable): `__CURSOR`, to resume reading after this entry
 *
 * All strings are owned by the entry.
 */
struct _TendJournalEntry
{
  gint64  realtime_usec;
  int     priority;
  char   *message;
  char   *identifier;
  gint64  pid;
  char   *unit;
  char   *cursor;
};

GType             tend_journal_entry_get_type       (void) G_GNUC_CONST;
TendJournalEntry *tend_journal_entry_new_from_json  (const char              *line,
                                                     gssize                   length,
                                                     GError                 **error);
TendJournalEntry *tend_journal_entry_copy           (const TendJournalEntry  *entry);
void              tend_journal_entry_free           (TendJournalEntry        *entry);
JsonNode         *tend_journal_entry_to_json        (const TendJournalEntry  *entry);
char             *tend_journal_entry_format_prefix  (const TendJournalEntry  *entry);
char             *tend_journal_entry_format         (const TendJournalEntry  *entry);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TendJournalEntry, tend_journal_entry_free)

/* Priorities */

int               tend_journal_priority_from_string (const char              *text,
                                                     GError                 **error);
const char       *tend_journal_priority_to_string   (int                      priority);

/* The journalctl command line */

/**
 * TendJournalQuery:
 * @n_entries: how many of the latest entries to show; 0 for all of them
 * @max_priority: show entries of this priority or more severe (0–6); -1 or 7 for all
 *   entries, including those without a priority
 * @follow: keep reading new entries as they are written
 */
typedef struct
{
  guint    n_entries;
  int      max_priority;
  gboolean follow;
} TendJournalQuery;

char            **tend_journal_build_argv           (const char              *journalctl,
                                                     const char              *unit,
                                                     const TendJournalQuery  *query,
                                                     GError                 **error);

/* Reading a stream of entries */

#define TEND_TYPE_JOURNAL_READER (tend_journal_reader_get_type ())

G_DECLARE_FINAL_TYPE (TendJournalReader, tend_journal_reader, TEND, JOURNAL_READER, GObject)

TendJournalReader *tend_journal_reader_new            (GInputStream         *stream);
GInputStream      *tend_journal_reader_get_stream     (TendJournalReader    *self);
guint              tend_journal_reader_get_skipped    (TendJournalReader    *self);
void               tend_journal_reader_start          (TendJournalReader    *self,
                                                       GCancellable         *cancellable);
void               tend_journal_reader_read_all_async (TendJournalReader    *self,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
GPtrArray         *tend_journal_reader_read_all_finish (TendJournalReader   *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

G_END_DECLS
