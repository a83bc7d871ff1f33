/* test-budget.c: estimate, reserve, settle, state, month boundary, expiry and
 * concurrency of the budget controller over the real SQLite store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wf-budget.h"
#include "wf-store.h"

typedef struct
{
  WfStore  *store;
  WfBudget *budget;
  char     *path;
  gint64    now;
} Fixture;

static gint64
fixture_clock (gpointer user_data)
{
  Fixture *f = user_data;
  return f->now;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->path = g_build_filename (g_get_user_data_dir (), "budget.db", NULL);
  g_mkdir_with_parents (g_get_user_data_dir (), 0700);
  f->store = wf_store_open (f->path, &error);
  g_assert_no_error (error);
  f->budget = wf_budget_new (f->store);
  f->now = g_get_real_time ();
  wf_budget_set_clock (f->budget, fixture_clock, f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->budget);
  g_clear_object (&f->store);
  g_free (f->path);
}

static void
set_limits (Fixture *f,
            gint64   monthly,
            gint64   session,
            gint64   run)
{
  WfBudgetLimits limits = { monthly, session, run, 0.80, 0.95 };
  g_autoptr(GError) error = NULL;

  g_assert_true (wf_budget_set_limits (f->budget, &limits, &error));
  g_assert_no_error (error);
}

static WfCostEstimate
fixed_estimate (gint64 micros)
{
  WfCostEstimate e = { 0 };

  e.total_micros = micros;
  e.llm_micros = micros;
  return e;
}

/* Reserve and settle with a reported cost: money actually spent. */
static void
spend (Fixture    *f,
       const char *key,
       gint64      session_id,
       gint64      micros)
{
  WfCostEstimate e = fixed_estimate (micros);
  WfActualCost actual = { 0 };
  g_autoptr(WfReservation) res = NULL;
  g_autoptr(GError) error = NULL;

  res = wf_budget_reserve (f->budget, key, session_id, "openrouter", "openai/gpt-4o-mini",
                           FALSE, &e, &error);
  g_assert_no_error (error);
  g_assert_nonnull (res);
  actual.has_reported_cost = TRUE;
  actual.reported_micros = micros;
  g_assert_true (wf_budget_settle (f->budget, res, &actual, NULL, &error));
  g_assert_no_error (error);
}

static WfBudgetStatus
status (Fixture *f,
        gint64   session_id)
{
  WfBudgetStatus st;
  g_autoptr(GError) error = NULL;

  g_assert_true (wf_budget_get_status (f->budget, session_id, &st, &error));
  g_assert_no_error (error);
  return st;
}

static void
test_estimate (void)
{
  g_autoptr(WfModelInfo) model = wf_model_info_new ("openai/gpt-4o-mini", "openrouter");
  WfCostEstimate e;
  char prompt[401];

  g_assert_cmpint (wf_budget_estimate_tokens (NULL), ==, 0);
  g_assert_cmpint (wf_budget_estimate_tokens (""), ==, 0);
  g_assert_cmpint (wf_budget_estimate_tokens ("a"), ==, 1);
  g_assert_cmpint (wf_budget_estimate_tokens ("abcd"), ==, 1);
  g_assert_cmpint (wf_budget_estimate_tokens ("abcde"), ==, 2);
  /* Bytes, not characters: "€" is 3 bytes. */
  g_assert_cmpint (wf_budget_estimate_tokens ("€€"), ==, 2);

  memset (prompt, 'x', 400);
  prompt[400] = '\0';
  model->input_micros_per_mtok = 150000;
  model->output_micros_per_mtok = 600000;
  wf_budget_estimate (model, FALSE, prompt, 1000, 2.5, 100, &e);
  g_assert_cmpint (e.input_tokens, ==, 100);
  g_assert_cmpint (e.output_tokens, ==, 1000);
  /* 100 × 0.15 = 15; 1000 × 0.6 = 600; 2.5 s × 100 µ$ = 250 */
  g_assert_cmpint (e.llm_micros, ==, 615);
  g_assert_cmpint (e.sandbox_micros, ==, 250);
  g_assert_cmpint (e.total_micros, ==, 865);
  g_assert_false (e.price_unknown);

  /* Rounded up: a paid call never estimates to $0. */
  g_assert_cmpint (wf_budget_token_cost (1, 150000), ==, 1);
  g_assert_cmpint (wf_budget_token_cost (0, 150000), ==, 0);

  /* Unknown price: conservative, flagged, never $0. */
  wf_budget_estimate (NULL, FALSE, prompt, 1000, 0, 0, &e);
  g_assert_true (e.price_unknown);
  g_assert_cmpint (e.total_micros, ==, wf_budget_token_cost (100, WF_BUDGET_UNKNOWN_INPUT_MICROS_PER_MTOK)
                                       + wf_budget_token_cost (1000, WF_BUDGET_UNKNOWN_OUTPUT_MICROS_PER_MTOK));
  model->output_micros_per_mtok = -1;
  wf_budget_estimate (model, FALSE, prompt, 10, 0, 0, &e);
  g_assert_true (e.price_unknown);
  g_assert_cmpint (e.total_micros, >, 0);
  model->output_micros_per_mtok = 600000;

  /* Free providers cost nothing for the model part. */
  wf_budget_estimate (NULL, TRUE, prompt, 1000, 1.0, 10, &e);
  g_assert_cmpint (e.llm_micros, ==, 0);
  g_assert_cmpint (e.total_micros, ==, 10);
  g_assert_false (e.price_unknown);

  /* Hostile numbers: NaN and negative seconds, negative and absurd tokens. */
  wf_budget_estimate (model, FALSE, "x", -5, NAN, 100, &e);
  g_assert_cmpint (e.output_tokens, ==, 0);
  g_assert_cmpint (e.sandbox_micros, ==, 0);
  g_assert_cmpint (e.total_micros, >=, 0);
  wf_budget_estimate (model, FALSE, "x", G_MAXINT64, -INFINITY, 100, &e);
  g_assert_cmpint (e.output_tokens, ==, WF_BUDGET_MAX_TOKENS);
  g_assert_cmpint (e.total_micros, >, 0);
  g_assert_cmpint (e.total_micros, <=, WF_BUDGET_MAX_AMOUNT_MICROS);
  model->input_micros_per_mtok = G_MAXINT64;
  wf_budget_estimate (model, FALSE, "x", G_MAXINT64, INFINITY, G_MAXINT64, &e);
  g_assert_cmpint (e.total_micros, >, 0);
  g_assert_cmpint (e.total_micros, <=, WF_BUDGET_MAX_AMOUNT_MICROS);
}

