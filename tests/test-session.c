/* test-session.c: the conversation context stays within the token budget
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-session"

#include "config.h"

#include <math.h>
#include <string.h>

#include "wf-session.h"

static const char *system_prompt =
  "You write small Python financial models. Answer as JSON {code, explanation, language}.";

static gint64
total_tokens (GPtrArray *messages)
{
  gint64 total = 0;
  guint i;

  for (i = 0; i < messages->len; i++)
    {
      WfChatMessage *m = g_ptr_array_index (messages, i);
      total += wf_session_estimate_tokens (m->role, m->content);
    }
  return total;
}

static void
add_turns (WfSession *session,
           guint      n,
           gsize      size)
{
  guint i;

  for (i = 0; i < n; i++)
    {
      g_autofree char *pad = g_strnfill (size, 'x');
      g_autofree char *q = g_strdup_printf ("question %u: loan of %u at 5%% %s", i, 1000 * (i + 1), pad);
      g_autofree char *a = g_strdup_printf ("answer %u %s", i, pad);

      wf_session_add_message (session, "user", q);
      wf_session_add_message (session, "assistant", a);
    }
}

static void
test_estimate (void)
{
  g_assert_cmpint (wf_session_estimate_tokens ("user", ""), ==, 5);
  g_assert_cmpint (wf_session_estimate_tokens ("user", "abcd"), ==, 6);
  g_assert_cmpint (wf_session_estimate_tokens (NULL, NULL), ==, 4);
  /* Monotonic in the length. */
  g_assert_cmpint (wf_session_estimate_tokens ("user", "abcdefgh"), >, wf_session_estimate_tokens ("user", "abc"));
}

/* A short conversation is sent whole, in order, with the system prompt first. */
static void
test_short_conversation (void)
{
  g_autoptr(WfSession) session = wf_session_new (1, system_prompt);
  g_autoptr(GPtrArray) ctx = NULL;
  guint dropped = 99;
  WfChatMessage *m;

  add_turns (session, 2, 10);
  ctx = wf_session_build_context (session, "and at 7%?", &dropped);
  g_assert_cmpuint (dropped, ==, 0);
  g_assert_cmpuint (ctx->len, ==, 6);
  m = g_ptr_array_index (ctx, 0);
  g_assert_cmpstr (m->role, ==, "system");
  g_assert_cmpstr (m->content, ==, system_prompt);
  m = g_ptr_array_index (ctx, 1);
  g_assert_true (g_str_has_prefix (m->content, "question 0"));
  m = g_ptr_array_index (ctx, 5);
  g_assert_cmpstr (m->role, ==, "user");
  g_assert_cmpstr (m->content, ==, "and at 7%?");
}

/* Many turns: the window keeps the first system message, the parameters in
 * force and the newest turns, and never exceeds budget minus reserve. */
static void
test_sliding_window (void)
{
  g_autoptr(WfSession) session = wf_session_new (2, system_prompt);
  g_autoptr(WfQueryParams) params = wf_query_params_new ();
  guint budgets[] = { 256, 600, 1000, 3000, 8000 };
  guint b;

  add_turns (session, 60, 200);
  wf_query_params_set (params, WF_SLOT_PRINCIPAL, 40000);
  wf_query_params_set (params, WF_SLOT_RATE, 0.075);
  wf_session_set_params (session, WF_INTENT_LOAN_PAYMENT, params);

  for (b = 0; b < G_N_ELEMENTS (budgets); b++)
    {
      g_autoptr(GPtrArray) ctx = NULL;
      WfChatMessage *first, *note, *last;
      guint dropped = 0;
      gint64 limit;

      wf_session_set_token_budget (session, budgets[b], budgets[b] / 4);
      limit = wf_session_get_token_budget (session) - wf_session_get_reserve (session);
      ctx = wf_session_build_context (session, "what about 10%?", &dropped);

      g_test_message ("budget %u: %u messages, %" G_GINT64_FORMAT " tokens, %u dropped",
                      budgets[b], ctx->len, total_tokens (ctx), dropped);
      g_assert_cmpint (total_tokens (ctx), <=, limit);
      g_assert_cmpuint (dropped, >, 0);
      g_assert_cmpuint (dropped, <=, 120);

      first = g_ptr_array_index (ctx, 0);
      g_assert_cmpstr (first->role, ==, "system");
      g_assert_cmpstr (first->content, ==, system_prompt);
      note = g_ptr_array_index (ctx, 1);
      g_assert_cmpstr (note->role, ==, "system");
      g_assert_nonnull (strstr (note->content, "principal=40000"));
      g_assert_nonnull (strstr (note->content, "rate=0.075"));
      g_assert_nonnull (strstr (note->content, "loan_payment"));
      last = g_ptr_array_index (ctx, ctx->len - 1);
      g_assert_cmpstr (last->content, ==, "what about 10%?");

      /* What is kept is the newest turns, contiguous and in order. */
      if (ctx->len > 3)
        {
          WfChatMessage *newest = g_ptr_array_index (ctx, ctx->len - 2);

          g_assert_true (g_str_has_prefix (newest->content, "answer 59"));
        }
      /* The note says turns were left out, when there is room to say it. */
      if (budgets[b] >= 600)
        g_assert_nonnull (strstr (note->content, "earlier messages left out"));
    }
}

