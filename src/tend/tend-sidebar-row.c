/* tend-sidebar-row.c — see tend-sidebar-row.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A host's row says how many of its services failed and how many are unhealthy, each as
 * an icon and words ("2 failed"), never a colour alone, and why the host cannot be
 * reached when it cannot. A remote host's row always says its connection state, as an icon
 * and a word ("Online", "Unreachable", "Key not trusted"…). The "Needs attention" row shows how many services its list
 * holds. The row holds the list it opens: its host's services, or the overview's.
 */
#define G_LOG_DOMAIN "Tend"

#include "config.h"

#include <glib/gi18n.h>

#include "tend-sidebar-row.h"
#include "tend-ui-util.h"

struct _TendSidebarRow
{
  GtkListBoxRow parent_instance;

  char *title;                /* (owned) (nullable) */
  char *icon_name;            /* (owned) (nullable) */
  TendHost *host;             /* (owned) (nullable) */
  GListModel *services;       /* (owned) (nullable) */
  char *status;               /* (owned) (nullable) the host's state, when not connected */
  const char *state_word;     /* (nullable) a remote host's connection state, in a word */
  const char *state_icon;     /* (nullable) and as an icon */
  const char *state_class;    /* (nullable) and its style class */
  guint n_services;
  guint n_failed;
  guint n_unhealthy;
  gboolean show_count;
};

enum {
  PROP_0,
  PROP_TITLE,
  PROP_ICON_NAME,
  PROP_HOST,
  PROP_SERVICES,
  PROP_SHOW_COUNT,
  PROP_N_SERVICES,
  PROP_N_FAILED,
  PROP_N_UNHEALTHY,
  PROP_STATUS,
  PROP_REMOTE,
  PROP_STATE_WORD,
  PROP_STATE_ICON,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (TendSidebarRow, tend_sidebar_row, GTK_TYPE_LIST_BOX_ROW)

/* ------------------------------------------------------------------------------------ */
/* What the template shows                                                               */

static gboolean
positive (gpointer this,
          guint    n)
{
  return n > 0;
}

static gboolean
any_positive (gpointer this,
              guint    a,
              guint    b)
{
  return a > 0 || b > 0;
}

static gboolean
has_text (gpointer    this,
          const char *text)
{
  return text != NULL && *text != '\0';
}

static gboolean
details_visible (gpointer    this,
                 const char *state_word,
                 guint       n_failed,
                 guint       n_unhealthy)
{
  return state_word != NULL || n_failed > 0 || n_unhealthy > 0;
}

static GStrv
state_css_classes (gpointer    this,
                   const char *state_word)
{
  TendSidebarRow *self = this;

  return g_strdupv ((char *[]) { "caption", (char *) self->state_class, NULL });
}

static gboolean
count_visible (gpointer this,
               gboolean show_count,
               guint    n)
{
  return show_count && n > 0;
}

static char *
count_text (gpointer this,
            guint    n)
{
  return g_strdup_printf ("%u", n);
}

static char *
failed_text (gpointer this,
             guint    n)
{
  /* Translators: how many services of a host failed, beside an icon. */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u failed", "%u failed", n), n);
}

static char *
unhealthy_text (gpointer this,
                guint    n)
{
  /* Translators: how many services of a host fail their health checks, beside an icon. */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u unhealthy", "%u unhealthy", n), n);
}

/* ------------------------------------------------------------------------------------ */
/* Following the host and the list                                                       */

static void
set_uint (TendSidebarRow *self,
          guint          *field,
          guint           value,
          int             prop)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
update_counts (TendSidebarRow *self)
{
  if (self->host == NULL)
    return;
  set_uint (self, &self->n_failed, tend_host_get_n_failed (self->host), PROP_N_FAILED);
  set_uint (self, &self->n_unhealthy, tend_host_get_n_unhealthy (self->host),
            PROP_N_UNHEALTHY);
}

static gboolean
is_remote (TendSidebarRow *self)
{
  return self->host != NULL && tend_host_get_kind (self->host) != TEND_HOST_KIND_LOCAL;
}

/* A remote host's row: its state as an icon and a word, its own sentence as the tooltip. */
static void
update_remote_state (TendSidebarRow *self)
{
  TendHostState state = tend_host_get_state (self->host);
  const char *word = tend_host_state_get_word (state);

  gtk_widget_set_tooltip_text (GTK_WIDGET (self), tend_host_get_state_message (self->host));
  self->state_class = tend_host_state_get_css_class (state);
  if (self->state_icon != tend_host_state_get_icon_name (state))
    {
      self->state_icon = tend_host_state_get_icon_name (state);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE_ICON]);
    }
  if (g_strcmp0 (self->state_word, word) != 0)
    {
      self->state_word = word;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE_WORD]);
    }
}

