/* test-privacy.c: an offline-only session makes no network request
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every remote address the app knows is pointed at one recording mock
 * server. Opening the store, reading the budget, loading the model catalogue
 * from its cache, choosing a model, recording cost spans with export off,
 * listing and searching the history, and the CLI's budget and history
 * commands must not send it a single request. A control step at the end
 * proves the recorder works: an explicit catalogue refresh does reach it.
 */
#include "config.h"

#include <string.h>

#include "wf-budget.h"
#include "wf-mock-server.h"
#include "wf-model-router.h"
#include "wf-store.h"
#include "wf-telemetry.h"

static const char *url_variables[] = {
  "WHATIF_OPENROUTER_URL", "WHATIF_COHERE_URL", "WHATIF_LOCAL_URL",
  "WHATIF_E2B_URL", "WHATIF_OTLP_URL",
};

static void
models_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  wf_mock_reply_json (msg, 200,
                      "{\"data\": [{\"id\": \"openai/gpt-4o-mini\", \"name\": \"GPT-4o-mini\","
                      " \"context_length\": 128000,"
                      " \"pricing\": {\"prompt\": \"0.00000015\", \"completion\": \"0.0000006\"}}]}");
}

static void
run_cli (const char * const *args,
         const char         *db_path)
{
  const char *cli = g_getenv ("WHATIF_CLI");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (cli == NULL || !g_file_test (cli, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_message ("whatif-cli not built; CLI part skipped");
      return;
    }
  g_ptr_array_add (argv, (gpointer) cli);
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, (gpointer) "--db");
  g_ptr_array_add (argv, (gpointer) db_path);
  g_ptr_array_add (argv, NULL);

  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, &err, &status, &error));
  g_assert_no_error (error);
  g_test_message ("whatif-cli %s: exit %d", args[0], status);
}

static void
test_offline_session (void)
{
  g_autoptr(WfMockServer) server = wf_mock_server_new ();
  g_autoptr(WfStore) store = NULL;
  g_autoptr(WfBudget) budget = NULL;
  g_autoptr(WfModelRouter) router = NULL;
  g_autoptr(WfModelChoice) choice = NULL;
  g_autoptr(WfTelemetryExporter) exporter = NULL;
  g_autoptr(GPtrArray) spans = g_ptr_array_new_with_free_func ((GDestroyNotify) wf_cost_span_free);
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GPtrArray) sessions = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GPtrArray) report = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *list = NULL;
  g_autoptr(WfRun) run = wf_run_new ();
  g_autoptr(WfLedgerEntry) settlement = NULL;
  WfBudgetLimits limits = { 20000000, 2000000, 250000, 0.8, 0.95 };
  WfBudgetStatus st;
  WfCostEstimate estimate;
  g_autoptr(WfReservation) reservation = NULL;
  WfActualCost actual = { 0 };
  WfCostSpan *span;
  const char *history_args[] = { "history", NULL };
  const char *budget_args[] = { "budget", "--json", NULL };
  const char *set_args[] = { "budget", "set", "--monthly", "30", NULL };

  wf_mock_server_add_handler (server, "/", models_cb, NULL, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (url_variables); i++)
    g_setenv (url_variables[i], wf_mock_server_get_url (server), TRUE);

  g_mkdir_with_parents (g_get_user_data_dir (), 0700);
  db_path = g_build_filename (g_get_user_data_dir (), "privacy.db", NULL);
  store = wf_store_open (db_path, &error);
  g_assert_no_error (error);

  /* Budget. */
  budget = wf_budget_new (store);
  g_assert_true (wf_budget_set_limits (budget, &limits, &error));
  g_assert_true (wf_budget_get_status (budget, 0, &st, &error));
  g_assert_no_error (error);

  /* Model catalogue from its cache, and a choice. */
  router = wf_model_router_new ();
  g_assert_true (wf_model_router_load_cache (router, store, &error));
  g_assert_no_error (error);
  choice = wf_model_router_choose (router, st.state);
  g_assert_nonnull (choice->message);

  /* An offline turn: free, so no reservation is written; spans recorded
   * with export off. */
  wf_budget_estimate (NULL, TRUE, "what if I raise prices 5%?", 800, 0.5, 0, &estimate);
  reservation = wf_budget_reserve (budget, "run:offline-1", 0, "offline", "templates", TRUE,
                                   &estimate, &error);
  g_assert_no_error (error);
  settlement = wf_budget_build_settlement (budget, reservation, &actual);
  span = wf_telemetry_span_begin ("generate");
  wf_telemetry_span_set_llm (span, "offline", "templates", 0, 0, 0, FALSE);
  wf_telemetry_span_end (span, "ok");
  g_ptr_array_add (spans, span);
  exporter = wf_telemetry_exporter_new (store);
  g_assert_false (wf_telemetry_exporter_is_enabled (exporter));
  g_assert_true (wf_telemetry_exporter_enqueue_run (exporter, "run:offline-1", 0, spans, &error));
  g_assert_cmpint (wf_store_outbox_count (store, NULL), ==, 0);

  run->mode = WF_MODE_ASK;
  run->question = g_strdup ("what if I raise prices 5%?");
  run->answer = g_strdup ("Revenue rises by about 1.9%.");
  run->provider = g_strdup ("offline");
  run->model = g_strdup ("templates");
  run->outcome = WF_OUTCOME_ANSWERED;
  g_ptr_array_add (run->spans, wf_cost_span_copy (span));
  g_assert_true (wf_store_save_run (store, run, NULL, &error));
  g_assert_no_error (error);

  /* History views. */
  runs = wf_store_list_runs (store, 0, 0, 50, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 1);
  sessions = wf_store_list_sessions (store, 0, 50, &error);
  g_assert_no_error (error);
  found = wf_store_search_runs (store, "prices", 10, &error);
  g_assert_no_error (error);
  report = wf_store_spend_report (store, WF_SPEND_BY_MODEL, 0, G_MAXINT64, &error);
  g_assert_no_error (error);
  g_clear_object (&store);

  /* The CLI, with the same environment. */
  run_cli (budget_args, db_path);
  run_cli (set_args, db_path);
  run_cli (history_args, db_path);

  /* Nothing at all reached the network. */
  requests = wf_mock_server_dup_requests (server);
  for (guint i = 0; i < requests->len; i++)
    {
      WfMockRequest *r = requests->pdata[i];
      g_test_message ("unexpected request: %s %s", r->method, r->path);
    }
  g_assert_cmpuint (requests->len, ==, 0);

  /* Control: an explicit refresh does go out, to the configured address. */
  session = soup_session_new ();
  list = wf_model_router_fetch_list (session, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (list, "gpt-4o-mini"));
  g_clear_pointer (&requests, g_ptr_array_unref);
  requests = wf_mock_server_dup_requests (server);
  g_assert_cmpuint (requests->len, ==, 1);
  g_assert_cmpstr (((WfMockRequest *) requests->pdata[0])->path, ==, "/models");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/privacy/offline-session", test_offline_session);

  return g_test_run ();
}
