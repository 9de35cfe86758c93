/* tend-cgroup-private.h — a unit's figures read from its control group's files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The figures systemd reports of a running unit, and the one Tend adds. */
typedef enum
{
  TEND_CGROUP_MEMORY = 1 << 0,   /* MemoryCurrent: the cgroup's memory */
  TEND_CGROUP_RSS    = 1 << 1,   /* X-Tend-MemoryRSS: the summed RSS of its processes */
  TEND_CGROUP_CPU    = 1 << 2,   /* CPUUsageNSec */
  TEND_CGROUP_TASKS  = 1 << 3,   /* TasksCurrent */
} TendCgroupFigures;

char     *tend_cgroup_of_process (guint        pid,
                                 const char  *unit);

GVariant *tend_cgroup_read (const char         *control_group,
                            TendCgroupFigures   figures,
                            guint               main_pid,
                            GError            **error);

G_END_DECLS
