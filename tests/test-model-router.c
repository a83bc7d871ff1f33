/* test-model-router.c: catalogue defaults, OpenRouter list parsing (hostile
 * input included), the store cache, circuit breakers with an injected clock,
 * and the choice of model by budget state
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "wf-mock-server.h"
#include "wf-model-router.h"
#include "wf-store.h"

static const char openrouter_list[] =
  "{\"data\": ["
  " {\"id\": \"openai/gpt-4\", \"canonical_slug\": \"openai/gpt-4\", \"name\": \"GPT-4\","
  "  \"created\": 1692901234, \"context_length\": 8192,"
  "  \"architecture\": {\"modality\": \"text->text\", \"input_modalities\": [\"text\"],"
  "                   \"output_modalities\": [\"text\"], \"tokenizer\": \"GPT\"},"
  "  \"pricing\": {\"prompt\": \"0.00003\", \"completion\": \"0.00006\", \"request\": \"0\", \"image\": \"0\"},"
  "  \"top_provider\": {\"context_length\": 8192, \"max_completion_tokens\": 4096, \"is_moderated\": true},"
  "  \"supported_parameters\": [\"temperature\", \"top_p\", \"max_tokens\"]},"
  " {\"id\": \"openai/gpt-4o-mini\", \"name\": \"GPT-4o-mini\", \"context_length\": 128000,"
  "  \"pricing\": {\"prompt\": \"0.00000016\", \"completion\": \"0.0000007\"}},"
  " {\"id\": \"meta-llama/llama-3.2-3b-instruct:free\", \"name\": \"Llama free\", \"context_length\": 131072,"
  "  \"pricing\": {\"prompt\": \"0\", \"completion\": \"0\"}},"
  " {\"id\": \"openrouter/auto\", \"name\": \"Auto\", \"pricing\": {\"prompt\": \"-1\", \"completion\": \"-1\"}}"
  "]}";

typedef struct
{
  gint64 now;
} Clock;

static gint64
test_clock (gpointer user_data)
{
  return ((Clock *) user_data)->now;
}

static WfStore *
open_store (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "router.db", NULL);
  WfStore *store;

  g_mkdir_with_parents (g_get_user_data_dir (), 0700);
  store = wf_store_open (path, &error);
  g_assert_no_error (error);
  return store;
}

static void
test_defaults (void)
{
  g_autoptr(WfModelRouter) router = wf_model_router_new ();
  g_autoptr(GPtrArray) catalogue = wf_model_router_dup_catalogue (router);
  g_autoptr(WfModelInfo) mini = NULL;
  g_autoptr(WfModelInfo) cohere = NULL;
  const char *expected[] = {
    "openai/gpt-4o-mini", "anthropic/claude-3.5-haiku", "google/gemini-2.0-flash-001",
    "meta-llama/llama-3.1-8b-instruct", "command-r-08-2024",
  };

  g_assert_cmpuint (catalogue->len, >=, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(WfModelInfo) info = wf_model_router_dup_model (router, expected[i]);

      g_assert_nonnull (info);
      g_assert_cmpint (info->input_micros_per_mtok, >, 0);
      g_assert_cmpint (info->output_micros_per_mtok, >=, info->input_micros_per_mtok);
      g_assert_cmpint (info->context_length, >, 0);
    }
  /* Sorted by id. */
  for (guint i = 1; i < catalogue->len; i++)
    g_assert_cmpint (strcmp (((WfModelInfo *) catalogue->pdata[i - 1])->id,
                             ((WfModelInfo *) catalogue->pdata[i])->id), <, 0);

  mini = wf_model_router_dup_model (router, "openai/gpt-4o-mini");
  g_assert_cmpstr (mini->provider, ==, "openrouter");
  g_assert_cmpint (mini->input_micros_per_mtok, ==, 150000);    /* $0.15 / M */
  g_assert_cmpint (mini->output_micros_per_mtok, ==, 600000);   /* $0.60 / M */
  cohere = wf_model_router_dup_model (router, "command-r-08-2024");
  g_assert_cmpstr (cohere->provider, ==, "cohere");
  g_assert_null (wf_model_router_dup_model (router, "nope/nothing"));
  g_assert_null (wf_model_router_dup_model (router, NULL));
  g_assert_cmpint (wf_model_router_get_fetched_us (router), ==, 0);
}

