/* wf-chat-view.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The conversation is rebuilt from the stored runs: a bubble for each question
 * and a card for each answer. Questions go to a WfAsker; the card of a running
 * question shows its stage and the code as it streams, and can be cancelled.
 * The chart, the results table and locale formatting come from sibling widgets
 * (wf-chart, wf-results-view, wf-format); each card keeps a "results_slot" box
 * for them.
 */
#define G_LOG_DOMAIN "wf-chat-view"

#include "config.h"

#include <json-glib/json-glib.h>
#include <glib/gi18n.h>

#include "wf-chat-view.h"
#include "wf-welcome-page.h"
#include "wf-assumptions.h"
#include "wf-chart.h"
#include "wf-currency.h"
#include "wf-format.h"
#include "wf-results-view.h"

/* Shown at once when a session opens; older runs stay in the store. */
#define RUNS_SHOWN        50
#define MAX_CODE_SHOWN    (64 * 1024)
#define MAX_OPTIONS       8

struct _WfChatView
{
  GtkWidget          parent_instance;

  GtkStack          *stack;
  WfWelcomePage     *welcome;
  GtkScrolledWindow *scroller;
  GtkBox            *cards;
  GtkTextView       *text_view;
  GtkButton         *send_button;
  GtkButton         *cancel_button;

  WfStore           *store;
  WfAsker           *asker;
  gint64             session_id;
  GCancellable      *cancellable;

  /* The card of the question in progress */
  GtkWidget         *pending_card;
  GtkLabel          *pending_stage;
  GtkLabel          *pending_code;
  GString           *pending_code_text;

  guint              n_cards;
  gint64             last_run_id;
  guint              scroll_tick_id;  /* bringing the newest turn into view */
  guint              scroll_ticks;
};

enum {
  RUN_SELECTED,
  SHOW_CODE,
  EXPORT_CSV,
  RUN_AGAIN,
  RUN_FINISHED,
  ASSUMPTIONS_CHANGED,
  SWEEP_REQUESTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (WfChatView, wf_chat_view, GTK_TYPE_WIDGET)

static void
update_actions (WfChatView *self)
{
  gboolean busy = self->cancellable != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.send", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.cancel", busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.export", self->last_run_id != 0);
  gtk_widget_set_visible (GTK_WIDGET (self->send_button), !busy);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), busy);
}

static gboolean
scroll_to_end_idle (gpointer user_data)
{
  WfChatView *self = user_data;
  GtkAdjustment *adj;

  /* The view may have been disposed before the idle ran. */
  if (self->scroller != NULL)
    {
      adj = gtk_scrolled_window_get_vadjustment (self->scroller);
      gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj));
    }

  return G_SOURCE_REMOVE;
}

static void
queue_scroll_to_end (WfChatView *self)
{
  g_idle_add_full (G_PRIORITY_LOW, scroll_to_end_idle, g_object_ref (self), g_object_unref);
}

/* The top of the newest turn: the question above the last card, or the card. */
static GtkWidget *
last_turn_top (WfChatView *self)
{
  GtkWidget *card = gtk_widget_get_last_child (GTK_WIDGET (self->cards));
  GtkWidget *question = card ? gtk_widget_get_prev_sibling (card) : NULL;

  if (question != NULL && gtk_widget_has_css_class (question, "user-bubble"))
    return question;
  return card;
}

static gboolean
scroll_to_last_turn_tick (GtkWidget     *widget,
                          GdkFrameClock *clock,
                          gpointer       user_data)
{
  WfChatView *self = WF_CHAT_VIEW (widget);
  GtkWidget *top;
  GtkAdjustment *adj;
  graphene_rect_t bounds;
  double value;

  (void) clock;
  (void) user_data;
  if (self->scroller == NULL || self->cards == NULL)
    return G_SOURCE_REMOVE;
  top = last_turn_top (self);
  /* Wait for the frame that lays the new card out. */
  if (top != NULL && gtk_widget_get_height (top) == 0 && ++self->scroll_ticks < 10)
    return G_SOURCE_CONTINUE;
  self->scroll_tick_id = 0;
  adj = gtk_scrolled_window_get_vadjustment (self->scroller);
  if (top == NULL || !gtk_widget_compute_bounds (top, GTK_WIDGET (self->cards), &bounds))
    {
      gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj));
      return G_SOURCE_REMOVE;
    }
  value = MIN (bounds.origin.y - 12, gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj));
  gtk_adjustment_set_value (adj, MAX (value, 0));
  return G_SOURCE_REMOVE;
}

/* A new answer is read from its top, as in a conversation: the question and
 * the key numbers come into view, not the end of a long table. A short
 * answer simply ends up at the bottom. */
static void
queue_scroll_to_last_turn (WfChatView *self)
{
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      queue_scroll_to_end (self);
      return;
    }
  self->scroll_ticks = 0;
  if (self->scroll_tick_id == 0)
    self->scroll_tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), scroll_to_last_turn_tick, NULL, NULL);
}

static GtkWidget *
wrapped_label (const char *text,
               const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0f);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);

  return label;
}

