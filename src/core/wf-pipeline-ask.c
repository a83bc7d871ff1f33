/* wf-pipeline-ask.c: from the question to the code
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The classify stage (routing, clarification, template or model), the session
 * stage (the conversation for a model), the generate stage (a template or one
 * model call, its code streamed to the caller) and the repair stage (repair,
 * and one re-ask when the answer cannot be used).
 */
#define G_LOG_DOMAIN "wf-pipeline"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "wf-pipeline-private.h"
#include "wf-budget.h"
#include "wf-currency.h"
#include "wf-prompt.h"
#include "wf-query-router.h"
#include "wf-repair.h"
#include "wf-session.h"
#include "wf-store.h"
#include "wf-templates.h"

/* The parameters in force in the session, rebuilt by replaying its questions
 * through the deterministic router: nothing more needs to be stored. */
static void
replay_session (Ctx *c)
{
  g_autoptr(GPtrArray) messages = NULL;
  guint i;

  c->intent = WF_INTENT_NONE;
  if (c->req->session_id <= 0)
    return;
  messages = wf_store_list_messages (c->store, c->req->session_id, NULL);
  for (i = 0; messages != NULL && i < messages->len; i++)
    {
      const WfMessage *m = g_ptr_array_index (messages, i);
      g_autoptr(WfRoute) earlier = NULL;
      WfQueryContext qc;

      if (g_strcmp0 (m->role, "user") != 0)
        continue;
      wf_query_context_init (&qc);
      qc.previous_intent = c->intent;
      qc.previous_params = c->params;
      earlier = wf_query_route (m->content, &qc, NULL);
      if (earlier == NULL || earlier->decision != WF_ROUTE_DECISION_ROUTE ||
          !wf_templates_supports (earlier->intent))
        continue;
      c->intent = earlier->intent;
      g_clear_pointer (&c->params, wf_query_params_free);
      c->params = g_steal_pointer (&earlier->params);
    }
}

static char *
clarification_json (const WfRoute *route)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  guint i;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "question");
  json_builder_add_string_value (b, route->clarify_question ? route->clarify_question : "");
  json_builder_set_member_name (b, "options");
  json_builder_begin_array (b);
  for (i = 0; route->options != NULL && i < route->options->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (route->options, i));
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

