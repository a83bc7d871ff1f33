/* wf-pipeline-answer.c: what a run says
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The answer line built from the run's metrics, and the run as JSON
 * (wf_pipeline_run_to_json()).
 */
#define G_LOG_DOMAIN "wf-pipeline"

#include "config.h"

#include <math.h>

#include <glib/gi18n-lib.h>

#include "wf-pipeline.h"
#include "wf-pipeline-private.h"
#include "wf-currency.h"

static char *
format_number (double      value,
               const char *unit)
{
  const char *symbol = wf_currency_code_is_valid (unit) ? wf_currency_symbol (unit) : NULL;

  if (!isfinite (value))
    return g_strdup (_("not a number"));
  if (symbol != NULL)
    {
      /* A symbol several currencies share (kr) says too little: the code. */
      if (g_strcmp0 (wf_currency_for_symbol (symbol), unit) != 0)
        symbol = unit;
      /* Letters go after the amount (12.00 CHF), signs before it (€12.00). */
      if (g_ascii_isalpha (symbol[0]))
        return g_strdup_printf ("%.2f %s", value, symbol);
      return value < 0 ? g_strdup_printf ("-%s%.2f", symbol, -value) : g_strdup_printf ("%s%.2f", symbol, value);
    }
  if (g_strcmp0 (unit, "%") == 0)
    return g_strdup_printf ("%.2f%%", value);
  if (g_strcmp0 (unit, "ratio") == 0)
    return g_strdup_printf ("%.2f%%", value * 100.0);
  if (g_strcmp0 (unit, "count") == 0)
    return g_strdup_printf ("%.0f", value);
  /* Four significant digits read well up to thousands; beyond, whole
   * numbers, never an exponent a person has to decode. */
  if (fabs (value) >= 1e4 && fabs (value) < 1e15)
    return g_strdup_printf ("%.0f%s%s", value, unit ? " " : "", unit ? unit : "");
  return g_strdup_printf ("%.4g%s%s", value, unit ? " " : "", unit ? unit : "");
}

void
wf_pipeline_build_answer (Ctx *c)
{
  const WfRunResult *r = c->run->result;
  GString *s = g_string_new (NULL);
  guint i;

  for (i = 0; i < r->metrics->len && i < 3; i++)
    {
      const WfMetric *m = g_ptr_array_index (r->metrics, i);
      g_autofree char *num = format_number (m->value, m->unit);
      g_autofree char *name = g_strdelimit (g_strdup (m->name), "_", ' ');

      g_string_append_printf (s, "%s%s: %s", i ? "; " : "", name, num);
    }
  if (s->len > 0)
    g_string_append_c (s, '.');
  else if (g_strcmp0 (c->run->language, "sql") == 0 && r->tables->len > 0)
    g_string_append_printf (s, g_dngettext (GETTEXT_PACKAGE, "The query returned %u row.", "The query returned %u rows.",
                                            wf_table_get_n_rows (g_ptr_array_index (r->tables, 0))),
                            wf_table_get_n_rows (g_ptr_array_index (r->tables, 0)));
  else
    g_string_append (s, _("The model produced tables but no single figure."));
  g_free (c->run->answer);
  c->run->answer = g_string_free (s, FALSE);
  wf_pipeline_set_outcome (c, WF_OUTCOME_ANSWERED, c->run->answer);
}

/* ---- JSON ---- */

JsonNode *
wf_pipeline_run_to_json (const WfRun *run)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const WfRunResult *r = run->result;
  gint64 llm = 0, sandbox = 0, in = 0, out = 0;
  guint i;

  for (i = 0; i < run->spans->len; i++)
    {
      const WfCostSpan *s = g_ptr_array_index (run->spans, i);

      llm += s->llm_micros;
      sandbox += s->sandbox_micros;
      in += s->input_tokens;
      out += s->output_tokens;
    }

#define STR(name, value) G_STMT_START {                         \
    json_builder_set_member_name (b, name);                     \
    if ((value) != NULL)                                         \
      json_builder_add_string_value (b, value);                  \
    else                                                         \
      json_builder_add_null_value (b);                           \
  } G_STMT_END

  json_builder_begin_object (b);
  STR ("outcome", wf_outcome_to_string (run->outcome));
  STR ("message", run->message);
  STR ("answer", run->answer);
  json_builder_set_member_name (b, "session_id");
  json_builder_add_int_value (b, run->session_id);
  json_builder_set_member_name (b, "run_id");
  json_builder_add_int_value (b, run->id);
  json_builder_set_member_name (b, "parent_run_id");
  if (run->parent_run_id > 0)
    json_builder_add_int_value (b, run->parent_run_id);
  else
    json_builder_add_null_value (b);
  STR ("code", run->code);
  STR ("language", run->language);
  STR ("explanation", run->explanation);
  STR ("provider", run->provider);
  STR ("model", run->model);

  json_builder_set_member_name (b, "metrics");
  json_builder_begin_array (b);
  for (i = 0; r != NULL && i < r->metrics->len; i++)
    wf_metric_to_json (g_ptr_array_index (r->metrics, i), b);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "params");
  json_builder_begin_array (b);
  for (i = 0; r != NULL && i < r->params->len; i++)
    wf_param_to_json (g_ptr_array_index (r->params, i), b);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "tables");
  json_builder_begin_array (b);
  for (i = 0; r != NULL && i < r->tables->len; i++)
    wf_table_to_json (g_ptr_array_index (r->tables, i), b);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "charts");
  json_builder_begin_array (b);
  for (i = 0; r != NULL && i < r->charts->len; i++)
    wf_chart_to_json (g_ptr_array_index (r->charts, i), b);
  json_builder_end_array (b);

  json_builder_set_member_name (b, "clarification");
  {
    g_autoptr(JsonNode) cl = run->clarification_json ? json_from_string (run->clarification_json, NULL) : NULL;

    if (cl != NULL)
      json_builder_add_value (b, g_steal_pointer (&cl));
    else
      json_builder_add_null_value (b);
  }

  json_builder_set_member_name (b, "cost");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "llm_usd");
  json_builder_add_double_value (b, wf_micros_to_usd (llm));
  json_builder_set_member_name (b, "sandbox_usd");
  json_builder_add_double_value (b, wf_micros_to_usd (sandbox));
  json_builder_set_member_name (b, "total_usd");
  json_builder_add_double_value (b, wf_micros_to_usd (MAX (run->total_micros, llm + sandbox)));
  json_builder_set_member_name (b, "input_tokens");
  json_builder_add_int_value (b, in);
  json_builder_set_member_name (b, "output_tokens");
  json_builder_add_int_value (b, out);
  json_builder_set_member_name (b, "estimated");
  json_builder_add_boolean_value (b, run->cost_estimated);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "stages");
  json_builder_begin_array (b);
  for (i = 0; i < run->spans->len; i++)
    {
      const WfCostSpan *s = g_ptr_array_index (run->spans, i);

      json_builder_begin_object (b);
      STR ("name", s->stage);
      json_builder_set_member_name (b, "ms");
      json_builder_add_double_value (b, s->duration_us / 1000.0);
      STR ("status", s->outcome);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "fixes");
  json_builder_begin_array (b);
  for (i = 0; i < run->fixes->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (run->fixes, i));
  json_builder_end_array (b);
  json_builder_end_object (b);
#undef STR
  return json_builder_get_root (b);
}