static void
test_price_parse (void)
{
  gint64 v = -42;
  const char *bad[] = {
    NULL, "", "-1", "-0.000001", "NaN", "nan", "inf", "Infinity", "1e309", "0x10", " 1", "1 ",
    "1.2.3", "1e", "1e+", ".", "e5", "0.5" /* $500,000 per M: absurd */, "١", "1,5",
    "0.000000150000000000000000000000001",   /* over 32 characters */
  };

  g_assert_true (wf_model_price_parse ("0.00000015", &v));
  g_assert_cmpint (v, ==, 150000);
  g_assert_true (wf_model_price_parse ("0", &v));
  g_assert_cmpint (v, ==, 0);
  g_assert_true (wf_model_price_parse ("0.00003", &v));
  g_assert_cmpint (v, ==, 30000000);
  g_assert_true (wf_model_price_parse ("1e-7", &v));
  g_assert_cmpint (v, ==, 100000);
  g_assert_true (wf_model_price_parse ("1.5E-6", &v));
  g_assert_cmpint (v, ==, 1500000);
  g_assert_true (wf_model_price_parse (".000001", &v));
  g_assert_cmpint (v, ==, 1000000);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      v = -42;
      g_assert_false (wf_model_price_parse (bad[i], &v));
      g_assert_cmpint (v, ==, -42);
    }
}

static void
test_parse_openrouter (void)
{
  g_autoptr(GPtrArray) models = NULL;
  g_autoptr(GError) error = NULL;
  WfModelInfo *gpt4, *mini, *free_model;
  guint rejected = 99;

  models = wf_model_catalogue_parse_openrouter (openrouter_list, -1, 1234, &rejected, &error);
  g_assert_no_error (error);
  g_assert_nonnull (models);
  /* openrouter/auto has the "-1" price of a router: rejected. */
  g_assert_cmpuint (models->len, ==, 3);
  g_assert_cmpuint (rejected, ==, 1);

  gpt4 = models->pdata[0];
  g_assert_cmpstr (gpt4->id, ==, "openai/gpt-4");
  g_assert_cmpstr (gpt4->provider, ==, "openrouter");
  g_assert_cmpstr (gpt4->name, ==, "GPT-4");
  g_assert_cmpint (gpt4->input_micros_per_mtok, ==, 30000000);    /* $30 / M */
  g_assert_cmpint (gpt4->output_micros_per_mtok, ==, 60000000);
  g_assert_cmpint (gpt4->context_length, ==, 8192);
  g_assert_cmpint (gpt4->fetched_us, ==, 1234);
  mini = models->pdata[1];
  g_assert_cmpint (mini->input_micros_per_mtok, ==, 160000);
  g_assert_cmpint (mini->output_micros_per_mtok, ==, 700000);
  free_model = models->pdata[2];
  g_assert_cmpint (free_model->input_micros_per_mtok, ==, 0);
}

