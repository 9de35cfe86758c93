/* tend-ssh-backend.c — systemd on another computer, over SSH (libssh)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SKELETON: the contract of tend-ssh-backend.h; the helper "backend" writes it.
 */
#include "config.h"

#include "tend-ssh-backend.h"

#include "tend-backend.h"
#include "tend-error.h"
#include "tend-inventory.h"

struct _TendSshBackend
{
  GObject parent_instance;
  TendSshSession *session;
  TendHostScope scope;
  TendInventorySudo sudo;
};

static void tend_ssh_backend_iface_init (TendBackendInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TendSshBackend, tend_ssh_backend, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (TEND_TYPE_BACKEND,
                                                      tend_ssh_backend_iface_init))

static void
tend_ssh_backend_finalize (GObject *object)
{
  TendSshBackend *self = TEND_SSH_BACKEND (object);

  g_clear_object (&self->session);
  G_OBJECT_CLASS (tend_ssh_backend_parent_class)->finalize (object);
}

static void
tend_ssh_backend_class_init (TendSshBackendClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tend_ssh_backend_finalize;
}

static void
tend_ssh_backend_init (TendSshBackend *self)
{
}

static void
connect_async (TendBackend *backend, GCancellable *cancellable, GAsyncReadyCallback callback,
               gpointer user_data)
{
  GTask *task = g_task_new (backend, cancellable, callback, user_data);

  g_task_return_new_error (task, TEND_ERROR, TEND_ERROR_NOT_SUPPORTED, "SSH is not written yet");
  g_object_unref (task);
}

static gboolean
connect_finish (TendBackend *backend, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
tend_ssh_backend_iface_init (TendBackendInterface *iface)
{
  iface->connect_async = connect_async;
  iface->connect_finish = connect_finish;
}

TendSshBackend *
tend_ssh_backend_new (const TendInventoryHost *spec)
{
  TendSshBackend *self = g_object_new (TEND_TYPE_SSH_BACKEND, NULL);

  self->session = tend_ssh_session_new (spec->address, spec->port, spec->user);
  self->scope = spec->scope;
  self->sudo = spec->sudo;
  return self;
}

TendSshSession *
tend_ssh_backend_get_session (TendSshBackend *self)
{
  return self->session;
}

void
tend_ssh_backend_run_command_async (TendSshBackend *self, const char * const *argv,
                                    guint timeout_msec, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_return_new_error (task, TEND_ERROR, TEND_ERROR_NOT_SUPPORTED, "SSH is not written yet");
  g_object_unref (task);
}

TendSshResult *
tend_ssh_backend_run_command_finish (TendSshBackend *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
