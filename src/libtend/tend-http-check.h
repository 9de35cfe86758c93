/* tend-http-check.h — an HTTP or HTTPS request whose answer tells whether a service is healthy
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tend-check.h"
#include "tend-duration.h"

G_BEGIN_DECLS

/* Redirects a check follows before it gives up with a "protocol" failure. */
#define TEND_HTTP_CHECK_MAX_REDIRECTS 5

/* How much of an answer's body a check reads, and searches for its expected text. */
#define TEND_HTTP_CHECK_MAX_BODY (1024 * 1024)

/* An answer slower than this is degraded unless the check says otherwise. */
#define TEND_HTTP_CHECK_DEFAULT_LATENCY_THRESHOLD TEND_USEC_PER_SEC

/* The status codes a check accepts unless told otherwise (after redirects). */
#define TEND_HTTP_CHECK_DEFAULT_ACCEPTED_STATUS "200-399"

#define TEND_TYPE_HTTP_CHECK (tend_http_check_get_type ())
G_DECLARE_FINAL_TYPE (TendHttpCheck, tend_http_check, TEND, HTTP_CHECK, TendCheck)

TendHttpCheck *tend_http_check_new                   (const char     *name,
                                                      const char     *url,
                                                      GError        **error);

const char    *tend_http_check_get_url               (TendHttpCheck  *self);

const char    *tend_http_check_get_method            (TendHttpCheck  *self);
gboolean       tend_http_check_set_method            (TendHttpCheck  *self,
                                                      const char     *method,
                                                      GError        **error);

const char    *tend_http_check_get_accepted_status   (TendHttpCheck  *self);
gboolean       tend_http_check_set_accepted_status   (TendHttpCheck  *self,
                                                      const char     *accepted,
                                                      GError        **error);
gboolean       tend_http_check_accepts_status        (TendHttpCheck  *self,
                                                      guint           status);

const char    *tend_http_check_get_expect_body       (TendHttpCheck  *self);
gboolean       tend_http_check_set_expect_body       (TendHttpCheck  *self,
                                                      const char     *text,
                                                      GError        **error);

gboolean       tend_http_check_get_verify_tls        (TendHttpCheck  *self);
void           tend_http_check_set_verify_tls        (TendHttpCheck  *self,
                                                      gboolean        verify_tls);

gboolean       tend_http_check_get_follow_redirects  (TendHttpCheck  *self);
void           tend_http_check_set_follow_redirects  (TendHttpCheck  *self,
                                                      gboolean        follow_redirects);

gint64         tend_http_check_get_latency_threshold (TendHttpCheck  *self);
gboolean       tend_http_check_set_latency_threshold (TendHttpCheck  *self,
                                                      gint64          threshold_usec,
                                                      GError        **error);

G_END_DECLS
