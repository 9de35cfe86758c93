/* tend-lazy-lib.h — a shared library opened when it is first needed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every library a process links is loaded and bound before main(): Debian links most with
 * BIND_NOW, so each costs every tendctl command, whether it uses it or not (bench/run,
 * docs/benchmarks.md, issue 14). libssh (with OpenSSL's libcrypto) and libsoup (with
 * Kerberos, nghttp2, brotli, libpsl…) are needed only for SSH hosts and HTTP checks and
 * webhooks: tend-ssh-lib.h and tend-soup-lib.h open them with GModule on first use and
 * call them through a table of their functions, filled here.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean tend_lazy_lib_open (const char         *soname,
                             const char * const *names,
                             gpointer           *table,
                             guint               n_names,
                             GError            **error);

G_END_DECLS
