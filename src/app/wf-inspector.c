/* wf-inspector.c: everything about one run, in tabs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The inspector copies what it shows out of the WfRun, so the caller may free
 * the run at once. The Code tab doubles as the paste-and-run editor: it never
 * runs anything itself, it emits "run-code" and the lead sends the text
 * through the firewall and the sandbox like any generated program.
 */
#define G_LOG_DOMAIN "wf-inspector"

#include "config.h"

#include <inttypes.h>

#include "wf-inspector.h"

#include <glib/gi18n-lib.h>
#include <gtksourceview/gtksource.h>
#include <math.h>

#include "wf-assumptions.h"
#include "wf-chart.h"
#include "wf-currency.h"
#include "wf-format.h"
#include "wf-results-view.h"

struct _WfInspector
{
  GtkWidget      parent_instance;

  GtkWidget     *box;
  AdwViewStack  *stack;
  GtkLabel      *language_label;
  GtkToggleButton *edit_toggle;
  GtkDropDown   *language_dropdown;
  GtkButton     *run_button;
  GtkSourceView *source_view;
  GtkBox        *output_box;
  GtkDropDown   *table_selector;
  GtkStack      *results_stack;
  GtkDropDown   *chart_selector;
  GtkStack      *chart_stack;
  GtkButton     *export_png_button;
  GtkBox        *cost_box;
  GtkBox        *checks_box;
  WfAssumptions *assumptions;

  gint64         base_run_id;     /* the run whose assumptions are shown */

  char          *language;
  GPtrArray     *results_views;   /* (element-type GtkWidget) borrowed */
  GPtrArray     *charts;          /* (element-type GtkWidget) borrowed */
  GtkFileChooserNative *chooser;
};

G_DEFINE_FINAL_TYPE (WfInspector, wf_inspector, GTK_TYPE_WIDGET)

enum
{
  SIGNAL_RUN_CODE,
  SIGNAL_ASSUMPTIONS_CHANGED,
  SIGNAL_SWEEP_REQUESTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
clear_box (GtkBox *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_box_remove (box, child);
}

static void
clear_stack (GtkStack *stack)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (stack))) != NULL)
    gtk_stack_remove (stack, child);
}

static GtkWidget *
add_group (GtkBox     *box,
           const char *title,
           const char *description)
{
  GtkWidget *group = adw_preferences_group_new ();

  if (title)
    adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  if (description)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
  gtk_box_append (box, group);
  return group;
}

static GtkWidget *
add_row (GtkWidget  *group,
         const char *title,
         const char *subtitle,
         const char *value)
{
  GtkWidget *row = adw_action_row_new ();

  /* Our text is data (file names, error messages), never markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  if (value)
    {
      GtkWidget *label = gtk_label_new (value);

      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 1.0);
      /* Short values stay on one line; only long ones wrap, at a readable width. */
      if (g_utf8_strlen (value, -1) > 32)
        {
          gtk_label_set_wrap (GTK_LABEL (label), TRUE);
          gtk_label_set_max_width_chars (GTK_LABEL (label), 32);
        }
      gtk_widget_add_css_class (label, "numeric");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
    }
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  return row;
}

static void
add_text_block (GtkBox     *box,
                const char *title,
                const char *text,
                gboolean    truncated)
{
  GtkWidget *heading = gtk_label_new (title);
  GtkWidget *frame = gtk_frame_new (NULL);
  GtkWidget *label;
  g_autofree char *shown = NULL;

  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "heading");
  gtk_box_append (box, heading);

  /* A label over 64 KiB lays out slowly and nobody reads that far here. */
  if (text && strlen (text) > 65536)
    {
      shown = g_strdup_printf ("%.*s\n…", 65536, text);
      truncated = TRUE;
    }
  label = gtk_label_new (shown ? shown : (text && *text ? text : _("(empty)")));
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_yalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (label, "monospace");
  if (!(text && *text))
    gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_set_margin_start (label, 8);
  gtk_widget_set_margin_end (label, 8);
  gtk_widget_set_margin_top (label, 6);
  gtk_widget_set_margin_bottom (label, 6);
  gtk_frame_set_child (GTK_FRAME (frame), label);
  gtk_box_append (box, frame);
  if (truncated)
    {
      GtkWidget *note = gtk_label_new (_("The output was cut at the size limit."));
      gtk_label_set_xalign (GTK_LABEL (note), 0);
      gtk_widget_add_css_class (note, "dim-label");
      gtk_box_append (box, note);
    }
}