static void
test_limits_validation (Fixture       *f,
                        gconstpointer  data)
{
  WfBudgetLimits limits = { 1000000, -1, -1, 0.8, 0.95 };
  WfBudgetLimits back;
  g_autoptr(GError) error = NULL;

  limits.monthly_micros = -5;
  g_assert_false (wf_budget_set_limits (f->budget, &limits, &error));
  g_assert_error (error, WF_BUDGET_ERROR, WF_BUDGET_ERROR_INVALID);
  g_clear_error (&error);

  limits.monthly_micros = 1000000;
  limits.warn_ratio = 0.99;
  g_assert_false (wf_budget_set_limits (f->budget, &limits, &error));
  g_assert_error (error, WF_BUDGET_ERROR, WF_BUDGET_ERROR_INVALID);
  g_clear_error (&error);

  limits.warn_ratio = NAN;
  g_assert_false (wf_budget_set_limits (f->budget, &limits, &error));
  g_clear_error (&error);

  limits.warn_ratio = 0.5;
  limits.degrade_ratio = 0.9;
  limits.run_micros = 250000;
  g_assert_true (wf_budget_set_limits (f->budget, &limits, &error));
  g_assert_no_error (error);
  g_assert_true (wf_budget_get_limits (f->budget, &back, &error));
  g_assert_cmpint (back.monthly_micros, ==, 1000000);
  g_assert_cmpint (back.session_micros, ==, -1);
  g_assert_cmpint (back.run_micros, ==, 250000);
  g_assert_cmpfloat (back.warn_ratio, ==, 0.5);
  g_assert_cmpfloat (back.degrade_ratio, ==, 0.9);
}

