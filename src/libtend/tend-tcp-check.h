/* tend-tcp-check.h — a check that connects to host:port, optionally sends and expects
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tend-check.h"

G_BEGIN_DECLS

/* How much of an answer a TCP check reads while it looks for the expected text. */
#define TEND_TCP_CHECK_MAX_ANSWER 4096

/* How long an answer that lacks the expected text may pause before the check takes it
 * as complete — and wrong — when the server keeps the connection open (as Redis does
 * after "-ERR ..."). An answer that ends with the start of the expected text is waited
 * for up to the check's timeout. */
#define TEND_TCP_CHECK_QUIET_MSEC 250
/* How long a connection through an SSH forward must stay open to count as accepted by
 * the remote side (the forward closes it when the remote refuses the channel). */
#define TEND_TCP_CHECK_FORWARD_SETTLE_MSEC 300

#define TEND_TYPE_TCP_CHECK (tend_tcp_check_get_type ())
G_DECLARE_FINAL_TYPE (TendTcpCheck, tend_tcp_check, TEND, TCP_CHECK, TendCheck)

TendCheck  *tend_tcp_check_new        (const char    *name,
                                       const char    *host,
                                       guint          port,
                                       GError       **error);

const char *tend_tcp_check_get_host   (TendTcpCheck  *self);
guint       tend_tcp_check_get_port   (TendTcpCheck  *self);
GBytes     *tend_tcp_check_get_send   (TendTcpCheck  *self);
void        tend_tcp_check_set_send   (TendTcpCheck  *self,
                                       GBytes        *send);
const char *tend_tcp_check_get_expect (TendTcpCheck  *self);
void        tend_tcp_check_set_expect (TendTcpCheck  *self,
                                       const char    *expect);

G_END_DECLS
