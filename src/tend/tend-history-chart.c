/* tend-history-chart.c — see tend-history-chart.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The chart has two parts, one above the other:
 *
 *   40 ms ───────────────────────────────────────   the scale's top, a grid line
 *             ╱╲___╱╲____     ▒▒▒     ___           latency: the average as a line, the
 *          ──╯          ╲____ ▒▒▒ ___╱              min–max range as a light band; a
 *   ───────────────────────────────────────────     failure shades its time
 *   ██████████████████████▚▚▚███   ████████████     the state band: a segment a bucket,
 *   14:00        14:15         14:30        14:45   by outcome; a failure is hatched
 *
 * Nothing is said by colour alone: failures are hatched in the band and shaded in the
 * plot, unknown results are half as tall, missing buckets are empty, and the widget's
 * accessible description (tend_history_chart_get_summary()) and the tooltip over a
 * bucket say everything in words.
 *
 * Everything that depends only on the data and the size (positions, the scale, the axis
 * labels' layouts) is computed once and kept until either changes; a snapshot only turns
 * it into nodes with the colours of the current style (libadwaita's named colours, so
 * the dark style works), which for 720 buckets takes well under a millisecond.
 */
#define G_LOG_DOMAIN "Tend"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "tend-history-chart.h"

#define BAND_HEIGHT  14.f
#define BAND_GAP      6.f
#define LABEL_GAP     4.f
#define MIN_PLOT     24.f
#define TICK_SPACING 28   /* at least this many pixels between two time labels */

typedef enum
{
  OUTCOME_NONE,
  OUTCOME_PASS,
  OUTCOME_WARN,
  OUTCOME_FAIL,
  OUTCOME_UNKNOWN,
} Outcome;

/* One bucket's place on the chart */
typedef struct
{
  float   x0;           /* the bucket's span on the time axis */
  float   x1;
  float   y_avg;        /* the latency's place, when has_latency */
  float   y_min;
  float   y_max;
  guint   has_latency : 1;
  guint   joined : 1;   /* the line comes from the previous bucket (no gap between) */
} ChartPoint;

/* A run of neighbouring buckets with one outcome, for the state band */
typedef struct
{
  float   x0;
  float   x1;
  Outcome outcome;
} ChartRun;

typedef struct
{
  float        x;
  PangoLayout *layout;  /* (owned) */
} ChartTick;

struct _TendHistoryChart
{
  GtkWidget         parent_instance;

  GArray           *buckets;        /* (owned) of TendChartBucket, oldest first */
  gint64            since_usec;
  gint64            until_usec;
  gint64            bucket_usec;    /* the width of a bucket, taken from the data */
  TendChartSummary  summary;
  char             *summary_text;   /* (owned) */

  /* The geometry, valid for geometry_width × geometry_height */
  gboolean          geometry_valid;
  int               geometry_width;
  int               geometry_height;
  graphene_rect_t   plot;
  graphene_rect_t   band;
  gint64            scale_usec;     /* the latency at the plot's top */
  GArray           *points;         /* (owned) of ChartPoint, one per bucket */
  GArray           *runs;           /* (owned) of ChartRun */
  GArray           *ticks;          /* (owned) of ChartTick */
  PangoLayout      *scale_layout;   /* (owned) (nullable) */
  PangoLayout      *empty_layout;   /* (owned) (nullable) */

  int               hover;          /* the bucket under the pointer, or -1 */
};

G_DEFINE_FINAL_TYPE (TendHistoryChart, tend_history_chart, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SUMMARY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ------------------------------------------------------------------------------------ */
/* Data                                                                                  */

static Outcome
bucket_outcome (const TendChartBucket *bucket)
{
  if (bucket->n_fail > 0)
    return OUTCOME_FAIL;
  if (bucket->n_warn > 0)
    return OUTCOME_WARN;
  if (bucket->n_pass > 0)
    return OUTCOME_PASS;
  if (bucket->n_unknown > 0)
    return OUTCOME_UNKNOWN;
  return OUTCOME_NONE;
}

static gboolean
has_results (TendHistoryChart *self)
{
  return tend_chart_summary_get_total (&self->summary) > 0;
}

/* The store leaves empty buckets out, so the width is the smallest step between two;
 * with one bucket, a sixtieth of the period (a minute at least). */
static gint64
infer_bucket_usec (GArray *buckets,
                   gint64  since_usec,
                   gint64  until_usec)
{
  gint64 width = G_MAXINT64;

  for (guint i = 1; i < buckets->len; i++)
    {
      gint64 step = g_array_index (buckets, TendChartBucket, i).start_usec -
                    g_array_index (buckets, TendChartBucket, i - 1).start_usec;

      if (step > 0)
        width = MIN (width, step);
    }

  if (width == G_MAXINT64)
    {
      width = MAX ((until_usec - since_usec) / 60, TEND_USEC_PER_MIN);
      width -= width % TEND_USEC_PER_MIN;
    }

  return width;
}

/* "14:05", or with the day for periods longer than a day and a half */
static char *
format_time (TendHistoryChart *self,
             gint64            usec)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (usec / G_USEC_PER_SEC);

  if (time == NULL)
    return g_strdup ("?");
  if (self->until_usec - self->since_usec <= 36 * TEND_USEC_PER_HOUR)
    return g_date_time_format (time, "%H:%M");
  /* TRANSLATORS: a time on the history chart, in g_date_time_format()'s words */
  return g_date_time_format (time, _("%b %-d %H:%M"));
}

