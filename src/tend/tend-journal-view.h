/* tend-journal-view.h — the journal of a unit: last lines, follow, priority, search, copy
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <tend.h>

G_BEGIN_DECLS

#define TEND_TYPE_JOURNAL_VIEW (tend_journal_view_get_type ())
G_DECLARE_FINAL_TYPE (TendJournalView, tend_journal_view, TEND, JOURNAL_VIEW, GtkWidget)

GtkWidget   *tend_journal_view_new              (void);
TendService *tend_journal_view_get_service      (TendJournalView *self);
void         tend_journal_view_set_service      (TendJournalView *self,
                                                 TendService     *service);
gboolean     tend_journal_view_get_follow       (TendJournalView *self);
void         tend_journal_view_set_follow       (TendJournalView *self,
                                                 gboolean         follow);
int          tend_journal_view_get_max_priority (TendJournalView *self);
void         tend_journal_view_set_max_priority (TendJournalView *self,
                                                 int              max_priority);
const char  *tend_journal_view_get_search_text  (TendJournalView *self);
void         tend_journal_view_set_search_text  (TendJournalView *self,
                                                 const char      *search_text);
GListModel  *tend_journal_view_get_shown        (TendJournalView *self);
gboolean     tend_journal_view_get_reading      (TendJournalView *self);

G_END_DECLS
