/* wf-sweep-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A sweep runs the selected run's program once per point of a grid of one or
 * two assumptions (wf_pipeline_sweep, on the warm sandbox, no model call).
 * It blocks for as long as the points take, so it runs in a worker thread that
 * touches only its task data; the dialog shows a progress bar and can cancel.
 * One axis gives a table and a line chart, two give a table and a heat map.
 */
#define G_LOG_DOMAIN "wf-sweep-dialog"

#include "config.h"

#include "wf-sweep-dialog.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "wf-assumptions.h"
#include "wf-chart.h"
#include "wf-csv.h"
#include "wf-currency.h"
#include "wf-format.h"
#include "wf-results-view.h"

#define DEFAULT_POINTS 10

typedef struct
{
  AdwComboRow   *combo;
  GtkSpinButton *from;
  GtkSpinButton *to;
  GtkSpinButton *step;
  GtkWidget     *rows[3];
} Axis;

struct _WfSweepDialog
{
  AdwWindow            parent_instance;

  GtkButton           *export_button;
  GtkButton           *run_button;
  GtkButton           *cancel_button;
  AdwPreferencesGroup *axes_group;
  AdwPreferencesGroup *metrics_group;
  GtkProgressBar      *progress;
  GtkLabel            *error_label;
  GtkBox              *result_box;

  WfPipeline          *pipeline;
  WfRun               *run;
  Axis                 axes[2];
  GPtrArray           *metric_checks;    /* (element-type GtkCheckButton) borrowed */
  GCancellable        *cancellable;
  guint                pulse_id;
  WfTable             *table;
  char                *error;
  GtkWidget           *chart;
  GtkFileChooserNative *chooser;
};

G_DEFINE_FINAL_TYPE (WfSweepDialog, wf_sweep_dialog, ADW_TYPE_WINDOW)

static const WfParam *
find_param (WfSweepDialog *self,
            const char    *label)
{
  for (guint i = 0; label != NULL && i < self->run->result->params->len; i++)
    {
      const WfParam *param = g_ptr_array_index (self->run->result->params, i);

      if (g_strcmp0 (param->label, label) == 0)
        return param;
    }
  return NULL;
}

/* Percent params hold fractions; the form shows percent, as the controls do. */
static double
param_scale (const WfParam *param)
{
  return wf_assumptions_control_scale (param);
}

static const WfParam *
axis_param (WfSweepDialog *self,
            guint          axis)
{
  guint selected = adw_combo_row_get_selected (self->axes[axis].combo);

  /* The second axis lists "None" first. */
  if (axis == 1)
    {
      if (selected == 0 || selected == GTK_INVALID_LIST_POSITION)
        return NULL;
      selected--;
    }
  if (selected == GTK_INVALID_LIST_POSITION || selected >= self->run->result->params->len)
    return NULL;
  return g_ptr_array_index (self->run->result->params, selected);
}

static void
axis_defaults (WfSweepDialog *self,
               guint          axis)
{
  const WfParam *param = axis_param (self, axis);
  double min, max, step, scale, from, to;
  guint digits;

  for (guint i = 0; i < 3; i++)
    gtk_widget_set_visible (self->axes[axis].rows[i], param != NULL);
  if (param == NULL)
    return;

  wf_assumptions_param_range (param, &min, &max, &step, &digits);
  scale = param_scale (param);
  /* Half to one and a half times the current value: the "what if it were a
   * bit more or less" people ask about; the full range when the value is 0. */
  from = param->value != 0 ? MAX (min, param->value * 0.5) : min;
  to = param->value != 0 ? MIN (max, param->value * 1.5) : max;
  if (from > to)
    {
      double t = from;
      from = to;
      to = t;
    }
  for (guint i = 0; i < 3; i++)
    {
      GtkSpinButton *spin = i == 0 ? self->axes[axis].from : i == 1 ? self->axes[axis].to : self->axes[axis].step;
      double lo = i == 2 ? step * scale : -1e12;

      gtk_spin_button_set_digits (spin, MAX (digits, 2u));
      gtk_spin_button_set_range (spin, lo, 1e12);
      gtk_spin_button_set_increments (spin, step * scale, step * scale * 10);
    }
  gtk_spin_button_set_value (self->axes[axis].from, from * scale);
  gtk_spin_button_set_value (self->axes[axis].to, to * scale);
  gtk_spin_button_set_value (self->axes[axis].step,
                             MAX (step, (to - from) / (axis == 0 ? DEFAULT_POINTS : 5)) * scale);
}

