/* tend-cgroup.c — a unit's figures read from its control group's files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What systemd answers over D-Bus for a running unit's MemoryCurrent, CPUUsageNSec and
 * TasksCurrent comes from files of the unit's control group, and Tend's own figure
 * where systemd has no memory (the summed RSS of the unit's processes, as
 * GetUnitProcesses and /proc give it) from its cgroup.procs and /proc. Reading them
 * here costs a few small reads of /sys and /proc and wakes no other thread, where a
 * D-Bus read of the unit costs round trips through the bus and systemd.
 *
 * The files are the ones systemd reads (systemd 252): on the unified hierarchy
 * (cgroup v2) memory.current, cpu.stat's usage_usec and pids.current in the unit's
 * directory; on the legacy and hybrid ones the v1 controllers' memory.usage_in_bytes,
 * cpuacct.usage and pids.current. The processes are listed from the hierarchy systemd
 * tracks them in (the unified one where it is mounted, else name=systemd), the unit's
 * directory and those below it.
 *
 * Only the figures asked for are read — the ones systemd reported at the caller's last
 * D-Bus read, so that both ways give the same figures — and a figure that cannot be read
 * is an error naming the file: the caller then reads the unit over D-Bus.
 */
#define G_LOG_DOMAIN "Tend-Checks"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tend-cgroup-private.h"
#include "tend-error.h"
#include "tend-service.h"

#define CGROUP_ROOT "/sys/fs/cgroup"

typedef enum
{
  LAYOUT_UNIFIED,    /* cgroup v2 only */
  LAYOUT_HYBRID,     /* v1 controllers, v2 at /sys/fs/cgroup/unified for the processes */
  LAYOUT_LEGACY,     /* v1 only, processes in name=systemd */
} Layout;

static Layout
layout (void)
{
  static gsize once = 0;
  static Layout value;

  if (g_once_init_enter (&once))
    {
      if (access (CGROUP_ROOT "/cgroup.controllers", F_OK) == 0)
        value = LAYOUT_UNIFIED;
      else if (access (CGROUP_ROOT "/unified/cgroup.controllers", F_OK) == 0)
        value = LAYOUT_HYBRID;
      else
        value = LAYOUT_LEGACY;
      g_once_init_leave (&once, 1);
    }
  return value;
}

/* The first number in @path, or FALSE with @error naming the file. */
static gboolean
read_number (const char  *path,
             const char  *key,
             guint64      scale,
             guint64     *value,
             GError     **error)
{
  g_autofree char *contents = NULL;
  const char *at;
  char *end;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_NOT_FOUND, "cannot read %s", path);
      return FALSE;
    }
  at = contents;
  if (key != NULL)
    {
      /* "usage_usec 1519\n" among the lines of cpu.stat */
      gsize len = strlen (key);

      for (at = contents; at != NULL; at = strchr (at, '\n'), at = at ? at + 1 : NULL)
        if (strncmp (at, key, len) == 0 && at[len] == ' ')
          break;
      if (at == NULL)
        {
          g_set_error (error, TEND_ERROR, TEND_ERROR_NOT_FOUND, "no %s in %s", key, path);
          return FALSE;
        }
      at += len + 1;
    }
  errno = 0;
  *value = g_ascii_strtoull (at, &end, 10);
  if (end == at || errno != 0)
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_NOT_FOUND, "no number in %s", path);
      return FALSE;
    }
  *value *= scale;
  return TRUE;
}

/* A v1 controller's file of the unit; "cpuacct" may be mounted with "cpu". */
static char *
v1_path (const char *controller,
         const char *control_group,
         const char *file)
{
  char *path = g_strconcat (CGROUP_ROOT "/", controller, control_group, "/", file, NULL);

  if (g_str_equal (controller, "cpuacct") && access (path, F_OK) != 0)
    {
      g_free (path);
      path = g_strconcat (CGROUP_ROOT "/cpu,cpuacct", control_group, "/", file, NULL);
    }
  return path;
}

static char *
figure_path (const char *control_group,
             const char *v2_file,
             const char *v1_controller,
             const char *v1_file)
{
  if (layout () == LAYOUT_UNIFIED)
    return g_strconcat (CGROUP_ROOT, control_group, "/", v2_file, NULL);
  return v1_path (v1_controller, control_group, v1_file);
}

