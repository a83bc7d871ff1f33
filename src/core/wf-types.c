/* wf-types.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wf-types"

#include "config.h"

#include <math.h>

#include "wf-types.h"

G_DEFINE_QUARK (wf-types-error-quark, wf_types_error)

/* Enum ↔ string tables. The strings are stored in the database and printed by
 * the CLI's JSON, so they never change once released. */

static const char *mode_names[] = { "ask", "python", "sql" };
static const char *outcome_names[] = {
  "answered", "needs_clarification", "refused", "blocked", "over_budget",
  "provider_error", "sandbox_error", "timeout", "cancelled", "needs_provider", "failed",
};
static const char *status_names[] = { "ok", "error", "timeout", "killed", "refused", "blocked" };
static const char *ledger_names[] = { "reserve", "settle", "release" };

static gboolean
lookup_name (const char  *const *names,
             guint              n_names,
             const char        *str,
             int               *out_value)
{
  if (str == NULL)
    return FALSE;

  for (guint i = 0; i < n_names; i++)
    {
      if (g_str_equal (names[i], str))
        {
          *out_value = (int) i;
          return TRUE;
        }
    }

  return FALSE;
}

#define DEFINE_ENUM_STRINGS(Type, prefix, table)                               \
  const char *                                                                 \
  prefix##_to_string (Type value)                                              \
  {                                                                            \
    if ((guint) value < G_N_ELEMENTS (table))                                  \
      return table[value];                                                     \
    return "unknown";                                                          \
  }                                                                            \
  gboolean                                                                     \
  prefix##_from_string (const char *str,                                       \
                        Type       *out_value)                                 \
  {                                                                            \
    int v;                                                                     \
    if (!lookup_name (table, G_N_ELEMENTS (table), str, &v))                   \
      return FALSE;                                                            \
    *out_value = (Type) v;                                                     \
    return TRUE;                                                               \
  }

DEFINE_ENUM_STRINGS (WfMode, wf_mode, mode_names)
DEFINE_ENUM_STRINGS (WfOutcome, wf_outcome, outcome_names)
DEFINE_ENUM_STRINGS (WfRunStatus, wf_run_status, status_names)
DEFINE_ENUM_STRINGS (WfLedgerKind, wf_ledger_kind, ledger_names)

static GPtrArray *
copy_strv_array (const GPtrArray *src)
{
  GPtrArray *dst = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; src != NULL && i < src->len; i++)
    g_ptr_array_add (dst, g_strdup (g_ptr_array_index (src, i)));

  return dst;
}

/* Tables */

WfTable *
wf_table_new (const char *name)
{
  WfTable *table = g_new0 (WfTable, 1);

  table->name = g_strdup (name ? name : "table");
  table->columns = g_ptr_array_new_with_free_func (g_free);
  table->rows = json_array_new ();

  return table;
}

WfTable *
wf_table_copy (const WfTable *table)
{
  g_autoptr(JsonNode) node = NULL;
  WfTable *copy;

  g_return_val_if_fail (table != NULL, NULL);

  copy = wf_table_new (table->name);
  g_ptr_array_unref (copy->columns);
  copy->columns = copy_strv_array (table->columns);

  node = json_node_new (JSON_NODE_ARRAY);
  json_node_set_array (node, table->rows);
  {
    g_autoptr(JsonNode) deep = json_node_copy (node);
    json_array_unref (copy->rows);
    copy->rows = json_node_dup_array (deep);
  }

  return copy;
}

void
wf_table_free (WfTable *table)
{
  if (table == NULL)
    return;

  g_free (table->name);
  g_clear_pointer (&table->columns, g_ptr_array_unref);
  g_clear_pointer (&table->rows, json_array_unref);
  g_free (table);
}

guint
wf_table_get_n_rows (const WfTable *table)
{
  return table && table->rows ? json_array_get_length (table->rows) : 0;
}

/* Metrics */

WfMetric *
wf_metric_new (const char *name,
               double      value,
               const char *unit)
{
  WfMetric *metric = g_new0 (WfMetric, 1);

  metric->name = g_strdup (name ? name : "");
  metric->value = isfinite (value) ? value : NAN;
  metric->unit = g_strdup (unit);

  return metric;
}

