/* tend-unit-list.c — the summary of many units, as a backend lists them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Listing is on the hot path of every refresh (a thousand units several times a
 * minute), so a list is one array of plain structs: no per-unit objects or dictionaries
 * are built until a TendService needs them. Strings are either copied into the list's
 * string chunk, or borrowed from storage the list holds (a D-Bus reply) and not copied
 * at all.
 */
#define G_LOG_DOMAIN "Tend-Hosts"

#include "tend-unit-list.h"

struct _TendUnitList
{
  gatomicrefcount ref_count;
  GArray *units;          /* (owned) of TendUnitInfo */
  GStringChunk *strings;  /* (owned) every string the infos point to */
  GHashTable *by_name;    /* (owned) (nullable) name → index + 1, built on first lookup */
  GPtrArray *held;        /* (owned) (nullable) storage that borrowed strings live in */
};

G_DEFINE_BOXED_TYPE (TendUnitList, tend_unit_list, tend_unit_list_ref, tend_unit_list_unref)

TendUnitList *
tend_unit_list_new (guint reserve)
{
  TendUnitList *self = g_new0 (TendUnitList, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->units = g_array_sized_new (FALSE, FALSE, sizeof (TendUnitInfo), reserve);
  self->strings = g_string_chunk_new (MAX (reserve, 16) * 64);
  return self;
}

TendUnitList *
tend_unit_list_ref (TendUnitList *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
tend_unit_list_unref (TendUnitList *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_array_unref (self->units);
  g_string_chunk_free (self->strings);
  for (guint i = 0; self->held != NULL && i < self->held->len; i += 2)
    ((GDestroyNotify) self->held->pdata[i + 1]) (self->held->pdata[i]);
  g_clear_pointer (&self->by_name, g_hash_table_unref);
  g_clear_pointer (&self->held, g_ptr_array_unref);
  g_free (self);
}

static const char *
keep (TendUnitList *self,
      const char   *text)
{
  return text != NULL ? g_string_chunk_insert (self->strings, text) : NULL;
}

/**
 * tend_unit_list_add:
 * @info: the unit; its strings are copied, and its name must not be %NULL
 */
void
tend_unit_list_add (TendUnitList       *self,
                    const TendUnitInfo *info)
{
  TendUnitInfo copy;

  g_return_if_fail (self != NULL);
  g_return_if_fail (info != NULL && info->name != NULL);

  copy.name = keep (self, info->name);
  copy.description = keep (self, info->description);
  copy.load_state = keep (self, info->load_state);
  copy.active_state = keep (self, info->active_state);
  copy.sub_state = keep (self, info->sub_state);
  copy.job_type = keep (self, info->job_type);
  copy.unit_file_state = keep (self, info->unit_file_state);
  copy.fragment_path = keep (self, info->fragment_path);
  g_array_append_val (self->units, copy);
  g_clear_pointer (&self->by_name, g_hash_table_unref);
}

/**
 * tend_unit_list_hold:
 * @storage: what strings given to tend_unit_list_add_borrowed() live in
 * @destroy: frees @storage with the list
 */
void
tend_unit_list_hold (TendUnitList   *self,
                     gpointer        storage,
                     GDestroyNotify  destroy)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (destroy != NULL);

  if (self->held == NULL)
    self->held = g_ptr_array_new ();
  g_ptr_array_set_free_func (self->held, NULL);
  g_ptr_array_add (self->held, storage);
  g_ptr_array_add (self->held, (gpointer) destroy);
}

/**
 * tend_unit_list_add_borrowed:
 * @info: the unit; its strings must live as long as the list, in storage given to
 *   tend_unit_list_hold()
 */
void
tend_unit_list_add_borrowed (TendUnitList       *self,
                             const TendUnitInfo *info)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (info != NULL && info->name != NULL);

  g_array_append_vals (self->units, info, 1);
  g_clear_pointer (&self->by_name, g_hash_table_unref);
}

guint
tend_unit_list_get_length (TendUnitList *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->units->len;
}

const TendUnitInfo *
tend_unit_list_get (TendUnitList *self,
                    guint         index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->units->len, NULL);
  return &g_array_index (self->units, TendUnitInfo, index);
}

/**
 * tend_unit_list_lookup:
 *
 * Returns: (nullable): the unit named @name
 */
const TendUnitInfo *
tend_unit_list_lookup (TendUnitList *self,
                       const char   *name)
{
  gpointer index;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (self->by_name == NULL)
    {
      self->by_name = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint i = 0; i < self->units->len; i++)
        g_hash_table_insert (self->by_name,
                             (gpointer) g_array_index (self->units, TendUnitInfo, i).name,
                             GUINT_TO_POINTER (i + 1));
    }

  index = g_hash_table_lookup (self->by_name, name);
  return index != NULL ? tend_unit_list_get (self, GPOINTER_TO_UINT (index) - 1) : NULL;
}

/**
 * tend_unit_list_merge_unit_files:
 * @loaded: the units a manager has loaded
 * @files: its installed unit files
 *
 * The loaded units, with their unit-file state where a file is installed, then the
 * installed files that are not loaded (TEND_LIST_UNIT_FILES, for every backend).
 * The result borrows from both lists and holds them.
 */
TendUnitList *
tend_unit_list_merge_unit_files (TendUnitList *loaded,
                                 TendUnitList *files)
{
  guint n_loaded = tend_unit_list_get_length (loaded);
  guint n_files = tend_unit_list_get_length (files);
  TendUnitList *merged = tend_unit_list_new (n_loaded + n_files);

  tend_unit_list_hold (merged, tend_unit_list_ref (loaded), (GDestroyNotify) tend_unit_list_unref);
  tend_unit_list_hold (merged, tend_unit_list_ref (files), (GDestroyNotify) tend_unit_list_unref);
  for (guint i = 0; i < n_loaded; i++)
    {
      TendUnitInfo info = *tend_unit_list_get (loaded, i);
      const TendUnitInfo *file = tend_unit_list_lookup (files, info.name);

      if (file != NULL)
        info.unit_file_state = file->unit_file_state;
      tend_unit_list_add_borrowed (merged, &info);
    }

  for (guint i = 0; i < n_files; i++)
    {
      const TendUnitInfo *file = tend_unit_list_get (files, i);

      if (tend_unit_list_lookup (loaded, file->name) == NULL)
        tend_unit_list_add_borrowed (merged, file);
    }

  return merged;
}
