/* test-widgets.c: the result widgets (chart, results view, inspector,
 * assumptions) on a hand-made run, in real windows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each test leaves a PNG of what it showed in G_TEST_BUILDDIR/screenshots
 * (or the current directory) so a person can look.
 */
#include "config.h"

#include <adwaita.h>
#include <gtksourceview/gtksource.h>
#include <locale.h>
#include <math.h>

#include "wf-assumptions.h"
#include "wf-chart.h"
#include "wf-format.h"
#include "wf-inspector.h"
#include "wf-results-view.h"
#include "wf-ui-test-util.h"

static char *tmp_dir;

static const char *
screenshot_dir (void)
{
  static char *dir;

  if (dir == NULL)
    {
      const char *base = g_getenv ("WF_SCREENSHOT_DIR");

      if (base == NULL)
        base = g_getenv ("G_TEST_BUILDDIR");
      dir = g_build_filename (base ? base : ".", "screenshots", NULL);
    }
  return dir;
}

/* Renders the window's content as it is on screen and saves it. These
 * windows hold one widget and no transitions, hence the shorter pause than
 * the other UI tests' screenshots. */
static void
save_screenshot (GtkWidget  *window,
                 const char *name)
{
  wf_ui_test_save_screenshot (window, screenshot_dir (), name, 150);
}

static GtkWidget *
show_in_window (GtkWidget *child,
                int        width,
                int        height)
{
  GtkWidget *window = adw_window_new ();

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  adw_window_set_content (ADW_WINDOW (window), child);
  gtk_window_present (GTK_WINDOW (window));
  wf_ui_test_spin (300);
  return window;
}

static WfTable *
make_table (void)
{
  WfTable *table = wf_table_new ("cash_flow");
  const char *months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
  /* Unsorted on purpose; 9 < 10 < 100 catches a text sort. */
  const double revenue[] = { 12000, 9, 100, 10, 15500.5, 8000, 23000, 11000, 250, 30000, 7000, 19000 };

  g_ptr_array_add (table->columns, g_strdup ("month"));
  g_ptr_array_add (table->columns, g_strdup ("revenue"));
  g_ptr_array_add (table->columns, g_strdup ("note"));
  for (guint i = 0; i < G_N_ELEMENTS (months); i++)
    {
      JsonArray *row = json_array_new ();

      json_array_add_string_element (row, months[i]);
      json_array_add_double_element (row, revenue[i]);
      if (i == 3)
        json_array_add_string_element (row, "=HYPERLINK(\"x\")");
      else if (i % 4 == 0)
        json_array_add_null_element (row);
      else
        json_array_add_string_element (row, "ok, \"quoted\"");
      json_array_add_array_element (table->rows, row);
    }
  return table;
}

static WfTable *
make_sweep_table (void)
{
  WfTable *table = wf_table_new ("sweep");

  g_ptr_array_add (table->columns, g_strdup ("price"));
  g_ptr_array_add (table->columns, g_strdup ("volume"));
  g_ptr_array_add (table->columns, g_strdup ("profit"));
  for (int p = 0; p < 6; p++)
    for (int v = 0; v < 5; v++)
      {
        JsonArray *row = json_array_new ();

        json_array_add_int_element (row, 10 + p * 5);
        json_array_add_int_element (row, 100 + v * 50);
        if (p == 2 && v == 3)
          json_array_add_null_element (row);
        else
          json_array_add_double_element (row, (10 + p * 5 - 12) * (100 + v * 50) - 800.0);
        json_array_add_array_element (table->rows, row);
      }
  return table;
}

static WfChart *
make_chart (const char *kind)
{
  WfChart *chart = wf_chart_new (kind, "Cash over the year");
  WfSeries *a = wf_series_new ("Revenue");
  WfSeries *b = wf_series_new ("Costs");
  const char *months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

  for (guint i = 0; i < G_N_ELEMENTS (months); i++)
    {
      double va = 10000 + 1500.0 * i + (i % 3) * 900;
      double vb = (i == 5 || i == 6) ? NAN : 9000 + 400.0 * i;

      g_ptr_array_add (chart->x, g_strdup (months[i]));
      g_array_append_val (a->values, va);
      g_array_append_val (b->values, vb);
    }
  g_ptr_array_add (chart->series, a);
  g_ptr_array_add (chart->series, b);
  return chart;
}