WfMetric *
wf_metric_copy (const WfMetric *metric)
{
  g_return_val_if_fail (metric != NULL, NULL);
  return wf_metric_new (metric->name, metric->value, metric->unit);
}

void
wf_metric_free (WfMetric *metric)
{
  if (metric == NULL)
    return;

  g_free (metric->name);
  g_free (metric->unit);
  g_free (metric);
}

/* Params */

WfParam *
wf_param_new (const char *label,
              const char *kind,
              double      value)
{
  WfParam *param = g_new0 (WfParam, 1);

  param->label = g_strdup (label ? label : "");
  param->kind = g_strdup (kind ? kind : "number");
  param->value = value;
  param->min = NAN;
  param->max = NAN;
  param->step = NAN;

  return param;
}

WfParam *
wf_param_copy (const WfParam *param)
{
  WfParam *copy;

  g_return_val_if_fail (param != NULL, NULL);

  copy = wf_param_new (param->label, param->kind, param->value);
  copy->min = param->min;
  copy->max = param->max;
  copy->step = param->step;

  return copy;
}

void
wf_param_free (WfParam *param)
{
  if (param == NULL)
    return;

  g_free (param->label);
  g_free (param->kind);
  g_free (param);
}

/* Charts */

WfSeries *
wf_series_new (const char *name)
{
  WfSeries *series = g_new0 (WfSeries, 1);

  series->name = g_strdup (name ? name : "");
  series->values = g_array_new (FALSE, FALSE, sizeof (double));

  return series;
}

void
wf_series_free (WfSeries *series)
{
  if (series == NULL)
    return;

  g_free (series->name);
  g_clear_pointer (&series->values, g_array_unref);
  g_free (series);
}

WfChart *
wf_chart_new (const char *kind,
              const char *title)
{
  WfChart *chart = g_new0 (WfChart, 1);

  chart->kind = g_strdup (kind ? kind : "line");
  chart->title = g_strdup (title ? title : "");
  chart->x = g_ptr_array_new_with_free_func (g_free);
  chart->series = g_ptr_array_new_with_free_func ((GDestroyNotify) wf_series_free);

  return chart;
}

WfChart *
wf_chart_copy (const WfChart *chart)
{
  WfChart *copy;

  g_return_val_if_fail (chart != NULL, NULL);

  copy = wf_chart_new (chart->kind, chart->title);
  for (guint i = 0; i < chart->x->len; i++)
    g_ptr_array_add (copy->x, g_strdup (g_ptr_array_index (chart->x, i)));

  for (guint i = 0; i < chart->series->len; i++)
    {
      const WfSeries *s = g_ptr_array_index (chart->series, i);
      WfSeries *c = wf_series_new (s->name);

      g_array_append_vals (c->values, s->values->data, s->values->len);
      g_ptr_array_add (copy->series, c);
    }

  return copy;
}

void
wf_chart_free (WfChart *chart)
{
  if (chart == NULL)
    return;

  g_free (chart->kind);
  g_free (chart->title);
  g_clear_pointer (&chart->x, g_ptr_array_unref);
  g_clear_pointer (&chart->series, g_ptr_array_unref);
  g_free (chart);
}

/* Run results */

WfRunResult *
wf_run_result_new (void)
{
  WfRunResult *result = g_new0 (WfRunResult, 1);

  result->status = WF_RUN_STATUS_OK;
  result->stdout_text = g_strdup ("");
  result->stderr_text = g_strdup ("");
  result->tables = g_ptr_array_new_with_free_func ((GDestroyNotify) wf_table_free);
  result->metrics = g_ptr_array_new_with_free_func ((GDestroyNotify) wf_metric_free);
  result->params = g_ptr_array_new_with_free_func ((GDestroyNotify) wf_param_free);
  result->charts = g_ptr_array_new_with_free_func ((GDestroyNotify) wf_chart_free);
  result->logs = g_ptr_array_new_with_free_func (g_free);
  result->limits_hit = g_ptr_array_new_with_free_func (g_free);

  return result;
}