static void
combo_changed_cb (AdwComboRow   *combo,
                  GParamSpec    *pspec,
                  WfSweepDialog *self)
{
  axis_defaults (self, combo == self->axes[0].combo ? 0 : 1);
}

static GtkSpinButton *
add_spin_row (WfSweepDialog *self,
              guint          axis,
              guint          index,
              const char    *title)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *spin = gtk_spin_button_new_with_range (-1e12, 1e12, 1);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), TRUE);
  gtk_editable_set_width_chars (GTK_EDITABLE (spin), 10);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);
  adw_preferences_group_add (self->axes_group, row);
  self->axes[axis].rows[index] = row;
  return GTK_SPIN_BUTTON (spin);
}

static void
build_form (WfSweepDialog *self)
{
  g_autoptr(GtkStringList) labels0 = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) labels1 = gtk_string_list_new (NULL);

  gtk_string_list_append (labels1, _("None"));
  for (guint i = 0; i < self->run->result->params->len; i++)
    {
      const WfParam *param = g_ptr_array_index (self->run->result->params, i);

      gtk_string_list_append (labels0, param->label);
      gtk_string_list_append (labels1, param->label);
    }

  for (guint axis = 0; axis < 2; axis++)
    {
      GtkWidget *combo = adw_combo_row_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (combo), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (combo),
                                     axis == 0 ? _("Assumption") : _("Second assumption"));
      adw_combo_row_set_model (ADW_COMBO_ROW (combo), G_LIST_MODEL (axis == 0 ? labels0 : labels1));
      adw_preferences_group_add (self->axes_group, combo);
      self->axes[axis].combo = ADW_COMBO_ROW (combo);
      /* Translators: the start of a range of values */
      self->axes[axis].from = add_spin_row (self, axis, 0, _("From"));
      /* Translators: the end of a range of values */
      self->axes[axis].to = add_spin_row (self, axis, 1, _("To"));
      self->axes[axis].step = add_spin_row (self, axis, 2, _("Step"));
      axis_defaults (self, axis);
      g_signal_connect_object (combo, "notify::selected", G_CALLBACK (combo_changed_cb), self, 0);
    }

  for (guint i = 0; self->run->result->metrics != NULL && i < self->run->result->metrics->len; i++)
    {
      const WfMetric *metric = g_ptr_array_index (self->run->result->metrics, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), metric->name);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), i == 0);
      gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, metric->name, -1);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      g_object_set_data_full (G_OBJECT (check), "wf-metric", g_strdup (metric->name), g_free);
      adw_preferences_group_add (self->metrics_group, row);
      g_ptr_array_add (self->metric_checks, check);
    }
}

/* Worker */

typedef struct
{
  WfPipeline  *pipeline;
  gint64       run_id;
  WfSweepAxis  axes[2];
  guint        n_axes;
  GStrv        metrics;
} SweepData;

static void
sweep_data_free (SweepData *data)
{
  g_clear_object (&data->pipeline);
  for (guint i = 0; i < 2; i++)
    g_free (data->axes[i].label);
  g_strfreev (data->metrics);
  g_free (data);
}

static void
sweep_worker (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  SweepData *data = task_data;
  GError *error = NULL;
  WfTable *table;

  table = wf_pipeline_sweep (data->pipeline, data->run_id, data->axes, data->n_axes,
                             (const char * const *) data->metrics, cancellable, &error);
  if (table == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, table, (GDestroyNotify) wf_table_free);
}

static void
set_busy (WfSweepDialog *self,
          gboolean       busy)
{
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->run_button), !busy);
  gtk_widget_set_visible (GTK_WIDGET (self->progress), busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->export_button), !busy && self->table != NULL);
  if (!busy)
    g_clear_handle_id (&self->pulse_id, g_source_remove);
}

static gboolean
pulse_cb (gpointer user_data)
{
  WfSweepDialog *self = user_data;

  gtk_progress_bar_pulse (self->progress);
  return G_SOURCE_CONTINUE;
}

static char *
format_axis_value (WfSweepDialog *self,
                   const WfParam *param,
                   double         value)
{
  /* Amounts in the currency the run answered in. */
  const char *currency = wf_currency_of_metrics (self->run->result->metrics);

  return wf_format_param (value, param ? param->kind : "number", param_scale (param), currency);
}

