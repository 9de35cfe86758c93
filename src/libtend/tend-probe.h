/* tend-probe.h — cheap TCP connections for the checks' probes (private to libtend)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tend-tcp-check.h"

G_BEGIN_DECLS

typedef struct _TendProbe TendProbe;

/* Called with each piece of the answer as it is read, and with @len 0 at its end (the
 * peer closed). Returns TRUE when the answer is complete (the connection is then closed
 * and the probe done), FALSE to read more; sets @error for an answer that is wrong. */
typedef gboolean (*TendProbeReadFunc) (gpointer       user_data,
                                       const guint8  *data,
                                       gsize          len,
                                       GError       **error);

/* Called once, unless the probe is cancelled first: @error is NULL when the connection
 * opened (and, with a reader, the answer was complete). The probe is gone after it. */
typedef void (*TendProbeDoneFunc) (gpointer      user_data,
                                   const GError *error);

gboolean   tend_probe_is_available (void);
TendProbe *tend_probe_connect      (const char        *host,
                                    guint              port,
                                    GBytes            *request,
                                    TendProbeReadFunc  read,
                                    TendProbeDoneFunc  done,
                                    gpointer           user_data);
void       tend_probe_cancel       (TendProbe         *probe,
                                    gboolean           notify);
guint      tend_probe_get_n_open   (void);

/* tend-tcp-check.c: runs the check with GSocketClient even where the cheap path would do
 * (for tests that compare the two paths). */
void       tend_tcp_check_set_force_gio (TendTcpCheck *self,
                                         gboolean      force_gio);
gboolean   tend_tcp_check_uses_probe    (TendTcpCheck *self);

G_END_DECLS
