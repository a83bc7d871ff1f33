/* wf-assumptions.c: the editable assumptions (wf.param) of one run
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Dragging a slider changes the value many times a second; "changed" waits
 * for a short pause (50 ms, about three frames) so the model re-runs once per
 * gesture step, not once per pixel; a newer re-run cancels an older one. Percent params hold fractions (0.05); their
 * controls show percent (5) because that is what people type.
 */
#define G_LOG_DOMAIN "wf-assumptions"

#include "config.h"

#include "wf-assumptions.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "wf-format.h"

#define DEFAULT_DEBOUNCE_MS 50

typedef struct
{
  WfAssumptions *owner;
  WfParam       *param;
  double         scale;       /* control value = param value × scale */
  GtkWidget     *row;
  GtkSpinButton *spin;
  GtkScale      *slider;
} Entry;

struct _WfAssumptions
{
  GtkWidget            parent_instance;

  GtkWidget           *box;
  AdwPreferencesGroup *group;
  GtkButton           *sweep_button;
  GtkLabel            *empty_label;

  GPtrArray           *entries;       /* (element-type Entry) */
  guint                debounce_ms;
  gboolean             compact;
  guint                debounce_id;
  gboolean             updating;
  char                *currency;      /* nullable: the run's currency, for money */
};

G_DEFINE_FINAL_TYPE (WfAssumptions, wf_assumptions, GTK_TYPE_WIDGET)

enum
{
  SIGNAL_CHANGED,
  SIGNAL_SWEEP_REQUESTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  wf_param_free (entry->param);
  g_free (entry);
}

static double
nice_step (double magnitude)
{
  double p;

  if (!(magnitude > 0) || !isfinite (magnitude))
    return 1.0;
  p = pow (10.0, floor (log10 (magnitude)));
  return p;
}

void
wf_assumptions_param_range (const WfParam *param,
                            double        *out_min,
                            double        *out_max,
                            double        *out_step,
                            guint         *out_digits)
{
  const char *kind = param->kind ? param->kind : "number";
  double v = isfinite (param->value) ? param->value : 0.0;
  double a = fabs (v);
  double min, max, step;
  guint digits;

  if (g_str_equal (kind, "percent"))
    {
      min = MIN (0.0, v * 2);
      max = MAX (1.0, v * 2);
      step = 0.001;
      digits = 1;
    }
  else if (g_str_equal (kind, "money"))
    {
      min = v < 0 ? -MAX (a * 10, 1000.0) : 0.0;
      max = MAX (a * 10, 1000.0);
      step = MAX (0.01, nice_step (a) / 100.0);
      digits = step < 1.0 ? 2 : 0;
    }
  else if (g_str_equal (kind, "count"))
    {
      min = MIN (0.0, v);
      max = MAX (a * 10, 100.0);
      step = 1;
      digits = 0;
    }
  else if (g_str_equal (kind, "months"))
    {
      min = 0;
      max = MAX (a * 2, 120.0);
      step = 1;
      digits = 0;
    }
  else if (g_str_equal (kind, "years"))
    {
      min = 0;
      max = MAX (a * 2, 50.0);
      step = 1;
      digits = 0;
    }
  else
    {
      min = v < 0 ? -MAX (a * 10, 100.0) : 0.0;
      max = MAX (a * 10, 100.0);
      step = a > 0 && a < 10 ? 0.01 : MAX (0.01, nice_step (a) / 100.0);
      digits = step < 1.0 ? 2 : 0;
    }

  if (isfinite (param->min))
    min = param->min;
  if (isfinite (param->max))
    max = param->max;
  if (isfinite (param->step) && param->step > 0)
    step = param->step;
  if (max < min)
    {
      double t = max;
      max = min;
      min = t;
    }
  /* The current value is always reachable. */
  min = MIN (min, v);
  max = MAX (max, v);
  if (step < 1.0 && digits == 0)
    digits = MIN (6u, (guint) ceil (-log10 (step)));

  *out_min = min;
  *out_max = max;
  *out_step = step;
  *out_digits = digits;
}

double
wf_assumptions_control_scale (const WfParam *param)
{
  if (param == NULL || g_strcmp0 (param->kind, "percent") != 0)
    return 1.0;
  /* Generated programs hold percent params either as fractions (0.075) or,
   * like the offline templates, already in percent (7.5 with max=40). A
   * bound or value above 1 tells which: 1 % as a fraction would be 0.01. */
  if ((isfinite (param->max) && param->max > 1.0) || fabs (param->value) > 1.0)
    return 1.0;
  return 100.0;
}