static void
test_reserve_settle (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(WfModelInfo) model = wf_model_info_new ("openai/gpt-4o-mini", "openrouter");
  g_autoptr(WfReservation) res = NULL;
  g_autoptr(WfReservation) res2 = NULL;
  g_autoptr(WfReservation) res3 = NULL;
  g_autoptr(WfLedgerEntry) settled = NULL;
  g_autoptr(GError) error = NULL;
  WfCostEstimate e = fixed_estimate (100000);
  WfActualCost actual = { 0 };
  WfBudgetStatus st;

  set_limits (f, 1000000, -1, 200000);
  model->input_micros_per_mtok = 150000;
  model->output_micros_per_mtok = 600000;

  res = wf_budget_reserve (f->budget, "run:a", 0, "openrouter", model->id, FALSE, &e, &error);
  g_assert_no_error (error);
  g_assert_cmpint (res->amount_micros, ==, 100000);
  g_assert_cmpint (res->expires_us, ==, f->now + WF_BUDGET_DEFAULT_RESERVATION_TTL_US);
  st = status (f, 0);
  g_assert_cmpint (st.month_reserved, ==, 100000);
  g_assert_cmpint (st.month_settled, ==, 0);

  /* Same key again: refused, not counted twice. */
  res2 = wf_budget_reserve (f->budget, "run:a", 0, "openrouter", model->id, FALSE, &e, &error);
  g_assert_null (res2);
  g_assert_error (error, WF_BUDGET_ERROR, WF_BUDGET_ERROR_ALREADY_SETTLED);
  g_clear_error (&error);
  g_assert_cmpint (status (f, 0).month_reserved, ==, 100000);

  /* Provider-reported cost wins; the difference is released. */
  actual.has_reported_cost = TRUE;
  actual.reported_micros = 60000;
  actual.has_usage = TRUE;
  actual.input_tokens = 10;
  actual.output_tokens = 10;
  actual.model = model;
  g_assert_true (wf_budget_settle (f->budget, res, &actual, &settled, &error));
  g_assert_no_error (error);
  g_assert_cmpint (settled->amount_micros, ==, 60000);
  g_assert_false (settled->estimated);
  st = status (f, 0);
  g_assert_cmpint (st.month_reserved, ==, 0);
  g_assert_cmpint (st.month_settled, ==, 60000);
  g_assert_cmpint (st.month_n_settled, ==, 1);

  /* Settling twice is refused and changes nothing. */
  g_assert_false (wf_budget_settle (f->budget, res, &actual, NULL, &error));
  g_assert_error (error, WF_BUDGET_ERROR, WF_BUDGET_ERROR_ALREADY_SETTLED);
  g_clear_error (&error);
  g_assert_cmpint (status (f, 0).month_settled, ==, 60000);

  /* Tokens × price when there is usage but no reported cost, plus sandbox. */
  res2 = wf_budget_reserve (f->budget, "run:b", 0, "cohere", model->id, FALSE, &e, &error);
  g_assert_no_error (error);
  actual.has_reported_cost = FALSE;
  actual.input_tokens = 1000;      /* 150 */
  actual.output_tokens = 1000;     /* 600 */
  actual.sandbox_micros = 50;
  g_clear_pointer (&settled, wf_ledger_entry_free);
  g_assert_true (wf_budget_settle (f->budget, res2, &actual, &settled, &error));
  g_assert_cmpint (settled->amount_micros, ==, 800);
  g_assert_false (settled->estimated);

  /* No usage and no reported cost: the estimate, flagged — never $0. A
   * negative reported cost is as good as none. */
  res3 = wf_budget_reserve (f->budget, "run:c", 0, "cohere", model->id, FALSE, &e, &error);
  g_assert_no_error (error);
  actual.has_reported_cost = TRUE;
  actual.reported_micros = -7;
  actual.has_usage = FALSE;
  g_clear_pointer (&settled, wf_ledger_entry_free);
  g_assert_true (wf_budget_settle (f->budget, res3, &actual, &settled, &error));
  g_assert_cmpint (settled->amount_micros, ==, 100000);
  g_assert_true (settled->estimated);
  st = status (f, 0);
  g_assert_cmpint (st.month_settled, ==, 60000 + 800 + 100000);
  g_assert_cmpint (st.month_n_estimated, ==, 1);

  /* Usage present but price unknown: estimated too. */
  {
    g_autoptr(WfReservation) r = NULL;
    g_autoptr(WfModelInfo) unknown = wf_model_info_new ("x/unknown", "openrouter");

    r = wf_budget_reserve (f->budget, "run:d", 0, "openrouter", "x/unknown", FALSE, &e, &error);
    g_assert_no_error (error);
    actual.has_reported_cost = FALSE;
    actual.has_usage = TRUE;
    actual.model = unknown;
    g_clear_pointer (&settled, wf_ledger_entry_free);
    g_assert_true (wf_budget_settle (f->budget, r, &actual, &settled, &error));
    g_assert_true (settled->estimated);
    g_assert_cmpint (settled->amount_micros, ==, 100000);
  }

  /* Per-run cap. */
  e = fixed_estimate (250000);
  g_clear_pointer (&res3, wf_reservation_free);
  res3 = wf_budget_reserve (f->budget, "run:e", 0, "openrouter", model->id, FALSE, &e, &error);
  g_assert_null (res3);
  g_assert_error (error, WF_BUDGET_ERROR, WF_BUDGET_ERROR_OVER_LIMIT);
  g_clear_error (&error);

  /* A release closes a reservation at no cost. */
  e = fixed_estimate (1000);
  res3 = wf_budget_reserve (f->budget, "run:f", 0, "openrouter", model->id, FALSE, &e, &error);
  g_assert_no_error (error);
  g_assert_cmpint (status (f, 0).month_reserved, ==, 1000);
  g_assert_true (wf_budget_release (f->budget, res3, &error));
  st = status (f, 0);
  g_assert_cmpint (st.month_reserved, ==, 0);
  g_assert_cmpint (st.month_settled, ==, 60000 + 800 + 100000 + 100000);
}

