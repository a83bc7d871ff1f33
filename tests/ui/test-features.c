/* test-features.c: budget indicator, live assumptions, sweeps, paste-and-run
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Real windows (Xvfb), a real SQLite store, the real pipeline and bubblewrap
 * sandbox (offline provider: no model is called). Each test leaves a PNG of
 * the window in <builddir>/tests/test-output/ui/.
 */
#include "config.h"

#include <adwaita.h>
#include <gtksourceview/gtksource.h>
#include <math.h>

#include "wf-assumptions.h"
#include "wf-budget-indicator.h"
#include "wf-chat-view.h"
#include "wf-inspector.h"
#include "wf-pipeline-asker.h"
#include "wf-chart.h"
#include "wf-format.h"
#include "wf-store.h"
#include "wf-session-list.h"
#include "wf-sweep-dialog.h"
#include "wf-csv.h"
#include "wf-window.h"
#include "wf-ui-test-util.h"

typedef struct
{
  char       *tmpdir;
  char       *db_path;
  WfStore    *store;
  WfWindow   *window;
  WfPipeline *pipeline;
} Fixture;

/* Sandbox runs are real: a cold one imports pandas, so every wait here
 * allows a slow machine. */
#define WAIT_FOR(cond) WF_UI_TEST_WAIT_FOR_SECONDS (cond, 120)

static gboolean
have_sandbox (void)
{
  if (!g_file_test (WF_BWRAP_PATH, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("bubblewrap is not installed");
      return FALSE;
    }
  return TRUE;
}

/* An answered run that cost something, with its settlement in the ledger. */
static gint64
seed_paid_run (WfStore    *store,
               const char *question,
               const char *model,
               gint64      micros,
               gboolean    estimated,
               gint64      when_us)
{
  g_autoptr(WfRun) run = wf_run_new ();
  g_autofree char *key = g_strdup_printf ("run:test-%s", question);
  WfLedgerEntry *settle = wf_ledger_entry_new (key, WF_LEDGER_SETTLE, micros);
  g_autoptr(GError) error = NULL;

  run->mode = WF_MODE_ASK;
  run->question = g_strdup (question);
  run->answer = g_strdup ("An answer.");
  run->outcome = WF_OUTCOME_ANSWERED;
  run->provider = g_strdup ("openrouter");
  run->model = g_strdup (model);
  run->total_micros = micros;
  run->cost_estimated = estimated;
  run->created_us = when_us;
  settle->provider = g_strdup ("openrouter");
  settle->model = g_strdup (model);
  settle->estimated = estimated;
  settle->created_us = when_us;
  g_assert_true (wf_store_save_run (store, run, settle, &error));
  g_assert_no_error (error);
  wf_ledger_entry_free (settle);

  return run->id;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);

  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
  g_settings_reset (settings, "inspector-visible");

  fixture->tmpdir = g_dir_make_tmp ("whatif-ui-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->db_path = g_build_filename (fixture->tmpdir, "whatif.db", NULL);
  g_setenv ("WHATIF_DB", fixture->db_path, TRUE);
  fixture->store = wf_store_open (fixture->db_path, &error);
  g_assert_no_error (error);
  fixture->pipeline = wf_pipeline_new (fixture->db_path, NULL);

  fixture->window = g_object_new (WF_TYPE_WINDOW, NULL);
  g_object_ref_sink (fixture->window);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1200, 800);
  wf_window_set_store (fixture->window, fixture->store);
  wf_window_set_pipeline (fixture->window, fixture->pipeline);
  gtk_window_present (GTK_WINDOW (fixture->window));
  WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (fixture->window)));
  wf_ui_test_spin (200);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
  if (fixture->window != NULL)
    gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_clear_object (&fixture->window);
  wf_ui_test_spin (50);
  g_clear_object (&fixture->pipeline);
  g_clear_object (&fixture->store);

  wf_ui_test_rm_rf (fixture->tmpdir);
  g_free (fixture->db_path);
  g_free (fixture->tmpdir);
}

static void
screenshot (Fixture    *fixture,
            const char *name)
{
  wf_ui_test_screenshot (GTK_WIDGET (fixture->window), name);
}

static WfBudgetIndicator *
budget_indicator (Fixture *fixture)
{
  GtkWidget *child = gtk_widget_get_first_child (wf_window_get_budget_slot (fixture->window));

  g_assert_true (WF_IS_BUDGET_INDICATOR (child));
  return WF_BUDGET_INDICATOR (child);
}

/* Tests */

