/* tend-ssh-backend.h — systemd on another computer, over SSH (libssh)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tend-ssh-session.h"
#include "tend-types.h"

G_BEGIN_DECLS

#define TEND_TYPE_SSH_BACKEND (tend_ssh_backend_get_type ())
G_DECLARE_FINAL_TYPE (TendSshBackend, tend_ssh_backend, TEND, SSH_BACKEND, GObject)

/* A TendBackend for the inventory host @spec (kind ssh): its session, its scope and its
 * sudo mode. Commands come only from tend-ssh-command.h. */
TendSshBackend *tend_ssh_backend_new          (const TendInventoryHost *spec);
TendSshSession *tend_ssh_backend_get_session  (TendSshBackend          *self);

/* A command check's argv, run on the host (sudo as the host says); the result as
 * tend_ssh_session_exec_finish() gives it */
void            tend_ssh_backend_run_command_async  (TendSshBackend     *self,
                                                     const char * const *argv,
                                                     guint               timeout_msec,
                                                     GCancellable       *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer            user_data);
TendSshResult  *tend_ssh_backend_run_command_finish (TendSshBackend     *self,
                                                     GAsyncResult       *result,
                                                     GError            **error);

G_END_DECLS
