/* tend-resources-check.c — memory, CPU and tasks of a unit against thresholds
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A run judges three figures of the unit, each against its own warn and critical
 * thresholds (0: none):
 *
 * - memory: the service's figure, systemd's MemoryCurrent (the cgroup) or, where that
 *   is not set (a memory controller on cgroup v1), the summed RSS of its processes;
 *   the message names which;
 * - CPU %: the growth of CPUUsageNSec since the previous run over the wall time between
 *   the two reads (100% is one core busy). The first run has no previous figure, so it
 *   is judged on the others;
 * - tasks: TasksCurrent.
 *
 * A figure systemd does not report (TEND_UNSET) is not judged, and the message says so
 * ("CPU unknown"). The verdict is the worst of the figures judged; a figure past its
 * critical threshold fails, past its warn threshold warns, both with "threshold".
 *
 * Where the figures come from: the first run, and any run on an SSH host or a host that
 * does not follow changes, reads the unit afresh (tend_host_load_service_async(): a
 * D-Bus GetAll, and GetUnitProcesses with a read of /proc in a worker where systemd has
 * no memory figure). On this computer's manager, which keeps the unit's state current
 * from systemd's signals, later runs ask nothing of the bus: a unit that is not running
 * is judged from that state, and a running one from its control group's files
 * (tend-cgroup.c; the group is the backend's ControlGroup, or its main process's in
 * /proc where the backend reads none) — the figures systemd reported at the last D-Bus
 * read, read where systemd reads them, so both ways agree. The unit is read over D-Bus
 * again when its main process changed (a restart may bring other settings) or a file
 * cannot be read.
 * A run at rest thus wakes no thread but the main one.
 */
#define G_LOG_DOMAIN "Tend-Checks"

#include <math.h>

#include "tend-cgroup-private.h"
#include "tend-error.h"
#include "tend-resources-check.h"
#include "tend-check-private.h"
#include "tend-host.h"
#include "tend-service.h"
#include "tend-unit-name.h"
#include "tend-util-private.h"

struct _TendResourcesCheck
{
  TendCheck parent_instance;

  TendHost *host;                   /* (owned) */
  char *unit;                       /* (owned) */

  guint64 memory_warn;              /* bytes; 0: none */
  guint64 memory_critical;
  double cpu_warn;                  /* percent of one core; 0: none */
  double cpu_critical;
  guint64 tasks_warn;               /* 0: none */
  guint64 tasks_critical;

  /* The previous run's CPU time and when it was read, for the next run's delta. */
  guint64 last_cpu_nsec;            /* TEND_UNSET: none yet */
  gint64 last_cpu_time;             /* monotonic µs */

  /* What the last D-Bus read of the running unit reported, for the runs that read its
   * control group's files instead: 0 until then, and after a change of main process. */
  TendCgroupFigures local_figures;
  guint local_main_pid;
  char *control_group;              /* (owned) (nullable) the unit's, as then */
};

G_DEFINE_FINAL_TYPE (TendResourcesCheck, tend_resources_check, TEND_TYPE_CHECK)

enum {
  PROP_0,
  PROP_HOST,
  PROP_UNIT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * tend_resources_check_new:
 * @name: the check's name
 * @host: the host the unit lives on
 * @unit: a unit name ("web.service"), not a template
 * @error: where to say what is wrong with @unit
 *
 * A check without thresholds; set them with tend_resources_check_set_memory_thresholds()
 * and its siblings.
 *
 * Returns: (transfer full) (nullable): the check, or %NULL with
 *   %TEND_ERROR_INVALID_ARGUMENT naming the field ("unit: ...")
 */
TendCheck *
tend_resources_check_new (const char  *name,
                          TendHost    *host,
                          const char  *unit,
                          GError     **error)
{
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (TEND_IS_HOST (host), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!tend_check_validate_unit (unit, error))
    return NULL;

  return g_object_new (TEND_TYPE_RESOURCES_CHECK,
                       "name", name,
                       "host", host,
                       "unit", unit,
                       NULL);
}

TendHost *
tend_resources_check_get_host (TendResourcesCheck *self)
{
  g_return_val_if_fail (TEND_IS_RESOURCES_CHECK (self), NULL);
  return self->host;
}

const char *
tend_resources_check_get_unit (TendResourcesCheck *self)
{
  g_return_val_if_fail (TEND_IS_RESOURCES_CHECK (self), NULL);
  return self->unit;
}

/* ------------------------------------------------------------------------------------ */
/* Thresholds                                                                            */

static gboolean
validate_counts (const char  *field,
                 const char  *unit,
                 guint64      warn,
                 guint64      critical,
                 GError     **error)
{
  if (warn != 0 && critical != 0 && warn >= critical)
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   "%s-warn: %" G_GUINT64_FORMAT "%s must be below %s-critical (%"
                   G_GUINT64_FORMAT "%s)", field, warn, unit, field, critical, unit);
      return FALSE;
    }
  return TRUE;
}