static WfRun *
make_run (void)
{
  WfRun *run = wf_run_new ();
  WfRunResult *result = wf_run_result_new ();
  WfCostSpan *span;
  WfParam *param;
  WfTable *second;
  JsonArray *row;

  run->id = 42;
  run->language = g_strdup ("python");
  run->question = g_strdup ("Can I afford a second employee?");
  run->code = g_strdup ("import whatif as wf\n\n"
                        "salary = wf.param('Salary', 3200, kind='money')\n"
                        "growth = wf.param('Growth', 0.05, kind='percent', min=0, max=0.5)\n"
                        "months = wf.param('Months', 12, kind='months')\n\n"
                        "cash = [10000 * (1 + growth) ** m - salary * m for m in range(months)]\n"
                        "wf.table('cash_flow', cash)\n");
  run->outcome = WF_OUTCOME_ANSWERED;
  run->verdict_json = g_strdup ("{\"verdict\":\"allow\",\"reason\":\"Only arithmetic and the whatif module.\","
                                "\"rules\":[{\"rule\":\"import\",\"line\":1,\"column\":0,"
                                "\"message\":\"Import of whatif is allowed\"}]}");
  g_ptr_array_add (run->fixes, g_strdup ("Removed a Markdown code fence around the program"));
  g_ptr_array_add (run->fixes, g_strdup ("Closed an unterminated JSON string"));

  span = wf_cost_span_new ("classify");
  span->duration_us = 3000;
  g_ptr_array_add (run->spans, span);
  span = wf_cost_span_new ("generate");
  span->model = g_strdup ("openai/gpt-4o-mini");
  span->input_tokens = 1830;
  span->output_tokens = 412;
  span->total_micros = 522;
  span->duration_us = 2400000;
  span->estimated = TRUE;
  g_ptr_array_add (run->spans, span);
  span = wf_cost_span_new ("run");
  span->sandbox_seconds = 0.31;
  span->duration_us = 310000;
  g_ptr_array_add (run->spans, span);
  run->total_micros = 522;
  run->cost_estimated = TRUE;

  result->status = WF_RUN_STATUS_OK;
  result->exit_code = 0;
  result->backend = g_strdup ("bwrap");
  result->stdout_text = g_strdup ("Computed 12 months.\n");
  result->stderr_text = g_strdup ("");
  result->wall_ms = 310;
  result->cpu_ms = 120;
  result->peak_rss_kb = 48000;
  g_ptr_array_add (result->limits_hit, g_strdup ("output"));
  g_ptr_array_add (result->tables, make_table ());
  second = wf_table_new ("summary");
  g_ptr_array_add (second->columns, g_strdup ("metric"));
  g_ptr_array_add (second->columns, g_strdup ("value"));
  row = json_array_new ();
  json_array_add_string_element (row, "runway");
  json_array_add_int_element (row, 14);
  json_array_add_array_element (second->rows, row);
  g_ptr_array_add (result->tables, second);
  g_ptr_array_add (result->metrics, wf_metric_new ("Runway", 14, "months"));
  g_ptr_array_add (result->charts, make_chart ("line"));
  g_ptr_array_add (result->charts, make_chart ("bar"));

  param = wf_param_new ("Salary", "money", 3200);
  g_ptr_array_add (result->params, param);
  param = wf_param_new ("Growth", "percent", 0.05);
  param->min = 0;
  param->max = 0.5;
  param->step = 0.005;
  g_ptr_array_add (result->params, param);
  param = wf_param_new ("Months", "months", 12);
  g_ptr_array_add (result->params, param);
  run->result = result;
  return run;
}

/* ---- chart ----------------------------------------------------------- */

static void
test_chart_kinds (void)
{
  const char *kinds[] = { "line", "bar", "area" };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autoptr(WfChart) chart = make_chart (kinds[i]);
      GtkWidget *widget = wf_chart_widget_new ();
      GtkWidget *window;
      g_autofree char *name = g_strdup_printf ("chart-%s", kinds[i]);

      wf_chart_widget_set_chart (WF_CHART_WIDGET (widget), chart);
      g_assert_true (wf_chart_widget_has_data (WF_CHART_WIDGET (widget)));
      window = show_in_window (widget, 640, 400);
      save_screenshot (window, name);
      gtk_window_destroy (GTK_WINDOW (window));
    }
}