/* Adds the resident size of the processes of @dir and the directories below it. */
static gboolean
sum_rss (const char *dir,
         long        page_size,
         guint       main_pid,
         gboolean   *main_seen,
         guint64    *total,
         guint      *n_read,
         GError    **error)
{
  g_autofree char *procs_path = g_build_filename (dir, "cgroup.procs", NULL);
  g_autofree char *procs = NULL;
  DIR *children;
  struct dirent *entry;
  char *line, *next;

  if (!g_file_get_contents (procs_path, &procs, NULL, NULL))
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_NOT_FOUND, "cannot read %s", procs_path);
      return FALSE;
    }
  for (line = procs; *line != '\0'; line = next)
    {
      guint64 pid = g_ascii_strtoull (line, &next, 10);
      char statm_path[64];
      char statm[128];
      guint64 size, resident;
      FILE *f;

      if (next == line)
        break;
      while (*next == '\n')
        next++;
      if (pid == main_pid)
        *main_seen = TRUE;
      g_snprintf (statm_path, sizeof statm_path, "/proc/%" G_GUINT64_FORMAT "/statm", pid);
      f = fopen (statm_path, "re");
      if (f == NULL)
        continue;  /* it ended meanwhile */
      if (fgets (statm, sizeof statm, f) != NULL &&
          sscanf (statm, "%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT, &size, &resident) == 2)
        {
          *total += resident * (guint64) page_size;
          (*n_read)++;
        }
      fclose (f);
    }

  /* The groups below it: cgroupfs tells a directory by d_type, no stat needed. */
  children = opendir (dir);
  while (children != NULL && (entry = readdir (children)) != NULL)
    {
      g_autofree char *child = NULL;

      if (entry->d_type != DT_DIR || entry->d_name[0] == '.')
        continue;
      child = g_build_filename (dir, entry->d_name, NULL);
      if (!sum_rss (child, page_size, main_pid, main_seen, total, n_read, error))
        {
          closedir (children);
          return FALSE;
        }
    }
  if (children != NULL)
    closedir (children);
  return TRUE;
}

/**
 * tend_cgroup_of_process:
 * @pid: a process of @unit (its main process)
 * @unit: the unit's name
 *
 * The unit's control group as /proc/@pid/cgroup tells it, in the hierarchy systemd
 * tracks processes in, cut after the component named @unit (a process may sit in a
 * group below its unit's, with Delegate=): for a backend that does not read the
 * unit's ControlGroup.
 *
 * Returns: (transfer full) (nullable): "/app.slice/web.service", or %NULL when the
 *   process is gone or not in a group of @unit
 */
char *
tend_cgroup_of_process (guint       pid,
                        const char *unit)
{
  g_autofree char *path = g_strdup_printf ("/proc/%u/cgroup", pid);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  const char *prefix = layout () == LAYOUT_LEGACY ? ":name=systemd:" : "0::";

  g_return_val_if_fail (unit != NULL, NULL);

  if (pid == 0 || !g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *group = strstr (lines[i], prefix);
      g_auto(GStrv) parts = NULL;
      g_autoptr(GString) cut = NULL;

      /* "0::/app.slice/web.service" (unified), "1:name=systemd:/app.slice/…" (legacy) */
      if (group == NULL || (prefix[0] == '0' && group != lines[i]))
        continue;
      group += strlen (prefix);
      parts = g_strsplit (group, "/", -1);
      cut = g_string_new (NULL);
      for (guint j = 0; parts[j] != NULL; j++)
        {
          if (parts[j][0] == '\0')
            continue;
          g_string_append_c (cut, '/');
          g_string_append (cut, parts[j]);
          if (g_str_equal (parts[j], unit))
            return g_string_free (g_steal_pointer (&cut), FALSE);
        }
    }
  return NULL;
}

/**
 * tend_cgroup_read:
 * @control_group: the unit's ControlGroup ("/app.slice/web.service")
 * @figures: which figures to read
 * @main_pid: the unit's main process, which must be in the group; 0 for none
 *
 * Returns: (transfer full) (nullable): an `a{sv}` of the figures under systemd's names
 *   (and %TEND_PROPERTY_MEMORY_RSS), for tend_service_apply_properties(); %NULL with
 *   @error naming the file that could not be read, or saying that @main_pid is not in
 *   the group
 */
GVariant *
tend_cgroup_read (const char         *control_group,
                  TendCgroupFigures   figures,
                  guint               main_pid,
                  GError            **error)
{
  GVariantDict dict;
  guint64 value;

  g_return_val_if_fail (control_group != NULL && control_group[0] == '/', NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  g_variant_dict_init (&dict, NULL);

  if (figures & TEND_CGROUP_MEMORY)
    {
      g_autofree char *path = figure_path (control_group, "memory.current", "memory",
                                           "memory.usage_in_bytes");

      if (!read_number (path, NULL, 1, &value, error))
        goto failed;
      g_variant_dict_insert (&dict, "MemoryCurrent", "t", value);
    }

  if (figures & TEND_CGROUP_CPU)
    {
      g_autofree char *path = figure_path (control_group, "cpu.stat", "cpuacct",
                                           "cpuacct.usage");

      if (!read_number (path, layout () == LAYOUT_UNIFIED ? "usage_usec" : NULL,
                        layout () == LAYOUT_UNIFIED ? 1000 : 1, &value, error))
        goto failed;
      g_variant_dict_insert (&dict, "CPUUsageNSec", "t", value);
    }

  if (figures & TEND_CGROUP_TASKS)
    {
      g_autofree char *path = figure_path (control_group, "pids.current", "pids",
                                           "pids.current");

      if (!read_number (path, NULL, 1, &value, error))
        goto failed;
      g_variant_dict_insert (&dict, "TasksCurrent", "t", value);
    }

  if ((figures & TEND_CGROUP_RSS) || main_pid != 0)
    {
      g_autofree char *dir = NULL;
      gboolean main_seen = FALSE;
      guint64 total = 0;
      guint n_read = 0;

      dir = g_strconcat (CGROUP_ROOT, layout () == LAYOUT_UNIFIED ? ""
                         : layout () == LAYOUT_HYBRID ? "/unified" : "/systemd",
                         control_group, NULL);
      if (!sum_rss (dir, sysconf (_SC_PAGESIZE), main_pid, &main_seen, &total, &n_read, error))
        goto failed;
      if (main_pid != 0 && !main_seen)
        {
          /* Not the group we think it is (another cgroup namespace, a stale path). */
          g_set_error (error, TEND_ERROR, TEND_ERROR_NOT_FOUND,
                       "process %u is not in %s", main_pid, dir);
          goto failed;
        }
      if (figures & TEND_CGROUP_RSS)
        {
          /* As a D-Bus read gives it: systemd has no MemoryCurrent, and Tend adds the RSS
           * of the processes when there are some. */
          g_variant_dict_insert (&dict, "MemoryCurrent", "t", TEND_UNSET);
          if (n_read > 0)
            g_variant_dict_insert (&dict, TEND_PROPERTY_MEMORY_RSS, "t", total);
        }
    }

  return g_variant_ref_sink (g_variant_dict_end (&dict));

failed:
  g_variant_dict_clear (&dict);
  return NULL;
}