static void
show_result (WfSweepDialog *self,
             const char    *label0,
             const char    *label1)
{
  GtkWidget *child;
  GtkWidget *view;
  const WfParam *p0 = find_param (self, label0);
  guint n_axes = label1 != NULL ? 2 : 1;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->result_box))) != NULL)
    gtk_box_remove (self->result_box, child);
  self->chart = wf_chart_widget_new ();
  gtk_widget_set_size_request (self->chart, -1, 300);

  if (n_axes == 1)
    {
      g_autoptr(GString) title = g_string_new (NULL);
      g_autoptr(WfChart) chart = NULL;

      for (guint c = 1; c < self->table->columns->len; c++)
        {
          if (c > 1)
            g_string_append (title, ", ");
          g_string_append (title, g_ptr_array_index (self->table->columns, c));
        }
      /* Translators: chart title, "Monthly payment, Total interest by Annual interest rate" */
      chart = wf_chart_new ("line", NULL);
      chart->title = g_strdup_printf (_("%s by %s"), title->str, label0);

      for (guint r = 0; r < wf_table_get_n_rows (self->table); r++)
        {
          JsonArray *row = json_array_get_array_element (self->table->rows, r);

          g_ptr_array_add (chart->x, format_axis_value (self, p0, json_array_get_double_element (row, 0)));
        }
      for (guint c = 1; c < self->table->columns->len; c++)
        {
          WfSeries *series = wf_series_new (g_ptr_array_index (self->table->columns, c));

          for (guint r = 0; r < wf_table_get_n_rows (self->table); r++)
            {
              JsonArray *row = json_array_get_array_element (self->table->rows, r);
              JsonNode *node = json_array_get_element (row, c);
              double v = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_double (node) : NAN;

              g_array_append_val (series->values, v);
            }
          g_ptr_array_add (chart->series, series);
        }
      wf_chart_widget_set_chart (WF_CHART_WIDGET (self->chart), chart);
    }
  else
    {
      const char *metric = g_ptr_array_index (self->table->columns, 2);
      /* Translators: heat map title, "Monthly payment by Rate and Years" */
      g_autofree char *title = g_strdup_printf (_("%s by %s and %s"), metric, label0, label1);

      wf_chart_widget_set_heatmap (WF_CHART_WIDGET (self->chart), self->table, label0, label1, metric, title);
    }
  gtk_box_append (self->result_box, self->chart);

  view = wf_results_view_new ();
  wf_results_view_set_table (WF_RESULTS_VIEW (view), self->table);
  gtk_widget_set_size_request (view, -1, 240);
  gtk_box_append (self->result_box, view);
}

static void
sweep_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(WfSweepDialog) self = user_data;
  SweepData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  WfTable *table;

  table = g_task_propagate_pointer (G_TASK (result), &error);
  g_clear_object (&self->cancellable);
  /* Closed while the sweep ran: nothing left to show it in. */
  if (self->result_box == NULL)
    {
      g_clear_pointer (&table, wf_table_free);
      return;
    }
  if (table == NULL)
    {
      g_free (self->error);
      self->error = g_strdup (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                              ? _("The sweep was cancelled.") : error->message);
      gtk_label_set_text (self->error_label, self->error);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      set_busy (self, FALSE);
      return;
    }
  g_clear_pointer (&self->table, wf_table_free);
  self->table = table;
  show_result (self, data->axes[0].label, data->n_axes == 2 ? data->axes[1].label : NULL);
  set_busy (self, FALSE);
}