static void
add_user_bubble (WfChatView *self,
                 const char *question)
{
  GtkWidget *bubble = wrapped_label (question, NULL);

  gtk_widget_set_halign (bubble, GTK_ALIGN_END);
  gtk_widget_add_css_class (bubble, "user-bubble");
  gtk_label_set_max_width_chars (GTK_LABEL (bubble), 60);
  gtk_box_append (self->cards, bubble);
}

static const char *
outcome_fallback_message (WfOutcome outcome)
{
  switch (outcome)
    {
    case WF_OUTCOME_ANSWERED:
      return NULL;
    case WF_OUTCOME_NEEDS_CLARIFICATION:
      return _("I need a little more detail to answer this.");
    case WF_OUTCOME_REFUSED:
      return _("This is not a question What If can model.");
    case WF_OUTCOME_BLOCKED:
      return _("The generated program tried something that is not allowed, so it was not run.");
    case WF_OUTCOME_OVER_BUDGET:
      return _("This would go over your spending limit, so it was not sent.");
    case WF_OUTCOME_PROVIDER_ERROR:
      return _("The model service could not answer.");
    case WF_OUTCOME_SANDBOX_ERROR:
      return _("The program could not be run safely on this computer.");
    case WF_OUTCOME_TIMEOUT:
      return _("The program took too long and was stopped.");
    case WF_OUTCOME_CANCELLED:
      return _("Cancelled.");
    case WF_OUTCOME_NEEDS_PROVIDER:
      return _("Set up a model provider in Preferences to answer questions like this.");
    case WF_OUTCOME_FAILED:
      return _("The program ran but did not produce an answer.");
    default:
      return _("Something went wrong.");
    }
}

static const char *
outcome_icon (WfOutcome outcome)
{
  switch (outcome)
    {
    case WF_OUTCOME_NEEDS_CLARIFICATION:
      /* dialog-question draws a "?" in a diamond that reads as a broken
       * character; the FAQ icon is a plain question mark in a circle. */
      return "help-faq-symbolic";
    case WF_OUTCOME_REFUSED:
    case WF_OUTCOME_BLOCKED:
    case WF_OUTCOME_OVER_BUDGET:
      return "action-unavailable-symbolic";
    case WF_OUTCOME_CANCELLED:
      return "process-stop-symbolic";
    case WF_OUTCOME_ANSWERED:
    case WF_OUTCOME_PROVIDER_ERROR:
    case WF_OUTCOME_SANDBOX_ERROR:
    case WF_OUTCOME_TIMEOUT:
    case WF_OUTCOME_NEEDS_PROVIDER:
    case WF_OUTCOME_FAILED:
    default:
      return "dialog-warning-symbolic";
    }
}

static void
option_clicked_cb (GtkButton  *button,
                   WfChatView *self)
{
  wf_chat_view_send (self, g_object_get_data (G_OBJECT (button), "wf-option"));
}

static void
add_clarification (WfChatView *self,
                   GtkBox     *card,
                   const char *message,
                   const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;
  JsonArray *options;
  GtkWidget *flow;

  if (json == NULL || !json_parser_load_from_data (parser, json, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return;
  object = json_node_get_object (json_parser_get_root (parser));

  if (json_object_has_member (object, "question") &&
      JSON_NODE_HOLDS_VALUE (json_object_get_member (object, "question")) &&
      json_node_get_value_type (json_object_get_member (object, "question")) == G_TYPE_STRING &&
      /* Shown once: the outcome line above often is this very question. */
      g_strcmp0 (json_object_get_string_member (object, "question"), message) != 0)
    gtk_box_append (card, wrapped_label (json_object_get_string_member (object, "question"), NULL));

  if (!json_object_has_member (object, "options") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "options")))
    return;
  options = json_object_get_array_member (object, "options");

  flow = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (flow), GTK_SELECTION_NONE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (flow), 3);
  gtk_widget_add_css_class (flow, "clarification-options");
  for (guint i = 0; i < json_array_get_length (options) && i < MAX_OPTIONS; i++)
    {
      JsonNode *node = json_array_get_element (options, i);
      GtkWidget *button;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        continue;
      button = gtk_button_new_with_label (json_node_get_string (node));
      gtk_widget_add_css_class (button, "pill");
      g_object_set_data_full (G_OBJECT (button), "wf-option",
                              g_strdup (json_node_get_string (node)), g_free);
      g_signal_connect_object (button, "clicked", G_CALLBACK (option_clicked_cb), self, 0);
      gtk_flow_box_append (GTK_FLOW_BOX (flow), button);
    }
  gtk_box_append (card, flow);
}

static void
card_button_cb (GtkButton  *button,
                WfChatView *self)
{
  guint signal_id = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "wf-signal"));
  gint64 run_id = *(gint64 *) g_object_get_data (G_OBJECT (button), "wf-run-id");

  g_signal_emit (self, signals[signal_id], 0, run_id);
}

static void
card_pressed_cb (GtkGestureClick *gesture,
                 int              n_press,
                 double           x,
                 double           y,
                 WfChatView      *self)
{
  GtkWidget *card = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  gint64 *run_id = g_object_get_data (G_OBJECT (card), "wf-run-id");

  if (run_id != NULL)
    g_signal_emit (self, signals[RUN_SELECTED], 0, *run_id);
}

