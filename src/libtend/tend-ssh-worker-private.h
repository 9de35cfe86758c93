/* tend-ssh-worker-private.h — what the worker thread of a TendSshSession
 * (tend-ssh-worker.c) and its channels (tend-ssh-channel.c) share; the worker's own
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tend-ssh-lib.h"

#include "tend-ssh-session-private.h"

G_BEGIN_DECLS

#define MAX_SESSION_CHANNELS 10      /* OpenSSH's MaxSessions default */
#define SESSION_RETRY_USEC (50 * G_TIME_SPAN_MILLISECOND)  /* after a refused channel */
#define SESSION_REFUSALS_MAX 40      /* then the refusal is the answer (2 s of retries) */
#define READ_CHUNK 16384
#define LOCAL_BUFFER_MAX (1024 * 1024) /* waiting for a stream's reader or a forward's client */
#define KEEPALIVES_MISSED_MAX 2

typedef enum
{
  OP_EXEC,
  OP_STREAM,
  OP_FORWARD,
} OpKind;

typedef enum
{
  STEP_WAITING,                 /* for a free session channel */
  STEP_OPENING,
  STEP_REQUESTING,
  STEP_RUNNING,
} OpStep;

typedef struct _Worker Worker;

typedef struct
{
  Worker *worker;
  OpKind kind;
  OpStep step;
  TendSshRequest *request;      /* (owned) (nullable) exec and stream */
  ssh_channel channel;          /* (owned) (nullable) */
  struct ssh_channel_callbacks_struct callbacks;
  gint64 deadline;              /* monotonic µs; 0: none */

  gsize stdin_offset;
  gboolean eof_sent;
  GByteArray *out;              /* (owned) exec: stdout */
  GByteArray *err;              /* (owned) exec: stderr */
  int exit_status;
  gboolean got_exit;
  gboolean remote_eof;
  gboolean remote_closed;

  int fd;                       /* (owned) stream and forward: the local end, or -1 */
  GByteArray *to_local;         /* (owned) what waits to be written to @fd */
  GByteArray *to_remote;        /* (owned) forward: read from @fd, not yet on the channel */
  gboolean local_eof;           /* forward: the local client shut its side */
  gboolean local_shut;          /* forward: we shut @fd's writing side */
  gboolean local_gone;          /* @fd was closed by its reader or failed */
  gboolean held;                /* output waits in libssh's buffer (LOCAL_BUFFER_MAX) */
  char *forward_host;           /* (owned) (nullable) */
  guint16 forward_port;
  guint16 peer_port;
  guint refusals;                /* of its channel by the server */
  gboolean done;
} Op;

typedef struct
{
  int fd;                       /* borrowed: the session's GSocket owns it */
  char *host;
  guint16 port;
} Listener;

struct _Worker
{
  TendSshShared *shared;
  gboolean stop;

  /* Copied from the shared settings at each connect. */
  char *address;
  int port;
  char *user;
  char *config_file;
  char *known_hosts_file;
  char *accept_fingerprint;
  guint timeout_msec;
  guint keepalive_msec;

  char *where;                  /* user@host:port, once known */
  ssh_session session;          /* (nullable) */
  ssh_event event;              /* (nullable) */
  TendSshState state;
  char *fingerprint;            /* (nullable) */
  GPtrArray *ops;               /* of (owned) Op */
  GPtrArray *listeners;         /* of (owned) Listener */
  guint max_sessions;
  gint64 sessions_retry;        /* when to try MAX_SESSION_CHANNELS again; 0: no need */
  gint64 next_keepalive;
  struct ssh_counter_struct counter;   /* what the socket carried */
  guint64 last_in_bytes;
  guint keepalives_missed;
};

/* tend-ssh-channel.c: one operation on a channel of its own */
Op         *tend_ssh_op_new              (Worker         *w,
                                          OpKind          kind);
void        tend_ssh_op_free             (Op             *op);
void        tend_ssh_op_close_channel    (Op             *op);
void        tend_ssh_op_fail             (Op             *op,
                                          GError         *error);
void        tend_ssh_op_step             (Op             *op);
void        tend_ssh_op_check_deadline   (Op             *op,
                                          gint64          now);
void        tend_ssh_op_read_local       (Op             *op);
void        tend_ssh_ops_fail_all        (Worker         *w,
                                          TendError       code,
                                          const char     *message);
void        tend_ssh_ops_remove_done     (Worker         *w);
const char *tend_ssh_label_of            (Op             *op);

/* tend-ssh-connect.c: connects @session (new, blocking) and authenticates */
gboolean tend_ssh_worker_open (ssh_session   session,
                               const char   *address,
                               const char   *config_file,
                               const char   *known_hosts_file,
                               const char   *accept_fingerprint,
                               const char   *user,
                               int           port,
                               guint         timeout_msec,
                               char        **where,
                               char        **fingerprint,
                               char        **known_fingerprint,
                               TendSshState *state,
                               GError      **error);

/* tend-ssh-worker.c */
void        tend_ssh_worker_release_request (Worker      *w,
                                          TendSshRequest *request);

G_END_DECLS