/* "Dec 5": a time label of a chart over weeks */
static char *
format_day (gint64 usec)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (usec / G_USEC_PER_SEC);

  if (time == NULL)
    return g_strdup ("?");
  /* TRANSLATORS: a day on the history chart, in g_date_time_format()'s words */
  return g_date_time_format (time, _("%b %-d"));
}

static char *
format_percent (double percent)
{
  /* Never round 99.96 up to a whole 100 */
  if (percent < 100.0)
    percent = floor (percent * 10.0) / 10.0;
  /* TRANSLATORS: uptime on the history chart, such as "99.2 %" */
  return g_strdup_printf (_("%.1f %%"), percent);
}

static char *
build_summary (TendHistoryChart *self)
{
  const TendChartSummary *summary = &self->summary;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *uptime = NULL;

  if (!has_results (self))
    return g_strdup (_("No results in this period"));

  if (summary->latency_min >= 0)
    {
      g_autofree char *min = tend_latency_format (summary->latency_min);
      g_autofree char *max = tend_latency_format (summary->latency_max);

      /* TRANSLATORS: the range of a service's latency, such as "Latency 12 ms to 40 ms" */
      g_string_append_printf (text, _("Latency %s to %s"), min, max);
      g_string_append (text, "; ");
    }

  if (summary->n_fail > 0)
    {
      g_autofree char *first = format_time (self, summary->first_fail_usec);
      g_autofree char *last = format_time (self, summary->last_fail_usec + self->bucket_usec);
      g_autofree char *count = g_strdup_printf ("%" G_GUINT64_FORMAT, summary->n_fail);

      /* TRANSLATORS: "2 failures between 14:00 and 14:10" */
      g_string_append_printf (text, ngettext ("%s failure between %s and %s",
                                              "%s failures between %s and %s",
                                              (unsigned long) MIN (summary->n_fail, G_MAXULONG)),
                              count, first, last);
    }
  else
    g_string_append (text, _("no failures"));

  if (summary->n_warn > 0)
    {
      g_autofree char *count = g_strdup_printf ("%" G_GUINT64_FORMAT, summary->n_warn);

      g_string_append (text, "; ");
      g_string_append_printf (text, ngettext ("%s warning", "%s warnings",
                                              (unsigned long) MIN (summary->n_warn, G_MAXULONG)),
                              count);
    }

  uptime = format_percent (tend_chart_summary_get_uptime (summary));
  g_string_append (text, "; ");
  /* TRANSLATORS: the share of passed checks, such as "uptime 99.2 %" */
  g_string_append_printf (text, _("uptime %s"), uptime);

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* ------------------------------------------------------------------------------------ */
/* Geometry                                                                              */

static void
clear_ticks (GArray *ticks)
{
  for (guint i = 0; i < ticks->len; i++)
    g_clear_object (&g_array_index (ticks, ChartTick, i).layout);
  g_array_set_size (ticks, 0);
}

static void
invalidate_geometry (TendHistoryChart *self)
{
  self->geometry_valid = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* The smallest of 1, 2, 2.5 and 5 times a power of ten that holds @usec */
static gint64
nice_ceiling (gint64 usec)
{
  static const double steps[] = { 1.0, 2.0, 2.5, 5.0, 10.0 };
  double magnitude;

  if (usec <= 0)
    return TEND_USEC_PER_MSEC;

  magnitude = pow (10.0, floor (log10 ((double) usec)));
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      if (steps[i] * magnitude >= (double) usec)
        return (gint64) ceil (steps[i] * magnitude);
    }
  return (gint64) ceil (10.0 * magnitude);
}

/* The latency at the plot's top. One answer far slower than the others (a timeout) would
 * flatten the whole line: then the scale follows the averages and the band is cut off at
 * the top (the tooltip still gives the figure). */
static gint64
compute_scale (TendHistoryChart *self)
{
  gint64 max_avg = 0;

  for (guint i = 0; i < self->buckets->len; i++)
    {
      const TendChartBucket *bucket = &g_array_index (self->buckets, TendChartBucket, i);

      max_avg = MAX (max_avg, bucket->latency_avg);
    }

  if (self->summary.latency_max > 4 * max_avg && max_avg > 0)
    return nice_ceiling (max_avg + max_avg / 4);
  return nice_ceiling (self->summary.latency_max);
}

static float
time_to_x (TendHistoryChart *self,
           gint64            usec)
{
  double span = (double) MAX (self->until_usec - self->since_usec, 1);
  double offset = (double) (usec - self->since_usec) / span;

  offset = CLAMP (offset, 0.0, 1.0);
  return self->plot.origin.x + (float) (offset * self->plot.size.width);
}

static float
latency_to_y (TendHistoryChart *self,
              gint64            usec)
{
  double share = (double) usec / (double) self->scale_usec;
  float bottom = self->plot.origin.y + self->plot.size.height;

  /* a little above the top at most: the plot's clip cuts off the rest */
  share = CLAMP (share, 0.0, 1.05);
  return bottom - (float) (share * self->plot.size.height);
}

static PangoLayout *
create_label (TendHistoryChart *self,
              const char       *text)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  g_autoptr(PangoAttrList) attrs = pango_attr_list_new ();

  pango_attr_list_insert (attrs, pango_attr_scale_new (PANGO_SCALE_SMALL));
  pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum=1"));
  pango_layout_set_attributes (layout, attrs);
  return layout;
}

