/* tend-sdbus-backend-private.h — what TendSdbusBackend's own files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * tend-sdbus-backend.c connects, follows systemd's signals, lists and reads units;
 * tend-sdbus-actions.c queues jobs (start, stop, …, transient units) and waits for them.
 */
#pragma once

#include <systemd/sd-bus.h>

#include "tend-backend.h"
#include "tend-sdbus-backend.h"

G_BEGIN_DECLS

#define TEND_SDBUS_DEFAULT_TIMEOUT_USEC 0  /* sd-bus's own: 25 s */

enum {
  SLOT_JOB_REMOVED,
  SLOT_UNIT_NEW,
  SLOT_UNIT_REMOVED,
  SLOT_UNIT_FILES_CHANGED,
  SLOT_RELOADING,
  SLOT_PROPERTIES_CHANGED,
  SLOT_NAME_OWNER,
  N_SLOTS
};

struct _TendSdbusBackend
{
  GObject parent_instance;

  GBusType bus_type;
  char *host_label;               /* (owned) */
  char *address;                  /* (owned) (nullable) */
  sd_bus *bus;                    /* (owned) (nullable) */
  GSource *source;                /* (owned) (nullable) drives @bus */
  gboolean direct;                /* @bus is the manager's private socket */
  GError *lost;                   /* (owned) (nullable) why the last connection was dropped */
  sd_bus_slot *slots[N_SLOTS];    /* (owned) the signal matches, while watching */
  gboolean subscribed;
  gboolean manager_lost;          /* it left the bus (or was never on it) */

  GHashTable *jobs;               /* (owned) job path → (owned) GTask waiting for it */
  GHashTable *early_results;      /* (owned) job path → (owned) result */
  guint n_job_calls;              /* action calls whose reply has not come yet */

  TendUnitList *unit_files;       /* (owned) (nullable) cached ListUnitFiles */
  GPtrArray *unit_files_waiters;  /* (owned) (nullable) tasks waiting for ListUnitFiles */
};

gboolean        tend_sdbus_check_connected   (TendSdbusBackend          *self,
                                              GError                   **error);
GError         *tend_sdbus_reply_error       (TendSdbusBackend          *self,
                                              sd_bus_message            *reply,
                                              const char                *unit,
                                              const char                *verb);
sd_bus_message *tend_sdbus_new_call          (TendSdbusBackend          *self,
                                              const char                *path,
                                              const char                *interface,
                                              const char                *method,
                                              GError                   **error);
void            tend_sdbus_send_call         (TendSdbusBackend          *self,
                                              sd_bus_message            *message,
                                              sd_bus_message_handler_t   callback,
                                              GTask                     *task,
                                              const char                *unit,
                                              const char                *verb);
void            tend_sdbus_call_manager      (TendSdbusBackend          *self,
                                              const char                *method,
                                              sd_bus_message_handler_t   callback,
                                              GTask                     *task,
                                              const char                *types,
                                              ...);
void            tend_sdbus_ensure_subscribed (TendSdbusBackend          *self);

void            tend_sdbus_fail_pending_jobs (TendSdbusBackend          *self,
                                              const GError              *error);
void            tend_sdbus_job_call_done     (TendSdbusBackend          *self);
int             tend_sdbus_on_job_removed    (sd_bus_message            *message,
                                              void                      *user_data,
                                              sd_bus_error              *ret_error);

void            tend_sdbus_actions_iface_init (TendBackendInterface    *iface);

G_END_DECLS