static void
test_budget_indicator (Fixture       *fixture,
                       gconstpointer  data)
{
  WfBudgetLimits limits = { 10 * WF_MICROS_PER_USD, -1, -1, 0.8, 0.95 };
  WfBudgetIndicator *indicator = budget_indicator (fixture);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) today = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                                      g_date_time_get_day_of_month (now), 12, 0, 0);
  g_autofree char *day = g_date_time_format (today, "%Y-%m-%d");
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  gint64 noon = g_date_time_to_unix (today) * G_USEC_PER_SEC;

  g_test_summary ("The header's budget indicator shows this month's spend against the limit, "
                  "coloured by state, and its spend view lists spend by day, by model and the estimated runs");

  g_assert_true (wf_store_set_budget_limits (fixture->store, &limits, &error));
  g_assert_no_error (error);
  wf_budget_indicator_refresh (indicator);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (indicator)));
  g_assert_cmpfloat (wf_budget_indicator_get_fraction (indicator), ==, 0.0);
  g_assert_cmpint (wf_budget_indicator_get_state (indicator), ==, WF_BUDGET_ACTIVE);

  seed_paid_run (fixture->store, "Loan at 7%?", "openai/gpt-4o-mini", 5 * WF_MICROS_PER_USD, FALSE, noon);
  seed_paid_run (fixture->store, "Runway with $15k burn?", "anthropic/claude-3.5-haiku",
                 3 * WF_MICROS_PER_USD + 500000, TRUE, noon);
  wf_budget_indicator_refresh (indicator);
  wf_session_list_reload (WF_SESSION_LIST (wf_window_get_session_list (fixture->window)));

  g_assert_cmpfloat_with_epsilon (wf_budget_indicator_get_fraction (indicator), 0.85, 1e-9);
  g_assert_cmpint (wf_budget_indicator_get_state (indicator), ==, WF_BUDGET_WARNED);
  g_assert_true (gtk_widget_has_css_class (wf_ui_test_find_by_type (GTK_WIDGET (indicator), GTK_TYPE_LEVEL_BAR),
                                           "budget-warned"));
  {
    const char *tip = gtk_widget_get_tooltip_text (wf_ui_test_find_by_type (GTK_WIDGET (indicator), GTK_TYPE_MENU_BUTTON));

    g_assert_nonnull (tip);
    g_assert_nonnull (strstr (tip, "$8.50"));
    g_assert_nonnull (strstr (tip, "$10.00"));
    g_assert_nonnull (strstr (tip, "Resets on"));
  }

  wf_budget_indicator_show_spend (indicator);
  wf_ui_test_spin (200);
  text = wf_budget_indicator_dup_spend_text (indicator);
  g_test_message ("%s", text);
  {
    g_autofree char *by_day = g_strdup_printf ("By Day\t%s\t$8.50\n", day);

    g_assert_nonnull (strstr (text, by_day));
  }
  g_assert_nonnull (strstr (text, "By Model\topenai/gpt-4o-mini\t$5.00\n"));
  g_assert_nonnull (strstr (text, "By Model\tanthropic/claude-3.5-haiku\t$3.50\n"));
  g_assert_nonnull (strstr (text, "Estimated Costs\tRunway with $15k burn?\t$3.50\n"));
  g_assert_null (strstr (text, "Estimated Costs\tLoan at 7%?"));
  screenshot (fixture, "features-budget");
  {
    GtkMenuButton *button = GTK_MENU_BUTTON (wf_ui_test_find_by_type (GTK_WIDGET (indicator), GTK_TYPE_MENU_BUTTON));
    GtkPopover *popover = gtk_menu_button_get_popover (button);

    g_assert_true (gtk_widget_get_visible (GTK_WIDGET (popover)));
    wf_ui_test_screenshot (GTK_WIDGET (popover), "features-budget-spend-view");
    gtk_popover_popdown (popover);
  }

  /* Over the limit: stopped, and red. */
  seed_paid_run (fixture->store, "One more", "openai/gpt-4o-mini", 2 * WF_MICROS_PER_USD, FALSE, noon);
  wf_budget_indicator_refresh (indicator);
  g_assert_cmpint (wf_budget_indicator_get_state (indicator), ==, WF_BUDGET_STOPPED);
  g_assert_cmpfloat (wf_budget_indicator_get_fraction (indicator), ==, 1.0);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  screenshot (fixture, "features-budget-stopped-dark");
}


static double
pmt (double principal,
     double annual_rate,
     int    months)
{
  double r = annual_rate / 12;

  return principal * r / (1 - pow (1 + r, -months));
}

static const WfMetric *
find_metric (const WfRun *run,
             const char  *name)
{
  for (guint i = 0; run->result && i < run->result->metrics->len; i++)
    {
      const WfMetric *m = g_ptr_array_index (run->result->metrics, i);

      if (g_strcmp0 (m->name, name) == 0)
        return m;
    }
  return NULL;
}