WfRunResult *
wf_run_result_copy (const WfRunResult *result)
{
  WfRunResult *copy;

  g_return_val_if_fail (result != NULL, NULL);

  copy = wf_run_result_new ();
  copy->status = result->status;
  copy->exit_code = result->exit_code;
  g_free (copy->stdout_text);
  copy->stdout_text = g_strdup (result->stdout_text);
  g_free (copy->stderr_text);
  copy->stderr_text = g_strdup (result->stderr_text);
  copy->error_message = g_strdup (result->error_message);
  copy->backend = g_strdup (result->backend);
  copy->verdict_json = g_strdup (result->verdict_json);
  copy->wall_ms = result->wall_ms;
  copy->cpu_ms = result->cpu_ms;
  copy->peak_rss_kb = result->peak_rss_kb;
  copy->stdout_truncated = result->stdout_truncated;
  copy->stderr_truncated = result->stderr_truncated;
  copy->tables_truncated = result->tables_truncated;

  for (guint i = 0; i < result->tables->len; i++)
    g_ptr_array_add (copy->tables, wf_table_copy (g_ptr_array_index (result->tables, i)));
  for (guint i = 0; i < result->metrics->len; i++)
    g_ptr_array_add (copy->metrics, wf_metric_copy (g_ptr_array_index (result->metrics, i)));
  for (guint i = 0; i < result->params->len; i++)
    g_ptr_array_add (copy->params, wf_param_copy (g_ptr_array_index (result->params, i)));
  for (guint i = 0; i < result->charts->len; i++)
    g_ptr_array_add (copy->charts, wf_chart_copy (g_ptr_array_index (result->charts, i)));
  for (guint i = 0; i < result->logs->len; i++)
    g_ptr_array_add (copy->logs, g_strdup (g_ptr_array_index (result->logs, i)));
  for (guint i = 0; i < result->limits_hit->len; i++)
    g_ptr_array_add (copy->limits_hit, g_strdup (g_ptr_array_index (result->limits_hit, i)));

  return copy;
}

void
wf_run_result_free (WfRunResult *result)
{
  if (result == NULL)
    return;

  g_free (result->stdout_text);
  g_free (result->stderr_text);
  g_free (result->error_message);
  g_free (result->backend);
  g_free (result->verdict_json);
  g_clear_pointer (&result->tables, g_ptr_array_unref);
  g_clear_pointer (&result->metrics, g_ptr_array_unref);
  g_clear_pointer (&result->params, g_ptr_array_unref);
  g_clear_pointer (&result->charts, g_ptr_array_unref);
  g_clear_pointer (&result->logs, g_ptr_array_unref);
  g_clear_pointer (&result->limits_hit, g_ptr_array_unref);
  g_free (result);
}

/* Cost spans */

WfCostSpan *
wf_cost_span_new (const char *stage)
{
  WfCostSpan *span = g_new0 (WfCostSpan, 1);

  span->stage = g_strdup (stage ? stage : "");
  span->outcome = g_strdup ("ok");

  return span;
}

WfCostSpan *
wf_cost_span_copy (const WfCostSpan *span)
{
  WfCostSpan *copy;

  g_return_val_if_fail (span != NULL, NULL);

  copy = g_new0 (WfCostSpan, 1);
  *copy = *span;
  copy->stage = g_strdup (span->stage);
  copy->provider = g_strdup (span->provider);
  copy->model = g_strdup (span->model);
  copy->outcome = g_strdup (span->outcome);

  return copy;
}

void
wf_cost_span_free (WfCostSpan *span)
{
  if (span == NULL)
    return;

  g_free (span->stage);
  g_free (span->provider);
  g_free (span->model);
  g_free (span->outcome);
  g_free (span);
}

/* Sessions, messages, runs */

WfSessionInfo *
wf_session_info_new (void)
{
  return g_new0 (WfSessionInfo, 1);
}

void
wf_session_info_free (WfSessionInfo *info)
{
  if (info == NULL)
    return;

  g_free (info->title);
  g_free (info);
}

WfMessage *
wf_message_new (const char *role,
                const char *content)
{
  WfMessage *message = g_new0 (WfMessage, 1);

  message->role = g_strdup (role ? role : "user");
  message->content = g_strdup (content ? content : "");

  return message;
}

void
wf_message_free (WfMessage *message)
{
  if (message == NULL)
    return;

  g_free (message->role);
  g_free (message->content);
  g_free (message);
}

WfRun *
wf_run_new (void)
{
  WfRun *run = g_new0 (WfRun, 1);

  run->mode = WF_MODE_ASK;
  run->outcome = WF_OUTCOME_ANSWERED;
  run->fixes = g_ptr_array_new_with_free_func (g_free);
  run->spans = g_ptr_array_new_with_free_func ((GDestroyNotify) wf_cost_span_free);

  return run;
}