static void
test_parse_hostile (void)
{
  struct
  {
    const char *json;
    int         code;     /* -1: parses, with `n` models */
    guint       n;
    guint       rejected;
  } cases[] = {
    { "", WF_MODEL_ROUTER_ERROR_MALFORMED, 0, 0 },
    { "not json", WF_MODEL_ROUTER_ERROR_MALFORMED, 0, 0 },
    { "{\"data\": [", WF_MODEL_ROUTER_ERROR_MALFORMED, 0, 0 },           /* truncated */
    { "[]", WF_MODEL_ROUTER_ERROR_MALFORMED, 0, 0 },
    { "{}", WF_MODEL_ROUTER_ERROR_MALFORMED, 0, 0 },
    { "{\"data\": {}}", WF_MODEL_ROUTER_ERROR_MALFORMED, 0, 0 },
    { "{\"data\": null}", WF_MODEL_ROUTER_ERROR_MALFORMED, 0, 0 },
    { "{\"data\": []}", WF_MODEL_ROUTER_ERROR_MALFORMED, 0, 0 },          /* nothing usable */
    { "{\"error\": {\"code\": 500, \"message\": \"oops\"}}", WF_MODEL_ROUTER_ERROR_MALFORMED, 0, 0 },
    /* Every entry bad: numbers instead of strings, missing pricing, bad ids. */
    { "{\"data\": [{\"id\": \"a/b\", \"pricing\": {\"prompt\": 0.001, \"completion\": 0.002}},"
      " {\"id\": \"a/c\"},"
      " {\"id\": \"a/d\", \"pricing\": null},"
      " {\"id\": 7, \"pricing\": {\"prompt\": \"0\", \"completion\": \"0\"}},"
      " {\"id\": \"has space\", \"pricing\": {\"prompt\": \"0\", \"completion\": \"0\"}},"
      " {\"id\": \"ctl\\u0001x\", \"pricing\": {\"prompt\": \"0\", \"completion\": \"0\"}},"
      " {\"id\": \"\", \"pricing\": {\"prompt\": \"0\", \"completion\": \"0\"}},"
      " {\"id\": \"a/e\", \"pricing\": {\"prompt\": \"NaN\", \"completion\": \"0\"}},"
      " {\"id\": \"a/f\", \"pricing\": {\"prompt\": \"0\", \"completion\": \"1e400\"}},"
      " {\"id\": \"a/g\", \"pricing\": {\"prompt\": \"-0.1\", \"completion\": \"0\"}},"
      " \"string\", 42, null, []]}", WF_MODEL_ROUTER_ERROR_MALFORMED, 0, 0 },
    /* One good among bad ones, duplicates and odd extras. */
    { "{\"data\": [{\"id\": \"x/ok\", \"name\": 5, \"context_length\": -7,"
      "  \"pricing\": {\"prompt\": \"0.000001\", \"completion\": \"0.000002\"}, \"extra\": {\"deep\": [1, 2]}},"
      " {\"id\": \"x/ok\", \"pricing\": {\"prompt\": \"0\", \"completion\": \"0\"}},"
      " {\"id\": \"x/big\", \"context_length\": 99999999999999,"
      "  \"pricing\": {\"prompt\": \"0\", \"completion\": \"0\"}},"
      " {\"id\": \"x/bad\", \"pricing\": {\"prompt\": \"0x1p-20\", \"completion\": \"0\"}}]}",
      -1, 2, 2 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) models = NULL;
      g_autoptr(GError) error = NULL;
      guint rejected = 0;

      models = wf_model_catalogue_parse_openrouter (cases[i].json, -1, 1, &rejected, &error);
      if (cases[i].code >= 0)
        {
          g_assert_null (models);
          g_assert_error (error, WF_MODEL_ROUTER_ERROR, cases[i].code);
          g_assert_nonnull (error->message);
        }
      else
        {
          WfModelInfo *first;
          WfModelInfo *big;

          g_assert_no_error (error);
          g_assert_cmpuint (models->len, ==, cases[i].n);
          g_assert_cmpuint (rejected, ==, cases[i].rejected);
          first = models->pdata[0];
          g_assert_cmpstr (first->name, ==, "x/ok");     /* non-string name → the id */
          g_assert_cmpint (first->context_length, ==, 0);
          g_assert_cmpint (first->input_micros_per_mtok, ==, 1000000);
          big = models->pdata[1];
          g_assert_cmpint (big->context_length, ==, WF_MODEL_MAX_CONTEXT);
        }
    }

  /* NULL and oversize inputs are refused before parsing. */
  {
    g_autoptr(GError) error = NULL;
    gsize big_len = WF_MODEL_LIST_MAX_BYTES + 1;
    g_autofree char *big = g_malloc (big_len + 1);

    g_assert_null (wf_model_catalogue_parse_openrouter (NULL, -1, 1, NULL, &error));
    g_assert_error (error, WF_MODEL_ROUTER_ERROR, WF_MODEL_ROUTER_ERROR_MALFORMED);
    g_clear_error (&error);

    memset (big, ' ', big_len);
    big[big_len] = '\0';
    g_assert_null (wf_model_catalogue_parse_openrouter (big, (gssize) big_len, 1, NULL, &error));
    g_assert_error (error, WF_MODEL_ROUTER_ERROR, WF_MODEL_ROUTER_ERROR_TOO_LARGE);
  }

  /* Too many models. */
  {
    g_autoptr(GString) many = g_string_new ("{\"data\": [");
    g_autoptr(GError) error = NULL;

    for (guint i = 0; i <= WF_MODEL_LIST_MAX_MODELS; i++)
      g_string_append_printf (many, "%s{\"id\": \"m/%u\", \"pricing\": {\"prompt\": \"0\", \"completion\": \"0\"}}",
                              i ? "," : "", i);
    g_string_append (many, "]}");
    g_assert_null (wf_model_catalogue_parse_openrouter (many->str, (gssize) many->len, 1, NULL, &error));
    g_assert_error (error, WF_MODEL_ROUTER_ERROR, WF_MODEL_ROUTER_ERROR_TOO_LARGE);
  }

  /* Deep nesting does not crash the parser. */
  {
    g_autoptr(GString) deep = g_string_new ("{\"data\": [");
    g_autoptr(GPtrArray) models = NULL;
    g_autoptr(GError) error = NULL;

    for (guint i = 0; i < 5000; i++)
      g_string_append_c (deep, '[');
    for (guint i = 0; i < 5000; i++)
      g_string_append_c (deep, ']');
    g_string_append (deep, "]}");
    models = wf_model_catalogue_parse_openrouter (deep->str, (gssize) deep->len, 1, NULL, &error);
    g_assert_null (models);
    g_assert_nonnull (error);
  }
}

