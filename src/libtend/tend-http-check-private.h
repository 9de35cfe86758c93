/* tend-http-check-private.h — what the HTTP check's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tend-http-check.h"

G_BEGIN_DECLS

/* An accepted range of status codes, both ends included. */
typedef struct
{
  guint lo;
  guint hi;
} StatusRange;

/* tend-http-status.c */
GArray *tend_http_parse_accepted_status       (const char  *text,
                                               GError     **error);
char   *tend_http_format_accepted_canonical   (GArray      *accepted);
char   *tend_http_format_accepted_for_message (GArray      *accepted);
char   *tend_http_format_latency              (gint64       usec);
char   *tend_http_format_size                 (gsize        bytes);
char   *tend_http_describe_certificate_errors (GTlsCertificateFlags flags);
char   *tend_http_uri_hop_label               (GUri        *first,
                                               GUri        *uri);
char   *tend_http_uri_host_port               (GUri        *uri);
gboolean tend_http_host_is_valid              (const char  *host);
GUri   *tend_http_parse_url                   (const char  *url,
                                               GError     **error);
char   *tend_http_redirects_note              (guint        redirects);
gboolean tend_http_headers_too_big            (const GError *error);
char   *tend_http_uri_visit_key               (const char  *method,
                                               GUri        *uri);

/* libsoup 3 reads at most this much of an answer's status line and headers, and fails
 * the request past it with G_IO_ERROR_PARTIAL_INPUT, "Header too big" (measured: an
 * answer of 65,400 bytes up to its blank line passes, one of 65,536 fails); the cheap
 * path reads as much. */
#define TEND_HTTP_HEADERS_MAX (64 * 1024)
/* How much of a redirect's body is read (and thrown away) before its connection is
 * dropped. */
#define TEND_HTTP_REDIRECT_BODY_MAX (64 * 1024)

/* tend-probe-http.c: the cheap path's request and answer */
typedef struct _TendHttpReader TendHttpReader;

#define TEND_HTTP_ANSWER_ERROR (tend_http_answer_error_quark ())
typedef enum
{
  TEND_HTTP_ANSWER_ERROR_NOT_HTTP,   /* as SOUP_SESSION_ERROR_PARSING */
} TendHttpAnswerError;

GQuark          tend_http_answer_error_quark   (void);

TendHttpReader *tend_http_reader_new           (gboolean         head_request,
                                                gboolean         keep_body,
                                                gboolean         follow_redirects);
void            tend_http_reader_free          (TendHttpReader  *reader);
gboolean        tend_http_reader_feed          (TendHttpReader  *reader,
                                                const guint8    *data,
                                                gsize            len,
                                                GError         **error);
guint           tend_http_reader_get_status    (TendHttpReader  *reader);
char           *tend_http_reader_steal_location (TendHttpReader *reader);
GByteArray     *tend_http_reader_get_body      (TendHttpReader  *reader,
                                                gsize           *len,
                                                gboolean        *truncated);
GBytes         *tend_http_request_new          (const char      *method,
                                                GUri            *uri);

/* tend-http-check.c: which path a check's runs take (for tests comparing them) */
void            tend_http_check_set_force_soup (TendHttpCheck   *self,
                                                gboolean         force_soup);
gboolean        tend_http_check_uses_probe     (TendHttpCheck   *self);

G_END_DECLS