/**
 * tend_resources_check_set_memory_thresholds:
 * @warn_bytes: memory above which the check warns; 0 for none
 * @critical_bytes: memory above which it fails; 0 for none
 *
 * Refuses a warn threshold that is not below the critical one, naming the field, and
 * then changes nothing.
 */
gboolean
tend_resources_check_set_memory_thresholds (TendResourcesCheck  *self,
                                            guint64              warn_bytes,
                                            guint64              critical_bytes,
                                            GError             **error)
{
  g_return_val_if_fail (TEND_IS_RESOURCES_CHECK (self), FALSE);

  if (!validate_counts ("memory", " bytes", warn_bytes, critical_bytes, error))
    return FALSE;
  self->memory_warn = warn_bytes;
  self->memory_critical = critical_bytes;
  return TRUE;
}

/**
 * tend_resources_check_set_tasks_thresholds:
 * @warn_tasks: tasks above which the check warns; 0 for none
 * @critical_tasks: tasks above which it fails; 0 for none
 *
 * As tend_resources_check_set_memory_thresholds().
 */
gboolean
tend_resources_check_set_tasks_thresholds (TendResourcesCheck  *self,
                                           guint64              warn_tasks,
                                           guint64              critical_tasks,
                                           GError             **error)
{
  g_return_val_if_fail (TEND_IS_RESOURCES_CHECK (self), FALSE);

  if (!validate_counts ("tasks", "", warn_tasks, critical_tasks, error))
    return FALSE;
  self->tasks_warn = warn_tasks;
  self->tasks_critical = critical_tasks;
  return TRUE;
}

static gboolean
validate_percent (const char  *field,
                  double       value,
                  GError     **error)
{
  if (!isfinite (value) || value < 0)
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   "%s: %g is not a percentage above 0 (0 for none)", field, value);
      return FALSE;
    }
  return TRUE;
}

/**
 * tend_resources_check_set_cpu_thresholds:
 * @warn_percent: CPU use, in percent of one core, above which the check warns; 0 for none
 * @critical_percent: the same, above which it fails; 0 for none
 *
 * Percentages may pass 100 (several cores). Refuses a negative or non-finite figure or
 * a warn threshold that is not below the critical one, naming the field, and then
 * changes nothing.
 */
gboolean
tend_resources_check_set_cpu_thresholds (TendResourcesCheck  *self,
                                         double               warn_percent,
                                         double               critical_percent,
                                         GError             **error)
{
  g_return_val_if_fail (TEND_IS_RESOURCES_CHECK (self), FALSE);

  if (!validate_percent ("cpu-warn", warn_percent, error) ||
      !validate_percent ("cpu-critical", critical_percent, error))
    return FALSE;
  if (warn_percent > 0 && critical_percent > 0 && warn_percent >= critical_percent)
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                   "cpu-warn: %g%% must be below cpu-critical (%g%%)",
                   warn_percent, critical_percent);
      return FALSE;
    }
  self->cpu_warn = warn_percent;
  self->cpu_critical = critical_percent;
  return TRUE;
}

void
tend_resources_check_get_memory_thresholds (TendResourcesCheck *self,
                                            guint64            *warn_bytes,
                                            guint64            *critical_bytes)
{
  g_return_if_fail (TEND_IS_RESOURCES_CHECK (self));
  if (warn_bytes != NULL)
    *warn_bytes = self->memory_warn;
  if (critical_bytes != NULL)
    *critical_bytes = self->memory_critical;
}

void
tend_resources_check_get_cpu_thresholds (TendResourcesCheck *self,
                                         double             *warn_percent,
                                         double             *critical_percent)
{
  g_return_if_fail (TEND_IS_RESOURCES_CHECK (self));
  if (warn_percent != NULL)
    *warn_percent = self->cpu_warn;
  if (critical_percent != NULL)
    *critical_percent = self->cpu_critical;
}

