/* tend-multi-notifier.h — one notifier that sends to several, filtered by the config
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tend-types.h"

G_BEGIN_DECLS

#define TEND_TYPE_MULTI_NOTIFIER (tend_multi_notifier_get_type ())
G_DECLARE_FINAL_TYPE (TendMultiNotifier, tend_multi_notifier, TEND, MULTI_NOTIFIER, GObject)

TendMultiNotifier *tend_multi_notifier_new            (TendConfig        *config);
void               tend_multi_notifier_add            (TendMultiNotifier *self,
                                                       TendNotifier      *notifier);
void               tend_multi_notifier_add_unfiltered (TendMultiNotifier *self,
                                                       TendNotifier      *notifier);
void               tend_multi_notifier_remove         (TendMultiNotifier *self,
                                                       TendNotifier      *notifier);

G_END_DECLS