static void
test_states (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WfReservation) res = NULL;
  WfCostEstimate e = fixed_estimate (1);
  WfBudgetStatus st;

  /* No limits: always Active. */
  st = status (f, 0);
  g_assert_cmpint (st.state, ==, WF_BUDGET_ACTIVE);
  g_assert_cmpint (st.tightest, ==, WF_BUDGET_SCOPE_NONE);

  set_limits (f, 1000000, -1, -1);
  spend (f, "s1", 0, 799999);
  st = status (f, 0);
  g_assert_cmpint (st.state, ==, WF_BUDGET_ACTIVE);
  g_assert_cmpint (st.tightest, ==, WF_BUDGET_SCOPE_ORG);
  spend (f, "s2", 0, 1);
  g_assert_cmpint (status (f, 0).state, ==, WF_BUDGET_WARNED);
  spend (f, "s3", 0, 149999);
  g_assert_cmpint (status (f, 0).state, ==, WF_BUDGET_WARNED);
  spend (f, "s4", 0, 1);
  g_assert_cmpint (status (f, 0).state, ==, WF_BUDGET_DEGRADED);
  spend (f, "s5", 0, 49999);
  g_assert_cmpint (status (f, 0).state, ==, WF_BUDGET_DEGRADED);

  /* An open reservation counts towards the state. */
  res = wf_budget_reserve (f->budget, "s6", 0, "openrouter", "m", FALSE, &e, &error);
  g_assert_no_error (error);
  st = status (f, 0);
  g_assert_cmpint (st.state, ==, WF_BUDGET_STOPPED);
  g_assert_cmpint (st.month_settled + st.month_reserved, ==, 1000000);
  g_clear_pointer (&res, wf_reservation_free);

  /* Stopped: a paid call, however small, is refused... */
  res = wf_budget_reserve (f->budget, "s7", 0, "openrouter", "m", FALSE, &e, &error);
  g_assert_null (res);
  g_assert_error (error, WF_BUDGET_ERROR, WF_BUDGET_ERROR_STOPPED);
  g_clear_error (&error);

  /* ...a free one is not, and writes nothing. */
  e = fixed_estimate (5000);
  res = wf_budget_reserve (f->budget, "s8", 0, "local", "llama3", TRUE, &e, &error);
  g_assert_no_error (error);
  g_assert_nonnull (res);
  g_assert_true (res->is_free);
  g_assert_cmpint (res->amount_micros, ==, 0);
  {
    WfActualCost actual = { 0 };
    g_autoptr(WfLedgerEntry) entry = NULL;

    g_assert_true (wf_budget_settle (f->budget, res, &actual, &entry, &error));
    g_assert_cmpint (entry->amount_micros, ==, 0);
    g_assert_false (entry->estimated);
  }
  st = status (f, 0);
  g_assert_cmpint (st.month_settled + st.month_reserved, ==, 1000000);

  /* A limit of zero: stopped from the start. */
  set_limits (f, 0, -1, -1);
  g_assert_cmpint (status (f, 0).state, ==, WF_BUDGET_STOPPED);
}

static void
test_session_scope (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WfReservation) res = NULL;
  WfCostEstimate e = fixed_estimate (30000);
  WfBudgetStatus st;

  set_limits (f, 1000000, 100000, -1);
  spend (f, "a1", 7, 90000);
  st = status (f, 7);
  g_assert_cmpint (st.tightest, ==, WF_BUDGET_SCOPE_SESSION);
  g_assert_cmpint (st.state, ==, WF_BUDGET_WARNED);
  g_assert_cmpint (st.session_settled, ==, 90000);

  /* Session 7 cannot take 30,000 more; session 8 can. */
  res = wf_budget_reserve (f->budget, "a2", 7, "openrouter", "m", FALSE, &e, &error);
  g_assert_null (res);
  g_assert_error (error, WF_BUDGET_ERROR, WF_BUDGET_ERROR_OVER_LIMIT);
  g_clear_error (&error);
  res = wf_budget_reserve (f->budget, "a3", 8, "openrouter", "m", FALSE, &e, &error);
  g_assert_no_error (error);
  g_assert_nonnull (res);
  st = status (f, 8);
  g_assert_cmpint (st.session_reserved, ==, 30000);
  g_assert_cmpint (st.state, ==, WF_BUDGET_ACTIVE);
  /* The org scope sees both sessions. */
  g_assert_cmpint (st.month_settled + st.month_reserved, ==, 120000);
}

static gint64
utc_us (int year, int month, int day, int hour, int minute)
{
  g_autoptr(GDateTime) dt = g_date_time_new_utc (year, month, day, hour, minute, 0);
  return g_date_time_to_unix (dt) * G_USEC_PER_SEC;
}