static void
test_bigger_budget_keeps_more (void)
{
  g_autoptr(WfSession) session = wf_session_new (3, system_prompt);
  guint previous = G_MAXUINT;
  gint64 budget;

  add_turns (session, 40, 120);
  for (budget = 300; budget <= 12000; budget += 700)
    {
      g_autoptr(GPtrArray) ctx = NULL;
      guint dropped;

      wf_session_set_token_budget (session, budget, 200);
      ctx = wf_session_build_context (session, NULL, &dropped);
      g_assert_cmpuint (dropped, <=, previous);
      g_assert_cmpint (total_tokens (ctx), <=, budget - wf_session_get_reserve (session));
      previous = dropped;
    }
  /* 80 messages of about 40 tokens fit in the default 8000 − 2000. */
  wf_session_set_token_budget (session, WF_SESSION_TOKEN_BUDGET_DEFAULT, WF_SESSION_ANSWER_RESERVE_DEFAULT);
  {
    g_autoptr(GPtrArray) ctx = NULL;
    guint dropped;

    ctx = wf_session_build_context (session, NULL, &dropped);
    g_assert_cmpuint (dropped, ==, 0);
  }
}

/* A question alone bigger than the window is shortened in the middle, and the
 * result is still valid UTF-8 within the budget. */
static void
test_huge_question (void)
{
  g_autoptr(WfSession) session = wf_session_new (4, system_prompt);
  g_autoptr(GPtrArray) ctx = NULL;
  GString *q = g_string_new ("START ");
  WfChatMessage *last;
  int i;

  for (i = 0; i < 20000; i++)
    g_string_append (q, "\xe2\x82\xac");   /* multi-byte characters */
  g_string_append (q, " END");
  add_turns (session, 3, 50);
  wf_session_set_token_budget (session, 1000, 200);
  ctx = wf_session_build_context (session, q->str, NULL);
  g_assert_cmpint (total_tokens (ctx), <=, 800);
  last = g_ptr_array_index (ctx, ctx->len - 1);
  g_assert_true (g_utf8_validate (last->content, -1, NULL));
  g_assert_true (g_str_has_prefix (last->content, "START"));
  g_assert_true (g_str_has_suffix (last->content, "END"));
  g_string_free (q, TRUE);
}

/* The reserve for the answer is clamped, and the budget has a floor. */
static void
test_budget_clamps (void)
{
  g_autoptr(WfSession) session = wf_session_new (5, NULL);

  g_assert_cmpint (wf_session_get_token_budget (session), ==, WF_SESSION_TOKEN_BUDGET_DEFAULT);
  wf_session_set_token_budget (session, 10, 5000);
  g_assert_cmpint (wf_session_get_token_budget (session), ==, WF_SESSION_MIN_BUDGET);
  g_assert_cmpint (wf_session_get_reserve (session), ==, WF_SESSION_MIN_BUDGET / 2);
  wf_session_set_token_budget (session, 4000, -3);
  g_assert_cmpint (wf_session_get_reserve (session), ==, 0);
}

/* A resumed session: the first system message read back from the store
 * becomes the prompt; the last user message is the question. */
static void
test_resume (void)
{
  g_autoptr(WfSession) session = wf_session_new (6, NULL);
  g_autoptr(GPtrArray) ctx = NULL;
  WfChatMessage *m;
  const WfQueryParams *params;
  WfIntent intent = WF_INTENT_LAST;

  wf_session_add_message (session, "system", system_prompt);
  wf_session_add_message (session, "user", "loan of 40k at 7.5% over 5 years");
  wf_session_add_message (session, "assistant", "{\"code\": \"…\"}");
  wf_session_add_message (session, "user", "and over 7 years");
  g_assert_cmpstr (wf_session_get_system_prompt (session), ==, system_prompt);
  g_assert_cmpuint (wf_session_get_n_messages (session), ==, 3);
  params = wf_session_get_params (session, &intent);
  g_assert_null (params);
  g_assert_cmpint (intent, ==, WF_INTENT_NONE);

  ctx = wf_session_build_context (session, NULL, NULL);
  g_assert_cmpuint (ctx->len, ==, 4);
  m = g_ptr_array_index (ctx, 3);
  g_assert_cmpstr (m->content, ==, "and over 7 years");
  m = g_ptr_array_index (ctx, 0);
  g_assert_cmpstr (m->content, ==, system_prompt);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/session/estimate", test_estimate);
  g_test_add_func ("/session/short-conversation", test_short_conversation);
  g_test_add_func ("/session/sliding-window", test_sliding_window);
  g_test_add_func ("/session/bigger-budget-keeps-more", test_bigger_budget_keeps_more);
  g_test_add_func ("/session/huge-question", test_huge_question);
  g_test_add_func ("/session/budget-clamps", test_budget_clamps);
  g_test_add_func ("/session/resume", test_resume);

  return g_test_run ();
}