void
tend_resources_check_get_tasks_thresholds (TendResourcesCheck *self,
                                           guint64            *warn_tasks,
                                           guint64            *critical_tasks)
{
  g_return_if_fail (TEND_IS_RESOURCES_CHECK (self));
  if (warn_tasks != NULL)
    *warn_tasks = self->tasks_warn;
  if (critical_tasks != NULL)
    *critical_tasks = self->tasks_critical;
}

/* ------------------------------------------------------------------------------------ */
/* Judging                                                                               */

typedef struct
{
  TendResultStatus status;          /* PASS, WARN or FAIL; UNKNOWN while nothing judged */
  GString *message;
} Judgement;

/* Judges one known figure; @shown is how the message shows it, @critical_shown and
 * @warn_shown how it shows the thresholds. */
static void
judge (Judgement  *j,
       double      value,
       double      warn,
       double      critical,
       const char *shown,
       const char *critical_shown,
       const char *warn_shown)
{
  TendResultStatus status = TEND_RESULT_PASS;

  if (j->message->len > 0)
    g_string_append (j->message, ", ");
  g_string_append (j->message, shown);

  if (critical > 0 && value > critical)
    {
      status = TEND_RESULT_FAIL;
      g_string_append_printf (j->message, " above critical %s", critical_shown);
    }
  else if (warn > 0 && value > warn)
    {
      status = TEND_RESULT_WARN;
      g_string_append_printf (j->message, " above warn %s", warn_shown);
    }

  if (j->status == TEND_RESULT_UNKNOWN || status > j->status)
    j->status = status;
}

static void
not_judged (Judgement  *j,
            const char *text)
{
  if (j->message->len > 0)
    g_string_append (j->message, ", ");
  g_string_append (j->message, text);
}

static const char *
memory_source_words (TendMemorySource source)
{
  switch (source)
    {
    case TEND_MEMORY_SOURCE_CGROUP: return "cgroup";
    case TEND_MEMORY_SOURCE_PROCESS_RSS: return "process RSS";
    case TEND_MEMORY_SOURCE_NONE:
    default: return "unknown source";
    }
}

static TendCheckVerdict *
judge_service (TendResourcesCheck *self,
               TendService        *service,
               gint64              now)
{
  const char *load = tend_service_get_load_state (service);
  const char *active = tend_service_get_active_state (service);
  guint64 memory = tend_service_get_memory (service);
  guint64 cpu = tend_service_get_cpu_usage_nsec (service);
  guint64 tasks = tend_service_get_tasks (service);
  Judgement j = { TEND_RESULT_UNKNOWN, NULL };
  TendCheckFailure failure;

  if (g_strcmp0 (load, "not-found") == 0)
    return tend_check_verdict_new (TEND_RESULT_UNKNOWN, TEND_CHECK_FAILURE_STATE,
                                   TEND_CHECK_LATENCY_ELAPSED, "not-found: no figures");
  if (g_strcmp0 (active, "active") != 0 && g_strcmp0 (active, "reloading") != 0)
    {
      /* Not running: its figures say nothing; the unit check judges the state. */
      self->last_cpu_nsec = TEND_UNSET;
      return tend_check_verdict_new (TEND_RESULT_UNKNOWN, TEND_CHECK_FAILURE_NONE,
                                     TEND_CHECK_LATENCY_ELAPSED, "not running (%s): no figures",
                                     active ? active : "unknown");
    }

  j.message = g_string_new (NULL);

  if (memory != TEND_UNSET)
    {
      g_autofree char *size = g_format_size (memory);
      TendMemorySource source = tend_service_get_memory_source (service);
      g_autofree char *shown = g_strdup_printf ("memory %s (%s)", size,
                                                memory_source_words (source));
      g_autofree char *critical = g_format_size (self->memory_critical);
      g_autofree char *warn = g_format_size (self->memory_warn);

      judge (&j, (double) memory, (double) self->memory_warn, (double) self->memory_critical,
             shown, critical, warn);
    }
  else
    not_judged (&j, "memory unknown");

  if (cpu == TEND_UNSET)
    {
      self->last_cpu_nsec = TEND_UNSET;
      not_judged (&j, "CPU unknown");
    }
  else if (self->last_cpu_nsec == TEND_UNSET || cpu < self->last_cpu_nsec ||
           now <= self->last_cpu_time)
    {
      /* The first run, or the service restarted: nothing to compare with yet. */
      self->last_cpu_nsec = cpu;
      self->last_cpu_time = now;
      not_judged (&j, "CPU measured from the next run");
    }
  else
    {
      double percent = (double) (cpu - self->last_cpu_nsec) * 100.0 /
                       ((double) (now - self->last_cpu_time) * 1000.0);
      g_autofree char *shown = g_strdup_printf ("CPU %.1f%%", percent);
      g_autofree char *critical = g_strdup_printf ("%g%%", self->cpu_critical);
      g_autofree char *warn = g_strdup_printf ("%g%%", self->cpu_warn);

      self->last_cpu_nsec = cpu;
      self->last_cpu_time = now;
      judge (&j, percent, self->cpu_warn, self->cpu_critical, shown, critical, warn);
    }

  if (tasks != TEND_UNSET)
    {
      g_autofree char *shown = g_strdup_printf ("tasks %" G_GUINT64_FORMAT, tasks);
      g_autofree char *critical = g_strdup_printf ("%" G_GUINT64_FORMAT, self->tasks_critical);
      g_autofree char *warn = g_strdup_printf ("%" G_GUINT64_FORMAT, self->tasks_warn);

      judge (&j, (double) tasks, (double) self->tasks_warn, (double) self->tasks_critical,
             shown, critical, warn);
    }
  else
    not_judged (&j, "tasks unknown");

  failure = (j.status == TEND_RESULT_WARN || j.status == TEND_RESULT_FAIL)
            ? TEND_CHECK_FAILURE_THRESHOLD : TEND_CHECK_FAILURE_NONE;
  {
    g_autofree char *message = g_string_free (j.message, FALSE);

    return tend_check_verdict_new (j.status, failure, TEND_CHECK_LATENCY_ELAPSED,
                                   "%s", message);
  }
}