/* A real answered run: an offline template through the real sandbox. */
static WfRun *
ask_question (Fixture    *fixture,
              const char *question)
{
  g_autoptr(GError) error = NULL;
  WfRunRequest *req = wf_run_request_new (WF_MODE_ASK, question);
  WfRun *run;

  run = wf_pipeline_run_sync (fixture->pipeline, req, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (run);
  g_assert_cmpint (run->outcome, ==, WF_OUTCOME_ANSWERED);
  g_assert_nonnull (run->result);
  g_assert_cmpuint (run->result->params->len, >=, 3);

  /* As a person would: the new session appears in the sidebar and is picked. */
  wf_session_list_reload (WF_SESSION_LIST (wf_window_get_session_list (fixture->window)));
  wf_session_list_select_id (WF_SESSION_LIST (wf_window_get_session_list (fixture->window)), run->session_id);
  g_assert_cmpint (wf_chat_view_get_session (WF_CHAT_VIEW (wf_window_get_chat_view (fixture->window))), ==,
                   run->session_id);
  return run;
}

static WfRun *
ask_van_loan (Fixture *fixture)
{
  return ask_question (fixture, "Can I afford a $40k van loan at 7.5% over 5 years?");
}

static gboolean
is_row_titled (GtkWidget     *widget,
               gconstpointer  title)
{
  return ADW_IS_ACTION_ROW (widget)
         && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

static void
test_question_currency (Fixture       *fixture,
                        gconstpointer  data)
{
  WfChatView *chat = WF_CHAT_VIEW (wf_window_get_chat_view (fixture->window));
  g_autoptr(WfRun) run = NULL;
  g_autofree char *metrics = NULL;
  GtkWidget *assumptions;
  GtkWidget *row;
  const char *subtitle;

  g_test_summary ("A question in euros is answered in euros on the card, its money assumptions "
                  "too, whatever the currency preference (dollars here)");

  if (!have_sandbox ())
    return;

  wf_format_set_currency ("USD");
  run = ask_question (fixture, "Can I afford a \u20ac40k van loan at 7.5% over 5 years?");
  g_assert_cmpstr (find_metric (run, "Monthly payment")->unit, ==, "EUR");
  metrics = wf_chat_view_dup_card_metrics (chat, run->id);
  g_test_message ("card: %s", metrics);
  g_assert_nonnull (strstr (metrics, "\u20ac"));
  g_assert_null (strstr (metrics, "$"));

  assumptions = wf_chat_view_get_card_assumptions (chat, run->id);
  g_assert_true (WF_IS_ASSUMPTIONS (assumptions));
  row = wf_ui_test_find_widget (assumptions, is_row_titled, "Loan amount");
  g_assert_nonnull (row);
  subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
  g_test_message ("Loan amount: %s", subtitle);
  g_assert_nonnull (strstr (subtitle, "\u20ac"));
  gtk_expander_set_expanded (GTK_EXPANDER (g_object_get_data (G_OBJECT (assumptions), "wf-expander")), TRUE);
  screenshot (fixture, "features-euro-question");
  wf_format_set_currency (NULL);
}

static void
test_assumption_rerun (Fixture       *fixture,
                       gconstpointer  data)
{
  WfChatView *chat = WF_CHAT_VIEW (wf_window_get_chat_view (fixture->window));
  g_autoptr(WfRun) run = NULL;
  g_autoptr(WfRun) rerun = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *payment_text = NULL;
  GtkWidget *assumptions;
  GtkSpinButton *loan;
  GtkSpinButton *rate;
  GtkWidget *expander;

  g_test_summary ("Changing an assumption in the answer card re-runs the model on the sandbox "
                  "(no model call, no cost) and the card's metrics change; a newer change supersedes "
                  "an older one");

  if (!have_sandbox ())
    return;

  run = ask_van_loan (fixture);
  assumptions = wf_chat_view_get_card_assumptions (chat, run->id);
  g_assert_true (WF_IS_ASSUMPTIONS (assumptions));
  wf_assumptions_set_debounce (WF_ASSUMPTIONS (assumptions), 10);
  expander = g_object_get_data (G_OBJECT (assumptions), "wf-expander");
  gtk_expander_set_expanded (GTK_EXPANDER (expander), TRUE);
  before = wf_chat_view_dup_card_metrics (chat, run->id);
  g_test_message ("before: %s", before);
  payment_text = g_strdup_printf ("%.2f", pmt (40000, 0.075, 60));

  loan = wf_assumptions_get_spin_button (WF_ASSUMPTIONS (assumptions), "Loan amount");
  rate = wf_assumptions_get_spin_button (WF_ASSUMPTIONS (assumptions), "Annual interest rate");
  g_assert_nonnull (loan);
  g_assert_nonnull (rate);
  g_assert_cmpfloat_with_epsilon (gtk_spin_button_get_value (loan), 40000, 1e-6);
  /* Percent shown as percent (the template holds it in percent). */
  g_assert_cmpfloat_with_epsilon (gtk_spin_button_get_value (rate), 7.5, 1e-6);

  /* Two changes in a row: the first re-run is superseded (cancelled or dropped). */
  gtk_spin_button_set_value (loan, 30000);
  WAIT_FOR (wf_window_get_rerun_pending (fixture->window));
  gtk_spin_button_set_value (rate, 5.0);
  wf_ui_test_spin (50);
  WAIT_FOR (!wf_window_get_rerun_pending (fixture->window));
  g_assert_cmpuint (wf_window_get_n_reruns_shown (fixture->window), >=, 1);

  after = wf_chat_view_dup_card_metrics (chat, run->id);
  g_test_message ("after: %s", after);
  g_assert_cmpstr (before, !=, after);
  {
    g_autofree char *formatted = NULL;

    formatted = g_strdup_printf ("%.2f", pmt (30000, 0.05, 60));
    /* The card shows money with grouping: compare the digits only. */
    {
      GString *digits = g_string_new (NULL);

      for (const char *p = after; *p; p++)
        if (g_ascii_isdigit (*p) || *p == '.' || *p == '\n')
          g_string_append_c (digits, *p);
      expected = g_string_free (digits, FALSE);
    }
    g_assert_nonnull (strstr (expected, formatted));
  }

  /* The newest stored run is the re-run: parent set, no model, no cost. */
  runs = wf_store_list_runs (fixture->store, run->session_id, 0, 10, NULL);
  rerun = wf_store_load_run (fixture->store, ((WfRunSummary *) g_ptr_array_index (runs, 0))->id, NULL);
  g_assert_cmpint (rerun->parent_run_id, ==, run->id);
  g_assert_cmpint (rerun->total_micros, ==, 0);
  g_assert_cmpfloat_with_epsilon (find_metric (rerun, "Monthly payment")->value, pmt (30000, 0.05, 60), 0.005);

  /* The inspector shows the re-run and keeps the assumptions as set. */
  g_signal_emit_by_name (chat, "run-selected", run->id);
  {
    GtkWidget *inspector = gtk_widget_get_first_child (wf_window_get_inspector_slot (fixture->window));
    GtkSpinButton *irate;

    g_assert_true (WF_IS_INSPECTOR (inspector));
    wf_inspector_set_page (WF_INSPECTOR (inspector), "assumptions");
    irate = wf_assumptions_get_spin_button (wf_inspector_get_assumptions (WF_INSPECTOR (inspector)),
                                            "Annual interest rate");
    g_assert_nonnull (irate);
    wf_assumptions_set_debounce (wf_inspector_get_assumptions (WF_INSPECTOR (inspector)), 10);
    g_test_message ("inspector rate %f base %" G_GINT64_FORMAT " run %" G_GINT64_FORMAT, gtk_spin_button_get_value (irate),
                    wf_inspector_get_base_run (WF_INSPECTOR (inspector)), run->id);
    g_signal_connect_swapped (wf_inspector_get_assumptions (WF_INSPECTOR (inspector)), "changed", G_CALLBACK (g_test_message), (gpointer) "assumptions changed");
    g_signal_connect_swapped (inspector, "assumptions-changed", G_CALLBACK (g_test_message), (gpointer) "inspector changed");
    gtk_spin_button_set_value (irate, 9.0);
    g_test_message ("irate now %f", gtk_spin_button_get_value (irate));
    WAIT_FOR (wf_window_get_rerun_pending (fixture->window));
    g_test_message ("pending %d shown %u", wf_window_get_rerun_pending (fixture->window), wf_window_get_n_reruns_shown (fixture->window));
    WAIT_FOR (!wf_window_get_rerun_pending (fixture->window));
    g_free (after);
    after = wf_chat_view_dup_card_metrics (chat, run->id);
    /* The card follows a change made in the inspector, and its control moves too. */
    g_assert_cmpfloat_with_epsilon (gtk_spin_button_get_value (rate), 9.0, 1e-6);
  }
  screenshot (fixture, "features-assumption-changed");

  /* Coming back to the session later, the card shows the last values the
   * owner chose (the newest re-run), not the original ones. */
  {
    g_autoptr(GPtrArray) latest = wf_store_list_runs (fixture->store, run->session_id, 0, 1, NULL);
    g_autoptr(WfRun) newest = wf_store_load_run (fixture->store,
                                                 ((WfRunSummary *) g_ptr_array_index (latest, 0))->id, NULL);
    g_autofree char *want = NULL;
    g_autofree char *shown = NULL;
    GString *digits = g_string_new (NULL);
    GtkWidget *reloaded;
    GtkSpinButton *reloaded_rate;

    g_assert_cmpint (newest->parent_run_id, ==, run->id);
    want = g_strdup_printf ("%.2f", find_metric (newest, "Monthly payment")->value);
    wf_chat_view_set_session (chat, 0);
    wf_chat_view_set_session (chat, run->session_id);
    wf_ui_test_spin (100);
    reloaded = wf_chat_view_get_card_assumptions (chat, run->id);
    g_assert_true (WF_IS_ASSUMPTIONS (reloaded));
    reloaded_rate = wf_assumptions_get_spin_button (WF_ASSUMPTIONS (reloaded), "Annual interest rate");
    g_assert_cmpfloat_with_epsilon (gtk_spin_button_get_value (reloaded_rate), 9.0, 1e-6);
    shown = wf_chat_view_dup_card_metrics (chat, run->id);
    for (const char *p = shown; *p; p++)
      if (g_ascii_isdigit (*p) || *p == '.' || *p == '\n')
        g_string_append_c (digits, *p);
    g_test_message ("reloaded: %s (want %s)", shown, want);
    g_assert_nonnull (strstr (digits->str, want));
    g_string_free (digits, TRUE);
  }

  /* Export CSV of the card's run: the amortisation table, read back. */
  {
    g_autofree char *path = g_build_filename (fixture->tmpdir, "loan.csv", NULL);
    g_autofree char *csv = NULL;
    g_autoptr(GError) error = NULL;
    g_auto(GStrv) lines = NULL;

    g_assert_true (wf_window_export_run_csv (fixture->window, run->id, path, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (path, &csv, NULL, &error));
    lines = g_strsplit (csv, "\r\n", -1);
    g_assert_cmpstr (lines[0], ==, "Month,Payment,Interest,Principal,Balance");
    g_assert_true (g_str_has_prefix (lines[1], "1,"));
    /* 60 months, a header and the final empty field after the last CRLF. */
    g_assert_cmpuint (g_strv_length (lines), ==, 62);
  }
}

static void
test_sweep (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(WfRun) run = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *csv_path = NULL;
  g_autofree char *csv = NULL;
  WfSweepDialog *dialog;
  const WfTable *table;
  const char *metrics[] = { "Monthly payment", "Total interest", NULL };

  g_test_summary ("A sweep over one assumption gives a table and a line chart, over two a grid "
                  "and a heat map; both export to CSV that reads back");

  if (!have_sandbox ())
    return;

  run = ask_van_loan (fixture);

  /* The card's Sweep button opens the dialog for that run. */
  {
    WfChatView *chat = WF_CHAT_VIEW (wf_window_get_chat_view (fixture->window));
    GtkWidget *assumptions = wf_chat_view_get_card_assumptions (chat, run->id);
    GListModel *toplevels = gtk_window_get_toplevels ();
    guint before = g_list_model_get_n_items (toplevels);
    gboolean found = FALSE;

    g_assert_true (gtk_widget_activate_action (assumptions, "assumptions.sweep", NULL));
    g_assert_cmpuint (g_list_model_get_n_items (toplevels), ==, before + 1);
    for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
      {
        g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

        if (WF_IS_SWEEP_DIALOG (w))
          {
            found = TRUE;
            gtk_window_destroy (w);
            break;
          }
      }
    g_assert_true (found);
  }

  dialog = WF_SWEEP_DIALOG (wf_sweep_dialog_new (GTK_WINDOW (fixture->window), fixture->pipeline, run));
  gtk_window_set_default_size (GTK_WINDOW (dialog), 720, 900);
  gtk_window_present (GTK_WINDOW (dialog));
  WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (dialog)));

  /* One axis: 5 %, 6 %, … 10 % (the template holds percent in percent). */
  g_assert_true (wf_sweep_dialog_set_axis (dialog, 0, "Annual interest rate", 5, 10, 1));
  g_assert_true (wf_sweep_dialog_set_axis (dialog, 1, NULL, 0, 0, 0));
  wf_sweep_dialog_set_metrics (dialog, metrics);
  wf_sweep_dialog_start (dialog);
  g_assert_true (wf_sweep_dialog_get_busy (dialog));
  WAIT_FOR (!wf_sweep_dialog_get_busy (dialog));
  g_assert_null (wf_sweep_dialog_get_error (dialog));
  table = wf_sweep_dialog_get_table (dialog);
  g_assert_nonnull (table);
  g_assert_cmpuint (table->columns->len, ==, 3);
  g_assert_cmpuint (wf_table_get_n_rows (table), ==, 6);
  for (guint i = 0; i < 6; i++)
    {
      JsonArray *row = json_array_get_array_element (table->rows, i);
      double rate = json_array_get_double_element (row, 0);

      g_assert_cmpfloat_with_epsilon (rate, 5 + i, 1e-9);
      g_assert_cmpfloat_with_epsilon (json_array_get_double_element (row, 1), pmt (40000, rate / 100, 60), 0.005);
    }
  g_assert_true (wf_chart_widget_has_data (WF_CHART_WIDGET (wf_sweep_dialog_get_chart (dialog))));
  wf_ui_test_screenshot (GTK_WIDGET (dialog), "features-sweep-1-axis");

  csv_path = g_build_filename (fixture->tmpdir, "sweep.csv", NULL);
  g_assert_true (wf_sweep_dialog_export_csv (dialog, csv_path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, &error));
  g_assert_true (g_str_has_prefix (csv, "Annual interest rate,Monthly payment,Total interest"));
  {
    g_auto(GStrv) lines = g_strsplit (g_strchomp (csv), "\n", -1);
    g_auto(GStrv) cells = NULL;

    g_assert_cmpuint (g_strv_length (lines), ==, 7);
    cells = g_strsplit (g_strchomp (lines[1]), ",", -1);
    g_assert_cmpfloat_with_epsilon (g_ascii_strtod (cells[1], NULL), pmt (40000, 0.05, 60), 0.005);
  }

  /* Two axes: 3 rates × 3 terms, a heat map. */
  g_assert_true (wf_sweep_dialog_set_axis (dialog, 1, "Term", 36, 60, 12));
  g_assert_true (wf_sweep_dialog_set_axis (dialog, 0, "Annual interest rate", 5, 7, 1));
  wf_sweep_dialog_start (dialog);
  WAIT_FOR (!wf_sweep_dialog_get_busy (dialog));
  g_assert_null (wf_sweep_dialog_get_error (dialog));
  table = wf_sweep_dialog_get_table (dialog);
  g_assert_cmpuint (table->columns->len, ==, 4);
  g_assert_cmpuint (wf_table_get_n_rows (table), ==, 9);
  {
    JsonArray *row = json_array_get_array_element (table->rows, 8);

    g_assert_cmpfloat_with_epsilon (json_array_get_double_element (row, 2), pmt (40000, 0.07, 60), 0.005);
  }
  g_assert_true (wf_chart_widget_has_data (WF_CHART_WIDGET (wf_sweep_dialog_get_chart (dialog))));
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  wf_ui_test_screenshot (GTK_WIDGET (dialog), "features-sweep-2-axes-dark");
  g_clear_pointer (&csv, g_free);
  g_assert_true (wf_sweep_dialog_export_csv (dialog, csv_path, &error));
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, &error));
  g_assert_true (g_str_has_prefix (csv, "Annual interest rate,Term,Monthly payment,Total interest"));

  /* Too many points: a clear message, nothing run. */
  g_assert_true (wf_sweep_dialog_set_axis (dialog, 0, "Annual interest rate", 0, 40, 0.01));
  wf_sweep_dialog_start (dialog);
  WAIT_FOR (!wf_sweep_dialog_get_busy (dialog));
  g_assert_nonnull (wf_sweep_dialog_get_error (dialog));
  g_test_message ("error: %s", wf_sweep_dialog_get_error (dialog));

  /* Cancel: a sweep of many points stops early. */
  g_assert_true (wf_sweep_dialog_set_axis (dialog, 1, NULL, 0, 0, 0));
  g_assert_true (wf_sweep_dialog_set_axis (dialog, 0, "Loan amount", 1000, 400000, 1000));
  wf_sweep_dialog_start (dialog);
  wf_ui_test_spin (100);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "sweep.close", NULL);
  WAIT_FOR (!wf_sweep_dialog_get_busy (dialog));
  g_assert_cmpstr (wf_sweep_dialog_get_error (dialog), ==, "The sweep was cancelled.");
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* Closed while running: the worker's result lands nowhere, nothing crashes. */
  {
    g_autoptr(GtkWidget) other = g_object_ref_sink (wf_sweep_dialog_new (GTK_WINDOW (fixture->window),
                                                                         fixture->pipeline, run));

    gtk_window_present (GTK_WINDOW (other));
    g_assert_true (wf_sweep_dialog_set_axis (WF_SWEEP_DIALOG (other), 0, "Term", 12, 120, 12));
    wf_sweep_dialog_start (WF_SWEEP_DIALOG (other));
    g_assert_true (wf_sweep_dialog_get_busy (WF_SWEEP_DIALOG (other)));
    gtk_window_destroy (GTK_WINDOW (other));
    WAIT_FOR (!wf_sweep_dialog_get_busy (WF_SWEEP_DIALOG (other)));
  }
}

