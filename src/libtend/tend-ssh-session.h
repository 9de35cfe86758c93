/* tend-ssh-session.h — one authenticated SSH session to a host, on a thread of its own
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tend-types.h"

G_BEGIN_DECLS

/**
 * TendSshSession:
 *
 * One persistent libssh session to one host, owned by a worker thread of its own (libssh
 * blocks, and a session is not thread-safe): every libssh call happens on that thread.
 * The calling thread (the main loop) only queues requests and gets the results back
 * through GTasks on its thread-default main context, as TendStore does.
 *
 * Connecting reads the user's `~/.ssh/config` (Host, HostName, Port, User, IdentityFile,
 * ProxyJump where libssh supports it), checks the server's key against the user's own
 * `~/.ssh/known_hosts` (so Tend and OpenSSH agree), and authenticates with ssh-agent and
 * then the key files. It stores no password and no key. An unknown key fails with
 * %TEND_ERROR_HOST_KEY_UNKNOWN (the server's fingerprint in `fingerprint`), unless it is
 * the accepted fingerprint, which is then added to known_hosts; a changed key fails with
 * %TEND_ERROR_HOST_KEY_CHANGED, always (there is no "connect anyway"); refused keys fail
 * with %TEND_ERROR_AUTH_FAILED; no answer in time, a refused or lost connection with
 * %TEND_ERROR_UNREACHABLE.
 *
 * Each command runs on a channel of its own. Keepalives go out every 15 s while the
 * session is up; a session that lost its connection fails every pending request with
 * %TEND_ERROR_UNREACHABLE and emits `disconnected`. It does not reconnect by itself:
 * connect again (TendHost does, with its growing delay).
 *
 * Signals (on the thread-default main context of tend_ssh_session_new()'s caller):
 * - `disconnected` (GError): the connection was lost or closed by the server.
 */
#define TEND_TYPE_SSH_SESSION (tend_ssh_session_get_type ())
G_DECLARE_FINAL_TYPE (TendSshSession, tend_ssh_session, TEND, SSH_SESSION, GObject)

/**
 * TendSshState:
 * @TEND_SSH_STATE_DISCONNECTED: never connected, or closed
 * @TEND_SSH_STATE_CONNECTING: connecting and authenticating
 * @TEND_SSH_STATE_ONLINE: authenticated, commands run
 * @TEND_SSH_STATE_UNREACHABLE: the last try to connect failed, or the connection was lost
 * @TEND_SSH_STATE_AUTH_FAILED: the server refused every key Tend could offer
 * @TEND_SSH_STATE_HOST_KEY_UNKNOWN: the server's key is not in known_hosts
 * @TEND_SSH_STATE_HOST_KEY_CHANGED: known_hosts has another key for this server
 */
typedef enum
{
  TEND_SSH_STATE_DISCONNECTED,
  TEND_SSH_STATE_CONNECTING,
  TEND_SSH_STATE_ONLINE,
  TEND_SSH_STATE_UNREACHABLE,
  TEND_SSH_STATE_AUTH_FAILED,
  TEND_SSH_STATE_HOST_KEY_UNKNOWN,
  TEND_SSH_STATE_HOST_KEY_CHANGED,
} TendSshState;

/**
 * TendSshResult:
 * @exit_status: the command's exit status, or -1 when it was killed by a signal
 * @out: what it wrote on stdout
 * @err: what it wrote on stderr
 */
typedef struct
{
  int     exit_status;
  GBytes *out;
  GBytes *err;
} TendSshResult;

void            tend_ssh_result_free             (TendSshResult        *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TendSshResult, tend_ssh_result_free)

/* Where and how. @user NULL: ~/.ssh/config's, else the local user's name. @port 0:
 * ~/.ssh/config's, else 22. */
TendSshSession *tend_ssh_session_new             (const char           *address,
                                                  int                   port,
                                                  const char           *user);