static void
test_month_boundary (Fixture       *f,
                     gconstpointer  data)
{
  gint64 start, next;
  WfBudgetStatus st;

  /* main() set TZ to UTC+10: local midnight of the 1st is 14:00 UTC the day
   * before. */
  wf_budget_month_window (utc_us (2026, 1, 31, 14, 30), &start, &next);
  g_assert_cmpint (start, ==, utc_us (2026, 1, 31, 14, 0));
  g_assert_cmpint (next, ==, utc_us (2026, 2, 28, 14, 0));
  wf_budget_month_window (utc_us (2026, 1, 31, 13, 59), &start, &next);
  g_assert_cmpint (start, ==, utc_us (2025, 12, 31, 14, 0));
  g_assert_cmpint (next, ==, utc_us (2026, 1, 31, 14, 0));
  /* December rolls into the next year. */
  wf_budget_month_window (utc_us (2026, 12, 15, 0, 0), &start, &next);
  g_assert_cmpint (next, ==, utc_us (2026, 12, 31, 14, 0));

  set_limits (f, 1000000, -1, -1);
  /* 23:59 local on 31 January. */
  f->now = utc_us (2026, 1, 31, 13, 59);
  spend (f, "jan", 0, 500000);
  st = status (f, 0);
  g_assert_cmpint (st.month_settled, ==, 500000);
  g_assert_cmpint (st.next_reset_us, ==, utc_us (2026, 1, 31, 14, 0));

  /* 00:01 local on 1 February: a fresh month. */
  f->now = utc_us (2026, 1, 31, 14, 1);
  st = status (f, 0);
  g_assert_cmpint (st.month_settled, ==, 0);
  g_assert_cmpint (st.state, ==, WF_BUDGET_ACTIVE);
  spend (f, "feb", 0, 900000);
  st = status (f, 0);
  g_assert_cmpint (st.month_settled, ==, 900000);
  g_assert_cmpint (st.state, ==, WF_BUDGET_WARNED);
  g_assert_cmpint (st.month_start_us, ==, utc_us (2026, 1, 31, 14, 0));

  /* And January still has its own total. */
  f->now = utc_us (2026, 1, 20, 0, 0);
  g_assert_cmpint (status (f, 0).month_settled, ==, 500000);
}

static void
test_reservation_expiry (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WfReservation) res = NULL;
  WfCostEstimate e = fixed_estimate (600000);
  gint64 t0 = f->now;
  pid_t pid;
  int wstatus;

  set_limits (f, 1000000, -1, -1);

  /* A child process reserves and dies without settling: a crash. */
  g_clear_object (&f->budget);
  g_clear_object (&f->store);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      WfStore *store = wf_store_open (f->path, NULL);
      WfBudget *budget;
      WfReservation *r;

      if (store == NULL)
        _exit (2);
      budget = wf_budget_new (store);
      wf_budget_set_clock (budget, fixture_clock, f);
      r = wf_budget_reserve (budget, "crashed", 0, "openrouter", "m", FALSE, &e, NULL);
      _exit (r != NULL ? 0 : 3);
    }
  g_assert_cmpint (waitpid (pid, &wstatus, 0), ==, pid);
  g_assert_true (WIFEXITED (wstatus));
  g_assert_cmpint (WEXITSTATUS (wstatus), ==, 0);

  f->store = wf_store_open (f->path, &error);
  g_assert_no_error (error);
  f->budget = wf_budget_new (f->store);
  wf_budget_set_clock (f->budget, fixture_clock, f);

  /* The crashed reservation holds its money while it is live... */
  g_assert_cmpint (status (f, 0).month_reserved, ==, 600000);
  res = wf_budget_reserve (f->budget, "next", 0, "openrouter", "m", FALSE, &e, &error);
  g_assert_null (res);
  g_assert_error (error, WF_BUDGET_ERROR, WF_BUDGET_ERROR_OVER_LIMIT);
  g_clear_error (&error);

  f->now = t0 + WF_BUDGET_DEFAULT_RESERVATION_TTL_US - 1;
  g_assert_cmpint (status (f, 0).month_reserved, ==, 600000);

  /* ...and lets it go after the time-out (default 10 minutes). */
  f->now = t0 + WF_BUDGET_DEFAULT_RESERVATION_TTL_US;
  g_assert_cmpint (status (f, 0).month_reserved, ==, 0);
  res = wf_budget_reserve (f->budget, "next", 0, "openrouter", "m", FALSE, &e, &error);
  g_assert_no_error (error);
  g_assert_nonnull (res);
  g_clear_pointer (&res, wf_reservation_free);

  /* A shorter setting is honoured. */
  wf_budget_set_reservation_ttl (f->budget, 30 * G_USEC_PER_SEC);
  g_assert_cmpint (wf_budget_get_reservation_ttl (f->budget), ==, 30 * G_USEC_PER_SEC);
  f->now += WF_BUDGET_DEFAULT_RESERVATION_TTL_US;
  e = fixed_estimate (10);
  res = wf_budget_reserve (f->budget, "short", 0, "openrouter", "m", FALSE, &e, &error);
  g_assert_no_error (error);
  g_assert_cmpint (res->expires_us, ==, f->now + 30 * G_USEC_PER_SEC);
}

