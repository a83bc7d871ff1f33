/* wf-chart.h: a line, bar, area or heat-map chart drawn with cairo
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "wf-types.h"

G_BEGIN_DECLS

#define WF_TYPE_CHART (wf_chart_widget_get_type ())
G_DECLARE_FINAL_TYPE (WfChartWidget, wf_chart_widget, WF, CHART_WIDGET, GtkWidget)

#define WF_CHART_ERROR (wf_chart_error_quark ())
GQuark wf_chart_error_quark (void);
typedef enum
{
  WF_CHART_ERROR_EMPTY,
  WF_CHART_ERROR_IO,
} WfChartError;

GtkWidget *wf_chart_widget_new       (void);
/* Copies the chart. NULL clears. */
void       wf_chart_widget_set_chart (WfChartWidget *self,
                                      const WfChart *chart);
/* A heat map of a 2-D sweep: the table's columns x_column, y_column and
 * value_column (numbers) become a grid. */
void       wf_chart_widget_set_heatmap (WfChartWidget *self,
                                        const WfTable *table,
                                        const char    *x_column,
                                        const char    *y_column,
                                        const char    *value_column,
                                        const char    *title);
gboolean   wf_chart_widget_has_data  (WfChartWidget *self);
/* Draws at any size onto a cairo context (used by the snapshot and export). */
void       wf_chart_widget_draw      (WfChartWidget *self,
                                      cairo_t       *cr,
                                      int            width,
                                      int            height,
                                      gboolean       dark);
gboolean   wf_chart_widget_export_png (WfChartWidget *self,
                                       const char    *path,
                                       int            width,
                                       int            height,
                                       GError       **error);

/* Round axis ticks covering [min, max]: fills ticks (at most max_ticks + 2)
 * and returns how many. */
guint      wf_chart_nice_ticks       (double  min,
                                      double  max,
                                      guint   max_ticks,
                                      double *ticks,
                                      guint   n_ticks_room);

G_END_DECLS