static GtkWidget *
card_button (WfChatView *self,
             const char *label,
             guint       signal_id,
             gint64      run_id)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);
  gint64 *id = g_new (gint64, 1);

  *id = run_id;
  gtk_widget_add_css_class (button, "flat");
  g_object_set_data (G_OBJECT (button), "wf-signal", GUINT_TO_POINTER (signal_id));
  g_object_set_data_full (G_OBJECT (button), "wf-run-id", id, g_free);
  g_signal_connect_object (button, "clicked", G_CALLBACK (card_button_cb), self, 0);

  return button;
}

/* The metric in the user's locale and currency. */
static char *
format_metric (const WfMetric *metric)
{
  if (isnan (metric->value))
    return g_strdup (_("not a number"));
  return wf_format_value_with_unit (metric->value, metric->unit);
}

static char *
format_cost (const WfRun *run)
{
  g_autofree char *amount = wf_format_cost_micros (run->total_micros);

  if (run->total_micros == 0)
    return g_strdup (_("No cost"));
  if (run->cost_estimated)
    /* Translators: %s is an amount of money, such as $0.0012 */
    return g_strdup_printf (_("Cost %s (estimated)"), amount);
  /* Translators: %s is an amount of money, such as $0.0012 */
  return g_strdup_printf (_("Cost %s"), amount);
}

static void
fill_metrics (GtkFlowBox  *flow,
              const WfRun *run)
{
  GtkFlowBoxChild *child;

  while ((child = gtk_flow_box_get_child_at_index (flow, 0)) != NULL)
    gtk_flow_box_remove (flow, GTK_WIDGET (child));

  for (guint i = 0; run->result != NULL && run->result->metrics != NULL && i < run->result->metrics->len; i++)
    {
      const WfMetric *metric = g_ptr_array_index (run->result->metrics, i);
      g_autofree char *value = format_metric (metric);
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
      GtkWidget *v = gtk_label_new (value);
      GtkWidget *n = gtk_label_new (metric->name);

      gtk_widget_add_css_class (v, "title-2");
      gtk_widget_add_css_class (v, "metric-value");
      gtk_widget_add_css_class (n, "caption");
      gtk_widget_add_css_class (n, "dim-label");
      gtk_label_set_wrap (GTK_LABEL (n), TRUE);
      gtk_label_set_selectable (GTK_LABEL (v), TRUE);
      gtk_box_append (GTK_BOX (box), v);
      gtk_box_append (GTK_BOX (box), n);
      gtk_flow_box_append (flow, box);
    }
  gtk_widget_set_visible (GTK_WIDGET (flow), run->result != NULL && run->result->metrics != NULL &&
                                             run->result->metrics->len > 0);
}

/* The first table (compact, scrolled) and the first chart of the run. */
static void
fill_results (GtkBox      *slot,
              const WfRun *run)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (slot))) != NULL)
    gtk_box_remove (slot, child);
  if (run->result == NULL)
    return;

  if (run->result->tables != NULL && run->result->tables->len > 0)
    {
      GtkWidget *view = wf_results_view_new ();

      wf_results_view_set_table (WF_RESULTS_VIEW (view), g_ptr_array_index (run->result->tables, 0));
      gtk_widget_set_size_request (view, -1, 180);
      gtk_widget_add_css_class (view, "card-table");
      gtk_box_append (slot, view);
    }
  if (run->result->charts != NULL && run->result->charts->len > 0)
    {
      GtkWidget *chart = wf_chart_widget_new ();

      wf_chart_widget_set_chart (WF_CHART_WIDGET (chart), g_ptr_array_index (run->result->charts, 0));
      gtk_widget_set_size_request (chart, -1, 220);
      gtk_box_append (slot, chart);
    }
}

/* The controls carry their card's run id: a collapsed GtkExpander unparents
 * its child, so the card cannot be found by walking up. */
static void
assumptions_changed_cb (WfAssumptions *assumptions,
                        GHashTable    *values,
                        WfChatView    *self)
{
  gint64 *run_id = g_object_get_data (G_OBJECT (assumptions), "wf-run-id");

  if (run_id != NULL)
    g_signal_emit (self, signals[ASSUMPTIONS_CHANGED], 0, *run_id, values);
}

static void
sweep_requested_cb (WfAssumptions *assumptions,
                    WfChatView    *self)
{
  gint64 *run_id = g_object_get_data (G_OBJECT (assumptions), "wf-run-id");

  if (run_id != NULL)
    g_signal_emit (self, signals[SWEEP_REQUESTED], 0, *run_id);
}

