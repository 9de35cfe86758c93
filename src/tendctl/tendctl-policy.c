/* tendctl-policy.c — tendctl policy show|set|reset
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A service's recovery policy: its own, from the inventory, or the default one the
 * configuration's recovery.* keys make (TendRestartPolicy reads both). set replaces the
 * service's own policy whole: what an option does not give comes from the
 * configuration, as for a policy that was never set. The policy is checked with its
 * service and host alone by the inventory's rules (tend_inventory_validate()); their
 * messages name the file format's fields, said here as the options. show adds what is
 * set on the service while Tend runs: a silence, a mark of manual intervention.
 */
#define G_LOG_DOMAIN "Tendctl"

#include <string.h>

#include "tendctl.h"
#include "tendctl-edit.h"
#include "tendctl-output.h"

#define N_KINDS (TEND_INVENTORY_POLICY_BACKOFF + 1)

typedef enum
{
  VALUE_INT,        /* an int */
  VALUE_DURATION,   /* a gint64 of µs */
  VALUE_NUMBER,     /* a double */
} ValueType;

/* An option of policy set, and the field it sets. */
typedef struct
{
  const char *option;
  const char *member;      /* its key in the file format */
  const char *config_key;  /* where its default comes from */
  ValueType type;
  gsize offset;            /* in TendInventoryPolicy */
  const char *arg;
  const char *help;
} PolicyOption;

#define AT(member) G_STRUCT_OFFSET (TendInventoryPolicy, member)

static const PolicyOption policy_options[] = {
  { "max-recoveries", "max_recoveries", "recovery.max-attempts", VALUE_INT,
    AT (max_recoveries), "N", N_("At most N recoveries within the window, 1..100") },
  { "window", "window", "recovery.window", VALUE_DURATION, AT (window_usec), "DURATION",
    N_("The period in which --max-recoveries counts, 1min..1d") },
  { "cooldown", "cooldown", "recovery.cooldown", VALUE_DURATION, AT (cooldown_usec),
    "DURATION", N_("The pause after each recovery, 0s..1h") },
  { "backoff-initial", "backoff_initial", "recovery.backoff-initial", VALUE_DURATION,
    AT (backoff_initial_usec), "DURATION", N_("backoff: the first delay, 1s..1h") },
  { "backoff-multiplier", "backoff_multiplier", "recovery.backoff-multiplier", VALUE_NUMBER,
    AT (backoff_multiplier), "X", N_("backoff: the factor each delay grows by, 1.0..10.0") },
  { "backoff-max", "backoff_max", "recovery.backoff-max", VALUE_DURATION,
    AT (backoff_max_usec), "DURATION",
    N_("backoff: the longest delay, 1s..1d and not below --backoff-initial") },
  { "reset-after", "reset_after", "recovery.backoff-reset-after", VALUE_DURATION,
    AT (reset_after_usec), "DURATION",
    N_("backoff: healthy this long, the delays start again from the first, 1min..1d") },
  { "jitter", "jitter", "recovery.backoff-jitter-percent", VALUE_NUMBER, AT (jitter), "X",
    N_("backoff: the share of a delay that is random, 0..1") },
  { "loop-threshold", "loop_threshold", "recovery.loop-threshold", VALUE_INT,
    AT (loop_threshold), "N",
    N_("This many recoveries within --loop-window are a restart loop: Tend stops and waits "
       "for a person (tendctl resume), 2..100") },
  { "loop-window", "loop_window", "recovery.loop-window", VALUE_DURATION,
    AT (loop_window_usec), "DURATION",
    N_("The period in which --loop-threshold counts, 1min..1d") },
};

#undef AT

#define N_POLICY_OPTIONS G_N_ELEMENTS (policy_options)

typedef struct
{
  TendctlEdit edit;
  TendctlRun *run;                         /* show's */
  char *host_text;                         /* (owned) (nullable) --host */
  const char *unit;                        /* (unowned) from argv */
  gboolean json;
  char *kind_text;                         /* (owned) (nullable) --kind */
  TendInventoryPolicyKind kind;
  char *text[N_POLICY_OPTIONS];            /* (owned) (nullable) as typed */
  gint64 whole[N_POLICY_OPTIONS];          /* parsed: VALUE_INT, VALUE_DURATION */
  double number[N_POLICY_OPTIONS];         /* parsed: VALUE_NUMBER */
  TendInventoryPolicy *policy;             /* (owned) (nullable) show's, when its own */
  TendConfig *config;                      /* (owned) (nullable) show's */
  GPtrArray *controls;                     /* (owned) (nullable) show's TendServiceControls */
} PolicyData;