void
wf_run_free (WfRun *run)
{
  if (run == NULL)
    return;

  g_free (run->language);
  g_free (run->question);
  g_free (run->code);
  g_free (run->code_hash);
  g_free (run->explanation);
  g_free (run->answer);
  g_free (run->message);
  g_free (run->provider);
  g_free (run->model);
  g_free (run->verdict_json);
  g_free (run->overrides_json);
  g_free (run->clarification_json);
  g_clear_pointer (&run->fixes, g_ptr_array_unref);
  g_clear_pointer (&run->spans, g_ptr_array_unref);
  g_clear_pointer (&run->result, wf_run_result_free);
  g_free (run);
}

WfRunSummary *
wf_run_summary_new (void)
{
  return g_new0 (WfRunSummary, 1);
}

void
wf_run_summary_free (WfRunSummary *summary)
{
  if (summary == NULL)
    return;

  g_free (summary->question);
  g_free (summary->answer);
  g_free (summary->model);
  g_free (summary);
}

/* Ledger, models, datasets */

WfLedgerEntry *
wf_ledger_entry_new (const char   *run_key,
                     WfLedgerKind  kind,
                     gint64        amount_micros)
{
  WfLedgerEntry *entry = g_new0 (WfLedgerEntry, 1);

  entry->run_key = g_strdup (run_key);
  entry->kind = kind;
  entry->amount_micros = MAX (amount_micros, 0);

  return entry;
}

void
wf_ledger_entry_free (WfLedgerEntry *entry)
{
  if (entry == NULL)
    return;

  g_free (entry->run_key);
  g_free (entry->provider);
  g_free (entry->model);
  g_free (entry);
}

WfModelInfo *
wf_model_info_new (const char *id,
                   const char *provider)
{
  WfModelInfo *info = g_new0 (WfModelInfo, 1);

  info->id = g_strdup (id);
  info->provider = g_strdup (provider);
  info->input_micros_per_mtok = -1;
  info->output_micros_per_mtok = -1;

  return info;
}

WfModelInfo *
wf_model_info_copy (const WfModelInfo *info)
{
  WfModelInfo *copy;

  g_return_val_if_fail (info != NULL, NULL);

  copy = wf_model_info_new (info->id, info->provider);
  copy->name = g_strdup (info->name);
  copy->input_micros_per_mtok = info->input_micros_per_mtok;
  copy->output_micros_per_mtok = info->output_micros_per_mtok;
  copy->context_length = info->context_length;
  copy->fetched_us = info->fetched_us;

  return copy;
}

void
wf_model_info_free (WfModelInfo *info)
{
  if (info == NULL)
    return;

  g_free (info->id);
  g_free (info->provider);
  g_free (info->name);
  g_free (info);
}

WfDataset *
wf_dataset_new (const char *name)
{
  WfDataset *dataset = g_new0 (WfDataset, 1);

  dataset->name = g_strdup (name);

  return dataset;
}

void
wf_dataset_free (WfDataset *dataset)
{
  if (dataset == NULL)
    return;

  g_free (dataset->name);
  g_free (dataset->file_name);
  g_free (dataset->table_name);
  g_free (dataset->columns_json);
  g_free (dataset);
}

/* JSON */

void
wf_json_add_double (JsonBuilder *builder,
                    double       value)
{
  if (isfinite (value))
    json_builder_add_double_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

double
wf_json_get_double (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NAN;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      return (double) json_node_get_int (node);
    case G_TYPE_DOUBLE:
      return json_node_get_double (node);
    case G_TYPE_BOOLEAN:
      return json_node_get_boolean (node) ? 1.0 : 0.0;
    default:
      return NAN;
    }
}

void
wf_table_to_json (const WfTable *table,
                  JsonBuilder   *builder)
{
  g_autoptr(JsonNode) rows = json_node_new (JSON_NODE_ARRAY);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, table->name);
  json_builder_set_member_name (builder, "columns");
  json_builder_begin_array (builder);
  for (guint i = 0; i < table->columns->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (table->columns, i));
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "rows");
  json_node_set_array (rows, table->rows);
  json_builder_add_value (builder, json_node_copy (rows));
  json_builder_end_object (builder);
}