static GtkWidget *
build_answer_card (WfChatView  *self,
                   const WfRun *run)
{
  GtkWidget *card, *footer, *cost, *results_slot;
  GtkGesture *click;
  gint64 *id;

  card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  gtk_widget_add_css_class (card, "card");
  gtk_widget_add_css_class (card, "answer-card");
  id = g_new (gint64, 1);
  *id = run->id;
  g_object_set_data_full (G_OBJECT (card), "wf-run-id", id, g_free);

  if (run->outcome == WF_OUTCOME_ANSWERED)
    {
      const char *text = run->answer && *run->answer ? run->answer : run->explanation;

      if (text != NULL)
        gtk_box_append (GTK_BOX (card), wrapped_label (text, "answer-text"));

      {
        GtkWidget *flow = gtk_flow_box_new ();

        gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (flow), GTK_SELECTION_NONE);
        gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (flow), 4);
        gtk_widget_add_css_class (flow, "metrics");
        g_object_set_data (G_OBJECT (card), "wf-metrics", flow);
        gtk_box_append (GTK_BOX (card), flow);
      }

      if (run->explanation != NULL && run->answer != NULL && *run->answer != '\0')
        {
          GtkWidget *expander = gtk_expander_new_with_mnemonic (_("How this was _worked out"));

          gtk_expander_set_child (GTK_EXPANDER (expander), wrapped_label (run->explanation, NULL));
          gtk_box_append (GTK_BOX (card), expander);
        }

      if (run->result != NULL && run->result->params != NULL && run->result->params->len > 0 &&
          run->code != NULL)
        {
          GtkWidget *expander = gtk_expander_new_with_mnemonic (_("_Assumptions"));
          GtkWidget *assumptions = wf_assumptions_new ();

          wf_assumptions_set_currency (WF_ASSUMPTIONS (assumptions), wf_currency_of_metrics (run->result->metrics));
          wf_assumptions_set_params (WF_ASSUMPTIONS (assumptions), run->result->params);
          g_object_set_data_full (G_OBJECT (assumptions), "wf-run-id",
                                  g_memdup2 (&run->id, sizeof run->id), g_free);
          g_object_set_data (G_OBJECT (assumptions), "wf-expander", expander);
          g_signal_connect_object (assumptions, "changed", G_CALLBACK (assumptions_changed_cb), self, 0);
          g_signal_connect_object (assumptions, "sweep-requested", G_CALLBACK (sweep_requested_cb), self, 0);
          gtk_expander_set_child (GTK_EXPANDER (expander), assumptions);
          gtk_widget_add_css_class (expander, "assumptions-expander");
          g_object_set_data (G_OBJECT (card), "wf-assumptions", assumptions);
          gtk_box_append (GTK_BOX (card), expander);
        }
    }
  else
    {
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
      const char *message = run->message && *run->message
                            ? run->message : outcome_fallback_message (run->outcome);

      gtk_box_append (GTK_BOX (row), gtk_image_new_from_icon_name (outcome_icon (run->outcome)));
      gtk_box_append (GTK_BOX (row), wrapped_label (message, NULL));
      gtk_widget_add_css_class (row, "outcome-message");
      gtk_box_append (GTK_BOX (card), row);

      if (run->outcome == WF_OUTCOME_NEEDS_CLARIFICATION)
        add_clarification (self, GTK_BOX (card), message, run->clarification_json);
    }

  results_slot = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_name (results_slot, "results_slot");
  gtk_box_append (GTK_BOX (card), results_slot);
  g_object_set_data (G_OBJECT (card), "wf-results", results_slot);
  if (run->outcome == WF_OUTCOME_ANSWERED)
    {
      fill_metrics (g_object_get_data (G_OBJECT (card), "wf-metrics"), run);
      fill_results (GTK_BOX (results_slot), run);
    }

  /* Cost on its own line so the buttons still fit a phone-width window. */
  {
    g_autofree char *cost_text = format_cost (run);

    cost = gtk_label_new (cost_text);
    gtk_widget_add_css_class (cost, "dim-label");
    gtk_widget_add_css_class (cost, "caption");
    gtk_label_set_xalign (GTK_LABEL (cost), 0.0f);
    gtk_label_set_wrap (GTK_LABEL (cost), TRUE);
    if (run->model != NULL)
      gtk_widget_set_tooltip_text (cost, run->model);
    gtk_box_append (GTK_BOX (card), cost);
  }

  footer = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_halign (footer, GTK_ALIGN_END);
  gtk_widget_add_css_class (footer, "card-footer");
  if (run->code != NULL && *run->code != '\0')
    gtk_box_append (GTK_BOX (footer), card_button (self, _("Show _Code"), SHOW_CODE, run->id));
  if (run->result != NULL && run->result->tables != NULL && run->result->tables->len > 0)
    gtk_box_append (GTK_BOX (footer), card_button (self, _("_Export CSV"), EXPORT_CSV, run->id));
  if (run->question != NULL && run->mode == WF_MODE_ASK)
    gtk_box_append (GTK_BOX (footer), card_button (self, _("_Run Again"), RUN_AGAIN, run->id));
  gtk_box_append (GTK_BOX (card), footer);

  click = gtk_gesture_click_new ();
  g_signal_connect_object (click, "pressed", G_CALLBACK (card_pressed_cb), self, 0);
  gtk_widget_add_controller (card, GTK_EVENT_CONTROLLER (click));

  return card;
}

static void
clear_cards (WfChatView *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->cards))))
    gtk_box_remove (self->cards, child);
  self->n_cards = 0;
  self->last_run_id = 0;
  self->pending_card = NULL;
  self->pending_stage = NULL;
  self->pending_code = NULL;
}

static void
append_run (WfChatView  *self,
            const WfRun *run)
{
  if (run->question != NULL)
    add_user_bubble (self, run->question);
  gtk_box_append (self->cards, build_answer_card (self, run));
  self->n_cards++;
  self->last_run_id = run->id;
}

/* The latest answered re-run of a card's run: its numbers and assumption
 * values replace the original ones on the card. */