/* ------------------------------------------------------------------------------------ */
/* Probe                                                                                 */

static gboolean
is_running (TendService *service)
{
  const char *active = tend_service_get_active_state (service);

  return g_strcmp0 (active, "active") == 0 || g_strcmp0 (active, "reloading") == 0;
}

/* After a D-Bus read: which figures systemd reports of the running unit, so that later
 * runs read those from the control group. Only on this computer, whose /sys is ours. */
static void
learn_figures (TendResourcesCheck *self,
               TendService        *service)
{
  TendCgroupFigures figures = 0;

  self->local_figures = 0;
  if (tend_host_get_kind (self->host) != TEND_HOST_KIND_LOCAL || !is_running (service))
    return;
  switch (tend_service_get_memory_source (service))
    {
    case TEND_MEMORY_SOURCE_CGROUP: figures |= TEND_CGROUP_MEMORY; break;
    case TEND_MEMORY_SOURCE_PROCESS_RSS: figures |= TEND_CGROUP_RSS; break;
    case TEND_MEMORY_SOURCE_NONE:
    default: return;  /* nothing to go by: read over D-Bus again */
    }
  if (tend_service_get_cpu_usage_nsec (service) != TEND_UNSET)
    figures |= TEND_CGROUP_CPU;
  if (tend_service_get_tasks (service) != TEND_UNSET)
    figures |= TEND_CGROUP_TASKS;
  /* The backend's ControlGroup, or the main process's group where it reads none. */
  g_free (self->control_group);
  self->control_group = g_strdup (tend_service_get_control_group (service));
  if (self->control_group == NULL || self->control_group[0] != '/')
    {
      g_free (self->control_group);
      self->control_group = tend_cgroup_of_process (tend_service_get_main_pid (service),
                                                    self->unit);
    }
  if (self->control_group == NULL)
    return;
  self->local_figures = figures;
  self->local_main_pid = tend_service_get_main_pid (service);
}

static void
loaded (TendCheck   *check,
        TendService *service,
        GTask       *task)
{
  TendResourcesCheck *self = TEND_RESOURCES_CHECK (check);

  learn_figures (self, service);
  g_task_return_pointer (task, judge_service (self, service, g_get_monotonic_time ()),
                         (GDestroyNotify) tend_check_verdict_free);
  g_object_unref (task);
}

/* The service as this computer's manager keeps it current from its signals, or %NULL
 * when the run must read the unit over D-Bus. */
static TendService *
followed_service (TendResourcesCheck *self)
{
  if (tend_host_get_kind (self->host) != TEND_HOST_KIND_LOCAL ||
      !tend_host_get_follow_changes (self->host) || !tend_host_get_connected (self->host))
    return NULL;
  return tend_host_lookup_service (self->host, self->unit);
}