static const char *
status_text (WfRunStatus status)
{
  switch (status)
    {
    case WF_RUN_STATUS_OK:
      return _("Finished");
    case WF_RUN_STATUS_ERROR:
      return _("The program failed");
    case WF_RUN_STATUS_TIMEOUT:
      return _("Stopped: time limit");
    case WF_RUN_STATUS_KILLED:
      return _("Stopped");
    case WF_RUN_STATUS_REFUSED:
      return _("Not run: no sandbox available");
    case WF_RUN_STATUS_BLOCKED:
      return _("Blocked by the safety checks");
    default:
      return _("Unknown");
    }
}

static const char *
backend_text (const char *backend)
{
  if (backend == NULL || *backend == '\0')
    return _("None");
  if (g_str_equal (backend, "bwrap"))
    return _("Bubblewrap (this computer)");
  if (g_str_equal (backend, "flatpak"))
    return _("Flatpak sandbox (this computer)");
  if (g_str_equal (backend, "e2b"))
    return _("E2B (cloud)");
  return backend;
}

static void
fill_output (WfInspector *self,
             const WfRun *run)
{
  const WfRunResult *result = run ? run->result : NULL;
  GtkWidget *group;

  clear_box (self->output_box);
  if (result == NULL)
    {
      GtkWidget *page = adw_status_page_new ();
      adw_status_page_set_icon_name (ADW_STATUS_PAGE (page), "utilities-terminal-symbolic");
      adw_status_page_set_title (ADW_STATUS_PAGE (page), _("Nothing Ran"));
      adw_status_page_set_description (ADW_STATUS_PAGE (page),
                                       run && run->message ? run->message
                                       : _("No program was run for this answer."));
      gtk_widget_add_css_class (page, "compact");
      gtk_box_append (self->output_box, page);
      return;
    }

  group = add_group (self->output_box, _("Run"), NULL);
  {
    g_autofree char *exit_text = g_strdup_printf ("%d", result->exit_code);
    g_autofree char *wall = wf_format_number (result->wall_ms / 1000.0);
    g_autofree char *cpu = wf_format_number (result->cpu_ms / 1000.0);
    g_autofree char *times = g_strdup_printf (_("%s s wall, %s s CPU"), wall, cpu);
    add_row (group, _("Status"), result->error_message, status_text (result->status));
    add_row (group, _("Exit status"), NULL, exit_text);
    add_row (group, _("Sandbox"), NULL, backend_text (result->backend));
    add_row (group, _("Time"), NULL, times);
    if (result->peak_rss_kb > 0)
      {
        g_autofree char *mem = g_format_size_full ((guint64) result->peak_rss_kb * 1024, G_FORMAT_SIZE_IEC_UNITS);
        add_row (group, _("Peak memory"), NULL, mem);
      }
    if (result->limits_hit && result->limits_hit->len)
      {
        g_autoptr(GString) limits = g_string_new (NULL);
        for (guint i = 0; i < result->limits_hit->len; i++)
          {
            if (i)
              g_string_append (limits, ", ");
            g_string_append (limits, g_ptr_array_index (result->limits_hit, i));
          }
        add_row (group, _("Limits hit"), NULL, limits->str);
      }
    else
      {
        add_row (group, _("Limits hit"), NULL, _("None"));
      }
  }
  add_text_block (self->output_box, _("Standard Output"), result->stdout_text, result->stdout_truncated);
  add_text_block (self->output_box, _("Standard Error"), result->stderr_text, result->stderr_truncated);
}