/* Returns FALSE when the turn ends here (refused, clarify, needs provider). */
gboolean
wf_pipeline_stage_classify (Ctx            *c,
                            WfLlmProvider  *provider,
                            gboolean       *out_use_template)
{
  g_autoptr(WfRoute) route = NULL;
  g_autoptr(GError) error = NULL;
  WfQueryContext qc;
  gboolean is_offline = g_str_equal (wf_llm_provider_get_name (provider), "offline");
  g_autoptr(GPtrArray) datasets = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  *out_use_template = FALSE;
  wf_pipeline_stage_begin (c, "classify");
  replay_session (c);
  wf_query_context_init (&qc);
  qc.previous_intent = c->intent;
  qc.previous_params = c->params;
  /* Questions about the user's datasets are the model's, never a template's. */
  datasets = wf_store_list_datasets (c->store, NULL);
  for (guint k = 0; datasets != NULL && k < datasets->len; k++)
    g_ptr_array_add (names, ((WfDataset *) g_ptr_array_index (datasets, k))->name);
  g_ptr_array_add (names, NULL);
  qc.dataset_names = (const char * const *) names->pdata;
  route = wf_query_route (c->req->text, &qc, &error);
  if (route == NULL)
    {
      wf_pipeline_stage_end (c, "error");
      wf_pipeline_set_outcome (c, WF_OUTCOME_REFUSED, error->message);
      return FALSE;
    }
  if (route->decision == WF_ROUTE_DECISION_REFUSE)
    {
      g_autofree char *msg = g_strdup_printf (_("I can only help with money questions. %s"),
                                              route->reason ? route->reason : "");
      wf_pipeline_stage_end (c, "refused");
      wf_pipeline_set_outcome (c, WF_OUTCOME_REFUSED, msg);
      return FALSE;
    }
  if (route->decision == WF_ROUTE_DECISION_CLARIFY)
    {
      wf_pipeline_stage_end (c, "clarify");
      wf_pipeline_set_outcome (c, WF_OUTCOME_NEEDS_CLARIFICATION,
                               route->clarify_question ? route->clarify_question
                                                       : _("Could you say a little more about what you want to know?"));
      c->run->clarification_json = clarification_json (route);
      return FALSE;
    }
  /* Named in this question or, for a follow-up, in the turn it continues. */
  if (wf_currency_code_is_valid (route->params->currency))
    {
      memcpy (c->currency, route->params->currency, sizeof c->currency);
      c->currency_named = !route->params->currency_assumed;
    }
  if (wf_templates_supports (route->intent))
    {
      c->intent = route->intent;
      g_clear_pointer (&c->params, wf_query_params_free);
      c->params = wf_query_params_copy (route->params);
      if (!c->currency_named)
        {
          memcpy (c->params->currency, c->currency, sizeof c->params->currency);
          c->params->currency_assumed = TRUE;
        }
      *out_use_template = is_offline;
    }
  else if (is_offline && wf_query_mentions_data (c->req->text, qc.dataset_names))
    {
      wf_pipeline_stage_end (c, "needs_provider");
      wf_pipeline_set_outcome (c, WF_OUTCOME_NEEDS_PROVIDER,
                               _("Questions about your imported data need a language model: the offline templates "
                                 "only know the numbers you type. Add an OpenRouter or Cohere API key (`whatif-cli keys "
                                 "set openrouter`, or Preferences → Providers), or set the base URL of a local "
                                 "OpenAI-compatible server, then ask again with --provider. To summarise the data "
                                 "without a model, run an SQL query on it (`whatif-cli run query.sql`)."));
      return FALSE;
    }
  else if (is_offline)
    {
      wf_pipeline_stage_end (c, "needs_provider");
      wf_pipeline_set_outcome (c, WF_OUTCOME_NEEDS_PROVIDER,
                               _("This question needs a language model: no offline template fits it. Add an OpenRouter "
                                 "or Cohere API key (`whatif-cli keys set openrouter`, or Preferences → Providers), or "
                                 "set the base URL of a local OpenAI-compatible server such as Ollama or llama.cpp, "
                                 "then ask again with --provider."));
      return FALSE;
    }
  wf_pipeline_stage_end (c, wf_intent_to_string (route->intent));
  return TRUE;
}

gboolean
wf_pipeline_apply_repair (Ctx         *c,
                          const char  *raw,
                          GError     **error)
{
  g_autoptr(WfRepairResult) r = wf_repair (raw, -1, MAX_CODE_BYTES, NULL, error);
  guint i;

  if (r == NULL)
    return FALSE;
  g_free (c->run->code);
  c->run->code = g_strdup (r->code);
  g_free (c->run->explanation);
  c->run->explanation = g_strdup (r->explanation);
  g_free (c->run->language);
  c->run->language = g_strdup (r->language ? r->language : "python");
  for (i = 0; r->fixes != NULL && i < r->fixes->len; i++)
    g_ptr_array_add (c->run->fixes, g_strdup (g_ptr_array_index (r->fixes, i)));
  return TRUE;
}

static int
hex_value (char ch)
{
  if (ch >= '0' && ch <= '9')
    return ch - '0';
  if (ch >= 'a' && ch <= 'f')
    return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F')
    return ch - 'A' + 10;
  return -1;
}

/* \uXXXX at p (p[0] == '\\'); -1 when not all there yet, -2 when malformed. */
static gint32
read_u_escape (const char *p,
               const char *end)
{
  gint32 v = 0;
  int i;

  if (end - p < 6)
    return -1;
  if (p[1] != 'u')
    return -2;
  for (i = 2; i < 6; i++)
    {
      int h = hex_value (p[i]);

      if (h < 0)
        return -2;
      v = v * 16 + h;
    }
  return v;
}