void
wf_metric_to_json (const WfMetric *metric,
                   JsonBuilder    *builder)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, metric->name);
  json_builder_set_member_name (builder, "value");
  wf_json_add_double (builder, metric->value);
  json_builder_set_member_name (builder, "unit");
  if (metric->unit)
    json_builder_add_string_value (builder, metric->unit);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
}

void
wf_param_to_json (const WfParam *param,
                  JsonBuilder   *builder)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "label");
  json_builder_add_string_value (builder, param->label);
  json_builder_set_member_name (builder, "value");
  wf_json_add_double (builder, param->value);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, param->kind);
  json_builder_set_member_name (builder, "min");
  wf_json_add_double (builder, param->min);
  json_builder_set_member_name (builder, "max");
  wf_json_add_double (builder, param->max);
  json_builder_set_member_name (builder, "step");
  wf_json_add_double (builder, param->step);
  json_builder_end_object (builder);
}

void
wf_chart_to_json (const WfChart *chart,
                  JsonBuilder   *builder)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, chart->kind);
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, chart->title);
  json_builder_set_member_name (builder, "x");
  json_builder_begin_array (builder);
  for (guint i = 0; i < chart->x->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (chart->x, i));
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "series");
  json_builder_begin_array (builder);
  for (guint i = 0; i < chart->series->len; i++)
    {
      const WfSeries *s = g_ptr_array_index (chart->series, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, s->name);
      json_builder_set_member_name (builder, "values");
      json_builder_begin_array (builder);
      for (guint j = 0; j < s->values->len; j++)
        wf_json_add_double (builder, g_array_index (s->values, double, j));
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

void
wf_cost_span_to_json (const WfCostSpan *span,
                      JsonBuilder      *builder)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "stage");
  json_builder_add_string_value (builder, span->stage);
  json_builder_set_member_name (builder, "provider");
  json_builder_add_string_value (builder, span->provider);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, span->model);
  json_builder_set_member_name (builder, "input_tokens");
  json_builder_add_int_value (builder, span->input_tokens);
  json_builder_set_member_name (builder, "output_tokens");
  json_builder_add_int_value (builder, span->output_tokens);
  json_builder_set_member_name (builder, "llm_usd");
  json_builder_add_double_value (builder, wf_micros_to_usd (span->llm_micros));
  json_builder_set_member_name (builder, "sandbox_seconds");
  wf_json_add_double (builder, span->sandbox_seconds);
  json_builder_set_member_name (builder, "sandbox_usd");
  json_builder_add_double_value (builder, wf_micros_to_usd (span->sandbox_micros));
  json_builder_set_member_name (builder, "total_usd");
  json_builder_add_double_value (builder, wf_micros_to_usd (span->total_micros));
  json_builder_set_member_name (builder, "start_us");
  json_builder_add_int_value (builder, span->start_us);
  json_builder_set_member_name (builder, "duration_ms");
  json_builder_add_double_value (builder, span->duration_us / 1000.0);
  json_builder_set_member_name (builder, "outcome");
  json_builder_add_string_value (builder, span->outcome);
  json_builder_set_member_name (builder, "estimated");
  json_builder_add_boolean_value (builder, span->estimated);
  json_builder_end_object (builder);
}

static void
add_string_array (JsonBuilder     *builder,
                  const char      *member,
                  const GPtrArray *strings)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; strings != NULL && i < strings->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (strings, i));
  json_builder_end_array (builder);
}

