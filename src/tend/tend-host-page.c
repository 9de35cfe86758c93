/* tend-host-page.c — see tend-host-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shown in place of a remote host's services while it is not connected. It follows the
 * host's state and says, in the host's own sentence (TendHost:state-message), what is
 * wrong, and beneath it what a person can do. The fingerprints come from the host's SSH
 * session: the key the server showed, and for a changed key the one known_hosts has.
 * "Trust This Key…" asks first, showing the fingerprint again; then the session accepts
 * that fingerprint, written to known_hosts when the host next tries (within 30 s). A
 * changed key has no such button: only the person can decide the new key is right, by
 * removing the old one from known_hosts.
 */
#define G_LOG_DOMAIN "Tend"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "tend-host-page.h"
#include "tend-ui-util.h"

struct _TendHostPage
{
  GtkWidget parent_instance;

  TendHost *host;              /* (owned) (nullable) */
  char *address;               /* (owned) (nullable) as the inventory has it */
  int port;

  /* Template */
  AdwStatusPage *status_page;
  GtkWidget *keys_list;
  GtkWidget *known_row;
  GtkLabel *known_label;
  GtkWidget *fingerprint_row;
  GtkLabel *fingerprint_label;
  GtkLabel *advice_label;
  GtkWidget *trust_button;
};

enum {
  PROP_0,
  PROP_HOST,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (TendHostPage, tend_host_page, GTK_TYPE_WIDGET)

static TendSshSession *
get_session (TendHostPage *self)
{
  TendBackend *backend = self->host != NULL ? tend_host_get_backend (self->host) : NULL;

  return TEND_IS_SSH_BACKEND (backend) ? tend_ssh_backend_get_session (TEND_SSH_BACKEND (backend))
                                       : NULL;
}

static const char *
get_address (TendHostPage *self)
{
  TendSshSession *session = get_session (self);

  if (self->address != NULL)
    return self->address;
  if (session != NULL && tend_ssh_session_get_address (session) != NULL)
    return tend_ssh_session_get_address (session);
  return self->host != NULL ? tend_host_get_display_name (self->host) : "";
}

static void
update (TendHostPage *self)
{
  TendHostState state = self->host != NULL ? tend_host_get_state (self->host)
                                           : TEND_HOST_STATE_DISCONNECTED;
  TendSshSession *session = get_session (self);
  const char *fingerprint = session != NULL ? tend_ssh_session_get_fingerprint (session) : NULL;
  const char *known = session != NULL ? tend_ssh_session_get_known_fingerprint (session) : NULL;
  g_autofree char *advice = NULL;
  g_autofree char *name = tend_known_hosts_name (get_address (self), self->port);
  const char *title;
  gboolean trust = FALSE;

  switch (state)
    {
    case TEND_HOST_STATE_RECONNECTING:
      title = _("Host Unreachable");
      {
        g_autofree char *command = self->port > 0 && self->port != 22
                                   ? g_strdup_printf ("ssh -p %d %s", self->port,
                                                      get_address (self))
                                   : g_strdup_printf ("ssh %s", get_address (self));

        advice = g_markup_printf_escaped (_("Tend tries again by itself. To see what ssh "
                                            "says: <tt>%s</tt>"), command);
      }
      break;
    case TEND_HOST_STATE_AUTH_FAILED:
      title = _("Sign-in Refused");
      advice = g_strdup (_("The host refused every key Tend could offer. Add your key to the "
                           "agent (<tt>ssh-add</tt>) or name it with IdentityFile in "
                           "<tt>~/.ssh/config</tt>, and check that the host’s "
                           "authorized_keys has it."));
      break;
    case TEND_HOST_STATE_HOST_KEY_UNKNOWN:
      title = _("Key Not Trusted");
      /* Said once: the host's message may say how to check already */
      if (strstr (tend_host_get_state_message (self->host), "ssh-keygen") == NULL)
        advice = g_strdup (_("Compare this fingerprint with the host’s own (on the host: "
                             "<tt>ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub</tt>) "
                             "before you trust it."));
      trust = fingerprint != NULL;
      break;
    case TEND_HOST_STATE_HOST_KEY_CHANGED:
      title = _("Host Key Changed");
      /* The host's message has both fingerprints and the ssh-keygen -R to run; said
       * again only when it does not */
      if (strstr (tend_host_get_state_message (self->host), "ssh-keygen -R") == NULL)
        advice = g_markup_printf_escaped (_("Tend will not connect: someone may be "
                                            "intercepting the connection, or the host was "
                                            "reinstalled. Ask whoever runs it whether its key "
                                            "changed. Only if it did, remove the old key with "
                                            "<tt>ssh-keygen -R '%s'</tt>; Tend then asks you "
                                            "to trust the new one."), name);
      break;
    case TEND_HOST_STATE_CONNECTED:
      title = _("Online");
      break;
    case TEND_HOST_STATE_DISCONNECTED:
    case TEND_HOST_STATE_CONNECTING:
    default:
      title = _("Connecting…");
      break;
    }

  adw_status_page_set_icon_name (self->status_page, tend_host_state_get_icon_name (state));
  adw_status_page_set_title (self->status_page, title);
  adw_status_page_set_description (self->status_page,
                                   self->host != NULL ? tend_host_get_state_message (self->host)
                                                      : NULL);

  gtk_widget_set_visible (self->fingerprint_row,
                          fingerprint != NULL && (state == TEND_HOST_STATE_HOST_KEY_UNKNOWN ||
                                                  state == TEND_HOST_STATE_HOST_KEY_CHANGED));
  gtk_label_set_label (self->fingerprint_label, fingerprint != NULL ? fingerprint : "");
  gtk_widget_set_visible (self->known_row,
                          known != NULL && state == TEND_HOST_STATE_HOST_KEY_CHANGED);
  gtk_label_set_label (self->known_label, known != NULL ? known : "");
  gtk_widget_set_visible (self->keys_list,
                          gtk_widget_get_visible (self->fingerprint_row) ||
                          gtk_widget_get_visible (self->known_row));

  gtk_label_set_markup (self->advice_label, advice != NULL ? advice : "");
  gtk_widget_set_visible (GTK_WIDGET (self->advice_label), advice != NULL);
  gtk_widget_set_visible (self->trust_button, trust);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "host.trust-key", trust);
}