/* Concurrency: 50 reserve/settle cycles from 5 processes × 2 threads × 5
 * cycles on one database file, each with its own connection. */

#define CONC_PROCESSES     5     /* the parent and 4 children */
#define CONC_THREADS       2
#define CONC_CYCLES        5
#define CONC_LIMIT         1000000
#define CONC_RESERVE       40000

typedef struct
{
  gint32 reserved;          /* successful reservations */
  gint32 refused;           /* refused by the limit */
  gint32 errors;            /* anything else: must stay 0 */
  gint32 violations;        /* a status that showed more than the limit */
  gint64 settled_micros;
} ConcResult;

typedef struct
{
  const char *path;
  int         process;
  int         thread;
  ConcResult  result;
} ConcWorker;

static gpointer
conc_worker (gpointer data)
{
  ConcWorker *w = data;
  g_autoptr(GError) error = NULL;
  /* Each thread opens its own connection, as the pipeline's worker does. */
  g_autoptr(WfStore) store = wf_store_open (w->path, &error);
  g_autoptr(WfBudget) budget = NULL;

  if (store == NULL)
    {
      w->result.errors++;
      return NULL;
    }
  budget = wf_budget_new (store);

  for (int i = 0; i < CONC_CYCLES; i++)
    {
      g_autofree char *key = g_strdup_printf ("conc:%d:%d:%d", w->process, w->thread, i);
      WfCostEstimate e = fixed_estimate (CONC_RESERVE);
      WfActualCost actual = { 0 };
      g_autoptr(WfReservation) res = NULL;
      WfBudgetStatus st;

      res = wf_budget_reserve (budget, key, 0, "openrouter", "m", FALSE, &e, &error);
      if (res == NULL)
        {
          if (g_error_matches (error, WF_BUDGET_ERROR, WF_BUDGET_ERROR_OVER_LIMIT)
              || g_error_matches (error, WF_BUDGET_ERROR, WF_BUDGET_ERROR_STOPPED))
            w->result.refused++;
          else
            {
              g_printerr ("# worker %d/%d: %s\n", w->process, w->thread, error->message);
              w->result.errors++;
            }
          g_clear_error (&error);
          continue;
        }
      w->result.reserved++;

      if (!wf_budget_get_status (budget, 0, &st, &error))
        {
          w->result.errors++;
          g_clear_error (&error);
        }
      else if (st.month_settled + st.month_reserved > CONC_LIMIT)
        w->result.violations++;

      /* The actual cost is at most the estimate: 25,000..40,000. */
      actual.has_reported_cost = TRUE;
      actual.reported_micros = 25000 + (g_random_int_range (0, 4) * 5000);
      if (!wf_budget_settle (budget, res, &actual, NULL, &error))
        {
          g_printerr ("# worker %d/%d settle: %s\n", w->process, w->thread, error->message);
          w->result.errors++;
          g_clear_error (&error);
          continue;
        }
      w->result.settled_micros += actual.reported_micros;

      /* A second settle of the same run must be refused. */
      if (wf_budget_settle (budget, res, &actual, NULL, NULL))
        w->result.errors++;
    }

  return NULL;
}

static void
conc_run_process (const char *path,
                  int         process,
                  ConcResult *out)
{
  ConcWorker workers[CONC_THREADS];
  GThread *threads[CONC_THREADS];

  memset (out, 0, sizeof *out);
  for (int t = 0; t < CONC_THREADS; t++)
    {
      memset (&workers[t], 0, sizeof workers[t]);
      workers[t].path = path;
      workers[t].process = process;
      workers[t].thread = t;
      threads[t] = g_thread_new ("conc", conc_worker, &workers[t]);
    }
  for (int t = 0; t < CONC_THREADS; t++)
    {
      g_thread_join (threads[t]);
      out->reserved += workers[t].result.reserved;
      out->refused += workers[t].result.refused;
      out->errors += workers[t].result.errors;
      out->violations += workers[t].result.violations;
      out->settled_micros += workers[t].result.settled_micros;
    }
}

