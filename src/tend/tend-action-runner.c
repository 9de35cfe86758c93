/* tend-action-runner.c — see tend-action-runner.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One run is one confirmation (for the actions that take something away), one call of
 * tend_host_run_action_as_async() per service, each on its own host, and one outcome:
 * a toast that sums up what worked, and a dialog with libtend's message for what did
 * not.
 */
#define G_LOG_DOMAIN "Tend"

#include "config.h"

#include <glib/gi18n.h>

#include "tend-action-runner.h"
#include "tend-application.h"
#include "tend-window.h"

typedef struct
{
  TendUnitAction action;
  GPtrArray *services;         /* (owned) TendService */
  GtkWidget *source;           /* (owned) */
  guint n_waiting;
  guint n_done;
  guint n_failed;
  GError *first_error;         /* (owned) (nullable) */
  char *first_failed;          /* (owned) (nullable) the unit of @first_error */
} Run;

static void
run_free (Run *run)
{
  g_ptr_array_unref (run->services);
  g_object_unref (run->source);
  g_clear_error (&run->first_error);
  g_free (run->first_failed);
  g_free (run);
}

static gboolean
needs_confirmation (TendUnitAction action)
{
  return action == TEND_UNIT_ACTION_STOP || action == TEND_UNIT_ACTION_RESTART ||
         action == TEND_UNIT_ACTION_DISABLE;
}

/* "Restarted web.service", "Restarted 3 services" */
static char *
describe_done (TendUnitAction  action,
               guint           n,
               const char     *unit)
{
  switch (action)
    {
    case TEND_UNIT_ACTION_START:
      return n == 1 ? g_strdup_printf (_("Started %s"), unit)
                    : g_strdup_printf (ngettext ("Started %u service", "Started %u services",
                                                 n), n);
    case TEND_UNIT_ACTION_STOP:
      return n == 1 ? g_strdup_printf (_("Stopped %s"), unit)
                    : g_strdup_printf (ngettext ("Stopped %u service", "Stopped %u services",
                                                 n), n);
    case TEND_UNIT_ACTION_RESTART:
      return n == 1 ? g_strdup_printf (_("Restarted %s"), unit)
                    : g_strdup_printf (ngettext ("Restarted %u service", "Restarted %u services",
                                                 n), n);
    case TEND_UNIT_ACTION_RELOAD:
      return n == 1 ? g_strdup_printf (_("Reloaded %s"), unit)
                    : g_strdup_printf (ngettext ("Reloaded %u service", "Reloaded %u services",
                                                 n), n);
    case TEND_UNIT_ACTION_ENABLE:
      return n == 1 ? g_strdup_printf (_("Enabled %s"), unit)
                    : g_strdup_printf (ngettext ("Enabled %u service", "Enabled %u services",
                                                 n), n);
    case TEND_UNIT_ACTION_DISABLE:
      return n == 1 ? g_strdup_printf (_("Disabled %s"), unit)
                    : g_strdup_printf (ngettext ("Disabled %u service", "Disabled %u services",
                                                 n), n);
    case TEND_UNIT_ACTION_RESET_FAILED:
    default:
      return n == 1 ? g_strdup_printf (_("Cleared the failed state of %s"), unit)
                    : g_strdup_printf (ngettext ("Cleared the failed state of %u service",
                                                 "Cleared the failed state of %u services", n),
                                       n);
    }
}

/* The heading of the error dialog: "Could not restart web.service", "Could not restart 2 of
 * 3 services" */
static char *
describe_failed (TendUnitAction  action,
                 guint           n_failed,
                 guint           n_total,
                 const char     *unit)
{
  if (n_total == 1)
    switch (action)
      {
      case TEND_UNIT_ACTION_START: return g_strdup_printf (_("Could not start %s"), unit);
      case TEND_UNIT_ACTION_STOP: return g_strdup_printf (_("Could not stop %s"), unit);
      case TEND_UNIT_ACTION_RESTART: return g_strdup_printf (_("Could not restart %s"), unit);
      case TEND_UNIT_ACTION_RELOAD: return g_strdup_printf (_("Could not reload %s"), unit);
      case TEND_UNIT_ACTION_ENABLE: return g_strdup_printf (_("Could not enable %s"), unit);
      case TEND_UNIT_ACTION_DISABLE: return g_strdup_printf (_("Could not disable %s"), unit);
      case TEND_UNIT_ACTION_RESET_FAILED:
      default:
        return g_strdup_printf (_("Could not clear the failed state of %s"), unit);
      }

  switch (action)
    {
    case TEND_UNIT_ACTION_START:
      return g_strdup_printf (ngettext ("Could not start %u of %u service",
                                        "Could not start %u of %u services", n_total),
                              n_failed, n_total);
    case TEND_UNIT_ACTION_STOP:
      return g_strdup_printf (ngettext ("Could not stop %u of %u service",
                                        "Could not stop %u of %u services", n_total),
                              n_failed, n_total);
    case TEND_UNIT_ACTION_RESTART:
      return g_strdup_printf (ngettext ("Could not restart %u of %u service",
                                        "Could not restart %u of %u services", n_total),
                              n_failed, n_total);
    default:
      return g_strdup_printf (ngettext ("%u of %u service failed", "%u of %u services failed",
                                        n_total),
                              n_failed, n_total);
    }
}