static void
on_table_selected (GtkDropDown *dropdown,
                   GParamSpec  *pspec,
                   WfInspector *self)
{
  guint i = gtk_drop_down_get_selected (dropdown);

  (void) pspec;
  if (i < self->results_views->len)
    gtk_stack_set_visible_child (self->results_stack, g_ptr_array_index (self->results_views, i));
}

static void
on_chart_selected (GtkDropDown *dropdown,
                   GParamSpec  *pspec,
                   WfInspector *self)
{
  guint i = gtk_drop_down_get_selected (dropdown);

  (void) pspec;
  if (i < self->charts->len)
    gtk_stack_set_visible_child (self->chart_stack, g_ptr_array_index (self->charts, i));
}

static GtkWidget *
empty_page (const char *icon,
            const char *title)
{
  GtkWidget *page = adw_status_page_new ();

  adw_status_page_set_icon_name (ADW_STATUS_PAGE (page), icon);
  adw_status_page_set_title (ADW_STATUS_PAGE (page), title);
  gtk_widget_add_css_class (page, "compact");
  return page;
}

static void
fill_results (WfInspector *self,
              const WfRun *run)
{
  const WfRunResult *result = run ? run->result : NULL;
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);

  g_ptr_array_set_size (self->results_views, 0);
  clear_stack (self->results_stack);
  for (guint i = 0; result && result->tables && i < result->tables->len; i++)
    {
      const WfTable *table = g_ptr_array_index (result->tables, i);
      GtkWidget *view = wf_results_view_new ();
      g_autofree char *fallback = g_strdup_printf (_("Table %u"), i + 1);

      wf_results_view_set_table (WF_RESULTS_VIEW (view), table);
      gtk_stack_add_child (self->results_stack, view);
      g_ptr_array_add (self->results_views, view);
      gtk_string_list_append (names, table->name && *table->name ? table->name : fallback);
    }
  if (self->results_views->len == 0)
    gtk_stack_add_child (self->results_stack, empty_page ("x-office-spreadsheet-symbolic", _("No Tables")));
  g_signal_handlers_block_by_func (self->table_selector, on_table_selected, self);
  gtk_drop_down_set_model (self->table_selector, G_LIST_MODEL (names));
  g_signal_handlers_unblock_by_func (self->table_selector, on_table_selected, self);
  gtk_widget_set_visible (GTK_WIDGET (self->table_selector), self->results_views->len > 1);
  on_table_selected (self->table_selector, NULL, self);
}

static void
fill_charts (WfInspector *self,
             const WfRun *run)
{
  const WfRunResult *result = run ? run->result : NULL;
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);

  g_ptr_array_set_size (self->charts, 0);
  clear_stack (self->chart_stack);
  for (guint i = 0; result && result->charts && i < result->charts->len; i++)
    {
      const WfChart *chart = g_ptr_array_index (result->charts, i);
      GtkWidget *widget = wf_chart_widget_new ();
      g_autofree char *fallback = g_strdup_printf (_("Chart %u"), i + 1);

      wf_chart_widget_set_chart (WF_CHART_WIDGET (widget), chart);
      gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      chart->title && *chart->title ? chart->title : fallback, -1);
      gtk_stack_add_child (self->chart_stack, widget);
      g_ptr_array_add (self->charts, widget);
      gtk_string_list_append (names, chart->title && *chart->title ? chart->title : fallback);
    }
  if (self->charts->len == 0)
    gtk_stack_add_child (self->chart_stack, empty_page ("applications-graphics-symbolic", _("No Charts")));
  g_signal_handlers_block_by_func (self->chart_selector, on_chart_selected, self);
  gtk_drop_down_set_model (self->chart_selector, G_LIST_MODEL (names));
  g_signal_handlers_unblock_by_func (self->chart_selector, on_chart_selected, self);
  gtk_widget_set_visible (GTK_WIDGET (self->chart_selector), self->charts->len > 1);
  gtk_widget_set_sensitive (GTK_WIDGET (self->export_png_button), self->charts->len > 0);
  on_chart_selected (self->chart_selector, NULL, self);
}