static int
label_height (TendHistoryChart *self)
{
  g_autoptr(PangoLayout) layout = create_label (self, "0:");
  int height;

  pango_layout_get_pixel_size (layout, NULL, &height);
  return height;
}

/* Time labels at round times of the local clock, as many as fit */
static void
compute_ticks (TendHistoryChart *self)
{
  static const gint64 steps[] = {
    TEND_USEC_PER_MIN, 2 * TEND_USEC_PER_MIN, 5 * TEND_USEC_PER_MIN, 10 * TEND_USEC_PER_MIN,
    15 * TEND_USEC_PER_MIN, 30 * TEND_USEC_PER_MIN, TEND_USEC_PER_HOUR,
    2 * TEND_USEC_PER_HOUR, 3 * TEND_USEC_PER_HOUR, 6 * TEND_USEC_PER_HOUR,
    12 * TEND_USEC_PER_HOUR, TEND_USEC_PER_DAY, 2 * TEND_USEC_PER_DAY, TEND_USEC_PER_WEEK,
  };
  gint64 span = self->until_usec - self->since_usec;
  g_autofree char *sample = format_time (self, self->since_usec);
  g_autofree char *day_sample = format_day (self->since_usec);
  g_autoptr(PangoLayout) sample_layout = create_label (self, sample);
  g_autoptr(PangoLayout) day_layout = create_label (self, day_sample);
  g_autoptr(GDateTime) local = g_date_time_new_from_unix_local (self->since_usec / G_USEC_PER_SEC);
  gint64 offset = local != NULL ? g_date_time_get_utc_offset (local) : 0;
  int sample_width;
  int day_width;
  gint64 step = steps[G_N_ELEMENTS (steps) - 1];
  float last_right = -G_MAXFLOAT;

  clear_ticks (self->ticks);
  if (span <= 0 || self->plot.size.width <= 0)
    return;

  pango_layout_get_pixel_size (sample_layout, &sample_width, NULL);
  pango_layout_get_pixel_size (day_layout, &day_width, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      int width = steps[i] >= TEND_USEC_PER_DAY ? day_width : sample_width;

      if ((double) steps[i] / span * self->plot.size.width >= width + TICK_SPACING)
        {
          step = steps[i];
          break;
        }
    }

  /* the first round time (in local time) at or after since */
  for (gint64 t = self->since_usec + offset + (step - (self->since_usec + offset) % step) % step
                  - offset;
       t <= self->until_usec;
       t += step)
    {
      g_autofree char *text = step >= TEND_USEC_PER_DAY ? format_day (t) : format_time (self, t);
      ChartTick tick = { time_to_x (self, t), create_label (self, text) };
      int width;

      pango_layout_get_pixel_size (tick.layout, &width, NULL);
      /* whole labels only, and never on top of each other */
      if (tick.x - width / 2.f < 0 || tick.x + width / 2.f > self->geometry_width ||
          tick.x - width / 2.f < last_right + 8)
        {
          g_object_unref (tick.layout);
          continue;
        }
      last_right = tick.x + width / 2.f;
      g_array_append_val (self->ticks, tick);
    }
}