static void
restore_rerun (WfChatView  *self,
               const WfRun *run)
{
  g_autoptr(GHashTable) values = NULL;
  GtkWidget *assumptions;

  if (run->outcome != WF_OUTCOME_ANSWERED || run->result == NULL || run->result->params == NULL)
    return;
  if (!wf_chat_view_update_results (self, run->parent_run_id, run))
    return;
  values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; i < run->result->params->len; i++)
    {
      const WfParam *param = g_ptr_array_index (run->result->params, i);

      if (param->label != NULL)
        g_hash_table_replace (values, g_strdup (param->label), g_memdup2 (&param->value, sizeof (double)));
    }
  assumptions = wf_chat_view_get_card_assumptions (self, run->parent_run_id);
  if (assumptions != NULL)
    wf_assumptions_set_values (WF_ASSUMPTIONS (assumptions), values);
}

static void
load_session (WfChatView *self)
{
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GHashTable) newest_reruns = NULL;
  g_autoptr(GError) error = NULL;

  clear_cards (self);

  if (self->session_id == 0 || self->store == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "welcome");
      update_actions (self);
      return;
    }

  gtk_stack_set_visible_child_name (self->stack, "conversation");

  runs = wf_store_list_runs (self->store, self->session_id, 0, RUNS_SHOWN, &error);
  if (runs == NULL)
    {
      gtk_box_append (self->cards, wrapped_label (error->message, "error"));
      update_actions (self);
      return;
    }

  /* The newest answered re-run of each card, applied once after the loop:
   * dragging a slider leaves dozens of re-runs behind. */
  newest_reruns = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, (GDestroyNotify) wf_run_free);

  /* Listed newest first; a conversation reads oldest first. */
  for (guint i = runs->len; i > 0; i--)
    {
      const WfRunSummary *summary = g_ptr_array_index (runs, i - 1);
      g_autoptr(WfRun) run = NULL;
      g_autoptr(GError) load_error = NULL;

      run = wf_store_load_run (self->store, summary->id, &load_error);
      if (run == NULL)
        {
          g_warning ("Cannot load run %" G_GINT64_FORMAT ": %s", summary->id, load_error->message);
          continue;
        }
      /* A re-run with changed assumptions belongs to its parent's card: live
       * while the user drags, kept in the history, not a new turn. Coming
       * back, the card shows the last values the owner chose, as they left it. */
      if (run->parent_run_id > 0)
        {
          if (run->outcome == WF_OUTCOME_ANSWERED && run->result != NULL)
            {
              WfRun *rerun = g_steal_pointer (&run);

              g_hash_table_replace (newest_reruns, &rerun->parent_run_id, rerun);
            }
          continue;
        }
      append_run (self, run);
    }
  {
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init (&iter, newest_reruns);
    while (g_hash_table_iter_next (&iter, NULL, &value))
      restore_rerun (self, value);
  }

  update_actions (self);
  queue_scroll_to_last_turn (self);
}

/* Asking */

static const char *
stage_label (const char *stage)
{
  if (g_strcmp0 (stage, "classifying") == 0)
    return _("Reading the question…");
  if (g_strcmp0 (stage, "writing") == 0)
    return _("Writing the model…");
  if (g_strcmp0 (stage, "checking") == 0)
    return _("Checking the code…");
  if (g_strcmp0 (stage, "running") == 0)
    return _("Running the model…");
  return _("Working…");
}

static void
asker_stage_cb (WfAsker    *asker,
                const char *stage,
                WfChatView *self)
{
  if (self->pending_stage != NULL)
    gtk_label_set_text (self->pending_stage, stage_label (stage));
}

static void
asker_code_delta_cb (WfAsker    *asker,
                     const char *delta,
                     WfChatView *self)
{
  if (self->pending_code == NULL || delta == NULL)
    return;
  if (self->pending_code_text->len + strlen (delta) > MAX_CODE_SHOWN)
    return;
  g_string_append (self->pending_code_text, delta);
  gtk_label_set_text (self->pending_code, self->pending_code_text->str);
  gtk_widget_set_visible (GTK_WIDGET (self->pending_code), TRUE);
}

static void
add_pending_card (WfChatView *self)
{
  GtkWidget *card, *row, *spinner, *stage, *code, *cancel;

  card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  gtk_widget_add_css_class (card, "card");
  gtk_widget_add_css_class (card, "answer-card");
  gtk_widget_add_css_class (card, "pending");

  row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  spinner = gtk_spinner_new ();
  gtk_spinner_start (GTK_SPINNER (spinner));
  stage = gtk_label_new (stage_label (NULL));
  gtk_widget_set_hexpand (stage, TRUE);
  gtk_label_set_xalign (GTK_LABEL (stage), 0.0f);
  cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (cancel), "chat.cancel");
  gtk_box_append (GTK_BOX (row), spinner);
  gtk_box_append (GTK_BOX (row), stage);
  gtk_box_append (GTK_BOX (row), cancel);
  gtk_box_append (GTK_BOX (card), row);

  code = wrapped_label (NULL, "monospace");
  gtk_widget_add_css_class (code, "streamed-code");
  gtk_widget_set_visible (code, FALSE);
  gtk_box_append (GTK_BOX (card), code);

  gtk_box_append (self->cards, card);
  self->pending_card = card;
  self->pending_stage = GTK_LABEL (stage);
  self->pending_code = GTK_LABEL (code);
  g_string_truncate (self->pending_code_text, 0);
  self->n_cards++;
}