static void
test_cache (void)
{
  g_autoptr(WfStore) store = open_store ();
  g_autoptr(WfModelRouter) router = wf_model_router_new ();
  g_autoptr(WfModelRouter) offline = NULL;
  g_autoptr(WfModelInfo) gpt4 = NULL;
  g_autoptr(WfModelInfo) mini = NULL;
  g_autoptr(GError) error = NULL;
  guint n = 0;
  gint64 fetched;

  g_assert_true (wf_model_router_refresh_from_json (router, store, openrouter_list, -1, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 3);
  fetched = wf_model_router_get_fetched_us (router);
  g_assert_cmpint (fetched, >, 0);

  /* A refresh with hostile data changes nothing. */
  g_assert_false (wf_model_router_refresh_from_json (router, store, "{\"data\": 1}", -1, NULL, &error));
  g_assert_error (error, WF_MODEL_ROUTER_ERROR, WF_MODEL_ROUTER_ERROR_MALFORMED);
  g_clear_error (&error);
  g_assert_cmpint (wf_model_router_get_fetched_us (router), ==, fetched);

  /* A new router (the next start, offline) reads the cache, no network. */
  g_clear_object (&store);
  store = open_store ();
  offline = wf_model_router_new ();
  g_assert_true (wf_model_router_load_cache (offline, store, &error));
  g_assert_no_error (error);
  g_assert_cmpint (wf_model_router_get_fetched_us (offline), ==, fetched);
  gpt4 = wf_model_router_dup_model (offline, "openai/gpt-4");
  g_assert_nonnull (gpt4);
  g_assert_cmpint (gpt4->input_micros_per_mtok, ==, 30000000);
  g_assert_cmpint (gpt4->context_length, ==, 8192);
  /* The refreshed price replaces the built-in one. */
  mini = wf_model_router_dup_model (offline, "openai/gpt-4o-mini");
  g_assert_cmpint (mini->input_micros_per_mtok, ==, 160000);
  /* Defaults that the list did not mention are still there. */
  g_clear_pointer (&mini, wf_model_info_free);
  mini = wf_model_router_dup_model (offline, "command-r-08-2024");
  g_assert_nonnull (mini);
}

static void
fail_n (WfModelRouter *router,
        const char    *id,
        guint          n)
{
  for (guint i = 0; i < n; i++)
    wf_model_router_report_failure (router, id);
}

static void
test_circuit (void)
{
  g_autoptr(WfModelRouter) router = wf_model_router_new ();
  const char *chain[] = { "anthropic/claude-3.5-haiku", NULL };
  const char *def = "openai/gpt-4o-mini";
  WfModelChoice *choice;
  Clock clock = { 1000 * G_USEC_PER_SEC };

  wf_model_router_set_clock (router, test_clock, &clock);
  wf_model_router_configure (router, def, "meta-llama/llama-3.1-8b-instruct", chain);

  /* Success resets the count of consecutive failures. */
  fail_n (router, def, 4);
  g_assert_cmpint (wf_model_router_get_circuit_state (router, def), ==, WF_CIRCUIT_CLOSED);
  wf_model_router_report_success (router, def);
  g_assert_cmpuint (wf_model_router_get_failures (router, def), ==, 0);
  fail_n (router, def, 4);
  g_assert_cmpint (wf_model_router_get_circuit_state (router, def), ==, WF_CIRCUIT_CLOSED);
  choice = wf_model_router_choose (router, WF_BUDGET_ACTIVE);
  g_assert_cmpstr (choice->model_id, ==, def);
  g_assert_cmpint (choice->reason, ==, WF_MODEL_CHOICE_DEFAULT);
  wf_model_choice_free (choice);

  /* The fifth consecutive failure opens it: the next in the chain is used. */
  wf_model_router_report_failure (router, def);
  g_assert_cmpint (wf_model_router_get_circuit_state (router, def), ==, WF_CIRCUIT_OPEN);
  choice = wf_model_router_choose (router, WF_BUDGET_ACTIVE);
  g_assert_cmpstr (choice->model_id, ==, "anthropic/claude-3.5-haiku");
  g_assert_cmpint (choice->reason, ==, WF_MODEL_CHOICE_CIRCUIT_FALLBACK);
  g_assert_cmpstr (choice->skipped, ==, def);
  g_assert_nonnull (strstr (choice->message, def));
  wf_model_choice_free (choice);

  /* Still open one microsecond before the cool-down ends. */
  clock.now += WF_CIRCUIT_DEFAULT_COOLDOWN_US - 1;
  g_assert_cmpint (wf_model_router_get_circuit_state (router, def), ==, WF_CIRCUIT_OPEN);

  /* Half-open: exactly one trial call. */
  clock.now += 1;
  g_assert_cmpint (wf_model_router_get_circuit_state (router, def), ==, WF_CIRCUIT_HALF_OPEN);
  choice = wf_model_router_choose (router, WF_BUDGET_ACTIVE);
  g_assert_cmpstr (choice->model_id, ==, def);
  g_assert_cmpint (choice->reason, ==, WF_MODEL_CHOICE_TRIAL);
  wf_model_choice_free (choice);
  choice = wf_model_router_choose (router, WF_BUDGET_ACTIVE);
  g_assert_cmpstr (choice->model_id, ==, "anthropic/claude-3.5-haiku");
  g_assert_cmpint (choice->reason, ==, WF_MODEL_CHOICE_CIRCUIT_FALLBACK);
  wf_model_choice_free (choice);

  /* The trial fails: open for another full cool-down. */
  wf_model_router_report_failure (router, def);
  g_assert_cmpint (wf_model_router_get_circuit_state (router, def), ==, WF_CIRCUIT_OPEN);
  clock.now += WF_CIRCUIT_DEFAULT_COOLDOWN_US / 2;
  g_assert_cmpint (wf_model_router_get_circuit_state (router, def), ==, WF_CIRCUIT_OPEN);
  clock.now += WF_CIRCUIT_DEFAULT_COOLDOWN_US / 2;
  choice = wf_model_router_choose (router, WF_BUDGET_ACTIVE);
  g_assert_cmpint (choice->reason, ==, WF_MODEL_CHOICE_TRIAL);
  wf_model_choice_free (choice);

  /* The trial succeeds: closed again, the default is back. */
  wf_model_router_report_success (router, def);
  g_assert_cmpint (wf_model_router_get_circuit_state (router, def), ==, WF_CIRCUIT_CLOSED);
  choice = wf_model_router_choose (router, WF_BUDGET_ACTIVE);
  g_assert_cmpstr (choice->model_id, ==, def);
  g_assert_cmpint (choice->reason, ==, WF_MODEL_CHOICE_DEFAULT);
  wf_model_choice_free (choice);

  /* A trial that never reports back (a crash) does not lock the model out. */
  fail_n (router, def, 5);
  clock.now += WF_CIRCUIT_DEFAULT_COOLDOWN_US;
  choice = wf_model_router_choose (router, WF_BUDGET_ACTIVE);
  g_assert_cmpint (choice->reason, ==, WF_MODEL_CHOICE_TRIAL);
  wf_model_choice_free (choice);
  clock.now += WF_CIRCUIT_DEFAULT_COOLDOWN_US;
  choice = wf_model_router_choose (router, WF_BUDGET_ACTIVE);
  g_assert_cmpstr (choice->model_id, ==, def);
  g_assert_cmpint (choice->reason, ==, WF_MODEL_CHOICE_TRIAL);
  wf_model_choice_free (choice);
  wf_model_router_report_success (router, def);

  /* Every circuit open: no model, the offline route. */
  fail_n (router, def, 5);
  fail_n (router, "anthropic/claude-3.5-haiku", 5);
  fail_n (router, "meta-llama/llama-3.1-8b-instruct", 5);
  choice = wf_model_router_choose (router, WF_BUDGET_ACTIVE);
  g_assert_null (choice->model_id);
  g_assert_cmpint (choice->reason, ==, WF_MODEL_CHOICE_NONE_CIRCUITS);
  wf_model_choice_free (choice);

  /* A shorter configured cool-down and threshold are honoured. */
  wf_model_router_set_cooldown (router, 5 * G_USEC_PER_SEC);
  wf_model_router_set_threshold (router, 2);
  clock.now += 5 * G_USEC_PER_SEC;
  g_assert_cmpint (wf_model_router_get_circuit_state (router, def), ==, WF_CIRCUIT_HALF_OPEN);
  fail_n (router, "x/new", 1);
  g_assert_cmpint (wf_model_router_get_circuit_state (router, "x/new"), ==, WF_CIRCUIT_CLOSED);
  fail_n (router, "x/new", 1);
  g_assert_cmpint (wf_model_router_get_circuit_state (router, "x/new"), ==, WF_CIRCUIT_OPEN);
}

static void
test_choice_by_budget (void)
{
  g_autoptr(WfModelRouter) router = wf_model_router_new ();
  g_autoptr(WfModelChoice) last = NULL;
  const char *chain[] = { "anthropic/claude-3.5-haiku", NULL };
  const char *local_chain[] = { "anthropic/claude-3.5-haiku", "llama3.2", NULL };
  const char *def = "anthropic/claude-3.5-haiku";
  const char *cheap = "meta-llama/llama-3.1-8b-instruct";
  WfModelChoice *choice;
  Clock clock = { G_USEC_PER_SEC };

  wf_model_router_set_clock (router, test_clock, &clock);
  g_assert_null (wf_model_router_dup_last_choice (router));
  wf_model_router_configure (router, def, cheap, chain);

  choice = wf_model_router_choose (router, WF_BUDGET_WARNED);
  g_assert_cmpstr (choice->model_id, ==, def);
  g_assert_cmpint (choice->reason, ==, WF_MODEL_CHOICE_DEFAULT);
  wf_model_choice_free (choice);

  /* Degraded: the cheaper fallback... */
  choice = wf_model_router_choose (router, WF_BUDGET_DEGRADED);
  g_assert_cmpstr (choice->model_id, ==, cheap);
  g_assert_cmpstr (choice->provider, ==, "openrouter");
  g_assert_cmpint (choice->reason, ==, WF_MODEL_CHOICE_BUDGET_FALLBACK);
  wf_model_choice_free (choice);

  /* ...whose state the UI can read: which model, why. */
  last = wf_model_router_dup_last_choice (router);
  g_assert_cmpstr (last->model_id, ==, cheap);
  g_assert_cmpint (last->reason, ==, WF_MODEL_CHOICE_BUDGET_FALLBACK);
  g_assert_cmpstr (wf_model_choice_reason_to_string (last->reason), ==, "budget-fallback");
  g_assert_nonnull (last->message);

  /* Degraded and the fallback is failing: never back to the expensive default. */
  fail_n (router, cheap, 5);
  choice = wf_model_router_choose (router, WF_BUDGET_DEGRADED);
  g_assert_null (choice->model_id);
  g_assert_cmpint (choice->reason, ==, WF_MODEL_CHOICE_NONE_CIRCUITS);
  wf_model_choice_free (choice);
  wf_model_router_report_success (router, cheap);

  /* Stopped: paid models are out. */
  choice = wf_model_router_choose (router, WF_BUDGET_STOPPED);
  g_assert_null (choice->model_id);
  g_assert_cmpint (choice->reason, ==, WF_MODEL_CHOICE_NONE_BUDGET);
  wf_model_choice_free (choice);

  /* A free local model in the chain still answers when Stopped. */
  {
    g_autoptr(WfStore) store = open_store ();
    g_autoptr(GPtrArray) models = g_ptr_array_new_with_free_func ((GDestroyNotify) wf_model_info_free);
    g_autoptr(GError) error = NULL;
    WfModelInfo *local = wf_model_info_new ("llama3.2", "local");

    local->input_micros_per_mtok = 0;
    local->output_micros_per_mtok = 0;
    g_ptr_array_add (models, local);
    g_assert_true (wf_store_upsert_models (store, models, &error));
    g_assert_no_error (error);
    g_assert_true (wf_model_router_load_cache (router, store, &error));
    g_assert_no_error (error);
  }
  wf_model_router_configure (router, def, cheap, local_chain);
  choice = wf_model_router_choose (router, WF_BUDGET_STOPPED);
  g_assert_cmpstr (choice->model_id, ==, "llama3.2");
  g_assert_cmpstr (choice->provider, ==, "local");
  wf_model_choice_free (choice);

  /* Nothing configured at all. */
  wf_model_router_configure (router, NULL, NULL, NULL);
  choice = wf_model_router_choose (router, WF_BUDGET_ACTIVE);
  g_assert_null (choice->model_id);
  g_assert_cmpint (choice->reason, ==, WF_MODEL_CHOICE_NONE_CONFIGURED);
  wf_model_choice_free (choice);
}

/* The pipeline reports from worker threads while the UI reads. */
static gpointer
hammer (gpointer data)
{
  WfModelRouter *router = data;

  for (guint i = 0; i < 2000; i++)
    {
      WfModelChoice *choice = wf_model_router_choose (router, i % 7 == 0 ? WF_BUDGET_DEGRADED : WF_BUDGET_ACTIVE);

      if (choice->model_id && i % 3 == 0)
        wf_model_router_report_failure (router, choice->model_id);
      else if (choice->model_id)
        wf_model_router_report_success (router, choice->model_id);
      wf_model_choice_free (choice);
    }
  return NULL;
}

static void
test_threads (void)
{
  g_autoptr(WfModelRouter) router = wf_model_router_new ();
  g_autoptr(WfModelChoice) last = NULL;
  const char *chain[] = { "anthropic/claude-3.5-haiku", NULL };
  GThread *threads[4];

  wf_model_router_configure (router, "openai/gpt-4o-mini", "meta-llama/llama-3.1-8b-instruct", chain);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("hammer", hammer, router);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);

  last = wf_model_router_dup_last_choice (router);
  g_assert_nonnull (last);
  g_assert_nonnull (last->message);
}

