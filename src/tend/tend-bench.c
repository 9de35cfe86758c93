/* tend-bench.c — timestamps for bench/window, off unless TEND_BENCH_FIRST_FRAME is set
 *
 * With TEND_BENCH_FIRST_FRAME=N in the environment, tend prints to stdout, in
 * g_get_monotonic_time() microseconds (CLOCK_MONOTONIC, the clock the benchmark reads
 * before it starts tend):
 *
 *   tend-bench: first-frame USEC          when the first window's first frame is painted
 *   tend-bench: filled-frame USEC COUNT   (N > 1) the first frame painted once the hosts
 *                                         hold N services or more (COUNT of them)
 *
 * and then quits. Without the variable, tend_bench_watch() does nothing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Tend"

#include "config.h"

#include <stdio.h>

#include "tend-application.h"
#include "tend-bench.h"

typedef struct
{
  GtkApplication *app;     /* (unowned) it outlives the watch */
  GtkWidget *window;       /* (unowned) (nullable) the first window */
  guint wanted;            /* services to wait for; 0 or 1: the first frame only */
  gboolean first_done;
  gboolean filled;         /* the hosts hold @wanted services: the next frame counts */
} TendBench;

static guint
count_services (TendBench *bench)
{
  GListModel *hosts = tend_application_get_hosts (TEND_APPLICATION (bench->app));
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (hosts); i++)
    {
      g_autoptr(TendHost) host = g_list_model_get_item (hosts, i);

      n += g_list_model_get_n_items (tend_host_get_services (host));
    }
  return n;
}

static void
after_paint (GdkFrameClock *clock,
             TendBench     *bench)
{
  gint64 now = g_get_monotonic_time ();

  if (!bench->first_done)
    {
      bench->first_done = TRUE;
      printf ("tend-bench: first-frame %" G_GINT64_FORMAT "\n", now);
    }
  else if (bench->filled)
    {
      printf ("tend-bench: filled-frame %" G_GINT64_FORMAT " %u\n", now, count_services (bench));
      bench->wanted = 0;
    }
  else
    return;

  fflush (stdout);
  if (bench->wanted <= 1)
    g_application_quit (G_APPLICATION (bench->app));
}

static void
services_changed (TendBench *bench)
{
  if (bench->filled || bench->wanted <= 1 || count_services (bench) < bench->wanted)
    return;
  bench->filled = TRUE;
  /* A frame even if the view on show does not change with these services. */
  if (bench->window != NULL)
    gtk_widget_queue_draw (bench->window);
}

static void
hosts_changed (GListModel *hosts,
               guint       position,
               guint       removed,
               guint       added,
               TendBench  *bench)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(TendHost) host = g_list_model_get_item (hosts, i);

      g_signal_connect_swapped (tend_host_get_services (host), "items-changed",
                                G_CALLBACK (services_changed), bench);
    }
  services_changed (bench);
}

static void
window_realized (GtkWidget *window,
                 TendBench *bench)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));

  g_signal_connect (gdk_surface_get_frame_clock (surface), "after-paint",
                    G_CALLBACK (after_paint), bench);
}

static void
window_added (GtkApplication *app,
              GtkWindow      *window,
              TendBench      *bench)
{
  if (bench->window != NULL)
    return;
  bench->window = GTK_WIDGET (window);
  g_signal_connect_after (window, "realize", G_CALLBACK (window_realized), bench);
}

/**
 * tend_bench_watch:
 * @app: the application, before it runs
 *
 * When TEND_BENCH_FIRST_FRAME is set, prints the timestamps described above and quits
 * after them; otherwise does nothing.
 */
void
tend_bench_watch (GtkApplication *app)
{
  const char *value = g_getenv ("TEND_BENCH_FIRST_FRAME");
  GListModel *hosts;
  TendBench *bench;

  g_return_if_fail (TEND_IS_APPLICATION (app));

  if (value == NULL || *value == '\0')
    return;

  bench = g_new0 (TendBench, 1);
  bench->app = app;
  bench->wanted = (guint) g_ascii_strtoull (value, NULL, 10);
  g_object_set_data_full (G_OBJECT (app), "tend-bench", bench, g_free);

  g_signal_connect (app, "window-added", G_CALLBACK (window_added), bench);
  hosts = tend_application_get_hosts (TEND_APPLICATION (app));
  g_signal_connect (hosts, "items-changed", G_CALLBACK (hosts_changed), bench);
  hosts_changed (hosts, 0, 0, g_list_model_get_n_items (hosts), bench);
}