static void
update_subtitle (Entry *entry)
{
  g_autofree char *text = NULL;

  text = wf_format_param (entry->param->value, entry->param->kind, entry->scale, entry->owner->currency);

  adw_action_row_set_subtitle (ADW_ACTION_ROW (entry->row), text);
}

GHashTable *
wf_assumptions_dup_values (WfAssumptions *self)
{
  GHashTable *values;

  g_return_val_if_fail (WF_IS_ASSUMPTIONS (self), NULL);

  values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);
      double *v = g_new (double, 1);

      *v = entry->param->value;
      g_hash_table_replace (values, g_strdup (entry->param->label), v);
    }
  return values;
}

static gboolean
emit_changed (gpointer data)
{
  WfAssumptions *self = data;
  g_autoptr(GHashTable) values = NULL;

  self->debounce_id = 0;
  values = wf_assumptions_dup_values (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0, values);
  return G_SOURCE_REMOVE;
}

static void
on_value_changed (GtkAdjustment *adjustment,
                  Entry         *entry)
{
  WfAssumptions *self = g_object_get_data (G_OBJECT (entry->row), "wf-assumptions");

  if (self == NULL || self->updating)
    return;
  entry->param->value = gtk_adjustment_get_value (adjustment) / entry->scale;
  update_subtitle (entry);
  g_clear_handle_id (&self->debounce_id, g_source_remove);
  self->debounce_id = g_timeout_add (self->debounce_ms, emit_changed, self);
}

static void
remove_rows (WfAssumptions *self)
{
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);
      adw_preferences_group_remove (self->group, entry->row);
    }
  g_ptr_array_set_size (self->entries, 0);
}

void
wf_assumptions_set_params (WfAssumptions *self,
                           GPtrArray     *params)
{
  g_return_if_fail (WF_IS_ASSUMPTIONS (self));

  g_clear_handle_id (&self->debounce_id, g_source_remove);
  self->updating = TRUE;
  remove_rows (self);
  for (guint i = 0; params && i < params->len; i++)
    {
      const WfParam *param = g_ptr_array_index (params, i);
      Entry *entry;
      GtkAdjustment *adjustment;
      double min, max, step;
      guint digits;
      gboolean bounded;

      if (param == NULL || param->label == NULL)
        continue;
      entry = g_new0 (Entry, 1);
      entry->owner = self;
      entry->param = wf_param_copy (param);
      if (!isfinite (entry->param->value))
        entry->param->value = 0.0;
      entry->scale = wf_assumptions_control_scale (param);
      wf_assumptions_param_range (param, &min, &max, &step, &digits);
      adjustment = gtk_adjustment_new (entry->param->value * entry->scale,
                                       min * entry->scale, max * entry->scale,
                                       step * entry->scale, step * entry->scale * 10, 0);

      entry->row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (entry->row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (entry->row), param->label);
      g_object_set_data (G_OBJECT (entry->row), "wf-assumptions", self);

      /* A narrow place (the inspector) gets the spin button only: a slider
       * beside it would squeeze the label to a letter per line. */
      bounded = isfinite (param->min) && isfinite (param->max) && !self->compact;
      if (bounded)
        {
          entry->slider = GTK_SCALE (gtk_scale_new (GTK_ORIENTATION_HORIZONTAL, adjustment));
          gtk_scale_set_draw_value (entry->slider, FALSE);
          gtk_widget_set_size_request (GTK_WIDGET (entry->slider), 160, -1);
          gtk_widget_set_valign (GTK_WIDGET (entry->slider), GTK_ALIGN_CENTER);
          gtk_accessible_update_property (GTK_ACCESSIBLE (entry->slider),
                                          GTK_ACCESSIBLE_PROPERTY_LABEL, param->label, -1);
          adw_action_row_add_suffix (ADW_ACTION_ROW (entry->row), GTK_WIDGET (entry->slider));
        }
      entry->spin = GTK_SPIN_BUTTON (gtk_spin_button_new (adjustment, step * entry->scale, digits));
      gtk_spin_button_set_numeric (entry->spin, TRUE);
      gtk_widget_set_valign (GTK_WIDGET (entry->spin), GTK_ALIGN_CENTER);
      gtk_editable_set_width_chars (GTK_EDITABLE (entry->spin), 9);
      gtk_accessible_update_property (GTK_ACCESSIBLE (entry->spin),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, param->label, -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (entry->row), GTK_WIDGET (entry->spin));
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (entry->row), GTK_WIDGET (entry->spin));
      g_signal_connect (adjustment, "value-changed", G_CALLBACK (on_value_changed), entry);
      update_subtitle (entry);
      adw_preferences_group_add (self->group, entry->row);
      g_ptr_array_add (self->entries, entry);
    }
  self->updating = FALSE;
  gtk_widget_set_visible (GTK_WIDGET (self->empty_label), self->entries->len == 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "assumptions.sweep", self->entries->len > 0);
}