static void
test_concurrency (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ledger = NULL;
  g_autoptr(GHashTable) settled_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  pid_t pids[CONC_PROCESSES - 1];
  int start_pipe[2], result_pipe[2];
  ConcResult total = { 0 }, mine;
  WfBudgetStatus st;
  gint64 ledger_settled = 0;
  guint n_reserve = 0, n_settle = 0;

  set_limits (f, CONC_LIMIT, -1, -1);
  g_clear_object (&f->budget);
  g_clear_object (&f->store);

  g_assert_cmpint (pipe (start_pipe), ==, 0);
  g_assert_cmpint (pipe (result_pipe), ==, 0);

  for (int p = 1; p < CONC_PROCESSES; p++)
    {
      pid_t pid = fork ();

      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        {
          char c;
          ConcResult r;

          close (start_pipe[1]);
          close (result_pipe[0]);
          /* Wait for the start signal (the write end closing). */
          while (read (start_pipe[0], &c, 1) < 0 && errno == EINTR)
            ;
          conc_run_process (f->path, p, &r);
          if (write (result_pipe[1], &r, sizeof r) != sizeof r)
            _exit (4);
          _exit (0);
        }
      pids[p - 1] = pid;
    }
  close (start_pipe[0]);
  close (result_pipe[1]);
  /* Go: every child and the parent's threads start together. */
  close (start_pipe[1]);
  conc_run_process (f->path, 0, &mine);
  total = mine;

  for (int p = 1; p < CONC_PROCESSES; p++)
    {
      ConcResult r;
      int wstatus;

      g_assert_cmpint (read (result_pipe[0], &r, sizeof r), ==, sizeof r);
      total.reserved += r.reserved;
      total.refused += r.refused;
      total.errors += r.errors;
      total.violations += r.violations;
      total.settled_micros += r.settled_micros;
      g_assert_cmpint (waitpid (pids[p - 1], &wstatus, 0), ==, pids[p - 1]);
      g_assert_true (WIFEXITED (wstatus));
      g_assert_cmpint (WEXITSTATUS (wstatus), ==, 0);
    }
  close (result_pipe[0]);

  f->store = wf_store_open (f->path, &error);
  g_assert_no_error (error);
  f->budget = wf_budget_new (f->store);
  wf_budget_set_clock (f->budget, fixture_clock, f);
  f->now = g_get_real_time ();

  st = status (f, 0);
  ledger = wf_store_ledger_list (f->store, 0, G_MAXINT64, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < ledger->len; i++)
    {
      WfLedgerEntry *entry = g_ptr_array_index (ledger, i);

      if (entry->kind == WF_LEDGER_RESERVE)
        n_reserve++;
      else if (entry->kind == WF_LEDGER_SETTLE)
        {
          n_settle++;
          ledger_settled += entry->amount_micros;
          g_assert_false (g_hash_table_contains (settled_keys, entry->run_key));
          g_hash_table_add (settled_keys, g_strdup (entry->run_key));
        }
    }

  g_test_message ("concurrency: %d cycles (%d processes x %d threads x %d), %d reserved, %d refused, %d errors, "
                  "%d limit violations; settled %" G_GINT64_FORMAT " of %d micros",
                  total.reserved + total.refused + total.errors, CONC_PROCESSES, CONC_THREADS,
                  CONC_CYCLES, total.reserved, total.refused, total.errors, total.violations, st.month_settled, CONC_LIMIT);

  g_assert_cmpint (total.errors, ==, 0);
  g_assert_cmpint (total.violations, ==, 0);
  g_assert_cmpint (total.reserved + total.refused, ==, CONC_PROCESSES * CONC_THREADS * CONC_CYCLES);
  /* The limit bites: some were refused, some went through. */
  g_assert_cmpint (total.refused, >, 0);
  g_assert_cmpint (total.reserved, >, 0);
  /* The hard limit is never passed... */
  g_assert_cmpint (st.month_settled, <=, CONC_LIMIT);
  g_assert_cmpint (st.month_reserved, ==, 0);
  /* ...and nothing is counted twice or lost. */
  g_assert_cmpuint (n_reserve, ==, (guint) total.reserved);
  g_assert_cmpuint (n_settle, ==, (guint) total.reserved);
  g_assert_cmpint (ledger_settled, ==, total.settled_micros);
  g_assert_cmpint (st.month_settled, ==, total.settled_micros);
}

/* whatif-cli budget, run as a separate process on the fixture's database. */
static int
run_cli (Fixture     *f,
         char       **out,
         const char  *first,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  const char *arg;
  int status = 0;
  va_list args;

  g_ptr_array_add (argv, (gpointer) g_getenv ("WHATIF_CLI"));
  va_start (args, first);
  for (arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, (gpointer) "--db");
  g_ptr_array_add (argv, f->path);
  g_ptr_array_add (argv, NULL);

  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               out, &err, &status, &error));
  g_assert_no_error (error);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static JsonObject *
