/* wf-pipeline-cost.c: the run's spend
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The budget stage (a reservation before any paid model call) and the settle
 * stage (the actual cost of the run's spans, from the provider or the
 * catalogue).
 */
#define G_LOG_DOMAIN "wf-pipeline"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "wf-pipeline-private.h"
#include "wf-budget.h"
#include "wf-store.h"
#include "providers/wf-provider-openrouter.h"

gboolean
wf_pipeline_stage_budget (Ctx           *c,
                          WfLlmProvider *provider,
                          GPtrArray     *messages)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WfModelInfo) model = NULL;
  g_autoptr(GString) prompt = g_string_new (NULL);
  WfCostEstimate est;
  g_autofree char *key = NULL;
  g_autofree char *uuid = NULL;
  gboolean is_free = wf_llm_provider_is_free (provider);
  const char *model_id = c->req->model;
  guint i;

  wf_pipeline_stage_begin (c, "budget");
  if (is_free)
    {
      wf_pipeline_stage_end (c, "free");
      return TRUE;
    }
  /* The chosen model's catalogue prices, for the whole prompt that will be
   * sent (system prompt and history included); an unknown model is priced
   * conservatively and the run flagged "cost estimated". */
  if (model_id == NULL && g_str_equal (wf_llm_provider_get_name (provider), "openrouter"))
    model_id = WF_OPENROUTER_DEFAULT_MODEL;
  model = wf_pipeline_lookup_model (c->self, c->store, model_id);
  for (i = 0; messages != NULL && i < messages->len; i++)
    g_string_append (prompt, ((WfChatMessage *) g_ptr_array_index (messages, i))->content);
  if (prompt->len == 0)
    g_string_append (prompt, c->req->text);
  wf_budget_estimate (model, FALSE, prompt->str, MAX_OUTPUT_TOKENS, 2.0, 0, &est);
  c->budget = wf_budget_new (c->store);
  uuid = g_uuid_string_random ();
  key = g_strdup_printf ("run:%s", uuid);
  c->reservation = wf_budget_reserve (c->budget, key, c->req->session_id,
                                      wf_llm_provider_get_name (provider), c->req->model,
                                      FALSE, &est, &error);
  if (c->reservation == NULL)
    {
      g_autofree char *msg = g_strdup_printf (_("%s The offline templates still work at no cost: ask "
                                                "again with --provider offline."), error->message);
      wf_pipeline_stage_end (c, "stopped");
      wf_pipeline_set_outcome (c, WF_OUTCOME_OVER_BUDGET, msg);
      return FALSE;
    }
  wf_pipeline_stage_end (c, "reserved");
  return TRUE;
}

void
wf_pipeline_stage_settle (Ctx *c)
{
  WfActualCost actual = { 0 };
  gint64 in = 0, out = 0, llm = 0;
  gboolean reported = TRUE, any = FALSE;
  guint i;

  for (i = 0; i < c->run->spans->len; i++)
    {
      const WfCostSpan *s = g_ptr_array_index (c->run->spans, i);

      in += s->input_tokens;
      out += s->output_tokens;
      llm += s->llm_micros;
      if (s->provider != NULL && s->estimated)
        reported = FALSE;
      if (s->input_tokens || s->output_tokens)
        any = TRUE;
    }
  wf_pipeline_stage_begin (c, "settle");
  if (c->reservation != NULL)
    {
      /* Tokens without a reported cost are priced from the catalogue. */
      g_autoptr(WfModelInfo) model = wf_pipeline_lookup_model (c->self, c->store,
                                                                 c->run->model ? c->run->model : c->reservation->model);

      actual.model = model;
      actual.has_reported_cost = reported && any;
      actual.reported_micros = llm;
      actual.has_usage = any;
      actual.input_tokens = in;
      actual.output_tokens = out;
      c->settlement = wf_budget_build_settlement (c->budget, c->reservation, &actual);
      if (c->settlement != NULL)
        {
          c->run->total_micros = c->settlement->amount_micros;
          c->run->cost_estimated = c->settlement->estimated;
        }
    }
  wf_pipeline_stage_end (c, c->settlement ? "ok" : "free");
}
