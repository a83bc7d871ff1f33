/* wf-budget-indicator.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A level bar of what this month cost against the monthly limit, coloured by
 * the budget's state so a person sees "almost used up" before a question is
 * refused. The spend view (a popover) is filled only when it opens: the
 * header must not read the whole ledger on every run.
 */
#define G_LOG_DOMAIN "wf-budget-indicator"

#include "config.h"

#include "wf-budget-indicator.h"

#include <glib/gi18n-lib.h>

#include "wf-format.h"

/* The spend view lists at most this many estimated runs (newest first). */
#define MAX_ESTIMATED_ROWS 20
#define RUNS_SCANNED       200

struct _WfBudgetIndicator
{
  GtkWidget            parent_instance;

  GtkMenuButton       *button;
  GtkLabel            *amount_label;
  GtkLevelBar         *level_bar;
  GtkPopover          *popover;
  GtkLabel            *summary_label;
  AdwPreferencesGroup *day_group;
  AdwPreferencesGroup *model_group;
  AdwPreferencesGroup *estimated_group;

  WfStore             *store;
  WfBudgetStatus       status;
  GPtrArray           *rows;           /* (element-type GtkWidget) rows in the groups */
};

G_DEFINE_FINAL_TYPE (WfBudgetIndicator, wf_budget_indicator, GTK_TYPE_WIDGET)

static const char *state_classes[] = {
  "budget-active", "budget-warned", "budget-degraded", "budget-stopped",
};

static char *
format_date (gint64 unix_us)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (unix_us / G_USEC_PER_SEC);

  if (dt == NULL)
    return g_strdup ("?");
  /* Translators: a date as in "resets on 1 December"; see g_date_time_format */
  /* xgettext:no-c-format */
  return g_date_time_format (dt, _("%-d %B"));
}

static const char *
state_sentence (WfBudgetState state)
{
  switch (state)
    {
    case WF_BUDGET_ACTIVE:
      return _("Within budget.");
    case WF_BUDGET_WARNED:
      return _("Most of this month’s budget is used.");
    case WF_BUDGET_DEGRADED:
      return _("Almost out of budget: cheaper models are used.");
    case WF_BUDGET_STOPPED:
      return _("Budget used up: paid models are not called until the reset.");
    default:
      return "";
    }
}

static gint64
month_spent (const WfBudgetStatus *status)
{
  return status->month_settled + status->month_reserved;
}

static void fill_spend (WfBudgetIndicator *self);

static void
update_status (WfBudgetIndicator *self)
{
  g_autoptr(WfBudget) budget = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *spent = NULL;
  g_autofree char *limit = NULL;
  g_autofree char *reset = NULL;
  g_autofree char *tooltip = NULL;
  double fraction = 0;

  for (guint i = 0; i < G_N_ELEMENTS (state_classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->level_bar), state_classes[i]);

  if (self->store == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
      return;
    }

  budget = wf_budget_new (self->store);
  if (!wf_budget_get_status (budget, 0, &self->status, &error))
    {
      g_warning ("Cannot read the budget: %s", error->message);
      gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self), TRUE);

  spent = wf_format_cost_micros (month_spent (&self->status));
  reset = format_date (self->status.next_reset_us);
  gtk_label_set_text (self->amount_label, spent);

  if (self->status.monthly_limit > 0)
    {
      limit = wf_format_cost_micros (self->status.monthly_limit);
      fraction = CLAMP ((double) month_spent (&self->status) / self->status.monthly_limit, 0.0, 1.0);
      /* Translators: "$1.20 of $10.00 this month. Within budget. Resets on 1 December." */
      tooltip = g_strdup_printf (_("%s of %s this month. %s Resets on %s."),
                                 spent, limit, state_sentence (self->status.state), reset);
    }
  else
    tooltip = g_strdup_printf (_("%s this month, no monthly limit. %s Resets on %s."),
                               spent, state_sentence (self->status.state), reset);

  gtk_level_bar_set_value (self->level_bar, fraction);
  if ((guint) self->status.state < G_N_ELEMENTS (state_classes))
    gtk_widget_add_css_class (GTK_WIDGET (self->level_bar), state_classes[self->status.state]);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->button), tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, tooltip, -1);
}