static void
compute_points (TendHistoryChart *self)
{
  ChartRun run = { 0, 0, OUTCOME_NONE };
  gint64 previous_end = G_MININT64;

  g_array_set_size (self->points, 0);
  g_array_set_size (self->runs, 0);

  for (guint i = 0; i < self->buckets->len; i++)
    {
      const TendChartBucket *bucket = &g_array_index (self->buckets, TendChartBucket, i);
      gint64 end = bucket->start_usec + self->bucket_usec;
      Outcome outcome = bucket_outcome (bucket);
      ChartPoint point = { 0, };
      gboolean adjacent = bucket->start_usec <= previous_end;

      point.x0 = time_to_x (self, bucket->start_usec);
      point.x1 = time_to_x (self, end);
      point.has_latency = bucket->latency_avg >= 0;
      if (point.has_latency)
        {
          point.y_avg = latency_to_y (self, bucket->latency_avg);
          point.y_min = latency_to_y (self, MAX (bucket->latency_min, 0));
          point.y_max = latency_to_y (self, MAX (bucket->latency_max, bucket->latency_avg));
          point.joined = adjacent && i > 0 &&
                         g_array_index (self->points, ChartPoint, i - 1).has_latency;
        }
      g_array_append_val (self->points, point);

      /* neighbouring buckets of one outcome make one segment of the band */
      if (run.outcome == outcome && adjacent)
        run.x1 = point.x1;
      else
        {
          if (run.outcome != OUTCOME_NONE)
            g_array_append_val (self->runs, run);
          run = (ChartRun) { point.x0, point.x1, outcome };
        }
      previous_end = end;
    }

  if (run.outcome != OUTCOME_NONE)
    g_array_append_val (self->runs, run);
}

static void
ensure_geometry (TendHistoryChart *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));
  int text_height;
  float plot_top;
  float plot_bottom;

  if (self->geometry_valid && width == self->geometry_width && height == self->geometry_height)
    return;

  self->geometry_valid = TRUE;
  self->geometry_width = width;
  self->geometry_height = height;
  g_clear_object (&self->scale_layout);
  g_clear_object (&self->empty_layout);

  text_height = label_height (self);

  /* the scale's label above the plot, the band and the time labels below it */
  plot_top = text_height + 2;
  plot_bottom = MAX (height - text_height - LABEL_GAP - BAND_HEIGHT - BAND_GAP,
                     plot_top + MIN_PLOT);
  graphene_rect_init (&self->plot, 0, plot_top, MAX (width, 1), plot_bottom - plot_top);
  graphene_rect_init (&self->band, 0, plot_bottom + BAND_GAP, MAX (width, 1), BAND_HEIGHT);

  self->scale_usec = has_results (self) ? compute_scale (self) : TEND_USEC_PER_MSEC;

  compute_points (self);
  compute_ticks (self);

  if (self->summary.latency_max >= 0)
    {
      g_autofree char *scale = tend_latency_format (self->scale_usec);

      self->scale_layout = create_label (self, scale);
    }

  if (!has_results (self))
    {
      self->empty_layout = gtk_widget_create_pango_layout (GTK_WIDGET (self),
                                                           _("No results in this period"));
      pango_layout_set_alignment (self->empty_layout, PANGO_ALIGN_CENTER);
      pango_layout_set_width (self->empty_layout, width * PANGO_SCALE);
      pango_layout_set_ellipsize (self->empty_layout, PANGO_ELLIPSIZE_END);
    }
}

/* ------------------------------------------------------------------------------------ */
/* Drawing                                                                               */

typedef struct
{
  GdkRGBA fg;
  GdkRGBA line;
  GdkRGBA pass;
  GdkRGBA warn;
  GdkRGBA fail;
  GdkRGBA background;
} ChartColors;

static void
lookup_color (GtkStyleContext *context,
              const char      *name,
              const char      *fallback,
              GdkRGBA         *color)
{
  if (!gtk_style_context_lookup_color (context, name, color))
    gdk_rgba_parse (color, fallback);
}

static void
get_colors (TendHistoryChart *self,
            ChartColors      *colors)
{
  GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (self));

  gtk_style_context_get_color (context, &colors->fg);
  lookup_color (context, "accent_color", "#1c71d8", &colors->line);
  /* The state band is a filled area: libadwaita's colours for fills (the same in both
   * styles), not those for text, which the dark style makes pastel. */
  lookup_color (context, "success_bg_color", "#26a269", &colors->pass);
  lookup_color (context, "warning_bg_color", "#e5a50a", &colors->warn);
  lookup_color (context, "error_bg_color", "#c01c28", &colors->fail);
  lookup_color (context, "view_bg_color", "#ffffff", &colors->background);
}

static GdkRGBA
with_alpha (const GdkRGBA *color,
            float          alpha)
{
  GdkRGBA copy = *color;

  copy.alpha *= alpha;
  return copy;
}