void
wf_assumptions_set_values (WfAssumptions *self,
                           GHashTable    *values)
{
  g_return_if_fail (WF_IS_ASSUMPTIONS (self));

  if (values == NULL)
    return;
  self->updating = TRUE;
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);
      const double *v = g_hash_table_lookup (values, entry->param->label);

      if (v == NULL || !isfinite (*v) || *v == entry->param->value)
        continue;
      entry->param->value = *v;
      gtk_adjustment_set_value (gtk_spin_button_get_adjustment (entry->spin), *v * entry->scale);
      update_subtitle (entry);
    }
  self->updating = FALSE;
}

guint
wf_assumptions_get_n_params (WfAssumptions *self)
{
  g_return_val_if_fail (WF_IS_ASSUMPTIONS (self), 0);
  return self->entries->len;
}

GtkSpinButton *
wf_assumptions_get_spin_button (WfAssumptions *self,
                                const char    *label)
{
  g_return_val_if_fail (WF_IS_ASSUMPTIONS (self), NULL);

  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);
      if (g_strcmp0 (entry->param->label, label) == 0)
        return entry->spin;
    }
  return NULL;
}

void
wf_assumptions_set_currency (WfAssumptions *self,
                             const char    *code)
{
  g_return_if_fail (WF_IS_ASSUMPTIONS (self));

  if (g_strcmp0 (self->currency, code) == 0)
    return;
  g_free (self->currency);
  self->currency = g_strdup (code);
  for (guint i = 0; i < self->entries->len; i++)
    update_subtitle (g_ptr_array_index (self->entries, i));
}

void
wf_assumptions_set_compact (WfAssumptions *self,
                            gboolean       compact)
{
  g_return_if_fail (WF_IS_ASSUMPTIONS (self));
  self->compact = !!compact;
}

void
wf_assumptions_set_debounce (WfAssumptions *self,
                             guint          ms)
{
  g_return_if_fail (WF_IS_ASSUMPTIONS (self));
  self->debounce_ms = ms;
}

static void
sweep_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  (void) action_name;
  (void) parameter;
  g_signal_emit (widget, signals[SIGNAL_SWEEP_REQUESTED], 0);
}

static void
wf_assumptions_dispose (GObject *object)
{
  WfAssumptions *self = WF_ASSUMPTIONS (object);

  g_clear_handle_id (&self->debounce_id, g_source_remove);
  if (self->entries)
    g_ptr_array_set_size (self->entries, 0);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  G_OBJECT_CLASS (wf_assumptions_parent_class)->dispose (object);
}

static void
wf_assumptions_finalize (GObject *object)
{
  g_clear_pointer (&WF_ASSUMPTIONS (object)->entries, g_ptr_array_unref);
  g_clear_pointer (&WF_ASSUMPTIONS (object)->currency, g_free);
  G_OBJECT_CLASS (wf_assumptions_parent_class)->finalize (object);
}

static void
wf_assumptions_class_init (WfAssumptionsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wf_assumptions_dispose;
  object_class->finalize = wf_assumptions_finalize;

  /* changed (GHashTable label → gdouble*): the values after a short pause. */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_HASH_TABLE);
  signals[SIGNAL_SWEEP_REQUESTED] =
    g_signal_new ("sweep-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/whatif/WhatIf/wf-assumptions.ui");
  gtk_widget_class_bind_template_child (widget_class, WfAssumptions, box);
  gtk_widget_class_bind_template_child (widget_class, WfAssumptions, group);
  gtk_widget_class_bind_template_child (widget_class, WfAssumptions, sweep_button);
  gtk_widget_class_bind_template_child (widget_class, WfAssumptions, empty_label);
  gtk_widget_class_install_action (widget_class, "assumptions.sweep", NULL, sweep_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
wf_assumptions_init (WfAssumptions *self)
{
  self->entries = g_ptr_array_new_with_free_func (entry_free);
  self->debounce_ms = DEFAULT_DEBOUNCE_MS;
  gtk_widget_init_template (GTK_WIDGET (self));
  wf_assumptions_set_params (self, NULL);
}

GtkWidget *
wf_assumptions_new (void)
{
  return g_object_new (WF_TYPE_ASSUMPTIONS, NULL);
}