/* A run without D-Bus: judged from the state the host keeps and the control group's
 * files. Returns NULL when the unit must be read over D-Bus. */
static TendCheckVerdict *
judge_locally (TendResourcesCheck *self)
{
  TendService *service = followed_service (self);
  g_autoptr(GVariant) figures = NULL;
  g_autoptr(GError) error = NULL;

  if (service == NULL)
    return NULL;
  if (!is_running (service))
    {
      /* Its state is all a D-Bus read would judge: no figures. */
      self->local_figures = 0;
      return g_strcmp0 (tend_service_get_load_state (service), "not-found") == 0
             ? NULL : judge_service (self, service, g_get_monotonic_time ());
    }

  if (self->local_figures == 0 || tend_service_get_main_pid (service) != self->local_main_pid)
    return NULL;

  figures = tend_cgroup_read (self->control_group, self->local_figures, self->local_main_pid,
                              &error);
  if (figures == NULL)
    {
      TEND_DEBUG_HOT ("resources of %s from its control group: %s; reading it over D-Bus",
                      self->unit, error->message);
      return NULL;
    }
  tend_service_apply_properties (service, figures);
  return judge_service (self, service, g_get_monotonic_time ());
}

static void
tend_resources_check_probe_async (TendCheck           *check,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  TendResourcesCheck *self = TEND_RESOURCES_CHECK (check);
  TendCheckVerdict *verdict = judge_locally (self);

  if (verdict != NULL)
    {
      g_autoptr(GTask) task = g_task_new (check, cancellable, callback, user_data);

      g_task_set_source_tag (task, tend_resources_check_probe_async);
      g_task_return_pointer (task, verdict, (GDestroyNotify) tend_check_verdict_free);
      return;
    }

  /* systemd has no such unit: no figures; the unit check tells the state. */
  tend_check_probe_service_async (check, self->host, self->unit,
                                  tend_resources_check_probe_async, loaded,
                                  TEND_RESULT_UNKNOWN, "not-found: no figures",
                                  cancellable, callback, user_data);
}

/* ------------------------------------------------------------------------------------ */
/* GObject                                                                               */

static void
tend_resources_check_dispose (GObject *object)
{
  TendResourcesCheck *self = TEND_RESOURCES_CHECK (object);

  g_clear_object (&self->host);

  G_OBJECT_CLASS (tend_resources_check_parent_class)->dispose (object);
}

static void
tend_resources_check_finalize (GObject *object)
{
  TendResourcesCheck *self = TEND_RESOURCES_CHECK (object);

  g_clear_pointer (&self->unit, g_free);
  g_clear_pointer (&self->control_group, g_free);

  G_OBJECT_CLASS (tend_resources_check_parent_class)->finalize (object);
}

static void
tend_resources_check_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  TendResourcesCheck *self = TEND_RESOURCES_CHECK (object);

  switch (prop_id)
    {
    case PROP_HOST: g_value_set_object (value, self->host); break;
    case PROP_UNIT: g_value_set_string (value, self->unit); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_resources_check_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  TendResourcesCheck *self = TEND_RESOURCES_CHECK (object);

  switch (prop_id)
    {
    case PROP_HOST: self->host = g_value_dup_object (value); break;
    case PROP_UNIT: self->unit = g_value_dup_string (value); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static char *
tend_resources_check_dup_target (TendCheck *check)
{
  TendResourcesCheck *self = TEND_RESOURCES_CHECK (check);

  return g_strdup (self->unit);
}

static void
tend_resources_check_class_init (TendResourcesCheckClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  TendCheckClass *check_class = TEND_CHECK_CLASS (klass);

  object_class->dispose = tend_resources_check_dispose;
  object_class->finalize = tend_resources_check_finalize;
  object_class->get_property = tend_resources_check_get_property;
  object_class->set_property = tend_resources_check_set_property;

  check_class->kind = "resources";
  check_class->probe_async = tend_resources_check_probe_async;
  check_class->dup_target = tend_resources_check_dup_target;

  properties[PROP_HOST] =
    g_param_spec_object ("host", NULL, "The host the unit lives on", TEND_TYPE_HOST,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_UNIT] =
    g_param_spec_string ("unit", NULL, "The unit's name", NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tend_resources_check_init (TendResourcesCheck *self)
{
  self->last_cpu_nsec = TEND_UNSET;
}