/* The code as the model writes it: the "code" member of its JSON answer,
 * decoded from the streamed text piece by piece, so the app shows Python and
 * not JSON. Returns the newly decoded text, or NULL. Anything that is not a
 * JSON answer (a fenced block, prose) shows nothing until the final code. */
static char *
code_stream_feed (Ctx        *c,
                  const char *delta)
{
  GString *out = NULL;
  const char *p, *end;

  if (c->stream_raw == NULL)
    c->stream_raw = g_string_new (NULL);
  g_string_append (c->stream_raw, delta);
  p = c->stream_raw->str + c->stream_pos;
  end = c->stream_raw->str + c->stream_raw->len;

  if (c->stream_state == STREAM_SEEK)
    {
      const char *key = p;

      /* "code" as a key: not escaped inside another string, then : and " */
      while ((key = strstr (key, "\"code\"")) != NULL)
        {
          const char *q = key + 6;

          if (key > c->stream_raw->str && key[-1] == '\\')
            {
              key++;
              continue;
            }
          while (q < end && g_ascii_isspace (*q))
            q++;
          if (q < end && *q == ':')
            {
              q++;
              while (q < end && g_ascii_isspace (*q))
                q++;
              if (q < end && *q == '"')
                {
                  c->stream_state = STREAM_CODE;
                  p = q + 1;
                  break;
                }
            }
          if (q >= end)
            break;   /* the rest has not arrived yet: look again from here */
          key++;
        }
      if (c->stream_state == STREAM_SEEK)
        {
          /* Keep the tail that may be the start of the key. */
          c->stream_pos = key != NULL ? (gsize) (key - c->stream_raw->str)
                                      : c->stream_raw->len > 8 ? c->stream_raw->len - 8 : 0;
          return NULL;
        }
    }
  if (c->stream_state != STREAM_CODE)
    return NULL;

  out = g_string_new (NULL);
  while (p < end)
    {
      if (*p == '"')
        {
          c->stream_state = STREAM_DONE;
          p++;
          break;
        }
      if (*p != '\\')
        {
          g_string_append_c (out, *p++);
          continue;
        }
      if (end - p < 2)
        break;
      switch (p[1])
        {
        case 'n':
        case 't':
        case 'r':
        case 'b':
        case 'f':
          g_string_append_c (out, p[1] == 'n' ? '\n' : p[1] == 't' ? '\t' : p[1] == 'r' ? '\r'
                                  : p[1] == 'b' ? '\b' : '\f');
          p += 2;
          break;
        case '/':
        case '\\':
        case '"':
          g_string_append_c (out, p[1]);
          p += 2;
          break;
        case 'u':
          {
            gint32 u = read_u_escape (p, end);
            gint32 lo;

            if (u == -1)
              goto wait;
            if (u == -2)
              {
                c->stream_state = STREAM_DONE;   /* not JSON after all: stop showing */
                goto wait;
              }
            if (u >= 0xD800 && u <= 0xDBFF)
              {
                lo = read_u_escape (p + 6, end);
                if (lo == -1)
                  goto wait;
                if (lo >= 0xDC00 && lo <= 0xDFFF)
                  {
                    g_string_append_unichar (out, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
                    p += 12;
                    break;
                  }
                u = 0xFFFD;
              }
            else if (u >= 0xDC00 && u <= 0xDFFF)
              u = 0xFFFD;
            g_string_append_unichar (out, u);
            p += 6;
          }
          break;
        default:
          c->stream_state = STREAM_DONE;
          goto wait;
        }
    }
wait:
  c->stream_pos = p - c->stream_raw->str;
  if (out->len == 0)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

static void
code_delta (const char *delta,
            gpointer    user_data)
{
  Ctx *c = user_data;
  g_autofree char *code = code_stream_feed (c, delta);

  if (code != NULL)
    wf_pipeline_post (c, SIGNAL_CODE_DELTA, code, 0, NULL);
}

/* One model call, counted into the current span and the run's tokens. */
char *
wf_pipeline_call_model (Ctx            *c,
                        WfLlmProvider  *provider,
                        GPtrArray      *messages,
                        GError        **error)
{
  g_autoptr(WfGenerateResult) gen = NULL;
  WfGenerateParams gp;
  guint i;

  wf_generate_params_init (&gp);
  gp.model = g_strdup (c->req->model);
  gp.max_tokens = MAX_OUTPUT_TOKENS;
  gp.temperature = 0.0;
  gp.json_mode = TRUE;
  gp.stream = c->context != NULL;
  gp.on_delta = code_delta;
  gp.on_delta_data = c;
  /* Each call streams a whole new answer. */
  if (c->stream_raw != NULL)
    g_string_truncate (c->stream_raw, 0);
  c->stream_pos = 0;
  c->stream_state = STREAM_SEEK;
  gen = wf_llm_provider_generate (provider, messages, &gp, c->cancellable, error);
  wf_generate_params_clear (&gp);
  if (gen == NULL)
    return NULL;
  c->span->provider = g_strdup (wf_llm_provider_get_name (provider));
  g_free (c->span->model);
  c->span->model = g_strdup (gen->model);
  if (c->run->model == NULL && gen->model != NULL)
    c->run->model = g_strdup (gen->model);
  if (gen->has_usage)
    c->span->input_tokens += gen->input_tokens;
  else
    for (i = 0; i < messages->len; i++)
      c->span->input_tokens += wf_budget_estimate_tokens (((WfChatMessage *) g_ptr_array_index (messages, i))->content);
  c->span->output_tokens += gen->has_usage ? gen->output_tokens : wf_budget_estimate_tokens (gen->text);
  if (gen->has_reported_cost)
    c->span->llm_micros += wf_usd_to_micros (gen->reported_cost_usd);
  else if (!wf_llm_provider_is_free (provider))
    c->span->estimated = TRUE;
  return g_steal_pointer (&gen->text);
}

static WfOutcome
provider_outcome (const GError *error)
{
  if (g_error_matches (error, WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_CANCELLED) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return WF_OUTCOME_CANCELLED;
  if (g_error_matches (error, WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_TIMEOUT))
    return WF_OUTCOME_TIMEOUT;
  if (g_error_matches (error, WF_PROVIDER_ERROR, WF_PROVIDER_ERROR_NOT_CONFIGURED))
    return WF_OUTCOME_NEEDS_PROVIDER;
  return WF_OUTCOME_PROVIDER_ERROR;
}

/* generate + repair for a model (remote, local or offline). */
/* The conversation for a model, within the session's token budget. */
GPtrArray *
wf_pipeline_stage_session (Ctx      *c,
                           gboolean  use_template)
{
  g_autoptr(WfSession) session = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GPtrArray) datasets = NULL;
  g_autoptr(GHashTable) samples = NULL;
  g_autofree char *system = NULL;
  g_autofree char *data_prompt = NULL;
  g_autofree char *currency_note = NULL;
  GPtrArray *messages;
  guint i, n_dropped = 0;

  wf_pipeline_stage_begin (c, "session");
  if (use_template)
    {
      /* The template already has the parameters in force from classify. */
      wf_pipeline_stage_end (c, c->req->session_id > 0 ? "params" : "new");
      return NULL;
    }
  datasets = wf_store_list_datasets (c->store, NULL);
  if (datasets != NULL && datasets->len > 0)
    {
      /* A few rows of each, read in the sandbox, quoted as data in the prompt. */
      g_autoptr(WfSandbox) sandbox = wf_pipeline_dup_sandbox (c->self, NULL);
      g_autofree char *workbook = wf_store_dup_workbook_path (c->store);

      samples = wf_prompt_fetch_samples (sandbox, workbook, datasets, c->cancellable);
    }
  data_prompt = wf_prompt_build_system_full (datasets, samples);
  currency_note = wf_prompt_currency_note (c->currency, c->currency_named);
  system = g_strconcat (data_prompt, currency_note ? currency_note : "", NULL);
  session = wf_session_new (c->req->session_id, system);
  if (c->req->session_id > 0)
    history = wf_store_list_messages (c->store, c->req->session_id, NULL);
  for (i = 0; history != NULL && i < history->len; i++)
    {
      const WfMessage *m = g_ptr_array_index (history, i);
      wf_session_add_message (session, m->role, m->content);
    }
  if (c->params != NULL)
    wf_session_set_params (session, c->intent, c->params);
  messages = wf_session_build_context (session, c->req->text, &n_dropped);
  wf_pipeline_stage_end (c, n_dropped > 0 ? "compressed" : "ok");
  return messages;
}

gboolean
wf_pipeline_stage_generate (Ctx            *c,
                            WfLlmProvider  *provider,
                            gboolean        use_template,
                            GPtrArray      *messages)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *raw = NULL;

  if (use_template)
    {
      wf_pipeline_stage_begin (c, "generate");
      raw = wf_templates_render_json (c->intent, c->params, &error);
      c->span->provider = g_strdup ("offline");
      c->run->provider = g_strdup ("offline");
      c->run->model = g_strdup_printf ("offline/%s", wf_intent_to_string (c->intent));
    }
  else
    {
      wf_pipeline_stage_begin (c, "generate");
      c->run->provider = g_strdup (wf_llm_provider_get_name (provider));
      c->run->model = g_strdup (c->req->model);
      raw = wf_pipeline_call_model (c, provider, messages, &error);
    }
  if (raw == NULL)
    {
      WfOutcome outcome = provider_outcome (error);

      wf_pipeline_stage_end (c, "error");
      if (outcome == WF_OUTCOME_CANCELLED)
        wf_pipeline_check_cancelled (c);
      else
        wf_pipeline_set_outcome (c, outcome, error->message);
      return FALSE;
    }
  wf_pipeline_stage_end (c, "ok");

  wf_pipeline_stage_begin (c, "repair");
  if (!wf_pipeline_apply_repair (c, raw, &error))
    {
      g_autofree char *reask = NULL;
      g_autofree char *raw2 = NULL;

      if (messages == NULL)
        {
          wf_pipeline_stage_end (c, "error");
          wf_pipeline_set_outcome (c, WF_OUTCOME_FAILED, error->message);
          return FALSE;
        }
      /* One correction prompt, counted like any call. */
      reask = wf_repair_build_reask_prompt (error);
      g_clear_error (&error);
      g_ptr_array_add (messages, wf_chat_message_new ("assistant", raw));
      g_ptr_array_add (messages, wf_chat_message_new ("user", reask));
      raw2 = wf_pipeline_call_model (c, provider, messages, &error);
      if (raw2 == NULL || !wf_pipeline_apply_repair (c, raw2, &error))
        {
          g_autofree char *msg = g_strdup_printf (_("The model’s answer could not be used, even after "
                                                    "asking again: %s"), error->message);
          wf_pipeline_stage_end (c, "error");
          if (raw2 == NULL && provider_outcome (error) == WF_OUTCOME_CANCELLED)
            wf_pipeline_check_cancelled (c);
          else
            wf_pipeline_set_outcome (c, raw2 == NULL ? provider_outcome (error) : WF_OUTCOME_FAILED, msg);
          return FALSE;
        }
      g_ptr_array_add (c->run->fixes, g_strdup ("reask"));
    }
  wf_pipeline_stage_end (c, c->run->fixes->len > 0 ? "fixed" : "ok");
  g_free (c->run->code_hash);
  c->run->code_hash = wf_sha256_hex (c->run->code);
  return TRUE;
}