static void
append_hline (GtkSnapshot   *snapshot,
              const GdkRGBA *color,
              float          x,
              float          y,
              float          width)
{
  gtk_snapshot_append_color (snapshot, color, &GRAPHENE_RECT_INIT (x, roundf (y) - 0.5f, width, 1));
}

/* The min–max band and the average line, as one cairo node (GTK 4.8 has no paths) */
static void
draw_latency (TendHistoryChart  *self,
              GtkSnapshot       *snapshot,
              const ChartColors *colors)
{
  const ChartPoint *points = (const ChartPoint *) (gpointer) self->points->data;
  guint n = self->points->len;
  graphene_rect_t bounds;
  cairo_t *cr;

  graphene_rect_inset_r (&self->plot, -4, -4, &bounds);
  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (self->plot.origin.x,
                                                         self->plot.origin.y - 2,
                                                         self->plot.size.width,
                                                         self->plot.size.height + 3));
  cr = gtk_snapshot_append_cairo (snapshot, &bounds);

  /* the band: each run of joined points as a polygon, max forward and min back */
  gdk_cairo_set_source_rgba (cr, &(GdkRGBA) { colors->line.red, colors->line.green,
                                              colors->line.blue, 0.18f });
  for (guint i = 0; i < n; )
    {
      guint end = i + 1;

      if (!points[i].has_latency)
        {
          i++;
          continue;
        }
      while (end < n && points[end].has_latency && points[end].joined)
        end++;

      if (end - i == 1)
        {
          float cx = (points[i].x0 + points[i].x1) / 2;
          float half = MAX ((points[i].x1 - points[i].x0) / 2, 1.5f);

          cairo_rectangle (cr, cx - half, points[i].y_max, 2 * half,
                           points[i].y_min - points[i].y_max);
        }
      else
        {
          cairo_move_to (cr, (points[i].x0 + points[i].x1) / 2, points[i].y_max);
          for (guint j = i + 1; j < end; j++)
            cairo_line_to (cr, (points[j].x0 + points[j].x1) / 2, points[j].y_max);
          for (guint j = end; j-- > i; )
            cairo_line_to (cr, (points[j].x0 + points[j].x1) / 2, points[j].y_min);
          cairo_close_path (cr);
        }
      i = end;
    }
  cairo_fill (cr);

  /* the average: a line through joined points, a dot for a point on its own */
  gdk_cairo_set_source_rgba (cr, &colors->line);
  cairo_set_line_width (cr, 2);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  for (guint i = 0; i < n; i++)
    {
      float cx = (points[i].x0 + points[i].x1) / 2;

      if (!points[i].has_latency)
        continue;
      if (points[i].joined)
        cairo_line_to (cr, cx, points[i].y_avg);
      else
        cairo_move_to (cr, cx, points[i].y_avg);
    }
  cairo_stroke (cr);

  for (guint i = 0; i < n; i++)
    {
      gboolean alone = points[i].has_latency && !points[i].joined &&
                       (i + 1 >= n || !points[i + 1].joined);

      if (alone)
        {
          cairo_new_sub_path (cr);
          cairo_arc (cr, (points[i].x0 + points[i].x1) / 2, points[i].y_avg, 2.5, 0, 2 * G_PI);
        }
    }
  cairo_fill (cr);

  cairo_destroy (cr);
  gtk_snapshot_pop (snapshot);
}

/* A failure's segment: the error colour with stripes across it */
static void
append_hatched (GtkSnapshot           *snapshot,
                const graphene_rect_t *rect,
                const GdkRGBA         *color,
                const GdkRGBA         *stripes)
{
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, rect);
  float x = rect->origin.x;
  float y = rect->origin.y;
  float h = rect->size.height;

  cairo_rectangle (cr, x, y, rect->size.width, h);
  cairo_clip (cr);
  gdk_cairo_set_source_rgba (cr, color);
  cairo_paint (cr);

  gdk_cairo_set_source_rgba (cr, stripes);
  cairo_set_line_width (cr, 1.5);
  for (float sx = x - h; sx < x + rect->size.width; sx += 5)
    {
      cairo_move_to (cr, sx, y + h);
      cairo_line_to (cr, sx + h, y);
    }
  cairo_stroke (cr);
  cairo_destroy (cr);
}