static void
test_paste_and_run (Fixture       *fixture,
                    gconstpointer  data)
{
  WfChatView *chat = WF_CHAT_VIEW (wf_window_get_chat_view (fixture->window));
  g_autoptr(WfRun) run = NULL;
  g_autoptr(WfRun) pasted = NULL;
  GtkWidget *inspector;
  GtkTextBuffer *buffer;
  GtkWidget *source_view;
  guint cards;
  const char *code =
    "import whatif as wf\n"
    "price = wf.param('Price', 45, kind='money')\n"
    "units = wf.param('Units', 1200, kind='count')\n"
    "wf.metric('Revenue', price * units, 'USD')\n";

  g_test_summary ("Edit in the Code tab turns it into an editor; Run sends the program through the "
                  "firewall and the sandbox and the result appears as a new answer card");

  if (!have_sandbox ())
    return;

  run = ask_van_loan (fixture);
  g_signal_emit_by_name (chat, "show-code", run->id);
  inspector = gtk_widget_get_first_child (wf_window_get_inspector_slot (fixture->window));
  g_assert_true (WF_IS_INSPECTOR (inspector));
  g_assert_cmpstr (wf_inspector_get_page (WF_INSPECTOR (inspector)), ==, "code");
  source_view = wf_ui_test_find_by_type (inspector, GTK_SOURCE_TYPE_VIEW);
  g_assert_false (gtk_text_view_get_editable (GTK_TEXT_VIEW (source_view)));

  wf_inspector_set_editable (WF_INSPECTOR (inspector), TRUE);
  g_assert_true (gtk_text_view_get_editable (GTK_TEXT_VIEW (source_view)));
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (source_view));
  gtk_text_buffer_set_text (buffer, code, -1);
  screenshot (fixture, "features-paste-editor");

  cards = wf_chat_view_get_n_cards (chat);
  g_signal_emit_by_name (inspector, "run-code", code, "python");
  WAIT_FOR (wf_chat_view_get_n_cards (chat) == cards + 1);
  pasted = wf_store_load_run (fixture->store, wf_chat_view_get_last_run (chat), NULL);
  g_assert_nonnull (pasted);
  g_assert_cmpint (pasted->mode, ==, WF_MODE_PYTHON);
  g_test_message ("outcome %s: %s", wf_outcome_to_string (pasted->outcome), pasted->message);
  g_assert_cmpint (pasted->outcome, ==, WF_OUTCOME_ANSWERED);
  g_assert_cmpint (pasted->session_id, ==, run->session_id);
  g_assert_cmpfloat_with_epsilon (find_metric (pasted, "Revenue")->value, 54000, 1e-6);
  g_assert_nonnull (pasted->verdict_json);
  {
    g_autofree char *metrics = wf_chat_view_dup_card_metrics (chat, pasted->id);

    g_test_message ("%s", metrics);
    g_assert_nonnull (strstr (metrics, "Revenue: $54"));
  }
  screenshot (fixture, "features-paste-run");

  /* A program the firewall refuses is explained, not run. */
  cards = wf_chat_view_get_n_cards (chat);
  g_signal_emit_by_name (inspector, "run-code", "import os\nos.system('rm -rf ~')\n", "python");
  WAIT_FOR (wf_chat_view_get_n_cards (chat) == cards + 1);
  g_clear_pointer (&pasted, wf_run_free);
  pasted = wf_store_load_run (fixture->store, wf_chat_view_get_last_run (chat), NULL);
  g_assert_cmpint (pasted->outcome, ==, WF_OUTCOME_BLOCKED);
  screenshot (fixture, "features-paste-blocked");

  /* From the menu, with nothing selected: an empty editor; SQL runs too. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.paste-code", NULL));
  g_assert_true (gtk_text_view_get_editable (GTK_TEXT_VIEW (source_view)));
  {
    g_autofree char *empty = wf_inspector_dup_code (WF_INSPECTOR (inspector));

    g_assert_cmpstr (empty, ==, "");
  }
  wf_inspector_set_language (WF_INSPECTOR (inspector), "sql");
  gtk_text_buffer_set_text (buffer, "SELECT 6 * 7 AS answer", -1);
  cards = wf_chat_view_get_n_cards (chat);
  g_signal_emit_by_name (inspector, "run-code", "SELECT 6 * 7 AS answer", "sql");
  WAIT_FOR (wf_chat_view_get_n_cards (chat) == cards + 1);
  g_clear_pointer (&pasted, wf_run_free);
  pasted = wf_store_load_run (fixture->store, wf_chat_view_get_last_run (chat), NULL);
  g_test_message ("sql outcome %s: %s", wf_outcome_to_string (pasted->outcome), pasted->message);
  g_assert_cmpint (pasted->mode, ==, WF_MODE_SQL);
  g_assert_cmpstr (pasted->language, ==, "sql");
  /* With nothing imported there is no workbook to query: the card says so in
   * words and points to Import data. */
  if (pasted->outcome == WF_OUTCOME_ANSWERED)
    {
      g_assert_cmpuint (pasted->result->tables->len, ==, 1);
      g_assert_cmpfloat (json_array_get_double_element (json_array_get_array_element (
                           ((WfTable *) g_ptr_array_index (pasted->result->tables, 0))->rows, 0), 0), ==, 42);
    }
  else
    {
      g_assert_cmpint (pasted->outcome, ==, WF_OUTCOME_FAILED);
      g_assert_nonnull (pasted->message);
      g_assert_nonnull (strstr (pasted->message, "mport"));
    }
  screenshot (fixture, "features-paste-sql");
}

