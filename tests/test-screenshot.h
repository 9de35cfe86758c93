/* test-screenshot.h — widget tests: draw a widget to an image as the window would show
 * it (GSK's cairo renderer under Xvfb), and keep it as a PNG
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Include after test-util.h. PNGs go to $TEND_SCREENSHOT_DIR, else to screenshots/ in
 * the build directory of the tests ($TEND_TEST_BUILDDIR).
 */
#pragma once

#include <gtk/gtk.h>

/* @widget (a window, usually) drawn to a new image of its size, after one more frame */
static inline cairo_surface_t *
render_widget (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  cairo_surface_t *surface;
  cairo_t *cr;

  /* a frame, so that the widgets are laid out and styled as shown */
  gtk_widget_queue_draw (widget);
  spin (50);

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (surface);
  if (node != NULL)
    gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

/* Writes @surface as NAME.png */
static inline void
save_png (cairo_surface_t *surface,
          const char      *name)
{
  const char *dir = g_getenv ("TEND_SCREENSHOT_DIR");
  g_autofree char *default_dir = NULL;
  g_autofree char *path = NULL;

  if (dir == NULL)
    {
      default_dir = g_build_filename (g_getenv ("TEND_TEST_BUILDDIR") ?: ".", "screenshots",
                                      NULL);
      dir = default_dir;
    }
  g_mkdir_with_parents (dir, 0755);
  path = g_strdup_printf ("%s/%s.png", dir, name);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  g_test_message ("wrote %s", path);
}
