/* tend-webhook-notifier.h — notifications POSTed as JSON to a team's URL
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tend-types.h"

G_BEGIN_DECLS

/* Tries of one notification before the webhook gives up, and the first wait between
 * two; each wait doubles the one before (1 s, 2 s, 4 s, 8 s). */
#define TEND_WEBHOOK_DEFAULT_MAX_TRIES        5
#define TEND_WEBHOOK_DEFAULT_FIRST_DELAY_MSEC 1000

#define TEND_TYPE_WEBHOOK_NOTIFIER (tend_webhook_notifier_get_type ())
G_DECLARE_FINAL_TYPE (TendWebhookNotifier, tend_webhook_notifier, TEND, WEBHOOK_NOTIFIER,
                      GObject)

TendWebhookNotifier *tend_webhook_notifier_new       (const char           *url,
                                                      GError              **error);
const char          *tend_webhook_notifier_get_url   (TendWebhookNotifier  *self);
void                 tend_webhook_notifier_set_retry (TendWebhookNotifier  *self,
                                                      guint                 first_delay_msec,
                                                      guint                 max_tries);
guint                tend_webhook_notifier_get_n_pending (TendWebhookNotifier *self);

GBytes              *tend_webhook_notifier_dup_payload (const TendNotification *notification);

G_END_DECLS