void
wf_run_result_add_members (const WfRunResult *result,
                           JsonBuilder       *builder)
{
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, wf_run_status_to_string (result->status));
  json_builder_set_member_name (builder, "exit_code");
  json_builder_add_int_value (builder, result->exit_code);
  json_builder_set_member_name (builder, "stdout");
  json_builder_add_string_value (builder, result->stdout_text ? result->stdout_text : "");
  json_builder_set_member_name (builder, "stderr");
  json_builder_add_string_value (builder, result->stderr_text ? result->stderr_text : "");
  json_builder_set_member_name (builder, "error");
  if (result->error_message)
    json_builder_add_string_value (builder, result->error_message);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "backend");
  json_builder_add_string_value (builder, result->backend);

  json_builder_set_member_name (builder, "tables");
  json_builder_begin_array (builder);
  for (guint i = 0; i < result->tables->len; i++)
    wf_table_to_json (g_ptr_array_index (result->tables, i), builder);
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "metrics");
  json_builder_begin_array (builder);
  for (guint i = 0; i < result->metrics->len; i++)
    wf_metric_to_json (g_ptr_array_index (result->metrics, i), builder);
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "params");
  json_builder_begin_array (builder);
  for (guint i = 0; i < result->params->len; i++)
    wf_param_to_json (g_ptr_array_index (result->params, i), builder);
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "charts");
  json_builder_begin_array (builder);
  for (guint i = 0; i < result->charts->len; i++)
    wf_chart_to_json (g_ptr_array_index (result->charts, i), builder);
  json_builder_end_array (builder);

  add_string_array (builder, "logs", result->logs);

  json_builder_set_member_name (builder, "wall_ms");
  json_builder_add_int_value (builder, result->wall_ms);
  json_builder_set_member_name (builder, "cpu_ms");
  json_builder_add_int_value (builder, result->cpu_ms);
  json_builder_set_member_name (builder, "peak_rss_kb");
  json_builder_add_int_value (builder, result->peak_rss_kb);
  add_string_array (builder, "limits_hit", result->limits_hit);

  json_builder_set_member_name (builder, "truncated");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "stdout");
  json_builder_add_boolean_value (builder, result->stdout_truncated);
  json_builder_set_member_name (builder, "stderr");
  json_builder_add_boolean_value (builder, result->stderr_truncated);
  json_builder_set_member_name (builder, "tables");
  json_builder_add_boolean_value (builder, result->tables_truncated);
  json_builder_end_object (builder);
}

/* Parsing back: strict about shapes, since the JSON may come from the store of
 * an older version or from the runner. */

static gboolean
require_object (JsonNode    *node,
                const char  *what,
                JsonObject **out,
                GError     **error)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, WF_TYPES_ERROR, WF_TYPES_ERROR_INVALID,
                   "A %s must be a JSON object", what);
      return FALSE;
    }

  *out = json_node_get_object (node);
  return TRUE;
}