static void
test_inspector_tabs (Fixture       *fixture,
                     gconstpointer  data)
{
  WfChatView *chat = WF_CHAT_VIEW (wf_window_get_chat_view (fixture->window));
  g_autoptr(WfRun) run = NULL;
  GtkWidget *inspector;
  const char *tabs[] = { "code", "output", "results", "chart", "assumptions", "cost", "checks" };

  g_test_summary ("Each inspector tab opens on a real answered run and shows something");

  if (!have_sandbox ())
    return;

  run = ask_van_loan (fixture);
  g_signal_emit_by_name (chat, "run-selected", run->id);
  wf_window_set_inspector_visible (fixture->window, TRUE);
  inspector = gtk_widget_get_first_child (wf_window_get_inspector_slot (fixture->window));
  g_assert_true (WF_IS_INSPECTOR (inspector));
  for (guint i = 0; i < G_N_ELEMENTS (tabs); i++)
    {
      g_autofree char *name = g_strdup_printf ("features-inspector-%s", tabs[i]);

      wf_inspector_set_page (WF_INSPECTOR (inspector), tabs[i]);
      g_assert_cmpstr (wf_inspector_get_page (WF_INSPECTOR (inspector)), ==, tabs[i]);
      if (i == 3)
        adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
      screenshot (fixture, name);
    }
  g_assert_cmpuint (wf_assumptions_get_n_params (wf_inspector_get_assumptions (WF_INSPECTOR (inspector))), ==,
                    run->result->params->len);
}