static void
test_chart_export_png (void)
{
  g_autoptr(WfChart) chart = make_chart ("line");
  GtkWidget *widget = g_object_ref_sink (wf_chart_widget_new ());
  g_autofree char *path = g_build_filename (tmp_dir, "chart.png", NULL);
  g_autofree char *bad = g_build_filename (tmp_dir, "no-such-dir", "chart.png", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  /* Nothing to export yet. */
  g_assert_false (wf_chart_widget_export_png (WF_CHART_WIDGET (widget), path, 800, 500, &error));
  g_assert_error (error, WF_CHART_ERROR, WF_CHART_ERROR_EMPTY);
  g_clear_error (&error);

  wf_chart_widget_set_chart (WF_CHART_WIDGET (widget), chart);
  g_assert_true (wf_chart_widget_export_png (WF_CHART_WIDGET (widget), path, 800, 500, &error));
  g_assert_no_error (error);
  texture = gdk_texture_new_from_filename (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, 800);
  g_assert_cmpint (gdk_texture_get_height (texture), ==, 500);

  g_assert_false (wf_chart_widget_export_png (WF_CHART_WIDGET (widget), bad, 800, 500, &error));
  g_assert_error (error, WF_CHART_ERROR, WF_CHART_ERROR_IO);
  g_assert_false (g_file_test (bad, G_FILE_TEST_EXISTS));
  g_object_unref (widget);
}

static void
test_chart_heatmap (void)
{
  g_autoptr(WfTable) table = make_sweep_table ();
  GtkWidget *widget = wf_chart_widget_new ();
  GtkWidget *window;
  g_autofree char *path = g_build_filename (tmp_dir, "heat.png", NULL);
  g_autoptr(GError) error = NULL;

  wf_chart_widget_set_heatmap (WF_CHART_WIDGET (widget), table, "price", "volume", "profit", "Profit by price and volume");
  g_assert_true (wf_chart_widget_has_data (WF_CHART_WIDGET (widget)));
  window = show_in_window (widget, 640, 420);
  save_screenshot (window, "chart-heatmap");
  g_assert_true (wf_chart_widget_export_png (WF_CHART_WIDGET (widget), path, 640, 420, &error));
  g_assert_no_error (error);

  /* A column that does not exist: no data, no crash. */
  wf_chart_widget_set_heatmap (WF_CHART_WIDGET (widget), table, "price", "nope", "profit", NULL);
  g_assert_false (wf_chart_widget_has_data (WF_CHART_WIDGET (widget)));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_chart_dark (void)
{
  g_autoptr(WfChart) chart = make_chart ("area");
  GtkWidget *widget = wf_chart_widget_new ();
  AdwStyleManager *sm = adw_style_manager_get_default ();
  GtkWidget *window;

  adw_style_manager_set_color_scheme (sm, ADW_COLOR_SCHEME_FORCE_DARK);
  wf_chart_widget_set_chart (WF_CHART_WIDGET (widget), chart);
  window = show_in_window (widget, 640, 400);
  save_screenshot (window, "chart-area-dark");
  gtk_window_destroy (GTK_WINDOW (window));
  adw_style_manager_set_color_scheme (sm, ADW_COLOR_SCHEME_DEFAULT);
}

static guint
count_ink (cairo_surface_t *surface)
{
  int w = cairo_image_surface_get_width (surface);
  int h = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  const guchar *data;
  guint n = 0;

  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guint32 px = *(const guint32 *) (data + y * stride + x * 4);
        if ((px & 0xffffff) != 0xffffff)
          n++;
      }
  return n;
}

/* Hostile charts: empty, all gaps, one point, ragged series, huge and
 * negative values. Each draws something (a message at least) and never
 * crashes. */
static void
test_chart_edge_cases (void)
{
  GtkWidget *widget = g_object_ref_sink (wf_chart_widget_new ());
  double values[][4] = {
    { NAN, NAN, NAN, NAN },
    { 5, NAN, NAN, NAN },
    { -3e12, 2e12, NAN, 7e11 },
    { -5, -10, -2, -8 },
  };
  const char *kinds[] = { "line", "bar", "area", "pie" };

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    for (guint c = 0; c <= G_N_ELEMENTS (values); c++)
      {
        g_autoptr(WfChart) chart = wf_chart_new (kinds[k], c == 0 ? NULL : "T");
        cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 320, 200);
        cairo_t *cr = cairo_create (surface);

        if (c > 0)
          {
            WfSeries *series = wf_series_new (NULL);
            WfSeries *longer = wf_series_new ("longer than x");

            for (guint i = 0; i < 4; i++)
              g_array_append_val (series->values, values[c - 1][i]);
            for (guint i = 0; i < 7; i++)
              {
                double v = i;
                g_array_append_val (longer->values, v);
              }
            g_ptr_array_add (chart->x, g_strdup ("only one label"));
            g_ptr_array_add (chart->series, series);
            g_ptr_array_add (chart->series, longer);
          }
        wf_chart_widget_set_chart (WF_CHART_WIDGET (widget), chart);
        cairo_set_source_rgb (cr, 1, 1, 1);
        cairo_paint (cr);
        wf_chart_widget_draw (WF_CHART_WIDGET (widget), cr, 320, 200, FALSE);
        /* Tiny sizes must not divide by zero or draw outside. */
        wf_chart_widget_draw (WF_CHART_WIDGET (widget), cr, 3, 2, TRUE);
        g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
        g_assert_cmpuint (count_ink (surface), >, 50);
        cairo_destroy (cr);
        cairo_surface_destroy (surface);
      }
  g_object_unref (widget);
}