static void
policy_data_clear (PolicyData *data)
{
  tendctl_edit_clear (&data->edit);
  g_free (data->host_text);
  g_free (data->kind_text);
  for (guint i = 0; i < N_POLICY_OPTIONS; i++)
    g_free (data->text[i]);
  g_clear_pointer (&data->policy, tend_inventory_policy_free);
  g_clear_object (&data->config);
  g_clear_pointer (&data->controls, g_ptr_array_unref);
}

/* ------------------------------------------------------------------------------------ */
/* Values                                                                                */

static gboolean
parse_kind (const char               *text,
            TendInventoryPolicyKind  *kind,
            GError                  **error)
{
  const char *names[N_KINDS + 1] = { NULL, };
  guint choice;

  for (guint i = 0; i < N_KINDS; i++)
    names[i] = tend_inventory_policy_kind_to_string (i);

  if (!tendctl_parse_choice ("kind", "policy", names, text, &choice, error))
    return FALSE;
  *kind = choice;
  return TRUE;
}

/* The options' text, read; their ranges are the file format's to check. */
static gboolean
parse_values (PolicyData  *data,
              GError     **error)
{
  for (guint i = 0; i < N_POLICY_OPTIONS; i++)
    {
      const PolicyOption *option = &policy_options[i];
      const char *text = data->text[i];

      if (text == NULL)
        continue;
      switch (option->type)
        {
        case VALUE_INT:
          if (!tendctl_parse_whole (option->option, text, G_MAXINT, &data->whole[i], error))
            return FALSE;
          break;
        case VALUE_NUMBER:
          if (!tendctl_parse_number (option->option, text, &data->number[i], error))
            return FALSE;
          break;
        case VALUE_DURATION:
        default:
          if (!tend_duration_parse (text, &data->whole[i], error))
            {
              g_prefix_error (error, "--%s: ", option->option);
              return FALSE;
            }
          break;
        }
    }
  return TRUE;
}

static void
set_value (TendInventoryPolicy *policy,
           const PolicyData    *data,
           guint                i)
{
  gsize offset = policy_options[i].offset;

  switch (policy_options[i].type)
    {
    case VALUE_INT:
      G_STRUCT_MEMBER (int, policy, offset) = (int) data->whole[i];
      break;
    case VALUE_NUMBER:
      G_STRUCT_MEMBER (double, policy, offset) = data->number[i];
      break;
    case VALUE_DURATION:
    default:
      G_STRUCT_MEMBER (gint64, policy, offset) = data->whole[i];
      break;
    }
}

/* "3", "15min", "2" as a person reads them */
static char *
format_value (const TendInventoryPolicy *policy,
              guint                      i)
{
  gsize offset = policy_options[i].offset;

  switch (policy_options[i].type)
    {
    case VALUE_INT:
      return g_strdup_printf ("%d", G_STRUCT_MEMBER (int, policy, offset));
    case VALUE_NUMBER:
      return g_strdup_printf ("%g", G_STRUCT_MEMBER (double, policy, offset));
    case VALUE_DURATION:
    default:
      return tend_duration_format (G_STRUCT_MEMBER (gint64, policy, offset));
    }
}

/* ------------------------------------------------------------------------------------ */
/* Messages: the options, not the file format's fields                                   */

static gint
option_for_member (const char *member)
{
  for (guint i = 0; i < N_POLICY_OPTIONS; i++)
    if (g_str_equal (policy_options[i].member, member))
      return i;
  return -1;
}

static char *
rename_member (const char    *word,
               gconstpointer  user_data)
{
  gint i = option_for_member (word);

  return i >= 0 ? g_strconcat ("--", policy_options[i].option, NULL) : NULL;
}

/* "$.policies[0].backoff_max: 5min must not be below backoff_initial (10min)" said as
 * "--backoff-max: 5min must not be below --backoff-initial (10min)", and where the
 * value is a default that no option gave, where it comes from. */