static void
draw_band (TendHistoryChart  *self,
           GtkSnapshot       *snapshot,
           const ChartColors *colors)
{
  GskRoundedRect clip;
  GdkRGBA track = with_alpha (&colors->fg, 0.08f);
  GdkRGBA unknown = with_alpha (&colors->fg, 0.4f);
  GdkRGBA stripes = with_alpha (&colors->background, 0.55f);

  gsk_rounded_rect_init_from_rect (&clip, &self->band, 4);
  gtk_snapshot_push_rounded_clip (snapshot, &clip);
  gtk_snapshot_append_color (snapshot, &track, &self->band);

  for (guint i = 0; i < self->runs->len; i++)
    {
      const ChartRun *run = &g_array_index (self->runs, ChartRun, i);
      /* a segment is a pixel wide at least, so that a short failure is seen */
      graphene_rect_t rect = GRAPHENE_RECT_INIT (run->x0, self->band.origin.y,
                                                 MAX (run->x1 - run->x0, 1.f), BAND_HEIGHT);

      switch (run->outcome)
        {
        case OUTCOME_PASS:
          gtk_snapshot_append_color (snapshot, &colors->pass, &rect);
          break;

        case OUTCOME_WARN:
          gtk_snapshot_append_color (snapshot, &colors->warn, &rect);
          break;

        case OUTCOME_FAIL:
          rect.size.width = MAX (rect.size.width, 3.f);
          append_hatched (snapshot, &rect, &colors->fail, &stripes);
          break;

        case OUTCOME_UNKNOWN:
          rect.origin.y += BAND_HEIGHT / 2;
          rect.size.height = BAND_HEIGHT / 2;
          gtk_snapshot_append_color (snapshot, &unknown, &rect);
          break;

        case OUTCOME_NONE:
        default:
          break;
        }
    }
  gtk_snapshot_pop (snapshot);
}

static void
append_layout_at (GtkSnapshot   *snapshot,
                  PangoLayout   *layout,
                  float          x,
                  float          y,
                  const GdkRGBA *color)
{
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static void
tend_history_chart_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  TendHistoryChart *self = TEND_HISTORY_CHART (widget);
  ChartColors colors;
  GdkRGBA grid;
  GdkRGBA dim;
  float plot_bottom;

  ensure_geometry (self);
  get_colors (self, &colors);
  grid = with_alpha (&colors.fg, 0.15f);
  dim = with_alpha (&colors.fg, 0.7f);
  plot_bottom = self->plot.origin.y + self->plot.size.height;

  if (!has_results (self))
    {
      int text_height;

      append_hline (snapshot, &grid, 0, plot_bottom, self->plot.size.width);
      pango_layout_get_pixel_size (self->empty_layout, NULL, &text_height);
      append_layout_at (snapshot, self->empty_layout, 0,
                        self->plot.origin.y + (self->plot.size.height - text_height) / 2, &dim);
    }
  else
    {
      /* a failure shades its time on the plot, too */
      GdkRGBA shade = with_alpha (&colors.fail, 0.12f);

      for (guint i = 0; i < self->runs->len; i++)
        {
          const ChartRun *run = &g_array_index (self->runs, ChartRun, i);

          if (run->outcome == OUTCOME_FAIL)
            gtk_snapshot_append_color (snapshot, &shade,
                                       &GRAPHENE_RECT_INIT (run->x0, self->plot.origin.y,
                                                            MAX (run->x1 - run->x0, 3.f),
                                                            self->plot.size.height));
        }

      append_hline (snapshot, &grid, 0, self->plot.origin.y, self->plot.size.width);
      append_hline (snapshot, &grid, 0, self->plot.origin.y + self->plot.size.height / 2,
                    self->plot.size.width);
      append_hline (snapshot, &grid, 0, plot_bottom, self->plot.size.width);

      if (self->hover >= 0 && (guint) self->hover < self->points->len)
        {
          const ChartPoint *point = &g_array_index (self->points, ChartPoint, self->hover);
          GdkRGBA hover = with_alpha (&colors.fg, 0.1f);

          gtk_snapshot_append_color (snapshot, &hover,
                                     &GRAPHENE_RECT_INIT (point->x0, self->plot.origin.y,
                                                          MAX (point->x1 - point->x0, 2.f),
                                                          self->band.origin.y + BAND_HEIGHT -
                                                          self->plot.origin.y));
        }

      draw_latency (self, snapshot, &colors);
    }

  if (self->scale_layout != NULL)
    append_layout_at (snapshot, self->scale_layout, 0, 0, &dim);

  draw_band (self, snapshot, &colors);

  for (guint i = 0; i < self->ticks->len; i++)
    {
      const ChartTick *tick = &g_array_index (self->ticks, ChartTick, i);
      int width;

      pango_layout_get_pixel_size (tick->layout, &width, NULL);
      append_layout_at (snapshot, tick->layout, tick->x - width / 2.f,
                        self->band.origin.y + BAND_HEIGHT + LABEL_GAP, &dim);
    }
}

/* ------------------------------------------------------------------------------------ */
/* Pointer and tooltip                                                                   */