static void
remove_pending_card (WfChatView *self)
{
  if (self->pending_card != NULL)
    {
      gtk_box_remove (self->cards, self->pending_card);
      self->n_cards--;
    }
  self->pending_card = NULL;
  self->pending_stage = NULL;
  self->pending_code = NULL;
}

static void
ask_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(WfChatView) self = user_data;
  g_autoptr(WfRun) run = NULL;
  g_autoptr(GError) error = NULL;
  gboolean was_current;

  run = wf_asker_ask_finish (WF_ASKER (object), result, &error);

  /* Finished after the window went away: the run is stored, nothing to show. */
  if (self->cards == NULL)
    return;

  /* The view may have moved to another session meanwhile: then the answer is
   * only stored, and the session list still learns about it. */
  was_current = self->cancellable != NULL && g_object_get_data (G_OBJECT (self->cancellable), "wf-session") == GSIZE_TO_POINTER ((gsize) self->session_id);
  g_clear_object (&self->cancellable);

  if (was_current)
    remove_pending_card (self);

  if (run == NULL)
    {
      if (was_current)
        {
          const char *text = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                             ? _("Cancelled.") : error->message;
          GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);

          gtk_widget_add_css_class (card, "card");
          gtk_widget_add_css_class (card, "answer-card");
          gtk_box_append (GTK_BOX (card), wrapped_label (text, NULL));
          gtk_box_append (self->cards, card);
        }
      update_actions (self);
      return;
    }

  if (was_current)
    {
      if (self->session_id == 0)
        self->session_id = run->session_id;
      gtk_box_append (self->cards, build_answer_card (self, run));
      self->n_cards++;
      self->last_run_id = run->id;
      queue_scroll_to_last_turn (self);
    }

  update_actions (self);
  g_signal_emit (self, signals[RUN_FINISHED], 0, run->id, run->session_id);
}

gboolean
wf_chat_view_send (WfChatView *self,
                   const char *question)
{
  g_autofree char *text = NULL;
  GtkTextBuffer *buffer;

  g_return_val_if_fail (WF_IS_CHAT_VIEW (self), FALSE);

  if (self->cancellable != NULL)
    return FALSE;

  buffer = gtk_text_view_get_buffer (self->text_view);
  if (question == NULL)
    {
      GtkTextIter start, end;

      gtk_text_buffer_get_bounds (buffer, &start, &end);
      text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
    }
  else
    text = g_strdup (question);

  g_strstrip (text);
  if (*text == '\0' || !g_utf8_validate (text, -1, NULL))
    return FALSE;
  if (g_utf8_strlen (text, -1) > WF_CHAT_VIEW_MAX_QUESTION)
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->text_view),
                                   _("Questions are limited to 4000 characters"));
      return FALSE;
    }

  if (question == NULL)
    gtk_text_buffer_set_text (buffer, "", 0);

  gtk_stack_set_visible_child_name (self->stack, "conversation");
  add_user_bubble (self, text);

  if (self->asker == NULL)
    {
      GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);

      gtk_widget_add_css_class (card, "card");
      gtk_widget_add_css_class (card, "answer-card");
      gtk_box_append (GTK_BOX (card),
                      wrapped_label (_("Nothing is set up to answer questions in this build."), NULL));
      gtk_box_append (self->cards, card);
      return FALSE;
    }

  add_pending_card (self);
  self->cancellable = g_cancellable_new ();
  g_object_set_data (G_OBJECT (self->cancellable), "wf-session",
                     GSIZE_TO_POINTER ((gsize) self->session_id));
  update_actions (self);
  queue_scroll_to_end (self);

  wf_asker_ask_async (self->asker, text, self->session_id, self->cancellable,
                      ask_cb, g_object_ref (self));

  return TRUE;
}

void
wf_chat_view_cancel (WfChatView *self)
{
  g_return_if_fail (WF_IS_CHAT_VIEW (self));

  if (self->cancellable != NULL)
    {
      /* The asker may complete from inside cancel(), which drops our ref. */
      g_autoptr(GCancellable) cancellable = g_object_ref (self->cancellable);

      g_cancellable_cancel (cancellable);
      if (self->pending_stage != NULL)
        gtk_label_set_text (self->pending_stage, _("Cancelling…"));
    }
}

static void
send_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  wf_chat_view_send (WF_CHAT_VIEW (widget), NULL);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  wf_chat_view_cancel (WF_CHAT_VIEW (widget));
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  WfChatView *self = WF_CHAT_VIEW (widget);

  if (self->last_run_id != 0)
    g_signal_emit (self, signals[EXPORT_CSV], 0, self->last_run_id);
}

static void
welcome_ask_cb (WfChatView *self,
                const char *question)
{
  wf_chat_view_send (self, question);
}