static void
append_problem (GString       *out,
                const char    *line,
                gconstpointer  user_data)
{
  const PolicyData *data = user_data;
  const char *prefix = "$.policies[0].";
  g_autofree char *member = NULL;
  gint i = -1;

  if (g_str_has_prefix (line, prefix))
    {
      member = g_strndup (line + strlen (prefix),
                          strspn (line + strlen (prefix), "abcdefghijklmnopqrstuvwxyz_"));
      i = option_for_member (member);
    }
  if (i < 0)
    {
      g_string_append (out, line);
      return;
    }

  tendctl_append_renamed (out, line + strlen (prefix), rename_member, NULL);
  if (data->text[i] == NULL)
    g_string_append_printf (out, "; that is the default (%s): give --%s",
                            policy_options[i].config_key, policy_options[i].option);
}

/* ------------------------------------------------------------------------------------ */
/* policy set, policy reset                                                              */

/* The policy with its service and host, alone, by the file format's rules. */
static gboolean
validate_policy (TendInventory              *inventory,
                 const TendInventoryPolicy  *policy,
                 GError                    **error)
{
  g_autoptr(TendInventory) alone = tend_inventory_new ();

  tend_inventory_add_host (alone,
                           tend_inventory_host_copy (tendctl_find_host (inventory, policy->host)));
  tend_inventory_add_service (alone, tend_inventory_service_new (policy->host, policy->unit));
  tend_inventory_add_policy (alone, tend_inventory_policy_copy (policy));
  return tend_inventory_validate_change (NULL, alone, error);
}

static gboolean
set_edit (TendctlEdit    *edit,
          TendInventory  *inventory,
          TendConfig     *config,
          GError        **error)
{
  PolicyData *data = edit->user_data;
  g_autoptr(TendRestartPolicy) defaults = NULL;
  g_autoptr(TendInventoryPolicy) policy = NULL;
  TendInventoryPolicy *old;

  if (tendctl_require_service (inventory, edit->host, edit->unit, error) == NULL)
    return FALSE;

  defaults = tend_restart_policy_new_from_config (config);
  policy = tend_inventory_policy_copy (tend_restart_policy_get_settings (defaults));
  policy->host = g_strdup (edit->host);
  policy->unit = g_strdup (edit->unit);
  policy->kind = data->kind;
  for (guint i = 0; i < N_POLICY_OPTIONS; i++)
    if (data->text[i] != NULL)
      set_value (policy, data, i);

  if (!validate_policy (inventory, policy, error))
    {
      tendctl_rewrite_error_lines (*error, append_problem, data);
      return FALSE;
    }

  old = tend_inventory_find_policy (inventory, edit->host, edit->unit);
  if (old != NULL)
    g_ptr_array_remove (tend_inventory_get_policies (inventory), old);
  tend_inventory_add_policy (inventory, g_steal_pointer (&policy));
  /* Translators: the first %s is a unit, the second a host */
  edit->unchanged = g_strdup_printf (_("%s on %s has this policy already: nothing changed."),
                                     edit->unit, edit->host);
  return TRUE;
}

static gboolean
reset_edit (TendctlEdit    *edit,
            TendInventory  *inventory,
            TendConfig     *config,
            GError        **error)
{
  TendInventoryPolicy *old;

  if (tendctl_require_service (inventory, edit->host, edit->unit, error) == NULL)
    return FALSE;

  old = tend_inventory_find_policy (inventory, edit->host, edit->unit);
  if (old != NULL)
    g_ptr_array_remove (tend_inventory_get_policies (inventory), old);
  /* Translators: the first %s is a unit, the second a host; recovery.* names the
   * configuration keys */
  edit->unchanged = g_strdup_printf (_("%s on %s has no policy of its own: it follows the "
                                       "default (recovery.* configuration); nothing "
                                       "changed."), edit->unit, edit->host);
  return TRUE;
}