void
wf_sweep_dialog_start (WfSweepDialog *self)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) metrics = g_ptr_array_new_with_free_func (g_free);
  SweepData *data;
  guint points = 1;

  g_return_if_fail (WF_IS_SWEEP_DIALOG (self));

  if (self->cancellable != NULL)
    return;

  data = g_new0 (SweepData, 1);
  data->pipeline = g_object_ref (self->pipeline);
  data->run_id = self->run->id;
  for (guint axis = 0; axis < 2; axis++)
    {
      const WfParam *param = axis_param (self, axis);
      double scale;

      if (param == NULL)
        continue;
      scale = param_scale (param);
      data->axes[data->n_axes].label = g_strdup (param->label);
      data->axes[data->n_axes].from = gtk_spin_button_get_value (self->axes[axis].from) / scale;
      data->axes[data->n_axes].to = gtk_spin_button_get_value (self->axes[axis].to) / scale;
      data->axes[data->n_axes].step = gtk_spin_button_get_value (self->axes[axis].step) / scale;
      if (data->axes[data->n_axes].step > 0)
        points *= (guint) MIN (1e6, floor ((data->axes[data->n_axes].to - data->axes[data->n_axes].from) /
                                           data->axes[data->n_axes].step + 1e-9) + 1);
      data->n_axes++;
    }
  for (guint i = 0; i < self->metric_checks->len; i++)
    {
      GtkCheckButton *check = g_ptr_array_index (self->metric_checks, i);

      if (gtk_check_button_get_active (check))
        g_ptr_array_add (metrics, g_strdup (g_object_get_data (G_OBJECT (check), "wf-metric")));
    }
  g_ptr_array_add (metrics, NULL);
  data->metrics = (GStrv) g_ptr_array_free (g_steal_pointer (&metrics), FALSE);

  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  g_clear_pointer (&self->error, g_free);
  if (data->n_axes == 0 || data->metrics[0] == NULL)
    {
      self->error = g_strdup (data->n_axes == 0 ? _("Choose an assumption to vary.")
                                                : _("Choose at least one result to show."));
      gtk_label_set_text (self->error_label, self->error);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      sweep_data_free (data);
      return;
    }

  {
    g_autofree char *text =
      g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Running the model for %u point…",
                                    "Running the model for %u points…", points), points);

    gtk_progress_bar_set_text (self->progress, text);
  }
  self->cancellable = g_cancellable_new ();
  set_busy (self, TRUE);
  self->pulse_id = g_timeout_add (100, pulse_cb, self);

  task = g_task_new (self, self->cancellable, sweep_done_cb, g_object_ref (self));
  g_task_set_source_tag (task, wf_sweep_dialog_start);
  g_task_set_task_data (task, data, (GDestroyNotify) sweep_data_free);
  g_task_run_in_thread (task, sweep_worker);
}

