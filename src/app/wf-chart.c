/* wf-chart.c: a line, bar, area or heat-map chart drawn with cairo
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One drawing function serves the screen (through the snapshot) and PNG
 * export (an image surface of any size), so what is exported is what is seen.
 */
#define G_LOG_DOMAIN "wf-chart"

#include "config.h"

#include "wf-chart.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>
#include <math.h>

#include "wf-format.h"

#define MAX_PNG_SIDE 8192

G_DEFINE_QUARK (wf-chart-error-quark, wf_chart_error)

struct _WfChartWidget
{
  GtkWidget  parent_instance;

  WfChart   *chart;
  /* heat map */
  GArray    *hx;        /* distinct x values, sorted */
  GArray    *hy;        /* distinct y values, sorted */
  GArray    *hv;        /* hx->len * hy->len values, NAN where missing */
  char      *h_title;
  char      *h_xname;
  char      *h_yname;
};

G_DEFINE_FINAL_TYPE (WfChartWidget, wf_chart_widget, GTK_TYPE_WIDGET)

/* Colour-blind friendly palette (Okabe–Ito), a lighter variant for dark mode. */
static const double palette_light[][3] = {
  { 0.00, 0.45, 0.70 }, { 0.90, 0.62, 0.00 }, { 0.00, 0.62, 0.45 },
  { 0.80, 0.47, 0.65 }, { 0.34, 0.71, 0.91 }, { 0.84, 0.37, 0.00 },
};
static const double palette_dark[][3] = {
  { 0.38, 0.68, 0.94 }, { 0.98, 0.75, 0.25 }, { 0.30, 0.82, 0.62 },
  { 0.93, 0.62, 0.80 }, { 0.55, 0.83, 0.98 }, { 0.98, 0.55, 0.30 },
};

guint
wf_chart_nice_ticks (double  min,
                     double  max,
                     guint   max_ticks,
                     double *ticks,
                     guint   n_ticks_room)
{
  double range, rough, mag, norm, step, start;
  guint n = 0;

  if (!isfinite (min) || !isfinite (max) || n_ticks_room == 0)
    return 0;
  if (max < min)
    {
      double t = min;
      min = max;
      max = t;
    }
  if (max_ticks < 2)
    max_ticks = 2;
  if (max - min < 1e-12 * MAX (1.0, fabs (max)))
    {
      ticks[0] = min;
      return 1;
    }
  range = max - min;
  rough = range / (max_ticks - 1);
  mag = pow (10.0, floor (log10 (rough)));
  norm = rough / mag;
  if (norm <= 1.0)
    step = 1.0;
  else if (norm <= 2.0)
    step = 2.0;
  else if (norm <= 2.5)
    step = 2.5;
  else if (norm <= 5.0)
    step = 5.0;
  else
    step = 10.0;
  step *= mag;
  start = floor (min / step) * step;
  for (double t = start; n < n_ticks_room; t += step)
    {
      /* Snap away float noise so 0.30000000000000004 prints as 0.3. */
      double v = round (t / step) * step;
      if (fabs (v) < step * 1e-9)
        v = 0.0;
      ticks[n++] = v;
      if (v >= max - step * 1e-9)
        break;
    }
  return n;
}

static void
wf_chart_widget_clear (WfChartWidget *self)
{
  g_clear_pointer (&self->chart, wf_chart_free);
  g_clear_pointer (&self->hx, g_array_unref);
  g_clear_pointer (&self->hy, g_array_unref);
  g_clear_pointer (&self->hv, g_array_unref);
  g_clear_pointer (&self->h_title, g_free);
  g_clear_pointer (&self->h_xname, g_free);
  g_clear_pointer (&self->h_yname, g_free);
}

