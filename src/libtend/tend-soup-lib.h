/* tend-soup-lib.h — libsoup, loaded when the first HTTP check or webhook is made
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libsoup and what it links (Kerberos, nghttp2, brotli, libpsl…) cost every process
 * that links them ~3 million instructions of symbol binding at start-up
 * (tend-lazy-lib.h): libtend opens libsoup when the first session is made and calls it
 * through this table. The files that use libsoup include this header instead of
 * <libsoup/soup.h>; a libsoup function missing from TEND_SOUP_LIB_FUNCTIONS would link
 * libsoup at start-up again (`readelf -d tendctl` shows it).
 */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

#define TEND_SOUP_LIB_FUNCTIONS(F) \
  F (soup_message_add_flags) \
  F (soup_message_get_request_headers) \
  F (soup_message_get_response_headers) \
  F (soup_message_get_status) \
  F (soup_message_headers_get_one) \
  F (soup_message_headers_get_encoding) \
  F (soup_message_headers_get_content_length) \
  F (soup_message_headers_replace) \
  F (soup_message_new_from_uri) \
  F (soup_message_set_request_body_from_bytes) \
  F (soup_session_error_quark) \
  F (soup_session_get_type) \
  F (soup_session_new_with_options) \
  F (soup_session_send_and_read_async) \
  F (soup_session_send_and_read_finish) \
  F (soup_session_send_async) \
  F (soup_session_send_finish) \
  F (soup_session_set_proxy_resolver)

typedef struct
{
#define TEND_SOUP_LIB_FIELD(name) __typeof__ (name) *name;
  TEND_SOUP_LIB_FUNCTIONS (TEND_SOUP_LIB_FIELD)
#undef TEND_SOUP_LIB_FIELD
} TendSoupLib;

gboolean           tend_soup_lib_load (GError **error);
const TendSoupLib *tend_soup_lib      (void);

G_END_DECLS

#ifndef TEND_SOUP_LIB_NO_REDIRECT
#define soup_message_add_flags (tend_soup_lib ()->soup_message_add_flags)
#define soup_message_get_request_headers (tend_soup_lib ()->soup_message_get_request_headers)
#define soup_message_get_response_headers (tend_soup_lib ()->soup_message_get_response_headers)
#define soup_message_get_status (tend_soup_lib ()->soup_message_get_status)
#define soup_message_headers_get_one (tend_soup_lib ()->soup_message_headers_get_one)
#define soup_message_headers_get_encoding (tend_soup_lib ()->soup_message_headers_get_encoding)
#define soup_message_headers_get_content_length \
  (tend_soup_lib ()->soup_message_headers_get_content_length)
#define soup_message_headers_replace (tend_soup_lib ()->soup_message_headers_replace)
#define soup_message_new_from_uri (tend_soup_lib ()->soup_message_new_from_uri)
#define soup_message_set_request_body_from_bytes \
  (tend_soup_lib ()->soup_message_set_request_body_from_bytes)
#define soup_session_error_quark (tend_soup_lib ()->soup_session_error_quark)
#define soup_session_get_type (tend_soup_lib ()->soup_session_get_type)
#define soup_session_new_with_options (tend_soup_lib ()->soup_session_new_with_options)
#define soup_session_send_and_read_async (tend_soup_lib ()->soup_session_send_and_read_async)
#define soup_session_send_and_read_finish (tend_soup_lib ()->soup_session_send_and_read_finish)
#define soup_session_send_async (tend_soup_lib ()->soup_session_send_async)
#define soup_session_send_finish (tend_soup_lib ()->soup_session_send_finish)
#define soup_session_set_proxy_resolver (tend_soup_lib ()->soup_session_set_proxy_resolver)
/* libsoup's own cast function would name soup_session_get_type() directly */
#undef SOUP_SESSION
#define SOUP_SESSION(object) ((SoupSession *) (object))
/* libsoup's method names are its interned strings, cached in variables of its own */
#undef SOUP_METHOD_GET
#undef SOUP_METHOD_HEAD
#undef SOUP_METHOD_POST
#define SOUP_METHOD_GET (g_intern_static_string ("GET"))
#define SOUP_METHOD_HEAD (g_intern_static_string ("HEAD"))
#define SOUP_METHOD_POST (g_intern_static_string ("POST"))
#endif