void
wf_sweep_dialog_cancel (WfSweepDialog *self)
{
  g_return_if_fail (WF_IS_SWEEP_DIALOG (self));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

gboolean
wf_sweep_dialog_get_busy (WfSweepDialog *self)
{
  g_return_val_if_fail (WF_IS_SWEEP_DIALOG (self), FALSE);

  return self->cancellable != NULL;
}

const WfTable *
wf_sweep_dialog_get_table (WfSweepDialog *self)
{
  g_return_val_if_fail (WF_IS_SWEEP_DIALOG (self), NULL);

  return self->table;
}

const char *
wf_sweep_dialog_get_error (WfSweepDialog *self)
{
  g_return_val_if_fail (WF_IS_SWEEP_DIALOG (self), NULL);

  return self->error;
}

GtkWidget *
wf_sweep_dialog_get_chart (WfSweepDialog *self)
{
  g_return_val_if_fail (WF_IS_SWEEP_DIALOG (self), NULL);

  return self->chart;
}

gboolean
wf_sweep_dialog_set_axis (WfSweepDialog *self,
                          guint          axis,
                          const char    *label,
                          double         from,
                          double         to,
                          double         step)
{
  const WfParam *param;
  double scale;

  g_return_val_if_fail (WF_IS_SWEEP_DIALOG (self), FALSE);
  g_return_val_if_fail (axis < 2, FALSE);

  if (label == NULL)
    {
      if (axis == 0)
        return FALSE;
      adw_combo_row_set_selected (self->axes[1].combo, 0);
      return TRUE;
    }
  for (guint i = 0; i < self->run->result->params->len; i++)
    {
      param = g_ptr_array_index (self->run->result->params, i);
      if (g_strcmp0 (param->label, label) != 0)
        continue;
      adw_combo_row_set_selected (self->axes[axis].combo, axis == 0 ? i : i + 1);
      scale = param_scale (param);
      gtk_spin_button_set_value (self->axes[axis].from, from * scale);
      gtk_spin_button_set_value (self->axes[axis].to, to * scale);
      gtk_spin_button_set_value (self->axes[axis].step, step * scale);
      return TRUE;
    }
  return FALSE;
}

void
wf_sweep_dialog_set_metrics (WfSweepDialog      *self,
                             const char * const *metrics)
{
  g_return_if_fail (WF_IS_SWEEP_DIALOG (self));

  for (guint i = 0; i < self->metric_checks->len; i++)
    {
      GtkCheckButton *check = g_ptr_array_index (self->metric_checks, i);
      const char *name = g_object_get_data (G_OBJECT (check), "wf-metric");

      gtk_check_button_set_active (check, metrics != NULL && g_strv_contains (metrics, name));
    }
}

gboolean
wf_sweep_dialog_export_csv (WfSweepDialog *self,
                            const char    *path,
                            GError       **error)
{
  g_autofree char *csv = NULL;

  g_return_val_if_fail (WF_IS_SWEEP_DIALOG (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (self->table == NULL)
    {
      g_set_error (error, WF_CSV_ERROR, WF_CSV_ERROR_EMPTY, _("Run the sweep before exporting it."));
      return FALSE;
    }
  csv = wf_csv_table_to_string (self->table, WF_CSV_FLAGS_NONE);
  return g_file_set_contents (path, csv, -1, error);
}

static void
export_response_cb (GtkNativeDialog *dialog,
                    int              response,
                    WfSweepDialog   *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;
      g_autoptr(GError) error = NULL;

      if (path != NULL && !wf_sweep_dialog_export_csv (self, path, &error))
        {
          g_free (self->error);
          self->error = g_strdup (error->message);
          gtk_label_set_text (self->error_label, error->message);
          gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
        }
    }
  g_clear_object (&self->chooser);
  g_object_unref (self);
}

static void
export_clicked_cb (WfSweepDialog *self)
{
  if (self->chooser != NULL || self->table == NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Export Sweep"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), "sweep.csv");
  g_signal_connect (self->chooser, "response", G_CALLBACK (export_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
wf_sweep_dialog_dispose (GObject *object)
{
  WfSweepDialog *self = WF_SWEEP_DIALOG (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->pulse_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), WF_TYPE_SWEEP_DIALOG);
  g_clear_object (&self->pipeline);

  G_OBJECT_CLASS (wf_sweep_dialog_parent_class)->dispose (object);
}

static void
wf_sweep_dialog_finalize (GObject *object)
{
  WfSweepDialog *self = WF_SWEEP_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->run, wf_run_free);
  g_clear_pointer (&self->table, wf_table_free);
  g_clear_pointer (&self->metric_checks, g_ptr_array_unref);
  g_free (self->error);

  G_OBJECT_CLASS (wf_sweep_dialog_parent_class)->finalize (object);
}

static void
close_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  WfSweepDialog *self = WF_SWEEP_DIALOG (widget);

  /* Escape cancels a running sweep first, then closes. */
  if (self->cancellable != NULL)
    wf_sweep_dialog_cancel (self);
  else
    gtk_window_close (GTK_WINDOW (self));
}

static void
wf_sweep_dialog_class_init (WfSweepDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wf_sweep_dialog_dispose;
  object_class->finalize = wf_sweep_dialog_finalize;

  gtk_widget_class_install_action (widget_class, "sweep.close", NULL, close_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "sweep.close", NULL);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/whatif/WhatIf/wf-sweep-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, WfSweepDialog, export_button);
  gtk_widget_class_bind_template_child (widget_class, WfSweepDialog, run_button);
  gtk_widget_class_bind_template_child (widget_class, WfSweepDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, WfSweepDialog, axes_group);
  gtk_widget_class_bind_template_child (widget_class, WfSweepDialog, metrics_group);
  gtk_widget_class_bind_template_child (widget_class, WfSweepDialog, progress);
  gtk_widget_class_bind_template_child (widget_class, WfSweepDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, WfSweepDialog, result_box);
}

static void
wf_sweep_dialog_init (WfSweepDialog *self)
{
  self->metric_checks = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (self->run_button, "clicked", G_CALLBACK (wf_sweep_dialog_start), self);
  g_signal_connect_swapped (self->cancel_button, "clicked", G_CALLBACK (wf_sweep_dialog_cancel), self);
  g_signal_connect_swapped (self->export_button, "clicked", G_CALLBACK (export_clicked_cb), self);
}

GtkWidget *
wf_sweep_dialog_new (GtkWindow   *parent,
                     WfPipeline  *pipeline,
                     const WfRun *run)
{
  WfSweepDialog *self;
  g_autofree char *title = NULL;

  g_return_val_if_fail (WF_IS_PIPELINE (pipeline), NULL);
  g_return_val_if_fail (run != NULL && run->result != NULL && run->result->params != NULL, NULL);

  self = g_object_new (WF_TYPE_SWEEP_DIALOG, "transient-for", parent, NULL);
  self->pipeline = g_object_ref (pipeline);
  self->run = wf_run_new ();
  self->run->id = run->id;
  self->run->result = wf_run_result_copy (run->result);
  build_form (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->run_button), self->metric_checks->len > 0);

  return GTK_WIDGET (self);
}