static void
wf_chat_view_dispose (GObject *object)
{
  WfChatView *self = (WfChatView *)object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->scroll_tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->scroll_tick_id);
  self->scroll_tick_id = 0;

  gtk_widget_dispose_template (GTK_WIDGET (self), WF_TYPE_CHAT_VIEW);
  /* The template's root box has no id, so dispose_template leaves it. */
  {
    GtkWidget *child;

    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
      gtk_widget_unparent (child);
  }

  g_clear_object (&self->asker);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (wf_chat_view_parent_class)->dispose (object);
}

static void
wf_chat_view_finalize (GObject *object)
{
  WfChatView *self = (WfChatView *)object;

  g_string_free (self->pending_code_text, TRUE);

  G_OBJECT_CLASS (wf_chat_view_parent_class)->finalize (object);
}

static void
wf_chat_view_class_init (WfChatViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wf_chat_view_dispose;
  object_class->finalize = wf_chat_view_finalize;

  /**
   * WfChatView::run-selected:
   * @run_id: the run whose card was clicked
   *
   * Fires when an answer card is clicked; the inspector shows that run.
   */
  signals[RUN_SELECTED] =
    g_signal_new ("run-selected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  /**
   * WfChatView::show-code:
   * @run_id: the run
   *
   * Fires for the card's Show Code button.
   */
  signals[SHOW_CODE] =
    g_signal_new ("show-code", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  /**
   * WfChatView::export-csv:
   * @run_id: the run
   *
   * Fires for the card's Export CSV button and for Ctrl+E (the last run).
   */
  signals[EXPORT_CSV] =
    g_signal_new ("export-csv", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  /**
   * WfChatView::run-again:
   * @run_id: the run
   *
   * Fires for the card's Run Again button.
   */
  signals[RUN_AGAIN] =
    g_signal_new ("run-again", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  /**
   * WfChatView::run-finished:
   * @run_id: the stored run
   * @session_id: its session
   *
   * Fires when a question has been answered and stored, so the session list
   * can show a new or updated session.
   */
  signals[RUN_FINISHED] =
    g_signal_new ("run-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_INT64);

  /**
   * WfChatView::assumptions-changed:
   * @run_id: the run of the card whose assumptions changed
   * @values: (element-type utf8 gdouble*): every assumption as now set
   *
   * Fires (debounced) when the user changes an assumption in a card; the
   * window re-runs the model and calls wf_chat_view_update_results().
   */
  signals[ASSUMPTIONS_CHANGED] =
    g_signal_new ("assumptions-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_HASH_TABLE);
  /**
   * WfChatView::sweep-requested:
   * @run_id: the run
   *
   * Fires for the Sweep button of a card's assumptions.
   */
  signals[SWEEP_REQUESTED] =
    g_signal_new ("sweep-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_install_action (widget_class, "chat.send", NULL, send_action);
  gtk_widget_class_install_action (widget_class, "chat.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "chat.export", NULL, export_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "chat.send", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK, "chat.send", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "chat.cancel", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "chat.export", NULL);

  g_type_ensure (WF_TYPE_WELCOME_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/whatif/WhatIf/wf-chat-view.ui");
  gtk_widget_class_bind_template_child (widget_class, WfChatView, stack);
  gtk_widget_class_bind_template_child (widget_class, WfChatView, welcome);
  gtk_widget_class_bind_template_child (widget_class, WfChatView, scroller);
  gtk_widget_class_bind_template_child (widget_class, WfChatView, cards);
  gtk_widget_class_bind_template_child (widget_class, WfChatView, text_view);
  gtk_widget_class_bind_template_child (widget_class, WfChatView, send_button);
  gtk_widget_class_bind_template_child (widget_class, WfChatView, cancel_button);
  gtk_widget_class_bind_template_callback (widget_class, welcome_ask_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "wfchatview");
}

static void
wf_chat_view_init (WfChatView *self)
{
  self->pending_code_text = g_string_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  /* The text view would take Ctrl+Enter as a new line before the bubbling
   * class bindings see it, so catch the keys in the capture phase. */
  {
    GtkEventController *controller = gtk_shortcut_controller_new ();

    gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                          gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Return, GDK_CONTROL_MASK),
                                                            gtk_named_action_new ("chat.send")));
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                          gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_KP_Enter, GDK_CONTROL_MASK),
                                                            gtk_named_action_new ("chat.send")));
    gtk_widget_add_controller (GTK_WIDGET (self->text_view), controller);
  }

  update_actions (self);
}

GtkWidget *
wf_chat_view_new (void)
{
  return g_object_new (WF_TYPE_CHAT_VIEW, NULL);
}

void
wf_chat_view_set_store (WfChatView *self,
                        WfStore    *store)
{
  g_return_if_fail (WF_IS_CHAT_VIEW (self));
  g_return_if_fail (!store || WF_IS_STORE (store));

  if (g_set_object (&self->store, store))
    load_session (self);
}

void
wf_chat_view_set_asker (WfChatView *self,
                        WfAsker    *asker)
{
  g_return_if_fail (WF_IS_CHAT_VIEW (self));
  g_return_if_fail (!asker || WF_IS_ASKER (asker));

  if (self->asker != NULL)
    g_signal_handlers_disconnect_by_data (self->asker, self);
  if (!g_set_object (&self->asker, asker) || asker == NULL)
    return;

  g_signal_connect_object (asker, "stage", G_CALLBACK (asker_stage_cb), self, 0);
  g_signal_connect_object (asker, "code-delta", G_CALLBACK (asker_code_delta_cb), self, 0);
}

WfAsker *
wf_chat_view_get_asker (WfChatView *self)
{
  g_return_val_if_fail (WF_IS_CHAT_VIEW (self), NULL);

  return self->asker;
}

void
wf_chat_view_set_session (WfChatView *self,
                          gint64      session_id)
{
  g_return_if_fail (WF_IS_CHAT_VIEW (self));
  g_return_if_fail (session_id >= 0);

  /* A question in progress keeps running; its answer is stored and the
   * session list updated, but this view now shows the other session. */
  self->session_id = session_id;
  load_session (self);
}

gint64
wf_chat_view_get_session (WfChatView *self)
{
  g_return_val_if_fail (WF_IS_CHAT_VIEW (self), 0);

  return self->session_id;
}

gboolean
wf_chat_view_get_busy (WfChatView *self)
{
  g_return_val_if_fail (WF_IS_CHAT_VIEW (self), FALSE);

  return self->cancellable != NULL;
}

guint
wf_chat_view_get_n_cards (WfChatView *self)
{
  g_return_val_if_fail (WF_IS_CHAT_VIEW (self), 0);

  return self->n_cards;
}

gint64
wf_chat_view_get_last_run (WfChatView *self)
{
  g_return_val_if_fail (WF_IS_CHAT_VIEW (self), 0);

  return self->last_run_id;
}

void
wf_chat_view_focus_entry (WfChatView *self)
{
  g_return_if_fail (WF_IS_CHAT_VIEW (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
}

static GtkWidget *
find_card (WfChatView *self,
           gint64      run_id)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->cards));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      gint64 *id = g_object_get_data (G_OBJECT (child), "wf-run-id");

      if (id != NULL && *id == run_id)
        return child;
    }
  return NULL;
}

gboolean
wf_chat_view_update_results (WfChatView  *self,
                             gint64       card_run_id,
                             const WfRun *run)
{
  GtkWidget *card;
  GtkFlowBox *metrics;
  GtkBox *results;

  g_return_val_if_fail (WF_IS_CHAT_VIEW (self), FALSE);
  g_return_val_if_fail (run != NULL, FALSE);

  card = find_card (self, card_run_id);
  if (card == NULL)
    return FALSE;
  metrics = g_object_get_data (G_OBJECT (card), "wf-metrics");
  results = g_object_get_data (G_OBJECT (card), "wf-results");
  /* A failed re-run (a value the model rejects) keeps the last good numbers
   * and says why in the tooltip, instead of blanking the card. */
  if (run->outcome != WF_OUTCOME_ANSWERED || run->result == NULL)
    {
      const char *message = run->message ? run->message : outcome_fallback_message (run->outcome);

      if (metrics != NULL)
        {
          gtk_widget_add_css_class (GTK_WIDGET (metrics), "stale");
          gtk_widget_set_tooltip_text (GTK_WIDGET (metrics), message);
        }
      return TRUE;
    }
  if (metrics != NULL)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (metrics), "stale");
      gtk_widget_set_tooltip_text (GTK_WIDGET (metrics), NULL);
      fill_metrics (metrics, run);
    }
  if (results != NULL)
    fill_results (results, run);
  return TRUE;
}

