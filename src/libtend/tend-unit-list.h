/* tend-unit-list.h — the summary of many units, as a backend lists them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "tend-types.h"

G_BEGIN_DECLS

/**
 * TendUnitInfo:
 *
 * One line of a unit list: what systemd's ListUnits (and, for units that are not
 * loaded, ListUnitFiles) says of a unit. Strings belong to the list; %NULL means the
 * backend does not know.
 */
typedef struct
{
  const char *name;
  const char *description;
  const char *load_state;
  const char *active_state;
  const char *sub_state;
  const char *job_type;          /* "" when no job is queued */
  const char *unit_file_state;
  const char *fragment_path;
} TendUnitInfo;


#define TEND_TYPE_UNIT_LIST (tend_unit_list_get_type ())
GType               tend_unit_list_get_type   (void) G_GNUC_CONST;

TendUnitList       *tend_unit_list_new        (guint               reserve);
TendUnitList       *tend_unit_list_ref        (TendUnitList       *self);
void                tend_unit_list_unref      (TendUnitList       *self);
void                tend_unit_list_add        (TendUnitList       *self,
                                               const TendUnitInfo *info);
void                tend_unit_list_add_borrowed (TendUnitList     *self,
                                               const TendUnitInfo *info);
void                tend_unit_list_hold       (TendUnitList       *self,
                                               gpointer            storage,
                                               GDestroyNotify      destroy);
guint               tend_unit_list_get_length (TendUnitList       *self);
const TendUnitInfo *tend_unit_list_get        (TendUnitList       *self,
                                               guint               index);
const TendUnitInfo *tend_unit_list_lookup     (TendUnitList       *self,
                                               const char         *name);

TendUnitList       *tend_unit_list_merge_unit_files (TendUnitList *loaded,
                                                     TendUnitList *files);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TendUnitList, tend_unit_list_unref)

G_END_DECLS