parse_object (JsonParser *parser,
              const char *text)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

static void
test_cli (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *out = NULL;
  JsonObject *obj;
  WfBudgetLimits limits;
  WfBudgetStatus st;

  if (g_getenv ("WHATIF_CLI") == NULL || !g_file_test (g_getenv ("WHATIF_CLI"), G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("whatif-cli is not built");
      return;
    }

  g_assert_cmpint (run_cli (f, &out, "budget", "set", "--monthly", "20", "--session", "2",
                            "--run", "0.25", "--json", NULL), ==, 0);
  obj = parse_object (parser, out);
  g_assert_true (json_object_get_boolean_member (obj, "ok"));
  g_assert_cmpint (json_object_get_int_member (obj, "monthly_micros"), ==, 20000000);
  g_assert_cmpint (json_object_get_int_member (obj, "session_micros"), ==, 2000000);
  g_assert_cmpint (json_object_get_int_member (obj, "run_micros"), ==, 250000);
  g_assert_true (wf_budget_get_limits (f->budget, &limits, NULL));
  g_assert_cmpint (limits.monthly_micros, ==, 20000000);
  g_assert_cmpint (limits.run_micros, ==, 250000);
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (run_cli (f, &out, "budget", "set", "--warn", "50%", "--degrade", "0.6", "--run", "none", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Next reset"));
  g_clear_pointer (&out, g_free);
  g_assert_true (wf_budget_get_limits (f->budget, &limits, NULL));
  g_assert_cmpfloat (limits.warn_ratio, ==, 0.5);
  g_assert_cmpfloat (limits.degrade_ratio, ==, 0.6);
  g_assert_cmpint (limits.run_micros, ==, -1);
  g_assert_cmpint (limits.monthly_micros, ==, 20000000);

  /* Spend in this process; the CLI sees it. */
  f->now = g_get_real_time ();
  spend (f, "cli-1", 0, 16500000);
  g_assert_cmpint (run_cli (f, &out, "budget", "--json", NULL), ==, 0);
  obj = parse_object (parser, out);
  g_assert_cmpstr (json_object_get_string_member (obj, "state"), ==, "degraded");
  g_assert_cmpint (json_object_get_int_member (obj, "spent_micros"), ==, 16500000);
  g_assert_true (wf_budget_get_status (f->budget, 0, &st, NULL));
  g_assert_cmpint (json_object_get_int_member (obj, "next_reset_us"), ==, st.next_reset_us);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (f, &out, "budget", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "$16.50"));
  g_assert_nonnull (strstr (out, "degraded"));
  g_clear_pointer (&out, g_free);

  /* Usage errors change nothing and exit 2. */
  g_assert_cmpint (run_cli (f, &out, "budget", "set", "--monthly", "-5", NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (f, &out, "budget", "set", "--monthly", "abc", NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (f, &out, "budget", "set", "--monthly", "0.0000001", NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (f, &out, "budget", "set", "--warn", "0.99", NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (f, &out, "budget", "set", NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (f, &out, "budget", "frobnicate", "--json", NULL), ==, 2);
  obj = parse_object (parser, out);
  g_assert_false (json_object_get_boolean_member (obj, "ok"));
  g_assert_true (wf_budget_get_limits (f->budget, &limits, NULL));
  g_assert_cmpint (limits.monthly_micros, ==, 20000000);
  g_assert_cmpfloat (limits.warn_ratio, ==, 0.5);
}

int
main (int    argc,
      char **argv)
{
  /* Month boundaries are tested in a fixed zone: UTC+10, no DST. */
  g_setenv ("TZ", "XXX-10", TRUE);

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/budget/estimate", test_estimate);
  g_test_add ("/budget/limits", Fixture, NULL, fixture_setup, test_limits_validation, fixture_teardown);
  g_test_add ("/budget/reserve-settle", Fixture, NULL, fixture_setup, test_reserve_settle, fixture_teardown);
  g_test_add ("/budget/states", Fixture, NULL, fixture_setup, test_states, fixture_teardown);
  g_test_add ("/budget/session-scope", Fixture, NULL, fixture_setup, test_session_scope, fixture_teardown);
  g_test_add ("/budget/month-boundary", Fixture, NULL, fixture_setup, test_month_boundary, fixture_teardown);
  g_test_add ("/budget/reservation-expiry", Fixture, NULL, fixture_setup, test_reservation_expiry, fixture_teardown);
  g_test_add ("/budget/cli", Fixture, NULL, fixture_setup, test_cli, fixture_teardown);
  g_test_add ("/budget/concurrency", Fixture, NULL, fixture_setup, test_concurrency, fixture_teardown);

  return g_test_run ();
}