static void
fill_cost (WfInspector *self,
           const WfRun *run)
{
  GtkWidget *group;
  gint64 sum = 0;
  gboolean any_estimated = FALSE;

  clear_box (self->cost_box);
  group = add_group (self->cost_box, _("Stages"), NULL);
  for (guint i = 0; run && run->spans && i < run->spans->len; i++)
    {
      const WfCostSpan *span = g_ptr_array_index (run->spans, i);
      g_autofree char *money = wf_format_cost_micros (span->total_micros);
      g_autofree char *in = wf_format_count ((double) span->input_tokens);
      g_autofree char *out = wf_format_count ((double) span->output_tokens);
      g_autofree char *ms = wf_format_count (span->duration_us / 1000.0);
      g_autofree char *subtitle = NULL;
      g_autofree char *title = NULL;
      g_autofree char *value = NULL;

      if (span->model && *span->model)
        title = g_strdup_printf ("%s · %s", span->stage, span->model);
      else
        title = g_strdup (span->stage ? span->stage : "");
      if (span->input_tokens || span->output_tokens)
        subtitle = g_strdup_printf (_("%s tokens in, %s out · %s ms"), in, out, ms);
      else
        subtitle = g_strdup_printf (_("%s ms"), ms);
      /* TRANSLATORS: a cost figure followed by a marker that it is our estimate */
      value = span->estimated ? g_strdup_printf (_("%s (estimated)"), money) : g_strdup (money);
      add_row (group, title, subtitle, value);
      sum += span->total_micros;
      any_estimated |= span->estimated;
    }
  if (run == NULL || run->spans == NULL || run->spans->len == 0)
    add_row (group, _("No cost recorded"), NULL, NULL);

  {
    GtkWidget *total_group = add_group (self->cost_box, NULL, NULL);
    gint64 total = run && run->total_micros > 0 ? run->total_micros : sum;
    gboolean estimated = (run && run->cost_estimated) || any_estimated;
    g_autofree char *money = wf_format_cost_micros (total);
    GtkWidget *row = add_row (total_group, _("Total"),
                              estimated ? _("Part of this cost is estimated: the provider did not report it.") : NULL,
                              money);
    gtk_widget_add_css_class (row, "property");
  }
}