/* {"kind": "backoff", "max_recoveries": "5"}: the options as given */
static char *
audit_parameters (const PolicyData *data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  if (data->kind_text != NULL)
    tend_json_add_string (builder, "kind", data->kind_text);
  for (guint i = 0; i < N_POLICY_OPTIONS; i++)
    if (data->text[i] != NULL)
      tend_json_add_string (builder, policy_options[i].member, data->text[i]);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/* ------------------------------------------------------------------------------------ */
/* policy show                                                                           */

static void
print_show_json (PolicyData                *data,
                 const char                *host,
                 TendRestartPolicy         *restart_policy,
                 const TendServiceControls *controls,
                 const TendHealthRecord    *health,
                 GPid                       monitor)
{
  const TendInventoryPolicy *policy = tend_restart_policy_get_settings (restart_policy);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  gint64 now = g_get_real_time ();
  gboolean silenced = controls != NULL && controls->silenced_until_usec > now;
  gboolean manual = controls != NULL && controls->manual;

  json_builder_begin_object (builder);
  tend_json_add_string (builder, "host", host);
  tend_json_add_string (builder, "unit", data->unit);

  json_builder_set_member_name (builder, "policy");
  json_builder_begin_object (builder);
  tend_json_add_string (builder, "source", data->policy != NULL ? "service" : "default");
  tend_json_add_string (builder, "kind", tend_inventory_policy_kind_to_string (policy->kind));
  for (guint i = 0; i < N_POLICY_OPTIONS; i++)
    {
      const PolicyOption *option = &policy_options[i];

      switch (option->type)
        {
        case VALUE_INT:
          tendctl_json_add_number (builder, option->member, TRUE,
                                   G_STRUCT_MEMBER (int, policy, option->offset));
          break;
        case VALUE_NUMBER:
          json_builder_set_member_name (builder, option->member);
          json_builder_add_double_value (builder,
                                         G_STRUCT_MEMBER (double, policy, option->offset));
          break;
        case VALUE_DURATION:
        default:
          tendctl_json_add_duration (builder, option->member,
                                     G_STRUCT_MEMBER (gint64, policy, option->offset));
          break;
        }
    }
  tendctl_json_add_number (builder, "breaker_threshold", TRUE,
                           tend_restart_policy_get_breaker_threshold (restart_policy));
  tendctl_json_add_duration (builder, "breaker_timeout",
                             tend_restart_policy_get_breaker_timeout (restart_policy));
  json_builder_end_object (builder);
  tendctl_json_add_recovery (builder, health != NULL ? health->recovery : NULL);

  json_builder_set_member_name (builder, "silenced");
  json_builder_add_boolean_value (builder, silenced);
  tendctl_json_add_time (builder, "silenced_until",
                         silenced ? controls->silenced_until_usec : 0, silenced);
  tend_json_add_string (builder, "silence_reason",
                        silenced ? controls->silence_reason : NULL);
  json_builder_set_member_name (builder, "manual_intervention_required");
  json_builder_add_boolean_value (builder, manual);
  tend_json_add_string (builder, "manual_reason", manual ? controls->manual_reason : NULL);
  tendctl_json_add_time (builder, "manual_since", manual ? controls->manual_since_usec : 0,
                         manual);

  json_builder_set_member_name (builder, "monitor");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "running");
  json_builder_add_boolean_value (builder, monitor != 0);
  tendctl_json_add_number (builder, "pid", monitor > 0, monitor);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  tendctl_print_json (root, TRUE);
}