/* ---- results view ---------------------------------------------------- */

static void
test_results_ragged (void)
{
  g_autoptr(WfTable) table = wf_table_new (NULL);
  GtkWidget *view = wf_results_view_new ();
  GtkWidget *window;
  JsonArray *row;
  g_autofree char *tsv = NULL;
  g_autoptr(GtkColumnViewColumn) first = NULL;

  g_ptr_array_add (table->columns, g_strdup ("a"));
  g_ptr_array_add (table->columns, g_strdup ("b"));
  row = json_array_new ();
  json_array_add_int_element (row, 1);
  json_array_add_array_element (table->rows, row);           /* too short */
  row = json_array_new ();
  json_array_add_string_element (row, "x\ty");
  json_array_add_boolean_element (row, TRUE);
  json_array_add_int_element (row, 3);                         /* too long */
  json_array_add_array_element (table->rows, row);
  json_array_add_string_element (table->rows, "not a row");
  row = json_array_new ();
  json_array_add_null_element (row);
  json_array_add_object_element (row, json_object_new ());
  json_array_add_array_element (table->rows, row);

  wf_results_view_set_table (WF_RESULTS_VIEW (view), table);
  window = show_in_window (view, 400, 300);
  first = g_list_model_get_item (gtk_column_view_get_columns (wf_results_view_get_column_view (WF_RESULTS_VIEW (view))), 0);
  gtk_column_view_sort_by_column (wf_results_view_get_column_view (WF_RESULTS_VIEW (view)), first, GTK_SORT_ASCENDING);
  wf_ui_test_spin (100);
  tsv = wf_results_view_to_tsv (WF_RESULTS_VIEW (view));
  /* Numbers first, then text (tabs flattened), empty cells last. */
  g_assert_true (g_str_has_prefix (tsv, "a\tb\n1\t\nx y\tyes\n"));
  save_screenshot (window, "results-ragged");

  wf_results_view_set_table (WF_RESULTS_VIEW (view), NULL);
  g_assert_cmpuint (g_list_model_get_n_items (wf_results_view_get_model (WF_RESULTS_VIEW (view))), ==, 0);
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *path = g_build_filename (tmp_dir, "none.csv", NULL);

    g_assert_false (wf_results_view_export_csv (WF_RESULTS_VIEW (view), path, &error));
    g_assert_nonnull (error);
    g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  }
  gtk_window_destroy (GTK_WINDOW (window));
}


static void
on_clipboard_text (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  char **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);
  g_assert_no_error (error);
}