static const char *
json_string_member (JsonObject *obj,
                    const char *const *names)
{
  for (guint i = 0; names[i]; i++)
    {
      JsonNode *node = json_object_get_member (obj, names[i]);
      if (node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        return json_node_get_string (node);
    }
  return NULL;
}

static gint64
json_int_member (JsonObject *obj,
                 const char *const *names)
{
  for (guint i = 0; names[i]; i++)
    {
      JsonNode *node = json_object_get_member (obj, names[i]);
      if (node && JSON_NODE_HOLDS_VALUE (node)
          && (json_node_get_value_type (node) == G_TYPE_INT64 || json_node_get_value_type (node) == G_TYPE_DOUBLE))
        return json_node_get_int (node);
    }
  return -1;
}

static void
fill_checks (WfInspector *self,
             const WfRun *run)
{
  const char *verdict_json = run ? run->verdict_json : NULL;
  GtkWidget *group;

  clear_box (self->checks_box);
  if (verdict_json == NULL && run && run->result)
    verdict_json = run->result->verdict_json;

  group = add_group (self->checks_box, _("Safety Check"), NULL);
  if (verdict_json == NULL || *verdict_json == '\0')
    {
      add_row (group, _("Verdict"), NULL, _("Not checked"));
    }
  else
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      JsonObject *obj = NULL;

      /* Bounded: a verdict is small; anything huge is not ours. */
      if (strlen (verdict_json) < 1024 * 1024
          && json_parser_load_from_data (parser, verdict_json, -1, &error)
          && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        obj = json_node_get_object (json_parser_get_root (parser));

      if (obj == NULL)
        {
          add_row (group, _("Verdict"), _("The stored verdict could not be read."), _("Unknown"));
        }
      else
        {
          static const char *const verdict_names[] = { "verdict", "decision", "action", NULL };
          static const char *const reason_names[] = { "reason", "message", "summary", NULL };
          static const char *const list_names[] = { "rules", "findings", "violations", "issues", NULL };
          static const char *const rule_names[] = { "rule", "id", "code", "name", NULL };
          static const char *const msg_names[] = { "message", "reason", "detail", NULL };
          static const char *const line_names[] = { "line", "lineno", NULL };
          static const char *const col_names[] = { "column", "col", "col_offset", NULL };
          const char *verdict = json_string_member (obj, verdict_names);
          const char *reason = json_string_member (obj, reason_names);
          gboolean allowed;
          JsonArray *rules = NULL;
          GtkWidget *row;
          GtkWidget *icon;

          if (json_object_has_member (obj, "allowed"))
            allowed = json_object_get_boolean_member (obj, "allowed");
          else if (json_object_has_member (obj, "allow"))
            allowed = json_object_get_boolean_member (obj, "allow");
          else
            allowed = verdict != NULL && (g_ascii_strcasecmp (verdict, "allow") == 0
                                          || g_ascii_strcasecmp (verdict, "allowed") == 0
                                          || g_ascii_strcasecmp (verdict, "ok") == 0);
          row = add_row (group, _("Verdict"), reason, allowed ? _("Allowed") : _("Blocked"));
          icon = gtk_image_new_from_icon_name (allowed ? "emblem-ok-symbolic" : "action-unavailable-symbolic");
          gtk_widget_add_css_class (icon, allowed ? "success" : "error");
          adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);

          for (guint i = 0; list_names[i] && rules == NULL; i++)
            {
              JsonNode *node = json_object_get_member (obj, list_names[i]);
              if (node && JSON_NODE_HOLDS_ARRAY (node))
                rules = json_node_get_array (node);
            }
          if (rules && json_array_get_length (rules) > 0)
            {
              GtkWidget *rules_group = add_group (self->checks_box, _("Rules"), NULL);
              guint n = MIN (json_array_get_length (rules), 200u);

              for (guint i = 0; i < n; i++)
                {
                  JsonNode *node = json_array_get_element (rules, i);
                  JsonObject *rule;
                  const char *name, *message;
                  gint64 line, col;
                  g_autofree char *where = NULL;

                  if (!JSON_NODE_HOLDS_OBJECT (node))
                    continue;
                  rule = json_node_get_object (node);
                  name = json_string_member (rule, rule_names);
                  message = json_string_member (rule, msg_names);
                  line = json_int_member (rule, line_names);
                  col = json_int_member (rule, col_names);
                  if (line >= 0 && col >= 0)
                    where = g_strdup_printf (_("Line %" PRId64 ", column %" PRId64), line, col);
                  else if (line >= 0)
                    where = g_strdup_printf (_("Line %" PRId64), line);
                  add_row (rules_group, message ? message : (name ? name : _("Rule")),
                           where, name && message ? name : NULL);
                }
            }
        }
    }

  group = add_group (self->checks_box, _("Repairs"),
                     _("Fixes applied to the model’s reply before it was used."));
  if (run == NULL || run->fixes == NULL || run->fixes->len == 0)
    add_row (group, _("No repairs were needed"), NULL, NULL);
  else
    for (guint i = 0; i < run->fixes->len; i++)
      add_row (group, g_ptr_array_index (run->fixes, i), NULL, NULL);
}

static void on_language_selected (GtkDropDown *dropdown,
                                  GParamSpec  *pspec,
                                  WfInspector *self);

static void
set_language (WfInspector *self,
              const char  *language)
{
  GtkSourceLanguageManager *lm = gtk_source_language_manager_get_default ();
  GtkSourceBuffer *buffer = GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->source_view)));
  const char *id = g_strcmp0 (language, "sql") == 0 ? "sql" : "python3";
  GtkSourceLanguage *lang = gtk_source_language_manager_get_language (lm, id);

  if (lang == NULL && g_str_equal (id, "python3"))
    lang = gtk_source_language_manager_get_language (lm, "python");
  gtk_source_buffer_set_language (buffer, lang);
  g_free (self->language);
  self->language = g_strdup (g_strcmp0 (language, "sql") == 0 ? "sql" : "python");
  gtk_label_set_text (self->language_label, g_str_equal (self->language, "sql") ? _("SQL") : _("Python"));
  g_signal_handlers_block_by_func (self->language_dropdown, on_language_selected, self);
  gtk_drop_down_set_selected (self->language_dropdown, g_str_equal (self->language, "sql") ? 1 : 0);
  g_signal_handlers_unblock_by_func (self->language_dropdown, on_language_selected, self);
}