void
wf_chart_widget_set_chart (WfChartWidget *self,
                           const WfChart *chart)
{
  g_return_if_fail (WF_IS_CHART_WIDGET (self));

  wf_chart_widget_clear (self);
  if (chart)
    self->chart = wf_chart_copy (chart);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static int
column_index (const WfTable *table,
              const char    *name)
{
  for (guint i = 0; i < table->columns->len; i++)
    if (g_strcmp0 (g_ptr_array_index (table->columns, i), name) == 0)
      return (int) i;
  return -1;
}

static int
cmp_double (gconstpointer a,
            gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static void
add_distinct (GArray *arr,
              double  v)
{
  for (guint i = 0; i < arr->len; i++)
    if (g_array_index (arr, double, i) == v)
      return;
  g_array_append_val (arr, v);
}

static guint
index_of (GArray *arr,
          double  v)
{
  for (guint i = 0; i < arr->len; i++)
    if (g_array_index (arr, double, i) == v)
      return i;
  return G_MAXUINT;
}

void
wf_chart_widget_set_heatmap (WfChartWidget *self,
                             const WfTable *table,
                             const char    *x_column,
                             const char    *y_column,
                             const char    *value_column,
                             const char    *title)
{
  int xi, yi, vi;
  guint n_rows;

  g_return_if_fail (WF_IS_CHART_WIDGET (self));

  wf_chart_widget_clear (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (table == NULL || table->rows == NULL)
    return;
  xi = column_index (table, x_column);
  yi = column_index (table, y_column);
  vi = column_index (table, value_column);
  if (xi < 0 || yi < 0 || vi < 0)
    return;

  self->hx = g_array_new (FALSE, FALSE, sizeof (double));
  self->hy = g_array_new (FALSE, FALSE, sizeof (double));
  n_rows = json_array_get_length (table->rows);
  /* A grid larger than 200×200 is not readable anyway; the rest is ignored. */
  for (guint r = 0; r < n_rows; r++)
    {
      JsonArray *row = json_array_get_array_element (table->rows, r);
      double x, y;

      if (row == NULL || json_array_get_length (row) <= (guint) MAX (xi, MAX (yi, vi)))
        continue;
      x = wf_json_get_double (json_array_get_element (row, xi));
      y = wf_json_get_double (json_array_get_element (row, yi));
      if (!isfinite (x) || !isfinite (y))
        continue;
      if (self->hx->len < 200)
        add_distinct (self->hx, x);
      if (self->hy->len < 200)
        add_distinct (self->hy, y);
    }
  g_array_sort (self->hx, cmp_double);
  g_array_sort (self->hy, cmp_double);
  self->hv = g_array_sized_new (FALSE, FALSE, sizeof (double), self->hx->len * self->hy->len);
  for (guint i = 0; i < self->hx->len * self->hy->len; i++)
    {
      double nan = NAN;
      g_array_append_val (self->hv, nan);
    }
  for (guint r = 0; r < n_rows; r++)
    {
      JsonArray *row = json_array_get_array_element (table->rows, r);
      guint ix, iy;

      if (row == NULL || json_array_get_length (row) <= (guint) MAX (xi, MAX (yi, vi)))
        continue;
      ix = index_of (self->hx, wf_json_get_double (json_array_get_element (row, xi)));
      iy = index_of (self->hy, wf_json_get_double (json_array_get_element (row, yi)));
      if (ix == G_MAXUINT || iy == G_MAXUINT)
        continue;
      g_array_index (self->hv, double, iy * self->hx->len + ix) =
        wf_json_get_double (json_array_get_element (row, vi));
    }
  self->h_title = g_strdup (title);
  self->h_xname = g_strdup (x_column);
  self->h_yname = g_strdup (y_column);
}

gboolean
wf_chart_widget_has_data (WfChartWidget *self)
{
  g_return_val_if_fail (WF_IS_CHART_WIDGET (self), FALSE);

  if (self->hv)
    return self->hv->len > 0;
  return self->chart && self->chart->series && self->chart->series->len > 0;
}

static void
set_rgb (cairo_t      *cr,
         const double  c[3],
         double        alpha)
{
  cairo_set_source_rgba (cr, c[0], c[1], c[2], alpha);
}

static double
text_width (cairo_t    *cr,
            const char *text)
{
  cairo_text_extents_t ext;

  cairo_text_extents (cr, text, &ext);
  return ext.x_advance;
}

static void
draw_text (cairo_t    *cr,
           const char *text,
           double      x,
           double      y,
           double      halign,   /* 0 left, 0.5 centre, 1 right */
           double      valign)   /* 0 top, 0.5 middle, 1 baseline-ish bottom */
{
  cairo_text_extents_t ext;
  cairo_font_extents_t fext;

  cairo_text_extents (cr, text, &ext);
  cairo_font_extents (cr, &fext);
  cairo_move_to (cr, x - ext.x_advance * halign,
                 y + fext.ascent - (fext.ascent + fext.descent) * valign);
  cairo_show_text (cr, text);
}

static char *
tick_label (double v)
{
  double a = fabs (v);

  /* Short labels keep the plot wide: 1.2M, 350k. */
  if (a >= 1e9)
    return g_strdup_printf ("%gB", v / 1e9);
  if (a >= 1e6)
    return g_strdup_printf ("%gM", v / 1e6);
  if (a >= 1e4)
    return g_strdup_printf ("%gk", v / 1e3);
  return wf_format_number (v);
}

static void
heat_colour (double  t,
             gboolean dark,
             double  out[3])
{
  /* A blue→yellow ramp (viridis-like endpoints) readable on both themes. */
  static const double a[3] = { 0.27, 0.00, 0.33 };
  static const double m[3] = { 0.13, 0.57, 0.55 };
  static const double b[3] = { 0.99, 0.91, 0.14 };

  (void) dark;
  t = CLAMP (t, 0.0, 1.0);
  for (int i = 0; i < 3; i++)
    out[i] = t < 0.5 ? a[i] + (m[i] - a[i]) * t * 2 : m[i] + (b[i] - m[i]) * (t - 0.5) * 2;
}

static void
draw_message (cairo_t    *cr,
              int         width,
              int         height,
              const double fg[3],
              const char *text)
{
  cairo_set_font_size (cr, 14);
  set_rgb (cr, fg, 0.55);
  draw_text (cr, text, width / 2.0, height / 2.0, 0.5, 0.5);
}

static void
draw_heatmap (WfChartWidget *self,
              cairo_t       *cr,
              int            width,
              int            height,
              gboolean       dark,
              const double   fg[3])
{
  double vmin = INFINITY, vmax = -INFINITY;
  double left = 70, right = 90, top = 40, bottom = 50;
  double pw, ph, cw, ch;
  guint nx = self->hx->len, ny = self->hy->len;

  for (guint i = 0; i < self->hv->len; i++)
    {
      double v = g_array_index (self->hv, double, i);
      if (isfinite (v))
        {
          vmin = MIN (vmin, v);
          vmax = MAX (vmax, v);
        }
    }
  if (self->h_title)
    {
      cairo_set_font_size (cr, 15);
      set_rgb (cr, fg, 1.0);
      draw_text (cr, self->h_title, width / 2.0, 10, 0.5, 0);
    }
  pw = width - left - right;
  ph = height - top - bottom;
  if (pw < 20 || ph < 20 || nx == 0 || ny == 0)
    return;
  cw = pw / nx;
  ch = ph / ny;
  cairo_set_font_size (cr, 11);
  for (guint iy = 0; iy < ny; iy++)
    for (guint ix = 0; ix < nx; ix++)
      {
        double v = g_array_index (self->hv, double, iy * nx + ix);
        double rgb[3];
        /* y grows upwards, as on any chart */
        double x0 = left + ix * cw, y0 = top + (ny - 1 - iy) * ch;

        if (!isfinite (v))
          {
            set_rgb (cr, fg, 0.08);
          }
        else
          {
            heat_colour (vmax > vmin ? (v - vmin) / (vmax - vmin) : 0.5, dark, rgb);
            set_rgb (cr, rgb, 1.0);
          }
        cairo_rectangle (cr, x0 + 0.5, y0 + 0.5, cw - 1, ch - 1);
        cairo_fill (cr);
        if (isfinite (v) && cw > 46 && ch > 16)
          {
            g_autofree char *label = tick_label (v);
            double t = vmax > vmin ? (v - vmin) / (vmax - vmin) : 0.5;
            if (t > 0.6)
              cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
            else
              cairo_set_source_rgb (cr, 1, 1, 1);
            draw_text (cr, label, x0 + cw / 2, y0 + ch / 2, 0.5, 0.5);
          }
      }
  set_rgb (cr, fg, 0.8);
  for (guint ix = 0; ix < nx; ix += MAX (1u, (guint) ceil (nx / (pw / 50.0))))
    {
      g_autofree char *label = tick_label (g_array_index (self->hx, double, ix));
      draw_text (cr, label, left + (ix + 0.5) * cw, top + ph + 6, 0.5, 0);
    }
  for (guint iy = 0; iy < ny; iy += MAX (1u, (guint) ceil (ny / (ph / 22.0))))
    {
      g_autofree char *label = tick_label (g_array_index (self->hy, double, iy));
      draw_text (cr, label, left - 6, top + (ny - 1 - iy + 0.5) * ch, 1, 0.5);
    }
  if (self->h_xname)
    draw_text (cr, self->h_xname, left + pw / 2, height - 18, 0.5, 0);
  if (self->h_yname)
    {
      cairo_save (cr);
      cairo_translate (cr, 14, top + ph / 2);
      cairo_rotate (cr, -G_PI / 2);
      draw_text (cr, self->h_yname, 0, 0, 0.5, 0.5);
      cairo_restore (cr);
    }
  /* colour scale */
  if (isfinite (vmin))
    {
      double sx = width - right + 20, sw = 14;
      g_autofree char *lo = tick_label (vmin);
      g_autofree char *hi = tick_label (vmax);

      for (int i = 0; i < 64; i++)
        {
          double rgb[3];
          heat_colour (i / 63.0, dark, rgb);
          set_rgb (cr, rgb, 1.0);
          cairo_rectangle (cr, sx, top + ph - (i + 1) * ph / 64.0, sw, ph / 64.0 + 0.5);
          cairo_fill (cr);
        }
      set_rgb (cr, fg, 0.8);
      draw_text (cr, hi, sx + sw + 4, top, 0, 0);
      draw_text (cr, lo, sx + sw + 4, top + ph, 0, 1);
    }
}

void
wf_chart_widget_draw (WfChartWidget *self,
                      cairo_t       *cr,
                      int            width,
                      int            height,
                      gboolean       dark)
{
  const double fg_light[3] = { 0.14, 0.14, 0.16 };
  const double fg_dark[3] = { 0.93, 0.93, 0.95 };
  const double *fg = dark ? fg_dark : fg_light;
  const double (*palette)[3] = dark ? palette_dark : palette_light;
  WfChart *chart = self->chart;
  double ymin = INFINITY, ymax = -INFINITY;
  double ticks[16];
  guint n_ticks, n_points = 0, n_series;
  double left = 16, right = 16, top = 16, bottom = 44;
  double pw, ph, legend_y;
  gboolean is_bar, is_area;

  g_return_if_fail (WF_IS_CHART_WIDGET (self));

  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  if (self->hv)
    {
      draw_heatmap (self, cr, width, height, dark, fg);
      return;
    }
  if (!wf_chart_widget_has_data (self))
    {
      draw_message (cr, width, height, fg, _("No chart"));
      return;
    }

  n_series = chart->series->len;
  for (guint s = 0; s < n_series; s++)
    {
      WfSeries *series = g_ptr_array_index (chart->series, s);
      n_points = MAX (n_points, series->values->len);
      for (guint i = 0; i < series->values->len; i++)
        {
          double v = g_array_index (series->values, double, i);
          if (isfinite (v))
            {
              ymin = MIN (ymin, v);
              ymax = MAX (ymax, v);
            }
        }
    }
  if (chart->x)
    n_points = MAX (n_points, chart->x->len);
  if (!isfinite (ymin) || n_points == 0)
    {
      draw_message (cr, width, height, fg, _("No values to draw"));
      return;
    }
  is_bar = g_strcmp0 (chart->kind, "bar") == 0;
  is_area = g_strcmp0 (chart->kind, "area") == 0;
  /* Bars and areas are read against zero. */
  if (is_bar || is_area)
    {
      ymin = MIN (ymin, 0.0);
      ymax = MAX (ymax, 0.0);
    }
  n_ticks = wf_chart_nice_ticks (ymin, ymax, 6, ticks, G_N_ELEMENTS (ticks));
  if (n_ticks >= 2)
    {
      ymin = MIN (ymin, ticks[0]);
      ymax = MAX (ymax, ticks[n_ticks - 1]);
    }
  else
    {
      ymin -= 1;
      ymax += 1;
    }

  /* title */
  if (chart->title && *chart->title)
    {
      cairo_set_font_size (cr, 15);
      cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
      set_rgb (cr, fg, 1.0);
      draw_text (cr, chart->title, width / 2.0, 10, 0.5, 0);
      top += 26;
      cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    }
  cairo_set_font_size (cr, 11);
  /* legend below the x labels */
  bottom += n_series > 1 || (n_series == 1 && chart->series->len) ? 22 : 0;
  for (guint i = 0; i < n_ticks; i++)
    {
      g_autofree char *label = tick_label (ticks[i]);
      left = MAX (left, text_width (cr, label) + 14);
    }
  pw = width - left - right;
  ph = height - top - bottom;
  if (pw < 30 || ph < 30)
    return;

#define YPOS(v) (top + ph - ((v) - ymin) / (ymax - ymin) * ph)

  /* grid and y labels */
  cairo_set_line_width (cr, 1);
  for (guint i = 0; i < n_ticks; i++)
    {
      g_autofree char *label = tick_label (ticks[i]);
      double y = round (YPOS (ticks[i])) + 0.5;

      set_rgb (cr, fg, ticks[i] == 0.0 ? 0.45 : 0.12);
      cairo_move_to (cr, left, y);
      cairo_line_to (cr, left + pw, y);
      cairo_stroke (cr);
      set_rgb (cr, fg, 0.75);
      draw_text (cr, label, left - 6, y, 1, 0.5);
    }

  /* x labels, thinned so they do not overlap */
  if (chart->x && chart->x->len)
    {
      double slot = pw / n_points;
      double widest = 0;
      guint every;

      for (guint i = 0; i < chart->x->len; i++)
        widest = MAX (widest, text_width (cr, g_ptr_array_index (chart->x, i)));
      every = MAX (1u, (guint) ceil ((widest + 10) / MAX (slot, 1.0)));
      set_rgb (cr, fg, 0.75);
      for (guint i = 0; i < chart->x->len && i < n_points; i += every)
        {
          double x = is_bar ? left + slot * (i + 0.5)
                            : left + (n_points > 1 ? pw * i / (n_points - 1) : pw / 2);
          draw_text (cr, g_ptr_array_index (chart->x, i), x, top + ph + 6, 0.5, 0);
        }
    }

  /* series */
  for (guint s = 0; s < n_series; s++)
    {
      WfSeries *series = g_ptr_array_index (chart->series, s);
      const double *colour = palette[s % 6];
      guint n = series->values->len;

      if (is_bar)
        {
          double slot = pw / n_points;
          double group = slot * 0.8;
          double bw = group / n_series;
          double zero = YPOS (0.0);

          set_rgb (cr, colour, 0.9);
          for (guint i = 0; i < n; i++)
            {
              double v = g_array_index (series->values, double, i);
              double x = left + slot * i + (slot - group) / 2 + bw * s;
              double y = YPOS (v);

              if (!isfinite (v))
                continue;
              cairo_rectangle (cr, x + 1, MIN (y, zero), MAX (bw - 2, 1), fabs (zero - y));
            }
          cairo_fill (cr);
          continue;
        }

      /* line/area: a NaN breaks the line into separate segments */
      cairo_set_line_width (cr, 2.2);
      cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
      for (guint i = 0; i < n;)
        {
          guint start, end;

          while (i < n && !isfinite (g_array_index (series->values, double, i)))
            i++;
          if (i >= n)
            break;
          start = i;
          while (i < n && isfinite (g_array_index (series->values, double, i)))
            i++;
          end = i;
          for (guint k = start; k < end; k++)
            {
              double x = left + (n_points > 1 ? pw * k / (n_points - 1) : pw / 2);
              double y = YPOS (g_array_index (series->values, double, k));
              if (k == start)
                cairo_move_to (cr, x, y);
              else
                cairo_line_to (cr, x, y);
            }
          if (end - start == 1)
            {
              double x = left + (n_points > 1 ? pw * start / (n_points - 1) : pw / 2);
              cairo_new_path (cr);
              cairo_arc (cr, x, YPOS (g_array_index (series->values, double, start)), 3, 0, 2 * G_PI);
              set_rgb (cr, colour, 1.0);
              cairo_fill (cr);
              continue;
            }
          if (is_area)
            {
              cairo_path_t *path = cairo_copy_path (cr);
              double x_end = left + (n_points > 1 ? pw * (end - 1) / (n_points - 1) : pw / 2);
              double x_start = left + (n_points > 1 ? pw * start / (n_points - 1) : pw / 2);

              cairo_line_to (cr, x_end, YPOS (0.0));
              cairo_line_to (cr, x_start, YPOS (0.0));
              cairo_close_path (cr);
              set_rgb (cr, colour, 0.25);
              cairo_fill (cr);
              cairo_append_path (cr, path);
              cairo_path_destroy (path);
            }
          set_rgb (cr, colour, 1.0);
          cairo_stroke (cr);
        }
    }

  /* legend */
  legend_y = height - 20;
  {
    double x = left;
    for (guint s = 0; s < n_series; s++)
      {
        WfSeries *series = g_ptr_array_index (chart->series, s);
        const char *name = series->name && *series->name ? series->name : _("Series");

        set_rgb (cr, palette[s % 6], 1.0);
        cairo_rectangle (cr, x, legend_y + 2, 12, 12);
        cairo_fill (cr);
        set_rgb (cr, fg, 0.85);
        draw_text (cr, name, x + 17, legend_y + 8, 0, 0.5);
        x += 17 + text_width (cr, name) + 18;
      }
  }
#undef YPOS
}

static gboolean
widget_is_dark (WfChartWidget *self)
{
  GdkRGBA fg;

  /* The widget's own foreground colour follows the theme (and a high-contrast
   * or custom stylesheet) better than the global style manager alone. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (self)), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  if (fg.alpha > 0)
    return (0.299 * fg.red + 0.587 * fg.green + 0.114 * fg.blue) > 0.5;
  return adw_style_manager_get_dark (adw_style_manager_get_default ());
}

static void
wf_chart_widget_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  WfChartWidget *self = WF_CHART_WIDGET (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  wf_chart_widget_draw (self, cr, width, height, widget_is_dark (self));
  cairo_destroy (cr);
}

gboolean
wf_chart_widget_export_png (WfChartWidget *self,
                            const char    *path,
                            int            width,
                            int            height,
                            GError       **error)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;

  g_return_val_if_fail (WF_IS_CHART_WIDGET (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!wf_chart_widget_has_data (self))
    {
      g_set_error (error, WF_CHART_ERROR, WF_CHART_ERROR_EMPTY, _("There is no chart to export."));
      return FALSE;
    }
  width = CLAMP (width, 16, MAX_PNG_SIDE);
  height = CLAMP (height, 16, MAX_PNG_SIDE);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (surface);
  /* An exported picture goes into documents: always light, on white. */
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  wf_chart_widget_draw (self, cr, width, height, FALSE);
  cairo_destroy (cr);
  status = cairo_surface_write_to_png (surface, path);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, WF_CHART_ERROR, WF_CHART_ERROR_IO,
                   _("Could not write the picture to “%s”: %s"),
                   path, cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}

static void
wf_chart_widget_css_changed (GtkWidget         *widget,
                             GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (wf_chart_widget_parent_class)->css_changed (widget, change);
  /* The colours follow the theme: light ↔ dark must repaint. */
  gtk_widget_queue_draw (widget);
}

static void
wf_chart_widget_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  (void) widget;
  (void) for_size;
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 200 : 160;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 480 : 300;
  *minimum_baseline = *natural_baseline = -1;
}

static void
wf_chart_widget_finalize (GObject *object)
{
  wf_chart_widget_clear (WF_CHART_WIDGET (object));
  G_OBJECT_CLASS (wf_chart_widget_parent_class)->finalize (object);
}

static void
wf_chart_widget_class_init (WfChartWidgetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = wf_chart_widget_finalize;
  widget_class->snapshot = wf_chart_widget_snapshot;
  widget_class->measure = wf_chart_widget_measure;
  widget_class->css_changed = wf_chart_widget_css_changed;
  gtk_widget_class_set_css_name (widget_class, "wfchart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
wf_chart_widget_init (WfChartWidget *self)
{
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
}

GtkWidget *
wf_chart_widget_new (void)
{
  return g_object_new (WF_TYPE_CHART, NULL);
}