static void
print_show_text (PolicyData                *data,
                 const char                *host,
                 TendRestartPolicy         *restart_policy,
                 const TendServiceControls *controls,
                 const TendHealthRecord    *health,
                 GPid                       monitor)
{
  const TendInventoryPolicy *policy = tend_restart_policy_get_settings (restart_policy);
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *breaker = tend_duration_format (
    tend_restart_policy_get_breaker_timeout (restart_policy));
  gint64 now = g_get_real_time ();

  /* Translators: the heading of tendctl policy show: a unit, then a host */
  g_string_append_printf (out, _("%s on %s"), data->unit, host);
  g_string_append_c (out, '\n');
  if (data->policy != NULL)
    /* Translators: %s is the policy's kind, as typed ("on-failure", "backoff") */
    g_string_append_printf (out, _("Policy: %s (the service's own)"),
                            tend_inventory_policy_kind_to_string (policy->kind));
  else
    /* Translators: %s is the policy's kind, as typed; recovery.* names configuration keys */
    g_string_append_printf (out, _("Policy: %s (default: the recovery.* configuration)"),
                            tend_inventory_policy_kind_to_string (policy->kind));
  g_string_append_c (out, '\n');
  for (guint i = 0; i < N_POLICY_OPTIONS; i++)
    {
      g_autofree char *value = format_value (policy, i);

      g_string_append_printf (out, "  %-20s %s\n", policy_options[i].option, value);
    }
  g_string_append_printf (out, "  %-20s %u (recovery.breaker-threshold)\n",
                          "breaker-threshold",
                          tend_restart_policy_get_breaker_threshold (restart_policy));
  g_string_append_printf (out, "  %-20s %s (recovery.breaker-timeout)\n", "breaker-timeout",
                          breaker);

  if (controls != NULL && controls->silenced_until_usec > now)
    {
      g_autoptr(GString) when = g_string_new (NULL);

      tendctl_append_when (when, controls->silenced_until_usec, now, controls->silence_reason);
      /* Translators: %s is a time, how far it is and the reason */
      g_string_append_printf (out, _("Silenced: until %s"), when->str);
    }
  else
    g_string_append (out, _("Silenced: no"));
  g_string_append_c (out, '\n');
  if (controls != NULL && controls->manual)
    {
      g_autoptr(GString) when = g_string_new (NULL);

      tendctl_append_when (when, controls->manual_since_usec, now, controls->manual_reason);
      /* Translators: %s is a time, how long ago it was and the reason */
      g_string_append_printf (out, _("Manual intervention required: yes, since %s"), when->str);
      g_string_append (out, "\n  ");
      /* Translators: %s is a unit; "tendctl resume %s" is a command to type */
      g_string_append_printf (out, _("Tend does not recover it until a person resumes it: "
                                     "tendctl resume %s"), data->unit);
    }
  else
    g_string_append (out, _("Manual intervention required: no"));
  g_string_append_c (out, '\n');
  if (monitor != 0 && health != NULL)
    tendctl_append_recovery (out, health->recovery, health->status);

  if (monitor > 0)
    /* Translators: %d is the monitor's process id */
    g_string_append_printf (out, _("Monitor: running (pid %d)"), (int) monitor);
  else if (monitor < 0)
    g_string_append (out, _("Monitor: starting"));
  else
    g_string_append (out, _("Monitor: not running; Tend acts on this once it runs "
                            "(tendctl monitor)"));
  g_string_append_c (out, '\n');
  tendctl_write (stdout, out);
}

static void
health_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  PolicyData *data = user_data;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TendRestartPolicy) policy = NULL;
  const TendServiceControls *controls = NULL;
  const TendHealthRecord *health = NULL;
  const char *host = data->host_text;
  GPid monitor;

  records = tend_store_query_health_finish (TEND_STORE (object), result, &error);
  if (records == NULL)
    {
      tendctl_print_error ("%s", error->message);
      tendctl_run_quit (data->run, TENDCTL_EXIT_FAILED);
      return;
    }
  for (guint i = 0; i < data->controls->len; i++)
    {
      const TendServiceControls *row = data->controls->pdata[i];

      if (g_strcmp0 (row->host, host) == 0 && g_strcmp0 (row->unit, data->unit) == 0)
        controls = row;
    }
  for (guint i = 0; i < records->len; i++)
    {
      const TendHealthRecord *row = records->pdata[i];

      if (g_strcmp0 (row->host, host) == 0 && g_strcmp0 (row->unit, data->unit) == 0)
        health = row;
    }

  /* What TendRestartPolicy makes of it is what the monitor goes by. */
  if (data->policy != NULL)
    policy = tend_restart_policy_new_from_inventory (data->policy, data->config);
  else
    policy = tend_restart_policy_new_from_config (data->config);

  monitor = tend_lock_get_owner (tend_store_get_path (data->run->store));
  if (data->json)
    print_show_json (data, host, policy, controls, health, monitor);
  else
    print_show_text (data, host, policy, controls, health, monitor);
  tendctl_run_quit (data->run, TENDCTL_EXIT_OK);
}

static void
controls_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  PolicyData *data = user_data;
  g_autoptr(GError) error = NULL;

  data->controls = tend_store_query_controls_finish (TEND_STORE (object), result, &error);
  if (data->controls == NULL)
    {
      tendctl_print_error ("%s", error->message);
      tendctl_run_quit (data->run, TENDCTL_EXIT_FAILED);
      return;
    }
  /* And what the monitor will do next about it, saved with its health. */
  tend_store_query_health_async (data->run->store, -1, data->run->cancellable, health_cb,
                                 data);
}