GtkWidget *
wf_chat_view_get_card_assumptions (WfChatView *self,
                                   gint64      run_id)
{
  GtkWidget *card;

  g_return_val_if_fail (WF_IS_CHAT_VIEW (self), NULL);

  card = find_card (self, run_id);
  return card ? g_object_get_data (G_OBJECT (card), "wf-assumptions") : NULL;
}

char *
wf_chat_view_dup_card_metrics (WfChatView *self,
                               gint64      run_id)
{
  GtkWidget *card;
  GtkWidget *flow;
  GString *text;

  g_return_val_if_fail (WF_IS_CHAT_VIEW (self), NULL);

  card = find_card (self, run_id);
  if (card == NULL || (flow = g_object_get_data (G_OBJECT (card), "wf-metrics")) == NULL)
    return NULL;
  text = g_string_new (NULL);
  for (int i = 0; ; i++)
    {
      GtkFlowBoxChild *child = gtk_flow_box_get_child_at_index (GTK_FLOW_BOX (flow), i);
      GtkWidget *box, *value, *name;

      if (child == NULL)
        break;
      box = gtk_flow_box_child_get_child (child);
      value = gtk_widget_get_first_child (box);
      name = gtk_widget_get_next_sibling (value);
      g_string_append_printf (text, "%s: %s\n", gtk_label_get_text (GTK_LABEL (name)),
                              gtk_label_get_text (GTK_LABEL (value)));
    }
  return g_string_free (text, FALSE);
}

void
wf_chat_view_add_run (WfChatView  *self,
                      const WfRun *run)
{
  g_return_if_fail (WF_IS_CHAT_VIEW (self));
  g_return_if_fail (run != NULL);

  if (self->session_id == 0)
    self->session_id = run->session_id;
  if (run->session_id != self->session_id)
    return;
  gtk_stack_set_visible_child_name (self->stack, "conversation");
  append_run (self, run);
  update_actions (self);
  queue_scroll_to_last_turn (self);
}
