/* tend-dbus-private.h — what the two backends of this computer's managers share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * TendDbusBackend (GDBus) and TendSdbusBackend (sd-bus) speak to the same systemd API:
 * they map its errors and job results to the same TEND_ERRORs, read the journal the same
 * way and add the same figures. One copy of each lives here.
 */
#pragma once

#include <gio/gio.h>

#include "tend-journal.h"
#include "tend-types.h"

G_BEGIN_DECLS

#define TEND_SYSTEMD_BUS_NAME   "org.freedesktop.systemd1"
#define TEND_SYSTEMD_PATH       "/org/freedesktop/systemd1"
#define TEND_SYSTEMD_MANAGER    "org.freedesktop.systemd1.Manager"
#define TEND_SYSTEMD_UNIT_PATH  "/org/freedesktop/systemd1/unit/"
#define TEND_PROPERTIES_IFACE   "org.freedesktop.DBus.Properties"

/* polkit may ask a person for a password: give them time to type it. */
#define TEND_INTERACTIVE_TIMEOUT_MSEC (120 * 1000)

GError            *tend_dbus_translate_error (const char              *host_label,
                                              const char              *address,
                                              const GError            *error,
                                              const char              *unit,
                                              const char              *verb);
GError            *tend_dbus_job_error       (const char              *host_label,
                                              const char              *unit,
                                              TendUnitAction           action,
                                              const char              *result);
GTask             *tend_dbus_action_task_new (gpointer                 source_object,
                                              gpointer                 source_tag,
                                              const char              *unit,
                                              TendUnitAction           action,
                                              GCancellable            *cancellable,
                                              GAsyncReadyCallback      callback,
                                              gpointer                 user_data);
const char        *tend_dbus_job_method      (TendUnitAction           action);
GError            *tend_dbus_manager_missing (const char              *host_label,
                                              const char              *address);
gboolean           tend_dbus_needs_rss       (guint64                  memory_current,
                                              const char              *active_state);
guint64            tend_dbus_sum_rss         (const guint32           *pids,
                                              guint                    n_pids);
TendJournalReader *tend_dbus_open_journal    (const char              *host_label,
                                              const char              *name,
                                              const TendJournalQuery  *query,
                                              GCancellable            *cancellable,
                                              GError                 **error);

G_END_DECLS