static void
show_loaded_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  PolicyData *data = user_data;
  g_autoptr(TendInventory) inventory = NULL;
  g_autoptr(GError) error = NULL;
  const TendInventoryPolicy *policy;

  inventory = tend_store_load_inventory_finish (TEND_STORE (object), result, &error);
  if (inventory == NULL)
    {
      tendctl_print_error ("%s", error->message);
      tendctl_run_quit (data->run, TENDCTL_EXIT_FAILED);
      return;
    }
  if (tendctl_require_service (inventory, data->host_text, data->unit, &error) == NULL)
    {
      tendctl_print_error ("%s", error->message);
      tendctl_run_quit (data->run, TENDCTL_EXIT_NOT_FOUND);
      return;
    }

  policy = tend_inventory_find_policy (inventory, data->host_text, data->unit);
  if (policy != NULL)
    data->policy = tend_inventory_policy_copy (policy);
  data->config = tend_config_new ();
  tend_config_load (data->config, tend_inventory_get_config (inventory), NULL);
  tend_store_query_controls_async (data->run->store, -1, data->run->cancellable, controls_cb,
                                   data);
}

static void
show_ready (TendctlRun *run,
            gpointer    user_data)
{
  PolicyData *data = user_data;

  data->run = run;
  if (data->host_text == NULL)
    data->host_text = g_strdup (tend_host_get_id (run->host));
  tend_store_load_inventory_async (run->store, run->cancellable, show_loaded_cb, data);
}

/* ------------------------------------------------------------------------------------ */
/* Arguments                                                                             */

#define POLICY_SUMMARY \
  N_("Show and change how Tend recovers a service it watches.\n" \
     "\n" \
     "Subcommands:\n" \
     "  show UNIT [--json]    The service's recovery policy, and whether it is silenced or\n" \
     "                        waits for a person\n" \
     "  set UNIT --kind KIND [OPTION…]\n" \
     "                        Give the service a policy of its own\n" \
     "  reset UNIT            Remove its own policy: the default applies again\n" \
     "\n" \
     "Run 'tendctl policy SUBCOMMAND --help' for the options of a subcommand.")

#define SET_SUMMARY \
  N_("Give the service UNIT a recovery policy of its own, in place of the one it had.\n" \
     "\n" \
     "Kinds:\n" \
     "  never       never recover it\n" \
     "  on-failure  recover it when it fails (critical, or the unit failed)\n" \
     "  always      also when the unit stopped\n" \
     "  backoff     as on-failure, waiting longer before each attempt\n" \
     "\n" \
     "An option left out takes the configuration's value (the recovery.* keys, see\n" \
     "'tendctl config list'), not the value of the policy it replaces.")

static const char * const subcommands[] = { "show", "set", "reset", NULL };

static gboolean
one_unit (const char  *command,
          GStrv        rest,
          const char  *usage)
{
  if (rest != NULL && g_strv_length (rest) == 1)
    return TRUE;
  tendctl_usage_error (command, "%s", usage);
  return FALSE;
}

