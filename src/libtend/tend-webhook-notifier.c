/* tend-webhook-notifier.c — notifications POSTed as JSON to a team's URL
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each notification is one POST of a JSON object (tend_webhook_notifier_dup_payload())
 * with libsoup, asynchronously. An answer other than 2xx, or no answer, is tried again
 * after 1 s, 2 s, 4 s … (a timer on the main loop, never a sleep) up to five tries,
 * each failure logged; after the last, a warning says the notification was not
 * delivered. Notifications are delivered independently of each other: the receiver
 * orders them by "time" and groups them by "id".
 *
 * The session follows the system's proxy settings: the URL is usually outside.
 */
#define G_LOG_DOMAIN "Tend-Notify"

#include "config.h"

#include <string.h>

#include "tend-json-lib.h"

#include "tend-soup-lib.h"
#include "tend-config.h"
#include "tend-error.h"
#include "tend-notifier.h"
#include "tend-webhook-notifier.h"
#include "tend-util-private.h"

/* How long one POST may take. */
#define REQUEST_TIMEOUT_SEC 30

typedef struct
{
  TendWebhookNotifier *self;   /* (unowned) NULL once the notifier is disposed */
  char *id;                    /* (owned) the notification's id, for the log */
  GBytes *payload;             /* (owned) */
  SoupMessage *msg;            /* (owned) (nullable) while it is sent */
  guint tries;                 /* made so far */
  guint timer;                 /* the wait before the next try */
} Delivery;

struct _TendWebhookNotifier
{
  GObject parent_instance;

  GUri *uri;                   /* (owned) */
  char *url;                   /* (owned) */
  SoupSession *session;        /* (owned) */
  GCancellable *cancellable;   /* (owned) cancelled on dispose */
  GPtrArray *deliveries;       /* (owned) (element-type Delivery) under way */
  guint first_delay_msec;
  guint max_tries;
};

static void tend_webhook_notifier_iface_init (TendNotifierInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TendWebhookNotifier, tend_webhook_notifier, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (TEND_TYPE_NOTIFIER,
                                                      tend_webhook_notifier_iface_init))

static void
delivery_free (Delivery *delivery)
{
  g_clear_handle_id (&delivery->timer, g_source_remove);
  g_clear_object (&delivery->msg);
  g_bytes_unref (delivery->payload);
  g_free (delivery->id);
  g_free (delivery);
}

/* Done with @delivery, one way or the other. */
static void
delivery_finish (Delivery *delivery)
{
  if (delivery->self != NULL)
    g_ptr_array_remove_fast (delivery->self->deliveries, delivery);
  delivery_free (delivery);
}

/**
 * tend_webhook_notifier_dup_payload:
 * @notification: a notification
 *
 * The JSON object a webhook receives: `event` (the kind: "failed", "recovered",
 * "recovery-failed", "manual-intervention", "degraded"), `id` (the notification id,
 * the same for every event of an incident), `host` (the host's name in the inventory,
 * null when the notification names none), `unit`, `incident_id` (null without one),
 * `title` and `body` (the words every output shows, for a person) and `time` (ISO 8601,
 * UTC).
 *
 * Returns: (transfer full): the body of the POST, UTF-8 JSON
 */
GBytes *
tend_webhook_notifier_dup_payload (const TendNotification *notification)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GDateTime) time = NULL;
  g_autofree char *time_text = NULL;
  char *text;

  g_return_val_if_fail (notification != NULL, NULL);

  time = g_date_time_new_from_unix_utc (notification->time_usec / G_USEC_PER_SEC);
  time_text = g_date_time_format_iso8601 (time);

  json_builder_begin_object (builder);
  tend_json_add_string (builder, "event", tend_notification_kind_to_string (notification->kind));
  tend_json_add_string (builder, "id", notification->id);
  tend_json_add_string (builder, "host", notification->host);
  tend_json_add_string (builder, "unit", notification->unit);
  json_builder_set_member_name (builder, "incident_id");
  if (notification->incident_id > 0)
    json_builder_add_int_value (builder, notification->incident_id);
  else
    json_builder_add_null_value (builder);
  tend_json_add_string (builder, "title", notification->title);
  tend_json_add_string (builder, "body", notification->body);
  tend_json_add_string (builder, "time", time_text);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  return g_bytes_new_take (text, strlen (text));
}

