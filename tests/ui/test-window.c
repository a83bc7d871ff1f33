/* test-window.c: the main window on a real, seeded history database
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Real windows (Xvfb), a real SQLite store seeded through wf_store_save_run,
 * real GSettings (memory backend). Only the question-answering pipeline is
 * replaced, by a WfAsker written here, because the seam is what is tested.
 * Each test leaves a PNG of the window in <builddir>/tests/test-output/ui/.
 */
#include "config.h"

#include <adwaita.h>

#include "wf-asker.h"
#include "wf-chat-view.h"
#include "wf-preferences-window.h"
#include "wf-session-list.h"
#include "wf-store.h"
#include "wf-window.h"
#include "wf-inspector.h"
#include "wf-pipeline-asker.h"
#include "wf-ui-test-util.h"

#include <math.h>

/* A fake pipeline: answers after a few main-loop turns and saves the run, or
 * hangs until cancelled. */

#define TEST_TYPE_ASKER (test_asker_get_type ())
G_DECLARE_FINAL_TYPE (TestAsker, test_asker, TEST, ASKER, GObject)

struct _TestAsker
{
  GObject   parent_instance;
  WfStore  *store;
  gboolean  hang;
  guint     n_asked;
  GPtrArray *stages;
};

static void test_asker_iface_init (WfAskerInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TestAsker, test_asker, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (WF_TYPE_ASKER, test_asker_iface_init))

typedef struct
{
  char   *question;
  gint64  session_id;
  guint   step;
} AskData;

static void
ask_data_free (AskData *data)
{
  g_free (data->question);
  g_free (data);
}

static gboolean
answer_step (gpointer user_data)
{
  GTask *task = user_data;
  TestAsker *self = g_task_get_source_object (task);
  AskData *data = g_task_get_task_data (task);
  static const char *stages[] = { "classifying", "writing", "checking", "running" };
  g_autoptr(WfRun) run = NULL;
  g_autoptr(GError) error = NULL;

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return G_SOURCE_REMOVE;
    }

  if (data->step < G_N_ELEMENTS (stages))
    {
      wf_asker_emit_stage (WF_ASKER (self), stages[data->step]);
      g_ptr_array_add (self->stages, g_strdup (stages[data->step]));
      if (data->step == 1)
        wf_asker_emit_code_delta (WF_ASKER (self), "rate = wf.param('Rate', 'percent', 7.5)\n");
      data->step++;
      return G_SOURCE_CONTINUE;
    }

  run = wf_run_new ();
  run->session_id = data->session_id;
  run->mode = WF_MODE_ASK;
  run->question = g_strdup (data->question);
  run->answer = g_strdup ("Fake answer for the test.");
  run->explanation = g_strdup ("Worked out by the test asker.");
  run->outcome = WF_OUTCOME_ANSWERED;
  run->provider = g_strdup ("offline");
  run->total_micros = 0;
  if (!wf_store_save_run (self->store, run, NULL, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_steal_pointer (&run), (GDestroyNotify) wf_run_free);
  g_object_unref (task);

  return G_SOURCE_REMOVE;
}

