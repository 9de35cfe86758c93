/* tend-service.c — one systemd unit as a GObject
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A TendService holds what a backend last reported about a unit. Backends speak in
 * systemd's own property names (a dictionary of the kind org.freedesktop.DBus.Properties
 * returns); tend_service_apply_properties() is the one place those names are mapped to
 * GObject properties, so every backend shares it and a property notifies only when its
 * value really changes.
 */
#define G_LOG_DOMAIN "Tend-Hosts"

#include "tend-service.h"

#include "tend-enums.h"
#include "tend-host.h"
#include "tend-host-private.h"
#include "tend-recovery-status.h"
#include "tend-util.h"

struct _TendService
{
  GObject parent_instance;

  char *name;                /* (owned) */
  char *description;         /* (owned) (nullable) */
  /* States come from small fixed sets: interned, so an update is a pointer compare and
   * a thousand units share one copy of "active". */
  const char *load_state;      /* (interned) (nullable) */
  const char *active_state;    /* (interned) (nullable) */
  const char *sub_state;       /* (interned) (nullable) */
  const char *unit_file_state; /* (interned) (nullable) */
  char *fragment_path;       /* (owned) (nullable) */
  char *control_group;       /* (owned) (nullable) systemd's ControlGroup, "" when none */
  const char *job_type;      /* (interned) (nullable) */
  char **requires;           /* (owned) (nullable) */
  char **binds_to;           /* (owned) (nullable) */
  char **required_by;        /* (owned) (nullable) */
  char **wanted_by;          /* (owned) (nullable) */
  char **bound_by;           /* (owned) (nullable) */
  guint main_pid;
  guint n_restarts;
  guint64 memory;
  TendMemorySource memory_source;
  guint64 cpu_usage_nsec;
  guint64 tasks;
  gint64 active_since;
  gboolean can_reload;
  gboolean details_loaded;

  /* Where it lives, and what Tend's monitor says of it (tend_service_set_watch_info()):
   * the monitor owns these facts; the service carries them so a list can show, sort and
   * filter them without a second model. */
  GWeakRef host;
  gboolean watched;
  TendHealthStatus health;
  char *health_message;        /* (owned) (nullable) */
  TendRecoveryStatus *recovery; /* (owned) (nullable) */
};