static void
test_escape_cancels (Fixture       *fixture,
                     gconstpointer  data)
{
  WfChatView *chat = WF_CHAT_VIEW (wf_window_get_chat_view (fixture->window));
  g_autoptr(WfPipelineAsker) asker = wf_pipeline_asker_new (fixture->pipeline);
  GtkWidget *entry;

  g_test_summary ("Escape pressed in the question entry cancels the run in progress");

  if (!have_sandbox ())
    return;

  wf_window_set_asker (fixture->window, WF_ASKER (asker));
  g_assert_true (wf_chat_view_send (chat, "Can I afford a $40k van loan at 7.5% over 5 years?"));
  g_assert_true (wf_chat_view_get_busy (chat));
  entry = wf_ui_test_find_by_type (GTK_WIDGET (chat), GTK_TYPE_TEXT_VIEW);
  gtk_widget_grab_focus (entry);
  /* Through the key bindings, as the key would go. */
  g_assert_true (gtk_widget_activate_action (entry, "chat.cancel", NULL));
  WAIT_FOR (!wf_chat_view_get_busy (chat));
  screenshot (fixture, "features-escape-cancelled");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  /* Dollar amounts in the assertions. */
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);

  if (!gtk_init_check ())
    {
      g_test_skip ("No display: run under build-aux/dev test (Xvfb)");
      return g_test_run ();
    }
  adw_init ();
  wf_ui_test_load_app_style ();

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/ui/features/budget-indicator", test_budget_indicator);
  ADD ("/ui/features/assumption-rerun", test_assumption_rerun);
  ADD ("/ui/features/question-currency", test_question_currency);
  ADD ("/ui/features/sweep", test_sweep);
  ADD ("/ui/features/paste-and-run", test_paste_and_run);
  ADD ("/ui/features/inspector-tabs", test_inspector_tabs);
  ADD ("/ui/features/escape-cancels", test_escape_cancels);
#undef ADD

  return g_test_run ();
}