static void
on_language_selected (GtkDropDown *dropdown,
                      GParamSpec  *pspec,
                      WfInspector *self)
{
  set_language (self, gtk_drop_down_get_selected (dropdown) == 1 ? "sql" : "python");
}

static void
update_scheme (WfInspector *self)
{
  GtkSourceStyleSchemeManager *sm = gtk_source_style_scheme_manager_get_default ();
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  GtkSourceStyleScheme *scheme = gtk_source_style_scheme_manager_get_scheme (sm, dark ? "Adwaita-dark" : "Adwaita");
  GtkSourceBuffer *buffer = GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->source_view)));

  if (scheme)
    gtk_source_buffer_set_style_scheme (buffer, scheme);
}

void
wf_inspector_set_run (WfInspector *self,
                      const WfRun *run)
{
  GtkTextBuffer *buffer;

  g_return_if_fail (WF_IS_INSPECTOR (self));

  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->source_view));
  gtk_toggle_button_set_active (self->edit_toggle, FALSE);
  set_language (self, run ? run->language : NULL);
  gtk_text_buffer_set_text (buffer, run && run->code ? run->code : "", -1);
  fill_output (self, run);
  fill_results (self, run);
  fill_charts (self, run);
  fill_cost (self, run);
  fill_checks (self, run);

  /* A re-run of the run shown keeps the controls the user is moving. */
  if (run == NULL || run->parent_run_id == 0 || run->parent_run_id != self->base_run_id)
    {
      self->base_run_id = run ? run->id : 0;
      wf_assumptions_set_currency (self->assumptions,
                                   run && run->result ? wf_currency_of_metrics (run->result->metrics) : NULL);
      wf_assumptions_set_params (self->assumptions,
                                 run && run->code && run->result ? run->result->params : NULL);
    }
}

gint64
wf_inspector_get_base_run (WfInspector *self)
{
  g_return_val_if_fail (WF_IS_INSPECTOR (self), 0);

  return self->base_run_id;
}

WfAssumptions *
wf_inspector_get_assumptions (WfInspector *self)
{
  g_return_val_if_fail (WF_IS_INSPECTOR (self), NULL);

  return self->assumptions;
}

static void
assumptions_changed_cb (WfInspector *self,
                        GHashTable  *values)
{
  if (self->base_run_id > 0)
    g_signal_emit (self, signals[SIGNAL_ASSUMPTIONS_CHANGED], 0, self->base_run_id, values);
}

static void
sweep_requested_cb (WfInspector *self)
{
  if (self->base_run_id > 0)
    g_signal_emit (self, signals[SIGNAL_SWEEP_REQUESTED], 0, self->base_run_id);
}

void
wf_inspector_set_page (WfInspector *self,
                       const char  *name)
{
  g_return_if_fail (WF_IS_INSPECTOR (self));
  g_return_if_fail (name != NULL);

  adw_view_stack_set_visible_child_name (self->stack, name);
}

const char *
wf_inspector_get_page (WfInspector *self)
{
  g_return_val_if_fail (WF_IS_INSPECTOR (self), NULL);
  return adw_view_stack_get_visible_child_name (self->stack);
}

AdwViewStack *
wf_inspector_get_stack (WfInspector *self)
{
  g_return_val_if_fail (WF_IS_INSPECTOR (self), NULL);
  return self->stack;
}

char *
wf_inspector_dup_code (WfInspector *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_return_val_if_fail (WF_IS_INSPECTOR (self), NULL);

  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->source_view));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

