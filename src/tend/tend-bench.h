/* tend-bench.h — timestamps for bench/window (TEND_BENCH_FIRST_FRAME)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void tend_bench_watch (GtkApplication *app);

G_END_DECLS