static void
test_results_sort_and_export (void)
{
  g_autoptr(WfTable) table = make_table ();
  GtkWidget *view = wf_results_view_new ();
  GtkWidget *window;
  GtkColumnView *cv;
  g_autoptr(GtkColumnViewColumn) revenue = NULL;
  g_autofree char *path = g_build_filename (tmp_dir, "table.csv", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *tsv = NULL;
  g_autoptr(GError) error = NULL;
  double previous = -INFINITY;
  GListModel *model;

  wf_results_view_set_table (WF_RESULTS_VIEW (view), table);
  window = show_in_window (view, 560, 480);
  cv = wf_results_view_get_column_view (WF_RESULTS_VIEW (view));
  g_assert_cmpuint (g_list_model_get_n_items (gtk_column_view_get_columns (cv)), ==, 3);
  revenue = g_list_model_get_item (gtk_column_view_get_columns (cv), 1);
  model = wf_results_view_get_model (WF_RESULTS_VIEW (view));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 12);

  gtk_column_view_sort_by_column (cv, revenue, GTK_SORT_ASCENDING);
  wf_ui_test_spin (100);
  for (guint r = 0; r < 12; r++)
    {
      g_autofree char *month = wf_results_view_dup_cell_text (WF_RESULTS_VIEW (view), r, 0);
      g_autofree char *text = wf_results_view_dup_cell_text (WF_RESULTS_VIEW (view), r, 1);
      const WfTable *t = wf_results_view_get_table (WF_RESULTS_VIEW (view));
      double v = NAN;

      /* Look the value up by month: the displayed text is formatted. */
      for (guint k = 0; k < wf_table_get_n_rows (t); k++)
        {
          JsonArray *row = json_array_get_array_element (t->rows, k);
          if (g_str_equal (json_array_get_string_element (row, 0), month))
            v = json_array_get_double_element (row, 1);
        }
      g_assert_true (isfinite (v));
      g_assert_cmpfloat (v, >=, previous);
      previous = v;
      g_assert_nonnull (text);
    }
  {
    g_autofree char *first = wf_results_view_dup_cell_text (WF_RESULTS_VIEW (view), 0, 1);
    g_autofree char *second = wf_results_view_dup_cell_text (WF_RESULTS_VIEW (view), 1, 1);
    g_autofree char *third = wf_results_view_dup_cell_text (WF_RESULTS_VIEW (view), 2, 1);
    /* The column has a fraction (15500.5), so every amount shows cents. */
    g_assert_cmpstr (first, ==, "9.00");
    g_assert_cmpstr (second, ==, "10.00");
    g_assert_cmpstr (third, ==, "100.00");
  }
  gtk_column_view_sort_by_column (cv, revenue, GTK_SORT_DESCENDING);
  wf_ui_test_spin (100);
  {
    g_autofree char *top = wf_results_view_dup_cell_text (WF_RESULTS_VIEW (view), 0, 0);
    g_assert_cmpstr (top, ==, "Oct");
  }
  {
    /* May (15500.5) is fourth from the top when descending: decimals kept. */
    g_autofree char *may = wf_results_view_dup_cell_text (WF_RESULTS_VIEW (view), 3, 1);
    g_assert_cmpstr (may, ==, "15500.50");
  }
  save_screenshot (window, "results-sorted");

  tsv = wf_results_view_to_tsv (WF_RESULTS_VIEW (view));
  g_assert_true (g_str_has_prefix (tsv, "month\trevenue\tnote\nOct\t30000\t"));

  g_assert_true (wf_results_view_export_csv (WF_RESULTS_VIEW (view), path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_no_error (error);
  /* The CSV keeps the table's own order, numbers with '.', formulas guarded. */
  g_assert_true (g_str_has_prefix (contents, "month,revenue,note\r\nJan,12000,\r\nFeb,9,\"ok, \"\"quoted\"\"\"\r\n"));
  g_assert_nonnull (strstr (contents, "May,15500.5,"));
  g_assert_nonnull (strstr (contents, "'=HYPERLINK"));

  /* Copy as TSV, then read the clipboard back. */
  {
    g_autofree char *pasted = NULL;

    gtk_widget_activate_action (view, "results.copy-tsv", NULL);
    gdk_clipboard_read_text_async (gtk_widget_get_clipboard (view), NULL, on_clipboard_text, &pasted);
    WF_UI_TEST_WAIT_FOR_SECONDS (pasted != NULL, 5);
    g_assert_cmpstr (pasted, ==, tsv);
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_results_large (void)
{
  g_autoptr(WfTable) table = wf_table_new ("big");
  GtkWidget *view = wf_results_view_new ();
  GtkWidget *window;
  g_autofree char *cell = NULL;

  g_ptr_array_add (table->columns, g_strdup ("i"));
  g_ptr_array_add (table->columns, g_strdup ("square"));
  for (int i = 0; i < 100000; i++)
    {
      JsonArray *row = json_array_new ();
      json_array_add_int_element (row, i);
      json_array_add_double_element (row, (double) i * i);
      json_array_add_array_element (table->rows, row);
    }
  wf_results_view_set_table (WF_RESULTS_VIEW (view), table);
  window = show_in_window (view, 400, 300);
  g_assert_cmpuint (g_list_model_get_n_items (wf_results_view_get_model (WF_RESULTS_VIEW (view))), ==, 100000);
  cell = wf_results_view_dup_cell_text (WF_RESULTS_VIEW (view), 99999, 0);
  g_assert_cmpstr (cell, ==, "99999");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- inspector ------------------------------------------------------- */

static void
on_run_code (WfInspector *inspector,
             const char  *code,
             const char  *language,
             char       **out)
{
  (void) inspector;
  *out = g_strdup_printf ("%s:%s", language, code);
}

static void
test_inspector_tabs (void)
{
  g_autoptr(WfRun) run = make_run ();
  GtkWidget *inspector = wf_inspector_new ();
  GtkWidget *window;
  const char *pages[] = { "code", "output", "results", "chart", "cost", "checks" };
  g_autofree char *code = NULL;
  g_autofree char *emitted = NULL;
  g_autofree char *png = g_build_filename (tmp_dir, "inspector-chart.png", NULL);
  g_autoptr(GError) error = NULL;

  wf_inspector_set_run (WF_INSPECTOR (inspector), run);
  g_clear_pointer (&run, wf_run_free);   /* the inspector keeps its own copy */
  window = show_in_window (inspector, 720, 640);

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autofree char *name = g_strdup_printf ("inspector-%s", pages[i]);

      wf_inspector_set_page (WF_INSPECTOR (inspector), pages[i]);
      g_assert_cmpstr (wf_inspector_get_page (WF_INSPECTOR (inspector)), ==, pages[i]);
      save_screenshot (window, name);
    }

  {
    g_autofree char *output = wf_inspector_dup_page_text (WF_INSPECTOR (inspector), "output");
    g_autofree char *cost = wf_inspector_dup_page_text (WF_INSPECTOR (inspector), "cost");
    g_autofree char *checks = wf_inspector_dup_page_text (WF_INSPECTOR (inspector), "checks");

    g_assert_nonnull (strstr (output, "Computed 12 months."));
    g_assert_nonnull (strstr (output, "Bubblewrap"));
    g_assert_nonnull (strstr (output, "output"));       /* limits hit */
    g_assert_nonnull (strstr (cost, "generate · openai/gpt-4o-mini"));
    g_assert_nonnull (strstr (cost, "1830 tokens in, 412 out"));
    g_assert_nonnull (strstr (cost, "$0.000522 (estimated)"));
    g_assert_nonnull (strstr (cost, "Total"));
    g_assert_nonnull (strstr (checks, "Allowed"));
    g_assert_nonnull (strstr (checks, "Line 1, column 0"));
    g_assert_nonnull (strstr (checks, "Removed a Markdown code fence"));
  }

  /* Two tables, two charts: each has its widget. */
  g_assert_true (WF_IS_RESULTS_VIEW (wf_inspector_get_results_view (WF_INSPECTOR (inspector), 1)));
  g_assert_null (wf_inspector_get_results_view (WF_INSPECTOR (inspector), 2));
  g_assert_true (WF_IS_CHART_WIDGET (wf_inspector_get_chart (WF_INSPECTOR (inspector), 1)));
  g_assert_true (wf_chart_widget_export_png (WF_CHART_WIDGET (wf_inspector_get_chart (WF_INSPECTOR (inspector), 0)),
                                            png, 1200, 720, &error));
  g_assert_no_error (error);

  /* Edit and run: the signal carries the edited text and the language. */
  g_signal_connect (inspector, "run-code", G_CALLBACK (on_run_code), &emitted);
  wf_inspector_set_page (WF_INSPECTOR (inspector), "code");
  wf_inspector_set_editable (WF_INSPECTOR (inspector), TRUE);
  code = wf_inspector_dup_code (WF_INSPECTOR (inspector));
  g_assert_true (g_str_has_prefix (code, "import whatif as wf"));
  {
    GtkWidget *run_button = NULL;
    GtkTextBuffer *buffer;
    GtkWidget *w;

    /* Find the source view and the Run button through the widget tree, as a user would. */
    w = wf_ui_test_find_by_type (inspector, GTK_TYPE_TEXT_VIEW);
    g_assert_true (GTK_IS_TEXT_VIEW (w));
    /* Highlighted as Python. */
    g_assert_cmpstr (gtk_source_language_get_id (gtk_source_buffer_get_language (
                       GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (w))))), ==, "python3");
    g_assert_true (gtk_text_view_get_editable (GTK_TEXT_VIEW (w)));
    buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (w));
    gtk_text_buffer_set_text (buffer, "print(1 + 1)\n", -1);
    save_screenshot (window, "inspector-code-editing");
    /* The Run button of the Code tab's header row. */
    for (run_button = gtk_widget_get_first_child (
           gtk_widget_get_first_child (gtk_widget_get_parent (gtk_widget_get_parent (w))));
         run_button != NULL;
         run_button = gtk_widget_get_next_sibling (run_button))
      if (GTK_IS_BUTTON (run_button) && !GTK_IS_TOGGLE_BUTTON (run_button) &&
          g_strcmp0 (gtk_button_get_label (GTK_BUTTON (run_button)), "_Run") == 0)
        break;
    g_assert_true (GTK_IS_BUTTON (run_button));
    g_assert_true (gtk_widget_get_sensitive (run_button));
    g_signal_emit_by_name (run_button, "clicked");
  }
  g_assert_cmpstr (emitted, ==, "python:print(1 + 1)\n");

  /* A run where nothing ran, and a garbled verdict: no crash, plain words. */
  {
    g_autoptr(WfRun) refused = wf_run_new ();
    g_autofree char *checks = NULL;
    g_autofree char *output = NULL;

    refused->outcome = WF_OUTCOME_REFUSED;
    refused->message = g_strdup ("That is not a money question.");
    refused->verdict_json = g_strdup ("{not json");
    wf_inspector_set_run (WF_INSPECTOR (inspector), refused);
    checks = wf_inspector_dup_page_text (WF_INSPECTOR (inspector), "checks");
    output = wf_inspector_dup_page_text (WF_INSPECTOR (inspector), "output");
    g_assert_nonnull (strstr (checks, "could not be read"));
    g_assert_nonnull (strstr (output, "That is not a money question."));
    g_assert_null (wf_inspector_get_chart (WF_INSPECTOR (inspector), 0));
    wf_inspector_set_page (WF_INSPECTOR (inspector), "checks");
    save_screenshot (window, "inspector-checks-unreadable");
  }
  {
    g_autoptr(WfRun) blocked = wf_run_new ();
    g_autofree char *checks = NULL;

    blocked->verdict_json = g_strdup ("{\"allowed\":false,\"reason\":\"The program tries to open a network socket.\","
                                      "\"findings\":[{\"id\":\"net.socket\",\"line\":3,\"col\":4,\"message\":\"socket.socket() is not allowed\"}]}");
    wf_inspector_set_run (WF_INSPECTOR (inspector), blocked);
    checks = wf_inspector_dup_page_text (WF_INSPECTOR (inspector), "checks");
    g_assert_nonnull (strstr (checks, "Blocked"));
    g_assert_nonnull (strstr (checks, "socket.socket() is not allowed"));
    g_assert_nonnull (strstr (checks, "Line 3, column 4"));
    save_screenshot (window, "inspector-checks-blocked");
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_inspector_dark (void)
{
  g_autoptr(WfRun) run = make_run ();
  GtkWidget *inspector = wf_inspector_new ();
  AdwStyleManager *sm = adw_style_manager_get_default ();
  GtkWidget *window;

  adw_style_manager_set_color_scheme (sm, ADW_COLOR_SCHEME_FORCE_DARK);
  wf_inspector_set_run (WF_INSPECTOR (inspector), run);
  window = show_in_window (inspector, 720, 640);
  wf_inspector_set_page (WF_INSPECTOR (inspector), "code");
  save_screenshot (window, "inspector-code-dark");
  wf_inspector_set_page (WF_INSPECTOR (inspector), "chart");
  save_screenshot (window, "inspector-chart-dark");
  wf_inspector_set_page (WF_INSPECTOR (inspector), "results");
  save_screenshot (window, "inspector-results-dark");
  gtk_window_destroy (GTK_WINDOW (window));
  adw_style_manager_set_color_scheme (sm, ADW_COLOR_SCHEME_DEFAULT);
}

/* ---- assumptions ----------------------------------------------------- */

typedef struct
{
  guint       n_changed;
  GHashTable *last;
  gboolean    sweep;
} ChangedData;

static void
on_changed (WfAssumptions *assumptions,
            GHashTable    *values,
            ChangedData   *data)
{
  (void) assumptions;
  data->n_changed++;
  g_clear_pointer (&data->last, g_hash_table_unref);
  data->last = g_hash_table_ref (values);
}

static void
on_sweep (WfAssumptions *assumptions,
          ChangedData   *data)
{
  (void) assumptions;
  data->sweep = TRUE;
}

static void
test_assumptions_changed (void)
{
  g_autoptr(WfRun) run = make_run ();
  GtkWidget *assumptions = wf_assumptions_new ();
  GtkWidget *window;
  GtkWidget *clamp = adw_clamp_new ();
  GtkSpinButton *salary, *growth;
  ChangedData data = { 0 };
  double *v;

  wf_assumptions_set_params (WF_ASSUMPTIONS (assumptions), run->result->params);
  g_assert_cmpuint (wf_assumptions_get_n_params (WF_ASSUMPTIONS (assumptions)), ==, 3);
  gtk_widget_set_margin_top (clamp, 24);
  gtk_widget_set_margin_bottom (clamp, 24);
  gtk_widget_set_margin_start (clamp, 12);
  gtk_widget_set_margin_end (clamp, 12);
  adw_clamp_set_child (ADW_CLAMP (clamp), assumptions);
  window = show_in_window (clamp, 640, 420);
  save_screenshot (window, "assumptions");

  g_signal_connect (assumptions, "changed", G_CALLBACK (on_changed), &data);
  g_signal_connect (assumptions, "sweep-requested", G_CALLBACK (on_sweep), &data);
  salary = wf_assumptions_get_spin_button (WF_ASSUMPTIONS (assumptions), "Salary");
  growth = wf_assumptions_get_spin_button (WF_ASSUMPTIONS (assumptions), "Growth");
  g_assert_nonnull (salary);
  g_assert_nonnull (growth);
  g_assert_null (wf_assumptions_get_spin_button (WF_ASSUMPTIONS (assumptions), "Nope"));
  /* Percent shows as percent. */
  g_assert_cmpfloat (fabs (gtk_spin_button_get_value (growth) - 5.0), <, 1e-9);

  /* Three quick changes: one signal after the pause, with the last values. */
  gtk_spin_button_set_value (salary, 3300);
  gtk_spin_button_set_value (salary, 3400);
  gtk_spin_button_set_value (growth, 7.5);
  g_assert_cmpuint (data.n_changed, ==, 0);
  WF_UI_TEST_WAIT_FOR_SECONDS (data.n_changed > 0, 5);
  wf_ui_test_spin (300);
  g_assert_cmpuint (data.n_changed, ==, 1);
  g_assert_cmpuint (g_hash_table_size (data.last), ==, 3);
  v = g_hash_table_lookup (data.last, "Salary");
  g_assert_nonnull (v);
  g_assert_cmpfloat (*v, ==, 3400);
  v = g_hash_table_lookup (data.last, "Growth");
  g_assert_cmpfloat (fabs (*v - 0.075), <, 1e-12);
  v = g_hash_table_lookup (data.last, "Months");
  g_assert_cmpfloat (*v, ==, 12);
  save_screenshot (window, "assumptions-changed");

  /* Out-of-range input is clamped to the control's bounds. */
  gtk_spin_button_set_value (growth, 900);
  g_assert_cmpfloat (gtk_spin_button_get_value (growth), ==, 50);

  g_assert_true (gtk_widget_activate_action (assumptions, "assumptions.sweep", NULL));
  g_assert_true (data.sweep);

  /* Setting params again is no user change: no signal. */
  data.n_changed = 0;
  wf_assumptions_set_params (WF_ASSUMPTIONS (assumptions), NULL);
  wf_ui_test_spin (300);
  g_assert_cmpuint (data.n_changed, ==, 0);
  g_assert_cmpuint (wf_assumptions_get_n_params (WF_ASSUMPTIONS (assumptions)), ==, 0);
  save_screenshot (window, "assumptions-empty");
  g_clear_pointer (&data.last, g_hash_table_unref);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  if (!gtk_init_check ())
    {
      g_test_skip ("no display");
      return 77;
    }
  adw_init ();
  /* G_TEST_OPTION_ISOLATE_DIRS empties XDG_DATA_DIRS; the icons are the system's. */
  gtk_icon_theme_add_search_path (gtk_icon_theme_get_for_display (gdk_display_get_default ()),
                                  "/usr/share/icons");
  /* Likewise the language specs and style schemes of GtkSourceView. */
  gtk_source_init ();
  gtk_source_language_manager_append_search_path (gtk_source_language_manager_get_default (),
                                                  "/usr/share/gtksourceview-5/language-specs");
  gtk_source_style_scheme_manager_append_search_path (gtk_source_style_scheme_manager_get_default (),
                                                      "/usr/share/gtksourceview-5/styles");
  g_assert_nonnull (gtk_source_language_manager_get_language (gtk_source_language_manager_get_default (), "python3"));
  g_assert_nonnull (gtk_source_style_scheme_manager_get_scheme (gtk_source_style_scheme_manager_get_default (), "Adwaita-dark"));
  wf_format_set_currency ("USD");
  tmp_dir = g_dir_make_tmp ("wf-widgets-XXXXXX", NULL);
  g_assert_nonnull (tmp_dir);

  g_test_add_func ("/widgets/chart/kinds", test_chart_kinds);
  g_test_add_func ("/widgets/chart/export-png", test_chart_export_png);
  g_test_add_func ("/widgets/chart/heatmap", test_chart_heatmap);
  g_test_add_func ("/widgets/chart/dark", test_chart_dark);
  g_test_add_func ("/widgets/results/sort-and-export", test_results_sort_and_export);
  g_test_add_func ("/widgets/results/large", test_results_large);
  g_test_add_func ("/widgets/results/ragged", test_results_ragged);
  g_test_add_func ("/widgets/chart/edge-cases", test_chart_edge_cases);
  g_test_add_func ("/widgets/inspector/tabs", test_inspector_tabs);
  g_test_add_func ("/widgets/inspector/dark", test_inspector_dark);
  g_test_add_func ("/widgets/assumptions/changed", test_assumptions_changed);

  ret = g_test_run ();
  wf_ui_test_rm_rf (tmp_dir);
  g_free (tmp_dir);
  return ret;
}