static gboolean
hang_step (gpointer user_data)
{
  GTask *task = user_data;
  AskData *data = g_task_get_task_data (task);

  /* Show some progress, then wait to be cancelled. */
  if (data->step == 0)
    {
      wf_asker_emit_stage (g_task_get_source_object (task), "writing");
      wf_asker_emit_code_delta (g_task_get_source_object (task),
                                "price = wf.param('Price', 'money', 45)\nunits = wf.param('Units', 'count', 1200)\n");
      data->step++;
    }
  if (!g_task_return_error_if_cancelled (task))
    return G_SOURCE_CONTINUE;
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

static void
test_asker_ask_async (WfAsker             *asker,
                      const char          *question,
                      gint64               session_id,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  TestAsker *self = TEST_ASKER (asker);
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  AskData *data = g_new0 (AskData, 1);

  data->question = g_strdup (question);
  data->session_id = session_id;
  g_task_set_task_data (task, data, (GDestroyNotify) ask_data_free);
  self->n_asked++;

  g_timeout_add (10, self->hang ? hang_step : answer_step, task);
}

static WfRun *
test_asker_ask_finish (WfAsker       *asker,
                       GAsyncResult  *result,
                       GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
test_asker_iface_init (WfAskerInterface *iface)
{
  iface->ask_async = test_asker_ask_async;
  iface->ask_finish = test_asker_ask_finish;
}

static void
test_asker_finalize (GObject *object)
{
  TestAsker *self = TEST_ASKER (object);

  g_clear_object (&self->store);
  g_clear_pointer (&self->stages, g_ptr_array_unref);
  G_OBJECT_CLASS (test_asker_parent_class)->finalize (object);
}

static void
test_asker_class_init (TestAskerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_asker_finalize;
}

static void
test_asker_init (TestAsker *self)
{
  self->stages = g_ptr_array_new_with_free_func (g_free);
}

/* Fixture */

typedef struct
{
  char      *tmpdir;
  char      *db_path;
  WfStore   *store;
  WfWindow  *window;
  gint64     s_van;      /* one answered run with metrics, a table and code */
  gint64     s_runway;   /* two answered runs */
  gint64     s_clarify;  /* a refusal and a clarification */
} Fixture;

static gint64
seed_run (WfStore    *store,
          gint64      session_id,
          const char *question,
          const char *answer,
          WfOutcome   outcome)
{
  g_autoptr(WfRun) run = wf_run_new ();
  g_autoptr(GError) error = NULL;

  run->session_id = session_id;
  run->mode = WF_MODE_ASK;
  run->question = g_strdup (question);
  run->answer = g_strdup (answer);
  run->explanation = g_strdup ("The model uses the standard amortization formula.");
  run->outcome = outcome;
  run->provider = g_strdup ("openrouter");
  run->model = g_strdup ("openai/gpt-4o-mini");
  run->total_micros = 1234;
  run->cost_estimated = TRUE;

  if (outcome == WF_OUTCOME_ANSWERED)
    {
      WfTable *table = wf_table_new ("schedule");
      JsonArray *row = json_array_new ();

      run->language = g_strdup ("python");
      run->code = g_strdup ("payment = wf.param('Loan', 'money', 40000) * 0.02\nwf.metric('Monthly payment', payment, 'USD')\n");
      run->result = wf_run_result_new ();
      g_ptr_array_add (run->result->metrics, wf_metric_new ("Monthly payment", 801.52, "USD"));
      g_ptr_array_add (run->result->metrics, wf_metric_new ("Total interest", 8091.2, "USD"));
      g_ptr_array_add (table->columns, g_strdup ("month"));
      g_ptr_array_add (table->columns, g_strdup ("balance"));
      json_array_add_int_element (row, 1);
      json_array_add_double_element (row, 39465.0);
      json_array_add_array_element (table->rows, row);
      g_ptr_array_add (run->result->tables, table);
    }
  else if (outcome == WF_OUTCOME_NEEDS_CLARIFICATION)
    {
      run->message = g_strdup ("Which period do you mean?");
      run->clarification_json =
        g_strdup ("{\"question\":\"Over which period?\",\"options\":[\"Per month\",\"Per year\",42]}");
    }
  else if (outcome == WF_OUTCOME_REFUSED)
    run->message = g_strdup ("I can only help with money questions.");

  g_assert_true (wf_store_save_run (store, run, NULL, &error));
  g_assert_no_error (error);

  return run->session_id;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);

  /* Each test starts from the schema's defaults. */
  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
  g_settings_reset (settings, "inspector-visible");

  fixture->tmpdir = g_dir_make_tmp ("whatif-ui-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->db_path = g_build_filename (fixture->tmpdir, "whatif.db", NULL);
  g_setenv ("WHATIF_DB", fixture->db_path, TRUE);

  /* Open it the way the app does, through WHATIF_DB. */
  path = wf_store_dup_default_path ();
  g_assert_cmpstr (path, ==, fixture->db_path);
  fixture->store = wf_store_open (path, &error);
  g_assert_no_error (error);

  fixture->s_van = seed_run (fixture->store, 0, "Can I afford a $40k van loan at 7.5% over 5 years?",
                             "Yes: the payment is about $802 a month.", WF_OUTCOME_ANSWERED);
  fixture->s_runway = seed_run (fixture->store, 0, "How many months of runway with $120k cash and $15k burn?",
                                "About 8 months.", WF_OUTCOME_ANSWERED);
  seed_run (fixture->store, fixture->s_runway, "And with $10k burn?", "About 12 months.",
            WF_OUTCOME_ANSWERED);
  fixture->s_clarify = seed_run (fixture->store, 0, "Tell me a joke", NULL, WF_OUTCOME_REFUSED);
  seed_run (fixture->store, fixture->s_clarify, "What is my margin?", NULL,
            WF_OUTCOME_NEEDS_CLARIFICATION);

  fixture->window = g_object_new (WF_TYPE_WINDOW, NULL);
  g_object_ref_sink (fixture->window);
  wf_window_set_store (fixture->window, fixture->store);
  gtk_window_present (GTK_WINDOW (fixture->window));
  WF_UI_TEST_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (fixture->window)));
  wf_ui_test_spin (200);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *wal = g_strconcat (fixture->db_path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (fixture->db_path, "-shm", NULL);

  if (fixture->window != NULL)
    gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_clear_object (&fixture->window);
  wf_ui_test_spin (50);
  g_clear_object (&fixture->store);

  /* To look at the seeded history in the real app afterwards. */
  if (g_getenv ("WF_TEST_KEEP_DB") != NULL)
    {
      g_test_message ("kept database: %s", fixture->db_path);
      g_free (fixture->db_path);
      g_free (fixture->tmpdir);
      return;
    }

  /* The store may keep side files (workbook, WAL): remove whatever is there. */
  wf_ui_test_rm_rf (fixture->tmpdir);
  g_free (fixture->db_path);
  g_free (fixture->tmpdir);
}

static WfSessionList *
session_list (Fixture *fixture)
{
  return WF_SESSION_LIST (wf_window_get_session_list (fixture->window));
}

static WfChatView *
chat_view (Fixture *fixture)
{
  return WF_CHAT_VIEW (wf_window_get_chat_view (fixture->window));
}

static gboolean
is_row_titled (GtkWidget     *widget,
               gconstpointer  title)
{
  return ADW_IS_PREFERENCES_ROW (widget) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

static GtkWidget *
find_row (GtkWidget  *root,
          const char *title)
{
  return wf_ui_test_find_widget (root, is_row_titled, title);
}

static gboolean
is_button_labelled (GtkWidget     *widget,
                    gconstpointer  label)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

static GtkWidget *
find_button_with_label (GtkWidget  *root,
                        const char *label)
{
  return wf_ui_test_find_widget (root, is_button_labelled, label);
}

/* Tests */

static void
test_sessions_listed (Fixture       *fixture,
                      gconstpointer  data)
{
  WfSessionList *list = session_list (fixture);

  g_test_summary ("The sidebar lists every stored session, newest first");

  g_assert_cmpuint (wf_session_list_get_n_sessions (list), ==, 3);
  g_assert_cmpint (wf_session_list_get_session_id (list, 0), ==, fixture->s_clarify);
  g_assert_cmpint (wf_session_list_get_session_id (list, 2), ==, fixture->s_van);
  /* Nothing selected at start: the welcome page shows. */
  g_assert_cmpint (wf_session_list_get_selected_id (list), ==, 0);
  g_assert_cmpint (wf_chat_view_get_session (chat_view (fixture)), ==, 0);

  wf_ui_test_screenshot (GTK_WIDGET (fixture->window), "window-welcome");
}

static void
test_select_shows_runs (Fixture       *fixture,
                        gconstpointer  data)
{
  WfSessionList *list = session_list (fixture);
  WfChatView *chat = chat_view (fixture);
  GtkWidget *options;
  guint n_options = 0;

  g_test_summary ("Selecting a session shows its stored runs as cards, clarification options as buttons");

  wf_session_list_select_id (list, fixture->s_runway);
  g_assert_cmpint (wf_chat_view_get_session (chat), ==, fixture->s_runway);
  g_assert_cmpuint (wf_chat_view_get_n_cards (chat), ==, 2);
  g_assert_nonnull (wf_ui_test_find_by_class (GTK_WIDGET (chat), "metrics"));
  g_assert_nonnull (find_button_with_label (GTK_WIDGET (chat), "Show _Code"));
  g_assert_nonnull (find_button_with_label (GTK_WIDGET (chat), "_Export CSV"));
  wf_ui_test_screenshot (GTK_WIDGET (fixture->window), "window-session");

  wf_session_list_select_id (list, fixture->s_clarify);
  g_assert_cmpuint (wf_chat_view_get_n_cards (chat), ==, 2);
  options = wf_ui_test_find_by_class (GTK_WIDGET (chat), "clarification-options");
  g_assert_nonnull (options);
  /* The non-string option in the JSON is skipped, not shown or crashed on. */
  for (GtkWidget *c = gtk_widget_get_first_child (options); c; c = gtk_widget_get_next_sibling (c))
    n_options++;
  g_assert_cmpuint (n_options, ==, 2);
  g_assert_nonnull (wf_ui_test_find_by_class (GTK_WIDGET (chat), "outcome-message"));
  wf_ui_test_screenshot (GTK_WIDGET (fixture->window), "window-clarification");
}

static void
test_search_filters (Fixture       *fixture,
                     gconstpointer  data)
{
  WfSessionList *list = session_list (fixture);

  g_test_summary ("Search narrows the sidebar to sessions whose questions or answers match");

  wf_session_list_set_search (list, "van");
  g_assert_cmpuint (wf_session_list_get_n_sessions (list), ==, 1);
  g_assert_cmpint (wf_session_list_get_session_id (list, 0), ==, fixture->s_van);
  wf_ui_test_screenshot (GTK_WIDGET (fixture->window), "window-search");

  /* Answers are searched too. */
  wf_session_list_set_search (list, "months");
  g_assert_cmpuint (wf_session_list_get_n_sessions (list), ==, 1);
  g_assert_cmpint (wf_session_list_get_session_id (list, 0), ==, fixture->s_runway);

  wf_session_list_set_search (list, "zzzqqqnothing");
  g_assert_cmpuint (wf_session_list_get_n_sessions (list), ==, 0);

  /* Full-text syntax typed by a person must not break anything. */
  wf_session_list_set_search (list, "\"van AND (");
  wf_session_list_set_search (list, "NEAR(*");

  wf_session_list_set_search (list, "  ");
  g_assert_cmpuint (wf_session_list_get_n_sessions (list), ==, 3);
}

static void
test_delete_undo (Fixture       *fixture,
                  gconstpointer  data)
{
  WfSessionList *list = session_list (fixture);
  g_autoptr(WfSessionInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  AdwToast *toast;

  g_test_summary ("Deleting shows an undo toast; Undo keeps the session, dismissing deletes it");

  toast = wf_session_list_delete (list, fixture->s_van);
  g_assert_nonnull (toast);
  g_assert_cmpuint (wf_session_list_get_n_sessions (list), ==, 2);
  /* Not deleted yet: only hidden while the toast is up. */
  info = wf_store_get_session (fixture->store, fixture->s_van, &error);
  g_assert_no_error (error);
  g_clear_pointer (&info, wf_session_info_free);
  wf_ui_test_screenshot (GTK_WIDGET (fixture->window), "window-delete-toast");

  g_signal_emit_by_name (toast, "button-clicked");
  adw_toast_dismiss (toast);
  wf_ui_test_spin (50);
  g_assert_cmpuint (wf_session_list_get_n_sessions (list), ==, 3);
  info = wf_store_get_session (fixture->store, fixture->s_van, &error);
  g_assert_no_error (error);
  g_assert_nonnull (info);
  g_clear_pointer (&info, wf_session_info_free);

  toast = wf_session_list_delete (list, fixture->s_runway);
  g_assert_nonnull (toast);
  adw_toast_dismiss (toast);
  wf_ui_test_spin (50);
  g_assert_cmpuint (wf_session_list_get_n_sessions (list), ==, 2);
  info = wf_store_get_session (fixture->store, fixture->s_runway, &error);
  g_assert_error (error, WF_STORE_ERROR, WF_STORE_ERROR_NOT_FOUND);
  g_assert_null (info);
}

static void
test_rename (Fixture       *fixture,
             gconstpointer  data)
{
  WfSessionList *list = session_list (fixture);
  g_autoptr(WfSessionInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  g_test_summary ("Renaming stores the new title; empty names are refused");

  g_assert_true (wf_session_list_rename (list, fixture->s_van, "  Van loan  ", &error));
  g_assert_no_error (error);
  info = wf_store_get_session (fixture->store, fixture->s_van, &error);
  g_assert_cmpstr (info->title, ==, "Van loan");

  g_assert_false (wf_session_list_rename (list, fixture->s_van, "   ", &error));
  g_assert_error (error, WF_STORE_ERROR, WF_STORE_ERROR_INVALID);
}

static void
test_ask_and_cancel (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(TestAsker) asker = g_object_new (TEST_TYPE_ASKER, NULL);
  WfChatView *chat = chat_view (fixture);
  WfSessionList *list = session_list (fixture);
  GtkWidget *option;
  guint cards;

  g_test_summary ("A question goes through the WfAsker, shows its stages, lands as a card and a new session; cancel stops it; a clarification option is sent as the next question");

  asker->store = g_object_ref (fixture->store);
  wf_window_set_asker (fixture->window, WF_ASKER (asker));

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.new-session", NULL);
  g_assert_cmpint (wf_chat_view_get_session (chat), ==, 0);

  /* Cancel through the Escape action: nothing is stored. */
  asker->hang = TRUE;
  g_assert_true (wf_chat_view_send (chat, "What if I raise prices 5% and lose 3% of my customers?"));
  g_assert_true (wf_chat_view_get_busy (chat));
  /* One question at a time. */
  g_assert_false (wf_chat_view_send (chat, "Another one"));
  wf_ui_test_screenshot (GTK_WIDGET (fixture->window), "window-asking");
  gtk_widget_activate_action (GTK_WIDGET (chat), "chat.cancel", NULL);
  WF_UI_TEST_WAIT_FOR (!wf_chat_view_get_busy (chat));
  g_assert_cmpuint (wf_session_list_get_n_sessions (list), ==, 3);
  g_assert_cmpint (wf_chat_view_get_session (chat), ==, 0);
  wf_ui_test_screenshot (GTK_WIDGET (fixture->window), "window-cancelled");

  asker->hang = FALSE;
  g_assert_true (wf_chat_view_send (chat, "What if I raise prices 5%?"));
  WF_UI_TEST_WAIT_FOR (!wf_chat_view_get_busy (chat));
  g_assert_cmpuint (asker->stages->len, ==, 4);
  g_assert_cmpint (wf_chat_view_get_session (chat), >, 0);
  g_assert_cmpuint (wf_session_list_get_n_sessions (list), ==, 4);
  g_assert_cmpint (wf_session_list_get_selected_id (list), ==, wf_chat_view_get_session (chat));
  wf_ui_test_screenshot (GTK_WIDGET (fixture->window), "window-answered");

  /* Empty and oversized questions are not sent. */
  g_assert_false (wf_chat_view_send (chat, "   "));
  {
    g_autofree char *huge = g_strnfill (WF_CHAT_VIEW_MAX_QUESTION + 1, 'a');
    g_assert_false (wf_chat_view_send (chat, huge));
  }

  /* Clarification option */
  asker->hang = FALSE;
  wf_session_list_select_id (list, fixture->s_clarify);
  cards = wf_chat_view_get_n_cards (chat);
  option = find_button_with_label (GTK_WIDGET (chat), "Per month");
  g_assert_nonnull (option);
  g_signal_emit_by_name (option, "clicked");
  WF_UI_TEST_WAIT_FOR (!wf_chat_view_get_busy (chat));
  g_assert_cmpuint (wf_chat_view_get_n_cards (chat), ==, cards + 1);
  g_assert_cmpint (wf_store_count_runs (fixture->store, fixture->s_clarify, NULL), ==, 3);
}

static void
test_preferences (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkWidget *prefs;
  GtkWidget *row;
  GtkWidget *spin_button;
  WfBudgetLimits limits;

  g_test_summary ("Preferences bind to GSettings and write budget limits to the store");

  prefs = wf_preferences_window_new (GTK_WINDOW (fixture->window), fixture->store);
  gtk_window_present (GTK_WINDOW (prefs));
  WF_UI_TEST_WAIT_FOR (gtk_widget_get_mapped (prefs));
  wf_ui_test_screenshot (prefs, "preferences");

  g_assert_false (g_settings_get_boolean (settings, "ask-before-running"));
  row = find_row (prefs, "Ask Before Running Generated Code");
  g_assert_nonnull (row);
  gtk_switch_set_active (GTK_SWITCH (adw_action_row_get_activatable_widget (ADW_ACTION_ROW (row))), TRUE);
  g_assert_true (g_settings_get_boolean (settings, "ask-before-running"));
  g_settings_reset (settings, "ask-before-running");

  g_assert_false (g_settings_get_boolean (settings, "telemetry-enabled"));

  row = find_row (prefs, "Each Month");
  g_assert_nonnull (row);
  spin_button = adw_action_row_get_activatable_widget (ADW_ACTION_ROW (row));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin_button), 25.0);
  g_assert_true (wf_store_get_budget_limits (fixture->store, &limits, NULL));
  g_assert_cmpint (limits.monthly_micros, ==, 25000000);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin_button), 0.0);
  g_assert_true (wf_store_get_budget_limits (fixture->store, &limits, NULL));
  g_assert_cmpint (limits.monthly_micros, <, 0);

  row = find_row (prefs, "Time");
  g_assert_nonnull (row);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (adw_action_row_get_activatable_widget (ADW_ACTION_ROW (row))), 45);
  g_assert_cmpint (g_settings_get_int (settings, "limit-wall-seconds"), ==, 45);
  g_settings_reset (settings, "limit-wall-seconds");

  g_assert_nonnull (find_row (prefs, "OpenRouter"));

  /* Provider choices map to the schema's strings. */
  row = find_row (prefs, "Provider");
  g_assert_nonnull (row);
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), 2);
  g_assert_cmpstr (g_settings_get_string (settings, "provider"), ==, "openrouter");
  g_settings_set_string (settings, "provider", "local");
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (row)), ==, 4);
  g_settings_reset (settings, "provider");

  gtk_window_destroy (GTK_WINDOW (prefs));

  /* Models come from the store's catalogue, with prices when known. */
  {
    g_autoptr(GPtrArray) models = g_ptr_array_new_with_free_func ((GDestroyNotify) wf_model_info_free);
    WfModelInfo *info;
    g_autofree char *model = NULL;

    info = wf_model_info_new ("test/cheap-model", "openrouter");
    info->input_micros_per_mtok = 150000;
    info->output_micros_per_mtok = 600000;
    g_ptr_array_add (models, info);
    info = wf_model_info_new ("test/unpriced-model", "openrouter");
    info->input_micros_per_mtok = -1;
    info->output_micros_per_mtok = -1;
    g_ptr_array_add (models, info);
    g_assert_true (wf_store_upsert_models (fixture->store, models, NULL));

    prefs = wf_preferences_window_new (GTK_WINDOW (fixture->window), fixture->store);
    row = find_row (prefs, "Model");
    g_assert_nonnull (row);
    /* Two catalogue entries plus the current setting, which is not in it. */
    g_assert_cmpuint (g_list_model_get_n_items (adw_combo_row_get_model (ADW_COMBO_ROW (row))), ==, 3);
    adw_combo_row_set_selected (ADW_COMBO_ROW (row), 0);
    model = g_settings_get_string (settings, "model");
    g_assert_true (g_str_has_prefix (model, "test/"));
    g_settings_reset (settings, "model");
    gtk_window_destroy (GTK_WINDOW (prefs));
  }
}