/* ------------------------------------------------------------------------------------ */
/* Actions                                                                               */

static void
trust_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   TendHostPage     *self)
{
  const char *fingerprint = g_object_get_data (G_OBJECT (dialog), "fingerprint");
  TendSshSession *session = get_session (self);

  if (g_strcmp0 (response, "trust") != 0 || session == NULL)
    return;
  /* Written to known_hosts at the host's next try (it tries again by itself, within
   * 30 s), and only if the host still shows this key. A connect of our own beside the
   * host's would race it on the same session. */
  tend_ssh_session_set_accept_fingerprint (session, fingerprint);
  adw_status_page_set_title (self->status_page, _("Connecting…"));
}

static void
trust_key_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  TendHostPage *self = TEND_HOST_PAGE (widget);
  TendSshSession *session = get_session (self);
  const char *fingerprint = session != NULL ? tend_ssh_session_get_fingerprint (session) : NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (fingerprint == NULL)
    return;
  body = g_markup_printf_escaped (_("Trust the key of %s only if the host itself shows this "
                                    "fingerprint:\n\n<b><tt>%s</tt></b>\n\nIt is added to "
                                    "your known_hosts, which ssh reads too."),
                                  get_address (self), fingerprint);
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                   _("Trust This Host’s Key?"), NULL);
  adw_message_dialog_set_body_use_markup (ADW_MESSAGE_DIALOG (dialog), TRUE);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "trust", _("_Trust and Connect"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "trust",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "fingerprint", g_strdup (fingerprint), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (trust_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ------------------------------------------------------------------------------------ */
/* GObject                                                                               */

static void
tend_host_page_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  TendHostPage *self = TEND_HOST_PAGE (object);

  switch (prop_id)
    {
    case PROP_HOST:
      g_value_set_object (value, self->host);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_host_page_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  TendHostPage *self = TEND_HOST_PAGE (object);

  switch (prop_id)
    {
    case PROP_HOST:
      tend_host_page_set_host (self, g_value_get_object (value), NULL, 0);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_host_page_dispose (GObject *object)
{
  TendHostPage *self = TEND_HOST_PAGE (object);

  if (self->host != NULL)
    g_signal_handlers_disconnect_by_data (self->host, self);
  g_clear_object (&self->host);
  gtk_widget_dispose_template (GTK_WIDGET (self), TEND_TYPE_HOST_PAGE);

  G_OBJECT_CLASS (tend_host_page_parent_class)->dispose (object);
}

static void
tend_host_page_finalize (GObject *object)
{
  TendHostPage *self = TEND_HOST_PAGE (object);

  g_free (self->address);

  G_OBJECT_CLASS (tend_host_page_parent_class)->finalize (object);
}

static void
tend_host_page_class_init (TendHostPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = tend_host_page_get_property;
  object_class->set_property = tend_host_page_set_property;
  object_class->dispose = tend_host_page_dispose;
  object_class->finalize = tend_host_page_finalize;

  properties[PROP_HOST] =
    g_param_spec_object ("host", NULL, "The remote host whose state it shows", TEND_TYPE_HOST,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tendapp/Tend/ui/tend-host-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TendHostPage, status_page);
  gtk_widget_class_bind_template_child (widget_class, TendHostPage, keys_list);
  gtk_widget_class_bind_template_child (widget_class, TendHostPage, known_row);
  gtk_widget_class_bind_template_child (widget_class, TendHostPage, fingerprint_row);
  gtk_widget_class_bind_template_child (widget_class, TendHostPage, known_label);
  gtk_widget_class_bind_template_child (widget_class, TendHostPage, fingerprint_label);
  gtk_widget_class_bind_template_child (widget_class, TendHostPage, advice_label);
  gtk_widget_class_bind_template_child (widget_class, TendHostPage, trust_button);

  gtk_widget_class_install_action (widget_class, "host.trust-key", NULL, trust_key_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
tend_host_page_init (TendHostPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update (self);
}

/**
 * tend_host_page_set_host:
 * @host: (nullable): a remote host
 * @address: (nullable): its address as the inventory has it (for `ssh-keygen -R`)
 * @port: its port, 0 when not known
 */
void
tend_host_page_set_host (TendHostPage *self,
                         TendHost     *host,
                         const char   *address,
                         int           port)
{
  g_return_if_fail (TEND_IS_HOST_PAGE (self));
  g_return_if_fail (host == NULL || TEND_IS_HOST (host));

  g_free (self->address);
  self->address = g_strdup (address);
  self->port = port;
  if (self->host != host)
    {
      if (self->host != NULL)
        g_signal_handlers_disconnect_by_data (self->host, self);
      g_set_object (&self->host, host);
      if (host != NULL)
        {
          g_signal_connect_swapped (host, "notify::state", G_CALLBACK (update), self);
          g_signal_connect_swapped (host, "notify::state-message", G_CALLBACK (update), self);
        }
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOST]);
    }
  update (self);
}

TendHost *
tend_host_page_get_host (TendHostPage *self)
{
  g_return_val_if_fail (TEND_IS_HOST_PAGE (self), NULL);
  return self->host;
}

/* The page's title, as a person sees it ("Key Not Trusted") */
const char *
tend_host_page_get_title (TendHostPage *self)
{
  g_return_val_if_fail (TEND_IS_HOST_PAGE (self), NULL);
  return adw_status_page_get_title (self->status_page);
}