void
wf_budget_indicator_refresh (WfBudgetIndicator *self)
{
  g_return_if_fail (WF_IS_BUDGET_INDICATOR (self));

  update_status (self);
  if (gtk_widget_get_visible (GTK_WIDGET (self->popover)))
    fill_spend (self);
}

static void
clear_rows (WfBudgetIndicator *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);
      GtkWidget *group = gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP);

      if (group != NULL)
        adw_preferences_group_remove (ADW_PREFERENCES_GROUP (group), row);
    }
  g_ptr_array_set_size (self->rows, 0);
}

static void
add_row (WfBudgetIndicator   *self,
         AdwPreferencesGroup *group,
         const char          *title,
         const char          *subtitle,
         const char          *amount)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *label = gtk_label_new (amount);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_add_css_class (label, "numeric");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  g_object_set_data_full (G_OBJECT (row), "wf-amount", g_strdup (amount), g_free);
  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->rows, row);
}

static void
fill_report (WfBudgetIndicator   *self,
             AdwPreferencesGroup *group,
             WfSpendGrouping      grouping)
{
  g_autoptr(GPtrArray) report = NULL;
  g_autoptr(GError) error = NULL;

  report = wf_store_spend_report (self->store, grouping, self->status.month_start_us,
                                  self->status.next_reset_us, &error);
  if (report == NULL)
    {
      g_warning ("Cannot read the spend report: %s", error->message);
      return;
    }
  if (report->len == 0)
    add_row (self, group, _("Nothing spent yet"), NULL, "");

  /* Newest day first: it is the one people look for. */
  for (guint k = 0; k < report->len; k++)
    {
      guint i = grouping == WF_SPEND_BY_DAY ? report->len - 1 - k : k;
      const WfSpendRow *row = g_ptr_array_index (report, i);
      g_autofree char *amount = wf_format_cost_micros (row->micros);
      g_autofree char *subtitle = NULL;
      const char *title = row->key && *row->key ? row->key : _("No model");

      if (row->estimated_micros > 0)
        {
          g_autofree char *est = wf_format_cost_micros (row->estimated_micros);

          /* Translators: "3 answers, $0.002 estimated" */
          subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u charge, %s estimated",
                                                   "%u charges, %s estimated", row->n_entries),
                                      row->n_entries, est);
        }
      else
        subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u charge", "%u charges", row->n_entries),
                                    row->n_entries);
      add_row (self, group, title, subtitle, amount);
    }
}

static void
fill_estimated (WfBudgetIndicator *self)
{
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  guint shown = 0;

  runs = wf_store_list_runs (self->store, 0, 0, RUNS_SCANNED, &error);
  if (runs == NULL)
    {
      g_warning ("Cannot list runs: %s", error->message);
      return;
    }
  for (guint i = 0; i < runs->len && shown < MAX_ESTIMATED_ROWS; i++)
    {
      const WfRunSummary *run = g_ptr_array_index (runs, i);
      g_autofree char *amount = NULL;

      if (run->created_us < self->status.month_start_us)
        break;
      if (!run->cost_estimated || run->total_micros <= 0)
        continue;
      amount = wf_format_cost_micros (run->total_micros);
      add_row (self, self->estimated_group, run->question ? run->question : "", run->model, amount);
      shown++;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->estimated_group), shown > 0);
}

static void
fill_spend (WfBudgetIndicator *self)
{
  g_autofree char *spent = NULL;
  g_autofree char *reset = NULL;
  g_autofree char *summary = NULL;

  clear_rows (self);
  if (self->store == NULL)
    return;

  spent = wf_format_cost_micros (month_spent (&self->status));
  reset = format_date (self->status.next_reset_us);
  if (self->status.monthly_limit > 0)
    {
      g_autofree char *limit = wf_format_cost_micros (self->status.monthly_limit);

      /* Translators: "$1.20 of $10.00 spent. Within budget. The budget resets on 1 December." */
      summary = g_strdup_printf (_("%s of %s spent. %s The budget resets on %s."),
                                 spent, limit, state_sentence (self->status.state), reset);
    }
  else
    summary = g_strdup_printf (_("%s spent, no monthly limit. The month resets on %s."), spent, reset);
  gtk_label_set_text (self->summary_label, summary);

  fill_report (self, self->day_group, WF_SPEND_BY_DAY);
  fill_report (self, self->model_group, WF_SPEND_BY_MODEL);
  fill_estimated (self);
}