static void
finish_run (Run *run)
{
  TendWindow *window = TEND_WINDOW (gtk_widget_get_ancestor (run->source, TEND_TYPE_WINDOW));
  TendService *first = g_ptr_array_index (run->services, 0);
  guint n_ok = run->n_done - run->n_failed;

  if (window == NULL)
    {
      /* A widget outside a window (tests): nowhere to show it but the log */
      if (run->first_error != NULL)
        g_message ("%s: %s", run->first_failed, run->first_error->message);
      return;
    }
  if (n_ok > 0)
    {
      g_autofree char *title = describe_done (run->action, n_ok,
                                              run->n_failed == 0
                                                ? tend_service_get_name (first) : NULL);

      tend_window_add_toast (window, adw_toast_new (title));
    }
  if (run->first_error != NULL)
    {
      g_autofree char *heading = describe_failed (run->action, run->n_failed,
                                                  run->services->len, run->first_failed);

      tend_window_show_error (window, heading, run->first_error);
    }
}

static void
release_run (Run *run)
{
  if (--run->n_waiting > 0)
    return;
  finish_run (run);
  run_free (run);
}

static void
record_outcome (Run          *run,
                const char   *unit,
                const GError *error)
{
  run->n_done++;
  if (error != NULL)
    {
      run->n_failed++;
      if (run->first_error == NULL)
        {
          run->first_error = g_error_copy (error);
          run->first_failed = g_strdup (unit);
        }
    }
  release_run (run);
}

typedef struct
{
  Run *run;
  char *unit;                  /* (owned) */
} Call;

static void
action_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Call *call = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *answer = NULL;

  answer = tend_host_run_action_finish (TEND_HOST (object), result, &error);
  g_debug ("%s %s: %s", tend_unit_action_to_string (call->run->action), call->unit,
           error != NULL ? error->message : answer);
  record_outcome (call->run, call->unit, error);
  g_free (call->unit);
  g_free (call);
}

static void
start_run (Run *run)
{
  /* One count for the loop itself: an outcome known at once does not end the run. */
  run->n_waiting = run->services->len + 1;
  for (guint i = 0; i < run->services->len; i++)
    {
      TendService *service = g_ptr_array_index (run->services, i);
      g_autoptr(TendHost) host = tend_service_dup_host (service);
      Call *call;

      if (host == NULL)
        {
          g_autoptr(GError) error =
            g_error_new (TEND_ERROR, TEND_ERROR_NOT_FOUND,
                         _("%s is no longer on a host Tend is connected to: refresh the list "
                           "and try again."), tend_service_get_name (service));

          record_outcome (run, tend_service_get_name (service), error);
          continue;
        }
      call = g_new0 (Call, 1);
      call->run = run;
      call->unit = g_strdup (tend_service_get_name (service));
      tend_host_run_action_as_async (host, call->unit, run->action, TEND_AUDIT_ORIGIN_GUI, NULL,
                                     action_cb, call);
    }
  release_run (run);
}

/* The units that go down with @services (systemd's RequiredBy and BoundBy: a stop or
 * restart is carried to them), or, with @wanted, the units that merely want them
 * (WantedBy: they keep running without), none of @services included, each once. */
static GPtrArray *
collect_affected (GPtrArray *services,
                  gboolean   wanted)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *affected = g_ptr_array_new ();

  for (guint i = 0; i < services->len; i++)
    g_hash_table_add (seen, (gpointer) tend_service_get_name (g_ptr_array_index (services, i)));
  for (guint i = 0; i < services->len; i++)
    {
      TendService *service = g_ptr_array_index (services, i);
      const char *const *lists[2] = { NULL, NULL };

      if (wanted)
        lists[0] = tend_service_get_wanted_by (service);
      else
        {
          lists[0] = tend_service_get_required_by (service);
          lists[1] = tend_service_get_bound_by (service);
        }
      for (guint k = 0; k < G_N_ELEMENTS (lists); k++)
        for (guint j = 0; lists[k] != NULL && lists[k][j] != NULL; j++)
          if (g_hash_table_add (seen, (gpointer) lists[k][j]))
            g_ptr_array_add (affected, (gpointer) lists[k][j]);
    }
  return affected;
}