void
wf_inspector_set_language (WfInspector *self,
                           const char  *language)
{
  g_return_if_fail (WF_IS_INSPECTOR (self));
  set_language (self, language);
}

void
wf_inspector_set_editable (WfInspector *self,
                           gboolean     editable)
{
  g_return_if_fail (WF_IS_INSPECTOR (self));
  gtk_toggle_button_set_active (self->edit_toggle, editable);
}

GtkWidget *
wf_inspector_get_results_view (WfInspector *self,
                               guint        index)
{
  g_return_val_if_fail (WF_IS_INSPECTOR (self), NULL);
  return index < self->results_views->len ? g_ptr_array_index (self->results_views, index) : NULL;
}

GtkWidget *
wf_inspector_get_chart (WfInspector *self,
                        guint        index)
{
  g_return_val_if_fail (WF_IS_INSPECTOR (self), NULL);
  return index < self->charts->len ? g_ptr_array_index (self->charts, index) : NULL;
}

static void
collect_text (GtkWidget *widget,
              GString   *out)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget))
    {
      const char *text = gtk_label_get_text (GTK_LABEL (widget));
      if (text && *text)
        {
          g_string_append (out, text);
          g_string_append_c (out, '\n');
        }
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    collect_text (child, out);
}

char *
wf_inspector_dup_page_text (WfInspector *self,
                            const char  *name)
{
  GtkWidget *child;
  GString *out;

  g_return_val_if_fail (WF_IS_INSPECTOR (self), NULL);

  child = adw_view_stack_get_child_by_name (self->stack, name);
  if (child == NULL)
    return NULL;
  out = g_string_new (NULL);
  collect_text (child, out);
  return g_string_free (out, FALSE);
}

static void
on_edit_toggled (GtkToggleButton *toggle,
                 WfInspector     *self)
{
  gboolean editable = gtk_toggle_button_get_active (toggle);

  gtk_text_view_set_editable (GTK_TEXT_VIEW (self->source_view), editable);
  gtk_text_view_set_cursor_visible (GTK_TEXT_VIEW (self->source_view), editable);
  gtk_source_view_set_highlight_current_line (self->source_view, editable);
  gtk_widget_set_sensitive (GTK_WIDGET (self->run_button), editable);
  /* While editing, the language is the user's choice (paste SQL or Python). */
  gtk_widget_set_visible (GTK_WIDGET (self->language_dropdown), editable);
  gtk_widget_set_visible (GTK_WIDGET (self->language_label), !editable);
  if (editable)
    gtk_widget_grab_focus (GTK_WIDGET (self->source_view));
}

static void
on_run_clicked (GtkButton   *button,
                WfInspector *self)
{
  g_autofree char *code = wf_inspector_dup_code (self);

  (void) button;
  if (code && *code)
    g_signal_emit (self, signals[SIGNAL_RUN_CODE], 0, code, self->language);
}

static void
on_export_png_response (GtkNativeDialog *dialog,
                        int              response,
                        WfInspector     *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;
      GtkWidget *chart = gtk_stack_get_visible_child (self->chart_stack);
      g_autoptr(GError) error = NULL;

      if (path && WF_IS_CHART_WIDGET (chart)
          && !wf_chart_widget_export_png (WF_CHART_WIDGET (chart), path, 1200, 720, &error))
        {
          GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
          GtkWidget *msg = gtk_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                   GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                                   GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE,
                                                   "%s", _("Export failed"));
          gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (msg), "%s", error->message);
          g_signal_connect (msg, "response", G_CALLBACK (gtk_window_destroy), NULL);
          gtk_window_present (GTK_WINDOW (msg));
        }
    }
  g_clear_object (&self->chooser);
  g_object_unref (self);
}

static void
on_export_png_clicked (GtkButton   *button,
                       WfInspector *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  (void) button;
  if (self->chooser || self->charts->len == 0)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Export Chart"),
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), "chart.png");
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_export_png_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
wf_inspector_dispose (GObject *object)
{
  WfInspector *self = WF_INSPECTOR (object);

  if (self->chooser)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_signal_handlers_disconnect_by_data (adw_style_manager_get_default (), self);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  G_OBJECT_CLASS (wf_inspector_parent_class)->dispose (object);
}