const char     *tend_ssh_session_get_address     (TendSshSession       *self);
/* Tests and the benchmarks point these elsewhere; NULL: the user's own files. */
void            tend_ssh_session_set_config_file (TendSshSession       *self,
                                                  const char           *path);
void            tend_ssh_session_set_known_hosts_file (TendSshSession  *self,
                                                  const char           *path);
/* "SHA256:…": a server with this fingerprint and no key in known_hosts is added to
 * known_hosts at the next connect (tendctl host add --accept-fingerprint, the window's
 * dialog). Never overrides a changed key. */
void            tend_ssh_session_set_accept_fingerprint (TendSshSession *self,
                                                  const char           *fingerprint);
/* How long to wait to connect, and for a command that has no timeout of its own
 * (default 10,000 ms). */
void            tend_ssh_session_set_timeout     (TendSshSession       *self,
                                                  guint                 timeout_msec);
/* How often a keepalive goes out while the session is up (default 15,000 ms); a session
 * whose server leaves two of them unanswered is lost. */
void            tend_ssh_session_set_keepalive_interval (TendSshSession *self,
                                                  guint                 interval_msec);

TendSshState    tend_ssh_session_get_state       (TendSshSession       *self);
/* A sentence a person can act on: "Connected as deploy@10.0.0.5:22", "The host key of
 * 10.0.0.5 changed: it was SHA256:…, it is now SHA256:…. …" */
const char     *tend_ssh_session_get_message     (TendSshSession       *self);
/* The server's key as seen at the last connect ("SHA256:…"), or NULL */
const char     *tend_ssh_session_get_fingerprint (TendSshSession       *self);
/* The key known_hosts has for the server when it changed ("SHA256:…"), or NULL */
const char     *tend_ssh_session_get_known_fingerprint (TendSshSession *self);

void            tend_ssh_session_connect_async   (TendSshSession       *self,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean        tend_ssh_session_connect_finish  (TendSshSession       *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);
void            tend_ssh_session_close           (TendSshSession       *self);

/* Runs @argv on the host: each argument is quoted for the remote shell by
 * tend_ssh_quote_argv(); the caller has validated them (tend-ssh-command.h). @stdin_data
 * (nullable) is written to its stdin, which is then closed. @timeout_msec 0: the
 * session's. A command that does not end in time is closed (its channel, and so its
 * process on sshd's side) and fails with %TEND_ERROR_TIMED_OUT. A non-zero exit status
 * is not an error: it is in the result. */
void            tend_ssh_session_exec_async      (TendSshSession       *self,
                                                  const char * const   *argv,
                                                  GBytes               *stdin_data,
                                                  guint                 timeout_msec,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
TendSshResult  *tend_ssh_session_exec_finish     (TendSshSession       *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

/* Runs @argv and gives its stdout as a stream that ends when the command ends (a
 * `journalctl -f`, a `busctl monitor`). Closing the stream or cancelling @cancellable
 * closes the channel. Reads never block the main loop when done with the async calls. */
GInputStream   *tend_ssh_session_exec_stream     (TendSshSession       *self,
                                                  const char * const   *argv,
                                                  GCancellable         *cancellable,
                                                  GError              **error);

/* A local port on 127.0.0.1 whose connections are forwarded over the session (a
 * direct-tcpip channel) to @remote_host:@remote_port as the remote host sees them: a
 * service bound to the remote's localhost is checked from where it is. The same
 * (@remote_host, @remote_port) gives the same port while the session lives; the listener
 * stays across reconnects, and a connection made while the session is down is closed at
 * once. Binds at once, without blocking. */
guint16         tend_ssh_session_add_forward     (TendSshSession       *self,
                                                  const char           *remote_host,
                                                  guint16               remote_port,
                                                  GError              **error);

/* The remote shell's quoting of @argv: every argument in single quotes ('\'' for a
 * quote), joined by spaces. NUL cannot occur in a C string; newlines are quoted too. */
char           *tend_ssh_quote_argv              (const char * const   *argv);

const char     *tend_ssh_state_to_string         (TendSshState          state);

G_END_DECLS
