/* tend-add-host-dialog.c — see tend-add-host-dialog.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each field is checked as it is typed, by libtend's rules for the inventory
 * (tend_inventory_host_check_field()), and says what is wrong in a line beneath it once
 * a person has typed there (or pressed Add). Add is what `tendctl host add` does:
 * tend_host_control_add_async() connects first and stores the host only when that
 * works. A key that is not in known_hosts comes back as TEND_ERROR_HOST_KEY_UNKNOWN with
 * its fingerprint: the person compares it and, with "Trust and Add", the add runs again
 * with that fingerprint accepted. A changed key is an alert with no way past it. Any
 * other refusal is said at the top of the dialog, which stays open.
 */
#define G_LOG_DOMAIN "Tend"

#include "config.h"

#include <glib/gi18n.h>

#include "tend-add-host-dialog.h"
#include "tend-add-host-dialog-private.h"
#include "tend-ui-util.h"

typedef struct
{
  const char *field;           /* the inventory's name of the field */
  AdwEntryRow *row;
  GtkWidget *error_row;
  GtkLabel *error_label;
  gboolean touched;            /* typed in, or Add pressed: its problem is shown */
  char *problem;               /* (owned) (nullable) */
} Field;

enum { FIELD_ADDRESS, FIELD_NAME, FIELD_USER, FIELD_PORT, N_FIELDS };

struct _TendAddHostDialog
{
  AdwWindow parent_instance;

  TendStore *store;            /* (owned) */
  GCancellable *cancellable;   /* (owned) (nullable) while adding */
  Field fields[N_FIELDS];
  gboolean name_edited;        /* the name was typed, not copied from the address */
  gboolean filling_name;
  gboolean busy;
  char *added;                 /* (owned) (nullable) the name, once added */

  /* Template */
  GtkStack *add_stack;
  GtkSpinner *spinner;
  AdwPreferencesGroup *problem_group;
  GtkLabel *problem_label;
  AdwEntryRow *address_row;
  GtkWidget *address_error_row;
  GtkLabel *address_error;
  AdwEntryRow *name_row;
  GtkWidget *name_error_row;
  GtkLabel *name_error;
  AdwEntryRow *user_row;
  GtkWidget *user_error_row;
  GtkLabel *user_error;
  AdwEntryRow *port_row;
  GtkWidget *port_error_row;
  GtkLabel *port_error;
  AdwComboRow *scope_row;
  GtkSwitch *sudo_switch;
  AdwComboRow *access_row;
};

enum {
  PROP_0,
  PROP_STORE,
  PROP_BUSY,
  N_PROPS
};

enum {
  SIGNAL_HOST_ADDED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TendAddHostDialog, tend_add_host_dialog, ADW_TYPE_WINDOW)

static void add (TendAddHostDialog *self,
                 const char        *accept_fingerprint);

/* ------------------------------------------------------------------------------------ */
/* The fields                                                                            */

static const char *
field_text (Field *field)
{
  return gtk_editable_get_text (GTK_EDITABLE (field->row));
}

/* A name for Tend made from the address: its first label, as people call a machine. */
static char *
name_from_address (const char *address)
{
  g_autofree char *name = g_strdup (address);
  char *dot;

  if (!g_hostname_is_ip_address (name) && (dot = strchr (name, '.')) != NULL && dot != name)
    *dot = '\0';
  for (char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '_' && *p != '-')
      *p = '-';
  return g_steal_pointer (&name);
}

static void
check_field (TendAddHostDialog *self,
             Field             *field)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strstrip (g_strdup (field_text (field)));
  gboolean shown;

  g_clear_pointer (&field->problem, g_free);
  if (*text == '\0' && (field == &self->fields[FIELD_ADDRESS] ||
                        field == &self->fields[FIELD_NAME]))
    field->problem = g_strdup (field == &self->fields[FIELD_ADDRESS]
                               ? _("Give the host’s name or IP address, as ssh takes it")
                               : _("Give the host a name to be known by in Tend"));
  else if (!tend_inventory_host_check_field (field->field, text, &error))
    field->problem = g_strdup (error->message);

  shown = field->touched && field->problem != NULL;
  gtk_label_set_label (field->error_label, shown ? field->problem : "");
  gtk_widget_set_visible (field->error_row, shown);
  if (shown)
    gtk_widget_add_css_class (GTK_WIDGET (field->row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (field->row), "error");
  /* A screen reader hears the problem with the field */
  gtk_accessible_update_property (GTK_ACCESSIBLE (field->row),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  shown ? field->problem : "", -1);
}

