/* tend-journal-line.h — one journal entry as a list item of the journal view
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <tend.h>

G_BEGIN_DECLS

#define TEND_TYPE_JOURNAL_LINE (tend_journal_line_get_type ())
G_DECLARE_FINAL_TYPE (TendJournalLine, tend_journal_line, TEND, JOURNAL_LINE, GObject)

TendJournalLine        *tend_journal_line_new          (const TendJournalEntry *entry);
const TendJournalEntry *tend_journal_line_get_entry    (TendJournalLine        *self);
const char             *tend_journal_line_get_message  (TendJournalLine        *self);
int                     tend_journal_line_get_priority (TendJournalLine        *self);
char                   *tend_journal_line_dup_text     (TendJournalLine        *self);

G_END_DECLS