static void
wf_inspector_finalize (GObject *object)
{
  WfInspector *self = WF_INSPECTOR (object);

  g_clear_pointer (&self->results_views, g_ptr_array_unref);
  g_clear_pointer (&self->charts, g_ptr_array_unref);
  g_clear_pointer (&self->language, g_free);
  G_OBJECT_CLASS (wf_inspector_parent_class)->finalize (object);
}

static void
wf_inspector_class_init (WfInspectorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wf_inspector_dispose;
  object_class->finalize = wf_inspector_finalize;

  /* run-code (text, language): the user asks to run the edited program. */
  signals[SIGNAL_RUN_CODE] =
    g_signal_new ("run-code", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  /* assumptions-changed (run id, values): as WfChatView::assumptions-changed. */
  signals[SIGNAL_ASSUMPTIONS_CHANGED] =
    g_signal_new ("assumptions-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_HASH_TABLE);
  signals[SIGNAL_SWEEP_REQUESTED] =
    g_signal_new ("sweep-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  g_type_ensure (WF_TYPE_ASSUMPTIONS);

  g_type_ensure (GTK_SOURCE_TYPE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/whatif/WhatIf/wf-inspector.ui");
  gtk_widget_class_bind_template_child (widget_class, WfInspector, box);
  gtk_widget_class_bind_template_child (widget_class, WfInspector, stack);
  gtk_widget_class_bind_template_child (widget_class, WfInspector, language_label);
  gtk_widget_class_bind_template_child (widget_class, WfInspector, edit_toggle);
  gtk_widget_class_bind_template_child (widget_class, WfInspector, language_dropdown);
  gtk_widget_class_bind_template_child (widget_class, WfInspector, run_button);
  gtk_widget_class_bind_template_child (widget_class, WfInspector, source_view);
  gtk_widget_class_bind_template_child (widget_class, WfInspector, output_box);
  gtk_widget_class_bind_template_child (widget_class, WfInspector, table_selector);
  gtk_widget_class_bind_template_child (widget_class, WfInspector, results_stack);
  gtk_widget_class_bind_template_child (widget_class, WfInspector, chart_selector);
  gtk_widget_class_bind_template_child (widget_class, WfInspector, chart_stack);
  gtk_widget_class_bind_template_child (widget_class, WfInspector, export_png_button);
  gtk_widget_class_bind_template_child (widget_class, WfInspector, cost_box);
  gtk_widget_class_bind_template_child (widget_class, WfInspector, checks_box);
  gtk_widget_class_bind_template_child (widget_class, WfInspector, assumptions);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
wf_inspector_init (WfInspector *self)
{
  self->results_views = g_ptr_array_new ();
  self->charts = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self->edit_toggle, "toggled", G_CALLBACK (on_edit_toggled), self);
  g_signal_connect (self->language_dropdown, "notify::selected", G_CALLBACK (on_language_selected), self);
  g_signal_connect (self->run_button, "clicked", G_CALLBACK (on_run_clicked), self);
  g_signal_connect (self->export_png_button, "clicked", G_CALLBACK (on_export_png_clicked), self);
  g_signal_connect (self->table_selector, "notify::selected", G_CALLBACK (on_table_selected), self);
  g_signal_connect (self->chart_selector, "notify::selected", G_CALLBACK (on_chart_selected), self);
  wf_assumptions_set_compact (self->assumptions, TRUE);
  g_signal_connect_swapped (self->assumptions, "changed", G_CALLBACK (assumptions_changed_cb), self);
  g_signal_connect_swapped (self->assumptions, "sweep-requested", G_CALLBACK (sweep_requested_cb), self);
  g_signal_connect_swapped (adw_style_manager_get_default (), "notify::dark", G_CALLBACK (update_scheme), self);
  update_scheme (self);
  wf_inspector_set_run (self, NULL);
}

GtkWidget *
wf_inspector_new (void)
{
  return g_object_new (WF_TYPE_INSPECTOR, NULL);
}