static char *
confirmation_heading (TendUnitAction action,
                      GPtrArray     *services)
{
  const char *unit = tend_service_get_name (g_ptr_array_index (services, 0));
  guint n = services->len;

  switch (action)
    {
    case TEND_UNIT_ACTION_STOP:
      return n == 1 ? g_strdup_printf (_("Stop %s?"), unit)
                    : g_strdup_printf (ngettext ("Stop %u Service?", "Stop %u Services?", n), n);
    case TEND_UNIT_ACTION_DISABLE:
      return n == 1 ? g_strdup_printf (_("Disable %s?"), unit)
                    : g_strdup_printf (ngettext ("Disable %u Service?", "Disable %u Services?",
                                                 n), n);
    case TEND_UNIT_ACTION_RESTART:
    default:
      return n == 1 ? g_strdup_printf (_("Restart %s?"), unit)
                    : g_strdup_printf (ngettext ("Restart %u Service?", "Restart %u Services?",
                                                 n), n);
    }
}

static char *
confirmation_body (TendUnitAction action,
                   GPtrArray     *services)
{
  g_autoptr(GPtrArray) affected = collect_affected (services, FALSE);
  g_autoptr(GPtrArray) wanting = collect_affected (services, TRUE);
  g_autoptr(GString) body = g_string_new (NULL);

  if (services->len > 1)
    {
      for (guint i = 0; i < services->len; i++)
        g_string_append_printf (body, "%s%s", i > 0 ? ", " : "",
                                tend_service_get_name (g_ptr_array_index (services, i)));
      g_string_append (body, "\n\n");
    }

  if (affected->len == 0)
    {
      if (action == TEND_UNIT_ACTION_DISABLE)
        g_string_append (body, _("It will no longer start by itself. No other unit requires "
                                 "it."));
      else
        g_string_append (body, _("No other unit requires it."));
    }
  else
    {
      if (action == TEND_UNIT_ACTION_DISABLE)
        g_string_append (body, ngettext ("This unit requires it and may fail to start:",
                                         "These units require it and may fail to start:",
                                         affected->len));
      else if (action == TEND_UNIT_ACTION_STOP)
        g_string_append (body, ngettext ("This unit requires it and will stop too:",
                                         "These units require it and will stop too:",
                                         affected->len));
      else
        g_string_append (body, ngettext ("This unit requires it and will restart too:",
                                         "These units require it and will restart too:",
                                         affected->len));
      for (guint i = 0; i < affected->len; i++)
        g_string_append_printf (body, "\n• %s", (const char *) affected->pdata[i]);
    }

  if (wanting->len > 0)
    {
      g_string_append (body, "\n\n");
      if (action == TEND_UNIT_ACTION_DISABLE)
        g_string_append (body, ngettext ("This unit will no longer start it:",
                                         "These units will no longer start it:",
                                         wanting->len));
      else
        g_string_append (body, ngettext ("This unit wants it and keeps running without it:",
                                         "These units want it and keep running without it:",
                                         wanting->len));
      for (guint i = 0; i < wanting->len; i++)
        g_string_append_printf (body, "\n• %s", (const char *) wanting->pdata[i]);
    }
  return g_string_free (g_steal_pointer (&body), FALSE);
}

static const char *
confirmation_verb (TendUnitAction action)
{
  switch (action)
    {
    case TEND_UNIT_ACTION_STOP: return _("_Stop");
    case TEND_UNIT_ACTION_DISABLE: return _("_Disable");
    case TEND_UNIT_ACTION_RESTART:
    default: return _("_Restart");
    }
}

static void
confirmation_cb (AdwMessageDialog *dialog,
                 const char       *response,
                 gpointer          user_data)
{
  Run *run = user_data;

  if (g_str_equal (response, "confirm"))
    start_run (run);
  else
    run_free (run);
}

/**
 * tend_action_runner_run:
 * @source: the widget the action came from: its window is the dialogs' parent and
 *   gets the toast
 * @services: (element-type TendService): at least one
 */
void
tend_action_runner_run (GtkWidget      *source,
                        TendUnitAction  action,
                        GPtrArray      *services)
{
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  GtkRoot *root;
  GtkWidget *dialog;
  Run *run;

  g_return_if_fail (GTK_IS_WIDGET (source));
  g_return_if_fail (services != NULL);

  if (services->len == 0)
    return;

  run = g_new0 (Run, 1);
  run->action = action;
  run->source = g_object_ref (source);
  run->services = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < services->len; i++)
    g_ptr_array_add (run->services, g_object_ref (g_ptr_array_index (services, i)));

  if (!needs_confirmation (action))
    {
      start_run (run);
      return;
    }

  heading = confirmation_heading (action, run->services);
  body = confirmation_body (action, run->services);
  root = gtk_widget_get_root (source);
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading,
                                   body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "confirm", confirmation_verb (action),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "confirm",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (confirmation_cb), run);
  gtk_window_present (GTK_WINDOW (dialog));
}
