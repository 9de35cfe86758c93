/* tend-resources-check.h — memory, CPU and tasks of a unit against thresholds
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tend-check.h"

G_BEGIN_DECLS

#define TEND_TYPE_RESOURCES_CHECK (tend_resources_check_get_type ())
G_DECLARE_FINAL_TYPE (TendResourcesCheck, tend_resources_check, TEND, RESOURCES_CHECK, TendCheck)

/* A threshold of 0 is no threshold. */
TendCheck  *tend_resources_check_new                   (const char          *name,
                                                        TendHost            *host,
                                                        const char          *unit,
                                                        GError             **error);

TendHost   *tend_resources_check_get_host              (TendResourcesCheck  *self);
const char *tend_resources_check_get_unit              (TendResourcesCheck  *self);

gboolean    tend_resources_check_set_memory_thresholds (TendResourcesCheck  *self,
                                                        guint64              warn_bytes,
                                                        guint64              critical_bytes,
                                                        GError             **error);
gboolean    tend_resources_check_set_cpu_thresholds    (TendResourcesCheck  *self,
                                                        double               warn_percent,
                                                        double               critical_percent,
                                                        GError             **error);
gboolean    tend_resources_check_set_tasks_thresholds  (TendResourcesCheck  *self,
                                                        guint64              warn_tasks,
                                                        guint64              critical_tasks,
                                                        GError             **error);

void        tend_resources_check_get_memory_thresholds (TendResourcesCheck  *self,
                                                        guint64             *warn_bytes,
                                                        guint64             *critical_bytes);
void        tend_resources_check_get_cpu_thresholds    (TendResourcesCheck  *self,
                                                        double              *warn_percent,
                                                        double              *critical_percent);
void        tend_resources_check_get_tasks_thresholds  (TendResourcesCheck  *self,
                                                        guint64             *warn_tasks,
                                                        guint64             *critical_tasks);

G_END_DECLS
