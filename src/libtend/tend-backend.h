/* tend-backend.h — how Tend talks to one host's service manager
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tend-journal.h"
#include "tend-types.h"
#include "tend-unit-list.h"

G_BEGIN_DECLS

#define TEND_TYPE_BACKEND (tend_backend_get_type ())
G_DECLARE_INTERFACE (TendBackend, tend_backend, TEND, BACKEND, GObject)

/**
 * TendBackendInterface:
 *
 * Backends speak in systemd's own vocabulary: a unit's details are an `a{sv}`
 * dictionary keyed by systemd's property names, which TendService knows how to apply.
 * A list of units is a TendUnitList, one summary line per unit.
 *
 * Connecting makes no subscription: a one-shot caller (a `tendctl list`) pays for
 * nothing it does not use. watch() starts the change signals; operations that wait
 * for a job subscribe to what they need by themselves.
 *
 * Signals (emitted on the thread-default main context the backend was connected on,
 * after watch()):
 * - `unit-changed` (name, a{sv}): properties of a unit changed;
 * - `unit-new` (name) and `unit-removed` (name): the manager loaded or dropped a unit;
 * - `unit-files-changed`: installed unit files changed (enable, disable, daemon-reload);
 * - `disconnected` (GError): the manager went away (the connection closed, or the
 *   manager left it); every pending operation has failed;
 * - `available`: after a `disconnected`, the manager is there again (it joined the bus):
 *   a host that tries to reconnect tries at once.
 */
struct _TendBackendInterface
{
  GTypeInterface parent_iface;

  void         (*connect_async)       (TendBackend          *self,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
  gboolean     (*connect_finish)      (TendBackend          *self,
                                       GAsyncResult         *result,
                                       GError              **error);

  void         (*watch)               (TendBackend          *self);

  void         (*list_units_async)    (TendBackend          *self,
                                       TendListFlags         flags,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
  TendUnitList *
               (*list_units_finish)   (TendBackend          *self,
                                       GAsyncResult         *result,
                                       GError              **error);

  void         (*get_unit_async)      (TendBackend          *self,
                                       const char           *name,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
  GVariant *   (*get_unit_finish)     (TendBackend          *self,
                                       GAsyncResult         *result,
                                       GError              **error);

  void         (*run_action_async)    (TendBackend          *self,
                                       const char           *name,
                                       TendUnitAction        action,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
  char *       (*run_action_finish)   (TendBackend          *self,
                                       GAsyncResult         *result,
                                       GError              **error);

  TendJournalReader *
               (*open_journal)        (TendBackend          *self,
                                       const char           *name,
                                       const TendJournalQuery *query,
                                       GCancellable         *cancellable,
                                       GError              **error);

  /* Optional: a backend without it says "not supported". */
  void         (*start_transient_async)  (TendBackend          *self,
                                          const char           *name,
                                          const char           *description,
                                          const char * const   *argv,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
  gboolean     (*start_transient_finish) (TendBackend          *self,
                                          GAsyncResult         *result,
                                          GError              **error);
};

void               tend_backend_connect_async    (TendBackend          *self,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean           tend_backend_connect_finish   (TendBackend          *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);
void               tend_backend_watch            (TendBackend          *self);
void               tend_backend_list_units_async (TendBackend          *self,
                                                  TendListFlags         flags,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
TendUnitList      *tend_backend_list_units_finish (TendBackend         *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);
void               tend_backend_get_unit_async   (TendBackend          *self,
                                                  const char           *name,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
GVariant          *tend_backend_get_unit_finish  (TendBackend          *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);
void               tend_backend_run_action_async (TendBackend          *self,
                                                  const char           *name,
                                                  TendUnitAction        action,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
char              *tend_backend_run_action_finish (TendBackend         *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);
TendJournalReader *tend_backend_open_journal     (TendBackend          *self,
                                                  const char           *name,
                                                  const TendJournalQuery *query,
                                                  GCancellable         *cancellable,
                                                  GError              **error);
void               tend_backend_start_transient_async  (TendBackend          *self,
                                                        const char           *name,
                                                        const char           *description,
                                                        const char * const   *argv,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
gboolean           tend_backend_start_transient_finish (TendBackend          *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);

G_END_DECLS