static gboolean
all_valid (TendAddHostDialog *self)
{
  for (guint i = 0; i < N_FIELDS; i++)
    if (self->fields[i].problem != NULL)
      return FALSE;
  return TRUE;
}

static void
update_actions (TendAddHostDialog *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "add-host.add", !self->busy);
}

static void
field_changed_cb (TendAddHostDialog *self,
                  GtkEditable       *editable)
{
  for (guint i = 0; i < N_FIELDS; i++)
    {
      Field *field = &self->fields[i];

      if (GTK_EDITABLE (field->row) != editable)
        continue;
      if (i == FIELD_NAME && !self->filling_name)
        self->name_edited = *field_text (field) != '\0';
      field->touched = TRUE;
      check_field (self, field);
    }

  /* The name follows the address until a person types one. */
  if (editable == GTK_EDITABLE (self->address_row) && !self->name_edited)
    {
      g_autofree char *name = name_from_address (field_text (&self->fields[FIELD_ADDRESS]));

      self->filling_name = TRUE;
      gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
      self->filling_name = FALSE;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->problem_group), FALSE);
}

static void
access_changed_cb (TendAddHostDialog *self)
{
  static const char *subtitles[] = {
    N_("Look only: nothing can be started or stopped there"),
    N_("Start, restart and reload services"),
    N_("Everything, including stop, enable and disable"),
  };
  guint selected = adw_combo_row_get_selected (self->access_row);

  if (selected < G_N_ELEMENTS (subtitles))
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->access_row), _(subtitles[selected]));
}

/* ------------------------------------------------------------------------------------ */
/* Adding                                                                                */

static void
set_busy (TendAddHostDialog *self,
          gboolean           busy)
{
  if (self->busy == busy)
    return;
  self->busy = busy;
  gtk_stack_set_visible_child_name (self->add_stack, busy ? "busy" : "button");
  gtk_spinner_set_spinning (self->spinner, busy);
  for (guint i = 0; i < N_FIELDS; i++)
    gtk_widget_set_sensitive (GTK_WIDGET (self->fields[i].row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->scope_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->sudo_switch), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->access_row), !busy);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
show_problem (TendAddHostDialog *self,
              const char        *text)
{
  gtk_label_set_label (self->problem_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->problem_group), TRUE);
}

static TendInventoryHost *
make_spec (TendAddHostDialog *self)
{
  g_autofree char *name = g_strstrip (g_strdup (field_text (&self->fields[FIELD_NAME])));
  g_autofree char *address = g_strstrip (g_strdup (field_text (&self->fields[FIELD_ADDRESS])));
  g_autofree char *user = g_strstrip (g_strdup (field_text (&self->fields[FIELD_USER])));
  g_autofree char *port = g_strstrip (g_strdup (field_text (&self->fields[FIELD_PORT])));
  TendInventoryHost *spec = tend_inventory_host_new (name, TEND_HOST_KIND_SSH);
  static const TendInventoryAccess levels[] = {
    TEND_INVENTORY_ACCESS_VIEWER, TEND_INVENTORY_ACCESS_OPERATOR, TEND_INVENTORY_ACCESS_ADMIN,
  };
  guint access = adw_combo_row_get_selected (self->access_row);

  g_free (spec->address);
  spec->address = g_steal_pointer (&address);
  g_free (spec->user);
  spec->user = *user != '\0' ? g_steal_pointer (&user) : NULL;
  spec->port = *port != '\0' ? (int) g_ascii_strtoll (port, NULL, 10) : 22;
  spec->scope = adw_combo_row_get_selected (self->scope_row) == 1 ? TEND_HOST_SCOPE_USER
                                                                  : TEND_HOST_SCOPE_SYSTEM;
  spec->sudo = gtk_switch_get_active (self->sudo_switch) ? TEND_INVENTORY_SUDO_SUDO
                                                         : TEND_INVENTORY_SUDO_NONE;
  spec->access = levels[MIN (access, G_N_ELEMENTS (levels) - 1)];
  return spec;
}

static void
trust_response_cb (AdwMessageDialog  *dialog,
                   const char        *response,
                   TendAddHostDialog *self)
{
  const char *fingerprint = g_object_get_data (G_OBJECT (dialog), "fingerprint");

  if (g_strcmp0 (response, "trust") == 0)
    add (self, fingerprint);
}

