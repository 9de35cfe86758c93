/* tend-ssh-session-private.h — what TendSshSession (the caller's side) and its worker
 * thread (tend-ssh-worker.c) share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tend-ssh-session.h"

G_BEGIN_DECLS

typedef enum
{
  TEND_SSH_REQUEST_CONNECT,     /* task */
  TEND_SSH_REQUEST_CLOSE,       /* closes the session, keeps the thread */
  TEND_SSH_REQUEST_STOP,        /* closes the session and ends the thread */
  TEND_SSH_REQUEST_EXEC,        /* task, command, stdin_data, timeout_msec */
  TEND_SSH_REQUEST_STREAM,      /* command, fd */
  TEND_SSH_REQUEST_LISTEN,      /* fd (borrowed: the session's GSocket owns it), host, port */
  TEND_SSH_REQUEST_CANCEL,      /* id */
} TendSshRequestKind;

typedef struct
{
  TendSshRequestKind kind;
  guint64 id;                   /* of the operation (exec, stream), for CANCEL */
  GTask *task;                  /* (owned) (nullable) */
  char *command;                /* (owned) (nullable) quoted for the remote shell */
  char *label;                  /* (owned) (nullable) argv[0], for messages */
  GBytes *stdin_data;           /* (owned) (nullable) */
  guint timeout_msec;
  int fd;                       /* -1 when none */
  char *host;                   /* (owned) (nullable) LISTEN: where connections go */
  guint16 port;
  GCancellable *cancellable;    /* (owned) (nullable) */
  gulong cancel_handler;
} TendSshRequest;

/* What the worker tells the caller's side; applied on the caller's main context. */
typedef struct
{
  TendSshState state;
  char *message;                /* (owned) */
  char *fingerprint;            /* (owned) (nullable) */
  char *known_fingerprint;      /* (owned) (nullable) */
} TendSshStatus;

typedef struct
{
  gatomicrefcount ref_count;
  GWeakRef owner;               /* TendSshSession */
  GMainContext *context;        /* (owned) the caller's thread-default context */
  int wake_fd;                  /* eventfd: requests are waiting */
  guint64 next_id;              /* under @lock */

  GMutex lock;
  GQueue requests;              /* (owned) of TendSshRequest, under @lock */
  /* Settings, under @lock: the worker copies them at each connect. */
  char *address;
  int port;
  char *user;
  char *config_file;            /* (nullable) */
  char *known_hosts_file;       /* (nullable) */
  char *accept_fingerprint;     /* (nullable) */
  guint timeout_msec;
  guint keepalive_msec;
} TendSshShared;

TendSshShared *tend_ssh_shared_ref           (TendSshShared  *shared);
void           tend_ssh_shared_unref         (TendSshShared  *shared);
void           tend_ssh_shared_push          (TendSshShared  *shared,
                                              TendSshRequest *request);
void           tend_ssh_request_free         (TendSshRequest *request);

/* The worker's side (tend-ssh-worker.c): the thread's function, and what it calls on
 * the caller's context. */
gpointer       tend_ssh_worker_main          (gpointer        shared);
void           tend_ssh_shared_invoke        (TendSshShared  *shared,
                                              GSourceFunc     func,
                                              gpointer        data,
                                              GDestroyNotify  notify);
void           tend_ssh_shared_post_status   (TendSshShared  *shared,
                                              TendSshStatus  *status);
void           tend_ssh_shared_post_disconnected (TendSshShared *shared,
                                              GError         *error);

G_END_DECLS