static void try_delivery (Delivery *delivery);

static gboolean
retry_cb (gpointer user_data)
{
  Delivery *delivery = user_data;

  delivery->timer = 0;
  try_delivery (delivery);
  return G_SOURCE_REMOVE;
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Delivery *delivery = user_data;
  TendWebhookNotifier *self = delivery->self;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *failure = NULL;
  guint status;
  guint delay_msec;

  answer = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      delivery_finish (delivery);
      return;
    }

  status = soup_message_get_status (delivery->msg);
  g_clear_object (&delivery->msg);
  if (error == NULL && SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_debug ("webhook %s: notification %s delivered (HTTP %u)", self->url, delivery->id,
               status);
      delivery_finish (delivery);
      return;
    }

  failure = error != NULL ? g_strdup (error->message) : g_strdup_printf ("HTTP %u", status);
  if (delivery->tries >= self->max_tries)
    {
      g_warning ("webhook %s: notification %s not delivered after %u tries; the last: %s",
                 self->url, delivery->id, delivery->tries, failure);
      delivery_finish (delivery);
      return;
    }

  /* 1 s, 2 s, 4 s … after the first, second, third try. */
  delay_msec = self->first_delay_msec << MIN (delivery->tries - 1, 16u);
  g_message ("webhook %s: notification %s, try %u of %u failed (%s); next in %u ms",
             self->url, delivery->id, delivery->tries, self->max_tries, failure, delay_msec);
  delivery->timer = g_timeout_add (delay_msec, retry_cb, delivery);
}

static void
try_delivery (Delivery *delivery)
{
  TendWebhookNotifier *self = delivery->self;

  g_assert (self != NULL && delivery->msg == NULL);

  delivery->tries++;
  delivery->msg = soup_message_new_from_uri (SOUP_METHOD_POST, self->uri);
  soup_message_set_request_body_from_bytes (delivery->msg, "application/json",
                                            delivery->payload);
  soup_session_send_and_read_async (self->session, delivery->msg, G_PRIORITY_DEFAULT,
                                    self->cancellable, sent_cb, delivery);
}

static void
tend_webhook_notifier_send (TendNotifier     *notifier,
                            TendNotification *notification)
{
  TendWebhookNotifier *self = TEND_WEBHOOK_NOTIFIER (notifier);
  Delivery *delivery = g_new0 (Delivery, 1);

  delivery->self = self;
  delivery->id = g_strdup (notification->id);
  delivery->payload = tend_webhook_notifier_dup_payload (notification);
  g_ptr_array_add (self->deliveries, delivery);
  try_delivery (delivery);
}

static void
tend_webhook_notifier_iface_init (TendNotifierInterface *iface)
{
  /* Nothing to withdraw: what was posted stays posted. */
  iface->send = tend_webhook_notifier_send;
}

static void
tend_webhook_notifier_dispose (GObject *object)
{
  TendWebhookNotifier *self = TEND_WEBHOOK_NOTIFIER (object);

  /* Deliveries waiting for a timer end here; those on their way end in sent_cb, with
   * the cancellation, and must not look back. */
  for (guint i = self->deliveries->len; i > 0; i--)
    {
      Delivery *delivery = self->deliveries->pdata[i - 1];

      delivery->self = NULL;
      if (delivery->msg == NULL)
        delivery_free (delivery);
    }
  g_ptr_array_set_size (self->deliveries, 0);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (tend_webhook_notifier_parent_class)->dispose (object);
}

