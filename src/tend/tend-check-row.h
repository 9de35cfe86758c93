/* tend-check-row.h — one check of a service in the service page's Health view
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include "tend-json-lib.h"
#include <tend.h>

G_BEGIN_DECLS

#define TEND_TYPE_CHECK_ROW (tend_check_row_get_type ())
G_DECLARE_FINAL_TYPE (TendCheckRow, tend_check_row, TEND, CHECK_ROW, AdwExpanderRow)

GtkWidget  *tend_check_row_new             (void);
GtkWidget  *tend_check_row_new_for_layer   (JsonObject   *layer);
const char *tend_check_row_get_status      (TendCheckRow *self);
void        tend_check_row_set_status      (TendCheckRow *self,
                                            const char   *status);
const char *tend_check_row_get_soft_status (TendCheckRow *self);
void        tend_check_row_set_soft_status (TendCheckRow *self,
                                            const char   *soft_status);
gint64      tend_check_row_get_latency     (TendCheckRow *self);
void        tend_check_row_set_latency     (TendCheckRow *self,
                                            gint64        latency_usec);
const char *tend_check_row_get_message     (TendCheckRow *self);
void        tend_check_row_set_message     (TendCheckRow *self,
                                            const char   *message);
const char *tend_check_row_get_advice      (TendCheckRow *self);
void        tend_check_row_set_advice      (TendCheckRow *self,
                                            const char   *advice);

G_END_DECLS