G_DEFINE_FINAL_TYPE (TendService, tend_service, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_DESCRIPTION,
  PROP_LOAD_STATE,
  PROP_ACTIVE_STATE,
  PROP_SUB_STATE,
  PROP_UNIT_FILE_STATE,
  PROP_MAIN_PID,
  PROP_MEMORY,
  PROP_MEMORY_SOURCE,
  PROP_CPU_USAGE_NSEC,
  PROP_TASKS,
  PROP_ACTIVE_SINCE,
  PROP_N_RESTARTS,
  PROP_FRAGMENT_PATH,
  PROP_CONTROL_GROUP,
  PROP_REQUIRES,
  PROP_BINDS_TO,
  PROP_REQUIRED_BY,
  PROP_WANTED_BY,
  PROP_BOUND_BY,
  PROP_CAN_RELOAD,
  PROP_JOB_TYPE,
  PROP_DETAILS_LOADED,
  PROP_WATCHED,
  PROP_HEALTH,
  PROP_HEALTH_MESSAGE,
  PROP_RECOVERY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Setters: each compares before it notifies. */

static void
set_string (TendService *self,
            char       **field,
            const char  *value,
            guint        prop_id)
{
  if (tend_str_set (field, value))
    g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
set_state (TendService  *self,
           const char  **field,
           const char   *value,
           guint         prop_id)
{
  const char *interned = g_intern_string (value);

  if (*field == interned)
    return;
  *field = interned;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
set_strv (TendService  *self,
          char       ***field,
          const char  **value,
          guint         prop_id)
{
  if (*field != NULL && value != NULL && g_strv_equal ((const char * const *) *field, value))
    return;
  if (*field == NULL && (value == NULL || value[0] == NULL))
    return;
  g_strfreev (*field);
  *field = g_strdupv ((char **) value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

#define SET_NUMBER(self, field, value, prop_id)                              \
  G_STMT_START {                                                              \
    if ((self)->field != (value))                                             \
      {                                                                       \
        (self)->field = (value);                                              \
        g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);      \
      }                                                                       \
  } G_STMT_END

static void
set_memory (TendService      *self,
            guint64           memory,
            TendMemorySource  source)
{
  SET_NUMBER (self, memory, memory, PROP_MEMORY);
  SET_NUMBER (self, memory_source, source, PROP_MEMORY_SOURCE);
}

/**
 * tend_service_apply_properties:
 * @properties: an `a{sv}` dictionary keyed by systemd's property names
 *   (`ActiveState`, `MainPID`, `MemoryCurrent`, ...), from any interface of the unit
 *
 * Updates the service from what a backend reported. Keys that are absent leave their
 * property alone; keys this type does not know are ignored. Values of an unexpected
 * type are ignored with a debug message rather than trusted.
 */
/* Every key tend_service_apply_properties() reads: a backend that builds its
 * dictionaries itself (TendSdbusBackend) builds these. */
static const char * const property_names[] = {
  "Description", "LoadState", "ActiveState", "SubState", "UnitFileState", "FragmentPath",
  "ControlGroup", "MainPID", "NRestarts", "CPUUsageNSec", "TasksCurrent",
  "ActiveEnterTimestamp", "CanReload", "Requires", "BindsTo", "RequiredBy", "WantedBy",
  "BoundBy", "Job", TEND_PROPERTY_JOB_TYPE, "MemoryCurrent", TEND_PROPERTY_MEMORY_RSS,
  NULL
};

/**
 * tend_service_get_property_names:
 *
 * Returns: (transfer none): the systemd property names (and Tend's `X-Tend-` ones) that
 *   tend_service_apply_properties() reads, %NULL-terminated
 */
const char * const *
tend_service_get_property_names (void)
{
  return property_names;
}

/* A key tend_service_apply_properties() reads must be in property_names: a backend that
 * builds only those would otherwise drop it without a word. */
static gboolean
is_listed (const char *key)
{
  g_assert (g_strv_contains (property_names, key));
  return TRUE;
}

void
tend_service_apply_properties (TendService *self,
                               GVariant    *props)
{
  GVariantIter iter;
  const char *key;
  GVariant *value;
  gboolean memory_current_seen = FALSE;
  guint64 memory_current = TEND_UNSET;
  guint64 memory_rss = TEND_UNSET;

  g_return_if_fail (TEND_IS_SERVICE (self));
  g_return_if_fail (g_variant_is_of_type (props, G_VARIANT_TYPE_VARDICT));

  g_object_freeze_notify (G_OBJECT (self));

  g_variant_iter_init (&iter, props);
  while (g_variant_iter_loop (&iter, "{&sv}", &key, &value))
    {
      const char *type = g_variant_get_type_string (value);

#define IS(k, t) (g_str_equal (key, k) && g_str_equal (type, t) && is_listed (k))
      if (IS ("Description", "s"))
        set_string (self, &self->description, g_variant_get_string (value, NULL), PROP_DESCRIPTION);
      else if (IS ("LoadState", "s"))
        set_state (self, &self->load_state, g_variant_get_string (value, NULL), PROP_LOAD_STATE);
      else if (IS ("ActiveState", "s"))
        set_state (self, &self->active_state, g_variant_get_string (value, NULL),
                   PROP_ACTIVE_STATE);
      else if (IS ("SubState", "s"))
        set_state (self, &self->sub_state, g_variant_get_string (value, NULL), PROP_SUB_STATE);
      else if (IS ("UnitFileState", "s"))
        set_state (self, &self->unit_file_state, g_variant_get_string (value, NULL),
                    PROP_UNIT_FILE_STATE);
      else if (IS ("FragmentPath", "s"))
        set_string (self, &self->fragment_path, g_variant_get_string (value, NULL),
                    PROP_FRAGMENT_PATH);
      else if (IS ("ControlGroup", "s"))
        set_string (self, &self->control_group, g_variant_get_string (value, NULL),
                    PROP_CONTROL_GROUP);
      else if (IS ("MainPID", "u"))
        SET_NUMBER (self, main_pid, g_variant_get_uint32 (value), PROP_MAIN_PID);
      else if (IS ("NRestarts", "u"))
        SET_NUMBER (self, n_restarts, g_variant_get_uint32 (value), PROP_N_RESTARTS);
      else if (IS ("CPUUsageNSec", "t"))
        SET_NUMBER (self, cpu_usage_nsec, g_variant_get_uint64 (value), PROP_CPU_USAGE_NSEC);
      else if (IS ("TasksCurrent", "t"))
        SET_NUMBER (self, tasks, g_variant_get_uint64 (value), PROP_TASKS);
      else if (IS ("ActiveEnterTimestamp", "t"))
        SET_NUMBER (self, active_since, (gint64) g_variant_get_uint64 (value), PROP_ACTIVE_SINCE);
      else if (IS ("CanReload", "b"))
        SET_NUMBER (self, can_reload, g_variant_get_boolean (value), PROP_CAN_RELOAD);
      else if (IS ("Requires", "as"))
        {
          g_autofree const char **v = g_variant_get_strv (value, NULL);
          set_strv (self, &self->requires, v, PROP_REQUIRES);
          /* Only a full read has Requires; the list's summary does not. */
          SET_NUMBER (self, details_loaded, TRUE, PROP_DETAILS_LOADED);
        }
      else if (IS ("BindsTo", "as"))
        {
          g_autofree const char **v = g_variant_get_strv (value, NULL);
          set_strv (self, &self->binds_to, v, PROP_BINDS_TO);
        }
      else if (IS ("RequiredBy", "as"))
        {
          g_autofree const char **v = g_variant_get_strv (value, NULL);
          set_strv (self, &self->required_by, v, PROP_REQUIRED_BY);
        }
      else if (IS ("WantedBy", "as"))
        {
          g_autofree const char **v = g_variant_get_strv (value, NULL);
          set_strv (self, &self->wanted_by, v, PROP_WANTED_BY);
        }
      else if (IS ("BoundBy", "as"))
        {
          g_autofree const char **v = g_variant_get_strv (value, NULL);
          set_strv (self, &self->bound_by, v, PROP_BOUND_BY);
        }
      else if (IS ("Job", "(uo)"))
        {
          guint32 id;
          g_variant_get (value, "(u&o)", &id, NULL);
          if (id == 0)
            set_state (self, &self->job_type, NULL, PROP_JOB_TYPE);
        }
      else if (IS (TEND_PROPERTY_JOB_TYPE, "s"))
        set_state (self, &self->job_type, g_variant_get_string (value, NULL), PROP_JOB_TYPE);
      else if (IS ("MemoryCurrent", "t"))
        {
          memory_current_seen = TRUE;
          memory_current = g_variant_get_uint64 (value);
        }
      else if (IS (TEND_PROPERTY_MEMORY_RSS, "t"))
        memory_rss = g_variant_get_uint64 (value);
#undef IS
    }

  if (memory_current != TEND_UNSET)
    set_memory (self, memory_current, TEND_MEMORY_SOURCE_CGROUP);
  else if (memory_rss != TEND_UNSET)
    set_memory (self, memory_rss, TEND_MEMORY_SOURCE_PROCESS_RSS);
  else if (memory_current_seen)
    set_memory (self, TEND_UNSET, TEND_MEMORY_SOURCE_NONE);

  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * tend_service_apply_unit_info:
 * @info: the unit's line in a list; %NULL fields leave their property alone
 *
 * The cheap update a list refresh makes for each of a thousand units.
 */
void
tend_service_apply_unit_info (TendService        *self,
                              const TendUnitInfo *info)
{
  g_return_if_fail (TEND_IS_SERVICE (self));
  g_return_if_fail (info != NULL);

#define APPLY(setter, field, prop_id) \
  if (info->field != NULL) \
    setter (self, &self->field, info->field, prop_id)
  APPLY (set_string, description, PROP_DESCRIPTION);
  APPLY (set_state, load_state, PROP_LOAD_STATE);
  APPLY (set_state, active_state, PROP_ACTIVE_STATE);
  APPLY (set_state, sub_state, PROP_SUB_STATE);
  APPLY (set_state, unit_file_state, PROP_UNIT_FILE_STATE);
  APPLY (set_string, fragment_path, PROP_FRAGMENT_PATH);
#undef APPLY
  if (info->job_type != NULL)
    set_state (self, &self->job_type, info->job_type[0] ? info->job_type : NULL, PROP_JOB_TYPE);
}

static void
tend_service_finalize (GObject *object)
{
  TendService *self = (TendService *) object;

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->description, g_free);
  g_clear_pointer (&self->fragment_path, g_free);
  g_clear_pointer (&self->control_group, g_free);
  g_clear_pointer (&self->requires, g_strfreev);
  g_clear_pointer (&self->binds_to, g_strfreev);
  g_clear_pointer (&self->required_by, g_strfreev);
  g_clear_pointer (&self->wanted_by, g_strfreev);
  g_clear_pointer (&self->bound_by, g_strfreev);
  g_clear_pointer (&self->health_message, g_free);
  g_clear_pointer (&self->recovery, tend_recovery_status_free);
  g_weak_ref_clear (&self->host);

  G_OBJECT_CLASS (tend_service_parent_class)->finalize (object);
}

static void
tend_service_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  TendService *self = TEND_SERVICE (object);

  switch (prop_id)
    {
    case PROP_NAME: g_value_set_string (value, self->name); break;
    case PROP_DESCRIPTION: g_value_set_string (value, self->description); break;
    case PROP_LOAD_STATE: g_value_set_string (value, self->load_state); break;
    case PROP_ACTIVE_STATE: g_value_set_string (value, self->active_state); break;
    case PROP_SUB_STATE: g_value_set_string (value, self->sub_state); break;
    case PROP_UNIT_FILE_STATE: g_value_set_string (value, self->unit_file_state); break;
    case PROP_MAIN_PID: g_value_set_uint (value, self->main_pid); break;
    case PROP_MEMORY: g_value_set_uint64 (value, self->memory); break;
    case PROP_MEMORY_SOURCE: g_value_set_enum (value, self->memory_source); break;
    case PROP_CPU_USAGE_NSEC: g_value_set_uint64 (value, self->cpu_usage_nsec); break;
    case PROP_TASKS: g_value_set_uint64 (value, self->tasks); break;
    case PROP_ACTIVE_SINCE: g_value_set_int64 (value, self->active_since); break;
    case PROP_N_RESTARTS: g_value_set_uint (value, self->n_restarts); break;
    case PROP_FRAGMENT_PATH: g_value_set_string (value, self->fragment_path); break;
    case PROP_CONTROL_GROUP: g_value_set_string (value, self->control_group); break;
    case PROP_REQUIRES: g_value_set_boxed (value, self->requires); break;
    case PROP_BINDS_TO: g_value_set_boxed (value, self->binds_to); break;
    case PROP_REQUIRED_BY: g_value_set_boxed (value, self->required_by); break;
    case PROP_WANTED_BY: g_value_set_boxed (value, self->wanted_by); break;
    case PROP_BOUND_BY: g_value_set_boxed (value, self->bound_by); break;
    case PROP_CAN_RELOAD: g_value_set_boolean (value, self->can_reload); break;
    case PROP_JOB_TYPE: g_value_set_string (value, self->job_type); break;
    case PROP_DETAILS_LOADED: g_value_set_boolean (value, self->details_loaded); break;
    case PROP_WATCHED: g_value_set_boolean (value, self->watched); break;
    case PROP_HEALTH: g_value_set_enum (value, self->health); break;
    case PROP_HEALTH_MESSAGE: g_value_set_string (value, self->health_message); break;
    case PROP_RECOVERY: g_value_set_boxed (value, self->recovery); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_service_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  TendService *self = TEND_SERVICE (object);

  switch (prop_id)
    {
    case PROP_NAME:
      self->name = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* The host counts failed and unhealthy services: it hears of a change of either state
 * here, which costs a list of a thousand units no signal connection per service. */
static void
tend_service_dispatch_properties_changed (GObject     *object,
                                          guint        n_pspecs,
                                          GParamSpec **pspecs)
{
  TendService *self = TEND_SERVICE (object);

  G_OBJECT_CLASS (tend_service_parent_class)->dispatch_properties_changed (object, n_pspecs,
                                                                           pspecs);
  for (guint i = 0; i < n_pspecs; i++)
    if (pspecs[i] == properties[PROP_ACTIVE_STATE] || pspecs[i] == properties[PROP_HEALTH])
      {
        g_autoptr(TendHost) host = g_weak_ref_get (&self->host);

        if (host != NULL)
          tend_host_service_counted_changed (host, self);
        break;
      }
}

static void
tend_service_class_init (TendServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispatch_properties_changed = tend_service_dispatch_properties_changed;
  object_class->finalize = tend_service_finalize;
  object_class->get_property = tend_service_get_property;
  object_class->set_property = tend_service_set_property;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, "The unit's name, such as nginx.service", NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DESCRIPTION] = g_param_spec_string ("description", NULL, NULL, NULL, ro);
  properties[PROP_LOAD_STATE] = g_param_spec_string ("load-state", NULL, NULL, NULL, ro);
  properties[PROP_ACTIVE_STATE] = g_param_spec_string ("active-state", NULL, NULL, NULL, ro);
  properties[PROP_SUB_STATE] = g_param_spec_string ("sub-state", NULL, NULL, NULL, ro);
  properties[PROP_UNIT_FILE_STATE] = g_param_spec_string ("unit-file-state", NULL, NULL, NULL, ro);
  properties[PROP_MAIN_PID] = g_param_spec_uint ("main-pid", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_MEMORY] =
    g_param_spec_uint64 ("memory", NULL, "Bytes in use; TEND_UNSET when unknown",
                         0, G_MAXUINT64, TEND_UNSET, ro);
  properties[PROP_MEMORY_SOURCE] =
    g_param_spec_enum ("memory-source", NULL, "Where the memory figure comes from",
                       TEND_TYPE_MEMORY_SOURCE, TEND_MEMORY_SOURCE_NONE, ro);
  properties[PROP_CPU_USAGE_NSEC] =
    g_param_spec_uint64 ("cpu-usage-nsec", NULL, "CPU time used; TEND_UNSET when unknown",
                         0, G_MAXUINT64, TEND_UNSET, ro);
  properties[PROP_TASKS] =
    g_param_spec_uint64 ("tasks", NULL, "Tasks in the unit; TEND_UNSET when unknown",
                         0, G_MAXUINT64, TEND_UNSET, ro);
  properties[PROP_ACTIVE_SINCE] =
    g_param_spec_int64 ("active-since", NULL,
                        "Realtime µs the unit last became active, 0 if never",
                        0, G_MAXINT64, 0, ro);
  properties[PROP_N_RESTARTS] = g_param_spec_uint ("n-restarts", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_FRAGMENT_PATH] = g_param_spec_string ("fragment-path", NULL, NULL, NULL, ro);
  /* Its control group ("/app.slice/web.service"), once its details are read. */
  properties[PROP_CONTROL_GROUP] = g_param_spec_string ("control-group", NULL, NULL, NULL, ro);
  properties[PROP_REQUIRES] = g_param_spec_boxed ("requires", NULL, NULL, G_TYPE_STRV, ro);
  properties[PROP_BINDS_TO] = g_param_spec_boxed ("binds-to", NULL, NULL, G_TYPE_STRV, ro);
  properties[PROP_REQUIRED_BY] = g_param_spec_boxed ("required-by", NULL, NULL, G_TYPE_STRV, ro);
  /* Units that want this one, which lose it when it stops (systemd's WantedBy=, the
   * reverse of Wants=), and units bound to it, which stop with it (BoundBy=, the reverse
   * of BindsTo=): what a Stop, Restart or Disable affects, once its details are loaded. */
  properties[PROP_WANTED_BY] = g_param_spec_boxed ("wanted-by", NULL, NULL, G_TYPE_STRV, ro);
  properties[PROP_BOUND_BY] = g_param_spec_boxed ("bound-by", NULL, NULL, G_TYPE_STRV, ro);
  properties[PROP_CAN_RELOAD] = g_param_spec_boolean ("can-reload", NULL, NULL, FALSE, ro);
  properties[PROP_JOB_TYPE] =
    g_param_spec_string ("job-type", NULL, "The job queued for the unit, if any", NULL, ro);
  properties[PROP_DETAILS_LOADED] =
    g_param_spec_boolean ("details-loaded", NULL,
                          "Whether all properties were read, not only the list's summary",
                          FALSE, ro);
  properties[PROP_WATCHED] =
    g_param_spec_boolean ("watched", NULL, "Whether Tend watches it (it has checks)",
                          FALSE, ro);
  properties[PROP_HEALTH] =
    g_param_spec_enum ("health", NULL, "Its health as Tend's monitor last saw it",
                       TEND_TYPE_HEALTH_STATUS, TEND_HEALTH_UNKNOWN, ro);
  properties[PROP_HEALTH_MESSAGE] =
    g_param_spec_string ("health-message", NULL,
                         "What its worst check said, for a person", NULL, ro);
  properties[PROP_RECOVERY] =
    g_param_spec_boxed ("recovery", NULL, "What Tend does about it",
                        TEND_TYPE_RECOVERY_STATUS, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tend_service_init (TendService *self)
{
  self->memory = TEND_UNSET;
  self->cpu_usage_nsec = TEND_UNSET;
  self->tasks = TEND_UNSET;
  self->health = TEND_HEALTH_UNKNOWN;
  g_weak_ref_init (&self->host, NULL);
}

TendService *
tend_service_new (const char *name)
{
  TendService *self;

  g_return_val_if_fail (name != NULL, NULL);

  /* Set directly rather than through g_object_new()'s property machinery: a host
   * creates a thousand of these in one refresh. */
  self = g_object_new (TEND_TYPE_SERVICE, NULL);
  self->name = g_strdup (name);
  return self;
}

#define GETTER(type, field)                                   \
  type                                                        \
  tend_service_get_##field (TendService *self)                \
  {                                                           \
    g_return_val_if_fail (TEND_IS_SERVICE (self), (type) 0);  \
    return self->field;                                       \
  }

GETTER (const char *, name)
GETTER (const char *, description)
GETTER (const char *, load_state)
GETTER (const char *, active_state)
GETTER (const char *, sub_state)
GETTER (const char *, unit_file_state)
GETTER (guint, main_pid)
GETTER (guint64, memory)
GETTER (TendMemorySource, memory_source)
GETTER (guint64, cpu_usage_nsec)
GETTER (guint64, tasks)
GETTER (gint64, active_since)
GETTER (guint, n_restarts)
GETTER (const char *, fragment_path)
GETTER (const char *, control_group)
GETTER (gboolean, can_reload)
GETTER (const char *, job_type)
GETTER (gboolean, details_loaded)

#undef GETTER

const char * const *
tend_service_get_requires (TendService *self)
{
  g_return_val_if_fail (TEND_IS_SERVICE (self), NULL);
  return (const char * const *) self->requires;
}

/* Units this one is bound to (systemd's BindsTo=), once its details are loaded. */
const char * const *
tend_service_get_binds_to (TendService *self)
{
  g_return_val_if_fail (TEND_IS_SERVICE (self), NULL);
  return (const char * const *) self->binds_to;
}

const char * const *
tend_service_get_required_by (TendService *self)
{
  g_return_val_if_fail (TEND_IS_SERVICE (self), NULL);
  return (const char * const *) self->required_by;
}

/* Units that want this one (systemd's WantedBy=), once its details are loaded. */
const char * const *
tend_service_get_wanted_by (TendService *self)
{
  g_return_val_if_fail (TEND_IS_SERVICE (self), NULL);
  return (const char * const *) self->wanted_by;
}

/* Units bound to this one (systemd's BoundBy=): they stop when it stops. */
const char * const *
tend_service_get_bound_by (TendService *self)
{
  g_return_val_if_fail (TEND_IS_SERVICE (self), NULL);
  return (const char * const *) self->bound_by;
}

gboolean
tend_service_is_failed (TendService *self)
{
  g_return_val_if_fail (TEND_IS_SERVICE (self), FALSE);
  return g_strcmp0 (self->active_state, "failed") == 0;
}

gboolean
tend_service_is_active (TendService *self)
{
  g_return_val_if_fail (TEND_IS_SERVICE (self), FALSE);
  return g_strcmp0 (self->active_state, "active") == 0 ||
         g_strcmp0 (self->active_state, "reloading") == 0;
}

/**
 * tend_service_is_unhealthy:
 * @self: a #TendService
 *
 * Returns: whether the monitor says its health is degraded or critical
 */
gboolean
tend_service_is_unhealthy (TendService *self)
{
  g_return_val_if_fail (TEND_IS_SERVICE (self), FALSE);
  return self->health == TEND_HEALTH_DEGRADED || self->health == TEND_HEALTH_CRITICAL;
}

/**
 * tend_service_needs_attention:
 * @self: a #TendService
 *
 * What the window's "Needs attention" view lists: a failed unit, or health degraded or
 * critical. It changes only with #TendService:active-state and #TendService:health.
 *
 * Returns: whether a person should look at it
 */
gboolean
tend_service_needs_attention (TendService *self)
{
  g_return_val_if_fail (TEND_IS_SERVICE (self), FALSE);
  return tend_service_is_failed (self) || tend_service_is_unhealthy (self);
}

/**
 * tend_service_dup_host:
 * @self: a #TendService
 *
 * Returns: (transfer full) (nullable): the host whose manager runs the unit, or %NULL
 *   for a service made on its own (tests) or whose host is gone
 */
TendHost *
tend_service_dup_host (TendService *self)
{
  g_return_val_if_fail (TEND_IS_SERVICE (self), NULL);
  return g_weak_ref_get (&self->host);
}

/**
 * tend_service_set_host:
 * @self: a #TendService
 * @host: (nullable): the host that lists it
 *
 * Called by the host when the service enters its list; the service does not keep the
 * host alive.
 */
void
tend_service_set_host (TendService *self,
                       TendHost    *host)
{
  g_return_if_fail (TEND_IS_SERVICE (self));
  g_return_if_fail (host == NULL || TEND_IS_HOST (host));
  g_weak_ref_set (&self->host, host);
}

gboolean
tend_service_get_watched (TendService *self)
{
  g_return_val_if_fail (TEND_IS_SERVICE (self), FALSE);
  return self->watched;
}

/**
 * tend_service_get_health:
 * @self: a #TendService
 *
 * Returns: its health as the monitor last saw it; %TEND_HEALTH_UNKNOWN when it is not
 *   watched or not checked yet
 */
TendHealthStatus
tend_service_get_health (TendService *self)
{
  g_return_val_if_fail (TEND_IS_SERVICE (self), TEND_HEALTH_UNKNOWN);
  return self->health;
}

const char *
tend_service_get_health_message (TendService *self)
{
  g_return_val_if_fail (TEND_IS_SERVICE (self), NULL);
  return self->health_message;
}

/**
 * tend_service_get_recovery:
 * @self: a #TendService
 *
 * Returns: (transfer none) (nullable): what Tend does about it, or %NULL when nothing
 *   is known (not watched, or no engine has said)
 */
const TendRecoveryStatus *
tend_service_get_recovery (TendService *self)
{
  g_return_val_if_fail (TEND_IS_SERVICE (self), NULL);
  return self->recovery;
}

/**
 * tend_service_set_watch_info:
 * @self: a #TendService
 * @watched: whether Tend watches it
 * @health: its health
 * @health_message: (nullable): what its worst check said
 * @recovery: (nullable): what Tend does about it
 *
 * Sets what Tend's monitor says of the service, notifying only what changed. Called by
 * whatever follows the monitor for a view (TendOverview), never by a view itself.
 */
void
tend_service_set_watch_info (TendService              *self,
                             gboolean                  watched,
                             TendHealthStatus          health,
                             const char               *health_message,
                             const TendRecoveryStatus *recovery)
{
  g_return_if_fail (TEND_IS_SERVICE (self));

  g_object_freeze_notify (G_OBJECT (self));
  if (self->watched != !!watched)
    {
      self->watched = !!watched;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WATCHED]);
    }
  if (self->health != health)
    {
      self->health = health;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HEALTH]);
    }
  if (tend_str_set (&self->health_message, health_message))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HEALTH_MESSAGE]);
  if (!((self->recovery == NULL && recovery == NULL) ||
        (self->recovery != NULL && recovery != NULL &&
         tend_recovery_status_same (self->recovery, recovery))))
    {
      g_clear_pointer (&self->recovery, tend_recovery_status_free);
      if (recovery != NULL)
        self->recovery = tend_recovery_status_copy (recovery);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECOVERY]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}