static TendctlExit
policy_show (TendctlGlobalOptions  *global,
             int                    argc,
             char                 **argv)
{
  PolicyData data = { { NULL, }, };
  g_auto(GStrv) rest = NULL;
  TendctlExit status = TENDCTL_EXIT_USAGE;
  const GOptionEntry entries[] = {
    TENDCTL_HOST_ENTRY (&data.host_text),
    { "json", 0, 0, G_OPTION_ARG_NONE, &data.json, N_("Print a JSON object"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &rest, NULL, NULL },
    G_OPTION_ENTRY_NULL
  };

  if (tendctl_parse_options ("policy show", "UNIT",
                             N_("Show how Tend recovers the service UNIT: its own policy, or the "
                                "default one of the configuration; and whether it is silenced "
                                "or waits for a person."), entries, global, &argc, &argv) &&
      one_unit ("policy show", rest, "policy show needs one UNIT, such as nginx.service") &&
      tendctl_check_units ((const char * const *) rest, FALSE))
    {
      data.unit = rest[0];
      status = tendctl_run (global, TENDCTL_RUN_READ_ONLY,
                            show_ready, &data);
    }
  policy_data_clear (&data);
  return status;
}

static GOptionEntry *
set_entries (PolicyData *data,
             GStrv      *rest)
{
  GArray *entries = g_array_new (TRUE, TRUE, sizeof (GOptionEntry));
  const GOptionEntry fixed[] = {
    { "kind", 'k', 0, G_OPTION_ARG_STRING, &data->kind_text,
      N_("never, on-failure, always or backoff"), "KIND" },
    TENDCTL_HOST_ENTRY (&data->host_text),
  };
  const GOptionEntry remaining =
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, rest, NULL, NULL };

  g_array_append_vals (entries, fixed, G_N_ELEMENTS (fixed));
  for (guint i = 0; i < N_POLICY_OPTIONS; i++)
    {
      const GOptionEntry entry = { policy_options[i].option, 0, 0, G_OPTION_ARG_STRING,
                                   &data->text[i], policy_options[i].help,
                                   policy_options[i].arg };

      g_array_append_val (entries, entry);
    }
  g_array_append_val (entries, remaining);
  return (GOptionEntry *) g_array_free (entries, FALSE);
}

static TendctlExit
policy_set (TendctlGlobalOptions  *global,
            int                    argc,
            char                 **argv)
{
  PolicyData data = { { NULL, }, };
  g_auto(GStrv) rest = NULL;
  g_autofree GOptionEntry *entries = set_entries (&data, &rest);
  TendctlExit status = TENDCTL_EXIT_USAGE;

  if (!tendctl_parse_options ("policy set", "UNIT --kind KIND [OPTION…]", SET_SUMMARY,
                              entries, global, &argc, &argv) ||
      !one_unit ("policy set", rest, "policy set needs one UNIT, such as 'tendctl policy set "
                 "nginx.service --kind backoff'"))
    goto out;
  if (data.kind_text == NULL)
    {
      tendctl_usage_error ("policy set", _("policy set needs --kind: never, on-failure, always "
                             "or backoff"));
      goto out;
    }

  data.edit.operation = "policy-set";
  data.edit.unit = rest[0];
  data.edit.host = data.host_text;
  data.edit.refused = _("nothing was changed");
  data.edit.edit = set_edit;
  data.edit.user_data = &data;
  data.edit.parameters = audit_parameters (&data);
  if (tendctl_validate_unit (data.edit.unit, &data.edit.refusal) &&
      parse_kind (data.kind_text, &data.kind, &data.edit.refusal))
    parse_values (&data, &data.edit.refusal);
  status = tendctl_edit_run (&data.edit, global, 0);

out:
  policy_data_clear (&data);
  return status;
}

static TendctlExit
policy_reset (TendctlGlobalOptions  *global,
              int                    argc,
              char                 **argv)
{
  PolicyData data = { { NULL, }, };
  g_auto(GStrv) rest = NULL;
  TendctlExit status = TENDCTL_EXIT_USAGE;
  const GOptionEntry entries[] = {
    TENDCTL_HOST_ENTRY (&data.host_text),
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &rest, NULL, NULL },
    G_OPTION_ENTRY_NULL
  };

  if (tendctl_parse_options ("policy reset", "UNIT",
                             N_("Remove the service UNIT's own recovery policy: the default one, "
                                "of the configuration's recovery.* keys, applies again."),
                             entries, global, &argc, &argv) &&
      one_unit ("policy reset", rest, "policy reset needs one UNIT, such as nginx.service"))
    {
      data.edit.operation = "policy-reset";
      data.edit.unit = rest[0];
      data.edit.host = data.host_text;
      data.edit.refused = _("nothing was changed");
      data.edit.edit = reset_edit;
      tendctl_validate_unit (data.edit.unit, &data.edit.refusal);
      status = tendctl_edit_run (&data.edit, global, 0);
    }
  policy_data_clear (&data);
  return status;
}

TendctlExit
tendctl_policy (TendctlGlobalOptions  *global,
                int                    argc,
                char                 **argv)
{
  static const TendctlCommandFunc funcs[] = { policy_show, policy_set, policy_reset };

  return tendctl_run_subcommand ("policy", POLICY_SUMMARY, subcommands, funcs, global, argc,
                                 argv);
}