void
wf_budget_indicator_show_spend (WfBudgetIndicator *self)
{
  g_return_if_fail (WF_IS_BUDGET_INDICATOR (self));

  if (gtk_widget_get_visible (GTK_WIDGET (self->popover)))
    wf_budget_indicator_refresh (self);
  else
    gtk_menu_button_popup (self->button);
}

static void
popover_show_cb (WfBudgetIndicator *self)
{
  /* Read the ledger when the view opens: it may have changed since. */
  update_status (self);
  fill_spend (self);
}

char *
wf_budget_indicator_dup_spend_text (WfBudgetIndicator *self)
{
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (WF_IS_BUDGET_INDICATOR (self), NULL);

  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);
      GtkWidget *group = gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP);

      g_string_append_printf (text, "%s\t%s\t%s\n",
                              group ? adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (group)) : "",
                              adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)),
                              (const char *) g_object_get_data (G_OBJECT (row), "wf-amount"));
    }
  return g_string_free (text, FALSE);
}

WfBudgetState
wf_budget_indicator_get_state (WfBudgetIndicator *self)
{
  g_return_val_if_fail (WF_IS_BUDGET_INDICATOR (self), WF_BUDGET_ACTIVE);

  return self->status.state;
}

double
wf_budget_indicator_get_fraction (WfBudgetIndicator *self)
{
  g_return_val_if_fail (WF_IS_BUDGET_INDICATOR (self), 0);

  return gtk_level_bar_get_value (self->level_bar);
}

void
wf_budget_indicator_set_store (WfBudgetIndicator *self,
                               WfStore           *store)
{
  g_return_if_fail (WF_IS_BUDGET_INDICATOR (self));
  g_return_if_fail (!store || WF_IS_STORE (store));

  if (g_set_object (&self->store, store))
    wf_budget_indicator_refresh (self);
}

static void
wf_budget_indicator_dispose (GObject *object)
{
  WfBudgetIndicator *self = WF_BUDGET_INDICATOR (object);

  if (self->rows != NULL)
    g_ptr_array_set_size (self->rows, 0);
  gtk_widget_dispose_template (GTK_WIDGET (self), WF_TYPE_BUDGET_INDICATOR);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (wf_budget_indicator_parent_class)->dispose (object);
}

static void
wf_budget_indicator_finalize (GObject *object)
{
  g_clear_pointer (&WF_BUDGET_INDICATOR (object)->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (wf_budget_indicator_parent_class)->finalize (object);
}

static void
wf_budget_indicator_class_init (WfBudgetIndicatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wf_budget_indicator_dispose;
  object_class->finalize = wf_budget_indicator_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/whatif/WhatIf/wf-budget-indicator.ui");
  gtk_widget_class_bind_template_child (widget_class, WfBudgetIndicator, button);
  gtk_widget_class_bind_template_child (widget_class, WfBudgetIndicator, amount_label);
  gtk_widget_class_bind_template_child (widget_class, WfBudgetIndicator, level_bar);
  gtk_widget_class_bind_template_child (widget_class, WfBudgetIndicator, popover);
  gtk_widget_class_bind_template_child (widget_class, WfBudgetIndicator, summary_label);
  gtk_widget_class_bind_template_child (widget_class, WfBudgetIndicator, day_group);
  gtk_widget_class_bind_template_child (widget_class, WfBudgetIndicator, model_group);
  gtk_widget_class_bind_template_child (widget_class, WfBudgetIndicator, estimated_group);
  gtk_widget_class_bind_template_callback (widget_class, popover_show_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
wf_budget_indicator_init (WfBudgetIndicator *self)
{
  self->rows = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  /* The default offsets would colour the bar by its own fill; the state decides. */
  gtk_level_bar_remove_offset_value (self->level_bar, GTK_LEVEL_BAR_OFFSET_LOW);
  gtk_level_bar_remove_offset_value (self->level_bar, GTK_LEVEL_BAR_OFFSET_HIGH);
  gtk_level_bar_remove_offset_value (self->level_bar, GTK_LEVEL_BAR_OFFSET_FULL);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

GtkWidget *
wf_budget_indicator_new (void)
{
  return g_object_new (WF_TYPE_BUDGET_INDICATOR, NULL);
}