static void
test_inspector_toggle (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  gboolean before = wf_window_get_inspector_visible (fixture->window);

  g_test_summary ("F9 toggles the inspector and remembers it");

  g_assert_nonnull (wf_window_get_inspector_slot (fixture->window));
  g_assert_nonnull (wf_window_get_budget_slot (fixture->window));
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.toggle-inspector", NULL);
  g_assert_cmpint (wf_window_get_inspector_visible (fixture->window), !=, before);
  g_assert_cmpint (g_settings_get_boolean (settings, "inspector-visible"), !=, before);
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.toggle-inspector", NULL);
  g_assert_cmpint (wf_window_get_inspector_visible (fixture->window), ==, before);
}

static void
test_narrow (Fixture       *fixture,
             gconstpointer  data)
{
  WfWindow *narrow;
  AdwLeaflet *leaflet;

  g_test_summary ("On a narrow window the sidebar and chat fold into one page");

  narrow = g_object_new (WF_TYPE_WINDOW, NULL);
  gtk_window_set_default_size (GTK_WINDOW (narrow), 400, 720);
  wf_window_set_store (narrow, fixture->store);
  gtk_window_present (GTK_WINDOW (narrow));
  WF_UI_TEST_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (narrow)));
  wf_ui_test_spin (300);

  leaflet = ADW_LEAFLET (gtk_widget_get_ancestor (wf_window_get_session_list (narrow), ADW_TYPE_LEAFLET));
  g_assert_true (adw_leaflet_get_folded (leaflet));
  wf_ui_test_screenshot (GTK_WIDGET (narrow), "window-narrow-history");

  wf_session_list_select_id (WF_SESSION_LIST (wf_window_get_session_list (narrow)), fixture->s_van);
  wf_ui_test_spin (400);
  g_assert_true (gtk_widget_is_ancestor (wf_window_get_chat_view (narrow),
                                         adw_leaflet_get_visible_child (leaflet)));
  wf_ui_test_screenshot (GTK_WIDGET (narrow), "window-narrow-chat");

  /* Back to the history, then the same session again: the chat comes back. */
  gtk_widget_activate_action (GTK_WIDGET (narrow), "win.back", NULL);
  wf_ui_test_spin (400);
  g_assert_true (gtk_widget_is_ancestor (wf_window_get_session_list (narrow),
                                         adw_leaflet_get_visible_child (leaflet)));
  {
    GtkWidget *list_view = wf_ui_test_find_by_class (wf_window_get_session_list (narrow), "navigation-sidebar");
    guint position = G_MAXUINT;
    WfSessionList *list = WF_SESSION_LIST (wf_window_get_session_list (narrow));

    for (guint i = 0; i < wf_session_list_get_n_sessions (list); i++)
      if (wf_session_list_get_session_id (list, i) == fixture->s_van)
        position = i;
    g_assert_cmpuint (position, !=, G_MAXUINT);
    g_signal_emit_by_name (list_view, "activate", position);
  }
  wf_ui_test_spin (400);
  g_assert_true (gtk_widget_is_ancestor (wf_window_get_chat_view (narrow),
                                         adw_leaflet_get_visible_child (leaflet)));

  gtk_window_destroy (GTK_WINDOW (narrow));
}