/* The GET of the model list against an in-process OpenRouter mock. */
static void
models_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  const char *mode = user_data;

  if (g_str_equal (mode, "ok"))
    wf_mock_reply_json (msg, 200, openrouter_list);
  else if (g_str_equal (mode, "error"))
    wf_mock_reply_json (msg, 500, "{\"error\":{\"code\":500,\"message\":\"Internal Server Error\"}}");
  else if (g_str_equal (mode, "garbage"))
    wf_mock_reply_json (msg, 200, "<html>maintenance</html>");
  else
    {
      gsize n = WF_MODEL_LIST_MAX_BYTES + 1024;
      char *big = g_malloc (n);

      memset (big, ' ', n);
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, big, n);
    }
}

static void
test_fetch (void)
{
  g_autoptr(WfMockServer) server = wf_mock_server_new ();
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(WfStore) store = open_store ();
  g_autoptr(WfModelRouter) router = wf_model_router_new ();
  g_autoptr(WfModelInfo) gpt4 = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ok_url = NULL;
  g_autofree char *text = NULL;
  guint n = 0;

  wf_mock_server_add_handler (server, "/ok", models_cb, (gpointer) "ok", NULL);
  wf_mock_server_add_handler (server, "/error", models_cb, (gpointer) "error", NULL);
  wf_mock_server_add_handler (server, "/garbage", models_cb, (gpointer) "garbage", NULL);
  wf_mock_server_add_handler (server, "/huge", models_cb, (gpointer) "huge", NULL);

  ok_url = g_strdup_printf ("%s/ok/api/v1", wf_mock_server_get_url (server));
  text = wf_model_router_fetch_list (session, ok_url, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (wf_model_router_refresh_from_json (router, store, text, -1, &n, &error));
  g_assert_cmpuint (n, ==, 3);
  gpt4 = wf_model_router_dup_model (router, "openai/gpt-4");
  g_assert_nonnull (gpt4);
  {
    g_autoptr(GPtrArray) requests = wf_mock_server_dup_requests (server);
    WfMockRequest *r = requests->pdata[0];

    g_assert_cmpstr (r->method, ==, "GET");
    g_assert_cmpstr (r->path, ==, "/ok/api/v1/models");
    /* The model list needs no key: none is sent. */
    g_assert_null (soup_message_headers_get_one (r->headers, "Authorization"));
  }
  g_clear_pointer (&text, g_free);

  {
    g_autofree char *url = g_strdup_printf ("%s/error/", wf_mock_server_get_url (server));
    text = wf_model_router_fetch_list (session, url, NULL, &error);
    g_assert_null (text);
    g_assert_error (error, WF_MODEL_ROUTER_ERROR, WF_MODEL_ROUTER_ERROR_NETWORK);
    g_assert_nonnull (strstr (error->message, "500"));
    g_clear_error (&error);
  }
  {
    g_autofree char *url = g_strdup_printf ("%s/garbage", wf_mock_server_get_url (server));
    text = wf_model_router_fetch_list (session, url, NULL, &error);
    g_assert_no_error (error);
    /* A maintenance page does not wipe the catalogue. */
    g_assert_false (wf_model_router_refresh_from_json (router, store, text, -1, NULL, &error));
    g_assert_error (error, WF_MODEL_ROUTER_ERROR, WF_MODEL_ROUTER_ERROR_MALFORMED);
    g_clear_error (&error);
    g_clear_pointer (&text, g_free);
    g_clear_pointer (&gpt4, wf_model_info_free);
    gpt4 = wf_model_router_dup_model (router, "openai/gpt-4");
    g_assert_nonnull (gpt4);
  }
  {
    g_autofree char *url = g_strdup_printf ("%s/huge", wf_mock_server_get_url (server));
    text = wf_model_router_fetch_list (session, url, NULL, &error);
    g_assert_null (text);
    g_assert_error (error, WF_MODEL_ROUTER_ERROR, WF_MODEL_ROUTER_ERROR_TOO_LARGE);
    g_clear_error (&error);
  }
  {
    /* Nothing listening: a clear network error, no crash. */
    text = wf_model_router_fetch_list (session, "http://127.0.0.1:1/api/v1", NULL, &error);
    g_assert_null (text);
    g_assert_error (error, WF_MODEL_ROUTER_ERROR, WF_MODEL_ROUTER_ERROR_NETWORK);
    g_clear_error (&error);
    text = wf_model_router_fetch_list (session, "not a url", NULL, &error);
    g_assert_null (text);
    g_assert_nonnull (error);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/model-router/defaults", test_defaults);
  g_test_add_func ("/model-router/price-parse", test_price_parse);
  g_test_add_func ("/model-router/parse-openrouter", test_parse_openrouter);
  g_test_add_func ("/model-router/parse-hostile", test_parse_hostile);
  g_test_add_func ("/model-router/cache", test_cache);
  g_test_add_func ("/model-router/circuit", test_circuit);
  g_test_add_func ("/model-router/choice-by-budget", test_choice_by_budget);
  g_test_add_func ("/model-router/threads", test_threads);
  g_test_add_func ("/model-router/fetch", test_fetch);

  return g_test_run ();
}