/* The key is new to known_hosts: the person compares its fingerprint, then trusts it. */
static void
confirm_fingerprint (TendAddHostDialog *self,
                     const char        *address,
                     const char        *fingerprint)
{
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  body = g_markup_printf_escaped (_("Tend has not connected to %s before. Check that the "
                                    "host’s key has this fingerprint (on the host: "
                                    "<tt>ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub</tt>) "
                                    "before you trust it:\n\n<b><tt>%s</tt></b>"),
                                  address, fingerprint != NULL ? fingerprint : _("unknown"));
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Trust This Host’s Key?"), NULL);
  adw_message_dialog_set_body_use_markup (ADW_MESSAGE_DIALOG (dialog), TRUE);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "trust", _("_Trust and Add"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "trust",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "fingerprint", g_strdup (fingerprint), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (trust_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
added_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(TendAddHostDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TendInventoryHost) spec = NULL;

  if (!tend_host_control_add_finish (result, &error) && tend_error_is_cancelled (error))
    return;
  g_clear_object (&self->cancellable);
  set_busy (self, FALSE);
  spec = make_spec (self);

  if (error == NULL)
    {
      self->added = g_strdup (spec->name);
      g_signal_emit (self, signals[SIGNAL_HOST_ADDED], 0, spec->name);
      gtk_window_close (GTK_WINDOW (self));
    }
  else if (g_error_matches (error, TEND_ERROR, TEND_ERROR_HOST_KEY_UNKNOWN))
    confirm_fingerprint (self, spec->address, tend_host_control_add_get_fingerprint (result));
  else if (g_error_matches (error, TEND_ERROR, TEND_ERROR_HOST_KEY_CHANGED))
    tend_show_host_key_changed (GTK_WINDOW (self), error->message);
  else
    show_problem (self, error->message);
}

static void
add (TendAddHostDialog *self,
     const char        *accept_fingerprint)
{
  g_autoptr(TendInventoryHost) spec = NULL;

  if (self->busy)
    return;
  for (guint i = 0; i < N_FIELDS; i++)
    {
      self->fields[i].touched = TRUE;
      check_field (self, &self->fields[i]);
    }
  if (!all_valid (self))
    {
      for (guint i = 0; i < N_FIELDS; i++)
        if (self->fields[i].problem != NULL)
          {
            gtk_widget_grab_focus (GTK_WIDGET (self->fields[i].row));
            break;
          }
      return;
    }
  if (self->store == NULL)
    {
      show_problem (self, _("The database is not open yet"));
      return;
    }

  spec = make_spec (self);
  gtk_widget_set_visible (GTK_WIDGET (self->problem_group), FALSE);
  set_busy (self, TRUE);
  self->cancellable = g_cancellable_new ();
  tend_host_control_add_async (self->store, spec, accept_fingerprint, self->cancellable,
                               added_cb, g_object_ref (self));
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  add (TEND_ADD_HOST_DIALOG (widget), NULL);
}

/* ------------------------------------------------------------------------------------ */
/* GObject                                                                               */

static void
tend_add_host_dialog_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  TendAddHostDialog *self = TEND_ADD_HOST_DIALOG (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_add_host_dialog_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  TendAddHostDialog *self = TEND_ADD_HOST_DIALOG (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_set_object (&self->store, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_add_host_dialog_dispose (GObject *object)
{
  TendAddHostDialog *self = TEND_ADD_HOST_DIALOG (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  gtk_widget_dispose_template (GTK_WIDGET (self), TEND_TYPE_ADD_HOST_DIALOG);

  G_OBJECT_CLASS (tend_add_host_dialog_parent_class)->dispose (object);
}

static void
tend_add_host_dialog_finalize (GObject *object)
{
  TendAddHostDialog *self = TEND_ADD_HOST_DIALOG (object);

  for (guint i = 0; i < N_FIELDS; i++)
    g_free (self->fields[i].problem);
  g_free (self->added);

  G_OBJECT_CLASS (tend_add_host_dialog_parent_class)->finalize (object);
}

static void
tend_add_host_dialog_class_init (TendAddHostDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = tend_add_host_dialog_get_property;
  object_class->set_property = tend_add_host_dialog_set_property;
  object_class->dispose = tend_add_host_dialog_dispose;
  object_class->finalize = tend_add_host_dialog_finalize;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, "The database the host is added to", TEND_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, "Whether it is connecting to the host", FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TendAddHostDialog::host-added:
   * @name: the host's name in the inventory
   *
   * The host was connected to and stored; the dialog closes.
   */
  signals[SIGNAL_HOST_ADDED] =
    g_signal_new ("host-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tendapp/Tend/ui/tend-add-host-dialog.ui");
#define CHILD(name) gtk_widget_class_bind_template_child (widget_class, TendAddHostDialog, name)
  CHILD (add_stack);
  CHILD (spinner);
  CHILD (problem_group);
  CHILD (problem_label);
  CHILD (address_row);
  CHILD (address_error_row);
  CHILD (address_error);
  CHILD (name_row);
  CHILD (name_error_row);
  CHILD (name_error);
  CHILD (user_row);
  CHILD (user_error_row);
  CHILD (user_error);
  CHILD (port_row);
  CHILD (port_error_row);
  CHILD (port_error);
  CHILD (scope_row);
  CHILD (sudo_switch);
  CHILD (access_row);
#undef CHILD
  gtk_widget_class_bind_template_callback (widget_class, field_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, access_changed_cb);

  gtk_widget_class_install_action (widget_class, "add-host.add", NULL, add_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
tend_add_host_dialog_init (TendAddHostDialog *self)
{
  static const char *names[N_FIELDS] = { "address", "name", "user", "port" };

  gtk_widget_init_template (GTK_WIDGET (self));

  self->fields[FIELD_ADDRESS] = (Field) { names[0], self->address_row,
                                          self->address_error_row, self->address_error };
  self->fields[FIELD_NAME] = (Field) { names[1], self->name_row, self->name_error_row,
                                       self->name_error };
  self->fields[FIELD_USER] = (Field) { names[2], self->user_row, self->user_error_row,
                                       self->user_error };
  self->fields[FIELD_PORT] = (Field) { names[3], self->port_row, self->port_error_row,
                                       self->port_error };
  for (guint i = 0; i < N_FIELDS; i++)
    check_field (self, &self->fields[i]);
  /* Operator by default: a person can restart what they look after, not stop it. */
  adw_combo_row_set_selected (self->access_row, 1);
  access_changed_cb (self);
  update_actions (self);
}

/**
 * tend_add_host_dialog_new:
 * @parent: (nullable): the window it is over
 * @store: the database the host is added to
 *
 * Returns: (transfer floating): a new dialog
 */
TendAddHostDialog *
tend_add_host_dialog_new (GtkWindow *parent,
                          TendStore *store)
{
  g_return_val_if_fail (TEND_IS_STORE (store), NULL);

  return g_object_new (TEND_TYPE_ADD_HOST_DIALOG, "transient-for", parent, "store", store,
                       NULL);
}

/* Private: what the tests read and set */

const char *
_tend_add_host_dialog_get_problem (TendAddHostDialog *self,
                                   const char        *field)
{
  g_return_val_if_fail (TEND_IS_ADD_HOST_DIALOG (self), NULL);

  for (guint i = 0; i < N_FIELDS; i++)
    if (g_str_equal (self->fields[i].field, field))
      return gtk_widget_get_visible (self->fields[i].error_row)
             ? gtk_label_get_label (self->fields[i].error_label) : NULL;
  g_return_val_if_reached (NULL);
}

void
_tend_add_host_dialog_set_text (TendAddHostDialog *self,
                                const char        *field,
                                const char        *text)
{
  g_return_if_fail (TEND_IS_ADD_HOST_DIALOG (self));

  for (guint i = 0; i < N_FIELDS; i++)
    if (g_str_equal (self->fields[i].field, field))
      gtk_editable_set_text (GTK_EDITABLE (self->fields[i].row), text);
}

const char *
_tend_add_host_dialog_get_text (TendAddHostDialog *self,
                                const char        *field)
{
  g_return_val_if_fail (TEND_IS_ADD_HOST_DIALOG (self), NULL);

  for (guint i = 0; i < N_FIELDS; i++)
    if (g_str_equal (self->fields[i].field, field))
      return field_text (&self->fields[i]);
  g_return_val_if_reached (NULL);
}

const char *
_tend_add_host_dialog_get_general_problem (TendAddHostDialog *self)
{
  g_return_val_if_fail (TEND_IS_ADD_HOST_DIALOG (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->problem_group))
         ? gtk_label_get_label (self->problem_label) : NULL;
}

gboolean
_tend_add_host_dialog_get_busy (TendAddHostDialog *self)
{
  g_return_val_if_fail (TEND_IS_ADD_HOST_DIALOG (self), FALSE);
  return self->busy;
}