static void
record_run_id (gint64 *out,
               gint64  run_id)
{
  *out = run_id;
}

static void
test_card_signals (Fixture       *fixture,
                   gconstpointer  data)
{
  WfChatView *chat = chat_view (fixture);
  gint64 shown = 0, exported = 0, again = 0;
  gint64 last;

  g_test_summary ("Card buttons and Ctrl+E report the run they belong to");

  g_signal_connect_swapped (chat, "show-code", G_CALLBACK (record_run_id), &shown);
  g_signal_connect_swapped (chat, "export-csv", G_CALLBACK (record_run_id), &exported);
  g_signal_connect_swapped (chat, "run-again", G_CALLBACK (record_run_id), &again);

  /* Nothing to export on the welcome page */
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (chat), "chat.export", NULL) && exported != 0);
  g_assert_cmpint (exported, ==, 0);

  wf_session_list_select_id (session_list (fixture), fixture->s_van);
  last = wf_chat_view_get_last_run (chat);
  g_assert_cmpint (last, >, 0);

  g_signal_emit_by_name (find_button_with_label (GTK_WIDGET (chat), "Show _Code"), "clicked");
  g_assert_cmpint (shown, ==, last);
  /* The window answers Show Code with the run's code in the inspector. */
  {
    GtkWidget *slot = wf_window_get_inspector_slot (fixture->window);
    GtkWidget *inspector = gtk_widget_get_first_child (slot);
    g_autoptr(WfRun) run = wf_store_load_run (fixture->store, last, NULL);
    g_autofree char *code = NULL;

    g_assert_true (WF_IS_INSPECTOR (inspector));
    g_assert_cmpstr (wf_inspector_get_page (WF_INSPECTOR (inspector)), ==, "code");
    code = wf_inspector_dup_code (WF_INSPECTOR (inspector));
    g_assert_nonnull (run);
    g_assert_cmpstr (code, ==, run->code ? run->code : "");
  }
  g_signal_emit_by_name (find_button_with_label (GTK_WIDGET (chat), "_Run Again"), "clicked");
  g_assert_cmpint (again, ==, last);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (chat), "chat.export", NULL));
  g_assert_cmpint (exported, ==, last);
}