static const char *
get_string_member (JsonObject *object,
                   const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

WfTable *
wf_table_from_json (JsonNode  *node,
                    GError   **error)
{
  g_autoptr(WfTable) table = NULL;
  JsonObject *object;
  JsonNode *columns;
  JsonNode *rows;

  if (!require_object (node, "table", &object, error))
    return NULL;

  table = wf_table_new (get_string_member (object, "name"));
  columns = json_object_get_member (object, "columns");
  rows = json_object_get_member (object, "rows");

  if (columns == NULL || !JSON_NODE_HOLDS_ARRAY (columns) ||
      rows == NULL || !JSON_NODE_HOLDS_ARRAY (rows))
    {
      g_set_error (error, WF_TYPES_ERROR, WF_TYPES_ERROR_INVALID,
                   "A table needs “columns” and “rows” arrays");
      return NULL;
    }

  {
    JsonArray *cols = json_node_get_array (columns);
    guint n_cols = json_array_get_length (cols);

    for (guint i = 0; i < n_cols; i++)
      {
        JsonNode *c = json_array_get_element (cols, i);
        const char *s = (JSON_NODE_HOLDS_VALUE (c) &&
                         json_node_get_value_type (c) == G_TYPE_STRING)
                          ? json_node_get_string (c) : NULL;
        g_ptr_array_add (table->columns, g_strdup (s ? s : ""));
      }
  }

  {
    g_autoptr(JsonNode) copy = json_node_copy (rows);
    JsonArray *array = json_node_get_array (copy);
    guint n = json_array_get_length (array);

    for (guint i = 0; i < n; i++)
      {
        if (!JSON_NODE_HOLDS_ARRAY (json_array_get_element (array, i)))
          {
            g_set_error (error, WF_TYPES_ERROR, WF_TYPES_ERROR_INVALID,
                         "Row %u of table “%s” is not an array", i + 1, table->name);
            return NULL;
          }
      }

    json_array_unref (table->rows);
    table->rows = json_array_ref (array);
  }

  return g_steal_pointer (&table);
}

WfMetric *
wf_metric_from_json (JsonNode  *node,
                     GError   **error)
{
  JsonObject *object;
  const char *name;

  if (!require_object (node, "metric", &object, error))
    return NULL;

  name = get_string_member (object, "name");
  if (name == NULL)
    {
      g_set_error (error, WF_TYPES_ERROR, WF_TYPES_ERROR_INVALID, "A metric needs a name");
      return NULL;
    }

  return wf_metric_new (name,
                        wf_json_get_double (json_object_get_member (object, "value")),
                        get_string_member (object, "unit"));
}

WfParam *
wf_param_from_json (JsonNode  *node,
                    GError   **error)
{
  JsonObject *object;
  const char *label;
  WfParam *param;

  if (!require_object (node, "parameter", &object, error))
    return NULL;

  label = get_string_member (object, "label");
  if (label == NULL)
    {
      g_set_error (error, WF_TYPES_ERROR, WF_TYPES_ERROR_INVALID, "A parameter needs a label");
      return NULL;
    }

  param = wf_param_new (label, get_string_member (object, "kind"),
                        wf_json_get_double (json_object_get_member (object, "value")));
  param->min = wf_json_get_double (json_object_get_member (object, "min"));
  param->max = wf_json_get_double (json_object_get_member (object, "max"));
  param->step = wf_json_get_double (json_object_get_member (object, "step"));

  return param;
}

WfChart *
wf_chart_from_json (JsonNode  *node,
                    GError   **error)
{
  g_autoptr(WfChart) chart = NULL;
  JsonObject *object;
  JsonNode *x;
  JsonNode *series;

  if (!require_object (node, "chart", &object, error))
    return NULL;

  chart = wf_chart_new (get_string_member (object, "kind"), get_string_member (object, "title"));
  x = json_object_get_member (object, "x");
  series = json_object_get_member (object, "series");

  if (x == NULL || !JSON_NODE_HOLDS_ARRAY (x) || series == NULL || !JSON_NODE_HOLDS_ARRAY (series))
    {
      g_set_error (error, WF_TYPES_ERROR, WF_TYPES_ERROR_INVALID,
                   "A chart needs “x” and “series” arrays");
      return NULL;
    }

  {
    JsonArray *xs = json_node_get_array (x);

    for (guint i = 0; i < json_array_get_length (xs); i++)
      {
        JsonNode *e = json_array_get_element (xs, i);
        char *label;

        if (JSON_NODE_HOLDS_VALUE (e) && json_node_get_value_type (e) == G_TYPE_STRING)
          label = g_strdup (json_node_get_string (e));
        else if (JSON_NODE_HOLDS_VALUE (e))
          {
            double d = wf_json_get_double (e);
            label = isfinite (d) ? g_strdup_printf ("%.15g", d) : g_strdup ("");
          }
        else
          label = g_strdup ("");

        g_ptr_array_add (chart->x, label);
      }
  }

  {
    JsonArray *ss = json_node_get_array (series);

    for (guint i = 0; i < json_array_get_length (ss); i++)
      {
        JsonNode *e = json_array_get_element (ss, i);
        JsonObject *so;
        JsonNode *values;
        WfSeries *s;

        if (!require_object (e, "chart series", &so, error))
          return NULL;

        values = json_object_get_member (so, "values");
        if (values == NULL || !JSON_NODE_HOLDS_ARRAY (values))
          {
            g_set_error (error, WF_TYPES_ERROR, WF_TYPES_ERROR_INVALID,
                         "A chart series needs a “values” array");
            return NULL;
          }

        s = wf_series_new (get_string_member (so, "name"));
        for (guint j = 0; j < json_array_get_length (json_node_get_array (values)); j++)
          {
            double d = wf_json_get_double (json_array_get_element (json_node_get_array (values), j));
            g_array_append_val (s->values, d);
          }
        g_ptr_array_add (chart->series, s);
      }
  }

  return g_steal_pointer (&chart);
}

/* Misc */

char *
wf_sha256_hex (const char *text)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, text ? text : "", -1);
}

double
wf_micros_to_usd (gint64 micros)
{
  return (double) micros / (double) WF_MICROS_PER_USD;
}

gint64
wf_usd_to_micros (double usd)
{
  if (!isfinite (usd) || usd <= 0)
    return 0;

  /* Clamp before converting: a hostile "cost": 1e300 must not overflow. */
  if (usd > 1e9)
    usd = 1e9;

  return (gint64) llround (usd * (double) WF_MICROS_PER_USD);
}