static void
update_status (TendSidebarRow *self)
{
  const char *status = NULL;

  if (is_remote (self))
    {
      update_remote_state (self);
      return;
    }
  if (self->host != NULL)
    switch (tend_host_get_state (self->host))
      {
      case TEND_HOST_STATE_CONNECTED:
        break;
      case TEND_HOST_STATE_RECONNECTING:
        /* The window's banner gives the host's own sentence, when its row is chosen. */
        status = _("Unreachable, trying again");
        break;
      case TEND_HOST_STATE_DISCONNECTED:
      case TEND_HOST_STATE_CONNECTING:
      default:
        status = _("Connecting…");
        break;
      }

  gtk_widget_set_tooltip_text (GTK_WIDGET (self), status != NULL && self->host != NULL
                                                  ? tend_host_get_state_message (self->host)
                                                  : NULL);
  if (g_strcmp0 (self->status, status) == 0)
    return;
  g_free (self->status);
  self->status = g_strdup (status);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

static void
host_changed_cb (TendHost       *host,
                 GParamSpec     *pspec,
                 TendSidebarRow *self)
{
  update_counts (self);
  update_status (self);
}

static void
services_changed_cb (GListModel     *services,
                     guint           position,
                     guint           removed,
                     guint           added,
                     TendSidebarRow *self)
{
  set_uint (self, &self->n_services, g_list_model_get_n_items (services), PROP_N_SERVICES);
}

static void
set_host (TendSidebarRow *self,
          TendHost       *host)
{
  g_assert (self->host == NULL);

  if (host == NULL)
    return;
  self->host = g_object_ref (host);
  g_signal_connect_object (host, "notify::n-failed", G_CALLBACK (host_changed_cb), self, 0);
  g_signal_connect_object (host, "notify::n-unhealthy", G_CALLBACK (host_changed_cb), self, 0);
  g_signal_connect_object (host, "notify::state", G_CALLBACK (host_changed_cb), self, 0);
  g_signal_connect_object (host, "notify::state-message", G_CALLBACK (host_changed_cb), self,
                           0);
  update_counts (self);
  update_status (self);
}

/* ------------------------------------------------------------------------------------ */
/* GObject                                                                               */

static void
tend_sidebar_row_constructed (GObject *object)
{
  TendSidebarRow *self = TEND_SIDEBAR_ROW (object);

  G_OBJECT_CLASS (tend_sidebar_row_parent_class)->constructed (object);

  if (self->host == NULL)
    return;
  /* A host's row opens its services, and is named as people call it. */
  if (self->services == NULL)
    tend_sidebar_row_set_services (self, tend_host_get_services (self->host));
  if (self->title == NULL)
    {
      const char *title;

      if (tend_host_get_kind (self->host) != TEND_HOST_KIND_LOCAL)
        title = tend_host_get_display_name (self->host);
      else if (tend_host_get_scope (self->host) == TEND_HOST_SCOPE_USER)
        title = _("Your Services");
      else
        title = _("System Services");
      tend_sidebar_row_set_title (self, title);
    }
  if (self->icon_name == NULL)
    {
      self->icon_name = g_strdup (tend_host_get_kind (self->host) != TEND_HOST_KIND_LOCAL
                                  ? "network-server-symbolic"
                                  : tend_host_get_scope (self->host) == TEND_HOST_SCOPE_USER
                                  ? "avatar-default-symbolic" : "computer-symbolic");
      g_object_notify_by_pspec (object, properties[PROP_ICON_NAME]);
    }
}

static void
tend_sidebar_row_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  TendSidebarRow *self = TEND_SIDEBAR_ROW (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_ICON_NAME:
      g_value_set_string (value, self->icon_name);
      break;
    case PROP_HOST:
      g_value_set_object (value, self->host);
      break;
    case PROP_SERVICES:
      g_value_set_object (value, self->services);
      break;
    case PROP_SHOW_COUNT:
      g_value_set_boolean (value, self->show_count);
      break;
    case PROP_N_SERVICES:
      g_value_set_uint (value, self->n_services);
      break;
    case PROP_N_FAILED:
      g_value_set_uint (value, self->n_failed);
      break;
    case PROP_N_UNHEALTHY:
      g_value_set_uint (value, self->n_unhealthy);
      break;
    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;
    case PROP_REMOTE:
      g_value_set_boolean (value, is_remote (self));
      break;
    case PROP_STATE_WORD:
      g_value_set_string (value, self->state_word);
      break;
    case PROP_STATE_ICON:
      g_value_set_string (value, self->state_icon);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_sidebar_row_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  TendSidebarRow *self = TEND_SIDEBAR_ROW (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      tend_sidebar_row_set_title (self, g_value_get_string (value));
      break;
    case PROP_ICON_NAME:
      if (g_strcmp0 (self->icon_name, g_value_get_string (value)) != 0)
        {
          g_free (self->icon_name);
          self->icon_name = g_value_dup_string (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_HOST:
      set_host (self, g_value_get_object (value));
      break;
    case PROP_SERVICES:
      tend_sidebar_row_set_services (self, g_value_get_object (value));
      break;
    case PROP_SHOW_COUNT:
      if (self->show_count != g_value_get_boolean (value))
        {
          self->show_count = g_value_get_boolean (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_sidebar_row_dispose (GObject *object)
{
  TendSidebarRow *self = TEND_SIDEBAR_ROW (object);

  if (self->services != NULL)
    g_signal_handlers_disconnect_by_data (self->services, self);
  g_clear_object (&self->services);
  g_clear_object (&self->host);
  gtk_widget_dispose_template (GTK_WIDGET (self), TEND_TYPE_SIDEBAR_ROW);

  G_OBJECT_CLASS (tend_sidebar_row_parent_class)->dispose (object);
}

static void
tend_sidebar_row_finalize (GObject *object)
{
  TendSidebarRow *self = TEND_SIDEBAR_ROW (object);

  g_free (self->title);
  g_free (self->icon_name);
  g_free (self->status);

  G_OBJECT_CLASS (tend_sidebar_row_parent_class)->finalize (object);
}

static void
tend_sidebar_row_class_init (TendSidebarRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = tend_sidebar_row_constructed;
  object_class->get_property = tend_sidebar_row_get_property;
  object_class->set_property = tend_sidebar_row_set_property;
  object_class->dispose = tend_sidebar_row_dispose;
  object_class->finalize = tend_sidebar_row_finalize;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, "What the row is called", NULL, rw);
  properties[PROP_ICON_NAME] =
    g_param_spec_string ("icon-name", NULL, "Its icon", NULL, rw);
  properties[PROP_HOST] =
    g_param_spec_object ("host", NULL, "The host it stands for, if any", TEND_TYPE_HOST,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SERVICES] =
    g_param_spec_object ("services", NULL, "The services it opens (TendService items)",
                         G_TYPE_LIST_MODEL, rw);
  properties[PROP_SHOW_COUNT] =
    g_param_spec_boolean ("show-count", NULL, "Whether it shows how many services it opens",
                          FALSE, rw);
  properties[PROP_N_SERVICES] =
    g_param_spec_uint ("n-services", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_N_FAILED] =
    g_param_spec_uint ("n-failed", NULL, "How many of its host's services failed",
                       0, G_MAXUINT, 0, ro);
  properties[PROP_N_UNHEALTHY] =
    g_param_spec_uint ("n-unhealthy", NULL, "How many of its host's services are unhealthy",
                       0, G_MAXUINT, 0, ro);
  properties[PROP_STATUS] =
    g_param_spec_string ("status", NULL, "Why its host is not connected, when it is not",
                         NULL, ro);
  properties[PROP_REMOTE] =
    g_param_spec_boolean ("remote", NULL, "Whether its host is another computer", FALSE, ro);
  properties[PROP_STATE_WORD] =
    g_param_spec_string ("state-word", NULL, "A remote host's connection state in a word "
                         "(\"Online\", \"Key not trusted\"), or NULL", NULL, ro);
  properties[PROP_STATE_ICON] =
    g_param_spec_string ("state-icon", NULL, "The icon of that state", NULL, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tendapp/Tend/ui/tend-sidebar-row.ui");
  gtk_widget_class_bind_template_callback (widget_class, details_visible);
  gtk_widget_class_bind_template_callback (widget_class, state_css_classes);
  gtk_widget_class_bind_template_callback (widget_class, positive);
  gtk_widget_class_bind_template_callback (widget_class, any_positive);
  gtk_widget_class_bind_template_callback (widget_class, has_text);
  gtk_widget_class_bind_template_callback (widget_class, count_visible);
  gtk_widget_class_bind_template_callback (widget_class, count_text);
  gtk_widget_class_bind_template_callback (widget_class, failed_text);
  gtk_widget_class_bind_template_callback (widget_class, unhealthy_text);
}

static void
tend_sidebar_row_init (TendSidebarRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * tend_sidebar_row_new_for_host:
 * @host: a host
 *
 * Returns: (transfer floating): a row that opens @host's services
 */
GtkWidget *
tend_sidebar_row_new_for_host (TendHost *host)
{
  g_return_val_if_fail (TEND_IS_HOST (host), NULL);
  return g_object_new (TEND_TYPE_SIDEBAR_ROW, "host", host, NULL);
}

const char *
tend_sidebar_row_get_title (TendSidebarRow *self)
{
  g_return_val_if_fail (TEND_IS_SIDEBAR_ROW (self), NULL);
  return self->title;
}

void
tend_sidebar_row_set_title (TendSidebarRow *self,
                            const char     *title)
{
  g_return_if_fail (TEND_IS_SIDEBAR_ROW (self));

  if (g_strcmp0 (self->title, title) == 0)
    return;
  g_free (self->title);
  self->title = g_strdup (title);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

/**
 * tend_sidebar_row_get_host:
 *
 * Returns: (transfer none) (nullable): the host the row stands for
 */
TendHost *
tend_sidebar_row_get_host (TendSidebarRow *self)
{
  g_return_val_if_fail (TEND_IS_SIDEBAR_ROW (self), NULL);
  return self->host;
}

/**
 * tend_sidebar_row_get_services:
 *
 * Returns: (transfer none) (nullable): the services the row opens
 */
GListModel *
tend_sidebar_row_get_services (TendSidebarRow *self)
{
  g_return_val_if_fail (TEND_IS_SIDEBAR_ROW (self), NULL);
  return self->services;
}

void
tend_sidebar_row_set_services (TendSidebarRow *self,
                               GListModel     *services)
{
  g_return_if_fail (TEND_IS_SIDEBAR_ROW (self));
  g_return_if_fail (services == NULL || G_IS_LIST_MODEL (services));

  if (self->services == services)
    return;
  if (self->services != NULL)
    g_signal_handlers_disconnect_by_data (self->services, self);
  g_set_object (&self->services, services);
  if (services != NULL)
    g_signal_connect (services, "items-changed", G_CALLBACK (services_changed_cb), self);
  set_uint (self, &self->n_services, services != NULL ? g_list_model_get_n_items (services) : 0,
            PROP_N_SERVICES);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVICES]);
}

guint
tend_sidebar_row_get_n_failed (TendSidebarRow *self)
{
  g_return_val_if_fail (TEND_IS_SIDEBAR_ROW (self), 0);
  return self->n_failed;
}

guint
tend_sidebar_row_get_n_unhealthy (TendSidebarRow *self)
{
  g_return_val_if_fail (TEND_IS_SIDEBAR_ROW (self), 0);
  return self->n_unhealthy;
}

/**
 * tend_sidebar_row_get_state_word:
 *
 * Returns: (nullable): a remote host's connection state in a word ("Online",
 *   "Unreachable", "Key not trusted", "Key changed", "Sign-in refused", "Connecting…"),
 *   %NULL for the other rows
 */
const char *
tend_sidebar_row_get_state_word (TendSidebarRow *self)
{
  g_return_val_if_fail (TEND_IS_SIDEBAR_ROW (self), NULL);
  return self->state_word;
}

/**
 * tend_sidebar_row_get_status:
 *
 * Returns: (nullable): the row's host's state in a few words when it is not connected
 *   ("Connecting…", "Unreachable, trying again"), %NULL when it is
 */
const char *
tend_sidebar_row_get_status (TendSidebarRow *self)
{
  g_return_val_if_fail (TEND_IS_SIDEBAR_ROW (self), NULL);
  return self->status;
}