/* The real thing: the chat answers through the pipeline, the offline
 * templates and the real sandbox, and the answer lands in the store. */
static void
test_offline_answer (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(WfPipeline) pipeline = wf_pipeline_new (wf_store_get_path (fixture->store), NULL);
  g_autoptr(WfPipelineAsker) asker = wf_pipeline_asker_new (pipeline);
  WfChatView *chat = chat_view (fixture);
  g_autoptr(WfRun) run = NULL;
  double payment = 0;

  g_test_summary ("An offline question sent from the chat is answered by the real pipeline and sandbox");

  if (!g_file_test (WF_BWRAP_PATH, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("bubblewrap is not installed");
      return;
    }

  wf_window_set_asker (fixture->window, WF_ASKER (asker));
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.new-session", NULL);
  g_assert_true (wf_chat_view_send (chat, "Can I afford a $40k van loan at 7.5% over 5 years?"));

  /* A cold sandbox imports pandas first: allow for a slow machine. */
  WF_UI_TEST_WAIT_FOR_SECONDS (!wf_chat_view_get_busy (chat), 120);

  g_assert_cmpint (wf_chat_view_get_last_run (chat), >, 0);
  run = wf_store_load_run (fixture->store, wf_chat_view_get_last_run (chat), NULL);
  g_assert_nonnull (run);
  g_assert_cmpint (run->outcome, ==, WF_OUTCOME_ANSWERED);
  g_assert_nonnull (run->result);
  for (guint i = 0; i < run->result->metrics->len; i++)
    {
      WfMetric *m = g_ptr_array_index (run->result->metrics, i);
      if (g_str_equal (m->name, "Monthly payment"))
        payment = m->value;
    }
  /* PMT(7.5 %/12, 60, 40 000) */
  {
    double r = 0.075 / 12;
    double expected = 40000 * r / (1 - pow (1 + r, -60));
    g_assert_cmpfloat_with_epsilon (payment, expected, 0.005);
  }
  g_assert_cmpuint (run->result->tables->len, >, 0);
  g_assert_cmpuint (run->result->charts->len, >, 0);

  /* The answer is read from its top: the question and the key numbers are in
   * view, not the end of the 60-row table below them. */
  wf_ui_test_spin (300);
  {
    GtkWidget *question = wf_ui_test_find_by_class (GTK_WIDGET (chat), "user-bubble");
    GtkWidget *scroller = question ? gtk_widget_get_ancestor (question, GTK_TYPE_SCROLLED_WINDOW) : NULL;
    GtkAdjustment *adj;
    graphene_rect_t bounds;

    g_assert_nonnull (scroller);
    adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
    g_assert_true (gtk_widget_compute_bounds (question, scroller, &bounds));
    g_test_message ("question at y=%.0f of %d; scrolled %.0f of %.0f", bounds.origin.y,
                    gtk_widget_get_height (scroller), gtk_adjustment_get_value (adj),
                    gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj));
    /* The card is taller than the view, so the view did scroll to it. */
    g_assert_cmpfloat (gtk_adjustment_get_upper (adj), >, gtk_adjustment_get_page_size (adj));
    g_assert_cmpfloat (bounds.origin.y, >=, 0);
    g_assert_cmpfloat (bounds.origin.y, <, 60);
  }
  wf_ui_test_screenshot (GTK_WIDGET (fixture->window), "window-offline-answer");
  g_signal_emit_by_name (find_button_with_label (GTK_WIDGET (chat), "Show _Code"), "clicked");
  {
    GtkWidget *inspector = gtk_widget_get_first_child (wf_window_get_inspector_slot (fixture->window));

    g_assert_true (WF_IS_INSPECTOR (inspector));
    wf_inspector_set_page (WF_INSPECTOR (inspector), "chart");
    wf_ui_test_screenshot (GTK_WIDGET (fixture->window), "window-offline-chart");
    wf_inspector_set_page (WF_INSPECTOR (inspector), "results");
    wf_ui_test_screenshot (GTK_WIDGET (fixture->window), "window-offline-results");
  }
}