static void
tend_webhook_notifier_finalize (GObject *object)
{
  TendWebhookNotifier *self = TEND_WEBHOOK_NOTIFIER (object);

  g_ptr_array_unref (self->deliveries);
  g_object_unref (self->cancellable);
  g_clear_pointer (&self->uri, g_uri_unref);
  g_free (self->url);

  G_OBJECT_CLASS (tend_webhook_notifier_parent_class)->finalize (object);
}

static void
tend_webhook_notifier_class_init (TendWebhookNotifierClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tend_webhook_notifier_dispose;
  object_class->finalize = tend_webhook_notifier_finalize;
}

static void
tend_webhook_notifier_init (TendWebhookNotifier *self)
{
  self->cancellable = g_cancellable_new ();
  self->deliveries = g_ptr_array_new ();
  self->first_delay_msec = TEND_WEBHOOK_DEFAULT_FIRST_DELAY_MSEC;
  self->max_tries = TEND_WEBHOOK_DEFAULT_MAX_TRIES;
  self->session = soup_session_new_with_options ("user-agent", "Tend/" PACKAGE_VERSION,
                                                 "timeout", REQUEST_TIMEOUT_SEC,
                                                 NULL);
}

/**
 * tend_webhook_notifier_new:
 * @url: where to POST, an http or https URL as notifications.webhook-url accepts it
 * @error: %TEND_ERROR_INVALID_ARGUMENT when the URL is empty or not accepted, with the
 *   configuration's own message
 *
 * Returns: (transfer full) (nullable): the notifier, or %NULL with @error set
 */
TendWebhookNotifier *
tend_webhook_notifier_new (const char  *url,
                           GError     **error)
{
  g_autoptr(GHashTable) values = NULL;
  TendWebhookNotifier *self;

  g_return_val_if_fail (url != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (*url == '\0')
    {
      g_set_error_literal (error, TEND_ERROR, TEND_ERROR_INVALID_ARGUMENT,
                           "notifications.webhook-url: empty; give an http or https URL");
      return NULL;
    }

  /* One rule for a webhook URL: the configuration's. */
  values = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (values, (gpointer) "notifications.webhook-url", (gpointer) url);
  if (!tend_config_validate (values, error))
    return NULL;

  self = g_object_new (TEND_TYPE_WEBHOOK_NOTIFIER, NULL);
  self->url = g_strdup (url);
  self->uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
  g_assert (self->uri != NULL);
  return self;
}

const char *
tend_webhook_notifier_get_url (TendWebhookNotifier *self)
{
  g_return_val_if_fail (TEND_IS_WEBHOOK_NOTIFIER (self), NULL);

  return self->url;
}

/**
 * tend_webhook_notifier_set_retry:
 * @self: a webhook notifier
 * @first_delay_msec: the wait after the first failed try; each next wait doubles
 * @max_tries: how many tries a notification gets, 1 or more
 *
 * Changes the defaults, %TEND_WEBHOOK_DEFAULT_FIRST_DELAY_MSEC and
 * %TEND_WEBHOOK_DEFAULT_MAX_TRIES, for the next failures.
 */
void
tend_webhook_notifier_set_retry (TendWebhookNotifier *self,
                                 guint                first_delay_msec,
                                 guint                max_tries)
{
  g_return_if_fail (TEND_IS_WEBHOOK_NOTIFIER (self));
  g_return_if_fail (first_delay_msec > 0);
  g_return_if_fail (max_tries > 0);

  self->first_delay_msec = first_delay_msec;
  self->max_tries = max_tries;
}

/**
 * tend_webhook_notifier_get_n_pending:
 * @self: a webhook notifier
 *
 * Returns: how many notifications are on their way or waiting to be tried again
 */
guint
tend_webhook_notifier_get_n_pending (TendWebhookNotifier *self)
{
  g_return_val_if_fail (TEND_IS_WEBHOOK_NOTIFIER (self), 0);

  return self->deliveries->len;
}
