/* tend-ssh-lib.h — libssh, loaded when the first SSH host connects
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libssh and libcrypto cost every process that links them ~6.5 million instructions of
 * symbol binding at start-up (tend-lazy-lib.h): libtend opens libssh when a session
 * first connects, on the session's worker thread, and calls it through this table. The
 * files that use libssh include this header (through tend-ssh-worker-private.h); a libssh
 * function missing from TEND_SSH_LIB_FUNCTIONS would link libssh at start-up again
 * (`readelf -d tendctl` shows it).
 */
#pragma once

#include <gio/gio.h>
#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/server.h>     /* ssh_send_keepalive, which clients use too */

G_BEGIN_DECLS

#define TEND_SSH_LIB_FUNCTIONS(F) \
  F (ssh_channel_close) \
  F (ssh_channel_free) \
  F (ssh_channel_is_closed) \
  F (ssh_channel_new) \
  F (ssh_channel_open_forward) \
  F (ssh_channel_open_session) \
  F (ssh_channel_read_nonblocking) \
  F (ssh_channel_request_exec) \
  F (ssh_channel_request_send_signal) \
  F (ssh_channel_send_eof) \
  F (ssh_channel_write) \
  F (ssh_clean_pubkey_hash) \
  F (ssh_connect) \
  F (ssh_disconnect) \
  F (ssh_event_add_session) \
  F (ssh_event_dopoll) \
  F (ssh_event_free) \
  F (ssh_event_new) \
  F (ssh_event_remove_session) \
  F (ssh_free) \
  F (ssh_get_error) \
  F (ssh_get_fd) \
  F (ssh_get_fingerprint_hash) \
  F (ssh_get_publickey_hash) \
  F (ssh_get_server_publickey) \
  F (ssh_get_status) \
  F (ssh_is_connected) \
  F (ssh_key_free) \
  F (ssh_known_hosts_parse_line) \
  F (ssh_knownhosts_entry_free) \
  F (ssh_new) \
  F (ssh_options_get) \
  F (ssh_options_get_port) \
  F (ssh_options_parse_config) \
  F (ssh_options_set) \
  F (ssh_remove_channel_callbacks) \
  F (ssh_send_keepalive) \
  F (ssh_session_is_known_server) \
  F (ssh_session_update_known_hosts) \
  F (ssh_set_blocking) \
  F (ssh_set_channel_callbacks) \
  F (ssh_set_counters) \
  F (ssh_string_free_char) \
  F (ssh_userauth_agent) \
  F (ssh_userauth_none) \
  F (ssh_userauth_publickey_auto)

typedef struct
{
#define TEND_SSH_LIB_FIELD(name) __typeof__ (name) *name;
  TEND_SSH_LIB_FUNCTIONS (TEND_SSH_LIB_FIELD)
#undef TEND_SSH_LIB_FIELD
} TendSshLib;

gboolean          tend_ssh_lib_load (GError **error);
const TendSshLib *tend_ssh_lib      (void);

G_END_DECLS

#ifndef TEND_SSH_LIB_NO_REDIRECT
#define ssh_channel_close (tend_ssh_lib ()->ssh_channel_close)
#define ssh_channel_free (tend_ssh_lib ()->ssh_channel_free)
#define ssh_channel_is_closed (tend_ssh_lib ()->ssh_channel_is_closed)
#define ssh_channel_new (tend_ssh_lib ()->ssh_channel_new)
#define ssh_channel_open_forward (tend_ssh_lib ()->ssh_channel_open_forward)
#define ssh_channel_open_session (tend_ssh_lib ()->ssh_channel_open_session)
#define ssh_channel_read_nonblocking (tend_ssh_lib ()->ssh_channel_read_nonblocking)
#define ssh_channel_request_exec (tend_ssh_lib ()->ssh_channel_request_exec)
#define ssh_channel_request_send_signal (tend_ssh_lib ()->ssh_channel_request_send_signal)
#define ssh_channel_send_eof (tend_ssh_lib ()->ssh_channel_send_eof)
#define ssh_channel_write (tend_ssh_lib ()->ssh_channel_write)
#define ssh_clean_pubkey_hash (tend_ssh_lib ()->ssh_clean_pubkey_hash)
#define ssh_connect (tend_ssh_lib ()->ssh_connect)
#define ssh_disconnect (tend_ssh_lib ()->ssh_disconnect)
#define ssh_event_add_session (tend_ssh_lib ()->ssh_event_add_session)
#define ssh_event_dopoll (tend_ssh_lib ()->ssh_event_dopoll)
#define ssh_event_free (tend_ssh_lib ()->ssh_event_free)
#define ssh_event_new (tend_ssh_lib ()->ssh_event_new)
#define ssh_event_remove_session (tend_ssh_lib ()->ssh_event_remove_session)
#define ssh_free (tend_ssh_lib ()->ssh_free)
#define ssh_get_error (tend_ssh_lib ()->ssh_get_error)
#define ssh_get_fd (tend_ssh_lib ()->ssh_get_fd)
#define ssh_get_fingerprint_hash (tend_ssh_lib ()->ssh_get_fingerprint_hash)
#define ssh_get_publickey_hash (tend_ssh_lib ()->ssh_get_publickey_hash)
#define ssh_get_server_publickey (tend_ssh_lib ()->ssh_get_server_publickey)
#define ssh_get_status (tend_ssh_lib ()->ssh_get_status)
#define ssh_is_connected (tend_ssh_lib ()->ssh_is_connected)
#define ssh_key_free (tend_ssh_lib ()->ssh_key_free)
#define ssh_known_hosts_parse_line (tend_ssh_lib ()->ssh_known_hosts_parse_line)
#define ssh_knownhosts_entry_free (tend_ssh_lib ()->ssh_knownhosts_entry_free)
#define ssh_new (tend_ssh_lib ()->ssh_new)
#define ssh_options_get (tend_ssh_lib ()->ssh_options_get)
#define ssh_options_get_port (tend_ssh_lib ()->ssh_options_get_port)
#define ssh_options_parse_config (tend_ssh_lib ()->ssh_options_parse_config)
#define ssh_options_set (tend_ssh_lib ()->ssh_options_set)
#define ssh_remove_channel_callbacks (tend_ssh_lib ()->ssh_remove_channel_callbacks)
#define ssh_send_keepalive (tend_ssh_lib ()->ssh_send_keepalive)
#define ssh_session_is_known_server (tend_ssh_lib ()->ssh_session_is_known_server)
#define ssh_session_update_known_hosts (tend_ssh_lib ()->ssh_session_update_known_hosts)
#define ssh_set_blocking (tend_ssh_lib ()->ssh_set_blocking)
#define ssh_set_channel_callbacks (tend_ssh_lib ()->ssh_set_channel_callbacks)
#define ssh_set_counters (tend_ssh_lib ()->ssh_set_counters)
#define ssh_string_free_char (tend_ssh_lib ()->ssh_string_free_char)
#define ssh_userauth_agent (tend_ssh_lib ()->ssh_userauth_agent)
#define ssh_userauth_none (tend_ssh_lib ()->ssh_userauth_none)
#define ssh_userauth_publickey_auto (tend_ssh_lib ()->ssh_userauth_publickey_auto)
#endif