static void
test_paging (Fixture       *fixture,
             gconstpointer  data)
{
  WfSessionList *list = session_list (fixture);
  GtkWidget *scroller;

  g_test_summary ("A long history is read from the store a page at a time as the list scrolls");

  for (guint i = 0; i < 120; i++)
    {
      g_autofree char *q = g_strdup_printf ("Question number %u", i);
      seed_run (fixture->store, 0, q, "An answer.", WF_OUTCOME_REFUSED);
    }
  wf_session_list_reload (list);
  g_assert_cmpuint (wf_session_list_get_n_sessions (list), ==, 50);

  scroller = gtk_widget_get_ancestor (GTK_WIDGET (wf_ui_test_find_by_class (GTK_WIDGET (list), "navigation-sidebar")),
                                      GTK_TYPE_SCROLLED_WINDOW);
  g_assert_nonnull (scroller);
  g_signal_emit_by_name (scroller, "edge-reached", GTK_POS_BOTTOM);
  g_assert_cmpuint (wf_session_list_get_n_sessions (list), ==, 100);
  g_signal_emit_by_name (scroller, "edge-reached", GTK_POS_BOTTOM);
  g_assert_cmpuint (wf_session_list_get_n_sessions (list), ==, 123);
  g_signal_emit_by_name (scroller, "edge-reached", GTK_POS_BOTTOM);
  g_assert_cmpuint (wf_session_list_get_n_sessions (list), ==, 123);
  g_assert_cmpint (wf_session_list_get_session_id (list, 122), ==, fixture->s_van);
}