/* The bucket whose span holds @x, or -1 (a gap, or outside the plot) */
static int
bucket_at (TendHistoryChart *self,
           double            x)
{
  guint lo = 0;
  guint hi;

  ensure_geometry (self);
  hi = self->points->len;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      const ChartPoint *point = &g_array_index (self->points, ChartPoint, mid);

      if (x < point->x0)
        hi = mid;
      else if (x >= MAX (point->x1, point->x0 + 1))
        lo = mid + 1;
      else
        return (int) mid;
    }
  return -1;
}

/**
 * tend_history_chart_dup_tooltip_at:
 * @self: a #TendHistoryChart
 * @x: a position across the widget
 *
 * What the tooltip at @x says: the bucket's time, its counts and its latency, or that
 * there are no results there.
 *
 * Returns: (transfer full) (nullable): the text, or %NULL where the chart has no time
 */
char *
tend_history_chart_dup_tooltip_at (TendHistoryChart *self,
                                   double            x)
{
  g_autoptr(GString) text = NULL;
  const TendChartBucket *bucket;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  int index;

  g_return_val_if_fail (TEND_IS_HISTORY_CHART (self), NULL);

  if (self->until_usec <= self->since_usec)
    return NULL;

  index = bucket_at (self, x);
  if (index < 0)
    {
      gint64 t;

      if (x < self->plot.origin.x || x > self->plot.origin.x + self->plot.size.width)
        return NULL;
      t = self->since_usec + (gint64) ((x - self->plot.origin.x) / self->plot.size.width *
                                       (double) (self->until_usec - self->since_usec));
      t -= (t - self->since_usec) % self->bucket_usec;
      from = format_time (self, t);
      to = format_time (self, t + self->bucket_usec);
      /* TRANSLATORS: the tooltip over a part of the chart without results */
      return g_strdup_printf (_("%s – %s\nNo results"), from, to);
    }

  bucket = &g_array_index (self->buckets, TendChartBucket, index);
  from = format_time (self, bucket->start_usec);
  to = format_time (self, bucket->start_usec + self->bucket_usec);
  text = g_string_new (NULL);
  g_string_append_printf (text, "%s – %s\n", from, to);

  /* TRANSLATORS: counts of check results in the chart's tooltip */
  g_string_append_printf (text, _("%llu passed"), (unsigned long long) bucket->n_pass);
  if (bucket->n_warn > 0)
    {
      g_string_append (text, ", ");
      g_string_append_printf (text, _("%llu warned"),
                              (unsigned long long) bucket->n_warn);
    }
  if (bucket->n_fail > 0)
    {
      g_string_append (text, ", ");
      g_string_append_printf (text, _("%llu failed"),
                              (unsigned long long) bucket->n_fail);
    }
  if (bucket->n_unknown > 0)
    {
      g_string_append (text, ", ");
      g_string_append_printf (text, _("%llu unknown"),
                              (unsigned long long) bucket->n_unknown);
    }

  if (bucket->latency_avg >= 0)
    {
      g_autofree char *avg = tend_latency_format (bucket->latency_avg);
      g_autofree char *min = tend_latency_format (bucket->latency_min);
      g_autofree char *max = tend_latency_format (bucket->latency_max);

      g_string_append_c (text, '\n');
      /* TRANSLATORS: "Latency 12 ms (8 ms to 40 ms)": the average, then the range */
      g_string_append_printf (text, _("Latency %s (%s to %s)"), avg, min, max);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static gboolean
tend_history_chart_query_tooltip (GtkWidget  *widget,
                                  int         x,
                                  int         y,
                                  gboolean    keyboard_mode,
                                  GtkTooltip *tooltip)
{
  TendHistoryChart *self = TEND_HISTORY_CHART (widget);
  g_autofree char *text = NULL;

  if (keyboard_mode || !has_results (self))
    {
      gtk_tooltip_set_text (tooltip, self->summary_text);
      return self->summary_text != NULL;
    }

  text = tend_history_chart_dup_tooltip_at (self, x);
  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
set_hover (TendHistoryChart *self,
           int               hover)
{
  if (self->hover == hover)
    return;
  self->hover = hover;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           TendHistoryChart         *self)
{
  set_hover (self, has_results (self) ? bucket_at (self, x) : -1);
}

static void
on_leave (GtkEventControllerMotion *controller,
          TendHistoryChart         *self)
{
  set_hover (self, -1);
}

/* ------------------------------------------------------------------------------------ */
/* GtkWidget                                                                             */

static void
tend_history_chart_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  TendHistoryChart *self = TEND_HISTORY_CHART (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 120;
      *natural = 480;
    }
  else
    {
      int text = label_height (self);
      int fixed = 2 * text + 2 + (int) (BAND_GAP + BAND_HEIGHT + LABEL_GAP);

      *minimum = fixed + (int) MIN_PLOT * 2;
      *natural = fixed + 120;
    }
}

static void
tend_history_chart_size_allocate (GtkWidget *widget,
                                  int        width,
                                  int        height,
                                  int        baseline)
{
  TendHistoryChart *self = TEND_HISTORY_CHART (widget);

  if (width != self->geometry_width || height != self->geometry_height)
    self->geometry_valid = FALSE;
}

static void
tend_history_chart_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  TendHistoryChart *self = TEND_HISTORY_CHART (object);

  switch (prop_id)
    {
    case PROP_SUMMARY:
      g_value_set_string (value, self->summary_text);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tend_history_chart_finalize (GObject *object)
{
  TendHistoryChart *self = TEND_HISTORY_CHART (object);

  clear_ticks (self->ticks);
  g_clear_pointer (&self->ticks, g_array_unref);
  g_clear_pointer (&self->points, g_array_unref);
  g_clear_pointer (&self->runs, g_array_unref);
  g_clear_pointer (&self->buckets, g_array_unref);
  g_clear_pointer (&self->summary_text, g_free);
  g_clear_object (&self->scale_layout);
  g_clear_object (&self->empty_layout);

  G_OBJECT_CLASS (tend_history_chart_parent_class)->finalize (object);
}

static void
tend_history_chart_class_init (TendHistoryChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = tend_history_chart_finalize;
  object_class->get_property = tend_history_chart_get_property;

  widget_class->snapshot = tend_history_chart_snapshot;
  widget_class->measure = tend_history_chart_measure;
  widget_class->size_allocate = tend_history_chart_size_allocate;
  widget_class->query_tooltip = tend_history_chart_query_tooltip;

  /**
   * TendHistoryChart:summary:
   *
   * What the chart shows, in words: the latency's range, the failures and when, the
   * uptime. It is also the widget's accessible description.
   */
  properties[PROP_SUMMARY] =
    g_param_spec_string ("summary", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "tendhistorychart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
tend_history_chart_init (TendHistoryChart *self)
{
  GtkEventController *motion;

  self->buckets = g_array_new (FALSE, TRUE, sizeof (TendChartBucket));
  self->points = g_array_new (FALSE, TRUE, sizeof (ChartPoint));
  self->runs = g_array_new (FALSE, TRUE, sizeof (ChartRun));
  self->ticks = g_array_new (FALSE, TRUE, sizeof (ChartTick));
  self->bucket_usec = TEND_USEC_PER_MIN;
  self->hover = -1;
  tend_chart_summary_init (&self->summary);
  self->summary_text = build_summary (self);

  motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Check history"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->summary_text,
                                  -1);
}

GtkWidget *
tend_history_chart_new (void)
{
  return g_object_new (TEND_TYPE_HISTORY_CHART, NULL);
}

/**
 * tend_history_chart_set_buckets:
 * @self: a #TendHistoryChart
 * @buckets: (nullable) (element-type TendChartBucket): the buckets, oldest first, as
 *   tend_store_query_chart_finish() gives them (buckets without results left out);
 *   copied
 * @since_usec: the start of the period shown
 * @until_usec: its end
 *
 * Shows @buckets over [@since_usec, @until_usec). The width of a bucket is the smallest
 * step between two buckets' starts (a sixtieth of the period when there is only one).
 */
void
tend_history_chart_set_buckets (TendHistoryChart *self,
                                GArray           *buckets,
                                gint64            since_usec,
                                gint64            until_usec)
{
  g_autofree char *summary = NULL;

  g_return_if_fail (TEND_IS_HISTORY_CHART (self));
  g_return_if_fail (buckets == NULL ||
                    g_array_get_element_size (buckets) == sizeof (TendChartBucket));

  g_array_set_size (self->buckets, 0);
  if (buckets != NULL && buckets->len > 0)
    g_array_append_vals (self->buckets, buckets->data, buckets->len);
  self->since_usec = since_usec;
  self->until_usec = MAX (until_usec, since_usec);
  self->bucket_usec = infer_bucket_usec (self->buckets, self->since_usec, self->until_usec);
  tend_chart_summary_init (&self->summary);
  tend_chart_summary_add (&self->summary, self->buckets);
  self->hover = -1;
  invalidate_geometry (self);

  summary = build_summary (self);
  if (g_strcmp0 (summary, self->summary_text) != 0)
    {
      g_free (self->summary_text);
      self->summary_text = g_steal_pointer (&summary);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->summary_text,
                                      -1);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUMMARY]);
    }
}

/**
 * tend_history_chart_get_summary:
 * @self: a #TendHistoryChart
 *
 * Returns: what the chart shows, in words (#TendHistoryChart:summary)
 */
const char *
tend_history_chart_get_summary (TendHistoryChart *self)
{
  g_return_val_if_fail (TEND_IS_HISTORY_CHART (self), NULL);

  return self->summary_text;
}