static void
test_delete_on_close (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(WfSessionInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  g_test_summary ("Closing the window while the undo toast is up completes the deletion");

  g_assert_nonnull (wf_session_list_delete (session_list (fixture), fixture->s_clarify));
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_clear_object (&fixture->window);
  wf_ui_test_spin (50);

  info = wf_store_get_session (fixture->store, fixture->s_clarify, &error);
  g_assert_error (error, WF_STORE_ERROR, WF_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  info = wf_store_get_session (fixture->store, fixture->s_van, &error);
  g_assert_no_error (error);
}

int
main (int    argc,
      char **argv)
{
  /* No G_TEST_OPTION_ISOLATE_DIRS: GTK needs the system schemas in XDG_DATA_DIRS;
   * the database goes to a fresh temporary directory through WHATIF_DB. */
  g_test_init (&argc, &argv, NULL);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);

  if (!gtk_init_check ())
    {
      g_test_skip ("No display: run under build-aux/dev test (Xvfb)");
      return g_test_run ();
    }
  adw_init ();

  wf_ui_test_load_app_style ();

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/ui/window/sessions-listed", test_sessions_listed);
  ADD ("/ui/window/select-shows-runs", test_select_shows_runs);
  ADD ("/ui/window/search-filters", test_search_filters);
  ADD ("/ui/window/delete-undo", test_delete_undo);
  ADD ("/ui/window/rename", test_rename);
  ADD ("/ui/window/ask-and-cancel", test_ask_and_cancel);
  ADD ("/ui/window/offline-answer", test_offline_answer);
  ADD ("/ui/window/preferences", test_preferences);
  ADD ("/ui/window/inspector-toggle", test_inspector_toggle);
  ADD ("/ui/window/narrow", test_narrow);
  ADD ("/ui/window/card-signals", test_card_signals);
  ADD ("/ui/window/paging", test_paging);
  ADD ("/ui/window/delete-on-close", test_delete_on_close);
#undef ADD

  return g_test_run ();
}
